//! Streaming WARC record parser: record heads are parsed into memory (bounded),
//! blocks are streamed. Damage is reported as [`Problem`]s and parsing resumes at the
//! next gzip member or the next `WARC/` version line.

use std::io::{self, Read, Seek};

use crate::http::decode_text;
use crate::stream::{Spot, Stream};

/// Longest header line accepted.
const MAX_LINE: usize = 64 * 1024;
/// Largest record head (version line + fields) accepted.
const MAX_HEAD: usize = 1024 * 1024;
/// Most fields in one record head.
const MAX_FIELDS: usize = 10_000;

/// Something wrong at a position in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// Record offset (gzip member offset, or byte offset in a plain file).
    pub offset: u64,
    pub msg: String,
}

/// A parsed record head; the block follows in the stream.
#[derive(Debug, Clone)]
pub(crate) struct Head {
    pub offset: u64,
    /// `1.1` from `WARC/1.1`.
    pub version: String,
    pub fields: Vec<(String, String)>,
    pub content_length: u64,
}

impl Head {
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        crate::http::field(&self.fields, name)
    }

    pub(crate) fn count(&self, name: &str) -> usize {
        self.fields
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .count()
    }

    /// `WARC-Target-URI` with WARC 1.0-draft style angle brackets removed.
    pub(crate) fn target_uri(&self) -> Option<&str> {
        self.get("WARC-Target-URI").map(|u| {
            u.strip_prefix('<')
                .and_then(|u| u.strip_suffix('>'))
                .unwrap_or(u)
        })
    }
}

/// What [`RecordReader::next`] found.
#[derive(Debug)]
pub(crate) enum Next {
    Record(Head),
    Problem(Problem),
    End,
}

/// How reading a block ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BlockEnd {
    /// Whole block and the `\r\n\r\n` trailer were read.
    Ok,
    /// Whole block read, but the trailer is missing or wrong.
    BadTrailer(Problem),
    /// The block could not be read completely (truncated, corrupt gzip, I/O error).
    Failed(Problem),
}

enum Line {
    /// A complete line without its line ending.
    Full(Vec<u8>),
    /// A line longer than the limit (consumed, content dropped).
    TooLong,
    /// End of data before a line ending (possibly some bytes).
    Eof(Vec<u8>),
}

/// Iterates over the records of one WARC file.
pub(crate) struct RecordReader<T> {
    s: Stream<T>,
    /// Block bytes of the current record not yet consumed.
    remaining: u64,
    in_block: bool,
    cur_offset: u64,
    cur_length: u64,
    need_resync: bool,
    skipping: bool,
    done: bool,
    pending: Option<Problem>,
    /// Where the current block starts, to go back to when its Content-Length proves wrong.
    block_spot: Option<Spot>,
    /// Bytes left in the (plain) file after the current record's head, when its Content-Length
    /// asks for more.
    absurd: Option<u64>,
}

impl<T: Read + Seek> RecordReader<T> {
    pub(crate) fn new(inner: T, start: u64) -> io::Result<Self> {
        Ok(RecordReader {
            s: Stream::open(inner, start)?,
            remaining: 0,
            in_block: false,
            cur_offset: start,
            cur_length: 0,
            need_resync: false,
            skipping: false,
            done: false,
            pending: None,
            block_spot: None,
            absurd: None,
        })
    }

    /// Turns a read error into a problem, and decides how to go on: gzip decoding
    /// errors resync at the next member; anything else ends the file.
    fn read_failed(&mut self, e: io::Error, record: Option<u64>) -> Problem {
        let member = self.s.current_member();
        let gz = self.s.is_gzip() && is_decode_error(&e);
        let msg = match (gz, record) {
            (true, Some(r)) if r != member => {
                format!("record unreadable: gzip data damaged in member at offset {member}: {e}")
            }
            (true, Some(_)) => format!("record unreadable: gzip data damaged: {e}"),
            (true, None) => format!("gzip data damaged in member at offset {member}: {e}"),
            (false, _) => format!("read error: {e}"),
        };
        if gz {
            self.need_resync = true;
        } else {
            self.done = true;
        }
        self.in_block = false;
        Problem {
            offset: record.unwrap_or(member),
            msg,
        }
    }

    fn read_line(&mut self) -> io::Result<Line> {
        let mut line = Vec::new();
        let mut too_long = false;
        loop {
            let buf = self.s.fill_buf()?;
            if buf.is_empty() {
                return Ok(if too_long {
                    Line::TooLong
                } else {
                    Line::Eof(line)
                });
            }
            let (take, end) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            if !too_long {
                let room = MAX_LINE + 2 - line.len();
                if take > room {
                    too_long = true;
                    line.clear();
                } else {
                    line.extend_from_slice(&buf[..take]);
                }
            }
            self.s.consume(take);
            if end {
                if too_long {
                    return Ok(Line::TooLong);
                }
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(Line::Full(line));
            }
        }
    }

    /// Skips CR and LF bytes; `Ok(false)` at the end of the data.
    fn skip_newlines(&mut self) -> io::Result<bool> {
        loop {
            let buf = self.s.fill_buf()?;
            if buf.is_empty() {
                return Ok(false);
            }
            let n = buf
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
            let all = n == buf.len();
            self.s.consume(n);
            if !all {
                return Ok(true);
            }
        }
    }

    /// The next record head, a problem, or the end. A block left unread is skipped.
    pub(crate) fn next(&mut self) -> Next {
        loop {
            if self.done {
                return Next::End;
            }
            if self.in_block {
                match self.read_block(|_| {}) {
                    BlockEnd::Ok => {}
                    BlockEnd::BadTrailer(p) | BlockEnd::Failed(p) => return Next::Problem(p),
                }
            }
            if self.need_resync {
                self.need_resync = false;
                match self.s.resync() {
                    Ok(true) => self.skipping = false,
                    Ok(false) => self.skipping = true,
                    Err(e) => {
                        self.done = true;
                        return Next::Problem(Problem {
                            offset: self.s.current_member(),
                            msg: format!("read error while skipping damaged data: {e}"),
                        });
                    }
                }
            }
            match self.skip_newlines() {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    return Next::End;
                }
                Err(e) => return Next::Problem(self.read_failed(e, None)),
            }
            let offset = self.s.mark();
            let first = match self.read_line() {
                Ok(l) => l,
                Err(e) => return Next::Problem(self.read_failed(e, Some(offset))),
            };
            let version = match &first {
                Line::Full(l) => l.strip_prefix(b"WARC/").and_then(|v| {
                    let ok = !v.is_empty()
                        && v.len() <= 16
                        && v.iter().all(|b| b.is_ascii_digit() || *b == b'.');
                    ok.then(|| String::from_utf8_lossy(v).into_owned())
                }),
                _ => None,
            };
            let Some(version) = version else {
                if let Line::Eof(rest) = &first {
                    if rest.is_empty() {
                        continue;
                    }
                    if rest.starts_with(b"WARC/") {
                        self.done = true;
                        return Next::Problem(Problem {
                            offset,
                            msg: "truncated record: file ends inside the version line".into(),
                        });
                    }
                }
                if self.skipping {
                    continue;
                }
                self.skipping = true;
                let what = match &first {
                    Line::Full(l) | Line::Eof(l) => {
                        let shown: String = decode_text(&l[..l.len().min(40)])
                            .chars()
                            .map(|c| if c.is_control() { '.' } else { c })
                            .collect();
                        format!("{shown:?}")
                    }
                    Line::TooLong => "an over-long line".to_string(),
                };
                return Next::Problem(Problem {
                    offset,
                    msg: format!(
                        "expected a 'WARC/1.x' version line, found {what}; skipping to the next record"
                    ),
                });
            };
            self.skipping = false;
            return self.read_fields(offset, version);
        }
    }

    fn read_fields(&mut self, offset: u64, version: String) -> Next {
        let mut fields: Vec<(String, String)> = Vec::new();
        let mut total = 0usize;
        let mut problems = Vec::new();
        loop {
            let line = match self.read_line() {
                Ok(l) => l,
                Err(e) => return Next::Problem(self.read_failed(e, Some(offset))),
            };
            let line = match line {
                Line::Full(l) => l,
                Line::Eof(_) => {
                    self.done = true;
                    return Next::Problem(Problem {
                        offset,
                        msg: "truncated record: file ends inside the record header".into(),
                    });
                }
                Line::TooLong => {
                    self.need_resync = true;
                    return Next::Problem(Problem {
                        offset,
                        msg: format!("record header line longer than {MAX_LINE} bytes"),
                    });
                }
            };
            if line.is_empty() {
                break;
            }
            total += line.len() + 2;
            if total > MAX_HEAD || fields.len() >= MAX_FIELDS {
                self.need_resync = true;
                return Next::Problem(Problem {
                    offset,
                    msg: format!(
                        "record header larger than {MAX_HEAD} bytes or {MAX_FIELDS} fields"
                    ),
                });
            }
            if line[0] == b' ' || line[0] == b'\t' {
                match fields.last_mut() {
                    Some(last) => {
                        let more = decode_text(&line);
                        let more = more.trim();
                        if !more.is_empty() {
                            last.1.push(' ');
                            last.1.push_str(more);
                        }
                    }
                    None => problems.push("continuation line before any field".to_string()),
                }
                continue;
            }
            match line.iter().position(|&b| b == b':') {
                Some(c) => fields.push((
                    decode_text(&line[..c]).trim().to_string(),
                    decode_text(&line[c + 1..]).trim().to_string(),
                )),
                None => problems.push(format!(
                    "header line without ':' ({:?})",
                    decode_text(&line[..line.len().min(40)])
                )),
            }
        }
        let cl = crate::http::field(&fields, "Content-Length");
        let content_length = match cl.map(str::trim) {
            Some(v) if !v.is_empty() && v.len() <= 19 && v.bytes().all(|b| b.is_ascii_digit()) => {
                v.parse::<u64>().ok()
            }
            _ => None,
        };
        let Some(content_length) = content_length else {
            self.need_resync = true;
            return Next::Problem(Problem {
                offset,
                msg: match cl {
                    None => "record has no Content-Length; skipping to the next record".into(),
                    Some(v) => format!("invalid Content-Length {v:?}; skipping to the next record"),
                },
            });
        };
        if let Some(p) = problems.into_iter().next() {
            // Malformed but delimited: report once, the record itself is still usable.
            self.pending = Some(Problem { offset, msg: p });
        }
        self.remaining = content_length;
        self.cur_length = content_length;
        self.in_block = true;
        self.cur_offset = offset;
        self.block_spot = Some(self.s.spot());
        self.absurd = self.s.plain_remaining().filter(|&r| content_length > r);
        Next::Record(Head {
            offset,
            version,
            fields,
            content_length,
        })
    }

    /// A block shorter than its Content-Length says (the file is cut, or the length is absurd):
    /// the record is skipped, and reading resumes at the next record found by scanning the lines
    /// from the start of the block for a version line (`WARC/1.`), so that the records a wrong
    /// length would swallow are still read. `rewind`: the block was read up to the end of the
    /// data, so go back to its start first.
    fn skip_bad_length(&mut self, what: &str, rewind: bool) -> Problem {
        self.in_block = false;
        self.skipping = true;
        if rewind {
            let back = self.block_spot.map(|spot| self.s.rewind(spot));
            if !matches!(back, Some(Ok(()))) {
                self.done = true;
            }
        }
        Problem {
            offset: self.cur_offset,
            msg: format!(
                "truncated record or wrong Content-Length: Content-Length is {} but {what}; \
                 record skipped, reading resumes at the next 'WARC/1.' line",
                self.cur_length
            ),
        }
    }

    /// A non-fatal problem found while parsing the last head (e.g. a line without ':').
    pub(crate) fn take_pending(&mut self) -> Option<Problem> {
        self.pending.take()
    }

    /// Reads the rest of the gzip member holding the record just read, checking its
    /// CRC (see [`Stream::drain_member`]).
    pub(crate) fn drain_member(&mut self, limit: u64) -> Result<(), Problem> {
        let offset = self.cur_offset;
        self.s
            .drain_member(offset, limit)
            .map_err(|e| self.read_failed(e, Some(offset)))
    }

    /// Streams the rest of the current block to `f`, then reads the record trailer.
    pub(crate) fn read_block(&mut self, mut f: impl FnMut(&[u8])) -> BlockEnd {
        if !self.in_block {
            return BlockEnd::Ok;
        }
        if let Some(rest) = self.absurd.take() {
            // Nothing of the block read yet: the scan starts right here.
            let what = format!("only {rest} bytes follow the record header in the file");
            return BlockEnd::Failed(self.skip_bad_length(&what, false));
        }
        while self.remaining > 0 {
            let n = match self.s.fill_buf() {
                Ok([]) => {
                    let got = self.cur_length - self.remaining;
                    let what = format!("the data ends after {got} block bytes");
                    return BlockEnd::Failed(self.skip_bad_length(&what, true));
                }
                Ok(buf) => {
                    let n = buf
                        .len()
                        .min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
                    f(&buf[..n]);
                    n
                }
                Err(e) => {
                    let offset = self.cur_offset;
                    return BlockEnd::Failed(self.read_failed(e, Some(offset)));
                }
            };
            self.s.consume(n);
            self.remaining -= n as u64;
        }
        self.in_block = false;
        // The trailer: exactly CRLF CRLF.
        const TRAILER: &[u8] = b"\r\n\r\n";
        let mut matched = 0;
        while matched < TRAILER.len() {
            let b = match self.s.fill_buf() {
                Ok([]) => None,
                Ok(buf) => Some(buf[0]),
                Err(e) => {
                    let offset = self.cur_offset;
                    return BlockEnd::Failed(self.read_failed(e, Some(offset)));
                }
            };
            match b {
                Some(b) if b == TRAILER[matched] => {
                    self.s.consume(1);
                    matched += 1;
                }
                Some(_) => {
                    return BlockEnd::BadTrailer(Problem {
                        offset: self.cur_offset,
                        msg: format!(
                            "record not followed by CRLF CRLF (Content-Length {} wrong?)",
                            self.cur_length
                        ),
                    })
                }
                None => {
                    return BlockEnd::BadTrailer(Problem {
                        offset: self.cur_offset,
                        msg: "truncated record: file ends before the record's closing CRLF CRLF"
                            .into(),
                    })
                }
            }
        }
        // A record in its own gzip member: check that member's CRC now, so a record
        // is never handed out from a damaged member.
        if let Err(e) = self.s.check_member_end() {
            let offset = self.cur_offset;
            return BlockEnd::Failed(self.read_failed(e, Some(offset)));
        }
        BlockEnd::Ok
    }
}

/// Errors that flate2 reports for damaged or truncated gzip data (as opposed to
/// failures of the underlying file).
fn is_decode_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof
    )
}
