//! Hashed sparse features of an ad: words, word pairs, character n-grams and evidence tokens.

use crate::{fnv1a, ModelError, MAX_BUCKETS_LOG2};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// Only this many words of an ad are featurised, to bound the cost of pasted catalogues.
const MAX_WORDS: usize = 5000;

/// The longest character n-gram allowed.
const MAX_NGRAM: u8 = 8;

/// Words shorter than this (in characters) get no character n-grams.
const MIN_NGRAM_WORD: usize = 4;

/// Which features to extract, and how many buckets to hash them into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureSet {
    /// The number of buckets is `2^buckets_log2` (default 18; at most 24).
    pub buckets_log2: u8,
    /// Whether adjacent word pairs (`p:ivory carving`) are features (default true).
    pub word_pairs: bool,
    /// Smallest and largest character n-gram length within words (default `(3, 5)`; `(0, 0)`
    /// turns them off).
    pub char_ngrams: (u8, u8),
}

impl Default for FeatureSet {
    fn default() -> Self {
        FeatureSet {
            buckets_log2: 18,
            word_pairs: true,
            char_ngrams: (3, 5),
        }
    }
}

impl FeatureSet {
    /// The number of buckets, `2^buckets_log2`.
    pub fn buckets(&self) -> usize {
        1usize << self.buckets_log2.min(MAX_BUCKETS_LOG2)
    }

    /// Checks that the settings can be used: 1..=24 bucket bits and a sensible n-gram range.
    pub fn check(&self) -> Result<(), ModelError> {
        if self.buckets_log2 == 0 || self.buckets_log2 > MAX_BUCKETS_LOG2 {
            return Err(ModelError::Invalid {
                what: format!(
                    "buckets_log2 is {}, must be 1..={MAX_BUCKETS_LOG2}",
                    self.buckets_log2
                ),
            });
        }
        let (lo, hi) = self.char_ngrams;
        if (lo, hi) != (0, 0) && (lo == 0 || lo > hi || hi > MAX_NGRAM) {
            return Err(ModelError::Invalid {
                what: format!(
                    "char_ngrams is ({lo}, {hi}), must be (0, 0) or 1 <= min <= max <= {MAX_NGRAM}"
                ),
            });
        }
        Ok(())
    }

    fn mask(&self) -> u64 {
        self.buckets() as u64 - 1
    }
}

/// The features of one ad: sparse `(bucket, value)` entries sorted by bucket, and for each entry
/// the feature string(s) that hashed there (joined by ` | ` when several collided).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Features {
    /// `(bucket index, value)`, sorted by index, one entry per bucket.
    pub entries: Vec<(u32, f32)>,
    /// `names[i]` names `entries[i]` (`w:ivory`, `p:ivory carving`, `c:<ivo`, `e:kind=stamp`).
    pub names: Vec<String>,
}

/// The features of an ad's text (title, newline, description) and detector evidence.
///
/// Text features are word counts; they are scaled to unit L2 length so long ads do not outweigh
/// short ones. Evidence features are 1 each, not scaled. The bias is part of the [`crate::Model`].
pub fn featurize(set: &FeatureSet, text: &str, evidence: &[String]) -> Features {
    build(set, text, evidence, true)
}

/// [`featurize`] without the names (for training, where only the numbers matter).
pub(crate) fn featurize_sparse(
    set: &FeatureSet,
    text: &str,
    evidence: &[String],
) -> Vec<(u32, f32)> {
    build(set, text, evidence, false).entries
}

fn build(set: &FeatureSet, text: &str, evidence: &[String], keep_names: bool) -> Features {
    let mut words_acc = Acc::new(set, keep_names);
    let normalized = wildwatch_text::normalize(text);
    let words: Vec<&str> = normalized
        .text
        .split(' ')
        .filter(|w| !w.is_empty())
        .take(MAX_WORDS)
        .collect();
    text_features(set, &words, &mut words_acc);
    words_acc.scale_to_unit();
    let mut evidence_acc = Acc::new(set, keep_names);
    for token in evidence.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        evidence_acc.set(&[b"e:", token.as_bytes()], 1.0);
    }
    words_acc.merge(evidence_acc);
    words_acc.finish()
}

fn text_features(set: &FeatureSet, words: &[&str], acc: &mut Acc) {
    for (i, word) in words.iter().enumerate() {
        acc.add(&[b"w:", word.as_bytes()], 1.0);
        if set.word_pairs {
            if let Some(next) = words.get(i + 1) {
                acc.add(&[b"p:", word.as_bytes(), b" ", next.as_bytes()], 1.0);
            }
        }
        char_ngrams(set.char_ngrams, word, acc);
    }
}

/// N-grams of `<word>` (with boundary markers) for words of at least four characters.
fn char_ngrams((lo, hi): (u8, u8), word: &str, acc: &mut Acc) {
    if lo == 0 || word.chars().count() < MIN_NGRAM_WORD {
        return;
    }
    let padded = format!("<{word}>");
    let mut bounds: Vec<usize> = padded.char_indices().map(|(i, _)| i).collect();
    bounds.push(padded.len());
    let chars = bounds.len() - 1;
    for n in usize::from(lo)..=usize::from(hi).min(chars) {
        for start in 0..=chars - n {
            let gram = &padded[bounds[start]..bounds[start + n]];
            acc.add(&[b"c:", gram.as_bytes()], 1.0);
        }
    }
}

/// Accumulates feature values by bucket, with the names that landed in each bucket.
struct Acc {
    mask: u64,
    keep_names: bool,
    map: FxHashMap<u32, (f32, String)>,
}

impl Acc {
    fn new(set: &FeatureSet, keep_names: bool) -> Self {
        Acc {
            mask: set.mask(),
            keep_names,
            map: FxHashMap::default(),
        }
    }

    fn slot(&mut self, parts: &[&[u8]]) -> &mut (f32, String) {
        let h = fnv1a(parts);
        let index = ((h ^ (h >> 32)) & self.mask) as u32;
        let keep_names = self.keep_names;
        let slot = self
            .map
            .entry(index)
            .or_insert_with(|| (0.0, String::new()));
        if keep_names {
            let name: String = parts.iter().map(|p| String::from_utf8_lossy(p)).collect();
            add_name(&mut slot.1, &name);
        }
        slot
    }

    fn add(&mut self, parts: &[&[u8]], value: f32) {
        self.slot(parts).0 += value;
    }

    fn set(&mut self, parts: &[&[u8]], value: f32) {
        self.slot(parts).0 = value;
    }

    fn scale_to_unit(&mut self) {
        let norm = self.map.values().map(|(v, _)| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            self.map.values_mut().for_each(|(v, _)| *v /= norm);
        }
    }

    fn merge(&mut self, other: Acc) {
        for (index, (value, name)) in other.map {
            let slot = self
                .map
                .entry(index)
                .or_insert_with(|| (0.0, String::new()));
            slot.0 += value;
            if !name.is_empty() {
                add_name(&mut slot.1, &name);
            }
        }
    }

    fn finish(self) -> Features {
        let mut all: Vec<(u32, (f32, String))> = self.map.into_iter().collect();
        all.sort_unstable_by_key(|(i, _)| *i);
        let names = if self.keep_names {
            all.iter().map(|(_, (_, n))| n.clone()).collect()
        } else {
            Vec::new()
        };
        Features {
            entries: all.into_iter().map(|(i, (v, _))| (i, v)).collect(),
            names,
        }
    }
}

fn add_name(names: &mut String, name: &str) {
    if names.is_empty() {
        names.push_str(name);
    } else if !names.split(" | ").any(|n| n == name) {
        names.push_str(" | ");
        names.push_str(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(f: &Features) -> Vec<&str> {
        f.names.iter().flat_map(|n| n.split(" | ")).collect()
    }

    #[test]
    fn extracts_words_pairs_ngrams_and_evidence() {
        let f = featurize(
            &FeatureSet::default(),
            "Ivory Carving",
            &["kind=stamp".to_string()],
        );
        let n = names(&f);
        for want in [
            "w:ivory",
            "w:carving",
            "p:ivory carving",
            "c:<iv",
            "c:ivor",
            "c:ory>",
            "e:kind=stamp",
        ] {
            assert!(n.contains(&want), "{want} missing from {n:?}");
        }
        assert_eq!(f.entries.len(), f.names.len());
        assert!(
            f.entries.windows(2).all(|w| w[0].0 < w[1].0),
            "entries sorted and unique"
        );
    }

    #[test]
    fn text_part_has_unit_length_and_evidence_is_one() {
        let set = FeatureSet {
            char_ngrams: (0, 0),
            word_pairs: false,
            ..FeatureSet::default()
        };
        let f = featurize(&set, "owl owl feather", &["cat=live".to_string()]);
        let mut text_sq = 0.0;
        for ((_, v), name) in f.entries.iter().zip(&f.names) {
            if name.starts_with("e:") {
                assert!((v - 1.0).abs() < 1e-6);
            } else {
                text_sq += v * v;
            }
        }
        assert!((text_sq - 1.0).abs() < 1e-5, "{text_sq}");
    }

    #[test]
    fn short_words_get_no_ngrams_and_off_means_off() {
        let f = featurize(&FeatureSet::default(), "owl", &[]);
        assert!(!names(&f).iter().any(|n| n.starts_with("c:")));
        let off = FeatureSet {
            char_ngrams: (0, 0),
            ..FeatureSet::default()
        };
        let f = featurize(&off, "elephant", &[]);
        assert!(!names(&f).iter().any(|n| n.starts_with("c:")));
    }

    #[test]
    fn sparse_path_equals_named_path() {
        let set = FeatureSet {
            buckets_log2: 6,
            ..FeatureSet::default()
        };
        let ev = vec!["kind=stamp".to_string(), "lang=de".to_string()];
        let named = featurize(&set, "Elfenbein Schnitzerei, sehr alt", &ev);
        assert_eq!(
            named.entries,
            featurize_sparse(&set, "Elfenbein Schnitzerei, sehr alt", &ev)
        );
        assert!(named.entries.iter().all(|(i, _)| *i < 64));
    }

    #[test]
    fn check_rejects_bad_settings() {
        assert!(FeatureSet::default().check().is_ok());
        let too_many = FeatureSet {
            buckets_log2: 25,
            ..FeatureSet::default()
        };
        assert!(too_many
            .check()
            .unwrap_err()
            .to_string()
            .contains("buckets_log2"));
        let bad = FeatureSet {
            char_ngrams: (5, 3),
            ..FeatureSet::default()
        };
        assert!(bad.check().unwrap_err().to_string().contains("char_ngrams"));
    }
}
