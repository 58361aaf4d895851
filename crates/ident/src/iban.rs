//! IBANs of any country, with or without spaces, checked with the mod-97 checksum.

use crate::{char_at, char_before, prio, Ctx, Kind};

/// The length of an IBAN in each country that has them (SWIFT IBAN registry).
const LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

fn length(country: &str) -> Option<usize> {
    LENGTHS.iter().find(|(c, _)| *c == country).map(|(_, l)| *l)
}

/// Whether `iban` (spaces and hyphens allowed, any case) is a valid IBAN: a known country,
/// that country's length and a good mod-97 checksum.
///
/// ```
/// use wildwatch_ident::iban_is_valid;
/// assert!(iban_is_valid("DE89 3704 0044 0532 0130 00"));
/// assert!(!iban_is_valid("DE89 3704 0044 0532 0130 01"));
/// ```
pub fn iban_is_valid(iban: &str) -> bool {
    let compact: String = iban
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{a0}'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    checks(&compact)
}

/// Whether a compact uppercase string is a valid IBAN.
fn checks(compact: &str) -> bool {
    if compact.len() < 5 || !compact.is_ascii() {
        return false;
    }
    let b = compact.as_bytes();
    if !(b[0].is_ascii_uppercase()
        && b[1].is_ascii_uppercase()
        && b[2].is_ascii_digit()
        && b[3].is_ascii_digit())
    {
        return false;
    }
    if length(&compact[..2]) != Some(compact.len()) {
        return false;
    }
    let mut rem: u32 = 0;
    for &c in b[4..].iter().chain(&b[..4]) {
        let v = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// Finds IBANs and adds them as candidates.
pub(crate) fn find(ctx: &mut Ctx<'_>) {
    let text = ctx.text;
    let b = text.as_bytes();
    if b.len() < 15 {
        return;
    }
    let mut i = 0;
    while i + 4 <= b.len() {
        let starts = b[i].is_ascii_alphabetic()
            && b[i + 1].is_ascii_alphabetic()
            && b[i + 2].is_ascii_digit()
            && b[i + 3].is_ascii_digit()
            && !char_before(text, i).is_some_and(char::is_alphanumeric);
        if !starts {
            i += 1;
            continue;
        }
        let country = text[i..i + 2].to_ascii_uppercase();
        let Some(len) = length(&country) else {
            i += 1;
            continue;
        };
        // Read `len` letters and digits, with single spaces or hyphens between them.
        let mut compact = String::with_capacity(len);
        let mut pos = i;
        while pos < b.len() && compact.len() < len {
            let c = b[pos];
            if c.is_ascii_alphanumeric() {
                compact.push(c.to_ascii_uppercase() as char);
                pos += 1;
            } else if matches!(c, b' ' | b'-')
                && !compact.is_empty()
                && b.get(pos + 1).is_some_and(u8::is_ascii_alphanumeric)
            {
                pos += 1;
            } else {
                break;
            }
        }
        let ends = !char_at(text, pos).is_some_and(char::is_alphanumeric);
        if compact.len() == len && ends && checks(&compact) {
            let g = ctx.group();
            ctx.push(Kind::Iban, compact, (i, pos), g, prio::IBAN);
            i = pos;
        } else {
            i += 1;
        }
    }
}
