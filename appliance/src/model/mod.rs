//! The store's business vocabulary as plain types: products, tax profiles, orders, returns, shifts,
//! users, settings and stock figures, with the validation rules for what people type.
//!
//! This layer knows nothing of SQLite, HTTP, the clock or the screen.

mod barcode;
mod conflict;
mod day;
mod money;
mod records;
mod sale;

pub use barcode::*;
pub use conflict::*;
pub use day::*;
pub use money::{Cents, MAX_AMOUNT_CENTS, mul_div_round};
pub use records::*;
pub use sale::*;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why a value typed by a person (or sent by a peer) is not acceptable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ModelError {
    /// A price or cash amount that is not a plain number with at most the currency's decimals.
    #[error("{} is not an amount: write it like 2.50 (no sign, no more decimals than the currency has)", quote(.0))]
    BadAmount(String),
    /// An amount with decimals in a currency without minor units (yen).
    #[error("{} is not an amount: this store's currency has no decimals (write 500, not 5.00)", quote(.0))]
    NoMinorUnits(String),
    /// A currency change in a store that has sales.
    #[error("the currency stays {0}: this store has sales in it (changing the currency is a fresh store's decision)")]
    CurrencyHasSales(String),
    /// An amount above [`MAX_AMOUNT_CENTS`].
    #[error("{} is too large: amounts are limited to 100000000 in the currency's smallest unit (1000000.00 dollars or euros)", quote(.0))]
    AmountTooLarge(String),
    /// A SKU with characters or a length Till does not accept.
    #[error("{} is not a valid SKU: use 1-32 letters, digits, '-', '_' or '.'", quote(.0))]
    BadSku(String),
    /// A quantity that is zero, negative, or not a whole number.
    #[error("{} is not a valid quantity: use a whole number from 1 to 9999", quote(.0))]
    BadQuantity(String),
    /// A stock figure that is not a whole number in range.
    #[error("{} is not a valid stock figure: use a whole number between -1000000 and 1000000", quote(.0))]
    BadStock(String),
    /// A delivery or write-off size that is not a positive whole number.
    #[error("{} is not a number of items: use a whole number from 1 to 1000000", quote(.0))]
    BadItems(String),
    /// A product, user or tax profile name that is empty, too long, or has control, zero-width
    /// or bidirectional formatting characters.
    #[error(
        "{name} is not a valid name: use 1-{max} printable characters (no zero-width or direction-changing ones)",
        name = quote(.0),
        max = .1
    )]
    BadName(String, usize),
    /// A tax rate that is not a percentage from 0 to 100 with at most two decimals.
    #[error("{} is not a tax rate: write a percentage like 8.25 (0 to 100, at most two decimals)", quote(.0))]
    BadRate(String),
    /// A role other than cashier or manager.
    #[error("{} is not a role: use cashier or manager", quote(.0))]
    BadRole(String),
    /// A payment method other than cash or card.
    #[error("{} is not a payment method: use cash or card", quote(.0))]
    BadPayment(String),
    /// A PIN that is not 4 to 8 digits.
    #[error("a PIN must be 4 to 8 digits")]
    BadPin,
    /// A discount that is not a percentage above 0 and at most 100, or an amount above 0.
    #[error("{} is not a discount: write 10% (above 0, at most 100) or an amount such as 1.00", quote(.0))]
    BadDiscount(String),
    /// A tender name with characters Till does not accept.
    #[error("{} is not a tender name: use 1-24 letters, digits, '-' or '_'", quote(.0))]
    BadTender(String),
    /// A store-wide setting key Till does not know.
    #[error("unknown setting {key}: known settings are {known}", key = quote(.0), known = .1)]
    UnknownSetting(String, String),
    /// A value that a known setting does not accept.
    #[error("bad value for {key}: {why}", key = quote(.0), why = .1)]
    BadSettingValue(String, String),
}

/// A product's stock-keeping unit: the key products are known by on every register.
///
/// Deserializing validates too, so a SKU from a peer obeys the same rules as one typed here.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub struct Sku(String);

impl TryFrom<String> for Sku {
    type Error = ModelError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl Sku {
    /// The SKU as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Sku {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Sku {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok = !s.is_empty()
            && s.len() <= 32
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if ok { Ok(Sku(s.to_string())) } else { Err(ModelError::BadSku(s.to_string())) }
    }
}

/// Checks a human-facing name as typed: printable, trimmed, 1..=max characters, and no zero-width
/// or bidirectional formatting characters (they make a name look like another, or reorder the
/// text around it on a receipt or a terminal).
pub fn validate_name(s: &str, max: usize) -> Result<String, ModelError> {
    let t = name_shape(s, max)?;
    if t.chars().any(is_invisible) {
        return Err(ModelError::BadName(s.to_string(), max));
    }
    Ok(t)
}

/// The rule names had before invisible characters were refused: printable, trimmed,
/// 1..=max characters. Names that older registers already synced are checked with it.
fn name_shape(s: &str, max: usize) -> Result<String, ModelError> {
    let t = s.trim();
    let n = t.chars().count();
    if n == 0 || n > max || t.chars().any(char::is_control) {
        return Err(ModelError::BadName(s.to_string(), max));
    }
    Ok(t.to_string())
}

/// Text from someone else (typed, stored, or sent by a peer) made safe to quote in one line of
/// an error message: quoted, control and invisible formatting characters escaped, and cut to
/// 60 characters with an ellipsis.
pub fn quote(s: &str) -> String {
    quote_max(s, 60)
}

/// [`quote`] cut at `max` characters instead of 60: for sentences a server sends as its reason.
pub fn quote_max(s: &str, max: usize) -> String {
    let mut out = String::from("'");
    for (i, c) in s.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control() || is_invisible(c) {
            out.extend(c.escape_unicode());
        } else if c == '\'' || c == '\\' {
            out.push('\\');
            out.push(c);
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// Zero-width and bidirectional formatting characters: invisible, and able to make text read
/// differently from what it is.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}')
}

/// Longest product name accepted.
pub const MAX_PRODUCT_NAME: usize = 80;
/// Longest user or tax profile name accepted.
pub const MAX_SHORT_NAME: usize = 32;

/// A count of items on a line: 1..=9999.
pub fn parse_qty(s: &str) -> Result<u32, ModelError> {
    match s.trim().parse::<u32>() {
        Ok(q) if (1..=9999).contains(&q) && s.trim().bytes().all(|b| b.is_ascii_digit()) => Ok(q),
        _ => Err(ModelError::BadQuantity(s.to_string())),
    }
}

/// An on-hand stock figure or delta: a whole number within ±1,000,000.
pub fn parse_stock(s: &str) -> Result<i64, ModelError> {
    match s.trim().parse::<i64>() {
        Ok(q) if (-1_000_000..=1_000_000).contains(&q) => Ok(q),
        _ => Err(ModelError::BadStock(s.to_string())),
    }
}

/// A number of items delivered or written off: 1..=1,000,000 (a pallet may exceed a line's cap).
pub fn parse_items(s: &str) -> Result<i64, ModelError> {
    match s.trim().parse::<i64>() {
        Ok(q) if (1..=1_000_000).contains(&q) && s.trim().bytes().all(|b| b.is_ascii_digit()) => Ok(q),
        _ => Err(ModelError::BadItems(s.to_string())),
    }
}

/// Parses `SKU` or `SKU:QTY` as typed on the command line.
pub fn parse_sku_qty(s: &str) -> Result<(Sku, u32), ModelError> {
    match s.split_once(':') {
        Some((sku, qty)) => Ok((sku.parse()?, parse_qty(qty)?)),
        None => Ok((s.parse()?, 1)),
    }
}

/// A tax rate in basis points (hundredths of a percent): 8.25 % is 825.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RateBp(pub u32);

impl fmt::Display for RateBp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}%", self.0 / 100, self.0 % 100)
    }
}

impl FromStr for RateBp {
    type Err = ModelError;
    /// Parses a percentage such as `8.25` or `8.25%` (0 to 100).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().trim_end_matches('%');
        let c: Cents = t.parse().map_err(|_| ModelError::BadRate(s.to_string()))?;
        if c.0 > 10_000 {
            return Err(ModelError::BadRate(s.to_string()));
        }
        u32::try_from(c.0).map(RateBp).map_err(|_| ModelError::BadRate(s.to_string()))
    }
}

/// What a user may do at the register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Rings sales and returns.
    Cashier,
    /// Also edits products, users and settings.
    Manager,
}

impl Role {
    /// The role's name as stored and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Cashier => "cashier",
            Role::Manager => "manager",
        }
    }
}

impl FromStr for Role {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "cashier" => Ok(Role::Cashier),
            "manager" => Ok(Role::Manager),
            _ => Err(ModelError::BadRole(s.to_string())),
        }
    }
}

/// How an order was paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Payment {
    /// Notes and coins into the drawer.
    Cash,
    /// A card terminal.
    Card,
}

impl Payment {
    /// The method's name as stored and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Payment::Cash => "cash",
            Payment::Card => "card",
        }
    }
}

impl FromStr for Payment {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "cash" => Ok(Payment::Cash),
            "card" => Ok(Payment::Card),
            _ => Err(ModelError::BadPayment(s.to_string())),
        }
    }
}

/// Checks a PIN: 4 to 8 digits.
pub fn validate_pin(pin: &str) -> Result<(), ModelError> {
    if (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ModelError::BadPin)
    }
}

/// The store-wide settings that registers share, with their validation.
pub const SETTING_KEYS: &[&str] = &[
    "store_name",
    "currency",
    "receipt_footer",
    "prices_include_tax",
    "discount_limit",
    "price_embedded_barcodes",
    "store_address",
    "tax_id",
    "update_window",
    "locale",
    "language",
    "cash_rounding",
];

/// Parses the `cash_rounding` setting: the step, in the currency's minor units, that the cash
/// part of a sale is rounded to (0: none, the default; 5: 0.05 as in Switzerland; 10: 0.10).
pub fn cash_rounding_step(value: Option<&str>) -> i64 {
    value.and_then(|v| v.parse::<i64>().ok()).filter(|s| CASH_ROUNDING_STEPS.contains(s)).unwrap_or(0)
}

/// Parses the `price_embedded_barcodes` setting: whether EAN-13 codes starting 20-29 ring their
/// item at the price printed in the code.
pub fn prices_embedded(value: Option<&str>) -> bool {
    value == Some("true")
}

/// Parses the `prices_include_tax` setting's stored value (`true` or `false`).
pub fn prices_include_tax(value: Option<&str>) -> bool {
    value == Some("true")
}

/// Parses the `discount_limit` setting's stored value: the deepest discount a cashier gives
/// without a manager, in basis points (`None`: no limit set).
pub fn discount_limit_bp(value: Option<&str>) -> Option<u32> {
    value.and_then(|v| v.trim_end_matches('%').parse::<RateBp>().ok()).map(|r| r.0)
}

/// Whether `minute` (of the UTC day, 0..1440) is inside `window` (`HH:MM-HH:MM`); `None` when
/// the window is malformed.
pub fn in_window(window: &str, minute: u32) -> Option<bool> {
    let parse = |s: &str| -> Option<u32> {
        let (h, m) = s.trim().split_once(':')?;
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        (h < 24 && m < 60 && s.trim().len() == 5).then_some(h * 60 + m)
    };
    let (from, to) = window.split_once('-')?;
    let (from, to) = (parse(from)?, parse(to)?);
    Some(if from <= to { (from..to).contains(&minute) } else { minute >= from || minute < to })
}

/// Checks a store-wide setting as typed and returns the value to store.
pub fn validate_setting(key: &str, value: &str) -> Result<String, ModelError> {
    if key == "store_name" && value.chars().any(is_invisible) {
        return Err(ModelError::BadSettingValue(
            key.to_string(),
            "use 1-64 printable characters (no zero-width or direction-changing ones)".into(),
        ));
    }
    check_setting(key, value)
}

/// Checks a store-wide setting that arrived in an event: the rules every release has applied,
/// so a value an older register accepted is applied here too and registers keep agreeing.
pub fn check_setting(key: &str, value: &str) -> Result<String, ModelError> {
    let bad = |why: &str| ModelError::BadSettingValue(key.to_string(), why.to_string());
    match key {
        "store_name" => name_shape(value, 64).map_err(|_| bad("use 1-64 printable characters")),
        "currency" => {
            if value.len() == 3 && value.bytes().all(|b| b.is_ascii_uppercase()) {
                Ok(value.to_string())
            } else {
                Err(bad("use a three-letter ISO 4217 code such as USD or EUR"))
            }
        }
        "locale" => match till_display::Locale::of(value) {
            Some(l) => Ok(l.tag().to_string()),
            None => Err(bad(&format!(
                "use one of {}",
                till_display::LOCALES.iter().map(|l| l.tag()).collect::<Vec<_>>().join(", ")
            ))),
        },
        "language" => till_display::i18n::Language::of(value)
            .map(|l| l.code().to_string())
            .ok_or_else(|| bad("use en, de, fr or es")),
        "tax_id" => name_shape(value, 40).map_err(|_| bad("use 1-40 printable characters")),
        "receipt_footer" | "store_address" => {
            if value.chars().count() <= 200 && !value.chars().any(|c| c.is_control() && c != '\n') {
                Ok(value.to_string())
            } else {
                Err(bad("use at most 200 printable characters"))
            }
        }
        "prices_include_tax" | "price_embedded_barcodes" => match value {
            "true" | "false" => Ok(value.to_string()),
            _ => Err(bad("use true or false")),
        },
        "update_window" => match in_window(value, 0) {
            Some(_) => Ok(value.to_string()),
            None => Err(bad("use HH:MM-HH:MM in UTC, such as 22:00-06:00")),
        },
        "discount_limit" => match value.strip_suffix('%').map(str::parse::<RateBp>) {
            Some(Ok(r)) => Ok(format!("{}%", RateBp(r.0).to_string().trim_end_matches('%'))),
            _ => Err(bad("use a percentage such as 10%")),
        },
        "cash_rounding" => match value.parse::<i64>() {
            Ok(step) if CASH_ROUNDING_STEPS.contains(&step) => Ok(step.to_string()),
            _ => Err(bad(
                "use 0 (no rounding), 5 or 10: the step cash is rounded to, in the currency's minor units (5 is 0.05)",
            )),
        },
        _ => Err(ModelError::UnknownSetting(key.to_string(), SETTING_KEYS.join(", "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_may_wrap_past_midnight() {
        assert_eq!(in_window("22:00-06:00", 23 * 60), Some(true));
        assert_eq!(in_window("22:00-06:00", 5 * 60 + 59), Some(true));
        assert_eq!(in_window("22:00-06:00", 6 * 60), Some(false));
        assert_eq!(in_window("22:00-06:00", 12 * 60), Some(false));
        assert_eq!(in_window("01:30-03:00", 90), Some(true));
        assert_eq!(in_window("01:30-03:00", 180), Some(false));
        for bad in ["", "1:00-2:00", "25:00-01:00", "01:00", "aa:bb-cc:dd"] {
            assert_eq!(in_window(bad, 0), None, "{bad}");
        }
    }

    #[test]
    fn sku_rules() {
        assert!("COF-1".parse::<Sku>().is_ok());
        assert!("a.b_c".parse::<Sku>().is_ok());
        for bad in ["", "has space", "ü", &"x".repeat(33), "a/b"] {
            assert!(bad.parse::<Sku>().is_err(), "{bad}");
        }
    }

    #[test]
    fn quantities() {
        assert_eq!(parse_sku_qty("TEA:3"), Ok(("TEA".parse().unwrap_or_else(|_| unreachable!()), 3)));
        assert_eq!(parse_sku_qty("TEA").map(|x| x.1), Ok(1));
        for bad in ["TEA:0", "TEA:-1", "TEA:1.5", "TEA:", "TEA:10000", "TEA:+2"] {
            assert!(parse_sku_qty(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rates() {
        assert_eq!("8.25".parse::<RateBp>(), Ok(RateBp(825)));
        assert_eq!("20%".parse::<RateBp>(), Ok(RateBp(2000)));
        assert!("100.01".parse::<RateBp>().is_err());
        assert!("-1".parse::<RateBp>().is_err());
        assert_eq!(RateBp(825).to_string(), "8.25%");
    }

    #[test]
    fn settings() {
        assert_eq!(validate_setting("currency", "EUR"), Ok("EUR".into()));
        assert!(validate_setting("currency", "euro").is_err());
        assert!(validate_setting("colour", "red").is_err());
    }

    #[test]
    fn names_refuse_invisible_characters_but_synced_settings_keep_the_old_rule() {
        assert_eq!(validate_name("  Green tea ", 80), Ok("Green tea".into()));
        assert_eq!(validate_name("Ἀθῆναι café", 80), Ok("Ἀθῆναι café".into()));
        for bad in ["tea\u{202e}aet", "t\u{200b}ea", "\u{2067}tea", "tea\u{feff}", "te\u{061c}a", "", "t\nea"] {
            assert!(validate_name(bad, 80).is_err(), "{bad:?}");
        }
        let shown = validate_name("x\u{202e}y", 80).map_err(|e| e.to_string());
        assert!(shown.as_ref().is_err_and(|e| e.starts_with("'x\\u{202e}y' is not a valid name")), "{shown:?}");
        assert!(validate_setting("store_name", "Corner\u{200d}Shop").is_err(), "typed: refused");
        // An older register may have synced such a name: it still applies, so registers agree.
        assert_eq!(check_setting("store_name", "Corner\u{200d}Shop"), Ok("Corner\u{200d}Shop".into()));
        assert!(check_setting("store_name", "bad\u{1b}").is_err());
    }

    #[test]
    fn quoting_escapes_and_cuts() {
        assert_eq!(quote("R1"), "'R1'");
        assert_eq!(quote("a\u{1b}[2Jb"), "'a\\u{1b}[2Jb'");
        assert_eq!(quote("x\u{202E}y"), "'x\\u{202e}y'");
        assert_eq!(quote(&"z".repeat(100)).chars().count(), 63);
    }

    #[test]
    fn pins() {
        assert!(validate_pin("1234").is_ok());
        assert!(validate_pin("123").is_err());
        assert!(validate_pin("12a4").is_err());
    }
}
