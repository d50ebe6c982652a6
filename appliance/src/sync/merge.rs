//! Merge rules: how a set of events, delivered in any order and any number of times, becomes one
//! state. The store executes these rules against its tables; they are written down here, pure, so
//! they can be reasoned about and tested without a database.
//!
//! - Orders, returns and shifts are immutable and keyed by their event id: insert-if-absent.
//!   A void or a shift close is its own event; of two voids of one order the earliest counts.
//! - Products, tax profiles, users and store settings: last write wins per record by [`LwwKey`].
//!   A product has two registers: its data (name, price, tax) and whether it is on sale, so a
//!   removal and an edit that race converge whatever order they arrive in.
//! - Stock: on-hand = the latest count by [`LwwKey`] + every movement (sale, void, return,
//!   adjustment) ordered after it. Sales are never overwritten: two registers selling the last
//!   item while partitioned both keep their sale and stock goes negative (flagged, not hidden).

use serde::{Deserialize, Serialize};

use super::Hlc;
use crate::model::RegisterId;

/// Total order of writes: hybrid logical time, then origin to break exact ties.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LwwKey {
    /// When.
    pub hlc: Hlc,
    /// Who, to break ties deterministically.
    pub origin: RegisterId,
}

/// The stock movement a stock-affecting event implies, in items (negative: leaving the shelf).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StockMove {
    /// When it happened.
    pub key: LwwKey,
    /// Change in items on hand.
    pub delta: i64,
}

/// On-hand stock as a pure function of a product's counts and movements, in any order.
///
/// This is the definition; the store maintains the same figure incrementally.
pub fn on_hand(counts: &[(LwwKey, i64)], moves: &[StockMove]) -> i64 {
    let latest = counts.iter().max_by_key(|(k, _)| *k);
    let base = latest.map_or(0, |(_, n)| *n);
    let after: i64 = moves.iter().filter(|m| latest.is_none_or(|(k, _)| m.key > *k)).map(|m| m.delta).sum();
    base + after
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(ms: u64, o: u8) -> LwwKey {
        LwwKey { hlc: Hlc { wall_ms: ms, logical: 0 }, origin: RegisterId([o; 16]) }
    }

    #[test]
    fn count_then_later_sales_are_subtracted() {
        let counts = [(key(10, 1), 5)];
        let moves = [StockMove { key: key(5, 2), delta: -1 }, StockMove { key: key(11, 2), delta: -2 }];
        assert_eq!(on_hand(&counts, &moves), 3, "the sale before the count is already in the count");
    }

    #[test]
    fn partitioned_sales_of_the_last_item_both_count() {
        let counts = [(key(1, 1), 1)];
        let moves = [StockMove { key: key(2, 1), delta: -1 }, StockMove { key: key(2, 2), delta: -1 }];
        assert_eq!(on_hand(&counts, &moves), -1);
    }

    #[test]
    fn ties_break_by_origin() {
        assert!(key(5, 2) > key(5, 1));
        let counts = [(key(5, 1), 10), (key(5, 2), 20)];
        assert_eq!(on_hand(&counts, &[]), 20);
    }
}
