//! Code 128, code set B: printable ASCII as bars, for the order number under a receipt (the return
//! screen scans it back). ISO/IEC 15417: a start symbol, one symbol per character, a modulo-103
//! check symbol and the stop pattern; every symbol is three bars and three spaces, 11 modules.

/// Element widths in modules (bar, space, bar, space, bar, space) of symbol values 0–105, and the
/// stop pattern (106: seven elements, 13 modules).
const PATTERNS: [&[u8]; 107] = [
    b"212222", b"222122", b"222221", b"121223", b"121322", b"131222", b"122213", b"122312", b"132212", b"221213",
    b"221312", b"231212", b"112232", b"122132", b"122231", b"113222", b"123122", b"123221", b"223211", b"221132",
    b"221231", b"213212", b"223112", b"312131", b"311222", b"321122", b"321221", b"312212", b"322112", b"322211",
    b"212123", b"212321", b"232121", b"111323", b"131123", b"131321", b"112313", b"132113", b"132311", b"211313",
    b"231113", b"231311", b"112133", b"112331", b"132131", b"113123", b"113321", b"133121", b"313121", b"211331",
    b"231131", b"213113", b"213311", b"213131", b"311123", b"311321", b"331121", b"312113", b"312311", b"332111",
    b"314111", b"221411", b"431111", b"111224", b"111422", b"121124", b"121421", b"141122", b"141221", b"112214",
    b"112412", b"122114", b"122411", b"142112", b"142211", b"241211", b"221114", b"413111", b"241112", b"134111",
    b"111242", b"121142", b"121241", b"114212", b"124112", b"124211", b"411212", b"421112", b"421211", b"212141",
    b"214121", b"412121", b"111143", b"111341", b"131141", b"114113", b"114311", b"411113", b"411311", b"113141",
    b"114131", b"311141", b"411131", b"211412", b"211214", b"211232", b"2331112",
];

/// Start symbol for code set B.
const START_B: u8 = 104;
/// The stop pattern's index in [`PATTERNS`].
const STOP: u8 = 106;

/// Quiet zone each side, in modules (the standard's minimum).
pub(crate) const QUIET: u32 = 10;

/// The symbol values of `text` in code set B: start, one per character, check, stop. `None` if
/// a character is outside printable ASCII (code set B has no other characters) or `text` is empty.
pub(crate) fn symbols(text: &str) -> Option<Vec<u8>> {
    if text.is_empty() {
        return None;
    }
    let mut values = Vec::with_capacity(text.len() + 3);
    values.push(START_B);
    for c in text.chars() {
        let code = u32::from(c);
        if !(32..=126).contains(&code) {
            return None;
        }
        values.push((code - 32) as u8);
    }
    // The start symbol weighs 1, as does the first character; then 2, 3, …
    let sum = values.iter().enumerate().fold(0u64, |sum, (i, &v)| sum + u64::from(v) * (i.max(1) as u64));
    values.push((sum % 103) as u8);
    values.push(STOP);
    Some(values)
}

/// The modules of `text`'s barcode, left to right, `true` = bar, without quiet zones:
/// 11 per symbol and 13 for the stop. `None` as for [`symbols`].
pub(crate) fn modules(text: &str) -> Option<Vec<bool>> {
    let values = symbols(text)?;
    let mut out = Vec::with_capacity(values.len() * 11 + 2);
    for v in values {
        let pattern = PATTERNS.get(usize::from(v))?;
        for (i, w) in pattern.iter().enumerate() {
            let bar = i % 2 == 0;
            out.extend(std::iter::repeat_n(bar, usize::from(w - b'0')));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_symbol_is_three_bars_and_three_spaces_in_eleven_modules() {
        let mut seen = std::collections::HashSet::new();
        for (v, p) in PATTERNS.iter().enumerate() {
            let widths: Vec<u32> = p.iter().map(|w| u32::from(w - b'0')).collect();
            let (len, total) = if v == usize::from(STOP) { (7, 13) } else { (6, 11) };
            assert_eq!(widths.len(), len, "{v}");
            assert_eq!(widths.iter().sum::<u32>(), total, "{v}");
            assert!(widths.iter().all(|w| (1..=4).contains(w)), "{v}");
            // Code 128's parity: the bars of a symbol cover an even number of modules.
            let bars: u32 = widths.iter().step_by(2).sum();
            assert_eq!(bars % 2, 0, "{v}");
            assert!(seen.insert(&p[..6]), "{v} repeats a pattern");
        }
    }

    #[test]
    fn check_symbol_is_modulo_103() {
        // Start B (104) + 'R' (50)×1 + '1' (17)×2 = 188; 188 mod 103 = 85.
        assert_eq!(symbols("R1"), Some(vec![104, 50, 17, 85, 106]));
        // "Wikipedia": 104 + 55 + 73·2 + 75·3 + 73·4 + 80·5 + 69·6 + 68·7 + 73·8 + 65·9 = 3281 → 88.
        assert_eq!(symbols("Wikipedia").and_then(|s| s.get(10).copied()), Some(88));
    }

    #[test]
    fn only_printable_ascii_is_encoded() {
        assert!(symbols("R1-000042").is_some());
        assert_eq!(symbols("café"), None);
        assert_eq!(symbols("tab\t"), None);
        assert_eq!(symbols(""), None);
        let m = modules("R1-000042").unwrap_or_default();
        assert_eq!(m.len(), 11 * (9 + 2) + 13);
        assert!(m[0] && *m.last().unwrap_or(&false), "starts and ends with a bar");
    }
}
