//! The business day's figures: X (so far) and Z (closed) reports of one register, and the store
//! report that adds up every register's Z of a day.
//!
//! A register's period is its own events after its previous Z, by sequence number
//! (docs/DATA.md, "The business day"), so the figures depend only on the register's events and
//! the orders they refer to, never on when other registers' events arrived.

use rusqlite::params;
use serde::Serialize;

use super::{Reader, StoreError, format_ms};
use crate::model::{CASH, Cents, DayTotals, EventId, GroupTotal, RateTotal, RegisterId, TenderTotal, ZReport, hex};
use crate::sync::{Event, EventKind};

/// A Z report as listed and shown (`till report list/show`, `--json`).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ZRow {
    /// The Z event's id, `<register>:<seq>`.
    pub id: String,
    /// The register that closed its day.
    pub register: String,
    /// Its name, if known.
    pub register_name: Option<String>,
    /// The Z's number at that register.
    pub number: u64,
    /// The business day.
    pub date: String,
    /// When the period began and when it was closed (RFC 3339 UTC).
    pub opened: String,
    /// When it was closed.
    pub closed: String,
    /// Net sales of the period, in cents.
    pub net_cents: i64,
    /// Net sales since the register was installed, in cents.
    pub grand_total_cents: i64,
    /// Cash that should have been in the drawer.
    pub expected_cash_cents: i64,
    /// Cash counted, if counted.
    pub counted_cash_cents: Option<i64>,
    /// Counted less expected.
    pub difference_cents: Option<i64>,
    /// The cash rounding of its sales less that of its voids (from its figures, docs/LOCALE.md).
    pub cash_rounding_cents: i64,
    /// Who closed it.
    pub closed_by: Option<String>,
    /// The figures.
    pub totals: DayTotals,
}

/// One register's part of a store report.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct RegisterDay {
    /// The register's id.
    pub register: String,
    /// Its name, if known.
    pub name: Option<String>,
    /// Its Z reports of the day (numbers).
    pub z_numbers: Vec<u64>,
    /// Orders rung that day not yet in any Z this register holds (0: closed).
    pub open_orders: u64,
}

/// Every register's Z reports of one business day, added up (`till report store`).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct StoreDay {
    /// The business day.
    pub date: String,
    /// Per register: its Zs, or that it has not closed.
    pub registers: Vec<RegisterDay>,
    /// The sum of the day's Zs.
    pub totals: DayTotals,
    /// Net sales of the day's Zs.
    pub net_cents: i64,
    /// Their cash rounding (docs/LOCALE.md).
    pub cash_rounding_cents: i64,
    /// Registers that rang orders that day not yet in a Z (by name or id).
    pub not_closed: Vec<String>,
}

/// The period an X report shows or a Z closes: this register's events after `after_seq`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    /// The register.
    pub register: RegisterId,
    /// Its previous Z's sequence number (0: none).
    pub after_seq: u64,
    /// The previous Z's number (0: none).
    pub last_number: u64,
    /// The grand total after the previous Z.
    pub grand_total_cents: Cents,
    /// When the period's first event happened, if any.
    pub first_ms: Option<u64>,
}

impl Reader<'_> {
    /// The data directory this database lives in (device-local files beside it: the logo).
    pub fn data_dir(&self) -> &std::path::Path {
        self.path.parent().unwrap_or(self.path)
    }

    /// This database's own register id.
    pub fn register_id(&self) -> Result<RegisterId, StoreError> {
        self.one("SELECT value FROM device_kv WHERE key = 'register_id'", [], |r| r.get::<_, String>(0))?
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| StoreError::BadSetting {
                key: super::kv::REGISTER_ID.name,
                value: None,
                why: "missing or not a register id".into(),
            })
    }

    /// Where this register's current period starts.
    pub fn period(&self, register: RegisterId) -> Result<Period, StoreError> {
        let last = self.one(
            "SELECT seq, number, grand_total_cents FROM z_reports WHERE origin = ?1 ORDER BY number DESC, seq DESC LIMIT 1",
            [&register.0[..]],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)),
        )?;
        let (after_seq, last_number, grand) = last.unwrap_or((0, 0, 0));
        let first_ms = self
            .one(
                "SELECT MIN(hlc_ms) FROM events WHERE origin = ?1 AND seq > ?2",
                params![&register.0[..], after_seq],
                |r| r.get::<_, Option<i64>>(0),
            )?
            .flatten();
        Ok(Period {
            register,
            after_seq: after_seq.max(0) as u64,
            last_number: last_number.max(0) as u64,
            grand_total_cents: Cents(grand),
            first_ms: first_ms.map(|m| m.max(0) as u64),
        })
    }

    /// The figures of a register's events with `after < seq < before`.
    pub fn day_totals(&self, register: RegisterId, after: u64, before: u64) -> Result<DayTotals, StoreError> {
        let o = &register.0[..];
        let (a, b) = (after.min(i64::MAX as u64) as i64, before.min(i64::MAX as u64) as i64);
        let mut t = DayTotals::default();
        // Sales rung here in the period.
        let sales = self.one(
            "SELECT count(*), COALESCE(SUM(total_cents), 0), COALESCE(SUM(discount_cents), 0), COALESCE(SUM(change_cents), 0)
             FROM orders WHERE origin = ?1 AND seq > ?2 AND seq < ?3",
            params![o, a, b],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?)),
        )?;
        let (n, total, discounts, change) = sales.unwrap_or_default();
        t.sales = crate::model::Tally { count: n.max(0) as u64, cents: Cents(total) };
        t.discounts_cents = Cents(discounts);
        for (name, amount) in self.rows(
            "SELECT t.tender, SUM(t.amount_cents) FROM order_tenders t
             WHERE t.origin = ?1 AND t.seq > ?2 AND t.seq < ?3 GROUP BY t.tender",
            params![o, a, b],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
        )? {
            tender(&mut t.tenders, &name).sales_cents = Cents(amount);
        }
        if change != 0 {
            let cash = tender(&mut t.tenders, CASH);
            cash.sales_cents = Cents(cash.sales_cents.0 - change);
        }
        // Voids made here in the period, of orders rung anywhere.
        const VOIDED: &str =
            "SELECT o.origin, o.seq FROM order_voids v JOIN orders o ON o.origin = v.origin AND o.seq = v.seq
             WHERE v.void_origin = ?1 AND v.void_seq > ?2 AND v.void_seq < ?3";
        let voids = self.one(
            &format!(
                "SELECT count(*), COALESCE(SUM(o.total_cents), 0), COALESCE(SUM(o.change_cents), 0)
                 FROM orders o WHERE (o.origin, o.seq) IN ({VOIDED})"
            ),
            params![o, a, b],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)),
        )?;
        let (vn, vtotal, vchange) = voids.unwrap_or_default();
        t.voids = crate::model::Tally { count: vn.max(0) as u64, cents: Cents(vtotal) };
        for (name, amount) in self.rows(
            &format!(
                "SELECT t.tender, SUM(t.amount_cents) FROM order_tenders t
                 WHERE (t.origin, t.seq) IN ({VOIDED}) GROUP BY t.tender"
            ),
            params![o, a, b],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
        )? {
            tender(&mut t.tenders, &name).voided_cents = Cents(amount);
        }
        if vchange != 0 {
            let cash = tender(&mut t.tenders, CASH);
            cash.voided_cents = Cents(cash.voided_cents.0 - vchange);
        }
        // Returns taken here: the goods' refund, and by tender what was paid out (a cash refund
        // with its rounding, so the cash rounding line counts it too).
        for (name, n, amount, rounding) in self.rows(
            "SELECT payment, count(*), SUM(refund_cents), SUM(cash_rounding_cents) FROM returns
             WHERE origin = ?1 AND seq > ?2 AND seq < ?3 GROUP BY payment",
            params![o, a, b],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?)),
        )? {
            t.refunds.count += n.max(0) as u64;
            t.refunds.cents = Cents(t.refunds.cents.0 + amount);
            tender(&mut t.tenders, &name).refunded_cents = Cents(amount + rounding);
        }
        // Tax per rate, categories and cashiers: the period's sales less the voids made in it.
        let sign_sql = format!(
            "SELECT 1 AS sign, origin, seq FROM orders WHERE origin = ?1 AND seq > ?2 AND seq < ?3
             UNION ALL SELECT -1, origin, seq FROM ({VOIDED})"
        );
        for (rate, net, tax) in self.rows(
            &format!(
                "SELECT l.tax_rate_bp, SUM(s.sign * l.subtotal_cents), SUM(s.sign * l.tax_cents)
                 FROM ({sign_sql}) s JOIN order_lines l ON l.origin = s.origin AND l.seq = s.seq
                 GROUP BY l.tax_rate_bp ORDER BY l.tax_rate_bp"
            ),
            params![o, a, b],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)),
        )? {
            t.taxes.push(RateTotal { rate_bp: rate.max(0) as u32, net_cents: Cents(net), tax_cents: Cents(tax) });
        }
        for (name, qty, cents) in self.rows(
            &format!(
                "SELECT COALESCE(p.category, '(none)'), SUM(s.sign * l.qty), SUM(s.sign * (l.subtotal_cents + l.tax_cents))
                 FROM ({sign_sql}) s JOIN order_lines l ON l.origin = s.origin AND l.seq = s.seq
                 LEFT JOIN products p ON p.sku = l.sku
                 GROUP BY 1 ORDER BY 1"
            ),
            params![o, a, b],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)),
        )? {
            t.categories.push(GroupTotal { name, count: qty.max(0) as u64, cents: Cents(cents) });
        }
        for (name, n, cents) in self.rows(
            &format!(
                "SELECT COALESCE(o.cashier, '(nobody)'), SUM(s.sign), SUM(s.sign * o.total_cents)
                 FROM ({sign_sql}) s JOIN orders o ON o.origin = s.origin AND o.seq = s.seq
                 GROUP BY 1 ORDER BY 1"
            ),
            params![o, a, b],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)),
        )? {
            t.cashiers.push(GroupTotal { name, count: n.max(0) as u64, cents: Cents(cents) });
        }
        // Cash in and out of the drawer outside sales, and drawer openings.
        for (kind, n, cents) in self.rows(
            "SELECT kind, count(*), SUM(amount_cents) FROM cash_moves WHERE origin = ?1 AND seq > ?2 AND seq < ?3 GROUP BY kind",
            params![o, a, b],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)),
        )? {
            let tally = crate::model::Tally { count: n.max(0) as u64, cents: Cents(cents) };
            match kind.as_str() {
                "paid_in" => t.paid_in = tally,
                "paid_out" => t.paid_out = tally,
                _ => t.drops = tally,
            }
        }
        t.no_sales = self
            .one(
                "SELECT count(*) FROM drawer_openings WHERE origin = ?1 AND seq > ?2 AND seq < ?3",
                params![o, a, b],
                |r| r.get::<_, i64>(0),
            )?
            .unwrap_or(0)
            .max(0) as u64;
        t.floats_cents = Cents(
            self.one(
                "SELECT COALESCE(SUM(float_cents), 0) FROM shifts WHERE origin = ?1 AND seq > ?2 AND seq < ?3",
                params![o, a, b],
                |r| r.get::<_, i64>(0),
            )?
            .unwrap_or(0),
        );
        t.tenders.sort_by(|x, y| x.name.cmp(&y.name));
        // A sale voided in the same period leaves its rate, category and cashier at zero: not
        // worth a line on the report.
        t.taxes.retain(|x| x.net_cents.0 != 0 || x.tax_cents.0 != 0);
        t.categories.retain(|x| x.count != 0 || x.cents.0 != 0);
        t.cashiers.retain(|x| x.count != 0 || x.cents.0 != 0);
        Ok(t)
    }

    fn z_row(&self, r: &rusqlite::Row<'_>) -> rusqlite::Result<ZRow> {
        let origin: Vec<u8> = r.get(0)?;
        let totals: String = r.get(12)?;
        let counted: Option<i64> = r.get(10)?;
        let expected: i64 = r.get(9)?;
        // Written by this module from a DayTotals; a row that does not parse shows empty
        // figures rather than hiding the Z (journal verify names the edit).
        let totals: DayTotals = serde_json::from_str(&totals).unwrap_or_default();
        Ok(ZRow {
            id: format!("{}:{}", hex(&origin), r.get::<_, i64>(1)?),
            register: hex(&origin),
            register_name: r.get(13)?,
            number: r.get::<_, i64>(2)?.max(0) as u64,
            date: r.get(3)?,
            opened: format_ms(r.get(5)?),
            closed: format_ms(r.get(6)?),
            net_cents: r.get(7)?,
            grand_total_cents: r.get(8)?,
            expected_cash_cents: expected,
            counted_cash_cents: counted,
            difference_cents: counted.map(|c| c - expected),
            closed_by: r.get(11)?,
            cash_rounding_cents: totals.cash_rounding_cents().0,
            totals,
        })
    }

    const Z_SQL: &'static str =
        "SELECT z.origin, z.seq, z.number, z.business_date, z.after_seq, z.opened_ms, z.closed_ms,
            z.net_cents, z.grand_total_cents, z.expected_cash_cents, z.counted_cash_cents, z.closed_by, z.totals, g.name
         FROM z_reports z LEFT JOIN registers g ON g.origin = z.origin";

    /// Z reports: of one register, or of every register; oldest first.
    pub fn z_reports(&self, register: Option<RegisterId>) -> Result<Vec<ZRow>, StoreError> {
        let sql =
            format!("{} WHERE ?1 IS NULL OR z.origin = ?1 ORDER BY z.business_date, z.origin, z.number", Self::Z_SQL);
        let mut st = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = st
            .query_map([register.map(|r| r.0.to_vec())], |r| self.z_row(r))
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        Ok(rows)
    }

    /// Every register's Z reports of one business day.
    pub fn z_reports_of(&self, date: &str) -> Result<Vec<ZRow>, StoreError> {
        let sql = format!("{} WHERE z.business_date = ?1 ORDER BY z.origin, z.number", Self::Z_SQL);
        let mut st = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = st
            .query_map([date], |r| self.z_row(r))
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        Ok(rows)
    }

    /// The Z report with this number at a register.
    pub fn z_report(&self, register: RegisterId, number: u64) -> Result<Option<ZRow>, StoreError> {
        Ok(self.z_reports(Some(register))?.into_iter().find(|z| z.number == number))
    }

    /// An event's stored bytes.
    pub fn event_body(&self, id: &EventId) -> Result<Option<Vec<u8>>, StoreError> {
        self.one(
            "SELECT body FROM events WHERE origin = ?1 AND seq = ?2",
            params![&id.origin.0[..], id.seq as i64],
            |r| r.get::<_, Vec<u8>>(0),
        )
    }

    /// The Z report as its event carries it.
    pub fn z_event(&self, id: &EventId) -> Result<Option<ZReport>, StoreError> {
        Ok(self.event_body(id)?.and_then(|b| Event::decode(&b).ok()).and_then(|e| match e.kind {
            EventKind::DayClosed(z) => Some(z),
            _ => None,
        }))
    }

    /// Every register's Zs of a business day, added up, and who has not closed it.
    pub fn store_day(&self, date: &str) -> Result<StoreDay, StoreError> {
        let zs = self.z_reports_of(date)?;
        let mut totals = DayTotals::default();
        for z in &zs {
            totals.absorb(&z.totals);
        }
        // Registers that rang orders on that UTC day, and how many are after their last Z.
        let (from, to) = day_bounds(date);
        let active = self.rows(
            "SELECT o.origin, g.name,
                    SUM(o.seq > COALESCE((SELECT MAX(z.seq) FROM z_reports z WHERE z.origin = o.origin), 0))
             FROM orders o LEFT JOIN registers g ON g.origin = o.origin
             WHERE o.hlc_ms >= ?1 AND o.hlc_ms < ?2 GROUP BY o.origin",
            params![from, to],
            |r| Ok((hex(&r.get::<_, Vec<u8>>(0)?), r.get::<_, Option<String>>(1)?, r.get::<_, i64>(2)?)),
        )?;
        let mut registers: Vec<RegisterDay> = Vec::new();
        for z in &zs {
            match registers.iter_mut().find(|r| r.register == z.register) {
                Some(r) => r.z_numbers.push(z.number),
                None => registers.push(RegisterDay {
                    register: z.register.clone(),
                    name: z.register_name.clone(),
                    z_numbers: vec![z.number],
                    open_orders: 0,
                }),
            }
        }
        for (register, name, open) in active {
            let open = open.max(0) as u64;
            match registers.iter_mut().find(|r| r.register == register) {
                Some(r) => r.open_orders = open,
                None => registers.push(RegisterDay { register, name, z_numbers: Vec::new(), open_orders: open }),
            }
        }
        registers.sort_by(|a, b| a.name.cmp(&b.name).then(a.register.cmp(&b.register)));
        let not_closed = registers
            .iter()
            .filter(|r| r.open_orders > 0)
            .map(|r| r.name.clone().unwrap_or_else(|| r.register.clone()))
            .collect();
        let (net_cents, cash_rounding_cents) = (totals.net_cents().0, totals.cash_rounding_cents().0);
        Ok(StoreDay { date: date.to_string(), net_cents, cash_rounding_cents, registers, totals, not_closed })
    }
}

fn tender<'a>(list: &'a mut Vec<TenderTotal>, name: &str) -> &'a mut TenderTotal {
    let i = match list.iter().position(|t| t.name == name) {
        Some(i) => i,
        None => {
            list.push(TenderTotal { name: name.to_string(), ..Default::default() });
            list.len() - 1
        }
    };
    &mut list[i]
}

/// The UTC day `YYYY-MM-DD` as [start, end) in ms since the epoch (an unreadable date: empty).
pub fn day_bounds(date: &str) -> (i64, i64) {
    match humantime::parse_rfc3339(&format!("{date}T00:00:00Z")) {
        Ok(t) => {
            let start = t.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
            (start, start + 86_400_000)
        }
        Err(_) => (0, 0),
    }
}

/// The UTC date of a time, `YYYY-MM-DD`.
pub fn date_of(ms: u64) -> String {
    format_ms(ms as i64).chars().take(10).collect()
}
