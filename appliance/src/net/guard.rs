//! The server's edge against its own LAN: which connections it takes, how fast a request must
//! arrive, and how many wrong keys an address may try (docs/SECURITY.md, "The HTTP edge").
//!
//! - [`ConnTable`] admits connections: at most [`Limits::per_addr`] per source address and
//!   [`Limits::max_conns`] in all. A connection is *anonymous* until one of its requests is
//!   opened with a key of this store; anonymous ones share [`Limits::max_anonymous`] places, and
//!   when those are full the oldest anonymous connection is closed for the newcomer, so sockets
//!   that never authenticate cannot lock an enrolled register out.
//! - [`Guarded`] wraps each accepted socket and frames the HTTP/1.1 requests that pass through
//!   it as they are read: a head is at most [`Limits::head_bytes`] (counted as it arrives, not
//!   per line), a whole request must arrive within a deadline that grows with its declared body,
//!   a body must keep a minimum rate, a body larger than the server takes is not read at all, and
//!   a connection idle between requests is closed.
//! - [`Guesses`] makes failed authentication cost the guesser: after a few failures an address
//!   waits longer and longer for each answer and may have one attempt in flight at a time.
//! - [`AttackLog`] reports each kind of abuse at warning level once, then as a count per minute.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use smol::Task;
use smol::io::{AsyncRead, AsyncWrite};
use smol::net::TcpStream;

use super::lock;

/// Connections the server holds at once by default. A client holds two (its long-poll and its
/// pushes), so 64 clients need 128: at 64 a store of 40 registers would have starved.
pub const MAX_CONNECTIONS: usize = 256;

/// The edge's limits. The defaults suit a store's LAN; tests shorten the times.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Connections at once, trusted or not (a register holds two).
    pub max_conns: usize,
    /// Connections at once that have not yet authenticated.
    pub max_anonymous: usize,
    /// Connections at once from one address (a register needs two; the CLI and a scan one more).
    pub per_addr: usize,
    /// Largest request head, counted as it is read.
    pub head_bytes: usize,
    /// Largest body the server reads at all.
    pub max_body: u64,
    /// Time for a request's head, and the base of its whole deadline.
    pub head_time: Duration,
    /// Slowest rate at which a body's deadline grows with its size.
    pub body_rate: u64,
    /// A body must deliver at least this many bytes (or all that is left) in every window.
    pub min_window_bytes: u64,
    /// The window of [`Limits::min_window_bytes`].
    pub window: Duration,
    /// A connection that sent and received nothing for this long between requests is closed.
    pub idle: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_conns: MAX_CONNECTIONS,
            max_anonymous: 64,
            per_addr: 8,
            head_bytes: 8 * 1024,
            max_body: crate::sync::protocol::MAX_BODY_BYTES as u64,
            head_time: Duration::from_secs(10),
            body_rate: 64 * 1024,
            min_window_bytes: 16 * 1024,
            window: Duration::from_secs(5),
            idle: Duration::from_secs(60),
        }
    }
}

impl Limits {
    /// The defaults, with times from `TILL_EDGE_*_MS` when set (tests).
    pub fn from_env() -> Limits {
        let mut l = Limits::default();
        let ms = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok()).map(Duration::from_millis);
        if let Some(d) = ms("TILL_EDGE_HEAD_MS") {
            l.head_time = d;
        }
        if let Some(d) = ms("TILL_EDGE_IDLE_MS") {
            l.idle = d;
        }
        if let Some(d) = ms("TILL_EDGE_WINDOW_MS") {
            l.window = d;
        }
        l
    }
}

/// The kinds of abuse the edge reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Attack {
    /// More connections from one address than it may hold.
    TooManyConnections,
    /// An anonymous connection closed to make room for a new one.
    Evicted,
    /// A request head larger than the limit.
    HeadTooLarge,
    /// A request head that cannot be framed (chunked, bad or two lengths, not text).
    BadHead,
    /// A request that did not arrive within its deadline.
    Deadline,
    /// A body trickling slower than the minimum rate.
    SlowBody,
    /// A body larger than the server takes.
    BodyTooLarge,
    /// A request sealed with a key this store does not know.
    WrongKey,
    /// A request that repeats an earlier one.
    Replay,
}

impl Attack {
    fn words(self) -> &'static str {
        match self {
            Attack::TooManyConnections => "too many connections from one address",
            Attack::Evicted => "anonymous connections closed to make room (the table was full)",
            Attack::HeadTooLarge => "request heads larger than the limit",
            Attack::BadHead => "request heads that cannot be framed (chunked, bad lengths)",
            Attack::Deadline => "requests that did not arrive in time",
            Attack::SlowBody => "request bodies trickling below the minimum rate",
            Attack::BodyTooLarge => "request bodies larger than the server takes",
            Attack::WrongKey => "requests sealed with a wrong key (guessing the secret?)",
            Attack::Replay => "replayed requests",
        }
    }
}

/// Reports abuse once per kind, then a count per minute while it lasts.
#[derive(Debug, Default)]
pub struct AttackLog {
    kinds: Mutex<HashMap<Attack, (Instant, u64)>>,
}

/// How often a continuing attack is summarized.
const ATTACK_SUMMARY: Duration = Duration::from_secs(60);

impl AttackLog {
    /// Records one occurrence from `addr`.
    pub fn note(&self, kind: Attack, addr: IpAddr) {
        let now = Instant::now();
        let mut k = lock(&self.kinds);
        match k.get_mut(&kind) {
            None => {
                k.insert(kind, (now, 0));
                log::warn!("{} (from {addr}); further ones are counted once a minute", kind.words());
            }
            Some((since, n)) => {
                *n += 1;
                if now.duration_since(*since) >= ATTACK_SUMMARY {
                    log::warn!("{} more {} in the last minute (latest from {addr})", *n, kind.words());
                    *since = now;
                    *n = 0;
                }
            }
        }
    }

    /// Total occurrences of a kind since its last log line (tests).
    pub fn pending(&self, kind: Attack) -> Option<u64> {
        lock(&self.kinds).get(&kind).map(|(_, n)| *n)
    }
}

/// What the request handlers may know about the connection they serve.
#[derive(Debug)]
pub struct ConnInfo {
    /// The peer's address.
    pub addr: IpAddr,
    trusted: AtomicBool,
    table: std::sync::Weak<ConnTable>,
}

impl ConnInfo {
    /// Marks the connection as authenticated with a key of this store: it leaves the anonymous
    /// places, and its address may send large bodies from now on.
    pub fn trust(&self) {
        if !self.trusted.swap(true, Ordering::SeqCst)
            && let Some(t) = self.table.upgrade()
        {
            lock(&t.trusted_addrs).insert(self.addr);
        }
    }

    /// Whether a request on this connection was authenticated.
    pub fn trusted(&self) -> bool {
        self.trusted.load(Ordering::SeqCst)
    }
}

struct Entry {
    info: Arc<ConnInfo>,
    accepted: Instant,
    task: Option<Task<()>>,
}

/// The connections the server holds, and the admission rules.
pub struct ConnTable {
    limits: Limits,
    conns: Mutex<(u64, HashMap<u64, Entry>)>,
    /// Addresses that authenticated with a key of this store since the server started.
    trusted_addrs: Mutex<HashSet<IpAddr>>,
    /// Where abuse is reported.
    pub attacks: Arc<AttackLog>,
}

impl std::fmt::Debug for ConnTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnTable").field("open", &self.open()).finish()
    }
}

/// Why a connection was not admitted.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Its address holds its share.
    PerAddress,
    /// The table is full of trusted connections.
    Full,
}

impl ConnTable {
    /// An empty table with these limits, reporting to `attacks`.
    pub fn new(limits: Limits, attacks: Arc<AttackLog>) -> Arc<ConnTable> {
        Arc::new(ConnTable {
            limits,
            conns: Mutex::new((0, HashMap::new())),
            trusted_addrs: Mutex::new(HashSet::new()),
            attacks,
        })
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        lock(&self.conns).1.len()
    }

    /// Whether `addr` has authenticated with a key of this store.
    pub fn trusted_addr(&self, addr: IpAddr) -> bool {
        lock(&self.trusted_addrs).contains(&addr)
    }

    /// Admits a connection from `addr`, or says why not. `spawn` starts serving it; its task
    /// is kept so the connection can be closed to make room. An admitted connection frees its
    /// place when its task ends.
    pub fn admit(
        self: &Arc<Self>,
        addr: IpAddr,
        spawn: impl FnOnce(Arc<ConnInfo>, Slot) -> Task<()>,
    ) -> Result<(), Refusal> {
        // An address that has proven a key of this store (a register that restarted keeps its
        // address) starts trusted: it is never among the anonymous connections made to give way.
        let known = self.trusted_addr(addr);
        let info = Arc::new(ConnInfo { addr, trusted: AtomicBool::new(known), table: Arc::downgrade(self) });
        let mut evicted = None;
        let id = {
            let mut g = lock(&self.conns);
            let (next, conns) = &mut *g;
            // 127.0.0.1 is the register itself (its CLI, its own tools, benches): not capped per
            // address. Every other address, other loopback addresses included, is.
            let own = addr == IpAddr::from([127, 0, 0, 1]) || addr == IpAddr::from(std::net::Ipv6Addr::LOCALHOST);
            if !own && conns.values().filter(|e| e.info.addr == addr).count() >= self.limits.per_addr {
                drop(g);
                self.attacks.note(Attack::TooManyConnections, addr);
                return Err(Refusal::PerAddress);
            }
            let anonymous: Vec<(u64, Instant)> =
                conns.iter().filter(|(_, e)| !e.info.trusted()).map(|(id, e)| (*id, e.accepted)).collect();
            if conns.len() >= self.limits.max_conns && anonymous.is_empty() {
                return Err(Refusal::Full);
            }
            if anonymous.len() >= self.limits.max_anonymous || conns.len() >= self.limits.max_conns {
                // The oldest anonymous connection gives way: a register that can prove its key
                // is never refused because sockets that cannot filled the table.
                // (Accepted in the same tick: the lower id came first.)
                if let Some((old, _)) = anonymous.iter().min_by_key(|(id, at)| (*at, *id)) {
                    evicted = conns.remove(old);
                }
            }
            *next += 1;
            conns.insert(*next, Entry { info: info.clone(), accepted: Instant::now(), task: None });
            *next
        };
        if let Some(e) = evicted {
            self.attacks.note(Attack::Evicted, e.info.addr);
            // Dropped outside the lock: cancelling runs the task's own cleanup, which locks.
            drop(e);
        }
        let task = spawn(info, Slot { table: self.clone(), id });
        if let Some(e) = lock(&self.conns).1.get_mut(&id) {
            e.task = Some(task);
        } else {
            // It already ended (or was evicted) before its task was stored.
            drop(task);
        }
        Ok(())
    }

    /// Closes every connection (the server is stopping).
    pub fn close_all(&self) {
        let all: Vec<Entry> = lock(&self.conns).1.drain().map(|(_, e)| e).collect();
        drop(all);
    }
}

/// A connection's place in the table, freed when dropped (when its task ends or is cancelled).
pub struct Slot {
    table: Arc<ConnTable>,
    id: u64,
}

impl Drop for Slot {
    fn drop(&mut self) {
        // The entry holds this connection's own task: take it out and let it go without
        // dropping it here (that would cancel the task that is running this drop).
        let entry = lock(&self.table.conns).1.remove(&self.id);
        if let Some(mut e) = entry
            && let Some(t) = e.task.take()
        {
            t.detach();
        }
    }
}

/// Where a connection stands in reading its requests.
#[derive(Debug)]
enum Phase {
    /// Between requests, since this instant (a read or a write).
    Idle { since: Instant, first: bool },
    /// Reading a head.
    Head { started: Instant, bytes: Vec<u8> },
    /// Reading a body of which `left` bytes remain.
    Body { deadline: Instant, left: u64, window_start: Instant, window_bytes: u64 },
    /// The body is larger than the server takes: nothing more is read.
    Refused,
    /// A limit was broken (and reported): the connection is being closed.
    Closed,
}

struct Frame {
    phase: Phase,
    timer: smol::Timer,
}

/// An accepted socket that frames the requests read through it and enforces [`Limits`].
#[derive(Clone)]
pub struct Guarded {
    inner: TcpStream,
    frame: Arc<Mutex<Frame>>,
    table: Arc<ConnTable>,
    info: Arc<ConnInfo>,
}

impl Guarded {
    /// Guards `inner`, accepted for the connection `info` of `table`.
    pub fn new(inner: TcpStream, table: Arc<ConnTable>, info: Arc<ConnInfo>) -> Guarded {
        let frame = Frame { phase: Phase::Idle { since: Instant::now(), first: true }, timer: smol::Timer::never() };
        Guarded { inner, frame: Arc::new(Mutex::new(frame)), table, info }
    }

    fn violation(&self, kind: Attack, why: &str) -> io::Error {
        self.table.attacks.note(kind, self.info.addr);
        io::Error::new(io::ErrorKind::InvalidData, why.to_string())
    }
}

/// The position just after `\r\n\r\n` in `head`, if it has ended.
fn head_end(head: &[u8]) -> Option<usize> {
    head.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4)
}

/// The declared body length of a head (`None`: none declared), or why it cannot be framed.
fn content_length(head: &[u8]) -> Result<Option<u64>, &'static str> {
    let text = std::str::from_utf8(head).map_err(|_| "request head is not text")?;
    let mut length = None;
    for line in text.split("\r\n").skip(1) {
        let Some((name, value)) = line.split_once(':') else { continue };
        let name = name.trim();
        if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err("chunked request bodies are not taken");
        }
        if name.eq_ignore_ascii_case("content-length") {
            let n = value.trim().parse::<u64>().map_err(|_| "bad content-length")?;
            if length.is_some_and(|l| l != n) {
                return Err("two different content-lengths");
            }
            length = Some(n);
        }
    }
    Ok(length)
}

impl Guarded {
    /// The instant the current phase must make progress by.
    fn deadline(&self, f: &Frame) -> Option<Instant> {
        let l = &self.table.limits;
        match &f.phase {
            Phase::Idle { since, first: true } => Some(*since + l.head_time),
            Phase::Idle { since, first: false } => Some(*since + l.idle),
            Phase::Head { started, .. } => Some(*started + l.head_time),
            Phase::Body { deadline, window_start, .. } => Some((*deadline).min(*window_start + l.window)),
            Phase::Refused | Phase::Closed => None,
        }
    }

    /// The deadline the watchdog enforces whether or not anyone is reading: the head's, the
    /// whole request's and the idle one (the body's rate is judged only while it is being read,
    /// so a request waiting for a large-body slot is not cut off for its wait).
    fn hard_deadline(&self, f: &Frame) -> Option<Instant> {
        let l = &self.table.limits;
        match &f.phase {
            Phase::Idle { since, first: true } => Some(*since + l.head_time),
            Phase::Idle { since, first: false } => Some(*since + l.idle),
            Phase::Head { started, .. } => Some(*started + l.head_time),
            Phase::Body { deadline, .. } => Some(*deadline),
            Phase::Refused | Phase::Closed => None,
        }
    }

    /// Ends when the connection broke a deadline (reported), or never: race it against serving
    /// the connection, so a socket nobody reads from (its handler waiting) still times out.
    pub async fn watch(&self) {
        loop {
            let next = {
                let mut f = lock(&self.frame);
                let now = Instant::now();
                if matches!(f.phase, Phase::Closed) {
                    return;
                }
                if self.hard_deadline(&f).is_some_and(|d| now >= d) {
                    // Reported here; the reading side then ends quietly.
                    let _ = self.expired(&mut f, now);
                    f.phase = Phase::Closed;
                    return;
                }
                self.hard_deadline(&f)
            };
            match next {
                Some(d) => smol::Timer::at(d).await,
                None => smol::Timer::after(Duration::from_secs(1)).await,
            };
        }
    }

    /// Why the current phase has run out of time, if it has.
    fn expired(&self, f: &mut Frame, now: Instant) -> Option<io::Error> {
        let l = self.table.limits.clone();
        match &mut f.phase {
            Phase::Idle { since, first } if now >= *since + if *first { l.head_time } else { l.idle } => {
                // An idle keep-alive closes quietly; a connection that never spoke is a deadline.
                if *first {
                    return Some(self.violation(Attack::Deadline, "no request in time"));
                }
                Some(io::Error::new(io::ErrorKind::TimedOut, "idle connection closed"))
            }
            Phase::Head { started, .. } if now >= *started + l.head_time => {
                Some(self.violation(Attack::Deadline, "request head not complete in time"))
            }
            Phase::Body { deadline, .. } if now >= *deadline => {
                Some(self.violation(Attack::Deadline, "request body not complete in time"))
            }
            Phase::Body { left, window_start, window_bytes, .. } if now >= *window_start + l.window => {
                if *window_bytes < l.min_window_bytes.min(*left + *window_bytes) {
                    return Some(self.violation(Attack::SlowBody, "request body below the minimum rate"));
                }
                *window_start = now;
                *window_bytes = 0;
                None
            }
            _ => None,
        }
    }

    /// Accounts for `bytes` just read; an error ends the connection.
    fn feed(&self, f: &mut Frame, mut bytes: &[u8], now: Instant) -> io::Result<()> {
        let l = self.table.limits.clone();
        while !bytes.is_empty() {
            match &mut f.phase {
                Phase::Idle { .. } => f.phase = Phase::Head { started: now, bytes: Vec::with_capacity(512) },
                Phase::Head { started, bytes: head } => {
                    // Look for the end of the head in what arrived, counting every byte.
                    let before = head.len();
                    let take = bytes.len().min(l.head_bytes + 1 - before.min(l.head_bytes));
                    head.extend_from_slice(&bytes[..take]);
                    let Some(end) = head_end(&head[before.saturating_sub(3)..]).map(|e| e + before.saturating_sub(3))
                    else {
                        if head.len() > l.head_bytes {
                            return Err(self.violation(Attack::HeadTooLarge, "request head too large"));
                        }
                        bytes = &bytes[take..];
                        continue;
                    };
                    let used = end - before;
                    let length = content_length(&head[..end]).map_err(|why| self.violation(Attack::BadHead, why))?;
                    let started = *started;
                    bytes = &bytes[used..];
                    f.phase = match length {
                        None | Some(0) => Phase::Idle { since: now, first: false },
                        Some(n) if n > l.max_body => {
                            self.table.attacks.note(Attack::BodyTooLarge, self.info.addr);
                            Phase::Refused
                        }
                        Some(n) => Phase::Body {
                            deadline: started + l.head_time + Duration::from_secs(n / l.body_rate.max(1)),
                            left: n,
                            window_start: now,
                            window_bytes: 0,
                        },
                    };
                }
                Phase::Body { left, window_bytes, .. } => {
                    let take = (bytes.len() as u64).min(*left);
                    *left -= take;
                    *window_bytes += take;
                    bytes = &bytes[take as usize..];
                    if *left == 0 {
                        f.phase = Phase::Idle { since: now, first: false };
                    }
                }
                // What came with the head is let through (the handler answers 413 without
                // reading it); the next read fails and the connection ends.
                Phase::Refused | Phase::Closed => break,
            }
        }
        Ok(())
    }
}

impl AsyncRead for Guarded {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let frame = this.frame.clone();
        let mut f = lock(&frame);
        let now = Instant::now();
        if matches!(f.phase, Phase::Closed) {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "connection closed by the server's limits",
            )));
        }
        if let Some(e) = this.expired(&mut f, now) {
            f.phase = Phase::Closed;
            return Poll::Ready(Err(e));
        }
        if matches!(f.phase, Phase::Refused) {
            return Poll::Ready(Err(io::Error::new(io::ErrorKind::InvalidData, "request body too large; not read")));
        }
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(n)) => {
                let read = buf.get(..n).unwrap_or_default();
                if let Err(e) = this.feed(&mut f, read, Instant::now()) {
                    f.phase = Phase::Closed;
                    return Poll::Ready(Err(e));
                }
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                let Some(deadline) = this.deadline(&f) else { return Poll::Pending };
                f.timer.set_at(deadline);
                // The timer wakes this read when the deadline passes; the next poll reports it.
                if Pin::new(&mut f.timer).poll(cx).is_ready() {
                    cx.waker().wake_by_ref();
                }
                Poll::Pending
            }
        }
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Phase::Idle { since, .. } = &mut lock(&this.frame).phase {
            *since = Instant::now();
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_close(cx)
    }
}

/// What failed authentication costs: per address, and across the store (a guesser with many
/// addresses pays too).
#[derive(Debug, Default)]
pub struct Guesses {
    by_addr: Mutex<HashMap<IpAddr, Record>>,
    store: Mutex<StoreWide>,
}

/// Failures from every address: a count that decays, and the attempts held at once.
#[derive(Debug, Default)]
struct StoreWide {
    failures: u32,
    last: Option<Instant>,
    held: u32,
}

/// Failures from all addresses together before every failure is held longer.
const STORE_FREE_FAILURES: u32 = 30;
/// Failing attempts held at once across the store: more are turned away (429) at once.
const STORE_MAX_HELD: u32 = 16;

#[derive(Debug)]
struct Record {
    failures: u32,
    last: Instant,
    in_flight: bool,
}

/// Failures an address may make before its answers slow down.
const FREE_FAILURES: u32 = 3;
/// The first delay after the free failures; it doubles with each further one.
const FIRST_DELAY: Duration = Duration::from_millis(250);
/// The longest delay.
const MAX_DELAY: Duration = Duration::from_secs(8);
/// Failures are forgotten one per this much quiet time.
const FORGET_EVERY: Duration = Duration::from_secs(60);

/// An attempt [`Guesses::admit`] let through. However it ends (answered, failed, or dropped
/// half-way because its connection was closed to make room or cut off by a deadline), dropping
/// it releases what it holds: its address's one attempt in flight and its place among the
/// store's held ones. Without that, every connection closed while its answer was held would
/// leave its address busy and the store one place short, for good.
#[must_use = "the attempt is released when dropped"]
#[derive(Debug)]
pub struct Attempt<'a> {
    guesses: &'a Guesses,
    addr: IpAddr,
    /// It holds its address's in-flight flag and one of the store's held places.
    held: bool,
    success: bool,
}

impl Attempt<'_> {
    /// The attempt authenticated: its address's record of failures is cleared.
    pub fn succeeded(mut self) {
        self.success = true;
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        self.guesses.release(self.addr, self.held, self.success);
    }
}

impl Guesses {
    fn decayed(r: &mut Record, now: Instant) {
        let every = FORGET_EVERY.as_secs().max(1);
        let quiet = now.duration_since(r.last).as_secs() / every;
        if quiet > 0 {
            r.failures = r.failures.saturating_sub(u32::try_from(quiet).unwrap_or(u32::MAX));
            // The minutes forgiven are used up: a second look in the same minute forgives nothing.
            r.last += Duration::from_secs(quiet.saturating_mul(every));
        }
    }

    /// Before opening a request from `addr`: an address with a record of failures may have one
    /// attempt in flight at a time, and the store holds at most [`STORE_MAX_HELD`] at once.
    /// `None`: not now (answer 429).
    pub fn admit(&self, addr: IpAddr) -> Option<Attempt<'_>> {
        let now = Instant::now();
        // Made after the lock is let go: dropping an attempt locks it.
        let held = {
            let mut g = lock(&self.by_addr);
            match g.get_mut(&addr) {
                None => false,
                Some(r) => {
                    Guesses::decayed(r, now);
                    if r.failures <= FREE_FAILURES {
                        false
                    } else if r.in_flight {
                        return None;
                    } else {
                        let mut st = lock(&self.store);
                        if st.held >= STORE_MAX_HELD {
                            return None;
                        }
                        st.held += 1;
                        r.in_flight = true;
                        true
                    }
                }
            }
        };
        Some(Attempt { guesses: self, addr, held, success: false })
    }

    /// After a failure from `addr`: how long to hold the answer.
    pub fn failed(&self, addr: IpAddr) -> Duration {
        let now = Instant::now();
        let mut g = lock(&self.by_addr);
        if g.len() > 4096 {
            // Bounded memory: forget the quiet ones.
            g.retain(|_, r| now.duration_since(r.last) < FORGET_EVERY);
        }
        let r = g.entry(addr).or_insert(Record { failures: 0, last: now, in_flight: false });
        Guesses::decayed(r, now);
        r.failures = r.failures.saturating_add(1);
        r.last = now;
        let own = delay_for(r.failures);
        let mut st = lock(&self.store);
        if let Some(last) = st.last {
            let quiet = now.duration_since(last).as_secs() / FORGET_EVERY.as_secs().max(1);
            // Store-wide failures are forgotten ten a minute.
            st.failures = st.failures.saturating_sub(u32::try_from(quiet.saturating_mul(10)).unwrap_or(u32::MAX));
        }
        st.failures = st.failures.saturating_add(1);
        st.last = Some(now);
        // Past the store's free failures, every failure counts as if its address had made them.
        let store = delay_for(
            (st.failures.saturating_sub(STORE_FREE_FAILURES) / 8)
                .saturating_add(if st.failures > STORE_FREE_FAILURES { FREE_FAILURES + 1 } else { 0 }),
        );
        own.max(store)
    }

    /// An attempt from `addr` ended (dropped): a success clears the address's record; one that
    /// held its address's flight and a store place gives them back.
    fn release(&self, addr: IpAddr, held: bool, success: bool) {
        let mut g = lock(&self.by_addr);
        if success {
            g.remove(&addr);
        } else if held && let Some(r) = g.get_mut(&addr) {
            r.in_flight = false;
        }
        if held {
            let mut st = lock(&self.store);
            st.held = st.held.saturating_sub(1);
        }
    }

    /// Attempts held across the store now (tests).
    pub fn held(&self) -> u32 {
        lock(&self.store).held
    }
}

/// The hold on the answer to the `n`-th recent failure of one address.
pub fn delay_for(n: u32) -> Duration {
    match n.checked_sub(FREE_FAILURES + 1) {
        None => Duration::ZERO,
        Some(k) => FIRST_DELAY.saturating_mul(1u32 << k.min(16)).min(MAX_DELAY),
    }
}

#[cfg(test)]
mod tests;
