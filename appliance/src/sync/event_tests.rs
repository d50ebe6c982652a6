//! Tests of events: encoding, validation and the kinds' rules.

use super::*;
use crate::model::{Payment, RateBp, RegisterId, Role, price_order};
use proptest::prelude::*;

fn sample_events() -> Vec<EventKind> {
    let p = Product {
        sku: "TEA".parse().unwrap_or_else(|_| unreachable!()),
        name: "Green tea".into(),
        price_cents: Cents(250),
        tax_profile: Some("std".into()),
    };
    let (lines, s, t, tot) = price_order(&[(p.clone(), RateBp(825), 3)]);
    vec![
        EventKind::ProductUpserted(p.clone()),
        EventKind::ProductRemoved { sku: p.sku.clone() },
        EventKind::TaxProfileChanged(TaxProfile { name: "std".into(), rate_bp: RateBp(825) }),
        EventKind::UserChanged(User {
            name: "ann".into(),
            role: Role::Manager,
            pin_hash: "$argon2id$x".into(),
            active: true,
        }),
        EventKind::SettingChanged { key: "currency".into(), value: "EUR".into() },
        EventKind::OrderCreated(Order {
            number: "R1-000001".into(),
            lines,
            subtotal_cents: s,
            tax_cents: t,
            total_cents: tot,
            payment: Payment::Card,
            cashier: Some("ann".into()),
            shift: None,
        }),
        EventKind::StockCounted { sku: p.sku.clone(), on_hand: 12 },
        EventKind::StockAdjusted { sku: p.sku, delta: -2, reason: AdjustReason::Damaged },
    ]
}

proptest! {
    #[test]
    fn roundtrip(origin in any::<[u8; 16]>(), seq in 1..=i64::MAX as u64, wall in 0..=i64::MAX as u64, logical in any::<u32>(), which in 0usize..8) {
        let kind = sample_events().swap_remove(which);
        let e = Event { id: EventId { origin: RegisterId(origin), seq }, hlc: Hlc { wall_ms: wall, logical }, kind };
        let bytes = e.encode();
        prop_assert_eq!(bytes[0], EVENT_FORMAT_VERSION);
        let d = Event::decode(&bytes);
        prop_assert!(d.is_ok(), "{:?}", d);
        prop_assert_eq!(d.ok(), Some(e));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = Event::decode(&bytes);
    }

    #[test]
    fn truncations_and_bit_flips_are_refused_or_still_valid(which in 0usize..8, cut in 0usize..200, flip in 0usize..2000) {
        let e = Event { id: EventId { origin: RegisterId([7; 16]), seq: 9 }, hlc: Hlc { wall_ms: 1, logical: 2 }, kind: sample_events().swap_remove(which) };
        let bytes = e.encode();
        let cut = cut.min(bytes.len().saturating_sub(1));
        prop_assert!(Event::decode(&bytes[..cut]).is_err());
        let mut flipped = bytes.clone();
        let i = flip % (flipped.len() * 8);
        flipped[i / 8] ^= 1 << (i % 8);
        if let Ok(d) = Event::decode(&flipped) { prop_assert!(d.kind.validate().is_ok()); }
    }
}

#[test]
fn a_link_after_the_kind_decodes_and_nothing_may_follow_it() {
    let e = Event {
        id: EventId { origin: RegisterId([3; 16]), seq: 2 },
        hlc: Hlc { wall_ms: 5, logical: 1 },
        kind: sample_events().swap_remove(5),
    };
    let plain = e.encode();
    assert_eq!(Event::link_of(&plain).ok(), Some(None), "written before the journal");
    let links = [Link::Start, Link::Restart { previous: RegisterId([9; 16]) }, Link::After(event_hash(&plain))];
    for link in links {
        let b = e.encode_linked(&link);
        assert_eq!(&b[..plain.len()], &plain[..], "the link only follows the kind");
        assert_eq!(Event::decode_linked(&b).ok(), Some((e.clone(), Some(link))));
        assert_eq!(Event::decode(&b).ok().as_ref(), Some(&e));
        let mut extra = b.clone();
        extra.push(0);
        assert!(matches!(Event::decode(&extra), Err(CodecError::Trailing(1))), "{link:?}");
        // Cut inside the link: refused (cut right after the kind is the unlinked event).
        for cut in plain.len() + 1..b.len() {
            assert!(Event::decode(&b[..cut]).is_err(), "{link:?} cut at {cut}");
        }
    }
    assert_eq!(Event::encode_linked(&e, &Link::Start).len(), plain.len() + 1);
    assert_eq!(Event::encode_linked(&e, &Link::After([0; 32])).len(), plain.len() + 33);
    assert_ne!(event_hash(&plain), event_hash(&e.encode_linked(&Link::Start)));
    // A link of a later release (an unknown variant) makes the event unreadable here, not wrong.
    let mut future = plain.clone();
    future.push(7);
    assert!(matches!(Event::decode(&future), Err(CodecError::Malformed(_))));
}

#[test]
fn refuses_clocks_and_sequences_a_database_cannot_order() {
    let kind = EventKind::ProductRemoved { sku: "A".parse().unwrap_or_else(|_| unreachable!()) };
    let e = Event { id: EventId { origin: RegisterId([1; 16]), seq: u64::MAX }, hlc: Hlc::default(), kind };
    assert!(matches!(Event::decode(&e.encode()), Err(CodecError::Invalid(_))));
    let e = Event { id: EventId { origin: e.id.origin, seq: 1 }, hlc: Hlc { wall_ms: u64::MAX, logical: 0 }, ..e };
    assert!(matches!(Event::decode(&e.encode()), Err(CodecError::Invalid(_))));
}

#[test]
fn refuses_newer_versions_and_inconsistent_totals() {
    let mut kinds = sample_events();
    let e =
        Event { id: EventId { origin: RegisterId([1; 16]), seq: 1 }, hlc: Hlc::default(), kind: kinds.swap_remove(5) };
    let mut b = e.encode();
    b[0] = EVENT_FORMAT_VERSION + 1;
    assert!(matches!(Event::decode(&b), Err(CodecError::NewerVersion(_))));
    let EventKind::OrderCreated(mut o) = e.kind else { unreachable!() };
    o.total_cents = Cents(1);
    let bad = Event { id: e.id, hlc: e.hlc, kind: EventKind::OrderCreated(o) };
    assert!(matches!(Event::decode(&bad.encode()), Err(CodecError::Invalid(_))));
}
