//! `till export`: where this register sends the store's orders and stock (the online shop), how
//! that is going, and the catalog back in.

use clap::Subcommand;
use serde::Serialize;

use super::{Json, minor, print_json};
use crate::config::{ExportSetup, Mode};
use crate::export::catalog::pull;
use crate::export::{ExportError, connector, http::Http};
use crate::register::{Register, RegisterError, unix_ms};
use crate::store::{EntryState, OutboxCounts, OutboxEntry, kv};

/// `till export …`
#[derive(Subcommand, Debug)]
pub enum ExportCmd {
    /// Send orders and stock to a platform: webhook url=https://… secret=whsec_…;
    /// shopify shop=NAME token=… location=N; woocommerce url=https://… key=ck_… secret=cs_…;
    /// vendure url=https://…/admin-api user=… password=…. Options: ca=FILE (trust this CA
    /// instead of the built-in roots), since=all (also what was sold before now), timeout=S,
    /// pull=MINUTES (bring the catalog in on a schedule)
    Set {
        /// webhook, shopify, woocommerce or vendure
        connector: String,
        /// key=value settings
        #[arg(required = true)]
        settings: Vec<String>,
    },
    /// What waits, what went, what was refused, and the last error
    Status(Json),
    /// Entries, newest first
    List {
        /// Only pending, sent or dead ones
        #[arg(long)]
        state: Option<String>,
        /// At most N
        #[arg(long, default_value = "50")]
        limit: u32,
        /// Output format.
        #[command(flatten)]
        json: Json,
    },
    /// Send again now: one entry (its key, the Till event id) or every dead one
    Retry {
        /// The entry's key
        #[arg(required_unless_present = "dead")]
        key: Option<String>,
        /// Every dead entry
        #[arg(long, conflicts_with = "key")]
        dead: bool,
        /// The approving manager, once the store has one (PIN from TILL_MANAGER_PIN or stdin)
        #[arg(long)]
        manager: Option<String>,
    },
    /// Log in to the platform and say what a send would do (nothing is sent but a webhook's
    /// till.test event)
    Test,
    /// Bring the platform's products, prices and barcodes in as product changes
    Pull(Json),
    /// Stop exporting (entries waiting stay, and go when an export is set again)
    Off,
}

/// The export could not reach or satisfy the platform (exit 9).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ExportFailed(pub String);

#[derive(Serialize)]
struct ExportStatus {
    configured: bool,
    /// The setup, credentials masked.
    setup: Option<String>,
    connector: Option<String>,
    /// Whether this register exports (set up, and not a client: the server exports).
    exporting: bool,
    #[serde(flatten)]
    counts: OutboxCounts,
    /// Seconds since the oldest waiting entry's event.
    oldest_pending_age_s: Option<i64>,
    /// What the exporter last met: ok, or the last failure.
    state: Option<String>,
}

fn refused(why: String) -> anyhow::Error {
    anyhow::Error::new(RegisterError::Invalid(why))
}

fn failed(e: ExportError) -> anyhow::Error {
    anyhow::Error::new(ExportFailed(e.to_string()))
}

fn setup_of(r: &Register) -> anyhow::Result<ExportSetup> {
    r.store()
        .get(kv::EXPORT)?
        .ok_or_else(|| refused("no export is set up: till export set webhook url=https://… secret=whsec_…".into()))
}

pub(super) fn export(r: &mut Register, c: ExportCmd) -> anyhow::Result<()> {
    match c {
        ExportCmd::Set { connector: name, settings } => {
            let setup = ExportSetup::parse(&name, &settings, unix_ms()).map_err(refused)?;
            if let Some(ca) = &setup.ca {
                Http::new(Some(std::path::Path::new(ca)), std::time::Duration::from_secs(1))
                    .map_err(|e| refused(e.to_string()))?;
            }
            r.store_mut().set(kv::EXPORT, &setup)?;
            outln!("export: {setup}");
            if r.store().get(kv::MODE)? == Some(Mode::Client) {
                outln!("this register is a client: the server exports for the store; this one will when it serves");
            }
            Ok(())
        }
        ExportCmd::Off => {
            r.store_mut().clear(kv::EXPORT)?;
            r.store_mut().clear(kv::EXPORT_BEGUN)?;
            outln!("export: none");
            Ok(())
        }
        ExportCmd::Status(json) => {
            let setup = r.store().get(kv::EXPORT)?;
            let counts = r.store().reader().export_counts()?;
            let s = ExportStatus {
                configured: setup.is_some(),
                setup: setup.as_ref().map(ExportSetup::masked),
                connector: setup.as_ref().map(|s| s.name().to_string()),
                exporting: setup.is_some() && r.store().get(kv::MODE)? != Some(Mode::Client),
                oldest_pending_age_s: counts.oldest_pending_ms.map(|t| ((unix_ms() as i64 - t) / 1000).max(0)),
                counts,
                state: r.store().get(kv::EXPORT_STATE)?,
            };
            if json.json {
                return print_json(&s);
            }
            outln!("export:   {}", s.setup.as_deref().unwrap_or("none"));
            outln!("exporting: {}", if s.exporting { "yes" } else { "no" });
            outln!(
                "pending {}, sent {}, dead {}{}",
                s.counts.pending,
                s.counts.sent,
                s.counts.dead,
                s.oldest_pending_age_s.map(|a| format!(", oldest waiting {a} s")).unwrap_or_default()
            );
            if let Some(e) = &s.counts.last_error {
                outln!("last error: {e}");
            }
            Ok(())
        }
        ExportCmd::List { state, limit, json } => {
            let state = match state.as_deref() {
                None => None,
                Some("pending") => Some(EntryState::Pending),
                Some("sent") => Some(EntryState::Sent),
                Some("dead") => Some(EntryState::Dead),
                Some(other) => return Err(refused(format!("state {other:?}: use pending, sent or dead"))),
            };
            let rows: Vec<OutboxEntry> = r.store().reader().export_entries(state, limit)?;
            if json.json {
                return print_json(&rows);
            }
            for e in rows {
                outln!(
                    "{:<50} {:<16} {:<8} {:>3} {}",
                    e.key,
                    e.topic.as_str(),
                    format!("{:?}", e.state).to_lowercase(),
                    e.attempts,
                    e.last_error.unwrap_or_default()
                );
            }
            Ok(())
        }
        ExportCmd::Retry { key, dead, manager } => {
            let approval = manager.map(super::sales::approval).transpose()?;
            let n = r.retry_export_entry(if dead { None } else { key.as_deref() }, approval.as_ref())?;
            if n == 0 {
                return Err(refused(match key {
                    Some(k) => format!("no unsent export entry {k}"),
                    None => "no dead export entries".into(),
                }));
            }
            outln!("{n} entr{} will be sent again now", if n == 1 { "y" } else { "ies" });
            Ok(())
        }
        ExportCmd::Test => {
            let setup = setup_of(r)?;
            let said = connector(&setup, minor(r)?).and_then(|mut c| c.check()).map_err(failed)?;
            outln!("{}: {said}", setup.name());
            Ok(())
        }
        ExportCmd::Pull(json) => {
            let setup = setup_of(r)?;
            let report = match connector(&setup, minor(r)?).and_then(|mut c| pull(r, c.as_mut())) {
                Ok(report) => report,
                Err(ExportError::Register(e)) => return Err(e.into()),
                Err(e) => return Err(failed(e)),
            };
            if json.json {
                return print_json(&report);
            }
            outln!(
                "{} products from {}: {} added, {} updated, {} unchanged, {} refused",
                report.listed,
                setup.name(),
                report.added,
                report.updated,
                report.unchanged,
                report.refused.len()
            );
            for (sku, why) in &report.refused {
                outln!("  {sku}: {why}");
            }
            Ok(())
        }
    }
}
