//! Tests of the counter's order model: pricing, tenders, cash rounding, and the property that
//! every total adds up to the cent.

use super::*;

fn line(price: i64, qty: u32, rate: u32, d: Option<Discount>) -> CartLine {
    CartLine {
        sku: "A".parse().unwrap_or_else(|_| unreachable!()),
        name: "A".into(),
        qty,
        unit_price_cents: Cents(price),
        tax_rate_bp: RateBp(rate),
        discount: d,
    }
}

#[test]
fn tax_on_top_and_included() {
    let p = price_cart(&[line(250, 3, 825, None)], None, false).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((p.subtotal_cents, p.tax_cents, p.total_cents), (Cents(750), Cents(62), Cents(812)));
    // 7.50 with 20 % inside: 7.50 × 20/120 = 1.25 tax, 6.25 net.
    let p = price_cart(&[line(250, 3, 2000, None)], None, true).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((p.subtotal_cents, p.tax_cents, p.total_cents), (Cents(625), Cents(125), Cents(750)));
}

#[test]
fn discounts_spread_exactly() {
    let cart = [line(100, 1, 0, None), line(100, 1, 0, None), line(100, 1, 0, None)];
    let p = price_cart(&cart, Some(Discount::Amount(Cents(100))), false).unwrap_or_else(|e| panic!("{e}"));
    let shares: Vec<i64> = p.lines.iter().map(|l| l.order_discount_cents.0).collect();
    assert_eq!(shares, [33, 33, 34]);
    assert_eq!(p.total_cents, Cents(200));
    assert!(price_cart(&cart, Some(Discount::Amount(Cents(301))), false).is_err());
    assert!(price_cart(&[line(100, 1, 0, Some(Discount::Amount(Cents(101))))], None, false).is_err());
    let p = price_cart(&[line(999, 1, 0, Some(Discount::Percent(1000)))], None, false);
    assert_eq!(p.map(|p| p.total_cents), Ok(Cents(899)));
}

#[test]
fn discounts_parse() {
    assert_eq!("10%".parse::<Discount>(), Ok(Discount::Percent(1000)));
    assert_eq!("12.5%".parse::<Discount>(), Ok(Discount::Percent(1250)));
    assert_eq!("1.00".parse::<Discount>(), Ok(Discount::Amount(Cents(100))));
    for bad in ["0%", "101%", "-1", "0", "ten", "%"] {
        assert!(bad.parse::<Discount>().is_err(), "{bad}");
    }
    assert_eq!(Discount::Percent(1250).to_string(), "12.50%");
}

#[test]
fn tenders_and_change() {
    let cash = |a: Option<i64>| (CASH.to_string(), a.map(Cents));
    let card = |a: Option<i64>| (CARD.to_string(), a.map(Cents));
    let pay = PayRequest { tenders: vec![cash(Some(500)), card(None)], tendered: Some(Cents(2000)) };
    let (t, change, _) = settle_tenders(Cents(1250), &pay, 0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(change, Cents(1500));
    assert_eq!(
        t,
        [
            Tender { name: CASH.into(), amount_cents: Cents(2000) },
            Tender { name: CARD.into(), amount_cents: Cents(750) }
        ]
    );
    let short = PayRequest { tenders: vec![cash(Some(500)), card(Some(500))], tendered: None };
    let e = settle_tenders(Cents(1250), &short, 0).map_err(|e| e.to_string());
    assert_eq!(e, Err("the tenders add up to 10.00 but the total is 12.50: 2.50 is missing".into()));
    let low = PayRequest { tenders: vec![cash(None)], tendered: Some(Cents(1000)) };
    assert_eq!(
        settle_tenders(Cents(1250), &low, 0),
        Err(SaleError::TenderedTooLittle { given: Cents(1000), due: Cents(1250), minor: 2 })
    );
    let no_cash = PayRequest { tenders: vec![card(None)], tendered: Some(Cents(2000)) };
    assert_eq!(settle_tenders(Cents(1250), &no_cash, 0), Err(SaleError::TenderedWithoutCash));
}

#[test]
fn cash_rounds_to_the_step_and_nothing_else_does() {
    assert_eq!([1250, 1251, 1252, 1253, 1254].map(|d| cash_rounding(d, 5)), [0, -1, -2, 2, 1]);
    assert_eq!([1250, 1254, 1255, 1259].map(|d| cash_rounding(d, 10)), [0, -4, 5, 1]);
    assert_eq!([1, 2, 3].map(|d| cash_rounding(d, 5)), [4, 3, 2], "never to nothing");
    assert_eq!(cash_rounding(1252, 0), 0);
    let cash = |a: Option<i64>| (CASH.to_string(), a.map(Cents));
    let card = |a: Option<i64>| (CARD.to_string(), a.map(Cents));
    // 12.52 in cash: 12.50 taken, 0.02 rounded off.
    let pay = PayRequest { tenders: vec![cash(None)], tendered: None };
    let (t, change, r) = settle_tenders(Cents(1252), &pay, 5).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((t[0].amount_cents, change, r), (Cents(1250), Cents::ZERO, Cents(-2)));
    // Handed 20.00: change from 12.50.
    let pay = PayRequest { tenders: vec![cash(None)], tendered: Some(Cents(2000)) };
    let (t, change, r) = settle_tenders(Cents(1252), &pay, 5).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((t[0].amount_cents, change, r), (Cents(2000), Cents(750), Cents(-2)));
    // Card is never rounded.
    let pay = PayRequest { tenders: vec![card(None)], tendered: None };
    let (t, _, r) = settle_tenders(Cents(1252), &pay, 5).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((t[0].amount_cents, r), (Cents(1252), Cents::ZERO));
    // A split rounds the cash part only: 5.00 by card, 7.53 in cash → 7.55.
    let pay = PayRequest { tenders: vec![card(Some(500)), cash(None)], tendered: None };
    let (t, _, r) = settle_tenders(Cents(1253), &pay, 5).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((t[0].amount_cents, t[1].amount_cents, r), (Cents(500), Cents(755), Cents(2)));
    // Handed less than the rounded due is refused with the rounded figure.
    let pay = PayRequest { tenders: vec![cash(None)], tendered: Some(Cents(1252)) };
    let e = settle_tenders(Cents(1253), &pay, 5);
    assert_eq!(e, Err(SaleError::TenderedTooLittle { given: Cents(1252), due: Cents(1255), minor: 2 }));
}

mod money {
    use super::*;
    use crate::model::{OrderLine, refund_for};
    use proptest::prelude::*;

    fn discount() -> impl Strategy<Value = Option<Discount>> {
        prop_oneof![
            Just(None),
            (1u32..=10_000).prop_map(|bp| Some(Discount::Percent(bp))),
            (1i64..=500).prop_map(|c| Some(Discount::Amount(Cents(c)))),
        ]
    }

    fn cart() -> impl Strategy<Value = Vec<CartLine>> {
        let rate = prop_oneof![Just(0u32), Just(500), Just(700), Just(825), Just(1900), Just(2000), Just(2500)];
        proptest::collection::vec((1i64..=100_000, 1u32..=30, rate, discount()), 1..8).prop_map(|ls| {
            ls.into_iter()
                .enumerate()
                .map(|(i, (price, qty, rate, d))| CartLine {
                    sku: format!("S{i}").parse().unwrap_or_else(|_| unreachable!()),
                    name: format!("item {i}"),
                    qty,
                    unit_price_cents: Cents(price),
                    tax_rate_bp: RateBp(rate),
                    // An amount off a line is kept within it; a refused one is tested apart.
                    discount: d.map(|d| match d {
                        Discount::Amount(c) => Discount::Amount(Cents(c.0.min(price * i64::from(qty)))),
                        p => p,
                    }),
                })
                .collect()
        })
    }

    proptest! {
        /// Lines, order, breakdown per rate, tenders and refunds agree to the cent, in both
        /// tax modes, for any cart, discounts and split of the payment.
        #[test]
        fn every_total_adds_up_to_the_cent(
            cart in cart(),
            order_discount in discount(),
            included in any::<bool>(),
            split in proptest::collection::vec(1u32..100, 0..3),
            extra_cash in 0i64..10_000,
            step in proptest::sample::select(CASH_ROUNDING_STEPS.to_vec()),
        ) {
            let Ok(p) = price_cart(&cart, order_discount, included) else {
                // Only an order discount larger than the cart is refused.
                let before: i64 = cart.iter().map(|c| {
                    let g = c.unit_price_cents.0 * i64::from(c.qty);
                    g - c.discount.map_or(0, |d| d.off(g).unwrap_or(0))
                }).sum();
                prop_assert!(matches!(order_discount, Some(Discount::Amount(a)) if a.0 > before));
                return Ok(());
            };
            // Lines → order.
            let total: i64 = p.lines.iter().map(|l| l.total_cents().0).sum();
            prop_assert_eq!(total, p.total_cents.0);
            prop_assert_eq!(p.subtotal_cents.0 + p.tax_cents.0, p.total_cents.0);
            // Breakdown per rate → order.
            prop_assert_eq!(p.taxes.iter().map(|t| t.net_cents.0).sum::<i64>(), p.subtotal_cents.0);
            prop_assert_eq!(p.taxes.iter().map(|t| t.tax_cents.0).sum::<i64>(), p.tax_cents.0);
            // Discounts: the shares add up to the order discount; shelf − discounts = paid.
            let gross: i64 = p.lines.iter().map(SaleLine::gross_cents).sum();
            let discounts: i64 = p.lines.iter().map(|l| l.discount_cents.0 + l.order_discount_cents.0).sum();
            let base: i64 = p.lines.iter().map(|l| l.gross_cents() - l.discount_cents.0).sum();
            let want = order_discount.map_or(0, |d| d.off(base).unwrap_or(-1));
            prop_assert_eq!(p.lines.iter().map(|l| l.order_discount_cents.0).sum::<i64>(), want);
            if included {
                prop_assert_eq!(gross - discounts, p.total_cents.0);
            } else {
                prop_assert_eq!(gross - discounts, p.subtotal_cents.0);
            }
            for l in &p.lines {
                prop_assert!(l.net_cents.0 >= 0 && l.tax_cents.0 >= 0);
            }
            // Tenders: split the total over card/voucher/cash, hand over extra cash.
            let mut tenders: Vec<(String, Option<Cents>)> = Vec::new();
            let mut left = p.total_cents.0;
            for (i, part) in split.iter().enumerate() {
                let a = left * i64::from(*part) / 100;
                if a > 0 {
                    tenders.push((if i == 0 { CARD.into() } else { format!("voucher{i}") }, Some(Cents(a))));
                    left -= a;
                }
            }
            tenders.push((CASH.into(), None));
            if p.total_cents.0 == 0 {
                return Ok(());
            }
            let rounded = left + cash_rounding(left, step);
            let handed = Cents(rounded + extra_cash);
            let pay = PayRequest { tenders, tendered: Some(handed) };
            match settle_tenders(p.total_cents, &pay, step) {
                Ok((tenders, change, rounding)) => {
                    let sale = Sale {
                        number: "R1-000001".into(),
                        priced: p.clone(),
                        tenders,
                        change_cents: change,
                        cashier: None,
                        approved_by: None,
                        shift: None,
                    };
                    prop_assert_eq!(sale.check_rounded(rounding), Ok(()));
                    prop_assert_eq!(change.0, extra_cash);
                    // Total + rounding = tenders − change, and the drawer keeps the cash
                    // due rounded to the step; nothing else is rounded.
                    let paid: i64 = sale.tenders.iter().map(|t| t.amount_cents.0).sum();
                    prop_assert_eq!(p.total_cents.0 + rounding.0, paid - change.0);
                    prop_assert_eq!(sale.cash_in_cents().0, left + rounding.0, "the drawer keeps the cash due");
                    prop_assert!(step == 0 || sale.cash_in_cents().0 % step == 0, "cash taken is a multiple of the step");
                    prop_assert!(rounding.0.abs() < step.max(1));
                    prop_assert!((step > 0 && left < step) || 2 * rounding.0.abs() <= step, "to the nearest step");
                    let other: i64 = sale.tenders.iter().filter(|t| t.name != CASH).map(|t| t.amount_cents.0).sum();
                    prop_assert_eq!(other, p.total_cents.0 - left, "other tenders are never rounded");
                }
                // The cash part is zero when the other tenders pay everything.
                Err(e) => prop_assert!(left == 0 && e == SaleError::EmptyTender(CASH.into()), "{e}"),
            }
            // Refunds: each line returned unit by unit gives back exactly what it took.
            for l in &p.lines {
                let ol = OrderLine {
                    sku: l.sku.clone(),
                    name: l.name.clone(),
                    qty: l.qty,
                    unit_price_cents: l.unit_price_cents,
                    tax_rate_bp: l.tax_rate_bp,
                    subtotal_cents: l.net_cents,
                    tax_cents: l.tax_cents,
                };
                let back: i64 = (0..l.qty).map(|k| refund_for(&ol, k, 1).0).sum();
                prop_assert_eq!(back, l.total_cents().0);
            }
        }

        /// A figure changed by a cent anywhere makes the sale fail its check.
        #[test]
        fn a_sale_off_by_a_cent_is_refused(cart in cart(), included in any::<bool>(), which in 0usize..4) {
            let Ok(p) = price_cart(&cart, None, included) else { return Ok(()) };
            let total = p.total_cents;
            let mut sale = Sale {
                number: "R1-000001".into(),
                priced: p,
                tenders: vec![Tender { name: CARD.into(), amount_cents: total }],
                change_cents: Cents::ZERO,
                cashier: None,
                approved_by: None,
                shift: None,
            };
            prop_assume!(sale.priced.total_cents.0 > 1);
            prop_assert_eq!(sale.check(), Ok(()));
            match which {
                0 => sale.priced.lines[0].tax_cents.0 += 1,
                1 => sale.priced.total_cents.0 += 1,
                2 => sale.tenders[0].amount_cents.0 -= 1,
                _ => sale.change_cents.0 += 1,
            }
            prop_assert!(sale.check().is_err());
        }
    }
}
