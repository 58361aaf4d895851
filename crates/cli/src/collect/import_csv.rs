//! Strict CSV rows for `import`: a row is imported only when it is certainly one row.
//!
//! The `csv` crate splits the input into records (RFC 4180, comma, double quotes, `""` inside
//! quotes); this module decides which of them are good rows. A record is a **bad row**, reported
//! with the line it starts on and skipped, when:
//!
//! 1. it has another number of fields than the header ([`BadRow::FieldCount`]);
//! 2. a quoted field is never closed: it runs to the end of the file ([`BadRow::UnterminatedQuote`]);
//! 3. a quoted field's closing quote is followed by something other than a comma or the end of the
//!    line, as when a stray quote runs on and closes on the opening quote of a field in a later
//!    line ([`BadRow::TextAfterQuote`]);
//! 4. a field that does not start with a quote holds one ([`BadRow::QuoteInUnquotedField`]):
//!    RFC 4180 wants such fields quoted, with the quote doubled (`"12"" vinyl"`), and the quote
//!    that closes a runaway one is often such a stray quote.
//!
//! A quoted field may hold line breaks (a description over several lines is one row): such a
//! record is good when none of the rules above applies. When a bad row spans several physical
//! lines, its line breaks are not trusted: reading resumes at the physical line after the one it
//! starts on, so the rows a runaway quote swallowed are read again, and imported when good. So a
//! stray quote never merges rows or shifts columns, except where the text is legal CSV all the
//! same: a quote opened in column N that happens to close at the end of column N of a later
//! line, with nothing else wrong, is one legal field holding line breaks.
//!
//! Bytes that are not UTF-8 are replaced with U+FFFD; the row says so ([`Row::replaced`]). A
//! UTF-8 byte order mark before the header is dropped.
//!
//! This file depends on `csv` and `std` only (the fuzz target `import_csv` includes it).

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Read, Seek, SeekFrom};

/// Why a CSV record is not imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadRow {
    /// Not as many fields as the header has columns.
    FieldCount {
        /// Columns of the header.
        expected: usize,
        /// Fields of the row.
        found: usize,
    },
    /// A quoted field is never closed.
    UnterminatedQuote,
    /// A quoted field's closing quote is followed by more text before the comma or line end.
    TextAfterQuote,
    /// A quote inside a field that does not start with one.
    QuoteInUnquotedField,
}

impl fmt::Display for BadRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadRow::FieldCount { expected, found } => {
                write!(f, "{found} fields where the header has {expected} columns")
            }
            BadRow::UnterminatedQuote => {
                f.write_str("a quoted field is never closed (its quote runs to the end of the file)")
            }
            BadRow::TextAfterQuote => f.write_str(
                "text after the closing quote of a field (a stray quote runs past the end of a line?)",
            ),
            BadRow::QuoteInUnquotedField => f.write_str(
                "a quote inside a field that does not start with one (quote the field and double the quote)",
            ),
        }
    }
}

/// A good row: one field per header column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Line the row starts on (1-based; the header is line 1 when it has no blank lines before).
    pub line: u64,
    /// The fields, in header order.
    pub fields: Vec<String>,
    /// Whether bytes that are not UTF-8 were replaced with U+FFFD.
    pub replaced: bool,
}

/// What [`CsvRows`] read next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A good row.
    Row(Row),
    /// A bad row: the line it starts on, and why.
    Bad {
        /// Line the record starts on.
        line: u64,
        /// What is wrong with it.
        why: BadRow,
        /// Whether it held bytes that are not UTF-8.
        replaced: bool,
    },
}

/// Why the CSV file cannot be read at all.
#[derive(Debug)]
pub enum CsvError {
    /// Reading failed.
    Read(csv::Error),
    /// No header row.
    NoHeader,
    /// The header row is bad (the line it starts on, and why).
    Header(u64, BadRow),
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CsvError::Read(e) => write!(f, "{e}"),
            CsvError::NoHeader => f.write_str("no header row"),
            CsvError::Header(line, why) => write!(f, "line {line}: header row: {why}"),
        }
    }
}

impl std::error::Error for CsvError {}

impl From<csv::Error> for CsvError {
    fn from(e: csv::Error) -> Self {
        CsvError::Read(e)
    }
}

/// The input, keeping every byte from the start of the record being read: its raw text is
/// checked, and read again after a bad row that spans lines.
struct Tape<R> {
    inner: R,
    kept: Vec<u8>,
    /// Input offset of `kept[skip]`; bytes before `skip` are forgotten.
    start: u64,
    skip: usize,
    /// Input offset of the next byte `read` gives.
    pos: u64,
}

impl<R: Read> Tape<R> {
    /// Starts reading `inner`, dropping a UTF-8 byte order mark.
    fn new(mut inner: R) -> io::Result<Tape<R>> {
        let mut first = Vec::new();
        (&mut inner).take(3).read_to_end(&mut first)?;
        if first == b"\xef\xbb\xbf" {
            first.clear();
        }
        Ok(Tape {
            inner,
            kept: first,
            start: 0,
            skip: 0,
            pos: 0,
        })
    }
}

impl<R> Tape<R> {
    fn end(&self) -> u64 {
        self.start + (self.kept.len() - self.skip) as u64
    }

    /// The kept bytes from input offset `a` to `b` (clamped to what is kept).
    fn slice(&self, a: u64, b: u64) -> &[u8] {
        let at = |p: u64| self.skip + (p.clamp(self.start, self.end()) - self.start) as usize;
        &self.kept[at(a)..at(b.max(a))]
    }

    /// Forgets the bytes before input offset `p`.
    fn forget_before(&mut self, p: u64) {
        let n = (p.clamp(self.start, self.end()) - self.start) as usize;
        self.skip += n;
        self.start += n as u64;
        if self.skip > 64 * 1024 && self.skip * 2 > self.kept.len() {
            self.kept.drain(..self.skip);
            self.skip = 0;
        }
    }
}

impl<R: Read> Read for Tape<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos < self.end() {
            let from = self.skip + (self.pos - self.start) as usize;
            let n = buf.len().min(self.kept.len() - from);
            buf[..n].copy_from_slice(&self.kept[from..from + n]);
            self.pos += n as u64;
            return Ok(n);
        }
        let n = self.inner.read(buf)?;
        self.kept.extend_from_slice(&buf[..n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R> Seek for Tape<R> {
    /// Only to an offset still kept (the csv reader seeks there to read again after a bad row).
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        match to {
            SeekFrom::Start(p) if (self.start..=self.end()).contains(&p) => {
                self.pos = p;
                Ok(p)
            }
            _ => Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "can only go back to a kept offset",
            )),
        }
    }
}

/// Good and bad rows of a CSV file with a header row, by the rules in the module documentation.
pub struct CsvRows<R> {
    rdr: csv::Reader<Tape<R>>,
    header: Vec<String>,
    header_replaced: bool,
    rec: csv::ByteRecord,
}

impl<R: Read> CsvRows<R> {
    /// Reads and checks the header row.
    pub fn new(input: R) -> Result<CsvRows<R>, CsvError> {
        let tape = Tape::new(input).map_err(csv::Error::from)?;
        let rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(tape);
        let mut rows = CsvRows {
            rdr,
            header: Vec::new(),
            header_replaced: false,
            rec: csv::ByteRecord::new(),
        };
        let Some(raw) = rows.read_raw()? else {
            return Err(CsvError::NoHeader);
        };
        if let Some(why) = quote_problem(raw.text(rows.rdr.get_ref())) {
            return Err(CsvError::Header(raw.line, why));
        }
        let (header, replaced) = decode(&rows.rec);
        rows.header = header;
        rows.header_replaced = replaced;
        rows.rdr.get_mut().forget_before(raw.end);
        Ok(rows)
    }

    /// The header's column names.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Whether the header held bytes that are not UTF-8.
    pub fn header_replaced(&self) -> bool {
        self.header_replaced
    }

    /// The next record, or `None` at the end.
    pub fn next_item(&mut self) -> Result<Option<Item>, CsvError> {
        let Some(raw) = self.read_raw()? else {
            return Ok(None);
        };
        let text = raw.text(self.rdr.get_ref());
        let found = self.rec.len();
        let expected = self.header.len();
        let why = quote_problem(text)
            .or((found != expected).then_some(BadRow::FieldCount { expected, found }));
        let resume = why.and_then(|_| after_first_line_break(text));
        let (fields, replaced) = decode(&self.rec);
        match resume {
            Some(n) => self.resume_at(raw.start + n as u64, raw.line + 1)?,
            None => self.rdr.get_mut().forget_before(raw.end),
        }
        let line = raw.line;
        Ok(Some(match why {
            Some(why) => Item::Bad {
                line,
                why,
                replaced,
            },
            None => Item::Row(Row {
                line,
                fields,
                replaced,
            }),
        }))
    }

    /// Reads the next record into `self.rec`: where its text starts and ends, and its line.
    fn read_raw(&mut self) -> Result<Option<Raw>, CsvError> {
        if !self.rdr.read_byte_record(&mut self.rec)? {
            return Ok(None);
        }
        let pos = self
            .rec
            .position()
            .cloned()
            .unwrap_or_else(csv::Position::new);
        let end = self.rdr.position().byte();
        // The record's position may be on blank lines (or the LF of a CRLF) before it.
        let before = self.rdr.get_ref().slice(pos.byte(), end);
        let lead = before
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        let newlines = before[..lead].iter().filter(|&&b| b == b'\n').count() as u64;
        Ok(Some(Raw {
            start: pos.byte() + lead as u64,
            end,
            line: pos.line() + newlines,
        }))
    }

    /// Goes back to input offset `byte`, the start of physical line `line`.
    fn resume_at(&mut self, byte: u64, line: u64) -> Result<(), CsvError> {
        let mut pos = csv::Position::new();
        pos.set_byte(byte).set_line(line);
        self.rdr.seek(pos)?;
        self.rdr.get_mut().forget_before(byte);
        Ok(())
    }
}

impl<R: Read> Iterator for CsvRows<R> {
    type Item = Result<Item, CsvError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_item().transpose()
    }
}

/// Where a record's text lies in the input, and the line it starts on.
struct Raw {
    start: u64,
    end: u64,
    line: u64,
}

impl Raw {
    fn text<'t, R>(&self, tape: &'t Tape<R>) -> &'t [u8] {
        tape.slice(self.start, self.end)
    }
}

/// The fields as text, bytes that are not UTF-8 replaced; and whether any were.
fn decode(rec: &csv::ByteRecord) -> (Vec<String>, bool) {
    let mut replaced = false;
    let fields = rec
        .iter()
        .map(|f| match String::from_utf8_lossy(f) {
            Cow::Borrowed(s) => s.to_string(),
            Cow::Owned(s) => {
                replaced = true;
                s
            }
        })
        .collect();
    (fields, replaced)
}

/// Rules 2 to 4 of the module documentation on the raw text of one record (from its first
/// byte; it ends at the first line break outside quotes, as the `csv` crate reads it).
fn quote_problem(text: &[u8]) -> Option<BadRow> {
    #[derive(Clone, Copy)]
    enum At {
        FieldStart,
        Unquoted,
        Quoted,
        /// A quote inside a quoted field: the closing one, or the first of `""`.
        QuoteInQuoted,
    }
    let mut at = At::FieldStart;
    for &b in text {
        at = match (at, b) {
            (At::Quoted, b'"') => At::QuoteInQuoted,
            (At::Quoted, _) => At::Quoted,
            (At::QuoteInQuoted, b'"') => At::Quoted,
            (At::QuoteInQuoted, b',') => At::FieldStart,
            (At::QuoteInQuoted, b'\r' | b'\n') => return None,
            (At::QuoteInQuoted, _) => return Some(BadRow::TextAfterQuote),
            (At::FieldStart, b'"') => At::Quoted,
            (At::Unquoted, b'"') => return Some(BadRow::QuoteInUnquotedField),
            (_, b',') => At::FieldStart,
            (_, b'\r' | b'\n') => return None,
            _ => At::Unquoted,
        };
    }
    matches!(at, At::Quoted).then_some(BadRow::UnterminatedQuote)
}

/// Offset just after the first line break inside a record's text (not its terminator), if it
/// spans several lines.
fn after_first_line_break(text: &[u8]) -> Option<usize> {
    let body = text.strip_suffix(b"\n").unwrap_or(text);
    let body = body.strip_suffix(b"\r").unwrap_or(body);
    let i = body.iter().position(|&b| b == b'\r' || b == b'\n')?;
    let crlf = body[i] == b'\r' && text.get(i + 1) == Some(&b'\n');
    Some(i + 1 + usize::from(crlf))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every item of `csv`, as `(line, fields or why)`.
    fn items(csv: &str) -> Vec<(u64, Result<Vec<String>, BadRow>)> {
        let rows = CsvRows::new(csv.as_bytes()).unwrap();
        rows.map(|i| match i.unwrap() {
            Item::Row(r) => (r.line, Ok(r.fields)),
            Item::Bad { line, why, .. } => (line, Err(why)),
        })
        .collect()
    }

    fn ok(line: u64, fields: &[&str]) -> (u64, Result<Vec<String>, BadRow>) {
        (line, Ok(fields.iter().map(|f| f.to_string()).collect()))
    }

    #[test]
    fn good_rows_including_quoted_line_breaks() {
        let csv = "url,title,price\r\nhttps://a/1,\"Uhu, zahm\",300 €\r\n\r\nhttps://a/2,\"Zeile 1\nZeile \"\"2\"\"\",5 €\nhttps://a/3,,\n";
        assert_eq!(
            items(csv),
            vec![
                ok(2, &["https://a/1", "Uhu, zahm", "300 €"]),
                ok(4, &["https://a/2", "Zeile 1\nZeile \"2\"", "5 €"]),
                ok(6, &["https://a/3", "", ""]),
            ]
        );
    }

    #[test]
    fn wrong_field_counts_are_bad_rows() {
        let csv =
            "url,title,price\nhttps://a/1,Uhu\nhttps://a/2,Kauz,5 €,extra\nhttps://a/3,Eule,7 €\n";
        assert_eq!(
            items(csv),
            vec![
                (
                    2,
                    Err(BadRow::FieldCount {
                        expected: 3,
                        found: 2
                    })
                ),
                (
                    3,
                    Err(BadRow::FieldCount {
                        expected: 3,
                        found: 4
                    })
                ),
                ok(4, &["https://a/3", "Eule", "7 €"]),
            ]
        );
    }

    #[test]
    fn an_unterminated_quote_never_merges_rows() {
        // The quote on line 2 runs on and closes on the opening quote of line 4: the csv crate
        // reads lines 2 to 4 as one record of 4 fields, shifted ("5 €" as the seller).
        let csv = "url,title,price,seller\n\
                   https://a/1,\"Graupapagei Hahn,650 €,hans\n\
                   https://a/2,Uhu,300 €,fritz\n\
                   https://a/3,\"Elfenbein\",5 €,otto\n";
        assert_eq!(
            items(csv),
            vec![
                (2, Err(BadRow::TextAfterQuote)),
                ok(3, &["https://a/2", "Uhu", "300 €", "fritz"]),
                ok(4, &["https://a/3", "Elfenbein", "5 €", "otto"]),
            ]
        );
        // Never closed: runs to the end of the file.
        let csv = "url,title\nhttps://a/1,\"Uhu\nhttps://a/2,Kauz\nhttps://a/3,Eule\n";
        assert_eq!(
            items(csv),
            vec![
                (2, Err(BadRow::UnterminatedQuote)),
                ok(3, &["https://a/2", "Kauz"]),
                ok(4, &["https://a/3", "Eule"]),
            ]
        );
        // Closed by a stray quote in another column of a later line: too many fields; that line
        // read again on its own has the stray quote.
        let csv =
            "url,title,price\nhttps://a/1,\"Uhu,3\nhttps://a/2\",Kauz,4\nhttps://a/3,Eule,5\n";
        assert_eq!(
            items(csv),
            vec![
                (
                    2,
                    Err(BadRow::FieldCount {
                        expected: 3,
                        found: 4
                    })
                ),
                (3, Err(BadRow::QuoteInUnquotedField)),
                ok(4, &["https://a/3", "Eule", "5"]),
            ]
        );
        // Closed at the end of the same column of the next line: legal CSV, one field with a
        // line break.
        let csv = "url,title,price\nhttps://a/1,\"Uhu,3\nKauz\",4\n";
        assert_eq!(
            items(csv),
            vec![ok(2, &["https://a/1", "Uhu,3\nKauz", "4"])]
        );
    }

    #[test]
    fn invalid_utf8_is_replaced_and_said() {
        let mut csv = b"url,title\nhttps://a/1,Kr\xf6te\nhttps://a/2,Kr\xc3\xb6te\n".to_vec();
        csv.extend_from_slice(b"https://a/3,\"\xff\"\"x\"\n");
        let rows: Vec<Item> = CsvRows::new(&csv[..])
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let Item::Row(r) = &rows[0] else { panic!() };
        assert_eq!((r.fields[1].as_str(), r.replaced), ("Kr\u{fffd}te", true));
        let Item::Row(r) = &rows[1] else { panic!() };
        assert_eq!((r.fields[1].as_str(), r.replaced), ("Kröte", false));
        let Item::Row(r) = &rows[2] else { panic!() };
        assert_eq!((r.fields[1].as_str(), r.replaced), ("\u{fffd}\"x", true));
    }

    #[test]
    fn the_header_is_checked() {
        assert!(matches!(CsvRows::new(&b""[..]), Err(CsvError::NoHeader)));
        let e = CsvRows::new(&b"url,\"title\n1,2\n"[..]).err().unwrap();
        assert!(
            matches!(e, CsvError::Header(1, BadRow::UnterminatedQuote)),
            "{e}"
        );
        let rows = CsvRows::new("\u{feff}url,title\n1,2\n".as_bytes()).unwrap();
        assert_eq!(rows.header(), ["url", "title"]);
        let rows = CsvRows::new(&b"\xef\xbb\xbf\"url\",title\n1,2\n"[..]).unwrap();
        assert_eq!(rows.header(), ["url", "title"]);
    }

    #[test]
    fn long_inputs_stream_with_little_kept() {
        let mut csv = String::from("url,title\n");
        for i in 0..50_000 {
            csv.push_str(&format!("https://a/{i},\"Ad {i}\nline 2\"\n"));
        }
        let mut rows = CsvRows::new(csv.as_bytes()).unwrap();
        let mut n = 0;
        while let Some(item) = rows.next_item().unwrap() {
            assert!(matches!(item, Item::Row(ref r) if r.line == 2 + 2 * n));
            assert!(rows.rdr.get_ref().kept.len() < 256 * 1024);
            n += 1;
        }
        assert_eq!(n, 50_000);
    }
}
