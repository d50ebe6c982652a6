//! `till bench`: measures this machine (or a register box) on the figures the design promises.
//! Run it on the device itself to measure its SD card and CPU. Figures are medians or
//! percentiles; docs/BENCHMARKS.md records them with the machine they came from.

mod counter;
mod export;
mod load;
mod peer;
mod store;
mod sync;
mod year;

use std::path::PathBuf;

use clap::Args;

pub use store::synthetic_events;

/// Options of `till bench`: one benchmark and its options; `till bench [OPTIONS]` with no
/// benchmark named runs `store`.
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BenchArgs {
    /// What to measure
    #[command(subcommand)]
    pub what: Option<What>,
    /// The options of `store`, when no benchmark is named
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Benchmarks available.
#[derive(clap::Subcommand, Debug)]
pub enum What {
    /// Event apply rate and single-order commit latency, FULL vs NORMAL synchronous (the default).
    Store(StoreArgs),
    /// Real processes on loopback: order latency A → server → B, encrypted ingest, catch-up of a
    /// backlog, server memory and idle CPU with many long-polling clients.
    Sync(SyncArgs),
    /// The replication PouchDB is compared with (scripts/bench-peer): 10,000 orders A → server,
    /// then server → a fresh B; live latency A → B; server memory.
    Peer(PeerArgs),
    /// One server, many long-polling clients with orders flowing: delivery latency to every
    /// client, the slowest client, server CPU and memory.
    Load(LoadArgs),
    /// The counter's screen latency with a large catalogue: a scan until its cart line is drawn,
    /// a search keystroke until the list is drawn.
    Counter(CounterArgs),
    /// The export to the online shop: commit-to-webhook latency on loopback, and the catch-up
    /// of a backlog (events/s).
    Export(export::ExportArgs),
    /// A store-year (5 registers, 1,000,000 orders, Z reports) through the apply path: database
    /// size, Z and store report time, journal verify rate, boot to ready, sale to printed receipt.
    Year(YearArgs),
}

/// Options of `till bench year`.
#[derive(Args, Debug)]
pub struct YearArgs {
    /// Directory for the scratch database [default: a new temporary directory]
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Registers in the store (1-64)
    #[arg(long, default_value_t = 5)]
    pub registers: usize,
    /// Orders over the year, all registers together (1-10000000)
    #[arg(long, default_value_t = 1_000_000)]
    pub orders: u64,
    /// Business days (1-3660)
    #[arg(long, default_value_t = 365)]
    pub days: u64,
    /// Repetitions of each timing; medians are reported
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
    /// Also time `journal verify` with the derived tables checked against a rebuild
    #[arg(long)]
    pub derived: bool,
}

/// Options of `till bench store`.
#[derive(Args, Debug)]
pub struct StoreArgs {
    /// Directory for scratch databases [default: a new temporary directory]
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Events to apply
    #[arg(long, default_value_t = 100_000)]
    pub events: usize,
    /// Events per transaction when applying
    #[arg(long, default_value_t = 500)]
    pub batch: usize,
    /// Orders committed one by one
    #[arg(long, default_value_t = 2_000)]
    pub orders: usize,
    /// Repetitions of the apply measurement; the median is reported (this machine is noisy)
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
}

/// Options of `till bench sync`.
#[derive(Args, Debug)]
pub struct SyncArgs {
    /// Directory for scratch databases [default: a new temporary directory]
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Events to push and catch up
    #[arg(long, default_value_t = 100_000)]
    pub events: usize,
    /// Orders timed from one register to another
    #[arg(long, default_value_t = 500)]
    pub orders: usize,
    /// Concurrent connections pushing the ingest batches (1-4)
    #[arg(long, default_value_t = 2)]
    pub connections: usize,
    /// Long-polling clients for the server memory and idle CPU figure (1-128)
    #[arg(long, default_value_t = 16)]
    pub clients: usize,
}

/// Options of `till bench peer`.
#[derive(Args, Debug)]
pub struct PeerArgs {
    /// Directory for scratch databases [default: a new temporary directory]
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Orders replicated in bulk
    #[arg(long, default_value_t = 10_000)]
    pub orders: usize,
    /// Orders rung one at a time for the live latency
    #[arg(long, default_value_t = 500)]
    pub live: usize,
    /// Print the figures as one JSON object
    #[arg(long)]
    pub json: bool,
}

/// Options of `till bench load`.
#[derive(Args, Debug)]
pub struct LoadArgs {
    /// Directory for scratch databases [default: a new temporary directory]
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Long-polling clients (2-128: the server serves 256 connections, two per client)
    #[arg(long, default_value_t = 64)]
    pub clients: usize,
    /// Orders rung one at a time on the first client
    #[arg(long, default_value_t = 200)]
    pub orders: usize,
}

/// Options of `till bench counter`.
#[derive(Args, Debug)]
pub struct CounterArgs {
    /// Directory for the scratch database [default: a new temporary directory]
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Products in the catalogue, each with an EAN-13 barcode (1-1000000)
    #[arg(long, default_value_t = 10_000)]
    pub products: usize,
    /// Scans timed, and search keystrokes timed (1-1000000)
    #[arg(long, default_value_t = 200)]
    pub runs: usize,
    /// Print the figures as one JSON object
    #[arg(long)]
    pub json: bool,
}

/// The most clients a benchmark starts: each holds two connections (its long-poll and its
/// pushes), and the server serves [`crate::net::http::MAX_CONNECTIONS`].
const MAX_CLIENTS: usize = crate::net::guard::MAX_CONNECTIONS / 2;

/// A benchmark option out of its range: exit code 3 (refused), nothing was started.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(String);

/// Refuses `value` of option `--name` unless it lies in `range`.
fn in_range(name: &str, value: usize, range: std::ops::RangeInclusive<usize>) -> Result<usize, Refused> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(Refused(format!("--{name} {value} is out of range: give {} to {}", range.start(), range.end())))
    }
}

/// Runs the chosen benchmark.
pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    match args.what {
        None => store::run(&args.store),
        Some(What::Store(a)) => store::run(&a),
        Some(What::Sync(a)) => {
            in_range("clients", a.clients, 1..=MAX_CLIENTS)?;
            in_range("connections", a.connections, 1..=4)?;
            sync::run(&a)
        }
        Some(What::Peer(a)) => {
            in_range("orders", a.orders, 1..=10_000_000)?;
            peer::run(&a)
        }
        Some(What::Load(a)) => {
            in_range("clients", a.clients, 2..=MAX_CLIENTS)?;
            in_range("orders", a.orders, 1..=1_000_000)?;
            load::run(&a)
        }
        Some(What::Export(a)) => {
            in_range("runs", a.runs, 1..=100_000)?;
            in_range("backlog", a.backlog, 1..=1_000_000)?;
            export::run(&a)
        }
        Some(What::Year(a)) => {
            in_range("registers", a.registers, 1..=64)?;
            in_range("orders", a.orders as usize, 1..=10_000_000)?;
            in_range("days", a.days as usize, 1..=3660)?;
            in_range("runs", a.runs, 1..=10_000)?;
            year::run(&a)
        }
        Some(What::Counter(a)) => {
            in_range("products", a.products, 1..=1_000_000)?;
            in_range("runs", a.runs, 1..=1_000_000)?;
            counter::run(&a)
        }
    }
}

/// What machine a benchmark ran on: the CPU model and the number of cores, from
/// `/proc/cpuinfo` (the architecture, and the cores the process may use, where it does not say).
pub(crate) fn machine() -> (String, usize) {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |line: &str, key: &str| {
        let (k, v) = line.split_once(':')?;
        (k.trim() == key && !v.trim().is_empty()).then(|| v.trim().to_string())
    };
    // x86 says "model name"; ARM kernels say "Hardware", "Model" or only "CPU part".
    let model = ["model name", "Hardware", "Model", "cpu model"]
        .iter()
        .find_map(|key| info.lines().find_map(|l| field(l, key)))
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let cores = match info.lines().filter(|l| field(l, "processor").is_some()).count() {
        0 => std::thread::available_parallelism().map(usize::from).unwrap_or(1),
        n => n,
    };
    (model, cores)
}

/// The `p` quantile (0..=1) of sorted values, nearest rank.
pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// A scratch directory removed on drop.
pub(crate) struct TempDir(pub PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh scratch directory under the system's temporary directory.
/// Where a benchmark keeps its scratch files: `--dir` if given, else a fresh temporary directory
/// (removed when the returned guard is dropped; keep it alive while the path is used).
pub(crate) fn scratch(dir: &Option<PathBuf>) -> anyhow::Result<(Option<TempDir>, PathBuf)> {
    Ok(match dir {
        Some(d) => (None, d.clone()),
        None => {
            let t = tempdir()?;
            let p = t.0.clone();
            (Some(t), p)
        }
    })
}

pub(crate) fn tempdir() -> anyhow::Result<TempDir> {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).map_err(|e| anyhow::anyhow!("{e}"))?;
    let p = std::env::temp_dir().join(format!("till-bench-{}", crate::model::hex(&b)));
    std::fs::create_dir_all(&p)?;
    Ok(TempDir(p))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn bench(args: &[&str]) -> BenchArgs {
        let argv = ["till", "bench"].iter().chain(args).copied();
        match Cli::try_parse_from(argv).map(|c| c.command) {
            Ok(Command::Bench(b)) => b,
            other => panic!("till bench {args:?} parsed as {other:?}"),
        }
    }

    #[test]
    fn load_takes_clients_in_both_spellings_and_defaults_to_64() {
        for args in [&["load", "--clients=5"][..], &["load", "--clients", "5"]] {
            let Some(What::Load(a)) = bench(args).what else { panic!("{args:?} is not load") };
            assert_eq!(a.clients, 5, "{args:?}");
        }
        let Some(What::Load(a)) = bench(&["load"]).what else { panic!("not load") };
        assert_eq!((a.clients, a.orders), (64, 200));
        let Some(What::Sync(a)) = bench(&["sync"]).what else { panic!("not sync") };
        assert_eq!(a.clients, 16, "sync keeps its own default");
    }

    #[test]
    fn no_benchmark_named_runs_store_with_its_options() {
        let b = bench(&["--runs", "5", "--events", "10"]);
        assert!(b.what.is_none());
        assert_eq!((b.store.runs, b.store.events, b.store.orders), (5, 10, 2_000));
        assert!(Cli::try_parse_from(["till", "bench", "--runs", "5", "load"]).is_err(), "store options with load");
        assert!(Cli::try_parse_from(["till", "bench", "peer", "--clients", "5"]).is_err(), "peer has no clients");
    }

    #[test]
    fn counter_defaults_to_10000_products_and_200_runs() {
        let Some(What::Counter(a)) = bench(&["counter"]).what else { panic!("not counter") };
        assert_eq!((a.products, a.runs, a.json), (10_000, 200, false));
        let Some(What::Counter(a)) = bench(&["counter", "--products=200", "--runs", "5", "--json"]).what else {
            panic!("not counter")
        };
        assert_eq!((a.products, a.runs, a.json), (200, 5, true));
        let e = run(BenchArgs { what: bench(&["counter", "--runs=0"]).what, store: bench(&[]).store })
            .expect_err("refused");
        assert_eq!(crate::cli::exit_code(&e), 3, "{e}");
        let (cpu, cores) = machine();
        assert!(!cpu.is_empty() && cores >= 1, "{cpu:?} {cores}");
    }

    #[test]
    fn clients_out_of_range_are_refused_with_exit_code_3() {
        for clients in [0, 1, MAX_CLIENTS + 1] {
            let Some(What::Load(a)) = bench(&["load", &format!("--clients={clients}")]).what else { panic!() };
            let e = run(BenchArgs { what: Some(What::Load(a)), store: bench(&[]).store }).expect_err("refused");
            assert_eq!(crate::cli::exit_code(&e), 3, "{e}");
            assert_eq!(e.to_string(), format!("--clients {clients} is out of range: give 2 to {MAX_CLIENTS}"));
        }
        assert_eq!(in_range("clients", MAX_CLIENTS, 2..=MAX_CLIENTS).ok(), Some(MAX_CLIENTS));
    }

    #[test]
    fn a_failed_proc_read_is_an_error_naming_the_file_not_zero() {
        // Far above any pid_max: no such process.
        let pid = u32::MAX;
        let e = sync::proc_status(pid, "VmRSS:").expect_err("no such process");
        assert!(format!("{e:#}").contains(&format!("/proc/{pid}/status")), "{e:#}");
        let e = sync::cpu_ticks(pid).expect_err("no such process");
        assert!(format!("{e:#}").contains(&format!("/proc/{pid}/stat")), "{e:#}");
        let e = sync::proc_status(std::process::id(), "NoSuchField:").expect_err("no such field");
        assert!(e.to_string().contains("no NoSuchField: line"), "{e}");
        assert!(sync::proc_status(std::process::id(), "VmRSS:").expect("own RSS") > 0);
        assert!(sync::cpu_ticks(std::process::id()).is_ok());
    }
}
