//! Applies sales, voids and returns, of every release's shape, to the same tables: an order of
//! an older release is a sale without discounts, paid by one tender for its total.

use rusqlite::{Connection, OptionalExtension, params};

use super::apply::{add_claim, id_cols, k_ms, key_at, remove_moves, sell};
use super::settle::{check_order_number, settle_order};
use crate::model::{EventId, ReturnLine, Sku};
use crate::sync::LwwKey;

/// An order's row, from either shape.
pub(super) struct OrderHead<'a> {
    pub number: &'a str,
    pub payment: &'a str,
    pub cashier: Option<&'a str>,
    pub approved_by: Option<&'a str>,
    pub shift: Option<EventId>,
    pub subtotal: i64,
    pub tax: i64,
    pub total: i64,
    pub discount: i64,
    pub change: i64,
    pub prices_include_tax: bool,
    pub cash_rounding: i64,
}

/// One order line's row.
pub(super) struct LineCols<'a> {
    pub sku: &'a Sku,
    pub name: &'a str,
    pub qty: u32,
    pub unit_price: i64,
    pub rate_bp: u32,
    pub net: i64,
    pub tax: i64,
    pub discount: i64,
    pub order_discount: i64,
}

/// Records a sale (new to this database): its row, lines and tenders, the stock it took, and
/// what it settles (a void or return of it that came first, a clash of numbers).
pub(super) fn insert_order<'a>(
    c: &Connection,
    id: &EventId,
    key: LwwKey,
    h: &OrderHead<'_>,
    lines: impl Iterator<Item = LineCols<'a>>,
    tenders: impl Iterator<Item = (&'a str, i64)>,
) -> rusqlite::Result<()> {
    let (origin, seq) = id_cols(id);
    let shift = h.shift.as_ref().map(id_cols);
    let n = c
        .prepare_cached(
            "INSERT OR IGNORE INTO orders (origin, seq, number, payment, cashier, approved_by, shift_origin, shift_seq,
                                           subtotal_cents, tax_cents, total_cents, discount_cents, change_cents,
                                           prices_include_tax, hlc_ms, hlc_logical, cash_rounding_cents)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        )?
        .execute(params![
            origin,
            seq,
            h.number,
            h.payment,
            h.cashier,
            h.approved_by,
            shift.map(|s| s.0),
            shift.map(|s| s.1),
            h.subtotal,
            h.tax,
            h.total,
            h.discount,
            h.change,
            h.prices_include_tax,
            k_ms(key),
            key.hlc.logical,
            h.cash_rounding
        ])?;
    if n != 1 {
        return Ok(());
    }
    let mut ins = c.prepare_cached(
        "INSERT INTO order_lines (origin, seq, line_no, sku, name, qty, unit_price_cents, tax_rate_bp,
                                  subtotal_cents, tax_cents, discount_cents, order_discount_cents)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for (i, l) in lines.enumerate() {
        ins.execute(params![
            origin,
            seq,
            i as i64,
            l.sku.as_str(),
            l.name,
            l.qty,
            l.unit_price,
            l.rate_bp,
            l.net,
            l.tax,
            l.discount,
            l.order_discount
        ])?;
        sell(c, l.sku.as_str(), i64::from(l.qty), key)?;
    }
    let mut pay = c.prepare_cached(
        "INSERT INTO order_tenders (origin, seq, n, tender, amount_cents) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, (tender, amount)) in tenders.enumerate() {
        pay.execute(params![origin, seq, i as i64, tender, amount])?;
    }
    // What a new sale can change besides itself, in one statement: a void or return of it that
    // arrived first (capped now that the sale is known), another order with its number. (Stock
    // it took below zero: `sell`.)
    let (claimed, duplicate): (bool, bool) = c
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM order_voids WHERE origin = ?1 AND seq = ?2)
                     OR EXISTS (SELECT 1 FROM returns WHERE order_origin = ?1 AND order_seq = ?2),
                    (SELECT count(*) FROM (SELECT 1 FROM orders WHERE number = ?3 LIMIT 2)) > 1",
        )?
        .query_row(params![origin, seq, h.number], |r| Ok((r.get(0)?, r.get(1)?)))?;
    if duplicate {
        check_order_number(c, h.number)?;
    }
    if claimed {
        settle_order(c, id)?;
    }
    Ok(())
}

/// Records a void of `order` by event `id`: the earliest void counts, so two registers voiding
/// the same order restock it once.
pub(super) fn void(
    c: &Connection,
    id: &EventId,
    key: LwwKey,
    order: &EventId,
    lines: &[(Sku, u32)],
    cashier: Option<&str>,
    approved_by: Option<&str>,
) -> rusqlite::Result<()> {
    let (origin, seq) = id_cols(id);
    let (oo, os) = id_cols(order);
    let cur = c
        .prepare_cached("SELECT hlc_ms, hlc_logical, void_origin FROM order_voids WHERE origin = ?1 AND seq = ?2")?
        .query_row(params![oo, os], |r| key_at(r, 0))
        .optional()?;
    let replace = match cur {
        None => true,
        Some(existing) if key < existing => {
            remove_moves(c, order, "void")?;
            true
        }
        Some(_) => false,
    };
    if !replace {
        return Ok(());
    }
    c.prepare_cached(
        "INSERT INTO order_voids (origin, seq, void_origin, void_seq, hlc_ms, hlc_logical, cashier, approved_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(origin, seq) DO UPDATE SET void_origin = excluded.void_origin, void_seq = excluded.void_seq,
             hlc_ms = excluded.hlc_ms, hlc_logical = excluded.hlc_logical, cashier = excluded.cashier,
             approved_by = excluded.approved_by",
    )?
    .execute(params![oo, os, origin, seq, k_ms(key), key.hlc.logical, cashier, approved_by])?;
    for (i, (sku, qty)) in lines.iter().enumerate() {
        add_claim(c, order, "void", i, sku, i64::from(*qty), key)?;
    }
    settle_order(c, order)
}

/// A return's row, from either shape.
pub(super) struct ReturnCols<'a> {
    pub order: &'a EventId,
    pub order_number: &'a str,
    pub lines: &'a [ReturnLine],
    pub restock: bool,
    pub refund: i64,
    pub tender: &'a str,
    pub cashier: Option<&'a str>,
    pub approved_by: Option<&'a str>,
    pub shift: Option<EventId>,
    /// Added to the cash paid out by cash rounding (schema 11).
    pub cash_rounding: i64,
}

/// Records a return (new to this database), its claim on the shelf, and settles its order.
pub(super) fn take_back(c: &Connection, id: &EventId, key: LwwKey, r: &ReturnCols<'_>) -> rusqlite::Result<()> {
    let (origin, seq) = id_cols(id);
    let (oo, os) = id_cols(r.order);
    let shift = r.shift.as_ref().map(id_cols);
    let n = c
        .prepare_cached(
            "INSERT OR IGNORE INTO returns (origin, seq, order_origin, order_seq, order_number, restock, refund_cents,
                                            payment, shift_origin, shift_seq, hlc_ms, hlc_logical, cashier, approved_by,
                                            cash_rounding_cents)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        )?
        .execute(params![
            origin,
            seq,
            oo,
            os,
            r.order_number,
            r.restock,
            r.refund,
            r.tender,
            shift.map(|s| s.0),
            shift.map(|s| s.1),
            k_ms(key),
            key.hlc.logical,
            r.cashier,
            r.approved_by,
            r.cash_rounding
        ])?;
    if n != 1 {
        return Ok(());
    }
    let mut ins = c.prepare_cached(
        "INSERT INTO return_lines (origin, seq, line_no, sku, qty, refund_cents) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (i, l) in r.lines.iter().enumerate() {
        ins.execute(params![origin, seq, i as i64, l.sku.as_str(), l.qty, l.refund_cents.0])?;
        if r.restock {
            add_claim(c, id, "return", i, &l.sku, i64::from(l.qty), key)?;
        }
    }
    settle_order(c, r.order)
}
