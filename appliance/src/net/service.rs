//! SyncService: what a server register does for its clients, free of HTTP. The HTTP layer
//! (`net::http`) parses requests into these typed calls and turns [`ApiError`] into statuses.
//!
//! It owns the store's identity as seen on the wire (store id, key, epoch), authenticates every
//! sealed request, applies pushed events, answers long-polls from the [`SyncEventBus`] or the
//! durable log, and keeps the list of peers.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{SharedRegister, lock, random_bytes, unix_ms};
use crate::config::Secret;
use crate::model::{EventId, RegisterId};
use crate::store::{KV_LOG_EPOCH, LogEntry};
use crate::sync::protocol::{
    Cursor, Discover, HELLO_PATH, HelloRequest, HelloResponse, MAX_BATCH_EVENTS, MissingRequest, MissingResponse,
    PRODUCT, PullResponse, PushRequest, PushResponse, StateRequest, StateResponse,
};
use crate::sync::{
    Binding, BusEntry, Envelope, EnvelopeError, Incoming, PROTOCOL_VERSION, Read, SealKey, StoreId, SyncEventBus,
};

/// Device-local key: the store this register belongs to.
pub const KV_STORE_ID: &str = "store_id";
/// Device-local key: "1" once a peer has proven it holds the secret under this store id.
pub const KV_STORE_CONFIRMED: &str = "store_confirmed";
/// Device-local key (server): until when new registers may enroll, ms since the epoch. Absent:
/// always (a new store); "0": closed (after a revocation, until an admin opens it again).
pub const KV_ENROLL_UNTIL: &str = "enroll_until_ms";

/// Longest a long-poll is held open.
pub const MAX_WAIT: Duration = Duration::from_secs(30);

/// Most bytes of events in one pull response.
const MAX_PULL_BYTES: usize = crate::sync::protocol::MAX_BATCH_BYTES;

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
            reason: format!("protocol version {v} not supported; this server speaks {PROTOCOL_VERSION}"),
        }
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
}

/// What the server knows about a client register's own key.
#[derive(Clone)]
enum Enrolled {
    /// It enrolled with this key; its requests are opened with it.
    Key([u8; 32], SealKey),
    /// Shut out.
    Revoked,
}

/// Reads the register-key table and the enrollment window.
type Registry = (std::collections::HashMap<RegisterId, Enrolled>, Option<u64>);

fn load_registry(r: &crate::register::Register) -> Result<Registry, crate::store::StoreError> {
    let mut map = std::collections::HashMap::new();
    for row in r.store().reader().register_keys()? {
        let state = match (row.revoked_ms, row.key) {
            (Some(_), _) => Enrolled::Revoked,
            (None, Some(k)) => Enrolled::Key(k, SealKey::from_bytes(k)),
            (None, None) => continue,
        };
        map.insert(row.register_id, state);
    }
    let until = r.store().kv_get(KV_ENROLL_UNTIL)?.and_then(|v| v.parse::<u64>().ok());
    Ok((map, until))
}

struct Keys {
    store: StoreId,
    confirmed: bool,
    key: SealKey,
    secret: Secret,
    /// Last adoption attempt per address: each costs an Argon2 derivation.
    adoption_tries: std::collections::HashMap<std::net::IpAddr, Instant>,
    /// Keys derived for candidate store ids, so a retry does not derive again.
    candidates: Vec<(StoreId, SealKey)>,
    /// Client registers' own keys and revocations, refreshed whenever the database changes.
    registers: std::collections::HashMap<RegisterId, Enrolled>,
    /// Until when new registers may enroll (`None`: always).
    enroll_until_ms: Option<u64>,
}

/// Counters for `/metrics`. Answering `/metrics` reads only these: it never touches the
/// database or the register lock, so it cannot be used to slow the register down.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<std::collections::BTreeMap<(&'static str, u16), u64>>,
    /// Events received in pushes that were new.
    pub events_received: AtomicU64,
    /// Long-polls currently held open.
    pub waiting: AtomicUsize,
    /// Gauges refreshed from the database at most once a second: events, orders, pending, peers.
    gauges: [AtomicU64; 4],
    refreshed: Mutex<Option<Instant>>,
}

impl Metrics {
    /// Counts a finished request.
    pub fn count(&self, route: &'static str, status: u16) {
        *lock(&self.requests).entry((route, status)).or_insert(0) += 1;
    }
}

/// The server's sync core.
pub struct SyncService {
    reg: SharedRegister,
    bus: Arc<SyncEventBus>,
    me: RegisterId,
    name: String,
    port: u16,
    epoch: [u8; 16],
    keys: Mutex<Keys>,
    /// Request counters and gauges.
    pub metrics: Metrics,
}

impl std::fmt::Debug for SyncService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncService").field("me", &self.me).field("name", &self.name).finish()
    }
}

fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    postcard::from_bytes(bytes).map_err(|e| ApiError::bad_request(format!("malformed request: {e}")))
}

impl SyncService {
    /// Prepares the service: makes a store id if this register has none (unconfirmed, so a
    /// replacement server still adopts the store of its first client), derives the key, and
    /// loads the log head into a bus that keeps `ring` recent events.
    pub fn new(reg: SharedRegister, secret: Secret, port: u16, ring: usize) -> Result<SyncService, ApiError> {
        let (me, name, store, confirmed, epoch, head) = {
            let mut r = lock(&reg);
            let name = r.name().map_err(ApiError::internal)?;
            let s = r.store_mut();
            let store = match s.kv_get(KV_STORE_ID).map_err(ApiError::internal)?.and_then(|v| v.parse::<StoreId>().ok())
            {
                Some(id) => id,
                None => {
                    let id = StoreId(random_bytes().map_err(ApiError::internal)?);
                    s.write(|tx| {
                        tx.kv_set(KV_STORE_ID, &id.to_string())?;
                        tx.kv_set(KV_STORE_CONFIRMED, "0")
                    })
                    .map_err(ApiError::internal)?;
                    id
                }
            };
            let confirmed = s.kv_get(KV_STORE_CONFIRMED).map_err(ApiError::internal)?.as_deref() == Some("1");
            let epoch = s
                .kv_get(KV_LOG_EPOCH)
                .map_err(ApiError::internal)?
                .and_then(|e| crate::model::unhex::<16>(&e))
                .unwrap_or([0; 16]);
            let head = s.reader().head().map_err(ApiError::internal)?;
            (s.register_id(), name, store, confirmed, epoch, head)
        };
        let key = SealKey::derive(secret.expose(), store).map_err(ApiError::internal)?;
        let (registers, enroll_until_ms) = load_registry(&lock(&reg)).map_err(ApiError::internal)?;
        let svc = SyncService {
            reg,
            bus: Arc::new(SyncEventBus::new(ring, head)),
            me,
            name,
            port,
            epoch,
            keys: Mutex::new(Keys {
                store,
                confirmed,
                key,
                secret,
                adoption_tries: std::collections::HashMap::new(),
                candidates: Vec::new(),
                registers,
                enroll_until_ms,
            }),
            metrics: Metrics::default(),
        };
        svc.catch_up().map_err(ApiError::internal)?;
        Ok(svc)
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
                eprintln!("till: register {} revoked: refusing its requests", id.short());
            }
        }
        k.registers = registers;
        k.enroll_until_ms = until;
        Ok(())
    }

    /// `GET /api/discover`.
    pub fn discover(&self) -> Discover {
        let k = lock(&self.keys);
        Discover {
            product: PRODUCT.to_string(),
            protocol_version: PROTOCOL_VERSION,
            register_name: self.name.clone(),
            register_id: self.me.to_string(),
            port: self.port,
            store_id: Some(k.store.to_string()),
            store_confirmed: k.confirmed,
        }
    }

    /// Authenticates a sealed request for `method path` from `peer`. Adopts the sender's store id
    /// if this server's own was never confirmed and the envelope proves the sender holds the
    /// secret under that id (a replacement server joining the store its registers belong to).
    pub async fn open(
        &self,
        method: &str,
        path: &str,
        wire: &[u8],
        peer: Option<std::net::IpAddr>,
    ) -> Result<Opened, ApiError> {
        let env = Envelope::from_bytes(wire).map_err(|_| ApiError::bad_request("malformed envelope"))?;
        if env.version != PROTOCOL_VERSION {
            return Err(ApiError::version(env.version));
        }
        let binding = Binding::Request { method, path };
        let enrolled = lock(&self.keys).registers.get(&env.sender).cloned();
        if let Some(Enrolled::Revoked) = enrolled {
            return Err(ApiError::forbidden(
                "this register was revoked at the server: it can no longer sync with this store",
            ));
        }
        // Every request but hello is sealed with the sender's own key, so the store's secret
        // alone (a stolen register's, say) is not enough to act as another register.
        if path != HELLO_PATH {
            let Some(Enrolled::Key(_, key)) = enrolled else {
                return Err(ApiError::unauthorized());
            };
            if env.store != lock(&self.keys).store {
                return Err(ApiError::other_store());
            }
            let plaintext = env.open(&key, binding).map_err(|_| ApiError::unauthorized())?;
            return Ok(Opened { sender: env.sender, nonce: env.nonce, plaintext, key });
        }
        let (store, confirmed, key, secret) = {
            let k = lock(&self.keys);
            (k.store, k.confirmed, k.key.clone(), k.secret.clone())
        };
        if env.store == store {
            let plaintext = env.open(&key, binding).map_err(|_| ApiError::unauthorized())?;
            return Ok(Opened { sender: env.sender, nonce: env.nonce, plaintext, key });
        }
        if confirmed {
            return Err(ApiError::other_store());
        }
        // The derivation is slow on purpose: at most one attempt per address every two seconds,
        // and a key derived once for a candidate store id is kept.
        let theirs = env.store;
        let cached = {
            let mut k = lock(&self.keys);
            let cached = k.candidates.iter().find(|(s, _)| *s == theirs).map(|(_, key)| key.clone());
            if cached.is_none() {
                let addr = peer.unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]));
                if k.adoption_tries.get(&addr).is_some_and(|t| t.elapsed() < Duration::from_secs(2)) {
                    return Err(ApiError::unavailable("busy checking another store id; retry shortly"));
                }
                if k.adoption_tries.len() > 1024 {
                    k.adoption_tries.clear();
                }
                k.adoption_tries.insert(addr, Instant::now());
            }
            cached
        };
        let candidate = match cached {
            Some(key) => key,
            None => {
                let key = smol::unblock(move || SealKey::derive(secret.expose(), theirs))
                    .await
                    .map_err(|e: EnvelopeError| ApiError::internal(e))?;
                let mut k = lock(&self.keys);
                if k.candidates.len() >= 8 {
                    k.candidates.remove(0);
                }
                k.candidates.push((theirs, key.clone()));
                key
            }
        };
        let plaintext = env.open(&candidate, binding).map_err(|_| ApiError::unauthorized())?;
        {
            let mut k = lock(&self.keys);
            k.store = theirs;
            k.key = candidate.clone();
            k.candidates.clear();
        }
        self.confirm(theirs).await?;
        eprintln!("till: adopted store {theirs} from register {}", env.sender.short());
        Ok(Opened { sender: env.sender, nonce: env.nonce, plaintext, key: candidate })
    }

    async fn confirm(&self, store: StoreId) -> Result<(), ApiError> {
        let reg = self.reg.clone();
        smol::unblock(move || {
            lock(&reg).store_mut().write(|tx| {
                tx.kv_set(KV_STORE_ID, &store.to_string())?;
                tx.kv_set(KV_STORE_CONFIRMED, "1")
            })
        })
        .await
        .map_err(ApiError::internal)?;
        lock(&self.keys).confirmed = true;
        Ok(())
    }

    /// Seals a response to an opened request.
    pub fn seal(&self, req: &Opened, method: &str, path: &str, plaintext: &[u8]) -> Result<Vec<u8>, ApiError> {
        let store = lock(&self.keys).store;
        let nonce = random_bytes().map_err(ApiError::internal)?;
        let binding = Binding::Response { method, path, request_nonce: &req.nonce };
        Ok(Envelope::seal(&req.key, store, self.me, nonce, binding, plaintext).to_bytes())
    }

    /// `POST /api/auth/hello`.
    pub async fn hello(&self, req: &Opened, addr: Option<String>) -> Result<HelloResponse, ApiError> {
        let hello: HelloRequest = decode(&req.plaintext)?;
        let (store, confirmed, enrolled, enroll_open) = {
            let k = lock(&self.keys);
            let open = k.enroll_until_ms.is_none_or(|until| unix_ms() < until);
            (k.store, k.confirmed, k.registers.get(&req.sender).cloned(), open)
        };
        let enroll = match enrolled {
            Some(Enrolled::Key(k, _)) if k == hello.register_key => false,
            Some(Enrolled::Key(..)) => {
                return Err(ApiError::forbidden(
                    "this register id is enrolled here with another key (a copy of another register?)",
                ));
            }
            Some(Enrolled::Revoked) => {
                return Err(ApiError::forbidden("this register was revoked at the server"));
            }
            None if enroll_open => true,
            None => {
                return Err(ApiError::forbidden(
                    "the server does not accept new registers now: open enrollment on the server (till peers enroll --open)",
                ));
            }
        };
        if hello.store_known && !confirmed {
            self.confirm(store).await?;
        }
        let (sender, reg, register_key) = (req.sender, self.reg.clone(), hello.register_key);
        let (head, now) = smol::unblock(move || {
            let mut r = lock(&reg);
            let s = r.store_mut();
            s.write(|tx| {
                tx.record_peer(sender, &hello.register_name, addr.as_deref(), unix_ms(), Some(hello.pending), 0)?;
                if enroll {
                    tx.enroll_register(sender, &register_key)?;
                }
                Ok::<(), crate::store::StoreError>(())
            })?;
            // The clock this server stamps its own events with (a promoted client keeps the
            // offset it learned), so clients align to the time its events carry.
            let now = r.now_ms().unwrap_or_else(|_| unix_ms());
            r.store().reader().head().map(|h| (h, now))
        })
        .await
        .map_err(ApiError::internal)?;
        if enroll {
            eprintln!("till: register {} enrolled", sender.short());
            lock(&self.keys).registers.insert(sender, Enrolled::Key(register_key, SealKey::from_bytes(register_key)));
        }
        Ok(HelloResponse {
            server_name: self.name.clone(),
            server_id: self.me,
            server_time_ms: now,
            epoch: self.epoch,
            head,
        })
    }

    /// `POST /api/sync/events`: stores new events (duplicates change nothing), publishes them.
    pub async fn push(&self, req: &Opened, addr: Option<String>) -> Result<PushResponse, ApiError> {
        let push: PushRequest = decode(&req.plaintext)?;
        if push.events.len() > MAX_BATCH_EVENTS {
            return Err(ApiError::bad_request(format!("at most {MAX_BATCH_EVENTS} events per push")));
        }
        // Decoding is CPU work that needs no lock: do it before taking the register, so it
        // overlaps with another request's apply.
        let incoming: Vec<Incoming> =
            smol::unblock(move || push.events.into_iter().filter_map(|b| Incoming::decode(b).ok()).collect()).await;
        let pending_after = push.pending_after;
        let (sender, reg, bus) = (req.sender, self.reg.clone(), self.bus.clone());
        let (report, head) = smol::unblock(move || {
            let mut r = lock(&reg);
            let s = r.store_mut();
            let report = s
                .write(|tx| {
                    let report = tx.apply_incoming(&incoming, unix_ms())?;
                    tx.record_peer(
                        sender,
                        "",
                        addr.as_deref(),
                        unix_ms(),
                        Some(pending_after),
                        report.inserted as u64,
                    )?;
                    Ok::<_, crate::store::StoreError>(report)
                })
                .map_err(ApiError::internal)?;
            // The new events follow the bus head unless another process wrote in between:
            // then read the log, which keeps the bus gap-free.
            let follows = report.positions.first().is_some_and(|(p, _)| *p == bus.head() + 1);
            if follows {
                bus.publish(report.positions.iter().map(|&(seq, i)| BusEntry {
                    seq,
                    id: incoming[i].header.id,
                    bytes: Arc::from(incoming[i].bytes.as_slice()),
                }));
            }
            catch_up_locked(&mut r, &bus).map_err(ApiError::internal)?;
            Ok((report, bus.head()))
        })
        .await?;
        self.metrics.events_received.fetch_add(report.inserted as u64, Ordering::Relaxed);
        if let Some(k) = &report.rekeyed {
            eprintln!(
                "till: this register was restored from an old backup: re-issued {} events under new id {} (was {})",
                k.reissued,
                k.new.short(),
                k.old.short()
            );
        }
        Ok(PushResponse {
            stored: report.inserted as u32,
            duplicates: report.duplicates as u32,
            head,
            conflicts: bounded(report.conflicts, crate::sync::protocol::MAX_BATCH_BYTES),
        })
    }

    /// `POST /api/sync/missing`: one bounded batch of the events this server holds beyond the
    /// client's vector (anti-entropy from server to client).
    pub async fn missing(&self, req: &Opened) -> Result<MissingResponse, ApiError> {
        let missing: MissingRequest = decode(&req.plaintext)?;
        let reg = self.reg.clone();
        let events = smol::unblock(move || {
            lock(&reg).store().reader().events_beyond(&missing.vector, MAX_BATCH_EVENTS, MAX_PULL_BYTES)
        })
        .await
        .map_err(ApiError::internal)?;
        Ok(MissingResponse { events })
    }

    /// `POST /api/sync/state`: this server's vector, so the client can send what it lacks, and
    /// a digest per common origin, so it can tell whether some register reused ids.
    pub async fn state(&self, req: &Opened) -> Result<StateResponse, ApiError> {
        let theirs: StateRequest = decode(&req.plaintext)?;
        let reg = self.reg.clone();
        let (vector, digests, head) = smol::unblock(move || {
            let r = lock(&reg);
            let rd = r.store().reader();
            let mine = rd.vector()?;
            let mut digests = Vec::new();
            for (origin, their_mark) in theirs.vector.iter().take(10_000) {
                let Some(my_mark) = mine.iter().find(|(o, _)| o == origin).map(|(_, m)| *m) else { continue };
                let seq = my_mark.min(*their_mark);
                if seq == 0 {
                    continue;
                }
                if let Some(body) = rd.body_of(&EventId { origin: *origin, seq })? {
                    digests.push((*origin, seq, crate::sync::protocol::digest(&body)));
                }
            }
            Ok::<_, crate::store::StoreError>((mine, digests, rd.head()?))
        })
        .await
        .map_err(ApiError::internal)?;
        Ok(StateResponse { vector, digests, epoch: self.epoch, head })
    }

    /// The id of the event at a log position: from the ring, else from the database (off the
    /// executor thread, which must never wait on SQLite or the register lock).
    async fn id_at(&self, seq: u64) -> Result<Option<EventId>, ApiError> {
        if let Some(id) = self.bus.id_at(seq) {
            return Ok(Some(id));
        }
        let reg = self.reg.clone();
        smol::unblock(move || lock(&reg).store().reader().event_id_at(seq))
            .await
            .map_err(|e| ApiError::unavailable(format!("cannot read the log: {e}")))
    }

    /// `GET /api/sync/events`: events after `cursor`, held open up to `wait` until some arrive.
    /// The sender's own events are skipped (it has them) but the cursor moves past them.
    pub async fn pull(&self, sender: RegisterId, cursor: Cursor, wait: Duration) -> Result<PullResponse, ApiError> {
        let head = self.bus.head();
        let fresh = Cursor { epoch: self.epoch, seq: 0, at: None };
        let at_matches = match (cursor.seq, cursor.at) {
            (0, _) => true,
            (_, None) => false,
            // A read error is "try again", not "your cursor is wrong": no spurious full re-read.
            (seq, Some(at)) => self.id_at(seq).await? == Some(at),
        };
        let valid = cursor.epoch == self.epoch && cursor.seq <= head && at_matches;
        if !valid {
            return Ok(PullResponse { reset: true, next: fresh, events: Vec::new(), head });
        }
        let deadline = Instant::now() + wait.min(MAX_WAIT);
        loop {
            let entries = match self.bus.read(cursor.seq, MAX_BATCH_EVENTS, MAX_PULL_BYTES) {
                Read::Entries(e) => e,
                Read::TooOld => {
                    let (reg, since) = (self.reg.clone(), cursor.seq);
                    smol::unblock(move || {
                        lock(&reg).store().reader().log_entries(since, MAX_BATCH_EVENTS, MAX_PULL_BYTES)
                    })
                    .await
                    .map_err(ApiError::internal)?
                    .into_iter()
                    .map(bus_entry)
                    .collect()
                }
            };
            if let Some(last) = entries.last() {
                let next = Cursor { epoch: self.epoch, seq: last.seq, at: Some(last.id) };
                let events =
                    entries.iter().filter(|e| e.id.origin != sender).map(|e| e.bytes.to_vec()).collect::<Vec<_>>();
                return Ok(PullResponse { reset: false, next, events, head: self.bus.head() });
            }
            if self.bus.is_closed() {
                return Err(ApiError::unavailable("server is stopping"));
            }
            self.metrics.waiting.fetch_add(1, Ordering::Relaxed);
            let more = self.bus.wait_beyond(cursor.seq, deadline).await;
            self.metrics.waiting.fetch_sub(1, Ordering::Relaxed);
            if !more || Instant::now() >= deadline {
                return Ok(PullResponse { reset: false, next: cursor, events: Vec::new(), head: self.bus.head() });
            }
            // Never spin: something is beyond the cursor, so the next read finds it (the ring or
            // the log); and yield once, so one long-poll cannot hold the executor.
            smol::future::yield_now().await;
        }
    }

    /// Read-only data endpoints, as the same JSON the CLI prints.
    pub async fn data(&self, what: &str) -> Result<Vec<u8>, ApiError> {
        let reg = self.reg.clone();
        let what = what.to_string();
        smol::unblock(move || {
            let r = lock(&reg);
            let rd = r.store().reader();
            let json = |v: Result<serde_json::Value, crate::store::StoreError>| {
                v.map_err(ApiError::internal).and_then(|v| serde_json::to_vec(&v).map_err(ApiError::internal))
            };
            match what.as_str() {
                "products" => json(rd.products(true).map(to_json)),
                "orders" => json(rd.orders(None).map(to_json)),
                "stock" => json(rd.stock(None).map(to_json)),
                "status" => json(rd.counts().map(to_json)),
                _ => Err(ApiError { status: 404, reason: format!("no data endpoint {what}") }),
            }
        })
        .await
    }

    /// Refreshes the `/metrics` gauges from the database, at most once a second.
    pub fn refresh_gauges(&self) {
        {
            let mut last = lock(&self.metrics.refreshed);
            if last.is_some_and(|t| t.elapsed() < Duration::from_secs(1)) {
                return;
            }
            *last = Some(Instant::now());
        }
        let r = lock(&self.reg);
        let rd = r.store().reader();
        let c = rd.counts().unwrap_or_default();
        let peers = rd.peer_count().unwrap_or(0);
        for (g, v) in self.metrics.gauges.iter().zip([c.events as u64, c.orders as u64, c.pending_events as u64, peers])
        {
            g.store(v, Ordering::Relaxed);
        }
    }

    /// Prometheus text for `/metrics`, from counters and cached gauges only.
    pub fn metrics_text(&self) -> String {
        let g = |i: usize| self.metrics.gauges[i].load(Ordering::Relaxed);
        let counts = (
            crate::store::Counts {
                events: g(0) as i64,
                orders: g(1) as i64,
                pending_events: g(2) as i64,
                ..Default::default()
            },
            g(3),
        );
        let mut out = String::new();
        let mut line = |name: &str, help: &str, kind: &str, value: String| {
            out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"));
        };
        line("till_events_stored", "Events in this server's log.", "gauge", counts.0.events.to_string());
        line("till_orders", "Orders in this server's store.", "gauge", counts.0.orders.to_string());
        line("till_clients_seen", "Registers that have contacted this server.", "gauge", counts.1.to_string());
        line(
            "till_pending_events",
            "Events made here not yet acknowledged.",
            "gauge",
            counts.0.pending_events.to_string(),
        );
        line("till_bus_head", "Last log position published to long-pollers.", "gauge", self.bus.head().to_string());
        line(
            "till_longpolls_waiting",
            "Long-polls currently held open.",
            "gauge",
            self.metrics.waiting.load(Ordering::Relaxed).to_string(),
        );
        line(
            "till_events_received_total",
            "Pushed events that were new to this server.",
            "counter",
            self.metrics.events_received.load(Ordering::Relaxed).to_string(),
        );
        out.push_str(
            "# HELP till_requests_total HTTP requests by route and status.\n# TYPE till_requests_total counter\n",
        );
        for ((route, status), n) in lock(&self.metrics.requests).iter() {
            out.push_str(&format!("till_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}\n"));
        }
        out
    }

    /// Closes the bus: long-polls return at once (the server is stopping).
    pub fn close(&self) {
        self.bus.close();
    }
}

/// Keeps the first events that fit in `max_bytes` (at least one): the rest show up again on a
/// later exchange.
fn bounded(events: Vec<Vec<u8>>, max_bytes: usize) -> Vec<Vec<u8>> {
    let mut total = 0;
    events
        .into_iter()
        .take_while(|e| {
            let first = total == 0;
            total += e.len();
            first || total <= max_bytes
        })
        .collect()
}

fn to_json<T: Serialize>(v: T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
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
