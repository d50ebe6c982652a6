//! Who is at the register: the first manager, signing in by PIN, the lock-out, the manager's
//! approval on the same pad, and the idle lock.

use std::time::{Duration, Instant};

use log::{info, warn};
use till_display as d;
use till_display::i18n::Arg::{Count, Text};
use till_display::i18n::Words;

use super::{AmountFor, DEFAULT_IDLE_LOCK_SECS, Pending, Session};
use crate::model::{MAX_SHORT_NAME, Role, validate_name};
use crate::net::lock;
use crate::register::{Approval, RegisterError};
use crate::store::kv;
use crate::ui::machine::Ui;

impl Ui {
    /// The first screen: the first manager is made, or someone signs in.
    pub(in crate::ui::machine) fn start_screen(&mut self) {
        let users = lock(&self.reg).store().reader().users();
        match users {
            Ok(users) if users.iter().any(|u| u.active) => self.show_login(),
            Ok(_) => {
                self.counter.pin.new_manager = None;
                self.screen = d::Screen::Keyboard(d::KeyboardView {
                    field: d::Field::UserName,
                    label: self.words().t("counter-first-manager-name"),
                    value: String::new(),
                    masked: false,
                    layer: d::KeyLayer::Upper,
                });
            }
            Err(e) => self.error(self.words().t_with("counter-users-unreadable", &[("error", Text(&e.to_string()))])),
        }
    }

    pub(in crate::ui::machine) fn show_login(&mut self) {
        // The register locks whatever happens: users that cannot be read leave a pad with no
        // names (nobody signs in until the database reads again), said on the pad and the console.
        let (users, unreadable) = match lock(&self.reg).store().reader().users() {
            Ok(u) => (u, None),
            Err(e) => {
                warn!("cannot read the users for the sign-in pad: {e}");
                (Vec::new(), Some(self.words().t_with("counter-users-unreadable", &[("error", Text(&e.to_string()))])))
            }
        };
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
        // Whatever a manager opened closes with the session; a half-made cash movement is dropped.
        self.counter.gate = None;
        self.counter.day = Default::default();
        self.counter.amount = None;
        self.show_pin(d::PinPurpose::Login);
        if let Some(e) = unreadable {
            self.error(e);
        }
    }

    pub(in crate::ui::machine) fn show_pin(&mut self, purpose: d::PinPurpose) {
        // The countdown shown on the pad only: the lock itself is enforced where the PIN is
        // checked (`Register::check_pin` reads it again and refuses on an error).
        let locked = lock(&self.reg).pin_locked_secs().ok().flatten();
        let (p, w) = (&self.counter.pin, self.words());
        let prompt = match &purpose {
            d::PinPurpose::Login => match p.selected.and_then(|i| p.users.get(i)) {
                Some(n) => w.t_with("counter-pin-prompt", &[("name", Text(n))]),
                None => w.t("counter-pin-pick-name"),
            },
            d::PinPurpose::Approve { .. } => w.t("counter-pin-manager"),
            d::PinPurpose::FirstManager { step: d::FirstManagerStep::Choose } => {
                let name = p.new_manager.as_ref().map(|(n, _)| n.as_str()).unwrap_or_default();
                w.t_with("counter-pin-choose", &[("name", Text(name))])
            }
            d::PinPurpose::FirstManager { step: d::FirstManagerStep::Confirm } => w.t("counter-pin-again"),
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

    pub(in crate::ui::machine) fn ask_manager(&mut self, pending: Pending, reason: String) {
        self.counter.pending = Some(pending);
        self.counter.pin.digits.clear();
        self.counter.pin.error = None;
        self.show_pin(d::PinPurpose::Approve { reason });
    }

    pub(in crate::ui::machine) fn reshow_pin(&mut self) {
        if let d::Screen::PinPad(v) = &self.screen {
            let purpose = v.purpose.clone();
            self.show_pin(purpose);
        }
    }

    pub(in crate::ui::machine) fn pin_entered(&mut self) {
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
                        self.counter.pin.error = Some(pin_error(self.words(), &e));
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
                        self.counter.pin.error = Some(pin_error(self.words(), &e));
                        self.show_pin(d::PinPurpose::Approve { reason });
                    }
                }
            }
            d::PinPurpose::FirstManager { step } => self.first_manager_pin(step, pin),
        }
    }

    pub(in crate::ui::machine) fn first_manager_pin(&mut self, step: d::FirstManagerStep, pin: String) {
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
                        self.info(self.words().t_with("counter-welcome", &[("name", Text(&name))]));
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
                self.counter.pin.error = Some(self.words().t("counter-pins-differ"));
                self.show_pin(d::PinPurpose::FirstManager { step: d::FirstManagerStep::Choose });
            }
        }
    }

    /// The first manager's name, typed on the keyboard.
    pub(in crate::ui::machine) fn first_manager_named(&mut self, name: &str) {
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

    pub(in crate::ui::machine) fn approved(&mut self, a: Approval) {
        let manager = a.manager.clone();
        match self.counter.pending.take() {
            Some(Pending::Settings) => {
                if let Some(cfg) = self.config() {
                    self.counter.gate = Some(a);
                    self.screen =
                        d::Screen::Settings { current: crate::ui::machine::status::to_display_mode(cfg.mode) };
                }
            }
            Some(p @ (Pending::NoSale | Pending::XReport | Pending::CloseDay)) => self.day_approved(p, a),
            Some(Pending::Resolve(entry)) => self.take_note(entry, manager),
            Some(Pending::Discount { line, discount }) => {
                self.counter.approval = Some(a);
                self.set_discount(line, discount);
                self.show_sale();
            }
            Some(Pending::PriceOverride { line, price }) => {
                self.counter.approval = Some(a);
                self.set_price(line, Some(price));
                self.show_sale();
            }
            Some(Pending::Return) => self.make_return(a),
            Some(Pending::RetryExport) => self.export_approved(a),
            Some(Pending::Promote) => self.promote_approved(a),
            Some(Pending::Void) => self.make_void(a),
            None => self.show_sale(),
        }
    }

    /// Settings and Multi-Register setup: a manager approves first.
    pub(in crate::ui::machine) fn open_settings(&mut self) {
        self.ask_manager(Pending::Settings, self.words().t("counter-approve-settings"));
    }

    /// Resolving a conflict: a manager approves first, then types the note.
    pub(in crate::ui::machine) fn approve_resolve(&mut self, entry: d::ConflictEntry) {
        let reason = self.words().t_with("counter-approve-resolve", &[("subject", Text(&entry.subject))]);
        self.ask_manager(Pending::Resolve(entry), reason);
    }

    /// Someone touched the screen: the idle lock starts counting again.
    pub(in crate::ui::machine) fn touch(&mut self) {
        self.counter.last_input = Instant::now();
    }

    /// Locks the register after the idle time (`setup set idle_lock=…`).
    pub(in crate::ui::machine) fn idle_check(&mut self) {
        if self.counter.session.is_none() {
            return;
        }
        // An idle time that cannot be read locks after the default: locking is the safe side.
        let secs = match lock(&self.reg).store().get(kv::IDLE_LOCK_SECS) {
            Ok(s) => s.unwrap_or(DEFAULT_IDLE_LOCK_SECS),
            Err(e) => {
                warn!("cannot read the idle lock time, using {DEFAULT_IDLE_LOCK_SECS} s: {e}");
                DEFAULT_IDLE_LOCK_SECS
            }
        };
        if secs > 0 && self.counter.last_input.elapsed() >= Duration::from_secs(secs) {
            info!("register locked after {secs} s without use");
            self.show_login();
            self.info(self.words().t("counter-idle-locked"));
        }
    }

    /// Whether an intent may run now: signed out, only the PIN pad and the first manager's name;
    /// signed in, a manager's intents (Settings' forms, the printer, the reports, the export's
    /// retry) only while the approval that opened them stands. Hiding their buttons is not what stops a cashier.
    pub(in crate::ui::machine) fn allowed(&self, intent: &d::Intent) -> bool {
        use d::Intent as I;
        if self.counter.session.is_some() {
            if manager_only(intent) && self.counter.gate.is_none() {
                info!("{intent:?} refused on the {} screen: a manager approves first", self.screen.name());
                return false;
            }
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

    /// Closes what a manager opened once its screens are left: the next visit asks again.
    pub(in crate::ui::machine) fn close_gate(&mut self) {
        if self.counter.gate.is_some() && !self.in_manager_area() {
            info!("the manager's approval lapsed (left for the {} screen)", self.screen.name());
            self.counter.gate = None;
        }
    }

    /// Whether the screen showing is one a manager's approval opened.
    fn in_manager_area(&self) -> bool {
        match &self.screen {
            d::Screen::Settings { .. }
            | d::Screen::ServerSetup(_)
            | d::Screen::ClientSetup(_)
            | d::Screen::ScanResults(_)
            | d::Screen::TestResult(_)
            | d::Screen::Printer(_)
            | d::Screen::Report(_)
            | d::Screen::Export(_) => true,
            d::Screen::Keyboard(kb) => setup_field(kb.field),
            d::Screen::Amount(_) => matches!(self.counter.amount, Some((AmountFor::Counted, _))),
            _ => false,
        }
    }
}

/// The fields of Settings' forms (the setup, the printer).
fn setup_field(f: d::Field) -> bool {
    matches!(
        f,
        d::Field::RegisterName | d::Field::Port | d::Field::ServerAddress | d::Field::Secret | d::Field::PrinterAddress
    )
}

/// What only a manager's approval opens: Settings' forms and their effects, the printer, the
/// reports (an X, a Z, closing the day), and sending the export's refused entries again. The
/// choices that ask for the approval (`OpenSettings`, `Day(XReport)`, the export's `RetryExport`,
/// …) are not among them: they show the PIN pad.
fn manager_only(intent: &d::Intent) -> bool {
    use d::Intent as I;
    match intent {
        I::SelectMode(_)
        | I::GenerateSecret
        | I::ScanNetwork
        | I::PickServer(_)
        | I::TestConnection
        | I::Save
        | I::OpenPrinter
        | I::PrinterLink(_)
        | I::PrinterToggle(_)
        | I::TestPrint
        | I::ReportPage(_)
        | I::PrintReport
        | I::ConfirmCloseDay
        | I::ConfirmRetryExport
        | I::Promote
        | I::UpdateNow
        | I::BackupToStick => true,
        I::EditField(f) => setup_field(*f),
        _ => false,
    }
}

/// A refused PIN in words for the pad.
fn pin_error(w: Words, e: &RegisterError) -> String {
    match e {
        RegisterError::WrongPin(left) => {
            w.t_with("counter-pin-wrong", &[("count", Count(i64::try_from(*left).unwrap_or(i64::MAX)))])
        }
        RegisterError::PinLocked(s) => w.t_with("counter-pin-locked", &[("seconds", Text(&s.to_string()))]),
        RegisterError::NeedsManager(_) => w.t("counter-pin-not-manager"),
        other => other.to_string(),
    }
}
