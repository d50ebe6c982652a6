//! `till bench peer`: Till's side of the comparison with PouchDB (scripts/bench-peer, issue 7).
//!
//! The shape is the one PouchDB's one-shot replication has (bench/pouchdb/client.js), with real
//! `till run` processes on loopback:
//!
//! 1. register A holds `--orders` orders rung while its process was stopped; push: A's process
//!    starts, and the clock stops when the server's database holds them all (PouchDB:
//!    `A.replicate.to(server)`);
//! 2. catch-up: a fresh register B starts, and the clock stops when B's database holds them all
//!    (PouchDB: a fresh `B.replicate.from(server)`); bulk = push + catch-up;
//! 3. live: with A and B running, `--live` orders rung one at a time on A, each timed from its
//!    commit until it is in B's database (PouchDB: both replications live, `put` on A until B's
//!    changes feed has it);
//! 4. the server's memory (VmRSS, VmHWM) after all of that.
//!
//! The process start (database open, key derivation, hello) is inside Till's push and catch-up
//! times: it is where a register's replication starts.

use std::path::Path;
use std::time::{Duration, Instant};

use super::sync::{num, proc_status, ro, spawn, start_client, start_server, wait_connected, wait_for};
use super::{PeerArgs, percentile, tempdir};
use crate::config::Secret;
use crate::model::{Cents, Payment, Sku};
use crate::register::Register;
use crate::store::DbWatcher;
use crate::store::{Store, Synchronous};

/// The products orders are rung from: a few lines per order, like a real sale.
const PRODUCTS: [(&str, &str, i64); 3] =
    [("TEA", "Green tea", 250), ("COF", "Coffee", 320), ("BUN", "Cinnamon bun", 275)];

/// The lines of the `i`th bulk order: 1 to 3 lines, the same cycle as the PouchDB docs.
fn lines(i: usize, skus: &[Sku]) -> Vec<(Sku, u32)> {
    (0..=i % 3).map(|k| (skus[k].clone(), 1 + (i % 2) as u32)).collect()
}

/// Waits until the database in `dir` holds at least `n` orders, polling every 10 ms.
fn wait_orders(dir: &Path, n: usize, what: &str) -> anyhow::Result<()> {
    let db = ro(dir)?;
    wait_for(what, Duration::from_secs(300), || num(&db, "SELECT count(*) FROM orders") >= n as i64)
}

/// Runs the peer benchmark and prints its figures (one JSON object with `--json`).
pub fn run(args: &PeerArgs) -> anyhow::Result<()> {
    let tmp = tempdir()?;
    let base = args.dir.clone().unwrap_or_else(|| tmp.0.clone());
    let exe = std::env::current_exe()?;
    let secret = Secret::generate()?;
    let orders = args.orders;
    eprintln!("till bench peer: scratch in {}, {orders} orders, {} live", base.display(), args.live);

    let (server, addr) = start_server(&exe, &base.join("S"), &secret)?;
    let mut reg_s = Register::open(&server.dir)?;
    for (sku, name, cents) in &PRODUCTS[1..] {
        reg_s.add_product(sku.parse()?, name, Cents(*cents), None, None)?;
    }
    drop(reg_s);
    let skus: Vec<Sku> = PRODUCTS.iter().map(|(s, _, _)| s.parse()).collect::<Result<_, _>>()?;

    // A joins once (store id, products), then stops: its orders are rung while it is offline.
    let dir_a = base.join("A");
    let a = start_client(&exe, &dir_a, "A", &addr, &secret)?;
    wait_connected(&dir_a)?;
    let db_a = ro(&dir_a)?;
    wait_for("A to have the products", Duration::from_secs(60), || {
        num(&db_a, "SELECT count(*) FROM products") >= PRODUCTS.len() as i64
    })?;
    drop((a, db_a));
    let t = Instant::now();
    // NORMAL: ringing is set-up, not measured; one fsync per order would only make it slower.
    let mut reg_a = Register::from_store(Store::open_with(&dir_a, Synchronous::Normal)?);
    for i in 0..orders {
        reg_a.create_order(&lines(i, &skus), Payment::Cash, None)?;
    }
    drop(reg_a);
    let ring_s = t.elapsed().as_secs_f64();
    eprintln!("  rang {orders} orders on A (offline) in {ring_s:.2} s");

    // 1. Push: A's process starts until the server holds every order.
    let t = Instant::now();
    let a = spawn(&exe, &dir_a)?;
    wait_orders(&server.dir, orders, "the server to hold A's orders")?;
    let push_s = t.elapsed().as_secs_f64();
    eprintln!("  push A -> server: {push_s:.2} s");

    // 2. Catch-up: a fresh B starts until it holds every order.
    let t = Instant::now();
    let b = start_client(&exe, &base.join("B"), "B", &addr, &secret)?;
    wait_orders(&b.dir, orders, "the fresh B to catch up")?;
    let catchup_s = t.elapsed().as_secs_f64();
    eprintln!("  catch-up server -> fresh B: {catchup_s:.2} s");

    // 3. Live latency A → server → B.
    wait_connected(&a.dir)?;
    wait_connected(&b.dir)?;
    let mut reg_a = Register::open(&a.dir)?;
    let watch_b = DbWatcher::start(&b.dir);
    let db_b = ro(&b.dir)?;
    let mut lat = Vec::with_capacity(args.live);
    for i in 0..args.live {
        let listener = watch_b.listen();
        let o = reg_a.create_order(&lines(i, &skus), Payment::Cash, None)?;
        let t0 = Instant::now();
        super::sync::wait_order_at(&db_b, &watch_b, listener, &o)?;
        lat.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    lat.sort_by(f64::total_cmp);

    // 4. Server memory, with both clients still long-polling.
    let pid = server.child.id();
    let rss_mib = proc_status(pid, "VmRSS:")? as f64 / 1024.0;
    let hwm_mib = proc_status(pid, "VmHWM:")? as f64 / 1024.0;
    drop((a, b, server, reg_a));

    let p50 = percentile(&lat, 0.5);
    let p99 = percentile(&lat, 0.99);
    let max = lat.last().copied().unwrap_or(0.0);
    if args.json {
        let v = serde_json::json!({
            "side": "till",
            "orders": orders,
            "ring_s": ring_s,
            "push_s": push_s,
            "catchup_s": catchup_s,
            "bulk_s": push_s + catchup_s,
            "live": lat.len(),
            "live_p50_ms": p50,
            "live_p99_ms": p99,
            "live_max_ms": max,
            "server_rss_mib": rss_mib,
            "server_hwm_mib": hwm_mib,
        });
        println!("{v}");
    } else {
        println!(
            "  bulk {orders} orders A -> server -> fresh B: {:.2} s (push {push_s:.2} s + catch-up {catchup_s:.2} s)",
            push_s + catchup_s
        );
        println!(
            "  live, {} orders one at a time A -> B: p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms",
            lat.len()
        );
        println!("  server memory: RSS {rss_mib:.1} MiB (peak {hwm_mib:.1} MiB)");
    }
    Ok(())
}
