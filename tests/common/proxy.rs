//! A misbehaving TCP proxy for the stress tests: it sits between client registers and their server
//! and, on a schedule drawn from a seeded PRNG, delays, drops, resets, half-opens and cuts the
//! connections it carries. One seed gives one schedule of faults (which connection gets which
//! fault, after how many bytes), so a failing run can be replayed with the same seed; only the
//! timing of the processes around it varies. It can also be cut off altogether
//! ([`FaultProxy::set_cut`]): a cable pulled out, for the split-brain test.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A small seeded PRNG (SplitMix64): enough for schedules, no dependency.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator whose whole sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..hi` (`lo` if the range is empty).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo { lo } else { lo + self.next_u64() % (hi - lo) }
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.range(0, 100) < percent
    }
}

/// A seed from the environment variable `var`, or a fresh one from the clock.
pub fn seed_from_env(var: &str) -> u64 {
    std::env::var(var).ok().and_then(|v| v.trim().parse().ok()).unwrap_or_else(|| {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        Rng::new(t.as_nanos() as u64 ^ u64::from(std::process::id())).next_u64() % 1_000_000_000
    })
}

/// Which way bytes flow through a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    /// Client to server (requests).
    Up,
    /// Server to client (responses).
    Down,
}

/// What the proxy does to one connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Forwards faithfully.
    Honest,
    /// Forwards, but holds every chunk for this long first.
    Delay(u64),
    /// Accepts and closes at once, without connecting to the server.
    Drop,
    /// Forwards `after` bytes (both ways together), then closes both sides with SO_LINGER 0: RST.
    Reset { after: u64 },
    /// Forwards `after` bytes, then stops forwarding `dir` while both sockets stay open.
    HalfOpen { after: u64, dir: Dir },
    /// Forwards `after` bytes, then closes both sides normally (FIN), mid-stream.
    Cut { after: u64 },
}

impl Fault {
    /// A short name for counting.
    pub fn name(&self) -> &'static str {
        match self {
            Fault::Honest => "honest",
            Fault::Delay(_) => "delay",
            Fault::Drop => "drop",
            Fault::Reset { .. } => "reset",
            Fault::HalfOpen { .. } => "half-open",
            Fault::Cut { .. } => "cut",
        }
    }

    /// One fault drawn from `rng` (about two connections in three misbehave).
    pub fn draw(rng: &mut Rng) -> Fault {
        let after = match rng.range(0, 3) {
            0 => rng.range(0, 200),     // in the request line or headers
            1 => rng.range(200, 2_000), // in a body or the response
            _ => rng.range(2_000, 64_000),
        };
        match rng.range(0, 100) {
            0..35 => Fault::Honest,
            35..55 => Fault::Delay(rng.range(5, 400)),
            55..65 => Fault::Drop,
            65..78 => Fault::Reset { after },
            78..86 => Fault::HalfOpen { after, dir: if rng.chance(50) { Dir::Up } else { Dir::Down } },
            _ => Fault::Cut { after },
        }
    }
}

/// How long a half-open connection is held before the proxy gives up on it.
const HALF_OPEN_MAX: Duration = Duration::from_secs(20);
/// How often a pump looks at its flags while it waits for bytes.
const TICK: Duration = Duration::from_millis(50);

struct Shared {
    upstream: String,
    honest: AtomicBool,
    /// Cut off: every connection is dropped, the open ones ended ([`FaultProxy::set_cut`]).
    cut: AtomicBool,
    stop: AtomicBool,
    /// Bumped to end every connection that misbehaves (turning honest).
    generation: AtomicU64,
    rng: Mutex<Rng>,
    counts: Mutex<BTreeMap<&'static str, u64>>,
}

/// The running proxy; stops (and closes every connection) when dropped.
pub struct FaultProxy {
    /// The address clients connect to (`127.0.0.1:port`, or the one given to [`FaultProxy::start_at`]).
    pub addr: String,
    shared: Arc<Shared>,
    accept: Option<std::thread::JoinHandle<()>>,
}

impl FaultProxy {
    /// A proxy on a free loopback port to `upstream`, faults drawn from `seed`, honest to start.
    pub fn start(upstream: &str, seed: u64) -> FaultProxy {
        FaultProxy::start_at("127.0.0.1:0", upstream, seed)
    }

    /// The same, listening on `listen` (e.g. `127.0.0.3:8787`: to stand at a register's address).
    pub fn start_at(listen: &str, upstream: &str, seed: u64) -> FaultProxy {
        let listener = TcpListener::bind(listen).unwrap_or_else(|e| panic!("proxy bind {listen}: {e}"));
        let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or_else(|e| panic!("proxy addr: {e}"));
        listener.set_nonblocking(true).unwrap_or_else(|e| panic!("proxy nonblocking: {e}"));
        let shared = Arc::new(Shared {
            upstream: upstream.to_string(),
            honest: AtomicBool::new(true),
            cut: AtomicBool::new(false),
            stop: AtomicBool::new(false),
            generation: AtomicU64::new(0),
            rng: Mutex::new(Rng::new(seed)),
            counts: Mutex::new(BTreeMap::new()),
        });
        let s = shared.clone();
        let accept = std::thread::spawn(move || accept_loop(listener, s));
        FaultProxy { addr, shared, accept: Some(accept) }
    }

    /// Turns faults on (`false`) or off (`true`); turning honest also ends every connection that
    /// is misbehaving now, so no client stays stuck on a half-open one.
    pub fn set_honest(&self, honest: bool) {
        self.shared.honest.store(honest, Ordering::SeqCst);
        if honest {
            self.shared.generation.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Cuts the proxy off (`true`), as a pulled cable: every connection from then on is accepted
    /// and closed at once (counted as a drop) and every open one is ended; `false` heals the cut,
    /// and the faults (or honesty) set before apply again.
    pub fn set_cut(&self, cut: bool) {
        self.shared.cut.store(cut, Ordering::SeqCst);
    }

    /// How many connections got each fault so far.
    pub fn counts(&self) -> BTreeMap<&'static str, u64> {
        self.shared.counts.lock().map(|c| c.clone()).unwrap_or_default()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    while !shared.stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((down, _)) => {
                let fault = if shared.cut.load(Ordering::SeqCst) {
                    Fault::Drop
                } else if shared.honest.load(Ordering::SeqCst) {
                    Fault::Honest
                } else {
                    shared.rng.lock().map(|mut r| Fault::draw(&mut r)).unwrap_or(Fault::Honest)
                };
                if let Ok(mut c) = shared.counts.lock() {
                    *c.entry(fault.name()).or_default() += 1;
                }
                let s = shared.clone();
                std::thread::spawn(move || carry(down, fault, s));
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(5)),
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}

/// Per-connection state both pumps share.
struct Conn {
    fault: Fault,
    generation: u64,
    /// Bytes forwarded, both ways together.
    forwarded: AtomicU64,
    /// Set when the connection must end (either pump, or a fault).
    done: AtomicBool,
    /// Set when it must end with a reset rather than a FIN.
    reset: AtomicBool,
    /// When a half-open fault started.
    half_open_since: Mutex<Option<Instant>>,
}

fn carry(down: TcpStream, fault: Fault, shared: Arc<Shared>) {
    if fault == Fault::Drop {
        return; // dropping `down` closes it before anything is forwarded
    }
    let Ok(up) = TcpStream::connect_timeout(
        &shared.upstream.parse().unwrap_or_else(|e| panic!("upstream address: {e}")),
        Duration::from_secs(2),
    ) else {
        return; // the server is down: the client sees its connection closed
    };
    for s in [&down, &up] {
        let _ = s.set_nodelay(true);
        let _ = s.set_nonblocking(false);
        let _ = s.set_read_timeout(Some(TICK));
    }
    let conn = Arc::new(Conn {
        fault,
        generation: shared.generation.load(Ordering::SeqCst),
        forwarded: AtomicU64::new(0),
        done: AtomicBool::new(false),
        reset: AtomicBool::new(false),
        half_open_since: Mutex::new(None),
    });
    let (Ok(down2), Ok(up2)) = (down.try_clone(), up.try_clone()) else { return };
    let (c1, s1) = (conn.clone(), shared.clone());
    let pump_up = std::thread::spawn(move || pump(down2, up2, Dir::Up, &c1, &s1));
    pump(up, down, Dir::Down, &conn, &shared);
    let _ = pump_up.join();
}

/// Forwards `from` → `to` under the connection's fault until either side or the fault ends it.
fn pump(mut from: TcpStream, mut to: TcpStream, dir: Dir, conn: &Conn, shared: &Shared) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        if conn.done.load(Ordering::SeqCst) || shared.stop.load(Ordering::SeqCst) || shared.cut.load(Ordering::SeqCst) {
            break;
        }
        if conn.fault != Fault::Honest && shared.generation.load(Ordering::SeqCst) != conn.generation {
            break; // the proxy turned honest: end this misbehaving connection
        }
        if let Fault::HalfOpen { after, dir: stuck } = conn.fault
            && conn.forwarded.load(Ordering::SeqCst) >= after
        {
            let since = conn.half_open_since.lock().map(|mut g| *g.get_or_insert_with(Instant::now));
            if since.map(|t| t.elapsed() > HALF_OPEN_MAX).unwrap_or(true) {
                break;
            }
            if stuck == dir {
                // This direction no longer forwards: the bytes stay in the kernel's buffers.
                std::thread::sleep(TICK);
                continue;
            }
        }
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted) => {
                continue;
            }
            Err(_) => break,
        };
        let before = conn.forwarded.load(Ordering::SeqCst);
        // How much of this chunk may pass before the fault strikes.
        let allowed = match conn.fault {
            Fault::Reset { after } | Fault::Cut { after } => {
                usize::try_from(after.saturating_sub(before)).unwrap_or(usize::MAX).min(n)
            }
            // Only the stuck direction is held back; its bytes past the mark are lost with it.
            Fault::HalfOpen { after, dir: stuck } if stuck == dir => {
                usize::try_from(after.saturating_sub(before)).unwrap_or(usize::MAX).min(n)
            }
            _ => n,
        };
        if let Fault::Delay(ms) = conn.fault {
            sleep_unless_stopped(Duration::from_millis(ms), conn, shared);
        }
        if allowed > 0 && to.write_all(&buf[..allowed]).is_err() {
            break;
        }
        conn.forwarded.fetch_add(allowed as u64, Ordering::SeqCst);
        if allowed < n {
            match conn.fault {
                Fault::Reset { .. } => {
                    conn.reset.store(true, Ordering::SeqCst);
                    break;
                }
                Fault::Cut { .. } => break,
                _ => {}
            }
        }
    }
    conn.done.store(true, Ordering::SeqCst);
    if conn.reset.load(Ordering::SeqCst) {
        // SO_LINGER 0: the close that follows sends RST instead of FIN, on both sides.
        let linger = nix::libc::linger { l_onoff: 1, l_linger: 0 };
        let _ = nix::sys::socket::setsockopt(&from, nix::sys::socket::sockopt::Linger, &linger);
        let _ = nix::sys::socket::setsockopt(&to, nix::sys::socket::sockopt::Linger, &linger);
    } else {
        let _ = to.shutdown(Shutdown::Write);
    }
}

fn sleep_unless_stopped(total: Duration, conn: &Conn, shared: &Shared) {
    let start = Instant::now();
    while start.elapsed() < total
        && !conn.done.load(Ordering::SeqCst)
        && !shared.stop.load(Ordering::SeqCst)
        && shared.generation.load(Ordering::SeqCst) == conn.generation
    {
        std::thread::sleep(TICK.min(total.saturating_sub(start.elapsed())));
    }
}
