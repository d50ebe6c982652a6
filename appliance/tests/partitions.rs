//! Partitions: three registers with skewed clocks share a store, split into two or three groups,
//! do contradictory things apart (sell the last units, refund and void the same orders, edit the
//! same product, count stock), and heal in a random order. Afterwards every register, and fresh
//! stores fed the union in random orders, hold identical dumps including the conflict list, and
//! an oracle written here from docs/DATA.md, independent of the store's SQL, agrees with them:
//! restock never exceeds what was sold, stock adds up, every refund is in the books, and every
//! broken rule is listed exactly once.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use till::model::{AdjustReason, Cents, EventId, Payment, Sku};
use till::register::Register;
use till::store::{Store, kv};
use till::sync::{Event, EventKind, LwwKey};

const HOUR_MS: i64 = 3_600_000;
const SKUS: [&str; 3] = ["TEA", "COF", "MUG"];

fn sku(i: usize) -> Sku {
    SKUS[i % SKUS.len()].parse().unwrap_or_else(|_| unreachable!("valid SKU"))
}

#[derive(Clone, Debug)]
enum Op {
    Sale {
        items: Vec<(usize, u32)>,
    },
    Return {
        pick: usize,
        line: usize,
        qty: u32,
        restock: bool,
    },
    Void {
        pick: usize,
    },
    SetPrice {
        sku: usize,
        price: i64,
    },
    Count {
        sku: usize,
        n: i64,
    },
    Receive {
        sku: usize,
        n: i64,
    },
    /// Exchange events with another register of the same group.
    Talk {
        with: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => proptest::collection::vec((0usize..3, 1u32..3), 1..3).prop_map(|items| Op::Sale { items }),
        4 => (any::<usize>(), any::<usize>(), 1u32..3, any::<bool>())
            .prop_map(|(pick, line, qty, restock)| Op::Return { pick, line, qty, restock }),
        2 => any::<usize>().prop_map(|pick| Op::Void { pick }),
        2 => (0usize..3, 100i64..900).prop_map(|(sku, price)| Op::SetPrice { sku, price }),
        1 => (0usize..3, 0i64..4).prop_map(|(sku, n)| Op::Count { sku, n }),
        1 => (0usize..3, 1i64..3).prop_map(|(sku, n)| Op::Receive { sku, n }),
        2 => (0usize..3).prop_map(|with| Op::Talk { with }),
    ]
}

fn all_events(s: &Store) -> Vec<Vec<u8>> {
    s.reader().log_after(0, u32::MAX).unwrap_or_else(|e| panic!("{e}")).into_iter().map(|(_, b)| b).collect()
}

fn talk(regs: &mut [Register], from: usize, to: usize) {
    if from != to {
        let ev = all_events(regs[from].store());
        regs[to].store_mut().apply_remote(&ev, 0).unwrap_or_else(|e| panic!("sync: {e}"));
    }
}

/// Performs one operation on register `who`; the counter's own refusals simply make no event.
fn perform(regs: &mut [Register], groups: &[usize], shared: &[String], who: usize, op: &Op) {
    match op {
        Op::Talk { with } => {
            if groups[*with] == groups[who] {
                talk(regs, *with, who);
            }
        }
        Op::Sale { items } => {
            let items: Vec<(Sku, u32)> = items.iter().map(|(s, q)| (sku(*s), *q)).collect();
            let _ = regs[who].create_order(&items, Payment::Cash, None);
        }
        Op::Return { pick, line, qty, restock } => {
            let number = &shared[pick % shared.len()];
            let lines = regs[who].store().reader().orders_by_number(number).unwrap_or_default();
            if let Some(o) = lines.first() {
                let l = &o.lines[line % o.lines.len()];
                let s: Sku = l.sku.parse().unwrap_or_else(|_| sku(0));
                let _ = regs[who].create_return(number, &[(s, *qty)], *restock);
            }
        }
        Op::Void { pick } => drop(regs[who].void_order(&shared[pick % shared.len()])),
        Op::SetPrice { sku: s, price } => drop(regs[who].set_price(&sku(*s), Cents(*price))),
        Op::Count { sku: s, n } => drop(regs[who].count_stock(&sku(*s), *n)),
        Op::Receive { sku: s, n } => drop(regs[who].adjust_stock(&sku(*s), *n, AdjustReason::Received)),
    }
}

/// What docs/DATA.md says the union of `events` must come to, computed without the store.
#[derive(Debug, Default)]
struct Oracle {
    on_hand: BTreeMap<String, i64>,
    /// (kind, subject) of every conflict, as a sorted multiset.
    conflicts: Vec<(String, String)>,
    refunds: usize,
}

/// When an event happened, with its sequence to break ties: the order claims are served in.
type At = (LwwKey, u64);
/// (SKU, quantity) lines.
type Lines = Vec<(String, i64)>;
/// Quantity sold per SKU.
type Sold = BTreeMap<String, i64>;
/// A return: when, the order number it names, restocked or not, its lines.
type Ret = (At, String, bool, Lines);

fn key(e: &Event) -> At {
    (LwwKey { hlc: e.hlc, origin: e.id.origin }, e.id.seq)
}

fn oracle(union: &[Vec<u8>]) -> Oracle {
    let mut seen = BTreeSet::new();
    let events: Vec<Event> = union.iter().filter_map(|b| Event::decode(b).ok()).filter(|e| seen.insert(e.id)).collect();
    let mut orders: BTreeMap<EventId, (String, Sold)> = BTreeMap::new();
    let mut voids: BTreeMap<EventId, Vec<(At, Lines)>> = BTreeMap::new();
    let mut returns: BTreeMap<EventId, Vec<Ret>> = BTreeMap::new();
    let mut counts: BTreeMap<String, Vec<(At, i64)>> = BTreeMap::new();
    let mut moves: BTreeMap<String, Vec<(At, i64)>> = BTreeMap::new();
    let mut tracked: BTreeSet<String> = BTreeSet::new();
    let mut edits: BTreeMap<(String, Option<LwwKey>), usize> = BTreeMap::new();
    let mut refunds = 0;
    for e in &events {
        match &e.kind {
            // Both order shapes: the lines are what counts here.
            EventKind::OrderCreated(till::model::Order { number, lines, .. }) => {
                let mut sold = BTreeMap::new();
                for l in lines {
                    *sold.entry(l.sku.to_string()).or_insert(0) += i64::from(l.qty);
                    moves.entry(l.sku.to_string()).or_default().push((key(e), -i64::from(l.qty)));
                }
                orders.insert(e.id, (number.clone(), sold));
            }
            EventKind::OrderPlaced(o) => {
                let mut sold = BTreeMap::new();
                for l in &o.priced.lines {
                    *sold.entry(l.sku.to_string()).or_insert(0) += i64::from(l.qty);
                    moves.entry(l.sku.to_string()).or_default().push((key(e), -i64::from(l.qty)));
                }
                orders.insert(e.id, (o.number.clone(), sold));
            }
            EventKind::OrderVoided { order, lines } | EventKind::VoidRecorded { order, lines, .. } => voids
                .entry(*order)
                .or_default()
                .push((key(e), lines.iter().map(|(s, q)| (s.to_string(), i64::from(*q))).collect())),
            EventKind::ReturnCreated(till::model::Return { order, order_number, restock, lines, .. })
            | EventKind::Refunded(till::model::Refund { order, order_number, restock, lines, .. })
            | EventKind::RefundRounded {
                refund: till::model::Refund { order, order_number, restock, lines, .. },
                ..
            } => {
                refunds += 1;
                returns.entry(*order).or_default().push((
                    key(e),
                    order_number.clone(),
                    *restock,
                    lines.iter().map(|l| (l.sku.to_string(), i64::from(l.qty))).collect(),
                ));
            }
            EventKind::StockCounted { sku, on_hand } => {
                tracked.insert(sku.to_string());
                counts.entry(sku.to_string()).or_default().push((key(e), *on_hand));
            }
            EventKind::StockAdjusted { sku, delta, reason } => {
                if *reason == AdjustReason::Received {
                    tracked.insert(sku.to_string());
                }
                moves.entry(sku.to_string()).or_default().push((key(e), *delta));
            }
            EventKind::Edited { change, base } => *edits.entry((change.subject(), *base)).or_default() += 1,
            _ => {}
        }
    }
    let mut o = Oracle { refunds, ..Oracle::default() };
    let claimed: BTreeSet<EventId> = voids.keys().chain(returns.keys()).copied().collect();
    for order in claimed {
        let sold = orders.get(&order).map(|x| &x.1);
        let void = voids.get(&order).and_then(|v| v.iter().min_by_key(|(k, _)| *k));
        let rets = returns.get(&order).cloned().unwrap_or_default();
        let skus: BTreeSet<String> = void
            .iter()
            .flat_map(|(_, l)| l.iter().map(|(s, _)| s.clone()))
            .chain(rets.iter().flat_map(|r| r.3.iter().map(|(s, _)| s.clone())))
            .collect();
        let mut over = false;
        for s in skus {
            // Claims on this SKU: the counting void and restocking return lines, earliest first.
            let mut claims: Vec<(At, usize, i64)> = Vec::new();
            if let Some((k, lines)) = void {
                claims.extend(lines.iter().enumerate().filter(|(_, l)| l.0 == s).map(|(i, l)| (*k, i, l.1)));
            }
            for (k, _, restock, lines) in &rets {
                if *restock {
                    claims.extend(lines.iter().enumerate().filter(|(_, l)| l.0 == s).map(|(i, l)| (*k, i, l.1)));
                }
            }
            claims.sort();
            let cap = match (sold, void) {
                (Some(sold), _) => sold.get(&s).copied().unwrap_or(0),
                (None, Some((_, lines))) => lines.iter().filter(|l| l.0 == s).map(|l| l.1).sum(),
                (None, None) => i64::MAX,
            };
            let mut left = cap;
            for (k, _, q) in claims {
                let got = q.min(left).max(0);
                left -= got;
                moves.entry(s.clone()).or_default().push((k, got));
            }
            if let Some(sold) = sold {
                let returned: i64 = rets.iter().flat_map(|r| r.3.iter()).filter(|l| l.0 == s).map(|l| l.1).sum();
                over |= returned > sold.get(&s).copied().unwrap_or(0);
            }
        }
        let number = orders.get(&order).map(|x| x.0.clone()).or_else(|| rets.iter().map(|r| r.1.clone()).min());
        let number = number.unwrap_or_else(|| order.to_string());
        if over {
            o.conflicts.push(("over_refund".into(), number.clone()));
        }
        if void.is_some() && !rets.is_empty() {
            o.conflicts.push(("void_and_return".into(), number));
        }
    }
    let skus: BTreeSet<String> = moves.keys().chain(counts.keys()).cloned().collect();
    for s in skus {
        let latest = counts.get(&s).and_then(|c| c.iter().max_by_key(|(k, _)| k.0)).copied();
        let after: i64 = moves
            .get(&s)
            .map(|m| m.iter().filter(|(k, _)| latest.is_none_or(|(c, _)| k.0 > c.0)).map(|(_, d)| d).sum())
            .unwrap_or(0);
        let n = latest.map_or(0, |(_, n)| n) + after;
        o.on_hand.insert(s.clone(), n);
        if tracked.contains(&s) && n < 0 {
            o.conflicts.push(("oversold".into(), s));
        }
    }
    for ((subject, _), n) in edits {
        if n >= 2 {
            o.conflicts.push(("concurrent_edit".into(), subject));
        }
    }
    let mut numbers: BTreeMap<&str, usize> = BTreeMap::new();
    for (number, _) in orders.values() {
        *numbers.entry(number).or_default() += 1;
    }
    o.conflicts.extend(
        numbers.into_iter().filter(|(_, n)| *n >= 2).map(|(num, _)| ("duplicate_order_number".into(), num.into())),
    );
    o.conflicts.sort();
    o
}

/// Checks a store holding the whole union against the oracle; says what is wrong.
fn check(store: &Store, dir: &std::path::Path, o: &Oracle) -> Result<(), String> {
    let r = store.reader();
    let mut listed: Vec<(String, String)> =
        r.conflicts(true).map_err(|e| e.to_string())?.into_iter().map(|c| (c.kind, c.subject)).collect();
    listed.sort();
    if listed != o.conflicts {
        return Err(format!("conflicts listed {listed:?}, rules say {:?}", o.conflicts));
    }
    let refunds = r.returns().map_err(|e| e.to_string())?.len();
    if refunds != o.refunds {
        return Err(format!("{refunds} refunds in the books, {} made", o.refunds));
    }
    for row in r.stock(None).map_err(|e| e.to_string())? {
        let want = o.on_hand.get(&row.sku).copied().unwrap_or(0);
        if row.on_hand != want {
            return Err(format!("{} on hand {} where the rules give {want}", row.sku, row.on_hand));
        }
    }
    // Restocked per order line (SKU) never exceeds what was sold, read from the store's own rows.
    let db = rusqlite::Connection::open(dir.join("till.db")).map_err(|e| e.to_string())?;
    let mut st = db
        .prepare(
            "SELECT o.origin, o.seq, l.sku, l.qty,
                    COALESCE((SELECT SUM(m.delta) FROM stock_moves m WHERE m.origin = o.origin AND m.seq = o.seq
                              AND m.reason = 'void' AND m.sku = l.sku), 0)
                  + COALESCE((SELECT SUM(m.delta) FROM returns rt JOIN stock_moves m ON m.origin = rt.origin
                              AND m.seq = rt.seq AND m.reason = 'return'
                              WHERE rt.order_origin = o.origin AND rt.order_seq = o.seq AND m.sku = l.sku), 0)
             FROM orders o JOIN order_lines l ON l.origin = o.origin AND l.seq = o.seq",
        )
        .map_err(|e| e.to_string())?;
    let rows = st
        .query_map([], |r| Ok((r.get::<_, String>(2)?, r.get::<_, i64>(3)?, r.get::<_, i64>(4)?)))
        .map_err(|e| e.to_string())?;
    for row in rows {
        let (s, sold, back) = row.map_err(|e| e.to_string())?;
        if back > sold || back < 0 {
            return Err(format!("{back} of {s} restocked on an order line that sold {sold}"));
        }
    }
    // The tables, made event by event in this store's order of arrival, are what a rebuild of
    // the log makes; every register's chain holds (docs/DATA.md, "The journal and its export").
    let journal = store.verify_journal(true).map_err(|e| e.to_string())?;
    if !journal.ok {
        return Err(format!("the journal does not verify: {:#?}", journal.problems));
    }
    Ok(())
}

fn open(dir: &std::path::Path, name: &str, skew_h: i64) -> Register {
    let mut s = Store::open(&dir.join(name)).unwrap_or_else(|e| panic!("open {name}: {e}"));
    s.set(kv::CLOCK_OFFSET, &(skew_h * HOUR_MS)).unwrap_or_else(|e| panic!("{e}"));
    s.set(kv::REGISTER_NAME, &name.to_uppercase()).unwrap_or_else(|e| panic!("{e}"));
    Register::from_store(s)
}

fn shuffled(events: &[Vec<u8>], seed: u64) -> Vec<Vec<u8>> {
    let mut x = seed | 1;
    let mut out = events.to_vec();
    for i in (1..out.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.swap(i, x as usize % (i + 1));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, max_shrink_iters: 300, ..ProptestConfig::default() })]

    #[test]
    fn partitions_heal_into_one_state_with_every_broken_rule_listed_once(
        stock in proptest::array::uniform3(0i64..4),
        first_sales in proptest::collection::vec(proptest::collection::vec((0usize..3, 1u32..3), 1..3), 1..4),
        groups in proptest::array::uniform3(0usize..3),
        skews in proptest::array::uniform3(-12i64..12),
        apart in proptest::collection::vec((0usize..3, op()), 4..40),
        heal in proptest::collection::vec((0usize..3, 0usize..3), 0..6),
        seed in any::<u64>(),
    ) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut regs: Vec<Register> = ["a", "b", "c"].iter().zip(skews).map(|(n, s)| open(dir.path(), n, s)).collect();
        // Together: a catalog with a little counted stock, and a few sales everyone knows.
        for (i, n) in stock.iter().enumerate() {
            regs[0].add_product(sku(i), SKUS[i], Cents(250), Some(*n), None).unwrap_or_else(|e| panic!("{e}"));
        }
        let mut shared = Vec::new();
        for items in &first_sales {
            let items: Vec<(Sku, u32)> = items.iter().map(|(s, q)| (sku(*s), *q)).collect();
            shared.push(regs[0].create_order(&items, Payment::Cash, None).unwrap_or_else(|e| panic!("{e}")).number);
        }
        talk(&mut regs, 0, 1);
        talk(&mut regs, 0, 2);
        // Apart: each group on its own.
        for (who, op) in &apart {
            perform(&mut regs, &groups, &shared, *who, op);
        }
        // Healing in a random order, then until everyone has everything.
        for (from, to) in &heal {
            talk(&mut regs, *from, *to);
        }
        talk(&mut regs, 1, 0);
        talk(&mut regs, 2, 0);
        talk(&mut regs, 0, 1);
        talk(&mut regs, 0, 2);
        let union = all_events(regs[0].store());
        let expected = oracle(&union);
        let mut dumps = Vec::new();
        for (i, r) in regs.iter().enumerate() {
            dumps.push(r.store().canonical_dump().unwrap_or_else(|e| panic!("{e}")));
            let checked = check(r.store(), &dir.path().join(["a", "b", "c"][i]), &expected);
            prop_assert!(checked.is_ok(), "register {i}: {}", checked.err().unwrap_or_default());
        }
        for k in 0..2u64 {
            let name = format!("fresh{k}");
            let mut fresh = Store::open(&dir.path().join(&name)).unwrap_or_else(|e| panic!("{e}"));
            for chunk in shuffled(&union, seed.wrapping_add(k)).chunks(7) {
                fresh.apply_remote(chunk, 0).unwrap_or_else(|e| panic!("{e}"));
            }
            let checked = check(&fresh, &dir.path().join(&name), &expected);
            prop_assert!(checked.is_ok(), "{name}: {}", checked.err().unwrap_or_default());
            dumps.push(fresh.canonical_dump().unwrap_or_else(|e| panic!("{e}")));
        }
        for (i, d) in dumps.iter().enumerate().skip(1) {
            prop_assert!(d == &dumps[0], "store {i} differs from register a");
        }
    }
}

/// The checker can fail: a store that restocks both halves of a double refund (the rule broken
/// on purpose, as Till did before the cap) is caught.
#[test]
fn the_checker_catches_a_restock_beyond_what_was_sold() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut regs: Vec<Register> = ["a", "b"].iter().map(|n| open(dir.path(), n, 0)).collect();
    regs[0].add_product(sku(0), "Tea", Cents(250), Some(12), None).unwrap_or_else(|e| panic!("{e}"));
    let order = regs[0].create_order(&[(sku(0), 2)], Payment::Cash, None).unwrap_or_else(|e| panic!("{e}"));
    talk(&mut regs, 0, 1);
    regs[0].create_return(&order.number, &[(sku(0), 2)], true).unwrap_or_else(|e| panic!("{e}"));
    regs[1].create_return(&order.number, &[(sku(0), 2)], true).unwrap_or_else(|e| panic!("{e}"));
    talk(&mut regs, 1, 0);
    let expected = oracle(&all_events(regs[0].store()));
    let a = dir.path().join("a");
    assert_eq!(check(regs[0].store(), &a, &expected), Ok(()));
    // Break the rule: every return restocks in full, as if there were no cap.
    let db = rusqlite::Connection::open(a.join("till.db")).unwrap_or_else(|e| panic!("{e}"));
    db.execute_batch(
        "UPDATE stock SET on_hand = on_hand + (SELECT SUM(claimed - delta) FROM stock_moves WHERE reason = 'return');
         UPDATE stock_moves SET delta = claimed WHERE reason = 'return';",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let caught = check(regs[0].store(), &a, &expected);
    assert!(caught.as_ref().is_err_and(|e| e.contains("TEA on hand 14 where the rules give 12")), "{caught:?}");
}
