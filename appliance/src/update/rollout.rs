//! Updates over the store's LAN (issue 18, item 4; docs/ARCHITECTURE.md, "Updates"): the files
//! behind them. The server keeps staged bundles in `DATA/updates/` (one per architecture, the
//! newest, each with a `.json` beside it saying what it is) and the state each register last
//! reported (`registers.json`); a client downloads a bundle into `DATA/updates/incoming.tillupd`
//! (resumable: `incoming.json` says which bundle it is part of). The network side is in
//! `net::updater` and the server's endpoints.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use ring::digest::{Context, SHA256};
use serde::{Deserialize, Serialize};

use super::bundle::{self, hex, parse_version};
use super::{UpdateError, verify_file};
use crate::sync::protocol::{Chunk, ChunkRequest, MAX_CHUNK_BYTES, Offer, Software};

/// The folder of the data directory that holds staged and incoming bundles.
pub const DIR: &str = "updates";

/// Why staging, serving or downloading a bundle failed.
#[derive(Debug, thiserror::Error)]
pub enum RolloutError {
    /// The bundle itself (bad signature, damaged): exit 21 from `till update stage`.
    #[error(transparent)]
    Update(#[from] UpdateError),
    /// A newer bundle of that architecture is staged already.
    #[error("a newer bundle for {arch} is staged already ({staged}); {bundle} was not staged")]
    OlderThanStaged {
        /// Its architecture.
        arch: String,
        /// The staged one's version.
        staged: String,
        /// This one's.
        bundle: String,
    },
    /// The offered bundle is no longer the staged one.
    #[error("no bundle {0} is staged (another was staged since)")]
    Gone(String),
    /// A download that does not match what was offered.
    #[error("the downloaded bundle does not match the offer ({0})")]
    Mismatch(String),
    /// A file could not be read or written.
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
}

fn io(what: &Path) -> impl FnOnce(std::io::Error) -> RolloutError + '_ {
    move |e| RolloutError::Io(what.display().to_string(), e)
}

/// `DATA/updates`, made if missing.
pub fn dir(data: &Path) -> Result<PathBuf, RolloutError> {
    let d = data.join(DIR);
    std::fs::create_dir_all(&d).map_err(io(&d))?;
    Ok(d)
}

/// Writes `bytes` to `to` through a temporary file, fsynced, renamed, the folder fsynced.
fn write_atomic(to: &Path, bytes: &[u8]) -> Result<(), RolloutError> {
    let tmp = to.with_extension("new");
    let mut f = File::create(&tmp).map_err(io(&tmp))?;
    f.write_all(bytes).and_then(|()| f.sync_all()).map_err(io(&tmp))?;
    std::fs::rename(&tmp, to).map_err(io(to))?;
    sync_parent(to)
}

fn sync_parent(p: &Path) -> Result<(), RolloutError> {
    match p.parent() {
        Some(d) => File::open(d).and_then(|d| d.sync_all()).map_err(io(d)),
        None => Ok(()),
    }
}

/// SHA-256 of a whole file, hex.
pub fn sha256_file(path: &Path) -> Result<String, RolloutError> {
    let mut f = File::open(path).map_err(io(path))?;
    let mut hash = Context::new(&SHA256);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = f.read(&mut buf).map_err(io(path))?;
        if n == 0 {
            return Ok(hex(hash.finish().as_ref()));
        }
        hash.update(&buf[..n]);
    }
}

/// Where the staged bundle of `arch` is, and its description (`DATA/updates/staged/`).
pub fn staged_paths(data: &Path, arch: &str) -> (PathBuf, PathBuf) {
    let d = data.join(DIR).join("staged");
    (d.join(format!("{arch}.tillupd")), d.join(format!("{arch}.json")))
}

/// An architecture name as bundles give it: 1-16 lower-case letters, digits or `_`.
fn valid_arch(a: &str) -> bool {
    (1..=16).contains(&a.len()) && a.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// `till update stage`: checks the bundle with `keys`, and keeps it as the one of its
/// architecture the server offers, unless a newer one is staged already. The copy is written
/// to a temporary file, fsynced and renamed, then its description.
pub fn stage(file: &Path, data: &Path, keys: &[[u8; 32]]) -> Result<Offer, RolloutError> {
    let m = verify_file(file, keys)?.manifest;
    if !valid_arch(&m.arch) {
        return Err(UpdateError::OtherArch { bundle: m.arch.clone(), this: bundle::this_arch() }.into());
    }
    if let Some(old) = offers(data).into_iter().find(|o| o.arch == m.arch)
        && parse_version(&old.version) > parse_version(&m.version)
    {
        return Err(RolloutError::OlderThanStaged { arch: m.arch, staged: old.version, bundle: m.version });
    }
    let (to, desc) = staged_paths(data, &m.arch);
    if let Some(d) = to.parent() {
        std::fs::create_dir_all(d).map_err(io(d))?;
    }
    let tmp = to.with_extension("tillupd.new");
    {
        let mut from = File::open(file).map_err(io(file))?;
        let mut out = File::create(&tmp).map_err(io(&tmp))?;
        std::io::copy(&mut from, &mut out).and_then(|_| out.sync_all()).map_err(io(&tmp))?;
    }
    // Checked again as copied: the file may have changed since.
    verify_file(&tmp, keys)?;
    let offer = Offer {
        version: m.version,
        arch: m.arch,
        bytes: std::fs::metadata(&tmp).map_err(io(&tmp))?.len(),
        sha256: sha256_file(&tmp)?,
    };
    std::fs::rename(&tmp, &to).map_err(io(&to))?;
    sync_parent(&to)?;
    let json = serde_json::to_vec_pretty(&offer).map_err(|e| RolloutError::Io(desc.display().to_string(), e.into()))?;
    write_atomic(&desc, &json)?;
    Ok(offer)
}

/// The bundles staged in `data`, one per architecture (none when the folder is missing).
pub fn offers(data: &Path) -> Vec<Offer> {
    let Ok(entries) = std::fs::read_dir(data.join(DIR).join("staged")) else { return Vec::new() };
    let mut out: Vec<Offer> = entries
        .filter_map(Result::ok)
        .take(64)
        .filter(|e| e.file_name().to_str().is_some_and(|n| n.ends_with(".json")))
        .filter_map(|e| std::fs::read(e.path()).ok())
        .filter_map(|b| serde_json::from_slice::<Offer>(&b).ok())
        .filter(|o| valid_arch(&o.arch))
        .collect();
    out.sort_by(|a, b| a.arch.cmp(&b.arch));
    out
}

/// When the staged bundles last changed (the folder's modification time), if they exist.
pub fn staged_stamp(data: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(data.join(DIR).join("staged")).and_then(|m| m.modified()).ok()
}

/// Bytes of the staged bundle a client asked for (at most [`MAX_CHUNK_BYTES`]).
pub fn read_chunk(data: &Path, req: &ChunkRequest) -> Result<Chunk, RolloutError> {
    let Some(offer) = offers(data).into_iter().find(|o| o.arch == req.arch && o.sha256 == req.sha256) else {
        return Err(RolloutError::Gone(req.arch.clone()));
    };
    let (path, _) = staged_paths(data, &offer.arch);
    let mut f = File::open(&path).map_err(io(&path))?;
    let total = f.metadata().map_err(io(&path))?.len();
    let len = req.len.min(MAX_CHUNK_BYTES).min(total.saturating_sub(req.offset));
    let mut bytes = vec![0u8; usize::try_from(len).unwrap_or(0)];
    f.seek(SeekFrom::Start(req.offset)).and_then(|_| f.read_exact(&mut bytes)).map_err(io(&path))?;
    Ok(Chunk { total, bytes: crate::sync::protocol::Bytes(bytes) })
}

/// Whether a register of `arch` running `version` takes `offer`: its architecture, newer.
pub fn wanted(offer: &Offer, arch: &str, version: &str) -> bool {
    offer.arch == arch
        && parse_version(&offer.version).is_some()
        && parse_version(&offer.version) > parse_version(version)
}

/// What a server knows of one register's software (`till update status`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterUpdate {
    /// The register's id, hex.
    pub register_id: String,
    /// Its name.
    pub name: String,
    /// What it runs and its update state.
    #[serde(flatten)]
    pub software: Software,
    /// When it last said so, ms since the epoch.
    pub at_ms: u64,
}

/// The file of [`RegisterUpdate`]s on the server.
fn registers_path(data: &Path) -> PathBuf {
    data.join(DIR).join("registers.json")
}

/// The registers' states as the server last heard them, by name.
pub fn registers(data: &Path) -> Vec<RegisterUpdate> {
    let mut v: Vec<RegisterUpdate> =
        std::fs::read(registers_path(data)).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
    v.sort_by(|a, b| a.name.cmp(&b.name));
    v
}

/// Records what a register said about its software (its name kept when `name` is empty).
pub fn record(data: &Path, register_id: &str, name: &str, software: &Software, at_ms: u64) -> Result<(), RolloutError> {
    let mut all = registers(data);
    let name = match all.iter().find(|r| r.register_id == register_id) {
        Some(r) if name.is_empty() => r.name.clone(),
        _ => name.to_string(),
    };
    all.retain(|r| r.register_id != register_id);
    all.push(RegisterUpdate { register_id: register_id.to_string(), name, software: software.clone(), at_ms });
    dir(data)?;
    let json = serde_json::to_vec_pretty(&all).map_err(|e| RolloutError::Io("registers.json".into(), e.into()))?;
    write_atomic(&registers_path(data), &json)
}

/// A client's download in progress: `incoming.tillupd`, and `incoming.json` naming its offer.
#[derive(Debug)]
pub struct Download {
    path: PathBuf,
    offer: Offer,
    /// Bytes held so far.
    pub have: u64,
}

impl Download {
    /// Resumes the download of `offer` in `data` (or starts it over when the bytes there belong
    /// to another bundle).
    pub fn open(data: &Path, offer: &Offer) -> Result<Download, RolloutError> {
        let d = dir(data)?;
        let (path, desc) = (d.join("incoming.tillupd"), d.join("incoming.json"));
        let same =
            std::fs::read(&desc).ok().and_then(|b| serde_json::from_slice::<Offer>(&b).ok()).as_ref() == Some(offer);
        let have = if same { std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) } else { 0 };
        if !same {
            File::create(&path).map_err(io(&path))?;
            let json = serde_json::to_vec(offer).map_err(|e| RolloutError::Io(desc.display().to_string(), e.into()))?;
            write_atomic(&desc, &json)?;
        }
        let have = if have > offer.bytes { 0 } else { have };
        Ok(Download { path, offer: offer.clone(), have })
    }

    /// Appends the next bytes.
    pub fn append(&mut self, bytes: &[u8]) -> Result<(), RolloutError> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&self.path)
            .map_err(io(&self.path))?;
        f.set_len(self.have).and_then(|()| f.seek(SeekFrom::End(0))).map_err(io(&self.path))?;
        f.write_all(bytes).map_err(io(&self.path))?;
        self.have += bytes.len() as u64;
        Ok(())
    }

    /// The whole bundle, when it has the offered size and SHA-256 (else the bytes are dropped).
    pub fn finish(self) -> Result<PathBuf, RolloutError> {
        File::open(&self.path).and_then(|f| f.sync_all()).map_err(io(&self.path))?;
        let sha = sha256_file(&self.path)?;
        if self.have != self.offer.bytes || sha != self.offer.sha256 {
            let _ = File::create(&self.path);
            return Err(RolloutError::Mismatch(format!("{} bytes, SHA-256 {sha}", self.have)));
        }
        Ok(self.path)
    }
}

/// Set by the screen while a cart holds lines: a client does not apply an update then.
static CART_OPEN: AtomicBool = AtomicBool::new(false);

/// The screen says whether a cart is open.
pub fn set_cart_open(open: bool) {
    CART_OPEN.store(open, Ordering::Relaxed);
}

/// Whether a cart is open on this register's screen.
pub fn cart_open() -> bool {
    CART_OPEN.load(Ordering::Relaxed)
}

/// The version a client fetched and checked and now waits to apply (outside the store's update
/// window): what Settings offers a manager to apply at once.
static READY: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
/// A manager asked to apply the waiting update now, whatever the window.
static NOW: AtomicBool = AtomicBool::new(false);

/// The updater says which version waits to be applied (`None`: none waits).
pub fn set_ready(version: Option<String>) {
    if let Ok(mut r) = READY.lock() {
        *r = version;
    }
}

/// The version that waits to be applied, if one does.
pub fn ready() -> Option<String> {
    READY.lock().ok().and_then(|r| r.clone())
}

/// A manager's "Update now" (Settings): the waiting update is applied without waiting for the
/// window (a cart must still be closed).
pub fn apply_now() {
    NOW.store(true, Ordering::SeqCst);
}

/// Whether a manager asked for the update now.
pub fn now_asked() -> bool {
    NOW.load(Ordering::SeqCst)
}

/// Set once a client has written an update into its inactive slot: `till run` stops cleanly
/// and exits with code 22, and process 1 reboots the box into the new slot.
static RESTART: AtomicBool = AtomicBool::new(false);
static RESTART_EVENT: event_listener::Event = event_listener::Event::new();

/// Asks `till run` to stop cleanly and exit to be restarted into the new slot.
pub fn request_restart() {
    RESTART.store(true, Ordering::SeqCst);
    RESTART_EVENT.notify(usize::MAX);
}

/// Whether a restart was asked for.
pub fn restart_requested() -> bool {
    RESTART.load(Ordering::SeqCst)
}

/// Resolves once a restart is asked for.
pub async fn restart_wanted() {
    loop {
        let listener = RESTART_EVENT.listen();
        if restart_requested() {
            return;
        }
        listener.await;
    }
}

pub use super::slots::{boot_dir, set_boot_dir};

/// Why a register is not idle enough to apply an update now (`None`: it is): a cart open on
/// its screen, or outside the store's `update_window` (`window`, the setting's value) at
/// `now_ms`.
pub fn busy(window: Option<&str>, now_ms: u64) -> Option<String> {
    if cart_open() {
        return Some("a cart is open".into());
    }
    if now_asked() {
        return None;
    }
    let window = window?;
    let minute = u32::try_from(now_ms / 60_000 % 1440).unwrap_or(0);
    match crate::model::in_window(window, minute) {
        Some(false) => Some(format!("outside the update window {window} (UTC)")),
        _ => None,
    }
}

/// How long a register's report counts for the server's own update: one not heard from for a
/// day (unplugged, replaced) does not hold the server back.
pub const REPORT_COUNTS_MS: u64 = 24 * 3_600_000;

/// Whether the server takes `offer` itself now, from what its registers reported (`registers`,
/// `now_ms`): only once every register of that architecture heard from within
/// [`REPORT_COUNTS_MS`] runs it; a register that could not start it holds the server back
/// for good (`Err` says which).
pub fn server_may_take(offer: &Offer, registers: &[RegisterUpdate], now_ms: u64) -> Result<bool, String> {
    let mut all_on_it = true;
    for r in
        registers.iter().filter(|r| r.software.arch == offer.arch && now_ms.saturating_sub(r.at_ms) < REPORT_COUNTS_MS)
    {
        let behind = parse_version(&r.software.version) < parse_version(&offer.version);
        if behind && r.software.state.starts_with("failed") {
            return Err(format!("{} could not take {} ({})", r.name, offer.version, r.software.state));
        }
        all_on_it &= !behind && r.software.state == "current";
    }
    Ok(all_on_it)
}

/// The store-wide setting that limits when registers apply updates: `HH:MM-HH:MM`, UTC (it may
/// wrap past midnight, `22:00-06:00`). Unset: any time the register is idle.
pub const WINDOW_SETTING: &str = "update_window";

#[cfg(test)]
mod tests {

    fn reg(name: &str, version: &str, state: &str, at_ms: u64) -> RegisterUpdate {
        RegisterUpdate {
            register_id: name.into(),
            name: name.into(),
            software: Software { version: version.into(), arch: "aarch64".into(), state: state.into() },
            at_ms,
        }
    }

    #[test]
    fn the_server_takes_an_update_last_and_never_one_a_client_could_not_start() {
        let offer = Offer { version: "1.1.0".into(), arch: "aarch64".into(), bytes: 1, sha256: "00".into() };
        let now = 10 * REPORT_COUNTS_MS;
        assert_eq!(server_may_take(&offer, &[], now), Ok(true), "no clients: at once");
        let on_it = reg("K", "1.1.0", "current", now - 1000);
        let behind = reg("L", "1.0.0", "downloading 1.1.0", now - 1000);
        assert_eq!(server_may_take(&offer, &[on_it.clone(), behind.clone()], now), Ok(false));
        assert_eq!(server_may_take(&offer, std::slice::from_ref(&on_it), now), Ok(true));
        let gone = reg("M", "1.0.0", "current", now - REPORT_COUNTS_MS - 1);
        assert_eq!(
            server_may_take(&offer, &[on_it.clone(), gone], now),
            Ok(true),
            "a register gone a day does not hold it"
        );
        let mut other = behind.clone();
        other.software.arch = "armv7".into();
        assert_eq!(server_may_take(&offer, &[on_it.clone(), other], now), Ok(true), "another architecture's register");
        let failed = reg("L", "1.0.0", "failed: 1.1.0 failed to start; back on 1.0.0", now - 1000);
        assert!(server_may_take(&offer, &[on_it, failed], now).is_err());
    }

    use super::*;

    #[test]
    fn chunk_bytes_are_a_vec_of_bytes_on_the_wire() {
        use crate::sync::protocol::Bytes;
        let v: Vec<u8> = (0..300u32).map(|i| (i % 256) as u8).collect();
        let ours = postcard::to_allocvec(&Chunk { total: 7, bytes: Bytes(v.clone()) }).expect("encode");
        assert_eq!(ours, postcard::to_allocvec(&(7u64, v.clone())).expect("encode"));
        let back: Chunk = postcard::from_bytes(&ours).expect("decode");
        assert_eq!(back.bytes.0, v);
    }

    #[test]
    fn a_download_resumes_only_for_the_same_offer_and_must_match_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let whole: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
        let sha = |b: &[u8]| {
            let mut h = Context::new(&SHA256);
            h.update(b);
            hex(h.finish().as_ref())
        };
        let offer = Offer { version: "9.9.9".into(), arch: "x".into(), bytes: 5000, sha256: sha(&whole) };
        let mut d = Download::open(dir.path(), &offer).expect("open");
        d.append(&whole[..2000]).expect("append");
        let mut d = Download::open(dir.path(), &offer).expect("reopen");
        assert_eq!(d.have, 2000, "the same offer resumes");
        d.append(&whole[2000..]).expect("append");
        assert!(d.finish().is_ok());
        let other = Offer { sha256: sha(b"other"), ..offer.clone() };
        let mut d = Download::open(dir.path(), &other).expect("open");
        assert_eq!(d.have, 0, "another bundle starts over");
        d.append(&whole).expect("append");
        assert!(matches!(d.finish(), Err(RolloutError::Mismatch(_))), "bytes that are not the offer's");
    }

    #[test]
    fn only_a_newer_bundle_of_this_architecture_is_wanted() {
        let o = |v: &str, a: &str| Offer { version: v.into(), arch: a.into(), bytes: 1, sha256: String::new() };
        assert!(wanted(&o("1.2.4", "aarch64"), "aarch64", "1.2.3"));
        assert!(!wanted(&o("1.2.3", "aarch64"), "aarch64", "1.2.3"), "the same version");
        assert!(!wanted(&o("1.2.2", "aarch64"), "aarch64", "1.2.3"), "older");
        assert!(!wanted(&o("1.2.4", "armv7"), "aarch64", "1.2.3"), "another architecture");
        assert!(!wanted(&o("x", "aarch64"), "aarch64", "1.2.3"), "not a version");
    }
}
