//! The back-office screens in a shop's own language (issue 19): the "Drawer & day" menu, the X
//! report and the day about to close, the return screen, the export screen and Settings → Printer,
//! made from the English samples of the same screens in a German, French or Spanish shop (its
//! money and its words). What the appliance passes in as text (a report's title and figures, the
//! refund's tender) is given here as a shop in that language would see it.

use super::{day, in_money};
use crate::model::*;

/// Each store's currency and locale, and the samples shown in its language: each is named as
/// the English one it is made from with the language's code after it.
const TRANSLATED: [(&str, &str, &[&str]); 4] = [
    ("EUR", "de-DE", &["day-menu-de", "report-x-de", "report-closing-de", "return-lines-de"]),
    ("EUR", "de-DE", &["return-none-selected-de", "export-de", "printer-de"]),
    ("EUR", "fr-FR", &["day-menu-fr", "return-lines-fr", "export-fr", "printer-network-fr"]),
    ("EUR", "es-ES", &["day-menu-es", "return-lines-es"]),
];

/// The words the appliance would pass in for a shop in `lang` (`de`, `fr`, `es`).
fn passed_in(lang: &str, status: &StatusInfo, screen: &mut Screen) {
    let pick = |de: &str, fr: &str, es: &str| match lang {
        "de" => de.to_string(),
        "fr" => fr.to_string(),
        _ => es.to_string(),
    };
    match screen {
        Screen::Report(view) => {
            view.title = match view.kind {
                ReportKind::Closing => pick("Tagesabschluss: Z 4", "Clôture : Z 4", "Cierre del día: Z 4"),
                _ => pick("X-Bericht", "Rapport X", "Informe X"),
            };
            let labels = [
                pick("Nettoumsatz", "Ventes nettes", "Ventas netas"),
                pick("Soll-Bargeld", "Espèces attendues", "Efectivo previsto"),
                pick("Gezählt", "Compté", "Contado"),
                pick("Differenz", "Écart", "Diferencia"),
            ];
            let amounts = ["596,70 €", "150,20 €", "148,00 €", "-2,20 €"];
            for ((label, amount), (l, a)) in view.figures.iter_mut().zip(labels.into_iter().zip(amounts)) {
                (*label, *amount) = (l, a.to_string());
            }
            // The report itself as `print::docs` writes it in the shop's words and numbers.
            let (title, head) = match view.kind {
                ReportKind::Closing => (day::z_preview_title(status.language), Vec::new()),
                _ => day::x_heading(status.language),
            };
            let counted = (view.kind == ReportKind::Closing).then_some(14_800);
            view.lines = day::report_lines(status.language, &status.money, &title, &head, counted);
        }
        Screen::Return(view) => {
            view.refund_tender = if view.refund_tender == "Cash" {
                pick("Bar", "Espèces", "Efectivo")
            } else {
                pick("Karte", "Carte", "Tarjeta")
            };
        }
        _ => {}
    }
}

/// The translated samples of those in `all` (the English ones); names are snapshot file stems.
pub(super) fn samples(all: &[(&'static str, UiState)]) -> Vec<(&'static str, UiState)> {
    TRANSLATED
        .iter()
        .flat_map(|(code, tag, names)| names.iter().map(move |name| (*code, *tag, *name)))
        .filter_map(|(code, tag, name)| {
            let lang = &tag[..2];
            let from = name.strip_suffix(&format!("-{lang}"))?;
            let (_, state) = all.iter().find(|(n, _)| *n == from)?;
            let mut state = in_money(code, tag, state.clone());
            passed_in(lang, &state.status, &mut state.screen);
            Some((name, state))
        })
        .collect()
}
