//! ESC/POS: the command language of receipt printers (Epson's, and the many that copy it).
//!
//! Two ways to print a [`Receipt`]:
//! - **text** ([`encode_text`]): the printer's own font, the blocks laid out in
//!   [`Paper::chars`] columns, characters mapped to one [`CodePage`]; small, fast, and sharp on
//!   every printer, but only what the code page has prints (the rest prints `?`, counted in
//!   [`Encoded::replaced`] so the caller can say so);
//! - **raster** ([`encode_raster`]): a [`Bitmap`] drawn elsewhere with the screen's fonts, sent
//!   as `GS v 0` images; any script prints, at the cost of more bytes.
//!
//! Cutting, the cash drawer and status queries are separate byte strings ([`FEED_AND_CUT`],
//! [`KICK`], [`STATUS_QUERIES`]): they are the printer's business, not the document's.

pub use super::codepage::{CodePage, UnknownCodePage};
use till_display::receipt::{Bitmap, Block, Paper, Receipt};

/// `ESC`, the prefix of most commands.
pub const ESC: u8 = 0x1B;
/// `GS`, the prefix of the graphics, barcode and cutter commands.
pub const GS: u8 = 0x1D;
/// `DLE`, the prefix of the real-time commands (status).
pub const DLE: u8 = 0x10;
/// `EOT`, with `DLE`: transmit real-time status.
pub const EOT: u8 = 0x04;
/// Line feed: print the buffered line and advance.
pub const LF: u8 = 0x0A;

/// `ESC @`: reset the printer to its power-on settings (font, code page 0, alignment).
pub const INIT: [u8; 2] = [ESC, b'@'];

/// Feed 3 lines past the last one printed (`ESC d 3`), so the text clears the cutter, then
/// `GS V 66 0`: feed to the cutting position and cut partially (a tab of paper holds the receipt,
/// so it does not fall).
pub const FEED_AND_CUT: [u8; 7] = [ESC, b'd', 3, GS, b'V', 66, 0];

/// `ESC p 0 25 250`: pulse drawer kick-out pin 2 for 50 ms on, 500 ms off (opens the cash
/// drawer wired to the printer).
pub const KICK: [u8; 5] = [ESC, b'p', 0, 25, 250];

/// `DLE EOT 1`: printer status (bit 3: offline).
pub const STATUS_PRINTER: [u8; 3] = [DLE, EOT, 1];
/// `DLE EOT 2`: offline cause (bit 2: cover open, bit 5: stopped for paper end, bit 6: error).
pub const STATUS_OFFLINE: [u8; 3] = [DLE, EOT, 2];
/// `DLE EOT 4`: paper roll sensor (bits 2–3: paper near end, bits 5–6: paper end).
pub const STATUS_PAPER: [u8; 3] = [DLE, EOT, 4];
/// The three status queries, in the order [`crate::print::device::Status`] reads them.
pub const STATUS_QUERIES: [[u8; 3]; 3] = [STATUS_PRINTER, STATUS_OFFLINE, STATUS_PAPER];

/// Whether `b` has the shape of a `DLE EOT` reply: bits 1 and 4 set, bits 0 and 7 clear.
pub fn is_status_reply(b: u8) -> bool {
    b & 0x93 == 0x12
}

/// Barcode height in dots (10 mm at 203 dpi).
const BARCODE_HEIGHT: u8 = 80;
/// Barcode module (narrow bar) width in dots: `GS w 2`, the smallest every ESC/POS printer takes.
const BARCODE_MODULE: u32 = 2;
/// QR codes hold at most this many bytes at error level M (version 40).
const QR_MAX_BYTES: usize = 2331;
/// Rows per `GS v 0` band; some printers refuse taller images.
pub const RASTER_BAND_ROWS: u32 = 256;

/// Bytes for the printer and how many characters its code page could not print.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Encoded {
    /// The ESC/POS job.
    pub bytes: Vec<u8>,
    /// Characters printed as `?` because the code page lacks them (0: everything printed).
    pub replaced: usize,
}

/// The job that prints `receipt` in the printer's font on `paper`, its text in `cp`:
/// `ESC @`, `ESC t n`, then the blocks. No cut: append [`FEED_AND_CUT`].
pub fn encode_text(receipt: &Receipt, paper: Paper, cp: CodePage) -> Encoded {
    let mut w = Writer { out: Vec::with_capacity(1024), replaced: 0, cp, cols: paper.chars(), dots: paper.dots() };
    w.out.extend_from_slice(&INIT);
    w.out.extend_from_slice(&[ESC, b't', cp.escpos_number()]);
    for block in &receipt.blocks {
        w.block(block);
    }
    Encoded { bytes: w.out, replaced: w.replaced }
}

/// The job that prints `image` as it is: `ESC @`, then `GS v 0` (normal density) in bands of at
/// most [`RASTER_BAND_ROWS`] rows. Missing bytes in `image.bits` print white. No cut.
pub fn encode_raster(image: &Bitmap) -> Vec<u8> {
    let mut out = INIT.to_vec();
    out.extend(raster_bands(image));
    out
}

/// `GS v 0` bands of an image.
fn raster_bands(image: &Bitmap) -> Vec<u8> {
    let mut out = Vec::new();
    // `GS v 0` takes at most 65535 bytes per row.
    let row = image.row_bytes().min(usize::from(u16::MAX));
    if row == 0 {
        return out;
    }
    let [x_lo, x_hi] = (row as u16).to_le_bytes();
    let mut y = 0;
    while y < image.height {
        let rows = (image.height - y).min(RASTER_BAND_ROWS);
        let [y_lo, y_hi] = (rows as u16).to_le_bytes();
        out.extend_from_slice(&[GS, b'v', b'0', 0, x_lo, x_hi, y_lo, y_hi]);
        for r in y..y + rows {
            let start = r as usize * image.row_bytes();
            let have = image.bits.get(start..).unwrap_or_default();
            let take = have.len().min(row);
            out.extend_from_slice(&have[..take]);
            out.resize(out.len() + (row - take), 0);
        }
        y += rows;
    }
    out
}

/// Lays blocks out into the job.
struct Writer {
    out: Vec<u8>,
    replaced: usize,
    cp: CodePage,
    cols: usize,
    dots: u32,
}

impl Writer {
    fn block(&mut self, block: &Block) {
        match block {
            Block::Title(text) => {
                self.out.extend_from_slice(&[ESC, b'a', 1, ESC, b'E', 1, GS, b'!', 0x11]);
                let text = self.encode(text);
                self.lines(&wrap(&text, (self.cols / 2).max(1)));
                self.out.extend_from_slice(&[GS, b'!', 0, ESC, b'E', 0, ESC, b'a', 0]);
            }
            Block::Center(text) => {
                self.out.extend_from_slice(&[ESC, b'a', 1]);
                let text = self.encode(text);
                self.lines(&wrap(&text, self.cols));
                self.out.extend_from_slice(&[ESC, b'a', 0]);
            }
            Block::Text(text) => {
                let text = self.encode(text);
                self.lines(&wrap(&text, self.cols));
            }
            Block::Pair { left, right, bold } => {
                let left = self.encode(left);
                let right = self.encode(right);
                if *bold {
                    self.out.extend_from_slice(&[ESC, b'E', 1]);
                }
                let lines = pair(&left, &right, self.cols);
                self.lines(&lines);
                if *bold {
                    self.out.extend_from_slice(&[ESC, b'E', 0]);
                }
            }
            Block::Rule => self.lines(&[vec![b'-'; self.cols]]),
            Block::Barcode(data) => self.barcode(data),
            Block::Qr(data) => self.qr(data),
            Block::Feed => self.out.push(LF),
            // A picture prints as a raster image in the middle of the text, centred by its own
            // white margins (many printers ignore ESC a for raster images).
            Block::Image(image) => {
                let picture = image.centred(self.dots);
                self.out.extend_from_slice(raster_bands(&picture).as_slice());
            }
        }
    }

    /// `s` in the code page, one byte per character; `\n` (or `\r\n`) stays a line break, a tab
    /// is a space, anything the page lacks (control characters included) is `?` and counted.
    fn encode(&mut self, s: &str) -> Vec<u8> {
        s.chars()
            .filter(|&c| c != '\r')
            .map(|c| match c {
                '\n' => LF,
                '\t' => b' ',
                _ => self.cp.encode(c).unwrap_or_else(|| {
                    self.replaced += 1;
                    b'?'
                }),
            })
            .collect()
    }

    fn lines(&mut self, lines: &[Vec<u8>]) {
        for line in lines {
            self.out.extend_from_slice(line);
            self.out.push(LF);
        }
    }

    /// Code 128, code set B, centred, its text printed below. Too wide for the paper at the
    /// narrowest module every printer takes: the text alone, centred.
    fn barcode(&mut self, data: &str) {
        let symbols = data.chars().count();
        // Start (11 modules) + 11 per character + check (11) + stop (13).
        let dots = symbols.saturating_mul(11).saturating_add(35).saturating_mul(BARCODE_MODULE as usize);
        if symbols == 0 || dots > self.dots as usize {
            return self.block(&Block::Center(data.to_string()));
        }
        let mut payload = b"{B".to_vec();
        for c in data.chars() {
            match c {
                '{' => payload.extend_from_slice(b"{{"),
                ' '..='~' => payload.push(c as u8),
                _ => {
                    self.replaced += 1;
                    payload.push(b'?');
                }
            }
        }
        // At most 2 + 2 × 23 bytes: the widest paper fits 23 characters.
        let n = u8::try_from(payload.len()).unwrap_or(u8::MAX);
        self.out.extend_from_slice(&[ESC, b'a', 1]);
        self.out.extend_from_slice(&[GS, b'h', BARCODE_HEIGHT, GS, b'w', BARCODE_MODULE as u8, GS, b'H', 2]);
        self.out.extend_from_slice(&[GS, b'k', 73, n]);
        self.out.extend_from_slice(&payload[..usize::from(n)]);
        self.out.extend_from_slice(&[ESC, b'a', 0]);
    }

    /// A model 2 QR code of the text's UTF-8 bytes, error level M, centred, its modules as large
    /// as fit the paper (at most 6 dots). Too long for a QR code: the text instead.
    fn qr(&mut self, data: &str) {
        let bytes = data.as_bytes();
        if bytes.is_empty() || bytes.len() > QR_MAX_BYTES {
            return self.block(&Block::Text(data.to_string()));
        }
        let module = qr_module_size(bytes.len(), self.dots);
        let [p_lo, p_hi] = ((bytes.len() + 3) as u16).to_le_bytes();
        self.out.extend_from_slice(&[ESC, b'a', 1]);
        self.out.extend_from_slice(&[GS, b'(', b'k', 4, 0, 49, 65, 50, 0]); // model 2
        self.out.extend_from_slice(&[GS, b'(', b'k', 3, 0, 49, 67, module]); // module size
        self.out.extend_from_slice(&[GS, b'(', b'k', 3, 0, 49, 69, 49]); // error level M
        self.out.extend_from_slice(&[GS, b'(', b'k', p_lo, p_hi, 49, 80, 48]); // store
        self.out.extend_from_slice(bytes);
        self.out.extend_from_slice(&[GS, b'(', b'k', 3, 0, 49, 81, 48]); // print
        self.out.extend_from_slice(&[ESC, b'a', 0]);
    }
}

/// Bytes a QR code holds at error level M, versions 1 to 40 (ISO/IEC 18004, byte mode).
const QR_CAPACITY_M: [u16; 40] = [
    14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666, 711, 779, 857, 911,
    997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809, 1911, 1989, 2099, 2213, 2331,
];

/// The largest module size (1–6 dots) at which a QR code of `len` bytes, with its 4-module quiet
/// zone on each side, fits `dots`.
fn qr_module_size(len: usize, dots: u32) -> u8 {
    let version = QR_CAPACITY_M.iter().position(|&c| usize::from(c) >= len).unwrap_or(39) as u32 + 1;
    let modules = 17 + 4 * version + 8;
    (dots / modules).clamp(1, 6) as u8
}

/// `text` broken into lines of at most `width` bytes: at `\n`, else at the last space that
/// fits; a word longer than the line is cut. Spaces inside a line are kept, at the breaks dropped.
pub(crate) fn wrap(text: &[u8], width: usize) -> Vec<Vec<u8>> {
    let width = width.max(1);
    let mut out = Vec::new();
    for para in text.split(|&b| b == LF) {
        let mut rest = trim_end(para);
        loop {
            if rest.len() <= width {
                out.push(rest.to_vec());
                break;
            }
            let cut = rest[..=width].iter().rposition(|&b| b == b' ').filter(|&i| i > 0);
            let (line, next) = match cut {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => (&rest[..width], &rest[width..]),
            };
            out.push(trim_end(line).to_vec());
            rest = trim_start(next);
            if rest.is_empty() {
                break;
            }
        }
    }
    out
}

/// A left text and a right-aligned figure in `cols` columns: the left part wraps, the figure
/// goes on its last line (its own line when it leaves no room).
pub(crate) fn pair(left: &[u8], right: &[u8], cols: usize) -> Vec<Vec<u8>> {
    let right = trim_start(trim_end(right));
    if right.len() + 1 >= cols {
        let mut lines = if trim_end(left).is_empty() { Vec::new() } else { wrap(left, cols) };
        for r in wrap(right, cols) {
            lines.push(right_align(&[], &r, cols));
        }
        return lines;
    }
    let mut lines = wrap(left, cols);
    let mut last = lines.pop().unwrap_or_default();
    if !last.is_empty() && last.len() + 1 + right.len() > cols {
        let mut again = wrap(&last, cols - right.len() - 1);
        last = again.pop().unwrap_or_default();
        lines.extend(again);
    }
    lines.push(right_align(&last, right, cols));
    lines
}

fn right_align(left: &[u8], right: &[u8], cols: usize) -> Vec<u8> {
    let mut line = left.to_vec();
    let pad = cols.saturating_sub(left.len() + right.len());
    line.resize(line.len() + pad, b' ');
    line.extend_from_slice(right);
    line
}

fn trim_end(b: &[u8]) -> &[u8] {
    let n = b.iter().rposition(|&c| c != b' ').map_or(0, |i| i + 1);
    &b[..n]
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().position(|&c| c != b' ').unwrap_or(b.len());
    &b[n..]
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: [u8; 5] = [ESC, b'@', ESC, b't', 19];

    fn text(blocks: Vec<Block>, paper: Paper) -> Vec<u8> {
        let e = encode_text(&Receipt { blocks }, paper, CodePage::Cp858);
        assert_eq!(e.bytes[..5], HEAD);
        assert_eq!(e.replaced, 0);
        e.bytes[5..].to_vec()
    }

    #[test]
    fn fixed_commands() {
        assert_eq!(FEED_AND_CUT, [0x1B, 0x64, 3, 0x1D, 0x56, 0x42, 0]);
        assert_eq!(KICK, [0x1B, 0x70, 0, 25, 250]);
        assert_eq!(STATUS_QUERIES, [[0x10, 4, 1], [0x10, 4, 2], [0x10, 4, 4]]);
        assert!(is_status_reply(0x12) && is_status_reply(0x7E) && !is_status_reply(0x00) && !is_status_reply(0x92));
    }

    #[test]
    fn header_selects_the_code_page() {
        for (cp, n) in [(CodePage::Cp437, 0), (CodePage::Cp858, 19), (CodePage::Cp1252, 16)] {
            assert_eq!(encode_text(&Receipt::default(), Paper::Mm80, cp).bytes, [ESC, b'@', ESC, b't', n]);
        }
    }

    #[test]
    fn title_is_centred_bold_and_double() {
        let mut want = vec![ESC, b'a', 1, ESC, b'E', 1, GS, b'!', 0x11];
        want.extend_from_slice(b"Corner Shop\n");
        want.extend_from_slice(&[GS, b'!', 0, ESC, b'E', 0, ESC, b'a', 0]);
        assert_eq!(text(vec![Block::Title("Corner Shop".into())], Paper::Mm58), want);
        // 16 columns at double width on 58 mm paper.
        let long = text(vec![Block::Title("The Corner Shop of Main Street".into())], Paper::Mm58);
        let want = b"The Corner Shop\nof Main Street\n";
        assert!(long.windows(want.len()).any(|w| w == want), "{:?}", String::from_utf8_lossy(&long));
    }

    #[test]
    fn pairs_right_align_and_wrap() {
        let mut want = b"Tea".to_vec();
        want.extend(std::iter::repeat_n(b' ', 25));
        want.extend_from_slice(b"2.50\n");
        assert_eq!(
            text(vec![Block::Pair { left: "Tea".into(), right: "2.50".into(), bold: false }], Paper::Mm58),
            want
        );

        let bold = text(vec![Block::Pair { left: "TOTAL".into(), right: "9.99".into(), bold: true }], Paper::Mm58);
        assert_eq!(bold[..3], [ESC, b'E', 1]);
        assert_eq!(bold[bold.len() - 3..], [ESC, b'E', 0]);

        let lines = pair(b"Organic whole bean coffee, dark roast", b"12.50", 32);
        assert_eq!(lines, [b"Organic whole bean coffee, dark".to_vec(), b"roast                      12.50".to_vec()]);
        // The last line of the words leaves no room for the figure: it wraps again.
        let lines = pair(b"Organic whole bean coffee dark", b"12.50", 32);
        assert_eq!(lines, [b"Organic whole bean coffee".to_vec(), b"dark                       12.50".to_vec()]);
        assert_eq!(pair(b"", b"1.00", 8), [b"    1.00".to_vec()]);
        assert_eq!(pair(b"x", b"123456789", 8), [b"x".to_vec(), b"12345678".to_vec(), b"       9".to_vec()]);
    }

    #[test]
    fn wrapping() {
        assert_eq!(wrap(b"one two three", 7), [b"one two".to_vec(), b"three".to_vec()]);
        assert_eq!(wrap(b"abcdefghij", 4), [b"abcd".to_vec(), b"efgh".to_vec(), b"ij".to_vec()]);
        assert_eq!(wrap(b"a\n\nb", 4), [b"a".to_vec(), b"".to_vec(), b"b".to_vec()]);
        assert_eq!(wrap(b"Qty  Item", 20), [b"Qty  Item".to_vec()], "inner spaces stay");
        assert_eq!(wrap(b"", 4), [b"".to_vec()]);
    }

    #[test]
    fn rule_feed_and_text() {
        let mut want = vec![b'-'; 48];
        want.extend_from_slice(b"\n\nhello\n");
        let got = text(vec![Block::Rule, Block::Feed, Block::Text("hello".into())], Paper::Mm80);
        assert_eq!(got, want);
        assert_eq!(text(vec![Block::Center("Thank you".into())], Paper::Mm80), b"\x1ba\x01Thank you\n\x1ba\x00");
    }

    #[test]
    fn code128_with_set_b_prefix() {
        let mut want = vec![ESC, b'a', 1, GS, b'h', 80, GS, b'w', 2, GS, b'H', 2, GS, b'k', 73, 8];
        want.extend_from_slice(b"{BA-1{{x");
        want.extend_from_slice(&[ESC, b'a', 0]);
        assert_eq!(text(vec![Block::Barcode("A-1{x".into())], Paper::Mm58), want);
        // 15 characters do not fit 384 dots at 2 dots a module: the text instead.
        let wide = text(vec![Block::Barcode("ABCDEFGHIJKLMNO".into())], Paper::Mm58);
        assert_eq!(wide, b"\x1ba\x01ABCDEFGHIJKLMNO\n\x1ba\x00");
    }

    #[test]
    fn qr_code_commands() {
        let mut want = vec![ESC, b'a', 1];
        want.extend_from_slice(&[GS, b'(', b'k', 4, 0, 0x31, 0x41, 0x32, 0]);
        want.extend_from_slice(&[GS, b'(', b'k', 3, 0, 0x31, 0x43, 6]);
        want.extend_from_slice(&[GS, b'(', b'k', 3, 0, 0x31, 0x45, 0x31]);
        want.extend_from_slice(&[GS, b'(', b'k', 5, 0, 0x31, 0x50, 0x30, b'h', b'i']);
        want.extend_from_slice(&[GS, b'(', b'k', 3, 0, 0x31, 0x51, 0x30]);
        want.extend_from_slice(&[ESC, b'a', 0]);
        assert_eq!(text(vec![Block::Qr("hi".into())], Paper::Mm58), want);
        assert_eq!(qr_module_size(100, 384), 6);
        assert_eq!(qr_module_size(2000, 384), 2);
        assert_eq!(qr_module_size(2331, 576), 3);
        // Too long for any QR code: the text itself.
        let long = "x".repeat(2400);
        assert_eq!(text(vec![Block::Qr(long.clone())], Paper::Mm80), text(vec![Block::Text(long)], Paper::Mm80));
    }

    #[test]
    fn characters_the_page_lacks_print_as_question_marks() {
        let r = Receipt { blocks: vec![Block::Text("5 € é ß".into())] };
        let e = encode_text(&r, Paper::Mm58, CodePage::Cp858);
        assert_eq!(e.bytes[5..], *b"5 \xd5 \x82 \xe1\n");
        assert_eq!(e.replaced, 0);
        let e = encode_text(&r, Paper::Mm58, CodePage::Cp437);
        assert_eq!(e.bytes[5..], *b"5 ? \x82 \xe1\n");
        assert_eq!(e.replaced, 1);
        // A control character in a product name must not become a command.
        let r = Receipt { blocks: vec![Block::Text("a\u{1b}@b\u{7f}".into())] };
        let e = encode_text(&r, Paper::Mm58, CodePage::Cp858);
        assert_eq!(e.bytes[5..], *b"a?@b?\n");
        assert_eq!(e.replaced, 2);
        let r = Receipt { blocks: vec![Block::Text("one\r\ntwo".into()), Block::Barcode("Nº1".into())] };
        let e = encode_text(&r, Paper::Mm80, CodePage::Cp858);
        assert!(e.bytes.starts_with(b"\x1b@\x1bt\x13one\ntwo\n"), "{:?}", e.bytes);
        assert!(e.bytes.ends_with(b"\x1dk\x49\x05{BN?1\x1ba\x00"), "{:?}", e.bytes);
        assert_eq!(e.replaced, 1, "º is in cp858 for text, not in a barcode's code set B");
    }

    #[test]
    fn raster_in_bands() {
        let mut b = Bitmap::new(16, 2);
        b.set(0, 0, true);
        b.set(15, 1, true);
        assert_eq!(encode_raster(&b), [ESC, b'@', GS, b'v', b'0', 0, 2, 0, 2, 0, 0x80, 0, 0, 0x01]);

        let tall = Bitmap::new(8, 300);
        let out = encode_raster(&tall);
        assert_eq!(out.len(), 2 + 8 + 256 + 8 + 44);
        assert_eq!(out[2..10], [GS, b'v', b'0', 0, 1, 0, 0, 1]);
        assert_eq!(out[266..274], [GS, b'v', b'0', 0, 1, 0, 44, 0]);

        assert_eq!(encode_raster(&Bitmap::default()), INIT);
        // Bits shorter than the size claims: white, no panic.
        let short = Bitmap { width: 16, height: 2, bits: vec![0xFF] };
        assert_eq!(encode_raster(&short)[10..], [0xFF, 0, 0, 0]);
    }
}
