//! The counter's commands (issue 14) that the main file has no room for: removing users and
//! changing PINs, the store's tenders, and GS1 price-embedded labels.

use super::Till;

/// `order create TEA --price TEA=1.00 --manager ann` with this PIN: the exit code and stderr.
fn approve_with(t: &Till, pin: &str) -> (Option<i32>, String) {
    let out = t
        .cmd(&["order", "create", "TEA", "--price", "TEA=1.00", "--manager", "ann"])
        .env("TILL_MANAGER_PIN", pin)
        .output()
        .expect("test");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_removed_user_cannot_sign_in_and_a_new_pin_replaces_the_old_one() {
    let t = Till::shop();
    t.ok(&["user", "add", "bo", "--role", "cashier", "--pin", "1357"]);
    t.ok(&["user", "add", "cy", "--role", "manager", "--pin", "5555"]);
    t.ok(&["order", "create", "TEA", "--cashier", "bo"]);

    // A cashier, and a manager while another remains, are removed; their history stays.
    assert!(t.ok(&["user", "remove", "bo"]).contains("removed user bo"));
    t.ok(&["user", "remove", "cy"]);
    let users = t.json(&["user", "list"]);
    let active: Vec<(&str, bool)> = users
        .as_array()
        .into_iter()
        .flatten()
        .map(|u| (u["name"].as_str().unwrap_or_default(), u["active"].as_bool().unwrap_or(true)))
        .collect();
    assert_eq!(active, [("ann", true), ("bo", false), ("cy", false)]);
    assert_eq!(t.json(&["order", "list"])[0]["cashier"], "bo", "their orders keep their name");
    t.refused(&["order", "create", "TEA", "--cashier", "bo"], 4, "no user named 'bo'");
    t.refused(&["user", "set-pin", "bo", "--pin", "2468"], 4, "no user named 'bo'");
    t.refused(&["user", "remove", "ann"], 3, "last manager");
    {
        // The PIN pad's own check: bo's PIN no longer signs anyone in.
        let mut r = till::register::Register::open(&t.data()).expect("test");
        assert!(r.check_pin("bo", "1357").is_err(), "a removed user signs in");
        assert!(r.check_pin("ann", "1234").is_ok());
    }

    // ann's PIN changes: the old one no longer approves, the new one does.
    assert!(t.ok(&["user", "set-pin", "ann", "--pin", "86420"]).contains("ann's PIN changed"));
    let (code, err) = approve_with(&t, "1234");
    assert_eq!(code, Some(6), "{err}");
    assert!(err.contains("wrong name or PIN"), "{err}");
    let (code, err) = approve_with(&t, "86420");
    assert_eq!(code, Some(0), "{err}");
    let orders = t.json(&["order", "list"]);
    assert_eq!(
        (orders[1]["approved_by"].as_str(), orders[1]["lines"][0]["unit_price_cents"].as_i64()),
        (Some("ann"), Some(100))
    );
    t.refused(&["user", "set-pin", "ann", "--pin", "12"], 3, "PIN must be 4 to 8 digits");
}

#[test]
fn tenders_are_added_and_listed_and_bad_ones_refused_without_a_change() {
    let t = Till::shop();
    assert_eq!(t.json(&["tender", "list"]), serde_json::json!(["cash", "card"]));
    assert!(t.ok(&["tender", "add", "Voucher"]).contains("tender voucher accepted"));
    t.ok(&["tender", "add", "account"]);
    assert_eq!(t.json(&["tender", "list"]), serde_json::json!(["cash", "card", "account", "voucher"]));
    assert!(t.ok(&["tender", "list"]).contains("voucher"));
    t.refused(&["tender", "add", "voucher"], 3, "the tender 'voucher' exists already");
    t.refused(&["tender", "add", "cash"], 3, "the tender 'cash' exists already");
    t.refused(&["tender", "add", "Card"], 3, "the tender 'card' exists already");
    t.refused(&["tender", "add", "gift card"], 3, "'gift card' is not a tender name");
    t.refused(&["tender", "add", ""], 3, "is not a tender name");
    t.refused(&["tender", "add", &"x".repeat(25)], 3, "is not a tender name");
    // An added tender pays.
    let o = t.json(&["order", "create", "MUG", "--pay", "voucher"]);
    assert_eq!(
        (o["tenders"][0]["tender"].as_str(), o["tenders"][0]["amount_cents"].as_i64()),
        (Some("voucher"), Some(600))
    );
}

#[test]
fn a_price_embedded_label_rings_its_price_only_once_the_store_reads_them() {
    let t = Till::shop();
    // Cheese by weight, registered under its item code (the label's 13 digits with a zero price).
    t.ok(&["product", "add", "CHEESE", "--name", "Cheese", "--price", "9.99", "--barcode", "2012345000001"]);
    t.refused(&["order", "create", "2012345012349"], 4, "no product with SKU or barcode '2012345012349'");
    t.ok(&["setting", "set", "price_embedded_barcodes", "true"]);
    let o = t.json(&["order", "create", "2012345012349", "--pay", "card"]);
    let line = &o["lines"][0];
    assert_eq!((line["sku"].as_str(), line["unit_price_cents"].as_i64()), (Some("CHEESE"), Some(1234)));
    assert_eq!(o["total_cents"].as_i64(), Some(1234));
    // A label with a bad check digit is still refused; the item's own code rings the shelf price.
    t.refused(&["order", "create", "2012345012340"], 3, "bad check digit");
    assert_eq!(t.json(&["order", "create", "CHEESE"])["lines"][0]["unit_price_cents"].as_i64(), Some(999));
    t.ok(&["setting", "set", "price_embedded_barcodes", "false"]);
    t.refused(&["order", "create", "2012345012349"], 4, "no product with SKU or barcode");
}
