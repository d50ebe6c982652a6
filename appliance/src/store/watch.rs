//! DbWatcher: wakes the register whenever its database changes, whoever wrote it.
//!
//! Every commit through the store ends by rewriting `till.db-commit` (after SQLite has made the
//! commit visible), so inotify on the data directory sees a write by `till order create` in
//! another process, by the screen, or by a sync apply within microseconds, and a listener woken
//! by it always finds the new data. Listeners then look at what they care about (pending events
//! to push, new log entries to fan out, a changed config). Where inotify is unavailable it falls
//! back to a 250 ms tick.

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
            if let Ok(i) = inotify {
                loop {
                    let events = match i.read_events() {
                        Ok(events) => events,
                        Err(nix::errno::Errno::EINTR) => continue,
                        // Anything else: fall back to the periodic tick below.
                        Err(_) => break,
                    };
                    let ours = events
                        .iter()
                        .any(|e| e.name.as_ref().is_some_and(|n| n.to_string_lossy().starts_with(super::DB_FILE)));
                    let Some(w) = weak.upgrade() else { return };
                    if ours {
                        w.notify();
                    }
                }
            }
            loop {
                std::thread::sleep(Duration::from_millis(250));
                let Some(w) = weak.upgrade() else { return };
                w.notify();
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// A commit's last file event must come after the commit is visible. SQLite writes the WAL
    /// (an event) *before* it publishes the commit through the memory-mapped index (no event),
    /// so a watcher woken by the WAL write can look too early and then hear nothing more. The
    /// store rewrites its commit marker after each commit; inotify keeps events in order, so the
    /// commit's events are exactly those before a sentinel written afterwards, and the last of
    /// them must be the marker.
    #[test]
    fn a_commits_last_event_is_the_marker_written_after_it_is_visible() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut store = crate::store::Store::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let inotify = Inotify::init(InitFlags::IN_CLOEXEC).unwrap_or_else(|e| panic!("{e}"));
        inotify
            .add_watch(dir.path(), AddWatchFlags::IN_MODIFY | AddWatchFlags::IN_CLOSE_WRITE)
            .unwrap_or_else(|e| panic!("{e}"));
        for i in 0..5 {
            let v = format!("{i}-{}", "x".repeat(20_000));
            store.write(|tx| tx.kv_put("probe", &v)).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(dir.path().join("sentinel"), b"s").unwrap_or_else(|e| panic!("{e}"));
            let mut names = Vec::new();
            'read: loop {
                for e in inotify.read_events().unwrap_or_else(|e| panic!("{e}")) {
                    let name = e.name.map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                    if name == "sentinel" {
                        break 'read;
                    }
                    names.push(name);
                }
            }
            assert!(names.iter().any(|n| n == "till.db-wal"), "commit {i} wrote the WAL: {names:?}");
            assert_eq!(names.last().map(String::as_str), Some(crate::store::COMMIT_MARKER), "commit {i}: {names:?}");
        }
    }

    /// The watcher turns those events into wake-ups: a commit by another connection is visible
    /// by the time its last wake-up arrives.
    #[test]
    fn a_commit_by_another_connection_wakes_the_watcher_after_it_is_visible() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut writer = crate::store::Store::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let reader = crate::store::Store::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let w = DbWatcher::start(dir.path());
        // The watch is added on the watcher's thread: write until a first change is seen (a
        // changing value: SQLite skips rewriting a cell with identical content).
        let mut n = 0u32;
        while w.changes() == 0 {
            n += 1;
            writer.write(|tx| tx.kv_put("warm-up", &n.to_string())).unwrap_or_else(|e| panic!("{e}"));
            std::thread::sleep(Duration::from_millis(5));
        }
        for i in 0..10 {
            let value = i.to_string();
            let mut listener = w.listen();
            writer.write(|tx| tx.kv_put("probe", &value)).unwrap_or_else(|e| panic!("{e}"));
            let deadline = Instant::now() + Duration::from_secs(5);
            let visible = || reader.kv_raw("probe").ok().flatten().as_deref() == Some(value.as_str());
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                let woke = event_listener::Listener::wait_timeout(listener, left);
                assert!(woke.is_some(), "commit {i}: no wake-up after it became visible");
                if visible() {
                    break;
                }
                listener = w.listen();
                if visible() {
                    break;
                }
            }
        }
    }
}
