//! What Till's records become in Shopify's inputs (pure): an order's `OrderCreateOrderInput`,
//! a return's or a void's `RefundInput`, and amounts as Shopify's decimal strings in the shop's
//! currency.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::store::{OrderRow, ReturnRow};

/// A variant as the connector needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    /// `gid://shopify/ProductVariant/N`.
    pub id: String,
    /// Its inventory item, for stock changes.
    pub inventory_item: String,
}

/// The shop's currency and the location sales and stock belong to.
#[derive(Clone, Debug)]
pub struct Ctx<'a> {
    /// ISO 4217 code, as `shop.currencyCode` says.
    pub currency: &'a str,
    /// The location's id.
    pub location: &'a str,
}

/// Digits after the point in `currency` (ISO 4217): 0 for the yen and its kind, 3 for the
/// dinars, 2 otherwise.
pub fn minor_digits(currency: &str) -> u32 {
    const ZERO: &[&str] = &[
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF",
        "XPF",
    ];
    const THREE: &[&str] = &["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];
    if ZERO.contains(&currency) {
        0
    } else if THREE.contains(&currency) {
        3
    } else {
        2
    }
}

/// An amount in the currency's smallest unit as a decimal string (`1234` → `"12.34"`).
pub fn amount(minor: i64, currency: &str) -> String {
    let digits = minor_digits(currency);
    if digits == 0 {
        return minor.to_string();
    }
    let scale = 10i64.pow(digits);
    let sign = if minor < 0 { "-" } else { "" };
    let m = minor.unsigned_abs();
    format!("{sign}{}.{:0width$}", m / scale as u64, m % scale as u64, width = digits as usize)
}

/// A decimal string in the currency's smallest unit (`"12.5"` → `1250`); `None` when it is not
/// an amount or has more digits than the currency.
pub fn parse_amount(s: &str, currency: &str) -> Option<i64> {
    let digits = minor_digits(currency) as usize;
    let s = s.trim();
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    let frac = frac.trim_end_matches('0');
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if frac.len() > digits {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<digits$}").parse().ok()? };
    let v = whole.checked_mul(10i64.pow(digits as u32))?.checked_add(frac)?;
    Some(if neg { -v } else { v })
}

fn money(minor: i64, ctx: &Ctx<'_>) -> Value {
    json!({ "shopMoney": { "amount": amount(minor, ctx.currency), "currencyCode": ctx.currency } })
}

/// A rate in basis points as a fraction (`1900` → `"0.19"`) and as a title (`"Tax 19%"`).
pub fn rate(bp: u32) -> (String, String) {
    let fraction = format!("{}.{:04}", bp / 10_000, bp % 10_000);
    let fraction = fraction.trim_end_matches('0').trim_end_matches('.').to_string();
    let pct = format!("{}.{:02}", bp / 100, bp % 100);
    let pct = pct.trim_end_matches('0').trim_end_matches('.').to_string();
    (fraction, format!("Tax {pct}%"))
}

/// The `order` and `options` of `orderCreate` for a sale, its lines by variant. An SKU with no
/// variant is the error.
pub fn order_create(
    key: &str,
    o: &OrderRow,
    variants: &HashMap<String, Variant>,
    ctx: &Ctx<'_>,
) -> Result<(Value, Value), String> {
    let mut lines = Vec::new();
    for l in &o.lines {
        let v = variants.get(&l.sku).ok_or_else(|| l.sku.clone())?;
        lines.push(json!({
            "variantId": v.id,
            "quantity": l.qty,
            "priceSet": money(l.unit_price_cents, ctx),
        }));
    }
    let taxes: Vec<Value> = o
        .taxes
        .iter()
        .filter(|t| t.rate_bp > 0 || t.tax_cents != 0)
        .map(|t| {
            let (fraction, title) = rate(t.rate_bp);
            json!({ "title": title, "rate": fraction, "priceSet": money(t.tax_cents, ctx) })
        })
        .collect();
    let mut order = json!({
        "currency": ctx.currency,
        "sourceName": "till",
        "sourceIdentifier": key,
        "processedAt": o.created,
        "taxesIncluded": o.prices_include_tax,
        "lineItems": lines,
        "taxLines": taxes,
        "transactions": transactions(o, ctx),
        "fulfillmentStatus": "FULFILLED",
        "fulfillment": { "locationId": ctx.location, "notifyCustomer": false },
        "note": format!("Till {} (register {}{})", o.number, o.register,
            o.cashier.as_ref().map(|c| format!(", cashier {c}")).unwrap_or_default()),
        "tags": ["till"],
        "customAttributes": [{ "key": "till_order", "value": o.number }],
    });
    if o.discount_cents > 0 {
        order["discountCode"] =
            json!({ "itemFixedDiscountCode": { "code": "TILL", "amountSet": money(o.discount_cents, ctx) } });
    }
    let options = json!({ "inventoryBehaviour": "DECREMENT_IGNORING_POLICY", "sendReceipt": false,
                          "sendFulfillmentReceipt": false });
    Ok((order, options))
}

/// The tenders as successful SALE transactions, the change taken off the cash given, and the
/// cash rounding too (Shopify's order has no line for it), so they pay the order's total.
fn transactions(o: &OrderRow, ctx: &Ctx<'_>) -> Vec<Value> {
    let mut change = o.change_cents.max(0) + o.cash_rounding_cents;
    let mut amounts: Vec<(String, i64)> = o.tenders.iter().map(|t| (t.tender.clone(), t.amount_cents)).collect();
    for (_, a) in amounts.iter_mut().filter(|(n, _)| n == crate::model::CASH) {
        let off = change.min(*a);
        *a -= off;
        change -= off;
    }
    if let Some((_, a)) = amounts.last_mut() {
        *a -= change;
    }
    amounts
        .into_iter()
        .filter(|(_, a)| *a > 0)
        .map(|(gateway, a)| {
            json!({ "kind": "SALE", "status": "SUCCESS", "gateway": gateway, "amountSet": money(a, ctx),
                    "processedAt": o.created, "locationId": ctx.location })
        })
        .collect()
}

/// A line of the Shopify order, as a refund needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteLine {
    /// `gid://shopify/LineItem/N`.
    pub id: String,
    /// Its SKU.
    pub sku: Option<String>,
    /// How many can still be refunded.
    pub refundable: i64,
}

/// A successful SALE transaction of the Shopify order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteSale {
    /// `gid://shopify/OrderTransaction/N`.
    pub id: String,
    /// The tender's name.
    pub gateway: String,
    /// Its amount, in the smallest unit.
    pub amount: i64,
}

/// The Shopify order a refund is made against.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RemoteOrder {
    /// Its id.
    pub id: String,
    /// Its lines.
    pub lines: Vec<RemoteLine>,
    /// Its successful sales.
    pub sales: Vec<RemoteSale>,
    /// Its refunds: id and note.
    pub refunds: Vec<(String, Option<String>)>,
}

impl RemoteOrder {
    /// The refund made for Till's `key` (its note names the key), if there is one.
    pub fn refund_for(&self, key: &str) -> Option<&str> {
        self.refunds
            .iter()
            .find(|(_, note)| note.as_deref().is_some_and(|n| n.split_whitespace().any(|w| w == key)))
            .map(|(id, _)| id.as_str())
    }
}

fn refund_lines(
    wanted: &[(String, i64)],
    remote: &RemoteOrder,
    restock: bool,
    ctx: &Ctx<'_>,
) -> Result<Vec<Value>, String> {
    let mut left: Vec<i64> = remote.lines.iter().map(|l| l.refundable).collect();
    let mut out = Vec::new();
    for (sku, qty) in wanted {
        let mut need = *qty;
        for (i, l) in remote.lines.iter().enumerate() {
            if need == 0 {
                break;
            }
            if l.sku.as_deref() != Some(sku.as_str()) || left[i] == 0 {
                continue;
            }
            let take = need.min(left[i]);
            left[i] -= take;
            need -= take;
            let mut line = json!({ "lineItemId": l.id, "quantity": take,
                                   "restockType": if restock { "RETURN" } else { "NO_RESTOCK" } });
            if restock {
                line["locationId"] = json!(ctx.location);
            }
            out.push(line);
        }
        if need > 0 {
            return Err(format!(
                "the Shopify order {} has {} fewer of {sku} left to refund than Till returns",
                remote.id, need
            ));
        }
    }
    Ok(out)
}

/// The `RefundInput` of a return: its lines, restocked when the goods went back on the shelf,
/// and one REFUND transaction for what was paid back, on the sale of the same tender when it
/// covers it.
pub fn return_refund(key: &str, r: &ReturnRow, remote: &RemoteOrder, ctx: &Ctx<'_>) -> Result<Value, String> {
    let wanted: Vec<(String, i64)> = r.lines.iter().map(|l| (l.sku.clone(), i64::from(l.qty))).collect();
    let lines = refund_lines(&wanted, remote, r.restock, ctx)?;
    let mut tx = json!({ "orderId": remote.id, "kind": "REFUND", "gateway": r.payment,
                         "amount": amount(r.refund_cents, ctx.currency) });
    if let Some(parent) = remote.sales.iter().find(|s| s.gateway == r.payment && s.amount >= r.refund_cents) {
        tx["parentId"] = json!(parent.id);
    }
    let transactions = if r.refund_cents > 0 { vec![tx] } else { Vec::new() };
    Ok(json!({
        "orderId": remote.id,
        "note": format!("Till return {key}"),
        "notify": false,
        "refundLineItems": lines,
        "transactions": transactions,
    }))
}

/// The `RefundInput` of a void: everything still refundable back on the shelf, every sale paid
/// back on its own tender.
pub fn void_refund(key: &str, o: &OrderRow, remote: &RemoteOrder, ctx: &Ctx<'_>) -> Result<Value, String> {
    let wanted: Vec<(String, i64)> =
        o.lines.iter().map(|l| (l.sku.clone(), i64::from(l.qty.saturating_sub(l.returned_qty)))).collect();
    let lines = refund_lines(&wanted, remote, true, ctx)?;
    let transactions: Vec<Value> = remote
        .sales
        .iter()
        .map(|s| {
            json!({ "orderId": remote.id, "kind": "REFUND", "gateway": s.gateway, "parentId": s.id,
                    "amount": amount(s.amount, ctx.currency) })
        })
        .collect();
    Ok(json!({
        "orderId": remote.id,
        "note": format!("Till void {key}"),
        "notify": false,
        "refundLineItems": lines,
        "transactions": transactions,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_follow_the_currency() {
        assert_eq!(amount(1234, "EUR"), "12.34");
        assert_eq!(amount(5, "USD"), "0.05");
        assert_eq!(amount(-250, "EUR"), "-2.50");
        assert_eq!(amount(1234, "JPY"), "1234");
        assert_eq!(amount(1234, "KWD"), "1.234");
        assert_eq!(parse_amount("12.5", "EUR"), Some(1250));
        assert_eq!(parse_amount("12.50", "EUR"), Some(1250));
        assert_eq!(parse_amount("0.00", "EUR"), Some(0));
        assert_eq!(parse_amount("1234", "JPY"), Some(1234));
        assert_eq!(parse_amount("1.2345", "EUR"), None);
        assert_eq!(parse_amount("abc", "EUR"), None);
        assert_eq!(parse_amount("-3.1", "EUR"), Some(-310));
    }

    #[test]
    fn transactions_pay_the_total_less_change_and_cash_rounding() {
        use crate::store::TenderRow;
        let ctx = Ctx { currency: "CHF", location: "gid://shopify/Location/1" };
        let tender = |t: &str, a| TenderRow { tender: t.into(), amount_cents: a };
        let amounts = |o: &OrderRow| -> Vec<(String, String)> {
            let t = transactions(o, &ctx);
            t.iter().map(|x| (x["gateway"].to_string(), x["amountSet"]["shopMoney"]["amount"].to_string())).collect()
        };
        // 12.52 paid 20.00 in cash, 12.50 kept (−0.02 rounded off): Shopify's order is 12.52.
        let o = OrderRow {
            total_cents: 1252,
            change_cents: 750,
            cash_rounding_cents: -2,
            tenders: vec![tender("cash", 2000)],
            ..OrderRow::default()
        };
        assert_eq!(amounts(&o), [("\"cash\"".to_string(), "\"12.52\"".to_string())]);
        // 4.99 by card and 7.55 in cash for 12.53 (7.54 rounded up): the card as paid, the cash 7.54.
        let o = OrderRow {
            total_cents: 1253,
            cash_rounding_cents: 1,
            tenders: vec![tender("card", 499), tender("cash", 755)],
            ..OrderRow::default()
        };
        let want = [("\"card\"", "\"4.99\""), ("\"cash\"", "\"7.54\"")].map(|(a, b)| (a.to_string(), b.to_string()));
        assert_eq!(amounts(&o), want);
    }

    #[test]
    fn rates_as_fractions_and_titles() {
        assert_eq!(rate(1900), ("0.19".into(), "Tax 19%".into()));
        assert_eq!(rate(825), ("0.0825".into(), "Tax 8.25%".into()));
        assert_eq!(rate(700), ("0.07".into(), "Tax 7%".into()));
        assert_eq!(rate(0), ("0".into(), "Tax 0%".into()));
        assert_eq!(rate(10_000), ("1".into(), "Tax 100%".into()));
    }

    #[test]
    fn refunds_find_their_lines_and_their_key() {
        let remote = RemoteOrder {
            id: "gid://shopify/Order/1".into(),
            lines: vec![
                RemoteLine { id: "L1".into(), sku: Some("TEA".into()), refundable: 1 },
                RemoteLine { id: "L2".into(), sku: Some("TEA".into()), refundable: 2 },
            ],
            sales: vec![RemoteSale { id: "T1".into(), gateway: "cash".into(), amount: 900 }],
            refunds: vec![("R1".into(), Some("Till return ab:12".into()))],
        };
        let ctx = Ctx { currency: "EUR", location: "gid://shopify/Location/1" };
        let lines = refund_lines(&[("TEA".into(), 2)], &remote, true, &ctx).expect("test");
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1]["quantity"], 1);
        assert!(refund_lines(&[("TEA".into(), 4)], &remote, true, &ctx).is_err());
        assert_eq!(remote.refund_for("ab:12"), Some("R1"));
        assert_eq!(remote.refund_for("ab:1"), None);
    }
}
