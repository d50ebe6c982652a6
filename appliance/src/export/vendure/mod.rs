//! Vendure (3.x) through its Admin GraphQL API: a sale becomes an order made as a draft, paid
//! with one manual payment naming Till's tenders and delivered at once (it left with the
//! customer); a void cancels it and refunds what was paid; a return is a settled refund; a
//! stock change sets the variant's stock on hand. docs/EXPORT.md ("Vendure") has the mapping and
//! what a shop adds to its Vendure config.
//!
//! Every send first reads what Vendure already holds for the Till id (the order's `tillId`
//! custom field, the refund's reason) and goes on from there, so a send whose answer was lost
//! (a timeout, a 5xx, a register or a Vendure killed mid-way) is finished, never made twice.

mod api;
mod order;

use std::collections::HashMap;

use serde_json::{Value, json};

use super::http::Http;
use super::message::StockChange;
use super::{CatalogItem, ExportError, Message, Outcome};
use crate::store::Topic;
pub use api::VendureError;
use api::{Api, int, list, result, text};

/// How many keys one `orders` query asks about, and products one page lists.
const PAGE: usize = 100;
/// The most pages of products a pull reads (100 000 variants).
const MAX_PAGES: usize = 1000;

/// The custom fields Till uses, as this Vendure declares them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Features {
    /// `Order.tillId` (string): the Till id of the sale; without it nothing is sent.
    pub till_id: bool,
    /// `OrderLine.tillPrice` (int) with the price strategy that honours it: lines at the price
    /// Till charged. Without it, lines are at Vendure's own prices.
    pub till_price: bool,
    /// `ProductVariant.barcode` (string): barcodes for `till export pull`.
    pub barcode: bool,
}

/// The Vendure connector.
#[derive(Debug)]
pub struct Vendure {
    api: Api,
    features: Option<Features>,
    /// SKU → variant id, as found.
    variants: HashMap<String, String>,
    /// The customer counter sales are made for.
    customer: Option<String>,
    /// A draft made for a Till key whose `tillId` was not set (the answer was lost).
    unlabelled: Option<(String, String)>,
    /// A `createDraftOrder` whose answer was lost, sent after this time of Vendure's clock: the
    /// blank draft it may have made is taken by the next one made.
    lost_draft: Option<std::time::SystemTime>,
}

const FEATURES: &str = "{o:__type(name:\"OrderCustomFields\"){fields{name}} \
                        l:__type(name:\"OrderLineCustomFields\"){fields{name}} \
                        v:__type(name:\"ProductVariantCustomFields\"){fields{name}}}";
const VARIANT: &str = "query($s:String!){productVariants(options:{filter:{sku:{eq:$s}},take:5}){items{id sku}}}";
const SET_STOCK: &str = "mutation($i:[UpdateProductVariantInput!]!){updateProductVariants(input:$i){id stockOnHand}}";
const CHANNEL: &str = "{activeChannel{code currencyCode pricesIncludeTax}}";

impl Vendure {
    /// A connector for the Admin API at `url`, as administrator `user`.
    pub fn new(http: Http, url: &str, user: &str, password: &str) -> Vendure {
        Vendure {
            api: Api::new(http, url, user, password),
            features: None,
            variants: HashMap::new(),
            customer: None,
            unlabelled: None,
            lost_draft: None,
        }
    }

    /// The custom fields this Vendure has (asked once).
    fn features(&mut self) -> Result<Features, VendureError> {
        if let Some(f) = self.features {
            return Ok(f);
        }
        let data = self.api.query(FEATURES, json!({}))?;
        let has = |alias: &str, name: &str| {
            data.get(alias)
                .filter(|t| !t.is_null())
                .is_some_and(|t| list(t, "fields").iter().any(|f| f.get("name").and_then(Value::as_str) == Some(name)))
        };
        let f =
            Features { till_id: has("o", "tillId"), till_price: has("l", "tillPrice"), barcode: has("v", "barcode") };
        self.features = Some(f);
        Ok(f)
    }

    /// The features, refusing when `Order.tillId` is missing (no order could be found again).
    fn needs_till_id(&mut self) -> Result<Features, VendureError> {
        let f = self.features()?;
        if !f.till_id {
            return Err(VendureError::Cannot(format!(
                "{} has no Order custom field tillId: add it to the Vendure config (docs/EXPORT.md, Vendure)",
                self.api.url()
            )));
        }
        Ok(f)
    }

    /// The variant id of a SKU; an unknown SKU cannot succeed.
    fn variant(&mut self, sku: &str) -> Result<String, VendureError> {
        if let Some(id) = self.variants.get(sku) {
            return Ok(id.clone());
        }
        let data = self.api.query(VARIANT, json!({ "s": sku }))?;
        let items = data.get("productVariants").map(|v| list(v, "items")).unwrap_or_default();
        let id = items
            .iter()
            .find(|v| v.get("sku").and_then(Value::as_str) == Some(sku))
            .map(|v| text(v, "id"))
            .transpose()?
            .ok_or_else(|| VendureError::Cannot(format!("Vendure has no product variant with SKU {sku:?}")))?
            .to_string();
        self.variants.insert(sku.to_string(), id.clone());
        Ok(id)
    }

    /// Sets the stock on hand of a SKU: a count's own figure, otherwise what the register holds
    /// now (never below 0).
    fn stock(&mut self, s: &StockChange) -> Result<String, VendureError> {
        let id = self.variant(&s.sku)?;
        let figure = s.counted.unwrap_or(s.on_hand).max(0);
        let data = self.api.query(SET_STOCK, json!({ "i": [{ "id": id, "stockOnHand": figure }] }));
        if data.is_err() {
            // A variant removed since it was cached is looked up again on the next try.
            self.variants.remove(&s.sku);
        }
        let data = data?;
        match list(&data, "updateProductVariants").first() {
            Some(v) if int(v, "stockOnHand")? == figure => Ok(id),
            Some(v) => Err(VendureError::Shape(format!("stock of {} is {} after setting {figure}", s.sku, v))),
            None => Err(VendureError::Shape("updateProductVariants answered no variant".into())),
        }
    }

    fn send_inner(&mut self, m: &Message) -> Result<Option<String>, VendureError> {
        match m.entry.topic {
            Topic::OrderCreated => self.order_created(m).map(Some),
            Topic::OrderVoided => self.order_voided(m).map(Some),
            Topic::ReturnCreated => self.return_created(m),
            Topic::StockChanged => {
                let s =
                    m.stock.as_ref().ok_or_else(|| VendureError::Shape("a stock entry without its change".into()))?;
                self.stock(s).map(Some)
            }
            // Vendure has nothing like Till's conflicts: nothing to send.
            Topic::ConflictOpened => Ok(None),
        }
    }
}

impl super::Connector for Vendure {
    fn send(&mut self, m: &Message) -> Outcome {
        match self.send_inner(m) {
            Ok(remote_id) => Outcome::Sent { remote_id },
            Err(e) => e.outcome(),
        }
    }

    fn lookup(&mut self, keys: &[String]) -> Result<Vec<(String, Option<String>)>, ExportError> {
        self.needs_till_id()?;
        let mut have = Vec::new();
        for chunk in keys.chunks(PAGE) {
            for o in self.orders_by_till_id(chunk)? {
                // Only a sale that went all the way; one left half-made is finished by its send.
                if matches!(text(&o, "state")?, "Delivered" | "Cancelled")
                    && let Some(key) = o.pointer("/customFields/tillId").and_then(Value::as_str)
                {
                    have.push((key.to_string(), Some(text(&o, "id")?.to_string())));
                }
            }
        }
        Ok(have)
    }

    fn check(&mut self) -> Result<String, ExportError> {
        self.api.login()?;
        let f = self.needs_till_id()?;
        let data = self.api.query(CHANNEL, json!({}))?;
        let ch = result(&data, "activeChannel")?;
        let yes = |b: bool| if b { "yes" } else { "no" };
        Ok(format!(
            "logged in to {} as {}; channel {} in {}, prices include tax: {}; Order.tillId: yes, \
             OrderLine.tillPrice: {}, ProductVariant.barcode: {}. A sale becomes an order paid by \
             one manual payment and delivered; nothing was sent",
            self.api.url(),
            self.api.user(),
            text(ch, "code")?,
            text(ch, "currencyCode")?,
            yes(ch.get("pricesIncludeTax").and_then(Value::as_bool).unwrap_or(false)),
            if f.till_price { "yes (lines at Till's prices)" } else { "no (lines at Vendure's prices)" },
            yes(f.barcode),
        ))
    }

    fn pull(&mut self) -> Result<Vec<CatalogItem>, ExportError> {
        let f = self.features()?;
        let data = self.api.query(CHANNEL, json!({}))?;
        let gross = result(&data, "activeChannel")?.get("pricesIncludeTax").and_then(Value::as_bool).unwrap_or(false);
        let query = format!(
            "query($skip:Int!,$take:Int!){{productVariants(options:{{skip:$skip,take:$take,sort:{{id:ASC}}}}){{\
             totalItems items{{sku name price priceWithTax{}}}}}}}",
            if f.barcode { " customFields{barcode}" } else { "" }
        );
        let mut items = Vec::new();
        for page in 0..MAX_PAGES {
            let data = self.api.query(&query, json!({ "skip": page * PAGE, "take": PAGE }))?;
            let variants = result(&data, "productVariants")?;
            let got = list(variants, "items");
            for v in got {
                let sku = text(v, "sku")?.trim();
                if sku.is_empty() {
                    continue;
                }
                let barcodes = v
                    .pointer("/customFields/barcode")
                    .and_then(Value::as_str)
                    .map(|b| b.split([',', ';', ' ']).filter(|c| !c.is_empty()).map(str::to_string).collect())
                    .unwrap_or_default();
                items.push(CatalogItem {
                    sku: sku.to_string(),
                    name: text(v, "name")?.to_string(),
                    price_cents: int(v, if gross { "priceWithTax" } else { "price" })?,
                    barcodes,
                });
            }
            let total = int(variants, "totalItems")?;
            if got.len() < PAGE || (page + 1) * PAGE >= usize::try_from(total).unwrap_or(0) {
                return Ok(items);
            }
        }
        Err(ExportError::Platform(format!("Vendure lists more than {} product variants", MAX_PAGES * PAGE)))
    }
}
