//! The Vendure connector against a real Vendure 3.7.3 (tests/ecommerce/vendure, started by the
//! test on a free loopback port with its own SQLite file): the catalog pulled into Till; sales
//! (cash, split tender, a discount), a void, a return and a stock count rung on real `till run`
//! registers and checked through Vendure's own Admin API; Vendure killed with SIGKILL mid-export
//! and started again, after which every sale is there once; and a register that exported and then
//! became a server's client, the server taking the export over: it asks Vendure what is there and
//! sends only the rest. Skipped (not passed) when Node.js or the harness's packages are missing.
//! Every wait has a deadline.

mod common;

use std::collections::BTreeMap;

use common::vendure::{Admin, PASSWORD, USER, Vendure};
use common::{DEADLINE, Node, SECRET, free_port, set_up_server, wait_orders, wait_until};
use serde_json::Value;

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

fn json(n: &Node, args: &[&str]) -> Value {
    let out = n.ok(args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{}: till {args:?}: {e}: {out}", n.name))
}

/// Sets the Vendure export up on `n` (everything it holds, calls bounded to 5 s).
fn export_to(n: &Node, v: &Vendure) {
    n.ok(&[
        "export",
        "set",
        "vendure",
        &format!("url={}", v.url()),
        &format!("user={USER}"),
        &format!("password={PASSWORD}"),
        "since=all",
        "timeout=5",
    ]);
}

/// Rings a sale; its JSON.
fn sell(n: &Node, args: &[&str]) -> Value {
    let mut a = vec!["order", "create", "--json"];
    a.extend_from_slice(args);
    json(n, &a)
}

fn status(n: &Node) -> Value {
    json(n, &["export", "status", "--json"])
}

/// Waits until `n`'s outbox has nothing waiting and `sent` entries went, none dead.
fn wait_exported(n: &Node, v: &Vendure, sent: u64) {
    wait_until(
        &format!("{}: {sent} export entries sent", n.name),
        *DEADLINE * 2,
        || {
            let s = status(n);
            assert_eq!(s["dead"], 0, "nothing dead: {s}");
            s["pending"] == 0 && s["sent"] == sent
        },
        || format!("{}\n{}\n{}", status(n), n.log_text(), v.log_text()),
    );
}

/// The three products of the shop, made in Vendure.
fn catalog(admin: &Admin) {
    admin.product("TEA", "Green tea", 250, 100, Some("4006381333931"));
    admin.product("COF", "Coffee beans", 1299, 50, None);
    admin.product("MUG", "Mug", 800, 20, Some("5901234123457"));
}

/// Vendure's orders by their Till id; panics on an order without one (a draft left behind) or
/// a Till id on two orders.
fn by_till_id(admin: &Admin) -> BTreeMap<String, Value> {
    let mut map = BTreeMap::new();
    for o in admin.orders() {
        let key = o["customFields"]["tillId"].as_str().unwrap_or_else(|| panic!("an order without tillId: {o}"));
        assert!(map.insert(key.to_string(), o.clone()).is_none(), "two Vendure orders for {key}");
    }
    map
}

/// Every Till sale of `till` is in Vendure once, at its total, paid by one payment naming its
/// tenders; voided ones cancelled and refunded in full, the rest delivered; nothing else.
fn check_orders(till: &[Value], admin: &Admin) -> BTreeMap<String, Value> {
    let have = by_till_id(admin);
    assert_eq!(have.len(), till.len(), "Vendure holds exactly the Till sales: {:?}", have.keys());
    for t in till {
        let id = t["id"].as_str().unwrap_or_default();
        let o = have.get(id).unwrap_or_else(|| panic!("sale {id} ({}) is not in Vendure", t["number"]));
        let pay = &o["payments"].as_array().filter(|p| p.len() == 1).unwrap_or_else(|| panic!("one payment: {o}"))[0];
        assert_eq!(pay["amount"], t["total_cents"], "{id}: paid what Till charged: {o}");
        assert_eq!(pay["state"], "Settled", "{o}");
        assert_eq!(pay["method"].as_str(), Some(format!("till:{}", t["payment"].as_str().unwrap_or("")).as_str()));
        assert_eq!(pay["metadata"]["tenders"], t["tenders"], "{id}: the tenders named: {o}");
        assert_eq!(pay["metadata"]["till_order"], t["number"]);
        if t["voided"] == true {
            assert_eq!(o["state"], "Cancelled", "{id} voided: {o}");
            let refunds = pay["refunds"].as_array().cloned().unwrap_or_default();
            let settled: i64 =
                refunds.iter().filter(|r| r["state"] == "Settled").filter_map(|r| r["total"].as_i64()).sum();
            assert_eq!(Some(settled), t["total_cents"].as_i64(), "{id}: refunded in full: {o}");
        } else {
            assert_eq!(o["state"], "Delivered", "{id}: {o}");
            assert_eq!(o["totalWithTax"], t["total_cents"], "{id}: Vendure's total is Till's: {o}");
        }
    }
    have
}

#[test]
fn sales_voids_returns_and_stock_reach_vendure_once_through_a_vendure_killed_mid_export() {
    if let Some(why) = common::vendure::missing() {
        skip!("{why}");
    }
    let root = tempdir();
    let mut v = Vendure::start(root.path());
    let admin = v.admin();
    catalog(&admin);

    // The catalog comes in with its prices and barcodes; `export test` sends nothing.
    let mut a = Node::new(root.path(), "R1");
    export_to(&a, &v);
    let said = a.ok(&["export", "test"]);
    assert!(said.contains("Order.tillId: yes") && said.contains("nothing was sent"), "{said}");
    let pulled = json(&a, &["export", "pull", "--json"]);
    assert_eq!(pulled["added"], 3, "{pulled}");
    let products = json(&a, &["product", "list", "--json"]);
    let find = |sku: &str| {
        products.as_array().and_then(|p| p.iter().find(|x| x["sku"] == sku)).cloned().unwrap_or(Value::Null)
    };
    assert_eq!((find("TEA")["name"].clone(), find("TEA")["price_cents"].clone()), ("Green tea".into(), 250.into()));
    assert_eq!(find("TEA")["barcodes"], serde_json::json!(["4006381333931"]));
    assert_eq!(find("COF")["price_cents"], 1299);
    assert_eq!(find("MUG")["barcodes"], serde_json::json!(["5901234123457"]));
    assert_eq!(json(&a, &["export", "pull", "--json"])["unchanged"], 3, "a second pull changes nothing");

    a.start();
    let cash = sell(&a, &["TEA:2"]);
    let split = sell(&a, &["COF", "5901234123457", "--pay", "cash:5.00", "--pay", "card"]);
    let discounted = sell(&a, &["TEA:3:10%", "--tendered", "20.00"]);
    a.ok(&["order", "void", cash["number"].as_str().unwrap_or_default()]);
    let ret = json(&a, &["return", "create", split["number"].as_str().unwrap_or_default(), "MUG", "--json"]);
    a.ok(&["stock", "count", "COF", "30"]);
    wait_exported(&a, &v, 6);

    let till = |n: &Node| json(n, &["order", "list", "--json"]).as_array().cloned().unwrap_or_default();
    let have = check_orders(&till(&a), &admin);
    // Till's prices, not Vendure's: 3 × 2.50 less 10 %.
    let d = &have[discounted["id"].as_str().unwrap_or_default()];
    assert_eq!((d["totalWithTax"].as_i64(), discounted["total_cents"].as_i64()), (Some(675), Some(675)), "{d}");
    // The return is a settled refund of what Till gave back.
    let s = &have[split["id"].as_str().unwrap_or_default()];
    let refunds = s["payments"][0]["refunds"].as_array().cloned().unwrap_or_default();
    assert_eq!(refunds.len(), 1, "{s}");
    assert_eq!(
        (refunds[0]["total"].clone(), refunds[0]["state"].clone()),
        (ret["refund_cents"].clone(), "Settled".into())
    );
    assert!(refunds[0]["reason"].as_str().unwrap_or_default().ends_with(ret["id"].as_str().unwrap_or("?")), "{s}");
    // Stock: the count's figure for COF; delivered sales came off MUG; the voided TEA went back.
    assert_eq!(admin.stock("COF"), (30, 0));
    assert_eq!(admin.stock("MUG"), (19, 0));
    assert_eq!(admin.stock("TEA"), (97, 0));

    // The answer to the call that makes a draft is lost after Vendure made it: the next try
    // takes that blank draft, so none is left behind (check_orders refuses an order without a
    // tillId) and the sale is one order.
    v.lose_answer("createDraftOrder");
    sell(&a, &["COF"]);
    wait_exported(&a, &v, 7);
    assert!(v.answer_lost(), "no createDraftOrder call was cut");
    assert!(a.log_text().contains("taking blank draft order"), "{}", a.log_text());
    check_orders(&till(&a), &admin);

    // Vendure killed while sales are on their way: they wait, and after its restart each
    // arrives once, whatever step the kill cut.
    let before = status(&a)["sent"].as_u64().unwrap_or(0);
    let mut rung = Vec::new();
    for i in 0..6 {
        rung.push(sell(&a, &[if i % 2 == 0 { "TEA" } else { "MUG:2" }]));
    }
    wait_until(
        "the first of them to reach Vendure",
        *DEADLINE,
        || status(&a)["sent"].as_u64().unwrap_or(0) > before,
        || a.log_text(),
    );
    // A little later each run, so the kill cuts a sale at another step (the states below).
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    std::thread::sleep(std::time::Duration::from_millis(u64::from(nanos % 300)));
    v.kill9();
    eprintln!(
        "Vendure killed with {} of the 6 sales sent; its orders then, by state: {:?}",
        status(&a)["sent"].as_u64().unwrap_or(0) - before,
        v.states_on_disk()
    );
    for _ in 0..2 {
        rung.push(sell(&a, &["COF", "--pay", "card"]));
    }
    wait_until(
        "the export to notice Vendure is gone",
        *DEADLINE,
        || status(&a)["last_error"].is_string(),
        || format!("{}\n{}", status(&a), a.log_text()),
    );
    assert!(status(&a)["pending"].as_u64().unwrap_or(0) >= 2, "{}", status(&a));
    v.restart();
    wait_exported(&a, &v, before + 8);
    let admin = v.admin();
    let all = till(&a);
    assert_eq!(all.len(), 12);
    check_orders(&all, &admin);
    a.stop();
}

#[test]
fn a_register_that_exported_then_joins_a_server_is_exported_by_the_server_without_sending_twice() {
    if let Some(why) = common::vendure::missing() {
        skip!("{why}");
    }
    let root = tempdir();
    let v = Vendure::start(root.path());
    let admin = v.admin();
    catalog(&admin);

    // A exports on its own: three sales and a void reach Vendure.
    let mut a = Node::new(root.path(), "A");
    export_to(&a, &v);
    a.ok(&["export", "pull"]);
    a.start();
    let first: Vec<Value> = (0..3).map(|_| sell(&a, &["TEA", "MUG"])).collect();
    a.ok(&["order", "void", first[0]["number"].as_str().unwrap_or_default()]);
    wait_exported(&a, &v, 4);
    a.stop();
    // Two more are rung while it is stopped: they wait in its outbox.
    let later: Vec<Value> = (0..2).map(|_| sell(&a, &["COF", "--pay", "card"])).collect();
    assert_eq!(status(&a)["pending"], 2);

    // A becomes the client of server B; B holds everything A rang before it exports.
    let mut b = Node::new(root.path(), "B");
    set_up_server(&b, free_port());
    b.start();
    let addr = b.listening();
    a.ok(&["setup", "set", "mode=client", &format!("server={addr}"), &format!("secret={SECRET}")]);
    let mark = a.log_len();
    a.start();
    a.wait_log_after(mark, "syncing with");
    wait_orders(&[&b], 5);
    assert_eq!(status(&a)["exporting"], false, "a client never exports");

    // B takes the export over: it asks Vendure which sales it has and sends only the others.
    export_to(&b, &v);
    wait_until(
        "B to send what Vendure lacks",
        *DEADLINE * 2,
        || {
            let s = status(&b);
            assert_eq!(s["dead"], 0, "{s}");
            s["pending"] == 0 && s["sent"].as_u64().unwrap_or(0) >= 6
        },
        || format!("{}\n{}\n{}", status(&b), b.log_text(), v.log_text()),
    );
    let entries = json(&b, &["export", "list", "--json"]);
    let attempts = |id: &Value| {
        entries
            .as_array()
            .and_then(|e| e.iter().find(|x| x["key"] == *id))
            .map(|x| x["attempts"].as_i64().unwrap_or(-1))
            .unwrap_or_else(|| panic!("B has no entry {id}: {entries}"))
    };
    for s in &first {
        assert_eq!(attempts(&s["id"]), 0, "{}: Vendure had it; B did not send it: {entries}", s["id"]);
    }
    for s in &later {
        assert_eq!(attempts(&s["id"]), 1, "{}: B sent it once: {entries}", s["id"]);
    }
    let all = json(&b, &["order", "list", "--json"]).as_array().cloned().unwrap_or_default();
    assert_eq!(all.len(), 5);
    let have = check_orders(&all, &admin);
    // The void B sent again found the order cancelled and refunded: no second refund.
    let voided = &have[first[0]["id"].as_str().unwrap_or_default()];
    assert_eq!(voided["payments"][0]["refunds"].as_array().map(Vec::len), Some(1), "{voided}");
    a.stop();
    b.stop();
}
