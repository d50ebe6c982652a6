//! LocalApiDiscovery: finds the Till servers on the register's own subnets (docs/ARCHITECTURE.md, "Discovery").
//!
//! It lists the register's IPv4 interfaces (getifaddrs through nix), and on each subnet opens a
//! TCP connection to every host at the server port, with bounded concurrency and a short connect
//! timeout, then asks whoever accepted for `GET /api/discover` on that same connection. Only
//! answers that are Till's are kept. The plaintext discover call carries no secret. It carries a
//! fresh random challenge, which a server answers with a proof computed with the store's key
//! (`sync::discover_proof`): a server is "this store" only when its proof checks out under the
//! key this register derives from its secret. A device that copies a real server's store id is
//! "unverified" and never chosen, and the scanner sends nothing sealed to anyone, so a rogue
//! learns nothing to guess the secret with.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use smol::io::AsyncReadExt;

use super::client::{ClientError, check_discover, proof_holds};
use super::{lock, random_bytes};
use crate::config::Secret;
use crate::model::{RegisterId, hex};
use crate::sync::protocol::Discover;
use crate::sync::{CHALLENGE_BYTES, SealKey, StoreId};

/// The widest subnet scanned: a /22 (1,022 hosts). Wider ones would take minutes and flood the
/// neighbour tables of a small LAN.
pub const MIN_PREFIX: u8 = 22;

/// Most connection attempts in flight at once: a whole /24 in one wave. Not more: each absent
/// host holds an unresolved ARP entry for ~3 s, and the kernel's neighbour table holds 1,024 by
/// default (gc_thresh3). With 512 in flight a /22 overflowed it (measured: "neighbor table
/// overflow" in the kernel log), and a host whose SYN is dropped for that looks absent — a
/// server could be missed. 256 keeps at most ~768 unresolved entries, and well under the
/// 1,024 open files a process may have by default.
pub const MAX_IN_FLIGHT: usize = 256;

/// Default wait for a host to accept a connection. On a LAN a live host answers within
/// milliseconds; an absent one never does (the kernel gives up on ARP only after ~3 s).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(1000);

/// How long a host that accepted may take to answer the discover call.
pub const ANSWER_TIMEOUT: Duration = Duration::from_millis(2000);

/// Largest discover answer read (it is a few hundred bytes).
const MAX_ANSWER_BYTES: u64 = 64 * 1024;

/// Why a scan could not run.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum DiscoveryError {
    /// A subnet that is not `A.B.C.D/N`.
    #[error("bad subnet {}: use an IPv4 network such as 192.168.1.0/24", crate::model::quote(.0))]
    BadSubnet(String),
    /// A subnet wider than [`MIN_PREFIX`].
    #[error(
        "subnet {0} is too large to scan ({1} hosts): give a /{MIN_PREFIX} or narrower, e.g. --subnet 192.168.1.0/24"
    )]
    TooLarge(String, u64),
    /// The register has no IPv4 network to scan.
    #[error("this register has no IPv4 network to scan (is the network cable in?); give --subnet to choose one")]
    NoNetwork,
    /// The operating system refused to list the interfaces.
    #[error("cannot list the network interfaces: {0}")]
    Interfaces(String),
}

/// An IPv4 subnet, stored as its network address and prefix length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subnet {
    /// The network address (host bits zero).
    pub network: Ipv4Addr,
    /// The prefix length, 0–32.
    pub prefix: u8,
}

impl std::fmt::Display for Subnet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

impl Serialize for Subnet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl FromStr for Subnet {
    type Err = DiscoveryError;
    /// `A.B.C.D/N`; host bits are cleared (192.168.1.7/24 is 192.168.1.0/24). Refuses subnets
    /// wider than [`MIN_PREFIX`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || DiscoveryError::BadSubnet(s.to_string());
        let (addr, prefix) = s.split_once('/').ok_or_else(bad)?;
        let addr: Ipv4Addr = addr.parse().map_err(|_| bad())?;
        let prefix: u8 = prefix.parse().ok().filter(|p| *p <= 32).ok_or_else(bad)?;
        let net = Subnet::containing(addr, prefix);
        if prefix < MIN_PREFIX {
            return Err(DiscoveryError::TooLarge(net.to_string(), net.host_count()));
        }
        Ok(net)
    }
}

impl Subnet {
    /// The subnet of `prefix` bits that holds `addr`.
    pub fn containing(addr: Ipv4Addr, prefix: u8) -> Subnet {
        let prefix = prefix.min(32);
        let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(prefix)) };
        Subnet { network: Ipv4Addr::from(u32::from(addr) & mask), prefix }
    }

    /// How many addresses [`Subnet::hosts`] yields.
    pub fn host_count(&self) -> u64 {
        match self.prefix {
            32 => 1,
            31 => 2,
            p => (1u64 << (32 - u32::from(p))) - 2,
        }
    }

    /// Every host address: all but the network and broadcast addresses (a /31 or /32 has none
    /// of those, RFC 3021).
    pub fn hosts(&self) -> impl Iterator<Item = Ipv4Addr> + use<> {
        let base = u64::from(u32::from(self.network));
        let (first, count) = if self.prefix >= 31 { (base, self.host_count()) } else { (base + 1, self.host_count()) };
        (first..first + count).filter_map(|a| u32::try_from(a).ok()).map(Ipv4Addr::from)
    }

    /// True when `addr` is in this subnet.
    pub fn contains(&self, addr: Ipv4Addr) -> bool {
        Subnet::containing(addr, self.prefix).network == self.network
    }
}

/// A subnet to scan and where it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScanTarget {
    /// The subnet.
    pub subnet: Subnet,
    /// The interface it was found on, or `None` when given by `--subnet`.
    pub interface: Option<String>,
    /// This register's own address there (not probed).
    pub own_address: Option<Ipv4Addr>,
    /// Set when the interface's subnet was wider than a /22 and only part of it is scanned.
    pub narrowed_from: Option<Subnet>,
}

/// The subnets of the register's IPv4 interfaces that are up, without loopback and link-local
/// (169.254/16) ones. A subnet wider than a /22 is narrowed to the /22 around the register's
/// own address: on a big flat network the store's registers are rarely far apart.
pub fn local_subnets() -> Result<Vec<ScanTarget>, DiscoveryError> {
    use nix::net::if_::InterfaceFlags;
    let addrs = nix::ifaddrs::getifaddrs().map_err(|e| DiscoveryError::Interfaces(e.to_string()))?;
    let mut out: Vec<ScanTarget> = Vec::new();
    for ifa in addrs {
        if !ifa.flags.contains(InterfaceFlags::IFF_UP) || ifa.flags.contains(InterfaceFlags::IFF_LOOPBACK) {
            continue;
        }
        let (Some(addr), Some(mask)) = (
            ifa.address.as_ref().and_then(|a| a.as_sockaddr_in()).map(|s| s.ip()),
            ifa.netmask.as_ref().and_then(|a| a.as_sockaddr_in()).map(|s| s.ip()),
        ) else {
            continue;
        };
        if addr.is_loopback() || addr.is_link_local() || addr.is_unspecified() {
            continue;
        }
        let prefix = u8::try_from(u32::from(mask).leading_ones()).unwrap_or(32);
        let full = Subnet::containing(addr, prefix);
        let (subnet, narrowed_from) =
            if prefix < MIN_PREFIX { (Subnet::containing(addr, MIN_PREFIX), Some(full)) } else { (full, None) };
        if out.iter().any(|t| t.subnet == subnet) {
            continue;
        }
        out.push(ScanTarget {
            subnet,
            interface: Some(ifa.interface_name.clone()),
            own_address: Some(addr),
            narrowed_from,
        });
    }
    if out.is_empty() {
        return Err(DiscoveryError::NoNetwork);
    }
    Ok(out)
}

/// Environment variable naming the subnets to scan instead of the interfaces' (comma separated
/// CIDRs): for tests on loopback, and for sites whose registers sit on another subnet.
pub const SCAN_SUBNETS_ENV: &str = "TILL_SCAN_SUBNETS";

/// What a scan covers when no subnet is given: `TILL_SCAN_SUBNETS` if set, else the
/// register's own subnets ([`local_subnets`]).
pub fn default_targets() -> Result<Vec<ScanTarget>, DiscoveryError> {
    match std::env::var(SCAN_SUBNETS_ENV) {
        Ok(list) if !list.trim().is_empty() => list
            .split(',')
            .map(|s| {
                let subnet = s.trim().parse::<Subnet>()?;
                Ok(ScanTarget { subnet, interface: None, own_address: None, narrowed_from: None })
            })
            .collect(),
        _ => local_subnets(),
    }
}

/// How to scan.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// The server port to probe.
    pub port: u16,
    /// Wait for a host to accept.
    pub connect_timeout: Duration,
    /// Wait for a host that accepted to answer.
    pub answer_timeout: Duration,
    /// Connection attempts in flight at once.
    pub in_flight: usize,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            port: crate::config::DEFAULT_PORT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            answer_timeout: ANSWER_TIMEOUT,
            in_flight: MAX_IN_FLIGHT,
        }
    }
}

/// Whether a found server is one of this store's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Membership {
    /// It proved it holds this store's key.
    This,
    /// It claims this store's id but could not prove it holds the key: a copy, or another secret.
    Unverified,
    /// Another store (its confirmed id is another), or its proof fails under this register's secret.
    Other,
    /// This register has no secret to tell.
    Unknown,
}

/// A Till server that answered.
#[derive(Clone, Debug, Serialize)]
pub struct FoundServer {
    /// Where it answered.
    pub address: SocketAddrV4,
    /// What it said about itself.
    pub discover: Discover,
    /// From connect to the end of its answer.
    pub rtt_us: u64,
    /// Whether it is one of this store's.
    pub membership: Membership,
}

impl FoundServer {
    /// True when it speaks a protocol version this register speaks ([`crate::sync::negotiate`]).
    pub fn compatible(&self) -> bool {
        crate::sync::negotiate(super::versions(), self.discover.versions()).is_some()
    }
}

/// What a scan found, and what it covered.
#[derive(Clone, Debug, Serialize)]
pub struct ScanReport {
    /// The subnets scanned.
    pub targets: Vec<ScanTarget>,
    /// The port probed.
    pub port: u16,
    /// Hosts probed.
    pub probed: u64,
    /// Hosts that accepted a connection (Till or not).
    pub answered: u64,
    /// Wall time of the scan, ms.
    pub elapsed_ms: u64,
    /// The Till servers found, by address.
    pub servers: Vec<FoundServer>,
    /// The challenge every server was asked to prove the store's key on.
    #[serde(skip)]
    pub challenge: [u8; CHALLENGE_BYTES],
}

/// One host's probe: `Ok(None)` when nothing listens or what listens is not Till.
async fn probe(
    addr: SocketAddrV4,
    opts: &ScanOptions,
    challenge: &[u8; CHALLENGE_BYTES],
) -> (bool, Option<(Discover, Duration)>) {
    let start = Instant::now();
    let connect = smol::net::TcpStream::connect(SocketAddr::V4(addr));
    let timeout = async {
        smol::Timer::after(opts.connect_timeout).await;
        Err(std::io::Error::from(std::io::ErrorKind::TimedOut))
    };
    let Ok(stream) = smol::future::or(connect, timeout).await else {
        return (false, None);
    };
    let _ = stream.set_nodelay(true);
    let answer = async {
        let mut req = http_types::Request::new(
            http_types::Method::Get,
            http_types::Url::parse(&format!("http://{addr}/api/discover?challenge={}", hex(challenge))).ok()?,
        );
        req.insert_header("connection", "close");
        let mut res = async_h1::connect(stream, req).await.ok()?;
        let mut body = Vec::new();
        res.take_body().take(MAX_ANSWER_BYTES).read_to_end(&mut body).await.ok()?;
        Some((u16::from(res.status()), body))
    };
    let timeout = async {
        smol::Timer::after(opts.answer_timeout).await;
        None
    };
    let Some((status, body)) = smol::future::or(answer, timeout).await else {
        return (true, None);
    };
    let rtt = start.elapsed();
    match check_discover(&addr.to_string(), status, &body) {
        Ok(d) => (true, Some((d, rtt))),
        Err(_) => (true, None),
    }
}

/// Probes every host of `targets` at `opts.port` (skipping the register's own addresses) and
/// returns the Till servers, sorted by address. Membership is left [`Membership::Unknown`].
pub async fn scan(targets: &[ScanTarget], opts: &ScanOptions) -> ScanReport {
    let start = Instant::now();
    // Without randomness every proof would be checked against zeros: replayable, so then no
    // server verifies (they all read as unverified) rather than a rogue passing.
    let challenge: [u8; CHALLENGE_BYTES] = random_bytes().unwrap_or([0; CHALLENGE_BYTES]);
    let verifiable = challenge != [0; CHALLENGE_BYTES];
    let own: Vec<Ipv4Addr> = targets.iter().filter_map(|t| t.own_address).collect();
    let mut hosts: Vec<Ipv4Addr> = targets.iter().flat_map(|t| t.subnet.hosts()).filter(|h| !own.contains(h)).collect();
    hosts.sort_unstable();
    hosts.dedup();
    let probed = hosts.len() as u64;
    let queue = Arc::new(Mutex::new(hosts.into_iter()));
    let found: Arc<Mutex<Vec<FoundServer>>> = Arc::new(Mutex::new(Vec::new()));
    let answered = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let workers: Vec<_> = (0..opts.in_flight.max(1))
        .map(|_| {
            let (queue, found, answered, opts) = (queue.clone(), found.clone(), answered.clone(), opts.clone());
            smol::spawn(async move {
                loop {
                    let next = lock(&queue).next();
                    let Some(host) = next else { break };
                    let addr = SocketAddrV4::new(host, opts.port);
                    let (accepted, till) = probe(addr, &opts, &challenge).await;
                    if accepted {
                        answered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    if let Some((discover, rtt)) = till {
                        lock(&found).push(FoundServer {
                            address: addr,
                            discover,
                            rtt_us: u64::try_from(rtt.as_micros()).unwrap_or(u64::MAX),
                            membership: Membership::Unknown,
                        });
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.await;
    }
    let mut servers = std::mem::take(&mut *lock(&found));
    servers.sort_by_key(|s| s.address);
    ScanReport {
        targets: targets.to_vec(),
        port: opts.port,
        probed,
        answered: answered.load(std::sync::atomic::Ordering::Relaxed),
        elapsed_ms: u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX),
        servers,
        challenge: if verifiable { challenge } else { [0xff; CHALLENGE_BYTES] },
    }
}

/// What this register knows about its own store, to tell which servers belong to it.
#[derive(Clone, Debug)]
pub struct StoreIdentity {
    /// This register's id.
    pub me: RegisterId,
    /// This register's name.
    pub name: String,
    /// The store id it already holds, if any.
    pub store: Option<StoreId>,
    /// The shared secret, if set.
    pub secret: Option<Secret>,
    /// This register's own key.
    pub own: SealKey,
    /// The store key already derived for a store id (the derivation is slow).
    pub key: Option<(StoreId, SealKey)>,
}

/// Most distinct store ids a scan derives a key for (an Argon2 derivation each): a rogue
/// answering with many made-up ids cannot make a scan take minutes.
const MAX_DERIVATIONS: usize = 4;

/// Decides [`FoundServer::membership`] for each server from its proof on the scan's challenge,
/// checked with the key this register derives from its secret for the store id the server
/// claims. Nothing is sent to the servers.
pub async fn classify(servers: &mut [FoundServer], who: &StoreIdentity, challenge: &[u8; CHALLENGE_BYTES]) {
    let mut keys: Vec<(StoreId, SealKey)> = who.key.iter().cloned().collect();
    for s in servers.iter_mut() {
        let claimed = s.discover.store_id.as_deref().and_then(|x| x.parse::<StoreId>().ok());
        let ours = claimed.is_some() && claimed == who.store;
        s.membership = match (claimed, &who.secret) {
            _ if !s.compatible() => Membership::Unknown,
            // Another store that has confirmed its id: not ours, whatever it proves.
            (Some(c), _) if who.store.is_some_and(|m| m != c) && s.discover.store_confirmed => Membership::Other,
            (_, None) => Membership::Unknown,
            (None, Some(_)) => Membership::Other,
            (Some(c), Some(secret)) => {
                let key = match keys.iter().find(|(id, _)| *id == c) {
                    Some((_, k)) => Some(k.clone()),
                    None if keys.len() < MAX_DERIVATIONS => {
                        let secret = secret.clone();
                        let derived = smol::unblock(move || SealKey::derive(secret.expose(), c)).await.ok();
                        if let Some(k) = &derived {
                            keys.push((c, k.clone()));
                        }
                        derived
                    }
                    None => None,
                };
                match key {
                    Some(k) if proof_holds(&s.discover, challenge, &k) => Membership::This,
                    _ if ours => Membership::Unverified,
                    Some(_) => Membership::Other,
                    None => Membership::Unknown,
                }
            }
        };
    }
}

/// The one server of this store among `servers`, or why there is none to pick. Of several of
/// this store's, the one stating the highest term, if no other states it (a server replaced
/// by a promotion that has not stepped down yet is passed over).
pub fn pick(servers: &[FoundServer]) -> Result<&FoundServer, PickError> {
    let ours: Vec<&FoundServer> =
        servers.iter().filter(|s| s.membership == Membership::This && s.compatible()).collect();
    let top = ours.iter().map(|s| s.discover.term.unwrap_or(0)).max().unwrap_or(0);
    let highest: Vec<&FoundServer> = ours.iter().copied().filter(|s| s.discover.term.unwrap_or(0) == top).collect();
    match ours.as_slice() {
        [one] => Ok(one),
        [_, _, ..] if highest.len() == 1 => Ok(highest[0]),
        [] => {
            let unknown: Vec<&FoundServer> =
                servers.iter().filter(|s| s.membership == Membership::Unknown && s.compatible()).collect();
            match unknown.as_slice() {
                [one] => Ok(one),
                [] => Err(PickError::None),
                _ => Err(PickError::Several(unknown.len())),
            }
        }
        many => Err(PickError::Several(many.len())),
    }
}

/// Why [`pick`] chose no server.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum PickError {
    /// No server of this store answered.
    #[error("no Till server of this store answered")]
    None,
    /// Several did: the admin chooses.
    #[error("{0} Till servers of this store answered: choose one")]
    Several(usize),
}

/// Scans the register's subnets and picks this store's server, for a client set to
/// `server=scan`.
pub async fn find_store_server(port: u16, who: &StoreIdentity) -> Result<(FoundServer, ScanReport), ClientError> {
    let targets = default_targets().map_err(|e| ClientError::Unreachable("scan".into(), e.to_string()))?;
    let mut report = scan(&targets, &ScanOptions { port, ..ScanOptions::default() }).await;
    let challenge = report.challenge;
    classify(&mut report.servers, who, &challenge).await;
    let subnets = report.targets.iter().map(|t| t.subnet.to_string()).collect::<Vec<_>>().join(", ");
    match pick(&report.servers) {
        Ok(s) => Ok((s.clone(), report)),
        Err(e) => Err(ClientError::Unreachable(format!("scan of {subnets} port {port}"), e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnets_parse_clear_host_bits_and_refuse_wide_ones() {
        let s: Subnet = "192.168.1.77/24".parse().expect("subnet");
        assert_eq!(s.to_string(), "192.168.1.0/24");
        assert_eq!(s.host_count(), 254);
        let hosts: Vec<Ipv4Addr> = s.hosts().collect();
        assert_eq!(hosts.first(), Some(&Ipv4Addr::new(192, 168, 1, 1)));
        assert_eq!(hosts.last(), Some(&Ipv4Addr::new(192, 168, 1, 254)));
        assert_eq!(hosts.len(), 254);
        let wide: Subnet = "10.0.5.9/22".parse().expect("a /22 is allowed");
        assert_eq!(wide.to_string(), "10.0.4.0/22");
        assert_eq!(wide.hosts().count(), 1022);
        assert!(wide.contains(Ipv4Addr::new(10, 0, 7, 255)));
        assert!(!wide.contains(Ipv4Addr::new(10, 0, 8, 1)));
        assert_eq!("10.0.0.0/21".parse::<Subnet>(), Err(DiscoveryError::TooLarge("10.0.0.0/21".into(), 2046)));
        for bad in ["10.0.0.0", "10.0.0/24", "10.0.0.0/33", "x/24", "10.0.0.0/-1", ""] {
            assert!(matches!(bad.parse::<Subnet>(), Err(DiscoveryError::BadSubnet(_))), "{bad}");
        }
        let p2p: Subnet = "10.1.1.0/31".parse().expect("/31");
        assert_eq!(p2p.hosts().collect::<Vec<_>>(), vec![Ipv4Addr::new(10, 1, 1, 0), Ipv4Addr::new(10, 1, 1, 1)]);
        let one: Subnet = "10.1.1.9/32".parse().expect("/32");
        assert_eq!(one.hosts().collect::<Vec<_>>(), vec![Ipv4Addr::new(10, 1, 1, 9)]);
    }

    fn found(last: u8, membership: Membership, version: u16) -> FoundServer {
        FoundServer {
            address: SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, last), 8787),
            discover: Discover {
                product: "till".into(),
                protocol_version: version,
                protocol_max: None,
                register_name: format!("S{last}"),
                store_id: None,
                store_confirmed: false,
                server_time_ms: 0,
                proof: None,
                term: None,
            },
            rtt_us: 100,
            membership,
        }
    }

    #[test]
    fn pick_takes_the_one_server_of_this_store_and_refuses_to_guess() {
        use Membership::*;
        let v = crate::sync::PROTOCOL_VERSION;
        let one = [found(2, Other, v), found(3, This, v), found(4, Unknown, v)];
        assert_eq!(pick(&one).map(|s| s.address.ip().octets()[3]), Ok(3));
        assert_eq!(pick(&[found(2, This, v), found(3, This, v)]).err(), Some(PickError::Several(2)));
        assert_eq!(pick(&[found(2, Other, v)]).err(), Some(PickError::None));
        // With nothing to tell stores apart, a single server is the store's; two are a question.
        assert_eq!(pick(&[found(2, Unknown, v)]).map(|s| s.address.ip().octets()[3]), Ok(2));
        assert_eq!(pick(&[found(2, Unknown, v), found(5, Unknown, v)]).err(), Some(PickError::Several(2)));
        // A server that only claims this store is never picked, even alone.
        assert_eq!(pick(&[found(2, Unverified, v)]).err(), Some(PickError::None));
        assert_eq!(pick(&[found(2, Unverified, v), found(3, This, v)]).map(|s| s.address.ip().octets()[3]), Ok(3));
        // Of several, the one of the highest term; two of the same term are a question.
        let mut old = found(2, This, v);
        let mut new = found(3, This, v);
        (old.discover.term, new.discover.term) = (Some(0), Some(2));
        assert_eq!(pick(&[old.clone(), new.clone()]).map(|s| s.address.ip().octets()[3]), Ok(3));
        old.discover.term = Some(2);
        assert_eq!(pick(&[old, new]).err(), Some(PickError::Several(2)));
        // Another protocol version is listed but never picked; the previous one is.
        assert_eq!(pick(&[found(2, This, v + 1)]).err(), Some(PickError::None));
        assert!(pick(&[found(2, This, crate::sync::PROTOCOL_MIN)]).is_ok(), "a server of the previous release");
        assert_eq!(pick(&[found(2, This, crate::sync::PROTOCOL_MIN - 1)]).err(), Some(PickError::None));
    }
}
