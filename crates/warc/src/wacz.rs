//! WACZ (Web Archive Collection Zipped, version 1.1.1): the zip of WARC files, a CDXJ index,
//! `pages/pages.jsonl` and `datapackage.json` (every other file with its SHA-256) that
//! ArchiveWeb.page, Browsertrix and py-wacz write and ReplayWeb.page opens.
//!
//! [`extract_wacz`] refuses an archive whose `datapackage.json` is missing or names a hash that
//! does not match, whose entries leave the archive (zip-slip) or are not listed, and names the
//! entry; it extracts the WARC files into a directory of the caller's. [`write_wacz`] writes one
//! from WARC files, with the index and the page list, WARCs stored uncompressed as the format asks.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

use crate::parse::{Next, RecordReader};

/// The WACZ version written and read.
pub const WACZ_VERSION: &str = "1.1.1";

/// The most a `datapackage.json` or `pages.jsonl` may hold (both are read into memory).
const MAX_JSON: u64 = 64 << 20;

/// What is wrong with a WACZ file; each names the entry.
#[derive(Debug, thiserror::Error)]
pub enum WaczError {
    /// Reading or writing failed.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// Not a readable zip archive.
    #[error("not a zip archive: {0}")]
    Zip(String),
    /// An entry whose path would leave the archive's directory (absolute, `..`, backslashes).
    #[error("entry {0:?} has an unsafe path (it would be written outside the archive)")]
    UnsafePath(String),
    /// No `datapackage.json` at the top of the archive.
    #[error("datapackage.json is missing: not a WACZ file")]
    MissingDatapackage,
    /// `datapackage.json` is not what the format says.
    #[error("datapackage.json: {0}")]
    BadDatapackage(String),
    /// A resource named in `datapackage.json` is not in the archive.
    #[error("entry {0:?} is named in datapackage.json but not in the archive")]
    MissingEntry(String),
    /// An entry of the archive that `datapackage.json` does not list (so nothing vouches for it).
    #[error("entry {0:?} is in the archive but not listed in datapackage.json")]
    Unlisted(String),
    /// An entry whose bytes do not have the hash `datapackage.json` gives.
    #[error("entry {path:?}: hash {actual} does not match {expected} in datapackage.json")]
    HashMismatch {
        /// The entry.
        path: String,
        /// The hash in `datapackage.json`.
        expected: String,
        /// The hash of the bytes read.
        actual: String,
    },
    /// An entry that cannot be read to its end (damaged, or its CRC does not match).
    #[error("entry {path:?} cannot be read: {msg}")]
    BadEntry {
        /// The entry.
        path: String,
        /// What went wrong.
        msg: String,
    },
    /// A hash algorithm other than SHA-256.
    #[error("entry {path:?}: hash {hash:?} is not sha256:<hex>")]
    UnsupportedHash {
        /// The entry.
        path: String,
        /// The hash as written.
        hash: String,
    },
    /// `pages/pages.jsonl` is not JSON lines.
    #[error("pages/pages.jsonl line {line}: {msg}")]
    BadPages {
        /// 1-based line.
        line: usize,
        /// What is wrong.
        msg: String,
    },
    /// No WARC file in `archive/`.
    #[error("the archive holds no WARC file (archive/*.warc or archive/*.warc.gz)")]
    NoWarc,
}

impl From<zip::result::ZipError> for WaczError {
    fn from(e: zip::result::ZipError) -> Self {
        match e {
            zip::result::ZipError::Io(e) => WaczError::Io(e),
            other => WaczError::Zip(other.to_string()),
        }
    }
}

/// One page of `pages/pages.jsonl`: a URL the capture was made for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WaczPage {
    /// The page's URL.
    pub url: String,
    /// When it was captured (ISO 8601), if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts: Option<String>,
    /// Its title, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// What [`extract_wacz`] found.
#[derive(Debug, Clone, Default)]
pub struct WaczContents {
    /// The WARC files, extracted, in the archive's order.
    pub warcs: Vec<PathBuf>,
    /// The pages of `pages/pages.jsonl` (empty when there is none).
    pub pages: Vec<WaczPage>,
    /// `title` of `datapackage.json`.
    pub title: Option<String>,
    /// Number of resources whose hashes were checked.
    pub verified: usize,
}

/// A resource of `datapackage.json`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Resource {
    #[serde(default)]
    name: Option<String>,
    path: String,
    hash: String,
    #[serde(default)]
    bytes: Option<u64>,
}

/// The part of `datapackage.json` that is read.
#[derive(Debug, serde::Deserialize)]
struct Datapackage {
    #[serde(default)]
    title: Option<String>,
    resources: Vec<Resource>,
}

/// An entry path that stays inside the archive: relative, `/`-separated, no `..`, no empty or
/// `.` parts, no backslash or drive letter.
fn safe_entry_path(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('/')
        && !name.contains('\\')
        && !name.contains(':')
        && !name.contains('\0')
        && name
            .trim_end_matches('/')
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != "..")
}

/// Whether an entry is a WARC file of the archive.
fn is_warc_entry(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.starts_with("archive/") && (lower.ends_with(".warc") || lower.ends_with(".warc.gz"))
}

/// `sha256:<hex>` of what `r` gives, copying it to `out` when there is one.
fn hash_copy(mut r: impl Read, mut out: Option<&mut dyn Write>) -> io::Result<(String, u64)> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 << 10];
    let mut n = 0u64;
    loop {
        let k = r.read(&mut buf)?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        if let Some(o) = out.as_deref_mut() {
            o.write_all(&buf[..k])?;
        }
        n += k as u64;
    }
    Ok((format!("sha256:{}", crate::digest::hex(&h.finalize())), n))
}

/// Reads an entry of at most [`MAX_JSON`] bytes into memory.
fn read_small<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
) -> Result<Vec<u8>, WaczError> {
    let entry = zip.by_name(name)?;
    let mut out = Vec::new();
    entry.take(MAX_JSON + 1).read_to_end(&mut out)?;
    if out.len() as u64 > MAX_JSON {
        return Err(WaczError::BadDatapackage(format!(
            "{name} is larger than {MAX_JSON} bytes"
        )));
    }
    Ok(out)
}

/// Every entry name, each checked to stay inside the archive.
fn entry_names<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> Result<Vec<String>, WaczError> {
    let mut names = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let e = zip.by_index(i)?;
        let name = e.name()?.into_owned();
        if !safe_entry_path(&name) || e.enclosed_name().is_none() {
            return Err(WaczError::UnsafePath(name));
        }
        if !e.is_dir() {
            names.push(name);
        }
    }
    Ok(names)
}

/// `datapackage.json`, its resources checked to be safe paths present in the archive, and every
/// file of the archive checked to be listed.
fn read_datapackage<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    names: &[String],
) -> Result<Datapackage, WaczError> {
    if !names.iter().any(|n| n == "datapackage.json") {
        return Err(WaczError::MissingDatapackage);
    }
    let bytes = read_small(zip, "datapackage.json")?;
    let dp: Datapackage = serde_json::from_slice(&bytes)
        .map_err(|e| WaczError::BadDatapackage(format!("not a data package: {e}")))?;
    for r in &dp.resources {
        if !safe_entry_path(&r.path) {
            return Err(WaczError::UnsafePath(r.path.clone()));
        }
        if !names.contains(&r.path) {
            return Err(WaczError::MissingEntry(r.path.clone()));
        }
    }
    let meta = ["datapackage.json", "datapackage-digest.json"];
    if let Some(n) = names
        .iter()
        .find(|n| !meta.contains(&n.as_str()) && !dp.resources.iter().any(|r| &r.path == *n))
    {
        return Err(WaczError::Unlisted(n.clone()));
    }
    Ok(dp)
}

/// The file name a WARC entry is extracted to: its last part, made unique in `into`.
fn extract_target(into: &Path, path: &str, taken: &[PathBuf]) -> PathBuf {
    let base = path.rsplit('/').next().unwrap_or(path);
    let mut target = into.join(base);
    let mut i = 1;
    while taken.contains(&target) {
        target = into.join(format!("{i}-{base}"));
        i += 1;
    }
    target
}

/// Checks one resource's hash (and size, when given), extracting it to `target` when given.
fn check_resource<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    r: &Resource,
    target: Option<&Path>,
) -> Result<(), WaczError> {
    let Some(expected) = r.hash.strip_prefix("sha256:") else {
        return Err(WaczError::UnsupportedHash {
            path: r.path.clone(),
            hash: r.hash.clone(),
        });
    };
    let entry = zip.by_name(&r.path)?;
    let bad = |e: io::Error| WaczError::BadEntry {
        path: r.path.clone(),
        msg: e.to_string(),
    };
    let (actual, n) = match target {
        Some(t) => {
            let mut out = BufWriter::new(File::create(t)?);
            let got = hash_copy(entry, Some(&mut out)).map_err(bad)?;
            out.flush()?;
            got
        }
        None => hash_copy(entry, None).map_err(bad)?,
    };
    let size_ok = r.bytes.is_none_or(|b| b == n);
    if !actual.eq_ignore_ascii_case(&format!("sha256:{expected}")) || !size_ok {
        if let Some(t) = target {
            let _ = std::fs::remove_file(t);
        }
        return Err(WaczError::HashMismatch {
            path: r.path.clone(),
            expected: r.hash.clone(),
            actual,
        });
    }
    Ok(())
}

/// The pages of `pages/pages.jsonl`: the first line is its header (`"format"`), then one page
/// per line; lines without a `url` (other headers) are skipped.
fn parse_pages(bytes: &[u8]) -> Result<Vec<WaczPage>, WaczError> {
    let text = std::str::from_utf8(bytes).map_err(|e| WaczError::BadPages {
        line: 0,
        msg: format!("not UTF-8: {e}"),
    })?;
    let mut pages = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| WaczError::BadPages {
            line: i + 1,
            msg: e.to_string(),
        })?;
        if v.get("url").is_none() {
            continue;
        }
        let page: WaczPage = serde_json::from_value(v).map_err(|e| WaczError::BadPages {
            line: i + 1,
            msg: e.to_string(),
        })?;
        pages.push(page);
    }
    Ok(pages)
}

/// Verifies a WACZ file and extracts its WARC files into `into` (which must exist). Every
/// resource's SHA-256 is checked against `datapackage.json` before anything is returned; on an
/// error the files extracted so far stay in `into` for the caller to remove.
pub fn extract_wacz(path: &Path, into: &Path) -> Result<WaczContents, WaczError> {
    let mut zip = zip::ZipArchive::new(File::open(path)?)?;
    let names = entry_names(&mut zip)?;
    let dp = read_datapackage(&mut zip, &names)?;
    let mut out = WaczContents {
        title: dp.title.clone(),
        ..WaczContents::default()
    };
    for r in &dp.resources {
        let target = is_warc_entry(&r.path).then(|| extract_target(into, &r.path, &out.warcs));
        check_resource(&mut zip, r, target.as_deref())?;
        out.verified += 1;
        if let Some(t) = target {
            out.warcs.push(t);
        }
        if r.path == "pages/pages.jsonl" {
            out.pages = parse_pages(&read_small(&mut zip, &r.path)?)?;
        }
    }
    if out.warcs.is_empty() {
        return Err(WaczError::NoWarc);
    }
    Ok(out)
}

/// Byte offset of every record of a WARC file (its gzip member, or its line in a plain file), in
/// file order.
fn record_offsets(path: &Path) -> io::Result<Vec<u64>> {
    let mut rr = RecordReader::new(File::open(path)?, 0)?;
    let mut offsets = Vec::new();
    loop {
        match rr.next() {
            Next::End => return Ok(offsets),
            Next::Problem(p) => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{} @ {}: {}", path.display(), p.offset, p.msg),
                ))
            }
            Next::Record(h) => {
                offsets.push(h.offset);
                rr.read_block(|_| {});
            }
        }
    }
}

/// The SURT form of a URL as CDXJ indexes sort it: `com,example)/path?query`.
fn surt(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let (host, path) = rest.find('/').map_or((rest, "/"), |i| rest.split_at(i));
    let host = host
        .rsplit_once('@')
        .map_or(host, |(_, h)| h)
        .to_ascii_lowercase();
    let (host, port) = host
        .split_once(':')
        .map_or((&host[..], None), |(h, p)| (h, Some(p)));
    let host = host.strip_prefix("www.").unwrap_or(host);
    // An IP address stays as it is written; a name is read from its top-level domain.
    let key = if host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        host.to_string()
    } else {
        host.split('.').rev().collect::<Vec<_>>().join(",")
    };
    let port = port.map(|p| format!(":{p}")).unwrap_or_default();
    format!("{key}{port}){}", path.to_ascii_lowercase())
}

/// `20240501120000` from `2024-05-01T12:00:00Z`.
fn cdx_timestamp(warc_date: &str) -> String {
    warc_date
        .chars()
        .filter(char::is_ascii_digit)
        .take(14)
        .collect()
}

/// The CDXJ lines of one WARC file's responses (`name` as it is stored in the archive).
fn cdxj_lines(path: &Path, name: &str) -> io::Result<Vec<String>> {
    let offsets = record_offsets(path)?;
    let size = std::fs::metadata(path)?.len();
    let mut lines = Vec::new();
    for rec in crate::read::responses(path)?.max_body(0) {
        let f = rec?.found;
        let next = offsets
            .iter()
            .find(|o| **o > f.offset)
            .copied()
            .unwrap_or(size);
        let mime = f
            .http_header("content-type")
            .unwrap_or("")
            .split(';')
            .next();
        let fields = serde_json::json!({
            "url": f.url,
            "mime": mime.unwrap_or("").trim(),
            "status": f.status.to_string(),
            "digest": format!("sha256:{}", f.payload_sha256),
            "length": (next - f.offset).to_string(),
            "offset": f.offset.to_string(),
            "filename": name,
        });
        lines.push(format!(
            "{} {} {}",
            surt(&f.url),
            cdx_timestamp(&f.date),
            fields
        ));
    }
    Ok(lines)
}

/// The WACZ being written: the zip and the resources written so far.
struct Package<W: Write + Seek> {
    zip: zip::ZipWriter<W>,
    resources: Vec<Resource>,
}

impl<W: Write + Seek> Package<W> {
    /// Adds one file, `stored` (WARCs and gzip indexes: never compressed twice) or deflated.
    fn add(&mut self, path: &str, data: impl Read, stored: bool) -> Result<(), WaczError> {
        let method = if stored {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        let opts = SimpleFileOptions::default()
            .compression_method(method)
            .large_file(true);
        self.zip.start_file(path, opts)?;
        let (hash, bytes) = hash_copy(data, Some(&mut self.zip))?;
        let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
        self.resources.push(Resource {
            name: Some(name),
            path: path.to_string(),
            hash,
            bytes: Some(bytes),
        });
        Ok(())
    }
}

/// What [`write_wacz`] writes besides the WARC files.
#[derive(Debug, Clone)]
pub struct WaczMeta<'a> {
    /// `title` of `datapackage.json`.
    pub title: &'a str,
    /// `created` of `datapackage.json` (ISO 8601).
    pub created: &'a str,
    /// The pages (`pages/pages.jsonl`).
    pub pages: &'a [WaczPage],
    /// Other files to carry, hashed in `datapackage.json` like the rest: (path in the archive, a
    /// safe relative path such as `package/evidence.zip`; the file to read).
    pub extra: &'a [(&'a str, &'a Path)],
}

/// Writes a WACZ holding `warcs` (stored under `archive/` by their file names, which must be
/// distinct), a CDXJ index of their responses, the pages and `datapackage.json` with the SHA-256
/// of each, and `datapackage-digest.json` with the hash of the data package.
pub fn write_wacz(out: &Path, warcs: &[PathBuf], meta: &WaczMeta) -> Result<(), WaczError> {
    let mut p = Package {
        zip: zip::ZipWriter::new(BufWriter::new(File::create(out)?)),
        resources: Vec::new(),
    };
    let mut index = Vec::new();
    for w in warcs {
        let name = w
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| safe_entry_path(n))
            .ok_or_else(|| WaczError::UnsafePath(w.display().to_string()))?;
        p.add(&format!("archive/{name}"), File::open(w)?, true)?;
        index.extend(cdxj_lines(w, &name)?);
    }
    index.sort();
    let index = index.join("\n") + "\n";
    p.add("indexes/index.cdx", index.as_bytes(), false)?;
    let mut pages = serde_json::json!({"format": "json-pages-1.0", "id": "pages",
        "title": "All Pages"})
    .to_string();
    for page in meta.pages {
        let line = serde_json::to_string(page).map_err(io::Error::other)?;
        pages.push('\n');
        pages.push_str(&line);
    }
    pages.push('\n');
    p.add("pages/pages.jsonl", pages.as_bytes(), false)?;
    for (path, file) in meta.extra {
        if !safe_entry_path(path) || path.matches('/').count() != 1 {
            return Err(WaczError::UnsafePath(path.to_string()));
        }
        p.add(path, File::open(file)?, true)?;
    }
    finish_package(p, meta)
}

/// Writes `datapackage.json` and its digest, and closes the zip.
fn finish_package<W: Write + Seek>(mut p: Package<W>, meta: &WaczMeta) -> Result<(), WaczError> {
    let dp = serde_json::json!({
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        "title": meta.title,
        "created": meta.created,
        "software": crate::SOFTWARE,
        "resources": p.resources,
    });
    let dp = serde_json::to_vec_pretty(&dp).map_err(io::Error::other)?;
    let (hash, _) = hash_copy(&dp[..], None)?;
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    p.zip.start_file("datapackage.json", opts)?;
    p.zip.write_all(&dp)?;
    let digest = serde_json::json!({"path": "datapackage.json", "hash": hash});
    p.zip.start_file("datapackage-digest.json", opts)?;
    p.zip.write_all(digest.to_string().as_bytes())?;
    p.zip.finish()?.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_paths_that_leave_the_archive_are_unsafe() {
        for bad in [
            "../x.warc",
            "/etc/passwd",
            "archive/../../x",
            "a\\b",
            "C:/x",
            "",
            "a//b",
            "./a",
        ] {
            assert!(!safe_entry_path(bad), "{bad}");
        }
        for good in [
            "archive/data.warc.gz",
            "pages/pages.jsonl",
            "datapackage.json",
        ] {
            assert!(safe_entry_path(good), "{good}");
        }
    }

    #[test]
    fn surt_and_timestamp() {
        assert_eq!(
            surt("https://www.Example.com/Ad/1?x=2"),
            "com,example)/ad/1?x=2"
        );
        assert_eq!(surt("http://127.0.0.1:8080"), "127.0.0.1:8080)/");
        assert_eq!(
            surt("http://shop.example.org:81/a"),
            "org,example,shop:81)/a"
        );
        assert_eq!(cdx_timestamp("2024-05-01T12:00:00.123Z"), "20240501120000");
    }

    #[test]
    fn pages_skip_the_header_and_name_a_bad_line() {
        let p = parse_pages(
            b"{\"format\":\"json-pages-1.0\"}\n{\"url\":\"http://a/\",\"ts\":\"2024\"}\n",
        )
        .unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].url, "http://a/");
        let e = parse_pages(b"{\"format\":1}\nnot json\n").unwrap_err();
        assert!(matches!(e, WaczError::BadPages { line: 2, .. }), "{e}");
    }
}
