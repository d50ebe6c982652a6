//! Mixed versions (docs/DATA.md, "Mixed versions"): events as this release writes them, committed
//! in `tests/fixtures/events-schema5.hex`, must decode to the same values in every later release,
//! sit after every kind older releases know (so those keep and relay them), and apply.
//!
//! `TILL_WRITE_FIXTURES=1 cargo test -p till --test fixtures` rewrites the file: only ever for a
//! new kind, never to change an existing line.

use std::path::PathBuf;

use till::model::{Cents, ConflictId, EventId, Product, RateBp, RegisterId, Role, TaxProfile, User, hex};
use till::store::Store;
use till::sync::{Change, Event, EventHeader, EventKind, Hlc, LwwKey};

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
    let text = std::fs::read_to_string(path()).unwrap_or_else(|e| panic!("{}: {e}", path().display()));
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
