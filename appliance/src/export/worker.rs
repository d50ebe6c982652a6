//! The exporter: works off the outbox on its own thread and database connection, woken by every
//! commit (the data-directory watcher), so an order reaches the online shop within milliseconds
//! of its commit and nothing sits on the path of a sale.
//!
//! For each due entry, oldest first, never before an earlier entry of its order: read what it
//! tells, send it, record the outcome. A failed try backs the entry off (1 s doubling to 5
//! minutes, ±20 % jitter) and pauses the whole export by the failures in a row (100 ms doubling
//! to 5 minutes), so a platform that is down is asked less and less often, while one entry the
//! platform keeps failing does not hold the others up. The platform's `Retry-After` (or its
//! throttling) pauses everything for as long as it says. A refusal that cannot succeed is dead
//! until a manager retries it. The register that becomes the exporter (a new setup, a client
//! switched to server) first queues what it holds since the export's start and asks the
//! platform which of those it already has, so nothing is sent twice.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use event_listener::Listener;
use log::{info, warn};

use super::message::{Message, MessageError};
use super::{Connector, ExportError, Outcome, connector, now_ms};
use crate::config::{ExportSetup, Mode};
use crate::register::Register;
use crate::store::{DbWatcher, Store, StoreError, kv};

/// The first back-off of an entry; doubled per failed try of it.
const BACKOFF: Duration = Duration::from_secs(1);
/// The first pause of the whole export after a failure; doubled per failure in a row.
const PAUSE: Duration = Duration::from_millis(100);
/// The longest back-off.
const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// How many keys one lookup asks about.
const LOOKUP_BATCH: usize = 50;

/// What one round did.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// Nothing due; the next entry is due at this time (ms), if any waits.
    Idle(Option<i64>),
    /// An entry went.
    Sent,
    /// An entry failed and waits; the export pauses this long.
    Failed(Duration, String),
    /// An entry was refused for good.
    Dead(String),
}

/// The exporter's state: the connector for the setup it was made for.
#[derive(Default)]
pub struct Exporter {
    current: Option<(ExportSetup, u8, Box<dyn Connector>)>,
    /// Failures in a row (any entry): the platform is down or struggling.
    streak: u32,
    /// When the catalog was last pulled (`pull=MINUTES`).
    last_pull: Option<std::time::Instant>,
}

impl Exporter {
    /// Whether this register exports now (an export set up, not a client), and the setup.
    fn setup(store: &Store) -> Result<Option<ExportSetup>, StoreError> {
        if store.get(kv::MODE)? == Some(Mode::Client) {
            return Ok(None);
        }
        store.get(kv::EXPORT)
    }

    /// Sends the next due entry, if any; first makes the connector and begins the export when
    /// the setup is new to it.
    pub fn step(&mut self, reg: &mut Register) -> Result<Step, ExportError> {
        let Some(setup) = Self::setup(reg.store())? else {
            let store = reg.store_mut();
            self.current = None;
            // A client that becomes the exporter again must look again.
            if store.get(kv::EXPORT_BEGUN)?.is_some() {
                store.clear(kv::EXPORT_BEGUN)?;
            }
            return Ok(Step::Idle(None));
        };
        // A clock before 2026 has not been set yet (no battery, SNTP has not answered): nothing
        // is signed or sent with it, and no TLS certificate is valid then (docs/EXPORT.md).
        if now_ms() < crate::sync::EARLIEST_WALL_MS {
            return Ok(Step::Idle(None));
        }
        // The currency's decimals too: a fresh store may still change its currency.
        let minor = reg.store().reader().money_format()?.currency.minor;
        if self.current.as_ref().is_none_or(|(s, m, _)| *s != setup || *m != minor) {
            self.current = Some((setup.clone(), minor, connector(&setup, minor)?));
        }
        let Some((_, _, conn)) = self.current.as_mut() else { return Ok(Step::Idle(None)) };
        let every = Duration::from_secs(setup.pull_minutes * 60);
        if setup.pull_minutes > 0 && self.last_pull.is_none_or(|t| t.elapsed() >= every) {
            self.last_pull = Some(std::time::Instant::now());
            match super::catalog::pull(reg, conn.as_mut()) {
                Ok(p) => info!(
                    "catalog from {}: {} listed, {} added, {} updated, {} refused",
                    setup.name(),
                    p.listed,
                    p.added,
                    p.updated,
                    p.refused.len()
                ),
                Err(e) => warn!("catalog from {}: {e}", setup.name()),
            }
        }
        let store = reg.store_mut();
        let signature = format!("{} {}", setup.name(), setup.destination());
        if store.get(kv::EXPORT_BEGUN)?.as_deref() != Some(signature.as_str()) {
            begin(store, &setup, conn.as_mut())?;
            store.set(kv::EXPORT_BEGUN, &signature)?;
        }
        let now = now_ms();
        let Some(entry) = store.reader().next_export(now)? else {
            return Ok(Step::Idle(store.reader().next_export_due()?));
        };
        let (id, attempts) = (entry.id, entry.attempts);
        let message = match Message::read(&store.reader(), entry) {
            Ok(m) => m,
            Err(MessageError::Missing(what)) => {
                let why = format!("{what} is not in the database (re-keyed or removed)");
                store.export_dead(id, &why)?;
                return Ok(Step::Dead(why));
            }
            Err(MessageError::Store(e)) => return Err(e.into()),
        };
        match conn.send(&message) {
            Outcome::Sent { remote_id } => {
                self.streak = 0;
                store.export_sent(id, remote_id.as_deref(), now_ms())?;
                Ok(Step::Sent)
            }
            Outcome::Retry { after, error } => {
                // The platform's word is for everything; otherwise the entry backs off on its
                // own, and the export pauses by how many calls failed in a row.
                let (entry_wait, pause) = match after {
                    Some(d) => (d, d),
                    None => (backoff(BACKOFF, attempts), backoff(PAUSE, i64::from(self.streak))),
                };
                self.streak = self.streak.saturating_add(1);
                store.export_failed(id, &error, now_ms() + entry_wait.as_millis() as u64)?;
                Ok(Step::Failed(pause, format!("{}: {error}", message.entry.key)))
            }
            Outcome::Dead(why) => {
                store.export_dead(id, &why)?;
                Ok(Step::Dead(format!("{}: {why}", message.entry.key)))
            }
        }
    }
}

/// Queues what this register holds since the export's start and has not queued, then marks
/// what the platform already has as sent.
fn begin(store: &mut Store, setup: &ExportSetup, conn: &mut dyn Connector) -> Result<(), ExportError> {
    let queued = store.backfill_export(setup.since_ms, now_ms())?;
    let pending: Vec<String> = store
        .reader()
        .export_entries(Some(crate::store::EntryState::Pending), u32::MAX)?
        .into_iter()
        .map(|e| e.key)
        .collect();
    let mut known = 0;
    for chunk in pending.chunks(LOOKUP_BATCH) {
        let have = conn.lookup(chunk)?;
        known += have.len();
        store.export_known(&have, now_ms())?;
    }
    info!(
        "export to {} begins: {queued} event(s) queued from before, {} waiting, {known} already there",
        setup.name(),
        pending.len()
    );
    Ok(())
}

/// The wait after the `n`-th failure in a row: `first` doubling to 5 minutes, ±20 %.
pub fn backoff(first: Duration, n: i64) -> Duration {
    let base = first.saturating_mul(1u32 << n.clamp(0, 16)).min(MAX_BACKOFF);
    let mut b = [0u8; 2];
    let r = if getrandom::fill(&mut b).is_ok() { u16::from_le_bytes(b) } else { 32768 };
    // 0.8 … 1.2 of the base.
    base.mul_f64(0.8 + 0.4 * f64::from(r) / 65535.0)
}

/// Runs the exporter until `stop`: woken by every commit, and when the next entry is due.
pub fn spawn(
    dir: PathBuf,
    watcher: Arc<DbWatcher>,
    stop: Arc<AtomicBool>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new().name("till-export".into()).spawn(move || {
        // The outbox's marks need no fsync of their own: one lost to a power cut makes the
        // entry go again under the same id, which the platform recognises (the sales themselves
        // are committed with FULL by the register's own connection).
        let mut reg = match Store::open_with(&dir, crate::store::Synchronous::Normal) {
            Ok(s) => Register::from_store(s),
            Err(e) => {
                warn!("the export does not run: {e}");
                return;
            }
        };
        let mut exporter = Exporter::default();
        let mut state = String::new();
        while !stop.load(Ordering::SeqCst) {
            let listener = watcher.listen();
            let (wait, now_state) = match exporter.step(&mut reg) {
                Ok(Step::Sent) => (None, "ok".to_string()),
                Ok(Step::Idle(due)) => {
                    let until = due.map(|d| Duration::from_millis((d - now_ms() as i64).clamp(0, 5000) as u64));
                    listener.wait_timeout(until.unwrap_or(Duration::from_secs(5)));
                    continue;
                }
                Ok(Step::Failed(pause, why)) => (Some(pause), why),
                Ok(Step::Dead(why)) => (None, why),
                Err(e) => (Some(Duration::from_secs(5)), e.to_string()),
            };
            if now_state != state {
                if now_state != "ok" {
                    warn!("export: {now_state}");
                }
                if let Err(e) = reg.store_mut().set(kv::EXPORT_STATE, &now_state) {
                    warn!("export: {e}");
                }
                state = now_state;
            }
            if let Some(pause) = wait {
                sleep_unless(&stop, pause);
            }
        }
    })
}

/// Sleeps for `d`, waking early when `stop` is set.
fn sleep_unless(stop: &AtomicBool, d: Duration) {
    let end = std::time::Instant::now() + d;
    while !stop.load(Ordering::SeqCst) {
        let left = end.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            break;
        }
        std::thread::sleep(left.min(Duration::from_millis(200)));
    }
}
