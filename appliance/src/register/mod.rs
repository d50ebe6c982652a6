//! The register's operations: what a cashier or manager can do, checked against the current state
//! and recorded as one event each. The CLI, the screen and the sync server all come through here.
//!
//! Every operation runs in one write transaction: the checks see the same state the event is
//! applied to, even with another process (the CLI beside a running register) writing too.

use std::path::Path;

use crate::config::DEFAULT_REGISTER_NAME;
use crate::model::{
    AdjustReason, Cents, ConflictId, EventId, MAX_CONFLICT_NOTE, MAX_PRODUCT_NAME, MAX_SHORT_NAME, ModelError, Order,
    Payment, Product, RateBp, Return, ReturnLine, Role, Sku, TaxProfile, User, price_order, refund_for, validate_name,
    validate_pin, validate_setting,
};
use crate::store::{OrderRow, ReturnRow, ShiftRow, Store, StoreError, Tx, kv};
use crate::sync::{Change, Event, EventKind};

/// Text someone typed, escaped and cut short for an error message ([`crate::model::quote`]).
fn q(s: &str) -> String {
    crate::model::quote(s)
}

/// Why an operation was refused, in words for the person at the register.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    /// A value typed wrongly.
    #[error(transparent)]
    Input(#[from] ModelError),
    /// The database could not do its part.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No product with that SKU.
    #[error("no product with SKU {}", q(.0))]
    UnknownSku(String),
    /// The product exists but was removed from sale.
    #[error("product {} is not on sale (it was removed)", q(.0))]
    ProductRemoved(String),
    /// `product add` of a SKU that is already on sale.
    #[error("a product with SKU {} already exists; use `till product set-price` to change it", q(.0))]
    DuplicateSku(String),
    /// No tax profile of that name.
    #[error("no tax profile named {name}; add it with `till tax add {name} RATE`", name = q(.0))]
    UnknownTaxProfile(String),
    /// `tax add` of a name that exists.
    #[error("a tax profile named {} already exists; use `till tax set` to change its rate", q(.0))]
    DuplicateTaxProfile(String),
    /// No order with that number or id.
    #[error("no order {}", q(.0))]
    UnknownOrder(String),
    /// No register of that name or id has said hello to this server.
    #[error("no register {} has said hello to this server (till peers lists them)", q(.0))]
    UnknownRegister(String),
    /// Several registers share a name, so the number is ambiguous.
    #[error("order number {number} is ambiguous; use one of the ids: {ids}", number = q(.0), ids = .1)]
    AmbiguousOrder(String, String),
    /// The order was voided already.
    #[error("order {} is already voided", q(.0))]
    AlreadyVoided(String),
    /// Voiding an order that has returns would refund twice.
    #[error("order {} has returns; it cannot be voided", q(.0))]
    VoidWithReturns(String),
    /// Returning from a voided order.
    #[error("order {} was voided; nothing can be returned from it", q(.0))]
    ReturnFromVoided(String),
    /// The SKU is not on that order.
    #[error("order {} has no {} on it", q(.0), q(.1))]
    NotOnOrder(String, String),
    /// More back than was bought.
    #[error("cannot return {asked} of {}: order {} sold {sold} and {returned} came back already", q(.sku), q(.order))]
    ReturnTooMany {
        /// The order.
        order: String,
        /// The product.
        sku: String,
        /// Sold on the order.
        sold: u32,
        /// Already returned.
        returned: u32,
        /// Asked for now.
        asked: u32,
    },
    /// A shift is already open on this register.
    #[error("a shift is already open on this register (opened {0}); close it first")]
    ShiftAlreadyOpen(String),
    /// No shift open on this register.
    #[error("no shift is open on this register; open one with `till shift open --float AMOUNT`")]
    NoOpenShift,
    /// No active user of that name.
    #[error("no user named {}", q(.0))]
    UnknownUser(String),
    /// `user add` of a name that exists.
    #[error("a user named {} already exists", q(.0))]
    DuplicateUser(String),
    /// The PIN could not be hashed.
    #[error("could not hash the PIN: {0}")]
    Hash(String),
    /// The system clock is before 1970.
    #[error("the system clock is before 1970")]
    Clock,
    /// No conflict id starts with that.
    #[error("no conflict {}; `till conflicts --all` lists them", q(.0))]
    UnknownConflict(String),
    /// Too short, or several conflicts start with it.
    #[error("{prefix} names {n} conflicts; type more of its id (at least 6 characters)", prefix = q(.0), n = .1)]
    AmbiguousConflict(String, usize),
    /// Settled already (on this register or another).
    #[error("conflict {} is already resolved", q(.0))]
    ConflictAlreadyResolved(String),
    /// An empty, too long or unprintable note.
    #[error("a resolution needs a note of 1 to {MAX_CONFLICT_NOTE} bytes without control characters")]
    BadConflictNote,
    /// The register's own setup cannot be used (`till run` refuses to guess one).
    #[error("{0}; `till run` does not start in a guessed mode")]
    Setup(String),
}

/// How a failure should be reported: the CLI turns this into its exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorClass {
    /// The request breaks a rule or is malformed (exit 3).
    Rejected,
    /// Something named does not exist (exit 4).
    NotFound,
    /// The database cannot be used (exit 5).
    Storage,
    /// Anything else (exit 1).
    Internal,
}

impl RegisterError {
    /// Which class of failure this is.
    pub fn class(&self) -> ErrorClass {
        use RegisterError::*;
        match self {
            Input(_)
            | ProductRemoved(_)
            | DuplicateSku(_)
            | DuplicateTaxProfile(_)
            | AmbiguousOrder(..)
            | AlreadyVoided(_)
            | VoidWithReturns(_)
            | ReturnFromVoided(_)
            | NotOnOrder(..)
            | ReturnTooMany { .. }
            | ShiftAlreadyOpen(_)
            | NoOpenShift
            | DuplicateUser(_)
            | AmbiguousConflict(..)
            | ConflictAlreadyResolved(_)
            | BadConflictNote => ErrorClass::Rejected,
            UnknownSku(_) | UnknownTaxProfile(_) | UnknownOrder(_) | UnknownUser(_) | UnknownRegister(_)
            | UnknownConflict(_) => ErrorClass::NotFound,
            Store(StoreError::Sqlite(_)) | Store(StoreError::Codec(_)) | Hash(_) | Clock => ErrorClass::Internal,
            Store(_) | Setup(_) => ErrorClass::Storage,
        }
    }
}

/// A register: its store plus the operations people perform on it.
#[derive(Debug)]
pub struct Register {
    store: Store,
}

/// The result type of register operations.
pub type Result<T> = std::result::Result<T, RegisterError>;

/// The system wall clock in ms since the epoch; 0 if it is set before 1970 (a box without a
/// real-time clock can boot anywhere: the hybrid clock never goes back for it).
pub fn unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

fn system_ms() -> Result<u64> {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_err(|_| RegisterError::Clock)?;
    Ok(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The register's idea of now: the system clock plus the offset learned from its server.
fn now_in(tx: &Tx<'_>) -> Result<u64> {
    with_offset(tx.get(kv::CLOCK_OFFSET)?)
}

/// The system clock plus a stored offset (none until a server taught one).
fn with_offset(offset: Option<i64>) -> Result<u64> {
    Ok(system_ms()?.saturating_add_signed(offset.unwrap_or(0)))
}

fn append(tx: &mut Tx<'_>, kind: EventKind) -> Result<Event> {
    let now = now_in(tx)?;
    // The store learns this register's name (new, or changed in setup) with its next event.
    let name = tx.get(kv::REGISTER_NAME)?.unwrap_or_else(|| DEFAULT_REGISTER_NAME.to_string());
    if tx.get(kv::NAME_ANNOUNCED)?.as_ref() != Some(&name) {
        tx.append_local(EventKind::RegisterNamed { name: name.clone() }, now)?;
        tx.set(kv::NAME_ANNOUNCED, &name)?;
    }
    Ok(tx.append_local(kind, now)?)
}

/// Appends an edit of a shared record with the version of it this register holds, so an edit
/// made elsewhere on the same version is recognised as concurrent (docs/DATA.md, "Conflicts").
fn edit(tx: &mut Tx<'_>, change: Change) -> Result<Event> {
    let base = tx.reader().version_of(&change)?;
    append(tx, EventKind::Edited { change, base })
}

impl Register {
    /// Opens the register whose data lives in `dir`.
    pub fn open(dir: &Path) -> Result<Register> {
        Ok(Register { store: Store::open(dir)? })
    }

    /// Wraps an open store.
    pub fn from_store(store: Store) -> Register {
        Register { store }
    }

    /// The underlying store (for reads and for the sync layer).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The underlying store, mutable.
    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// The register's short name (order number prefix).
    pub fn name(&self) -> Result<String> {
        Ok(self.store.get(kv::REGISTER_NAME)?.unwrap_or_else(|| DEFAULT_REGISTER_NAME.to_string()))
    }

    /// The register's current time in ms (system clock plus the learned offset).
    pub fn now_ms(&self) -> Result<u64> {
        with_offset(self.store.get(kv::CLOCK_OFFSET)?)
    }

    fn product_for_edit(tx: &Tx<'_>, sku: &Sku) -> Result<Product> {
        let row = tx.reader().product(sku.as_str())?.ok_or_else(|| RegisterError::UnknownSku(sku.to_string()))?;
        if !row.active {
            return Err(RegisterError::ProductRemoved(sku.to_string()));
        }
        Ok(Product {
            sku: sku.clone(),
            name: row.name,
            price_cents: Cents(row.price_cents),
            tax_profile: row.tax_profile,
        })
    }

    /// Adds a product (or puts a removed one back on sale), optionally with a counted stock figure.
    pub fn add_product(
        &mut self,
        sku: Sku,
        name: &str,
        price: Cents,
        stock: Option<i64>,
        tax: Option<&str>,
    ) -> Result<()> {
        let name = validate_name(name, MAX_PRODUCT_NAME)?;
        self.store.write(|tx| {
            if let Some(p) = tx.reader().product(sku.as_str())?
                && p.active
            {
                return Err(RegisterError::DuplicateSku(sku.to_string()));
            }
            if let Some(t) = tax {
                tx.reader().tax_rate(t)?.ok_or_else(|| RegisterError::UnknownTaxProfile(t.to_string()))?;
            }
            let product = Product { sku: sku.clone(), name, price_cents: price, tax_profile: tax.map(str::to_string) };
            edit(tx, Change::Product(product))?;
            if let Some(n) = stock {
                append(tx, EventKind::StockCounted { sku, on_hand: n })?;
            }
            Ok(())
        })
    }

    /// Changes a product's price.
    pub fn set_price(&mut self, sku: &Sku, price: Cents) -> Result<()> {
        self.store.write(|tx| {
            let mut p = Self::product_for_edit(tx, sku)?;
            p.price_cents = price;
            edit(tx, Change::Product(p)).map(|_| ())
        })
    }

    /// Takes a product off sale (its history stays).
    pub fn remove_product(&mut self, sku: &Sku) -> Result<()> {
        self.store.write(|tx| {
            Self::product_for_edit(tx, sku)?;
            edit(tx, Change::ProductRemoved { sku: sku.clone() }).map(|_| ())
        })
    }

    /// Adds a tax profile; `replace` allows changing an existing one's rate.
    pub fn set_tax(&mut self, name: &str, rate: RateBp, replace: bool) -> Result<()> {
        let name = validate_name(name, MAX_SHORT_NAME)?;
        self.store.write(|tx| {
            let exists = tx.reader().tax_rate(&name)?.is_some();
            if exists && !replace {
                return Err(RegisterError::DuplicateTaxProfile(name));
            }
            if !exists && replace {
                return Err(RegisterError::UnknownTaxProfile(name));
            }
            edit(tx, Change::TaxProfile(TaxProfile { name, rate_bp: rate })).map(|_| ())
        })
    }

    /// Rings a sale: prices the items as they are now, assigns the next order number, and
    /// records it. Selling more than is in stock is allowed (stock goes negative and is flagged):
    /// a count that is off must not stop a sale at the counter.
    pub fn create_order(&mut self, items: &[(Sku, u32)], payment: Payment, cashier: Option<&str>) -> Result<OrderRow> {
        if items.is_empty() {
            return Err(ModelError::BadQuantity("(no items)".into()).into());
        }
        let name = self.name()?;
        let id = self.store.write(|tx| {
            if let Some(c) = cashier {
                tx.reader().active_user(c)?.ok_or_else(|| RegisterError::UnknownUser(c.to_string()))?;
            }
            // Same SKU twice on the command line is one line on the receipt.
            let mut merged: Vec<(Sku, u32)> = Vec::new();
            for (sku, q) in items {
                match merged.iter_mut().find(|(s, _)| s == sku) {
                    Some((_, mq)) => *mq = mq.saturating_add(*q),
                    None => merged.push((sku.clone(), *q)),
                }
            }
            let mut priced = Vec::with_capacity(merged.len());
            for (sku, qty) in merged {
                if qty > 9999 {
                    return Err(ModelError::BadQuantity(qty.to_string()).into());
                }
                let p = Self::product_for_edit(tx, &sku)?;
                let rate = match &p.tax_profile {
                    // A product whose tax profile has not arrived (yet) is not sold at 0 % tax.
                    Some(t) => tx.reader().tax_rate(t)?.ok_or_else(|| RegisterError::UnknownTaxProfile(t.clone()))?,
                    None => RateBp(0),
                };
                priced.push((p, rate, qty));
            }
            let (lines, sub, tax, total) = price_order(&priced);
            let n = tx.next_counter(kv::ORDER_COUNTER)?;
            let shift = tx.reader().open_shift(tx.register_id())?.map(|(id, _)| id);
            let order = Order {
                number: format!("{name}-{n:06}"),
                lines,
                subtotal_cents: sub,
                tax_cents: tax,
                total_cents: total,
                payment,
                cashier: cashier.map(str::to_string),
                shift,
            };
            Ok::<_, RegisterError>(append(tx, EventKind::OrderCreated(order))?.id)
        })?;
        self.store.reader().order(&id)?.ok_or_else(|| RegisterError::UnknownOrder(id.to_string()))
    }

    /// Finds one order by human number or full id.
    fn find_order(tx: &Tx<'_>, number: &str) -> Result<OrderRow> {
        if let Ok(id) = number.parse::<EventId>()
            && let Some(o) = tx.reader().order(&id)?
        {
            return Ok(o);
        }
        let mut found = tx.reader().orders_by_number(number)?;
        match found.len() {
            0 => Err(RegisterError::UnknownOrder(number.to_string())),
            1 => Ok(found.remove(0)),
            _ => Err(RegisterError::AmbiguousOrder(
                number.to_string(),
                found.iter().map(|o| o.id.as_str()).collect::<Vec<_>>().join(", "),
            )),
        }
    }

    /// Voids an order: it stays on record, marked void, and its goods go back into stock.
    pub fn void_order(&mut self, number: &str) -> Result<OrderRow> {
        let id = self.store.write(|tx| {
            let o = Self::find_order(tx, number)?;
            let id: EventId = o.id.parse().map_err(|_| RegisterError::UnknownOrder(o.id.clone()))?;
            if o.voided {
                return Err(RegisterError::AlreadyVoided(o.number));
            }
            if tx.reader().has_returns(&id)? {
                return Err(RegisterError::VoidWithReturns(o.number));
            }
            let mut lines = Vec::with_capacity(o.lines.len());
            for l in &o.lines {
                lines.push((l.sku.parse::<Sku>()?, l.qty));
            }
            append(tx, EventKind::OrderVoided { order: id, lines })?;
            Ok(id)
        })?;
        self.store.reader().order(&id)?.ok_or_else(|| RegisterError::UnknownOrder(id.to_string()))
    }

    /// Takes goods back from an earlier order, refunding them the way the order was paid.
    pub fn create_return(&mut self, number: &str, items: &[(Sku, u32)], restock: bool) -> Result<ReturnRow> {
        if items.is_empty() {
            return Err(ModelError::BadQuantity("(no items)".into()).into());
        }
        let rid = self.store.write(|tx| {
            let o = Self::find_order(tx, number)?;
            if o.voided {
                return Err(RegisterError::ReturnFromVoided(o.number));
            }
            let order_id: EventId = o.id.parse().map_err(|_| RegisterError::UnknownOrder(o.id.clone()))?;
            let mut lines: Vec<ReturnLine> = Vec::new();
            for (sku, qty) in items {
                let ol = o
                    .lines
                    .iter()
                    .find(|l| l.sku == sku.as_str())
                    .ok_or_else(|| RegisterError::NotOnOrder(o.number.clone(), sku.to_string()))?;
                let asked_before: u32 = lines.iter().filter(|l| &l.sku == sku).map(|l| l.qty).sum();
                let already = ol.returned_qty + asked_before;
                if already + qty > ol.qty {
                    return Err(RegisterError::ReturnTooMany {
                        order: o.number.clone(),
                        sku: sku.to_string(),
                        sold: ol.qty,
                        returned: already,
                        asked: *qty,
                    });
                }
                let model_line = crate::model::OrderLine {
                    sku: sku.clone(),
                    name: ol.name.clone(),
                    qty: ol.qty,
                    unit_price_cents: Cents(ol.unit_price_cents),
                    tax_rate_bp: RateBp(ol.tax_rate_bp),
                    subtotal_cents: Cents(ol.subtotal_cents),
                    tax_cents: Cents(ol.tax_cents),
                };
                lines.push(ReturnLine {
                    sku: sku.clone(),
                    qty: *qty,
                    refund_cents: refund_for(&model_line, already, *qty),
                });
            }
            let payment: Payment = o.payment.parse()?;
            let shift = tx.reader().open_shift(tx.register_id())?.map(|(id, _)| id);
            let refund = Cents(lines.iter().map(|l| l.refund_cents.0).sum());
            let r = Return {
                order: order_id,
                order_number: o.number,
                lines,
                restock,
                refund_cents: refund,
                payment,
                shift,
            };
            Ok(append(tx, EventKind::ReturnCreated(r))?.id)
        })?;
        let rid = rid.to_string();
        self.store.reader().returns()?.into_iter().find(|r| r.id == rid).ok_or(RegisterError::UnknownOrder(rid))
    }

    /// Opens a shift on this register with a cash float.
    pub fn open_shift(&mut self, float: Cents, cashier: Option<&str>) -> Result<ShiftRow> {
        self.store.write(|tx| {
            if let Some((_, s)) = tx.reader().open_shift(tx.register_id())? {
                // open_shift only returns shifts whose opening is known; 0 is never shown.
                return Err(RegisterError::ShiftAlreadyOpen(crate::store::format_ms(s.opened_ms.unwrap_or(0))));
            }
            if let Some(c) = cashier {
                tx.reader().active_user(c)?.ok_or_else(|| RegisterError::UnknownUser(c.to_string()))?;
            }
            append(tx, EventKind::ShiftOpened { float_cents: float, cashier: cashier.map(str::to_string) })?;
            tx.reader().open_shift(tx.register_id())?.map(|(_, s)| s).ok_or(RegisterError::NoOpenShift)
        })
    }

    /// Closes this register's open shift with the counted cash; returns it with expected vs counted.
    pub fn close_shift(&mut self, counted: Cents) -> Result<ShiftRow> {
        let id = self.store.write(|tx| {
            let (id, _) = tx.reader().open_shift(tx.register_id())?.ok_or(RegisterError::NoOpenShift)?;
            let expected = Cents(tx.reader().expected_cash(&id)?);
            append(tx, EventKind::ShiftClosed { shift: id, counted_cents: counted, expected_cents: expected })?;
            Ok::<_, RegisterError>(id.to_string())
        })?;
        self.store.reader().shifts()?.into_iter().find(|s| s.id == id).ok_or(RegisterError::NoOpenShift)
    }

    /// Records a stock count: on hand is `n` as of now.
    pub fn count_stock(&mut self, sku: &Sku, n: i64) -> Result<()> {
        self.store.write(|tx| {
            tx.reader().product(sku.as_str())?.ok_or_else(|| RegisterError::UnknownSku(sku.to_string()))?;
            append(tx, EventKind::StockCounted { sku: sku.clone(), on_hand: n }).map(|_| ())
        })
    }

    /// Records goods received (positive) or written off as damaged (`reason`).
    pub fn adjust_stock(&mut self, sku: &Sku, delta: i64, reason: AdjustReason) -> Result<()> {
        self.store.write(|tx| {
            tx.reader().product(sku.as_str())?.ok_or_else(|| RegisterError::UnknownSku(sku.to_string()))?;
            append(tx, EventKind::StockAdjusted { sku: sku.clone(), delta, reason }).map(|_| ())
        })
    }

    /// Adds a user with a PIN, stored only as an Argon2id hash.
    pub fn add_user(&mut self, name: &str, role: Role, pin: &str) -> Result<()> {
        let name = validate_name(name, MAX_SHORT_NAME)?;
        validate_pin(pin)?;
        // Hash before taking the write lock: Argon2 is deliberately slow.
        let pin_hash = hash_pin(pin)?;
        self.store.write(|tx| {
            if tx.reader().active_user(&name)?.is_some() {
                return Err(RegisterError::DuplicateUser(name));
            }
            edit(tx, Change::User(User { name, role, pin_hash, active: true })).map(|_| ())
        })
    }

    /// Checks a user's PIN; returns their role if it matches.
    pub fn verify_pin(&self, name: &str, pin: &str) -> Result<Option<Role>> {
        let Some((role, hash)) = self.store.reader().active_user(name)? else { return Ok(None) };
        // The table only holds known roles (a CHECK constraint); an unknown one grants nothing.
        Ok(verify_pin_hash(pin, &hash).then(|| role.parse().ok()).flatten())
    }

    /// Settles a conflict named by a prefix of its id (6 characters or more) with a note.
    pub fn resolve_conflict(&mut self, prefix: &str, note: &str, by: Option<&str>) -> Result<ConflictId> {
        let note = note.trim();
        if note.is_empty() || note.len() > MAX_CONFLICT_NOTE || note.chars().any(char::is_control) {
            return Err(RegisterError::BadConflictNote);
        }
        let by = by.map(|b| validate_name(b, MAX_SHORT_NAME)).transpose()?;
        let prefix = prefix.trim();
        if !prefix.chars().all(|c| c.is_ascii_hexdigit()) || prefix.is_empty() {
            return Err(RegisterError::UnknownConflict(prefix.to_string()));
        }
        self.store.write(|tx| {
            let found = tx.reader().conflicts_matching(prefix)?;
            let (id, settled) = match found.as_slice() {
                [] => return Err(RegisterError::UnknownConflict(prefix.to_string())),
                [one] if prefix.len() >= 6 => one.to_owned(),
                more => return Err(RegisterError::AmbiguousConflict(prefix.to_string(), more.len())),
            };
            if settled {
                return Err(RegisterError::ConflictAlreadyResolved(id.short()));
            }
            append(tx, EventKind::ConflictResolved { conflict: id, note: note.to_string(), by })?;
            Ok(id)
        })
    }

    /// Sets a store-wide setting.
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        let value = validate_setting(key, value)?;
        self.store.write(|tx| edit(tx, Change::Setting { key: key.to_string(), value }).map(|_| ()))
    }
}

/// Hashes a PIN with Argon2id and a random salt into a PHC string.
pub fn hash_pin(pin: &str) -> Result<String> {
    use argon2::PasswordHasher;
    argon2::Argon2::default()
        .hash_password(pin.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| RegisterError::Hash(e.to_string()))
}

/// Checks a PIN against a stored PHC string.
pub fn verify_pin_hash(pin: &str, phc: &str) -> bool {
    use argon2::PasswordVerifier;
    argon2::password_hash::phc::PasswordHash::new(phc)
        .is_ok_and(|h| argon2::Argon2::default().verify_password(pin.as_bytes(), &h).is_ok())
}
