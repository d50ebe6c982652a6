//! The `till` command line: parses arguments (clap), calls the register, prints tables or JSON,
//! and maps failures to documented exit codes. The only place that prints for people.

mod bench;
mod scan;
mod table;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use serde::Serialize;

use crate::model::{AdjustReason, Cents, Payment, RateBp, Role, Sku, parse_items, parse_sku_qty, parse_stock};
use crate::register::{ErrorClass, Register, RegisterError};
use crate::store::{StoreError, format_ms};
use table::Table;

/// Exit codes, as printed by `till --help`.
pub const EXIT_CODES: &str = "Exit codes:
  0  success
  1  unexpected failure (a bug, or the operating system refused something)
  2  usage error (unknown command or option)
  3  refused: the request breaks a rule or a value is malformed; nothing was changed
  4  not found: a SKU, order, user or tax profile that does not exist; nothing was changed
  5  storage: the database cannot be used (not a Till database, newer schema, read-only, disk full)
 test-connection, scan, and setup with server=scan:
 10  unreachable: nothing answers at that address (scan: no Till server of this store found)
 11  not a Till server: something else answers there
 12  other store: a Till server of another store
 13  wrong secret: the server refused the shared secret
 14  protocol version mismatch: update the older register
 15  the server refuses this register: it was revoked, or new registers are not accepted now";

/// Where the data lives when `--data` is not given.
fn default_data_dir() -> PathBuf {
    // On the appliance till is process 1 and the DATA partition is mounted at /data.
    if std::process::id() == 1 { PathBuf::from("/data") } else { PathBuf::from("./till-data") }
}

/// Till: the point-of-sale register.
#[derive(Parser, Debug)]
#[command(name = "till", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    /// Data directory holding till.db [default: ./till-data; /data on the appliance]
    #[arg(long, global = true, env = "TILL_DATA", value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Output format switch shared by listing commands.
#[derive(Args, Debug, Clone, Copy)]
pub struct Json {
    /// Print JSON (stable, documented in docs/JSON.md) instead of a table
    #[arg(long)]
    pub json: bool,
}

/// Top-level commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Products: add, list, change prices, remove
    #[command(subcommand)]
    Product(ProductCmd),
    /// Orders: ring a sale, list, void
    #[command(subcommand)]
    Order(OrderCmd),
    /// Returns of goods from earlier orders
    #[command(subcommand)]
    Return(ReturnCmd),
    /// Cash shifts: open with a float, close with the counted cash
    #[command(subcommand)]
    Shift(ShiftCmd),
    /// Tax profiles
    #[command(subcommand)]
    Tax(TaxCmd),
    /// Stock on hand; count it or record deliveries
    Stock(StockArgs),
    /// Users and their PINs
    #[command(subcommand)]
    User(UserCmd),
    /// Store-wide settings shared by all registers
    #[command(subcommand)]
    Setting(SettingCmd),
    /// This register: id, name, mode, counts, events waiting to sync
    Status(Json),
    /// The event log, for support
    Events {
        /// Only the newest N events
        #[arg(long)]
        limit: Option<u32>,
        /// Output format.
        #[command(flatten)]
        json: Json,
    },
    /// Boot the register in its configured mode and run until stopped (SIGINT/SIGTERM)
    Run {
        /// Where the screen draws: auto (/dev/fb0 if present), none, fb:PATH, png:DIR
        #[arg(long, default_value = "auto")]
        display: crate::ui::DisplaySpec,
        /// Where taps and keys come from: auto (/dev/input/event*), none, evdev:PATH, script:FILE
        #[arg(long, default_value = "auto")]
        input: crate::ui::InputSpec,
    },
    /// Draw every screen with sample data to PNG files (for the README and reviews)
    Screens {
        /// Folder to write the PNGs into
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Panel size, WIDTHxHEIGHT
        #[arg(long, default_value = "800x480")]
        size: String,
        /// Also print where to tap for each intent of each screen, as JSON lines (scripts, QEMU tests)
        #[arg(long)]
        hit_map: bool,
    },
    /// Multi-register setup: mode, name, port, bind address, server, shared secret
    #[command(subcommand)]
    Setup(SetupCmd),
    /// Check a server: reachable, a Till server, this store, the same secret
    TestConnection {
        /// Server address [default: the configured one]
        #[arg(value_name = "HOST:PORT")]
        addr: Option<String>,
        /// Shared secret to try [default: the configured one]
        #[arg(long)]
        secret: Option<String>,
        /// Output format.
        #[command(flatten)]
        json: Json,
    },
    /// Registers this server has heard from; revoke one; open or close enrollment of new ones
    Peers {
        /// Revoke a register, or open/close enrollment [default: list the registers]
        #[command(subcommand)]
        action: Option<PeersCmd>,
        /// Output format.
        #[command(flatten)]
        json: Json,
    },
    /// Find the Till servers on this register's networks (subnet scan)
    Scan(scan::ScanArgs),
    /// Measure this machine: store (the default), sync, peer or load
    Bench(bench::BenchArgs),
}

/// `till peers …` (on the server).
#[derive(Subcommand, Debug)]
pub enum PeersCmd {
    /// Shut a register out (a stolen or retired box): the server refuses it from now on, and
    /// new registers need `till peers enroll --open`. The store's secret stays as it is.
    Revoke {
        /// Its name or register id (or the start of the id)
        register: String,
    },
    /// Let new registers join (enroll) for a while, or stop them
    Enroll {
        /// Accept new registers for --minutes
        #[arg(long, required_unless_present = "close")]
        open: bool,
        /// How long enrollment stays open
        #[arg(long, default_value_t = 15)]
        minutes: u64,
        /// Accept no new registers until opened again
        #[arg(long, conflicts_with = "open")]
        close: bool,
    },
}

/// `till setup …`
#[derive(Subcommand, Debug)]
pub enum SetupCmd {
    /// Show the setup (the secret only as set or not)
    Show(Json),
    /// Change the setup: mode=standalone|server|client name=NAME port=8787 bind=ADDR server=HOST:PORT|scan secret=SECRET (a client given server=scan finds its server now)
    Set {
        /// KEY=VALUE pairs (any subset)
        #[arg(required = true, value_name = "KEY=VALUE")]
        pairs: Vec<String>,
    },
    /// Make a strong random secret, or show the one in use
    Secret {
        /// Print a new random secret (and with --apply, set it)
        #[arg(long, conflicts_with = "show")]
        generate: bool,
        /// Set the generated secret on this register
        #[arg(long, requires = "generate")]
        apply: bool,
        /// Print the secret in use, to type it on another register
        #[arg(long)]
        show: bool,
    },
}

/// `till product …`
#[derive(Subcommand, Debug)]
pub enum ProductCmd {
    /// Add a product (or put a removed one back on sale)
    Add {
        /// Its SKU: 1-32 letters, digits, '-', '_' or '.'
        sku: String,
        /// Its name as the receipt shows it
        #[arg(long)]
        name: String,
        /// Unit price before tax, e.g. 2.50
        #[arg(long, allow_hyphen_values = true)]
        price: String,
        /// Items on hand now (records a stock count)
        #[arg(long, allow_hyphen_values = true)]
        stock: Option<String>,
        /// Tax profile that applies
        #[arg(long)]
        tax: Option<String>,
    },
    /// List products on sale
    List {
        /// Include removed products
        #[arg(long)]
        all: bool,
        /// Output format.
        #[command(flatten)]
        json: Json,
    },
    /// Change a product's price
    SetPrice {
        /// Which product
        sku: String,
        /// New unit price before tax, e.g. 2.75
        #[arg(allow_hyphen_values = true)]
        price: String,
    },
    /// Take a product off sale (its sales history stays)
    Remove {
        /// Which product
        sku: String,
    },
}

/// `till order …`
#[derive(Subcommand, Debug)]
pub enum OrderCmd {
    /// Ring a sale; prints the order number
    Create {
        /// Items as SKU or SKU:QTY
        #[arg(required = true, value_name = "SKU[:QTY]")]
        items: Vec<String>,
        /// How it was paid
        #[arg(long, default_value = "cash")]
        pay: String,
        /// Who rang it (a user name)
        #[arg(long)]
        cashier: Option<String>,
        /// Output format.
        #[command(flatten)]
        json: Json,
    },
    /// List orders, oldest first
    List {
        /// Only the newest N
        #[arg(long)]
        limit: Option<u32>,
        /// Output format.
        #[command(flatten)]
        json: Json,
    },
    /// Void an order; its goods go back into stock
    Void {
        /// Order number (e.g. R1-000042) or id
        number: String,
    },
}

/// `till return …`
#[derive(Subcommand, Debug)]
pub enum ReturnCmd {
    /// Take goods back from an order and refund them
    Create {
        /// Order number (e.g. R1-000042) or id
        order: String,
        /// Items as SKU or SKU:QTY
        #[arg(required = true, value_name = "SKU[:QTY]")]
        items: Vec<String>,
        /// The goods do not go back on the shelf (damaged)
        #[arg(long)]
        no_restock: bool,
        /// Output format.
        #[command(flatten)]
        json: Json,
    },
    /// List returns
    List(Json),
}

/// `till shift …`
#[derive(Subcommand, Debug)]
pub enum ShiftCmd {
    /// Open a shift on this register with a cash float
    Open {
        /// Cash in the drawer at the start, e.g. 100.00
        #[arg(long, allow_hyphen_values = true)]
        float: String,
        /// Who opens it (a user name)
        #[arg(long)]
        cashier: Option<String>,
    },
    /// Close this register's shift with the counted cash
    Close {
        /// Cash counted in the drawer, e.g. 512.30
        #[arg(long, allow_hyphen_values = true)]
        counted: String,
        /// Output format.
        #[command(flatten)]
        json: Json,
    },
    /// List shifts of every register
    List(Json),
}

/// `till tax …`
#[derive(Subcommand, Debug)]
pub enum TaxCmd {
    /// Add a tax profile
    Add {
        /// Its name, e.g. standard
        name: String,
        /// Percentage, e.g. 8.25
        #[arg(allow_hyphen_values = true)]
        rate: String,
    },
    /// Change a tax profile's rate
    Set {
        /// Which profile
        name: String,
        /// New percentage
        rate: String,
    },
    /// List tax profiles
    List(Json),
}

/// `till stock [SKU]` or `till stock count|receive|damage …`
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct StockArgs {
    /// Show only this SKU
    pub sku: Option<String>,
    /// Output format.
    #[command(flatten)]
    json: Json,
    #[command(subcommand)]
    action: Option<StockCmd>,
}

/// `till stock count|receive|damage`
#[derive(Subcommand, Debug)]
pub enum StockCmd {
    /// Record a count: N items on hand now
    Count {
        /// Which product
        sku: String,
        /// Items counted
        #[arg(allow_hyphen_values = true)]
        n: String,
    },
    /// Record a delivery of N items
    Receive {
        /// Which product
        sku: String,
        /// Items received
        #[arg(allow_hyphen_values = true)]
        n: String,
    },
    /// Write off N damaged or lost items
    Damage {
        /// Which product
        sku: String,
        /// Items written off
        #[arg(allow_hyphen_values = true)]
        n: String,
    },
}

/// `till user …`
#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// Add a user
    Add {
        /// Their name
        name: String,
        /// cashier or manager
        #[arg(long)]
        role: String,
        /// 4 to 8 digits (stored only as an Argon2 hash)
        #[arg(long)]
        pin: String,
    },
    /// List users
    List(Json),
}

/// `till setting …`
#[derive(Subcommand, Debug)]
pub enum SettingCmd {
    /// Set a store-wide setting (store_name, currency, receipt_footer)
    Set {
        /// Which setting
        key: String,
        /// Its value
        value: String,
    },
    /// List store-wide settings
    List(Json),
}

/// Parses the command line, runs it, and returns the documented exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("till: {e:#}");
            ExitCode::from(exit_code(&e))
        }
    }
}

/// The exit code for a failure, from the typed error inside it.
pub fn exit_code(e: &anyhow::Error) -> u8 {
    if let Some(c) = e.downcast_ref::<ConnectionFailed>() {
        return connection_exit(&c.0);
    }
    if let Some(s) = e.downcast_ref::<scan::ScanFailed>() {
        return s.code();
    }
    if e.downcast_ref::<SetupRefused>().is_some() || e.downcast_ref::<bench::Refused>().is_some() {
        return 3;
    }
    if let Some(r) = e.downcast_ref::<RegisterError>() {
        return match r.class() {
            ErrorClass::Rejected => 3,
            ErrorClass::NotFound => 4,
            ErrorClass::Storage => 5,
            ErrorClass::Internal => 1,
        };
    }
    if let Some(s) = e.downcast_ref::<StoreError>() {
        return match s {
            StoreError::Sqlite(_) | StoreError::Codec(_) => 1,
            _ => 5,
        };
    }
    if e.downcast_ref::<crate::model::ModelError>().is_some() {
        return 3;
    }
    1
}

fn print_json<T: Serialize>(v: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, v)?;
    writeln!(out)?;
    Ok(())
}

fn reg<T>(r: Result<T, RegisterError>) -> anyhow::Result<T> {
    r.map_err(anyhow::Error::new)
}

fn input<T>(r: Result<T, crate::model::ModelError>) -> anyhow::Result<T> {
    r.map_err(|e| anyhow::Error::new(RegisterError::Input(e)))
}

fn items(raw: &[String]) -> anyhow::Result<Vec<(Sku, u32)>> {
    raw.iter().map(|s| input(parse_sku_qty(s))).collect()
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let dir = cli.data.unwrap_or_else(default_data_dir);
    if let Command::Bench(args) = cli.command {
        return bench::run(args);
    }
    if let Command::Screens { out, size, hit_map } = &cli.command {
        return screens(out, size, *hit_map);
    }
    let mut r = reg(Register::open(&dir)).with_context(|| format!("opening the register data in {}", dir.display()))?;
    match cli.command {
        Command::Product(c) => product(&mut r, c),
        Command::Order(c) => order(&mut r, c),
        Command::Return(c) => returns(&mut r, c),
        Command::Shift(c) => shift(&mut r, c),
        Command::Tax(c) => tax(&mut r, c),
        Command::Stock(a) => stock(&mut r, a),
        Command::User(c) => user(&mut r, c),
        Command::Setting(c) => setting(&mut r, c),
        Command::Status(j) => status(&r, &dir, j),
        Command::Events { limit, json } => {
            let rows = reg(r.store().reader().events(limit).map_err(Into::into))?;
            if json.json {
                return print_json(&rows);
            }
            let mut t = Table::new(&["#", "ORIGIN", "SEQ", "HLC", "KIND", "PENDING"]);
            for e in rows {
                t.row(vec![
                    e.log_seq.to_string(),
                    e.origin.get(..8).unwrap_or(&e.origin).to_string(),
                    e.seq.to_string(),
                    e.hlc,
                    e.kind,
                    if e.pending { "yes".into() } else { String::new() },
                ]);
            }
            t.print()
        }
        Command::Run { display, input } => crate::modes::run(r, &dir, crate::modes::ScreenOptions { display, input }),
        Command::Setup(c) => setup(&mut r, c),
        Command::TestConnection { addr, secret, json } => test_connection(&mut r, addr, secret, json),
        Command::Scan(args) => scan::scan(&mut r, args),
        Command::Peers { action: Some(a), .. } => peers_action(&mut r, a),
        Command::Peers { action: None, json } => {
            let rows = reg(r.store().reader().peers().map_err(Into::into))?;
            if json.json {
                return print_json(&rows);
            }
            let mut t = Table::new(&["NAME", "REGISTER", "ADDRESS", "LAST CONTACT", "PENDING", "RECEIVED", "STATUS"]);
            for p in rows {
                t.row(vec![
                    p.name,
                    p.register_id.get(..8).unwrap_or(&p.register_id).to_string(),
                    p.address.unwrap_or_default(),
                    format_ms(p.last_contact_ms),
                    p.pending.to_string(),
                    p.events_received.to_string(),
                    match (p.revoked_ms, p.enrolled) {
                        (Some(ms), _) => format!("revoked {}", format_ms(ms)),
                        (None, true) => "enrolled".into(),
                        (None, false) => "-".into(),
                    },
                ]);
            }
            t.print()
        }
        Command::Bench(_) | Command::Screens { .. } => {
            unreachable!("bench and screens run before the register is opened")
        }
    }
}

fn product(r: &mut Register, c: ProductCmd) -> anyhow::Result<()> {
    match c {
        ProductCmd::Add { sku, name, price, stock, tax } => {
            let sku: Sku = input(sku.parse())?;
            let price: Cents = input(price.parse())?;
            let stock = stock.map(|s| input(parse_stock(&s))).transpose()?;
            reg(r.add_product(sku.clone(), &name, price, stock, tax.as_deref()))?;
            println!("added {sku} {name} at {price}");
            Ok(())
        }
        ProductCmd::List { all, json } => {
            let rows = reg(r.store().reader().products(all).map_err(Into::into))?;
            if json.json {
                return print_json(&rows);
            }
            let mut t = Table::new(&["SKU", "NAME", "PRICE", "TAX", "STOCK", ""]);
            for p in rows {
                t.row(vec![
                    p.sku,
                    p.name,
                    p.price,
                    p.tax_profile.unwrap_or_default(),
                    p.on_hand.map(|n| n.to_string()).unwrap_or_default(),
                    if p.active { String::new() } else { "removed".into() },
                ]);
            }
            t.print()
        }
        ProductCmd::SetPrice { sku, price } => {
            let sku: Sku = input(sku.parse())?;
            let price: Cents = input(price.parse())?;
            reg(r.set_price(&sku, price))?;
            println!("{sku} now costs {price}");
            Ok(())
        }
        ProductCmd::Remove { sku } => {
            let sku: Sku = input(sku.parse())?;
            reg(r.remove_product(&sku))?;
            println!("removed {sku} from sale");
            Ok(())
        }
    }
}

fn order(r: &mut Register, c: OrderCmd) -> anyhow::Result<()> {
    match c {
        OrderCmd::Create { items: raw, pay, cashier, json } => {
            let list = items(&raw)?;
            let pay: Payment = input(pay.parse())?;
            let o = reg(r.create_order(&list, pay, cashier.as_deref()))?;
            if json.json {
                return print_json(&o);
            }
            println!("{}", o.number);
            Ok(())
        }
        OrderCmd::List { limit, json } => {
            let rows = reg(r.store().reader().orders(limit).map_err(Into::into))?;
            if json.json {
                return print_json(&rows);
            }
            let mut t = Table::new(&["NUMBER", "TIME", "ITEMS", "TOTAL", "PAY", "CASHIER", ""]);
            for o in rows {
                let n: u32 = o.lines.iter().map(|l| l.qty).sum();
                t.row(vec![
                    o.number,
                    o.created,
                    n.to_string(),
                    o.total,
                    o.payment,
                    o.cashier.unwrap_or_default(),
                    if o.voided { "VOID".into() } else { String::new() },
                ]);
            }
            t.print()
        }
        OrderCmd::Void { number } => {
            let o = reg(r.void_order(&number))?;
            println!("voided {} ({})", o.number, o.total);
            Ok(())
        }
    }
}

fn returns(r: &mut Register, c: ReturnCmd) -> anyhow::Result<()> {
    match c {
        ReturnCmd::Create { order, items: raw, no_restock, json } => {
            let list = items(&raw)?;
            let ret = reg(r.create_return(&order, &list, !no_restock))?;
            if json.json {
                return print_json(&ret);
            }
            println!("refund {} by {} for order {}", ret.refund, ret.payment, ret.order_number);
            Ok(())
        }
        ReturnCmd::List(json) => {
            let rows = reg(r.store().reader().returns().map_err(Into::into))?;
            if json.json {
                return print_json(&rows);
            }
            let mut t = Table::new(&["ORDER", "TIME", "ITEMS", "REFUND", "PAY", "RESTOCK"]);
            for x in rows {
                let items = x.lines.iter().map(|l| format!("{}:{}", l.sku, l.qty)).collect::<Vec<_>>().join(" ");
                t.row(vec![
                    x.order_number,
                    format_ms(x.created_ms),
                    items,
                    x.refund,
                    x.payment,
                    if x.restock { "yes".into() } else { "no".into() },
                ]);
            }
            t.print()
        }
    }
}

fn money(c: Option<i64>) -> String {
    c.map(|c| Cents(c).to_string()).unwrap_or_default()
}

fn shift(r: &mut Register, c: ShiftCmd) -> anyhow::Result<()> {
    match c {
        ShiftCmd::Open { float, cashier } => {
            let float: Cents = input(float.parse())?;
            reg(r.open_shift(float, cashier.as_deref()))?;
            println!("shift open with a float of {float}");
            Ok(())
        }
        ShiftCmd::Close { counted, json } => {
            let counted: Cents = input(counted.parse())?;
            let s = reg(r.close_shift(counted))?;
            if json.json {
                return print_json(&s);
            }
            println!(
                "shift closed: expected {}, counted {}, difference {}",
                money(s.expected_cents),
                money(s.counted_cents),
                money(s.difference_cents)
            );
            Ok(())
        }
        ShiftCmd::List(json) => {
            let rows = reg(r.store().reader().shifts().map_err(Into::into))?;
            if json.json {
                return print_json(&rows);
            }
            let mut t = Table::new(&["REGISTER", "OPENED", "FLOAT", "CLOSED", "EXPECTED", "COUNTED", "DIFF"]);
            for s in rows {
                t.row(vec![
                    s.register.get(..8).unwrap_or(&s.register).to_string(),
                    s.opened_ms.map(format_ms).unwrap_or_default(),
                    money(s.float_cents),
                    s.closed_ms.map(format_ms).unwrap_or_else(|| "open".into()),
                    money(s.expected_cents),
                    money(s.counted_cents),
                    money(s.difference_cents),
                ]);
            }
            t.print()
        }
    }
}

fn tax(r: &mut Register, c: TaxCmd) -> anyhow::Result<()> {
    match c {
        TaxCmd::Add { name, rate } => {
            let rate: RateBp = input(rate.parse())?;
            reg(r.set_tax(&name, rate, false))?;
            println!("tax profile {name} at {rate}");
            Ok(())
        }
        TaxCmd::Set { name, rate } => {
            let rate: RateBp = input(rate.parse())?;
            reg(r.set_tax(&name, rate, true))?;
            println!("tax profile {name} now {rate}");
            Ok(())
        }
        TaxCmd::List(json) => {
            let rows = reg(r.store().reader().tax_profiles().map_err(Into::into))?;
            if json.json {
                return print_json(&rows);
            }
            let mut t = Table::new(&["NAME", "RATE"]);
            for x in rows {
                t.row(vec![x.name, x.rate]);
            }
            t.print()
        }
    }
}

fn stock(r: &mut Register, a: StockArgs) -> anyhow::Result<()> {
    match a.action {
        Some(StockCmd::Count { sku, n }) => {
            let sku: Sku = input(sku.parse())?;
            let n = input(parse_stock(&n))?;
            reg(r.count_stock(&sku, n))?;
            println!("{sku}: counted {n}");
            Ok(())
        }
        Some(StockCmd::Receive { sku, n }) => {
            let sku: Sku = input(sku.parse())?;
            let n = input(parse_items(&n))?;
            reg(r.adjust_stock(&sku, n, AdjustReason::Received))?;
            println!("{sku}: received {n}");
            Ok(())
        }
        Some(StockCmd::Damage { sku, n }) => {
            let sku: Sku = input(sku.parse())?;
            let n = input(parse_items(&n))?;
            reg(r.adjust_stock(&sku, -n, AdjustReason::Damaged))?;
            println!("{sku}: wrote off {n}");
            Ok(())
        }
        None => {
            if let Some(s) = &a.sku {
                let sku: Sku = input(s.parse())?;
                if r.store().reader().product(sku.as_str()).map_err(RegisterError::from)?.is_none() {
                    return Err(RegisterError::UnknownSku(sku.to_string()).into());
                }
            }
            let rows = reg(r.store().reader().stock(a.sku.as_deref()).map_err(Into::into))?;
            if a.json.json {
                return print_json(&rows);
            }
            let mut t = Table::new(&["SKU", "NAME", "ON HAND", ""]);
            for s in rows {
                t.row(vec![
                    s.sku,
                    s.name.unwrap_or_default(),
                    s.on_hand.to_string(),
                    if s.negative { "NEGATIVE: count it".into() } else { String::new() },
                ]);
            }
            t.print()
        }
    }
}

fn user(r: &mut Register, c: UserCmd) -> anyhow::Result<()> {
    match c {
        UserCmd::Add { name, role, pin } => {
            let role: Role = input(role.parse())?;
            reg(r.add_user(&name, role, &pin))?;
            println!("added {} {name}", role.as_str());
            Ok(())
        }
        UserCmd::List(json) => {
            let rows = reg(r.store().reader().users().map_err(Into::into))?;
            if json.json {
                return print_json(&rows);
            }
            let mut t = Table::new(&["NAME", "ROLE", ""]);
            for u in rows {
                t.row(vec![u.name, u.role, if u.active { String::new() } else { "removed".into() }]);
            }
            t.print()
        }
    }
}

fn setting(r: &mut Register, c: SettingCmd) -> anyhow::Result<()> {
    match c {
        SettingCmd::Set { key, value } => {
            reg(r.set_setting(&key, &value))?;
            println!("{key} = {value}");
            Ok(())
        }
        SettingCmd::List(json) => {
            let rows = reg(r.store().reader().settings().map_err(Into::into))?;
            if json.json {
                return print_json(&rows);
            }
            let mut t = Table::new(&["KEY", "VALUE"]);
            for s in rows {
                t.row(vec![s.key, s.value]);
            }
            t.print()
        }
    }
}

/// What `till status --json` prints.
#[derive(Serialize, Debug)]
pub struct Status {
    /// This register's id.
    pub register_id: String,
    /// Its short name.
    pub register_name: String,
    /// standalone, server or client.
    pub mode: String,
    /// The data directory.
    pub data_dir: String,
    /// Schema version of the database.
    pub schema_version: i64,
    /// Counts of records.
    #[serde(flatten)]
    pub counts: crate::store::Counts,
    /// The store this register belongs to, once known.
    pub store_id: Option<String>,
    /// Server mode: the address it listens on while running.
    pub listening: Option<String>,
    /// Client mode: the poller's state, as JSON written by the running register.
    pub sync: Option<serde_json::Value>,
    /// Client mode: when events were last received, ms since the epoch.
    pub last_sync_ms: Option<i64>,
    /// Milliseconds added to the system clock (learned from the server).
    pub clock_offset_ms: i64,
}

fn status(r: &Register, dir: &std::path::Path, json: Json) -> anyhow::Result<()> {
    let reader = r.store().reader();
    let s = Status {
        register_id: r.store().register_id().to_string(),
        register_name: reg(r.name())?,
        mode: crate::modes::configured_mode(r).to_string(),
        data_dir: dir.display().to_string(),
        schema_version: reg(reader.schema_version().map_err(Into::into))?,
        counts: reg(reader.counts().map_err(Into::into))?,
        store_id: kv(r, crate::net::service::KV_STORE_ID)?,
        listening: kv(r, crate::modes::KV_LISTEN_ADDR)?.filter(|a| !a.is_empty()),
        sync: kv(r, crate::net::poller::KV_SYNC_STATUS)?.and_then(|j| serde_json::from_str(&j).ok()),
        last_sync_ms: kv(r, crate::net::poller::KV_LAST_SYNC)?.and_then(|v| v.parse().ok()),
        clock_offset_ms: kv(r, crate::register::KV_CLOCK_OFFSET)?.and_then(|v| v.parse().ok()).unwrap_or(0),
    };
    if json.json {
        return print_json(&s);
    }
    let c = &s.counts;
    println!("register   {} ({})", s.register_name, s.register_id);
    println!("mode       {}", s.mode);
    println!("data       {} (schema {})", s.data_dir, s.schema_version);
    println!("products   {}", c.products);
    println!("orders     {} ({} voided), returns {}", c.orders, c.voided_orders, c.returns);
    println!("shifts     {}, users {}", c.shifts, c.users);
    println!("events     {}, waiting to sync {}", c.events, c.pending_events);
    if let Some(a) = &s.listening {
        println!("listening  {a}");
    }
    if let Some(sync) = &s.sync {
        let state = sync["state"].as_str().unwrap_or("?");
        let server = sync["server"].as_str().unwrap_or("?");
        let err = sync["last_error"].as_str().map(|e| format!(" ({e})")).unwrap_or_default();
        println!("sync       {state} with {server}{err}");
    }
    if let Some(ms) = s.last_sync_ms {
        println!("last sync  {}", format_ms(ms));
    }
    Ok(())
}

fn kv(r: &Register, key: &str) -> anyhow::Result<Option<String>> {
    reg(r.store().kv_get(key).map_err(Into::into))
}

fn config_err(e: crate::config::ConfigError) -> anyhow::Error {
    match e {
        crate::config::ConfigError::Store(s) => anyhow::Error::new(RegisterError::Store(s)),
        other => anyhow::Error::new(SetupRefused(other.to_string())),
    }
}

/// A setup change refused (exit 3).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SetupRefused(String);

fn setup(r: &mut Register, c: SetupCmd) -> anyhow::Result<()> {
    use crate::config::{ConfigUpdate, LocalApiConfig, Secret};
    let current = LocalApiConfig::load(r.store()).map_err(config_err)?;
    match c {
        SetupCmd::Show(json) => {
            let v = current.view();
            if json.json {
                return print_json(&v);
            }
            println!("mode    {}", v.mode);
            println!("name    {}", v.name);
            println!("port    {}", v.port);
            println!("bind    {}", v.bind);
            println!("server  {}", v.server.unwrap_or_else(|| "-".into()));
            println!("secret  {}", if v.secret_set { "set (till setup secret --show prints it)" } else { "not set" });
            Ok(())
        }
        SetupCmd::Set { pairs } => {
            let update = ConfigUpdate::parse(&pairs).map_err(config_err)?;
            let scan_now = update.server() == Some(&crate::config::ServerAddr::Scan);
            let mut new = current.with(update).map_err(config_err)?;
            // A client told to scan picks its server now, while the admin is there to choose.
            if scan_now && new.mode == crate::config::Mode::Client {
                new.server = Some(scan::pick_server(r, &new)?);
            }
            reg(r.store_mut().write(|tx| new.save(tx)).map_err(Into::into))?;
            let v = new.view();
            println!(
                "saved: mode {}, name {}, port {}, bind {}, server {}, secret {}",
                v.mode,
                v.name,
                v.port,
                v.bind,
                v.server.unwrap_or_else(|| "-".into()),
                if v.secret_set { "set" } else { "not set" }
            );
            Ok(())
        }
        SetupCmd::Secret { generate: true, apply, .. } => {
            let secret = Secret::generate().map_err(config_err)?;
            if apply {
                let new = current.with(ConfigUpdate::default().with_secret(secret.clone())).map_err(config_err)?;
                reg(r.store_mut().write(|tx| new.save(tx)).map_err(Into::into))?;
            }
            println!("{}", secret.expose());
            Ok(())
        }
        SetupCmd::Secret { show: true, .. } => match &current.secret {
            Some(s) => {
                println!("{}", s.expose());
                Ok(())
            }
            None => Err(anyhow::Error::new(SetupRefused("no secret is set".into()))),
        },
        SetupCmd::Secret { .. } => Err(anyhow::Error::new(SetupRefused("use --generate or --show".into()))),
    }
}

/// `till peers revoke|enroll`.
fn peers_action(r: &mut Register, a: PeersCmd) -> anyhow::Result<()> {
    use crate::net::service::KV_ENROLL_UNTIL;
    let now = crate::net::unix_ms();
    match a {
        PeersCmd::Revoke { register } => {
            let rows = reg(r.store().reader().peers().map_err(Into::into))?;
            let wanted = register.to_ascii_lowercase();
            let matches: Vec<_> = rows
                .iter()
                .filter(|p| p.name == register || (wanted.len() >= 4 && p.register_id.starts_with(&wanted)))
                .collect();
            let p = match matches.as_slice() {
                [one] => *one,
                [] => {
                    return Err(anyhow::Error::new(RegisterError::UnknownRegister(register)));
                }
                many => {
                    let ids: Vec<&str> = many.iter().map(|p| p.register_id.as_str()).collect();
                    return Err(anyhow::Error::new(SetupRefused(format!(
                        "{} registers match {register}: give the register id, one of {}",
                        many.len(),
                        ids.join(", ")
                    ))));
                }
            };
            let id: crate::model::RegisterId =
                p.register_id.parse().map_err(|_| SetupRefused(format!("bad register id {}", p.register_id)))?;
            reg(r
                .store_mut()
                .write(|tx| {
                    tx.revoke_register(id, now)?;
                    tx.kv_set(KV_ENROLL_UNTIL, "0")
                })
                .map_err(Into::into))?;
            println!(
                "revoked {} ({}): this server refuses it from now on. New registers can join only after `till peers enroll --open`.",
                p.name, p.register_id
            );
            Ok(())
        }
        PeersCmd::Enroll { close: true, .. } => {
            reg(r.store_mut().kv_set(KV_ENROLL_UNTIL, "0").map_err(Into::into))?;
            println!("enrollment closed: only registers already enrolled can sync");
            Ok(())
        }
        PeersCmd::Enroll { minutes, .. } => {
            let until = now.saturating_add(minutes.clamp(1, 24 * 60) * 60_000);
            reg(r.store_mut().kv_set(KV_ENROLL_UNTIL, &until.to_string()).map_err(Into::into))?;
            println!("new registers may join until {}", format_ms(until as i64));
            Ok(())
        }
    }
}

/// `till screens`: every sample screen as `NAME.png` in `out`.
fn screens(out: &std::path::Path, size: &str, hit_map: bool) -> anyhow::Result<()> {
    let bad = || SetupRefused(format!("bad size '{size}': use WIDTHxHEIGHT, e.g. 800x480 (at least 320x240)"));
    let (w, h) = size.split_once('x').ok_or_else(bad)?;
    let (w, h): (u32, u32) = (w.parse().map_err(|_| bad())?, h.parse().map_err(|_| bad())?);
    if !(320..=4096).contains(&w) || !(240..=4096).contains(&h) {
        return Err(bad().into());
    }
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let samples = till_display::samples();
    for (name, state) in &samples {
        let mut canvas = till_display::Canvas::new(w, h);
        till_display::draw(state, &mut canvas).map_err(|e| match e {})?;
        canvas.save_png(out.join(format!("{name}.png")))?;
        if hit_map {
            for (rect, intent) in till_display::hit_map(state, embedded_graphics::prelude::Size::new(w, h)) {
                let c = rect.center();
                let line = serde_json::json!({"screen": name, "intent": format!("{intent:?}"), "x": c.x, "y": c.y});
                println!("{line}");
            }
        }
    }
    if !hit_map {
        println!("{} screens drawn at {w}x{h} into {}", samples.len(), out.display());
    }
    Ok(())
}

/// Exit codes of `till test-connection`.
fn connection_exit(e: &crate::net::client::ClientError) -> u8 {
    use crate::net::client::ClientError::*;
    match e {
        Unreachable(..) => 10,
        NotTill(..) | Protocol(_) | Refused(..) => 11,
        OtherStore(..) => 12,
        WrongSecret(_) => 13,
        Version(..) => 14,
        Revoked(..) => 15,
    }
}

/// A failed connection test, with its exit code.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConnectionFailed(pub crate::net::client::ClientError);

/// What `till test-connection --json` prints.
#[derive(Serialize, Debug)]
pub struct ConnectionReport {
    /// True when everything checked out.
    pub ok: bool,
    /// The address tested.
    pub server: String,
    /// The server register's name.
    pub server_name: Option<String>,
    /// The store id in use.
    pub store_id: Option<String>,
    /// Round trip of the authenticated hello, ms.
    pub rtt_ms: Option<f64>,
    /// Server clock minus ours, ms.
    pub clock_offset_ms: Option<i64>,
    /// What went wrong, in words.
    pub error: Option<String>,
    /// The exit code.
    pub code: u8,
}

fn test_connection(r: &mut Register, addr: Option<String>, secret: Option<String>, json: Json) -> anyhow::Result<()> {
    use crate::config::{LocalApiConfig, Secret, ServerAddr};
    let cfg = LocalApiConfig::load(r.store()).map_err(config_err)?;
    let addr = match addr {
        Some(a) => a.parse::<ServerAddr>().map_err(config_err)?.to_string(),
        None => match cfg.server {
            Some(ServerAddr::Addr { .. }) => cfg.server.as_ref().map(ToString::to_string).unwrap_or_default(),
            _ => {
                return Err(anyhow::Error::new(SetupRefused(
                    "no server address: give HOST:PORT or set server=".into(),
                )));
            }
        },
    };
    let secret = match secret {
        // Testing a secret someone typed: check the connection first, strength later on save.
        Some(s) => Secret::new_unchecked(&s).map_err(config_err)?,
        None => {
            cfg.secret.clone().ok_or_else(|| SetupRefused("no shared secret: give --secret or set secret=".into()))?
        }
    };
    let me = r.store().register_id();
    let my_store = kv(r, crate::net::service::KV_STORE_ID)?.and_then(|s| s.parse().ok());
    let name = reg(r.name())?;
    let own = reg(crate::net::own_key(r.store_mut()).map_err(Into::into))?;
    let outcome = smol::block_on(crate::net::client::test_connection(&addr, me, my_store, &name, &secret, &own));
    let report = match &outcome {
        Ok(t) => ConnectionReport {
            ok: true,
            server: addr.clone(),
            server_name: Some(t.server_name.clone()),
            store_id: Some(t.store.to_string()),
            rtt_ms: Some(t.rtt_ms),
            clock_offset_ms: Some(t.clock_offset_ms),
            error: None,
            code: 0,
        },
        Err(e) => ConnectionReport {
            ok: false,
            server: addr.clone(),
            server_name: None,
            store_id: None,
            rtt_ms: None,
            clock_offset_ms: None,
            error: Some(e.to_string()),
            code: connection_exit(e),
        },
    };
    if json.json {
        print_json(&report)?;
    } else if let Some(n) = &report.server_name {
        println!(
            "ok: {n} at {addr}, same store and secret, round trip {:.1} ms, its clock is {} ms ahead",
            report.rtt_ms.unwrap_or(0.0),
            report.clock_offset_ms.unwrap_or(0)
        );
    }
    match outcome {
        Ok(_) => Ok(()),
        Err(e) => Err(anyhow::Error::new(ConnectionFailed(e))),
    }
}
