//! Reading the conflict list: each conflict with the events it is made of, in words a manager
//! understands, and whether someone settled it.

use serde::Serialize;

use super::{Reader, StoreError, format_ms};
use crate::model::{Cents, ConflictId, ConflictKind, EventId, RegisterId, hex};
use crate::sync::{Change, Event, EventKind, LwwKey};

/// One event a conflict is made of.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ConflictEventRow {
    /// `origin:seq`.
    pub id: String,
    /// The register that made it (its name where known, else its short id).
    pub register: String,
    /// When, ms since the epoch (hybrid logical time).
    pub time_ms: i64,
    /// When, as text.
    pub time: String,
    /// Who rang it, where the event says.
    pub cashier: Option<String>,
    /// What it did, in words.
    pub what: String,
    /// For concurrent edits: the value last-write-wins kept.
    pub kept: bool,
}

/// A manager's settlement.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ResolutionRow {
    /// Who, as they gave it.
    pub by: Option<String>,
    /// What they did about it.
    pub note: String,
    /// The register it was settled on.
    pub register: String,
    /// When, ms since the epoch.
    pub time_ms: i64,
}

/// A conflict as listed.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ConflictRow {
    /// Full id (hex); any unique prefix of 6 or more characters names it.
    pub id: String,
    /// The first 10 characters.
    pub short: String,
    /// One of [`ConflictKind`].
    pub kind: String,
    /// What it is about: an order number, a SKU, a record (`product:TEA`).
    pub subject: String,
    /// Cents for refunds; items for oversold; values or orders for the others.
    pub at_stake: i64,
    /// The same in words ("5.00", "2 items").
    pub at_stake_text: String,
    /// One sentence for a manager.
    pub summary: String,
    /// The events involved, oldest first.
    pub events: Vec<ConflictEventRow>,
    /// Settled, and how; `None` while open.
    pub resolution: Option<ResolutionRow>,
}

impl Reader<'_> {
    /// Conflicts, open ones only unless `all`; by kind, then subject.
    pub fn conflicts(&self, all: bool) -> Result<Vec<ConflictRow>, StoreError> {
        let rows: Vec<(Vec<u8>, String, String, i64)> = self.rows(
            "SELECT c.id, c.kind, c.subject, c.at_stake FROM conflicts c
             WHERE ?1 OR NOT EXISTS (SELECT 1 FROM conflict_resolutions r WHERE r.conflict = c.id)
             ORDER BY c.kind, c.subject, c.id",
            [all],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, kind, subject, at_stake) in rows {
            let Ok(kind) = kind.parse::<ConflictKind>() else { continue };
            let id = ConflictId(id.try_into().unwrap_or([0; 16]));
            out.push(self.conflict_row(id, kind, subject, at_stake)?);
        }
        Ok(out)
    }

    /// Open conflicts per kind (every kind listed, zero included), for status and metrics.
    pub fn open_conflicts_by_kind(&self) -> Result<Vec<(ConflictKind, i64)>, StoreError> {
        let counts: Vec<(String, i64)> = self.rows(
            "SELECT kind, count(*) FROM conflicts c
             WHERE NOT EXISTS (SELECT 1 FROM conflict_resolutions r WHERE r.conflict = c.id) GROUP BY kind",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(ConflictKind::ALL
            .into_iter()
            .map(|k| (k, counts.iter().find(|(n, _)| n == k.as_str()).map_or(0, |(_, c)| *c)))
            .collect())
    }

    /// Open conflicts, all kinds.
    pub fn open_conflicts(&self) -> Result<i64, StoreError> {
        Ok(self.open_conflicts_by_kind()?.iter().map(|(_, n)| n).sum())
    }

    /// The conflicts (listed now, settled or not) whose id starts with `prefix`.
    pub fn conflicts_matching(&self, prefix: &str) -> Result<Vec<(ConflictId, bool)>, StoreError> {
        let ids: Vec<(Vec<u8>, bool)> = self.rows(
            "SELECT c.id, EXISTS (SELECT 1 FROM conflict_resolutions r WHERE r.conflict = c.id) FROM conflicts c",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(ids
            .into_iter()
            .map(|(b, settled)| (ConflictId(b.try_into().unwrap_or([0; 16])), settled))
            .filter(|(id, _)| id.starts_with(prefix))
            .collect())
    }

    fn conflict_row(
        &self,
        id: ConflictId,
        kind: ConflictKind,
        subject: String,
        at_stake: i64,
    ) -> Result<ConflictRow, StoreError> {
        // Oversold: how far below zero is the stock figure now (kept out of the row so that
        // each further sale need not rewrite it).
        let at_stake = match kind {
            ConflictKind::Oversold => self
                .one("SELECT -on_hand FROM stock WHERE sku = ?1", [&subject], |r| r.get::<_, i64>(0))?
                .unwrap_or(at_stake),
            _ => at_stake,
        };
        let mut events = match kind {
            ConflictKind::Oversold => self.oversold_sales(&subject)?,
            _ => {
                let ids: Vec<(Vec<u8>, i64)> =
                    self.rows("SELECT origin, seq FROM conflict_events WHERE conflict = ?1", [&id.0[..]], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })?;
                let mut evs = Vec::with_capacity(ids.len());
                for (origin, seq) in ids {
                    if let Some(e) = self.event_described(&origin, seq)? {
                        evs.push(e);
                    }
                }
                evs
            }
        };
        events.sort_by(|a, b| (a.1, &a.0.register).cmp(&(b.1, &b.0.register)));
        if kind == ConflictKind::ConcurrentEdit
            && let Some(last) = events.last_mut()
        {
            last.0.kept = true;
        }
        let events: Vec<ConflictEventRow> = events.into_iter().map(|(e, _)| e).collect();
        let resolution = self.one(
            "SELECT by_name, note, origin, hlc_ms FROM conflict_resolutions WHERE conflict = ?1
             ORDER BY hlc_ms, hlc_logical, origin LIMIT 1",
            [&id.0[..]],
            |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            },
        )?;
        let resolution = match resolution {
            Some((by, note, origin, time_ms)) => {
                Some(ResolutionRow { by, note, register: self.register_label(&origin)?, time_ms })
            }
            None => None,
        };
        let at_stake_text = match kind {
            ConflictKind::OverRefund | ConflictKind::VoidAndReturn => Cents(at_stake).to_string(),
            ConflictKind::Oversold => plural(at_stake, "item"),
            ConflictKind::ConcurrentEdit => plural(at_stake, "value"),
            ConflictKind::DuplicateOrderNumber => plural(at_stake, "order"),
        };
        let summary = summary(kind, &subject, &at_stake_text, &events);
        Ok(ConflictRow {
            id: id.to_string(),
            short: hex(&id.0[..5]),
            kind: kind.as_str().to_string(),
            subject,
            at_stake,
            at_stake_text,
            summary,
            events,
            resolution,
        })
    }

    /// The latest sales (up to 10) of a SKU since its latest count: who sold it below zero.
    fn oversold_sales(&self, sku: &str) -> Result<Vec<(ConflictEventRow, LwwKey)>, StoreError> {
        type Sale = (Vec<u8>, i64, i64, u32, String, Option<String>, i64);
        let rows: Vec<Sale> = self.rows(
            "SELECT o.origin, o.seq, o.hlc_ms, o.hlc_logical, o.number, o.cashier, l.qty
             FROM orders o JOIN order_lines l ON l.origin = o.origin AND l.seq = o.seq
             JOIN stock s ON s.sku = l.sku
             WHERE l.sku = ?1 AND (s.count_hlc_ms IS NULL
                   OR (o.hlc_ms, o.hlc_logical, o.origin) > (s.count_hlc_ms, s.count_hlc_logical, s.count_hlc_origin))
             ORDER BY o.hlc_ms DESC, o.hlc_logical DESC, o.origin DESC LIMIT 10",
            [sku],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for (origin, seq, ms, logical, number, cashier, qty) in rows {
            let register = self.register_label(&origin)?;
            let rid = RegisterId(origin.try_into().unwrap_or([0; 16]));
            let key = LwwKey { hlc: crate::sync::Hlc { wall_ms: ms.max(0) as u64, logical }, origin: rid };
            let id = EventId { origin: rid, seq: seq.max(0) as u64 };
            out.push((
                ConflictEventRow {
                    id: id.to_string(),
                    register,
                    time_ms: ms,
                    time: format_ms(ms),
                    cashier,
                    what: format!("sale {number}: {qty} × {sku}"),
                    kept: false,
                },
                key,
            ));
        }
        Ok(out)
    }

    /// An event of the log in words, with its time key.
    fn event_described(&self, origin: &[u8], seq: i64) -> Result<Option<(ConflictEventRow, LwwKey)>, StoreError> {
        let Some(body) =
            self.one("SELECT body FROM events WHERE origin = ?1 AND seq = ?2", rusqlite::params![origin, seq], |r| {
                r.get::<_, Vec<u8>>(0)
            })?
        else {
            return Ok(None);
        };
        let Ok(e) = Event::decode(&body) else { return Ok(None) };
        let (what, cashier) = match &e.kind {
            EventKind::OrderCreated(o) => (format!("sale {} of {}", o.number, o.total_cents), o.cashier.clone()),
            EventKind::OrderPlaced(o) | EventKind::OrderRounded { sale: o, .. } => {
                (format!("sale {} of {}", o.number, o.priced.total_cents), o.cashier.clone())
            }
            EventKind::OrderVoided { order, .. } | EventKind::VoidRecorded { order, .. } => {
                let number = self
                    .one(
                        "SELECT number FROM orders WHERE origin = ?1 AND seq = ?2",
                        super::apply::id_cols(order),
                        |r| r.get::<_, String>(0),
                    )?
                    .unwrap_or_else(|| order.to_string());
                let cashier = match &e.kind {
                    EventKind::VoidRecorded { cashier, .. } => cashier.clone(),
                    _ => None,
                };
                (format!("void of {number}"), cashier)
            }
            EventKind::ReturnCreated(_) | EventKind::Refunded(_) | EventKind::RefundRounded { .. } => {
                let (restock, refund, number, cashier) = match &e.kind {
                    EventKind::ReturnCreated(r) => (r.restock, r.refund_cents, r.order_number.clone(), None),
                    EventKind::Refunded(r) | EventKind::RefundRounded { refund: r, .. } => {
                        (r.restock, r.refund_cents, r.order_number.clone(), r.cashier.clone())
                    }
                    _ => return Ok(None),
                };
                let (back, claimed): (i64, i64) = self
                    .one(
                        "SELECT COALESCE(SUM(delta), 0), COALESCE(SUM(claimed), 0) FROM stock_moves
                         WHERE origin = ?1 AND seq = ?2 AND reason = 'return'",
                        rusqlite::params![origin, seq],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )?
                    .unwrap_or((0, 0));
                let shelf = if !restock {
                    ", items not restocked".to_string()
                } else if back == claimed {
                    ", items back on the shelf".to_string()
                } else {
                    format!(", {back} of {claimed} items back on the shelf (the rest came back already)")
                };
                (format!("refund of {refund} on {number}{shelf}"), cashier)
            }
            EventKind::Edited { change, .. } => (change.describe(), None),
            other => (other.name().replace('_', " "), None),
        };
        let key = LwwKey { hlc: e.hlc, origin: e.id.origin };
        let ms = e.hlc.wall_ms.min(i64::MAX as u64) as i64;
        Ok(Some((
            ConflictEventRow {
                id: e.id.to_string(),
                register: self.register_label(&e.id.origin.0)?,
                time_ms: ms,
                time: format_ms(ms),
                cashier,
                what,
                kept: false,
            },
            key,
        )))
    }

    /// Other registers of the store that announced `name` (ids), for a register about to take it.
    pub fn registers_named(&self, name: &str, except: RegisterId) -> Result<Vec<RegisterId>, StoreError> {
        let ids: Vec<Vec<u8>> =
            self.rows("SELECT origin FROM registers WHERE name = ?1 ORDER BY origin", [name], |r| r.get(0))?;
        Ok(ids.into_iter().map(|o| RegisterId(o.try_into().unwrap_or([0; 16]))).filter(|r| *r != except).collect())
    }

    /// The version of the record `change` edits, as this register holds it: the key of its
    /// latest write (for a product, of its data or its on-sale flag, whichever is later).
    pub fn version_of(&self, change: &Change) -> Result<Option<LwwKey>, StoreError> {
        let key = |r: &rusqlite::Row<'_>, i: usize| -> rusqlite::Result<Option<LwwKey>> {
            let ms: Option<i64> = r.get(i)?;
            let logical: Option<u32> = r.get(i + 1)?;
            let origin: Option<Vec<u8>> = r.get(i + 2)?;
            Ok(match (ms, logical, origin) {
                (Some(ms), Some(logical), Some(o)) => Some(LwwKey {
                    hlc: crate::sync::Hlc { wall_ms: ms.max(0) as u64, logical },
                    origin: RegisterId(o.try_into().unwrap_or([0; 16])),
                }),
                _ => None,
            })
        };
        // A product's version is the latest of its data, its on-sale flag and its details.
        const PRODUCT: &str = "SELECT data_hlc_ms, data_hlc_logical, data_hlc_origin, active_hlc_ms, active_hlc_logical,
                active_hlc_origin, details_hlc_ms, details_hlc_logical, details_hlc_origin FROM products WHERE sku = ?1";
        let (sql, name): (&str, &str) = match change {
            Change::Product(p) => (PRODUCT, p.sku.as_str()),
            Change::Item(i) => (PRODUCT, i.product.sku.as_str()),
            Change::ProductRemoved { sku } => (PRODUCT, sku.as_str()),
            Change::TaxProfile(t) => (
                "SELECT hlc_ms, hlc_logical, hlc_origin, NULL, NULL, NULL, NULL, NULL, NULL FROM tax_profiles WHERE name = ?1",
                &t.name,
            ),
            Change::User(u) => (
                "SELECT hlc_ms, hlc_logical, hlc_origin, NULL, NULL, NULL, NULL, NULL, NULL FROM users WHERE name = ?1",
                &u.name,
            ),
            Change::Setting { key: k, .. } => (
                "SELECT hlc_ms, hlc_logical, hlc_origin, NULL, NULL, NULL, NULL, NULL, NULL FROM settings WHERE key = ?1",
                k,
            ),
            Change::Tender(t) => (
                "SELECT hlc_ms, hlc_logical, hlc_origin, NULL, NULL, NULL, NULL, NULL, NULL FROM tenders WHERE name = ?1",
                &t.name,
            ),
        };
        Ok(self.one(sql, [name], |r| Ok(key(r, 0)?.max(key(r, 3)?).max(key(r, 6)?)))?.flatten())
    }

    /// A register's name as it announced it, else as its order numbers show it (`R2` of
    /// `R2-000014`), else its short id.
    pub fn register_label(&self, origin: &[u8]) -> Result<String, StoreError> {
        if let Some(name) = self.one("SELECT name FROM registers WHERE origin = ?1", [origin], |r| r.get(0))? {
            return Ok(name);
        }
        let number: Option<String> =
            self.one("SELECT number FROM orders WHERE origin = ?1 LIMIT 1", [origin], |r| r.get(0))?;
        Ok(match number.as_deref().and_then(|n| n.rsplit_once('-')) {
            Some((name, _)) => name.to_string(),
            None => format!("register {}", hex(origin.get(..4).unwrap_or(origin))),
        })
    }
}

/// An edited record's key (`product:TEA`, `tax:std`, `user:ann`, `setting:key`) as a person says
/// it: `Product TEA`.
pub fn record_in_words(subject: &str) -> String {
    match subject.split_once(':') {
        Some(("product", k)) => format!("Product {k}"),
        Some(("tax", k)) => format!("Tax profile {k}"),
        Some(("user", k)) => format!("User {k}"),
        Some(("setting", k)) => format!("Setting {k}"),
        _ => subject.to_string(),
    }
}

fn plural(n: i64, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}

fn registers(events: &[ConflictEventRow]) -> String {
    let mut names: Vec<&str> = events.iter().map(|e| e.register.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    match names.as_slice() {
        [] => "unknown registers".into(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// One sentence for a manager: what happened, where, and what is at stake.
fn summary(kind: ConflictKind, subject: &str, stake: &str, events: &[ConflictEventRow]) -> String {
    let regs = registers(events);
    match kind {
        ConflictKind::OverRefund => {
            // The registers that refunded, not the one that sold.
            let refunding: Vec<ConflictEventRow> =
                events.iter().filter(|e| e.what.starts_with("refund")).cloned().collect();
            let regs = registers(&refunding);
            let refunds = refunding.len();
            format!(
                "Order {subject} was refunded {} for more than was sold, on {regs} while they were apart: {stake} paid out beyond the sale.",
                if refunds == 2 { "twice".to_string() } else { format!("{refunds} times") }
            )
        }
        ConflictKind::VoidAndReturn => format!(
            "Order {subject} was voided and also refunded, on {regs} while they were apart: {stake} refunded on a voided sale; its items went back on the shelf once."
        ),
        ConflictKind::Oversold => format!(
            "Product {subject} was sold below zero (on hand -{}), on {regs}: count the shelf to put stock right.",
            stake.split(' ').next().unwrap_or(stake)
        ),
        ConflictKind::ConcurrentEdit => {
            let kept = events.iter().find(|e| e.kept).map_or("?", |e| e.what.as_str());
            let lost: Vec<&str> = events.iter().filter(|e| !e.kept).map(|e| e.what.as_str()).collect();
            format!(
                "{} was changed on {regs} without either seeing the other: kept \"{kept}\", lost \"{}\".",
                record_in_words(subject),
                lost.join("\", \"")
            )
        }
        ConflictKind::DuplicateOrderNumber => format!(
            "{stake} carry the number {subject} (from {regs}): two registers share a name, or one was restored from a backup."
        ),
    }
}
