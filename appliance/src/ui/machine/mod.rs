//! The screen's state machine: which screen shows, what the forms and the cart hold, and the
//! effects of each intent (save the setup, scan, test a connection, ring a sale).
//!
//! Intents come from the display crate's hit-testing (taps, keys) or straight from tests. Effects
//! that take time (a scan, a connection test) are returned by [`Ui::handle`] and run by
//! [`Ui::perform`], so the caller can draw "Scanning…" in between.

mod conflicts;
mod counter;
mod export;
mod language;
mod pairing;
mod printer;
mod promote;
mod status;
mod stick;
mod update;

pub use export::EXPORT_LAG_BADGE_MS;
use status::to_display_mode;
pub use status::{ago, load_status};

use log::info;
use till_display as d;
use till_display::i18n::Arg::{Count, Text};

use crate::config::{ConfigUpdate, LocalApiConfig, Secret, ServerAddr};
use crate::net::client::{ClientError, test_connection};
use crate::net::discovery::{self, Membership, ScanOptions, StoreIdentity};
use crate::net::{SharedRegister, lock};
use crate::store::StoreError;
use crate::store::kv;

/// The banner under a secret the screen made, in English (`machine-secret-made`).
#[cfg(test)]
const GENERATED_SECRET_NOTE: &str = "A strong secret was made for the store: Save, then type it on every client.";

/// Longest text a keyboard field takes (the secret's limit).
const MAX_FIELD_CHARS: usize = 128;

/// The note a conflict resolved on the screen gets when the manager types none (the store
/// requires one; the CLI asks for it with `--note`).
pub const DEFAULT_RESOLVE_NOTE: &str = "Resolved at the register";

/// Work an intent started that takes time; run it with [`Ui::perform`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Scan the subnets for servers.
    Scan,
    /// Test the client form's server and secret.
    Test,
    /// Pair with the client form's server by the code typed in the secret field.
    Pair,
    /// Print a test page with the printer form's setup.
    TestPrint,
    /// The last pull from the old server, then the promotion a manager approved.
    Promote,
    /// A backup to the USB stick labelled for it.
    StickBackup,
}

/// The register screen's state behind the display crate's pure screens.
pub struct Ui {
    reg: SharedRegister,
    screen: d::Screen,
    banner: Option<d::Banner>,
    status: d::StatusInfo,
    server_form: d::ServerForm,
    client_form: d::ClientForm,
    /// The form screen the keyboard returns to.
    keyboard_from: Option<d::Screen>,
    found: Vec<discovery::FoundServer>,
    /// The counter: who is signed in, the cart, payment, returns.
    counter: counter::Counter,
    scan_port: Option<u16>,
    scan_targets: Option<Vec<discovery::ScanTarget>>,
    /// The open conflicts as last read (while the conflicts screen shows).
    conflicts: Vec<d::ConflictEntry>,
    conflicts_page: usize,
    /// The conflicts screen was opened from the sale screen, and Back returns there.
    conflicts_from_sale: bool,
    /// The conflict whose note the keyboard is taking, and the manager who approved.
    resolving: Option<(d::ConflictEntry, String)>,
    /// Settings → Printer's form, while it shows.
    printer: Option<printer::PrinterForm>,
    /// The export screen was opened from the sale screen, and Back returns there.
    export_from_sale: bool,
    /// The promotion a manager approved, until `Effect::Promote` runs it.
    promoting: Option<crate::register::Approval>,
    /// Slow work a PIN's approval started (the PIN pad's intent returns none itself).
    queued: Option<Effect>,
    /// The step-down note last shown in the banner (each shows once).
    stepped_down_seen: Option<String>,
    /// Where the USB stick is looked for (`None`: the system's; tests set stand-ins).
    stick_paths: Option<crate::stick::StickPaths>,
}

impl std::fmt::Debug for Ui {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ui").field("screen", &self.screen.name()).finish()
    }
}

/// The banner of a register that holds events it cannot read.
pub fn update_needed(w: d::i18n::Words, n: i64) -> String {
    w.t_with("machine-update-needed", &[("count", Count(n))])
}

/// The client's screen words for a failed test.
fn outcome_of(w: d::i18n::Words, addr: &str, e: &ClientError) -> d::TestOutcome {
    match e {
        ClientError::Unreachable(..) => d::TestOutcome::Unreachable { address: addr.to_string() },
        ClientError::WrongSecret(_) => d::TestOutcome::WrongSecret,
        ClientError::OtherStore(..) => d::TestOutcome::OtherStore { server_name: addr.to_string() },
        ClientError::NotTill(..) => d::TestOutcome::Other(w.t_with("machine-not-till", &[("address", Text(addr))])),
        ClientError::Version(_, v) => {
            d::TestOutcome::Other(w.t_with("machine-other-version", &[("version", Text(&v.to_string()))]))
        }
        other => d::TestOutcome::Other(other.to_string()),
    }
}

impl Ui {
    /// A screen on `reg`, starting at the status screen.
    pub fn new(reg: SharedRegister) -> Ui {
        let mut ui = Ui {
            reg,
            screen: d::Screen::Status,
            banner: None,
            status: d::StatusInfo {
                mode: d::Mode::Standalone,
                register_name: String::new(),
                peers: Vec::new(),
                pending_events: 0,
                last_sync: None,
                clock: d::ClockState::Unknown,
                server_address: None,
                open_conflicts: 0,
                export: None,
                term: 0,
                server_name: None,
                update: None,
                update_ready: None,
                updates_waiting: Vec::new(),
                money: d::MoneyFormat::default(),
                language: d::i18n::Language::English,
            },
            server_form: d::ServerForm { register_name: String::new(), port: String::new(), secret: String::new() },
            client_form: d::ClientForm {
                register_name: String::new(),
                server_address: String::new(),
                secret: String::new(),
            },
            keyboard_from: None,
            found: Vec::new(),
            counter: counter::Counter::new(),
            scan_port: None,
            scan_targets: None,
            conflicts: Vec::new(),
            conflicts_page: 0,
            conflicts_from_sale: false,
            resolving: None,
            printer: None,
            export_from_sale: false,
            promoting: None,
            queued: None,
            stepped_down_seen: None,
            stick_paths: None,
        };
        ui.refresh();
        ui.start_screen();
        ui
    }

    /// Scans these subnets at this port instead of the register's own subnets and configured
    /// port (tests run servers on loopback, on free ports).
    pub fn with_scan(mut self, port: u16, targets: Vec<discovery::ScanTarget>) -> Ui {
        self.scan_port = Some(port);
        self.scan_targets = Some(targets);
        self
    }

    /// Re-reads what the screens show from the database (after a sync, a sale elsewhere…).
    /// What cannot be read keeps its last shown value, and the reason shows in the banner.
    pub fn refresh(&mut self) {
        let (status, unreadable, printer) = {
            let r = lock(&self.reg);
            let w = self.words();
            (load_status(&r), r.store().reader().counts().map(|c| c.unreadable_events), printer::printer_trouble(&r, w))
        };
        // The printer's trouble shows while receipts wait, and goes once they have printed.
        let printer_banner = self.banner.as_ref().is_some_and(|b| printer::printer_banner(self.words(), &b.text));
        match printer {
            Some(t) if self.banner.is_none() || printer_banner => self.error(t),
            None if printer_banner => self.banner = None,
            _ => {}
        }
        // Events of a newer Till are kept and relayed, but left out of every figure shown here:
        // the screen says so rather than show totals that look complete.
        if let Ok(n @ 1..) = unreadable
            && self.banner.is_none()
        {
            self.error(update_needed(self.words(), n));
        }
        self.stepped_down_banner();
        match status {
            Ok(s) => self.status = s,
            Err(e) => self.error(self.words().t_with("machine-status-unreadable", &[("error", Text(&e.to_string()))])),
        }
        if let Err(e) = self.load_catalog() {
            self.error(self.words().t_with("machine-products-unreadable", &[("error", Text(&e))]));
        }
        if matches!(self.screen, d::Screen::Conflicts(_)) {
            self.refresh_conflicts();
        }
        if matches!(self.screen, d::Screen::Printer(_)) {
            self.show_printer();
        }
        if matches!(self.screen, d::Screen::Export(_)) {
            self.show_export();
        }
    }

    /// Whether the cart holds lines (a sale under way: no update is applied).
    pub fn cart_open(&self) -> bool {
        !self.counter.cart.is_empty()
    }

    /// What to draw now.
    pub fn state(&self) -> d::UiState {
        let screen = match &self.screen {
            d::Screen::Sale(_) => d::Screen::Sale(self.counter.sale_view()),
            d::Screen::Conflicts(_) => d::Screen::Conflicts(self.conflicts_view()),
            other => other.clone(),
        };
        d::UiState { screen, status: self.status.clone(), banner: self.banner.clone() }
    }

    /// The stored setup; when it cannot be read, the banner says so and the caller stops
    /// (a form must never be filled, nor a save made, from a guessed setup).
    fn config(&mut self) -> Option<LocalApiConfig> {
        let read = lock(&self.reg).store().setup();
        match read {
            Ok(c) => Some(c),
            Err(e) => {
                self.error(self.words().t_with("machine-setup-unreadable", &[("error", Text(&e.to_string()))]));
                None
            }
        }
    }

    /// The words of the screen's language (`StatusInfo.language`).
    fn words(&self) -> d::i18n::Words {
        d::i18n::Words(self.status.language)
    }

    fn error(&mut self, text: impl Into<String>) {
        self.banner = Some(d::Banner { kind: d::BannerKind::Error, text: text.into() });
    }

    fn info(&mut self, text: impl Into<String>) {
        self.banner = Some(d::Banner { kind: d::BannerKind::Info, text: text.into() });
    }

    fn save(&mut self, pairs: Vec<String>) -> bool {
        let Some(cfg) = self.config() else { return false };
        let result = ConfigUpdate::parse(&pairs).and_then(|u| cfg.with(u)).map_err(|e| e.to_string()).and_then(|new| {
            lock(&self.reg).store_mut().write(|tx| tx.save_setup(&new)).map_err(|e: StoreError| e.to_string())
        });
        match result {
            Ok(()) => {
                self.refresh();
                true
            }
            Err(e) => {
                self.error(e.to_string());
                false
            }
        }
    }

    fn field_value(&self, field: d::Field) -> String {
        match field {
            d::Field::RegisterName => match &self.keyboard_from {
                Some(d::Screen::ServerSetup(_)) => self.server_form.register_name.clone(),
                _ => self.client_form.register_name.clone(),
            },
            d::Field::Port => self.server_form.port.clone(),
            d::Field::ServerAddress => self.client_form.server_address.clone(),
            d::Field::Secret => match &self.keyboard_from {
                Some(d::Screen::ServerSetup(_)) => self.server_form.secret.clone(),
                _ => self.client_form.secret.clone(),
            },
            // A note starts empty each time; it is not a form's field.
            d::Field::ConflictNote => String::new(),
            d::Field::OrderNumber | d::Field::UserName | d::Field::Reason | d::Field::PrinterAddress => String::new(),
        }
    }

    fn set_field(&mut self, field: d::Field, value: String) {
        let server = matches!(self.keyboard_from, Some(d::Screen::ServerSetup(_)));
        match (field, server) {
            (d::Field::RegisterName, true) => self.server_form.register_name = value,
            (d::Field::RegisterName, false) => self.client_form.register_name = value,
            (d::Field::Port, _) => self.server_form.port = value,
            (d::Field::ServerAddress, _) => self.client_form.server_address = value,
            (d::Field::Secret, true) => self.server_form.secret = value,
            (d::Field::Secret, false) => self.client_form.secret = value,
            (
                d::Field::ConflictNote
                | d::Field::OrderNumber
                | d::Field::UserName
                | d::Field::Reason
                | d::Field::PrinterAddress,
                _,
            ) => {}
        }
    }

    fn back_to_form(&mut self) {
        self.screen = match self.keyboard_from.take() {
            Some(d::Screen::ServerSetup(_)) => d::Screen::ServerSetup(self.server_form.clone()),
            _ => d::Screen::ClientSetup(self.client_form.clone()),
        };
    }

    fn show_client_form(&mut self) {
        self.screen = d::Screen::ClientSetup(self.client_form.clone());
    }

    /// Acts on an intent; returns the slow work it started, if any. A manager's approval lasts
    /// while the screens it opened show: it lapses as soon as they are left.
    pub fn handle(&mut self, intent: d::Intent) -> Option<Effect> {
        self.close_gate();
        let effect = self.act(intent).or_else(|| self.queued.take());
        self.close_gate();
        effect
    }

    // Guards on the arms would hide the saves and checks they run: kept as `if`s.
    #[allow(clippy::collapsible_match)]
    fn act(&mut self, intent: d::Intent) -> Option<Effect> {
        use d::Intent as I;
        // Signed out, only the PIN pad works; a manager's intents need the approval. The
        // printer's, the business day's and the counter's own intents are their modules'.
        if !self.allowed(&intent) {
            return None;
        }
        if let Some(effect) = self.printer_intent(&intent).or_else(|| self.stick_intent(&intent)) {
            return effect;
        }
        if self.search_key(&intent)
            || self.promote_intent(&intent)
            || self.update_now_intent(&intent)
            || self.language_intent(&intent)
            || self.day_intent(&intent)
            || self.export_intent(&intent)
            || self.counter_intent(&intent)
        {
            return None;
        }
        match intent {
            I::DismissBanner => self.dismissed(),
            I::OpenStatus => {
                self.refresh();
                self.screen = d::Screen::Status;
            }
            I::OpenSettings => self.open_settings(),
            I::OpenSale => {
                self.refresh();
                self.show_sale();
            }
            I::SelectMode(d::Mode::Standalone) => {
                if self.save(vec!["mode=standalone".into()]) {
                    self.info(self.words().t("machine-standalone-saved"));
                    self.screen = d::Screen::Status;
                }
            }
            I::SelectMode(d::Mode::Server) => {
                let cfg = self.config()?;
                // No secret yet: offer a generated one (100 bits), so the admin only copies it to
                // the clients. A typed one must pass the strength rules (docs/SECURITY.md).
                let secret = match &cfg.secret {
                    Some(s) => s.expose().to_string(),
                    None => match Secret::generate() {
                        Ok(s) => {
                            self.info(self.words().t("machine-secret-made"));
                            s.expose().to_string()
                        }
                        Err(e) => {
                            self.error(e.to_string());
                            String::new()
                        }
                    },
                };
                self.server_form =
                    d::ServerForm { register_name: cfg.register_name.clone(), port: cfg.port.to_string(), secret };
                self.screen = d::Screen::ServerSetup(self.server_form.clone());
            }
            I::SelectMode(d::Mode::Client) => {
                let cfg = self.config()?;
                self.client_form = d::ClientForm {
                    register_name: cfg.register_name.clone(),
                    server_address: match &cfg.server {
                        Some(a @ ServerAddr::Addr { .. }) => a.to_string(),
                        _ => String::new(),
                    },
                    secret: cfg.secret.as_ref().map(|s| s.expose().to_string()).unwrap_or_default(),
                };
                self.show_client_form();
            }
            I::EditField(field) => {
                if field != d::Field::ConflictNote
                    && matches!(self.screen, d::Screen::ServerSetup(_) | d::Screen::ClientSetup(_))
                {
                    self.keyboard_from = Some(self.screen.clone());
                    self.screen = d::Screen::Keyboard(d::KeyboardView {
                        field,
                        label: field.label().into(),
                        value: self.field_value(field),
                        masked: field == d::Field::Secret,
                        layer: d::KeyLayer::Lower,
                    });
                }
            }
            I::TypeChar(c) => {
                if let d::Screen::Keyboard(kb) = &mut self.screen {
                    if kb.value.chars().count() < MAX_FIELD_CHARS && !c.is_control() {
                        kb.value.push(c);
                    }
                    // One capital, then back to lower case, as phone keyboards do.
                    if kb.layer == d::KeyLayer::Upper {
                        kb.layer = d::KeyLayer::Lower;
                    }
                }
            }
            I::Backspace => {
                if let d::Screen::Keyboard(kb) = &mut self.screen {
                    kb.value.pop();
                }
            }
            I::SwitchLayer(layer) => {
                if let d::Screen::Keyboard(kb) = &mut self.screen {
                    kb.layer = layer;
                }
            }
            I::DoneTyping => {
                if let d::Screen::Keyboard(kb) = self.screen.clone() {
                    match kb.field {
                        d::Field::ConflictNote => {
                            self.resolve(&kb.value);
                            return None;
                        }
                        d::Field::UserName => {
                            self.first_manager_named(&kb.value);
                            return None;
                        }
                        d::Field::OrderNumber => {
                            self.order_for_return(&kb.value);
                            return None;
                        }
                        _ => {}
                    }
                    self.set_field(kb.field, kb.value.trim().to_string());
                    self.back_to_form();
                }
            }
            I::CancelTyping => match &self.screen {
                d::Screen::Keyboard(kb) if kb.field == d::Field::ConflictNote => self.cancel_resolve(),
                d::Screen::Keyboard(kb) if kb.field == d::Field::OrderNumber => self.show_sale(),
                d::Screen::Keyboard(kb) if kb.field == d::Field::UserName => {}
                d::Screen::Keyboard(_) => self.back_to_form(),
                _ => {}
            },
            I::GenerateSecret => match Secret::generate() {
                Ok(s) => {
                    self.server_form.secret = s.expose().to_string();
                    self.screen = d::Screen::ServerSetup(self.server_form.clone());
                    self.info(self.words().t("machine-secret-made"));
                }
                Err(e) => self.error(e.to_string()),
            },
            I::ScanNetwork => {
                self.found.clear();
                self.screen = d::Screen::ScanResults(d::ScanView { scanning: true, servers: Vec::new(), error: None });
                return Some(Effect::Scan);
            }
            I::PickServer(i) => {
                if let Some(s) = self.found.get(i) {
                    self.client_form.server_address = s.address.to_string();
                    self.show_client_form();
                }
            }
            I::TestConnection => {
                if crate::net::pair::normalize(&self.client_form.secret).is_ok() {
                    self.info(self.words().t("machine-pairing-code-typed"));
                    self.show_client_form();
                    return None;
                }
                if self.client_form.server_address.is_empty() {
                    self.error(self.words().t("machine-address-first"));
                    self.show_client_form();
                    return None;
                }
                return Some(Effect::Test);
            }
            I::Save => match &self.screen {
                d::Screen::ServerSetup(_) => {
                    let f = self.server_form.clone();
                    let pairs = vec![
                        "mode=server".into(),
                        format!("name={}", f.register_name),
                        format!("port={}", f.port),
                        format!("secret={}", f.secret),
                    ];
                    if self.save(pairs) {
                        self.info(self.words().t_with("machine-server-saved", &[("port", Text(&f.port))]));
                        self.screen = d::Screen::Status;
                    }
                }
                d::Screen::ClientSetup(_) | d::Screen::TestResult(_)
                    if crate::net::pair::normalize(&self.client_form.secret).is_ok() =>
                {
                    if self.client_form.server_address.is_empty() {
                        self.error(self.words().t("machine-address-first"));
                        self.show_client_form();
                        return None;
                    }
                    return Some(Effect::Pair);
                }
                d::Screen::ClientSetup(_) | d::Screen::TestResult(_) => {
                    let f = self.client_form.clone();
                    let pairs = vec![
                        "mode=client".into(),
                        format!("name={}", f.register_name),
                        format!("server={}", f.server_address),
                        format!("secret={}", f.secret),
                    ];
                    if self.save(pairs) {
                        self.info(self.words().t_with("machine-client-saved", &[("server", Text(&f.server_address))]));
                        self.screen = d::Screen::Status;
                    } else {
                        self.show_client_form();
                    }
                }
                _ => {}
            },
            I::Back => {
                self.screen = match &self.screen {
                    d::Screen::Keyboard(kb) if kb.field == d::Field::ConflictNote => {
                        self.cancel_resolve();
                        return None;
                    }
                    d::Screen::Conflicts(_) if self.conflicts_from_sale => {
                        self.refresh();
                        d::Screen::Sale(self.counter.sale_view())
                    }
                    d::Screen::Pay(_) | d::Screen::Return(_) => {
                        self.counter.returning = None;
                        d::Screen::Sale(self.counter.sale_view())
                    }
                    d::Screen::Keyboard(kb) if kb.field == d::Field::OrderNumber => {
                        d::Screen::Sale(self.counter.sale_view())
                    }
                    d::Screen::Conflicts(_) => {
                        self.refresh();
                        d::Screen::Status
                    }
                    d::Screen::Keyboard(_) => {
                        self.back_to_form();
                        return None;
                    }
                    d::Screen::ScanResults(_) | d::Screen::TestResult(_) => {
                        d::Screen::ClientSetup(self.client_form.clone())
                    }
                    d::Screen::ServerSetup(_) | d::Screen::ClientSetup(_) => match self.config() {
                        Some(cfg) => d::Screen::Settings { current: to_display_mode(cfg.mode) },
                        None => d::Screen::Status,
                    },
                    _ => d::Screen::Status,
                };
            }
            I::PairRegister => {
                let offered = {
                    let mut r = lock(&self.reg);
                    crate::net::pair::offer(r.store_mut(), crate::net::unix_ms())
                };
                match offered {
                    Ok(p) => {
                        let code = crate::net::pair::display(&p.code);
                        let count = Count(i64::from(p.attempts_left));
                        self.info(
                            self.words().t_with("machine-pairing-code", &[("code", Text(&code)), ("count", count)]),
                        )
                    }
                    Err(e) => {
                        self.error(self.words().t_with("machine-no-pairing-code", &[("error", Text(&e.to_string()))]))
                    }
                }
            }
            I::OpenConflicts => {
                // From the sale screen or the status screen (the header's badge); Back returns there.
                match &self.screen {
                    d::Screen::Sale(_) => self.conflicts_from_sale = true,
                    d::Screen::Conflicts(_) | d::Screen::Keyboard(_) => {}
                    _ => self.conflicts_from_sale = false,
                }
                self.conflicts_page = 0;
                self.refresh();
                self.refresh_conflicts();
                self.show_conflicts();
            }
            I::ConflictsPage(page) => {
                if matches!(self.screen, d::Screen::Conflicts(_)) {
                    self.conflicts_page = page;
                    self.show_conflicts();
                }
            }
            I::ResolveConflict(id) => {
                if !matches!(self.screen, d::Screen::Conflicts(_)) {
                    return None;
                }
                let Some(entry) = self.conflicts.iter().find(|c| c.id == id).cloned() else {
                    self.error(self.words().t("machine-conflict-gone"));
                    self.refresh_conflicts();
                    self.show_conflicts();
                    return None;
                };
                self.approve_resolve(entry);
            }
            // The counter's intents (counter.rs) were handled above.
            _ => {}
        }
        None
    }

    /// After a manager approved: the note for the resolution.
    fn take_note(&mut self, entry: d::ConflictEntry, manager: String) {
        let (w, kind) = (self.words(), conflicts::kind_in_sentence(self.status.language, &entry.kind));
        self.info(w.t_with("machine-resolving", &[("subject", Text(&entry.subject)), ("kind", Text(&kind))]));
        self.resolving = Some((entry, manager));
        self.screen = d::Screen::Keyboard(d::KeyboardView {
            field: d::Field::ConflictNote,
            label: w.t("machine-note"),
            value: String::new(),
            masked: false,
            // A note is a sentence: its first letter is a capital, then lower case.
            layer: d::KeyLayer::Upper,
        });
    }
    /// Runs the slow work an intent started and shows its result.
    pub async fn perform(&mut self, effect: Effect) {
        // A test page needs none of the network setup read below.
        match effect {
            Effect::TestPrint => return self.test_print().await,
            Effect::Promote => return self.promote().await,
            Effect::StickBackup => return self.stick_backup().await,
            _ => {}
        }
        let read = {
            let mut r = lock(&self.reg);
            let me = r.store().register_id();
            crate::net::own_key(r.store_mut()).and_then(|own| {
                let s = r.store();
                Ok((me, s.get(kv::STORE_ID)?, s.setup()?, own))
            })
        };
        let (me, my_store, cfg, own) = match read {
            Ok(v) => v,
            Err(e) => {
                self.error(self.words().t_with("machine-setup-read-failed", &[("error", Text(&e.to_string()))]));
                self.show_client_form();
                return;
            }
        };
        let typed_secret = Secret::new_unchecked(&self.client_form.secret).ok();
        let name = if self.client_form.register_name.is_empty() {
            cfg.register_name.clone()
        } else {
            self.client_form.register_name.clone()
        };
        match effect {
            Effect::Scan => {
                let who = StoreIdentity {
                    me,
                    name,
                    store: my_store,
                    secret: typed_secret.or(cfg.secret.clone()),
                    own,
                    key: None,
                };
                let targets = match self.scan_targets.clone() {
                    Some(t) => Ok(t),
                    None => discovery::default_targets(),
                };
                let view = match targets {
                    Err(e) => d::ScanView { scanning: false, servers: Vec::new(), error: Some(e.to_string()) },
                    Ok(targets) => {
                        let opts = ScanOptions { port: self.scan_port.unwrap_or(cfg.port), ..ScanOptions::default() };
                        let mut report = discovery::scan(&targets, &opts).await;
                        let challenge = report.challenge;
                        discovery::classify(&mut report.servers, &who, &challenge).await;
                        // This store's servers first: the one to pick is at the top.
                        report.servers.sort_by_key(|s| (s.membership != Membership::This, s.address));
                        self.found = report.servers;
                        d::ScanView {
                            scanning: false,
                            servers: self
                                .found
                                .iter()
                                .map(|s| d::FoundServer {
                                    name: s.discover.register_name.clone(),
                                    address: s.address.to_string(),
                                    same_store: matches!(s.membership, Membership::This | Membership::Unknown)
                                        && s.compatible(),
                                    rtt_ms: u32::try_from(s.rtt_us.div_ceil(1000)).unwrap_or(u32::MAX),
                                })
                                .collect(),
                            error: None,
                        }
                    }
                };
                info!("scan found {} server(s)", view.servers.len());
                if matches!(self.screen, d::Screen::ScanResults(_)) {
                    self.screen = d::Screen::ScanResults(view);
                }
            }
            Effect::Pair => self.pair(me, &name).await,
            Effect::TestPrint | Effect::Promote | Effect::StickBackup => {}
            Effect::Test => {
                let addr = match self.client_form.server_address.parse::<ServerAddr>() {
                    Ok(a) => a.to_string(),
                    Err(e) => {
                        self.error(e.to_string());
                        self.show_client_form();
                        return;
                    }
                };
                let Some(secret) = typed_secret else {
                    self.error(self.words().t("machine-secret-first"));
                    self.show_client_form();
                    return;
                };
                let outcome = match test_connection(&addr, me, my_store, &name, &secret, &own).await {
                    Ok(t) => d::TestOutcome::Ok {
                        server_name: t.server_name,
                        rtt_ms: u32::try_from(t.rtt_ms.ceil() as u64).unwrap_or(u32::MAX),
                    },
                    Err(e) => outcome_of(self.words(), &addr, &e),
                };
                info!("test connection: {outcome:?}");
                self.screen = d::Screen::TestResult(outcome);
            }
        }
    }

    /// A barcode scanner read `code` (a burst of keys ending in Enter, told apart from typing by
    /// the display loop): on the sale screen it adds the product, on the login screen nothing.
    pub fn scanned(&mut self, code: &str) {
        self.scan(code);
    }

    /// Someone touched the screen or pressed a key: the idle lock starts counting again.
    pub fn touched(&mut self) {
        self.touch();
    }

    /// Called by the display loop every tick: locks the register after the idle time.
    pub fn tick(&mut self) {
        self.idle_check();
    }

    /// Acts on an intent and runs its effect to the end (tests, scripts).
    pub async fn apply(&mut self, intent: d::Intent) {
        if let Some(effect) = self.handle(intent) {
            self.perform(effect).await;
        }
    }
}

#[cfg(test)]
mod counter_tests;
#[cfg(test)]
mod day_tests;
#[cfg(test)]
mod export_tests;
#[cfg(test)]
mod tests;
