//! Applies one event to the materialized tables, following the merge rules of [`crate::sync`].
//!
//! Every function here is called inside the transaction that stored the event, and only for an
//! event that was new to this database, so each event is applied exactly once. The result depends
//! only on the set of events applied, not on their order.

use rusqlite::{Connection, OptionalExtension, params};

use crate::model::{RegisterId, Sku};
use crate::sync::{Event, EventKind, Hlc, LwwKey};

/// Applies `e` (new to this database) to the materialized tables.
pub(crate) fn apply(c: &Connection, e: &Event) -> rusqlite::Result<()> {
    let key = LwwKey { hlc: e.hlc, origin: e.id.origin };
    let id = e.id.to_string();
    match &e.kind {
        EventKind::ProductUpserted(p) => {
            let cur = c
                .prepare_cached(
                    "SELECT data_hlc_ms, data_hlc_logical, data_hlc_origin, active_hlc_ms, active_hlc_logical, active_hlc_origin
                     FROM products WHERE sku = ?1",
                )?
                .query_row([p.sku.as_str()], |r| Ok((key_opt(r, 0)?, key_at(r, 3)?)))
                .optional()?;
            match cur {
                None => {
                    c.prepare_cached(
                        "INSERT INTO products (sku, name, price_cents, tax_profile, data_hlc_ms, data_hlc_logical, data_hlc_origin,
                                               active, active_hlc_ms, active_hlc_logical, active_hlc_origin)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?5, ?6, ?7)",
                    )?
                    .execute(params![p.sku.as_str(), p.name, p.price_cents.0, p.tax_profile, k_ms(key), key.hlc.logical, o(&key)])?;
                }
                Some((data_key, active_key)) => {
                    if data_key.is_none_or(|d| key > d) {
                        c.prepare_cached(
                            "UPDATE products SET name = ?2, price_cents = ?3, tax_profile = ?4,
                                    data_hlc_ms = ?5, data_hlc_logical = ?6, data_hlc_origin = ?7 WHERE sku = ?1",
                        )?
                        .execute(params![
                            p.sku.as_str(),
                            p.name,
                            p.price_cents.0,
                            p.tax_profile,
                            k_ms(key),
                            key.hlc.logical,
                            o(&key)
                        ])?;
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
            let n = c
                .prepare_cached(
                    "INSERT OR IGNORE INTO orders (id, origin, number, payment, cashier, shift_id, subtotal_cents, tax_cents,
                                                   total_cents, hlc_ms, hlc_logical)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )?
                .execute(params![
                    id,
                    o(&key),
                    order.number,
                    order.payment.as_str(),
                    order.cashier,
                    order.shift.map(|s| s.to_string()),
                    order.subtotal_cents.0,
                    order.tax_cents.0,
                    order.total_cents.0,
                    k_ms(key),
                    key.hlc.logical
                ])?;
            if n == 1 {
                let mut ins = c.prepare_cached(
                    "INSERT INTO order_lines (order_id, line_no, sku, name, qty, unit_price_cents, tax_rate_bp, subtotal_cents, tax_cents)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )?;
                for (i, l) in order.lines.iter().enumerate() {
                    ins.execute(params![
                        id,
                        i as i64,
                        l.sku.as_str(),
                        l.name,
                        l.qty,
                        l.unit_price_cents.0,
                        l.tax_rate_bp.0,
                        l.subtotal_cents.0,
                        l.tax_cents.0
                    ])?;
                    add_move(c, &format!("{id}/{i}"), &l.sku, -i64::from(l.qty), "sale", key)?;
                }
            }
        }
        EventKind::OrderVoided { order, lines } => {
            let order_id = order.to_string();
            let cur = c
                .prepare_cached("SELECT hlc_ms, hlc_logical, hlc_origin FROM order_voids WHERE order_id = ?1")?
                .query_row([&order_id], |r| key_at(r, 0))
                .optional()?;
            // The earliest void counts, so two registers voiding the same order restock it once.
            let replace = match cur {
                None => true,
                Some(existing) if key < existing => {
                    let old: Vec<String> = c
                        .prepare_cached("SELECT move_id FROM stock_moves WHERE move_id >= ?1 AND move_id < ?2")?
                        .query_map(params![format!("void:{order_id}/"), format!("void:{order_id}0")], |r| r.get(0))?
                        .collect::<rusqlite::Result<_>>()?;
                    for m in old {
                        remove_move(c, &m)?;
                    }
                    true
                }
                Some(_) => false,
            };
            if replace {
                c.prepare_cached(
                    "INSERT INTO order_voids (order_id, void_id, hlc_ms, hlc_logical, hlc_origin) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT(order_id) DO UPDATE SET void_id = excluded.void_id, hlc_ms = excluded.hlc_ms,
                         hlc_logical = excluded.hlc_logical, hlc_origin = excluded.hlc_origin",
                )?
                .execute(params![order_id, id, k_ms(key), key.hlc.logical, o(&key)])?;
                for (i, (sku, qty)) in lines.iter().enumerate() {
                    add_move(c, &format!("void:{order_id}/{i}"), sku, i64::from(*qty), "void", key)?;
                }
            }
        }
        EventKind::ReturnCreated(r) => {
            let n = c
                .prepare_cached(
                    "INSERT OR IGNORE INTO returns (id, origin, order_id, order_number, restock, refund_cents, payment, shift_id, hlc_ms, hlc_logical)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )?
                .execute(params![
                    id,
                    o(&key),
                    r.order.to_string(),
                    r.order_number,
                    r.restock,
                    r.refund_cents.0,
                    r.payment.as_str(),
                    r.shift.map(|s| s.to_string()),
                    k_ms(key),
                    key.hlc.logical
                ])?;
            if n == 1 {
                let mut ins = c.prepare_cached(
                    "INSERT INTO return_lines (return_id, line_no, sku, qty, refund_cents) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?;
                for (i, l) in r.lines.iter().enumerate() {
                    ins.execute(params![id, i as i64, l.sku.as_str(), l.qty, l.refund_cents.0])?;
                    if r.restock {
                        add_move(c, &format!("{id}/{i}"), &l.sku, i64::from(l.qty), "return", key)?;
                    }
                }
            }
        }
        EventKind::ShiftOpened { float_cents, cashier } => {
            c.prepare_cached(
                "INSERT INTO shifts (id, origin, opened_ms, float_cents, cashier) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(id) DO UPDATE SET opened_ms = excluded.opened_ms, float_cents = excluded.float_cents,
                     cashier = excluded.cashier",
            )?
            .execute(params![id, o(&key), k_ms(key), float_cents.0, cashier])?;
        }
        EventKind::ShiftClosed { shift, counted_cents, expected_cents } => {
            c.prepare_cached(
                "INSERT INTO shifts (id, origin, closed_ms, counted_cents, expected_cents, close_hlc_ms, close_hlc_logical, close_hlc_origin)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?3, ?6, ?7)
                 ON CONFLICT(id) DO UPDATE SET closed_ms = excluded.closed_ms, counted_cents = excluded.counted_cents,
                     expected_cents = excluded.expected_cents, close_hlc_ms = excluded.close_hlc_ms,
                     close_hlc_logical = excluded.close_hlc_logical, close_hlc_origin = excluded.close_hlc_origin
                 WHERE close_hlc_ms IS NULL
                    OR (excluded.close_hlc_ms, excluded.close_hlc_logical, excluded.close_hlc_origin) < (close_hlc_ms, close_hlc_logical, close_hlc_origin)",
            )?
            .execute(params![
                shift.to_string(),
                &shift.origin.0[..],
                k_ms(key),
                counted_cents.0,
                expected_cents.0,
                key.hlc.logical,
                o(&key)
            ])?;
        }
        EventKind::StockCounted { sku, on_hand } => add_count(c, &id, sku, *on_hand, key)?,
        EventKind::StockAdjusted { sku, delta, reason } => {
            add_move(c, &format!("{id}/0"), sku, *delta, reason.as_str(), key)?
        }
    }
    Ok(())
}

fn k_ms(k: LwwKey) -> i64 {
    // Decoding refuses wall times above i64::MAX, so this never wraps.
    k.hlc.wall_ms as i64
}

fn o(k: &LwwKey) -> &[u8] {
    &k.origin.0
}

fn key_at(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<LwwKey> {
    let ms: i64 = r.get(i)?;
    let logical: u32 = r.get(i + 1)?;
    let origin: Vec<u8> = r.get(i + 2)?;
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

/// The key of the latest count of a SKU, creating its stock row if needed.
fn count_key(c: &Connection, sku: &Sku) -> rusqlite::Result<Option<LwwKey>> {
    c.prepare_cached("INSERT OR IGNORE INTO stock (sku, on_hand) VALUES (?1, 0)")?.execute([sku.as_str()])?;
    c.prepare_cached("SELECT count_hlc_ms, count_hlc_logical, count_hlc_origin FROM stock WHERE sku = ?1")?
        .query_row([sku.as_str()], |r| key_opt(r, 0))
}

fn add_move(c: &Connection, move_id: &str, sku: &Sku, delta: i64, reason: &str, key: LwwKey) -> rusqlite::Result<()> {
    let n = c
        .prepare_cached(
            "INSERT OR IGNORE INTO stock_moves (move_id, sku, delta, reason, hlc_ms, hlc_logical, hlc_origin)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![move_id, sku.as_str(), delta, reason, k_ms(key), key.hlc.logical, o(&key)])?;
    if n == 1 && count_key(c, sku)?.is_none_or(|ck| key > ck) {
        c.prepare_cached("UPDATE stock SET on_hand = on_hand + ?2 WHERE sku = ?1")?
            .execute(params![sku.as_str(), delta])?;
    }
    Ok(())
}

fn remove_move(c: &Connection, move_id: &str) -> rusqlite::Result<()> {
    let row = c
        .prepare_cached("SELECT sku, delta, hlc_ms, hlc_logical, hlc_origin FROM stock_moves WHERE move_id = ?1")?
        .query_row([move_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, key_at(r, 2)?)))
        .optional()?;
    let Some((sku, delta, key)) = row else { return Ok(()) };
    let sku: Sku =
        sku.parse().map_err(|e: crate::model::ModelError| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    c.prepare_cached("DELETE FROM stock_moves WHERE move_id = ?1")?.execute([move_id])?;
    if count_key(c, &sku)?.is_none_or(|ck| key > ck) {
        c.prepare_cached("UPDATE stock SET on_hand = on_hand - ?2 WHERE sku = ?1")?
            .execute(params![sku.as_str(), delta])?;
    }
    Ok(())
}

fn add_count(c: &Connection, event_id: &str, sku: &Sku, on_hand: i64, key: LwwKey) -> rusqlite::Result<()> {
    let n = c
        .prepare_cached(
            "INSERT OR IGNORE INTO stock_counts (event_id, sku, on_hand, hlc_ms, hlc_logical, hlc_origin) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![event_id, sku.as_str(), on_hand, k_ms(key), key.hlc.logical, o(&key)])?;
    if n == 1 && count_key(c, sku)?.is_none_or(|ck| key > ck) {
        let after: i64 = c
            .prepare_cached(
                "SELECT COALESCE(SUM(delta), 0) FROM stock_moves
                 WHERE sku = ?1 AND (hlc_ms, hlc_logical, hlc_origin) > (?2, ?3, ?4)",
            )?
            .query_row(params![sku.as_str(), k_ms(key), key.hlc.logical, o(&key)], |r| r.get(0))?;
        c.prepare_cached(
            "UPDATE stock SET on_hand = ?2, count_hlc_ms = ?3, count_hlc_logical = ?4, count_hlc_origin = ?5 WHERE sku = ?1",
        )?
        .execute(params![sku.as_str(), on_hand + after, k_ms(key), key.hlc.logical, o(&key)])?;
    }
    Ok(())
}
