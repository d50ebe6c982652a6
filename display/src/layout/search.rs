//! The product search screen: the query, the matching products a page at a time, and the keys.

use super::*;
use crate::i18n::Arg;

/// The height of one key row, and of one row of results.
fn row_h(m: &Metrics) -> u32 {
    if m.compact { MIN_TARGET } else { 56 }
}

pub(super) fn search_screen(b: &mut Builder, view: &SearchView, body: Rectangle) {
    let m = b.m;
    // As on the keyboard screen, a small panel's keys run edge to edge to reach 48 px each; what
    // is left over them is the search box and one row of results.
    let gap = if m.compact { 4 } else { m.pad / 2 };
    let area = inset(body, 0, if m.compact { 2 } else { m.pad / 2 });
    let (upper, keys) = take_bottom(area, 4 * row_h(&m), gap);
    let keys = inset(keys, if m.compact { 0 } else { m.pad }, 0);
    let upper = inset(upper, m.pad, 0);
    let (strip, results) = take_top(upper, if m.compact { 28 } else { MIN_TARGET }, gap);
    let pages = search_results(b, view, results);
    search_box(b, view, strip, pages);
    let done = b.t("setup-key-done");
    key_grid(b, keys, view.layer, (&done, Intent::Back));
}

/// The box showing the query as typed, and how many products match.
fn search_box(b: &mut Builder, view: &SearchView, r: Rectangle, pages: Option<(usize, usize)>) {
    let m = b.m;
    b.fill(r, theme::LINE, m.radius, theme::BG);
    let field = inset(r, 2, 2);
    b.fill(field, theme::FIELD, m.radius.saturating_sub(2), theme::LINE);
    let inner = inset(field, m.pad, 0);
    let found = match view.results.len() {
        // No count without a query, nor for none: the results area says so in words.
        0 => String::new(),
        _ if view.query.is_empty() => String::new(),
        n => {
            let count = ("count", Arg::Count(n as i64));
            let found = b.t_with("search-found", &[count]);
            match pages {
                Some((page, pages)) => {
                    let words = b.t_with(
                        "search-found-page",
                        &[count, ("page", Arg::Count(page as i64 + 1)), ("pages", Arg::Count(pages as i64))],
                    );
                    // The page in numbers where the words take more than a third of the box.
                    let fits = measure(&words, Face::Regular, m.small_px) <= inner.size.width / 3;
                    if fits { words } else { format!("{found} · {}/{pages}", page + 1) }
                }
                None => found,
            }
        }
    };
    let found_w = measure(&found, Face::Regular, m.small_px).min(inner.size.width / 3);
    let (left, found_r) = take_right(inner, found_w, m.gap);
    b.text(found_r, found, b.style(Face::Regular, m.small_px, theme::MUTED, theme::FIELD, Align::Right));
    let label = b.t("search-label");
    let label_w = measure(&label, Face::Regular, m.small_px);
    b.text(
        rect(left.top_left.x, left.top_left.y, label_w, left.size.height),
        label,
        b.style(Face::Regular, m.small_px, theme::MUTED, theme::FIELD, Align::Left),
    );
    let query_r = rect(
        left.top_left.x + (label_w + m.gap) as i32,
        left.top_left.y,
        left.size.width.saturating_sub(label_w + m.gap),
        left.size.height,
    );
    b.push(
        query_r,
        theme::FIELD,
        Shape::TextTail {
            text: format!("{}|", view.query),
            style: b.style(Face::Regular, m.body_px, theme::TEXT, theme::FIELD, Align::Left),
        },
    );
}

/// The matching products as tiles, a page at a time with arrows when they do not all fit; returns
/// the page showing and the number of pages when there is more than one.
fn search_results(b: &mut Builder, view: &SearchView, r: Rectangle) -> Option<(usize, usize)> {
    let m = b.m;
    let row_h = row_h(&m);
    let gap = m.gap / 2;
    let rows = ((r.size.height + gap) / (row_h + gap)).max(1);
    let cols = if m.compact { 2 } else { 3 };
    if view.results.is_empty() {
        let text = if view.query.trim().is_empty() {
            b.t("search-hint")
        } else {
            b.t_with("search-no-match", &[("query", Arg::Text(&view.query))])
        };
        let line = rect(r.top_left.x, r.top_left.y, r.size.width, row_h.min(r.size.height));
        b.text(line, text, b.style(Face::Regular, m.body_px, theme::MUTED, theme::BG, Align::Left));
        return None;
    }
    let per_page = (cols * rows) as usize;
    let paged = view.results.len() > per_page;
    // Arrows stand in a column at the right: stacked when there are two rows, side by side in one.
    let nav_w = if rows >= 2 { row_h } else { 2 * MIN_TARGET + gap };
    let (grid, nav) = if paged { take_right(r, nav_w, m.gap) } else { (r, r) };
    let pages = view.results.len().div_ceil(per_page);
    let page = view.page.min(pages - 1);
    let tile_w = (grid.size.width + gap) / cols - gap;
    for (i, p) in view.results.iter().skip(page * per_page).take(per_page).enumerate() {
        let (c, rr) = (i as u32 % cols, i as u32 / cols);
        let tile = rect(
            grid.top_left.x + (c * (tile_w + gap)) as i32,
            grid.top_left.y + (rr * (row_h + gap)) as i32,
            tile_w,
            row_h,
        );
        let look = Look {
            fill: theme::TILE,
            border: Some(theme::LINE),
            sub_text: theme::GREEN,
            align: Align::Left,
            ..b.look(theme::TILE, theme::TEXT)
        };
        b.button_sub(
            tile,
            theme::BG,
            &p.name,
            &b.money.format(p.price_cents),
            look,
            Some(Intent::AddToCart(p.sku.clone())),
        );
    }
    if !paged {
        return None;
    }
    let (prev_r, next_r) = if rows >= 2 {
        let (prev, rest) = take_top(nav, row_h, gap);
        (prev, rect(rest.top_left.x, rest.top_left.y, rest.size.width, row_h))
    } else {
        let c = columns(rect(nav.top_left.x, nav.top_left.y, nav.size.width, row_h), &[1, 1], gap);
        (c[0], c[1])
    };
    let arrow = Look { px: m.title_px, ..b.secondary() };
    b.button(prev_r, theme::BG, "‹", arrow, (page > 0).then_some(Intent::PrevPage));
    b.button(next_r, theme::BG, "›", arrow, (page + 1 < pages).then_some(Intent::NextPage));
    Some((page, pages))
}
