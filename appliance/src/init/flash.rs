//! The flash config, `till.toml` on the SD card's BOOT partition: how an installer provisions a
//! register before its first boot (image/till.toml documents every key).
//!
//! Two steps like every config of Till: the raw [`FlashConfig`] (serde, unknown keys refused,
//! defaults on the struct) becomes a validated [`BootPlan`] through `TryFrom`, which reuses the
//! setup rules of [`ConfigUpdate::parse`] so the card and `till setup set` accept the same values.
//! [`apply`] writes the setup into the data directory only on first boot or when the file changed
//! (its BLAKE2 digest is kept), so what an admin changes later on the screen survives reboots.

use std::net::Ipv4Addr;

use blake2::{Blake2s256, Digest};
use serde::Deserialize;

use crate::config::{ConfigError, ConfigUpdate, LocalApiConfig};
use crate::register::Register;
use crate::store::{StoreError, kv};
use crate::sync::StoreId;

/// Why a card's setup could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The card's setup does not fit the register's (a client without a server, …).
    #[error(transparent)]
    Setup(#[from] ConfigError),
    /// The register's database refused.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// `till.toml` as written on the card.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct FlashConfig {
    /// The register's setup (`till setup set`).
    pub register: RegisterSection,
    /// How the register joins the LAN.
    pub network: NetworkSection,
    /// Demo and test hooks.
    pub demo: DemoSection,
}

/// `[register]`: the same keys as `till setup set`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct RegisterSection {
    /// standalone, server or client.
    pub mode: String,
    /// Register name; prefixes order numbers.
    pub name: String,
    /// Port a server listens on.
    pub port: u16,
    /// A client's server, `HOST:PORT` or `scan`.
    pub server: Option<String>,
    /// The store's shared secret (server and client).
    pub secret: Option<String>,
    /// The store id a new server should use (32 hex digits), to rebuild a lost server.
    pub store_id: Option<String>,
}

impl Default for RegisterSection {
    fn default() -> Self {
        RegisterSection {
            mode: "standalone".into(),
            name: crate::config::DEFAULT_REGISTER_NAME.into(),
            port: crate::config::DEFAULT_PORT,
            server: None,
            secret: None,
            store_id: None,
        }
    }
}

/// `[network]`: the Ethernet interface.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkSection {
    /// The interface to bring up.
    pub interface: String,
    /// `dhcp` or a static `ADDRESS/PREFIX` such as `192.168.1.20/24`.
    pub address: String,
    /// Default gateway for a static address.
    pub gateway: Option<String>,
}

impl Default for NetworkSection {
    fn default() -> Self {
        NetworkSection { interface: "eth0".into(), address: "dhcp".into(), gateway: None }
    }
}

/// `[demo]`: rings sales by itself, for demonstrations and the QEMU tests.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct DemoSection {
    /// Orders to ring after boot (0: none).
    pub ring_orders: u32,
    /// Pause between two orders.
    pub interval_ms: u64,
}

impl Default for DemoSection {
    fn default() -> Self {
        DemoSection { ring_orders: 0, interval_ms: 500 }
    }
}

/// How the interface gets its address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Addressing {
    /// Ask a DHCP server (busybox udhcpc).
    Dhcp,
    /// A fixed address.
    Static {
        /// IPv4 address.
        address: Ipv4Addr,
        /// Prefix length (24 for 255.255.255.0).
        prefix: u8,
        /// Default route.
        gateway: Option<Ipv4Addr>,
    },
}

/// The validated network settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Network {
    /// Interface name, e.g. eth0.
    pub interface: String,
    /// DHCP or static.
    pub addressing: Addressing,
}

/// What PID 1 does with a valid flash config.
#[derive(Clone, Debug)]
pub struct BootPlan {
    /// The setup to apply to the data directory.
    pub setup: ConfigUpdate,
    /// A store id for a server that has none yet.
    pub store_id: Option<StoreId>,
    /// The network.
    pub network: Network,
    /// Demo orders to ring.
    pub demo: DemoSection,
}

/// Why a flash config was refused.
#[derive(Debug, thiserror::Error)]
pub enum FlashError {
    /// Not TOML, an unknown key, or a value of the wrong type.
    #[error("till.toml is not valid: {0}")]
    Syntax(String),
    /// A setup value or combination `till setup set` would refuse too.
    #[error("till.toml [register]: {0}")]
    Setup(#[from] ConfigError),
    /// A network value that does not parse.
    #[error("till.toml [network]: bad {key} {value}: {why}", key = .0, value = crate::model::quote(.1), why = .2)]
    Network(&'static str, String, &'static str),
    /// A store id that is not 32 hex digits.
    #[error("till.toml [register]: {0}")]
    StoreId(String),
}

impl FlashConfig {
    /// Parses the text of `till.toml`.
    pub fn parse(text: &str) -> Result<FlashConfig, FlashError> {
        toml::from_str(text).map_err(|e| FlashError::Syntax(e.to_string()))
    }
}

impl TryFrom<FlashConfig> for BootPlan {
    type Error = FlashError;
    fn try_from(f: FlashConfig) -> Result<BootPlan, FlashError> {
        let r = f.register;
        let mut pairs = vec![format!("mode={}", r.mode), format!("name={}", r.name), format!("port={}", r.port)];
        pairs.extend(r.server.map(|s| format!("server={s}")));
        pairs.extend(r.secret.map(|s| format!("secret={s}")));
        let setup = ConfigUpdate::parse(&pairs)?;
        // The combination is checked too, against a blank register, so a card that could never
        // work (client without a server, …) is refused before boot rather than half-applied.
        LocalApiConfig::default().with(setup.clone())?;
        let store_id = r.store_id.map(|s| s.parse::<StoreId>()).transpose().map_err(FlashError::StoreId)?;
        let n = f.network;
        let addressing = if n.address == "dhcp" {
            Addressing::Dhcp
        } else {
            let bad = |what, v: &str| FlashError::Network(what, v.to_string(), "use dhcp or e.g. 192.168.1.20/24");
            let (a, p) = n.address.split_once('/').ok_or_else(|| bad("address", &n.address))?;
            let address: Ipv4Addr = a.parse().map_err(|_| bad("address", &n.address))?;
            let prefix: u8 =
                p.parse().ok().filter(|p| (1..=32).contains(p)).ok_or_else(|| bad("address", &n.address))?;
            let gateway = n
                .gateway
                .as_deref()
                .map(|g| {
                    g.parse::<Ipv4Addr>()
                        .map_err(|_| FlashError::Network("gateway", g.to_string(), "use e.g. 192.168.1.1"))
                })
                .transpose()?;
            Addressing::Static { address, prefix, gateway }
        };
        let iface_ok = (1..16).contains(&n.interface.len())
            && n.interface.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.');
        if !iface_ok {
            return Err(FlashError::Network("interface", n.interface, "use a name such as eth0"));
        }
        Ok(BootPlan { setup, store_id, network: Network { interface: n.interface, addressing }, demo: f.demo })
    }
}

/// The digest kept to notice a changed card (hex BLAKE2s-256 of the file's bytes).
pub fn digest(text: &str) -> String {
    Blake2s256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// What [`apply`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Applied {
    /// The card is the one applied before: the register's own setup stands.
    Unchanged,
    /// First boot or a changed card: its setup was saved.
    Saved,
}

/// Saves the card's setup into the register unless this exact card was applied before.
pub fn apply(reg: &mut Register, text: &str, plan: &BootPlan) -> Result<Applied, ApplyError> {
    let d = digest(text);
    if reg.store().get(kv::FLASH_DIGEST)?.as_deref() == Some(d.as_str()) {
        return Ok(Applied::Unchanged);
    }
    let cfg = reg.store().setup()?.with(plan.setup.clone())?;
    let had_store = reg.store().get(kv::STORE_ID)?.is_some();
    reg.store_mut().write(|tx| -> Result<(), StoreError> {
        tx.save_setup(&cfg)?;
        // Never replace a store id in use: the register's data is sealed under it.
        if let (Some(id), false) = (plan.store_id, had_store) {
            tx.set(kv::STORE_ID, &id)?;
        }
        tx.set(kv::FLASH_DIGEST, &d)
    })?;
    Ok(Applied::Saved)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "correct horse battery staple";

    fn plan(text: &str) -> Result<BootPlan, FlashError> {
        FlashConfig::parse(text).and_then(BootPlan::try_from)
    }

    #[test]
    fn an_empty_card_is_a_standalone_register_on_dhcp() {
        let p = plan("").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.network, Network { interface: "eth0".into(), addressing: Addressing::Dhcp });
        assert_eq!(p.demo.ring_orders, 0);
        let c = LocalApiConfig::default().with(p.setup).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c, LocalApiConfig::default());
    }

    #[test]
    fn a_client_card() {
        let p = plan(&format!(
            "[register]\nmode = \"client\"\nname = \"B\"\nserver = \"10.0.0.1:8787\"\nsecret = \"{SECRET}\"\n\
             [network]\naddress = \"10.0.0.2/24\"\ngateway = \"10.0.0.254\"\n[demo]\nring_orders = 3\n"
        ))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            p.network.addressing,
            Addressing::Static {
                address: Ipv4Addr::new(10, 0, 0, 2),
                prefix: 24,
                gateway: Some(Ipv4Addr::new(10, 0, 0, 254))
            }
        );
        let c = LocalApiConfig::default().with(p.setup).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((c.register_name.as_str(), c.mode), ("B", crate::config::Mode::Client));
        assert_eq!(p.demo.ring_orders, 3);
    }

    #[test]
    fn bad_cards_are_refused_with_the_reason() {
        for (text, why) in [
            ("colour = 1", "unknown"),
            ("[register]\nmode = \"client\"", "server"),
            ("[register]\nmode = \"server\"\nsecret = \"short\"", "weak"),
            ("[register]\nname = \"R 1\"", "name"),
            ("[network]\naddress = \"10.0.0.2\"", "address"),
            ("[network]\naddress = \"10.0.0.2/33\"", "address"),
            ("[network]\naddress = \"10.0.0.2/24\"\ngateway = \"x\"", "gateway"),
            ("[register]\nstore_id = \"xyz\"", "store id"),
        ] {
            let e = plan(text).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(e.contains(why), "{text:?} gave {e:?}");
        }
    }

    #[test]
    fn a_card_is_applied_once_so_later_changes_on_the_register_stand() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut reg = Register::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let text = format!("[register]\nmode = \"server\"\nname = \"A\"\nsecret = \"{SECRET}\"\n");
        let p = plan(&text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(apply(&mut reg, &text, &p).ok(), Some(Applied::Saved));
        let load = |r: &Register| r.store().setup().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(load(&reg).register_name, "A");
        // The admin renames the register on the screen; the same card at the next boot keeps it.
        let renamed = load(&reg)
            .with(ConfigUpdate::parse(&["name=A2"]).unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_else(|e| panic!("{e}"));
        reg.store_mut().write(|tx| tx.save_setup(&renamed)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(apply(&mut reg, &text, &p).ok(), Some(Applied::Unchanged));
        assert_eq!(load(&reg).register_name, "A2");
        // A new card wins again.
        let text2 = text.replace("\"A\"", "\"A3\"");
        let p2 = plan(&text2).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(apply(&mut reg, &text2, &p2).ok(), Some(Applied::Saved));
        assert_eq!(load(&reg).register_name, "A3");
    }

    #[test]
    fn the_shipped_card_is_valid() {
        let text = include_str!("../../../image/till.toml");
        plan(text).unwrap_or_else(|e| panic!("image/till.toml: {e}"));
    }
}
