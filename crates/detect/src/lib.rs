//! Detection: from the text of an ad to listed species, category (live / part / look-alike),
//! specimen count, price in euros, intent, documentation claims and a risk score with reasons.
//!
//! The [`Detector`] is built once (reference data + lexicon compiled into one trie of names) and
//! then shared by all threads; [`Detector::scan`] is pure and allocation-light.
#![deny(missing_docs)]

mod collect;
mod decide;
pub mod eval;
mod evidence;
pub mod extract;
mod input;
pub mod kind;
pub mod lexicon;
pub mod matcher;
pub mod stream;
pub mod training;
mod trie;

use serde::{Deserialize, Serialize};
use wildwatch_refdata::{RefData, TaxonId};
use wildwatch_text::{identify_hinted, normalize, platform_lang, Lang};

pub use decide::learned::{LOWER_BELOW, RAISE_ABOVE};
pub use decide::{Category, Intent, Risk, Venue};
use evidence::Evidence;
pub use extract::Rates;
use input::AnalysedText;
pub use input::DEFAULT_MAX_TEXT_BYTES;
pub use kind::ItemKind;
pub use lexicon::{Lexicon, List};
use matcher::{Matcher, Meaning};
pub use wildwatch_vocab::{ReviewStatus, VocabError};

/// Errors a user can cause when configuring detection.
#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    /// A configuration or lexicon file is invalid.
    #[error("{0}")]
    Config(String),
    /// Reference data could not be loaded.
    #[error(transparent)]
    RefData(#[from] wildwatch_refdata::RefDataError),
}

/// One ad as `scan` reads it. Unknown fields are ignored.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AdInput {
    /// Identifier (required).
    pub id: String,
    /// Title.
    #[serde(default)]
    pub title: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// The price as written.
    #[serde(default)]
    pub price_text: Option<String>,
    /// Language, if known.
    #[serde(default)]
    pub lang: Option<String>,
    /// URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Platform.
    #[serde(default)]
    pub platform: Option<String>,
    /// Seller.
    #[serde(default)]
    pub seller: Option<serde_json::Value>,
}

/// A listed (or known unlisted) taxon found in an ad.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SpeciesHit {
    /// Accepted scientific name.
    pub scientific_name: String,
    /// CITES appendix.
    pub cites: Option<&'static str>,
    /// EU annex.
    pub eu_annex: Option<&'static str>,
    /// The words of the ad that named it.
    pub matched_text: String,
}

/// A reason a person can check against the ad.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reason {
    /// Stable code, e.g. `SPECIES`, `CODE_WORD`, `NO_PAPERS`.
    pub code: &'static str,
    /// Explanation quoting the ad's words.
    pub text: String,
    /// The lexicon list (or reference file) that fired, when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    /// Byte range of the words in `title + "\n" + description`, when they come from there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<[usize; 2]>,
}

/// The scan result for one ad.
#[derive(Debug, Clone, Serialize)]
pub struct Detection {
    /// The ad's id.
    pub id: String,
    /// Offers (or seeks) a listed taxon or a part of one.
    pub relevant: bool,
    /// `live`, `part`, `lookalike` or `none`.
    pub category: Category,
    /// Taxa found.
    pub species: Vec<SpeciesHit>,
    /// Number of specimens (relevant ads only).
    pub specimens: Option<u32>,
    /// Price in euros.
    pub price_eur: Option<f64>,
    /// Documentation claimed.
    pub documents: Vec<&'static str>,
    /// `offer`, `wanted`, `swap` or `discussion`.
    pub intent: Intent,
    /// What the ad offers: a specimen, or a stamp, coin, book, print, figurine, replica, fossil,
    /// imitation, vehicle or tool part, brand product, or something else.
    pub item_kind: ItemKind,
    /// Language.
    pub lang: &'static str,
    /// 0–100.
    pub risk_score: u8,
    /// `high`, `medium`, `low` or `none`.
    pub risk: Risk,
    /// The learned model's probability that the ad is relevant (three decimals), when a model
    /// is loaded: the review queue orders by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_p: Option<f64>,
    /// Why.
    pub reasons: Vec<Reason>,
    /// The rules' findings as the learned model's evidence tokens (`kind=stamp`, `listed`): filled
    /// when a model is loaded or [`Detector::keep_model_evidence`] is set; never serialised.
    #[serde(skip)]
    pub model_evidence: Vec<String>,
}

/// The compiled detector.
pub struct Detector {
    /// Reference data.
    pub refdata: RefData,
    /// Word lists.
    pub lexicon: Lexicon,
    /// Exchange rates.
    pub rates: Rates,
    matcher: Matcher,
    /// The lexicon rows by `List as usize`, and the taxon each row implies (looked up once here
    /// rather than per hit).
    terms: Vec<Vec<lexicon::Entry>>,
    implied: Vec<Vec<Option<TaxonId>>>,
    /// By `List as usize` and row: the term counts only in an ad of its own language.
    own_language_only: Vec<Vec<bool>>,
    /// Bytes of title + description analysed per ad; the rest is cut and the cut reported
    /// (default [`DEFAULT_MAX_TEXT_BYTES`]).
    pub max_text_bytes: usize,
    /// The learned relevance model, when one is loaded ([`Detector::with_model`]).
    model: Option<std::sync::Arc<wildwatch_model::Model>>,
    /// Fill [`Detection::model_evidence`] even without a model (to train one).
    keep_model_evidence: bool,
}

/// Document codes in output order.
pub const DOCUMENT_CODES: [&str; 8] = [
    "cites_certificate",
    "article10",
    "ring",
    "microchip",
    "captive_bred",
    "no_papers",
    "antique",
    "dna_sexed",
];

/// True when the hit is the first part of a compound: the word goes on after it, with no space
/// or hyphen between.
fn is_modifier(n: &wildwatch_text::Normalized, h: &matcher::Hit) -> bool {
    n.text.as_bytes().get(h.end).is_some_and(|&b| b != b' ')
        && n.flag_at(h.end) & wildwatch_text::JOIN == 0
}

/// The labelled corpora and the open part of the market corpus (never its sealed part), for tests
/// that run every labelled ad.
#[cfg(test)]
pub(crate) fn test_corpus_files() -> Vec<std::path::PathBuf> {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/eval");
    let market = format!("{corpus}/market");
    [corpus, market.as_str()]
        .into_iter()
        .flat_map(|dir| std::fs::read_dir(dir).unwrap())
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect()
}

/// Linking elements between the parts of a German or Dutch compound.
const LINKERS: &[&str] = &["", "s", "n", "en", "es", "e", "er", "ns", "ens"];

/// The lengths of the linking elements that `rest` (the word after a compound's first part,
/// which ends with `last`) starts with: [`LINKERS`], and the Dutch plural's doubled consonant +
/// `en` (krokodil|len|tanden, olifant|en|slagtand).
fn linker_lens(last: Option<u8>, rest: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let doubled = last
        .filter(|b| b.is_ascii_lowercase() && !b"aeiou".contains(b))
        .filter(|&b| rest.len() > 3 && rest[0] == b && &rest[1..3] == b"en")
        .map(|_| 3);
    LINKERS
        .iter()
        .filter(move |l| rest.starts_with(l.as_bytes()))
        .map(|l| l.len())
        .chain(doubled)
}

/// Where a compound's head may start after a first part ending at a position: the start of
/// every lexicon hit inside a word, less a linking element before it (Elefant|en|stoßzahn,
/// Schildkröte|n|panzer, Rind|s|leder).
fn compound_heads(n: &wildwatch_text::Normalized, hits: &[matcher::Hit]) -> Vec<usize> {
    let text = n.text.as_bytes();
    let mut out = Vec::new();
    for h in hits {
        for l in LINKERS {
            let Some(at) = h.start.checked_sub(l.len()) else {
                continue;
            };
            if text.get(at..h.start) == Some(l.as_bytes()) {
                out.push(at);
            }
        }
        // Dutch plural linker: krokodil|len|tanden.
        if let Some(at) = h.start.checked_sub(3).filter(|&at| at > 0) {
            if linker_lens(Some(text[at - 1]), &text[at..]).any(|l| l == 3 && at + 3 == h.start) {
                out.push(at);
            }
        }
    }
    out
}

pub(crate) fn static_doc(s: &str) -> Option<&'static str> {
    DOCUMENT_CODES.iter().copied().find(|d| *d == s)
}

impl Detector {
    /// Builds a detector from reference data, a lexicon and rates.
    pub fn new(refdata: RefData, lexicon: Lexicon, rates: Rates) -> Result<Detector, DetectError> {
        let matcher = Matcher::build(&refdata, &lexicon)?;
        let mut terms = vec![Vec::new(); List::ALL.len()];
        let mut implied = vec![Vec::new(); List::ALL.len()];
        let mut own_language_only = vec![Vec::new(); List::ALL.len()];
        let false_friends: rustc_hash::FxHashSet<(String, String)> = lexicon
            .entries(List::FalseFriends)
            .iter()
            .map(|e| (normalize(&e.term).text, e.lang.clone()))
            .collect();
        for list in List::ALL {
            let entries = lexicon.entries(list);
            own_language_only[list as usize] = entries
                .iter()
                .map(|e| {
                    // Discussion and sale words count in any language, like parts do; buyer's,
                    // swap and offer phrases, counts and code words only in their own.
                    let bound = list.language_bound()
                        && !(list == List::Intent
                            && matches!(e.value.as_str(), "discussion" | "sale" | "sale_weak"));
                    bound || false_friends.contains(&(normalize(&e.term).text, e.lang.clone()))
                })
                .collect();
            implied[list as usize] = entries
                .iter()
                .map(|e| {
                    (!e.implies.is_empty())
                        .then(|| refdata.lookup(&e.implies).first().copied())
                        .flatten()
                })
                .collect();
            terms[list as usize] = entries.to_vec();
        }
        Ok(Detector {
            refdata,
            lexicon,
            rates,
            matcher,
            terms,
            implied,
            own_language_only,
            max_text_bytes: DEFAULT_MAX_TEXT_BYTES,
            model: None,
            keep_model_evidence: false,
        })
    }

    /// The shipped reference data, lexicon and rates.
    pub fn shipped() -> Result<Detector, DetectError> {
        Detector::new(RefData::shipped()?, Lexicon::shipped(), Rates::shipped())
    }

    /// Uses a learned relevance model next to the rules (see [`decide::learned`]).
    pub fn with_model(mut self, model: wildwatch_model::Model) -> Detector {
        self.model = Some(std::sync::Arc::new(model));
        self
    }

    /// The rules alone.
    pub fn without_model(mut self) -> Detector {
        self.model = None;
        self
    }

    /// The loaded model, if any.
    pub fn model(&self) -> Option<&wildwatch_model::Model> {
        self.model.as_deref()
    }

    /// Fills [`Detection::model_evidence`] on every scan, with or without a model (to train one).
    pub fn keep_model_evidence(mut self, keep: bool) -> Detector {
        self.keep_model_evidence = keep;
        self
    }

    /// True when scans fill [`Detection::model_evidence`].
    pub fn keeps_model_evidence(&self) -> bool {
        self.keep_model_evidence || self.model.is_some()
    }

    /// Number of patterns (keys) in the matcher.
    pub fn pattern_count(&self) -> usize {
        self.matcher.len()
    }

    /// The rest of the word after a compound's first part when it is, after a linking element,
    /// a term of ours too short to be matched inside words (Tiger|fell, tijger|vel,
    /// Papegaaien|kooi): its pattern and normalised range.
    fn head_term(
        &self,
        n: &wildwatch_text::Normalized,
        h: &matcher::Hit,
    ) -> Option<(u32, usize, usize)> {
        let text = n.text.as_bytes();
        let word_end = text[h.end..]
            .iter()
            .position(|&b| b == b' ')
            .map_or(text.len(), |i| h.end + i);
        let rest = &text[h.end..word_end];
        let last = h.end.checked_sub(1).map(|i| text[i]);
        linker_lens(last, rest).find_map(|l| {
            if rest.len() <= l {
                return None;
            }
            let start = h.end + l;
            self.matcher
                .term_key(&text[start..word_end])
                .map(|p| (p, start, word_end))
        })
    }

    /// Records the lexicon meanings of a compound's head found by [`Detector::head_term`].
    fn record_head(
        &self,
        ev: &mut Evidence,
        n: &wildwatch_text::Normalized,
        text: &str,
        head: (u32, usize, usize),
        title_end: usize,
        lang: Lang,
    ) {
        let (pattern, start, end) = head;
        let (a, b) = n.original_range(start, end);
        let words = &text[a..b];
        for m in &self.matcher.patterns[pattern as usize].meanings {
            let Meaning::Term { list, row } = *m else {
                continue;
            };
            if !self.term_counts(list, row, lang) {
                continue;
            }
            let e = &self.terms[list as usize][row as usize];
            let implied = self.implied[list as usize][row as usize];
            ev.record(list, e, implied, words, [a, b], a < title_end, false);
        }
    }

    /// Scans one ad.
    pub fn scan(&self, ad: &AdInput) -> Detection {
        let input = AnalysedText::of(ad, self.max_text_bytes);
        let n = normalize(&input.text);
        let lang = match ad.lang.as_deref() {
            Some(l) if !l.trim().is_empty() => Lang::parse(l),
            _ => identify_hinted(&n.text, &input.text, platform_lang(ad.platform.as_deref())),
        };
        let ev = self.evidence(&n, &input, lang);
        let mut d = decide::decide(self, ad, &input.text, &n.text, input.title_end, lang, ev);
        d.reasons.extend(input.reasons());
        d
    }
}
