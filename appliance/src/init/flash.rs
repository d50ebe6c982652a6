//! The flash config, `till.toml` on the SD card's BOOT partition: how an installer provisions a
//! register before its first boot (image/till.toml documents every key).
//!
//! Two steps like every config of Till: the raw [`FlashConfig`] (serde, unknown keys refused,
//! defaults on the struct) becomes a validated [`BootPlan`] through `TryFrom`, which reuses the
//! setup rules of [`ConfigUpdate::parse`] so the card and `till setup set` accept the same values.
//! [`apply`] writes the setup into the data directory only on first boot or when the file changed
//! (its BLAKE2 digest is kept), so what an admin changes later on the screen survives reboots.
//! The receipt printer (`printer`, `printer_width`, … in `[register]`) is checked with the same
//! rules as `till printer set` and saved with the setup, in the same transaction.

use std::net::{IpAddr, Ipv4Addr};

use blake2::{Blake2s256, Digest};
use serde::Deserialize;

use crate::config::{ConfigError, ConfigUpdate, ExportSetup, LocalApiConfig, PrinterSetup};
use crate::print::device::Target;
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
    /// Where this register exports orders and stock (`till export set`).
    pub export: ExportSection,
    /// The box itself: its watchdog, its serial console.
    pub device: DeviceSection,
}

/// `[device]`: the box's watchdog and its serial console.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct DeviceSection {
    /// Seconds the hardware watchdog waits for a sign of life before it resets the box.
    pub watchdog_timeout: u32,
    /// The serial console's demo and test hooks (`ring N`, `hang`, and `[demo]`): off unless set.
    pub debug_console: bool,
}

impl Default for DeviceSection {
    fn default() -> Self {
        DeviceSection { watchdog_timeout: super::watchdog::DEFAULT_TIMEOUT_SECS, debug_console: false }
    }
}

/// The watchdog timeouts a card may set, in seconds: long enough for a busy register's sign of
/// life (every 5 s), short enough that a hung register is back within minutes.
pub const WATCHDOG_TIMEOUTS: std::ops::RangeInclusive<u32> = 10..=600;

/// `[export]`: the online shop, as `till export set CONNECTOR KEY=VALUE…` takes it: `connector`
/// (`webhook`, `shopify`, `woocommerce`, `vendure`, or `none` to stop exporting) and that
/// connector's keys, every value a string (`url = "https://…"`, `timeout = "5"`). No section:
/// the register's export stays as it is.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct ExportSection {
    /// The platform.
    pub connector: Option<String>,
    /// Its keys.
    #[serde(flatten)]
    pub settings: std::collections::BTreeMap<String, String>,
}

/// What the card says about the export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportPlan {
    /// No `[export]`: the register's export stays as it is.
    Keep,
    /// `connector = "none"`.
    Remove,
    /// This export.
    Set(ExportSetup),
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
    /// The receipt printer (`usb:/dev/usb/lp0`, `serial:/dev/ttyUSB0:19200`, `tcp:HOST:9100`),
    /// or `none` to remove it; absent: the register's printer stays as it is.
    pub printer: Option<String>,
    /// Paper width in mm: 58 or 80 (58 when absent).
    pub printer_width: Option<u32>,
    /// `text` or `raster` (text when absent).
    pub printer_mode: Option<String>,
    /// Text mode's code page: cp858, cp437 or cp1252 (cp858 when absent).
    pub printer_codepage: Option<String>,
    /// A cash drawer hangs off the printer (true when absent).
    pub printer_drawer: Option<bool>,
    /// The language of this register's screen and receipts (`en`, `de`, `fr`, `es`, or `store`
    /// for the store's); absent: as it is.
    pub language: Option<String>,
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
            printer: None,
            printer_width: None,
            printer_mode: None,
            printer_codepage: None,
            printer_drawer: None,
            language: None,
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
    /// DNS servers (IP addresses, at most 3); when set they win over the lease's.
    pub dns: Vec<String>,
    /// SNTP servers (`HOST` or `HOST:PORT`, at most 4); when set they win over the lease's.
    pub ntp: Vec<String>,
}

impl Default for NetworkSection {
    fn default() -> Self {
        NetworkSection { interface: "eth0".into(), address: "dhcp".into(), gateway: None, dns: vec![], ntp: vec![] }
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
    /// The card's DNS servers (none: the lease's).
    pub dns: Vec<IpAddr>,
    /// The card's SNTP servers (none: the lease's option 42).
    pub ntp: Vec<super::sntp::Server>,
}

/// What the card says about the receipt printer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrinterPlan {
    /// No `printer` key: the register's printer (set on the screen or with `till printer set`)
    /// stays as it is, like a `server` or `secret` the card does not name.
    Keep,
    /// `printer = "none"`: receipts are no longer printed.
    Remove,
    /// This printer.
    Set(PrinterSetup),
}

/// What PID 1 does with a valid flash config.
#[derive(Clone, Debug)]
pub struct BootPlan {
    /// The setup to apply to the data directory.
    pub setup: ConfigUpdate,
    /// A store id for a server that has none yet.
    pub store_id: Option<StoreId>,
    /// The receipt printer.
    pub printer: PrinterPlan,
    /// The network.
    pub network: Network,
    /// Demo orders to ring.
    pub demo: DemoSection,
    /// The export to the online shop.
    pub export: ExportPlan,
    /// The watchdog's timeout and the console's hooks.
    pub device: DeviceSection,
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
    /// A printer or printer option `till printer set` would refuse too.
    #[error("till.toml [register]: {0}")]
    Printer(String),
    /// An export `till export set` would refuse too.
    #[error("till.toml [export]: {0}")]
    Export(String),
    /// A watchdog timeout out of range.
    #[error("till.toml [device]: watchdog_timeout = {0} is out of range: use {lo} to {hi} seconds", lo = WATCHDOG_TIMEOUTS.start(), hi = WATCHDOG_TIMEOUTS.end())]
    Watchdog(u32),
}

impl FlashConfig {
    /// Parses the text of `till.toml`.
    pub fn parse(text: &str) -> Result<FlashConfig, FlashError> {
        // One console line: toml's own text draws the line with a caret under it.
        toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| text.get(..s.start).unwrap_or(text).matches('\n').count() + 1);
            let msg = e.message().trim().replace('\n', " ");
            FlashError::Syntax(match line {
                Some(l) => format!("line {l}: {msg}"),
                None => msg,
            })
        })
    }
}

impl TryFrom<FlashConfig> for BootPlan {
    type Error = FlashError;
    fn try_from(f: FlashConfig) -> Result<BootPlan, FlashError> {
        let r = f.register;
        let printer = printer_plan(&r)?;
        let mut pairs = vec![format!("mode={}", r.mode), format!("name={}", r.name), format!("port={}", r.port)];
        pairs.extend(r.server.map(|s| format!("server={s}")));
        pairs.extend(r.secret.map(|s| format!("secret={s}")));
        pairs.extend(r.language.map(|l| format!("language={l}")));
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
        let (dns, ntp) = (resolvers(&n.dns)?, ntp_servers(&n.ntp)?);
        let network = Network { interface: n.interface, addressing, dns, ntp };
        let export = export_plan(f.export)?;
        if !WATCHDOG_TIMEOUTS.contains(&f.device.watchdog_timeout) {
            return Err(FlashError::Watchdog(f.device.watchdog_timeout));
        }
        Ok(BootPlan { setup, store_id, printer, network, demo: f.demo, export, device: f.device })
    }
}

/// `[export]`, checked as `till export set` checks it (since: when the card is applied, unless
/// it says `since = "all"`).
fn export_plan(e: ExportSection) -> Result<ExportPlan, FlashError> {
    let Some(connector) = e.connector else {
        return match e.settings.keys().next() {
            None => Ok(ExportPlan::Keep),
            Some(k) => {
                Err(FlashError::Export(format!("{k} needs a connector: add connector = \"webhook\" (or shopify, …)")))
            }
        };
    };
    if connector == "none" {
        return Ok(ExportPlan::Remove);
    }
    let words: Vec<String> = e.settings.iter().map(|(k, v)| format!("{k}={v}")).collect();
    ExportSetup::parse(&connector, &words, crate::register::unix_ms()).map(ExportPlan::Set).map_err(FlashError::Export)
}

/// `[network] dns`: IP addresses (musl's resolver takes no names and reads at most three).
fn resolvers(dns: &[String]) -> Result<Vec<IpAddr>, FlashError> {
    if dns.len() > 3 {
        return Err(FlashError::Network("dns", dns.join(", "), "at most 3 servers (the resolver asks no more)"));
    }
    dns.iter()
        .map(|a| {
            a.trim()
                .parse::<IpAddr>()
                .map_err(|_| FlashError::Network("dns", a.clone(), "use addresses such as 10.0.0.1"))
        })
        .collect()
}

/// `[network] ntp`: host names or addresses, each with `:PORT` when not 123.
fn ntp_servers(ntp: &[String]) -> Result<Vec<super::sntp::Server>, FlashError> {
    if ntp.len() > 4 {
        return Err(FlashError::Network("ntp", ntp.join(", "), "at most 4 servers"));
    }
    ntp.iter()
        .map(|s| s.parse().map_err(|_| FlashError::Network("ntp", s.clone(), "use e.g. pool.example or 10.0.0.1:123")))
        .collect()
}

/// The `printer*` keys of `[register]`, checked as `till printer set` checks them: the target's
/// syntax (`print::device::Target`), then each option. An option without `printer` is refused
/// rather than guessed onto whatever printer the register has.
fn printer_plan(r: &RegisterSection) -> Result<PrinterPlan, FlashError> {
    // (key on the card, `PrinterSetup::set`'s option, value)
    let options = [
        ("printer_width", "width", r.printer_width.map(|w| w.to_string())),
        ("printer_mode", "mode", r.printer_mode.clone()),
        ("printer_codepage", "codepage", r.printer_codepage.clone()),
        ("printer_drawer", "drawer", r.printer_drawer.map(|d| d.to_string())),
    ];
    let given = || options.iter().filter(|(_, _, v)| v.is_some()).map(|(k, _, _)| *k);
    let target = match r.printer.as_deref().map(str::trim) {
        None | Some("none") => {
            if let Some(k) = given().next() {
                return Err(FlashError::Printer(format!(
                    "{k} needs a printer: add printer = \"serial:/dev/ttyUSB0:19200\" (or usb:, tcp:)"
                )));
            }
            return Ok(if r.printer.is_some() { PrinterPlan::Remove } else { PrinterPlan::Keep });
        }
        Some(t) => t,
    };
    target.parse::<Target>().map_err(|e| FlashError::Printer(e.to_string()))?;
    let mut p = PrinterSetup::new(target).map_err(FlashError::Printer)?;
    for (key, option, value) in options {
        if let Some(v) = value {
            p.set(option, &v).map_err(|e| FlashError::Printer(format!("{key}: {e}")))?;
        }
    }
    Ok(PrinterPlan::Set(p))
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
        match &plan.printer {
            PrinterPlan::Keep => {}
            PrinterPlan::Remove => tx.clear(kv::PRINTER)?,
            PrinterPlan::Set(p) => tx.set(kv::PRINTER, p)?,
        }
        match &plan.export {
            ExportPlan::Keep => {}
            ExportPlan::Remove => tx.clear(kv::EXPORT)?,
            ExportPlan::Set(e) => tx.set(kv::EXPORT, e)?,
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
    fn the_export_is_checked_as_till_export_set_checks_it() {
        let ok = plan("[export]\nconnector = \"webhook\"\nurl = \"https://hooks.example/till\"\nsecret = \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"\ntimeout = \"5\"\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let ExportPlan::Set(e) = ok.export else { panic!("{:?}", ok.export) };
        assert_eq!((e.name(), e.timeout_secs), ("webhook", 5));
        assert_eq!(plan("").map(|p| p.export).ok(), Some(ExportPlan::Keep));
        assert_eq!(plan("[export]\nconnector = \"none\"\n").map(|p| p.export).ok(), Some(ExportPlan::Remove));
        for bad in [
            "[export]\nconnector = \"webhook\"\nurl = \"http://hooks.example\"\nsecret = \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"\n",
            "[export]\nurl = \"https://hooks.example\"\n",
            "[export]\nconnector = \"magento\"\n",
        ] {
            let e = plan(bad).expect_err(bad).to_string();
            assert!(e.starts_with("till.toml [export]: "), "{e}");
        }
    }

    #[test]
    fn an_empty_card_is_a_standalone_register_on_dhcp() {
        let p = plan("").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            p.network,
            Network { interface: "eth0".into(), addressing: Addressing::Dhcp, dns: vec![], ntp: vec![] }
        );
        assert_eq!(p.demo.ring_orders, 0);
        assert_eq!(p.device, DeviceSection { watchdog_timeout: 30, debug_console: false }, "the hooks are off");
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
        let p = plan("[device]\nwatchdog_timeout = 15\ndebug_console = true\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.device, DeviceSection { watchdog_timeout: 15, debug_console: true });
        // The register's language, as `till setup set language=…` takes it.
        let p = plan("[register]\nlanguage = \"fr\"\n").unwrap_or_else(|e| panic!("{e}"));
        let c = LocalApiConfig::default().with(p.setup).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.language.as_deref(), Some("fr"));
        assert!(plan("[register]\nlanguage = \"tlh\"\n").is_err(), "a language Till does not ship");
    }

    #[test]
    fn bad_cards_are_refused_with_the_reason() {
        for (text, why) in [
            ("colour = 1", "unknown"),
            ("[device]\nwatchdog_timeout = 5", "watchdog_timeout = 5 is out of range: use 10 to 600 seconds"),
            ("[device]\nwatchdog_timeout = 601", "out of range"),
            ("[device]\nring = true", "unknown"),
            ("[register]\nmode = \"client\"", "server"),
            ("[register]\nmode = \"server\"\nsecret = \"short\"", "weak"),
            ("[register]\nname = \"R 1\"", "name"),
            ("[network]\naddress = \"10.0.0.2\"", "address"),
            ("[network]\naddress = \"10.0.0.2/33\"", "address"),
            ("[network]\naddress = \"10.0.0.2/24\"\ngateway = \"x\"", "gateway"),
            ("[network]\ndns = [\"dns.example\"]", "bad dns 'dns.example': use addresses"),
            ("[network]\ndns = [\"1.1.1.1\", \"1.1.1.2\", \"1.1.1.3\", \"1.1.1.4\"]", "at most 3"),
            ("[network]\ndns = \"10.0.0.1\"", "invalid type"),
            ("[network]\nntp = [\"pool example\"]", "bad ntp"),
            ("[network]\nntp = [\"10.0.0.1:0\"]", "bad ntp"),
            ("[register]\nstore_id = \"xyz\"", "store id"),
            ("[register]\nprinter = \"lpt:1\"", "write usb:/dev/usb/lp0"),
            ("[register]\nprinter = \"usb:lp0\"", "full path"),
            ("[register]\nprinter = \"serial:/dev/ttyUSB0:12345\"", "baud rate \"12345\""),
            ("[register]\nprinter = \"tcp:10.0.0.9:0\"", "port \"0\""),
            (
                "[register]\nprinter = \"usb:/dev/usb/lp0\"\nprinter_width = 57",
                "printer_width: width \"57\": use 58 or 80",
            ),
            ("[register]\nprinter = \"usb:/dev/usb/lp0\"\nprinter_mode = \"fancy\"", "printer_mode"),
            ("[register]\nprinter = \"usb:/dev/usb/lp0\"\nprinter_codepage = \"cp1250\"", "cp437, cp858"),
            ("[register]\nprinter = \"usb:/dev/usb/lp0\"\nprinter_drawer = \"yes\"", "line 3: invalid type"),
            ("[register]\nprinter_width = 80", "printer_width needs a printer"),
            ("[register]\nprinter = \"none\"\nprinter_drawer = false", "printer_drawer needs a printer"),
            ("[register]\nprinter_colour = \"red\"", "unknown"),
        ] {
            let e = plan(text).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(e.contains(why), "{text:?} gave {e:?}");
            assert!(!e.contains('\n'), "one console line: {e:?}");
        }
    }

    #[test]
    fn dns_and_ntp_on_the_card() {
        let p = plan("[network]\ndns = [\"10.0.0.1\", \"fd00::53\"]\nntp = [\"Pool.Example\", \"10.0.0.1:1123\"]\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let dns: Vec<String> = p.network.dns.iter().map(|a| a.to_string()).collect();
        let ntp: Vec<String> = p.network.ntp.iter().map(|s| s.to_string()).collect();
        assert_eq!(
            (dns, ntp),
            (vec!["10.0.0.1".to_string(), "fd00::53".into()], vec!["pool.example".to_string(), "10.0.0.1:1123".into()])
        );
        assert_eq!(p.network.addressing, Addressing::Dhcp, "with DHCP for the address");
    }

    #[test]
    fn the_printer_on_the_card() {
        let p = plan(
            "[register]\nprinter = \"serial:/dev/ttyUSB0:19200\"\nprinter_width = 80\nprinter_mode = \"raster\"\n\
             printer_codepage = \"cp858\"\nprinter_drawer = false\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let PrinterPlan::Set(setup) = p.printer else { panic!("{:?}", p.printer) };
        assert_eq!(setup.to_string(), "serial:/dev/ttyUSB0:19200 width=80 mode=raster codepage=cp858 drawer=no");
        // Options left out take `till printer set`'s defaults.
        let p = plan("[register]\nprinter = \"tcp:10.0.0.9\"").unwrap_or_else(|e| panic!("{e}"));
        let PrinterPlan::Set(setup) = p.printer else { panic!("{:?}", p.printer) };
        assert_eq!(setup.to_string(), "tcp:10.0.0.9 width=58 mode=text codepage=cp858 drawer=yes");
        // No printer key: the register's printer is left alone; "none" removes it.
        assert_eq!(plan("").map(|p| p.printer).ok(), Some(PrinterPlan::Keep));
        assert_eq!(plan("[register]\nprinter = \"none\"").map(|p| p.printer).ok(), Some(PrinterPlan::Remove));
    }

    #[test]
    fn a_card_sets_the_printer_once_and_leaves_it_alone_when_it_names_none() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut reg = Register::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let printer = |r: &Register| {
            r.store().get(kv::PRINTER).unwrap_or_else(|e| panic!("{e}")).map(|p| p.to_string()).unwrap_or_default()
        };
        let boot = |r: &mut Register, text: &str| {
            let p = plan(text).unwrap_or_else(|e| panic!("{e}"));
            apply(r, text, &p).unwrap_or_else(|e| panic!("{e}"))
        };
        let card = "[register]\nname = \"A\"\nprinter = \"serial:/dev/ttyUSB0\"\nprinter_width = 80\n";
        assert_eq!(boot(&mut reg, card), Applied::Saved);
        assert_eq!(printer(&reg), "serial:/dev/ttyUSB0 width=80 mode=text codepage=cp858 drawer=yes");
        // `till printer set` on the register; the same card at the next boot keeps it.
        let lan = PrinterSetup::new("tcp:10.0.0.9:9100").unwrap_or_else(|e| panic!("{e}"));
        reg.store_mut().set(kv::PRINTER, &lan).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(boot(&mut reg, card), Applied::Unchanged);
        assert_eq!(printer(&reg), lan.to_string());
        // A new card that names no printer (a new name) leaves the register's printer alone.
        assert_eq!(boot(&mut reg, "[register]\nname = \"A2\"\n"), Applied::Saved);
        assert_eq!(printer(&reg), lan.to_string());
        // printer = "none" removes it.
        assert_eq!(boot(&mut reg, "[register]\nname = \"A2\"\nprinter = \"none\"\n"), Applied::Saved);
        assert_eq!(printer(&reg), "");
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
        // Its commented printer examples, uncommented, are a valid printer too.
        let examples: Vec<&str> =
            text.lines().map(|l| l.strip_prefix("# ").filter(|l| l.starts_with("printer")).unwrap_or(l)).collect();
        let p = plan(&examples.join("\n")).unwrap_or_else(|e| panic!("image/till.toml's examples: {e}"));
        let PrinterPlan::Set(setup) = p.printer else { panic!("{:?}", p.printer) };
        assert_eq!(setup.to_string(), "serial:/dev/ttyUSB0:19200 width=80 mode=raster codepage=cp858 drawer=no");
    }
}
