//! The rules for facts that contradict each other once registers that were apart exchange their
//! events. Pure functions of the events involved: every register computes the same restock and
//! names the same conflicts, whatever order the events arrived in (docs/DATA.md, "Conflicts").

use blake2::digest::consts::U16;
use blake2::{Blake2b, Digest};

use super::LwwKey;
use crate::model::{ConflictId, ConflictKind, EventId};

/// A claim on one order line's items: a void, or a line of a return. `restocks` is false for a
/// return of damaged goods (it still counts against what was sold, for over-refund).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Claim {
    /// When the claiming event happened.
    pub key: LwwKey,
    /// The claiming event (ties at one time break by sequence).
    pub id: EventId,
    /// Its line.
    pub line: u32,
    /// Items claimed.
    pub qty: i64,
}

impl Claim {
    fn order_key(&self) -> (LwwKey, u64, u32) {
        (self.key, self.id.seq, self.line)
    }
}

/// Sorts claims into the order the rules grant them: earliest `(hlc, origin)` first.
pub fn sort_claims(claims: &mut [Claim]) {
    claims.sort_by_key(Claim::order_key);
}

/// How many items each claim (already sorted by [`sort_claims`]) gets, when together they may take
/// at most `cap` (what was sold; `None` while the order has not arrived: every claim in full).
/// The earliest claims are served first; a claim beyond the cap gets what is left, then nothing.
pub fn allocate(cap: Option<i64>, claims: &[Claim]) -> Vec<i64> {
    let mut left = cap.unwrap_or(i64::MAX);
    claims
        .iter()
        .map(|c| {
            let got = c.qty.clamp(0, left.max(0));
            left -= got;
            got
        })
        .collect()
}

/// A conflict's id: a hash of its kind, its scope (what it is about) and the ids of the events
/// involved, sorted, so it is the same on every register and changes when another event joins.
pub fn conflict_id(kind: ConflictKind, scope: &str, events: &[EventId]) -> ConflictId {
    let mut ids = events.to_vec();
    ids.sort();
    ids.dedup();
    let mut h = Blake2b::<U16>::new();
    h.update(b"till conflict 1\0");
    h.update(kind.as_str().as_bytes());
    h.update([0]);
    h.update((scope.len() as u64).to_be_bytes());
    h.update(scope.as_bytes());
    for id in ids {
        h.update(id.origin.0);
        h.update(id.seq.to_be_bytes());
    }
    ConflictId(h.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RegisterId;
    use crate::sync::Hlc;
    use proptest::prelude::*;

    fn claim(ms: u64, origin: u8, qty: i64) -> Claim {
        let o = RegisterId([origin; 16]);
        Claim {
            key: LwwKey { hlc: Hlc { wall_ms: ms, logical: 0 }, origin: o },
            id: EventId { origin: o, seq: ms },
            line: 0,
            qty,
        }
    }

    #[test]
    fn the_earliest_return_restocks_and_the_second_gets_nothing() {
        let mut c = vec![claim(20, 2, 2), claim(10, 1, 2)];
        sort_claims(&mut c);
        assert_eq!(c[0].key.hlc.wall_ms, 10);
        assert_eq!(allocate(Some(2), &c), vec![2, 0]);
        assert_eq!(allocate(Some(3), &c), vec![2, 1]);
        assert_eq!(allocate(None, &c), vec![2, 2], "the order not here yet: nothing to cap by");
    }

    #[test]
    fn ids_ignore_the_order_and_repeats_of_events_but_not_their_set() {
        let a = EventId { origin: RegisterId([1; 16]), seq: 4 };
        let b = EventId { origin: RegisterId([2; 16]), seq: 9 };
        let k = ConflictKind::OverRefund;
        assert_eq!(conflict_id(k, "x", &[a, b]), conflict_id(k, "x", &[b, a, b]));
        assert_ne!(conflict_id(k, "x", &[a, b]), conflict_id(k, "x", &[a]));
        assert_ne!(conflict_id(k, "x", &[a]), conflict_id(ConflictKind::VoidAndReturn, "x", &[a]));
        assert_ne!(conflict_id(k, "x", &[a]), conflict_id(k, "y", &[a]));
    }

    proptest! {
        #[test]
        fn never_more_than_the_cap_and_never_more_than_claimed(
            cap in proptest::option::of(0i64..20),
            qtys in proptest::collection::vec((0u64..50, 0u8..3, 1i64..6), 0..8),
        ) {
            let mut c: Vec<Claim> = qtys.iter().map(|(ms, o, q)| claim(*ms, *o, *q)).collect();
            sort_claims(&mut c);
            let got = allocate(cap, &c);
            let total: i64 = got.iter().sum();
            let claimed: i64 = c.iter().map(|c| c.qty).sum();
            prop_assert_eq!(total, cap.map_or(claimed, |cap| cap.min(claimed)));
            for (g, c) in got.iter().zip(&c) {
                prop_assert!(*g >= 0 && *g <= c.qty);
            }
        }
    }
}
