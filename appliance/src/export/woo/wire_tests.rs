use serde_json::json;

use super::*;
use crate::store::{OrderTaxRow, ReturnLineRow, TenderRow};

fn line(sku: &str, qty: u32, unit: i64, rate: u32, net: i64, tax: i64) -> OrderLineRow {
    OrderLineRow {
        sku: sku.into(),
        name: format!("{sku} name"),
        qty,
        unit_price_cents: unit,
        tax_rate_bp: rate,
        subtotal_cents: net,
        tax_cents: tax,
        discount_cents: 0,
        order_discount_cents: 0,
        total_cents: net + tax,
        returned_qty: 0,
    }
}

fn sale(lines: Vec<OrderLineRow>, included: bool, tenders: &[(&str, i64)], change: i64) -> OrderRow {
    let (net, tax): (i64, i64) =
        (lines.iter().map(|l| l.subtotal_cents).sum(), lines.iter().map(|l| l.tax_cents).sum());
    OrderRow {
        id: "0a0b:7".into(),
        number: "R1-000007".into(),
        register: "0a0b".into(),
        payment: if tenders.len() == 1 { tenders[0].0.into() } else { "split".into() },
        cashier: Some("ann".into()),
        approved_by: None,
        shift_id: None,
        subtotal_cents: net,
        tax_cents: tax,
        total_cents: net + tax,
        discount_cents: 0,
        change_cents: change,
        cash_rounding_cents: 0,
        prices_include_tax: included,
        tenders: tenders.iter().map(|(t, a)| TenderRow { tender: (*t).into(), amount_cents: *a }).collect(),
        taxes: vec![OrderTaxRow { rate_bp: 825, net_cents: net, tax_cents: tax }],
        total: Cents(net + tax).to_string(),
        currency: "USD".into(),
        created_ms: 1_700_000_000_000,
        created: "2023-11-14T22:13:20Z".into(),
        voided: false,
        lines,
    }
}

const TEA: ProductRef = ProductRef { id: 11, parent: None };
const MUG_BLUE: ProductRef = ProductRef { id: 31, parent: Some(30) };

#[test]
fn money_is_written_and_read_as_woocommerce_does() {
    assert_eq!(money(1531, 2), "15.31");
    assert_eq!(money(-1, 2), "-0.01");
    for (s, c) in
        [("12.3", 1230), ("12", 1200), ("-4.5", -450), ("0.125", 13), ("-0.125", -13), (".5", 50), ("7.1249", 712)]
    {
        assert_eq!(parse_money(s, 2), Some(c), "{s}");
    }
    for bad in ["", "-", "1.2.3", "abc", "1e3", "12,50", "9999999999999999"] {
        assert_eq!(parse_money(bad, 2), None, "{bad}");
    }
    assert_eq!(cents_of(&json!("2.50"), 2), Some(250));
    assert_eq!(cents_of(&json!(2.5), 2), Some(250));
    assert_eq!(cents_of(&json!(null), 2), None);
    // The store's currency sets the decimals: yen have none, dinars three (docs/LOCALE.md).
    assert_eq!(
        (money(500, 0), money(-1, 0), money(1250, 3), money(-5, 3)),
        ("500".into(), "-1".into(), "1.250".into(), "-0.005".into())
    );
    for (s, minor, c) in [
        ("500", 0, 500),
        ("500.00", 0, 500),
        ("499.5", 0, 500),
        ("1.250", 3, 1250),
        ("1.25", 3, 1250),
        ("0.0005", 3, 1),
        ("-2.1", 3, -2100),
    ] {
        assert_eq!(parse_money(s, minor), Some(c), "{s} with {minor} decimals");
    }
    assert_eq!((cents_of(&json!(500), 0), cents_of(&json!(1.25), 3)), (Some(500), Some(1250)));
    assert_eq!(query_value("TEA-1.a_b~"), "TEA-1.a_b~");
    assert_eq!(query_value("2024-01-01T00:00:00"), "2024-01-01T00%3A00%3A00");
}

#[test]
fn a_sale_is_a_completed_paid_order_with_nets_and_the_till_id() {
    // 2 × 2.50 at 8.25 % on top (0.41), a blue mug (a variation) untaxed; cash and card.
    let o = sale(
        vec![line("TEA", 2, 250, 825, 500, 41), line("MUG", 1, 600, 0, 600, 0)],
        false,
        &[("card", 500), ("cash", 1000)],
        -0,
    );
    let b = order_body(&o, "0a0b:7", &[TEA, MUG_BLUE], 2);
    assert_eq!(b["status"], "completed");
    assert_eq!(b["set_paid"], true);
    assert_eq!(b["payment_method_title"], "Till: card 5.00 + cash 10.00");
    assert_eq!(
        b["line_items"][0],
        json!({
            "product_id": 11, "quantity": 2, "name": "TEA name", "subtotal": "5.00", "total": "5.00",
            "meta_data": [{"key": "_till_sku", "value": "TEA"}, {"key": "_till_tax", "value": "0.41"},
                          {"key": "_till_total", "value": "5.41"}]
        })
    );
    assert_eq!(b["line_items"][1]["product_id"], 30);
    assert_eq!(b["line_items"][1]["variation_id"], 31);
    assert!(b["line_items"][0].get("variation_id").is_none());
    assert_eq!(meta(&b, TILL_ID), Some(&json!("0a0b:7")));
    assert_eq!(meta(&b, "_till_total"), Some(&json!("11.41")));
    assert_eq!(
        meta(&b, "_till_tenders"),
        Some(&json!([{"tender": "card", "amount": "5.00"}, {"tender": "cash", "amount": "10.00"}]))
    );
    assert!(b.get("fee_lines").is_none(), "tax on top: WooCommerce's tax is the register's");
    assert_eq!(meta(&b, "_till_cash_rounding"), None, "nothing rounded, nothing said");
    let rounded = OrderRow { cash_rounding_cents: -2, ..o.clone() };
    assert_eq!(
        meta(&order_body(&rounded, "0a0b:7", &[TEA, MUG_BLUE], 2), "_till_cash_rounding"),
        Some(&json!("-0.02"))
    );
    // Every meta value is a string or an array: the published order schema allows no numbers.
    for m in b["meta_data"].as_array().into_iter().flatten() {
        assert!(m["value"].is_string() || m["value"].is_array(), "{m}");
    }
}

#[test]
fn tax_included_prices_send_nets_and_the_cent_woocommerce_would_round_otherwise() {
    // 1.03 with 19 % in it: the register's tax 0.16 (net 0.87); WooCommerce's on 0.87 is 0.17.
    let o = sale(vec![line("TEA", 1, 103, 1900, 87, 16)], true, &[("cash", 103)], 0);
    assert_eq!(tax_rounding(&o), -1);
    let b = order_body(&o, "0a0b:7", &[TEA], 2);
    assert_eq!(b["line_items"][0]["total"], "0.87");
    assert_eq!(b["line_items"][0]["subtotal"], "0.87");
    assert_eq!(b["fee_lines"], json!([{"name": ROUNDING_FEE, "tax_status": "none", "total": "-0.01"}]));
    // A discounted line: the subtotal is the shelf price's net, before the discount.
    let mut l = line("TEA", 2, 119, 1900, 180, 34);
    l.discount_cents = 24;
    let o = sale(vec![l], true, &[("cash", 214)], 0);
    assert_eq!(order_body(&o, "0a0b:7", &[TEA], 2)["line_items"][0]["subtotal"], "2.00");
}

#[test]
fn a_return_is_a_refund_of_its_lines_with_their_tax_split_off() {
    let o = sale(vec![line("TEA", 3, 250, 825, 750, 62), line("MUG", 1, 600, 0, 600, 0)], false, &[("card", 1412)], 0);
    let ret = ReturnRow {
        id: "0a0b:9".into(),
        order_id: o.id.clone(),
        order_number: o.number.clone(),
        restock: true,
        refund_cents: 541 + 600,
        refund: "11.41".into(),
        payment: "card".into(),
        cash_rounding_cents: 0,
        cashier: None,
        approved_by: None,
        created_ms: 0,
        lines: vec![
            ReturnLineRow { sku: "TEA".into(), qty: 2, refund_cents: 541 },
            ReturnLineRow { sku: "MUG".into(), qty: 1, refund_cents: 600 },
        ],
    };
    let lines = order_lines(&json!({"line_items": [
        {"id": 501, "product_id": 11, "variation_id": 0, "taxes": [{"id": 4, "total": "0.62", "subtotal": "0.62"}]},
        {"id": 502, "product_id": 30, "variation_id": 31, "taxes": []},
    ]}));
    let b = refund_body(&ret, "0a0b:9", Some(&o), &[TEA, MUG_BLUE], &lines, 2).expect("maps");
    assert_eq!(b["amount"], "11.41");
    assert_eq!(b["api_refund"], false);
    assert_eq!(b["api_restock"], true);
    // 5.41 of the line's 8.12: 0.41 of its 0.62 tax.
    assert_eq!(
        b["line_items"][0],
        json!({"id": 501, "quantity": 2, "refund_total": 5.0,
                                          "refund_tax": [{"id": 4, "refund_total": 0.41}]})
    );
    assert_eq!(b["line_items"][1], json!({"id": 502, "quantity": 1, "refund_total": 6.0}));
    assert_eq!(reason_key(b["reason"].as_str().unwrap_or_default()), Some("0a0b:9"));
    let missing = refund_body(&ret, "0a0b:9", Some(&o), &[TEA, ProductRef { id: 99, parent: None }], &lines, 2);
    assert!(missing.is_err_and(|e| e.contains("MUG")));
}

#[test]
fn yen_and_dinars_are_written_with_their_own_decimals() {
    // A yen store: 2 × 500 at 10 % on top (100), paid 2000 in cash, 900 back.
    let o = sale(vec![line("TEA", 2, 500, 1000, 1000, 100)], false, &[("cash", 2000)], 900);
    let b = order_body(&o, "0a0b:7", &[TEA], 0);
    assert_eq!((&b["line_items"][0]["total"], &b["line_items"][0]["subtotal"]), (&json!("1000"), &json!("1000")));
    assert_eq!(meta(&b, "_till_total"), Some(&json!("1100")));
    assert_eq!(b["payment_method_title"], "Till: cash 2000, change 900");
    // A Kuwaiti store: 1.250 dinars back for a line of 1.250 with no tax.
    let o = sale(vec![line("TEA", 1, 1250, 0, 1250, 0)], false, &[("card", 1250)], 0);
    assert_eq!(meta(&order_body(&o, "0a0b:7", &[TEA], 3), "_till_total"), Some(&json!("1.250")));
    let ret = ReturnRow {
        id: "0a0b:9".into(),
        order_id: o.id.clone(),
        order_number: o.number.clone(),
        restock: false,
        refund_cents: 1250,
        refund: "1.250".into(),
        payment: "card".into(),
        cash_rounding_cents: 0,
        cashier: None,
        approved_by: None,
        created_ms: 0,
        lines: vec![ReturnLineRow { sku: "TEA".into(), qty: 1, refund_cents: 1250 }],
    };
    let lines = order_lines(&json!({"line_items": [{"id": 501, "product_id": 11, "variation_id": 0, "taxes": []}]}));
    let r = refund_body(&ret, "0a0b:9", Some(&o), &[TEA], &lines, 3).expect("maps");
    assert_eq!((&r["amount"], &r["line_items"][0]["refund_total"]), (&json!("1.250"), &json!(1.25)));
    // And the shop's prices are read with them.
    let p = json!({"sku": "TEA", "price": "500"});
    assert_eq!(catalog_item(&p, "Tea", 0).map(|i| i.price_cents), Some(500));
    let p = json!({"sku": "TEA", "price": "1.250"});
    assert_eq!(catalog_item(&p, "Tea", 3).map(|i| i.price_cents), Some(1250));
}

#[test]
fn keys_are_read_back_from_orders_and_refunds() {
    let order = json!({"id": 40, "meta_data": [{"id": 1, "key": "_till_id", "value": "0a0b:7"},
                                              {"id": 2, "key": "_till_void_id", "value": "0a0b:8"}],
                       "refunds": [{"id": 41, "reason": "Returned at the register: R1-000007 [0a0b:9]",
                                    "total": "-1.00"},
                                   {"id": 42, "reason": "damaged in the post", "total": "-2.00"}]});
    assert_eq!(
        till_keys(&order),
        [("0a0b:7".into(), "40".into()), ("0a0b:8".into(), "40".into()), ("0a0b:9".into(), "41".into())]
    );
    assert_eq!(reason_key("x [a b]"), None);
    assert_eq!(reason_key("x []"), None);
}

#[test]
fn errors_are_woocommerces_words() {
    let body = br#"{"code":"woocommerce_rest_authentication_error","message":"Consumer secret is invalid.",
                    "data":{"status":401}}"#;
    assert_eq!(
        error_text(body),
        (
            Some("woocommerce_rest_authentication_error".into()),
            "Consumer secret is invalid. (woocommerce_rest_authentication_error)".into()
        )
    );
    let invalid = br#"{"code":"rest_invalid_param","message":"Invalid parameter(s): line_items","data":{"status":400,
                       "params":{"line_items":"line_items[0][quantity] is not of type integer."}}}"#;
    assert!(error_text(invalid).1.contains("line_items[0][quantity] is not of type integer."));
    assert_eq!(error_text(b"<html>\n<body>Not Found</body></html>").1, "<html> <body>Not Found</body></html>");
}

#[test]
fn products_and_variations_are_catalog_items() {
    let p = json!({"id": 11, "type": "simple", "sku": "TEA", "name": "Green tea", "price": "2.50",
                   "global_unique_id": "4006381333931",
                   "meta_data": [{"key": "_alg_ean", "value": "0000000000000"}]});
    let item = catalog_item(&p, "Green tea", 2).expect("item");
    assert_eq!(
        (item.sku.as_str(), item.price_cents, item.barcodes.clone()),
        ("TEA", 250, vec!["4006381333931".to_string()])
    );
    let old = json!({"sku": "COF", "price": "", "regular_price": "9.9",
                     "meta_data": [{"key": "_alg_ean", "value": "4006381333948"}]});
    let item = catalog_item(&old, "Coffee", 2).expect("item");
    assert_eq!((item.price_cents, item.barcodes), (990, vec!["4006381333948".to_string()]));
    assert!(catalog_item(&json!({"sku": "", "price": "1"}), "x", 2).is_none(), "no SKU, nothing to match by");
    assert!(catalog_item(&json!({"sku": "X", "price": ""}), "x", 2).is_none(), "no price");
    let v = json!({"id": 31, "sku": "MUG", "price": "6.00", "attributes": [{"name": "Colour", "option": "Blue"}]});
    assert_eq!(variation_name("Mug", &v), "Mug – Blue");
    assert_eq!(ProductRef::of(&json!({"id": 31, "type": "variation", "parent_id": 30})), Some(MUG_BLUE));
    assert_eq!(ProductRef::of(&json!({"id": 11, "type": "simple", "parent_id": 0})), Some(TEA));
    assert_eq!(MUG_BLUE.path(), "/products/30/variations/31");
}
