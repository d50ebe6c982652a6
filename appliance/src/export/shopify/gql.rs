//! One GraphQL call to Shopify's Admin API and what its answer means: data, a throttle (with
//! the wait the bucket's restore rate gives), a failure worth trying again, or a refusal.

use std::time::Duration;

use serde_json::{Value, json};

use super::super::http::{Http, HttpError, Reply};
use super::super::{ExportError, Outcome};

/// The shortest and longest wait after a throttled call.
const MIN_WAIT: Duration = Duration::from_millis(500);
const MAX_WAIT: Duration = Duration::from_secs(60);

/// Why a call brought no usable data.
#[derive(Debug, thiserror::Error)]
pub enum Fail {
    /// No answer (a timeout, a refused connection, TLS): the call may or may not have run.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// An HTTP status that is not a success.
    #[error("{what}: HTTP {status} {text}")]
    Status {
        /// What was asked.
        what: String,
        /// The status.
        status: u16,
        /// The start of the body.
        text: String,
        /// The whole answer, for `Retry-After`.
        reply: Box<Reply>,
    },
    /// The cost bucket cannot pay for the call now; it can after `wait`.
    #[error("throttled by Shopify ({requested} points asked, {available} available, {restore}/s restored)")]
    Throttled {
        /// The wait the restore rate gives.
        wait: Duration,
        /// The call's cost.
        requested: f64,
        /// Points in the bucket.
        available: f64,
        /// Points restored per second.
        restore: f64,
    },
    /// Worth trying again later (a Shopify-side error, a quantity changed meanwhile).
    #[error("{0}")]
    Again(String),
    /// Cannot succeed as sent (Shopify's words).
    #[error("{0}")]
    Refused(String),
}

impl Fail {
    /// What the exporter does about it.
    pub fn outcome(self) -> Outcome {
        let error = self.to_string();
        match self {
            Fail::Http(_) | Fail::Again(_) => Outcome::Retry { after: None, error },
            Fail::Status { reply, what, .. } => Outcome::from_status(&reply, &what),
            Fail::Throttled { wait, .. } => Outcome::Retry { after: Some(wait), error },
            Fail::Refused(_) => Outcome::Dead(error),
        }
    }

    /// The same as an error of the CLI's calls (`check`, `pull`, `lookup`).
    pub fn export_error(self) -> ExportError {
        match self {
            Fail::Http(e) => ExportError::Http(e),
            other => ExportError::Platform(other.to_string()),
        }
    }
}

/// The throttle status of the last answer that gave one.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Throttle {
    /// The bucket's size.
    pub maximum: f64,
    /// Points in it.
    pub available: f64,
    /// Points restored per second.
    pub restore: f64,
}

/// A GraphQL endpoint with its token.
pub struct Gql {
    http: Http,
    url: String,
    token: String,
    /// The last throttle status seen.
    pub throttle: Option<Throttle>,
}

impl Gql {
    /// Calls to `url` with the Admin API `token`.
    pub fn new(http: Http, url: String, token: String) -> Gql {
        Gql { http, url, token, throttle: None }
    }

    /// The endpoint.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Runs `query` with `variables`; `what` names it in errors. Its `data` on success.
    pub fn run(&mut self, what: &str, query: &str, variables: Value) -> Result<Value, Fail> {
        let body = serde_json::to_vec(&json!({ "query": query, "variables": variables }))
            .map_err(|e| Fail::Refused(format!("{what}: {e}")))?;
        let reply = self.http.post_json(&self.url, &[("x-shopify-access-token", self.token.clone())], &body)?;
        if !(200..300).contains(&reply.status) {
            return Err(Fail::Status {
                what: format!("Shopify {what}"),
                status: reply.status,
                text: reply.text(200),
                reply: Box::new(reply),
            });
        }
        let v: Value = serde_json::from_slice(&reply.body)
            .map_err(|_| Fail::Again(format!("Shopify {what}: the answer is not JSON: {}", reply.text(120))))?;
        let throttle = throttle_of(&v);
        if throttle.is_some() {
            self.throttle = throttle;
        }
        answer(what, v, throttle)
    }
}

/// `extensions.cost.throttleStatus` of an answer.
fn throttle_of(v: &Value) -> Option<Throttle> {
    let t = &v["extensions"]["cost"]["throttleStatus"];
    Some(Throttle {
        maximum: t["maximumAvailable"].as_f64()?,
        available: t["currentlyAvailable"].as_f64()?,
        restore: t["restoreRate"].as_f64()?,
    })
}

/// The data of an answer, or what its errors mean.
fn answer(what: &str, mut v: Value, throttle: Option<Throttle>) -> Result<Value, Fail> {
    let errors: Vec<Value> = match v.get("errors") {
        Some(Value::Array(a)) => a.clone(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![json!({ "message": other.clone() })],
    };
    if errors.is_empty() {
        return match v.get_mut("data").map(Value::take) {
            Some(d) if d.is_object() => Ok(d),
            _ => Err(Fail::Again(format!("Shopify {what}: an answer without data"))),
        };
    }
    let codes: Vec<&str> = errors.iter().filter_map(|e| e["extensions"]["code"].as_str()).collect();
    let messages =
        errors.iter().map(|e| e["message"].as_str().map_or_else(|| e.to_string(), str::to_string)).collect::<Vec<_>>();
    let text = format!("Shopify {what}: {}", messages.join("; "));
    if codes.contains(&"THROTTLED") {
        let requested = v["extensions"]["cost"]["requestedQueryCost"].as_f64().unwrap_or(0.0);
        let t = throttle.unwrap_or_default();
        return Err(Fail::Throttled {
            wait: throttle_wait(requested, t),
            requested,
            available: t.available,
            restore: t.restore,
        });
    }
    let again = ["INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT", "IDEMPOTENCY_CONCURRENT_REQUEST"];
    if codes.iter().any(|c| again.contains(c)) {
        return Err(Fail::Again(text));
    }
    Err(Fail::Refused(text))
}

/// How long until the bucket holds `requested` points at `restore` per second (a second when
/// Shopify gave no rate), within 0.5 s and 60 s.
pub fn throttle_wait(requested: f64, t: Throttle) -> Duration {
    let short = (requested - t.available).max(0.0);
    let secs = if t.restore > 0.0 { short / t.restore } else { 1.0 };
    Duration::from_secs_f64(secs.clamp(0.0, 3600.0)).clamp(MIN_WAIT, MAX_WAIT)
}

/// The `userErrors` (or another list of user errors) of a mutation's payload, as one line;
/// `None` when there are none.
pub fn user_errors(payload: &Value, field: &str) -> Option<String> {
    let list = payload[field].as_array().filter(|a| !a.is_empty())?;
    Some(
        list.iter()
            .map(|e| {
                let m = e["message"].as_str().unwrap_or("refused");
                match e["code"].as_str() {
                    Some(code) => format!("{m} ({code})"),
                    None => m.to_string(),
                }
            })
            .collect::<Vec<_>>()
            .join("; "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttled_answers_wait_for_the_bucket() {
        let v = json!({
            "errors": [{ "message": "Throttled", "extensions": { "code": "THROTTLED" } }],
            "extensions": { "cost": { "requestedQueryCost": 202, "actualQueryCost": null,
                "throttleStatus": { "maximumAvailable": 1000.0, "currentlyAvailable": 2, "restoreRate": 50.0 } } }
        });
        let t = throttle_of(&v);
        match answer("orderCreate", v, t) {
            Err(Fail::Throttled { wait, .. }) => assert_eq!(wait, Duration::from_secs(4)),
            other => panic!("{other:?}"),
        }
        assert_eq!(throttle_wait(10.0, Throttle { maximum: 1000.0, available: 900.0, restore: 50.0 }), MIN_WAIT);
        assert_eq!(throttle_wait(5000.0, Throttle { maximum: 1000.0, available: 0.0, restore: 1.0 }), MAX_WAIT);
    }

    #[test]
    fn errors_are_told_apart() {
        let internal = json!({ "errors": [{ "message": "boom", "extensions": { "code": "INTERNAL_SERVER_ERROR" } }] });
        assert!(matches!(answer("x", internal, None), Err(Fail::Again(_))));
        let denied = json!({ "errors": [{ "message": "Access denied", "extensions": { "code": "ACCESS_DENIED" } }] });
        match answer("x", denied, None) {
            Err(Fail::Refused(m)) => assert_eq!(m, "Shopify x: Access denied"),
            other => panic!("{other:?}"),
        }
        let ok = json!({ "data": { "shop": { "name": "a" } } });
        assert_eq!(answer("x", ok, None).expect("test")["shop"]["name"], "a");
        let payload = json!({ "userErrors": [{ "message": "Variant does not exist", "code": "INVALID" }] });
        assert_eq!(user_errors(&payload, "userErrors").as_deref(), Some("Variant does not exist (INVALID)"));
        assert_eq!(user_errors(&json!({ "userErrors": [] }), "userErrors"), None);
    }
}
