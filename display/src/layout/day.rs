//! The business day: the "Drawer & day" menu, and a report (X, Z, or the Z about to be made) a
//! page at a time, with its key figures beside it where the panel is wide enough.

use super::*;
use crate::i18n::Arg;

/// An action's name on its button, and what the button says under it.
fn day_words(b: &Builder, action: DayAction) -> (String, String) {
    match action {
        DayAction::PaidIn => (b.t("day-paid-in"), b.t("day-paid-in-sub")),
        DayAction::PaidOut => (b.t("day-paid-out"), b.t("day-paid-out-sub")),
        DayAction::Drop => (b.t("day-drop"), b.t("day-drop-sub")),
        DayAction::NoSale => (b.t("day-no-sale"), b.t("day-no-sale-sub")),
        DayAction::XReport => (b.t("day-x-report"), b.t("day-x-report-sub")),
        DayAction::CloseDay => (b.t("day-close-day"), b.t("day-close-day-sub")),
    }
}

pub(super) fn day_screen(b: &mut Builder, view: &DayView, r: Rectangle) {
    let m = b.m;
    let (top, bottom) = take_bottom(r, m.button_h, m.gap);
    let cols = columns(bottom, &[1, 2], m.gap);
    b.button(cols[0], theme::BG, b.t("day-back"), b.secondary(), Some(Intent::Back));
    let name = [("name", Arg::Text(&view.cashier))];
    let hint = if view.drawer { b.t_with("day-hint-drawer", &name) } else { b.t_with("day-hint-no-drawer", &name) };
    // Beside Back, centred on its height.
    side_hint(b, hint, cols[1], Align::Left);

    let tile_min = if m.compact { 72 } else { 110 };
    let title = b.t("day-title");
    let grid = title_if_room(b, top, &title, 2 * tile_min + m.gap);
    let row_h = (grid.size.height.saturating_sub(m.gap)) / 2;
    for (i, action) in DayAction::ALL.into_iter().enumerate() {
        let (c, row) = (i % 3, i as u32 / 3);
        let cells = columns(rect(grid.top_left.x, grid.top_left.y, grid.size.width, row_h), &[1, 1, 1], m.gap);
        let cell =
            rect(cells[c].top_left.x, grid.top_left.y + (row * (row_h + m.gap)) as i32, cells[c].size.width, row_h);
        let manager = action.needs_manager();
        let look = Look {
            fill: theme::PANEL,
            border: Some(if manager { theme::AMBER } else { theme::LINE }),
            px: if m.compact { m.body_px + 1 } else { m.title_px },
            sub_px: m.small_px,
            sub_text: if manager { theme::AMBER } else { theme::MUTED },
            ..b.look(theme::PANEL, theme::TEXT)
        };
        let (name, sub) = day_words(b, action);
        let look = fitting(b, &name, cell, look);
        b.button_sub(cell, theme::BG, &name, &sub, look, Some(Intent::Day(action)));
    }
}

/// A hint in small muted type in `r` (beside a button), on as many lines as it needs and `r`
/// holds, centred on its height.
pub(super) fn side_hint(b: &mut Builder, hint: String, r: Rectangle, align: Align) {
    let m = b.m;
    let lh = line_height(m.small_px);
    let fit = (r.size.height / lh).max(1) as usize;
    let n = crate::text::wrap(&hint, Face::Regular, m.small_px, r.size.width).len().clamp(1, fit) as u32;
    let hint_r = rect(r.top_left.x, r.top_left.y + (r.size.height - n * lh) as i32 / 2, r.size.width, n * lh);
    b.paragraph(hint_r, hint, b.style(Face::Regular, m.small_px, theme::MUTED, theme::BG, align));
}

/// A report line as the printer's text layout wrote it, read back for proportional type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    /// An empty line.
    Blank,
    /// A rule (a line of dashes).
    Rule,
    /// A line centred with leading spaces (titles, the store's address).
    Center(&'a str),
    /// Words on the left.
    Text(&'a str),
    /// Words on the left, an amount on the right (two or more spaces between them).
    Pair(&'a str, &'a str),
}

/// Reads one line of `print::docs::layout`'s output: a run of two or more spaces after the first
/// word separates a pair's amount; a line that starts with two spaces and has no such run was
/// centred.
pub(crate) fn piece(line: &str) -> Piece<'_> {
    let body = line.trim_end();
    let text = body.trim_start();
    if text.is_empty() {
        return Piece::Blank;
    }
    if text.len() >= 3 && text.chars().all(|c| c == '-') {
        return Piece::Rule;
    }
    let start = body.len() - text.len();
    if let Some(i) = text.rfind("  ") {
        let (left, right) = (body[..start + i].trim_end(), body[start + i..].trim_start());
        return Piece::Pair(left, right);
    }
    if start >= 2 { Piece::Center(text) } else { Piece::Text(body) }
}

/// Lines in capitals ("NET SALES", "Z REPORT 3") are the printer's bold ones.
fn shouted(text: &str) -> bool {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
}

/// The report's lines on a panel, a page at a time; returns (page shown, pages).
fn report_paper(b: &mut Builder, view: &ReportView, r: Rectangle) -> (usize, usize) {
    let m = b.m;
    b.fill(r, theme::PANEL, m.radius, theme::BG);
    let inner = inset(r, m.pad.min(12), m.pad.min(12) / 2);
    let px = m.small_px;
    let lh = line_height(px);
    let per_page = (inner.size.height / lh).max(1) as usize;
    let pages = view.lines.len().div_ceil(per_page).max(1);
    let page = view.page.min(pages - 1);
    for (i, line) in view.lines.iter().skip(page * per_page).take(per_page).enumerate() {
        let row = rect(inner.top_left.x, inner.top_left.y + (i as u32 * lh) as i32, inner.size.width, lh);
        let face = if shouted(line) { Face::Bold } else { Face::Regular };
        let style = |align| TextStyle { face, px, color: theme::TEXT, bg: theme::PANEL, align };
        match piece(line) {
            Piece::Blank => {}
            Piece::Rule => {
                let y = row.top_left.y + (lh / 2) as i32;
                b.fill(rect(row.top_left.x, y, row.size.width, 1), theme::LINE, 0, theme::PANEL);
            }
            Piece::Center(t) => b.text(row, t, style(Align::Center)),
            Piece::Text(t) => b.text(row, t, style(Align::Left)),
            Piece::Pair(left, right) => {
                let (left_r, right_r) = take_right(row, measure(right, face, px) + 4, m.gap / 2);
                b.text(left_r, left, style(Align::Left));
                b.text(right_r, right, style(Align::Right));
            }
        }
    }
    (page, pages)
}

/// The report's own action: Print (a Z), Close day (the Z about to be made), or a greyed-out
/// Print (an X: only a Z prints).
fn report_action(b: &mut Builder, kind: ReportKind, r: Rectangle) {
    match kind {
        ReportKind::X => b.button(r, theme::BG, b.t("day-print"), b.primary(), None),
        ReportKind::Z => b.button(r, theme::BG, b.t("day-print"), b.primary(), Some(Intent::PrintReport)),
        ReportKind::Closing => {
            let label = b.t("day-close");
            let look = fitting(b, &label, r, b.look(theme::GREEN, theme::TEXT));
            b.button(r, theme::BG, label, look, Some(Intent::ConfirmCloseDay))
        }
    }
}

pub(super) fn report_screen(b: &mut Builder, view: &ReportView, r: Rectangle) {
    let m = b.m;
    let arrow = Look { px: m.title_px, ..b.secondary() };
    if m.compact {
        let (paper, nav) = take_bottom(r, m.button_h, m.gap);
        let (page, pages) = report_paper(b, view, paper);
        let c = columns(nav, &[3, 2, 2, 4], m.gap);
        b.button(c[0], theme::BG, b.t("day-back"), b.secondary(), Some(Intent::Back));
        // The arrows carry the page they go to, as there is no counter between them.
        let prev = if page > 0 { format!("‹ {page}") } else { "‹".into() };
        let next = if page + 1 < pages { format!("{} ›", page + 2) } else { "›".into() };
        b.button(c[1], theme::BG, prev, arrow, (page > 0).then(|| Intent::ReportPage(page - 1)));
        b.button(c[2], theme::BG, next, arrow, (page + 1 < pages).then(|| Intent::ReportPage(page + 1)));
        report_action(b, view.kind, c[3]);
        return;
    }
    let paper_w = (r.size.width * 11 / 20).min(480);
    let (paper, side) = take_right(r, r.size.width.saturating_sub(paper_w + m.gap), m.gap);
    let (page, pages) = report_paper(b, view, paper);

    let (rest, actions) = take_bottom(side, m.button_h, m.gap);
    let (rest, nav) = take_bottom(rest, m.button_h, m.gap);
    let c = columns(actions, &[1, 1], m.gap);
    b.button(c[0], theme::BG, b.t("day-back"), b.secondary(), Some(Intent::Back));
    report_action(b, view.kind, c[1]);
    let c = columns(nav, &[1, 1, 1], m.gap);
    b.button(c[0], theme::BG, "‹", arrow, (page > 0).then(|| Intent::ReportPage(page - 1)));
    b.text(
        c[1],
        b.t_with("day-page", &[("page", Arg::Count(page as i64 + 1)), ("pages", Arg::Count(pages as i64))]),
        b.style(Face::Regular, m.small_px, theme::MUTED, theme::BG, Align::Center),
    );
    b.button(c[2], theme::BG, "›", arrow, (page + 1 < pages).then(|| Intent::ReportPage(page + 1)));

    let (title_r, mut rest) = take_top(rest, line_height(m.title_px) + 4, m.gap);
    b.text(title_r, view.title.clone(), b.style(Face::Bold, m.title_px, theme::TEXT, theme::BG, Align::Left));
    let row_h = line_height(m.body_px) + 6;
    for (label, value) in &view.figures {
        if rest.size.height < row_h {
            break;
        }
        let (row, below) = take_top(rest, row_h, 0);
        rest = below;
        let (label_r, value_r) = take_right(row, measure(value, Face::Bold, m.body_px) + 4, m.gap / 2);
        b.text(label_r, label.clone(), b.style(Face::Regular, m.body_px, theme::MUTED, theme::BG, Align::Left));
        b.text(value_r, value.clone(), b.style(Face::Bold, m.body_px, theme::TEXT, theme::BG, Align::Right));
    }
    let note = match view.kind {
        ReportKind::X => b.t("day-note-x"),
        ReportKind::Z => b.t("day-note-z"),
        ReportKind::Closing => b.t("day-note-closing"),
    };
    if rest.size.height > m.gap + line_height(m.small_px) {
        let (_, note_r) = take_top(rest, m.gap, 0);
        b.paragraph(note_r, note, b.style(Face::Regular, m.small_px, theme::MUTED, theme::BG, Align::Left));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_lines_read_back_as_the_printer_laid_them_out() {
        assert_eq!(piece(""), Piece::Blank);
        assert_eq!(piece("    "), Piece::Blank);
        assert_eq!(piece("----------------------------------------"), Piece::Rule);
        assert_eq!(piece("               X REPORT"), Piece::Center("X REPORT"));
        assert_eq!(piece("Next Z: 4"), Piece::Text("Next Z: 4"));
        assert_eq!(piece("Paid in (1)                        20.00"), Piece::Pair("Paid in (1)", "20.00"));
        assert_eq!(piece("  sales                            12.00"), Piece::Pair("  sales", "12.00"));
        assert_eq!(piece("Register R1               2026-03-02   "), Piece::Pair("Register R1", "2026-03-02"));
        assert!(shouted("NET SALES   12.00") && !shouted("Net sales") && !shouted("-- 1"));
    }
}
