//! `till bench load`: one server and many long-polling clients (64 by default) as real `till run`
//! processes on loopback, with orders flowing: each order rung on the first client is timed
//! until every other client holds it. Reports delivery latency over all clients, the slowest
//! client (a starving client would show there, or fail the run), server CPU and memory.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use super::sync::{Proc, cpu_ticks, num, proc_status, ro, start_client, start_server, wait_connected};
use super::{LoadArgs, percentile, tempdir};
use crate::config::Secret;
use crate::model::Payment;
use crate::register::Register;

/// Longest any client may take to receive an order before the run counts it as starved.
const STARVED: Duration = Duration::from_secs(30);

/// Runs the load benchmark and prints its figures.
pub fn run(args: &LoadArgs) -> anyhow::Result<()> {
    let tmp = tempdir()?;
    let base = args.dir.clone().unwrap_or_else(|| tmp.0.clone());
    let exe = std::env::current_exe()?;
    let secret = Secret::generate()?;
    let clients_n = args.clients;
    let orders = args.orders;
    println!("till bench load: 1 server, {clients_n} clients, {orders} orders rung one at a time on the first client");

    let (server, addr) = start_server(&exe, &base.join("S"), &secret)?;
    let pid = server.child.id();
    let mut clients: Vec<Proc> = Vec::new();
    for i in 0..clients_n {
        clients.push(start_client(&exe, &base.join(format!("C{i}")), &format!("C{i}"), &addr, &secret)?);
    }
    let t = Instant::now();
    for c in &clients {
        wait_connected(&c.dir)?;
    }
    println!("  all {clients_n} clients connected in {:.1} s", t.elapsed().as_secs_f64());
    let first = clients.first().map(|c| c.dir.clone()).context("no clients")?;
    let dbs: Vec<rusqlite::Connection> = clients.iter().skip(1).map(|c| ro(&c.dir)).collect::<Result<_, _>>()?;
    let mut reg = Register::open(&first)?;
    let tea: crate::model::Sku = "TEA".parse()?;

    let mut per_client: Vec<Vec<f64>> = vec![Vec::with_capacity(orders); dbs.len()];
    let ticks0 = cpu_ticks(pid)?;
    let run_start = Instant::now();
    for i in 1..=orders as i64 {
        reg.create_order(&[(tea.clone(), 1)], Payment::Card, None)?;
        let t0 = Instant::now();
        let mut waiting: Vec<usize> = (0..dbs.len()).collect();
        while !waiting.is_empty() {
            waiting.retain(|&j| {
                if num(&dbs[j], "SELECT count(*) FROM orders") >= i {
                    per_client[j].push(t0.elapsed().as_secs_f64() * 1000.0);
                    false
                } else {
                    true
                }
            });
            if t0.elapsed() > STARVED {
                bail!("{} clients did not receive order {i} within {STARVED:?} (starved)", waiting.len());
            }
            if !waiting.is_empty() {
                std::thread::sleep(Duration::from_micros(500));
            }
        }
    }
    let elapsed = run_start.elapsed().as_secs_f64();
    let cpu = cpu_ticks(pid)?.saturating_sub(ticks0) as f64 / 100.0;
    let rss_kb = proc_status(pid, "VmRSS:")?;
    let hwm_kb = proc_status(pid, "VmHWM:")?;

    let mut all: Vec<f64> = per_client.iter().flatten().copied().collect();
    all.sort_by(f64::total_cmp);
    let mut slowest = per_client
        .iter()
        .map(|l| {
            let mut l = l.clone();
            l.sort_by(f64::total_cmp);
            percentile(&l, 0.99)
        })
        .collect::<Vec<_>>();
    slowest.sort_by(f64::total_cmp);
    println!(
        "  delivery to each of {} clients, {} deliveries: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        dbs.len(),
        all.len(),
        percentile(&all, 0.5),
        percentile(&all, 0.99),
        all.last().copied().unwrap_or(0.0)
    );
    println!(
        "  per-client p99: best {:.1} ms, median {:.1} ms, worst {:.1} ms (every client received every order)",
        slowest.first().copied().unwrap_or(0.0),
        percentile(&slowest, 0.5),
        slowest.last().copied().unwrap_or(0.0)
    );
    println!(
        "  server: CPU {:.2} s over {elapsed:.1} s ({:.0}% of one core), RSS {:.1} MiB (peak {:.1} MiB)",
        cpu,
        100.0 * cpu / elapsed,
        rss_kb as f64 / 1024.0,
        hwm_kb as f64 / 1024.0
    );
    drop(clients);
    drop(server);
    Ok(())
}
