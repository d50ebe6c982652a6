//! The sale screen: category tabs and search over the product grid, and the cart with its
//! cashier, lines, discounts, totals and Pay.

use std::ops::Range;

use super::*;
use crate::i18n::Arg;

/// How the product grid is cut for a size: columns, rows, products per page.
pub(super) fn grid_shape(m: &Metrics, grid: Rectangle) -> (u32, u32) {
    let cols = if m.compact { 2 } else { 3 };
    let min_tile_h = if m.compact { 64 } else { 88 };
    let rows = ((grid.size.height + m.gap) / (min_tile_h + m.gap)).max(1);
    (cols, rows)
}

/// The height of the row of category tabs (and the search button) over the grid.
fn tab_row_h(m: &Metrics) -> u32 {
    if m.compact { MIN_TARGET } else { 56 }
}

pub(super) fn sale_screen(b: &mut Builder, sale: &SaleView, r: Rectangle) {
    let m = b.m;
    let cart_w = if m.compact { r.size.width * 9 / 20 } else { r.size.width * 2 / 5 };
    let (left, cart) = take_right(r, cart_w, m.gap);
    let (top, nav) = take_bottom(left, m.button_h, m.gap);
    let (tabs, grid) = take_top(top, tab_row_h(&m), m.gap);
    tab_row(b, sale, tabs);
    let (cols, rows) = grid_shape(&m, grid);
    let per_page = (cols * rows) as usize;
    let pages = sale.products.len().div_ceil(per_page).max(1);
    let page = sale.page.min(pages - 1);
    let tile_h = (grid.size.height + m.gap) / rows - m.gap;
    let tile_w = (grid.size.width + m.gap) / cols - m.gap;
    for (i, p) in sale.products.iter().skip(page * per_page).take(per_page).enumerate() {
        let (c, rr) = (i as u32 % cols, i as u32 / cols);
        let tile = rect(
            grid.top_left.x + (c * (tile_w + m.gap)) as i32,
            grid.top_left.y + (rr * (tile_h + m.gap)) as i32,
            tile_w,
            tile_h,
        );
        let look = Look {
            fill: theme::TILE,
            border: Some(theme::LINE),
            sub_text: theme::GREEN,
            ..b.look(theme::TILE, theme::TEXT)
        };
        let look = Look { sub_px: m.body_px, ..look };
        b.button_sub(
            tile,
            theme::BG,
            &p.name,
            &b.money.format(p.price_cents),
            look,
            Some(Intent::AddToCart(p.sku.clone())),
        );
    }
    if sale.products.is_empty() && !sale.categories.is_empty() {
        b.paragraph(
            grid,
            b.t("sale-no-products"),
            b.style(Face::Regular, m.body_px, theme::MUTED, theme::BG, Align::Left),
        );
    }
    // Returns is small and sits by Menu; a small panel's nav buttons are closer together to fit it.
    let (menu_r, returns_r, prev_r, next_r) = if m.compact {
        let c = columns(nav, &[35, 35, 24, 24], m.gap / 2);
        (c[0], c[1], c[2], c[3])
    } else {
        let c = columns(nav, &[10, 9, 6, 9, 6], m.gap);
        // "Page 1 of 2" in words where they fit, else "1 / 2".
        let words =
            b.t_with("sale-page", &[("page", Arg::Count(page as i64 + 1)), ("pages", Arg::Count(pages as i64))]);
        let counter = if measure(&words, Face::Regular, m.small_px) <= c[3].size.width {
            words
        } else {
            format!("{} / {pages}", page + 1)
        };
        b.text(c[3], counter, b.style(Face::Regular, m.small_px, theme::MUTED, theme::BG, Align::Center));
        (c[0], c[1], c[2], c[4])
    };
    let menu = if m.compact { b.t("sale-menu") } else { format!("‹ {}", b.t("sale-menu")) };
    b.button(menu_r, theme::BG, menu, b.secondary(), Some(Intent::OpenStatus));
    let small = if m.compact {
        Look { px: m.small_px, face: Face::Regular, ..b.secondary() }
    } else {
        Look { px: m.small_px, ..b.secondary() }
    };
    b.button(returns_r, theme::BG, b.t("sale-returns"), small, Some(Intent::OpenReturns));
    let arrow = Look { px: m.title_px, ..b.secondary() };
    // Compact arrows carry the page they go to, as there is no counter between them.
    let prev_label = if m.compact && page > 0 { format!("‹ {page}") } else { "‹".into() };
    let next_label = if m.compact && page + 1 < pages { format!("{} ›", page + 2) } else { "›".into() };
    b.button(prev_r, theme::BG, prev_label, arrow, (page > 0).then_some(Intent::PrevPage));
    b.button(next_r, theme::BG, next_label, arrow, (page + 1 < pages).then_some(Intent::NextPage));

    b.region = Region::Cart;
    b.scene.regions.push((Region::Cart, cart, theme::BG));
    cart_panel(b, sale, cart);
    b.region = Region::Body;
}

/// The tabs' labels: "All" (in the screen's language), then each category.
fn tab_labels(all: String, sale: &SaleView) -> Vec<String> {
    std::iter::once(all).chain(sale.categories.iter().cloned()).collect()
}

/// Cuts tabs of these widths into windows that fit `room` pixels, each window reserving an arrow
/// (`arrow` wide) on each side that has more tabs. Every window holds at least one tab.
pub(super) fn tab_windows(widths: &[u32], room: u32, arrow: u32, gap: u32) -> Vec<Range<usize>> {
    // How many tabs from `from` fit in `room`, at least one.
    let fit = |from: usize, room: u32| {
        let mut used = 0;
        let mut n = 0;
        for w in &widths[from..] {
            let need = if n == 0 { *w } else { used + gap + w };
            if need > room && n > 0 {
                break;
            }
            used = need;
            n += 1;
        }
        n.max(1)
    };
    let mut out = Vec::new();
    let mut start = 0;
    while start < widths.len() {
        let room = if start > 0 { room.saturating_sub(arrow + gap) } else { room };
        let all = fit(start, room);
        if start + all >= widths.len() {
            out.push(start..widths.len());
            break;
        }
        let n = fit(start, room.saturating_sub(arrow + gap)).min(widths.len() - start);
        out.push(start..start + n);
        start += n;
    }
    out
}

/// The intent of tab `i` (0 is "All").
fn tab_intent(i: usize) -> Intent {
    Intent::PickCategory(i.checked_sub(1))
}

/// The row over the grid: category tabs (paged when too many) and Search; without categories, one
/// wide search box.
fn tab_row(b: &mut Builder, sale: &SaleView, r: Rectangle) {
    let m = b.m;
    if sale.categories.is_empty() {
        let look = Look { text: theme::MUTED, ..b.field_look() };
        // The long prompt where it fits (as the field draws it: 16 px in from each side).
        let long = b.t("sale-search-long");
        let fits = measure(&long, Face::Regular, m.body_px) + 32 <= r.size.width;
        let label = if m.compact || !fits { b.t("sale-search-short") } else { long };
        b.button(r, theme::BG, label, look, Some(Intent::OpenSearch));
        return;
    }
    // A longer word for Search (French) is set in the regular face, and the button grows to hold it.
    let search = b.t("sale-search");
    let search_w = (if m.compact { 68 } else { 110 }).max(measure(&search, Face::Regular, m.small_px) + 16);
    let (tabs_r, search_r) = take_right(r, search_w, m.gap);
    let look = fitting(b, &search, search_r, Look { px: m.small_px, ..b.secondary() });
    b.button(search_r, theme::BG, search, look, Some(Intent::OpenSearch));

    let labels = tab_labels(b.t("sale-all"), sale);
    // A small panel's tabs use small type so two or three fit beside Search.
    let (px, side) = if m.compact { (m.small_px, 16) } else { (m.body_px, 24) };
    let tab_gap = m.gap / 2;
    let widths: Vec<u32> = labels.iter().map(|l| (measure(l, Face::Bold, px) + side).max(MIN_TARGET)).collect();
    let arrow_w = MIN_TARGET;
    let windows = tab_windows(&widths, tabs_r.size.width, arrow_w, tab_gap);
    let selected = match sale.category {
        Some(c) if c < sale.categories.len() => c + 1,
        _ => 0,
    };
    let window = windows.iter().find(|w| w.contains(&selected)).cloned().unwrap_or(0..labels.len().min(1));
    let arrow = Look { px: m.title_px, ..b.secondary() };
    let mut x = tabs_r.top_left.x;
    let right_end = tabs_r.top_left.x + tabs_r.size.width as i32;
    if window.start > 0 {
        let cell = rect(x, tabs_r.top_left.y, arrow_w, tabs_r.size.height);
        b.button(cell, theme::BG, "‹", arrow, Some(tab_intent(window.start - 1)));
        x += (arrow_w + tab_gap) as i32;
    }
    let more = window.end < labels.len();
    let limit = if more { right_end - (arrow_w + tab_gap) as i32 } else { right_end };
    for i in window.clone() {
        let w = widths[i].min((limit - x).max(0) as u32);
        let cell = rect(x, tabs_r.top_left.y, w, tabs_r.size.height);
        // A tab squeezed between the arrows sets its name in the regular face, which is narrower.
        let look = if i == selected && w >= widths[i] {
            Look { fill: theme::SELECTED, border: Some(theme::PRIMARY), ..b.look(theme::SELECTED, theme::TEXT) }
        } else if i == selected {
            Look {
                fill: theme::SELECTED,
                border: Some(theme::PRIMARY),
                face: Face::Regular,
                ..b.look(theme::SELECTED, theme::TEXT)
            }
        } else {
            Look { face: Face::Regular, ..b.look(theme::PANEL, theme::TEXT) }
        };
        b.button(cell, theme::BG, labels[i].clone(), Look { px, ..look }, Some(tab_intent(i)));
        x += (w + tab_gap) as i32;
    }
    if more {
        let cell = rect(right_end - arrow_w as i32, tabs_r.top_left.y, arrow_w, tabs_r.size.height);
        b.button(cell, theme::BG, "›", arrow, Some(tab_intent(window.end)));
    }
}

/// A discount as the screen shows it: an en dash before the amount taken off ("–$1.00").
pub(super) fn minus_cents(money: &crate::MoneyFormat, cents: i64) -> String {
    format!("–{}", money.format(cents))
}

/// The small rows above the total: subtotal, discount and tax, when there is a discount or tax
/// (otherwise the total says it all).
fn total_rows(b: &Builder, sale: &SaleView) -> Vec<(String, String, Rgb888)> {
    if sale.discount_cents == 0 && sale.tax_cents == 0 {
        return Vec::new();
    }
    let money = &b.money;
    let mut rows = vec![(b.t("sale-subtotal"), money.format(sale.subtotal_cents), theme::TEXT)];
    if sale.discount_cents != 0 {
        rows.push((b.t("sale-discount"), minus_cents(money, sale.discount_cents), theme::GREEN));
    }
    if sale.tax_cents != 0 {
        rows.push((b.t("sale-tax"), money.format(sale.tax_cents), theme::TEXT));
    }
    rows
}

/// The cart's header: the order's title, and the cashier with Lock when someone is signed in.
fn cart_header(b: &mut Builder, sale: &SaleView, r: Rectangle) -> Rectangle {
    let m = b.m;
    let items: u32 = sale.cart.iter().map(|l| l.qty).sum();
    let count = match items {
        0 => String::new(),
        n => b.t_with("sale-items", &[("count", Arg::Count(i64::from(n)))]),
    };
    let order = b.t("sale-order");
    let title = if count.is_empty() { order } else { format!("{order} · {count}") };
    let title_style = b.style(Face::Bold, m.body_px, theme::TEXT, theme::PANEL, Align::Left);
    let Some(cashier) = &sale.cashier else {
        let (title_r, rest) = take_top(r, line_height(m.body_px) + 8, 0);
        // A narrow cart keeps the count and drops the word "Order" when both do not fit.
        let title = if measure(&title, Face::Bold, m.body_px) <= title_r.size.width || count.is_empty() {
            title
        } else {
            count
        };
        b.text(title_r, title, title_style);
        return rest;
    };
    let (head, rest) = take_top(r, MIN_TARGET, m.pad.min(12) / 2);
    // Lock steps down to the small font when its word (German, French, Spanish) would leave too
    // little room for the cashier's line, which then comes down to the name alone if it must.
    let lock = b.t("sale-lock");
    let signed_in = b.t_with("sale-cashier", &[("name", Arg::Text(cashier))]);
    let lock_w = |px: u32| (measure(&lock, Face::Bold, px) + 24).max(MIN_TARGET);
    let room_beside = |px: u32| head.size.width.saturating_sub(lock_w(px) + m.gap / 2);
    let fits_beside = |px: u32| measure(&signed_in, Face::Regular, m.small_px) <= room_beside(px);
    let lock_px = if fits_beside(m.body_px) { m.body_px } else { m.small_px };
    let signed_in = if fits_beside(lock_px) { signed_in } else { cashier.clone() };
    let (text_r, lock_r) = take_right(head, lock_w(lock_px), m.gap / 2);
    b.button(lock_r, theme::PANEL, lock, Look { px: lock_px, ..b.secondary() }, Some(Intent::Lock));
    // Beside Lock a narrow cart keeps the count and drops the word "Order".
    let title =
        if measure(&title, Face::Bold, m.body_px) <= text_r.size.width || count.is_empty() { title } else { count };
    let (lh, small_lh) = (line_height(m.body_px), line_height(m.small_px));
    let top = text_r.top_left.y + (text_r.size.height.saturating_sub(lh + small_lh) / 2) as i32;
    b.text(rect(text_r.top_left.x, top, text_r.size.width, lh), title, title_style);
    b.text(
        rect(text_r.top_left.x, top + lh as i32, text_r.size.width, small_lh),
        signed_in,
        b.style(Face::Regular, m.small_px, theme::MUTED, theme::PANEL, Align::Left),
    );
    rest
}

pub(super) fn cart_panel(b: &mut Builder, sale: &SaleView, r: Rectangle) {
    let m = b.m;
    b.fill(r, theme::PANEL, m.radius, theme::BG);
    let inner = inset(r, m.pad.min(12), m.pad.min(12) / 2);
    let (rest, pay) = take_bottom(inner, m.button_h, m.pad.min(12) / 2);
    let row_h = if m.compact { 48 } else { 52 };
    let small_lh = line_height(m.small_px);
    let header_h = match sale.cashier {
        Some(_) => MIN_TARGET + m.pad.min(12) / 2,
        None => line_height(m.body_px) + 8,
    };
    let mut rows = total_rows(b, sale);
    // Under a banner a small panel cannot show the cashier, a line and every total: the subtotal,
    // discount and tax rows go then (the total stays, and each line shows its own discount).
    let need = row_h + if sale.cart.len() > 1 { small_lh } else { 0 };
    let room = rest.size.height.saturating_sub(rows.len() as u32 * small_lh + line_height(m.big_px) + 4 + header_h);
    if !sale.cart.is_empty() && room < need {
        rows.clear();
    }
    let totals_h = rows.len() as u32 * small_lh + line_height(m.big_px);
    let (lines_r, totals_r) = take_bottom(rest, totals_h, 4);
    let mut list = cart_header(b, sale, lines_r);

    if sale.cart.is_empty() {
        let (text, color) = match &sale.last_order {
            Some(order) => (b.t_with("sale-paid", &[("order", Arg::Text(order))]), theme::GREEN),
            None => (b.t("sale-tap-product"), theme::MUTED),
        };
        b.paragraph(list, text, b.style(Face::Regular, m.body_px, color, theme::PANEL, Align::Left));
    } else {
        let fit = (list.size.height / row_h) as usize;
        // The newest lines are at the bottom; when they do not all fit, show the latest.
        let (skip, fit) = if sale.cart.len() > fit {
            let earlier_h = line_height(m.small_px);
            let (note, rest) = take_top(list, earlier_h, 0);
            let fit = (rest.size.height / row_h) as usize;
            let skip = sale.cart.len() - fit;
            b.text(
                note,
                b.t_with("sale-earlier-lines", &[("count", Arg::Count(skip as i64))]),
                b.style(Face::Regular, m.small_px, theme::MUTED, theme::PANEL, Align::Left),
            );
            list = rest;
            (skip, fit)
        } else {
            (0, fit)
        };
        for (i, line) in sale.cart.iter().enumerate().skip(skip).take(fit) {
            let (row, rest) = take_top(list, row_h, 0);
            list = rest;
            cart_line(b, i, line, row);
        }
    }

    let (extra_r, total_r) = take_bottom(totals_r, line_height(m.big_px), 0);
    b.fill(rect(totals_r.top_left.x, totals_r.top_left.y, totals_r.size.width, 1), theme::LINE, 0, theme::PANEL);
    for (i, (label, value, color)) in rows.iter().enumerate() {
        let row =
            rect(extra_r.top_left.x, extra_r.top_left.y + (i as u32 * small_lh) as i32, extra_r.size.width, small_lh);
        // The value takes what it needs, the label the rest ("Zwischensumme").
        let value_w = measure(value, Face::Bold, m.small_px) + 4;
        let (label_r, value_r) = take_right(row, value_w, m.gap / 2);
        b.text(label_r, label.clone(), b.style(Face::Regular, m.small_px, theme::MUTED, theme::PANEL, Align::Left));
        b.text(value_r, value.clone(), b.style(Face::Bold, m.small_px, *color, theme::PANEL, Align::Right));
    }
    let (total_label, total_value) = take_right(total_r, total_r.size.width * 2 / 3, 0);
    b.text(total_label, b.t("sale-total"), b.style(Face::Regular, m.body_px, theme::MUTED, theme::PANEL, Align::Left));
    b.text(
        total_value,
        b.money.format(sale.total_cents),
        b.style(Face::Bold, m.big_px, theme::TEXT, theme::PANEL, Align::Right),
    );
    let cols = columns(pay, &[5, 6], m.gap / 2);
    let can_pay = !sale.cart.is_empty();
    // Words longer than their button step down to the small font.
    let (discount, pay) = (b.t("sale-discount-button"), b.t("sale-pay"));
    let discount_look = if m.compact { Look { px: m.small_px, ..b.secondary() } } else { b.secondary() };
    let discount_look = fitting(b, &discount, cols[0], discount_look);
    b.button(cols[0], theme::PANEL, discount, discount_look, can_pay.then_some(Intent::OrderDiscount));
    let pay_look = fitting(b, &pay, cols[1], b.look(theme::GREEN, theme::TEXT));
    b.button(cols[1], theme::PANEL, pay, pay_look, can_pay.then_some(Intent::OpenPay));
}

/// One cart line: tapped to change it, with its own remove button; a discount shows under it.
fn cart_line(b: &mut Builder, i: usize, line: &CartLine, row: Rectangle) {
    let m = b.m;
    let (main, remove) = take_right(row, MIN_TARGET, 0);
    // The whole line (but its ×) is a target; it is drawn as the panel, the text on top.
    let edit = Look { radius: 0, ..b.look(theme::PANEL, theme::TEXT) };
    b.button(main, theme::PANEL, "", edit, Some(Intent::EditLine(i)));
    b.fill(rect(row.top_left.x, row.top_left.y, row.size.width, 1), theme::LINE, 0, theme::PANEL);
    let lh = line_height(m.body_px);
    let small_lh = line_height(m.small_px);
    let block = if line.discount_cents != 0 { lh + small_lh } else { lh };
    let top = main.top_left.y + (main.size.height.saturating_sub(block) / 2) as i32;
    let text_row = rect(main.top_left.x, top, main.size.width, lh);
    let price = b.money.format(line.line_cents);
    let price_w = measure(&price, Face::Bold, m.body_px) + 4;
    let (name_r, price_r) = take_right(text_row, price_w, m.gap / 2);
    let name = if line.qty == 1 { line.name.clone() } else { format!("{}× {}", line.qty, line.name) };
    b.text(name_r, name, b.style(Face::Regular, m.body_px, theme::TEXT, theme::PANEL, Align::Left));
    b.text(price_r, price, b.style(Face::Bold, m.body_px, theme::TEXT, theme::PANEL, Align::Right));
    if line.discount_cents != 0 {
        b.text(
            rect(main.top_left.x, top + lh as i32, main.size.width, small_lh),
            b.t_with("sale-line-discount", &[("amount", Arg::Text(&minus_cents(&b.money, line.discount_cents)))]),
            b.style(Face::Regular, m.small_px, theme::GREEN, theme::PANEL, Align::Left),
        );
    }
    let look = Look { inset: 4, px: m.title_px, ..b.look(theme::SECONDARY, theme::TEXT) };
    b.button(remove, theme::PANEL, "×", look, Some(Intent::RemoveLine(i)));
}
