//! `/metrics`: request counters and gauges in Prometheus text. Answering reads only these: it
//! never touches the database or the register lock, so it cannot be used to slow the register.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::SyncService;
use crate::model::ConflictKind;
use crate::net::lock;

/// Counters for `/metrics`. Answering `/metrics` reads only these: it never touches the
/// database or the register lock, so it cannot be used to slow the register down.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<std::collections::BTreeMap<(&'static str, u16), u64>>,
    /// Events received in pushes that were new.
    pub events_received: AtomicU64,
    /// Long-polls currently held open.
    pub waiting: AtomicUsize,
    /// Gauges refreshed from the database at most once a second: events, orders, pending, peers.
    gauges: [AtomicU64; 4],
    /// Open conflicts per kind, in the order of [`ConflictKind::ALL`].
    conflicts: [AtomicU64; ConflictKind::ALL.len()],
    refreshed: Mutex<Option<Instant>>,
    /// The server term this server serves (the discover answer's `term`, `till_server_term`).
    pub term: AtomicU64,
}

impl Metrics {
    /// Counts a finished request.
    pub fn count(&self, route: &'static str, status: u16) {
        *lock(&self.requests).entry((route, status)).or_insert(0) += 1;
    }
}

impl SyncService {
    /// Refreshes the `/metrics` gauges from the database, at most once a second.
    pub fn refresh_gauges(&self) {
        {
            let mut last = lock(&self.metrics.refreshed);
            if last.is_some_and(|t| t.elapsed() < Duration::from_secs(1)) {
                return;
            }
            *last = Some(Instant::now());
        }
        let r = lock(&self.reg);
        let rd = r.store().reader();
        // A failed read keeps the last figures rather than reporting zeros.
        let read = rd
            .counts()
            .and_then(|c| Ok((c, rd.peer_count()?, rd.open_conflicts_by_kind()?, rd.serving_term(self.me)?)));
        let (c, peers, open, term) = match read {
            Ok(v) => v,
            Err(e) => {
                log::debug!("cannot refresh the /metrics gauges: {e}");
                return;
            }
        };
        for (g, v) in self.metrics.gauges.iter().zip([c.events as u64, c.orders as u64, c.pending_events as u64, peers])
        {
            g.store(v, Ordering::Relaxed);
        }
        self.metrics.term.store(term, Ordering::Relaxed);
        for (g, (_, n)) in self.metrics.conflicts.iter().zip(open) {
            g.store(n.max(0) as u64, Ordering::Relaxed);
        }
    }

    /// Prometheus text for `/metrics`, from counters and cached gauges only.
    pub fn metrics_text(&self) -> String {
        let g = |i: usize| self.metrics.gauges[i].load(Ordering::Relaxed);
        let counts = (
            crate::store::Counts {
                events: g(0) as i64,
                orders: g(1) as i64,
                pending_events: g(2) as i64,
                ..Default::default()
            },
            g(3),
        );
        let mut out = String::new();
        let mut line = |name: &str, help: &str, kind: &str, value: String| {
            out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"));
        };
        line("till_events_stored", "Events in this server's log.", "gauge", counts.0.events.to_string());
        line("till_orders", "Orders in this server's store.", "gauge", counts.0.orders.to_string());
        line("till_clients_seen", "Registers that have contacted this server.", "gauge", counts.1.to_string());
        line(
            "till_pending_events",
            "Events made here not yet acknowledged.",
            "gauge",
            counts.0.pending_events.to_string(),
        );
        line(
            "till_server_term",
            "The server term this server serves (0: the store's first server, never re-elected).",
            "gauge",
            self.metrics.term.load(Ordering::Relaxed).to_string(),
        );
        line("till_bus_head", "Last log position published to long-pollers.", "gauge", self.bus.head().to_string());
        line(
            "till_longpolls_waiting",
            "Long-polls currently held open.",
            "gauge",
            self.metrics.waiting.load(Ordering::Relaxed).to_string(),
        );
        line(
            "till_events_received_total",
            "Pushed events that were new to this server.",
            "counter",
            self.metrics.events_received.load(Ordering::Relaxed).to_string(),
        );
        out.push_str("# HELP till_conflicts_open Conflicts between registers no manager has settled, by kind.\n# TYPE till_conflicts_open gauge\n");
        for (kind, n) in ConflictKind::ALL.iter().zip(&self.metrics.conflicts) {
            out.push_str(&format!("till_conflicts_open{{kind=\"{kind}\"}} {}\n", n.load(Ordering::Relaxed)));
        }
        out.push_str(
            "# HELP till_requests_total HTTP requests by route and status.\n# TYPE till_requests_total counter\n",
        );
        for ((route, status), n) in lock(&self.metrics.requests).iter() {
            out.push_str(&format!("till_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}\n"));
        }
        out
    }
}
