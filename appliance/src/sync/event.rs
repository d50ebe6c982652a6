//! The event: the unit of change that registers exchange, and its versioned binary encoding.

use serde::{Deserialize, Serialize};

use super::{Hlc, LwwKey};
use crate::model::{
    AdjustReason, CASH, CashMove, Cents, ConflictId, DrawerOpening, EventId, Item, MAX_CASH_ROUNDING_STEP,
    MAX_CONFLICT_NOTE, Order, Product, Refund, Return, Sale, Sku, TaxProfile, TenderRecord, User, ZReport,
    check_reason, check_setting,
};

/// Version byte that leads every encoded event. Bump it when an existing variant's layout changes;
/// new variants appended at the end of [`EventKind`] keep the version.
pub const EVENT_FORMAT_VERSION: u8 = 1;

/// Largest encoded event accepted from anywhere (an order of a few hundred lines fits easily).
pub const MAX_EVENT_BYTES: usize = 64 * 1024;

/// Why bytes are not an event this build can use.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    /// Zero bytes.
    #[error("empty event")]
    Empty,
    /// Longer than [`MAX_EVENT_BYTES`].
    #[error("event of {0} bytes is larger than the limit")]
    TooLarge(usize),
    /// Written by a newer Till with a different event layout.
    #[error(
        "event format version {0} is newer than this register understands ({EVENT_FORMAT_VERSION}); update this register"
    )]
    NewerVersion(u8),
    /// The bytes do not decode.
    #[error("malformed event: {0}")]
    Malformed(#[from] postcard::Error),
    /// Extra bytes after the event.
    #[error("malformed event: {0} trailing bytes")]
    Trailing(usize),
    /// Decodes, but breaks a rule (totals that do not add up, an empty order, …).
    #[error("invalid event: {0}")]
    Invalid(String),
}

/// What happened. Variants are appended, never reordered: postcard encodes the variant index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    /// A product was added or edited (last write wins per SKU).
    ProductUpserted(Product),
    /// A product was taken off sale (last write wins against upserts of the same SKU).
    ProductRemoved {
        /// Which product.
        sku: Sku,
    },
    /// A tax profile was added or its rate changed (last write wins per name).
    TaxProfileChanged(TaxProfile),
    /// A user was added or changed (last write wins per name).
    UserChanged(User),
    /// A store-wide setting changed (last write wins per key).
    SettingChanged {
        /// One of [`crate::model::SETTING_KEYS`].
        key: String,
        /// The new value.
        value: String,
    },
    /// A sale was completed; the event id is the order id.
    OrderCreated(Order),
    /// An order was voided; its goods go back into stock.
    OrderVoided {
        /// Which order.
        order: EventId,
        /// The order's lines as (SKU, quantity), so stock can be restored even if this event
        /// arrives before the order itself.
        lines: Vec<(Sku, u32)>,
    },
    /// Goods from an earlier order came back; the event id is the return id.
    ReturnCreated(Return),
    /// A cashier opened a shift with a cash float; the event id is the shift id.
    ShiftOpened {
        /// Cash in the drawer at the start.
        float_cents: Cents,
        /// Who opened it.
        cashier: Option<String>,
    },
    /// A shift was closed with the counted cash.
    ShiftClosed {
        /// Which shift.
        shift: EventId,
        /// Cash counted in the drawer.
        counted_cents: Cents,
        /// Float + cash sales − cash refunds, as the closing register computed it.
        expected_cents: Cents,
    },
    /// Stock was counted: on-hand is this figure as of this event's time.
    StockCounted {
        /// Which product.
        sku: Sku,
        /// Items on hand.
        on_hand: i64,
    },
    /// Stock changed by a delta (delivery, damage).
    StockAdjusted {
        /// Which product.
        sku: Sku,
        /// Change in items on hand.
        delta: i64,
        /// Why.
        reason: AdjustReason,
    },
    /// A product, tax profile, user or setting was changed by someone who saw version `base` of
    /// it (`None`: they saw no such record). Applied like the plain kinds above (last write
    /// wins); two edits made on the same base did not see each other, and are listed as a
    /// conflict with both values kept. Registers of this release write edits this way.
    Edited {
        /// What changed.
        change: Change,
        /// The `(hlc, origin)` of the record's latest write as the editor saw it.
        base: Option<LwwKey>,
    },
    /// A manager settled a conflict (see [`crate::model::ConflictKind`]).
    ConflictResolved {
        /// Which conflict.
        conflict: ConflictId,
        /// What was done about it, in the manager's words.
        note: String,
        /// Who settled it, if given.
        by: Option<String>,
    },
    /// The register that made this event goes by `name` (its order-number prefix) from now on
    /// (last write wins per register): so every register can name the others, and a name used
    /// twice is noticed.
    RegisterNamed {
        /// The name.
        name: String,
    },
    /// A sale in the counter's order shape (discounts, tax breakdown, tenders, change, cashier):
    /// what registers of schema 6 on write instead of [`EventKind::OrderCreated`]. The event id
    /// is the order id.
    OrderPlaced(Sale),
    /// An order was voided, with who did it and who approved it: what registers of schema 6 on
    /// write instead of [`EventKind::OrderVoided`] (same merge rule: the earliest void counts).
    VoidRecorded {
        /// Which order.
        order: EventId,
        /// The order's lines as (SKU, quantity), as for [`EventKind::OrderVoided`].
        lines: Vec<(Sku, u32)>,
        /// Who voided it.
        cashier: Option<String>,
        /// The manager who approved it.
        approved_by: Option<String>,
    },
    /// Goods came back, refunded by a chosen tender: what registers of schema 6 on write instead
    /// of [`EventKind::ReturnCreated`]. The event id is the return id.
    Refunded(Refund),
    /// Cash put into or taken out of the drawer outside a sale (paid in, paid out, a drop to
    /// the safe). The event id is its id.
    CashMoved(CashMove),
    /// The drawer opened without a sale, approved by a manager.
    DrawerOpened(DrawerOpening),
    /// A Z report closed the business day on the register that made it: it covers that
    /// register's events after its previous Z.
    DayClosed(ZReport),
    /// `register` serves the store from `term` on (docs/ARCHITECTURE.md, "Promotion and
    /// terms"): written by a client promoted to server, with a term one above the highest it
    /// knew. Every register derives who serves with [`crate::sync::elected`].
    ServerElected {
        /// The register that serves.
        register: crate::model::RegisterId,
        /// Its term, from 1.
        term: u64,
    },
    /// A sale whose cash part was rounded to the store's step (`cash_rounding`, issue 19): the
    /// sale as [`EventKind::OrderPlaced`], and the difference the rounding made, a fact recorded
    /// once (never worked out again), so every register and report agrees. Its tenders less its
    /// change come to its total plus the rounding. A sale that rounds nothing is still an
    /// `OrderPlaced`, which older registers apply.
    OrderRounded {
        /// The sale.
        sale: Sale,
        /// Added to the total by rounding the cash due (negative: taken off), in minor units.
        cash_rounding_cents: Cents,
    },
    /// Goods came back and were refunded in cash rounded to the store's step (`cash_rounding`):
    /// the return as [`EventKind::Refunded`], and the difference the rounding made to the cash
    /// paid out, a fact recorded once. The drawer paid out its refund plus the rounding. A cash
    /// refund that rounds nothing, and every other refund, is still a `Refunded`.
    RefundRounded {
        /// The return.
        refund: Refund,
        /// Added to the refund by rounding the cash paid out (negative: taken off), in minor units.
        cash_rounding_cents: Cents,
    },
}

/// A change to one last-write-wins record: the payload of [`EventKind::Edited`]. Not recursive
/// (no nested events), so a hostile event cannot nest deeply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// As [`EventKind::ProductUpserted`].
    Product(Product),
    /// As [`EventKind::ProductRemoved`].
    ProductRemoved {
        /// Which product.
        sku: Sku,
    },
    /// As [`EventKind::TaxProfileChanged`].
    TaxProfile(TaxProfile),
    /// As [`EventKind::UserChanged`].
    User(User),
    /// As [`EventKind::SettingChanged`].
    Setting {
        /// The setting.
        key: String,
        /// Its new value.
        value: String,
    },
    /// A product with this release's details (category, barcodes): the product's data as
    /// [`Change::Product`], and its details as a second record of the same product.
    Item(Item),
    /// A tender the store accepts besides cash and card was added or taken away.
    Tender(TenderRecord),
}

impl Change {
    /// The plain event this change applies as (for an item: its product data; its details are
    /// applied beside it). `None` for a change with no plain kind of its own (a tender).
    pub fn as_kind(&self) -> Option<EventKind> {
        Some(match self.clone() {
            Change::Product(p) => EventKind::ProductUpserted(p),
            Change::ProductRemoved { sku } => EventKind::ProductRemoved { sku },
            Change::TaxProfile(t) => EventKind::TaxProfileChanged(t),
            Change::User(u) => EventKind::UserChanged(u),
            Change::Setting { key, value } => EventKind::SettingChanged { key, value },
            Change::Item(i) => EventKind::ProductUpserted(i.product),
            Change::Tender(_) => return None,
        })
    }

    /// The record changed, as `kind:key` (`product:TEA`, `user:ann`): the unit of concurrency.
    pub fn subject(&self) -> String {
        match self {
            Change::Product(p) => format!("product:{}", p.sku),
            Change::ProductRemoved { sku } => format!("product:{sku}"),
            Change::TaxProfile(t) => format!("tax:{}", t.name),
            Change::User(u) => format!("user:{}", u.name),
            Change::Setting { key, .. } => format!("setting:{key}"),
            Change::Item(i) => format!("product:{}", i.product.sku),
            Change::Tender(t) => format!("tender:{}", t.name),
        }
    }

    /// The new value in words for a manager (never a PIN hash).
    pub fn describe(&self) -> String {
        let money = |c: Cents| c.to_string();
        match self {
            Change::Product(p) => format!(
                "{} at {}{}",
                p.name,
                money(p.price_cents),
                p.tax_profile.as_ref().map(|t| format!(", tax {t}")).unwrap_or_default()
            ),
            Change::ProductRemoved { .. } => "taken off sale".into(),
            Change::TaxProfile(t) => format!("rate {}", t.rate_bp),
            // The PIN is never shown, not even as its hash.
            Change::User(u) => format!("{}{}", u.role.as_str(), if u.active { "" } else { " (removed)" }),
            Change::Setting { value, .. } => format!("{value:?}"),
            Change::Item(i) => {
                let mut d = Change::Product(i.product.clone()).describe();
                if let Some(c) = &i.category {
                    d.push_str(&format!(", in {c}"));
                }
                if !i.barcodes.is_empty() {
                    d.push_str(&format!(", barcodes {}", i.barcodes.join(" ")));
                }
                d
            }
            Change::Tender(t) => if t.active { "accepted" } else { "no longer accepted" }.into(),
        }
    }
}

impl EventKind {
    /// The sale of an [`EventKind::OrderPlaced`] or [`EventKind::OrderRounded`], with its cash
    /// rounding (zero for the first).
    pub fn sale(&self) -> Option<(&Sale, Cents)> {
        match self {
            EventKind::OrderPlaced(s) => Some((s, Cents::ZERO)),
            EventKind::OrderRounded { sale, cash_rounding_cents } => Some((sale, *cash_rounding_cents)),
            _ => None,
        }
    }

    /// The return of an [`EventKind::Refunded`] or [`EventKind::RefundRounded`], with the
    /// rounding of its cash paid out (zero for the first).
    pub fn refund(&self) -> Option<(&Refund, Cents)> {
        match self {
            EventKind::Refunded(r) => Some((r, Cents::ZERO)),
            EventKind::RefundRounded { refund, cash_rounding_cents } => Some((refund, *cash_rounding_cents)),
            _ => None,
        }
    }

    /// A short stable name, stored beside the event for support queries.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::ProductUpserted(_) => "product_upserted",
            EventKind::ProductRemoved { .. } => "product_removed",
            EventKind::TaxProfileChanged(_) => "tax_profile_changed",
            EventKind::UserChanged(_) => "user_changed",
            EventKind::SettingChanged { .. } => "setting_changed",
            EventKind::OrderCreated(_) => "order_created",
            EventKind::OrderVoided { .. } => "order_voided",
            EventKind::ReturnCreated(_) => "return_created",
            EventKind::ShiftOpened { .. } => "shift_opened",
            EventKind::ShiftClosed { .. } => "shift_closed",
            EventKind::StockCounted { .. } => "stock_counted",
            EventKind::StockAdjusted { .. } => "stock_adjusted",
            EventKind::Edited { .. } => "edited",
            EventKind::ConflictResolved { .. } => "conflict_resolved",
            EventKind::RegisterNamed { .. } => "register_named",
            EventKind::OrderPlaced(_) => "order_placed",
            EventKind::VoidRecorded { .. } => "void_recorded",
            EventKind::Refunded(_) => "refunded",
            EventKind::CashMoved(_) => "cash_moved",
            EventKind::DrawerOpened(_) => "drawer_opened",
            EventKind::DayClosed(_) => "day_closed",
            EventKind::ServerElected { .. } => "server_elected",
            EventKind::OrderRounded { .. } => "order_rounded",
            EventKind::RefundRounded { .. } => "refund_rounded",
        }
    }

    /// Rewrites the ids of other records this event refers to (orders, shifts), for a register
    /// that re-issues its events under a new id after being restored from a backup.
    pub fn remap_refs(&mut self, map: impl Fn(EventId) -> EventId) {
        match self {
            EventKind::OrderCreated(o) => o.shift = o.shift.map(&map),
            EventKind::OrderPlaced(o) | EventKind::OrderRounded { sale: o, .. } => o.shift = o.shift.map(&map),
            EventKind::OrderVoided { order, .. } | EventKind::VoidRecorded { order, .. } => *order = map(*order),
            EventKind::Refunded(r) | EventKind::RefundRounded { refund: r, .. } => {
                r.order = map(r.order);
                r.shift = r.shift.map(&map);
            }
            EventKind::ReturnCreated(r) => {
                r.order = map(r.order);
                r.shift = r.shift.map(&map);
            }
            EventKind::ShiftClosed { shift, .. } => *shift = map(*shift),
            EventKind::CashMoved(m) => m.shift = m.shift.map(&map),
            EventKind::ProductUpserted(_)
            | EventKind::ProductRemoved { .. }
            | EventKind::TaxProfileChanged(_)
            | EventKind::UserChanged(_)
            | EventKind::SettingChanged { .. }
            | EventKind::ShiftOpened { .. }
            | EventKind::StockCounted { .. }
            | EventKind::StockAdjusted { .. }
            | EventKind::Edited { .. }
            | EventKind::ConflictResolved { .. }
            | EventKind::RegisterNamed { .. }
            | EventKind::DrawerOpened(_)
            | EventKind::DayClosed(_)
            | EventKind::ServerElected { .. } => {}
        }
    }

    /// Checks the rules a well-behaved register never breaks, so a buggy or hostile peer cannot
    /// plant impossible figures.
    pub fn validate(&self) -> Result<(), CodecError> {
        let bad = |m: &str| Err(CodecError::Invalid(m.to_string()));
        let short_ok = |n: &Option<String>| n.as_ref().is_none_or(|n| !n.is_empty() && n.len() <= 128);
        let amount_ok = |c: Cents| (0..=crate::model::MAX_AMOUNT_CENTS * 10_000).contains(&c.0);
        match self {
            EventKind::OrderCreated(o) => {
                if o.lines.is_empty() || o.lines.len() > 500 {
                    return bad("an order needs 1 to 500 lines");
                }
                let mut sub = 0i64;
                let mut tax = 0i64;
                for l in &o.lines {
                    // Ranges first: the product of unchecked figures could overflow.
                    if !(1..=9999).contains(&l.qty)
                        || !amount_ok(l.unit_price_cents)
                        || !amount_ok(l.tax_cents)
                        || l.unit_price_cents.0.checked_mul(i64::from(l.qty)) != Some(l.subtotal_cents.0)
                    {
                        return bad("order line figures do not add up");
                    }
                    sub = sub.saturating_add(l.subtotal_cents.0);
                    tax = tax.saturating_add(l.tax_cents.0);
                }
                if o.subtotal_cents.0 != sub || o.tax_cents.0 != tax || o.total_cents.0 != sub.saturating_add(tax) {
                    return bad("order totals do not add up");
                }
            }
            EventKind::OrderVoided { lines, .. } => {
                if lines.len() > 500 || lines.iter().any(|(_, q)| !(1..=9999).contains(q)) {
                    return bad("void lines out of range");
                }
            }
            EventKind::OrderPlaced(o) | EventKind::OrderRounded { sale: o, .. } => {
                let rounding = match self {
                    EventKind::OrderRounded { cash_rounding_cents, .. } => *cash_rounding_cents,
                    _ => Cents::ZERO,
                };
                o.check_rounded(rounding).map_err(|m| CodecError::Invalid(m.to_string()))?;
                if !short_ok(&o.cashier) || !short_ok(&o.approved_by) || o.number.is_empty() || o.number.len() > 80 {
                    return bad("order names out of range");
                }
            }
            EventKind::VoidRecorded { order, lines, cashier, approved_by } => {
                EventKind::OrderVoided { order: *order, lines: lines.clone() }.validate()?;
                if !short_ok(cashier) || !short_ok(approved_by) {
                    return bad("void names out of range");
                }
            }
            EventKind::Refunded(r) | EventKind::RefundRounded { refund: r, .. } => {
                if let EventKind::RefundRounded { cash_rounding_cents: c, .. } = self
                    && (c.0 == 0 || c.0.abs() >= MAX_CASH_ROUNDING_STEP || r.tender != CASH)
                {
                    return bad("cash rounding out of range");
                }
                if r.lines.is_empty()
                    || r.lines.len() > 500
                    || r.lines.iter().any(|l| !(1..=9999).contains(&l.qty) || !amount_ok(l.refund_cents))
                    || r.refund_cents.0 != r.lines.iter().fold(0i64, |a, l| a.saturating_add(l.refund_cents.0))
                    || r.tender.is_empty()
                    || r.tender.len() > 24
                    || !short_ok(&r.cashier)
                    || !short_ok(&r.approved_by)
                {
                    return bad("return figures do not add up");
                }
            }
            EventKind::ReturnCreated(r) => {
                if r.lines.is_empty()
                    || r.lines.len() > 500
                    || r.lines.iter().any(|l| !(1..=9999).contains(&l.qty) || !amount_ok(l.refund_cents))
                    || r.refund_cents.0 != r.lines.iter().fold(0i64, |a, l| a.saturating_add(l.refund_cents.0))
                {
                    return bad("return figures do not add up");
                }
            }
            EventKind::ProductUpserted(p) => {
                if !amount_ok(p.price_cents) || p.name.is_empty() || p.name.len() > 400 {
                    return bad("product out of range");
                }
            }
            EventKind::SettingChanged { key, value } => {
                check_setting(key, value).map_err(|e| CodecError::Invalid(e.to_string()))?;
            }
            EventKind::StockCounted { on_hand: n, .. } | EventKind::StockAdjusted { delta: n, .. } => {
                if !(-1_000_000_000..=1_000_000_000).contains(n) {
                    return bad("stock figure out of range");
                }
            }
            EventKind::ShiftOpened { float_cents, .. } => {
                if !amount_ok(*float_cents) {
                    return bad("float out of range");
                }
            }
            EventKind::ShiftClosed { counted_cents, .. } => {
                if !amount_ok(*counted_cents) {
                    return bad("counted cash out of range");
                }
            }
            EventKind::Edited { change: Change::Item(i), .. } => {
                EventKind::ProductUpserted(i.product.clone()).validate()?;
                i.check().map_err(|m| CodecError::Invalid(m.to_string()))?;
            }
            EventKind::Edited { change: Change::Tender(t), .. } => {
                if t.name.is_empty() || t.name.len() > 24 || t.name.chars().any(|c| c.is_control()) {
                    return bad("tender name out of range");
                }
            }
            EventKind::Edited { change, .. } => {
                if let Some(k) = change.as_kind() {
                    k.validate()?;
                }
            }
            EventKind::ConflictResolved { note, by, .. } => {
                let printable = |t: &str| !t.chars().any(char::is_control);
                if note.trim().is_empty()
                    || note.len() > MAX_CONFLICT_NOTE
                    || !printable(note)
                    || by.as_ref().is_some_and(|b| b.is_empty() || b.len() > 64 || !printable(b))
                {
                    return bad("conflict note out of range");
                }
            }
            EventKind::RegisterNamed { name } => {
                if name.is_empty() || name.len() > 64 || name.chars().any(char::is_control) {
                    return bad("register name out of range");
                }
            }
            EventKind::CashMoved(m) => {
                if m.amount_cents.0 <= 0
                    || !amount_ok(m.amount_cents)
                    || !check_reason(&m.reason)
                    || !short_ok(&m.cashier)
                {
                    return bad("cash movement out of range");
                }
            }
            EventKind::DrawerOpened(d) => {
                if !check_reason(&d.reason) || !short_ok(&d.cashier) || !short_ok(&d.approved_by) {
                    return bad("drawer opening out of range");
                }
            }
            EventKind::DayClosed(z) => z.check().map_err(|m| CodecError::Invalid(m.to_string()))?,
            // Term 0 is the store's first server, which no event names; SQLite keeps i64.
            EventKind::ServerElected { term, .. } => {
                if *term == 0 || *term > i64::MAX as u64 {
                    return bad("server term out of range");
                }
            }
            EventKind::ProductRemoved { .. } | EventKind::TaxProfileChanged(_) | EventKind::UserChanged(_) => {}
        }
        Ok(())
    }
}

/// Who made an event, when, and its place in its origin's sequence: readable even when the
/// payload is of a kind this build does not know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventHeader {
    /// `(origin, seq)`: unique and stable, so delivering an event twice changes nothing.
    pub id: EventId,
    /// When, in hybrid logical time.
    pub hlc: Hlc,
}

/// A change to shared store data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// `(origin, seq)`.
    pub id: EventId,
    /// When, in hybrid logical time.
    pub hlc: Hlc,
    /// What happened.
    pub kind: EventKind,
}

/// Where an event stands in its register's chain (docs/DATA.md, "The journal and its export"):
/// written after the kind by registers of this release on, so that an event edited, removed or
/// moved on one box breaks the chain of the events its register made after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Link {
    /// The first event of a new register (seq 1).
    Start,
    /// The first event under a new id after a re-key (seq 1): the register went by `previous`
    /// before, and that id's chain ends where the re-key found it.
    Restart {
        /// The id the register had.
        previous: crate::model::RegisterId,
    },
    /// Any later event: [`event_hash`] of the full stored bytes of the same register's event
    /// `seq − 1`.
    After([u8; 32]),
}

/// BLAKE2b-256 of an event's full encoded bytes (its link included): what the next event of the
/// same register carries in [`Link::After`], and the head hash `till journal verify` prints.
pub fn event_hash(bytes: &[u8]) -> [u8; 32] {
    use blake2::{Blake2b, Digest, digest::consts::U32};
    Blake2b::<U32>::digest(bytes).into()
}

impl Event {
    /// The version byte followed by postcard of the header and the kind, without a link (what
    /// releases before the journal wrote; registers now write [`Event::encode_linked`]).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(96);
        out.push(EVENT_FORMAT_VERSION);
        let header = EventHeader { id: self.id, hlc: self.hlc };
        // Serializing plain data into a Vec cannot fail; an empty vec would be refused on decode.
        out = postcard::to_extend(&header, out).unwrap_or_default();
        postcard::to_extend(&self.kind, out).unwrap_or_default()
    }

    /// [`Event::encode`] followed by postcard of its place in its register's chain.
    pub fn encode_linked(&self, link: &Link) -> Vec<u8> {
        postcard::to_extend(link, self.encode()).unwrap_or_default()
    }

    /// Decodes and validates an event (with or without a link after its kind).
    pub fn decode(bytes: &[u8]) -> Result<Event, CodecError> {
        Event::decode_linked(bytes).map(|(e, _)| e)
    }

    /// Decodes and validates an event and its link: `None` for an event written before the
    /// journal (nothing after the kind). Anything after the link is refused.
    pub fn decode_linked(bytes: &[u8]) -> Result<(Event, Option<Link>), CodecError> {
        let (header, rest) = split_header(bytes)?;
        let (kind, trailing) = postcard::take_from_bytes::<EventKind>(rest)?;
        let link = if trailing.is_empty() {
            None
        } else {
            let (link, trailing) = postcard::take_from_bytes::<Link>(trailing)?;
            if !trailing.is_empty() {
                return Err(CodecError::Trailing(trailing.len()));
            }
            Some(link)
        };
        kind.validate()?;
        Ok((Event { id: header.id, hlc: header.hlc, kind }, link))
    }

    /// The link an encoded event carries (`None`: written before the journal). The whole event
    /// is decoded and validated: the link's place depends on the kind's length.
    pub fn link_of(bytes: &[u8]) -> Result<Option<Link>, CodecError> {
        Event::decode_linked(bytes).map(|(_, l)| l)
    }

    /// Decodes only the header.
    pub fn decode_header(bytes: &[u8]) -> Result<EventHeader, CodecError> {
        split_header(bytes).map(|(h, _)| h)
    }
}

/// An event received from another register, decoded as far as this build can.
///
/// The header must be readable (it is what identifies the event); the payload may not be: a kind
/// added by a newer release, or a payload that breaks one of this build's rules (a setting key it
/// does not know yet). Such an event is still stored and relayed, so nothing is lost on its way
/// between registers, and it is applied once this register understands it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incoming {
    /// Who made it, when, and its place in its origin's sequence.
    pub header: EventHeader,
    /// The decoded event, if this build can apply it.
    pub event: Option<Event>,
    /// Why it cannot be applied, if it cannot.
    pub unreadable: Option<String>,
    /// The encoded event, stored as received.
    pub bytes: Vec<u8>,
}

impl Incoming {
    /// Decodes an event from another register. Fails only if even its header is unreadable
    /// (empty, oversized, another format version, garbage): then there is nothing to store.
    pub fn decode(bytes: Vec<u8>) -> Result<Incoming, CodecError> {
        let (header, event, unreadable) = Incoming::parse(&bytes)?;
        Ok(Incoming { header, event, unreadable, bytes })
    }

    /// The header, the event if this build can apply it, and why not otherwise: without taking
    /// or copying the bytes.
    pub fn parse(bytes: &[u8]) -> Result<(EventHeader, Option<Event>, Option<String>), CodecError> {
        match Event::decode(bytes) {
            Ok(e) => Ok((EventHeader { id: e.id, hlc: e.hlc }, Some(e), None)),
            Err(err) => {
                let (header, _) = split_header(bytes)?;
                Ok((header, None, Some(err.to_string())))
            }
        }
    }
}

fn split_header(bytes: &[u8]) -> Result<(EventHeader, &[u8]), CodecError> {
    let (&version, rest) = bytes.split_first().ok_or(CodecError::Empty)?;
    if bytes.len() > MAX_EVENT_BYTES {
        return Err(CodecError::TooLarge(bytes.len()));
    }
    if version > EVENT_FORMAT_VERSION {
        return Err(CodecError::NewerVersion(version));
    }
    if version == 0 {
        return Err(CodecError::Invalid("version 0".into()));
    }
    let (header, rest) = postcard::take_from_bytes::<EventHeader>(rest)?;
    if header.id.seq == 0 {
        return Err(CodecError::Invalid("sequence numbers start at 1".into()));
    }
    // SQLite integers are signed 64-bit: larger values would sort wrong in the store.
    if header.id.seq > i64::MAX as u64 || header.hlc.wall_ms > i64::MAX as u64 {
        return Err(CodecError::Invalid("sequence or clock out of range".into()));
    }
    Ok((header, rest))
}

#[cfg(test)]
#[path = "event_tests.rs"]
mod tests;
