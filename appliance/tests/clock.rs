//! Clock faults at the store level: a register whose wall clock jumps back ten years across a
//! restart keeps its event order, and between skewed registers last-write-wins picks the write
//! made after seeing the other (causally later), not the one with the faster clock.

use till::model::{Cents, Payment, Sku};
use till::register::Register;
use till::store::Store;
use till::store::kv;
use till::sync::Hlc;

const YEAR_MS: i64 = 365 * 24 * 3_600_000;

fn tea() -> Sku {
    "TEA".parse().unwrap_or_else(|_| unreachable!())
}

fn hlcs(r: &Register) -> Vec<Hlc> {
    r.store()
        .reader()
        .events(None)
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|e| e.hlc.parse().unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

#[test]
fn wall_clock_ten_years_back_after_a_restart_keeps_event_order() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    {
        let mut r = Register::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        r.add_product(tea(), "Tea", Cents(250), Some(100), None).unwrap_or_else(|e| panic!("{e}"));
        for _ in 0..3 {
            r.create_order(&[(tea(), 1)], Payment::Cash, None).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    // Power cut; the box has no RTC and boots ten years in the past.
    let mut store = Store::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    store.set(kv::CLOCK_OFFSET, &(-10 * YEAR_MS)).unwrap_or_else(|e| panic!("{e}"));
    let mut r = Register::from_store(store);
    for _ in 0..3 {
        r.create_order(&[(tea(), 1)], Payment::Card, None).unwrap_or_else(|e| panic!("{e}"));
    }
    let h = hlcs(&r);
    assert_eq!(h.len(), 9, "the name announcement, product, count and six sales");
    assert!(h.windows(2).all(|w| w[0] < w[1]), "HLC strictly increasing across the jump: {h:?}");
    let orders = r.store().reader().orders(None).unwrap_or_else(|e| panic!("{e}"));
    let numbers: Vec<&str> = orders.iter().map(|o| o.number.as_str()).collect();
    assert_eq!(numbers, ["R1-000001", "R1-000002", "R1-000003", "R1-000004", "R1-000005", "R1-000006"]);
    // Times shown stay plausible: never before the orders rung before the cut.
    assert!(orders[5].created_ms >= orders[2].created_ms);
    assert_eq!(r.store().reader().stock(Some("TEA")).unwrap_or_default()[0].on_hand, 94);
}

#[test]
fn between_skewed_registers_the_causally_later_write_wins() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let open = |name: &str, offset_ms: i64| {
        let mut s = Store::open(&dir.path().join(name)).unwrap_or_else(|e| panic!("{e}"));
        s.set(kv::CLOCK_OFFSET, &offset_ms).unwrap_or_else(|e| panic!("{e}"));
        Register::from_store(s)
    };
    // A runs a year ahead; B is on time.
    let mut a = open("a", YEAR_MS);
    let mut b = open("b", 0);
    a.add_product(tea(), "Tea", Cents(250), None, None).unwrap_or_else(|e| panic!("{e}"));
    let from_a: Vec<Vec<u8>> =
        a.store().reader().log_after(0, 100).unwrap_or_default().into_iter().map(|x| x.1).collect();
    b.store_mut().apply_remote(&from_a, 0).unwrap_or_else(|e| panic!("{e}"));
    // B saw A's price and changes it: B's write is later in causal order despite its slower clock.
    b.set_price(&tea(), Cents(300)).unwrap_or_else(|e| panic!("{e}"));
    let from_b: Vec<Vec<u8>> =
        b.store().reader().log_after(0, 100).unwrap_or_default().into_iter().map(|x| x.1).collect();
    a.store_mut().apply_remote(&from_b, 0).unwrap_or_else(|e| panic!("{e}"));
    for r in [&a, &b] {
        assert_eq!(r.store().reader().product("TEA").unwrap_or_default().map(|p| p.price_cents), Some(300));
    }
    assert_eq!(a.store().canonical_dump().ok(), b.store().canonical_dump().ok());
}

#[test]
fn orders_rung_in_one_millisecond_of_a_clock_ahead_are_listed_in_causal_order() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let open = |name: &str, offset_ms: i64| {
        let mut s = Store::open(&dir.path().join(name)).unwrap_or_else(|e| panic!("{e}"));
        s.set(kv::CLOCK_OFFSET, &offset_ms).unwrap_or_else(|e| panic!("{e}"));
        Register::from_store(s)
    };
    let log = |r: &Register| -> Vec<Vec<u8>> {
        r.store().reader().log_after(0, 1000).unwrap_or_default().into_iter().map(|x| x.1).collect()
    };
    // A's clock is a year ahead when it rings its first order; B, on time, rings after seeing
    // it; then A's clock is set right and it rings after seeing B's. Every register's clock is
    // behind the first order's, so all three share its wall millisecond and differ only in the
    // HLC's logical counter: the list must follow it, not the registers' ids.
    let mut a = open("a", YEAR_MS);
    let mut b = open("b", 0);
    a.add_product(tea(), "Tea", Cents(250), None, None).unwrap_or_else(|e| panic!("{e}"));
    let first = a.create_order(&[(tea(), 1)], Payment::Cash, None).unwrap_or_else(|e| panic!("{e}")).id;
    b.store_mut().apply_remote(&log(&a), 0).unwrap_or_else(|e| panic!("{e}"));
    let second = b.create_order(&[(tea(), 1)], Payment::Cash, None).unwrap_or_else(|e| panic!("{e}")).id;
    a.store_mut().apply_remote(&log(&b), 0).unwrap_or_else(|e| panic!("{e}"));
    a.store_mut().set(kv::CLOCK_OFFSET, &0).unwrap_or_else(|e| panic!("{e}"));
    let third = a.create_order(&[(tea(), 1)], Payment::Cash, None).unwrap_or_else(|e| panic!("{e}")).id;
    b.store_mut().apply_remote(&log(&a), 0).unwrap_or_else(|e| panic!("{e}"));
    let want = [first, second, third];
    for r in [&a, &b] {
        let listed: Vec<String> =
            r.store().reader().orders(None).unwrap_or_else(|e| panic!("{e}")).into_iter().map(|o| o.id).collect();
        assert_eq!(listed, want, "listed in the order they were rung");
        let newest: Vec<String> =
            r.store().reader().orders(Some(2)).unwrap_or_else(|e| panic!("{e}")).into_iter().map(|o| o.id).collect();
        assert_eq!(newest, want[1..], "the newest two, oldest first");
    }
}

/// A box without a battery-backed clock boots in 1970, sells, then process 1's SNTP steps the
/// clock forward to the real time (clearing the learned offset in the step's transaction, as
/// `init::clock` does), later back by an hour (a server that was ahead), then forward again.
/// Every new event sorts after every older one, and after the step forward the times are the
/// real ones: the register does not stay in 1970.
#[test]
fn sntp_steps_forward_and_back_never_reorder_events_nor_leave_the_register_in_1970() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let now = || i64::try_from(till::register::unix_ms()).unwrap_or(i64::MAX);
    let ring = |r: &mut Register, n: usize| {
        for _ in 0..n {
            r.create_order(&[(tea(), 1)], Payment::Cash, None).unwrap_or_else(|e| panic!("{e}"));
        }
    };
    let created = |r: &Register| -> Vec<i64> {
        r.store().reader().orders(None).unwrap_or_else(|e| panic!("{e}")).iter().map(|o| o.created_ms).collect()
    };
    // The register's clock is the system clock plus its stored offset: a system clock at 1970
    // plus 5 s is the offset that brings today back there.
    let mut store = Store::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    store.set(kv::CLOCK_OFFSET, &(5_000 - now())).unwrap_or_else(|e| panic!("{e}"));
    let mut r = Register::from_store(store);
    r.add_product(tea(), "Tea", Cents(250), None, None).unwrap_or_else(|e| panic!("{e}"));
    ring(&mut r, 2);
    assert!(created(&r).iter().all(|t| *t < 60_000), "rung in 1970: {:?}", created(&r));
    // SNTP: the system clock goes forward by 56 years, the offset is cleared in the same
    // transaction (here the step itself is what clearing the offset does to the sum).
    let (_, cleared) = till::init::clock::step_in_store(r.store_mut(), 1_780_000_000_000, |_| Ok(Default::default()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(cleared.is_some());
    let before = now();
    ring(&mut r, 2);
    let t = created(&r);
    assert!(t[2..].iter().all(|t| (before..before + 60_000).contains(t)), "real times after the step: {t:?}");
    // The clock is set back an hour (the server was ahead of the box's last sync): new orders
    // keep the high-water mark's wall time and count up, after every earlier one.
    r.store_mut().set(kv::CLOCK_OFFSET, &(-3_600_000)).unwrap_or_else(|e| panic!("{e}"));
    ring(&mut r, 2);
    let t = created(&r);
    assert!(t[4] >= t[3] && t[5] >= t[4], "times never go back: {t:?}");
    // And forward again: real time once more.
    r.store_mut().clear(kv::CLOCK_OFFSET).unwrap_or_else(|e| panic!("{e}"));
    ring(&mut r, 1);
    let h = hlcs(&r);
    assert!(h.windows(2).all(|w| w[0] < w[1]), "HLC strictly increasing across every step: {h:?}");
    let numbers: Vec<String> =
        r.store().reader().orders(None).unwrap_or_else(|e| panic!("{e}")).into_iter().map(|o| o.number).collect();
    assert_eq!(numbers, (1..=7).map(|i| format!("R1-{i:06}")).collect::<Vec<_>>(), "listed in the order rung");
}
