//! The `till` command line: parses arguments (clap), calls the register, prints tables or JSON,
//! and maps failures to documented exit codes. The only place that prints for people.

/// `println!` that hands a failed write back to the caller instead of panicking, so
/// `till … | head` ends quietly when `head` has read enough.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?
    }};
}

mod backup;
mod bench;
mod catalog;
mod conflicts;
mod day;
mod exit;
mod export;
mod journal;
mod printer;
mod sales;
mod scan;
mod screens;
mod setup;
mod status;
mod table;
mod update;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use serde::Serialize;

pub use catalog::{ProductCmd, SettingCmd, StockArgs, StockCmd, TaxCmd, TenderCmd, UserCmd};
pub use conflicts::ConflictsCmd;
pub use exit::{ConnectionFailed, EXIT_CODES, SetupRefused, exit_code};
pub use journal::{ExportRefused, JournalBroken, JournalCmd};
pub use sales::{OrderCmd, ReturnCmd, ShiftCmd};
pub use setup::{ConnectionReport, PeersCmd, SetupCmd};
pub use status::Status;

use crate::register::{Register, RegisterError};

/// Where the data lives when `--data` is not given.
fn default_data_dir() -> PathBuf {
    // On the appliance till is process 1 and the DATA partition is mounted at /data.
    if std::process::id() == 1 { PathBuf::from("/data") } else { PathBuf::from("./till-data") }
}

/// Till: the point-of-sale register.
#[derive(Parser, Debug)]
#[command(name = "till", version = crate::VERSION, about, after_help = EXIT_CODES)]
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
    /// Print JSON (stable, documented in docs/CLI.md) instead of a table
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
    /// Cash into or out of the drawer outside a sale: paid in, paid out, drops to the safe
    #[command(subcommand)]
    Cash(day::CashCmd),
    /// The cash drawer: open it without a sale
    #[command(subcommand)]
    Drawer(day::DrawerCmd),
    /// X report (the day so far), Z report (close the day), Z list, store report
    #[command(subcommand)]
    Report(day::ReportCmd),
    /// This register's receipt printer: set it up, test it, its status
    #[command(subcommand)]
    Printer(printer::PrinterCmd),
    /// Show, save, draw or reprint an order's receipt
    Receipt(printer::ReceiptArgs),
    /// Orders and stock to the online shop (Shopify, WooCommerce, Vendure, signed webhooks):
    /// set it up, its status, retries, the catalog back in
    #[command(subcommand)]
    Export(export::ExportCmd),
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
    /// Tenders the store accepts besides cash and card
    #[command(subcommand)]
    Tender(TenderCmd),
    /// Contradictions between what registers did while apart (open ones); resolve one
    Conflicts {
        /// Settle a conflict [default: list the open ones]
        #[command(subcommand)]
        action: Option<ConflictsCmd>,
        /// Resolved ones too
        #[arg(long)]
        all: bool,
        /// Output format.
        #[command(flatten)]
        json: Json,
    },
    /// This register: id, name, mode, counts, events waiting to sync, open conflicts
    Status(Json),
    /// The journal: check that no event or derived row was edited, removed or forged; export
    /// sales, taxes, tenders, voids and returns for an accountant or a tax auditor
    #[command(subcommand)]
    Journal(JournalCmd),
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
        /// The BOOT partition's folder, where an update from the server is written (then `run`
        /// exits 22 to be restarted into it); default /boot, or TILL_BOOT_DIR
        #[arg(long, value_name = "DIR")]
        boot: Option<PathBuf>,
    },
    /// Draw every screen with sample data to PNG files (for the README and reviews); with
    /// --data, in the currency, locale and language of that register's store
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
    /// Measure this machine: store (the default), sync, peer, load or counter
    Bench(bench::BenchArgs),
    /// Write a sealed copy of this register's database (consistent while the register runs)
    Backup(backup::BackupArgs),
    /// Put a backup onto an empty register (over one with data only with --force)
    Restore(backup::RestoreArgs),
    /// Signed update bundles: verify, apply into the inactive boot slot, pack (the build host),
    /// stage for the store's registers and their status (the server)
    #[command(subcommand)]
    Update(update::UpdateCmd),
}

/// Parses the command line, runs it, and returns the documented exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // clap prints usage errors to stderr and --help to stdout; neither can do more if
            // that write fails.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match crate::logger::level_from_env() {
        Ok(level) => crate::logger::init(level),
        Err(why) => {
            eprintln!("till: {why}");
            return ExitCode::from(2);
        }
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // `till … | head`: the reader left, which is not a failure (as ripgrep does).
        Err(e) if exit::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("till: {e:#}");
            ExitCode::from(exit::exit_code(&e))
        }
    }
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

/// The decimals of the store's currency (2 until one is set).
fn minor(r: &Register) -> anyhow::Result<u8> {
    Ok(reg(r.store().reader().money_format().map_err(Into::into))?.currency.minor)
}

/// An amount typed on the command line, in the store's currency (`500` yen, `2.50` euros,
/// `1.250` dinars; docs/LOCALE.md).
fn amount(r: &Register, typed: &str) -> anyhow::Result<crate::model::Cents> {
    input(crate::model::Cents::parse_in(typed, minor(r)?))
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let given = cli.data.clone();
    let dir = cli.data.unwrap_or_else(default_data_dir);
    let command = match cli.command {
        Command::Bench(args) => return bench::run(args),
        Command::Screens { out, size, hit_map } => {
            return screens::screens(&out, &size, hit_map, given.as_deref());
        }
        // The data directory may be absent or hold a damaged database: not opened as a register.
        Command::Restore(args) => return backup::restore(&dir, args),
        Command::Update(c) => return update::update(c, &dir),
        // Testing a server someone typed in must not make a register in the current directory.
        Command::TestConnection { addr, secret, json } if !dir.join(crate::store::DB_FILE).exists() => {
            return setup::test_connection_without_data(&dir, addr, secret, json);
        }
        other => other,
    };
    let mut r = reg(Register::open(&dir)).with_context(|| format!("opening the register data in {}", dir.display()))?;
    match command {
        Command::Product(c) => catalog::product(&mut r, c),
        Command::Order(c) => sales::order(&mut r, c),
        Command::Return(c) => sales::returns(&mut r, c),
        Command::Shift(c) => sales::shift(&mut r, c),
        Command::Cash(c) => day::cash(&mut r, c),
        Command::Drawer(c) => day::drawer(&mut r, c),
        Command::Report(c) => day::report_cmd(&mut r, c),
        Command::Printer(c) => printer::printer(&mut r, c),
        Command::Receipt(a) => printer::receipt(&mut r, a),
        Command::Export(c) => export::export(&mut r, c),
        Command::Tax(c) => catalog::tax(&mut r, c),
        Command::Stock(a) => catalog::stock(&mut r, a),
        Command::User(c) => catalog::user(&mut r, c),
        Command::Setting(c) => catalog::setting(&mut r, c),
        Command::Tender(c) => catalog::tender(&mut r, c),
        Command::Conflicts { action, all, json } => conflicts::conflicts(&mut r, action, all, json),
        Command::Status(j) => status::status(&r, &dir, j),
        Command::Events { limit, json } => status::events(&r, limit, json),
        Command::Journal(c) => journal::journal(&mut r, c),
        Command::Run { display, input, boot } => {
            if let Some(boot) = boot {
                crate::update::slots::set_boot_dir(boot);
            }
            crate::modes::run(r, &dir, crate::modes::ScreenOptions { display, input })
        }
        Command::Setup(SetupCmd::Promote { manager, wait }) => setup::promote(r, &dir, manager, wait),
        Command::Setup(c) => setup::setup(&mut r, c),
        Command::TestConnection { addr, secret, json } => setup::test_connection(&mut r, addr, secret, json),
        Command::Scan(args) => scan::scan(&mut r, args),
        Command::Peers { action: Some(a), .. } => setup::peers_action(&mut r, a),
        Command::Peers { action: None, json } => setup::peers(&r, json),
        Command::Backup(args) => backup::backup(&mut r, args),
        Command::Bench(_) | Command::Screens { .. } | Command::Restore(_) | Command::Update(_) => {
            unreachable!("bench, screens and restore run before the register is opened")
        }
    }
}
