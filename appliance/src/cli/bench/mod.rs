//! `till bench`: measures this machine (or a register box) on the figures the design promises.
//! Run it on the device itself to measure its SD card and CPU. Figures are medians or
//! percentiles; docs/BENCHMARKS.md records them with the machine they came from.

mod load;
mod peer;
mod store;
mod sync;

use std::path::PathBuf;

use clap::Args;

pub use store::synthetic_events;

/// Options of `till bench`.
#[derive(Args, Debug)]
pub struct BenchArgs {
    /// What to measure
    #[arg(value_enum, default_value = "store")]
    pub what: What,
    /// Directory for scratch databases [default: a new temporary directory]
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Events to apply (store) or to push and catch up (sync)
    #[arg(long, default_value_t = 100_000)]
    pub events: usize,
    /// Events per transaction when applying (store)
    #[arg(long, default_value_t = 500)]
    pub batch: usize,
    /// Orders: committed one by one (store), timed from one register to another (sync), or
    /// replicated in bulk (peer, default 10,000)
    #[arg(long)]
    pub orders: Option<usize>,
    /// Orders rung one at a time for the live latency (peer)
    #[arg(long, default_value_t = 500)]
    pub live: usize,
    /// Print the figures as one JSON object (peer)
    #[arg(long)]
    pub json: bool,
    /// Repetitions of the apply measurement; the median is reported (this machine is noisy)
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Concurrent connections pushing the ingest batches (sync, 1-4)
    #[arg(long, default_value_t = 2)]
    pub connections: usize,
    /// Long-polling clients: server memory and idle CPU (sync, default 16), or load (default 64)
    #[arg(long, default_value_t = 16)]
    pub clients: usize,
}

/// Benchmarks available.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum What {
    /// Event apply rate and single-order commit latency, FULL vs NORMAL synchronous.
    Store,
    /// Real processes on loopback: order latency A → server → B, encrypted ingest, catch-up of a
    /// backlog, server memory and idle CPU with many long-polling clients.
    Sync,
    /// The replication PouchDB is compared with (scripts/bench-peer): 10,000 orders A → server,
    /// then server → a fresh B; live latency A → B; server memory.
    Peer,
    /// One server, many long-polling clients (`--clients`, 64 unless given) with orders flowing:
    /// delivery latency to every client, the slowest client, server CPU and memory.
    Load,
}

/// Runs the chosen benchmark.
pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    match args.what {
        What::Store => store::run(&args),
        What::Sync => sync::run(&args),
        What::Peer => peer::run(&args),
        What::Load => {
            // 16 suits the memory figure of `sync`; the load figure is about 64 clients.
            let clients = if std::env::args().any(|a| a == "--clients") { args.clients } else { 64 };
            load::run(&BenchArgs { clients, ..args })
        }
    }
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
pub(crate) fn tempdir() -> anyhow::Result<TempDir> {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).map_err(|e| anyhow::anyhow!("{e}"))?;
    let p = std::env::temp_dir().join(format!("till-bench-{}", crate::model::hex(&b)));
    std::fs::create_dir_all(&p)?;
    Ok(TempDir(p))
}

#[cfg(test)]
mod tests {
    use super::*;

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
