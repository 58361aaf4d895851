//! Listing changes since the 2017 checklist (`listing_changes_since_2017.csv`: CoP18, CoP19, CoP20).
//!
//! Every row is read into what it names ([`Target`]s: a taxon, a genus "X spp.", a family, or several
//! of them, "A spp. and B spp.") and what it does ([`Action`]: set an appendix, delete, confirm, or
//! nothing). Taxa it names that are not in the data are created (before parents are linked), then the
//! rows are applied in file order (after split listings are resolved). A row that covers only part
//! of a taxon is applied to that part's populations where it names them, and is otherwise kept as a
//! note on the closest taxon. Nothing is dropped: every row ends in a [`ChangeRecord`].

use std::collections::{HashMap, HashSet};

use crate::coverage::{countries_in, PopulationChange};
use crate::load::Table;
use crate::{Annex, Appendix, Lineage, Name, NameKind, Provenance, Rank, Taxon, TaxonId};

/// The file the rows come from.
const FILE: &str = "listing_changes_since_2017.csv";

/// What became of one row of `listing_changes_since_2017.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRecord {
    /// Line in the file.
    pub line: u64,
    /// The taxon as written in the row.
    pub taxon: String,
    /// The conference, e.g. `CoP20`.
    pub cop: String,
    /// What was done with it.
    pub outcome: ChangeOutcome,
    /// The taxa the change was applied to, or noted on.
    pub taxa: Vec<String>,
    /// The taxa created for it (they were not in the data).
    pub created: Vec<String>,
}

/// What the loader did with a listing change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeOutcome {
    /// The listing of the named taxa (and of the members of a named genus or family) was set or
    /// removed.
    Applied,
    /// The change covers some populations of a species: it became a part of its
    /// [`Coverage`](crate::Coverage) (the species' own appendix is unchanged), and a note.
    AppliedToPopulations,
    /// The row confirms a listing (an annotation change, "remains in Appendix II"): a note.
    Confirmed,
    /// The row changes nothing (a rejected proposal): a note.
    NoChange,
    /// The row could not be applied (it names only part of a group without saying which, or no
    /// appendix): a note on the closest taxon.
    NotApplied,
}

/// A taxon named by a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    /// The name without "spp.".
    pub name: String,
    /// Its rank, from the name (a genus or family applies to its members too).
    pub rank: Rank,
}

/// What a row does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Action {
    /// Include or transfer into an appendix.
    Set(Appendix),
    /// Included in one of several appendices, which one is not confirmed: the least strict is used.
    SetUncertain(Appendix),
    /// Confirms an appendix (annotation changed, "remains in Appendix II"): listed, no transfer.
    Confirm(Appendix),
    /// Deleted from the appendices.
    Delete,
    /// Nothing changes (a rejected proposal).
    NoChange,
    /// The row gives no appendix.
    Unstated,
}

/// One row, read.
#[derive(Debug, Clone)]
pub(crate) struct ChangeRow {
    line: u64,
    taxon: String,
    change: String,
    cop: String,
    provenance: Provenance,
    annex: Option<Annex>,
    annex_text: String,
    pub(crate) action: Action,
    pub(crate) targets: Vec<Target>,
    /// Text in parentheses that restricts the row to part of the taxon ("population of Brazil",
    /// "six species").
    pub(crate) part: Option<String>,
    /// A family named only as context, for the lineage of new genera ("gulper sharks, Centrophoridae").
    family_hint: Option<String>,
}

/// A row with the taxa its targets resolved to (by target).
#[derive(Debug, Clone)]
pub(crate) struct PlannedRow {
    row: ChangeRow,
    /// Per target: the taxon, and whether it was created for this row.
    taxa: Vec<(TaxonId, bool)>,
    /// True when the targets were not found and the taxa are only the closest ones.
    closest: bool,
}

/// Reads the rows of the file.
pub(crate) fn read_rows(tab: &Table) -> Vec<ChangeRow> {
    tab.rows
        .iter()
        .map(|(line, rec)| {
            let g = |c: &str| tab.get(rec, c).to_string();
            let taxon = g("taxon");
            let cop = g("cop")
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
            let (targets, part, family_hint) = parse_targets(&taxon);
            let annex_text = g("eu_annex_new");
            ChangeRow {
                line: *line,
                action: action_of(&g("change"), &g("cites_appendix_new"), &g("effective_note")),
                provenance: Provenance::new(
                    format!("{FILE}: {} ({cop})", g("source")),
                    g("verified").starts_with("yes"),
                ),
                annex: annex_text.split_whitespace().next().and_then(Annex::parse),
                annex_text,
                change: g("change"),
                cop,
                taxon,
                targets,
                part,
                family_hint,
            }
        })
        .collect()
}

/// What a row does, from its `change`, `cites_appendix_new` and `effective_note` columns.
pub(crate) fn action_of(change: &str, appendix_new: &str, effective_note: &str) -> Action {
    let c = change.to_lowercase();
    let a = appendix_new.trim().to_lowercase();
    if effective_note.trim().starts_with("no change") || c.contains("rejected") {
        return Action::NoChange;
    }
    if c.contains("deleted") || a.starts_with("not listed") || a == "none" {
        return Action::Delete;
    }
    let apps: Vec<Appendix> = appendix_new
        .split(|ch: char| !ch.is_ascii_alphabetic())
        .filter_map(Appendix::parse)
        .collect();
    match apps.as_slice() {
        [] => Action::Unstated,
        [app]
            if a.contains("unchanged")
                || a.contains("annotation")
                || c.contains("remain")
                || (c.contains("annotation")
                    && !c.contains("transferred")
                    && !c.contains("included")) =>
        {
            Action::Confirm(*app)
        }
        [app] if appendix_new.split_whitespace().next() == Some(app.as_str()) => Action::Set(*app),
        many => Action::SetUncertain(*many.iter().max().unwrap_or(&Appendix::II)),
    }
}

/// Splits a `taxon` cell into its targets, the text that restricts it to a part, and a family hint.
///
/// "A spp. and B spp. (…)" names A and B. Parentheses that list taxa with "spp." name the targets
/// instead ("Mobulidae spp. (Manta spp. and Mobula spp. in taxa.csv)"; the family outside is then the
/// hint); parentheses with words such as "population", "species", "several", "other than" restrict the
/// row to a part; other parentheses are a description, whose family name (-idae) is the hint.
pub(crate) fn parse_targets(cell: &str) -> (Vec<Target>, Option<String>, Option<String>) {
    let (outside, inside) = match cell.split_once('(') {
        Some((o, i)) => (o.trim(), i.trim_end().trim_end_matches(')').trim()),
        None => (cell.trim(), ""),
    };
    let outer: Vec<Target> = list_items(outside).iter().map(|s| target_of(s)).collect();
    let lower = inside.to_lowercase();
    let restricts = [
        "population",
        "species",
        "several",
        "other than",
        "except",
        "excluding",
    ]
    .iter()
    .any(|w| lower.contains(w));
    if inside.is_empty() || restricts {
        let part = (!inside.is_empty()).then(|| inside.to_string());
        return (outer, part, None);
    }
    let items = list_items(inside);
    if items.iter().any(|s| s.ends_with("spp.")) {
        let inner = items
            .iter()
            .filter(|s| s.ends_with("spp.") || single_family(s))
            .map(|s| target_of(s.trim_end_matches(" in taxa.csv")))
            .collect();
        let hint = outer
            .iter()
            .find(|t| t.rank == Rank::Family)
            .map(|t| t.name.clone());
        return (inner, None, hint);
    }
    let hint = items
        .iter()
        .flat_map(|s| s.split_whitespace())
        .find(|w| w.ends_with("idae"))
        .map(|w| w.trim_matches(|c: char| !c.is_alphabetic()).to_string());
    (outer, None, hint)
}

/// Items of a list written with " and ", ";" or ",".
fn list_items(s: &str) -> Vec<String> {
    s.split(';')
        .flat_map(|p| p.split(" and "))
        .flat_map(|p| p.split(','))
        .map(|p| p.trim().trim_end_matches(" in taxa.csv").trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

fn single_family(s: &str) -> bool {
    !s.contains(' ') && s.ends_with("idae")
}

/// A target from "X spp.", a bare family name, or a scientific name.
fn target_of(s: &str) -> Target {
    let s = s.trim();
    let name = s.strip_suffix("spp.").map(str::trim).unwrap_or(s);
    let words = name.split_whitespace().count();
    let rank = if words == 1 {
        rank_of_uninomial(name)
    } else if name.contains(" var. ") {
        Rank::Variety
    } else if words >= 3 {
        Rank::Subspecies
    } else {
        Rank::Species
    };
    Target {
        name: name.to_string(),
        rank,
    }
}

/// The rank of a one-word name from its ending (zoological and botanical conventions).
fn rank_of_uninomial(name: &str) -> Rank {
    if name.ends_with("idae") || name.ends_with("aceae") {
        Rank::Family
    } else if name.ends_with("inae") || name.ends_with("oideae") {
        Rank::Subfamily
    } else if name.ends_with("formes") || name.ends_with("ales") {
        Rank::Order
    } else {
        Rank::Genus
    }
}

/// The names the rows give that are not accepted names (to be looked up among the synonyms).
pub(crate) fn unknown_names<'a>(
    rows: &'a [ChangeRow],
    by_sci: &HashMap<String, TaxonId>,
) -> HashSet<&'a str> {
    rows.iter()
        .flat_map(|r| &r.targets)
        .map(|t| t.name.as_str())
        .filter(|n| !by_sci.contains_key(*n))
        .collect()
}

/// Where new taxa and their names go while the rows are planned.
pub(crate) struct Registry<'a> {
    /// All taxa.
    pub taxa: &'a mut Vec<Taxon>,
    /// Accepted scientific name → taxon.
    pub by_sci: &'a mut HashMap<String, TaxonId>,
    /// All names.
    pub names: &'a mut Vec<Name>,
    /// Synonym → accepted taxa.
    pub synonyms: &'a HashMap<String, Vec<TaxonId>>,
    /// Number of taxa read from taxa.csv (the ones whose lineage can be trusted for new taxa).
    pub from_checklist: usize,
}

/// Resolves every row's targets to taxa, creating those that are missing: a taxon a row lists is
/// created with that listing (applied later); a taxon named only by a row that changes nothing, or
/// only in part, is created unlisted to carry the note when no related taxon exists.
pub(crate) fn plan(rows: Vec<ChangeRow>, reg: &mut Registry<'_>) -> Vec<PlannedRow> {
    rows.into_iter()
        .map(|row| {
            let lists = row.part.is_none()
                && matches!(
                    row.action,
                    Action::Set(_) | Action::SetUncertain(_) | Action::Confirm(_)
                );
            let mut taxa = Vec::new();
            let mut closest = false;
            for target in &row.targets {
                if let Some(id) = find(reg, &target.name) {
                    taxa.push((id, false));
                } else if lists {
                    taxa.push((create(reg, target, &row, true), true));
                } else if let Some(id) = closest_to(reg, &target.name) {
                    taxa.push((id, false));
                    closest = true;
                } else {
                    taxa.push((create(reg, target, &row, false), true));
                }
            }
            PlannedRow { row, taxa, closest }
        })
        .collect()
}

/// The taxon of an accepted name, or of a synonym that belongs to one taxon only.
fn find(reg: &Registry<'_>, name: &str) -> Option<TaxonId> {
    reg.by_sci.get(name).copied().or_else(|| {
        reg.synonyms
            .get(name)
            .filter(|ids| ids.len() == 1)
            .map(|ids| ids[0])
    })
}

/// The closest taxon to a name that is not in the data: its genus, else a species of its genus.
fn closest_to(reg: &Registry<'_>, name: &str) -> Option<TaxonId> {
    let genus = name.split_whitespace().next()?;
    reg.by_sci.get(genus).copied().or_else(|| {
        let prefix = format!("{genus} ");
        reg.taxa
            .iter()
            .position(|t| t.name.starts_with(&prefix))
            .map(|i| i as TaxonId)
    })
}

/// Creates a taxon for a target that is not in the data, with the lineage of a checklist taxon of
/// the same genus or family, else the family the row names.
fn create(reg: &mut Registry<'_>, target: &Target, row: &ChangeRow, listed: bool) -> TaxonId {
    let id = reg.taxa.len() as TaxonId;
    let provenance = row.provenance.clone();
    let mut taxon = Taxon::new(target.name.clone(), target.rank, provenance.clone());
    taxon.lineage = lineage_for(reg, target, row.family_hint.as_deref());
    taxon.notes.push(format!(
        "not in the 2017 checklist (taxa.csv): created from {FILE} line {} ({}){}",
        row.line,
        row.cop,
        if listed {
            ""
        } else {
            ", only to carry the note below; not listed"
        }
    ));
    reg.taxa.push(taxon);
    reg.by_sci.insert(target.name.clone(), id);
    reg.names.push(Name {
        text: target.name.clone(),
        kind: NameKind::Scientific,
        taxon: id,
        provenance,
    });
    id
}

/// The lineage of a new taxon: copied from a checklist taxon of its genus (or of its family, for a
/// genus or family), else only the family the row names.
fn lineage_for(reg: &Registry<'_>, target: &Target, family_hint: Option<&str>) -> Lineage {
    let genus = (target.rank >= Rank::Genus).then(|| {
        target
            .name
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string()
    });
    let family = match target.rank {
        Rank::Family => Some(target.name.clone()),
        _ => None,
    };
    let checklist = &reg.taxa[..reg.from_checklist];
    let same_genus = genus
        .as_deref()
        .and_then(|g| checklist.iter().find(|t| t.lineage.genus == g));
    let same_family = family
        .as_deref()
        .or(family_hint)
        .and_then(|f| checklist.iter().find(|t| t.lineage.family == f));
    let mut lin = same_genus
        .or(same_family)
        .map(|t| Lineage {
            genus: String::new(),
            ..t.lineage.clone()
        })
        .unwrap_or_default();
    if lin.family.is_empty() {
        lin.family = family
            .or(family_hint.map(str::to_string))
            .unwrap_or_default();
    }
    if target.rank == Rank::Family {
        lin.family = target.name.clone();
    }
    lin.genus = genus.unwrap_or_default();
    lin
}

/// What applying the rows gives the rest of the loader.
#[derive(Debug, Default)]
pub(crate) struct Applied {
    /// Taxa whose whole listing a row set (by taxon index).
    pub changed: Vec<bool>,
    /// Population parts for [`crate::coverage`].
    pub population_changes: Vec<PopulationChange>,
    /// One record per row.
    pub records: Vec<ChangeRecord>,
}

/// Applies the planned rows in file order.
pub(crate) fn apply(taxa: &mut [Taxon], planned: &[PlannedRow]) -> Applied {
    let mut out = Applied {
        changed: vec![false; taxa.len()],
        ..Applied::default()
    };
    for p in planned {
        let outcome = apply_row(taxa, p, &mut out);
        out.records.push(ChangeRecord {
            line: p.row.line,
            taxon: p.row.taxon.clone(),
            cop: p.row.cop.clone(),
            outcome,
            taxa: p
                .taxa
                .iter()
                .map(|(id, _)| taxa[*id as usize].name.clone())
                .collect(),
            created: p
                .taxa
                .iter()
                .filter(|(_, created)| *created)
                .map(|(id, _)| taxa[*id as usize].name.clone())
                .collect(),
        });
    }
    out
}

fn apply_row(taxa: &mut [Taxon], p: &PlannedRow, out: &mut Applied) -> ChangeOutcome {
    let row = &p.row;
    if row.action == Action::NoChange {
        note_all(taxa, p, "no change");
        return ChangeOutcome::NoChange;
    }
    if let Some(part) = &row.part {
        return apply_part(taxa, p, part, out);
    }
    if p.closest {
        note_all(
            taxa,
            p,
            "not applied: the taxon is not in the data; noted on the closest one",
        );
        return ChangeOutcome::NotApplied;
    }
    match row.action {
        Action::Set(app) => {
            for &(id, _) in &p.taxa {
                set_with_members(taxa, id, Some(app), row, out);
            }
            ChangeOutcome::Applied
        }
        Action::SetUncertain(app) => {
            for &(id, _) in &p.taxa {
                set_with_members(taxa, id, Some(app), row, out);
            }
            note_all(
                taxa,
                p,
                &format!(
                    "appendix not confirmed; Appendix {} (the least strict named) is used",
                    app.as_str()
                ),
            );
            ChangeOutcome::Applied
        }
        Action::Delete => {
            for &(id, _) in &p.taxa {
                set_with_members(taxa, id, None, row, out);
            }
            note_all(taxa, p, "applied: listing removed");
            ChangeOutcome::Applied
        }
        Action::Confirm(app) => {
            let mut created_any = false;
            for &(id, created) in &p.taxa {
                if created {
                    set_with_members(taxa, id, Some(app), row, out);
                    created_any = true;
                }
            }
            note_all(taxa, p, "the appendix is confirmed, not changed");
            if created_any {
                ChangeOutcome::Applied
            } else {
                ChangeOutcome::Confirmed
            }
        }
        Action::NoChange => ChangeOutcome::NoChange,
        Action::Unstated => {
            note_all(taxa, p, "not applied: the row gives no appendix");
            ChangeOutcome::NotApplied
        }
    }
}

/// A row restricted to part of a taxon: a population part when it names countries of a species or
/// subspecies, else a note.
fn apply_part(taxa: &mut [Taxon], p: &PlannedRow, part: &str, out: &mut Applied) -> ChangeOutcome {
    let row = &p.row;
    let appendix = match row.action {
        Action::Set(a) | Action::SetUncertain(a) | Action::Confirm(a) => Some(a),
        _ => None,
    };
    let mut applied = false;
    for &(id, created) in &p.taxa {
        let t = &taxa[id as usize];
        let Some(appendix) = appendix else { break };
        if created || p.closest || t.rank.is_higher() {
            continue;
        }
        let set = countries_in(part, &t.distribution);
        if set.whole.is_empty() && set.partly.is_empty() {
            continue;
        }
        out.population_changes.push(PopulationChange {
            taxon: id,
            appendix,
            countries: set.whole.iter().chain(&set.partly).cloned().collect(),
            partly: set.partly,
            provenance: Provenance::new(
                format!("{} ({part})", row.provenance.source),
                row.provenance.verified,
            ),
        });
        applied = true;
    }
    if applied {
        note_all(
            taxa,
            p,
            "applied to those populations (see the parts); the species' own appendix is unchanged",
        );
        return ChangeOutcome::AppliedToPopulations;
    }
    note_all(
        taxa,
        p,
        "not applied: the row covers only part of the taxon and does not say which",
    );
    ChangeOutcome::NotApplied
}

/// Sets (or, with `None`, removes) the listing of a taxon and of the members of a group target; a
/// member already in a stricter appendix keeps it.
fn set_with_members(
    taxa: &mut [Taxon],
    id: TaxonId,
    appendix: Option<Appendix>,
    row: &ChangeRow,
    out: &mut Applied,
) {
    set_listing(&mut taxa[id as usize], appendix, row, None);
    out.changed[id as usize] = true;
    let group = Group::of(&taxa[id as usize]);
    if !group.rank.is_higher() {
        return;
    }
    for (i, t) in taxa.iter_mut().enumerate() {
        if i == id as usize || !group.has(t) {
            continue;
        }
        match (t.cites, appendix) {
            (Some(cur), Some(new)) if cur < new => t.notes.push(format!(
                "{}: {} [{}] — kept Appendix {}, stricter than the group's new listing",
                row.taxon,
                row.change,
                row.provenance,
                cur.as_str()
            )),
            _ => {
                set_listing(t, appendix, row, Some(&group.name));
                out.changed[i] = true;
            }
        }
    }
}

/// A genus, family or order whose members a change applies to.
struct Group {
    name: String,
    rank: Rank,
    /// "Genus " for a genus.
    prefix: String,
}

impl Group {
    fn of(t: &Taxon) -> Group {
        Group {
            name: t.name.clone(),
            rank: t.rank,
            prefix: format!("{} ", t.name),
        }
    }

    /// True when `t` belongs to the group: a genus by its name, a family or order by its lineage.
    fn has(&self, t: &Taxon) -> bool {
        match self.rank {
            Rank::Genus => t.name.starts_with(&self.prefix),
            Rank::Family | Rank::Subfamily => t.rank > self.rank && t.lineage.family == self.name,
            Rank::Order => t.rank > self.rank && t.lineage.order == self.name,
            _ => false,
        }
    }
}

fn set_listing(t: &mut Taxon, appendix: Option<Appendix>, row: &ChangeRow, via: Option<&str>) {
    let source = match via {
        Some(g) => format!("{} (as a member of {g})", row.provenance.source),
        None => row.provenance.source.clone(),
    };
    t.cites = appendix;
    t.cites_provenance = Provenance::new(source.clone(), row.provenance.verified);
    t.eu_annex = match appendix {
        Some(a) => row.annex.or(Some(Annex::from_appendix(a))),
        None => None,
    };
    let annex_note = if row.annex.is_some() && row.annex_text.len() > 1 {
        format!("; EU annex as given: {}", row.annex_text)
    } else if appendix.is_some() && row.annex.is_none() {
        "; EU annex derived from the appendix".to_string()
    } else {
        String::new()
    };
    t.eu_provenance = Provenance::new(format!("{source}{annex_note}"), row.provenance.verified);
}

fn note_all(taxa: &mut [Taxon], p: &PlannedRow, what: &str) {
    let row = &p.row;
    let text = format!(
        "{}: {} [{}] — {what}",
        row.taxon, row.change, row.provenance
    );
    for &(id, _) in &p.taxa {
        let notes = &mut taxa[id as usize].notes;
        if !notes.contains(&text) {
            notes.push(text.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(t: &[Target]) -> Vec<(&str, Rank)> {
        t.iter().map(|t| (t.name.as_str(), t.rank)).collect()
    }

    #[test]
    fn taxon_cells_give_their_targets() {
        let (t, part, hint) =
            parse_targets("Centrophorus spp. and Deania spp. (gulper sharks, Centrophoridae)");
        assert_eq!(
            names(&t),
            [("Centrophorus", Rank::Genus), ("Deania", Rank::Genus)]
        );
        assert_eq!((part, hint.as_deref()), (None, Some("Centrophoridae")));

        let (t, _, hint) = parse_targets("Mobulidae spp. (Manta spp. and Mobula spp. in taxa.csv)");
        assert_eq!(names(&t), [("Manta", Rank::Genus), ("Mobula", Rank::Genus)]);
        assert_eq!(hint.as_deref(), Some("Mobulidae"));

        let (t, _, _) = parse_targets("Rhinobatidae (Glaucostegus spp.; Rhinidae)");
        assert_eq!(
            names(&t),
            [("Glaucostegus", Rank::Genus), ("Rhinidae", Rank::Family)]
        );

        let (t, part, _) = parse_targets("Caiman latirostris (population of Brazil)");
        assert_eq!(names(&t), [("Caiman latirostris", Rank::Species)]);
        assert_eq!(part.as_deref(), Some("population of Brazil"));

        let (t, part, _) = parse_targets("Actinopyga spp. (six species)");
        assert_eq!(names(&t), [("Actinopyga", Rank::Genus)]);
        assert!(part.is_some());

        assert_eq!(
            names(&parse_targets("Carcharhinidae spp.").0),
            [("Carcharhinidae", Rank::Family)]
        );
        assert_eq!(
            names(&parse_targets("Damaliscus pygargus pygargus").0),
            [("Damaliscus pygargus pygargus", Rank::Subspecies)]
        );
    }

    #[test]
    fn every_kind_of_change_column_is_read() {
        let a = |c, app, n| action_of(c, app, n);
        assert_eq!(
            a("transferred from Appendix II to Appendix I", "I", ""),
            Action::Set(Appendix::I)
        );
        assert_eq!(
            a("included in Appendix II", "II", ""),
            Action::Set(Appendix::II)
        );
        assert_eq!(
            a(
                "proposal to include in Appendix II rejected",
                "not listed",
                "no change (proposal rejected)"
            ),
            Action::NoChange
        );
        assert_eq!(
            a(
                "proposals to reopen ivory trade rejected; listing unchanged",
                "I/II (unchanged)",
                ""
            ),
            Action::NoChange
        );
        assert_eq!(
            a("bontebok deleted from Appendix II", "not listed", ""),
            Action::Delete
        );
        assert_eq!(
            a(
                "annotation changed to allow limited commercial trade",
                "II (annotation amended)",
                ""
            ),
            Action::Confirm(Appendix::II)
        );
        assert_eq!(
            a(
                "annotation #15 amended (finished musical instruments exempt)",
                "II",
                ""
            ),
            Action::Confirm(Appendix::II)
        );
        assert_eq!(
            a(
                "transferred from Appendix I to Appendix II (with annotation)",
                "II",
                ""
            ),
            Action::Set(Appendix::II)
        );
        assert_eq!(
            a("remain in Appendix II; zero export quota added", "II", ""),
            Action::Confirm(Appendix::II)
        );
        assert_eq!(
            a(
                "included in the Appendices; final appendix not confirmed",
                "I or II (not confirmed)",
                ""
            ),
            Action::SetUncertain(Appendix::II)
        );
        assert_eq!(
            a(
                "recognised as a separate species",
                "not stated in source",
                ""
            ),
            Action::Unstated
        );
    }
}
