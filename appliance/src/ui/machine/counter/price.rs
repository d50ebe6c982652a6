//! A cart line sold at another unit price than the shelf's (a price override). The line's pad
//! offers a new price beside its discount; a manager approves it on the PIN pad (the cashier
//! stays signed in), and the sale carries it to the register as `till order create --price`
//! does, where the approval is checked again.

use till_display as d;

use super::{AmountFor, Pending};
use crate::model::Cents;
use crate::ui::machine::Ui;

impl Ui {
    /// The line's pad reads its number as money off, percent off, or the line's new price.
    pub(in crate::ui::machine) fn pick_amount_mode(&mut self, mode: d::AmountMode) {
        let Some((AmountFor::LineDiscount(i), _)) = self.counter.amount else { return };
        let name = self.line_name(i);
        let (title, hint) = match mode {
            d::AmountMode::Price => {
                let shelf = self.line_shelf_price(i).unwrap_or_default();
                let hint = if self.counter.approval.is_some() {
                    format!(
                        "Shelf price {}. A manager approved this order's changes.",
                        self.status.money.format(shelf.0)
                    )
                } else {
                    format!("Shelf price {}. A new price needs a manager.", self.status.money.format(shelf.0))
                };
                (format!("Price of {name}"), Some(hint))
            }
            d::AmountMode::Money | d::AmountMode::Percent => (format!("Discount on {name}"), self.discount_hint()),
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
            return self
                .error(format!("The discount on this line is more than {}.", self.status.money.format(price.0)));
        }
        self.counter.amount = None;
        if new.is_some() && self.counter.approval.is_none() {
            self.counter.cart = before;
            let reason = format!(
                "Price of {}: {} (shelf {})",
                self.line_name(i),
                self.status.money.format(price.0),
                self.status.money.format(shelf.0)
            );
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
