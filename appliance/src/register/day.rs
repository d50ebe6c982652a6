//! The business day at the counter: cash paid in and out, drops to the safe, the drawer opened
//! without a sale, and the X and Z reports (docs/DATA.md, "The business day").

use super::counter::known_user;
use super::{Approval, Register, RegisterError, Result, append, now_in, print_after};
use crate::model::{CashKind, CashMove, Cents, DrawerOpening, ZReport, check_reason, is_date};
use crate::store::JobKind;
use crate::store::{Period, ZRow, date_of};
use crate::sync::EventKind;

/// What an X report shows: the current period at this register so far.
#[derive(Clone, Debug, serde::Serialize, PartialEq, Eq)]
pub struct XReport {
    /// The register's id.
    pub register: String,
    /// The number the next Z will get.
    pub next_z: u64,
    /// The business day a Z now would close.
    pub date: String,
    /// The figures so far.
    pub totals: crate::model::DayTotals,
    /// Net sales so far.
    pub net_cents: i64,
    /// The cash rounding of the sales so far less that of the voids (docs/LOCALE.md).
    pub cash_rounding_cents: i64,
    /// Cash that should be in the drawer.
    pub expected_cash_cents: i64,
    /// The grand total since installation, this period included.
    pub grand_total_cents: i64,
}

fn reason(r: &str) -> Result<String> {
    let r = r.trim();
    if check_reason(r) {
        Ok(r.to_string())
    } else {
        Err(RegisterError::Invalid(format!(
            "a reason of 1 to {} printable characters is needed",
            crate::model::MAX_REASON
        )))
    }
}

impl Register {
    /// Records cash put in, paid out or dropped to the safe (the drawer opens for it).
    pub fn move_cash(&mut self, kind: CashKind, amount: Cents, why: &str, cashier: Option<&str>) -> Result<String> {
        if amount.0 <= 0 || amount.0 > crate::model::MAX_AMOUNT_CENTS {
            return Err(RegisterError::Invalid("the amount must be more than 0.00".into()));
        }
        let why = reason(why)?;
        self.store.write(|tx| {
            known_user(tx, cashier)?;
            let shift = tx.reader().open_shift(tx.register_id())?.map(|(id, _)| id);
            let m = CashMove { kind, amount_cents: amount, reason: why, cashier: cashier.map(str::to_string), shift };
            let id = append(tx, EventKind::CashMoved(m))?.id;
            print_after(tx, JobKind::Kick, id, true)?;
            Ok(id.to_string())
        })
    }

    /// Records the drawer opened without a sale; a manager approves it once the store has one.
    pub fn no_sale(&mut self, why: &str, cashier: Option<&str>, approval: Option<&Approval>) -> Result<String> {
        let why = reason(why)?;
        self.store.write(|tx| known_user(tx, cashier))?;
        let approved_by = self.required_approval(approval, "opening the drawer without a sale")?;
        self.store.write(|tx| {
            let d = DrawerOpening { reason: why, cashier: cashier.map(str::to_string), approved_by };
            let id = append(tx, EventKind::DrawerOpened(d))?.id;
            print_after(tx, JobKind::Kick, id, true)?;
            Ok(id.to_string())
        })
    }

    /// The current period's figures: changes nothing.
    pub fn x_report(&self) -> Result<XReport> {
        let r = self.store.reader();
        let me = self.store.register_id();
        let p = r.period(me)?;
        let totals = r.day_totals(me, p.after_seq, u64::MAX)?;
        let date = business_date(&p, self.now_ms()?);
        Ok(XReport {
            register: crate::model::hex(&me.0),
            next_z: p.last_number + 1,
            date,
            net_cents: totals.net_cents().0,
            cash_rounding_cents: totals.cash_rounding_cents().0,
            expected_cash_cents: totals.expected_cash_cents().0,
            grand_total_cents: p.grand_total_cents.0 + totals.net_cents().0,
            totals,
        })
    }

    /// Closes the business day on this register: the next Z, with the counted cash if given.
    /// `date` overrides the business day (default: the day the period's first event happened).
    pub fn close_day(
        &mut self,
        counted: Option<Cents>,
        date: Option<&str>,
        approval: Option<&Approval>,
    ) -> Result<ZRow> {
        if let Some(d) = date
            && !is_date(d)
        {
            return Err(RegisterError::Invalid(format!("{d:?} is not a date (YYYY-MM-DD)")));
        }
        if counted.is_some_and(|c| c.0 < 0 || c.0 > crate::model::MAX_AMOUNT_CENTS * 10_000) {
            return Err(RegisterError::Invalid("counted cash out of range".into()));
        }
        let closed_by = self.required_approval(approval, "closing the day (Z report)")?;
        let id = self.store.write(|tx| {
            let me = tx.register_id();
            let p = tx.reader().period(me)?;
            let totals = tx.reader().day_totals(me, p.after_seq, u64::MAX)?;
            let now = now_in(tx)?;
            let z = ZReport {
                number: p.last_number + 1,
                date: date.map_or_else(|| business_date(&p, now), str::to_string),
                after_seq: p.after_seq,
                opened_ms: p.first_ms.unwrap_or(now),
                grand_total_cents: Cents(p.grand_total_cents.0 + totals.net_cents().0),
                totals,
                counted_cash_cents: counted,
                closed_by,
            };
            let id = append(tx, EventKind::DayClosed(z))?.id;
            print_after(tx, JobKind::Report, id, false)?;
            Ok::<_, RegisterError>(id)
        })?;
        let r = self.store.reader();
        r.z_reports(Some(id.origin))?
            .into_iter()
            .find(|z| z.id == id.to_string())
            .ok_or_else(|| RegisterError::Invalid("the Z report was not recorded".into()))
    }
}

impl Register {
    /// An order by its number or id (for a receipt).
    pub fn order_by_number(&mut self, number: &str) -> Result<crate::store::OrderRow> {
        self.store.write(|tx| Self::find_order(tx, number))
    }

    /// Queues this register's X report for its printer (figures as they stand when it prints).
    pub fn print_x(&mut self) -> Result<()> {
        self.store.write(|tx| {
            let now = now_in(tx)?;
            Ok(tx.enqueue_print(JobKind::Report, None, false, false, now)?)
        })
    }

    /// Queues a copy of an event's paper (a receipt, a Z report) for this register's printer.
    pub fn reprint(&mut self, what: JobKind, event: crate::model::EventId) -> Result<()> {
        self.store.write(|tx| {
            let now = now_in(tx)?;
            Ok(tx.enqueue_print(what, Some(event), true, false, now)?)
        })
    }
}

/// The day a period belongs to: the day its first event happened, or today.
fn business_date(p: &Period, now_ms: u64) -> String {
    date_of(p.first_ms.unwrap_or(now_ms))
}
