//! Country and region names (EN/FR/DE/NL, with demonyms) and the words for farmed and captive-bred
//! stock, from `data/refdata/origin_places.csv`, and a whole-word matcher that finds them in text.
//!
//! The table is shipped inside the binary: ISO 3166 codes and names are public facts and do not change
//! with a checklist export, so a `--refdata` directory does not replace it.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use crate::fold;
use crate::load::Table;

/// The shipped table.
pub(crate) const ORIGIN_PLACES: &[u8] = include_bytes!("../../../data/refdata/origin_places.csv");

/// Endings an `inflected` entry may take: plural and adjective endings of EN/FR/DE/NL
/// (`African`+`s`, `africain`+`e`, `européen`+`ne`, `südafrikanisch`+`en`, `Afrikaans`+`e`).
const ENDINGS: &[&str] = &["e", "s", "es", "n", "ne", "nes", "er", "en", "em"];

/// What a row of the table names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PlaceKind {
    /// A country (ISO 3166-1 alpha-2 code).
    Country,
    /// A region: a set of countries.
    Region,
    /// Farmed or captive-bred stock (`key` is `farmed` or `captive_bred`).
    Husbandry,
}

/// How a name must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MatchMode {
    /// Whole words, ignoring case and accents.
    Plain,
    /// As `Plain`, and the last word may carry one of [`ENDINGS`].
    Inflected,
    /// As `Plain`, and the letter case as written: an all-capitals name (`CB`) only in capitals, a
    /// capitalised one (`Turkey`) only with its capital (so that "turkey feathers" is no origin).
    Case,
}

/// One name of a country, region or kind of stock.
#[derive(Debug, Clone)]
pub(crate) struct Place {
    /// ISO code, region key or husbandry key.
    pub key: String,
    /// What it names.
    pub kind: PlaceKind,
    /// The ISO codes it stands for (the code itself for a country).
    pub members: Vec<String>,
    /// The name as written in the table.
    pub name: String,
}

/// A word of a text: its folded form and where it is.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    /// Lower case, accents removed (see [`fold`]).
    pub folded: String,
    /// Byte range in the text.
    pub span: Range<usize>,
}

/// Splits a text into words (runs of letters and digits); hyphens, apostrophes and spaces separate.
pub(crate) fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(Token {
                    folded: fold(&text[s..i]),
                    span: s..i,
                });
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// A phrase to find: its words and how they must match.
#[derive(Debug, Clone)]
struct Pattern {
    words: Vec<String>,
    text: String,
    mode: MatchMode,
}

/// Finds phrases as whole words, the longest first, without overlaps.
#[derive(Debug, Clone, Default)]
pub(crate) struct Matcher {
    patterns: Vec<Pattern>,
    by_first: HashMap<String, Vec<usize>>,
}

/// A phrase found in a text: which pattern (in the order added) and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit {
    /// Index of the pattern, in the order of [`Matcher::add`].
    pub pattern: usize,
    /// Byte range in the text.
    pub span: Range<usize>,
}

impl Matcher {
    /// Adds a phrase; returns its index. Phrases without any word are ignored (index still counts).
    pub fn add(&mut self, text: &str, mode: MatchMode) -> usize {
        let words: Vec<String> = tokens(text).into_iter().map(|t| t.folded).collect();
        let id = self.patterns.len();
        if let Some(first) = words.first() {
            self.by_first.entry(first.clone()).or_default().push(id);
        }
        self.patterns.push(Pattern {
            words,
            text: text.to_string(),
            mode,
        });
        id
    }

    /// Every phrase in `text`, left to right; where two overlap, the one with more words wins.
    pub fn find(&self, text: &str) -> Vec<Hit> {
        let toks = tokens(text);
        let mut out = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            match self.longest_at(text, &toks, i) {
                Some((pattern, len)) => {
                    out.push(Hit {
                        pattern,
                        span: toks[i].span.start..toks[i + len - 1].span.end,
                    });
                    i += len;
                }
                None => i += 1,
            }
        }
        out
    }

    fn longest_at(&self, text: &str, toks: &[Token], i: usize) -> Option<(usize, usize)> {
        let first = &toks[i].folded;
        let mut keys = vec![first.as_str()];
        for e in ENDINGS {
            if let Some(stem) = first.strip_suffix(e).filter(|s| !s.is_empty()) {
                keys.push(stem);
            }
        }
        keys.iter()
            .filter_map(|k| self.by_first.get(*k))
            .flatten()
            .filter(|&&p| self.matches_at(text, toks, i, &self.patterns[p]))
            .map(|&p| (p, self.patterns[p].words.len()))
            .max_by_key(|&(p, len)| (len, std::cmp::Reverse(p)))
    }

    fn matches_at(&self, text: &str, toks: &[Token], i: usize, p: &Pattern) -> bool {
        let n = p.words.len();
        if i + n > toks.len() {
            return false;
        }
        let words_match = p.words.iter().enumerate().all(|(k, w)| {
            let t = &toks[i + k].folded;
            t == w
                || (p.mode == MatchMode::Inflected
                    && k + 1 == n
                    && ENDINGS
                        .iter()
                        .any(|e| t.strip_suffix(e) == Some(w.as_str())))
        });
        words_match
            && (p.mode != MatchMode::Case
                || case_matches(&p.text, &text[toks[i].span.start..toks[i + n - 1].span.end]))
    }
}

/// True when `found` has the letter case that `written` requires (see [`MatchMode::Case`]).
fn case_matches(written: &str, found: &str) -> bool {
    let letters = |s: &str| s.chars().filter(|c| c.is_alphabetic()).collect::<Vec<_>>();
    let (w, f) = (letters(written), letters(found));
    if w.iter().all(|c| c.is_uppercase()) {
        f.iter().all(|c| c.is_uppercase())
    } else {
        f.first().is_some_and(|c| c.is_uppercase())
    }
}

/// The table of places with a matcher over all their names.
#[derive(Debug)]
pub(crate) struct Places {
    /// One entry per name, in the order of the file.
    pub entries: Vec<Place>,
    matcher: Matcher,
    country_names: HashMap<String, String>,
}

impl Places {
    /// Parses the table (`key,kind,members,lang,name,match,source,verified`).
    pub fn parse(bytes: &[u8]) -> Result<Places, crate::RefDataError> {
        let t = Table::parse(
            "origin_places.csv",
            bytes,
            &["key", "kind", "members", "name", "match"],
        )?;
        let mut places = Places {
            entries: Vec::new(),
            matcher: Matcher::default(),
            country_names: HashMap::new(),
        };
        for (line, rec) in &t.rows {
            let bad = |column: &str, message: String| crate::RefDataError::Malformed {
                file: t.name.clone(),
                line: *line,
                column: t.col(column).map(|c| c + 1).unwrap_or(0),
                message,
            };
            let kind = match t.get(rec, "kind") {
                "country" => PlaceKind::Country,
                "region" => PlaceKind::Region,
                "husbandry" => PlaceKind::Husbandry,
                other => return Err(bad("kind", format!("unknown kind `{other}`"))),
            };
            let mode = match t.get(rec, "match") {
                "plain" => MatchMode::Plain,
                "inflected" => MatchMode::Inflected,
                "case" => MatchMode::Case,
                other => return Err(bad("match", format!("unknown match `{other}`"))),
            };
            let key = t.get(rec, "key").to_string();
            let name = t.get(rec, "name").to_string();
            if kind == PlaceKind::Country {
                places
                    .country_names
                    .entry(key.clone())
                    .or_insert_with(|| name.clone());
            }
            places.matcher.add(&name, mode);
            places.entries.push(Place {
                key,
                kind,
                members: t
                    .get(rec, "members")
                    .split_whitespace()
                    .map(str::to_string)
                    .collect(),
                name,
            });
        }
        Ok(places)
    }

    /// Every place or stock word named in `text` (see [`Matcher::find`]).
    pub fn find<'a>(&'a self, text: &str) -> Vec<(&'a Place, Range<usize>)> {
        self.matcher
            .find(text)
            .into_iter()
            .map(|h| (&self.entries[h.pattern], h.span))
            .collect()
    }

    /// True for an ISO 3166-1 alpha-2 code of the table (and `CS`, which the 2017 data uses).
    pub fn is_country(&self, code: &str) -> bool {
        self.country_names.contains_key(code) || code == "CS"
    }

    /// The English name of a country (the first of the table), or the code itself.
    pub fn country_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.country_names
            .get(code)
            .map(String::as_str)
            .unwrap_or(code)
    }

    /// The first name of a country or region key in the table, or the key itself.
    pub fn display_name<'a>(&'a self, key: &'a str) -> &'a str {
        self.entries
            .iter()
            .find(|e| e.key == key)
            .map(|e| e.name.as_str())
            .unwrap_or(key)
    }
}

/// The shipped table, parsed once.
pub(crate) fn places() -> &'static Places {
    static PLACES: OnceLock<Places> = OnceLock::new();
    PLACES.get_or_init(|| {
        Places::parse(ORIGIN_PLACES).expect("the shipped origin_places.csv is well-formed")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<String> {
        places()
            .find(text)
            .into_iter()
            .map(|(p, _)| p.key.clone())
            .collect()
    }

    #[test]
    fn shipped_table_parses_and_names_every_country() {
        let p = places();
        assert!(p.entries.len() > 1500);
        assert!(p.is_country("ZA") && p.is_country("DE") && !p.is_country("XX"));
        assert_eq!(p.country_name("ZA"), "South Africa");
    }

    #[test]
    fn names_and_demonyms_in_four_languages_match_whole_words() {
        for text in [
            "ostrich leather from South Africa",
            "Straußenleder aus Südafrika",
            "cuir d'autruche d'Afrique du Sud",
            "struisvogelleer uit Zuid-Afrika",
            "südafrikanische Ware",
            "een Zuid-Afrikaanse tas",
            "sud-africaine",
        ] {
            assert_eq!(keys(text), ["ZA"], "{text}");
        }
        assert_eq!(keys("European red deer"), ["europe"]);
        assert_eq!(
            keys("europäischer Rothirsch; cerf européenne"),
            ["europe", "europe"]
        );
        // Longest match: the country, not the region inside it.
        assert_eq!(
            keys("West African and African"),
            ["western_africa", "africa"]
        );
        // Whole words only, and case where the name is also an ordinary word.
        assert!(keys("Africanised bees; a turkey feather; shark fins").is_empty());
        assert_eq!(keys("Made in Turkey"), ["TR"]);
    }

    #[test]
    fn stock_words_match_with_their_case() {
        assert_eq!(
            keys("NZ 2024, eigene Nachzucht"),
            ["captive_bred", "captive_bred"]
        );
        assert!(keys("nz").is_empty());
        assert_eq!(keys("ostrich farm"), ["farmed"]);
    }
}
