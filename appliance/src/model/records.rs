//! Records that registers share: the payloads of events and the rows people see.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{Cents, Payment, RateBp, Role, Sku, mul_div_round};

/// A register's identity, random and made the first time its database is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RegisterId(pub [u8; 16]);

impl RegisterId {
    /// Makes a fresh random id from the operating system's generator.
    pub fn random() -> Result<Self, getrandom::Error> {
        let mut b = [0u8; 16];
        getrandom::fill(&mut b)?;
        Ok(RegisterId(b))
    }

    /// The first four bytes in hex: enough to tell registers apart in a listing.
    pub fn short(&self) -> String {
        hex(&self.0[..4])
    }
}

/// Lower-case hex of some bytes.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Parses lower- or upper-case hex into exactly `N` bytes.
pub fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    if s.len() != N * 2 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

impl fmt::Display for RegisterId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex(&self.0))
    }
}

impl FromStr for RegisterId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        unhex::<16>(s).map(RegisterId).ok_or_else(|| format!("{} is not a register id", super::quote(s)))
    }
}

/// The id of an event, and of the immutable record (order, return, shift) that event created:
/// the register it came from and that register's sequence number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EventId {
    /// The register that made the event.
    pub origin: RegisterId,
    /// 1, 2, 3… per origin, without gaps.
    pub seq: u64,
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.origin, self.seq)
    }
}

impl FromStr for EventId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (o, q) = s.split_once(':').ok_or_else(|| format!("{} is not an id", super::quote(s)))?;
        Ok(EventId { origin: o.parse()?, seq: q.parse().map_err(|_| format!("{} is not an id", super::quote(s)))? })
    }
}

/// A product as registers share it (last write wins per SKU).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    /// The key.
    pub sku: Sku,
    /// What the receipt and screen show.
    pub name: String,
    /// Unit price before tax.
    pub price_cents: Cents,
    /// Name of the tax profile that applies, if any.
    pub tax_profile: Option<String>,
}

/// A named tax rate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxProfile {
    /// The key, e.g. "standard".
    pub name: String,
    /// The rate.
    pub rate_bp: RateBp,
}

/// A person who works the register.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// The key.
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// Argon2 PHC string of their PIN; the PIN itself is never stored.
    pub pin_hash: String,
    /// False once removed.
    pub active: bool,
}

/// One line of an order as priced at the moment of sale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    /// What was sold.
    pub sku: Sku,
    /// Its name at the time of sale.
    pub name: String,
    /// How many.
    pub qty: u32,
    /// Unit price at the time of sale.
    pub unit_price_cents: Cents,
    /// Tax rate applied.
    pub tax_rate_bp: RateBp,
    /// qty × unit price.
    pub subtotal_cents: Cents,
    /// Tax on this line, rounded half away from zero.
    pub tax_cents: Cents,
}

impl OrderLine {
    /// What the customer paid for this line.
    pub fn total_cents(&self) -> Cents {
        Cents(self.subtotal_cents.0 + self.tax_cents.0)
    }
}

/// A completed sale. Immutable once made; voided by a separate event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// Human number, e.g. `R1-000042`: register name and that register's counter.
    pub number: String,
    /// What was sold.
    pub lines: Vec<OrderLine>,
    /// Sum of line subtotals.
    pub subtotal_cents: Cents,
    /// Sum of line taxes.
    pub tax_cents: Cents,
    /// What the customer paid.
    pub total_cents: Cents,
    /// Cash or card.
    pub payment: Payment,
    /// Who rang it, if known.
    pub cashier: Option<String>,
    /// The shift open on the ringing register at the time, if any.
    pub shift: Option<EventId>,
}

/// Prices a cart: line subtotals, per-line tax and totals, in integer cents.
pub fn price_order(items: &[(Product, RateBp, u32)]) -> (Vec<OrderLine>, Cents, Cents, Cents) {
    let lines: Vec<OrderLine> = items
        .iter()
        .map(|(p, rate, qty)| {
            let subtotal = p.price_cents.0 * i64::from(*qty);
            OrderLine {
                sku: p.sku.clone(),
                name: p.name.clone(),
                qty: *qty,
                unit_price_cents: p.price_cents,
                tax_rate_bp: *rate,
                subtotal_cents: Cents(subtotal),
                tax_cents: Cents(mul_div_round(subtotal, i64::from(rate.0), 10_000)),
            }
        })
        .collect();
    let sub: i64 = lines.iter().map(|l| l.subtotal_cents.0).sum();
    let tax: i64 = lines.iter().map(|l| l.tax_cents.0).sum();
    (lines, Cents(sub), Cents(tax), Cents(sub + tax))
}

/// Refund for returning `qty` more units of a line of which `already` were returned before.
///
/// Cumulative rounding: returning every unit one by one refunds exactly the line's total.
pub fn refund_for(line: &OrderLine, already: u32, qty: u32) -> Cents {
    let total = line.total_cents().0;
    let q = i64::from(line.qty.max(1));
    let upto = |n: u32| total * i64::from(n) / q;
    Cents(upto(already + qty) - upto(already))
}

/// One line of a return.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnLine {
    /// What came back.
    pub sku: Sku,
    /// How many.
    pub qty: u32,
    /// Money given back for them, tax included.
    pub refund_cents: Cents,
}

/// Goods brought back from an earlier order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Return {
    /// The order they were bought in.
    pub order: EventId,
    /// That order's human number, for receipts.
    pub order_number: String,
    /// What came back.
    pub lines: Vec<ReturnLine>,
    /// Whether the goods go back on the shelf (stock rises) or not (damaged).
    pub restock: bool,
    /// Total refunded.
    pub refund_cents: Cents,
    /// Paid back the way the order was paid.
    pub payment: Payment,
    /// The shift open on the register that took the return, if any.
    pub shift: Option<EventId>,
}

/// Why stock changed by a delta rather than a count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AdjustReason {
    /// Goods delivered.
    Received,
    /// Goods broken, spoiled or lost.
    Damaged,
}

impl AdjustReason {
    /// The reason's name as stored and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            AdjustReason::Received => "received",
            AdjustReason::Damaged => "damaged",
        }
    }
}

/// A product with the details of this release: its category and barcodes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Name, price and tax, as older releases know a product.
    pub product: Product,
    /// The category it is listed under on the sale screen, if any.
    pub category: Option<String>,
    /// Its barcodes as scanned (validated by [`super::parse_barcode`]), at most 16.
    pub barcodes: Vec<String>,
}

impl Item {
    /// The rules a peer's item must follow.
    pub fn check(&self) -> Result<(), &'static str> {
        if self.category.as_ref().is_some_and(|c| c.is_empty() || c.len() > 128 || c.chars().any(char::is_control)) {
            return Err("category out of range");
        }
        if self.barcodes.len() > 16 || self.barcodes.iter().any(|b| super::parse_barcode(b).is_err()) {
            return Err("barcodes out of range");
        }
        Ok(())
    }
}

/// A tender the store accepts besides cash and card (voucher, account…).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderRecord {
    /// Its name, lower case.
    pub name: String,
    /// False once taken away.
    pub active: bool,
}
