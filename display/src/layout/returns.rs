//! The return screen: an order's lines with − and + for what comes back, restock, the refund's
//! tender, and the refund.

use super::*;
use crate::i18n::Arg;

pub(super) fn return_screen(b: &mut Builder, view: &ReturnView, r: Rectangle) {
    let m = b.m;
    let (top, bar) = take_bottom(r, m.button_h, m.gap);
    let (head, list) = take_top(top, MIN_TARGET, m.gap / 2);
    let row_h = if m.compact { MIN_TARGET } else { 56 };
    let gap = m.gap / 2;
    let per_page = ((list.size.height + gap) / (row_h + gap)).max(1) as usize;
    let pages = view.lines.len().div_ceil(per_page).max(1);
    let page = view.page.min(pages - 1);

    // The head: which order, then a hint or the page arrows.
    let head = if pages > 1 {
        let (rest, nav) = take_right(head, 2 * MIN_TARGET + gap, m.gap);
        let c = columns(nav, &[1, 1], gap);
        let arrow = Look { px: m.title_px, ..b.secondary() };
        b.button(c[0], theme::BG, "‹", arrow, (page > 0).then_some(Intent::PrevPage));
        b.button(c[1], theme::BG, "›", arrow, (page + 1 < pages).then_some(Intent::NextPage));
        rest
    } else {
        head
    };
    let anything = view.lines.iter().any(|l| l.selected > 0);
    let hint = if pages > 1 {
        let first = page * per_page + 1;
        let last = (first + per_page - 1).min(view.lines.len());
        let count = Arg::Count(view.lines.len() as i64);
        if first == last {
            b.t_with("returns-one-of", &[("first", Arg::Count(first as i64)), ("count", count)])
        } else {
            let (first, last) = (Arg::Count(first as i64), Arg::Count(last as i64));
            b.t_with("returns-range-of", &[("first", first), ("last", last), ("count", count)])
        }
    } else if anything {
        String::new()
    } else {
        b.t("returns-hint")
    };
    // Without the word for "order" where the whole title does not fit (beside the page counter).
    let order = [("order", Arg::Text(&view.order_number))];
    let title = b.t_with("returns-title", &order);
    let counter_w = if pages > 1 { measure(&hint, Face::Regular, m.small_px) + m.gap } else { 0 };
    let title = if measure(&title, Face::Bold, m.title_px) + counter_w <= head.size.width {
        title
    } else {
        b.t_with("returns-title-short", &order)
    };
    let title_w = measure(&title, Face::Bold, m.title_px).min(head.size.width);
    let (title_r, hint_r) = (
        rect(head.top_left.x, head.top_left.y, title_w, head.size.height),
        rect(
            head.top_left.x + (title_w + m.gap) as i32,
            head.top_left.y,
            head.size.width.saturating_sub(title_w + m.gap),
            head.size.height,
        ),
    );
    b.text(title_r, title, b.style(Face::Bold, m.title_px, theme::TEXT, theme::BG, Align::Left));
    b.text(hint_r, hint, b.style(Face::Regular, m.small_px, theme::MUTED, theme::BG, Align::Right));

    if view.lines.is_empty() {
        b.paragraph(
            list,
            b.t("returns-empty"),
            b.style(Face::Regular, m.body_px, theme::MUTED, theme::BG, Align::Left),
        );
    }
    for (n, (i, line)) in view.lines.iter().enumerate().skip(page * per_page).take(per_page).enumerate() {
        let row = rect(list.top_left.x, list.top_left.y + (n as u32 * (row_h + gap)) as i32, list.size.width, row_h);
        return_line(b, i, line, row);
    }

    let c = columns(bar, &[3, 4, 4, 5], m.gap);
    let back = b.t("returns-back");
    let look = fitting(b, &back, c[0], b.secondary());
    b.button(c[0], theme::BG, back, look, Some(Intent::Back));
    // Restock and tender: what they are set to, large, under what they are, small.
    let setting = |b: &Builder, on: bool| Look {
        text: theme::MUTED,
        px: m.small_px,
        sub_text: theme::TEXT,
        sub_px: m.body_px,
        fill: if on { theme::SELECTED } else { theme::SECONDARY },
        border: on.then_some(theme::PRIMARY),
        ..b.secondary()
    };
    let restock = if view.restock { b.t("returns-yes") } else { b.t("returns-no") };
    let (label, look) =
        long_or_short(b, b.t("returns-restock"), b.t("returns-restock-short"), c[1], setting(b, view.restock));
    b.button_sub(c[1], theme::BG, &label, &restock, look, Some(Intent::ToggleRestock));
    let (label, look) =
        long_or_short(b, b.t("returns-refund-to"), b.t("returns-refund-to-short"), c[2], setting(b, false));
    b.button_sub(c[2], theme::BG, &label, &view.refund_tender, look, Some(Intent::PickRefundTender));
    let confirm = Look { sub_text: theme::TEXT, sub_px: m.body_px, ..b.primary() };
    if view.can_void && !anything {
        // Nothing picked and nothing came back yet: the whole order can be voided instead (a
        // manager approves); picking a line turns the button into Refund.
        let void = Look { sub_text: theme::MUTED, sub_px: m.small_px, ..b.secondary() };
        let (label, sub) = (b.t("returns-void"), b.t("returns-void-sub"));
        let void = fitting(b, &label, c[3], void);
        b.button_sub(c[3], theme::BG, &label, &sub, void, Some(Intent::VoidOrder));
        return;
    }
    let label = b.t("returns-refund");
    let confirm = fitting(b, &label, c[3], confirm);
    b.button_sub(
        c[3],
        theme::BG,
        &label,
        &b.money.format(view.refund_cents),
        confirm,
        anything.then_some(Intent::ConfirmReturn),
    );
}

/// A button's `long` label in `look` stepped down to fit `cell`; the `short` one where even the
/// small regular type does not hold the long one.
fn long_or_short(b: &Builder, long: String, short: String, cell: Rectangle, look: Look) -> (String, Look) {
    let fits = fitting(b, &long, cell, look);
    if measure(&long, fits.face, fits.px) <= label_room(cell) {
        (long, fits)
    } else {
        let fits = fitting(b, &short, cell, look);
        (short, fits)
    }
}

/// One line of the order: name and what happened to it, the refund for what is selected, and
/// − count + (or "all returned", greyed, when nothing is left to take back).
fn return_line(b: &mut Builder, i: usize, line: &ReturnLineView, row: Rectangle) {
    let m = b.m;
    b.fill(row, theme::PANEL, m.radius, theme::BG);
    let left = line.sold.saturating_sub(line.returned_already);
    let done = left == 0;
    let step = if m.compact { MIN_TARGET } else { 56 };
    let count_w = if m.compact { 44 } else { 64 };
    let (rest, controls) = take_right(row, 2 * step + count_w, 0);
    let amount = if line.selected > 0 { b.money.format(line.refund_cents) } else { String::new() };
    let amount_w = measure(&amount, Face::Bold, m.body_px) + 4;
    let (text_r, amount_r) = take_right(inset(rest, m.pad.min(12), 0), amount_w, m.gap);
    b.text(amount_r, amount, b.style(Face::Bold, m.body_px, theme::TEXT, theme::PANEL, Align::Right));

    let (lh, small_lh) = (line_height(m.body_px), line_height(m.small_px));
    let top = text_r.top_left.y + (text_r.size.height.saturating_sub(lh + small_lh) / 2) as i32;
    let name_color = if done { theme::MUTED } else { theme::TEXT };
    b.text(
        rect(text_r.top_left.x, top, text_r.size.width, lh),
        line.name.clone(),
        b.style(Face::Bold, m.body_px, name_color, theme::PANEL, Align::Left),
    );
    let sold = b.t_with("returns-sold", &[("count", Arg::Count(i64::from(line.sold)))]);
    let sold = match line.returned_already {
        0 => sold,
        n => format!("{sold} · {}", b.t_with("returns-returned-before", &[("count", Arg::Count(i64::from(n)))])),
    };
    b.text(
        rect(text_r.top_left.x, top + lh as i32, text_r.size.width, small_lh),
        sold,
        b.style(Face::Regular, m.small_px, theme::MUTED, theme::PANEL, Align::Left),
    );

    if done {
        b.text(
            inset(controls, m.pad.min(12), 0),
            b.t("returns-all-returned"),
            b.style(Face::Regular, m.body_px, theme::MUTED, theme::PANEL, Align::Center),
        );
        return;
    }
    let minus = rect(controls.top_left.x, controls.top_left.y, step, controls.size.height);
    let count = rect(controls.top_left.x + step as i32, controls.top_left.y, count_w, controls.size.height);
    let plus = rect(count.top_left.x + count_w as i32, controls.top_left.y, step, controls.size.height);
    let look = Look { inset: 4, px: m.title_px, ..b.look(theme::SECONDARY, theme::TEXT) };
    let delta = |delta: i32| Intent::ReturnQty { line: i, delta };
    b.button(minus, theme::PANEL, "–", look, (line.selected > 0).then(|| delta(-1)));
    b.button(plus, theme::PANEL, "+", look, (line.selected < left).then(|| delta(1)));
    let top = count.top_left.y + (count.size.height.saturating_sub(lh + small_lh) / 2) as i32;
    b.text(
        rect(count.top_left.x, top, count_w, lh),
        line.selected.to_string(),
        b.style(Face::Bold, m.body_px, theme::TEXT, theme::PANEL, Align::Center),
    );
    b.text(
        rect(count.top_left.x, top + lh as i32, count_w, small_lh),
        b.t_with("returns-left", &[("count", Arg::Count(i64::from(left)))]),
        b.style(Face::Regular, m.small_px, theme::MUTED, theme::PANEL, Align::Center),
    );
}
