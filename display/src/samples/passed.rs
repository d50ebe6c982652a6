//! What the appliance hands the screens as finished text (tender names, times, a report's
//! title, figures and body), written in a store's words and numbers. The samples are written in
//! English and dollars; [`in_store`] makes one read as a register of a store with another
//! currency, locale or language shows it: for the samples' copies in other languages and for
//! `till --data DIR screens`.

use super::day;
use crate::i18n::{Arg, Language, text, text_with};
use crate::model::*;
use crate::{Currency, Locale, MoneyFormat};

/// `state` in a store whose currency is `code` and locale `tag`, in the locale's language.
pub(super) fn in_money(code: &str, tag: &str, state: UiState) -> UiState {
    let money = MoneyFormat::new(Currency::of(code).unwrap_or_default(), Locale::of(tag).unwrap_or_default());
    in_store(money, Language::of(tag).unwrap_or_default(), state)
}

/// Every sample as a register of a store with `money` shows it in `language`.
pub fn samples_in(money: MoneyFormat, language: Language) -> Vec<(&'static str, UiState)> {
    super::samples().into_iter().map(|(name, state)| (name, in_store(money, language, state))).collect()
}

/// `state` as a register of a store with `money` shows it in `language`.
pub fn in_store(money: MoneyFormat, language: Language, mut state: UiState) -> UiState {
    state.status.money = money;
    state.status.language = language;
    times_in_language(&mut state.status);
    match &mut state.screen {
        Screen::Pay(view) => {
            for t in &mut view.applied {
                t.name = tender(language, &t.name);
            }
            for t in &mut view.tenders {
                *t = tender(language, t);
            }
        }
        Screen::Return(view) => view.refund_tender = tender(language, &view.refund_tender),
        Screen::Report(view) => *view = day::report_view(view.kind, view.page, language, &money),
        Screen::PinPad(view) => pin_pad(language, &money, view),
        _ => {}
    }
    state
}

/// The order the samples' manager approves voiding, and its total.
const VOIDED: (&str, i64) = ("R1-000012", 420);
/// The samples' first manager.
const FIRST_MANAGER: &str = "Ana";

/// The PIN pad's prompt, approval and error as the appliance words them (`ui::machine::counter`'s
/// sign-in and approvals): the sample's approval is voiding [`VOIDED`].
fn pin_pad(lang: Language, m: &MoneyFormat, view: &mut PinPadView) {
    let with = |id: &str, name: &str, arg: Arg<'_>| text_with(lang, id, &[(name, arg)]);
    view.prompt = match &mut view.purpose {
        PinPurpose::Login => match view.selected.and_then(|i| view.users.get(i)) {
            Some(name) => with("counter-pin-prompt", "name", Arg::Text(name)),
            None => text(lang, "counter-pin-pick-name"),
        },
        PinPurpose::Approve { reason } => {
            let total = m.format(VOIDED.1);
            let args = [("number", Arg::Text(VOIDED.0)), ("total", Arg::Text(&total))];
            *reason = text_with(lang, "counter-approve-void", &args);
            text(lang, "counter-pin-manager")
        }
        PinPurpose::FirstManager { step: FirstManagerStep::Choose } => {
            with("counter-pin-choose", "name", Arg::Text(FIRST_MANAGER))
        }
        PinPurpose::FirstManager { step: FirstManagerStep::Confirm } => text(lang, "counter-pin-again"),
    };
    view.error = match (view.locked_secs, &view.error) {
        (Some(secs), _) => Some(with("counter-pin-locked", "seconds", Arg::Count(secs.try_into().unwrap_or(0)))),
        (None, Some(_)) => Some(with("counter-pin-wrong", "count", Arg::Count(3))),
        (None, None) => None,
    };
}

/// A shop's own name for a voucher tender in each shipped language, in [`Language::ALL`]'s order:
/// a tender the store named is shown as typed, so a shop in Germany types "Gutschein".
const VOUCHER: [&str; Language::ALL.len()] = ["Voucher", "Gutschein", "Bon d'achat", "Vale"];

/// A tender's button as the appliance names it (`counter::title`): cash and card in the
/// register's words, the voucher as the shop named it. `label` may be any shipped language's.
fn tender(lang: Language, label: &str) -> String {
    for id in ["counter-tender-cash", "counter-tender-card"] {
        if Language::ALL.iter().any(|l| text(*l, id) == label) {
            return text(lang, id);
        }
    }
    match (VOUCHER.contains(&label), Language::ALL.iter().position(|l| *l == lang)) {
        (true, Some(i)) => VOUCHER[i].to_string(),
        _ => label.to_string(),
    }
}

/// The samples' "4 s ago" as the appliance writes them in the status's language (appliance
/// `ui::machine::status::ago`: "vor 4 s", "il y a 4 s").
fn times_in_language(status: &mut StatusInfo) {
    let lang = status.language;
    let ago = |written: &str| {
        // "4 s ago", or a copy's "vor 4 s": the count is the first number, its unit the next word.
        let mut words = written.split_whitespace().skip_while(|w| w.parse::<i64>().is_err());
        let (Some(n), Some(unit)) = (words.next().and_then(|n| n.parse::<i64>().ok()), words.next()) else {
            return written.to_string();
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
    use super::super::samples;
    use crate::model::Screen;

    fn sample(name: &str) -> crate::model::UiState {
        match samples().into_iter().find(|(n, _)| *n == name) {
            Some((_, state)) => state,
            None => panic!("no sample {name}"),
        }
    }

    #[test]
    fn a_payment_in_german_names_cash_and_card_in_german_and_the_voucher_as_the_shop_typed_it() {
        let Screen::Pay(view) = sample("pay-partial-eur-de").screen else { panic!("not a payment screen") };
        assert_eq!(view.tenders, ["Bar", "Karte", "Gutschein"]);
        assert_eq!(view.applied.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["Bar", "Karte"]);
    }

    #[test]
    fn a_copy_of_a_german_sample_in_french_says_its_times_in_french() {
        assert_eq!(sample("pay-partial-eur-fr").status.last_sync.as_deref(), Some("il y a 4 s"));
    }

    #[test]
    fn an_x_report_in_german_is_written_in_german_and_euros() {
        let Screen::Report(view) = sample("report-x-de").screen else { panic!("not a report") };
        assert_eq!(view.title, "X-Bericht");
        assert_eq!(view.figures[0], ("Nettoumsatz".to_string(), "596,70\u{a0}€".to_string()));
        assert!(view.lines.iter().any(|l| l.starts_with("NETTOUMSATZ") && l.ends_with("596,70")), "{:?}", view.lines);
    }

    #[test]
    fn every_sample_reads_the_same_made_again_for_its_own_store() {
        for (name, state) in samples() {
            let again = super::in_store(state.status.money, state.status.language, state.clone());
            assert_eq!(again, state, "{name}");
        }
    }
}
