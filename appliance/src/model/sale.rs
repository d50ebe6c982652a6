//! The counter's order model: discounts, tax in or on top of shelf prices, a breakdown per tax
//! rate, and tenders with change. Pure integer arithmetic, so every register computes the same
//! cents (the rules are written down in docs/DATA.md, "Money").
//!
//! The rounding rule: **tax per line, half away from zero, to the cent.** Every line carries its
//! own tax, the order's tax is the sum of its lines', and the breakdown per rate is the sum of the
//! lines at that rate. A return refunds a line pro rata from that line's own figures, so a line
//! returned unit by unit gives back exactly what it took, tax included, and reports that add lines,
//! orders or rates always agree. (Tax per rate per order can differ from the sum of the lines by a
//! cent, and then a return would have to choose which line gets the cent.)

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{Cents, EventId, MAX_AMOUNT_CENTS, ModelError, RateBp, Sku, mul_div_round, quote};

/// Longest tender name (cash, card, voucher, account…).
pub const MAX_TENDER_NAME: usize = 24;

/// A discount as typed: a percentage (in basis points: 10 % is 1000) or an amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Discount {
    /// Hundredths of a percent off, 1..=10000.
    Percent(u32),
    /// An amount off.
    Amount(Cents),
}

impl Discount {
    /// What this discount takes off `base` cents: a percentage rounded half away from zero, an
    /// amount as given. Refused if it is more than `base` (a discount never makes money owed).
    pub fn off(self, base: i64) -> Result<i64, SaleError> {
        let off = match self {
            Discount::Percent(bp) => mul_div_round(base, i64::from(bp), 10_000),
            Discount::Amount(c) => c.0,
        };
        if off > base {
            return Err(SaleError::DiscountOverAmount { discount: self, amount: Cents(base), minor: 2 });
        }
        Ok(off)
    }
}

impl fmt::Display for Discount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.show(2))
    }
}

impl Discount {
    /// `10%`, or the amount with `minor` decimals (`1.00`, `100` yen).
    pub fn show(self, minor: u8) -> String {
        match self {
            Discount::Percent(bp) => format!("{}%", RateBp(bp).to_string().trim_end_matches('%')),
            Discount::Amount(c) => c.show(minor),
        }
    }
}

impl FromStr for Discount {
    type Err = ModelError;
    /// `10%` or `12.5%` (above 0, at most 100), or an amount such as `1.00`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Discount::parse_in(s, 2)
    }
}

impl Discount {
    /// `10%` or `12.5%` (above 0, at most 100), or an amount in a currency with `minor`
    /// decimals (`100` yen, `1.00` euros, `0.500` dinars).
    pub fn parse_in(s: &str, minor: u8) -> Result<Discount, ModelError> {
        let t = s.trim();
        if let Some(p) = t.strip_suffix('%') {
            let bp: RateBp = p.parse().map_err(|_| ModelError::BadDiscount(s.to_string()))?;
            if bp.0 == 0 {
                return Err(ModelError::BadDiscount(s.to_string()));
            }
            return Ok(Discount::Percent(bp.0));
        }
        match Cents::parse_in(t, minor) {
            Ok(c) if c.0 > 0 => Ok(Discount::Amount(c)),
            _ => Err(ModelError::BadDiscount(s.to_string())),
        }
    }
}

/// Why a cart cannot be priced or paid as asked.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SaleError {
    /// A discount larger than what it applies to.
    #[error("a discount of {} is more than the {} it applies to", .discount.show(*.minor), .amount.show(*.minor))]
    DiscountOverAmount {
        /// As asked.
        discount: Discount,
        /// What it applied to.
        amount: Cents,
        /// The currency's decimals, to write the amounts with ([`SaleError::in_currency`]).
        minor: u8,
    },
    /// Tenders that do not cover the total, or cover more than it without cash to give change from.
    #[error("the tenders add up to {} but the total is {}: {}", .paid.show(*.minor), .total.show(*.minor), missing(*.paid, *.total, *.minor))]
    TendersDoNotAddUp {
        /// Sum of the tenders.
        paid: Cents,
        /// What is due.
        total: Cents,
        /// The currency's decimals.
        minor: u8,
    },
    /// Cash handed over that is less than the cash due.
    #[error("{} tendered is less than the {} cash due", .given.show(*.minor), .due.show(*.minor))]
    TenderedTooLittle {
        /// Handed over.
        given: Cents,
        /// Cash due.
        due: Cents,
        /// The currency's decimals.
        minor: u8,
    },
    /// `--tendered` without a cash tender.
    #[error("--tendered is the cash handed over, but nothing is paid in cash")]
    TenderedWithoutCash,
    /// A tender of zero.
    #[error("a tender of {} must be more than 0.00", quote(.0))]
    EmptyTender(String),
    /// A total above the figures a register accepts.
    #[error("the order comes to more than the largest amount a register accepts")]
    TooLarge,
}

fn missing(paid: Cents, total: Cents, minor: u8) -> String {
    if paid < total {
        format!("{} is missing", Cents(total.0 - paid.0).show(minor))
    } else {
        format!("{} too much", Cents(paid.0 - total.0).show(minor))
    }
}

impl SaleError {
    /// The same refusal, its amounts written with `minor` decimals (the store's currency): the
    /// pricing rules know no currency, the register that asked them does.
    pub fn in_currency(mut self, decimals: u8) -> SaleError {
        if let SaleError::DiscountOverAmount { minor, .. }
        | SaleError::TendersDoNotAddUp { minor, .. }
        | SaleError::TenderedTooLittle { minor, .. } = &mut self
        {
            *minor = decimals;
        }
        self
    }
}

/// One line of a cart before pricing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CartLine {
    /// What is sold.
    pub sku: Sku,
    /// Its name now.
    pub name: String,
    /// How many.
    pub qty: u32,
    /// Shelf price of one (with tax when the store prices tax-inclusive).
    pub unit_price_cents: Cents,
    /// The tax rate that applies.
    pub tax_rate_bp: RateBp,
    /// Off this line, if any.
    pub discount: Option<Discount>,
}

/// One line of a sale as priced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleLine {
    /// What was sold.
    pub sku: Sku,
    /// Its name at the time of sale.
    pub name: String,
    /// How many.
    pub qty: u32,
    /// Shelf price of one at the time of sale (tax included if the sale says so).
    pub unit_price_cents: Cents,
    /// Tax rate applied.
    pub tax_rate_bp: RateBp,
    /// The line's own discount.
    pub discount_cents: Cents,
    /// The line's share of the order discount.
    pub order_discount_cents: Cents,
    /// What the line comes to before tax, after both discounts.
    pub net_cents: Cents,
    /// Tax on the line, rounded half away from zero.
    pub tax_cents: Cents,
}

impl SaleLine {
    /// qty × shelf price.
    pub fn gross_cents(&self) -> i64 {
        self.unit_price_cents.0.saturating_mul(i64::from(self.qty))
    }

    /// What the customer paid for the line.
    pub fn total_cents(&self) -> Cents {
        Cents(self.net_cents.0.saturating_add(self.tax_cents.0))
    }
}

/// Net and tax at one rate, over a whole order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxLine {
    /// The rate.
    pub rate_bp: RateBp,
    /// Sum of the net of the order's lines at this rate.
    pub net_cents: Cents,
    /// Sum of their tax.
    pub tax_cents: Cents,
}

/// Money given for an order: cash, card, or another tender the store added.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tender {
    /// `cash`, `card` or a store tender's name.
    pub name: String,
    /// The amount given this way (for cash: what was handed over, before change).
    pub amount_cents: Cents,
}

/// The tender that goes into the drawer.
pub const CASH: &str = "cash";
/// The card terminal.
pub const CARD: &str = "card";

/// A sale as rung at the counter: the order shape of this release ([`crate::sync::EventKind::OrderPlaced`]).
///
/// Encoded as its fields in order: the priced cart's fields sit between the number and the
/// tenders (postcard writes a nested struct's fields inline).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sale {
    /// Human number, e.g. `R1-000042`.
    pub number: String,
    /// The lines, discounts, tax mode, totals and tax per rate.
    pub priced: Priced,
    /// How it was paid, in the order given.
    pub tenders: Vec<Tender>,
    /// Cash given back.
    pub change_cents: Cents,
    /// Who rang it.
    pub cashier: Option<String>,
    /// The manager who approved something on it (a discount above the limit, a price override).
    pub approved_by: Option<String>,
    /// The shift open on the ringing register, if any.
    pub shift: Option<EventId>,
}

impl Sale {
    /// Line discounts plus the order discount.
    pub fn discount_cents(&self) -> Cents {
        Cents(self.priced.lines.iter().map(|l| l.discount_cents.0 + l.order_discount_cents.0).sum())
    }

    /// Cash into the drawer: cash tendered minus change.
    pub fn cash_in_cents(&self) -> Cents {
        let cash: i64 = self.tenders.iter().filter(|t| t.name == CASH).map(|t| t.amount_cents.0).sum();
        Cents(cash - self.change_cents.0)
    }

    /// Checks that every figure follows from the lines and the tenders by the rules of this
    /// module; a peer's event that breaks one is refused.
    pub fn check(&self) -> Result<(), &'static str> {
        self.check_rounded(Cents::ZERO)
    }

    /// [`Sale::check`] for a sale whose cash part was rounded by `rounding` (the difference
    /// recorded on [`crate::sync::EventKind::OrderRounded`]): the tenders less change come to
    /// the total plus the rounding, and only a sale with cash is rounded, by less than the
    /// largest step.
    pub fn check_rounded(&self, rounding: Cents) -> Result<(), &'static str> {
        if rounding.0 != 0
            && (rounding.0.abs() >= MAX_CASH_ROUNDING_STEP || !self.tenders.iter().any(|t| t.name == CASH))
        {
            return Err("cash rounding out of range");
        }
        let amount_ok = |c: i64| (0..=MAX_AMOUNT_CENTS * 10_000).contains(&c);
        if self.priced.lines.is_empty() || self.priced.lines.len() > 500 {
            return Err("an order needs 1 to 500 lines");
        }
        let (mut sub, mut tax) = (0i64, 0i64);
        for l in &self.priced.lines {
            if !(1..=9999).contains(&l.qty)
                || !amount_ok(l.unit_price_cents.0)
                || !amount_ok(l.discount_cents.0)
                || !amount_ok(l.order_discount_cents.0)
                || l.tax_rate_bp.0 > 10_000
            {
                return Err("order line figures out of range");
            }
            let amount = l.gross_cents() - l.discount_cents.0 - l.order_discount_cents.0;
            if amount < 0
                || line_tax(amount, l.tax_rate_bp, self.priced.prices_include_tax) != (l.net_cents, l.tax_cents)
            {
                return Err("order line figures do not add up");
            }
            sub += l.net_cents.0;
            tax += l.tax_cents.0;
        }
        if (self.priced.subtotal_cents.0, self.priced.tax_cents.0, self.priced.total_cents.0) != (sub, tax, sub + tax) {
            return Err("order totals do not add up");
        }
        if self.priced.taxes != tax_breakdown(&self.priced.lines) {
            return Err("order tax breakdown does not add up");
        }
        if (self.tenders.is_empty() && self.priced.total_cents.0 != 0)
            || self.tenders.len() > 16
            || self.tenders.iter().any(|t| !amount_ok(t.amount_cents.0) || t.amount_cents.0 == 0 || t.name.is_empty())
        {
            return Err("order tenders out of range");
        }
        let paid: i64 = self.tenders.iter().map(|t| t.amount_cents.0).sum();
        let cash: i64 = self.tenders.iter().filter(|t| t.name == CASH).map(|t| t.amount_cents.0).sum();
        if self.change_cents.0 < 0
            || self.change_cents.0 > cash
            || paid - self.change_cents.0 != self.priced.total_cents.0 + rounding.0
        {
            return Err("order tenders do not add up");
        }
        Ok(())
    }
}

/// Net and tax of a line that comes to `amount` after discounts: tax on top (`amount` is the
/// net) or tax included (`amount` is what the customer pays, and the tax is taken out of it).
pub fn line_tax(amount: i64, rate: RateBp, included: bool) -> (Cents, Cents) {
    let r = i64::from(rate.0);
    if included {
        let tax = mul_div_round(amount, r, 10_000 + r);
        (Cents(amount - tax), Cents(tax))
    } else {
        (Cents(amount), Cents(mul_div_round(amount, r, 10_000)))
    }
}

/// Sums lines per tax rate, by rate ascending.
pub fn tax_breakdown(lines: &[SaleLine]) -> Vec<TaxLine> {
    let mut out: Vec<TaxLine> = Vec::new();
    for l in lines {
        match out.iter_mut().find(|t| t.rate_bp == l.tax_rate_bp) {
            Some(t) => {
                t.net_cents.0 += l.net_cents.0;
                t.tax_cents.0 += l.tax_cents.0;
            }
            None => out.push(TaxLine { rate_bp: l.tax_rate_bp, net_cents: l.net_cents, tax_cents: l.tax_cents }),
        }
    }
    out.sort_by_key(|t| t.rate_bp);
    out
}

/// A priced cart: the lines and totals of a [`Sale`], before it is paid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Priced {
    /// The priced lines.
    pub lines: Vec<SaleLine>,
    /// The order discount as typed, if any (its cents are spread over the lines).
    pub discount: Option<Discount>,
    /// Whether shelf prices included tax.
    pub prices_include_tax: bool,
    /// Sum of the lines' net.
    pub subtotal_cents: Cents,
    /// Sum of the lines' tax.
    pub tax_cents: Cents,
    /// What the customer owes: subtotal + tax.
    pub total_cents: Cents,
    /// Tax per rate, by rate ascending.
    pub taxes: Vec<TaxLine>,
}

impl Priced {
    /// The largest share of a line's or the order's shelf amount taken off by a discount, in
    /// basis points (for the store's discount limit): `off × 10000 / before`, rounded up.
    pub fn deepest_discount_bp(&self) -> u32 {
        let ratio = |off: i64, before: i64| if before <= 0 { 0 } else { ((off * 10_000 + before - 1) / before) as u32 };
        let lines = self.lines.iter().map(|l| ratio(l.discount_cents.0, l.gross_cents()));
        let after: i64 = self.lines.iter().map(|l| l.gross_cents() - l.discount_cents.0).sum();
        let order: i64 = self.lines.iter().map(|l| l.order_discount_cents.0).sum();
        lines.chain([ratio(order, after)]).max().unwrap_or(0)
    }
}

/// Prices a cart: line discounts, the order discount spread over the lines in proportion to
/// what each comes to after its own discount (cumulative rounding, so the shares add up to the
/// discount exactly and the same cart always splits the same way), then tax per line.
pub fn price_cart(
    cart: &[CartLine],
    discount: Option<Discount>,
    prices_include_tax: bool,
) -> Result<Priced, SaleError> {
    let mut after = Vec::with_capacity(cart.len());
    for c in cart {
        let gross = c.unit_price_cents.0.checked_mul(i64::from(c.qty)).ok_or(SaleError::TooLarge)?;
        let off = match c.discount {
            Some(d) => d.off(gross)?,
            None => 0,
        };
        after.push((gross, off));
    }
    let base: i64 = after.iter().map(|(g, o)| g - o).sum();
    let order_off = match discount {
        Some(d) => d.off(base)?,
        None => 0,
    };
    let mut lines = Vec::with_capacity(cart.len());
    let mut cum = 0i64;
    let share_upto = |cum: i64| if base == 0 { 0 } else { mul_div_floor(order_off, cum, base) };
    for (c, (gross, off)) in cart.iter().zip(after) {
        let amount_before = gross - off;
        let share = share_upto(cum + amount_before) - share_upto(cum);
        cum += amount_before;
        let (net, tax) = line_tax(amount_before - share, c.tax_rate_bp, prices_include_tax);
        lines.push(SaleLine {
            sku: c.sku.clone(),
            name: c.name.clone(),
            qty: c.qty,
            unit_price_cents: c.unit_price_cents,
            tax_rate_bp: c.tax_rate_bp,
            discount_cents: Cents(off),
            order_discount_cents: Cents(share),
            net_cents: net,
            tax_cents: tax,
        });
    }
    let sub: i64 = lines.iter().map(|l| l.net_cents.0).sum();
    let tax: i64 = lines.iter().map(|l| l.tax_cents.0).sum();
    if sub + tax > MAX_AMOUNT_CENTS * 10_000 {
        return Err(SaleError::TooLarge);
    }
    let taxes = tax_breakdown(&lines);
    Ok(Priced {
        lines,
        discount,
        prices_include_tax,
        subtotal_cents: Cents(sub),
        tax_cents: Cents(tax),
        total_cents: Cents(sub + tax),
        taxes,
    })
}

fn mul_div_floor(a: i64, b: i64, c: i64) -> i64 {
    i64::try_from(i128::from(a) * i128::from(b) / i128::from(c)).unwrap_or(i64::MAX)
}

/// How an order is paid, as asked: tenders with an amount, at most one without (it pays the rest),
/// and for cash what was handed over.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PayRequest {
    /// `(tender, amount)`: `None` pays whatever the others leave.
    pub tenders: Vec<(String, Option<Cents>)>,
    /// Cash handed over, when more than the cash due (change is given).
    pub tendered: Option<Cents>,
}

/// The steps cash may be rounded to, in minor units (`cash_rounding`: 0.05 as in Switzerland,
/// or 0.10); 0 rounds nothing.
pub const CASH_ROUNDING_STEPS: [i64; 3] = [0, 5, 10];

/// The largest step: a recorded rounding is always smaller than it.
pub const MAX_CASH_ROUNDING_STEP: i64 = 10;

/// What rounding `due` to the nearest multiple of `step` adds (negative: taken off). Half up:
/// a remainder of at least half a step goes up (12.52 → 12.50, 12.53 → 12.55, 12.55 with a
/// step of 10 → 12.60), as the Swiss rule for 0.05 does (0.025 and up rounds up). A positive
/// amount never rounds to nothing: below one step it goes up to the step. `step` 0 or 1: 0.
pub fn cash_rounding(due: i64, step: i64) -> i64 {
    if step <= 1 || due <= 0 {
        return 0;
    }
    let r = due.rem_euclid(step);
    let to = if r * 2 >= step { due - r + step } else { due - r };
    if to == 0 { step - due } else { to - due }
}

/// Settles the tenders against a total: fills in the one without an amount, checks they add up,
/// rounds the cash part to `step` minor units ([`cash_rounding`]; other tenders never), and
/// works out the change from cash handed over. Returns the tenders as recorded (cash at what
/// was handed over), the change and the rounding: the tenders less the change come to the total
/// plus the rounding.
pub fn settle_tenders(total: Cents, pay: &PayRequest, step: i64) -> Result<(Vec<Tender>, Cents, Cents), SaleError> {
    // A sale discounted to nothing is paid by nothing.
    if total.0 == 0 && pay.tenders.iter().all(|(_, a)| a.is_none_or(|a| a.0 == 0)) {
        return Ok((Vec::new(), Cents::ZERO, Cents::ZERO));
    }
    let open = pay.tenders.iter().filter(|(_, a)| a.is_none()).count();
    let given: i64 = pay.tenders.iter().filter_map(|(_, a)| a.map(|c| c.0)).sum();
    if open > 1 {
        return Err(SaleError::TendersDoNotAddUp { paid: Cents(given), total, minor: 2 });
    }
    let mut tenders = Vec::with_capacity(pay.tenders.len());
    for (name, amount) in &pay.tenders {
        let amount = amount.unwrap_or(Cents(total.0 - given));
        if amount.0 <= 0 {
            return Err(SaleError::EmptyTender(name.clone()));
        }
        tenders.push(Tender { name: name.clone(), amount_cents: amount });
    }
    let paid: i64 = tenders.iter().map(|t| t.amount_cents.0).sum();
    if paid != total.0 {
        return Err(SaleError::TendersDoNotAddUp { paid: Cents(paid), total, minor: 2 });
    }
    // Round the cash part: the first cash tender takes the difference.
    let cash_exact: i64 = tenders.iter().filter(|t| t.name == CASH).map(|t| t.amount_cents.0).sum();
    let rounding = cash_rounding(cash_exact, step);
    if let Some(t) = tenders.iter_mut().find(|t| t.name == CASH) {
        t.amount_cents.0 += rounding;
        if t.amount_cents.0 <= 0 {
            return Err(SaleError::EmptyTender(CASH.into()));
        }
    }
    let Some(handed) = pay.tendered else { return Ok((tenders, Cents::ZERO, Cents(rounding))) };
    let cash_due = cash_exact + rounding;
    if !tenders.iter().any(|t| t.name == CASH) {
        return Err(SaleError::TenderedWithoutCash);
    }
    if handed.0 < cash_due {
        return Err(SaleError::TenderedTooLittle { given: handed, due: Cents(cash_due), minor: 2 });
    }
    // Record cash at what was handed over: the drawer takes the notes and gives the change.
    let change = handed.0 - cash_due;
    let mut extra = change;
    for t in tenders.iter_mut().filter(|t| t.name == CASH) {
        t.amount_cents.0 += extra;
        extra = 0;
    }
    Ok((tenders, Cents(change), Cents(rounding)))
}

/// Checks a tender's name as typed: lower-case letters, digits, `-` and `_`, 1 to
/// [`MAX_TENDER_NAME`] characters.
pub fn validate_tender(name: &str) -> Result<String, ModelError> {
    let t = name.trim().to_ascii_lowercase();
    let ok = !t.is_empty()
        && t.len() <= MAX_TENDER_NAME
        && t.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok { Ok(t) } else { Err(ModelError::BadTender(name.to_string())) }
}

/// Goods brought back, refunded by a chosen tender: the return shape of this release
/// ([`crate::sync::EventKind::Refunded`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    /// The order they were bought in.
    pub order: EventId,
    /// That order's human number.
    pub order_number: String,
    /// What came back, each line refunded pro rata of what the order charged for it.
    pub lines: Vec<super::ReturnLine>,
    /// Whether the goods go back on the shelf.
    pub restock: bool,
    /// Total refunded.
    pub refund_cents: Cents,
    /// How the money went back (cash out of the drawer, card, voucher…).
    pub tender: String,
    /// Who took the goods back.
    pub cashier: Option<String>,
    /// The manager who approved it.
    pub approved_by: Option<String>,
    /// The shift open on the register that took it, if any.
    pub shift: Option<EventId>,
}

#[cfg(test)]
#[path = "sale_tests.rs"]
mod tests;
