//! Drawing a scene onto any `DrawTarget`, whole or one region at a time.

use embedded_graphics::pixelcolor::Rgb888;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::Rectangle;

use crate::layout::{Node, Region, Scene, Shape, layout, rect};
use crate::model::UiState;
use crate::paint::{blend, fill_dot, fill_round_rect, theme};
use crate::text::{draw_text, line_height, measure, wrap};

/// Draws the whole screen for `state`, laid out for the target's size.
pub fn draw<D: DrawTarget<Color = Rgb888>>(state: &UiState, target: &mut D) -> Result<(), D::Error> {
    let size = target.bounding_box().size;
    let scene = layout(state, size);
    target.fill_solid(&rect(0, 0, size.width, size.height), theme::BG)?;
    for node in &scene.nodes {
        draw_node(node, target)?;
    }
    Ok(())
}

/// Redraws only `region` (e.g. the cart after a line was added); a region the screen lacks draws nothing.
pub fn draw_region<D: DrawTarget<Color = Rgb888>>(
    state: &UiState,
    region: Region,
    target: &mut D,
) -> Result<(), D::Error> {
    let scene = layout(state, target.bounding_box().size);
    let Some((_, area, bg)) = scene.regions.iter().find(|(r, _, _)| *r == region) else {
        return Ok(());
    };
    target.fill_solid(area, *bg)?;
    // The body contains the cart, so a body redraw repaints the cart too.
    let wanted = |r: Region| r == region || (region == Region::Body && r == Region::Cart);
    for node in scene.nodes.iter().filter(|n| wanted(n.region)) {
        draw_node(node, target)?;
    }
    Ok(())
}

/// The rectangle `region` covers on this screen at this size, if the screen has it.
pub fn region_rect(state: &UiState, size: Size, region: Region) -> Option<Rectangle> {
    let scene: Scene = layout(state, size);
    scene.regions.iter().find(|(r, _, _)| *r == region).map(|(_, area, _)| *area)
}

fn draw_node<D: DrawTarget<Color = Rgb888>>(node: &Node, target: &mut D) -> Result<(), D::Error> {
    match &node.shape {
        Shape::Fill { color, radius } => fill_round_rect(target, node.rect, *radius, *color, node.bg),
        Shape::Dot { color } => fill_dot(target, node.rect, *color, node.bg),
        Shape::Text { text, style } => draw_text(target, node.rect, text, *style),
        Shape::TextTail { text, style } => {
            let shown = truncate_start(text, style.face, style.px, node.rect.size.width);
            draw_text(target, node.rect, &shown, *style)
        }
        Shape::Paragraph { text, style } => {
            let lh = line_height(style.px);
            let max_lines = (node.rect.size.height / lh).max(1) as usize;
            let mut lines = wrap(text, style.face, style.px, node.rect.size.width);
            if lines.len() > max_lines {
                lines.truncate(max_lines);
                if let Some(last) = lines.last_mut() {
                    *last = crate::text::truncate(&format!("{last}…"), style.face, style.px, node.rect.size.width);
                }
            }
            for (i, line) in lines.iter().enumerate() {
                let r =
                    rect(node.rect.top_left.x, node.rect.top_left.y + (i as u32 * lh) as i32, node.rect.size.width, lh);
                draw_text(target, r, line, *style)?;
            }
            Ok(())
        }
        Shape::Button { label, sub, look, intent } => {
            let r = inset(node.rect, look.inset);
            let enabled = intent.is_some();
            let fill = if enabled { look.fill } else { blend(theme::BG, look.fill, 110) };
            let text_color = if enabled { look.text } else { theme::MUTED };
            match look.border {
                Some(border) => {
                    fill_round_rect(target, r, look.radius, border, node.bg)?;
                    fill_round_rect(target, inset(r, 2), look.radius.saturating_sub(2), fill, border)?;
                }
                None => fill_round_rect(target, r, look.radius, fill, node.bg)?,
            }
            let content = crate::layout::inset(r, crate::layout::label_side(r.size.width, look.align), 4);
            let style =
                crate::text::TextStyle { face: look.face, px: look.px, color: text_color, bg: fill, align: look.align };
            let Some(sub) = sub else {
                return draw_text(target, content, label, style);
            };
            let sub_style = crate::text::TextStyle {
                face: crate::text::Face::Regular,
                px: look.sub_px,
                color: if enabled { look.sub_text } else { theme::MUTED },
                bg: fill,
                align: look.align,
            };
            let (lh, sub_lh) = (line_height(look.px), line_height(look.sub_px));
            let avail = content.size.height;
            let mut label_lines = wrap(label, look.face, look.px, content.size.width);
            let max_label_lines = if avail >= 2 * lh + sub_lh { 2 } else { 1 };
            if label_lines.len() > max_label_lines {
                label_lines.truncate(max_label_lines);
                if let Some(last) = label_lines.last_mut() {
                    *last = crate::text::truncate(&format!("{last}…"), look.face, look.px, content.size.width);
                }
            }
            let room_for_sub = avail.saturating_sub(label_lines.len() as u32 * lh) / sub_lh;
            let mut sub_lines = wrap(sub, sub_style.face, sub_style.px, content.size.width);
            sub_lines.truncate(room_for_sub.clamp(1, 3) as usize);
            let block = label_lines.len() as u32 * lh + sub_lines.len() as u32 * sub_lh;
            let mut y = content.top_left.y + (avail.saturating_sub(block) / 2) as i32;
            for line in &label_lines {
                draw_text(target, rect(content.top_left.x, y, content.size.width, lh), line, style)?;
                y += lh as i32;
            }
            for line in &sub_lines {
                draw_text(target, rect(content.top_left.x, y, content.size.width, sub_lh), line, sub_style)?;
                y += sub_lh as i32;
            }
            Ok(())
        }
    }
}

/// `text` with its start replaced by "…" so its end (where the user types) stays visible.
fn truncate_start(text: &str, face: crate::text::Face, px: u32, max_width: u32) -> String {
    if measure(text, face, px) <= max_width {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    for start in 1..chars.len() {
        let candidate: String = std::iter::once('…').chain(chars[start..].iter().copied()).collect();
        if measure(&candidate, face, px) <= max_width {
            return candidate;
        }
    }
    String::new()
}

fn inset(r: Rectangle, d: u32) -> Rectangle {
    crate::layout::inset(r, d, d)
}
