//! Conflicts: contradictions between facts that registers recorded while they could not see each
//! other, named the same way on every register so a manager can settle them once for the store.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{hex, unhex};

/// A conflict's identity: a hash of its kind, what it is about and the events involved, so every
/// register that holds the same events names it the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ConflictId(pub [u8; 16]);

impl ConflictId {
    /// The first five bytes in hex: what listings show and what people type.
    pub fn short(&self) -> String {
        hex(&self.0[..5])
    }

    /// Whether `prefix` (hex, any case) starts this id.
    pub fn starts_with(&self, prefix: &str) -> bool {
        hex(&self.0).starts_with(&prefix.to_ascii_lowercase())
    }
}

impl fmt::Display for ConflictId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex(&self.0))
    }
}

impl FromStr for ConflictId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        unhex::<16>(s).map(ConflictId).ok_or_else(|| format!("{} is not a conflict id", super::quote(s)))
    }
}

/// Which business rule two registers broke between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConflictKind {
    /// Returns of one order that together exceed what was sold.
    OverRefund,
    /// An order both voided and returned.
    VoidAndReturn,
    /// A product whose counted stock went below zero.
    Oversold,
    /// Edits of one record made on the same version without seeing each other.
    ConcurrentEdit,
    /// Two orders with one number (two registers with one name, or a register restored from a
    /// backup).
    DuplicateOrderNumber,
}

impl ConflictKind {
    /// Every kind, in the order listings group them.
    pub const ALL: [ConflictKind; 5] = [
        ConflictKind::OverRefund,
        ConflictKind::VoidAndReturn,
        ConflictKind::Oversold,
        ConflictKind::ConcurrentEdit,
        ConflictKind::DuplicateOrderNumber,
    ];

    /// The stored and printed name.
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictKind::OverRefund => "over_refund",
            ConflictKind::VoidAndReturn => "void_and_return",
            ConflictKind::Oversold => "oversold",
            ConflictKind::ConcurrentEdit => "concurrent_edit",
            ConflictKind::DuplicateOrderNumber => "duplicate_order_number",
        }
    }

    /// Whether a conflict of this kind puts money (cents) at stake rather than items or a count.
    pub fn stake_is_money(self) -> bool {
        matches!(self, ConflictKind::OverRefund | ConflictKind::VoidAndReturn)
    }
}

impl fmt::Display for ConflictKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ConflictKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ConflictKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("{} is not a conflict kind", super::quote(s)))
    }
}

/// Longest note a manager can leave when settling a conflict, in bytes.
pub const MAX_CONFLICT_NOTE: usize = 500;
