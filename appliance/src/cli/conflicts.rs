//! `till conflicts`: what registers did while apart that contradicts itself, and settling it.

use clap::Subcommand;

use super::{Json, print_json, reg};
use crate::register::Register;
use crate::store::ConflictRow;

/// `till conflicts resolve`.
#[derive(Subcommand, Debug)]
pub enum ConflictsCmd {
    /// Settle a conflict: it stays in the list with --all, marked resolved, on every register
    Resolve {
        /// The conflict's id, or its first 6 or more characters
        id: String,
        /// What was done about it (for the books)
        #[arg(long)]
        note: String,
        /// Who settled it
        #[arg(long)]
        by: Option<String>,
    },
}

pub(super) fn conflicts(r: &mut Register, action: Option<ConflictsCmd>, all: bool, json: Json) -> anyhow::Result<()> {
    if let Some(ConflictsCmd::Resolve { id, note, by }) = action {
        let id = reg(r.resolve_conflict(&id, &note, by.as_deref()))?;
        outln!("resolved conflict {}", id.short());
        return Ok(());
    }
    let rows = reg(r.store().reader().conflicts(all).map_err(Into::into))?;
    if json.json {
        return print_json(&rows);
    }
    if rows.is_empty() {
        outln!("{}", if all { "no conflicts" } else { "no open conflicts" });
        return Ok(());
    }
    for (i, c) in rows.iter().enumerate() {
        if i > 0 {
            outln!();
        }
        print_one(c)?;
    }
    Ok(())
}

fn print_one(c: &ConflictRow) -> anyhow::Result<()> {
    let state = match &c.resolution {
        None => "OPEN".to_string(),
        Some(res) => format!(
            "resolved{} on {}: {}",
            res.by.as_ref().map(|b| format!(" by {b}")).unwrap_or_default(),
            res.register,
            res.note
        ),
    };
    outln!("{}  {}  {}  at stake {}  {state}", c.short, c.kind, c.subject, c.at_stake_text);
    outln!("  {}", c.summary);
    for e in &c.events {
        let cashier = e.cashier.as_ref().map(|c| format!(" (cashier {c})")).unwrap_or_default();
        let kept = if e.kept { "  [kept]" } else { "" };
        outln!("  {}  {:<10} {}{cashier}{kept}", e.time, e.register, e.what);
    }
    Ok(())
}
