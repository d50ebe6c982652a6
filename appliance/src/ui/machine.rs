//! The screen's state machine: which screen shows, what the forms and the cart hold, and the
//! effects of each intent (save the setup, scan, test a connection, ring a sale).
//!
//! Intents come from the display crate's hit-testing (taps, keys) or straight from tests. Effects
//! that take time (a scan, a connection test) are returned by [`Ui::handle`] and run by
//! [`Ui::perform`], so the caller can draw "Scanning…" in between.

use log::info;
use till_display as d;

use crate::config::{ConfigUpdate, LocalApiConfig, Mode, Secret, ServerAddr};
use crate::model::{Payment, Sku};
use crate::net::client::{ClientError, test_connection};
use crate::net::discovery::{self, Membership, ScanOptions, StoreIdentity};
use crate::net::{SharedRegister, lock};
use crate::register::Register;
use crate::store::StoreError;
use crate::store::kv::{self, SyncState};

/// The banner under a secret the screen made.
const GENERATED_SECRET_NOTE: &str = "A strong secret was made for the store: Save, then type it on every client.";

/// Longest text a keyboard field takes (the secret's limit).
const MAX_FIELD_CHARS: usize = 128;

/// Work an intent started that takes time; run it with [`Ui::perform`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Scan the subnets for servers.
    Scan,
    /// Test the client form's server and secret.
    Test,
    /// Pair with the client form's server by the code typed in the secret field.
    Pair,
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
    cart: Vec<(String, u32)>,
    page: usize,
    last_order: Option<String>,
    products: Vec<d::ProductTile>,
    scan_port: Option<u16>,
    scan_targets: Option<Vec<discovery::ScanTarget>>,
}

impl std::fmt::Debug for Ui {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ui").field("screen", &self.screen.name()).finish()
    }
}

fn to_display_mode(m: Mode) -> d::Mode {
    match m {
        Mode::Standalone => d::Mode::Standalone,
        Mode::Server => d::Mode::Server,
        Mode::Client => d::Mode::Client,
    }
}

/// "4 s ago", "3 min ago", "2 h ago", "5 days ago".
pub fn ago(now_ms: u64, then_ms: u64) -> String {
    let s = now_ms.saturating_sub(then_ms) / 1000;
    match s {
        0..=59 => format!("{s} s ago"),
        60..=3599 => format!("{} min ago", s / 60),
        3600..=86_399 => format!("{} h ago", s / 3600),
        _ => format!("{} days ago", s / 86_400),
    }
}

/// The header and status screen's facts, read from the register's database.
pub fn load_status(r: &Register) -> Result<d::StatusInfo, StoreError> {
    let s = r.store();
    let cfg = s.setup()?;
    let now = crate::net::unix_ms();
    let pending = s.reader().counts()?.pending_events;
    let sync = s.get(kv::SYNC_STATUS)?;
    let mut peers = Vec::new();
    let (last_sync, clock, server_address) = match cfg.mode {
        Mode::Standalone => (None, d::ClockState::Local, None),
        Mode::Server => {
            for p in s.reader().peers()? {
                peers.push(d::PeerLine {
                    name: p.name,
                    address: p.address.unwrap_or_default(),
                    // A contact time before 1970 is a clock fault: shown as long ago.
                    last_seen: ago(now, u64::try_from(p.last_contact_ms).unwrap_or(0)),
                });
            }
            (None, d::ClockState::Local, s.get(kv::LISTEN_ADDR)?.map(|a| a.to_string()))
        }
        Mode::Client => {
            let last = s.get(kv::LAST_SYNC)?;
            let connected = sync.as_ref().is_some_and(|s| s.state == SyncState::Connected);
            if let Some(s) = sync.as_ref().filter(|_| connected) {
                peers.push(d::PeerLine {
                    name: s.server_name.clone().unwrap_or_else(|| "server".into()),
                    address: s.server.clone(),
                    last_seen: last.map(|t| ago(now, t)).unwrap_or_else(|| "connected".into()),
                });
            }
            let offset = s.get(kv::CLOCK_OFFSET)?;
            let clock = match offset {
                Some(offset_ms) if connected || last.is_some() => d::ClockState::Synced { offset_ms },
                _ => d::ClockState::Unknown,
            };
            let addr = sync.as_ref().map(|s| s.server.clone()).or_else(|| cfg.server.as_ref().map(|s| s.to_string()));
            (last.map(|t| ago(now, t)), clock, addr)
        }
    };
    Ok(d::StatusInfo {
        mode: to_display_mode(cfg.mode),
        register_name: cfg.register_name,
        peers,
        pending_events: u64::try_from(pending).unwrap_or(0),
        last_sync,
        clock,
        server_address,
    })
}

/// The client's screen words for a failed test.
fn outcome_of(addr: &str, e: &ClientError) -> d::TestOutcome {
    match e {
        ClientError::Unreachable(..) => d::TestOutcome::Unreachable { address: addr.to_string() },
        ClientError::WrongSecret(_) => d::TestOutcome::WrongSecret,
        ClientError::OtherStore(..) => d::TestOutcome::OtherStore { server_name: addr.to_string() },
        ClientError::NotTill(..) => {
            d::TestOutcome::Other(format!("Something answers at {addr}, but it is not a Till register."))
        }
        ClientError::Version(_, v) => d::TestOutcome::Other(format!(
            "The server runs another Till version (protocol {v}). Update the older register first."
        )),
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
            },
            server_form: d::ServerForm { register_name: String::new(), port: String::new(), secret: String::new() },
            client_form: d::ClientForm {
                register_name: String::new(),
                server_address: String::new(),
                secret: String::new(),
            },
            keyboard_from: None,
            found: Vec::new(),
            cart: Vec::new(),
            page: 0,
            last_order: None,
            products: Vec::new(),
            scan_port: None,
            scan_targets: None,
        };
        ui.refresh();
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
        let (status, products) = {
            let r = lock(&self.reg);
            (load_status(&r), r.store().reader().products(false))
        };
        match status {
            Ok(s) => self.status = s,
            Err(e) => self.error(format!("Cannot read this register's status: {e}")),
        }
        match products {
            Ok(p) => {
                self.products = p
                    .into_iter()
                    .map(|p| d::ProductTile { sku: p.sku, name: p.name, price_cents: p.price_cents })
                    .collect()
            }
            Err(e) => self.error(format!("Cannot read the products: {e}")),
        }
    }

    /// What to draw now.
    pub fn state(&self) -> d::UiState {
        let screen = match &self.screen {
            d::Screen::Sale(_) => d::Screen::Sale(self.sale_view()),
            other => other.clone(),
        };
        d::UiState { screen, status: self.status.clone(), banner: self.banner.clone() }
    }

    fn sale_view(&self) -> d::SaleView {
        let mut total = 0i64;
        let cart = self
            .cart
            .iter()
            .filter_map(|(sku, qty)| {
                let p = self.products.iter().find(|p| &p.sku == sku)?;
                let line = p.price_cents.saturating_mul(i64::from(*qty));
                total = total.saturating_add(line);
                Some(d::CartLine { sku: sku.clone(), name: p.name.clone(), qty: *qty, line_cents: line })
            })
            .collect();
        d::SaleView {
            products: self.products.clone(),
            page: self.page,
            cart,
            total_cents: total,
            last_order: self.last_order.clone(),
        }
    }

    /// The stored setup; when it cannot be read, the banner says so and the caller stops
    /// (a form must never be filled, nor a save made, from a guessed setup).
    fn config(&mut self) -> Option<LocalApiConfig> {
        let read = lock(&self.reg).store().setup();
        match read {
            Ok(c) => Some(c),
            Err(e) => {
                self.error(format!("The setup cannot be read, so nothing can be changed here: {e}"));
                None
            }
        }
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

    /// Acts on an intent; returns the slow work it started, if any.
    pub fn handle(&mut self, intent: d::Intent) -> Option<Effect> {
        use d::Intent as I;
        match intent {
            I::DismissBanner => self.banner = None,
            I::OpenStatus => {
                self.refresh();
                self.screen = d::Screen::Status;
            }
            I::OpenSettings => {
                if let Some(cfg) = self.config() {
                    self.screen = d::Screen::Settings { current: to_display_mode(cfg.mode) };
                }
            }
            I::OpenSale => {
                self.refresh();
                self.screen = d::Screen::Sale(self.sale_view());
            }
            I::SelectMode(d::Mode::Standalone) => {
                if self.save(vec!["mode=standalone".into()]) {
                    self.info("This register now works on its own. Its sales stay here.");
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
                            self.info(GENERATED_SECRET_NOTE);
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
                if matches!(self.screen, d::Screen::ServerSetup(_) | d::Screen::ClientSetup(_)) {
                    self.keyboard_from = Some(self.screen.clone());
                    let label = match field {
                        d::Field::RegisterName => "Register name",
                        d::Field::Port => "Port",
                        d::Field::ServerAddress => "Server address",
                        d::Field::Secret => "Shared secret, or the server's pairing code",
                    };
                    self.screen = d::Screen::Keyboard(d::KeyboardView {
                        field,
                        label: label.into(),
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
                    self.set_field(kb.field, kb.value.trim().to_string());
                    self.back_to_form();
                }
            }
            I::CancelTyping => {
                if matches!(self.screen, d::Screen::Keyboard(_)) {
                    self.back_to_form();
                }
            }
            I::GenerateSecret => match Secret::generate() {
                Ok(s) => {
                    self.server_form.secret = s.expose().to_string();
                    self.screen = d::Screen::ServerSetup(self.server_form.clone());
                    self.info(GENERATED_SECRET_NOTE);
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
                    self.info("That is a pairing code: tap Save to pair with the server (each try counts).");
                    self.show_client_form();
                    return None;
                }
                if self.client_form.server_address.is_empty() {
                    self.error("Enter the server's address first, or tap Scan to find it.");
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
                        self.info(format!("Saved. This register is now the store's server on port {}.", f.port));
                        self.screen = d::Screen::Status;
                    }
                }
                d::Screen::ClientSetup(_) | d::Screen::TestResult(_)
                    if crate::net::pair::normalize(&self.client_form.secret).is_ok() =>
                {
                    if self.client_form.server_address.is_empty() {
                        self.error("Enter the server's address first, or tap Scan to find it.");
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
                        self.info(format!("Saved. This register now syncs with {}.", f.server_address));
                        self.screen = d::Screen::Status;
                    } else {
                        self.show_client_form();
                    }
                }
                _ => {}
            },
            I::Back => {
                self.screen = match &self.screen {
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
                    Ok(p) => self.info(format!(
                        "Pairing code {}: type it on the new register as its secret (10 minutes, {} tries).",
                        crate::net::pair::display(&p.code),
                        p.attempts_left
                    )),
                    Err(e) => self.error(format!("No pairing code: {e}")),
                }
            }
            I::AddToCart(sku) => {
                self.last_order = None;
                match self.cart.iter_mut().find(|(s, _)| *s == sku) {
                    Some((_, q)) => *q = q.saturating_add(1),
                    None => self.cart.push((sku, 1)),
                }
                self.screen = d::Screen::Sale(self.sale_view());
            }
            I::RemoveLine(i) => {
                if i < self.cart.len() {
                    self.cart.remove(i);
                }
                self.screen = d::Screen::Sale(self.sale_view());
            }
            I::PrevPage => {
                self.page = self.page.saturating_sub(1);
                self.screen = d::Screen::Sale(self.sale_view());
            }
            I::NextPage => {
                self.page = self.page.saturating_add(1);
                self.screen = d::Screen::Sale(self.sale_view());
            }
            I::Pay(method) => self.pay(method),
        }
        None
    }

    fn pay(&mut self, method: d::PayMethod) {
        if self.cart.is_empty() {
            self.error("The order is empty: tap a product first.");
            return;
        }
        let items: Result<Vec<(Sku, u32)>, _> =
            self.cart.iter().map(|(s, q)| s.parse::<Sku>().map(|sku| (sku, *q))).collect();
        let payment = match method {
            d::PayMethod::Cash => Payment::Cash,
            d::PayMethod::Card => Payment::Card,
        };
        let result = match items {
            Ok(items) => lock(&self.reg).create_order(&items, payment, None).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match result {
            Ok(order) => {
                info!("order {} committed", order.number);
                self.info(format!("Order {} paid: {}.", order.number, d::format_cents(order.total_cents)));
                self.last_order = Some(order.number);
                self.cart.clear();
                self.refresh();
            }
            // The cart stays, so nothing the cashier rang is lost.
            Err(e) => self.error(format!("The sale was not recorded: {e}")),
        }
        self.screen = d::Screen::Sale(self.sale_view());
    }

    /// Runs the slow work an intent started and shows its result.
    pub async fn perform(&mut self, effect: Effect) {
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
                self.error(format!("Cannot read this register's setup: {e}"));
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
                    self.error("Enter the store's shared secret first.");
                    self.show_client_form();
                    return;
                };
                let outcome = match test_connection(&addr, me, my_store, &name, &secret, &own).await {
                    Ok(t) => d::TestOutcome::Ok {
                        server_name: t.server_name,
                        rtt_ms: u32::try_from(t.rtt_ms.ceil() as u64).unwrap_or(u32::MAX),
                    },
                    Err(e) => outcome_of(&addr, &e),
                };
                info!("test connection: {outcome:?}");
                self.screen = d::Screen::TestResult(outcome);
            }
        }
    }

    /// Pairs with the client form's server by the code in its secret field, and saves the
    /// setup the server grants (this register becomes its client).
    async fn pair(&mut self, me: crate::model::RegisterId, name: &str) {
        let (addr, code) = (self.client_form.server_address.clone(), self.client_form.secret.clone());
        let grant = match crate::net::pair::request(&addr, &code, me, name).await {
            Ok(g) => g,
            Err(e) => {
                self.error(e.to_string());
                self.show_client_form();
                return;
            }
        };
        info!("paired with {} at {addr}", grant.server_name);
        self.client_form.secret = grant.secret.clone();
        let saved = grant
            .store_id
            .parse::<crate::sync::StoreId>()
            .map_err(|e| e.to_string())
            .and_then(|store| lock(&self.reg).store_mut().set(kv::STORE_ID, &store).map_err(|e| e.to_string()));
        let pairs =
            vec!["mode=client".into(), format!("name={}", self.client_form.register_name), format!("server={addr}")];
        let secret = Secret::new_unchecked(&grant.secret).map_err(|e| e.to_string());
        let result = saved.and(secret).and_then(|secret| {
            let cfg = lock(&self.reg).store().setup().map_err(|e| e.to_string())?;
            let new =
                ConfigUpdate::parse(&pairs).and_then(|u| cfg.with(u.with_secret(secret))).map_err(|e| e.to_string())?;
            lock(&self.reg).store_mut().write(|tx| tx.save_setup(&new)).map_err(|e: StoreError| e.to_string())
        });
        match result {
            Ok(()) => {
                self.refresh();
                self.info(format!("Paired with {}. This register now syncs with it.", grant.server_name));
                self.screen = d::Screen::Status;
            }
            Err(e) => {
                self.error(format!("Paired, but the setup was not saved: {e}"));
                self.show_client_form();
            }
        }
    }

    /// Acts on an intent and runs its effect to the end (tests, scripts).
    pub async fn apply(&mut self, intent: d::Intent) {
        if let Some(effect) = self.handle(intent) {
            self.perform(effect).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setup_that_cannot_be_read_is_never_overwritten_from_the_screen() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut r = Register::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let cfg = LocalApiConfig::default()
            .with(
                ConfigUpdate::parse(&["mode=server", "name=S1", "secret=correct horse battery staple"])
                    .unwrap_or_else(|e| panic!("{e}")),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        r.store_mut().write(|tx| tx.save_setup(&cfg)).unwrap_or_else(|e: StoreError| panic!("{e}"));
        // The stored port is damaged: the whole setup is unreadable.
        let conn = rusqlite::Connection::open(dir.path().join(crate::store::DB_FILE)).unwrap_or_else(|e| panic!("{e}"));
        conn.execute("UPDATE device_kv SET value = 'ninety' WHERE key = 'port'", []).unwrap_or_else(|e| panic!("{e}"));
        let raw = || -> Vec<(String, String)> {
            let mut st =
                conn.prepare("SELECT key, value FROM device_kv ORDER BY key").unwrap_or_else(|e| panic!("{e}"));
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap_or_else(|e| panic!("{e}")).flatten().collect()
        };
        let before = raw();
        let mut ui = Ui::new(std::sync::Arc::new(std::sync::Mutex::new(r)));
        for intent in [
            d::Intent::OpenSettings,
            d::Intent::SelectMode(d::Mode::Standalone),
            d::Intent::SelectMode(d::Mode::Client),
        ] {
            let name = format!("{intent:?}");
            ui.handle(intent);
            let banner = ui.state().banner.map(|b| b.text).unwrap_or_default();
            assert!(banner.contains("cannot be read") && banner.contains("port"), "{banner}");
            assert_eq!(raw(), before, "nothing was written after {name}");
        }
        assert!(!matches!(ui.state().screen, d::Screen::ClientSetup(_)), "no form filled from a guessed setup");
    }

    #[test]
    fn server_setup_offers_a_generated_secret_when_none_is_set() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let r = Register::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let mut ui = Ui::new(std::sync::Arc::new(std::sync::Mutex::new(r)));
        ui.handle(d::Intent::OpenSettings);
        ui.handle(d::Intent::SelectMode(d::Mode::Server));
        let st = ui.state();
        let d::Screen::ServerSetup(form) = st.screen else { panic!("not the server form: {:?}", st.screen) };
        assert!(Secret::new(&form.secret).is_ok(), "the offered secret passes the rules");
        assert_eq!(st.banner.map(|b| (b.kind, b.text)), Some((d::BannerKind::Info, GENERATED_SECRET_NOTE.into())));
        ui.handle(d::Intent::Save);
        let cfg = ui.config().unwrap_or_else(|| panic!("setup unreadable"));
        assert_eq!((cfg.mode, cfg.secret.map(|s| s.expose().to_string())), (Mode::Server, Some(form.secret.clone())));

        // With a secret set, the form shows that one and makes none.
        ui.handle(d::Intent::DismissBanner);
        ui.handle(d::Intent::SelectMode(d::Mode::Server));
        let st = ui.state();
        assert_eq!(st.screen, d::Screen::ServerSetup(form), "the saved secret is shown, not a new one");
        assert!(st.banner.is_none(), "{:?}", st.banner);
    }

    #[test]
    fn ago_reads_like_a_person() {
        assert_eq!(ago(10_000, 6_000), "4 s ago");
        assert_eq!(ago(200_000, 20_000), "3 min ago");
        assert_eq!(ago(7_300_000, 0), "2 h ago");
        assert_eq!(ago(5 * 86_400_000, 0), "5 days ago");
        assert_eq!(ago(0, 5_000), "0 s ago");
    }
}
