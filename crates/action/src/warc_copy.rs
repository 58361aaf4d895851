//! Copies the WARC records of a fetched page byte for byte (their gzip members) out of the
//! evidence files: the response record the store points at, the request and metadata records
//! written beside it, and the file's warcinfo record, so the copy is a WARC file of its own
//! whose digests any WARC tool can check.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use serde::Serialize;

/// How far before a response record its request record may start.
const REQUEST_WINDOW: u64 = 1 << 20;
/// Largest record head (or small record) decompressed while looking for neighbours.
const SMALL_RECORD: u64 = 1 << 20;
/// Largest DOM or screenshot record copied (a full-page PNG of a long page is a few MB).
const MAX_RESOURCE: u64 = 64 << 20;
/// How many records after a page its capture's DOM and screenshot may be (see
/// `wildwatch_warc::page_screenshot`).
const CAPTURE_RECORDS: usize = 3 * 1000 + 10;

/// One record copied into a package's WARC file.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CopiedRecord {
    /// warcinfo / request / response / metadata.
    pub warc_type: String,
    /// `WARC-Record-ID`.
    pub record_id: String,
    /// Offset of its gzip member in the source file.
    pub source_offset: u64,
    /// Length of that member.
    pub length: u64,
    /// Offset in the package's WARC file.
    pub package_offset: u64,
}

struct Member {
    len: u64,
    fields: Vec<(String, String)>,
}

impl Member {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Decodes the gzip member at the start of `buf`: its compressed length and WARC header fields.
fn member_at(buf: &[u8], max: u64) -> Option<Member> {
    if !buf.starts_with(&[0x1f, 0x8b, 0x08]) {
        return None;
    }
    let mut dec = flate2::bufread::GzDecoder::new(buf);
    let mut out = Vec::new();
    (&mut dec).take(max).read_to_end(&mut out).ok()?;
    // The member must have ended (not been cut by the limit).
    let mut probe = [0u8; 1];
    if dec.read(&mut probe).ok()? != 0 {
        return None;
    }
    let rest = dec.into_inner().len();
    let head_end = out.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&out[..head_end]).ok()?;
    let mut lines = head.split("\r\n");
    if !lines.next()?.starts_with("WARC/") {
        return None;
    }
    let fields = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Some(Member {
        len: (buf.len() - rest) as u64,
        fields,
    })
}

fn read_at(f: &mut File, offset: u64, len: u64) -> std::io::Result<Vec<u8>> {
    f.seek(SeekFrom::Start(offset))?;
    let mut buf = Vec::new();
    f.take(len).read_to_end(&mut buf)?;
    Ok(buf)
}

/// The rendered DOM and screenshot records (`urn:dom:URL`, `urn:screenshot:URL`) of a page the
/// browser captured (its metadata record says so), when they are in the same file as the page:
/// record id, bytes of the gzip member, offset. Nothing for a page fetched over plain HTTP.
fn capture_records(
    dir: &Path,
    file: &str,
    f: &mut File,
    offset: u64,
    length: u64,
    rec: &wildwatch_warc::Record,
    response_id: &str,
) -> Vec<(String, Vec<u8>, u64)> {
    let by_browser = wildwatch_warc::page_metadata(dir, file, offset, length)
        .is_some_and(|m| m.get("captured_by").and_then(|v| v.as_str()) == Some("browser"));
    if !by_browser {
        return Vec::new();
    }
    let url = rec.target_uri().unwrap_or_default();
    let mut found = Vec::new();
    for uri in [format!("urn:dom:{url}"), format!("urn:screenshot:{url}")] {
        let Ok(Some((f2, o2))) =
            wildwatch_warc::find_after(dir, file, offset, &uri, CAPTURE_RECORDS)
        else {
            continue;
        };
        if f2 != file {
            continue; // in the next file after a rotation: left out rather than mixed in
        }
        let bytes = read_at(f, o2, MAX_RESOURCE).unwrap_or_default();
        if let Some(m) = member_at(&bytes, MAX_RESOURCE)
            .filter(|m| m.get("WARC-Concurrent-To") == Some(response_id))
        {
            let id = m.get("WARC-Record-ID").unwrap_or_default().to_string();
            found.push((id, bytes[..m.len as usize].to_vec(), o2));
        }
    }
    found
}

/// Appends the page's records to `out`: warcinfo (once per source file, tracked in
/// `warcinfos`), request, response, metadata. The response must be where the store says and
/// its payload must hash to `body_sha256` (when known); neighbours are included when found.
pub(crate) fn copy_page(
    dir: &Path,
    file: &str,
    offset: u64,
    length: u64,
    body_sha256: Option<&str>,
    out: &mut Vec<u8>,
    warcinfos: &mut Vec<String>,
) -> Result<Vec<CopiedRecord>, String> {
    if file.is_empty() || file == "." || file == ".." || file.contains(['/', '\\', '\0']) {
        return Err(format!("{file:?} is not a plain WARC file name"));
    }
    // The project's reader checks the record and its digests; the copy is byte-exact.
    let rec = wildwatch_warc::read_record(dir, file, offset)
        .map_err(|e| format!("{file} @ {offset}: {e}"))?;
    if rec.warc_type() != Some("response") {
        return Err(format!("{file} @ {offset}: not a response record"));
    }
    let problems = rec.digest_problems();
    if !problems.is_empty() {
        return Err(format!("{file} @ {offset}: {}", problems.join("; ")));
    }
    if let Some(want) = body_sha256 {
        let got = crate::sha256_hex(rec.payload());
        if got != want {
            return Err(format!(
                "{file} @ {offset}: payload SHA-256 {got} differs from the stored {want}"
            ));
        }
    }
    let response_id = rec.header("WARC-Record-ID").unwrap_or_default().to_string();
    let warcinfo_id = rec.header("WARC-Warcinfo-ID").map(str::to_string);
    let path = dir.join(file);
    let mut f = File::open(&path).map_err(|e| format!("{file}: {e}"))?;
    let response = read_at(&mut f, offset, length).map_err(|e| format!("{file}: {e}"))?;
    match member_at(&response, 1 << 30) {
        Some(m) if m.len == length && m.get("WARC-Record-ID") == Some(response_id.as_str()) => {}
        _ => {
            return Err(format!(
                "{file} @ {offset}: the {length} bytes there are not exactly the response record"
            ))
        }
    }
    let mut copied = Vec::new();
    let mut push = |out: &mut Vec<u8>, bytes: &[u8], m_type: &str, id: &str, src: u64| {
        copied.push(CopiedRecord {
            warc_type: m_type.to_string(),
            record_id: id.to_string(),
            source_offset: src,
            length: bytes.len() as u64,
            package_offset: out.len() as u64,
        });
        out.extend_from_slice(bytes);
    };

    if let Some(wid) = warcinfo_id.filter(|w| !warcinfos.contains(w)) {
        let head = read_at(&mut f, 0, SMALL_RECORD.min(offset)).unwrap_or_default();
        if let Some(m) = member_at(&head, SMALL_RECORD) {
            if m.get("WARC-Type") == Some("warcinfo") && m.get("WARC-Record-ID") == Some(&wid) {
                push(out, &head[..m.len as usize], "warcinfo", &wid, 0);
                warcinfos.push(wid);
            }
        }
    }

    // The request record ends where the response starts: try each gzip header before it,
    // nearest first, and keep the one that decodes to this exchange's request.
    let start = offset.saturating_sub(REQUEST_WINDOW);
    let before = read_at(&mut f, start, offset - start).unwrap_or_default();
    let mut i = before.len();
    while i >= 3 {
        i -= 1;
        if before[i - 2..=i] != [0x1f, 0x8b, 0x08] {
            continue;
        }
        let at = i - 2;
        if let Some(m) = member_at(&before[at..], SMALL_RECORD) {
            if at as u64 + m.len == before.len() as u64
                && m.get("WARC-Type") == Some("request")
                && m.get("WARC-Concurrent-To") == Some(response_id.as_str())
            {
                let id = m.get("WARC-Record-ID").unwrap_or_default().to_string();
                push(out, &before[at..], "request", &id, start + at as u64);
                break;
            }
        }
    }

    push(out, &response, "response", &response_id, offset);

    let after = read_at(&mut f, offset + length, SMALL_RECORD).unwrap_or_default();
    if let Some(m) = member_at(&after, SMALL_RECORD) {
        if m.get("WARC-Type") == Some("metadata")
            && m.get("WARC-Concurrent-To") == Some(response_id.as_str())
        {
            let id = m.get("WARC-Record-ID").unwrap_or_default().to_string();
            push(
                out,
                &after[..m.len as usize],
                "metadata",
                &id,
                offset + length,
            );
        }
    }
    // A page the browser captured: its rendered DOM and screenshot, so the package replays and
    // re-imports as the crawl read it.
    for (id, bytes, at) in capture_records(dir, file, &mut f, offset, length, &rec, &response_id) {
        push(out, &bytes, "resource", &id, at);
    }
    Ok(copied)
}
