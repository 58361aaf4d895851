//! Checks an evidence package: every file against the manifest's SHA-256 and size, no file
//! missing or added, the Ed25519 signature over the manifest, the public key inside against the
//! one expected. Each problem names the file.
//!
//! The zip itself is read strictly ([`layout`]), so that what is hashed is what every extractor
//! writes: one end record, a central directory whose entries tile the file with local headers
//! that agree with it, nothing outside them, no zip64, comments, extra fields, data descriptors,
//! encryption, links or executables. Entry names are refused when absolute, with `..`,
//! backslashes, `:` or NUL, or repeated — also when they differ only in case, Unicode
//! normalisation or trailing dots and spaces, which case-insensitive or normalising file systems
//! extract to one file.

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Seek};
use std::path::Path;

use ed25519_dalek::{Signature, VerifyingKey};
use unicode_normalization::UnicodeNormalization;

use crate::package::{Manifest, ManifestFile, FORMAT, MANIFEST, PUBLIC_KEY, SIGNATURE};
use crate::{unhex, ActionError, Result};

mod faults;
mod layout;

pub use layout::{DataFault, Field, ZipFault};

/// The largest manifest or signature read (a hostile zip could claim any size).
const MAX_SMALL: u64 = 64 << 20;

/// One thing wrong with a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// An entry name that could escape a folder when extracted.
    UnsafeName(String),
    /// A name twice, or two names that extract to the same file.
    Duplicate {
        /// The later entry's name.
        name: String,
        /// The earlier entry's name (the same, or equal to it up to case or normalisation).
        first: String,
    },
    /// The zip's structure is not what the package writer makes, or lets extractors disagree.
    Zip {
        /// The entry concerned, when there is one.
        entry: Option<String>,
        /// What is wrong.
        fault: ZipFault,
    },
    /// A file whose content is not what the manifest says.
    Altered {
        /// Entry name.
        path: String,
        /// What differs.
        why: Alteration,
    },
    /// A file in the manifest but not in the zip.
    Missing(String),
    /// A file in the zip but not in the manifest.
    Added(String),
    /// The manifest is missing or unreadable.
    Manifest(String),
    /// The signature is missing, malformed or does not verify.
    Signature(String),
    /// The public key is not the expected one, or `public_key.txt` disagrees with the manifest.
    Key(String),
}

/// How a file differs from the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Alteration {
    /// Another SHA-256.
    Hash {
        /// Of the content.
        found: String,
        /// In the manifest.
        listed: String,
    },
    /// Another size.
    Size {
        /// Of the content.
        found: u64,
        /// In the manifest.
        listed: u64,
    },
    /// The content cannot be read as the zip describes it.
    Data(DataFault),
}

impl std::fmt::Display for Alteration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Alteration::Hash { found, listed } => {
                write!(f, "SHA-256 {found}, manifest says {listed}")
            }
            Alteration::Size { found, listed } => {
                write!(f, "{found} bytes, manifest says {listed}")
            }
            Alteration::Data(d) => write!(f, "{d}"),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::UnsafeName(n) => write!(f, "unsafe entry name {n:?}"),
            Problem::Duplicate { name, first } if name == first => {
                write!(f, "entry {name} appears more than once")
            }
            Problem::Duplicate { name, first } => write!(
                f,
                "entry {name:?} extracts to the same file as {first:?} (the names differ only in \
                 case, Unicode normalisation or trailing dots and spaces)"
            ),
            Problem::Zip {
                entry: Some(e),
                fault,
            } => write!(f, "zip structure: {e}: {fault}"),
            Problem::Zip { entry: None, fault } => write!(f, "zip structure: {fault}"),
            Problem::Altered { path, why } => write!(f, "altered: {path} ({why})"),
            Problem::Missing(n) => write!(f, "missing: {n} is in the manifest but not in the zip"),
            Problem::Added(n) => write!(f, "added: {n} is in the zip but not in the manifest"),
            Problem::Manifest(w) => write!(f, "{MANIFEST}: {w}"),
            Problem::Signature(w) => write!(f, "{SIGNATURE}: {w}"),
            Problem::Key(w) => write!(f, "public key: {w}"),
        }
    }
}

/// The outcome of [`check`].
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    /// The manifest, when readable.
    pub manifest: Option<Manifest>,
    /// Files whose hash and size matched.
    pub files_ok: usize,
    /// Whether the signature verified with the manifest's key.
    pub signature_ok: bool,
    /// Every problem found.
    pub problems: Vec<Problem>,
}

impl CheckReport {
    /// Nothing wrong.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty() && self.signature_ok
    }
}

/// A name is safe when it is relative, uses `/`, and has no empty, `.` or `..` component.
pub fn safe_entry_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('/')
        && !name.contains(['\\', '\0', ':'])
        && name
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

/// The file a name extracts to on case-insensitive, normalising file systems (macOS, Windows):
/// full case folding (upper then lower case), NFC, trailing dots and spaces of each component
/// dropped (as Windows does).
fn folded(name: &str) -> String {
    let case: String = name
        .nfd()
        .flat_map(char::to_uppercase)
        .flat_map(char::to_lowercase)
        .collect();
    let nfc: String = case.nfc().collect();
    nfc.split('/')
        .map(|c| c.trim_end_matches(['.', ' ']))
        .collect::<Vec<_>>()
        .join("/")
}

/// The zip being checked: its entries and, by exact name, the safe ones.
struct Zip<R> {
    reader: R,
    entries: Vec<layout::Entry>,
    names: BTreeMap<String, Vec<usize>>,
}

impl<R: Read + Seek> Zip<R> {
    /// The content of the first entry named `name`, up to [`MAX_SMALL`].
    fn small(&mut self, name: &str) -> Option<std::result::Result<Vec<u8>, DataFault>> {
        let i = *self.names.get(name)?.first()?;
        Some(layout::read_data(&mut self.reader, &self.entries[i], Some(MAX_SMALL)).map(|c| c.kept))
    }

    /// How entry `i` differs from the manifest's `f`, if it does.
    fn compare(&mut self, i: usize, f: &ManifestFile) -> Option<Alteration> {
        match layout::read_data(&mut self.reader, &self.entries[i], None) {
            Err(d) => Some(Alteration::Data(d)),
            Ok(c) if c.sha256 != f.sha256 => Some(Alteration::Hash {
                found: c.sha256,
                listed: f.sha256.clone(),
            }),
            Ok(c) if c.size != f.size => Some(Alteration::Size {
                found: c.size,
                listed: f.size,
            }),
            Ok(_) => None,
        }
    }
}

/// Indexes the safe names; refuses unsafe ones and names that extract to the same file.
fn index_names(
    entries: &[layout::Entry],
    problems: &mut Vec<Problem>,
) -> BTreeMap<String, Vec<usize>> {
    let mut names: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut files: HashMap<String, &str> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        if !safe_entry_name(&e.name) {
            problems.push(Problem::UnsafeName(e.name.clone()));
            continue;
        }
        match files.entry(folded(&e.name)) {
            std::collections::hash_map::Entry::Occupied(o) => problems.push(Problem::Duplicate {
                name: e.name.clone(),
                first: o.get().to_string(),
            }),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(&e.name);
            }
        }
        names.entry(e.name.clone()).or_default().push(i);
    }
    names
}

/// Checks a package read from `reader`; `expected_key` is the signer's public key (hex) as
/// given by the sender, if known. Errors are I/O errors only; everything wrong with the package
/// is a [`Problem`].
pub fn check<R: Read + Seek>(reader: R, expected_key: Option<&str>) -> Result<CheckReport> {
    check_zip(reader, expected_key)
        .map_err(|e| ActionError::Invalid(format!("reading the zip: {e}")))
}

fn check_zip<R: Read + Seek>(
    mut reader: R,
    expected_key: Option<&str>,
) -> std::io::Result<CheckReport> {
    let layout = layout::read(&mut reader)?;
    let mut report = CheckReport::default();
    report
        .problems
        .extend(layout.faults.into_iter().map(|f| Problem::Zip {
            entry: f.entry,
            fault: f.fault,
        }));
    if !layout.readable {
        return Ok(report);
    }
    let names = index_names(&layout.entries, &mut report.problems);
    let mut zip = Zip {
        reader,
        entries: layout.entries,
        names,
    };
    let Some((manifest, bytes)) = read_manifest(&mut zip, &mut report.problems) else {
        return Ok(report);
    };
    check_signature(&mut zip, &manifest, &bytes, &mut report);
    check_signer(expected_key, &manifest, &mut report.problems);
    check_files(&mut zip, &manifest, &mut report);
    check_public_key_file(&mut zip, &manifest, &mut report.problems);
    report.manifest = Some(manifest);
    Ok(report)
}

/// The manifest and its bytes, or the problem.
fn read_manifest<R: Read + Seek>(
    zip: &mut Zip<R>,
    problems: &mut Vec<Problem>,
) -> Option<(Manifest, Vec<u8>)> {
    let bytes = match zip.small(MANIFEST) {
        Some(Ok(b)) => b,
        Some(Err(e)) => {
            problems.push(Problem::Manifest(format!("unreadable: {e}")));
            return None;
        }
        None => {
            problems.push(Problem::Manifest("not in the zip".into()));
            return None;
        }
    };
    let manifest: Manifest = match serde_json::from_slice(&bytes) {
        Ok(m) => m,
        Err(e) => {
            problems.push(Problem::Manifest(format!("not a manifest: {e}")));
            return None;
        }
    };
    if manifest.format != FORMAT {
        problems.push(Problem::Manifest(format!(
            "format {:?}, expected {FORMAT:?}",
            manifest.format
        )));
    }
    Some((manifest, bytes))
}

/// The signature over the manifest bytes, with the key the manifest names.
fn check_signature<R: Read + Seek>(
    zip: &mut Zip<R>,
    manifest: &Manifest,
    manifest_bytes: &[u8],
    report: &mut CheckReport,
) {
    let key = unhex(&manifest.public_key)
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .and_then(|b| VerifyingKey::from_bytes(&b).ok());
    let problem = match (&key, zip.small(SIGNATURE)) {
        (None, _) => Problem::Key(format!(
            "{:?} in the manifest is not an Ed25519 public key",
            manifest.public_key
        )),
        (_, None) => Problem::Signature("not in the zip".into()),
        (_, Some(Err(e))) => Problem::Signature(format!("unreadable: {e}")),
        (Some(k), Some(Ok(sig))) => {
            let sig = std::str::from_utf8(&sig)
                .ok()
                .and_then(unhex)
                .and_then(|b| <[u8; 64]>::try_from(b).ok())
                .map(|b| Signature::from_bytes(&b));
            match sig.map(|s| k.verify_strict(manifest_bytes, &s)) {
                None => Problem::Signature("not a hex Ed25519 signature".into()),
                Some(Ok(())) => {
                    report.signature_ok = true;
                    return;
                }
                Some(Err(_)) => Problem::Signature(format!(
                    "does not verify: {MANIFEST} was changed or signed by another key than {}",
                    manifest.public_key
                )),
            }
        }
    };
    report.problems.push(problem);
}

/// The manifest's key against the one the sender gave.
fn check_signer(expected_key: Option<&str>, manifest: &Manifest, problems: &mut Vec<Problem>) {
    if let Some(exp) = expected_key {
        if !exp.trim().eq_ignore_ascii_case(&manifest.public_key) {
            problems.push(Problem::Key(format!(
                "the package was signed by {}, not by the expected {}",
                manifest.public_key,
                exp.trim()
            )));
        }
    }
}

/// Every listed file, by hash and size (each entry of its name); nothing missing, nothing added.
fn check_files<R: Read + Seek>(zip: &mut Zip<R>, manifest: &Manifest, report: &mut CheckReport) {
    let mut listed: BTreeMap<&str, &ManifestFile> = BTreeMap::new();
    for f in &manifest.files {
        if listed.insert(f.path.as_str(), f).is_some() {
            report
                .problems
                .push(Problem::Manifest(format!("lists {} twice", f.path)));
        }
    }
    for (name, f) in &listed {
        let Some(entries) = zip.names.get(*name).cloned() else {
            report.problems.push(Problem::Missing(name.to_string()));
            continue;
        };
        let altered: Vec<Problem> = entries
            .into_iter()
            .filter_map(|i| zip.compare(i, f))
            .map(|why| Problem::Altered {
                path: name.to_string(),
                why,
            })
            .collect();
        if altered.is_empty() {
            report.files_ok += 1;
        }
        report.problems.extend(altered);
    }
    for name in zip.names.keys() {
        if name != MANIFEST && name != SIGNATURE && !listed.contains_key(name.as_str()) {
            report.problems.push(Problem::Added(name.clone()));
        }
    }
}

/// `public_key.txt` must say what the (signed) manifest says.
fn check_public_key_file<R: Read + Seek>(
    zip: &mut Zip<R>,
    manifest: &Manifest,
    problems: &mut Vec<Problem>,
) {
    if let Some(Ok(pk)) = zip.small(PUBLIC_KEY) {
        if String::from_utf8_lossy(&pk).trim() != manifest.public_key {
            problems.push(Problem::Key(format!(
                "{PUBLIC_KEY} does not match the key in {MANIFEST}"
            )));
        }
    }
}

/// Checks the package file at `path`.
pub fn check_file(path: &Path, expected_key: Option<&str>) -> Result<CheckReport> {
    let f = std::fs::File::open(path).map_err(crate::io_err(path))?;
    check_zip(std::io::BufReader::new(f), expected_key).map_err(crate::io_err(path))
}

#[cfg(test)]
mod tests {
    use super::{folded, safe_entry_name};

    #[test]
    fn unsafe_names_are_refused() {
        for bad in [
            "/etc/passwd",
            "../x",
            "ads/../../x",
            "a\\b",
            "C:/x",
            "",
            "a//b",
            "./a",
            "a\0b",
        ] {
            assert!(!safe_entry_name(bad), "{bad:?}");
        }
        assert!(safe_entry_name("ads/12/pages.warc.gz"));
        assert!(safe_entry_name("manifest.json"));
    }

    #[test]
    fn names_that_extract_to_one_file_fold_alike() {
        let same = [
            ("ads/1/ad.json", "ADS/1/Ad.JSON"),
            ("ads/1/caf\u{e9}.txt", "ads/1/cafe\u{301}.txt"),
            ("ads/1/\u{c9}t\u{e9}.txt", "ads/1/e\u{301}te\u{301}.txt"),
            ("stra\u{df}e.txt", "STRASSE.txt"),
            ("ads/1/ad.json", "ads/1/ad.json. "),
            ("ads/1/a.txt", "ads/1./a.txt"),
        ];
        for (a, b) in same {
            assert_eq!(folded(a), folded(b), "{a:?} {b:?}");
        }
        assert_ne!(folded("ads/1/ad.json"), folded("ads/11/ad.json"));
    }
}
