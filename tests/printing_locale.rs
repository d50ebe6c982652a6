//! Receipts and Z reports in the store's money and language, through the virtual printer
//! (tests/common/vprinter.rs) from a real `till run`: a German store in euros prints German words
//! and `5,95 €`; an American store in yen prints yen without decimals; a register of the German
//! store set to English (`till setup set language=en`) prints English in euros; a Swiss store
//! that rounds cash prints a cash refund's rounding and what the drawer paid out.

mod common;

use common::vprinter::{Item, VirtualPrinter, lines, receipts};
use common::{DEADLINE, Node};

fn shop(root: &std::path::Path, printer: &str, currency: &str, locale: &str, price: &str) -> Node {
    let n = Node::new(root, "R1");
    n.ok(&["setting", "set", "store_name", "Café Ölberg"]);
    n.ok(&["setting", "set", "currency", currency]);
    n.ok(&["setting", "set", "locale", locale]);
    n.ok(&["tax", "add", "std", "10"]);
    n.ok(&["product", "add", "TEA", "--name", "Grüner Tee", "--price", price, "--tax", "std"]);
    n.ok(&["printer", "set", printer, "--width", "80"]);
    n
}

/// The printed documents that mention `needle`, as lines.
fn with(items: &[Item], needle: &str) -> Vec<Vec<String>> {
    receipts(items).iter().map(|r| lines(r)).filter(|l| l.iter().any(|l| l.contains(needle))).collect()
}

fn ring(n: &Node, args: &[&str]) -> String {
    let mut a = vec!["order", "create"];
    a.extend_from_slice(args);
    n.ok(&a).lines().next().unwrap_or_default().split_whitespace().next().unwrap_or_default().to_string()
}

/// The line that starts with `label`, and it ends with `amount`.
fn has(text: &[String], label: &str, amount: &str) -> bool {
    text.iter().any(|l| l.trim_start().starts_with(label) && l.trim_end().ends_with(amount))
}

#[test]
fn a_german_store_in_euros_prints_german_receipts_and_z_reports() {
    let root = tempfile::tempdir().expect("test: temp dir");
    let vp = VirtualPrinter::tcp();
    let mut n = shop(root.path(), &vp.target(), "EUR", "de-DE", "2.50");
    n.start();
    let number = ring(&n, &["TEA:2", "--tendered", "10.00"]);
    let items = vp.wait_for(|i| with(i, &number).len() == 1, *DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    let r = &with(&items, &number)[0];
    assert!(has(r, "SUMME", "5,50\u{a0}€"), "10% on 5,00 is 0,50: {r:#?}");
    assert!(has(r, "MwSt. 10% auf 5,00", "0,50"), "{r:#?}");
    assert!(has(r, "Rückgeld", "4,50"), "{r:#?}");
    assert!(has(r, "Bar", "10,00"), "the cash tender in German: {r:#?}");
    assert!(r.iter().any(|l| l.contains(&format!("Bon {number}"))), "{r:#?}");
    // The date as Germans write it: 05.12.2026.
    let dated = r.iter().any(|l| {
        let b = l.as_bytes();
        l.ends_with("UTC") && b.len() > 10 && b[2] == b'.' && b[5] == b'.' && b[..2].iter().all(u8::is_ascii_digit)
    });
    assert!(dated, "DD.MM.YYYY: {r:#?}");
    assert!(!r.iter().any(|l| l.contains("TOTAL") || l.contains("Change") || l.contains("5.50")), "{r:#?}");
    n.ok(&["report", "z", "--counted", "5.50"]);
    let items = vp.wait_for(|i| with(i, "Z-BERICHT 1").len() == 1, *DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    let z = &with(&items, "Z-BERICHT 1")[0];
    assert!(has(z, "NETTOUMSATZ", "5,50"), "{z:#?}");
    assert!(has(z, "Umsatz (1)", "5,50"), "{z:#?}");
    assert!(has(z, "Soll-Bestand", "5,50") && has(z, "Differenz", "0,00"), "{z:#?}");
    assert!(z.iter().any(|l| l.contains("Nach Zahlungsart")), "{z:#?}");
    assert!(has(z, "(ohne Kassierer) (1)", "5,50"), "a sale without a cashier signed in: {z:#?}");
    n.ok(&["report", "show", "1", "--print"]);
    let items = vp.wait_for(|i| with(i, "Z-BERICHT 1").len() == 2, *DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    assert!(with(&items, "Z-BERICHT 1")[1].iter().any(|l| l.contains("KOPIE")));
    // One register of the store in English: its receipts are English, the money still euros.
    n.ok(&["setup", "set", "language=en"]);
    let shown = n.ok(&["receipt", &number]);
    assert!(shown.contains("TOTAL") && shown.contains("5,50\u{a0}€") && !shown.contains("SUMME"), "{shown}");
    n.stop();
}

#[test]
fn an_american_store_in_yen_prints_yen_without_decimals() {
    let root = tempfile::tempdir().expect("test: temp dir");
    let vp = VirtualPrinter::tcp();
    let mut n = shop(root.path(), &vp.target(), "JPY", "en-US", "500");
    n.start();
    let number = ring(&n, &["TEA:2", "--tendered", "2000"]);
    let items = vp.wait_for(|i| with(i, &number).len() == 1, *DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    let r = &with(&items, &number)[0];
    assert!(has(r, "TOTAL", "¥1,100"), "10% on 1,000 yen: {r:#?}");
    assert!(has(r, "Tax 10% on 1,000", "100"), "{r:#?}");
    assert!(has(r, "Cash", "2,000") && has(r, "Change", "900"), "{r:#?}");
    assert!(!r.iter().any(|l| l.contains(".00") || l.contains("11.00")), "no decimals in yen: {r:#?}");
    n.ok(&["report", "z", "--counted", "1100"]);
    let items = vp.wait_for(|i| with(i, "Z REPORT 1").len() == 1, *DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    let z = &with(&items, "Z REPORT 1")[0];
    assert!(has(z, "NET SALES", "1,100") && has(z, "Difference", "0"), "{z:#?}");
    assert!(!z.iter().any(|l| l.contains(".00")), "no decimals in yen: {z:#?}");
    // A yen amount with decimals is refused, and nothing printed or recorded.
    let bad = n.till(&["report", "z", "--counted", "11.50"]);
    assert_eq!(bad.status.code(), Some(3), "{}", String::from_utf8_lossy(&bad.stderr));
    n.stop();
}

#[test]
fn a_swiss_store_pays_cash_refunds_rounded_and_says_so_on_the_return_receipt() {
    let root = tempfile::tempdir().expect("test: temp dir");
    let vp = VirtualPrinter::tcp();
    let mut n = shop(root.path(), &vp.target(), "CHF", "de-DE", "11.38");
    n.ok(&["setting", "set", "cash_rounding", "5"]);
    n.start();
    // 12.52 with tax, paid by card; brought back and refunded in cash: 12.50 paid out.
    let number = ring(&n, &["TEA", "--pay", "card"]);
    vp.wait_for(|i| with(i, &number).len() == 1, *DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    n.ok(&["return", "create", &number, "TEA", "--tender", "cash"]);
    let items = vp.wait_for(|i| with(i, "RÜCKGABE").len() == 1, *DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    let r = &with(&items, "RÜCKGABE")[0];
    assert!(has(r, "ERSTATTUNG", "-12,52"), "{r:#?}");
    assert!(has(r, "Rundung Bargeld", "0,02"), "the refund's rounding: {r:#?}");
    assert!(has(r, "Per Bar", "12,50"), "what the drawer paid out: {r:#?}");
    n.stop();
}
