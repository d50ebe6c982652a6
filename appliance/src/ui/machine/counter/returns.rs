//! Returns on the screen: an order by its number, what comes back, the refund's tender, and a
//! manager's approval.

use log::info;
use till_display as d;
use till_display::i18n::Arg::Text;

use super::Returning;
use crate::model::{CARD, CASH, Sku};
use crate::net::lock;
use crate::register::Approval;
use crate::ui::machine::Ui;

impl Ui {
    /// The order number typed for a return: show its lines.
    pub(in crate::ui::machine) fn order_for_return(&mut self, number: &str) {
        let found = lock(&self.reg).store().reader().orders_by_number(number.trim());
        match found {
            Ok(mut v) if v.len() == 1 => {
                let order = v.remove(0);
                if order.voided {
                    self.error(self.words().t_with("counter-order-was-voided", &[("number", Text(&order.number))]));
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
                let number = crate::model::quote(number);
                self.error(self.words().t_with("counter-no-order", &[("number", Text(&number))]));
                self.show_sale();
            }
            Ok(_) => {
                self.error(self.words().t_with("counter-order-number-twice", &[("number", Text(number))]));
                self.show_sale();
            }
            Err(e) => {
                self.error(self.words().t_with("counter-orders-unreadable", &[("error", Text(&e.to_string()))]));
                self.show_sale();
            }
        }
    }

    pub(in crate::ui::machine) fn show_return(&mut self) {
        match self.counter.return_view(self.words()) {
            Some(v) => self.screen = d::Screen::Return(v),
            None => self.show_sale(),
        }
    }

    pub(in crate::ui::machine) fn make_return(&mut self, a: Approval) {
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
                let refund = self.status.money.format(ret.refund_cents + ret.cash_rounding_cents);
                let args =
                    [("refund", Text(&refund)), ("tender", Text(&ret.payment)), ("number", Text(&ret.order_number))];
                let id = match ret.payment.as_str() {
                    CASH => "counter-refunded-cash",
                    CARD => "counter-refunded-card",
                    _ => "counter-refunded",
                };
                self.info(self.words().t_with(id, &args));
                self.counter.returning = None;
                self.refresh();
                self.show_sale();
            }
            Err(e) => {
                self.error(self.words().t_with("counter-no-refund", &[("error", Text(&e.to_string()))]));
                self.show_return();
            }
        }
    }

    /// Voids the order on the return screen, as approved.
    pub(in crate::ui::machine) fn make_void(&mut self, a: Approval) {
        let Some(r) = self.counter.returning.clone() else { return self.show_sale() };
        let cashier = self.counter.session.as_ref().map(|s| s.name.clone());
        let done = lock(&self.reg).void_by(&r.order.number, cashier.as_deref(), Some(&a));
        match done {
            Ok(o) => {
                info!("order {} voided on the screen", o.number);
                let total = self.status.money.format(o.total_cents);
                self.info(
                    self.words().t_with("counter-voided", &[("number", Text(&o.number)), ("total", Text(&total))]),
                );
                self.counter.returning = None;
                self.refresh();
                self.show_sale();
            }
            Err(e) => {
                self.error(self.words().t_with("counter-not-voided", &[("error", Text(&e.to_string()))]));
                self.show_return();
            }
        }
    }
}
