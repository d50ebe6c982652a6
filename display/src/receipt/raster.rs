//! Drawing a [`Receipt`] into a 1-bit [`Bitmap`] with the screen's own fonts (fontdue, DejaVu), so
//! any language DejaVu covers prints and the receipt looks like the screen.
//!
//! One pass, top to bottom: each block is laid out at the pen, drawn, and the bitmap grows (white)
//! to reach it. Glyphs come from the screen's cache (`text::each_glyph`) and their anti-aliased
//! coverage is thresholded at 50%: thermal dots are on or off.

use std::convert::Infallible;

use qrcodegen::{QrCode, QrCodeEcc};

use super::{Bitmap, Block, Paper, Receipt, code128};
use crate::text::{Align, Face, Placed, each_glyph, line_metrics, measure, truncate, wrap_breaking};

/// Body text size in dots: about 32 characters of receipt text across 58 mm, 48 across 80 mm.
pub(crate) const BODY_PX: u32 = 21;
/// Title size (bold): 1.6 × the body.
pub(crate) const TITLE_PX: u32 = BODY_PX * 8 / 5;
/// Coverage (of 255) from which a dot prints black: 50%.
const THRESHOLD: u8 = 128;
/// White dots left and right of text and rules.
pub(crate) const MARGIN_X: u32 = 4;
/// Blank rows above the first block and below the last.
pub(crate) const MARGIN_Y: u32 = 8;
/// Rows between two lines of text, beyond the font's ascent and descent.
const LEADING: u32 = 2;
/// A rule's thickness.
const RULE_DOTS: u32 = 2;
/// White rows above and below a rule.
const RULE_GAP: u32 = 6;
/// The bars' height.
const BARCODE_DOTS: u32 = 60;
/// White rows above a barcode and between its bars and its text.
const CODE_GAP: u32 = 8;
/// A QR module's side in dots when it fits (smaller modules only for a code too big for the paper).
const QR_MODULE: u32 = 4;
/// The QR code's quiet zone, in modules (the standard's 4).
const QR_QUIET: u32 = 4;
/// The least room between a pair's words and its amount: half an em.
const PAIR_GAP: u32 = BODY_PX / 2;

/// Draws `receipt` for `paper`: `paper.dots()` wide, as tall as the blocks need plus a few blank
/// rows above and below. Never fails: characters the fonts lack print as the missing-glyph box,
/// and a barcode or QR code that cannot be made or does not fit prints as its text.
pub fn render(receipt: &Receipt, paper: Paper) -> Bitmap {
    render_counting(receipt, paper).0
}

/// [`render`], and how many black dots fell outside the bitmap (always 0 unless a layout is wrong;
/// the tests hold it to that).
pub(crate) fn render_counting(receipt: &Receipt, paper: Paper) -> (Bitmap, usize) {
    let mut sheet = Sheet { bitmap: Bitmap::new(paper.dots(), 0), y: 0, clipped: 0 };
    sheet.skip(MARGIN_Y);
    for block in &receipt.blocks {
        sheet.block(block);
    }
    sheet.skip(MARGIN_Y);
    (sheet.bitmap, sheet.clipped)
}

/// The bitmap being drawn, and the pen: the first row not yet used.
struct Sheet {
    bitmap: Bitmap,
    y: u32,
    clipped: usize,
}

impl Sheet {
    /// Left edge and width of the text column.
    fn column(&self) -> (u32, u32) {
        (MARGIN_X, self.bitmap.width.saturating_sub(2 * MARGIN_X))
    }

    /// Grows the bitmap (white) to at least `height` rows.
    fn reach(&mut self, height: u32) {
        if height > self.bitmap.height {
            self.bitmap.height = height;
            self.bitmap.bits.resize(self.bitmap.row_bytes() * height as usize, 0);
        }
    }

    /// Moves the pen down `rows` white rows.
    fn skip(&mut self, rows: u32) {
        self.y += rows;
        self.reach(self.y);
    }

    /// Blackens a rectangle.
    fn fill(&mut self, x: u32, y: u32, width: u32, height: u32) {
        for row in y..y + height {
            for col in x..x + width {
                if col < self.bitmap.width && row < self.bitmap.height {
                    self.bitmap.set(col, row, true);
                } else {
                    self.clipped += 1;
                }
            }
        }
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Title(text) => self.paragraph(text, Face::Bold, TITLE_PX, Align::Center),
            Block::Center(text) => self.paragraph(text, Face::Regular, BODY_PX, Align::Center),
            Block::Text(text) => self.paragraph(text, Face::Regular, BODY_PX, Align::Left),
            Block::Pair { left, right, bold } => {
                self.pair(left, right, if *bold { Face::Bold } else { Face::Regular });
            }
            Block::Rule => {
                self.skip(RULE_GAP);
                let (x, width) = self.column();
                self.reach(self.y + RULE_DOTS);
                self.fill(x, self.y, width, RULE_DOTS);
                self.skip(RULE_DOTS + RULE_GAP);
            }
            Block::Feed => self.skip(LineBox::of(Face::Regular, BODY_PX).height),
            Block::Barcode(text) => self.barcode(text),
            Block::Qr(text) => self.qr(text),
            Block::Image(image) => {
                let picture = image.centred(self.bitmap.width);
                self.reach(self.y + picture.height);
                for y in 0..picture.height {
                    for x in 0..picture.width {
                        if picture.get(x, y) {
                            self.bitmap.set(x, self.y + y, true);
                        }
                    }
                }
                self.skip(picture.height + CODE_GAP / 2);
            }
        }
    }

    /// `text` wrapped to the column, each line aligned.
    fn paragraph(&mut self, text: &str, face: Face, px: u32, align: Align) {
        let (x, width) = self.column();
        for line in wrap_breaking(text, face, px, width) {
            let offset = match align {
                Align::Left => 0,
                Align::Center => width.saturating_sub(measure(&line, face, px)) / 2,
                Align::Right => width.saturating_sub(measure(&line, face, px)),
            };
            let baseline = self.begin_line(face, px);
            self.text(&line, face, px, x + offset, baseline);
            self.end_line(face, px);
        }
    }

    /// Words on the left, wrapped short of the amount, which is right-aligned on their last line.
    /// An amount too wide to leave the words a third of the line gets a line of its own.
    fn pair(&mut self, left: &str, right: &str, face: Face) {
        let px = BODY_PX;
        let (x, width) = self.column();
        let right = truncate(right, face, px, width);
        let right_width = measure(&right, face, px);
        let room = width.saturating_sub(right_width + PAIR_GAP);
        let lines = if room >= width / 3 {
            wrap_breaking(left, face, px, room)
        } else {
            self.paragraph(left, face, px, Align::Left);
            vec![String::new()]
        };
        let last = lines.len().saturating_sub(1);
        for (i, line) in lines.iter().enumerate() {
            let baseline = self.begin_line(face, px);
            self.text(line, face, px, x, baseline);
            if i == last {
                self.text(&right, face, px, x + width - right_width, baseline);
            }
            self.end_line(face, px);
        }
    }

    /// A Code 128 (set B) barcode of `text`, centred with its quiet zones, modules 2 dots wide (1
    /// if 2 do not fit), and `text` under it.
    fn barcode(&mut self, text: &str) {
        let Some(modules) = code128::modules(text) else {
            return self.paragraph(text, Face::Regular, BODY_PX, Align::Center);
        };
        let total = modules.len() as u32 + 2 * code128::QUIET;
        let width = self.bitmap.width;
        let Some(module) = [2, 1].into_iter().find(|m| total * m <= width) else {
            return self.paragraph(text, Face::Regular, BODY_PX, Align::Center);
        };
        let x0 = (width - total * module) / 2 + code128::QUIET * module;
        self.skip(CODE_GAP);
        self.reach(self.y + BARCODE_DOTS);
        let mut i = 0;
        while i < modules.len() {
            let run = modules[i..].iter().take_while(|&&m| m == modules[i]).count();
            if modules[i] {
                self.fill(x0 + i as u32 * module, self.y, run as u32 * module, BARCODE_DOTS);
            }
            i += run;
        }
        self.skip(BARCODE_DOTS + CODE_GAP / 2);
        self.paragraph(text, Face::Regular, BODY_PX, Align::Center);
    }

    /// A QR code of `text` (error correction M, raised when that costs no size), centred with its
    /// quiet zone, modules 4 dots (fewer if it would not fit).
    fn qr(&mut self, text: &str) {
        let Ok(code) = QrCode::encode_text(text, QrCodeEcc::Medium) else {
            return self.paragraph(text, Face::Regular, BODY_PX, Align::Center);
        };
        let size = code.size().unsigned_abs();
        let total = size + 2 * QR_QUIET;
        let width = self.bitmap.width;
        let Some(module) = (1..=QR_MODULE).rev().find(|m| total * m <= width) else {
            return self.paragraph(text, Face::Regular, BODY_PX, Align::Center);
        };
        let x0 = (width - total * module) / 2 + QR_QUIET * module;
        let y0 = self.y + QR_QUIET * module;
        self.reach(self.y + total * module);
        for qy in 0..size {
            for qx in 0..size {
                if code.get_module(qx as i32, qy as i32) {
                    self.fill(x0 + qx * module, y0 + qy * module, module, module);
                }
            }
        }
        self.skip(total * module);
    }

    /// Makes room for a line of text at the pen; its baseline.
    fn begin_line(&mut self, face: Face, px: u32) -> i32 {
        let line = LineBox::of(face, px);
        self.reach(self.y + line.height);
        (self.y + line.baseline) as i32
    }

    /// Moves the pen below a line of text.
    fn end_line(&mut self, face: Face, px: u32) {
        self.skip(LineBox::of(face, px).height);
    }

    /// Draws one line of text, pen at `x`, thresholding each glyph's coverage.
    fn text(&mut self, text: &str, face: Face, px: u32, x: u32, baseline: i32) {
        let Sheet { bitmap, clipped, .. } = self;
        let Ok(()) = each_glyph::<Infallible>(text, face, px, x as i32, baseline, |glyph| {
            ink(bitmap, clipped, &glyph);
            Ok(())
        });
    }
}

/// A line of text's rows: from its top, where the baseline is, and how tall it is.
struct LineBox {
    baseline: u32,
    height: u32,
}

impl LineBox {
    fn of(face: Face, px: u32) -> LineBox {
        let (ascent, descent) = line_metrics(face, px);
        let (above, below) = (ascent.ceil() as u32, (-descent).ceil() as u32);
        LineBox { baseline: LEADING / 2 + above, height: above + below + LEADING }
    }
}

/// Sets the dots a glyph covers at least half; counts those outside the bitmap.
fn ink(bitmap: &mut Bitmap, clipped: &mut usize, glyph: &Placed<'_>) {
    for (row, coverage) in glyph.coverage.chunks_exact(glyph.width).enumerate() {
        let y = glyph.y + row as i32;
        for (col, &a) in coverage.iter().enumerate() {
            if a < THRESHOLD {
                continue;
            }
            let x = glyph.x + col as i32;
            match (u32::try_from(x), u32::try_from(y)) {
                (Ok(x), Ok(y)) if x < bitmap.width && y < bitmap.height => bitmap.set(x, y, true),
                _ => *clipped += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receipt(blocks: Vec<Block>) -> Receipt {
        Receipt { blocks }
    }

    #[test]
    fn body_text_fits_32_and_48_characters() {
        // Typical receipt lines: words, figures, spaces.
        let line32 = "2 × Oat Milk Latte (large) $9.30";
        let line48 = "Blueberry Muffin, warmed, with butter     $12.50";
        assert_eq!((line32.chars().count(), line48.chars().count()), (32, 48));
        for (line, paper) in [(line32, Paper::Mm58), (line48, Paper::Mm80)] {
            let width = measure(line, Face::Regular, BODY_PX);
            let column = paper.dots() - 2 * MARGIN_X;
            assert!(width <= column && width > column * 4 / 5, "{line}: {width} of {column}");
        }
    }

    #[test]
    fn an_empty_receipt_is_its_margins() {
        let (bitmap, clipped) = render_counting(&Receipt::default(), Paper::Mm58);
        assert_eq!((bitmap.width, bitmap.height, clipped), (384, 2 * MARGIN_Y, 0));
        assert!(bitmap.bits.iter().all(|&b| b == 0));
    }

    #[test]
    fn nothing_is_drawn_outside_the_bitmap() {
        let long_word = "https://corner-store.example/receipts/R1-000042/feedback?lang=de&utm=paper";
        let tricky = receipt(vec![
            Block::Title("Ünïcødé Ŝtörê with a very long name that wraps".into()),
            Block::Text(long_word.into()),
            Block::Center(format!("{long_word} {long_word}")),
            Block::Text("Ωμέγα Ψ ЖЩЁ јђ ŁĘŚĆ ăîșț ÀÉÎÕÜ ÅÇ ßÿ – € … 日本 \u{10FFFF} \u{0}".into()),
            Block::Pair { left: long_word.into(), right: "$1,234,567.89".into(), bold: true },
            Block::Pair { left: "Wide amount".into(), right: "9".repeat(80), bold: false },
            Block::Pair { left: String::new(), right: String::new(), bold: false },
            Block::Barcode("X".repeat(40)),
            Block::Barcode("R1-000042".into()),
            Block::Qr("x".repeat(3000)),
            Block::Qr(long_word.into()),
            Block::Rule,
            Block::Feed,
            Block::Text("gjpqy ÇŞ underneath".into()),
        ]);
        for paper in [Paper::Mm58, Paper::Mm80] {
            let (bitmap, clipped) = render_counting(&tricky, paper);
            assert_eq!(clipped, 0, "{paper:?}");
            assert_eq!(bitmap.bits.len(), bitmap.row_bytes() * bitmap.height as usize);
        }
    }

    #[test]
    fn the_title_is_bold_and_larger() {
        assert_eq!(TITLE_PX, 33);
        let title = render(&receipt(vec![Block::Title("Corner".into())]), Paper::Mm58);
        let body = render(&receipt(vec![Block::Center("Corner".into())]), Paper::Mm58);
        let ink = |b: &Bitmap| b.bits.iter().map(|x| x.count_ones()).sum::<u32>();
        assert!(title.height > body.height + 10);
        assert!(ink(&title) > 3 * ink(&body), "{} vs {}", ink(&title), ink(&body));
    }
}
