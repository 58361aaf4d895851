//! Text normalisation for matching names in hostile ad text, and language identification.
//!
//! Sellers hide what they sell: `1v0ry`, `i v o i r e`, `e.l.f.e.n.b.e.i.n`, `Elfen-bein`, Cyrillic
//! look-alike letters, zero-width characters. [`normalize`] folds all of that into one canonical
//! lowercase form (tokens separated by single spaces) and keeps, for every byte of the result, the
//! range of the original text it came from and which evasions were undone there, so a match on the
//! normalised text can be shown as the seller's own words.
#![deny(missing_docs)]

mod fold;
mod lang;

pub use fold::fold_char;
pub use lang::{identify, identify_hinted, platform_lang, Lang};
use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::OnceLock;

/// The byte was produced by undoing leetspeak (`1v0ry`).
pub const LEET: u8 = 1;
/// The byte comes from letters spaced or dotted apart (`i v o i r e`, `e.l.f.e.n`).
pub const SPACED: u8 = 2;
/// The byte comes from a look-alike letter of another script (Cyrillic `о` for `o`).
pub const HOMOGLYPH: u8 = 4;
/// An invisible character (zero-width space, soft hyphen) was removed before this byte.
pub const HIDDEN: u8 = 8;
/// The byte belongs to a word that was rejoined across a hyphen or line break (`Elfen-bein`).
pub const SPLIT: u8 = 16;
/// A soft word boundary lies just before this byte (where a hyphenated word was rejoined).
pub const JOIN: u8 = 32;

/// Any flag that shows a deliberate evasion.
pub const EVASION: u8 = LEET | SPACED | HOMOGLYPH | HIDDEN;

/// Normalised text with its map back to the original.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// Lowercase, accent-free text; tokens separated by one space.
    pub text: String,
    orig: Vec<(u32, u32)>,
    flags: Vec<u8>,
}

impl Normalized {
    /// The original byte range that the normalised range `start..end` came from.
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        if self.orig.is_empty() || start >= end || end > self.orig.len() {
            return (0, 0);
        }
        (self.orig[start].0 as usize, self.orig[end - 1].1 as usize)
    }

    /// The union of evasion flags over a normalised range.
    pub fn flags(&self, start: usize, end: usize) -> u8 {
        self.flags
            .get(start..end)
            .map(|f| f.iter().fold(0, |a, b| a | b))
            .unwrap_or(0)
    }

    /// Flags of one byte.
    pub fn flag_at(&self, pos: usize) -> u8 {
        self.flags.get(pos).copied().unwrap_or(0)
    }

    /// Flags of every byte of the text.
    pub fn byte_flags(&self) -> &[u8] {
        &self.flags
    }

    /// True when `pos` is a word boundary: the start or end of the text, a space, or a soft boundary.
    pub fn is_boundary(&self, pos: usize) -> bool {
        let b = self.text.as_bytes();
        pos == 0
            || pos >= b.len()
            || b[pos] == b' '
            || b[pos - 1] == b' '
            || self.flag_at(pos) & JOIN != 0
    }

    /// The normalised tokens with their byte offsets.
    pub fn tokens(&self) -> impl Iterator<Item = (usize, &str)> {
        let mut pos = 0;
        self.text.split(' ').map(move |t| {
            let start = pos;
            pos += t.len() + 1;
            (start, t)
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    Alpha,
    Digit,
    Space,
    Newline,
    Hyphen,
    Dot,
    /// `@`, `$`, `!`, `|`: leetspeak inside a word, punctuation elsewhere.
    Leet,
}

#[derive(Clone, Debug)]
struct Unit {
    out: [u8; 4],
    len: u8,
    class: Class,
    start: u32,
    end: u32,
    flags: u8,
}

/// What a non-ASCII character becomes: a word separator, or up to four ASCII letters/digits.
#[derive(Clone, Copy, Debug)]
enum Folded {
    Space,
    Unit {
        out: [u8; 4],
        len: u8,
        class: Class,
        homoglyph: bool,
    },
}

/// Folds one non-ASCII character that is none of the invisible, hyphen or dot characters.
fn fold_unit(c: char) -> Folded {
    let (folded, homoglyph) = fold_char(c);
    match folded {
        Some(s) if !s.is_empty() => {
            let s: Cow<'static, str> = s;
            // Only Latin letters and digits can match; other scripts are word separators.
            let mut out = [0u8; 4];
            let mut len = 0;
            for b in s.bytes().filter(u8::is_ascii_alphanumeric).take(4) {
                out[len] = b;
                len += 1;
            }
            if len == 0 {
                Folded::Space
            } else {
                let class = if out[0].is_ascii_digit() {
                    Class::Digit
                } else {
                    Class::Alpha
                };
                Folded::Unit {
                    out,
                    len: len as u8,
                    class,
                    homoglyph,
                }
            }
        }
        _ => Folded::Space,
    }
}

/// Characters below this are folded once per process and looked up (Latin, Greek, Cyrillic).
const FOLD_TABLE_END: u32 = 0x800;

fn fold_cached(c: char) -> Folded {
    static TABLE: OnceLock<Vec<Folded>> = OnceLock::new();
    let i = c as u32;
    if i >= FOLD_TABLE_END {
        return fold_unit(c);
    }
    let table = TABLE.get_or_init(|| {
        (0..FOLD_TABLE_END)
            .map(|i| match char::from_u32(i) {
                Some(c) if !c.is_ascii() => fold_unit(c),
                _ => Folded::Space,
            })
            .collect()
    });
    table[i as usize]
}

/// What an ASCII byte becomes: its output byte and class, and whether it carries the flags of
/// invisible characters before it (letters, digits and leetspeak symbols do).
const fn ascii_unit(b: u8) -> (u8, Class, bool) {
    match b {
        b'a'..=b'z' => (b, Class::Alpha, true),
        b'A'..=b'Z' => (b.to_ascii_lowercase(), Class::Alpha, true),
        b'0'..=b'9' => (b, Class::Digit, true),
        b'\n' => (b' ', Class::Newline, false),
        b'-' => (b' ', Class::Hyphen, false),
        b'.' | b'_' | b'*' => (b' ', Class::Dot, false),
        b'@' => (b'a', Class::Leet, true),
        b'$' => (b's', Class::Leet, true),
        b'!' | b'|' => (b'i', Class::Leet, true),
        _ => (b' ', Class::Space, false),
    }
}

/// [`ascii_unit`] of every ASCII byte.
static ASCII_UNITS: [(u8, Class, bool); 128] = {
    let mut t = [(b' ', Class::Space, false); 128];
    let mut b = 0;
    while b < 128 {
        t[b] = ascii_unit(b as u8);
        b += 1;
    }
    t
};

fn classify_into(text: &str, units: &mut Vec<Unit>) {
    units.clear();
    units.reserve(text.len());
    let bytes = text.as_bytes();
    let mut pending = 0u8;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            let (out, class, carries) = ASCII_UNITS[b as usize];
            units.push(Unit {
                out: [out, 0, 0, 0],
                len: 1,
                class,
                start: i as u32,
                end: i as u32 + 1,
                flags: if carries { pending } else { 0 },
            });
            pending = 0;
            i += 1;
            continue;
        }
        let c = text[i..].chars().next().expect("a character starts here");
        let (start, end) = (i as u32, (i + c.len_utf8()) as u32);
        i += c.len_utf8();
        let mut unit = |out: [u8; 4], len: u8, class: Class, flags: u8| {
            units.push(Unit {
                out,
                len,
                class,
                start,
                end,
                flags,
            });
        };
        match c {
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => {
                pending |= HIDDEN;
                continue;
            }
            '\u{2010}' | '\u{2011}' => {
                unit([b' ', 0, 0, 0], 1, Class::Hyphen, 0);
                pending = 0;
                continue;
            }
            '·' | '•' => {
                unit([b' ', 0, 0, 0], 1, Class::Dot, 0);
                pending = 0;
                continue;
            }
            _ => {}
        }
        match fold_cached(c) {
            Folded::Unit {
                out,
                len,
                class,
                homoglyph,
            } => {
                let flags = pending | if homoglyph { HOMOGLYPH } else { 0 };
                unit(out, len, class, flags);
            }
            Folded::Space => unit([b' ', 0, 0, 0], 1, Class::Space, 0),
        }
        pending = 0;
    }
}

fn leet_letter(b: u8) -> u8 {
    match b {
        b'0' => b'o',
        b'1' => b'i',
        b'3' => b'e',
        b'4' => b'a',
        b'5' => b's',
        b'7' => b't',
        b'8' => b'b',
        b'9' => b'g',
        other => other,
    }
}

/// Suffixes after a leading number that make a measurement or price, not leetspeak (`250eur`).
const UNITS: &[&str] = &[
    "eur", "euro", "euros", "chf", "gbp", "usd", "kg", "g", "gr", "cm", "mm", "m", "x", "st",
    "stk", "stuck", "stuks", "pcs", "pc", "jahre", "ans", "jaar", "years", "yrs", "mois", "monate",
    "maanden", "months", "th", "st", "nd", "rd", "er", "eme", "e", "de", "ste", "j", "w", "l",
    "ml",
];

/// Whether a word made of letters and digits is leetspeak (`1v0ry`, `3lf3nb3in`) rather than a code
/// or a quantity (`cb2024`, `a10`, `250eur`, `2x`).
fn is_leet(word: &[Unit]) -> bool {
    let letters = word.iter().filter(|u| u.class == Class::Alpha).count();
    let digits = word
        .iter()
        .filter(|u| matches!(u.class, Class::Digit | Class::Leet))
        .count();
    if letters < 2 || digits == 0 || digits > letters + 1 {
        return false;
    }
    // A digit (or @, $) between two letters is leetspeak.
    for i in 1..word.len().saturating_sub(1) {
        if matches!(word[i].class, Class::Digit | Class::Leet)
            && word[..i].iter().any(|u| u.class == Class::Alpha)
            && word[i + 1..].iter().any(|u| u.class == Class::Alpha)
            && (leet_letter(word[i].out[0]) != word[i].out[0] || word[i].class == Class::Leet)
        {
            return true;
        }
    }
    // One leading digit then a word that is not a unit: `1vory`.
    if word.len() >= 4
        && word[0].class == Class::Digit
        && word[1..].iter().all(|u| u.class == Class::Alpha)
    {
        let rest = &word[1..];
        let is_unit = UNITS
            .iter()
            .any(|u| u.len() == rest.len() && u.bytes().zip(rest).all(|(b, x)| b == x.out[0]));
        return !is_unit && leet_letter(word[0].out[0]) != word[0].out[0];
    }
    false
}

struct Builder {
    /// ASCII only: letters, digits and spaces.
    text: Vec<u8>,
    orig: Vec<(u32, u32)>,
    flags: Vec<u8>,
}

impl Builder {
    #[inline]
    fn push_byte(&mut self, b: u8, range: (u32, u32), flags: u8) {
        self.text.push(b);
        self.orig.push(range);
        self.flags.push(flags);
    }
    #[inline]
    fn push_unit(&mut self, u: &Unit, override_byte: Option<u8>, extra: u8) {
        match override_byte {
            Some(b) => self.push_byte(b, (u.start, u.end), u.flags | extra),
            None => {
                for &b in &u.out[..u.len as usize] {
                    self.push_byte(b, (u.start, u.end), u.flags | extra);
                }
            }
        }
    }
    fn ends_with_space(&self) -> bool {
        self.text.last() == Some(&b' ')
    }
    fn space(&mut self, at: u32) {
        if !self.text.is_empty() && !self.ends_with_space() {
            self.push_byte(b' ', (at, at), 0);
        }
    }
    /// Pushes units of one output byte each.
    fn push_plain(&mut self, units: &[Unit], extra: u8) {
        self.text.extend(units.iter().map(|u| u.out[0]));
        self.orig.extend(units.iter().map(|u| (u.start, u.end)));
        self.flags.extend(units.iter().map(|u| u.flags | extra));
    }
}

/// A word: a run of letters, digits and in-word connectors (`-`, `.`, `@` …) between spaces.
struct Word<'a> {
    units: &'a [Unit],
    /// The word ends with a hyphen followed by a line break (`Elfen-` / `bein`).
    hyphen_break: bool,
    /// Letters only, one output byte each: emitted as they are.
    plain: bool,
}

fn words<'a>(units: &'a [Unit], out: &mut Vec<Word<'a>>) {
    let mut i = 0;
    while i < units.len() {
        if matches!(units[i].class, Class::Space | Class::Newline)
            || (matches!(units[i].class, Class::Hyphen | Class::Dot))
        {
            i += 1;
            continue;
        }
        let start = i;
        // The first unit that is not a one-byte letter.
        let mut first_other = usize::MAX;
        while i < units.len() && !matches!(units[i].class, Class::Space | Class::Newline) {
            if first_other == usize::MAX && !(units[i].class == Class::Alpha && units[i].len == 1) {
                first_other = i;
            }
            i += 1;
        }
        let mut end = i;
        // Trailing connectors are punctuation, not part of the word.
        while end > start
            && matches!(
                units[end - 1].class,
                Class::Hyphen | Class::Dot | Class::Leet
            )
        {
            end -= 1;
        }
        let hyphen_break = end < i
            && units[end..i].iter().any(|u| u.class == Class::Hyphen)
            && units[i..]
                .iter()
                .take_while(|u| matches!(u.class, Class::Space | Class::Newline))
                .any(|u| u.class == Class::Newline);
        if end > start {
            out.push(Word {
                units: &units[start..end],
                hyphen_break,
                plain: first_other >= end,
            });
        }
    }
}

/// Splits a word on `-` and `.` into pieces of letters/digits (connectors that are leetspeak stay),
/// each with the separator after it (`Space` for the last).
#[derive(Clone)]
struct Pieces<'a> {
    word: &'a [Unit],
    pos: usize,
}

impl<'a> Iterator for Pieces<'a> {
    type Item = (&'a [Unit], Class);
    fn next(&mut self) -> Option<Self::Item> {
        while self.pos < self.word.len() {
            let start = self.pos;
            match self.word[start..]
                .iter()
                .position(|u| matches!(u.class, Class::Hyphen | Class::Dot))
            {
                Some(off) => {
                    let i = start + off;
                    self.pos = i + 1;
                    if i > start {
                        return Some((&self.word[start..i], self.word[i].class));
                    }
                }
                None => {
                    self.pos = self.word.len();
                    return Some((&self.word[start..], Class::Space));
                }
            }
        }
        None
    }
}

fn pieces(word: &[Unit]) -> Pieces<'_> {
    Pieces { word, pos: 0 }
}

fn single_letter(w: &Word<'_>) -> bool {
    w.units.len() == 1 && w.units[0].class == Class::Alpha && w.units[0].len == 1
}

thread_local! {
    /// Per-thread scratch for the character units of the text being normalised.
    static UNITS_SCRATCH: RefCell<Vec<Unit>> = const { RefCell::new(Vec::new()) };
}

/// Normalises ad text for matching: see the crate documentation.
pub fn normalize(input: &str) -> Normalized {
    UNITS_SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut units) => normalize_with(input, &mut units),
        Err(_) => normalize_with(input, &mut Vec::new()),
    })
}

fn normalize_with(input: &str, units: &mut Vec<Unit>) -> Normalized {
    classify_into(input, units);
    let mut ws = Vec::with_capacity(units.len() / 4 + 1);
    words(units, &mut ws);
    let mut b = Builder {
        text: Vec::with_capacity(input.len()),
        orig: Vec::with_capacity(input.len()),
        flags: Vec::with_capacity(input.len()),
    };
    let mut i = 0;
    let mut join_next = false;
    while i < ws.len() {
        // Letters spaced apart: four or more one-letter words in a row form one word.
        let run = ws[i..].iter().take_while(|w| single_letter(w)).count();
        if run >= 4 {
            if !join_next {
                b.space(ws[i].units[0].start);
            }
            for w in &ws[i..i + run] {
                b.push_unit(&w.units[0], None, SPACED);
            }
            i += run;
            join_next = false;
            continue;
        }
        let w = &ws[i];
        if join_next {
            // Continuation of a word broken by a hyphen at a line end.
            if let Some(f) = b.flags.last_mut() {
                *f |= SPLIT;
            }
            let before = b.text.len();
            emit_word(&mut b, w.units, SPLIT);
            if let Some(f) = b.flags.get_mut(before) {
                *f |= JOIN;
            }
        } else {
            b.space(w.units[0].start);
            if w.plain {
                b.push_plain(w.units, 0);
            } else {
                emit_word(&mut b, w.units, 0);
            }
        }
        join_next = w.hyphen_break
            && ws
                .get(i + 1)
                .is_some_and(|n| n.units[0].class == Class::Alpha);
        i += 1;
    }
    while b.ends_with_space() {
        b.text.pop();
        b.orig.pop();
        b.flags.pop();
    }
    Normalized {
        // Every byte pushed is an ASCII letter, digit or space.
        text: String::from_utf8(b.text).expect("normalised text is ASCII"),
        orig: b.orig,
        flags: b.flags,
    }
}

fn emit_word(b: &mut Builder, word: &[Unit], extra: u8) {
    // Most words are one piece: no hyphen or dot inside.
    if !word
        .iter()
        .any(|u| matches!(u.class, Class::Hyphen | Class::Dot))
    {
        emit_piece(b, word, extra);
        return;
    }
    let ps = pieces(word);
    // Dotted or dashed single letters: e.l.f.e.n.b.e.i.n, i-v-o-r-y.
    let (mut count, mut all_letters) = (0usize, true);
    for (p, _) in ps.clone() {
        count += 1;
        all_letters &= p.len() == 1 && p[0].class == Class::Alpha;
    }
    if count >= 3 && all_letters {
        for (p, _) in ps {
            b.push_unit(&p[0], None, SPACED | extra);
        }
        return;
    }
    let mut prev_alpha = false;
    let mut prev_sep: Option<Class> = None;
    for (p, sep_after) in ps {
        let alpha = p.iter().any(|u| u.class == Class::Alpha);
        let all_digits = p.iter().all(|u| u.class == Class::Digit);
        let before = b.text.len();
        if let Some(sep) = prev_sep {
            if sep == Class::Hyphen && prev_alpha && alpha && !all_digits {
                // Elfen-bein: one word with a soft boundary where the hyphen was.
                emit_piece(b, p, SPLIT | extra);
                if let Some(f) = b.flags.get_mut(before) {
                    *f |= JOIN;
                }
                if let Some(f) = b.flags.get_mut(before.saturating_sub(1)) {
                    *f |= SPLIT;
                }
                prev_alpha = alpha;
                prev_sep = Some(sep_after);
                continue;
            }
            b.space(p[0].start);
        }
        emit_piece(b, p, extra);
        prev_alpha = alpha;
        prev_sep = Some(sep_after);
    }
}

fn emit_piece(b: &mut Builder, p: &[Unit], extra: u8) {
    let (mut digits, mut wide) = (false, false);
    for u in p {
        digits |= matches!(u.class, Class::Digit | Class::Leet);
        wide |= u.len != 1;
    }
    if !digits && !wide {
        // Letters only, one byte each: the common case.
        b.push_plain(p, extra);
        return;
    }
    if digits && is_leet(p) {
        for u in p {
            match u.class {
                Class::Digit | Class::Leet => {
                    b.push_unit(u, Some(leet_letter(u.out[0])), LEET | extra)
                }
                _ => b.push_unit(u, None, extra),
            }
        }
        return;
    }
    for u in p {
        match u.class {
            // Outside leetspeak, @ $ ! | are punctuation.
            Class::Leet => {
                b.space(u.start);
            }
            _ => b.push_unit(u, None, extra),
        }
    }
}

#[cfg(test)]
mod tests;
