//! What the WooCommerce connector sends and reads, as pure functions of Till's objects and
//! WooCommerce's JSON: the order, the refund, money as WooCommerce writes it, its errors, the
//! Till ids it keeps in meta data, and its products as catalog items. No I/O here.

use serde_json::{Value, json};

use crate::export::CatalogItem;
use crate::model::{Cents, mul_div_round};
use crate::store::{OrderLineRow, OrderRow, ReturnRow};

/// The order meta key holding the Till event id of the sale.
pub const TILL_ID: &str = "_till_id";
/// The order meta key holding the Till event id of the void.
pub const TILL_VOID_ID: &str = "_till_void_id";
/// Product meta keys read as barcodes when the product has no `global_unique_id`: the EAN field
/// of "EAN for WooCommerce" and the GTIN field of "Product GTIN (EAN, UPC, ISBN) for WooCommerce".
pub const BARCODE_META: &[&str] = &["_alg_ean", "_wpm_gtin_code"];
/// The name of the fee line that carries the register's tax rounding (tax-inclusive prices).
pub const ROUNDING_FEE: &str = "Tax rounding (as the register charged)";

/// A product or a variation in the shop, found by its SKU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProductRef {
    /// Its id (a variation's own id for a variation).
    pub id: u64,
    /// The variable product a variation belongs to.
    pub parent: Option<u64>,
}

impl ProductRef {
    /// Reads a product as `GET /products?sku=` lists it: variations come with type `variation`
    /// and their parent's id.
    pub fn of(v: &Value) -> Option<ProductRef> {
        let id = v.get("id")?.as_u64()?;
        let parent = v.get("parent_id").and_then(Value::as_u64).filter(|p| *p > 0);
        let variation = v.get("type").and_then(Value::as_str) == Some("variation");
        Some(ProductRef { id, parent: if variation { parent } else { None } })
    }

    /// Whether an order line item is this product.
    fn is_line(&self, line: &WooLine) -> bool {
        match self.parent {
            Some(_) => line.variation_id == self.id,
            None => line.product_id == self.id && line.variation_id == 0,
        }
    }

    /// The REST path of the product (or the variation).
    pub fn path(&self) -> String {
        match self.parent {
            Some(parent) => format!("/products/{parent}/variations/{}", self.id),
            None => format!("/products/{}", self.id),
        }
    }
}

/// An amount in the store's minor units as WooCommerce writes money, with the currency's
/// `minor` decimals (docs/LOCALE.md): `12.30`, `-0.01`; `500` yen; `1.250` dinars.
pub fn money(cents: i64, minor: u8) -> String {
    Cents(cents).show(minor)
}

/// Money as WooCommerce writes it (a decimal string, or a number in a few places) in the
/// currency's minor units (`minor` decimals), rounded half away from zero past the last of them;
/// `None` for anything else.
pub fn cents_of(v: &Value, minor: u8) -> Option<i64> {
    match v {
        Value::String(s) => parse_money(s, minor),
        Value::Number(n) => parse_money(&n.to_string(), minor),
        _ => None,
    }
}

/// `12.3`, `-4`, `0.125` in minor units of a currency with `minor` decimals (0, 2 or 3).
pub fn parse_money(s: &str, minor: u8) -> Option<i64> {
    let t = s.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && frac.is_empty() || !digits(whole) || !digits(frac) || whole.len() > 15 {
        return None;
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let f = frac.as_bytes();
    let digit = |i: usize| f.get(i).map_or(0, |b| i64::from(b - b'0'));
    let n = usize::from(minor.min(3));
    let mut cents = (0..n).fold(whole, |acc, i| acc * 10 + digit(i));
    if digit(n) >= 5 {
        cents += 1;
    }
    Some(if neg { -cents } else { cents })
}

/// A percent-encoded query value.
pub fn query_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// WooCommerce's words for a refusal: `message (code)`, with the parameters a WordPress
/// `rest_invalid_param` names; the body cut to a line when it is not WooCommerce's JSON.
pub fn error_text(body: &[u8]) -> (Option<String>, String) {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        let text = String::from_utf8_lossy(body).split_whitespace().collect::<Vec<_>>().join(" ");
        return (None, text.chars().take(200).collect());
    };
    let code = v.get("code").and_then(Value::as_str).map(str::to_string);
    let mut message = v.get("message").and_then(Value::as_str).unwrap_or("no message").to_string();
    if let Some(params) = v.pointer("/data/params").and_then(Value::as_object) {
        let said: Vec<String> =
            params.iter().map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or("invalid"))).collect();
        message = format!("{message} {}", said.join("; "));
    }
    match &code {
        Some(c) => (code.clone(), format!("{message} ({c})")),
        None => (None, message),
    }
}

/// A meta value of a WooCommerce object, by key.
pub fn meta<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.get("meta_data")?.as_array()?.iter().find(|m| m.get("key").and_then(Value::as_str) == Some(key))?.get("value")
}

/// The Till key a refund's reason ends with (`… [origin:seq]`).
pub fn reason_key(reason: &str) -> Option<&str> {
    let open = reason.rfind('[')?;
    let key = reason[open + 1..].strip_suffix(']')?;
    (!key.is_empty() && !key.contains(char::is_whitespace)).then_some(key)
}

/// The Till keys an order (as listed) already carries, with WooCommerce's id for each: the sale
/// (`_till_id`), its void (`_till_void_id`) and its returns (the refunds' reasons).
pub fn till_keys(order: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(id) = order.get("id").and_then(Value::as_u64) else { return out };
    for key in [TILL_ID, TILL_VOID_ID] {
        if let Some(k) = meta(order, key).and_then(Value::as_str) {
            out.push((k.to_string(), id.to_string()));
        }
    }
    for r in order.get("refunds").and_then(Value::as_array).into_iter().flatten() {
        let (Some(rid), Some(reason)) = (r.get("id").and_then(Value::as_u64), r.get("reason").and_then(Value::as_str))
        else {
            continue;
        };
        if let Some(k) = reason_key(reason) {
            out.push((k.to_string(), rid.to_string()));
        }
    }
    out
}

/// A line's net before its discounts (WooCommerce's `subtotal`, which is always without tax):
/// the shelf price times the quantity, less the tax in it when prices include tax.
fn net_before_discounts(l: &OrderLineRow, included: bool) -> i64 {
    let shelf = l.unit_price_cents * i64::from(l.qty);
    let rate = i64::from(l.tax_rate_bp);
    if included { shelf - mul_div_round(shelf, rate, 10_000 + rate) } else { shelf }
}

/// What WooCommerce's tax differs from the register's, in cents, when the shop has the
/// register's rates: WooCommerce works tax out on each line's net (`total × rate`, to the cent),
/// which is the register's own rule for tax on top; with tax-inclusive prices the register took
/// the tax out of the gross, which can differ by a cent a line.
pub fn tax_rounding(order: &OrderRow) -> i64 {
    order.lines.iter().map(|l| l.tax_cents - mul_div_round(l.subtotal_cents, i64::from(l.tax_rate_bp), 10_000)).sum()
}

/// How the sale was paid, in a line: `Till: card 5.00 + cash 20.00, change 4.69`.
pub fn tenders_title(order: &OrderRow, minor: u8) -> String {
    let money = |c| money(c, minor);
    let paid: Vec<String> = order.tenders.iter().map(|t| format!("{} {}", t.tender, money(t.amount_cents))).collect();
    let change = if order.change_cents > 0 { format!(", change {}", money(order.change_cents)) } else { String::new() };
    format!("Till: {}{change}", if paid.is_empty() { order.payment.clone() } else { paid.join(" + ") })
}

/// `POST /orders` for the sale `key`: completed and paid, one line item per Till line (`refs` in
/// the same order), nets as line totals, the register's figures and the Till id in meta data;
/// amounts with the store currency's `minor` decimals.
pub fn order_body(order: &OrderRow, key: &str, refs: &[ProductRef], minor: u8) -> Value {
    let money = |c| money(c, minor);
    let lines: Vec<Value> = order
        .lines
        .iter()
        .zip(refs)
        .map(|(l, r)| {
            let mut item = json!({
                "product_id": r.parent.unwrap_or(r.id),
                "quantity": l.qty,
                "name": l.name,
                "subtotal": money(net_before_discounts(l, order.prices_include_tax)),
                "total": money(l.subtotal_cents),
                "meta_data": [
                    { "key": "_till_sku", "value": l.sku },
                    { "key": "_till_tax", "value": money(l.tax_cents) },
                    { "key": "_till_total", "value": money(l.total_cents) },
                ],
            });
            if r.parent.is_some() {
                item["variation_id"] = json!(r.id);
            }
            item
        })
        .collect();
    let tenders: Vec<Value> =
        order.tenders.iter().map(|t| json!({ "tender": t.tender, "amount": money(t.amount_cents) })).collect();
    let mut meta = vec![
        json!({ "key": TILL_ID, "value": key }),
        json!({ "key": "_till_number", "value": order.number }),
        json!({ "key": "_till_register", "value": order.register }),
        json!({ "key": "_till_created", "value": order.created }),
        json!({ "key": "_till_total", "value": money(order.total_cents) }),
        json!({ "key": "_till_tax", "value": money(order.tax_cents) }),
        json!({ "key": "_till_tenders", "value": tenders }),
        json!({ "key": "_till_change", "value": money(order.change_cents) }),
    ];
    if order.cash_rounding_cents != 0 {
        meta.push(json!({ "key": "_till_cash_rounding", "value": money(order.cash_rounding_cents) }));
    }
    if let Some(c) = &order.cashier {
        meta.push(json!({ "key": "_till_cashier", "value": c }));
    }
    let mut body = json!({
        "status": "completed",
        "set_paid": true,
        "payment_method": "till",
        "payment_method_title": tenders_title(order, minor),
        "line_items": lines,
        "meta_data": meta,
    });
    let rounding = tax_rounding(order);
    if rounding != 0 {
        body["fee_lines"] = json!([{ "name": ROUNDING_FEE, "tax_status": "none", "total": money(rounding) }]);
    }
    body
}

/// A line item of an order as WooCommerce lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WooLine {
    /// The line item's id (what a refund names).
    pub id: u64,
    /// The product.
    pub product_id: u64,
    /// The variation, 0 for none.
    pub variation_id: u64,
    /// The tax rates WooCommerce charged on it.
    pub tax_rate_ids: Vec<u64>,
}

/// The line items of an order.
pub fn order_lines(order: &Value) -> Vec<WooLine> {
    let items = order.get("line_items").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    items
        .iter()
        .filter_map(|l| {
            let u = |k: &str| l.get(k).and_then(Value::as_u64);
            let taxes = l.get("taxes").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
            Some(WooLine {
                id: u("id")?,
                product_id: u("product_id").unwrap_or(0),
                variation_id: u("variation_id").unwrap_or(0),
                tax_rate_ids: taxes.iter().filter_map(|t| t.get("id").and_then(Value::as_u64)).collect(),
            })
        })
        .collect()
}

/// Minor units as a JSON number with `minor` decimals (WooCommerce's `refund_total`).
fn amount(cents: i64, minor: u8) -> Value {
    json!(cents as f64 / 10f64.powi(i32::from(minor)))
}

/// `POST /orders/<id>/refunds` for a return: the amount the register gave back, line by line with
/// the tax in it split off as the sale's line had it, no payment refunded (the register did),
/// restocked as the register restocked. `refs[i]` is the product of `ret.lines[i]`; amounts with
/// the store currency's `minor` decimals.
pub fn refund_body(
    ret: &ReturnRow,
    key: &str,
    sale: Option<&OrderRow>,
    refs: &[ProductRef],
    lines: &[WooLine],
    minor: u8,
) -> Result<Value, String> {
    let amount = |c| amount(c, minor);
    let mut items = Vec::new();
    for (l, r) in ret.lines.iter().zip(refs) {
        let woo = lines
            .iter()
            .find(|w| r.is_line(w))
            .ok_or_else(|| format!("the shop's order has no line for {}, which the return takes back", l.sku))?;
        let till = sale.and_then(|o| o.lines.iter().find(|x| x.sku == l.sku));
        let tax =
            till.filter(|t| t.total_cents > 0).map_or(0, |t| mul_div_round(t.tax_cents, l.refund_cents, t.total_cents));
        let mut item = json!({ "id": woo.id, "quantity": l.qty });
        match woo.tax_rate_ids.first() {
            Some(rate) if tax != 0 => {
                item["refund_total"] = amount(l.refund_cents - tax);
                item["refund_tax"] = json!([{ "id": rate, "refund_total": amount(tax) }]);
            }
            _ => item["refund_total"] = amount(l.refund_cents),
        }
        items.push(item);
    }
    Ok(json!({
        "amount": money(ret.refund_cents, minor),
        "reason": format!(
            "Returned at the register: {} ({} back by {}) [{key}]",
            ret.order_number, ret.refund, ret.payment
        ),
        "api_refund": false,
        "api_restock": ret.restock,
        "line_items": items,
        "meta_data": [
            { "key": TILL_ID, "value": key },
            { "key": "_till_tender", "value": ret.payment },
        ],
    }))
}

/// The barcodes of a product or variation: WooCommerce's `global_unique_id` (its GTIN, UPC, EAN
/// or ISBN field since 9.2) when set, else the first of [`BARCODE_META`] that is.
fn barcodes(v: &Value) -> Vec<String> {
    let own = v.get("global_unique_id").and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
    let from_meta = || {
        BARCODE_META.iter().find_map(|k| meta(v, k).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()))
    };
    own.or_else(from_meta).map(|s| vec![s.to_string()]).unwrap_or_default()
}

/// A product or variation as a catalog item: one with a SKU and a price (`price`, the price a
/// customer pays now, else `regular_price`); `name` is the product's, a variation's is its
/// product's name and its options; the price read with the store currency's `minor` decimals.
pub fn catalog_item(v: &Value, name: &str, minor: u8) -> Option<CatalogItem> {
    let sku = v.get("sku").and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())?;
    let price = ["price", "regular_price"].iter().find_map(|k| v.get(*k).and_then(|p| cents_of(p, minor)))?;
    Some(CatalogItem { sku: sku.to_string(), name: name.to_string(), price_cents: price, barcodes: barcodes(v) })
}

/// A variation's name: its product's, then its options (`Mug – Blue, Large`).
pub fn variation_name(product: &str, variation: &Value) -> String {
    let options: Vec<&str> = variation
        .get("attributes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|a| a.get("option").and_then(Value::as_str))
        .collect();
    if options.is_empty() { product.to_string() } else { format!("{product} – {}", options.join(", ")) }
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
