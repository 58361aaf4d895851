//! Screening a manifest: rows read in chunks, contents and phones screened in parallel once
//! each, identifiers looked up, and each row's flags and risk.

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use wildwatch_detect::{Detector, Risk};

use crate::values::norm_country;
use crate::{
    contents_finding, parse_value, parse_weight, ContentsFinding, Flag, Mapping, Owner,
    OwnerLookup, Terms, CONTENTS,
};

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
    pub risk: Risk,
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

fn risk_of(flags: &[Flag]) -> Risk {
    if flags.is_empty() {
        return Risk::None;
    }
    let has = |c: &str| flags.iter().any(|f| f.code == c);
    let ident = has("sender-seen-online") || has("recipient-seen-online");
    let strong = has("species") || has("decoy-weight") || has("live") || has("craft-part");
    let content = flags.iter().any(|f| !f.code.ends_with("-seen-online"));
    if strong || (ident && content) {
        Risk::High
    } else if ident || has("wildlife") || has("euphemism") || has("animal") {
        Risk::Medium
    } else {
        Risk::Low
    }
}
