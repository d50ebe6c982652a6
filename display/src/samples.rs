//! One realistic state per screen (and banner cases), for snapshot tests, docs and `till screens`.

use crate::MoneyFormat;
use crate::model::*;

mod day;
mod export;
mod lang_office;
mod lang_setup;
pub(crate) mod passed;

use passed::in_money;

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
            open_conflicts: 0,
            export: None,
            term: 2,
            server_name: Some("Front Counter".into()),
            update: None,
            update_ready: None,
            updates_waiting: vec!["Patio Bar".into()],
            money: MoneyFormat::default(),
            language: crate::i18n::Language::English,
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
            open_conflicts: 0,
            export: None,
            term: 2,
            server_name: Some("Front Counter".into()),
            update: None,
            update_ready: None,
            updates_waiting: Vec::new(),
            money: MoneyFormat::default(),
            language: crate::i18n::Language::English,
        },
        Mode::Standalone => StatusInfo {
            mode,
            register_name: "Register 1".into(),
            peers: Vec::new(),
            pending_events: 0,
            last_sync: None,
            clock: ClockState::Local,
            server_address: None,
            open_conflicts: 0,
            export: None,
            term: 0,
            server_name: None,
            update: None,
            update_ready: None,
            updates_waiting: Vec::new(),
            money: MoneyFormat::default(),
            language: crate::i18n::Language::English,
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

fn conflicts() -> Vec<ConflictEntry> {
    vec![
        ConflictEntry {
            id: "5f0c2a9e41d7b3c86a1e0f92d4b7c315".into(),
            kind: "Refunded more than sold".into(),
            subject: "Order Patio Bar-000014".into(),
            summary: "Order Patio Bar-000014 was refunded twice for more than was sold, on Bakery Case and Patio Bar \
                      while they were apart: 5.00 paid out beyond the sale."
                .into(),
            at_stake: "$5.00".into(),
        },
        ConflictEntry {
            id: "a83d61f0c2e94b7d0f5a6c1e8b9d2034".into(),
            kind: "Sold below zero".into(),
            subject: "Product CRO".into(),
            summary: "Product CRO was sold below zero (on hand -2), on Bakery Case and Patio Bar: count the shelf to \
                      put stock right."
                .into(),
            at_stake: "2 items".into(),
        },
        ConflictEntry {
            id: "c41b7e2d9a0f6385e1d4c7b2a9f0e816".into(),
            kind: "Changed on two registers".into(),
            subject: "Product LAT".into(),
            summary: "Product LAT was changed on Front Counter and Patio Bar without either seeing the other: kept \
                      \"Latte at 4.40\", lost \"Latte at 4.20\"."
                .into(),
            at_stake: "2 values".into(),
        },
    ]
}

fn users() -> Vec<String> {
    ["Ana", "Ben", "Chloé", "Dev", "Eli", "Farah", "Gus"].into_iter().map(String::from).collect()
}

fn pin_pad(purpose: PinPurpose, prompt: &str) -> PinPadView {
    PinPadView {
        purpose,
        prompt: prompt.into(),
        users: Vec::new(),
        selected: None,
        users_page: 0,
        entered: 0,
        locked_secs: None,
        error: None,
    }
}

/// The tenders of most samples' stores.
const TENDERS: [&str; 3] = ["Cash", "Card", "Voucher"];

/// A payment screen: the order's `total`, the tenders taken, what is left and the change.
fn pay(total: i64, applied: Vec<AppliedTender>, remaining: i64, change: i64, tenders: &[&str]) -> PayView {
    let tenders = tenders.iter().map(|t| t.to_string()).collect();
    PayView {
        total_cents: total,
        applied,
        remaining_cents: remaining,
        change_cents: change,
        tenders,
        cash_due_cents: None,
    }
}

fn tender(name: &str, amount_cents: i64) -> AppliedTender {
    AppliedTender { name: name.into(), amount_cents }
}

fn line(sku: &str, name: &str, qty: u32, unit: i64) -> CartLine {
    CartLine { sku: sku.into(), name: name.into(), qty, line_cents: i64::from(qty) * unit, discount_cents: 0 }
}

/// A sale screen without categories, cashier, discount or tax: the total is the lines' sum.
fn plain_sale(page: usize, cart: Vec<CartLine>, last_order: Option<&str>) -> SaleView {
    let total = cart.iter().map(|l| l.line_cents).sum();
    SaleView {
        products: products().into(),
        page,
        cart,
        total_cents: total,
        last_order: last_order.map(Into::into),
        categories: Vec::new(),
        category: None,
        cashier: None,
        subtotal_cents: total,
        discount_cents: 0,
        tax_cents: 0,
    }
}

fn tiles(list: &[(&str, &str, i64)]) -> Vec<ProductTile> {
    list.iter()
        .map(|(sku, name, price_cents)| ProductTile {
            sku: (*sku).into(),
            name: (*name).into(),
            price_cents: *price_cents,
        })
        .collect()
}

/// The sale screen on the Coffee tab, with a cashier signed in, a discounted line and tax.
fn sale_with_categories() -> SaleView {
    let mut croissant = line("CRO", "Croissant", 1, 325);
    croissant.discount_cents = 100;
    let cart = vec![line("LAT", "Latte", 2, 420), line("OAT", "Oat Milk Chai Latte (large)", 1, 565), croissant];
    let subtotal: i64 = cart.iter().map(|l| l.line_cents).sum();
    let discount: i64 = cart.iter().map(|l| l.discount_cents).sum();
    // 8% on what is paid for, rounded half up.
    let tax = ((subtotal - discount) * 8 + 50) / 100;
    SaleView {
        products: tiles(&[
            ("ESP", "Espresso", 250),
            ("AME", "Americano", 320),
            ("LAT", "Latte", 420),
            ("CAP", "Cappuccino", 400),
            ("FLW", "Flat White", 410),
            ("MOC", "Mocha", 460),
            ("CBR", "Cold Brew", 450),
        ])
        .into(),
        page: 0,
        cart,
        total_cents: subtotal - discount + tax,
        last_order: None,
        categories: ["Coffee", "Tea", "Bakery", "Food", "Drinks"].map(String::from).to_vec(),
        category: Some(0),
        cashier: Some("Maya".into()),
        subtotal_cents: subtotal,
        discount_cents: discount,
        tax_cents: tax,
    }
}

/// Order R1-000014's lines: a croissant of three came back before, the chai is all returned.
fn return_view(selected: [u32; 4]) -> ReturnView {
    let lines: Vec<ReturnLineView> = [
        ("LAT", "Latte", 2, 0, 420),
        ("CRO", "Croissant", 3, 1, 325),
        ("OAT", "Oat Milk Chai Latte (large)", 1, 1, 565),
        ("MUF", "Blueberry Muffin", 2, 0, 350),
    ]
    .into_iter()
    .zip(selected)
    .map(|((sku, name, sold, returned_already, unit), selected)| ReturnLineView {
        name: name.into(),
        sku: sku.into(),
        sold,
        returned_already,
        selected,
        refund_cents: i64::from(selected) * unit,
    })
    .collect();
    let refund_cents = lines.iter().map(|l| l.refund_cents).sum();
    let any = refund_cents > 0;
    ReturnView {
        order_number: "R1-000014".into(),
        lines,
        page: 0,
        restock: any,
        refund_tender: if any { "Cash".into() } else { "Card".into() },
        refund_cents,
        can_void: false,
    }
}

/// Named sample states, one per screen plus variants; names are snapshot file stems.
pub fn samples() -> Vec<(&'static str, UiState)> {
    lang_setup::with_translations(base_samples())
}

/// The samples as written here and in the submodules, before `lang_setup` copies some into other languages.
fn base_samples() -> Vec<(&'static str, UiState)> {
    let state = |screen: Screen, mode: Mode| UiState { screen, status: status(mode), banner: None };
    let swiss = PayView { cash_due_cents: Some(1255), ..pay(1253, Vec::new(), 1253, 0, &TENDERS) };
    let cart = vec![
        line("LAT", "Latte", 2, 420),
        line("CRO", "Croissant", 1, 325),
        line("OAT", "Oat Milk Chai Latte (large)", 1, 565),
    ];
    let with_conflicts = |screen: Screen, mode: Mode| {
        let mut st = state(screen, mode);
        st.status.open_conflicts = 3;
        st
    };
    let all = vec![
        ("status-server", state(Screen::Status, Mode::Server)),
        ("status-client", state(Screen::Status, Mode::Client)),
        ("status-standalone", state(Screen::Status, Mode::Standalone)),
        ("status-update-failed", {
            let mut st = state(Screen::Status, Mode::Client);
            st.status.update = Some("0.2.0 failed; on 0.1.0".into());
            st
        }),
        ("settings", state(Screen::Settings { current: Mode::Standalone }, Mode::Standalone)),
        ("settings-client", state(Screen::Settings { current: Mode::Client }, Mode::Client)),
        ("settings-client-update", {
            let mut st = state(Screen::Settings { current: Mode::Client }, Mode::Client);
            st.status.update_ready = Some("0.2.0".into());
            st
        }),
        ("settings-server", state(Screen::Settings { current: Mode::Server }, Mode::Server)),
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
        ("sale", state(Screen::Sale(plain_sale(0, cart.clone(), None)), Mode::Client)),
        ("sale-paid", state(Screen::Sale(plain_sale(1, Vec::new(), Some("#1042"))), Mode::Client)),
        // The sale and status screens in German and French, in euros (issue 19).
        ("sale-eur-de", in_money("EUR", "de-DE", state(Screen::Sale(plain_sale(0, cart.clone(), None)), Mode::Client))),
        ("sale-eur-fr", in_money("EUR", "fr-FR", state(Screen::Sale(plain_sale(0, cart.clone(), None)), Mode::Client))),
        ("status-server-de", in_money("EUR", "de-DE", state(Screen::Status, Mode::Server))),
        ("status-server-fr", in_money("EUR", "fr-FR", state(Screen::Status, Mode::Server))),
        ("conflicts-badge-status", with_conflicts(Screen::Status, Mode::Server)),
        ("conflicts-badge-sale", with_conflicts(Screen::Sale(plain_sale(0, cart, None)), Mode::Client)),
        (
            "sale-done",
            UiState {
                banner: Some(Banner { kind: BannerKind::Info, text: "Order R1-000001 paid: $2.50.".into() }),
                ..with_conflicts(
                    Screen::Sale(SaleView {
                        products: tiles(&[("DEMO", "Demo item", 250)]).into(),
                        cashier: Some("Ann".into()),
                        last_order: Some("R1-000001".into()),
                        ..plain_sale(0, Vec::new(), None)
                    }),
                    Mode::Client,
                )
            },
        ),
        (
            "sale-empty",
            with_conflicts(
                Screen::Sale(SaleView {
                    products: tiles(&[("DEMO", "Demo item", 250)]).into(),
                    cashier: Some("Ann".into()),
                    ..plain_sale(0, Vec::new(), None)
                }),
                Mode::Client,
            ),
        ),
        (
            "conflicts",
            with_conflicts(Screen::Conflicts(ConflictsView { conflicts: conflicts(), page: 0 }), Mode::Server),
        ),
        (
            "conflicts-last-page",
            with_conflicts(Screen::Conflicts(ConflictsView { conflicts: conflicts(), page: 1 }), Mode::Server),
        ),
        (
            "conflicts-resolved",
            UiState {
                banner: Some(Banner {
                    kind: BannerKind::Info,
                    text: "Resolved: Order Patio Bar-000014 (refunded more than sold). Every register will show it \
                           settled."
                        .into(),
                }),
                ..with_conflicts(
                    Screen::Conflicts(ConflictsView { conflicts: conflicts().split_off(1), page: 0 }),
                    Mode::Server,
                )
            },
        ),
        ("conflicts-none", state(Screen::Conflicts(ConflictsView { conflicts: Vec::new(), page: 0 }), Mode::Server)),
        (
            "conflicts-note",
            UiState {
                banner: Some(Banner {
                    kind: BannerKind::Info,
                    text: "Resolving Order Patio Bar-000014 (refunded more than sold): say what was done, then tap \
                           Resolve."
                        .into(),
                }),
                ..with_conflicts(
                    Screen::Keyboard(KeyboardView {
                        field: Field::ConflictNote,
                        label: "Note (optional)".into(),
                        value: "Paid back 5.00 from drawer B".into(),
                        masked: false,
                        layer: KeyLayer::Lower,
                    }),
                    Mode::Server,
                )
            },
        ),
        (
            "pinpad-login",
            state(
                Screen::PinPad(PinPadView {
                    users: users(),
                    selected: Some(0),
                    entered: 3,
                    ..pin_pad(PinPurpose::Login, "Ana, type your PIN")
                }),
                Mode::Client,
            ),
        ),
        (
            "pinpad-approve",
            state(
                Screen::PinPad(PinPadView {
                    error: Some("Wrong PIN: 3 tries left before the pad locks.".into()),
                    ..pin_pad(
                        PinPurpose::Approve { reason: "Void order R1-000012: $4.20".into() },
                        "A manager types their PIN. You stay signed in.",
                    )
                }),
                Mode::Client,
            ),
        ),
        (
            "pinpad-locked",
            state(
                Screen::PinPad(PinPadView {
                    users: users(),
                    selected: Some(1),
                    locked_secs: Some(30),
                    error: Some("Too many wrong PINs: locked for 30 s.".into()),
                    ..pin_pad(PinPurpose::Login, "Ben, type your PIN")
                }),
                Mode::Client,
            ),
        ),
        (
            "pinpad-first-manager",
            state(
                Screen::PinPad(PinPadView {
                    entered: 4,
                    ..pin_pad(
                        PinPurpose::FirstManager { step: FirstManagerStep::Choose },
                        "Choose a PIN for Ana (4 to 8 digits)",
                    )
                }),
                Mode::Standalone,
            ),
        ),
        ("pay-due", with_conflicts(Screen::Pay(pay(250, Vec::new(), 250, 0, &["Cash", "Card"])), Mode::Client)),
        (
            "pay-partial",
            state(
                Screen::Pay(pay(1730, vec![tender("Cash", 500), tender("Card", 800)], 430, 0, &TENDERS)),
                Mode::Client,
            ),
        ),
        (
            "pay-done-change",
            state(
                Screen::Pay(pay(1730, vec![tender("Card", 1000), tender("Cash", 1000)], 0, 270, &TENDERS)),
                Mode::Client,
            ),
        ),
        (
            "amount-cash",
            state(
                Screen::Amount(AmountView {
                    title: "Cash handed over".into(),
                    entered: "20".into(),
                    mode: AmountMode::Money,
                    allow_percent: false,
                    allow_price: false,
                    quick: vec![("Exact".into(), 1730), ("$20".into(), 2000), ("$50".into(), 5000)],
                    hint: Some("Due $17.30 · change $2.70".into()),
                }),
                Mode::Client,
            ),
        ),
        // The store's currency and locale (issue 19): a German store in euros pays 1.234,50 €;
        // yen have no decimal key.
        (
            "pay-partial-eur-de",
            in_money(
                "EUR",
                "de-DE",
                state(
                    Screen::Pay(pay(
                        123_450,
                        vec![tender("Cash", 50_000), tender("Card", 60_000)],
                        13_450,
                        0,
                        &TENDERS,
                    )),
                    Mode::Client,
                ),
            ),
        ),
        // A Swiss shop rounding cash to 0.05: 12.53 is 12.55 in cash.
        ("pay-cash-rounding-chf", in_money("CHF", "de-DE", state(Screen::Pay(swiss), Mode::Client))),
        (
            "amount-cash-jpy",
            in_money(
                "JPY",
                "en-US",
                state(
                    Screen::Amount(AmountView {
                        title: "Cash handed over".into(),
                        entered: "2000".into(),
                        mode: AmountMode::Money,
                        allow_percent: false,
                        allow_price: false,
                        quick: vec![("Exact".into(), 1730), ("¥2,000".into(), 2000), ("¥5,000".into(), 5000)],
                        hint: Some("Due ¥1,730 · change ¥270".into()),
                    }),
                    Mode::Client,
                ),
            ),
        ),
        (
            "amount-line-price-eur-fr",
            in_money(
                "EUR",
                "fr-FR",
                state(
                    Screen::Amount(AmountView {
                        title: "Prix de Latte".into(),
                        entered: "3.5".into(),
                        mode: AmountMode::Price,
                        allow_percent: true,
                        allow_price: true,
                        quick: Vec::new(),
                        hint: Some("Prix en rayon 4,20 €".into()),
                    }),
                    Mode::Client,
                ),
            ),
        ),
        (
            "amount-discount-percent",
            state(
                Screen::Amount(AmountView {
                    title: "Order discount".into(),
                    entered: "15".into(),
                    mode: AmountMode::Percent,
                    allow_percent: true,
                    allow_price: false,
                    quick: Vec::new(),
                    hint: Some("Above 10%: a manager approves".into()),
                }),
                Mode::Client,
            ),
        ),
        (
            "amount-line-price",
            state(
                Screen::Amount(AmountView {
                    title: "Price of Oat Milk Chai Latte".into(),
                    entered: "4.50".into(),
                    mode: AmountMode::Price,
                    allow_percent: true,
                    allow_price: true,
                    quick: Vec::new(),
                    hint: Some("Shelf price $5.65. A new price needs a manager.".into()),
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
        (
            "banner-welcome",
            UiState {
                banner: Some(Banner {
                    kind: BannerKind::Info,
                    text: "Welcome, Ann: you are this store's manager. Add products, then sell.".into(),
                }),
                ..state(Screen::Status, Mode::Standalone)
            },
        ),
        (
            // Issue 17: a client made the store's server on its own screen.
            "banner-promoted",
            UiState {
                banner: Some(Banner {
                    kind: BannerKind::Info,
                    text: "This register now serves the store at term 2 on port 8787. 14 new events fetched from the \
                           old server first."
                        .into(),
                }),
                ..state(Screen::Status, Mode::Server)
            },
        ),
        // --- Search and returns (branch `search`) ---
        ("sale-categories", state(Screen::Sale(sale_with_categories()), Mode::Client)),
        (
            "sale-unknown-code",
            UiState {
                banner: Some(Banner {
                    kind: BannerKind::Error,
                    text: "No product has the code 4006381333931. Check the label, or add the product first.".into(),
                }),
                ..state(Screen::Sale(sale_with_categories()), Mode::Client)
            },
        ),
        (
            "search-results",
            state(
                Screen::Search(SearchView {
                    query: "lat".into(),
                    results: tiles(&[
                        ("LAT", "Latte", 420),
                        ("OAT", "Oat Milk Chai Latte (large)", 565),
                        ("ICL", "Iced Latte", 460),
                        ("LMA", "Latte Macchiato", 440),
                        ("VAL", "Vanilla Latte", 480),
                        ("CHL", "Chai Latte", 450),
                        ("MAT", "Matcha Latte", 490),
                    ])
                    .into(),
                    page: 0,
                    layer: KeyLayer::Lower,
                }),
                Mode::Client,
            ),
        ),
        (
            "search-empty",
            state(
                Screen::Search(SearchView {
                    query: "xyz".into(),
                    results: Vec::new().into(),
                    page: 0,
                    layer: KeyLayer::Lower,
                }),
                Mode::Client,
            ),
        ),
        ("return-lines", state(Screen::Return(return_view([1, 1, 0, 0])), Mode::Client)),
        ("return-none-selected", state(Screen::Return(return_view([0; 4])), Mode::Client)),
        (
            "return-void",
            state(
                Screen::Return(ReturnView {
                    lines: return_view([0; 4])
                        .lines
                        .into_iter()
                        .map(|l| ReturnLineView { returned_already: 0, ..l })
                        .collect(),
                    can_void: true,
                    ..return_view([0; 4])
                }),
                Mode::Client,
            ),
        ),
    ]
    .into_iter()
    .chain(day::samples(&|screen| state(screen, Mode::Client)))
    .chain(export::samples())
    .collect::<Vec<_>>();
    let translated = lang_office::samples(&all);
    all.into_iter().chain(translated).collect()
}
