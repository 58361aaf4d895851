//! Labelled ads as training examples for the learned relevance model ([`wildwatch_model`]), and
//! the figures of rules alone against rules + model.
//!
//! Each labelled ad is scanned by the rules (no model) with [`Detector::keep_model_evidence`], so
//! that the model learns on the same evidence tokens it is later given; the rules' own relevance
//! is kept next to it, to measure what the model adds.

use std::collections::BTreeMap;
use std::io::BufRead;

use wildwatch_model::Example;

use crate::stream::parse_line;
use crate::{AdInput, Detector, LOWER_BELOW, RAISE_ABOVE};

/// One labelled ad, with what the rules decided.
#[derive(Debug, Clone)]
pub struct Labelled {
    /// The ad's id.
    pub id: String,
    /// Its title (for error lists).
    pub title: String,
    /// Platform, as given.
    pub platform: String,
    /// The training example (text, evidence tokens, label, language as group).
    pub example: Example,
    /// The rules' relevance.
    pub rules_relevant: bool,
    /// The rules named a listed taxon and the ad is no discussion: the model may raise it.
    pub may_raise: bool,
}

/// Errors reading labelled ads.
#[derive(Debug, thiserror::Error)]
pub enum TrainingError {
    /// The detector was not built to keep the model's evidence, or already has a model.
    #[error("training needs a detector without a model that keeps the model evidence")]
    Detector,
    /// A line could not be read.
    #[error("{source_name} line {line}: {what}")]
    Line {
        /// File or source name.
        source_name: String,
        /// 1-based line.
        line: u64,
        /// What was wrong.
        what: String,
    },
    /// Reading failed.
    #[error("{source_name}: {error}")]
    Io {
        /// File or source name.
        source_name: String,
        /// The error.
        error: std::io::Error,
    },
}

/// The text the model reads: title, a newline, the description.
pub fn model_text(ad: &AdInput) -> String {
    format!(
        "{}\n{}",
        ad.title.as_deref().unwrap_or(""),
        ad.description.as_deref().unwrap_or("")
    )
}

/// Scans one ad by the rules and makes it an example with `label`.
pub fn labelled(detector: &Detector, ad: &AdInput, label: bool, group: &str) -> Labelled {
    let d = detector.scan(ad);
    let may_raise =
        d.model_evidence.iter().any(|t| t == "listed") && d.intent != crate::Intent::Discussion;
    Labelled {
        id: ad.id.clone(),
        title: ad.title.clone().unwrap_or_default(),
        platform: ad.platform.clone().unwrap_or_default(),
        example: Example {
            text: model_text(ad),
            evidence: d.model_evidence,
            label,
            group: group.to_string(),
        },
        rules_relevant: d.relevant,
        may_raise,
    }
}

/// Reads a corpus in the `wildwatch eval` format (JSON lines with a `gold` object) and scans every
/// ad by the rules. A line that is not a labelled ad is an error naming it.
pub fn read_corpus<R: BufRead>(
    detector: &Detector,
    input: R,
    source_name: &str,
) -> Result<Vec<Labelled>, TrainingError> {
    if detector.model().is_some() || !detector.keeps_model_evidence() {
        return Err(TrainingError::Detector);
    }
    let mut out = Vec::new();
    for (i, line) in input.split(b'\n').enumerate() {
        let line = line.map_err(|error| TrainingError::Io {
            source_name: source_name.to_string(),
            error,
        })?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let lineno = i as u64 + 1;
        let bad = |what: String| TrainingError::Line {
            source_name: source_name.to_string(),
            line: lineno,
            what,
        };
        let value: serde_json::Value =
            serde_json::from_slice(&line).map_err(|e| bad(e.to_string()))?;
        let gold = value
            .get("gold")
            .ok_or_else(|| bad("no `gold` object".into()))?;
        let label = gold
            .get("relevant")
            .and_then(serde_json::Value::as_bool)
            .ok_or_else(|| bad("`gold.relevant` is not true or false".into()))?;
        let lang = gold.get("lang").and_then(|l| l.as_str()).unwrap_or("?");
        let mut ad = parse_line(&line, lineno).map_err(|e| bad(e.error))?;
        ad.lang = None;
        out.push(labelled(detector, &ad, label, lang));
    }
    Ok(out)
}

/// The combined decision, as [`crate::decide::learned`] makes it, from a probability.
pub fn combined(l: &Labelled, p: f32) -> bool {
    if l.rules_relevant {
        p >= LOWER_BELOW
    } else {
        l.may_raise && p > RAISE_ABOVE
    }
}

/// Precision, recall and F1 of one way of deciding, overall and per language.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Figures {
    /// Overall (true positives, false positives, false negatives).
    pub all: Counts,
    /// Per language.
    pub by_lang: BTreeMap<String, Counts>,
    /// Per platform.
    pub by_platform: BTreeMap<String, Counts>,
}

/// Relevance counts.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Counts {
    /// Ads.
    pub n: usize,
    /// True positives.
    pub tp: usize,
    /// False positives.
    pub fp: usize,
    /// False negatives.
    pub fn_: usize,
}

impl Counts {
    fn add(&mut self, predicted: bool, label: bool) {
        self.n += 1;
        match (predicted, label) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            (false, false) => {}
        }
    }
    /// Precision (1 when nothing was predicted).
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    /// Recall (1 when nothing was relevant).
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    /// F1.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// The figures of a decision per labelled ad.
pub fn figures(items: &[Labelled], decided: impl Fn(usize, &Labelled) -> bool) -> Figures {
    let mut f = Figures::default();
    for (i, l) in items.iter().enumerate() {
        let (p, y) = (decided(i, l), l.example.label);
        f.all.add(p, y);
        f.by_lang
            .entry(l.example.group.clone())
            .or_default()
            .add(p, y);
        f.by_platform
            .entry(l.platform.clone())
            .or_default()
            .add(p, y);
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(rules: bool, may_raise: bool) -> Labelled {
        Labelled {
            id: "a".into(),
            title: String::new(),
            platform: String::new(),
            example: Example {
                text: String::new(),
                evidence: vec![],
                label: true,
                group: "en".into(),
            },
            rules_relevant: rules,
            may_raise,
        }
    }

    #[test]
    fn the_model_lowers_only_when_confident_and_raises_only_listed_taxa() {
        assert!(combined(&item(true, true), 0.5));
        assert!(!combined(&item(true, true), 0.01));
        assert!(!combined(&item(false, false), 0.999));
        assert!(combined(&item(false, true), 0.999));
        assert!(!combined(&item(false, true), 0.9));
    }

    #[test]
    fn a_corpus_line_without_gold_is_named() {
        let d = Detector::shipped().unwrap().keep_model_evidence(true);
        let input = b"{\"id\":\"x\",\"title\":\"Graupapagei\",\"gold\":{\"lang\":\"de\",\"relevant\":true}}\n{\"id\":\"y\",\"title\":\"t\"}\n";
        let err = read_corpus(&d, &input[..], "c.jsonl").unwrap_err();
        assert_eq!(err.to_string(), "c.jsonl line 2: no `gold` object");
        let d = Detector::shipped().unwrap();
        assert!(matches!(
            read_corpus(&d, &b""[..], "c").unwrap_err(),
            TrainingError::Detector
        ));
    }

    #[test]
    fn examples_carry_the_rules_evidence() {
        let d = Detector::shipped().unwrap().keep_model_evidence(true);
        let input = "{\"id\":\"x\",\"title\":\"GB 1998 Endangered Species set MNH tiger\",\"gold\":{\"lang\":\"en\",\"relevant\":false}}\n";
        let items = read_corpus(&d, input.as_bytes(), "c").unwrap();
        assert_eq!(items.len(), 1);
        assert!(items[0]
            .example
            .evidence
            .iter()
            .any(|t| t.starts_with("kind=")));
        assert!(!items[0].example.label);
    }
}
