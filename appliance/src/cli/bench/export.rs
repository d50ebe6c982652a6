//! `till bench export`: the exporter against a webhook receiver on loopback, in this process
//! (the same worker thread, watcher and database as `till run`): commit-to-received latency of
//! single sales, then the catch-up of a backlog rung while the exporter was stopped.
//!
//! The receiver is a minimal HTTP/1.1 server on 127.0.0.1 (plain HTTP: a loopback address is
//! the one place the exporter allows it) that answers 200 and notes when each webhook-id first
//! arrived. Over HTTPS the only extra per event is the record encryption: the connection, and its
//! handshake, are kept alive between events.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;

use super::{machine, percentile, tempdir};
use crate::config::ExportSetup;
use crate::model::{Cents, Payment, Sku};
use crate::register::Register;
use crate::store::{DbWatcher, kv};

/// Options of `till bench export`.
#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// Sales timed one at a time, commit to received
    #[arg(long, default_value_t = 300)]
    pub runs: usize,
    /// Events in the backlog caught up after the exporter was stopped
    #[arg(long, default_value_t = 10_000)]
    pub backlog: usize,
}

#[derive(Default)]
struct Arrivals {
    first: Mutex<HashMap<String, Instant>>,
    cond: Condvar,
    total: std::sync::atomic::AtomicU64,
}

impl Arrivals {
    fn wait_for(&self, id: &str, limit: Duration) -> Option<Instant> {
        let end = Instant::now() + limit;
        let mut seen = self.first.lock().ok()?;
        loop {
            if let Some(t) = seen.get(id) {
                return Some(*t);
            }
            let left = end.checked_duration_since(Instant::now())?;
            seen = self.cond.wait_timeout(seen, left).ok()?.0;
        }
    }

    fn wait_count(&self, n: usize, limit: Duration) -> Option<Instant> {
        let end = Instant::now() + limit;
        let mut seen = self.first.lock().ok()?;
        loop {
            if seen.len() >= n {
                return Some(Instant::now());
            }
            let left = end.checked_duration_since(Instant::now())?;
            seen = self.cond.wait_timeout(seen, left).ok()?.0;
        }
    }
}

/// Serves one keep-alive connection: reads requests, notes each webhook-id, answers 200.
fn serve(stream: TcpStream, arrivals: &Arrivals) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut w = stream.try_clone()?;
    let mut r = BufReader::new(stream);
    loop {
        let (mut id, mut len) = (None, 0usize);
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Ok(());
        }
        loop {
            line.clear();
            r.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                match k.trim().to_ascii_lowercase().as_str() {
                    "webhook-id" => id = Some(v.trim().to_string()),
                    "content-length" => len = v.trim().parse().unwrap_or(0),
                    _ => {}
                }
            }
        }
        let mut body = vec![0; len];
        r.read_exact(&mut body)?;
        let now = Instant::now();
        if let (Some(id), Ok(mut seen)) = (id, arrivals.first.lock()) {
            seen.entry(id).or_insert(now);
            arrivals.total.fetch_add(1, Ordering::Relaxed);
            arrivals.cond.notify_all();
        }
        w.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")?;
    }
}

/// Runs the benchmark.
pub fn run(a: &ExportArgs) -> anyhow::Result<()> {
    let tmp = tempdir()?;
    let dir = tmp.0.join("data");
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let arrivals = Arc::new(Arrivals::default());
    let rx = arrivals.clone();
    std::thread::spawn(move || {
        for s in listener.incoming().flatten() {
            let rx = rx.clone();
            std::thread::spawn(move || serve(s, &rx));
        }
    });

    let mut r = Register::open(&dir)?;
    let sku: Sku = "TEA".parse()?;
    r.add_product(sku.clone(), "Tea", Cents(250), Some(1_000_000), None)?;
    let setup = ExportSetup::parse(
        "webhook",
        &[format!("url=http://127.0.0.1:{port}/hook"), "secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()],
        0,
    )
    .map_err(|e| anyhow::anyhow!(e))?;
    r.store_mut().set(kv::EXPORT, &setup)?;
    let watcher = DbWatcher::start(&dir);

    // Latency: one sale at a time, the exporter running.
    let stop = Arc::new(AtomicBool::new(false));
    let worker = crate::export::worker::spawn(dir.clone(), watcher.clone(), stop.clone())?;
    let mut lat = Vec::with_capacity(a.runs);
    for _ in 0..a.runs {
        let o = r.create_order(&[(sku.clone(), 1)], Payment::Card, None)?;
        let committed = Instant::now();
        let got = arrivals.wait_for(&o.id, Duration::from_secs(30)).context("a sale never reached the receiver")?;
        lat.push(got.saturating_duration_since(committed).as_secs_f64() * 1000.0);
    }
    stop.store(true, Ordering::SeqCst);
    let _ = worker.join();
    lat.sort_by(f64::total_cmp);

    // Catch-up: a backlog rung with the exporter stopped, then sent.
    for _ in 0..a.backlog {
        r.create_order(&[(sku.clone(), 1)], Payment::Card, None)?;
    }
    let before = arrivals.first.lock().map(|s| s.len()).unwrap_or(0);
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let worker = crate::export::worker::spawn(dir.clone(), watcher, stop.clone())?;
    let done = arrivals
        .wait_count(before + a.backlog, Duration::from_secs(600))
        .context("the backlog was not sent within 10 minutes")?;
    let catch_up = done.saturating_duration_since(start).as_secs_f64();
    stop.store(true, Ordering::SeqCst);
    let _ = worker.join();
    let counts = r.store().reader().export_counts()?;

    let (cpu, cores) = machine();
    println!("export to a webhook receiver on loopback ({cpu}, {cores} cores)");
    println!(
        "  commit to received, {} sales one at a time: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        lat.len(),
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        lat.last().copied().unwrap_or(0.0)
    );
    println!(
        "  backlog of {} events: caught up in {catch_up:.2} s ({:.0} events/s); outbox: {} sent, {} pending, {} dead",
        a.backlog,
        a.backlog as f64 / catch_up.max(1e-9),
        counts.sent,
        counts.pending,
        counts.dead
    );
    Ok(())
}
