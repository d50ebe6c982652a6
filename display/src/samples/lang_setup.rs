//! The setup screens in German and French (issue 19): Settings (the mode choice), the server and
//! client forms and the scan results, plus the payment screen in French and the keyboard's and
//! the search's keys; each a copy of an English sample, in another store's language and money.

use crate::model::UiState;

/// Which samples are shown again in which locale, under which name.
const TRANSLATED: [(&str, &str, &str); 23] = [
    ("settings", "de-DE", "settings-de"),
    ("settings", "fr-FR", "settings-fr"),
    ("settings-client-update", "de-DE", "settings-client-update-de"),
    ("settings-client-update", "fr-FR", "settings-client-update-fr"),
    ("settings-client-update", "es-ES", "settings-client-update-es"),
    ("server-setup", "de-DE", "server-setup-de"),
    ("server-setup", "fr-FR", "server-setup-fr"),
    ("client-setup", "de-DE", "client-setup-de"),
    ("client-setup", "fr-FR", "client-setup-fr"),
    ("scan-results", "de-DE", "scan-results-de"),
    ("scan-results", "fr-FR", "scan-results-fr"),
    ("pay-partial-eur-de", "fr-FR", "pay-partial-eur-fr"),
    ("keyboard", "de-DE", "keyboard-de"),
    ("test-unreachable", "fr-FR", "test-unreachable-fr"),
    ("pinpad-approve", "de-DE", "pinpad-approve-de"),
    ("search-results", "fr-FR", "search-results-fr"),
    ("conflicts-badge-status", "es-ES", "conflicts-badge-status-es"),
    ("scanning", "de-DE", "scanning-de"),
    ("test-wrong-secret", "de-DE", "test-wrong-secret-de"),
    ("keyboard-secret", "fr-FR", "keyboard-secret-fr"),
    ("pinpad-locked", "fr-FR", "pinpad-locked-fr"),
    ("pinpad-first-manager", "es-ES", "pinpad-first-manager-es"),
    ("search-empty", "de-DE", "search-empty-de"),
];

/// `samples` followed by the copies in `TRANSLATED`, in euros and the locale's language.
pub(super) fn with_translations(samples: Vec<(&'static str, UiState)>) -> Vec<(&'static str, UiState)> {
    let copies: Vec<_> = TRANSLATED
        .iter()
        .filter_map(|(from, tag, name)| {
            let (_, state) = samples.iter().find(|(n, _)| n == from)?;
            Some((*name, super::in_money("EUR", tag, state.clone())))
        })
        .collect();
    samples.into_iter().chain(copies).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_translated_sample_has_its_english_one() {
        let all = super::super::samples();
        for (_, _, name) in super::TRANSLATED {
            assert!(all.iter().any(|(n, _)| *n == name), "{name} is missing: its English sample was renamed");
        }
    }
}
