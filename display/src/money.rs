//! The store's money as people read and type it: a currency's minor units and symbol (ISO 4217)
//! and a locale's separators and symbol placement. Amounts are integers in the currency's minor
//! unit everywhere; this module only turns them into text and back. Never floats.
//!
//! docs/LOCALE.md has the tables and where each rule comes from (CLDR's patterns for these
//! locales, written out by hand: the register carries no CLDR data).

use std::fmt::Write as _;

/// A currency: its ISO 4217 code, minor units and the symbol the screens and receipts show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Currency {
    code: [u8; 3],
    /// Digits after the decimal separator: 0 (JPY), 2 (EUR), 3 (KWD).
    pub minor: u8,
    symbol: &'static str,
}

/// Code, minor units, symbol. A currency not listed has two minor units and shows its code.
const CURRENCIES: &[(&str, u8, &str)] = &[
    ("AED", 2, "AED"),
    ("ARS", 2, "ARS"),
    ("AUD", 2, "A$"),
    ("BHD", 3, "BHD"),
    ("BRL", 2, "R$"),
    ("CAD", 2, "CA$"),
    ("CHF", 2, "CHF"),
    ("CLP", 0, "CLP"),
    ("CNY", 2, "CN¥"),
    ("CZK", 2, "Kč"),
    ("DKK", 2, "kr."),
    ("EUR", 2, "€"),
    ("GBP", 2, "£"),
    ("HKD", 2, "HK$"),
    ("HUF", 2, "Ft"),
    ("IDR", 2, "Rp"),
    ("ILS", 2, "₪"),
    ("INR", 2, "₹"),
    ("IQD", 3, "IQD"),
    ("ISK", 0, "ISK"),
    ("JOD", 3, "JOD"),
    ("JPY", 0, "¥"),
    ("KRW", 0, "₩"),
    ("KWD", 3, "KWD"),
    ("LYD", 3, "LYD"),
    ("MAD", 2, "MAD"),
    ("MXN", 2, "MX$"),
    ("NOK", 2, "kr"),
    ("NZD", 2, "NZ$"),
    ("OMR", 3, "OMR"),
    ("PLN", 2, "zł"),
    ("SEK", 2, "kr"),
    ("SGD", 2, "S$"),
    ("THB", 2, "฿"),
    ("TND", 3, "TND"),
    ("TRY", 2, "₺"),
    ("TWD", 2, "NT$"),
    ("UGX", 0, "UGX"),
    ("USD", 2, "$"),
    ("VND", 0, "₫"),
    ("XAF", 0, "FCFA"),
    ("XOF", 0, "F CFA"),
    ("ZAR", 2, "R"),
];

impl Currency {
    /// The currency of an ISO 4217 code (three capital letters); `None` for anything else.
    pub fn of(code: &str) -> Option<Currency> {
        let b = code.as_bytes();
        if b.len() != 3 || !b.iter().all(u8::is_ascii_uppercase) {
            return None;
        }
        let code = [b[0], b[1], b[2]];
        Some(match CURRENCIES.iter().find(|(c, _, _)| c.as_bytes() == b) {
            Some(&(_, minor, symbol)) => Currency { code, minor, symbol },
            None => Currency { code, minor: 2, symbol: "" },
        })
    }

    /// The US dollar: a store that has set no currency.
    pub const USD: Currency = Currency { code: *b"USD", minor: 2, symbol: "$" };

    /// Its ISO 4217 code.
    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.code).unwrap_or("XXX")
    }

    /// What the screen shows for it: its symbol, or its code.
    pub fn symbol(&self) -> &str {
        if self.symbol.is_empty() { self.code() } else { self.symbol }
    }

    /// How many minor units make one major unit (1, 100, 1000).
    pub fn scale(&self) -> i64 {
        10_i64.pow(u32::from(self.minor))
    }

    /// Every currency Till lists, by code.
    pub fn listed() -> impl Iterator<Item = Currency> {
        CURRENCIES.iter().filter_map(|(code, _, _)| Currency::of(code))
    }

    /// Whether it has the listed minor units (a code Till does not know has 2).
    pub fn is_known(&self) -> bool {
        CURRENCIES.iter().any(|(c, _, _)| c.as_bytes() == self.code)
    }
}

impl Default for Currency {
    fn default() -> Currency {
        Currency::USD
    }
}

/// A locale's way with numbers and dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Locale {
    tag: &'static str,
    decimal: char,
    group: char,
    /// Digits before the first group separator appears (es-ES writes 1234 but 12.345).
    min_group: usize,
    /// `¤ 1` rather than `1 ¤`.
    symbol_first: bool,
    /// Between an amount and a symbol after it, or a symbol before it (`R$ 1`); a symbol of
    /// letters before the amount always gets a space (`CHF 12.50`).
    space: bool,
    /// The sign goes after the symbol (`€ -1,00`), not before it (`-$1.00`).
    sign_after_symbol: bool,
    date: DateOrder,
    date_sep: char,
    /// Day and month with a leading zero.
    padded: bool,
    hour12: bool,
}

/// The order of a date's parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DateOrder {
    /// 12/5/2026
    MonthDayYear,
    /// 05.12.2026
    DayMonthYear,
}

const NBSP: char = '\u{a0}';
const NNBSP: char = '\u{202f}';

/// The shipped locales, the first the default.
pub const LOCALES: &[Locale] = &[
    Locale::base("en-US", '.', ',', true, false, DateOrder::MonthDayYear, '/', false, true),
    Locale::base("en-GB", '.', ',', true, false, DateOrder::DayMonthYear, '/', true, false),
    Locale::base("de-DE", ',', '.', false, true, DateOrder::DayMonthYear, '.', true, false),
    Locale::base("fr-FR", ',', NNBSP, false, true, DateOrder::DayMonthYear, '/', true, false),
    Locale { min_group: 5, ..Locale::base("es-ES", ',', '.', false, true, DateOrder::DayMonthYear, '/', false, false) },
    Locale::base("it-IT", ',', '.', false, true, DateOrder::DayMonthYear, '/', true, false),
    Locale {
        sign_after_symbol: true,
        ..Locale::base("nl-NL", ',', '.', true, true, DateOrder::DayMonthYear, '-', true, false)
    },
    Locale::base("pt-BR", ',', '.', true, true, DateOrder::DayMonthYear, '/', true, false),
];

impl Locale {
    #[allow(clippy::too_many_arguments)]
    const fn base(
        tag: &'static str,
        decimal: char,
        group: char,
        symbol_first: bool,
        space: bool,
        date: DateOrder,
        date_sep: char,
        padded: bool,
        hour12: bool,
    ) -> Locale {
        Locale {
            tag,
            decimal,
            group,
            min_group: 4,
            symbol_first,
            space,
            sign_after_symbol: false,
            date,
            date_sep,
            padded,
            hour12,
        }
    }

    /// The locale of a BCP 47 tag Till ships (`de-DE`); `None` for another.
    pub fn of(tag: &str) -> Option<Locale> {
        LOCALES.iter().find(|l| l.tag.eq_ignore_ascii_case(tag)).copied()
    }

    /// Its tag.
    pub fn tag(&self) -> &'static str {
        self.tag
    }

    /// Its language (`de` of `de-DE`).
    pub fn language(&self) -> &'static str {
        self.tag.split('-').next().unwrap_or("en")
    }

    /// The decimal separator, as the keypad shows it.
    pub fn decimal(&self) -> char {
        self.decimal
    }

    /// A date as this locale writes it (`12/5/2026`, `05.12.2026`).
    pub fn date(&self, year: i32, month: u32, day: u32) -> String {
        let (a, b) = match self.date {
            DateOrder::MonthDayYear => (month, day),
            DateOrder::DayMonthYear => (day, month),
        };
        let s = self.date_sep;
        if self.padded { format!("{a:02}{s}{b:02}{s}{year}") } else { format!("{a}{s}{b}{s}{year}") }
    }

    /// A time of day as this locale writes it (`2:05 PM`, `14:05`).
    pub fn time(&self, hour: u32, minute: u32) -> String {
        if self.hour12 {
            let h = match hour % 12 {
                0 => 12,
                h => h,
            };
            format!("{h}:{minute:02}\u{a0}{}", if hour < 12 { "AM" } else { "PM" })
        } else {
            format!("{hour:02}:{minute:02}")
        }
    }
}

impl Default for Locale {
    fn default() -> Locale {
        LOCALES[0]
    }
}

/// How a store shows money: its currency in its locale's format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MoneyFormat {
    /// The store's currency.
    pub currency: Currency,
    /// The store's locale.
    pub locale: Locale,
}

impl MoneyFormat {
    /// `currency` in `locale`.
    pub fn new(currency: Currency, locale: Locale) -> MoneyFormat {
        MoneyFormat { currency, locale }
    }

    /// The number alone, without symbol, signed when negative: `1,234.50`, `-1.234,50`, `500`
    /// (receipts' and reports' columns of figures).
    pub fn number(&self, minor_units: i64) -> String {
        let digits = self.digits(minor_units);
        if minor_units < 0 { format!("-{digits}") } else { digits }
    }

    /// The digits of the amount's size, grouped, with the decimals: `1,234.50` for -123450.
    fn digits(&self, minor_units: i64) -> String {
        let (c, l) = (self.currency, self.locale);
        let abs = minor_units.unsigned_abs();
        let scale = c.scale().unsigned_abs();
        let whole = (abs / scale).to_string();
        let mut out = String::with_capacity(whole.len() * 2 + 4);
        let grouped = whole.len() >= l.min_group;
        for (i, ch) in whole.chars().enumerate() {
            if grouped && i > 0 && (whole.len() - i).is_multiple_of(3) {
                out.push(l.group);
            }
            out.push(ch);
        }
        if c.minor > 0 {
            out.push(l.decimal);
            let _ = write!(out, "{:0width$}", abs % scale, width = usize::from(c.minor));
        }
        out
    }

    /// An amount with its symbol, as the screen and receipts show it: `$12.50`, `12,50 €`,
    /// `CHF 12.50`, `¥500`, `-$0.05`.
    pub fn format(&self, minor_units: i64) -> String {
        self.place(&self.digits(minor_units), minor_units < 0)
    }

    /// A number as typed (`12,5`) with the currency's symbol where this locale puts it.
    pub fn with_symbol(&self, number: &str) -> String {
        self.place(number, false)
    }

    fn place(&self, number: &str, negative: bool) -> String {
        let (c, l) = (self.currency, self.locale);
        let symbol = c.symbol();
        let sign = if negative { "-" } else { "" };
        if l.symbol_first {
            // A symbol ending in a letter is kept apart from the digits (CHF 12.50).
            let spaced = l.space || symbol.chars().last().is_some_and(char::is_alphabetic);
            let gap = if spaced { NBSP.to_string() } else { String::new() };
            if l.sign_after_symbol {
                format!("{symbol}{gap}{sign}{number}")
            } else {
                format!("{sign}{symbol}{gap}{number}")
            }
        } else {
            format!("{sign}{number}{NBSP}{symbol}")
        }
    }

    /// An amount as typed or shown in this format (`12,50`, `1.234,50 €`, `€12.50`): the
    /// symbol or code, spaces and group separators are optional, the decimals at most the
    /// currency's minor units. `None` for anything else.
    pub fn parse(&self, text: &str) -> Option<i64> {
        let (c, l) = (self.currency, self.locale);
        let mut t = text.trim();
        for s in [c.symbol(), c.code()] {
            t = t.trim_start_matches(s).trim_end_matches(s);
        }
        let t = t.trim_matches(|ch: char| ch.is_whitespace() || ch == NBSP || ch == NNBSP);
        let (negative, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest.trim_start_matches(|ch: char| ch.is_whitespace() || ch == NBSP)),
            None => (false, t),
        };
        // A sign after the symbol (`€ -1,00`) was taken with it; the symbol after a sign
        // (`-$1.00`) is still there.
        let t = t.trim_start_matches(c.symbol()).trim_start_matches([NBSP, ' ']);
        let (whole, frac) = match t.split_once(l.decimal) {
            Some((w, f)) if c.minor > 0 => (w, f),
            Some(_) => return None,
            None => (t, ""),
        };
        if whole.is_empty() && frac.is_empty() || frac.len() > usize::from(c.minor) {
            return None;
        }
        if t.contains(l.decimal) && frac.is_empty() {
            return None;
        }
        let mut digits = String::with_capacity(whole.len());
        for ch in whole.chars() {
            match ch {
                '0'..='9' => digits.push(ch),
                g if g == l.group || (l.group == NNBSP && (g == NBSP || g == ' ')) => {}
                _ => return None,
            }
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 15 {
            return None;
        }
        let whole: i64 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
        let frac_v: i64 = if frac.is_empty() { 0 } else { frac.parse().ok()? };
        let frac_v = frac_v * 10_i64.pow(u32::from(c.minor) - frac.len() as u32);
        let v = whole.checked_mul(c.scale())?.checked_add(frac_v)?;
        Some(if negative { -v } else { v })
    }
}

/// Formats US cents as dollars with thousands separators, e.g. `-1234567` → "-$12,345.67": the
/// format of a store that set neither currency nor locale.
pub fn format_cents(cents: i64) -> String {
    MoneyFormat::default().format(cents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(code: &str, tag: &str) -> MoneyFormat {
        MoneyFormat::new(Currency::of(code).unwrap_or_default(), Locale::of(tag).unwrap_or_default())
    }

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

    /// Amounts × currencies × locales, against what each shop expects to read.
    #[test]
    fn amounts_in_every_currency_and_locale() {
        let n = NBSP;
        let nn = NNBSP;
        let table: &[(&str, &str, i64, String)] = &[
            ("USD", "en-US", 123_450, "$1,234.50".into()),
            ("USD", "en-US", -5, "-$0.05".into()),
            ("EUR", "en-US", 1250, "€12.50".into()),
            ("EUR", "de-DE", 1250, format!("12,50{n}€")),
            ("EUR", "de-DE", 123_450, format!("1.234,50{n}€")),
            ("EUR", "de-DE", -1250, format!("-12,50{n}€")),
            ("EUR", "fr-FR", 123_450, format!("1{nn}234,50{n}€")),
            ("EUR", "es-ES", 123_450, format!("1234,50{n}€")),
            ("EUR", "es-ES", 1_234_550, format!("12.345,50{n}€")),
            ("EUR", "it-IT", 123_450, format!("1.234,50{n}€")),
            ("EUR", "nl-NL", 123_450, format!("€{n}1.234,50")),
            ("EUR", "nl-NL", -1250, format!("€{n}-12,50")),
            ("BRL", "pt-BR", 123_450, format!("R${n}1.234,50")),
            ("JPY", "en-US", 500, "¥500".into()),
            ("JPY", "en-US", 1_234_567, "¥1,234,567".into()),
            ("JPY", "de-DE", 1_234_567, format!("1.234.567{n}¥")),
            ("KWD", "en-US", 1250, format!("KWD{n}1.250")),
            ("KWD", "fr-FR", 1_234_567, format!("1{nn}234,567{n}KWD")),
            ("CHF", "en-US", 1250, format!("CHF{n}12.50")),
            ("CHF", "de-DE", 1250, format!("12,50{n}CHF")),
            ("GBP", "en-GB", 99, "£0.99".into()),
            ("GBP", "es-ES", 99, format!("0,99{n}£")),
            ("INR", "en-US", 1_000_000, "₹10,000.00".into()),
            ("INR", "pt-BR", 1_000_000, format!("₹{n}10.000,00")),
            ("XYZ", "en-US", 1250, format!("XYZ{n}12.50")),
        ];
        for (code, tag, amount, want) in table {
            assert_eq!(&fmt(code, tag).format(*amount), want, "{amount} {code} in {tag}");
        }
    }

    #[test]
    fn parses_what_the_locale_writes_and_people_type() {
        let de = fmt("EUR", "de-DE");
        assert_eq!(de.parse("12,50"), Some(1250));
        assert_eq!(de.parse("1.234,5"), Some(123_450));
        assert_eq!(de.parse("12,50 €"), Some(1250));
        assert_eq!(de.parse("12.50"), Some(125_000), "a dot groups in German");
        assert_eq!(de.parse("12,505"), None, "three decimals in euros");
        let jpy = fmt("JPY", "en-US");
        assert_eq!(jpy.parse("500"), Some(500));
        assert_eq!(jpy.parse("2.50"), None, "yen have no decimals");
        assert_eq!(fmt("KWD", "en-US").parse("1.250"), Some(1250));
        for bad in ["", "-", "12,", "1a", "€€", "1,2,3"] {
            assert_eq!(de.parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_receipts_column_of_figures_keeps_the_sign() {
        assert_eq!(fmt("EUR", "de-DE").number(-123_450), "-1.234,50");
        assert_eq!(fmt("USD", "en-US").number(-2), "-0.02");
        assert_eq!(fmt("JPY", "en-US").number(-500), "-500");
        assert_eq!(fmt("USD", "en-US").number(0), "0.00");
    }

    #[test]
    fn dates_and_times_by_locale() {
        let d = |tag: &str| Locale::of(tag).map(|l| (l.date(2026, 12, 5), l.time(14, 5)));
        assert_eq!(d("en-US"), Some(("12/5/2026".into(), "2:05\u{a0}PM".into())));
        assert_eq!(d("en-GB"), Some(("05/12/2026".into(), "14:05".into())));
        assert_eq!(d("de-DE"), Some(("05.12.2026".into(), "14:05".into())));
        assert_eq!(d("es-ES"), Some(("5/12/2026".into(), "14:05".into())));
        assert_eq!(d("nl-NL"), Some(("05-12-2026".into(), "14:05".into())));
        assert_eq!(Locale::of("en-US").map(|l| l.time(0, 0)), Some("12:00\u{a0}AM".into()));
        assert_eq!(Locale::of("xx-XX"), None);
    }

    proptest::proptest! {
        /// What a register shows, typed back in, is the same amount, in every currency and
        /// locale (within what Till accepts for one amount, ± a million major units).
        #[test]
        fn parse_reads_back_what_format_writes(
            amount in -1_000_000_000_i64..=1_000_000_000,
            c in 0..CURRENCIES.len(),
            l in 0..LOCALES.len(),
        ) {
            let f = MoneyFormat::new(Currency::of(CURRENCIES[c].0).unwrap_or_default(), LOCALES[l]);
            let shown = f.format(amount);
            proptest::prop_assert_eq!(f.parse(&shown), Some(amount), "{}", shown);
            proptest::prop_assert_eq!(f.parse(&f.number(amount.abs())), Some(amount.abs()));
        }
    }

    #[test]
    fn unknown_codes_are_refused_or_shown_by_code() {
        assert_eq!(Currency::of("euro"), None);
        assert_eq!(Currency::of("eur"), None);
        let x = Currency::of("XYZ");
        assert_eq!(x.map(|c| (c.minor, c.symbol().to_string(), c.is_known())), Some((2, "XYZ".into(), false)));
        assert_eq!(Currency::of("JPY").map(|c| c.minor), Some(0));
        assert_eq!(Currency::of("KWD").map(|c| c.minor), Some(3));
    }
}
