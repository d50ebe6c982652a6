//! The conflict rules of [`crate::sync`] executed against the tables, inside the transaction that
//! applies an event: restock caps per order, and the `conflicts` list. Every function here
//! recomputes its slot from the events held, so the result depends only on their set.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, params};

use super::apply::{id_cols, key_at, move_stock};
use crate::model::{ConflictKind, EventId, RegisterId, hex, mul_div_round};
use crate::sync::{Claim, LwwKey, allocate, conflict_id, sort_claims};

fn event_id(origin: Vec<u8>, seq: i64) -> EventId {
    // Written from a RegisterId (16 bytes) and a positive sequence by this module's callers only.
    EventId { origin: RegisterId(origin.try_into().unwrap_or([0; 16])), seq: seq.max(0) as u64 }
}

/// One claim on an order's items with the stock move row it owns.
struct Held {
    claim: Claim,
    sku: String,
    /// `(origin, seq, reason, line_no)` of its row in `stock_moves`; `None`: a return of damaged
    /// goods (no move, but it counts against what was sold).
    row: Option<(EventId, &'static str)>,
    delta: i64,
    refund: i64,
}

/// Recomputes everything that depends on order `order`'s void and returns: how many items each
/// claim puts back (earliest first, at most what was sold, per SKU), and its over-refund and
/// void-and-return conflicts. Called when the order, a void of it or a return of it arrives.
pub(super) fn settle_order(c: &Connection, order: &EventId) -> rusqlite::Result<()> {
    let (oo, os) = id_cols(order);
    let mut sold: BTreeMap<String, i64> = BTreeMap::new();
    for row in c
        .prepare_cached("SELECT sku, qty FROM order_lines WHERE origin = ?1 AND seq = ?2")?
        .query_map(params![oo, os], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
    {
        let (sku, qty) = row?;
        *sold.entry(sku).or_default() += qty;
    }
    let known = !sold.is_empty();
    let void: Option<(EventId, LwwKey)> = c
        .prepare_cached(
            "SELECT void_origin, void_seq, hlc_ms, hlc_logical, void_origin FROM order_voids WHERE origin = ?1 AND seq = ?2",
        )?
        .query_row(params![oo, os], |r| Ok((event_id(r.get(0)?, r.get(1)?), key_at(r, 2)?)))
        .optional()?;

    let mut held: Vec<Held> = Vec::new();
    if let Some((vid, vkey)) = void {
        for row in c
            .prepare_cached(
                "SELECT line_no, sku, claimed, delta FROM stock_moves WHERE origin = ?1 AND seq = ?2 AND reason = 'void'",
            )?
            .query_map(params![oo, os], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<i64>>(2)?, r.get::<_, i64>(3)?))
            })?
        {
            let (line, sku, claimed, delta) = row?;
            let claim = Claim { key: vkey, id: vid, line: line as u32, qty: claimed.unwrap_or(delta) };
            held.push(Held { claim, sku, row: Some((*order, "void")), delta, refund: 0 });
        }
    }
    let mut returns: Vec<EventId> = Vec::new();
    let mut refunds = 0i64;
    let mut number: Option<String> = None;
    for row in c
        .prepare_cached(
            "SELECT r.origin, r.seq, r.hlc_ms, r.hlc_logical, r.origin, r.restock, r.order_number, r.refund_cents,
                    l.line_no, l.sku, l.qty, l.refund_cents, m.delta
             FROM returns r JOIN return_lines l ON l.origin = r.origin AND l.seq = r.seq
             LEFT JOIN stock_moves m ON m.origin = r.origin AND m.seq = r.seq AND m.reason = 'return' AND m.line_no = l.line_no
             WHERE r.order_origin = ?1 AND r.order_seq = ?2",
        )?
        .query_map(params![oo, os], |r| {
            Ok((
                event_id(r.get(0)?, r.get(1)?),
                key_at(r, 2)?,
                r.get::<_, bool>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, i64>(7)?,
                (r.get::<_, i64>(8)?, r.get::<_, String>(9)?, r.get::<_, i64>(10)?, r.get::<_, i64>(11)?),
                r.get::<_, Option<i64>>(12)?,
            ))
        })?
    {
        let (rid, key, restock, num, total, (line, sku, qty, refund), delta) = row?;
        if !returns.contains(&rid) {
            returns.push(rid);
            refunds += total;
        }
        // A hostile pair of returns could disagree on the number: the smallest is the same everywhere.
        if number.as_ref().is_none_or(|n| num < *n) {
            number = Some(num);
        }
        let claim = Claim { key, id: rid, line: line as u32, qty };
        let row = (restock && delta.is_some()).then_some((rid, "return"));
        held.push(Held { claim, sku, row, delta: delta.unwrap_or(0), refund });
    }
    if known {
        number = c
            .prepare_cached("SELECT number FROM orders WHERE origin = ?1 AND seq = ?2")?
            .query_row(params![oo, os], |r| r.get(0))
            .optional()?
            .or(number);
    }

    // Restock: per SKU, the claims that put items back, earliest first, capped at what was sold
    // (or, before the order is here, at what the void says it sold).
    let mut by_sku: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, h) in held.iter().enumerate() {
        by_sku.entry(h.sku.as_str()).or_default().push(i);
    }
    let mut over_cents = 0i64;
    let mut updates: Vec<(usize, i64)> = Vec::new();
    for (sku, idx) in &by_sku {
        let cap = if known {
            Some(sold.get(*sku).copied().unwrap_or(0))
        } else if void.is_some() {
            Some(idx.iter().filter(|i| held[**i].row.is_some_and(|r| r.1 == "void")).map(|i| held[*i].claim.qty).sum())
        } else {
            None
        };
        let restocking: Vec<usize> = idx.iter().copied().filter(|i| held[*i].row.is_some()).collect();
        let mut claims: Vec<(Claim, usize)> = restocking.iter().map(|i| (held[*i].claim, *i)).collect();
        claims.sort_by_key(|(c, _)| (c.key, c.id.seq, c.line));
        let only: Vec<Claim> = claims.iter().map(|(c, _)| *c).collect();
        for ((_, i), got) in claims.iter().zip(allocate(cap, &only)) {
            if held[*i].delta != got {
                updates.push((*i, got));
            }
        }
        // Over-refund: every return line (restocked or not) against what was sold.
        if known {
            let mut lines: Vec<Claim> =
                idx.iter().filter(|i| held[**i].row.is_none_or(|r| r.1 == "return")).map(|i| held[*i].claim).collect();
            let refund_of: BTreeMap<(EventId, u32), (i64, i64)> = idx
                .iter()
                .map(|i| ((held[*i].claim.id, held[*i].claim.line), (held[*i].refund, held[*i].claim.qty)))
                .collect();
            sort_claims(&mut lines);
            for (l, got) in lines.iter().zip(allocate(cap, &lines)) {
                let (refund, qty) = refund_of.get(&(l.id, l.line)).copied().unwrap_or((0, 1));
                over_cents += mul_div_round(refund, l.qty - got, qty.max(1));
            }
        }
    }
    for (i, got) in updates {
        let h = &held[i];
        if let Some((owner, reason)) = h.row {
            let (mo, ms) = id_cols(&owner);
            c.prepare_cached(
                "UPDATE stock_moves SET delta = ?5 WHERE origin = ?1 AND seq = ?2 AND reason = ?3 AND line_no = ?4",
            )?
            .execute(params![mo, ms, reason, i64::from(h.claim.line), got])?;
            move_stock(c, &h.sku, got - h.delta, h.claim.key)?;
        }
    }

    let scope = order.to_string();
    let subject = number.unwrap_or_else(|| scope.clone());
    let mut involved: Vec<EventId> = returns.clone();
    if known && over_cents > 0 {
        involved.push(*order);
        set_conflict(c, ConflictKind::OverRefund, &scope, &scope, &subject, over_cents, &involved)?;
    } else {
        clear_conflict(c, ConflictKind::OverRefund, &scope)?;
    }
    match void {
        Some((vid, _)) if !returns.is_empty() => {
            let mut involved = returns;
            involved.push(vid);
            set_conflict(c, ConflictKind::VoidAndReturn, &scope, &scope, &subject, refunds, &involved)?;
        }
        _ => clear_conflict(c, ConflictKind::VoidAndReturn, &scope)?,
    }
    Ok(())
}

/// Lists or clears the oversold conflict of `sku`: open while its tracked stock is below zero.
/// Called when a SKU's tracked stock crosses zero (either way), its latest count changes, or it
/// becomes tracked.
/// The latest count starts a new one (its key is part of the id): counting the shelf is how a
/// manager puts stock right.
pub(super) fn refresh_oversold(c: &Connection, sku: &str) -> rusqlite::Result<()> {
    type Stock = (i64, bool, Option<i64>, Option<i64>, Option<Vec<u8>>);
    let row: Option<Stock> = c
        .prepare_cached(
            "SELECT on_hand, tracked, count_hlc_ms, count_hlc_logical, count_hlc_origin FROM stock WHERE sku = ?1",
        )?
        .query_row([sku], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .optional()?;
    match row {
        Some((on_hand, true, ms, logical, origin)) if on_hand < 0 => {
            let epoch = match (ms, logical, origin) {
                (Some(ms), Some(l), Some(o)) => format!("{sku}@{ms}.{l}.{}", hex(&o)),
                _ => format!("{sku}@uncounted"),
            };
            // What is at stake (how far below zero) is read from `stock` when listed, so a further
            // sale of a SKU already below zero changes nothing here.
            set_conflict(c, ConflictKind::Oversold, sku, &epoch, sku, 0, &[])
        }
        _ => clear_conflict(c, ConflictKind::Oversold, sku),
    }
}

/// Lists two or more orders with one number.
pub(super) fn check_order_number(c: &Connection, number: &str) -> rusqlite::Result<()> {
    let ids: Vec<EventId> = c
        .prepare_cached("SELECT origin, seq FROM orders WHERE number = ?1")?
        .query_map([number], |r| Ok(event_id(r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if ids.len() >= 2 {
        set_conflict(c, ConflictKind::DuplicateOrderNumber, number, number, number, ids.len() as i64, &ids)?;
    }
    Ok(())
}

/// The stored form of an edit's base version (see migration 0005).
pub(super) fn base_bytes(base: Option<LwwKey>) -> Vec<u8> {
    base.map_or_else(Vec::new, |k| {
        let mut b = Vec::with_capacity(28);
        b.extend_from_slice(&k.hlc.wall_ms.to_be_bytes());
        b.extend_from_slice(&k.hlc.logical.to_be_bytes());
        b.extend_from_slice(&k.origin.0);
        b
    })
}

/// Records an edit of `subject` made on `base`, and lists the edits made on the same base.
pub(super) fn record_edit(c: &Connection, subject: &str, base: Option<LwwKey>, id: &EventId) -> rusqlite::Result<()> {
    let base = base_bytes(base);
    let (origin, seq) = id_cols(id);
    c.prepare_cached("INSERT OR IGNORE INTO edits (subject, base, origin, seq) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![subject, base, origin, seq])?;
    let ids: Vec<EventId> = c
        .prepare_cached("SELECT origin, seq FROM edits WHERE subject = ?1 AND base = ?2")?
        .query_map(params![subject, base], |r| Ok(event_id(r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if ids.len() >= 2 {
        let scope = format!("{subject}|{}", hex(&base));
        set_conflict(c, ConflictKind::ConcurrentEdit, &scope, &scope, subject, ids.len() as i64, &ids)?;
    }
    Ok(())
}

/// Makes the conflict of `(kind, scope)` the one named by `id_scope` and `events`, replacing an
/// earlier one of that slot (fewer events were known then).
fn set_conflict(
    c: &Connection,
    kind: ConflictKind,
    scope: &str,
    id_scope: &str,
    subject: &str,
    at_stake: i64,
    events: &[EventId],
) -> rusqlite::Result<()> {
    let id = conflict_id(kind, id_scope, events);
    let current: Option<Vec<u8>> = c
        .prepare_cached("SELECT id FROM conflicts WHERE kind = ?1 AND scope = ?2")?
        .query_row(params![kind.as_str(), scope], |r| r.get(0))
        .optional()?;
    if current.as_deref() == Some(&id.0[..]) {
        c.prepare_cached("UPDATE conflicts SET subject = ?2, at_stake = ?3 WHERE id = ?1")?.execute(params![
            &id.0[..],
            subject,
            at_stake
        ])?;
        return Ok(());
    }
    if current.is_some() {
        clear_conflict(c, kind, scope)?;
    }
    c.prepare_cached("INSERT INTO conflicts (id, kind, scope, subject, at_stake) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![&id.0[..], kind.as_str(), scope, subject, at_stake])?;
    let mut ins =
        c.prepare_cached("INSERT OR IGNORE INTO conflict_events (conflict, origin, seq) VALUES (?1, ?2, ?3)")?;
    for e in events {
        let (o, s) = id_cols(e);
        ins.execute(params![&id.0[..], o, s])?;
    }
    Ok(())
}

fn clear_conflict(c: &Connection, kind: ConflictKind, scope: &str) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM conflicts WHERE kind = ?1 AND scope = ?2")?.execute(params![kind.as_str(), scope])?;
    Ok(())
}
