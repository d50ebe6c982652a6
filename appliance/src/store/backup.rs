//! `till backup` and `till restore`: a consistent copy of the database taken while the register
//! runs (`VACUUM INTO`), sealed in the backup format of [`crate::sync::backup`], and put back
//! onto an empty register. Every file reaches its real name by temp + fsync + rename, so a pulled
//! USB stick or a power cut never leaves half a file under it.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use super::{APPLICATION_ID, COMMIT_MARKER, DB_FILE, Store, StoreError, kv};
use crate::config::Secret;
use crate::sync::backup::{
    BackupError, BackupHeader, BackupInfo, CHUNK_BYTES, HEADER_BYTES, Opener, SEALED_INFO_BYTES, Sealer,
};
use crate::sync::{SealKey, StoreId};

/// Device-local keys a backup leaves out: the secret it is sealed with (restore writes back the
/// one that opened it) and a pairing code in progress.
const LEFT_OUT: [&str; 2] = [kv::SECRET.name, kv::PAIRING.name];

/// Why a backup or a restore did not happen. Nothing was changed in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum BackupFileError {
    /// `till backup` on a register without a secret: nothing to seal the file with.
    #[error(
        "this register has no shared secret to seal a backup with; set one with `till setup secret --generate --apply` first"
    )]
    NoSecret,
    /// `till backup --out` into the data directory: a copy that would be lost with the card (and
    /// could take the name of the database itself).
    #[error("write the backup outside the data directory {}: a copy beside the database is lost with it", .0.display())]
    IntoDataDir(PathBuf),
    /// `till backup --out` into a folder that does not exist (a stick not mounted).
    #[error("the folder {} for the backup does not exist (is the stick mounted?)", .0.display())]
    NoFolder(PathBuf),
    /// `till restore` without a secret given or set.
    #[error("no secret to open the backup with: give the store's secret with --secret or TILL_SECRET")]
    NoSecretGiven,
    /// The file does not open (wrong secret, damaged, cut short, not a backup).
    #[error("the backup {} {why}; nothing was restored", .path.display())]
    Sealed {
        /// The backup file.
        path: PathBuf,
        /// What is wrong with it.
        why: BackupError,
    },
    /// The backup opened but holds no Till database (a file sealed by something else).
    #[error("the backup {} does not hold a Till database; nothing was restored", .0.display())]
    NotTill(PathBuf),
    /// The register already holds sales: restoring would replace them.
    #[error(
        "the data directory {} already holds a register ({events} events, {orders} orders); {lost_events} of its events ({lost_orders} orders) are not in the backup and would be lost: `till restore FILE --force` replaces it anyway",
        .dir.display()
    )]
    NotEmpty {
        /// The data directory.
        dir: PathBuf,
        /// Events it holds.
        events: u64,
        /// Orders it holds.
        orders: u64,
        /// Its events the backup does not hold.
        lost_events: u64,
        /// Its orders the backup does not hold.
        lost_orders: u64,
    },
    /// The database in the data directory cannot be read, so what would be lost is unknown.
    #[error("{0}; `till restore FILE --force` replaces it with the backup")]
    Unreadable(String),
    /// The key derivation failed.
    #[error("key derivation failed: {0}")]
    Kdf(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file operation failed.
    #[error("{what} {}: {source}", .path.display())]
    Io {
        /// What was being done.
        what: &'static str,
        /// On which path.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> BackupFileError {
    let path = path.to_path_buf();
    move |source| BackupFileError::Io { what, path, source }
}

/// What `till backup` wrote.
#[derive(Debug, Clone)]
pub struct BackupMade {
    /// The file.
    pub path: PathBuf,
    /// Its size.
    pub bytes: u64,
    /// Its store (none for a register that never joined one).
    pub store: Option<StoreId>,
    /// What it holds.
    pub info: BackupInfo,
}

/// What `till restore` did.
#[derive(Debug, Clone)]
pub struct Restored {
    /// The backup's store.
    pub store: Option<StoreId>,
    /// What the backup held.
    pub info: BackupInfo,
    /// Events of the replaced register that the backup did not hold (with `--force`).
    pub lost_events: u64,
    /// Orders of the replaced register that the backup did not hold.
    pub lost_orders: u64,
    /// Whether a register with data was replaced (or an unreadable database).
    pub replaced: bool,
}

/// A file removed when dropped, unless kept.
struct Temp(PathBuf, bool);

impl Temp {
    fn keep(mut self) {
        self.1 = true;
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.1 {
            let _ = std::fs::remove_file(&self.0);
            let _ = std::fs::remove_file(journal_of(&self.0));
        }
    }
}

fn journal_of(p: &Path) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push("-journal");
    PathBuf::from(s)
}

fn random<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(b)
}

/// A temporary name beside `path` (same directory, so the rename is atomic).
fn temp_beside(path: &Path, tag: &str) -> Result<PathBuf, BackupFileError> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let r: [u8; 4] = random()?;
    Ok(path.with_file_name(format!(".{name}.{tag}-{}-{}", std::process::id(), crate::model::hex(&r))))
}

/// Removes what a backup or restore cut short (a power cut, a kill) left in the data directory:
/// temporary copies of processes that no longer run. A plaintext copy must not linger, nor fill
/// the card.
fn sweep(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = [".till.db.backup-", ".till.db.restore-"].iter().find_map(|p| name.strip_prefix(p)) else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|p| p != std::process::id() && !Path::new(&format!("/proc/{p}")).exists()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

fn sync_dir(dir: &Path) -> Result<(), BackupFileError> {
    let d = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    File::open(d).and_then(|f| f.sync_all()).map_err(io("cannot sync the directory", d))
}

/// Reads until `buf` is full or the file ends; the bytes read.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

impl Store {
    /// Writes a sealed backup of this register's database to `out` (replacing a file there) and
    /// returns what it holds. Consistent while other processes write: `VACUUM INTO` copies one
    /// read transaction's view.
    pub fn backup(&self, out: &Path, now_ms: u64) -> Result<BackupMade, BackupFileError> {
        let secret = self.get(kv::SECRET)?.ok_or(BackupFileError::NoSecret)?;
        let store = self.get(kv::STORE_ID)?;
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let out_dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if !out_dir.is_dir() {
            return Err(BackupFileError::NoFolder(out_dir.to_path_buf()));
        }
        if let (Ok(a), Ok(b)) = (out_dir.canonicalize(), dir.canonicalize())
            && a == b
        {
            return Err(BackupFileError::IntoDataDir(dir.to_path_buf()));
        }
        sweep(dir);
        // The plaintext copy stays on the register's own disk (which holds the database anyway),
        // never beside `out` on a stick that may be pulled.
        let copy = Temp(temp_beside(&dir.join(DB_FILE), "backup")?, false);
        let copy_str = copy.0.to_str().ok_or_else(|| BackupFileError::Io {
            what: "cannot copy the database to",
            path: copy.0.clone(),
            source: std::io::Error::other("the data directory's path is not UTF-8"),
        })?;
        self.conn.execute("VACUUM INTO ?1", [copy_str]).map_err(|e| StoreError::from_sqlite(e, &copy.0))?;
        let (events, high_water) = strip_copy(&copy.0)?;
        let db_bytes = std::fs::metadata(&copy.0).map_err(io("cannot read", &copy.0))?.len();
        let info = BackupInfo { created_ms: now_ms, events, high_water, register: self.register_id, db_bytes };
        let header = BackupHeader { store, salt: random()?, prefix: random()?, chunk: CHUNK_BYTES };
        let key =
            SealKey::derive_salted(secret.expose(), &header.salt).map_err(|e| BackupFileError::Kdf(e.to_string()))?;
        let sealed = Temp(temp_beside(out, "tmp")?, false);
        let bytes = seal_file(&copy.0, &sealed.0, &key, &header, &info)?;
        std::fs::rename(&sealed.0, out).map_err(io("cannot rename the backup to", out))?;
        sealed.keep();
        sync_dir(out.parent().unwrap_or(Path::new(".")))?;
        Ok(BackupMade { path: out.to_path_buf(), bytes, store, info })
    }
}

/// Takes the secret (and a pairing code) out of the copy, overwriting the freed bytes, and counts
/// its events: (events, highest log position).
fn strip_copy(path: &Path) -> Result<(u64, u64), BackupFileError> {
    let err = |e| StoreError::from_sqlite(e, path);
    let c = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(err)?;
    c.pragma_update(None, "journal_mode", "OFF").map_err(err)?;
    c.pragma_update(None, "secure_delete", "ON").map_err(err)?;
    for key in LEFT_OUT {
        c.execute("DELETE FROM device_kv WHERE key = ?1", [key]).map_err(err)?;
    }
    let (events, high): (i64, i64) = c
        .query_row("SELECT count(*), coalesce(max(log_seq), 0) FROM events", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(err)?;
    c.close().map_err(|(_, e)| err(e))?;
    Ok((events as u64, high as u64))
}

/// Seals the plaintext copy into `to`, fsynced; the sealed file's size.
fn seal_file(
    from: &Path,
    to: &Path,
    key: &SealKey,
    header: &BackupHeader,
    info: &BackupInfo,
) -> Result<u64, BackupFileError> {
    let seal = |why: BackupError| BackupFileError::Sealed { path: to.to_path_buf(), why };
    let mut input = File::open(from).map_err(io("cannot read", from))?;
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(to).map_err(io("cannot create", to))?;
    let mut w = BufWriter::new(file);
    let mut s = Sealer::new(key, header);
    let info = s.info(info).map_err(seal)?;
    w.write_all(&header.encode()).and_then(|()| w.write_all(&info)).map_err(io("cannot write", to))?;
    let mut total = (HEADER_BYTES + info.len()) as u64;
    let mut buf = vec![0u8; header.chunk as usize];
    loop {
        let n = read_full(&mut input, &mut buf).map_err(io("cannot read", from))?;
        let last = n < buf.len();
        let chunk = s.chunk(&buf[..n], last).map_err(seal)?;
        w.write_all(&chunk).map_err(io("cannot write", to))?;
        total += chunk.len() as u64;
        if last {
            break;
        }
    }
    let file = w.into_inner().map_err(|e| e.into_error()).map_err(io("cannot write", to))?;
    file.sync_all().map_err(io("cannot sync", to))?;
    Ok(total)
}

/// What stands in the data directory before a restore.
enum Target {
    /// No database: a new register.
    Absent,
    /// A database that opens.
    Store(Store),
    /// A database that does not open (damaged, cut short, another program's).
    Unreadable(StoreError),
}

/// Restores the backup `file` into the data directory `dir`: onto an absent or empty database,
/// or, with `force`, over one that holds data. `secret` opens it; without one, the secret set on
/// the register in `dir`. The restored database gets the secret that opened it. Nothing changes
/// unless the whole file authenticates.
pub fn restore(dir: &Path, file: &Path, secret: Option<Secret>, force: bool) -> Result<Restored, BackupFileError> {
    let sealed = |why| BackupFileError::Sealed { path: file.to_path_buf(), why };
    let mut input = File::open(file).map_err(io("cannot open", file))?;
    let mut head = [0u8; HEADER_BYTES + SEALED_INFO_BYTES];
    let n = read_full(&mut input, &mut head).map_err(io("cannot read", file))?;
    let header = BackupHeader::decode(&head[..n]).map_err(sealed)?;
    if n < head.len() {
        return Err(sealed(BackupError::Truncated));
    }

    // Refused under a running register (checked first, creating nothing; claimed below, for
    // as long as the database is replaced).
    if super::claimed(dir) {
        return Err(StoreError::InUse(dir.to_path_buf()).into());
    }
    let db = dir.join(DB_FILE);
    let target = if db.exists() {
        match Store::open(dir) {
            Ok(s) => Target::Store(s),
            Err(e) => Target::Unreadable(e),
        }
    } else {
        Target::Absent
    };
    let secret = match (secret, &target) {
        (Some(s), _) => s,
        (None, Target::Store(s)) => s.get(kv::SECRET)?.ok_or(BackupFileError::NoSecretGiven)?,
        (None, _) => return Err(BackupFileError::NoSecretGiven),
    };
    let key = SealKey::derive_salted(secret.expose(), &header.salt).map_err(|e| BackupFileError::Kdf(e.to_string()))?;
    let mut opener = Opener::new(&key, &header);
    let info = opener.info(&head[HEADER_BYTES..]).map_err(sealed)?;
    if let (Target::Unreadable(e), false) = (&target, force) {
        return Err(BackupFileError::Unreadable(e.to_string()));
    }

    let made_dir = !dir.exists();
    std::fs::create_dir_all(dir).map_err(io("cannot create the data directory", dir))?;
    let claim = super::claim(dir)?;
    let res = restore_into(dir, &mut input, opener, &secret, target, force, file);
    if res.is_err() && made_dir {
        drop(claim);
        let _ = std::fs::remove_file(dir.join(super::RUN_LOCK_FILE));
        let _ = std::fs::remove_dir(dir);
    }
    let (lost_events, lost_orders, replaced) = res?;
    Ok(Restored { store: header.store, info, lost_events, lost_orders, replaced })
}

/// Opens the rest of the backup into a temporary database beside `till.db`, checks it, compares
/// it with what is there, and renames it into place: (lost events, lost orders, replaced).
fn restore_into(
    dir: &Path,
    input: &mut File,
    mut opener: Opener,
    secret: &Secret,
    target: Target,
    force: bool,
    file: &Path,
) -> Result<(u64, u64, bool), BackupFileError> {
    let sealed = |why| BackupFileError::Sealed { path: file.to_path_buf(), why };
    let db = dir.join(DB_FILE);
    sweep(dir);
    let tmp = Temp(temp_beside(&db, "restore")?, false);
    {
        let out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp.0)
            .map_err(io("cannot create", &tmp.0))?;
        let mut w = BufWriter::new(out);
        let mut buf = vec![0u8; opener.sealed_chunk_bytes()];
        while !opener.finished() {
            let n = read_full(input, &mut buf).map_err(io("cannot read", file))?;
            let plain = opener.chunk(&buf[..n]).map_err(sealed)?;
            w.write_all(&plain).map_err(io("cannot write", &tmp.0))?;
        }
        let mut one = [0u8; 1];
        if read_full(input, &mut one).map_err(io("cannot read", file))? != 0 {
            return Err(sealed(BackupError::Trailing));
        }
        let out = w.into_inner().map_err(|e| e.into_error()).map_err(io("cannot write", &tmp.0))?;
        out.sync_all().map_err(io("cannot sync", &tmp.0))?;
    }
    put_secret(&tmp.0, secret, file)?;
    let (lost_events, lost_orders, replaced) = match target {
        Target::Absent => (0, 0, false),
        Target::Unreadable(_) => (0, 0, true),
        Target::Store(s) => {
            let (events, orders, lost_events, lost_orders) = compare(&s, &tmp.0)?;
            if events > 0 && !force {
                return Err(BackupFileError::NotEmpty {
                    dir: dir.to_path_buf(),
                    events,
                    orders,
                    lost_events,
                    lost_orders,
                });
            }
            // Everything into till.db itself, so no log of the old database outlives it.
            s.checkpoint()?;
            drop(s);
            (lost_events, lost_orders, events > 0)
        }
    };
    for side in ["till.db-wal", "till.db-shm"] {
        match std::fs::remove_file(dir.join(side)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(BackupFileError::Io { what: "cannot remove", path: dir.join(side), source: e });
            }
            _ => {}
        }
    }
    std::fs::rename(&tmp.0, &db).map_err(io("cannot rename the restored database to", &db))?;
    tmp.keep();
    sync_dir(dir)?;
    // Wake anything watching the directory (best effort).
    let _ = std::fs::write(dir.join(COMMIT_MARKER), b"c");
    Ok((lost_events, lost_orders, replaced))
}

/// Checks that the restored copy is a Till database this build can open, and writes the secret
/// that opened it back into its device-local table (the backup leaves it out).
fn put_secret(path: &Path, secret: &Secret, file: &Path) -> Result<(), BackupFileError> {
    let err = |e| BackupFileError::Store(StoreError::from_sqlite(e, path));
    let c = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(err)?;
    let app: Result<i32, _> = c.pragma_query_value(None, "application_id", |r| r.get(0));
    let version: Result<i64, _> = c.pragma_query_value(None, "user_version", |r| r.get(0));
    let (Ok(APPLICATION_ID), Ok(version)) = (app, version) else {
        return Err(BackupFileError::NotTill(file.to_path_buf()));
    };
    let supported = super::latest_schema_version();
    if version > supported {
        return Err(StoreError::NewerSchema { path: file.to_path_buf(), found: version, supported }.into());
    }
    c.pragma_update(None, "journal_mode", "DELETE").map_err(err)?;
    c.pragma_update(None, "synchronous", "FULL").map_err(err)?;
    c.execute(
        "INSERT INTO device_kv (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![kv::SECRET.name, crate::store::kv::Value::to_kv(secret)],
    )
    .map_err(err)?;
    c.close().map_err(|(_, e)| err(e))
}

/// (events, orders) the register holds, and how many of them the restored copy lacks.
fn compare(s: &Store, copy: &Path) -> Result<(u64, u64, u64, u64), BackupFileError> {
    let err = |e| BackupFileError::Store(StoreError::from_sqlite(e, &s.path));
    let c = &s.conn;
    let copy_str = copy.to_string_lossy().into_owned();
    c.execute("ATTACH DATABASE ?1 AS restored", [copy_str]).map_err(err)?;
    let counts = c
        .query_row(
            "SELECT (SELECT count(*) FROM main.events),
                    (SELECT count(*) FROM main.orders),
                    (SELECT count(*) FROM main.events e WHERE NOT EXISTS
                        (SELECT 1 FROM restored.events r WHERE r.origin = e.origin AND r.seq = e.seq)),
                    (SELECT count(*) FROM main.orders o WHERE NOT EXISTS
                        (SELECT 1 FROM restored.orders r WHERE r.origin = o.origin AND r.seq = o.seq))",
            [],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?)),
        )
        .optional();
    let detach = c.execute("DETACH DATABASE restored", []);
    let (events, orders, lost_e, lost_o) = counts.map_err(err)?.unwrap_or_default();
    detach.map_err(err)?;
    Ok((events as u64, orders as u64, lost_e as u64, lost_o as u64))
}
