//! Minimal, lenient HTTP/1.x message-head handling for `application/http` blocks.

use std::io::{self, Read};

/// Text from header bytes: UTF-8 when valid, otherwise ISO-8859-1 (byte-for-byte
/// reversible, as HTTP's historical `obs-text` is).
pub(crate) fn decode_text(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => b.iter().map(|&c| char::from(c)).collect(),
    }
}

/// Incremental detector of the blank line ending an HTTP head (`\r\n\r\n`, or a bare
/// `\n\n` / `\n\r\n` as lenient parsers such as warcio accept).
#[derive(Debug, Default, Clone)]
pub(crate) struct HeadEnd {
    after_nl: bool,
    after_nl_cr: bool,
}

impl HeadEnd {
    /// Feeds bytes; returns the index just past the blank line when it is found.
    pub(crate) fn feed(&mut self, data: &[u8]) -> Option<usize> {
        for (i, &b) in data.iter().enumerate() {
            match b {
                b'\n' if self.after_nl || self.after_nl_cr => return Some(i + 1),
                b'\n' => {
                    self.after_nl = true;
                    self.after_nl_cr = false;
                }
                b'\r' if self.after_nl => {
                    self.after_nl = false;
                    self.after_nl_cr = true;
                }
                _ => {
                    self.after_nl = false;
                    self.after_nl_cr = false;
                }
            }
        }
        None
    }
}

/// Length of the HTTP head (status line, fields and blank line) at the start of `block`.
pub(crate) fn head_len(block: &[u8]) -> Option<usize> {
    HeadEnd::default().feed(block)
}

/// Status code from a status line `HTTP/x[.y] NNN reason`.
pub(crate) fn parse_status(head: &[u8]) -> Option<u16> {
    let line_end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let line = &head[..line_end];
    if !line.starts_with(b"HTTP/") {
        return None;
    }
    let mut parts = line
        .split(|&b| b == b' ' || b == b'\t')
        .filter(|p| !p.is_empty());
    parts.next()?;
    let code = parts.next()?;
    let code = code.strip_suffix(b"\r").unwrap_or(code);
    if code.len() != 3 || !code.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(code).ok()?.parse().ok()
}

/// Header fields of a head (the first line is skipped), in order, with obsolete line
/// folding joined; lines without a colon are ignored.
pub(crate) fn parse_fields(head: &[u8]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in head.split(|&b| b == b'\n').skip(1) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            if let Some(last) = out.last_mut() {
                let more = decode_text(line);
                let more = more.trim();
                if !more.is_empty() {
                    if !last.1.is_empty() {
                        last.1.push(' ');
                    }
                    last.1.push_str(more);
                }
            }
            continue;
        }
        if let Some(colon) = line.iter().position(|&b| b == b':') {
            let name = decode_text(&line[..colon]).trim().to_string();
            let value = decode_text(&line[colon + 1..]).trim().to_string();
            out.push((name, value));
        }
    }
    out
}

/// First value of a header, case-insensitively.
pub(crate) fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn invalid(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

/// Removes HTTP/1.1 chunked transfer coding. Trailer fields are dropped.
pub(crate) fn dechunk(body: &[u8], max: usize) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = body;
    loop {
        let nl = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| invalid("chunked body: missing chunk-size line"))?;
        let line = &rest[..nl];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let size_part = line.split(|&b| b == b';').next().unwrap_or(b"");
        let size_str = std::str::from_utf8(size_part)
            .map_err(|_| invalid("chunked body: bad chunk size"))?
            .trim();
        let size = usize::from_str_radix(size_str, 16)
            .map_err(|_| invalid(format!("chunked body: bad chunk size {size_str:?}")))?;
        rest = &rest[nl + 1..];
        if size == 0 {
            return Ok(out);
        }
        if size > rest.len() {
            return Err(invalid("chunked body: truncated chunk"));
        }
        if out.len() + size > max {
            return Err(invalid(format!("decoded body larger than {max} bytes")));
        }
        out.extend_from_slice(&rest[..size]);
        rest = &rest[size..];
        rest = rest
            .strip_prefix(b"\r\n")
            .or_else(|| rest.strip_prefix(b"\n"))
            .ok_or_else(|| invalid("chunked body: chunk not followed by CRLF"))?;
    }
}

/// Undoes `Content-Encoding` (gzip, x-gzip, deflate — zlib or raw — and identity),
/// refusing output above `max` bytes.
pub(crate) fn decode_content(body: Vec<u8>, encoding: &str, max: usize) -> io::Result<Vec<u8>> {
    let mut data = body;
    // Codings are listed in the order they were applied; undo them in reverse.
    let codings: Vec<String> = encoding
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty())
        .collect();
    for coding in codings.iter().rev() {
        data = match coding.as_str() {
            "identity" => data,
            "gzip" | "x-gzip" => read_capped(flate2::read::MultiGzDecoder::new(&data[..]), max)?,
            "deflate" => match read_capped(flate2::read::ZlibDecoder::new(&data[..]), max) {
                Ok(d) => d,
                Err(_) => read_capped(flate2::read::DeflateDecoder::new(&data[..]), max)?,
            },
            other => {
                return Err(io::Error::new(
                    io::ErrorKind::Unsupported,
                    format!("unsupported Content-Encoding {other:?}"),
                ))
            }
        };
    }
    Ok(data)
}

fn read_capped(r: impl Read, max: usize) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    r.take(limit).read_to_end(&mut out)?;
    if out.len() > max {
        return Err(invalid(format!("decoded body larger than {max} bytes")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_end_variants() {
        assert_eq!(head_len(b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody"), Some(25));
        assert_eq!(head_len(b"HTTP/1.1 200 OK\nA: b\n\nbody"), Some(22));
        assert_eq!(head_len(b"HTTP/1.1 200 OK\r\nA: b\r\n"), None);
        let whole = b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody";
        for split in 0..whole.len() {
            let mut h = HeadEnd::default();
            let got = h
                .feed(&whole[..split])
                .or_else(|| h.feed(&whole[split..]).map(|i| i + split));
            assert_eq!(got, Some(25), "split at {split}");
        }
    }

    #[test]
    fn status_and_fields() {
        let head = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nX-Long: a\r\n  b\r\nbad line\r\n\r\n";
        assert_eq!(parse_status(head), Some(404));
        assert_eq!(parse_status(b"HTTP/2 200\r\n\r\n"), Some(200));
        assert_eq!(parse_status(b"GET / HTTP/1.1\r\n\r\n"), None);
        assert_eq!(parse_status(b"HTTP/1.1 20x OK\r\n"), None);
        let f = parse_fields(head);
        assert_eq!(
            f,
            vec![
                ("Content-Type".into(), "text/html".into()),
                ("X-Long".into(), "a b".into())
            ]
        );
        assert_eq!(field(&f, "content-type"), Some("text/html"));
        assert_eq!(decode_text(b"caf\xe9"), "café");
    }

    #[test]
    fn chunked_and_encodings() {
        let body = b"4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nTrailer: x\r\n\r\n";
        assert_eq!(dechunk(body, 100).unwrap(), b"Wikipedia");
        assert!(dechunk(b"4\r\nWi", 100).is_err());
        assert!(dechunk(b"zz\r\n", 100).is_err());
        assert!(dechunk(body, 5).is_err());
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, b"hello").unwrap();
        let gz = gz.finish().unwrap();
        assert_eq!(decode_content(gz.clone(), "gzip", 100).unwrap(), b"hello");
        assert!(decode_content(gz, "gzip", 3).is_err());
        assert!(decode_content(b"x".to_vec(), "br", 100).is_err());
    }
}
