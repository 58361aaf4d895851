//! The column mapping: which header names hold which field of a manifest row.

use anyhow::{bail, Context, Result};
use std::collections::HashMap;

use crate::{fold, CONTENTS, DEFAULT_MAPPING, FIELDS};

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
