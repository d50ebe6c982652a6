//! The server register under attack from its own LAN (issue 12): each attack as a device on
//! the shop's network would make it, against real `till run` processes on loopback, bounded in
//! time, checking that the register keeps working. Attackers connect from their own loopback
//! addresses (127.0.N.x), as other hosts would; the store's registers use 127.0.0.1.
//!
//! `cargo test --test attacks -- --nocapture` prints the figures docs/BENCHMARKS.md reports.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddrV4, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;

/// The attacks load the machine: one at a time, so their figures and deadlines mean something.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner())
}

/// A TCP connection to `dst` from the local address `src` (another "host" on loopback).
fn connect_from(src: [u8; 4], dst: &str) -> std::io::Result<TcpStream> {
    use nix::sys::socket::{AddressFamily, SockFlag, SockType, SockaddrIn, bind, connect, socket};
    let dst: SocketAddrV4 = dst.parse().map_err(|_| std::io::Error::other("bad address"))?;
    let fd = socket(AddressFamily::Inet, SockType::Stream, SockFlag::SOCK_CLOEXEC, None)?;
    bind(fd.as_raw_fd(), &SockaddrIn::from(SocketAddrV4::new(src.into(), 0)))?;
    connect(fd.as_raw_fd(), &SockaddrIn::from(dst))?;
    Ok(TcpStream::from(fd))
}

/// A process's resident memory now, KiB.
fn rss_kib(pid: u32) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_else(|e| panic!("/proc/{pid}: {e}"));
    text.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no VmRSS for {pid}"))
}

/// Samples a process's RSS every 10 ms until stopped; the highest value, KiB.
struct RssPeak {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RssPeak {
    fn start(pid: u32) -> RssPeak {
        let (stop, peak) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicU64::new(rss_kib(pid))));
        let (s, p) = (stop.clone(), peak.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                p.fetch_max(rss_kib(pid), Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(10));
            }
        });
        RssPeak { stop, peak, thread: Some(thread) }
    }

    fn finish(mut self) -> u64 {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.peak.load(Ordering::SeqCst)
    }
}

/// `n` sockets from addresses 127.0.`net`.x (8 per address) that send a request head with a
/// declared body of `length` bytes, then trickle one byte every `every`; a socket the server
/// closes is opened again, so the pressure lasts until [`Trickle::stop`].
struct Trickle {
    stop: Arc<AtomicBool>,
    opened: Arc<AtomicU64>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Trickle {
    fn start(addr: &str, net: u8, n: usize, length: u64, every: Duration) -> Trickle {
        let stop = Arc::new(AtomicBool::new(false));
        let opened = Arc::new(AtomicU64::new(0));
        let threads = (0..n.div_ceil(8))
            .map(|host| {
                let (stop, opened, addr) = (stop.clone(), opened.clone(), addr.to_string());
                let per = 8.min(n - host * 8);
                std::thread::spawn(move || {
                    let src = [127, 0, net, u8::try_from(host + 1).unwrap_or(255)];
                    let head = format!(
                        "POST /api/sync/events HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/octet-stream\r\nContent-Length: {length}\r\n\r\n"
                    );
                    let mut socks: Vec<Option<TcpStream>> = (0..per).map(|_| None).collect();
                    let deadline = Instant::now() + Duration::from_secs(300);
                    while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
                        for s in socks.iter_mut() {
                            let alive = s.as_mut().is_some_and(|t| t.write_all(b"x").is_ok());
                            if !alive {
                                *s = connect_from(src, &addr).ok().and_then(|mut t| {
                                    opened.fetch_add(1, Ordering::SeqCst);
                                    t.write_all(head.as_bytes()).ok().map(|()| t)
                                });
                            }
                        }
                        std::thread::sleep(every);
                    }
                })
            })
            .collect();
        Trickle { stop, opened, threads }
    }

    fn stop(self) -> u64 {
        self.stop.store(true, Ordering::SeqCst);
        for t in self.threads {
            let _ = t.join();
        }
        self.opened.load(Ordering::SeqCst)
    }
}

/// The server's answer to a discover call: its JSON.
fn discover(addr: &str) -> serde_json::Value {
    let (status, body) = http(addr, "GET", "/api/discover", &[], b"");
    assert_eq!(status, 200, "discover: {}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).unwrap_or_else(|e| panic!("discover JSON: {e}"))
}

/// A request sealed as the test register `sender` with `key`, stamped with the server's clock.
fn sealed(addr: &str, key: &till::sync::SealKey, sender: [u8; 16], method: &str, path: &str, plain: &[u8]) -> Vec<u8> {
    let d = discover(addr);
    let store: till::sync::StoreId = d["store_id"].as_str().and_then(|s| s.parse().ok()).expect("store id");
    let now = d["server_time_ms"].as_u64().expect("server time");
    let mut nonce = [0u8; 24];
    getrandom::fill(&mut nonce).unwrap_or_else(|e| panic!("{e}"));
    let binding = till::sync::Binding::Request { method, path };
    till::sync::Envelope::seal(
        till::sync::PROTOCOL_MIN,
        key,
        store,
        till::model::RegisterId(sender),
        nonce,
        now,
        binding,
        plain,
    )
    .to_bytes()
}

/// A hello of the test register `sender` enrolling `own`, sealed with `key`.
fn hello_bytes(addr: &str, key: &till::sync::SealKey, sender: [u8; 16], own: [u8; 32]) -> Vec<u8> {
    let hello = till::sync::protocol::HelloRequest {
        register_name: "probe".into(),
        client_time_ms: 0,
        pending: 0,
        store_known: false,
        register_key: own,
    };
    let plain = postcard::to_allocvec(&hello).unwrap_or_default();
    sealed(addr, key, sender, "POST", till::sync::protocol::HELLO_PATH, &plain)
}

/// The store's key as the tests' secret makes it for this server's store.
fn store_key(addr: &str) -> till::sync::SealKey {
    let store = discover(addr)["store_id"].as_str().and_then(|s| s.parse().ok()).expect("store id");
    till::sync::SealKey::derive(SECRET, store).unwrap_or_else(|e| panic!("{e}"))
}

/// Sends raw bytes from `src` and reads the answer's status (0 when the server closed).
fn raw_post(src: [u8; 4], addr: &str, path: &str, body: &[u8]) -> u16 {
    let Ok(mut s) = connect_from(src, addr) else { return 0 };
    let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
    let head =
        format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n", body.len());
    let _ = s.write_all(head.as_bytes());
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    String::from_utf8_lossy(&raw).split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

#[test]
fn a_header_line_without_end_cannot_grow_the_servers_memory() {
    let _one = serial();
    let root = tempfile::tempdir().expect("tempdir");
    let (s, addr) = server(root.path(), "S");
    let before = rss_kib(s.pid());
    let peak = RssPeak::start(s.pid());
    // 8 hosts × 4 sockets, each sending one endless header line as fast as it can for 3 s.
    let closed_after: Arc<Mutex<Vec<Duration>>> = Arc::new(Mutex::new(Vec::new()));
    let sent = Arc::new(AtomicU64::new(0));
    let threads: Vec<_> = (0..32u8)
        .map(|i| {
            let (addr, closed_after, sent) = (addr.clone(), closed_after.clone(), sent.clone());
            std::thread::spawn(move || {
                let start = Instant::now();
                let Ok(mut t) = connect_from([127, 0, 3, 1 + i / 4], &addr) else { return };
                let _ = t.write_all(b"GET /api/discover HTTP/1.1\r\nX-Junk: ");
                let chunk = vec![b'a'; 64 * 1024];
                while start.elapsed() < Duration::from_secs(3) {
                    if t.write_all(&chunk).is_err() {
                        if let Ok(mut c) = closed_after.lock() {
                            c.push(start.elapsed());
                        }
                        return;
                    }
                    sent.fetch_add(chunk.len() as u64, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
    let peak = peak.finish();
    let closed = closed_after.lock().map(|c| c.clone()).unwrap_or_default();
    println!(
        "figure: newline-less header attack: {} sockets, {} MiB sent, server RSS {} -> peak {} MiB, {} closed (slowest after {:?})",
        32,
        sent.load(Ordering::SeqCst) / (1024 * 1024),
        before / 1024,
        peak / 1024,
        closed.len(),
        closed.iter().max()
    );
    assert_eq!(closed.len(), 32, "every socket was closed by the server");
    assert!(peak < before + 16 * 1024, "memory grew from {before} KiB to {peak} KiB");
    assert_eq!(discover(&addr)["product"], "till", "the server still answers");
    s.wait_log_after(0, "request heads larger than the limit");
}

#[test]
fn a_client_restarted_during_a_slow_body_attack_syncs_within_ten_seconds() {
    let _one = serial();
    let root = tempfile::tempdir().expect("tempdir");
    let (s, addr) = server(root.path(), "S");
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50"]);
    let a = client(root.path(), "A", &addr);
    let mut b = client(root.path(), "B", &addr);
    wait_products(&[&a, &b], 1);
    b.kill9();
    let peak = RssPeak::start(s.pid());
    // 300 sockets from 38 hosts: complete heads, then a byte a second.
    let attack = Trickle::start(&addr, 4, 300, 100_000, Duration::from_millis(1000));
    std::thread::sleep(Duration::from_secs(2));
    // The registers already connected keep syncing…
    a.ok(&["order", "create", "TEA"]);
    // …and one that restarts gets back in: its order reaches the server within 10 s.
    let number = b.ok(&["order", "create", "TEA"]).trim().to_string();
    let started = Instant::now();
    b.start();
    wait_until(
        "B's order to reach the server under attack",
        Duration::from_secs(10),
        || s.ok(&["order", "list"]).contains(&number),
        || format!("{}\n{}", s.log_text(), b.log_text()),
    );
    let resync = started.elapsed();
    wait_orders(&[&s, &a, &b], 2);
    let opened = attack.stop();
    let peak = peak.finish();
    println!(
        "figure: slow-body attack: {opened} attacker connections opened, restarted client resynced in {} ms, server peak RSS {} MiB",
        resync.as_millis(),
        peak / 1024
    );
    assert!(resync < Duration::from_secs(10), "{resync:?}");
    // The strangers were turned away: evicted to make room, or cut off for trickling.
    assert!(
        s.log_text().contains("closed to make room") || s.log_text().contains("trickling below the minimum rate"),
        "{}",
        s.log_text()
    );
}

#[test]
fn a_large_push_gets_through_while_strangers_trickle_large_bodies() {
    let _one = serial();
    let root = tempfile::tempdir().expect("tempdir");
    let (s, addr) = server(root.path(), "S");
    let skus = ["TEA", "COF", "MUG", "JAM", "OAT", "RYE", "FIG", "NUT", "BUN", "PIE", "EGG", "ICE"];
    for sku in skus {
        s.ok(&["product", "add", sku, "--name", &format!("{sku} with a name long enough to weigh"), "--price", "2.50"]);
    }
    let mut c = client(root.path(), "C", &addr);
    wait_products(&[&c], skus.len() as i64);
    c.kill9();
    // 600 orders of twelve lines rung while C is cut off: a push of more than 256 KiB.
    {
        let mut r = till::register::Register::open(&c.dir).unwrap_or_else(|e| panic!("{e}"));
        let items: Vec<(till::model::Sku, u32)> =
            skus.iter().map(|s| (s.parse().unwrap_or_else(|_| unreachable!()), 2)).collect();
        for _ in 0..600 {
            r.create_order(&items, till::model::Payment::Card, None).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    let pending: i64 = c.query("SELECT COALESCE(SUM(length(body)), 0) FROM events WHERE pending = 1");
    assert!(pending > 300 * 1024, "the backlog is {pending} bytes");
    // Strangers declare 5 MB bodies and trickle them: they would hold every large-body slot.
    let peak = RssPeak::start(s.pid());
    let attack = Trickle::start(&addr, 5, 40, 5_000_000, Duration::from_millis(500));
    std::thread::sleep(Duration::from_secs(1));
    let started = Instant::now();
    c.start();
    wait_until(
        "C's 600 orders to reach the server",
        *DEADLINE,
        || s.orders() == 600,
        || format!("{}\n{}", s.log_text(), c.log_text()),
    );
    println!("figure: {pending} bytes pushed past trickling strangers in {} ms", started.elapsed().as_millis());
    attack.stop();
    let peak = peak.finish();
    println!("figure: trickled large bodies: server peak RSS {} MiB", peak / 1024);
    assert!(peak < 96 * 1024, "the server's memory stays bounded: {peak} KiB");
}

#[test]
fn wrong_key_hellos_slow_down_and_are_logged_once() {
    let _one = serial();
    let root = tempfile::tempdir().expect("tempdir");
    let (s, addr) = server(root.path(), "S");
    let wrong = till::sync::SealKey::from_bytes([0x66; 32]);
    let src = [127, 0, 6, 1];
    let peak = RssPeak::start(s.pid());
    let mut times = Vec::new();
    for i in 0..8u8 {
        let body = hello_bytes(&addr, &wrong, [0x70 + i; 16], [i; 32]);
        let t = Instant::now();
        let status = raw_post(src, &addr, till::sync::protocol::HELLO_PATH, &body);
        times.push(t.elapsed());
        assert_eq!(status, 401, "attempt {i}");
    }
    println!("figure: answer times of 8 wrong-key hellos from one address: {times:?}");
    assert!(times[..3].iter().all(|t| *t < Duration::from_millis(250)), "the first are free: {times:?}");
    for (i, t) in times.iter().enumerate().skip(3) {
        let want = Duration::from_millis(250) * (1 << (i - 3));
        assert!(*t >= want, "attempt {i} took {t:?}, at least {want:?} expected: {times:?}");
    }
    // A second attempt while one is held is turned away at once.
    let held = {
        let (addr, body) = (addr.clone(), hello_bytes(&addr, &wrong, [0x7f; 16], [9; 32]));
        std::thread::spawn(move || raw_post(src, &addr, till::sync::protocol::HELLO_PATH, &body))
    };
    std::thread::sleep(Duration::from_millis(300));
    let body = hello_bytes(&addr, &wrong, [0x7e; 16], [8; 32]);
    assert_eq!(raw_post(src, &addr, till::sync::protocol::HELLO_PATH, &body), 429);
    assert_eq!(held.join().unwrap_or(0), 401);
    let per_second = 1.0 / 8.0;
    println!("figure: after the limit one address gets at most {per_second} wrong-key hellos a second");
    // The right secret from another address is not slowed.
    let key = store_key(&addr);
    let t = Instant::now();
    assert_eq!(
        raw_post(
            [127, 0, 6, 2],
            &addr,
            till::sync::protocol::HELLO_PATH,
            &hello_bytes(&addr, &key, [0x11; 16], [1; 32])
        ),
        200
    );
    assert!(t.elapsed() < Duration::from_millis(500));
    let lines = s.log_text().lines().filter(|l| l.contains("wrong key")).count();
    assert_eq!(lines, 1, "one log line for the burst:\n{}", s.log_text());
    let peak = peak.finish();
    println!("figure: wrong-key hellos: server peak RSS {} MiB", peak / 1024);
    assert!(peak < 64 * 1024, "{peak} KiB");
}

#[test]
fn hellos_for_strangers_store_ids_cost_one_key_derivation_at_a_time() {
    let _one = serial();
    let root = tempfile::tempdir().expect("tempdir");
    // A server no register has confirmed yet: it may adopt its clients' store id (a replaced
    // server), so a hello for another store id makes it derive a key (19 MiB of Argon2).
    let (s, addr) = server(root.path(), "S");
    let before = rss_kib(s.pid());
    let peak = RssPeak::start(s.pid());
    let started = Instant::now();
    // 64 hosts, each a hello for a store id of its own, all at once.
    let senders: Vec<_> = (1..=64u8)
        .map(|host| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let d = discover(&addr);
                let now = d["server_time_ms"].as_u64().expect("server time");
                let mut nonce = [0u8; 24];
                getrandom::fill(&mut nonce).expect("test");
                let hello = till::sync::protocol::HelloRequest {
                    register_name: "probe".into(),
                    client_time_ms: 0,
                    pending: 0,
                    store_known: false,
                    register_key: [host; 32],
                };
                let plain = postcard::to_allocvec(&hello).expect("test");
                let binding = till::sync::Binding::Request { method: "POST", path: till::sync::protocol::HELLO_PATH };
                let body = till::sync::Envelope::seal(
                    till::sync::PROTOCOL_MIN,
                    &till::sync::SealKey::from_bytes([host; 32]),
                    till::sync::StoreId([host; 16]),
                    till::model::RegisterId([host; 16]),
                    nonce,
                    now,
                    binding,
                    &plain,
                )
                .to_bytes();
                raw_post([127, 0, 7, host], &addr, till::sync::protocol::HELLO_PATH, &body)
            })
        })
        .collect();
    let statuses: Vec<u16> = senders.into_iter().map(|t| t.join().expect("test")).collect();
    let took = started.elapsed();
    let peak = peak.finish();
    println!(
        "figure: 64 hosts' hellos for strangers' store ids at an unconfirmed server: server RSS {} → peak {} MiB in {} ms; answers {statuses:?}",
        before / 1024,
        peak / 1024,
        took.as_millis()
    );
    assert!(statuses.iter().all(|c| [401, 403, 409, 429, 503].contains(c)), "none opened: {statuses:?}");
    // One derivation at a time: far from 64 × 19 MiB (4.2 GB before the bound).
    assert!(peak < before + 3 * 19 * 1024, "peak {peak} KiB from {before} KiB");
    // And the store's own registers still get in.
    let a = client(root.path(), "A", &addr);
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50"]);
    wait_products(&[&a], 1);
}

/// A device at `bind` that copies what the real server at `real` says about itself (its store
/// id, its name, even a proof it gave for some earlier challenge) and answers every request
/// with that copy, as a rogue on the LAN would.
fn copycat(bind: &str, real: &str) -> std::thread::JoinHandle<()> {
    let listener = TcpListener::bind(bind).unwrap_or_else(|e| panic!("bind {bind}: {e}"));
    let copied = http(real, "GET", &format!("/api/discover?challenge={}", "ab".repeat(16)), &[], b"");
    std::thread::spawn(move || {
        for mut stream in listener.incoming().map_while(Result::ok).take(200) {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let (status, body) = copied.clone();
            let _ = write!(
                stream,
                "HTTP/1.1 {status} OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    })
}

#[test]
fn a_rogue_copying_the_store_is_unverified_and_never_chosen() {
    let _one = serial();
    let root = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let mut s = Node::new(root.path(), "S");
    start_server_at(&mut s, "127.0.7.1", port, SECRET);
    let real = format!("127.0.7.1:{port}");
    let _rogue = copycat(&format!("127.0.7.2:{port}"), &real);
    // A register of the store that already synced with the real server (it holds the store id).
    let mut c = Node::new(root.path(), "C").env("TILL_SCAN_SUBNETS", "127.0.7.0/29");
    c.ok(&["setup", "set", "mode=client", "name=C", &format!("server={real}"), &format!("secret={SECRET}")]);
    c.start();
    c.wait_log_after(0, "syncing with");
    c.stop();
    let scan = c.ok(&["scan", "--subnet", "127.0.7.0/29", "--port", &port.to_string(), "--json"]);
    let v: serde_json::Value = serde_json::from_str(&scan).unwrap_or_default();
    let stores: Vec<(String, String)> = v["servers"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| (s["address"].as_str().unwrap_or("").into(), s["store"].as_str().unwrap_or("").into()))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(stores, vec![("127.0.7.1".into(), "this".into()), ("127.0.7.2".into(), "unverified".into())], "{scan}");
    // Testing the rogue says it cannot prove the store, and sends it nothing sealed.
    let out = c.till(&["test-connection", &format!("127.0.7.2:{port}")]);
    assert_eq!(out.status.code(), Some(16), "{}", String::from_utf8_lossy(&out.stderr));
    // With the real server down, scanning never saves the rogue: nothing of the store found.
    s.stop();
    let before = c.ok(&["setup", "show", "--json"]);
    let out = c.till(&["setup", "set", "mode=client", "server=scan", &format!("port={port}")]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(10), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("UNVERIFIED"), "the rogue is listed as unverified");
    assert_eq!(c.ok(&["setup", "show", "--json"]), before, "nothing saved");
}

#[test]
fn a_replayed_hello_or_pull_changes_nothing_and_returns_nothing() {
    let _one = serial();
    let root = tempfile::tempdir().expect("tempdir");
    let (s, addr) = server(root.path(), "S");
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50"]);
    let key = store_key(&addr);
    let peak = RssPeak::start(s.pid());
    let (me, own) = ([0x42; 16], [0x24; 32]);
    let hello = hello_bytes(&addr, &key, me, own);
    let (status, _) = http(&addr, "POST", till::sync::protocol::HELLO_PATH, &[], &hello);
    assert_eq!(status, 200);
    let peers_before = s.ok(&["peers", "--json"]);
    std::thread::sleep(Duration::from_millis(20));
    let (status, body) = http(&addr, "POST", till::sync::protocol::HELLO_PATH, &[], &hello);
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("replayed"));
    assert_eq!(s.ok(&["peers", "--json"]), peers_before, "a replayed hello updates nothing");

    // A pull from the start of the log, sealed with the register's own key, answered once.
    let path = "/api/sync/events?since=0&wait=0&epoch=00000000000000000000000000000000";
    let pull = sealed(&addr, &till::sync::SealKey::from_bytes(own), me, "GET", path, &[]);
    let header = [("x-till-envelope", till::model::hex(&pull))];
    let (status, first) = http(&addr, "GET", path, &header, b"");
    assert_eq!(status, 200);
    assert!(first.len() > 100, "the first pull carries the log ({} bytes)", first.len());
    let (status, again) = http(&addr, "GET", path, &header, b"");
    assert_eq!(status, 400, "a replayed pull is refused");
    assert!(again.len() < 100, "and returns nothing of the log: {} bytes", again.len());
    s.wait_log_after(0, "replayed requests");
    let peak = peak.finish();
    println!("figure: replayed hello and pull: server peak RSS {} MiB", peak / 1024);
    assert!(peak < 64 * 1024, "{peak} KiB");
}

#[test]
fn metrics_need_the_scrape_token_once_one_is_set() {
    let _one = serial();
    let root = tempfile::tempdir().expect("tempdir");
    let mut s = Node::new(root.path(), "S");
    set_up_server(&s, free_port());
    s.ok(&["setup", "set", "metrics_token=scrape-token-0123456789"]);
    let addr = start_server(&mut s);
    let (status, _) = http(&addr, "GET", "/metrics", &[], b"");
    assert_eq!(status, 401, "no token");
    let (status, _) = http(&addr, "GET", "/metrics", &[("authorization", "Bearer wrong-token-0123456789".into())], b"");
    assert_eq!(status, 401, "a wrong token");
    let (status, body) =
        http(&addr, "GET", "/metrics", &[("authorization", "Bearer scrape-token-0123456789".into())], b"");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("till_orders"));
    assert!(!s.ok(&["setup", "show", "--json"]).contains("scrape-token"), "the token is never shown");
    s.ok(&["setup", "set", "metrics_token="]);
    let v: serde_json::Value = serde_json::from_str(&s.ok(&["setup", "show", "--json"])).unwrap_or_default();
    assert_eq!(v["metrics_token_set"], false, "an empty token removes it: {v}");
}

#[test]
fn pairing_by_code_joins_a_register_and_a_wrong_code_is_one_online_guess() {
    let _one = serial();
    let root = tempfile::tempdir().expect("tempdir");
    let (s, addr) = server(root.path(), "S");
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50"]);
    let code = |s: &Node| -> String {
        let v: serde_json::Value = serde_json::from_str(&s.ok(&["peers", "pair", "--json"])).unwrap_or_default();
        v["code"].as_str().unwrap_or_else(|| panic!("no code")).to_string()
    };
    let shown = code(&s);
    // A wrong code: refused (exit 13), one of the code's five tries spent, nothing saved.
    let mut n = Node::new(root.path(), "N");
    n.ok(&["setup", "set", "name=N"]);
    let before = n.ok(&["setup", "show", "--json"]);
    let wrong = if shown == "00000000" { "11111111" } else { "00000000" };
    // A code that is not 8 digits is refused before anything is sent (exit 3).
    let out = n.till(&["setup", "pair", &addr, "12345"]);
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    let out = n.till(&["setup", "pair", &addr, wrong]);
    assert_eq!(out.status.code(), Some(13), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(n.ok(&["setup", "show", "--json"]), before, "nothing saved");
    // The right code: this register becomes the server's client, with the store's secret.
    n.ok(&["setup", "pair", &addr, &format!("{} {}", &shown[..4], &shown[4..])]);
    let setup: serde_json::Value = serde_json::from_str(&n.ok(&["setup", "show", "--json"])).unwrap_or_default();
    assert_eq!((setup["mode"].as_str(), setup["secret_set"].as_bool()), (Some("client"), Some(true)), "{setup}");
    n.start();
    n.wait_log_after(0, "syncing with S");
    wait_products(&[&n], 1);
    // Five tries per code, then the code is spent: even the right one no longer works.
    let shown = code(&s);
    let m = Node::new(root.path(), "M");
    for _ in 0..5 {
        assert_eq!(m.till(&["setup", "pair", &addr, wrong]).status.code(), Some(13));
    }
    let out = m.till(&["setup", "pair", &addr, &shown]);
    assert_eq!(out.status.code(), Some(15), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no valid pairing code"));
}

/// Reads one response off a kept-alive connection: its status and head (lower-cased).
fn read_response(s: &mut TcpStream) -> (u16, String) {
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") && raw.len() < 16 * 1024 {
        match s.read(&mut byte) {
            Ok(1) => raw.push(byte[0]),
            _ => break,
        }
    }
    let head = String::from_utf8_lossy(&raw).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    let _ = s.read_exact(&mut body);
    (head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0), head)
}

/// How long until the server closes `s` (a read returns 0 or fails), if it does within `limit`.
fn closed_within(s: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    s.set_read_timeout(Some(limit)).expect("test");
    let mut buf = [0u8; 4096];
    while start.elapsed() < limit {
        match s.read(&mut buf) {
            Ok(0) => return Some(start.elapsed()),
            Ok(_) => {}
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => return None,
            Err(_) => return Some(start.elapsed()),
        }
    }
    None
}

/// A server started with one of the edge's times shortened (`TILL_EDGE_*_MS`); its address.
fn server_with(root: &std::path::Path, var: &str, ms: &str) -> (Node, String) {
    let mut s = Node::new(root, "S").env(var, ms);
    set_up_server(&s, free_port());
    let addr = start_server(&mut s);
    (s, addr)
}

/// A connection from `src` whose reads wait at most 5 s.
fn stranger(src: [u8; 4], addr: &str) -> TcpStream {
    let c = connect_from(src, addr).expect("test");
    c.set_read_timeout(Some(Duration::from_secs(5))).expect("test");
    c
}

const DISCOVER: &[u8] = b"GET /api/discover HTTP/1.1\r\nHost: till\r\n\r\n";

#[test]
fn an_address_holds_eight_connections_and_the_register_itself_is_not_capped() {
    let _one = serial();
    let root = tempfile::tempdir().expect("tempdir");
    let (s, addr) = server(root.path(), "S");
    let mut eight: Vec<TcpStream> = (0..8).map(|_| connect_from([127, 0, 9, 1], &addr).expect("test")).collect();
    let mut ninth = connect_from([127, 0, 9, 1], &addr).expect("test");
    assert!(closed_within(&mut ninth, Duration::from_secs(5)).is_some(), "the ninth is closed at once");
    for (i, c) in eight.iter_mut().enumerate() {
        c.set_read_timeout(Some(Duration::from_secs(5))).expect("test");
        c.write_all(DISCOVER).expect("test");
        assert_eq!(read_response(c).0, 200, "connection {i} of the eight is served");
    }
    s.wait_log_after(0, "too many connections from one address");
    let mut own: Vec<TcpStream> = (0..12).map(|_| TcpStream::connect(&addr).expect("test")).collect();
    for (i, c) in own.iter_mut().enumerate() {
        c.set_read_timeout(Some(Duration::from_secs(5))).expect("test");
        c.write_all(DISCOVER).expect("test");
        assert_eq!(read_response(c).0, 200, "connection {i} from 127.0.0.1 is served");
    }
}

#[test]
fn an_idle_keep_alive_is_closed_after_the_idle_time() {
    let _one = serial();
    let root = tempfile::tempdir().expect("tempdir");
    let (s, addr) = server_with(root.path(), "TILL_EDGE_IDLE_MS", "1500");
    let mut c = stranger([127, 0, 10, 1], &addr);
    c.write_all(DISCOVER).expect("test");
    let (status, head) = read_response(&mut c);
    assert_eq!(status, 200);
    assert!(!head.contains("connection: close"), "kept alive: {head}");
    let after = closed_within(&mut c, Duration::from_secs(8)).expect("the idle connection is closed");
    assert!(after >= Duration::from_millis(1200), "not before it was idle for 1.5 s: {after:?}");
    assert!(!s.log_text().contains("did not arrive in time"), "an idle keep-alive is no attack");
}

#[test]
fn a_body_too_large_is_answered_413_and_the_connection_closed() {
    let _one = serial();
    let root = tempfile::tempdir().expect("tempdir");
    let (s, addr) = server(root.path(), "S");
    let mut c = stranger([127, 0, 11, 1], &addr);
    let too_large = till::sync::protocol::MAX_BODY_BYTES + 1;
    // Kept alive as far as the client is concerned: the server closes it.
    write!(c, "POST /api/sync/events HTTP/1.1\r\nHost: till\r\nContent-Length: {too_large}\r\n\r\n").expect("test");
    let (status, head) = read_response(&mut c);
    assert_eq!(status, 413, "{head}");
    assert!(head.contains("connection: close"), "{head}");
    assert!(closed_within(&mut c, Duration::from_secs(5)).is_some(), "the server closes the socket");
    s.wait_log_after(0, "request bodies larger than the server takes");
}

#[test]
fn a_body_sent_above_the_minimum_rate_is_still_cut_at_the_whole_requests_deadline() {
    let _one = serial();
    let root = tempfile::tempdir().expect("tempdir");
    // The head's time (the base of the whole deadline) shortened to 0.5 s: a body of 200,000
    // bytes must then arrive within 0.5 s + 3 s (1 s per 64 KiB).
    let (s, addr) = server_with(root.path(), "TILL_EDGE_HEAD_MS", "500");
    let mut c = connect_from([127, 0, 12, 1], &addr).expect("test");
    let length = 200_000;
    write!(c, "POST /api/sync/events HTTP/1.1\r\nHost: till\r\nContent-Length: {length}\r\n\r\n").expect("test");
    let started = Instant::now();
    let mut reader = c.try_clone().expect("test");
    let watcher = std::thread::spawn(move || closed_within(&mut reader, Duration::from_secs(15)));
    // 10 KiB every 0.5 s: 100 KiB per 5 s window, far above the minimum rate (16 KiB); the
    // whole body would take 10 s.
    let chunk = vec![b'x'; 10 * 1024];
    let mut sent = 0;
    while sent + chunk.len() <= length && !watcher.is_finished() {
        if c.write_all(&chunk).is_err() {
            break;
        }
        sent += chunk.len();
        std::thread::sleep(Duration::from_millis(500));
    }
    let closed = watcher.join().expect("test").map(|_| started.elapsed());
    println!("figure: a body trickled at 20 KiB/s was cut after {closed:?}, {sent} of {length} bytes sent");
    let closed = closed.expect("the server closed the connection");
    assert!(closed >= Duration::from_millis(3000) && closed < Duration::from_secs(6), "cut after {closed:?}");
    assert!(sent < length, "before the body was complete ({sent} bytes)");
    s.wait_log_after(0, "requests that did not arrive in time");
    assert!(!s.log_text().contains("trickling below the minimum rate"), "not for its rate");
}

#[test]
fn a_client_turned_away_is_told_the_server_refuses_connections() {
    let _one = serial();
    let root = tempfile::tempdir().expect("tempdir");
    // What the edge does to a connection it does not admit: accept it and close it at once.
    let listener = TcpListener::bind("127.0.13.1:0").expect("test");
    let addr = listener.local_addr().expect("test").to_string();
    let stop = Arc::new(AtomicBool::new(false));
    let closer = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            listener.set_nonblocking(true).expect("test");
            let until = Instant::now() + Duration::from_secs(30);
            while !stop.load(Ordering::SeqCst) && Instant::now() < until {
                match listener.accept() {
                    Ok((sock, _)) => drop(sock),
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        })
    };
    let n = Node::new(root.path(), "N");
    let out = n.till(&["test-connection", &addr, "--secret", SECRET]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(10), "{err}");
    assert!(err.contains("is refusing connections: it may be under load or attack"), "{err}");
    assert!(!err.contains("cannot reach"), "{err}");
    stop.store(true, Ordering::SeqCst);
    closer.join().expect("test");
}
