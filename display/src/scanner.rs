//! Telling a barcode scanner from a person at the keyboard.
//!
//! A USB barcode scanner is a keyboard: it "types" the code and presses Enter, every key a few
//! milliseconds after the one before. A person is far slower. [`ScanDetector`] holds back
//! characters that arrive in such a burst; when the burst ends in Enter and is long enough, it
//! is a [`Detected::Scan`]; otherwise the held keys are released, in order, as
//! [`Detected::Keys`] for normal handling. No key is ever dropped or reordered.
//!
//! A burst ends at the first gap longer than `max_gap_ms`. Held keys wait for the next key or
//! for [`ScanDetector::flush`], which the caller runs on a timer (at [`ScanDetector::flush_at`]),
//! so what a person types reaches the screen at most `max_gap_ms` plus the poll interval late.
//!
//! Times are milliseconds from any clock that does not jump: evdev event times
//! ([`crate::evdev::RawEvent::decode_timed`]) or a monotonic clock read when the key arrived. A
//! time earlier than the previous key's counts as no gap.
//!
//! Only Enter ends a scan: scanners set to send Tab after the code are seen as typing.

use crate::model::Key;

/// The usual longest gap between a scanner's keys, in milliseconds.
pub const DEFAULT_MAX_GAP_MS: u64 = 30;
/// The usual fewest characters of a scan.
pub const DEFAULT_MIN_LEN: usize = 4;
/// Longest burst held as a possible scan, in characters; a longer one (a held-down key
/// repeating fast) is released as typing at once, and so is the rest of it. Above the 48 a
/// barcode may have, so an over-long code still reaches the barcode check and its message.
pub const MAX_SCAN_CHARS: usize = 64;

/// What a run of keys turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detected {
    /// A scanned code: the characters before the Enter (the Enter is not repeated as a key).
    Scan(String),
    /// Keys pressed by a person (or a burst that was not a scan), in the order they came.
    Keys(Vec<Key>),
}

/// Splits a key stream into scans and typing. Pure: the caller supplies the times.
#[derive(Debug, Clone)]
pub struct ScanDetector {
    max_gap_ms: u64,
    min_len: usize,
    /// Characters of the current burst, held until it is known whether they are a scan.
    held: Vec<char>,
    /// When the current burst's last key came; `None` when no burst is going on.
    last_ms: Option<u64>,
    /// The current burst passed [`MAX_SCAN_CHARS`]: its keys are released as they come.
    overlong: bool,
}

impl Default for ScanDetector {
    /// [`DEFAULT_MAX_GAP_MS`] and [`DEFAULT_MIN_LEN`].
    fn default() -> Self {
        Self::new(DEFAULT_MAX_GAP_MS, DEFAULT_MIN_LEN)
    }
}

impl ScanDetector {
    /// A detector for scans whose keys come at most `max_gap_ms` apart and that have at least
    /// `min_len` characters (at least one, whatever `min_len` says) before the Enter.
    pub fn new(max_gap_ms: u64, min_len: usize) -> Self {
        ScanDetector { max_gap_ms, min_len: min_len.max(1), held: Vec::new(), last_ms: None, overlong: false }
    }

    /// One key pressed at `at_ms`; returns what is now known. Consecutive released keys come as
    /// one [`Detected::Keys`].
    ///
    /// A character is held while it may be part of a scan. Enter within the gap after at least
    /// `min_len` held characters makes them a scan; any other Enter, Backspace, Escape or Tab
    /// ends the burst and is released after the held characters.
    pub fn key(&mut self, key: Key, at_ms: u64) -> Vec<Detected> {
        let mut out = Vec::new();
        if !self.in_burst(at_ms) {
            self.end_burst(&mut out);
        }
        self.last_ms = Some(at_ms);
        match key {
            Key::Char(c) if self.overlong => release(&mut out, [Key::Char(c)]),
            Key::Char(c) => {
                self.held.push(c);
                if self.held.len() > MAX_SCAN_CHARS {
                    self.overlong = true;
                    let held = std::mem::take(&mut self.held);
                    release(&mut out, held.into_iter().map(Key::Char));
                }
            }
            Key::Enter if !self.overlong && self.held.len() >= self.min_len => {
                out.push(Detected::Scan(std::mem::take(&mut self.held).into_iter().collect()));
                self.last_ms = None;
            }
            other => {
                self.end_burst(&mut out);
                release(&mut out, [other]);
            }
        }
        out
    }

    /// Releases the held keys as typing if the burst is over at `now_ms` (more than `max_gap_ms`
    /// since its last key). Call it on a timer; see [`flush_at`](Self::flush_at).
    pub fn flush(&mut self, now_ms: u64) -> Vec<Detected> {
        let mut out = Vec::new();
        if !self.in_burst(now_ms) {
            self.end_burst(&mut out);
        }
        out
    }

    /// The earliest time at which [`flush`](Self::flush) releases something; `None` when no key
    /// is held.
    pub fn flush_at(&self) -> Option<u64> {
        match self.last_ms {
            Some(last) if !self.held.is_empty() => Some(last.saturating_add(self.max_gap_ms).saturating_add(1)),
            _ => None,
        }
    }

    fn in_burst(&self, at_ms: u64) -> bool {
        self.last_ms.is_some_and(|last| at_ms.saturating_sub(last) <= self.max_gap_ms)
    }

    fn end_burst(&mut self, out: &mut Vec<Detected>) {
        let held = std::mem::take(&mut self.held);
        release(out, held.into_iter().map(Key::Char));
        self.last_ms = None;
        self.overlong = false;
    }
}

/// Appends keys as typing, joined to the `Keys` just before if there is one.
fn release(out: &mut Vec<Detected>, keys: impl IntoIterator<Item = Key>) {
    let mut keys = keys.into_iter().peekable();
    if keys.peek().is_none() {
        return;
    }
    match out.last_mut() {
        Some(Detected::Keys(prev)) => prev.extend(keys),
        _ => out.push(Detected::Keys(keys.collect())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `text` (`\n` is Enter) one key every `gap` ms from `start`; returns all detections
    /// and the last key's time.
    fn feed(d: &mut ScanDetector, text: &str, start: u64, gap: u64) -> (Vec<Detected>, u64) {
        let mut out = Vec::new();
        let mut at = start;
        for (i, c) in text.chars().enumerate() {
            at = start + i as u64 * gap;
            out.extend(d.key(if c == '\n' { Key::Enter } else { Key::Char(c) }, at));
        }
        (out, at)
    }

    fn keys(text: &str) -> Vec<Key> {
        text.chars().map(|c| if c == '\n' { Key::Enter } else { Key::Char(c) }).collect()
    }

    /// Every key in `out`, a scan counting as its characters and Enter.
    fn flat(out: &[Detected]) -> Vec<Key> {
        out.iter()
            .flat_map(|d| match d {
                Detected::Scan(s) => keys(s).into_iter().chain([Key::Enter]).collect(),
                Detected::Keys(k) => k.clone(),
            })
            .collect()
    }

    #[test]
    fn a_fast_burst_ending_in_enter_is_a_scan() {
        let mut d = ScanDetector::default();
        let (out, end) = feed(&mut d, "4006381333931\n", 1_000, 5);
        assert_eq!(out, vec![Detected::Scan("4006381333931".into())]);
        assert_eq!((d.flush_at(), d.flush(end + 1_000)), (None, vec![]), "nothing left held");
        // Exactly the gap still counts; the minimum length is enough.
        let (out, _) = feed(&mut ScanDetector::new(30, 4), "AB-1\n", 0, 30);
        assert_eq!(out, vec![Detected::Scan("AB-1".into())]);
    }

    #[test]
    fn slow_typing_then_enter_is_keys() {
        let mut d = ScanDetector::default();
        let (out, end) = feed(&mut d, "1234\n", 0, 50);
        assert!(out.iter().all(|o| matches!(o, Detected::Keys(_))), "{out:?}");
        assert_eq!(flat(&out), keys("1234\n"));
        assert_eq!(d.flush(end + 1_000), vec![]);
        // A person's lone Enter, after the typed keys were flushed on the timer.
        let mut d = ScanDetector::default();
        let (mut out, end) = feed(&mut d, "1234", 0, 50);
        out.extend(d.flush(end + 31));
        assert_eq!(flat(&out), keys("1234"));
        assert_eq!(d.key(Key::Enter, end + 500), vec![Detected::Keys(vec![Key::Enter])]);
    }

    #[test]
    fn a_burst_with_one_slow_gap_is_keys() {
        let mut d = ScanDetector::default();
        let (mut out, end) = feed(&mut d, "4006381", 0, 10);
        assert_eq!(out, vec![], "held: it may still be a scan");
        let (more, _) = feed(&mut d, "33\n", end + 50, 10);
        assert_eq!(more.first(), Some(&Detected::Keys(keys("4006381"))), "released by the slow key");
        out.extend(more);
        assert!(!out.iter().any(|o| matches!(o, Detected::Scan(_))), "{out:?}");
        assert_eq!(flat(&out), keys("400638133\n"));
    }

    #[test]
    fn flush_releases_a_burst_only_after_the_gap() {
        let mut d = ScanDetector::new(30, 4);
        let (out, end) = feed(&mut d, "abcdef", 100, 8);
        assert_eq!(out, vec![]);
        assert_eq!(d.flush_at(), Some(end + 31));
        assert_eq!(d.flush(end + 30), vec![], "still within the gap");
        assert_eq!(d.flush(end + 31), vec![Detected::Keys(keys("abcdef"))]);
        assert_eq!(d.flush_at(), None);
        assert_eq!(d.key(Key::Enter, end + 35), vec![Detected::Keys(vec![Key::Enter])], "not a scan any more");
    }

    #[test]
    fn short_bursts_and_other_keys_are_typing() {
        let mut d = ScanDetector::default();
        assert_eq!(feed(&mut d, "abc\n", 0, 5).0, vec![Detected::Keys(keys("abc\n"))], "under the minimum");
        let mut d = ScanDetector::default();
        let mut out = feed(&mut d, "abcdef", 0, 5).0;
        out.extend(d.key(Key::Backspace, 30));
        assert_eq!(out, vec![Detected::Keys([keys("abcdef"), vec![Key::Backspace]].concat())]);
        // The burst ended with the Backspace: a scan right after is still seen.
        assert_eq!(feed(&mut d, "12345\n", 35, 5).0, vec![Detected::Scan("12345".into())]);
        assert_eq!(d.key(Key::Enter, 100), vec![Detected::Keys(vec![Key::Enter])]);
        // A clock that steps back counts as no gap.
        let mut d = ScanDetector::default();
        assert_eq!(feed(&mut d, "99999", 1_000, 0).0, vec![]);
        assert_eq!(d.key(Key::Enter, 500), vec![Detected::Scan("99999".into())]);
    }

    #[test]
    fn a_held_down_key_is_released_as_it_repeats() {
        let mut d = ScanDetector::default();
        let long = "x".repeat(MAX_SCAN_CHARS);
        let (out, end) = feed(&mut d, &long, 0, 20);
        assert_eq!(out, vec![], "as long as a scan may be: held");
        assert_eq!(d.key(Key::Char('x'), end + 20), vec![Detected::Keys(keys(&format!("{long}x")))]);
        assert_eq!(d.key(Key::Char('x'), end + 40), vec![Detected::Keys(vec![Key::Char('x')])], "no longer held");
        assert_eq!(d.flush_at(), None);
        assert_eq!(d.key(Key::Enter, end + 50), vec![Detected::Keys(vec![Key::Enter])]);
    }

    /// A small deterministic generator, so the test needs no crate.
    fn next(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    #[test]
    fn no_key_is_ever_lost_or_reordered() {
        let pool = [Key::Char('1'), Key::Char('a'), Key::Enter, Key::Backspace, Key::Escape, Key::Tab];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut scans = 0;
        for _ in 0..2_000 {
            let mut d = ScanDetector::new(30, 1 + (next(&mut seed) % 6) as usize);
            let (mut sent, mut out, mut at) = (Vec::new(), Vec::new(), 0u64);
            for _ in 0..next(&mut seed) % 120 {
                // Mostly characters; gaps mostly scanner-fast, some slow, a few flush polls.
                let key = if next(&mut seed).is_multiple_of(4) {
                    pool[(next(&mut seed) % 6) as usize]
                } else {
                    Key::Char('7')
                };
                at += [0, 5, 10, 30, 31, 50, 400][(next(&mut seed) % 7) as usize];
                if next(&mut seed).is_multiple_of(10) {
                    out.extend(d.flush(at));
                }
                sent.push(key);
                out.extend(d.key(key, at));
            }
            out.extend(d.flush(at + 31));
            assert_eq!(flat(&out), sent);
            assert_eq!(d.flush_at(), None);
            for o in &out {
                if let Detected::Scan(s) = o {
                    scans += 1;
                    assert!(s.chars().count() >= d.min_len && s.chars().count() <= MAX_SCAN_CHARS, "{s}");
                }
            }
        }
        assert!(scans > 100, "the mix should scan now and then: {scans}");
    }
}
