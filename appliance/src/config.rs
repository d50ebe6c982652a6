//! LocalApiConfig: how this register works with others (mode, name, port, bind address, server,
//! shared secret). Device-local: never synced; stored by [`crate::store::kv`].
//!
//! Raw input (`till setup set key=value…`, the flash config, the setup screens) becomes a
//! validated [`LocalApiConfig`] in two steps: [`ConfigUpdate::parse`] checks each value, then
//! [`LocalApiConfig::with`] checks that the whole makes sense. Only validated configs are saved.
//! Pure: no database, no I/O beyond the random generator of [`Secret::generate`].

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use serde::Serialize;

mod export;
mod printer;
mod secret;
pub use export::{CONNECTORS, Connector, ExportSetup, SHOPIFY_API_VERSION, https_url, mask, webhook_key};
pub use printer::{CODE_PAGES, PrintMode, PrinterSetup};
pub use secret::{Part, Pattern, REQUIRED_BITS, Strength, estimate};

/// The default HTTP port of a server register.
pub const DEFAULT_PORT: u16 = 8787;

/// The register name used until an admin sets one.
pub const DEFAULT_REGISTER_NAME: &str = "R1";

/// How the register works with others.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// One register on its own: no networking at all.
    Standalone,
    /// Serves the other registers of the store over HTTP on the LAN (and sells too).
    Server,
    /// Syncs with a server register; keeps selling when it cannot reach it.
    Client,
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::Standalone => "standalone",
            Mode::Server => "server",
            Mode::Client => "client",
        })
    }
}

impl FromStr for Mode {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "standalone" => Ok(Mode::Standalone),
            "server" => Ok(Mode::Server),
            "client" => Ok(Mode::Client),
            _ => Err(ConfigError::BadValue("mode", s.to_string(), "use standalone, server or client")),
        }
    }
}

/// Where a client finds its server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerAddr {
    /// A host name or IP address and a port.
    Addr {
        /// Host name or IP address.
        host: String,
        /// TCP port.
        port: u16,
    },
    /// Find it by scanning the local subnets.
    Scan,
}

impl fmt::Display for ServerAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerAddr::Addr { host, port } if host.contains(':') => write!(f, "[{host}]:{port}"),
            ServerAddr::Addr { host, port } => write!(f, "{host}:{port}"),
            ServerAddr::Scan => f.write_str("scan"),
        }
    }
}

impl FromStr for ServerAddr {
    type Err = ConfigError;
    /// `HOST:PORT`, `[IPv6]:PORT`, `HOST` (default port), or `scan`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ConfigError::BadValue("server", s.to_string(), "use HOST:PORT, e.g. 192.168.1.20:8787, or scan");
        if s == "scan" {
            return Ok(ServerAddr::Scan);
        }
        let (host, port) = if let Some(rest) = s.strip_prefix('[') {
            let (h, p) = rest.split_once(']').ok_or_else(bad)?;
            (h, p.strip_prefix(':'))
        } else {
            match s.rsplit_once(':') {
                Some((h, p)) if !h.contains(':') => (h, Some(p)),
                _ => (s, None),
            }
        };
        let port = match port {
            Some(p) => p.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(bad)?,
            None => DEFAULT_PORT,
        };
        let host_ok = !host.is_empty()
            && host.len() <= 253
            && (host.parse::<IpAddr>().is_ok()
                || host.split('.').all(|l| {
                    !l.is_empty() && l.len() <= 63 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                }));
        if !host_ok {
            return Err(bad());
        }
        Ok(ServerAddr::Addr { host: host.to_string(), port })
    }
}

/// The store's shared secret. Never printed by Debug or Display.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({} chars)", self.0.chars().count())
    }
}

impl Secret {
    /// The secret itself, for the key derivation only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Checks that a secret typed by an admin is strong enough to protect the store's data
    /// against someone who records LAN traffic and guesses offline: 12 to 128 printable
    /// characters and an estimated [`REQUIRED_BITS`] (see [`estimate`]).
    pub fn new(s: &str) -> Result<Secret, ConfigError> {
        let n = s.chars().count();
        if s.chars().any(|c| c.is_control() || crate::model::is_invisible(c)) {
            return Err(ConfigError::WeakSecret("it contains control or invisible characters".into()));
        }
        if n < 12 {
            return Err(ConfigError::WeakSecret("it is shorter than 12 characters".into()));
        }
        if n > 128 {
            return Err(ConfigError::WeakSecret("it is longer than 128 characters".into()));
        }
        let strength = estimate(s);
        if !strength.is_enough() {
            return Err(ConfigError::WeakSecret(format!(
                "{}: about {:.0} bits, needs {REQUIRED_BITS:.0}",
                strength.describe(),
                strength.bits.floor()
            )));
        }
        Ok(Secret(s.to_string()))
    }

    /// A secret as typed, without the strength rules: only for testing a connection to a server
    /// that already uses it (the rules apply when a secret is saved).
    pub fn new_unchecked(s: &str) -> Result<Secret, ConfigError> {
        if s.is_empty() || s.chars().any(char::is_control) {
            return Err(ConfigError::WeakSecret("it is empty or contains control characters".into()));
        }
        Ok(Secret(s.to_string()))
    }

    /// A strong random secret that is easy to read out and type on a touch keyboard:
    /// five groups of four characters from 32 unambiguous ones (100 bits).
    pub fn generate() -> Result<Secret, ConfigError> {
        let mut raw = [0u8; 20];
        getrandom::fill(&mut raw).map_err(|e| ConfigError::Random(e.to_string()))?;
        Ok(Secret::from_random(raw))
    }

    /// The secret [`Secret::generate`] makes from 20 random bytes (5 bits of each).
    fn from_random(raw: [u8; 20]) -> Secret {
        const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let mut s = String::with_capacity(24);
        for (i, b) in raw.iter().enumerate() {
            if i > 0 && i % 4 == 0 {
                s.push('-');
            }
            s.push(char::from(ALPHABET[usize::from(*b & 31)]));
        }
        Secret(s)
    }
}

/// Why a setup value or combination was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Not `key=value`, or a key that does not exist.
    #[error("unknown setup key {}: use mode, name, port, bind, server, secret, metrics_token, idle_lock, standby, standby_after or backup_at", crate::model::quote(.0))]
    UnknownKey(String),
    /// A value a key does not accept.
    #[error("bad {key} {value}: {why}", key = .0, value = crate::model::quote(.1), why = .2)]
    BadValue(&'static str, String, &'static str),
    /// The secret is too weak.
    #[error("the secret is too weak: {0}. Use `till setup secret --generate` for a strong one")]
    WeakSecret(String),
    /// A combination that cannot work (client mode without a server, …).
    #[error("{0}")]
    Incomplete(&'static str),
    /// No randomness for a generated secret.
    #[error("no randomness from the operating system: {0}")]
    Random(String),
}

/// A set of changes to the config, each value already checked.
#[derive(Clone, Debug, Default)]
pub struct ConfigUpdate {
    mode: Option<Mode>,
    name: Option<String>,
    port: Option<u16>,
    bind: Option<IpAddr>,
    server: Option<ServerAddr>,
    secret: Option<Secret>,
    metrics_token: Option<Option<String>>,
    idle_lock_secs: Option<u64>,
    standby: Option<bool>,
    standby_after_secs: Option<u64>,
    backup_at: Option<DayTime>,
    language: Option<Option<String>>,
}

/// A time of day, `HH:MM` (UTC: Till has no store time zone), as `backup_at=` takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DayTime {
    minutes: u16,
}

impl DayTime {
    /// `hour:minute`, if a time of day.
    pub const fn new(hour: u16, minute: u16) -> Option<DayTime> {
        if hour < 24 && minute < 60 { Some(DayTime { minutes: hour * 60 + minute }) } else { None }
    }

    /// Minutes after midnight.
    pub fn minutes(self) -> u16 {
        self.minutes
    }
}

impl std::fmt::Display for DayTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.minutes / 60, self.minutes % 60)
    }
}

impl std::str::FromStr for DayTime {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, ConfigError> {
        let bad = || ConfigError::BadValue("backup_at", s.to_string(), "use a time of day such as 03:00 (UTC)");
        let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
        let num = |t: &str| if (1..=2).contains(&t.len()) { t.parse::<u16>().ok() } else { None };
        DayTime::new(num(h).ok_or_else(bad)?, num(m).ok_or_else(bad)?).ok_or_else(bad)
    }
}

/// When the nightly backup to a USB stick runs when the setup names no time: 03:00 UTC.
pub const DEFAULT_BACKUP_AT: DayTime = DayTime { minutes: 180 };

/// The idle lock when the setup names none: five minutes.
pub const DEFAULT_IDLE_LOCK_SECS: u64 = 300;

/// How long a standby waits, with its server unreachable, before it takes over: two minutes.
pub const DEFAULT_STANDBY_AFTER_SECS: u64 = 120;

/// Parses an idle time: seconds (`90`, `90s`) or minutes (`5m`), 0 for never, at most a day.
pub fn parse_idle_lock(s: &str) -> Result<u64, ConfigError> {
    parse_secs("idle_lock", s, "use seconds or minutes such as 90s or 5m (0: never)")
}

/// Parses a standby's delay: seconds or minutes, from 1 s to a day.
pub fn parse_standby_after(s: &str) -> Result<u64, ConfigError> {
    parse_secs("standby_after", s, "use seconds or minutes such as 90s or 2m (at least 1 s)").and_then(|v| {
        if v == 0 { Err(ConfigError::BadValue("standby_after", s.to_string(), "use at least 1 s")) } else { Ok(v) }
    })
}

fn parse_secs(key: &'static str, s: &str, hint: &'static str) -> Result<u64, ConfigError> {
    let bad = || ConfigError::BadValue(key, s.to_string(), hint);
    let t = s.trim();
    let (n, unit) = match t.strip_suffix('m') {
        Some(n) => (n, 60),
        None => (t.strip_suffix('s').unwrap_or(t), 1),
    };
    let n: u64 = n.parse().map_err(|_| bad())?;
    n.checked_mul(unit).filter(|v| *v <= 86_400).ok_or_else(bad)
}

/// Checks a `/metrics` scrape token: 16 to 128 visible ASCII characters (it travels in a header).
pub fn validate_metrics_token(s: &str) -> Result<String, ConfigError> {
    if (16..=128).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(s.to_string())
    } else {
        Err(ConfigError::BadValue("metrics_token", s.to_string(), "use 16 to 128 visible ASCII characters"))
    }
}

/// Checks a register's own language: the code of a shipped catalog (`de`, or a tag such as
/// `de-CH`, kept as its language's code).
pub fn validate_language(s: &str) -> Result<String, ConfigError> {
    till_display::i18n::Language::of(s)
        .map(|l| l.code().to_string())
        .ok_or_else(|| ConfigError::BadValue("language", s.to_string(), "use en, de, fr or es (or store)"))
}

/// Checks a register name: it prefixes order numbers, so short and plain.
pub fn validate_register_name(s: &str) -> Result<String, ConfigError> {
    if (1..=16).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        Ok(s.to_string())
    } else {
        Err(ConfigError::BadValue(
            "name",
            s.to_string(),
            "use 1-16 letters, digits, '-' or '_' (it prefixes order numbers)",
        ))
    }
}

impl ConfigUpdate {
    /// Whether this update sets the device setting stored under `key` (the store's key name).
    pub fn sets(&self, key: &str) -> bool {
        match key {
            "mode" => self.mode.is_some(),
            "register_name" => self.name.is_some(),
            "port" => self.port.is_some(),
            "bind" => self.bind.is_some(),
            "server" => self.server.is_some(),
            "secret" => self.secret.is_some(),
            "metrics_token" => self.metrics_token.is_some(),
            "idle_lock_secs" => self.idle_lock_secs.is_some(),
            "standby" => self.standby.is_some(),
            "standby_after_secs" => self.standby_after_secs.is_some(),
            "backup_at" => self.backup_at.is_some(),
            "language" => self.language.is_some(),
            _ => false,
        }
    }

    /// Parses `key=value` pairs as typed after `till setup set`.
    pub fn parse<S: AsRef<str>>(pairs: &[S]) -> Result<ConfigUpdate, ConfigError> {
        let mut u = ConfigUpdate::default();
        for pair in pairs {
            let pair = pair.as_ref();
            let (k, v) = pair.split_once('=').ok_or_else(|| ConfigError::UnknownKey(pair.to_string()))?;
            match k {
                "mode" => u.mode = Some(v.parse()?),
                "name" => u.name = Some(validate_register_name(v)?),
                "port" => {
                    // Not 0: "any free port" would change at every start, and clients could not
                    // find the server again. Tests pick a free port themselves.
                    u.port =
                        Some(v.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(|| {
                            ConfigError::BadValue("port", v.to_string(), "use a number from 1 to 65535")
                        })?)
                }
                "bind" => {
                    u.bind = Some(v.parse().map_err(|_| {
                        ConfigError::BadValue(
                            "bind",
                            v.to_string(),
                            "use an IP address such as 0.0.0.0 or 192.168.1.20",
                        )
                    })?)
                }
                "server" => u.server = Some(v.parse()?),
                "secret" => u.secret = Some(Secret::new(v)?),
                // Empty: no token (then only this machine may read /metrics).
                "metrics_token" if v.is_empty() => u.metrics_token = Some(None),
                "metrics_token" => u.metrics_token = Some(Some(validate_metrics_token(v)?)),
                "idle_lock" => u.idle_lock_secs = Some(parse_idle_lock(v)?),
                "standby" => {
                    u.standby = Some(match v {
                        "yes" | "on" | "true" => true,
                        "no" | "off" | "false" => false,
                        _ => return Err(ConfigError::BadValue("standby", v.to_string(), "use yes or no")),
                    })
                }
                "standby_after" => u.standby_after_secs = Some(parse_standby_after(v)?),
                "backup_at" => u.backup_at = Some(v.parse()?),
                // `store`: as the store's (the setting `language`, else its locale's).
                "language" if v == "store" => u.language = Some(None),
                "language" => u.language = Some(Some(validate_language(v)?)),
                _ => return Err(ConfigError::UnknownKey(k.to_string())),
            }
        }
        Ok(u)
    }

    /// The server this update sets, if any.
    pub fn server(&self) -> Option<&ServerAddr> {
        self.server.as_ref()
    }

    /// An update that only sets the mode.
    pub fn mode(mode: Mode) -> ConfigUpdate {
        ConfigUpdate { mode: Some(mode), ..ConfigUpdate::default() }
    }

    /// Sets the server address too.
    pub fn with_server(mut self, server: ServerAddr) -> ConfigUpdate {
        self.server = Some(server);
        self
    }

    /// Sets the secret too.
    pub fn with_secret(mut self, secret: Secret) -> ConfigUpdate {
        self.secret = Some(secret);
        self
    }
}

/// The validated config of this register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalApiConfig {
    /// Standalone, server or client.
    pub mode: Mode,
    /// Short name; prefixes order numbers.
    pub register_name: String,
    /// Port the server listens on (server mode).
    pub port: u16,
    /// Address the server binds (server mode); 0.0.0.0 is every interface.
    pub bind: IpAddr,
    /// The server to sync with (client mode).
    pub server: Option<ServerAddr>,
    /// The store's shared secret (server and client modes).
    pub secret: Option<Secret>,
    /// The token a scraper sends for `/metrics` (server mode); without one, only this machine
    /// may read them.
    pub metrics_token: Option<String>,
    /// Seconds untouched before the screen locks (0: never).
    pub idle_lock_secs: u64,
    /// A client that takes over as the store's server when its server has been unreachable for
    /// `standby_after_secs` (docs/ARCHITECTURE.md, "Promotion and terms").
    pub standby: bool,
    /// How long a standby waits before it takes over.
    pub standby_after_secs: u64,
    /// When the nightly backup to a stick labelled TILL-BACKUP runs, UTC (docs/ARCHITECTURE.md,
    /// "Backups to a USB stick").
    pub backup_at: DayTime,
    /// The language this register's screen and receipts use (`de`); `None`: the store's
    /// (docs/LOCALE.md, "Language").
    pub language: Option<String>,
}

impl Default for LocalApiConfig {
    fn default() -> Self {
        LocalApiConfig {
            mode: Mode::Standalone,
            register_name: DEFAULT_REGISTER_NAME.to_string(),
            port: DEFAULT_PORT,
            bind: IpAddr::from([0, 0, 0, 0]),
            server: None,
            secret: None,
            metrics_token: None,
            idle_lock_secs: DEFAULT_IDLE_LOCK_SECS,
            standby: false,
            standby_after_secs: DEFAULT_STANDBY_AFTER_SECS,
            backup_at: DEFAULT_BACKUP_AT,
            language: None,
        }
    }
}

impl LocalApiConfig {
    /// This config with an update applied, checked as a whole.
    pub fn with(&self, u: ConfigUpdate) -> Result<LocalApiConfig, ConfigError> {
        let c = LocalApiConfig {
            mode: u.mode.unwrap_or(self.mode),
            register_name: u.name.unwrap_or_else(|| self.register_name.clone()),
            port: u.port.unwrap_or(self.port),
            bind: u.bind.unwrap_or(self.bind),
            server: u.server.or_else(|| self.server.clone()),
            secret: u.secret.or_else(|| self.secret.clone()),
            metrics_token: u.metrics_token.unwrap_or_else(|| self.metrics_token.clone()),
            idle_lock_secs: u.idle_lock_secs.unwrap_or(self.idle_lock_secs),
            standby: u.standby.unwrap_or(self.standby),
            standby_after_secs: u.standby_after_secs.unwrap_or(self.standby_after_secs),
            backup_at: u.backup_at.unwrap_or(self.backup_at),
            language: u.language.unwrap_or_else(|| self.language.clone()),
        };
        c.check()?;
        Ok(c)
    }

    /// Checks that the values make a working setup (a client knows its server, server and
    /// client hold the secret).
    pub fn check(&self) -> Result<(), ConfigError> {
        match self.mode {
            Mode::Client if self.server.is_none() => {
                Err(ConfigError::Incomplete("client mode needs the server: set server=HOST:PORT (or server=scan)"))
            }
            Mode::Client | Mode::Server if self.secret.is_none() => Err(ConfigError::Incomplete(
                "server and client modes need the store's shared secret: set secret=… (`till setup secret --generate` makes one)",
            )),
            _ => Ok(()),
        }
    }

    /// The config as `till setup show --json` prints it: the secret only as set or not.
    pub fn view(&self) -> ConfigView {
        ConfigView {
            mode: self.mode,
            name: self.register_name.clone(),
            port: self.port,
            bind: self.bind.to_string(),
            server: self.server.as_ref().map(ToString::to_string),
            secret_set: self.secret.is_some(),
            metrics_token_set: self.metrics_token.is_some(),
            idle_lock_secs: self.idle_lock_secs,
            standby: self.standby,
            standby_after_secs: self.standby_after_secs,
            backup_at: self.backup_at.to_string(),
            language: self.language.clone(),
        }
    }
}

/// What `till setup show --json` prints.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ConfigView {
    /// standalone, server or client.
    pub mode: Mode,
    /// Register name.
    pub name: String,
    /// Server port.
    pub port: u16,
    /// Server bind address.
    pub bind: String,
    /// Server to sync with.
    pub server: Option<String>,
    /// Whether a shared secret is set (the secret itself is never printed here).
    pub secret_set: bool,
    /// Whether a `/metrics` scrape token is set (never the token itself).
    pub metrics_token_set: bool,
    /// Seconds untouched before the screen locks (0: never).
    pub idle_lock_secs: u64,
    /// Whether this client takes over when its server is gone.
    pub standby: bool,
    /// After how many seconds without its server.
    pub standby_after_secs: u64,
    /// When the nightly backup to a USB stick runs, `HH:MM` UTC.
    pub backup_at: String,
    /// This register's own language, if it has one (else the store's).
    pub language: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_addresses() {
        let a = |s: &str| s.parse::<ServerAddr>().map(|a| a.to_string()).map_err(|e| e.to_string());
        assert_eq!(a("192.168.1.20:8787"), Ok("192.168.1.20:8787".into()));
        assert_eq!(a("till-server.local"), Ok("till-server.local:8787".into()));
        assert_eq!(a("[fe80::1]:9000"), Ok("[fe80::1]:9000".into()));
        assert_eq!(a("scan"), Ok("scan".into()));
        for bad in ["", ":8787", "host:0", "host:99999", "bad host:1", "a..b:1"] {
            assert!(a(bad).is_err(), "{bad}");
        }
    }

    /// Weak secrets are refused with what was found in them; strong ones pass. The bits are the
    /// estimator's (docs/SECURITY.md); `cargo test -p till --lib config -- --nocapture` prints them.
    #[test]
    fn secrets_must_be_strong() {
        // (secret, None if accepted or Some(what the refusal says))
        let cases: &[(&str, Option<&str>)] = &[
            ("P@ssword2024!", Some("a common password plus a year plus 1 other character, with capitals")),
            ("cornerstore2024", Some("two common words plus a year: about 26 bits, needs 64")),
            ("CornerStore2024!", Some("two common words plus a year")),
            ("qwertyuiop123", Some("a common password plus a sequence")),
            ("1qaz2wsx3edc", Some("a common password")),
            ("aaaaaaaaaaaaaaa", Some("a repetition")),
            ("abcdefghijkl", Some("a sequence like abcd")),
            ("Summer2024!!", Some("a common password plus a year plus a repetition")),
            ("coffeeshop2025", Some("a common password plus a common word plus a year")),
            ("ilovemyshop1", Some("a common word")),
            ("password12345678", Some("two common passwords")),
            ("ababababababababab", Some("a repetition")),
            ("Zxcvbnm,./123", Some("a keyboard pattern plus a sequence")),
            ("qazwsxedcrfvtgb", Some("keyboard pattern")),
            ("MarketCafe1999!", Some("two common words plus a year")),
            ("15/03/2024-bakery", Some("a date plus a common word")),
            ("thecornershop2024", Some("two common words plus a year")),
            ("ILoveMyCornerShop!", Some("two common words")),
            ("MyStore@2024#1", Some("a common word")),
            ("kdjfhgqpwoeir", Some("13 random characters: about 61 bits")),
            ("short", Some("shorter than 12 characters")),
            ("good-secret\u{202e}-9Tz2-Qm4v", Some("control or invisible")),
            ("7KQM-X3TD-9LRU-Z65T-NZKD", None),
            ("x8#Kq2!vLp9@Zr4$Wm7&", None),
            ("k3J9f0Qz1mXp", None),
            ("Wq7-zR2p-Lm9x", None),
            ("corner-shop-4Kq9-zX2m-Wp7", None),
            ("quokka fjord zither mangrove pelican", None),
            ("correct horse battery staple", None),
        ];
        for &(secret, refusal) in cases {
            let bits = estimate(secret).bits;
            println!("{bits:6.1}  {secret}");
            match (Secret::new(secret), refusal) {
                (Ok(_), None) => {}
                (Err(e), Some(why)) => {
                    let msg = e.to_string();
                    assert!(msg.contains(why), "{secret}: {msg}");
                    assert!(msg.contains("till setup secret --generate"), "{msg}");
                }
                (Ok(_), Some(_)) => panic!("{secret} accepted ({bits:.1} bits)"),
                (Err(e), None) => panic!("{secret} refused: {e}"),
            }
        }
        assert!(cases.len() >= 20);
    }

    #[test]
    fn generated_secrets_are_well_formed_and_never_shown() {
        let g = Secret::generate().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(g.expose().len(), 24);
        assert!(Secret::new(g.expose()).is_ok(), "a generated secret passes the rules");
        assert_ne!(g, Secret::generate().unwrap_or_else(|e| panic!("{e}")));
        assert!(!format!("{g:?}").contains(g.expose()), "Debug never shows the secret");
        // A stored secret keeps working when the rules tighten: it is read without them.
        assert!(Secret::new_unchecked("cornerstore2024").is_ok());
    }

    proptest::proptest! {
        #[test]
        fn every_generated_secret_passes(raw in proptest::array::uniform20(proptest::num::u8::ANY)) {
            let s = Secret::from_random(raw);
            let strength = estimate(s.expose());
            proptest::prop_assert!(strength.is_enough(), "{} ({:.1} bits): {:?}", s.expose(), strength.bits, strength.parts);
            proptest::prop_assert!(Secret::new(s.expose()).is_ok());
        }
    }

    #[test]
    fn combinations_are_checked() {
        let base = LocalApiConfig::default();
        let u = |p: &[&str]| ConfigUpdate::parse(p).and_then(|u| base.with(u));
        assert!(u(&["mode=client"]).is_err(), "client needs a server and a secret");
        assert!(u(&["mode=server"]).is_err(), "server needs a secret");
        let c = u(&["mode=client", "server=10.0.0.5", "secret=correct horse battery staple"])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.server, Some(ServerAddr::Addr { host: "10.0.0.5".into(), port: 8787 }));
        assert!(u(&["colour=red"]).is_err());
        assert!(u(&["port=65536"]).is_err());
        assert!(u(&["port=0"]).is_err(), "0 would be a different port at every start");
        assert!(u(&["name=R 2"]).is_err());
        assert!(u(&["bind=everywhere"]).is_err());
        assert_eq!(u(&["name=R2", "port=9000"]).map(|c| (c.register_name, c.port)).ok(), Some(("R2".into(), 9000)));
        assert_eq!(u(&["language=de-CH"]).map(|c| c.language).ok(), Some(Some("de".into())));
        assert_eq!(u(&["language=store"]).map(|c| c.language).ok(), Some(None));
        assert!(u(&["language=klingon"]).is_err());
    }
}
