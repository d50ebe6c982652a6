//! A cart line sold at another unit price than the shelf's (a price override). The line's pad
//! offers a new price beside its discount; a manager approves it on the PIN pad (the cashier
//! stays signed in), and the sale carries it to the register as `till order create --price`
//! does, where the approval is checked again.

use till_display as d;
use till_display::i18n::Arg::Text;

use super::{AmountFor, Pending};
use crate::model::Cents;
use crate::ui::machine::Ui;

impl Ui {
    /// The line's pad reads its number as money off, percent off, or the line's new price.
    pub(in crate::ui::machine) fn pick_amount_mode(&mut self, mode: d::AmountMode) {
        let Some((AmountFor::LineDiscount(i), _)) = self.counter.amount else { return };
        let name = self.line_name(i);
        let w = self.words();
        let (title, hint) = match mode {
            d::AmountMode::Price => {
                let shelf = self.status.money.format(self.line_shelf_price(i).unwrap_or_default().0);
                let id = if self.counter.approval.is_some() {
                    "counter-shelf-price-approved"
                } else {
                    "counter-shelf-price"
                };
                let hint = w.t_with(id, &[("price", Text(&shelf))]);
                (w.t_with("counter-price-of", &[("name", Text(&name))]), Some(hint))
            }
            d::AmountMode::Money | d::AmountMode::Percent => {
                (w.t_with("counter-discount-on", &[("name", Text(&name))]), self.discount_hint())
            }
        };
        self.edit_amount(|v| {
            if v.mode != mode {
                v.mode = mode;
                v.entered.clear();
            }
            v.title = title;
            v.hint = hint;
        });
    }

    /// A new unit price typed on line `i`'s pad. The shelf price takes an override off; another
    /// price waits for a manager's PIN, unless a manager already approved this cart (a discount
    /// above the limit or another price): that approval goes to the register with the sale.
    pub(in crate::ui::machine) fn price_entered(&mut self, price: Cents) {
        let Some((AmountFor::LineDiscount(i), _)) = self.counter.amount.clone() else { return };
        let Some(shelf) = self.line_shelf_price(i) else { return };
        let before = self.counter.cart.clone();
        let new = (price != shelf).then_some(price);
        self.set_price(i, new);
        // A line discount larger than the new price cannot be rung: said before a manager is asked.
        if self.counter.priced().is_none() {
            self.counter.cart = before;
            let price = self.status.money.format(price.0);
            return self.error(self.words().t_with("counter-line-discount-too-big", &[("price", Text(&price))]));
        }
        self.counter.amount = None;
        if new.is_some() && self.counter.approval.is_none() {
            self.counter.cart = before;
            let (name, m) = (self.line_name(i), &self.status.money);
            let (new_price, shelf) = (m.format(price.0), m.format(shelf.0));
            let args = [("name", Text(&name)), ("price", Text(&new_price)), ("shelf", Text(&shelf))];
            let reason = self.words().t_with("counter-approve-price", &args);
            return self.ask_manager(Pending::PriceOverride { line: i, price }, reason);
        }
        self.show_sale();
    }

    /// Sets (or, with `None`, takes off) line `i`'s override price.
    pub(in crate::ui::machine) fn set_price(&mut self, i: usize, price: Option<Cents>) {
        if let Some(l) = self.counter.cart.get_mut(i) {
            l.price = price;
        }
    }

    pub(in crate::ui::machine) fn line_name(&self, i: usize) -> String {
        let sku = self.counter.cart.get(i).map(|l| l.sku.as_str()).unwrap_or_default();
        self.counter.tile(sku).map(|t| t.name.clone()).unwrap_or_default()
    }

    fn line_shelf_price(&self, i: usize) -> Option<Cents> {
        let l = self.counter.cart.get(i)?;
        Some(self.counter.shelf_price(l, self.counter.tile(&l.sku)?))
    }
}
