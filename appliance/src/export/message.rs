//! What an outbox entry says, read from the database when it is sent: the same objects the CLI
//! prints with `--json` (an order, a return, a conflict), so a receiver of webhooks and a script
//! reading `till order list --json` see one shape.

use serde::Serialize;
use serde_json::{Value, json};

use crate::model::EventId;
use crate::store::{ConflictRow, OrderRow, OutboxEntry, Reader, ReturnRow, StoreError, Topic, event_key};
use crate::sync::{Event, EventKind};

/// A stock change (`stock.changed`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StockChange {
    /// The SKU.
    pub sku: String,
    /// `counted` (on hand set to a figure) or `received` / `damaged` (a delta).
    pub reason: String,
    /// The change, for a delivery or a write-off.
    pub delta: Option<i64>,
    /// The figure counted, for a count.
    pub counted: Option<i64>,
    /// On hand at this register after everything it holds (what the shelf says now).
    pub on_hand: i64,
}

/// A void (`order.voided`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VoidInfo {
    /// Who voided it.
    pub cashier: Option<String>,
    /// The manager who approved it.
    pub approved_by: Option<String>,
}

/// One entry with what it tells.
#[derive(Clone, Debug)]
pub struct Message {
    /// The outbox entry (its key is the webhook-id and idempotency key).
    pub entry: OutboxEntry,
    /// The order: the sale itself, or the one voided or returned against.
    pub order: Option<OrderRow>,
    /// The return, for `return.created`.
    pub ret: Option<ReturnRow>,
    /// The void, for `order.voided`.
    pub void: Option<VoidInfo>,
    /// The stock change, for `stock.changed`.
    pub stock: Option<StockChange>,
    /// The conflict, for `conflict.opened`.
    pub conflict: Option<ConflictRow>,
    /// The platform's id for the order, once its `order.created` went.
    pub order_remote_id: Option<String>,
    /// The webhook body's `data`.
    pub data: Value,
}

/// Why a message cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    /// The database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// What the entry refers to is not (or no longer) in the database.
    #[error("{0} is not in the database")]
    Missing(String),
}

impl Message {
    /// Reads what `entry` tells.
    pub fn read(reader: &Reader<'_>, entry: OutboxEntry) -> Result<Message, MessageError> {
        let missing = || MessageError::Missing(entry.key.clone());
        let mut m = Message {
            order: None,
            ret: None,
            void: None,
            stock: None,
            conflict: None,
            order_remote_id: None,
            data: Value::Null,
            entry: entry.clone(),
        };
        if let Some(order_key) = &entry.order_key {
            if let Ok(id) = order_key.parse::<EventId>() {
                m.order = reader.order(&id)?;
            }
            if entry.topic != Topic::OrderCreated {
                m.order_remote_id = reader.exported_order(order_key)?;
            }
        }
        let event = match event_key(&entry.key) {
            Some(id) => Some(reader.event_body(&id)?.and_then(|b| Event::decode(&b).ok()).ok_or_else(missing)?),
            None => None,
        };
        m.data = match entry.topic {
            Topic::OrderCreated => serde_json::to_value(m.order.as_ref().ok_or_else(missing)?).unwrap_or_default(),
            Topic::OrderVoided => {
                let (cashier, approved_by) = match event.map(|e| e.kind) {
                    Some(EventKind::VoidRecorded { cashier, approved_by, .. }) => (cashier, approved_by),
                    _ => (None, None),
                };
                let void = VoidInfo { cashier, approved_by };
                let data = json!({ "id": entry.key, "order_id": entry.order_key, "order": m.order, "cashier": void.cashier,
                                   "approved_by": void.approved_by, "voided_ms": entry.at_ms });
                m.void = Some(void);
                data
            }
            Topic::ReturnCreated => {
                let id: EventId = entry.key.parse().map_err(|_| missing())?;
                let ret = reader.return_row(&id)?.ok_or_else(missing)?;
                let data = serde_json::to_value(&ret).unwrap_or_default();
                m.ret = Some(ret);
                data
            }
            Topic::StockChanged => {
                let (sku, reason, delta, counted) = match event.map(|e| e.kind) {
                    Some(EventKind::StockCounted { sku, on_hand }) => {
                        (sku.to_string(), "counted".to_string(), None, Some(on_hand))
                    }
                    Some(EventKind::StockAdjusted { sku, delta, reason }) => {
                        (sku.to_string(), reason.as_str().to_string(), Some(delta), None)
                    }
                    _ => return Err(missing()),
                };
                let on_hand = reader.stock(Some(&sku))?.first().map_or(0, |s| s.on_hand);
                let change = StockChange { sku, reason, delta, counted, on_hand };
                let data = json!({ "id": entry.key, "sku": change.sku, "reason": change.reason, "delta": change.delta,
                                   "counted": change.counted, "on_hand": change.on_hand, "changed_ms": entry.at_ms });
                m.stock = Some(change);
                data
            }
            Topic::ConflictOpened => {
                let id = entry.key.strip_prefix("conflict:").ok_or_else(missing)?;
                let c = reader.conflicts(true)?.into_iter().find(|c| c.id == id).ok_or_else(missing)?;
                let data = serde_json::to_value(&c).unwrap_or_default();
                m.conflict = Some(c);
                data
            }
        };
        Ok(m)
    }
}
