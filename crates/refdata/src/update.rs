//! Rebuilding the reference data from an official Species+/CITES Checklist "Index of CITES Species"
//! CSV export, and reporting what changed.
//!
//! The export is checked completely before anything is written; the new files are written to a
//! temporary directory and swapped in with a rename, so a malformed export leaves the old data intact.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::listing::parse_listing;
use crate::load::{csv_error, Table, SHIPPED};
use crate::{Rank, RefDataError};

/// What an update changed.
#[derive(Debug, Default, Clone)]
pub struct ListingDiff {
    /// Taxa in the new export and not in the old data.
    pub added: Vec<(String, String)>,
    /// Taxa in the old data and not in the new export.
    pub removed: Vec<(String, String)>,
    /// Taxa whose listing changed: name, old, new.
    pub moved: Vec<(String, String, String)>,
    /// Number of taxa in the new data.
    pub total: usize,
    /// Listing date recorded for the new data.
    pub listing_date: String,
}

impl ListingDiff {
    /// A report for people: counts, then every change.
    pub fn report(&self, limit: usize) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} taxa (listing date {}): {} added, {} removed, {} moved between appendices/annexes",
            self.total,
            self.listing_date,
            self.added.len(),
            self.removed.len(),
            self.moved.len()
        );
        let more = |s: &mut String, n: usize| {
            if n > limit {
                let _ = writeln!(s, "  … and {} more", n - limit);
            }
        };
        for (name, l) in self.added.iter().take(limit) {
            let _ = writeln!(s, "  + {name} [{l}]");
        }
        more(&mut s, self.added.len());
        for (name, l) in self.removed.iter().take(limit) {
            let _ = writeln!(s, "  - {name} [{l}]");
        }
        more(&mut s, self.removed.len());
        for (name, old, new) in self.moved.iter().take(limit) {
            let _ = writeln!(s, "  ~ {name}: {old} → {new}");
        }
        more(&mut s, self.moved.len());
        s
    }
}

const REQUIRED: &[&str] = &["TaxonId", "FullName", "RankName", "CurrentListing"];

fn derive_eu(listing: &str) -> String {
    listing
        .split('/')
        .map(|p| match p.trim() {
            "I" => "A",
            "II" => "B",
            "III" => "C",
            other => other,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Splits a Species+ "SynonymsWithAuthors" cell into (name with author, bare name).
fn split_synonyms(cell: &str) -> Vec<(String, String)> {
    let mut out: Vec<String> = Vec::new();
    for piece in cell.split(", ") {
        let mut w = piece.split_whitespace();
        let starts_binomial = matches!(
            (w.next(), w.next()),
            (Some(g), Some(e)) if g.chars().next().is_some_and(char::is_uppercase)
                && g.chars().skip(1).all(|c| c.is_lowercase())
                && e.chars().next().is_some_and(char::is_lowercase)
        );
        match out.last_mut() {
            Some(last) if !starts_binomial => {
                last.push_str(", ");
                last.push_str(piece);
            }
            _ => out.push(piece.to_string()),
        }
    }
    out.into_iter()
        .filter(|s| !s.trim().is_empty())
        .map(|full| {
            let words: Vec<&str> = full.split_whitespace().collect();
            let mut bare = words.iter().take(2).copied().collect::<Vec<_>>();
            if let Some(third) = words.get(2) {
                if third.chars().all(|c| c.is_lowercase() || c == '-') {
                    bare.push(third);
                }
            }
            (full.trim().to_string(), bare.join(" "))
        })
        .collect()
}

/// Where updated reference data is kept for this user (`$WILDWATCH_DATA/refdata` or
/// `~/.local/share/wildwatch/refdata`).
pub fn user_data_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("WILDWATCH_DATA") {
        return Some(PathBuf::from(d).join("refdata"));
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(base.join("wildwatch/refdata"))
}

fn read_current(current: Option<&Path>, name: &str) -> Result<Option<Vec<u8>>, RefDataError> {
    if let Some(dir) = current {
        let p = dir.join(name);
        if p.exists() {
            return std::fs::read(&p)
                .map(Some)
                .map_err(|source| RefDataError::Io { path: p, source });
        }
    }
    Ok(SHIPPED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| b.to_vec()))
}

/// Checks `export` completely, then writes a rebuilt data set to `target` (replacing what was
/// there), carrying over the files the export does not cover from `current` (or the shipped data).
/// `listing_date` is recorded on every taxon. Returns what changed.
pub fn update_from_export(
    export: &Path,
    current: Option<&Path>,
    target: &Path,
    listing_date: &str,
) -> Result<ListingDiff, RefDataError> {
    let bytes = std::fs::read(export).map_err(|source| RefDataError::Io {
        path: export.to_path_buf(),
        source,
    })?;
    let file = export.display().to_string();
    let table = Table::parse(&file, &bytes, REQUIRED)?;
    if table.rows.is_empty() {
        return Err(RefDataError::Malformed {
            file,
            line: 2,
            column: 0,
            message: "the export has a header but no taxa".into(),
        });
    }
    let col = |n: &str| table.col(n).map(|c| c + 1).unwrap_or(0);
    let bad = |line: u64, column: usize, message: String| RefDataError::Malformed {
        file: file.clone(),
        line,
        column,
        message,
    };

    // Validate every row before writing anything.
    for (line, rec) in &table.rows {
        if rec.len() != table.width {
            return Err(bad(
                *line,
                rec.len().min(table.width) + 1,
                format!(
                    "the row has {} fields but the header has {}",
                    rec.len(),
                    table.width
                ),
            ));
        }
        if table.get(rec, "TaxonId").parse::<u32>().is_err() {
            return Err(bad(
                *line,
                col("TaxonId"),
                format!("TaxonId `{}` is not a number", table.get(rec, "TaxonId")),
            ));
        }
        if table.get(rec, "FullName").is_empty() {
            return Err(bad(*line, col("FullName"), "FullName is empty".into()));
        }
        if Rank::parse(table.get(rec, "RankName")).is_none() {
            return Err(bad(
                *line,
                col("RankName"),
                format!("unknown RankName `{}`", table.get(rec, "RankName")),
            ));
        }
        let listing = table.get(rec, "CurrentListing");
        let valid = listing.is_empty()
            || listing
                .split('/')
                .all(|p| matches!(p.trim(), "I" | "II" | "III" | "NC"));
        if !valid {
            return Err(bad(
                *line,
                col("CurrentListing"),
                format!("CurrentListing `{listing}` is not a combination of I, II, III and NC"),
            ));
        }
    }

    let mut taxa = csv::Writer::from_writer(Vec::new());
    let mut higher = csv::Writer::from_writer(Vec::new());
    let mut synonyms = csv::Writer::from_writer(Vec::new());
    let mut names = csv::Writer::from_writer(Vec::new());
    let w = |e: csv::Error| csv_error("output", e);
    taxa.write_record([
        "taxon_id",
        "kingdom",
        "phylum",
        "class",
        "order",
        "family",
        "genus",
        "species",
        "subspecies",
        "full_name",
        "author_year",
        "rank",
        "cites_listing",
        "annotation_id",
        "hash_annotation_symbol",
        "hash_annotation_id",
        "cites_accepted",
        "eu_annex_derived",
        "distribution_iso2",
        "listing_date",
        "source",
    ])
    .map_err(w)?;
    higher
        .write_record([
            "taxon_id",
            "rank",
            "full_name",
            "kingdom",
            "phylum",
            "class",
            "order",
            "family",
            "genus",
            "cites_listing",
            "eu_annex_derived",
            "annotation_en",
            "hash_annotation_symbol",
            "listing_date",
            "source",
        ])
        .map_err(w)?;
    synonyms
        .write_record([
            "taxon_id",
            "accepted_name",
            "synonym_with_author",
            "synonym_name",
            "source",
        ])
        .map_err(w)?;
    names
        .write_record([
            "taxon_id",
            "scientific_name",
            "rank",
            "lang",
            "common_name",
            "source",
            "verified",
        ])
        .map_err(w)?;

    let source = format!("species_plus_export_{listing_date}");
    let mut new_listing: BTreeMap<String, String> = BTreeMap::new();
    let mut new_ids: HashMap<String, String> = HashMap::new();
    for (_, rec) in &table.rows {
        let g = |n: &str| table.get(rec, n).to_string();
        let name = g("FullName");
        let listing = g("CurrentListing");
        let eu = derive_eu(&listing);
        let rank = Rank::parse(&g("RankName")).unwrap_or(Rank::Species);
        new_listing.insert(name.clone(), listing.clone());
        new_ids.insert(name.clone(), g("TaxonId"));
        taxa.write_record([
            g("TaxonId"),
            g("Kingdom"),
            g("Phylum"),
            g("Class"),
            g("Order"),
            g("Family"),
            g("Genus"),
            g("Species"),
            g("Subspecies"),
            name.clone(),
            g("AuthorYear"),
            rank.as_str().to_string(),
            listing.clone(),
            String::new(),
            g("#AnnotationSymbol"),
            String::new(),
            g("CitesAccepted"),
            eu.clone(),
            String::new(),
            listing_date.to_string(),
            source.clone(),
        ])
        .map_err(w)?;
        if rank.is_higher() {
            higher
                .write_record([
                    g("TaxonId"),
                    rank.as_str().to_string(),
                    name.clone(),
                    g("Kingdom"),
                    g("Phylum"),
                    g("Class"),
                    g("Order"),
                    g("Family"),
                    g("Genus"),
                    listing.clone(),
                    eu.clone(),
                    g("AnnotationEnglish"),
                    g("#AnnotationSymbol"),
                    listing_date.to_string(),
                    source.clone(),
                ])
                .map_err(w)?;
        }
        for (full, bare) in split_synonyms(&g("SynonymsWithAuthors")) {
            synonyms
                .write_record([g("TaxonId"), name.clone(), full, bare, source.clone()])
                .map_err(w)?;
        }
        for (colname, lang) in [
            ("EnglishNames", "en"),
            ("FrenchNames", "fr"),
            ("SpanishNames", "es"),
        ] {
            for n in g(colname)
                .split([',', ';'])
                .map(str::trim)
                .filter(|n| !n.is_empty())
            {
                names
                    .write_record([
                        g("TaxonId"),
                        name.clone(),
                        rank.as_str().to_string(),
                        lang.to_string(),
                        n.to_string(),
                        source.clone(),
                        "yes".to_string(),
                    ])
                    .map_err(w)?;
            }
        }
    }

    // Carry over the common names that did not come from Species+ (German and Dutch names, curated
    // names), re-keyed on the new taxon ids by scientific name.
    if let Some(old) = read_current(current, "common_names.csv")? {
        let t = Table::parse("common_names.csv", &old, &["lang", "common_name"])?;
        for (_, rec) in &t.rows {
            if t.get(rec, "source").starts_with("species_plus") {
                continue;
            }
            let sci = t.get(rec, "scientific_name");
            let id = new_ids
                .get(sci)
                .cloned()
                .unwrap_or_else(|| t.get(rec, "taxon_id").to_string());
            names
                .write_record([
                    id.as_str(),
                    sci,
                    t.get(rec, "rank"),
                    t.get(rec, "lang"),
                    t.get(rec, "common_name"),
                    t.get(rec, "source"),
                    t.get(rec, "verified"),
                ])
                .map_err(w)?;
        }
    }

    // What changed, against the current data.
    let old = read_current(current, "taxa.csv")?.unwrap_or_default();
    let old_table = Table::parse("taxa.csv", &old, &["full_name", "cites_listing"])?;
    let old_listing: BTreeMap<String, String> = old_table
        .rows
        .iter()
        .map(|(_, r)| {
            (
                old_table.get(r, "full_name").to_string(),
                old_table.get(r, "cites_listing").to_string(),
            )
        })
        .collect();
    let mut diff = ListingDiff {
        total: new_listing.len(),
        listing_date: listing_date.to_string(),
        ..ListingDiff::default()
    };
    for (name, l) in &new_listing {
        match old_listing.get(name) {
            None => diff.added.push((name.clone(), l.clone())),
            Some(o) if parse_listing(o) != parse_listing(l) => diff.moved.push((
                name.clone(),
                format!("CITES {} / EU {}", or_dash(o), or_dash(&derive_eu(o))),
                format!("CITES {} / EU {}", or_dash(l), or_dash(&derive_eu(l))),
            )),
            _ => {}
        }
    }
    for (name, l) in &old_listing {
        if !new_listing.contains_key(name) {
            diff.removed.push((name.clone(), l.clone()));
        }
    }

    // Write to a fresh directory next to the target, then swap it in.
    let parent = target.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|source| RefDataError::Io {
        path: parent.to_path_buf(),
        source,
    })?;
    let staging = parent.join(format!(".refdata-staging-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(|source| RefDataError::Io {
        path: staging.clone(),
        source,
    })?;
    let write = |name: &str, bytes: &[u8]| {
        let p = staging.join(name);
        std::fs::write(&p, bytes).map_err(|source| RefDataError::Io { path: p, source })
    };
    let finish = |wr: csv::Writer<Vec<u8>>| {
        wr.into_inner().map_err(|e| RefDataError::Io {
            path: staging.clone(),
            source: e.into_error(),
        })
    };
    write("taxa.csv", &finish(taxa)?)?;
    write("higher_taxa.csv", &finish(higher)?)?;
    write("synonyms.csv", &finish(synonyms)?)?;
    write("common_names.csv", &finish(names)?)?;
    // Later listing changes, EU annex data and the trade-focus list are not in the export: keep them.
    for name in [
        "trade_focus_taxa.csv",
        "listing_changes_since_2017.csv",
        "eu_annex.csv",
        "eu_annex_overrides.csv",
        "annotations.csv",
        "SOURCES.md",
    ] {
        if let Some(b) = read_current(current, name)? {
            write(name, &b)?;
        }
    }
    write(
        "UPDATED.md",
        format!(
            "Rebuilt by `wildwatch refdata update` from {} (listing date {}).\n",
            export.display(),
            listing_date
        )
        .as_bytes(),
    )?;
    let backup = parent.join(".refdata-previous");
    let _ = std::fs::remove_dir_all(&backup);
    if target.exists() {
        std::fs::rename(target, &backup).map_err(|source| RefDataError::Io {
            path: target.to_path_buf(),
            source,
        })?;
    }
    std::fs::rename(&staging, target).map_err(|source| RefDataError::Io {
        path: target.to_path_buf(),
        source,
    })?;
    Ok(diff)
}

fn or_dash(s: &str) -> &str {
    if s.is_empty() {
        "-"
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_with_author_commas_split_per_name() {
        let s = split_synonyms(
            "Psittacus timneh Fraser, 1844, Psittacus erithacus timneh Fraser, 1844",
        );
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].1, "Psittacus timneh");
        assert_eq!(s[1].1, "Psittacus erithacus timneh");
    }
}
