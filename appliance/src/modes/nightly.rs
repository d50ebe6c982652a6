//! The nightly backup to a USB stick (docs/ARCHITECTURE.md, "Backups to a USB stick"): once a
//! UTC day, after the setup's `backup_at` (03:00 unless set), when a stick labelled TILL-BACKUP
//! is plugged in and no backup reached a stick that day, [`crate::stick::back_up_to_stick`]
//! writes one. It runs on its own thread and database connection, like the print worker, so a
//! backup of a big store never holds up a sale (the copy is one read transaction beside the
//! register's writes).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use log::{info, warn};

use crate::config::DEFAULT_BACKUP_AT;
use crate::stick::{self, StickError, StickPaths, Trigger};
use crate::store::{Store, kv};

/// How often the task looks at the clock (and, when a backup is due, for a stick).
const LOOK_EVERY: Duration = Duration::from_secs(30);

/// After a failed backup (a full stick, one that does not mount), the next try waits this long.
pub const RETRY_MS: u64 = 30 * 60 * 1000;

/// What one look did.
#[derive(Debug)]
enum Look {
    NotDue,
    NoStick,
    Made(stick::StickBackup),
}

fn look(store: &mut Store, paths: &StickPaths) -> Result<Look, StickError> {
    let now = stick::now_ms(store)?;
    let at = store.get(kv::BACKUP_AT)?.unwrap_or(DEFAULT_BACKUP_AT);
    let last_ok = store.get(kv::STICK_LAST_OK)?;
    let last_failed = store.get(kv::STICK_LAST)?.filter(|s| !s.ok).map(|s| s.at_ms);
    if !stick::nightly_due(now, at.minutes(), last_ok, last_failed, RETRY_MS) {
        return Ok(Look::NotDue);
    }
    if stick::find_stick(paths)?.is_none() {
        return Ok(Look::NoStick);
    }
    stick::back_up_to_stick(store, now, paths, Trigger::Nightly).map(Look::Made)
}

/// Starts the nightly task for the register in `dir`; it ends soon after `stop` is set.
pub fn spawn(dir: PathBuf, stop: Arc<AtomicBool>) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new().name("till-stick".into()).spawn(move || {
        let mut store = match Store::open(&dir) {
            Ok(s) => s,
            Err(e) => {
                warn!("the nightly backup to a USB stick does not run: {e}");
                return;
            }
        };
        let paths = StickPaths::system();
        let mut last_error = String::new();
        while !stop.load(Ordering::SeqCst) {
            match look(&mut store, &paths) {
                Ok(Look::NotDue | Look::NoStick) => {}
                Ok(Look::Made(m)) => {
                    last_error.clear();
                    info!(
                        "nightly backup: {} ({} bytes) is on the stick {} ({}); {} of this register's backups are on it",
                        m.file,
                        m.bytes,
                        m.label,
                        m.device.display(),
                        m.kept
                    );
                }
                // Recorded for `till status`; logged once while it stays the same.
                Err(e) => {
                    let why = e.to_string();
                    if why != last_error {
                        warn!("nightly backup to the USB stick: {why}; trying again in {} min", RETRY_MS / 60_000);
                        last_error = why;
                    }
                }
            }
            let until = Instant::now() + LOOK_EVERY;
            while !stop.load(Ordering::SeqCst) && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(250));
            }
        }
    })
}
