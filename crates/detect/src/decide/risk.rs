//! Stage 9 — risk: the class by the rules of the `scan` contract, with the reason.

use wildwatch_refdata::{Annex, Appendix};

use super::documents::Documents;
use super::taxa::Strictest;
use crate::evidence::Evidence;
use crate::Reason;

pub use wildwatch_vocab::Risk;

const HIGH_RISK_MATERIALS: &[&str] = &["ivory", "rhino_horn", "tortoiseshell", "elephant_hair"];

/// What the risk rules look at.
pub(crate) struct RiskFacts<'a> {
    pub relevant: bool,
    pub lookalike: bool,
    pub has_code: bool,
    pub strictest: Option<Strictest>,
    pub docs: &'a Documents,
    pub title_end: usize,
}

/// Stage 9: the risk class and score, and the RISK_* reason of a relevant ad.
pub(crate) fn classify(ev: &Evidence, f: &RiskFacts, reasons: &mut Vec<Reason>) -> (Risk, u8) {
    let obfuscated = !ev.obfuscated.is_empty();
    if !f.relevant {
        let score = if f.lookalike && (f.has_code || obfuscated) {
            5
        } else {
            0
        };
        return (Risk::None, score);
    }
    let (cites, annex) = f.strictest.unwrap_or((None, None));
    let annex_a = cites == Some(Appendix::I) || annex == Some(Annex::A);
    let annex_b = cites == Some(Appendix::II) || annex == Some(Annex::B);
    let docs = f.docs;
    let valid = docs.has("cites_certificate") || docs.has("article10");
    let any_doc = valid
        || ["captive_bred", "ring", "microchip"]
            .iter()
            .any(|x| docs.has(x));
    let high_material = ev
        .materials
        .iter()
        .any(|m| HIGH_RISK_MATERIALS.contains(&m.concept.as_str()))
        || f.has_code;
    let dubious = !ev.dubious.is_empty();
    let mut high: Vec<&str> = Vec::new();
    if docs.has("no_papers") {
        high.push("the ad says there are no papers");
    }
    if f.has_code {
        high.push("code words");
    }
    if obfuscated {
        high.push("obfuscated spelling");
    }
    if high_material && !valid {
        high.push("ivory, rhino horn or tortoiseshell without a certificate");
    }
    if annex_a && !valid {
        high.push(
            "Appendix I / Annex A specimen without a CITES certificate or Article 10 certificate",
        );
    }
    let mut push = |code: &'static str, text: String| {
        reasons.push(Reason {
            code,
            text,
            list: None,
            span: Some([0, f.title_end]),
        })
    };
    if !high.is_empty() {
        let score = (70 + 8 * high.len() as u32 + if annex_a { 6 } else { 0 }).min(100) as u8;
        push("RISK_HIGH", high.join("; "));
        (Risk::High, score)
    } else if dubious || (annex_b && !any_doc) {
        let why = if dubious {
            "documents claimed but dubious"
        } else {
            "Appendix II / Annex B specimen without documents"
        };
        push("RISK_MEDIUM", why.into());
        (Risk::Medium, if dubious { 55 } else { 45 })
    } else {
        let why = if any_doc {
            "plausible documents claimed"
        } else {
            "Appendix III / Annex C–D"
        };
        push("RISK_LOW", why.into());
        (Risk::Low, if annex_a { 30 } else { 20 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(docs: &'a Documents, strictest: Strictest) -> RiskFacts<'a> {
        RiskFacts {
            relevant: true,
            lookalike: false,
            has_code: false,
            strictest: Some(strictest),
            docs,
            title_end: 5,
        }
    }

    #[test]
    fn appendix_i_without_certificate_is_high() {
        let docs = Documents::default();
        let mut r = Vec::new();
        let (risk, score) = classify(
            &Evidence::default(),
            &facts(&docs, (Some(Appendix::I), Some(Annex::A))),
            &mut r,
        );
        assert_eq!(risk, Risk::High);
        assert!(score >= 70);
        assert_eq!(r[0].code, "RISK_HIGH");
    }

    #[test]
    fn appendix_ii_with_a_ring_is_low_without_is_medium() {
        let mut docs = Documents::default();
        let mut r = Vec::new();
        let ii = (Some(Appendix::II), Some(Annex::B));
        assert_eq!(
            classify(&Evidence::default(), &facts(&docs, ii), &mut r).0,
            Risk::Medium
        );
        docs.claimed.insert("ring");
        assert_eq!(
            classify(&Evidence::default(), &facts(&docs, ii), &mut r).0,
            Risk::Low
        );
    }

    #[test]
    fn not_relevant_is_none() {
        let docs = Documents::default();
        let mut f = facts(&docs, (None, None));
        f.relevant = false;
        let mut r = Vec::new();
        assert_eq!(classify(&Evidence::default(), &f, &mut r), (Risk::None, 0));
        assert!(r.is_empty());
    }
}
