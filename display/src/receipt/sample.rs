//! A realistic receipt, for snapshot tests, docs and the appliance's sample tooling.

use super::{Block, Receipt};
use crate::money::format_cents;

/// A sale at "Corner Store": header (name, address, tax id), register R1, cashier ann, the time and
/// order R1-000042; three lines, one with a discount; tax per rate; the total; cash with change;
/// the order number as a barcode; and a footer beyond ASCII ("Thank you! Danke schön – €").
pub fn sample_receipt() -> Receipt {
    let pair = |left: &str, cents: i64| Block::Pair { left: left.into(), right: format_cents(cents), bold: false };
    // Drinks at 8%: 2 × 4.20 and 5.65 less 10% (0.57) = 13.48, tax 1.08; food at 5%: 3.50, tax 0.18.
    let (latte, chai, discount, muffin) = (2 * 420, 565, -57, 350);
    let subtotal = latte + chai + discount + muffin;
    let (tax_drinks, tax_food) = (108, 18);
    let total = subtotal + tax_drinks + tax_food;
    let cash = 2000;
    Receipt {
        blocks: vec![
            Block::Title("Corner Store".into()),
            Block::Center("12 Market Street, Springfield".into()),
            Block::Center("Tax ID 98-7654321".into()),
            Block::Center("2026-03-14 09:41".into()),
            Block::Feed,
            Block::Pair { left: "Register R1".into(), right: "Cashier ann".into(), bold: false },
            Block::Pair { left: "Order".into(), right: "R1-000042".into(), bold: false },
            Block::Rule,
            pair("2 × Latte @ $4.20", latte),
            pair("Oat Milk Chai Latte (large)", chai),
            pair("   10% off", discount),
            pair("Blueberry Muffin", muffin),
            Block::Rule,
            pair("Subtotal", subtotal),
            pair("Tax 8% on $13.48", tax_drinks),
            pair("Tax 5% on $3.50", tax_food),
            Block::Pair { left: "Total".into(), right: format_cents(total), bold: true },
            pair("Cash", cash),
            pair("Change", cash - total),
            Block::Barcode("R1-000042".into()),
            Block::Feed,
            Block::Center("Thank you! Danke schön – €".into()),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_adds_up() {
        let amounts: Vec<(String, String)> = sample_receipt()
            .blocks
            .into_iter()
            .filter_map(|b| match b {
                Block::Pair { left, right, .. } => Some((left, right)),
                _ => None,
            })
            .collect();
        let get = |name: &str| amounts.iter().find(|(l, _)| l == name).map(|(_, r)| r.as_str());
        assert_eq!(get("Subtotal"), Some("$16.98"));
        assert_eq!(get("Total"), Some("$18.24"));
        assert_eq!(get("Change"), Some("$1.76"));
    }
}
