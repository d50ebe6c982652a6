//! Redraw timings at 800×480 into a 32 bpp framebuffer in memory: full sale and status screens,
//! and the partial cart redraw after a line is added; a 40-line raster receipt at 80 mm; and
//! switching the screen's language (its catalog inflated and read, then the sale screen drawn
//! in it).
//! Plain `Instant` timing, 200 runs each.
//!
//!   nice -n 10 cargo bench -p till-display

use std::hint::black_box;
use std::time::{Duration, Instant};

use till_display::i18n::{Language, load};
use till_display::receipt::{Block, Paper, Receipt, render, sample_receipt};
use till_display::{CartLine, FbFormat, FrameBuffer, Region, Screen, UiState, draw, draw_region, samples};

const RUNS: usize = 200;

fn sample(name: &str) -> Option<UiState> {
    samples().into_iter().find(|(n, _)| *n == name).map(|(_, s)| s)
}

/// The sample receipt with its items repeated to 40 lines of text (title, pairs, rules, barcode).
fn receipt_40_lines() -> Receipt {
    let mut receipt = sample_receipt();
    let lines = |r: &Receipt| r.blocks.iter().filter(|b| matches!(b, Block::Pair { .. } | Block::Center(_))).count();
    let mut i = 0;
    while lines(&receipt) < 40 {
        i += 1;
        receipt.blocks.insert(
            9,
            Block::Pair { left: format!("Item {i}, a name that fits"), right: format!("${i}.50"), bold: false },
        );
    }
    receipt
}

fn time(mut f: impl FnMut()) -> (Duration, Duration) {
    f(); // warm the glyph cache, as the device does after its first frame
    let mut runs: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    runs.sort();
    (runs[RUNS / 2], runs[RUNS * 9 / 10])
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let format = FbFormat::xrgb8888(800, 480);
    let mut mem = vec![0u8; format.bytes_needed()];
    let mut fb = FrameBuffer::new(&mut mem, format)?;
    let sale = sample("sale").ok_or("no sale sample")?;
    let status = sample("status-server").ok_or("no status sample")?;
    let receipt = receipt_40_lines();
    let mut german = sale.clone();
    german.status.language = Language::German;
    let mut added = sale.clone();
    if let Screen::Sale(view) = &mut added.screen {
        view.cart.push(CartLine { sku: "TEA".into(), name: "Tea".into(), qty: 1, line_cents: 300, discount_cents: 0 });
        view.total_cents += 300;
    }

    let rows = [
        ("full redraw, sale", time(|| draw(black_box(&sale), &mut fb).unwrap_or(()))),
        ("full redraw, status", time(|| draw(black_box(&status), &mut fb).unwrap_or(()))),
        (
            "partial redraw, cart (line added)",
            time(|| draw_region(black_box(&added), Region::Cart, &mut fb).unwrap_or(())),
        ),
        ("receipt, 40 lines at 80 mm (1-bit)", time(|| drop(black_box(render(black_box(&receipt), Paper::Mm80))))),
        ("language: German catalog read", time(|| drop(black_box(load(Language::German))))),
        ("language: sale drawn in German", time(|| draw(black_box(&german), &mut fb).unwrap_or(()))),
    ];
    println!("screens 800×480, XRGB8888 in memory; receipt 576 dots wide; {RUNS} runs each");
    println!("{:<36} {:>10} {:>10}", "case", "median", "p90");
    for (name, (median, p90)) in rows {
        println!("{name:<36} {:>7.2} ms {:>7.2} ms", median.as_secs_f64() * 1e3, p90.as_secs_f64() * 1e3);
    }
    Ok(())
}
