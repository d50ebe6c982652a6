//! A small SNTP client (RFC 4330): one request over UDP, one reply checked before it is believed.
//!
//! Hand-written rather than a crate: the protocol is a 48-byte packet each way, and the checks
//! that matter (leap indicator 3, stratum 0 and above 15, the origin timestamp echoing our
//! request, the reply coming from the address asked, a time before this release was written)
//! are a few lines each, tested below. The request's transmit timestamp is 8 random bytes rather
//! than our clock (a box may think it is 1970): the server echoes it as the origin, so a reply
//! that does not is stale or forged. The round trip is timed on the monotonic clock.

use std::fmt;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::str::FromStr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Seconds from the NTP epoch (1900-01-01) to the Unix epoch (1970-01-01).
const NTP_TO_UNIX: u64 = 2_208_988_800;
/// The earliest time a server may tell, 2026-01-01T00:00:00Z: this release was written in 2026,
/// so a server saying it is earlier is wrong (or a box's own 1970 echoed back).
pub const EARLIEST_UNIX_S: u64 = 1_767_225_600;
/// The SNTP port.
pub const PORT: u16 = 123;
/// Most packets read while waiting for the one reply (replies from elsewhere, stale ones).
const MAX_PACKETS: usize = 16;
/// Most addresses tried for one server name.
const MAX_ADDRESSES: usize = 3;

/// An SNTP server as the flash config or DHCP names it: `HOST` or `HOST:PORT`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Server {
    /// A host name or an IP address.
    pub host: String,
    /// The UDP port (123 unless given).
    pub port: u16,
}

impl FromStr for Server {
    type Err = String;
    fn from_str(s: &str) -> Result<Server, String> {
        let bad = || format!("{}: use a host name or address, with :PORT if not 123", crate::model::quote(s));
        let t = s.trim();
        let (host, port) = if let Ok(ip) = t.parse::<IpAddr>() {
            (ip.to_string(), PORT)
        } else if let Ok(sa) = t.parse::<SocketAddr>() {
            (sa.ip().to_string(), sa.port())
        } else {
            let (host, port) = match t.rsplit_once(':') {
                Some((h, p)) => (h, p.parse::<u16>().map_err(|_| bad())?),
                None => (t, PORT),
            };
            let name_ok = (1..=253).contains(&host.len())
                && host.split('.').all(|l| {
                    (1..=63).contains(&l.len())
                        && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                        && !l.starts_with('-')
                        && !l.ends_with('-')
                });
            if !name_ok {
                return Err(bad());
            }
            (host.to_ascii_lowercase(), port)
        };
        if port == 0 {
            return Err(bad());
        }
        Ok(Server { host, port })
    }
}

impl fmt::Display for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.port, self.host.contains(':')) {
            (PORT, _) => write!(f, "{}", self.host),
            (p, true) => write!(f, "[{}]:{p}", self.host),
            (p, false) => write!(f, "{}:{p}", self.host),
        }
    }
}

/// Why a reply was not believed.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Reject {
    /// Fewer than 48 bytes.
    #[error("reply too short ({0} bytes)")]
    Short(usize),
    /// Not mode 4 (server).
    #[error("not a server reply (mode {0})")]
    Mode(u8),
    /// Not version 3 or 4.
    #[error("unsupported version {0}")]
    Version(u8),
    /// Leap indicator 3: the server's own clock is not synchronised.
    #[error("the server is not synchronised (leap indicator 3)")]
    Unsynchronised,
    /// Stratum 0: a kiss-o'-death (the server says go away, or rate limits us).
    #[error("kiss-o'-death {0}")]
    Kiss(String),
    /// Stratum 16 and above: unsynchronised.
    #[error("stratum {0}: not synchronised")]
    Stratum(u8),
    /// The origin timestamp is not our request's transmit timestamp.
    #[error("the origin timestamp does not echo the request")]
    Origin,
    /// A transmit timestamp of zero.
    #[error("no transmit time")]
    NoTime,
    /// A time before this release was written.
    #[error("it says {0}, before this release was written")]
    TooEarly(String),
}

/// Why a server could not be asked.
#[derive(Debug, thiserror::Error)]
pub enum SntpError {
    /// The name does not resolve.
    #[error("{0}: cannot resolve: {1}")]
    Resolve(String, std::io::Error),
    /// The name resolves to nothing.
    #[error("{0}: no address")]
    NoAddress(String),
    /// Sending or receiving failed (no route yet, …).
    #[error("{0}: {1}")]
    Io(SocketAddr, std::io::Error),
    /// No acceptable reply in time.
    #[error("{0}: no answer within {1} ms")]
    Timeout(SocketAddr, u128),
    /// The reply failed a check.
    #[error("{0}: {1}")]
    Rejected(SocketAddr, Reject),
    /// No random bytes for the request.
    #[error("no random bytes: {0}")]
    Random(String),
}

/// The request: version 4, mode 3 (client), with `nonce` as its transmit timestamp.
pub fn request(nonce: [u8; 8]) -> [u8; 48] {
    let mut p = [0u8; 48];
    p[0] = 4 << 3 | 3;
    p[40..48].copy_from_slice(&nonce);
    p
}

/// A believed reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reply {
    /// The server's distance from a reference clock (1–15).
    pub stratum: u8,
    /// When the server received the request (T2), since the Unix epoch.
    pub receive: Duration,
    /// When the server sent the reply (T3), since the Unix epoch.
    pub transmit: Duration,
}

/// Checks a reply to the request carrying `nonce` (RFC 4330 §5).
pub fn parse_reply(buf: &[u8], nonce: &[u8; 8]) -> Result<Reply, Reject> {
    let b: &[u8; 48] = buf.get(..48).and_then(|b| b.try_into().ok()).ok_or(Reject::Short(buf.len()))?;
    let (leap, version, mode) = (b[0] >> 6, (b[0] >> 3) & 7, b[0] & 7);
    if mode != 4 {
        return Err(Reject::Mode(mode));
    }
    if !(3..=4).contains(&version) {
        return Err(Reject::Version(version));
    }
    if b[24..32] != nonce[..] {
        return Err(Reject::Origin);
    }
    if leap == 3 {
        return Err(Reject::Unsynchronised);
    }
    match b[1] {
        0 => return Err(Reject::Kiss(String::from_utf8_lossy(&b[12..16]).trim_end_matches('\0').to_string())),
        s if s > 15 => return Err(Reject::Stratum(s)),
        _ => {}
    }
    let ts = |i: usize| -> [u8; 8] { b[i..i + 8].try_into().unwrap_or([0; 8]) };
    let transmit = to_unix(ts(40)).ok_or(Reject::NoTime)?;
    // A server that leaves the receive time out is taken to have answered at once.
    let receive = to_unix(ts(32)).unwrap_or(transmit).min(transmit);
    if transmit.as_secs() < EARLIEST_UNIX_S {
        return Err(Reject::TooEarly(rfc3339(transmit)));
    }
    Ok(Reply { stratum: b[1], receive, transmit })
}

/// An NTP timestamp (seconds since 1900 and a binary fraction) as time since the Unix epoch;
/// `None` for zero or a time before 1970. Seconds with the top bit clear are in era 1 (from
/// 2036-02-07 on), as RFC 4330 §3 says.
pub fn to_unix(ts: [u8; 8]) -> Option<Duration> {
    let secs = u64::from(u32::from_be_bytes([ts[0], ts[1], ts[2], ts[3]]));
    let frac = u64::from(u32::from_be_bytes([ts[4], ts[5], ts[6], ts[7]]));
    if secs == 0 && frac == 0 {
        return None;
    }
    let secs = if secs & 0x8000_0000 == 0 { secs + (1 << 32) } else { secs };
    // Rounded to the nearest nanosecond, so a time written by `to_ntp` reads back exactly.
    let nanos = u32::try_from(((frac * 1_000_000_000 + (1 << 31)) >> 32).min(999_999_999)).unwrap_or(0);
    Some(Duration::new(secs.checked_sub(NTP_TO_UNIX)?, nanos))
}

/// A time since the Unix epoch as an NTP timestamp (the tests' server side).
pub fn to_ntp(t: Duration) -> [u8; 8] {
    let secs = ((t.as_secs() + NTP_TO_UNIX) & 0xFFFF_FFFF) as u32;
    let frac = ((u64::from(t.subsec_nanos()) << 32) / 1_000_000_000) as u32;
    let mut out = [0u8; 8];
    out[..4].copy_from_slice(&secs.to_be_bytes());
    out[4..].copy_from_slice(&frac.to_be_bytes());
    out
}

/// What one exchange says about the local clock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sample {
    /// The address that answered.
    pub from: SocketAddr,
    /// Its stratum.
    pub stratum: u8,
    /// How far the local clock must move to show the server's time, in ms (positive: forward).
    pub offset_ms: i64,
    /// The network's round trip, without the server's own time.
    pub delay: Duration,
}

/// The offset of the local clock from a reply that arrived when the local clock read
/// `local_at_reply`, `rtt` (monotonic) after the request was sent: the server's time then is its
/// transmit time plus half the network's share of the round trip.
pub fn offset_ms(reply: &Reply, local_at_reply: Duration, rtt: Duration) -> (i64, Duration) {
    let delay = rtt.saturating_sub(reply.transmit.saturating_sub(reply.receive));
    let server_now = reply.transmit + delay / 2;
    let ms = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
    (ms(server_now).saturating_sub(ms(local_at_reply)), delay)
}

/// The system clock since the Unix epoch (zero for a clock set before 1970).
pub fn system_now() -> Duration {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default()
}

/// A time since the Unix epoch in RFC 3339 with milliseconds (`2026-06-01T12:00:00.000Z`).
pub fn rfc3339(t: Duration) -> String {
    humantime::format_rfc3339_millis(UNIX_EPOCH + t).to_string()
}

/// Asks `server` for the time: each of its first addresses in turn, `timeout` each.
pub fn query(server: &Server, timeout: Duration) -> Result<Sample, SntpError> {
    let addrs: Vec<SocketAddr> = (server.host.as_str(), server.port)
        .to_socket_addrs()
        .map_err(|e| SntpError::Resolve(server.host.clone(), e))?
        .take(MAX_ADDRESSES)
        .collect();
    let mut last = SntpError::NoAddress(server.host.clone());
    for addr in addrs {
        match query_addr(addr, timeout) {
            Ok(s) => return Ok(s),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// One exchange with one address. Packets from any other address, and replies whose origin
/// is not our request (late answers to an earlier one), are ignored while time remains.
pub fn query_addr(addr: SocketAddr, timeout: Duration) -> Result<Sample, SntpError> {
    let io = |e| SntpError::Io(addr, e);
    let bind: SocketAddr = if addr.is_ipv4() { ([0, 0, 0, 0], 0).into() } else { ([0u16; 8], 0).into() };
    let sock = UdpSocket::bind(bind).map_err(io)?;
    let mut nonce = [0u8; 8];
    getrandom::fill(&mut nonce).map_err(|e| SntpError::Random(e.to_string()))?;
    let sent = Instant::now();
    sock.send_to(&request(nonce), addr).map_err(io)?;
    let deadline = sent + timeout;
    let mut buf = [0u8; 512];
    for _ in 0..MAX_PACKETS {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        sock.set_read_timeout(Some(left)).map_err(io)?;
        let (n, from) = match sock.recv_from(&mut buf) {
            Ok(got) => got,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => break,
            Err(e) => return Err(io(e)),
        };
        let (rtt, local) = (sent.elapsed(), system_now());
        if from != addr {
            log::warn!("sntp: ignored a packet from {from} while asking {addr}");
            continue;
        }
        match parse_reply(&buf[..n], &nonce) {
            Ok(reply) => {
                let (offset_ms, delay) = offset_ms(&reply, local, rtt);
                return Ok(Sample { from, stratum: reply.stratum, offset_ms, delay });
            }
            Err(Reject::Origin) => log::warn!("sntp: ignored a reply from {from} to another request"),
            Err(why) => return Err(SntpError::Rejected(addr, why)),
        }
    }
    Err(SntpError::Timeout(addr, timeout.as_millis()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-06-01T12:00:00Z.
    const JUNE: u64 = 1_780_315_200;
    const NONCE: [u8; 8] = [1, 2, 3, 4, 5, 6, 7, 8];

    fn reply(first: u8, stratum: u8, origin: [u8; 8], t: Duration) -> [u8; 48] {
        let mut p = [0u8; 48];
        p[0] = first;
        p[1] = stratum;
        p[12..16].copy_from_slice(b"RATE");
        p[24..32].copy_from_slice(&origin);
        p[32..40].copy_from_slice(&to_ntp(t));
        p[40..48].copy_from_slice(&to_ntp(t + Duration::from_millis(2)));
        p
    }

    #[test]
    fn timestamps_round_trip_and_cross_the_2036_era() {
        let t = Duration::new(JUNE, 250_000_000);
        assert_eq!(to_unix(to_ntp(t)).map(|d| d.as_millis()), Some(t.as_millis()));
        assert_eq!(rfc3339(Duration::from_secs(JUNE)), "2026-06-01T12:00:00.000Z");
        // 2040: era 1, the 32-bit seconds wrapped.
        let later = Duration::from_secs(2_208_988_800);
        assert_eq!(to_unix(to_ntp(later)), Some(later));
        assert_eq!(to_unix([0; 8]), None);
    }

    #[test]
    fn the_request_is_a_version_4_client_packet_carrying_the_nonce() {
        let r = request(NONCE);
        assert_eq!(r[0], 0x23);
        assert_eq!(&r[40..], &NONCE);
        assert!(r[1..40].iter().all(|&b| b == 0));
    }

    #[test]
    fn a_good_reply_gives_the_servers_time() {
        let t = Duration::from_secs(JUNE);
        let r = parse_reply(&reply(0x24, 2, NONCE, t), &NONCE).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((r.stratum, r.receive.as_secs(), r.transmit.as_millis() % 1000), (2, JUNE, 2));
        // Booted in 1970 (local 1 s), 40 ms round trip of which the server took 2: 19 ms each way.
        let (off, delay) = offset_ms(&r, Duration::from_secs(1), Duration::from_millis(40));
        assert_eq!(delay, Duration::from_millis(38));
        assert_eq!(off, (JUNE as i64 - 1) * 1000 + 2 + 19);
        // A clock an hour ahead must go back.
        let (off, _) = offset_ms(&r, t + Duration::from_secs(3600), Duration::from_millis(2));
        assert!((-3_600_000..-3_599_990).contains(&off), "{off}");
    }

    #[test]
    fn bad_replies_are_refused() {
        let t = Duration::from_secs(JUNE);
        for (p, why) in [
            (reply(0x24, 2, NONCE, t).to_vec(), None),
            (reply(0x24, 2, NONCE, t)[..47].to_vec(), Some(Reject::Short(47))),
            (reply(0x23, 2, NONCE, t).to_vec(), Some(Reject::Mode(3))),
            (reply(0x14, 2, NONCE, t).to_vec(), Some(Reject::Version(2))),
            (reply(0xE4, 2, NONCE, t).to_vec(), Some(Reject::Unsynchronised)),
            (reply(0x24, 0, NONCE, t).to_vec(), Some(Reject::Kiss("RATE".into()))),
            (reply(0x24, 16, NONCE, t).to_vec(), Some(Reject::Stratum(16))),
            (reply(0x24, 2, [9; 8], t).to_vec(), Some(Reject::Origin)),
            (
                reply(0x24, 2, NONCE, Duration::from_secs(5)).to_vec(),
                Some(Reject::TooEarly("1970-01-01T00:00:05.002Z".into())),
            ),
        ] {
            assert_eq!(parse_reply(&p, &NONCE).err(), why);
        }
        let mut no_time = reply(0x24, 2, NONCE, t);
        no_time[40..48].fill(0);
        assert_eq!(parse_reply(&no_time, &NONCE).err(), Some(Reject::NoTime));
    }

    #[test]
    fn servers_parse_as_the_flash_config_writes_them() {
        let s = |t: &str| t.parse::<Server>().map(|s| (s.host.clone(), s.port, s.to_string()));
        assert_eq!(s("10.0.0.1"), Ok(("10.0.0.1".into(), 123, "10.0.0.1".into())));
        assert_eq!(s("Pool.Example:1123"), Ok(("pool.example".into(), 1123, "pool.example:1123".into())));
        assert_eq!(s("[::1]:1123"), Ok(("::1".into(), 1123, "[::1]:1123".into())));
        assert_eq!(s("fe80::1"), Ok(("fe80::1".into(), 123, "fe80::1".into())));
        for bad in ["", "a b", "x:0", "x:99999", "-x.example", "x..example", "http://x"] {
            assert!(s(bad).is_err(), "{bad:?}");
        }
    }

    /// A server on loopback: a good reply after a stranger's packet and a stale reply, both
    /// ignored; then a server that says it is not synchronised is refused.
    #[test]
    fn query_checks_the_reply_on_loopback() {
        let server = UdpSocket::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        let stranger = UdpSocket::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        let addr = server.local_addr().unwrap_or_else(|e| panic!("{e}"));
        let serve = |first: u8| {
            let mut buf = [0u8; 64];
            let (n, client) = server.recv_from(&mut buf).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(n, 48);
            let origin: [u8; 8] = buf[40..48].try_into().unwrap_or_default();
            let t = Duration::from_secs(JUNE);
            stranger.send_to(&reply(first, 1, origin, t), client).unwrap_or_else(|e| panic!("{e}"));
            server.send_to(&reply(first, 1, [7; 8], t), client).unwrap_or_else(|e| panic!("{e}"));
            server.send_to(&reply(first, 1, origin, t), client).unwrap_or_else(|e| panic!("{e}"));
        };
        std::thread::scope(|s| {
            s.spawn(|| serve(0x24));
            let sample = query_addr(addr, Duration::from_secs(5)).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!((sample.from, sample.stratum), (addr, 1));
            let expect = (Duration::from_secs(JUNE).as_millis() as i64) - system_now().as_millis() as i64;
            assert!((sample.offset_ms - expect).abs() < 1000, "{} vs {expect}", sample.offset_ms);
        });
        std::thread::scope(|s| {
            s.spawn(|| serve(0xE4));
            let e = query_addr(addr, Duration::from_secs(5)).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(e.contains("leap indicator 3"), "{e}");
        });
        // Nobody answers: a timeout, not a hang.
        let started = Instant::now();
        let e = query_addr(addr, Duration::from_millis(200)).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("no answer within 200 ms") && started.elapsed() < Duration::from_secs(2), "{e}");
    }
}
