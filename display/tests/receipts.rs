//! Raster receipts: pixel-exact snapshots of the sample receipt at 58 and 80 mm (and of one in
//! several alphabets with a QR code), barcodes and QR codes that scan back, alignment, wrapping,
//! size and determinism.
//!
//! Re-bless after an intended change:  `TILL_BLESS=1 cargo test -p till-display --test receipts`
//! (then look at the PNGs in display/tests/snapshots/ before committing them).

mod code128;

use std::path::PathBuf;
use std::time::Instant;

use till_display::receipt::{Bitmap, Block, Paper, Receipt, render, sample_receipt};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn pair(left: &str, right: &str) -> Block {
    Block::Pair { left: left.into(), right: right.into(), bold: false }
}

/// Names in Europe's alphabets, a character DejaVu lacks (the box), a long word, and a QR code.
fn languages_receipt() -> Receipt {
    Receipt {
        blocks: vec![
            Block::Title("Καφενείο Ωμέγα".into()),
            Block::Center("Кафе «Жёлудь» · Kraków, ulica Łódzka 5".into()),
            Block::Rule,
            pair("Ελληνικός καφές", "€2.80"),
            pair("Борщ с пампушками и сметаной, большая порция", "€7.50"),
            pair("Żurek, pierogi, gołąbki", "€9.90"),
            pair("Crème brûlée, Grüße, Straße", "€4.20"),
            pair("Çay, şeker, ağaç; mătase, știință", "€1.10"),
            pair("Ramen 日本", "€8.00"),
            Block::Pair { left: "Σύνολο / Итого".into(), right: "€33.50".into(), bold: true },
            Block::Rule,
            Block::Text("https://corner-store.example/receipts/R1-000042/feedback".into()),
            Block::Qr("https://corner-store.example/r/R1-000042".into()),
            Block::Center("Ευχαριστούμε! Спасибо! Dziękujemy!".into()),
        ],
    }
}

fn snapshots() -> Vec<(String, Bitmap)> {
    vec![
        ("receipt-sample-58mm".into(), render(&sample_receipt(), Paper::Mm58)),
        ("receipt-sample-80mm".into(), render(&sample_receipt(), Paper::Mm80)),
        ("receipt-languages-58mm".into(), render(&languages_receipt(), Paper::Mm58)),
        ("receipt-languages-80mm".into(), render(&languages_receipt(), Paper::Mm80)),
    ]
}

#[test]
fn receipts_match_their_snapshots() -> TestResult {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/snapshot-failures");
    let bless = std::env::var_os("TILL_BLESS").is_some_and(|v| v != "0");
    let mut failures = Vec::new();
    for (name, bitmap) in snapshots() {
        let file = format!("{name}.png");
        let path = dir.join(&file);
        if bless {
            std::fs::write(&path, bitmap.to_png()?)?;
            continue;
        }
        let expected = match std::fs::read(&path) {
            Ok(bytes) => Bitmap::from_png(&bytes)?,
            Err(e) => {
                failures.push(format!("{file}: missing ({e}); run with TILL_BLESS=1"));
                continue;
            }
        };
        if expected != bitmap {
            let differing = if (expected.width, expected.height) == (bitmap.width, bitmap.height) {
                expected.bits.iter().zip(&bitmap.bits).map(|(a, b)| (a ^ b).count_ones()).sum::<u32>().to_string()
            } else {
                format!("size {}×{} vs {}×{}: all", bitmap.width, bitmap.height, expected.width, expected.height)
            };
            std::fs::create_dir_all(&out)?;
            let actual_path = out.join(&file);
            std::fs::write(&actual_path, bitmap.to_png()?)?;
            failures.push(format!("{file}: {differing} dots differ; actual image in {}", actual_path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "snapshot mismatches (re-bless with TILL_BLESS=1 if intended):\n{}",
        failures.join("\n")
    );
    Ok(())
}

#[test]
fn the_printed_barcode_scans_as_the_order_number() {
    for paper in [Paper::Mm58, Paper::Mm80] {
        let bitmap = render(&sample_receipt(), paper);
        let (scan, rows) = code128::scan(&bitmap).unwrap_or_else(|| panic!("{paper:?}: no row scans"));
        assert_eq!(scan.text, "R1-000042", "{paper:?}");
        assert_eq!(scan.module, 2.0, "{paper:?}: modules 2 dots wide");
        assert!((55..=65).contains(&rows.len()), "{paper:?}: bars {} dots tall", rows.len());
    }
}

#[test]
fn a_long_barcode_narrows_its_modules_and_still_scans() {
    // 20 characters: 275 modules with the quiet zones, 550 dots at 2 per module, 275 at 1.
    let text = "ORDER-R12-0000042-AB";
    let bitmap = render(&Receipt { blocks: vec![Block::Barcode(text.into())] }, Paper::Mm58);
    let (scan, _) = code128::scan(&bitmap).unwrap_or_else(|| panic!("no row scans"));
    assert_eq!((scan.text.as_str(), scan.module), (text, 1.0));
    // On 80 mm it still fits at 2 dots.
    let bitmap = render(&Receipt { blocks: vec![Block::Barcode(text.into())] }, Paper::Mm80);
    let (scan, _) = code128::scan(&bitmap).unwrap_or_else(|| panic!("no row scans on 80 mm"));
    assert_eq!((scan.text.as_str(), scan.module), (text, 2.0));
}

#[test]
fn a_barcode_that_cannot_be_made_prints_its_text() {
    for text in ["Bestellung Nr. ö-42", &"9".repeat(40)] {
        let barcode = render(&Receipt { blocks: vec![Block::Barcode(text.into())] }, Paper::Mm58);
        assert!(code128::scan(&barcode).is_none(), "{text}");
        let as_text = render(&Receipt { blocks: vec![Block::Center(text.into())] }, Paper::Mm58);
        assert_eq!(barcode, as_text, "{text}");
    }
}

#[test]
fn the_printed_qr_code_scans() -> TestResult {
    for paper in [Paper::Mm58, Paper::Mm80] {
        for text in ["R1-000042", "https://corner-store.example/r/R1-000042?lang=el&ref=Καφενείο"] {
            let bitmap = render(&Receipt { blocks: vec![Block::Qr(text.into())] }, paper);
            let mut image =
                rqrr::PreparedImage::prepare_from_greyscale(bitmap.width as usize, bitmap.height as usize, |x, y| {
                    if bitmap.get(x as u32, y as u32) { 0 } else { 255 }
                });
            let grids = image.detect_grids();
            assert_eq!(grids.len(), 1, "{paper:?} {text}");
            let (_, content) = grids[0].decode()?;
            assert_eq!(content, text, "{paper:?}");
        }
    }
    Ok(())
}

/// The columns of the leftmost and rightmost black dots, or `None` for a white bitmap.
fn ink_columns(bitmap: &Bitmap) -> Option<(u32, u32)> {
    let black = |x: u32| (0..bitmap.height).any(|y| bitmap.get(x, y));
    let left = (0..bitmap.width).find(|&x| black(x))?;
    let right = (0..bitmap.width).rev().find(|&x| black(x))?;
    Some((left, right))
}

#[test]
fn pair_amounts_are_right_aligned_within_the_width() {
    for paper in [Paper::Mm80, Paper::Mm58] {
        let width = paper.dots();
        let mut rights = Vec::new();
        for (left, right) in [("Tea", "$3.00"), ("Subtotal", "$1,234.50"), ("Change", "-$0.05"), ("Total", "$18.24")] {
            let bitmap = render(&Receipt { blocks: vec![pair(left, right)] }, paper);
            let (l, r) = ink_columns(&bitmap).unwrap_or_else(|| panic!("{left}: no ink"));
            assert!(l <= 8, "{paper:?} {left}: starts at {l}");
            rights.push(r);
        }
        let (min, max) = (rights.iter().min().copied().unwrap_or(0), rights.iter().max().copied().unwrap_or(0));
        assert!(max < width && max >= width - 8, "{paper:?}: amounts end at {rights:?} of {width}");
        assert!(max - min <= 2, "{paper:?}: amounts end at {rights:?}");

        // Words too long for the line wrap short of the amount, which is on their last line.
        let long = "Oat Milk Chai Latte (large) with an extra shot and cinnamon on top, to go";
        let bitmap = render(&Receipt { blocks: vec![pair(long, "$12.50")] }, paper);
        let one_line = render(&Receipt { blocks: vec![pair("Tea", "$12.50")] }, paper);
        assert!(bitmap.height >= one_line.height * 2 - 16, "{paper:?}: did not wrap");
        let amount_rows: Vec<u32> =
            (0..bitmap.height).filter(|&y| (width - 40..width).any(|x| bitmap.get(x, y))).collect();
        let words_rows: Vec<u32> = (0..bitmap.height).filter(|&y| (0..40).any(|x| bitmap.get(x, y))).collect();
        assert!(amount_rows.first() > words_rows.first(), "{paper:?}: the amount is not on the last line");
        assert!(amount_rows.last() <= words_rows.last().map(|y| y + 6).as_ref(), "{paper:?}");
    }
}

#[test]
fn text_wraps_and_stays_inside_the_paper() {
    let text = "Returns within 30 days with this receipt. Gift cards are not refundable. \
                Details: https://corner-store.example/returns-policy-and-conditions-of-sale Ευχαριστούμε.";
    for paper in [Paper::Mm58, Paper::Mm80] {
        let one = render(&Receipt { blocks: vec![Block::Text("Returns".into())] }, paper);
        let bitmap = render(&Receipt { blocks: vec![Block::Text(text.into()), Block::Center(text.into())] }, paper);
        assert_eq!(bitmap.width, paper.dots());
        let lines = (bitmap.height - 16) / (one.height - 16);
        assert!(lines >= 2 * (text.len() as u32 * 11 / paper.dots()), "{paper:?}: {lines} lines");
        let (left, right) = ink_columns(&bitmap).unwrap_or((0, 0));
        assert!(left >= 2 && right < paper.dots() - 2, "{paper:?}: ink from {left} to {right}");
        // The margins above and below are white: nothing was cut off.
        let white_row = |y: u32| (0..bitmap.width).all(|x| !bitmap.get(x, y));
        assert!((0..6).chain(bitmap.height - 6..bitmap.height).all(white_row), "{paper:?}");
    }
}

#[test]
fn every_alphabet_dejavu_covers_prints_and_the_rest_is_a_box() {
    let one = |text: &str| render(&Receipt { blocks: vec![Block::Text(text.into())] }, Paper::Mm58);
    let boxed = one("日");
    assert!(boxed.bits.iter().any(|&b| b != 0), "the missing-glyph box has ink");
    assert_eq!(one("本"), boxed, "every missing character is the same box");
    for c in ['é', 'ß', '€', 'Ł', 'ș', 'Ω', 'λ', 'Ж', 'ё', 'ї', 'Ґ'] {
        let drawn = one(&c.to_string());
        assert!(drawn.bits.iter().any(|&b| b != 0), "{c} has no ink");
        assert_ne!(drawn, boxed, "{c} is drawn as the missing-glyph box");
    }
}

#[test]
fn a_100_line_receipt_renders() {
    let mut blocks = vec![Block::Title("Corner Store".into()), Block::Rule];
    for i in 0..100 {
        blocks.push(pair(&format!("{} × Item number {i} with a name", i % 3 + 1), &format!("${i}.{:02}", i % 100)));
    }
    blocks.push(Block::Barcode("R1-000042".into()));
    let receipt = Receipt { blocks };
    let start = Instant::now();
    let bitmap = render(&receipt, Paper::Mm80);
    let took = start.elapsed();
    eprintln!("100-line receipt at 80 mm: {took:?} (debug build; see `cargo bench -p till-display` for release)");
    assert!(bitmap.height > 100 * 20, "{} rows", bitmap.height);
    assert_eq!(bitmap.bits.len(), bitmap.row_bytes() * bitmap.height as usize);
    assert_eq!(code128::scan(&bitmap).map(|(s, _)| s.text), Some("R1-000042".into()));
}

#[test]
fn rendering_is_deterministic() -> TestResult {
    for paper in [Paper::Mm58, Paper::Mm80] {
        let a = render(&sample_receipt(), paper);
        let b = render(&sample_receipt(), paper);
        assert_eq!(a, b);
        assert_eq!(a.to_png()?, b.to_png()?);
        assert_eq!(Bitmap::from_png(&a.to_png()?)?, a);
    }
    Ok(())
}
