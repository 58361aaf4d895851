//! What the declared contents alone say: the ad detector's finding and the parcel words found.

use serde::Serialize;
use wildwatch_detect::{AdInput, Detector};

use crate::words::{words, Term, TermKind};
use crate::Terms;

/// One reason a shipment is flagged.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Flag {
    /// `species`, `wildlife`, `live`, `euphemism`, `animal`, `decoy-weight`,
    /// `craft-part`, `sender-seen-online`, `recipient-seen-online`.
    pub code: &'static str,
    /// Words a person can check.
    pub text: String,
}

/// What the contents alone say (cached per distinct contents string).
#[derive(Debug, Clone, Default)]
pub struct ContentsFinding {
    pub(crate) flags: Vec<Flag>,
    /// (animal word, lightest live weight) when the contents is a decoy object.
    pub(crate) decoy: Option<(String, String, f64)>,
    /// Animal word without a decoy object.
    pub(crate) animal: Option<String>,
}

/// Screens the contents text (weight applied later).
pub fn contents_finding(det: &Detector, terms: &Terms, contents: &str) -> ContentsFinding {
    let mut f = ContentsFinding::default();
    if contents.trim().is_empty() {
        return f;
    }
    let d = det.scan(&AdInput {
        id: String::new(),
        title: Some(contents.to_string()),
        description: None,
        lang: None,
        ..Default::default()
    });
    if d.relevant {
        if d.species.is_empty() {
            let why: Vec<String> = d
                .reasons
                .iter()
                .take(3)
                .map(|r| format!("{}: {}", r.code, r.text))
                .collect();
            f.flags.push(Flag {
                code: "wildlife",
                text: format!("detector: {} ({})", d.category, why.join("; ")),
            });
        } else {
            let sp: Vec<String> = d
                .species
                .iter()
                .map(|s| {
                    let mut t = format!("\"{}\" = {}", s.matched_text, s.scientific_name);
                    if let Some(c) = s.cites {
                        t.push_str(&format!(" CITES {c}"));
                    }
                    if let Some(a) = s.eu_annex {
                        t.push_str(&format!(" EU {a}"));
                    }
                    t
                })
                .collect();
            f.flags.push(Flag {
                code: "species",
                text: format!("{} ({})", sp.join(", "), d.category),
            });
        }
    }
    let w = words(contents);
    let found = |k: TermKind| -> Vec<&Term> {
        terms
            .0
            .iter()
            .filter(|t| t.kind == k && w.contains(&t.padded))
            .collect()
    };
    let live = found(TermKind::Live);
    if let Some(t) = live.iter().max_by_key(|t| t.padded.len()) {
        f.flags.push(Flag {
            code: "live",
            text: format!("declares live animals: \"{}\"", t.written),
        });
    }
    if let Some(t) = found(TermKind::Euphemism).first() {
        f.flags.push(Flag {
            code: "euphemism",
            text: format!("known cover wording: \"{}\"", t.written),
        });
    }
    let objects: Vec<&Term> = found(TermKind::Object)
        .into_iter()
        .chain(found(TermKind::Material))
        .collect();
    let crafts = found(TermKind::Craft);
    let parts = found(TermKind::Part);
    if let Some(p) = parts.first() {
        if let Some(c) = crafts.first().or(objects.first()) {
            f.flags.push(Flag {
                code: "craft-part",
                text: format!(
                    "worked object \"{}\" made of an animal part \"{}\"",
                    c.written, p.written
                ),
            });
        }
    }
    let animals = found(TermKind::Animal);
    if let Some(a) = animals.first() {
        if let Some(o) = objects.first() {
            f.decoy = Some((
                o.written.clone(),
                a.written.clone(),
                a.min_kg.unwrap_or(0.1),
            ));
        } else if live.is_empty() {
            f.animal = Some(a.written.clone());
        }
    }
    f
}
