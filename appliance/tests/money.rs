//! Money through real registers (docs/DATA.md, "Money"): random carts, discounts, tax modes and
//! split tenders rung on one register, some voided or returned on another after a sync, and
//! every figure agrees to the cent: lines with orders, orders with their tax breakdown and
//! tenders, both registers with each other, and the shift's expected cash with what the drawer
//! took in and paid out (cash rounded to the store's step both ways).

use proptest::prelude::*;
use till::model::{Cents, Discount, PayRequest, RateBp, Sku};
use till::register::{ItemRequest, SaleRequest};
use till::store::OrderRow;

mod twin;
use twin::{open, sync};

const SKUS: [(&str, i64, Option<&str>); 4] =
    [("TEA", 250, Some("reduced")), ("MUG", 799, Some("std")), ("BAG", 5, None), ("BOX", 12_345, Some("std"))];

#[derive(Clone, Debug)]
struct Ring {
    lines: Vec<(usize, u32, Option<Discount>)>,
    discount: Option<Discount>,
    card_part: u32,
    extra_cash: i64,
}

#[derive(Clone, Debug)]
enum After {
    Keep,
    Void,
    ReturnAll { cash: bool },
}

fn discount() -> impl Strategy<Value = Option<Discount>> {
    prop_oneof![
        3 => Just(None),
        1 => (1u32..=5_000).prop_map(|bp| Some(Discount::Percent(bp))),
        1 => (1i64..=100).prop_map(|c| Some(Discount::Amount(Cents(c)))),
    ]
}

fn ring() -> impl Strategy<Value = Ring> {
    (proptest::collection::vec((0usize..SKUS.len(), 1u32..=12, discount()), 1..5), discount(), 0u32..=100, 0i64..=5_000)
        .prop_map(|(mut lines, discount, card_part, extra_cash)| {
            // One line per product (a second one at another discount is refused: tests/cli.rs).
            lines.sort_by_key(|l| l.0);
            lines.dedup_by_key(|l| l.0);
            Ring { lines, discount, card_part, extra_cash }
        })
}

fn after() -> impl Strategy<Value = After> {
    prop_oneof![3 => Just(After::Keep), 1 => Just(After::Void), 1 => any::<bool>().prop_map(|cash| After::ReturnAll { cash })]
}

fn check_order(o: &OrderRow) -> Result<(), TestCaseError> {
    let lines: i64 = o.lines.iter().map(|l| l.total_cents).sum();
    prop_assert_eq!(lines, o.total_cents, "lines add up to the order");
    prop_assert_eq!(o.subtotal_cents + o.tax_cents, o.total_cents);
    prop_assert_eq!(o.taxes.iter().map(|t| t.net_cents).sum::<i64>(), o.subtotal_cents, "breakdown net");
    prop_assert_eq!(o.taxes.iter().map(|t| t.tax_cents).sum::<i64>(), o.tax_cents, "breakdown tax");
    let paid: i64 = o.tenders.iter().map(|t| t.amount_cents).sum();
    prop_assert_eq!(
        paid - o.change_cents,
        o.total_cents + o.cash_rounding_cents,
        "tenders less change pay the total and the rounding"
    );
    let discounts: i64 = o.lines.iter().map(|l| l.discount_cents + l.order_discount_cents).sum();
    prop_assert_eq!(discounts, o.discount_cents);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_total_agrees_to_the_cent_across_lines_orders_registers_and_the_drawer(
        included in any::<bool>(),
        sales in proptest::collection::vec((ring(), after()), 1..8),
        step in proptest::sample::select(till::model::CASH_ROUNDING_STEPS.to_vec()),
    ) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut a = open(dir.path(), "a");
        let mut b = open(dir.path(), "b");
        let ok = |r: Result<(), till::register::RegisterError>| r.unwrap_or_else(|e| panic!("{e}"));
        ok(a.set_tax("std", RateBp(2000), false));
        ok(a.set_tax("reduced", RateBp(700), false));
        ok(a.set_setting("prices_include_tax", if included { "true" } else { "false" }));
        ok(a.set_setting("cash_rounding", &step.to_string()));
        for (sku, price, tax) in SKUS {
            ok(a.add_product(sku.parse().unwrap_or_else(|_| unreachable!()), sku, Cents(price), None, tax));
        }
        a.open_shift(Cents(10_000), None).unwrap_or_else(|e| panic!("{e}"));
        let mut rung = Vec::new();
        for (r, then) in &sales {
            let items: Vec<ItemRequest> = r.lines.iter().map(|(i, qty, d)| ItemRequest {
                code: SKUS[*i].0.to_string(), qty: *qty, discount: *d, price: None,
            }).collect();
            // Price it once to split the payment: a card part, the rest in cash handed over.
            let req = |pay| SaleRequest { items: items.clone(), discount: r.discount, pay, cashier: None, approval: None };
            let probe = a.ring(&req(PayRequest { tenders: vec![("card".into(), None)], tendered: None }));
            let total = match probe {
                Ok(o) => {
                    // The probe was a real sale: void it so it does not count.
                    a.void_by(&o.number, None, None).unwrap_or_else(|e| panic!("{e}"));
                    o.total_cents
                }
                // An order discount larger than the cart is the only refusal expected.
                Err(till::register::RegisterError::Sale(_)) => continue,
                Err(e) => panic!("{e}"),
            };
            let card = total * i64::from(r.card_part) / 100;
            let mut tenders = Vec::new();
            if card > 0 { tenders.push(("card".to_string(), Some(Cents(card)))); }
            let cash_due = total - card;
            if cash_due > 0 { tenders.push(("cash".to_string(), None)); }
            let rounding = till::model::cash_rounding(cash_due, step);
            let tendered = (cash_due > 0).then_some(Cents(cash_due + rounding + r.extra_cash));
            let o = a.ring(&req(PayRequest { tenders, tendered })).unwrap_or_else(|e| panic!("{e}"));
            check_order(&o)?;
            // Only the cash part is rounded, to the nearest step, and the rounding is recorded.
            prop_assert_eq!(o.cash_rounding_cents, rounding);
            prop_assert!(step == 0 || cash_due == 0 || (cash_due + rounding) % step == 0);
            prop_assert_eq!(o.change_cents, if cash_due > 0 { r.extra_cash } else { 0 });
            rung.push((o, then.clone()));
        }
        // B learns the sales, and voids and takes back goods on them.
        sync(&a, &mut b);
        b.open_shift(Cents(5_000), None).unwrap_or_else(|e| panic!("{e}"));
        let (mut refunded_cash, mut refund_rounding) = (0i64, 0i64);
        for (o, then) in &rung {
            match then {
                After::Keep => {}
                After::Void => { b.void_by(&o.number, None, None).unwrap_or_else(|e| panic!("{e}")); }
                After::ReturnAll { cash } => {
                    let items: Vec<(Sku, u32)> =
                        o.lines.iter().map(|l| (l.sku.parse().unwrap_or_else(|_| unreachable!()), l.qty)).collect();
                    let tender = if *cash { "cash" } else { "card" };
                    let r = b.refund(&o.number, &items, true, Some(tender), None, None).unwrap_or_else(|e| panic!("{e}"));
                    prop_assert_eq!(r.refund_cents, o.total_cents, "a whole order back refunds its total");
                    // Cash goes back rounded to the step as it was taken, the rounding recorded.
                    let rounding = if *cash { till::model::cash_rounding(r.refund_cents, step) } else { 0 };
                    prop_assert_eq!(r.cash_rounding_cents, rounding);
                    prop_assert!(step == 0 || !*cash || (r.refund_cents + rounding) % step == 0);
                    if *cash { refunded_cash += r.refund_cents + rounding; }
                    refund_rounding += rounding;
                }
            }
        }
        sync(&b, &mut a);
        sync(&a, &mut b);
        prop_assert_eq!(a.store().canonical_dump().ok(), b.store().canonical_dump().ok(), "registers agree");
        // Every order as read back, on either register, still adds up.
        let orders = b.store().reader().orders(None).unwrap_or_else(|e| panic!("{e}"));
        for o in &orders { check_order(o)?; }
        // The drawers: A's shift took the cash of its sales not voided; B's paid out cash refunds.
        let kept: i64 = orders.iter().filter(|o| !o.voided).map(|o| {
            o.tenders.iter().filter(|t| t.tender == "cash").map(|t| t.amount_cents).sum::<i64>() - o.change_cents
        }).sum();
        // The X reports' cash rounding: A's is that of every sale it rang, B's takes back that
        // of the sales it voided and adds that of the cash it paid back, so together they are the
        // rounding of the sales kept less that of the refunds.
        let x = |r: &till::register::Register| r.x_report().unwrap_or_else(|e| panic!("{e}")).totals;
        let rung_rounding: i64 = rung.iter().map(|(o, _)| o.cash_rounding_cents).sum();
        let kept_rounding: i64 = orders.iter().filter(|o| !o.voided).map(|o| o.cash_rounding_cents).sum();
        prop_assert_eq!(x(&a).cash_rounding_cents().0, rung_rounding, "A's X: the rounding of its sales");
        prop_assert_eq!(
            x(&a).cash_rounding_cents().0 + x(&b).cash_rounding_cents().0,
            kept_rounding - refund_rounding,
            "less B's voids and refunds"
        );
        let a_shift = a.close_shift(Cents(0)).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(a_shift.expected_cents, Some(10_000 + kept));
        let b_shift = b.close_shift(Cents(0)).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(b_shift.expected_cents, Some(5_000 - refunded_cash));
    }
}
