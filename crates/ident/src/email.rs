//! E-mail addresses, plain or obfuscated (`name (at) mail dot com`, `name[at]gmx[dot]de`).

use crate::{char_before, known_tld, prio, Ctx, Kind};
use regex::Regex;
use std::sync::LazyLock;

/// The written forms of `@`.
const AT: &str = r"(?:\s*(?:\(\s*(?:at|@|a|arobase|chez|ät|ad)\s*\)|\[\s*(?:at|@|a|arobase|chez|ät|ad)\s*\]|\{\s*(?:at|@|a)\s*\}|<\s*(?:at|@)\s*>|@)\s*|\s+(?:at|arobase|chez|ät|apenstaartje|klammeraffe)\s+)";

/// The written forms of the `.` in a domain.
const DOT: &str = r"(?:\s*(?:\.|\(\s*(?:dot|punkt|point|punt|\.)\s*\)|\[\s*(?:dot|punkt|point|punt|\.)\s*\]|\{\s*(?:dot|punkt|point|punt)\s*\}|<\s*(?:dot|punkt|point|punt)\s*>)\s*|\s+(?:dot|punkt|point|punt)\s+)";

const LABEL: &str = r"[a-z0-9](?:[a-z0-9\-]{0,62}[a-z0-9])?";

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?P<local>[a-z0-9][a-z0-9._%+\-]{{0,63}})(?P<at>{AT})(?P<domain>{LABEL}(?:{DOT}{LABEL}){{1,5}})"
    ))
    .expect("email regex")
});

static DOT_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("(?i){DOT}")).expect("dot regex"));

static PLAIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[a-z0-9][a-z0-9._%+\-]*@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,24}$")
        .expect("plain email regex")
});

/// Words that are not the local part of an address written with a bare `at` ("write me at…").
const NOT_LOCAL: &[&str] = &[
    "me",
    "moi",
    "us",
    "nous",
    "mich",
    "mir",
    "uns",
    "mij",
    "ons",
    "him",
    "her",
    "them",
    "you",
    "vous",
    "dich",
    "dir",
    "jou",
    "je",
    "it",
    "that",
    "this",
    "is",
    "are",
    "home",
    "look",
    "be",
    "available",
    "dispo",
    "disponible",
    "prix",
    "price",
    "preis",
    "prijs",
    "only",
    "seulement",
];

/// Reads an e-mail address written plainly or obfuscated and returns the plain lowercase
/// address.
///
/// ```
/// use wildwatch_ident::normalize_email;
/// assert_eq!(normalize_email("Jan.Peeters [at] telenet [dot] be").as_deref(), Some("jan.peeters@telenet.be"));
/// assert_eq!(normalize_email("not an address"), None);
/// ```
pub fn normalize_email(written: &str) -> Option<String> {
    let written = written.trim();
    let m = EMAIL.captures(written)?;
    let whole = m.get(0)?;
    if whole.start() != 0 {
        return None;
    }
    let (value, len) = read(&m)?;
    (len == written.len()).then_some(value)
}

/// Finds e-mail addresses and adds them as candidates.
pub(crate) fn find(ctx: &mut Ctx<'_>) {
    let text = ctx.text;
    if !text.contains(['@', '(', '[', '{', '<']) && !has_word_at(text) {
        return;
    }
    let mut at = 0;
    while at < text.len() {
        let Some(m) = EMAIL.captures_at(text, at) else {
            break;
        };
        let whole = m.get(0).expect("match");
        let start = whole.start();
        // The local part starts a word.
        if char_before(text, start).is_some_and(|c| c.is_alphanumeric() || "._%+-@".contains(c)) {
            at = whole.end();
            continue;
        }
        match read(&m) {
            Some((value, len)) => {
                let g = ctx.group();
                ctx.push(Kind::Email, value, (start, start + len), g, prio::EMAIL);
                at = start + len;
            }
            None => at = m.get(1).expect("local").end().max(start + 1),
        }
        while !text.is_char_boundary(at) {
            at += 1;
        }
    }
}

/// Whether the text has a word that can stand for `@`.
fn has_word_at(text: &str) -> bool {
    let lower = text.to_lowercase();
    [
        " at ",
        " arobase ",
        " chez ",
        " ät ",
        " apenstaartje ",
        " klammeraffe ",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// Reads a match: the plain address and the length of the words it came from (the match may
/// be cut back to the last part that ends a plausible domain).
fn read(m: &regex::Captures<'_>) -> Option<(String, usize)> {
    let whole = m.get(0)?;
    let local = m.name("local")?.as_str();
    let at = m.name("at")?.as_str();
    let domain = m.name("domain")?;
    let bare_at = !at.contains(['@', '(', '[', '{', '<']);
    if bare_at && NOT_LOCAL.contains(&local.to_lowercase().as_str()) {
        return None;
    }
    let local = local.trim_end_matches('.');
    if local.is_empty() || local.contains("..") {
        return None;
    }
    // Split the domain at its dots, then keep the longest prefix that ends with a good TLD.
    let d = domain.as_str();
    let mut parts: Vec<(usize, usize)> = Vec::new(); // label spans within d
    let mut dots: Vec<&str> = Vec::new();
    let mut last = 0;
    for dm in DOT_RE.find_iter(d) {
        parts.push((last, dm.start()));
        dots.push(dm.as_str());
        last = dm.end();
    }
    parts.push((last, d.len()));
    let plain_at = at == "@";
    for k in (1..parts.len()).rev() {
        let tld = &d[parts[k].0..parts[k].1];
        if tld.len() < 2 || tld.len() > 24 || !tld.chars().all(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        let plain = plain_at && dots[..k].iter().all(|s| *s == ".");
        if !plain && !known_tld(tld) {
            continue;
        }
        let labels: Vec<&str> = parts[..=k].iter().map(|&(a, b)| &d[a..b]).collect();
        let value = format!("{}@{}", local, labels.join(".")).to_lowercase();
        if !PLAIN.is_match(&value) {
            return None;
        }
        let len = domain.start() - whole.start() + parts[k].1;
        return Some((value, len));
    }
    None
}
