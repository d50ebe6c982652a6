//! Standard Webhooks (standardwebhooks.com) to any HTTPS endpoint: each entry is one POST with
//! `webhook-id` = the Till event id (the same on every retry, so a receiver dedupes by it),
//! `webhook-timestamp` (seconds) and `webhook-signature` = `v1,` + base64 of HMAC-SHA256 over
//! `id.timestamp.body` with the `whsec_` key. The body is `{"type", "timestamp", "data"}`, `data`
//! being the object `--json` prints.

use base64::Engine;
use serde_json::json;

use super::http::Http;
use super::{CatalogItem, ExportError, Message, Outcome};

/// The webhook connector.
pub struct Webhook {
    http: Http,
    url: String,
    key: ring::hmac::Key,
}

impl Webhook {
    /// A connector POSTing to `url`, signing with the `whsec_` secret.
    pub fn new(http: Http, url: &str, secret: &str) -> Result<Webhook, ExportError> {
        let raw = crate::config::webhook_key(secret).map_err(ExportError::Setup)?;
        Ok(Webhook { http, url: url.to_string(), key: ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &raw) })
    }

    /// The three headers for `body` sent as `id` at `timestamp` (seconds).
    pub fn headers(&self, id: &str, timestamp: u64, body: &[u8]) -> [(&'static str, String); 3] {
        sign(&self.key, id, timestamp, body)
    }

    fn post(&self, id: &str, body: &[u8]) -> Result<super::http::Reply, ExportError> {
        let ts = super::now_ms() / 1000;
        Ok(self.http.post_json(&self.url, &self.headers(id, ts, body), body)?)
    }
}

/// Standard Webhooks' signature headers.
pub fn sign(key: &ring::hmac::Key, id: &str, timestamp: u64, body: &[u8]) -> [(&'static str, String); 3] {
    let mut content = format!("{id}.{timestamp}.").into_bytes();
    content.extend_from_slice(body);
    let tag = ring::hmac::sign(key, &content);
    let sig = base64::engine::general_purpose::STANDARD.encode(tag.as_ref());
    [
        ("webhook-id", id.to_string()),
        ("webhook-timestamp", timestamp.to_string()),
        ("webhook-signature", format!("v1,{sig}")),
    ]
}

/// The body of a message: its type, when it happened, and its data.
pub fn body(m: &Message) -> Vec<u8> {
    let v = json!({
        "type": m.entry.topic.as_str(),
        "timestamp": crate::store::format_ms(m.entry.at_ms),
        "data": m.data,
    });
    serde_json::to_vec(&v).unwrap_or_default()
}

impl super::Connector for Webhook {
    fn send(&mut self, m: &Message) -> Outcome {
        match self.post(&m.entry.key, &body(m)) {
            Ok(r) if (200..300).contains(&r.status) => Outcome::Sent { remote_id: None },
            Ok(r) => Outcome::from_status(&r, "webhook"),
            Err(e) => Outcome::Retry { after: None, error: e.to_string() },
        }
    }

    fn lookup(&mut self, _keys: &[String]) -> Result<Vec<(String, Option<String>)>, ExportError> {
        Ok(Vec::new())
    }

    fn check(&mut self) -> Result<String, ExportError> {
        let id = format!("test-{}", super::now_ms());
        let body = serde_json::to_vec(&json!({
            "type": "till.test",
            "timestamp": crate::store::format_ms(super::now_ms() as i64),
            "data": { "note": "a test from till export test; nothing to do" },
        }))
        .unwrap_or_default();
        let r = self.post(&id, &body)?;
        if (200..300).contains(&r.status) {
            Ok(format!("{} accepted a signed till.test event (HTTP {})", self.url, r.status))
        } else {
            Err(ExportError::Platform(format!("{} answered HTTP {}: {}", self.url, r.status, r.text(200))))
        }
    }

    fn pull(&mut self) -> Result<Vec<CatalogItem>, ExportError> {
        Err(ExportError::Setup("a webhook has no catalog to pull: use shopify, woocommerce or vendure".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test vector of the Standard Webhooks specification (its reference libraries' tests).
    #[test]
    fn signature_matches_the_specification() {
        let raw = crate::config::webhook_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("test");
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &raw);
        let h = sign(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, br#"{"test": 2432232314}"#);
        assert_eq!(h[2].1, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
