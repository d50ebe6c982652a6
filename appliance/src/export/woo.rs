//! WooCommerce's REST API v3 (`/wp-json/wc/v3`) over HTTPS, with the shop's consumer key and
//! secret as Basic authentication (docs/EXPORT.md, "WooCommerce").
//!
//! A sale becomes one completed, paid order (`POST /orders`) whose line items are the shop's
//! products found by SKU, its nets as line totals, and the Till id in the order's meta data
//! (`_till_id`); a void cancels the order (WooCommerce puts the stock back); a return is a refund
//! (`POST /orders/<id>/refunds`, no payment refunded: the register gave the money back); a stock
//! change sets the product's `stock_quantity` to the register's figure.
//!
//! WooCommerce cannot be asked for an order by its meta data (its `search` looks at addresses,
//! e-mails and item names only), so finding what it already has means listing its orders, newest
//! first, from a day before the sale, and reading `_till_id`. That is done before an order is
//! sent again after a try whose outcome is unknown (a timeout, a lost connection, a 5xx), so a
//! retry never makes a second order; once when the connector starts, for the first tries that a
//! crash or a power cut left unmarked; and when a register becomes the exporter.

mod wire;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use base64::Engine;
use log::warn;
use serde_json::{Value, json};

use super::http::{Http, HttpError, Reply};
use super::{CatalogItem, ExportError, Message, Outcome};
use crate::store::Topic;
use wire::ProductRef;

/// A SKU's product is looked up again after this long (a product replaced in the shop).
const PRODUCT_TTL: Duration = Duration::from_secs(600);
/// A lookup's list of the orders the shop has is made again after this long (a register
/// becoming the exporter asks about its entries 50 at a time).
const KNOWN_TTL: Duration = Duration::from_secs(300);
/// How far before a sale (by the register's clock) its order is looked for: clocks disagree.
const CLOCK_MARGIN_MS: i64 = 24 * 3600 * 1000;
/// The most pages of 100 one listing reads.
const MAX_PAGES: u32 = 1000;
/// The longest one listing may take.
const MAX_LISTING: Duration = Duration::from_secs(1800);

/// Why a call to the shop did not give what was asked.
#[derive(Debug, thiserror::Error)]
enum WooError {
    /// No answer.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// WooCommerce refused, in its words.
    #[error("HTTP {}: {message}", reply.status)]
    Refused {
        /// The answer (its status and `Retry-After`).
        reply: Box<Reply>,
        /// WooCommerce's error code (`woocommerce_rest_…`).
        code: Option<String>,
        /// Its message and code.
        message: String,
    },
    /// An answer that is not WooCommerce's JSON (a WordPress page: are pretty permalinks on?).
    #[error(
        "the answer is not WooCommerce's JSON ({0}); is the address the shop's, and are WordPress's pretty \
         permalinks on?"
    )]
    Garbled(String),
    /// A listing longer than a register reads.
    #[error("{0}")]
    TooLong(String),
}

impl WooError {
    /// How a send that failed so goes on: no answer, throttling and 5xx are tried again (after
    /// `Retry-After`), any other refusal is dead with WooCommerce's words.
    fn outcome(self, what: &str) -> Outcome {
        match self {
            WooError::Refused { reply, code, message } => {
                let error = format!("{what}: {message}");
                // WooCommerce answers 500 when it refuses a refund it cannot make (more than is
                // left to refund): trying again cannot help.
                let refund_refused = code.as_deref() == Some("woocommerce_rest_cannot_create_order_refund")
                    && !message.contains("try again");
                match Outcome::from_status(&reply, what) {
                    Outcome::Retry { after, .. } if !refund_refused => Outcome::Retry { after, error },
                    _ => Outcome::Dead(error),
                }
            }
            other => Outcome::Retry { after: None, error: format!("{what}: {other}") },
        }
    }
}

/// The WooCommerce connector.
pub struct WooCommerce {
    http: Http,
    /// `https://shop/wp-json/wc/v3`.
    base: String,
    auth: String,
    since_ms: u64,
    deadline: Duration,
    /// SKU → product, with when it was found.
    products: HashMap<String, (ProductRef, Instant)>,
    /// Till key → the shop's id, from the last full listing, and when that was made.
    known: Option<(Instant, HashMap<String, String>)>,
    /// Keys whose last try ran out of time, and when: the shop may still be making the order.
    timed_out: HashMap<String, Instant>,
    /// Till id → the shop's id of the orders the shop made in the day before this connector's
    /// first sale: what a register restarted after a `kill -9` or a power cut may have sent
    /// without keeping its mark (entries it then sends as first tries).
    recent: Option<HashMap<String, String>>,
    /// The store currency's decimals (docs/LOCALE.md): how amounts are written and read.
    minor: u8,
}

impl WooCommerce {
    /// A connector to the shop at `url` (its address, or its `…/wp-json/wc/v3`), exporting what
    /// happened from `since_ms` on; each call ends by `deadline`. Amounts have the store
    /// currency's `minor` decimals, as the shop's own currency has (WooCommerce's "Number of
    /// decimals" must match it).
    pub fn new(
        http: Http,
        url: &str,
        key: &str,
        secret: &str,
        since_ms: u64,
        deadline: Duration,
        minor: u8,
    ) -> WooCommerce {
        let root = url.trim_end_matches('/');
        let base = if root.ends_with("/wp-json/wc/v3") { root.to_string() } else { format!("{root}/wp-json/wc/v3") };
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{key}:{secret}"));
        WooCommerce {
            http,
            base,
            auth: format!("Basic {token}"),
            since_ms,
            deadline,
            products: HashMap::new(),
            known: None,
            timed_out: HashMap::new(),
            recent: None,
            minor,
        }
    }

    /// One call: the JSON answer of a 2xx with the reply, or why not.
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<(Value, Reply), WooError> {
        let mut headers = vec![("authorization", self.auth.clone()), ("accept", "application/json".to_string())];
        let bytes = body.map(|b| serde_json::to_vec(b).unwrap_or_default());
        if bytes.is_some() {
            headers.push(("content-type", "application/json".into()));
        }
        let reply = self.http.call(method, &format!("{}{path}", self.base), &headers, bytes.as_deref())?;
        if !(200..300).contains(&reply.status) {
            let (code, message) = wire::error_text(&reply.body);
            return Err(WooError::Refused { reply: Box::new(reply), code, message });
        }
        match serde_json::from_slice(&reply.body) {
            Ok(v) => Ok((v, reply)),
            Err(_) => Err(WooError::Garbled(reply.text(80))),
        }
    }

    fn get(&self, path: &str) -> Result<Value, WooError> {
        self.call("GET", path, None).map(|(v, _)| v)
    }

    /// Reads a listing page by page (100 a page) until `each` says stop or the pages end; true
    /// when it read to the end or stopped. Bounded by [`MAX_PAGES`] and [`MAX_LISTING`].
    fn pages(&self, path: &str, mut each: impl FnMut(&Value) -> bool) -> Result<bool, WooError> {
        let started = Instant::now();
        let sep = if path.contains('?') { '&' } else { '?' };
        for page in 1..=MAX_PAGES {
            if started.elapsed() > MAX_LISTING {
                return Err(WooError::TooLong(format!("listing {path} took longer than {MAX_LISTING:?}")));
            }
            let (v, reply) = self.call("GET", &format!("{path}{sep}per_page=100&page={page}"), None)?;
            let items = v.as_array().map(Vec::as_slice).unwrap_or_default();
            if items.iter().any(&mut each) {
                return Ok(true);
            }
            let total = reply.header("x-wp-totalpages").and_then(|t| t.trim().parse::<u32>().ok());
            if items.len() < 100 || total.is_some_and(|t| page >= t) {
                return Ok(true);
            }
        }
        Err(WooError::TooLong(format!("{path} lists more than {MAX_PAGES} pages")))
    }

    /// The shop's product (or variation) with this SKU, `None` when it has none.
    fn product(&mut self, sku: &str) -> Result<Option<ProductRef>, WooError> {
        if let Some((p, at)) = self.products.get(sku)
            && at.elapsed() < PRODUCT_TTL
        {
            return Ok(Some(*p));
        }
        let found = self.get(&format!("/products?sku={}", wire::query_value(sku)))?;
        let hit = found
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p.get("sku").and_then(Value::as_str) == Some(sku))
            .find_map(ProductRef::of);
        if let Some(p) = hit {
            self.products.insert(sku.to_string(), (p, Instant::now()));
        }
        Ok(hit)
    }

    /// The products of `skus`, or a dead outcome naming the first the shop does not have.
    fn products_of<'a>(&mut self, skus: impl Iterator<Item = &'a str>, key: &str) -> Result<Vec<ProductRef>, Outcome> {
        let mut refs = Vec::new();
        for sku in skus {
            match self.product(sku) {
                Ok(Some(p)) => refs.push(p),
                Ok(None) => {
                    return Err(Outcome::Dead(format!(
                        "WooCommerce has no product or variation with SKU {sku}: add it to the shop (or fix its SKU), \
                         then till export retry {key}"
                    )));
                }
                Err(e) => return Err(e.outcome(&format!("WooCommerce product {sku}"))),
            }
        }
        Ok(refs)
    }

    /// The shop's orders carrying a Till id, newest first, back to a day before `since_ms`: each
    /// Till id with the order's id, until `each` says stop.
    fn till_orders(&self, since_ms: i64, mut each: impl FnMut(String, String) -> bool) -> Result<(), WooError> {
        let after = crate::store::format_ms(since_ms - CLOCK_MARGIN_MS);
        let path = format!(
            "/orders?orderby=date&order=desc&dates_are_gmt=true&after={}&_fields=id,meta_data",
            wire::query_value(after.trim_end_matches('Z'))
        );
        self.pages(&path, |o| {
            match (wire::meta(o, wire::TILL_ID).and_then(Value::as_str), o.get("id").and_then(Value::as_u64)) {
                (Some(key), Some(id)) => each(key.to_string(), id.to_string()),
                _ => false,
            }
        })?;
        Ok(())
    }

    /// The shop's order of the sale `key` rung at `created_ms`, if it has one.
    fn find_order(&self, key: &str, created_ms: i64) -> Result<Option<String>, WooError> {
        let mut found = None;
        self.till_orders(created_ms, |k, id| {
            let hit = k == key;
            if hit {
                found = Some(id);
            }
            hit
        })?;
        Ok(found)
    }

    /// The shop's order of a sale sent for the first time, if the shop made it before this
    /// connector started ([`WooCommerce::recent`], listed at its first sale).
    fn made_before_start(&mut self, key: &str, created_ms: i64) -> Result<Option<String>, Outcome> {
        if self.recent.is_none() {
            let mut made = HashMap::new();
            let since = created_ms.min(super::now_ms() as i64);
            self.till_orders(since, |k, id| {
                made.insert(k, id);
                false
            })
            .map_err(|e| e.outcome("WooCommerce orders"))?;
            self.recent = Some(made);
        }
        Ok(self.recent.as_ref().and_then(|r| r.get(key).cloned()))
    }

    /// The shop's order of a void's or a return's sale.
    fn sale_order(&self, m: &Message) -> Result<String, Outcome> {
        if let Some(id) = &m.order_remote_id {
            return Ok(id.clone());
        }
        let (Some(key), Some(order)) = (m.entry.order_key.as_deref(), m.order.as_ref()) else {
            return Err(Outcome::Dead(format!("{} names no sale", m.entry.key)));
        };
        match self.find_order(key, order.created_ms) {
            Ok(Some(id)) => Ok(id),
            Ok(None) => Err(Outcome::Dead(format!(
                "the sale {} is not in WooCommerce (rung before the export began?)",
                order.number
            ))),
            Err(e) => Err(e.outcome("WooCommerce orders")),
        }
    }

    /// Before a create is sent again: waits out a try that ran out of time (the shop may still be
    /// making what it asked for) for one more deadline, the entry backing off on its own while
    /// the others go on; then asks `find`.
    fn before_again(
        &mut self,
        key: &str,
        find: impl FnOnce(&Self) -> Result<Option<String>, WooError>,
    ) -> Result<Option<String>, Outcome> {
        if let Some(at) = self.timed_out.get(key) {
            let left = self.deadline.saturating_sub(at.elapsed());
            if !left.is_zero() {
                return Err(Outcome::Retry {
                    after: None,
                    error: format!(
                        "the last try ran out of time; waiting {} s more before asking the shop (it may still be \
                         making it)",
                        left.as_secs_f64().ceil()
                    ),
                });
            }
        }
        let found = find(self).map_err(|e| e.outcome("WooCommerce lookup"))?;
        if found.is_some() {
            self.timed_out.remove(key);
        }
        Ok(found)
    }

    /// Sends a create (an order, a refund) and reads the id of what it made.
    fn create(&mut self, key: &str, path: &str, body: &Value, what: &str) -> Result<(Value, String), Outcome> {
        match self.call("POST", path, Some(body)) {
            Ok((v, _)) => {
                self.timed_out.remove(key);
                match v.get("id").and_then(Value::as_u64) {
                    Some(id) => Ok((v, id.to_string())),
                    // Made or not: the next try looks before it sends again.
                    None => Err(Outcome::Retry { after: None, error: format!("{what}: the answer has no id") }),
                }
            }
            Err(e) => {
                if matches!(e, WooError::Http(HttpError::Timeout(..))) {
                    let keep = self.deadline * 4;
                    self.timed_out.retain(|_, at| at.elapsed() < keep);
                    self.timed_out.insert(key.to_string(), Instant::now());
                }
                Err(e.outcome(what))
            }
        }
    }

    fn send_order(&mut self, m: &Message) -> Result<Option<String>, Outcome> {
        let key = &m.entry.key;
        let order = m.order.as_ref().ok_or_else(|| Outcome::Dead(format!("the sale {key} has no order")))?;
        let made = if m.entry.attempts > 0 {
            self.before_again(key, |s| s.find_order(key, order.created_ms))?
        } else {
            self.made_before_start(key, order.created_ms)?
        };
        if made.is_some() {
            return Ok(made);
        }
        let refs = self.products_of(order.lines.iter().map(|l| l.sku.as_str()), key)?;
        let (made, id) =
            self.create(key, "/orders", &wire::order_body(order, key, &refs, self.minor), "WooCommerce order")?;
        let shop_total = made.get("total").and_then(|t| wire::cents_of(t, self.minor));
        if shop_total != Some(order.total_cents) {
            warn!(
                "WooCommerce order {id} for {}: its total is {}, the register's {} (are the shop's tax rates the \
                 register's?)",
                order.number,
                shop_total.map_or("unknown".into(), |t| wire::money(t, self.minor)),
                wire::money(order.total_cents, self.minor)
            );
        }
        Ok(Some(id))
    }

    fn send_void(&mut self, m: &Message) -> Result<Option<String>, Outcome> {
        let id = self.sale_order(m)?;
        let mut meta = vec![json!({ "key": wire::TILL_VOID_ID, "value": m.entry.key })];
        if let Some(who) = m.void.as_ref().and_then(|v| v.cashier.as_ref()) {
            meta.push(json!({ "key": "_till_voided_by", "value": who }));
        }
        let body = json!({ "status": "cancelled", "meta_data": meta });
        self.call("PUT", &format!("/orders/{id}"), Some(&body)).map_err(|e| e.outcome("WooCommerce cancel"))?;
        Ok(Some(id))
    }

    /// The refund of `key` the order `id` already has.
    fn find_refund(&self, id: &str, key: &str) -> Result<Option<String>, WooError> {
        let mut found = None;
        self.pages(&format!("/orders/{id}/refunds"), |r| {
            let ours = wire::meta(r, wire::TILL_ID).and_then(Value::as_str) == Some(key)
                || r.get("reason").and_then(Value::as_str).and_then(wire::reason_key) == Some(key);
            if ours {
                found = r.get("id").and_then(Value::as_u64).map(|i| i.to_string());
            }
            ours
        })?;
        Ok(found)
    }

    fn send_refund(&mut self, m: &Message) -> Result<Option<String>, Outcome> {
        let key = &m.entry.key;
        let ret = m.ret.as_ref().ok_or_else(|| Outcome::Dead(format!("the return {key} is not in the message")))?;
        let id = self.sale_order(m)?;
        // One order's refunds are one call: asked before every refund, so neither a retry nor a
        // mark lost to a crash makes a second.
        if let Some(rid) = self.before_again(key, |s| s.find_refund(&id, key))? {
            return Ok(Some(rid));
        }
        let refs = self.products_of(ret.lines.iter().map(|l| l.sku.as_str()), key)?;
        let order = self.get(&format!("/orders/{id}")).map_err(|e| e.outcome("WooCommerce order"))?;
        let body = wire::refund_body(ret, key, m.order.as_ref(), &refs, &wire::order_lines(&order), self.minor)
            .map_err(|why| Outcome::Dead(format!("WooCommerce order {id}: {why}")))?;
        let (_, rid) = self.create(key, &format!("/orders/{id}/refunds"), &body, "WooCommerce refund")?;
        Ok(Some(rid))
    }

    fn send_stock(&mut self, m: &Message) -> Result<Option<String>, Outcome> {
        let stock = m.stock.as_ref().ok_or_else(|| Outcome::Dead(format!("{} has no stock change", m.entry.key)))?;
        let Some(p) = self.products_of(std::iter::once(stock.sku.as_str()), &m.entry.key)?.into_iter().next() else {
            return Err(Outcome::Dead(format!("no product for {}", stock.sku)));
        };
        let body = json!({ "manage_stock": true, "stock_quantity": stock.on_hand });
        self.call("PUT", &p.path(), Some(&body)).map_err(|e| e.outcome("WooCommerce stock"))?;
        Ok(Some(p.id.to_string()))
    }

    /// Every Till key the shop's orders since the export began carry, with the shop's id for each.
    fn list_known(&self) -> Result<HashMap<String, String>, WooError> {
        let mut path = "/orders?orderby=id&order=asc&dates_are_gmt=true&_fields=id,meta_data,refunds".to_string();
        if self.since_ms > 0 {
            let after = crate::store::format_ms(self.since_ms as i64 - CLOCK_MARGIN_MS);
            path.push_str(&format!("&after={}", wire::query_value(after.trim_end_matches('Z'))));
        }
        let mut map = HashMap::new();
        self.pages(&path, |o| {
            map.extend(wire::till_keys(o));
            false
        })?;
        Ok(map)
    }

    fn platform(&self, e: WooError) -> ExportError {
        match e {
            WooError::Http(h) => ExportError::Http(h),
            other => ExportError::Platform(format!("{}: {other}", self.base)),
        }
    }

    /// `X-WP-Total` of a listing.
    fn count(&self, path: &str) -> Result<Option<u64>, WooError> {
        let (_, reply) = self.call("GET", path, None)?;
        Ok(reply.header("x-wp-total").and_then(|t| t.trim().parse().ok()))
    }
}

impl super::Connector for WooCommerce {
    fn send(&mut self, m: &Message) -> Outcome {
        let sent = match m.entry.topic {
            Topic::OrderCreated => self.send_order(m),
            Topic::OrderVoided => self.send_void(m),
            Topic::ReturnCreated => self.send_refund(m),
            Topic::StockChanged => self.send_stock(m),
            // WooCommerce has nothing that a register's conflict could become.
            Topic::ConflictOpened => Ok(None),
        };
        match sent {
            Ok(remote_id) => Outcome::Sent { remote_id },
            Err(o) => o,
        }
    }

    fn lookup(&mut self, keys: &[String]) -> Result<Vec<(String, Option<String>)>, ExportError> {
        if self.known.as_ref().is_none_or(|(at, _)| at.elapsed() > KNOWN_TTL) {
            let map = self.list_known().map_err(|e| self.platform(e))?;
            self.known = Some((Instant::now(), map));
        }
        let Some((_, known)) = &self.known else { return Ok(Vec::new()) };
        Ok(keys.iter().filter_map(|k| known.get(k).map(|id| (k.clone(), Some(id.clone())))).collect())
    }

    fn check(&mut self) -> Result<String, ExportError> {
        let orders = self.count("/orders?per_page=1&_fields=id").map_err(|e| self.platform(e))?;
        let products = self.count("/products?per_page=1&_fields=id").map_err(|e| self.platform(e))?;
        let n = |c: Option<u64>| c.map_or("some".to_string(), |c| c.to_string());
        Ok(format!(
            "{} accepted the key: {} products, {} orders; nothing was sent. A sale becomes a completed, paid order \
             (products by SKU, the Till id in _till_id), a void cancels it, a return refunds it without touching \
             the payment, a stock change sets stock_quantity",
            self.base,
            n(products),
            n(orders)
        ))
    }

    fn pull(&mut self) -> Result<Vec<CatalogItem>, ExportError> {
        let mut products = Vec::new();
        self.pages("/products?orderby=id&order=asc", |p| {
            products.push(p.clone());
            false
        })
        .map_err(|e| self.platform(e))?;
        let mut items = Vec::new();
        for p in products {
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
            match p.get("type").and_then(Value::as_str) {
                Some("variable") => {
                    let Some(id) = p.get("id").and_then(Value::as_u64) else { continue };
                    self.pages(&format!("/products/{id}/variations?orderby=id&order=asc"), |v| {
                        items.extend(wire::catalog_item(v, &wire::variation_name(&name, v), self.minor));
                        false
                    })
                    .map_err(|e| self.platform(e))?;
                }
                Some("grouped") => {}
                _ => items.extend(wire::catalog_item(&p, &name, self.minor)),
            }
        }
        Ok(items)
    }
}
