//! The sale screen: the product grid and the cart with its pay buttons.

use super::*;

/// How the product grid is cut for a size: columns, rows, products per page.
pub(super) fn grid_shape(m: &Metrics, grid: Rectangle) -> (u32, u32) {
    let cols = if m.compact { 2 } else { 3 };
    let min_tile_h = if m.compact { 64 } else { 88 };
    let rows = ((grid.size.height + m.gap) / (min_tile_h + m.gap)).max(1);
    (cols, rows)
}

pub(super) fn sale_screen(b: &mut Builder, sale: &SaleView, r: Rectangle) {
    let m = b.m;
    let cart_w = if m.compact { r.size.width * 9 / 20 } else { r.size.width * 2 / 5 };
    let (left, cart) = take_right(r, cart_w, m.gap);
    let (grid, nav) = take_bottom(left, m.button_h, m.gap);
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
            &format_cents(p.price_cents),
            look,
            Some(Intent::AddToCart(p.sku.clone())),
        );
    }
    let (menu_r, prev_r, next_r) = if m.compact {
        let c = columns(nav, &[4, 3, 3], m.gap);
        (c[0], c[1], c[2])
    } else {
        let c = columns(nav, &[3, 2, 3, 2], m.gap);
        b.text(
            c[2],
            format!("Page {} of {}", page + 1, pages),
            b.style(Face::Regular, m.small_px, theme::MUTED, theme::BG, Align::Center),
        );
        (c[0], c[1], c[3])
    };
    b.button(menu_r, theme::BG, "‹ Menu", b.secondary(), Some(Intent::OpenStatus));
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

pub(super) fn cart_panel(b: &mut Builder, sale: &SaleView, r: Rectangle) {
    let m = b.m;
    b.fill(r, theme::PANEL, m.radius, theme::BG);
    let inner = inset(r, m.pad.min(12), m.pad.min(12) / 2);
    let (rest, pay) = take_bottom(inner, m.button_h, m.pad.min(12) / 2);
    let (lines_r, total_r) = take_bottom(rest, line_height(m.big_px), 4);
    let items: u32 = sale.cart.iter().map(|l| l.qty).sum();
    let (title_r, mut list) = take_top(lines_r, line_height(m.body_px) + 8, 0);
    let title = match items {
        0 => "Order".to_string(),
        1 => "Order · 1 item".to_string(),
        n => format!("Order · {n} items"),
    };
    b.text(title_r, title, b.style(Face::Bold, m.body_px, theme::TEXT, theme::PANEL, Align::Left));

    if sale.cart.is_empty() {
        let (text, color) = match &sale.last_order {
            Some(order) => (format!("✓ Order {order} paid. Tap a product to start the next one."), theme::GREEN),
            None => ("Tap a product to add it.".to_string(), theme::MUTED),
        };
        b.paragraph(list, text, b.style(Face::Regular, m.body_px, color, theme::PANEL, Align::Left));
    } else {
        let row_h = if m.compact { 48 } else { 52 };
        let fit = (list.size.height / row_h) as usize;
        // The newest lines are at the bottom; when they do not all fit, show the latest.
        let (skip, fit) = if sale.cart.len() > fit {
            let earlier_h = line_height(m.small_px);
            let (note, rest) = take_top(list, earlier_h, 0);
            let fit = (rest.size.height / row_h) as usize;
            let skip = sale.cart.len() - fit;
            b.text(
                note,
                format!("{skip} earlier line{}", if skip == 1 { "" } else { "s" }),
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
            b.fill(rect(row.top_left.x, row.top_left.y, row.size.width, 1), theme::LINE, 0, theme::PANEL);
            let (main, remove) = take_right(row, 48, 0);
            let price = format_cents(line.line_cents);
            let price_w = measure(&price, Face::Bold, m.body_px) + 4;
            let (name_r, price_r) = take_right(main, price_w, m.gap / 2);
            let name = if line.qty == 1 { line.name.clone() } else { format!("{}× {}", line.qty, line.name) };
            b.text(name_r, name, b.style(Face::Regular, m.body_px, theme::TEXT, theme::PANEL, Align::Left));
            b.text(price_r, price, b.style(Face::Bold, m.body_px, theme::TEXT, theme::PANEL, Align::Right));
            let look = Look { inset: 4, px: m.title_px, ..b.look(theme::SECONDARY, theme::TEXT) };
            b.button(remove, theme::PANEL, "×", look, Some(Intent::RemoveLine(i)));
        }
    }
    b.fill(rect(total_r.top_left.x, total_r.top_left.y, total_r.size.width, 1), theme::LINE, 0, theme::PANEL);
    let (total_label, total_value) = take_right(total_r, total_r.size.width * 2 / 3, 0);
    b.text(total_label, "Total", b.style(Face::Regular, m.body_px, theme::MUTED, theme::PANEL, Align::Left));
    b.text(
        total_value,
        format_cents(sale.total_cents),
        b.style(Face::Bold, m.big_px, theme::TEXT, theme::PANEL, Align::Right),
    );
    let cols = columns(pay, &[1, 1], m.gap / 2);
    let can_pay = !sale.cart.is_empty();
    let cash = Look { ..b.look(theme::GREEN, theme::TEXT) };
    b.button(cols[0], theme::PANEL, "Cash", cash, can_pay.then_some(Intent::Pay(PayMethod::Cash)));
    b.button(cols[1], theme::PANEL, "Card", b.primary(), can_pay.then_some(Intent::Pay(PayMethod::Card)));
}
