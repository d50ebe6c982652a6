//! Pixel-exact snapshots of every sample screen at 800×480 and 480×320.
//!
//! Re-bless after an intended change:  `TILL_BLESS=1 cargo test -p till-display --test snapshots`
//! (then look at the PNGs in display/tests/snapshots/ before committing them).

use std::path::PathBuf;

use till_display::{Canvas, draw, samples};

const SIZES: [(u32, u32); 2] = [(800, 480), (480, 320)];

#[test]
fn every_screen_matches_its_snapshot() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/snapshot-failures");
    let bless = std::env::var_os("TILL_BLESS").is_some_and(|v| v != "0");
    let mut failures = Vec::new();
    for (name, state) in samples() {
        for (w, h) in SIZES {
            let mut canvas = Canvas::new(w, h);
            draw(&state, &mut canvas)?;
            let file = format!("{name}-{w}x{h}.png");
            let path = dir.join(&file);
            if bless {
                canvas.save_png(&path)?;
                continue;
            }
            let expected = match std::fs::read(&path) {
                Ok(bytes) => Canvas::from_png(&bytes)?,
                Err(e) => {
                    failures.push(format!("{file}: missing ({e}); run with TILL_BLESS=1"));
                    continue;
                }
            };
            let actual = canvas.rgb_bytes();
            let want = expected.rgb_bytes();
            if actual != want {
                let differing = if actual.len() == want.len() {
                    actual.chunks(3).zip(want.chunks(3)).filter(|(a, b)| a != b).count()
                } else {
                    (w * h) as usize
                };
                std::fs::create_dir_all(&out)?;
                let actual_path = out.join(&file);
                canvas.save_png(&actual_path)?;
                failures.push(format!("{file}: {differing} pixels differ; actual image in {}", actual_path.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "snapshot mismatches (re-bless with TILL_BLESS=1 if intended):\n{}",
        failures.join("\n")
    );
    Ok(())
}
