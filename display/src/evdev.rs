//! Linux evdev input: a pure decoder from raw `struct input_event` bytes to taps and keys, and a
//! device reader for /dev/input/event*.
//!
//! Tap position: an absolute axis reports `min..=max`; the tap lands on pixel
//! `(v - min) * screen / (max - min + 1)`, clamped to the screen. For QEMU's virtio tablet (0..=32767)
//! that is `v * width / 32768`, the same mapping the guest's own input stack uses, so pixel 0 and the
//! last pixel are both reachable and every pixel gets an equal share of the axis.
//!
//! Times: each event carries the kernel's time stamp, seconds and microseconds, in its first 16
//! bytes (64-bit) or 8 bytes (32-bit). [`RawEvent::decode_timed`], [`Decoder::feed_timed`] and
//! [`EvdevDevice::read_timed`] give it in milliseconds, for telling a barcode scanner's keys from
//! typing ([`crate::scanner`]). The kernel stamps events with CLOCK_REALTIME unless the reader
//! asks for another clock (the `EVIOCSCLOCKID` ioctl), so the time can jump when the register's
//! clock is set; CLOCK_MONOTONIC does not.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use embedded_graphics::prelude::*;

use crate::DeviceError;
use crate::model::{InputEvent, Key};

const EV_SYN: u16 = 0x00;
const EV_KEY: u16 = 0x01;
const EV_ABS: u16 = 0x03;
const SYN_REPORT: u16 = 0;
const ABS_X: u16 = 0x00;
const ABS_Y: u16 = 0x01;
const ABS_MT_POSITION_X: u16 = 0x35;
const ABS_MT_POSITION_Y: u16 = 0x36;
const BTN_LEFT: u16 = 0x110;
const BTN_TOUCH: u16 = 0x14a;
const KEY_LEFTSHIFT: u16 = 42;
const KEY_RIGHTSHIFT: u16 = 54;

/// Size of `struct input_event` on this machine: a `struct timeval` (two longs) then u16, u16, i32.
/// (32-bit systems built with 64-bit time_t keep the 16 bytes: the kernel's header gives them two
/// unsigned 32-bit fields there instead of the `timeval`.)
pub const EVENT_SIZE: usize = 2 * size_of::<usize>() + 8;

/// `EV_KEY`: a key or button changed.
pub const EV_KEY_TYPE: u16 = EV_KEY;
/// `KEY_POWER`: the power button (QEMU's `system_powerdown` on the virt board presses it).
pub const KEY_POWER: u16 = 116;

/// One `struct input_event` without its time: what happened (see [`RawEvent::decode_timed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawEvent {
    /// `EV_KEY`, `EV_ABS`, `EV_SYN`, …
    pub kind: u16,
    /// Which key or axis.
    pub code: u16,
    /// 1 press, 0 release, 2 repeat; an axis position.
    pub value: i32,
}

impl RawEvent {
    /// Decodes one event of `ev.len()` bytes ([`EVENT_SIZE`] on this machine: the time fields
    /// come first, type, code and value are the last 8 bytes). `None` if it is too short.
    pub fn decode(ev: &[u8]) -> Option<RawEvent> {
        let tail = ev.get(ev.len().checked_sub(8)?..)?;
        Some(RawEvent {
            kind: u16::from_ne_bytes([tail[0], tail[1]]),
            code: u16::from_ne_bytes([tail[2], tail[3]]),
            value: i32::from_ne_bytes([tail[4], tail[5], tail[6], tail[7]]),
        })
    }

    /// Decodes one event and its time stamp in milliseconds (whole seconds times 1000 plus the
    /// microseconds' whole milliseconds). The time layout is known for the two sizes Linux uses:
    /// 24 bytes (64-bit: `tv_sec` and `tv_usec` as i64) and 16 bytes (32-bit: two 32-bit words,
    /// read unsigned as the kernel does for 64-bit time_t, which reaches 2106). `None` for other
    /// sizes. A time before 1970 reads as 0.
    pub fn decode_timed(ev: &[u8]) -> Option<(RawEvent, u64)> {
        let event = RawEvent::decode(ev)?;
        let (sec, usec) = match ev.len() {
            24 => {
                let word = |at: usize| -> Option<u64> {
                    let bytes: [u8; 8] = ev.get(at..at + 8)?.try_into().ok()?;
                    Some(u64::try_from(i64::from_ne_bytes(bytes)).unwrap_or(0))
                };
                (word(0)?, word(8)?)
            }
            16 => {
                let word = |at: usize| -> Option<u64> {
                    let bytes: [u8; 4] = ev.get(at..at + 4)?.try_into().ok()?;
                    Some(u64::from(u32::from_ne_bytes(bytes)))
                };
                (word(0)?, word(4)?)
            }
            _ => return None,
        };
        Some((event, sec.saturating_mul(1000).saturating_add(usec / 1000)))
    }
}

/// An absolute axis's reported range, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AxisRange {
    /// Smallest value.
    pub min: i32,
    /// Largest value.
    pub max: i32,
}

impl AxisRange {
    /// QEMU's virtio/USB tablet: 0..=32767.
    pub const QEMU_TABLET: AxisRange = AxisRange { min: 0, max: 32767 };

    /// Maps an axis value onto `0..pixels`.
    pub fn to_pixel(self, value: i32, pixels: u32) -> i32 {
        let span = i64::from(self.max) - i64::from(self.min) + 1;
        let v = (i64::from(value) - i64::from(self.min)).clamp(0, span - 1);
        (v * i64::from(pixels) / span) as i32
    }
}

/// Turns a stream of raw input events into taps and keys; keeps touch position and shift state.
#[derive(Debug, Clone)]
pub struct Decoder {
    event_size: usize,
    screen: Size,
    x_range: AxisRange,
    y_range: AxisRange,
    x: Option<i32>,
    y: Option<i32>,
    release_pending: bool,
    shift: bool,
    partial: Vec<u8>,
}

impl Decoder {
    /// A decoder for this machine's event size.
    pub fn new(screen: Size, x_range: AxisRange, y_range: AxisRange) -> Self {
        Self::with_event_size(EVENT_SIZE, screen, x_range, y_range)
    }

    /// A decoder for events of `event_size` bytes (16 on 32-bit, 24 on 64-bit).
    pub fn with_event_size(event_size: usize, screen: Size, x_range: AxisRange, y_range: AxisRange) -> Self {
        Decoder {
            event_size,
            screen,
            x_range,
            y_range,
            x: None,
            y: None,
            release_pending: false,
            shift: false,
            partial: Vec::new(),
        }
    }

    /// Feeds bytes as read from the device (any chunking); returns the inputs completed by them.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<InputEvent> {
        self.feed_timed(bytes).into_iter().map(|(input, _)| input).collect()
    }

    /// [`feed`](Self::feed) with each input's time in milliseconds, from the event that
    /// completed it (a key's press, a tap's closing `SYN_REPORT`); see
    /// [`RawEvent::decode_timed`]. The time is 0 for event sizes other than 16 and 24 bytes.
    pub fn feed_timed(&mut self, bytes: &[u8]) -> Vec<(InputEvent, u64)> {
        self.partial.extend_from_slice(bytes);
        let whole = self.partial.len() / self.event_size * self.event_size;
        let mut out = Vec::new();
        let events: Vec<u8> = self.partial.drain(..whole).collect();
        for chunk in events.chunks_exact(self.event_size) {
            let Some((ev, at_ms)) = RawEvent::decode_timed(chunk).or_else(|| RawEvent::decode(chunk).map(|e| (e, 0)))
            else {
                continue;
            };
            if let Some(input) = self.event(ev.kind, ev.code, ev.value) {
                out.push((input, at_ms));
            }
        }
        out
    }

    fn event(&mut self, kind: u16, code: u16, value: i32) -> Option<InputEvent> {
        match (kind, code) {
            (EV_ABS, ABS_X | ABS_MT_POSITION_X) => {
                self.x = Some(self.x_range.to_pixel(value, self.screen.width));
                None
            }
            (EV_ABS, ABS_Y | ABS_MT_POSITION_Y) => {
                self.y = Some(self.y_range.to_pixel(value, self.screen.height));
                None
            }
            (EV_KEY, BTN_TOUCH | BTN_LEFT) => {
                // A tap is the release; the position may still arrive in the same frame, so wait for SYN.
                if value == 0 {
                    self.release_pending = true;
                }
                None
            }
            (EV_KEY, KEY_LEFTSHIFT | KEY_RIGHTSHIFT) => {
                self.shift = value != 0;
                None
            }
            // 1 = press, 2 = autorepeat; releases (0) type nothing.
            (EV_KEY, _) if value != 0 => key_for(code, self.shift).map(InputEvent::Key),
            (EV_SYN, SYN_REPORT) if self.release_pending => {
                self.release_pending = false;
                match (self.x, self.y) {
                    (Some(x), Some(y)) => Some(InputEvent::Tap(Point::new(x, y))),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// The US-layout key for a Linux key code, with shift applied.
fn key_for(code: u16, shift: bool) -> Option<Key> {
    const LETTERS: [(u16, &str); 3] = [(16, "qwertyuiop"), (30, "asdfghjkl"), (44, "zxcvbnm")];
    for (first, row) in LETTERS {
        if let Some(c) = code.checked_sub(first).and_then(|i| row.chars().nth(i as usize)) {
            return Some(Key::Char(if shift { c.to_ascii_uppercase() } else { c }));
        }
    }
    let pair = |plain: char, shifted: char| Some(Key::Char(if shift { shifted } else { plain }));
    match code {
        1 => Some(Key::Escape),
        2..=10 => {
            pair((b'0' + code as u8 - 1) as char, ['!', '@', '#', '$', '%', '^', '&', '*', '('][code as usize - 2])
        }
        11 => pair('0', ')'),
        12 => pair('-', '_'),
        13 => pair('=', '+'),
        14 => Some(Key::Backspace),
        15 => Some(Key::Tab),
        26 => pair('[', '{'),
        27 => pair(']', '}'),
        28 | 96 => Some(Key::Enter),
        39 => pair(';', ':'),
        40 => pair('\'', '"'),
        41 => pair('`', '~'),
        43 => pair('\\', '|'),
        51 => pair(',', '<'),
        52 => pair('.', '>'),
        53 => pair('/', '?'),
        57 => Some(Key::Char(' ')),
        _ => None,
    }
}

/// An opened /dev/input/event* device with its decoder.
#[derive(Debug)]
pub struct EvdevDevice {
    file: File,
    decoder: Decoder,
}

impl EvdevDevice {
    /// Opens an event device; touch axis ranges are read with EVIOCGABS (keyboards have none).
    pub fn open(path: impl AsRef<Path>, screen: Size) -> Result<Self, DeviceError> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|source| DeviceError::Open { path: path.display().to_string(), source })?;
        let range = |single: u16, multi: u16, fallback: AxisRange| {
            crate::sys::abs_range(&file, single)
                .or_else(|| crate::sys::abs_range(&file, multi))
                .map_or(fallback, |(min, max)| AxisRange { min, max })
        };
        let x = range(ABS_X, ABS_MT_POSITION_X, AxisRange::QEMU_TABLET);
        let y = range(ABS_Y, ABS_MT_POSITION_Y, AxisRange::QEMU_TABLET);
        Ok(EvdevDevice { decoder: Decoder::new(screen, x, y), file })
    }

    /// Blocks until the device delivers events; returns the taps and keys they complete.
    pub fn read(&mut self) -> Result<Vec<InputEvent>, std::io::Error> {
        Ok(self.read_timed()?.into_iter().map(|(input, _)| input).collect())
    }

    /// [`read`](Self::read) with each input's kernel time stamp in milliseconds
    /// ([`Decoder::feed_timed`]).
    pub fn read_timed(&mut self) -> Result<Vec<(InputEvent, u64)>, std::io::Error> {
        let mut buf = [0u8; 64 * EVENT_SIZE];
        let n = self.file.read(&mut buf)?;
        Ok(self.decoder.feed_timed(&buf[..n]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(size: usize, kind: u16, code: u16, value: i32) -> Vec<u8> {
        let mut v = vec![0xEEu8; size - 8]; // timestamp bytes are ignored
        v.extend_from_slice(&kind.to_ne_bytes());
        v.extend_from_slice(&code.to_ne_bytes());
        v.extend_from_slice(&value.to_ne_bytes());
        v
    }

    fn tap_stream(size: usize, x: i32, y: i32) -> Vec<u8> {
        [
            ev(size, EV_ABS, ABS_X, x),
            ev(size, EV_ABS, ABS_Y, y),
            ev(size, EV_KEY, BTN_TOUCH, 1),
            ev(size, EV_SYN, SYN_REPORT, 0),
            ev(size, EV_KEY, BTN_TOUCH, 0),
            ev(size, EV_SYN, SYN_REPORT, 0),
        ]
        .concat()
    }

    #[test]
    fn the_power_button_decodes_in_both_event_sizes() {
        // 16 bytes on 32-bit ARM (armv7), 24 on 64-bit: process 1 reads it through this decoder.
        for size in [16, 24] {
            let raw = ev(size, EV_KEY, KEY_POWER, 1);
            assert_eq!(RawEvent::decode(&raw), Some(RawEvent { kind: EV_KEY_TYPE, code: KEY_POWER, value: 1 }));
        }
        assert_eq!(RawEvent::decode(&[0; 7]), None, "too short for an event");
        assert_eq!(EVENT_SIZE, 2 * size_of::<usize>() + 8);
    }

    /// An event stamped `sec`.`usec`, in the layout of `size` (16 or 24) bytes.
    fn timed(size: usize, sec: i64, usec: i64, kind: u16, code: u16, value: i32) -> Vec<u8> {
        let mut v = if size == 24 {
            [sec.to_ne_bytes(), usec.to_ne_bytes()].concat()
        } else {
            [(sec as u32).to_ne_bytes(), (usec as u32).to_ne_bytes()].concat()
        };
        v.extend_from_slice(&ev(16, kind, code, value)[8..]);
        v
    }

    #[test]
    fn event_times_in_milliseconds_for_both_event_sizes() {
        for size in [16, 24] {
            let raw = timed(size, 1_700_000_000, 123_456, EV_KEY, 30, 1);
            assert_eq!(raw.len(), size);
            let want = RawEvent { kind: EV_KEY_TYPE, code: 30, value: 1 };
            assert_eq!(RawEvent::decode_timed(&raw), Some((want, 1_700_000_000_123)), "event size {size}");
            assert_eq!(RawEvent::decode(&raw), Some(want), "the untimed decode is unchanged");
        }
        // After 2038 on 32-bit (the kernel's unsigned fields), before 1970 on 64-bit.
        assert_eq!(
            RawEvent::decode_timed(&timed(16, 3_000_000_000, 999_999, EV_SYN, 0, 0)).map(|t| t.1),
            Some(3_000_000_000_999)
        );
        assert_eq!(RawEvent::decode_timed(&timed(24, -5, 0, EV_SYN, 0, 0)).map(|t| t.1), Some(0));
        assert_eq!(RawEvent::decode_timed(&[0; 20]), None, "no known time layout");
        assert_eq!(RawEvent::decode_timed(&[0; 7]), None);
    }

    #[test]
    fn keys_and_taps_come_with_their_times() {
        for size in [16, 24] {
            let r = AxisRange::QEMU_TABLET;
            let mut d = Decoder::with_event_size(size, Size::new(800, 480), r, r);
            let s = [
                timed(size, 10, 5_000, EV_KEY, 2, 1), // 1
                timed(size, 10, 5_000, EV_SYN, SYN_REPORT, 0),
                timed(size, 10, 9_000, EV_KEY, 2, 0),
                timed(size, 10, 12_999, EV_KEY, 28, 1), // Enter
                timed(size, 11, 0, EV_ABS, ABS_X, 0),
                timed(size, 11, 0, EV_ABS, ABS_Y, 0),
                timed(size, 11, 0, EV_KEY, BTN_TOUCH, 0),
                timed(size, 11, 250_000, EV_SYN, SYN_REPORT, 0),
            ]
            .concat();
            let want = vec![
                (InputEvent::Key(Key::Char('1')), 10_005),
                (InputEvent::Key(Key::Enter), 10_012),
                (InputEvent::Tap(Point::new(0, 0)), 11_250),
            ];
            // Byte-at-a-time delivery gives the same result.
            assert_eq!(s.iter().flat_map(|b| d.feed_timed(&[*b])).collect::<Vec<_>>(), want, "event size {size}");
        }
        // A size with no known time layout still decodes, at time 0.
        let r = AxisRange::QEMU_TABLET;
        let mut d = Decoder::with_event_size(20, Size::new(800, 480), r, r);
        assert_eq!(d.feed_timed(&ev(20, EV_KEY, 28, 1)), vec![(InputEvent::Key(Key::Enter), 0)]);
    }

    #[test]
    fn taps_scale_qemu_tablet_range_for_both_event_sizes() {
        for size in [16, 24] {
            let r = AxisRange::QEMU_TABLET;
            let mut d = Decoder::with_event_size(size, Size::new(800, 480), r, r);
            assert_eq!(d.feed(&tap_stream(size, 16384, 16384)), vec![InputEvent::Tap(Point::new(400, 240))]);
            assert_eq!(d.feed(&tap_stream(size, 0, 32767)), vec![InputEvent::Tap(Point::new(0, 479))]);
            // Byte-at-a-time delivery gives the same result.
            let stream = tap_stream(size, 8192, 8192);
            let events: Vec<_> = stream.iter().flat_map(|b| d.feed(&[*b])).collect();
            assert_eq!(events, vec![InputEvent::Tap(Point::new(200, 120))]);
        }
    }

    #[test]
    fn multitouch_position_and_mouse_button() {
        let r = AxisRange { min: 100, max: 1099 };
        let mut d = Decoder::with_event_size(24, Size::new(500, 200), r, r);
        let s = [
            ev(24, EV_ABS, ABS_MT_POSITION_X, 600),
            ev(24, EV_ABS, ABS_MT_POSITION_Y, 100),
            ev(24, EV_KEY, BTN_LEFT, 1),
            ev(24, EV_SYN, SYN_REPORT, 0),
            ev(24, EV_KEY, BTN_LEFT, 0),
            ev(24, EV_ABS, ABS_MT_POSITION_X, 1099),
            ev(24, EV_SYN, SYN_REPORT, 0),
        ]
        .concat();
        assert_eq!(d.feed(&s), vec![InputEvent::Tap(Point::new(499, 0))]);
    }

    #[test]
    fn keys_with_shift() {
        for size in [16, 24] {
            let r = AxisRange::QEMU_TABLET;
            let mut d = Decoder::with_event_size(size, Size::new(800, 480), r, r);
            let s = [
                ev(size, EV_KEY, 30, 1), // a
                ev(size, EV_KEY, 30, 0),
                ev(size, EV_KEY, KEY_LEFTSHIFT, 1),
                ev(size, EV_KEY, 30, 1), // A
                ev(size, EV_KEY, 2, 1),  // !
                ev(size, EV_KEY, 39, 1), // :
                ev(size, EV_KEY, KEY_LEFTSHIFT, 0),
                ev(size, EV_KEY, 11, 1), // 0
                ev(size, EV_KEY, 52, 2), // . (autorepeat)
                ev(size, EV_KEY, 28, 1),
                ev(size, EV_KEY, 14, 1),
                ev(size, EV_KEY, 1, 1),
                ev(size, EV_KEY, 15, 1),
                ev(size, EV_KEY, 57, 1),
                ev(size, EV_KEY, 29, 1), // left ctrl: nothing
                ev(size, EV_SYN, SYN_REPORT, 0),
            ]
            .concat();
            let keys: Vec<_> = d.feed(&s);
            use Key::*;
            let want = [
                Char('a'),
                Char('A'),
                Char('!'),
                Char(':'),
                Char('0'),
                Char('.'),
                Enter,
                Backspace,
                Escape,
                Tab,
                Char(' '),
            ];
            assert_eq!(keys, want.map(InputEvent::Key).to_vec(), "event size {size}");
        }
    }
}
