//! One realistic state per screen (and banner cases), for snapshot tests, docs and `till screens`.

use crate::model::*;

fn status(mode: Mode) -> StatusInfo {
    match mode {
        Mode::Server => StatusInfo {
            mode,
            register_name: "Front Counter".into(),
            peers: vec![
                PeerLine { name: "Patio Bar".into(), address: "10.0.0.23".into(), last_seen: "2 s ago".into() },
                PeerLine { name: "Bakery Case".into(), address: "10.0.0.31".into(), last_seen: "5 s ago".into() },
                PeerLine {
                    name: "Drive-Through Window".into(),
                    address: "10.0.0.47".into(),
                    last_seen: "1 min ago".into(),
                },
            ],
            pending_events: 0,
            last_sync: Some("2 s ago".into()),
            clock: ClockState::Local,
            server_address: Some("10.0.0.2:8787".into()),
        },
        Mode::Client => StatusInfo {
            mode,
            register_name: "Patio Bar".into(),
            peers: vec![PeerLine {
                name: "Front Counter".into(),
                address: "10.0.0.2:8787".into(),
                last_seen: "4 s ago".into(),
            }],
            pending_events: 0,
            last_sync: Some("4 s ago".into()),
            clock: ClockState::Synced { offset_ms: -120 },
            server_address: Some("10.0.0.2:8787".into()),
        },
        Mode::Standalone => StatusInfo {
            mode,
            register_name: "Register 1".into(),
            peers: Vec::new(),
            pending_events: 0,
            last_sync: None,
            clock: ClockState::Local,
            server_address: None,
        },
    }
}

fn products() -> Vec<ProductTile> {
    [
        ("ESP", "Espresso", 250),
        ("LAT", "Latte", 420),
        ("CAP", "Cappuccino", 400),
        ("FLW", "Flat White", 410),
        ("TEA", "Tea", 300),
        ("OAT", "Oat Milk Chai Latte (large)", 565),
        ("CRO", "Croissant", 325),
        ("MUF", "Blueberry Muffin", 350),
        ("BAG", "Bagel & Cream Cheese", 475),
        ("COO", "Cookie", 195),
        ("SAL", "Seasonal Salad", 1195),
        ("WAT", "Water", 150),
        ("OJ", "Orange Juice", 375),
        ("SCN", "Scone", 295),
    ]
    .into_iter()
    .map(|(sku, name, price_cents)| ProductTile { sku: sku.into(), name: name.into(), price_cents })
    .collect()
}

fn line(sku: &str, name: &str, qty: u32, unit: i64) -> CartLine {
    CartLine { sku: sku.into(), name: name.into(), qty, line_cents: i64::from(qty) * unit }
}

/// Named sample states, one per screen plus variants; names are snapshot file stems.
pub fn samples() -> Vec<(&'static str, UiState)> {
    let state = |screen: Screen, mode: Mode| UiState { screen, status: status(mode), banner: None };
    let cart = vec![
        line("LAT", "Latte", 2, 420),
        line("CRO", "Croissant", 1, 325),
        line("OAT", "Oat Milk Chai Latte (large)", 1, 565),
    ];
    let total = cart.iter().map(|l| l.line_cents).sum();
    vec![
        ("status-server", state(Screen::Status, Mode::Server)),
        ("status-client", state(Screen::Status, Mode::Client)),
        ("status-standalone", state(Screen::Status, Mode::Standalone)),
        ("settings", state(Screen::Settings { current: Mode::Standalone }, Mode::Standalone)),
        (
            "server-setup",
            state(
                Screen::ServerSetup(ServerForm {
                    register_name: "Front Counter".into(),
                    port: "8787".into(),
                    secret: "maple-otter-42-lantern".into(),
                }),
                Mode::Standalone,
            ),
        ),
        (
            "client-setup",
            state(
                Screen::ClientSetup(ClientForm {
                    register_name: "Patio Bar".into(),
                    server_address: "10.0.0.2:8787".into(),
                    secret: "maple-otter-42-lantern".into(),
                }),
                Mode::Standalone,
            ),
        ),
        (
            "scanning",
            state(Screen::ScanResults(ScanView { scanning: true, servers: Vec::new(), error: None }), Mode::Standalone),
        ),
        (
            "scan-results",
            state(
                Screen::ScanResults(ScanView {
                    scanning: false,
                    servers: vec![
                        FoundServer {
                            name: "Front Counter".into(),
                            address: "10.0.0.2:8787".into(),
                            same_store: true,
                            rtt_ms: 3,
                        },
                        FoundServer {
                            name: "Noodle Bar Main".into(),
                            address: "10.0.0.9:8787".into(),
                            same_store: false,
                            rtt_ms: 7,
                        },
                    ],
                    error: None,
                }),
                Mode::Standalone,
            ),
        ),
        (
            "keyboard",
            state(
                Screen::Keyboard(KeyboardView {
                    field: Field::RegisterName,
                    label: "Register name".into(),
                    value: "Patio B".into(),
                    masked: false,
                    layer: KeyLayer::Upper,
                }),
                Mode::Standalone,
            ),
        ),
        (
            "keyboard-secret",
            state(
                Screen::Keyboard(KeyboardView {
                    field: Field::Secret,
                    label: "Secret".into(),
                    value: "maple-otter-4".into(),
                    masked: true,
                    layer: KeyLayer::Symbols,
                }),
                Mode::Standalone,
            ),
        ),
        (
            "test-ok",
            state(
                Screen::TestResult(TestOutcome::Ok { server_name: "Front Counter".into(), rtt_ms: 3 }),
                Mode::Standalone,
            ),
        ),
        (
            "test-unreachable",
            state(Screen::TestResult(TestOutcome::Unreachable { address: "10.0.0.2:8787".into() }), Mode::Standalone),
        ),
        ("test-wrong-secret", state(Screen::TestResult(TestOutcome::WrongSecret), Mode::Standalone)),
        (
            "test-other-store",
            state(
                Screen::TestResult(TestOutcome::OtherStore { server_name: "Noodle Bar Main".into() }),
                Mode::Standalone,
            ),
        ),
        (
            "sale",
            state(
                Screen::Sale(SaleView { products: products(), page: 0, cart, total_cents: total, last_order: None }),
                Mode::Client,
            ),
        ),
        (
            "sale-paid",
            state(
                Screen::Sale(SaleView {
                    products: products(),
                    page: 1,
                    cart: Vec::new(),
                    total_cents: 0,
                    last_order: Some("#1042".into()),
                }),
                Mode::Client,
            ),
        ),
        (
            "banner-error",
            UiState {
                banner: Some(Banner {
                    kind: BannerKind::Error,
                    text: "Could not save: the port 8787 is already used by another program. Pick another port.".into(),
                }),
                ..state(
                    Screen::ServerSetup(ServerForm {
                        register_name: "Front Counter".into(),
                        port: "8787".into(),
                        secret: "maple-otter-42-lantern".into(),
                    }),
                    Mode::Standalone,
                )
            },
        ),
        (
            "banner-keyboard",
            UiState {
                banner: Some(Banner {
                    kind: BannerKind::Error,
                    text: "The port must be a number from 1 to 65535.".into(),
                }),
                ..state(
                    Screen::Keyboard(KeyboardView {
                        field: Field::Port,
                        label: "Port".into(),
                        value: "87a".into(),
                        masked: false,
                        layer: KeyLayer::Symbols,
                    }),
                    Mode::Standalone,
                )
            },
        ),
        (
            "banner-info",
            UiState {
                banner: Some(Banner {
                    kind: BannerKind::Info,
                    text: "Saved. This register is now a client of Front Counter.".into(),
                }),
                ..state(Screen::Status, Mode::Client)
            },
        ),
    ]
}
