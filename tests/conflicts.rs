//! The conflict rules of docs/DATA.md with real `till run` processes on loopback: a server S and
//! clients A and B; S is killed, A and B do contradictory things while apart, S comes back. Every
//! register must then hold the same events (identical canonical dumps), the same capped stock and
//! the same conflict list, and a manager settles a conflict once for all. The same scenarios
//! without processes are in appliance/tests/conflicts.rs.

mod common;

use std::collections::BTreeMap;

use common::*;
use serde_json::Value;

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

/// A command's JSON output.
fn json(node: &Node, args: &[&str]) -> Value {
    let out = node.ok(args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{}: till {args:?}: not JSON ({e}): {out}", node.name))
}

/// A JSON array as a vector (panics when it is not one).
fn list(v: Value) -> Vec<Value> {
    match v {
        Value::Array(items) => items,
        other => panic!("not a list: {other}"),
    }
}

/// `till conflicts --json` (`--all` too when `all`).
fn conflicts(node: &Node, all: bool) -> Vec<Value> {
    list(json(node, if all { &["conflicts", "--all", "--json"] } else { &["conflicts", "--json"] }))
}

/// `open_conflicts` of `till status --json`.
fn open_conflicts(node: &Node) -> i64 {
    json(node, &["status", "--json"])["open_conflicts"]
        .as_i64()
        .unwrap_or_else(|| panic!("{}: no open_conflicts", node.name))
}

/// Everyone's logs, for a failure message.
fn logs(nodes: &[&Node]) -> String {
    nodes.iter().map(|n| n.log_text()).collect::<Vec<_>>().join("\n")
}

/// Waits until every node holds the same events: identical canonical dumps (which include the
/// conflict list and the resolutions).
fn converge(nodes: &[&Node]) {
    wait_until(
        "every register to hold the same events",
        *DEADLINE,
        || {
            let first = nodes[0].dump();
            nodes[1..].iter().all(|n| n.dump() == first)
        },
        || {
            let dumps: Vec<String> = nodes.iter().map(|n| format!("--- {} dump ---\n{}", n.name, n.dump())).collect();
            format!("{}\n{}", dumps.join("\n"), logs(nodes))
        },
    );
}

/// A server S with `sku` (`stock` counted, 2.50) and clients A and B that hold it.
fn shop(root: &std::path::Path, sku: &str, stock: u32) -> (Node, Node, Node) {
    let (s, addr) = server(root, "S");
    s.ok(&["product", "add", sku, "--name", "Tea", "--price", "2.50", "--stock", &stock.to_string()]);
    let a = client(root, "A", &addr);
    let b = client(root, "B", &addr);
    // The product and its count reached both clients.
    converge(&[&s, &a, &b]);
    assert_eq!(b.stock(sku), i64::from(stock));
    (s, a, b)
}

/// Rings `items` on `node`; the order's number.
fn sell(node: &Node, items: &str) -> String {
    let order = json(node, &["order", "create", items, "--json"]);
    order["number"].as_str().unwrap_or_else(|| panic!("{}: no order number: {order}", node.name)).to_string()
}

/// The one open conflict every register lists, checked to be the same everywhere; `kind` is
/// its kind.
fn the_one_conflict(nodes: &[&Node], kind: &str) -> Value {
    let mut seen: Option<Value> = None;
    for n in nodes {
        let c = conflicts(n, false);
        assert_eq!(c.len(), 1, "{}: one open conflict: {c:#?}", n.name);
        assert_eq!(c[0]["kind"], kind, "{}: {:#}", n.name, c[0]);
        assert_eq!(open_conflicts(n), 1, "{}: till status counts it", n.name);
        if let Some(first) = &seen {
            assert_eq!(&c[0], first, "{}: the same conflict, same id, same words as on {}", n.name, nodes[0].name);
        }
        seen = Some(c[0].clone());
    }
    seen.unwrap_or_else(|| panic!("no registers"))
}

/// The names of the registers a conflict's events were made on.
fn registers_of(conflict: &Value) -> Vec<String> {
    list(conflict["events"].clone()).iter().filter_map(|e| e["register"].as_str().map(str::to_string)).collect()
}

/// `till_conflicts_open{kind="…"}` of the server's `/metrics`, by kind.
fn gauges(addr: &str) -> BTreeMap<String, i64> {
    let (status, body) = http(addr, "GET", "/metrics", &[], b"");
    let text = String::from_utf8_lossy(&body);
    assert_eq!(status, 200, "{text}");
    text.lines()
        .filter_map(|l| {
            let (kind, n) = l.strip_prefix("till_conflicts_open{kind=\"")?.split_once("\"} ")?;
            Some((kind.to_string(), n.parse().ok()?))
        })
        .collect()
}

/// Waits until the server's `/metrics` gauge counts `open` conflicts of `kind` and none of any
/// other kind (the gauges are refreshed when the log changes, at most once a second).
fn wait_gauge(addr: &str, kind: &str, open: i64) {
    wait_until(
        &format!("/metrics to count {open} open {kind}"),
        *DEADLINE,
        || {
            let g = gauges(addr);
            g.len() == till::model::ConflictKind::ALL.len()
                && g.get(kind) == Some(&open)
                && g.iter().all(|(k, n)| k == kind || *n == 0)
        },
        || format!("{:?}", gauges(addr)),
    );
}

/// The one open `conflict` is counted by the server's (`all[0]`) `/metrics`; a manager (ann)
/// settles it on `on` by an 8-character prefix of its id; every register of `all` then shows it
/// resolved there: none open, listed with `--all` with the note, ann and the register it was
/// settled on; and the gauge drops to 0.
fn resolve_everywhere(all: &[&Node], on: &Node, conflict: &Value, note: &str) {
    let addr = all[0].listening();
    let kind = conflict["kind"].as_str().unwrap_or_else(|| panic!("no kind: {conflict:#}"));
    let id = conflict["id"].as_str().unwrap_or_else(|| panic!("no id: {conflict:#}"));
    wait_gauge(&addr, kind, 1);
    let said = on.ok(&["conflicts", "resolve", &id[..8], "--note", note, "--by", "ann"]);
    assert!(said.contains("resolved conflict"), "{said}");
    assert_eq!(open_conflicts(on), 0);
    for n in all {
        wait_until(
            &format!("{} to show the conflict resolved", n.name),
            *DEADLINE,
            || open_conflicts(n) == 0,
            || logs(all),
        );
    }
    converge(all);
    for n in all {
        assert!(conflicts(n, false).is_empty(), "{}: no open conflict", n.name);
        let settled = conflicts(n, true);
        assert_eq!(settled.len(), 1, "{}: still listed with --all: {settled:#?}", n.name);
        assert_eq!(settled[0]["id"], id);
        let res = &settled[0]["resolution"];
        assert_eq!(res["by"], "ann", "{}: {res:#}", n.name);
        assert_eq!(res["note"], note, "{}: {res:#}", n.name);
        assert_eq!(res["register"], on.name.as_str(), "{}: settled on {}: {res:#}", n.name, on.name);
    }
    wait_gauge(&addr, kind, 0);
}

/// `expected_cash_cents` of `till report x` on `node`: its drawer's expected cash today.
fn expected_cash_today(node: &Node) -> i64 {
    let x = json(node, &["report", "x", "--json"]);
    x["expected_cash_cents"].as_i64().unwrap_or_else(|| panic!("{}: no expected cash: {x:#}", node.name))
}

#[test]
fn a_double_refund_made_apart_restocks_once_is_listed_everywhere_and_resolved_once_for_all() {
    let root = tempdir();
    let (mut s, a, b) = shop(root.path(), "TEA", 12);
    // A's and B's drawers: each opens a shift with its own float.
    a.ok(&["shift", "open", "--float", "100.00"]);
    b.ok(&["shift", "open", "--float", "50.00"]);
    let number = sell(&s, "TEA:2");
    wait_orders(&[&s, &a, &b], 1);

    // The server goes down; A and B each refund the same 2 teas in full, goods back on the shelf.
    s.kill9();
    a.ok(&["return", "create", &number, "TEA:2"]);
    b.ok(&["return", "create", &number, "TEA:2"]);
    assert_eq!(a.stock("TEA"), 12, "alone, A put its 2 teas back");
    assert_eq!(b.stock("TEA"), 12, "alone, B put its 2 teas back");
    assert!(conflicts(&a, true).is_empty(), "alone, A refunded what it knew remained");
    s.start();
    let all = [&s, &a, &b];
    converge(&all);

    for n in all {
        assert_eq!(n.stock("TEA"), 12, "{}: 12 − 2 sold + 2 back once, not 14", n.name);
        let returns = list(json(n, &["return", "list", "--json"]));
        assert_eq!(returns.len(), 2, "{}: both refunds stay in the books: {returns:#?}", n.name);
        assert!(returns.iter().all(|r| r["order_number"] == number.as_str() && r["refund_cents"] == 500));
    }
    // Cash left both drawers: each one's expected cash (X report, then its shift's close) is its
    // float less its own refund, not the other's; the server's drawer took the sale's 5.00.
    assert_eq!(expected_cash_today(&s), 500, "S: the sale's cash");
    for (n, float) in [(&a, 10_000), (&b, 5_000)] {
        assert_eq!(expected_cash_today(n), float - 500, "{}: the float less its own 5.00 refund", n.name);
        let shift = json(n, &["shift", "close", "--counted", "0", "--json"]);
        assert_eq!(shift["expected_cents"], float - 500, "{}: {shift:#}", n.name);
    }
    // The closes reach every register and change no conflict.
    converge(&all);
    let c = the_one_conflict(&all, "over_refund");
    assert_eq!(c["subject"], number.as_str());
    assert_eq!(c["at_stake"], 500, "5.00 paid out beyond the sale: {c:#}");
    assert!(c["summary"].as_str().is_some_and(|s| s.contains("refunded twice")), "{c:#}");
    let by = registers_of(&c);
    assert!(by.iter().any(|r| r == "A") && by.iter().any(|r| r == "B"), "both refunds named: {c:#}");
    assert!(c["resolution"].is_null());

    // A manager settles it on A, by a prefix of its id; S and B learn it by sync.
    resolve_everywhere(&all, &a, &c, "the customer came back once; B's refund was a mistake");
    for n in all {
        assert_eq!(n.stock("TEA"), 12, "{}: settling changes no stock", n.name);
    }
    // Settled once: B cannot settle it again.
    let id = c["id"].as_str().unwrap_or_default();
    let again = b.till(&["conflicts", "resolve", &id[..8], "--note", "again"]);
    assert_eq!(
        again.status.code(),
        Some(3),
        "a settled conflict is settled: {}",
        String::from_utf8_lossy(&again.stderr)
    );
}

#[test]
fn a_void_and_a_return_made_apart_restock_once_keep_the_refund_the_void_stands_and_are_resolved_for_all() {
    let root = tempdir();
    let (mut s, a, b) = shop(root.path(), "TEA", 12);
    let number = sell(&s, "TEA:3");
    wait_orders(&[&s, &a, &b], 1);

    s.kill9();
    a.ok(&["order", "void", &number]);
    b.ok(&["return", "create", &number, "TEA:2"]);
    assert_eq!(a.stock("TEA"), 12, "A's void put the 3 teas back");
    assert_eq!(b.stock("TEA"), 11, "B's return put 2 back");
    s.start();
    let all = [&s, &a, &b];
    converge(&all);

    for n in all {
        assert_eq!(n.stock("TEA"), 12, "{}: 3 sold, 3 back once", n.name);
        let orders = list(json(n, &["order", "list", "--json"]));
        let order = orders
            .iter()
            .find(|o| o["number"] == number.as_str())
            .unwrap_or_else(|| panic!("{}: no order {number}: {orders:#?}", n.name));
        assert_eq!(order["voided"], true, "{}: the void stands: {order:#}", n.name);
        let returns = list(json(n, &["return", "list", "--json"]));
        assert_eq!(returns.len(), 1, "{}: the refund stays in the books: {returns:#?}", n.name);
        assert_eq!(returns[0]["refund_cents"], 500);
    }
    let c = the_one_conflict(&all, "void_and_return");
    assert_eq!(c["subject"], number.as_str());
    assert_eq!(c["at_stake"], 500, "2 of 3 teas at 2.50 refunded on a voided sale: {c:#}");
    let by = registers_of(&c);
    assert!(by.iter().any(|r| r == "A") && by.iter().any(|r| r == "B"), "the void and the return named: {c:#}");
    // A manager settles it on B; S and A learn it by sync.
    resolve_everywhere(&all, &b, &c, "the void was right; 5.00 recovered from the customer");
    // The counter stays strict: a further return of the voided order is refused.
    let more = b.till(&["return", "create", &number, "TEA:1"]);
    assert_eq!(more.status.code(), Some(3), "{}", String::from_utf8_lossy(&more.stderr));
}

#[test]
fn the_last_unit_sold_on_both_sides_goes_below_zero_everywhere_is_resolved_for_all_and_counted() {
    let root = tempdir();
    let (mut s, a, b) = shop(root.path(), "MUG", 1);
    s.kill9();
    sell(&a, "MUG");
    sell(&b, "MUG");
    for n in [&a, &b] {
        assert_eq!(n.stock("MUG"), 0);
        assert!(conflicts(n, true).is_empty(), "{}: alone, it sold what it had", n.name);
    }
    s.start();
    let all = [&s, &a, &b];
    wait_orders(&all, 2);
    converge(&all);

    for n in all {
        assert_eq!(n.stock("MUG"), -1, "{}: both sales stand", n.name);
    }
    let c = the_one_conflict(&all, "oversold");
    assert_eq!(c["subject"], "MUG");
    assert_eq!(c["at_stake"], 1, "one mug more than there was: {c:#}");
    let mut by = registers_of(&c);
    by.sort();
    assert_eq!(by, ["A", "B"], "both sales named: {c:#}");

    // A manager settles it on A; every register shows it settled, and settling moves no stock.
    resolve_everywhere(&all, &a, &c, "one mug promised from the next delivery");
    for n in all {
        assert_eq!(n.stock("MUG"), -1, "{}: the facts stand", n.name);
    }

    // Counting the shelf puts the stock right on every register.
    b.ok(&["stock", "count", "MUG", "0"]);
    for n in all {
        wait_until(
            &format!("{} to take the count", n.name),
            *DEADLINE,
            || n.stock("MUG") == 0 && open_conflicts(n) == 0,
            || logs(&all),
        );
        assert!(conflicts(n, false).is_empty(), "{}: no open conflict after the count", n.name);
    }
    converge(&all);
}

#[test]
fn a_second_register_under_a_taken_name_is_refused_and_setup_warns() {
    let root = tempdir();
    let (s, addr) = server(root.path(), "S");
    s.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2.50"]);
    let a = client(root.path(), "A", &addr);
    let mut b = client(root.path(), "B", &addr);
    wait_products(&[&a, &b], 1);
    // A announces its name with its first event, and B learns it.
    sell(&a, "TEA");
    wait_orders(&[&s, &a, &b], 1);
    let a_id = json(&a, &["status", "--json"])["register_id"]
        .as_str()
        .filter(|id| id.len() == 32)
        .unwrap_or_else(|| panic!("A: no register id"))
        .to_string();

    // A new register set up under A's name knows no other register yet: no warning.
    let mut c = Node::new(root.path(), "C");
    let setup =
        c.till(&["setup", "set", "mode=client", "name=A", &format!("server={addr}"), &format!("secret={SECRET}")]);
    assert!(setup.status.success(), "{}", String::from_utf8_lossy(&setup.stderr));
    assert!(!String::from_utf8_lossy(&setup.stderr).contains("warning"), "{}", String::from_utf8_lossy(&setup.stderr));
    // The server refuses it, saying which register holds the name.
    let test = c.till(&["test-connection"]);
    let said = String::from_utf8_lossy(&test.stderr);
    assert_eq!(test.status.code(), Some(15), "refused by the server: {said}");
    // Whole, quoted once: which register holds the name, and what to do.
    let reason = format!(
        "refuses this register: 'the name A is taken by register {}; rename this register (till setup set name=…)'",
        &a_id[..8]
    );
    assert!(said.contains(&reason), "{said}");
    // So does `till run`, and it never syncs.
    let mark = c.spawn();
    c.wait_log_after(mark, &reason);
    assert!(!c.log_after(mark).iter().any(|l| l.contains("syncing with")), "{}", c.log_text());
    let peers = s.ok(&["peers", "--json"]);
    let c_id = json(&c, &["status", "--json"])["register_id"].as_str().unwrap_or_default().to_string();
    assert!(!peers.contains(&c_id), "the server did not enroll it: {peers}");
    assert_eq!(c.orders(), 0, "nothing reached it");
    c.kill9();

    // A register that holds A's events is warned when it takes A's name (the name is saved).
    b.stop();
    let rename = b.till(&["setup", "set", "name=A"]);
    let warned = String::from_utf8_lossy(&rename.stderr);
    assert!(rename.status.success(), "{warned}");
    assert!(warned.contains("warning") && warned.contains("already goes by"), "{warned}");
    assert!(warned.contains(&a_id[..8]), "it names A ({a_id}): {warned}");
    // Back to its own name: no warning.
    let back = b.till(&["setup", "set", "name=B"]);
    assert!(back.status.success() && back.stderr.is_empty(), "{}", String::from_utf8_lossy(&back.stderr));
}
