//! A Code 128 reader for the tests, written from the standard (ISO/IEC 15417) apart from the
//! encoder: it finds the bars in one row of dots, measures the bar and space runs, checks the
//! quiet zones, the start symbol (code set B), the modulo-103 check symbol and the stop pattern,
//! and gives back the text, as a scanner would.

use till_display::receipt::Bitmap;

/// Element widths of symbol values 0–105 (bar first) and the stop pattern (106).
const PATTERNS: [&str; 107] = [
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213", "221312",
    "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132", "221231", "213212",
    "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211", "212123", "212321", "232121",
    "111323", "131123", "131321", "112313", "132113", "132311", "211313", "231113", "231311", "112133", "112331",
    "132131", "113123", "113321", "133121", "313121", "211331", "231131", "213113", "213311", "213131", "311123",
    "311321", "331121", "312113", "312311", "332111", "314111", "221411", "431111", "111224", "111422", "121124",
    "121421", "141122", "141221", "112214", "112412", "122114", "122411", "142112", "142211", "241211", "221114",
    "413111", "241112", "134111", "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112",
    "421211", "212141", "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311",
    "113141", "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
];

const START_B: usize = 104;

/// What a scan of one row found: the text and the module width in dots.
#[derive(Debug, PartialEq)]
pub struct Scan {
    pub text: String,
    pub module: f64,
}

/// Reads the barcode in one row of dots (`true` = black).
pub fn decode_row(row: &[bool]) -> Result<Scan, String> {
    let first = row.iter().position(|&b| b).ok_or("no bars")?;
    let last = row.iter().rposition(|&b| b).ok_or("no bars")?;
    let mut runs = Vec::new();
    let mut i = first;
    while i <= last {
        let n = row[i..=last].iter().take_while(|&&b| b == row[i]).count();
        runs.push(n);
        i += n;
    }
    // Start, at least one character, check (6 runs each), stop (7 runs).
    if runs.len() < 3 * 6 + 7 || (runs.len() - 7) % 6 != 0 {
        return Err(format!("{} runs is not a Code 128 symbol sequence", runs.len()));
    }
    let (symbols, stop) = runs.split_at(runs.len() - 7);
    let modules = |widths: &[usize], total: usize| -> String {
        // Each symbol is measured by itself (11 modules, 13 for the stop), as scanners do.
        let module = widths.iter().sum::<usize>() as f64 / total as f64;
        widths.iter().map(|&w| char::from(b'0' + (w as f64 / module).round() as u8)).collect()
    };
    let module = runs[..6].iter().sum::<usize>() as f64 / 11.0;
    if (first as f64) < 10.0 * module || ((row.len() - 1 - last) as f64) < 10.0 * module {
        return Err("quiet zone narrower than 10 modules".into());
    }
    if modules(stop, 13) != PATTERNS[106] {
        return Err(format!("no stop pattern: {}", modules(stop, 13)));
    }
    let values = symbols
        .chunks(6)
        .map(|w| {
            let m = modules(w, 11);
            PATTERNS[..106].iter().position(|p| *p == m).ok_or(format!("no symbol {m}"))
        })
        .collect::<Result<Vec<usize>, String>>()?;
    if values[0] != START_B {
        return Err(format!("starts with {}, not Start B", values[0]));
    }
    let (check, data) = values[1..].split_last().ok_or("no check symbol")?;
    let sum = START_B + data.iter().enumerate().map(|(i, v)| v * (i + 1)).sum::<usize>();
    if sum % 103 != *check {
        return Err(format!("check symbol {check}, expected {}", sum % 103));
    }
    let text = data
        .iter()
        .map(|&v| if v < 95 { Ok(char::from(v as u8 + 32)) } else { Err(format!("function symbol {v}")) })
        .collect::<Result<String, String>>()?;
    Ok(Scan { text, module })
}

/// Finds the barcode in a bitmap: the rows that scan, which must be consecutive and agree, and
/// what the middle one of them reads. `None` if no row scans.
pub fn scan(bitmap: &Bitmap) -> Option<(Scan, std::ops::Range<u32>)> {
    let row = |y: u32| -> Vec<bool> { (0..bitmap.width).map(|x| bitmap.get(x, y)).collect() };
    let rows: Vec<u32> = (0..bitmap.height).filter(|&y| decode_row(&row(y)).is_ok()).collect();
    let (&top, &bottom) = (rows.first()?, rows.last()?);
    assert_eq!(rows.len() as u32, bottom - top + 1, "the rows that scan are not one band: {rows:?}");
    let middle = decode_row(&row((top + bottom) / 2)).ok()?;
    for y in [top, bottom] {
        assert_eq!(decode_row(&row(y)).ok()?.text, middle.text, "row {y} reads otherwise");
    }
    Some((middle, top..bottom + 1))
}
