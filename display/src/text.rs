//! Anti-aliased text with fontdue and the embedded DejaVu subsets: a glyph cache, kerning, measuring,
//! ellipsis truncation, word wrap, and drawing by blending against a known background colour so any
//! `DrawTarget` works without reading pixels back.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use embedded_graphics::pixelcolor::Rgb888;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::Rectangle;
use fontdue::{Font, FontSettings, Metrics};

use crate::paint::blend;

/// Subset of DejaVu Sans made by `scripts/subset-fonts` (licence in `display/fonts/LICENSE`).
static REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
/// Subset of DejaVu Sans Bold made by `scripts/subset-fonts`.
static BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// Which typeface to draw with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Face {
    Regular,
    Bold,
}

/// Horizontal alignment inside a text box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

struct Glyph {
    metrics: Metrics,
    coverage: Vec<u8>,
}

type GlyphKey = (Face, char, u32);

struct Fonts {
    regular: Font,
    bold: Font,
    /// Each (face, char, size) is rasterized once; screens redraw the same few hundred glyphs.
    cache: Mutex<HashMap<GlyphKey, Arc<Glyph>>>,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let load = |bytes: &'static [u8]| {
            // The bytes are compiled in and checked by the tests, so a failure here is a build defect.
            Font::from_bytes(bytes, FontSettings::default()).unwrap_or_else(|e| panic!("embedded font is invalid: {e}"))
        };
        Fonts { regular: load(REGULAR_TTF), bold: load(BOLD_TTF), cache: Mutex::new(HashMap::new()) }
    })
}

impl Fonts {
    fn font(&self, face: Face) -> &Font {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }

    fn glyph(&self, cache: &mut HashMap<GlyphKey, Arc<Glyph>>, face: Face, c: char, px: u32) -> Arc<Glyph> {
        cache
            .entry((face, c, px))
            .or_insert_with(|| {
                let (metrics, coverage) = self.font(face).rasterize(c, px as f32);
                Arc::new(Glyph { metrics, coverage })
            })
            .clone()
    }
}

/// Ascent and descent (negative) in pixels for a face at a size.
pub(crate) fn line_metrics(face: Face, px: u32) -> (f32, f32) {
    match fonts().font(face).horizontal_line_metrics(px as f32) {
        Some(m) => (m.ascent, m.descent),
        None => (px as f32 * 0.93, px as f32 * -0.24),
    }
}

/// Width in pixels of `text` set in `face` at `px`, with kerning.
pub(crate) fn measure(text: &str, face: Face, px: u32) -> u32 {
    let f = fonts().font(face);
    let mut width = 0.0f32;
    let mut prev = None;
    for c in text.chars() {
        if let Some(p) = prev {
            width += f.horizontal_kern(p, c, px as f32).unwrap_or(0.0);
        }
        width += f.metrics(c, px as f32).advance_width;
        prev = Some(c);
    }
    width.ceil() as u32
}

/// `text`, shortened with "…" so it fits in `max_width` pixels.
pub(crate) fn truncate(text: &str, face: Face, px: u32, max_width: u32) -> String {
    if measure(text, face, px) <= max_width {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate: String = chars.iter().collect::<String>().trim_end().to_string() + "…";
        if measure(&candidate, face, px) <= max_width {
            return candidate;
        }
    }
    String::new()
}

/// Splits `text` into lines no wider than `max_width`, breaking at spaces (long words are truncated).
pub(crate) fn wrap(text: &str, face: Face, px: u32, max_width: u32) -> Vec<String> {
    wrap_lines(text, face, px, max_width, LongWords::Truncate)
}

/// Like [`wrap`], but a word too long for a line is broken across lines instead of truncated:
/// paper keeps every character (an address, a URL in a footer); and a paragraph's leading spaces
/// are kept on its first line (an indented discount under its item).
pub(crate) fn wrap_breaking(text: &str, face: Face, px: u32, max_width: u32) -> Vec<String> {
    wrap_lines(text, face, px, max_width, LongWords::Break)
}

/// What [`wrap_lines`] does with a word wider than the line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LongWords {
    Truncate,
    Break,
}

fn wrap_lines(text: &str, face: Face, px: u32, max_width: u32, long: LongWords) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        if long == LongWords::Break {
            let words = paragraph.trim_start_matches(' ');
            let indent = &paragraph[..paragraph.len() - words.len()];
            if !words.is_empty() && measure(indent, face, px) < max_width / 2 {
                line.push_str(indent);
            }
        }
        for word in paragraph.split_whitespace() {
            let fresh = line.trim_start_matches(' ').is_empty();
            if long == LongWords::Break && measure(word, face, px) > max_width {
                if !fresh {
                    lines.push(std::mem::take(&mut line));
                }
                let mut pieces = break_word(word, face, px, max_width);
                line = pieces.pop().unwrap_or_default();
                lines.append(&mut pieces);
                continue;
            }
            let candidate = if fresh { format!("{line}{word}") } else { format!("{line} {word}") };
            if measure(&candidate, face, px) <= max_width {
                line = candidate;
            } else if fresh {
                // A word alone on a line (an indent that leaves it no room is dropped).
                line = word.to_string();
            } else {
                lines.push(truncate(&std::mem::take(&mut line), face, px, max_width));
                line = word.to_string();
            }
        }
        lines.push(truncate(&line, face, px, max_width));
    }
    lines
}

/// `word` cut into pieces that each fit `max_width` (at least one character each).
fn break_word(word: &str, face: Face, px: u32, max_width: u32) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut piece = String::new();
    for c in word.chars() {
        piece.push(c);
        if measure(&piece, face, px) > max_width && piece.chars().count() > 1 {
            piece.pop();
            pieces.push(std::mem::replace(&mut piece, c.to_string()));
        }
    }
    pieces.push(piece);
    pieces
}

/// Line height in pixels for a size (1.3 × em keeps paragraphs easy to read at arm's length).
/// The characters of `text` that either face would draw as the missing-glyph box (ASCII spaces
/// and line breaks aside; the no-break spaces amounts use are glyphs like any other).
pub fn missing_glyphs(text: &str) -> Vec<char> {
    let mut missing: Vec<char> = text
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .filter(|&c| [Face::Regular, Face::Bold].iter().any(|&f| fonts().font(f).lookup_glyph_index(c) == 0))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    missing
}

pub(crate) fn line_height(px: u32) -> u32 {
    px * 13 / 10
}

/// Draws one line of text vertically centred in `rect`, aligned horizontally, truncated to fit.
pub(crate) fn draw_text<D: DrawTarget<Color = Rgb888>>(
    target: &mut D,
    rect: Rectangle,
    text: &str,
    style: TextStyle,
) -> Result<(), D::Error> {
    let TextStyle { face, px, color, bg, align } = style;
    let shown = truncate(text, face, px, rect.size.width);
    let width = measure(&shown, face, px) as i32;
    let x0 = match align {
        Align::Left => rect.top_left.x,
        Align::Center => rect.top_left.x + (rect.size.width as i32 - width) / 2,
        Align::Right => rect.top_left.x + rect.size.width as i32 - width,
    };
    let (ascent, descent) = line_metrics(face, px);
    // Centre the ink between ascent and descent; rounding once keeps every glyph on one baseline.
    let baseline = rect.top_left.y as f32 + (rect.size.height as f32 + ascent + descent) / 2.0;
    let baseline = baseline.round() as i32;

    each_glyph(&shown, face, px, x0, baseline, |g| {
        // Only inked pixels are written: kerned glyph boxes may overlap a neighbour's ink.
        let pixels = g.coverage.iter().enumerate().filter(|(_, a)| **a > 0).map(|(i, a)| {
            let x = g.x + (i % g.width) as i32;
            let y = g.y + (i / g.width) as i32;
            Pixel(Point::new(x, y), blend(bg, color, *a))
        });
        target.draw_iter(pixels)
    })
}

/// One glyph of a line of text, placed: where its coverage box starts and the coverage itself.
pub(crate) struct Placed<'a> {
    /// Left column of the coverage box.
    pub x: i32,
    /// Top row of the coverage box.
    pub y: i32,
    /// Columns per coverage row (never 0: glyphs without ink are skipped).
    pub width: usize,
    /// Anti-aliased coverage, row by row, 0 (none) to 255 (full).
    pub coverage: &'a [u8],
}

/// Lays out `text` in `face` at `px` with the pen starting at `x0` and the baseline at `baseline`
/// (kerned, each glyph on a whole pixel), and hands every inked glyph to `each`. Glyphs come from
/// the shared cache, rasterized once per face, character and size; the cache is locked once for
/// the line, and nothing is allocated per glyph once it is cached.
pub(crate) fn each_glyph<E>(
    text: &str,
    face: Face,
    px: u32,
    x0: i32,
    baseline: i32,
    mut each: impl FnMut(Placed<'_>) -> Result<(), E>,
) -> Result<(), E> {
    let fonts = fonts();
    let font = fonts.font(face);
    let mut cache = match fonts.cache.lock() {
        Ok(guard) => guard,
        // A panic elsewhere while holding the lock cannot leave the cache inconsistent (inserts are atomic).
        Err(poisoned) => poisoned.into_inner(),
    };
    let mut pen = x0 as f32;
    let mut prev = None;
    for c in text.chars() {
        if let Some(p) = prev {
            pen += font.horizontal_kern(p, c, px as f32).unwrap_or(0.0);
        }
        prev = Some(c);
        let glyph = fonts.glyph(&mut cache, face, c, px);
        let m = glyph.metrics;
        let gx = pen.round() as i32 + m.xmin;
        let gy = baseline - m.ymin - m.height as i32;
        pen += m.advance_width;
        if m.width == 0 {
            continue;
        }
        each(Placed { x: gx, y: gy, width: m.width, coverage: &glyph.coverage })?;
    }
    Ok(())
}

/// How to draw a run of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TextStyle {
    pub face: Face,
    pub px: u32,
    pub color: Rgb888,
    /// The colour under the text, blended against.
    pub bg: Rgb888,
    pub align: Align,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fonts_cover_the_ui_symbols() {
        for face in [Face::Regular, Face::Bold] {
            let f = fonts().font(face);
            for c in "€—…•✓✗×←→↑↓⇧⌫●é$".chars() {
                assert_ne!(f.lookup_glyph_index(c), 0, "{face:?} lacks {c}");
            }
        }
    }

    #[test]
    fn fonts_cover_europes_alphabets() {
        // Names people type and receipts print: Latin Extended-A, Romanian, Greek, Cyrillic.
        for face in [Face::Regular, Face::Bold] {
            let f = fonts().font(face);
            for c in "ßéøåŁłŚźČřŐűĞİşșțĀēΑΩαωάΣσςЖжЩщЁёЇїҐґЂђ".chars() {
                assert_ne!(f.lookup_glyph_index(c), 0, "{face:?} lacks {c}");
            }
        }
    }

    #[test]
    fn missing_characters_draw_the_missing_glyph_box() {
        // DejaVu's .notdef is a box; the subset keeps its outline so a character outside the
        // subset shows as something rather than nothing.
        for face in [Face::Regular, Face::Bold] {
            let f = fonts().font(face);
            assert_eq!(f.lookup_glyph_index('日'), 0);
            let (m, coverage) = f.rasterize('日', 20.0);
            assert!(m.width > 4 && m.height > 8, "{face:?}: {m:?}");
            assert!(coverage.iter().any(|&a| a > 128), "{face:?}: the box has no ink");
        }
    }

    #[test]
    fn truncates_with_ellipsis() {
        let long = "Extra large oat milk latte with cinnamon";
        let short = truncate(long, Face::Regular, 20, 150);
        assert!(short.ends_with('…'), "{short}");
        assert!(measure(&short, Face::Regular, 20) <= 150);
        assert_eq!(truncate("Tea", Face::Regular, 20, 150), "Tea");
    }

    #[test]
    fn kerning_is_applied() {
        // "AV" is kerned tighter than the two advances in DejaVu.
        let pair = measure("AV", Face::Regular, 40);
        let apart = measure("A", Face::Regular, 40) + measure("V", Face::Regular, 40);
        assert!(pair < apart, "{pair} vs {apart}");
    }

    #[test]
    fn wrap_breaking_keeps_every_character_of_a_long_word() {
        let text = "Visit https://corner-store.example/receipts/R1-000042/feedback today";
        let lines = wrap_breaking(text, Face::Regular, 20, 200);
        assert!(lines.len() > 2, "{lines:?}");
        for line in &lines {
            assert!(measure(line, Face::Regular, 20) <= 200, "{line}");
            assert!(!line.contains('…'), "{line}");
        }
        let joined: String = lines.concat();
        assert_eq!(joined.replace(' ', ""), text.replace(' ', ""));
        // The screen's wrap truncates every line that is too long, not only the last.
        for line in wrap("Supercalifragilisticexpialidocious and more", Face::Regular, 20, 120) {
            assert!(measure(&line, Face::Regular, 20) <= 120, "{line}");
        }
    }

    #[test]
    fn wraps_at_spaces() {
        let lines = wrap("Check the secret on the server register and type it again", Face::Regular, 20, 200);
        assert!(lines.len() > 1);
        for line in &lines {
            assert!(measure(line, Face::Regular, 20) <= 200, "{line}");
        }
    }
}
