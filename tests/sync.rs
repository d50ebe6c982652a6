//! Sync between registers as separate `till run` processes on loopback: convergence under
//! concurrent sales, partitions, offline queues, `kill -9`, a server that lost its database,
//! a cursor older than the server's ring, mode switches, and what an attacker on the LAN gets.

mod common;

use std::collections::BTreeSet;

use common::*;

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

/// Rings `n` orders of `item` on a node through the CLI, as a person at that register would.
fn ring(node: &Node, n: usize, item: &str) {
    for _ in 0..n {
        node.ok(&["order", "create", item]);
    }
}

#[test]
fn a_server_and_three_clients_ringing_a_thousand_orders_converge() {
    let root = tempdir();
    let (mut s, addr) = server(root.path(), "S");
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50", "--stock", "5000"]);
    s.ok(&["product", "add", "COF", "--name", "Coffee", "--price", "9.90", "--stock", "5000"]);
    let clients: Vec<Node> = ["A", "B", "C"].iter().map(|n| client(root.path(), n, &addr)).collect();
    wait_products(&clients.iter().collect::<Vec<_>>(), 2);
    // 1,000 orders: 333 on each client and 1 on the server, all at once.
    std::thread::scope(|scope| {
        for (i, c) in clients.iter().enumerate() {
            scope.spawn(move || ring(c, 333, if i % 2 == 0 { "TEA:2" } else { "COF" }));
        }
        ring(&s, 1, "TEA");
    });
    let all: Vec<&Node> = std::iter::once(&s).chain(clients.iter()).collect();
    wait_orders(&all, 1000);
    let ids = s.order_ids();
    assert_eq!(ids.len(), 1000);
    for c in &clients {
        assert_eq!(c.order_ids(), ids, "{} holds other orders than the server", c.name);
    }
    // A and C sold 333 × 2 TEA each, the server 1; B sold 333 COF.
    for n in &all {
        assert_eq!(n.stock("TEA"), 5000 - 333 * 2 * 2 - 1, "{}", n.name);
        assert_eq!(n.stock("COF"), 5000 - 333, "{}", n.name);
    }
    let dump = s.dump();
    for c in &clients {
        wait_until(&format!("{} to have every event", c.name), *DEADLINE, || c.dump() == dump, || c.log_text());
    }
    s.stop();
}

#[test]
fn two_clients_selling_the_last_item_while_the_server_is_down_both_keep_their_sale() {
    let root = tempdir();
    let (mut s, addr) = server(root.path(), "S");
    s.ok(&["product", "add", "LAST", "--name", "Last one", "--price", "99", "--stock", "1"]);
    let a = client(root.path(), "A", &addr);
    let b = client(root.path(), "B", &addr);
    for c in [&a, &b] {
        wait_until(
            "stock to reach the clients",
            *DEADLINE,
            || c.query("SELECT count(*) FROM stock") == 1,
            || c.log_text(),
        );
    }
    s.kill9();
    a.ok(&["order", "create", "LAST"]);
    b.ok(&["order", "create", "LAST"]);
    assert_eq!(a.stock("LAST"), 0);
    assert_eq!(b.stock("LAST"), 0);
    s.start();
    wait_orders(&[&s, &a, &b], 2);
    for n in [&s, &a, &b] {
        assert_eq!(n.stock("LAST"), -1, "{}: both sales count, stock goes negative and is flagged", n.name);
        assert!(String::from_utf8_lossy(&n.till(&["stock"]).stdout).contains("NEGATIVE"));
    }
}

#[test]
fn a_client_offline_for_two_hundred_orders_delivers_each_once() {
    let root = tempdir();
    let (mut s, addr) = server(root.path(), "S");
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50"]);
    let a = client(root.path(), "A", &addr);
    wait_products(&[&a], 1);
    s.kill9();
    ring(&a, 200, "TEA");
    let st: serde_json::Value = serde_json::from_str(&a.ok(&["status", "--json"])).unwrap_or_default();
    assert_eq!(st["pending_events"], 201, "queued while offline (and the register's name, announced with its first)");
    s.start();
    wait_orders(&[&s, &a], 200);
    assert_eq!(s.order_ids(), a.order_ids());
    wait_until(
        "the outbox to empty",
        *DEADLINE,
        || a.query("SELECT count(*) FROM events WHERE pending = 1") == 0,
        || a.log_text(),
    );
    assert_eq!(s.query("SELECT count(*) FROM events WHERE kind = 'order_placed'"), 200, "each event stored once");
}

#[test]
fn a_server_killed_during_pushes_loses_and_duplicates_nothing() {
    let root = tempdir();
    let (mut s, addr) = server(root.path(), "S");
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50"]);
    let a = client(root.path(), "A", &addr);
    let b = client(root.path(), "B", &addr);
    wait_products(&[&a, &b], 1);
    let rung = std::sync::atomic::AtomicUsize::new(0);
    let ring_counted = |n: &Node| {
        for _ in 0..150 {
            n.ok(&["order", "create", "TEA"]);
            rung.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    };
    let mut kills = 0;
    std::thread::scope(|scope| {
        scope.spawn(|| ring_counted(&a));
        scope.spawn(|| ring_counted(&b));
        // Kill the server whenever another 60 orders have been rung (pushes are in flight then),
        // until ringing is done.
        let mut next = 60;
        let start = std::time::Instant::now();
        while rung.load(std::sync::atomic::Ordering::SeqCst) < 300 {
            // A ringing thread that fails stops the count: do not wait for it forever.
            assert!(
                start.elapsed() < *DEADLINE * 2,
                "ringing stalled at {} orders",
                rung.load(std::sync::atomic::Ordering::SeqCst)
            );
            if rung.load(std::sync::atomic::Ordering::SeqCst) >= next {
                s.kill9();
                s.start();
                kills += 1;
                next += 60;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    });
    assert!(kills >= 3, "the server was killed {kills} times while orders were pushed");
    wait_orders(&[&s, &a, &b], 300);
    assert_eq!(s.order_ids(), a.order_ids());
    assert_eq!(s.order_ids(), b.order_ids());
    assert_eq!(
        s.query("SELECT count(*) FROM (SELECT DISTINCT origin, seq FROM events)"),
        s.query("SELECT count(*) FROM events")
    );
    assert_eq!(s.stock("TEA"), -300);
}

#[test]
fn a_server_whose_database_was_deleted_gets_every_order_back_from_its_clients() {
    let root = tempdir();
    let (mut s, addr) = server(root.path(), "S");
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50", "--stock", "500"]);
    let a = client(root.path(), "A", &addr);
    let b = client(root.path(), "B", &addr);
    wait_products(&[&a, &b], 1);
    ring(&a, 30, "TEA");
    ring(&b, 30, "TEA:2");
    ring(&s, 10, "TEA");
    wait_orders(&[&s, &a, &b], 70);
    let before = s.order_ids();
    let store_id: serde_json::Value = serde_json::from_str(&s.ok(&["status", "--json"])).unwrap_or_default();

    // The server's SD card dies: a new one, set up the same way, with an empty database.
    s.kill9();
    let port = addr.rsplit(':').next().unwrap_or_default().to_string();
    std::fs::remove_dir_all(&s.dir).unwrap_or_else(|e| panic!("{e}"));
    set_up_server(&s, port.parse().unwrap_or_else(|e| panic!("{e}")));
    s.start();
    wait_orders(&[&s], 70);
    assert_eq!(s.order_ids(), before, "every order is back, including the server's own");
    assert_eq!(s.stock("TEA"), 500 - 30 - 60 - 10);
    let after: serde_json::Value = serde_json::from_str(&s.ok(&["status", "--json"])).unwrap_or_default();
    assert_eq!(after["store_id"], store_id["store_id"], "the new server adopted the store, it did not invent one");
    // And the clients carry on through it.
    a.ok(&["order", "create", "TEA"]);
    wait_orders(&[&s, &a, &b], 71);
}

#[test]
fn a_client_restored_from_an_old_backup_loses_no_sale() {
    let root = tempdir();
    let (s, addr) = server(root.path(), "S");
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50"]);
    let mut c = client(root.path(), "C", &addr);
    wait_products(&[&c], 1);
    ring(&c, 3, "TEA");
    wait_orders(&[&s], 3);
    c.stop();
    let backup = root.path().join("backup");
    copy_dir(&c.dir, &backup);
    c.start();
    ring(&c, 3, "TEA");
    wait_orders(&[&s], 6);
    c.stop();
    // The card is replaced by the backup; two sales are rung before the register syncs again.
    std::fs::remove_dir_all(&c.dir).unwrap_or_else(|e| panic!("{e}"));
    copy_dir(&backup, &c.dir);
    ring(&c, 2, "TEA");
    let mark = c.log_len();
    c.start();
    c.wait_log_after(mark, "re-issued 2 events under new id");
    wait_orders(&[&s, &c], 8);
    assert_eq!(s.order_ids(), c.order_ids());
    assert_eq!(s.stock("TEA"), -8);
}

#[test]
fn a_server_restored_from_an_old_backup_that_sells_first_loses_nothing() {
    let root = tempdir();
    let (mut s, addr) = server(root.path(), "S");
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50"]);
    let c = client(root.path(), "C", &addr);
    wait_products(&[&c], 1);
    ring(&s, 2, "TEA");
    wait_orders(&[&c], 2);
    s.stop();
    let backup = root.path().join("backup");
    copy_dir(&s.dir, &backup);
    s.start();
    ring(&s, 3, "TEA");
    ring(&c, 1, "TEA");
    wait_orders(&[&c, &s], 6);
    s.stop();
    // The server's card is replaced by the backup, and it sells before anyone reconnects: its
    // new sales reuse the ids of the three it made after the backup, which C still holds.
    std::fs::remove_dir_all(&s.dir).unwrap_or_else(|e| panic!("{e}"));
    copy_dir(&backup, &s.dir);
    ring(&s, 2, "TEA");
    let mark = s.log_len();
    s.start();
    s.wait_said_after(mark, "ready");
    wait_until(
        "S to re-key",
        *DEADLINE,
        || s.log_text().contains("re-issued"),
        || format!("{}\n{}", s.log_text(), c.log_text()),
    );
    wait_orders(&[&s, &c], 8);
    assert_eq!(s.order_ids(), c.order_ids());
    assert_eq!(s.stock("TEA"), -8);
}

/// Copies a data directory with its folders (a server's `updates/`).
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{e}"));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{e}")).flatten() {
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

#[test]
fn a_client_whose_cursor_fell_out_of_the_ring_catches_up_from_the_log() {
    let root = tempdir();
    let mut s = Node::new(root.path(), "S").env("TILL_RING_EVENTS", "16");
    set_up_server(&s, free_port());
    let addr = start_server(&mut s);
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50"]);
    let mut a = client(root.path(), "A", &addr);
    wait_products(&[&a], 1);
    a.stop();
    ring(&s, 120, "TEA");
    a.start();
    wait_orders(&[&a], 120);
    assert_eq!(a.order_ids(), s.order_ids());
}

#[test]
fn mode_switches_keep_the_data_and_leave_no_socket_open() {
    let root = tempdir();
    let (mut other, other_addr) = server(root.path(), "S");
    let mut r = Node::new(root.path(), "R");
    r.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50", "--stock", "10"]);
    r.ok(&["order", "create", "TEA"]);
    r.start();
    assert_eq!(r.network_sockets(), 0, "standalone: no socket");

    let port = free_port().to_string();
    r.ok_then_log(
        &["setup", "set", "mode=server", "bind=127.0.0.1", &format!("port={port}"), &format!("secret={SECRET}")],
        "listening on",
    );
    assert_eq!(r.network_sockets(), 1, "server: the listening socket");
    let (status, _) = http(&format!("127.0.0.1:{port}"), "GET", "/api/discover", &[], b"");
    assert_eq!(status, 200);
    r.ok(&["order", "create", "TEA"]);

    r.ok_then_log(&["setup", "set", "mode=client", &format!("server={other_addr}")], "syncing with");
    assert!(std::net::TcpStream::connect(format!("127.0.0.1:{port}")).is_err(), "the old server socket is closed");
    wait_orders(&[&other], 2);

    r.ok_then_log(&["setup", "set", "mode=standalone"], "running standalone");
    wait_until("every socket to close", *DEADLINE, || r.network_sockets() == 0, || r.log_text());
    assert_eq!(r.orders(), 2, "data intact through the switches");
    assert_eq!(r.stock("TEA"), 8);
    r.ok(&["order", "create", "TEA"]);
    assert_eq!(r.orders(), 3);
    r.stop();
    other.stop();
}

#[test]
fn a_running_register_keeps_its_mode_when_a_changed_setup_cannot_be_read() {
    let root = tempdir();
    let mut r = Node::new(root.path(), "R");
    r.ok(&["setup", "set", "name=R"]);
    r.start();
    // Damage the stored mode under the running register, as a failing card or a hand edit would.
    let mark = r.log_len();
    {
        let c = rusqlite::Connection::open(r.dir.join("till.db")).expect("test");
        c.busy_timeout(std::time::Duration::from_secs(10)).expect("test");
        let n = c.execute("UPDATE device_kv SET value = 'sideways' WHERE key = 'mode'", []).expect("test");
        assert_eq!(n, 1, "the stored mode");
    }
    r.wait_log_after(mark, "keeping the running standalone mode");
    assert!(r.log_after(mark).iter().all(|l| !l.contains("running standalone") || l.contains("keeping")), "no switch");
    // A setup that reads again is followed: the register switches to what it says.
    let port = free_port().to_string();
    r.ok_then_log(
        &["setup", "set", "mode=server", "bind=127.0.0.1", &format!("port={port}"), &format!("secret={SECRET}")],
        "listening on",
    );
    assert_eq!(r.network_sockets(), 1, "server: the listening socket");
    r.stop();
}

/// The store id a server announces, and its clock (requests are stamped with it).
fn store_of(addr: &str) -> (till::sync::StoreId, u64) {
    let (_, body) = http(addr, "GET", "/api/discover", &[], b"");
    let d: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let store = d["store_id"].as_str().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("no store id"));
    (store, d["server_time_ms"].as_u64().unwrap_or_else(|| panic!("no server time")))
}

/// The test's register: not a real one, it speaks the protocol by hand.
const SENDER: till::model::RegisterId = till::model::RegisterId([0x5a; 16]);
/// Its own key, enrolled by [`enroll`].
const OWN_KEY: [u8; 32] = [0x33; 32];

fn seal(addr: &str, key: &till::sync::SealKey, method: &str, path: &str, plaintext: &[u8]) -> Vec<u8> {
    let mut nonce = [0u8; 24];
    getrandom::fill(&mut nonce).unwrap_or_else(|e| panic!("{e}"));
    let binding = till::sync::Binding::Request { method, path };
    let (store, now) = store_of(addr);
    till::sync::Envelope::seal(till::sync::PROTOCOL_MIN, key, store, SENDER, nonce, now, binding, plaintext).to_bytes()
}

/// A request sealed with the store's key derived from `secret` (only a hello is accepted so).
fn envelope_for(addr: &str, secret: &str, method: &str, path: &str, plaintext: &[u8]) -> Vec<u8> {
    let key = till::sync::SealKey::derive(secret, store_of(addr).0).unwrap_or_else(|e| panic!("{e}"));
    seal(addr, &key, method, path, plaintext)
}

/// A request sealed with the test register's own key (after [`enroll`]).
fn own_envelope(addr: &str, method: &str, path: &str, plaintext: &[u8]) -> Vec<u8> {
    seal(addr, &till::sync::SealKey::from_bytes(OWN_KEY), method, path, plaintext)
}

/// Says hello as the test register, enrolling its own key.
fn enroll(addr: &str) {
    let hello = till::sync::protocol::HelloRequest {
        register_name: "probe".into(),
        client_time_ms: 0,
        pending: 0,
        store_known: false,
        register_key: OWN_KEY,
    };
    let path = till::sync::protocol::HELLO_PATH;
    let body = envelope_for(addr, SECRET, "POST", path, &postcard::to_allocvec(&hello).unwrap_or_default());
    let (status, reason) = http(addr, "POST", path, &[], &body);
    assert_eq!(status, 200, "hello: {}", String::from_utf8_lossy(&reason));
}

fn push_one_event() -> Vec<u8> {
    let event = till::sync::Event {
        id: till::model::EventId { origin: till::model::RegisterId([0x5a; 16]), seq: 1 },
        hlc: till::sync::Hlc { wall_ms: 1_790_000_000_000, logical: 0 },
        kind: till::sync::EventKind::SettingChanged { key: "store_name".into(), value: "Injected".into() },
    };
    postcard::to_allocvec(&till::sync::protocol::PushRequest { events: vec![event.encode()], pending_after: 0 })
        .unwrap_or_default()
}

#[test]
fn the_lan_gets_nothing_without_the_secret_and_bad_requests_change_nothing() {
    let root = tempdir();
    let (s, addr) = server(root.path(), "S");
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50"]);
    let snapshot = || s.dump();
    let before = snapshot();

    // Discovery is plaintext and carries no secret.
    let (status, body) = http(&addr, "GET", "/api/discover", &[], b"");
    assert_eq!(status, 200);
    let text = String::from_utf8_lossy(&body);
    assert!(text.contains("\"product\":\"till\"") && !text.contains(SECRET));

    let push = "/api/sync/events";
    // Before its hello the test register is unknown: even the right secret does not let it push.
    let (status, _) = http(&addr, "POST", push, &[], &envelope_for(&addr, SECRET, "POST", push, &push_one_event()));
    assert_eq!(status, 401, "a push sealed with the store's key instead of the register's own");
    enroll(&addr);
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        ("wrong secret", envelope_for(&addr, "another-secret-entirely-9x", "POST", push, &push_one_event()), 401),
        ("the store's key after enrolling", envelope_for(&addr, SECRET, "POST", push, &push_one_event()), 401),
        (
            "flipped ciphertext bit",
            {
                let mut e = own_envelope(&addr, "POST", push, &push_one_event());
                let last = e.len() - 3;
                e[last] ^= 0x10;
                e
            },
            401,
        ),
        ("sealed for another endpoint", own_envelope(&addr, "POST", "/api/sync/state", &push_one_event()), 401),
        ("malformed envelope", b"this is not an envelope".to_vec(), 400),
        ("valid envelope, malformed request", own_envelope(&addr, "POST", push, b"\xff\xff\xff"), 400),
    ];
    for (what, body, want) in cases {
        let (status, reason) = http(&addr, "POST", push, &[], &body);
        assert_eq!(status, want, "{what}: {}", String::from_utf8_lossy(&reason));
        assert!(!reason.is_empty(), "{what}: a refusal says why");
        assert_eq!(snapshot(), before, "{what} changed the database");
    }
    // Oversize: refused from the length alone.
    let (status, _) = http(&addr, "POST", push, &[("X-Pad", "1".into())], &vec![0u8; 9 * 1024 * 1024]);
    assert_eq!(status, 413);
    assert_eq!(snapshot(), before);
    // Data endpoints need the envelope.
    let (status, body) = http(&addr, "GET", "/api/data/orders", &[], b"");
    assert_eq!(status, 401);
    assert!(!String::from_utf8_lossy(&body).contains("TEA"));
    let (status, _) = http(&addr, "GET", "/api/data/orders", &[("x-till-envelope", "zz".into())], b"");
    assert_eq!(status, 400);
    assert_eq!(snapshot(), before);

    // A valid push lands once; replaying the same bytes changes nothing.
    let good = own_envelope(&addr, "POST", push, &push_one_event());
    let (status, _) = http(&addr, "POST", push, &[], &good);
    assert_eq!(status, 200);
    let after_first = snapshot();
    assert_ne!(after_first, before);
    assert!(s.ok(&["setting", "list"]).contains("Injected"));
    let (status, reason) = http(&addr, "POST", push, &[], &good);
    assert_eq!(status, 400, "a replay is refused: {}", String::from_utf8_lossy(&reason));
    assert!(String::from_utf8_lossy(&reason).contains("replayed"));
    assert_eq!(snapshot(), after_first, "and changes nothing");

    // /metrics counts what happened, without secrets.
    let (status, body) = http(&addr, "GET", "/metrics", &[], b"");
    let m = String::from_utf8_lossy(&body);
    assert_eq!(status, 200);
    assert!(m.contains("till_requests_total{route=\"push\",status=\"401\"} 5"), "{m}");
    assert!(m.contains("till_events_stored"), "{m}");
    assert!(m.contains("till_conflicts_open{kind=\"over_refund\"} 0"), "one gauge per kind, zero included: {m}");
}

#[test]
fn test_connection_says_what_is_wrong_with_distinct_exit_codes() {
    let root = tempdir();
    let (s, addr) = server(root.path(), "S");
    let c = Node::new(root.path(), "C");
    let code = |args: &[&str]| c.till(args).status.code();
    assert_eq!(code(&["test-connection", &addr, "--secret", SECRET]), Some(0));
    assert_eq!(code(&["test-connection", &addr, "--secret", "wrong-secret-but-long-9x"]), Some(13));
    let dead = format!("127.0.0.1:{}", free_port());
    assert_eq!(code(&["test-connection", &dead, "--secret", SECRET]), Some(10));
    // Something that is not Till on a port: a bare HTTP responder.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let not_till = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
    std::thread::spawn(move || {
        for conn in listener.incoming().take(1).flatten() {
            use std::io::{Read, Write};
            let mut conn = conn;
            let mut buf = [0u8; 1024];
            let _ = conn.read(&mut buf);
            let _ = conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
        }
    });
    assert_eq!(code(&["test-connection", &not_till, "--secret", SECRET]), Some(11));
    // A Till server of another store: a second server whose store a register of its own has
    // confirmed (a register that already held the store id when it said hello).
    let (other, other_addr) = server(root.path(), "O");
    let mut d = Node::new(root.path(), "D");
    d.ok(&["setup", "set", "mode=client", "name=D", &format!("server={other_addr}"), &format!("secret={SECRET}")]);
    for _ in 0..2 {
        let mark = d.log_len();
        d.start();
        d.wait_log_after(mark, "syncing with");
        d.stop();
    }
    // C now belongs to S's store (it learned the id); O confirmed its own through D.
    let out =
        c.till(&["setup", "set", "mode=client", "name=C", &format!("server={addr}"), &format!("secret={SECRET}")]);
    assert!(out.status.success());
    assert_eq!(code(&["test-connection", &addr]), Some(0));
    assert_ne!(s.ok(&["status", "--json"]), other.ok(&["status", "--json"]));
    let store_of = |n: &Node| -> Option<String> {
        serde_json::from_str::<serde_json::Value>(&n.ok(&["status", "--json"])).ok()?["store_id"]
            .as_str()
            .map(str::to_string)
    };
    // C has no store id until it syncs: learn it through a short client run.
    let mut c = c;
    c.start();
    c.wait_log_after(0, "syncing with");
    c.stop();
    assert_eq!(store_of(&c), store_of(&s));
    let out = c.till(&["test-connection", &other_addr, "--secret", SECRET]);
    assert_eq!(out.status.code(), Some(12), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("another store"));
    let peers = s.ok(&["peers", "--json"]);
    let names: BTreeSet<String> = serde_json::from_str::<Vec<serde_json::Value>>(&peers)
        .unwrap_or_default()
        .iter()
        .filter_map(|p| p["name"].as_str().map(str::to_string))
        .collect();
    assert!(names.contains("C"), "the server lists who it has seen: {peers}");
}
