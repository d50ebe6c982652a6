//! Where this register sends the store's orders and stock (`till export set`, the flash config):
//! one connector and its credentials. Device-local, never synced, never logged in the clear.
//!
//! Parsed from `key=value` words (`url=https://… secret=whsec_…`), checked here (pure): a URL
//! that is not HTTPS outside loopback, a malformed shop name or an empty token is refused with one
//! line, and nothing is saved.

use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// The platforms Till exports to.
pub const CONNECTORS: &[&str] = &["webhook", "shopify", "woocommerce", "vendure"];

/// The Shopify Admin API version the connector speaks.
pub const SHOPIFY_API_VERSION: &str = "2026-04";

/// One connector with its credentials.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "connector", rename_all = "lowercase")]
pub enum Connector {
    /// Standard Webhooks to any HTTPS endpoint.
    Webhook {
        /// Where each event is POSTed.
        url: String,
        /// `whsec_` + base64 of the signing key.
        secret: String,
    },
    /// Shopify's GraphQL Admin API.
    Shopify {
        /// `NAME.myshopify.com`.
        shop: String,
        /// An Admin API access token (`shpat_…`).
        token: String,
        /// The location whose stock the register's sales move (`gid://shopify/Location/N` or N).
        location: String,
        /// Where the Admin API is, when not `https://SHOP/admin/api/VERSION/graphql.json`
        /// (a proxy, or a test server).
        endpoint: Option<String>,
    },
    /// WooCommerce's REST API v3.
    #[serde(rename = "woocommerce")]
    WooCommerce {
        /// The shop's address (`https://shop.example`).
        url: String,
        /// Consumer key (`ck_…`).
        key: String,
        /// Consumer secret (`cs_…`).
        secret: String,
    },
    /// Vendure's Admin GraphQL API.
    Vendure {
        /// The Admin API (`https://shop.example/admin-api`).
        url: String,
        /// An administrator's identifier.
        user: String,
        /// Its password.
        password: String,
    },
}

/// What this register exports to, and how.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportSetup {
    /// The platform.
    #[serde(flatten)]
    pub connector: Connector,
    /// A PEM file of extra certificate authorities to trust besides the built-in roots (a
    /// store's own CA, a test CA).
    pub ca: Option<String>,
    /// Events from this time on (ms since the epoch, HLC wall time) are exported; earlier ones
    /// are the shop's history from before the export was set up.
    pub since_ms: u64,
    /// How long one call may take, in seconds (1–120; 15 unless set).
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    /// Bring the platform's catalog in every this many minutes (0: only by `till export pull`).
    #[serde(default)]
    pub pull_minutes: u64,
}

fn default_timeout() -> u64 {
    15
}

impl ExportSetup {
    /// The connector's name (`webhook`, `shopify`, …).
    pub fn name(&self) -> &'static str {
        match self.connector {
            Connector::Webhook { .. } => "webhook",
            Connector::Shopify { .. } => "shopify",
            Connector::WooCommerce { .. } => "woocommerce",
            Connector::Vendure { .. } => "vendure",
        }
    }

    /// Where it sends, with no credential in it.
    pub fn destination(&self) -> String {
        match &self.connector {
            Connector::Webhook { url, .. } | Connector::WooCommerce { url, .. } | Connector::Vendure { url, .. } => {
                url.clone()
            }
            Connector::Shopify { shop, endpoint, .. } => endpoint.clone().unwrap_or_else(|| shop.clone()),
        }
    }

    /// Parses `till export set NAME key=value…` (`since_ms`: now, unless `since=all` is given).
    pub fn parse(name: &str, words: &[String], now_ms: u64) -> Result<ExportSetup, String> {
        let mut kv: Vec<(String, String)> = Vec::new();
        for w in words {
            let Some((k, v)) = w.split_once('=') else {
                return Err(format!("{w:?}: write key=value"));
            };
            if kv.iter().any(|(seen, _)| seen == k) {
                return Err(format!("{k} given twice"));
            }
            kv.push((k.to_string(), v.to_string()));
        }
        let mut take = |k: &str| kv.iter().position(|(seen, _)| seen == k).map(|i| kv.remove(i).1);
        let ca = take("ca").filter(|s| !s.is_empty());
        let since_ms = match take("since").as_deref() {
            None | Some("now") => now_ms,
            Some("all") => 0,
            Some(other) => return Err(format!("since={other}: use since=now or since=all")),
        };
        let timeout_secs = match take("timeout") {
            None => default_timeout(),
            Some(t) => t
                .parse::<u64>()
                .ok()
                .filter(|t| (1..=120).contains(t))
                .ok_or_else(|| format!("timeout={t}: seconds, 1 to 120"))?,
        };
        let pull_minutes = match take("pull") {
            None => 0,
            Some(m) => m
                .parse::<u64>()
                .ok()
                .filter(|m| *m <= 10_080)
                .ok_or_else(|| format!("pull={m}: minutes between catalog pulls, 0 (never) to 10080 (a week)"))?,
        };
        let mut need = |k: &str| {
            take(k).filter(|v| !v.trim().is_empty()).ok_or_else(|| format!("{name}: {k}= is missing or empty"))
        };
        let connector = match name {
            "webhook" => {
                let url = https_url(&need("url")?)?;
                let secret = need("secret")?;
                webhook_key(&secret)?;
                Connector::Webhook { url, secret }
            }
            "shopify" => {
                let shop = shop_name(&need("shop")?)?;
                let token = need("token")?;
                let location = location_id(&need("location")?)?;
                let endpoint = take("endpoint").map(|e| https_url(&e)).transpose()?;
                Connector::Shopify { shop, token, location, endpoint }
            }
            "woocommerce" => {
                let url = https_url(&need("url")?)?;
                Connector::WooCommerce { url, key: need("key")?, secret: need("secret")? }
            }
            "vendure" => {
                let url = https_url(&need("url")?)?;
                Connector::Vendure { url, user: need("user")?, password: need("password")? }
            }
            other => return Err(format!("no connector {other:?}: use one of {}", CONNECTORS.join(", "))),
        };
        if let Some((k, _)) = kv.first() {
            return Err(format!("{name}: unknown key {k:?}"));
        }
        Ok(ExportSetup { connector, ca, since_ms, timeout_secs, pull_minutes })
    }

    /// The setup as `status` shows it: credentials masked.
    pub fn masked(&self) -> String {
        let m = |s: &str| mask(s);
        let body = match &self.connector {
            Connector::Webhook { url, secret } => format!("webhook url={url} secret={}", m(secret)),
            Connector::Shopify { shop, token, location, endpoint } => format!(
                "shopify shop={shop} token={} location={location}{}",
                m(token),
                endpoint.as_ref().map(|e| format!(" endpoint={e}")).unwrap_or_default()
            ),
            Connector::WooCommerce { url, key, secret } => {
                format!("woocommerce url={url} key={} secret={}", m(key), m(secret))
            }
            Connector::Vendure { url, user, password } => {
                format!("vendure url={url} user={user} password={}", m(password))
            }
        };
        match &self.ca {
            Some(ca) => format!("{body} ca={ca}"),
            None => body,
        }
    }
}

impl fmt::Display for ExportSetup {
    /// Never the credentials: the masked form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// A credential as shown: its kind prefix (`whsec_`, `shpat_`, `ck_`) and its last 4 characters.
pub fn mask(s: &str) -> String {
    let prefix = s.find('_').filter(|&i| i <= 6).map_or("", |i| &s[..=i]);
    let tail: String = s.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    if s.chars().count() <= 8 { "****".into() } else { format!("{prefix}****{tail}") }
}

/// An `https://` URL, or `http://` to a loopback address (a bridge on the box itself).
pub fn https_url(s: &str) -> Result<String, String> {
    let s = s.trim();
    let (scheme, rest) = s.split_once("://").ok_or_else(|| format!("{s:?} is not a URL (https://…)"))?;
    let host_port = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host_port.rsplit_once(':').map_or(host_port, |(h, _)| h),
    };
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err(format!("{s:?} has no host"));
    }
    let loopback = host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    match scheme {
        "https" => Ok(s.to_string()),
        "http" if loopback => Ok(s.to_string()),
        "http" => Err(format!("{s:?}: use https:// (plain http only to this box itself)")),
        other => Err(format!("{s:?}: scheme {other} is not https")),
    }
}

/// The signing key of a `whsec_` secret.
pub fn webhook_key(secret: &str) -> Result<Vec<u8>, String> {
    use base64::Engine;
    let b64 = secret.strip_prefix("whsec_").ok_or("the webhook secret must start with whsec_")?;
    let key = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|_| "the webhook secret is not whsec_ followed by base64".to_string())?;
    if key.len() < 24 {
        return Err(format!(
            "the webhook secret is {} bytes: use at least 24 (whsec_ + 32 base64 characters)",
            key.len()
        ));
    }
    Ok(key)
}

/// `NAME.myshopify.com` (a bare `NAME` gets the suffix).
fn shop_name(s: &str) -> Result<String, String> {
    let s = s.trim().trim_start_matches("https://").trim_end_matches('/');
    let name = s.strip_suffix(".myshopify.com").unwrap_or(s);
    let ok = !name.is_empty()
        && name.len() <= 60
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-');
    if !ok {
        return Err(format!("shop {s:?}: write the shop's name, NAME.myshopify.com (lower-case letters, digits, -)"));
    }
    Ok(format!("{name}.myshopify.com"))
}

/// A location as a GraphQL id.
fn location_id(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.starts_with("gid://shopify/Location/") && s.rsplit('/').next().is_some_and(|n| n.parse::<u64>().is_ok()) {
        return Ok(s.to_string());
    }
    s.parse::<u64>()
        .map(|n| format!("gid://shopify/Location/{n}"))
        .map_err(|_| format!("location {s:?}: the location's number, or gid://shopify/Location/N"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    #[test]
    fn webhook_needs_https_and_a_secret() {
        let ok = ExportSetup::parse("webhook", &w(&format!("url=https://hooks.example/till secret={SECRET}")), 5)
            .expect("test");
        assert_eq!(ok.since_ms, 5);
        assert_eq!(ok.name(), "webhook");
        assert!(!ok.masked().contains("MfKQ9r8G"), "{}", ok.masked());
        assert!(ok.masked().contains("whsec_****"));
        let local =
            ExportSetup::parse("webhook", &w(&format!("url=http://127.0.0.1:9/h secret={SECRET} since=all")), 5);
        assert_eq!(local.expect("test").since_ms, 0);
        for bad in [
            format!("url=http://hooks.example/till secret={SECRET}"),
            format!("url=ftp://x secret={SECRET}"),
            "url=https://hooks.example secret=abc".into(),
            "url=https://hooks.example secret=whsec_!!".into(),
            "url=https://hooks.example secret=whsec_c2hvcnQ=".into(),
            format!("url=https://hooks.example secret={SECRET} colour=blue"),
            format!("url= secret={SECRET}"),
            format!("url=https:// secret={SECRET}"),
        ] {
            assert!(ExportSetup::parse("webhook", &w(&bad), 0).is_err(), "{bad}");
        }
    }

    #[test]
    fn shopify_names_and_locations() {
        let s = ExportSetup::parse("shopify", &w("shop=corner-store token=shpat_0123456789abcdef location=42"), 0)
            .expect("test");
        assert_eq!(
            s.connector,
            Connector::Shopify {
                shop: "corner-store.myshopify.com".into(),
                token: "shpat_0123456789abcdef".into(),
                location: "gid://shopify/Location/42".into(),
                endpoint: None
            }
        );
        for bad in ["shop=Corner_Store token=t location=1", "shop=a token= location=1", "shop=a token=t location=x"] {
            assert!(ExportSetup::parse("shopify", &w(bad), 0).is_err(), "{bad}");
        }
    }

    #[test]
    fn stored_form_round_trips() {
        let s = ExportSetup::parse(
            "vendure",
            &w("url=https://v.example/admin-api user=admin password=hunter22 ca=/data/ca.pem"),
            9,
        )
        .expect("test");
        let json = serde_json::to_string(&s).expect("test");
        assert_eq!(serde_json::from_str::<ExportSetup>(&json).expect("test"), s);
        assert!(ExportSetup::parse("magento", &[], 0).is_err());
    }
}
