//! The system clock on the appliance: SNTP at boot and hourly. Only process 1 sets the clock.
//!
//! A register box often has no battery-backed clock and boots in 1970. The register's events
//! are ordered by its hybrid logical clock, whose persisted mark never goes back, so a step in
//! either direction cannot reorder them (docs/EXPORT.md, "HTTPS, DNS and the clock on the
//! appliance"). What a step does change is the register's idea of now, the system clock plus the
//! offset it learned from its server (`kv::CLOCK_OFFSET`): that offset was measured against the
//! old clock, so a step clears it, in the same write transaction as the step, and the register
//! runs on the corrected clock until its next hello measures the offset again. A register's
//! write transaction therefore sees the old clock with the old offset or the new clock with none.

use std::path::{Path, PathBuf};
use std::time::Duration;

use log::{debug, info, warn};
use nix::errno::Errno;
use nix::sys::time::TimeSpec;
use nix::time::{ClockId, clock_settime};

use super::sntp::{self, Sample, Server};
use crate::store::{Store, StoreError, kv};

/// Where the udhcpc script writes the lease's NTP servers (DHCP option 42), space-separated.
pub const DHCP_NTP: &str = "/etc/till/dhcp-ntp";
/// A smaller correction leaves the clock alone: a step is a jump in every log and timer.
pub const STEP_THRESHOLD_MS: i64 = 500;
/// Time between two syncs once the clock is set.
const EVERY: Duration = Duration::from_secs(3600);
/// Before the first sync: retry after 1 s, doubling up to this.
const RETRY_MAX: Duration = Duration::from_secs(64);
/// How long one server address may take to answer.
const TIMEOUT: Duration = Duration::from_secs(2);

/// Where the SNTP servers come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sources {
    /// `[network] ntp` in the flash config: these, whatever DHCP says.
    Card(Vec<Server>),
    /// The lease's option 42, as the udhcpc script wrote it into this file.
    Dhcp(PathBuf),
    /// None: a static address without `ntp`.
    Nothing,
}

impl Sources {
    /// The servers to ask now (DHCP's can change with each lease).
    pub fn servers(&self) -> Vec<Server> {
        match self {
            Sources::Card(s) => s.clone(),
            Sources::Dhcp(file) => std::fs::read_to_string(file).map(|t| parse_dhcp(&t)).unwrap_or_default(),
            Sources::Nothing => Vec::new(),
        }
    }
}

/// The servers of udhcpc's `$ntpsrv` (addresses separated by spaces); a bad word is skipped.
pub fn parse_dhcp(text: &str) -> Vec<Server> {
    text.split_whitespace().filter_map(|w| w.parse().ok()).take(4).collect()
}

/// Why the clock could not be stepped.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// The register's database refused.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The kernel refused.
    #[error("clock_settime: {0}")]
    Clock(Errno),
}

/// Moves the system clock by `offset_ms` through `set` inside one write transaction of `store`
/// that also clears the register's learned clock offset. Returns the time set and the offset
/// that was cleared. `set` failing rolls the transaction back: the offset stays.
pub fn step_in_store(
    store: &mut Store,
    offset_ms: i64,
    set: impl FnOnce(i64) -> Result<Duration, Errno>,
) -> Result<(Duration, Option<i64>), StepError> {
    store.write(|tx| {
        let old = tx.get(kv::CLOCK_OFFSET)?.filter(|o| *o != 0);
        if old.is_some() {
            tx.clear(kv::CLOCK_OFFSET)?;
        }
        let now = set(offset_ms).map_err(StepError::Clock)?;
        Ok((now, old))
    })
}

/// Sets the system clock to itself plus `offset_ms`; returns the time set.
pub fn set_system_clock(offset_ms: i64) -> Result<Duration, Errno> {
    let now = i128::try_from(sntp::system_now().as_nanos()).unwrap_or(0);
    let target = u64::try_from((now + i128::from(offset_ms) * 1_000_000).max(0)).unwrap_or(u64::MAX);
    let t = Duration::from_nanos(target);
    clock_settime(ClockId::CLOCK_REALTIME, TimeSpec::from_duration(t))?;
    Ok(t)
}

/// Starts the SNTP thread (nothing to do without servers).
pub fn spawn(sources: Sources, data: PathBuf) {
    if sources == Sources::Nothing {
        info!("no NTP server (static address without [network] ntp): the clock stays as the box keeps it");
        return;
    }
    if let Err(e) = std::thread::Builder::new().name("sntp".into()).spawn(move || run(&sources, &data)) {
        warn!("cannot start the SNTP thread: {e}; the clock stays as the box keeps it");
    }
}

/// Syncs at once, then hourly, for the life of the box; until the first success it retries after
/// 1, 2, 4 … 64 s (the lease, and with it the route, may not be there yet). Each pass is bounded:
/// at most three addresses per server, two seconds each.
fn run(sources: &Sources, data: &Path) {
    let mut retry = Duration::from_secs(1);
    let mut synced = false;
    let mut waiting_said = false;
    loop {
        let servers = sources.servers();
        if servers.is_empty() {
            if !waiting_said {
                info!("waiting for NTP servers from DHCP (option 42)");
                waiting_said = true;
            }
        } else {
            match sync(&servers) {
                Ok(sample) => {
                    synced = true;
                    apply(&sample, data);
                }
                Err(why) => {
                    let next = if synced { EVERY } else { retry };
                    warn!("no time from {why}; next try in {} s", next.as_secs());
                }
            }
        }
        std::thread::sleep(if synced { EVERY } else { retry });
        retry = (retry * 2).min(RETRY_MAX);
    }
}

/// The first server that gives a believable time, or every server's reason, one line.
fn sync(servers: &[Server]) -> Result<Sample, String> {
    let mut why = Vec::new();
    for s in servers {
        match sntp::query(s, TIMEOUT) {
            Ok(sample) => return Ok(sample),
            Err(e) => why.push(e.to_string()),
        }
    }
    Err(why.join("; "))
}

/// Steps the clock when it is off by more than [`STEP_THRESHOLD_MS`], and says so in one line.
fn apply(sample: &Sample, data: &Path) {
    let (off, from) = (sample.offset_ms, sample.from);
    let delay = sample.delay.as_millis();
    if off.abs() <= STEP_THRESHOLD_MS {
        debug!("in step with {from} ({off:+} ms, stratum {}, delay {delay} ms)", sample.stratum);
        return;
    }
    // No database yet (a first boot without a card): no offset to clear, and the register
    // creates it.
    let result = if data.join("till.db").exists() {
        Store::open(data).map_err(StepError::from).and_then(|mut s| step_in_store(&mut s, off, set_system_clock))
    } else {
        set_system_clock(off).map(|t| (t, None)).map_err(StepError::Clock)
    };
    match result {
        Ok((now, cleared)) => {
            let cleared = cleared
                .map(|o| format!("; the offset learned from the server ({o:+} ms) is cleared until its next hello"));
            info!(
                "clock stepped {:+}.{:03} s to {} by {from} (stratum {}, delay {delay} ms){}",
                off / 1000,
                (off % 1000).abs(),
                sntp::rfc3339(now),
                sample.stratum,
                cleared.unwrap_or_default()
            );
        }
        Err(e) => warn!("cannot step the clock by {off:+} ms ({from}): {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dhcp_servers_are_the_leases_words() {
        let s: Vec<String> =
            parse_dhcp("10.0.2.2 ntp.lan  bad/name\n192.168.1.1").iter().map(|s| s.to_string()).collect();
        assert_eq!(s, ["10.0.2.2", "ntp.lan", "192.168.1.1"]);
        assert!(parse_dhcp("").is_empty());
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let file = dir.path().join("dhcp-ntp");
        let src = Sources::Dhcp(file.clone());
        assert!(src.servers().is_empty(), "no lease yet");
        std::fs::write(&file, "10.0.2.2\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(src.servers().len(), 1);
        let card = Sources::Card(vec!["10.0.0.1:1123".parse().unwrap_or_else(|e| panic!("{e}"))]);
        assert_eq!(card.servers()[0].to_string(), "10.0.0.1:1123");
    }

    #[test]
    fn a_step_clears_the_learned_offset_in_its_transaction() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut store = Store::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        store.set(kv::CLOCK_OFFSET, &56_000).unwrap_or_else(|e| panic!("{e}"));
        // The clock refuses: nothing changes.
        let e = step_in_store(&mut store, 1_000, |_| Err(Errno::EPERM)).err().map(|e| e.to_string());
        assert_eq!(e.as_deref(), Some("clock_settime: EPERM: Operation not permitted"));
        assert_eq!(store.get(kv::CLOCK_OFFSET).ok().flatten(), Some(56_000));
        // The step goes through: the offset is gone, and the step was asked with the sample's.
        let mut asked = None;
        let (t, old) = step_in_store(&mut store, 1_000, |o| {
            asked = Some(o);
            Ok(Duration::from_secs(7))
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((asked, t, old), (Some(1_000), Duration::from_secs(7), Some(56_000)));
        assert_eq!(store.get(kv::CLOCK_OFFSET).ok().flatten(), None);
        // Nothing to clear the second time.
        let (_, old) = step_in_store(&mut store, -900, |_| Ok(Duration::ZERO)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(old, None);
    }
}
