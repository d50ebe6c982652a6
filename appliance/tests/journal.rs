//! The journal (docs/DATA.md, "The journal and its export"): a store with every kind of history
//! verifies; each kind of tampering with the database (an event edited, deleted, moved or forged,
//! a derived row changed, removed or slipped in) is caught and named by the event it concerns.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, params};
use till::model::{Cents, Discount, EventId, PayRequest, Payment, RateBp, Sku};
use till::register::{ItemRequest, Register, SaleRequest};
use till::store::{Cell, ExportTable, JournalReport, Problem, ProblemKind, Store};
use till::sync::{Event, EventKind, Link, event_hash};

fn sku(s: &str) -> Sku {
    s.parse().unwrap_or_else(|_| unreachable!("valid SKU"))
}

fn open(dir: &Path) -> Register {
    Register::open(dir).unwrap_or_else(|e| panic!("{e}"))
}

fn log(r: &Register) -> Vec<Vec<u8>> {
    r.store().reader().log_after(0, u32::MAX).unwrap_or_else(|e| panic!("{e}")).into_iter().map(|x| x.1).collect()
}

fn verify(dir: &Path) -> JournalReport {
    let s = Store::open(dir).unwrap_or_else(|e| panic!("{e}"));
    s.verify_journal(true).unwrap_or_else(|e| panic!("{e}"))
}

fn db(dir: &Path) -> Connection {
    Connection::open(dir.join("till.db")).unwrap_or_else(|e| panic!("{e}"))
}

fn pay(tenders: &[(&str, Option<i64>)], tendered: Option<i64>) -> PayRequest {
    PayRequest {
        tenders: tenders.iter().map(|(n, a)| (n.to_string(), a.map(Cents))).collect(),
        tendered: tendered.map(Cents),
    }
}

fn item(code: &str, qty: u32, discount: Option<Discount>) -> ItemRequest {
    ItemRequest { code: code.into(), qty, discount, price: None }
}

/// A register with a bit of everything: products, taxes, a shift, plain and discounted sales
/// with split tenders and change, a void, a return, a price edit, stock counts.
fn busy_register(dir: &Path) -> Register {
    let mut r = open(dir);
    let ok = |e: Result<(), till::register::RegisterError>| e.unwrap_or_else(|e| panic!("{e}"));
    ok(r.set_tax("std", RateBp(2000), false));
    ok(r.set_tax("food", RateBp(700), false));
    ok(r.add_product(sku("TEA"), "Green tea", Cents(250), Some(100), Some("food")));
    ok(r.add_product(sku("MUG"), "Mug", Cents(899), Some(10), Some("std")));
    ok(r.add_tender("voucher").map(|_| ()));
    r.open_shift(Cents(10_000), None).unwrap_or_else(|e| panic!("{e}"));
    let plain = r.create_order(&[(sku("TEA"), 2)], Payment::Cash, None).unwrap_or_else(|e| panic!("{e}"));
    let sale = SaleRequest {
        items: vec![item("TEA", 3, Some(Discount::Percent(1000))), item("MUG", 1, None)],
        discount: Some(Discount::Amount(Cents(33))),
        pay: pay(&[("card", Some(500)), ("cash", None)], Some(2_000)),
        ..SaleRequest::default()
    };
    let split = r.ring(&sale).unwrap_or_else(|e| panic!("{e}"));
    assert!(split.change_cents > 0, "the split sale gave change");
    let voucher = SaleRequest {
        items: vec![item("MUG", 2, None)],
        pay: pay(&[("voucher", None)], None),
        ..SaleRequest::default()
    };
    r.ring(&voucher).unwrap_or_else(|e| panic!("{e}"));
    r.void_order(&plain.number).unwrap_or_else(|e| panic!("{e}"));
    r.create_return(&split.number, &[(sku("TEA"), 1)], true).unwrap_or_else(|e| panic!("{e}"));
    ok(r.set_price(&sku("TEA"), Cents(275)));
    ok(r.count_stock(&sku("MUG"), 6));
    r.create_order(&[(sku("TEA"), 1), (sku("MUG"), 1)], Payment::Card, None).unwrap_or_else(|e| panic!("{e}"));
    r.close_shift(Cents(10_500)).unwrap_or_else(|e| panic!("{e}"));
    ok(r.set_setting("prices_include_tax", "true"));
    let included = SaleRequest {
        items: vec![item("TEA", 4, Some(Discount::Amount(Cents(7)))), item("MUG", 1, None)],
        pay: pay(&[("cash", None)], Some(5_000)),
        ..SaleRequest::default()
    };
    r.ring(&included).unwrap_or_else(|e| panic!("{e}"));
    r
}

fn problems_of(report: &JournalReport, kind: ProblemKind) -> Vec<&Problem> {
    report.problems.iter().filter(|p| p.kind == kind).collect()
}

fn assert_ok(report: &JournalReport) {
    assert!(report.ok && report.problems.is_empty(), "{:#?}", report.problems);
}

/// (origin, seq, kind) of this register's events, in order.
fn own_events(dir: &Path, origin: &[u8]) -> Vec<(i64, String)> {
    let c = db(dir);
    let mut st =
        c.prepare("SELECT seq, kind FROM events WHERE origin = ?1 ORDER BY seq").unwrap_or_else(|e| panic!("{e}"));
    st.query_map([origin], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap_or_else(|e| panic!("{e}"))
        .collect::<rusqlite::Result<_>>()
        .unwrap_or_else(|e| panic!("{e}"))
}

struct Fixture {
    _root: tempfile::TempDir,
    dir: PathBuf,
    origin: Vec<u8>,
    events: Vec<(i64, String)>,
}

impl Fixture {
    fn new() -> Fixture {
        let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dir = root.path().join("r");
        let origin = busy_register(&dir).store().register_id().0.to_vec();
        let events = own_events(&dir, &origin);
        Fixture { _root: root, dir, origin, events }
    }

    /// The seq of the `n`th event of a kind (0: the first).
    fn seq_of(&self, kind: &str, n: usize) -> i64 {
        self.events.iter().filter(|(_, k)| k == kind).nth(n).map(|(s, _)| *s).unwrap_or_else(|| panic!("no {kind}"))
    }

    fn id(&self, seq: i64) -> String {
        format!("{}:{seq}", till::model::hex(&self.origin))
    }

    fn body(&self, seq: i64) -> Vec<u8> {
        db(&self.dir)
            .query_row("SELECT body FROM events WHERE origin = ?1 AND seq = ?2", params![self.origin, seq], |r| {
                r.get(0)
            })
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn sql(&self, sql: &str, p: impl rusqlite::Params) {
        db(&self.dir).execute(sql, p).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

#[test]
fn a_store_with_sales_voids_returns_edits_and_a_shift_verifies() {
    let f = Fixture::new();
    let report = verify(&f.dir);
    assert_ok(&report);
    let chain = &report.registers[0];
    assert_eq!((chain.events, chain.before_journal, chain.journal_from), (f.events.len() as u64, 0, Some(1)));
    assert_eq!(chain.head_seq, f.events.len() as u64);
    assert_eq!(chain.head_hash, till::model::hex(&event_hash(&f.body(f.events.len() as i64))));
    let derived = report.derived.unwrap_or_else(|| panic!("derived tables compared"));
    assert!(derived.tables >= 20 && derived.rows > 30, "{derived:?}");
    // Each event's link is the hash of the one before it.
    let first = Event::link_of(&f.body(1)).ok().flatten();
    assert_eq!(first, Some(Link::Start));
    for seq in 2..=f.events.len() as i64 {
        assert_eq!(Event::link_of(&f.body(seq)).ok().flatten(), Some(Link::After(event_hash(&f.body(seq - 1)))));
    }
}

#[test]
fn an_edited_event_is_named_by_its_successors_link() {
    let f = Fixture::new();
    let seq = f.seq_of("order_placed", 1);
    let (event, link) = Event::decode_linked(&f.body(seq)).unwrap_or_else(|e| panic!("{e}"));
    let EventKind::OrderPlaced(mut sale) = event.kind.clone() else { panic!("not a sale") };
    sale.number = "R1-999999".into();
    let forged = Event { kind: EventKind::OrderPlaced(sale), ..event };
    let bytes = forged.encode_linked(&link.unwrap_or_else(|| panic!("linked")));
    f.sql("UPDATE events SET body = ?1 WHERE origin = ?2 AND seq = ?3", params![bytes, f.origin, seq]);
    let report = verify(&f.dir);
    let edited = problems_of(&report, ProblemKind::Edited);
    assert_eq!(edited.len(), 1, "{:#?}", report.problems);
    assert_eq!(edited[0].event.as_deref(), Some(f.id(seq).as_str()));
    assert_eq!(edited[0].event_kind.as_deref(), Some("order_placed"));
    // The tables were made from the original: the log now says another number.
    let derived = problems_of(&report, ProblemKind::Derived);
    assert!(derived.iter().any(|p| p.table.as_deref() == Some("orders") && p.event.as_deref() == Some(&f.id(seq))));
    assert!(!report.ok);
}

#[test]
fn an_event_re_encoded_without_its_link_is_named() {
    let f = Fixture::new();
    let seq = f.seq_of("refunded", 0);
    let event = Event::decode(&f.body(seq)).unwrap_or_else(|e| panic!("{e}"));
    f.sql("UPDATE events SET body = ?1 WHERE origin = ?2 AND seq = ?3", params![event.encode(), f.origin, seq]);
    let report = verify(&f.dir);
    let unlinked = problems_of(&report, ProblemKind::Unlinked);
    assert_eq!(unlinked.iter().map(|p| p.event.clone()).collect::<Vec<_>>(), [Some(f.id(seq))]);
    // Its successor's link no longer matches either: the same event is named as edited.
    let edited = problems_of(&report, ProblemKind::Edited);
    assert_eq!(edited.iter().map(|p| p.seq).collect::<Vec<_>>(), [Some(seq as u64)]);
}

#[test]
fn a_deleted_event_is_a_gap() {
    let f = Fixture::new();
    let seq = f.seq_of("void_recorded", 0);
    f.sql("DELETE FROM events WHERE origin = ?1 AND seq = ?2", params![f.origin, seq]);
    let report = verify(&f.dir);
    let missing = problems_of(&report, ProblemKind::Missing);
    assert_eq!(missing.len(), 1, "{:#?}", report.problems);
    assert_eq!((missing[0].seq, missing[0].last_seq), (Some(seq as u64), Some(seq as u64)));
    assert_eq!(missing[0].event.as_deref(), Some(f.id(seq).as_str()));
    assert!(problems_of(&report, ProblemKind::Edited).is_empty(), "the gap is not also called an edit");
    // The void is still in the tables, but no longer in the log.
    assert!(problems_of(&report, ProblemKind::Derived).iter().any(|p| p.table.as_deref() == Some("order_voids")));
}

#[test]
fn swapped_bodies_and_swapped_seqs_are_caught_as_moved() {
    let f = Fixture::new();
    let a = f.seq_of("order_placed", 0);
    let b = a + 1;
    let (ba, bb) = (f.body(a), f.body(b));
    f.sql("UPDATE events SET body = ?1 WHERE origin = ?2 AND seq = ?3", params![bb, f.origin, a]);
    f.sql("UPDATE events SET body = ?1 WHERE origin = ?2 AND seq = ?3", params![ba, f.origin, b]);
    let report = verify(&f.dir);
    let moved = problems_of(&report, ProblemKind::Moved);
    assert_eq!(
        moved.iter().map(|p| p.seq).collect::<Vec<_>>(),
        [Some(a as u64), Some(b as u64)],
        "{:#?}",
        report.problems
    );
    assert!(problems_of(&report, ProblemKind::Edited).is_empty(), "{:#?}", report.problems);

    // Put the bodies back and renumber the rows instead: the same finding.
    f.sql("UPDATE events SET body = ?1 WHERE origin = ?2 AND seq = ?3", params![ba, f.origin, a]);
    f.sql("UPDATE events SET body = ?1 WHERE origin = ?2 AND seq = ?3", params![bb, f.origin, b]);
    assert_ok(&verify(&f.dir));
    f.sql("UPDATE events SET seq = 1000000 WHERE origin = ?1 AND seq = ?2", params![f.origin, a]);
    f.sql("UPDATE events SET seq = ?2 WHERE origin = ?1 AND seq = ?3", params![f.origin, a, b]);
    f.sql("UPDATE events SET seq = ?2 WHERE origin = ?1 AND seq = 1000000", params![f.origin, b]);
    let report = verify(&f.dir);
    let moved = problems_of(&report, ProblemKind::Moved);
    assert_eq!(
        moved.iter().map(|p| p.seq).collect::<Vec<_>>(),
        [Some(a as u64), Some(b as u64)],
        "{:#?}",
        report.problems
    );
}

/// A forged sale appended after the register's last event.
fn forged_sale(f: &Fixture, link: Option<Link>) -> (i64, Vec<u8>) {
    let template = f.seq_of("order_placed", 0);
    let head = f.events.len() as i64;
    let e = Event::decode(&f.body(template)).unwrap_or_else(|e| panic!("{e}"));
    let last = Event::decode(&f.body(head)).unwrap_or_else(|e| panic!("{e}"));
    let forged = Event { id: EventId { seq: head as u64 + 1, ..e.id }, hlc: last.hlc, ..e };
    let bytes = match link {
        Some(l) => forged.encode_linked(&l),
        None => forged.encode(),
    };
    f.sql(
        "INSERT INTO events (origin, seq, hlc_ms, hlc_logical, kind, body, received_ms) VALUES (?1, ?2, ?3, ?4, 'order_placed', ?5, 0)",
        params![f.origin, head + 1, forged.hlc.wall_ms as i64, forged.hlc.logical, bytes],
    );
    (head + 1, bytes)
}

#[test]
fn forged_events_are_caught_by_their_links_or_by_the_tables() {
    // Without a link, after linked events.
    let f = Fixture::new();
    let (seq, _) = forged_sale(&f, None);
    let report = verify(&f.dir);
    assert_eq!(
        problems_of(&report, ProblemKind::Unlinked).iter().map(|p| p.seq).collect::<Vec<_>>(),
        [Some(seq as u64)]
    );

    // With a made-up link: the hash does not match the register's last event.
    let f = Fixture::new();
    let (seq, _) = forged_sale(&f, Some(Link::After([0; 32])));
    let report = verify(&f.dir);
    let edited = problems_of(&report, ProblemKind::Edited);
    assert_eq!(edited.len(), 1, "{:#?}", report.problems);
    assert!(edited[0].what.contains(&format!("or event {seq} is forged")), "{}", edited[0].what);

    // Claiming to start a chain in the middle of one.
    let f = Fixture::new();
    forged_sale(&f, Some(Link::Start));
    assert_eq!(problems_of(&verify(&f.dir), ProblemKind::BadStart).len(), 1);

    // A correct link on the last event: the chain alone cannot tell (only other registers' copies
    // of the head can); the derived tables do, as the sale was never applied.
    let f = Fixture::new();
    let head_before = verify(&f.dir).registers[0].head_hash.clone();
    let head = f.body(f.events.len() as i64);
    let (seq, bytes) = forged_sale(&f, Some(Link::After(event_hash(&head))));
    let report = verify(&f.dir);
    assert!(
        problems_of(&report, ProblemKind::Edited).is_empty() && problems_of(&report, ProblemKind::Unlinked).is_empty()
    );
    let derived = problems_of(&report, ProblemKind::Derived);
    assert!(
        derived.iter().any(|p| p.table.as_deref() == Some("orders") && p.event.as_deref() == Some(&f.id(seq))),
        "{:#?}",
        report.problems
    );
    assert_ne!(report.registers[0].head_hash, head_before, "the head hash changed: compare it with other registers");
    assert_eq!(report.registers[0].head_hash, till::model::hex(&event_hash(&bytes)));

    // A forged register's events that do not start at 1.
    let f = Fixture::new();
    let e = Event::decode(&f.body(2)).unwrap_or_else(|e| panic!("{e}"));
    let other = till::model::RegisterId([0xEE; 16]);
    let forged = Event { id: EventId { origin: other, seq: 5 }, ..e };
    f.sql(
        "INSERT INTO events (origin, seq, hlc_ms, hlc_logical, kind, body, received_ms) VALUES (?1, 5, 1, 0, ?2, ?3, 0)",
        params![&other.0[..], forged.kind.name(), forged.encode_linked(&Link::After([1; 32]))],
    );
    let report = verify(&f.dir);
    let missing = problems_of(&report, ProblemKind::Missing);
    assert_eq!(missing.iter().map(|p| (p.seq, p.last_seq)).collect::<Vec<_>>(), [(Some(1), Some(4))]);
}

#[test]
fn changed_deleted_or_inserted_derived_rows_are_named_by_their_event() {
    let f = Fixture::new();
    let order = f.seq_of("order_placed", 1);
    f.sql("UPDATE orders SET total_cents = total_cents - 100 WHERE origin = ?1 AND seq = ?2", params![f.origin, order]);
    let report = verify(&f.dir);
    assert_eq!(report.problems.len(), 1, "{:#?}", report.problems);
    let p = &report.problems[0];
    assert_eq!(
        (p.kind, p.table.as_deref(), p.event.as_deref()),
        (ProblemKind::Derived, Some("orders"), Some(f.id(order).as_str()))
    );
    assert_eq!(p.event_kind.as_deref(), Some("order_placed"));
    assert!(p.what.contains("total_cents is"), "{}", p.what);

    let f = Fixture::new();
    let order = f.seq_of("order_placed", 2);
    f.sql("DELETE FROM order_lines WHERE origin = ?1 AND seq = ?2", params![f.origin, order]);
    f.sql("DELETE FROM order_tenders WHERE origin = ?1 AND seq = ?2", params![f.origin, order]);
    let report = verify(&f.dir);
    let tables: Vec<_> = report.problems.iter().map(|p| (p.table.as_deref(), p.event.clone())).collect();
    assert!(tables.contains(&(Some("order_lines"), Some(f.id(order)))), "{tables:?}");
    assert!(tables.contains(&(Some("order_tenders"), Some(f.id(order)))), "{tables:?}");
    assert!(report.problems.iter().all(|p| p.what.contains("deleted")), "{:#?}", report.problems);

    let f = Fixture::new();
    f.sql(
        "INSERT INTO orders (origin, seq, number, payment, subtotal_cents, tax_cents, total_cents, hlc_ms, hlc_logical)
         SELECT origin, 9999, 'R1-FAKE', payment, subtotal_cents, tax_cents, total_cents, hlc_ms, hlc_logical
         FROM orders WHERE origin = ?1 LIMIT 1",
        params![f.origin],
    );
    let report = verify(&f.dir);
    assert_eq!(report.problems.len(), 1, "{:#?}", report.problems);
    assert_eq!(report.problems[0].event.as_deref(), Some(f.id(9999).as_str()));
    assert!(report.problems[0].what.contains("inserted"));

    // Quick mode checks the chains only.
    let s = Store::open(&f.dir).unwrap_or_else(|e| panic!("{e}"));
    let quick = s.verify_journal(false).unwrap_or_else(|e| panic!("{e}"));
    assert!(quick.ok && quick.derived.is_none());
}

#[test]
fn synced_registers_verify_agree_on_heads_and_a_re_key_says_so() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (c_dir, s_dir, b_dir) = (root.path().join("c"), root.path().join("s"), root.path().join("backup"));
    let mut s = busy_register(&s_dir);
    let tea = [(sku("TEA"), 1)];
    {
        let mut c = open(&c_dir);
        c.store_mut().apply_remote(&log(&s), 0).unwrap_or_else(|e| panic!("{e}"));
        c.create_order(&tea, Payment::Cash, None).unwrap_or_else(|e| panic!("{e}"));
        c.store().checkpoint().unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::create_dir_all(&b_dir).unwrap_or_else(|e| panic!("{e}"));
    std::fs::copy(c_dir.join("till.db"), b_dir.join("till.db")).unwrap_or_else(|e| panic!("{e}"));
    let old = {
        let mut c = open(&c_dir);
        c.create_order(&tea, Payment::Card, None).unwrap_or_else(|e| panic!("{e}"));
        c.create_order(&tea, Payment::Card, None).unwrap_or_else(|e| panic!("{e}"));
        s.store_mut().apply_remote(&log(&c), 0).unwrap_or_else(|e| panic!("{e}"));
        c.store().register_id()
    };
    // Restored from the backup, the register sells again under ids the server already holds (as
    // many as it holds: the re-key of `appliance/tests/restore.rs`).
    std::fs::remove_dir_all(&c_dir).unwrap_or_else(|e| panic!("{e}"));
    std::fs::rename(&b_dir, &c_dir).unwrap_or_else(|e| panic!("{e}"));
    let mut c = open(&c_dir);
    c.create_order(&tea, Payment::Cash, None).unwrap_or_else(|e| panic!("{e}"));
    c.create_order(&tea, Payment::Cash, None).unwrap_or_else(|e| panic!("{e}"));
    let r = s.store_mut().apply_remote(&log(&c), 0).unwrap_or_else(|e| panic!("{e}"));
    let k = c.store_mut().apply_remote(&r.conflicts, 0).unwrap_or_else(|e| panic!("{e}"));
    let k = k.rekeyed.unwrap_or_else(|| panic!("no re-key"));
    assert_eq!((k.old, k.reissued), (old, 2));
    s.store_mut().apply_remote(&log(&c), 0).unwrap_or_else(|e| panic!("{e}"));
    c.store_mut().apply_remote(&log(&s), 0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.store().reader().orders(None).unwrap_or_default().len(), 5 + 1 + 2 + 2);
    drop((c, s));

    let (rc, rs) = (verify(&c_dir), verify(&s_dir));
    assert_ok(&rc);
    assert_ok(&rs);
    assert_eq!(rc.registers, rs.registers, "both hold every chain, with the same heads");
    let new = rc.registers.iter().find(|r| r.register == k.new.to_string()).unwrap_or_else(|| panic!("new id"));
    assert_eq!(new.restarted_from, Some(old.to_string()), "the new chain says where it comes from");
    assert_eq!((new.events, new.journal_from), (2, Some(1)));
}

/// A cell of an exported row by column name.
fn cell<'a>(t: &'a ExportTable, row: &'a [Cell], name: &str) -> &'a Cell {
    let i = t.columns.iter().position(|c| c.name == name).unwrap_or_else(|| panic!("{}: no column {name}", t.name));
    &row[i]
}

fn int(t: &ExportTable, row: &[Cell], name: &str) -> i64 {
    match cell(t, row, name) {
        Cell::Int(v) => *v,
        other => panic!("{}.{name} is {other:?}", t.name),
    }
}

fn text(t: &ExportTable, row: &[Cell], name: &str) -> String {
    match cell(t, row, name) {
        Cell::Text(v) => v.clone(),
        other => panic!("{}.{name} is {other:?}", t.name),
    }
}

/// Sums a cents column over the rows of `t` whose `key` column is `value`.
fn sum(t: &ExportTable, key: &str, value: &str, name: &str) -> i64 {
    t.rows.iter().filter(|r| text(t, r, key) == value).map(|r| int(t, r, name)).sum()
}

#[test]
fn the_export_adds_up_to_the_cent() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut r = busy_register(&root.path().join("r"));
    // A store that rounds cash to 0.05: one TEA at 0.02 off (2.73) in cash is 2.75 taken.
    r.set_setting("cash_rounding", "5").unwrap_or_else(|e| panic!("{e}"));
    let rounded = SaleRequest {
        items: vec![item("TEA", 1, Some(Discount::Amount(Cents(2))))],
        pay: pay(&[("cash", None)], None),
        ..SaleRequest::default()
    };
    let rounded = r.ring(&rounded).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((rounded.total_cents, rounded.cash_rounding_cents), (273, 2));
    // The day's end: a drop to the safe, a no-sale, and the Z that closes it.
    r.move_cash(till::model::CashKind::Drop, Cents(1_000), "safe", None).unwrap_or_else(|e| panic!("{e}"));
    r.no_sale("wrong change", None, None).unwrap_or_else(|e| panic!("{e}"));
    let z = r.close_day(Some(Cents(5_000)), None, None).unwrap_or_else(|e| panic!("{e}"));
    let tables = r.store().reader().export(0, i64::MAX).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = tables.iter().map(|t| t.name).collect();
    assert_eq!(
        names,
        [
            "transactions",
            "lines",
            "tenders",
            "taxes",
            "voids",
            "returns",
            "return_lines",
            "cash_movements",
            "drawer_openings",
            "z_reports"
        ]
    );
    let t = |n: &str| tables.iter().find(|t| t.name == n).unwrap_or_else(|| panic!("{n}"));
    for table in &tables {
        for row in &table.rows {
            assert_eq!(row.len(), table.columns.len(), "{}: one cell per column", table.name);
            // Every amount twice: cents, and the same as decimal text.
            for (c, v) in table.columns.iter().zip(row) {
                if let (Some(stem), Cell::Int(cents)) = (c.name.strip_suffix("_cents"), v) {
                    // A dollar store: two decimals (the_export_writes_amounts_with_the_currency_decimals).
                    assert_eq!(text(table, row, stem), Cents(*cents).to_string(), "{}.{stem}", table.name);
                }
            }
        }
    }
    let (orders, lines, tenders, taxes) = (t("transactions"), t("lines"), t("tenders"), t("taxes"));
    assert_eq!(orders.rows.len(), 6);
    assert_eq!(orders.rows.len(), r.store().reader().orders(None).map(|o| o.len()).unwrap_or_default());
    for o in &orders.rows {
        let id = text(orders, o, "event_id");
        for (col, of) in [("net_cents", "net_cents"), ("tax_cents", "tax_cents"), ("total_cents", "total_cents")] {
            assert_eq!(sum(lines, "event_id", &id, of), int(orders, o, col), "{id}: lines' {of}");
            assert_eq!(sum(taxes, "event_id", &id, of), int(orders, o, col), "{id}: taxes' {of}");
        }
        let discounts =
            sum(lines, "event_id", &id, "line_discount_cents") + sum(lines, "event_id", &id, "order_discount_cents");
        assert_eq!(discounts, int(orders, o, "discount_cents"), "{id}: discounts");
        let shelf = sum(lines, "event_id", &id, "shelf_cents");
        // What the lines came to after discounts is their net (tax on top) or their total.
        let after =
            if cell(orders, o, "prices_include_tax") == &Cell::Bool(true) { "total_cents" } else { "net_cents" };
        assert_eq!(shelf - discounts, int(orders, o, after), "{id}: shelf less discounts");
        let (total, change) = (int(orders, o, "total_cents"), int(orders, o, "change_cents"));
        // What the drawer and the terminal kept: the total and the cash rounding.
        let kept = total + int(orders, o, "cash_rounding_cents");
        assert_eq!(sum(tenders, "event_id", &id, "amount_cents"), int(orders, o, "tendered_cents"), "{id}: tendered");
        assert_eq!(
            sum(tenders, "event_id", &id, "amount_cents") - change,
            kept,
            "{id}: tenders − change = total + rounding"
        );
        assert_eq!(sum(tenders, "event_id", &id, "change_cents"), change, "{id}: the change comes out of cash");
        assert_eq!(sum(tenders, "event_id", &id, "kept_cents"), kept, "{id}: kept = total + rounding");
        assert_eq!(
            lines.rows.iter().filter(|l| text(lines, l, "event_id") == id).count() as i64,
            int(orders, o, "line_count")
        );
    }
    assert!(orders.rows.iter().any(|o| int(orders, o, "change_cents") > 0 && int(orders, o, "discount_cents") > 0));
    assert!(orders.rows.iter().any(|o| cell(orders, o, "prices_include_tax") == &Cell::Bool(true)));
    assert!(
        tenders
            .rows
            .iter()
            .any(|x| text(tenders, x, "tender") == "voucher" && text(tenders, x, "tender_type") == "non_cash")
    );
    assert!(
        taxes.rows.iter().map(|x| int(taxes, x, "tax_rate_bp")).collect::<std::collections::BTreeSet<_>>().len() == 2
    );

    // The void refers to its sale, which is marked; the amounts it reverses are the sale's.
    let voids = t("voids");
    assert_eq!(voids.rows.len(), 1);
    let v = &voids.rows[0];
    let sale = text(voids, v, "order_event_id");
    let o = orders.rows.iter().find(|o| text(orders, o, "event_id") == sale).unwrap_or_else(|| panic!("voided sale"));
    assert_eq!(cell(orders, o, "voided"), &Cell::Bool(true));
    assert_eq!(text(orders, o, "void_event_id"), text(voids, v, "event_id"));
    assert_eq!(int(voids, v, "order_total_cents"), int(orders, o, "total_cents"));
    // The return's refund is its lines'.
    let (returns, rlines) = (t("returns"), t("return_lines"));
    assert_eq!(returns.rows.len(), 1);
    let ret = &returns.rows[0];
    let id = text(returns, ret, "event_id");
    assert_eq!(sum(rlines, "event_id", &id, "refund_cents"), int(returns, ret, "refund_cents"));
    assert_eq!(text(rlines, &rlines.rows[0], "order_event_id"), text(returns, ret, "order_event_id"));

    // The Z: its net is the sales less the voids and returns made here, split into cash and the
    // rest; the drop is in the cash movements, the no-sale in the openings.
    let (zs, moves, opened) = (t("z_reports"), t("cash_movements"), t("drawer_openings"));
    assert_eq!((zs.rows.len(), moves.rows.len(), opened.rows.len()), (1, 1, 1));
    let zr = &zs.rows[0];
    assert_eq!(text(zs, zr, "event_id"), z.id);
    let sales: i64 = orders.rows.iter().map(|o| int(orders, o, "total_cents")).sum();
    let voided: i64 = voids.rows.iter().map(|v| int(voids, v, "order_total_cents")).sum();
    let refunded: i64 = returns.rows.iter().map(|x| int(returns, x, "refund_cents")).sum();
    assert_eq!(int(zs, zr, "net_cents"), sales - voided - refunded, "Z net = sales − voids − refunds");
    let rounding: i64 = orders.rows.iter().map(|o| int(orders, o, "cash_rounding_cents")).sum();
    assert_eq!((rounding, int(zs, zr, "cash_rounding_cents")), (2, 2), "the Z's cash rounding is its sales'");
    assert_eq!(
        int(zs, zr, "cash_net_cents") + int(zs, zr, "non_cash_net_cents"),
        int(zs, zr, "net_cents") + rounding,
        "cash + non-cash = net + cash rounding"
    );
    assert_eq!(int(moves, &moves.rows[0], "drawer_cents"), -1_000);
    assert_eq!(int(zs, zr, "drops_cents"), 1_000);
    assert_eq!(int(zs, zr, "no_sales"), 1);
    assert_eq!(int(zs, zr, "difference_cents"), 5_000 - int(zs, zr, "expected_cash_cents"));
    assert_eq!(int(zs, zr, "grand_total_cents"), int(zs, zr, "net_cents"), "the first Z: grand total = net");

    // Business days: nothing before the first sale, all of it in the days that hold them.
    let first = orders.rows.iter().map(|o| text(orders, o, "created_utc")).min().unwrap_or_default();
    let none = r.store().reader().export(0, 1).unwrap_or_else(|e| panic!("{e}"));
    assert!(none.iter().all(|t| t.rows.is_empty()), "before {first}: nothing");
}

#[test]
fn a_register_of_an_older_release_verifies_and_its_journal_begins_with_its_next_event() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dir = root.path().join("r");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/schema1.db");
    std::fs::copy(fixture, dir.join("till.db")).unwrap_or_else(|e| panic!("{e}"));
    let report = verify(&dir);
    assert_ok(&report);
    assert_eq!((report.registers[0].before_journal, report.registers[0].journal_from), (16, None));
    let mut r = open(&dir);
    r.create_order(&[(sku("TEA"), 1)], Payment::Cash, None).unwrap_or_else(|e| panic!("{e}"));
    drop(r);
    let report = verify(&dir);
    assert_ok(&report);
    // Its name, then the sale: linked to the last event the older release made.
    assert_eq!((report.registers[0].before_journal, report.registers[0].journal_from), (16, Some(17)));
}

#[test]
fn the_export_writes_amounts_with_the_currency_decimals() {
    for (currency, price, total) in [("JPY", 500, "1000"), ("KWD", 1250, "2.500"), ("EUR", 250, "5.00")] {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut r = open(dir.path());
        r.set_setting("currency", currency).unwrap_or_else(|e| panic!("{e}"));
        r.add_product(sku("TEA"), "Tea", Cents(price), None, None).unwrap_or_else(|e| panic!("{e}"));
        r.create_order(&[(sku("TEA"), 2)], Payment::Cash, None).unwrap_or_else(|e| panic!("{e}"));
        let tables = r.store().reader().export(0, i64::MAX).unwrap_or_else(|e| panic!("{e}"));
        let orders = tables.iter().find(|t| t.name == "transactions").unwrap_or_else(|| panic!("transactions"));
        let row = &orders.rows[0];
        assert_eq!(
            (int(orders, row, "total_cents"), text(orders, row, "total")),
            (price * 2, total.to_string()),
            "{currency}"
        );
        let z = tables.iter().find(|t| t.name == "tenders").unwrap_or_else(|| panic!("tenders"));
        assert_eq!(text(z, &z.rows[0], "kept"), total, "{currency}: every table");
    }
}
