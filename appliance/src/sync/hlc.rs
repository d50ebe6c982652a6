//! Hybrid logical clock: wall milliseconds plus a logical counter, so event order survives clocks
//! that jump backwards (register boxes often have no real-time clock and boot years off).
//!
//! Pure: the caller passes the wall time in; persisting the high-water mark is the store's job.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// No wall clock that was ever set reads earlier than 2026-01-01T00:00:00Z (ms): this release
/// was written in 2026. An earlier reading is a box without a battery-backed clock that has not
/// heard from its time server yet; nothing is signed with it (the exporter waits), and a time
/// server saying so is not believed.
pub const EARLIEST_WALL_MS: u64 = 1_767_225_600_000;

/// One HLC timestamp. Ordered by wall time, then logical counter; ties between registers are
/// broken by origin in [`LwwKey`](super::LwwKey).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Hlc {
    /// Milliseconds since the Unix epoch (the highest wall time seen, not necessarily now).
    pub wall_ms: u64,
    /// Counts events within the same `wall_ms`.
    pub logical: u32,
}

impl Hlc {
    /// The timestamp for a new local event, given the current high-water mark `self` and the wall
    /// clock. Never less than or equal to `self`, whatever the wall clock says.
    pub fn tick(self, now_ms: u64) -> Hlc {
        if now_ms > self.wall_ms {
            Hlc { wall_ms: now_ms, logical: 0 }
        } else if self.logical < u32::MAX {
            Hlc { wall_ms: self.wall_ms, logical: self.logical + 1 }
        } else {
            Hlc { wall_ms: self.wall_ms + 1, logical: 0 }
        }
    }

    /// The high-water mark after seeing a remote timestamp: later local events sort after it,
    /// so a write made after reading another register's write wins last-write-wins.
    pub fn observe(self, remote: Hlc) -> Hlc {
        self.max(remote)
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.wall_ms, self.logical)
    }
}

impl FromStr for Hlc {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{} is not an HLC timestamp", crate::model::quote(s));
        let (w, l) = s.split_once('.').ok_or_else(bad)?;
        Ok(Hlc { wall_ms: w.parse().map_err(|_| bad())?, logical: l.parse().map_err(|_| bad())? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YEAR_MS: u64 = 365 * 24 * 3600 * 1000;
    const NOW: u64 = 1_795_000_000_000;

    #[test]
    fn wall_clock_jumping_back_ten_years_never_moves_the_clock_back() {
        let mut mark = Hlc::default().tick(NOW);
        let before = mark;
        // Power cut, no RTC: the box boots ten years in the past, then the mark is reloaded.
        let reloaded: Hlc = mark.to_string().parse().unwrap_or_default();
        assert_eq!(reloaded, mark);
        for i in 0..1000 {
            let next = reloaded.max(mark).tick(NOW - 10 * YEAR_MS + i);
            assert!(next > mark, "{next} must follow {mark}");
            mark = next;
        }
        assert_eq!(mark.wall_ms, before.wall_ms, "stays on the high-water wall time");
        assert_eq!(mark.logical, 1000);
    }

    #[test]
    fn skewed_registers_order_causally() {
        // A runs an hour ahead, B an hour behind. B reads A's write, then writes: B's write wins.
        let a = Hlc::default().tick(NOW + 3_600_000);
        let b_mark = Hlc::default().tick(NOW - 3_600_000).observe(a);
        let b = b_mark.tick(NOW - 3_600_000 + 5);
        assert!(b > a);
    }

    #[test]
    fn logical_overflow_carries_into_wall_time() {
        let h = Hlc { wall_ms: 5, logical: u32::MAX }.tick(0);
        assert_eq!(h, Hlc { wall_ms: 6, logical: 0 });
    }

    #[test]
    fn tick_is_strictly_monotonic() {
        proptest::proptest!(|(start_ms in 0u64..u64::MAX / 2, walls in proptest::collection::vec(0u64..u64::MAX / 2, 1..200))| {
            let mut h = Hlc { wall_ms: start_ms, logical: 0 };
            for w in walls {
                let n = h.tick(w);
                proptest::prop_assert!(n > h);
                proptest::prop_assert!(n.wall_ms >= w);
                h = n;
            }
        });
    }
}
