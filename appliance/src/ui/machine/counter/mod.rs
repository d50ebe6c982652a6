//! The counter on the screen: who is signed in, the cart with its discounts, finding products
//! (scan, search, categories), paying by several tenders, returns, and the manager's approval.
//! Every rule is the register's (`crate::register`): the screen asks, the register decides.

mod cart;
mod day;
mod price;
mod returns;
mod signin;

use std::collections::HashMap;
use std::time::Instant;

use log::info;
use till_display as d;
use till_display::i18n::Arg::Text;
use till_display::i18n::Words;

use super::Ui;
use crate::model::{
    CARD, CASH, CartLine, CashKind, Cents, Discount, RateBp, Role, Sku, cash_rounding, cash_rounding_step,
    discount_limit_bp, price_cart, prices_embedded, prices_include_tax, refund_for,
};
use crate::net::lock;
use crate::register::Approval;
use crate::store::OrderRow;

pub(super) use crate::config::DEFAULT_IDLE_LOCK_SECS;
#[cfg(test)]
pub(super) use day::REPORT_COLS;

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
    /// SKU → index in `tiles`.
    pub by_sku: HashMap<String, usize>,
    /// The tiles of each tab, made once per catalog read (index 0: all; then each category),
    /// shared with every frame rather than copied into it.
    pub tabs: Vec<std::sync::Arc<[d::ProductTile]>>,
    pub prices_include_tax: bool,
    pub prices_embedded: bool,
    pub discount_limit_bp: Option<u32>,
    pub tenders: Vec<String>,
    /// The store's `cash_rounding` step in minor units (0: none).
    pub cash_rounding: i64,
}

/// One cart line: a product, how many, its discount, the label it was scanned from when
/// that label carries its price (a weighed item: rung by that code, the register reads the
/// same price from it), and the unit price a manager approved instead of the shelf's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Line {
    pub sku: String,
    pub qty: u32,
    pub discount: Option<Discount>,
    pub label: Option<(String, Cents)>,
    pub price: Option<Cents>,
}

/// What waits for a manager's PIN.
#[derive(Clone, Debug)]
pub(super) enum Pending {
    Settings,
    Resolve(d::ConflictEntry),
    Discount {
        line: Option<usize>,
        discount: Discount,
    },
    /// A cart line sold at another unit price than the shelf's.
    PriceOverride {
        line: usize,
        price: Cents,
    },
    Return,
    Void,
    /// The drawer opened without a sale (then its reason).
    NoSale,
    /// The X report.
    XReport,
    /// Closing the day (then the cash counted, the figures, and the Z).
    CloseDay,
    /// Sending the export's refused entries again.
    RetryExport,
    /// Making this register the store's server (Settings → Multi-Register, on a client).
    Promote,
}

/// What the amount keypad is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum AmountFor {
    /// What a tender (by its index in the store's list) pays; cash as handed over.
    Tender(usize),
    /// A cart line's pad: its discount (money or percent), or its new price.
    LineDiscount(usize),
    OrderDiscount,
    /// Cash paid in, paid out or dropped (then its reason).
    Cash(CashKind),
    /// The cash counted in the drawer when the day closes.
    Counted,
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
    /// The manager's approval that opened Settings, the printer or a report: manager-only
    /// intents are refused without it, and it lapses once those screens are left.
    pub gate: Option<Approval>,
    /// The business day's work in progress (a cash movement, a no-sale, closing the day).
    pub day: day::DayWork,
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
            search: d::SearchView {
                query: String::new(),
                results: Vec::new().into(),
                page: 0,
                layer: d::KeyLayer::Lower,
            },
            category: None,
            page: 0,
            returning: None,
            last_order: None,
            last_input: Instant::now(),
            gate: None,
            day: day::DayWork::default(),
        }
    }

    fn tile(&self, sku: &str) -> Option<&Tile> {
        self.catalog.by_sku.get(sku).and_then(|i| self.catalog.tiles.get(*i))
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
                    unit_price_cents: l.price.unwrap_or(self.shelf_price(l, t)),
                    tax_rate_bp: t.rate,
                    discount: l.discount,
                })
            })
            .collect();
        price_cart(&lines?, self.order_discount, self.catalog.prices_include_tax).ok()
    }

    /// A line's price before any override: its label's (a weighed item), else its product's.
    fn shelf_price(&self, l: &Line, t: &Tile) -> Cents {
        l.label.as_ref().map_or(Cents(t.price_cents), |(_, p)| *p)
    }

    fn total(&self) -> i64 {
        self.priced().map_or(0, |p| p.total_cents.0)
    }

    /// Products on the current tab (shared, not copied: a frame with 10,000 products costs a
    /// reference count).
    fn shown(&self) -> std::sync::Arc<[d::ProductTile]> {
        let tab = self.category.map_or(0, |i| i + 1);
        self.catalog.tabs.get(tab).or(self.catalog.tabs.first()).cloned().unwrap_or_else(|| Vec::new().into())
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

    /// The cash part of the order as the register will take it: what the other tenders leave,
    /// rounded to the store's step (docs/LOCALE.md, "Cash rounding").
    pub(super) fn cash_part(&self) -> i64 {
        let other: i64 = self.paid.iter().filter(|(t, _)| t != CASH).map(|(_, a)| a).sum();
        let exact = self.total() - other;
        exact + cash_rounding(exact, self.catalog.cash_rounding)
    }

    fn pay_view(&self, w: Words) -> d::PayView {
        let total = self.total();
        let given: i64 = self.paid.iter().map(|(_, a)| a).sum();
        let cash: i64 = self.paid.iter().filter(|(t, _)| t == CASH).map(|(_, a)| a).sum();
        // Once cash is taken, what is left is the rounded cash part less the cash handed over.
        let remaining = if cash > 0 { self.cash_part() - cash } else { total - given };
        // Before cash is taken, what the rest would come to in cash, when rounding changes it.
        let cash_due = (cash == 0 && remaining > 0).then(|| self.cash_part()).filter(|c| *c != remaining);
        d::PayView {
            total_cents: total,
            applied: self.paid.iter().map(|(n, a)| d::AppliedTender { name: title(w, n), amount_cents: *a }).collect(),
            remaining_cents: remaining,
            change_cents: if remaining < 0 { (-remaining).min(cash) } else { 0 },
            tenders: self.catalog.tenders.iter().map(|t| title(w, t)).collect(),
            cash_due_cents: cash_due,
        }
    }

    fn return_view(&self, w: Words) -> Option<d::ReturnView> {
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
        // What the customer gets back by the chosen tender: in cash, rounded as the register will.
        let goods: i64 = lines.iter().map(|l| l.refund_cents).sum();
        let rounding = if r.tender == CASH { cash_rounding(goods, self.catalog.cash_rounding) } else { 0 };
        Some(d::ReturnView {
            order_number: r.order.number.clone(),
            refund_cents: goods + rounding,
            lines,
            page: r.page,
            restock: r.restock,
            refund_tender: title(w, &r.tender),
            can_void: r.order.lines.iter().all(|l| l.returned_qty == 0),
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
/// Cash and card are the register's own words, in the screen's language; a tender the store
/// named stays as it was typed.
fn title(w: Words, t: &str) -> String {
    match t {
        CASH => w.t("counter-tender-cash"),
        CARD => w.t("counter-tender-card"),
        _ => {
            let mut c = t.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
        }
    }
}

/// The tender a button names, back to the store's name for it.
fn untitle(t: &str) -> String {
    t.to_lowercase()
}

/// Quick cash buttons: the exact amount and the next notes up (5, 10, 20, 50 and 100 of the
/// currency's main unit; of 100 yen and the like in a currency without minor units).
fn quick_cash(w: Words, money: &d::MoneyFormat, due: i64) -> Vec<(String, i64)> {
    let mut q = vec![(w.t("counter-exact"), due)];
    let unit = if money.currency.minor == 0 { 100 } else { money.currency.scale() };
    for note in [5, 10, 20, 50, 100].map(|n| n * unit) {
        let up = (due + note - 1) / note * note;
        if up > due && q.iter().all(|(_, a)| *a != up) && q.len() < 3 {
            q.push((money.format(up), up));
        }
    }
    q
}

impl Ui {
    /// Reads the catalog (products, categories, barcodes, settings, tenders) for the counter.
    pub(in crate::ui::machine) fn load_catalog(&mut self) -> Result<(), String> {
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
            cash_rounding: cash_rounding_step(setting("cash_rounding")),
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
        c.by_sku = c.tiles.iter().enumerate().map(|(i, t)| (t.sku.clone(), i)).collect();
        let tile = |t: &Tile| d::ProductTile { sku: t.sku.clone(), name: t.name.clone(), price_cents: t.price_cents };
        c.tabs = std::iter::once(c.tiles.iter().map(tile).collect::<Vec<_>>().into())
            .chain(c.categories.iter().map(|cat| {
                c.tiles.iter().filter(|t| t.category.as_ref() == Some(cat)).map(tile).collect::<Vec<_>>().into()
            }))
            .collect();
        drop(r);
        // A product taken off sale elsewhere leaves the cart (its line cannot be rung).
        self.counter.cart.retain(|l| c.tiles.iter().any(|t| t.sku == l.sku));
        self.counter.catalog = c;
        Ok(())
    }

    /// What the sale screen shows now.
    pub(in crate::ui::machine) fn show_sale(&mut self) {
        self.screen = d::Screen::Sale(self.counter.sale_view());
    }

    /// Acts on the counter's intents; false for intents that are not the counter's.
    pub(in crate::ui::machine) fn counter_intent(&mut self, intent: &d::Intent) -> bool {
        use d::Intent as I;
        // Starting the next task clears the last one's confirmation ("Order … paid"); an error
        // stays until it is dismissed.
        if matches!(intent, I::OpenReturns | I::OpenSearch | I::OpenPay | I::EditLine(_) | I::OrderDiscount)
            && self.banner.as_ref().is_some_and(|b| b.kind == d::BannerKind::Info)
        {
            self.banner = None;
        }
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
                if let Some(l) = self.counter.cart.get(*i) {
                    let overridden = l.price.is_some();
                    let name = self.line_name(*i);
                    let title = self.words().t_with("counter-discount-on", &[("name", Text(&name))]);
                    self.open_amount(AmountFor::LineDiscount(*i), title);
                    // A line at a manager's price opens on its price.
                    if overridden {
                        self.pick_amount_mode(d::AmountMode::Price);
                    }
                }
            }
            I::OrderDiscount => {
                if !self.counter.cart.is_empty() {
                    self.open_amount(AmountFor::OrderDiscount, self.words().t("counter-discount-order"));
                }
            }
            I::OpenPay | I::Pay(_) => {
                if self.counter.cart.is_empty() {
                    self.error(self.words().t("counter-order-empty"));
                    self.show_sale();
                } else {
                    self.counter.paid.clear();
                    self.screen = d::Screen::Pay(self.counter.pay_view(self.words()));
                }
            }
            I::PickTender(i) => self.pick_tender(*i),
            I::RemoveTender(i) => {
                if *i < self.counter.paid.len() {
                    self.counter.paid.remove(*i);
                }
                self.screen = d::Screen::Pay(self.counter.pay_view(self.words()));
            }
            I::FinishSale => self.finish_sale(),
            I::AmountDigit(n) => {
                let minor = usize::from(self.status.money.currency.minor);
                self.edit_amount(|v| {
                    let most = if v.mode == d::AmountMode::Percent { 2 } else { minor };
                    if v.entered.len() < 10 && v.entered.split('.').nth(1).is_none_or(|f| f.len() < most) {
                        v.entered.push(char::from(b'0' + n.min(&9)));
                    }
                })
            }
            I::AmountPoint => {
                let whole = self.status.money.currency.minor == 0;
                self.edit_amount(|v| {
                    let no_decimals = whole && v.mode != d::AmountMode::Percent;
                    if !v.entered.contains('.') && !no_decimals {
                        v.entered.push('.');
                    }
                })
            }
            I::AmountBackspace => self.edit_amount(|v| {
                v.entered.pop();
            }),
            I::ToggleDiscountMode => self.edit_amount(|v| {
                v.mode = match v.mode {
                    d::AmountMode::Money => d::AmountMode::Percent,
                    d::AmountMode::Percent | d::AmountMode::Price => d::AmountMode::Money,
                }
            }),
            I::PickAmountMode(m) => self.pick_amount_mode(*m),
            I::QuickAmount(i) => {
                let q = self.counter.amount.as_ref().and_then(|(_, v)| v.quick.get(*i).map(|q| q.1));
                if let Some(cents) = q {
                    self.amount_entered(Cents(cents));
                }
            }
            I::AmountEnter => {
                let Some((_, v)) = self.counter.amount.clone() else { return true };
                match v.mode {
                    d::AmountMode::Money => match Cents::parse_in(&v.entered, self.status.money.currency.minor) {
                        Ok(c) => self.amount_entered(c),
                        Err(e) => self.error(e.to_string()),
                    },
                    d::AmountMode::Percent => match format!("{}%", v.entered).parse::<Discount>() {
                        Ok(d) => self.discount_entered(d),
                        Err(e) => self.error(e.to_string()),
                    },
                    d::AmountMode::Price => match Cents::parse_in(&v.entered, self.status.money.currency.minor) {
                        Ok(c) => self.price_entered(c),
                        Err(e) => self.error(e.to_string()),
                    },
                }
            }
            I::CancelAmount => {
                let from = self.counter.amount.take().map(|(f, _)| f);
                if matches!(from, Some(AmountFor::Tender(_))) {
                    self.screen = d::Screen::Pay(self.counter.pay_view(self.words()));
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
            I::VoidOrder => {
                if let Some(r) = &self.counter.returning {
                    let total = self.status.money.format(r.order.total_cents);
                    let args = [("number", Text(&r.order.number)), ("total", Text(&total))];
                    let reason = self.words().t_with("counter-approve-void", &args);
                    self.ask_manager(Pending::Void, reason);
                }
            }
            I::ConfirmReturn => {
                let Some(v) = self.counter.return_view(self.words()) else { return true };
                if v.refund_cents == 0 && v.lines.iter().all(|l| l.selected == 0) {
                    self.error(self.words().t("counter-pick-return"));
                } else {
                    let refund = self.status.money.format(v.refund_cents);
                    let args = [("number", Text(&v.order_number)), ("refund", Text(&refund))];
                    let reason = self.words().t_with("counter-approve-return", &args);
                    self.ask_manager(Pending::Return, reason);
                }
            }
            _ => return false,
        }
        true
    }
}
