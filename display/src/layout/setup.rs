//! The setup screens: Settings, the server and client forms, scan results, the on-screen keyboard and the connection test.

use super::*;

pub(super) fn settings_screen(b: &mut Builder, current: Mode, update_ready: Option<&str>, r: Rectangle) {
    let m = b.m;
    let (top, bottom) = take_bottom(r, m.button_h, m.gap);
    let (top, promote_row) = if current == Mode::Client {
        let (t, row) = take_bottom(top, m.button_h, m.gap);
        (t, Some(row))
    } else {
        (top, None)
    };
    let cards_h = if m.compact { 120 } else { 190 };
    let top = title_if_room(b, top, "Multi-Register", cards_h);
    let (cards_r, _) = take_top(top, top.size.height.min(cards_h * 3 / 2), 0);
    let cards = columns(cards_r, &[1, 1, 1], m.gap);
    let choices = [
        (Mode::Standalone, "Works alone. No network needed."),
        (Mode::Server, "Keeps the store's sales. Other registers sync to it."),
        (Mode::Client, "Syncs its sales with the server register."),
    ];
    for (card, (mode, text)) in cards.into_iter().zip(choices) {
        let selected = mode == current;
        let look = Look {
            fill: if selected { theme::SELECTED } else { theme::PANEL },
            border: Some(if selected { theme::PRIMARY } else { theme::LINE }),
            px: if m.compact { m.body_px + 1 } else { m.title_px },
            sub_px: m.small_px,
            sub_text: if selected { theme::TEXT } else { theme::MUTED },
            ..b.look(theme::PANEL, theme::TEXT)
        };
        let label = if selected { format!("✓ {}", mode.label()) } else { mode.label().to_string() };
        b.button_sub(card, theme::BG, &label, text, look, Some(Intent::SelectMode(mode)));
    }
    let cols = columns(bottom, &[2, 3, 3], m.gap);
    b.button(cols[0], theme::BG, "‹ Back", b.secondary(), Some(Intent::Back));
    let (printer, stick) =
        if m.compact { ("Printer ›", "USB backup") } else { ("Receipt printer ›", "Back up to USB") };
    b.button(cols[1], theme::BG, printer, b.secondary(), Some(Intent::OpenPrinter));
    b.button(cols[2], theme::BG, stick, b.secondary(), Some(Intent::BackupToStick));
    // A client can take over as the store's server (the old one is gone for good).
    if let Some(row) = promote_row {
        // An update from the server waiting for the store's window: a manager may apply it now.
        let (promote_r, update_r) = match update_ready {
            Some(v) => {
                let halves = columns(row, &[1, 1], m.gap);
                (halves[0], Some((halves[1], v)))
            }
            None => (row, None),
        };
        let text = match (m.compact, update_r.is_some()) {
            (true, true) => "Become the server",
            (true, false) | (false, true) => "Make this register the server",
            (false, false) => "Make this register the store's server",
        };
        b.button(promote_r, theme::BG, text, b.secondary(), Some(Intent::Promote));
        if let Some((r, v)) = update_r {
            let text = if m.compact { format!("Update to {v}") } else { format!("Update to {v} now") };
            b.button(r, theme::BG, &text, b.primary(), Some(Intent::UpdateNow));
        }
    }
}

/// A labelled form row: label on the left, a tappable field, optionally a button on the right.
pub(super) fn form_row(
    b: &mut Builder,
    row: Rectangle,
    label: &str,
    value: &str,
    field: Field,
    extra: Option<(&str, Intent)>,
) {
    let m = b.m;
    let label_w = if m.compact { 118 } else { 190 };
    let (label_r, rest) = (
        rect(row.top_left.x, row.top_left.y, label_w, row.size.height),
        rect(
            row.top_left.x + (label_w + m.gap) as i32,
            row.top_left.y,
            row.size.width - label_w - m.gap,
            row.size.height,
        ),
    );
    b.text(label_r, label, b.style(Face::Regular, m.body_px, theme::MUTED, theme::BG, Align::Left));
    let field_r = match extra {
        Some((text, intent)) => {
            let w = measure(text, Face::Bold, m.body_px) + 2 * m.pad + 8;
            let (f, e) = take_right(rest, w.max(96), m.gap);
            b.button(e, theme::BG, text, b.secondary(), Some(intent));
            f
        }
        None => rest,
    };
    let shown = if value.is_empty() { "Tap to enter".to_string() } else { value.to_string() };
    let look = if value.is_empty() { Look { text: theme::MUTED, ..b.field_look() } } else { b.field_look() };
    b.button(field_r, theme::BG, shown, look, Some(Intent::EditField(field)));
}

pub(super) fn rows_block(r: Rectangle, n: u32, row_h: u32, gap: u32) -> Vec<Rectangle> {
    (0..n).map(|i| rect(r.top_left.x, r.top_left.y + (i * (row_h + gap)) as i32, r.size.width, row_h)).collect()
}

pub(super) fn server_setup(b: &mut Builder, form: &ServerForm, r: Rectangle) {
    let m = b.m;
    let (top, bottom) = take_bottom(r, m.button_h, m.gap);
    let rows_h = 3 * m.button_h + 2 * m.gap;
    let top = title_if_room(b, top, "Server setup", rows_h);
    let rows = rows_block(top, 3, m.button_h, m.gap);
    form_row(b, rows[0], "Register name", &form.register_name, Field::RegisterName, None);
    form_row(b, rows[1], "Port", &form.port, Field::Port, None);
    form_row(b, rows[2], "Secret", &form.secret, Field::Secret, Some(("Generate", Intent::GenerateSecret)));
    let cols = columns(bottom, &[1, 1], m.gap);
    b.button(cols[0], theme::BG, "‹ Back", b.secondary(), Some(Intent::Back));
    b.button(cols[1], theme::BG, "Save", b.primary(), Some(Intent::Save));
}

pub(super) fn client_setup(b: &mut Builder, form: &ClientForm, r: Rectangle) {
    let m = b.m;
    let (top, bottom) = take_bottom(r, m.button_h, m.gap);
    let rows_h = 3 * m.button_h + 2 * m.gap;
    let top = title_if_room(b, top, "Client setup", rows_h);
    let rows = rows_block(top, 3, m.button_h, m.gap);
    let masked = "•".repeat(form.secret.chars().count());
    form_row(b, rows[0], "Register name", &form.register_name, Field::RegisterName, None);
    let scan = if m.compact { "Scan" } else { "Scan network" };
    form_row(b, rows[1], "Server", &form.server_address, Field::ServerAddress, Some((scan, Intent::ScanNetwork)));
    let label = if m.compact { "Secret/code" } else { "Secret or code" };
    form_row(b, rows[2], label, &masked, Field::Secret, None);
    let cols = columns(bottom, &[2, 3, 2], m.gap);
    b.button(cols[0], theme::BG, "‹ Back", b.secondary(), Some(Intent::Back));
    let test = if m.compact { "Test" } else { "Test connection" };
    b.button(cols[1], theme::BG, test, b.secondary(), Some(Intent::TestConnection));
    b.button(cols[2], theme::BG, "Save", b.primary(), Some(Intent::Save));
}

pub(super) fn scan_screen(b: &mut Builder, scan: &ScanView, r: Rectangle) {
    let m = b.m;
    let (top, bottom) = take_bottom(r, m.button_h, m.gap);
    let title = if scan.scanning {
        "Looking for servers…".to_string()
    } else {
        match scan.servers.len() {
            0 => "No servers found".to_string(),
            1 => "1 server found".to_string(),
            n => format!("{n} servers found"),
        }
    };
    let (title_r, mut list) = take_top(top, line_height(m.title_px) + 4, m.gap);
    b.text(title_r, title, b.style(Face::Bold, m.title_px, theme::TEXT, theme::BG, Align::Left));
    if let Some(error) = &scan.error {
        let (e, rest) = take_top(list, 2 * line_height(m.body_px), m.gap);
        b.paragraph(e, error.clone(), b.style(Face::Regular, m.body_px, theme::RED, theme::BG, Align::Left));
        list = rest;
    }
    if scan.servers.is_empty() && !scan.scanning && scan.error.is_none() {
        b.paragraph(
            list,
            "No server answered. Check that the server register is switched on, in Server mode and on the same \
             network — or go back and type its address.",
            b.style(Face::Regular, m.body_px, theme::MUTED, theme::BG, Align::Left),
        );
    }
    let row_h = if m.compact { 52 } else { 68 };
    let fit = ((list.size.height + m.gap / 2) / (row_h + m.gap / 2)) as usize;
    for (i, server) in scan.servers.iter().enumerate().take(fit) {
        let (row, rest) = take_top(list, row_h, m.gap / 2);
        list = rest;
        let mut sub = format!("{} · {} ms", server.address, server.rtt_ms);
        if !server.same_store {
            sub.push_str(" · other store");
        }
        let look = Look {
            fill: theme::PANEL,
            border: Some(if server.same_store { theme::LINE } else { theme::AMBER }),
            align: Align::Left,
            sub_text: if server.same_store { theme::MUTED } else { theme::AMBER },
            ..b.look(theme::PANEL, theme::TEXT)
        };
        b.button_sub(row, theme::BG, &server.name, &sub, look, Some(Intent::PickServer(i)));
    }
    let cols = columns(bottom, &[1, 1], m.gap);
    b.button(cols[0], theme::BG, "‹ Back", b.secondary(), Some(Intent::Back));
    let again = if scan.scanning { None } else { Some(Intent::ScanNetwork) };
    b.button(cols[1], theme::BG, "Scan again", b.primary(), again);
}

/// One key: its label, width in half-units of a 20-half-unit row, and its intent.
type KeyCap = (String, u32, Intent, bool);

/// `done` is the key that accepts the text: its label ("Done", or the action it starts) and intent.
pub(super) fn key_rows(layer: KeyLayer, done: (&str, Intent)) -> Vec<Vec<KeyCap>> {
    let chars = |s: &str, upper: bool| -> Vec<KeyCap> {
        s.chars()
            .map(|c| {
                let c = if upper { c.to_ascii_uppercase() } else { c };
                (c.to_string(), 2, Intent::TypeChar(c), false)
            })
            .collect()
    };
    let upper = layer == KeyLayer::Upper;
    let mut rows = Vec::new();
    let backspace = ("⌫".to_string(), 3, Intent::Backspace, true);
    let bottom = |toggle: (&str, KeyLayer)| -> Vec<KeyCap> {
        vec![
            (toggle.0.to_string(), 4, Intent::SwitchLayer(toggle.1), true),
            (",".into(), 2, Intent::TypeChar(','), false),
            ("space".into(), 8, Intent::TypeChar(' '), false),
            (".".into(), 2, Intent::TypeChar('.'), false),
            (done.0.to_string(), 4, done.1.clone(), true),
        ]
    };
    match layer {
        KeyLayer::Lower | KeyLayer::Upper => {
            rows.push(chars("qwertyuiop", upper));
            rows.push(chars("asdfghjkl", upper));
            let shift = if upper { ("⇧", KeyLayer::Lower) } else { ("⇧", KeyLayer::Upper) };
            let mut r2 = vec![(shift.0.to_string(), 3, Intent::SwitchLayer(shift.1), true)];
            r2.extend(chars("zxcvbnm", upper));
            r2.push(backspace);
            rows.push(r2);
            rows.push(bottom(("?123", KeyLayer::Symbols)));
        }
        KeyLayer::Symbols => {
            rows.push(chars("1234567890", false));
            rows.push(chars("-/:;()$&@\"", false));
            let mut r2 = vec![("ABC".to_string(), 3, Intent::SwitchLayer(KeyLayer::Upper), true)];
            r2.extend(chars("_+=#%!?", false));
            r2.push(backspace);
            rows.push(r2);
            rows.push(bottom(("abc", KeyLayer::Lower)));
        }
    }
    rows
}

pub(super) fn keyboard_screen(b: &mut Builder, kb: &KeyboardView, body: Rectangle) {
    let m = b.m;
    // Keys are laid edge to edge (cells touch, drawn keys are inset) so they reach 48 px at 480 wide.
    let side = if m.compact { 0 } else { m.pad };
    let area = inset(body, side, if m.compact { 4 } else { m.pad / 2 });
    let (value_row, keys) = take_top(area, m.button_h, if m.compact { 4 } else { m.gap });
    let (value_r, cancel_r) =
        take_right(inset(value_row, if m.compact { m.pad } else { 0 }, 0), if m.compact { 104 } else { 150 }, m.gap);
    b.fill(value_r, theme::LINE, m.radius, theme::BG);
    let field = inset(value_r, 2, 2);
    b.fill(field, theme::FIELD, m.radius.saturating_sub(2), theme::LINE);
    let label_w = measure(&kb.label, Face::Regular, m.small_px).min(field.size.width / 3);
    let inner = inset(field, m.pad, 0);
    b.text(
        rect(inner.top_left.x, inner.top_left.y, label_w, inner.size.height),
        kb.label.clone(),
        b.style(Face::Regular, m.small_px, theme::MUTED, theme::FIELD, Align::Left),
    );
    let shown = if kb.masked { "•".repeat(kb.value.chars().count()) } else { kb.value.clone() };
    let value_area = rect(
        inner.top_left.x + (label_w + m.gap) as i32,
        inner.top_left.y,
        inner.size.width.saturating_sub(label_w + m.gap),
        inner.size.height,
    );
    b.push(
        value_area,
        theme::FIELD,
        Shape::TextTail {
            text: format!("{shown}|"),
            style: b.style(Face::Regular, m.body_px + 2, theme::TEXT, theme::FIELD, Align::Left),
        },
    );
    b.button(cancel_r, theme::BG, "Cancel", b.secondary(), Some(Intent::CancelTyping));

    // A conflict's note is the last step of resolving it, an order's number finds the order: the
    // key says what it does.
    let done = match kb.field {
        Field::ConflictNote => "Resolve",
        Field::OrderNumber => "Find",
        Field::Reason => "Record",
        _ => "Done",
    };
    key_grid(b, keys, kb.layer, (done, Intent::DoneTyping));
}

/// The on-screen keys of `layer`, edge to edge in `keys` (each drawn inset), with `done` as the key
/// that accepts the text; shared by the keyboard and search screens.
pub(super) fn key_grid(b: &mut Builder, keys: Rectangle, layer: KeyLayer, done: (&str, Intent)) {
    let m = b.m;
    let done_intent = done.1.clone();
    let rows = key_rows(layer, done);
    let row_h = keys.size.height / rows.len() as u32;
    for (ri, row) in rows.iter().enumerate() {
        let halves: u32 = row.iter().map(|k| k.1).sum();
        // Short rows (9 letters) are centred like a real keyboard.
        let offset = (20 - halves.min(20)) * keys.size.width / 40;
        let y = keys.top_left.y + (ri as u32 * row_h) as i32;
        let mut acc = 0;
        for (label, w, intent, special) in row {
            let x0 = offset + acc * keys.size.width / 20;
            acc += w;
            let x1 = offset + acc * keys.size.width / 20;
            let cell = rect(keys.top_left.x + x0 as i32, y, x1 - x0, row_h);
            let active = matches!(intent, Intent::SwitchLayer(KeyLayer::Lower)) && layer == KeyLayer::Upper;
            let fill = match (intent, active, special) {
                (i, _, _) if *i == done_intent => theme::PRIMARY,
                (_, true, _) => theme::TEXT,
                (_, _, true) => theme::KEY_SPECIAL,
                _ => theme::KEY,
            };
            let look = Look {
                inset: 3,
                radius: 6,
                px: if *special && label.chars().count() > 1 { m.small_px + 2 } else { m.body_px + 2 },
                face: if *special { Face::Bold } else { Face::Regular },
                text: if active { theme::BG } else { theme::TEXT },
                ..b.look(fill, theme::TEXT)
            };
            b.button(cell, theme::BG, label.clone(), look, Some(intent.clone()));
        }
    }
}

pub(super) fn test_screen(b: &mut Builder, outcome: &TestOutcome, r: Rectangle) {
    let m = b.m;
    let (top, bottom) = take_bottom(r, m.button_h, m.gap);
    let (icon, color, title, text, primary) = match outcome {
        TestOutcome::Ok { server_name, rtt_ms } => (
            "✓",
            theme::GREEN,
            format!("Connected to {server_name}"),
            format!("The server answered in {rtt_ms} ms and accepted the secret. Tap Save to start syncing with it."),
            ("Save", Intent::Save),
        ),
        TestOutcome::Unreachable { address } => (
            "✗",
            theme::RED,
            "Can't reach the server".to_string(),
            format!(
                "Nothing answered at {address}. Check that the server register is switched on and in Server \
                 mode, that both registers are on the same network, and that the address is right — or use \
                 Scan network to find it."
            ),
            ("Try again", Intent::TestConnection),
        ),
        TestOutcome::WrongSecret => (
            "✗",
            theme::RED,
            "The secret doesn't match".to_string(),
            "The server answered but refused the secret. Look it up on the server register (Settings → \
             Multi-Register → Server) and type it here exactly, then try again."
                .to_string(),
            ("Try again", Intent::TestConnection),
        ),
        TestOutcome::OtherStore { server_name } => (
            "!",
            theme::AMBER,
            "That server is another store's".to_string(),
            format!(
                "{server_name} is the server of a different store on this network. Go back and pick your own \
                 store's server (Scan network marks the others)."
            ),
            ("Try again", Intent::TestConnection),
        ),
        TestOutcome::Other(reason) => (
            "!",
            theme::AMBER,
            "The connection test failed".to_string(),
            reason.clone(),
            ("Try again", Intent::TestConnection),
        ),
    };
    let icon_d = if m.compact { 44 } else { 64 };
    let (head, para) = take_top(top, icon_d, m.gap);
    let icon_r = rect(head.top_left.x, head.top_left.y, icon_d, icon_d);
    b.push(icon_r, theme::BG, Shape::Dot { color });
    b.text(icon_r, icon, b.style(Face::Bold, icon_d / 2, theme::TEXT, color, Align::Center));
    let title_r = rect(
        head.top_left.x + (icon_d + m.gap) as i32,
        head.top_left.y,
        head.size.width.saturating_sub(icon_d + m.gap),
        icon_d,
    );
    b.text(title_r, title, b.style(Face::Bold, m.title_px, theme::TEXT, theme::BG, Align::Left));
    b.paragraph(para, text, b.style(Face::Regular, m.body_px, theme::TEXT, theme::BG, Align::Left));
    let cols = columns(bottom, &[1, 1], m.gap);
    b.button(cols[0], theme::BG, "‹ Back", b.secondary(), Some(Intent::Back));
    let look = if matches!(outcome, TestOutcome::Ok { .. }) { b.look(theme::GREEN, theme::TEXT) } else { b.primary() };
    b.button(cols[1], theme::BG, primary.0, look, Some(primary.1));
}
