//! The business day at one register: cash put in or taken out of the drawer, the drawer opened
//! without a sale, and the Z report that closes the day.
//!
//! A Z report covers this register's own events since its previous Z (by sequence number), so
//! every register agrees on what belongs to which Z whatever order events arrive in, and what is
//! rung after a Z belongs to the next one. Its figures are frozen in its event: the closing
//! register computed them from what it had made and knew (docs/DATA.md, "The business day").

use serde::{Deserialize, Serialize};

use super::{Cents, EventId, MAX_AMOUNT_CENTS};

/// Longest reason for a cash movement or a drawer opening.
pub const MAX_REASON: usize = 80;

/// Which way cash moved outside a sale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CashKind {
    /// Cash put into the drawer (change from the bank).
    PaidIn,
    /// Cash paid out of the drawer (the window cleaner, stamps).
    PaidOut,
    /// Cash taken from the drawer to the safe during the day.
    Drop,
}

impl CashKind {
    /// `paid_in`, `paid_out`, `drop`.
    pub fn as_str(self) -> &'static str {
        match self {
            CashKind::PaidIn => "paid_in",
            CashKind::PaidOut => "paid_out",
            CashKind::Drop => "drop",
        }
    }

    /// What it does to the cash in the drawer: +1 or −1.
    pub fn sign(self) -> i64 {
        match self {
            CashKind::PaidIn => 1,
            CashKind::PaidOut | CashKind::Drop => -1,
        }
    }
}

/// Cash in or out of the drawer outside a sale; the event id is its id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashMove {
    /// In, out, or a drop to the safe.
    pub kind: CashKind,
    /// How much (positive).
    pub amount_cents: Cents,
    /// Why, in the cashier's words.
    pub reason: String,
    /// Who.
    pub cashier: Option<String>,
    /// The shift open on the register, if any.
    pub shift: Option<EventId>,
}

/// The drawer opened without a sale ("no sale"), approved by a manager. Openings for a sale, a
/// cash refund or a cash movement are recorded by that event itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawerOpening {
    /// Why.
    pub reason: String,
    /// Who asked.
    pub cashier: Option<String>,
    /// The manager who approved it.
    pub approved_by: Option<String>,
}

/// A count and an amount.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// How many.
    pub count: u64,
    /// How much.
    pub cents: Cents,
}

impl Tally {
    /// Adds one of `cents`.
    pub fn add(&mut self, cents: i64) {
        self.count += 1;
        self.cents = Cents(self.cents.0 + cents);
    }
}

/// One tender's money over a period: taken on sales (cash net of change), given back on voided
/// sales, and refunded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderTotal {
    /// The tender's name.
    pub name: String,
    /// Taken on the period's sales (cash: tendered less change).
    pub sales_cents: Cents,
    /// Given back because a sale was voided.
    pub voided_cents: Cents,
    /// Paid out on returns.
    pub refunded_cents: Cents,
}

impl TenderTotal {
    /// What the tender brought in: sales less voids less refunds.
    pub fn net_cents(&self) -> Cents {
        Cents(self.sales_cents.0 - self.voided_cents.0 - self.refunded_cents.0)
    }
}

/// Net and tax at one rate over a period's sales, less its voided sales.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateTotal {
    /// Rate in basis points.
    pub rate_bp: u32,
    /// Net (before tax).
    pub net_cents: Cents,
    /// Tax.
    pub tax_cents: Cents,
}

/// Sales of one category or one cashier over a period (voided sales left out).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupTotal {
    /// The category (`(none)` for products without one) or the cashier (`(nobody)`).
    pub name: String,
    /// Items (category) or orders (cashier).
    pub count: u64,
    /// Total with tax.
    pub cents: Cents,
}

/// The figures of a period at one register: what an X report shows and a Z report freezes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayTotals {
    /// Orders rung, and their totals with tax.
    pub sales: Tally,
    /// Line and order discounts on those orders.
    pub discounts_cents: Cents,
    /// Voids made here, and the totals of the orders they voided.
    pub voids: Tally,
    /// Returns taken here, and their refunds.
    pub refunds: Tally,
    /// Cash put in.
    pub paid_in: Tally,
    /// Cash paid out.
    pub paid_out: Tally,
    /// Cash taken to the safe.
    pub drops: Tally,
    /// Drawer openings without a sale.
    pub no_sales: u64,
    /// Floats of the shifts opened in the period.
    pub floats_cents: Cents,
    /// Per tender, by name.
    pub tenders: Vec<TenderTotal>,
    /// Per tax rate, by rate.
    pub taxes: Vec<RateTotal>,
    /// Per category, by name.
    pub categories: Vec<GroupTotal>,
    /// Per cashier, by name.
    pub cashiers: Vec<GroupTotal>,
}

impl DayTotals {
    /// Sales less voids less refunds.
    pub fn net_cents(&self) -> Cents {
        Cents(self.sales.cents.0 - self.voids.cents.0 - self.refunds.cents.0)
    }

    /// What rounding the cash due on sales added (negative: took off), less that of the voided
    /// ones and that of the cash refunds paid out: the tenders' net less the net sales. Not a
    /// field of the Z's frozen figures (their layout is fixed, docs/DATA.md), but exact from them:
    /// a sale's tenders less its change come to its total plus its recorded rounding, a refund's
    /// tender paid out its refund plus its rounding, and nothing else differs.
    pub fn cash_rounding_cents(&self) -> Cents {
        let tenders: i64 = self.tenders.iter().map(|t| t.net_cents().0).sum();
        Cents(tenders - self.net_cents().0)
    }

    /// Cash that should be in the drawer: floats, cash taken net of change, less cash given back
    /// on voids and refunds, plus paid in, less paid out and drops.
    pub fn expected_cash_cents(&self) -> Cents {
        let cash = self.tenders.iter().find(|t| t.name == super::CASH).map_or(0, |t| t.net_cents().0);
        Cents(self.floats_cents.0 + cash + self.paid_in.cents.0 - self.paid_out.cents.0 - self.drops.cents.0)
    }

    /// Adds another period's figures (a store report sums its registers' Zs).
    pub fn absorb(&mut self, o: &DayTotals) {
        let add = |a: &mut Tally, b: &Tally| {
            a.count += b.count;
            a.cents = Cents(a.cents.0 + b.cents.0);
        };
        add(&mut self.sales, &o.sales);
        add(&mut self.voids, &o.voids);
        add(&mut self.refunds, &o.refunds);
        add(&mut self.paid_in, &o.paid_in);
        add(&mut self.paid_out, &o.paid_out);
        add(&mut self.drops, &o.drops);
        self.discounts_cents = Cents(self.discounts_cents.0 + o.discounts_cents.0);
        self.no_sales += o.no_sales;
        self.floats_cents = Cents(self.floats_cents.0 + o.floats_cents.0);
        for t in &o.tenders {
            let mine = entry(
                &mut self.tenders,
                |x| x.name == t.name,
                || TenderTotal { name: t.name.clone(), ..Default::default() },
            );
            mine.sales_cents = Cents(mine.sales_cents.0 + t.sales_cents.0);
            mine.voided_cents = Cents(mine.voided_cents.0 + t.voided_cents.0);
            mine.refunded_cents = Cents(mine.refunded_cents.0 + t.refunded_cents.0);
        }
        for r in &o.taxes {
            let mine = entry(
                &mut self.taxes,
                |x| x.rate_bp == r.rate_bp,
                || RateTotal { rate_bp: r.rate_bp, ..Default::default() },
            );
            mine.net_cents = Cents(mine.net_cents.0 + r.net_cents.0);
            mine.tax_cents = Cents(mine.tax_cents.0 + r.tax_cents.0);
        }
        for (mine_list, theirs) in [(&mut self.categories, &o.categories), (&mut self.cashiers, &o.cashiers)] {
            for g in theirs {
                let mine = entry(
                    mine_list,
                    |x| x.name == g.name,
                    || GroupTotal { name: g.name.clone(), ..Default::default() },
                );
                mine.count += g.count;
                mine.cents = Cents(mine.cents.0 + g.cents.0);
            }
        }
        self.tenders.sort_by(|a, b| a.name.cmp(&b.name));
        self.taxes.sort_by_key(|t| t.rate_bp);
        self.categories.sort_by(|a, b| a.name.cmp(&b.name));
        self.cashiers.sort_by(|a, b| a.name.cmp(&b.name));
    }

    fn check(&self) -> bool {
        let ok = |c: Cents| c.0.unsigned_abs() <= (MAX_AMOUNT_CENTS as u64) * 1_000_000_000;
        [self.sales.cents, self.voids.cents, self.refunds.cents, self.paid_in.cents, self.paid_out.cents]
            .into_iter()
            .chain([self.drops.cents, self.discounts_cents, self.floats_cents])
            .all(ok)
            && self.tenders.len() <= 64
            && self.taxes.len() <= 64
            && self.categories.len() <= 10_000
            && self.cashiers.len() <= 10_000
            && self.tenders.iter().all(|t| t.name.len() <= 24)
            && self.categories.iter().chain(&self.cashiers).all(|g| g.name.len() <= 128)
    }
}

fn entry<T>(list: &mut Vec<T>, is: impl Fn(&T) -> bool, new: impl FnOnce() -> T) -> &mut T {
    let i = match list.iter().position(is) {
        Some(i) => i,
        None => {
            list.push(new());
            list.len() - 1
        }
    };
    &mut list[i]
}

/// A Z report: closes the business day on one register. The event id is its id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZReport {
    /// 1, 2, 3… per register, without gaps.
    pub number: u64,
    /// The business day it closes, `YYYY-MM-DD`.
    pub date: String,
    /// The register's sequence number of its previous Z (0 for the first): this Z covers the
    /// register's events after it, up to this one.
    pub after_seq: u64,
    /// When the period's first event happened (ms since the epoch; the Z's own time if none).
    pub opened_ms: u64,
    /// The period's figures.
    pub totals: DayTotals,
    /// Cash counted in the drawer, if it was counted.
    pub counted_cash_cents: Option<Cents>,
    /// Net sales since the register was installed, this Z included: never resets.
    pub grand_total_cents: Cents,
    /// Who closed the day.
    pub closed_by: Option<String>,
}

impl ZReport {
    /// Counted less expected cash, when counted.
    pub fn difference_cents(&self) -> Option<Cents> {
        self.counted_cash_cents.map(|c| Cents(c.0 - self.totals.expected_cash_cents().0))
    }

    /// Checks ranges and shapes, so a hostile peer cannot plant impossible figures.
    pub fn check(&self) -> Result<(), &'static str> {
        if self.number == 0 || self.number > i64::MAX as u64 || self.after_seq > i64::MAX as u64 {
            return Err("Z number out of range");
        }
        if !is_date(&self.date) {
            return Err("Z date is not YYYY-MM-DD");
        }
        if !self.totals.check()
            || self.counted_cash_cents.is_some_and(|c| !(0..=MAX_AMOUNT_CENTS * 10_000).contains(&c.0))
        {
            return Err("Z figures out of range");
        }
        if self.closed_by.as_ref().is_some_and(|b| b.is_empty() || b.len() > 128) {
            return Err("Z names out of range");
        }
        Ok(())
    }
}

/// Whether a cash movement or drawer opening reads right.
pub fn check_reason(reason: &str) -> bool {
    !reason.trim().is_empty() && reason.len() <= MAX_REASON && !reason.chars().any(char::is_control)
}

/// `YYYY-MM-DD` with a plausible month and day.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<u32>().ok());
    matches!((num(0..4), num(5..7), num(8..10)), (Some(1970..=9999), Some(1..=12), Some(1..=31)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_cash_follows_the_drawer() {
        let mut t = DayTotals { floats_cents: Cents(10_000), ..Default::default() };
        t.tenders.push(TenderTotal {
            name: "cash".into(),
            sales_cents: Cents(5_000),
            voided_cents: Cents(1_000),
            refunded_cents: Cents(500),
        });
        t.tenders.push(TenderTotal { name: "card".into(), sales_cents: Cents(9_999), ..Default::default() });
        t.paid_in.add(300);
        t.paid_out.add(200);
        t.drops.add(4_000);
        assert_eq!(t.expected_cash_cents(), Cents(10_000 + 3_500 + 300 - 200 - 4_000));
        let mut sum = DayTotals::default();
        sum.absorb(&t);
        sum.absorb(&t);
        assert_eq!(sum.expected_cash_cents().0, 2 * t.expected_cash_cents().0);
        assert_eq!(sum.tenders.len(), 2);
    }

    #[test]
    fn dates() {
        assert!(is_date("2026-12-04"));
        for bad in ["2026-13-01", "2026-1-01", "26-12-04", "2026-12-00", "2026/12/04", ""] {
            assert!(!is_date(bad), "{bad}");
        }
    }
}
