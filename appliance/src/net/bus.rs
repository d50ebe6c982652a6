//! SyncEventBus: the server's fan-out of new events to long-polling clients.
//!
//! Publishing assigns nothing: positions are the server log's own (`events.log_seq`), so a
//! cursor means the same thing in the ring and in the database. Positions increase but may skip
//! numbers (SQLite's AUTOINCREMENT spends a number on an ignored duplicate; a re-key deletes
//! rows), so the ring is searched by position, never indexed by arithmetic. The ring keeps the last N events
//! for clients that are nearly up to date; a cursor older than the ring is served from the
//! durable log by the caller. Waiters are woken when something is published or the bus closes.
//! No I/O here: the server feeds it from the store.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use event_listener::{Event as Notify, Listener};

use crate::model::EventId;

/// One event as the bus holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BusEntry {
    /// Its position in the server's log.
    pub seq: u64,
    /// Its id (origin, seq at origin).
    pub id: EventId,
    /// The encoded event.
    pub bytes: Arc<[u8]>,
}

#[derive(Debug)]
struct Inner {
    ring: VecDeque<BusEntry>,
    capacity: usize,
    head: u64,
    closed: bool,
}

/// Recent events and the long-poll waiters on them.
#[derive(Debug)]
pub struct SyncEventBus {
    inner: Mutex<Inner>,
    notify: Notify,
}

/// What a read of the ring found.
#[derive(Debug, PartialEq, Eq)]
pub enum Read {
    /// Entries after the cursor (possibly none: nothing new yet).
    Entries(Vec<BusEntry>),
    /// The cursor is older than the ring: read the durable log.
    TooOld,
}

impl SyncEventBus {
    /// A bus whose log already reaches `head`, keeping the last `capacity` events.
    pub fn new(capacity: usize, head: u64) -> SyncEventBus {
        SyncEventBus {
            inner: Mutex::new(Inner {
                ring: VecDeque::with_capacity(capacity.min(65_536)),
                capacity,
                head,
                closed: false,
            }),
            notify: Notify::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding this lock leaves plain data that is still consistent.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds events that follow the current head, in log order, and wakes the waiters.
    /// Entries at or below the head are ignored (already published).
    pub fn publish(&self, entries: impl IntoIterator<Item = BusEntry>) {
        let mut g = self.lock();
        let mut any = false;
        for e in entries {
            if e.seq <= g.head {
                continue;
            }
            g.head = e.seq;
            if g.capacity > 0 {
                if g.ring.len() == g.capacity {
                    g.ring.pop_front();
                }
                g.ring.push_back(e);
            }
            any = true;
        }
        drop(g);
        if any {
            self.notify.notify(usize::MAX);
        }
    }

    /// The last published position.
    pub fn head(&self) -> u64 {
        self.lock().head
    }

    /// Up to `limit` entries (and about `max_bytes`) after `since`, or [`Read::TooOld`] if the
    /// ring no longer covers it.
    pub fn read(&self, since: u64, limit: usize, max_bytes: usize) -> Read {
        let g = self.lock();
        if since >= g.head {
            return Read::Entries(Vec::new());
        }
        match g.ring.front() {
            // The oldest entry held follows `since` directly: nothing in between can be missing.
            Some(first) if first.seq <= since + 1 => {
                let start = g.ring.partition_point(|e| e.seq <= since);
                let mut bytes = 0;
                let entries = g
                    .ring
                    .range(start..)
                    .take(limit)
                    .take_while(|e| {
                        let first = bytes == 0;
                        bytes += e.bytes.len();
                        first || bytes <= max_bytes
                    })
                    .cloned()
                    .collect();
                Read::Entries(entries)
            }
            _ => Read::TooOld,
        }
    }

    /// The id of the event at a position, if the ring still holds it.
    pub fn id_at(&self, seq: u64) -> Option<EventId> {
        let g = self.lock();
        let i = g.ring.partition_point(|e| e.seq < seq);
        g.ring.get(i).filter(|e| e.seq == seq).map(|e| e.id)
    }

    /// Waits until the head passes `since`, the bus closes, or `deadline`; true if there is
    /// something after `since`.
    pub async fn wait_beyond(&self, since: u64, deadline: Instant) -> bool {
        loop {
            let listener = self.notify.listen();
            {
                let g = self.lock();
                if g.head > since {
                    return true;
                }
                if g.closed {
                    return false;
                }
            }
            let woke = smol::future::or(
                async {
                    listener.await;
                    true
                },
                async {
                    smol::Timer::at(deadline).await;
                    false
                },
            )
            .await;
            if !woke {
                return self.head() > since;
            }
        }
    }

    /// Blocking form of [`SyncEventBus::wait_beyond`], for tests and threads.
    pub fn wait_beyond_blocking(&self, since: u64, deadline: Instant) -> bool {
        loop {
            let listener = self.notify.listen();
            {
                let g = self.lock();
                if g.head > since || g.closed {
                    return g.head > since;
                }
            }
            if listener.wait_deadline(deadline).is_none() {
                return self.head() > since;
            }
        }
    }

    /// Wakes every waiter for good (the server is stopping).
    pub fn close(&self) {
        self.lock().closed = true;
        self.notify.notify(usize::MAX);
    }

    /// Whether [`SyncEventBus::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.lock().closed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RegisterId;
    use std::time::Duration;

    fn entry(seq: u64) -> BusEntry {
        BusEntry { seq, id: EventId { origin: RegisterId([1; 16]), seq }, bytes: Arc::from(vec![seq as u8]) }
    }

    #[test]
    fn ring_serves_recent_cursors_and_sends_old_ones_to_the_log() {
        let bus = SyncEventBus::new(3, 10);
        bus.publish((11..=15).map(entry));
        assert_eq!(bus.head(), 15);
        assert_eq!(bus.read(12, 10, usize::MAX), Read::Entries(vec![entry(13), entry(14), entry(15)]));
        assert_eq!(bus.read(14, 10, usize::MAX), Read::Entries(vec![entry(15)]));
        assert_eq!(bus.read(15, 10, usize::MAX), Read::Entries(vec![]));
        assert_eq!(bus.read(11, 10, usize::MAX), Read::TooOld, "13 is the oldest held, so 12 is missing");
        assert_eq!(bus.read(13, 1, usize::MAX), Read::Entries(vec![entry(14)]));
        assert_eq!(bus.read(12, 10, 1), Read::Entries(vec![entry(13)]), "the byte cap still returns one");
        assert_eq!(bus.id_at(14).map(|i| i.seq), Some(14));
        assert_eq!(bus.id_at(12), None);
        // Positions may skip numbers (an AUTOINCREMENT spent on an ignored duplicate).
        bus.publish([entry(18), entry(19)]);
        assert_eq!(bus.read(15, 10, usize::MAX), Read::Entries(vec![entry(18), entry(19)]));
        assert_eq!(bus.read(16, 10, usize::MAX), Read::Entries(vec![entry(18), entry(19)]));
        assert_eq!(bus.read(18, 10, usize::MAX), Read::Entries(vec![entry(19)]));
        assert_eq!(bus.id_at(18).map(|i| i.seq), Some(18));
        assert_eq!(bus.id_at(17), None);
        let bus = SyncEventBus::new(3, 10);
        bus.publish((11..=15).map(entry));
        // Republishing what is already there changes nothing.
        bus.publish([entry(15), entry(14)]);
        assert_eq!(bus.read(12, 10, usize::MAX), Read::Entries(vec![entry(13), entry(14), entry(15)]));
    }

    #[test]
    fn waiters_wake_on_publish_and_on_close() {
        let bus = Arc::new(SyncEventBus::new(8, 0));
        let b = bus.clone();
        let waiter = std::thread::spawn(move || b.wait_beyond_blocking(0, Instant::now() + Duration::from_secs(20)));
        bus.publish([entry(1)]);
        assert_eq!(waiter.join().ok(), Some(true));
        let b = bus.clone();
        let waiter = std::thread::spawn(move || b.wait_beyond_blocking(1, Instant::now() + Duration::from_secs(20)));
        bus.close();
        assert_eq!(waiter.join().ok(), Some(false));
        assert!(!bus.wait_beyond_blocking(1, Instant::now() + Duration::from_millis(10)));
    }

    #[test]
    fn async_wait_times_out_without_events() {
        let bus = SyncEventBus::new(8, 5);
        let start = Instant::now();
        let got = smol::block_on(bus.wait_beyond(5, start + Duration::from_millis(30)));
        assert!(!got);
        assert!(start.elapsed() >= Duration::from_millis(30));
        assert!(smol::block_on(bus.wait_beyond(4, start + Duration::from_secs(5))), "already beyond");
    }
}
