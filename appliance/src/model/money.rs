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

impl Cents {
    /// Parses a non-negative amount typed on the command line in a currency with `minor`
    /// decimals (`.` before them, no grouping; docs/LOCALE.md): `500` in yen, `2`, `2.5`,
    /// `2.50` in euros, `1.250` in Kuwaiti dinars. More decimals than the currency has, or any
    /// in a currency without them, are refused.
    pub fn parse_in(s: &str, minor: u8) -> Result<Cents, ModelError> {
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
        if !digits(whole) || !digits(frac) || frac.len() > usize::from(minor) || whole.len() > 12 {
            return Err(if minor == 0 && t.contains('.') { ModelError::NoMinorUnits(s.to_string()) } else { bad() });
        }
        if t.contains('.') && frac.is_empty() {
            return Err(bad());
        }
        let scale = 10_i64.pow(u32::from(minor));
        let whole_v: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
        let frac_v: i64 = if frac.is_empty() { 0 } else { frac.parse().map_err(|_| bad())? };
        let frac_v = frac_v * 10_i64.pow(u32::from(minor) - frac.len() as u32);
        let minor_units = whole_v.checked_mul(scale).and_then(|v| v.checked_add(frac_v)).ok_or_else(bad)?;
        if minor_units > MAX_AMOUNT_CENTS {
            return Err(ModelError::AmountTooLarge(s.to_string()));
        }
        Ok(Cents(minor_units))
    }

    /// The amount with `minor` decimals and a `.` before them, no grouping, no symbol: what
    /// the command line prints and reads (`500`, `2.50`, `1.250`).
    pub fn show(self, minor: u8) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        if minor == 0 {
            return format!("{sign}{abs}");
        }
        let scale = 10_u64.pow(u32::from(minor));
        format!("{sign}{}.{:0width$}", abs / scale, abs % scale, width = usize::from(minor))
    }
}

impl fmt::Display for Cents {
    /// Two decimals (a store without a currency set); [`Cents::show`] for the store's.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.show(2))
    }
}

impl FromStr for Cents {
    type Err = ModelError;

    /// Parses a non-negative amount with at most two decimals: `2`, `2.5`, `2.50`, `0.99`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Cents::parse_in(s, 2)
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
    fn amounts_follow_the_currency_minor_units() {
        assert_eq!(Cents::parse_in("500", 0), Ok(Cents(500)));
        assert_eq!(Cents::parse_in("2.50", 0), Err(ModelError::NoMinorUnits("2.50".into())));
        assert_eq!(Cents::parse_in("1.250", 3), Ok(Cents(1250)));
        assert_eq!(Cents::parse_in("1.25", 3), Ok(Cents(1250)));
        assert!(Cents::parse_in("1.2501", 3).is_err());
        assert!(Cents::parse_in("1.250", 2).is_err());
        assert_eq!(Cents::parse_in("100000000", 0), Ok(Cents(100_000_000)));
        assert!(Cents::parse_in("100000001", 0).is_err());
        for (c, minor, text) in [(500, 0, "500"), (1250, 3, "1.250"), (-5, 3, "-0.005"), (250, 2, "2.50")] {
            assert_eq!(Cents(c).show(minor), text);
            if c >= 0 {
                assert_eq!(Cents::parse_in(text, minor), Ok(Cents(c)));
            }
        }
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(mul_div_round(250, 825, 10_000), 21); // 20.625
        assert_eq!(mul_div_round(200, 825, 10_000), 17); // 16.5
        assert_eq!(mul_div_round(-200, 825, 10_000), -17);
    }
}
