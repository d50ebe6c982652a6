//! The register's operations: what a cashier or manager can do, checked against the current state
//! and recorded as one event each. The CLI, the screen and the sync server all come through here.
//!
//! Every operation runs in one write transaction: the checks see the same state the event is
//! applied to, even with another process (the CLI beside a running register) writing too.

mod counter;
mod day;
mod export;
#[cfg(test)]
mod pin_tests;
mod term;

use std::path::Path;

pub use counter::{Approval, Imported, ItemRequest, PIN_LOCK_MS, PIN_TRIES, SaleRequest};
pub use day::XReport;
pub use term::Promoted;

use crate::config::DEFAULT_REGISTER_NAME;
use crate::model::{
    AdjustReason, Cents, ConflictId, EventId, MAX_CONFLICT_NOTE, MAX_PRODUCT_NAME, MAX_SHORT_NAME, ModelError, Payment,
    Product, RateBp, Role, Sku, TaxProfile, User, validate_name, validate_pin, validate_setting,
};
use crate::store::{JobKind, OrderRow, ReturnRow, ShiftRow, Store, StoreError, Tx, kv};
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
    /// A barcode with a bad check digit or characters.
    #[error(transparent)]
    Barcode(#[from] crate::model::BarcodeError),
    /// A cart, discount or payment that does not work out.
    #[error(transparent)]
    Sale(#[from] crate::model::SaleError),
    /// A code that is neither a SKU nor a barcode of a product.
    #[error("no product with SKU or barcode {}", q(.0))]
    UnknownCode(String),
    /// A tender the store does not accept.
    #[error("no tender named {name}; add it with `till tender add {name}`", name = q(.0))]
    UnknownTender(String),
    /// `tender add` of one that exists.
    #[error("the tender {} exists already", q(.0))]
    DuplicateTender(String),
    /// A barcode another product has.
    #[error("barcode {} is already used by product {}", q(.0), q(.1))]
    DuplicateBarcode(String, String),
    /// Something only a manager may do or approve.
    #[error("{0} needs a manager's approval")]
    NeedsManager(String),
    /// A wrong PIN (or no such user).
    #[error("wrong name or PIN ({0} tries left before the PIN pad locks)")]
    WrongPin(u64),
    /// Too many wrong PINs in a row.
    #[error("too many wrong PINs: the PIN pad is locked for {0} s")]
    PinLocked(u64),
    /// Removing the store's only manager.
    #[error("{} is the store's last manager and cannot be removed; add another manager first", q(.0))]
    LastManager(String),
    /// A figure that breaks one of the order model's rules (a bug if it ever shows).
    #[error("refused: {0}")]
    Invalid(String),
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
    /// A manager's approval is missing, a PIN is wrong, or the PIN pad is locked (exit 6).
    Denied,
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
            | BadConflictNote
            | Sale(_)
            | Barcode(_)
            | DuplicateTender(_)
            | DuplicateBarcode(..)
            | LastManager(_)
            | Invalid(_) => ErrorClass::Rejected,
            UnknownSku(_) | UnknownTaxProfile(_) | UnknownOrder(_) | UnknownUser(_) | UnknownRegister(_)
            | UnknownConflict(_) | UnknownCode(_) | UnknownTender(_) => ErrorClass::NotFound,
            NeedsManager(_) | WrongPin(_) | PinLocked(_) => ErrorClass::Denied,
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

/// Queues the paper for an event just appended, in its transaction, when this register has a
/// printer: the receipt (or only the drawer, for `Kick`), and the drawer when `cash` moved and a
/// drawer hangs off the printer. Nothing is queued without a printer.
fn print_after(tx: &mut Tx<'_>, what: JobKind, event: EventId, cash: bool) -> Result<()> {
    let Some(p) = tx.get(kv::PRINTER)? else { return Ok(()) };
    let kick = cash && p.drawer;
    if what == JobKind::Kick && !kick {
        return Ok(());
    }
    let now = now_in(tx)?;
    Ok(tx.enqueue_print(what, Some(event), false, kick, now)?)
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

    /// Rings a sale of plain items paid by one tender: [`Register::ring`] without discounts.
    /// Selling more than is in stock is allowed (stock goes negative and is flagged): a count
    /// that is off must not stop a sale at the counter.
    pub fn create_order(&mut self, items: &[(Sku, u32)], payment: Payment, cashier: Option<&str>) -> Result<OrderRow> {
        let req = SaleRequest {
            items: items
                .iter()
                .map(|(sku, qty)| ItemRequest { code: sku.to_string(), qty: *qty, discount: None, price: None })
                .collect(),
            pay: crate::model::PayRequest { tenders: vec![(payment.as_str().to_string(), None)], tendered: None },
            cashier: cashier.map(str::to_string),
            ..SaleRequest::default()
        };
        self.ring(&req)
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

    /// Voids an order: it stays on record, marked void, and its goods go back into stock
    /// ([`Register::void_by`] without a cashier; a store with a manager needs their approval).
    pub fn void_order(&mut self, number: &str) -> Result<OrderRow> {
        self.void_by(number, None, None)
    }

    /// Takes goods back from an earlier order ([`Register::refund`] by the order's tender).
    pub fn create_return(&mut self, number: &str, items: &[(Sku, u32)], restock: bool) -> Result<ReturnRow> {
        self.refund(number, items, restock, None, None, None)
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
        if key == "currency" {
            let reader = self.store.reader();
            let now = reader.setting("currency")?.unwrap_or_else(|| "USD".into());
            if now != value && reader.has_sales()? {
                return Err(crate::model::ModelError::CurrencyHasSales(now).into());
            }
        }
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
