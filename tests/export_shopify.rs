//! The Shopify connector end to end: a real `till run` exports sales, a void, a return, a
//! delivery and a count over HTTPS (a test CA) to the stand-in of tests/ecommerce/shopify, which
//! validates every GraphQL operation against Shopify's real Admin schema of the version spoken,
//! keeps the shop in memory, throttles by cost and fails on demand.
//!
//! Needs node and what `tests/ecommerce/shopify/fetch-schema` brings (scripts/test runs it);
//! without them the tests say they are skipped.

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use common::{DEADLINE, Node, wait_until};
use serde_json::{Value, json};

const TOKEN: &str = "shpat_till_test_0123456789abcdef";

/// The stand-in, running.
struct StandIn {
    child: Child,
    port: u16,
    control: String,
    ca: PathBuf,
    version: String,
    _dir: tempfile::TempDir,
}

impl StandIn {
    /// Starts the stand-in speaking `version`, or says why it cannot run here.
    fn start(version: &str) -> Result<StandIn, String> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let here = root.join("tests/ecommerce/shopify");
        let schema = root.join(format!("out/shopify/admin_{version}.json.gz"));
        if Command::new("node").arg("--version").output().is_err() {
            return Err("node is not installed".into());
        }
        if !schema.exists() || !here.join("node_modules/graphql").exists() {
            return Err(format!(
                "{} or graphql-js is missing: run tests/ecommerce/shopify/fetch-schema (scripts/test does)",
                schema.display()
            ));
        }
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let mut child = Command::new("node")
            .arg(here.join("server.js"))
            .args(["--schema", &schema.to_string_lossy(), "--dir", &dir.path().to_string_lossy()])
            .args(["--version", version, "--token", TOKEN, "--location", "1", "--lifetime", "600"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("node: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(*DEADLINE).expect("the stand-in said nothing");
        let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("stand-in: {e}: {line:?}"));
        let port = v["port"].as_u64().expect("port") as u16;
        Ok(StandIn {
            child,
            port,
            control: format!("127.0.0.1:{}", v["control"].as_u64().expect("control")),
            ca: PathBuf::from(v["ca"].as_str().expect("ca")),
            version: version.to_string(),
            _dir: dir,
        })
    }

    fn endpoint(&self) -> String {
        format!("https://127.0.0.1:{}/admin/api/{}/graphql.json", self.port, self.version)
    }

    fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let (status, bytes) = common::http(&self.control, method, path, &[], body.to_string().as_bytes());
        assert_eq!(status, 200, "stand-in {path}: {}", String::from_utf8_lossy(&bytes));
        serde_json::from_slice(&bytes).expect("stand-in answers JSON")
    }

    fn state(&self) -> Value {
        self.call("GET", "/state", Value::Null)
    }

    fn variant(&self, sku: &str, title: &str, price: &str, available: i64) {
        self.call("POST", "/variant", json!({ "sku": sku, "title": title, "price": price, "available": available }));
    }

    fn fail(&self, mode: &str, count: u32) {
        self.call("POST", "/fail", json!({ "mode": mode, "count": count, "only": "mutation" }));
    }

    /// The shop's orders with this source identifier.
    fn orders_for(&self, key: &str) -> Vec<Value> {
        let s = self.state();
        s["orders"].as_array().into_iter().flatten().filter(|o| o["sourceIdentifier"] == key).cloned().collect()
    }

    fn level(&self, sku: &str) -> (i64, i64) {
        let s = self.state();
        let v = s["variants"].as_array().into_iter().flatten().find(|v| v["sku"] == sku).cloned().expect("variant");
        (v["level"]["available"].as_i64().expect("available"), v["level"]["on_hand"].as_i64().expect("on_hand"))
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A standalone register with a 19 % tax, three products and the export to `shop`.
fn register(root: &std::path::Path, shop: &StandIn) -> Node {
    let mut r = Node::new(root, "reg");
    r.ok(&["setting", "set", "currency", "EUR"]);
    r.ok(&["tax", "add", "std", "19"]);
    r.ok(&["tax", "add", "food", "7"]);
    for (sku, name, price, tax) in
        [("TEA", "Tea", "2.50", "food"), ("COF", "Coffee", "4.00", "food"), ("MUG", "Mug", "8.00", "std")]
    {
        r.ok(&["product", "add", sku, "--name", name, "--price", price, "--stock", "40", "--tax", tax]);
    }
    r.ok(&[
        "export",
        "set",
        "shopify",
        "shop=till-test",
        &format!("token={TOKEN}"),
        "location=1",
        &format!("endpoint={}", shop.endpoint()),
        &format!("ca={}", shop.ca.display()),
        "timeout=2",
    ]);
    r.start();
    r
}

fn json_of(r: &Node, args: &[&str]) -> Value {
    serde_json::from_str(&r.ok(args)).unwrap_or_else(|e| panic!("till {args:?}: {e}"))
}

/// Waits until nothing waits in the outbox and `sent` entries went.
fn wait_sent(r: &Node, shop: &StandIn, sent: u64) {
    wait_until(
        &format!("{sent} export entries sent"),
        *DEADLINE,
        || {
            let s = json_of(r, &["export", "status", "--json"]);
            s["pending"] == 0 && s["sent"].as_u64() == Some(sent)
        },
        || format!("{}\n{}\n{}", r.ok(&["export", "list"]), shop.state()["stats"], r.log_text()),
    );
}

/// Checks that the Till order is exactly one Shopify order with its figures.
fn assert_exported(shop: &StandIn, order: &Value) {
    let key = order["id"].as_str().expect("id");
    let found = shop.orders_for(key);
    assert_eq!(found.len(), 1, "Till order {key} should be one Shopify order: {found:?}");
    let o = &found[0];
    assert_eq!(o["total"], order["total_cents"], "{key}: total");
    assert_eq!(o["tax"], order["tax_cents"], "{key}: tax");
    assert_eq!(o["taxesIncluded"], order["prices_include_tax"], "{key}: taxes included");
    assert_eq!(o["sourceName"], "till");
    assert_eq!(o["inventoryBehaviour"], "DECREMENT_IGNORING_POLICY");
    let paid: i64 =
        o["transactions"].as_array().expect("tx").iter().map(|t| t["amount"].as_i64().expect("amount")).sum();
    assert_eq!(paid, order["total_cents"].as_i64().expect("total"), "{key}: the transactions pay the total");
    let tenders: Vec<&str> =
        order["tenders"].as_array().expect("tenders").iter().map(|t| t["tender"].as_str().expect("name")).collect();
    for t in o["transactions"].as_array().expect("tx") {
        assert_eq!((t["kind"].as_str(), t["status"].as_str()), (Some("SALE"), Some("SUCCESS")));
        assert!(tenders.contains(&t["gateway"].as_str().expect("gateway")), "{key}: gateway {t}");
    }
    let lines: Vec<(String, i64)> = o["lineItems"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| (l["sku"].as_str().expect("sku").to_string(), l["quantity"].as_i64().expect("qty")))
        .collect();
    let want: Vec<(String, i64)> = order["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| (l["sku"].as_str().expect("sku").to_string(), l["qty"].as_i64().expect("qty")))
        .collect();
    assert_eq!(lines, want, "{key}: lines");
}

/// Asserts that the schema took every operation, and that deprecated fields were used only where
/// `allowed` names them.
fn assert_all_valid(shop: &StandIn, allowed: &[&str]) -> Value {
    let s = shop.state();
    let stats = &s["stats"];
    eprintln!("shopify stand-in {}: {stats}", shop.version);
    assert_eq!(stats["invalid"], 0, "operations the schema refuses: {}", stats["invalidOps"]);
    for (what, _) in stats["deprecated"].as_object().expect("deprecated") {
        assert!(allowed.iter().any(|a| what.starts_with(a)), "deprecated in {}: {what}", shop.version);
    }
    assert_eq!(stats["unauthorized"], 0);
    assert_eq!(s["unknownFilters"], json!([]), "search filters Shopify does not know");
    s
}

#[test]
fn shopify_gets_every_sale_return_void_and_stock_change_once() {
    let shop = match StandIn::start(till::config::SHOPIFY_API_VERSION) {
        Ok(s) => s,
        Err(why) => skip!("{why}"),
    };
    shop.variant("TEA", "Tea", "2.50", 100);
    shop.variant("COF", "Coffee", "4.00", 50);
    shop.variant("MUG", "Mug", "8.00", 20);
    let root = tempfile::tempdir().expect("tempdir");
    let r = register(root.path(), &shop);
    let said = r.ok(&["export", "test"]);
    assert!(said.contains("Till test shop") && said.contains("EUR"), "{said}");

    // Sales: cash with change, a split tender, a discount, and a tax-inclusive store.
    let mut orders = vec![
        json_of(&r, &["order", "create", "TEA:2", "COF", "--tendered", "20.00", "--json"]),
        json_of(&r, &["order", "create", "MUG", "TEA", "--pay", "card:5.00", "--pay", "cash", "--json"]),
        json_of(&r, &["order", "create", "COF:3:10%", "--discount", "1.00", "--pay", "card", "--json"]),
    ];
    r.ok(&["setting", "set", "prices_include_tax", "true"]);
    orders.push(json_of(&r, &["order", "create", "MUG:2", "TEA", "--pay", "card", "--json"]));
    assert_eq!(orders[3]["prices_include_tax"], true);
    wait_sent(&r, &shop, 4);
    for o in &orders {
        assert_exported(&shop, o);
    }
    assert_eq!(shop.level("TEA"), (96, 96), "the sales took tea at the location");

    // Answers lost after the order was made (a timeout, a 502): a lookup by source identifier
    // finds it, so it is not made twice. Failures before anything ran, and a throttled period.
    shop.fail("timeout-after", 1);
    orders.push(json_of(&r, &["order", "create", "TEA", "--json"]));
    wait_sent(&r, &shop, 5);
    shop.fail("500-after", 1);
    orders.push(json_of(&r, &["order", "create", "COF", "--json"]));
    wait_sent(&r, &shop, 6);
    shop.fail("500", 2);
    shop.fail("timeout", 1);
    orders.push(json_of(&r, &["order", "create", "MUG", "--json"]));
    wait_sent(&r, &shop, 7);
    shop.call("POST", "/throttle", json!({ "available": 0, "restore": 20 }));
    orders.push(json_of(&r, &["order", "create", "TEA:3", "--json"]));
    wait_sent(&r, &shop, 8);
    shop.call("POST", "/throttle", json!({ "restore": 1000 }));
    let s = shop.state();
    assert!(s["stats"]["throttled"].as_u64() > Some(0), "no call was throttled: {}", s["stats"]);
    assert_eq!(s["stats"]["injected"], 5, "{}", s["stats"]);
    for o in &orders {
        assert_exported(&shop, o);
    }
    let status = json_of(&r, &["export", "status", "--json"]);
    assert_eq!(status["dead"], 0, "{status}");

    // A void: everything back on the shelf at the location, every tender paid back.
    let (tea, _) = shop.level("TEA");
    r.ok(&["order", "void", orders[0]["number"].as_str().expect("number")]);
    wait_sent(&r, &shop, 9);
    let voided = &shop.orders_for(orders[0]["id"].as_str().expect("id"))[0];
    let refund = &voided["refunds"][0];
    assert_eq!(refund["amount"], orders[0]["total_cents"], "{voided}");
    assert!(refund["note"].as_str().expect("note").starts_with("Till void "), "{refund}");
    assert_eq!(shop.level("TEA").0, tea + 2, "the void restocked the tea");

    // A return of one mug of the split sale, refunded on the card.
    let ret = json_of(&r, &["return", "create", orders[1]["number"].as_str().expect("number"), "MUG", "--json"]);
    wait_sent(&r, &shop, 10);
    let returned = &shop.orders_for(orders[1]["id"].as_str().expect("id"))[0];
    let refund = &returned["refunds"][0];
    assert_eq!(refund["amount"], ret["refund_cents"], "{returned}");
    assert_eq!(refund["lines"].as_array().map(Vec::len), Some(1), "{refund}");
    assert_eq!(refund["transactions"][0]["gateway"], ret["payment"]);

    // A delivery moves Shopify's stock by its delta; a count sets on hand.
    let (tea, _) = shop.level("TEA");
    r.ok(&["stock", "receive", "TEA", "12"]);
    wait_sent(&r, &shop, 11);
    assert_eq!(shop.level("TEA").0, tea + 12);
    r.ok(&["stock", "count", "COF", "7"]);
    wait_sent(&r, &shop, 12);
    assert_eq!(shop.level("COF").1, 7, "the count set on hand");

    // An SKU Shopify does not have: its first count and its sale are dead entries with Shopify's
    // side of the story, sent once the variant is there and a manager retries them.
    r.ok(&["product", "add", "JAM", "--name", "Jam", "--price", "3.20", "--stock", "5", "--tax", "food"]);
    let jam = json_of(&r, &["order", "create", "JAM", "--pay", "card", "--json"]);
    let key = jam["id"].as_str().expect("id");
    wait_until(
        "the JAM count and sale to be dead",
        *DEADLINE,
        || json_of(&r, &["export", "status", "--json"])["dead"] == 2,
        || r.ok(&["export", "list"]),
    );
    let status = json_of(&r, &["export", "status", "--json"]);
    let why = status["last_error"].as_str().expect("last error");
    assert!(why.contains("no variant with SKU JAM") && why.contains(key), "{why}");
    assert!(shop.orders_for(key).is_empty());
    shop.variant("JAM", "Jam", "3.20", 10);
    // The count first, as it was queued: a count is absolute, so sent after the sale it would
    // forget the sale (`retry --dead` keeps the queue's order).
    let count = json_of(&r, &["export", "list", "--state", "dead", "--json"])
        .as_array()
        .and_then(|l| l.iter().find(|e| e["topic"] == "stock.changed").cloned())
        .expect("the dead count");
    r.ok(&["export", "retry", count["key"].as_str().expect("key")]);
    wait_sent(&r, &shop, 13);
    assert_eq!(shop.level("JAM"), (5, 5), "the count set on hand");
    assert!(shop.orders_for(key).is_empty());
    r.ok(&["export", "retry", "--dead"]);
    wait_sent(&r, &shop, 14);
    assert_exported(&shop, &jam);
    assert_eq!(shop.level("JAM"), (4, 4), "counted 5, sold 1");

    // The catalog comes back in: a product only Shopify has.
    shop.variant("HAT", "Hat", "15.00", 3);
    let pulled = json_of(&r, &["export", "pull", "--json"]);
    assert_eq!(pulled["added"], 1, "{pulled}");
    let hat = r.ok(&["product", "list"]);
    assert!(hat.contains("HAT") && hat.contains("15.00"), "{hat}");

    // 2025-10 (an endpoint= pinned to it) has no compare-and-set for a count but the deprecated
    // compareQuantity; 2026-04 uses changeFromQuantity.
    let s = assert_all_valid(&shop, &["InventoryQuantityInput.compareQuantity"]);
    let till_orders = json_of(&r, &["order", "list", "--json"]);
    assert_eq!(
        s["orders"].as_array().map(Vec::len),
        till_orders.as_array().map(Vec::len),
        "one Shopify order per sale"
    );
}

#[test]
fn shopify_idempotency_keys_are_sent_where_required_and_replays_are_answered_once() {
    let shop = match StandIn::start("2026-04") {
        Ok(s) => s,
        Err(why) => skip!("{why}"),
    };
    let s = shop.state();
    for m in ["refundCreate", "inventoryAdjustQuantities", "inventorySetQuantities"] {
        assert_eq!(s["idempotency"][m]["required"], true, "2026-04 requires a key on {m}: {}", s["idempotency"]);
    }
    shop.variant("TEA", "Tea", "2.50", 100);
    shop.variant("COF", "Coffee", "4.00", 50);
    shop.variant("MUG", "Mug", "8.00", 20);
    let root = tempfile::tempdir().expect("tempdir");
    let r = register(root.path(), &shop);

    let sale = json_of(&r, &["order", "create", "TEA:2", "MUG", "--pay", "card", "--json"]);
    wait_sent(&r, &shop, 1);
    assert_exported(&shop, &sale);

    // The delivery's answer is lost after it ran: the retry carries the same key and Shopify
    // answers the first answer without moving the stock again.
    let (tea, _) = shop.level("TEA");
    shop.fail("timeout-after", 1);
    r.ok(&["stock", "receive", "TEA", "5"]);
    wait_sent(&r, &shop, 2);
    assert_eq!(shop.level("TEA").0, tea + 5, "the delivery counted once");
    let stats = shop.state()["stats"].clone();
    assert!(stats["replays"].as_u64() >= Some(1), "{stats}");

    shop.fail("500-after", 1);
    r.ok(&["return", "create", sale["number"].as_str().expect("number"), "TEA", "--json"]);
    wait_sent(&r, &shop, 3);
    let o = &shop.orders_for(sale["id"].as_str().expect("id"))[0];
    assert_eq!(o["refunds"].as_array().map(Vec::len), Some(1), "one refund: {o}");

    r.ok(&["stock", "count", "COF", "9"]);
    wait_sent(&r, &shop, 4);
    assert_eq!(shop.level("COF").1, 9);

    let s = assert_all_valid(&shop, &[]);
    let stats = &s["stats"];
    assert_eq!(stats["missingKeys"], 0, "{stats}");
    assert_eq!(stats["keyMismatches"], 0, "{stats}");
    assert!(stats["keyed"].as_u64() >= Some(3), "refund, delivery and count carry keys: {stats}");
}
