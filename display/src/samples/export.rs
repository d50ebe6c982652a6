//! Samples of the online shop export (issue 16): the header's badge on the status and sale
//! screens, and the export screen with refused entries, with a lag only, and after a Retry.

use super::{line, plain_sale, status};
use crate::model::*;

/// A register that exports (the server, or a standalone one), with the export's badge.
fn exporting(screen: Screen, mode: Mode, export: ExportAlert) -> UiState {
    let mut st = UiState { screen, status: status(mode), banner: None };
    st.status.export = Some(export);
    st
}

fn view(pending: u64, dead: u64, oldest: Option<&str>, error: Option<&str>) -> ExportView {
    ExportView {
        connector: Some("shopify".into()),
        destination: "corner-cafe.myshopify.com".into(),
        pending,
        sent: 1204,
        dead,
        oldest_waiting: oldest.map(Into::into),
        last_error: error.map(Into::into),
    }
}

/// The samples; names are snapshot file stems.
pub(super) fn samples() -> Vec<(&'static str, UiState)> {
    let refused = ExportAlert { refused: 3, waiting: 12, waited: "7 min".into() };
    let lagging = ExportAlert { refused: 0, waiting: 12, waited: "7 min".into() };
    let refusal = "The shop refused an entry (HTTP 422): Product CRO does not exist in the shop. Add it there \
                   (or correct its SKU), then tap Retry.";
    vec![
        (
            "export-badge-status",
            UiState {
                // Both badges on a server with three registers: the narrowest the header gets.
                status: StatusInfo {
                    open_conflicts: 3,
                    ..exporting(Screen::Status, Mode::Server, refused.clone()).status
                },
                ..exporting(Screen::Status, Mode::Server, refused.clone())
            },
        ),
        (
            "export-badge-sale",
            exporting(
                Screen::Sale(SaleView {
                    cashier: Some("Maya".into()),
                    ..plain_sale(0, vec![line("LAT", "Latte", 2, 420), line("CRO", "Croissant", 1, 325)], None)
                }),
                Mode::Standalone,
                lagging.clone(),
            ),
        ),
        ("export", exporting(Screen::Export(view(12, 3, Some("7 min"), Some(refusal))), Mode::Server, refused)),
        (
            "export-waiting",
            exporting(
                Screen::Export(view(
                    12,
                    0,
                    Some("7 min"),
                    Some("The shop did not answer within 15 s; Till tries again by itself."),
                )),
                Mode::Standalone,
                lagging,
            ),
        ),
        (
            "export-retried",
            UiState {
                banner: Some(Banner {
                    kind: BannerKind::Info,
                    text: "Ana approved: 3 refused entries will be sent again now.".into(),
                }),
                ..exporting(
                    Screen::Export(view(15, 0, Some("7 min"), Some(refusal))),
                    Mode::Server,
                    ExportAlert { refused: 0, waiting: 15, waited: "7 min".into() },
                )
            },
        ),
    ]
}
