//! The export screen: where orders and stock go, what waits, went and was refused, the last error,
//! and Retry (a manager approves it on the PIN pad).

use super::status::rows_panel;
use super::*;

/// The counts as label/value rows; the refused count carries a red dot while any entry is refused.
/// A small panel names the shop in one row, a large one in two (the connector, where it sends).
fn export_rows(view: &ExportView, compact: bool) -> Vec<(String, String, Option<Rgb888>)> {
    let name = view.connector.clone().unwrap_or_else(|| "none".into());
    let mut rows = match (&view.connector, compact) {
        (Some(c), true) if !view.destination.is_empty() => {
            vec![("Shop".into(), format!("{c} · {}", view.destination), None)]
        }
        (_, true) => vec![("Shop".into(), name, None)],
        (_, false) => vec![
            ("Connector".into(), name, None),
            ("Sends to".into(), if view.destination.is_empty() { "–".into() } else { view.destination.clone() }, None),
        ],
    };
    let waiting = match &view.oldest_waiting {
        Some(age) if view.pending > 0 => format!("{} · oldest {age}", view.pending),
        _ => view.pending.to_string(),
    };
    rows.push(("Waiting".into(), waiting, None));
    rows.push(("Sent".into(), view.sent.to_string(), None));
    rows.push(("Refused".into(), view.dead.to_string(), (view.dead > 0).then_some(theme::RED)));
    rows
}

/// What the card under or beside the counts says: the last error, or why nothing exports.
fn export_note(view: &ExportView) -> (String, String) {
    match (&view.connector, &view.last_error) {
        (None, _) => (
            "Not exporting".into(),
            "This register sends nothing to the online shop: no export is set up, or it is a client \
             (the server exports for the store)."
                .into(),
        ),
        (Some(_), Some(e)) => ("Last error".into(), e.clone()),
        (Some(_), None) => ("Last error".into(), "Nothing failed: the shop took everything it was sent.".into()),
    }
}

pub(super) fn export_screen(b: &mut Builder, view: &ExportView, r: Rectangle) {
    let m = b.m;
    let (top, bottom) = take_bottom(r, m.button_h, m.gap);
    let cols = columns(bottom, &[2, 3, 2], m.gap);
    b.button(cols[0], theme::BG, "‹ Back", b.secondary(), Some(Intent::Back));
    let hint = if view.dead > 0 { "A manager approves Retry" } else { "Nothing refused to retry" };
    b.text(cols[1], hint, b.style(Face::Regular, m.small_px, theme::MUTED, theme::BG, Align::Center));
    b.button(cols[2], theme::BG, "Retry", b.primary(), (view.dead > 0).then_some(Intent::RetryExport));

    let rows = export_rows(view, m.compact);
    // The title where the rows keep 44 px each (a small panel has no room for it).
    let top = title_if_room(b, top, "Online shop export", rows.len() as u32 * 44 + m.pad);
    let (title, text) = export_note(view);
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
