//! A receipt as a printer-independent document: what goes on the paper, block by block.
//!
//! The appliance builds one from an order (store, register, cashier, lines, tax, tenders, footer);
//! a printer in text mode prints it in its own font (the appliance's ESC/POS encoder lays the
//! blocks out in columns), and in raster mode it is drawn with the screen's fonts into a 1-bit
//! image ([`render`]), so any language prints and the receipt looks like the screen.

mod code128;
mod image;
mod raster;
mod sample;

pub use raster::render;
pub use sample::sample_receipt;

/// Paper width. The printable width is what common 58 and 80 mm thermal printers print:
/// 384 and 576 dots at 203 dpi, 32 and 48 characters of their 12×24 font.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Paper {
    /// 58 mm paper: 384 dots, 32 characters.
    #[default]
    Mm58,
    /// 80 mm paper: 576 dots, 48 characters.
    Mm80,
}

impl Paper {
    /// Printable width in dots.
    pub fn dots(self) -> u32 {
        match self {
            Paper::Mm58 => 384,
            Paper::Mm80 => 576,
        }
    }

    /// Characters per line in the printer's standard font (12 dots wide).
    pub fn chars(self) -> usize {
        match self {
            Paper::Mm58 => 32,
            Paper::Mm80 => 48,
        }
    }

    /// The width in millimetres, as configured (`58`, `80`).
    pub fn mm(self) -> u32 {
        match self {
            Paper::Mm58 => 58,
            Paper::Mm80 => 80,
        }
    }

    /// `58` or `80`.
    pub fn from_mm(mm: u32) -> Option<Paper> {
        match mm {
            58 => Some(Paper::Mm58),
            80 => Some(Paper::Mm80),
            _ => None,
        }
    }
}

/// One element of a receipt, top to bottom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// Large, bold and centred: the store's name, "COPY", "VOID".
    Title(String),
    /// Centred text (address, tax id, footer).
    Center(String),
    /// Left-aligned text, wrapped at the paper's width.
    Text(String),
    /// Text on the left and an amount on the right of one line (an item, a total); a left part
    /// too long for the line wraps and the amount goes on its last line. `bold` for totals.
    Pair {
        /// The words.
        left: String,
        /// The figure, right-aligned.
        right: String,
        /// Printed bold.
        bold: bool,
    },
    /// A line across the paper.
    Rule,
    /// A Code 128 barcode of this text (the order number), with the text under it, so the return
    /// screen can scan it.
    Barcode(String),
    /// A QR code of this text.
    Qr(String),
    /// An empty line.
    Feed,
    /// A picture (the store's logo), centred; wider than the paper, scaled down to fit.
    Image(Bitmap),
}

/// A receipt: its blocks, in order. Cutting the paper and kicking the drawer are the printer's
/// business, not the document's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Receipt {
    /// What is printed, top to bottom.
    pub blocks: Vec<Block>,
}

/// A 1-bit image as ESC/POS raster commands want it: rows top to bottom, each row `width / 8`
/// bytes (width is a multiple of 8), most significant bit leftmost, 1 = black dot.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bitmap {
    /// Width in dots (a multiple of 8).
    pub width: u32,
    /// Height in dots.
    pub height: u32,
    /// `height` rows of `width / 8` bytes.
    pub bits: Vec<u8>,
}

impl Bitmap {
    /// A white image.
    pub fn new(width: u32, height: u32) -> Bitmap {
        let width = width.div_ceil(8) * 8;
        Bitmap { width, height, bits: vec![0; (width / 8 * height) as usize] }
    }

    /// Bytes per row.
    pub fn row_bytes(&self) -> usize {
        (self.width / 8) as usize
    }

    /// Whether the dot at (x, y) is black; outside the image is white.
    pub fn get(&self, x: u32, y: u32) -> bool {
        if x >= self.width || y >= self.height {
            return false;
        }
        let i = y as usize * self.row_bytes() + (x / 8) as usize;
        self.bits.get(i).is_some_and(|b| b & (0x80 >> (x % 8)) != 0)
    }

    /// This image centred on a white image `width` dots wide, first scaled down (nearest dot)
    /// when it is wider.
    pub fn centred(&self, width: u32) -> Bitmap {
        let src = if self.width > width && self.width > 0 {
            let h = (u64::from(self.height) * u64::from(width) / u64::from(self.width)).max(1) as u32;
            let mut out = Bitmap::new(width, h);
            for y in 0..h {
                for x in 0..width {
                    let sx = (u64::from(x) * u64::from(self.width) / u64::from(width)) as u32;
                    let sy = (u64::from(y) * u64::from(self.height) / u64::from(h)) as u32;
                    out.set(x, y, self.get(sx, sy));
                }
            }
            out
        } else {
            self.clone()
        };
        let mut out = Bitmap::new(width, src.height);
        let left = width.saturating_sub(src.width) / 2;
        for y in 0..src.height {
            for x in 0..src.width.min(width) {
                if src.get(x, y) {
                    out.set(left + x, y, true);
                }
            }
        }
        out
    }

    /// Sets the dot at (x, y) black or white; outside the image does nothing.
    pub fn set(&mut self, x: u32, y: u32, black: bool) {
        if x >= self.width || y >= self.height {
            return;
        }
        let i = y as usize * self.row_bytes() + (x / 8) as usize;
        if let Some(b) = self.bits.get_mut(i) {
            if black {
                *b |= 0x80 >> (x % 8);
            } else {
                *b &= !(0x80 >> (x % 8));
            }
        }
    }
}
