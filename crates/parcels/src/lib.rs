//! Screens carrier manifests (`wildwatch parcels screen`).
//!
//! Each shipment's declared contents go through the ad detector (as a title)
//! and through a small shipped list of parcel wording (`data/parcels.csv`):
//! generic live-animal declarations, known cover wording, decoys ("ceramic
//! turtle") declared with the weight of a live animal and handicrafts made of
//! animal parts. Sender and recipient phones and e-mails are normalised with
//! `wildwatch-ident` and looked up among the identifiers of sellers seen
//! online. Every flag carries a reason a person can check.

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use wildwatch_detect::{AdInput, Detector};

/// The default column mapping (header names in EN/FR/DE/NL).
pub const DEFAULT_MAPPING: &str = include_str!("../data/mapping.toml");
/// Parcel wording (source noted in the file).
pub const PARCEL_TERMS: &str = include_str!("../data/parcels.csv");

/// Fields of a manifest row.
pub const FIELDS: [&str; 14] = [
    "shipment",
    "sender_name",
    "sender_address",
    "sender_phone",
    "sender_email",
    "recipient_name",
    "recipient_address",
    "recipient_phone",
    "recipient_email",
    "contents",
    "weight",
    "value",
    "origin",
    "destination",
];
const CONTENTS: usize = 9;

/// Column mapping: for each field, the header names that may hold it.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// Where the mapping came from (for messages).
    pub source: String,
    columns: Vec<(usize, Vec<String>)>,
}

#[derive(serde::Deserialize)]
struct MappingFile {
    columns: HashMap<String, Vec<String>>,
}

fn header_key(s: &str) -> String {
    fold(s)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
}

impl Mapping {
    /// Reads a mapping from TOML text (`[columns] field = ["header", …]`).
    pub fn parse(text: &str, source: &str) -> Result<Mapping> {
        let f: MappingFile =
            toml::from_str(text).with_context(|| format!("reading column mapping {source}"))?;
        let mut columns = Vec::new();
        for (k, names) in f.columns {
            let Some(i) = FIELDS.iter().position(|f| *f == k) else {
                bail!(
                    "column mapping {source}: unknown field {k:?} (fields: {})",
                    FIELDS.join(", ")
                );
            };
            columns.push((i, names.iter().map(|n| header_key(n)).collect()));
        }
        Ok(Mapping {
            source: source.into(),
            columns,
        })
    }

    /// The shipped mapping.
    pub fn default_mapping() -> Mapping {
        Mapping::parse(DEFAULT_MAPPING, "(default mapping)").expect("shipped mapping")
    }

    /// Column index of each field in this header (None when absent).
    pub fn resolve(&self, header: &[&str]) -> Result<[Option<usize>; 14]> {
        let keys: Vec<String> = header.iter().map(|h| header_key(h)).collect();
        let mut out = [None; 14];
        for (field, names) in &self.columns {
            // Earlier names in the list win.
            out[*field] = names.iter().find_map(|n| keys.iter().position(|k| k == n));
        }
        if out[CONTENTS].is_none() {
            bail!(
                "manifest has no column for the required field \"contents\" (looked for {:?} in mapping {}; header: {:?})",
                self.columns
                    .iter()
                    .find(|(f, _)| *f == CONTENTS)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default(),
                self.source,
                header
            );
        }
        Ok(out)
    }
}

/// Lowercase, accents folded, punctuation to spaces.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        let r = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
            'ç' => "c",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
            'ù' | 'ú' | 'û' | 'ü' => "u",
            'ý' | 'ÿ' => "y",
            'ß' => "ss",
            'œ' => "oe",
            'æ' => "ae",
            c if c.is_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => " ",
        };
        out.push_str(r);
    }
    out
}

fn words(s: &str) -> String {
    let f = fold(s);
    let mut out = String::with_capacity(f.len() + 2);
    out.push(' ');
    for w in f.split_whitespace() {
        out.push_str(w);
        out.push(' ');
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TermKind {
    Live,
    Euphemism,
    Animal,
    Material,
    Object,
    Craft,
    Part,
}

#[derive(Debug, Clone)]
struct Term {
    padded: String,
    written: String,
    kind: TermKind,
    min_kg: Option<f64>,
}

/// The parcel word list.
#[derive(Debug, Clone)]
pub struct Terms(Vec<Term>);

impl Terms {
    /// Parses `term,lang,kind,min_kg,note` lines (`#` comments).
    pub fn parse(text: &str) -> Result<Terms> {
        let mut out = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with("term,") {
                continue;
            }
            let cols: Vec<&str> = line.split(',').collect();
            if cols.len() < 3 {
                bail!("parcel terms line {}: {line:?}", n + 1);
            }
            let kind = match cols[2] {
                "live" => TermKind::Live,
                "euphemism" => TermKind::Euphemism,
                "animal" => TermKind::Animal,
                "material" => TermKind::Material,
                "object" => TermKind::Object,
                "craft" => TermKind::Craft,
                "part" => TermKind::Part,
                k => bail!("parcel terms line {}: unknown kind {k:?}", n + 1),
            };
            out.push(Term {
                padded: words(cols[0]),
                written: cols[0].to_string(),
                kind,
                min_kg: cols.get(3).and_then(|x| x.parse().ok()),
            });
        }
        Ok(Terms(out))
    }

    /// The shipped list.
    pub fn shipped() -> Terms {
        Terms::parse(PARCEL_TERMS).expect("shipped parcel terms")
    }
}

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
    flags: Vec<Flag>,
    /// (animal word, lightest live weight) when the contents is a decoy object.
    decoy: Option<(String, String, f64)>,
    /// Animal word without a decoy object.
    animal: Option<String>,
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

/// Reads "1,2 kg", "800 g", "2 lbs", "1.5" (kg) into kilograms.
pub fn parse_weight(s: &str) -> Option<f64> {
    let t = s.trim().to_lowercase();
    if t.is_empty() {
        return None;
    }
    let num_end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',' || c == ' '))
        .unwrap_or(t.len());
    let n = parse_number(&t[..num_end])?;
    let unit = t[num_end..].trim().trim_end_matches('.');
    let f = match unit {
        "" | "kg" | "kgs" | "kilo" | "kilos" | "kilogram" | "kilogramme" | "kilogramm" => 1.0,
        "g" | "gr" | "gram" | "gramme" | "gramm" | "grams" => 0.001,
        "lb" | "lbs" | "pound" | "pounds" => 0.453_592,
        "oz" => 0.028_349_5,
        _ => return None,
    };
    Some(n * f)
}

fn parse_number(s: &str) -> Option<f64> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if s.is_empty() {
        return None;
    }
    let s = match (s.rfind(','), s.rfind('.')) {
        (Some(c), Some(d)) if c > d => s.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => s.replace(',', ""),
        (Some(c), None) if s.len() - c == 4 && s.matches(',').count() >= 1 && c > 0 => {
            // "1,200" thousands separator when exactly three digits follow.
            s.replace(',', "")
        }
        (Some(_), None) => s.replace(',', "."),
        _ => s,
    };
    s.parse().ok()
}

/// Reads "120 EUR", "€ 1.200,50", "$40" into (amount, currency).
pub fn parse_value(s: &str) -> Option<(f64, Option<String>)> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    let num: String = t
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .collect();
    let cur: String = t
        .chars()
        .filter(|c| !(c.is_ascii_digit() || *c == '.' || *c == ',' || c.is_whitespace()))
        .collect();
    let cur = match cur.as_str() {
        "" => None,
        "€" => Some("EUR".to_string()),
        "$" => Some("USD".to_string()),
        "£" => Some("GBP".to_string()),
        c if c.len() == 3 && c.chars().all(|x| x.is_ascii_alphabetic()) => Some(c.to_uppercase()),
        _ => return None,
    };
    Some((parse_number(&num)?, cur))
}

/// A seller seen online holding an identifier.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Owner {
    /// Seller key (`s12`).
    pub seller: String,
    /// Display name.
    pub name: String,
    /// Platform.
    pub platform: String,
    /// Ad ids where the identifier appeared.
    pub ads: Vec<i64>,
}

/// Looks identifiers up among sellers seen online.
pub trait OwnerLookup {
    /// Sellers holding `(kind, value)`.
    fn owners(&mut self, kind: &str, value: &str) -> Result<Vec<Owner>>;
}

impl OwnerLookup for wildwatch_store::SqliteStore {
    fn owners(&mut self, kind: &str, value: &str) -> Result<Vec<Owner>> {
        let rows = self.identifier_owners(kind, value)?;
        let mut out: Vec<Owner> = Vec::new();
        for (key, ad) in rows {
            if let Some(o) = out.iter_mut().find(|o| o.seller == key) {
                o.ads.push(ad);
                continue;
            }
            let (name, platform) = match self.seller_view(&key)? {
                Some(v) => (v.name, v.platform),
                None => (String::new(), String::new()),
            };
            out.push(Owner {
                seller: key,
                name,
                platform,
                ads: vec![ad],
            });
        }
        Ok(out)
    }
}

/// One screened row.
#[derive(Debug, Clone, Serialize)]
pub struct Screened {
    /// Line in the file (header = 1).
    pub line: u64,
    /// Shipment id (or empty).
    pub shipment: String,
    /// Sender name.
    pub sender: String,
    /// Recipient name.
    pub recipient: String,
    /// Declared contents.
    pub contents: String,
    /// Weight in kg.
    pub weight_kg: Option<f64>,
    /// Declared value.
    pub value: Option<f64>,
    /// Currency of the value.
    pub currency: Option<String>,
    /// Origin country.
    pub origin: String,
    /// Destination country.
    pub destination: String,
    /// `high`, `medium`, `low` or `none`.
    pub risk: &'static str,
    /// Why.
    pub flags: Vec<Flag>,
    /// Sellers seen online matching the sender or recipient.
    pub matches: Vec<IdentMatch>,
}

/// A sender or recipient identifier held by a seller seen online.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IdentMatch {
    /// `sender` or `recipient`.
    pub party: &'static str,
    /// `phone` or `email`.
    pub kind: &'static str,
    /// Normalised value.
    pub value: String,
    /// Sellers.
    pub owners: Vec<Owner>,
}

/// A row that could not be read.
#[derive(Debug, Clone, Serialize)]
pub struct BadRow {
    /// Line in the file.
    pub line: u64,
    /// What is wrong.
    pub error: String,
}

/// Totals.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Rows read (bad ones included).
    pub rows: u64,
    /// Rows flagged.
    pub flagged: u64,
    /// Rows per flag code.
    pub by_reason: std::collections::BTreeMap<String, u64>,
    /// Rows per risk.
    pub by_risk: std::collections::BTreeMap<String, u64>,
    /// Bad rows.
    pub bad: Vec<BadRow>,
    /// Distinct contents strings screened.
    pub distinct_contents: usize,
    /// Seconds.
    pub seconds: f64,
}

/// Screening options.
pub struct Options<'a> {
    /// Column mapping.
    pub mapping: &'a Mapping,
    /// Detector.
    pub detector: &'a Detector,
    /// Parcel words.
    pub terms: &'a Terms,
    /// Keep unflagged rows.
    pub all: bool,
    /// Rows per parallel chunk.
    pub chunk: usize,
}

struct Raw {
    line: u64,
    f: [String; 14],
}

fn norm_country(s: &str) -> Option<String> {
    let t = s.trim();
    let up = t.to_uppercase();
    if up.len() == 2 && up.chars().all(|c| c.is_ascii_alphabetic()) {
        return Some(up);
    }
    let code = match fold(t).trim() {
        "france" => "FR",
        "belgium" | "belgique" | "belgie" | "belgien" => "BE",
        "germany" | "allemagne" | "deutschland" | "duitsland" => "DE",
        "netherlands" | "pays bas" | "niederlande" | "nederland" => "NL",
        "switzerland" | "suisse" | "schweiz" | "zwitserland" => "CH",
        "austria" | "autriche" | "osterreich" | "oostenrijk" => "AT",
        "luxembourg" | "luxemburg" => "LU",
        "united kingdom" | "uk" | "royaume uni" => "GB",
        _ => return None,
    };
    Some(code.into())
}

/// Screens a manifest; `emit` receives rows in file order (flagged ones, or
/// all with `all`).
pub fn screen<R: Read>(
    input: R,
    opts: &Options,
    mut lookup: Option<&mut dyn OwnerLookup>,
    mut emit: impl FnMut(&Screened) -> Result<()>,
) -> Result<Summary> {
    let started = std::time::Instant::now();
    // Sniff the delimiter from the header line.
    let mut input = std::io::BufReader::with_capacity(1 << 20, input);
    let buf = std::io::BufRead::fill_buf(&mut input)?;
    let first = buf.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let semis = first.iter().filter(|b| **b == b';').count();
    let commas = first.iter().filter(|b| **b == b',').count();
    let tabs = first.iter().filter(|b| **b == b'\t').count();
    let delim = if tabs > semis.max(commas) {
        b'\t'
    } else if semis > commas {
        b';'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .has_headers(true)
        .from_reader(input);
    let header = rdr.headers().context("reading manifest header")?.clone();
    let hdr: Vec<&str> = header
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim())
        .collect();
    let cols = opts.mapping.resolve(&hdr)?;
    let width = header.len();

    let mut summary = Summary::default();
    let mut contents_cache: HashMap<String, ContentsFinding> = HashMap::new();
    let mut phone_cache: HashMap<(String, String), Option<String>> = HashMap::new();
    let mut owner_cache: HashMap<(&'static str, String), Vec<Owner>> = HashMap::new();
    let mut rec = csv::StringRecord::new();
    let chunk = opts.chunk.max(1);
    let mut done = false;
    while !done {
        let mut raws: Vec<Raw> = Vec::with_capacity(chunk);
        while raws.len() < chunk {
            match rdr.read_record(&mut rec) {
                Ok(false) => {
                    done = true;
                    break;
                }
                Ok(true) => {
                    let line = rec.position().map(|p| p.line()).unwrap_or(0);
                    summary.rows += 1;
                    if rec.len() != width {
                        summary.bad.push(BadRow {
                            line,
                            error: format!("{} columns, header has {width}", rec.len()),
                        });
                        continue;
                    }
                    let f: [String; 14] = std::array::from_fn(|i| {
                        cols[i]
                            .and_then(|c| rec.get(c))
                            .unwrap_or("")
                            .trim()
                            .to_string()
                    });
                    raws.push(Raw { line, f });
                }
                Err(e) => {
                    summary.rows += 1;
                    let line = e.position().map(|p| p.line()).unwrap_or(0);
                    summary.bad.push(BadRow {
                        line,
                        error: e.to_string(),
                    });
                }
            }
        }
        // Distinct contents and phones not seen yet, screened in parallel.
        let mut new_contents: HashSet<&str> = HashSet::new();
        let mut new_phones: HashSet<(String, String)> = HashSet::new();
        for r in &raws {
            if !contents_cache.contains_key(&r.f[CONTENTS]) {
                new_contents.insert(&r.f[CONTENTS]);
            }
            for (p, c) in [(3, 12), (7, 13)] {
                if !r.f[p].is_empty() {
                    let k = (r.f[p].clone(), r.f[c].clone());
                    if !phone_cache.contains_key(&k) {
                        new_phones.insert(k);
                    }
                }
            }
        }
        let found: Vec<(String, ContentsFinding)> = new_contents
            .into_par_iter()
            .map(|c| {
                (
                    c.to_string(),
                    contents_finding(opts.detector, opts.terms, c),
                )
            })
            .collect();
        contents_cache.extend(found);
        let phones: Vec<((String, String), Option<String>)> = new_phones
            .into_par_iter()
            .map(|(p, c)| {
                let n = wildwatch_ident::normalize_phone(&p, norm_country(&c).as_deref());
                ((p, c), n)
            })
            .collect();
        phone_cache.extend(phones);

        for r in raws {
            let mut bad = Vec::new();
            let weight = if r.f[10].is_empty() {
                None
            } else {
                let w = parse_weight(&r.f[10]);
                if w.is_none() {
                    bad.push(format!("weight {:?} unreadable", r.f[10]));
                }
                w
            };
            let value = if r.f[11].is_empty() {
                None
            } else {
                let v = parse_value(&r.f[11]);
                if v.is_none() {
                    bad.push(format!("value {:?} unreadable", r.f[11]));
                }
                v
            };
            if !bad.is_empty() {
                summary.bad.push(BadRow {
                    line: r.line,
                    error: bad.join("; "),
                });
            }
            let cf = &contents_cache[&r.f[CONTENTS]];
            let mut flags = cf.flags.clone();
            if let Some((obj, animal, min)) = &cf.decoy {
                if let Some(w) = weight.filter(|w| w >= min) {
                    flags.push(Flag {
                        code: "decoy-weight",
                        text: format!(
                            "\"{obj}\" + \"{animal}\" declared at {w} kg (a live {animal} weighs from {min} kg)"
                        ),
                    });
                }
            }
            if let Some(a) = &cf.animal {
                flags.push(Flag {
                    code: "animal",
                    text: format!("declares an animal: \"{a}\""),
                });
            }
            let mut matches = Vec::new();
            if let Some(lk) = lookup.as_deref_mut() {
                for (party, p, e) in [("sender", 3, 4), ("recipient", 7, 8)] {
                    let phone = if r.f[p].is_empty() {
                        None
                    } else {
                        phone_cache[&(r.f[p].clone(), r.f[if p == 3 { 12 } else { 13 }].clone())]
                            .clone()
                    };
                    let email = wildwatch_ident::normalize_email(&r.f[e]);
                    for (kind, v) in [("phone", phone), ("email", email)] {
                        let Some(v) = v else { continue };
                        let key = (kind, v);
                        if !owner_cache.contains_key(&key) {
                            let o = lk.owners(kind, &key.1)?;
                            owner_cache.insert(key.clone(), o);
                        }
                        let owners = &owner_cache[&key];
                        if !owners.is_empty() {
                            let who: Vec<String> = owners
                                .iter()
                                .map(|o| {
                                    format!(
                                        "{} {:?} on {} (ads {})",
                                        o.seller,
                                        o.name,
                                        o.platform,
                                        o.ads
                                            .iter()
                                            .map(|a| a.to_string())
                                            .collect::<Vec<_>>()
                                            .join(", ")
                                    )
                                })
                                .collect();
                            flags.push(Flag {
                                code: if party == "sender" {
                                    "sender-seen-online"
                                } else {
                                    "recipient-seen-online"
                                },
                                text: format!(
                                    "{party} {kind} {} = seller {}",
                                    key.1,
                                    who.join("; ")
                                ),
                            });
                            matches.push(IdentMatch {
                                party,
                                kind,
                                value: key.1.clone(),
                                owners: owners.clone(),
                            });
                        }
                    }
                }
            }
            let risk = risk_of(&flags);
            if !flags.is_empty() {
                summary.flagged += 1;
                let mut seen = HashSet::new();
                for f in &flags {
                    if seen.insert(f.code) {
                        *summary.by_reason.entry(f.code.to_string()).or_default() += 1;
                    }
                }
            }
            *summary.by_risk.entry(risk.to_string()).or_default() += 1;
            if flags.is_empty() && !opts.all {
                continue;
            }
            let [shipment, sender, _, _, _, recipient, _, _, _, contents, _, _, origin, destination] =
                r.f;
            emit(&Screened {
                line: r.line,
                shipment,
                sender,
                recipient,
                contents,
                weight_kg: weight,
                value: value.as_ref().map(|v| v.0),
                currency: value.and_then(|v| v.1),
                origin,
                destination,
                risk,
                flags,
                matches,
            })?;
        }
    }
    summary.distinct_contents = contents_cache.len();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

fn risk_of(flags: &[Flag]) -> &'static str {
    if flags.is_empty() {
        return "none";
    }
    let has = |c: &str| flags.iter().any(|f| f.code == c);
    let ident = has("sender-seen-online") || has("recipient-seen-online");
    let strong = has("species") || has("decoy-weight") || has("live") || has("craft-part");
    let content = flags.iter().any(|f| !f.code.ends_with("-seen-online"));
    if strong || (ident && content) {
        "high"
    } else if ident || has("wildlife") || has("euphemism") || has("animal") {
        "medium"
    } else {
        "low"
    }
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Text table.
    Table,
    /// CSV.
    Csv,
    /// JSON lines (one object per row).
    Json,
}

/// Writes rows as they come.
pub struct Writer<W: Write> {
    format: Format,
    out: Option<W>,
    csv: Option<csv::Writer<W>>,
    table: Vec<Screened>,
    first: bool,
}

impl<W: Write> Writer<W> {
    /// New writer.
    pub fn new(format: Format, out: W) -> Writer<W> {
        let (out, csv) = if format == Format::Csv {
            (None, Some(csv::Writer::from_writer(out)))
        } else {
            (Some(out), None)
        };
        Writer {
            format,
            out,
            csv,
            table: Vec::new(),
            first: true,
        }
    }

    /// One row.
    pub fn row(&mut self, s: &Screened) -> Result<()> {
        match self.format {
            Format::Table => self.table.push(s.clone()),
            Format::Json => {
                let out = self.out.as_mut().expect("writer");
                out.write_all(if self.first { b"[\n" } else { b",\n" })?;
                serde_json::to_writer(&mut *out, s)?;
            }
            Format::Csv => {
                let w = self.csv.as_mut().expect("csv writer");
                if self.first {
                    w.write_record([
                        "line",
                        "shipment",
                        "risk",
                        "reasons",
                        "contents",
                        "weight_kg",
                        "value",
                        "currency",
                        "sender",
                        "recipient",
                        "origin",
                        "destination",
                        "sellers",
                    ])?;
                }
                w.write_record([
                    s.line.to_string(),
                    s.shipment.clone(),
                    s.risk.to_string(),
                    reasons(s),
                    s.contents.clone(),
                    s.weight_kg.map(|w| w.to_string()).unwrap_or_default(),
                    s.value.map(|w| w.to_string()).unwrap_or_default(),
                    s.currency.clone().unwrap_or_default(),
                    s.sender.clone(),
                    s.recipient.clone(),
                    s.origin.clone(),
                    s.destination.clone(),
                    sellers(s),
                ])?;
            }
        }
        self.first = false;
        Ok(())
    }

    /// Ends the output.
    pub fn finish(mut self) -> Result<()> {
        match self.format {
            Format::Json => {
                let out = self.out.as_mut().expect("writer");
                out.write_all(if self.first { b"[]\n" } else { b"\n]\n" })?;
            }
            Format::Csv => {
                if let Some(mut w) = self.csv.take() {
                    w.flush()?;
                }
            }
            Format::Table => {
                let mut t = comfy_table::Table::new();
                t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
                t.set_header(["line", "shipment", "risk", "contents", "kg", "reasons"]);
                for s in &self.table {
                    t.add_row([
                        s.line.to_string(),
                        s.shipment.clone(),
                        s.risk.to_string(),
                        s.contents.clone(),
                        s.weight_kg.map(|w| w.to_string()).unwrap_or_default(),
                        reasons(s).replace(" | ", "\n"),
                    ]);
                }
                writeln!(self.out.as_mut().expect("writer"), "{t}")?;
            }
        }
        if let Some(o) = self.out.as_mut() {
            o.flush()?;
        }
        Ok(())
    }
}

fn reasons(s: &Screened) -> String {
    s.flags
        .iter()
        .map(|f| format!("{}: {}", f.code, f.text))
        .collect::<Vec<_>>()
        .join(" | ")
}

fn sellers(s: &Screened) -> String {
    let mut v: Vec<&str> = s
        .matches
        .iter()
        .flat_map(|m| m.owners.iter().map(|o| o.seller.as_str()))
        .collect();
    v.sort();
    v.dedup();
    v.join(" ")
}

/// Human summary for stderr.
pub fn summary_text(s: &Summary) -> String {
    let mut t = format!(
        "{} rows, {} flagged, {} bad, {} distinct contents, {:.2} s, {:.0} rows/s\n",
        s.rows,
        s.flagged,
        s.bad.len(),
        s.distinct_contents,
        s.seconds,
        s.rows as f64 / s.seconds.max(1e-9)
    );
    if !s.by_reason.is_empty() {
        let r: Vec<String> = s
            .by_reason
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        t.push_str(&format!("by reason: {}\n", r.join(", ")));
        let r: Vec<String> = s.by_risk.iter().map(|(k, v)| format!("{k} {v}")).collect();
        t.push_str(&format!("by risk: {}\n", r.join(", ")));
    }
    for b in s.bad.iter().take(20) {
        t.push_str(&format!("bad row at line {}: {}\n", b.line, b.error));
    }
    if s.bad.len() > 20 {
        t.push_str(&format!("… {} more bad rows\n", s.bad.len() - 20));
    }
    t
}
