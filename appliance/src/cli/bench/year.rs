//! `till bench year`: a store-year (5 registers, 1,000,000 orders by default) generated through
//! the normal apply path into one register's database, then the figures issue 15 asks for:
//! database size, Z and store report time, `journal verify` rate, `till backup` and `till
//! restore` of it (issue 17), `till run` boot to ready on that database, and sale committed →
//! the receipt's last byte at a printer on loopback.
//!
//! Each register's day is its sales (1–4 lines of 2,000 products in 12 categories, two tax
//! rates, one in ten discounted, cash with change, card, or split), one void and one return in
//! 200 sales, a paid-in and a drop, and a Z report whose figures the store computes from what it
//! holds (the report code `till report z` uses) — every event linked into its register's
//! journal chain, as a register writes them.

use std::io::Read;
use std::time::{Duration, Instant};

use super::{YearArgs, percentile, scratch};
use crate::model::{
    CARD, CASH, CartLine, CashKind, CashMove, Cents, EventId, Item, Product, RateBp, RegisterId, ReturnLine, Sale, Sku,
    TaxProfile, Tender, ZReport, price_cart,
};
use crate::store::{Store, date_of, kv};
use crate::sync::{Change, Event, EventKind, Hlc, Link, event_hash};

const DAY_MS: u64 = 86_400_000;
/// 2027-01-01 00:00 UTC.
const START_MS: u64 = 1_798_761_600_000;

/// One register's journal as it writes it: the next seq and the hash of its last event.
struct Chain {
    origin: RegisterId,
    seq: u64,
    last: Option<[u8; 32]>,
    name: String,
    orders: u64,
    sold: Vec<(EventId, Sale)>,
}

impl Chain {
    fn event(&mut self, wall_ms: u64, kind: EventKind) -> (EventId, Vec<u8>) {
        self.seq += 1;
        let id = EventId { origin: self.origin, seq: self.seq };
        let link = self.last.map_or(Link::Start, Link::After);
        let bytes = Event { id, hlc: Hlc { wall_ms, logical: 0 }, kind }.encode_linked(&link);
        self.last = Some(event_hash(&bytes));
        (id, bytes)
    }
}

fn sku(i: usize) -> Sku {
    format!("P{i:05}").parse().unwrap_or_else(|_| unreachable!("valid by construction"))
}

/// A deterministic pseudo-random stream (the same store every run).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Builds the store-year in `dir`; the number of events.
fn generate(dir: &std::path::Path, args: &YearArgs) -> anyhow::Result<(u64, Vec<String>)> {
    let mut store = Store::open(dir)?;
    let regs = args.registers.clamp(1, 64);
    let mut chains: Vec<Chain> = (0..regs)
        .map(|i| Chain {
            origin: RegisterId([i as u8 + 1; 16]),
            seq: 0,
            last: None,
            name: format!("R{}", i + 1),
            orders: 0,
            sold: Vec::new(),
        })
        .collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut total = 0u64;
    // The catalogue, from the first register.
    let mut batch = Vec::new();
    for (name, rate) in [("std", 1900), ("reduced", 700)] {
        let kind = EventKind::Edited {
            change: Change::TaxProfile(TaxProfile { name: name.into(), rate_bp: RateBp(rate) }),
            base: None,
        };
        batch.push(chains[0].event(START_MS - DAY_MS, kind).1);
    }
    for i in 0..2000 {
        let item = Item {
            product: Product {
                sku: sku(i),
                name: format!("Product {i}"),
                price_cents: Cents(99 + (i as i64 * 37) % 4000),
                tax_profile: Some(if i % 3 == 0 { "reduced" } else { "std" }.into()),
            },
            category: Some(format!("Category {}", i % 12)),
            barcodes: Vec::new(),
        };
        batch.push(chains[0].event(START_MS - DAY_MS, EventKind::Edited { change: Change::Item(item), base: None }).1);
    }
    for c in chains.iter_mut() {
        let name = c.name.clone();
        batch.push(c.event(START_MS - DAY_MS, EventKind::RegisterNamed { name }).1);
    }
    total += batch.len() as u64;
    store.apply_remote(&batch, 0)?;
    let prices: Vec<(i64, u32)> =
        (0..2000).map(|i| (99 + (i as i64 * 37) % 4000, if i % 3 == 0 { 700 } else { 1900 })).collect();
    let per_day = (args.orders / (regs as u64 * args.days.max(1))).max(1);
    let mut dates = Vec::new();
    for day in 0..args.days {
        let day_ms = START_MS + day * DAY_MS;
        dates.push(date_of(day_ms));
        for c in chains.iter_mut() {
            let mut batch = Vec::with_capacity(per_day as usize + 8);
            let mut t = day_ms + 8 * 3_600_000;
            let after = {
                let p = store.reader().period(c.origin)?;
                p.after_seq
            };
            batch.push(c.event(t, EventKind::CashMoved(cash(CashKind::PaidIn, 10_000, "float top-up"))).1);
            c.sold.clear();
            for _ in 0..per_day {
                t += 40_000 + rng.below(20_000);
                let n = 1 + rng.below(4) as usize;
                let mut cart = Vec::with_capacity(n);
                for k in 0..n {
                    let i = (rng.below(2000) as usize + k * 7) % 2000;
                    if cart.iter().any(|l: &CartLine| l.sku == sku(i)) {
                        continue;
                    }
                    cart.push(CartLine {
                        sku: sku(i),
                        name: format!("Product {i}"),
                        qty: 1 + rng.below(3) as u32,
                        unit_price_cents: Cents(prices[i].0),
                        tax_rate_bp: RateBp(prices[i].1),
                        discount: (rng.below(10) == 0).then_some(crate::model::Discount::Percent(1000)),
                    });
                }
                let priced = price_cart(&cart, None, true)?;
                let total_c = priced.total_cents.0;
                let (tenders, change) = match rng.below(3) {
                    0 => {
                        let given = (total_c + 999) / 1000 * 1000;
                        (vec![Tender { name: CASH.into(), amount_cents: Cents(given) }], Cents(given - total_c))
                    }
                    1 => (vec![Tender { name: CARD.into(), amount_cents: Cents(total_c) }], Cents(0)),
                    _ => (
                        vec![
                            Tender { name: CARD.into(), amount_cents: Cents(total_c / 2) },
                            Tender { name: CASH.into(), amount_cents: Cents(total_c - total_c / 2) },
                        ],
                        Cents(0),
                    ),
                };
                c.orders += 1;
                let sale = Sale {
                    number: format!("{}-{:06}", c.name, c.orders),
                    priced,
                    tenders,
                    change_cents: change,
                    cashier: Some(format!("cashier{}", rng.below(4))),
                    approved_by: None,
                    shift: None,
                };
                let (id, bytes) = c.event(t, EventKind::OrderPlaced(sale.clone()));
                batch.push(bytes);
                c.sold.push((id, sale));
            }
            // One void and one return in 200 sales.
            for k in 0..(per_day / 200).max(1) {
                let pick = (k * 2) as usize % c.sold.len().max(1);
                if let Some((id, s)) = c.sold.get(pick).cloned() {
                    let lines = s.priced.lines.iter().map(|l| (l.sku.clone(), l.qty)).collect();
                    t += 1000;
                    let kind =
                        EventKind::VoidRecorded { order: id, lines, cashier: None, approved_by: Some("boss".into()) };
                    batch.push(c.event(t, kind).1);
                }
                if let Some((id, s)) = c.sold.get(pick + 1).cloned() {
                    let l = &s.priced.lines[0];
                    let refund = crate::model::Refund {
                        order: id,
                        order_number: s.number.clone(),
                        lines: vec![ReturnLine { sku: l.sku.clone(), qty: l.qty, refund_cents: l.total_cents() }],
                        restock: true,
                        refund_cents: l.total_cents(),
                        tender: CASH.into(),
                        cashier: None,
                        approved_by: Some("boss".into()),
                        shift: None,
                    };
                    t += 1000;
                    batch.push(c.event(t, EventKind::Refunded(refund)).1);
                }
            }
            t += 60_000;
            batch.push(c.event(t, EventKind::CashMoved(cash(CashKind::Drop, 20_000, "to the safe"))).1);
            total += batch.len() as u64;
            store.apply_remote(&batch, 0)?;
            // The day's Z, from what the store now holds, as `till report z` computes it.
            let p = store.reader().period(c.origin)?;
            let totals = store.reader().day_totals(c.origin, after, u64::MAX)?;
            let z = ZReport {
                number: p.last_number + 1,
                date: date_of(day_ms),
                after_seq: after,
                opened_ms: p.first_ms.unwrap_or(day_ms),
                grand_total_cents: Cents(p.grand_total_cents.0 + totals.net_cents().0),
                totals,
                counted_cash_cents: None,
                closed_by: Some("boss".into()),
            };
            store.apply_remote(&[c.event(t + 60_000, EventKind::DayClosed(z)).1], 0)?;
            total += 1;
        }
        if day % 30 == 29 {
            println!("  day {} of {}: {} events", day + 1, args.days, total);
        }
    }
    Ok((total, dates))
}

fn cash(kind: CashKind, cents: i64, reason: &str) -> CashMove {
    CashMove { kind, amount_cents: Cents(cents), reason: reason.into(), cashier: None, shift: None }
}

fn median_ms(mut f: impl FnMut() -> anyhow::Result<()>, runs: usize) -> anyhow::Result<(f64, f64)> {
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        f()?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    Ok((percentile(&ms, 0.5), percentile(&ms, 0.99)))
}

/// Measures and prints the store-year's figures.
pub fn run(args: &YearArgs) -> anyhow::Result<()> {
    let (_tmp, base) = scratch(&args.dir)?;
    let dir = base.join("year");
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "till bench year: {} registers, {} orders over {} days, in {}",
        args.registers,
        args.orders,
        args.days,
        dir.display()
    );
    let t = Instant::now();
    let (events, dates) = generate(&dir, args)?;
    let gen_s = t.elapsed().as_secs_f64();
    let store = Store::open(&dir)?;
    store.checkpoint()?;
    let size = std::fs::metadata(dir.join(crate::store::DB_FILE)).map(|m| m.len()).unwrap_or(0);
    println!(
        "  generated {events} events in {gen_s:.0} s ({:.0} events/s through the apply path)",
        events as f64 / gen_s
    );
    println!("  database: {:.0} MiB ({} bytes per event)", size as f64 / 1_048_576.0, size / events.max(1));
    let me = RegisterId([1; 16]);
    let (x50, x99) = median_ms(
        || {
            let p = store.reader().period(me)?;
            store.reader().day_totals(me, p.after_seq, u64::MAX)?;
            Ok(())
        },
        args.runs,
    )?;
    // A Z of a full day: the figures of the register's last day, recomputed.
    let zs = store.reader().z_reports(Some(me))?;
    let last = zs.last().ok_or_else(|| anyhow::anyhow!("no Z reports were generated"))?;
    let last_seq: u64 = last.id.rsplit(':').next().and_then(|s| s.parse().ok()).unwrap_or(u64::MAX);
    let after = store.reader().z_event(&EventId { origin: me, seq: last_seq })?.map_or(0, |z| z.after_seq);
    let (z50, z99) = median_ms(
        || {
            store.reader().day_totals(me, after, last_seq)?;
            Ok(())
        },
        args.runs,
    )?;
    let date = dates.last().cloned().unwrap_or_default();
    let (s50, s99) = median_ms(
        || {
            store.reader().store_day(&date)?;
            Ok(())
        },
        args.runs,
    )?;
    println!("  X report (an empty period after the last Z): median {x50:.2} ms, p99 {x99:.2} ms");
    println!(
        "  Z report (a full day's figures, {} orders): median {z50:.1} ms, p99 {z99:.1} ms (target 200 ms)",
        last.totals.sales.count
    );
    println!(
        "  store report of {date} ({} registers): median {s50:.1} ms, p99 {s99:.1} ms (target 200 ms)",
        args.registers
    );
    let t = Instant::now();
    let report = store.verify_journal(false)?;
    let chain_s = t.elapsed().as_secs_f64();
    println!(
        "  journal verify (chains only): {:.0} events/s ({:.1} s), {} problem(s)",
        events as f64 / chain_s,
        chain_s,
        report.problems.len()
    );
    if args.derived {
        let t = Instant::now();
        let report = store.verify_journal(true)?;
        let s = t.elapsed().as_secs_f64();
        println!(
            "  journal verify (chains and derived tables): {:.0} events/s ({s:.1} s), {} problem(s)",
            events as f64 / s,
            report.problems.len()
        );
    }
    backup_and_restore(store, &base)?;
    boot(&dir)?;
    receipt_latency(&base.join("printer"), args.runs)?;
    Ok(())
}

/// `till backup` of the year's database (sealed beside it) and `till restore` of that file onto
/// an empty register: time and size of each.
fn backup_and_restore(mut store: Store, base: &std::path::Path) -> anyhow::Result<()> {
    let secret = crate::config::Secret::new_unchecked("bench-year-4Kq9-zX2m-Wp7")?;
    store.set(kv::SECRET, &secret)?;
    let file = base.join("year.tillbak");
    let t = Instant::now();
    let made = store.backup(&file, START_MS)?;
    let backup_s = t.elapsed().as_secs_f64();
    drop(store);
    let mib = |b: u64| b as f64 / 1_048_576.0;
    println!(
        "  backup: {:.0} MiB copied and sealed into {:.0} MiB in {backup_s:.1} s ({:.0} MiB/s)",
        mib(made.info.db_bytes),
        mib(made.bytes),
        mib(made.bytes) / backup_s
    );
    let to = base.join("restored");
    let _ = std::fs::remove_dir_all(&to);
    let t = Instant::now();
    let done = crate::store::restore(&to, &file, Some(secret), false)?;
    let restore_s = t.elapsed().as_secs_f64();
    println!("  restore onto an empty register: {} events in {restore_s:.1} s", done.info.events);
    let _ = std::fs::remove_file(&file);
    let _ = std::fs::remove_dir_all(&to);
    Ok(())
}

/// `till run` on the year's database: seconds until it logs "ready".
fn boot(dir: &std::path::Path) -> anyhow::Result<()> {
    let exe = std::env::current_exe()?;
    let t = Instant::now();
    let mut child = std::process::Command::new(exe)
        .args(["--data", &dir.to_string_lossy(), "run", "--display", "none", "--input", "none"])
        .env("TILL_LOG", "info")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let mut err = child.stderr.take().ok_or_else(|| anyhow::anyhow!("no stderr"))?;
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    let ready = loop {
        let n = err.read(&mut buf)?;
        if n == 0 {
            break None;
        }
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        if seen.lines().any(|l| l.ends_with(" ready") || l.ends_with(": ready")) {
            break Some(t.elapsed());
        }
        if t.elapsed() > Duration::from_secs(300) {
            break None;
        }
    };
    let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), nix::sys::signal::Signal::SIGTERM);
    let _ = child.wait();
    match ready {
        Some(d) => println!("  till run, boot to ready on this database: {:.2} s (target 5 s)", d.as_secs_f64()),
        None => println!("  till run did not get ready: {}", seen.lines().last().unwrap_or("")),
    }
    Ok(())
}

/// A register with a printer on loopback: from a sale's commit to the last byte (the cut) at the
/// printer, through the print queue and the worker thread, `runs` times.
fn receipt_latency(dir: &std::path::Path, runs: usize) -> anyhow::Result<()> {
    use std::sync::Arc;
    // The worker logs every job it prints; the figures are what this run is for.
    log::set_max_level(log::LevelFilter::Warn);
    use std::sync::atomic::AtomicBool;
    let _ = std::fs::remove_dir_all(dir);
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let mut reg = crate::register::Register::open(dir)?;
    reg.add_product("TEA".parse().map_err(|_| anyhow::anyhow!("sku"))?, "Tea", Cents(250), None, None)?;
    reg.store_mut().set(kv::PRINTER, &format!("tcp:127.0.0.1:{port}").parse().map_err(anyhow::Error::msg)?)?;
    let watcher = crate::store::DbWatcher::start(dir);
    let stop = Arc::new(AtomicBool::new(false));
    let worker = crate::print::worker::spawn(dir.to_path_buf(), watcher.clone(), stop.clone())?;
    let (mut conn, _) = {
        // The first sale makes the worker connect.
        reg.ring(&sale())?;
        listener.accept()?
    };
    conn.set_read_timeout(Some(Duration::from_secs(10)))?;
    let cut = crate::print::escpos::FEED_AND_CUT;
    let until_cut = |c: &mut std::net::TcpStream| -> anyhow::Result<()> {
        let mut got = Vec::new();
        let mut buf = [0u8; 8192];
        while !got.windows(cut.len()).any(|w| w == cut) {
            let n = c.read(&mut buf)?;
            anyhow::ensure!(n > 0, "the printer connection closed");
            got.extend_from_slice(&buf[..n]);
        }
        Ok(())
    };
    until_cut(&mut conn)?;
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let t0 = Instant::now();
        reg.ring(&sale())?;
        let committed = t0.elapsed();
        until_cut(&mut conn)?;
        ms.push((t0.elapsed() - committed).as_secs_f64() * 1000.0);
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    watcher.notify();
    let _ = worker.join();
    ms.sort_by(f64::total_cmp);
    println!(
        "  sale committed → receipt's last byte at the printer (TCP, text mode): median {:.1} ms, p99 {:.1} ms",
        percentile(&ms, 0.5),
        percentile(&ms, 0.99)
    );
    Ok(())
}

fn sale() -> crate::register::SaleRequest {
    crate::register::SaleRequest {
        items: vec![crate::register::ItemRequest { code: "TEA".into(), qty: 2, discount: None, price: None }],
        pay: crate::model::PayRequest { tenders: vec![], tendered: Some(Cents(1000)) },
        ..Default::default()
    }
}
