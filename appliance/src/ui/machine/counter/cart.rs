//! The cart: products by scan, search and tap, discounts (a manager above the store's limit),
//! and paying by one or more tenders with change.

use log::info;
use till_display as d;
use till_display::i18n::Arg::Text;

use super::{AmountFor, Line, Pending, quick_cash, untitle};
use crate::model::{CARD, CASH, Cents, Discount, PayRequest, RateBp, parse_barcode, price_embedded};
use crate::net::lock;
use crate::register::{ItemRequest, SaleRequest};
use crate::ui::machine::Ui;

impl Ui {
    pub(in crate::ui::machine) fn add(&mut self, sku: &str, label: Option<(String, Cents)>) {
        self.counter.last_order = None;
        let c = &mut self.counter.cart;
        match c.iter_mut().find(|l| l.sku == sku && l.label == label) {
            Some(l) if l.qty < 9999 => l.qty += 1,
            Some(_) => {}
            None => c.push(Line { sku: sku.to_string(), qty: 1, discount: None, label, price: None }),
        }
    }

    /// A scanned code: on the sale or search screen, its product goes into the cart.
    pub(in crate::ui::machine) fn scan(&mut self, code: &str) {
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
        let found = match cat.by_sku.get(code) {
            Some(i) => Some((*i, None)),
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
                let code = crate::model::quote(code);
                self.error(self.words().t_with("counter-unknown-code", &[("code", Text(&code))]));
            }
        }
        self.show_sale();
    }

    pub(in crate::ui::machine) fn run_search(&mut self) {
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
            .collect::<Vec<_>>()
            .into();
        self.screen = d::Screen::Search(self.counter.search.clone());
    }

    /// Typing on the search screen.
    pub(in crate::ui::machine) fn search_key(&mut self, intent: &d::Intent) -> bool {
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

    pub(in crate::ui::machine) fn open_amount(&mut self, what: AmountFor, title: String) {
        let percent = !matches!(what, AmountFor::Tender(_));
        let cash =
            matches!(what, AmountFor::Tender(i) if self.counter.catalog.tenders.get(i).is_some_and(|t| t == CASH));
        let due = if cash {
            // Cash is due rounded to the store's step (docs/LOCALE.md, "Cash rounding").
            let handed: i64 = self.counter.paid.iter().filter(|(t, _)| t == CASH).map(|(_, a)| a).sum();
            (self.counter.cash_part() - handed).max(0)
        } else {
            self.counter.pay_view(self.words()).remaining_cents.max(0)
        };
        let view = d::AmountView {
            title,
            entered: String::new(),
            mode: if percent { d::AmountMode::Percent } else { d::AmountMode::Money },
            allow_percent: percent,
            allow_price: matches!(what, AmountFor::LineDiscount(_)),
            quick: match what {
                AmountFor::Tender(_) if cash => quick_cash(self.words(), &self.status.money, due),
                AmountFor::Tender(_) => vec![(self.words().t("counter-exact"), due)],
                _ => Vec::new(),
            },
            hint: match what {
                AmountFor::Tender(_) => {
                    Some(self.words().t_with("counter-due", &[("amount", Text(&self.status.money.format(due)))]))
                }
                _ => self.discount_hint(),
            },
        };
        self.counter.amount = Some((what, view.clone()));
        self.screen = d::Screen::Amount(view);
    }

    /// What a discount's pad says under the amount: the limit above which a manager approves.
    pub(in crate::ui::machine) fn discount_hint(&self) -> Option<String> {
        let limit = self.counter.catalog.discount_limit_bp.map(|l| RateBp(l).to_string())?;
        Some(self.words().t_with("counter-discount-limit", &[("limit", Text(&limit))]))
    }

    pub(in crate::ui::machine) fn edit_amount(&mut self, f: impl FnOnce(&mut d::AmountView)) {
        if let Some((_, v)) = &mut self.counter.amount {
            f(v);
            self.screen = d::Screen::Amount(v.clone());
        }
    }

    pub(in crate::ui::machine) fn amount_entered(&mut self, c: Cents) {
        let Some((what, _)) = self.counter.amount.clone() else { return };
        match what {
            AmountFor::Tender(i) => {
                let name = self.counter.catalog.tenders.get(i).cloned().unwrap_or_else(|| CASH.into());
                let due = self.counter.pay_view(self.words()).remaining_cents;
                // Only cash can be more than what is due: the change comes out of the drawer.
                if name != CASH && c.0 > due {
                    let (amount, due) = (c.to_string(), Cents(due).to_string());
                    let args = [("amount", Text(&amount)), ("due", Text(&due))];
                    self.error(self.words().t_with("counter-more-than-due", &args));
                    return;
                }
                self.counter.amount = None;
                if c.0 > 0 {
                    self.counter.paid.push((name, c.0));
                }
                self.screen = d::Screen::Pay(self.counter.pay_view(self.words()));
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

    pub(in crate::ui::machine) fn discount_entered(&mut self, discount: Discount) {
        let Some((what, _)) = self.counter.amount.take() else { return };
        let line = match what {
            AmountFor::LineDiscount(i) => Some(i),
            AmountFor::OrderDiscount => None,
            AmountFor::Tender(_) | AmountFor::Cash(_) | AmountFor::Counted => return,
        };
        let before = (self.counter.cart.clone(), self.counter.order_discount);
        self.set_discount_unchecked(line, Some(discount));
        let Some(priced) = self.counter.priced() else {
            (self.counter.cart, self.counter.order_discount) = before;
            let discount = discount.to_string();
            self.error(self.words().t_with("counter-discount-too-big", &[("discount", Text(&discount))]));
            return self.show_sale();
        };
        let over = self.counter.catalog.discount_limit_bp.is_some_and(|l| priced.deepest_discount_bp() > l);
        if over && self.counter.approval.is_none() {
            (self.counter.cart, self.counter.order_discount) = before;
            let limit = self.counter.catalog.discount_limit_bp.map(RateBp).unwrap_or_default();
            let (shown, limit) = (discount.to_string(), limit.to_string());
            let args = [("discount", Text(&shown)), ("limit", Text(&limit))];
            let reason = self.words().t_with("counter-approve-discount", &args);
            self.ask_manager(Pending::Discount { line, discount }, reason);
            return;
        }
        self.show_sale();
    }

    pub(in crate::ui::machine) fn set_discount(&mut self, line: Option<usize>, discount: Discount) {
        self.set_discount_unchecked(line, Some(discount));
    }

    pub(in crate::ui::machine) fn set_discount_unchecked(&mut self, line: Option<usize>, discount: Option<Discount>) {
        match line {
            Some(i) => {
                if let Some(l) = self.counter.cart.get_mut(i) {
                    l.discount = discount;
                }
            }
            None => self.counter.order_discount = discount,
        }
    }

    pub(in crate::ui::machine) fn pick_tender(&mut self, i: usize) {
        let Some(t) = self.counter.catalog.tenders.get(i).cloned() else { return };
        if self.counter.pay_view(self.words()).fully_paid() {
            return;
        }
        let w = self.words();
        let title = match t.as_str() {
            CASH => w.t("counter-cash-handed"),
            CARD => w.t("counter-paid-by-card"),
            _ => w.t_with("counter-paid-by", &[("tender", Text(&t))]),
        };
        self.open_amount(AmountFor::Tender(i), title);
    }

    pub(in crate::ui::machine) fn finish_sale(&mut self) {
        let view = self.counter.pay_view(self.words());
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
                    price: l.price,
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
                let (m, total) = (&self.status.money, self.status.money.format(order.total_cents));
                let change = m.format(order.change_cents);
                let args = [("number", Text(&order.number)), ("total", Text(&total)), ("change", Text(&change))];
                let id = if order.change_cents > 0 { "counter-order-paid-change" } else { "counter-order-paid" };
                self.info(self.words().t_with(id, &args));
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
                self.error(self.words().t_with("counter-sale-not-recorded", &[("error", Text(&e.to_string()))]));
                self.screen = d::Screen::Pay(self.counter.pay_view(self.words()));
            }
        }
    }
}
