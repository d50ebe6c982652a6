//! SyncPoller: a client register's sync loop (docs/PROTOCOL.md).
//!
//! A session connects (discover, store id, key), says hello (the server's clock offset is
//! adopted for the HLC), runs anti-entropy (version vectors: send whatever the server lacks, from
//! any origin), then runs two loops side by side until one fails:
//! - the pusher sends the outbox in bounded batches the moment a local commit lands (the data
//!   directory watcher wakes it), so an order does not wait for a long-poll to come back;
//! - the puller long-polls the server's log, applying each batch and its cursor in one
//!   transaction. A cursor the server no longer recognises (its database was replaced or
//!   restored) resets to the start of its log and runs anti-entropy again.
//!
//! On failure the poller backs off exponentially with jitter up to a cap, then reconnects by itself.

use std::sync::Arc;
use std::time::Duration;

use log::{info, warn};

use super::client::{ClientError, LocalApiClient};
use super::discovery::{StoreIdentity, find_store_server};
use super::{SharedRegister, lock, random_bytes, unix_ms};
use crate::config::{LocalApiConfig, Secret, ServerAddr};
use crate::logger::{Repeats, Report};
use crate::model::RegisterId;
use crate::store::kv::{self, SyncState, SyncStatus};
use crate::store::{DbWatcher, StoreError};
use crate::sync::protocol::{Cursor, HelloRequest, HelloResponse, MAX_BATCH_BYTES, MAX_BATCH_EVENTS, Vector};
use crate::sync::{SealKey, StoreId};

/// How often a failure that keeps repeating is summarized in the log.
const FAILURE_SUMMARY_EVERY: Duration = Duration::from_secs(300);

/// Timings of the poller; the defaults suit a store, tests shorten them.
#[derive(Clone, Debug)]
pub struct PollerTuning {
    /// First retry delay after a failure.
    pub backoff_min: Duration,
    /// Longest retry delay.
    pub backoff_max: Duration,
    /// Long-poll wait right after activity.
    pub wait_min: Duration,
    /// Long-poll wait when the store is quiet (the idle interval).
    pub wait_max: Duration,
    /// Events per push.
    pub push_batch: usize,
    /// A fixed-address client's interval for looking for a server of a higher term while its
    /// own does not answer; `None` (the default) never looks. `from_env` sets it.
    pub follow_every: Option<Duration>,
}

impl Default for PollerTuning {
    fn default() -> Self {
        PollerTuning {
            backoff_min: Duration::from_millis(200),
            backoff_max: Duration::from_secs(10),
            wait_min: Duration::from_secs(2),
            wait_max: Duration::from_secs(25),
            push_batch: 1_000,
            follow_every: None,
        }
    }
}

impl PollerTuning {
    /// Defaults, with the backoff cap from `TILL_SYNC_BACKOFF_MAX_MS` if set (tests and sites
    /// that want a faster reconnect after the server returns).
    pub fn from_env() -> PollerTuning {
        let mut t = PollerTuning { follow_every: crate::net::follow::follow_every(), ..PollerTuning::default() };
        if let Ok(v) = std::env::var("TILL_SYNC_BACKOFF_MAX_MS") {
            match v.parse::<u64>() {
                Ok(ms) => {
                    t.backoff_max = Duration::from_millis(ms.max(10));
                    t.backoff_min = t.backoff_min.min(t.backoff_max);
                }
                Err(_) => warn!("TILL_SYNC_BACKOFF_MAX_MS={v:?} is not a number of milliseconds; keeping the default"),
            }
        }
        t
    }
}

/// Exponential backoff with jitter: the n-th delay is uniform in [cap/2, cap], cap = min·2ⁿ ≤ max.
#[derive(Debug)]
struct Backoff {
    n: u32,
    min: Duration,
    max: Duration,
}

impl Backoff {
    fn next_delay(&mut self) -> Duration {
        let cap = self.min.saturating_mul(1u32 << self.n.min(20)).min(self.max);
        self.n = self.n.saturating_add(1);
        let r = random_bytes::<4>().map(u32::from_le_bytes).unwrap_or(0);
        cap / 2 + cap.mul_f64(f64::from(r) / f64::from(u32::MAX) / 2.0)
    }

    fn reset(&mut self) {
        self.n = 0;
    }
}

/// After a re-key this register has a new id: end the session, so the next one says hello
/// under it (the server skips a sender's own events when it answers pulls).
fn rekey_ends_session(rekeyed: Option<crate::store::Rekeyed>) -> Outcome {
    match rekeyed {
        None => Ok(()),
        Some(k) => {
            warn!(
                "this register was restored from an old backup (or cloned): re-issued {} events under new id {} (was {})",
                k.reissued,
                k.new.short(),
                k.old.short()
            );
            Err(ClientError::Protocol("re-keyed; reconnecting under the new register id".into()))
        }
    }
}

/// Raises a vector past a batch of encoded events (to page through anti-entropy).
fn advance(vector: &mut Vector, events: &[Vec<u8>]) {
    for bytes in events {
        if let Ok(h) = crate::sync::Event::decode_header(bytes) {
            match vector.iter_mut().find(|(o, _)| *o == h.id.origin) {
                Some((_, n)) => *n = (*n).max(h.id.seq),
                None => vector.push((h.id.origin, h.id.seq)),
            }
        }
    }
}

/// A client register's sync loop.
pub struct SyncPoller {
    reg: SharedRegister,
    watcher: Arc<DbWatcher>,
    server: String,
    /// Set for a client configured with `server=scan`: the port its server is found on.
    scan_port: Option<u16>,
    secret: Secret,
    tuning: PollerTuning,
    me: RegisterId,
    name: String,
    key_cache: Option<(StoreId, SealKey)>,
    /// The server register's id, from the session's hello.
    server_id: Option<RegisterId>,
    /// A standby's wait before it takes over (`None`: not the standby).
    standby_after: Option<Duration>,
    /// When the server was last there (a session's end, or the poller's start).
    last_contact: std::time::Instant,
    /// A fixed-address client's interval for looking for a server of a higher term while its
    /// own does not answer (`None`: never; `net::follow::follow_every`).
    follow_every: Option<Duration>,
    /// When it last looked.
    last_follow: Option<std::time::Instant>,
    /// The term its server stated at the last hello (0 before any).
    server_term: u64,
    /// Updates over the LAN: it outlives sessions, so a download resumes in the next.
    updater: Arc<super::updater::Updater>,
}

impl std::fmt::Debug for SyncPoller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncPoller").field("server", &self.server).finish()
    }
}

type Outcome = Result<(), ClientError>;

fn store_err(e: StoreError) -> ClientError {
    ClientError::Protocol(format!("local database: {e}"))
}

impl SyncPoller {
    /// The poller of a client setup: for its server's address, or one that finds its server by
    /// scanning the register's subnets at the setup's port and scans again whenever the server
    /// it found stops answering (it may have a new DHCP address). `None` when the setup lacks a
    /// server or a secret.
    pub fn new(
        reg: SharedRegister,
        watcher: Arc<DbWatcher>,
        setup: &LocalApiConfig,
        tuning: PollerTuning,
    ) -> Option<SyncPoller> {
        let (server, scan_port) = match setup.server.as_ref()? {
            ServerAddr::Addr { .. } => (setup.server.as_ref()?.to_string(), None),
            ServerAddr::Scan => (String::new(), Some(setup.port)),
        };
        let me = lock(&reg).store().register_id();
        let reg_for_updater = reg.clone();
        Some(SyncPoller {
            reg,
            watcher,
            server,
            scan_port,
            secret: setup.secret.clone()?,
            tuning: tuning.clone(),
            me,
            name: setup.register_name.clone(),
            key_cache: None,
            server_id: None,
            standby_after: setup.standby.then(|| Duration::from_secs(setup.standby_after_secs)),
            last_contact: std::time::Instant::now(),
            follow_every: tuning.follow_every,
            last_follow: None,
            server_term: 0,
            updater: Arc::new(super::updater::Updater::new(reg_for_updater)),
        })
    }

    /// Connects to the server, finding it first when the register is set to scan.
    async fn connect(&mut self, my_store: Option<StoreId>) -> Result<LocalApiClient, ClientError> {
        let own = self.db(|r| crate::net::own_key(r.store_mut())).await?;
        if let Some(port) = self.scan_port {
            if !self.server.is_empty() {
                match LocalApiClient::connect(
                    &self.server,
                    self.me,
                    my_store,
                    &self.secret,
                    self.key_cache.clone(),
                    &own,
                )
                .await
                {
                    Err(ClientError::Unreachable(..) | ClientError::NotTill(..)) => {
                        info!("the server at {} no longer answers; scanning again", self.server)
                    }
                    other => return other,
                }
            }
            self.set_status(SyncState::Scanning, None, None).await;
            let who = StoreIdentity {
                me: self.me,
                name: self.name.clone(),
                store: my_store,
                secret: Some(self.secret.clone()),
                own: own.clone(),
                key: self.key_cache.clone(),
            };
            let (found, report) = find_store_server(port, &who).await?;
            info!(
                "scan found server {} at {} ({} hosts probed in {} ms)",
                found.discover.register_name, found.address, report.probed, report.elapsed_ms
            );
            self.server = found.address.to_string();
        }
        LocalApiClient::connect(&self.server, self.me, my_store, &self.secret, self.key_cache.clone(), &own).await
    }

    async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut crate::register::Register) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, ClientError> {
        let reg = self.reg.clone();
        smol::unblock(move || f(&mut lock(&reg))).await.map_err(store_err)
    }

    /// Records where the session stands for `till status` and the screen. Best effort: a
    /// status that cannot be written (a full disk) must not stop the sync itself, so it is logged.
    async fn set_status(&self, state: SyncState, server_name: Option<String>, error: Option<String>) {
        let status = SyncStatus {
            state,
            server: if self.server.is_empty() { "scan".into() } else { self.server.clone() },
            server_name,
            last_error: error,
            since_ms: unix_ms(),
        };
        if let Err(e) = self.db(move |r| r.store_mut().set(kv::SYNC_STATUS, &status)).await {
            log::debug!("cannot record the sync status: {e}");
        }
    }

    /// Runs until the task is dropped: connect, sync, and on failure back off and reconnect.
    pub async fn run(mut self) {
        let mut backoff = Backoff { n: 0, min: self.tuning.backoff_min, max: self.tuning.backoff_max };
        let mut failures = Repeats::new(FAILURE_SUMMARY_EVERY);
        self.set_status(SyncState::Connecting, None, None).await;
        loop {
            let err = match self.session(&mut backoff, &mut failures).await {
                Ok(()) => continue,
                Err(e) => e,
            };
            let delay = backoff.next_delay();
            let server = if self.server.is_empty() { "the scanned server" } else { self.server.as_str() };
            // One line when the failure starts or changes, then a summary now and then.
            match failures.note(&err.to_string(), std::time::Instant::now()) {
                Report::Changed => warn!("sync with {server} failed: {err}; retrying with backoff"),
                Report::Summary(n) => warn!("sync with {server} still failing ({n} more attempts): {err}"),
                Report::Quiet => {
                    log::debug!("sync with {server} failed again: {err}; retry in {} ms", delay.as_millis())
                }
            }
            self.set_status(SyncState::Offline, None, Some(err.to_string())).await;
            if self.standby_takes_over(&err).await || self.follow_higher_term(&err).await {
                return;
            }
            smol::Timer::after(delay).await;
        }
    }

    /// A standby whose server has not been reached for `standby_after` (it does not answer, or
    /// a scan finds none) promotes itself; the setup it saves switches the running register to
    /// serving. A server that answers but refuses (a wrong secret, a lower term) is not gone.
    async fn standby_takes_over(&self, err: &ClientError) -> bool {
        let Some(after) = self.standby_after else { return false };
        let gone = matches!(err, ClientError::Unreachable(..) | ClientError::NotTill(..) | ClientError::Overloaded(..));
        let apart = self.last_contact.elapsed();
        if !gone || apart < after {
            return false;
        }
        let reg = self.reg.clone();
        // (The takeover logs its own line: the setup it saves may stop this task first.)
        match smol::unblock(move || lock(&reg).take_over(apart)).await {
            Ok(_) => true,
            Err(e) => {
                warn!("standby: cannot take over: {e}");
                false
            }
        }
    }

    /// A client with a fixed address whose server has not answered for a while looks for a
    /// server of its store stating a higher term than its own server did (and at least the
    /// highest it knows): its server may have died for good, or stepped down and stopped
    /// listening. Found, it saves that server's address as its own; the setup change restarts
    /// the poller there. A server that answers but refuses is not gone, and is not left.
    async fn follow_higher_term(&mut self, err: &ClientError) -> bool {
        let Some(every) = self.follow_every else { return false };
        let gone = matches!(err, ClientError::Unreachable(..) | ClientError::NotTill(..));
        let looked = self.last_follow.is_some_and(|t| t.elapsed() < every);
        if self.scan_port.is_some() || !gone || looked || self.last_contact.elapsed() < every {
            return false;
        }
        self.last_follow = Some(std::time::Instant::now());
        let Ok(ServerAddr::Addr { port, .. }) = self.server.parse::<ServerAddr>() else { return false };
        let read = self
            .db(|r| {
                let known = r.store().reader().server_term()?.term;
                Ok((known, r.store().get(kv::STORE_ID)?, crate::net::own_key(r.store_mut())?))
            })
            .await;
        let Ok((known, store, own)) = read else { return false };
        let who = StoreIdentity {
            me: self.me,
            name: self.name.clone(),
            store,
            secret: Some(self.secret.clone()),
            own,
            key: self.key_cache.clone(),
        };
        let above = self.server_term.max(known.saturating_sub(1));
        let Some(found) = crate::net::follow::higher_term_server(port, &who, above).await else { return false };
        let to = ServerAddr::Addr { host: found.address.ip().to_string(), port: found.address.port() };
        let (old, apart) = (self.server.clone(), self.last_contact.elapsed().as_secs());
        info!(
            "following register {} at {to}, serving term {}: the server at {old} has not answered for {apart} s",
            found.discover.register_name,
            found.discover.term.unwrap_or(0)
        );
        let update = crate::config::ConfigUpdate::mode(crate::config::Mode::Client).with_server(to);
        let new = match self.db(|r| r.store().setup()).await.map(|cfg| cfg.with(update)) {
            Ok(Ok(new)) => new,
            Ok(Err(e)) => {
                warn!("cannot follow the server of the higher term: {e}");
                return false;
            }
            Err(e) => {
                warn!("cannot follow the server of the higher term: {e}");
                return false;
            }
        };
        let saved = self.db(move |r| r.store_mut().write(|tx| tx.save_setup(&new))).await;
        match saved {
            Ok(()) => true,
            Err(e) => {
                warn!("cannot follow the server of the higher term: {e}");
                false
            }
        }
    }

    /// Connects and says hello: the server's clock offset and store id are adopted.
    async fn greet(&mut self) -> Result<(LocalApiClient, HelloResponse), ClientError> {
        // The register id can change under us (a re-key after a restore): read it each session.
        self.me = self.db(|r| Ok(r.store().register_id())).await?;
        let my_store: Option<StoreId> = self.db(|r| r.store().get(kv::STORE_ID)).await?;
        let client = self.connect(my_store).await?;
        self.key_cache = Some((client.store(), client.key().clone()));

        let pending = self.db(|r| r.store().reader().pending_count()).await?;
        let mark = super::ClockMark::now();
        let t0 = mark.wall_ms;
        let hello = client
            .hello(
                &HelloRequest {
                    register_name: self.name.clone(),
                    client_time_ms: t0,
                    pending,
                    store_known: my_store == Some(client.store()),
                    register_key: client.register_key(),
                },
                &self.updater.software(),
            )
            .await?;
        let t1 = unix_ms();
        let store = client.store();
        let offset = super::clock_offset_ms(hello.server_time_ms, t0, t1);
        client.set_offset(offset);
        self.server_id = Some(hello.server_id);
        self.db(move |r| {
            let s = r.store_mut();
            // A register that never learned an offset runs on its own clock.
            let old = s.get(kv::CLOCK_OFFSET)?.unwrap_or(0);
            s.write(|tx| {
                tx.set(kv::STORE_ID, &store)?;
                tx.set(kv::STORE_CONFIRMED, &true)?;
                // Adopt the server's clock, ignoring jitter below a quarter second. Not when our
                // clock was stepped since the hello was sent (SNTP): the offset was measured
                // against the old clock, and the next session measures it again.
                if mark.stepped() {
                    warn!("the clock was stepped during the hello; keeping the clock offset until the next");
                } else if offset.saturating_sub(old).abs() > 250 {
                    tx.set(kv::CLOCK_OFFSET, &offset)?;
                }
                Ok(())
            })
        })
        .await?;
        Ok((client, hello))
    }

    /// One pull of whatever the server holds beyond this register's vector, within `limit`
    /// (`till setup promote`, before this client takes over): how many events were new here.
    pub async fn last_pull(mut self, limit: Duration) -> Result<u64, ClientError> {
        let server = if self.server.is_empty() { "the scanned server".to_string() } else { self.server.clone() };
        let work = async {
            let (client, _) = self.greet().await?;
            let before = self.db(|r| r.store().reader().counts()).await?.events;
            self.missing_from_server(&client).await?;
            let after = self.db(|r| r.store().reader().counts()).await?.events;
            Ok(u64::try_from(after.saturating_sub(before)).unwrap_or(0))
        };
        smol::future::or(work, async {
            smol::Timer::after(limit).await;
            Err(ClientError::Unreachable(server, format!("no answer within {} s", limit.as_secs())))
        })
        .await
    }

    async fn session(&mut self, backoff: &mut Backoff, failures: &mut Repeats) -> Outcome {
        let (client, hello) = self.greet().await?;
        self.last_contact = std::time::Instant::now();
        self.check_term(&client, &hello).await?;

        // A client that never synced starts at the beginning of this server's log.
        let fresh = Cursor { epoch: hello.epoch, seq: 0, at: None };
        let resuming = self
            .db(move |r| {
                let s = r.store_mut();
                match s.get(kv::SYNC_CURSOR)? {
                    Some(c) => Ok(c.seq > 0),
                    None => s.set(kv::SYNC_CURSOR, &fresh).map(|()| false),
                }
            })
            .await?;
        // Resuming from a cursor: first fetch whatever the server holds beyond our vector, so a
        // server restored from an old backup (whose positions no longer mean what the cursor
        // remembers) cannot leave a gap. A cursor at the start reads everything anyway.
        if resuming {
            self.missing_from_server(&client).await?;
        }
        self.anti_entropy(&client).await?;
        backoff.reset();
        failures.clear();
        self.set_status(SyncState::Connected, Some(hello.server_name.clone()), None).await;
        info!(
            "syncing with {} ({}) at {} (protocol {})",
            hello.server_name,
            hello.server_id.short(),
            self.server,
            client.version()
        );

        let push = self.push_loop(&client);
        let pull = self.pull_loop(&client);
        let ended = smol::future::or(smol::future::or(push, pull), self.updater.run(&client)).await;
        // The server was there until now: a standby counts its absence from here.
        self.last_contact = std::time::Instant::now();
        ended
    }

    /// Refuses a server that serves a lower term than this register knows (a server that was
    /// replaced by a promotion and has not stepped down yet): tells it the elections it lacks,
    /// so it steps down, and for a `server=scan` client forgets its address, so the next
    /// session scans and picks the server of the highest term.
    async fn check_term(&mut self, client: &LocalApiClient, hello: &HelloResponse) -> Outcome {
        let theirs = client.server.term.unwrap_or(0);
        self.server_term = theirs;
        let known = self.db(|r| r.store().reader().server_term()).await?;
        if theirs >= known.term {
            return Ok(());
        }
        let leader = known.register.unwrap_or_default();
        warn!(
            "not syncing with {} at {}: it serves term {theirs}, below term {} (register {leader}) that this register knows",
            hello.server_name, self.server, known.term
        );
        let elections = self.db(|r| r.store().reader().election_events()).await?;
        if let Err(e) = client.push(elections, 0).await {
            log::debug!("cannot tell {} of the higher term: {e}", hello.server_name);
        }
        if self.scan_port.is_some() {
            self.server.clear();
        }
        Err(ClientError::Protocol(format!(
            "{} serves term {theirs}, below term {} of register {leader}",
            hello.server_name, known.term
        )))
    }

    /// Sends the server every event it lacks according to its version vector. First, if the
    /// server's own events differ from our copies (it was restored from an old backup and reused
    /// their ids), sends it our copies of its events, so it re-issues its new ones under a new id.
    async fn anti_entropy(&self, client: &LocalApiClient) -> Outcome {
        let mine = self.db(|r| r.store().reader().vector()).await?;
        let state = client.state(mine).await?;
        let server = self.server_id;
        for (origin, seq, theirs) in state.digests.iter().filter(|(o, _, _)| Some(*o) == server) {
            let (origin, seq) = (*origin, *seq);
            let ours = self.db(move |r| r.store().reader().body_of(&crate::model::EventId { origin, seq })).await?;
            if ours.is_some_and(|b| crate::sync::protocol::digest(&b) != *theirs) {
                warn!("the server's events differ from our copies (restored from a backup?); sending them back");
                let mut after = 0;
                loop {
                    let batch = self
                        .db(move |r| {
                            r.store().reader().events_of(origin, after, seq, MAX_BATCH_EVENTS, MAX_BATCH_BYTES)
                        })
                        .await?;
                    let Some(last) = batch.last().map(|(s, _)| *s) else { break };
                    client.push(batch.into_iter().map(|(_, b)| b).collect(), 0).await?;
                    after = last;
                }
            }
        }
        let mut theirs: Vector = state.vector;
        let batch = self.tuning.push_batch.min(MAX_BATCH_EVENTS);
        loop {
            let t = theirs.clone();
            let events = self.db(move |r| r.store().reader().events_beyond(&t, batch, MAX_BATCH_BYTES)).await?;
            if events.is_empty() {
                return Ok(());
            }
            // Advance our copy of their vector past what we send, to page through the rest.
            advance(&mut theirs, &events);
            client.push(events, 0).await?;
        }
    }

    /// Fetches, batch by batch, the events the server holds beyond this register's vector.
    async fn missing_from_server(&self, client: &LocalApiClient) -> Outcome {
        let mut mine: Vector = self.db(|r| r.store().reader().vector()).await?;
        loop {
            let events = client.missing(mine.clone()).await?.events;
            if events.is_empty() {
                return Ok(());
            }
            advance(&mut mine, &events);
            self.apply_received(events).await?;
        }
    }

    /// Applies events received outside the cursor (anti-entropy, push conflicts).
    async fn apply_received(&self, events: Vec<Vec<u8>>) -> Outcome {
        let report = self.db(move |r| r.store_mut().apply_remote(&events, unix_ms())).await?;
        rekey_ends_session(report.rekeyed)
    }

    async fn push_loop(&self, client: &LocalApiClient) -> Outcome {
        let batch = self.tuning.push_batch.min(MAX_BATCH_EVENTS);
        loop {
            let listener = self.watcher.listen();
            let pending = self.db(move |r| r.store().reader().pending(batch, MAX_BATCH_BYTES)).await?;
            let Some(last) = pending.last().map(|e| e.log_seq) else {
                // Nothing to send: sleep until the database changes (or a while, to be safe).
                smol::future::or(listener, async {
                    smol::Timer::after(Duration::from_secs(2)).await;
                })
                .await;
                continue;
            };
            let remaining = self.db(|r| r.store().reader().pending_count()).await?.saturating_sub(pending.len() as u64);
            let resp = client.push(pending.into_iter().map(|e| e.bytes).collect(), remaining).await?;
            self.db(move |r| r.store_mut().write(|tx| tx.mark_pushed(last))).await?;
            if !resp.conflicts.is_empty() {
                // The server holds other events under some of our ids: applying its copies makes
                // this register re-issue its own under a new id (it was restored or cloned).
                self.apply_received(resp.conflicts).await?;
            }
        }
    }

    async fn pull_loop(&self, client: &LocalApiClient) -> Outcome {
        let mut wait = self.tuning.wait_min;
        // The session stored a cursor before the loops start; absent only if it was just wiped.
        let mut cursor =
            self.db(|r| r.store().get(kv::SYNC_CURSOR)).await?.unwrap_or(Cursor { epoch: [0; 16], seq: 0, at: None });
        let mut resp = client.pull(&cursor, wait).await?;
        loop {
            if resp.reset {
                warn!("the server's log changed (replaced or restored); reading it again from the start");
                let next = resp.next;
                self.db(move |r| r.store_mut().set(kv::SYNC_CURSOR, &next)).await?;
                self.anti_entropy(client).await?;
                cursor = resp.next;
                resp = client.pull(&cursor, wait).await?;
                continue;
            }
            let quiet = resp.events.is_empty() && resp.next == cursor;
            // Quiet: stretch the long-poll toward the idle interval; busy: back to the short one.
            wait = if quiet { (wait * 2).min(self.tuning.wait_max) } else { self.tuning.wait_min };
            let more = resp.next.seq < resp.head;
            let next = resp.next;
            let apply = self.apply_pulled(client, std::mem::take(&mut resp.events), next);
            resp = if more {
                // A backlog: fetch the next batch while this one is being applied.
                let (applied, fetched) = smol::future::zip(apply, client.pull(&next, Duration::ZERO)).await;
                applied?;
                fetched?
            } else {
                apply.await?;
                client.pull(&next, wait).await?
            };
            cursor = next;
        }
    }

    /// Applies pulled events and moves the cursor past them, in one transaction. If the server
    /// sent some of its own events with other contents than copies held here, the server was
    /// restored from an old backup and reused their ids: send it our copies back, so it notices
    /// and re-issues its new events under a new id.
    async fn apply_pulled(&self, client: &LocalApiClient, events: Vec<Vec<u8>>, next: Cursor) -> Outcome {
        let report = self
            .db(move |r| {
                r.store_mut().write(|tx| {
                    let report = tx.apply_remote(&events, unix_ms())?;
                    tx.set(kv::SYNC_CURSOR, &next)?;
                    tx.set(kv::LAST_SYNC, &unix_ms())?;
                    Ok(report)
                })
            })
            .await?;
        rekey_ends_session(report.rekeyed)?;
        let server = self.server_id;
        let theirs: Vec<Vec<u8>> = report
            .conflicts
            .into_iter()
            .filter(|b| crate::sync::Event::decode_header(b).is_ok_and(|h| Some(h.id.origin) == server))
            .collect();
        if !theirs.is_empty() {
            warn!("the server reused ids of its own events (restored from a backup?); sending it our copies");
            client.push(theirs, 0).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_up_to_the_cap() {
        let mut b = Backoff { n: 0, min: Duration::from_millis(100), max: Duration::from_secs(2) };
        let delays: Vec<Duration> = (0..10).map(|_| b.next_delay()).collect();
        for (i, d) in delays.iter().enumerate() {
            let cap = Duration::from_millis(100 * (1 << i)).min(Duration::from_secs(2));
            assert!(*d >= cap / 2 && *d <= cap, "delay {i}: {d:?} not in [{:?}, {cap:?}]", cap / 2);
        }
        b.reset();
        assert!(b.next_delay() <= Duration::from_millis(100));
    }
}
