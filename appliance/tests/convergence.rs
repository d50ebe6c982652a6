//! Convergence: registers that hold the same set of events hold the same state, whatever order
//! and however many times the events arrived (the merge rules of docs/DATA.md).
//!
//! Three registers with clocks skewed by hours make random histories through the real register
//! operations (sales, voids, returns, shifts, price edits, removals, stock counts racing sales,
//! users, settings, tax changes), exchanging events now and then so later edits depend on earlier
//! ones. Then three fresh stores each receive the union in a different random order with
//! duplicates, and all six canonical dumps must be identical.

use proptest::prelude::*;
use till::model::{AdjustReason, Cents, Payment, RateBp, Role, Sku};
use till::register::Register;
use till::store::Store;
use till::store::kv;

const HOUR_MS: i64 = 3_600_000;
const SKUS: [&str; 4] = ["TEA", "COF", "MUG", "JAM"];

#[derive(Clone, Debug)]
enum Op {
    AddProduct {
        sku: usize,
        price: i64,
        stock: Option<i64>,
        taxed: bool,
    },
    SetPrice {
        sku: usize,
        price: i64,
    },
    Remove {
        sku: usize,
    },
    Sale {
        items: Vec<(usize, u32)>,
        card: bool,
    },
    Void {
        pick: usize,
    },
    Return {
        pick: usize,
        qty: u32,
        restock: bool,
    },
    OpenShift {
        float: i64,
    },
    CloseShift {
        counted: i64,
    },
    Count {
        sku: usize,
        n: i64,
    },
    Receive {
        sku: usize,
        n: i64,
    },
    Tax {
        rate: u32,
    },
    User {
        who: usize,
        manager: bool,
    },
    Setting {
        value: usize,
    },
    /// Send every event `from` holds to the acting register.
    SyncFrom {
        from: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let sku = 0..SKUS.len();
    prop_oneof![
        3 => (sku.clone(), 50i64..2000, proptest::option::of(0i64..20), any::<bool>())
            .prop_map(|(sku, price, stock, taxed)| Op::AddProduct { sku, price, stock, taxed }),
        2 => (sku.clone(), 50i64..2000).prop_map(|(sku, price)| Op::SetPrice { sku, price }),
        1 => sku.clone().prop_map(|sku| Op::Remove { sku }),
        8 => (proptest::collection::vec((sku.clone(), 1u32..4), 1..4), any::<bool>())
            .prop_map(|(items, card)| Op::Sale { items, card }),
        2 => any::<usize>().prop_map(|pick| Op::Void { pick }),
        2 => (any::<usize>(), 1u32..3, any::<bool>()).prop_map(|(pick, qty, restock)| Op::Return { pick, qty, restock }),
        1 => (0i64..20_000).prop_map(|float| Op::OpenShift { float }),
        1 => (0i64..40_000).prop_map(|counted| Op::CloseShift { counted }),
        2 => (sku.clone(), -2i64..30).prop_map(|(sku, n)| Op::Count { sku, n }),
        1 => (sku, 1i64..10).prop_map(|(sku, n)| Op::Receive { sku, n }),
        1 => (0u32..2500).prop_map(|rate| Op::Tax { rate }),
        1 => (0usize..2, any::<bool>()).prop_map(|(who, manager)| Op::User { who, manager }),
        1 => (0usize..3).prop_map(|value| Op::Setting { value }),
        3 => (0usize..3).prop_map(|from| Op::SyncFrom { from }),
    ]
}

fn sku(i: usize) -> Sku {
    SKUS[i].parse().unwrap_or_else(|_| unreachable!("valid SKU"))
}

fn all_events(s: &Store) -> Vec<Vec<u8>> {
    s.reader().log_after(0, u32::MAX).unwrap_or_else(|e| panic!("{e}")).into_iter().map(|(_, b)| b).collect()
}

/// Applies one operation; refusals (a return of more than was sold, an unknown SKU…) are part
/// of life and simply make no event.
fn perform(regs: &mut [Register], who: usize, op: &Op) {
    let r = &mut regs[who];
    match op {
        Op::AddProduct { sku: s, price, stock, taxed } => {
            let tax = if *taxed {
                let _ = r.set_tax("std", RateBp(825), false);
                Some("std")
            } else {
                None
            };
            let _ = r.add_product(sku(*s), &format!("Product {s}"), Cents(*price), *stock, tax);
        }
        Op::SetPrice { sku: s, price } => drop(r.set_price(&sku(*s), Cents(*price))),
        Op::Remove { sku: s } => drop(r.remove_product(&sku(*s))),
        Op::Sale { items, card } => {
            let items: Vec<(Sku, u32)> = items.iter().map(|(s, q)| (sku(*s), *q)).collect();
            let _ = r.create_order(&items, if *card { Payment::Card } else { Payment::Cash }, None);
        }
        Op::Void { pick } => {
            let orders = r.store().reader().orders(None).unwrap_or_default();
            if !orders.is_empty() {
                let _ = r.void_order(&orders[pick % orders.len()].id);
            }
        }
        Op::Return { pick, qty, restock } => {
            let orders = r.store().reader().orders(None).unwrap_or_default();
            if !orders.is_empty() {
                let o = &orders[pick % orders.len()];
                let line = &o.lines[pick % o.lines.len()];
                let _ = r.create_return(&o.id, &[(line.sku.parse().unwrap_or_else(|_| sku(0)), *qty)], *restock);
            }
        }
        Op::OpenShift { float } => drop(r.open_shift(Cents(*float), None)),
        Op::CloseShift { counted } => drop(r.close_shift(Cents(*counted))),
        Op::Count { sku: s, n } => drop(r.count_stock(&sku(*s), *n)),
        Op::Receive { sku: s, n } => drop(r.adjust_stock(&sku(*s), *n, AdjustReason::Received)),
        Op::Tax { rate } => {
            if r.set_tax("std", RateBp(*rate), true).is_err() {
                let _ = r.set_tax("std", RateBp(*rate), false);
            }
        }
        Op::User { who: u, manager } => {
            let _ = r.add_user(["ann", "bob"][*u], if *manager { Role::Manager } else { Role::Cashier }, "1234");
        }
        Op::Setting { value } => drop(r.set_setting("store_name", ["Corner", "Corner Shop", "The Shop"][*value])),
        Op::SyncFrom { from } => {
            if *from != who {
                let events = all_events(regs[*from].store());
                regs[who].store_mut().apply_remote(&events, 0).unwrap_or_else(|e| panic!("sync: {e}"));
            }
        }
    }
}

fn shuffled_with_duplicates(events: &[Vec<u8>], seed: u64) -> Vec<Vec<u8>> {
    // xorshift: the proptest-chosen seed decides the order, so a failure replays exactly.
    let mut x = seed | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut out: Vec<Vec<u8>> = events.to_vec();
    for i in 0..events.len() / 3 + 1 {
        out.push(events[(next() as usize + i) % events.len()].clone());
    }
    for i in (1..out.len()).rev() {
        out.swap(i, next() as usize % (i + 1));
    }
    out
}

fn open(dir: &std::path::Path, name: &str) -> Store {
    Store::open(&dir.join(name)).unwrap_or_else(|e| panic!("open {name}: {e}"))
}

fn first_difference(a: &str, b: &str) -> String {
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("line {i}:\n  {x}\n  {y}");
        }
    }
    format!("lengths {} vs {}", a.lines().count(), b.lines().count())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn registers_converge_whatever_the_delivery_order(
        history in proptest::collection::vec((0usize..3, op()), 10..70),
        skews in proptest::array::uniform3(-12i64..12),
        seeds in proptest::array::uniform3(any::<u64>()),
        batch in 1usize..50,
    ) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut regs: Vec<Register> = (0..3).map(|i| {
            let mut s = open(dir.path(), &format!("r{i}"));
            s.set(kv::CLOCK_OFFSET, &(skews[i] * HOUR_MS)).unwrap_or_else(|e| panic!("{e}"));
            Register::from_store(s)
        }).collect();
        for (who, op) in &history {
            perform(&mut regs, *who, op);
        }
        let mut union: Vec<Vec<u8>> = Vec::new();
        for r in &regs {
            union.extend(all_events(r.store()));
        }
        prop_assume!(!union.is_empty());

        let mut dumps = Vec::new();
        for (i, seed) in seeds.iter().enumerate() {
            let mut fresh = open(dir.path(), &format!("fresh{i}"));
            for chunk in shuffled_with_duplicates(&union, *seed).chunks(batch) {
                fresh.apply_remote(chunk, 0).unwrap_or_else(|e| panic!("apply: {e}"));
            }
            dumps.push(fresh.canonical_dump().unwrap_or_else(|e| panic!("{e}")));
        }
        // The registers themselves, once they have everything, agree too.
        for r in &mut regs {
            r.store_mut().apply_remote(&union, 0).unwrap_or_else(|e| panic!("{e}"));
            dumps.push(r.store().canonical_dump().unwrap_or_else(|e| panic!("{e}")));
        }
        for (i, d) in dumps.iter().enumerate().skip(1) {
            prop_assert!(d == &dumps[0], "store {i} differs:\n{}", first_difference(&dumps[0], d));
        }
        let orders = regs[0].store().reader().orders(None).unwrap_or_default();
        let distinct: std::collections::HashSet<_> = orders.iter().map(|o| o.id.clone()).collect();
        prop_assert_eq!(distinct.len(), orders.len(), "no order twice");
    }
}
