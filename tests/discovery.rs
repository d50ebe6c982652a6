//! Server discovery by subnet scan (issue 4): on loopback, and on a virtual LAN of network
//! namespaces that the test builds itself. No test scans the machine's own networks: the
//! loopback tests name 127.0.0.0/24, and the interface-discovery test runs inside its namespace.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;

/// A plain HTTP service (not Till) that answers every request with a web page.
fn web_server(addr: &str) -> std::thread::JoinHandle<()> {
    let listener = TcpListener::bind(addr).unwrap_or_else(|e| panic!("bind {addr}: {e}"));
    std::thread::spawn(move || {
        for mut stream in listener.incoming().map_while(Result::ok) {
            let mut buf = [0u8; 2048];
            let _ = stream.read(&mut buf);
            let body = "<html><body>router admin</body></html>";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    })
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// `(address, store)` of each server a `till scan --json` listed.
fn listed(scan: &serde_json::Value) -> Vec<(String, String)> {
    scan["servers"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    (s["address"].as_str().unwrap_or("").to_string(), s["store"].as_str().unwrap_or("").to_string())
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn scan_on_loopback_lists_exactly_the_till_servers_and_marks_another_stores() {
    let root = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let other_secret = "harbour-deli-9Tz2-Qm4v-Lx8";
    let mut a = Node::new(root.path(), "A");
    let mut b = Node::new(root.path(), "B");
    let mut x = Node::new(root.path(), "X");
    set_up_server_at(&a, "127.0.0.2", port, SECRET);
    set_up_server_at(&b, "127.0.0.3", port, SECRET);
    set_up_server_at(&x, "127.0.0.4", port, other_secret);
    for s in [&mut a, &mut b, &mut x] {
        let mark = s.log_len();
        s.start();
        s.wait_log_after(mark, "listening on");
    }
    let _web = web_server(&format!("127.0.0.5:{port}"));

    // A register of the store (it holds the secret, not yet a store id) scans the /24.
    let c = Node::new(root.path(), "C");
    c.ok(&["setup", "set", "name=C", &format!("secret={SECRET}")]);
    let started = Instant::now();
    let scan = json(&c.ok(&["scan", "--subnet", "127.0.0.0/24", "--port", &port.to_string(), "--json"]));
    let took = started.elapsed();
    assert_eq!(
        listed(&scan),
        vec![
            (String::from("127.0.0.2"), String::from("this")),
            (String::from("127.0.0.3"), String::from("this")),
            (String::from("127.0.0.4"), String::from("other")),
        ],
        "{scan}"
    );
    assert_eq!(scan["probed"], 254, "{scan}");
    // The web server accepted too, and was not listed.
    assert!(scan["answered"].as_u64().unwrap_or(0) >= 4, "{scan}");
    assert_eq!(scan["servers"][0]["register_name"], "A");
    // Loopback answers at once; the bound is generous so a busy CI machine cannot flake it
    // (the speed figure comes from scripts/bench-scan).
    assert!(took < Duration::from_secs(20), "scan took {took:?}");

    // Two servers of this store: setup lists them and refuses to guess; nothing is saved.
    let c = c.env("TILL_SCAN_SUBNETS", "127.0.0.0/24");
    let out = c.till(&["setup", "set", "mode=client", &format!("port={port}"), "server=scan"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("127.0.0.2:") && stdout.contains("127.0.0.3:"), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("choose one"));
    assert!(c.ok(&["setup", "show"]).contains("standalone"));

    // With one left, it is picked and its address saved.
    b.stop();
    let out = c.ok(&["setup", "set", "mode=client", &format!("port={port}"), "server=scan"]);
    assert!(out.contains("found A at 127.0.0.2"), "{out}");
    let show = json(&c.ok(&["setup", "show", "--json"]));
    assert_eq!(show["server"], format!("127.0.0.2:{port}"));

    // Only another store's server: nothing to pick (exit 10), setup unchanged.
    a.stop();
    let fresh = Node::new(root.path(), "D").env("TILL_SCAN_SUBNETS", "127.0.0.0/24");
    fresh.ok(&["setup", "set", "name=D", &format!("secret={SECRET}")]);
    let out = fresh.till(&["setup", "set", "mode=client", &format!("port={port}"), "server=scan"]);
    assert_eq!(out.status.code(), Some(10), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("OTHER STORE"));
    assert!(fresh.ok(&["setup", "show"]).contains("standalone"));
}

#[test]
fn a_client_set_to_scan_finds_its_server_when_it_runs_and_after_the_server_moves() {
    let root = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let mut s = Node::new(root.path(), "S");
    set_up_server_at(&s, "127.0.0.6", port, SECRET);
    let mark = s.log_len();
    s.start();
    s.wait_log_after(mark, "listening on");
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "3.50"]);

    // `server = "scan"` stored as is (what the flash config provisions): the running client scans.
    let mut c = Node::new(root.path(), "C").env("TILL_SCAN_SUBNETS", "127.0.0.0/24");
    c.ok(&["setup", "set", "name=C", &format!("port={port}"), &format!("secret={SECRET}")]);
    {
        let db = rusqlite::Connection::open(c.dir.join("till.db")).expect("open");
        db.execute_batch("INSERT OR REPLACE INTO device_kv(key, value) VALUES ('mode', 'client'), ('server', 'scan');")
            .expect("provision server=scan");
    }
    c.start();
    c.wait_log_after(0, "scan found server S at 127.0.0.6");
    wait_products(&[&c], 1);
    c.ok(&["order", "create", "TEA"]);
    wait_orders(&[&s, &c], 1);

    // The server comes back on another address (a new DHCP lease): the client scans again.
    s.stop();
    s.ok(&["setup", "set", "bind=127.0.0.7"]);
    let mark = s.log_len();
    s.start();
    s.wait_log_after(mark, "listening on");
    c.wait_log_after(0, "scan found server S at 127.0.0.7");
    c.ok(&["order", "create", "TEA"]);
    wait_orders(&[&s, &c], 2);
}

/// The namespaces of one virtual LAN; deleted when dropped, also when the test fails.
struct Lan {
    names: Vec<String>,
}

impl Drop for Lan {
    fn drop(&mut self) {
        for n in &self.names {
            let _ = Command::new("ip").args(["netns", "del", n]).status();
        }
    }
}

fn ip(args: &[&str]) {
    let out = Command::new("ip").args(args).output().unwrap_or_else(|e| panic!("ip {args:?}: {e}"));
    assert!(out.status.success(), "ip {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Why this machine cannot build the virtual LAN, if it cannot: not root, a missing command
/// (iproute2's `ip` and `ss`, python3 for the web server), or namespaces refused (a container
/// without the right to make them).
fn netns_unavailable() -> Option<String> {
    if !is_root() {
        return Some("not root".into());
    }
    for (program, arg, what) in
        [("ip", "-V", "iproute2's ip"), ("ss", "-V", "iproute2's ss"), ("python3", "-V", "python3")]
    {
        if !Command::new(program).arg(arg).output().is_ok_and(|o| o.status.success()) {
            return Some(format!("{what} is missing"));
        }
    }
    let probe = format!("tl-probe-{}", std::process::id());
    let out = Command::new("ip").args(["netns", "add", &probe]).output();
    let _ = Command::new("ip").args(["netns", "del", &probe]).output();
    match out {
        Ok(o) if o.status.success() => None,
        Ok(o) => Some(format!("ip netns add refused: {}", String::from_utf8_lossy(&o.stderr).trim())),
        Err(e) => Some(format!("ip netns add: {e}")),
    }
}

/// Builds a LAN: a bridge in its own namespace, and one namespace per host, each with an
/// `eth0` on the bridge and an address in 10.231.7.0/24 (which exists only in these namespaces).
fn build_lan(tag: &str, hosts: &[(&str, &str)]) -> Lan {
    let bridge_ns = format!("tl-{tag}-lan");
    let mut lan = Lan { names: vec![bridge_ns.clone()] };
    ip(&["netns", "add", &bridge_ns]);
    ip(&["-n", &bridge_ns, "link", "add", "br0", "type", "bridge"]);
    ip(&["-n", &bridge_ns, "link", "set", "br0", "up"]);
    for (i, (host, addr)) in hosts.iter().enumerate() {
        let ns = format!("tl-{tag}-{host}");
        ip(&["netns", "add", &ns]);
        lan.names.push(ns.clone());
        let port = format!("p{i}");
        ip(&["-n", &bridge_ns, "link", "add", &port, "type", "veth", "peer", "name", "eth0", "netns", &ns]);
        ip(&["-n", &bridge_ns, "link", "set", &port, "master", "br0", "up"]);
        ip(&["-n", &ns, "addr", "add", addr, "dev", "eth0"]);
        ip(&["-n", &ns, "link", "set", "eth0", "up"]);
        ip(&["-n", &ns, "link", "set", "lo", "up"]);
    }
    lan
}

#[test]
fn on_a_virtual_lan_a_client_finds_the_server_by_its_interfaces_and_syncs_through_it() {
    if let Some(why) = netns_unavailable() {
        skip!("cannot build network namespaces here ({why}); CI runs this as root");
    }
    let tag = std::process::id().to_string();
    let lan = build_lan(&tag, &[("srv", "10.231.7.2/24"), ("web", "10.231.7.3/24"), ("cli", "10.231.7.4/24")]);
    let ns = |h: &str| format!("tl-{tag}-{h}");
    let root = tempfile::tempdir().expect("tempdir");

    let mut s = Node::new(root.path(), "S").in_netns(&ns("srv"));
    set_up_server_at(&s, "0.0.0.0", 8787, SECRET);
    let mark = s.log_len();
    s.start();
    s.wait_log_after(mark, "listening on");
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "3.50"]);

    // A web server on the same port in another namespace: it must not be taken for Till.
    let mut web = Command::new("ip")
        .args(["netns", "exec", &ns("web"), "python3", "-m", "http.server", "8787", "--bind", "10.231.7.3"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("python3 http.server");
    wait_until(
        "the web server to listen",
        *DEADLINE,
        || {
            Command::new("ip")
                .args(["netns", "exec", &ns("web"), "ss", "-Hltn", "sport", "= :8787"])
                .output()
                .map(|o| !o.stdout.is_empty())
                .unwrap_or(false)
        },
        String::new,
    );

    let mut c = Node::new(root.path(), "C").in_netns(&ns("cli"));
    c.ok(&["setup", "set", "name=C", &format!("secret={SECRET}")]);
    let scan = json(&c.ok(&["scan", "--json"]));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // Interface discovery: eth0's subnet, not loopback.
        assert_eq!(scan["subnets"], serde_json::json!(["10.231.7.0/24"]), "{scan}");
        assert_eq!(listed(&scan), vec![(String::from("10.231.7.2"), String::from("this"))], "{scan}");
        assert_eq!(scan["probed"], 253, "its own address is not probed: {scan}");

        let out = c.ok(&["setup", "set", "mode=client", "server=scan"]);
        assert!(out.contains("found S at 10.231.7.2"), "{out}");
        c.start();
        c.wait_log_after(0, "syncing with S");
        wait_products(&[&c], 1);
        c.ok(&["order", "create", "TEA"]);
        s.ok(&["order", "create", "TEA"]);
        wait_orders(&[&s, &c], 2);
        assert_eq!(s.dump(), c.dump());
    }));
    let _ = web.kill();
    let _ = web.wait();
    s.kill9();
    c.kill9();
    drop(lan);
    if let Err(e) = outcome {
        std::panic::resume_unwind(e);
    }
}
