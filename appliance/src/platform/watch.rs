//! DbWatcher: wakes the register whenever its database changes, whoever wrote it.
//!
//! Every commit appends to `till.db-wal`, so inotify on the data directory sees a write by
//! `till order create` in another process, by the screen, or by a sync apply within microseconds.
//! Listeners then look at what they care about (pending events to push, new log entries to
//! fan out, a changed config). Where inotify is unavailable it falls back to a 250 ms tick.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use event_listener::{Event, EventListener};
use nix::sys::inotify::{AddWatchFlags, InitFlags, Inotify};

/// Notifies listeners of changes to the database files in a directory.
#[derive(Debug)]
pub struct DbWatcher {
    event: Event,
    changes: AtomicU64,
}

impl DbWatcher {
    /// Starts watching `dir` on a background thread that lives as long as the process.
    pub fn start(dir: &Path) -> Arc<DbWatcher> {
        let w = Arc::new(DbWatcher { event: Event::new(), changes: AtomicU64::new(0) });
        let weak = Arc::downgrade(&w);
        let dir = dir.to_path_buf();
        let spawned = std::thread::Builder::new().name("till-db-watch".into()).spawn(move || {
            let inotify = Inotify::init(InitFlags::IN_CLOEXEC).and_then(|i| {
                i.add_watch(
                    &dir,
                    AddWatchFlags::IN_MODIFY
                        | AddWatchFlags::IN_CREATE
                        | AddWatchFlags::IN_MOVED_TO
                        | AddWatchFlags::IN_CLOSE_WRITE,
                )
                .map(|_| i)
            });
            match inotify {
                Ok(i) => {
                    while let Ok(events) = i.read_events() {
                        let ours = events.iter().any(|e| {
                            e.name.as_ref().is_some_and(|n| n.to_string_lossy().starts_with(crate::store::DB_FILE))
                        });
                        let Some(w) = weak.upgrade() else { break };
                        if ours {
                            w.notify();
                        }
                    }
                }
                Err(_) => loop {
                    std::thread::sleep(Duration::from_millis(250));
                    let Some(w) = weak.upgrade() else { break };
                    w.notify();
                },
            }
        });
        if spawned.is_err() {
            // No thread: listeners still wake on their own timeouts.
            w.notify();
        }
        w
    }

    /// Wakes every listener (also used by in-process writers that want an immediate reaction).
    pub fn notify(&self) {
        self.changes.fetch_add(1, Ordering::SeqCst);
        self.event.notify(usize::MAX);
    }

    /// A listener to await; create it *before* checking state, then await it.
    pub fn listen(&self) -> EventListener {
        self.event.listen()
    }

    /// How many changes have been seen (tests and metrics).
    pub fn changes(&self) -> u64 {
        self.changes.load(Ordering::SeqCst)
    }
}
