//! `till scan` and `till setup set server=scan`: find this store's server on the LAN.

use clap::Args;

use super::{ConnectionFailed, Json, SetupRefused, print_json, table::Table};
use crate::config::{LocalApiConfig, ServerAddr};
use crate::net::client::ClientError;
use crate::net::discovery::{
    self, DiscoveryError, FoundServer, Membership, PickError, ScanOptions, ScanReport, ScanTarget, StoreIdentity,
    Subnet,
};
use crate::register::Register;

/// `till scan …`
#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Server port to probe [default: this register's port setting, 8787 unless changed]
    #[arg(long)]
    pub port: Option<u16>,
    /// Scan this IPv4 subnet instead of the register's own networks (repeatable; at most a /22)
    #[arg(long = "subnet", value_name = "CIDR")]
    pub subnets: Vec<String>,
    /// How long to wait for each host to accept a connection, ms
    #[arg(long, default_value_t = discovery::DEFAULT_CONNECT_TIMEOUT.as_millis() as u64)]
    pub timeout_ms: u64,
    /// Output format.
    #[command(flatten)]
    pub json: Json,
}

/// A scan that could not run (exit 3 for a bad subnet, 10 for no network).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ScanFailed(pub DiscoveryError);

impl ScanFailed {
    /// The exit code.
    pub fn code(&self) -> u8 {
        match self.0 {
            DiscoveryError::BadSubnet(_) | DiscoveryError::TooLarge(..) => 3,
            DiscoveryError::NoNetwork | DiscoveryError::Interfaces(_) => 10,
        }
    }
}

fn targets(subnets: &[String]) -> anyhow::Result<Vec<ScanTarget>> {
    if subnets.is_empty() {
        return discovery::default_targets().map_err(|e| anyhow::Error::new(ScanFailed(e)));
    }
    subnets
        .iter()
        .map(|s| {
            let subnet = s.parse::<Subnet>().map_err(|e| anyhow::Error::new(ScanFailed(e)))?;
            Ok(ScanTarget { subnet, interface: None, own_address: None, narrowed_from: None })
        })
        .collect()
}

fn identity(r: &mut Register, cfg: &LocalApiConfig) -> anyhow::Result<StoreIdentity> {
    let own =
        crate::net::own_key(r.store_mut()).map_err(|e| anyhow::Error::new(crate::register::RegisterError::Store(e)))?;
    Ok(StoreIdentity {
        key: None,
        own,
        me: r.store().register_id(),
        name: cfg.register_name.clone(),
        store: r
            .store()
            .get(crate::store::kv::STORE_ID)
            .map_err(|e| anyhow::Error::new(crate::register::RegisterError::Store(e)))?,
        secret: cfg.secret.clone(),
    })
}

fn run_scan(targets: &[ScanTarget], opts: &ScanOptions, who: &StoreIdentity) -> ScanReport {
    for t in targets {
        if let Some(wide) = t.narrowed_from {
            eprintln!(
                "till: {} is on {wide}; scanning only {} around this register (give --subnet to choose)",
                t.interface.as_deref().unwrap_or("?"),
                t.subnet
            );
        }
    }
    smol::block_on(async {
        let mut report = discovery::scan(targets, opts).await;
        let challenge = report.challenge;
        discovery::classify(&mut report.servers, who, &challenge).await;
        report
    })
}

fn store_words(s: &FoundServer) -> &'static str {
    match (s.membership, s.compatible()) {
        (_, false) => "other protocol version",
        (Membership::This, _) => "this store",
        (Membership::Other, _) => "OTHER STORE",
        (Membership::Unverified, _) => "UNVERIFIED: claims this store, cannot prove it",
        (Membership::Unknown, _) => "unknown (no secret set)",
    }
}

/// One found server as `till scan --json` prints it.
#[derive(serde::Serialize, Debug)]
pub struct ServerView {
    /// IPv4 address.
    pub address: String,
    /// Port.
    pub port: u16,
    /// The server register's name.
    pub register_name: String,
    /// Its store id, if it has one yet.
    pub store_id: Option<String>,
    /// this, unverified (claims this store, cannot prove it), other or unknown.
    pub store: Membership,
    /// The protocol version it speaks.
    pub protocol_version: u16,
    /// False when it speaks another protocol version than this register.
    pub compatible: bool,
    /// Connect plus discover round trip, ms.
    pub rtt_ms: f64,
}

/// What `till scan --json` prints.
#[derive(serde::Serialize, Debug)]
pub struct ScanView {
    /// Subnets scanned, e.g. "192.168.1.0/24".
    pub subnets: Vec<String>,
    /// Port probed.
    pub port: u16,
    /// Hosts probed.
    pub probed: u64,
    /// Hosts that accepted a connection.
    pub answered: u64,
    /// Wall time, ms.
    pub elapsed_ms: u64,
    /// The Till servers found, by address.
    pub servers: Vec<ServerView>,
}

fn view(report: &ScanReport) -> ScanView {
    ScanView {
        subnets: report.targets.iter().map(|t| t.subnet.to_string()).collect(),
        port: report.port,
        probed: report.probed,
        answered: report.answered,
        elapsed_ms: report.elapsed_ms,
        servers: report
            .servers
            .iter()
            .map(|s| ServerView {
                address: s.address.ip().to_string(),
                port: s.address.port(),
                register_name: s.discover.register_name.clone(),
                store_id: s.discover.store_id.clone(),
                store: s.membership,
                protocol_version: s.discover.protocol_version,
                compatible: s.compatible(),
                rtt_ms: s.rtt_us as f64 / 1000.0,
            })
            .collect(),
    }
}

fn print_servers(servers: &[FoundServer]) -> anyhow::Result<()> {
    if servers.is_empty() {
        outln!("no Till server found");
        return Ok(());
    }
    let mut t = Table::new(&["ADDRESS", "NAME", "STORE", "STORE ID", "PROTOCOL", "RTT"]);
    for s in servers {
        t.row(vec![
            s.address.to_string(),
            s.discover.register_name.clone(),
            store_words(s).to_string(),
            s.discover.store_id.as_deref().map(|x| x.get(..8).unwrap_or(x)).unwrap_or("-").to_string(),
            s.discover.protocol_version.to_string(),
            format!("{:.1} ms", s.rtt_us as f64 / 1000.0),
        ]);
    }
    t.print()
}

/// `till scan`: lists the Till servers on the register's networks (exit 10 when none answers).
pub fn scan(r: &mut Register, args: ScanArgs) -> anyhow::Result<()> {
    let cfg = r.store().setup().map_err(|e| anyhow::Error::new(crate::register::RegisterError::Store(e)))?;
    let targets = targets(&args.subnets)?;
    let opts = ScanOptions {
        port: args.port.unwrap_or(cfg.port),
        connect_timeout: std::time::Duration::from_millis(args.timeout_ms.clamp(10, 60_000)),
        ..ScanOptions::default()
    };
    let report = run_scan(&targets, &opts, &identity(r, &cfg)?);
    if args.json.json {
        print_json(&view(&report))?;
    } else {
        print_servers(&report.servers)?;
        let subnets = report.targets.iter().map(|t| t.subnet.to_string()).collect::<Vec<_>>().join(", ");
        outln!(
            "{} Till server(s) on {subnets} port {}: {} hosts probed in {} ms",
            report.servers.len(),
            report.port,
            report.probed,
            report.elapsed_ms
        );
    }
    if report.servers.is_empty() {
        let subnets = report.targets.iter().map(|t| t.subnet.to_string()).collect::<Vec<_>>().join(", ");
        return Err(anyhow::Error::new(ConnectionFailed(ClientError::Unreachable(
            format!("{subnets} port {}", report.port),
            "no Till server answered".into(),
        ))));
    }
    Ok(())
}

/// For `till setup set … server=scan`: scans, and returns the address of this store's one server.
/// With several, lists them and refuses (the admin chooses with `server=HOST:PORT`).
pub fn pick_server(r: &mut Register, cfg: &LocalApiConfig) -> anyhow::Result<ServerAddr> {
    let targets = targets(&[])?;
    let opts = ScanOptions { port: cfg.port, ..ScanOptions::default() };
    let report = run_scan(&targets, &opts, &identity(r, cfg)?);
    let subnets = report.targets.iter().map(|t| t.subnet.to_string()).collect::<Vec<_>>().join(", ");
    match discovery::pick(&report.servers) {
        Ok(s) => {
            outln!(
                "found {} at {} ({}, {} hosts probed in {} ms)",
                s.discover.register_name,
                s.address,
                store_words(s),
                report.probed,
                report.elapsed_ms
            );
            Ok(ServerAddr::Addr { host: s.address.ip().to_string(), port: s.address.port() })
        }
        Err(PickError::Several(n)) => {
            print_servers(&report.servers)?;
            Err(anyhow::Error::new(SetupRefused(format!(
                "{n} Till servers of this store answered on {subnets}: choose one with server=HOST:PORT; nothing was changed"
            ))))
        }
        Err(PickError::None) => {
            if !report.servers.is_empty() {
                print_servers(&report.servers)?;
            }
            Err(anyhow::Error::new(ConnectionFailed(ClientError::Unreachable(
                format!("{subnets} port {}", report.port),
                "no Till server of this store answered (is the server register on and in server mode?); nothing was changed".into(),
            ))))
        }
    }
}
