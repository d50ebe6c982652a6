//! The export screen: where orders and stock go, what waits, went and was refused, the last error,
//! and Retry (a manager approves it on the PIN pad).

use super::status::rows_panel;
use super::*;
use crate::i18n::Arg;

/// The counts as label/value rows; the refused count carries a red dot while any entry is refused.
/// A small panel names the shop in one row, a large one in two (the connector, where it sends).
fn export_rows(b: &Builder, view: &ExportView, compact: bool) -> Vec<(String, String, Option<Rgb888>)> {
    let name = view.connector.clone().unwrap_or_else(|| b.t("export-none"));
    let mut rows = match (&view.connector, compact) {
        (Some(c), true) if !view.destination.is_empty() => {
            vec![(b.t("export-shop"), format!("{c} · {}", view.destination), None)]
        }
        (_, true) => vec![(b.t("export-shop"), name, None)],
        (_, false) => {
            let to = if view.destination.is_empty() { "–".into() } else { view.destination.clone() };
            vec![(b.t("export-connector"), name, None), (b.t("export-sends-to"), to, None)]
        }
    };
    let waiting = match &view.oldest_waiting {
        Some(age) if view.pending > 0 => {
            let args = [("count", Arg::Count(view.pending as i64)), ("age", Arg::Text(age))];
            b.t_with("export-waiting-oldest", &args)
        }
        _ => view.pending.to_string(),
    };
    rows.push((b.t("export-waiting"), waiting, None));
    rows.push((b.t("export-sent"), view.sent.to_string(), None));
    rows.push((b.t("export-refused"), view.dead.to_string(), (view.dead > 0).then_some(theme::RED)));
    rows
}

/// What the card under or beside the counts says: the last error, or why nothing exports.
fn export_note(b: &Builder, view: &ExportView) -> (String, String) {
    match (&view.connector, &view.last_error) {
        (None, _) => (b.t("export-not-exporting"), b.t("export-not-exporting-why")),
        (Some(_), Some(e)) => (b.t("export-last-error"), e.clone()),
        (Some(_), None) => (b.t("export-last-error"), b.t("export-nothing-failed")),
    }
}

/// The header's export badge: "Export: 3 refused", or "Export: 12 waiting (7 min)"; where the
/// header is narrow (`short`), "Export: 7 min" for the waiting ones.
pub(super) fn export_badge(b: &Builder, alert: &ExportAlert, short: bool) -> String {
    if alert.refused > 0 {
        b.t_with("export-badge-refused", &[("count", Arg::Count(alert.refused as i64))])
    } else if short {
        b.t_with("export-badge-short", &[("age", Arg::Text(&alert.waited))])
    } else {
        let args = [("count", Arg::Count(alert.waiting as i64)), ("age", Arg::Text(&alert.waited))];
        b.t_with("export-badge-waiting", &args)
    }
}

pub(super) fn export_screen(b: &mut Builder, view: &ExportView, r: Rectangle) {
    let m = b.m;
    let (top, bottom) = take_bottom(r, m.button_h, m.gap);
    let cols = columns(bottom, &[2, 3, 2], m.gap);
    b.button(cols[0], theme::BG, b.t("export-back"), b.secondary(), Some(Intent::Back));
    let hint = if view.dead > 0 { b.t("export-retry-hint") } else { b.t("export-nothing-to-retry") };
    super::day::side_hint(b, hint, cols[1], Align::Center);
    let retry = b.t("export-retry");
    let look = fitting(b, &retry, cols[2], b.primary());
    b.button(cols[2], theme::BG, retry, look, (view.dead > 0).then_some(Intent::RetryExport));

    let rows = export_rows(b, view, m.compact);
    // The title where the rows keep 44 px each (a small panel has no room for it).
    let title = b.t("export-title");
    let top = title_if_room(b, top, &title, rows.len() as u32 * 44 + m.pad);
    let (title, text) = export_note(b, view);
    if m.compact {
        // The counts first; the note in what is left under them.
        let panel = rows_panel(b, &rows, 15, top);
        let used = panel.size.height + m.gap;
        let below =
            rect(top.top_left.x, top.top_left.y + used as i32, top.size.width, top.size.height.saturating_sub(used));
        if below.size.height >= line_height(m.small_px) {
            b.paragraph(
                below,
                format!("{title}: {text}"),
                b.style(Face::Regular, m.small_px, theme::TEXT, theme::BG, Align::Left),
            );
        }
        return;
    }
    let (left, right) = take_right(top, top.size.width / 3, m.gap + 4);
    rows_panel(b, &rows, 14, left);
    b.fill(right, theme::PANEL, m.radius, theme::BG);
    let inner = inset(right, m.pad, m.pad / 2);
    let (title_r, rest) = take_top(inner, 40, 0);
    b.text(title_r, title, b.style(Face::Bold, m.body_px, theme::TEXT, theme::PANEL, Align::Left));
    b.paragraph(rest, text, b.style(Face::Regular, m.small_px, theme::TEXT, theme::PANEL, Align::Left));
}
