//! Byte sources for the record parser: a plain file, or a gzip file made of one or
//! more members, with the mapping from decompressed positions back to the file
//! offset of the gzip member that holds them. Memory use is constant.

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};

use flate2::bufread::GzDecoder;

const IO_BUF: usize = 64 * 1024;
const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

/// A buffered reader that knows its absolute position in the underlying file.
pub(crate) struct Counting<T> {
    inner: BufReader<T>,
    pos: u64,
}

impl<T: Read + Seek> Counting<T> {
    fn seek_to(&mut self, pos: u64) -> io::Result<()> {
        self.inner.seek(SeekFrom::Start(pos))?;
        self.pos = pos;
        Ok(())
    }
}

impl<T: Read> Read for Counting<T> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<T: Read> BufRead for Counting<T> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.inner.consume(amt);
        self.pos += amt as u64;
    }
}

enum GzState<T> {
    Between(Counting<T>),
    In(Box<GzDecoder<Counting<T>>>),
    Gone,
}

/// Concatenated gzip members, decoded one after the other.
pub(crate) struct GzMembers<T> {
    state: GzState<T>,
    /// File offset of the current (or last) member.
    member_start: u64,
    /// Decompressed bytes produced so far.
    out: u64,
    /// `(decompressed position, member file offset)` of recent members.
    starts: VecDeque<(u64, u64)>,
}

fn gone() -> io::Error {
    io::Error::other("gzip reader unusable after an earlier I/O failure")
}

impl<T: Read + Seek> GzMembers<T> {
    fn new(c: Counting<T>) -> Self {
        let start = c.pos;
        GzMembers {
            state: GzState::Between(c),
            member_start: start,
            out: 0,
            starts: VecDeque::new(),
        }
    }

    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            match std::mem::replace(&mut self.state, GzState::Gone) {
                GzState::Gone => return Err(gone()),
                GzState::Between(mut c) => {
                    let more = match c.fill_buf() {
                        Ok(b) => !b.is_empty(),
                        Err(e) => {
                            self.state = GzState::Between(c);
                            return Err(e);
                        }
                    };
                    if !more {
                        self.state = GzState::Between(c);
                        return Ok(0);
                    }
                    self.member_start = c.pos;
                    if self.starts.back().is_some_and(|&(o, _)| o == self.out) {
                        self.starts.pop_back();
                    }
                    self.starts.push_back((self.out, c.pos));
                    self.state = GzState::In(Box::new(GzDecoder::new(c)));
                }
                GzState::In(mut d) => match d.read(buf) {
                    Ok(0) => self.state = GzState::Between(d.into_inner()),
                    Ok(n) => {
                        self.out += n as u64;
                        self.state = GzState::In(d);
                        return Ok(n);
                    }
                    Err(e) => {
                        self.state = GzState::In(d);
                        return Err(e);
                    }
                },
            }
        }
    }

    /// Reads only from the current member: `Ok(0)` at its end (its CRC and length
    /// then verified) without starting the next one.
    fn read_in_member(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match std::mem::replace(&mut self.state, GzState::Gone) {
            GzState::Gone => Err(gone()),
            GzState::Between(c) => {
                self.state = GzState::Between(c);
                Ok(0)
            }
            GzState::In(mut d) => match d.read(buf) {
                Ok(0) => {
                    self.state = GzState::Between(d.into_inner());
                    Ok(0)
                }
                Ok(n) => {
                    self.out += n as u64;
                    self.state = GzState::In(d);
                    Ok(n)
                }
                Err(e) => {
                    self.state = GzState::In(d);
                    Err(e)
                }
            },
        }
    }

    /// After a decoding error: skips to the next gzip header after the start of the
    /// failed member. Errors here are real I/O errors.
    fn resync(&mut self) -> io::Result<()> {
        let mut c = match std::mem::replace(&mut self.state, GzState::Gone) {
            GzState::Between(c) => c,
            GzState::In(d) => d.into_inner(),
            GzState::Gone => return Err(gone()),
        };
        let from = self.member_start.saturating_add(1);
        c.seek_to(from)?;
        let mut matched = 0usize;
        let found = loop {
            let buf = c.fill_buf()?;
            if buf.is_empty() {
                break None;
            }
            let mut hit = None;
            for (i, &b) in buf.iter().enumerate() {
                if b == GZIP_MAGIC[matched] {
                    matched += 1;
                    if matched == GZIP_MAGIC.len() {
                        hit = Some(i + 1);
                        break;
                    }
                } else {
                    matched = usize::from(b == GZIP_MAGIC[0]);
                }
            }
            match hit {
                Some(n) => {
                    c.consume(n);
                    break Some(c.pos - GZIP_MAGIC.len() as u64);
                }
                None => {
                    let n = buf.len();
                    c.consume(n);
                }
            }
        };
        if let Some(p) = found {
            c.seek_to(p)?;
            self.member_start = p;
        }
        self.state = GzState::Between(c);
        Ok(())
    }

    /// `(logical start, file offset)` of the member holding `logical`, if still known.
    fn span_at(&self, logical: u64) -> Option<(u64, u64)> {
        self.starts
            .iter()
            .rev()
            .find(|&&(o, _)| o <= logical)
            .copied()
    }

    /// Starts decoding again at the member at file offset `file`, whose data begins at logical
    /// position `logical` (see [`Stream::rewind`]).
    fn restart(&mut self, file: u64, logical: u64) -> io::Result<()> {
        let mut c = match std::mem::replace(&mut self.state, GzState::Gone) {
            GzState::Between(c) => c,
            GzState::In(d) => d.into_inner(),
            GzState::Gone => return Err(gone()),
        };
        c.seek_to(file)?;
        self.member_start = file;
        self.out = logical;
        self.starts.retain(|&(o, _)| o < logical);
        self.state = GzState::Between(c);
        Ok(())
    }

    fn member_at(&self, logical: u64) -> u64 {
        self.starts
            .iter()
            .rev()
            .find(|&&(o, _)| o <= logical)
            .map_or(self.member_start, |&(_, f)| f)
    }

    fn prune(&mut self, logical: u64) {
        while self.starts.len() >= 2 && self.starts[1].0 <= logical {
            self.starts.pop_front();
        }
    }
}

enum Source<T> {
    Plain(Counting<T>),
    Gz(GzMembers<T>),
}

/// A position [`Stream::rewind`] can go back to: the logical position and, in a gzip file,
/// the file offset and logical start of the member holding it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spot {
    logical: u64,
    member: Option<(u64, u64)>,
}

/// A buffered, position-tracking reader over a WARC file (plain or gzip).
pub(crate) struct Stream<T> {
    src: Source<T>,
    /// Length of a plain file (`None` for gzip).
    plain_len: Option<u64>,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    /// Logical (decompressed) position of `buf[0]`.
    base: u64,
}

impl<T: Read + Seek> Stream<T> {
    /// Opens a stream at file offset `start`; gzip is detected from the magic bytes.
    pub(crate) fn open(mut inner: T, start: u64) -> io::Result<Self> {
        inner.seek(SeekFrom::Start(start))?;
        let mut magic = [0u8; 2];
        let mut got = 0;
        while got < magic.len() {
            match inner.read(&mut magic[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let end = inner.seek(SeekFrom::End(0))?;
        inner.seek(SeekFrom::Start(start))?;
        let c = Counting {
            inner: BufReader::with_capacity(IO_BUF, inner),
            pos: start,
        };
        let (src, base, plain_len) = if got == 2 && magic == [0x1f, 0x8b] {
            (Source::Gz(GzMembers::new(c)), 0, None)
        } else {
            (Source::Plain(c), start, Some(end))
        };
        Ok(Stream {
            src,
            plain_len,
            buf: vec![0u8; IO_BUF].into_boxed_slice(),
            pos: 0,
            len: 0,
            base,
        })
    }

    /// Whether the file is gzip-compressed.
    pub(crate) fn is_gzip(&self) -> bool {
        matches!(self.src, Source::Gz(_))
    }

    /// Available bytes; empty at the end of the data.
    pub(crate) fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.len {
            self.base += self.len as u64;
            self.pos = 0;
            self.len = 0;
            let n = match &mut self.src {
                Source::Plain(c) => c.read(&mut self.buf)?,
                Source::Gz(g) => {
                    // Positions only move forward: members wholly before this one are
                    // no longer needed (keeps the map small whatever the input).
                    g.prune(self.base);
                    g.read(&mut self.buf)?
                }
            };
            self.len = n;
        }
        Ok(&self.buf[self.pos..self.len])
    }

    pub(crate) fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.len);
    }

    /// Logical (decompressed) position of the next byte.
    pub(crate) fn logical(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Bytes left in a plain file after the next byte's position; `None` for gzip files (their
    /// decompressed length is not known in advance).
    pub(crate) fn plain_remaining(&self) -> Option<u64> {
        self.plain_len.map(|n| n.saturating_sub(self.logical()))
    }

    /// The position of the next byte, for [`rewind`](Self::rewind).
    pub(crate) fn spot(&self) -> Spot {
        let logical = self.logical();
        let member = match &self.src {
            Source::Plain(_) => None,
            Source::Gz(g) => g.span_at(logical).map(|(o, f)| (f, o)),
        };
        Spot { logical, member }
    }

    /// Goes back to `spot`: a plain file seeks there; a gzip file is decoded again from the
    /// start of the member holding it. An error leaves the stream unusable.
    pub(crate) fn rewind(&mut self, spot: Spot) -> io::Result<()> {
        self.pos = 0;
        self.len = 0;
        match (&mut self.src, spot.member) {
            (Source::Plain(c), _) => {
                c.seek_to(spot.logical)?;
                self.base = spot.logical;
                return Ok(());
            }
            (Source::Gz(g), Some((file, start))) => {
                g.restart(file, start)?;
                self.base = start;
            }
            (Source::Gz(_), None) => {
                return Err(io::Error::other(
                    "the gzip member to go back to is not known",
                ))
            }
        }
        while self.logical() < spot.logical {
            let n = self.fill_buf()?.len();
            if n == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let want = usize::try_from(spot.logical - self.logical()).unwrap_or(usize::MAX);
            self.consume(n.min(want));
        }
        Ok(())
    }

    /// File offset for the next byte: itself for plain files, or the start of the
    /// gzip member holding it. Forgets members before it.
    pub(crate) fn mark(&mut self) -> u64 {
        let logical = self.logical();
        match &mut self.src {
            Source::Plain(_) => logical,
            Source::Gz(g) => {
                g.prune(logical);
                g.member_at(logical)
            }
        }
    }

    /// File offset of the member being decoded (gzip), or the position (plain).
    pub(crate) fn current_member(&self) -> u64 {
        match &self.src {
            Source::Plain(_) => self.logical(),
            Source::Gz(g) => g.member_start,
        }
    }

    /// When everything buffered is consumed and the current gzip member has no more
    /// data, reads its end so that its CRC is checked now (an error if damaged).
    pub(crate) fn check_member_end(&mut self) -> io::Result<()> {
        if self.pos < self.len {
            return Ok(());
        }
        if let Source::Gz(g) = &mut self.src {
            self.base += self.len as u64;
            self.pos = 0;
            self.len = 0;
            self.len = g.read_in_member(&mut self.buf)?;
        }
        Ok(())
    }

    /// Reads (and discards) the rest of the gzip member starting at file offset
    /// `member`, so that its CRC is checked; gives up after `limit` bytes (a whole
    /// file compressed as one member). Plain files: nothing to do.
    pub(crate) fn drain_member(&mut self, member: u64, limit: u64) -> io::Result<()> {
        let mut seen = 0u64;
        loop {
            let Source::Gz(g) = &mut self.src else {
                return Ok(());
            };
            if g.member_start != member {
                // That member already ended (and was checked) when the next began.
                return Ok(());
            }
            seen += (self.len - self.pos) as u64;
            if seen > limit {
                return Ok(());
            }
            self.base += self.len as u64;
            self.pos = 0;
            self.len = 0;
            self.len = g.read_in_member(&mut self.buf)?;
            if self.len == 0 {
                return Ok(());
            }
        }
    }

    /// After a gzip decoding error: drops buffered data and continues at the next
    /// gzip member. Returns `Ok(false)` for plain files (nothing to resync to).
    pub(crate) fn resync(&mut self) -> io::Result<bool> {
        match &mut self.src {
            Source::Plain(_) => Ok(false),
            Source::Gz(g) => {
                self.base = g.out;
                self.pos = 0;
                self.len = 0;
                g.resync()?;
                Ok(true)
            }
        }
    }
}
