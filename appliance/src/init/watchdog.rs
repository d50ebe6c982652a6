//! The hardware watchdog and the register's sign of life (issue 18, item 6; ARCHITECTURE.md,
//! "The appliance image"). Process 1 opens `/dev/watchdog` (which starts its timer), sets its
//! timeout explicitly from the flash config (`[device] watchdog_timeout`, default 30 s) and pets
//! it while the register shows it is alive: `till run` rewrites [`HEARTBEAT`] every few seconds
//! (`modes`, when `TILL_HEARTBEAT` names the file). A register that stops doing so (hung,
//! stopped, deadlocked) is no longer covered: process 1 stops petting, and the watchdog resets
//! the box. A register that died is not hung: process 1 restarts it and keeps petting.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use log::{error, info, warn};

/// The file `till run` rewrites as its sign of life (on the initramfs's own file system).
pub const HEARTBEAT: &str = "/run/till-heartbeat";

/// The watchdog's timeout when the flash config sets none.
pub const DEFAULT_TIMEOUT_SECS: u32 = 30;

/// How long a register just started may take before its first sign of life (migrations, a
/// database check on a big store).
pub const STARTUP_GRACE: Duration = Duration::from_secs(120);

/// The hardware watchdog, when the board has one.
pub struct Watchdog {
    file: File,
    last_pet: Instant,
    every: Duration,
}

impl Watchdog {
    /// Opens it, which starts its timer: from here on, a hung process 1 resets the board.
    pub fn open() -> Option<Watchdog> {
        let file = OpenOptions::new().write(true).open("/dev/watchdog").ok()?;
        info!("watchdog armed");
        Some(Watchdog { file, last_pet: Instant::now(), every: Duration::from_secs(5) })
    }

    /// Sets the timeout (the driver may round it); pets a third of it apart, at most 5 s.
    pub fn set_timeout(&mut self, secs: u32) {
        let t = match till_display::watchdog_set_timeout(&self.file, i32::try_from(secs).unwrap_or(i32::MAX)) {
            Ok(t) => {
                info!("watchdog timeout {t} s");
                t
            }
            Err(e) => {
                error!("cannot set the watchdog's timeout to {secs} s: {e}; it keeps the driver's own");
                i32::try_from(secs).unwrap_or(i32::MAX)
            }
        };
        let secs = u64::try_from(t).unwrap_or(u64::from(secs)).max(1);
        self.every = Duration::from_secs(secs).div_f64(3.0).min(Duration::from_secs(5));
        self.pet_now();
    }

    /// Pets it, when the last pet is far enough back.
    pub fn pet(&mut self) {
        if self.last_pet.elapsed() >= self.every {
            self.pet_now();
        }
    }

    fn pet_now(&mut self) {
        let _ = self.file.write_all(b"\0");
        self.last_pet = Instant::now();
    }

    /// The magic close: a clean power-off must not be mistaken for a hang.
    pub fn disarm(mut self) {
        let _ = self.file.write_all(b"V");
    }
}

/// Whether a register shows it is alive: its last sign of life is at most `limit` old, or,
/// with none yet since it started, it started at most [`STARTUP_GRACE`] ago. Pure.
pub fn alive(since_heartbeat: Option<Duration>, since_start: Duration, limit: Duration) -> bool {
    match since_heartbeat {
        Some(age) if age <= since_start => age <= limit,
        // No sign of life from this run of the register (none, or one older than its start).
        _ => since_start <= STARTUP_GRACE,
    }
}

/// How old the heartbeat file is (`None`: there is none).
pub fn heartbeat_age(path: &Path) -> Option<Duration> {
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok()?;
    Some(SystemTime::now().duration_since(modified).unwrap_or(Duration::ZERO))
}

/// Says once that the register stopped showing signs of life, and whether to pet.
pub struct Liveness {
    limit: Duration,
    reported: bool,
}

impl Liveness {
    /// A register counts as hung after `limit` without a sign of life (the watchdog's timeout).
    pub fn new(limit: Duration) -> Liveness {
        Liveness { limit, reported: false }
    }

    /// Whether to pet now, given the register's start (`None`: none runs, process 1 is
    /// restarting it, which is not a hang).
    pub fn pet_allowed(&mut self, started: Option<Instant>) -> bool {
        let Some(started) = started else { return true };
        let ok = alive(heartbeat_age(Path::new(HEARTBEAT)), started.elapsed(), self.limit);
        if !ok && !self.reported {
            warn!(
                "the register has shown no sign of life for {} s: no longer petting the watchdog, which resets the box",
                self.limit.as_secs()
            );
            self.reported = true;
        } else if ok && self.reported {
            info!("the register shows signs of life again");
            self.reported = false;
        }
        ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_register_is_alive_while_its_heartbeat_is_fresh_or_it_has_just_started() {
        let s = Duration::from_secs;
        let limit = s(30);
        assert!(alive(Some(s(3)), s(600), limit), "a fresh heartbeat");
        assert!(alive(Some(s(30)), s(600), limit), "at the limit");
        assert!(!alive(Some(s(31)), s(600), limit), "stale: hung");
        assert!(alive(None, s(60), limit), "just started, none yet");
        assert!(!alive(None, s(121), limit), "none long after its start");
        assert!(alive(Some(s(500)), s(10), limit), "the old run's heartbeat does not count against a new one");
        assert!(!alive(Some(s(500)), s(200), limit), "…once its grace is over");
    }
}
