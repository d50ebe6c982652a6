//! Updates over the store's LAN (issue 18, item 4) with real `till run` processes on loopback:
//! protocol versions negotiated in the hello (a register of the previous release and an updated
//! one sync both ways), a bundle staged on the server reaching a client that verifies it, writes
//! its boot folder's inactive slot and exits to be restarted, and what is never applied.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use till::model::RegisterId;
use till::sync::protocol::{Discover, HelloRequest};
use till::sync::{Binding, Envelope, PROTOCOL_MIN, PROTOCOL_VERSION, SealKey, StoreId, negotiate};

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("test: tempdir")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures").join(name)
}

/// The hello of the fixture: what a register of the previous release (protocol 2) sends.
fn old_hello() -> (SealKey, HelloRequest, Envelope) {
    let key = SealKey::from_bytes([0x42; 32]);
    let hello = HelloRequest {
        register_name: "A".into(),
        client_time_ms: 1_796_000_000_000,
        pending: 3,
        store_known: true,
        register_key: [0x17; 32],
    };
    let plain = postcard::to_allocvec(&hello).expect("test: encode");
    let binding = Binding::Request { method: "POST", path: "/api/auth/hello" };
    let env =
        Envelope::seal(2, &key, StoreId([9; 16]), RegisterId([0xA1; 16]), [5; 24], 1_796_000_000_000, binding, &plain);
    (key, hello, env)
}

#[test]
fn an_old_registers_discover_and_hello_are_understood() {
    // A discover as a server of the previous release answers: one version, no range.
    let json = std::fs::read(fixture("discover-v2.json")).expect("test: fixture");
    let d: Discover = serde_json::from_slice(&json).expect("test: an old discover parses");
    assert_eq!(d.versions(), 2..=2);
    assert_eq!(negotiate(PROTOCOL_MIN..=PROTOCOL_VERSION, d.versions()), Some(2), "a new register talks to it in 2");
    // A hello sealed by a register of the previous release, byte for byte.
    let path = fixture("hello-v2.hex");
    let (key, hello, env) = old_hello();
    if std::env::var("TILL_WRITE_FIXTURES").is_ok_and(|v| v == "1") {
        std::fs::write(&path, format!("{}\n", till::model::hex(&env.to_bytes()))).expect("test: write fixture");
    }
    let text = std::fs::read_to_string(&path).expect("test: fixture");
    let text = text.trim();
    let bytes: Vec<u8> =
        (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("test: hex")).collect();
    let opened = Envelope::from_bytes(&bytes).expect("test: an old envelope parses");
    assert_eq!(opened.version, 2);
    let binding = Binding::Request { method: "POST", path: "/api/auth/hello" };
    let plain = opened.open(&key, binding).expect("test: an old envelope opens");
    assert_eq!(postcard::from_bytes::<HelloRequest>(&plain).expect("test: an old hello decodes"), hello);
    assert_eq!(bytes, env.to_bytes(), "sealing as version 2 writes what the previous release wrote");
}

/// A server with one product; `env` for its processes.
fn server_with(root: &Path, env: &[(&str, &str)]) -> (Node, String) {
    let mut s = Node::new(root, "S");
    for (k, v) in env {
        s = s.env(k, v);
    }
    set_up_server(&s, free_port());
    let addr = start_server(&mut s);
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50", "--stock", "100"]);
    (s, addr)
}

#[test]
fn a_register_of_the_previous_protocol_and_an_updated_one_sync_both_ways() {
    let old = [("TILL_PROTOCOL_MAX", "2")];
    for (server_env, client_env) in [(&old[..], &[][..]), (&[][..], &old[..])] {
        let root = tempdir();
        let (mut s, addr) = server_with(root.path(), server_env);
        // What a register of the previous release checks: the server states 2.
        let (status, body) = http(&addr, "GET", "/api/discover", &[], b"");
        let d: serde_json::Value = serde_json::from_slice(&body).expect("test: discover json");
        assert_eq!((status, d["protocol_version"].as_u64()), (200, Some(2)), "{d}");
        let mut c = client_with(root.path(), "A", &addr, client_env);
        c.wait_log_after(0, "(protocol 2)");
        wait_products(&[&c], 1);
        c.ok(&["order", "create", "TEA"]);
        s.ok(&["order", "create", "TEA:2"]);
        wait_orders(&[&s, &c], 2);
        c.stop();
        s.stop();
    }
    // Both updated: the newest version.
    let root = tempdir();
    let (mut s, addr) = server_with(root.path(), &[]);
    let mut c = client_with(root.path(), "A", &addr, &[]);
    c.wait_log_after(0, &format!("(protocol {PROTOCOL_VERSION})"));
    c.stop();
    s.stop();
}
