//! Colours and the few shapes the screens use, anti-aliased against a known background.

use embedded_graphics::pixelcolor::Rgb888;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::Rectangle;

/// The palette: dark slate, readable under shop lighting.
pub(crate) mod theme {
    use embedded_graphics::pixelcolor::Rgb888;

    pub const BG: Rgb888 = Rgb888::new(15, 23, 42);
    pub const HEADER: Rgb888 = Rgb888::new(30, 41, 59);
    pub const PANEL: Rgb888 = Rgb888::new(30, 41, 59);
    pub const LINE: Rgb888 = Rgb888::new(51, 65, 85);
    pub const FIELD: Rgb888 = Rgb888::new(15, 23, 42);
    pub const TEXT: Rgb888 = Rgb888::new(241, 245, 249);
    pub const MUTED: Rgb888 = Rgb888::new(148, 163, 184);
    pub const PRIMARY: Rgb888 = Rgb888::new(37, 99, 235);
    pub const SECONDARY: Rgb888 = Rgb888::new(51, 65, 85);
    pub const KEY: Rgb888 = Rgb888::new(51, 65, 85);
    pub const KEY_SPECIAL: Rgb888 = Rgb888::new(71, 85, 105);
    pub const GREEN: Rgb888 = Rgb888::new(5, 150, 105);
    pub const AMBER: Rgb888 = Rgb888::new(217, 119, 6);
    pub const RED: Rgb888 = Rgb888::new(220, 38, 38);
    pub const GREY: Rgb888 = Rgb888::new(100, 116, 139);
    pub const ERROR_BG: Rgb888 = Rgb888::new(127, 29, 29);
    pub const INFO_BG: Rgb888 = Rgb888::new(30, 58, 138);
    pub const TILE: Rgb888 = Rgb888::new(30, 41, 59);
    pub const SELECTED: Rgb888 = Rgb888::new(30, 58, 138);
}

/// `bg` mixed toward `fg` by `alpha`/255.
pub(crate) fn blend(bg: Rgb888, fg: Rgb888, alpha: u8) -> Rgb888 {
    let a = u32::from(alpha);
    let mix = |b: u8, f: u8| ((u32::from(b) * (255 - a) + u32::from(f) * a + 127) / 255) as u8;
    Rgb888::new(mix(bg.r(), fg.r()), mix(bg.g(), fg.g()), mix(bg.b(), fg.b()))
}

/// Fills `rect` with rounded corners of `radius`, corner edges anti-aliased against `bg`.
pub(crate) fn fill_round_rect<D: DrawTarget<Color = Rgb888>>(
    target: &mut D,
    rect: Rectangle,
    radius: u32,
    color: Rgb888,
    bg: Rgb888,
) -> Result<(), D::Error> {
    let (w, h) = (rect.size.width, rect.size.height);
    let r = radius.min(w / 2).min(h / 2);
    if r == 0 {
        return target.fill_solid(&rect, color);
    }
    let Point { x: x0, y: y0 } = rect.top_left;
    // Middle band is solid: one fill, the fast path on framebuffers.
    target.fill_solid(&Rectangle::new(Point::new(x0, y0 + r as i32), Size::new(w, h - 2 * r)), color)?;
    let rf = r as f32;
    for row in 0..r {
        // Distance of this pixel row's centre from the corner circles' centre line.
        let dy = rf - (row as f32 + 0.5);
        let mut edge = Vec::with_capacity(r as usize * 2);
        let mut solid_from = r;
        for col in 0..r {
            let dx = rf - (col as f32 + 0.5);
            let d = (dx * dx + dy * dy).sqrt();
            let coverage = (rf - d + 0.5).clamp(0.0, 1.0);
            if coverage >= 1.0 {
                solid_from = col;
                break;
            }
            edge.push((col, (coverage * 255.0).round() as u8));
        }
        for y in [y0 + row as i32, y0 + (h - 1 - row) as i32] {
            let span_x = x0 + solid_from as i32;
            let span_w = w - 2 * solid_from;
            target.fill_solid(&Rectangle::new(Point::new(span_x, y), Size::new(span_w, 1)), color)?;
            let pixels = edge.iter().filter(|(_, a)| *a > 0).flat_map(|&(col, a)| {
                let c = blend(bg, color, a);
                [Pixel(Point::new(x0 + col as i32, y), c), Pixel(Point::new(x0 + (w - 1 - col) as i32, y), c)]
            });
            target.draw_iter(pixels)?;
        }
    }
    Ok(())
}

/// Draws a filled anti-aliased circle (status dots) inside `rect`.
pub(crate) fn fill_dot<D: DrawTarget<Color = Rgb888>>(
    target: &mut D,
    rect: Rectangle,
    color: Rgb888,
    bg: Rgb888,
) -> Result<(), D::Error> {
    let d = rect.size.width.min(rect.size.height);
    let square = Rectangle::new(
        rect.top_left + Point::new((rect.size.width - d) as i32 / 2, (rect.size.height - d) as i32 / 2),
        Size::new(d, d),
    );
    fill_round_rect(target, square, d / 2, color, bg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blend_endpoints() {
        let (a, b) = (Rgb888::new(0, 100, 200), Rgb888::new(255, 0, 50));
        assert_eq!(blend(a, b, 0), a);
        assert_eq!(blend(a, b, 255), b);
    }
}
