//! The printer's character sets: which byte prints which character, per code page.
//!
//! Hand tables, not a crate: no single small crate has all three pages (`oem_cp` has the DOS
//! pages 437 and 858 but not Windows-1252 and brings `phf`; `encoding_rs` has 1252 but none of
//! the DOS pages), and the upper halves are 3 × 128 characters. The tables were generated from
//! Python's `cp437`, `cp858` and `cp1252` codecs and are checked here against known bytes.
//! Bytes below 0x80 are ASCII; below 0x20 and 0x7F they are ESC/POS control codes, so no text
//! ever uses them.

use std::fmt;
use std::str::FromStr;

/// A code page of the printer's font, selected with `ESC t n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum CodePage {
    /// IBM PC (US), `ESC t 0`: the printer's power-on page; box drawing, no `€`.
    Cp437,
    /// Multilingual Latin-1 with `€` (cp850 with `€` at 0xD5), `ESC t 19`: the default.
    #[default]
    Cp858,
    /// Windows Latin-1 (WPC1252), `ESC t 16`: `€`, curly quotes, dashes.
    Cp1252,
}

/// A code page name that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown code page {0:?}: use cp437, cp858 or cp1252")]
pub struct UnknownCodePage(pub String);

/// Undefined byte (cp1252 leaves five unassigned).
const NONE: char = '\u{fffd}';

/// cp437, bytes 0x80..=0xFF.
const CP437: [char; 128] = [
    'Ç', 'ü', 'é', 'â', 'ä', 'à', 'å', 'ç', // 0x80
    'ê', 'ë', 'è', 'ï', 'î', 'ì', 'Ä', 'Å', // 0x88
    'É', 'æ', 'Æ', 'ô', 'ö', 'ò', 'û', 'ù', // 0x90
    'ÿ', 'Ö', 'Ü', '¢', '£', '¥', '₧', 'ƒ', // 0x98
    'á', 'í', 'ó', 'ú', 'ñ', 'Ñ', 'ª', 'º', // 0xA0
    '¿', '⌐', '¬', '½', '¼', '¡', '«', '»', // 0xA8
    '░', '▒', '▓', '│', '┤', '╡', '╢', '╖', // 0xB0
    '╕', '╣', '║', '╗', '╝', '╜', '╛', '┐', // 0xB8
    '└', '┴', '┬', '├', '─', '┼', '╞', '╟', // 0xC0
    '╚', '╔', '╩', '╦', '╠', '═', '╬', '╧', // 0xC8
    '╨', '╤', '╥', '╙', '╘', '╒', '╓', '╫', // 0xD0
    '╪', '┘', '┌', '█', '▄', '▌', '▐', '▀', // 0xD8
    'α', 'ß', 'Γ', 'π', 'Σ', 'σ', 'µ', 'τ', // 0xE0
    'Φ', 'Θ', 'Ω', 'δ', '∞', 'φ', 'ε', '∩', // 0xE8
    '≡', '±', '≥', '≤', '⌠', '⌡', '÷', '≈', // 0xF0
    '°', '∙', '·', '√', 'ⁿ', '²', '■', '\u{a0}', // 0xF8
];

/// cp858, bytes 0x80..=0xFF.
const CP858: [char; 128] = [
    'Ç', 'ü', 'é', 'â', 'ä', 'à', 'å', 'ç', // 0x80
    'ê', 'ë', 'è', 'ï', 'î', 'ì', 'Ä', 'Å', // 0x88
    'É', 'æ', 'Æ', 'ô', 'ö', 'ò', 'û', 'ù', // 0x90
    'ÿ', 'Ö', 'Ü', 'ø', '£', 'Ø', '×', 'ƒ', // 0x98
    'á', 'í', 'ó', 'ú', 'ñ', 'Ñ', 'ª', 'º', // 0xA0
    '¿', '®', '¬', '½', '¼', '¡', '«', '»', // 0xA8
    '░', '▒', '▓', '│', '┤', 'Á', 'Â', 'À', // 0xB0
    '©', '╣', '║', '╗', '╝', '¢', '¥', '┐', // 0xB8
    '└', '┴', '┬', '├', '─', '┼', 'ã', 'Ã', // 0xC0
    '╚', '╔', '╩', '╦', '╠', '═', '╬', '¤', // 0xC8
    'ð', 'Ð', 'Ê', 'Ë', 'È', '€', 'Í', 'Î', // 0xD0
    'Ï', '┘', '┌', '█', '▄', '¦', 'Ì', '▀', // 0xD8
    'Ó', 'ß', 'Ô', 'Ò', 'õ', 'Õ', 'µ', 'þ', // 0xE0
    'Þ', 'Ú', 'Û', 'Ù', 'ý', 'Ý', '¯', '´', // 0xE8
    '\u{ad}', '±', '‗', '¾', '¶', '§', '÷', '¸', // 0xF0
    '°', '¨', '·', '¹', '³', '²', '■', '\u{a0}', // 0xF8
];

/// cp1252, bytes 0x80..=0xFF (0x81, 0x8D, 0x8F, 0x90, 0x9D undefined).
const CP1252: [char; 128] = [
    '€', NONE, '‚', 'ƒ', '„', '…', '†', '‡', // 0x80
    'ˆ', '‰', 'Š', '‹', 'Œ', NONE, 'Ž', NONE, // 0x88
    NONE, '‘', '’', '“', '”', '•', '–', '—', // 0x90
    '˜', '™', 'š', '›', 'œ', NONE, 'ž', 'Ÿ', // 0x98
    '\u{a0}', '¡', '¢', '£', '¤', '¥', '¦', '§', // 0xA0
    '¨', '©', 'ª', '«', '¬', '\u{ad}', '®', '¯', // 0xA8
    '°', '±', '²', '³', '´', 'µ', '¶', '·', // 0xB0
    '¸', '¹', 'º', '»', '¼', '½', '¾', '¿', // 0xB8
    'À', 'Á', 'Â', 'Ã', 'Ä', 'Å', 'Æ', 'Ç', // 0xC0
    'È', 'É', 'Ê', 'Ë', 'Ì', 'Í', 'Î', 'Ï', // 0xC8
    'Ð', 'Ñ', 'Ò', 'Ó', 'Ô', 'Õ', 'Ö', '×', // 0xD0
    'Ø', 'Ù', 'Ú', 'Û', 'Ü', 'Ý', 'Þ', 'ß', // 0xD8
    'à', 'á', 'â', 'ã', 'ä', 'å', 'æ', 'ç', // 0xE0
    'è', 'é', 'ê', 'ë', 'ì', 'í', 'î', 'ï', // 0xE8
    'ð', 'ñ', 'ò', 'ó', 'ô', 'õ', 'ö', '÷', // 0xF0
    'ø', 'ù', 'ú', 'û', 'ü', 'ý', 'þ', 'ÿ', // 0xF8
];

impl CodePage {
    /// Every supported page.
    pub const ALL: [CodePage; 3] = [CodePage::Cp437, CodePage::Cp858, CodePage::Cp1252];

    /// The `n` of `ESC t n` that selects this page.
    pub fn escpos_number(self) -> u8 {
        match self {
            CodePage::Cp437 => 0,
            CodePage::Cp858 => 19,
            CodePage::Cp1252 => 16,
        }
    }

    /// The page that `ESC t n` selects, if it is one of ours.
    pub fn from_escpos_number(n: u8) -> Option<CodePage> {
        CodePage::ALL.into_iter().find(|cp| cp.escpos_number() == n)
    }

    fn upper(self) -> &'static [char; 128] {
        match self {
            CodePage::Cp437 => &CP437,
            CodePage::Cp858 => &CP858,
            CodePage::Cp1252 => &CP1252,
        }
    }

    /// The byte that prints `c`, or `None` when the page lacks it. Control characters have no
    /// byte: they would be taken as commands.
    pub fn encode(self, c: char) -> Option<u8> {
        if (' '..='~').contains(&c) {
            return Some(c as u8);
        }
        if c == NONE {
            return None;
        }
        self.upper().iter().position(|&u| u == c).and_then(|i| u8::try_from(0x80 + i).ok())
    }

    /// The character byte `b` prints, or `None` for a control code or an undefined byte.
    pub fn decode(self, b: u8) -> Option<char> {
        match b {
            0x20..=0x7E => Some(char::from(b)),
            0x80..=0xFF => self.upper().get(usize::from(b - 0x80)).copied().filter(|&c| c != NONE),
            _ => None,
        }
    }
}

impl fmt::Display for CodePage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CodePage::Cp437 => "cp437",
            CodePage::Cp858 => "cp858",
            CodePage::Cp1252 => "cp1252",
        })
    }
}

impl FromStr for CodePage {
    type Err = UnknownCodePage;

    /// `cp437`, `cp858` or `cp1252` (any case; the bare number too).
    fn from_str(s: &str) -> Result<CodePage, UnknownCodePage> {
        let t = s.trim().to_ascii_lowercase();
        let t = t.strip_prefix("cp").unwrap_or(&t);
        CodePage::ALL.into_iter().find(|cp| cp.to_string()[2..] == *t).ok_or_else(|| UnknownCodePage(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_bytes() {
        assert_eq!(CodePage::Cp858.encode('€'), Some(0xD5));
        assert_eq!(CodePage::Cp858.encode('é'), Some(0x82));
        assert_eq!(CodePage::Cp858.encode('ß'), Some(0xE1));
        assert_eq!(CodePage::Cp437.encode('€'), None);
        assert_eq!(CodePage::Cp437.encode('ß'), Some(0xE1));
        assert_eq!(CodePage::Cp437.encode('─'), Some(0xC4));
        assert_eq!(CodePage::Cp1252.encode('€'), Some(0x80));
        assert_eq!(CodePage::Cp1252.encode('é'), Some(0xE9));
        assert_eq!(CodePage::Cp1252.encode('’'), Some(0x92));
        assert_eq!(CodePage::Cp1252.decode(0x81), None);
        assert_eq!(CodePage::Cp858.encode('\u{1b}'), None, "ESC never goes out as text");
        assert_eq!(CodePage::Cp858.encode('\u{7f}'), None);
        assert_eq!(CodePage::Cp858.encode('\u{fffd}'), None);
        assert_eq!(CodePage::Cp858.encode('漢'), None);
    }

    #[test]
    fn every_byte_round_trips() {
        for cp in CodePage::ALL {
            for b in 0x20..=0xFFu8 {
                if let Some(c) = cp.decode(b) {
                    assert_eq!(cp.encode(c), Some(b), "{cp} byte {b:#04x}");
                }
            }
        }
    }

    #[test]
    fn names() {
        for cp in CodePage::ALL {
            assert_eq!(cp.to_string().parse::<CodePage>(), Ok(cp));
        }
        assert_eq!("CP1252".parse::<CodePage>(), Ok(CodePage::Cp1252));
        assert_eq!("858".parse::<CodePage>(), Ok(CodePage::Cp858));
        assert!("cp850".parse::<CodePage>().is_err());
        assert_eq!(CodePage::from_escpos_number(19), Some(CodePage::Cp858));
        assert_eq!(CodePage::from_escpos_number(99), None);
    }
}
