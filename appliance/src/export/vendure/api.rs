//! Vendure's Admin GraphQL API over the exporter's HTTPS client: the bearer token (logged in on
//! first use, again after a 401 or a `FORBIDDEN`), and what a reply means for the export.

use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

use super::super::http::{Http, HttpError, Reply};
use super::super::{ExportError, Outcome};

/// How a call to Vendure went wrong.
#[derive(Debug, thiserror::Error)]
pub enum VendureError {
    /// No answer (DNS, TLS, a timeout, a refused connection): try again.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// An HTTP status that is not a success (408, 429 and 5xx are tried again, after
    /// `Retry-After` when given: [`Outcome::from_status`]).
    #[error("Vendure: HTTP {} {}", .0.status, .0.text(200))]
    Status(Reply),
    /// Vendure refused the administrator's login.
    #[error("Vendure refused the login of {user:?}: {message}")]
    Login {
        /// The identifier.
        user: String,
        /// Vendure's words.
        message: String,
    },
    /// A GraphQL error (`errors[]`), with its `extensions.code`.
    #[error("Vendure: {message} ({code})")]
    GraphQl {
        /// `FORBIDDEN`, `INTERNAL_SERVER_ERROR`, `BAD_USER_INPUT`, …
        code: String,
        /// Vendure's words.
        message: String,
    },
    /// An `ErrorResult` (a refusal that is part of the schema: `REFUND_AMOUNT_ERROR`, …).
    #[error("Vendure: {message} ({code})")]
    Refused {
        /// Its `errorCode`.
        code: String,
        /// Vendure's words.
        message: String,
    },
    /// A reply that is not what Vendure's schema says (a proxy's page, a newer Vendure).
    #[error("Vendure: unexpected reply: {0}")]
    Shape(String),
    /// What Till itself finds cannot succeed (an unknown SKU, no free shipping method).
    #[error("{0}")]
    Cannot(String),
}

impl VendureError {
    /// How the entry being sent goes on: tried again, or dead with Vendure's message.
    pub fn outcome(self) -> Outcome {
        let retry = |e: &VendureError| Outcome::Retry { after: None, error: e.to_string() };
        match &self {
            VendureError::Http(_) | VendureError::Login { .. } | VendureError::Shape(_) => retry(&self),
            VendureError::Status(reply) => Outcome::from_status(reply, "Vendure"),
            // A database that is busy or restarting answers with an internal error; an
            // administrator without the right permissions may be given them.
            VendureError::GraphQl { code, .. } if code == "INTERNAL_SERVER_ERROR" || code == "FORBIDDEN" => {
                retry(&self)
            }
            VendureError::GraphQl { .. } | VendureError::Refused { .. } | VendureError::Cannot(_) => {
                Outcome::Dead(self.to_string())
            }
        }
    }
}

impl From<VendureError> for ExportError {
    fn from(e: VendureError) -> ExportError {
        match e {
            VendureError::Http(h) => ExportError::Http(h),
            VendureError::Cannot(m) => ExportError::Setup(m),
            other => ExportError::Platform(other.to_string()),
        }
    }
}

/// The Admin API with its session.
pub struct Api {
    http: Http,
    url: String,
    user: String,
    password: String,
    token: Option<String>,
    /// Vendure's clock at its last reply (its `Date` header, to the second).
    clock: std::cell::Cell<Option<SystemTime>>,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Vendure({}, {})", self.url, self.user)
    }
}

const LOGIN: &str = "mutation($u:String!,$p:String!){login(username:$u,password:$p){__typename \
                     ...on ErrorResult{errorCode message}}}";

impl Api {
    /// The Admin API at `url`, logging in as `user`.
    pub fn new(http: Http, url: &str, user: &str, password: &str) -> Api {
        Api {
            http,
            url: url.to_string(),
            user: user.to_string(),
            password: password.to_string(),
            token: None,
            clock: std::cell::Cell::new(None),
        }
    }

    /// Vendure's own time at its last reply, when it sends a `Date` header.
    pub fn clock(&self) -> Option<SystemTime> {
        self.clock.get()
    }

    /// Where it is.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The administrator it logs in as.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// Logs in (again) and keeps the token.
    pub fn login(&mut self) -> Result<(), VendureError> {
        self.token = None;
        let (reply, data) = self.post(LOGIN, json!({ "u": self.user, "p": self.password }))?;
        if let Err(e) = result(&data, "login") {
            let message = match e {
                VendureError::Refused { message, .. } => message,
                other => other.to_string(),
            };
            return Err(VendureError::Login { user: self.user.clone(), message });
        }
        let token = reply.header("vendure-auth-token").filter(|t| !t.is_empty()).ok_or_else(|| {
            VendureError::Shape("login answered without a vendure-auth-token header (is tokenMethod bearer?)".into())
        })?;
        self.token = Some(token.to_string());
        Ok(())
    }

    /// Runs `query` with `variables`; its `data`. Logs in first when there is no token, and
    /// once more when Vendure says the session is gone (401, `FORBIDDEN`).
    pub fn query(&mut self, query: &str, variables: Value) -> Result<Value, VendureError> {
        if self.token.is_none() {
            self.login()?;
        }
        match self.post(query, variables.clone()) {
            Err(VendureError::Status(r)) if r.status == 401 => {}
            Err(VendureError::GraphQl { code, .. }) if code == "FORBIDDEN" => {}
            other => return other.map(|(_, data)| data),
        }
        self.login()?;
        self.post(query, variables).map(|(_, data)| data)
    }

    /// One POST: the reply and its `data`, or the first error.
    fn post(&self, query: &str, variables: Value) -> Result<(Reply, Value), VendureError> {
        let body = serde_json::to_vec(&json!({ "query": query, "variables": variables }))
            .map_err(|e| VendureError::Shape(e.to_string()))?;
        let mut headers = Vec::new();
        if let Some(t) = &self.token {
            headers.push(("authorization", format!("Bearer {t}")));
        }
        let reply = self.http.post_json(&self.url, &headers, &body)?;
        if let Some(t) = reply.header("date").and_then(http_date) {
            self.clock.set(Some(t));
        }
        let parsed: Option<Value> = serde_json::from_slice(&reply.body).ok();
        // A GraphQL error can come with a 200 or a 4xx; read it before the status.
        if let Some(e) = parsed.as_ref().and_then(|v| v.get("errors")).and_then(|e| e.get(0)) {
            let message = e.get("message").and_then(Value::as_str).unwrap_or("no message").to_string();
            let code = e.pointer("/extensions/code").and_then(Value::as_str).unwrap_or("UNKNOWN").to_string();
            if !(500..600).contains(&reply.status) {
                return Err(VendureError::GraphQl { code, message });
            }
        }
        if !(200..300).contains(&reply.status) {
            return Err(VendureError::Status(reply));
        }
        let data = parsed
            .and_then(|mut v| v.get_mut("data").map(Value::take))
            .filter(|d| !d.is_null())
            .ok_or_else(|| VendureError::Shape(format!("no data in {}", reply.text(200))))?;
        Ok((reply, data))
    }
}

/// `data[field]`, or the `ErrorResult` it holds as an error.
pub fn result<'a>(data: &'a Value, field: &str) -> Result<&'a Value, VendureError> {
    let v = data.get(field).filter(|v| !v.is_null()).ok_or_else(|| VendureError::Shape(format!("no {field}")))?;
    if let Some(code) = v.get("errorCode").and_then(Value::as_str) {
        let message = v.get("message").and_then(Value::as_str).unwrap_or("no message");
        return Err(VendureError::Refused { code: code.to_string(), message: message.to_string() });
    }
    Ok(v)
}

/// A string field (ids are strings in GraphQL).
pub fn text<'a>(v: &'a Value, field: &str) -> Result<&'a str, VendureError> {
    v.get(field).and_then(Value::as_str).ok_or_else(|| VendureError::Shape(format!("no {field} in {}", short(v))))
}

/// An integer field (money in minor units, quantities).
pub fn int(v: &Value, field: &str) -> Result<i64, VendureError> {
    v.get(field).and_then(Value::as_i64).ok_or_else(|| VendureError::Shape(format!("no {field} in {}", short(v))))
}

/// A list field (absent or null: empty).
pub fn list<'a>(v: &'a Value, field: &str) -> &'a [Value] {
    v.get(field).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// An HTTP date (`Sat, 05 Dec 2026 02:10:11 GMT`, RFC 9110's IMF-fixdate).
pub fn http_date(v: &str) -> Option<SystemTime> {
    let [_, day, month, year, time, "GMT"] = v.split_whitespace().collect::<Vec<_>>()[..] else { return None };
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let m = MONTHS.iter().position(|m| *m == month)? + 1;
    humantime::parse_rfc3339(&format!("{year}-{m:02}-{day:0>2}T{time}Z")).ok()
}

/// A time as GraphQL's `DateTime` (RFC 3339, UTC).
pub fn rfc3339(t: SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}

/// A second before `t`: an HTTP date is cut to the second.
pub fn second_before(t: SystemTime) -> SystemTime {
    t.checked_sub(Duration::from_secs(1)).unwrap_or(t)
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 120 { format!("{}…", s.chars().take(120).collect::<String>()) } else { s }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn outcomes_by_kind() {
        let dead = |e: VendureError| matches!(e.outcome(), Outcome::Dead(_));
        let reply = |status, headers: Vec<(String, String)>| Reply { status, headers, body: b"busy".to_vec() };
        let status = |s| VendureError::Status(reply(s, Vec::new()));
        assert!(!dead(status(503)) && !dead(status(429)) && !dead(status(408)));
        assert!(dead(status(400)) && dead(status(404)));
        let gql = |c: &str| VendureError::GraphQl { code: c.into(), message: "m".into() };
        assert!(!dead(gql("INTERNAL_SERVER_ERROR")) && !dead(gql("FORBIDDEN")));
        assert!(dead(gql("BAD_USER_INPUT")));
        assert!(dead(VendureError::Refused { code: "REFUND_AMOUNT_ERROR".into(), message: "too much".into() }));
        assert!(!dead(VendureError::Login { user: "a".into(), message: "no".into() }));
        let after = VendureError::Status(reply(429, vec![("retry-after".into(), "7".into())]));
        assert!(matches!(after.outcome(), Outcome::Retry { after: Some(d), .. } if d == Duration::from_secs(7)));
    }

    #[test]
    fn http_dates_read_as_vendure_writes_them() {
        let t = http_date("Sat, 05 Dec 2026 02:10:11 GMT");
        assert_eq!(t.map(rfc3339).as_deref(), Some("2026-12-05T02:10:11Z"));
        assert_eq!(http_date("Mon, 1 Feb 2027 00:00:00 GMT").map(rfc3339).as_deref(), Some("2027-02-01T00:00:00Z"));
        assert!(http_date("Sat, 05 Dec 2026 02:10:11 CET").is_none());
        assert!(http_date("Sat, 05 Foo 2026 02:10:11 GMT").is_none());
        assert!(http_date("yesterday").is_none());
    }

    #[test]
    fn error_results_are_errors() {
        let data = json!({ "refundOrder": { "errorCode": "NOTHING_TO_REFUND_ERROR", "message": "nothing" } });
        assert!(matches!(result(&data, "refundOrder"), Err(VendureError::Refused { .. })));
        let data = json!({ "refundOrder": { "id": "3" } });
        assert_eq!(result(&data, "refundOrder").and_then(|v| text(v, "id")).ok(), Some("3"));
        assert!(result(&json!({}), "x").is_err());
    }
}
