//! The register's SQLite database: opening it safely, the schema from `migrations/`, device-local
//! settings, the event log, and applying events to the materialized tables.
//!
//! Owns every SQL statement. Knows nothing of HTTP or the screen; the merge rules it executes are
//! defined in [`crate::sync`].

mod apply;
mod backup;
mod conflicts;
mod dump;
mod export;
mod journal;
pub mod kv;
mod migrate;
mod orders;
mod outbox;
mod printq;
mod read;
mod rekey;
mod report;
mod running;
mod settle;
mod sync;
mod term;
mod watch;

pub use backup::{BackupFileError, BackupMade, Restored, restore};
pub use conflicts::*;
pub use export::*;
pub use journal::*;
pub use migrate::latest_schema_version;
pub use outbox::*;
pub use printq::{JobKind, PrintJob};
pub use read::*;
pub use report::*;
pub use running::{RUN_LOCK_FILE, RunClaim, claim, claimed};
pub use sync::{LogEntry, PeerRow};
pub use term::ServerTerm;
pub use watch::DbWatcher;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior, params};

use crate::model::RegisterId;
use crate::sync::{CodecError, Event, EventKind, Hlc, Incoming, Link, event_hash};

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "till.db";

/// A one-byte file rewritten after every commit. SQLite makes a commit visible through its
/// memory-mapped `-shm` index, which file watchers cannot see, and writes the WAL *before* the
/// commit is visible; this write comes strictly after, so a watcher woken by it always finds the
/// new data (see [`DbWatcher`]).
pub const COMMIT_MARKER: &str = "till.db-commit";

/// `PRAGMA application_id` of a Till database ("TILL"), so another program's SQLite file is refused.
const APPLICATION_ID: i32 = 0x5449_4C4C;

/// How long a write waits for another process (the CLI beside `till run`) to finish its transaction.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// What can go wrong with the register's database, worded for the person who has to fix it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file exists but is not a SQLite database.
    #[error("{0} is not a Till database (not a SQLite file); move it away or point --data elsewhere")]
    NotADatabase(PathBuf),
    /// `till.db` is a directory.
    #[error("{0} is a directory, not a database file; move it away or point --data elsewhere")]
    DatabaseIsDirectory(PathBuf),
    /// `till.db` is empty but the data directory holds other files: a database lost or cut short,
    /// not a new register.
    #[error(
        "{0} is empty (0 bytes) but the data directory holds other files: the database was lost or cut short; restore it from a backup, or move the data directory away to start a new register"
    )]
    EmptyDatabase(PathBuf),
    /// A SQLite database of some other program.
    #[error("{0} is a SQLite database of another program, not Till; point --data elsewhere")]
    Foreign(PathBuf),
    /// Written by a newer Till; opening it could damage it.
    #[error(
        "{path} was written by a newer Till (schema {found}, this build knows up to {supported}); update this register's software. The database was not changed."
    )]
    NewerSchema {
        /// The database.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest this build knows.
        supported: i64,
    },
    /// Cannot write to the data directory or the database file.
    #[error(
        "the data directory {0} is read-only or not writable; check the SD card (it may have been remounted read-only after errors) or the permissions"
    )]
    ReadOnly(PathBuf),
    /// The disk is full.
    #[error("the disk holding {0} is full; free space, then try again (nothing was saved)")]
    DiskFull(PathBuf),
    /// SQLite found damage in the file.
    #[error("the database {0} is damaged; restore it from a backup or let the server send its data back")]
    Corrupt(PathBuf),
    /// A running `till run` (or a restore) holds the data directory.
    #[error(
        "{0} is in use by a running register (`till run`, or a restore under way); stop it first. Nothing was changed."
    )]
    InUse(PathBuf),
    /// Another process held the database for longer than the busy timeout.
    #[error("the database is busy in another process; try again")]
    Busy,
    /// A filesystem operation failed.
    #[error("{what} {path}: {source}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// On which path.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The register could not get random bytes for its identity.
    #[error("no randomness from the operating system: {0}")]
    Random(String),
    /// A stored event does not decode.
    #[error("stored event does not decode: {0}")]
    Codec(#[from] CodecError),
    /// A device-local setting holds a value this build cannot read.
    #[error(
        "the register's device setting '{key}'{} cannot be read ({why}); fix it with `till setup set` or restore the data directory",
        value.as_deref().map(|v| format!(" = {}", crate::model::quote(v))).unwrap_or_default()
    )]
    BadSetting {
        /// The key in the device-local table.
        key: &'static str,
        /// The stored text, unless it is secret.
        value: Option<String>,
        /// Why it does not decode.
        why: String,
    },
    /// Any other SQLite failure.
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
}

impl StoreError {
    /// Maps a SQLite error to what it means for the person at the register.
    pub(crate) fn from_sqlite(e: rusqlite::Error, path: &Path) -> StoreError {
        match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => StoreError::NotADatabase(path.to_path_buf()),
            Some(ErrorCode::ReadOnly) | Some(ErrorCode::CannotOpen) | Some(ErrorCode::PermissionDenied) => {
                StoreError::ReadOnly(path.to_path_buf())
            }
            Some(ErrorCode::DiskFull) => StoreError::DiskFull(path.to_path_buf()),
            Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt(path.to_path_buf()),
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => StoreError::Busy,
            _ => StoreError::Sqlite(e),
        }
    }
}

/// Refuses what stands at `path` when it cannot be this register's database, before SQLite
/// touches it: a directory, or an empty file beside other data. SQLite would take an empty file
/// for a new database and quietly make a new register of it; that is right only when nothing else
/// is there (a first start cut short), not when the database was truncated or lost.
fn check_db_file(dir: &Path, path: &Path) -> Result<(), StoreError> {
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(()); // absent (a new register), or unreadable: SQLite says which
    };
    if meta.is_dir() {
        return Err(StoreError::DatabaseIsDirectory(path.to_path_buf()));
    }
    if meta.is_file() && meta.len() == 0 && !otherwise_empty(dir) {
        return Err(StoreError::EmptyDatabase(path.to_path_buf()));
    }
    Ok(())
}

/// Whether the data directory holds nothing but what a first start cut short leaves: the empty
/// database, SQLite's index of an empty log, empty log and marker files, and the file system's
/// `lost+found` (the appliance's data partition has one).
fn otherwise_empty(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else { return false };
    entries.into_iter().all(|e| {
        let Ok(e) = e else { return false };
        let name = e.file_name();
        let empty = e.metadata().is_ok_and(|m| m.is_file() && m.len() == 0);
        match name.to_str() {
            Some(DB_FILE | "till.db-shm") => true,
            Some("lost+found") => e.file_type().is_ok_and(|t| t.is_dir()),
            Some("till.db-wal" | "till.db-journal" | COMMIT_MARKER | RUN_LOCK_FILE) => empty,
            _ => false,
        }
    })
}

/// Durability at commit. `Full` is the register's default: see docs/BENCHMARKS.md for the cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Synchronous {
    /// fsync the WAL at every commit: a committed order survives power loss.
    Full,
    /// fsync only at checkpoints: faster, but the last commits can vanish on power loss.
    Normal,
}

/// The register's database: one connection, which is also this process's only writer.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    register_id: RegisterId,
    marker: Option<std::fs::File>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).field("register_id", &self.register_id).finish()
    }
}

impl Store {
    /// Opens (creating if needed) `DIR/till.db` with fsync at every commit.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        Store::open_with(dir, Synchronous::Full)
    }

    /// Opens with a chosen durability level (benchmarks compare them).
    pub fn open_with(dir: &Path, sync: Synchronous) -> Result<Store, StoreError> {
        if let Err(source) = std::fs::create_dir_all(dir) {
            return Err(match source.kind() {
                std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied => {
                    StoreError::ReadOnly(dir.to_path_buf())
                }
                _ => StoreError::Io { what: "cannot create the data directory", path: dir.to_path_buf(), source },
            });
        }
        let path = dir.join(DB_FILE);
        check_db_file(dir, &path)?;
        let err = |e: rusqlite::Error| StoreError::from_sqlite(e, &path);
        let existed = path.exists();
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&path, flags).map_err(|e| match e.sqlite_error_code() {
            Some(ErrorCode::CannotOpen) if !existed => StoreError::ReadOnly(dir.to_path_buf()),
            _ => err(e),
        })?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(err)?;
        // The apply path alone uses ~25 distinct statements; the default cache of 16 would thrash.
        conn.set_prepared_statement_cache_capacity(128);

        // Everything up to here only reads: a foreign or newer database is refused untouched.
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(err)?;
        let app_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(err)?;
        let objects: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0)).map_err(err)?;
        if (app_id != 0 && app_id != APPLICATION_ID) || (app_id == 0 && objects > 0) {
            return Err(StoreError::Foreign(path));
        }
        let supported = latest_schema_version();
        if version > supported {
            return Err(StoreError::NewerSchema { path, found: version, supported });
        }
        if std::fs::metadata(&path).is_ok_and(|m| m.permissions().readonly()) && !is_root() {
            return Err(StoreError::ReadOnly(path));
        }

        let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0)).map_err(err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::ReadOnly(dir.to_path_buf()));
        }
        let level = match sync {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
        };
        conn.pragma_update(None, "synchronous", level).map_err(err)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(err)?;
        // 16 MiB of page cache and memory-mapped reads: the indexes of a busy store stay in RAM
        // instead of being copied through read(2) on every lookup (see docs/BENCHMARKS.md).
        conn.pragma_update(None, "cache_size", -16_384).map_err(err)?;
        conn.pragma_update(None, "mmap_size", 256 * 1024 * 1024).map_err(err)?;

        let mut conn = conn;
        migrate::run(&mut conn, APPLICATION_ID).map_err(err)?;
        if (1..REBUILD_SCHEMA).contains(&version) {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(err)?;
            rebuild(&tx).map_err(err)?;
            tx.commit().map_err(err)?;
            log::info!("derived tables rebuilt for schema {REBUILD_SCHEMA}");
        }
        let register_id = ensure_identity(&mut conn).map_err(|e| match e {
            IdentityError::Sqlite(e) => err(e),
            IdentityError::Random(r) => StoreError::Random(r),
            IdentityError::Unreadable(why) => StoreError::BadSetting { key: kv::REGISTER_ID.name, value: None, why },
        })?;
        reapply_unreadable(&mut conn).map_err(err)?;
        let marker =
            match std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(dir.join(COMMIT_MARKER)) {
                Ok(f) => Some(f),
                Err(e) => {
                    // Watchers then notice commits by their periodic check only: slower, not wrong.
                    log::warn!(
                        "cannot open the commit marker {COMMIT_MARKER}: {e}; other processes notice changes late"
                    );
                    None
                }
            };
        Ok(Store { conn, path, register_id, marker })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This register's identity.
    pub fn register_id(&self) -> RegisterId {
        self.register_id
    }

    /// Read queries against the current committed state.
    pub fn reader(&self) -> Reader<'_> {
        Reader { conn: &self.conn, path: &self.path }
    }

    /// Runs `f` in one immediate (write-locked) transaction, committed if `f` succeeds and rolled
    /// back otherwise. Checks and writes inside see one consistent state, even with another
    /// process writing the same database.
    pub fn write<T, E: From<StoreError>>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>) -> Result<T, E> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| StoreError::from_sqlite(e, &path))?;
        let mut tx = Tx { tx, path: &path, register_id: self.register_id, rekeyed: None, exporting: None };
        let out = f(&mut tx)?;
        let rekeyed = tx.rekeyed;
        tx.tx.commit().map_err(|e| StoreError::from_sqlite(e, &path))?;
        if let Some(id) = rekeyed {
            self.register_id = id;
        }
        if let Some(m) = &self.marker {
            // Best effort: a watcher that misses it falls back to its periodic check.
            let _ = std::os::unix::fs::FileExt::write_at(m, b"c", 0);
        }
        Ok(out)
    }

    /// Stores events received from another register and applies the new ones, all in one
    /// transaction. Duplicates change nothing. Returns what happened to each event.
    pub fn apply_remote(&mut self, encoded: &[Vec<u8>], now_ms: u64) -> Result<ApplyReport, StoreError> {
        self.write(|tx| tx.apply_remote(encoded, now_ms))
    }

    /// The raw text of a device-local setting (typed access: [`kv`]).
    fn kv_raw(&self, key: &str) -> Result<Option<String>, StoreError> {
        kv_get(&self.conn, key).map_err(|e| StoreError::from_sqlite(e, &self.path))
    }

    /// SQLite's `data_version`: changes whenever another connection (another process, or another
    /// connection of this one) commits to the database.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        self.conn
            .pragma_query_value(None, "data_version", |r| r.get(0))
            .map_err(|e| StoreError::from_sqlite(e, &self.path))
    }

    /// Writes the WAL back into the main file, so a copy of `till.db` alone is complete.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(|e| StoreError::from_sqlite(e, &self.path))
    }

    /// Checks every page of the database (SQLite's `quick_check`): run at boot, so a card that
    /// damaged the file is reported before the register sells on top of it.
    pub fn quick_check(&self) -> Result<(), StoreError> {
        let first: String = self
            .conn
            .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
            .map_err(|e| StoreError::from_sqlite(e, &self.path))?;
        if first == "ok" { Ok(()) } else { Err(StoreError::Corrupt(self.path.clone())) }
    }

    /// A canonical text dump of all shared state, identical on registers that hold the same events.
    pub fn canonical_dump(&self) -> Result<String, StoreError> {
        dump::canonical(&self.conn).map_err(|e| StoreError::from_sqlite(e, &self.path))
    }
}

/// Applies events stored unapplied by an older build (a kind or rule it did not know) that this
/// build can now read. Cheap when there are none (a partial index covers them).
fn reapply_unreadable(conn: &mut Connection) -> rusqlite::Result<()> {
    let waiting: Vec<(i64, Vec<u8>)> = conn
        .prepare("SELECT log_seq, body FROM events WHERE applied = 0 ORDER BY log_seq")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if waiting.is_empty() {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for (log_seq, body) in waiting {
        if let Ok(e) = Event::decode(&body) {
            apply::apply(&tx, &e)?;
            tx.execute("UPDATE events SET applied = 1, kind = ?2 WHERE log_seq = ?1", params![log_seq, e.kind.name()])?;
        }
    }
    tx.commit()
}

/// Empties every derived table and applies the log again (rows of known kinds, any order: the
/// result depends only on the set).
fn rebuild(c: &Connection) -> rusqlite::Result<()> {
    c.execute_batch(
        "DELETE FROM order_lines; DELETE FROM orders; DELETE FROM order_voids; DELETE FROM return_lines;
         DELETE FROM returns; DELETE FROM shifts; DELETE FROM stock_counts; DELETE FROM stock_moves;
         DELETE FROM stock; DELETE FROM products; DELETE FROM tax_profiles; DELETE FROM users; DELETE FROM settings;
         DELETE FROM edits; DELETE FROM registers; DELETE FROM conflict_events; DELETE FROM conflicts; DELETE FROM conflict_resolutions;
         DELETE FROM order_tenders; DELETE FROM barcodes; DELETE FROM tenders;
         DELETE FROM cash_moves; DELETE FROM drawer_openings; DELETE FROM z_reports; DELETE FROM server_terms;",
    )?;
    let bodies: Vec<Vec<u8>> = c
        .prepare("SELECT body FROM events WHERE applied = 1 ORDER BY log_seq")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for body in bodies {
        if let Ok(e) = Event::decode(&body) {
            apply::apply(c, &e)?;
        }
    }
    Ok(())
}

/// The latest schema that changed what derived tables hold (5: restock caps and conflicts; 6:
/// the counter's order shape): a database written by an older build has its derived tables
/// rebuilt once when it is opened.
const REBUILD_SCHEMA: i64 = 6;

fn is_root() -> bool {
    // The process's effective uid; root bypasses permission bits, so they say nothing then.
    std::fs::metadata("/proc/self").is_ok_and(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
}

enum IdentityError {
    Sqlite(rusqlite::Error),
    Random(String),
    Unreadable(String),
}

impl From<rusqlite::Error> for IdentityError {
    fn from(e: rusqlite::Error) -> Self {
        IdentityError::Sqlite(e)
    }
}

/// Makes the register id and log epoch the first time a database is opened.
fn ensure_identity(conn: &mut Connection) -> Result<RegisterId, IdentityError> {
    if let Some(id) = kv_get(conn, kv::REGISTER_ID.name)? {
        // A register whose identity is unreadable must not quietly become another register.
        return id.parse().map_err(IdentityError::Unreadable);
    }
    let id = RegisterId::random().map_err(|e| IdentityError::Random(e.to_string()))?;
    let epoch = RegisterId::random().map_err(|e| IdentityError::Random(e.to_string()))?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute(
        "INSERT OR IGNORE INTO device_kv (key, value) VALUES (?1, ?2)",
        params![kv::REGISTER_ID.name, id.to_string()],
    )?;
    tx.execute(
        "INSERT OR IGNORE INTO device_kv (key, value) VALUES (?1, ?2)",
        params![kv::LOG_EPOCH.name, crate::model::hex(&epoch.0)],
    )?;
    let stored: String =
        tx.query_row("SELECT value FROM device_kv WHERE key = ?1", [kv::REGISTER_ID.name], |r| r.get(0))?;
    tx.commit()?;
    // Another process may have won the race to create it: the stored one is the identity.
    stored.parse().map_err(IdentityError::Unreadable)
}

fn kv_get(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT value FROM device_kv WHERE key = ?1")?.query_row([key], |r| r.get(0)).optional()
}

/// What applying a batch of remote events did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApplyReport {
    /// Events new to this register, stored and applied.
    pub inserted: usize,
    /// Events it already had.
    pub duplicates: usize,
    /// New events this build cannot apply (a newer kind, a rule it does not know): stored and
    /// relayed, applied after an update.
    pub unreadable: usize,
    /// Events whose header could not even be read: not stored.
    pub refused: usize,
    /// Events of a register that reused an id earlier in the batch (restored from an old
    /// backup): not stored, because it re-issues them under a new id once it re-keys.
    pub held_back: usize,
    /// Log positions given to the new events, in order, with the index of each in the batch.
    pub positions: Vec<(u64, usize)>,
    /// This database's own copies of events that arrived with the same id but different bytes
    /// from another origin: some register reused sequence numbers (it was restored from an old
    /// backup). A server sends these back so that register can notice and re-key.
    pub conflicts: Vec<Vec<u8>>,
    /// Set when events of this register's own id arrived with different bytes than it holds:
    /// it was restored from an old backup, and has re-issued its later events under a new id.
    pub rekeyed: Option<Rekeyed>,
}

/// What a re-key did (see [`Tx::rekey`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rekeyed {
    /// The id the register had.
    pub old: RegisterId,
    /// Its new id.
    pub new: RegisterId,
    /// Events re-issued under the new id.
    pub reissued: usize,
}

/// One write transaction on the store (see [`Store::write`]).
pub struct Tx<'a> {
    pub(super) tx: rusqlite::Transaction<'a>,
    path: &'a Path,
    register_id: RegisterId,
    /// Set when this transaction gave the register a new id (see [`Tx::rekey`]).
    rekeyed: Option<RegisterId>,
    /// Whether this register exports, read at the first event this transaction stores (a
    /// batch of synced events asks once, not per event).
    pub(super) exporting: Option<bool>,
}

impl Tx<'_> {
    pub(super) fn err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::from_sqlite(e, self.path)
    }

    /// Read queries that see this transaction's writes.
    pub fn reader(&self) -> Reader<'_> {
        Reader { conn: &self.tx, path: self.path }
    }

    /// This register's identity.
    pub fn register_id(&self) -> RegisterId {
        self.register_id
    }

    fn kv_raw(&self, key: &str) -> Result<Option<String>, StoreError> {
        kv_get(&self.tx, key).map_err(|e| self.err(e))
    }

    fn kv_put(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.tx
            .prepare_cached("INSERT INTO device_kv (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .and_then(|mut s| s.execute(params![key, value]))
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    fn kv_delete(&mut self, key: &str) -> Result<(), StoreError> {
        self.tx
            .prepare_cached("DELETE FROM device_kv WHERE key = ?1")
            .and_then(|mut s| s.execute([key]))
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// The clock's high-water mark; a new register starts at zero.
    fn hlc_mark(&self) -> Result<Hlc, StoreError> {
        Ok(self.get(kv::HLC)?.unwrap_or_default())
    }

    /// Records a change made on this register: appends the event (next seq, next HLC tick),
    /// applies it, and marks it pending for sync — all inside this transaction.
    ///
    /// The event carries its link in the journal: `Start` for a new register's first event, else
    /// the hash of this register's previous event (one indexed read, the same that finds the seq).
    pub fn append_local(&mut self, kind: EventKind, now_ms: u64) -> Result<Event, StoreError> {
        let origin = self.register_id;
        let last: Option<(i64, Vec<u8>)> = self
            .tx
            .prepare_cached("SELECT seq, body FROM events WHERE origin = ?1 ORDER BY seq DESC LIMIT 1")
            .and_then(|mut s| s.query_row([&origin.0[..]], |r| Ok((r.get(0)?, r.get(1)?))).optional())
            .map_err(|e| self.err(e))?;
        let (seq, link) = match last {
            // seq is at least 1 (a CHECK constraint), so the conversion cannot fail.
            Some((seq, body)) => (u64::try_from(seq).unwrap_or(0) + 1, Link::After(event_hash(&body))),
            None => (1, Link::Start),
        };
        let hlc = self.hlc_mark()?.tick(now_ms);
        self.set(kv::HLC, &hlc)?;
        let event = Event { id: crate::model::EventId { origin, seq }, hlc, kind };
        let body = event.encode_linked(&link);
        self.insert_event(&event.id, hlc, event.kind.name(), &body, true, true, now_ms)?;
        apply::apply(&self.tx, &event).map_err(|e| self.err(e))?;
        self.queue_export(&event, now_ms)?;
        Ok(event)
    }

    /// Stores and applies encoded events from another register (see [`Store::apply_remote`]).
    pub fn apply_remote(&mut self, encoded: &[Vec<u8>], now_ms: u64) -> Result<ApplyReport, StoreError> {
        let mut report = ApplyReport::default();
        let mut mark = self.hlc_mark()?;
        let mut own = Vec::new();
        let mut clashed = Vec::new();
        for (i, bytes) in encoded.iter().enumerate() {
            match Incoming::parse(bytes) {
                Ok((header, event, _)) => {
                    if self.held_back(&header, &clashed, &mut report)? {
                        continue;
                    }
                    let before = report.conflicts.len();
                    if self.apply_one(i, &header, event.as_ref(), bytes, now_ms, &mut mark, &mut report)? {
                        own.push(bytes.clone());
                    }
                    if report.conflicts.len() > before {
                        clashed.push(header.id);
                    }
                }
                Err(_) => report.refused += 1,
            }
        }
        self.finish_batch(mark, own, now_ms, &mut report)?;
        Ok(report)
    }

    /// Stores events already decoded (off the write lock) and applies those this build can.
    pub fn apply_incoming(&mut self, incoming: &[Incoming], now_ms: u64) -> Result<ApplyReport, StoreError> {
        let mut report = ApplyReport::default();
        let mut mark = self.hlc_mark()?;
        let mut own = Vec::new();
        let mut clashed = Vec::new();
        for (i, inc) in incoming.iter().enumerate() {
            if self.held_back(&inc.header, &clashed, &mut report)? {
                continue;
            }
            let before = report.conflicts.len();
            if self.apply_one(i, &inc.header, inc.event.as_ref(), &inc.bytes, now_ms, &mut mark, &mut report)? {
                own.push(inc.bytes.clone());
            }
            if report.conflicts.len() > before {
                clashed.push(inc.header.id);
            }
        }
        self.finish_batch(mark, own, now_ms, &mut report)?;
        Ok(report)
    }

    /// Whether to leave an event of another register out of this batch: an earlier event of that
    /// register in the batch reused an id this database holds with other bytes, so the register
    /// was restored from an old backup and will re-issue this one under a new id (kept here
    /// under the old id too, it would count twice). It is left out, and counted as such.
    fn held_back(
        &self,
        header: &crate::sync::EventHeader,
        clashed: &[crate::model::EventId],
        report: &mut ApplyReport,
    ) -> Result<bool, StoreError> {
        if header.id.origin == self.register_id
            || !clashed.iter().any(|c| c.origin == header.id.origin && c.seq < header.id.seq)
        {
            return Ok(false);
        }
        // An id this database holds goes on to `apply_one`: a duplicate, or one more clash the
        // register gets back.
        let held = self
            .tx
            .prepare_cached("SELECT 1 FROM events WHERE origin = ?1 AND seq = ?2")
            .and_then(|mut st| st.exists(params![&header.id.origin.0[..], header.id.seq as i64]))
            .map_err(|e| self.err(e))
            .map(|known| !known)?;
        if held {
            report.held_back += 1;
        }
        Ok(held)
    }

    /// Stores one event if new and applies it if this build can; updates the running HLC mark.
    /// True when it is a copy of one of this register's own events with different bytes.
    #[allow(clippy::too_many_arguments)]
    fn apply_one(
        &mut self,
        index: usize,
        header: &crate::sync::EventHeader,
        event: Option<&Event>,
        bytes: &[u8],
        now_ms: u64,
        mark: &mut Hlc,
        report: &mut ApplyReport,
    ) -> Result<bool, StoreError> {
        let kind = event.map_or("unknown", |e| e.kind.name());
        if self.insert_event(&header.id, header.hlc, kind, bytes, false, event.is_some(), now_ms)? {
            report.positions.push((self.tx.last_insert_rowid().max(0) as u64, index));
            *mark = mark.observe(header.hlc);
            match event {
                Some(e) => {
                    apply::apply(&self.tx, e).map_err(|e| self.err(e))?;
                    self.queue_export(e, now_ms)?;
                    report.inserted += 1;
                }
                None => report.unreadable += 1,
            }
            return Ok(false);
        }
        report.duplicates += 1;
        let stored: Vec<u8> = self
            .tx
            .prepare_cached("SELECT body FROM events WHERE origin = ?1 AND seq = ?2")
            .and_then(|mut s| s.query_row(params![&header.id.origin.0[..], header.id.seq as i64], |r| r.get(0)))
            .map_err(|e| self.err(e))?;
        if stored == bytes {
            return Ok(false);
        }
        if header.id.origin == self.register_id {
            return Ok(true);
        }
        report.conflicts.push(stored);
        Ok(false)
    }

    /// Persists the HLC mark raised by a batch, and re-keys if the batch showed this register
    /// was restored from a backup.
    fn finish_batch(
        &mut self,
        mark: Hlc,
        own: Vec<Vec<u8>>,
        now_ms: u64,
        report: &mut ApplyReport,
    ) -> Result<(), StoreError> {
        if mark != self.hlc_mark()? {
            self.set(kv::HLC, &mark)?;
        }
        if !own.is_empty() {
            report.rekeyed = Some(self.rekey(own, now_ms)?);
        }
        Ok(())
    }

    /// Recomputes every materialized table from the event log (they are all derived from it).
    fn rebuild(&mut self) -> Result<(), StoreError> {
        rebuild(&self.tx).map_err(|e| self.err(e))
    }

    #[allow(clippy::too_many_arguments)]
    fn insert_event(
        &self,
        id: &crate::model::EventId,
        hlc: Hlc,
        kind: &str,
        body: &[u8],
        pending: bool,
        applied: bool,
        now_ms: u64,
    ) -> Result<bool, StoreError> {
        let n = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO events (origin, seq, hlc_ms, hlc_logical, kind, body, pending, applied, received_ms, made_here)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?7)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    &id.origin.0[..],
                    id.seq as i64,
                    hlc.wall_ms as i64,
                    hlc.logical,
                    kind,
                    body,
                    pending,
                    applied,
                    now_ms as i64
                ])
            })
            .map_err(|e| self.err(e))?;
        Ok(n == 1)
    }
}
