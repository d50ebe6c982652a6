//! Looking for the server of a higher term (docs/ARCHITECTURE.md, "Promotion and terms"): what
//! a server's term probe and a fixed-address client whose server stopped answering both do. The
//! scan is the one `server=scan` makes (the register's subnets, or `TILL_SCAN_SUBNETS`), with
//! every answer's proof checked against the store's key.

use std::time::Duration;

use log::warn;

use super::discovery::{FoundServer, Membership, ScanOptions, StoreIdentity, classify, default_targets, scan};

/// How often a server probes its subnets for a server of a higher term.
pub const PROBE_EVERY: Duration = Duration::from_secs(300);

/// How often, at most, a client with a fixed address whose server does not answer looks for a
/// server of a higher term (its server may have died for good and another been promoted).
pub const FOLLOW_EVERY: Duration = Duration::from_secs(30);

/// The probe interval: [`PROBE_EVERY`], or `TILL_TERM_PROBE_MS` (tests, and sites that want a
/// faster or quieter check). `None`: never probe, which `TILL_TERM_PROBE_MS=0` asks for (the test
/// suite and the benchmarks, so that no register of theirs scans the machine's own LAN).
pub fn probe_every() -> Option<Duration> {
    match std::env::var("TILL_TERM_PROBE_MS") {
        Err(_) => Some(PROBE_EVERY),
        Ok(v) if v.trim() == "0" => None,
        Ok(v) => Some(v.parse::<u64>().map(|ms| Duration::from_millis(ms.max(100))).unwrap_or_else(|_| {
            warn!(
                "TILL_TERM_PROBE_MS={v:?} is not a number of milliseconds; probing every {} s",
                PROBE_EVERY.as_secs()
            );
            PROBE_EVERY
        })),
    }
}

/// A fixed-address client's interval: the probe interval, at most [`FOLLOW_EVERY`]; `None`
/// when probing is off.
pub fn follow_every() -> Option<Duration> {
    probe_every().map(|p| p.min(FOLLOW_EVERY))
}

/// Scans `port` on the register's subnets for a server of this store (proof checked) stating a
/// term above `above`; of several, the highest term. `None` when there is none, or the subnets
/// cannot be read.
pub async fn higher_term_server(port: u16, who: &StoreIdentity, above: u64) -> Option<FoundServer> {
    let targets = match default_targets() {
        Ok(t) => t,
        Err(e) => {
            warn!("cannot look for a server of a higher term: {e}");
            return None;
        }
    };
    let mut report = scan(&targets, &ScanOptions { port, ..ScanOptions::default() }).await;
    let challenge = report.challenge;
    classify(&mut report.servers, who, &challenge).await;
    report
        .servers
        .into_iter()
        .filter(|s| s.membership == Membership::This && s.compatible() && s.discover.term.unwrap_or(0) > above)
        .max_by_key(|s| s.discover.term)
}
