//! Writing: one gzip member per record, files rotated by size, fsync on demand.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use flate2::write::GzEncoder;
use flate2::Compression;
use sha2::{Digest, Sha256};

use crate::date::{format_compact, format_warc_date};
use crate::digest::{hex, labelled_sha256, sha256};
use crate::{Exchange, Resource, Stored};

/// The `software` named in each file's `warcinfo` record.
pub const SOFTWARE: &str = concat!("wildwatch/", env!("CARGO_PKG_VERSION"));

const CONFORMS_TO: &str =
    "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/";

/// Appends HTTP exchanges to rotating `*.warc.gz` files (WARC 1.1, one gzip member
/// per record, so every record can be read on its own from its offset).
///
/// File names are `{prefix}-{YYYYMMDDhhmmss}-{seq:05}.warc.gz` (UTC time of the file's
/// creation; `seq` continues after the highest one already in the directory for this
/// prefix). Files are created exclusively (`O_EXCL`): an existing file is never
/// overwritten or appended to. Each file starts with a `warcinfo` record.
///
/// Rotation: an exchange goes to a new file when the current file already holds at
/// least one exchange and the exchange would take it past `max_bytes`; so a file
/// exceeds `max_bytes` only when a single exchange does.
///
/// Records reach the operating system on every [`write_exchange`](Self::write_exchange);
/// [`flush`](Self::flush) makes them durable (`fsync` of the file and of the directory).
/// Dropping the writer also syncs, ignoring errors: call `flush` to see them.
#[derive(Debug)]
pub struct WarcWriter {
    dir: PathBuf,
    prefix: String,
    max_bytes: u64,
    next_seq: u64,
    cur: Option<CurFile>,
    dir_dirty: bool,
}

#[derive(Debug)]
struct CurFile {
    file: File,
    name: String,
    len: u64,
    exchanges: u64,
    warcinfo_id: String,
}

fn invalid_input(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg.into())
}

fn new_record_id() -> String {
    format!("<urn:uuid:{}>", uuid::Uuid::new_v4())
}

/// Whether a file name is `{prefix}-{14 digits}-{digits}.warc.gz`; returns the sequence.
fn own_file_seq(name: &str, prefix: &str) -> Option<u64> {
    let rest = name.strip_prefix(prefix)?.strip_prefix('-')?;
    let rest = rest.strip_suffix(".warc.gz")?;
    let (stamp, seq) = rest.split_once('-')?;
    if stamp.len() != 14 || !stamp.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if seq.is_empty() || seq.len() > 18 || !seq.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    seq.parse().ok()
}

/// `first` fields, then `common`, then `last`.
fn join<'a>(
    common: &[(&'a str, &'a str)],
    first: &[(&'a str, &'a str)],
    last: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    [first, common, last].concat()
}

/// One record, compressed as its own gzip member.
fn record_member(fields: &[(&str, &str)], block: &[&[u8]]) -> io::Result<Vec<u8>> {
    let len: usize = block.iter().map(|b| b.len()).sum();
    let mut head = String::with_capacity(512);
    head.push_str("WARC/1.1\r\n");
    for (n, v) in fields {
        head.push_str(n);
        head.push_str(": ");
        head.push_str(v);
        head.push_str("\r\n");
    }
    head.push_str(&format!("Content-Length: {len}\r\n\r\n"));
    // Level 2, not the default 6: on the bench crawl's WARC files, 2.5 % larger and 5 % less of
    // the crawl's CPU (level 1, zlib-rs's quick deflate, saves 11 % but is 24 % larger).
    let mut gz = GzEncoder::new(Vec::with_capacity(len / 3 + 512), Compression::new(2));
    gz.write_all(head.as_bytes())?;
    for b in block {
        gz.write_all(b)?;
    }
    gz.write_all(b"\r\n\r\n")?;
    gz.finish()
}

/// Refuses a target URI that is empty or holds whitespace or control characters (it would break
/// the record's header).
fn check_uri(uri: &str) -> io::Result<()> {
    if uri.is_empty() || uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid_input(format!(
            "URL {uri:?} is empty or contains whitespace or control characters"
        )));
    }
    Ok(())
}

/// Checks that `head` is a complete HTTP head: ends with its blank line, and has no
/// earlier one (so the head/body boundary in the record is where readers expect it).
fn check_head(what: &str, head: &[u8]) -> io::Result<()> {
    match crate::http::head_len(head) {
        Some(n) if n == head.len() => Ok(()),
        Some(_) => Err(invalid_input(format!(
            "{what} contains a blank line before its end"
        ))),
        None => Err(invalid_input(format!(
            "{what} must end with the blank line (\\r\\n\\r\\n) that ends an HTTP head"
        ))),
    }
}

impl WarcWriter {
    /// Opens a writer creating files in `dir` (created if missing) named
    /// `{prefix}-{YYYYMMDDhhmmss}-{seq:05}.warc.gz`, starting a new file once the
    /// current one would exceed `max_bytes`. The first file is created at once.
    pub fn open(dir: &Path, prefix: &str, max_bytes: u64) -> io::Result<WarcWriter> {
        if prefix.is_empty()
            || prefix.starts_with('.')
            || prefix
                .chars()
                .any(|c| c == '/' || c == '\\' || c == '\0' || c.is_control())
        {
            return Err(invalid_input(format!(
                "WARC file prefix {prefix:?} must be a plain, non-empty file name part"
            )));
        }
        fs::create_dir_all(dir)?;
        let mut next_seq = 0;
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            if let Some(seq) = entry
                .file_name()
                .to_str()
                .and_then(|n| own_file_seq(n, prefix))
            {
                next_seq = next_seq.max(seq.saturating_add(1));
            }
        }
        let mut w = WarcWriter {
            dir: dir.to_path_buf(),
            prefix: prefix.to_string(),
            max_bytes,
            next_seq,
            cur: None,
            dir_dirty: false,
        };
        w.start_file()?;
        Ok(w)
    }

    /// The directory files are written to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Name (relative to the directory) of the file being written, if any.
    pub fn current_file(&self) -> Option<&str> {
        self.cur.as_ref().map(|c| c.name.as_str())
    }

    fn start_file(&mut self) -> io::Result<()> {
        if let Some(old) = self.cur.take() {
            old.file.sync_all()?;
        }
        let now = SystemTime::now();
        let stamp = format_compact(now)?;
        let mut attempts = 0u32;
        let (file, name) = loop {
            let name = format!("{}-{stamp}-{:05}.warc.gz", self.prefix, self.next_seq);
            self.next_seq += 1;
            match OpenOptions::new()
                .append(true)
                .create_new(true)
                .open(self.dir.join(&name))
            {
                Ok(f) => break (f, name),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempts < 100_000 => {
                    attempts += 1;
                }
                Err(e) => return Err(e),
            }
        };
        self.dir_dirty = true;
        let warcinfo_id = new_record_id();
        let body = format!(
            "software: {SOFTWARE}\r\nformat: WARC File Format 1.1\r\nconformsTo: {CONFORMS_TO}\r\ndescription: wildwatch evidence capture; each record is a separate gzip member\r\n"
        );
        let date = format_warc_date(now)?;
        let digest = labelled_sha256(&sha256(&[body.as_bytes()]));
        let member = record_member(
            &[
                ("WARC-Type", "warcinfo"),
                ("WARC-Record-ID", &warcinfo_id),
                ("WARC-Date", &date),
                ("WARC-Filename", &name),
                ("Content-Type", "application/warc-fields"),
                ("WARC-Block-Digest", &digest),
            ],
            &[body.as_bytes()],
        )?;
        let mut cur = CurFile {
            file,
            name,
            len: 0,
            exchanges: 0,
            warcinfo_id,
        };
        if let Err(e) = cur.file.write_all(&member) {
            // Leave no half-written file behind to be mistaken for evidence.
            let _ = fs::remove_file(self.dir.join(&cur.name));
            return Err(e);
        }
        cur.len = member.len() as u64;
        self.cur = Some(cur);
        Ok(())
    }

    /// Writes one HTTP exchange as `request`, `response` and `metadata` records (each
    /// its own gzip member, in that order, in the same file).
    ///
    /// * `response`: block = `response_head` + `body` exactly as given,
    ///   `Content-Type: application/http;msgtype=response`, `WARC-Payload-Digest`
    ///   (SHA-256 of `body`) and `WARC-Block-Digest` (SHA-256 of the block), both as
    ///   `sha256:` + base32 (RFC 4648, upper case, padded).
    /// * `request`: block = `request_head`, `WARC-Concurrent-To` the response.
    /// * `metadata`: block = `metadata` as JSON, `Content-Type: application/json`,
    ///   `WARC-Concurrent-To` the response.
    ///
    /// `body` must be the bytes that followed the head on the wire: if the fetcher
    /// removed chunked transfer coding or content coding, the head should say so
    /// (e.g. drop `Transfer-Encoding`), or readers will misinterpret the body.
    ///
    /// Fails with `InvalidInput` when `url` contains whitespace or control characters,
    /// `ip` is not an IP address, or a head does not end with its blank line. If
    /// writing fails, the file is cut back to its previous length.
    pub fn write_exchange(&mut self, ex: &Exchange) -> io::Result<Stored> {
        let id = self.warcinfo_id()?;
        let enc = encode_exchange(ex, &id)?;
        self.write_encoded(ex, enc)
    }

    /// The `WARC-Warcinfo-ID` records encoded now should carry (the current file's; the first
    /// file is started if none is open), for [`encode_exchange`] on another thread.
    pub fn warcinfo_id(&mut self) -> io::Result<String> {
        if self.cur.is_none() {
            self.start_file()?;
        }
        Ok(self.cur_ref()?.warcinfo_id.clone())
    }

    /// Appends an exchange [`encode_exchange`] prepared (possibly on another thread). When the
    /// file it was encoded for has been rotated since, or it must go to a new file, it is encoded
    /// again from `ex` for the file it lands in.
    pub fn write_encoded(&mut self, ex: &Exchange, mut enc: Encoded) -> io::Result<Stored> {
        if self.cur.is_none() {
            self.start_file()?;
        }
        let cur = self.cur_ref()?;
        if cur.exchanges > 0 && cur.len.saturating_add(enc.len()) > self.max_bytes {
            self.start_file()?;
        }
        if enc.warcinfo_id != self.cur_ref()?.warcinfo_id {
            let id = self.cur_ref()?.warcinfo_id.clone();
            enc = encode_exchange(ex, &id)?;
        }
        let Encoded {
            members: [request, response, meta],
            payload,
            response_id,
            ..
        } = enc;
        let cur = self
            .cur
            .as_mut()
            .ok_or_else(|| io::Error::other("no open WARC file"))?;
        let start = cur.len;
        let mut all = Vec::with_capacity(request.len() + response.len() + meta.len());
        all.extend_from_slice(&request);
        all.extend_from_slice(&response);
        all.extend_from_slice(&meta);
        if let Err(e) = cur.file.write_all(&all) {
            // Cut off the partial exchange; if even that fails, never append to this
            // file again (the next exchange starts a new one).
            if cur.file.set_len(start).is_err() {
                self.cur = None;
            }
            return Err(e);
        }
        cur.len = start + all.len() as u64;
        cur.exchanges += 1;
        Ok(Stored {
            file: cur.name.clone(),
            offset: start + request.len() as u64,
            length: response.len() as u64,
            payload_sha256: hex(&payload),
            record_id: response_id,
        })
    }

    /// Appends a `resource` record (a screenshot, a rendered DOM): block = `body`,
    /// `WARC-Payload-Digest` and `WARC-Block-Digest` its SHA-256, `WARC-Concurrent-To` the page's
    /// response record when given. Rotates like an exchange; fails with `InvalidInput` on a URI
    /// with whitespace or control characters, or a content type with a line break.
    pub fn write_resource(&mut self, r: &Resource) -> io::Result<Stored> {
        check_uri(r.uri)?;
        if r.content_type.is_empty() || r.content_type.chars().any(|c| c.is_control()) {
            return Err(invalid_input(format!(
                "content type {:?} is empty or contains control characters",
                r.content_type
            )));
        }
        if self.cur.is_none() {
            self.start_file()?;
        }
        let member = |w: &Self| -> io::Result<(Vec<u8>, String, Vec<u8>)> {
            let date = format_warc_date(r.date)?;
            let payload = sha256(&[r.body]);
            let digest = labelled_sha256(&payload);
            let id = new_record_id();
            let mut fields: Vec<(&str, &str)> = vec![
                ("WARC-Type", "resource"),
                ("WARC-Record-ID", &id),
                ("WARC-Date", &date),
                ("WARC-Target-URI", r.uri),
                ("WARC-Warcinfo-ID", &w.cur_ref()?.warcinfo_id),
            ];
            if let Some(c) = r.concurrent_to {
                fields.push(("WARC-Concurrent-To", c));
            }
            fields.push(("Content-Type", r.content_type));
            fields.push(("WARC-Payload-Digest", &digest));
            fields.push(("WARC-Block-Digest", &digest));
            Ok((record_member(&fields, &[r.body])?, id.clone(), payload))
        };
        let (mut bytes, mut id, mut payload) = member(self)?;
        let cur = self.cur_ref()?;
        if cur.exchanges > 0 && cur.len.saturating_add(bytes.len() as u64) > self.max_bytes {
            self.start_file()?;
            (bytes, id, payload) = member(self)?;
        }
        let cur = self
            .cur
            .as_mut()
            .ok_or_else(|| io::Error::other("no open WARC file"))?;
        let start = cur.len;
        if let Err(e) = cur.file.write_all(&bytes) {
            if cur.file.set_len(start).is_err() {
                self.cur = None;
            }
            return Err(e);
        }
        cur.len = start + bytes.len() as u64;
        cur.exchanges += 1;
        Ok(Stored {
            file: cur.name.clone(),
            offset: start,
            length: bytes.len() as u64,
            payload_sha256: hex(&payload),
            record_id: id,
        })
    }

    fn cur_ref(&self) -> io::Result<&CurFile> {
        self.cur
            .as_ref()
            .ok_or_else(|| io::Error::other("no open WARC file"))
    }

    /// Makes everything written so far durable: `fsync` of the current file and,
    /// after a new file was created, of the directory.
    pub fn flush(&mut self) -> io::Result<()> {
        if let Some(cur) = &mut self.cur {
            cur.file.flush()?;
            cur.file.sync_all()?;
        }
        if self.dir_dirty {
            sync_dir(&self.dir)?;
            self.dir_dirty = false;
        }
        Ok(())
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

impl Drop for WarcWriter {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// An exchange encoded as its three records (gzip members), ready to append: the costly part of
/// writing (digests, compression), which [`encode_exchange`] does without the writer, so that
/// many threads can encode while one appends.
#[derive(Debug)]
pub struct Encoded {
    members: [Vec<u8>; 3],
    warcinfo_id: String,
    payload: Vec<u8>,
    response_id: String,
}

impl Encoded {
    /// Bytes it takes in the file.
    pub fn len(&self) -> u64 {
        self.members.iter().map(|m| m.len() as u64).sum()
    }

    /// Never: an exchange has three records.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Encodes an exchange for the file whose `warcinfo` record is `warcinfo_id` (see
/// [`WarcWriter::write_exchange`] for the records and the checks).
pub fn encode_exchange(ex: &Exchange, warcinfo_id: &str) -> io::Result<Encoded> {
    check_uri(ex.url)?;
    if let Some(ip) = ex.ip {
        ip.parse::<IpAddr>()
            .map_err(|_| invalid_input(format!("{ip:?} is not an IP address")))?;
    }
    if !ex.response_head.starts_with(b"HTTP/") {
        return Err(invalid_input(
            "response_head must start with an HTTP/ status line",
        ));
    }
    check_head("response_head", ex.response_head)?;
    check_head("request_head", ex.request_head)?;
    let date = format_warc_date(ex.date)?;
    let metadata = serde_json::to_vec(&ex.metadata).map_err(io::Error::other)?;

    let payload = sha256(&[ex.body]);
    let block = {
        let mut h = Sha256::new();
        h.update(ex.response_head);
        h.update(ex.body);
        h.finalize().to_vec()
    };
    let payload_digest = labelled_sha256(&payload);
    let block_digest = labelled_sha256(&block);
    let request_digest = labelled_sha256(&sha256(&[ex.request_head]));
    let metadata_digest = labelled_sha256(&sha256(&[&metadata]));
    let response_id = new_record_id();
    let request_id = new_record_id();
    let metadata_id = new_record_id();

    let members = {
        let mut common: Vec<(&str, &str)> = vec![("WARC-Date", &date), ("WARC-Target-URI", ex.url)];
        if let Some(ip) = ex.ip {
            common.push(("WARC-IP-Address", ip));
        }
        common.push(("WARC-Warcinfo-ID", warcinfo_id));
        let request = record_member(
            &join(
                &common,
                &[("WARC-Type", "request"), ("WARC-Record-ID", &request_id)],
                &[
                    ("WARC-Concurrent-To", &response_id),
                    ("Content-Type", "application/http;msgtype=request"),
                    ("WARC-Block-Digest", &request_digest),
                ],
            ),
            &[ex.request_head],
        )?;
        let response = record_member(
            &join(
                &common,
                &[("WARC-Type", "response"), ("WARC-Record-ID", &response_id)],
                &[
                    ("Content-Type", "application/http;msgtype=response"),
                    ("WARC-Payload-Digest", &payload_digest),
                    ("WARC-Block-Digest", &block_digest),
                ],
            ),
            &[ex.response_head, ex.body],
        )?;
        let meta = record_member(
            &join(
                &common,
                &[("WARC-Type", "metadata"), ("WARC-Record-ID", &metadata_id)],
                &[
                    ("WARC-Concurrent-To", &response_id),
                    ("Content-Type", "application/json"),
                    ("WARC-Block-Digest", &metadata_digest),
                ],
            ),
            &[&metadata],
        )?;
        [request, response, meta]
    };

    Ok(Encoded {
        members,
        warcinfo_id: warcinfo_id.to_string(),
        payload,
        response_id,
    })
}

#[cfg(test)]
mod tests {
    use super::own_file_seq;

    #[test]
    fn recognises_own_file_names() {
        assert_eq!(
            own_file_seq("ev-20240101120000-00007.warc.gz", "ev"),
            Some(7)
        );
        assert_eq!(
            own_file_seq("ev-20240101120000-123456.warc.gz", "ev"),
            Some(123_456)
        );
        assert_eq!(
            own_file_seq("ev-x-20240101120000-00007.warc.gz", "ev"),
            None
        );
        assert_eq!(own_file_seq("ev-2024010112000-00007.warc.gz", "ev"), None);
        assert_eq!(own_file_seq("ev-20240101120000-00007.warc", "ev"), None);
        assert_eq!(
            own_file_seq("other-20240101120000-00007.warc.gz", "ev"),
            None
        );
    }
}
