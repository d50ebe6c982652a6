//! The conflicts screen's part of the state machine: the store's conflicts in a manager's words,
//! and resolving one with a note typed on the screen's keyboard.

use log::info;
use till_display as d;
use till_display::i18n::Arg::Text;
use till_display::i18n::{Language, Words};

use super::{DEFAULT_RESOLVE_NOTE, Ui};
use crate::model::ConflictKind;
use crate::net::lock;
use crate::register::{Register, RegisterError};
use crate::store::{ConflictRow, StoreError, record_in_words};

/// A conflict kind in a manager's words.
pub(super) fn kind_words(w: Words, kind: ConflictKind) -> String {
    w.t(match kind {
        ConflictKind::OverRefund => "machine-conflict-over-refund",
        ConflictKind::VoidAndReturn => "machine-conflict-void-and-return",
        ConflictKind::Oversold => "machine-conflict-oversold",
        ConflictKind::ConcurrentEdit => "machine-conflict-concurrent-edit",
        ConflictKind::DuplicateOrderNumber => "machine-conflict-duplicate-number",
    })
}

/// A conflict kind inside a sentence: lower case ("sold below zero"), but German nouns keep
/// their capital ("Unter null verkauft" stays as the list shows it).
pub(super) fn kind_in_sentence(lang: Language, kind: &str) -> String {
    if lang == Language::German { kind.to_string() } else { kind.to_lowercase() }
}

/// What a conflict is about in words: "Order R2-000014", "Product TEA", "User ann".
pub(super) fn subject_words(w: Words, kind: ConflictKind, subject: &str) -> String {
    let id = match kind {
        ConflictKind::OverRefund | ConflictKind::VoidAndReturn => "machine-conflict-order",
        ConflictKind::Oversold => "machine-conflict-product",
        ConflictKind::DuplicateOrderNumber => "machine-conflict-order-number",
        // The store's own words for a record ("Tax profile standard"): English for now.
        ConflictKind::ConcurrentEdit => return record_in_words(subject),
    };
    w.t_with(id, &[("subject", Text(subject))])
}

/// A store's conflict row as the conflicts screen lists it.
pub(super) fn conflict_entry(
    w: Words,
    money: &d::MoneyFormat,
    row: ConflictRow,
) -> Option<(ConflictKind, d::ConflictEntry)> {
    // The store lists only kinds this build knows; anything else is left to the CLI.
    let kind = row.kind.parse::<ConflictKind>().ok()?;
    let subject = subject_words(w, kind, &row.subject);
    let summary = row.summary;
    let at_stake = if kind.stake_is_money() { money.format(row.at_stake) } else { row.at_stake_text };
    Some((kind, d::ConflictEntry { id: row.id, kind: kind_words(w, kind), subject, summary, at_stake }))
}

/// The open conflicts for the conflicts screen: money at stake first (refunds, then voids), then
/// stock, edits and order numbers, in the store's order within a kind.
pub fn load_conflicts(r: &Register, w: Words) -> Result<Vec<d::ConflictEntry>, StoreError> {
    let money = r.store().reader().money_format()?;
    let mut entries: Vec<(ConflictKind, d::ConflictEntry)> =
        r.store().reader().conflicts(false)?.into_iter().filter_map(|c| conflict_entry(w, &money, c)).collect();
    entries.sort_by_key(|(kind, _)| *kind);
    Ok(entries.into_iter().map(|(_, e)| e).collect())
}

/// Why a resolution was refused, in screen words (the register's own errors name CLI commands).
pub(super) fn resolve_refusal(w: Words, e: &RegisterError) -> String {
    match e {
        RegisterError::ConflictAlreadyResolved(_) => w.t("machine-conflict-already"),
        RegisterError::UnknownConflict(_) => w.t("machine-conflict-gone"),
        other => w.t_with("machine-not-resolved", &[("error", Text(&other.to_string()))]),
    }
}

impl Ui {
    /// Re-reads the open conflicts (read only while their screen shows: each one is a few queries).
    pub(super) fn refresh_conflicts(&mut self) {
        let read = load_conflicts(&lock(&self.reg), self.words());
        match read {
            Ok(list) => self.conflicts = list,
            Err(e) => {
                self.error(self.words().t_with("machine-conflicts-unreadable", &[("error", Text(&e.to_string()))]))
            }
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
                let kind = kind_in_sentence(self.status.language, &entry.kind);
                let args = [("subject", Text(&entry.subject)), ("kind", Text(&kind))];
                self.info(self.words().t_with("machine-resolved", &args));
            }
            Err(e) => self.error(resolve_refusal(self.words(), &e)),
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
