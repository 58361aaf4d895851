//! The model, and training it: logistic regression by SGD with AdaGrad step sizes over sparse rows.

use crate::features::{featurize, featurize_sparse};
use crate::{CvFigures, Example, FeatureSet, Features, ModelError, XorShift, MODEL_FORMAT};

/// Progress is reported after this many training steps (and once at the end).
const PROGRESS_EVERY: usize = 256;

/// Keeps AdaGrad's first step finite.
const ADAGRAD_EPS: f32 = 1e-8;

/// How to train.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainOptions {
    /// Passes over the training set (default 8).
    pub epochs: u32,
    /// AdaGrad base learning rate (default 0.2).
    pub learning_rate: f32,
    /// L2 penalty on the weights, applied to the weights each example touches (default 1e-5).
    pub l2: f32,
    /// Seed of the shuffle; the same seed gives the same model (default 42).
    pub seed: u64,
    /// The features to learn from.
    pub feature_set: FeatureSet,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 8,
            learning_rate: 0.2,
            l2: 1e-5,
            seed: 42,
            feature_set: FeatureSet::default(),
        }
    }
}

impl TrainOptions {
    fn check(&self) -> Result<(), ModelError> {
        self.feature_set.check()?;
        let bad = |what: &str| {
            Err(ModelError::Options {
                what: what.to_string(),
            })
        };
        if self.epochs == 0 {
            return bad("epochs must be at least 1");
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return bad("learning_rate must be a positive number");
        }
        if !(self.l2.is_finite() && self.l2 >= 0.0) {
            return bad("l2 must be zero or a positive number");
        }
        Ok(())
    }
}

/// A trained relevance classifier.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Format version ([`MODEL_FORMAT`]).
    pub version: u32,
    /// When it was trained (RFC 3339); [`train`] leaves it empty for the caller to fill in.
    pub trained_at: String,
    /// How many examples it was trained on.
    pub examples: usize,
    /// How many of them were positive.
    pub positives: usize,
    /// Where the labels came from (files, reviewers); [`train`] leaves it empty.
    pub sources: Vec<String>,
    /// The features it reads; featurise with these ([`Model::featurize`]).
    pub feature_set: FeatureSet,
    /// Cross-validation figures, if the caller measured them.
    pub cv: Option<CvFigures>,
    /// Non-zero weights, sorted by bucket, unique.
    pub(crate) weights: Vec<(u32, f32)>,
    /// The intercept.
    pub(crate) bias: f32,
}

impl Model {
    /// The features of an ad as this model reads them.
    pub fn featurize(&self, text: &str, evidence: &[String]) -> Features {
        featurize(&self.feature_set, text, evidence)
    }

    /// The probability (0..1) that the ad with features `f` is relevant.
    pub fn probability(&self, f: &Features) -> f32 {
        self.probability_sparse(&f.entries)
    }

    pub(crate) fn probability_sparse(&self, entries: &[(u32, f32)]) -> f32 {
        let z = self.bias
            + entries
                .iter()
                .map(|&(i, v)| self.weight(i) * v)
                .sum::<f32>();
        sigmoid(z)
    }

    /// The `n` features that contribute most to the decision (largest `|weight × value|`), with
    /// their signed contributions to the log-odds; positive pushes towards relevant.
    pub fn explain(&self, f: &Features, n: usize) -> Vec<(String, f32)> {
        let mut all: Vec<(String, f32)> = f
            .entries
            .iter()
            .enumerate()
            .map(|(k, &(i, v))| {
                let name = f.names.get(k).cloned().unwrap_or_else(|| format!("#{i}"));
                (name, self.weight(i) * v)
            })
            .filter(|(_, c)| *c != 0.0)
            .collect();
        all.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then_with(|| a.0.cmp(&b.0)));
        all.truncate(n);
        all
    }

    /// The weight of bucket `i` (0 if it has none).
    pub fn weight(&self, i: u32) -> f32 {
        self.weights
            .binary_search_by_key(&i, |&(k, _)| k)
            .map_or(0.0, |k| self.weights[k].1)
    }

    /// The intercept (log-odds of an ad with no features).
    pub fn bias(&self) -> f32 {
        self.bias
    }

    /// The non-zero weights, `(bucket, weight)` sorted by bucket.
    pub fn weights(&self) -> &[(u32, f32)] {
        &self.weights
    }
}

/// Trains a model on `examples`. `progress(done, total)` is called every few hundred training
/// steps and at the end, counting steps (examples × epochs). The returned model's `trained_at`,
/// `sources` and `cv` are left for the caller to fill in.
///
/// Deterministic: the same examples, options and seed give identical weights. A training set of
/// one class trains (the model then leans towards that class); an empty one is an error.
pub fn train(
    examples: &[Example],
    opts: &TrainOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Model, ModelError> {
    opts.check()?;
    if examples.is_empty() {
        return Err(ModelError::Empty {
            what: "no labelled examples".into(),
        });
    }
    let data = featurize_all(examples, &opts.feature_set);
    let labels: Vec<bool> = examples.iter().map(|e| e.label).collect();
    let all: Vec<usize> = (0..examples.len()).collect();
    let mut model = fit(&data, &labels, &all, opts, progress)?;
    model.examples = examples.len();
    model.positives = labels.iter().filter(|&&l| l).count();
    Ok(model)
}

pub(crate) fn featurize_all(examples: &[Example], set: &FeatureSet) -> Vec<Vec<(u32, f32)>> {
    examples
        .iter()
        .map(|e| featurize_sparse(set, &e.text, &e.evidence))
        .collect()
}

/// Trains on the rows `train` of featurised `data`.
pub(crate) fn fit(
    data: &[Vec<(u32, f32)>],
    labels: &[bool],
    train: &[usize],
    opts: &TrainOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Model, ModelError> {
    opts.check()?;
    if train.is_empty() {
        return Err(ModelError::Empty {
            what: "no examples to train on".into(),
        });
    }
    let (w_pos, w_neg) = class_weights(labels, train);
    let mut state = Sgd::new(opts);
    let mut order = train.to_vec();
    let mut rng = XorShift::new(opts.seed);
    let total = order.len() * opts.epochs as usize;
    let mut done = 0;
    for _ in 0..opts.epochs {
        rng.shuffle(&mut order);
        for &i in &order {
            let weight = if labels[i] { w_pos } else { w_neg };
            state.step(&data[i], labels[i], weight);
            done += 1;
            if done % PROGRESS_EVERY == 0 {
                progress(done, total);
            }
        }
    }
    progress(total, total);
    state.into_model(
        opts,
        train.len(),
        train.iter().filter(|&&i| labels[i]).count(),
    )
}

/// Weights that make each class contribute half of the loss (1 for a class that is absent).
fn class_weights(labels: &[bool], rows: &[usize]) -> (f32, f32) {
    let n = rows.len() as f32;
    let pos = rows.iter().filter(|&&i| labels[i]).count() as f32;
    let neg = n - pos;
    let balance = |k: f32| if k > 0.0 { n / (2.0 * k) } else { 1.0 };
    (balance(pos), balance(neg))
}

/// The training state: dense weights and AdaGrad's sums of squared gradients.
struct Sgd {
    w: Vec<f32>,
    g2: Vec<f32>,
    bias: f32,
    bias_g2: f32,
    rate: f32,
    l2: f32,
}

impl Sgd {
    fn new(opts: &TrainOptions) -> Self {
        let n = opts.feature_set.buckets();
        Sgd {
            w: vec![0.0; n],
            g2: vec![0.0; n],
            bias: 0.0,
            bias_g2: 0.0,
            rate: opts.learning_rate,
            l2: opts.l2,
        }
    }

    /// One AdaGrad step on the weighted log loss of one example.
    fn step(&mut self, x: &[(u32, f32)], label: bool, class_weight: f32) {
        let z = self.bias + x.iter().map(|&(i, v)| self.w[i as usize] * v).sum::<f32>();
        let err = class_weight * (sigmoid(z) - if label { 1.0 } else { 0.0 });
        for &(i, v) in x {
            let i = i as usize;
            let g = err * v + self.l2 * self.w[i];
            self.g2[i] += g * g;
            self.w[i] -= self.rate * g / (self.g2[i].sqrt() + ADAGRAD_EPS);
        }
        self.bias_g2 += err * err;
        self.bias -= self.rate * err / (self.bias_g2.sqrt() + ADAGRAD_EPS);
    }

    fn into_model(
        self,
        opts: &TrainOptions,
        examples: usize,
        positives: usize,
    ) -> Result<Model, ModelError> {
        let weights: Vec<(u32, f32)> = (0u32..).zip(self.w).filter(|&(_, w)| w != 0.0).collect();
        if !self.bias.is_finite() || weights.iter().any(|(_, w)| !w.is_finite()) {
            return Err(ModelError::Options {
                what: "training diverged (non-finite weights); lower learning_rate".into(),
            });
        }
        Ok(Model {
            version: MODEL_FORMAT,
            trained_at: String::new(),
            examples,
            positives,
            sources: Vec::new(),
            feature_set: opts.feature_set,
            cv: None,
            weights,
            bias: self.bias,
        })
    }
}

fn sigmoid(z: f32) -> f32 {
    let z = z.clamp(-30.0, 30.0);
    1.0 / (1.0 + (-z).exp())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn ex(text: &str, evidence: &[&str], label: bool, group: &str) -> Example {
        Example {
            text: text.to_string(),
            evidence: evidence.iter().map(|s| s.to_string()).collect(),
            label,
            group: group.to_string(),
        }
    }

    /// Stamps (MNH, philately) are negative; live birds with closed rings are positive.
    pub(crate) fn toy_corpus() -> Vec<Example> {
        let neg = [
            (
                "Owl stamp MNH\nBeautiful owl stamp set, mint never hinged",
                "en",
            ),
            (
                "Briefmarke Eule postfrisch MNH\nSatz Briefmarken Eulen",
                "de",
            ),
            (
                "Parrot stamps MNH block\nPhilately sheet with parrots",
                "en",
            ),
            ("Timbre hibou MNH\nCollection de timbres neufs", "fr"),
            (
                "Tiger stamp sheet MNH\nfirst day cover, stamp collection",
                "en",
            ),
            ("Postzegel uil MNH\nverzameling postzegels", "nl"),
            ("Eagle stamp MNH mint\nstamp album page", "en"),
            ("Briefmarken Papagei MNH\npostfrisch Sammlung", "de"),
            ("Timbres perroquet MNH\nbloc philatelie", "fr"),
            ("Falcon stamps MNH set\nmint stamps for collectors", "en"),
            ("Postzegels papegaai MNH\npostfris blok", "nl"),
            ("Owl stamps used\nstamp lot philately", "en"),
        ];
        let pos = [
            (
                "Live grey parrot closed ring\nYoung hand-reared parrot, closed ring, live",
                "en",
            ),
            (
                "Lebender Papagei geschlossener Ring\nlive Vogel mit closed ring",
                "de",
            ),
            ("Live eagle owl closed ring\nlive owl chick for sale", "en"),
            ("Perroquet vivant bague fermee\nlive bird closed ring", "fr"),
            ("Live falcon closed ring\nlive bird ready to go", "en"),
            (
                "Levende papegaai gesloten ring\nlive closed ring bird",
                "nl",
            ),
            ("Live macaw closed ring\nlive pair with closed rings", "en"),
            (
                "Live tortoise\nlive baby tortoises, closed ring not needed",
                "en",
            ),
        ];
        let mut v: Vec<Example> = neg
            .iter()
            .map(|(t, g)| ex(t, &["kind=stamp"], false, g))
            .collect();
        v.extend(pos.iter().map(|(t, g)| ex(t, &["cat=live"], true, g)));
        v
    }

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
    fn separates_unseen_examples() {
        let model = train(&toy_corpus(), &opts(), &mut |_, _| {}).unwrap();
        let p_live =
            model.probability(&model.featurize("Live owl, closed ring\nhealthy live bird", &[]));
        let p_stamp = model.probability(&model.featurize("Parrot stamp MNH\nmint stamp", &[]));
        assert!(p_live > 0.5, "live ad got {p_live}");
        assert!(p_stamp < 0.5, "stamp ad got {p_stamp}");
        assert_eq!((model.examples, model.positives), (20, 8));
    }

    #[test]
    fn training_is_deterministic() {
        let a = train(&toy_corpus(), &opts(), &mut |_, _| {}).unwrap();
        let b = train(&toy_corpus(), &opts(), &mut |_, _| {}).unwrap();
        assert_eq!(a.weights, b.weights);
        assert_eq!(a.bias.to_bits(), b.bias.to_bits());
        let c = train(
            &toy_corpus(),
            &TrainOptions { seed: 7, ..opts() },
            &mut |_, _| {},
        )
        .unwrap();
        assert_ne!(
            a.weights, c.weights,
            "a different seed shuffles differently"
        );
    }

    #[test]
    fn explain_names_the_driving_features() {
        let model = train(&toy_corpus(), &opts(), &mut |_, _| {}).unwrap();
        let f = model.featurize("Owl stamp MNH", &[]);
        let top = model.explain(&f, 5);
        assert_eq!(top.len(), 5);
        assert!(
            top.windows(2).all(|w| w[0].1.abs() >= w[1].1.abs()),
            "sorted by |contribution|"
        );
        let mnh = top
            .iter()
            .find(|(n, _)| n.split(" | ").any(|n| n == "w:mnh"));
        assert!(
            mnh.is_some_and(|(_, c)| *c < 0.0),
            "w:mnh should push negative: {top:?}"
        );
        let everything: f32 = model.explain(&f, usize::MAX).iter().map(|(_, c)| c).sum();
        let logit = (model.probability(&f) / (1.0 - model.probability(&f))).ln();
        assert!(
            (everything + model.bias() - logit).abs() < 1e-3,
            "contributions add up to the log-odds"
        );
        let live = model.explain(&model.featurize("live", &["cat=live".into()]), 10);
        assert!(
            live.iter().any(|(n, c)| n == "e:cat=live" && *c > 0.0),
            "{live:?}"
        );
    }

    #[test]
    fn progress_reaches_total_and_errors_are_named() {
        let mut last = (0, 0);
        train(&toy_corpus(), &opts(), &mut |d, t| last = (d, t)).unwrap();
        assert_eq!(last, (160, 160));
        let err = train(&[], &opts(), &mut |_, _| {}).unwrap_err();
        assert!(matches!(err, ModelError::Empty { .. }), "{err}");
        let err = train(
            &toy_corpus(),
            &TrainOptions {
                epochs: 0,
                ..opts()
            },
            &mut |_, _| {},
        )
        .unwrap_err();
        assert!(err.to_string().contains("epochs"), "{err}");
    }
}
