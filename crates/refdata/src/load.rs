//! Reading the reference CSV files (shipped inside the binary, or from a directory) into [`RefData`].

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::changes::{self, Registry};
use crate::coverage::{self, CoverageInputs};
use crate::listing;
use crate::{
    fold, Lineage, Name, NameKind, Provenance, Rank, RefData, RefDataError, Taxon, TaxonId,
};

/// The files that make up a reference data set (a `--refdata` directory may replace each of them;
/// the country table `origin_places.csv` is always the shipped one).
pub const FILES: &[&str] = &[
    "taxa.csv",
    "synonyms.csv",
    "common_names.csv",
    "trade_focus_taxa.csv",
    "listing_changes_since_2017.csv",
    "eu_annex.csv",
    "eu_annex_overrides.csv",
    "annotations.csv",
];

/// The reference data shipped inside the binary (copied from `data/refdata/`, see `SOURCES.md`).
pub const SHIPPED: &[(&str, &[u8])] = &[
    ("taxa.csv", include_bytes!("../../../data/refdata/taxa.csv")),
    (
        "synonyms.csv",
        include_bytes!("../../../data/refdata/synonyms.csv"),
    ),
    (
        "common_names.csv",
        include_bytes!("../../../data/refdata/common_names.csv"),
    ),
    (
        "trade_focus_taxa.csv",
        include_bytes!("../../../data/refdata/trade_focus_taxa.csv"),
    ),
    (
        "listing_changes_since_2017.csv",
        include_bytes!("../../../data/refdata/listing_changes_since_2017.csv"),
    ),
    (
        "eu_annex.csv",
        include_bytes!("../../../data/refdata/eu_annex.csv"),
    ),
    (
        "eu_annex_overrides.csv",
        include_bytes!("../../../data/refdata/eu_annex_overrides.csv"),
    ),
    (
        "annotations.csv",
        include_bytes!("../../../data/refdata/annotations.csv"),
    ),
];

/// One CSV file: its header and its records, each with its line number.
pub(crate) struct Table {
    pub name: String,
    headers: HashMap<String, usize>,
    pub width: usize,
    pub rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    pub fn parse(name: &str, bytes: &[u8], required: &[&str]) -> Result<Table, RefDataError> {
        // The curated files have a few short rows; the export check in `update` is strict.
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
        let malformed = |line: u64, column: usize, message: String| RefDataError::Malformed {
            file: name.to_string(),
            line,
            column,
            message,
        };
        let headers = rdr
            .headers()
            .map_err(|e| csv_error(name, e))?
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim().trim_start_matches('\u{feff}').to_string(), i))
            .collect::<HashMap<_, _>>();
        for r in required {
            if !headers.contains_key(*r) {
                return Err(malformed(
                    1,
                    0,
                    format!("missing column `{r}` in the header"),
                ));
            }
        }
        let mut rows = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| csv_error(name, e))?;
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            rows.push((line, rec));
        }
        Ok(Table {
            name: name.to_string(),
            width: headers.len(),
            headers,
            rows,
        })
    }

    pub fn col(&self, name: &str) -> Option<usize> {
        self.headers.get(name).copied()
    }

    pub fn get<'a>(&self, rec: &'a csv::StringRecord, name: &str) -> &'a str {
        self.col(name)
            .and_then(|i| rec.get(i))
            .map(str::trim)
            .unwrap_or("")
    }
}

pub(crate) fn csv_error(file: &str, e: csv::Error) -> RefDataError {
    let (line, column) = match e.kind() {
        csv::ErrorKind::UnequalLengths { pos, len, .. } => (
            pos.as_ref().map(|p| p.line()).unwrap_or(0),
            *len as usize + 1,
        ),
        _ => (e.position().map(|p| p.line()).unwrap_or(0), 0),
    };
    RefDataError::Malformed {
        file: file.to_string(),
        line,
        column,
        message: e.to_string(),
    }
}

impl RefData {
    /// Loads the reference data shipped inside the binary.
    pub fn shipped() -> Result<RefData, RefDataError> {
        let files: HashMap<&str, &[u8]> = SHIPPED.iter().copied().collect();
        build(&|name| Ok(files.get(name).map(|b| b.to_vec())), "shipped")
    }

    /// Loads reference data from a directory holding the files of [`FILES`] (only `taxa.csv` is
    /// required).
    pub fn from_dir(dir: &Path) -> Result<RefData, RefDataError> {
        build(
            &|name| {
                let path = dir.join(name);
                match std::fs::read(&path) {
                    Ok(b) => Ok(Some(b)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(source) => Err(RefDataError::Io { path, source }),
                }
            },
            &dir.display().to_string(),
        )
    }
}

type Reader<'a> = dyn Fn(&str) -> Result<Option<Vec<u8>>, RefDataError> + 'a;

/// The listing annotations by id (`annotations.csv`), empty when the file is absent.
fn read_annotations(read: &Reader<'_>) -> Result<HashMap<String, String>, RefDataError> {
    Ok(match read("annotations.csv")? {
        Some(b) => {
            let t = Table::parse("annotations.csv", &b, &["annotation_id", "text_en"])?;
            t.rows
                .iter()
                .map(|(_, r)| {
                    (
                        t.get(r, "annotation_id").to_string(),
                        t.get(r, "text_en").to_string(),
                    )
                })
                .collect::<HashMap<_, _>>()
        }
        None => HashMap::new(),
    })
}

/// The binomial synonyms of `synonyms.csv` as names of their accepted taxa.
fn synonym_names(
    t: &Table,
    by_sp_id: &HashMap<u32, TaxonId>,
    by_sci: &HashMap<String, TaxonId>,
) -> Vec<Name> {
    t.rows
        .iter()
        .filter_map(|(_, rec)| {
            let taxon = synonym_target(t, rec, by_sp_id, by_sci)?;
            Some(Name {
                text: t.get(rec, "synonym_name").to_string(),
                kind: NameKind::Synonym,
                taxon,
                provenance: Provenance::new(
                    format!("synonyms.csv ({})", t.get(rec, "source")),
                    true,
                ),
            })
        })
        .collect()
}

/// The EN/FR/DE/NL names of `common_names.csv`, by Species+ id or scientific name.
fn common_names(
    bytes: &[u8],
    by_sp_id: &HashMap<u32, TaxonId>,
    by_sci: &HashMap<String, TaxonId>,
) -> Result<Vec<Name>, RefDataError> {
    let t = Table::parse("common_names.csv", bytes, &["lang", "common_name"])?;
    let mut names = Vec::new();
    for (_, rec) in &t.rows {
        let kind = match t.get(rec, "lang") {
            "en" => NameKind::En,
            "fr" => NameKind::Fr,
            "de" => NameKind::De,
            "nl" => NameKind::Nl,
            _ => continue,
        };
        let target = t
            .get(rec, "taxon_id")
            .parse::<u32>()
            .ok()
            .and_then(|id| by_sp_id.get(&id))
            .or_else(|| by_sci.get(t.get(rec, "scientific_name")));
        let Some(&taxon) = target else { continue };
        let text = t.get(rec, "common_name");
        if text.is_empty() {
            continue;
        }
        names.push(Name {
            text: text.to_string(),
            kind,
            taxon,
            provenance: Provenance::new(
                format!("common_names.csv ({})", t.get(rec, "source")),
                t.get(rec, "verified") == "yes",
            ),
        });
    }
    Ok(names)
}

/// One name per (taxon, kind, folded text), the verified copy winning, and the taxa of each folded
/// name.
fn index_names(names: Vec<Name>) -> (Vec<Name>, HashMap<String, Vec<TaxonId>>) {
    let mut keyed: Vec<(String, Name)> = names.into_iter().map(|n| (fold(&n.text), n)).collect();
    keyed.sort_by(|(ka, a), (kb, b)| {
        (a.taxon, a.kind.as_str(), ka, !a.provenance.verified).cmp(&(
            b.taxon,
            b.kind.as_str(),
            kb,
            !b.provenance.verified,
        ))
    });
    keyed.dedup_by(|(kb, b), (ka, a)| a.taxon == b.taxon && a.kind == b.kind && ka == kb);
    let mut by_name: HashMap<String, Vec<TaxonId>> = HashMap::with_capacity(keyed.len());
    for (k, n) in &keyed {
        let v = by_name.entry(k.clone()).or_default();
        if !v.contains(&n.taxon) {
            v.push(n.taxon);
        }
    }
    (keyed.into_iter().map(|(_, n)| n).collect(), by_name)
}

/// The taxa of the checklist export (`taxa.csv`) and their indexes by Species+ id and name.
struct Checklist {
    taxa: Vec<Taxon>,
    by_sp_id: HashMap<u32, TaxonId>,
    by_sci: HashMap<String, TaxonId>,
    /// The listing date of the export.
    data_date: String,
}

fn read_checklist(read: &Reader<'_>) -> Result<Checklist, RefDataError> {
    let taxa_bytes = read("taxa.csv")?.ok_or_else(|| RefDataError::Malformed {
        file: "taxa.csv".into(),
        line: 0,
        column: 0,
        message: "taxa.csv is missing".into(),
    })?;
    let taxa_table = Table::parse(
        "taxa.csv",
        &taxa_bytes,
        &["taxon_id", "full_name", "rank", "cites_listing"],
    )?;
    let annotations = read_annotations(read)?;

    let mut taxa: Vec<Taxon> = Vec::with_capacity(taxa_table.rows.len());
    let mut by_sp_id: HashMap<u32, TaxonId> = HashMap::new();
    let mut by_sci: HashMap<String, TaxonId> = HashMap::new();
    let mut data_date = String::new();
    for (line, rec) in &taxa_table.rows {
        let t = &taxa_table;
        let name = t.get(rec, "full_name");
        if name.is_empty() {
            continue;
        }
        let rank = Rank::parse(t.get(rec, "rank")).ok_or_else(|| RefDataError::Malformed {
            file: t.name.clone(),
            line: *line,
            column: t.col("rank").map(|c| c + 1).unwrap_or(0),
            message: format!("unknown rank `{}`", t.get(rec, "rank")),
        })?;
        if data_date.is_empty() {
            data_date = t.get(rec, "listing_date").to_string();
        }
        let sp_id = t.get(rec, "taxon_id").parse::<u32>().ok();
        let annotation = annotations
            .get(t.get(rec, "annotation_id"))
            .cloned()
            .filter(|a| !a.is_empty());
        let source = t.get(rec, "source");
        let source = if source.is_empty() {
            "species_plus"
        } else {
            source
        };
        let id = taxa.len() as TaxonId;
        if by_sci.contains_key(name) {
            continue;
        }
        by_sci.insert(name.to_string(), id);
        if let Some(sp) = sp_id {
            by_sp_id.insert(sp, id);
        }
        let mut taxon = Taxon::new(
            name.to_string(),
            rank,
            Provenance::new(format!("taxa.csv ({source})"), true),
        );
        taxon.species_plus_id = sp_id;
        taxon.lineage = Lineage {
            kingdom: t.get(rec, "kingdom").to_string(),
            class: t.get(rec, "class").to_string(),
            order: t.get(rec, "order").to_string(),
            family: t.get(rec, "family").to_string(),
            genus: t.get(rec, "genus").to_string(),
        };
        taxon.cites_raw = t.get(rec, "cites_listing").to_string();
        taxon.eu_provenance = Provenance::new(
            format!("taxa.csv ({source}), derived I→A, II→B, III→C"),
            false,
        );
        taxon.annotation = annotation;
        taxon.distribution = t
            .get(rec, "distribution_iso2")
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        taxa.push(taxon);
    }
    Ok(Checklist {
        taxa,
        by_sp_id,
        by_sci,
        data_date,
    })
}

/// Taxa common in trade but missing from the 2017 export (e.g. Psittacus timneh, Poecilotheria),
/// and the curated names of the trade-focus list (`trade_focus_taxa.csv`).
fn add_trade_focus(
    bytes: &[u8],
    taxa: &mut Vec<Taxon>,
    by_sci: &mut HashMap<String, TaxonId>,
    names: &mut Vec<Name>,
) -> Result<(), RefDataError> {
    let t = Table::parse("trade_focus_taxa.csv", bytes, &["scientific_name"])?;
    for (_, rec) in &t.rows {
        let sci = t.get(rec, "scientific_name");
        let basis = t.get(rec, "listing_basis");
        let id = match by_sci.get(sci) {
            Some(id) => *id,
            None => {
                let raw = t.get(rec, "cites_listing_best_current");
                if sci.is_empty() || sci.contains('(') || raw.is_empty() || raw == "NC" {
                    continue;
                }
                let words: Vec<&str> = sci.split_whitespace().collect();
                let rank = match t.get(rec, "species_plus_rank") {
                    "" if words.len() >= 2 => Rank::Species,
                    "" => Rank::Genus,
                    r => Rank::parse(r).unwrap_or(Rank::Species),
                };
                let genus = words.first().copied().unwrap_or_default().to_string();
                let id = taxa.len() as TaxonId;
                let prov = Provenance::new(format!("trade_focus_taxa.csv ({basis})"), false);
                let mut taxon = Taxon::new(sci.to_string(), rank, prov.clone());
                if rank >= Rank::Genus {
                    taxon.lineage.genus = genus;
                }
                taxon.cites_raw = raw.to_string();
                taxa.push(taxon);
                by_sci.insert(sci.to_string(), id);
                names.push(Name {
                    text: sci.to_string(),
                    kind: NameKind::Scientific,
                    taxon: id,
                    provenance: prov,
                });
                id
            }
        };
        for (col, kind) in [
            ("name_en", NameKind::En),
            ("name_fr", NameKind::Fr),
            ("name_de", NameKind::De),
            ("name_nl", NameKind::Nl),
        ] {
            for n in t
                .get(rec, col)
                .split(';')
                .map(str::trim)
                .filter(|n| !n.is_empty())
            {
                names.push(Name {
                    text: n.to_string(),
                    kind,
                    taxon: id,
                    provenance: Provenance::new(
                        "trade_focus_taxa.csv (curated, from memory)",
                        false,
                    ),
                });
            }
        }
    }
    Ok(())
}

fn build(read: &Reader<'_>, origin: &str) -> Result<RefData, RefDataError> {
    let Checklist {
        mut taxa,
        by_sp_id,
        mut by_sci,
        mut data_date,
    } = read_checklist(read)?;
    let from_checklist = taxa.len();
    if data_date.is_empty() {
        data_date = "unknown".into();
    }

    let mut names: Vec<Name> = taxa
        .iter()
        .enumerate()
        .map(|(i, t)| Name {
            text: t.name.clone(),
            kind: NameKind::Scientific,
            taxon: i as TaxonId,
            provenance: t.cites_provenance.clone(),
        })
        .collect();

    if let Some(b) = read("trade_focus_taxa.csv")? {
        add_trade_focus(&b, &mut taxa, &mut by_sci, &mut names)?;
    }

    let synonyms = read("synonyms.csv")?
        .map(|b| Table::parse("synonyms.csv", &b, &["taxon_id", "synonym_name"]))
        .transpose()?;
    let change_rows = read("listing_changes_since_2017.csv")?
        .map(|b| {
            Table::parse(
                "listing_changes_since_2017.csv",
                &b,
                &["taxon", "change", "cites_appendix_new"],
            )
        })
        .transpose()?
        .map(|t| changes::read_rows(&t))
        .unwrap_or_default();
    let synonym_targets = synonym_map(
        synonyms.as_ref(),
        &changes::unknown_names(&change_rows, &by_sci),
        &by_sp_id,
        &by_sci,
    );
    let planned = changes::plan(
        change_rows,
        &mut Registry {
            taxa: &mut taxa,
            by_sci: &mut by_sci,
            names: &mut names,
            synonyms: &synonym_targets,
            from_checklist,
        },
    );

    listing::link_parents(&mut taxa, &by_sci);

    let eu_verified = read("eu_annex.csv")?
        .map(|b| Table::parse("eu_annex.csv", &b, &["taxon", "annex"]))
        .transpose()?;
    let eu_overrides = read("eu_annex_overrides.csv")?
        .map(|b| {
            Table::parse(
                "eu_annex_overrides.csv",
                &b,
                &["scientific_name", "eu_annex"],
            )
        })
        .transpose()?;
    let resolved = listing::resolve(
        &mut taxa,
        &by_sci,
        &planned,
        eu_verified.as_ref(),
        eu_overrides.as_ref(),
    );
    let scoped_annexes = coverage::scoped_annexes(eu_verified.as_ref(), &taxa, &by_sci);
    coverage::build(
        &mut taxa,
        &CoverageInputs {
            population_changes: &resolved.applied.population_changes,
            scoped_annexes: &scoped_annexes,
            eu_basis: &resolved.eu_basis,
            changed: &resolved.applied.changed,
        },
    );

    if let Some(t) = &synonyms {
        names.extend(synonym_names(t, &by_sp_id, &by_sci));
    }
    if let Some(b) = read("common_names.csv")? {
        names.extend(common_names(&b, &by_sp_id, &by_sci)?);
    }

    let (names, by_name) = index_names(names);
    Ok(RefData {
        taxa,
        names,
        data_date,
        origin: origin.to_string(),
        listing_changes: resolved.applied.records,
        by_name,
    })
}

/// The accepted taxon of a synonym row. Split-out synonyms are ~1% noisy: a one-word "synonym" is an
/// author or a genus fragment and would match ordinary words, so only binomials and longer count.
fn synonym_target(
    t: &Table,
    rec: &csv::StringRecord,
    by_sp_id: &HashMap<u32, TaxonId>,
    by_sci: &HashMap<String, TaxonId>,
) -> Option<TaxonId> {
    if t.get(rec, "synonym_name").split_whitespace().count() < 2 {
        return None;
    }
    t.get(rec, "taxon_id")
        .parse::<u32>()
        .ok()
        .and_then(|id| by_sp_id.get(&id))
        .or_else(|| by_sci.get(t.get(rec, "accepted_name")))
        .copied()
}

/// The accepted taxa of the `wanted` synonyms (names in listing changes that are not accepted names,
/// e.g. a name newer than the checklist).
fn synonym_map(
    synonyms: Option<&Table>,
    wanted: &HashSet<&str>,
    by_sp_id: &HashMap<u32, TaxonId>,
    by_sci: &HashMap<String, TaxonId>,
) -> HashMap<String, Vec<TaxonId>> {
    let mut out: HashMap<String, Vec<TaxonId>> = HashMap::new();
    let (Some(t), Some(col)) = (synonyms, synonyms.and_then(|t| t.col("synonym_name"))) else {
        return out;
    };
    for (_, rec) in &t.rows {
        let name = rec.get(col).unwrap_or_default().trim();
        if !wanted.contains(name) {
            continue;
        }
        if let Some(id) = synonym_target(t, rec, by_sp_id, by_sci) {
            let v = out.entry(name.to_string()).or_default();
            if !v.contains(&id) {
                v.push(id);
            }
        }
    }
    out
}
