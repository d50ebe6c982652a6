//! The counter on the screen: who is signed in, the cart with its discounts, finding products
//! (scan, search, categories), paying by several tenders, returns, and the manager's approval.
//! Every rule is the register's (`crate::register`): the screen asks, the register decides.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use log::info;
use till_display as d;

use super::Ui;
use crate::model::{
    CASH, CartLine, Cents, Discount, MAX_SHORT_NAME, PayRequest, RateBp, Role, Sku, discount_limit_bp, parse_barcode,
    price_cart, price_embedded, prices_embedded, prices_include_tax, refund_for, validate_name,
};
use crate::net::lock;
use crate::register::{Approval, ItemRequest, RegisterError, SaleRequest};
use crate::store::{OrderRow, kv};

/// The idle time before the screen locks when the setup names none.
pub const DEFAULT_IDLE_LOCK_SECS: u64 = 300;

/// Who is signed in at this register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Session {
    pub name: String,
    pub role: Role,
}

/// A product as the screen needs it, with what search matches against.
#[derive(Clone, Debug)]
pub(super) struct Tile {
    pub sku: String,
    pub name: String,
    pub price_cents: i64,
    pub rate: RateBp,
    pub category: Option<String>,
    /// Name, SKU and barcodes, lower case, for search as you type.
    pub haystack: String,
}

/// The products and how to find them, read once per refresh.
#[derive(Clone, Debug, Default)]
pub(super) struct Catalog {
    pub tiles: Vec<Tile>,
    pub categories: Vec<String>,
    /// Barcode lookup key → index in `tiles`.
    pub by_code: HashMap<String, usize>,
    pub prices_include_tax: bool,
    pub prices_embedded: bool,
    pub discount_limit_bp: Option<u32>,
    pub tenders: Vec<String>,
}

/// One cart line: a product, how many, its discount, and the label it was scanned from when
/// that label carries its price (a weighed item): rung by that code, the register reads the
/// same price from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Line {
    pub sku: String,
    pub qty: u32,
    pub discount: Option<Discount>,
    pub label: Option<(String, Cents)>,
}

/// What waits for a manager's PIN.
#[derive(Clone, Debug)]
pub(super) enum Pending {
    Settings,
    Resolve(d::ConflictEntry),
    Discount { line: Option<usize>, discount: Discount },
    Return,
}

/// What the amount keypad is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum AmountFor {
    /// What a tender (by its index in the store's list) pays; cash as handed over.
    Tender(usize),
    LineDiscount(usize),
    OrderDiscount,
}

/// The return being made on the screen.
#[derive(Clone, Debug)]
pub(super) struct Returning {
    pub order: OrderRow,
    pub selected: Vec<u32>,
    pub restock: bool,
    pub tender: String,
    pub page: usize,
}

/// The PIN pad's own state (the view gets only the count of digits).
#[derive(Clone, Debug, Default)]
pub(super) struct Pin {
    pub digits: String,
    pub users: Vec<String>,
    pub selected: Option<usize>,
    pub page: usize,
    pub error: Option<String>,
    /// The first manager: the name typed, then the first PIN typed.
    pub new_manager: Option<(String, Option<String>)>,
}

/// Everything of the counter the screen keeps between taps.
pub(super) struct Counter {
    pub session: Option<Session>,
    pub catalog: Catalog,
    pub cart: Vec<Line>,
    pub order_discount: Option<Discount>,
    pub approval: Option<Approval>,
    pub paid: Vec<(String, i64)>,
    pub pending: Option<Pending>,
    pub pin: Pin,
    pub amount: Option<(AmountFor, d::AmountView)>,
    pub search: d::SearchView,
    pub category: Option<usize>,
    pub page: usize,
    pub returning: Option<Returning>,
    pub last_order: Option<String>,
    pub last_input: Instant,
}

impl Counter {
    pub fn new() -> Counter {
        Counter {
            session: None,
            catalog: Catalog::default(),
            cart: Vec::new(),
            order_discount: None,
            approval: None,
            paid: Vec::new(),
            pending: None,
            pin: Pin::default(),
            amount: None,
            search: d::SearchView { query: String::new(), results: Vec::new(), page: 0, layer: d::KeyLayer::Lower },
            category: None,
            page: 0,
            returning: None,
            last_order: None,
            last_input: Instant::now(),
        }
    }

    fn tile(&self, sku: &str) -> Option<&Tile> {
        self.catalog.tiles.iter().find(|t| t.sku == sku)
    }

    /// The cart priced by the store's rules (the same the register will apply).
    pub fn priced(&self) -> Option<crate::model::Priced> {
        let lines: Option<Vec<CartLine>> = self
            .cart
            .iter()
            .map(|l| {
                let t = self.tile(&l.sku)?;
                Some(CartLine {
                    sku: l.sku.parse().ok()?,
                    name: t.name.clone(),
                    qty: l.qty,
                    unit_price_cents: l.label.as_ref().map_or(Cents(t.price_cents), |(_, p)| *p),
                    tax_rate_bp: t.rate,
                    discount: l.discount,
                })
            })
            .collect();
        price_cart(&lines?, self.order_discount, self.catalog.prices_include_tax).ok()
    }

    fn total(&self) -> i64 {
        self.priced().map_or(0, |p| p.total_cents.0)
    }

    /// Products on the current tab.
    fn shown(&self) -> Vec<d::ProductTile> {
        let cat = self.category.and_then(|i| self.catalog.categories.get(i));
        self.catalog
            .tiles
            .iter()
            .filter(|t| cat.is_none() || t.category.as_ref() == cat)
            .map(|t| d::ProductTile { sku: t.sku.clone(), name: t.name.clone(), price_cents: t.price_cents })
            .collect()
    }

    pub fn sale_view(&self) -> d::SaleView {
        let priced = self.priced();
        let cart = match &priced {
            Some(p) => p
                .lines
                .iter()
                .map(|l| d::CartLine {
                    sku: l.sku.to_string(),
                    name: l.name.clone(),
                    qty: l.qty,
                    line_cents: l.total_cents().0,
                    discount_cents: l.discount_cents.0 + l.order_discount_cents.0,
                })
                .collect(),
            None => Vec::new(),
        };
        let (sub, disc, tax, total) = priced.as_ref().map_or((0, 0, 0, 0), |p| {
            let disc: i64 = p.lines.iter().map(|l| l.discount_cents.0 + l.order_discount_cents.0).sum();
            // Shown as shelf prices add up: tax-inclusive shelf prices show no tax line on top.
            let sub = if p.prices_include_tax { p.total_cents.0 + disc } else { p.subtotal_cents.0 + disc };
            (sub, disc, if p.prices_include_tax { 0 } else { p.tax_cents.0 }, p.total_cents.0)
        });
        d::SaleView {
            products: self.shown(),
            page: self.page,
            cart,
            total_cents: total,
            last_order: self.last_order.clone(),
            categories: self.catalog.categories.clone(),
            category: self.category,
            cashier: self.session.as_ref().map(|s| s.name.clone()),
            subtotal_cents: sub,
            discount_cents: disc,
            tax_cents: tax,
        }
    }

    fn pay_view(&self) -> d::PayView {
        let total = self.total();
        let given: i64 = self.paid.iter().map(|(_, a)| a).sum();
        let cash: i64 = self.paid.iter().filter(|(t, _)| t == CASH).map(|(_, a)| a).sum();
        let remaining = total - given;
        d::PayView {
            total_cents: total,
            applied: self.paid.iter().map(|(n, a)| d::AppliedTender { name: title(n), amount_cents: *a }).collect(),
            remaining_cents: remaining,
            change_cents: if remaining < 0 { (-remaining).min(cash) } else { 0 },
            tenders: self.catalog.tenders.iter().map(|t| title(t)).collect(),
        }
    }

    fn return_view(&self) -> Option<d::ReturnView> {
        let r = self.returning.as_ref()?;
        let lines: Vec<d::ReturnLineView> = r
            .order
            .lines
            .iter()
            .zip(&r.selected)
            .map(|(l, sel)| d::ReturnLineView {
                name: l.name.clone(),
                sku: l.sku.clone(),
                sold: l.qty,
                returned_already: l.returned_qty,
                selected: *sel,
                refund_cents: line_refund(l, *sel),
            })
            .collect();
        Some(d::ReturnView {
            order_number: r.order.number.clone(),
            refund_cents: lines.iter().map(|l| l.refund_cents).sum(),
            lines,
            page: r.page,
            restock: r.restock,
            refund_tender: title(&r.tender),
        })
    }
}

/// The refund for `n` more units of an order line (the register computes the same).
fn line_refund(l: &crate::store::OrderLineRow, n: u32) -> i64 {
    let Ok(sku) = l.sku.parse::<Sku>() else { return 0 };
    let line = crate::model::OrderLine {
        sku,
        name: l.name.clone(),
        qty: l.qty,
        unit_price_cents: Cents(l.unit_price_cents),
        tax_rate_bp: RateBp(l.tax_rate_bp),
        subtotal_cents: Cents(l.subtotal_cents),
        tax_cents: Cents(l.tax_cents),
    };
    refund_for(&line, l.returned_qty, n).0
}

/// A tender's name as a button shows it: `cash` → `Cash`.
fn title(t: &str) -> String {
    let mut c = t.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// The tender a button names, back to the store's name for it.
fn untitle(t: &str) -> String {
    t.to_lowercase()
}

/// Quick cash buttons: the exact amount and the next notes up.
fn quick_cash(due: i64) -> Vec<(String, i64)> {
    let mut q = vec![("Exact".to_string(), due)];
    for note in [500i64, 1_000, 2_000, 5_000, 10_000] {
        let up = (due + note - 1) / note * note;
        if up > due && q.iter().all(|(_, a)| *a != up) && q.len() < 3 {
            q.push((d::format_cents(up), up));
        }
    }
    q
}

impl Ui {
    /// Reads the catalog (products, categories, barcodes, settings, tenders) for the counter.
    pub(super) fn load_catalog(&mut self) -> Result<(), String> {
        let r = lock(&self.reg);
        let rd = r.store().reader();
        let products = rd.products(false).map_err(|e| e.to_string())?;
        let rates: HashMap<String, RateBp> =
            rd.tax_profiles().map_err(|e| e.to_string())?.into_iter().map(|t| (t.name, RateBp(t.rate_bp))).collect();
        let settings = rd.settings().map_err(|e| e.to_string())?;
        let setting = |k: &str| settings.iter().find(|s| s.key == k).map(|s| s.value.as_str());
        let mut c = Catalog {
            prices_include_tax: prices_include_tax(setting("prices_include_tax")),
            prices_embedded: prices_embedded(setting("price_embedded_barcodes")),
            discount_limit_bp: discount_limit_bp(setting("discount_limit")),
            tenders: rd.tenders().map_err(|e| e.to_string())?,
            ..Catalog::default()
        };
        for (i, p) in products.into_iter().enumerate() {
            for b in &p.barcodes {
                c.by_code.insert(b.clone(), i);
            }
            if let Some(cat) = &p.category
                && !c.categories.contains(cat)
            {
                c.categories.push(cat.clone());
            }
            let haystack = format!("{} {} {}", p.name, p.sku, p.barcodes.join(" ")).to_lowercase();
            c.tiles.push(Tile {
                rate: p.tax_profile.as_ref().and_then(|t| rates.get(t).copied()).unwrap_or_default(),
                sku: p.sku,
                name: p.name,
                price_cents: p.price_cents,
                category: p.category,
                haystack,
            });
        }
        c.categories.sort();
        drop(r);
        // A product taken off sale elsewhere leaves the cart (its line cannot be rung).
        self.counter.cart.retain(|l| c.tiles.iter().any(|t| t.sku == l.sku));
        self.counter.catalog = c;
        Ok(())
    }

    /// The first screen: the first manager is made, or someone signs in.
    pub(super) fn start_screen(&mut self) {
        let users = lock(&self.reg).store().reader().users();
        match users {
            Ok(users) if users.iter().any(|u| u.active) => self.show_login(),
            Ok(_) => {
                self.counter.pin.new_manager = None;
                self.screen = d::Screen::Keyboard(d::KeyboardView {
                    field: d::Field::UserName,
                    label: "Your name: you are the store's first manager".into(),
                    value: String::new(),
                    masked: false,
                    layer: d::KeyLayer::Upper,
                });
            }
            Err(e) => self.error(format!("Cannot read the users: {e}")),
        }
    }

    pub(super) fn show_login(&mut self) {
        let users = lock(&self.reg).store().reader().users().unwrap_or_default();
        let names: Vec<String> = users.into_iter().filter(|u| u.active).map(|u| u.name).collect();
        let p = &mut self.counter.pin;
        // The last one signed in (or the only user) is picked already: they type their PIN.
        let last = self.counter.session.as_ref().map(|s| s.name.clone());
        p.selected = last.and_then(|n| names.iter().position(|u| *u == n)).or((names.len() == 1).then_some(0));
        p.users = names;
        p.digits.clear();
        p.error = None;
        self.counter.session = None;
        self.counter.pending = None;
        self.show_pin(d::PinPurpose::Login);
    }

    fn show_pin(&mut self, purpose: d::PinPurpose) {
        let locked = lock(&self.reg).pin_locked_secs().ok().flatten();
        let p = &self.counter.pin;
        let prompt = match &purpose {
            d::PinPurpose::Login => match p.selected.and_then(|i| p.users.get(i)) {
                Some(n) => format!("{n}, type your PIN"),
                None => "Tap your name, then type your PIN".into(),
            },
            d::PinPurpose::Approve { .. } => "A manager types their PIN. You stay signed in.".into(),
            d::PinPurpose::FirstManager { step: d::FirstManagerStep::Choose } => {
                let name = p.new_manager.as_ref().map(|(n, _)| n.as_str()).unwrap_or_default();
                format!("Choose a PIN for {name} (4 to 8 digits)")
            }
            d::PinPurpose::FirstManager { step: d::FirstManagerStep::Confirm } => "Type the PIN again".into(),
        };
        self.screen = d::Screen::PinPad(d::PinPadView {
            users: if matches!(purpose, d::PinPurpose::Login) { p.users.clone() } else { Vec::new() },
            selected: p.selected,
            users_page: p.page,
            entered: p.digits.chars().count(),
            locked_secs: locked,
            error: p.error.clone(),
            purpose,
            prompt,
        });
    }

    fn ask_manager(&mut self, pending: Pending, reason: String) {
        self.counter.pending = Some(pending);
        self.counter.pin.digits.clear();
        self.counter.pin.error = None;
        self.show_pin(d::PinPurpose::Approve { reason });
    }

    /// What the sale screen shows now.
    pub(super) fn show_sale(&mut self) {
        self.screen = d::Screen::Sale(self.counter.sale_view());
    }

    /// Acts on the counter's intents; false for intents that are not the counter's.
    pub(super) fn counter_intent(&mut self, intent: &d::Intent) -> bool {
        use d::Intent as I;
        match intent {
            I::PinDigit(n) => {
                if self.counter.pin.digits.len() < 8 {
                    self.counter.pin.digits.push(char::from(b'0' + n.min(&9)));
                }
                self.reshow_pin();
            }
            I::PinBackspace => {
                self.counter.pin.digits.pop();
                self.reshow_pin();
            }
            I::PickUser(i) => {
                self.counter.pin.selected = Some(*i);
                self.counter.pin.digits.clear();
                self.reshow_pin();
            }
            I::UsersPage(p) => {
                self.counter.pin.page = *p;
                self.reshow_pin();
            }
            I::PinEnter => self.pin_entered(),
            I::CancelPin => {
                if matches!(&self.screen, d::Screen::PinPad(v) if matches!(v.purpose, d::PinPurpose::Approve { .. })) {
                    self.counter.pending = None;
                    self.counter.pin.digits.clear();
                    self.show_sale();
                }
            }
            I::Lock => {
                info!("register locked by {}", self.counter.session.as_ref().map_or("nobody", |s| s.name.as_str()));
                self.show_login();
            }
            I::AddToCart(sku) => {
                self.add(sku, None);
                if !matches!(self.screen, d::Screen::Search(_)) {
                    self.show_sale();
                }
            }
            I::RemoveLine(i) => {
                if *i < self.counter.cart.len() {
                    self.counter.cart.remove(*i);
                }
                self.show_sale();
            }
            I::PrevPage | I::NextPage => {
                let next = matches!(intent, I::NextPage);
                let bump = |p: usize| if next { p.saturating_add(1) } else { p.saturating_sub(1) };
                match &mut self.screen {
                    d::Screen::Search(v) => v.page = bump(v.page),
                    d::Screen::Return(_) => {
                        if let Some(r) = &mut self.counter.returning {
                            r.page = bump(r.page);
                        }
                        self.show_return();
                    }
                    _ => {
                        self.counter.page = bump(self.counter.page);
                        self.show_sale();
                    }
                }
            }
            I::PickCategory(c) => {
                self.counter.category = *c;
                self.counter.page = 0;
                self.show_sale();
            }
            I::OpenSearch => {
                self.counter.search.query.clear();
                self.counter.search.page = 0;
                self.run_search();
            }
            I::EditLine(i) => {
                if *i < self.counter.cart.len() {
                    let name =
                        self.counter.tile(&self.counter.cart[*i].sku).map(|t| t.name.clone()).unwrap_or_default();
                    self.open_amount(AmountFor::LineDiscount(*i), format!("Discount on {name}"));
                }
            }
            I::OrderDiscount => {
                if !self.counter.cart.is_empty() {
                    self.open_amount(AmountFor::OrderDiscount, "Discount on the whole order".into());
                }
            }
            I::OpenPay | I::Pay(_) => {
                if self.counter.cart.is_empty() {
                    self.error("The order is empty: scan or tap a product first.");
                    self.show_sale();
                } else {
                    self.counter.paid.clear();
                    self.screen = d::Screen::Pay(self.counter.pay_view());
                }
            }
            I::PickTender(i) => self.pick_tender(*i),
            I::RemoveTender(i) => {
                if *i < self.counter.paid.len() {
                    self.counter.paid.remove(*i);
                }
                self.screen = d::Screen::Pay(self.counter.pay_view());
            }
            I::FinishSale => self.finish_sale(),
            I::AmountDigit(n) => self.edit_amount(|v| {
                if v.entered.len() < 10 && v.entered.split('.').nth(1).is_none_or(|f| f.len() < 2) {
                    v.entered.push(char::from(b'0' + n.min(&9)));
                }
            }),
            I::AmountPoint => self.edit_amount(|v| {
                if !v.entered.contains('.') {
                    v.entered.push('.');
                }
            }),
            I::AmountBackspace => self.edit_amount(|v| {
                v.entered.pop();
            }),
            I::ToggleDiscountMode => self.edit_amount(|v| {
                v.mode = match v.mode {
                    d::AmountMode::Money => d::AmountMode::Percent,
                    d::AmountMode::Percent => d::AmountMode::Money,
                }
            }),
            I::QuickAmount(i) => {
                let q = self.counter.amount.as_ref().and_then(|(_, v)| v.quick.get(*i).map(|q| q.1));
                if let Some(cents) = q {
                    self.amount_entered(Cents(cents));
                }
            }
            I::AmountEnter => {
                let Some((_, v)) = self.counter.amount.clone() else { return true };
                match v.mode {
                    d::AmountMode::Money => match v.entered.parse::<Cents>() {
                        Ok(c) => self.amount_entered(c),
                        Err(e) => self.error(e.to_string()),
                    },
                    d::AmountMode::Percent => match format!("{}%", v.entered).parse::<Discount>() {
                        Ok(d) => self.discount_entered(d),
                        Err(e) => self.error(e.to_string()),
                    },
                }
            }
            I::CancelAmount => {
                let from = self.counter.amount.take().map(|(f, _)| f);
                if matches!(from, Some(AmountFor::Tender(_))) {
                    self.screen = d::Screen::Pay(self.counter.pay_view());
                } else {
                    self.show_sale();
                }
            }
            I::OpenReturns => {
                self.keyboard_from = None;
                self.screen = d::Screen::Keyboard(d::KeyboardView {
                    field: d::Field::OrderNumber,
                    label: d::Field::OrderNumber.label().into(),
                    value: String::new(),
                    masked: false,
                    layer: d::KeyLayer::Symbols,
                });
            }
            I::ReturnQty { line, delta } => {
                if let Some(r) = &mut self.counter.returning
                    && let (Some(l), Some(sel)) = (r.order.lines.get(*line), r.selected.get_mut(*line))
                {
                    let max = l.qty.saturating_sub(l.returned_qty);
                    *sel = sel.saturating_add_signed(*delta).min(max);
                }
                self.show_return();
            }
            I::ToggleRestock => {
                if let Some(r) = &mut self.counter.returning {
                    r.restock = !r.restock;
                }
                self.show_return();
            }
            I::PickRefundTender => {
                let tenders = self.counter.catalog.tenders.clone();
                if let Some(r) = &mut self.counter.returning {
                    let i = tenders.iter().position(|t| *t == r.tender).map_or(0, |i| (i + 1) % tenders.len().max(1));
                    r.tender = tenders.get(i).cloned().unwrap_or_else(|| CASH.into());
                }
                self.show_return();
            }
            I::ConfirmReturn => {
                let Some(v) = self.counter.return_view() else { return true };
                if v.refund_cents == 0 && v.lines.iter().all(|l| l.selected == 0) {
                    self.error("Pick what comes back first: tap + on a line.");
                } else {
                    let reason = format!("Return on {}: {}", v.order_number, d::format_cents(v.refund_cents));
                    self.ask_manager(Pending::Return, reason);
                }
            }
            _ => return false,
        }
        true
    }

    fn reshow_pin(&mut self) {
        if let d::Screen::PinPad(v) = &self.screen {
            let purpose = v.purpose.clone();
            self.show_pin(purpose);
        }
    }

    fn pin_entered(&mut self) {
        let d::Screen::PinPad(view) = self.screen.clone() else { return };
        let pin = std::mem::take(&mut self.counter.pin.digits);
        self.counter.pin.error = None;
        match view.purpose {
            d::PinPurpose::Login => {
                let Some(name) = self.counter.pin.selected.and_then(|i| self.counter.pin.users.get(i)).cloned() else {
                    return;
                };
                let checked = lock(&self.reg).check_pin(&name, &pin);
                match checked {
                    Ok(role) => {
                        info!("{name} signed in");
                        self.counter.session = Some(Session { name, role });
                        self.counter.last_input = Instant::now();
                        self.banner = None;
                        self.refresh();
                        self.show_sale();
                    }
                    Err(e) => {
                        self.counter.pin.error = Some(pin_error(&e));
                        self.show_pin(d::PinPurpose::Login);
                    }
                }
            }
            d::PinPurpose::Approve { reason } => {
                let approved = lock(&self.reg).manager_by_pin(&pin);
                match approved {
                    Ok(manager) => {
                        info!("{manager} approved: {reason}");
                        self.approved(Approval { manager, pin });
                    }
                    Err(e) => {
                        self.counter.pin.error = Some(pin_error(&e));
                        self.show_pin(d::PinPurpose::Approve { reason });
                    }
                }
            }
            d::PinPurpose::FirstManager { step } => self.first_manager_pin(step, pin),
        }
    }

    fn first_manager_pin(&mut self, step: d::FirstManagerStep, pin: String) {
        let Some((name, first)) = self.counter.pin.new_manager.clone() else { return self.start_screen() };
        match (step, first) {
            (d::FirstManagerStep::Choose, _) => {
                if let Err(e) = crate::model::validate_pin(&pin) {
                    self.counter.pin.error = Some(e.to_string());
                    return self.show_pin(d::PinPurpose::FirstManager { step });
                }
                self.counter.pin.new_manager = Some((name, Some(pin)));
                self.show_pin(d::PinPurpose::FirstManager { step: d::FirstManagerStep::Confirm });
            }
            (d::FirstManagerStep::Confirm, Some(first)) if first == pin => {
                let added = lock(&self.reg).add_user(&name, Role::Manager, &pin);
                match added {
                    Ok(()) => {
                        info!("first manager {name} added");
                        self.counter.pin.new_manager = None;
                        self.counter.session = Some(Session { name: name.clone(), role: Role::Manager });
                        self.refresh();
                        self.info(format!("Welcome, {name}: you are this store's manager. Add products, then sell."));
                        self.screen = d::Screen::Status;
                    }
                    Err(e) => {
                        self.error(e.to_string());
                        self.start_screen();
                    }
                }
            }
            (d::FirstManagerStep::Confirm, _) => {
                self.counter.pin.new_manager = Some((name, None));
                self.counter.pin.error = Some("The two PINs differ: choose it again.".into());
                self.show_pin(d::PinPurpose::FirstManager { step: d::FirstManagerStep::Choose });
            }
        }
    }

    /// The first manager's name, typed on the keyboard.
    pub(super) fn first_manager_named(&mut self, name: &str) {
        match validate_name(name, MAX_SHORT_NAME) {
            Ok(n) => {
                self.counter.pin.new_manager = Some((n, None));
                self.counter.pin.digits.clear();
                self.counter.pin.error = None;
                self.show_pin(d::PinPurpose::FirstManager { step: d::FirstManagerStep::Choose });
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    fn approved(&mut self, a: Approval) {
        let manager = a.manager.clone();
        match self.counter.pending.take() {
            Some(Pending::Settings) => {
                if let Some(cfg) = self.config() {
                    self.screen = d::Screen::Settings { current: super::to_display_mode(cfg.mode) };
                }
            }
            Some(Pending::Resolve(entry)) => self.take_note(entry, manager),
            Some(Pending::Discount { line, discount }) => {
                self.counter.approval = Some(a);
                self.set_discount(line, discount);
                self.show_sale();
            }
            Some(Pending::Return) => self.make_return(a),
            None => self.show_sale(),
        }
    }

    /// Settings and Multi-Register setup: a manager approves first.
    pub(super) fn open_settings(&mut self) {
        self.ask_manager(Pending::Settings, "Settings".into());
    }

    /// Resolving a conflict: a manager approves first, then types the note.
    pub(super) fn approve_resolve(&mut self, entry: d::ConflictEntry) {
        let reason = format!("Resolve {}", entry.subject);
        self.ask_manager(Pending::Resolve(entry), reason);
    }

    fn add(&mut self, sku: &str, label: Option<(String, Cents)>) {
        self.counter.last_order = None;
        let c = &mut self.counter.cart;
        match c.iter_mut().find(|l| l.sku == sku && l.label == label) {
            Some(l) if l.qty < 9999 => l.qty += 1,
            Some(_) => {}
            None => c.push(Line { sku: sku.to_string(), qty: 1, discount: None, label }),
        }
    }

    /// A scanned code: on the sale or search screen, its product goes into the cart.
    pub(super) fn scan(&mut self, code: &str) {
        // On a text field (an order number from a receipt's barcode), the code is typed there.
        if let d::Screen::Keyboard(kb) = &mut self.screen
            && (self.counter.session.is_some() || kb.field == d::Field::UserName)
        {
            kb.value.push_str(code);
            return;
        }
        if self.counter.session.is_none() || !matches!(self.screen, d::Screen::Sale(_) | d::Screen::Search(_)) {
            info!("scan of {} ignored on the {} screen", crate::model::quote(code), self.screen.name());
            return;
        }
        let cat = &self.counter.catalog;
        let found = match cat.tiles.iter().position(|t| t.sku == code) {
            Some(i) => Some((i, None)),
            None => parse_barcode(code).ok().and_then(|b| {
                if let Some(i) = cat.by_code.get(b.lookup_key().as_str()) {
                    return Some((*i, None));
                }
                let pe = price_embedded(&b).filter(|_| cat.prices_embedded)?;
                cat.by_code
                    .get(pe.item_code().lookup_key().as_str())
                    .map(|i| (*i, Some((code.to_string(), pe.price()))))
            }),
        };
        match found {
            Some((i, label)) => {
                let sku = cat.tiles[i].sku.clone();
                info!("scan of {} added {sku}", crate::model::quote(code));
                self.add(&sku, label);
                self.banner = None;
            }
            None => {
                self.error(format!(
                    "Unknown code {}: nothing was added. Check it or ring the item by hand.",
                    crate::model::quote(code)
                ));
            }
        }
        self.show_sale();
    }

    fn run_search(&mut self) {
        let q = self.counter.search.query.to_lowercase();
        let words: Vec<&str> = q.split_whitespace().collect();
        self.counter.search.results = self
            .counter
            .catalog
            .tiles
            .iter()
            .filter(|t| words.iter().all(|w| t.haystack.contains(w)))
            .take(200)
            .map(|t| d::ProductTile { sku: t.sku.clone(), name: t.name.clone(), price_cents: t.price_cents })
            .collect();
        self.screen = d::Screen::Search(self.counter.search.clone());
    }

    /// Typing on the search screen.
    pub(super) fn search_key(&mut self, intent: &d::Intent) -> bool {
        if !matches!(self.screen, d::Screen::Search(_)) {
            return false;
        }
        match intent {
            d::Intent::TypeChar(c) if self.counter.search.query.chars().count() < 40 && !c.is_control() => {
                self.counter.search.query.push(*c);
                self.counter.search.page = 0;
            }
            d::Intent::Backspace => {
                self.counter.search.query.pop();
            }
            d::Intent::SwitchLayer(l) => self.counter.search.layer = *l,
            d::Intent::Back | d::Intent::DoneTyping | d::Intent::CancelTyping => {
                self.show_sale();
                return true;
            }
            _ => return false,
        }
        self.run_search();
        true
    }

    fn open_amount(&mut self, what: AmountFor, title: String) {
        let percent = !matches!(what, AmountFor::Tender(_));
        let due = self.counter.pay_view().remaining_cents.max(0);
        let view = d::AmountView {
            title,
            entered: String::new(),
            mode: if percent { d::AmountMode::Percent } else { d::AmountMode::Money },
            allow_percent: percent,
            quick: match what {
                AmountFor::Tender(i) if self.counter.catalog.tenders.get(i).is_some_and(|t| t == CASH) => {
                    quick_cash(due)
                }
                AmountFor::Tender(_) => vec![("Exact".to_string(), due)],
                _ => Vec::new(),
            },
            hint: match (what, self.counter.catalog.discount_limit_bp) {
                (AmountFor::Tender(_), _) => Some(format!("Due {}", d::format_cents(due))),
                (_, Some(l)) => Some(format!("Above {}: a manager approves", RateBp(l))),
                _ => None,
            },
        };
        self.counter.amount = Some((what, view.clone()));
        self.screen = d::Screen::Amount(view);
    }

    fn edit_amount(&mut self, f: impl FnOnce(&mut d::AmountView)) {
        if let Some((_, v)) = &mut self.counter.amount {
            f(v);
            self.screen = d::Screen::Amount(v.clone());
        }
    }

    fn amount_entered(&mut self, c: Cents) {
        let Some((what, _)) = self.counter.amount.clone() else { return };
        match what {
            AmountFor::Tender(i) => {
                let name = self.counter.catalog.tenders.get(i).cloned().unwrap_or_else(|| CASH.into());
                let due = self.counter.pay_view().remaining_cents;
                // Only cash can be more than what is due: the change comes out of the drawer.
                if name != CASH && c.0 > due {
                    self.error(format!("{} is more than the {} due: only cash gives change.", c, Cents(due)));
                    return;
                }
                self.counter.amount = None;
                if c.0 > 0 {
                    self.counter.paid.push((name, c.0));
                }
                self.screen = d::Screen::Pay(self.counter.pay_view());
            }
            _ if c.0 > 0 => self.discount_entered(Discount::Amount(c)),
            _ => {
                // Zero takes the discount off.
                let line = match what {
                    AmountFor::LineDiscount(i) => Some(i),
                    _ => None,
                };
                self.counter.amount = None;
                self.set_discount_unchecked(line, None);
                self.show_sale();
            }
        }
    }

    fn discount_entered(&mut self, discount: Discount) {
        let Some((what, _)) = self.counter.amount.take() else { return };
        let line = match what {
            AmountFor::LineDiscount(i) => Some(i),
            AmountFor::OrderDiscount => None,
            AmountFor::Tender(_) => return,
        };
        let before = (self.counter.cart.clone(), self.counter.order_discount);
        self.set_discount_unchecked(line, Some(discount));
        let Some(priced) = self.counter.priced() else {
            (self.counter.cart, self.counter.order_discount) = before;
            self.error(format!("A discount of {discount} is more than what it applies to."));
            return self.show_sale();
        };
        let over = self.counter.catalog.discount_limit_bp.is_some_and(|l| priced.deepest_discount_bp() > l);
        if over && self.counter.approval.is_none() {
            (self.counter.cart, self.counter.order_discount) = before;
            let limit = self.counter.catalog.discount_limit_bp.map(RateBp).unwrap_or_default();
            self.ask_manager(Pending::Discount { line, discount }, format!("Discount of {discount} (limit {limit})"));
            return;
        }
        self.show_sale();
    }

    fn set_discount(&mut self, line: Option<usize>, discount: Discount) {
        self.set_discount_unchecked(line, Some(discount));
    }

    fn set_discount_unchecked(&mut self, line: Option<usize>, discount: Option<Discount>) {
        match line {
            Some(i) => {
                if let Some(l) = self.counter.cart.get_mut(i) {
                    l.discount = discount;
                }
            }
            None => self.counter.order_discount = discount,
        }
    }

    fn pick_tender(&mut self, i: usize) {
        let Some(t) = self.counter.catalog.tenders.get(i).cloned() else { return };
        if self.counter.pay_view().fully_paid() {
            return;
        }
        let title = if t == CASH { "Cash handed over".to_string() } else { format!("Paid by {t}") };
        self.open_amount(AmountFor::Tender(i), title);
    }

    fn finish_sale(&mut self) {
        let view = self.counter.pay_view();
        if !view.fully_paid() {
            return;
        }
        let c = &self.counter;
        let non_cash: Vec<(String, Option<Cents>)> =
            c.paid.iter().filter(|(t, _)| t != CASH).map(|(t, a)| (untitle(t), Some(Cents(*a)))).collect();
        let handed: i64 = c.paid.iter().filter(|(t, _)| t == CASH).map(|(_, a)| a).sum();
        let mut tenders = non_cash;
        let tendered = (handed > 0).then(|| {
            tenders.push((CASH.into(), None));
            Cents(handed)
        });
        let req = SaleRequest {
            items: c
                .cart
                .iter()
                .map(|l| ItemRequest {
                    code: l.label.as_ref().map_or_else(|| l.sku.clone(), |(code, _)| code.clone()),
                    qty: l.qty,
                    discount: l.discount,
                    price: None,
                })
                .collect(),
            discount: c.order_discount,
            pay: PayRequest { tenders, tendered },
            cashier: c.session.as_ref().map(|s| s.name.clone()),
            approval: c.approval.clone(),
        };
        let result = lock(&self.reg).ring(&req);
        match result {
            Ok(order) => {
                info!("order {} committed", order.number);
                let change = if order.change_cents > 0 {
                    format!(" Change {}.", d::format_cents(order.change_cents))
                } else {
                    String::new()
                };
                self.info(format!("Order {} paid: {}.{change}", order.number, d::format_cents(order.total_cents)));
                self.counter.last_order = Some(order.number);
                self.counter.cart.clear();
                self.counter.paid.clear();
                self.counter.order_discount = None;
                self.counter.approval = None;
                self.refresh();
                self.show_sale();
            }
            // The cart stays, so nothing the cashier rang is lost.
            Err(e) => {
                self.error(format!("The sale was not recorded: {e}"));
                self.screen = d::Screen::Pay(self.counter.pay_view());
            }
        }
    }

    /// The order number typed for a return: show its lines.
    pub(super) fn order_for_return(&mut self, number: &str) {
        let found = lock(&self.reg).store().reader().orders_by_number(number.trim());
        match found {
            Ok(mut v) if v.len() == 1 => {
                let order = v.remove(0);
                if order.voided {
                    self.error(format!("Order {} was voided: nothing can come back from it.", order.number));
                    return self.show_sale();
                }
                let tender = match order.tenders.as_slice() {
                    [one] => one.tender.clone(),
                    _ => CASH.into(),
                };
                let selected = vec![0; order.lines.len()];
                self.counter.returning = Some(Returning { order, selected, restock: true, tender, page: 0 });
                self.show_return();
            }
            Ok(v) if v.is_empty() => {
                self.error(format!("No order {}: check the number on the receipt.", crate::model::quote(number)));
                self.show_sale();
            }
            Ok(_) => {
                self.error(format!("Two registers used the number {}: ask a manager (`till order list`).", number));
                self.show_sale();
            }
            Err(e) => {
                self.error(format!("Cannot read the orders: {e}"));
                self.show_sale();
            }
        }
    }

    fn show_return(&mut self) {
        match self.counter.return_view() {
            Some(v) => self.screen = d::Screen::Return(v),
            None => self.show_sale(),
        }
    }

    fn make_return(&mut self, a: Approval) {
        let Some(r) = self.counter.returning.clone() else { return self.show_sale() };
        let items: Vec<(Sku, u32)> = r
            .order
            .lines
            .iter()
            .zip(&r.selected)
            .filter(|(_, n)| **n > 0)
            .filter_map(|(l, n)| l.sku.parse().ok().map(|s| (s, *n)))
            .collect();
        let cashier = self.counter.session.as_ref().map(|s| s.name.clone());
        let done =
            lock(&self.reg).refund(&r.order.number, &items, r.restock, Some(&r.tender), cashier.as_deref(), Some(&a));
        match done {
            Ok(ret) => {
                info!("return on {} refunded {}", ret.order_number, ret.refund);
                self.info(format!(
                    "Refund {} by {} on {}.",
                    d::format_cents(ret.refund_cents),
                    ret.payment,
                    ret.order_number
                ));
                self.counter.returning = None;
                self.refresh();
                self.show_sale();
            }
            Err(e) => {
                self.error(format!("No refund: {e}"));
                self.show_return();
            }
        }
    }

    /// Someone touched the screen: the idle lock starts counting again.
    pub(super) fn touch(&mut self) {
        self.counter.last_input = Instant::now();
    }

    /// Locks the register after the idle time (`setup set idle_lock=…`).
    pub(super) fn idle_check(&mut self) {
        if self.counter.session.is_none() {
            return;
        }
        let secs = lock(&self.reg).store().get(kv::IDLE_LOCK_SECS).ok().flatten().unwrap_or(DEFAULT_IDLE_LOCK_SECS);
        if secs > 0 && self.counter.last_input.elapsed() >= Duration::from_secs(secs) {
            info!("register locked after {secs} s without use");
            self.show_login();
            self.info("Locked after a while without use: type your PIN to go on. The cart is kept.");
        }
    }

    /// Whether an intent may run now: signed out, only the PIN pad and the first manager's name.
    pub(super) fn allowed(&self, intent: &d::Intent) -> bool {
        use d::Intent as I;
        if self.counter.session.is_some() {
            return true;
        }
        match &self.screen {
            d::Screen::PinPad(_) => matches!(
                intent,
                I::PinDigit(_) | I::PinBackspace | I::PinEnter | I::PickUser(_) | I::UsersPage(_) | I::DismissBanner
            ),
            d::Screen::Keyboard(kb) if kb.field == d::Field::UserName => {
                matches!(intent, I::TypeChar(_) | I::Backspace | I::SwitchLayer(_) | I::DoneTyping | I::DismissBanner)
            }
            _ => false,
        }
    }
}

/// A refused PIN in words for the pad.
fn pin_error(e: &RegisterError) -> String {
    match e {
        RegisterError::WrongPin(left) => format!("Wrong PIN: {left} tries left before the pad locks."),
        RegisterError::PinLocked(s) => format!("Too many wrong PINs: locked for {s} s."),
        RegisterError::NeedsManager(_) => "That PIN is not a manager's.".into(),
        other => other.to_string(),
    }
}
