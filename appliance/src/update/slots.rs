//! The two boot slots of BOOT and their state file (docs/ARCHITECTURE.md, "Updates"): which slot
//! is good, which one an update wrote and is to be tried once, and what became of the last try.
//!
//! Three writers share BOOT, each with its own file or moment:
//! - `till update apply` writes the inactive slot, then `slots.txt` with `trying=` ([`Slots::try_slot`]);
//! - U-Boot's `boot.scr` (image/boot.cmd) writes `tried.txt` (`tried=b`) before it boots a slot
//!   to be tried, and boots the good slot instead, with `till.failed=b` on the kernel's command
//!   line, when it finds that slot already tried;
//! - `till` marks the tried slot good once it is ready and, on a client, has synced
//!   ([`mark_good`]), or records the failure the boot loader reported ([`record_failure`]).
//!
//! Every write of `slots.txt` is a temporary file, fsynced, renamed over it: a power cut leaves
//! the old state or the new, and either boots.

use std::fs::File;
use std::path::Path;

use super::{UpdateError, io, remount_boot, sync_dir};

/// The state file.
pub const SLOTS_FILE: &str = "slots.txt";
/// The boot loader's mark of a slot it is trying.
pub const TRIED_FILE: &str = "tried.txt";
/// The folder process 1 mounts BOOT on.
pub const BOOT_DIR: &str = "/boot";

static SET_BOOT_DIR: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();

/// Sets where BOOT is (`till run --boot DIR`; once, before the register starts its services).
pub fn set_boot_dir(dir: std::path::PathBuf) {
    let _ = SET_BOOT_DIR.set(dir);
}

/// Where the register finds BOOT: as set, else `TILL_BOOT_DIR` (the tests' folder), else
/// [`BOOT_DIR`].
pub fn boot_dir() -> std::path::PathBuf {
    if let Some(d) = SET_BOOT_DIR.get() {
        return d.clone();
    }
    std::env::var_os("TILL_BOOT_DIR").map(Into::into).unwrap_or_else(|| BOOT_DIR.into())
}

/// `slots.txt`: `key=value` lines, as U-Boot's `env import -t` reads them. Unknown keys are kept.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Slots {
    /// The good slot (`a` when the file says nothing).
    pub active: char,
    /// The slot an update wrote, to be tried at the next boot.
    pub trying: Option<char>,
    /// The version each slot holds, when known.
    pub version_a: Option<String>,
    /// See `version_a`.
    pub version_b: Option<String>,
    /// The last slot tried that did not become good.
    pub failed: Option<char>,
    /// Its version.
    pub failed_version: Option<String>,
    /// Lines of keys this release does not know, kept as they were.
    pub other: Vec<String>,
}

fn slot(v: &str) -> Option<char> {
    match v.trim() {
        "a" => Some('a'),
        "b" => Some('b'),
        _ => None,
    }
}

impl Slots {
    /// Parses the file's text; anything unreadable counts as "slot a, nothing to try".
    pub fn parse(text: &str) -> Slots {
        let mut s = Slots { active: 'a', ..Slots::default() };
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (k, v) = line.split_once('=').unwrap_or((line, ""));
            let v = v.trim();
            match k.trim() {
                "active" => s.active = slot(v).unwrap_or('a'),
                "trying" => s.trying = slot(v),
                "version_a" if !v.is_empty() => s.version_a = Some(v.into()),
                "version_b" if !v.is_empty() => s.version_b = Some(v.into()),
                "failed" => s.failed = slot(v),
                "failed_version" if !v.is_empty() => s.failed_version = Some(v.into()),
                _ => s.other.push(line.to_string()),
            }
        }
        s
    }

    /// The file's text.
    pub fn render(&self) -> String {
        let mut t = format!("active={}\n", self.active);
        if let Some(s) = self.trying {
            t += &format!("trying={s}\n");
        }
        for (k, v) in [("version_a", &self.version_a), ("version_b", &self.version_b)] {
            if let Some(v) = v {
                t += &format!("{k}={v}\n");
            }
        }
        if let Some(f) = self.failed {
            t += &format!("failed={f}\n");
        }
        if let Some(v) = &self.failed_version {
            t += &format!("failed_version={v}\n");
        }
        for l in &self.other {
            t += l;
            t.push('\n');
        }
        t
    }

    /// The version slot `s` holds.
    pub fn version(&self, s: char) -> Option<&str> {
        if s == 'b' { self.version_b.as_deref() } else { self.version_a.as_deref() }
    }

    fn set_version(&mut self, s: char, v: &str) {
        let slot = if s == 'b' { &mut self.version_b } else { &mut self.version_a };
        *slot = Some(v.to_string());
    }

    /// The slot an update writes: the one not active.
    pub fn inactive(&self) -> char {
        if self.active == 'a' { 'b' } else { 'a' }
    }

    /// After an update wrote `version` into the inactive slot: try it at the next boot. The
    /// last failure is forgotten: a new update is under way.
    pub fn try_slot(&mut self, version: &str) -> char {
        let s = self.inactive();
        self.set_version(s, version);
        self.trying = Some(s);
        (self.failed, self.failed_version) = (None, None);
        s
    }

    /// The slot `s` booted and is healthy: it becomes the good one.
    pub fn mark_good(&mut self, s: char) {
        self.active = s;
        self.trying = None;
        if self.failed == Some(s) {
            (self.failed, self.failed_version) = (None, None);
        }
    }

    /// The boot loader reported that trying slot `s` failed: the good slot stays, the failure
    /// is kept for the register to report.
    pub fn mark_failed(&mut self, s: char) {
        self.trying = None;
        self.failed = Some(s);
        self.failed_version = self.version(s).map(str::to_string);
    }
}

/// What the kernel's command line says about this boot (`till.slot=`, `till.failed=`, written
/// by boot.scr); both empty when the box booted without the boot loader (QEMU's `-kernel`, a
/// development machine).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BootArgs {
    /// The slot this boot runs from.
    pub slot: Option<char>,
    /// The slot the boot loader gave up on this boot.
    pub failed: Option<char>,
}

impl BootArgs {
    /// Parses `/proc/cmdline`'s text.
    pub fn parse(cmdline: &str) -> BootArgs {
        let mut b = BootArgs::default();
        for word in cmdline.split_whitespace() {
            if let Some(v) = word.strip_prefix("till.slot=") {
                b.slot = slot(v);
            } else if let Some(v) = word.strip_prefix("till.failed=") {
                b.failed = slot(v);
            }
        }
        b
    }

    /// This boot's.
    pub fn read() -> BootArgs {
        BootArgs::parse(&std::fs::read_to_string("/proc/cmdline").unwrap_or_default())
    }
}

/// Whether `boot` is a register's BOOT (it holds `slots.txt`): an update is only ever written
/// into one, never into a development machine's `/boot`.
pub fn is_slotted(boot: &Path) -> bool {
    boot.join(SLOTS_FILE).is_file()
}

/// Reads `boot`'s `slots.txt` (nothing there: slot a, nothing to try).
pub fn read(boot: &Path) -> Slots {
    Slots::parse(&std::fs::read_to_string(boot.join(SLOTS_FILE)).unwrap_or_default())
}

/// Replaces `boot`'s `slots.txt` (temporary file, fsync, rename, the folder synced).
pub fn write(boot: &Path, s: &Slots) -> Result<(), UpdateError> {
    let tmp = boot.join(".slots.txt.new");
    std::fs::write(&tmp, s.render()).and_then(|()| File::open(&tmp)?.sync_all()).map_err(io("cannot write", &tmp))?;
    let to = boot.join(SLOTS_FILE);
    std::fs::rename(&tmp, &to).map_err(io("cannot rename into", &to))?;
    sync_dir(boot)
}

/// Changes `slots.txt` with `change` and removes the boot loader's `tried.txt`, `/boot`
/// remounted read-write meanwhile on the appliance.
fn change(boot: &Path, change: impl FnOnce(&mut Slots)) -> Result<Slots, UpdateError> {
    let remounted = remount_boot(boot, true);
    let mut s = read(boot);
    change(&mut s);
    let done = write(boot, &s).and_then(|()| match std::fs::remove_file(boot.join(TRIED_FILE)) {
        Ok(()) => sync_dir(boot),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io("cannot remove", &boot.join(TRIED_FILE))(e)),
    });
    if remounted {
        remount_boot(boot, false);
    }
    done.map(|()| s)
}

/// This boot's slot `s`, being tried, is healthy: it becomes the good slot.
pub fn mark_good(boot: &Path, s: char) -> Result<Slots, UpdateError> {
    change(boot, |state| state.mark_good(s))
}

/// The boot loader gave up on slot `s` (`till.failed=`): the failure is recorded.
pub fn record_failure(boot: &Path, s: char) -> Result<Slots, UpdateError> {
    change(boot, |state| state.mark_failed(s))
}

/// What there is to say about the last update, for `till status`, the console and the screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Report {
    /// This boot runs the version on trial.
    Trying(String),
    /// A version was written and waits for the next restart.
    Waiting(String),
    /// The version tried last did not start; the register runs `back_on`.
    Failed {
        /// The version that failed.
        version: String,
        /// The version running again.
        back_on: String,
    },
}

impl Report {
    /// In a sentence (`till status`, the console).
    pub fn long(&self) -> String {
        match self {
            Report::Trying(v) => format!("trying {v}: kept once the register is ready and synced"),
            Report::Waiting(v) => format!("{v} is installed and starts at the next restart"),
            Report::Failed { version, back_on } => format!("{version} failed to start; back on {back_on}"),
        }
    }

    /// In a few words (a row of the status screen).
    pub fn short(&self) -> String {
        match self {
            Report::Trying(v) => format!("trying {v}"),
            Report::Waiting(v) => format!("{v} at restart"),
            Report::Failed { version, back_on } => format!("{version} failed; on {back_on}"),
        }
    }
}

/// The last update, when there is something to say (no update tried, or the last one took:
/// nothing); `running` is this boot's slot.
pub fn report(s: &Slots, running: Option<char>) -> Option<Report> {
    let version = |slot: char| s.version(slot).unwrap_or("an update").to_string();
    match (s.trying, running) {
        (Some(t), Some(r)) if t == r => return Some(Report::Trying(version(t))),
        (Some(t), _) => return Some(Report::Waiting(version(t))),
        _ => {}
    }
    s.failed.map(|f| Report::Failed {
        version: s.failed_version.clone().unwrap_or_else(|| version(f)),
        back_on: s.version(s.active).unwrap_or(crate::VERSION).to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_render_round_trip_keeps_unknown_keys() {
        let text = "active=b\ntrying=a\nversion_a=0.3.0\nversion_b=0.2.0\nnext_thing=1\n";
        let s = Slots::parse(text);
        assert_eq!((s.active, s.trying), ('b', Some('a')));
        assert_eq!(s.render(), text);
        assert_eq!(Slots::parse(""), Slots { active: 'a', ..Slots::default() });
        assert_eq!(Slots::parse("active=z\ntrying=\n").active, 'a', "nonsense reads as slot a");
    }

    #[test]
    fn a_try_then_good_or_failed() {
        let mut s = Slots::parse("active=a\nversion_a=0.1.0\n");
        assert_eq!(s.try_slot("0.2.0"), 'b');
        assert_eq!(report(&s, Some('a')).map(|r| r.short()).as_deref(), Some("0.2.0 at restart"));
        assert_eq!(report(&s, Some('b')), Some(Report::Trying("0.2.0".into())));
        let mut good = s.clone();
        good.mark_good('b');
        assert_eq!(good.render(), "active=b\nversion_a=0.1.0\nversion_b=0.2.0\n");
        assert_eq!(report(&good, Some('b')), None);
        s.mark_failed('b');
        assert_eq!(s.render(), "active=a\nversion_a=0.1.0\nversion_b=0.2.0\nfailed=b\nfailed_version=0.2.0\n");
        assert_eq!(report(&s, Some('a')).map(|r| r.long()).as_deref(), Some("0.2.0 failed to start; back on 0.1.0"));
        // The next update forgets the failure.
        assert_eq!(s.try_slot("0.2.1"), 'b');
        assert_eq!(s.failed, None);
    }

    #[test]
    fn boot_args() {
        let b = BootArgs::parse("console=ttyAMA0 panic=5 till.slot=b till.failed= quiet");
        assert_eq!(b, BootArgs { slot: Some('b'), failed: None });
        let b = BootArgs::parse("till.slot=a till.failed=b");
        assert_eq!(b, BootArgs { slot: Some('a'), failed: Some('b') });
        assert_eq!(BootArgs::parse("console=ttyAMA0"), BootArgs::default());
    }

    #[test]
    fn files_on_disk() {
        let dir = tempfile::tempdir().expect("test: temp dir");
        std::fs::write(dir.path().join(SLOTS_FILE), "active=a\ntrying=b\nversion_b=0.2.0\n").expect("test: write");
        std::fs::write(dir.path().join(TRIED_FILE), "tried=b\n\0").expect("test: write");
        let s = record_failure(dir.path(), 'b').expect("test: record");
        assert_eq!(read(dir.path()), s);
        assert_eq!(s.failed, Some('b'));
        assert!(!dir.path().join(TRIED_FILE).exists(), "the boot loader's mark is gone");
        let entries: Vec<_> =
            std::fs::read_dir(dir.path()).expect("test: list").flatten().map(|e| e.file_name()).collect();
        assert_eq!(entries, vec![std::ffi::OsString::from(SLOTS_FILE)], "no temporary file is left");
    }
}
