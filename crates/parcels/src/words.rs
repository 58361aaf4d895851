//! Folding text for matching, and the parcel word list.

use anyhow::{bail, Result};

use crate::PARCEL_TERMS;

/// Lowercase, accents folded, punctuation to spaces.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        let r = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
            'ç' => "c",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
            'ù' | 'ú' | 'û' | 'ü' => "u",
            'ý' | 'ÿ' => "y",
            'ß' => "ss",
            'œ' => "oe",
            'æ' => "ae",
            c if c.is_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => " ",
        };
        out.push_str(r);
    }
    out
}

pub(crate) fn words(s: &str) -> String {
    let f = fold(s);
    let mut out = String::with_capacity(f.len() + 2);
    out.push(' ');
    for w in f.split_whitespace() {
        out.push_str(w);
        out.push(' ');
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TermKind {
    Live,
    Euphemism,
    Animal,
    Material,
    Object,
    Craft,
    Part,
}

#[derive(Debug, Clone)]
pub(crate) struct Term {
    pub(crate) padded: String,
    pub(crate) written: String,
    pub(crate) kind: TermKind,
    pub(crate) min_kg: Option<f64>,
}

/// The parcel word list.
#[derive(Debug, Clone)]
pub struct Terms(pub(crate) Vec<Term>);

impl Terms {
    /// Parses `term,lang,kind,min_kg,note` lines (`#` comments).
    pub fn parse(text: &str) -> Result<Terms> {
        let mut out = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with("term,") {
                continue;
            }
            let cols: Vec<&str> = line.split(',').collect();
            if cols.len() < 3 {
                bail!("parcel terms line {}: {line:?}", n + 1);
            }
            let kind = match cols[2] {
                "live" => TermKind::Live,
                "euphemism" => TermKind::Euphemism,
                "animal" => TermKind::Animal,
                "material" => TermKind::Material,
                "object" => TermKind::Object,
                "craft" => TermKind::Craft,
                "part" => TermKind::Part,
                k => bail!("parcel terms line {}: unknown kind {k:?}", n + 1),
            };
            out.push(Term {
                padded: words(cols[0]),
                written: cols[0].to_string(),
                kind,
                min_kg: cols.get(3).and_then(|x| x.parse().ok()),
            });
        }
        Ok(Terms(out))
    }

    /// The shipped list.
    pub fn shipped() -> Terms {
        Terms::parse(PARCEL_TERMS).expect("shipped parcel terms")
    }
}
