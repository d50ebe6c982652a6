//! Backups to a USB stick (docs/ARCHITECTURE.md, "Backups to a USB stick"): find the stick
//! labelled [`STICK_LABEL`] among the block devices, mount it at a private mount point, write a
//! sealed backup ([`Store::backup`]) onto it, keep this register's newest [`KEEP`] there, sync
//! and unmount it, on success and on failure alike. The screen's button, `till backup --stick`
//! and the nightly task of `till run` all call [`back_up_to_stick`].
//!
//! The appliance has no udev and no blkid: the devices are the entries of `/sys/class/block`
//! (whole disks and partitions) and each one's label is read from its first bytes ([`label`]).

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use nix::errno::Errno;
use nix::mount::{MntFlags, MsFlags, mount, umount2};

use crate::store::kv::{self, StickBackupStatus};
use crate::store::{BackupFileError, Store, StoreError, format_ms};

pub mod label;
pub use label::FsKind;

/// The file-system label that marks a backup stick (any case): `mkfs.vfat -n TILL-BACKUP`,
/// `mkfs.ext4 -L TILL-BACKUP`, or the name given when formatting it on a computer.
pub const STICK_LABEL: &str = "TILL-BACKUP";

/// The label of a stick that brings update bundles to the server register (any case):
/// `mkfs.vfat -n TILL-UPDATE`; the register only reads it.
pub const UPDATE_LABEL: &str = "TILL-UPDATE";

/// How many of this register's backups stay on the stick: the oldest beyond them are deleted
/// (before a new one is written, so a full stick makes room).
pub const KEEP: usize = 7;

/// What a backup's file name ends with.
pub const SUFFIX: &str = ".tillbak";

/// How many block devices are looked at, at most.
const MAX_DEVICES: usize = 256;

/// Where the stick is looked for and mounted: the real system, or a test's stand-ins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StickPaths {
    /// The block devices' sysfs folder (`/sys/class/block`).
    pub sys_block: PathBuf,
    /// Where their device nodes are (`/dev`).
    pub dev: PathBuf,
    /// The private mount point (`/run/till-stick`); a lock file beside it (`.lock` added) keeps
    /// two backups from using it at once.
    pub mount_at: PathBuf,
}

impl StickPaths {
    /// The real system's paths, each replaceable by an environment variable for tests:
    /// `TILL_STICK_SYSFS`, `TILL_STICK_DEV`, `TILL_STICK_MOUNT`.
    pub fn system() -> StickPaths {
        let var = |k: &str, d: &str| std::env::var_os(k).map_or_else(|| PathBuf::from(d), PathBuf::from);
        StickPaths {
            sys_block: var("TILL_STICK_SYSFS", "/sys/class/block"),
            dev: var("TILL_STICK_DEV", "/dev"),
            mount_at: var("TILL_STICK_MOUNT", "/run/till-stick"),
        }
    }
}

/// A stick labelled for backups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stick {
    /// Its device node (`/dev/sda1`).
    pub device: PathBuf,
    /// Its file system.
    pub kind: FsKind,
    /// Its label as written on it.
    pub label: String,
}

/// A backup that reached the stick: what the screen shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StickBackup {
    /// The file's name on the stick (`till-A-20261204T030000Z.tillbak`), in its top folder.
    pub file: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// The stick's device node.
    pub device: PathBuf,
    /// The stick's label.
    pub label: String,
    /// Older backups of this register deleted from the stick to keep [`KEEP`].
    pub removed: Vec<String>,
    /// This register's backups now on the stick, this one included.
    pub kept: usize,
    /// When it was taken, ms since the epoch (the name's time).
    pub created_ms: u64,
}

/// Who asks for a backup (recorded with its outcome).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// The nightly task of `till run`.
    Nightly,
    /// `till backup --stick`.
    Cli,
    /// The screen's button.
    Screen,
}

impl Trigger {
    fn name(self) -> &'static str {
        match self {
            Trigger::Nightly => "nightly",
            Trigger::Cli => "cli",
            Trigger::Screen => "screen",
        }
    }
}

/// Why no backup reached the stick, in a manager's words. The stick is never left mounted.
#[derive(Debug, thiserror::Error)]
pub enum StickError {
    /// No block device carries the label.
    #[error("No USB stick labelled {STICK_LABEL} is plugged in")]
    NoStick,
    /// Another backup to the stick is under way (the screen and the nightly task at once).
    #[error("A backup to the stick is already being made; try again when it is done")]
    Busy,
    /// The stick does not mount (a damaged file system, or one this register cannot read).
    #[error("The stick {} cannot be opened ({fstype}: {why}); format it as FAT32 or ext4 labelled {STICK_LABEL}", .device.display())]
    Unmountable {
        /// Its device node.
        device: PathBuf,
        /// The file system tried.
        fstype: &'static str,
        /// What the kernel said.
        why: Errno,
    },
    /// This process may not mount (`till backup --stick` not run as root).
    #[error("Only the register itself (root) can mount the stick: run `till backup --stick` as root")]
    NotAllowed,
    /// The stick is write-protected.
    #[error("The stick is write-protected: slide its lock switch off, or use another stick")]
    ReadOnly,
    /// Not enough room, even after deleting this register's older backups beyond the newest.
    #[error("The stick is full: {} free, the backup needs about {}; delete files from it or use a bigger stick", mb(*.free), mb(*.need))]
    Full {
        /// Bytes free.
        free: u64,
        /// Bytes the backup needs, about.
        need: u64,
    },
    /// The backup itself failed (no secret, the database).
    #[error("The backup could not be made: {0}")]
    Backup(BackupFileError),
    /// The backup is on the stick and synced, but the stick could not be released.
    #[error("The backup {0} is on the stick, but the stick is still in use; wait a minute before pulling it out")]
    NotReleased(String),
    /// The database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Another operating-system failure.
    #[error("The stick could not be used: {what} {}: {source}", .path.display())]
    Io {
        /// What was being done.
        what: &'static str,
        /// On which path.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> StickError {
    let path = path.to_path_buf();
    move |source| StickError::Io { what, path, source }
}

/// `len` bytes of a device from `offset` (fewer at its end), or `None` when it cannot be read
/// (an empty card reader, a device that vanished).
fn read_at(device: &Path, offset: u64, len: usize) -> Option<Vec<u8>> {
    use std::io::{Seek, SeekFrom};
    let mut f = File::open(device).ok()?;
    f.seek(SeekFrom::Start(offset)).ok()?;
    let mut buf = Vec::with_capacity(len);
    f.take(len as u64).read_to_end(&mut buf).ok()?;
    Some(buf)
}

/// The file system and label of a device (or an image file): for FAT, the root folder's label
/// entry when there is one (a stick renamed on a computer), else the boot sector's.
pub fn probe(device: &Path) -> Option<label::Probed> {
    let head = read_at(device, 0, label::PROBE_BYTES)?;
    let mut probed = label::label_of(&head)?;
    if let Some((offset, len)) = label::fat_root_dir(&head)
        && let Some(l) = read_at(device, offset, len).and_then(|dir| label::root_dir_label(&dir))
    {
        probed.label = Some(l);
    }
    Some(probed)
}

/// The stick labelled for backups among the block devices, if one is plugged in (the first by
/// device name when there are several). Devices of size 0 (an unused loop device, an empty card
/// reader) are not read.
pub fn find_stick(paths: &StickPaths) -> Result<Option<Stick>, StickError> {
    find_labelled(paths, STICK_LABEL)
}

/// The stick labelled `want` (in any case) among the block devices, as [`find_stick`].
pub fn find_labelled(paths: &StickPaths, want: &str) -> Result<Option<Stick>, StickError> {
    let entries =
        std::fs::read_dir(&paths.sys_block).map_err(io("cannot list the block devices in", &paths.sys_block))?;
    let mut names: Vec<String> =
        entries.flatten().take(MAX_DEVICES).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    for name in names {
        let size = std::fs::read_to_string(paths.sys_block.join(&name).join("size")).unwrap_or_default();
        if size.trim().parse::<u64>().unwrap_or(0) == 0 {
            continue;
        }
        let device = paths.dev.join(&name);
        let Some(probed) = probe(&device) else { continue };
        if let Some(l) = probed.label.filter(|l| label::is_label(l, want)) {
            return Ok(Some(Stick { device, kind: probed.kind, label: l }));
        }
    }
    Ok(None)
}

/// The file name of a backup taken at `now_ms` by register `name`:
/// `till-NAME-YYYYMMDDTHHMMSSZ.tillbak` (UTC; no `:` so any file system takes it).
pub fn file_name(name: &str, now_ms: u64) -> String {
    let stamp: String =
        format_ms(i64::try_from(now_ms).unwrap_or(i64::MAX)).chars().filter(|c| *c != '-' && *c != ':').collect();
    format!("till-{name}-{stamp}{SUFFIX}")
}

/// Whether `file` is a backup of register `name` as [`file_name`] makes them (so register `A`
/// never counts, nor deletes, the backups of register `A-2`).
pub fn is_backup_of(name: &str, file: &str) -> bool {
    let Some(stamp) = file.strip_prefix(&format!("till-{name}-")).and_then(|r| r.strip_suffix(SUFFIX)) else {
        return false;
    };
    let b = stamp.as_bytes();
    b.len() == 16 && b[8] == b'T' && b[15] == b'Z' && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit)
}

/// The register's clock: the system clock plus the offset learned from its server.
pub fn now_ms(store: &Store) -> Result<u64, StickError> {
    let sys = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
    Ok(sys.saturating_add_signed(store.get(kv::CLOCK_OFFSET)?.unwrap_or(0)))
}

/// Writes a sealed backup of `store` onto the stick labelled [`STICK_LABEL`]: mounts it at
/// `paths.mount_at`, deletes this register's oldest backups beyond [`KEEP`] − 1, writes
/// `till-NAME-TIME.tillbak` (temporary name, fsync, rename, fsync of the folder), syncs the
/// file system and unmounts it, also when something failed. Records the outcome in
/// [`kv::STICK_LAST`] (and the time of a success in [`kv::STICK_LAST_OK`]) for `till status`.
/// Takes as long as the backup (seconds for a big store): call it off the screen's thread.
pub fn back_up_to_stick(
    store: &mut Store,
    now_ms: u64,
    paths: &StickPaths,
    by: Trigger,
) -> Result<StickBackup, StickError> {
    let made = attempt(store, now_ms, paths);
    let status = StickBackupStatus {
        at_ms: now_ms,
        ok: made.is_ok(),
        file: made.as_ref().ok().map(|m| m.file.clone()),
        bytes: made.as_ref().ok().map(|m| m.bytes),
        error: made.as_ref().err().map(ToString::to_string),
        by: by.name().to_string(),
    };
    let ok = made.is_ok();
    let noted = store.write(|tx| {
        tx.set(kv::STICK_LAST, &status)?;
        if ok { tx.set(kv::STICK_LAST_OK, &now_ms) } else { Ok(()) }
    });
    // The stick holds the backup or not whatever the note says: a failed note is only logged.
    if let Err(e) = noted {
        log::warn!("cannot record the stick backup's outcome for `till status`: {e}");
    }
    made
}

/// [`back_up_to_stick`] for the register in the data directory `dir`, on a database connection
/// of its own, at the register's clock (system clock plus the learned offset): what the screen
/// calls off its thread (`smol::unblock`), so the register's own connection, and selling, are
/// never held for the length of the backup.
pub fn back_up_data_dir_to_stick(dir: &Path, paths: &StickPaths, by: Trigger) -> Result<StickBackup, StickError> {
    let mut store = Store::open(dir)?;
    let now = now_ms(&store)?;
    back_up_to_stick(&mut store, now, paths, by)
}

fn attempt(store: &Store, now_ms: u64, paths: &StickPaths) -> Result<StickBackup, StickError> {
    let name = store.get(kv::REGISTER_NAME)?.unwrap_or_else(|| store.register_id().to_string());
    let at = &paths.mount_at;
    let _lock = lock_mount_point(paths)?;
    let stick = find_stick(paths)?.ok_or(StickError::NoStick)?;
    let mounted = mount_stick(&stick, at, MsFlags::empty())?;
    let written = write_on(store, now_ms, &name, at, &stick);
    // Everything on the stick before it is let go, whatever happened.
    let synced = File::open(at).map_err(io("cannot open", at)).and_then(|d| {
        nix::unistd::syncfs(&d).map_err(|e| StickError::Io { what: "cannot sync", path: at.clone(), source: e.into() })
    });
    let released = mounted.release();
    let made = written?;
    synced?;
    if !released {
        return Err(StickError::NotReleased(made.file));
    }
    Ok(made)
}

/// Takes the lock beside the mount point (one user of the stick at a time: the screen's and
/// the nightly backup, the update reader); held until the file is dropped.
fn lock_mount_point(paths: &StickPaths) -> Result<File, StickError> {
    let at = &paths.mount_at;
    std::fs::create_dir_all(at).map_err(io("cannot create the mount point", at))?;
    let lock_path = with_suffix(at, ".lock");
    let lock = File::create(&lock_path).map_err(io("cannot create", &lock_path))?;
    match lock.try_lock() {
        Ok(()) => Ok(lock),
        Err(std::fs::TryLockError::WouldBlock) => Err(StickError::Busy),
        Err(std::fs::TryLockError::Error(e)) => Err(io("cannot lock", &lock_path)(e)),
    }
}

/// Mounts `stick` on `at` (the lock held), with `extra` flags (`MS_RDONLY` to only read it).
fn mount_stick(stick: &Stick, at: &Path, extra: MsFlags) -> Result<Mounted, StickError> {
    // A mount left by a process killed while using it: ours (we hold the lock), so take it down.
    if is_mount_point(at) {
        let _ = umount2(at, MntFlags::MNT_DETACH);
    }
    let flags = MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC | MsFlags::MS_NOATIME | extra;
    let fstype = stick.kind.fstype();
    mount(Some(&stick.device), at, Some(fstype), flags, None::<&str>).map_err(|e| match e {
        Errno::EROFS | Errno::EACCES => StickError::ReadOnly,
        Errno::EPERM => StickError::NotAllowed,
        why => StickError::Unmountable { device: stick.device.clone(), fstype, why },
    })?;
    Ok(Mounted { at: at.to_path_buf(), released: false })
}

/// Reads the stick labelled `label`: mounts it read-only, runs `f` on its root folder and
/// unmounts it, also when `f` failed. `None` when no such stick is plugged in.
pub fn read_labelled<T>(paths: &StickPaths, label: &str, f: impl FnOnce(&Path) -> T) -> Result<Option<T>, StickError> {
    let _lock = lock_mount_point(paths)?;
    let Some(stick) = find_labelled(paths, label)? else { return Ok(None) };
    let mounted = mount_stick(&stick, &paths.mount_at, MsFlags::MS_RDONLY)?;
    let out = f(&paths.mount_at);
    mounted.release();
    Ok(Some(out))
}

/// Deletes the oldest, writes the new one; what the stick then holds.
fn write_on(store: &Store, now_ms: u64, name: &str, at: &Path, stick: &Stick) -> Result<StickBackup, StickError> {
    let names: Vec<String> = std::fs::read_dir(at)
        .map_err(io("cannot list", at))?
        .flatten()
        .take(10_000)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    // This register's temporary files left by a backup cut short (a pulled stick, a power cut):
    // no one else writes them while the lock is held.
    for f in &names {
        if let Some((base, _)) = f.strip_prefix('.').and_then(|r| r.split_once(".tmp-"))
            && is_backup_of(name, base)
        {
            let _ = std::fs::remove_file(at.join(f));
        }
    }
    let mut ours: Vec<String> = names.into_iter().filter(|f| is_backup_of(name, f)).collect();
    ours.sort();
    let file = file_name(name, now_ms);
    ours.retain(|f| *f != file);
    let extra = (ours.len() + 1).saturating_sub(KEEP);
    let removed: Vec<String> = ours.drain(..extra).collect();
    for f in &removed {
        let p = at.join(f);
        std::fs::remove_file(&p).map_err(io("cannot delete the old backup", &p))?;
    }
    // About what the sealed file takes: the database, compacted by the copy, a little larger sealed.
    let need = std::fs::metadata(store.path()).map(|m| m.len()).unwrap_or(0);
    // The field types differ between targets (u32 on 32-bit ARM): widened, whatever they are.
    #[allow(clippy::useless_conversion)]
    let free = nix::sys::statvfs::statvfs(at)
        .map(|s| u64::from(s.blocks_available()).saturating_mul(u64::from(s.fragment_size())))
        .unwrap_or(u64::MAX);
    if free < need {
        return Err(StickError::Full { free, need });
    }
    let out = at.join(&file);
    let made = store.backup(&out, now_ms).map_err(|e| match e {
        BackupFileError::Io { source, .. } if source.raw_os_error() == Some(Errno::ENOSPC as i32) => {
            StickError::Full { free, need }
        }
        BackupFileError::Io { source, .. } if source.raw_os_error() == Some(Errno::EROFS as i32) => {
            StickError::ReadOnly
        }
        e => StickError::Backup(e),
    })?;
    Ok(StickBackup {
        file,
        bytes: made.bytes,
        device: stick.device.clone(),
        label: stick.label.clone(),
        removed,
        kept: ours.len() + 1,
        created_ms: now_ms,
    })
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Whether something is mounted on `p` (it is on another device than its parent).
fn is_mount_point(p: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let parent = p.parent().unwrap_or(Path::new("/"));
    match (std::fs::metadata(p), std::fs::metadata(parent)) {
        (Ok(a), Ok(b)) => a.dev() != b.dev(),
        _ => false,
    }
}

/// The stick mounted: unmounted by [`Mounted::release`], or when dropped (a panic, an early
/// return), so it is never left mounted.
struct Mounted {
    at: PathBuf,
    released: bool,
}

impl Mounted {
    /// Unmounts, waiting a little while something still holds it; detaches it lazily as a last
    /// resort (the kernel lets it go when the last user does). Whether it was let go cleanly.
    fn release(mut self) -> bool {
        self.released = true;
        for _ in 0..20 {
            match umount2(&self.at, MntFlags::empty()) {
                Ok(()) | Err(Errno::EINVAL) | Err(Errno::ENOENT) => return true,
                Err(Errno::EBUSY) => std::thread::sleep(Duration::from_millis(100)),
                Err(_) => break,
            }
        }
        let _ = umount2(&self.at, MntFlags::MNT_DETACH);
        false
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if !self.released {
            let _ = umount2(&self.at, MntFlags::MNT_DETACH);
        }
    }
}

/// Whether the nightly backup is due at `now_ms`: past `at_minute` (minutes after midnight UTC),
/// no backup reached a stick this UTC day (`last_ok_ms`, whoever made it), and the last failed
/// try (`last_failed_ms`) is at least `retry_ms` old.
pub fn nightly_due(
    now_ms: u64,
    at_minute: u16,
    last_ok_ms: Option<u64>,
    last_failed_ms: Option<u64>,
    retry_ms: u64,
) -> bool {
    const DAY_MS: u64 = 86_400_000;
    let (day, minute) = (now_ms / DAY_MS, (now_ms % DAY_MS) / 60_000);
    minute >= u64::from(at_minute)
        && last_ok_ms.is_none_or(|t| t / DAY_MS != day)
        && last_failed_ms.is_none_or(|t| now_ms.saturating_sub(t) >= retry_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_by_time_and_belong_to_one_register() {
        let a = file_name("A", 1_796_358_840_000);
        assert_eq!(a, "till-A-20261204T043400Z.tillbak");
        let later = file_name("A", 1_796_358_840_000 + 86_400_000);
        assert!(a < later);
        assert!(is_backup_of("A", &a));
        assert!(!is_backup_of("A", &file_name("A-2", 1_796_358_840_000)));
        assert!(is_backup_of("A-2", &file_name("A-2", 1_796_358_840_000)));
        for other in [
            "till-A-notes.txt",
            "till-A-20261204T033400Z.tillbak.tmp",
            ".till-A-20261204T033400Z.tillbak",
            "till-A-2026120xT033400Z.tillbak",
        ] {
            assert!(!is_backup_of("A", other), "{other}");
        }
    }

    #[test]
    fn nightly_runs_once_a_day_after_its_time() {
        const H: u64 = 3_600_000;
        let day = 20_000 * 24 * H;
        let at = 3 * 60;
        assert!(!nightly_due(day + 2 * H, at, None, None, H), "before 03:00");
        assert!(nightly_due(day + 3 * H, at, None, None, H));
        assert!(nightly_due(day + 23 * H, at, Some(day - H), None, H), "yesterday's does not count");
        assert!(!nightly_due(day + 4 * H, at, Some(day + H), None, H), "one made today (by hand at 01:00)");
        assert!(!nightly_due(day + 4 * H, at, None, Some(day + 4 * H - 60_000), H), "failed a minute ago");
        assert!(nightly_due(day + 4 * H, at, None, Some(day + 3 * H), H), "failed an hour ago: again");
    }
}
