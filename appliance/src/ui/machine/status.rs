//! What the status screen shows: the register, its mode and sync state, counts, open conflicts,
//! the export's trouble.

use till_display as d;
use till_display::i18n::{Arg, Words};

use crate::config::Mode;
use crate::register::Register;
use crate::store::StoreError;
use crate::store::kv::{self, SyncState};

pub(in crate::ui::machine) fn to_display_mode(m: Mode) -> d::Mode {
    match m {
        Mode::Standalone => d::Mode::Standalone,
        Mode::Server => d::Mode::Server,
        Mode::Client => d::Mode::Client,
    }
}

/// The registers a server knows to run an older version than the bundle staged for their
/// architecture (`till update stage`; docs/ARCHITECTURE.md, "Updates over the store's LAN").
fn updates_waiting(db: &std::path::Path) -> Vec<String> {
    use crate::update::rollout;
    let Some(data) = db.parent() else { return Vec::new() };
    let staged = rollout::offers(data);
    if staged.is_empty() {
        return Vec::new();
    }
    rollout::registers(data)
        .into_iter()
        .filter(|r| staged.iter().any(|o| rollout::wanted(o, &r.software.arch, &r.software.version)))
        .map(|r| r.name)
        .collect()
}

/// "4 s ago", "3 min ago", "2 h ago", "5 days ago" ("vor 4 s" in German).
pub fn ago(w: Words, now_ms: u64, then_ms: u64) -> String {
    w.t_with("time-ago", &[("span", Arg::Text(&span(w, now_ms.saturating_sub(then_ms))))])
}

/// A while in whole units: "4 s", "3 min", "2 h", "5 days".
pub fn span(w: Words, ms: u64) -> String {
    let s = ms / 1000;
    let (id, n) = match s {
        0..=59 => ("time-seconds", s),
        60..=3599 => ("time-minutes", s / 60),
        3600..=86_399 => ("time-hours", s / 3600),
        _ => ("time-days", s / 86_400),
    };
    w.t_with(id, &[("count", Arg::Count(i64::try_from(n).unwrap_or(i64::MAX)))])
}

/// The header and status screen's facts, read from the register's database.
pub fn load_status(r: &Register) -> Result<d::StatusInfo, StoreError> {
    let s = r.store();
    let cfg = s.setup()?;
    let language = s.reader().language()?;
    let w = Words(language);
    let now = crate::net::unix_ms();
    let counts = s.reader().counts()?;
    let sync = s.get(kv::SYNC_STATUS)?;
    let mut peers = Vec::new();
    let (last_sync, clock, server_address) = match cfg.mode {
        Mode::Standalone => (None, d::ClockState::Local, None),
        Mode::Server => {
            for p in s.reader().peers()? {
                peers.push(d::PeerLine {
                    name: p.name,
                    address: p.address.unwrap_or_default(),
                    // A contact time before 1970 is a clock fault: shown as long ago.
                    last_seen: ago(w, now, u64::try_from(p.last_contact_ms).unwrap_or(0)),
                });
            }
            (None, d::ClockState::Local, s.get(kv::LISTEN_ADDR)?.map(|a| a.to_string()))
        }
        Mode::Client => {
            let last = s.get(kv::LAST_SYNC)?;
            let connected = sync.as_ref().is_some_and(|s| s.state == SyncState::Connected);
            if let Some(s) = sync.as_ref().filter(|_| connected) {
                peers.push(d::PeerLine {
                    name: s.server_name.clone().unwrap_or_else(|| w.t("time-peer-server")),
                    address: s.server.clone(),
                    last_seen: last.map(|t| ago(w, now, t)).unwrap_or_else(|| w.t("time-peer-connected")),
                });
            }
            let offset = s.get(kv::CLOCK_OFFSET)?;
            let clock = match offset {
                Some(offset_ms) if connected || last.is_some() => d::ClockState::Synced { offset_ms },
                _ => d::ClockState::Unknown,
            };
            let addr = sync.as_ref().map(|s| s.server.clone()).or_else(|| cfg.server.as_ref().map(|s| s.to_string()));
            (last.map(|t| ago(w, now, t)), clock, addr)
        }
    };
    // Who serves: a server states the term of its own elections; a client follows the
    // standing election, and names the server it syncs with (else the one elected).
    let (term, server_name) = match cfg.mode {
        Mode::Standalone => (0, None),
        Mode::Server => (s.reader().serving_term(s.register_id())?, Some(cfg.register_name.clone())),
        Mode::Client => {
            let standing = s.reader().server_term()?;
            (standing.term, sync.as_ref().and_then(|s| s.server_name.clone()).or(standing.register))
        }
    };
    Ok(d::StatusInfo {
        mode: to_display_mode(cfg.mode),
        register_name: cfg.register_name,
        peers,
        pending_events: u64::try_from(counts.pending_events).unwrap_or(0),
        last_sync,
        clock,
        server_address,
        open_conflicts: u64::try_from(counts.open_conflicts).unwrap_or(0),
        export: super::export::export_alert(r, w, now)?,
        term,
        server_name,
        update: crate::update::slots::report(
            &crate::update::slots::read(&crate::update::slots::boot_dir()),
            crate::update::slots::BootArgs::read().slot,
        )
        .map(|r| r.short()),
        updates_waiting: if cfg.mode == Mode::Server { updates_waiting(s.path()) } else { Vec::new() },
        update_ready: if cfg.mode == Mode::Client { crate::update::rollout::ready() } else { None },
        money: s.reader().money_format()?,
        language,
    })
}
