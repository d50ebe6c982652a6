//! The logger behind the `log` facade: one line per record on stderr (the serial console on the
//! appliance), `[seconds since boot] LEVEL module: message`, for example
//! `[   12.345] INFO  modes: ready`.
//!
//! `TILL_LOG` sets the level (`error`, `warn`, `info` (default), `debug`, `trace`). Till's own
//! modules log at that level; the libraries under `net` (tide, surf, async-h1) only from `warn`
//! up unless the level is `trace`. The messages tests and the QEMU checks wait for are a
//! contract, listed in docs/TESTING.md ("Log lines").
//!
//! Hand-written rather than env_logger or simplelog: those pull a regex engine or a time
//! library into a 5 MiB binary for a filter this register does not need. [`Repeats`] keeps a
//! failure that repeats every few seconds (a server that is down) to one line per change plus a
//! periodic summary.

use std::io::Write;
use std::time::{Duration, Instant};

use log::{Level, LevelFilter, Log, Metadata, Record};

struct Logger {
    level: LevelFilter,
}

/// Seconds since the machine booted (CLOCK_MONOTONIC): the same clock as the kernel's own lines
/// on the serial console, so the two interleave in order.
fn uptime() -> f64 {
    nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC)
        .map(|t| t.tv_sec() as f64 + t.tv_nsec() as f64 / 1e9)
        .unwrap_or(0.0)
}

impl Log for Logger {
    fn enabled(&self, m: &Metadata<'_>) -> bool {
        let ours = m.target() == "till" || m.target().starts_with("till::");
        if ours { m.level() <= self.level } else { m.level() <= Level::Warn || self.level == LevelFilter::Trace }
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let target = record.target();
        let module = target.strip_prefix("till::").unwrap_or(target);
        let line = format!("[{:>9.3}] {:<5} {module}: {}\n", uptime(), record.level(), record.args());
        // One write per line, so lines of concurrent threads never interleave. A closed stderr
        // (the console detached) must not stop the register: nothing more can be done about it.
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }

    fn flush(&self) {
        let _ = std::io::stderr().flush();
    }
}

/// The level asked for by `TILL_LOG`, or why it is not one.
pub fn level_from_env() -> Result<LevelFilter, String> {
    match std::env::var("TILL_LOG") {
        Err(_) => Ok(LevelFilter::Info),
        Ok(v) => v
            .trim()
            .parse()
            .map_err(|_| format!("TILL_LOG={v:?} is not a level: use error, warn, info, debug or trace")),
    }
}

/// Installs the logger once per process (later calls change nothing).
pub fn init(level: LevelFilter) {
    if log::set_boxed_logger(Box::new(Logger { level })).is_ok() {
        log::set_max_level(if level == LevelFilter::Trace { LevelFilter::Trace } else { level.max(LevelFilter::Warn) });
    }
}

/// What to do with the next occurrence of a repeating condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Report {
    /// It changed: log it.
    Changed,
    /// The same as last time: stay quiet.
    Quiet,
    /// The same for a while: log one summary of this many occurrences since the last line.
    Summary(u64),
}

/// One line per change of a repeating condition, plus a summary every `every` while it lasts.
#[derive(Debug)]
pub struct Repeats {
    last: Option<String>,
    count: u64,
    since: Instant,
    every: Duration,
}

impl Repeats {
    /// A new tracker that summarizes at most every `every`.
    pub fn new(every: Duration) -> Repeats {
        Repeats { last: None, count: 0, since: Instant::now(), every }
    }

    /// Records an occurrence of `what` (its text decides what counts as the same).
    pub fn note(&mut self, what: &str, now: Instant) -> Report {
        if self.last.as_deref() != Some(what) {
            self.last = Some(what.to_string());
            self.count = 0;
            self.since = now;
            return Report::Changed;
        }
        self.count += 1;
        if now.duration_since(self.since) >= self.every {
            let n = std::mem::take(&mut self.count);
            self.since = now;
            return Report::Summary(n);
        }
        Report::Quiet
    }

    /// The condition ended (for example: connected again): the next occurrence is a change.
    pub fn clear(&mut self) {
        self.last = None;
        self.count = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_log_changes_and_periodic_summaries() {
        let t0 = Instant::now();
        let s = |n: u64| t0 + Duration::from_secs(n);
        let mut r = Repeats::new(Duration::from_secs(60));
        assert_eq!(r.note("refused", s(0)), Report::Changed);
        assert_eq!(r.note("refused", s(5)), Report::Quiet);
        assert_eq!(r.note("refused", s(10)), Report::Quiet);
        assert_eq!(r.note("refused", s(61)), Report::Summary(3));
        assert_eq!(r.note("refused", s(70)), Report::Quiet);
        assert_eq!(r.note("timed out", s(71)), Report::Changed, "another error is a change");
        r.clear();
        assert_eq!(r.note("timed out", s(72)), Report::Changed, "after a success the failure is news again");
    }

    #[test]
    fn only_till_targets_follow_the_debug_level() {
        let l = Logger { level: LevelFilter::Debug };
        let meta = |target, level| Metadata::builder().target(target).level(level).build();
        assert!(l.enabled(&meta("till::net::poller", Level::Debug)));
        assert!(!l.enabled(&meta("till::net::poller", Level::Trace)));
        assert!(!l.enabled(&meta("tide::server", Level::Info)), "libraries stay quiet below warn");
        assert!(l.enabled(&meta("async_h1::server", Level::Warn)));
    }
}
