//! Paying: the split-tender screen, and the amount keypad (cash handed over, discounts, price
//! overrides).

use super::*;

pub(super) fn pay_screen(b: &mut Builder, view: &PayView, r: Rectangle) {
    let m = b.m;
    let (top, bottom) = take_bottom(r, m.button_h, m.gap);
    let cols = columns(bottom, &[2, 3], m.gap);
    b.button(cols[0], theme::BG, b.t("pay-back"), b.secondary(), Some(Intent::Back));
    let finish = b.look(theme::GREEN, theme::TEXT);
    b.button(cols[1], theme::BG, b.t("pay-finish"), finish, view.fully_paid().then_some(Intent::FinishSale));

    let panel_w = if m.compact { top.size.width * 11 / 20 } else { top.size.width * 3 / 5 };
    let (panel, tenders) = take_right(top, top.size.width.saturating_sub(panel_w + m.gap), m.gap);
    pay_summary(b, view, panel);
    tender_buttons(b, view, tenders);
}

/// The order's total, the tenders taken (each with ×), and what is left or the change.
fn pay_summary(b: &mut Builder, view: &PayView, r: Rectangle) {
    let m = b.m;
    b.fill(r, theme::PANEL, m.radius, theme::BG);
    let inner = inset(r, m.pad.min(12), m.pad.min(12) / 2);
    let (rest, result_r) = take_bottom(inner, line_height(m.big_px) + 4, 4);
    // With cash rounding, what the rest comes to in cash sits right above it.
    let rest = match view.cash_due_cents.filter(|_| !view.fully_paid()) {
        Some(cash) => {
            let (rest, line) = take_bottom(rest, line_height(m.body_px), 2);
            let (label, value) = take_right(line, line.size.width / 2, 0);
            let muted = b.style(Face::Regular, m.small_px + 1, theme::MUTED, theme::PANEL, Align::Left);
            b.text(label, b.t("pay-in-cash"), muted);
            b.text(
                value,
                b.money.format(cash),
                b.style(Face::Bold, m.body_px, theme::AMBER, theme::PANEL, Align::Right),
            );
            rest
        }
        None => rest,
    };
    let (total_r, mut list) = take_top(rest, line_height(m.body_px) + 8, 0);
    let (total_label, total_value) = take_right(total_r, total_r.size.width / 2, 0);
    b.text(
        total_label,
        b.t("pay-total-due"),
        b.style(Face::Regular, m.body_px, theme::MUTED, theme::PANEL, Align::Left),
    );
    b.text(
        total_value,
        b.money.format(view.total_cents),
        b.style(Face::Bold, m.body_px, theme::TEXT, theme::PANEL, Align::Right),
    );

    if view.applied.is_empty() {
        let text = b.t("pay-how");
        b.paragraph(list, text, b.style(Face::Regular, m.small_px + 1, theme::MUTED, theme::PANEL, Align::Left));
    } else {
        let row_h = if m.compact { 48 } else { 52 };
        let fit = (list.size.height / row_h) as usize;
        // Like the cart: when the tenders do not all fit, the latest show under a count of the others.
        let (skip, fit) = if view.applied.len() > fit {
            let (note, rest) = take_top(list, line_height(m.small_px), 0);
            let fit = (rest.size.height / row_h) as usize;
            let skip = view.applied.len() - fit;
            b.text(
                note,
                b.t_with("pay-earlier", &[("count", crate::i18n::Arg::Count(skip as i64))]),
                b.style(Face::Regular, m.small_px, theme::MUTED, theme::PANEL, Align::Left),
            );
            list = rest;
            (skip, fit)
        } else {
            (0, fit)
        };
        for (i, tender) in view.applied.iter().enumerate().skip(skip).take(fit) {
            let (row, rest) = take_top(list, row_h, 0);
            list = rest;
            b.fill(rect(row.top_left.x, row.top_left.y, row.size.width, 1), theme::LINE, 0, theme::PANEL);
            let (main, remove) = take_right(row, 48, 0);
            let amount = b.money.format(tender.amount_cents);
            let amount_w = measure(&amount, Face::Bold, m.body_px) + 4;
            let (name_r, amount_r) = take_right(main, amount_w, m.gap / 2);
            let style = b.style(Face::Regular, m.body_px, theme::TEXT, theme::PANEL, Align::Left);
            b.text(name_r, tender.name.clone(), style);
            b.text(amount_r, amount, b.style(Face::Bold, m.body_px, theme::TEXT, theme::PANEL, Align::Right));
            let look = Look { inset: 4, px: m.title_px, ..b.look(theme::SECONDARY, theme::TEXT) };
            b.button(remove, theme::PANEL, "×", look, Some(Intent::RemoveTender(i)));
        }
    }

    b.fill(rect(result_r.top_left.x, result_r.top_left.y, result_r.size.width, 1), theme::LINE, 0, theme::PANEL);
    let (label, value, color) = if !view.fully_paid() {
        (b.t("pay-remaining"), b.money.format(view.remaining_cents), theme::AMBER)
    } else if view.change_cents > 0 {
        (b.t("pay-change"), b.money.format(view.change_cents), theme::GREEN)
    } else {
        (b.t("pay-paid-in-full"), "✓".to_string(), theme::GREEN)
    };
    // The amount takes what it needs (up to three fifths); the words the rest, in the small font
    // when they are longer (Reste à payer).
    let value_w = (measure(&value, Face::Bold, m.big_px) + 2).min(result_r.size.width * 3 / 5);
    let (label_r, value_r) = take_right(result_r, value_w, m.gap);
    let px = if measure(&label, Face::Regular, m.body_px) <= label_r.size.width { m.body_px } else { m.small_px };
    b.text(label_r, label, b.style(Face::Regular, px, theme::MUTED, theme::PANEL, Align::Left));
    b.text(value_r, value, b.style(Face::Bold, m.big_px, color, theme::PANEL, Align::Right));
}

/// One button per tender the store takes, stacked (two across when one column cannot hold them);
/// greyed out once the order is fully paid.
fn tender_buttons(b: &mut Builder, view: &PayView, r: Rectangle) {
    let m = b.m;
    let n = view.tenders.len() as u32;
    if n == 0 {
        return;
    }
    let gap = m.gap;
    let max_rows = ((r.size.height + gap) / (MIN_TARGET + gap)).max(1);
    let cols = if n <= max_rows { 1 } else { 2 };
    let rows = n.div_ceil(cols).min(max_rows);
    let row_h = ((r.size.height + gap) / rows - gap).min(m.button_h * 3 / 2);
    let cells = columns(rect(r.top_left.x, r.top_left.y, r.size.width, row_h), &vec![1; cols as usize], gap);
    let open = !view.fully_paid();
    for (i, name) in view.tenders.iter().enumerate().take((rows * cols) as usize) {
        let col = cells[i % cols as usize];
        let y = col.top_left.y + ((i as u32 / cols) * (row_h + gap)) as i32;
        let cell = rect(col.top_left.x, y, col.size.width, row_h);
        b.button(cell, theme::BG, name.clone(), b.primary(), open.then_some(Intent::PickTender(i)));
    }
}

/// What the amount keypad's OK sends: nothing until a digit is typed.
pub(crate) fn amount_ok(view: &AmountView) -> Option<Intent> {
    view.entered.chars().any(|c| c.is_ascii_digit()).then_some(Intent::AmountEnter)
}

pub(super) fn amount_screen(b: &mut Builder, view: &AmountView, r: Rectangle) {
    let m = b.m;
    let (left, pad) = take_right(r, keypad_width(&m, r.size.width), m.gap);
    keypad(b, &amount_keys(view, &b.money), pad);

    let (mut rest, bottom) = take_bottom(left, m.button_h, m.gap);
    let c = columns(bottom, &[1, 1], m.gap);
    b.button(c[0], theme::BG, b.t("amount-cancel"), b.secondary(), Some(Intent::CancelAmount));
    b.button(c[1], theme::BG, b.t("amount-ok"), b.primary(), amount_ok(view));
    if view.allow_percent {
        let (above, row) = take_bottom(rest, m.button_h, m.gap);
        mode_toggle(b, view, row);
        rest = above;
    }
    if !view.quick.is_empty() {
        let (above, row) = take_bottom(rest, m.button_h, m.gap);
        quick_row(b, view, row);
        rest = above;
    }

    // The hint wraps to a second line rather than losing its end ("…a manager approves").
    let hint_style = b.style(Face::Regular, m.body_px, theme::TEXT, theme::BG, Align::Left);
    let hint_lines = match &view.hint {
        Some(hint) => crate::text::wrap(hint, Face::Regular, m.body_px, rest.size.width).len().clamp(1, 2) as u32,
        None => 0,
    };
    let hint_h = hint_lines * line_height(m.body_px);
    let rest = title_if_room(b, rest, &view.title, m.button_h + 4 + hint_h);
    let (field_r, hint_r) = take_top(rest, m.button_h, 4);
    b.fill(field_r, theme::LINE, m.radius, theme::BG);
    let field = inset(field_r, 2, 2);
    b.fill(field, theme::FIELD, m.radius.saturating_sub(2), theme::LINE);
    // As typed, in the locale's way (`12,5` in German), with the currency's symbol where it goes.
    let typed = view.entered.replace('.', &b.money.locale.decimal().to_string());
    let (shown, color) = match (view.mode, view.entered.is_empty()) {
        (AmountMode::Money | AmountMode::Price, true) => (b.money.format(0), theme::MUTED),
        (AmountMode::Money | AmountMode::Price, false) => (b.money.with_symbol(&typed), theme::TEXT),
        (AmountMode::Percent, true) => ("0 %".to_string(), theme::MUTED),
        (AmountMode::Percent, false) => (format!("{typed} %"), theme::TEXT),
    };
    b.push(
        inset(field, m.pad, 0),
        theme::FIELD,
        Shape::TextTail { text: shown, style: b.style(Face::Bold, m.big_px, color, theme::FIELD, Align::Right) },
    );
    if let Some(hint) = &view.hint {
        let (hint_r, _) = take_top(hint_r, hint_h, 0);
        b.paragraph(hint_r, hint.clone(), hint_style);
    }
}

/// The quick amounts, side by side; a label without a digit ("Exact") shows its amount under it.
fn quick_row(b: &mut Builder, view: &AmountView, r: Rectangle) {
    let m = b.m;
    let fit = ((r.size.width + m.gap) / (64 + m.gap)).max(1) as usize;
    let shown = view.quick.len().min(fit);
    let cells = columns(r, &vec![1; shown], m.gap);
    // Amounts that do not fit in the button's font (¥10,000 on the small screen) are written in
    // the small one rather than cut.
    let room = cells.iter().map(|c| label_room(*c)).min().unwrap_or(0);
    let fits = view.quick.iter().take(shown).all(|(label, _)| measure(label, Face::Bold, m.body_px) <= room);
    let px = if fits { m.body_px } else { m.small_px };
    for (i, (cell, (label, cents))) in cells.into_iter().zip(&view.quick).enumerate() {
        let look = Look { px, sub_px: m.small_px, ..b.secondary() };
        let intent = Some(Intent::QuickAmount(i));
        if label.chars().any(|c| c.is_ascii_digit()) {
            b.button(cell, theme::BG, label.clone(), look, intent);
        } else {
            b.button_sub(cell, theme::BG, label, &b.money.format(*cents), look, intent);
        }
    }
}

/// What a tap on a mode of the toggle (or its key, '%' or '$') sends: a discount's pad flips
/// between its two modes; a cart line's, which offers a new price too, names the mode.
pub(crate) fn mode_intent(view: &AmountView, mode: AmountMode) -> Intent {
    if view.allow_price { Intent::PickAmountMode(mode) } else { Intent::ToggleDiscountMode }
}

/// Money or percent, as two halves (a cart line's pad: a third, its new price): the one in force
/// is marked, another switches to it.
fn mode_toggle(b: &mut Builder, view: &AmountView, r: Rectangle) {
    let m = b.m;
    let symbol = b.money.currency.symbol().to_string();
    let args = [("symbol", crate::i18n::Arg::Text(&symbol))];
    // Each mode's words, and what it comes down to where the words do not fit.
    let modes: Vec<(AmountMode, String, String)> = if view.allow_price {
        vec![
            (AmountMode::Money, b.t_with("amount-mode-off", &args), symbol.clone()),
            (AmountMode::Percent, b.t("amount-mode-percent-off"), "%".into()),
            (AmountMode::Price, b.t("amount-mode-price"), b.t("amount-mode-price")),
        ]
    } else {
        vec![
            (AmountMode::Money, b.t_with("amount-mode-amount", &args), symbol.clone()),
            (AmountMode::Percent, b.t("amount-mode-percent"), "%".into()),
        ]
    };
    let cells = columns(r, &vec![1; modes.len()], m.gap);
    // Longer words (French, Spanish) step down to the small font, then to the symbols alone,
    // rather than being cut.
    let room = cells.iter().map(|c| label_room(*c)).min().unwrap_or(0);
    let fit = |px: u32| modes.iter().all(|(_, l, _)| measure(l, Face::Bold, px) <= room);
    let (px, short) = if fit(m.body_px) {
        (m.body_px, false)
    } else if fit(m.small_px) {
        (m.small_px, false)
    } else {
        (m.body_px, true)
    };
    for (cell, (this, words, symbols)) in cells.into_iter().zip(modes) {
        let label = if short { symbols } else { words };
        if this == view.mode {
            b.fill(cell, theme::PRIMARY, m.radius, theme::BG);
            let inner = inset(cell, 2, 2);
            b.fill(inner, theme::SELECTED, m.radius.saturating_sub(2), theme::PRIMARY);
            let text_r = inset(inner, 8, 0);
            // The tick where it fits; the colour alone says which is in force on a narrow panel.
            let ticked = format!("✓ {label}");
            let shown = if measure(&ticked, Face::Bold, px) <= text_r.size.width { ticked } else { label };
            b.text(text_r, shown, b.style(Face::Bold, px, theme::TEXT, theme::SELECTED, Align::Center));
        } else {
            b.button(cell, theme::BG, label, Look { px, ..b.secondary() }, Some(mode_intent(view, this)));
        }
    }
}
