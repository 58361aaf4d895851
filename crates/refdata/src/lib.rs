//! Reference data for wildwatch: CITES appendices, EU annexes, the taxonomy they hang on, and every
//! name (scientific, synonym, EN/FR/DE/NL common names) that resolves to an accepted taxon.
//!
//! The data ships inside the binary (the CSV files of `data/refdata/`, see `SOURCES.md`) and can be
//! replaced by a directory rebuilt from a newer official Species+/Checklist export
//! (`wildwatch refdata update`). Every listing value keeps its provenance: which file it came from and
//! whether that source was verified.
//!
//! Later listing changes (CoP18–CoP20, `listing_changes_since_2017.csv`) are applied on load, each row
//! ending in a [`ChangeRecord`] ([`RefData::listing_changes`]). A listing that covers only part of a
//! species (populations, subspecies, `NC`) is modelled in [`Taxon::coverage`], and
//! [`Taxon::listing_for_origin`] says which part applies to a specimen from a stated origin
//! ([`origins_in`] finds origins in an ad's text).
#![deny(missing_docs)]

mod changes;
mod coverage;
mod listing;
mod load;
mod origin;
mod places;
pub mod update;

use std::collections::HashMap;
use std::fmt;
use std::fmt::Write as _;
use std::path::PathBuf;

pub use changes::{ChangeOutcome, ChangeRecord};
pub use coverage::{Coverage, ListedPart, PartialListing, Scope};
pub use load::{FILES, SHIPPED};
pub use origin::{origins_in, Basis, ListingChoice, Origin};

/// A CITES appendix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Appendix {
    /// Appendix I: trade in wild specimens prohibited.
    I,
    /// Appendix II: trade controlled by permits.
    II,
    /// Appendix III: listed by one range state.
    III,
}

impl Appendix {
    /// The roman numeral as written in the listings.
    pub fn as_str(self) -> &'static str {
        match self {
            Appendix::I => "I",
            Appendix::II => "II",
            Appendix::III => "III",
        }
    }
    /// Parses `I`, `II` or `III`.
    pub fn parse(s: &str) -> Option<Appendix> {
        match s.trim() {
            "I" => Some(Appendix::I),
            "II" => Some(Appendix::II),
            "III" => Some(Appendix::III),
            _ => None,
        }
    }
}

/// An annex of the EU Wildlife Trade Regulation (Council Regulation (EC) No 338/97).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Annex {
    /// Annex A (strictest; CITES I and some CITES II species).
    A,
    /// Annex B.
    B,
    /// Annex C.
    C,
    /// Annex D (monitoring only).
    D,
}

impl Annex {
    /// The letter.
    pub fn as_str(self) -> &'static str {
        match self {
            Annex::A => "A",
            Annex::B => "B",
            Annex::C => "C",
            Annex::D => "D",
        }
    }
    /// Parses `A`..`D`.
    pub fn parse(s: &str) -> Option<Annex> {
        match s.trim() {
            "A" => Some(Annex::A),
            "B" => Some(Annex::B),
            "C" => Some(Annex::C),
            "D" => Some(Annex::D),
            _ => None,
        }
    }
    /// The annex the EU gives by default to a CITES appendix.
    pub fn from_appendix(a: Appendix) -> Annex {
        match a {
            Appendix::I => Annex::A,
            Appendix::II => Annex::B,
            Appendix::III => Annex::C,
        }
    }
}

/// Taxonomic rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rank {
    /// Order.
    Order,
    /// Family.
    Family,
    /// Subfamily.
    Subfamily,
    /// Genus.
    Genus,
    /// Species.
    Species,
    /// Subspecies.
    Subspecies,
    /// Variety.
    Variety,
}

impl Rank {
    /// Parses a Species+ rank name (`SPECIES`, `GENUS` …).
    pub fn parse(s: &str) -> Option<Rank> {
        Some(match s.trim().to_ascii_uppercase().as_str() {
            "ORDER" => Rank::Order,
            "FAMILY" => Rank::Family,
            "SUBFAMILY" => Rank::Subfamily,
            "GENUS" => Rank::Genus,
            "SPECIES" => Rank::Species,
            "SUBSPECIES" => Rank::Subspecies,
            "VARIETY" => Rank::Variety,
            _ => return None,
        })
    }
    /// The Species+ spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Rank::Order => "ORDER",
            Rank::Family => "FAMILY",
            Rank::Subfamily => "SUBFAMILY",
            Rank::Genus => "GENUS",
            Rank::Species => "SPECIES",
            Rank::Subspecies => "SUBSPECIES",
            Rank::Variety => "VARIETY",
        }
    }
    /// True for ranks above species.
    pub fn is_higher(self) -> bool {
        matches!(
            self,
            Rank::Order | Rank::Family | Rank::Subfamily | Rank::Genus
        )
    }
}

/// Where a value came from and whether its source was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// The source (file and, where known, the document behind it).
    pub source: String,
    /// `true` when the value was read in the cited source; `false` for curated, unchecked values.
    pub verified: bool,
}

impl Provenance {
    pub(crate) fn new(source: impl Into<String>, verified: bool) -> Provenance {
        Provenance {
            source: source.into(),
            verified,
        }
    }
}

impl fmt::Display for Provenance {
    /// `source, verified` or `source, unverified`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, {}",
            self.source,
            if self.verified {
                "verified"
            } else {
                "unverified"
            }
        )
    }
}

/// Index of a taxon in [`RefData::taxa`].
pub type TaxonId = u32;

/// An accepted taxon with its listing.
#[derive(Debug, Clone)]
pub struct Taxon {
    /// Species+ taxon id, when the taxon is in the export.
    pub species_plus_id: Option<u32>,
    /// Accepted scientific name.
    pub name: String,
    /// Rank.
    pub rank: Rank,
    /// Kingdom, class, order, family, genus as in the export (may be empty).
    pub lineage: Lineage,
    /// The parent taxon present in the data, if any.
    pub parent: Option<TaxonId>,
    /// The listing as written in the export, e.g. `I/II` or `II/NC`.
    pub cites_raw: String,
    /// The appendix that applies to a specimen named only by this taxon (split listings resolved to
    /// the strictest or commonest reading; [`Taxon::coverage`] says which part has which).
    pub cites: Option<Appendix>,
    /// Provenance of [`Taxon::cites`].
    pub cites_provenance: Provenance,
    /// The EU annex that applies.
    pub eu_annex: Option<Annex>,
    /// Provenance of [`Taxon::eu_annex`].
    pub eu_provenance: Provenance,
    /// Listing annotation (English), e.g. the Psittaciformes exclusions.
    pub annotation: Option<String>,
    /// Notes: later changes that were not applied to the whole taxon (population listings, rejected
    /// proposals, confirmations), EU population rows, and how a taxon not in the checklist came in.
    pub notes: Vec<String>,
    /// ISO 3166-1 alpha-2 codes of the countries the taxon occurs in (as in the checklist; empty when
    /// not known).
    pub distribution: Vec<String>,
    /// Which parts of the taxon the listing covers.
    pub coverage: Coverage,
}

/// Kingdom…genus of a taxon.
#[derive(Debug, Clone, Default)]
pub struct Lineage {
    /// Kingdom.
    pub kingdom: String,
    /// Class.
    pub class: String,
    /// Order.
    pub order: String,
    /// Family.
    pub family: String,
    /// Genus.
    pub genus: String,
}

impl Taxon {
    /// A taxon with nothing known but its name, rank and provenance (not listed until a listing is
    /// set).
    pub(crate) fn new(name: String, rank: Rank, provenance: Provenance) -> Taxon {
        Taxon {
            species_plus_id: None,
            name,
            rank,
            lineage: Lineage::default(),
            parent: None,
            cites_raw: String::new(),
            cites: None,
            cites_provenance: provenance.clone(),
            eu_annex: None,
            eu_provenance: provenance,
            annotation: None,
            notes: Vec::new(),
            distribution: Vec::new(),
            coverage: Coverage::Whole,
        }
    }

    /// True when the taxon is listed in a CITES appendix or an EU annex.
    pub fn is_listed(&self) -> bool {
        self.cites.is_some() || self.eu_annex.is_some()
    }
}

/// The language or kind of a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameKind {
    /// The accepted scientific name.
    Scientific,
    /// A scientific synonym.
    Synonym,
    /// An English common name.
    En,
    /// A French common name.
    Fr,
    /// A German common name.
    De,
    /// A Dutch common name.
    Nl,
}

impl NameKind {
    /// Short label.
    pub fn as_str(self) -> &'static str {
        match self {
            NameKind::Scientific => "scientific",
            NameKind::Synonym => "synonym",
            NameKind::En => "en",
            NameKind::Fr => "fr",
            NameKind::De => "de",
            NameKind::Nl => "nl",
        }
    }
    /// For common names, the ISO 639-1 language.
    pub fn lang(self) -> Option<&'static str> {
        match self {
            NameKind::En => Some("en"),
            NameKind::Fr => Some("fr"),
            NameKind::De => Some("de"),
            NameKind::Nl => Some("nl"),
            _ => None,
        }
    }
}

/// A name that resolves to a taxon.
#[derive(Debug, Clone)]
pub struct Name {
    /// The name as written in the source.
    pub text: String,
    /// Scientific, synonym or the language of a common name.
    pub kind: NameKind,
    /// The accepted taxon.
    pub taxon: TaxonId,
    /// Where the name came from.
    pub provenance: Provenance,
}

/// Errors loading or rebuilding reference data.
#[derive(Debug, thiserror::Error)]
pub enum RefDataError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A CSV record is malformed.
    #[error("{file}: line {line}, column {column}: {message}")]
    Malformed {
        /// The file.
        file: String,
        /// 1-based line.
        line: u64,
        /// 1-based column (field number), 0 when unknown.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

/// The loaded reference data.
#[derive(Debug, Clone)]
pub struct RefData {
    /// All taxa, listed or not (unlisted ones such as the budgerigar are kept so that they resolve).
    pub taxa: Vec<Taxon>,
    /// All names.
    pub names: Vec<Name>,
    /// Date of the base checklist export.
    pub data_date: String,
    /// Where the data was loaded from (`shipped` or a directory).
    pub origin: String,
    /// What became of each row of `listing_changes_since_2017.csv`, in file order.
    pub listing_changes: Vec<ChangeRecord>,
    by_name: HashMap<String, Vec<TaxonId>>,
}

impl RefData {
    /// The taxon with this index.
    pub fn taxon(&self, id: TaxonId) -> &Taxon {
        &self.taxa[id as usize]
    }

    /// Taxa whose names (any kind) equal `name`, ignoring case and accents.
    pub fn lookup(&self, name: &str) -> Vec<TaxonId> {
        self.by_name.get(&fold(name)).cloned().unwrap_or_default()
    }

    /// All names of a taxon.
    pub fn names_of(&self, id: TaxonId) -> impl Iterator<Item = &Name> {
        self.names.iter().filter(move |n| n.taxon == id)
    }

    /// The chain from the taxon up to the highest ancestor in the data.
    pub fn ancestors(&self, id: TaxonId) -> Vec<TaxonId> {
        let mut out = Vec::new();
        let mut cur = self.taxon(id).parent;
        while let Some(p) = cur {
            if out.contains(&p) {
                break;
            }
            out.push(p);
            cur = self.taxon(p).parent;
        }
        out
    }

    /// A human-readable description of a taxon's listing (each value with its source and whether
    /// that source is verified), the parts it covers, its notes and its names with their sources.
    pub fn describe(&self, id: TaxonId) -> String {
        let mut s = String::new();
        self.describe_taxonomy(id, &mut s);
        self.describe_listing(id, &mut s);
        self.describe_names(id, &mut s);
        let _ = writeln!(
            s,
            "  data:       checklist of {} ({})",
            self.data_date, self.origin
        );
        s
    }

    fn describe_taxonomy(&self, id: TaxonId, s: &mut String) {
        let t = self.taxon(id);
        let _ = writeln!(s, "{} ({})", t.name, t.rank.as_str().to_lowercase());
        let lin = &t.lineage;
        let chain: Vec<&str> = [
            &lin.kingdom,
            &lin.class,
            &lin.order,
            &lin.family,
            &lin.genus,
        ]
        .iter()
        .map(|x| x.as_str())
        .filter(|x| !x.is_empty() && *x != t.name)
        .collect();
        if !chain.is_empty() {
            let _ = writeln!(s, "  taxonomy:   {}", chain.join(" > "));
        }
        if let Some(sp) = t.species_plus_id {
            let _ = writeln!(s, "  Species+ id: {sp}");
        }
    }

    /// The CITES and EU lines (each with its provenance), the covered parts, annotation and notes.
    fn describe_listing(&self, id: TaxonId, s: &mut String) {
        let t = self.taxon(id);
        let _ = writeln!(
            s,
            "  CITES:      {} (as listed: {})  [{}]",
            t.cites.map(|a| a.as_str()).unwrap_or("not listed"),
            if t.cites_raw.is_empty() {
                "-"
            } else {
                &t.cites_raw
            },
            t.cites_provenance
        );
        let _ = writeln!(
            s,
            "  EU annex:   {}  [{}]",
            t.eu_annex.map(|a| a.as_str()).unwrap_or("not listed"),
            t.eu_provenance
        );
        match &t.coverage {
            Coverage::Whole => {}
            Coverage::Members => {
                let _ = writeln!(
                    s,
                    "  coverage:   its members are listed differently ({}): see each",
                    t.cites_raw
                );
            }
            Coverage::Parts(p) => {
                let _ = writeln!(s, "  coverage:   {}", p.text);
                for part in &p.parts {
                    let _ = writeln!(
                        s,
                        "  part:       Appendix {} / {}: {}  [{}; annex: {}]",
                        part.appendix.as_str(),
                        part.annex
                            .map(|a| format!("Annex {}", a.as_str()))
                            .unwrap_or_else(|| "no EU annex".into()),
                        part.scope.describe(),
                        part.provenance,
                        part.annex_provenance
                    );
                }
            }
        }
        if let Some(a) = &t.annotation {
            let _ = writeln!(s, "  annotation: {a}");
        }
        for n in &t.notes {
            let _ = writeln!(s, "  note:       {n}");
        }
    }

    /// Names by kind, grouped by their source.
    fn describe_names(&self, id: TaxonId, s: &mut String) {
        for kind in [
            NameKind::En,
            NameKind::Fr,
            NameKind::De,
            NameKind::Nl,
            NameKind::Synonym,
        ] {
            let mut groups: Vec<(&Provenance, Vec<&str>)> = Vec::new();
            for n in self.names_of(id).filter(|n| n.kind == kind) {
                match groups.iter_mut().find(|(p, _)| **p == n.provenance) {
                    Some((_, names)) => names.push(&n.text),
                    None => groups.push((&n.provenance, vec![&n.text])),
                }
            }
            for (i, (provenance, names)) in groups.iter().enumerate() {
                let label = if i == 0 {
                    format!("{}:", kind.as_str())
                } else {
                    String::new()
                };
                let _ = writeln!(s, "  {label:<11} {}  [{provenance}]", names.join("; "));
            }
        }
    }
}

/// Case- and accent-insensitive key used for name lookups.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.trim().chars().flat_map(|c| c.to_lowercase()) {
        let c = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            'ß' => {
                out.push_str("ss");
                continue;
            }
            '’' => '\'',
            c => c,
        };
        out.push(c);
    }
    out
}
