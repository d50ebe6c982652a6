//! The network edge: the server register's HTTP endpoint, the client register's HTTP client and
//! sync poller. Every request and response body here is sealed by [`crate::sync::Envelope`].
//!
//! tide, surf and async-std (which they run on) are flagged unmaintained by RustSec: they stay
//! behind this module's boundary, so the HTTP stack can be swapped without touching the core.

pub mod client;
pub mod discovery;
pub mod http;
pub mod poller;
pub mod service;

use std::sync::{Arc, Mutex, MutexGuard};

use crate::register::Register;

/// The register shared by the services of a running appliance; database work runs on
/// `smol::unblock` threads while holding it.
pub type SharedRegister = Arc<Mutex<Register>>;

/// Locks a mutex; a panic in another holder left plain data that is still usable.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Random bytes from the operating system.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], getrandom::Error> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b)?;
    Ok(b)
}

/// The wall clock a client reports to its server (the system clock).
pub fn client_clock_ms() -> u64 {
    unix_ms()
}

/// The system wall clock in ms since the epoch (0 if it is before 1970).
pub(crate) fn unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// The server's clock minus ours, from its time in a reply sent between our `t0` and `t1`
/// (assumes the reply was stamped half way).
pub(crate) fn clock_offset_ms(server_ms: u64, t0: u64, t1: u64) -> i64 {
    server_ms as i64 - (t0 / 2 + t1 / 2) as i64
}

/// Device-local key: this register's own key (hex), made once and sent in its hellos.
pub const KV_REGISTER_KEY: &str = "register_key";

/// This register's own key, made (random) and kept on first use. A server opens every request
/// of this register but the hello with it, so revoking it shuts out this box alone.
pub fn own_key(store: &mut crate::store::Store) -> Result<crate::sync::SealKey, crate::store::StoreError> {
    if let Some(k) = store.kv_get(KV_REGISTER_KEY)?.and_then(|h| crate::model::unhex::<32>(&h)) {
        return Ok(crate::sync::SealKey::from_bytes(k));
    }
    let k: [u8; 32] = random_bytes().map_err(|e| crate::store::StoreError::Io {
        what: "getting randomness for the register key",
        path: std::path::PathBuf::from("/dev/urandom"),
        source: std::io::Error::other(e.to_string()),
    })?;
    store.kv_set(KV_REGISTER_KEY, &crate::model::hex(&k))?;
    Ok(crate::sync::SealKey::from_bytes(k))
}
