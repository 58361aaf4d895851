//! Folding one character to its plain lowercase Latin form.

use std::borrow::Cow;
use unicode_normalization::char::decompose_canonical;
use unicode_normalization::UnicodeNormalization;

/// Folds a non-ASCII character: lowercase, accents removed, ligatures expanded, look-alike letters
/// of other scripts mapped to Latin. Returns the folded text (empty or `None` for punctuation and
/// symbols) and whether the character was a look-alike from another script.
pub fn fold_char(c: char) -> (Option<Cow<'static, str>>, bool) {
    let homoglyph = match c {
        // Cyrillic letters that look Latin.
        'а' | 'А' => Some("a"),
        'в' | 'В' => Some("b"),
        'е' | 'Е' | 'ё' | 'Ё' => Some("e"),
        'к' | 'К' => Some("k"),
        'м' | 'М' => Some("m"),
        'н' | 'Н' => Some("h"),
        'о' | 'О' => Some("o"),
        'р' | 'Р' => Some("p"),
        'с' | 'С' => Some("c"),
        'т' | 'Т' => Some("t"),
        'у' | 'У' => Some("y"),
        'х' | 'Х' => Some("x"),
        'і' | 'І' => Some("i"),
        'ј' | 'Ј' => Some("j"),
        'ѕ' | 'Ѕ' => Some("s"),
        'ԁ' => Some("d"),
        'ɡ' => Some("g"),
        // Greek letters that look Latin.
        'α' | 'Α' => Some("a"),
        'Β' | 'β' => Some("b"),
        'ε' | 'Ε' => Some("e"),
        'Ζ' => Some("z"),
        'Η' => Some("h"),
        'ι' | 'Ι' => Some("i"),
        'κ' | 'Κ' => Some("k"),
        'Μ' => Some("m"),
        'ν' | 'Ν' => Some("v"),
        'ο' | 'Ο' => Some("o"),
        'ρ' | 'Ρ' => Some("p"),
        'τ' | 'Τ' => Some("t"),
        'υ' | 'Υ' => Some("u"),
        'χ' | 'Χ' => Some("x"),
        _ => None,
    };
    if let Some(h) = homoglyph {
        return (Some(Cow::Borrowed(h)), true);
    }
    let fixed = match c {
        'ß' | 'ẞ' => Some("ss"),
        'æ' | 'Æ' => Some("ae"),
        'œ' | 'Œ' => Some("oe"),
        'ø' | 'Ø' => Some("o"),
        'ł' | 'Ł' => Some("l"),
        'đ' | 'Đ' => Some("d"),
        'þ' | 'Þ' => Some("th"),
        'ı' => Some("i"),
        '’' | '‘' | '´' | '`' | '«' | '»' | '“' | '”' | '„' | '€' | '£' | '°' | '×' | '–' | '—' => {
            Some("")
        }
        _ => None,
    };
    if let Some(f) = fixed {
        return (Some(Cow::Borrowed(f)), false);
    }
    let mut out = String::new();
    // Full-width and other compatibility forms first (ｉｖｏｒｙ), then accents off.
    for k in std::iter::once(c).nfkc() {
        for l in k.to_lowercase() {
            decompose_canonical(l, |d| {
                if d.is_alphanumeric() && (d.is_ascii() || !is_mark(d)) {
                    out.push(d);
                }
            });
        }
    }
    let folded_homoglyph = !out.is_ascii();
    if out.is_empty() {
        return (None, false);
    }
    if folded_homoglyph {
        // Letters of other scripts are kept as they are; they never match Latin names.
        return (Some(Cow::Owned(out)), false);
    }
    let fullwidth =
        ('\u{FF01}'..='\u{FF5E}').contains(&c) || ('\u{1D400}'..='\u{1D7FF}').contains(&c);
    (Some(Cow::Owned(out)), fullwidth)
}

fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}
