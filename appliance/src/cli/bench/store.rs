//! `till bench store`: the store's hot paths — applying synced events in batches, and single
//! fsync'd order commits — at both `synchronous` levels.

use std::time::Instant;

use super::{StoreArgs, percentile, scratch};

use crate::model::{Cents, EventId, Payment, Product, RegisterId, Sku, price_order};
use crate::register::Register;
use crate::store::{Store, Synchronous};
use crate::sync::{Event, EventKind, Hlc};

/// A batch of realistic events from other registers: sales of 1-4 lines, some stock counts.
pub fn synthetic_events(n: usize, origins: &[RegisterId]) -> Vec<Vec<u8>> {
    let products: Vec<Product> = (0..200)
        .map(|i| Product {
            sku: format!("SKU{i:04}").parse::<Sku>().unwrap_or_else(|_| unreachable!("valid by construction")),
            name: format!("Product {i}"),
            price_cents: Cents(100 + i * 7),
            tax_profile: None,
        })
        .collect();
    (0..n)
        .map(|i| {
            let origin = origins[i % origins.len()];
            let seq = (i / origins.len() + 1) as u64;
            let p = &products[i % products.len()];
            let kind = if i % 50 == 0 {
                EventKind::StockCounted { sku: p.sku.clone(), on_hand: 100 }
            } else {
                let items: Vec<_> = (0..(1 + i % 4))
                    .map(|k| {
                        (products[(i + k * 13) % products.len()].clone(), crate::model::RateBp(825), 1 + (k as u32))
                    })
                    .collect();
                let (lines, s, t, tot) = price_order(&items);
                EventKind::OrderCreated(crate::model::Order {
                    number: format!("R{}-{seq:06}", i % 3 + 1),
                    lines,
                    subtotal_cents: s,
                    tax_cents: t,
                    total_cents: tot,
                    payment: if i % 2 == 0 { Payment::Cash } else { Payment::Card },
                    cashier: None,
                    shift: None,
                })
            };
            Event { id: EventId { origin, seq }, hlc: Hlc { wall_ms: 1_790_000_000_000 + i as u64, logical: 0 }, kind }
                .encode()
        })
        .collect()
}

/// Measures the store and prints its figures.
pub fn run(args: &StoreArgs) -> anyhow::Result<()> {
    let orders = args.orders;
    let (_tmp, base) = scratch(&args.dir)?;
    println!(
        "till bench store: {} events in batches of {}, {} single orders, scratch in {}",
        args.events,
        args.batch,
        orders,
        base.display()
    );
    let events = synthetic_events(args.events, &[RegisterId([1; 16]), RegisterId([2; 16]), RegisterId([3; 16])]);
    let bytes: usize = events.iter().map(Vec::len).sum();
    println!("  synthetic events: mean {} bytes", bytes / events.len().max(1));
    for (label, sync) in [("FULL", Synchronous::Full), ("NORMAL", Synchronous::Normal)] {
        let mut rates = Vec::with_capacity(args.runs);
        for run in 0..args.runs.max(1) {
            let dir = base.join(format!("apply-{label}-{run}"));
            let _ = std::fs::remove_dir_all(&dir);
            let mut store = Store::open_with(&dir, sync)?;
            let t = Instant::now();
            for chunk in events.chunks(args.batch.max(1)) {
                store.apply_remote(chunk, 0)?;
            }
            rates.push(args.events as f64 / t.elapsed().as_secs_f64());
            drop(store);
            let _ = std::fs::remove_dir_all(&dir);
        }
        rates.sort_by(f64::total_cmp);
        println!(
            "  apply synced events, synchronous={label}: median {:.0} events/s over {} runs (min {:.0}, max {:.0})",
            percentile(&rates, 0.5),
            rates.len(),
            rates.first().copied().unwrap_or(0.0),
            rates.last().copied().unwrap_or(0.0)
        );

        let dir = base.join(format!("orders-{label}"));
        let _ = std::fs::remove_dir_all(&dir);
        let mut reg = Register::from_store(Store::open_with(&dir, sync)?);
        reg.add_product("TEA".parse()?, "Tea", Cents(250), Some(1_000_000), None)?;
        let item = [("TEA".parse::<Sku>()?, 1u32)];
        let mut lat = Vec::with_capacity(orders);
        for _ in 0..orders {
            let t = Instant::now();
            reg.create_order(&item, Payment::Cash, None)?;
            lat.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        lat.sort_by(f64::total_cmp);
        println!(
            "  single order commit, synchronous={label}: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
            percentile(&lat, 0.5),
            percentile(&lat, 0.99),
            lat.last().copied().unwrap_or(0.0)
        );
    }
    Ok(())
}
