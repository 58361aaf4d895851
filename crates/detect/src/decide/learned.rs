//! Stage 6 (when a model is loaded) — the learned relevance model, next to the rules.
//!
//! The rules decide first and stay the explanation. A model trained on reviewed ads
//! ([`wildwatch_model`]) may then lower relevance where it is confident the ad offers no listed
//! specimen, or raise it where the rules named a listed taxon but set it aside and the model is
//! confident they were wrong. It never adds a taxon: an ad the rules found no listed taxon in
//! stays not relevant. Its reason names the model and the ad's words that weighed most.

use wildwatch_model::Model;
use wildwatch_text::Lang;

use crate::decide::intent::{Intent, Venue};
use crate::decide::lookalike::LookOutcome;
use crate::evidence::Evidence;
use crate::kind::KindDecision;
use crate::Reason;

/// Below this probability a relevant ad is set aside.
pub const LOWER_BELOW: f32 = 0.10;
/// Above this probability an ad with a listed taxon that the rules set aside becomes relevant.
pub const RAISE_ABOVE: f32 = 0.95;

/// What the rules found, as the model's evidence tokens.
pub(crate) struct RuleFacts<'a> {
    pub ev: &'a Evidence,
    pub kind: &'a KindDecision,
    pub look: &'a LookOutcome,
    pub listed: bool,
    pub intent: Intent,
    pub venue: Venue,
    pub lang: Lang,
    pub platform: Option<&'a str>,
    pub reasons: &'a [Reason],
}

/// The rules' findings as short tokens (`kind=stamp`, `listed`, `reason=ITEM_KIND`): the same
/// tokens at training time (from a scan without a model) and when the model is applied.
pub(crate) fn evidence_tokens(f: &RuleFacts) -> Vec<String> {
    let mut t = vec![
        format!("kind={}", f.kind.kind.as_str()),
        format!("intent={}", f.intent.as_str()),
        format!("lang={}", f.lang.code()),
        format!("venue={:?}", f.venue).to_lowercase(),
    ];
    if let Some(p) = f.platform.filter(|p| !p.is_empty()) {
        t.push(format!("platform={}", p.to_lowercase()));
    }
    let flags = [
        (f.listed, "listed"),
        (f.kind.blocks(), "kind_blocks"),
        (f.look.lookalike, "lookalike"),
        (f.look.accessory_ad, "accessory"),
        (f.look.had_taxon, "had_taxon"),
        (f.look.has_code, "code_word"),
        (f.ev.live > 0, "live_word"),
        (!f.ev.materials.is_empty(), "material"),
        (!f.ev.generic_parts.is_empty(), "part_word"),
        (!f.ev.count_words.is_empty(), "count_word"),
        (f.ev.taxa.iter().any(|x| x.ambiguous), "name_ambiguous"),
        (f.ev.taxa.iter().any(|x| x.binomial), "binomial"),
        (!f.ev.other_names.is_empty(), "other_name"),
    ];
    t.extend(
        flags
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, n)| n.to_string()),
    );
    t.extend(f.reasons.iter().map(|r| format!("reason={}", r.code)));
    t.sort();
    t.dedup();
    t
}

/// The final relevance, the model's probability, the evidence tokens (kept when a model is
/// loaded or the detector keeps them for training) and the MODEL reason when the model changed
/// the rules' decision. Without a model, the rules' relevance.
pub(crate) fn relevance(
    d: &crate::Detector,
    f: &RuleFacts,
    text: &str,
    rules_relevant: bool,
) -> (bool, Option<f64>, Vec<String>, Option<Reason>) {
    if !d.keeps_model_evidence() {
        return (rules_relevant, None, Vec::new(), None);
    }
    let tokens = evidence_tokens(f);
    match d.model() {
        Some(m) => {
            let may_raise = f.listed && f.intent != Intent::Discussion;
            let v = apply(m, text, &tokens, rules_relevant, may_raise);
            (v.relevant, Some(v.p), tokens, v.reason)
        }
        None => (rules_relevant, None, tokens, None),
    }
}

/// The model's verdict on one ad, when it overrides the rules.
pub(crate) struct Verdict {
    /// The final relevance.
    pub relevant: bool,
    /// The model's probability, rounded to three decimals.
    pub p: f64,
    /// The MODEL reason, when the model changed the rules' relevance.
    pub reason: Option<Reason>,
}

/// Applies the model to the rules' relevance (see the module documentation).
pub(crate) fn apply(
    model: &Model,
    text: &str,
    tokens: &[String],
    rules_relevant: bool,
    may_raise: bool,
) -> Verdict {
    let features = model.featurize(text, tokens);
    let p = model.probability(&features);
    let relevant = if rules_relevant {
        p >= LOWER_BELOW
    } else {
        may_raise && p > RAISE_ABOVE
    };
    let reason = (relevant != rules_relevant).then(|| Reason {
        code: "MODEL",
        text: reason_text(model, &features, p),
        list: Some(format!("model of {}", trained_on(model))),
        span: None,
    });
    Verdict {
        relevant,
        p: (f64::from(p) * 1000.0).round() / 1000.0,
        reason,
    }
}

/// "2026-12-10" from the model's RFC 3339 training time.
fn trained_on(model: &Model) -> &str {
    model.trained_at.get(..10).unwrap_or(&model.trained_at)
}

/// "model trained 2026-12-10 on 1,240 labelled ads: 0.04 relevant; 'mnh', 'souvenir sheet'".
fn reason_text(model: &Model, features: &wildwatch_model::Features, p: f32) -> String {
    let toward = if p < 0.5 { -1.0 } else { 1.0 };
    let words: Vec<String> = model
        .explain(features, 64)
        .into_iter()
        .filter(|(_, w)| w * toward > 0.0)
        .filter_map(|(name, _)| readable(&name))
        .take(4)
        .collect();
    format!(
        "model trained {} on {} labelled ads: {:.2} relevant; {}",
        trained_on(model),
        model.examples,
        p,
        if words.is_empty() {
            "no single word decided".to_string()
        } else {
            words.join(", ")
        }
    )
}

/// A feature as a person reads it: words and word pairs quoted, evidence as the rules' finding;
/// character n-grams (and hash collisions) are left out.
fn readable(name: &str) -> Option<String> {
    // Two feature strings in one bucket: which of them the ad holds is not known.
    if name.contains(" | ") {
        return None;
    }
    let first = name;
    if let Some(w) = first
        .strip_prefix("w:")
        .or_else(|| first.strip_prefix("p:"))
    {
        Some(format!("'{w}'"))
    } else {
        first.strip_prefix("e:").map(|e| format!("[{e}]"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model that learned "mnh" means a stamp and "closed ring" a live bird.
    fn toy_model() -> Model {
        let ex = |text: &str, label| wildwatch_model::Example {
            text: text.into(),
            evidence: vec!["listed".into()],
            label,
            group: "en".into(),
        };
        let mut examples = Vec::new();
        for i in 0..40 {
            examples.push(ex(&format!("macaw stamp mnh set {i}"), false));
            examples.push(ex(&format!("macaw closed ring hand reared {i}"), true));
        }
        let mut m = wildwatch_model::train(
            &examples,
            &wildwatch_model::TrainOptions::default(),
            &mut |_, _| {},
        )
        .unwrap();
        m.trained_at = "2026-12-07T10:00:00Z".into();
        m
    }

    #[test]
    fn a_confident_model_sets_aside_a_rule_decision_and_says_why() {
        let m = toy_model();
        let tokens = vec!["listed".to_string()];
        let v = apply(&m, "Hyacinth macaw stamp MNH", &tokens, true, true);
        assert!(!v.relevant);
        let r = v.reason.expect("a MODEL reason");
        assert_eq!(r.code, "MODEL");
        assert!(
            r.text
                .starts_with("model trained 2026-12-07 on 80 labelled ads: 0.0"),
            "{}",
            r.text
        );
        assert!(
            r.text.contains("'mnh'") || r.text.contains("'stamp'"),
            "{}",
            r.text
        );
        // Agreeing with the rules leaves no reason.
        let v = apply(&m, "macaw closed ring hand reared", &tokens, true, true);
        assert!(v.relevant && v.reason.is_none() && v.p > 0.5);
        // Never raised without a listed taxon, however sure the model is.
        let v = apply(&m, "macaw closed ring hand reared", &tokens, false, false);
        assert!(!v.relevant && v.reason.is_none());
    }

    #[test]
    fn readable_features_quote_words_and_name_evidence() {
        assert_eq!(readable("w:mnh").as_deref(), Some("'mnh'"));
        assert_eq!(
            readable("p:souvenir sheet").as_deref(),
            Some("'souvenir sheet'")
        );
        assert_eq!(readable("p:souvenir sheet | c:<sou"), None);
        assert_eq!(readable("e:kind=stamp").as_deref(), Some("[kind=stamp]"));
        assert_eq!(readable("c:<ivo"), None);
    }
}
