//! What part of a taxon a listing covers: subspecies with their own listing, population listings
//! ("Appendix I: Populations of BT, IN, NP, PK"), and the parts that are not listed (`NC`).
//!
//! [`Taxon::cites`] and [`Taxon::eu_annex`] keep the one strictest-or-commonest reading;
//! [`Taxon::coverage`] says which appendix applies to which part, so that an ad's stated origin can
//! be checked against it (see [`Taxon::listing_for_origin`]).

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

use crate::listing::parse_listing;
use crate::load::Table;
use crate::places::{places, tokens, PlaceKind};
use crate::{fold, Annex, Appendix, Provenance, Rank, Taxon, TaxonId};

/// Which parts of a taxon its listing covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Coverage {
    /// [`Taxon::cites`] and [`Taxon::eu_annex`] apply to every specimen of the taxon (or it is not
    /// listed at all).
    Whole,
    /// Only parts of the species (or subspecies) are listed, or its parts are listed in different
    /// appendices.
    Parts(PartialListing),
    /// A higher taxon whose member taxa are listed differently (a split listing such as
    /// Psittaciformes `I/II/NC`): each member has its own listing and coverage.
    Members,
}

/// A listing that covers only parts of a taxon, or its parts differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartialListing {
    /// The listed parts, as read from the data.
    pub parts: Vec<ListedPart>,
    /// True when some part is not listed at all (the `NC` of the written listing).
    pub unlisted_remainder: bool,
    /// The whole listing in words, e.g. "Appendix I only for the populations of BF, CF, …; other
    /// populations not listed".
    pub text: String,
}

/// One listed part of a taxon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedPart {
    /// The CITES appendix of this part.
    pub appendix: Appendix,
    /// The EU annex of this part (EU data for the part where there is any, else the default
    /// mapping I→A, II→B, III→C, or the annex the EU gives the whole taxon).
    pub annex: Option<Annex>,
    /// Which part.
    pub scope: Scope,
    /// Where the part and its appendix come from.
    pub provenance: Provenance,
    /// Where the annex comes from.
    pub annex_provenance: Provenance,
}

/// The part of a taxon a [`ListedPart`] covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Named subspecies (or varieties), by full name, with the countries they occur in.
    Subspecies {
        /// Full scientific names, e.g. `Cervus elaphus hanglu`.
        names: Vec<String>,
        /// ISO 3166-1 alpha-2 codes of their range (may be empty when the data has none).
        range: Vec<String>,
    },
    /// The populations of these countries.
    Populations {
        /// ISO codes of countries whose whole population is meant.
        countries: Vec<String>,
        /// ISO codes of countries of which only part of the population is meant ("part of the
        /// population of CO", "population of West Greenland").
        partly: Vec<String>,
    },
    /// All populations except those of these countries.
    AllExcept(Vec<String>),
    /// Everything the other parts do not cover ("all populations except those included in
    /// Appendix I", "Included in Ursidae spp.").
    Rest,
}

impl Scope {
    /// The scope in words, e.g. "the populations of BW, NA, ZA, ZW".
    pub fn describe(&self) -> String {
        match self {
            Scope::Subspecies { names, .. } => format!("the subspecies {}", names.join(", ")),
            Scope::Populations { countries, partly } => {
                let mut s = String::new();
                if !countries.is_empty() {
                    let _ = write!(s, "the populations of {}", countries.join(", "));
                }
                if !partly.is_empty() {
                    if !s.is_empty() {
                        s.push_str(" and ");
                    }
                    let _ = write!(s, "part of the populations of {}", partly.join(", "));
                }
                s
            }
            Scope::AllExcept(c) => format!("all populations except those of {}", c.join(", ")),
            Scope::Rest => "all other populations".to_string(),
        }
    }
}

/// A listing change that applies to the populations of some countries only (a row of
/// `listing_changes_since_2017.csv` such as "Caiman latirostris (population of Brazil)").
#[derive(Debug, Clone)]
pub(crate) struct PopulationChange {
    /// The taxon it applies to.
    pub taxon: TaxonId,
    /// The new appendix of those populations.
    pub appendix: Appendix,
    /// The countries (whole and partly).
    pub countries: Vec<String>,
    /// Countries of which only a part is meant.
    pub partly: Vec<String>,
    /// The row.
    pub provenance: Provenance,
}

/// Countries named in a population phrase, split by whether the whole population is meant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PlaceSet {
    /// Countries whose whole population is meant.
    pub whole: Vec<String>,
    /// Countries of which only a part is meant.
    pub partly: Vec<String>,
}

impl PlaceSet {
    fn is_empty(&self) -> bool {
        self.whole.is_empty() && self.partly.is_empty()
    }
}

/// Words that may stand between "population of" and a country name without making it a part of the
/// country.
const LINKING_WORDS: &[&str] = &[
    "of",
    "the",
    "and",
    "population",
    "populations",
    "popn",
    "popns",
    "only",
    "in",
    "from",
    "et",
    "de",
    "du",
    "des",
];

/// Words before a country name that make it a part of the country ("West Greenland").
const PART_WORDS: &[&str] = &[
    "west", "east", "north", "south", "western", "eastern", "northern", "southern", "central",
];

/// Finds the countries a population phrase names: ISO codes written in capitals (`BW, NA`), country
/// names (`Brazil`, `Russian Federation`) and regions (`Asia`, `Central and North America`,
/// intersected with `distribution` when there is one). Text in parentheses is left out ("Population
/// of MX only (Populations of CA & US removed)"); countries after "excluding" are taken away ("Europe
/// excluding the area that formerly constituted the USSR"); a clause with "part of", or a country
/// name preceded by another name or a compass word ("Salta Province Argentina", "West Greenland"),
/// gives a partly-covered country.
pub(crate) fn countries_in(text: &str, distribution: &[String]) -> PlaceSet {
    let text = strip_parentheses(text);
    let mut set = PlaceSet::default();
    for clause in split_clauses(&text) {
        let cut = find_ci(clause, "excluding").unwrap_or(clause.len());
        let (named, minus) = clause.split_at(cut);
        let partly_clause = {
            let f = fold(named);
            f.contains("part of") || f.contains("parts of")
        };
        let minus_codes = codes_in(minus, distribution)
            .into_iter()
            .map(|(c, _)| c)
            .collect::<BTreeSet<_>>();
        for (code, partly) in codes_in(named, distribution) {
            if minus_codes.contains(&code) {
                continue;
            }
            let list = if partly || partly_clause {
                &mut set.partly
            } else {
                &mut set.whole
            };
            if !list.contains(&code) {
                list.push(code);
            }
        }
    }
    set.whole.retain(|c| !set.partly.contains(c));
    set
}

/// ISO codes named in a clause, each with whether only part of the country is meant.
fn codes_in(clause: &str, distribution: &[String]) -> Vec<(String, bool)> {
    let p = places();
    let mut out: Vec<(String, bool)> = Vec::new();
    for t in tokens(clause) {
        let word = &clause[t.span.clone()];
        if word.len() == 2 && word.chars().all(|c| c.is_ascii_uppercase()) && p.is_country(word) {
            out.push((word.to_string(), false));
        }
    }
    for (place, span) in p.find(clause) {
        match place.kind {
            PlaceKind::Country => {
                out.push((place.key.clone(), is_part_of_country(clause, span.start)))
            }
            PlaceKind::Region => {
                let inside: Vec<&String> = place
                    .members
                    .iter()
                    .filter(|m| distribution.is_empty() || distribution.contains(m))
                    .collect();
                out.extend(inside.into_iter().map(|m| (m.clone(), false)));
            }
            PlaceKind::Husbandry => {}
        }
    }
    out
}

/// Byte offset of an ASCII word in a text, ignoring case.
fn find_ci(text: &str, word: &str) -> Option<usize> {
    text.as_bytes()
        .windows(word.len())
        .position(|w| w.eq_ignore_ascii_case(word.as_bytes()))
}

/// True when the word right before a country name (with only spaces between) makes it a part of
/// the country: a compass word, or another capitalised name ("Salta Province Argentina").
fn is_part_of_country(clause: &str, start: usize) -> bool {
    let before = tokens(&clause[..start]);
    let Some(prev) = before.last() else {
        return false;
    };
    if !clause[prev.span.end..start].trim().is_empty() {
        return false;
    }
    let word = &clause[prev.span.clone()];
    if PART_WORDS.contains(&prev.folded.as_str()) {
        return true;
    }
    !LINKING_WORDS.contains(&prev.folded.as_str())
        && word.chars().next().is_some_and(char::is_uppercase)
        && !(word.len() == 2 && places().is_country(word))
}

fn strip_parentheses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Splits at ", and ", ";" and sentence ends, so that "part of the population of CO, and the
/// population of CU" gives two clauses.
fn split_clauses(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        let cut = [", and ", "; ", ". "]
            .iter()
            .filter_map(|sep| rest.find(sep).map(|i| (i, sep.len())))
            .min();
        match cut {
            Some((i, len)) => {
                out.push(&rest[..i]);
                rest = &rest[i + len..];
            }
            None => {
                out.push(rest);
                break;
            }
        }
    }
    out
}

/// What one section of a listing annotation ("Appendix II:…") says about the part it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SectionScope {
    /// "Populations of …".
    Populations(PlaceSet),
    /// "All populations except those of …".
    AllExcept(Vec<String>),
    /// Anything else: the section's appendix applies to what the other parts do not cover.
    Rest,
}

/// True when a text may name populations ("Population of", "Popns of", "populations"): a cheap test
/// that comes before reading it.
fn names_populations(text: &str) -> bool {
    text.contains("opul") || text.contains("opn")
}

/// Reads one annotation section body (after "Appendix II:").
pub(crate) fn classify_section(body: &str, distribution: &[String]) -> SectionScope {
    // Most sections ("Except the species included in Appendix I") name no population: skip them
    // cheaply, as ~36,000 taxa share a few such annotations. ("Except stock of west Greenland" names
    // only part of a country, which gives no exception either.)
    if !names_populations(body) {
        return SectionScope::Rest;
    }
    let f = fold(&strip_parentheses(body));
    let f = f.trim();
    let mentions_populations = ["population", "popn"].iter().any(|w| f.contains(w));
    let first_sentence = f.split(". ").next().unwrap_or_default();
    if f.starts_with("except") || (f.starts_with("all") && first_sentence.contains("except")) {
        if !mentions_populations || first_sentence.contains("included in appendix") {
            return SectionScope::Rest;
        }
        let after = find_ci(body, "except").map(|i| &body[i..]).unwrap_or(body);
        let set = countries_in(after, distribution);
        return if set.whole.is_empty() {
            SectionScope::Rest
        } else {
            SectionScope::AllExcept(set.whole)
        };
    }
    if mentions_populations {
        let set = countries_in(body, distribution);
        if !set.is_empty() {
            return SectionScope::Populations(set);
        }
    }
    SectionScope::Rest
}

/// Splits an annotation into its sections: `(appendix, body)`.
pub(crate) fn annotation_sections(annotation: &str) -> Vec<(Appendix, &str)> {
    annotation
        .split(" | ")
        .filter_map(|s| {
            let (head, body) = s.split_once(':')?;
            let a = Appendix::parse(head.trim().strip_prefix("Appendix")?)?;
            Some((a, body.trim()))
        })
        .collect()
}

/// EU annex rows of `eu_annex.csv` that apply to part of a taxon ("populations of Botswana, …").
#[derive(Debug, Clone)]
pub(crate) struct ScopedAnnex {
    taxon: String,
    annex: Annex,
    scope: SectionScope,
    provenance: Provenance,
}

/// Reads the scoped rows of `eu_annex.csv`.
pub(crate) fn scoped_annexes(
    tab: Option<&Table>,
    taxa: &[Taxon],
    by_sci: &HashMap<String, TaxonId>,
) -> Vec<ScopedAnnex> {
    let Some(tab) = tab else { return Vec::new() };
    tab.rows
        .iter()
        .filter_map(|(_, rec)| {
            let scope_text = tab.get(rec, "scope");
            let taxon = tab.get(rec, "taxon");
            let annex = Annex::parse(tab.get(rec, "annex"))?;
            if scope_text.is_empty() {
                return None;
            }
            let dist = by_sci
                .get(taxon)
                .map(|&id| taxa[id as usize].distribution.clone())
                .unwrap_or_default();
            Some(ScopedAnnex {
                taxon: taxon.to_string(),
                annex,
                scope: classify_section(scope_text, &dist),
                provenance: Provenance::new(
                    format!("eu_annex.csv: {} ({scope_text})", tab.get(rec, "source")),
                    tab.get(rec, "verified").starts_with("yes"),
                ),
            })
        })
        .collect()
}

/// How a taxon's EU annex was decided, which tells whether its parts share it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EuBasis {
    /// Derived from the appendix (I→A, II→B, III→C): each part gets the annex of its own appendix.
    Derived,
    /// Stated for the whole taxon (eu_annex.csv, eu_annex_overrides.csv, a listing change): every
    /// part has it.
    Stated,
}

/// Everything the coverage of the taxa is built from, besides the taxa themselves.
pub(crate) struct CoverageInputs<'a> {
    /// Population listing changes.
    pub population_changes: &'a [PopulationChange],
    /// Scoped EU annex rows.
    pub scoped_annexes: &'a [ScopedAnnex],
    /// How each taxon's EU annex was decided (by taxon index).
    pub eu_basis: &'a [EuBasis],
    /// Taxa whose whole listing a later change set (by taxon index): their listing is whole.
    pub changed: &'a [bool],
}

/// Sets [`Taxon::coverage`] of every taxon: subspecies and varieties first, then species (which take
/// their subspecies' parts), then higher taxa.
pub(crate) fn build(taxa: &mut [Taxon], inputs: &CoverageInputs<'_>) {
    let children = children_by_species(taxa);
    for pass in [Pass::BelowSpecies, Pass::Species] {
        for i in 0..taxa.len() {
            if !pass.includes(taxa[i].rank) {
                continue;
            }
            let kids = children.get(&(i as TaxonId)).cloned().unwrap_or_default();
            let coverage = coverage_of(taxa, i as TaxonId, &kids, inputs);
            taxa[i].coverage = coverage;
        }
    }
    for t in taxa.iter_mut().filter(|t| t.rank.is_higher()) {
        let (apps, nc) = parse_listing(&t.cites_raw);
        if apps.len() > 1 || (nc && !apps.is_empty()) {
            t.coverage = Coverage::Members;
        }
    }
    drop_listing_without_parts(taxa, &children);
}

#[derive(Clone, Copy)]
enum Pass {
    BelowSpecies,
    Species,
}

impl Pass {
    fn includes(self, rank: Rank) -> bool {
        match self {
            Pass::BelowSpecies => matches!(rank, Rank::Subspecies | Rank::Variety),
            Pass::Species => rank == Rank::Species,
        }
    }
}

/// Subspecies and varieties of each species (their parent, which is linked by the first two words of
/// their name).
fn children_by_species(taxa: &[Taxon]) -> HashMap<TaxonId, Vec<TaxonId>> {
    let mut out: HashMap<TaxonId, Vec<TaxonId>> = HashMap::new();
    for (i, t) in taxa.iter().enumerate() {
        if !matches!(t.rank, Rank::Subspecies | Rank::Variety) {
            continue;
        }
        if let Some(p) = t.parent.filter(|&p| taxa[p as usize].rank == Rank::Species) {
            out.entry(p).or_default().push(i as TaxonId);
        }
    }
    out
}

/// The coverage of one species, subspecies or variety.
fn coverage_of(
    taxa: &[Taxon],
    id: TaxonId,
    children: &[TaxonId],
    inputs: &CoverageInputs<'_>,
) -> Coverage {
    let t = &taxa[id as usize];
    if inputs.changed[id as usize] {
        return Coverage::Whole;
    }
    let raw = &t.cites_raw;
    let (raw_apps, nc) = parse_listing(raw);
    if raw_apps.len() <= 1
        && !nc
        && children.is_empty()
        && !names_populations(t.annotation.as_deref().unwrap_or_default())
        && !inputs.population_changes.iter().any(|p| p.taxon == id)
    {
        // One appendix, and nothing that could split it: the common case, decided without reading
        // the annotation.
        return Coverage::Whole;
    }
    let mut parts = parts_from_annotation(t, &raw_apps);
    let mut accounted: BTreeSet<Appendix> = parts.iter().map(|p| p.appendix).collect();
    for &c in children {
        let child = &taxa[c as usize];
        accounted.extend(parse_listing(&child.cites_raw).0);
        parts.extend(parts_from_child(child));
    }
    for change in inputs.population_changes.iter().filter(|p| p.taxon == id) {
        transfer(&mut parts, change);
        accounted.insert(change.appendix);
    }
    parts.extend(
        raw_apps
            .iter()
            .filter(|a| !accounted.contains(a))
            .map(|a| unrecorded_part(*a, raw, t.cites_provenance.verified)),
    );
    dedup(&mut parts);
    let whole = !nc
        && parts.iter().all(|p| p.scope == Scope::Rest)
        && parts
            .iter()
            .map(|p| p.appendix)
            .collect::<BTreeSet<_>>()
            .len()
            <= 1;
    if whole {
        return Coverage::Whole;
    }
    parts.sort_by_key(|p| p.appendix);
    assign_annexes(t, &mut parts, inputs, id);
    let text = describe_parts(&parts, nc);
    Coverage::Parts(PartialListing {
        parts,
        unlisted_remainder: nc,
        text,
    })
}

/// The parts the sections of a taxon's listing annotation give, for the appendices of its written
/// listing.
fn parts_from_annotation(t: &Taxon, raw_apps: &[Appendix]) -> Vec<ListedPart> {
    let Some(annotation) = &t.annotation else {
        return Vec::new();
    };
    annotation_sections(annotation)
        .into_iter()
        .filter(|(appendix, _)| raw_apps.is_empty() || raw_apps.contains(appendix))
        .map(|(appendix, body)| {
            let source = Provenance::new(
                format!(
                    "annotations.csv (listing annotation of the checklist): Appendix {}: {body}",
                    appendix.as_str()
                ),
                true,
            );
            let scope = match classify_section(body, &t.distribution) {
                SectionScope::Populations(set) => Scope::Populations {
                    countries: set.whole,
                    partly: set.partly,
                },
                SectionScope::AllExcept(c) => Scope::AllExcept(c),
                SectionScope::Rest => Scope::Rest,
            };
            part(appendix, scope, source)
        })
        .collect()
}

/// An appendix of the written listing that no annotation, subspecies or change accounts for: read as
/// covering what the other parts do not.
fn unrecorded_part(appendix: Appendix, raw: &str, verified: bool) -> ListedPart {
    part(
        appendix,
        Scope::Rest,
        Provenance::new(
            format!(
                "taxa.csv listing {raw}: which part is in Appendix {} is not recorded, read as all parts the others do not cover",
                appendix.as_str()
            ),
            verified,
        ),
    )
}

fn part(appendix: Appendix, scope: Scope, provenance: Provenance) -> ListedPart {
    ListedPart {
        appendix,
        annex: None,
        scope,
        annex_provenance: provenance.clone(),
        provenance,
    }
}

/// The parts a subspecies or variety gives its species: itself when it has one appendix, its
/// population parts when it is split. They carry the child's EU annex.
fn parts_from_child(child: &Taxon) -> Vec<ListedPart> {
    let Some(appendix) = child.cites else {
        return Vec::new();
    };
    let provenance = Provenance::new(
        format!("{}: {}", child.name, child.cites_provenance.source),
        child.cites_provenance.verified,
    );
    let with_child_annex = |mut p: ListedPart| {
        p.annex = child.eu_annex;
        p.annex_provenance = child.eu_provenance.clone();
        p
    };
    match &child.coverage {
        Coverage::Parts(p)
            if p.parts
                .iter()
                .map(|x| x.appendix)
                .collect::<BTreeSet<_>>()
                .len()
                > 1 =>
        {
            p.parts
                .iter()
                .filter(|x| matches!(x.scope, Scope::Populations { .. }))
                .cloned()
                .map(|mut x| {
                    x.provenance = Provenance::new(
                        format!("{}: {}", child.name, x.provenance.source),
                        x.provenance.verified,
                    );
                    x
                })
                .collect()
        }
        Coverage::Parts(p) => {
            let range: Vec<String> = p
                .parts
                .iter()
                .flat_map(|x| match &x.scope {
                    Scope::Populations { countries, partly } => {
                        countries.iter().chain(partly).cloned().collect()
                    }
                    _ => Vec::new(),
                })
                .collect();
            vec![with_child_annex(part(
                appendix,
                Scope::Subspecies {
                    names: vec![child.name.clone()],
                    range: if range.is_empty() {
                        child.distribution.clone()
                    } else {
                        range
                    },
                },
                provenance,
            ))]
        }
        _ => vec![with_child_annex(part(
            appendix,
            Scope::Subspecies {
                names: vec![child.name.clone()],
                range: child.distribution.clone(),
            },
            provenance,
        ))],
    }
}

/// Moves the populations of a change into a part of its appendix: they leave the population parts of
/// other appendices.
fn transfer(parts: &mut Vec<ListedPart>, change: &PopulationChange) {
    let already = parts.iter().any(|p| {
        p.appendix == change.appendix
            && matches!(&p.scope, Scope::Populations { countries, partly }
            if change.countries.iter().all(|c| {
                if change.partly.contains(c) { partly.contains(c) } else { countries.contains(c) }
            }))
    });
    if already {
        return;
    }
    for p in parts.iter_mut().filter(|p| p.appendix != change.appendix) {
        if let Scope::Populations { countries, .. } = &mut p.scope {
            countries.retain(|c| !change.countries.contains(c) || change.partly.contains(c));
        }
    }
    parts.retain(|p| !matches!(&p.scope, Scope::Populations { countries, partly } if countries.is_empty() && partly.is_empty()));
    let whole: Vec<String> = change
        .countries
        .iter()
        .filter(|c| !change.partly.contains(c))
        .cloned()
        .collect();
    parts.push(part(
        change.appendix,
        Scope::Populations {
            countries: whole,
            partly: change.partly.clone(),
        },
        change.provenance.clone(),
    ));
}

/// Removes parts that repeat an earlier one (same appendix and scope).
fn dedup(parts: &mut Vec<ListedPart>) {
    let mut seen: Vec<(Appendix, Scope)> = Vec::new();
    parts.retain(|p| {
        let key = (p.appendix, p.scope.clone());
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
}

/// Gives every part its EU annex: a scoped `eu_annex.csv` row for the same populations, else the
/// annex the part already has (a subspecies' own), else the annex stated for the whole taxon, else
/// the default mapping of the part's appendix.
fn assign_annexes(t: &Taxon, parts: &mut [ListedPart], inputs: &CoverageInputs<'_>, id: TaxonId) {
    for p in parts.iter_mut() {
        let scoped = inputs
            .scoped_annexes
            .iter()
            .filter(|s| s.taxon == t.name)
            .find(|s| same_populations(&s.scope, &p.scope));
        let (annex, provenance) = if let Some(s) = scoped {
            (Some(s.annex), s.provenance.clone())
        } else if p.annex.is_some() {
            continue;
        } else if inputs.eu_basis[id as usize] == EuBasis::Stated {
            (t.eu_annex, t.eu_provenance.clone())
        } else {
            (
                Some(Annex::from_appendix(p.appendix)),
                Provenance::new("derived from the part's appendix, I→A, II→B, III→C", false),
            )
        };
        p.annex = annex;
        p.annex_provenance = provenance;
    }
}

/// True when an EU row's scope names the same populations as a part.
fn same_populations(eu: &SectionScope, scope: &Scope) -> bool {
    let set = |v: &[String]| v.iter().cloned().collect::<BTreeSet<_>>();
    match (eu, scope) {
        (SectionScope::AllExcept(a), Scope::AllExcept(b)) => set(a) == set(b),
        (SectionScope::Populations(a), Scope::Populations { countries, partly }) => {
            set(&a.whole) == set(countries) && set(&a.partly) == set(partly)
        }
        _ => false,
    }
}

/// The parts in words: "Appendix I only for the populations of BF, CF; other populations not listed".
fn describe_parts(parts: &[ListedPart], unlisted_remainder: bool) -> String {
    let only_one = parts.len() == 1 && parts[0].scope != Scope::Rest;
    let text = parts
        .iter()
        .map(|p| {
            format!(
                "Appendix {} {}for {}",
                p.appendix.as_str(),
                if only_one { "only " } else { "" },
                p.scope.describe()
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    match (parts.is_empty(), unlisted_rest(parts, unlisted_remainder)) {
        (true, _) => "no part listed".to_string(),
        (false, Some(rest)) => format!("{text}; {rest}"),
        (false, None) => text,
    }
}

/// What a partial listing leaves unlisted, in words; `None` when the parts cover the whole taxon.
pub(crate) fn unlisted_rest(parts: &[ListedPart], unlisted_remainder: bool) -> Option<String> {
    let nc = unlisted_remainder.then(|| {
        "some part is not listed (the written listing has NC), which one is not recorded"
            .to_string()
    });
    if parts.iter().any(|p| p.scope == Scope::Rest) {
        return nc;
    }
    let excepted: Vec<&str> = parts
        .iter()
        .filter_map(|p| match &p.scope {
            Scope::AllExcept(c) => Some(c),
            _ => None,
        })
        .flatten()
        .filter(|c| {
            !parts.iter().any(|p| {
                matches!(&p.scope, Scope::Populations { countries, .. } if countries.contains(c))
            })
        })
        .map(String::as_str)
        .collect();
    if !parts.iter().any(|p| matches!(p.scope, Scope::AllExcept(_))) {
        Some("other populations and subspecies are not listed".to_string())
    } else if excepted.is_empty() {
        nc
    } else {
        Some(format!(
            "the populations of {} are not listed",
            excepted.join(", ")
        ))
    }
}

/// A species whose only listed parts were deleted by later changes (Damaliscus pygargus, whose listing
/// was that of its subspecies pygargus) is no longer listed; the deletion is its provenance.
fn drop_listing_without_parts(taxa: &mut [Taxon], children: &HashMap<TaxonId, Vec<TaxonId>>) {
    for (&species, kids) in children {
        let t = &taxa[species as usize];
        let Coverage::Parts(p) = &t.coverage else {
            continue;
        };
        if !p.parts.is_empty() || t.cites.is_none() {
            continue;
        }
        let deleted = kids
            .iter()
            .find(|&&c| taxa[c as usize].cites.is_none() && !taxa[c as usize].cites_raw.is_empty());
        let Some(&deleted) = deleted else { continue };
        let d = &taxa[deleted as usize];
        let provenance = Provenance::new(
            format!(
                "written listing {}, whose only listed part {} was deleted: {}",
                taxa[species as usize].cites_raw, d.name, d.cites_provenance.source
            ),
            d.cites_provenance.verified,
        );
        let t = &mut taxa[species as usize];
        t.cites = None;
        t.eu_annex = None;
        t.cites_provenance = provenance.clone();
        t.eu_provenance = provenance;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn population_phrases_give_their_countries() {
        let d: Vec<String> = Vec::new();
        assert_eq!(
            countries_in("Populations of BF, CF, CM, DZ.", &d).whole,
            codes(&["BF", "CF", "CM", "DZ"])
        );
        let s = countries_in(
            "Parts of populations of AR and CL, and the populations of BO, PE and EC.",
            &d,
        );
        assert_eq!(s.partly, codes(&["AR", "CL"]));
        assert_eq!(s.whole, codes(&["BO", "PE", "EC"]));
        assert_eq!(
            countries_in(
                "Population of MX only (Populations of CA & US removed).",
                &d
            )
            .whole,
            codes(&["MX"])
        );
        assert_eq!(
            countries_in("Only the population of the Russian Federation.", &d).whole,
            codes(&["RU"])
        );
        let g = countries_in("Population of West Greenland.", &d);
        assert_eq!((g.whole.len(), g.partly.clone()), (0, codes(&["GL"])));
        assert_eq!(
            countries_in("population of Salta Province Argentina", &d).partly,
            codes(&["AR"])
        );
        let europe = countries_in(
            "Population of Europe excluding the area that formerly constituted the USSR.",
            &codes(&["AT", "RU", "UA", "FR", "KZ"]),
        );
        assert_eq!(europe.whole, codes(&["AT", "FR"]));
    }

    #[test]
    fn annotation_sections_are_read_as_parts() {
        let d: Vec<String> = Vec::new();
        assert_eq!(
            classify_section("All populations except those of BW, NA, ZA, and ZW.", &d),
            SectionScope::AllExcept(codes(&["BW", "NA", "ZA", "ZW"]))
        );
        assert_eq!(
            classify_section("All populations except those included in Appendix I.", &d),
            SectionScope::Rest
        );
        assert_eq!(
            classify_section("Except A. c. microdon (populations of CM and NG)", &d),
            SectionScope::Rest
        );
        assert_eq!(
            classify_section("Except stock of west Greenland.", &d),
            SectionScope::Rest
        );
        assert_eq!(
            classify_section("Included in Ursidae spp.", &d),
            SectionScope::Rest
        );
        assert!(matches!(
            classify_section("Population of: BW, EG (with a zero quota for wild specimenstraded for commercial purposes) ET, KE, TZ(subject to an annual export quota), UG, ZA.", &d),
            SectionScope::Populations(s) if s.whole == codes(&["BW", "EG", "ET", "KE", "TZ", "UG", "ZA"])
        ));
        let sections = annotation_sections(
            "Appendix I:Popns of BT, CN, MN, MX. | Appendix II:Included in Ursidae spp.",
        );
        assert_eq!(sections.len(), 2);
        assert_eq!(sections[1].0, Appendix::II);
    }
}
