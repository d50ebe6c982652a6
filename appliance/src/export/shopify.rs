//! Shopify's GraphQL Admin API: a sale becomes an order (`orderCreate`, its Till id as
//! `sourceIdentifier`, lines by variant, tax per rate, tenders as transactions, stock taken at
//! the configured location), a return or a void a refund (`refundCreate`, restocked), a stock
//! change an inventory adjustment or, for a count, an absolute on-hand quantity.
//!
//! Nothing is made twice: before an order is created Shopify is asked for one with its source
//! identifier (an earlier try may have gone through without its answer reaching us); a refund
//! carries its Till key in its note and is looked for the same way; from API version 2026-01 the
//! refund and inventory mutations carry the Till key as Shopify's idempotency key
//! (`@idempotent`), which 2026-04 requires. A count is set with a compare-and-set on the
//! quantity read just before, so it is right however often it is sent.
//!
//! The API version is [`SHOPIFY_API_VERSION`], or the one an `endpoint=` URL names
//! (`…/admin/api/VERSION/graphql.json`); the mutations are written in that version's dialect.

mod gql;
mod input;

use std::collections::HashMap;

use log::info;
use serde_json::{Value, json};

use self::gql::{Fail, Gql, user_errors};
use self::input::{Ctx, RemoteLine, RemoteOrder, RemoteSale, Variant};
use super::http::Http;
use super::{CatalogItem, ExportError, Message, Outcome};
use crate::config::SHOPIFY_API_VERSION;
use crate::store::Topic;

/// The most variants `pull` reads (400 pages of 250).
const MAX_PULL_PAGES: usize = 400;
/// How many SKUs or Till ids one search asks about (each may match twice: two pages' worth).
const SEARCH_BATCH: usize = 50;
/// How often `pull` and `check` wait out a throttle before giving up.
const MAX_THROTTLE_WAITS: usize = 10;

const SHOP: &str = "query TillShop($location: ID!) { shop { name currencyCode } \
    location(id: $location) { id name isActive } }";
const ORDERS_BY_SOURCE: &str = "query TillOrdersBySource($query: String!, $first: Int!) { \
    orders(first: $first, query: $query) { nodes { id sourceIdentifier } } }";
const VARIANTS_BY_SKU: &str = "query TillVariantsBySku($query: String!, $first: Int!) { \
    productVariants(first: $first, query: $query) { nodes { id sku inventoryItem { id } } } }";
const ORDER_CREATE: &str = "mutation TillOrderCreate($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) { \
    orderCreate(order: $order, options: $options) { order { id name } userErrors { field message code } } }";
const ORDER_FOR_REFUND: &str = "query TillOrderForRefund($id: ID!) { order(id: $id) { id \
    lineItems(first: 250) { nodes { id sku refundableQuantity } } \
    transactions { id gateway kind status amountSet { shopMoney { amount } } } \
    refunds { id note } } }";
const REFUND_CREATE: &str = "mutation TillRefundCreate($input: RefundInput!) { \
    refundCreate(input: $input){idem} { refund { id } userErrors { field message } } }";
const ADJUST: &str = "mutation TillInventoryAdjust($input: InventoryAdjustQuantitiesInput!) { \
    inventoryAdjustQuantities(input: $input){idem} { inventoryAdjustmentGroup { id } userErrors { field message code } } }";
const ON_HAND: &str = "query TillOnHand($item: ID!, $location: ID!) { inventoryItem(id: $item) { \
    inventoryLevel(locationId: $location) { quantities(names: [\"on_hand\"]) { name quantity } } } }";
const SET: &str = "mutation TillInventorySet($input: InventorySetQuantitiesInput!) { \
    inventorySetQuantities(input: $input){idem} { inventoryAdjustmentGroup { id } userErrors { field message code } } }";
const PULL: &str = "query TillPull($after: String) { productVariants(first: 250, after: $after) { \
    pageInfo { hasNextPage endCursor } nodes { sku title price barcode product { title } } } }";

/// The API version a URL names (`…/admin/api/2026-04/graphql.json`), else the built-in one.
pub fn api_version(url: &str) -> String {
    url.split("/admin/api/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .filter(|v| !v.is_empty())
        .unwrap_or(SHOPIFY_API_VERSION)
        .to_string()
}

/// The Shopify connector.
pub struct Shopify {
    gql: Gql,
    location: String,
    version: String,
    currency: Option<String>,
    variants: HashMap<String, Variant>,
}

impl Shopify {
    /// A connector for `shop` with the Admin API `token`, selling from `location`; `endpoint`
    /// replaces `https://SHOP/admin/api/VERSION/graphql.json`.
    pub fn new(http: Http, shop: &str, token: &str, location: &str, endpoint: Option<&str>) -> Shopify {
        let url = endpoint
            .map(str::to_string)
            .unwrap_or_else(|| format!("https://{shop}/admin/api/{SHOPIFY_API_VERSION}/graphql.json"));
        let version = api_version(&url);
        Shopify {
            gql: Gql::new(http, url, token.to_string()),
            location: location.to_string(),
            version,
            currency: None,
            variants: HashMap::new(),
        }
    }

    /// Whether this version takes idempotency keys (`@idempotent`, from 2026-01; `unstable`
    /// sorts after every dated version).
    fn keyed(&self) -> bool {
        self.version.as_str() >= "2026-01"
    }

    /// `query` with its `{idem}` mark replaced by the idempotency directive for `key`, where
    /// this version takes one.
    fn with_key(&self, query: &str, key: &str) -> String {
        let directive = if self.keyed() {
            format!(" @idempotent(key: {})", serde_json::to_string(key).unwrap_or_else(|_| "\"\"".into()))
        } else {
            String::new()
        };
        query.replace("{idem}", &directive)
    }

    /// The shop's currency, asked once.
    fn currency(&mut self) -> Result<String, Fail> {
        if let Some(c) = &self.currency {
            return Ok(c.clone());
        }
        let d = self.gql.run("shop", SHOP, json!({ "location": self.location }))?;
        let c = d["shop"]["currencyCode"].as_str().ok_or_else(|| Fail::Again("Shopify shop: no currency".into()))?;
        self.currency = Some(c.to_string());
        Ok(c.to_string())
    }

    /// The variants of `skus`, from the cache or one search; SKUs Shopify has no variant for are
    /// left out (never cached, so a variant added later is found).
    fn variants(&mut self, skus: &[&str]) -> Result<HashMap<String, Variant>, Fail> {
        let missing: Vec<&str> = skus.iter().copied().filter(|s| !self.variants.contains_key(*s)).collect();
        for chunk in missing.chunks(SEARCH_BATCH) {
            let query = chunk.iter().map(|s| format!("sku:{}", quote(s))).collect::<Vec<_>>().join(" OR ");
            let first = chunk.len() * 2;
            let d = self.gql.run("productVariants", VARIANTS_BY_SKU, json!({ "query": query, "first": first }))?;
            for n in d["productVariants"]["nodes"].as_array().into_iter().flatten() {
                let (Some(sku), Some(id), Some(item)) =
                    (n["sku"].as_str(), n["id"].as_str(), n["inventoryItem"]["id"].as_str())
                else {
                    continue;
                };
                // The search matches loosely; only an exact SKU counts.
                if chunk.contains(&sku) {
                    self.variants
                        .entry(sku.to_string())
                        .or_insert(Variant { id: id.to_string(), inventory_item: item.to_string() });
                }
            }
        }
        Ok(skus.iter().filter_map(|s| self.variants.get(*s).map(|v| (s.to_string(), v.clone()))).collect())
    }

    /// Shopify's orders with these source identifiers: (identifier, order id).
    fn orders_by_source(&mut self, keys: &[&str]) -> Result<Vec<(String, String)>, Fail> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let query = keys.iter().map(|k| format!("source_identifier:{}", quote(k))).collect::<Vec<_>>().join(" OR ");
        let first = keys.len().min(SEARCH_BATCH) * 2;
        let d = self.gql.run("orders", ORDERS_BY_SOURCE, json!({ "query": query, "first": first }))?;
        Ok(d["orders"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|n| Some((n["sourceIdentifier"].as_str()?.to_string(), n["id"].as_str()?.to_string())))
            .filter(|(k, _)| keys.contains(&k.as_str()))
            .collect())
    }

    fn ctx<'a>(&'a self, currency: &'a str) -> Ctx<'a> {
        Ctx { currency, location: &self.location }
    }

    fn order_created(&mut self, m: &Message) -> Result<Outcome, Fail> {
        let key = m.entry.key.as_str();
        let order = m.order.as_ref().ok_or_else(|| Fail::Refused(format!("order {key} is not in the database")))?;
        let currency = self.currency()?;
        // An earlier try may have made it, its answer lost: never twice.
        if let Some((_, id)) = self.orders_by_source(&[key])?.into_iter().next() {
            return Ok(Outcome::Sent { remote_id: Some(id) });
        }
        let skus: Vec<&str> = order.lines.iter().map(|l| l.sku.as_str()).collect();
        let variants = self.variants(&skus)?;
        let (input, options) = input::order_create(key, order, &variants, &self.ctx(&currency)).map_err(|sku| {
            Fail::Refused(format!(
                "Shopify has no variant with SKU {sku}: add it there, then `till export retry {key}`"
            ))
        })?;
        let d = self.gql.run("orderCreate", ORDER_CREATE, json!({ "order": input, "options": options }))?;
        let payload = &d["orderCreate"];
        if let Some(e) = user_errors(payload, "userErrors") {
            return Err(Fail::Refused(format!("Shopify orderCreate: {e}")));
        }
        let id = payload["order"]["id"].as_str().ok_or_else(|| Fail::Again("Shopify orderCreate: no order".into()))?;
        Ok(Outcome::Sent { remote_id: Some(id.to_string()) })
    }

    /// The Shopify order of Till order `order_key`: as recorded when it went, else found by
    /// its source identifier.
    fn remote_order(&mut self, m: &Message) -> Result<RemoteOrder, Fail> {
        let order_key = m.entry.order_key.clone().unwrap_or_default();
        let id = match &m.order_remote_id {
            Some(id) => id.clone(),
            None => self.orders_by_source(&[order_key.as_str()])?.into_iter().next().map(|(_, id)| id).ok_or_else(|| {
                Fail::Refused(format!(
                    "the order {order_key} is not in Shopify (sold before the export began?): nothing to refund there"
                ))
            })?,
        };
        let currency = self.currency()?;
        let d = self.gql.run("order", ORDER_FOR_REFUND, json!({ "id": id }))?;
        let o = &d["order"];
        if o.is_null() {
            return Err(Fail::Refused(format!("Shopify has no order {id} (deleted there?)")));
        }
        let lines = o["lineItems"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|l| {
                Some(RemoteLine {
                    id: l["id"].as_str()?.to_string(),
                    sku: l["sku"].as_str().map(str::to_string),
                    refundable: l["refundableQuantity"].as_i64()?,
                })
            })
            .collect();
        let sales = o["transactions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| t["kind"] == "SALE" && t["status"] == "SUCCESS")
            .filter_map(|t| {
                Some(RemoteSale {
                    id: t["id"].as_str()?.to_string(),
                    gateway: t["gateway"].as_str().unwrap_or("manual").to_string(),
                    amount: input::parse_amount(t["amountSet"]["shopMoney"]["amount"].as_str()?, &currency)?,
                })
            })
            .collect();
        let refunds = o["refunds"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| Some((r["id"].as_str()?.to_string(), r["note"].as_str().map(str::to_string))))
            .collect();
        Ok(RemoteOrder { id, lines, sales, refunds })
    }

    fn refund(&mut self, m: &Message) -> Result<Outcome, Fail> {
        let key = m.entry.key.as_str();
        let remote = self.remote_order(m)?;
        if let Some(id) = remote.refund_for(key) {
            return Ok(Outcome::Sent { remote_id: Some(id.to_string()) });
        }
        let currency = self.currency()?;
        let ctx = self.ctx(&currency);
        let built = match (m.entry.topic, &m.ret, &m.order) {
            (Topic::ReturnCreated, Some(r), _) => input::return_refund(key, r, &remote, &ctx),
            (Topic::OrderVoided, _, Some(o)) => input::void_refund(key, o, &remote, &ctx),
            _ => Err(format!("{key}: the return or order is not in the database")),
        }
        .map_err(Fail::Refused)?;
        let query = self.with_key(REFUND_CREATE, key);
        let d = self.gql.run("refundCreate", &query, json!({ "input": built }))?;
        let payload = &d["refundCreate"];
        if let Some(e) = user_errors(payload, "userErrors") {
            return Err(Fail::Refused(format!("Shopify refundCreate: {e}")));
        }
        let id =
            payload["refund"]["id"].as_str().ok_or_else(|| Fail::Again("Shopify refundCreate: no refund".into()))?;
        Ok(Outcome::Sent { remote_id: Some(id.to_string()) })
    }

    fn stock(&mut self, m: &Message) -> Result<Outcome, Fail> {
        let key = m.entry.key.as_str();
        let s =
            m.stock.as_ref().ok_or_else(|| Fail::Refused(format!("{key}: the stock change is not in the database")))?;
        let variant = self.variants(&[s.sku.as_str()])?.remove(&s.sku).ok_or_else(|| {
            Fail::Refused(format!(
                "Shopify has no variant with SKU {}: add it there, then `till export retry {key}`",
                s.sku
            ))
        })?;
        let document = format!("gid://till/StockChange/{}", key.replace(':', "-"));
        let (mutation, payload_field, input) = match (s.delta, s.counted) {
            (Some(delta), _) => {
                let reason = match s.reason.as_str() {
                    "received" => "received",
                    "damaged" => "damaged",
                    _ => "correction",
                };
                let mut change =
                    json!({ "delta": delta, "inventoryItemId": variant.inventory_item, "locationId": self.location });
                if self.keyed() {
                    // A delta commutes with whatever else moves the stock: no compare-and-set.
                    change["changeFromQuantity"] = Value::Null;
                }
                let input = json!({ "name": "available", "reason": reason, "referenceDocumentUri": document,
                                    "changes": [change] });
                (self.with_key(ADJUST, key), "inventoryAdjustQuantities", input)
            }
            (None, Some(counted)) => {
                let d = self.gql.run(
                    "inventoryItem",
                    ON_HAND,
                    json!({ "item": variant.inventory_item, "location": self.location }),
                )?;
                let current = d["inventoryItem"]["inventoryLevel"]["quantities"]
                    .as_array()
                    .and_then(|q| q.iter().find(|x| x["name"] == "on_hand"))
                    .and_then(|x| x["quantity"].as_i64())
                    .ok_or_else(|| {
                        Fail::Refused(format!("{} is not stocked at {} in Shopify", s.sku, self.location))
                    })?;
                if current == counted {
                    return Ok(Outcome::Sent { remote_id: None });
                }
                let cas = if self.keyed() { "changeFromQuantity" } else { "compareQuantity" };
                let input = json!({ "name": "on_hand", "reason": "cycle_count_available", "referenceDocumentUri": document,
                    "quantities": [{ "inventoryItemId": variant.inventory_item, "locationId": self.location,
                                     "quantity": counted, cas: current }] });
                // The key names the quantity it was read against: a retry after a stale read is a
                // new request, a replay of the same one is the same.
                (self.with_key(SET, &format!("{key}@{current}")), "inventorySetQuantities", input)
            }
            (None, None) => return Err(Fail::Refused(format!("{key}: a stock change with no figure"))),
        };
        let d = self.gql.run(payload_field, &mutation, json!({ "input": input }))?;
        let payload = &d[payload_field];
        if let Some(e) = user_errors(payload, "userErrors") {
            let stale = ["COMPARE_QUANTITY_STALE", "CHANGE_FROM_QUANTITY_STALE"];
            let codes: Vec<&str> =
                payload["userErrors"].as_array().into_iter().flatten().filter_map(|e| e["code"].as_str()).collect();
            if codes.iter().any(|c| stale.contains(c)) {
                return Err(Fail::Again(format!("Shopify {payload_field}: {e}: read again")));
            }
            return Err(Fail::Refused(format!("Shopify {payload_field}: {e}")));
        }
        Ok(Outcome::Sent { remote_id: payload["inventoryAdjustmentGroup"]["id"].as_str().map(str::to_string) })
    }

    /// Runs a read for the CLI, waiting out throttles (bounded).
    fn read(&mut self, what: &str, query: &str, variables: Value) -> Result<Value, ExportError> {
        for _ in 0..MAX_THROTTLE_WAITS {
            match self.gql.run(what, query, variables.clone()) {
                Err(Fail::Throttled { wait, .. }) => std::thread::sleep(wait),
                other => return other.map_err(Fail::export_error),
            }
        }
        Err(ExportError::Platform(format!("Shopify {what}: still throttled after {MAX_THROTTLE_WAITS} waits")))
    }
}

/// A search value in double quotes (SKUs and Till ids hold `:` and `-`).
fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

impl super::Connector for Shopify {
    fn send(&mut self, m: &Message) -> Outcome {
        let result = match m.entry.topic {
            Topic::OrderCreated => self.order_created(m),
            Topic::OrderVoided | Topic::ReturnCreated => self.refund(m),
            Topic::StockChanged => self.stock(m),
            // Shopify has no place for Till's conflicts.
            Topic::ConflictOpened => Ok(Outcome::Sent { remote_id: None }),
        };
        result.unwrap_or_else(Fail::outcome)
    }

    fn lookup(&mut self, keys: &[String]) -> Result<Vec<(String, Option<String>)>, ExportError> {
        let events: Vec<&str> = keys.iter().map(String::as_str).filter(|k| !k.starts_with("conflict:")).collect();
        let mut found = Vec::new();
        for chunk in events.chunks(SEARCH_BATCH) {
            for (key, id) in self.orders_by_source(chunk).map_err(Fail::export_error)? {
                if !found.iter().any(|(k, _): &(String, Option<String>)| *k == key) {
                    found.push((key, Some(id)));
                }
            }
        }
        Ok(found)
    }

    fn check(&mut self) -> Result<String, ExportError> {
        let d = self.read("shop", SHOP, json!({ "location": self.location }))?;
        let shop = d["shop"]["name"].as_str().unwrap_or("?").to_string();
        let currency = d["shop"]["currencyCode"].as_str().unwrap_or("?").to_string();
        let loc = &d["location"];
        if loc.is_null() {
            return Err(ExportError::Setup(format!("Shopify shop {shop} has no location {}", self.location)));
        }
        if loc["isActive"] == false {
            return Err(ExportError::Setup(format!("the location {} of {shop} is not active", self.location)));
        }
        self.currency = Some(currency.clone());
        let keys =
            if self.keyed() { "idempotency keys on refunds and stock" } else { "no idempotency keys (before 2026-01)" };
        info!("shopify: {shop} ({currency}) at {}, API {}", self.gql.url(), self.version);
        Ok(format!(
            "shop {shop} ({currency}), location {} ({}); Admin API {}, {keys}; each sale becomes an order with its Till id as source identifier, stock moves at that location",
            loc["name"].as_str().unwrap_or("?"),
            self.location,
            self.version
        ))
    }

    fn pull(&mut self) -> Result<Vec<CatalogItem>, ExportError> {
        let currency = self.currency().map_err(Fail::export_error)?;
        let mut items = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_PULL_PAGES {
            let d = self.read("productVariants", PULL, json!({ "after": after }))?;
            let page = &d["productVariants"];
            for n in page["nodes"].as_array().into_iter().flatten() {
                let Some(sku) = n["sku"].as_str().map(str::trim).filter(|s| !s.is_empty()) else { continue };
                let Some(price) = n["price"].as_str().and_then(|p| input::parse_amount(p, &currency)) else { continue };
                let product = n["product"]["title"].as_str().unwrap_or(sku);
                let name = match n["title"].as_str() {
                    Some(t) if !t.is_empty() && t != "Default Title" => format!("{product} {t}"),
                    _ => product.to_string(),
                };
                let barcodes =
                    n["barcode"].as_str().filter(|b| !b.trim().is_empty()).map(|b| vec![b.trim().to_string()]);
                items.push(CatalogItem {
                    sku: sku.to_string(),
                    name,
                    price_cents: price,
                    barcodes: barcodes.unwrap_or_default(),
                });
            }
            match (page["pageInfo"]["hasNextPage"].as_bool(), page["pageInfo"]["endCursor"].as_str()) {
                (Some(true), Some(c)) => after = Some(c.to_string()),
                _ => return Ok(items),
            }
        }
        Err(ExportError::Platform(format!("Shopify has more than {} variants: pull stopped", MAX_PULL_PAGES * 250)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_comes_from_the_url() {
        assert_eq!(api_version("https://a.myshopify.com/admin/api/2025-10/graphql.json"), "2025-10");
        assert_eq!(api_version("https://127.0.0.1:9/admin/api/2026-04/graphql.json"), "2026-04");
        assert_eq!(api_version("https://proxy.example/shopify"), SHOPIFY_API_VERSION);
    }

    #[test]
    fn keys_go_in_where_the_version_takes_them() {
        let http = Http::new(None, std::time::Duration::from_secs(1)).expect("test");
        let old = Shopify::new(http.clone(), "a", "t", "l", Some("https://127.0.0.1:1/admin/api/2025-10/graphql.json"));
        assert!(!old.with_key(REFUND_CREATE, "ab:1").contains("@idempotent"));
        let key = "refundCreate(input: $input) @idempotent(key: \"ab:1\")";
        let new = Shopify::new(http.clone(), "a", "t", "l", Some("https://127.0.0.1:1/admin/api/2026-04/graphql.json"));
        assert!(new.with_key(REFUND_CREATE, "ab:1").contains(key));
        // The default version takes keys.
        let default = Shopify::new(http, "a.myshopify.com", "t", "gid://shopify/Location/1", None);
        assert!(default.with_key(REFUND_CREATE, "ab:1").contains(key));
        assert_eq!(quote("ab:1"), "\"ab:1\"");
    }
}
