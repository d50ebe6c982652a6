//! The screen's input parsers: `--input script:FILE` scripts and raw evdev bytes (any chunking).
//! The first byte picks the parser (and, for evdev, the chunk size and event size).
#![no_main]

use embedded_graphics::prelude::Size;
use libfuzzer_sys::fuzz_target;
use till_display::evdev::{AxisRange, Decoder};

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    if which & 1 == 0 {
        let _ = till_display::script::parse(&String::from_utf8_lossy(rest));
        return;
    }
    let event_size = if which & 2 == 0 { 24 } else { 16 };
    let chunk = usize::from(which >> 2).max(1);
    let range = AxisRange { min: i32::from(which) - 128, max: i32::from(which) * 100 };
    let mut d = Decoder::with_event_size(event_size, Size::new(800, 480), range, AxisRange::QEMU_TABLET);
    for part in rest.chunks(chunk) {
        let _ = d.feed(part);
    }
});
