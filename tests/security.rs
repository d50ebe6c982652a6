//! Shutting out one register without re-keying the store (issue 7): each register enrolls a
//! key of its own with its first hello; the server opens its later requests with that key only,
//! and `till peers revoke` refuses it from then on. The secret alone then makes no new register
//! until an admin opens enrollment, and cannot pass for an enrolled register.

mod common;

use common::*;

fn status_json(node: &Node) -> serde_json::Value {
    serde_json::from_str(&node.ok(&["status", "--json"])).unwrap_or_default()
}

/// A hello sealed with the store's key, as register `sender` with its own key `own`.
fn raw_hello(addr: &str, sender: till::model::RegisterId, own: [u8; 32]) -> (u16, String) {
    named_hello(addr, sender, own, "impostor")
}

/// The same, as a register that calls itself `name`.
fn named_hello(addr: &str, sender: till::model::RegisterId, own: [u8; 32], name: &str) -> (u16, String) {
    let (_, body) = http(addr, "GET", "/api/discover", &[], b"");
    let d: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let store: till::sync::StoreId = d["store_id"].as_str().and_then(|s| s.parse().ok()).expect("store id");
    let key = till::sync::SealKey::derive(SECRET, store).expect("key");
    let hello = till::sync::protocol::HelloRequest {
        register_name: name.into(),
        client_time_ms: 0,
        pending: 0,
        store_known: true,
        register_key: own,
    };
    let path = till::sync::protocol::HELLO_PATH;
    let plaintext = postcard::to_allocvec(&hello).expect("encode");
    let binding = till::sync::Binding::Request { method: "POST", path };
    // Stamped with the server's clock, as every request must be (its replay window).
    let sent_ms = d["server_time_ms"].as_u64().expect("server time");
    let mut nonce = [0u8; 24];
    getrandom::fill(&mut nonce).expect("random");
    let env =
        till::sync::Envelope::seal(till::sync::PROTOCOL_MIN, &key, store, sender, nonce, sent_ms, binding, &plaintext)
            .to_bytes();
    let (status, reason) = http(addr, "POST", path, &[], &env);
    (status, String::from_utf8_lossy(&reason).into_owned())
}

#[test]
fn a_revoked_register_is_shut_out_while_the_others_keep_syncing() {
    let root = tempfile::tempdir().expect("tempdir");
    let (s, addr) = server(root.path(), "S");
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50"]);
    let a = client(root.path(), "A", &addr);
    let b = client(root.path(), "B", &addr);
    wait_products(&[&a, &b], 1);
    a.ok(&["order", "create", "TEA"]);
    wait_orders(&[&s, &a, &b], 1);
    let peers: serde_json::Value = serde_json::from_str(&s.ok(&["peers", "--json"])).expect("peers");
    let enrolled = peers.as_array().map(|p| p.iter().filter(|p| p["enrolled"] == true).count());
    assert_eq!(enrolled, Some(2), "{peers}");

    // A was stolen: revoke it on the server.
    let mark = s.log_len();
    let a_mark = a.log_len();
    assert!(s.ok(&["peers", "revoke", "A"]).contains("revoked A"));
    s.wait_log_after(mark, "revoked: refusing its requests");
    assert!(s.ok(&["peers"]).contains("revoked"));

    // A keeps selling (its sales stay on it); B's sales still flow.
    a.ok(&["order", "create", "TEA"]);
    b.ok(&["order", "create", "TEA"]);
    wait_orders(&[&s, &b], 2);
    a.wait_log_after(a_mark, "refuses this register");
    assert_eq!(a.orders(), 2);
    assert_eq!(s.orders(), 2, "A's sale after the revocation did not reach the server");
    let a_id = status_json(&a)["register_id"].as_str().expect("id").to_string();
    let s_ids = s.order_ids();
    assert_eq!(s_ids.iter().filter(|id| id.starts_with(&a_id.to_uppercase())).count(), 1, "{s_ids:?}");

    // The stolen secret makes no new register while enrollment is closed (exit 15)…
    let c = Node::new(root.path(), "C");
    c.ok(&["setup", "set", "name=C", &format!("secret={SECRET}")]);
    let out = c.till(&["test-connection", &addr]);
    assert_eq!(out.status.code(), Some(15), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not accept new registers"));

    // …and cannot pass for B: B's id with another key is refused, B is untouched.
    let b_id: till::model::RegisterId =
        status_json(&b)["register_id"].as_str().and_then(|s| s.parse().ok()).expect("B's id");
    let (status, reason) = raw_hello(&addr, b_id, [0x99; 32]);
    assert_eq!(status, 403, "{reason}");
    assert!(reason.contains("another key"), "{reason}");
    b.ok(&["order", "create", "TEA"]);
    wait_orders(&[&s, &b], 3);

    // An admin opens enrollment: a new register joins with the same secret.
    s.ok(&["peers", "enroll", "--open", "--minutes", "5"]);
    wait_until(
        "the new register to be accepted",
        *DEADLINE,
        || c.till(&["test-connection", &addr]).status.success(),
        || s.log_text(),
    );
    // Revoked stays revoked, enrollment or not.
    let out = a.till(&["test-connection", &addr]);
    assert_eq!(out.status.code(), Some(15), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_hello_with_a_name_no_setup_accepts_is_refused_and_recorded_nowhere() {
    let root = tempfile::tempdir().expect("tempdir");
    let (s, addr) = server(root.path(), "S");
    for (i, name) in ["R\u{202e}1", "R\u{1b}[2J", "", &"R".repeat(17)].into_iter().enumerate() {
        let sender: till::model::RegisterId = format!("{:032x}", i + 1).parse().expect("id");
        let (status, reason) = named_hello(&addr, sender, [i as u8; 32], name);
        assert_eq!(status, 400, "{name:?}: {reason}");
        assert!(reason.contains("register name: bad name") && !reason.contains('\u{1b}'), "{reason}");
    }
    let peers: serde_json::Value = serde_json::from_str(&s.ok(&["peers", "--json"])).expect("peers");
    assert_eq!(peers, serde_json::json!([]), "no peer recorded");
}
