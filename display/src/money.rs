//! Money formatting: integer cents to "$1,234.50". Never floats.

/// Formats cents as dollars with thousands separators, e.g. `-1234567` → "-$12,345.67".
pub fn format_cents(cents: i64) -> String {
    // unsigned_abs so i64::MIN does not overflow.
    let abs = cents.unsigned_abs();
    let dollars = (abs / 100).to_string();
    let mut grouped = String::with_capacity(dollars.len() + dollars.len() / 3);
    for (i, c) in dollars.chars().enumerate() {
        if i > 0 && (dollars.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}${grouped}.{:02}", abs % 100)
}

#[cfg(test)]
mod tests {
    use super::format_cents;

    #[test]
    fn formats_cents() {
        for (cents, text) in [
            (0, "$0.00"),
            (5, "$0.05"),
            (1250, "$12.50"),
            (100_000, "$1,000.00"),
            (123_456_789, "$1,234,567.89"),
            (-5, "-$0.05"),
            (-1250, "-$12.50"),
            (-100_000, "-$1,000.00"),
            (i64::MIN, "-$92,233,720,368,547,758.08"),
            (i64::MAX, "$92,233,720,368,547,758.07"),
        ] {
            assert_eq!(format_cents(cents), text, "{cents}");
        }
    }
}
