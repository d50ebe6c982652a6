//! The status screen: the register, its mode and sync, counts, and the registers it syncs with.

use super::*;

/// Key/value rows for the status panel: label, value, optional dot colour.
fn status_rows(b: &Builder, status: &StatusInfo, with_mode: bool) -> Vec<(String, String, Option<Rgb888>)> {
    let mut rows = Vec::new();
    if with_mode {
        rows.push((b.t("status-mode"), mode_name(b, status.mode), Some(mode_color(status.mode))));
    }
    let last_sync = status.last_sync.clone().unwrap_or_else(|| b.t("status-never"));
    let address = || status.server_address.clone().unwrap_or_else(|| b.t("status-not-set"));
    match status.mode {
        Mode::Standalone => {
            rows.push((b.t("status-network"), b.t("status-network-off"), None));
        }
        Mode::Server => {
            rows.push((b.t("status-listening"), address(), None));
            rows.push((b.t("status-serving-term"), status.term.to_string(), None));
            rows.push((b.t("status-registers-online"), status.peers.len().to_string(), None));
            rows.push((b.t("status-pending-events"), status.pending_events.to_string(), None));
            rows.push((b.t("status-last-sync"), last_sync, None));
            if !status.updates_waiting.is_empty() {
                rows.push((b.t("status-update-waits"), status.updates_waiting.join(", "), Some(theme::AMBER)));
            }
        }
        Mode::Client => {
            rows.push((b.t("status-server"), address(), None));
            let served_by = status.server_name.clone().unwrap_or_else(|| b.t("status-not-known"));
            rows.push((b.t("status-served-by"), served_by, None));
            rows.push((b.t("status-term"), status.term.to_string(), None));
            rows.push((b.t("status-last-sync"), last_sync, None));
            rows.push((b.t("status-sales-to-send"), status.pending_events.to_string(), None));
        }
    }
    let clock = match status.clock {
        ClockState::Synced { offset_ms } => (b.t("status-clock-synced"), theme::GREEN, offset_ms),
        ClockState::Local => (b.t("status-clock-own"), theme::GREY, 0),
        ClockState::Unknown => (b.t("status-clock-unchecked"), theme::AMBER, 0),
    };
    let clock_text = match status.clock {
        ClockState::Synced { .. } if clock.2 != 0 => format!("{} ({:+} ms)", clock.0, clock.2),
        _ => clock.0,
    };
    rows.push((b.t("status-clock"), clock_text, Some(clock.1)));
    if let Some(u) = &status.update {
        rows.push((b.t("status-update"), u.clone(), Some(theme::AMBER)));
    }
    rows
}

pub(super) fn status_screen(b: &mut Builder, status: &StatusInfo, r: Rectangle) {
    let m = b.m;
    let (main, buttons) = take_bottom(r, m.button_h, m.gap);
    let (left, right) = if m.compact {
        (main, None)
    } else {
        let (l, rr) = take_right(main, main.size.width * 2 / 5, m.gap + 4);
        (l, Some(rr))
    };
    let rows = status_rows(b, status, true);
    rows_panel(b, &rows, 11, left);
    if let Some(right) = right {
        peers_card(b, status, right);
    }
    // A server offers a pairing code for a new register (instead of typing the secret there).
    let server = status.mode == Mode::Server;
    let cols = columns(buttons, if server { &[1, 1, 1, 1] } else { &[1, 1, 1] }, m.gap);
    // Words longer than their button (German, French) step down to the small font.
    let settings = b.t("status-settings");
    b.button(
        cols[0],
        theme::BG,
        settings.clone(),
        fitting(b, &settings, cols[0], b.secondary()),
        Some(Intent::OpenSettings),
    );
    if server {
        let pair = if m.compact { b.t("status-pair") } else { b.t("status-pair-register") };
        let look = fitting(b, &pair, cols[1], b.secondary());
        b.button(cols[1], theme::BG, pair, look, Some(Intent::PairRegister));
    }
    let day_r = cols[cols.len() - 2];
    // "Drawer & day" where it fits on one line; "Drawer" on a narrow button.
    let full = b.t("status-drawer-day");
    let day = if measure(&full, Face::Bold, m.body_px) + 16 <= day_r.size.width { full } else { b.t("status-drawer") };
    b.button(day_r, theme::BG, day.clone(), fitting(b, &day, day_r, b.secondary()), Some(Intent::OpenDay));
    let sale_r = cols[cols.len() - 1];
    let new_sale = b.t("status-new-sale");
    b.button(sale_r, theme::BG, new_sale.clone(), fitting(b, &new_sale, sale_r, b.primary()), Some(Intent::OpenSale));
}

/// Label/value rows on a panel at the top of `r`, as tall as they need (up to 34 px a row on a
/// small panel, 52 on a large one); a value takes `value_twentieths` of a row's width, right-aligned,
/// after its dot if it has one. Returns the panel's rectangle.
pub(super) fn rows_panel(
    b: &mut Builder,
    rows: &[(String, String, Option<Rgb888>)],
    value_twentieths: u32,
    r: Rectangle,
) -> Rectangle {
    let m = b.m;
    let row_h = (r.size.height.saturating_sub(m.pad) / rows.len().max(1) as u32).min(if m.compact { 34 } else { 52 });
    let panel = rect(r.top_left.x, r.top_left.y, r.size.width, row_h * rows.len() as u32 + m.pad);
    b.fill(panel, theme::PANEL, m.radius, theme::BG);
    let inner = inset(panel, m.pad, m.pad / 2);
    let label_w = |w: u32| w.saturating_sub(w * value_twentieths / 20 + m.gap);
    // Labels longer than their column (German, French) step down to the small font, all together.
    let fits = rows.iter().all(|(label, _, _)| measure(label, Face::Regular, m.body_px) <= label_w(inner.size.width));
    let label_px = if fits { m.body_px } else { m.small_px };
    for (i, (label, value, dot)) in rows.iter().enumerate() {
        let row = rect(inner.top_left.x, inner.top_left.y + (i as u32 * row_h) as i32, inner.size.width, row_h);
        if i > 0 {
            b.fill(rect(row.top_left.x, row.top_left.y, row.size.width, 1), theme::LINE, 0, theme::PANEL);
        }
        let (lab, val) = take_right(row, row.size.width * value_twentieths / 20, m.gap);
        b.text(lab, label.clone(), b.style(Face::Regular, label_px, theme::MUTED, theme::PANEL, Align::Left));
        let value_w = measure(value, Face::Bold, m.body_px).min(val.size.width.saturating_sub(m.body_px));
        b.text(val, value.clone(), b.style(Face::Bold, m.body_px, theme::TEXT, theme::PANEL, Align::Right));
        if let Some(color) = dot {
            let d = m.body_px / 2;
            let x = val.top_left.x + (val.size.width - value_w) as i32 - (d + 8) as i32;
            b.push(rect(x, row.top_left.y, d, row_h), theme::PANEL, Shape::Dot { color: *color });
        }
    }
    panel
}

pub(super) fn peers_card(b: &mut Builder, status: &StatusInfo, r: Rectangle) {
    let m = b.m;
    b.fill(r, theme::PANEL, m.radius, theme::BG);
    let inner = inset(r, m.pad, m.pad / 2);
    let title = match status.mode {
        Mode::Client => b.t("status-server"),
        _ => b.t_with("status-registers", &[("count", crate::i18n::Arg::Count(status.peers.len() as i64))]),
    };
    let (title_r, mut list) = take_top(inner, 40, 0);
    b.text(title_r, title, b.style(Face::Bold, m.body_px, theme::TEXT, theme::PANEL, Align::Left));
    if status.peers.is_empty() {
        let hint = match status.mode {
            Mode::Standalone => b.t("status-alone-hint"),
            Mode::Server => b.t("status-server-hint"),
            Mode::Client => b.t("status-client-hint"),
        };
        b.paragraph(list, hint, b.style(Face::Regular, m.small_px, theme::MUTED, theme::PANEL, Align::Left));
        return;
    }
    let row_h = line_height(m.body_px) + line_height(m.small_px) + 8;
    let fit = (list.size.height / row_h) as usize;
    let shown = if status.peers.len() > fit { fit.saturating_sub(1) } else { status.peers.len() };
    for peer in status.peers.iter().take(shown) {
        let (row, rest) = take_top(list, row_h, 0);
        list = rest;
        b.fill(rect(row.top_left.x, row.top_left.y, row.size.width, 1), theme::LINE, 0, theme::PANEL);
        let (name_r, detail_r) = take_top(inset(row, 0, 4), line_height(m.body_px), 0);
        b.text(name_r, peer.name.clone(), b.style(Face::Bold, m.body_px, theme::TEXT, theme::PANEL, Align::Left));
        b.text(
            detail_r,
            format!("{} · {}", peer.address, peer.last_seen),
            b.style(Face::Regular, m.small_px, theme::MUTED, theme::PANEL, Align::Left),
        );
    }
    if shown < status.peers.len() {
        let more = rect(list.top_left.x, list.top_left.y, list.size.width, line_height(m.small_px) + 8);
        b.text(
            more,
            b.t_with("status-more", &[("count", crate::i18n::Arg::Count((status.peers.len() - shown) as i64))]),
            b.style(Face::Regular, m.small_px, theme::MUTED, theme::PANEL, Align::Left),
        );
    }
}

/// A title line at the top of `r` if there is room for `needed` more pixels under it; returns the rest.
pub(super) fn title_if_room(b: &mut Builder, r: Rectangle, title: &str, needed: u32) -> Rectangle {
    let m = b.m;
    let h = line_height(m.title_px) + 4;
    if r.size.height < needed + h + m.gap {
        return r;
    }
    let (title_r, rest) = take_top(r, h, m.gap);
    b.text(title_r, title, b.style(Face::Bold, m.title_px, theme::TEXT, theme::BG, Align::Left));
    rest
}
