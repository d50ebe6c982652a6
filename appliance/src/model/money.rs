//! Money as integer cents: parsing what people type ("2.50") and printing it back.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::ModelError;

/// The largest amount Till accepts for a single price or cash figure (one million in the currency's
/// main unit), so sums of many lines cannot overflow and a typo of extra zeros is caught.
pub const MAX_AMOUNT_CENTS: i64 = 100_000_000;

/// An amount of money in the currency's smallest unit. Never a float.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Cents(pub i64);

impl Cents {
    /// Zero money.
    pub const ZERO: Cents = Cents(0);

    /// The raw number of cents.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl FromStr for Cents {
    type Err = ModelError;

    /// Parses a non-negative amount with at most two decimals: `2`, `2.5`, `2.50`, `0.99`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ModelError::BadAmount(s.to_string());
        let t = s.trim();
        let (whole, frac) = match t.split_once('.') {
            Some((w, f)) => (w, f),
            None => (t, ""),
        };
        if whole.is_empty() && frac.is_empty() {
            return Err(bad());
        }
        let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || !digits(frac) || frac.len() > 2 || whole.len() > 12 {
            return Err(bad());
        }
        if t.contains('.') && frac.is_empty() {
            return Err(bad());
        }
        let whole_v: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
        let frac_v: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
            _ => frac.parse().map_err(|_| bad())?,
        };
        let cents = whole_v.checked_mul(100).and_then(|v| v.checked_add(frac_v)).ok_or_else(bad)?;
        if cents > MAX_AMOUNT_CENTS {
            return Err(ModelError::AmountTooLarge(s.to_string()));
        }
        Ok(Cents(cents))
    }
}

/// Rounds `value * num / den` half away from zero, in integers.
pub fn mul_div_round(value: i64, num: i64, den: i64) -> i64 {
    let prod = i128::from(value) * i128::from(num);
    let den = i128::from(den);
    let half = den / 2;
    let r = if prod >= 0 { (prod + half) / den } else { (prod - half) / den };
    i64::try_from(r).unwrap_or(if r > 0 { i64::MAX } else { i64::MIN })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_people_type() {
        for (s, c) in [("2.50", 250), ("2.5", 250), ("2", 200), ("0.99", 99), (".5", 50), ("1000000", 100_000_000)] {
            assert_eq!(s.parse::<Cents>().ok(), Some(Cents(c)), "{s}");
        }
    }

    #[test]
    fn refuses_malformed_amounts() {
        for s in ["", ".", "-1", "1.234", "1,50", "abc", "1e3", "2.", " ", "1000000.01", "+1", "1..2"] {
            assert!(s.parse::<Cents>().is_err(), "{s:?} should be refused");
        }
    }

    #[test]
    fn prints_two_decimals() {
        assert_eq!(Cents(250).to_string(), "2.50");
        assert_eq!(Cents(-5).to_string(), "-0.05");
        assert_eq!(Cents(0).to_string(), "0.00");
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(mul_div_round(250, 825, 10_000), 21); // 20.625
        assert_eq!(mul_div_round(200, 825, 10_000), 17); // 16.5
        assert_eq!(mul_div_round(-200, 825, 10_000), -17);
    }
}
