//! The word lists behind detection, loaded from CSV data (shipped, user folder, `--lexicon DIR`).

use std::path::{Path, PathBuf};

use crate::DetectError;

/// One row of a lexicon list.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The term as written in the list.
    pub term: String,
    /// `en`, `fr`, `de`, `nl` or `any`.
    pub lang: String,
    /// The list-specific value (concept, kind, document code, intent, count …).
    pub value: String,
    /// Second value where the list has one (implied taxon for parts and code words).
    pub implies: String,
    /// Third value (role for parts, needs_context for code words).
    pub flag: String,
    /// The file the row came from, e.g. `code_words.csv` or a user path.
    pub list: String,
}

/// The lists, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum List {
    /// Parts and derivatives.
    Parts,
    /// Code words.
    CodeWords,
    /// Look-alike cues.
    Lookalikes,
    /// Documentation claims.
    Documents,
    /// Wanted / swap / offer phrases.
    Intent,
    /// Live-specimen words.
    Live,
    /// Number words.
    Counts,
    /// Phrases that cancel names inside them.
    Excluded,
    /// Names that need wildlife context.
    Ambiguous,
    /// Group names (parrot, Papagei, tortue terrestre) that resolve to a higher taxon.
    Groups,
}

impl List {
    /// Every list.
    pub const ALL: [List; 10] = [
        List::Parts,
        List::CodeWords,
        List::Lookalikes,
        List::Documents,
        List::Intent,
        List::Live,
        List::Counts,
        List::Excluded,
        List::Ambiguous,
        List::Groups,
    ];
    /// Lists whose terms apply only in the ad's own language, whatever their length.
    pub fn language_bound(self) -> bool {
        matches!(self, List::Intent | List::Counts | List::CodeWords)
    }
    /// Lists whose German/Dutch terms also match inside compounds (Kunstpelzjacke, Elfenbeinfigur).
    pub fn compounds(self) -> bool {
        matches!(
            self,
            List::Parts | List::Lookalikes | List::Live | List::Excluded
        )
    }
    /// The file name of the list.
    pub fn file(self) -> &'static str {
        match self {
            List::Parts => "parts.csv",
            List::CodeWords => "code_words.csv",
            List::Lookalikes => "lookalikes.csv",
            List::Documents => "documents.csv",
            List::Intent => "intent.csv",
            List::Live => "live.csv",
            List::Counts => "counts.csv",
            List::Excluded => "excluded.csv",
            List::Ambiguous => "ambiguous.csv",
            List::Groups => "groups.csv",
        }
    }
    /// The columns after `term, lang` that the list carries: (value, implies, flag).
    fn columns(self) -> (&'static str, &'static str, &'static str) {
        match self {
            List::Parts => ("concept", "implies", "role"),
            List::CodeWords => ("stands_for", "implies", "needs_context"),
            List::Lookalikes => ("kind", "", ""),
            List::Documents => ("document", "", ""),
            List::Intent => ("intent", "", ""),
            List::Live => ("", "", ""),
            List::Counts => ("count", "", ""),
            List::Excluded => ("note", "", ""),
            List::Ambiguous => ("note", "", ""),
            List::Groups => ("taxon", "", ""),
        }
    }
    fn shipped(self) -> &'static str {
        match self {
            List::Parts => include_str!("../../../data/lexicon/parts.csv"),
            List::CodeWords => include_str!("../../../data/lexicon/code_words.csv"),
            List::Lookalikes => include_str!("../../../data/lexicon/lookalikes.csv"),
            List::Documents => include_str!("../../../data/lexicon/documents.csv"),
            List::Intent => include_str!("../../../data/lexicon/intent.csv"),
            List::Live => include_str!("../../../data/lexicon/live.csv"),
            List::Counts => include_str!("../../../data/lexicon/counts.csv"),
            List::Excluded => include_str!("../../../data/lexicon/excluded.csv"),
            List::Ambiguous => include_str!("../../../data/lexicon/ambiguous.csv"),
            List::Groups => include_str!("../../../data/lexicon/groups.csv"),
        }
    }
}

/// All lists.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    lists: std::collections::HashMap<&'static str, Vec<Entry>>,
    /// Directories that added rows, in the order they were read.
    pub sources: Vec<PathBuf>,
}

const LOOK_KINDS: &[&str] = &[
    "toy",
    "figure",
    "colour",
    "colour_context",
    "faux",
    "brand",
    "product",
    "pattern",
    "fossil",
    "unlisted",
    "accessory",
    "animal",
];

impl Lexicon {
    /// The shipped lists.
    pub fn shipped() -> Lexicon {
        let mut lex = Lexicon::default();
        for list in List::ALL {
            // The shipped lists are tested; a failure here is a build defect.
            lex.add_csv(list, list.shipped().as_bytes(), list.file())
                .unwrap_or_else(|e| panic!("shipped lexicon {} is invalid: {e}", list.file()));
        }
        lex
    }

    /// The shipped lists plus the user's folder (`~/.config/wildwatch/lexicon`, when it exists)
    /// and the given extra directories.
    pub fn load(extra: &[PathBuf]) -> Result<Lexicon, DetectError> {
        let mut lex = Lexicon::shipped();
        let mut dirs: Vec<PathBuf> = Vec::new();
        if let Some(cfg) = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        {
            let d = cfg.join("wildwatch/lexicon");
            if d.is_dir() {
                dirs.push(d);
            }
        }
        for d in extra {
            if !d.is_dir() {
                return Err(DetectError::Config(format!(
                    "lexicon directory {} does not exist or is not a directory",
                    d.display()
                )));
            }
            dirs.push(d.clone());
        }
        for d in dirs {
            lex.add_dir(&d)?;
        }
        Ok(lex)
    }

    /// Adds every known list file found in `dir`.
    pub fn add_dir(&mut self, dir: &Path) -> Result<(), DetectError> {
        let mut any = false;
        for list in List::ALL {
            let p = dir.join(list.file());
            if p.is_file() {
                let bytes = std::fs::read(&p).map_err(|e| {
                    DetectError::Config(format!("cannot read {}: {e}", p.display()))
                })?;
                self.add_csv(list, &bytes, &p.display().to_string())?;
                any = true;
            }
        }
        if any {
            self.sources.push(dir.to_path_buf());
        }
        Ok(())
    }

    fn add_csv(&mut self, list: List, bytes: &[u8], name: &str) -> Result<(), DetectError> {
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
        let headers = rdr
            .headers()
            .map_err(|e| DetectError::Config(format!("{name}: {e}")))?
            .clone();
        let idx = |col: &str| headers.iter().position(|h| h.trim() == col);
        let (v, i, f) = list.columns();
        let (term_col, lang_col) = (idx("term"), idx("lang"));
        let Some(term_col) = term_col else {
            return Err(DetectError::Config(format!(
                "{name}: line 1: the header needs a `term` column"
            )));
        };
        let (vc, ic, fc) = (idx(v), idx(i), idx(f));
        if !v.is_empty() && vc.is_none() {
            return Err(DetectError::Config(format!(
                "{name}: line 1: the header needs a `{v}` column"
            )));
        }
        let short = Path::new(name)
            .file_name()
            .map(|f| f.to_string_lossy().to_string())
            .unwrap_or_else(|| name.to_string());
        let label = if name == short {
            short
        } else {
            name.to_string()
        };
        let entries = self.lists.entry(list.file()).or_default();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| DetectError::Config(format!("{name}: {e}")))?;
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            let get =
                |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("").trim().to_string();
            let term = get(Some(term_col));
            if term.is_empty() || term.starts_with('#') {
                continue;
            }
            let lang = match get(lang_col).to_ascii_lowercase().as_str() {
                "" | "any" => "any".to_string(),
                l @ ("en" | "fr" | "de" | "nl") => l.to_string(),
                other => {
                    return Err(DetectError::Config(format!(
                        "{name}: line {line}: lang `{other}` is not one of en, fr, de, nl, any"
                    )))
                }
            };
            let value = get(vc);
            let bad_value = match list {
                List::Documents => {
                    !matches!(value.as_str(), "dubious" | "dubious_papers" | "negation")
                        && !crate::DOCUMENT_CODES.contains(&value.as_str())
                }
                List::Lookalikes => !LOOK_KINDS.contains(&value.as_str()),
                List::Intent => {
                    !matches!(value.as_str(), "wanted" | "wanted_start" | "swap" | "offer")
                }
                List::Counts => value.parse::<u32>().is_err(),
                _ => false,
            };
            if bad_value {
                return Err(DetectError::Config(format!(
                    "{name}: line {line}: `{value}` is not a valid {v} for {}",
                    list.file()
                )));
            }
            entries.push(Entry {
                term,
                lang,
                value,
                implies: get(ic),
                flag: get(fc),
                list: label.clone(),
            });
        }
        Ok(())
    }

    /// The rows of a list.
    pub fn entries(&self, list: List) -> &[Entry] {
        self.lists
            .get(list.file())
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}
