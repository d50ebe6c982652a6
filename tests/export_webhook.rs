//! Signed webhooks from real `till run` processes to a receiver that verifies every signature
//! with the Standard Webhooks reference library (PyPI `standardwebhooks`), over HTTPS with a
//! test CA: 1,000 sales, voids and returns rung on a server and two clients, while the receiver
//! fails 30 % of calls (500, 429 with Retry-After, timeouts after taking the delivery), is
//! killed and restarted, and the exporting server is `kill -9`ed again and again. At the end
//! every event arrived, each under one webhook-id, once at the receiver (which dedupes by id),
//! a void or return never before its sale, and the outbox is drained.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const RECEIVER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/ecommerce/webhook/receiver.py");

/// A certificate authority and a certificate for 127.0.0.1 signed by it: (ca, cert, key).
pub fn test_ca(dir: &Path) -> Option<(PathBuf, PathBuf, PathBuf)> {
    let p = |f: &str| dir.join(f);
    let run = |args: &[&str]| {
        Command::new("openssl").args(args).current_dir(dir).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
    };
    std::fs::write(p("leaf.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n").ok()?;
    let ok = run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Till test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]) && run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
    ]) && run(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "leaf.ext",
        "-out",
        "leaf.pem",
    ]);
    ok.then(|| (p("ca.pem"), p("leaf.pem"), p("leaf.key")))
}

struct Receiver {
    port: u16,
    log: PathBuf,
    tls: (PathBuf, PathBuf),
    child: Option<Child>,
    starts: u32,
    fail: f64,
}

impl Receiver {
    fn start(&mut self) {
        let mut child = Command::new("python3")
            .arg(RECEIVER)
            .args([
                "--port",
                &self.port.to_string(),
                "--secret",
                WHSEC,
                "--fail",
                &self.fail.to_string(),
                "--stall",
                "2",
            ])
            // Most failures are 500s: each 429 (Retry-After: 1) and timeout (1 s) costs a second.
            .args(["--retry-after", "1", "--mix", "4:1:1", "--seed", &self.starts.to_string()])
            .arg("--log")
            .arg(&self.log)
            .arg("--cert")
            .arg(&self.tls.0)
            .arg("--key")
            .arg(&self.tls.1)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("receiver: {e}"));
        let out = child.stdout.take().unwrap_or_else(|| panic!("receiver stdout"));
        let mut line = String::new();
        BufReader::new(out).read_line(&mut line).unwrap_or_else(|e| panic!("receiver: {e}"));
        assert!(line.starts_with("ready"), "receiver said {line:?}");
        self.child = Some(child);
        self.starts += 1;
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    fn records(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `till` on a data directory, with the manager's PIN for voids and returns.
fn cli(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = till_command()
        .arg("--data")
        .arg(dir)
        .args(args)
        .env_remove("TILL_DATA")
        .env("TILL_MANAGER_PIN", "1234")
        .output()
        .unwrap_or_else(|e| panic!("till {args:?}: {e}"));
    assert!(out.status.success(), "till {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

/// Rings `n` events on one register: mostly card sales, every fifth a void of an earlier sale,
/// every fifth a return of one unit of another. Returns (sales, voids, returns).
fn ring(dir: &Path, n: usize) -> (BTreeSet<String>, usize, usize) {
    let mut sales = BTreeSet::new();
    let mut numbers: Vec<String> = Vec::new();
    let (mut voids, mut returns) = (0, 0);
    for i in 0..n {
        match i % 10 {
            4 | 9 if numbers.len() > 2 => {
                let number = numbers.remove(0);
                if i % 10 == 4 {
                    cli(dir, &["order", "void", &number, "--manager", "ann"]);
                    voids += 1;
                } else {
                    cli(dir, &["return", "create", &number, "TEA:1", "--manager", "ann", "--json"]);
                    returns += 1;
                }
            }
            _ => {
                let o = cli(dir, &["order", "create", "TEA:2", "COF:1", "--pay", "card", "--json"]);
                sales.insert(o["id"].as_str().unwrap_or_default().to_string());
                numbers.push(o["number"].as_str().unwrap_or_default().to_string());
            }
        }
    }
    (sales, voids, returns)
}

fn export_status(s: &Node) -> serde_json::Value {
    serde_json::from_str(&s.ok(&["export", "status", "--json"])).unwrap_or_default()
}

#[test]
fn webhooks_deliver_every_sale_void_and_return_once_and_in_order_through_faults_and_kills() {
    if Command::new("python3").args(["-c", "import standardwebhooks"]).status().map_or(true, |s| !s.success()) {
        skip!("the Standard Webhooks reference library is not installed (pip install standardwebhooks)");
    }
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = tmp.path();
    let Some((ca, cert, key)) = test_ca(root) else { skip!("openssl cannot make a test CA") };
    let mut rx = Receiver {
        port: free_port(),
        log: root.join("received.jsonl"),
        tls: (cert, key),
        child: None,
        starts: 0,
        fail: 0.3,
    };
    rx.start();

    let mut s = Node::new(root, "S");
    set_up_server(&s, free_port());
    for p in [["TEA", "Tea", "2.50"], ["COF", "Coffee", "9.90"]] {
        s.ok(&["product", "add", p[0], "--name", p[1], "--price", p[2], "--stock", "100000"]);
    }
    s.ok(&["user", "add", "ann", "--role", "manager", "--pin", "1234"]);
    let url = format!("url=https://127.0.0.1:{}/hooks/till", rx.port);
    s.ok(&["export", "set", "webhook", &url, &format!("secret={WHSEC}"), &format!("ca={}", ca.display()), "timeout=1"]);
    let addr = start_server(&mut s);
    let a = client(root, "A", &addr);
    let b = client(root, "B", &addr);
    wait_products(&[&a, &b], 2);
    wait_until(
        "the clients to know the manager",
        *DEADLINE,
        || a.query("SELECT count(*) FROM users") == 1 && b.query("SELECT count(*) FROM users") == 1,
        || a.log_text(),
    );

    // 1,000 events: 340 on each client, 320 on the server, rung at once while the server is
    // killed every 2 s and the receiver twice.
    let started = Instant::now();
    let (mut kills, mut rx_kills, mut ring_done) = (0, 0, None);
    let dirs = [s.dir.clone(), a.dir.clone(), b.dir.clone()];
    let counts = [320, 340, 340];
    let results = std::thread::scope(|scope| {
        let handles: Vec<_> = dirs.iter().zip(counts).map(|(d, n)| scope.spawn(move || ring(d, n))).collect();
        // Kills go on while the export catches up: 10 at least, the receiver at the 3rd and 7th.
        let mut next_kill = Instant::now() + Duration::from_secs(2);
        while !handles.iter().all(|h| h.is_finished()) || kills < 10 {
            if ring_done.is_none() && handles.iter().all(|h| h.is_finished()) {
                ring_done = Some(started.elapsed());
            }
            if Instant::now() >= next_kill {
                s.kill9();
                kills += 1;
                if kills == 3 || kills == 7 {
                    rx.kill();
                    rx.start();
                    rx_kills += 1;
                }
                s.start();
                next_kill = Instant::now() + Duration::from_millis(1500);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| panic!("ringing failed"))).collect::<Vec<_>>()
    });
    // Then the platform recovers: no more injected faults. An entry unlucky enough to fail
    // eight tries in a row waits 256 s for its next (1 s doubling, 5 minutes at most, ±20 %),
    // so with faults forever the drain could outlast any deadline; after the recovery every
    // entry goes through at its next try, within 6 minutes of its last failure.
    rx.kill();
    rx.fail = 0.0;
    rx.start();
    let rung = ring_done.unwrap_or_else(|| started.elapsed());
    let sales: BTreeSet<String> = results.iter().flat_map(|r| r.0.iter().cloned()).collect();
    let voids: usize = results.iter().map(|r| r.1).sum();
    let returns: usize = results.iter().map(|r| r.2).sum();
    let total = sales.len() + voids + returns;
    assert_eq!(total, 1000);

    wait_until(
        "the server's outbox to drain",
        Duration::from_secs(420),
        || {
            let st = export_status(&s);
            st["sent"] == total && st["pending"] == 0
        },
        || format!("{}\n{}", export_status(&s), s.log_text()),
    );
    let drained = started.elapsed();
    let st = export_status(&s);
    assert_eq!(st["dead"], 0, "{st}");

    let records = rx.records();
    let mut delivered: BTreeMap<String, (String, Option<String>, u64)> = BTreeMap::new();
    for r in records.iter().filter(|r| r.get("id").is_some()) {
        let id = r["id"].as_str().unwrap_or_default().to_string();
        let entry = (
            r["type"].as_str().unwrap_or_default().to_string(),
            r["order"].as_str().map(String::from),
            r["n"].as_u64().unwrap_or(0),
        );
        assert!(delivered.insert(id.clone(), entry).is_none(), "{id} recorded twice: the receiver took it twice");
    }
    let count = |k: &str| records.iter().filter(|r| r.get(k).is_some()).count();
    let faults = |f: &str| records.iter().filter(|r| r["fault"] == f).count();
    assert_eq!(count("bad"), 0, "deliveries whose signature did not verify");
    assert_eq!(delivered.len(), total, "every event delivered once");
    let created: BTreeSet<String> =
        delivered.iter().filter(|(_, v)| v.0 == "order.created").map(|(k, _)| k.clone()).collect();
    assert_eq!(created, sales, "each sale under its Till id");
    assert_eq!(delivered.values().filter(|v| v.0 == "order.voided").count(), voids);
    assert_eq!(delivered.values().filter(|v| v.0 == "return.created").count(), returns);
    // Per order: the sale first.
    for (id, (kind, order, n)) in &delivered {
        if kind != "order.created" {
            let order = order.as_deref().unwrap_or_else(|| panic!("{id}: no order"));
            let sale = delivered.get(order).unwrap_or_else(|| panic!("{id}: its sale {order} never arrived"));
            assert!(sale.2 < *n, "{id} ({kind}) arrived before its sale {order}");
        }
    }
    // The outbox's keys are the webhook-ids.
    let keys: BTreeSet<String> = s
        .db()
        .prepare("SELECT key FROM outbox")
        .and_then(|mut st| st.query_map([], |r| r.get::<_, String>(0))?.collect())
        .unwrap_or_default();
    assert_eq!(keys, delivered.keys().cloned().collect::<BTreeSet<_>>());
    for f in ["500", "429", "timeout"] {
        assert!(faults(f) > 0, "the receiver never answered {f}");
    }
    eprintln!(
        "1000 events rung in {:.1} s, all delivered {:.1} s after the start; {kills} kill -9 of the exporter, \
         {rx_kills} receiver restarts; faults: {} x 500, {} x 429, {} timeouts; {} duplicate deliveries deduped",
        rung.as_secs_f64(),
        drained.as_secs_f64(),
        faults("500"),
        faults("429"),
        faults("timeout"),
        count("dup")
    );
}

/// The database's shared state and device-local settings, for "nothing changed".
fn snapshot(n: &Node) -> String {
    let kv: Vec<String> = n
        .db()
        .prepare("SELECT key || '=' || value FROM device_kv ORDER BY key")
        .and_then(|mut st| st.query_map([], |r| r.get::<_, String>(0))?.collect())
        .unwrap_or_else(|e| panic!("{e}"));
    format!("{}\n{}", n.dump(), kv.join("\n"))
}

#[test]
fn export_setup_refuses_bad_input_with_one_line_and_saves_nothing() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let n = Node::new(tmp.path(), "R");
    n.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50"]);
    let secret = format!("secret={WHSEC}");
    let bad: &[(&[&str], &str)] = &[
        (&["webhook", "url=http://hooks.example/till", &secret], "use https://"),
        (&["webhook", "url=https://hooks.example/till", "secret=abc"], "whsec_"),
        (&["webhook", "url=https://hooks.example/till", "secret=whsec_c2hvcnQ="], "at least 24"),
        (&["webhook", "url=https://hooks.example/till", &secret, "colour=blue"], "unknown key"),
        (&["webhook", "url=https://hooks.example/till", &secret, "ca=/nonexistent/ca.pem"], "CA file"),
        (&["shopify", "shop=Corner_Store", "token=shpat_1234567890", "location=1"], "shop"),
        (&["shopify", "shop=corner", "token=", "location=1"], "token"),
        (&["woocommerce", "url=ftp://shop.example", "key=ck_1", "secret=cs_1"], "not https"),
        (&["vendure", "url=https://v.example/admin-api", "user=admin"], "password"),
        (&["magento", "url=https://m.example"], "no connector"),
    ];
    let before = snapshot(&n);
    for (args, needle) in bad {
        let mut a = vec!["export", "set"];
        a.extend_from_slice(args);
        let out = n.till(&a);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "till {a:?}: {err}");
        assert!(err.contains(needle), "till {a:?}: {err:?} should mention {needle:?}");
        assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
        assert!(!err.contains("c2hvcnQ") && !err.contains("shpat_1234567890"), "a credential echoed: {err}");
    }
    assert_eq!(snapshot(&n), before, "a refused export setup changed something");
    // A good one is saved, shown masked, and `export test` against nothing listening is exit 9.
    let port = free_port();
    let out = n.ok(&["export", "set", "webhook", &format!("url=http://127.0.0.1:{port}/h"), &secret, "timeout=1"]);
    assert!(out.contains("whsec_****") && !out.contains(WHSEC), "{out}");
    let st: serde_json::Value = serde_json::from_str(&n.ok(&["export", "status", "--json"])).unwrap_or_default();
    assert_eq!((st["configured"].as_bool(), st["exporting"].as_bool()), (Some(true), Some(true)), "{st}");
    assert!(!st.to_string().contains(WHSEC), "{st}");
    assert_eq!(n.till(&["export", "test"]).status.code(), Some(9));
    assert_eq!(n.till(&["export", "retry", "--dead"]).status.code(), Some(3), "nothing dead to retry");
    // Once the store has a manager, a retry is theirs to approve (exit 6 without).
    n.ok(&["user", "add", "ann", "--role", "manager", "--pin", "1234"]);
    assert_eq!(n.till(&["export", "retry", "--dead"]).status.code(), Some(6), "a retry without a manager");
    let with = till_command()
        .arg("--data")
        .arg(&n.dir)
        .args(["export", "retry", "--dead", "--manager", "ann"])
        .env("TILL_MANAGER_PIN", "1234")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(with.status.code(), Some(3), "approved, and nothing dead: {}", String::from_utf8_lossy(&with.stderr));
}

/// Delivered ids at the receiver, and how many deliveries were duplicates.
fn delivered(rx: &Receiver) -> (BTreeSet<String>, usize) {
    let r = rx.records();
    let ids = r.iter().filter_map(|x| x.get("id").and_then(|v| v.as_str()).map(String::from)).collect();
    (ids, r.iter().filter(|x| x.get("dup").is_some()).count())
}

#[test]
fn mode_switches_mid_export_send_nothing_twice_and_a_returning_exporter_sends_what_it_missed() {
    if Command::new("python3").args(["-c", "import standardwebhooks"]).status().map_or(true, |s| !s.success()) {
        skip!("the Standard Webhooks reference library is not installed (pip install standardwebhooks)");
    }
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = tmp.path();
    let Some((ca, cert, key)) = test_ca(root) else { skip!("openssl cannot make a test CA") };
    let mut rx =
        Receiver { port: free_port(), log: root.join("rx.jsonl"), tls: (cert, key), child: None, starts: 0, fail: 0.0 };
    rx.start();
    let mut r = Node::new(root, "R");
    r.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50"]);
    let url = format!("url=https://127.0.0.1:{}/h", rx.port);
    r.ok(&["export", "set", "webhook", &url, &format!("secret={WHSEC}"), &format!("ca={}", ca.display())]);
    r.start();
    let ring = |n: &Node, k: usize| {
        (0..k)
            .map(|_| cli(&n.dir, &["order", "create", "TEA", "--json"])["id"].as_str().unwrap_or_default().to_string())
            .collect::<Vec<_>>()
    };
    let mut sold: BTreeSet<String> = ring(&r, 20).into_iter().collect();
    // Standalone → server while it exports: the running register switches in place.
    let port = free_port();
    r.ok(&[
        "setup",
        "set",
        "mode=server",
        "name=R",
        "bind=127.0.0.1",
        &format!("port={port}"),
        &format!("secret={SECRET}"),
    ]);
    sold.extend(ring(&r, 20));
    wait_until("40 sales delivered", *DEADLINE, || delivered(&rx).0 == sold, || r.log_text());

    // R becomes a client of S (which does not export): what it rings now is not R's to send.
    let mut s = Node::new(root, "S");
    set_up_server(&s, free_port());
    let addr = start_server(&mut s);
    r.ok(&["setup", "set", "mode=client", "name=R", &format!("server={addr}"), &format!("secret={SECRET}")]);
    let while_client = ring(&r, 10);
    wait_orders(&[&s], 50);
    assert_eq!(export_status(&r)["exporting"], false);
    assert_eq!(delivered(&rx).0, sold, "a client sent something");
    // Back to standalone: R is the exporter again, queues what it missed, sends only that.
    r.ok(&["setup", "set", "mode=standalone", "name=R"]);
    sold.extend(while_client);
    wait_until("the sales rung as a client delivered", *DEADLINE, || delivered(&rx).0 == sold, || r.log_text());
    let (ids, dups) = delivered(&rx);
    assert_eq!(ids.len(), 50);
    assert_eq!(dups, 0, "something was sent twice");
    wait_until("R's outbox to drain", *DEADLINE, || export_status(&r)["pending"] == 0, || r.log_text());
    assert_eq!(export_status(&r)["sent"], 50);
}
