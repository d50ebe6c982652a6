//! Clock faults between registers running as real processes: a client whose clock jumps a year
//! ahead while it sells and is set right by its server after a kill -9, and a server a year
//! ahead of its clients. Orders keep the order they were rung in, and last-write-wins picks the
//! write made after seeing the other (the causally later one), whatever the wall clocks say.
//!
//! A register's time is its system clock plus `clock_offset_ms` from its device KV (learned from
//! the server at each hello); the tests set that offset, as a clock jump would shift the sum.

mod common;

use common::*;
use till::store::kv;

const YEAR_MS: i64 = 365 * 24 * 3_600_000;

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

/// Shifts a register's clock by setting its stored offset (beside its running process, if any).
fn set_clock_offset(n: &Node, offset_ms: i64) {
    let mut s = till::store::Store::open(&n.dir).unwrap_or_else(|e| panic!("{}: open: {e}", n.name));
    s.set(kv::CLOCK_OFFSET, &offset_ms).unwrap_or_else(|e| panic!("{}: offset: {e}", n.name));
}

fn status(n: &Node) -> serde_json::Value {
    serde_json::from_str(&n.ok(&["status", "--json"])).unwrap_or_default()
}

fn price(n: &Node) -> i64 {
    n.query("SELECT price_cents FROM products WHERE sku = 'TEA'")
}

/// Waits until every node shows `cents` as TEA's price.
fn wait_price(nodes: &[&Node], cents: i64) {
    for n in nodes {
        wait_until(
            &format!("{} to show TEA at {cents} cents", n.name),
            *DEADLINE,
            || price(n) == cents,
            || nodes.iter().map(|n| format!("{}: {}\n{}", n.name, price(n), n.log_text())).collect(),
        );
    }
}

/// The order numbers as `order list` shows them (oldest first), and their created times.
fn order_list(n: &Node) -> (Vec<String>, Vec<i64>) {
    let v: Vec<serde_json::Value> = serde_json::from_str(&n.ok(&["order", "list", "--json"])).unwrap_or_default();
    (
        v.iter().map(|o| o["number"].as_str().unwrap_or_default().to_string()).collect(),
        v.iter().map(|o| o["created_ms"].as_i64().unwrap_or_default()).collect(),
    )
}

fn ring(n: &Node, k: usize) {
    for _ in 0..k {
        n.ok(&["order", "create", "TEA"]);
    }
}

#[test]
fn a_client_clock_a_year_ahead_then_set_right_keeps_order_and_causal_last_write_wins() {
    let root = tempdir();
    let (s, addr) = server(root.path(), "S");
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50", "--stock", "100"]);
    let mut a = client(root.path(), "A", &addr);
    let b = client(root.path(), "B", &addr);
    wait_products(&[&a, &b], 1);

    // A's clock jumps a year ahead while it runs: it sells and changes the price.
    set_clock_offset(&a, YEAR_MS);
    ring(&a, 2);
    a.ok(&["product", "set-price", "TEA", "3.00"]);
    wait_orders(&[&s, &a, &b], 2);
    wait_price(&[&s, &a, &b], 300);

    // B, on time, saw A's price and changes it: its write is the later one despite its clock.
    b.ok(&["product", "set-price", "TEA", "3.50"]);
    ring(&b, 1);
    wait_price(&[&s, &a, &b], 350);
    wait_orders(&[&s, &a, &b], 3);

    // A is killed; at its next hello the server sets its clock right (a year back).
    a.kill9();
    let mark = a.log_len();
    a.start();
    a.wait_log_after(mark, "syncing with");
    let offset = status(&a)["clock_offset_ms"].as_i64().unwrap_or(i64::MAX);
    assert!(offset.abs() < 5_000, "A's clock was set right by the server: offset {offset} ms");
    // A's next writes still come after everything it has seen, a year ahead or not.
    ring(&a, 1);
    a.ok(&["product", "set-price", "TEA", "4.00"]);
    wait_orders(&[&s, &a, &b], 4);
    wait_price(&[&s, &a, &b], 400);

    let want = ["A-000001", "A-000002", "B-000001", "A-000003"];
    for n in [&s, &a, &b] {
        let (numbers, created) = order_list(n);
        assert_eq!(numbers, want, "{}: orders in the order they were rung", n.name);
        assert!(created.windows(2).all(|w| w[0] <= w[1]), "{}: created times never go back: {created:?}", n.name);
    }
    let dump = s.dump();
    for n in [&a, &b] {
        wait_until(&format!("{} to hold every event", n.name), *DEADLINE, || n.dump() == dump, || n.log_text());
    }
}

#[test]
fn a_server_a_year_ahead_of_its_clients_keeps_order_and_causal_last_write_wins() {
    let root = tempdir();
    let mut s = Node::new(root.path(), "S");
    set_up_server(&s, free_port());
    set_clock_offset(&s, YEAR_MS);
    let addr = start_server(&mut s);
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50", "--stock", "100"]);
    let a = client(root.path(), "A", &addr);
    let b = client(root.path(), "B", &addr);
    wait_products(&[&a, &b], 1);

    // The clients sell first (on time), then the server (a year ahead), then the clients again.
    ring(&a, 1);
    ring(&b, 1);
    wait_orders(&[&s], 2);
    ring(&s, 1);
    wait_orders(&[&a, &b], 3);
    ring(&a, 1);
    ring(&b, 1);
    wait_orders(&[&s, &a, &b], 5);

    // A client that saw the server's price overrides it, though its clock is a year behind.
    s.ok(&["product", "set-price", "TEA", "3.00"]);
    wait_price(&[&a], 300);
    a.ok(&["product", "set-price", "TEA", "3.25"]);
    wait_price(&[&s, &a, &b], 325);

    for n in [&s, &a, &b] {
        let (numbers, _) = order_list(n);
        let pos = |x: &str| numbers.iter().position(|y| y == x).unwrap_or_else(|| panic!("{}: no {x}", n.name));
        assert!(pos("A-000001") < pos("S-000001") && pos("B-000001") < pos("S-000001"), "{}: {numbers:?}", n.name);
        assert!(pos("S-000001") < pos("A-000002") && pos("S-000001") < pos("B-000002"), "{}: {numbers:?}", n.name);
    }
    let dump = s.dump();
    for n in [&a, &b] {
        wait_until(&format!("{} to hold every event", n.name), *DEADLINE, || n.dump() == dump, || n.log_text());
    }
}
