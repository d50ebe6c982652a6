//! `till status` and `till events`: what this register is and holds.

use serde::Serialize;

use super::table::Table;
use super::{Json, print_json, reg};
use crate::register::Register;
use crate::store::{format_ms, kv};
use crate::update::slots;

/// What `till status --json` prints.
#[derive(Serialize, Debug)]
pub struct Status {
    /// This register's id.
    pub register_id: String,
    /// Its short name.
    pub register_name: String,
    /// standalone, server or client.
    pub mode: String,
    /// The release this `till` is.
    pub version: String,
    /// The boot slot it runs from (`a`, `b`; none when not booted by the boot loader).
    pub slot: Option<char>,
    /// The last update in words when there is something to say: waiting for a restart, on
    /// trial, or failed to start (docs/ARCHITECTURE.md, "Updates").
    pub update: Option<String>,
    /// The data directory.
    pub data_dir: String,
    /// Schema version of the database.
    pub schema_version: i64,
    /// Counts of records.
    #[serde(flatten)]
    pub counts: crate::store::Counts,
    /// The store this register belongs to, once known.
    pub store_id: Option<String>,
    /// Server mode: the address it listens on while running.
    pub listening: Option<String>,
    /// Client mode: the poller's state, as the running register last wrote it.
    pub sync: Option<kv::SyncStatus>,
    /// Client mode: when events were last received, ms since the epoch.
    pub last_sync_ms: Option<u64>,
    /// Milliseconds added to the system clock (learned from the server).
    pub clock_offset_ms: i64,
    /// Who serves the store as this register knows it: the highest server term and its register.
    pub term: crate::store::ServerTerm,
    /// Why this register last stopped serving, if it did (cleared by a promotion).
    pub stepped_down: Option<String>,
    /// The last backup to a USB stick (made or failed), if one was tried.
    pub stick_backup: Option<kv::StickBackupStatus>,
}

pub(super) fn status(r: &Register, dir: &std::path::Path, json: Json) -> anyhow::Result<()> {
    let store = r.store();
    let reader = store.reader();
    let setup = reg(store.setup().map_err(Into::into))?;
    let boot = slots::BootArgs::read();
    let get = |e: crate::store::StoreError| anyhow::Error::new(crate::register::RegisterError::Store(e));
    let s = Status {
        register_id: store.register_id().to_string(),
        register_name: setup.register_name.clone(),
        mode: setup.mode.to_string(),
        version: crate::VERSION.to_string(),
        slot: boot.slot,
        update: slots::report(&slots::read(&slots::boot_dir()), boot.slot).map(|r| r.long()),
        data_dir: dir.display().to_string(),
        schema_version: reg(reader.schema_version().map_err(Into::into))?,
        counts: reg(reader.counts().map_err(Into::into))?,
        store_id: store.get(kv::STORE_ID).map_err(get)?.map(|s| s.to_string()),
        listening: store.get(kv::LISTEN_ADDR).map_err(get)?.map(|a| a.to_string()),
        sync: store.get(kv::SYNC_STATUS).map_err(get)?,
        last_sync_ms: store.get(kv::LAST_SYNC).map_err(get)?,
        // None until a server taught this register its clock.
        clock_offset_ms: store.get(kv::CLOCK_OFFSET).map_err(get)?.unwrap_or(0),
        term: reg(reader.server_term().map_err(Into::into))?,
        stepped_down: store.get(kv::STEPPED_DOWN).map_err(get)?,
        stick_backup: store.get(kv::STICK_LAST).map_err(get)?,
    };
    if json.json {
        return print_json(&s);
    }
    let c = &s.counts;
    outln!("register   {} ({})", s.register_name, s.register_id);
    outln!("mode       {}", s.mode);
    match s.slot {
        Some(slot) => outln!("version    {} (slot {slot})", s.version),
        None => outln!("version    {}", s.version),
    }
    if let Some(u) = &s.update {
        outln!("update     {u}");
    }
    outln!("data       {} (schema {})", s.data_dir, s.schema_version);
    outln!("products   {}", c.products);
    outln!("orders     {} ({} voided), returns {}", c.orders, c.voided_orders, c.returns);
    outln!("shifts     {}, users {}", c.shifts, c.users);
    outln!("events     {}, waiting to sync {}", c.events, c.pending_events);
    if c.unreadable_events > 0 {
        outln!(
            "UPDATE NEEDED: {} events from a newer Till are kept and relayed but cannot be read here; totals leave them out",
            c.unreadable_events
        );
    }
    if c.open_conflicts > 0 {
        outln!("conflicts  {} open: a manager should look at `till conflicts`", c.open_conflicts);
    } else {
        outln!("conflicts  none open");
    }
    outln!("{}", term_line(&s.term));
    if let Some(why) = &s.stepped_down {
        outln!("stepped down: {why}");
    }
    if let Some(a) = &s.listening {
        outln!("listening  {a}");
    }
    if let Some(sync) = &s.sync {
        let err = sync.last_error.as_ref().map(|e| format!(" ({e})")).unwrap_or_default();
        outln!("sync       {} with {}{err}", sync.state, sync.server);
    }
    if let Some(ms) = s.last_sync_ms {
        outln!("last sync  {}", format_ms(i64::try_from(ms).unwrap_or(i64::MAX)));
    }
    if let Some(b) = &s.stick_backup {
        outln!("{}", stick_line(b));
    }
    Ok(())
}

/// The last stick backup in words: `last stick backup 2026-12-04T03:00:02Z (nightly): ok, till-A-….tillbak`.
fn stick_line(b: &kv::StickBackupStatus) -> String {
    let when = format_ms(i64::try_from(b.at_ms).unwrap_or(i64::MAX));
    match (b.ok, &b.file, &b.error) {
        (true, Some(f), _) => format!("last stick backup {when} ({}): ok, {f}", b.by),
        (_, _, Some(e)) => format!("last stick backup {when} ({}): FAILED: {e}", b.by),
        _ => format!("last stick backup {when} ({})", b.by),
    }
}

/// The server term in words: `term       2, served by A`.
pub(super) fn term_line(t: &crate::store::ServerTerm) -> String {
    match &t.register {
        Some(name) => format!("term       {}, served by {name}", t.term),
        None => "term       0 (the store's first server; nobody was promoted)".into(),
    }
}

/// `till events`: the event log, for support.
pub(super) fn events(r: &Register, limit: Option<u32>, json: Json) -> anyhow::Result<()> {
    let rows = reg(r.store().reader().events(limit).map_err(Into::into))?;
    if json.json {
        return print_json(&rows);
    }
    let mut t = Table::new(&["#", "ORIGIN", "SEQ", "HLC", "KIND", "PENDING"]);
    for e in rows {
        t.row(vec![
            e.log_seq.to_string(),
            e.origin.get(..8).unwrap_or(&e.origin).to_string(),
            e.seq.to_string(),
            e.hlc,
            e.kind,
            if e.pending { "yes".into() } else { String::new() },
        ]);
    }
    t.print()
}
