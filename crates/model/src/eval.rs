//! Measuring a model: stratified cross-validation and learning curves.

use crate::train::{featurize_all, fit};
use crate::{mix64, Example, ModelError, TrainOptions, XorShift};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The probability at or above which [`learning_curve`] counts an ad as predicted relevant.
const CURVE_THRESHOLD: f32 = 0.5;

/// Out-of-fold figures from [`cross_validate`]. A figure whose denominator is zero (no predicted
/// or no actual positives) is 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvFigures {
    /// Number of folds.
    pub folds: u32,
    /// Precision over all examples.
    pub precision: f64,
    /// Recall over all examples.
    pub recall: f64,
    /// F1 over all examples.
    pub f1: f64,
    /// Per group (language): `(precision, recall, number of examples)`.
    pub per_group: BTreeMap<String, (f64, f64, usize)>,
}

/// One point of a learning curve: figures on the held-back part after training on `labels` labels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// How many labelled examples the model was trained on.
    pub labels: usize,
    /// Precision on the held-back part.
    pub precision: f64,
    /// Recall on the held-back part.
    pub recall: f64,
}

/// True/false positive and false negative counts.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
    n: usize,
}

impl Counts {
    fn add(&mut self, predicted: bool, actual: bool) {
        self.n += 1;
        match (predicted, actual) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            (false, false) => {}
        }
    }

    fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Stratified `folds`-fold cross-validation: each fold keeps the overall share of positives, and
/// the folds depend only on the labels and `opts.seed`. Returns the figures at `threshold` and the
/// out-of-fold probability of every example (same order as `examples`).
pub fn cross_validate(
    examples: &[Example],
    opts: &TrainOptions,
    folds: u32,
    threshold: f32,
) -> Result<(CvFigures, Vec<f32>), ModelError> {
    if folds < 2 || folds as usize > examples.len() {
        return Err(ModelError::Options {
            what: format!(
                "{folds} folds for {} examples; need 2 <= folds <= examples",
                examples.len()
            ),
        });
    }
    let labels: Vec<bool> = examples.iter().map(|e| e.label).collect();
    let fold_of = stratified_folds(&labels, folds as usize, opts.seed);
    let data = featurize_all(examples, &opts.feature_set);
    let mut oof = vec![0.0f32; examples.len()];
    for fold in 0..folds as usize {
        let train: Vec<usize> = (0..examples.len())
            .filter(|&i| fold_of[i] != fold)
            .collect();
        let model = fit(&data, &labels, &train, opts, &mut |_, _| {})?;
        for i in (0..examples.len()).filter(|&i| fold_of[i] == fold) {
            oof[i] = model.probability_sparse(&data[i]);
        }
    }
    Ok((figures(examples, &oof, folds, threshold), oof))
}

/// The fold of each example: each class shuffled by `seed`, then dealt round-robin.
fn stratified_folds(labels: &[bool], folds: usize, seed: u64) -> Vec<usize> {
    let mut fold_of = vec![0; labels.len()];
    let mut rng = XorShift::new(seed ^ 0x0f01_d5ee_d000_0000);
    let mut dealt = 0;
    for class in [true, false] {
        let mut members: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        rng.shuffle(&mut members);
        for i in members {
            fold_of[i] = dealt % folds;
            dealt += 1;
        }
    }
    fold_of
}

fn figures(examples: &[Example], probs: &[f32], folds: u32, threshold: f32) -> CvFigures {
    let mut all = Counts::default();
    let mut groups: BTreeMap<&str, Counts> = BTreeMap::new();
    for (e, &p) in examples.iter().zip(probs) {
        all.add(p >= threshold, e.label);
        groups
            .entry(e.group.as_str())
            .or_default()
            .add(p >= threshold, e.label);
    }
    CvFigures {
        folds,
        precision: all.precision(),
        recall: all.recall(),
        f1: all.f1(),
        per_group: groups
            .into_iter()
            .map(|(g, c)| (g.to_string(), (c.precision(), c.recall(), c.n)))
            .collect(),
    }
}

/// Whether example `i` belongs to the fixed held-back part (a hash of its index, so the part is
/// the same whatever order labels arrive in).
fn held_back(i: usize, fraction: f64) -> bool {
    let unit = (mix64(i as u64 ^ 0x4e1d_bac4) >> 11) as f64 / (1u64 << 53) as f64;
    unit < fraction
}

/// Precision and recall (at probability 0.5) on a held-back part after training on the first `k`
/// labels of `order`, for each `k` in `sizes`. The held-back part (about `holdout_fraction` of the
/// examples, chosen by a hash of each index) is skipped in `order`, so a size larger than what is
/// left trains on all of it; the point's `labels` says how many were used.
/// A size of 0 is an [`ModelError::Empty`] error. Training uses `opts`, so the curve is
/// deterministic given `opts.seed` and `order`.
pub fn learning_curve(
    examples: &[Example],
    opts: &TrainOptions,
    sizes: &[usize],
    holdout_fraction: f64,
    order: &[usize],
) -> Result<Vec<CurvePoint>, ModelError> {
    let bad = |what: String| Err(ModelError::Options { what });
    if !(holdout_fraction > 0.0 && holdout_fraction < 1.0) {
        return bad(format!(
            "holdout_fraction is {holdout_fraction}, must be between 0 and 1"
        ));
    }
    if let Some(&i) = order.iter().find(|&&i| i >= examples.len()) {
        return bad(format!(
            "order names example {i}, but there are {}",
            examples.len()
        ));
    }
    let held: Vec<usize> = (0..examples.len())
        .filter(|&i| held_back(i, holdout_fraction))
        .collect();
    if held.is_empty() {
        return Err(ModelError::Empty {
            what: "no examples held back to measure on".into(),
        });
    }
    let pool: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| !held_back(i, holdout_fraction))
        .collect();
    let labels: Vec<bool> = examples.iter().map(|e| e.label).collect();
    let data = featurize_all(examples, &opts.feature_set);
    let mut points = Vec::with_capacity(sizes.len());
    for &k in sizes {
        let train = &pool[..k.min(pool.len())];
        let model = fit(&data, &labels, train, opts, &mut |_, _| {})?;
        let mut counts = Counts::default();
        for &i in &held {
            counts.add(
                model.probability_sparse(&data[i]) >= CURVE_THRESHOLD,
                labels[i],
            );
        }
        points.push(CurvePoint {
            labels: train.len(),
            precision: counts.precision(),
            recall: counts.recall(),
        });
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::tests::toy_corpus;
    use crate::FeatureSet;

    fn opts() -> TrainOptions {
        TrainOptions {
            feature_set: FeatureSet {
                buckets_log2: 16,
                ..FeatureSet::default()
            },
            ..TrainOptions::default()
        }
    }

    #[test]
    fn cross_validation_on_separable_set() {
        let corpus = toy_corpus();
        let (cv, oof) = cross_validate(&corpus, &opts(), 4, 0.5).unwrap();
        assert_eq!(oof.len(), corpus.len());
        assert!(cv.f1 > 0.9, "{cv:?}");
        assert_eq!(cv.folds, 4);
        assert_eq!(
            cv.per_group.keys().collect::<Vec<_>>(),
            ["de", "en", "fr", "nl"]
        );
        assert_eq!(
            cv.per_group.values().map(|g| g.2).sum::<usize>(),
            corpus.len()
        );
        assert_eq!(cv.per_group["en"].2, 11);
        let again = cross_validate(&corpus, &opts(), 4, 0.5).unwrap();
        assert_eq!(again.1, oof, "deterministic");
    }

    #[test]
    fn folds_are_stratified() {
        let labels: Vec<bool> = (0..30).map(|i| i % 3 == 0).collect();
        let fold_of = stratified_folds(&labels, 5, 1);
        for f in 0..5 {
            let members: Vec<usize> = (0..30).filter(|&i| fold_of[i] == f).collect();
            assert_eq!(members.len(), 6);
            assert_eq!(members.iter().filter(|&&i| labels[i]).count(), 2);
        }
    }

    #[test]
    fn cross_validate_rejects_bad_fold_counts() {
        let err = cross_validate(&toy_corpus(), &opts(), 1, 0.5).unwrap_err();
        assert!(err.to_string().contains("1 folds"), "{err}");
    }

    #[test]
    fn learning_curve_trains_on_prefixes_and_measures_held_back() {
        let corpus = toy_corpus();
        let order: Vec<usize> = (0..corpus.len()).rev().collect();
        let points = learning_curve(&corpus, &opts(), &[4, 1000], 0.3, &order).unwrap();
        let held = (0..corpus.len()).filter(|&i| held_back(i, 0.3)).count();
        assert!(held > 0 && held < corpus.len());
        assert_eq!(points[0].labels, 4);
        assert_eq!(points[1].labels, corpus.len() - held);
        assert!((0.0..=1.0).contains(&points[1].precision));
        let err = learning_curve(&corpus, &opts(), &[4], 0.3, &[99]).unwrap_err();
        assert!(err.to_string().contains("example 99"), "{err}");
    }
}
