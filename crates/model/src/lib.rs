//! A small, explainable relevance classifier learned from labelled ads.
//!
//! An ad (title and description, plus the short facts the detector found, such as `kind=stamp` or
//! `cat=live`) becomes a sparse vector of hashed features ([`featurize`]): words (`w:ivory`),
//! adjacent word pairs (`p:ivory carving`), character n-grams within words (`c:<ivo`) and evidence
//! tokens (`e:kind=stamp`). Each feature string is hashed with FNV-1a 64 (written out in this crate,
//! so indices are the same on every run and platform) into one of `2^buckets_log2` buckets. A
//! logistic regression over those buckets gives the probability that the ad is relevant, and
//! [`Model::explain`] lists the feature strings that pushed it most either way.
//!
//! # Why hand-written logistic regression
//!
//! linfa-logistic and smartcore take dense matrices; with 2^18 hashed features that is ~1 GB per
//! 1,000 ads (2^18 × 4 bytes per row), so this crate trains the model itself: a few lines of
//! stochastic gradient descent with AdaGrad step sizes over the sparse rows ([`train`]). Only the
//! weight vector is dense while training (1 MB at 2^18); the saved model keeps the non-zero weights.
//!
//! Training is deterministic: examples are shuffled by a seeded xorshift generator, and the same
//! examples, options and seed give bit-identical weights. Positives (about 30 % of labels) and
//! negatives are weighted so that each class contributes equally to the loss.
//!
//! [`cross_validate`] gives out-of-fold figures (overall and per group, e.g. language),
//! [`learning_curve`] measures how precision and recall grow with the number of labels, and
//! [`learning_curve_svg`] draws that as a small SVG chart.
#![warn(missing_docs)]

mod eval;
mod features;
mod persist;
mod svg;
mod train;

use std::path::PathBuf;

pub use eval::{cross_validate, learning_curve, CurvePoint, CvFigures};
pub use features::{featurize, FeatureSet, Features};
pub use svg::learning_curve_svg;
pub use train::{train, Model, TrainOptions};

/// The version of the saved model format that this build writes and reads.
pub const MODEL_FORMAT: u32 = 1;

/// The largest number of feature buckets a model may use (`2^24`, 64 MB of weights while training).
pub const MAX_BUCKETS_LOG2: u8 = 24;

/// The largest model file [`Model::load`] and [`Model::from_bytes`] accept.
pub const MAX_MODEL_BYTES: u64 = 64 * 1024 * 1024;

/// One labelled ad.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Title, a newline, then the description.
    pub text: String,
    /// What the detector found, as short tokens (`kind=stamp`, `cat=live`, `name_ambiguous`,
    /// `lang=de`, `platform=ebay`, `intent=discussion`, `doc=cites_certificate`).
    pub evidence: Vec<String>,
    /// Whether the ad is relevant (a likely wildlife-trade offence).
    pub label: bool,
    /// The group the ad belongs to for per-group figures (its language).
    pub group: String,
}

/// Errors of this crate; each says what was wrong.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A model could not be parsed (truncated or not a model file).
    #[error("cannot parse {what}")]
    Parse {
        /// What could not be parsed, and where.
        what: String,
    },
    /// The model was saved in a format version this build does not read.
    #[error("model format version {found}, but this build reads version {expected}")]
    Version {
        /// The version in the file.
        found: u32,
        /// [`MODEL_FORMAT`].
        expected: u32,
    },
    /// The model parsed but its contents are unusable (non-finite weight, too many buckets …).
    #[error("invalid model: {what}")]
    Invalid {
        /// What is wrong.
        what: String,
    },
    /// The model file is larger than [`MAX_MODEL_BYTES`].
    #[error("model is {size} bytes, more than the limit of {limit}")]
    TooLarge {
        /// Its size.
        size: u64,
        /// [`MAX_MODEL_BYTES`].
        limit: u64,
    },
    /// There was nothing to train on.
    #[error("empty training set: {what}")]
    Empty {
        /// Which set was empty.
        what: String,
    },
    /// Options or arguments that cannot be used (zero folds, bad holdout fraction …).
    #[error("invalid options: {what}")]
    Options {
        /// What is wrong.
        what: String,
    },
}

/// How undecided a probability is: 1 at 0.5, 0 at 0 or 1. Useful to pick which ads to label next.
pub fn uncertainty(p: f32) -> f32 {
    1.0 - (2.0 * p - 1.0).abs()
}

/// FNV-1a 64 over the concatenation of `parts`: the fixed hash for feature strings.
pub(crate) fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in parts.iter().flat_map(|p| p.iter()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// SplitMix64's finaliser: a well-mixed hash of one number (used to pick held-back examples).
pub(crate) fn mix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A tiny seeded PRNG (xorshift64*) so shuffles are the same on every run and platform.
pub(crate) struct XorShift(u64);

impl XorShift {
    /// A generator for `seed` (any value, zero included).
    pub(crate) fn new(seed: u64) -> Self {
        XorShift(mix64(seed) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Fisher–Yates shuffle of `items`.
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_reference_vectors() {
        assert_eq!(fnv1a(&[b""]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(&[b"a"]), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(&[b"foo"]), 0xdcb2_7518_fed9_d577);
        assert_eq!(fnv1a(&[b"fo", b"o"]), fnv1a(&[b"foo"]));
    }

    #[test]
    fn uncertainty_peaks_at_half() {
        assert!((uncertainty(0.5) - 1.0).abs() < 1e-6);
        assert!(uncertainty(0.0).abs() < 1e-6);
        assert!(uncertainty(1.0).abs() < 1e-6);
        assert!((uncertainty(0.75) - 0.5).abs() < 1e-6);
    }

    #[test]
    fn shuffle_is_seeded() {
        let mut a: Vec<u32> = (0..50).collect();
        let mut b = a.clone();
        XorShift::new(7).shuffle(&mut a);
        XorShift::new(7).shuffle(&mut b);
        assert_eq!(a, b);
        let mut c: Vec<u32> = (0..50).collect();
        XorShift::new(8).shuffle(&mut c);
        assert_ne!(a, c);
        c.sort_unstable();
        assert_eq!(c, (0..50).collect::<Vec<_>>());
    }
}
