//! Signed update bundles (issue 18, item 2; docs/ARCHITECTURE.md, "Updates"): checking one
//! anywhere (`till update verify`), writing one into the inactive boot slot (`till update
//! apply`), and making one on the build host (`till update pack`, called by
//! `scripts/build-image --bundle`). The format is [`bundle`]'s.
//!
//! `till` trusts the release key built into it (`appliance/keys/release.pub`, made by
//! `scripts/release-key`); a debug build (development machines and the test suite) also trusts
//! the test key (`appliance/keys/test.pub`, its private half in `tests/fixtures`), a release
//! build never does. An image built for the QEMU tests trusts the key named by `TILL_TRUST_KEY`
//! at build time (the test key); the images a store flashes are built without it.

pub mod bundle;
pub mod rollout;
pub mod slots;

use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};

use ring::digest::{Context, SHA256};
use ring::signature::Ed25519KeyPair;

use self::bundle::{BundleError, FileEntry, MAGIC, Manifest, SIGNATURE_BYTES, hex, key_from_hex, manifest_len};

/// The exit code with which `till run` asks to be restarted into the slot it just wrote: on
/// the appliance, process 1 restarts the box (docs/CLI.md, exit codes).
pub const EXIT_RESTART_FOR_UPDATE: i32 = 22;

/// Why an update was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    /// The bundle itself: not one, damaged, or not signed by a trusted key.
    #[error(transparent)]
    Bundle(#[from] BundleError),
    /// A bundle for another kind of box.
    #[error("the bundle is for {bundle}, this register is {this}; nothing was written")]
    OtherArch {
        /// The bundle's.
        bundle: String,
        /// This build's.
        this: &'static str,
    },
    /// Not newer than what runs.
    #[error(
        "the bundle is version {bundle}, not newer than this register's {this}; nothing was written (--allow-downgrade to go back)"
    )]
    NotNewer {
        /// The bundle's.
        bundle: String,
        /// This build's.
        this: &'static str,
    },
    /// The signing key could not be used (`pack`).
    #[error("the signing key {0}")]
    Key(String),
    /// A file could not be read or written.
    #[error("{what} {}: {source}", path.display())]
    Io {
        /// What was being done.
        what: &'static str,
        /// On which path.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> UpdateError {
    let path = path.to_path_buf();
    move |source| UpdateError::Io { what, path, source }
}

/// The keys this build trusts, the release key first.
pub fn trusted_keys() -> Vec<[u8; 32]> {
    let mut keys: Vec<[u8; 32]> = key_from_hex(include_str!("../../keys/release.pub")).into_iter().collect();
    if cfg!(debug_assertions) {
        keys.extend(key_from_hex(include_str!("../../keys/test.pub")));
    }
    // A build for the QEMU tests names one more key (`TILL_TRUST_KEY`, hex); a release never does.
    if let Some(k) = option_env!("TILL_TRUST_KEY") {
        keys.extend(key_from_hex(k));
    }
    keys
}

/// A bundle whose signature and every file checked out.
#[derive(Clone, Debug)]
pub struct Verified {
    /// What it says it is.
    pub manifest: Manifest,
    /// Its size in bytes.
    pub bytes: u64,
    /// Signed by the release key (else by the test key, which only a debug build trusts).
    pub release_key: bool,
}

/// Where a bundle's file bytes go as they are read and checked.
type Sink<'a> = &'a mut dyn FnMut(&FileEntry, &[u8]) -> Result<(), UpdateError>;

/// Reads the bundle at `path` to its end, checking the signature first and then every file's
/// size and SHA-256 against the signed manifest; `sink` gets each file's bytes as they pass
/// (`None`: checked only). Nothing a sink wrote may be used unless this returns `Ok`.
fn read_bundle(path: &Path, keys: &[[u8; 32]], mut sink: Option<Sink<'_>>) -> Result<Verified, UpdateError> {
    let file = File::open(path).map_err(io("cannot open", path))?;
    let bytes = file.metadata().map_err(io("cannot read", path))?.len();
    let mut r = BufReader::with_capacity(64 * 1024, file);
    let mut head = [0u8; 13];
    read_exact(&mut r, &mut head, path)?;
    let n = manifest_len(&head)?;
    let mut manifest = vec![0u8; n];
    read_exact(&mut r, &mut manifest, path)?;
    let mut signature = [0u8; SIGNATURE_BYTES];
    read_exact(&mut r, &mut signature, path)?;
    let (m, key) = bundle::verify(&manifest, &signature, keys)?;
    let mut buf = vec![0u8; 64 * 1024];
    for f in &m.files {
        let mut left = f.size;
        let mut hash = Context::new(&SHA256);
        while left > 0 {
            let want = usize::try_from(left.min(buf.len() as u64)).unwrap_or(buf.len());
            read_exact(&mut r, &mut buf[..want], path)?;
            hash.update(&buf[..want]);
            if let Some(s) = sink.as_mut() {
                s(f, &buf[..want])?;
            }
            left -= want as u64;
        }
        if hex(hash.finish().as_ref()) != f.sha256 {
            return Err(BundleError::FileMismatch(f.name.clone()).into());
        }
    }
    match r.read(&mut buf[..1]).map_err(io("cannot read", path))? {
        0 => Ok(Verified { manifest: m, bytes, release_key: key == 0 }),
        _ => Err(BundleError::Trailing.into()),
    }
}

fn read_exact(r: &mut impl Read, buf: &mut [u8], path: &Path) -> Result<(), UpdateError> {
    r.read_exact(buf).map_err(|e| match e.kind() {
        std::io::ErrorKind::UnexpectedEof => UpdateError::Bundle(BundleError::Truncated),
        _ => UpdateError::Io { what: "cannot read", path: path.to_path_buf(), source: e },
    })
}

/// `till update verify`: the bundle checks out with one of `keys`.
pub fn verify_file(path: &Path, keys: &[[u8; 32]]) -> Result<Verified, UpdateError> {
    read_bundle(path, keys, None)
}

/// What `apply` wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The slot written (`a` or `b`), now marked to be tried at the next boot.
    pub slot: char,
    /// The version it holds.
    pub version: String,
}

/// `till update apply`: checks the bundle (signature, architecture, version newer unless
/// `allow_downgrade`), writes its files into the inactive slot of `boot` (temporary names,
/// fsynced, then renamed) and marks that slot to be tried at the next boot. Nothing is renamed
/// into the slot unless the whole bundle checked out.
pub fn apply(path: &Path, boot: &Path, allow_downgrade: bool, keys: &[[u8; 32]]) -> Result<Applied, UpdateError> {
    // The manifest first (and the whole file, so a bad bundle writes nothing at all).
    let checked = verify_file(path, keys)?;
    let m = &checked.manifest;
    if m.arch != bundle::this_arch() {
        return Err(UpdateError::OtherArch { bundle: m.arch.clone(), this: bundle::this_arch() });
    }
    let this = crate::VERSION;
    if !allow_downgrade && bundle::parse_version(&m.version) <= bundle::parse_version(this) {
        return Err(UpdateError::NotNewer { bundle: m.version.clone(), this });
    }
    let mut state = slots::read(boot);
    let slot = state.inactive();
    let dir = boot.join(format!("slot-{slot}"));
    std::fs::create_dir_all(&dir).map_err(io("cannot create", &dir))?;
    let temp = |name: &str| dir.join(format!(".{name}.new"));
    let mut open: Option<(String, File)> = None;
    let mut write = |f: &FileEntry, chunk: &[u8]| -> Result<(), UpdateError> {
        if open.as_ref().is_none_or(|(n, _)| *n != f.name) {
            if let Some((n, done)) = open.take() {
                done.sync_all().map_err(io("cannot sync", &temp(&n)))?;
            }
            let t = temp(&f.name);
            open = Some((f.name.clone(), File::create(&t).map_err(io("cannot create", &t))?));
        }
        match open.as_mut() {
            Some((n, file)) => file.write_all(chunk).map_err(io("cannot write", &temp(n))),
            None => Ok(()),
        }
    };
    // Written while read again, and hashed again: the file may have changed since the check.
    let result = read_bundle(path, keys, Some(&mut write));
    if let Some((n, done)) = open.take() {
        done.sync_all().map_err(io("cannot sync", &temp(&n)))?;
    }
    if let Err(e) = result {
        for name in bundle::FILE_NAMES {
            let _ = std::fs::remove_file(temp(name));
        }
        return Err(e);
    }
    for f in &m.files {
        let to = dir.join(&f.name);
        std::fs::rename(temp(&f.name), &to).map_err(io("cannot rename into", &to))?;
    }
    sync_dir(&dir)?;
    // A mark the boot loader left from an earlier try must not count against this one.
    match std::fs::remove_file(boot.join(slots::TRIED_FILE)) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io("cannot remove", &boot.join(slots::TRIED_FILE))(e)),
    }
    state.try_slot(&m.version);
    slots::write(boot, &state)?;
    Ok(Applied { slot, version: m.version.clone() })
}

/// [`apply`] on a register: `/boot`, mounted read-only on the appliance, is remounted
/// read-write for the write and read-only again after, whatever the outcome.
pub fn install(path: &Path, boot: &Path, allow_downgrade: bool, keys: &[[u8; 32]]) -> Result<Applied, UpdateError> {
    let remounted = remount_boot(boot, true);
    let done = apply(path, boot, allow_downgrade, keys);
    if remounted {
        remount_boot(boot, false);
    }
    done
}

/// On the appliance BOOT is mounted read-only at `/boot`: remounts it (`true` when it did).
/// Elsewhere (a folder in the tests) nothing is done.
pub fn remount_boot(boot: &Path, writable: bool) -> bool {
    use nix::mount::{MsFlags, mount};
    if boot != Path::new("/boot") || !std::fs::read_to_string("/proc/mounts").is_ok_and(|m| m.contains(" /boot ")) {
        return false;
    }
    let mut flags = MsFlags::MS_REMOUNT | MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC;
    if !writable {
        flags |= MsFlags::MS_RDONLY;
    }
    mount(None::<&str>, boot, None::<&str>, flags, None::<&str>).is_ok()
}

fn sync_dir(dir: &Path) -> Result<(), UpdateError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(io("cannot sync", dir))
}

/// `till update pack` (the build host): signs a bundle of `files` (name, path) with the Ed25519
/// key in `key_pem` (PKCS#8, as `openssl genpkey -algorithm ed25519` writes it). Returns its size.
pub fn pack(
    out: &Path,
    version: &str,
    arch: &str,
    key_pem: &str,
    files: &[(&str, PathBuf)],
    now_ms: u64,
) -> Result<u64, UpdateError> {
    use base64::Engine;
    let body: String = key_pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der =
        base64::engine::general_purpose::STANDARD.decode(body.trim()).map_err(|e| UpdateError::Key(e.to_string()))?;
    let key = Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der).map_err(|e| UpdateError::Key(e.to_string()))?;
    let mut entries = Vec::new();
    for (name, path) in files {
        let mut hash = Context::new(&SHA256);
        let mut f = File::open(path).map_err(io("cannot open", path))?;
        let mut buf = vec![0u8; 64 * 1024];
        let mut size = 0u64;
        loop {
            let n = f.read(&mut buf).map_err(io("cannot read", path))?;
            if n == 0 {
                break;
            }
            hash.update(&buf[..n]);
            size += n as u64;
        }
        entries.push(FileEntry { name: (*name).to_string(), size, sha256: hex(hash.finish().as_ref()) });
    }
    let m = Manifest { version: version.into(), arch: arch.into(), created_ms: now_ms, files: entries };
    let manifest = serde_json::to_vec(&m).map_err(|e| BundleError::Manifest(e.to_string()))?;
    let tmp = out.with_extension("tillupd.new");
    let mut w = std::io::BufWriter::new(File::create(&tmp).map_err(io("cannot create", &tmp))?);
    let n = u32::try_from(manifest.len()).map_err(|_| BundleError::Manifest("too long".into()))?;
    w.write_all(MAGIC)
        .and_then(|()| w.write_all(&n.to_le_bytes()))
        .and_then(|()| w.write_all(&manifest))
        .and_then(|()| w.write_all(key.sign(&manifest).as_ref()))
        .map_err(io("cannot write", &tmp))?;
    for (_, path) in files {
        let mut f = File::open(path).map_err(io("cannot open", path))?;
        std::io::copy(&mut f, &mut w).map_err(io("cannot write", &tmp))?;
    }
    let file = w.into_inner().map_err(|e| e.into_error()).map_err(io("cannot write", &tmp))?;
    file.sync_all().map_err(io("cannot sync", &tmp))?;
    std::fs::rename(&tmp, out).map_err(io("cannot rename into", out))?;
    Ok(std::fs::metadata(out).map_err(io("cannot read", out))?.len())
}
