//! Settings → Printer: how the receipt printer is reached, its paper, mode and drawer, what it
//! said last, Test print and Save.

use super::*;

/// What a connection's button says under its name (where there is room).
fn link_sub(link: PrinterLink) -> &'static str {
    match link {
        PrinterLink::Off => "No receipts",
        PrinterLink::Usb => "/dev/usb/lp0",
        PrinterLink::Serial => "/dev/ttyUSB0",
        PrinterLink::Network => "port 9100",
    }
}

pub(super) fn printer_screen(b: &mut Builder, view: &PrinterView, r: Rectangle) {
    let m = b.m;
    let (top, bottom) = take_bottom(r, m.button_h, m.gap);
    let cols = columns(bottom, &[2, 3, 2], m.gap);
    b.button(cols[0], theme::BG, "‹ Back", b.secondary(), Some(Intent::Back));
    let can_test = view.link != PrinterLink::Off && !view.testing;
    let test = if view.testing { "Printing…" } else { "Test print" };
    b.button(cols[1], theme::BG, test, b.secondary(), can_test.then_some(Intent::TestPrint));
    b.button(cols[2], theme::BG, "Save", b.primary(), Some(Intent::Save));

    let rows_h = 3 * m.button_h + 2 * m.gap;
    let status_h = line_height(m.small_px);
    let top = title_if_room(b, top, "Receipt printer", rows_h + m.gap + status_h);
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
        if m.compact {
            b.button(cell, theme::BG, link.label(), look, intent);
        } else {
            b.button_sub(cell, theme::BG, link.label(), link_sub(link), look, intent);
        }
    }

    // Where: a network printer's address is typed; a USB or serial one is a known device.
    match view.link {
        PrinterLink::Network => form_row(b, rows[1], "Address", &view.device, Field::PrinterAddress, None),
        link => {
            let text = match link {
                PrinterLink::Off => {
                    "No receipt printer: sales are not printed, and the drawer opens by its key.".to_string()
                }
                PrinterLink::Usb => format!("A USB printer on {}", view.device),
                _ => format!("A serial printer on {}", view.device),
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
        (format!("Paper {} mm", view.paper_mm), PrinterToggle::Paper),
        ((if view.raster { "Raster mode" } else { "Text mode" }).to_string(), PrinterToggle::Mode),
        ((if view.drawer { "Drawer: yes" } else { "No drawer" }).to_string(), PrinterToggle::Drawer),
    ];
    let cells = columns(rows[2], &[1, 1, 1], m.gap);
    for (cell, (label, toggle)) in cells.into_iter().zip(options) {
        let look = Look { border: Some(theme::LINE), ..b.look(theme::PANEL, theme::TEXT) };
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
        let saved = view.saved.as_deref().unwrap_or("no printer");
        let mut line = format!("Saved: {saved}");
        if let Some(state) = &view.state {
            line.push_str(&format!(" · last: {}", state.trim_start_matches("printer: ")));
        }
        if view.waiting > 0 {
            line.push_str(&format!(" · {} waiting", view.waiting));
        }
        let lines = (below.size.height / status_h).min(2);
        let (r, _) = take_top(below, lines * status_h, 0);
        b.paragraph(r, line, b.style(Face::Regular, m.small_px, theme::MUTED, theme::BG, Align::Left));
    }
}
