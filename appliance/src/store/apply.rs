//! Applies one event to the materialized tables, following the merge rules of [`crate::sync`].
//!
//! Every function here is called inside the transaction that stored the event, and only for an
//! event that was new to this database, so each event is applied exactly once. The result depends
//! only on the set of events applied, not on their order.

use rusqlite::{Connection, OptionalExtension, params};

use super::orders::{LineCols, OrderHead, ReturnCols, insert_order, take_back, void};
use super::settle::{record_edit, refresh_oversold};
use crate::model::Item;
use crate::model::{EventId, RegisterId, Sku};
use crate::sync::{Change, Event, EventKind, Hlc, LwwKey};

/// `(origin bytes, seq)` of an id, as the tables store it.
pub(crate) fn id_cols(id: &EventId) -> (&[u8], i64) {
    // Decoding refuses sequence numbers above i64::MAX, so this never wraps.
    (&id.origin.0, id.seq as i64)
}

pub(super) fn k_ms(k: LwwKey) -> i64 {
    // Decoding refuses wall times above i64::MAX, so this never wraps.
    k.hlc.wall_ms as i64
}

fn o(k: &LwwKey) -> &[u8] {
    &k.origin.0
}

/// Applies `e` (new to this database) to the materialized tables.
pub(crate) fn apply(c: &Connection, e: &Event) -> rusqlite::Result<()> {
    let key = LwwKey { hlc: e.hlc, origin: e.id.origin };
    let (origin, seq) = id_cols(&e.id);
    match &e.kind {
        EventKind::ProductUpserted(p) => {
            let cur = c
                .prepare_cached(
                    "SELECT data_hlc_ms, data_hlc_logical, data_hlc_origin, active_hlc_ms, active_hlc_logical, active_hlc_origin
                     FROM products WHERE sku = ?1",
                )?
                .query_row([p.sku.as_str()], |r| Ok((key_opt(r, 0)?, key_at(r, 3)?)))
                .optional()?;
            // ?1..?7: the product's data register and the key that set it.
            let data = (p.sku.as_str(), &p.name, p.price_cents.0, &p.tax_profile, k_ms(key), key.hlc.logical, o(&key));
            match cur {
                None => {
                    c.prepare_cached(
                        "INSERT INTO products (sku, name, price_cents, tax_profile, data_hlc_ms, data_hlc_logical, data_hlc_origin,
                                               active, active_hlc_ms, active_hlc_logical, active_hlc_origin)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?5, ?6, ?7)",
                    )?
                    .execute(data)?;
                }
                Some((data_key, active_key)) => {
                    if data_key.is_none_or(|d| key > d) {
                        c.prepare_cached(
                            "UPDATE products SET name = ?2, price_cents = ?3, tax_profile = ?4,
                                    data_hlc_ms = ?5, data_hlc_logical = ?6, data_hlc_origin = ?7 WHERE sku = ?1",
                        )?
                        .execute(data)?;
                    }
                    if key > active_key {
                        set_active(c, &p.sku, true, key)?;
                    }
                }
            }
        }
        EventKind::ProductRemoved { sku } => {
            let cur = c
                .prepare_cached(
                    "SELECT active_hlc_ms, active_hlc_logical, active_hlc_origin FROM products WHERE sku = ?1",
                )?
                .query_row([sku.as_str()], |r| key_at(r, 0))
                .optional()?;
            match cur {
                None => {
                    c.prepare_cached(
                        "INSERT INTO products (sku, active, active_hlc_ms, active_hlc_logical, active_hlc_origin)
                         VALUES (?1, 0, ?2, ?3, ?4)",
                    )?
                    .execute(params![sku.as_str(), k_ms(key), key.hlc.logical, o(&key)])?;
                }
                Some(active_key) if key > active_key => set_active(c, sku, false, key)?,
                Some(_) => {}
            }
        }
        EventKind::TaxProfileChanged(t) => {
            c.prepare_cached(
                "INSERT INTO tax_profiles (name, rate_bp, hlc_ms, hlc_logical, hlc_origin) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(name) DO UPDATE SET rate_bp = excluded.rate_bp, hlc_ms = excluded.hlc_ms,
                     hlc_logical = excluded.hlc_logical, hlc_origin = excluded.hlc_origin
                 WHERE (excluded.hlc_ms, excluded.hlc_logical, excluded.hlc_origin) > (hlc_ms, hlc_logical, hlc_origin)",
            )?
            .execute(params![t.name, t.rate_bp.0, k_ms(key), key.hlc.logical, o(&key)])?;
        }
        EventKind::UserChanged(u) => {
            c.prepare_cached(
                "INSERT INTO users (name, role, pin_hash, active, hlc_ms, hlc_logical, hlc_origin) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT(name) DO UPDATE SET role = excluded.role, pin_hash = excluded.pin_hash, active = excluded.active,
                     hlc_ms = excluded.hlc_ms, hlc_logical = excluded.hlc_logical, hlc_origin = excluded.hlc_origin
                 WHERE (excluded.hlc_ms, excluded.hlc_logical, excluded.hlc_origin) > (hlc_ms, hlc_logical, hlc_origin)",
            )?
            .execute(params![u.name, u.role.as_str(), u.pin_hash, u.active, k_ms(key), key.hlc.logical, o(&key)])?;
        }
        EventKind::SettingChanged { key: k, value } => {
            c.prepare_cached(
                "INSERT INTO settings (key, value, hlc_ms, hlc_logical, hlc_origin) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value, hlc_ms = excluded.hlc_ms,
                     hlc_logical = excluded.hlc_logical, hlc_origin = excluded.hlc_origin
                 WHERE (excluded.hlc_ms, excluded.hlc_logical, excluded.hlc_origin) > (hlc_ms, hlc_logical, hlc_origin)",
            )?
            .execute(params![k, value, k_ms(key), key.hlc.logical, o(&key)])?;
        }
        EventKind::OrderCreated(order) => {
            let head = OrderHead {
                number: &order.number,
                payment: order.payment.as_str(),
                cashier: order.cashier.as_deref(),
                approved_by: None,
                shift: order.shift,
                subtotal: order.subtotal_cents.0,
                tax: order.tax_cents.0,
                total: order.total_cents.0,
                discount: 0,
                change: 0,
                prices_include_tax: false,
                cash_rounding: 0,
            };
            let lines = order.lines.iter().map(|l| LineCols {
                sku: &l.sku,
                name: &l.name,
                qty: l.qty,
                unit_price: l.unit_price_cents.0,
                rate_bp: l.tax_rate_bp.0,
                net: l.subtotal_cents.0,
                tax: l.tax_cents.0,
                discount: 0,
                order_discount: 0,
            });
            let tenders = [(order.payment.as_str(), order.total_cents.0)];
            insert_order(c, &e.id, key, &head, lines, tenders.into_iter())?;
        }
        EventKind::OrderPlaced(_) | EventKind::OrderRounded { .. } => {
            let Some((sale, rounding)) = e.kind.sale() else { return Ok(()) };
            let payment = match sale.tenders.as_slice() {
                [one] => one.name.as_str(),
                _ => "split",
            };
            let head = OrderHead {
                number: &sale.number,
                payment,
                cashier: sale.cashier.as_deref(),
                approved_by: sale.approved_by.as_deref(),
                shift: sale.shift,
                subtotal: sale.priced.subtotal_cents.0,
                tax: sale.priced.tax_cents.0,
                total: sale.priced.total_cents.0,
                discount: sale.discount_cents().0,
                change: sale.change_cents.0,
                prices_include_tax: sale.priced.prices_include_tax,
                cash_rounding: rounding.0,
            };
            let lines = sale.priced.lines.iter().map(|l| LineCols {
                sku: &l.sku,
                name: &l.name,
                qty: l.qty,
                unit_price: l.unit_price_cents.0,
                rate_bp: l.tax_rate_bp.0,
                net: l.net_cents.0,
                tax: l.tax_cents.0,
                discount: l.discount_cents.0,
                order_discount: l.order_discount_cents.0,
            });
            let tenders = sale.tenders.iter().map(|t| (t.name.as_str(), t.amount_cents.0));
            insert_order(c, &e.id, key, &head, lines, tenders)?;
        }
        EventKind::OrderVoided { order, lines } => void(c, &e.id, key, order, lines, None, None)?,
        EventKind::VoidRecorded { order, lines, cashier, approved_by } => {
            void(c, &e.id, key, order, lines, cashier.as_deref(), approved_by.as_deref())?
        }
        EventKind::ReturnCreated(r) => {
            let rec = ReturnCols {
                order: &r.order,
                order_number: &r.order_number,
                lines: &r.lines,
                restock: r.restock,
                refund: r.refund_cents.0,
                tender: r.payment.as_str(),
                cashier: None,
                approved_by: None,
                shift: r.shift,
                cash_rounding: 0,
            };
            take_back(c, &e.id, key, &rec)?;
        }
        EventKind::Refunded(_) | EventKind::RefundRounded { .. } => {
            let Some((r, rounding)) = e.kind.refund() else { return Ok(()) };
            let rec = ReturnCols {
                order: &r.order,
                order_number: &r.order_number,
                lines: &r.lines,
                restock: r.restock,
                refund: r.refund_cents.0,
                tender: &r.tender,
                cashier: r.cashier.as_deref(),
                approved_by: r.approved_by.as_deref(),
                shift: r.shift,
                cash_rounding: rounding.0,
            };
            take_back(c, &e.id, key, &rec)?;
        }
        EventKind::ShiftOpened { float_cents, cashier } => {
            c.prepare_cached(
                "INSERT INTO shifts (origin, seq, opened_ms, float_cents, cashier) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(origin, seq) DO UPDATE SET opened_ms = excluded.opened_ms, float_cents = excluded.float_cents,
                     cashier = excluded.cashier",
            )?
            .execute(params![origin, seq, k_ms(key), float_cents.0, cashier])?;
        }
        EventKind::ShiftClosed { shift, counted_cents, expected_cents } => {
            let (so, ss) = id_cols(shift);
            c.prepare_cached(
                "INSERT INTO shifts (origin, seq, closed_ms, counted_cents, expected_cents, close_hlc_ms, close_hlc_logical, close_hlc_origin)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?3, ?6, ?7)
                 ON CONFLICT(origin, seq) DO UPDATE SET closed_ms = excluded.closed_ms, counted_cents = excluded.counted_cents,
                     expected_cents = excluded.expected_cents, close_hlc_ms = excluded.close_hlc_ms,
                     close_hlc_logical = excluded.close_hlc_logical, close_hlc_origin = excluded.close_hlc_origin
                 WHERE close_hlc_ms IS NULL
                    OR (excluded.close_hlc_ms, excluded.close_hlc_logical, excluded.close_hlc_origin)
                       < (close_hlc_ms, close_hlc_logical, close_hlc_origin)",
            )?
            .execute(params![so, ss, k_ms(key), counted_cents.0, expected_cents.0, key.hlc.logical, o(&key)])?;
        }
        EventKind::StockCounted { sku, on_hand } => add_count(c, &e.id, sku, *on_hand, key)?,
        EventKind::CashMoved(m) => {
            let shift = m.shift.as_ref().map(id_cols);
            c.prepare_cached(
                "INSERT OR IGNORE INTO cash_moves (origin, seq, kind, amount_cents, reason, cashier, shift_origin, shift_seq, hlc_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                origin,
                seq,
                m.kind.as_str(),
                m.amount_cents.0,
                m.reason,
                m.cashier,
                shift.map(|s| s.0),
                shift.map(|s| s.1),
                k_ms(key)
            ])?;
        }
        EventKind::DrawerOpened(d) => {
            c.prepare_cached(
                "INSERT OR IGNORE INTO drawer_openings (origin, seq, reason, cashier, approved_by, hlc_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![origin, seq, d.reason, d.cashier, d.approved_by, k_ms(key)])?;
        }
        EventKind::DayClosed(z) => {
            // Serializing plain data to JSON cannot fail.
            let totals = serde_json::to_string(&z.totals).unwrap_or_default();
            // A second Z with the same number from one register (a forged or replayed event) is
            // kept in the log but not listed twice.
            c.prepare_cached(
                "INSERT OR IGNORE INTO z_reports (origin, seq, number, business_date, after_seq, opened_ms, closed_ms, net_cents,
                     grand_total_cents, expected_cash_cents, counted_cash_cents, closed_by, totals)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?
            .execute(params![
                origin,
                seq,
                z.number as i64,
                z.date,
                z.after_seq as i64,
                z.opened_ms as i64,
                k_ms(key),
                z.totals.net_cents().0,
                z.grand_total_cents.0,
                z.totals.expected_cash_cents().0,
                z.counted_cash_cents.map(|c| c.0),
                z.closed_by,
                totals
            ])?;
        }
        EventKind::StockAdjusted { sku, delta, reason } => {
            add_move(c, &e.id, reason.as_str(), 0, sku, *delta, key)?;
            if *reason == crate::model::AdjustReason::Received {
                track(c, sku)?;
            }
        }
        EventKind::Edited { change, base } => {
            if let Some(kind) = change.as_kind() {
                apply(c, &Event { id: e.id, hlc: e.hlc, kind })?;
            }
            match change {
                Change::Item(item) => set_details(c, item, key)?,
                Change::Tender(t) => {
                    c.prepare_cached(
                        "INSERT INTO tenders (name, active, hlc_ms, hlc_logical, hlc_origin) VALUES (?1, ?2, ?3, ?4, ?5)
                         ON CONFLICT(name) DO UPDATE SET active = excluded.active, hlc_ms = excluded.hlc_ms,
                             hlc_logical = excluded.hlc_logical, hlc_origin = excluded.hlc_origin
                         WHERE (excluded.hlc_ms, excluded.hlc_logical, excluded.hlc_origin) > (hlc_ms, hlc_logical, hlc_origin)",
                    )?
                    .execute(params![t.name, t.active, k_ms(key), key.hlc.logical, o(&key)])?;
                }
                _ => {}
            }
            record_edit(c, &change.subject(), *base, &e.id)?;
        }
        EventKind::RegisterNamed { name } => {
            c.prepare_cached(
                "INSERT INTO registers (origin, name, hlc_ms, hlc_logical) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(origin) DO UPDATE SET name = excluded.name, hlc_ms = excluded.hlc_ms, hlc_logical = excluded.hlc_logical
                 WHERE (excluded.hlc_ms, excluded.hlc_logical) > (hlc_ms, hlc_logical)",
            )?
            .execute(params![origin, name, k_ms(key), key.hlc.logical])?;
        }
        EventKind::ServerElected { register, term } => {
            c.prepare_cached(
                "INSERT OR IGNORE INTO server_terms (origin, seq, register, term) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![origin, seq, &register.0[..], *term as i64])?;
        }
        EventKind::ConflictResolved { conflict, note, by } => {
            c.prepare_cached(
                "INSERT OR IGNORE INTO conflict_resolutions (origin, seq, conflict, note, by_name, hlc_ms, hlc_logical)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![origin, seq, &conflict.0[..], note, by, k_ms(key), key.hlc.logical])?;
        }
    }
    Ok(())
}

pub(super) fn key_at(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<LwwKey> {
    let ms: i64 = r.get(i)?;
    let logical: u32 = r.get(i + 1)?;
    let origin: Vec<u8> = r.get(i + 2)?;
    // Written from a RegisterId (16 bytes) and a non-negative time by this module only.
    Ok(LwwKey {
        hlc: Hlc { wall_ms: ms.max(0) as u64, logical },
        origin: RegisterId(origin.try_into().unwrap_or([0; 16])),
    })
}

fn key_opt(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<LwwKey>> {
    let ms: Option<i64> = r.get(i)?;
    match ms {
        None => Ok(None),
        Some(_) => key_at(r, i).map(Some),
    }
}

fn set_active(c: &Connection, sku: &Sku, active: bool, key: LwwKey) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE products SET active = ?2, active_hlc_ms = ?3, active_hlc_logical = ?4, active_hlc_origin = ?5 WHERE sku = ?1",
    )?
    .execute(params![sku.as_str(), active, k_ms(key), key.hlc.logical, o(&key)])?;
    Ok(())
}

/// Records a stock movement of record `id` and adds it to on-hand if it falls after the latest
/// count (or the SKU was never counted).
fn add_move(
    c: &Connection,
    id: &EventId,
    reason: &str,
    line: usize,
    sku: &Sku,
    delta: i64,
    key: LwwKey,
) -> rusqlite::Result<()> {
    let (origin, seq) = id_cols(id);
    let n = c
        .prepare_cached(
            "INSERT OR IGNORE INTO stock_moves (origin, seq, reason, line_no, sku, delta, hlc_ms, hlc_logical, hlc_origin)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![origin, seq, reason, line as i64, sku.as_str(), delta, k_ms(key), key.hlc.logical, o(&key)])?;
    if n == 1 {
        move_stock(c, sku.as_str(), delta, key)?;
    }
    Ok(())
}

/// Records a void's or a restocking return's claim to put `claimed` items of a line back on the
/// shelf, with nothing granted yet: [`settle_order`] decides how many go back.
pub(super) fn add_claim(
    c: &Connection,
    id: &EventId,
    reason: &str,
    line: usize,
    sku: &Sku,
    claimed: i64,
    key: LwwKey,
) -> rusqlite::Result<()> {
    let (origin, seq) = id_cols(id);
    c.prepare_cached(
        "INSERT OR IGNORE INTO stock_moves (origin, seq, reason, line_no, sku, delta, claimed, hlc_ms, hlc_logical, hlc_origin)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![origin, seq, reason, line as i64, sku.as_str(), claimed, k_ms(key), key.hlc.logical, o(&key)])?;
    c.prepare_cached("INSERT OR IGNORE INTO stock (sku, on_hand) VALUES (?1, 0)")?.execute([sku.as_str()])?;
    Ok(())
}

/// Marks a product's stock as kept (counted or received), so stock below zero is a conflict.
fn track(c: &Connection, sku: &Sku) -> rusqlite::Result<()> {
    let n = c.prepare_cached("UPDATE stock SET tracked = 1 WHERE sku = ?1 AND tracked = 0")?.execute([sku.as_str()])?;
    if n == 1 {
        refresh_oversold(c, sku.as_str())?;
    }
    Ok(())
}

/// Adds a movement made at `key` to on-hand, unless the latest count is later (then the count
/// already includes it). Sale lines go through [`sell`], every other movement through
/// [`move_stock`]: both keep the SKU's oversold conflict in step.
pub(super) fn add_to_on_hand(c: &Connection, sku: &str, delta: i64, key: LwwKey) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO stock (sku, on_hand) VALUES (?1, ?2)
         ON CONFLICT(sku) DO UPDATE SET on_hand = on_hand + excluded.on_hand
         WHERE count_hlc_ms IS NULL OR (?3, ?4, ?5) > (count_hlc_ms, count_hlc_logical, count_hlc_origin)",
    )?
    .execute(params![sku, delta, k_ms(key), key.hlc.logical, o(&key)])?;
    Ok(())
}

/// [`add_to_on_hand`] for a movement other than a sale (void, return, adjustment, or undoing
/// one), keeping the SKU's oversold conflict in step.
pub(super) fn move_stock(c: &Connection, sku: &str, delta: i64, key: LwwKey) -> rusqlite::Result<()> {
    if delta != 0 {
        add_to_on_hand(c, sku, delta, key)?;
        refresh_oversold(c, sku)?;
    }
    Ok(())
}

/// A sale line's movement. The common case is one UPDATE, as cheap as the plain movement: it
/// applies unless the SKU's row is missing, a later count already includes the sale, or the
/// sale takes kept (tracked) stock from zero or above to below zero; only then the full
/// movement and the oversold conflict. (Stock already below zero has its conflict listed, and
/// how far below is read when listed.) A per-line lookup afterwards, a trigger, or a join per
/// order each cost 15-50% of the apply rate (docs/BENCHMARKS.md).
pub(super) fn sell(c: &Connection, sku: &str, qty: i64, key: LwwKey) -> rusqlite::Result<()> {
    let plain = c
        .prepare_cached(
            "UPDATE stock SET on_hand = on_hand - ?2
             WHERE sku = ?1 AND (count_hlc_ms IS NULL OR (?3, ?4, ?5) > (count_hlc_ms, count_hlc_logical, count_hlc_origin))
               AND NOT (tracked AND on_hand >= 0 AND on_hand - ?2 < 0)",
        )?
        .execute(params![sku, qty, k_ms(key), key.hlc.logical, o(&key)])?;
    if plain == 0 {
        add_to_on_hand(c, sku, -qty, key)?;
        refresh_oversold(c, sku)?;
    }
    Ok(())
}

/// Takes a record's movements of one reason back out (a void superseded by an earlier void of
/// the same order), undoing their effect on on-hand.
pub(super) fn remove_moves(c: &Connection, id: &EventId, reason: &str) -> rusqlite::Result<()> {
    let (origin, seq) = id_cols(id);
    let removed: Vec<(String, i64, LwwKey)> = c
        .prepare_cached(
            "DELETE FROM stock_moves WHERE origin = ?1 AND seq = ?2 AND reason = ?3
             RETURNING sku, delta, hlc_ms, hlc_logical, hlc_origin",
        )?
        .query_map(params![origin, seq, reason], |r| Ok((r.get(0)?, r.get(1)?, key_at(r, 2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (sku, delta, key) in removed {
        move_stock(c, &sku, -delta, key)?;
    }
    Ok(())
}

/// Records a count; if it is the latest, on-hand becomes the count plus every movement after it.
fn add_count(c: &Connection, id: &EventId, sku: &Sku, on_hand: i64, key: LwwKey) -> rusqlite::Result<()> {
    let (origin, seq) = id_cols(id);
    let n = c
        .prepare_cached(
            "INSERT OR IGNORE INTO stock_counts (origin, seq, sku, on_hand, hlc_ms, hlc_logical) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![origin, seq, sku.as_str(), on_hand, k_ms(key), key.hlc.logical])?;
    if n == 1 {
        c.prepare_cached("INSERT OR IGNORE INTO stock (sku, on_hand) VALUES (?1, 0)")?.execute([sku.as_str()])?;
        c.prepare_cached(
            "UPDATE stock SET
                 on_hand = ?2 + (SELECT COALESCE(SUM(delta), 0) FROM stock_moves INDEXED BY stock_moves_by_time
                                 WHERE (hlc_ms, hlc_logical, hlc_origin) > (?3, ?4, ?5) AND sku = ?1)
                              - (SELECT COALESCE(SUM(l.qty), 0) FROM orders o INDEXED BY orders_time
                                 JOIN order_lines l ON l.origin = o.origin AND l.seq = o.seq
                                 WHERE (o.hlc_ms, o.hlc_logical, o.origin) > (?3, ?4, ?5) AND l.sku = ?1),
                 count_hlc_ms = ?3, count_hlc_logical = ?4, count_hlc_origin = ?5
             WHERE sku = ?1 AND (count_hlc_ms IS NULL OR (?3, ?4, ?5) > (count_hlc_ms, count_hlc_logical, count_hlc_origin))",
        )?
        .execute(params![sku.as_str(), on_hand, k_ms(key), key.hlc.logical, o(&key)])?;
        c.prepare_cached("UPDATE stock SET tracked = 1 WHERE sku = ?1")?.execute([sku.as_str()])?;
        // A newer count starts a new oversold conflict (or ends the old one).
        refresh_oversold(c, sku.as_str())?;
    }
    Ok(())
}

/// Sets a product's details (category, barcodes) if `key` is later than the write that set them.
fn set_details(c: &Connection, item: &Item, key: LwwKey) -> rusqlite::Result<()> {
    let sku = item.product.sku.as_str();
    let n = c
        .prepare_cached(
            "UPDATE products SET category = ?2, details_hlc_ms = ?3, details_hlc_logical = ?4, details_hlc_origin = ?5
             WHERE sku = ?1 AND (details_hlc_ms IS NULL
                 OR (?3, ?4, ?5) > (details_hlc_ms, details_hlc_logical, details_hlc_origin))",
        )?
        .execute(params![sku, item.category, k_ms(key), key.hlc.logical, o(&key)])?;
    if n == 1 {
        c.prepare_cached("DELETE FROM barcodes WHERE sku = ?1")?.execute([sku])?;
        let mut ins = c.prepare_cached("INSERT OR IGNORE INTO barcodes (code, sku) VALUES (?1, ?2)")?;
        for b in &item.barcodes {
            let code = crate::model::parse_barcode(b).map(|b| b.lookup_key().to_string()).unwrap_or_else(|_| b.clone());
            ins.execute(params![code, sku])?;
        }
    }
    Ok(())
}
