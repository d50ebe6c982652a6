//! The export outbox: device-local entries for the online shop, one per exported event, written
//! in the transaction that stores the event (`Tx::queue_export`, called wherever an event is
//! stored: rung here, synced in, re-issued) while this register is the store's exporter, and
//! worked off by `export::worker` after the commit.
//!
//! Entries of one order go out in the order they were queued; an entry is `pending` (with its
//! next try), `sent` (with the platform's id) or `dead` (with the platform's message) until a
//! manager retries it.

use rusqlite::params;
use serde::Serialize;

use super::{Reader, Store, StoreError, Tx, kv};
use crate::config::Mode;
use crate::model::EventId;
use crate::sync::{Event, EventKind};

/// What an entry tells the platform.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Topic {
    /// A sale.
    #[serde(rename = "order.created")]
    OrderCreated,
    /// A sale voided.
    #[serde(rename = "order.voided")]
    OrderVoided,
    /// Goods came back and were refunded.
    #[serde(rename = "return.created")]
    ReturnCreated,
    /// Stock counted or adjusted (a delivery, a write-off).
    #[serde(rename = "stock.changed")]
    StockChanged,
    /// The rules opened a conflict for a manager.
    #[serde(rename = "conflict.opened")]
    ConflictOpened,
}

impl Topic {
    /// Its name on the wire (`order.created`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::OrderCreated => "order.created",
            Topic::OrderVoided => "order.voided",
            Topic::ReturnCreated => "return.created",
            Topic::StockChanged => "stock.changed",
            Topic::ConflictOpened => "conflict.opened",
        }
    }

    fn parse(s: &str) -> Option<Topic> {
        [Topic::OrderCreated, Topic::OrderVoided, Topic::ReturnCreated, Topic::StockChanged, Topic::ConflictOpened]
            .into_iter()
            .find(|t| t.as_str() == s)
    }

    /// The topic of an event, and the order it belongs to; `None` for events not exported.
    pub fn of(event: &Event) -> Option<(Topic, Option<String>)> {
        let own = || Some(event.id.to_string());
        Some(match &event.kind {
            EventKind::OrderCreated(_) | EventKind::OrderPlaced(_) | EventKind::OrderRounded { .. } => {
                (Topic::OrderCreated, own())
            }
            EventKind::OrderVoided { order, .. } | EventKind::VoidRecorded { order, .. } => {
                (Topic::OrderVoided, Some(order.to_string()))
            }
            EventKind::ReturnCreated(r) => (Topic::ReturnCreated, Some(r.order.to_string())),
            EventKind::Refunded(r) | EventKind::RefundRounded { refund: r, .. } => {
                (Topic::ReturnCreated, Some(r.order.to_string()))
            }
            EventKind::StockCounted { .. } | EventKind::StockAdjusted { .. } => (Topic::StockChanged, None),
            _ => return None,
        })
    }
}

/// Event kinds (as stored in `events.kind`) that are exported.
const EXPORTED_KINDS: &str = "'order_created','order_placed','order_voided','void_recorded','return_created','refunded','stock_counted','stock_adjusted'";

/// An entry's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryState {
    /// Not yet delivered.
    Pending,
    /// Delivered.
    Sent,
    /// The platform refused it for good; a manager's retry sends it again.
    Dead,
}

/// One entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutboxEntry {
    /// Its place in the queue.
    pub id: i64,
    /// The Till event id (`origin:seq`) or `conflict:<hex>`: the webhook-id, the idempotency key.
    pub key: String,
    /// What it tells.
    pub topic: Topic,
    /// The order it belongs to (sales, voids, returns).
    pub order_key: Option<String>,
    /// When the event happened, ms since the epoch.
    pub at_ms: i64,
    /// Its state.
    pub state: EntryState,
    /// Tries so far.
    pub attempts: i64,
    /// Not before this time (ms since the epoch).
    pub next_try_ms: i64,
    /// The last failure, in the platform's words where it gave some.
    pub last_error: Option<String>,
    /// The platform's id for what was made.
    pub remote_id: Option<String>,
}

/// The outbox in figures (`till export status`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OutboxCounts {
    /// Entries waiting.
    pub pending: u64,
    /// Entries delivered.
    pub sent: u64,
    /// Entries refused for good.
    pub dead: u64,
    /// When the oldest waiting entry's event happened (ms since the epoch).
    pub oldest_pending_ms: Option<i64>,
    /// The most recent failure.
    pub last_error: Option<String>,
}

const COLS: &str = "id, key, topic, order_key, at_ms, state, attempts, next_try_ms, last_error, remote_id";

fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<OutboxEntry> {
    let state: String = r.get(5)?;
    let topic: String = r.get(2)?;
    Ok(OutboxEntry {
        id: r.get(0)?,
        key: r.get(1)?,
        topic: Topic::parse(&topic).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, format!("topic {topic}").into())
        })?,
        order_key: r.get(3)?,
        at_ms: r.get(4)?,
        state: match state.as_str() {
            "sent" => EntryState::Sent,
            "dead" => EntryState::Dead,
            _ => EntryState::Pending,
        },
        attempts: r.get(6)?,
        next_try_ms: r.get(7)?,
        last_error: r.get(8)?,
        remote_id: r.get(9)?,
    })
}

impl Tx<'_> {
    /// Whether this register is the store's exporter: an export is set up and it is not a
    /// client (the server exports for the store; a standalone register for itself).
    pub fn exporting(&self) -> Result<bool, StoreError> {
        if self.kv_raw(kv::EXPORT.name)?.is_none() {
            return Ok(false);
        }
        Ok(self.get(kv::MODE)? != Some(Mode::Client))
    }

    /// Queues `event` for the online shop if it is exported and this register exports; a
    /// second call for the same event does nothing.
    pub fn queue_export(&mut self, event: &Event, now_ms: u64) -> Result<(), StoreError> {
        let Some((topic, order_key)) = Topic::of(event) else { return Ok(()) };
        let exporting = match self.exporting {
            Some(e) => e,
            None => *self.exporting.insert(self.exporting()?),
        };
        if !exporting {
            return Ok(());
        }
        self.tx
            .prepare_cached(
                "INSERT OR IGNORE INTO outbox (key, topic, order_key, at_ms, queued_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .and_then(|mut st| {
                st.execute(params![
                    event.id.to_string(),
                    topic.as_str(),
                    order_key,
                    event.hlc.wall_ms as i64,
                    now_ms as i64
                ])
            })
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Queues every exported event stored since `since_ms` (HLC wall time) that is not queued
    /// yet, in log order: what a register does when it becomes the exporter. Returns how many.
    pub fn backfill_export(&mut self, since_ms: u64, now_ms: u64) -> Result<u64, StoreError> {
        let bodies: Vec<Vec<u8>> = self.reader().rows(
            &format!(
                "SELECT body FROM events WHERE applied = 1 AND hlc_ms >= ?1 AND kind IN ({EXPORTED_KINDS})
                     AND (lower(hex(origin)) || ':' || seq) NOT IN (SELECT key FROM outbox) ORDER BY rowid"
            ),
            [since_ms as i64],
            |r| r.get(0),
        )?;
        let mut n = 0;
        for body in bodies {
            if let Ok(event) = Event::decode(&body) {
                self.queue_export(&event, now_ms)?;
                n += 1;
            }
        }
        Ok(n)
    }
}

impl Reader<'_> {
    /// The next entry due at `now_ms` whose order has nothing earlier still waiting or dead. A
    /// stock change also waits for every earlier entry still waiting (not the dead ones, which
    /// wait for a manager): platforms that take a stock figure as it stands must not get it
    /// before a sale rung earlier, or they take that sale off twice.
    pub fn next_export(&self, now_ms: u64) -> Result<Option<OutboxEntry>, StoreError> {
        self.one(
            &format!(
                "SELECT {COLS} FROM outbox o WHERE state = 'pending' AND next_try_ms <= ?1
                 AND (order_key IS NULL OR NOT EXISTS (SELECT 1 FROM outbox p
                      WHERE p.order_key = o.order_key AND p.id < o.id AND p.state != 'sent'))
                 AND (topic != 'stock.changed' OR NOT EXISTS (SELECT 1 FROM outbox p
                      WHERE p.state = 'pending' AND p.id < o.id))
                 ORDER BY id LIMIT 1"
            ),
            [now_ms as i64],
            entry,
        )
    }

    /// When the next waiting entry is due (ms since the epoch), if any waits.
    pub fn next_export_due(&self) -> Result<Option<i64>, StoreError> {
        Ok(self
            .one("SELECT min(next_try_ms) FROM outbox WHERE state = 'pending'", [], |r| r.get::<_, Option<i64>>(0))?
            .flatten())
    }

    /// An entry by its key.
    pub fn export_entry(&self, key: &str) -> Result<Option<OutboxEntry>, StoreError> {
        self.one(&format!("SELECT {COLS} FROM outbox WHERE key = ?1"), [key], entry)
    }

    /// Entries, newest first: all, or those in `state`.
    pub fn export_entries(&self, state: Option<EntryState>, limit: u32) -> Result<Vec<OutboxEntry>, StoreError> {
        let state = state.map(|s| match s {
            EntryState::Pending => "pending",
            EntryState::Sent => "sent",
            EntryState::Dead => "dead",
        });
        self.rows(
            &format!("SELECT {COLS} FROM outbox WHERE ?1 IS NULL OR state = ?1 ORDER BY id DESC LIMIT ?2"),
            params![state, limit],
            entry,
        )
    }

    /// The platform's id for the sale `order_key` (`origin:seq`), once its order.created went.
    pub fn exported_order(&self, order_key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .one(
                "SELECT remote_id FROM outbox WHERE key = ?1 AND topic = 'order.created' AND state = 'sent'",
                [order_key],
                |r| r.get::<_, Option<String>>(0),
            )?
            .flatten())
    }

    /// Waiting and refused entries, read through their partial indexes (the screen's badge asks
    /// at every refresh; [`Reader::export_counts`] reads every sent entry too).
    pub fn export_backlog(&self) -> Result<(u64, u64), StoreError> {
        let n = |state: &str| {
            self.one(&format!("SELECT count(*) FROM outbox WHERE state = '{state}'"), [], |r| r.get::<_, i64>(0))
                .map(|c| c.unwrap_or(0).max(0) as u64)
        };
        Ok((n("pending")?, n("dead")?))
    }

    /// Pending, sent and dead entries, the oldest waiting and the last error.
    pub fn export_counts(&self) -> Result<OutboxCounts, StoreError> {
        let row = self.one(
            "SELECT count(*) FILTER (WHERE state = 'pending'), count(*) FILTER (WHERE state = 'sent'),
                    count(*) FILTER (WHERE state = 'dead'), min(at_ms) FILTER (WHERE state = 'pending')
             FROM outbox",
            [],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, Option<i64>>(3)?)),
        )?;
        let last_error = self.one(
            "SELECT last_error FROM outbox WHERE state != 'sent' AND last_error IS NOT NULL ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get::<_, String>(0),
        )?;
        let (p, s, d, oldest) = row.unwrap_or_default();
        Ok(OutboxCounts {
            pending: p.max(0) as u64,
            sent: s.max(0) as u64,
            dead: d.max(0) as u64,
            oldest_pending_ms: oldest,
            last_error,
        })
    }

    /// When the oldest waiting entry was queued (ms since the epoch), if any waits: how far the
    /// export lags. An event's own time can be much older than that (a client's sale synced in
    /// late, the history queued when an export `since=all` begins) without the export being slow.
    pub fn export_waiting_since(&self) -> Result<Option<i64>, StoreError> {
        Ok(self
            .one("SELECT min(queued_ms) FROM outbox WHERE state = 'pending'", [], |r| r.get::<_, Option<i64>>(0))?
            .flatten())
    }
}

impl Store {
    /// Records a delivery.
    pub fn export_sent(&mut self, id: i64, remote_id: Option<&str>, now_ms: u64) -> Result<(), StoreError> {
        self.outbox_update(
            "UPDATE outbox SET state = 'sent', attempts = attempts + 1, sent_ms = ?2, last_error = NULL,
             remote_id = COALESCE(?3, remote_id) WHERE id = ?1",
            params![id, now_ms as i64, remote_id],
        )
    }

    /// Records a failed try; the entry waits until `next_try_ms`.
    pub fn export_failed(&mut self, id: i64, error: &str, next_try_ms: u64) -> Result<(), StoreError> {
        self.outbox_update(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_try_ms = ?3 WHERE id = ?1",
            params![id, error, next_try_ms as i64],
        )
    }

    /// Records a refusal for good (the platform's message).
    pub fn export_dead(&mut self, id: i64, error: &str) -> Result<(), StoreError> {
        self.outbox_update(
            "UPDATE outbox SET state = 'dead', attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
            params![id, error],
        )
    }

    /// Keeps the platform's id of what a send made before it knew whether all of it went (a
    /// Shopify order whose transactions are still to come).
    pub fn export_remote_id(&mut self, id: i64, remote_id: &str) -> Result<(), StoreError> {
        self.outbox_update("UPDATE outbox SET remote_id = ?2 WHERE id = ?1", params![id, remote_id])
    }

    /// Marks entries the platform already has (found by the exporter's lookup) as sent.
    pub fn export_known(&mut self, known: &[(String, Option<String>)], now_ms: u64) -> Result<(), StoreError> {
        self.write(|tx| {
            let mut st = tx
                .tx
                .prepare_cached(
                    "UPDATE outbox SET state = 'sent', sent_ms = ?2, last_error = NULL, remote_id = COALESCE(?3, remote_id)
                     WHERE key = ?1 AND state != 'sent'",
                )
                .map_err(|e| tx.err(e))?;
            for (key, remote) in known {
                st.execute(params![key, now_ms as i64, remote]).map_err(|e| tx.err(e))?;
            }
            Ok(())
        })
    }

    /// Sends dead (or waiting) entries again at once: one by key, or every dead one. Returns how
    /// many.
    pub fn export_retry(&mut self, key: Option<&str>) -> Result<u64, StoreError> {
        self.write(|tx| {
            let n = match key {
                Some(k) => tx.tx.execute(
                    "UPDATE outbox SET state = 'pending', next_try_ms = 0 WHERE key = ?1 AND state != 'sent'",
                    [k],
                ),
                None => tx.tx.execute("UPDATE outbox SET state = 'pending', next_try_ms = 0 WHERE state = 'dead'", []),
            }
            .map_err(|e| tx.err(e))?;
            Ok(n as u64)
        })
    }

    /// Queues what this register holds since `since_ms` and has not queued (see
    /// [`Tx::backfill_export`]).
    pub fn backfill_export(&mut self, since_ms: u64, now_ms: u64) -> Result<u64, StoreError> {
        self.write(|tx| tx.backfill_export(since_ms, now_ms))
    }

    fn outbox_update(&mut self, sql: &str, p: impl rusqlite::Params) -> Result<(), StoreError> {
        self.write(|tx| tx.tx.execute(sql, p).map(|_| ()).map_err(|e| tx.err(e)))
    }
}

/// Whether `key` names an event (`origin:seq`), not a conflict.
pub fn event_key(key: &str) -> Option<EventId> {
    key.parse().ok()
}
