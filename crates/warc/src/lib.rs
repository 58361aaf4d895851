//! WARC 1.1 evidence files for wildwatch.
//!
//! Every fetched page is kept as court evidence in standard WARC files that any
//! archive tool (warcio, pywb, wget's, Heritrix's readers) can open:
//!
//! * [`WarcWriter`] appends HTTP exchanges (`request`, `response`, `metadata`
//!   records) to rotating `*.warc.gz` files, one gzip member per record, and tells
//!   where each response record lies ([`Stored`]).
//! * [`verify_dir`] re-reads a directory, checks the record structure and recomputes
//!   every block and payload digest, reporting each problem with file and offset.
//! * [`find_url`] and [`read_record`] find and load records; [`responses`] iterates
//!   the HTTP responses of any WARC file (e.g. from `wget --warc-file`) for import.
//!
//! Digests are written as `sha256:` + base32 (RFC 4648 alphabet, upper case, `=`
//! padded: 56 characters), the encoding other WARC tools write; readers here also
//! accept hex and base64, and sha1 / sha512. [`Stored::payload_sha256`] and
//! [`Found::payload_sha256`] are lower-case hex, as `sha256sum` prints;
//! [`labelled_digest_to_hex`] converts between the two.
//!
//! Reading never panics on damaged or hostile files: problems become entries of
//! [`VerifyReport::errors`] or `InvalidData` errors, and reading resumes at the next
//! gzip member or record.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod date;
mod digest;
mod http;
mod parse;
mod read;
mod stream;
mod wacz;
mod writer;

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

pub use date::{format_warc_date, parse_warc_date};
pub use digest::labelled_digest_to_hex;
pub use read::{
    find_after, find_url, page_has_screenshot, page_metadata, page_screenshot, read_record,
    responses, verify_dir, Responses, Screenshot,
};
pub use wacz::{
    extract_wacz, write_wacz, WaczContents, WaczError, WaczMeta, WaczPage, WACZ_VERSION,
};
pub use writer::{encode_exchange, Encoded, WarcWriter, SOFTWARE};

/// One HTTP exchange to store.
#[derive(Debug, Clone)]
pub struct Exchange<'a> {
    /// The URL fetched (`WARC-Target-URI`); no whitespace or control characters.
    pub url: &'a str,
    /// The server's IP address (`WARC-IP-Address`), if known.
    pub ip: Option<&'a str>,
    /// The request as sent: request line and header fields, ending with the blank
    /// line (`\r\n\r\n`).
    pub request_head: &'a [u8],
    /// The response status line and header fields as received, ending with the
    /// blank line, e.g. `"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"`.
    pub response_head: &'a [u8],
    /// The response body as it followed the head.
    pub body: &'a [u8],
    /// When the response was received (`WARC-Date` of all three records).
    pub date: SystemTime,
    /// Anything worth keeping beside the capture (fetch duration, crawler notes, the
    /// reason for the fetch); stored as the JSON block of the `metadata` record.
    pub metadata: serde_json::Value,
}

/// A capture that is not an HTTP exchange (a screenshot, a rendered DOM), stored as a WARC
/// `resource` record.
#[derive(Debug, Clone)]
pub struct Resource<'a> {
    /// `WARC-Target-URI`: a URN naming what it is and of which page, e.g.
    /// `urn:screenshot:https://example.org/ad/1`.
    pub uri: &'a str,
    /// Its media type, e.g. `image/png`.
    pub content_type: &'a str,
    /// The bytes.
    pub body: &'a [u8],
    /// When it was made.
    pub date: SystemTime,
    /// `WARC-Concurrent-To`: the response record of the page it was made from (`<urn:uuid:…>`).
    pub concurrent_to: Option<&'a str>,
}

/// Where [`WarcWriter::write_exchange`] put the response record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored {
    /// File name, relative to the writer's directory.
    pub file: String,
    /// Byte offset of the response record's gzip member in the file.
    pub offset: u64,
    /// Compressed length of that gzip member.
    pub length: u64,
    /// SHA-256 of the payload (the HTTP body), lower-case hex.
    pub payload_sha256: String,
    /// `WARC-Record-ID` of the response record, as written (`<urn:uuid:…>`).
    pub record_id: String,
}

/// Result of [`verify_dir`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReport {
    /// WARC files read.
    pub files: u64,
    /// Records found (including damaged ones whose head could be parsed).
    pub records: u64,
    /// `response` records among them.
    pub responses: u64,
    /// Digests recomputed and compared (block and payload digests).
    pub digests_checked: u64,
    /// Every problem, as `"FILE @ OFFSET: message"`. OFFSET is the record's gzip
    /// member offset (its byte offset in an uncompressed file).
    pub errors: Vec<String>,
    /// Things that are not wrong but could not be checked (e.g. an md5 digest, an
    /// unknown record type), in the same format.
    pub warnings: Vec<String>,
}

impl VerifyReport {
    /// No errors.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// A response record found by [`find_url`] or [`responses`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Found {
    /// File name (relative to the directory for [`find_url`]; the file name of the
    /// path for [`responses`]).
    pub file: String,
    /// Offset of the record (its gzip member; its byte offset in an uncompressed
    /// file), usable with [`read_record`].
    pub offset: u64,
    /// `WARC-Target-URI`.
    pub url: String,
    /// `WARC-Date` as written, e.g. `2024-05-01T12:00:00Z` (see [`parse_warc_date`]).
    pub date: String,
    /// `WARC-Record-ID` as written.
    pub record_id: String,
    /// HTTP status code.
    pub status: u16,
    /// HTTP response header fields, in order.
    pub http_headers: Vec<(String, String)>,
    /// SHA-256 of the payload (the bytes after the HTTP head) as read, lower-case hex.
    pub payload_sha256: String,
    /// Length of the payload in bytes.
    pub body_len: u64,
    /// Whether the record's `WARC-Payload-Digest` matches the payload read; `None`
    /// when there is none, or its algorithm is not supported.
    pub payload_digest_ok: Option<bool>,
}

impl Found {
    /// First value of an HTTP header field, case-insensitively.
    pub fn http_header(&self, name: &str) -> Option<&str> {
        http::field(&self.http_headers, name)
    }
}

/// A response record with its body, from [`responses`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseRecord {
    /// Where it is and what its head says.
    pub found: Found,
    /// The payload exactly as stored (possibly still chunked or compressed: see
    /// [`content`](Self::content)); cut at the iterator's body limit.
    pub body: Vec<u8>,
    /// Whether `body` was cut at the limit set with [`Responses::max_body`].
    pub body_truncated: bool,
    /// `WARC-Truncated` of the record (why the writer cut the payload: `length`, `time`, …).
    pub warc_truncated: Option<String>,
    /// The JSON block of the `metadata` record written with this response (the record right
    /// after it, naming it in `WARC-Concurrent-To`), as wildwatch writes the fetch's details;
    /// `None` when there is none or it is not JSON.
    pub metadata: Option<serde_json::Value>,
}

impl ResponseRecord {
    /// The body with `Transfer-Encoding: chunked` and `Content-Encoding` (gzip,
    /// deflate) undone, refusing to produce more than `max` bytes. Other content
    /// codings (br, zstd) are `Unsupported` errors.
    pub fn content(&self, max: usize) -> std::io::Result<Vec<u8>> {
        let chunked = self
            .found
            .http_header("Transfer-Encoding")
            .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
        let data = if chunked {
            http::dechunk(&self.body, max)?
        } else {
            self.body.clone()
        };
        match self.found.http_header("Content-Encoding") {
            Some(enc) => http::decode_content(data, enc, max),
            None if data.len() > max => Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("body larger than {max} bytes"),
            )),
            None => Ok(data),
        }
    }
}

/// One WARC record loaded by [`read_record`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The WARC version, e.g. `1.1`.
    pub version: String,
    /// The WARC header fields, in order.
    pub headers: Vec<(String, String)>,
    /// The record block (for `application/http` records: HTTP head and payload).
    pub block: Vec<u8>,
}

impl Record {
    /// First value of a WARC header field, case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        http::field(&self.headers, name)
    }

    /// `WARC-Type`.
    pub fn warc_type(&self) -> Option<&str> {
        self.header("WARC-Type")
    }

    /// `WARC-Target-URI` (angle brackets of old writers removed).
    pub fn target_uri(&self) -> Option<&str> {
        self.header("WARC-Target-URI").map(|u| {
            u.strip_prefix('<')
                .and_then(|u| u.strip_suffix('>'))
                .unwrap_or(u)
        })
    }

    /// Whether the block is an HTTP message (`Content-Type: application/http…`).
    pub fn is_http(&self) -> bool {
        self.header("Content-Type").is_some_and(|c| {
            c.trim()
                .to_ascii_lowercase()
                .starts_with("application/http")
        })
    }

    /// Splits an HTTP block into head (status line, fields and blank line) and body.
    /// `None` if the block is not HTTP or its head has no terminating blank line.
    pub fn http_split(&self) -> Option<(&[u8], &[u8])> {
        if !self.is_http() && !self.block.starts_with(b"HTTP/") {
            return None;
        }
        let n = http::head_len(&self.block)?;
        Some(self.block.split_at(n))
    }

    /// The HTTP status code of a response block.
    pub fn http_status(&self) -> Option<u16> {
        http::parse_status(self.http_split()?.0)
    }

    /// The HTTP header fields of the block (empty if it is not HTTP).
    pub fn http_headers(&self) -> Vec<(String, String)> {
        self.http_split()
            .map(|(h, _)| http::parse_fields(h))
            .unwrap_or_default()
    }

    /// The HTTP body (for HTTP blocks) or the whole block (otherwise): what
    /// `WARC-Payload-Digest` covers.
    pub fn payload(&self) -> &[u8] {
        match self.http_split() {
            Some((_, body)) => body,
            None => &self.block,
        }
    }

    /// Recomputes `WARC-Block-Digest` and `WARC-Payload-Digest`; returns the
    /// mismatches (empty when both match or are absent).
    pub fn digest_problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let revisit = self.warc_type() == Some("revisit");
        let checks: [(&str, &[u8]); 2] = [
            ("WARC-Block-Digest", &self.block),
            ("WARC-Payload-Digest", self.payload()),
        ];
        for (name, data) in checks {
            if revisit && name == "WARC-Payload-Digest" {
                continue;
            }
            let Some(value) = self.header(name) else {
                continue;
            };
            match digest::parse_labelled(value) {
                Ok(e) => {
                    let mut h = digest::Hasher::new(e.algo);
                    h.update(data);
                    if h.finish() != e.value {
                        out.push(format!("{name} mismatch ({value})"));
                    }
                }
                Err(digest::DigestError::Unsupported(a)) => {
                    out.push(format!("{name}: algorithm {a} not supported, not checked"))
                }
                Err(digest::DigestError::Malformed(m)) => out.push(format!("{name}: {m}")),
            }
        }
        out
    }
}
