//! The first boot of an update (docs/ARCHITECTURE.md, "Updates"), as process 1 sees it.
//!
//! The boot loader boots a slot to be tried once and tells the kernel's command line which
//! (`till.slot=`). While that slot is on trial, the register is started with `TILL_TRIAL_SLOT`
//! and marks the slot good itself once it is ready and, on a client, has synced (`modes`). Process
//! 1 watches the trial: a register that keeps dying, or that is not good after [`TRIAL_LIMIT`]
//! (no network, a server that refuses it), ends the trial with a reboot, and the boot loader then
//! boots the good slot. A hang is the watchdog's, and a power cut the boot loader's own rule.
//!
//! On the boot after, the boot loader says which slot it gave up on (`till.failed=`): process 1
//! records it in `slots.txt`, and the register reports it (console, `till status`, the screen).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use log::{error, info, warn};

use crate::update::slots::{self, BootArgs};

/// How long a tried slot has to become good.
pub const TRIAL_LIMIT: Duration = Duration::from_secs(300);
/// Deaths of the register that end a trial.
pub const TRIAL_DEATHS: u32 = 3;
/// How often `slots.txt` is read again to see whether the register marked the slot good.
const CHECK_EVERY: Duration = Duration::from_secs(2);

/// A slot on trial this boot.
#[derive(Debug)]
pub struct Trial {
    /// The slot.
    pub slot: char,
    /// Its version, for the log.
    pub version: String,
    boot: PathBuf,
    started: Instant,
    checked: Instant,
    deaths: u32,
}

/// What became of a trial.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Still on trial.
    Pending,
    /// The register marked the slot good.
    Good,
    /// Give up: reboot into the good slot, for this reason.
    Failed(String),
}

/// At boot, BOOT mounted on `boot`: records a failure the boot loader reports, and returns the
/// trial when this boot runs a slot to be tried.
pub fn at_boot(boot: &Path, args: BootArgs) -> Option<Trial> {
    let state = slots::read(boot);
    if let Some(f) = args.failed.filter(|f| state.trying == Some(*f)) {
        let version = state.version(f).unwrap_or("the update").to_string();
        match slots::record_failure(boot, f) {
            Ok(_) => error!(
                "update: {version} (slot {f}) did not start; the boot loader went back to slot {} ({})",
                state.active,
                crate::VERSION
            ),
            Err(e) => error!("update: {version} (slot {f}) did not start, and it cannot be recorded: {e}"),
        }
        return None;
    }
    let slot = args.slot.filter(|s| state.trying == Some(*s))?;
    let version = state.version(slot).unwrap_or(crate::VERSION).to_string();
    info!(
        "update: trying {version} from slot {slot}; it is kept once the register is ready (and, on a client, has synced), else slot {} boots again",
        state.active
    );
    let now = Instant::now();
    Some(Trial { slot, version, boot: boot.to_path_buf(), started: now, checked: now, deaths: 0 })
}

impl Trial {
    /// The register died during the trial.
    pub fn died(&mut self) {
        self.deaths += 1;
    }

    /// Looks again (at most every [`CHECK_EVERY`]).
    pub fn verdict(&mut self) -> Verdict {
        if self.deaths >= TRIAL_DEATHS {
            return Verdict::Failed(format!("the register died {} times", self.deaths));
        }
        if self.checked.elapsed() < CHECK_EVERY {
            return Verdict::Pending;
        }
        self.checked = Instant::now();
        let state = slots::read(&self.boot);
        if state.active == self.slot && state.trying.is_none() {
            info!("update: {} in slot {} is good", self.version, self.slot);
            return Verdict::Good;
        }
        if self.started.elapsed() >= TRIAL_LIMIT {
            warn!("update: {} in slot {} is not good after {} s", self.version, self.slot, TRIAL_LIMIT.as_secs());
            return Verdict::Failed(format!("not ready and synced within {} s", TRIAL_LIMIT.as_secs()));
        }
        Verdict::Pending
    }
}

/// One line for the console's `update`: the running version and slot, and the last update.
pub fn console_line(boot: &Path) -> String {
    let args = BootArgs::read();
    let state = slots::read(boot);
    let slot = args.slot.map(|s| format!("slot {s}")).unwrap_or_else(|| "no slot (booted directly)".into());
    let last = slots::report(&state, args.slot).map(|r| r.long()).unwrap_or_else(|| "no update pending".into());
    format!("update version {} {slot}; {last}", crate::VERSION)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boot_with(text: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("test: temp dir");
        std::fs::write(dir.path().join(slots::SLOTS_FILE), text).expect("test: write");
        dir
    }

    #[test]
    fn a_failure_reported_by_the_boot_loader_is_recorded_once() {
        let dir = boot_with("active=a\ntrying=b\nversion_b=0.2.0\n");
        let args = BootArgs { slot: Some('a'), failed: Some('b') };
        assert!(at_boot(dir.path(), args).is_none());
        let s = slots::read(dir.path());
        assert_eq!((s.active, s.trying, s.failed), ('a', None, Some('b')));
        // The same words again (a stale command line) change nothing more.
        assert!(at_boot(dir.path(), args).is_none());
        assert_eq!(slots::read(dir.path()), s);
    }

    #[test]
    fn a_trial_ends_good_or_after_deaths() {
        let dir = boot_with("active=a\ntrying=b\nversion_b=0.2.0\n");
        assert!(at_boot(dir.path(), BootArgs { slot: Some('a'), failed: None }).is_none(), "slot a is not on trial");
        let mut t = at_boot(dir.path(), BootArgs { slot: Some('b'), failed: None }).expect("test: on trial");
        t.checked -= CHECK_EVERY;
        assert_eq!(t.verdict(), Verdict::Pending);
        slots::mark_good(dir.path(), 'b').expect("test: mark good");
        t.checked -= CHECK_EVERY;
        assert_eq!(t.verdict(), Verdict::Good);
        for _ in 0..TRIAL_DEATHS {
            t.died();
        }
        assert!(matches!(t.verdict(), Verdict::Failed(_)));
    }
}
