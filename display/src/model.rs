//! The view model the appliance hands to the screens, and the intents the screens hand back.
//! Plain data only: this crate never sees the appliance's state machine, stores or network.

mod day;
mod export;
mod pay;

pub use day::*;
pub use export::*;
pub use pay::*;

/// Everything a screen needs to draw itself; the appliance builds one per frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiState {
    /// Which screen is showing, with its own data.
    pub screen: Screen,
    /// What the header bar and the status screen show.
    pub status: StatusInfo,
    /// A message strip under the header (an error to act on, or a short confirmation).
    pub banner: Option<Banner>,
}

/// The register's multi-register role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// One register on its own, no network.
    Standalone,
    /// Keeps the store's log and serves the other registers.
    Server,
    /// Syncs with a server register.
    Client,
}

impl Mode {
    /// The word the screens use for the mode.
    pub fn label(self) -> &'static str {
        match self {
            Mode::Standalone => "Standalone",
            Mode::Server => "Server",
            Mode::Client => "Client",
        }
    }
}

/// Sync and identity facts for the header bar and the status screen, preformatted by the appliance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusInfo {
    /// Current mode.
    pub mode: Mode,
    /// This register's name, e.g. "Front Counter".
    pub register_name: String,
    /// Registers this one talks to (a server's clients, a client's server).
    pub peers: Vec<PeerLine>,
    /// Sales recorded here that have not reached the server yet.
    pub pending_events: u64,
    /// When the last successful sync happened, e.g. "4 s ago"; `None` if never.
    pub last_sync: Option<String>,
    /// Whether the clock agrees with the server's.
    pub clock: ClockState,
    /// A client's server address, or a server's listen address.
    pub server_address: Option<String>,
    /// Conflicts between registers nobody has settled yet; above zero, the status and sale
    /// screens' header shows a badge that opens the conflicts screen.
    pub open_conflicts: u64,
    /// The online shop export's trouble, while this register exports and an entry was refused or
    /// the oldest has waited past the appliance's threshold; the status and sale screens' header
    /// then shows a badge that opens the export screen. `None`: no badge.
    pub export: Option<ExportAlert>,
    /// Who serves the store (issue 17): the term of the standing election, 0 for a store
    /// nobody was ever promoted in.
    pub term: u64,
    /// The name of the register serving the store, as this register knows it (a client's
    /// server; a server's own name); `None` when it is not known yet.
    pub server_name: Option<String>,
    /// The last update in words when there is something to say (it failed to start and the
    /// register went back, or it waits for a restart); `None`: nothing to say.
    pub update: Option<String>,
    /// On a client: the version fetched from the server that waits for the update window;
    /// Settings then offers "Update now".
    pub update_ready: Option<String>,
    /// On a server: the registers that run an older version than the update staged for their
    /// architecture (`till update stage`), by name; empty when none waits.
    pub updates_waiting: Vec<String>,
    /// The store's currency in its locale: how every amount on the screens is written.
    pub money: crate::MoneyFormat,
    /// The language of the screens' words.
    pub language: crate::i18n::Language,
}

/// One register seen on the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerLine {
    /// Its register name.
    pub name: String,
    /// Its address, e.g. "10.0.0.3".
    pub address: String,
    /// When it was last heard from, e.g. "2 s ago".
    pub last_seen: String,
}

/// The clock's state relative to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockState {
    /// Measured against the server; the offset is applied.
    Synced {
        /// Server clock minus local clock, in milliseconds.
        offset_ms: i64,
    },
    /// Using this register's own clock (standalone or server).
    Local,
    /// Not measured yet.
    Unknown,
}

/// A message strip shown under the header bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Banner {
    /// Error (red) or information (blue).
    pub kind: BannerKind,
    /// The message, in words a store admin understands.
    pub text: String,
}

/// How a banner is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BannerKind {
    /// Something failed and needs attention.
    Error,
    /// A confirmation or a hint.
    Info,
}

/// The screen showing, with the data only it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    /// Mode, peers, pending events, last sync, clock.
    Status,
    /// Settings → Multi-Register: choose Standalone, Server or Client.
    Settings {
        /// The mode in force, highlighted.
        current: Mode,
    },
    /// Register name, port and secret for a server.
    ServerSetup(ServerForm),
    /// Server address (typed or scanned), secret, test connection.
    ClientSetup(ClientForm),
    /// Servers found on the network.
    ScanResults(ScanView),
    /// On-screen keyboard editing one field.
    Keyboard(KeyboardView),
    /// What a connection test found, and what to do next.
    TestResult(TestOutcome),
    /// Product grid, cart, total and payment.
    Sale(SaleView),
    /// Open conflicts between registers, each with Resolve.
    Conflicts(ConflictsView),
    /// A numeric PIN pad: who is at the register, a manager's approval, or the first manager's PIN.
    PinPad(PinPadView),
    /// Paying for the order with one or more tenders (split tender), then finishing the sale.
    Pay(PayView),
    /// A numeric keypad for an amount or a percentage: cash handed over, a discount, a price override.
    Amount(AmountView),
    // --- Search and returns (branch `search`) ---
    /// Product search: the query, its results, and the on-screen keyboard.
    Search(SearchView),
    /// A return against a paid order: what comes back, restock, refund tender.
    Return(ReturnView),
    // --- The business day and the printer (issue 15) ---
    /// "Drawer & day": paid in, paid out, drop, no sale, the X report, closing the day.
    Day(DayView),
    /// An X or Z report, or the Z the day is about to close with, a page at a time.
    Report(ReportView),
    /// Settings → Printer: how the receipt printer is reached, paper, mode, drawer; Test print.
    Printer(PrinterView),
    // --- The online shop export (issue 16) ---
    /// The export's health: where it sends, what waits, went and was refused, the last error, Retry.
    Export(ExportView),
}

impl Screen {
    /// Every value `name()` can return, for validating scripts.
    pub const NAMES: [&'static str; 18] = [
        "status",
        "settings",
        "server-setup",
        "client-setup",
        "scan-results",
        "keyboard",
        "test-result",
        "sale",
        "conflicts",
        "pin-pad",
        "pay",
        "amount",
        "search",
        "return",
        "day",
        "report",
        "printer",
        "export",
    ];

    /// A stable name for scripts' `wait` and for logs.
    pub fn name(&self) -> &'static str {
        match self {
            Screen::Status => "status",
            Screen::Settings { .. } => "settings",
            Screen::ServerSetup(_) => "server-setup",
            Screen::ClientSetup(_) => "client-setup",
            Screen::ScanResults(_) => "scan-results",
            Screen::Keyboard(_) => "keyboard",
            Screen::TestResult(_) => "test-result",
            Screen::Sale(_) => "sale",
            Screen::Conflicts(_) => "conflicts",
            Screen::PinPad(_) => "pin-pad",
            Screen::Pay(_) => "pay",
            Screen::Amount(_) => "amount",
            Screen::Search(_) => "search",
            Screen::Return(_) => "return",
            Screen::Day(_) => "day",
            Screen::Report(_) => "report",
            Screen::Printer(_) => "printer",
            Screen::Export(_) => "export",
        }
    }
}

/// The server setup form's values as typed so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerForm {
    /// This register's name.
    pub register_name: String,
    /// TCP port to listen on, as typed.
    pub port: String,
    /// The store's shared secret.
    pub secret: String,
}

/// The client setup form's values as typed or picked so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientForm {
    /// This register's name.
    pub register_name: String,
    /// The server's "host:port".
    pub server_address: String,
    /// The store's shared secret.
    pub secret: String,
}

/// The network scan's progress and findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanView {
    /// Still listening for answers.
    pub scanning: bool,
    /// Servers that answered so far.
    pub servers: Vec<FoundServer>,
    /// Why the scan failed, if it did.
    pub error: Option<String>,
}

/// A server that answered the scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundServer {
    /// Its register name.
    pub name: String,
    /// "host:port", e.g. "10.0.0.2:8787".
    pub address: String,
    /// Whether it belongs to this register's store (false: another store on the same network).
    pub same_store: bool,
    /// Round trip of the discovery answer, in milliseconds.
    pub rtt_ms: u32,
}

/// The on-screen keyboard's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyboardView {
    /// The field being edited.
    pub field: Field,
    /// What the field is called on screen.
    pub label: String,
    /// The text typed so far.
    pub value: String,
    /// Show bullets instead of the text (the secret).
    pub masked: bool,
    /// Which key layer is showing.
    pub layer: KeyLayer,
}

/// The on-screen keyboard's layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyLayer {
    /// Lower-case letters.
    Lower,
    /// Upper-case letters.
    Upper,
    /// Digits and punctuation.
    Symbols,
}

/// A form field that can be edited with the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The register's name.
    RegisterName,
    /// The server's listen port.
    Port,
    /// The client's server address.
    ServerAddress,
    /// The store's shared secret.
    Secret,
    /// What a manager did about the conflict being resolved (optional).
    ConflictNote,
    /// The number of the paid order a return is made against, e.g. "R1-000014".
    OrderNumber,
    /// A person's name (the first manager's, on first start).
    UserName,
    /// Why cash went in or out of the drawer, or why it was opened without a sale.
    Reason,
    /// A network printer's address ("10.0.0.9", or with its port "10.0.0.9:9100").
    PrinterAddress,
}

impl Field {
    /// What the field is called on screen (the keyboard's label).
    pub fn label(self) -> &'static str {
        match self {
            Field::RegisterName => "Register name",
            Field::Port => "Port",
            Field::ServerAddress => "Server address",
            Field::Secret => "Shared secret, or the server's pairing code",
            Field::ConflictNote => "Note (optional)",
            Field::OrderNumber => "Order number",
            Field::UserName => "Name",
            Field::Reason => "Reason",
            Field::PrinterAddress => "Printer address",
        }
    }
}

/// What a connection test found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestOutcome {
    /// The server answered and accepted the secret.
    Ok {
        /// The server's register name.
        server_name: String,
        /// Round trip in milliseconds.
        rtt_ms: u32,
    },
    /// Nothing answered at the address.
    Unreachable {
        /// The address tried.
        address: String,
    },
    /// The server answered but the secret does not match.
    WrongSecret,
    /// The server belongs to another store.
    OtherStore {
        /// The server's register name.
        server_name: String,
    },
    /// Anything else, already in words.
    Other(String),
}

/// The sale screen's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleView {
    /// The products of the chosen category (all of them under "All"), in grid order; the screen
    /// pages through them.
    pub products: std::sync::Arc<[ProductTile]>,
    /// The page showing (0-based); clamped to the last page when drawing.
    pub page: usize,
    /// The order being rung.
    pub cart: Vec<CartLine>,
    /// What the customer pays: subtotal − discount + tax, computed by the appliance.
    pub total_cents: i64,
    /// The last paid order's number, shown after paying.
    pub last_order: Option<String>,
    /// The store's product categories, as tabs after "All" (none: no tab row).
    pub categories: Vec<String>,
    /// The chosen tab: an index into `categories`, or `None` for "All".
    pub category: Option<usize>,
    /// The signed-in cashier, shown in the cart's header with Lock; `None`: nobody, no Lock.
    pub cashier: Option<String>,
    /// The sum of the lines' `line_cents`, before any discount.
    pub subtotal_cents: i64,
    /// Every discount on the order: the lines' own and the order's (a positive amount taken off).
    pub discount_cents: i64,
    /// The tax on the order.
    pub tax_cents: i64,
}

/// One product in the grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductTile {
    /// Stock-keeping unit, sent back in `AddToCart`.
    pub sku: String,
    /// Name on the tile.
    pub name: String,
    /// Unit price.
    pub price_cents: i64,
}

/// One line of the cart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartLine {
    /// The product's SKU.
    pub sku: String,
    /// The product's name.
    pub name: String,
    /// How many.
    pub qty: u32,
    /// qty × unit price.
    pub line_cents: i64,
    /// Taken off this line (a positive amount; 0 for none), shown under it.
    pub discount_cents: i64,
}

/// The product search screen's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchView {
    /// What was typed so far.
    pub query: String,
    /// The products that match, best first; the screen pages through them.
    pub results: std::sync::Arc<[ProductTile]>,
    /// The page of results showing (0-based); clamped to the last page when drawing.
    pub page: usize,
    /// Which key layer the on-screen keyboard shows.
    pub layer: KeyLayer,
}

/// The return screen's data: one paid order and what is coming back from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnView {
    /// The order returned against, e.g. "R1-000014".
    pub order_number: String,
    /// The order's lines, in the order's order.
    pub lines: Vec<ReturnLineView>,
    /// The page of lines showing (0-based); clamped to the last page when drawing.
    pub page: usize,
    /// Whether the items returned go back into stock.
    pub restock: bool,
    /// How the refund is paid out, e.g. "Cash" or "Card".
    pub refund_tender: String,
    /// The refund for everything selected, as `refund_tender` pays it out (cash: rounded to the
    /// store's step, as the register records it).
    pub refund_cents: i64,
    /// Whether the whole order can be voided instead (nothing of it came back yet): a "Void
    /// order" button shows while nothing is selected.
    pub can_void: bool,
}

/// One line of the order a return is made against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnLineView {
    /// The product's name.
    pub name: String,
    /// The product's SKU.
    pub sku: String,
    /// How many were sold on the order.
    pub sold: u32,
    /// How many earlier returns took back already.
    pub returned_already: u32,
    /// How many this return takes back (at most `sold − returned_already`).
    pub selected: u32,
    /// The refund for the selected quantity.
    pub refund_cents: i64,
}

/// The conflicts screen's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictsView {
    /// The open conflicts, in the order the store lists them; the screen pages through them.
    pub conflicts: Vec<ConflictEntry>,
    /// The page showing (0-based); clamped to the last page when drawing.
    pub page: usize,
}

/// One open conflict, in words a manager understands (the appliance words them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictEntry {
    /// The conflict's id, sent back in `ResolveConflict`.
    pub id: String,
    /// What kind of contradiction, e.g. "Refunded more than sold".
    pub kind: String,
    /// What it is about, e.g. "Order R2-000014" or "Product TEA".
    pub subject: String,
    /// One sentence: what happened, on which registers, what is at stake.
    pub summary: String,
    /// The amount or quantity at stake, e.g. "5.00" or "2 items".
    pub at_stake: String,
}

/// The PIN pad's data. The pad never sees the PIN: only how many digits were typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinPadView {
    /// Why the PIN is asked for; decides whether names to pick and a Cancel button show.
    pub purpose: PinPurpose,
    /// What to do now, worded by the appliance: "Ana, type your PIN", "Choose a PIN for Ana",
    /// "Type the PIN again". Under a manager approval it sits below the "Manager approval: <reason>"
    /// heading, e.g. "A manager types their PIN. You stay signed in."
    pub prompt: String,
    /// The people who can sign in, in the order shown (`Login` only; empty otherwise).
    pub users: Vec<String>,
    /// The index in `users` of the person who picked their name (`Login` only).
    pub selected: Option<usize>,
    /// The page of `users` showing (0-based); clamped to the last page when drawing.
    pub users_page: usize,
    /// How many digits are typed so far; the pad shows that many dots, never the digits.
    pub entered: usize,
    /// Seconds left before the pad takes PINs again after too many wrong ones; while set the keys
    /// are greyed out and do nothing.
    pub locked_secs: Option<u64>,
    /// What went wrong with the last PIN, e.g. "Wrong PIN, 3 tries left".
    pub error: Option<String>,
}

/// Why the PIN pad is showing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinPurpose {
    /// Who is at the register: pick your name, then type your PIN.
    Login,
    /// A manager approves something a cashier may not do alone; the cashier stays signed in and
    /// can cancel.
    Approve {
        /// What is to be approved, e.g. "Void order R1-000012".
        reason: String,
    },
    /// First start with no users: the first manager (named on the keyboard screen) chooses a PIN.
    FirstManager {
        /// Choosing the PIN, or typing it again.
        step: FirstManagerStep,
    },
}

/// The first manager's PIN, in two steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FirstManagerStep {
    /// "Choose a PIN for <name>".
    Choose,
    /// "Type the PIN again".
    Confirm,
}

/// What the user asked for; the appliance's state machine acts on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// Go to the status screen.
    OpenStatus,
    /// Go to Settings → Multi-Register.
    OpenSettings,
    /// Settings: back the store up to the USB stick labelled for it (mounted, written, synced,
    /// unmounted).
    BackupToStick,
    /// Settings: this register's screen and receipts in the next shipped language (a manager's).
    NextLanguage,
    /// Settings → Multi-Register, on a client: make this register the store's server (a
    /// manager's PIN first, then the last pull from the old server and the promotion).
    Promote,
    /// Settings, on a client whose update from the server waits for the store's update window:
    /// apply it now (the register restarts into it).
    UpdateNow,
    /// Go to the sale screen.
    OpenSale,
    /// Choose a mode (then its setup screen, for server and client).
    SelectMode(Mode),
    /// Open the keyboard on a field.
    EditField(Field),
    /// Type one character into the keyboard's field.
    TypeChar(char),
    /// Delete the keyboard field's last character.
    Backspace,
    /// Show another key layer.
    SwitchLayer(KeyLayer),
    /// Accept the keyboard's text.
    DoneTyping,
    /// Leave the keyboard without changing the field.
    CancelTyping,
    /// Make a new random secret.
    GenerateSecret,
    /// Look for servers on the network.
    ScanNetwork,
    /// Use the found server at this index of `ScanView::servers`.
    PickServer(usize),
    /// Try the client form's address and secret.
    TestConnection,
    /// Save the form and switch mode.
    Save,
    /// Go back one screen.
    Back,
    /// Add one of this SKU to the cart.
    AddToCart(String),
    /// Remove the cart line at this index.
    RemoveLine(usize),
    /// Show the previous page of products (or of search results, or of a return's lines).
    PrevPage,
    /// Show the next page of products (or of search results, or of a return's lines).
    NextPage,
    /// Pay for the cart with this method, at once (the sale screen now shows one Pay button,
    /// `OpenPay`, instead).
    Pay(PayMethod),
    /// Hide the banner.
    DismissBanner,
    /// Server: show a pairing code for a new register.
    PairRegister,
    /// Go to the list of open conflicts (the header's badge).
    OpenConflicts,
    /// Show this page of the conflicts list (the page is absolute, so a list that shrank
    /// while it showed cannot leave an arrow that does nothing).
    ConflictsPage(usize),
    /// Settle the conflict with this id (`ConflictEntry::id`): first a note, then the record.
    ResolveConflict(String),
    /// PIN pad: one digit (0–9) typed.
    PinDigit(u8),
    /// PIN pad: delete the last digit typed.
    PinBackspace,
    /// PIN pad: the PIN is complete; check it.
    PinEnter,
    /// PIN pad: this index of `PinPadView::users` is at the register.
    PickUser(usize),
    /// PIN pad: show this page of the names (absolute, like `ConflictsPage`).
    UsersPage(usize),
    /// PIN pad: leave without a PIN (manager approval only: the cashier stays signed in).
    CancelPin,
    /// Pay screen: take a payment by the tender at this index of `PayView::tenders`.
    PickTender(usize),
    /// Pay screen: take back the payment at this index of `PayView::applied`.
    RemoveTender(usize),
    /// Pay screen: the order is fully paid; record the sale.
    FinishSale,
    /// Amount keypad: one digit (0–9) typed.
    AmountDigit(u8),
    /// Amount keypad: the decimal point typed.
    AmountPoint,
    /// Amount keypad: delete the last character typed.
    AmountBackspace,
    /// Amount keypad: accept the amount.
    AmountEnter,
    /// Amount keypad: leave without an amount.
    CancelAmount,
    /// Amount keypad: use the quick amount at this index of `AmountView::quick`.
    QuickAmount(usize),
    /// Amount keypad: switch between money and percent (discounts).
    ToggleDiscountMode,
    /// Amount keypad: read the number as this (a cart line's pad: money off, percent off, or its
    /// new price).
    PickAmountMode(AmountMode),
    // --- Sale screen additions, search and returns (branch `search`) ---
    /// Show this category's products (`SaleView::categories` index), or all of them (`None`).
    PickCategory(Option<usize>),
    /// Open the product search screen.
    OpenSearch,
    /// Lock the register: the cashier signs out, the order stays.
    Lock,
    /// Change the cart line at this index (quantity, price, discount).
    EditLine(usize),
    /// Give a discount on the whole order.
    OrderDiscount,
    /// Go to payment for the cart (the sale screen's Pay button).
    OpenPay,
    /// Start a return: ask for the order's number, then its return screen.
    OpenReturns,
    /// Take back `delta` more (or, negative, fewer) of the return screen's line at this index.
    ReturnQty {
        /// Index into `ReturnView::lines`.
        line: usize,
        /// +1 or −1 from the screen's buttons.
        delta: i32,
    },
    /// Flip whether the returned items go back into stock.
    ToggleRestock,
    /// Choose how the refund is paid out (the appliance cycles through the tenders it allows).
    PickRefundTender,
    /// Record the return and pay the refund.
    ConfirmReturn,
    /// Void the whole order on the return screen (a manager approves).
    VoidOrder,
    // --- The business day and the printer (issue 15) ---
    /// Open the "Drawer & day" menu.
    OpenDay,
    /// One of the "Drawer & day" menu's actions.
    Day(DayAction),
    /// Show this page of the report (absolute, like `ConflictsPage`).
    ReportPage(usize),
    /// Queue a copy of the Z report showing for the printer.
    PrintReport,
    /// Close the day with the figures showing: the Z report is made (cannot be undone).
    ConfirmCloseDay,
    /// Settings → Printer (a manager's, like Settings).
    OpenPrinter,
    /// Printer settings: reach the printer this way.
    PrinterLink(PrinterLink),
    /// Printer settings: flip one option.
    PrinterToggle(PrinterToggle),
    /// Printer settings: print a test page now, with the setup on the form.
    TestPrint,
    // --- The online shop export (issue 16) ---
    /// Open the export screen (the header's export badge).
    OpenExport,
    /// The export screen's Retry: a manager approves on the PIN pad, then every refused entry is
    /// sent again.
    RetryExport,
    /// Send every refused entry again now: the state machine's own step once a manager approved
    /// Retry (no button sends it), refused without that approval.
    ConfirmRetryExport,
}

/// How the customer pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayMethod {
    /// Cash.
    Cash,
    /// Card.
    Card,
}

/// A key from a physical keyboard, already translated with the shift state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A printable character.
    Char(char),
    /// Enter / Return.
    Enter,
    /// Backspace.
    Backspace,
    /// Escape.
    Escape,
    /// Tab.
    Tab,
}

/// An input the appliance feeds to `hit_test` / `key_intent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputEvent {
    /// A finger lifted (or mouse released) at this screen pixel.
    Tap(embedded_graphics::prelude::Point),
    /// A key pressed.
    Key(Key),
}
