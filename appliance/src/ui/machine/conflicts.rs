//! The conflicts screen's part of the state machine: the store's conflicts in a manager's words,
//! and resolving one with a note typed on the screen's keyboard.

use log::info;
use till_display as d;

use super::{DEFAULT_RESOLVE_NOTE, Ui};
use crate::model::ConflictKind;
use crate::net::lock;
use crate::register::{Register, RegisterError};
use crate::store::{ConflictRow, StoreError, record_in_words};

/// A conflict kind in a manager's words.
pub(super) fn kind_words(kind: ConflictKind) -> &'static str {
    match kind {
        ConflictKind::OverRefund => "Refunded more than sold",
        ConflictKind::VoidAndReturn => "Voided and refunded",
        ConflictKind::Oversold => "Sold below zero",
        ConflictKind::ConcurrentEdit => "Changed on two registers",
        ConflictKind::DuplicateOrderNumber => "One number, two orders",
    }
}

/// What a conflict is about in words: "Order R2-000014", "Product TEA", "User ann".
pub(super) fn subject_words(kind: ConflictKind, subject: &str) -> String {
    match kind {
        ConflictKind::OverRefund | ConflictKind::VoidAndReturn => format!("Order {subject}"),
        ConflictKind::Oversold => format!("Product {subject}"),
        ConflictKind::DuplicateOrderNumber => format!("Order number {subject}"),
        ConflictKind::ConcurrentEdit => record_in_words(subject),
    }
}

/// A store's conflict row as the conflicts screen lists it.
pub(super) fn conflict_entry(money: &d::MoneyFormat, row: ConflictRow) -> Option<(ConflictKind, d::ConflictEntry)> {
    // The store lists only kinds this build knows; anything else is left to the CLI.
    let kind = row.kind.parse::<ConflictKind>().ok()?;
    let subject = subject_words(kind, &row.subject);
    let summary = row.summary;
    let at_stake = if kind.stake_is_money() { money.format(row.at_stake) } else { row.at_stake_text };
    Some((kind, d::ConflictEntry { id: row.id, kind: kind_words(kind).into(), subject, summary, at_stake }))
}

/// The open conflicts for the conflicts screen: money at stake first (refunds, then voids), then
/// stock, edits and order numbers, in the store's order within a kind.
pub fn load_conflicts(r: &Register) -> Result<Vec<d::ConflictEntry>, StoreError> {
    let money = r.store().reader().money_format()?;
    let mut entries: Vec<(ConflictKind, d::ConflictEntry)> =
        r.store().reader().conflicts(false)?.into_iter().filter_map(|c| conflict_entry(&money, c)).collect();
    entries.sort_by_key(|(kind, _)| *kind);
    Ok(entries.into_iter().map(|(_, e)| e).collect())
}

/// Why a resolution was refused, in screen words (the register's own errors name CLI commands).
pub(super) fn resolve_refusal(e: &RegisterError) -> String {
    match e {
        RegisterError::ConflictAlreadyResolved(_) => {
            "Not resolved: someone already resolved it, here or on another register.".into()
        }
        RegisterError::UnknownConflict(_) => "Not resolved: this conflict is no longer listed.".into(),
        other => format!("Not resolved: {other}"),
    }
}

impl Ui {
    /// Re-reads the open conflicts (read only while their screen shows: each one is a few queries).
    pub(super) fn refresh_conflicts(&mut self) {
        let read = load_conflicts(&lock(&self.reg));
        match read {
            Ok(list) => self.conflicts = list,
            Err(e) => self.error(format!("Cannot read the conflicts: {e}")),
        }
    }

    pub(super) fn conflicts_view(&self) -> d::ConflictsView {
        d::ConflictsView { conflicts: self.conflicts.clone(), page: self.conflicts_page }
    }

    pub(super) fn show_conflicts(&mut self) {
        self.screen = d::Screen::Conflicts(self.conflicts_view());
    }

    /// Settles the conflict the note keyboard was opened for, with the typed note (or the
    /// default one), and shows the list again.
    pub(super) fn resolve(&mut self, typed: &str) {
        let Some((entry, manager)) = self.resolving.take() else {
            self.show_conflicts();
            return;
        };
        let note = match typed.trim() {
            "" => DEFAULT_RESOLVE_NOTE,
            note => note,
        };
        // The manager who approved on the PIN pad settles it.
        let result = lock(&self.reg).resolve_conflict(&entry.id, note, Some(&manager));
        match result {
            Ok(id) => {
                info!("conflict {} resolved on the screen", id.short());
                self.info(format!(
                    "Resolved: {} ({}). Every register will show it settled.",
                    entry.subject,
                    entry.kind.to_lowercase()
                ));
            }
            Err(e) => self.error(resolve_refusal(&e)),
        }
        self.refresh();
        self.refresh_conflicts();
        self.show_conflicts();
    }

    /// Leaves the note keyboard without resolving anything.
    pub(super) fn cancel_resolve(&mut self) {
        self.resolving = None;
        self.banner = None;
        self.show_conflicts();
    }
}
