//! The business day on the screen: the "Drawer & day" menu, cash paid in, paid out and dropped
//! (an amount, then a reason), the drawer opened without a sale (a manager approves, then a
//! reason), the X report and closing the day with the Z (a manager's). The register decides
//! (`Register::move_cash`, `no_sale`, `x_report`, `close_day`); a report on the screen is the
//! printer's document laid out as text (`print::docs::report`, `layout`).

use log::{info, warn};
use till_display as d;
use till_display::i18n::Arg::Text;
use till_display::i18n::Words;

use super::{AmountFor, Pending};
use crate::model::{CashKind, Cents, DayTotals, EventId};
use crate::net::lock;
use crate::print::docs::{Letterhead, ReportHead, layout, report, x_head, z_head, z_preview_head};
use crate::register::{Approval, Register};
use crate::store::{JobKind, ZRow, kv};
use crate::ui::machine::Ui;

/// The columns a report is laid out in for the screen (58 mm paper prints 32, 80 mm 48).
pub const REPORT_COLS: usize = 40;

/// The business day's work in progress on the screen.
#[derive(Clone, Debug, Default)]
pub(in crate::ui::machine) struct DayWork {
    /// A cash movement waiting for its reason.
    pub cash: Option<(CashKind, Cents)>,
    /// A no-sale a manager approved, waiting for its reason.
    pub no_sale: Option<Approval>,
    /// The cash counted for the Z about to be made.
    pub counted: Option<Cents>,
    /// The Z report showing, which Print queues again.
    pub z: Option<EventId>,
}

/// A cash movement in the screen's words.
fn kind_words(w: Words, kind: CashKind) -> String {
    w.t(match kind {
        CashKind::PaidIn => "counter-paid-in",
        CashKind::PaidOut => "counter-paid-out",
        CashKind::Drop => "counter-drop",
    })
}

/// How the store writes amounts (its currency and locale).
fn money_of(r: &Register) -> Result<d::MoneyFormat, String> {
    r.store().reader().money_format().map_err(|e| e.to_string())
}

/// A report's lines as this register's printer would lay them out in its own font.
fn report_lines(r: &Register, head: &ReportHead, totals: &DayTotals) -> Result<Vec<String>, String> {
    Ok(layout(&report(&letterhead(r)?, head, totals), REPORT_COLS))
}

/// The store and register a report is printed for, in the register's words.
fn letterhead(r: &Register) -> Result<Letterhead, String> {
    let name = r.name().map_err(|e| e.to_string())?;
    Letterhead::of(&r.store().reader(), &name).map_err(|e| e.to_string())
}

/// Net sales and expected cash, and the count and its difference when counted.
fn figures(w: Words, m: &d::MoneyFormat, net: i64, expected: i64, counted: Option<i64>) -> Vec<(String, String)> {
    let mut f = vec![(w.t("counter-net-sales"), m.format(net)), (w.t("counter-expected-cash"), m.format(expected))];
    if let Some(c) = counted {
        f.push((w.t("counter-counted"), m.format(c)));
        f.push((w.t("counter-difference"), m.format(c - expected)));
    }
    f
}

/// The X report: the day so far at this register.
fn x_view(r: &Register, w: Words) -> Result<d::ReportView, String> {
    let x = r.x_report().map_err(|e| e.to_string())?;
    let head = x_head(w, &x.date, x.next_z, x.grand_total_cents);
    Ok(d::ReportView {
        kind: d::ReportKind::X,
        title: w.t("counter-x-report"),
        lines: report_lines(r, &head, &x.totals)?,
        page: 0,
        figures: figures(w, &money_of(r)?, x.net_cents, x.expected_cash_cents, None),
    })
}

/// The Z the day would close with now, with the cash counted: the X report's figures.
fn closing_view(r: &Register, w: Words, counted: Cents) -> Result<d::ReportView, String> {
    let x = r.x_report().map_err(|e| e.to_string())?;
    let head = z_preview_head(w, &x.date, x.next_z, x.grand_total_cents, counted.0);
    Ok(d::ReportView {
        kind: d::ReportKind::Closing,
        title: w.t_with("counter-closing-title", &[("number", Text(&x.next_z.to_string()))]),
        lines: report_lines(r, &head, &x.totals)?,
        page: 0,
        figures: figures(w, &money_of(r)?, x.net_cents, x.expected_cash_cents, Some(counted.0)),
    })
}

/// A Z report that was made.
fn z_view(r: &Register, w: Words, z: &ZRow) -> Result<d::ReportView, String> {
    Ok(d::ReportView {
        kind: d::ReportKind::Z,
        title: w.t_with("counter-z-title", &[("number", Text(&z.number.to_string()))]),
        lines: report_lines(r, &z_head(&letterhead(r)?, z, false), &z.totals)?,
        page: 0,
        figures: figures(w, &money_of(r)?, z.net_cents, z.expected_cash_cents, z.counted_cash_cents),
    })
}

/// The printer set up here, for the words and buttons of these screens only ("The drawer
/// opens.", "Print"): a setting that cannot be read counts as none here, and is logged. The print
/// queue and the drawer kick read it again themselves and report their own errors.
fn printer_setup(r: &Register) -> Option<crate::config::PrinterSetup> {
    r.store().get(kv::PRINTER).unwrap_or_else(|e| {
        warn!("cannot read the printer setup: {e}");
        None
    })
}

impl Ui {
    /// The "Drawer & day" menu; whatever was half done there is dropped.
    pub(in crate::ui::machine) fn show_day(&mut self) {
        let drawer = printer_setup(&lock(&self.reg)).is_some_and(|p| p.drawer);
        let cashier = self.counter.session.as_ref().map(|s| s.name.clone()).unwrap_or_default();
        self.counter.day = DayWork::default();
        self.counter.amount = None;
        self.screen = d::Screen::Day(d::DayView { cashier, drawer });
    }

    /// Acts on the business day's intents, and on the keypad, keyboard and PIN pad while they
    /// work for it; false for everything else.
    pub(in crate::ui::machine) fn day_intent(&mut self, intent: &d::Intent) -> bool {
        use d::Intent as I;
        let amount = matches!(self.screen, d::Screen::Amount(_))
            && matches!(self.counter.amount, Some((AmountFor::Cash(_) | AmountFor::Counted, _)));
        let reason = matches!(&self.screen, d::Screen::Keyboard(kb) if kb.field == d::Field::Reason);
        let pin = matches!(self.screen, d::Screen::PinPad(_))
            && matches!(self.counter.pending, Some(Pending::NoSale | Pending::XReport | Pending::CloseDay));
        let report = match &self.screen {
            d::Screen::Report(v) => Some(v.kind),
            _ => None,
        };
        match intent {
            I::OpenDay => {
                self.refresh();
                self.show_day();
            }
            I::Day(action) => {
                // A stale tap (the menu is no longer showing) does nothing.
                if matches!(self.screen, d::Screen::Day(_)) {
                    self.day_action(*action);
                }
            }
            I::AmountEnter if amount => self.day_amount(),
            I::CancelAmount if amount => self.show_day(),
            I::DoneTyping if reason => {
                if let d::Screen::Keyboard(kb) = self.screen.clone() {
                    self.reason_typed(&kb.value);
                }
            }
            I::CancelTyping | I::Back if reason => {
                self.banner = None;
                self.show_day();
            }
            I::CancelPin if pin => {
                self.counter.pending = None;
                self.counter.pin.digits.clear();
                self.show_day();
            }
            I::ReportPage(p) => {
                if let d::Screen::Report(v) = &mut self.screen {
                    v.page = *p;
                }
            }
            I::PrintReport if report == Some(d::ReportKind::Z) => self.print_report(),
            I::ConfirmCloseDay if report == Some(d::ReportKind::Closing) => self.close_confirmed(),
            I::PrintReport | I::ConfirmCloseDay => {}
            I::Back if report.is_some() => self.show_day(),
            I::Back if matches!(self.screen, d::Screen::Day(_)) => {
                self.refresh();
                self.screen = d::Screen::Status;
            }
            _ => return false,
        }
        true
    }

    fn day_action(&mut self, action: d::DayAction) {
        use d::DayAction as A;
        let cash = |kind: CashKind| AmountFor::Cash(kind);
        let w = self.words();
        let then_reason = w.t("counter-then-why");
        match action {
            A::PaidIn => self.ask_amount(cash(CashKind::PaidIn), &w.t("counter-paid-in-title"), &then_reason),
            A::PaidOut => self.ask_amount(cash(CashKind::PaidOut), &w.t("counter-paid-out-title"), &then_reason),
            A::Drop => self.ask_amount(cash(CashKind::Drop), &w.t("counter-drop-title"), &then_reason),
            A::NoSale => self.ask_manager(Pending::NoSale, w.t("counter-approve-no-sale")),
            A::XReport => self.ask_manager(Pending::XReport, w.t("counter-x-report")),
            A::CloseDay => self.ask_manager(Pending::CloseDay, w.t("counter-approve-close-day")),
        }
    }

    /// The amount keypad, in money, for a cash movement or the count.
    fn ask_amount(&mut self, what: AmountFor, title: &str, hint: &str) {
        let view = d::AmountView {
            title: title.into(),
            entered: String::new(),
            mode: d::AmountMode::Money,
            allow_percent: false,
            allow_price: false,
            quick: Vec::new(),
            hint: Some(hint.into()),
        };
        self.counter.amount = Some((what, view.clone()));
        self.screen = d::Screen::Amount(view);
    }

    /// The keyboard for a reason (a cash movement's, a no-sale's).
    fn ask_reason(&mut self) {
        self.keyboard_from = None;
        self.screen = d::Screen::Keyboard(d::KeyboardView {
            field: d::Field::Reason,
            label: d::Field::Reason.label().into(),
            value: String::new(),
            masked: false,
            layer: d::KeyLayer::Upper,
        });
    }

    /// A manager approved a no-sale, the X report or closing the day.
    pub(in crate::ui::machine) fn day_approved(&mut self, pending: Pending, a: Approval) {
        match pending {
            Pending::NoSale => {
                self.info(self.words().t_with("counter-no-sale-approved", &[("manager", Text(&a.manager))]));
                self.counter.day.no_sale = Some(a);
                self.ask_reason();
            }
            Pending::XReport => {
                let view = x_view(&lock(&self.reg), self.words());
                match view {
                    Ok(v) => {
                        self.counter.gate = Some(a);
                        self.screen = d::Screen::Report(v);
                    }
                    Err(e) => {
                        self.error(self.words().t_with("counter-no-x-report", &[("error", Text(&e))]));
                        self.show_day();
                    }
                }
            }
            Pending::CloseDay => {
                self.counter.gate = Some(a);
                let w = self.words();
                self.ask_amount(AmountFor::Counted, &w.t("counter-counted-title"), &w.t("counter-counted-hint"));
            }
            _ => self.show_day(),
        }
    }

    /// OK on the keypad: the amount of a cash movement (then its reason), or the count (then
    /// the figures the day would close with).
    fn day_amount(&mut self) {
        let Some((what, v)) = self.counter.amount.clone() else { return };
        let cents = match Cents::parse_in(&v.entered, self.status.money.currency.minor) {
            Ok(c) => c,
            Err(e) => return self.error(e.to_string()),
        };
        match what {
            AmountFor::Cash(kind) => {
                if cents.0 <= 0 {
                    let zero = self.status.money.format(0);
                    return self.error(self.words().t_with("counter-amount-first", &[("zero", Text(&zero))]));
                }
                self.counter.amount = None;
                self.counter.day.cash = Some((kind, cents));
                let (kind, amount) = (kind_words(self.words(), kind), self.status.money.format(cents.0));
                self.info(
                    self.words().t_with("counter-cash-say-why", &[("kind", Text(&kind)), ("amount", Text(&amount))]),
                );
                self.ask_reason();
            }
            AmountFor::Counted => {
                let view = closing_view(&lock(&self.reg), self.words(), cents);
                match view {
                    Ok(v) => {
                        self.counter.amount = None;
                        self.counter.day.counted = Some(cents);
                        self.screen = d::Screen::Report(v);
                    }
                    Err(e) => self.error(self.words().t_with("counter-figures-unreadable", &[("error", Text(&e))])),
                }
            }
            _ => {}
        }
    }

    /// Record on the reason keyboard: the cash movement or the no-sale is made; a refusal
    /// keeps the keyboard, so the reason can be put right.
    fn reason_typed(&mut self, typed: &str) {
        let why = typed.trim();
        let cashier = self.counter.session.as_ref().map(|s| s.name.clone());
        let drawer = printer_setup(&lock(&self.reg)).is_some_and(|p| p.drawer);
        // "… recorded: float. The drawer opens."
        let w = self.words();
        let opens = |said: String| if drawer { format!("{said} {}", w.t("counter-drawer-opens")) } else { said };
        if let Some((kind, amount)) = self.counter.day.cash {
            let done = lock(&self.reg).move_cash(kind, amount, why, cashier.as_deref());
            match done {
                Ok(id) => {
                    info!("{} of {amount} recorded on the screen ({id})", kind.as_str());
                    let (kind, amount) = (kind_words(w, kind), self.status.money.format(amount.0));
                    let args = [("kind", Text(&kind)), ("amount", Text(&amount)), ("why", Text(why))];
                    self.info(opens(w.t_with("counter-cash-recorded", &args)));
                    self.refresh();
                    self.show_day();
                }
                Err(e) => self.error(w.t_with("counter-not-recorded", &[("error", Text(&e.to_string()))])),
            }
        } else if let Some(a) = self.counter.day.no_sale.clone() {
            let done = lock(&self.reg).no_sale(why, cashier.as_deref(), Some(&a));
            match done {
                Ok(id) => {
                    info!("no sale approved by {} recorded on the screen ({id})", a.manager);
                    let args = [("manager", Text(&a.manager)), ("why", Text(why))];
                    self.info(opens(w.t_with("counter-no-sale-recorded", &args)));
                    self.refresh();
                    self.show_day();
                }
                Err(e) => self.error(w.t_with("counter-drawer-not-opened", &[("error", Text(&e.to_string()))])),
            }
        } else {
            self.show_day();
        }
    }

    /// Close day on the figures: the Z is made with the count, and shows.
    fn close_confirmed(&mut self) {
        let (Some(counted), Some(a)) = (self.counter.day.counted, self.counter.gate.clone()) else { return };
        let done = lock(&self.reg).close_day(Some(counted), None, Some(&a));
        let z = match done {
            Ok(z) => z,
            Err(e) => {
                return self.error(self.words().t_with("counter-day-not-closed", &[("error", Text(&e.to_string()))]));
            }
        };
        info!("day closed on the screen: Z {} by {}", z.number, a.manager);
        let (view, printer) = {
            let r = lock(&self.reg);
            (z_view(&r, self.words(), &z), printer_setup(&r).is_some())
        };
        let w = self.words();
        let after = w.t(if printer { "counter-z-printing" } else { "counter-z-not-printed" });
        let (number, net) = (z.number.to_string(), self.status.money.format(z.net_cents));
        self.info(
            w.t_with("counter-day-closed", &[("number", Text(&number)), ("net", Text(&net)), ("after", Text(&after))]),
        );
        self.counter.day = DayWork { z: z.id.parse().ok(), ..DayWork::default() };
        match view {
            Ok(v) => self.screen = d::Screen::Report(v),
            Err(e) => {
                self.error(w.t_with("counter-day-closed-unshown", &[("number", Text(&number)), ("error", Text(&e))]));
                self.show_day();
            }
        }
        self.refresh();
    }

    /// Print on a Z report: a copy goes into the print queue.
    fn print_report(&mut self) {
        let Some(id) = self.counter.day.z else { return };
        let printer = lock(&self.reg).store().get(kv::PRINTER);
        match printer {
            Ok(Some(_)) => {
                let done = lock(&self.reg).reprint(JobKind::Report, id);
                match done {
                    Ok(()) => self.info(self.words().t("counter-z-copy")),
                    Err(e) => {
                        self.error(self.words().t_with("counter-not-printed", &[("error", Text(&e.to_string()))]))
                    }
                }
            }
            Ok(None) => self.error(self.words().t("counter-no-printer")),
            Err(e) => self.error(self.words().t_with("counter-not-printed", &[("error", Text(&e.to_string()))])),
        }
    }
}
