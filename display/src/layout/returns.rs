//! The return screen: an order's lines with − and + for what comes back, restock, the refund's
//! tender, and the refund.

use super::*;

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
    let title = format!("Return · Order {}", view.order_number);
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
    let anything = view.lines.iter().any(|l| l.selected > 0);
    let hint = if pages > 1 {
        let first = page * per_page + 1;
        let last = (first + per_page - 1).min(view.lines.len());
        if first == last {
            format!("{first} of {}", view.lines.len())
        } else {
            format!("{first}–{last} of {}", view.lines.len())
        }
    } else if anything {
        String::new()
    } else {
        "Tap + on what comes back".to_string()
    };
    b.text(hint_r, hint, b.style(Face::Regular, m.small_px, theme::MUTED, theme::BG, Align::Right));

    if view.lines.is_empty() {
        b.paragraph(
            list,
            "This order has no lines to return.",
            b.style(Face::Regular, m.body_px, theme::MUTED, theme::BG, Align::Left),
        );
    }
    for (n, (i, line)) in view.lines.iter().enumerate().skip(page * per_page).take(per_page).enumerate() {
        let row = rect(list.top_left.x, list.top_left.y + (n as u32 * (row_h + gap)) as i32, list.size.width, row_h);
        return_line(b, i, line, row);
    }

    let c = columns(bar, &[3, 4, 4, 5], m.gap);
    b.button(c[0], theme::BG, "‹ Back", b.secondary(), Some(Intent::Back));
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
    let restock = if view.restock { "✓ Yes" } else { "No" };
    b.button_sub(c[1], theme::BG, "Restock", restock, setting(b, view.restock), Some(Intent::ToggleRestock));
    let tender = setting(b, false);
    b.button_sub(c[2], theme::BG, "Refund to", &view.refund_tender, tender, Some(Intent::PickRefundTender));
    let confirm = Look { sub_text: theme::TEXT, sub_px: m.body_px, ..b.primary() };
    if view.can_void && !anything {
        // Nothing picked and nothing came back yet: the whole order can be voided instead (a
        // manager approves); picking a line turns the button into Refund.
        let void = Look { sub_text: theme::MUTED, sub_px: m.small_px, ..b.secondary() };
        b.button_sub(c[3], theme::BG, "Void order", "or pick lines", void, Some(Intent::VoidOrder));
        return;
    }
    b.button_sub(
        c[3],
        theme::BG,
        "Refund",
        &b.money.format(view.refund_cents),
        confirm,
        anything.then_some(Intent::ConfirmReturn),
    );
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
    let sold = match line.returned_already {
        0 => format!("{} sold", line.sold),
        n => format!("{} sold · {n} returned before", line.sold),
    };
    b.text(
        rect(text_r.top_left.x, top + lh as i32, text_r.size.width, small_lh),
        sold,
        b.style(Face::Regular, m.small_px, theme::MUTED, theme::PANEL, Align::Left),
    );

    if done {
        b.text(
            inset(controls, m.pad.min(12), 0),
            "all returned",
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
        format!("of {left}"),
        b.style(Face::Regular, m.small_px, theme::MUTED, theme::PANEL, Align::Center),
    );
}
