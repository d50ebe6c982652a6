//! How many guesses a typed secret is worth, in bits: a small estimator in the spirit of zxcvbn
//! (which costs ~2.7 MB of binary; this costs ~55 KB of word lists and a few hundred lines).
//!
//! Someone who records LAN traffic can guess the secret offline (docs/SECURITY.md). They do not
//! try random strings first: they try common passwords, common words, names of shops, years and
//! dates, keyboard walks, `abcd` and `1234`, repetitions, each with capitals and look-alike
//! symbols (`p@ssw0rd`). So the secret is cut into pieces, each piece is priced at the number of
//! guesses its kind needs (a word: its rank in the list; a year: 200; a random character: the
//! size of its character class), and the cheapest way to cut it is its strength, found by dynamic
//! programming over the positions. Each piece after the first adds [`PER_PART`] bits: the attacker
//! also has to guess which kind of piece comes next.
//!
//! The lists are data files beside the crate (`appliance/data/`, where they came from and their
//! licence are in the README there): 3,000 common passwords, 4,000 common English words and the
//! words shops are named after, all lower case, most common first.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The strength a secret needs, in bits (docs/SECURITY.md says why).
pub const REQUIRED_BITS: f64 = 64.0;

/// Bits added for each piece after the first: which kind of piece comes next.
const PER_PART: f64 = 2.0;

const PASSWORDS: &str = include_str!("../../data/common-passwords.txt");
const WORDS: &str = include_str!("../../data/common-words.txt");
const SHOP_WORDS: &str = include_str!("../../data/shop-words.txt");

/// The kinds of piece a secret is cut into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// One of the most common passwords (`password`, `dragon`, `1qaz2wsx`).
    Password,
    /// A common English word, or a word shops are named after (`corner`, `bakery`).
    Word,
    /// A year from 1900 to 2099.
    Year,
    /// A date such as `01012000`, `1/1/90` or `2024-03-15`.
    Date,
    /// Neighbouring keys on a keyboard (`qwerty`, `asdfgh`, `1qaz`).
    Walk,
    /// Letters or digits in order (`abcd`, `1234`, `9876`, `aceg`).
    Sequence,
    /// The same piece again and again (`aaaa`, `abab`, `!!`).
    Repeat,
    /// One space, `-`, `_`, `.` or `/` between other pieces.
    Separator,
    /// Characters that follow no pattern, priced by the characters classes they use.
    Random,
}

/// One piece of a secret.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// What kind of piece it is.
    pub pattern: Pattern,
    /// How many characters it covers.
    pub chars: usize,
    /// Its price in bits.
    pub bits: f64,
    /// Whether capitals or look-alike symbols (`@` for `a`) were added to a word.
    pub decorated: bool,
}

/// The estimated strength of a secret and the pieces it was cut into.
#[derive(Clone, Debug, PartialEq)]
pub struct Strength {
    /// log2 of the guesses needed.
    pub bits: f64,
    /// The cheapest cut, in order.
    pub parts: Vec<Part>,
}

impl Strength {
    /// Whether the secret is strong enough to save.
    pub fn is_enough(&self) -> bool {
        self.bits >= REQUIRED_BITS
    }

    /// What the secret was found to be, for a person: `it is a common word plus a year`.
    pub fn describe(&self) -> String {
        // Consecutive pieces of one kind read as one phrase; separators say nothing.
        let mut groups: Vec<(Pattern, usize, usize)> = Vec::new();
        for p in self.parts.iter().filter(|p| p.pattern != Pattern::Separator) {
            match groups.last_mut() {
                Some((pattern, count, chars)) if *pattern == p.pattern => {
                    *count += 1;
                    *chars += p.chars;
                }
                _ => groups.push((p.pattern, 1, p.chars)),
            }
        }
        let only_random = groups.iter().all(|g| g.0 == Pattern::Random);
        let phrases: Vec<String> = groups
            .iter()
            .map(|&(pattern, count, chars)| match pattern {
                Pattern::Password => counted(count, "common password", "common passwords"),
                Pattern::Word => counted(count, "common word", "common words"),
                Pattern::Year => counted(count, "year", "years"),
                Pattern::Date => counted(count, "date", "dates"),
                Pattern::Walk => counted(count, "keyboard pattern", "keyboard patterns"),
                Pattern::Sequence => counted(count, "sequence like abcd", "sequences like abcd"),
                Pattern::Repeat => counted(count, "repetition", "repetitions"),
                Pattern::Random | Pattern::Separator => {
                    let what = if only_random { "random character" } else { "other character" };
                    format!("{chars} {what}{}", if chars == 1 { "" } else { "s" })
                }
            })
            .collect();
        let mut out =
            if phrases.is_empty() { "it is empty".to_string() } else { format!("it is {}", phrases.join(" plus ")) };
        if self.parts.iter().any(|p| p.decorated) {
            out.push_str(", with capitals or look-alike symbols that add little");
        }
        out
    }
}

fn counted(n: usize, one: &str, many: &str) -> String {
    match n {
        1 => format!("a {one}"),
        2 => format!("two {many}"),
        3 => format!("three {many}"),
        _ => format!("{n} {many}"),
    }
}

/// Estimates how many guesses (log2) an informed attacker needs for `secret`.
pub fn estimate(secret: &str) -> Strength {
    let chars: Vec<char> = secret.chars().collect();
    analyse(&chars, &mut HashMap::new())
}

/// A candidate piece: where it starts, its price, its kind, whether it was decorated.
type Candidate = (usize, f64, Pattern, bool);

/// The cheapest cut of `s` (dynamic programming over the end positions).
fn analyse(s: &[char], memo: &mut HashMap<Vec<char>, f64>) -> Strength {
    let n = s.len();
    // ends[j]: candidate pieces that end at position j.
    let mut ends: Vec<Vec<Candidate>> = vec![Vec::new(); n + 1];
    dictionary(s, &mut ends);
    numbers(s, &mut ends);
    walks(s, &mut ends);
    sequences(s, &mut ends);
    repeats(s, &mut ends, memo);
    for (i, c) in s.iter().enumerate() {
        if matches!(c, ' ' | '-' | '_' | '.' | '/') {
            ends[i + 1].push((i, 2.0, Pattern::Separator, false));
        }
    }
    // best[j]: the cheapest cut of s[..j], and the piece it ends with.
    let mut best: Vec<(f64, Option<Candidate>)> = vec![(f64::INFINITY, None); n + 1];
    best[0].0 = 0.0;
    for j in 1..=n {
        let consider = |cand: Candidate, best: &mut Vec<(f64, Option<Candidate>)>| {
            let (i, bits, _, _) = cand;
            let total = best[i].0 + bits + if i > 0 { PER_PART } else { 0.0 };
            if total < best[j].0 {
                best[j] = (total, Some(cand));
            }
        };
        for &cand in &ends[j] {
            consider(cand, &mut best);
        }
        // Random characters s[i..j], priced by the classes they use.
        let mut classes = Classes::default();
        for i in (0..j).rev() {
            classes.add(s[i]);
            consider((i, (j - i) as f64 * classes.pool().log2(), Pattern::Random, false), &mut best);
        }
    }
    let mut parts = Vec::new();
    let mut j = n;
    while j > 0 {
        let Some((i, bits, pattern, decorated)) = best[j].1 else { break };
        // Random characters of several classes side by side read as one run.
        match parts.last_mut() {
            Some(p @ Part { pattern: Pattern::Random, .. }) if pattern == Pattern::Random => {
                p.chars += j - i;
                p.bits += bits + PER_PART;
            }
            _ => parts.push(Part { pattern, chars: j - i, bits, decorated }),
        }
        j = i;
    }
    parts.reverse();
    Strength { bits: best[n].0, parts }
}

/// The character classes a run of random characters uses.
#[derive(Default)]
struct Classes {
    lower: bool,
    upper: bool,
    digit: bool,
    symbol: bool,
    other: bool,
}

impl Classes {
    fn add(&mut self, c: char) {
        match c {
            'a'..='z' => self.lower = true,
            'A'..='Z' => self.upper = true,
            '0'..='9' => self.digit = true,
            c if c.is_ascii() => self.symbol = true,
            _ => self.other = true,
        }
    }

    /// How many characters an attacker tries at each position.
    fn pool(&self) -> f64 {
        [(self.lower, 26.0), (self.upper, 26.0), (self.digit, 10.0), (self.symbol, 33.0), (self.other, 100.0)]
            .iter()
            .filter(|(used, _)| *used)
            .map(|(_, n)| n)
            .sum::<f64>()
            .max(1.0)
    }
}

struct Dictionary {
    /// Word → (kind, bits).
    words: HashMap<&'static str, (Pattern, f64)>,
    /// Longest entry, in characters.
    longest: usize,
}

fn dict() -> &'static Dictionary {
    static DICT: OnceLock<Dictionary> = OnceLock::new();
    DICT.get_or_init(|| {
        let mut words: HashMap<&'static str, (Pattern, f64)> = HashMap::new();
        let mut add = |word: &'static str, pattern: Pattern, bits: f64| {
            let e = words.entry(word).or_insert((pattern, bits));
            if bits < e.1 {
                *e = (pattern, bits);
            }
        };
        let ranked = |list: &'static str| list.lines().filter(|l| !l.is_empty()).zip(1u32..);
        for (w, rank) in ranked(PASSWORDS) {
            add(w, Pattern::Password, f64::from(rank).log2().max(1.0));
        }
        for (w, rank) in ranked(WORDS) {
            add(w, Pattern::Word, f64::from(rank).log2().max(1.0));
        }
        // An attacker who targets a shop tries the words shops are named after first.
        let shop: Vec<&'static str> = SHOP_WORDS.lines().filter(|l| !l.is_empty()).collect();
        let shop_bits = (shop.len().max(2) as f64).log2();
        for w in shop {
            add(w, Pattern::Word, shop_bits);
        }
        let longest = words.keys().map(|w| w.chars().count()).max().unwrap_or(0);
        Dictionary { words, longest }
    })
}

/// Lower case, and look-alike symbols undone: `1` read as `i` (`one`) or as `l` (`two`).
fn normalise(s: &[char]) -> [Vec<char>; 3] {
    let leet = |c: char, one: char| match c {
        '@' | '4' => 'a',
        '0' => 'o',
        '1' => one,
        '3' => 'e',
        '5' | '$' => 's',
        '7' => 't',
        c => c.to_ascii_lowercase(),
    };
    [
        s.iter().map(char::to_ascii_lowercase).collect(),
        s.iter().map(|&c| leet(c, 'i')).collect(),
        s.iter().map(|&c| leet(c, 'l')).collect(),
    ]
}

/// Common passwords and words, with capitals and look-alike symbols.
fn dictionary(s: &[char], ends: &mut [Vec<Candidate>]) {
    let d = dict();
    let forms = normalise(s);
    let n = s.len();
    for i in 0..n {
        for j in (i + 3)..=n.min(i + d.longest) {
            let mut found: Option<(Pattern, f64, bool)> = None;
            for (k, form) in forms.iter().enumerate() {
                if k > 0 && form[i..j] == forms[0][i..j] {
                    continue; // nothing to undo
                }
                let text: String = form[i..j].iter().collect();
                let Some(&(pattern, rank_bits)) = d.words.get(text.as_str()) else { continue };
                let subs = (i..j).filter(|&p| form[p] != forms[0][p]).count();
                let caps = capital_bits(&s[i..j]);
                let bits = rank_bits + caps + subs as f64;
                if found.is_none_or(|f| bits < f.1) {
                    found = Some((pattern, bits, caps > 0.0 || subs > 0));
                }
            }
            if let Some((pattern, bits, decorated)) = found {
                ends[j].push((i, bits, pattern, decorated));
            }
        }
    }
}

/// The guesses capitals add to a word: 1 bit for `Word` or `WORD`, more for `wOrD`.
fn capital_bits(word: &[char]) -> f64 {
    let upper = word.iter().filter(|c| c.is_ascii_uppercase()).count();
    let lower = word.iter().filter(|c| c.is_ascii_lowercase()).count();
    if upper == 0 {
        0.0
    } else if lower == 0 || (upper == 1 && word.first().is_some_and(char::is_ascii_uppercase)) {
        1.0
    } else {
        (1..=upper.min(lower)).map(|k| binomial(upper + lower, k)).sum::<f64>().log2()
    }
}

fn binomial(n: usize, k: usize) -> f64 {
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}

fn digits_value(s: &[char]) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.iter().all(char::is_ascii_digit) {
        return None;
    }
    s.iter().try_fold(0u32, |acc, c| c.to_digit(10).map(|d| acc * 10 + d))
}

/// Years (1900-2099) and dates.
fn numbers(s: &[char], ends: &mut [Vec<Candidate>]) {
    let n = s.len();
    for i in 0..n {
        if i + 4 <= n && digits_value(&s[i..i + 4]).is_some_and(|y| (1900..=2099).contains(&y)) {
            ends[i + 4].push((i, 200f64.log2(), Pattern::Year, false));
        }
        for j in (i + 6)..=n.min(i + 10) {
            if let Some(bits) = date_bits(&s[i..j]) {
                ends[j].push((i, bits, Pattern::Date, false));
            }
        }
    }
}

/// Whether `s` reads as a date (day, month and year in any usual order), and its price.
fn date_bits(s: &[char]) -> Option<f64> {
    let (parts, separator): (Vec<&[char]>, bool) = if s.iter().all(char::is_ascii_digit) {
        let cuts: &[[usize; 2]] = match s.len() {
            6 => &[[2, 4]],
            8 => &[[2, 4], [4, 6]],
            _ => &[],
        };
        return cuts.iter().filter_map(|&[a, b]| date_of(&[&s[..a], &s[a..b], &s[b..]], false)).reduce(f64::min);
    } else {
        let sep = s.iter().copied().find(|c| !c.is_ascii_digit())?;
        if !matches!(sep, '/' | '-' | '.' | ' ') {
            return None;
        }
        (s.split(|&c| c == sep).collect(), true)
    };
    if parts.len() != 3 {
        return None;
    }
    date_of(&parts, separator)
}

fn date_of(parts: &[&[char]], separator: bool) -> Option<f64> {
    let v: Vec<(u32, usize)> =
        parts.iter().map(|p| digits_value(p).map(|v| (v, p.len()))).collect::<Option<Vec<_>>>()?;
    let day = |d: (u32, usize)| d.1 <= 2 && (1..=31).contains(&d.0);
    let month = |m: (u32, usize)| m.1 <= 2 && (1..=12).contains(&m.0);
    let year = |y: (u32, usize)| match y.1 {
        2 => Some(100.0),
        4 if (1900..=2099).contains(&y.0) => Some(200.0),
        _ => None,
    };
    let (a, b, c) = (v[0], v[1], v[2]);
    let years = if (day(a) && month(b) || month(a) && day(b)) && year(c).is_some() {
        year(c)
    } else if month(b) && day(c) {
        year(a)
    } else {
        None
    }?;
    Some(f64::log2(31.0 * 12.0 * years) + if separator { 1.0 } else { 0.0 })
}

/// The keys of a US keyboard, unshifted and shifted, each row shifted right by half a key from
/// the one above (column 0 of the lower rows is empty): a key's neighbours are left and right,
/// up and up-right, down-left and down.
const KEYBOARD: [(&str, &str); 4] = [
    ("`1234567890-=", "~!@#$%^&*()_+"),
    ("\0qwertyuiop[]\\", "\0QWERTYUIOP{}|"),
    ("\0asdfghjkl;'", "\0ASDFGHJKL:\""),
    ("\0zxcvbnm,./", "\0ZXCVBNM<>?"),
];

/// Row, column and whether shift is held, for a key on [`KEYBOARD`].
fn key(c: char) -> Option<(i32, i32, bool)> {
    if c == '\0' {
        return None;
    }
    KEYBOARD.iter().zip(0..).find_map(|((plain, shifted), row)| {
        let col = |s: &str| s.chars().position(|k| k == c).and_then(|p| i32::try_from(p).ok());
        col(plain).map(|p| (row, p, false)).or_else(|| col(shifted).map(|p| (row, p, true)))
    })
}

/// The direction from one key to a neighbouring one, if they are neighbours.
fn step(a: char, b: char) -> Option<(i32, i32)> {
    let ((r1, c1, _), (r2, c2, _)) = (key(a)?, key(b)?);
    let d = (r2 - r1, c2 - c1);
    matches!(d, (0, 1) | (0, -1) | (-1, 0) | (-1, 1) | (1, -1) | (1, 0)).then_some(d)
}

/// Keyboard walks of three keys or more: the first key, the first direction and each turn.
fn walks(s: &[char], ends: &mut [Vec<Candidate>]) {
    const KEYS: f64 = 47.0;
    const DIRECTIONS: f64 = 6.0;
    let n = s.len();
    for i in 0..n {
        let mut turns = 0;
        let mut last = None;
        let mut shifted = usize::from(key(s[i]).is_some_and(|k| k.2));
        for j in (i + 1)..n {
            let Some(d) = step(s[j - 1], s[j]) else { break };
            if last.is_some_and(|l| l != d) {
                turns += 1;
            }
            last = Some(d);
            shifted += usize::from(key(s[j]).is_some_and(|k| k.2));
            let len = j + 1 - i;
            if len >= 3 {
                let shift_bits = match (shifted, len - shifted) {
                    (0, _) => 0.0,
                    (_, 0) => 1.0,
                    (s, u) => (1..=s.min(u)).map(|k| binomial(len, k)).sum::<f64>().log2(),
                };
                let bits = KEYS.log2() + f64::from(turns + 1) * DIRECTIONS.log2() + (len as f64).log2() + shift_bits;
                ends[j + 1].push((i, bits, Pattern::Walk, false));
            }
        }
    }
}

/// Runs of letters or digits going up or down by one or two (`abcd`, `9876`, `aceg`).
fn sequences(s: &[char], ends: &mut [Vec<Candidate>]) {
    let class = |c: char| match c {
        'a'..='z' => Some(0),
        'A'..='Z' => Some(1),
        '0'..='9' => Some(2),
        _ => None,
    };
    let n = s.len();
    for i in 0..n.saturating_sub(2) {
        let Some(cls) = class(s[i]) else { continue };
        let delta = i64::from(u32::from(s[i + 1])) - i64::from(u32::from(s[i]));
        if !(1..=2).contains(&delta.abs()) || class(s[i + 1]) != Some(cls) {
            continue;
        }
        let start = if matches!(s[i], 'a' | 'z' | 'A' | 'Z' | '0' | '1' | '9') {
            4.0
        } else if cls == 2 {
            10.0
        } else {
            26.0
        };
        let mut j = i + 1;
        while j + 1 < n
            && class(s[j + 1]) == Some(cls)
            && i64::from(u32::from(s[j + 1])) - i64::from(u32::from(s[j])) == delta
        {
            j += 1;
            let len = j + 1 - i;
            let bits = f64::log2(start)
                + if delta < 0 { 1.0 } else { 0.0 }
                + if delta.abs() == 2 { 1.0 } else { 0.0 }
                + (len as f64).log2();
            ends[j + 1].push((i, bits, Pattern::Sequence, false));
        }
    }
}

/// A piece said two times or more (`aaaa`, `abab`, `abcabc`): the piece's own price, and how
/// many times.
fn repeats(s: &[char], ends: &mut [Vec<Candidate>], memo: &mut HashMap<Vec<char>, f64>) {
    let n = s.len();
    for i in 0..n {
        for b in 1..=(n - i) / 2 {
            let base = &s[i..i + b];
            let mut k = 1;
            while i + b * (k + 1) <= n && s[i + b * k..i + b * (k + 1)] == *base {
                k += 1;
            }
            if k < 2 {
                continue;
            }
            let base_bits = match memo.get(base) {
                Some(&bits) => bits,
                None => {
                    let bits = analyse(base, memo).bits;
                    memo.insert(base.to_vec(), bits);
                    bits
                }
            };
            for m in 2..=k {
                ends[i + b * m].push((i, base_bits + (m as f64).log2(), Pattern::Repeat, false));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pattern_is_found() {
        let kinds = |s: &str| estimate(s).parts.iter().map(|p| p.pattern).collect::<Vec<_>>();
        use Pattern::*;
        assert_eq!(kinds("cornerstore2024"), [Word, Word, Year]);
        assert_eq!(kinds("P@ssword"), [Password]);
        assert_eq!(kinds("qwertyuiop"), [Password]);
        assert_eq!(kinds("zxcvbnm,./"), [Walk]);
        assert_eq!(kinds("1qaz"), [Walk]);
        assert_eq!(kinds("mnbvcxz"), [Password]);
        assert_eq!(kinds("lkjhgf"), [Walk]);
        assert_eq!(kinds("abcdefghijkl"), [Sequence]);
        assert_eq!(kinds("98765"), [Sequence]);
        assert_eq!(kinds("15/03/2024"), [Date]);
        assert_eq!(kinds("20240315"), [Date]);
        assert_eq!(kinds("xkcdxkcdxkcd"), [Repeat]);
        assert_eq!(kinds("Tq"), [Random]);
    }

    #[test]
    fn descriptions_read_like_a_person() {
        assert_eq!(estimate("cornerstore2024").describe(), "it is two common words plus a year");
        assert_eq!(
            estimate("P@ssword2024!").describe(),
            "it is a common password plus a year plus 1 other character, \
             with capitals or look-alike symbols that add little"
        );
        assert_eq!(estimate("kq7ZpW").describe(), "it is 6 random characters");
        assert_eq!(estimate("").describe(), "it is empty");
    }

    #[test]
    fn the_lists_are_there() {
        let d = dict();
        for w in ["password", "corner", "store", "shop", "market", "cafe", "bakery", "coffee", "dragon"] {
            assert!(d.words.contains_key(w), "{w} missing");
        }
        assert!(d.words.len() > 6_000 && d.longest <= 32, "{} words, longest {}", d.words.len(), d.longest);
    }

    #[test]
    fn the_longest_input_is_quick() {
        // Repetitions are the costly case (every base is analysed); 128 characters is the limit.
        let t = std::time::Instant::now();
        for s in ["a".repeat(128), "ab".repeat(64), "P@ssword2024!".repeat(9), "qwertyuiop".repeat(12)] {
            assert!(!estimate(&s).is_enough(), "{s}");
        }
        // Under qemu-user (`scripts/test --target`) every instruction is emulated: the bound
        // scales as the system tests' deadlines do.
        let scale = std::env::var("TILL_TEST_DEADLINE_SCALE").ok().and_then(|v| v.parse::<u64>().ok()).unwrap_or(1);
        assert!(t.elapsed().as_secs() < 5 * scale, "took {:?}", t.elapsed());
    }
}
