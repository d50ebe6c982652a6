//! SyncService: what a server register does for its clients, free of HTTP. The HTTP layer
//! (`net::http`) parses requests into these typed calls and turns [`ApiError`] into statuses.
//!
//! It owns the store's identity as seen on the wire (store id, key, epoch), authenticates every
//! sealed request, applies pushed events, answers long-polls from the [`SyncEventBus`] or the
//! durable log, and keeps the list of peers. One file per concern:
//! - `auth`: opening sealed requests, enrollment of register keys, store-id adoption;
//! - `handlers`: the endpoints (discover, hello, push, pull, state, missing, data);
//! - `metrics`: the counters and gauges behind `/metrics`;
//! - `error`: refusals as HTTP statuses;
//! - `updates`: version 3's staged bundles and the registers' software.

mod auth;
mod error;
mod handlers;
mod metrics;
mod updates;

use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use error::{ApiError, Opened};
pub use metrics::Metrics;
pub use updates::UPDATES_VERSION;

use self::auth::{Enrolled, Keys, Replays, load_registry};
pub use self::auth::{MAX_REMEMBERED, REPLAY_WINDOW_MS};
use super::bus::{BusEntry, SyncEventBus};
use super::guard::{AttackLog, Guesses};
use super::{SharedRegister, lock, random_bytes};
use crate::config::Secret;
use crate::model::RegisterId;
use crate::store::{LogEntry, kv};
use crate::sync::{SealKey, StoreId};

/// Longest a long-poll is held open.
pub const MAX_WAIT: Duration = Duration::from_secs(30);

/// Most bytes of events in one pull response.
const MAX_PULL_BYTES: usize = crate::sync::protocol::MAX_BATCH_BYTES;

/// The server's sync core.
pub struct SyncService {
    reg: SharedRegister,
    bus: Arc<SyncEventBus>,
    me: RegisterId,
    name: String,
    epoch: [u8; 16],
    keys: Mutex<Keys>,
    /// Milliseconds added to the system clock (a promoted client keeps what it learned).
    clock_offset_ms: i64,
    replays: Mutex<Replays>,
    /// One store-id adoption (an Argon2 derivation) at a time, server-wide.
    adoption: smol::lock::Semaphore,
    /// What failed authentication costs each address.
    pub guesses: Guesses,
    /// Where abuse of the server is reported (shared with the HTTP edge).
    pub attacks: Arc<AttackLog>,
    /// Request counters and gauges.
    pub metrics: Metrics,
}

impl std::fmt::Debug for SyncService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncService").field("me", &self.me).field("name", &self.name).finish()
    }
}

impl SyncService {
    /// The store's id and key as this server holds them (a term probe checks proofs with it).
    pub fn store_key(&self) -> (crate::sync::StoreId, crate::sync::SealKey) {
        let k = lock(&self.keys);
        (k.store, k.key.clone())
    }

    /// This server's register id.
    pub fn register_id(&self) -> RegisterId {
        self.me
    }

    /// Prepares the service: makes a store id if this register has none (unconfirmed, so a
    /// replacement server still adopts the store of its first client), derives the key, and
    /// loads the log head into a bus that keeps `ring` recent events.
    pub fn new(reg: SharedRegister, secret: Secret, ring: usize) -> Result<SyncService, ApiError> {
        let (me, name, store, confirmed, epoch, head, clock_offset_ms) = {
            let mut r = lock(&reg);
            let name = r.name().map_err(ApiError::internal)?;
            let s = r.store_mut();
            let store = match s.get(kv::STORE_ID).map_err(ApiError::internal)? {
                Some(id) => id,
                None => {
                    let id = StoreId(random_bytes().map_err(ApiError::internal)?);
                    s.write(|tx| {
                        tx.set(kv::STORE_ID, &id)?;
                        tx.set(kv::STORE_CONFIRMED, &false)
                    })
                    .map_err(ApiError::internal)?;
                    id
                }
            };
            // Never set: no peer has confirmed the store id yet.
            let confirmed = s.get(kv::STORE_CONFIRMED).map_err(ApiError::internal)?.unwrap_or(false);
            // Made with the register's identity when the database was created.
            let epoch = s
                .get(kv::LOG_EPOCH)
                .map_err(ApiError::internal)?
                .ok_or_else(|| ApiError::internal("the database has no log epoch"))?;
            let head = s.reader().head().map_err(ApiError::internal)?;
            // A register that never learned an offset runs on its own clock.
            let offset = s.get(kv::CLOCK_OFFSET).map_err(ApiError::internal)?.unwrap_or(0);
            (s.register_id(), name, store, confirmed, epoch, head, offset)
        };
        let key = SealKey::derive(secret.expose(), store).map_err(ApiError::internal)?;
        let (registers, enroll_until_ms) = load_registry(&lock(&reg)).map_err(ApiError::internal)?;
        let svc = SyncService {
            reg,
            bus: Arc::new(SyncEventBus::new(ring, head)),
            me,
            name,
            epoch,
            keys: Mutex::new(Keys {
                store,
                confirmed,
                key,
                secret,
                last_adoption: None,
                candidates: Vec::new(),
                registers,
                enroll_until_ms,
            }),
            clock_offset_ms,
            replays: Mutex::new(Replays::default()),
            adoption: smol::lock::Semaphore::new(1),
            guesses: Guesses::default(),
            attacks: Arc::new(AttackLog::default()),
            metrics: Metrics::default(),
        };
        svc.catch_up().map_err(ApiError::internal)?;
        Ok(svc)
    }

    /// The server's clock: the one it stamps its events and answers with, and against which it
    /// checks the time of requests.
    pub fn now_ms(&self) -> u64 {
        super::unix_ms().saturating_add_signed(self.clock_offset_ms)
    }

    /// Request nonces remembered against replays now.
    pub fn remembered(&self) -> usize {
        lock(&self.replays).len()
    }

    /// The bus clients long-poll on.
    pub fn bus(&self) -> &Arc<SyncEventBus> {
        &self.bus
    }

    /// Publishes log entries the bus has not seen (pushes, local sales, the CLI) and marks them
    /// as no longer pending: on the server, the log itself is what clients read.
    /// Also re-reads the register keys, so a revocation made by `till peers revoke` in another
    /// process takes effect at the next request.
    pub fn catch_up(&self) -> Result<(), crate::store::StoreError> {
        let mut r = lock(&self.reg);
        catch_up_locked(&mut r, &self.bus)?;
        let (registers, until) = load_registry(&r)?;
        drop(r);
        let mut k = lock(&self.keys);
        for (id, state) in &registers {
            if matches!(state, Enrolled::Revoked) && !matches!(k.registers.get(id), Some(Enrolled::Revoked)) {
                log::warn!("register {} revoked: refusing its requests", id.short());
            }
        }
        k.registers = registers;
        k.enroll_until_ms = until;
        Ok(())
    }

    /// Closes the bus: long-polls return at once (the server is stopping).
    pub fn close(&self) {
        self.bus.close();
    }
}

fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    postcard::from_bytes(bytes).map_err(|e| ApiError::bad_request(format!("malformed request: {e}")))
}

fn bus_entry(e: LogEntry) -> BusEntry {
    BusEntry { seq: e.log_seq, id: e.id, bytes: Arc::from(e.bytes) }
}

/// Publishes unseen log entries; the caller holds the register lock, which keeps them in order.
fn catch_up_locked(r: &mut crate::register::Register, bus: &SyncEventBus) -> Result<(), crate::store::StoreError> {
    loop {
        let since = bus.head();
        let entries = r.store().reader().log_entries(since, 10_000, usize::MAX)?;
        let Some(last) = entries.last().map(|e| e.log_seq) else { return Ok(()) };
        if r.store().reader().pending_count()? > 0 {
            r.store_mut().write(|tx| tx.mark_pushed(last))?;
        }
        bus.publish(entries.into_iter().map(bus_entry));
    }
}
