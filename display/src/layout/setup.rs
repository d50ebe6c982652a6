//! The setup screens: Settings, the server and client forms, scan results, the on-screen keyboard and the connection test.

use super::*;
use crate::i18n::Arg;

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
    let title = b.t("setup-title");
    let top = title_if_room(b, top, &title, cards_h);
    let (cards_r, _) = take_top(top, top.size.height.min(cards_h * 3 / 2), 0);
    let cards = columns(cards_r, &[1, 1, 1], m.gap);
    let choices = [
        (Mode::Standalone, b.t("setup-standalone-about")),
        (Mode::Server, b.t("setup-server-about")),
        (Mode::Client, b.t("setup-client-about")),
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
        let name = mode_name(b, mode);
        let label = if selected { format!("✓ {name}") } else { name };
        b.button_sub(card, theme::BG, &label, &text, look, Some(Intent::SelectMode(mode)));
    }
    let cols = columns(bottom, &[2, 3, 3, 3], m.gap);
    back_button(b, cols[0]);
    // The language of this register, named in itself; tapping picks the next one.
    let name = b.lang.name();
    let language = if m.compact {
        vec![name.to_string()]
    } else {
        vec![b.t_with("setup-language", &[("name", Arg::Text(name))]), name.to_string()]
    };
    let (language, look) = first_fitting(b, language, cols[3], b.secondary());
    b.button(cols[3], theme::BG, language, look, Some(Intent::NextLanguage));
    let (printer, stick) = if m.compact {
        (vec![b.t("setup-printer-short")], vec![b.t("setup-backup-short")])
    } else {
        (vec![b.t("setup-printer"), b.t("setup-printer-short")], vec![b.t("setup-backup"), b.t("setup-backup-short")])
    };
    let (printer, look) = first_fitting(b, printer, cols[1], b.secondary());
    b.button(cols[1], theme::BG, printer, look, Some(Intent::OpenPrinter));
    let (stick, look) = first_fitting(b, stick, cols[2], b.secondary());
    b.button(cols[2], theme::BG, stick, look, Some(Intent::BackupToStick));
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
        let (long, medium, short) = (b.t("setup-promote"), b.t("setup-promote-medium"), b.t("setup-promote-short"));
        let texts = match (m.compact, update_r.is_some()) {
            (true, true) => vec![short],
            (true, false) | (false, true) => vec![medium, short],
            (false, false) => vec![long, medium, short],
        };
        let (text, look) = first_fitting(b, texts, promote_r, b.secondary());
        b.button(promote_r, theme::BG, text, look, Some(Intent::Promote));
        if let Some((r, v)) = update_r {
            let args = [("version", Arg::Text(v))];
            let short = b.t_with("setup-update", &args);
            let texts = if m.compact { vec![short] } else { vec![b.t_with("setup-update-now", &args), short] };
            let (text, look) = first_fitting(b, texts, r, b.primary());
            b.button(r, theme::BG, text, look, Some(Intent::UpdateNow));
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
    // A longer label (German, French) is set in the small font rather than cut.
    let px = if measure(label, Face::Regular, m.body_px) <= label_w { m.body_px } else { m.small_px };
    b.text(label_r, label, b.style(Face::Regular, px, theme::MUTED, theme::BG, Align::Left));
    let field_r = match extra {
        Some((text, intent)) => {
            let w = measure(text, Face::Bold, m.body_px) + 2 * m.pad + 8;
            let (f, e) = take_right(rest, w.max(96), m.gap);
            b.button(e, theme::BG, text, b.secondary(), Some(intent));
            f
        }
        None => rest,
    };
    let shown = if value.is_empty() { b.t("setup-tap-to-enter") } else { value.to_string() };
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
    let title = b.t("setup-server-title");
    let top = title_if_room(b, top, &title, rows_h);
    let rows = rows_block(top, 3, m.button_h, m.gap);
    form_row(b, rows[0], &field_name(b, Field::RegisterName), &form.register_name, Field::RegisterName, None);
    form_row(b, rows[1], &field_name(b, Field::Port), &form.port, Field::Port, None);
    let generate = b.t("setup-generate");
    let secret = b.t("setup-secret");
    form_row(b, rows[2], &secret, &form.secret, Field::Secret, Some((&generate, Intent::GenerateSecret)));
    let cols = columns(bottom, &[1, 1], m.gap);
    back_button(b, cols[0]);
    save_button(b, cols[1]);
}

pub(super) fn client_setup(b: &mut Builder, form: &ClientForm, r: Rectangle) {
    let m = b.m;
    let (top, bottom) = take_bottom(r, m.button_h, m.gap);
    let rows_h = 3 * m.button_h + 2 * m.gap;
    let title = b.t("setup-client-title");
    let top = title_if_room(b, top, &title, rows_h);
    let rows = rows_block(top, 3, m.button_h, m.gap);
    let masked = "•".repeat(form.secret.chars().count());
    form_row(b, rows[0], &field_name(b, Field::RegisterName), &form.register_name, Field::RegisterName, None);
    let scan = if m.compact { b.t("setup-scan-short") } else { b.t("setup-scan") };
    let server = b.t("setup-server");
    form_row(b, rows[1], &server, &form.server_address, Field::ServerAddress, Some((&scan, Intent::ScanNetwork)));
    let label = if m.compact { b.t("setup-secret-or-code-short") } else { b.t("setup-secret-or-code") };
    form_row(b, rows[2], &label, &masked, Field::Secret, None);
    let cols = columns(bottom, &[2, 3, 2], m.gap);
    back_button(b, cols[0]);
    let tests =
        if m.compact { vec![b.t("setup-test-short")] } else { vec![b.t("setup-test"), b.t("setup-test-short")] };
    let (test, look) = first_fitting(b, tests, cols[1], b.secondary());
    b.button(cols[1], theme::BG, test, look, Some(Intent::TestConnection));
    save_button(b, cols[2]);
}

pub(super) fn scan_screen(b: &mut Builder, scan: &ScanView, r: Rectangle) {
    let m = b.m;
    let (top, bottom) = take_bottom(r, m.button_h, m.gap);
    let title = match scan.servers.len() {
        _ if scan.scanning => b.t("setup-scanning"),
        0 => b.t("setup-no-servers"),
        n => b.t_with("setup-servers-found", &[("count", Arg::Count(n as i64))]),
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
            b.t("setup-no-server-answered"),
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
            sub.push_str(&format!(" · {}", b.t("setup-other-store")));
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
    back_button(b, cols[0]);
    let again = if scan.scanning { None } else { Some(Intent::ScanNetwork) };
    let label = b.t("setup-scan-again");
    let look = fitting(b, &label, cols[1], b.primary());
    b.button(cols[1], theme::BG, label, look, again);
}

/// One key: its label, width in half-units of a 20-half-unit row, and its intent.
type KeyCap = (String, u32, Intent, bool);

/// `done` is the key that accepts the text: its label ("Done", or the action it starts) and intent;
/// `space` is the space bar's word.
pub(super) fn key_rows(layer: KeyLayer, done: (&str, Intent), space: &str) -> Vec<Vec<KeyCap>> {
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
            (space.into(), 8, Intent::TypeChar(' '), false),
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
    // The field's name in the screen's language (words the appliance gives instead are shown as given).
    let label = if kb.label == kb.field.label() { field_name(b, kb.field) } else { kb.label.clone() };
    let label_w = measure(&label, Face::Regular, m.small_px).min(field.size.width / 3);
    let inner = inset(field, m.pad, 0);
    b.text(
        rect(inner.top_left.x, inner.top_left.y, label_w, inner.size.height),
        label,
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
    let cancel = b.t("setup-cancel");
    let look = fitting(b, &cancel, cancel_r, b.secondary());
    b.button(cancel_r, theme::BG, cancel, look, Some(Intent::CancelTyping));

    // A conflict's note is the last step of resolving it, an order's number finds the order: the
    // key says what it does.
    let done = match kb.field {
        Field::ConflictNote => b.t("setup-key-resolve"),
        Field::OrderNumber => b.t("setup-key-find"),
        Field::Reason => b.t("setup-key-record"),
        _ => b.t("setup-key-done"),
    };
    key_grid(b, keys, kb.layer, (&done, Intent::DoneTyping));
}

/// The on-screen keys of `layer`, edge to edge in `keys` (each drawn inset), with `done` as the key
/// that accepts the text; shared by the keyboard and search screens.
pub(super) fn key_grid(b: &mut Builder, keys: Rectangle, layer: KeyLayer, done: (&str, Intent)) {
    let m = b.m;
    let done_intent = done.1.clone();
    let rows = key_rows(layer, done, &b.t("setup-key-space"));
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
            // A longer word on a key (Rechercher) steps down to the small font rather than be cut.
            let look = if *special { fitting(b, label, inset(cell, 3, 3), look) } else { look };
            b.button(cell, theme::BG, label.clone(), look, Some(intent.clone()));
        }
    }
}

pub(super) fn test_screen(b: &mut Builder, outcome: &TestOutcome, r: Rectangle) {
    let m = b.m;
    let (top, bottom) = take_bottom(r, m.button_h, m.gap);
    let try_again = || (b.t("setup-try-again"), Intent::TestConnection);
    let (icon, color, title, text, primary) = match outcome {
        TestOutcome::Ok { server_name, rtt_ms } => (
            "✓",
            theme::GREEN,
            b.t_with("setup-test-ok-title", &[("name", Arg::Text(server_name))]),
            b.t_with("setup-test-ok", &[("count", Arg::Count(i64::from(*rtt_ms)))]),
            (b.t("setup-save"), Intent::Save),
        ),
        TestOutcome::Unreachable { address } => (
            "✗",
            theme::RED,
            b.t("setup-unreachable-title"),
            b.t_with("setup-unreachable", &[("address", Arg::Text(address))]),
            try_again(),
        ),
        TestOutcome::WrongSecret => {
            ("✗", theme::RED, b.t("setup-wrong-secret-title"), b.t("setup-wrong-secret"), try_again())
        }
        TestOutcome::OtherStore { server_name } => (
            "!",
            theme::AMBER,
            b.t("setup-other-store-title"),
            b.t_with("setup-other-store-text", &[("name", Arg::Text(server_name))]),
            try_again(),
        ),
        // The appliance's own words for what went wrong.
        TestOutcome::Other(reason) => ("!", theme::AMBER, b.t("setup-test-failed-title"), reason.clone(), try_again()),
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
    back_button(b, cols[0]);
    let look = if matches!(outcome, TestOutcome::Ok { .. }) { b.look(theme::GREEN, theme::TEXT) } else { b.primary() };
    let look = fitting(b, &primary.0, cols[1], look);
    b.button(cols[1], theme::BG, primary.0, look, Some(primary.1));
}

/// "‹ Back" on the setup screens.
fn back_button(b: &mut Builder, cell: Rectangle) {
    let back = b.t("setup-back");
    let look = fitting(b, &back, cell, b.secondary());
    b.button(cell, theme::BG, back, look, Some(Intent::Back));
}

/// "Save" on the setup forms.
fn save_button(b: &mut Builder, cell: Rectangle) {
    let save = b.t("setup-save");
    let look = fitting(b, &save, cell, b.primary());
    b.button(cell, theme::BG, save, look, Some(Intent::Save));
}

/// The first of `labels` (the words a button prefers first) that fits on the button `cell` in
/// `look`'s type; else the last, in the type `fitting` steps down to.
pub(super) fn first_fitting(b: &Builder, labels: Vec<String>, cell: Rectangle, look: Look) -> (String, Look) {
    let room = label_room(cell);
    let mut last = String::new();
    for label in labels {
        if measure(&label, look.face, look.px) <= room {
            return (label, look);
        }
        last = label;
    }
    let look = fitting(b, &last, cell, look);
    (last, look)
}

/// A mode's name in the screen's language (Settings, the header's chip, the status screen).
pub(super) fn mode_name(b: &Builder, mode: Mode) -> String {
    match mode {
        Mode::Standalone => b.t("setup-mode-standalone"),
        Mode::Server => b.t("setup-mode-server"),
        Mode::Client => b.t("setup-mode-client"),
    }
}

/// What a field is called (the keyboard's label, a form's row), in the screen's language.
pub(super) fn field_name(b: &Builder, field: Field) -> String {
    match field {
        Field::RegisterName => b.t("setup-field-register-name"),
        Field::Port => b.t("setup-field-port"),
        Field::ServerAddress => b.t("setup-field-server-address"),
        Field::Secret => b.t("setup-field-secret"),
        Field::ConflictNote => b.t("setup-field-conflict-note"),
        Field::OrderNumber => b.t("setup-field-order-number"),
        Field::UserName => b.t("setup-field-user-name"),
        Field::Reason => b.t("setup-field-reason"),
        Field::PrinterAddress => b.t("setup-field-printer-address"),
    }
}
