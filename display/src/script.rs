//! Input scripts for tests and demos: one step per line.
//!
//! ```text
//! # comment
//! tap 400 240            # a tap at pixel (400, 240)
//! key enter              # enter, backspace, esc, tab, space, or a single character
//! type Front Counter     # the rest of the line, one key per character, as a person types
//! scan 4006381333931     # a barcode scanner: the code's characters then Enter, 5 ms apart
//! wait settings 2000     # until the screen named `settings` shows (timeout in ms, default 5000)
//! ```
//!
//! `type` keeps the whole rest of the line, `#` and spaces included. `scan` takes one word, kept
//! verbatim: it may hold a `#` but not start with one, which begins a comment.
//!
//! Keys are paced as they would come from the hardware, so the register tells a scan from typing
//! by the time between keys ([`crate::scanner`]) exactly as it does for real input: the keys of
//! `key` and `type` steps, and the first key of a `scan`, come [`TYPE_KEY_GAP_MS`] after the key
//! before them, like a person's; the rest of a scan's keys come [`SCAN_KEY_GAP_MS`] apart. A
//! script never sleeps otherwise: it waits only for a screen to show (`wait`).

use embedded_graphics::prelude::Point;

use crate::model::{Key, Screen};

/// How long `wait` waits when the line gives no timeout.
pub const DEFAULT_WAIT_MS: u64 = 5000;

/// How far apart a `scan` step's keys are pressed, in milliseconds: as fast as a scanner, well
/// under [`crate::scanner::DEFAULT_MAX_GAP_MS`].
pub const SCAN_KEY_GAP_MS: u64 = 5;

/// How far apart a person's keys are pressed, in milliseconds: the pace of a `key` or `type`
/// step's keys (and of a scan's first key after the key before it). Above
/// [`crate::scanner::DEFAULT_MAX_GAP_MS`], so the scanner detector never takes typing for a scan
/// nor holds a typed key longer than its gap; still faster than most people type.
pub const TYPE_KEY_GAP_MS: u64 = 40;

// A typed key must come after the detector's gap, a scanner's key within it.
const _: () = assert!(
    TYPE_KEY_GAP_MS > crate::scanner::DEFAULT_MAX_GAP_MS && SCAN_KEY_GAP_MS <= crate::scanner::DEFAULT_MAX_GAP_MS
);

/// One script step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Tap a screen pixel.
    Tap(Point),
    /// Press one key ([`TYPE_KEY_GAP_MS`] after the key before it).
    Key(Key),
    /// Press one `Key::Char` per character, [`TYPE_KEY_GAP_MS`] apart as a person types.
    Type(String),
    /// Press one `Key::Char` per character of a barcode, then Enter, [`SCAN_KEY_GAP_MS`] apart as
    /// a scanner does. [`Step::keys`] gives the keys in order; pacing them is the runner's job.
    Scan(String),
    /// Wait until `state.screen.name() == screen`, failing after `timeout_ms`.
    Wait {
        /// A `Screen::name()`.
        screen: String,
        /// Deadline in milliseconds.
        timeout_ms: u64,
    },
}

impl Step {
    /// The keys this step presses, in order (empty for taps and waits; a scan ends in Enter).
    pub fn keys(&self) -> Vec<Key> {
        match self {
            Step::Key(k) => vec![*k],
            Step::Type(text) => text.chars().map(Key::Char).collect(),
            Step::Scan(code) => code.chars().map(Key::Char).chain([Key::Enter]).collect(),
            _ => Vec::new(),
        }
    }
}

/// A script line that cannot be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("script line {line}: {reason}")]
pub struct ScriptError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub reason: String,
}

/// Parses a whole script.
pub fn parse(text: &str) -> Result<Vec<Step>, ScriptError> {
    let mut steps = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let err = |reason: String| ScriptError { line: i + 1, reason };
        let line = raw.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (cmd, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        // `type` keeps its text verbatim (spaces, '#') and `scan` its code ('#'); other commands
        // allow a trailing comment.
        let args: Vec<&str> = if cmd == "type" || cmd == "scan" {
            Vec::new()
        } else {
            rest.split('#').next().unwrap_or("").split_whitespace().collect()
        };
        let step = match cmd {
            "tap" => match args.as_slice() {
                [x, y] => {
                    let n = |s: &str| s.parse::<i32>().map_err(|_| err(format!("tap needs pixel numbers, got {s:?}")));
                    Step::Tap(Point::new(n(x)?, n(y)?))
                }
                _ => return Err(err("tap needs X and Y".into())),
            },
            "key" => match args.as_slice() {
                [name] => Step::Key(parse_key(name).ok_or_else(|| err(format!("unknown key {name:?}")))?),
                _ => return Err(err("key needs one key name".into())),
            },
            "type" => {
                let text = rest.strip_suffix('\r').unwrap_or(rest);
                if text.is_empty() {
                    return Err(err("type needs text".into()));
                }
                Step::Type(text.to_string())
            }
            "scan" => {
                // A word starting with '#' begins a comment; a '#' inside the code is kept.
                let words: Vec<&str> = rest.split_whitespace().take_while(|w| !w.starts_with('#')).collect();
                match words.as_slice() {
                    [code] => Step::Scan(code.to_string()),
                    [] => return Err(err("scan needs a code".into())),
                    _ => return Err(err("scan needs one code without spaces".into())),
                }
            }
            "wait" => match args.as_slice() {
                [screen, more @ ..] if more.len() <= 1 => {
                    if !Screen::NAMES.contains(screen) {
                        return Err(err(format!("unknown screen {screen:?}; one of {}", Screen::NAMES.join(", "))));
                    }
                    let timeout_ms = match more {
                        [ms] => ms.parse().map_err(|_| err(format!("timeout must be milliseconds, got {ms:?}")))?,
                        _ => DEFAULT_WAIT_MS,
                    };
                    Step::Wait { screen: screen.to_string(), timeout_ms }
                }
                _ => return Err(err("wait needs a screen name and an optional timeout".into())),
            },
            other => return Err(err(format!("unknown command {other:?} (tap, key, type, scan, wait)"))),
        };
        steps.push(step);
    }
    Ok(steps)
}

fn parse_key(name: &str) -> Option<Key> {
    match name.to_ascii_lowercase().as_str() {
        "enter" | "return" => Some(Key::Enter),
        "backspace" => Some(Key::Backspace),
        "esc" | "escape" => Some(Key::Escape),
        "tab" => Some(Key::Tab),
        "space" => Some(Key::Char(' ')),
        _ => {
            let mut chars = name.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Some(Key::Char(c)),
                _ => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_step() {
        let script = "# set up a client\n\ntap 400 240\nkey enter\nkey Esc # back\nkey x\nkey space\n\
                      type Front Counter #1\nscan 4006381333931\nscan AB#12 # a Code 128 label\n\
                      wait settings\nwait client-setup 1500\n";
        assert_eq!(
            parse(script),
            Ok(vec![
                Step::Tap(Point::new(400, 240)),
                Step::Key(Key::Enter),
                Step::Key(Key::Escape),
                Step::Key(Key::Char('x')),
                Step::Key(Key::Char(' ')),
                Step::Type("Front Counter #1".into()),
                Step::Scan("4006381333931".into()),
                Step::Scan("AB#12".into()),
                Step::Wait { screen: "settings".into(), timeout_ms: DEFAULT_WAIT_MS },
                Step::Wait { screen: "client-setup".into(), timeout_ms: 1500 },
            ])
        );
        assert_eq!(Step::Type("ab".into()).keys(), vec![Key::Char('a'), Key::Char('b')]);
        assert_eq!(Step::Scan("ab".into()).keys(), vec![Key::Char('a'), Key::Char('b'), Key::Enter]);
        assert_eq!(Step::Wait { screen: "sale".into(), timeout_ms: 1 }.keys(), vec![]);
    }

    #[test]
    fn bad_lines_name_their_line() {
        for (script, line, needle) in [
            ("tap 1\n", 1, "tap needs X and Y"),
            ("\n# ok\ntap a 2\n", 3, "pixel numbers"),
            ("key enter\nkey f13\n", 2, "unknown key"),
            ("wait nowhere\n", 1, "unknown screen"),
            ("wait sale soon\n", 1, "milliseconds"),
            ("type\n", 1, "type needs text"),
            ("scan\n", 1, "scan needs a code"),
            ("scan  # nothing\n", 1, "scan needs a code"),
            ("scan 123 456\n", 1, "one code without spaces"),
            ("scan 123 456 # two\n", 1, "one code without spaces"),
            ("jump 1 2\n", 1, "unknown command"),
        ] {
            let e = parse(script).err();
            assert_eq!(e.as_ref().map(|e| e.line), Some(line), "{script:?}");
            assert!(e.is_some_and(|e| e.to_string().contains(needle)), "{script:?}");
        }
    }
}
