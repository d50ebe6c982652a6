//! The conflicts screen: cards a manager reads and resolves, a page at a time.

use super::*;
use crate::i18n::Arg;

/// How tall a conflict's card must be for its head line and three or four lines of its sentence.
pub(super) fn conflict_card_min_h(m: &Metrics) -> u32 {
    if m.compact { 96 } else { 120 }
}

pub(super) fn conflicts_screen(b: &mut Builder, view: &ConflictsView, r: Rectangle) {
    let m = b.m;
    let (top, nav) = take_bottom(r, m.button_h, m.gap);
    let card_min = conflict_card_min_h(&m);
    // Two cards per page come first; the title shows only where it costs none of them.
    let title = b.t("conflicts-title");
    let list = title_if_room(b, top, &title, 2 * card_min + m.gap);
    let per_page = ((list.size.height + m.gap) / (card_min + m.gap)).max(1) as usize;
    let total = view.conflicts.len();
    let pages = total.div_ceil(per_page).max(1);
    let page = view.page.min(pages - 1);
    if total == 0 {
        b.paragraph(
            list,
            b.t("conflicts-none"),
            b.style(Face::Regular, m.body_px, theme::MUTED, theme::BG, Align::Left),
        );
    }
    let card_h = ((list.size.height + m.gap) / per_page as u32).saturating_sub(m.gap);
    let shown: Vec<&ConflictEntry> = view.conflicts.iter().skip(page * per_page).take(per_page).collect();
    for (i, c) in shown.iter().enumerate() {
        let card =
            rect(list.top_left.x, list.top_left.y + (i as u32 * (card_h + m.gap)) as i32, list.size.width, card_h);
        conflict_card(b, c, card);
    }

    let c = columns(nav, &[3, 2, 3, 2], m.gap);
    b.button(c[0], theme::BG, b.t("conflicts-back"), b.secondary(), Some(Intent::Back));
    if total > 0 {
        let first = page * per_page + 1;
        let last = first + shown.len().saturating_sub(1);
        let count = Arg::Count(total as i64);
        let counter = if first == last {
            b.t_with("conflicts-one-of", &[("first", Arg::Count(first as i64)), ("count", count)])
        } else {
            let (first, last) = (Arg::Count(first as i64), Arg::Count(last as i64));
            b.t_with("conflicts-range-of", &[("first", first), ("last", last), ("count", count)])
        };
        b.text(c[2], counter, b.style(Face::Regular, m.small_px, theme::MUTED, theme::BG, Align::Center));
    }
    let arrow = Look { px: m.title_px, ..b.secondary() };
    b.button(c[1], theme::BG, "‹", arrow, (page > 0).then(|| Intent::ConflictsPage(page - 1)));
    b.button(c[3], theme::BG, "›", arrow, (page + 1 < pages).then(|| Intent::ConflictsPage(page + 1)));
}

/// One conflict: kind and subject, what is at stake, the sentence, and Resolve.
pub(super) fn conflict_card(b: &mut Builder, c: &ConflictEntry, card: Rectangle) {
    let m = b.m;
    b.fill(card, theme::PANEL, m.radius, theme::BG);
    let inner = inset(card, m.pad.min(12), m.pad / 2);
    let (text_r, button_col) = take_right(inner, if m.compact { 100 } else { 150 }, m.gap);
    let button_h = m.button_h.min(button_col.size.height);
    let button = rect(
        button_col.top_left.x,
        button_col.top_left.y + (button_col.size.height - button_h) as i32 / 2,
        button_col.size.width,
        button_h,
    );
    let label = b.t("conflicts-resolve");
    let look = fitting(b, &label, button, b.primary());
    b.button(button, theme::PANEL, label, look, Some(Intent::ResolveConflict(c.id.clone())));

    let (head, sentence) = take_top(text_r, line_height(m.body_px), 2);
    let stake_w = measure(&c.at_stake, Face::Bold, m.body_px) + 4;
    let (title_r, stake_r) = take_right(head, stake_w, m.gap);
    // The subject is in the sentence too, so a narrow card keeps the kind whole and drops it here.
    let full = format!("{} · {}", c.kind, c.subject);
    let title = if measure(&full, Face::Bold, m.body_px) <= title_r.size.width { full } else { c.kind.clone() };
    b.text(title_r, title, b.style(Face::Bold, m.body_px, theme::TEXT, theme::PANEL, Align::Left));
    b.text(stake_r, c.at_stake.clone(), b.style(Face::Bold, m.body_px, theme::AMBER, theme::PANEL, Align::Right));
    b.paragraph(
        sentence,
        c.summary.clone(),
        b.style(Face::Regular, m.small_px, theme::TEXT, theme::PANEL, Align::Left),
    );
}
