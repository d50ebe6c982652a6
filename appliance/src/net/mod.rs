//! The network edge: the server register's HTTP endpoint, the client register's HTTP client and
//! sync poller. Every request and response body here is sealed by [`crate::sync::Envelope`].
//!
//! tide, surf and async-std (which they run on) are flagged unmaintained by RustSec: they stay
//! behind this module's boundary, so the HTTP stack can be swapped without touching the core.

pub mod bus;
pub mod client;
pub mod discovery;
pub mod follow;
pub mod guard;
pub mod http;
pub mod pair;
pub mod poller;
pub mod service;
pub mod updater;

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

pub use crate::register::unix_ms;

/// Environment variable that caps the protocol version this register speaks (tests: a register
/// of the previous release, which states only version 2). Ignored outside
/// [`crate::sync::PROTOCOL_MIN`]..=[`crate::sync::PROTOCOL_VERSION`].
pub const PROTOCOL_MAX_ENV: &str = "TILL_PROTOCOL_MAX";

/// The protocol versions this register speaks: [`crate::sync::PROTOCOL_MIN`] up to
/// [`crate::sync::PROTOCOL_VERSION`], or to `TILL_PROTOCOL_MAX` when set.
pub fn versions() -> std::ops::RangeInclusive<u16> {
    use crate::sync::{PROTOCOL_MIN, PROTOCOL_VERSION};
    static MAX: std::sync::OnceLock<u16> = std::sync::OnceLock::new();
    let max = *MAX.get_or_init(|| {
        std::env::var(PROTOCOL_MAX_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<u16>().ok())
            .filter(|v| (PROTOCOL_MIN..=PROTOCOL_VERSION).contains(v))
            .unwrap_or(PROTOCOL_VERSION)
    });
    PROTOCOL_MIN..=max
}

/// The server's clock minus ours, from its time in a reply sent between our `t0` and `t1`
/// (assumes the reply was stamped half way).
/// Saturates: `server_ms` comes off the network, and a time past `i64::MAX` must not overflow
/// (a panic with overflow checks, a wrapped offset without).
pub(crate) fn clock_offset_ms(server_ms: u64, t0: u64, t1: u64) -> i64 {
    let signed = |ms: u64| i64::try_from(ms).unwrap_or(i64::MAX);
    signed(server_ms).saturating_sub(signed(t0 / 2 + t1 / 2))
}

/// The wall clock and the monotonic clock read together. A later look that finds them moved
/// apart by more than a second means the wall clock was stepped in between (process 1's SNTP,
/// or an admin): an offset measured across that step is wrong by the step.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ClockMark {
    /// The wall clock then, ms since the epoch.
    pub wall_ms: u64,
    mono: std::time::Instant,
}

impl ClockMark {
    /// Both clocks now.
    pub(crate) fn now() -> ClockMark {
        ClockMark { wall_ms: unix_ms(), mono: std::time::Instant::now() }
    }

    /// Whether the wall clock was stepped since this mark.
    pub(crate) fn stepped(&self) -> bool {
        let wall = i128::from(unix_ms()) - i128::from(self.wall_ms);
        (wall - i128::try_from(self.mono.elapsed().as_millis()).unwrap_or(i128::MAX)).abs() > 1_000
    }
}

/// This register's own key, made (random) and kept on first use. A server opens every request
/// of this register but the hello with it, so revoking it shuts out this box alone.
pub fn own_key(store: &mut crate::store::Store) -> Result<crate::sync::SealKey, crate::store::StoreError> {
    use crate::store::kv;
    if let Some(k) = store.get(kv::REGISTER_KEY)? {
        return Ok(crate::sync::SealKey::from_bytes(k));
    }
    let k: [u8; 32] = random_bytes().map_err(|e| crate::store::StoreError::Random(e.to_string()))?;
    store.set(kv::REGISTER_KEY, &k)?;
    Ok(crate::sync::SealKey::from_bytes(k))
}

#[cfg(test)]
mod tests {
    use super::clock_offset_ms;

    #[test]
    fn a_clock_mark_notices_a_step() {
        assert!(!super::ClockMark::now().stepped());
        let mono = std::time::Instant::now();
        let wall_ms = super::unix_ms();
        assert!(super::ClockMark { wall_ms: wall_ms + 5_000, mono }.stepped(), "the clock went back 5 s");
        assert!(super::ClockMark { wall_ms: wall_ms - 5_000, mono }.stepped(), "the clock went forward 5 s");
    }

    #[test]
    fn clock_offset_is_the_difference_to_the_midpoint() {
        assert_eq!(clock_offset_ms(1_000, 900, 1_000), 50);
        assert_eq!(clock_offset_ms(0, 1_000, 1_000), -1_000);
    }

    #[test]
    fn clock_offset_saturates_on_absurd_server_times() {
        // A hello answer with server_time_ms = 2^63 once overflowed `as i64 - …`.
        let now = 1_700_000_000_000;
        assert_eq!(clock_offset_ms(1 << 63, now, now), i64::MAX - now as i64);
        assert_eq!(clock_offset_ms(u64::MAX, now, now), i64::MAX - now as i64);
        assert_eq!(clock_offset_ms(0, u64::MAX, u64::MAX), -i64::MAX);
    }
}
