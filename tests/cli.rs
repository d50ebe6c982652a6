//! System tests of the `till` command line: the real binary, a real data directory, real SQLite.
//!
//! Every command of the CLI contract is run here, and every kind of bad input is shown to give
//! one clear line on stderr, a non-zero documented exit code, and an unchanged database.

mod common;
#[path = "cli/counter.rs"]
mod counter;
#[path = "cli/money.rs"]
mod money;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A register's data directory and the binary to drive it.
struct Till {
    dir: tempfile::TempDir,
}

impl Till {
    fn new() -> Till {
        Till { dir: tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}")) }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = common::till_command();
        // The shop's manager approves voids and returns (`--manager ann`) with this PIN.
        c.arg("--data").arg(self.data()).args(args).env_remove("TILL_DATA").env("TILL_MANAGER_PIN", "1234");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap_or_else(|e| panic!("running till {args:?}: {e}"))
    }

    /// Runs a command that must succeed; returns its stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "till {args:?} failed ({:?}): {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut a = args.to_vec();
        a.push("--json");
        let s = self.ok(&a);
        serde_json::from_str(&s).unwrap_or_else(|e| panic!("till {a:?} printed no JSON ({e}): {s}"))
    }

    /// Everything a command could have changed: shared state and device-local settings.
    fn snapshot(&self) -> String {
        let store = till::store::Store::open(&self.data()).unwrap_or_else(|e| panic!("{e}"));
        let mut s = store.canonical_dump().unwrap_or_else(|e| panic!("{e}"));
        let conn = rusqlite::Connection::open(store.path()).unwrap_or_else(|e| panic!("{e}"));
        let mut st = conn.prepare("SELECT key, value FROM device_kv ORDER BY key").unwrap_or_else(|e| panic!("{e}"));
        let rows = st
            .query_map([], |r| Ok(format!("{}={}\n", r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .unwrap_or_else(|e| panic!("{e}"));
        for r in rows {
            s.push_str(&r.unwrap_or_else(|e| panic!("{e}")));
        }
        s
    }

    /// Runs a command that must be refused with `code`, one line on stderr containing `needle`,
    /// and nothing changed in the database.
    fn refused(&self, args: &[&str], code: i32, needle: &str) {
        let before = self.snapshot();
        let out = self.run(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "till {args:?}: stderr {err}");
        assert!(err.contains(needle), "till {args:?}: stderr {err:?} should mention {needle:?}");
        assert_eq!(err.trim_end().lines().count(), 1, "one clear line, got: {err}");
        assert_eq!(self.snapshot(), before, "till {args:?} changed the database");
    }

    /// A small shop: a tax profile, three products with stock, a user.
    fn shop() -> Till {
        let t = Till::new();
        t.ok(&["tax", "add", "standard", "8.25"]);
        t.ok(&[
            "product",
            "add",
            "TEA",
            "--name",
            "Green tea",
            "--price",
            "2.50",
            "--stock",
            "10",
            "--tax",
            "standard",
        ]);
        t.ok(&["product", "add", "COF", "--name", "Coffee beans", "--price", "9.90", "--stock", "5"]);
        t.ok(&["product", "add", "MUG", "--name", "Mug", "--price", "6"]);
        t.ok(&["user", "add", "ann", "--role", "manager", "--pin", "1234"]);
        t
    }
}

fn on_hand(t: &Till, sku: &str) -> i64 {
    let v = t.json(&["stock", sku]);
    v[0]["on_hand"].as_i64().unwrap_or_else(|| panic!("no on_hand in {v}"))
}

#[test]
fn products_can_be_added_listed_repriced_and_removed() {
    let t = Till::shop();
    let list = t.json(&["product", "list"]);
    let skus: Vec<&str> = list.as_array().into_iter().flatten().filter_map(|p| p["sku"].as_str()).collect();
    assert_eq!(skus, ["COF", "MUG", "TEA"]);
    assert_eq!(list[2]["price_cents"], 250);
    assert_eq!(list[2]["tax_profile"], "standard");
    assert_eq!(list[2]["on_hand"], 10);

    t.ok(&["product", "set-price", "TEA", "2.75"]);
    assert_eq!(t.json(&["product", "list"])[2]["price"], "2.75");

    t.ok(&["product", "remove", "MUG"]);
    let list = t.json(&["product", "list"]);
    assert_eq!(list.as_array().map(Vec::len), Some(2));
    let all = t.json(&["product", "list", "--all"]);
    assert_eq!(all[1]["sku"], "MUG");
    assert_eq!(all[1]["active"], false);
    t.refused(&["order", "create", "MUG"], 3, "not on sale");
    // A removed product can be put back on sale.
    t.ok(&["product", "add", "MUG", "--name", "Big mug", "--price", "7"]);
    assert_eq!(t.json(&["product", "list"])[1]["name"], "Big mug");
    assert!(t.ok(&["product", "list"]).contains("Green tea"));
}

#[test]
fn orders_are_priced_numbered_listed_and_voided() {
    let t = Till::shop();
    assert_eq!(t.ok(&["order", "create", "TEA:2", "COF"]).trim(), "R1-000001");
    let o = t.json(&["order", "create", "MUG", "--pay", "card", "--cashier", "ann"]);
    assert_eq!(o["number"], "R1-000002");
    assert_eq!(o["payment"], "card");
    assert_eq!(o["cashier"], "ann");

    let orders = t.json(&["order", "list"]);
    let first = &orders[0];
    // 2 × 2.50 taxed at 8.25 % (0.4125 → 0.41) + 9.90 untaxed.
    assert_eq!(first["subtotal_cents"], 1490);
    assert_eq!(first["tax_cents"], 41);
    assert_eq!(first["total_cents"], 1531);
    assert_eq!(first["lines"][0]["qty"], 2);
    assert_eq!(on_hand(&t, "TEA"), 8);
    assert_eq!(on_hand(&t, "COF"), 4);

    assert!(t.ok(&["order", "void", "R1-000001", "--manager", "ann"]).contains("voided R1-000001"));
    assert_eq!(t.json(&["order", "list"])[0]["voided"], true);
    assert_eq!(on_hand(&t, "TEA"), 10, "a void puts the goods back");
    assert!(t.ok(&["order", "list"]).contains("VOID"));
    t.refused(&["order", "void", "R1-000001", "--manager", "ann"], 3, "already voided");
    t.refused(&["order", "void", "R1-000099", "--manager", "ann"], 4, "no order 'R1-000099'");
    // Same SKU twice is one line.
    let o = t.json(&["order", "create", "TEA", "TEA:2"]);
    assert_eq!(o["lines"].as_array().map(Vec::len), Some(1));
    assert_eq!(o["lines"][0]["qty"], 3);
    assert_eq!(t.json(&["order", "list", "--limit", "1"])[0]["number"], "R1-000003");
}

#[test]
fn returns_refund_what_was_sold_and_no_more() {
    let t = Till::shop();
    t.ok(&["order", "create", "TEA:3", "COF", "--pay", "card"]);
    let r = t.json(&["return", "create", "R1-000001", "TEA:2", "--manager", "ann"]);
    // Line total 7.50 + 0.62 tax = 8.12; two of three units: 8.12 × 2 / 3 = 5.41.
    assert_eq!(r["refund_cents"], 541);
    assert_eq!(r["payment"], "card");
    assert_eq!(on_hand(&t, "TEA"), 9);
    t.refused(&["return", "create", "R1-000001", "TEA:2", "--manager", "ann"], 3, "cannot return 2 of 'TEA'");
    // The last unit refunds the remainder: the line comes back to exactly its total.
    let r = t.json(&["return", "create", "R1-000001", "TEA", "COF", "--no-restock", "--manager", "ann"]);
    assert_eq!(r["refund_cents"], 812 - 541 + 990);
    assert_eq!(on_hand(&t, "TEA"), 9, "no restock: damaged goods stay off the shelf");
    assert_eq!(on_hand(&t, "COF"), 4);
    let list = t.json(&["return", "list"]);
    assert_eq!(list.as_array().map(Vec::len), Some(2));
    assert!(t.ok(&["return", "list"]).contains("R1-000001"));
    t.refused(&["return", "create", "R1-000001", "MUG", "--manager", "ann"], 3, "has no 'MUG'");
    t.refused(&["order", "void", "R1-000001", "--manager", "ann"], 3, "has returns");
}

#[test]
fn shifts_compare_expected_and_counted_cash() {
    let t = Till::shop();
    t.refused(&["shift", "close", "--counted", "10.00"], 3, "no shift is open");
    t.ok(&["shift", "open", "--float", "100.00", "--cashier", "ann"]);
    t.refused(&["shift", "open", "--float", "50"], 3, "already open");
    t.ok(&["order", "create", "TEA:2"]); // 5.41 cash
    t.ok(&["order", "create", "COF", "--pay", "card"]); // card: not in the drawer
    t.ok(&["order", "create", "MUG"]); // 6.00 cash, then voided
    t.ok(&["order", "void", "R1-000003", "--manager", "ann"]);
    t.ok(&["return", "create", "R1-000001", "TEA", "--manager", "ann"]); // 2.70 back in cash
    let s = t.json(&["shift", "close", "--counted", "102.00"]);
    assert_eq!(s["expected_cents"], 10_000 + 541 - 270);
    assert_eq!(s["difference_cents"], 10_200 - 10_271);
    assert_eq!(s["open"], false);
    let list = t.json(&["shift", "list"]);
    assert_eq!(list[0]["float_cents"], 10_000);
    assert!(t.ok(&["shift", "list"]).contains("102.00"));
    // A new shift can open after the close.
    t.ok(&["shift", "open", "--float", "50"]);
}

#[test]
fn tax_profiles_stock_users_settings_status_and_events() {
    let t = Till::shop();
    // The currency is a fresh store's decision: set before its first sale.
    t.ok(&["setting", "set", "currency", "EUR"]);
    t.ok(&["tax", "add", "reduced", "5"]);
    t.ok(&["tax", "set", "reduced", "5.5"]);
    let taxes = t.json(&["tax", "list"]);
    assert_eq!(taxes[0]["name"], "reduced");
    assert_eq!(taxes[0]["rate_bp"], 550);
    assert!(t.ok(&["tax", "list"]).contains("8.25%"));

    t.ok(&["stock", "count", "TEA", "20"]);
    t.ok(&["stock", "receive", "TEA", "5"]);
    t.ok(&["stock", "damage", "TEA", "1"]);
    assert_eq!(on_hand(&t, "TEA"), 24);
    t.ok(&["order", "create", "MUG:2"]);
    let all = t.json(&["stock"]);
    let mug = all.as_array().into_iter().flatten().find(|s| s["sku"] == "MUG").cloned().unwrap_or_default();
    assert_eq!(mug["on_hand"], -2);
    assert_eq!(mug["negative"], true, "selling past zero is allowed and flagged");
    assert!(t.ok(&["stock"]).contains("NEGATIVE"));

    t.ok(&["user", "add", "bob", "--role", "cashier", "--pin", "98765"]);
    let users = t.json(&["user", "list"]);
    assert_eq!(users[1]["name"], "bob");
    assert_eq!(users[1]["role"], "cashier");
    assert!(!t.ok(&["user", "list", "--json"]).contains("argon2"), "PIN hashes never leave the store");
    let db = std::fs::read(t.data().join("till.db")).unwrap_or_default();
    assert!(!db.windows(5).any(|w| w == b"98765"), "the PIN itself is never stored");

    t.ok(&["setting", "set", "store_name", "Corner Shop"]);
    let settings = t.json(&["setting", "list"]);
    assert_eq!(settings[1]["key"], "store_name");
    assert_eq!(settings[1]["value"], "Corner Shop");

    let st = t.json(&["status"]);
    assert_eq!(st["register_name"], "R1");
    assert_eq!(st["mode"], "standalone");
    assert_eq!(st["products"], 3);
    assert_eq!(st["orders"], 1);
    assert_eq!(st["users"], 2);
    assert_eq!(st["schema_version"], till::store::latest_schema_version());
    assert_eq!(st["register_id"].as_str().map(str::len), Some(32));
    let events = t.json(&["events"]).as_array().cloned().unwrap_or_default();
    assert_eq!(st["events"].as_u64(), Some(events.len() as u64));
    assert_eq!(st["pending_events"], st["events"], "standalone: nothing has been sent anywhere");
    // The register's first event announces its name to the store; edits carry the version seen.
    assert_eq!(events[0]["kind"], "register_named");
    assert_eq!(events[0]["data"]["RegisterNamed"]["name"], "R1");
    assert_eq!(events[1]["kind"], "edited");
    assert_eq!(events[1]["data"]["Edited"]["change"]["TaxProfile"]["rate_bp"], 825);
    assert_eq!(events[1]["data"]["Edited"]["base"], serde_json::Value::Null, "a new profile: no version seen");
    assert!(t.ok(&["status"]).contains("standalone"));
    assert_eq!(t.json(&["events", "--limit", "2"]).as_array().map(Vec::len), Some(2));
    assert!(t.ok(&["events"]).contains("order_placed"));
}

#[test]
fn bad_input_is_refused_with_one_clear_line_and_changes_nothing() {
    let t = Till::shop();
    t.ok(&["order", "create", "TEA:2"]);
    t.refused(&["order", "create", "NOPE"], 4, "no product with SKU or barcode 'NOPE'");
    t.refused(&["order", "create", "TEA:0"], 3, "not a valid quantity");
    t.refused(&["order", "create", "TEA:-1"], 3, "not a valid quantity");
    t.refused(&["order", "create", "TEA:abc"], 3, "not a valid quantity");
    t.refused(&["order", "create", "TEA", "NOPE"], 4, "NOPE");
    t.refused(&["order", "create", "TEA", "--pay", "cheque"], 4, "no tender named 'cheque'");
    // The counter's order shape: codes, discounts, tenders.
    t.ok(&["product", "set", "TEA", "--barcode", "4006381333931"]);
    t.refused(&["order", "create", "4006381333932"], 3, "bad check digit: the last digit should be 1");
    t.refused(&["order", "create", "5901234123457"], 4, "no product with SKU or barcode '5901234123457'");
    t.refused(&["product", "set", "COF", "--barcode", "4006381333931"], 3, "already used by product 'TEA'");
    // A barcode is taken wherever a SKU is.
    assert_eq!(t.json(&["stock", "4006381333931"])[0]["sku"], "TEA");
    t.refused(&["stock", "count", "4006381333932", "5"], 3, "bad check digit");
    t.refused(&["product", "add", "X1", "--name", "X", "--price", "1", "--barcode", "96385075"], 3, "bad check digit");
    t.refused(&["order", "create", "TEA:1:101%"], 3, "'101%' is not a discount");
    t.refused(&["order", "create", "TEA:1:5%", "TEA:1"], 3, "'TEA' is on the order twice at different prices");
    t.refused(&["order", "create", "TEA:1:2.51"], 3, "a discount of 2.51 is more than the 2.50");
    t.refused(&["order", "create", "TEA", "--discount", "3.00"], 3, "a discount of 3.00 is more than the 2.50");
    t.refused(&["order", "create", "TEA", "--pay", "cash:1.00", "--pay", "card:1.00"], 3, "0.71 is missing");
    t.refused(&["order", "create", "TEA", "--pay", "card:-1"], 3, "'-1' is not an amount");
    t.refused(
        &["order", "create", "TEA", "--pay", "cash", "--tendered", "2.00"],
        3,
        "2.00 tendered is less than the 2.71",
    );
    t.refused(&["order", "create", "TEA", "--pay", "card", "--tendered", "5"], 3, "nothing is paid in cash");
    t.refused(&["setting", "set", "discount_limit", "ten"], 3, "use a percentage such as 10%");
    t.ok(&["setting", "set", "discount_limit", "10%"]);
    t.refused(&["order", "create", "TEA:1:20%"], 6, "above the store's limit of 10.00% needs a manager's approval");
    t.refused(&["user", "remove", "ann"], 3, "last manager");
    // A price other than the shelf's is a manager's.
    t.refused(
        &["order", "create", "TEA", "--price", "TEA=1.00"],
        6,
        "a price override on TEA needs a manager's approval",
    );
    t.refused(&["order", "create", "TEA", "--price", "MUG=1.00"], 3, "not among the items");
    let o = t.json(&["order", "create", "TEA", "--price", "TEA=1.00", "--manager", "ann"]);
    assert_eq!((o["lines"][0]["unit_price_cents"].as_i64(), o["approved_by"].as_str()), (Some(100), Some("ann")));
    t.refused(&["order", "create", "TEA", "--cashier", "zed"], 4, "no user named 'zed'");
    t.refused(&["product", "add", "SOAP", "--name", "Soap", "--price", "2.5.0"], 3, "not an amount");
    t.refused(&["product", "add", "SOAP", "--name", "Soap", "--price", "-3"], 3, "not an amount");
    t.refused(&["product", "add", "SOAP", "--name", "Soap", "--price", "1.999"], 3, "not an amount");
    t.refused(&["product", "add", "SOAP", "--name", "Soap", "--price", "abc"], 3, "not an amount");
    t.refused(&["product", "add", "TEA", "--name", "Tea again", "--price", "1"], 3, "already exists");
    t.refused(&["product", "add", "bad sku", "--name", "X", "--price", "1"], 3, "not a valid SKU");
    t.refused(&["product", "add", "SOAP", "--name", "", "--price", "1"], 3, "not a valid name");
    t.refused(&["product", "add", "SOAP", "--name", "Soap", "--price", "1", "--tax", "vat"], 4, "no tax profile");
    t.refused(&["product", "set-price", "NOPE", "1.00"], 4, "no product with SKU 'NOPE'");
    t.refused(&["user", "add", "cy", "--role", "owner", "--pin", "1234"], 3, "not a role");
    t.refused(&["user", "add", "cy", "--role", "cashier", "--pin", "12"], 3, "PIN must be 4 to 8 digits");
    t.refused(&["user", "add", "ann", "--role", "cashier", "--pin", "1234"], 3, "already exists");
    t.refused(
        &["return", "create", "R1-000001", "TEA:3", "--manager", "ann"],
        3,
        "cannot return 3 of 'TEA': order 'R1-000001' sold 2",
    );
    t.refused(&["return", "create", "R1-000042", "TEA", "--manager", "ann"], 4, "no order 'R1-000042'");
    t.refused(&["shift", "close", "--counted", "512.30"], 3, "no shift is open");
    t.refused(&["shift", "open", "--float", "lots"], 3, "not an amount");
    t.refused(&["tax", "add", "standard", "9"], 3, "already exists");
    t.refused(&["tax", "add", "silly", "101"], 3, "not a tax rate");
    t.refused(&["stock", "count", "TEA", "many"], 3, "not a valid stock figure");
    t.refused(&["stock", "receive", "TEA", "0"], 3, "not a number of items");
    t.refused(&["stock", "receive", "TEA", "-4"], 3, "not a number of items");
    t.refused(&["stock", "NOPE"], 4, "no product with SKU 'NOPE'");
    t.refused(&["setting", "set", "colour", "red"], 3, "unknown setting");
    t.refused(&["setting", "set", "currency", "euro"], 3, "ISO 4217");
    // Usage errors are clap's (exit 2); they never reach the database either.
    let before = t.snapshot();
    let out = t.run(&["order", "frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(t.snapshot(), before);
    // The register keeps selling after all that.
    assert_eq!(t.ok(&["order", "create", "TEA"]).trim(), "R1-000003", "the next number after the override's sale");
}

fn file_bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

fn fails_with(out: &Output, code: i32, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    assert!(err.contains(needle), "stderr {err:?} should mention {needle:?}");
    assert_eq!(err.trim_end().lines().count(), 1, "one clear line, got: {err}");
}

#[test]
fn bench_load_refuses_a_client_count_out_of_range_before_starting_anything() {
    let t = Till::new();
    let scratch = t.dir.path().join("scratch");
    let dir = scratch.display().to_string();
    for args in [&["--clients=1"][..], &["--clients", "0"], &["--clients=129"], &["--clients=100000"]] {
        let mut argv = vec!["bench", "load", "--dir", &dir];
        argv.extend_from_slice(args);
        let out = t.run(&argv);
        fails_with(&out, 3, "is out of range: give 2 to 128");
        assert!(!scratch.exists(), "{args:?}: nothing was started");
    }
    // Not a number at all: a usage error, like any other malformed option.
    let out = t.run(&["bench", "load", "--clients=many"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    // The option belongs to `load` (and `sync`): the help says so.
    let help = t.ok(&["bench", "load", "--help"]);
    assert!(help.contains("--clients <CLIENTS>") && help.contains("[default: 64]"), "{help}");
}

#[test]
fn bench_counter_prints_its_figures_as_one_json_object() {
    let t = Till::new();
    let scratch = t.dir.path().join("scratch");
    let dir = scratch.display().to_string();
    let out = t.ok(&["bench", "counter", "--products", "200", "--runs", "5", "--json", "--dir", &dir]);
    // Progress goes to stderr: stdout is the one object.
    assert_eq!(out.trim_end().lines().count(), 1, "{out}");
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("no JSON ({e}): {out}"));
    assert_eq!((v["products"].as_u64(), v["runs"].as_u64()), (Some(200), Some(5)), "{v}");
    assert!(v["cpu"].as_str().is_some_and(|s| !s.is_empty()), "{v}");
    assert!(v["cores"].as_u64().is_some_and(|n| n >= 1), "{v}");
    assert_eq!(v["target_p99_ms"].as_f64(), Some(16.0), "{v}");
    for field in
        ["setup_s", "scan_p50_ms", "scan_p99_ms", "scan_max_ms", "search_p50_ms", "search_p99_ms", "search_max_ms"]
    {
        assert!(v[field].as_f64().is_some_and(|x| x >= 0.0), "{field} in {v}");
    }
    assert!(v["scan_p50_ms"].as_f64() <= v["scan_p99_ms"].as_f64(), "{v}");
    assert!(v["scan_carts_changed"].as_u64().is_some_and(|n| n <= 5), "{v}");
    assert!(v["search_opened"].is_boolean(), "{v}");
    assert!(!scratch.join("counter").exists(), "the scratch register is removed");
    // A count out of range is refused before anything starts.
    fails_with(&t.run(&["bench", "counter", "--products", "0", "--dir", &dir]), 3, "--products 0 is out of range");
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_alone() {
    let t = Till::new();
    std::fs::create_dir_all(t.data()).unwrap_or_else(|e| panic!("{e}"));
    let db = t.data().join("till.db");
    let junk: Vec<u8> = (0..8192u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&db, &junk).unwrap_or_else(|e| panic!("{e}"));
    fails_with(&t.run(&["order", "create", "TEA"]), 5, "is not a Till database");
    fails_with(&t.run(&["status"]), 5, "is not a Till database");
    assert_eq!(file_bytes(&db), junk);
}

#[test]
fn another_programs_sqlite_database_is_refused_and_left_alone() {
    let t = Till::new();
    std::fs::create_dir_all(t.data()).unwrap_or_else(|e| panic!("{e}"));
    let db = t.data().join("till.db");
    {
        let c = rusqlite::Connection::open(&db).unwrap_or_else(|e| panic!("{e}"));
        c.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me');")
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let before = file_bytes(&db);
    fails_with(&t.run(&["status"]), 5, "another program");
    assert_eq!(file_bytes(&db), before);
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_left_untouched() {
    let t = Till::shop();
    t.ok(&["order", "create", "TEA"]);
    let db = t.data().join("till.db");
    {
        let c = rusqlite::Connection::open(&db).unwrap_or_else(|e| panic!("{e}"));
        c.pragma_update(None, "user_version", 99).unwrap_or_else(|e| panic!("{e}"));
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap_or_else(|e| panic!("{e}"));
    }
    let before = file_bytes(&db);
    fails_with(&t.run(&["order", "create", "TEA"]), 5, "written by a newer Till (schema 99");
    fails_with(&t.run(&["order", "list"]), 5, "update this register's software");
    assert_eq!(file_bytes(&db), before, "not one byte changed");
}

/// Sets the permission bits of `paths` (the non-root way of making a directory read-only).
fn chmod(paths: &[PathBuf], mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    for p in paths {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn a_read_only_data_directory_is_refused_clearly() {
    // Root ignores permission bits, so as root the directory is made read-only the way an SD card
    // is after an error: a read-only mount (in a private mount namespace, invisible outside).
    let root = common::is_root();
    if root {
        let probe = Command::new("unshare").args(["-m", "true"]).output();
        if !probe.as_ref().is_ok_and(|o| o.status.success()) {
            let why = probe.map_or_else(|e| e.to_string(), |o| String::from_utf8_lossy(&o.stderr).trim().to_string());
            skip!("root here, but no private mount namespace for a read-only mount (unshare -m: {why})");
        }
    }
    // Runs `till --data DATA ARGS` with `dir` read-only: a read-only bind mount over it as root,
    // mode 0555 otherwise (restored afterwards).
    let run_ro = |dir: &Path, data: &Path, args: &[&str]| -> Output {
        if root {
            let (dir, data) = (dir.display(), data.display());
            let till = format!("{} --data {data} {}", common::till_argv().join(" "), args.join(" "));
            Command::new("unshare")
                .args(["-m", "sh", "-c", &format!("mount --bind -o ro {dir} {dir} && exec {till}")])
                .output()
                .unwrap_or_else(|e| panic!("unshare: {e}"))
        } else {
            let db = dir.join("till.db");
            let paths = if db.exists() { vec![dir.to_path_buf(), db] } else { vec![dir.to_path_buf()] };
            chmod(&paths, 0o555);
            let out = common::till_command()
                .arg("--data")
                .arg(data)
                .args(args)
                .env_remove("TILL_DATA")
                .output()
                .unwrap_or_else(|e| panic!("till: {e}"));
            chmod(&paths[..1], 0o755);
            if let Some(db) = paths.get(1) {
                chmod(std::slice::from_ref(db), 0o644);
            }
            out
        }
    };
    let t = Till::shop();
    t.ok(&["order", "create", "TEA"]);
    let before = t.snapshot();
    let data = t.data();
    fails_with(&run_ro(&data, &data, &["order", "create", "TEA"]), 5, "read-only");
    assert_eq!(t.snapshot(), before);
    // A data directory that cannot even be created says so too.
    let t2 = Till::new();
    let parent = t2.dir.path();
    fails_with(&run_ro(parent, &parent.join("sub/data"), &["status"]), 5, "read-only");
    assert!(!parent.join("sub").exists(), "nothing was created");
}

#[test]
fn an_old_schema_database_upgrades_in_place_and_keeps_its_data() {
    let t = Till::new();
    std::fs::create_dir_all(t.data()).unwrap_or_else(|e| panic!("{e}"));
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/schema1.db");
    std::fs::copy(&fixture, t.data().join("till.db")).unwrap_or_else(|e| panic!("copy fixture: {e}"));
    let st = t.json(&["status"]);
    assert_eq!(st["schema_version"], till::store::latest_schema_version());
    assert!(till::store::latest_schema_version() > 1, "the fixture must be older than this build");
    assert_eq!(st["orders"], 3);
    assert_eq!(st["voided_orders"], 1);
    assert_eq!(st["returns"], 1);
    assert_eq!(st["events"], 16);
    let orders = t.json(&["order", "list"]);
    assert_eq!(orders[0]["number"], "R1-000001");
    assert_eq!(orders[0]["total_cents"], 1531);
    assert_eq!(orders[2]["voided"], true);
    assert_eq!(on_hand(&t, "TEA"), 39);
    assert_eq!(on_hand(&t, "COF"), 11);
    assert_eq!(on_hand(&t, "MUG"), -2);
    assert_eq!(t.json(&["shift", "list"])[0]["expected_cents"], 11_261);
    assert_eq!(t.json(&["setting", "list"])[1]["value"], "Corner Shop");
    // And it keeps working: the counter continues where the old version left it.
    assert_eq!(t.ok(&["order", "create", "TEA"]).trim(), "R1-000004");
}

/// Waits for a line containing `needle` on a child's stderr, with a deadline.
fn wait_for_line(lines: &mut impl Iterator<Item = String>, needle: &str, deadline: Duration) -> Vec<String> {
    let start = Instant::now();
    let mut seen = Vec::new();
    for line in lines.by_ref() {
        let hit = common::says(&line, needle);
        seen.push(line);
        if hit {
            return seen;
        }
        assert!(start.elapsed() < deadline, "no {needle:?} within {deadline:?}: {seen:?}");
    }
    panic!("stream ended before {needle:?}: {seen:?}");
}

#[test]
fn run_boots_standalone_opens_no_socket_and_stops_cleanly_on_sigterm() {
    let t = Till::shop();
    t.ok(&["order", "create", "TEA"]);
    let mut child =
        t.cmd(&["run"]).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap_or_else(|e| panic!("spawn: {e}"));
    let stderr = child.stderr.take().unwrap_or_else(|| panic!("no stderr"));
    let mut lines = BufReader::new(stderr).lines().map_while(Result::ok);
    let seen = wait_for_line(&mut lines, "ready", Duration::from_secs(20));
    assert!(seen.iter().any(|l| l.contains("1 orders")), "{seen:?}");
    assert!(seen.iter().any(|l| l.contains("running standalone")), "{seen:?}");
    assert_eq!(common::network_sockets(child.id()), 0, "standalone opens no network socket");
    // The CLI can still ring orders beside the running register.
    assert_eq!(t.ok(&["order", "create", "TEA"]).trim(), "R1-000002");
    nix_kill(child.id(), "TERM");
    wait_for_line(&mut lines, "stopped cleanly", Duration::from_secs(20));
    let status = child.wait().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status.code(), Some(0));
    assert!(!t.data().join("till.db-wal").exists() || file_bytes(&t.data().join("till.db-wal")).is_empty());
}

fn nix_kill(pid: u32, sig: &str) {
    let ok = Command::new("kill").args([&format!("-{sig}"), &pid.to_string()]).status().is_ok_and(|s| s.success());
    assert!(ok, "kill -{sig} {pid}");
}

#[test]
fn help_documents_the_exit_codes() {
    let out = common::till_command().arg("--help").output().unwrap_or_else(|e| panic!("{e}"));
    let s = String::from_utf8_lossy(&out.stdout);
    for code in ["0  success", "3  refused", "4  not found", "5  storage"] {
        assert!(s.contains(code), "--help lacks {code:?}");
    }
}

#[test]
fn run_refuses_a_setup_it_cannot_read_instead_of_guessing_a_mode() {
    let t = Till::shop();
    t.ok(&["setup", "set", "name=R7"]);
    // Damage the stored mode as a failing card or a hand edit would.
    let conn = rusqlite::Connection::open(t.data().join("till.db")).unwrap_or_else(|e| panic!("{e}"));
    conn.execute("UPDATE device_kv SET value = 'sideways' WHERE key = 'mode'", []).unwrap_or_else(|e| panic!("{e}"));
    drop(conn);
    let before = t.snapshot();
    let out = t.run(&["run", "--display", "none", "--input", "none"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(err.contains("'mode'") && err.contains("sideways") && err.contains("guessed mode"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert_eq!(t.snapshot(), before, "nothing written");
    // The CLI that reads the setup says the same, and selling at the CLI still works.
    t.refused(&["setup", "show"], 5, "cannot be read");
    assert_eq!(t.ok(&["order", "create", "TEA"]).trim(), "R7-000001");
    // As the message says, `setup set` repairs it (a value it replaces need not read); one it
    // does not replace still must.
    t.refused(&["setup", "set", "name=R8"], 5, "cannot be read");
    t.ok(&["setup", "set", "mode=standalone"]);
    assert!(t.ok(&["setup", "show"]).contains("name    R7"));
}

#[test]
fn test_connection_to_a_typed_address_creates_no_data_directory() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let port = common::free_port();
    let out = common::till_command()
        .current_dir(dir.path())
        .env_remove("TILL_DATA")
        .args(["test-connection", &format!("127.0.0.1:{port}"), "--secret", "correct horse battery staple"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(10), "nothing listens there: {}", String::from_utf8_lossy(&out.stderr));
    let left: Vec<_> =
        std::fs::read_dir(dir.path()).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    assert!(left.is_empty(), "test-connection left files behind: {left:?}");
}

#[test]
fn a_reader_that_stops_early_ends_the_listing_quietly() {
    let t = Till::shop();
    {
        let mut r = till::register::Register::open(&t.data()).unwrap_or_else(|e| panic!("{e}"));
        for i in 0..300 {
            let sku = format!("P{i}").parse().unwrap_or_else(|e| panic!("{e}"));
            r.add_product(sku, "Filler product with a long name", till::model::Cents(100), None, None)
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    // `till product list | head -c 16`: a one-page pipe (the listing is ~15 KB) whose reader
    // leaves after 16 bytes, so the register's writes hit a closed pipe.
    let (read_end, write_end) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).unwrap_or_else(|e| panic!("{e}"));
    nix::fcntl::fcntl(&read_end, nix::fcntl::FcntlArg::F_SETPIPE_SZ(4096)).unwrap_or_else(|e| panic!("{e}"));
    let child = t
        .cmd(&["product", "list"])
        .stdout(Stdio::from(write_end))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut out = std::fs::File::from(read_end);
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut out, &mut first).unwrap_or_else(|e| panic!("{e}"));
    drop(out);
    let done = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    let err = String::from_utf8_lossy(&done.stderr);
    assert!(err.is_empty(), "no complaint about the closed pipe: {err}");
    assert_eq!(done.status.code(), Some(0), "{err}");
}

/// Files of a directory with their bytes (what a refused open must leave exactly as it was).
fn dir_bytes(dir: &Path) -> Vec<(String, Option<Vec<u8>>)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).ok()))
        .collect();
    out.sort();
    out
}

#[test]
fn error_messages_escape_control_characters_and_cut_long_input() {
    let t = Till::shop();
    t.ok(&["order", "create", "TEA"]);
    let huge = "A".repeat(100_000);
    let huge_name = format!("--name={}", "x".repeat(100_000));
    let escape = "TEA\u{1b}[2J\u{1b}]0;pwned\u{7}";
    // (arguments, exit code, what the line says)
    let cases: &[(&[&str], i32, &str)] = &[
        (&["order", "create", escape], 3, r"'TEA\u{1b}[2J\u{1b}]0;pwned\u{7}' is not a valid SKU"),
        (&["order", "create", &huge], 3, "…' is not a valid SKU"),
        (&["product", "add", "SOAP", &huge_name, "--price", "1"], 3, "…' is not a valid name"),
        (&["product", "add", "SOAP", "--name", "Soap", "--price", "1\u{1b}[31m"], 3, r"'1\u{1b}[31m' is not an amount"),
        (&["order", "void", "R1-\u{1b}[2J"], 4, r"no order 'R1-\u{1b}[2J'"),
        (&["order", "create", "TEA", "--cashier", "z\u{202e}ed"], 4, r"no user named 'z\u{202e}ed'"),
        (&["setting", "set", "colour\u{1b}[0m", "red"], 3, r"unknown setting 'colour\u{1b}[0m'"),
        (&["setup", "set", "mode=\u{1b}[31mserver"], 3, r"bad mode '\u{1b}[31mserver'"),
        (&["setup", "set", "colour\u{9b}2J=red"], 3, r"unknown setup key 'colour\u{9b}2J'"),
    ];
    for &(args, code, needle) in cases {
        t.refused(args, code, needle);
        let err = String::from_utf8_lossy(&t.run(args).stderr).into_owned();
        assert!(!err.chars().any(|c| c.is_control() && c != '\n'), "{args:?}: raw control characters in {err:?}");
        assert!(err.len() < 400, "{args:?}: {} bytes of error", err.len());
    }
}

#[test]
fn names_refuse_bidirectional_overrides_and_zero_width_characters() {
    let t = Till::shop();
    for bad in ["Soap\u{202e}paoS", "So\u{200b}ap", "\u{2066}Soap", "Soap\u{feff}"] {
        t.refused(&["product", "add", "SOAP", "--name", bad, "--price", "1"], 3, "is not a valid name");
        t.refused(
            &["user", "add", bad, "--role", "cashier", "--pin", "1234"],
            3,
            "no zero-width or direction-changing",
        );
        t.refused(&["tax", "add", bad, "5"], 3, "is not a valid name");
        t.refused(&["setting", "set", "store_name", bad], 3, "no zero-width or direction-changing");
        t.refused(&["setup", "set", &format!("name={bad}")], 3, "bad name");
    }
    // The printable characters of other languages are names like any other.
    t.ok(&["product", "add", "SOAP", "--name", "Savon à l'huile d'olive — Ἀθῆναι", "--price", "1"]);
    t.ok(&["setting", "set", "store_name", "Bäckerei Müller"]);
}

#[test]
fn setup_refuses_port_0_and_weak_secrets() {
    let t = Till::shop();
    t.refused(&["setup", "set", "port=0"], 3, "bad port '0': use a number from 1 to 65535");
    t.refused(
        &["setup", "set", "mode=server", "secret=cornerstore2024"],
        3,
        "the secret is too weak: it is two common words plus a year: about 26 bits, needs 64. Use `till setup secret --generate`",
    );
    t.refused(&["setup", "set", "mode=server", "secret=P@ssword2024!"], 3, "a common password plus a year");
    t.ok(&["setup", "set", "port=8788"]);
}

#[test]
fn an_empty_till_db_is_a_new_register_only_in_an_otherwise_empty_directory() {
    // Nothing else there: a first start cut short. It becomes a register.
    let fresh = Till::new();
    std::fs::create_dir_all(fresh.data()).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(fresh.data().join("till.db"), b"").unwrap_or_else(|e| panic!("{e}"));
    fresh.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "2"]);

    // A register whose database was truncated: refused, and nothing is touched.
    let t = Till::shop();
    t.ok(&["order", "create", "TEA"]);
    std::fs::write(t.data().join("till.db"), b"").unwrap_or_else(|e| panic!("{e}"));
    let before = dir_bytes(&t.data());
    for args in [&["status"][..], &["order", "create", "TEA"], &["setup", "show"]] {
        fails_with(&t.run(args), 5, "is empty (0 bytes) but the data directory holds other files");
    }
    assert_eq!(dir_bytes(&t.data()), before, "not one file changed");

    // An empty database beside some other file is not a new register either.
    let other = Till::new();
    std::fs::create_dir_all(other.data()).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(other.data().join("till.db"), b"").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(other.data().join("notes.txt"), b"keep").unwrap_or_else(|e| panic!("{e}"));
    fails_with(&other.run(&["status"]), 5, "restore it from a backup");
    assert_eq!(file_bytes(&other.data().join("till.db")), b"");
}

#[test]
fn a_till_db_that_is_a_directory_says_so() {
    let t = Till::new();
    std::fs::create_dir_all(t.data().join("till.db")).unwrap_or_else(|e| panic!("{e}"));
    for args in [&["status"][..], &["order", "create", "TEA"], &["test-connection"]] {
        fails_with(&t.run(args), 5, "till.db is a directory, not a database file");
    }
    assert_eq!(dir_bytes(&t.data()), vec![("till.db".to_string(), None)]);
}
