//! Device-local settings: every key of the `device_kv` table, its type, and how it is written.
//! Nothing here is synced: it is what makes this box this register (its id, its setup, where it
//! is in its server's log).
//!
//! A key is a [`Key<T>`]; [`Store::get`], [`Store::set`] and the same methods on [`Tx`] read and
//! write it as `T`. A stored value that does not decode is an error
//! ([`StoreError::BadSetting`]), never a silent default: a register that cannot read its own
//! order counter, clock mark or setup must say so instead of guessing.

use std::marker::PhantomData;
use std::net::{IpAddr, SocketAddr};

use serde::{Deserialize, Serialize};

use super::{Store, StoreError, Tx};
use crate::config::{ConfigUpdate, DayTime, ExportSetup, LocalApiConfig, Mode, PrinterSetup, Secret, ServerAddr};
use crate::model::{EventId, RegisterId, hex, unhex};
use crate::sync::protocol::Cursor;
use crate::sync::{Hlc, StoreId};

/// A device-local setting of type `T`, stored as text under `name`.
#[derive(Debug)]
pub struct Key<T> {
    /// The key in the `device_kv` table.
    pub name: &'static str,
    _type: PhantomData<fn() -> T>,
}

impl<T> Clone for Key<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Key<T> {}

impl<T> Key<T> {
    const fn new(name: &'static str) -> Key<T> {
        Key { name, _type: PhantomData }
    }
}

/// A value a device-local setting can hold: its text form and back.
pub trait Value: Sized {
    /// The stored text.
    fn to_kv(&self) -> String;
    /// The value, or why the stored text is not one.
    fn from_kv(s: &str) -> Result<Self, String>;
    /// Whether error messages may quote the stored text (not for secrets).
    const QUOTABLE: bool = true;
}

fn parsed<T: std::str::FromStr>(s: &str, what: &str) -> Result<T, String> {
    s.parse().map_err(|_| format!("not {what}"))
}

impl Value for String {
    fn to_kv(&self) -> String {
        self.clone()
    }
    fn from_kv(s: &str) -> Result<Self, String> {
        Ok(s.to_string())
    }
}

macro_rules! numeric {
    ($($t:ty => $what:literal),*) => {$(
        impl Value for $t {
            fn to_kv(&self) -> String {
                self.to_string()
            }
            fn from_kv(s: &str) -> Result<Self, String> {
                parsed(s, $what)
            }
        }
    )*};
}
numeric!(u16 => "a port number", u64 => "a whole number", i64 => "a whole number", IpAddr => "an IP address",
         SocketAddr => "an address and port", RegisterId => "a register id", StoreId => "a store id", Hlc => "a clock mark");

impl Value for bool {
    fn to_kv(&self) -> String {
        if *self { "1" } else { "0" }.to_string()
    }
    fn from_kv(s: &str) -> Result<Self, String> {
        match s {
            "1" => Ok(true),
            "0" => Ok(false),
            _ => Err("not 0 or 1".into()),
        }
    }
}

/// 16 or 32 raw bytes (a log epoch, a register's own key), as hex.
impl<const N: usize> Value for [u8; N] {
    fn to_kv(&self) -> String {
        hex(self)
    }
    fn from_kv(s: &str) -> Result<Self, String> {
        unhex::<N>(s).ok_or_else(|| format!("not {N} bytes of hex"))
    }
    const QUOTABLE: bool = false;
}

impl Value for Mode {
    fn to_kv(&self) -> String {
        self.to_string()
    }
    fn from_kv(s: &str) -> Result<Self, String> {
        s.parse().map_err(|e: crate::config::ConfigError| e.to_string())
    }
}

impl Value for ExportSetup {
    fn to_kv(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
    fn from_kv(s: &str) -> Result<Self, String> {
        serde_json::from_str(s).map_err(|e| format!("not an export setup ({e})"))
    }
    const QUOTABLE: bool = false;
}

impl Value for PrinterSetup {
    fn to_kv(&self) -> String {
        self.to_string()
    }
    fn from_kv(s: &str) -> Result<Self, String> {
        s.parse()
    }
}

impl Value for DayTime {
    fn to_kv(&self) -> String {
        self.to_string()
    }
    fn from_kv(s: &str) -> Result<Self, String> {
        s.parse().map_err(|e: crate::config::ConfigError| e.to_string())
    }
}

/// How the last backup to a USB stick went (stick module), for `till status` and the screen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StickBackupStatus {
    /// When it was tried, ms since the epoch.
    pub at_ms: u64,
    /// Whether the backup is on the stick.
    pub ok: bool,
    /// The file written (its name on the stick), when it was.
    pub file: Option<String>,
    /// Its size, when it was written.
    pub bytes: Option<u64>,
    /// Why it failed, in a manager's words, when it did.
    pub error: Option<String>,
    /// Who asked: `nightly`, `cli` or `screen`.
    pub by: String,
}

impl Value for StickBackupStatus {
    fn to_kv(&self) -> String {
        // Plain data with string and integer fields: serializing it cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
    fn from_kv(s: &str) -> Result<Self, String> {
        serde_json::from_str(s).map_err(|e| format!("not a stick backup status: {e}"))
    }
}

impl Value for ServerAddr {
    fn to_kv(&self) -> String {
        self.to_string()
    }
    fn from_kv(s: &str) -> Result<Self, String> {
        s.parse().map_err(|e: crate::config::ConfigError| e.to_string())
    }
}

impl Value for Secret {
    fn to_kv(&self) -> String {
        self.expose().to_string()
    }
    /// A stored secret was checked when it was saved: it stays usable even if the rules tighten.
    fn from_kv(s: &str) -> Result<Self, String> {
        Secret::new_unchecked(s).map_err(|e| e.to_string())
    }
    const QUOTABLE: bool = false;
}

/// `epoch:seq[:origin:seq]`: a client's place in its server's log.
impl Value for Cursor {
    fn to_kv(&self) -> String {
        match self.at {
            Some(at) => format!("{}:{}:{at}", hex(&self.epoch), self.seq),
            None => format!("{}:{}", hex(&self.epoch), self.seq),
        }
    }
    fn from_kv(s: &str) -> Result<Self, String> {
        let bad = || "not a sync cursor".to_string();
        let mut parts = s.splitn(3, ':');
        let epoch = parts.next().and_then(unhex::<16>).ok_or_else(bad)?;
        let seq = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let at = match parts.next() {
            Some(a) => Some(a.parse::<EventId>().map_err(|_| bad())?),
            None => None,
        };
        Ok(Cursor { epoch, seq, at })
    }
}

/// A pairing code a server shows, while it is valid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pairing {
    /// The digits.
    pub code: String,
    /// Valid until, ms since the epoch.
    pub until_ms: u64,
    /// Guesses left: each pairing attempt spends one, right or wrong.
    pub attempts_left: u32,
}

impl Value for Pairing {
    fn to_kv(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
    fn from_kv(s: &str) -> Result<Self, String> {
        serde_json::from_str(s).map_err(|e| format!("not a pairing code: {e}"))
    }
    const QUOTABLE: bool = false;
}

/// Where a client register's sync stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SyncState {
    /// Starting, or reconnecting after a failure.
    #[default]
    Connecting,
    /// Looking for the store's server on the local subnets.
    Scanning,
    /// In a session with the server: pushing and long-polling.
    Connected,
    /// The last attempt failed; retrying after a pause.
    Offline,
}

impl std::fmt::Display for SyncState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SyncState::Connecting => "connecting",
            SyncState::Scanning => "scanning",
            SyncState::Connected => "connected",
            SyncState::Offline => "offline",
        })
    }
}

/// What a running client's poller reports about itself (`till status`, the status screen).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct SyncStatus {
    /// Where the session stands.
    pub state: SyncState,
    /// The server address (`scan` while it is not found yet).
    pub server: String,
    /// The server register's name, once known.
    pub server_name: Option<String>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When this status was written, ms since the epoch.
    pub since_ms: u64,
}

impl Value for SyncStatus {
    fn to_kv(&self) -> String {
        // Plain data with string and integer fields: serializing it cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
    fn from_kv(s: &str) -> Result<Self, String> {
        serde_json::from_str(s).map_err(|e| format!("not a sync status: {e}"))
    }
}

// ---- The keys. Each one is written by one module (named) and may be read anywhere. ----

/// This register's identity (store: made at first open).
pub const REGISTER_ID: Key<RegisterId> = Key::new("register_id");
/// Random id of this database's event log; a replaced database has another (store).
pub const LOG_EPOCH: Key<[u8; 16]> = Key::new("log_epoch");
/// The hybrid clock's high-water mark (store).
pub const HLC: Key<Hlc> = Key::new("hlc");
/// Milliseconds added to the system clock, learned from the server (net's poller).
pub const CLOCK_OFFSET: Key<i64> = Key::new("clock_offset_ms");
/// The last order number's counter on this register (register).
pub const ORDER_COUNTER: Key<u64> = Key::new("order_counter");

/// Setup: standalone, server or client (config, saved by [`Tx::save_setup`]).
pub const MODE: Key<Mode> = Key::new("mode");
/// Setup: the register's short name, the prefix of its order numbers.
pub const REGISTER_NAME: Key<String> = Key::new("register_name");
/// The name this register last announced to the store (an `EventKind::RegisterNamed`).
pub const NAME_ANNOUNCED: Key<String> = Key::new("register_name_announced");
/// Setup: the port a server listens on.
pub const PORT: Key<u16> = Key::new("port");
/// Setup: the address a server binds.
pub const BIND: Key<IpAddr> = Key::new("bind");
/// Setup: where a client finds its server.
pub const SERVER: Key<ServerAddr> = Key::new("server");
/// Setup: the store's shared secret.
pub const SECRET: Key<Secret> = Key::new("secret");
/// Setup: the token a `/metrics` scraper must send (server mode).
pub const METRICS_TOKEN: Key<String> = Key::new("metrics_token");
/// Setup: bumped at every save, so a running register notices a change by any process.
pub const SETUP_REVISION: Key<u64> = Key::new("config_revision");
/// Digest of the flash config last applied to the setup (init).
pub const FLASH_DIGEST: Key<String> = Key::new("flash_config_digest");

/// The address the server listens on while it runs; absent otherwise (modes).
pub const LISTEN_ADDR: Key<SocketAddr> = Key::new("listen_addr");
/// The store this register belongs to (net: the server makes it, a client learns it).
pub const STORE_ID: Key<StoreId> = Key::new("store_id");
/// Whether a peer has proven it holds the secret under [`STORE_ID`] (net).
pub const STORE_CONFIRMED: Key<bool> = Key::new("store_confirmed");
/// Server: until when new registers may enroll, ms since the epoch; absent: always (a new
/// store); 0: closed (after a revocation, until an admin opens it again) (net, cli).
pub const ENROLL_UNTIL: Key<u64> = Key::new("enroll_until_ms");
/// This register's own key, made once and sent in its hellos (net).
pub const REGISTER_KEY: Key<[u8; 32]> = Key::new("register_key");
/// Server: the pairing code on offer, if any (net's pairing, cli, the screen).
pub const PAIRING: Key<Pairing> = Key::new("pairing");
/// Client: its place in the server's log (net's poller).
pub const SYNC_CURSOR: Key<Cursor> = Key::new("sync_cursor");
/// Client: the poller's state (net's poller).
pub const SYNC_STATUS: Key<SyncStatus> = Key::new("sync_status");
/// Client: when events were last pulled, ms since the epoch (net's poller).
pub const LAST_SYNC: Key<u64> = Key::new("last_sync_ms");
/// Wrong PINs in a row on this register (the PIN pad locks at five).
pub const PIN_FAILURES: Key<u64> = Key::new("pin_failures");
/// Lock-outs since the last right PIN: each doubles the next.
pub const PIN_LOCKOUTS: Key<u64> = Key::new("pin_lockouts");
/// The PIN pad is locked until this wall-clock time, ms since the epoch.
pub const PIN_LOCKED_UNTIL: Key<u64> = Key::new("pin_locked_until_ms");
/// Seconds without a touch or key before the screen locks (default 300).
pub const IDLE_LOCK_SECS: Key<u64> = Key::new("idle_lock_secs");
/// Whether this client takes over as the server when its server is gone (`setup set standby=`).
pub const STANDBY: Key<bool> = Key::new("standby");
/// After how long without its server a standby takes over, seconds.
pub const STANDBY_AFTER_SECS: Key<u64> = Key::new("standby_after_secs");
/// This register's receipt printer (none: receipts are not printed; jobs are not queued).
pub const PRINTER: Key<PrinterSetup> = Key::new("printer");
/// What the printer said last: `ok`, or why it cannot print (`paper out`, `unreachable: …`).
pub const PRINTER_STATE: Key<String> = Key::new("printer_state");
/// Where this register exports orders and stock (`till export set`), credentials included:
/// never synced, never logged (its `Display` masks them). Migration 0008's trigger reads the key
/// by name.
pub const EXPORT: Key<ExportSetup> = Key::new("export");
/// The export as this register began it: the connector and destination it last looked up what
/// the platform already has (a register that becomes the exporter looks again).
pub const EXPORT_BEGUN: Key<String> = Key::new("export_begun");
/// Setup: when the nightly backup to a USB stick labelled TILL-BACKUP runs, `HH:MM` UTC.
pub const BACKUP_AT: Key<DayTime> = Key::new("backup_at");
/// Setup: this register's own language (`de`); absent: the store's ([`crate::store::Reader::language`]).
pub const LANGUAGE: Key<String> = Key::new("language");
/// The last backup to a USB stick, made or failed (stick).
pub const STICK_LAST: Key<StickBackupStatus> = Key::new("stick_backup_last");
/// When a backup last reached a USB stick, ms since the epoch (stick): the nightly backup skips
/// a day that already has one.
pub const STICK_LAST_OK: Key<u64> = Key::new("stick_backup_ok_ms");
/// Why this register last stopped serving (modes: "register A serves the store at term 2",
/// with when), for `till status`; cleared when it is promoted.
pub const STEPPED_DOWN: Key<String> = Key::new("stepped_down");
/// The exporter's last word on its health (`ok`, or the last failure), for the screen.
pub const EXPORT_STATE: Key<String> = Key::new("export_state");

fn decode<T: Value>(key: Key<T>, raw: Option<String>) -> Result<Option<T>, StoreError> {
    raw.map(|s| {
        T::from_kv(&s).map_err(|why| StoreError::BadSetting {
            key: key.name,
            value: if T::QUOTABLE { Some(s) } else { None },
            why,
        })
    })
    .transpose()
}

impl Store {
    /// Reads a device-local setting; `None` if it was never set.
    pub fn get<T: Value>(&self, key: Key<T>) -> Result<Option<T>, StoreError> {
        decode(key, self.kv_raw(key.name)?)
    }

    /// Writes a device-local setting in its own transaction.
    pub fn set<T: Value>(&mut self, key: Key<T>, value: &T) -> Result<(), StoreError> {
        self.write(|tx| tx.set(key, value))
    }

    /// Removes a device-local setting in its own transaction.
    pub fn clear<T>(&mut self, key: Key<T>) -> Result<(), StoreError> {
        self.write(|tx| tx.clear(key))
    }

    /// The register's setup (defaults for what was never set). A stored value that cannot be
    /// read is an error: the register must not run in a guessed mode.
    pub fn setup(&self) -> Result<LocalApiConfig, StoreError> {
        self.setup_before(&ConfigUpdate::default())
    }

    /// The setup `update` will change: as [`Store::setup`], except that a value the update
    /// replaces is not required to read (so `till setup set mode=…` repairs a damaged mode
    /// instead of refusing because of it).
    pub fn setup_before(&self, update: &ConfigUpdate) -> Result<LocalApiConfig, StoreError> {
        fn read<T: Value>(s: &Store, key: Key<T>, update: &ConfigUpdate) -> Result<Option<T>, StoreError> {
            match s.get(key) {
                Err(_) if update.sets(key.name) => Ok(None),
                r => r,
            }
        }
        let d = LocalApiConfig::default();
        Ok(LocalApiConfig {
            mode: read(self, MODE, update)?.unwrap_or(d.mode),
            register_name: read(self, REGISTER_NAME, update)?.unwrap_or(d.register_name),
            port: read(self, PORT, update)?.unwrap_or(d.port),
            bind: read(self, BIND, update)?.unwrap_or(d.bind),
            server: read(self, SERVER, update)?,
            secret: read(self, SECRET, update)?,
            metrics_token: read(self, METRICS_TOKEN, update)?,
            idle_lock_secs: read(self, IDLE_LOCK_SECS, update)?.unwrap_or(d.idle_lock_secs),
            standby: read(self, STANDBY, update)?.unwrap_or(d.standby),
            standby_after_secs: read(self, STANDBY_AFTER_SECS, update)?.unwrap_or(d.standby_after_secs),
            backup_at: read(self, BACKUP_AT, update)?.unwrap_or(d.backup_at),
            language: read(self, LANGUAGE, update)?,
        })
    }
}

impl Tx<'_> {
    /// Reads a device-local setting inside this transaction.
    pub fn get<T: Value>(&self, key: Key<T>) -> Result<Option<T>, StoreError> {
        decode(key, self.kv_raw(key.name)?)
    }

    /// Writes a device-local setting.
    pub fn set<T: Value>(&mut self, key: Key<T>, value: &T) -> Result<(), StoreError> {
        self.kv_put(key.name, &value.to_kv())
    }

    /// Removes a device-local setting.
    pub fn clear<T>(&mut self, key: Key<T>) -> Result<(), StoreError> {
        self.kv_delete(key.name)
    }

    /// Increments a counter and returns its new value (1 the first time).
    pub fn next_counter(&mut self, key: Key<u64>) -> Result<u64, StoreError> {
        let n = self.get(key)?.unwrap_or(0).checked_add(1).ok_or(StoreError::BadSetting {
            key: key.name,
            value: None,
            why: "the counter is at its maximum".into(),
        })?;
        self.set(key, &n)?;
        Ok(n)
    }

    /// Saves a validated setup and bumps the revision a running register watches.
    pub fn save_setup(&mut self, c: &LocalApiConfig) -> Result<(), StoreError> {
        self.set(MODE, &c.mode)?;
        self.set(REGISTER_NAME, &c.register_name)?;
        self.set(PORT, &c.port)?;
        self.set(BIND, &c.bind)?;
        if let Some(s) = &c.server {
            self.set(SERVER, s)?;
        }
        if let Some(s) = &c.secret {
            self.set(SECRET, s)?;
        }
        match &c.metrics_token {
            Some(t) => self.set(METRICS_TOKEN, t)?,
            None => self.clear(METRICS_TOKEN)?,
        }
        self.set(IDLE_LOCK_SECS, &c.idle_lock_secs)?;
        self.set(STANDBY, &c.standby)?;
        self.set(STANDBY_AFTER_SECS, &c.standby_after_secs)?;
        self.set(BACKUP_AT, &c.backup_at)?;
        match &c.language {
            Some(l) => self.set(LANGUAGE, l)?,
            None => self.clear(LANGUAGE)?,
        }
        self.next_counter(SETUP_REVISION)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip<T: Value + PartialEq + std::fmt::Debug>(v: T) {
        assert_eq!(T::from_kv(&v.to_kv()).as_ref(), Ok(&v));
    }

    #[test]
    fn values_round_trip() {
        roundtrip(Hlc { wall_ms: 12, logical: 3 });
        roundtrip(true);
        roundtrip(-5i64);
        roundtrip([7u8; 32]);
        roundtrip(Mode::Client);
        roundtrip(ServerAddr::Scan);
        let at = "0102030405060708090a0b0c0d0e0f10:7".parse().ok();
        roundtrip(Cursor { epoch: [3; 16], seq: 0, at: None });
        roundtrip(Cursor { epoch: [4; 16], seq: 42, at });
        roundtrip(SyncStatus { state: SyncState::Offline, server: "h:1".into(), ..SyncStatus::default() });
        assert!(Cursor::from_kv("nonsense").is_err());
    }

    #[test]
    fn unreadable_values_are_errors_that_never_quote_secrets() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut s = Store::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        s.write(|tx| {
            tx.kv_put(MODE.name, "sideways")?;
            tx.kv_put(REGISTER_KEY.name, "zz-not-hex")
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let e = s.setup().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("mode") && e.contains("sideways"), "{e}");
        let e = s.get(REGISTER_KEY).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("register_key") && !e.contains("zz-not-hex"), "{e}");
        s.write(|tx| tx.kv_put(ORDER_COUNTER.name, "x")).unwrap_or_else(|e| panic!("{e}"));
        assert!(s.write(|tx| tx.next_counter(ORDER_COUNTER)).is_err(), "a broken counter never restarts at 1");
    }
}
