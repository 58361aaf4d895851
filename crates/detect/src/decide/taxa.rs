//! Stage 4 — taxa: the named taxa, then those implied by materials and code words, without the
//! ancestors of others; which of them are listed; and the SPECIES and PART reasons.

use wildwatch_refdata::{Annex, Appendix, Coverage, ListingChoice, Origin, TaxonId};

use crate::evidence::{Evidence, Span};
use crate::{Detector, Reason, SpeciesHit};

/// A taxon the ad names or implies, with the words that did.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Chosen {
    /// The taxon.
    pub taxon: TaxonId,
    /// The ad's words.
    pub words: String,
    /// Where.
    pub span: Option<Span>,
}

/// The taxa named, then those implied by materials and code words; ancestors of named taxa
/// dropped; a material's implied taxon gives way to a listed animal the ad names.
pub(crate) fn choose(d: &Detector, ev: &Evidence) -> Vec<Chosen> {
    let mut named: Vec<Chosen> = ev
        .taxa
        .iter()
        .map(|t| Chosen {
            taxon: t.taxon,
            words: t.words.clone(),
            span: Some(t.span),
        })
        .collect();
    for m in &ev.materials {
        if let Some(t) = m.implies {
            named.push(Chosen {
                taxon: t,
                words: m.words.clone(),
                span: Some(m.span),
            });
        }
    }
    for c in &ev.codes {
        if let Some(t) = c.implies {
            named.push(Chosen {
                taxon: t,
                words: c.words.clone(),
                span: Some(c.span),
            });
        }
    }
    let ids: Vec<TaxonId> = named.iter().map(|n| n.taxon).collect();
    let mut chosen: Vec<Chosen> = Vec::new();
    for (i, n) in named.iter().enumerate() {
        if chosen.iter().any(|c| c.taxon == n.taxon) {
            continue;
        }
        let ancestor_of_other = ids
            .iter()
            .enumerate()
            .any(|(j, o)| j != i && *o != n.taxon && d.refdata.ancestors(*o).contains(&n.taxon));
        if !ancestor_of_other {
            chosen.push(n.clone());
        }
    }
    // A material that implies a taxon (ivory → elephant) gives way to a named taxon of the same kind.
    if chosen.len() > 1 {
        let implied: Vec<TaxonId> = ev.materials.iter().filter_map(|m| m.implies).collect();
        let has_named_animal = ev.taxa.iter().any(|t| d.refdata.taxon(t.taxon).is_listed());
        if has_named_animal {
            chosen.retain(|c| {
                !implied.contains(&c.taxon) || ev.taxa.iter().any(|t| t.taxon == c.taxon)
            });
        }
    }
    chosen
}

/// The NOT_LISTED reason of every chosen taxon that is not listed.
pub(crate) fn not_listed_reasons(d: &Detector, chosen: &[Chosen]) -> Vec<Reason> {
    chosen
        .iter()
        .filter_map(|c| {
            let t = d.refdata.taxon(c.taxon);
            (!t.is_listed()).then(|| Reason {
                code: "NOT_LISTED",
                text: format!(
                    "'{}' → {}: not listed in CITES or the EU annexes",
                    c.words, t.name
                ),
                list: Some(t.eu_provenance.source.clone()),
                span: c.span,
            })
        })
        .collect()
}

/// A listed taxon of the ad with the listing that applies to it.
#[derive(Debug, Clone)]
pub(crate) struct Listed<'a> {
    /// The taxon and the words that named it.
    pub chosen: &'a Chosen,
    /// The CITES appendix that applies.
    pub appendix: Option<Appendix>,
    /// The EU annex that applies.
    pub annex: Option<Annex>,
}

/// True when the taxon's listing annotation is only about its domesticated form ("Appendix I:
/// Specimens of the domesticated form are not subject to the provisions of the Convention":
/// Chinchilla, gaur, yak): the pets and farmed animals sold under its name are that form. A
/// family-wide annotation that first names other exceptions (Felidae: "Except the species
/// included in Appendix I. Specimens of the domesticated form …") is not this case: a caracal
/// is no domestic cat.
fn domesticated_form_listing(annotation: Option<&str>) -> bool {
    annotation.is_some_and(|a| {
        a.split(" | ").all(|part| {
            part.split_once(':').is_some_and(|(_, text)| {
                text.trim_start()
                    .starts_with("Specimens of the domesticated form")
            })
        })
    })
}

/// The ad says its animal was taken from the wild.
fn wild_origin(text: &str) -> bool {
    const WILD: &[&str] = &[
        "wild caught",
        "wild-caught",
        "wildcaught",
        "wildfang",
        "wildvang",
        "naturentnahme",
        "capturé dans la nature",
        "capture dans la nature",
        "prélevé dans la nature",
        "uit het wild",
        "from the wild",
        "aus der natur",
    ];
    let lower = text.to_lowercase();
    WILD.iter().any(|w| lower.contains(w))
}

/// Which chosen taxa are listed, and under which appendix. A listing that covers only part of a
/// species (named subspecies, named populations, "NC" for the rest: red deer, ostrich, red fox,
/// fallow deer) is decided per ad from the origin the ad states (a country, a region, a
/// subspecies): the origin selects the part. With no origin, or one that does not decide, the ad
/// counts only when every possible part is listed (an I/II split such as the African elephant:
/// the reading of the reference data is assumed and said); when some part is not listed at all,
/// that part is taken as the plausible one (the listed parts are a few wild populations or
/// subspecies; what is sold in Europe is farmed or of the unlisted remainder), and the taxon does
/// not make the ad relevant. Each such decision gives a PARTIAL_LISTING reason. A listing only about
/// the domesticated form (Chinchilla) covers a pet or farmed animal only with a stated wild origin
/// (DOMESTIC_FORM reason).
pub(crate) fn listed<'a>(
    d: &Detector,
    chosen: &'a [Chosen],
    text: &str,
    reasons: &mut Vec<Reason>,
) -> Vec<Listed<'a>> {
    let mut origins: Option<Vec<Origin>> = None;
    let mut out = Vec::new();
    for c in chosen {
        let t = d.refdata.taxon(c.taxon);
        if !t.is_listed() {
            continue;
        }
        if domesticated_form_listing(t.annotation.as_deref()) && !wild_origin(text) {
            reasons.push(Reason {
                code: "DOMESTIC_FORM",
                text: format!(
                    "'{}': {} — the domesticated form is not subject to CITES and the ad states \
                     no wild origin",
                    c.words, t.name
                ),
                list: Some(t.cites_provenance.source.clone()),
                span: c.span,
            });
            continue;
        }
        let whole = Listed {
            chosen: c,
            appendix: t.cites,
            annex: t.eu_annex,
        };
        if !matches!(t.coverage, Coverage::Parts(_)) {
            out.push(whole);
            continue;
        }
        let origins = origins.get_or_insert_with(|| {
            wildwatch_refdata::origins_in(text)
                .into_iter()
                .map(|(o, _)| o)
                .collect()
        });
        let choice = t.listing_for_origins(origins);
        let (kept, why) = match &choice {
            ListingChoice::Listed {
                appendix, annex, ..
            } => (
                Some(Listed {
                    chosen: c,
                    appendix: *appendix,
                    annex: *annex,
                }),
                choice.reason().to_string(),
            ),
            ListingChoice::NotCovered { reason } => (None, reason.clone()),
            ListingChoice::Undetermined { options, reason } if options.contains(&None) => (
                None,
                format!("{reason}; origin not stated or not decisive: the unlisted part is taken as the plausible one"),
            ),
            ListingChoice::Undetermined { reason, .. } => (
                Some(whole),
                format!(
                    "{reason}; origin not stated or not decisive: {} assumed",
                    listing_words(t.cites, t.eu_annex)
                ),
            ),
        };
        reasons.push(Reason {
            code: "PARTIAL_LISTING",
            text: format!("'{}': {why}", c.words),
            list: Some(t.cites_provenance.source.clone()),
            span: c.span,
        });
        out.extend(kept);
    }
    out
}

fn listing_words(cites: Option<Appendix>, annex: Option<Annex>) -> String {
    format!(
        "CITES {}, EU Annex {}",
        cites.map(Appendix::as_str).unwrap_or("-"),
        annex.map(Annex::as_str).unwrap_or("-")
    )
}

/// The strictest appendix and annex among the listed taxa.
pub(crate) type Strictest = (Option<Appendix>, Option<Annex>);

/// The species of a relevant ad, their SPECIES reasons and the strictest listing among them.
pub(crate) fn species(
    d: &Detector,
    listed: &[Listed],
    reasons: &mut Vec<Reason>,
) -> (Vec<SpeciesHit>, Option<Strictest>) {
    let mut species = Vec::new();
    let mut strictest: Option<Strictest> = None;
    for l in listed {
        let (c, t) = (l.chosen, d.refdata.taxon(l.chosen.taxon));
        species.push(SpeciesHit {
            scientific_name: t.name.clone(),
            cites: l.appendix.map(Appendix::as_str),
            eu_annex: l.annex.map(Annex::as_str),
            matched_text: c.words.clone(),
        });
        reasons.push(Reason {
            code: "SPECIES",
            text: format!(
                "'{}' → {} (CITES {}, EU Annex {})",
                c.words,
                t.name,
                l.appendix.map(Appendix::as_str).unwrap_or("-"),
                l.annex.map(Annex::as_str).unwrap_or("-")
            ),
            list: Some(t.cites_provenance.source.clone()),
            span: c.span,
        });
        let level = (l.appendix, l.annex);
        strictest = Some(match strictest {
            None => level,
            Some(s) => (min_opt(s.0, level.0), min_opt(s.1, level.1)),
        });
    }
    (species, strictest)
}

/// The PART reasons of a relevant ad: its materials and part words.
pub(crate) fn part_reasons(ev: &Evidence) -> Vec<Reason> {
    let materials = ev.materials.iter().map(|m| Reason {
        code: "PART",
        text: format!("'{}': {}", m.words, m.concept.replace('_', " ")),
        list: Some(m.list.clone()),
        span: Some(m.span),
    });
    let parts = ev.generic_parts.iter().map(|g| Reason {
        code: "PART",
        text: format!("'{}': {}", g.words, g.concept),
        list: Some("parts.csv".into()),
        span: Some(g.span),
    });
    materials.chain(parts).collect()
}

fn min_opt<T: Ord + Copy>(a: Option<T>, b: Option<T>) -> Option<T> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_of_options() {
        assert_eq!(min_opt(Some(2), Some(1)), Some(1));
        assert_eq!(min_opt(None, Some(3)), Some(3));
        assert_eq!(min_opt::<u8>(None, None), None);
    }
}
