//! Refusals as HTTP statuses with one line for the admin, and what an authenticated request is.

use crate::model::RegisterId;
use crate::sync::SealKey;

/// A refusal, as an HTTP status and one line for the admin reading the client's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// Why.
    pub reason: String,
}

impl ApiError {
    /// 400: the request is malformed.
    pub fn bad_request(reason: impl Into<String>) -> ApiError {
        ApiError { status: 400, reason: reason.into() }
    }
    /// 401: not sealed with this store's secret.
    pub fn unauthorized() -> ApiError {
        ApiError { status: 401, reason: "not authenticated: wrong shared secret or tampered message".into() }
    }
    /// 403: this register may not sync here (revoked, or enrollment closed).
    pub fn forbidden(reason: impl Into<String>) -> ApiError {
        ApiError { status: 403, reason: reason.into() }
    }
    /// 409: sealed for another store.
    pub fn other_store() -> ApiError {
        ApiError { status: 409, reason: "this server belongs to another store".into() }
    }
    /// 413: body too large.
    pub fn too_large() -> ApiError {
        ApiError { status: 413, reason: "request body too large".into() }
    }
    /// 426: another protocol version.
    pub fn version(v: u16) -> ApiError {
        ApiError {
            status: 426,
            reason: format!(
                "protocol version {v} not supported; this server speaks {} to {}",
                crate::net::versions().start(),
                crate::net::versions().end()
            ),
        }
    }
    /// 400: a request the server has already taken.
    pub fn replayed() -> ApiError {
        ApiError { status: 400, reason: "replayed request: refused".into() }
    }
    /// 425: stamped outside the server's time window (the client re-learns the clock).
    pub fn stale(sent_ms: u64, now_ms: u64) -> ApiError {
        ApiError {
            status: 425,
            reason: format!(
                "request time {sent_ms} is {} s from the server's clock: reconnect to learn it again",
                sent_ms.abs_diff(now_ms) / 1000
            ),
        }
    }
    /// 429: this address has to wait before trying again.
    pub fn too_many(reason: impl Into<String>) -> ApiError {
        ApiError { status: 429, reason: reason.into() }
    }
    /// 503: try again shortly.
    pub fn unavailable(reason: impl Into<String>) -> ApiError {
        ApiError { status: 503, reason: reason.into() }
    }
    /// 500: the server failed.
    pub fn internal(reason: impl std::fmt::Display) -> ApiError {
        ApiError { status: 500, reason: format!("server error: {reason}") }
    }
}

/// An authenticated request: who sent it and what it says.
#[derive(Debug)]
pub struct Opened {
    /// The sending register.
    pub sender: RegisterId,
    /// The request's nonce (the response is bound to it).
    pub nonce: [u8; 24],
    /// The decrypted payload.
    pub plaintext: Vec<u8>,
    /// The key it was sealed with (the response is sealed with the same one).
    pub key: SealKey,
    /// The protocol version it was sealed as (the response is sealed as the same one).
    pub version: u16,
}
