//! Barcodes as scanned or typed: EAN-13, EAN-8 and UPC-A with their GS1 check digit verified,
//! any other symbology (Code 128, Code 39, …) kept as the scanner sent it, and the in-store
//! price-embedded EAN-13 codes that carry a price.
//!
//! A scanner sends only characters, not which symbology it read, so the kind is told from the
//! text: all digits and 13, 8 or 12 long is EAN-13, EAN-8 or UPC-A, anything else is `Other`.
//! UPC-E is not recognised in its 8-digit form (its check digit is computed over the expanded
//! UPC-A, so most UPC-E codes fail the EAN-8 check): scanners can be set to send UPC-E expanded
//! to UPC-A, which is what Till expects.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{Cents, quote};

/// Longest barcode accepted, in characters.
pub const MAX_BARCODE_LEN: usize = 48;

/// Why a barcode is not acceptable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BarcodeError {
    /// An EAN-13, EAN-8 or UPC-A whose last digit does not match the other digits: a misread or
    /// a typing mistake.
    #[error("{} has a bad check digit: the last digit should be {expected}", quote(.code))]
    BadCheckDigit {
        /// The code as given.
        code: String,
        /// The check digit its other digits call for.
        expected: u8,
    },
    /// Empty, too long, or with spaces, control or non-ASCII characters.
    #[error("{} is not a barcode: use 1-48 printable ASCII characters without spaces", quote(.0))]
    BadBarcode(String),
}

/// Which kind of code a [`Barcode`] is, as told from its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Symbology {
    /// 13 digits, the last a GS1 check digit.
    Ean13,
    /// 8 digits, the last a GS1 check digit.
    Ean8,
    /// 12 digits, the last a GS1 check digit: an EAN-13 with its leading zero left off.
    UpcA,
    /// Anything else: Code 128 or Code 39 text, or digits of another length (no check applied).
    Other,
}

impl Symbology {
    /// The symbology's name as printed: `EAN-13`, `EAN-8`, `UPC-A` or `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            Symbology::Ean13 => "EAN-13",
            Symbology::Ean8 => "EAN-8",
            Symbology::UpcA => "UPC-A",
            Symbology::Other => "other",
        }
    }

    fn of(code: &str) -> Symbology {
        if !code.bytes().all(|b| b.is_ascii_digit()) {
            return Symbology::Other;
        }
        match code.len() {
            13 => Symbology::Ean13,
            8 => Symbology::Ean8,
            12 => Symbology::UpcA,
            _ => Symbology::Other,
        }
    }
}

impl fmt::Display for Symbology {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A product's barcode, exactly as scanned or typed, checked by [`parse_barcode`].
///
/// Deserializing validates too, so a barcode from a peer obeys the same rules as one typed here.
/// `==` compares the text as given; two barcodes name the same product when their
/// [`lookup_key`](Barcode::lookup_key)s are equal (a UPC-A and the EAN-13 it is part of).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub struct Barcode(String);

impl Barcode {
    /// The barcode as text, as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Which kind of code this is.
    pub fn symbology(&self) -> Symbology {
        Symbology::of(&self.0)
    }

    /// The key a product is stored and looked up by: for EAN-13, UPC-A and EAN-8 the 13-digit
    /// form, left-padded with zeros as GS1 numbers are compared (UPC-A `036000291452` and EAN-13
    /// `0036000291452` are one code; EAN-8 `96385074` is `0000096385074`, the form some scanners
    /// send it in); any other code as given. The check digit is unchanged by the padding.
    ///
    /// Uniqueness of barcodes among products, and finding the product for a scan, both go by this.
    pub fn lookup_key(&self) -> Barcode {
        match self.symbology() {
            Symbology::Ean13 | Symbology::Other => self.clone(),
            Symbology::UpcA | Symbology::Ean8 => Barcode(format!("{:0>13}", self.0)),
        }
    }
}

impl TryFrom<String> for Barcode {
    type Error = BarcodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        parse_barcode(&s)
    }
}

impl FromStr for Barcode {
    type Err = BarcodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_barcode(s)
    }
}

impl fmt::Display for Barcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks a barcode as scanned or typed (nothing is trimmed).
///
/// All-digit codes 13, 8 or 12 long (EAN-13, EAN-8, UPC-A) must end in the right GS1 check
/// digit. Any other code is kept as given if it is 1 to [`MAX_BARCODE_LEN`] printable ASCII
/// characters without spaces.
pub fn parse_barcode(s: &str) -> Result<Barcode, BarcodeError> {
    let printable = !s.is_empty() && s.len() <= MAX_BARCODE_LEN && s.bytes().all(|b| b.is_ascii_graphic());
    if !printable {
        return Err(BarcodeError::BadBarcode(s.to_string()));
    }
    if Symbology::of(s) != Symbology::Other {
        let (data, last) = s.split_at(s.len() - 1);
        let expected = gs1_check_digit(data).ok_or_else(|| BarcodeError::BadBarcode(s.to_string()))?;
        if last.as_bytes() != [b'0' + expected] {
            return Err(BarcodeError::BadCheckDigit { code: s.to_string(), expected });
        }
    }
    Ok(Barcode(s.to_string()))
}

/// The GS1 mod-10 check digit for `data`, the digits before it: from the right, digits are
/// weighted 3, 1, 3, 1, …, and the check digit brings the sum up to a multiple of ten. `None`
/// if `data` is empty or not all ASCII digits.
pub fn gs1_check_digit(data: &str) -> Option<u8> {
    if data.is_empty() || !data.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 =
        data.bytes().rev().enumerate().map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 }).sum();
    u8::try_from((10 - sum % 10) % 10).ok()
}

/// What an in-store price-embedded EAN-13 says: which item, and its price. See [`price_embedded`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriceEmbedded {
    item: String,
    price_cents: i64,
}

impl PriceEmbedded {
    /// The store's item number: the first 7 digits, the `2X` prefix and 5 digits.
    pub fn item(&self) -> &str {
        &self.item
    }

    /// The price printed into the code, in cents (0 to 99999).
    pub fn price_cents(&self) -> i64 {
        self.price_cents
    }

    /// [`price_cents`](Self::price_cents) as money.
    pub fn price(&self) -> Cents {
        Cents(self.price_cents)
    }

    /// The code the product is registered under: the item number, a zero price field, and the
    /// check digit for those (item `2012345` gives `2012345000001`).
    pub fn item_code(&self) -> Barcode {
        let data = format!("{}00000", self.item);
        let check = gs1_check_digit(&data).unwrap_or(0);
        Barcode(format!("{data}{check}"))
    }
}

/// Reads an in-store price-embedded code: an EAN-13 whose GS1 prefix is 20 to 29 (numbers GS1
/// leaves to each store or country).
///
/// Till reads these codes in one layout, the common one from scales that print price labels:
///
/// ```text
/// 2 0 1 2 3 4 5 0 1 2 3 4 9
/// └┬┘ └───┬───┘ └───┬───┘ └ check digit of the whole code
///  │      │         └ price in cents, 5 digits: 01234 is 12.34
///  │      └ item number, 5 digits
///  └ prefix 20-29
/// ```
///
/// The store's item number is the first 7 digits (prefix and item). A product sold this way is
/// registered under the full 13-digit code with a zero price field, `2012345000001` here (the
/// check digit recomputed): [`PriceEmbedded::item_code`] gives that code from any label of the
/// item, whatever its price. A register looks a scan up by its own
/// [`lookup_key`](Barcode::lookup_key) first (a fixed-price product may be registered under a
/// whole `2X` code), then by the item code.
///
/// `None` for any other code, UPC-A ones included (they never start with 20-29 once padded).
pub fn price_embedded(code: &Barcode) -> Option<PriceEmbedded> {
    if code.symbology() != Symbology::Ean13 || !code.0.starts_with('2') {
        return None;
    }
    let item = code.0.get(..7)?.to_string();
    let price_cents = code.0.get(7..12)?.parse().ok()?;
    Some(PriceEmbedded { item, price_cents })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bc(s: &str) -> Barcode {
        parse_barcode(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn real_codes_and_their_symbologies() {
        for (code, sym) in [
            ("4006381333931", Symbology::Ean13),
            ("5901234123457", Symbology::Ean13),
            ("96385074", Symbology::Ean8),
            ("036000291452", Symbology::UpcA),
            ("ABC-123/x", Symbology::Other),
            ("12345678901234", Symbology::Other),
            ("1", Symbology::Other),
        ] {
            let b = bc(code);
            assert_eq!((b.as_str(), b.symbology()), (code, sym));
            assert_eq!(b.to_string(), code);
            assert_eq!(code.parse::<Barcode>().as_ref(), Ok(&b));
        }
        assert_eq!(Symbology::UpcA.to_string(), "UPC-A");
    }

    #[test]
    fn a_wrong_check_digit_names_the_right_one() {
        assert_eq!(
            parse_barcode("4006381333932"),
            Err(BarcodeError::BadCheckDigit { code: "4006381333932".into(), expected: 1 })
        );
        assert_eq!(
            parse_barcode("4006381333932").map_err(|e| e.to_string()),
            Err("'4006381333932' has a bad check digit: the last digit should be 1".into())
        );
        assert!(matches!(parse_barcode("96385075"), Err(BarcodeError::BadCheckDigit { expected: 4, .. })));
        assert!(matches!(parse_barcode("036000291450"), Err(BarcodeError::BadCheckDigit { expected: 2, .. })));
    }

    #[test]
    fn other_codes_are_printable_ascii_without_spaces() {
        assert_eq!(bc(&"Z".repeat(48)).symbology(), Symbology::Other);
        for bad in ["", "AB 12", " 4006381333931", "4006381333931\n", "café", "a\u{200b}b", &"Z".repeat(49), "\t"] {
            assert_eq!(parse_barcode(bad), Err(BarcodeError::BadBarcode(bad.to_string())), "{bad:?}");
        }
        let shown = parse_barcode("a\u{1b}b").map_err(|e| e.to_string());
        assert_eq!(
            shown,
            Err("'a\\u{1b}b' is not a barcode: use 1-48 printable ASCII characters without spaces".into())
        );
    }

    #[test]
    fn upc_a_and_ean_13_are_one_code() {
        let upc = bc("036000291452");
        let ean = bc("0036000291452");
        assert_ne!(upc, ean, "kept as given");
        assert_eq!(upc.lookup_key(), ean.lookup_key());
        assert_eq!(upc.lookup_key().as_str(), "0036000291452");
        assert_eq!(upc.lookup_key().symbology(), Symbology::Ean13);
        assert_eq!(bc("96385074").lookup_key().as_str(), "0000096385074");
        assert_eq!(bc("0000096385074").lookup_key(), bc("96385074").lookup_key());
        assert_eq!(bc("ABC-1").lookup_key().as_str(), "ABC-1");
        for code in ["036000291452", "96385074", "4006381333931", "ABC-1"] {
            let key = bc(code).lookup_key();
            assert_eq!(key.lookup_key(), key, "{code}: a key is its own key");
            assert_eq!(parse_barcode(key.as_str()).as_ref(), Ok(&key), "{code}: a key is a valid barcode");
        }
    }

    #[test]
    fn serde_validates() {
        let b = bc("5901234123457");
        let json = serde_json::to_string(&b).unwrap_or_default();
        assert_eq!(json, "\"5901234123457\"");
        assert_eq!(serde_json::from_str::<Barcode>(&json).ok(), Some(b));
        for bad in ["\"5901234123458\"", "\"a b\"", "\"\"", "12"] {
            assert!(serde_json::from_str::<Barcode>(bad).is_err(), "{bad}");
        }
        let why = serde_json::from_str::<Barcode>("\"5901234123458\"").map_err(|e| e.to_string());
        assert!(why.is_err_and(|e| e.contains("the last digit should be 7")));
    }

    #[test]
    fn price_embedded_codes() {
        // 20 + item 12345 + 12.34 + check digit 9.
        let p = price_embedded(&bc("2012345012349")).unwrap_or_else(|| panic!("a price-embedded code"));
        assert_eq!((p.item(), p.price_cents(), p.price()), ("2012345", 1234, Cents(1234)));
        assert_eq!(p.item_code(), bc("2012345000001"));
        // Every label of the item leads to the same registered code.
        let q = price_embedded(&bc("2012345999992")).unwrap_or_else(|| panic!("a price-embedded code"));
        assert_eq!((q.price_cents(), q.item_code()), (99999, p.item_code()));
        // The registered code itself reads as price zero and is its own item code.
        let z = price_embedded(&bc("2012345000001")).unwrap_or_else(|| panic!("a price-embedded code"));
        assert_eq!((z.price_cents(), z.item_code()), (0, bc("2012345000001")));
        assert_eq!(price_embedded(&bc("2912345000004")).map(|p| p.item().to_string()), Some("2912345".into()));
        for not in ["4006381333931", "3012345000000", "96385074", "212345000007", "20123450123", "2012345ABCDE"] {
            assert_eq!(price_embedded(&bc(not)), None, "{not}");
        }
    }

    /// `n` random digits and their check digit: a valid EAN-13 for 12, UPC-A for 11.
    fn gtin(n: usize) -> impl Strategy<Value = String> {
        proptest::collection::vec(0u8..10, n).prop_map(|d| {
            let data: String = d.iter().map(|x| char::from(b'0' + x)).collect();
            let check = gs1_check_digit(&data).unwrap_or(0);
            format!("{data}{check}")
        })
    }

    proptest! {
        #[test]
        fn every_single_digit_error_in_an_ean13_is_refused(code in gtin(12), at in 0usize..13, by in 1u8..10) {
            prop_assert!(parse_barcode(&code).is_ok());
            let mut bytes = code.clone().into_bytes();
            bytes[at] = b'0' + (bytes[at] - b'0' + by) % 10;
            let changed = String::from_utf8(bytes).unwrap_or_default();
            let refused = matches!(parse_barcode(&changed), Err(BarcodeError::BadCheckDigit { .. }));
            prop_assert!(refused, "{} accepted", changed);
        }

        #[test]
        fn a_upc_a_keys_like_its_ean13(code in gtin(11)) {
            let upc = bc(&code);
            let ean = bc(&format!("0{code}"));
            prop_assert_eq!(upc.symbology(), Symbology::UpcA);
            prop_assert_eq!(upc.lookup_key(), ean.lookup_key());
        }

        #[test]
        fn printable_text_round_trips_or_is_refused(s in prop_oneof!["[ -~]{0,50}", "[0-9]{7,14}", "\\PC{0,60}"]) {
            match parse_barcode(&s) {
                Ok(b) => prop_assert_eq!(b.as_str(), s.as_str()),
                Err(BarcodeError::BadBarcode(t)) => prop_assert_eq!(t, s),
                Err(BarcodeError::BadCheckDigit { code, expected }) => {
                    prop_assert!(Symbology::of(&code) != Symbology::Other);
                    prop_assert!(expected < 10);
                }
            }
        }
    }
}
