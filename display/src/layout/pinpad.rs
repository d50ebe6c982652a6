//! The PIN pad (who is at the register, a manager's approval, the first manager's PIN) and the
//! numeric keypad it shares with the amount screen.

use super::*;
use crate::MoneyFormat;
use crate::i18n::Arg;

/// One key of a 3×4 keypad: its label and what it sends (`None`: greyed out, does nothing).
pub(crate) type PadKey = (&'static str, Option<Intent>);

/// The value of a digit key's label.
fn digit(label: &str) -> u8 {
    label.bytes().next().map_or(0, |c| c.wrapping_sub(b'0'))
}

/// The PIN pad's keys in reading order (1–9, ⌫, 0, OK), enabled as the pad's state allows: nothing
/// while locked, no digits before a name is picked at login, ⌫ and OK once a digit is typed.
/// Physical keys send exactly what these send.
pub(crate) fn pin_keys(view: &PinPadView) -> [PadKey; 12] {
    let open = view.locked_secs.is_none();
    let who = !matches!(view.purpose, PinPurpose::Login) || view.selected.is_some();
    let typed = view.entered > 0;
    ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK"].map(|label| {
        let intent = match label {
            "⌫" => (open && typed).then_some(Intent::PinBackspace),
            "OK" => (open && who && typed).then_some(Intent::PinEnter),
            d => (open && who).then(|| Intent::PinDigit(digit(d))),
        };
        (label, intent)
    })
}

/// The amount keypad's keys in reading order (1–9, the locale's decimal separator, 0, ⌫): one
/// decimal separator at most, none for money in a currency without minor units (yen), ⌫ once
/// something is typed.
pub(crate) fn amount_keys(view: &AmountView, money: &MoneyFormat) -> [PadKey; 12] {
    let point = if money.locale.decimal() == ',' { "," } else { "." };
    let whole = money.currency.minor == 0 && view.mode != AmountMode::Percent;
    ["1", "2", "3", "4", "5", "6", "7", "8", "9", point, "0", "⌫"].map(|label| {
        let intent = match label {
            "." | "," => (!whole && !view.entered.contains('.')).then_some(Intent::AmountPoint),
            "⌫" => (!view.entered.is_empty()).then_some(Intent::AmountBackspace),
            d => Some(Intent::AmountDigit(digit(d))),
        };
        (label, intent)
    })
}

/// What a key with this label on the pad sends, if it is there and enabled.
pub(crate) fn pad_intent(keys: &[PadKey], label: &str) -> Option<Intent> {
    keys.iter().find(|(l, _)| *l == label).and_then(|(_, intent)| intent.clone())
}

/// Lays a 3×4 keypad into `r`: cells touch (so each is as big as it can be) and keys are drawn
/// inset inside them, like the on-screen keyboard.
pub(super) fn keypad(b: &mut Builder, keys: &[PadKey; 12], r: Rectangle) {
    let m = b.m;
    for (i, (label, intent)) in keys.iter().enumerate() {
        let (c, row) = (i as u32 % 3, i as u32 / 3);
        let x0 = c * r.size.width / 3;
        let x1 = (c + 1) * r.size.width / 3;
        let y0 = row * r.size.height / 4;
        let y1 = (row + 1) * r.size.height / 4;
        let cell = rect(r.top_left.x + x0 as i32, r.top_left.y + y0 as i32, x1 - x0, y1 - y0);
        let (fill, face, px) = match *label {
            "OK" => (theme::PRIMARY, Face::Bold, m.title_px),
            l if l.starts_with(|c: char| c.is_ascii_digit()) => (theme::KEY, Face::Regular, m.big_px),
            // A regular full stop is a speck at arm's length.
            "." => (theme::KEY_SPECIAL, Face::Bold, m.big_px + 6),
            _ => (theme::KEY_SPECIAL, Face::Regular, m.big_px),
        };
        let look =
            Look { inset: if m.compact { 3 } else { 5 }, radius: m.radius, face, px, ..b.look(fill, theme::TEXT) };
        b.button(cell, theme::BG, *label, look, intent.clone());
    }
}

/// How wide the keypad column is for a content width.
pub(super) fn keypad_width(m: &Metrics, content_w: u32) -> u32 {
    if m.compact { content_w * 15 / 32 } else { content_w * 43 / 100 }
}

/// `text` wrapped to the width of `r`, as a paragraph of at most `max_lines` lines taken off the top
/// of `r`; returns the rest after `gap`.
pub(super) fn lines_on_top(
    b: &mut Builder,
    r: Rectangle,
    text: &str,
    style: TextStyle,
    max_lines: usize,
    gap: u32,
) -> Rectangle {
    let lines = crate::text::wrap(text, style.face, style.px, r.size.width).len().clamp(1, max_lines);
    let (top, rest) = take_top(r, lines as u32 * line_height(style.px), gap);
    b.paragraph(top, text, style);
    rest
}

pub(super) fn pin_pad_screen(b: &mut Builder, view: &PinPadView, r: Rectangle) {
    let m = b.m;
    let (left, pad) = take_right(r, keypad_width(&m, r.size.width), m.gap);
    keypad(b, &pin_keys(view), pad);

    // Bottom first: an approval's Cancel, so the rest fits above it.
    let left = match &view.purpose {
        PinPurpose::Approve { .. } => {
            let (rest, cancel) = take_bottom(left, m.button_h, m.gap);
            let label = b.t("pinpad-cancel");
            let look = fitting(b, &label, cancel, b.secondary());
            b.button(cancel, theme::BG, label, look, Some(Intent::CancelPin));
            rest
        }
        _ => left,
    };

    // An approval names what is approved on a line of its own (two if it is long).
    let (heading, heading_lines) = match &view.purpose {
        PinPurpose::Approve { reason } => (format!("{}\n{reason}", b.t("pinpad-approval")), 3),
        _ => (view.prompt.clone(), 2),
    };
    let dots_h = if m.compact { 40 } else { 60 };
    // Over the names, a prompt that would leave no room for a row of them and the pager (a small
    // panel under a banner, a longer language) comes down to the body's type.
    let below = dots_h + 4 + line_height(m.body_px) + 2 * m.gap + 2 * m.button_h;
    let tight = matches!(view.purpose, PinPurpose::Login)
        && left.size.height < heading_lines as u32 * line_height(m.title_px) + m.gap / 2 + below;
    let heading_px = if tight { m.body_px } else { m.title_px };
    let heading_style = b.style(Face::Bold, heading_px, theme::TEXT, theme::BG, Align::Left);
    let mut rest = lines_on_top(b, left, &heading, heading_style, heading_lines, m.gap / 2);
    // Under the approval's heading the prompt takes what the dots and the error line leave (a
    // banner can leave no room for it on a small panel).
    let spare = rest.size.height.saturating_sub(dots_h + 4 + line_height(m.body_px) + m.gap / 2);
    let prompt_px = m.small_px + 1;
    let prompt_lines = (spare / line_height(prompt_px)).min(2) as usize;
    if matches!(view.purpose, PinPurpose::Approve { .. }) && !view.prompt.is_empty() && prompt_lines > 0 {
        let style = b.style(Face::Regular, prompt_px, theme::MUTED, theme::BG, Align::Left);
        rest = lines_on_top(b, rest, &view.prompt, style, prompt_lines, m.gap / 2);
    }
    let (dots_r, rest) = take_top(rest, dots_h, 4);
    pin_dots(b, view, dots_r);
    let (error_r, rest) = take_top(rest, line_height(m.body_px), m.gap);
    if let Some(error) = &view.error {
        // A long refusal steps its type down before it is cut (German and French say more).
        let steps = [(Face::Bold, m.body_px), (Face::Bold, m.small_px), (Face::Regular, m.small_px)];
        let fits = |(face, px): &(Face, u32)| measure(error, *face, *px) <= error_r.size.width;
        let (face, px) = steps.into_iter().find(fits).unwrap_or(steps[2]);
        b.text(error_r, error.clone(), b.style(face, px, theme::RED, theme::BG, Align::Left));
    }

    match &view.purpose {
        PinPurpose::Login => user_grid(b, view, rest),
        PinPurpose::FirstManager { step } => b.paragraph(
            rest,
            match step {
                FirstManagerStep::Choose => b.t("pinpad-first-manager"),
                FirstManagerStep::Confirm => b.t("pinpad-first-manager-again"),
            },
            b.style(Face::Regular, m.small_px + 1, theme::MUTED, theme::BG, Align::Left),
        ),
        PinPurpose::Approve { .. } => {}
    }
}

/// The box under the prompt: one dot per digit typed (never the digits), or how long the pad is locked.
fn pin_dots(b: &mut Builder, view: &PinPadView, r: Rectangle) {
    let m = b.m;
    b.fill(r, theme::LINE, m.radius, theme::BG);
    let field = inset(r, 2, 2);
    b.fill(field, theme::FIELD, m.radius.saturating_sub(2), theme::LINE);
    if let Some(secs) = view.locked_secs {
        let style = b.style(Face::Bold, m.body_px, theme::AMBER, theme::FIELD, Align::Center);
        let text = b.t_with("pinpad-locked", &[("count", Arg::Count(secs as i64))]);
        b.text(inset(field, m.pad, 0), text, style);
        return;
    }
    let d = if m.compact { 14 } else { 18 };
    let step = d + if m.compact { 10 } else { 14 };
    let room = field.size.width.saturating_sub(2 * m.pad);
    let shown = (view.entered as u32).min((room + step - d) / step);
    if shown == 0 {
        return;
    }
    let w = shown * step - (step - d);
    let x0 = field.top_left.x + (field.size.width - w) as i32 / 2;
    let y = field.top_left.y + (field.size.height - d) as i32 / 2;
    for i in 0..shown {
        b.push(rect(x0 + (i * step) as i32, y, d, d), theme::FIELD, Shape::Dot { color: theme::TEXT });
    }
}

/// Login: the names to pick from, two across, a page at a time.
fn user_grid(b: &mut Builder, view: &PinPadView, r: Rectangle) {
    let m = b.m;
    let cols = 2u32;
    let row_h = m.button_h;
    let gap = m.gap;
    let fit = |h: u32| ((h + gap) / (row_h + gap)).max(1);
    let total = view.users.len();
    let all_rows = fit(r.size.height);
    let (list, nav) = if total as u32 <= all_rows * cols {
        (r, None)
    } else {
        let (list, nav) = take_bottom(r, m.button_h, gap);
        (list, Some(nav))
    };
    let rows = fit(list.size.height);
    let per_page = (rows * cols) as usize;
    let pages = total.div_ceil(per_page).max(1);
    let page = view.users_page.min(pages - 1);
    let cells = columns(rect(list.top_left.x, list.top_left.y, list.size.width, row_h), &[1, 1], gap);
    for (i, name) in view.users.iter().enumerate().skip(page * per_page).take(per_page) {
        let k = (i - page * per_page) as u32;
        let col = cells[(k % cols) as usize];
        let cell = rect(col.top_left.x, col.top_left.y + ((k / cols) * (row_h + gap)) as i32, col.size.width, row_h);
        let selected = view.selected == Some(i);
        let look = Look {
            fill: if selected { theme::SELECTED } else { theme::PANEL },
            border: Some(if selected { theme::PRIMARY } else { theme::LINE }),
            face: if selected { Face::Bold } else { Face::Regular },
            ..b.look(theme::PANEL, theme::TEXT)
        };
        let label = if selected { format!("✓ {name}") } else { name.clone() };
        b.button(cell, theme::BG, label, look, Some(Intent::PickUser(i)));
    }
    let Some(nav) = nav else { return };
    let c = columns(nav, &[2, 3, 2], gap);
    let arrow = Look { px: m.title_px, ..b.secondary() };
    b.button(c[0], theme::BG, "‹", arrow, (page > 0).then(|| Intent::UsersPage(page - 1)));
    let args = [("page", Arg::Count(page as i64 + 1)), ("pages", Arg::Count(pages as i64))];
    let counter = if m.compact { b.t_with("pinpad-page-short", &args) } else { b.t_with("pinpad-page", &args) };
    // Words wider than the space between the arrows come down to the numbers.
    let counter = if measure(&counter, Face::Regular, m.small_px) <= c[1].size.width {
        counter
    } else {
        format!("{} / {pages}", page + 1)
    };
    b.text(c[1], counter, b.style(Face::Regular, m.small_px, theme::MUTED, theme::BG, Align::Center));
    b.button(c[2], theme::BG, "›", arrow, (page + 1 < pages).then(|| Intent::UsersPage(page + 1)));
}
