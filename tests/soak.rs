//! Proof under stress: registers as real processes ring orders and stock changes while a fault
//! proxy mangles their connections and the server is killed at random; and a client killed at
//! many points of its sync cycle. Both end with every committed order exactly once on every
//! register, identical canonical dumps, and every register's journal verifying with the same
//! heads (`till journal verify`).
//!
//! Everything random comes from one seed, printed first and in every failure:
//! `TILL_SOAK_SEED=N cargo test --test soak` replays a run's schedule. `TILL_SOAK_SECS` sets how
//! long the faults last (default 60), `TILL_CRASH_ROUNDS` how many times the client is killed
//! (default 50).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::{Duration, Instant};

use common::proxy::{FaultProxy, Rng, seed_from_env};
use common::*;

/// The two tests each load both cores; they take turns.
static SERIAL: Mutex<()> = Mutex::new(());

fn env_u64(var: &str, default: u64) -> u64 {
    std::env::var(var).ok().and_then(|v| v.trim().parse().ok()).unwrap_or(default)
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

/// Sleeps until `at` (a point of the seeded schedule, not a wait for something to happen).
fn sleep_until(at: Instant) {
    if let Some(d) = at.checked_duration_since(Instant::now()) {
        std::thread::sleep(d);
    }
}

/// What the CLI reported committed, across every register.
#[derive(Default)]
struct Ledger {
    orders: Mutex<BTreeSet<String>>,
    tea_sold: AtomicI64,
    tea_received: AtomicI64,
}

impl Ledger {
    fn orders(&self) -> BTreeSet<String> {
        self.orders.lock().map(|o| o.clone()).unwrap_or_default()
    }
}

/// Rings one order through the CLI; records its id (lower-case `<origin hex>:<seq>`).
fn ring_one(node: &Node, sku: &str, qty: u64, ledger: &Ledger, seed: u64) {
    let out = node.till(&["order", "create", &format!("{sku}:{qty}"), "--pay", "card", "--json"]);
    assert!(
        out.status.success(),
        "seed {seed}: {}: order create failed: {}",
        node.name,
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("seed {seed}: {}: order create --json: {e}", node.name));
    let id = v["id"].as_str().unwrap_or_else(|| panic!("seed {seed}: no id in {v}")).to_ascii_lowercase();
    if sku == "TEA" {
        ledger.tea_sold.fetch_add(qty as i64, Ordering::SeqCst);
    }
    let fresh = ledger.orders.lock().map(|mut o| o.insert(id.clone())).unwrap_or(false);
    assert!(fresh, "seed {seed}: the CLI reported order id {id} twice");
}

/// Runs a CLI command that must succeed; a failure names the seed.
fn must(node: &Node, args: &[&str], seed: u64) {
    let out = node.till(args);
    assert!(
        out.status.success(),
        "seed {seed}: {}: till {args:?} failed: {}",
        node.name,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// One register's ringing until `end` (or `max_ops`): orders, deliveries of TEA, counts of COF.
fn ring_for(node: &Node, seed: u64, rng: &mut Rng, end: Instant, max_ops: u64, ledger: &Ledger, stop: &AtomicBool) {
    for _ in 0..max_ops {
        if Instant::now() >= end || stop.load(Ordering::SeqCst) {
            return;
        }
        let roll = rng.range(0, 100);
        let step = if roll < 75 {
            let sku = if rng.chance(60) { "TEA" } else { "COF" };
            ring_one(node, sku, rng.range(1, 4), ledger, seed);
            continue_pause(rng)
        } else if roll < 90 {
            let n = rng.range(1, 25);
            must(node, &["stock", "receive", "TEA", &n.to_string()], seed);
            ledger.tea_received.fetch_add(n as i64, Ordering::SeqCst);
            continue_pause(rng)
        } else {
            must(node, &["stock", "count", "COF", &rng.range(100, 1000).to_string()], seed);
            continue_pause(rng)
        };
        std::thread::sleep(step);
    }
}

/// The pace of a cashier: 20–250 ms between actions (load shaping, not a wait).
fn continue_pause(rng: &mut Rng) -> Duration {
    Duration::from_millis(rng.range(20, 250))
}

/// Waits until every node holds exactly the committed orders and all dumps are equal; then checks
/// the stock and that nothing is held twice.
fn assert_converged(seed: u64, nodes: &[&Node], ledger: &Ledger, limit: Duration) {
    let want = ledger.orders();
    let ids = |n: &Node| -> BTreeSet<String> { n.order_ids().into_iter().map(|i| i.to_ascii_lowercase()).collect() };
    let report = || {
        let mut r = format!("seed {seed} (replay: TILL_SOAK_SEED={seed}); {} orders committed\n", want.len());
        for n in nodes {
            let have = ids(n);
            let missing: Vec<_> = want.difference(&have).take(5).collect();
            let extra: Vec<_> = have.difference(&want).take(5).collect();
            r.push_str(&format!(
                "{}: {} orders, missing {} {missing:?}, extra {} {extra:?}, pending {}\n",
                n.name,
                have.len(),
                want.difference(&have).count(),
                have.difference(&want).count(),
                n.query("SELECT count(*) FROM events WHERE pending = 1"),
            ));
        }
        for n in nodes {
            let log = n.log_text();
            let tail: Vec<&str> = log.lines().rev().take(15).collect::<Vec<_>>().into_iter().rev().collect();
            r.push_str(&tail.join("\n"));
            r.push('\n');
        }
        r
    };
    wait_until(
        "every register to hold every committed order and the same state",
        limit,
        || {
            nodes.iter().all(|n| ids(n) == want) && {
                let d = nodes[0].dump();
                nodes.iter().skip(1).all(|n| n.dump() == d)
            }
        },
        report,
    );
    // Every outbox drains: nothing is left to resend forever.
    for n in nodes {
        wait_until(
            &format!("{}'s outbox to empty", n.name),
            *DEADLINE,
            || n.query("SELECT count(*) FROM events WHERE pending = 1") == 0,
            report,
        );
    }
    let tea = 100_000 + ledger.tea_received.load(Ordering::SeqCst) - ledger.tea_sold.load(Ordering::SeqCst);
    for n in nodes {
        let (rows, distinct_numbers) =
            (n.query("SELECT count(*) FROM orders"), n.query("SELECT count(DISTINCT number) FROM orders"));
        assert_eq!(rows as usize, want.len(), "seed {seed}: {} holds an order twice", n.name);
        assert_eq!(distinct_numbers, rows, "seed {seed}: {} has two orders with one number", n.name);
        assert_eq!(
            n.query("SELECT count(*) FROM events"),
            n.query("SELECT count(*) FROM (SELECT DISTINCT origin, seq FROM events)"),
            "seed {seed}: {} stored an event twice",
            n.name
        );
        assert_eq!(n.stock("TEA"), tea, "seed {seed}: {} TEA on hand", n.name);
        assert_eq!(n.stock("COF"), nodes[0].stock("COF"), "seed {seed}: {} COF on hand", n.name);
    }
}

/// Every register's journal verifies (chains and derived tables: `till journal verify`), and all
/// hold the same chains with the same heads. Says how long it took.
fn assert_journals_verify(seed: u64, nodes: &[&Node]) {
    let t = Instant::now();
    let mut chains = Vec::new();
    for n in nodes {
        let out = n.till(&["journal", "verify", "--json"]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!("seed {seed}: {}: journal verify --json: {e}: {}", n.name, String::from_utf8_lossy(&out.stderr))
        });
        assert!(
            out.status.success() && v["ok"] == true,
            "seed {seed}: {}: the journal does not verify: {:#}",
            n.name,
            v["problems"]
        );
        chains.push((n.name.as_str(), v["events"].clone(), v["registers"].clone()));
    }
    for (name, events, c) in &chains[1..] {
        assert_eq!(
            (events, c),
            (&chains[0].1, &chains[0].2),
            "seed {seed}: {name} and {} hold other chains",
            chains[0].0
        );
    }
    eprintln!(
        "seed {seed}: journal verify on {} registers ({} events each): {:?}",
        nodes.len(),
        chains[0].1,
        t.elapsed()
    );
}

fn set_up_catalogue(s: &Node) {
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50", "--stock", "100000"]);
    s.ok(&["product", "add", "COF", "--name", "Coffee", "--price", "3.10", "--stock", "100000"]);
}

#[test]
fn soak_four_clients_through_a_faulty_network_and_a_server_killed_at_random() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let seed = seed_from_env("TILL_SOAK_SEED");
    let secs = env_u64("TILL_SOAK_SECS", 60);
    eprintln!("soak seed {seed}, {secs} s of faults (replay: TILL_SOAK_SEED={seed} TILL_SOAK_SECS={secs})");
    let mut rng = Rng::new(seed);
    let root = tempdir();
    let (mut s, addr) = server(root.path(), "S");
    set_up_catalogue(&s);
    let proxy = FaultProxy::start(&addr, rng.next_u64());
    let clients: Vec<Node> = ["A", "B", "C", "D"].iter().map(|n| client(root.path(), n, &proxy.addr)).collect();
    wait_products(&clients.iter().collect::<Vec<_>>(), 2);

    // The server's own cashier works on its data directory whether or not `till run` is up.
    let s_cli = Node::new(root.path(), "S");
    let ledger = Ledger::default();
    let stop = AtomicBool::new(false);
    let end = Instant::now() + Duration::from_secs(secs);
    let mut kills = 0;
    proxy.set_honest(false);
    std::thread::scope(|scope| {
        let mut ringers = Vec::new();
        for node in clients.iter().chain(std::iter::once(&s_cli)) {
            let mut r = Rng::new(rng.next_u64());
            let (ledger, stop) = (&ledger, &stop);
            ringers.push(scope.spawn(move || {
                // A failed command ends the run for every ringer, so the test fails promptly.
                let guard = StopOnPanic(stop);
                ring_for(node, seed, &mut r, end, 100_000, ledger, stop);
                std::mem::forget(guard);
            }));
        }
        // The server dies at seeded moments: every 2–10 s, down for 0–3 s.
        while Instant::now() < end && !stop.load(Ordering::SeqCst) {
            sleep_until((Instant::now() + Duration::from_millis(rng.range(2_000, 10_000))).min(end));
            if Instant::now() >= end || stop.load(Ordering::SeqCst) {
                break;
            }
            s.kill9();
            kills += 1;
            sleep_until(Instant::now() + Duration::from_millis(rng.range(0, 3_000)));
            s.start();
        }
        for r in ringers {
            if r.join().is_err() {
                panic!("seed {seed}: a register's cashier failed (above)");
            }
        }
    });
    proxy.set_honest(true);
    let counts = proxy.counts();
    eprintln!(
        "soak seed {seed}: {} orders committed, server killed {kills} times, connections by fault {counts:?}",
        ledger.orders().len()
    );
    let nodes: Vec<&Node> = std::iter::once(&s).chain(clients.iter()).collect();
    assert_converged(seed, &nodes, &ledger, Duration::from_secs(180));
    assert_journals_verify(seed, &nodes);
    assert!(kills >= 1 || secs < 10, "seed {seed}: the server was never killed");
    let faults: u64 = counts.iter().filter(|(k, _)| **k != "honest").map(|(_, v)| v).sum();
    assert!(faults > 0, "seed {seed}: the proxy never misbehaved: {counts:?}");
}

/// Sets the stop flag when a ringer panics, so the others and the killer stop early.
struct StopOnPanic<'a>(&'a AtomicBool);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Where in its life the client was when it was killed, told from its log and its database.
fn kill_point(c: &Node, s: &Node, mark: usize, spawned_ms: i64) -> &'static str {
    let log = c.log_after(mark);
    if !log.iter().any(|l| common::says(l, "ready")) {
        return "starting (before ready)";
    }
    if !log.iter().any(|l| l.contains("syncing with")) {
        if log.iter().any(|l| l.contains("failed")) {
            return "session failed, backing off";
        }
        // The server records each hello in its peer table.
        let hello =
            s.query(&format!("SELECT count(*) FROM peers WHERE name = 'C' AND last_contact_ms >= {spawned_ms}"));
        return if hello > 0 {
            "after hello (clock, cursor, anti-entropy)"
        } else {
            "before hello (discover, key derivation)"
        };
    }
    let pending: Vec<(String, i64)> = {
        let db = c.db();
        let mut st = db
            .prepare("SELECT hex(origin), seq FROM events WHERE pending = 1")
            .unwrap_or_else(|e| panic!("{}: {e}", c.name));
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap_or_else(|e| panic!("{e}"))
            .map(|r| r.unwrap_or_default())
            .collect()
    };
    if pending.is_empty() {
        return "synced, outbox empty (pulling)";
    }
    let on_server = pending
        .iter()
        .filter(|(o, q)| {
            s.db()
                .query_row("SELECT count(*) FROM events WHERE hex(origin) = ?1 AND seq = ?2", (o, q), |r| {
                    r.get::<_, i64>(0)
                })
                .unwrap_or(0)
                > 0
        })
        .count();
    if on_server == 0 { "synced, outbox not yet pushed" } else { "pushed, not yet marked (resent as duplicates)" }
}

#[test]
fn a_client_killed_at_many_points_of_its_sync_cycle_loses_and_duplicates_nothing() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let seed = seed_from_env("TILL_SOAK_SEED");
    let rounds = env_u64("TILL_CRASH_ROUNDS", 50);
    eprintln!("crash seed {seed}, {rounds} rounds (replay: TILL_SOAK_SEED={seed} TILL_CRASH_ROUNDS={rounds})");
    let mut rng = Rng::new(seed ^ 0xC0FFEE);
    let root = tempdir();
    let (s, addr) = server(root.path(), "S");
    set_up_catalogue(&s);
    let mut c = client(root.path(), "C", &addr);
    let d = client(root.path(), "D", &addr);
    wait_products(&[&c, &d], 2);
    c.kill9();

    let ledger = Ledger::default();
    let mut points: BTreeMap<&'static str, u32> = BTreeMap::new();
    let mut delays: BTreeMap<u64, u32> = BTreeMap::new();
    let started = Instant::now();
    for round in 0..rounds {
        assert!(started.elapsed() < *DEADLINE * 10, "seed {seed}: round {round} after {:?}", started.elapsed());
        // Orders queue on C while it is down; others ring too, so C has something to pull.
        for _ in 0..rng.range(0, 3) {
            ring_one(&c, "TEA", 1, &ledger, seed);
        }
        if rng.chance(50) {
            ring_one(&d, "COF", 1, &ledger, seed);
        }
        if rng.chance(25) {
            ring_one(&s, "TEA", 2, &ledger, seed);
        }
        // Half the kills in the first 200 ms (start-up, discover, key, hello), half anywhere in 1.5 s.
        let delay = if rng.chance(50) { rng.range(0, 200) } else { rng.range(0, 1_500) };
        let ring_at = rng.range(0, delay + 1);
        let spawned_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or_default();
        let mark = c.spawn();
        let t0 = Instant::now();
        sleep_until(t0 + Duration::from_millis(ring_at));
        ring_one(&c, "COF", 2, &ledger, seed);
        sleep_until(t0 + Duration::from_millis(delay));
        c.kill9();
        *points.entry(kill_point(&c, &s, mark, spawned_ms)).or_default() += 1;
        *delays.entry(delay / 100 * 100).or_default() += 1;
    }
    eprintln!("crash seed {seed}: {} orders, kill points {points:?}, delays (ms bucket: rounds) {delays:?}", {
        ledger.orders().len()
    });
    c.start();
    assert_converged(seed, &[&s, &c, &d], &ledger, Duration::from_secs(120));
    assert_journals_verify(seed, &[&s, &c, &d]);
    assert!(points.len() >= 3 || rounds < 20, "seed {seed}: kills landed in too few places: {points:?}");
}
