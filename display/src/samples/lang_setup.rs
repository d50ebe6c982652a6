//! The setup screens in German and French (issue 19): Settings (the mode choice), the server and
//! client forms and the scan results, plus the payment screen in French and the keyboard's and
//! the search's keys; each a copy of an English sample, in another store's language and money.

use crate::i18n::{Arg, Language, text, text_with};
use crate::model::{Screen, StatusInfo, UiState};

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

/// What the appliance writes in the register's language, in a sample written in English above
/// (or copied from another language's): times and tenders.
pub(super) fn in_language(state: &mut UiState) {
    times_in_language(&mut state.status);
    tenders_in_language(state.status.language, &mut state.screen);
}

/// A shop's own name for a voucher tender in each shipped language, in [`Language::ALL`]'s order:
/// a tender the store named is shown as typed, so a shop in Germany types "Gutschein".
const VOUCHER: [&str; 4] = ["Voucher", "Gutschein", "Bon d'achat", "Vale"];

/// The payment screen's tenders as the appliance passes them (`counter::title`): cash and card in
/// the register's words, the voucher as the shop named it.
fn tenders_in_language(lang: Language, screen: &mut Screen) {
    let Screen::Pay(view) = screen else { return };
    let word = |label: &str| {
        for id in ["counter-tender-cash", "counter-tender-card"] {
            if Language::ALL.iter().any(|l| text(*l, id) == label) {
                return text(lang, id);
            }
        }
        match (VOUCHER.contains(&label), Language::ALL.iter().position(|l| *l == lang)) {
            (true, Some(i)) => VOUCHER[i].to_string(),
            _ => label.to_string(),
        }
    };
    for t in &mut view.applied {
        t.name = word(&t.name);
    }
    for t in &mut view.tenders {
        *t = word(t);
    }
}

/// The samples' "4 s ago" (written in English above) as the appliance writes them in the
/// status's language (appliance `ui::machine::status::ago`: "vor 4 s", "il y a 4 s").
fn times_in_language(status: &mut StatusInfo) {
    let lang = status.language;
    let ago = |english: &str| {
        // "4 s", or a copy's "vor 4 s": the count is the first number, its unit the next word.
        let mut words = english.split_whitespace().skip_while(|w| w.parse::<i64>().is_err());
        let (Some(n), Some(unit)) = (words.next().and_then(|n| n.parse::<i64>().ok()), words.next()) else {
            return english.to_string();
        };
        let id = match unit {
            "s" => "time-seconds",
            "min" => "time-minutes",
            "h" => "time-hours",
            _ => "time-days",
        };
        let span = text_with(lang, id, &[("count", Arg::Count(n))]);
        text_with(lang, "time-ago", &[("span", Arg::Text(&span))])
    };
    status.last_sync = status.last_sync.as_deref().map(ago);
    for p in &mut status.peers {
        p.last_seen = ago(&p.last_seen);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_payment_in_german_names_cash_and_card_in_german_and_the_voucher_as_the_shop_typed_it() {
        let all = super::super::samples();
        let Some((_, state)) = all.iter().find(|(n, _)| *n == "pay-partial-eur-de") else {
            panic!("no pay-partial-eur-de sample");
        };
        let crate::model::Screen::Pay(view) = &state.screen else { panic!("not a payment screen") };
        assert_eq!(view.tenders, ["Bar", "Karte", "Gutschein"]);
        assert_eq!(view.applied.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["Bar", "Karte"]);
    }

    #[test]
    fn a_copy_of_a_german_sample_in_french_says_its_times_in_french() {
        let all = super::super::samples();
        let Some((_, state)) = all.iter().find(|(n, _)| *n == "pay-partial-eur-fr") else {
            panic!("no pay-partial-eur-fr sample");
        };
        assert_eq!(state.status.last_sync.as_deref(), Some("il y a 4 s"));
    }

    #[test]
    fn every_translated_sample_has_its_english_one() {
        let all = super::super::samples();
        for (_, _, name) in super::TRANSLATED {
            assert!(all.iter().any(|(n, _)| *n == name), "{name} is missing: its English sample was renamed");
        }
    }
}
