//! The message catalogs (display/locales/LL/*.ftl): each parses, holds exactly the English
//! catalog's messages, renders every message with its variables, and draws with the fonts'
//! glyphs only; every message the screens and the appliance ask for is in the English catalog;
//! every listed currency's symbol has its glyphs.

use std::collections::BTreeSet;
use std::path::Path;

use fluent_bundle::FluentResource;
use till_display::i18n::{Arg, Language, text_with};
use till_display::{Currency, LOCALES, MoneyFormat, missing_glyphs};

/// The message ids of a catalog, in order, as written (`id = …` at the start of a line).
fn ids(source: &str) -> Vec<String> {
    source
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_string()))
        .collect()
}

#[test]
fn every_catalog_parses_and_holds_exactly_the_english_messages() {
    let english: BTreeSet<String> = ids(&Language::English.source()).into_iter().collect();
    assert!(english.len() > 10, "the English catalog lists its messages: {english:?}");
    for lang in Language::ALL {
        let source = lang.source();
        if let Err((_, errors)) = FluentResource::try_new(source.clone()) {
            panic!("locales/{} does not parse: {errors:?}", lang.code());
        }
        let list = ids(&source);
        let have: BTreeSet<String> = list.iter().cloned().collect();
        assert_eq!(have.len(), list.len(), "locales/{} names a message twice", lang.code());
        let missing: Vec<_> = english.difference(&have).collect();
        let extra: Vec<_> = have.difference(&english).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "locales/{}: missing {missing:?}, extra {extra:?}",
            lang.code()
        );
    }
}

#[test]
fn every_message_renders_in_every_language_with_the_fonts_glyphs() {
    for lang in Language::ALL {
        for id in ids(&Language::English.source()) {
            for count in [0, 1, 2, 5] {
                // Every variable a screen gives (the `$` check below catches one left out here).
                let args = [
                    ("count", Arg::Count(count)),
                    ("span", Arg::Text("4 s")),
                    ("symbol", Arg::Text("€")),
                    ("page", Arg::Count(count + 1)),
                    ("pages", Arg::Count(count + 2)),
                    ("name", Arg::Text("Maya")),
                    ("order", Arg::Text("R1-000014")),
                    ("amount", Arg::Text("–1,00 €")),
                    ("id", Arg::Text("DE123456789")),
                    ("rate", Arg::Text("19%")),
                    ("net", Arg::Text("10,50")),
                    ("tender", Arg::Text("Bar")),
                    ("number", Arg::Count(count + 12)),
                    ("when", Arg::Text("05.12.2026 14:10 UTC")),
                    ("date", Arg::Text("2026-12-05")),
                    ("zs", Arg::Text("Z3 Z4")),
                    ("names", Arg::Text("R1, R2")),
                    ("version", Arg::Text("0.2.0")),
                    ("ago", Arg::Text("vor 4 s")),
                    ("address", Arg::Text("10.0.0.2:8787")),
                    ("query", Arg::Text("Kaffee")),
                    ("first", Arg::Count(count + 1)),
                    ("last", Arg::Count(count + 3)),
                    ("age", Arg::Text("7 min")),
                    ("device", Arg::Text("/dev/usb/lp0")),
                    ("setup", Arg::Text("USB, 80 mm")),
                    ("state", Arg::Text("ok")),
                    // The appliance's banners and prompts (counter.ftl, machine.ftl).
                    ("error", Arg::Text("database is locked")),
                    ("subject", Arg::Text("R1-000014")),
                    ("number", Arg::Text("R1-000014")),
                    ("code", Arg::Text("422")),
                    ("discount", Arg::Text("10%")),
                    ("limit", Arg::Text("10%")),
                    ("price", Arg::Text("3,20 €")),
                    ("shelf", Arg::Text("3,50 €")),
                    ("total", Arg::Text("12,50 €")),
                    ("refund", Arg::Text("3,50 €")),
                    ("due", Arg::Text("4,00 €")),
                    ("change", Arg::Text("0,50 €")),
                    ("zero", Arg::Text("0,00 €")),
                    ("net", Arg::Text("812,40 €")),
                    ("tender", Arg::Text("voucher")),
                    ("kind", Arg::Text("Paid in")),
                    ("why", Arg::Text("float")),
                    ("after", Arg::Text("It is printing.")),
                    ("manager", Arg::Text("Ana")),
                    ("seconds", Arg::Text("30")),
                    ("printer", Arg::Text("Printer")),
                    ("address", Arg::Text("10.0.0.5:7777")),
                    ("server", Arg::Text("Counter 1")),
                    ("version", Arg::Text("3")),
                    ("port", Arg::Text("7777")),
                    ("term", Arg::Text("2")),
                    ("note", Arg::Text("register B serves the store at term 2")),
                    ("pulled", Arg::Text("3 new events fetched from the old server first.")),
                    ("time", Arg::Text("10 s")),
                    ("file", Arg::Text("till-counter-1.tar")),
                    ("size", Arg::Text("841 KB")),
                    ("older", Arg::Text("1 older backup of this register kept")),
                    ("path", Arg::Text("/dev/ttyUSB0")),
                    ("baud", Arg::Text("9600")),
                    ("target", Arg::Text("tcp:10.0.0.9:9100")),
                    ("width", Arg::Text("80")),
                    ("mode", Arg::Text("raster")),
                ];
                let shown = text_with(lang, &id, &args);
                assert!(!shown.trim().is_empty(), "{id} in {} is empty", lang.code());
                assert!(!shown.contains('{') && !shown.contains('$'), "{id} in {}: {shown:?}", lang.code());
                assert_eq!(missing_glyphs(&shown), Vec::<char>::new(), "{id} in {}: {shown:?}", lang.code());
            }
        }
    }
}

#[test]
fn every_message_the_screens_and_the_appliance_ask_for_is_in_the_english_catalog() {
    let english: BTreeSet<String> = ids(&Language::English.source()).into_iter().collect();
    let mut asked = BTreeSet::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The screens, and the appliance (its banners, prompts, receipts and reports, through
    // `i18n::Words`).
    let mut dirs = vec![root.join("src"), root.join("../appliance/src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for call in [".t(\"", ".t_with(\""] {
                for (i, _) in text.match_indices(call) {
                    let rest = &text[i + call.len()..];
                    if let Some(end) = rest.find('"') {
                        asked.insert(rest[..end].to_string());
                    }
                }
            }
        }
    }
    assert!(!asked.is_empty(), "the scan found the screens' messages");
    let unknown: Vec<_> = asked.difference(&english).collect();
    assert!(unknown.is_empty(), "asked for but not in the English catalog: {unknown:?}");
}

#[test]
fn every_listed_currency_has_its_glyphs_in_every_locale() {
    for c in Currency::listed() {
        assert_eq!(missing_glyphs(c.symbol()), Vec::<char>::new(), "{} {}", c.code(), c.symbol());
        for l in LOCALES {
            // Grouping, decimal separator, the spaces between, the sign.
            let shown = MoneyFormat::new(c, *l).format(-123_456_789);
            assert_eq!(missing_glyphs(&shown), Vec::<char>::new(), "{} in {}: {shown:?}", c.code(), l.tag());
        }
    }
}
