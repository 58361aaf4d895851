//! Checks an evidence package: every file against the manifest's SHA-256 and size, no file
//! missing or added, the Ed25519 signature over the manifest, the public key inside against the
//! one expected. Each problem names the file. Entry names are refused when absolute, with `..`,
//! backslashes or NUL, or repeated (a second entry of the same name could hide the first).

use std::collections::BTreeMap;
use std::io::{Read, Seek};
use std::path::Path;

use ed25519_dalek::{Signature, VerifyingKey};

use crate::package::{Manifest, FORMAT, MANIFEST, PUBLIC_KEY, SIGNATURE};
use crate::{unhex, ActionError, Result};

/// The largest manifest or signature read (a hostile zip could claim any size).
const MAX_SMALL: u64 = 64 << 20;

/// One thing wrong with a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// An entry name that could escape a folder when extracted.
    UnsafeName(String),
    /// The same name twice.
    Duplicate(String),
    /// A file whose content is not what the manifest says.
    Altered {
        /// Entry name.
        path: String,
        /// What differs.
        why: String,
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

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::UnsafeName(n) => write!(f, "unsafe entry name {n:?}"),
            Problem::Duplicate(n) => write!(f, "entry {n} appears more than once"),
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

fn read_entry<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    i: usize,
    limit: Option<u64>,
) -> std::result::Result<(Vec<u8>, String, u64), String> {
    use sha2::Digest;
    let mut f = zip.by_index(i).map_err(|e| e.to_string())?;
    let mut hasher = sha2::Sha256::new();
    let mut kept = Vec::new();
    let mut size = 0u64;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
        if let Some(l) = limit {
            if size > l {
                return Err(format!("larger than {l} bytes"));
            }
            kept.extend_from_slice(&buf[..n]);
        }
    }
    Ok((kept, crate::hex(&hasher.finalize()), size))
}

/// Checks a package read from `reader`; `expected_key` is the signer's public key (hex) as
/// given by the sender, if known.
pub fn check<R: Read + Seek>(reader: R, expected_key: Option<&str>) -> Result<CheckReport> {
    let mut zip = zip::ZipArchive::new(reader)?;
    let mut report = CheckReport::default();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for i in 0..zip.len() {
        let name = zip
            .by_index_raw(i)
            .map_err(ActionError::from)?
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| format!("<entry {i}: unreadable name>"));
        if !safe_entry_name(&name) {
            report.problems.push(Problem::UnsafeName(name));
            continue;
        }
        if seen.insert(name.clone(), i).is_some() {
            report.problems.push(Problem::Duplicate(name));
        }
    }
    let small = |zip: &mut zip::ZipArchive<R>,
                 name: &str|
     -> Option<std::result::Result<Vec<u8>, String>> {
        let i = *seen.get(name)?;
        Some(read_entry(zip, i, Some(MAX_SMALL)).map(|r| r.0))
    };
    let manifest_bytes = match small(&mut zip, MANIFEST) {
        Some(Ok(b)) => b,
        Some(Err(e)) => {
            report
                .problems
                .push(Problem::Manifest(format!("unreadable: {e}")));
            return Ok(report);
        }
        None => {
            report
                .problems
                .push(Problem::Manifest("not in the zip".into()));
            return Ok(report);
        }
    };
    let manifest: Manifest = match serde_json::from_slice(&manifest_bytes) {
        Ok(m) => m,
        Err(e) => {
            report
                .problems
                .push(Problem::Manifest(format!("not a manifest: {e}")));
            return Ok(report);
        }
    };
    if manifest.format != FORMAT {
        report.problems.push(Problem::Manifest(format!(
            "format {:?}, expected {FORMAT:?}",
            manifest.format
        )));
    }

    // Signature over the manifest bytes, with the key the manifest names.
    let key = unhex(&manifest.public_key)
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .and_then(|b| VerifyingKey::from_bytes(&b).ok());
    match (&key, small(&mut zip, SIGNATURE)) {
        (None, _) => report.problems.push(Problem::Key(format!(
            "{:?} in the manifest is not an Ed25519 public key",
            manifest.public_key
        ))),
        (_, None) => report
            .problems
            .push(Problem::Signature("not in the zip".into())),
        (_, Some(Err(e))) => report
            .problems
            .push(Problem::Signature(format!("unreadable: {e}"))),
        (Some(k), Some(Ok(sig))) => {
            let sig = std::str::from_utf8(&sig)
                .ok()
                .and_then(unhex)
                .and_then(|b| <[u8; 64]>::try_from(b).ok())
                .map(|b| Signature::from_bytes(&b));
            match sig {
                None => report
                    .problems
                    .push(Problem::Signature("not a hex Ed25519 signature".into())),
                Some(s) => match k.verify_strict(&manifest_bytes, &s) {
                    Ok(()) => report.signature_ok = true,
                    Err(_) => report.problems.push(Problem::Signature(format!(
                        "does not verify: {MANIFEST} was changed or signed by another key than {}",
                        manifest.public_key
                    ))),
                },
            }
        }
    }
    if let Some(exp) = expected_key {
        if !exp.trim().eq_ignore_ascii_case(&manifest.public_key) {
            report.problems.push(Problem::Key(format!(
                "the package was signed by {}, not by the expected {}",
                manifest.public_key,
                exp.trim()
            )));
        }
    }

    // Every listed file, by hash and size; nothing missing, nothing added.
    let mut listed: BTreeMap<&str, &crate::package::ManifestFile> = BTreeMap::new();
    for f in &manifest.files {
        if listed.insert(f.path.as_str(), f).is_some() {
            report
                .problems
                .push(Problem::Manifest(format!("lists {} twice", f.path)));
        }
    }
    for (name, f) in &listed {
        let Some(&i) = seen.get(*name) else {
            report.problems.push(Problem::Missing(name.to_string()));
            continue;
        };
        match read_entry(&mut zip, i, None) {
            Err(e) => report.problems.push(Problem::Altered {
                path: name.to_string(),
                why: format!("unreadable: {e}"),
            }),
            Ok((_, sha, size)) => {
                if sha != f.sha256 {
                    report.problems.push(Problem::Altered {
                        path: name.to_string(),
                        why: format!("SHA-256 {sha}, manifest says {}", f.sha256),
                    });
                } else if size != f.size {
                    report.problems.push(Problem::Altered {
                        path: name.to_string(),
                        why: format!("{size} bytes, manifest says {}", f.size),
                    });
                } else {
                    report.files_ok += 1;
                }
            }
        }
    }
    for name in seen.keys() {
        if name != MANIFEST && name != SIGNATURE && !listed.contains_key(name.as_str()) {
            report.problems.push(Problem::Added(name.clone()));
        }
    }
    // public_key.txt must say what the (signed) manifest says.
    if let Some(Ok(pk)) = small(&mut zip, PUBLIC_KEY) {
        if String::from_utf8_lossy(&pk).trim() != manifest.public_key {
            report.problems.push(Problem::Key(format!(
                "{PUBLIC_KEY} does not match the key in {MANIFEST}"
            )));
        }
    }
    report.manifest = Some(manifest);
    Ok(report)
}

/// Checks the package file at `path`.
pub fn check_file(path: &Path, expected_key: Option<&str>) -> Result<CheckReport> {
    let f = std::fs::File::open(path).map_err(crate::io_err(path))?;
    check(std::io::BufReader::new(f), expected_key).map_err(|e| match e {
        ActionError::Zip(z) => {
            ActionError::Invalid(format!("{} is not a readable zip: {z}", path.display()))
        }
        e => e,
    })
}

#[cfg(test)]
mod tests {
    use super::safe_entry_name;

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
}
