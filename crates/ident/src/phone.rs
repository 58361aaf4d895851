//! Phone numbers: runs of digit groups, read as E.164 with `phonenumber`.

use crate::{char_at, char_before, prio, Ctx, Kind};
use phonenumber::country::Id;
use phonenumber::{Mode, Type};

/// Countries tried, when the ad's own does not read a national number, in case exactly one does.
const FALLBACK: [Id; 8] = [
    Id::FR,
    Id::DE,
    Id::NL,
    Id::BE,
    Id::GB,
    Id::AT,
    Id::CH,
    Id::LU,
];

/// At most this many digits are read as one number (with a `00` international prefix).
const MAX_DIGITS: usize = 17;

/// The phonenumber region for an ISO alpha-2 country code (`"UK"` is `GB`).
pub(crate) fn region(country: &str) -> Option<Id> {
    let upper = country.trim().to_ascii_uppercase();
    let upper = if upper == "UK" {
        "GB".to_string()
    } else {
        upper
    };
    if upper.len() != 2 {
        return None;
    }
    upper.parse().ok()
}

/// Reads a phone number written in any usual way as E.164, with `default_country` (ISO
/// alpha-2) for numbers in national form. Returns `None` unless the number is valid.
///
/// ```
/// use wildwatch_ident::normalize_phone;
/// assert_eq!(normalize_phone("0171/1234567", Some("DE")).as_deref(), Some("+491711234567"));
/// assert_eq!(normalize_phone("+33 (0)6 12 34 56 78", None).as_deref(), Some("+33612345678"));
/// assert_eq!(normalize_phone("1500", Some("FR")), None);
/// ```
pub fn normalize_phone(written: &str, default_country: Option<&str>) -> Option<String> {
    let trimmed = written.trim();
    let plus = trimmed.starts_with('+');
    let mut digits = String::new();
    let mut rest = trimmed;
    if plus {
        // `+33 (0)6…`: the national prefix in brackets is not dialled.
        let after = rest[1..].trim_start();
        let cc_len = after.chars().take_while(char::is_ascii_digit).count();
        digits.push_str(&after[..cc_len]);
        rest = after[cc_len..].trim_start();
        if let Some(r) = rest.strip_prefix("(0)") {
            rest = r;
        }
    }
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            'O' | 'o' => digits.push('0'),
            c if is_sep(c) => {}
            _ => return None,
        }
    }
    let region = default_country.and_then(region);
    validate(&digits, plus, region).or_else(|| {
        let international = plus || digits.starts_with("00");
        (!international).then(|| national_fallback(&digits, region))?
    })
}

/// Separators allowed between the digit groups of one number.
fn is_sep(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{a0}'
            | '\u{202f}'
            | '\u{2009}'
            | '.'
            | '-'
            | '\u{2010}'
            | '\u{2013}'
            | '/'
            | '('
            | ')'
    )
}

/// Words that, just before a number, show it is not a phone number (unless a phone word is
/// near): `Nr. 12345678`, `bague 0123…`, `réf 06…`.
const NOT_PHONE: &[&str] = &[
    "nr",
    "no",
    "n°",
    "nº",
    "num",
    "ref",
    "réf",
    "id",
    "art",
    "artikel",
    "article",
    "bague",
    "ring",
    "ringnr",
    "ringnummer",
    "cites",
    "siret",
    "siren",
    "tva",
    "ust",
    "btw",
    "kvk",
    "order",
    "commande",
    "bestellung",
    "lot",
    "chip",
    "puce",
    "transponder",
    "microchip",
    "ean",
    "isbn",
    "sn",
    "serial",
    "iban",
    "bic",
    "rib",
    "kontonummer",
    "blz",
    "code",
    "annonce",
    "anzeige",
    "advertentie",
    "pin",
    "sku",
    "reg",
    "registration",
    "zertifikat",
    "certificat",
    "bescheinigung",
];

/// Word stems that mark a number as a phone number.
const PHONE_WORDS: &[&str] = &[
    "tel",
    "tél",
    "phone",
    "fon",
    "handy",
    "mobil",
    "gsm",
    "portable",
    "whats",
    "sms",
    "appel",
    "anruf",
    "bel ",
    "bellen",
    "signal",
    "telegram",
    "contact",
    "kontakt",
    "call",
    "ruf",
    "viber",
    "joignable",
    "erreichbar",
    "bereikbaar",
    "numéro",
    "nummer",
    "number",
];

/// One group of digits in a run: `06`, `1234567`, or the `0` of `(0)`.
struct Group {
    start: usize,
    end: usize,
    digits: String,
    /// Written `(0)`: a national prefix shown next to a country code, not dialled.
    paren_zero: bool,
}

/// Whether `c` at this place reads as a digit: an ASCII digit, or a letter O written for a
/// zero next to a digit (`O6 12…`, `06 1O…`).
fn digit_at(text: &str, i: usize, prev_digit: bool) -> Option<char> {
    let c = char_at(text, i)?;
    if c.is_ascii_digit() {
        return Some(c);
    }
    if c == 'O' || c == 'o' {
        let next = char_at(text, i + 1);
        let next_digit = next.is_some_and(|n| n.is_ascii_digit());
        let next_letter = next.is_some_and(char::is_alphabetic);
        if next_digit || (prev_digit && !next_letter) {
            return Some('0');
        }
    }
    None
}

/// Finds phone numbers and adds them as candidates.
pub(crate) fn find(ctx: &mut Ctx<'_>) {
    let text = ctx.text;
    let bytes = text.as_bytes();
    // IBANs, e-mail addresses and URLs already found win over any number inside them.
    let taken: Vec<(usize, usize)> = ctx.cands.iter().map(|c| c.span).collect();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // Quick skip: runs start with a digit, '+', '(' or a letter O.
        if !(b.is_ascii_digit() || b == b'+' || b == b'(' || b == b'O' || b == b'o') {
            i += 1;
            continue;
        }
        if let Some(prev) = char_before(text, i) {
            if prev.is_alphanumeric() || prev == '@' || prev == '_' || prev == '+' || prev == '#' {
                i += 1;
                continue;
            }
        }
        let (end, groups, plus_at) = run(text, i);
        if groups.is_empty() {
            i += 1;
            continue;
        }
        windows(ctx, i, &groups, plus_at, &taken);
        i = end.max(i + 1);
    }
}

/// Reads the run of digit groups starting at byte `start`: returns where it ends, its groups
/// and the byte of a leading `+`.
fn run(text: &str, start: usize) -> (usize, Vec<Group>, Option<usize>) {
    let mut pos = start;
    let mut plus_at = None;
    if text.as_bytes()[pos] == b'+' {
        plus_at = Some(pos);
        pos += 1;
        if text.as_bytes().get(pos) == Some(&b' ') {
            pos += 1;
        }
        if !text.as_bytes().get(pos).is_some_and(u8::is_ascii_digit) {
            return (start + 1, Vec::new(), None);
        }
    }
    let mut groups: Vec<Group> = Vec::new();
    let mut total = 0usize;
    loop {
        let sep_start = pos;
        let mut seps = 0;
        while seps < 3 {
            match char_at(text, pos) {
                Some(c) if is_sep(c) => {
                    pos += c.len_utf8();
                    seps += 1;
                }
                _ => break,
            }
        }
        let group_start = pos;
        let mut digits = String::new();
        let mut prev_digit = false;
        while let Some(d) = digit_at(text, pos, prev_digit) {
            digits.push(d);
            pos += 1;
            prev_digit = true;
        }
        if digits.is_empty() {
            pos = sep_start;
            break;
        }
        total += digits.len();
        let paren_zero = digits == "0"
            && char_before(text, group_start) == Some('(')
            && char_at(text, pos) == Some(')');
        groups.push(Group {
            start: group_start,
            end: pos,
            digits,
            paren_zero,
        });
        // A very long run is a list of numbers or an id: stop reading it as one.
        if total > 64 {
            break;
        }
    }
    (pos, groups, plus_at)
}

/// Tries the windows of consecutive groups of a run, longest first, from each group on.
fn windows(
    ctx: &mut Ctx<'_>,
    run_start: usize,
    groups: &[Group],
    plus_at: Option<usize>,
    taken: &[(usize, usize)],
) {
    let mut s = 0;
    while s < groups.len() {
        // The ad's own country (or an international number) first, over all windows from `s`,
        // then the other countries: `06… / 07…` is two French numbers, not one Dutch one.
        let found = [false, true]
            .into_iter()
            .find_map(|fallback| window_from(ctx, s, run_start, groups, plus_at, taken, fallback));
        match found {
            Some((e, start, end, e164)) => {
                let g = ctx.group();
                ctx.push(Kind::Phone, e164, (start, end), g, prio::PHONE);
                s = e + 1;
            }
            None => s += 1,
        }
    }
}

/// The longest window of groups from `s` that reads as a valid number: its last group, span
/// and E.164 form.
fn window_from(
    ctx: &Ctx<'_>,
    s: usize,
    run_start: usize,
    groups: &[Group],
    plus_at: Option<usize>,
    taken: &[(usize, usize)],
    fallback: bool,
) -> Option<(usize, usize, usize, String)> {
    let text = ctx.text;
    let plus = s == 0 && plus_at.is_some();
    for e in (s..groups.len()).rev() {
        let mut digits = String::new();
        for (k, g) in groups[s..=e].iter().enumerate() {
            if g.paren_zero && (plus || digits.starts_with("00")) && k > 0 {
                continue;
            }
            digits.push_str(&g.digits);
        }
        if digits.len() > MAX_DIGITS {
            continue;
        }
        if digits.len() < 8 {
            break;
        }
        let international = plus || digits.starts_with("00");
        if fallback && international {
            continue;
        }
        let mut start = if plus {
            plus_at.unwrap_or(run_start)
        } else {
            groups[s].start
        };
        if !plus && char_before(text, start) == Some('(') {
            start -= 1;
        }
        let end = groups[e].end;
        if taken.iter().any(|t| start < t.1 && t.0 < end) {
            continue;
        }
        if !plausible(text, start, end, &groups[s..=e]) {
            continue;
        }
        let e164 = if fallback {
            national_fallback(&digits, ctx.region)
        } else {
            validate(&digits, plus, ctx.region)
        };
        if let Some(e164) = e164 {
            return Some((e, start, end, e164));
        }
    }
    None
}

/// Rejects windows that read as something else: a date, a price, an id after `Nr.`.
fn plausible(text: &str, start: usize, end: usize, groups: &[Group]) -> bool {
    // Glued to a following letter or digit: part of a word or a longer code.
    if let Some(c) = char_at(text, end) {
        if c.is_alphanumeric() {
            return false;
        }
    }
    // A date: 12.05.2023, 01/02/2019, 2019-05-12.
    if groups.len() == 3 {
        let lens: Vec<usize> = groups.iter().map(|g| g.digits.len()).collect();
        let date = matches!(lens.as_slice(), [1 | 2, 1 | 2, 2 | 4] | [4, 1 | 2, 1 | 2]);
        if date {
            let seps: Vec<&str> = groups
                .windows(2)
                .map(|w| text[w[0].end..w[1].start].trim())
                .collect();
            if seps.iter().all(|s| matches!(*s, "." | "/" | "-")) {
                return false;
            }
        }
    }
    // A price or an amount: followed by a currency.
    let after = text[end..].trim_start();
    let after_lower: String = after.chars().take(5).collect::<String>().to_lowercase();
    if ["€", "eur", "£", "$", "chf", "gbp", "usd", ",-", ",00"]
        .iter()
        .any(|c| after_lower.starts_with(c))
    {
        return false;
    }
    // Preceded by a word that makes it an id, with no phone word near.
    let mut from = start.saturating_sub(32);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let before = text[from..start].to_lowercase();
    if PHONE_WORDS.iter().any(|w| before.contains(w)) {
        return true;
    }
    let last_word: String = before
        .trim_end_matches(|c: char| !c.is_alphanumeric() && c != '°' && c != 'º')
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '°' || c == 'º'))
        .next()
        .unwrap_or("")
        .to_string();
    !NOT_PHONE.contains(&last_word.as_str())
}

/// Reads the digits of a window as an international number, or a national number of
/// `region`, and returns it in E.164 if valid.
fn validate(digits: &str, plus: bool, region: Option<Id>) -> Option<String> {
    if plus || digits.starts_with("00") {
        let national = if plus { digits } else { &digits[2..] };
        if !(8..=15).contains(&national.len()) || national.starts_with('0') {
            return None;
        }
        return parse_valid(None, &format!("+{national}"), false);
    }
    if !(8..=13).contains(&digits.len()) {
        return None;
    }
    national(region?, digits, false)
}

/// Reads the digits of a window as a national mobile number of the one fallback country
/// (other than `region`) where it is valid.
fn national_fallback(digits: &str, region: Option<Id>) -> Option<String> {
    if !(8..=13).contains(&digits.len()) {
        return None;
    }
    let mut found = None;
    for r in FALLBACK {
        if Some(r) == region {
            continue;
        }
        if let Some(e164) = national(r, digits, true) {
            if found.is_some() {
                return None;
            }
            found = Some(e164);
        }
    }
    found
}

/// Reads `digits` as a national number of region `r`: it must start with the national
/// (trunk) prefix where the country has one. With `mobile`, only a mobile number is taken.
fn national(r: Id, digits: &str, mobile: bool) -> Option<String> {
    let meta = phonenumber::metadata::DATABASE.by_id(r.as_ref())?;
    let nsn = match meta.national_prefix() {
        Some(p) if !digits.starts_with(p) => return None,
        Some(p) => &digits[p.len()..],
        None if digits.len() < 9 => return None,
        None => digits,
    };
    // A quick check of length and leading digits before the full parse, where the national
    // number is the digits after the prefix.
    if meta.national_prefix_for_parsing().is_none() && !meta.descriptors().general().is_match(nsn) {
        return None;
    }
    parse_valid(Some(r), digits, mobile)
}

/// Parses `number`, read in `region`, and returns it in E.164 if valid (and, with `mobile`, a
/// mobile number).
fn parse_valid(region: Option<Id>, number: &str, mobile: bool) -> Option<String> {
    let parsed = phonenumber::parse(region, number).ok()?;
    if !phonenumber::is_valid(&parsed) {
        return None;
    }
    if mobile
        && !matches!(
            parsed.number_type(&phonenumber::metadata::DATABASE),
            Type::Mobile | Type::FixedLineOrMobile
        )
    {
        return None;
    }
    Some(parsed.format().mode(Mode::E164).to_string())
}
