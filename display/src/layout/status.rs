//! The status screen: the register, its mode and sync, counts, and the registers it syncs with.

use super::*;

/// Key/value rows for the status panel: label, value, optional dot colour.
pub(super) fn status_rows(status: &StatusInfo, with_mode: bool) -> Vec<(String, String, Option<Rgb888>)> {
    let mut rows = Vec::new();
    if with_mode {
        rows.push(("Mode".into(), status.mode.label().into(), Some(mode_color(status.mode))));
    }
    let last_sync = status.last_sync.clone().unwrap_or_else(|| "never".into());
    let address = || status.server_address.clone().unwrap_or_else(|| "not set".into());
    match status.mode {
        Mode::Standalone => {
            rows.push(("Network".into(), "off — works alone".into(), None));
        }
        Mode::Server => {
            rows.push(("Listening on".into(), address(), None));
            rows.push(("Serving at term".into(), status.term.to_string(), None));
            rows.push(("Registers online".into(), status.peers.len().to_string(), None));
            rows.push(("Pending events".into(), status.pending_events.to_string(), None));
            rows.push(("Last sync".into(), last_sync, None));
            if !status.updates_waiting.is_empty() {
                rows.push(("Update waits for".into(), status.updates_waiting.join(", "), Some(theme::AMBER)));
            }
        }
        Mode::Client => {
            rows.push(("Server".into(), address(), None));
            let served_by = status.server_name.clone().unwrap_or_else(|| "not known yet".into());
            rows.push(("Served by".into(), served_by, None));
            rows.push(("Term".into(), status.term.to_string(), None));
            rows.push(("Last sync".into(), last_sync, None));
            rows.push(("Sales to send".into(), status.pending_events.to_string(), None));
        }
    }
    let clock = match status.clock {
        ClockState::Synced { offset_ms } => ("synced".to_string(), theme::GREEN, offset_ms),
        ClockState::Local => ("own clock".to_string(), theme::GREY, 0),
        ClockState::Unknown => ("not checked yet".to_string(), theme::AMBER, 0),
    };
    let clock_text = match status.clock {
        ClockState::Synced { .. } if clock.2 != 0 => format!("{} ({:+} ms)", clock.0, clock.2),
        _ => clock.0,
    };
    rows.push(("Clock".into(), clock_text, Some(clock.1)));
    if let Some(u) = &status.update {
        rows.push(("Update".into(), u.clone(), Some(theme::AMBER)));
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
    rows_panel(b, &status_rows(status, true), 11, left);
    if let Some(right) = right {
        peers_card(b, status, right);
    }
    // A server offers a pairing code for a new register (instead of typing the secret there).
    let server = status.mode == Mode::Server;
    let cols = columns(buttons, if server { &[1, 1, 1, 1] } else { &[1, 1, 1] }, m.gap);
    b.button(cols[0], theme::BG, "Settings", b.secondary(), Some(Intent::OpenSettings));
    if server {
        let pair = if m.compact { "Pair" } else { "Pair register" };
        b.button(cols[1], theme::BG, pair, b.secondary(), Some(Intent::PairRegister));
    }
    let day_r = cols[cols.len() - 2];
    // "Drawer & day" where it fits on one line; "Drawer" on a narrow button.
    let day =
        if measure("Drawer & day", Face::Bold, m.body_px) + 16 <= day_r.size.width { "Drawer & day" } else { "Drawer" };
    b.button(day_r, theme::BG, day, b.secondary(), Some(Intent::OpenDay));
    b.button(cols[cols.len() - 1], theme::BG, "New sale", b.primary(), Some(Intent::OpenSale));
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
    for (i, (label, value, dot)) in rows.iter().enumerate() {
        let row = rect(inner.top_left.x, inner.top_left.y + (i as u32 * row_h) as i32, inner.size.width, row_h);
        if i > 0 {
            b.fill(rect(row.top_left.x, row.top_left.y, row.size.width, 1), theme::LINE, 0, theme::PANEL);
        }
        let (lab, val) = take_right(row, row.size.width * value_twentieths / 20, m.gap);
        b.text(lab, label.clone(), b.style(Face::Regular, m.body_px, theme::MUTED, theme::PANEL, Align::Left));
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
        Mode::Client => "Server".to_string(),
        _ => format!("Registers ({})", status.peers.len()),
    };
    let (title_r, mut list) = take_top(inner, 40, 0);
    b.text(title_r, title, b.style(Face::Bold, m.body_px, theme::TEXT, theme::PANEL, Align::Left));
    if status.peers.is_empty() {
        let hint = match status.mode {
            Mode::Standalone => "This register works on its own. Choose Server or Client in Settings to share sales.",
            Mode::Server => "No register has connected yet. Set the others to Client mode and pick this one.",
            Mode::Client => "Not connected to the server yet.",
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
            format!("+ {} more", status.peers.len() - shown),
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
