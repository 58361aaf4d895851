//! Reading: directory verification, look-up by URL, random access, import.

use std::fs::{self, File};
use std::io::{self, Read, Seek};
use std::path::Path;

use crate::digest::{self, Algo, DigestError, Expected, Hasher};
use crate::http::{self, HeadEnd};
use crate::parse::{BlockEnd, Head, Next, Problem, RecordReader};
use crate::{Found, Record, ResponseRecord, VerifyReport};

/// Largest block [`read_record`] loads into memory.
const MAX_LOAD: u64 = 4 << 30;
/// How far [`read_record`] reads on to reach the end of a record's gzip member.
const MAX_DRAIN: u64 = 16 << 20;
/// Largest HTTP head kept for [`find_url`] and [`responses`].
const MAX_HTTP_HEAD: usize = 1 << 20;
/// Default body limit of [`responses`].
const DEFAULT_MAX_BODY: usize = 1 << 30;
/// Largest `metadata` block [`responses`] reads as JSON.
const MAX_METADATA: usize = 1 << 20;

const KNOWN_TYPES: &[&str] = &[
    "warcinfo",
    "response",
    "resource",
    "request",
    "metadata",
    "revisit",
    "conversion",
    "continuation",
];
const NEED_TARGET: &[&str] = &[
    "response",
    "resource",
    "request",
    "revisit",
    "conversion",
    "continuation",
];

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

/// `*.warc` and `*.warc.gz` regular files in `dir`, sorted by name.
fn warc_files(dir: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if !(name.ends_with(".warc") || name.ends_with(".warc.gz")) {
            continue;
        }
        if entry.file_type()?.is_file() || fs::metadata(entry.path())?.is_file() {
            out.push(name);
        }
    }
    out.sort();
    Ok(out)
}

/// Whether a record's block is an HTTP message (so its payload follows the head).
fn is_http_block(h: &Head) -> bool {
    match h.get("Content-Type") {
        Some(ct) => ct
            .trim()
            .to_ascii_lowercase()
            .starts_with("application/http"),
        None => {
            matches!(h.get("WARC-Type"), Some("response" | "request" | "revisit"))
                && h.target_uri().is_some_and(|u| {
                    let u = u.to_ascii_lowercase();
                    u.starts_with("http:") || u.starts_with("https:")
                })
        }
    }
}

/// A digest named in a header, being recomputed.
struct Check {
    field: &'static str,
    value: String,
    expected: Expected,
    hasher: Hasher,
}

/// Streams one block: digests, HTTP head split, optional body capture.
struct Scan {
    in_payload: bool,
    head_end: HeadEnd,
    head: Vec<u8>,
    head_cap: usize,
    head_overflow: bool,
    block_check: Option<Check>,
    payload_check: Option<Check>,
    payload_sha256: Option<Hasher>,
    body: Option<Vec<u8>>,
    body_cap: usize,
    body_truncated: bool,
    payload_len: u64,
}

impl Scan {
    fn new(http_block: bool, head_cap: usize) -> Scan {
        Scan {
            in_payload: !http_block,
            head_end: HeadEnd::default(),
            head: Vec::new(),
            head_cap,
            head_overflow: false,
            block_check: None,
            payload_check: None,
            payload_sha256: None,
            body: None,
            body_cap: 0,
            body_truncated: false,
            payload_len: 0,
        }
    }

    fn feed(&mut self, chunk: &[u8]) {
        if let Some(c) = &mut self.block_check {
            c.hasher.update(chunk);
        }
        let mut rest = chunk;
        if !self.in_payload {
            let (head_part, found) = match self.head_end.feed(rest) {
                Some(n) => (&rest[..n], true),
                None => (rest, false),
            };
            if !self.head_overflow {
                if self.head.len() + head_part.len() > self.head_cap {
                    self.head_overflow = true;
                } else {
                    self.head.extend_from_slice(head_part);
                }
            }
            rest = &rest[head_part.len()..];
            if found {
                self.in_payload = true;
            }
        }
        if self.in_payload && !rest.is_empty() {
            self.payload_len += rest.len() as u64;
            if let Some(c) = &mut self.payload_check {
                c.hasher.update(rest);
            }
            if let Some(h) = &mut self.payload_sha256 {
                h.update(rest);
            }
            if let Some(body) = &mut self.body {
                let room = self.body_cap - body.len();
                if rest.len() > room {
                    self.body_truncated = true;
                }
                body.extend_from_slice(&rest[..rest.len().min(room)]);
            }
        }
    }
}

/// Sets up the recomputation of a digest header, or says why it can't be.
fn check_for(h: &Head, field: &'static str) -> Result<Option<Check>, (bool, String)> {
    let Some(value) = h.get(field) else {
        return Ok(None);
    };
    match digest::parse_labelled(value) {
        Ok(expected) => Ok(Some(Check {
            field,
            value: value.to_string(),
            hasher: Hasher::new(expected.algo),
            expected,
        })),
        Err(DigestError::Unsupported(a)) => Err((
            false,
            format!("{field} algorithm {a:?} is not supported; not checked"),
        )),
        Err(DigestError::Malformed(m)) => Err((true, format!("{field} unreadable: {m}"))),
    }
}

fn computed_label(algo: Algo, value: &[u8]) -> String {
    format!("{}:{}", algo.name(), data_encoding::BASE32.encode(value))
}

/// Compares a finished check; `Some(message)` on mismatch.
fn finish_check(c: Check) -> Option<String> {
    let got = c.hasher.finish();
    (got != c.expected.value).then(|| {
        format!(
            "{} mismatch: record says {}, content hashes to {}",
            c.field,
            c.value,
            computed_label(c.expected.algo, &got)
        )
    })
}

fn record_label(h: &Head) -> String {
    format!(
        "{} record {}",
        h.get("WARC-Type").unwrap_or("untyped"),
        h.get("WARC-Record-ID").unwrap_or("(no id)")
    )
}

/// Checks the head of a record against WARC 1.0/1.1; returns (errors, warnings).
fn check_head(h: &Head) -> (Vec<String>, Vec<String>) {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    if h.version != "1.1" && h.version != "1.0" {
        errors.push(format!("unsupported WARC version WARC/{}", h.version));
    }
    for name in ["WARC-Type", "WARC-Record-ID", "WARC-Date", "Content-Length"] {
        match h.count(name) {
            0 => errors.push(format!("mandatory field {name} missing")),
            1 => {}
            n => errors.push(format!("field {name} appears {n} times")),
        }
    }
    if let Some(id) = h.get("WARC-Record-ID") {
        let inner = id.strip_prefix('<').and_then(|i| i.strip_suffix('>'));
        if !inner.is_some_and(|i| i.contains(':') && !i.contains(char::is_whitespace)) {
            errors.push(format!("WARC-Record-ID {id:?} is not <scheme:...>"));
        }
    }
    if let Some(d) = h.get("WARC-Date") {
        if crate::date::parse_warc_date_parts(d).is_none() {
            errors.push(format!("WARC-Date {d:?} is not YYYY-MM-DDThh:mm:ss[.f]Z"));
        }
    }
    if let Some(t) = h.get("WARC-Type") {
        if !KNOWN_TYPES.contains(&t) {
            warnings.push(format!("unknown WARC-Type {t:?}"));
        }
        if NEED_TARGET.contains(&t) && h.target_uri().is_none_or(|u| u.is_empty()) {
            errors.push(format!("{t} record without WARC-Target-URI"));
        }
    }
    (errors, warnings)
}

fn verify_file(dir: &Path, name: &str, report: &mut VerifyReport) {
    let at = |offset: u64, msg: &str| format!("{name} @ {offset}: {msg}");
    let file = match File::open(dir.join(name)) {
        Ok(f) => f,
        Err(e) => {
            report.errors.push(format!("{name}: cannot open: {e}"));
            return;
        }
    };
    let mut rr = match RecordReader::new(file, 0) {
        Ok(r) => r,
        Err(e) => {
            report.errors.push(format!("{name}: cannot read: {e}"));
            return;
        }
    };
    report.files += 1;
    loop {
        let h = match rr.next() {
            Next::End => break,
            Next::Problem(p) => {
                report.errors.push(at(p.offset, &p.msg));
                continue;
            }
            Next::Record(h) => h,
        };
        report.records += 1;
        let label = record_label(&h);
        let err = |m: &str| at(h.offset, &format!("{label}: {m}"));
        if let Some(p) = rr.take_pending() {
            report.errors.push(err(&p.msg));
        }
        let (errors, warnings) = check_head(&h);
        report.errors.extend(errors.iter().map(|m| err(m)));
        report.warnings.extend(warnings.iter().map(|m| err(m)));
        let rtype = h.get("WARC-Type").unwrap_or("");
        if rtype == "response" {
            report.responses += 1;
        }
        let http_block = is_http_block(&h);
        let mut scan = Scan::new(http_block, 8 * 1024);
        let mut setup = |field| match check_for(&h, field) {
            Ok(c) => c,
            Err((is_error, m)) => {
                if is_error {
                    report.errors.push(err(&m));
                } else {
                    report.warnings.push(err(&m));
                }
                None
            }
        };
        scan.block_check = setup("WARC-Block-Digest");
        // A segment's payload digest covers the reassembled payload, not this block.
        let segmented = h.get("WARC-Segment-Number").is_some();
        if rtype != "revisit" && !segmented {
            scan.payload_check = setup("WARC-Payload-Digest");
        }
        match rr.read_block(|c| scan.feed(c)) {
            BlockEnd::Ok => {}
            BlockEnd::BadTrailer(p) => report.errors.push(err(&p.msg)),
            BlockEnd::Failed(p) => {
                report.errors.push(at(p.offset, &p.msg));
                continue;
            }
        }
        if let Some(c) = scan.block_check.take() {
            report.digests_checked += 1;
            if let Some(m) = finish_check(c) {
                report.errors.push(err(&m));
            }
        }
        if let Some(c) = scan.payload_check.take() {
            if scan.in_payload {
                report.digests_checked += 1;
                if let Some(m) = finish_check(c) {
                    report.errors.push(err(&m));
                }
            } else {
                report.errors.push(err(
                    "HTTP head has no terminating blank line; WARC-Payload-Digest cannot be checked",
                ));
            }
        }
        if rtype == "response" && http_block && !scan.head_overflow {
            if !scan.in_payload {
                if h.get("WARC-Payload-Digest").is_none() {
                    report
                        .errors
                        .push(err("HTTP head has no terminating blank line"));
                }
            } else if http::parse_status(&scan.head).is_none() {
                report
                    .errors
                    .push(err("HTTP response has no valid status line"));
            }
        }
    }
}

/// Reads every record of every `*.warc.gz` / `*.warc` file directly in `dir` (in name
/// order; streaming, constant memory) and checks it:
///
/// * structure: a `WARC/1.1` or `WARC/1.0` version line; `WARC-Type`,
///   `WARC-Record-ID` (`<scheme:…>`), `WARC-Date` (ISO 8601 UTC) and
///   `Content-Length` present once; `WARC-Target-URI` where the type needs one; the
///   block as long as `Content-Length` says, followed by `CRLF CRLF`;
/// * content: `WARC-Block-Digest` and `WARC-Payload-Digest` (sha1, sha256, sha512 in
///   base32, hex or base64) recomputed and compared; responses have a status line;
/// * gzip: damaged or truncated members.
///
/// Every problem is reported with file and offset; reading goes on with the next
/// gzip member or record (after a Content-Length larger than the data that follows:
/// the next line starting with `WARC/1.` after the record's head). Only a failure to
/// list `dir` is an `Err`.
pub fn verify_dir(dir: &Path) -> io::Result<VerifyReport> {
    let mut report = VerifyReport::default();
    for name in warc_files(dir)? {
        verify_file(dir, &name, &mut report);
    }
    Ok(report)
}

/// What scanning one response record gave.
struct Scanned {
    found: Found,
    body: Option<Vec<u8>>,
    body_truncated: bool,
    warc_truncated: Option<String>,
}

/// Reads the block of a response record (the head was just returned by `rr`),
/// keeping the HTTP head, hashing the payload and optionally keeping the body.
/// `Ok(None)` when it is not an HTTP response.
fn scan_response<T: Read + Seek>(
    rr: &mut RecordReader<T>,
    h: &Head,
    file: &str,
    keep_body: Option<usize>,
) -> Result<Option<Scanned>, Problem> {
    let mut scan = Scan::new(true, MAX_HTTP_HEAD);
    scan.payload_sha256 = Some(Hasher::new(Algo::Sha256));
    scan.payload_check = check_for(h, "WARC-Payload-Digest").ok().flatten();
    if let Some(cap) = keep_body {
        scan.body = Some(Vec::new());
        scan.body_cap = cap;
    }
    match rr.read_block(|c| scan.feed(c)) {
        BlockEnd::Ok | BlockEnd::BadTrailer(_) => {}
        BlockEnd::Failed(p) => return Err(p),
    }
    let status = if scan.in_payload && !scan.head_overflow {
        http::parse_status(&scan.head)
    } else {
        None
    };
    let Some(status) = status else {
        return Ok(None);
    };
    let payload_digest_ok = scan.payload_check.take().map(|c| finish_check(c).is_none());
    let payload_sha256 = scan
        .payload_sha256
        .take()
        .map(|h| digest::hex(&h.finish()))
        .unwrap_or_default();
    Ok(Some(Scanned {
        found: Found {
            file: file.to_string(),
            offset: h.offset,
            url: h.target_uri().unwrap_or("").to_string(),
            date: h.get("WARC-Date").unwrap_or("").to_string(),
            record_id: h.get("WARC-Record-ID").unwrap_or("").to_string(),
            status,
            http_headers: http::parse_fields(&scan.head),
            payload_sha256,
            body_len: scan.payload_len,
            payload_digest_ok,
        },
        body: scan.body,
        body_truncated: scan.body_truncated,
        warc_truncated: h.get("WARC-Truncated").map(str::to_string),
    }))
}

/// Finds the HTTP `response` records whose `WARC-Target-URI` is exactly `url`, in
/// every `*.warc.gz` / `*.warc` file of `dir`, oldest first (by `WARC-Date`; ties in
/// file and offset order). Damaged records are skipped (see [`verify_dir`]).
pub fn find_url(dir: &Path, url: &str) -> io::Result<Vec<Found>> {
    let mut out = Vec::new();
    for name in warc_files(dir)? {
        let mut rr = RecordReader::new(File::open(dir.join(&name))?, 0)?;
        loop {
            match rr.next() {
                Next::End => break,
                Next::Problem(_) => continue,
                Next::Record(h) => {
                    if h.get("WARC-Type") != Some("response") || h.target_uri() != Some(url) {
                        continue;
                    }
                    if let Ok(Some(s)) = scan_response(&mut rr, &h, &name, None) {
                        out.push(s.found);
                    }
                }
            }
        }
    }
    out.sort_by_key(|f| crate::date::parse_warc_date_parts(&f.date).unwrap_or((i64::MIN, 0)));
    Ok(out)
}

/// Refuses a file name that is not a plain name in the directory (a path, `..`, a NUL).
fn check_plain_name(file: &str) -> io::Result<()> {
    if file.is_empty() || file == "." || file == ".." || file.contains(['/', '\\', '\0']) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{file:?} is not a plain file name"),
        ));
    }
    Ok(())
}

/// Finds the first record whose `WARC-Target-URI` is exactly `uri` at or after `offset` of
/// `dir/file`, going on into the files written after it (rotation may have moved it there),
/// looking at no more than `max_records` records. Returns its file and offset. This is how a
/// page's screenshot and rendered DOM (`urn:screenshot:URL`, `urn:dom:URL`, written just after
/// the page's own records) are found from the page's response record.
pub fn find_after(
    dir: &Path,
    file: &str,
    offset: u64,
    uri: &str,
    max_records: usize,
) -> io::Result<Option<(String, u64)>> {
    check_plain_name(file)?;
    let files = warc_files(dir)?;
    let Some(first) = files.iter().position(|f| f == file) else {
        return Ok(None);
    };
    let mut seen = 0usize;
    for (i, name) in files[first..].iter().enumerate() {
        let start = if i == 0 { offset } else { 0 };
        let mut rr = RecordReader::new(File::open(dir.join(name))?, start)?;
        loop {
            match rr.next() {
                Next::End => break,
                Next::Problem(_) => continue,
                Next::Record(h) => {
                    seen += 1;
                    if h.target_uri() == Some(uri) {
                        return Ok(Some((name.clone(), h.offset)));
                    }
                    if seen >= max_records {
                        return Ok(None);
                    }
                }
            }
        }
    }
    Ok(None)
}

/// Records a browser capture writes after a page's own three (the other responses it received,
/// three records each, up to a campaign's request cap, then the DOM and the screenshot): how far
/// [`page_screenshot`] looks.
const CAPTURE_RECORDS: usize = 3 * 1000 + 10;

/// The JSON of the `metadata` record written just after the response record at `offset`
/// (`length` bytes) of `dir/file`, when there is one.
pub fn page_metadata(
    dir: &Path,
    file: &str,
    offset: u64,
    length: u64,
) -> Option<serde_json::Value> {
    read_record(dir, file, offset + length)
        .ok()
        .filter(|r| r.warc_type() == Some("metadata"))
        .and_then(|r| serde_json::from_slice::<serde_json::Value>(r.payload()).ok())
}

/// Whether the browser made a screenshot of the page whose response record is at `offset`
/// (`length` bytes) of `dir/file`: its metadata record says `"screenshot": true`.
pub fn page_has_screenshot(dir: &Path, file: &str, offset: u64, length: u64) -> bool {
    page_metadata(dir, file, offset, length)
        .and_then(|m| m.get("screenshot").and_then(|v| v.as_bool()))
        .unwrap_or(false)
}

/// A page's screenshot, as stored.
#[derive(Debug, Clone)]
pub struct Screenshot {
    /// WARC file holding it.
    pub file: String,
    /// Offset of its `resource` record.
    pub offset: u64,
    /// The PNG.
    pub png: Vec<u8>,
}

/// The screenshot of the page `url` whose response record is at `offset` (`length` bytes) of
/// `dir/file`, when the browser made one (`urn:screenshot:URL`, written after the page's records,
/// possibly in the next file). Its digests are checked: a damaged record is an error.
pub fn page_screenshot(
    dir: &Path,
    file: &str,
    offset: u64,
    length: u64,
    url: &str,
) -> io::Result<Option<Screenshot>> {
    if !page_has_screenshot(dir, file, offset, length) {
        return Ok(None);
    }
    let uri = format!("urn:screenshot:{url}");
    let Some((f, o)) = find_after(dir, file, offset, &uri, CAPTURE_RECORDS)? else {
        return Ok(None);
    };
    let r = read_record(dir, &f, o)?;
    let problems = r.digest_problems();
    if !problems.is_empty() {
        return Err(invalid(format!("{f} @ {o}: {}", problems.join("; "))));
    }
    Ok(Some(Screenshot {
        file: f,
        offset: o,
        png: r.payload().to_vec(),
    }))
}

/// Loads the record at `offset` of `dir/file` (the offset of its gzip member, or its
/// byte offset in an uncompressed file, as in [`crate::Stored`] and [`Found`]).
///
/// `file` must be a plain file name. A record that is damaged, truncated or not at
/// that offset is an `InvalidData` error; blocks over 4 GiB are refused.
pub fn read_record(dir: &Path, file: &str, offset: u64) -> io::Result<Record> {
    check_plain_name(file)?;
    let mut rr = RecordReader::new(File::open(dir.join(file))?, offset)?;
    let h = match rr.next() {
        Next::Record(h) if h.offset == offset => h,
        Next::Record(h) => {
            return Err(invalid(format!(
                "{file} @ {offset}: no record starts there (next one at {})",
                h.offset
            )))
        }
        Next::Problem(p) => return Err(invalid(format!("{file} @ {}: {}", p.offset, p.msg))),
        Next::End => return Err(invalid(format!("{file} @ {offset}: no record there"))),
    };
    if h.content_length > MAX_LOAD {
        return Err(invalid(format!(
            "{file} @ {offset}: block of {} bytes is too large to load",
            h.content_length
        )));
    }
    let mut block = Vec::new();
    let fail = |p: Problem| invalid(format!("{file} @ {}: {}", p.offset, p.msg));
    match rr.read_block(|c| block.extend_from_slice(c)) {
        BlockEnd::Ok | BlockEnd::BadTrailer(_) => {}
        BlockEnd::Failed(p) => return Err(fail(p)),
    }
    // Never hand out a record from a damaged gzip member.
    rr.drain_member(MAX_DRAIN).map_err(fail)?;
    Ok(Record {
        version: h.version,
        headers: h.fields,
        block,
    })
}

/// Iterator over the HTTP responses of one WARC file, from [`responses`].
///
/// Yields `Err(InvalidData)` for damaged records (with file and offset in the
/// message) and goes on with the next record: after a record whose Content-Length
/// is larger than the data that follows, the next line starting with `WARC/1.`.
/// Non-HTTP `response` records (e.g. `dns:`) are skipped. Each response carries the
/// JSON of the `metadata` record written with it ([`ResponseRecord::metadata`]).
pub struct Responses {
    rr: RecordReader<File>,
    name: String,
    max_body: usize,
    /// What was read after a response while looking for its `metadata` record.
    pending: Option<Next>,
}

impl Responses {
    /// Keeps at most `max` bytes of each body (default 1 GiB); longer bodies are cut
    /// and flagged with [`ResponseRecord::body_truncated`]. Digests and
    /// [`Found::body_len`] still cover the whole body.
    pub fn max_body(mut self, max: usize) -> Self {
        self.max_body = max;
        self
    }

    fn problem(&self, p: Problem) -> io::Error {
        invalid(format!("{} @ {}: {}", self.name, p.offset, p.msg))
    }

    /// The JSON block of the `metadata` record written with the response `id` (naming it in
    /// `WARC-Concurrent-To`), when that record comes next, as wildwatch and warcio write it.
    /// Anything else read is kept for the next call.
    fn metadata_for(&mut self, id: &str) -> Option<serde_json::Value> {
        let next = self.rr.next();
        let ours = matches!(&next, Next::Record(h)
            if h.get("WARC-Type") == Some("metadata") && h.get("WARC-Concurrent-To") == Some(id));
        if !ours {
            self.pending = Some(next);
            return None;
        }
        let mut block = Vec::new();
        let mut over = false;
        let end = self.rr.read_block(|c| {
            over |= block.len() + c.len() > MAX_METADATA;
            if !over {
                block.extend_from_slice(c);
            }
        });
        match end {
            BlockEnd::Ok | BlockEnd::BadTrailer(_) => {}
            BlockEnd::Failed(p) => {
                self.pending = Some(Next::Problem(p));
                return None;
            }
        }
        serde_json::from_slice(&block).ok().filter(|_| !over)
    }
}

impl Iterator for Responses {
    type Item = io::Result<ResponseRecord>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let h = match self.pending.take().unwrap_or_else(|| self.rr.next()) {
                Next::End => return None,
                Next::Problem(p) => return Some(Err(self.problem(p))),
                Next::Record(h) => h,
            };
            if h.get("WARC-Type") != Some("response") {
                continue;
            }
            match scan_response(&mut self.rr, &h, &self.name, Some(self.max_body)) {
                Ok(Some(s)) => {
                    let metadata = self.metadata_for(&s.found.record_id);
                    return Some(Ok(ResponseRecord {
                        found: s.found,
                        body: s.body.unwrap_or_default(),
                        body_truncated: s.body_truncated,
                        warc_truncated: s.warc_truncated,
                        metadata,
                    }));
                }
                Ok(None) => {
                    let http_uri = h.target_uri().is_some_and(|u| {
                        let u = u.to_ascii_lowercase();
                        u.starts_with("http:") || u.starts_with("https:")
                    });
                    if http_uri {
                        return Some(Err(invalid(format!(
                            "{} @ {}: response for {} has no readable HTTP status line and head",
                            self.name,
                            h.offset,
                            h.target_uri().unwrap_or("")
                        ))));
                    }
                }
                Err(p) => return Some(Err(self.problem(p))),
            }
        }
    }
}

/// Iterates the HTTP `response` records of a WARC file written by any tool (e.g.
/// `wget --warc-file`, warcio, Heritrix): plain or gzip (per-record members or one
/// stream). Each item has URL, date, status, headers and body; see [`Responses`].
pub fn responses(path: &Path) -> io::Result<Responses> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    Ok(Responses {
        rr: RecordReader::new(File::open(path)?, 0)?,
        name,
        max_body: DEFAULT_MAX_BODY,
        pending: None,
    })
}
