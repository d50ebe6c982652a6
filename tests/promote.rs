//! Promotion and terms (issue 17; docs/ARCHITECTURE.md, "Promotion and terms"), with real
//! `till run` processes on loopback: the server dies, a client is promoted, the other client
//! follows it, and the old server comes back holding sales of its own, learns of the higher
//! term by itself, steps down and becomes the new server's client. Nothing is lost or doubled.

mod common;

use std::time::Instant;

use common::*;

/// Loopback hosts 127.0.0.1..14: where a scan (`server=scan`, a server's term probe) looks.
const SUBNET: &str = "127.0.0.0/28";

fn node(root: &std::path::Path, name: &str) -> Node {
    Node::new(root, name).env("TILL_SCAN_SUBNETS", SUBNET).env("TILL_TERM_PROBE_MS", "500")
}

fn ring(node: &Node, n: usize) {
    for _ in 0..n {
        node.ok(&["order", "create", "TEA"]);
    }
}

fn json(node: &Node, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&node.ok(args)).expect("test: JSON")
}

/// S, serving the store on 127.0.0.1:`port` with one product (TEA), and its address.
fn server_s(root: &std::path::Path, port: u16) -> (Node, String) {
    let mut s = node(root, "S");
    start_server_at(&mut s, "127.0.0.1", port, SECRET);
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50", "--stock", "500"]);
    (s, format!("127.0.0.1:{port}"))
}

/// A client of `server` that would serve on `bind`:`port` (the store's port), started and synced.
fn client_at(root: &std::path::Path, name: &str, bind: &str, port: u16, server: &str, probe_ms: &str) -> Node {
    let mut c = node(root, name).env("TILL_TERM_PROBE_MS", probe_ms);
    c.ok(&[
        "setup",
        "set",
        "mode=client",
        &format!("name={name}"),
        &format!("bind={bind}"),
        &format!("port={port}"),
        &format!("server={server}"),
        &format!("secret={SECRET}"),
    ]);
    c.start();
    c.wait_log_after(0, "syncing with S");
    c
}

#[test]
fn a_promoted_client_serves_the_other_follows_and_the_old_server_steps_down_by_itself() {
    let root = tempfile::tempdir().expect("test: tempdir");
    let port = free_port();
    // S serves on 127.0.0.1; A and B are its clients and would serve on .2 and .3.
    let (mut s, s_addr) = server_s(root.path(), port);
    let mut clients: Vec<Node> = [("A", "127.0.0.2"), ("B", "127.0.0.3")]
        .iter()
        .map(|(name, bind)| client_at(root.path(), name, bind, port, &s_addr, "500"))
        .collect();
    let (a, b) = (&clients[0], &clients[1]);
    wait_products(&[a, b], 1);
    for n in [&s, a, b] {
        ring(n, 2);
    }
    wait_orders(&[&s, a, b], 6);

    // S dies for good, as far as anyone knows; then 10 sales are rung on it while it is down.
    s.kill9();
    ring(&s, 10);
    assert_eq!(s.orders(), 16);

    // A is promoted: its last pull cannot reach S, and it serves term 1 on its own address.
    let promoted = Instant::now();
    let mark = a.log_len();
    let out = a.ok(&["setup", "promote", "--wait", "2"]);
    assert!(out.contains(&format!("last pull from {s_addr}: the server is unreachable")), "{out}");
    assert!(out.contains("serves the store at term 1"), "{out}");
    a.wait_log_after(mark, &format!("listening on 127.0.0.2:{port}"));
    assert_eq!(json(a, &["status", "--json"])["term"]["term"], 1);
    // A second promotion is refused: A is a server now.
    let again = a.till(&["setup", "promote"]);
    assert_eq!(again.status.code(), Some(3), "{}", String::from_utf8_lossy(&again.stderr));

    // B finds the store's server by scanning, and A is the one there.
    let mark = b.log_len();
    let picked = b.ok(&["setup", "set", "server=scan"]);
    assert!(picked.contains(&format!("server 127.0.0.2:{port}")), "{picked}");
    b.wait_log_after(mark, "syncing with A");
    let first_sync = promoted.elapsed();
    println!("promotion to B's first sync with A: {} ms", first_sync.as_millis());

    // Orders flow A <-> B.
    ring(a, 3);
    ring(b, 3);
    wait_orders(&[a, b], 12);
    assert_eq!(json(b, &["status", "--json"])["term"]["register"], "A");

    // S comes back with its 10 sales: it finds A serving a higher term, steps down by itself,
    // becomes A's client and sends what it holds.
    let mark = s.log_len();
    s.spawn();
    s.wait_said_after(mark, "stepping down: register A serves the store at term 1");
    s.wait_log_after(mark, "syncing with A");
    wait_orders(&[&s, a, b], 22);
    let ids = a.order_ids();
    assert_eq!(ids.len(), 22, "every order once");
    assert_eq!(s.order_ids(), ids);
    assert_eq!(b.order_ids(), ids);
    let st = json(&s, &["status", "--json"]);
    assert_eq!((st["mode"].as_str(), st["term"]["term"].as_u64()), (Some("client"), Some(1)));
    assert!(st["stepped_down"].as_str().is_some_and(|w| w.starts_with("register A serves")), "{st}");
    let peers = a.ok(&["peers"]);
    assert!(peers.starts_with("term       1, served by A"), "{peers}");
    let (code, metrics) = http(&format!("127.0.0.2:{port}"), "GET", "/metrics", &[], b"");
    assert_eq!(code, 200);
    assert!(String::from_utf8_lossy(&metrics).contains("till_server_term 1\n"), "/metrics states the term");

    // All three hold the same store. Stop them first so the dumps read settled databases.
    let events = |n: &Node| n.query("SELECT count(*) FROM events");
    wait_until(
        "every event on every register",
        *DEADLINE,
        || events(&s) == events(a) && events(b) == events(a),
        || format!("{} {} {}", events(&s), events(a), events(b)),
    );
    s.stop();
    for c in clients.iter_mut() {
        c.stop();
    }
    let dump = clients[0].dump();
    assert_eq!(s.dump(), dump, "S converged");
    assert_eq!(clients[1].dump(), dump, "B converged");
}

/// Split brain healed by a client: A is promoted while S still serves (its probe ran at start,
/// before). B, which learned the higher term from A, is pointed back at S: it refuses to sync
/// with a server of a lower term and tells S of the election; S steps down by itself, finds A by
/// scanning (it knows no address A serves on) and sends it the sale it took meanwhile.
#[test]
fn a_client_that_knows_the_higher_term_refuses_the_old_server_and_makes_it_step_down() {
    let root = tempfile::tempdir().expect("test: tempdir");
    let port = free_port();
    let quiet = |n: Node| n.env("TILL_TERM_PROBE_MS", "600000");
    let mut s = quiet(node(root.path(), "S"));
    start_server_at(&mut s, "127.0.0.1", port, SECRET);
    let s_addr = format!("127.0.0.1:{port}");
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50", "--stock", "500"]);
    let mut nodes: Vec<Node> = [("A", "127.0.0.2"), ("B", "127.0.0.3")]
        .iter()
        .map(|(name, bind)| client_at(root.path(), name, bind, port, &s_addr, "600000"))
        .collect();
    let (a, b) = (&nodes[0], &nodes[1]);
    wait_products(&[a, b], 1);

    // A is promoted while S still serves: two servers, a sale on each side. A's `till run` is
    // stopped meanwhile: running, its poller would push the election to S the moment it is
    // committed, and S would step down at once (also right, but not the path under test).
    nodes[0].stop();
    nodes[0].ok(&["setup", "promote", "--wait", "2"]);
    let mark = nodes[0].log_len();
    nodes[0].start();
    let (a, b) = (&nodes[0], &nodes[1]);
    a.wait_log_after(mark, &format!("listening on 127.0.0.2:{port}"));
    ring(&s, 1);
    ring(a, 1);

    // B syncs with A and learns term 1, then is pointed back at S: it refuses S.
    let mark = b.log_len();
    b.ok(&["setup", "set", &format!("server=127.0.0.2:{port}")]);
    b.wait_log_after(mark, "syncing with A");
    wait_until(
        "B to hold the election",
        *DEADLINE,
        || json(b, &["status", "--json"])["term"]["term"] == 1,
        || b.log_text(),
    );
    let mark = b.log_len();
    let mark_s = s.log_len();
    b.ok(&["setup", "set", &format!("server={s_addr}")]);
    b.wait_log_after(mark, &format!("not syncing with S at {s_addr}: it serves term 0, below term 1 (register A)"));

    // Told of the election, S steps down, finds A by scanning, and its sale reaches A.
    s.wait_said_after(mark_s, "stepping down: register A serves the store at term 1");
    s.wait_log_after(mark_s, &format!("scan found server A at 127.0.0.2:{port}"));
    s.wait_log_after(mark_s, "syncing with A");
    wait_orders(&[&s, a], 2);
    let synced_with_s = |l: &String| log_message(l).is_some_and(|m| m.starts_with("syncing with S "));
    assert!(!b.log_after(mark).iter().any(synced_with_s), "B never synced with S");

    // B set to scan finds A, the one server left, and all three hold both sales.
    b.ok(&["setup", "set", "server=scan"]);
    wait_orders(&[&s, a, b], 2);
    assert_eq!(s.order_ids(), a.order_ids());
    assert_eq!(b.order_ids(), a.order_ids());
}

#[test]
fn the_standby_takes_over_when_the_server_dies_and_a_scanning_client_follows() {
    let root = tempfile::tempdir().expect("test: tempdir");
    let port = free_port();
    let mut s = node(root.path(), "S");
    start_server_at(&mut s, "127.0.0.1", port, SECRET);
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50", "--stock", "500"]);
    // B: the standby, a client of S's address that would serve on .3 after 2 s without S.
    let mut b = client_at(root.path(), "B", "127.0.0.3", port, &format!("127.0.0.1:{port}"), "600000");
    b.ok(&["setup", "set", "standby=yes", "standby_after=2s"]);
    b.wait_log_after(0, "syncing with S");
    // A: `server = "scan"` stored as is (what the flash config provisions), so it scans again
    // whenever its server stops answering.
    let mut a = node(root.path(), "A").env("TILL_TERM_PROBE_MS", "600000");
    set_up_scanning_client(&a, "127.0.0.2", port);
    a.start();
    a.wait_log_after(0, "syncing with S");
    wait_products(&[&a, &b], 1);

    let (mark_a, mark_b) = (a.log_len(), b.log_len());
    s.kill9();
    let died = Instant::now();
    b.wait_log_after(mark_b, "standby: no server for");
    b.wait_log_after(mark_b, "listening on");
    let took_over = died.elapsed();
    a.wait_log_after(mark_a, "syncing with B");
    let followed = died.elapsed();
    println!(
        "figure: standby takeover (standby_after 2 s): serving {} ms after the server died; the scanning client synced with it after {} ms",
        took_over.as_millis(),
        followed.as_millis()
    );
    assert!(took_over >= std::time::Duration::from_secs(2), "not before standby_after: {took_over:?}");
    assert_eq!(json(&b, &["status", "--json"])["term"]["term"], 1, "B serves term 1");
    // Sales flow both ways through the new server.
    ring(&a, 2);
    ring(&b, 1);
    wait_orders(&[&a, &b], 3);
    assert_eq!(a.order_ids(), b.order_ids());
    a.stop();
    b.stop();
}

/// A client with a fixed address whose server died for good finds the promoted one by itself:
/// while its server does not answer it looks, every `TILL_TERM_PROBE_MS` (at most 30 s), for a
/// server of its store stating a higher term, and takes that server's address as its own.
#[test]
fn a_client_with_a_fixed_address_follows_the_promoted_server_by_itself() {
    let root = tempfile::tempdir().expect("test: tempdir");
    let port = free_port();
    let (mut s, s_addr) = server_s(root.path(), port);
    let mut a = client_at(root.path(), "A", "127.0.0.2", port, &s_addr, "500");
    let mut b = client_at(root.path(), "B", "127.0.0.3", port, &s_addr, "500");
    wait_products(&[&a, &b], 1);
    ring(&b, 1);
    wait_orders(&[&s, &a, &b], 1);

    // The mark before the kill: B may say its sync failed before kill9 returns, and says it once
    // (the same failure again is not logged until a sync succeeds).
    let mark = b.log_len();
    s.kill9();
    // While nothing serves a higher term, B keeps its server's address.
    b.wait_log_after(mark, "sync with 127.0.0.1");
    let promoted = Instant::now();
    a.ok(&["setup", "promote", "--wait", "1"]);
    b.wait_log_after(
        mark,
        &format!("following register A at 127.0.0.2:{port}, serving term 1: the server at {s_addr}"),
    );
    b.wait_log_after(mark, "syncing with A");
    println!(
        "figure: promotion to the fixed-address client's first sync with A: {} ms",
        promoted.elapsed().as_millis()
    );
    let db = rusqlite::Connection::open(b.dir.join("till.db")).expect("test: open");
    let server: String =
        db.query_row("SELECT value FROM device_kv WHERE key = 'server'", [], |r| r.get(0)).expect("test: server");
    assert_eq!(server, format!("127.0.0.2:{port}"), "B keeps the new server's address");
    ring(&b, 2);
    ring(&a, 1);
    wait_orders(&[&a, &b], 4);
    assert_eq!(a.order_ids(), b.order_ids());
    a.stop();
    b.stop();
}
