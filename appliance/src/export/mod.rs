//! Orders and stock to the online shop (layer 4, beside `net/`): the exporter works off the
//! outbox (`store::outbox`) on its own thread and sends each entry through one connector:
//! Standard Webhooks, Shopify, WooCommerce or Vendure. It also brings the platform's catalog in
//! (`till export pull`).
//!
//! A connector turns one [`Message`] into calls on its platform and says how it went
//! ([`Outcome`]); the worker keeps the order per order, the back-off, `Retry-After` and the dead
//! letters, so a connector holds no queue of its own. Only the exporter (the server, or a
//! standalone register) fills the outbox; clients never export.

pub mod catalog;
pub mod http;
pub mod message;
pub mod shopify;
pub mod vendure;
pub mod webhook;
pub mod woo;
pub mod worker;

use std::time::Duration;

use serde::Serialize;

pub use message::Message;

use crate::config::{Connector as Setup, ExportSetup};
use crate::store::StoreError;

/// Why an export call could not be made or answered.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// No answer (DNS, TLS, a timeout, a refused connection).
    #[error(transparent)]
    Http(#[from] http::HttpError),
    /// The platform answered, but not as hoped (its status and words).
    #[error("{0}")]
    Platform(String),
    /// The setup cannot work (a bad secret, a CA file that is not one).
    #[error("{0}")]
    Setup(String),
    /// The database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A product change the register refused.
    #[error(transparent)]
    Register(#[from] crate::register::RegisterError),
}

/// How a send went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Delivered; the platform's id for what it made, if it has one.
    Sent {
        /// The platform's id (an order's, a refund's).
        remote_id: Option<String>,
    },
    /// Not now: try again, after `after` when the platform said when (`Retry-After`, throttling).
    Retry {
        /// The platform's wait, if it gave one.
        after: Option<Duration>,
        /// What went wrong.
        error: String,
    },
    /// Refused for good (a 4xx that cannot succeed, an unknown SKU): the platform's message.
    Dead(String),
}

impl Outcome {
    /// The outcome of an HTTP answer that is not a success, by status: 408, 425, 429 and 5xx are
    /// tried again (after `Retry-After` when given); any other 4xx cannot succeed.
    pub fn from_status(reply: &http::Reply, what: &str) -> Outcome {
        let error = format!("{what}: HTTP {} {}", reply.status, reply.text(200));
        match reply.status {
            408 | 425 | 429 | 500..=599 => Outcome::Retry { after: reply.retry_after(), error },
            _ => Outcome::Dead(error),
        }
    }
}

/// A product as the platform lists it (`till export pull`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CatalogItem {
    /// The SKU (the key products are matched by).
    pub sku: String,
    /// Its name.
    pub name: String,
    /// Its price in cents, as the store prices (tax included or not, per the store's setting).
    pub price_cents: i64,
    /// Its barcodes (EAN, UPC, …) as the platform holds them.
    pub barcodes: Vec<String>,
}

/// One platform.
pub trait Connector: Send {
    /// Sends one entry.
    fn send(&mut self, m: &Message) -> Outcome;
    /// Which of these Till keys (event ids) the platform already has, with its id for each:
    /// asked when a register becomes the exporter, so nothing is sent twice. A platform with no
    /// way to ask answers with nothing (its receiver dedupes by id).
    fn lookup(&mut self, keys: &[String]) -> Result<Vec<(String, Option<String>)>, ExportError>;
    /// Checks the credentials and says what a send would do (`till export test`).
    fn check(&mut self) -> Result<String, ExportError>;
    /// The platform's catalog (`till export pull`).
    fn pull(&mut self) -> Result<Vec<CatalogItem>, ExportError>;
}

/// The connector a setup names, with its HTTPS client, for a store whose currency has `minor`
/// decimals (docs/LOCALE.md; WooCommerce writes decimal strings with them).
pub fn connector(setup: &ExportSetup, minor: u8) -> Result<Box<dyn Connector>, ExportError> {
    let client =
        http::Http::new(setup.ca.as_deref().map(std::path::Path::new), Duration::from_secs(setup.timeout_secs))?;
    match &setup.connector {
        Setup::Webhook { url, secret } => Ok(Box::new(webhook::Webhook::new(client, url, secret)?)),
        Setup::Shopify { shop, token, location, endpoint } => {
            Ok(Box::new(shopify::Shopify::new(client, shop, token, location, endpoint.as_deref())))
        }
        Setup::Vendure { url, user, password } => Ok(Box::new(vendure::Vendure::new(client, url, user, password))),
        Setup::WooCommerce { url, key, secret } => Ok(Box::new(woo::WooCommerce::new(
            client,
            url,
            key,
            secret,
            setup.since_ms,
            Duration::from_secs(setup.timeout_secs),
            minor,
        ))),
    }
}

/// Milliseconds since the epoch, now.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}
