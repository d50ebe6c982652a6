//! Amounts in the store's currency (issue 19): typed and printed with its minor units, a store
//! with sales keeping its currency, and `till screens --data` drawing in the store's format.

use std::path::Path;

use super::{Till, fails_with, file_bytes};

#[test]
fn amounts_follow_the_store_currency_and_its_sales_keep_it() {
    // Yen have no minor units: 500 is 500 yen, 2.50 is refused.
    let t = Till::new();
    t.ok(&["setting", "set", "currency", "JPY"]);
    t.ok(&["product", "add", "TEA", "--name", "Green tea", "--price", "500"]);
    t.refused(&["product", "add", "MUG", "--name", "Mug", "--price", "2.50"], 3, "has no decimals");
    let tea = &t.json(&["product", "list"])[0];
    assert_eq!((tea["price_cents"].as_i64(), tea["price"].as_str()), (Some(500), Some("500")));
    t.refused(&["order", "create", "TEA", "--tendered", "1000.5"], 3, "has no decimals");
    let o = t.json(&["order", "create", "TEA:2", "--discount", "100", "--tendered", "1000"]);
    assert_eq!(
        (o["total_cents"].as_i64(), o["change_cents"].as_i64(), o["currency"].as_str(), o["total"].as_str()),
        (Some(900), Some(100), Some("JPY"), Some("900")),
        "{o}"
    );
    assert!(t.ok(&["order", "list"]).contains("900"));
    // Refusals name amounts in yen too.
    t.refused(&["order", "create", "TEA", "--discount", "600"], 3, "a discount of 600 is more than the 500");
    t.refused(
        &["order", "create", "TEA", "--pay", "cash:100", "--pay", "card:100"],
        3,
        "the tenders add up to 200 but the total is 500: 300 is missing",
    );
    t.refused(&["order", "create", "TEA", "--tendered", "400"], 3, "400 tendered is less than the 500 cash due");
    // A store with sales keeps its currency; the locale may change at any time.
    t.refused(&["setting", "set", "currency", "EUR"], 3, "the currency stays JPY: this store has sales in it");
    t.ok(&["setting", "set", "currency", "JPY"]);
    t.ok(&["setting", "set", "locale", "de-DE"]);
    t.refused(&["setting", "set", "locale", "klingon"], 3, "use one of en-US, en-GB, de-DE");

    // `till screens --data` draws in the store's currency, locale and language; a directory
    // without a register is refused and not made into one.
    let shots = |data: Option<&Path>, name: &str| -> Vec<u8> {
        let out = t.dir.path().join(name);
        let mut c = super::common::till_command();
        if let Some(d) = data {
            c.arg("--data").arg(d);
        }
        let run = c.args(["screens", "--out"]).arg(&out).output().unwrap_or_else(|e| panic!("{e}"));
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        file_bytes(&out.join("pay-due.png"))
    };
    let (english, german) = (shots(None, "plain"), shots(Some(&t.data()), "de"));
    assert!(!english.is_empty() && english != german, "the store's format and words are drawn");
    let nowhere = t.dir.path().join("nowhere");
    let out = super::common::till_command()
        .arg("--data")
        .arg(&nowhere)
        .args(["screens", "--out"])
        .arg(t.dir.path().join("x"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    fails_with(&out, 3, "no register's data in");
    assert!(!nowhere.exists(), "till screens made a data directory");

    // Kuwaiti dinars have three.
    let k = Till::new();
    k.ok(&["setting", "set", "currency", "KWD"]);
    k.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "1.250"]);
    k.refused(&["product", "set-price", "TEA", "1.2505"], 3, "not an amount");
    assert_eq!(k.json(&["product", "list"])[0]["price_cents"], 1250);
    assert!(k.ok(&["product", "set-price", "TEA", "0.5"]).contains("now costs 0.500"));
    let o = k.json(&["order", "create", "TEA", "--tendered", "1"]);
    assert_eq!((o["total_cents"].as_i64(), o["change_cents"].as_i64()), (Some(500), Some(500)), "{o}");
}

#[test]
fn cash_is_rounded_to_the_store_step_and_nothing_else_is() {
    let t = Till::new();
    t.ok(&["setting", "set", "currency", "CHF"]);
    t.refused(&["setting", "set", "cash_rounding", "3"], 3, "use 0 (no rounding), 5 or 10");
    t.refused(&["setting", "set", "cash_rounding", "0.05"], 3, "use 0 (no rounding), 5 or 10");
    t.ok(&["setting", "set", "cash_rounding", "5"]);
    t.ok(&["product", "add", "TEA", "--name", "Tea", "--price", "12.52"]);
    let cash = |o: &serde_json::Value| {
        let t = o["tenders"].as_array().cloned().unwrap_or_default();
        t.iter()
            .map(|x| (x["tender"].as_str().unwrap_or("").to_string(), x["amount_cents"].as_i64()))
            .collect::<Vec<_>>()
    };
    // 12.52 in cash: 12.50 taken, −0.02 recorded; 20.00 handed over gives 7.50 back.
    let o = t.json(&["order", "create", "TEA"]);
    assert_eq!((o["total_cents"].as_i64(), o["cash_rounding_cents"].as_i64()), (Some(1252), Some(-2)), "{o}");
    assert_eq!(cash(&o), [("cash".to_string(), Some(1250))]);
    let o = t.json(&["order", "create", "TEA", "--tendered", "20.00"]);
    assert_eq!((o["change_cents"].as_i64(), o["cash_rounding_cents"].as_i64()), (Some(750), Some(-2)), "{o}");
    let receipt = t.ok(&["receipt", o["number"].as_str().unwrap_or("")]);
    assert!(receipt.contains("Cash rounding") && receipt.contains("-0.02"), "{receipt}");
    t.refused(&["order", "create", "TEA", "--tendered", "12.49"], 3, "12.49 tendered is less than the 12.50 cash due");
    // Card is never rounded; a split rounds its cash part only (7.53 → 7.55).
    let o = t.json(&["order", "create", "TEA", "--pay", "card"]);
    assert_eq!((cash(&o), o["cash_rounding_cents"].as_i64()), (vec![("card".to_string(), Some(1252))], Some(0)));
    let receipt = t.ok(&["receipt", o["number"].as_str().unwrap_or("")]);
    assert!(!receipt.contains("Cash rounding"), "{receipt}");
    let o = t.json(&["order", "create", "TEA", "--pay", "card:4.99", "--pay", "cash"]);
    assert_eq!(cash(&o), [("card".to_string(), Some(499)), ("cash".to_string(), Some(755))]);
    assert_eq!(o["cash_rounding_cents"].as_i64(), Some(2), "{o}");
    // The X report: −0.02 −0.02 +0.02 over four sales of 12.52; the drawer took 12.50+12.50+7.55.
    let x = t.ok(&["report", "x"]);
    let line = x.lines().find(|l| l.starts_with("Cash rounding")).unwrap_or_else(|| panic!("{x}"));
    assert!(line.ends_with("-0.02"), "{line}");
    let net = x.lines().find(|l| l.starts_with("NET SALES")).unwrap_or_else(|| panic!("{x}"));
    assert!(net.ends_with("50.08"), "{net}");
    let xj = t.json(&["report", "x"]);
    let tenders: i64 = xj["totals"]["tenders"]
        .as_array()
        .map(|ts| ts.iter().map(|t| t["sales_cents"].as_i64().unwrap_or(0)).sum())
        .unwrap_or(0);
    assert_eq!(tenders, 5008 - 2, "tenders = net sales + cash rounding: {xj}");
    assert_eq!(xj["cash_rounding_cents"].as_i64(), Some(-2), "{xj}");
    // The Z freezes it: shown and listed the same.
    let z = t.json(&["report", "z", "--counted", "150.00"]);
    assert_eq!(z["cash_rounding_cents"].as_i64(), Some(-2), "{z}");
    assert!(t.ok(&["report", "show", "1"]).lines().any(|l| l.starts_with("Cash rounding") && l.ends_with("-0.02")));
    // Cash goes back rounded too: 12.52 refunded in cash is 12.50 paid out, −0.02 recorded, and
    // the next X counts it (tenders' net less net sales: −12.50 + 12.52).
    let o = t.json(&["order", "create", "TEA", "--pay", "card"]);
    let out = t.ok(&["return", "create", o["number"].as_str().unwrap_or(""), "TEA", "--tender", "cash"]);
    assert!(out.contains("cash paid out 12.50"), "{out}");
    let r = &t.json(&["return", "list"])[0];
    assert_eq!((r["refund_cents"].as_i64(), r["cash_rounding_cents"].as_i64()), (Some(1252), Some(-2)), "{r}");
    let xj = t.json(&["report", "x"]);
    assert_eq!((xj["net_cents"].as_i64(), xj["cash_rounding_cents"].as_i64()), (Some(0), Some(2)), "{xj}");
}

#[test]
fn a_german_stores_screens_are_drawn_as_its_registers_show_them() {
    // A store in euros and German: `till --data DIR screens` draws the X report as the German
    // snapshot shows it (the report itself, its title and figures in German and euros, as the
    // appliance writes them), not the English sample with German labels around it.
    let t = Till::new();
    t.ok(&["setting", "set", "currency", "EUR"]);
    t.ok(&["setting", "set", "locale", "de-DE"]);
    let out = t.dir.path().join("de");
    let run = super::common::till_command()
        .arg("--data")
        .arg(t.data())
        .args(["screens", "--out"])
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let snapshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("../display/tests/snapshots");
    for (drawn, snapshot) in [("report-x", "report-x-de"), ("day-menu", "day-menu-de")] {
        let png = |p: &Path| {
            till_display::Canvas::from_png(&file_bytes(p)).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        };
        let (ours, theirs) =
            (png(&out.join(format!("{drawn}.png"))), png(&snapshots.join(format!("{snapshot}-800x480.png"))));
        assert!(ours == theirs, "{drawn}.png of a German store in euros is not {snapshot}'s snapshot");
    }
}
