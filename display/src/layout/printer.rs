//! Settings → Printer: how the receipt printer is reached, its paper, mode and drawer, what it
//! said last, Test print and Save.

use super::*;
use crate::i18n::Arg;

/// A connection's name on its button, and what the button says under it (where there is room).
fn link_words(b: &Builder, link: PrinterLink) -> (String, String) {
    match link {
        PrinterLink::Off => (b.t("printer-none"), b.t("printer-none-sub")),
        PrinterLink::Usb => (b.t("printer-usb"), "/dev/usb/lp0".into()),
        PrinterLink::Serial => (b.t("printer-serial"), "/dev/ttyUSB0".into()),
        PrinterLink::Network => (b.t("printer-network"), b.t("printer-network-sub")),
    }
}

pub(super) fn printer_screen(b: &mut Builder, view: &PrinterView, r: Rectangle) {
    let m = b.m;
    let (top, bottom) = take_bottom(r, m.button_h, m.gap);
    let cols = columns(bottom, &[2, 3, 2], m.gap);
    b.button(cols[0], theme::BG, b.t("printer-back"), b.secondary(), Some(Intent::Back));
    let can_test = view.link != PrinterLink::Off && !view.testing;
    let test = if view.testing { b.t("printer-printing") } else { b.t("printer-test") };
    let look = fitting(b, &test, cols[1], b.secondary());
    b.button(cols[1], theme::BG, test, look, can_test.then_some(Intent::TestPrint));
    let save = b.t("printer-save");
    let look = fitting(b, &save, cols[2], b.primary());
    b.button(cols[2], theme::BG, save, look, Some(Intent::Save));

    let rows_h = 3 * m.button_h + 2 * m.gap;
    let status_h = line_height(m.small_px);
    let title = b.t("printer-title");
    let top = title_if_room(b, top, &title, rows_h + m.gap + status_h);
    let rows = rows_block(top, 3, m.button_h, m.gap);

    // How it is reached: one choice of four, the one in force marked.
    let cells = columns(rows[0], &[1, 1, 1, 1], m.gap);
    for (cell, link) in cells.into_iter().zip(PrinterLink::ALL) {
        let selected = link == view.link;
        let look = Look {
            fill: if selected { theme::SELECTED } else { theme::PANEL },
            border: Some(if selected { theme::PRIMARY } else { theme::LINE }),
            face: if selected { Face::Bold } else { Face::Regular },
            sub_text: if selected { theme::TEXT } else { theme::MUTED },
            ..b.look(theme::PANEL, theme::TEXT)
        };
        let intent = Some(Intent::PrinterLink(link));
        let (name, sub) = link_words(b, link);
        let look = fitting(b, &name, cell, look);
        if m.compact {
            b.button(cell, theme::BG, name, look, intent);
        } else {
            b.button_sub(cell, theme::BG, &name, &sub, look, intent);
        }
    }

    // Where: a network printer's address is typed; a USB or serial one is a known device.
    match view.link {
        PrinterLink::Network => {
            let label = b.t("printer-address");
            form_row(b, rows[1], &label, &view.device, Field::PrinterAddress, None)
        }
        link => {
            let device = [("device", Arg::Text(&view.device))];
            let text = match link {
                PrinterLink::Off => b.t("printer-off"),
                PrinterLink::Usb => b.t_with("printer-usb-on", &device),
                _ => b.t_with("printer-serial-on", &device),
            };
            b.paragraph(
                inset(rows[1], 0, (m.button_h.saturating_sub(2 * line_height(m.body_px)) / 2).min(m.gap)),
                text,
                b.style(Face::Regular, m.body_px, theme::TEXT, theme::BG, Align::Left),
            );
        }
    }

    // Paper, mode, drawer: each flips with a tap; none applies without a printer.
    let on = view.link != PrinterLink::Off;
    let options = [
        (b.t_with("printer-paper", &[("count", Arg::Count(i64::from(view.paper_mm)))]), PrinterToggle::Paper),
        (if view.raster { b.t("printer-raster") } else { b.t("printer-text") }, PrinterToggle::Mode),
        (if view.drawer { b.t("printer-drawer-yes") } else { b.t("printer-drawer-no") }, PrinterToggle::Drawer),
    ];
    let cells = columns(rows[2], &[1, 1, 1], m.gap);
    for (cell, (label, toggle)) in cells.into_iter().zip(options) {
        let look = Look { border: Some(theme::LINE), ..b.look(theme::PANEL, theme::TEXT) };
        let look = fitting(b, &label, cell, look);
        b.button(cell, theme::BG, label, look, on.then_some(Intent::PrinterToggle(toggle)));
    }

    // What is saved and what the printer said, where there is room.
    let below = rect(
        top.top_left.x,
        rows[2].top_left.y + (m.button_h + m.gap) as i32,
        top.size.width,
        (top.top_left.y + top.size.height as i32 - rows[2].top_left.y - (m.button_h + m.gap) as i32).max(0) as u32,
    );
    if below.size.height >= status_h {
        let none = b.t("printer-saved-none");
        let saved = view.saved.as_deref().unwrap_or(&none);
        let mut line = b.t_with("printer-saved", &[("setup", Arg::Text(saved))]);
        if let Some(state) = &view.state {
            let last = b.t_with("printer-last", &[("state", Arg::Text(state.trim_start_matches("printer: ")))]);
            line.push_str(&format!(" · {last}"));
        }
        if view.waiting > 0 {
            let waiting = b.t_with("printer-waiting", &[("count", Arg::Count(view.waiting as i64))]);
            line.push_str(&format!(" · {waiting}"));
        }
        let lines = (below.size.height / status_h).min(2);
        let (r, _) = take_top(below, lines * status_h, 0);
        b.paragraph(r, line, b.style(Face::Regular, m.small_px, theme::MUTED, theme::BG, Align::Left));
    }
}
