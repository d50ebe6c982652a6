//! The back-office screens in a shop's own language (issue 19): the "Drawer & day" menu, the X
//! report and the day about to close, the return screen, the export screen and Settings → Printer,
//! made from the English samples of the same screens in a German, French or Spanish shop (its
//! money and its words; `passed` writes what the appliance hands over as text).

use super::in_money;
use crate::model::*;

/// Each store's currency and locale, and the samples shown in its language: each is named as
/// the English one it is made from with the language's code after it.
const TRANSLATED: [(&str, &str, &[&str]); 4] = [
    ("EUR", "de-DE", &["day-menu-de", "report-x-de", "report-closing-de", "return-lines-de"]),
    ("EUR", "de-DE", &["return-none-selected-de", "export-de", "printer-de"]),
    ("EUR", "fr-FR", &["day-menu-fr", "return-lines-fr", "export-fr", "printer-network-fr"]),
    ("EUR", "es-ES", &["day-menu-es", "return-lines-es"]),
];

/// The translated samples of those in `all` (the English ones); names are snapshot file stems.
pub(super) fn samples(all: &[(&'static str, UiState)]) -> Vec<(&'static str, UiState)> {
    TRANSLATED
        .iter()
        .flat_map(|(code, tag, names)| names.iter().map(move |name| (*code, *tag, *name)))
        .filter_map(|(code, tag, name)| {
            let lang = &tag[..2];
            let from = name.strip_suffix(&format!("-{lang}"))?;
            let (_, state) = all.iter().find(|(n, _)| *n == from)?;
            Some((name, in_money(code, tag, state.clone())))
        })
        .collect()
}
