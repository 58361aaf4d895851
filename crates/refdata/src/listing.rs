//! Turning listings as written (`I/II`, `II/NC`, higher-taxon listings, later changes, EU
//! differences) into the one appendix and annex that apply to a specimen named by a taxon.

use std::collections::HashMap;

use crate::changes::{self, Applied, PlannedRow};
use crate::coverage::EuBasis;
use crate::load::Table;
use crate::{Annex, Appendix, Provenance, Rank, Taxon, TaxonId};

/// Parses a written listing into its appendices and whether some part is not listed (`NC`).
pub(crate) fn parse_listing(raw: &str) -> (Vec<Appendix>, bool) {
    let mut apps = Vec::new();
    let mut nc = false;
    for part in raw.split('/') {
        match part.trim() {
            "NC" => nc = true,
            p => {
                if let Some(a) = Appendix::parse(p) {
                    apps.push(a);
                }
            }
        }
    }
    apps.sort();
    (apps, nc)
}

/// Links every taxon to its nearest ancestor present in the data: subspecies → species → genus →
/// subfamily/family → order.
#[allow(clippy::needless_range_loop)] // parents are looked up by index while taxa change
pub(crate) fn link_parents(taxa: &mut [Taxon], by_sci: &HashMap<String, TaxonId>) {
    for i in 0..taxa.len() {
        let t = &taxa[i];
        let words: Vec<&str> = t.name.split_whitespace().collect();
        let mut candidates: Vec<String> = Vec::new();
        if matches!(t.rank, Rank::Subspecies | Rank::Variety) && words.len() >= 2 {
            candidates.push(format!("{} {}", words[0], words[1]));
        }
        if t.rank >= Rank::Species && !words.is_empty() {
            candidates.push(words[0].to_string());
        }
        if t.rank >= Rank::Genus {
            candidates.push(t.lineage.family.clone());
        }
        if t.rank >= Rank::Subfamily {
            candidates.push(t.lineage.family.clone());
        }
        candidates.push(t.lineage.order.clone());
        let parent = candidates
            .iter()
            .filter(|c| !c.is_empty() && **c != t.name)
            .find_map(|c| by_sci.get(c.as_str()).copied())
            .filter(|&p| p as usize != i);
        taxa[i].parent = parent;
    }
}

/// Species counts under a higher taxon: by appendix, by annex, and in all.
type Tally = (HashMap<Appendix, u32>, HashMap<Annex, u32>, u32);

fn first_two_words(s: &str) -> String {
    s.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
}

/// What resolving the listings gives the rest of the loader.
pub(crate) struct Resolved {
    /// The listing changes as applied.
    pub applied: Applied,
    /// How each taxon's EU annex was decided.
    pub eu_basis: Vec<EuBasis>,
}

/// Resolves every taxon's one appendix and annex: split listings, later changes, EU data, higher
/// taxa, and inheritance from the parent.
pub(crate) fn resolve(
    taxa: &mut [Taxon],
    by_sci: &HashMap<String, TaxonId>,
    planned: &[PlannedRow],
    eu_verified: Option<&Table>,
    eu_overrides: Option<&Table>,
) -> Resolved {
    resolve_species_splits(taxa);
    let applied = changes::apply(taxa, planned);
    let mut eu_basis: Vec<EuBasis> = applied
        .changed
        .iter()
        .map(|&c| if c { EuBasis::Stated } else { EuBasis::Derived })
        .collect();
    default_eu_annex(taxa);
    let eu_done = apply_eu_annex_rows(taxa, by_sci, eu_verified, &mut eu_basis);
    apply_eu_overrides(taxa, by_sci, eu_overrides, &eu_done, &mut eu_basis);
    resolve_higher_taxa(taxa, &applied.changed);
    inherit_from_parents(taxa);
    Resolved { applied, eu_basis }
}

/// Species and below: a split I/II listing means Appendix I unless Appendix I belongs only to
/// subspecies (Boa constrictor occidentalis, Puma concolor coryi …).
fn resolve_species_splits(taxa: &mut [Taxon]) {
    let mut subspecies_in_i: HashMap<TaxonId, bool> = HashMap::new();
    for t in taxa.iter() {
        if matches!(t.rank, Rank::Subspecies | Rank::Variety) {
            if let Some(p) = t.parent {
                if parse_listing(&t.cites_raw).0.contains(&Appendix::I) {
                    subspecies_in_i.insert(p, true);
                }
            }
        }
    }
    for (i, t) in taxa.iter_mut().enumerate() {
        if t.rank.is_higher() || t.cites_raw.is_empty() {
            continue;
        }
        let (apps, _) = parse_listing(&t.cites_raw);
        t.cites = match apps.as_slice() {
            [] => None,
            [a] => Some(*a),
            many => {
                let only_subspecies_in_i = subspecies_in_i
                    .get(&(i as TaxonId))
                    .copied()
                    .unwrap_or(false);
                if many.contains(&Appendix::I) && !only_subspecies_in_i {
                    Some(Appendix::I)
                } else {
                    many.iter().copied().find(|a| *a != Appendix::I)
                }
            }
        };
        if apps.len() > 1 {
            t.cites_provenance.source.push_str(&format!(
                "; split listing {} read as {}",
                t.cites_raw,
                t.cites.map(|a| a.as_str()).unwrap_or("NC")
            ));
        }
    }
}

/// Default EU annex from the appendix where nothing better is known.
fn default_eu_annex(taxa: &mut [Taxon]) {
    for t in taxa.iter_mut() {
        if t.eu_annex.is_none() && !t.rank.is_higher() {
            t.eu_annex = t.cites.map(Annex::from_appendix);
        }
    }
}

/// The rows of `eu_annex.csv`. A taxon may have several population rows; the one covering "all
/// (other) populations" (or the first) gives the taxon's annex, and each scoped row is also a note.
/// Returns which taxa got their annex here.
fn apply_eu_annex_rows(
    taxa: &mut [Taxon],
    by_sci: &HashMap<String, TaxonId>,
    tab: Option<&Table>,
    eu_basis: &mut [EuBasis],
) -> Vec<bool> {
    let mut eu_done: Vec<bool> = vec![false; taxa.len()];
    let Some(tab) = tab else { return eu_done };
    for (_, rec) in &tab.rows {
        let name = tab.get(rec, "taxon");
        let Some(&id) = by_sci.get(name) else {
            continue;
        };
        let Some(annex) = Annex::parse(tab.get(rec, "annex")) else {
            continue;
        };
        let scope = tab.get(rec, "scope");
        let t = &mut taxa[id as usize];
        let src = format!("eu_annex.csv: {}", tab.get(rec, "source"));
        let verified = tab.get(rec, "verified").starts_with("yes");
        if !eu_done[id as usize] || scope.is_empty() || scope.starts_with("all") {
            t.eu_annex = Some(annex);
            t.eu_provenance = Provenance::new(src.clone(), verified);
            eu_done[id as usize] = true;
        }
        if scope.is_empty() {
            eu_basis[id as usize] = EuBasis::Stated;
        } else {
            t.notes.push(format!(
                "EU Annex {}: {} [{}]",
                annex.as_str(),
                scope,
                Provenance::new(src, verified)
            ));
        }
    }
    eu_done
}

/// The rows of `eu_annex_overrides.csv` for taxa `eu_annex.csv` did not decide; a row for part of a
/// species ("Loxodonta africana (populations of …)") is a note on the species.
fn apply_eu_overrides(
    taxa: &mut [Taxon],
    by_sci: &HashMap<String, TaxonId>,
    tab: Option<&Table>,
    eu_done: &[bool],
    eu_basis: &mut [EuBasis],
) {
    let Some(tab) = tab else { return };
    for (_, rec) in &tab.rows {
        let name = tab.get(rec, "scientific_name");
        let Some(&id) = by_sci.get(name) else {
            if let Some(&id) = by_sci.get(&first_two_words(name)) {
                taxa[id as usize].notes.push(format!(
                    "{name}: EU Annex {} [eu_annex_overrides.csv, unverified]",
                    tab.get(rec, "eu_annex")
                ));
            }
            continue;
        };
        if eu_done[id as usize] {
            continue;
        }
        let t = &mut taxa[id as usize];
        let verified = tab.get(rec, "verified") == "yes";
        let src = format!(
            "eu_annex_overrides.csv: {} ({})",
            tab.get(rec, "note"),
            tab.get(rec, "source")
        );
        match tab.get(rec, "eu_annex") {
            "NC" => {
                t.eu_annex = None;
                t.eu_provenance = Provenance::new(src, verified);
                eu_basis[id as usize] = EuBasis::Stated;
            }
            a => {
                if let Some(a) = Annex::parse(a) {
                    t.eu_annex = Some(a);
                    t.eu_provenance = Provenance::new(src, verified);
                    eu_basis[id as usize] = EuBasis::Stated;
                }
            }
        }
    }
}

/// Higher taxa: the listing that most of their species have (taxa whose listing a later change set
/// keep it).
fn resolve_higher_taxa(taxa: &mut [Taxon], changed: &[bool]) {
    let mut tallies: HashMap<TaxonId, Tally> = HashMap::new();
    for t in taxa.iter() {
        if t.rank != Rank::Species {
            continue;
        }
        let Some(c) = t.cites else { continue };
        let mut cur = t.parent;
        let mut guard = 0;
        while let Some(p) = cur {
            let e = tallies.entry(p).or_default();
            *e.0.entry(c).or_default() += 1;
            if let Some(a) = t.eu_annex {
                *e.1.entry(a).or_default() += 1;
            }
            e.2 += 1;
            cur = taxa[p as usize].parent;
            guard += 1;
            if guard > 10 {
                break;
            }
        }
    }
    for (i, t) in taxa.iter_mut().enumerate() {
        if !t.rank.is_higher() || changed[i] {
            continue;
        }
        let (apps, _) = parse_listing(&t.cites_raw);
        if apps.is_empty() {
            continue;
        }
        match tallies.get(&(i as TaxonId)) {
            Some((cites, eu, n)) if apps.len() > 1 => {
                t.cites = cites
                    .iter()
                    .max_by_key(|(a, c)| (**c, std::cmp::Reverse(**a)))
                    .map(|(a, _)| *a);
                t.eu_annex = eu
                    .iter()
                    .max_by_key(|(a, c)| (**c, std::cmp::Reverse(**a)))
                    .map(|(a, _)| *a);
                t.cites_provenance.source.push_str(&format!(
                    "; split listing {} read as the listing of most of its {n} species",
                    t.cites_raw
                ));
            }
            _ => {
                // One appendix, or no species of it in the data: the least strict part applies.
                t.cites = apps
                    .iter()
                    .copied()
                    .find(|a| *a != Appendix::I)
                    .or(Some(apps[0]));
                t.eu_annex = t.cites.map(Annex::from_appendix);
            }
        }
    }
}

/// Species whose row carries no listing inherit their parent's.
#[allow(clippy::needless_range_loop)] // parents are looked up by index while taxa change
fn inherit_from_parents(taxa: &mut [Taxon]) {
    for i in 0..taxa.len() {
        if taxa[i].rank.is_higher() || !taxa[i].cites_raw.is_empty() || taxa[i].cites.is_some() {
            continue;
        }
        let mut cur = taxa[i].parent;
        while let Some(p) = cur {
            if taxa[p as usize].cites.is_some() {
                let (c, e) = (taxa[p as usize].cites, taxa[p as usize].eu_annex);
                let pname = taxa[p as usize].name.clone();
                let t = &mut taxa[i];
                t.cites = c;
                if t.eu_annex.is_none() {
                    t.eu_annex = e;
                }
                t.cites_provenance.source = format!("inherited from {pname}");
                break;
            }
            cur = taxa[p as usize].parent;
        }
    }
}
