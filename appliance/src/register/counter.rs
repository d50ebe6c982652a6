//! The counter: ringing a sale in this release's order shape (codes, discounts, tax mode,
//! tenders), voids and returns with who did them, PINs with their lock-out, and the manager's
//! approval. The screen and the CLI both come through here, so a rule holds whichever is used.

use super::{RegisterError, Result, append, edit, hash_pin, print_after, verify_pin_hash};
use crate::model::{
    CARD, CASH, CartLine, Cents, Discount, EventId, Item, MAX_PRODUCT_NAME, MAX_SHORT_NAME, ModelError, PayRequest,
    Product, RateBp, Refund, ReturnLine, Role, Sale, Sku, TenderRecord, User, cash_rounding, cash_rounding_step,
    discount_limit_bp, parse_barcode, price_cart, price_embedded, prices_embedded, prices_include_tax, refund_for,
    settle_tenders, validate_name, validate_pin, validate_tender,
};
use crate::store::{JobKind, OrderRow, ReturnRow, Tx, kv};
use crate::sync::{Change, EventKind};

use super::Register;

/// Wrong PINs in a row before the pad locks.
pub const PIN_TRIES: u64 = 5;
/// The first lock-out; each one after it doubles, until a right PIN.
pub const PIN_LOCK_MS: u64 = 30_000;
/// The longest lock-out: 8 minutes (30 s doubled four times); every lock-out after the fifth
/// in a row lasts this long, until a right PIN.
pub(super) const PIN_LOCK_MAX_MS: u64 = PIN_LOCK_MS << 4;

/// A manager's approval, as typed on the same screen as the cashier's work (or given on the CLI).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approval {
    /// The manager's name.
    pub manager: String,
    /// Their PIN.
    pub pin: String,
}

/// One item of a sale as asked: a SKU or a barcode, how many, a discount, a price override.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemRequest {
    /// A SKU or a barcode.
    pub code: String,
    /// How many.
    pub qty: u32,
    /// Off this line.
    pub discount: Option<Discount>,
    /// A price other than the shelf price (a manager approves it).
    pub price: Option<Cents>,
}

impl ItemRequest {
    /// `CODE[:QTY][:DISCOUNT]` as typed on the command line, amounts in a currency with
    /// `minor` decimals.
    pub fn parse(s: &str, minor: u8) -> Result<ItemRequest> {
        let mut parts = s.split(':');
        let code = parts.next().unwrap_or_default().to_string();
        let qty = parts.next().map(crate::model::parse_qty).transpose()?.unwrap_or(1);
        let discount = parts.next().map(|d| Discount::parse_in(d, minor)).transpose()?;
        if code.is_empty() || parts.next().is_some() {
            return Err(ModelError::BadSku(s.to_string()).into());
        }
        Ok(ItemRequest { code, qty, discount, price: None })
    }
}

/// A sale as asked at the counter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SaleRequest {
    /// What is sold.
    pub items: Vec<ItemRequest>,
    /// Off the whole order.
    pub discount: Option<Discount>,
    /// How it is paid (no tenders: all cash).
    pub pay: PayRequest,
    /// Who rings it.
    pub cashier: Option<String>,
    /// A manager's approval, for a discount above the store's limit or a price override.
    pub approval: Option<Approval>,
}

/// The product a code names (a SKU, else a barcode: UPC-A and EAN-13 forms are the same code),
/// and the price the code carries if it is a GS1 price-embedded code and the store reads those.
pub(super) fn product_by_code(tx: &Tx<'_>, code: &str) -> Result<(Product, Option<Cents>)> {
    let sku = code.parse::<Sku>();
    if let Ok(sku) = &sku
        && tx.reader().product(sku.as_str())?.is_some()
    {
        return Ok((Register::product_for_edit(tx, sku)?, None));
    }
    let barcode = match parse_barcode(code) {
        Ok(b) => b,
        // Shaped like neither: say what is wrong with it.
        Err(e) if sku.is_err() || code.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(match sku {
                Err(bad_sku) if !code.bytes().all(|b| b.is_ascii_digit()) => bad_sku.into(),
                _ => e.into(),
            });
        }
        Err(_) => return Err(RegisterError::UnknownCode(code.to_string())),
    };
    if let Some(sku) = tx.reader().sku_by_barcode(barcode.lookup_key().as_str())? {
        return Ok((Register::product_for_edit(tx, &sku.parse()?)?, None));
    }
    if prices_embedded(tx.reader().setting("price_embedded_barcodes")?.as_deref())
        && let Some(pe) = price_embedded(&barcode)
        && let Some(sku) = tx.reader().sku_by_barcode(pe.item_code().lookup_key().as_str())?
    {
        return Ok((Register::product_for_edit(tx, &sku.parse()?)?, Some(pe.price())));
    }
    Err(RegisterError::UnknownCode(code.to_string()))
}

pub(super) fn known_user(tx: &Tx<'_>, name: Option<&str>) -> Result<()> {
    if let Some(c) = name {
        tx.reader().active_user(c)?.ok_or_else(|| RegisterError::UnknownUser(c.to_string()))?;
    }
    Ok(())
}

fn tender_known(tx: &Tx<'_>, name: &str) -> Result<()> {
    if name == CASH || name == CARD || tx.reader().tender_active(name)? {
        Ok(())
    } else {
        Err(RegisterError::UnknownTender(name.to_string()))
    }
}

impl Register {
    /// Checks a user's PIN under the lock-out rule: after [`PIN_TRIES`] wrong PINs in a row the
    /// pad locks for [`PIN_LOCK_MS`], doubling with each lock-out until a right PIN; the count
    /// and the lock live in the database, so a restart does not reset them. Returns the role.
    pub fn check_pin(&mut self, name: &str, pin: &str) -> Result<Role> {
        let now = super::unix_ms();
        if let Some(until) = self.store.get(kv::PIN_LOCKED_UNTIL)?
            && now < until
        {
            return Err(RegisterError::PinLocked(until.saturating_sub(now).div_ceil(1000)));
        }
        // Hash outside the write lock: Argon2 is deliberately slow.
        let ok = match self.store.reader().active_user(name)? {
            Some((role, hash)) if verify_pin_hash(pin, &hash) => role.parse::<Role>().ok(),
            _ => None,
        };
        // The counts are committed even when the PIN is refused: the closure returns the
        // refusal as its value, not as an error (which would roll them back).
        self.store.write(|tx| -> Result<Result<Role>> {
            if let Some(role) = ok {
                // Only a count that needs resetting is written: a right PIN changes nothing else.
                for key in [kv::PIN_FAILURES, kv::PIN_LOCKOUTS] {
                    if tx.get(key)?.unwrap_or(0) != 0 {
                        tx.set(key, &0)?;
                    }
                }
                return Ok(Ok(role));
            }
            let failures = tx.get(kv::PIN_FAILURES)?.unwrap_or(0) + 1;
            if failures < PIN_TRIES {
                tx.set(kv::PIN_FAILURES, &failures)?;
                return Ok(Err(RegisterError::WrongPin(PIN_TRIES - failures)));
            }
            let lockouts = tx.get(kv::PIN_LOCKOUTS)?.unwrap_or(0);
            let ms = PIN_LOCK_MS.checked_shl(lockouts.min(16) as u32).unwrap_or(PIN_LOCK_MAX_MS).min(PIN_LOCK_MAX_MS);
            tx.set(kv::PIN_FAILURES, &0)?;
            tx.set(kv::PIN_LOCKOUTS, &(lockouts + 1))?;
            tx.set(kv::PIN_LOCKED_UNTIL, &now.saturating_add(ms))?;
            log::warn!("PIN pad locked for {} s after {PIN_TRIES} wrong PINs", ms / 1000);
            Ok(Err(RegisterError::PinLocked(ms / 1000)))
        })?
    }

    /// Seconds the PIN pad stays locked, if it is.
    pub fn pin_locked_secs(&self) -> Result<Option<u64>> {
        let now = super::unix_ms();
        Ok(self.store.get(kv::PIN_LOCKED_UNTIL)?.filter(|u| *u > now).map(|u| (u - now).div_ceil(1000)))
    }

    /// The manager whose PIN this is (the PIN pad of an approval asks for a PIN only): every
    /// active manager's hash is tried; a PIN that is none of theirs counts as one wrong PIN.
    pub fn manager_by_pin(&mut self, pin: &str) -> Result<String> {
        let managers: Vec<String> = self
            .store
            .reader()
            .users()?
            .into_iter()
            .filter(|u| u.active && u.role == Role::Manager.as_str())
            .map(|u| u.name)
            .collect();
        let mut found = None;
        for m in &managers {
            if let Some((_, hash)) = self.store.reader().active_user(m)?
                && verify_pin_hash(pin, &hash)
            {
                found = Some(m.clone());
                break;
            }
        }
        // The lock-out rule and its counters, by checking the PIN against the name it matched
        // (or, when none did, a name that makes it count as wrong).
        let name = found.clone().or_else(|| managers.first().cloned()).unwrap_or_default();
        match self.check_pin(&name, pin) {
            Ok(Role::Manager) if found.is_some() => Ok(name),
            Ok(_) => Err(RegisterError::NeedsManager("this".into())),
            Err(e) => Err(e),
        }
    }

    /// Checks a manager's approval: the PIN (under the lock-out rule) of an active manager.
    pub fn approve(&mut self, a: &Approval, what: &str) -> Result<String> {
        match self.check_pin(&a.manager, &a.pin)? {
            Role::Manager => Ok(a.manager.clone()),
            Role::Cashier => Err(RegisterError::NeedsManager(format!("{what}: {} is not a manager", a.manager))),
        }
    }

    /// Rings a sale in this release's order shape. Codes are SKUs or barcodes; a discount above
    /// the store's `discount_limit` and a price override need a manager's approval; tenders
    /// must add up to the total (cash may be handed over in excess: the change is recorded).
    pub fn ring(&mut self, req: &SaleRequest) -> Result<OrderRow> {
        if req.items.is_empty() {
            return Err(ModelError::BadQuantity("(no items)".into()).into());
        }
        let mut pay = req.pay.clone();
        if pay.tenders.is_empty() {
            pay.tenders.push((CASH.to_string(), None));
        }
        for (t, _) in &mut pay.tenders {
            *t = validate_tender(t)?;
        }
        // Approval first (it may take an Argon2 hash and writes the PIN counters).
        let approved_by = match &req.approval {
            Some(a) => Some(self.approve(a, "approving a sale")?),
            None => None,
        };
        let name = self.name()?;
        let id = self.store.write(|tx| {
            known_user(tx, req.cashier.as_deref())?;
            for (t, _) in &pay.tenders {
                tender_known(tx, t)?;
            }
            let mut cart: Vec<CartLine> = Vec::with_capacity(req.items.len());
            for it in &req.items {
                let (p, embedded) = product_by_code(tx, &it.code)?;
                if it.price.is_some() && approved_by.is_none() {
                    return Err(RegisterError::NeedsManager(format!("a price override on {}", p.sku)));
                }
                let rate = match &p.tax_profile {
                    Some(t) => tx.reader().tax_rate(t)?.ok_or_else(|| RegisterError::UnknownTaxProfile(t.clone()))?,
                    None => RateBp(0),
                };
                // The price a weighed item's label carries is the price of the whole item.
                let unit = it.price.or(embedded).unwrap_or(p.price_cents);
                // One line per product (returns name lines by SKU): the same product twice at the
                // same price and discount is one line; at another is refused.
                match cart.iter_mut().find(|c| c.sku == p.sku) {
                    Some(c) if c.unit_price_cents != unit || c.discount != it.discount => {
                        return Err(RegisterError::Invalid(format!(
                            "{} is on the order twice at different prices or discounts: give it once with its quantity",
                            crate::model::quote(p.sku.as_str())
                        )));
                    }
                    Some(c) if c.qty + it.qty <= 9999 => c.qty += it.qty,
                    Some(_) => return Err(ModelError::BadQuantity((it.qty).to_string()).into()),
                    None => cart.push(CartLine {
                        sku: p.sku,
                        name: p.name,
                        qty: it.qty,
                        unit_price_cents: unit,
                        tax_rate_bp: rate,
                        discount: it.discount,
                    }),
                }
            }
            let settings = tx.reader().settings()?;
            let setting = |k: &str| settings.iter().find(|s| s.key == k).map(|s| s.value.as_str());
            let minor = tx.reader().money_format()?.currency.minor;
            let priced = price_cart(&cart, req.discount, prices_include_tax(setting("prices_include_tax")))
                .map_err(|e| e.in_currency(minor))?;
            if let Some(limit) = discount_limit_bp(setting("discount_limit"))
                && priced.deepest_discount_bp() > limit
                && approved_by.is_none()
            {
                return Err(RegisterError::NeedsManager(format!(
                    "a discount above the store's limit of {}",
                    RateBp(limit)
                )));
            }
            let step = cash_rounding_step(setting("cash_rounding"));
            let (tenders, change, rounding) =
                settle_tenders(priced.total_cents, &pay, step).map_err(|e| e.in_currency(minor))?;
            let n = tx.next_counter(kv::ORDER_COUNTER)?;
            let shift = tx.reader().open_shift(tx.register_id())?.map(|(id, _)| id);
            let sale = Sale {
                number: format!("{name}-{n:06}"),
                priced,
                tenders,
                change_cents: change,
                cashier: req.cashier.clone(),
                approved_by: approved_by.clone(),
                shift,
            };
            sale.check_rounded(rounding).map_err(|m| RegisterError::Invalid(m.to_string()))?;
            let cash = sale.tenders.iter().any(|t| t.name == CASH);
            // A sale that rounds nothing keeps the kind older registers apply.
            let kind = if rounding.0 == 0 {
                EventKind::OrderPlaced(sale)
            } else {
                EventKind::OrderRounded { sale, cash_rounding_cents: rounding }
            };
            let id = append(tx, kind)?.id;
            print_after(tx, JobKind::Sale, id, cash)?;
            Ok::<_, RegisterError>(id)
        })?;
        self.store.reader().order(&id)?.ok_or_else(|| RegisterError::UnknownOrder(id.to_string()))
    }

    /// Voids an order, recording who did it and the manager who approved it.
    pub fn void_by(&mut self, number: &str, cashier: Option<&str>, approval: Option<&Approval>) -> Result<OrderRow> {
        // A wrong number or name is said before a manager is asked for.
        self.store.write(|tx| Self::find_order(tx, number).and_then(|_| known_user(tx, cashier)))?;
        let approved_by = self.required_approval(approval, "a void")?;
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
            let cashier = cashier.map(str::to_string);
            let cash = o.tenders.iter().any(|t| t.tender == CASH);
            let void =
                append(tx, EventKind::VoidRecorded { order: id, lines, cashier, approved_by: approved_by.clone() })?;
            print_after(tx, JobKind::Void, void.id, cash)?;
            Ok(id)
        })?;
        self.store.reader().order(&id)?.ok_or_else(|| RegisterError::UnknownOrder(id.to_string()))
    }

    /// The manager's name if an approval was given and holds; if none was given, the store must
    /// have no manager yet (a fresh store set up from the command line).
    pub(super) fn required_approval(&mut self, approval: Option<&Approval>, what: &str) -> Result<Option<String>> {
        match approval {
            Some(a) => Ok(Some(self.approve(a, what)?)),
            None if self.store.reader().users()?.iter().any(|u| u.active && u.role == Role::Manager.as_str()) => {
                Err(RegisterError::NeedsManager(what.to_string()))
            }
            None => Ok(None),
        }
    }

    /// Takes goods back from an order: refunded pro rata of what each line was charged (after
    /// its discounts), by the chosen tender (default: the order's only tender, else cash).
    pub fn refund(
        &mut self,
        number: &str,
        items: &[(Sku, u32)],
        restock: bool,
        tender: Option<&str>,
        cashier: Option<&str>,
        approval: Option<&Approval>,
    ) -> Result<ReturnRow> {
        if items.is_empty() {
            return Err(ModelError::BadQuantity("(no items)".into()).into());
        }
        let tender = tender.map(validate_tender).transpose()?;
        self.store.write(|tx| Self::find_order(tx, number).and_then(|_| known_user(tx, cashier)))?;
        let approved_by = self.required_approval(approval, "a return")?;
        let rid = self.store.write(|tx| {
            let o = Self::find_order(tx, number)?;
            if o.voided {
                return Err(RegisterError::ReturnFromVoided(o.number));
            }
            let order_id: EventId = o.id.parse().map_err(|_| RegisterError::UnknownOrder(o.id.clone()))?;
            let tender = match tender {
                Some(t) => t,
                None if o.tenders.len() == 1 => o.tenders[0].tender.clone(),
                None => CASH.to_string(),
            };
            tender_known(tx, &tender)?;
            let lines = Self::return_lines(&o, items)?;
            let shift = tx.reader().open_shift(tx.register_id())?.map(|(id, _)| id);
            let refund = Cents(lines.iter().map(|l| l.refund_cents.0).sum());
            let r = Refund {
                order: order_id,
                order_number: o.number,
                lines,
                restock,
                refund_cents: refund,
                tender,
                cashier: cashier.map(str::to_string),
                approved_by: approved_by.clone(),
                shift,
            };
            let cash = r.tender == CASH;
            // Cash goes back rounded to the store's step, as it was taken; the rounding is
            // recorded on the return. A refund that rounds nothing keeps the kind older registers
            // apply.
            let step = tx.reader().settings()?.into_iter().find(|s| s.key == "cash_rounding").map(|s| s.value);
            let rounding = if cash { cash_rounding(r.refund_cents.0, cash_rounding_step(step.as_deref())) } else { 0 };
            let kind = match rounding {
                0 => EventKind::Refunded(r),
                c => EventKind::RefundRounded { refund: r, cash_rounding_cents: Cents(c) },
            };
            let id = append(tx, kind)?.id;
            print_after(tx, JobKind::Return, id, cash)?;
            Ok(id)
        })?;
        let rid = rid.to_string();
        self.store.reader().returns()?.into_iter().find(|r| r.id == rid).ok_or(RegisterError::UnknownOrder(rid))
    }

    /// The lines of a return of `items` from order `o`, each refunded pro rata of its line.
    pub(super) fn return_lines(o: &OrderRow, items: &[(Sku, u32)]) -> Result<Vec<ReturnLine>> {
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
        Ok(lines)
    }

    /// Adds a product with this release's details (category, barcodes), or puts a removed one back.
    pub fn add_item(&mut self, item: Item, stock: Option<i64>) -> Result<()> {
        let mut item = item;
        item.product.name = validate_name(&item.product.name, MAX_PRODUCT_NAME)?;
        self.check_details(&mut item)?;
        self.store.write(|tx| {
            if let Some(p) = tx.reader().product(item.product.sku.as_str())?
                && p.active
            {
                return Err(RegisterError::DuplicateSku(item.product.sku.to_string()));
            }
            if let Some(t) = &item.product.tax_profile {
                tx.reader().tax_rate(t)?.ok_or_else(|| RegisterError::UnknownTaxProfile(t.to_string()))?;
            }
            unique_barcodes(tx, &item)?;
            let sku = item.product.sku.clone();
            edit(tx, Change::Item(item))?;
            if let Some(n) = stock {
                append(tx, EventKind::StockCounted { sku, on_hand: n })?;
            }
            Ok(())
        })
    }

    /// Changes a product's details: barcodes (replacing them, if any are given) and category.
    pub fn set_details(&mut self, sku: &Sku, barcodes: Option<Vec<String>>, category: Option<String>) -> Result<()> {
        self.store.write(|tx| {
            let product = Self::product_for_edit(tx, sku)?;
            let row = tx.reader().product(sku.as_str())?.ok_or_else(|| RegisterError::UnknownSku(sku.to_string()))?;
            let mut item = Item {
                product,
                category: category.clone().or(row.category),
                barcodes: barcodes.clone().unwrap_or(row.barcodes),
            };
            check_details_tx(&mut item)?;
            unique_barcodes(tx, &item)?;
            edit(tx, Change::Item(item)).map(|_| ())
        })
    }

    fn check_details(&self, item: &mut Item) -> Result<()> {
        check_details_tx(item)
    }

    /// Adds a tender the store accepts (voucher, account…) or puts a removed one back.
    pub fn add_tender(&mut self, name: &str) -> Result<String> {
        let name = validate_tender(name)?;
        if name == CASH || name == CARD {
            return Err(RegisterError::DuplicateTender(name));
        }
        self.store.write(|tx| {
            if tx.reader().tender_active(&name)? {
                return Err(RegisterError::DuplicateTender(name.clone()));
            }
            edit(tx, Change::Tender(TenderRecord { name: name.clone(), active: true }))?;
            Ok(name.clone())
        })
    }

    /// Removes a user (their history stays); the last manager cannot be removed.
    pub fn remove_user(&mut self, name: &str) -> Result<()> {
        self.store.write(|tx| {
            let (role, pin_hash) =
                tx.reader().active_user(name)?.ok_or_else(|| RegisterError::UnknownUser(name.to_string()))?;
            let role: Role = role.parse()?;
            let managers = tx.reader().users()?.iter().filter(|u| u.active && u.role == Role::Manager.as_str()).count();
            if role == Role::Manager && managers <= 1 {
                return Err(RegisterError::LastManager(name.to_string()));
            }
            edit(tx, Change::User(User { name: name.to_string(), role, pin_hash, active: false })).map(|_| ())
        })
    }

    /// Changes a user's PIN.
    pub fn set_pin(&mut self, name: &str, pin: &str) -> Result<()> {
        validate_pin(pin)?;
        let pin_hash = hash_pin(pin)?;
        self.store.write(|tx| {
            let (role, _) =
                tx.reader().active_user(name)?.ok_or_else(|| RegisterError::UnknownUser(name.to_string()))?;
            let role: Role = role.parse()?;
            edit(tx, Change::User(User { name: name.to_string(), role, pin_hash, active: true })).map(|_| ())
        })
    }

    /// The SKU a code names on the command line: a product's SKU as typed, else the SKU of the
    /// product with that barcode; a code that is neither a SKU on file nor a barcode on file is
    /// returned as a SKU if it is shaped like one (the operation then says it does not exist).
    pub fn sku_for_code(&self, code: &str) -> Result<Sku> {
        let sku = code.parse::<Sku>();
        if let Ok(s) = &sku
            && self.store.reader().product(s.as_str())?.is_some()
        {
            return Ok(s.clone());
        }
        if let Ok(b) = parse_barcode(code)
            && let Some(found) = self.store.reader().sku_by_barcode(b.lookup_key().as_str())?
        {
            return Ok(found.parse()?);
        }
        match (sku, parse_barcode(code)) {
            (Ok(s), Ok(_)) => Ok(s),
            // All digits of a barcode's length with a wrong check digit: say that.
            (_, Err(e)) if code.bytes().all(|b| b.is_ascii_digit()) && matches!(code.len(), 8 | 12 | 13) => {
                Err(e.into())
            }
            (Ok(s), Err(_)) => Ok(s),
            (Err(e), _) => Err(e.into()),
        }
    }

    /// Whether the store has any active user (first boot asks for the first manager if not).
    pub fn has_users(&self) -> Result<bool> {
        Ok(self.store.reader().users()?.iter().any(|u| u.active))
    }
}

fn check_details_tx(item: &mut Item) -> Result<()> {
    if let Some(c) = &item.category {
        item.category = Some(validate_name(c, MAX_SHORT_NAME)?);
    }
    let mut seen: Vec<String> = Vec::new();
    for b in &mut item.barcodes {
        let code = parse_barcode(b)?;
        let key = code.lookup_key().to_string();
        if seen.contains(&key) {
            return Err(RegisterError::DuplicateBarcode(b.clone(), item.product.sku.to_string()));
        }
        seen.push(key);
        *b = code.to_string();
    }
    if item.barcodes.len() > 16 {
        return Err(RegisterError::Invalid("a product takes at most 16 barcodes".into()));
    }
    Ok(())
}

/// Refuses a barcode another product on sale already has.
fn unique_barcodes(tx: &Tx<'_>, item: &Item) -> Result<()> {
    for b in &item.barcodes {
        if let Some(other) = tx.reader().sku_by_barcode(parse_barcode(b)?.lookup_key().as_str())?
            && other != item.product.sku.as_str()
        {
            return Err(RegisterError::DuplicateBarcode(b.clone(), other));
        }
    }
    Ok(())
}

/// What bringing one product in from the online shop did (`till export pull`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Imported {
    /// A new product.
    Added,
    /// An existing product's name, price or barcodes changed.
    Updated,
    /// It was already as the platform has it.
    Unchanged,
}

impl Register {
    /// Brings one product in from the online shop as an ordinary product event: added when new
    /// (or put back on sale), its name, price and barcodes changed when they differ (its tax
    /// profile and category stay as the store set them). An edit made at the counter meanwhile
    /// meets this one under the conflict rules like any two edits.
    pub fn import_product(&mut self, sku: Sku, name: &str, price: Cents, barcodes: Vec<String>) -> Result<Imported> {
        let name = validate_name(name, MAX_PRODUCT_NAME)?;
        self.store.write(|tx| {
            let row = tx.reader().product(sku.as_str())?;
            let (tax_profile, category, old) = match &row {
                Some(r) => (r.tax_profile.clone(), r.category.clone(), r.active.then_some(r)),
                None => (None, None, None),
            };
            let mut item = Item {
                product: Product { sku: sku.clone(), name, price_cents: price, tax_profile },
                category,
                barcodes,
            };
            check_details_tx(&mut item)?;
            if let Some(r) = old
                && r.name == item.product.name
                && r.price_cents == price.0
                && r.barcodes == item.barcodes
            {
                return Ok(Imported::Unchanged);
            }
            unique_barcodes(tx, &item)?;
            edit(tx, Change::Item(item))?;
            Ok(if old.is_some() { Imported::Updated } else { Imported::Added })
        })
    }
}
