//! Stage 6 — documents: the claims that stand after denials ("keine Papiere"), withdrawals
//! ("not ringed") and the papers that are the Article 10 certificate; reported for relevant
//! ads only, and never as a buyer's claim.

use std::collections::BTreeSet;

use crate::evidence::{DocClaim, Evidence};
use crate::{Reason, DOCUMENT_CODES};

/// The documents that stand.
#[derive(Debug, Default)]
pub(crate) struct Documents {
    /// The codes claimed, whether the ad is relevant or not.
    pub claimed: BTreeSet<&'static str>,
    /// The codes reported (relevant ads only), in output order.
    pub reported: Vec<&'static str>,
}

impl Documents {
    pub(crate) fn has(&self, code: &str) -> bool {
        self.claimed.contains(code)
    }
}

/// A claim of papers followed or closely preceded by a denial ("Papiere hab ich leider keine",
/// "keine CITES-Papiere") is the opposite claim.
fn apply_denials(ev: &mut Evidence, text: &str) {
    let negations = ev.negations.clone();
    for dc in ev.docs.iter_mut() {
        if !matches!(dc.code, "cites_certificate" | "article10") {
            continue;
        }
        let denied = negations.iter().any(|n| {
            let after = n[0] >= dc.span[1]
                && n[0] - dc.span[1] <= 40
                && !text[dc.span[1]..n[0]].contains(['.', '!', '?', '\n', ';']);
            let before = n[1] <= dc.span[0] && dc.span[0] - n[1] <= 12;
            after || before
        });
        if denied {
            dc.code = "no_papers";
            dc.words = text[dc.span[0]..dc.span[1]].to_string();
        }
    }
    // "not ringed", "kein Chip": the claim is withdrawn.
    ev.docs.retain(|dc| {
        !matches!(dc.code, "ring" | "microchip" | "dna_sexed" | "captive_bred")
            || !negations
                .iter()
                .any(|n| n[1] <= dc.span[0] && dc.span[0] - n[1] <= 3)
    });
}

/// "A10 papieren", "EG-Bescheinigung und Papiere": the papers are the Article 10 certificate.
fn papers_are_article10(ev: &mut Evidence) {
    if !ev.docs.iter().any(|d| d.code == "article10") {
        return;
    }
    let plain_papers = |d: &DocClaim| {
        matches!(
            wildwatch_text::normalize(&d.words).text.as_str(),
            "papiere"
                | "papieren"
                | "papiers"
                | "papers"
                | "paperwork"
                | "mit papieren"
                | "met papieren"
                | "avec papiers"
        )
    };
    ev.docs
        .retain(|d| d.code != "cites_certificate" || !plain_papers(d));
}

/// Stage 6: the documents of the ad and, for a relevant ad, their reasons.
pub(crate) fn resolve(
    ev: &mut Evidence,
    text: &str,
    relevant: bool,
    reasons: &mut Vec<Reason>,
) -> Documents {
    apply_denials(ev, text);
    papers_are_article10(ev);
    let mut claimed: BTreeSet<&'static str> = ev.docs.iter().map(|d| d.code).collect();
    if claimed.contains("no_papers") {
        claimed.remove("cites_certificate");
    }
    // Claims are reported for relevant ads only, like species and specimens; a buyer's ad asks
    // for papers ("nur mit EU-Bescheinigung"), it does not claim them.
    let buyer = !ev.wanted.is_empty() && !ev.offer_override;
    if buyer {
        claimed.retain(|d| *d == "no_papers");
    }
    let reported: Vec<&'static str> = DOCUMENT_CODES
        .iter()
        .copied()
        .filter(|c| relevant && claimed.contains(c))
        .collect();
    if relevant {
        reasons.extend(document_reasons(ev, &claimed));
    }
    Documents { claimed, reported }
}

fn document_reasons<'a>(
    ev: &'a Evidence,
    claimed: &'a BTreeSet<&'static str>,
) -> impl Iterator<Item = Reason> + 'a {
    let claims = ev
        .docs
        .iter()
        .filter(|dc| claimed.contains(dc.code))
        .map(|dc| Reason {
            code: if dc.code == "no_papers" {
                "NO_PAPERS"
            } else {
                "DOCUMENT"
            },
            text: format!("'{}': {}", dc.words, dc.code),
            list: Some(dc.list.clone()),
            span: Some(dc.span),
        });
    let dubious = ev.dubious.iter().map(|du| Reason {
        code: "DUBIOUS_DOCUMENT",
        text: format!("'{}' casts doubt on the documents", du.words),
        list: Some("documents.csv".into()),
        span: Some(du.span),
    });
    claims.chain(dubious)
}
