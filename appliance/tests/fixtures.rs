//! Mixed versions (docs/DATA.md, "Mixed versions"): events as this release writes them, committed
//! in `tests/fixtures/events-schema5.hex`, must decode to the same values in every later release,
//! sit after every kind older releases know (so those keep and relay them), and apply.
//!
//! `TILL_WRITE_FIXTURES=1 cargo test -p till --test fixtures` rewrites the file: only ever for a
//! new kind, never to change an existing line.

use std::path::PathBuf;

use till::model::{Cents, ConflictId, EventId, Product, RateBp, RegisterId, Role, TaxProfile, User, hex};
use till::store::Store;
use till::sync::{Change, Event, EventHeader, EventKind, Hlc, Link, LwwKey};

/// How many kinds the releases before schema 5 know (variants 0..=11).
const KINDS_BEFORE_SCHEMA5: u8 = 12;

fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/events-schema5.hex")
}

fn sku(s: &str) -> till::model::Sku {
    s.parse().unwrap_or_else(|_| unreachable!("valid SKU"))
}

/// The events of the fixture file, in its order, with the comment written beside each.
fn expected() -> Vec<(&'static str, Event)> {
    let a = RegisterId([0xA1; 16]);
    let b = RegisterId([0xB2; 16]);
    let at = |origin, seq, ms: u64| (EventId { origin, seq }, Hlc { wall_ms: 1_796_000_000_000 + ms, logical: 0 });
    let ev = |(id, hlc): (EventId, Hlc), kind| Event { id, hlc, kind };
    let tea = Product { sku: sku("TEA"), name: "Green tea".into(), price_cents: Cents(250), tax_profile: None };
    let base = LwwKey { hlc: Hlc { wall_ms: 1_796_000_000_000, logical: 0 }, origin: a };
    vec![
        ("RegisterNamed: register A1… goes by A", ev(at(a, 1, 0), EventKind::RegisterNamed { name: "A".into() })),
        ("ProductUpserted (older kind): TEA 2.50", ev(at(a, 2, 0), EventKind::ProductUpserted(tea.clone()))),
        (
            "Edited: TEA at 2.75 on the version A wrote",
            ev(
                at(a, 3, 10),
                EventKind::Edited {
                    change: Change::Product(Product { price_cents: Cents(275), ..tea.clone() }),
                    base: Some(base),
                },
            ),
        ),
        (
            "Edited: TEA at 3.00 on the same version (concurrent with the line above)",
            ev(
                at(b, 1, 11),
                EventKind::Edited {
                    change: Change::Product(Product { price_cents: Cents(300), ..tea }),
                    base: Some(base),
                },
            ),
        ),
        (
            "Edited: MUG taken off sale, no version seen",
            ev(at(b, 2, 12), EventKind::Edited { change: Change::ProductRemoved { sku: sku("MUG") }, base: None }),
        ),
        (
            "Edited: tax profile std 8.25 %",
            ev(
                at(b, 3, 13),
                EventKind::Edited {
                    change: Change::TaxProfile(TaxProfile { name: "std".into(), rate_bp: RateBp(825) }),
                    base: None,
                },
            ),
        ),
        (
            "Edited: user ann, manager",
            ev(
                at(b, 4, 14),
                EventKind::Edited {
                    change: Change::User(User {
                        name: "ann".into(),
                        role: Role::Manager,
                        pin_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA".into(),
                        active: true,
                    }),
                    base: None,
                },
            ),
        ),
        (
            "Edited: setting store_name",
            ev(
                at(b, 5, 15),
                EventKind::Edited {
                    change: Change::Setting { key: "store_name".into(), value: "Corner Shop".into() },
                    base: None,
                },
            ),
        ),
        (
            "ConflictResolved: by ann, with a note",
            ev(
                at(a, 4, 20),
                EventKind::ConflictResolved {
                    conflict: ConflictId([0x5C; 16]),
                    note: "B's price was a typo".into(),
                    by: Some("ann".into()),
                },
            ),
        ),
    ]
}

fn unhex_vec(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

fn read_fixture() -> Vec<Vec<u8>> {
    read_hex(&path())
}

/// The events of a fixture file: one hex line each, `#` lines are comments.
fn read_hex(path: &std::path::Path) -> Vec<Vec<u8>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| unhex_vec(l.trim()).unwrap_or_else(|| panic!("not hex: {l}")))
        .collect()
}

#[test]
fn events_of_this_release_decode_the_same_forever_and_apply() {
    let want = expected();
    if std::env::var_os("TILL_WRITE_FIXTURES").is_some() {
        let mut out = String::from(
            "# Events as written by Till at schema 5 (docs/DATA.md, \"Mixed versions\"); one per line, hex.\n\
             # Never edit a line: later releases must decode each to the same event.\n",
        );
        for (what, e) in &want {
            out.push_str(&format!("# {what}\n{}\n", hex(&e.encode())));
        }
        std::fs::write(path(), out).unwrap_or_else(|e| panic!("{e}"));
    }
    let bytes = read_fixture();
    assert_eq!(bytes.len(), want.len(), "one line per event");
    for (b, (what, e)) in bytes.iter().zip(&want) {
        assert_eq!(Event::decode(b).ok().as_ref(), Some(e), "{what}: decodes to the same event");
        assert_eq!(&e.encode(), b, "{what}: and encodes to the same bytes");
        // What an older release reads of it: the header always; the kind's variant index.
        let header = Event::decode_header(b).unwrap_or_else(|err| panic!("{what}: {err}"));
        assert_eq!(header, EventHeader { id: e.id, hlc: e.hlc });
        let rest = postcard::to_stdvec(&header).unwrap_or_default().len() + 1;
        let index = b[rest];
        let old_kind = matches!(e.kind, EventKind::ProductUpserted(_));
        assert_eq!(index < KINDS_BEFORE_SCHEMA5, old_kind, "{what}: variant {index}");
    }
    // Applied by this release: the two concurrent edits are listed, the older kind applies.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = Store::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let r = s.apply_remote(&bytes, 0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((r.inserted, r.unreadable), (want.len(), 0));
    let tea = s.reader().product("TEA").ok().flatten().unwrap_or_else(|| panic!("TEA"));
    assert_eq!(tea.price_cents, 300, "last write wins: B's edit is later");
    let c = s.reader().conflicts(true).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        c.iter().map(|c| (c.kind.as_str(), c.subject.as_str())).collect::<Vec<_>>(),
        [("concurrent_edit", "product:TEA")]
    );
    assert_eq!(s.reader().register_label(&[0xA1; 16]).unwrap_or_default(), "A");
}

/// How many kinds the releases before schema 6 know (variants 0..=14); and how many changes
/// an edit of theirs can carry (0..=4).
const KINDS_BEFORE_SCHEMA6: u8 = 15;
/// Kinds the release before schema 7 (the business day: `CashMoved`, `DrawerOpened`,
/// `DayClosed`) knew.
const KINDS_BEFORE_SCHEMA7: u8 = 18;
const CHANGES_BEFORE_SCHEMA6: u8 = 5;

fn path6() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/events-schema6.hex")
}

/// The counter's events (schema 6), in the order of `events-schema6.hex`.
fn expected6() -> Vec<(&'static str, Event)> {
    use till::model::{
        CARD, CASH, CartLine, Discount, Item, Refund, ReturnLine, Sale, Tender, TenderRecord, price_cart,
    };
    let a = RegisterId([0xC3; 16]);
    let at = |seq, ms: u64| (EventId { origin: a, seq }, Hlc { wall_ms: 1_797_000_000_000 + ms, logical: 0 });
    let ev = |(id, hlc): (EventId, Hlc), kind| Event { id, hlc, kind };
    let tea = Product { sku: sku("TEA"), name: "Green tea".into(), price_cents: Cents(250), tax_profile: None };
    let cart = [CartLine {
        sku: sku("TEA"),
        name: "Green tea".into(),
        qty: 3,
        unit_price_cents: Cents(250),
        tax_rate_bp: RateBp(2000),
        discount: Some(Discount::Percent(1000)),
    }];
    let p = price_cart(&cart, Some(Discount::Amount(Cents(25))), true).unwrap_or_else(|e| panic!("{e}"));
    let total = p.total_cents;
    let sale = Sale {
        number: "C-000001".into(),
        priced: p,
        tenders: vec![
            Tender { name: CARD.into(), amount_cents: Cents(100) },
            Tender { name: CASH.into(), amount_cents: Cents(1000) },
        ],
        change_cents: Cents(1000 + 100 - total.0),
        cashier: Some("bo".into()),
        approved_by: Some("ann".into()),
        shift: None,
    };
    let order = EventId { origin: a, seq: 3 };
    vec![
        (
            "Edited: Item TEA in Drinks with an EAN-13",
            ev(
                at(1, 0),
                EventKind::Edited {
                    change: Change::Item(Item {
                        product: tea,
                        category: Some("Drinks".into()),
                        barcodes: vec!["4006381333931".into()],
                    }),
                    base: None,
                },
            ),
        ),
        (
            "Edited: Tender voucher accepted",
            ev(
                at(2, 1),
                EventKind::Edited {
                    change: Change::Tender(TenderRecord { name: "voucher".into(), active: true }),
                    base: None,
                },
            ),
        ),
        (
            "OrderPlaced: 3 TEA, 10 % off the line, 0.25 off the order, tax included, card + cash",
            ev(at(3, 2), EventKind::OrderPlaced(sale)),
        ),
        (
            "Refunded: 1 TEA by voucher, approved by ann",
            ev(
                at(4, 3),
                EventKind::Refunded(Refund {
                    order,
                    order_number: "C-000001".into(),
                    lines: vec![ReturnLine { sku: sku("TEA"), qty: 1, refund_cents: Cents(217) }],
                    restock: true,
                    refund_cents: Cents(217),
                    tender: "voucher".into(),
                    cashier: Some("bo".into()),
                    approved_by: Some("ann".into()),
                    shift: None,
                }),
            ),
        ),
        (
            "VoidRecorded: C-000001 by bo, approved by ann",
            ev(
                at(5, 4),
                EventKind::VoidRecorded {
                    order,
                    lines: vec![(sku("TEA"), 3)],
                    cashier: Some("bo".into()),
                    approved_by: Some("ann".into()),
                },
            ),
        ),
    ]
}

#[test]
fn counter_events_decode_the_same_forever_and_older_releases_cannot_misread_them() {
    let want = expected6();
    if std::env::var_os("TILL_WRITE_FIXTURES").is_some() {
        let mut out = String::from(
            "# Events as written by Till at schema 6 (docs/DATA.md, \"Mixed versions\"); one per line, hex.\n\
             # Never edit a line: later releases must decode each to the same event.\n",
        );
        for (what, e) in &want {
            out.push_str(&format!("# {what}\n{}\n", hex(&e.encode())));
        }
        std::fs::write(path6(), out).unwrap_or_else(|e| panic!("{e}"));
    }
    let bytes = read_hex(&path6());
    assert_eq!(bytes.len(), want.len(), "one line per event");
    for (b, (what, e)) in bytes.iter().zip(&want) {
        assert_eq!(Event::decode(b).ok().as_ref(), Some(e), "{what}: decodes to the same event");
        assert_eq!(&e.encode(), b, "{what}: and encodes to the same bytes");
        // An older release decodes the header, then meets a variant it does not have: a kind
        // past its last, or an edit whose change is past its last. It keeps and relays it.
        let header = Event::decode_header(b).unwrap_or_else(|err| panic!("{what}: {err}"));
        let rest = postcard::to_stdvec(&header).unwrap_or_default().len() + 1;
        let (kind, change) = (b[rest], b[rest + 1]);
        assert!(
            kind >= KINDS_BEFORE_SCHEMA6 || (kind == 12 && change >= CHANGES_BEFORE_SCHEMA6),
            "{what}: variant {kind}/{change} is one an older release knows"
        );
    }
    // This release applies them all: the sale, its return by voucher, the void that stands.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = Store::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let r = s.apply_remote(&bytes, 0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((r.inserted, r.unreadable), (want.len(), 0));
    let orders = s.reader().orders(None).unwrap_or_else(|e| panic!("{e}"));
    let o = &orders[0];
    assert_eq!((o.number.as_str(), o.payment.as_str(), o.voided), ("C-000001", "split", true));
    assert_eq!(o.total_cents, o.lines.iter().map(|l| l.total_cents).sum::<i64>());
    assert_eq!(o.tenders.iter().map(|t| t.amount_cents).sum::<i64>() - o.change_cents, o.total_cents);
    assert_eq!(o.cashier.as_deref(), Some("bo"));
    let tea = s.reader().product("TEA").ok().flatten().unwrap_or_else(|| panic!("TEA"));
    assert_eq!(
        (tea.category.as_deref(), tea.barcodes.as_slice()),
        (Some("Drinks"), &["4006381333931".to_string()][..])
    );
    assert_eq!(s.reader().tenders().unwrap_or_default(), ["cash", "card", "voucher"]);
    let returns = s.reader().returns().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((returns[0].payment.as_str(), returns[0].approved_by.as_deref()), ("voucher", Some("ann")));
}

/// An event of a kind from a release after this one (variant 200): kept, relayed byte for byte,
/// counted as unreadable, and the status says an update is needed.
#[test]
fn an_event_from_a_newer_release_is_kept_relayed_and_flagged() {
    let header =
        EventHeader { id: EventId { origin: RegisterId([0xD4; 16]), seq: 1 }, hlc: Hlc { wall_ms: 1, logical: 0 } };
    let mut future = vec![till::sync::EVENT_FORMAT_VERSION];
    future.extend(postcard::to_stdvec(&header).unwrap_or_default());
    future.extend([200, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // a kind and fields this build has never heard of
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = Store::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let r = s.apply_remote(std::slice::from_ref(&future), 0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((r.inserted, r.unreadable), (0, 1), "stored, not applied");
    let relayed = s.reader().log_after(0, 10).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(relayed.iter().map(|(_, b)| b).collect::<Vec<_>>(), [&future], "relayed as received");
    assert_eq!(s.reader().counts().map(|c| c.unreadable_events).ok(), Some(1));
    // The register's screen says so instead of showing totals that look complete.
    let reg = std::sync::Arc::new(std::sync::Mutex::new(till::register::Register::from_store(s)));
    let ui = till::ui::Ui::new(reg);
    let banner = ui.state().banner.map(|b| b.text).unwrap_or_default();
    assert!(banner.starts_with("Update needed: 1 events from a newer Till"), "{banner}");
}

fn path7() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/events-schema7.hex")
}

/// Events with their link in the journal (docs/DATA.md, "The journal and its export"), in the
/// order of `events-schema7.hex`: a register's first three events, and the first event of the
/// id it took after a re-key. Each link is computed from the bytes of the line before it.
fn expected7() -> Vec<(&'static str, Event, Link)> {
    use till::model::{
        CASH, CartLine, CashKind, CashMove, DayTotals, DrawerOpening, Sale, Tender, TenderTotal, ZReport, price_cart,
    };
    let a = RegisterId([0xE5; 16]);
    let b = RegisterId([0xF6; 16]);
    let at = |origin, seq, ms: u64| (EventId { origin, seq }, Hlc { wall_ms: 1_798_000_000_000 + ms, logical: 0 });
    let ev = |(id, hlc): (EventId, Hlc), kind| Event { id, hlc, kind };
    let cart = [CartLine {
        sku: sku("TEA"),
        name: "Green tea".into(),
        qty: 2,
        unit_price_cents: Cents(250),
        tax_rate_bp: RateBp(700),
        discount: None,
    }];
    let priced = price_cart(&cart, None, false).unwrap_or_else(|e| panic!("{e}"));
    let total = priced.total_cents;
    let sale = Sale {
        number: "E-000001".into(),
        priced,
        tenders: vec![Tender { name: CASH.into(), amount_cents: Cents(1000) }],
        change_cents: Cents(1000 - total.0),
        cashier: Some("bo".into()),
        approved_by: None,
        shift: None,
    };
    // The Z of that day as the register computed it: one sale of 5.35 voided, 20.00 dropped.
    let mut totals = DayTotals { no_sales: 1, ..DayTotals::default() };
    totals.sales.add(total.0);
    totals.voids.add(total.0);
    totals.drops.add(2000);
    totals.tenders.push(TenderTotal {
        name: CASH.into(),
        sales_cents: total,
        voided_cents: total,
        refunded_cents: Cents(0),
    });
    let z1 = ZReport {
        number: 1,
        date: "2027-01-01".into(),
        after_seq: 0,
        opened_ms: 1_798_000_000_000,
        totals,
        counted_cash_cents: Some(Cents(0)),
        grand_total_cents: Cents(0),
        closed_by: Some("ann".into()),
    };
    let events = [
        (
            "RegisterNamed: register E5… goes by E; Start",
            ev(at(a, 1, 0), EventKind::RegisterNamed { name: "E".into() }),
        ),
        ("OrderPlaced: 2 TEA, cash with change; After the line above", ev(at(a, 2, 1), EventKind::OrderPlaced(sale))),
        (
            "VoidRecorded: E-000001 by bo; After the line above",
            ev(
                at(a, 3, 2),
                EventKind::VoidRecorded {
                    order: EventId { origin: a, seq: 2 },
                    lines: vec![(sku("TEA"), 2)],
                    cashier: Some("bo".into()),
                    approved_by: None,
                },
            ),
        ),
        (
            "CashMoved: 20.00 dropped to the safe by bo; After the line above",
            ev(
                at(a, 4, 3),
                EventKind::CashMoved(CashMove {
                    kind: CashKind::Drop,
                    amount_cents: Cents(2000),
                    reason: "safe".into(),
                    cashier: Some("bo".into()),
                    shift: None,
                }),
            ),
        ),
        (
            "DrawerOpened: no sale, asked by bo, approved by ann; After the line above",
            ev(
                at(a, 5, 4),
                EventKind::DrawerOpened(DrawerOpening {
                    reason: "wrong change".into(),
                    cashier: Some("bo".into()),
                    approved_by: Some("ann".into()),
                }),
            ),
        ),
        (
            "DayClosed: Z 1 of 2027-01-01, the void and the drop; After the line above",
            ev(at(a, 6, 5), EventKind::DayClosed(z1)),
        ),
        (
            "RegisterNamed: the same register re-keyed as F6… goes by E; Restart after E5…",
            ev(at(b, 1, 3), EventKind::RegisterNamed { name: "E".into() }),
        ),
    ];
    let mut out = Vec::new();
    let mut prev: Option<Vec<u8>> = None;
    for (what, e) in events {
        let link = match (&prev, e.id.origin == b) {
            (_, true) => Link::Restart { previous: a },
            (None, false) => Link::Start,
            (Some(p), false) => Link::After(till::sync::event_hash(p)),
        };
        prev = Some(e.encode_linked(&link));
        out.push((what, e, link));
    }
    out
}

/// How the release before the journal decoded an event: the header, the kind, and nothing after.
fn previous_release_decode(b: &[u8]) -> Result<EventKind, String> {
    let header = Event::decode_header(b).map_err(|e| e.to_string())?;
    let start = 1 + postcard::to_stdvec(&header).unwrap_or_default().len();
    let (kind, trailing) = postcard::take_from_bytes::<EventKind>(&b[start..]).map_err(|e| e.to_string())?;
    if trailing.is_empty() { Ok(kind) } else { Err(format!("malformed event: {} trailing bytes", trailing.len())) }
}

#[test]
fn linked_events_decode_the_same_forever_and_the_previous_release_keeps_and_relays_them() {
    let want = expected7();
    if std::env::var_os("TILL_WRITE_FIXTURES").is_some() {
        let mut out = String::from(
            "# Events as written by Till since the journal (docs/DATA.md, \"The journal and its export\"): the kind\n\
             # followed by the event's link; one per line, hex. Never edit a line: later releases must decode each\n\
             # to the same event and link, and each link is the hash of the line before it.\n",
        );
        for (what, e, link) in &want {
            out.push_str(&format!("# {what}\n{}\n", hex(&e.encode_linked(link))));
        }
        std::fs::write(path7(), out).unwrap_or_else(|e| panic!("{e}"));
    }
    let bytes = read_hex(&path7());
    assert_eq!(bytes.len(), want.len(), "one line per event");
    for (i, (b, (what, e, link))) in bytes.iter().zip(&want).enumerate() {
        assert_eq!(Event::decode_linked(b).ok(), Some((e.clone(), Some(*link))), "{what}: decodes to the same");
        assert_eq!(&e.encode_linked(link), b, "{what}: and encodes to the same bytes");
        if let Link::After(h) = link {
            assert_eq!(*h, till::sync::event_hash(&bytes[i - 1]), "{what}: the hash of the line before");
        }
        // The release before the journal reads the header and the kind, then finds bytes after
        // it: the payload is unreadable to it, so by its rule 2 it stores the event unapplied
        // and relays it byte for byte.
        assert_eq!(Event::decode_header(b).ok(), Some(EventHeader { id: e.id, hlc: e.hlc }), "{what}");
        let refused = previous_release_decode(b).expect_err("the previous release cannot read a link");
        assert!(refused.contains("trailing bytes"), "{what}: {refused}");
        // Unlinked, it could read the kinds it knows; the business day's kinds (schema 7) are
        // past its last variant, unreadable to it linked or not (kept and relayed all the same).
        let unlinked = previous_release_decode(&e.encode()).ok();
        let start = 1 + postcard::to_stdvec(&Event::decode_header(b).unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_default()
            .len();
        if b[start] < KINDS_BEFORE_SCHEMA7 {
            assert_eq!(unlinked.as_ref(), Some(&e.kind), "{what}: unlinked, it could");
        } else {
            // Its enum ends before these variants (postcard writes the index), so it cannot.
            assert!(
                ["cash_moved", "drawer_opened", "day_closed"].contains(&e.kind.name()),
                "{what}: variant {} is past the previous release's last",
                b[start]
            );
        }
    }
    // Rule 2 at work, on this build: an event whose link it cannot read (a link of a later
    // release) is kept unapplied and relayed byte for byte, as the previous release keeps these.
    let mut later = want[1].1.encode();
    later.extend([9, 1, 2, 3]);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = Store::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let r = s.apply_remote(std::slice::from_ref(&later), 0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((r.inserted, r.unreadable), (0, 1));
    let relayed = s.reader().log_after(0, 10).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(relayed.iter().map(|(_, b)| b).collect::<Vec<_>>(), [&later]);
    assert_eq!(s.reader().orders(None).map(|o| o.len()).ok(), Some(0), "nothing of it applied");

    // This release applies them all, and their chains verify.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = Store::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let r = s.apply_remote(&bytes, 0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((r.inserted, r.unreadable), (want.len(), 0));
    let orders = s.reader().orders(None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((orders.len(), orders[0].voided), (1, true));
    // The business day's kinds apply: the Z is listed with its figures, and the same figures
    // are what this build computes from the events of its period.
    let zs = s.reader().z_reports(None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((zs.len(), zs[0].number, zs[0].date.as_str()), (1, 1, "2027-01-01"));
    let computed = s.reader().day_totals(RegisterId([0xE5; 16]), 0, 6).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(computed, zs[0].totals, "the Z's frozen figures are what the rules give");
    assert_eq!(zs[0].expected_cash_cents, -2000);
    let report = s.verify_journal(true).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.ok, "{:#?}", report.problems);
    let restarted: Vec<_> = report.registers.iter().map(|c| c.restarted_from.clone()).collect();
    assert_eq!(restarted, [None, Some(RegisterId([0xE5; 16]).to_string())]);
}

/// Kinds the releases before server terms (schema 9: `ServerElected`) knew (variants 0..=20).
const KINDS_BEFORE_SCHEMA9: u8 = 21;

fn path9() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/events-schema9.hex")
}

/// Server terms (docs/ARCHITECTURE.md, "Promotion and terms"), in the order of
/// `events-schema9.hex`: a client promoted to term 1, then another register promoted over it.
fn expected9() -> Vec<(&'static str, Event, Link)> {
    let a = RegisterId([0x17; 16]);
    let b = RegisterId([0x28; 16]);
    let at = |origin, ms: u64| (EventId { origin, seq: 1 }, Hlc { wall_ms: 1_799_000_000_000 + ms, logical: 0 });
    let ev = |(id, hlc): (EventId, Hlc), kind| Event { id, hlc, kind };
    vec![
        (
            "ServerElected: register 17… serves from term 1; Start",
            ev(at(a, 0), EventKind::ServerElected { register: a, term: 1 }),
            Link::Start,
        ),
        (
            "ServerElected: register 28… serves from term 2; Start",
            ev(at(b, 1), EventKind::ServerElected { register: b, term: 2 }),
            Link::Start,
        ),
    ]
}

#[test]
fn server_terms_decode_the_same_forever_and_older_releases_keep_and_relay_them() {
    let want = expected9();
    let title = "schema 9, server terms (docs/ARCHITECTURE.md, \"Promotion and terms\")";
    let bytes = linked_fixture(&path9(), title, &want, KINDS_BEFORE_SCHEMA9);
    // This release applies them: the higher term stands, whichever arrives first.
    for order in [[0, 1], [1, 0]] {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut s = Store::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        for i in order {
            let r = s.apply_remote(std::slice::from_ref(&bytes[i]), 0).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!((r.inserted, r.unreadable), (1, 0));
        }
        let t = s.reader().server_term().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((t.term, t.election.map(|e| e.register)), (2, Some(RegisterId([0x28; 16]))), "{order:?}");
    }
}

/// Kinds the releases before cash rounding (schema 10: `OrderRounded`) knew (variants 0..=21).
const KINDS_BEFORE_SCHEMA10: u8 = 22;

fn path10() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/events-schema10.hex")
}

/// Cash rounding (docs/LOCALE.md, "Cash rounding"), in the order of `events-schema10.hex`: a
/// sale of 12.52 paid in cash in a store that rounds cash to 0.05, so 12.50 taken (20.00 handed
/// over, 7.50 change) and a rounding of −0.02 recorded on it.
fn expected10() -> Vec<(&'static str, Event, Link)> {
    use till::model::{CASH, CartLine, Sale, Tender, price_cart};
    let a = RegisterId([0x3C; 16]);
    let cart = [CartLine {
        sku: sku("TEA"),
        name: "Grüntee".into(),
        qty: 4,
        unit_price_cents: Cents(313),
        tax_rate_bp: RateBp(260),
        discount: None,
    }];
    let priced = price_cart(&cart, None, true).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(priced.total_cents, Cents(1252));
    let sale = Sale {
        number: "Z-000001".into(),
        priced,
        tenders: vec![Tender { name: CASH.into(), amount_cents: Cents(2000) }],
        change_cents: Cents(750),
        cashier: Some("anna".into()),
        approved_by: None,
        shift: None,
    };
    let kind = EventKind::OrderRounded { sale, cash_rounding_cents: Cents(-2) };
    let e = Event { id: EventId { origin: a, seq: 1 }, hlc: Hlc { wall_ms: 1_800_000_000_000, logical: 0 }, kind };
    vec![("OrderRounded: 4 TEA 12.52 CHF, cash 20.00, change 7.50, rounding -0.02; Start", e, Link::Start)]
}

#[test]
fn rounded_sales_decode_the_same_forever_and_older_releases_keep_and_relay_them() {
    let want = expected10();
    let title = "schema 10, cash rounding (docs/LOCALE.md, \"Cash rounding\")";
    let bytes = linked_fixture(&path10(), title, &want, KINDS_BEFORE_SCHEMA10);
    // This release applies it, the rounding as recorded, and relays it byte for byte.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = Store::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let r = s.apply_remote(&bytes, 0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((r.inserted, r.unreadable), (1, 0));
    let id = EventId { origin: RegisterId([0x3C; 16]), seq: 1 };
    let o = s.reader().order(&id).unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|| panic!("the sale"));
    assert_eq!((o.total_cents, o.cash_rounding_cents, o.change_cents), (1252, -2, 750));
    let paid: i64 = o.tenders.iter().map(|t| t.amount_cents).sum();
    assert_eq!(paid - o.change_cents, o.total_cents + o.cash_rounding_cents, "adds up to the cent");
    let relayed = s.reader().log_after(0, 10).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(relayed.iter().map(|(_, b)| b).collect::<Vec<_>>(), bytes.iter().collect::<Vec<_>>());
    // A rounding the sale's figures do not carry is refused, as any figure that does not add up.
    let (_, e, link) = &want[0];
    let EventKind::OrderRounded { sale, .. } = e.kind.clone() else { unreachable!() };
    let off = Event { kind: EventKind::OrderRounded { sale, cash_rounding_cents: Cents(-3) }, ..e.clone() };
    assert!(Event::decode_linked(&off.encode_linked(link)).is_err(), "a rounding that does not add up");
}

/// Kinds the releases before cash refunds were rounded (schema 11: `RefundRounded`) knew
/// (variants 0..=22).
const KINDS_BEFORE_SCHEMA11: u8 = 23;

fn path11() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/events-schema11.hex")
}

/// A cash refund rounded (docs/LOCALE.md, "Cash rounding"), in the order of
/// `events-schema11.hex`: 4 TEA of sale Z-000001 back, 12.53 refunded, paid out in cash rounded
/// to 0.05 as 12.55, a rounding of +0.02 recorded on it.
fn expected11() -> Vec<(&'static str, Event, Link)> {
    use till::model::{CASH, Refund, ReturnLine};
    let a = RegisterId([0x3C; 16]);
    let refund = Refund {
        order: EventId { origin: a, seq: 1 },
        order_number: "Z-000001".into(),
        lines: vec![ReturnLine { sku: sku("TEA"), qty: 4, refund_cents: Cents(1253) }],
        restock: true,
        refund_cents: Cents(1253),
        tender: CASH.into(),
        cashier: Some("anna".into()),
        approved_by: Some("marc".into()),
        shift: None,
    };
    let kind = EventKind::RefundRounded { refund, cash_rounding_cents: Cents(2) };
    let e = Event { id: EventId { origin: a, seq: 2 }, hlc: Hlc { wall_ms: 1_800_000_100_000, logical: 0 }, kind };
    vec![(
        "RefundRounded: 4 TEA of Z-000001 back, 12.53 CHF, cash paid out 12.55, rounding +0.02; Start",
        e,
        Link::Start,
    )]
}

#[test]
fn rounded_cash_refunds_decode_the_same_forever_and_older_releases_keep_and_relay_them() {
    let want = expected11();
    let title = "schema 11, cash refunds rounded (docs/LOCALE.md, \"Cash rounding\")";
    let bytes = linked_fixture(&path11(), title, &want, KINDS_BEFORE_SCHEMA11);
    // This release applies it (before its sale has arrived), the rounding as recorded, and relays
    // it byte for byte.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = Store::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let r = s.apply_remote(&bytes, 0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((r.inserted, r.unreadable), (1, 0));
    let rows = s.reader().returns().unwrap_or_else(|e| panic!("{e}"));
    let got: Vec<_> = rows.iter().map(|x| (x.refund_cents, x.cash_rounding_cents, x.payment.as_str())).collect();
    assert_eq!(got, [(1253, 2, "cash")], "paid out 12.55");
    let relayed = s.reader().log_after(0, 10).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(relayed.iter().map(|(_, b)| b).collect::<Vec<_>>(), bytes.iter().collect::<Vec<_>>());
    // A rounding of nothing, of a step or more, or of a refund not in cash is refused.
    let (_, e, link) = &want[0];
    let EventKind::RefundRounded { refund, .. } = e.kind.clone() else { unreachable!() };
    let by_card = till::model::Refund { tender: "card".into(), ..refund.clone() };
    for (r, c) in [(refund.clone(), 0), (refund, 10), (by_card, 2)] {
        let off = Event { kind: EventKind::RefundRounded { refund: r, cash_rounding_cents: Cents(c) }, ..e.clone() };
        assert!(Event::decode_linked(&off.encode_linked(link)).is_err(), "rounding {c} refused");
    }
}

/// Writes (with `TILL_WRITE_FIXTURES`) and reads a fixture of linked events, and checks each line
/// decodes to its event and link and encodes back to the same bytes, and that its kind is past
/// the `known` variants an older release reads (so it keeps and relays it, rule 2).
fn linked_fixture(path: &std::path::Path, title: &str, want: &[(&str, Event, Link)], known: u8) -> Vec<Vec<u8>> {
    if std::env::var_os("TILL_WRITE_FIXTURES").is_some() {
        let mut out = format!(
            "# Events as written by Till at {title};\n\
             # one per line, hex, with its link. Never edit a line: later releases must decode each to the same event.\n"
        );
        for (what, e, link) in want {
            out.push_str(&format!("# {what}\n{}\n", hex(&e.encode_linked(link))));
        }
        std::fs::write(path, out).unwrap_or_else(|e| panic!("{e}"));
    }
    let bytes = read_hex(path);
    assert_eq!(bytes.len(), want.len(), "one line per event");
    for (b, (what, e, link)) in bytes.iter().zip(want) {
        assert_eq!(Event::decode_linked(b).ok(), Some((e.clone(), Some(*link))), "{what}: decodes to the same");
        assert_eq!(&e.encode_linked(link), b, "{what}: and encodes to the same bytes");
        // An older release reads the header, then a kind past its last variant: it keeps and
        // relays the event unapplied (rule 2), and a later update applies it.
        let header = Event::decode_header(b).unwrap_or_else(|err| panic!("{what}: {err}"));
        let start = 1 + postcard::to_stdvec(&header).unwrap_or_default().len();
        assert!(b[start] >= known, "{what}: variant {} is one an older release knows", b[start]);
        assert!(previous_release_decode(b).is_err(), "{what}: an older release cannot read it");
    }
    bytes
}
