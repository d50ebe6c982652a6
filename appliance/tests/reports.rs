//! X and Z reports through real registers (docs/DATA.md, "The business day"): random days of
//! sales with discounts and split tenders, voids, returns, paid in/out and drops on two registers;
//! each register's Z equals the sum over its own orders, per tender, per rate and per cashier, to
//! the cent, what is rung after a Z belongs to the next one, and after a sync the store report on
//! either register equals the sum of both registers' Zs.

use proptest::prelude::*;
use till::model::{CashKind, Cents, DayTotals, Discount, PayRequest, RateBp, Sku};
use till::register::{ItemRequest, Register, SaleRequest};
use till::store::OrderRow;

mod twin;
use twin::{open, sync};

const SKUS: [(&str, i64, Option<&str>); 3] =
    [("TEA", 250, Some("reduced")), ("MUG", 799, Some("std")), ("BAG", 5, None)];
const CASHIERS: [&str; 2] = ["ann", "bob"];

#[derive(Clone, Debug)]
enum Op {
    Sale { lines: Vec<(usize, u32)>, discount: Option<Discount>, card: bool, cashier: usize, tendered: Option<i64> },
    VoidLast,
    ReturnLast { cash: bool },
    Cash(CashKind, i64),
    CloseDay,
}

fn op() -> impl Strategy<Value = Op> {
    let sale = (
        proptest::collection::vec((0usize..SKUS.len(), 1u32..=5), 1..4),
        prop_oneof![3 => Just(None), 1 => (1u32..=3_000).prop_map(|bp| Some(Discount::Percent(bp)))],
        any::<bool>(),
        0usize..2,
        prop_oneof![Just(None), (50_000i64..=99_999).prop_map(Some)],
    )
        .prop_map(|(mut lines, discount, card, cashier, tendered)| {
            lines.sort_by_key(|l| l.0);
            lines.dedup_by_key(|l| l.0);
            Op::Sale { lines, discount, card, cashier, tendered }
        });
    prop_oneof![
        6 => sale,
        1 => Just(Op::VoidLast),
        1 => any::<bool>().prop_map(|cash| Op::ReturnLast { cash }),
        1 => (prop_oneof![Just(CashKind::PaidIn), Just(CashKind::PaidOut), Just(CashKind::Drop)], 1i64..=5_000)
            .prop_map(|(k, c)| Op::Cash(k, c)),
        1 => Just(Op::CloseDay),
    ]
}

/// What one register's current period should add up to, kept by the test as it goes.
#[derive(Default, Clone, Debug)]
struct Expect {
    sales: i64,
    count: u64,
    by_tender: std::collections::BTreeMap<String, i64>,
    by_rate: std::collections::BTreeMap<u32, (i64, i64)>,
    by_cashier: std::collections::BTreeMap<String, i64>,
    voids: i64,
    refunds: i64,
    cash_moves: i64,
}

fn add_order(e: &mut Expect, o: &OrderRow, sign: i64) {
    for t in &o.tenders {
        let net = if t.tender == "cash" { t.amount_cents - o.change_cents } else { t.amount_cents };
        *e.by_tender.entry(t.tender.clone()).or_default() += sign * net;
    }
    for l in &o.lines {
        let r = e.by_rate.entry(l.tax_rate_bp).or_default();
        r.0 += sign * l.subtotal_cents;
        r.1 += sign * l.tax_cents;
    }
    *e.by_cashier.entry(o.cashier.clone().unwrap_or_else(|| "(nobody)".into())).or_default() += sign * o.total_cents;
}

fn check(t: &DayTotals, e: &Expect) -> Result<(), TestCaseError> {
    prop_assert_eq!(t.sales.cents.0, e.sales, "sales");
    prop_assert_eq!(t.sales.count, e.count, "sale count");
    prop_assert_eq!(t.voids.cents.0, e.voids, "voids");
    prop_assert_eq!(t.refunds.cents.0, e.refunds, "refunds");
    prop_assert_eq!(t.net_cents().0, e.sales - e.voids - e.refunds, "net");
    for (name, cents) in &e.by_tender {
        let got = t.tenders.iter().find(|x| &x.name == name).map_or(0, |x| x.net_cents().0);
        prop_assert_eq!(got, *cents, "tender {}", name);
    }
    prop_assert_eq!(t.tenders.iter().map(|x| x.net_cents().0).sum::<i64>(), t.net_cents().0, "tenders add up to net");
    for (rate, (net, tax)) in &e.by_rate {
        let got = t.taxes.iter().find(|x| x.rate_bp == *rate).map(|x| (x.net_cents.0, x.tax_cents.0));
        prop_assert_eq!(got.unwrap_or((0, 0)), (*net, *tax), "rate {}", rate);
    }
    for (name, cents) in &e.by_cashier {
        let got = t.cashiers.iter().find(|x| &x.name == name).map_or(0, |x| x.cents.0);
        prop_assert_eq!(got, *cents, "cashier {}", name);
    }
    let cats: i64 = t.categories.iter().map(|c| c.cents.0).sum();
    prop_assert_eq!(cats, e.sales - e.voids, "categories add up to sales less voids");
    let cash = e.by_tender.get("cash").copied().unwrap_or(0);
    prop_assert_eq!(t.expected_cash_cents().0, cash + e.cash_moves, "expected cash");
    Ok(())
}

fn run_day(r: &mut Register, ops: &[Op], zs: &mut Vec<DayTotals>) -> Result<(), TestCaseError> {
    let mut e = Expect::default();
    let mut last: Option<OrderRow> = None;
    for op in ops {
        match op {
            Op::Sale { lines, discount, card, cashier, tendered } => {
                let items = lines
                    .iter()
                    .map(|(i, q)| ItemRequest { code: SKUS[*i].0.into(), qty: *q, discount: None, price: None })
                    .collect();
                let tender = if *card { "card" } else { "cash" };
                let req = SaleRequest {
                    items,
                    discount: *discount,
                    // Cash handed over beyond the total comes back as change.
                    pay: PayRequest {
                        tenders: vec![(tender.into(), None)],
                        tendered: tendered.filter(|_| !*card).map(Cents),
                    },
                    cashier: Some(CASHIERS[*cashier].into()),
                    approval: None,
                };
                let o = match r.ring(&req) {
                    Ok(o) => o,
                    Err(till::register::RegisterError::Sale(_)) => continue,
                    Err(err) => panic!("{err}"),
                };
                e.sales += o.total_cents;
                e.count += 1;
                add_order(&mut e, &o, 1);
                last = Some(o);
            }
            Op::VoidLast => {
                if let Some(o) = last.take() {
                    r.void_by(&o.number, None, None).unwrap_or_else(|err| panic!("{err}"));
                    e.voids += o.total_cents;
                    add_order(&mut e, &o, -1);
                }
            }
            Op::ReturnLast { cash } => {
                if let Some(o) = last.take() {
                    let items: Vec<(Sku, u32)> =
                        o.lines.iter().map(|l| (l.sku.parse().unwrap_or_else(|_| unreachable!()), l.qty)).collect();
                    let tender = if *cash { "cash" } else { "card" };
                    let back = r
                        .refund(&o.number, &items, true, Some(tender), None, None)
                        .unwrap_or_else(|err| panic!("{err}"));
                    e.refunds += back.refund_cents;
                    *e.by_tender.entry(tender.into()).or_default() -= back.refund_cents;
                }
            }
            Op::Cash(kind, c) => {
                r.move_cash(*kind, Cents(*c), "test", None).unwrap_or_else(|err| panic!("{err}"));
                e.cash_moves += kind.sign() * c;
            }
            Op::CloseDay => {
                let x = r.x_report().unwrap_or_else(|err| panic!("{err}"));
                check(&x.totals, &e)?;
                let z = r.close_day(None, Some("2026-12-04"), None).unwrap_or_else(|err| panic!("{err}"));
                prop_assert_eq!(z.number as usize, zs.len() + 1, "Z numbers have no gaps");
                prop_assert_eq!(&z.totals, &x.totals, "the Z freezes what the X showed");
                check(&z.totals, &e)?;
                zs.push(z.totals);
                e = Expect::default();
                last = None;
            }
        }
    }
    let z = r.close_day(None, Some("2026-12-04"), None).unwrap_or_else(|err| panic!("{err}"));
    check(&z.totals, &e)?;
    zs.push(z.totals);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn z_reports_add_up_to_the_cent_and_the_store_report_sums_them(
        included in any::<bool>(),
        day_a in proptest::collection::vec(op(), 1..14),
        day_b in proptest::collection::vec(op(), 1..14),
    ) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut a = open(dir.path(), "a");
        let mut b = open(dir.path(), "b");
        let ok = |r: Result<(), till::register::RegisterError>| r.unwrap_or_else(|e| panic!("{e}"));
        ok(a.set_tax("std", RateBp(2000), false));
        ok(a.set_tax("reduced", RateBp(700), false));
        ok(a.set_setting("prices_include_tax", if included { "true" } else { "false" }));
        for (sku, price, tax) in SKUS {
            ok(a.add_product(sku.parse().unwrap_or_else(|_| unreachable!()), sku, Cents(price), None, tax));
        }
        for c in CASHIERS {
            a.add_user(c, till::model::Role::Cashier, "1234").unwrap_or_else(|e| panic!("{e}"));
        }
        sync(&a, &mut b);
        let (mut za, mut zb) = (Vec::new(), Vec::new());
        run_day(&mut a, &day_a, &mut za)?;
        run_day(&mut b, &day_b, &mut zb)?;
        sync(&a, &mut b);
        sync(&b, &mut a);
        let mut sum = DayTotals::default();
        for z in za.iter().chain(&zb) {
            sum.absorb(z);
        }
        for r in [&a, &b] {
            let day = r.store().reader().store_day("2026-12-04").unwrap_or_else(|e| panic!("{e}"));
            prop_assert_eq!(&day.totals, &sum, "store report = sum of the registers' Zs");
            prop_assert_eq!(day.net_cents, za.iter().chain(&zb).map(|z| z.net_cents().0).sum::<i64>());
            prop_assert!(day.not_closed.is_empty(), "both closed: {:?}", day.not_closed);
            let zs = r.store().reader().z_reports(None).unwrap_or_else(|e| panic!("{e}"));
            prop_assert_eq!(zs.len(), za.len() + zb.len());
            // The grand total never resets: the last Z's is the sum of every net before it.
            let last_a = zs.iter().filter(|z| z.register_name.as_deref() == Some("A")).map(|z| z.grand_total_cents).next_back();
            prop_assert_eq!(last_a, Some(za.iter().map(|z| z.net_cents().0).sum::<i64>()));
        }
    }
}

#[test]
fn a_register_that_rang_after_its_z_is_listed_as_not_closed() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut a = open(dir.path(), "a");
    a.add_product("TEA".parse().unwrap_or_else(|_| unreachable!()), "Tea", Cents(250), None, None)
        .unwrap_or_else(|e| panic!("{e}"));
    let today = till::store::date_of(a.now_ms().unwrap_or_else(|e| panic!("{e}")));
    let sale = SaleRequest {
        items: vec![ItemRequest { code: "TEA".into(), qty: 1, discount: None, price: None }],
        discount: None,
        pay: PayRequest::default(),
        cashier: None,
        approval: None,
    };
    a.ring(&sale).unwrap_or_else(|e| panic!("{e}"));
    let z = a.close_day(Some(Cents(250)), None, None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((z.number, z.date.as_str(), z.difference_cents), (1, today.as_str(), Some(0)));
    let day = a.store().reader().store_day(&today).unwrap_or_else(|e| panic!("{e}"));
    assert!(day.not_closed.is_empty(), "{day:?}");
    a.ring(&sale).unwrap_or_else(|e| panic!("{e}"));
    let day = a.store().reader().store_day(&today).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(day.not_closed, vec!["A".to_string()], "{day:?}");
    assert_eq!(day.totals.sales.count, 1, "the sale after the Z belongs to the next one");
    let x = a.x_report().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((x.next_z, x.totals.sales.count, x.grand_total_cents), (2, 1, 500));
}
