//! Who serves the store: server terms (docs/ARCHITECTURE.md, "Promotion and terms").
//!
//! A promoted register appends [`crate::sync::EventKind::ServerElected`] with a term one higher
//! than the highest it knows. Every register derives the same answer from the set of elections
//! it holds, whatever order they arrived in: the highest term wins, and two elections of the
//! same term (two registers promoted at once while apart) are settled by the larger register id.
//! A store without any election is served by whichever register was set up as its server
//! (term 0).

use serde::{Deserialize, Serialize};

use crate::model::RegisterId;

/// One election: `register` serves the store from `term` on. Ordered by term, then register id:
/// the order [`elected`] takes the largest of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Election {
    /// The term, from 1 (0 is the store's first server, which no event names).
    pub term: u64,
    /// The register elected.
    pub register: RegisterId,
}

/// The election that stands among `elections`: the highest term, ties to the larger register
/// id. A total order's maximum, so the answer depends only on the set, never on the order the
/// events were delivered in. `None` when there is none (the store's first server serves).
pub fn elected(elections: impl IntoIterator<Item = Election>) -> Option<Election> {
    elections.into_iter().max()
}

/// The term a register promoted now takes: one above the highest it knows.
pub fn next_term(current: Option<Election>) -> u64 {
    current.map_or(1, |e| e.term.saturating_add(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn e(term: u64, id: u8) -> Election {
        Election { term, register: RegisterId([id; 16]) }
    }

    #[test]
    fn the_highest_term_wins_and_ties_go_to_the_larger_register_id() {
        assert_eq!(elected([]), None);
        assert_eq!(elected([e(1, 9), e(2, 1)]), Some(e(2, 1)));
        assert_eq!(elected([e(3, 1), e(3, 7), e(2, 9)]), Some(e(3, 7)));
        assert_eq!(next_term(None), 1);
        assert_eq!(next_term(Some(e(4, 1))), 5);
    }

    proptest! {
        #[test]
        fn delivery_order_never_changes_who_serves(
            set in proptest::collection::vec((0u64..5, 0u8..4), 0..12),
            seed in any::<u64>(),
        ) {
            let elections: Vec<Election> = set.iter().map(|(t, r)| e(*t, *r)).collect();
            // Any permutation (a seeded Fisher-Yates) and any duplication gives the same answer.
            let mut shuffled = elections.clone();
            let mut s = seed;
            for i in (1..shuffled.len()).rev() {
                s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                shuffled.swap(i, (s >> 33) as usize % (i + 1));
            }
            let mut doubled = shuffled.clone();
            doubled.extend(elections.iter().copied());
            let want = elected(elections.iter().copied());
            prop_assert_eq!(elected(shuffled), want);
            prop_assert_eq!(elected(doubled), want);
            // The winner is one of the elections, and none is above it.
            if let Some(w) = want {
                prop_assert!(elections.contains(&w));
                prop_assert!(elections.iter().all(|x| x.term < w.term || (x.term == w.term && x.register <= w.register)));
            }
        }
    }
}
