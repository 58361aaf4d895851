//! Strict reading of a package's zip structure, so that the check hashes exactly the bytes every
//! extractor writes: readers that follow the central directory (`unzip`, most libraries) and
//! streaming readers that walk the local headers from the start of the file (`jar x`,
//! `ZipInputStream`, `bsdtar` on a pipe).
//!
//! Only what the package writer produces is accepted: one end record that ends the file, without
//! comment, zip64 or disks; a central directory that fills exactly the bytes between its stated
//! offset and the end record; local headers that repeat the central directory's name, version,
//! flags, method, time, CRC-32 and sizes, without extra fields, data descriptors or encryption;
//! plain stored or deflated files; and entries that tile the file from offset 0 up to the
//! central directory, so that no byte lies outside the entries the central directory lists.
//! Entry data must decompress to exactly the stated size and CRC-32, the deflate stream ending
//! exactly at the compressed size.

use std::io::{self, Read, Seek, SeekFrom};

use sha2::Digest;

pub use super::faults::{DataFault, Field, ZipFault};

const END_SIG: u32 = 0x0605_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const LOCAL_SIG: u32 = 0x0403_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const END_LEN: u64 = 22;
const CENTRAL_LEN: usize = 46;
const LOCAL_LEN: u64 = 30;
const ZIP64_LOCATOR_LEN: u64 = 20;
const MAX_COMMENT: u64 = 0xFFFF;
/// The largest central directory read.
const MAX_DIRECTORY: u64 = 64 << 20;
/// Flags allowed: bits 1–2 (deflate level, informative only) and 11 (UTF-8 name).
const ALLOWED_FLAGS: u16 = 0x0806;
const UTF8_FLAG: u16 = 0x0800;
const STORED: u16 = 0;
const DEFLATED: u16 = 8;
const CHUNK: usize = 1 << 16;

/// One entry of the central directory.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// The name (lossily decoded when not UTF-8; that is a fault).
    pub name: String,
    method: u16,
    crc: u32,
    compressed: u64,
    size: u64,
    /// The local header's offset.
    offset: u64,
    /// The data's offset, when the local header is valid and the data lies before the
    /// central directory.
    data: Option<u64>,
}

/// A fault and the entry it concerns.
#[derive(Debug, Clone)]
pub(crate) struct Fault {
    pub entry: Option<String>,
    pub fault: ZipFault,
}

/// What [`read`] found.
pub(crate) struct Layout {
    /// The central directory's entries, in its order.
    pub entries: Vec<Entry>,
    pub faults: Vec<Fault>,
    /// False when the structure could not be read at all (`entries` is then empty).
    pub readable: bool,
}

enum Stop {
    Io(io::Error),
    Fatal(ZipFault),
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Self {
        Stop::Io(e)
    }
}

/// Reads the structure of the zip; errors are I/O errors only.
pub(crate) fn read<R: Read + Seek>(r: &mut R) -> io::Result<Layout> {
    let mut faults = Vec::new();
    match scan(r, &mut faults) {
        Ok(entries) => Ok(Layout {
            entries,
            faults,
            readable: true,
        }),
        Err(Stop::Fatal(fault)) => {
            faults.push(Fault { entry: None, fault });
            Ok(Layout {
                entries: Vec::new(),
                faults,
                readable: false,
            })
        }
        Err(Stop::Io(e)) => Err(e),
    }
}

fn scan<R: Read + Seek>(r: &mut R, faults: &mut Vec<Fault>) -> Result<Vec<Entry>, Stop> {
    let len = r.seek(SeekFrom::End(0))?;
    let end = end_record(r, len, faults)?;
    let dir = read_at(r, end.dir_offset, end.dir_size)?;
    let centrals = walk_directory(&dir, &end, faults)?;
    let mut entries = Vec::with_capacity(centrals.len());
    for c in &centrals {
        entries.push(locate(r, len, end.dir_offset, c, faults)?);
    }
    tile(r, &entries, end.dir_offset, faults)?;
    Ok(entries)
}

fn u16_at(b: &[u8], i: usize) -> u16 {
    u16::from_le_bytes([b[i], b[i + 1]])
}

fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}

/// `n` bytes at `offset`; the caller has checked they lie inside the file.
fn read_at<R: Read + Seek>(r: &mut R, offset: u64, n: u64) -> io::Result<Vec<u8>> {
    r.seek(SeekFrom::Start(offset))?;
    let mut b = vec![0u8; n as usize];
    r.read_exact(&mut b)?;
    Ok(b)
}

/// The end-of-central-directory record.
struct End {
    offset: u64,
    dir_offset: u64,
    dir_size: u64,
    count: u16,
}

/// Finds the end record the way readers do (the last signature in the last 64 KiB) and
/// refuses anything around it: comment, trailing bytes, a second record, zip64, disks.
fn end_record<R: Read + Seek>(r: &mut R, len: u64, faults: &mut Vec<Fault>) -> Result<End, Stop> {
    let tail_start = len.saturating_sub(END_LEN + MAX_COMMENT);
    let tail = read_at(r, tail_start, len - tail_start)?;
    let is_end = |i: usize| i + END_LEN as usize <= tail.len() && u32_at(&tail, i) == END_SIG;
    let p = (0..tail.len())
        .rev()
        .find(|&i| is_end(i))
        .ok_or(Stop::Fatal(ZipFault::NoEnd))?;
    let ends_file =
        |i: usize| i + END_LEN as usize + usize::from(u16_at(&tail, i + 20)) == tail.len();
    let comment = u16_at(&tail, p + 20);
    let stop = (p + END_LEN as usize + usize::from(comment)) as u64 + tail_start;
    let mut push = |fault| faults.push(Fault { entry: None, fault });
    if stop > len {
        return Err(Stop::Fatal(ZipFault::EndCut));
    }
    if comment > 0 {
        push(ZipFault::EndComment { len: comment });
    }
    if stop < len {
        push(ZipFault::Trailing { len: len - stop });
    }
    for q in (0..p).filter(|&q| is_end(q) && ends_file(q)) {
        push(ZipFault::SecondEnd {
            offset: tail_start + q as u64,
        });
    }
    let end = End {
        offset: tail_start + p as u64,
        dir_offset: u64::from(u32_at(&tail, p + 16)),
        dir_size: u64::from(u32_at(&tail, p + 12)),
        count: u16_at(&tail, p + 10),
    };
    check_end_fields(r, &tail[p..p + END_LEN as usize], &end)?;
    if end.dir_offset + end.dir_size < end.offset {
        push(directory_bounds(&end));
    }
    Ok(end)
}

fn directory_bounds(end: &End) -> ZipFault {
    ZipFault::DirectoryBounds {
        offset: end.dir_offset,
        size: end.dir_size,
        end: end.offset,
    }
}

/// Zip64, disks and a directory that cannot fit: the structure cannot be read then.
fn check_end_fields<R: Read + Seek>(r: &mut R, rec: &[u8], end: &End) -> Result<(), Stop> {
    let locator = end.offset >= ZIP64_LOCATOR_LEN
        && u32_at(&read_at(r, end.offset - ZIP64_LOCATOR_LEN, 4)?, 0) == ZIP64_LOCATOR_SIG;
    let (disk, dir_disk, here, total) = (u16_at(rec, 4), u16_at(rec, 6), u16_at(rec, 8), end.count);
    if locator || total == u16::MAX || u32_at(rec, 12) == u32::MAX || u32_at(rec, 16) == u32::MAX {
        return Err(Stop::Fatal(ZipFault::Zip64));
    }
    if disk != 0 || dir_disk != 0 || here != total {
        return Err(Stop::Fatal(ZipFault::Disks));
    }
    if end.dir_offset + end.dir_size > end.offset {
        return Err(Stop::Fatal(directory_bounds(end)));
    }
    if end.dir_size > MAX_DIRECTORY {
        return Err(Stop::Fatal(ZipFault::DirectoryTooLarge {
            size: end.dir_size,
        }));
    }
    Ok(())
}

/// What a central directory header says.
struct Central {
    version: u16,
    flags: u16,
    method: u16,
    time: u16,
    date: u16,
    crc: u32,
    compressed: u32,
    size: u32,
    name: Vec<u8>,
    extra_len: u16,
    comment_len: u16,
    disk: u16,
    external: u32,
    local: u32,
}

/// The central header at `pos` of the directory and its total length.
fn central_at(dir: &[u8], pos: usize) -> Option<(Central, usize)> {
    let h = dir.get(pos..pos + CENTRAL_LEN)?;
    if u32_at(h, 0) != CENTRAL_SIG {
        return None;
    }
    let (n, e, c) = (u16_at(h, 28), u16_at(h, 30), u16_at(h, 32));
    let name = dir.get(pos + CENTRAL_LEN..pos + CENTRAL_LEN + usize::from(n))?;
    let total = CENTRAL_LEN + usize::from(n) + usize::from(e) + usize::from(c);
    dir.get(pos..pos + total)?;
    let central = Central {
        version: u16_at(h, 6),
        flags: u16_at(h, 8),
        method: u16_at(h, 10),
        time: u16_at(h, 12),
        date: u16_at(h, 14),
        crc: u32_at(h, 16),
        compressed: u32_at(h, 20),
        size: u32_at(h, 24),
        name: name.to_vec(),
        extra_len: e,
        comment_len: c,
        disk: u16_at(h, 34),
        external: u32_at(h, 38),
        local: u32_at(h, 42),
    };
    Some((central, total))
}

/// The headers the end record counts; nothing may follow them.
fn walk_directory(dir: &[u8], end: &End, faults: &mut Vec<Fault>) -> Result<Vec<Central>, Stop> {
    let mut pos = 0;
    let mut out = Vec::with_capacity(usize::from(end.count));
    for _ in 0..end.count {
        let offset = end.dir_offset + pos as u64;
        let (c, n) = central_at(dir, pos).ok_or(Stop::Fatal(ZipFault::CentralHeader { offset }))?;
        out.push(c);
        pos += n;
    }
    if pos < dir.len() {
        faults.push(Fault {
            entry: None,
            fault: ZipFault::DirectoryLeftover {
                len: (dir.len() - pos) as u64,
            },
        });
    }
    Ok(out)
}

/// The name, and whether every extractor decodes it the same way.
fn decode_name(raw: &[u8], flags: u16) -> (String, bool) {
    match std::str::from_utf8(raw) {
        Ok(s) => (s.to_string(), s.is_ascii() || flags & UTF8_FLAG != 0),
        Err(_) => (String::from_utf8_lossy(raw).into_owned(), false),
    }
}

/// A regular file without execute, set-id or sticky bits (Unix mode in the high half, as
/// `unzip` reads it from most hosts), not a directory or volume label (MS-DOS attributes).
fn plain_file(external: u32) -> bool {
    let mode = external >> 16;
    let dos_ok = external & 0x18 == 0;
    dos_ok && (mode == 0 || (mode & 0o170000 == 0o100000 && mode & 0o7111 == 0))
}

/// Faults of a central directory header by itself.
fn central_faults(c: &Central, name_ok: bool) -> Vec<ZipFault> {
    let mut f = Vec::new();
    if c.flags & !ALLOWED_FLAGS != 0 {
        f.push(ZipFault::Flags(c.flags));
    }
    if c.method != STORED && c.method != DEFLATED {
        f.push(ZipFault::Method(c.method));
    }
    if c.method == STORED && c.compressed != c.size {
        f.push(ZipFault::StoredSizes {
            compressed: c.compressed.into(),
            size: c.size.into(),
        });
    }
    if [c.compressed, c.size, c.local].contains(&u32::MAX) || c.disk == u16::MAX {
        f.push(ZipFault::Zip64);
    } else if c.disk != 0 {
        f.push(ZipFault::Disks);
    }
    if c.extra_len != 0 {
        f.push(ZipFault::ExtraField {
            local: false,
            len: c.extra_len,
        });
    }
    if c.comment_len != 0 {
        f.push(ZipFault::EntryComment);
    }
    if !plain_file(c.external) {
        f.push(ZipFault::NotPlainFile {
            attributes: c.external,
        });
    }
    if !name_ok {
        f.push(ZipFault::NameEncoding);
    }
    f
}

/// What a local header says.
struct Local {
    version: u16,
    flags: u16,
    method: u16,
    time: u16,
    date: u16,
    crc: u32,
    compressed: u32,
    size: u32,
    name: Vec<u8>,
    extra_len: u16,
}

/// The local header at `offset`, if there is a complete one.
fn local_at<R: Read + Seek>(r: &mut R, len: u64, offset: u64) -> io::Result<Option<Local>> {
    if offset + LOCAL_LEN > len {
        return Ok(None);
    }
    let h = read_at(r, offset, LOCAL_LEN)?;
    if u32_at(&h, 0) != LOCAL_SIG {
        return Ok(None);
    }
    let (n, e) = (u16_at(&h, 26), u16_at(&h, 28));
    if offset + LOCAL_LEN + u64::from(n) + u64::from(e) > len {
        return Ok(None);
    }
    Ok(Some(Local {
        version: u16_at(&h, 4),
        flags: u16_at(&h, 6),
        method: u16_at(&h, 8),
        time: u16_at(&h, 10),
        date: u16_at(&h, 12),
        crc: u32_at(&h, 14),
        compressed: u32_at(&h, 18),
        size: u32_at(&h, 22),
        name: read_at(r, offset + LOCAL_LEN, n.into())?,
        extra_len: e,
    }))
}

/// The fields in which the local header differs from the central directory.
fn mismatches(c: &Central, l: &Local) -> Vec<Field> {
    [
        (c.name == l.name, Field::Name),
        (c.version == l.version, Field::VersionNeeded),
        (c.flags == l.flags, Field::Flags),
        (c.method == l.method, Field::Method),
        (c.time == l.time, Field::Time),
        (c.date == l.date, Field::Date),
        (c.crc == l.crc, Field::Crc),
        (c.compressed == l.compressed, Field::CompressedSize),
        (c.size == l.size, Field::Size),
    ]
    .into_iter()
    .filter(|(same, _)| !same)
    .map(|(_, field)| field)
    .collect()
}

/// Reads the entry's local header, compares it with the central directory, and locates the data.
fn locate<R: Read + Seek>(
    r: &mut R,
    len: u64,
    dir_offset: u64,
    c: &Central,
    faults: &mut Vec<Fault>,
) -> Result<Entry, Stop> {
    let (name, name_ok) = decode_name(&c.name, c.flags);
    let mut push = |fault| {
        faults.push(Fault {
            entry: Some(name.clone()),
            fault,
        })
    };
    central_faults(c, name_ok).into_iter().for_each(&mut push);
    let offset = u64::from(c.local);
    let data = match local_at(r, len, offset)? {
        None => {
            push(ZipFault::LocalHeader { offset });
            None
        }
        Some(l) => {
            for field in mismatches(c, &l) {
                push(ZipFault::Mismatch { field });
            }
            if l.extra_len != 0 {
                push(ZipFault::ExtraField {
                    local: true,
                    len: l.extra_len,
                });
            }
            let start = offset + LOCAL_LEN + l.name.len() as u64 + u64::from(l.extra_len);
            if start + u64::from(c.compressed) > dir_offset {
                push(ZipFault::PastDirectory);
                None
            } else {
                Some(start)
            }
        }
    };
    Ok(Entry {
        name,
        method: c.method,
        crc: c.crc,
        compressed: c.compressed.into(),
        size: c.size.into(),
        offset,
        data,
    })
}

/// Local headers and data must tile the file from 0 to the central directory: no gap (where a
/// streaming reader would find bytes or a whole entry the central directory does not list), no
/// overlap.
fn tile<R: Read + Seek>(
    r: &mut R,
    entries: &[Entry],
    dir_offset: u64,
    faults: &mut Vec<Fault>,
) -> Result<(), Stop> {
    let mut spans: Vec<(u64, u64, &str)> = entries
        .iter()
        .filter_map(|e| {
            e.data
                .map(|d| (e.offset, d + e.compressed, e.name.as_str()))
        })
        .collect();
    spans.sort_by_key(|s| s.0);
    let (mut at, mut last) = (0u64, "");
    for (start, end, name) in spans {
        if start > at {
            outside(r, at, start, faults)?;
        } else if start < at {
            faults.push(Fault {
                entry: Some(name.to_string()),
                fault: ZipFault::Overlap {
                    offset: start,
                    with: last.to_string(),
                },
            });
        }
        if end > at {
            (at, last) = (end, name);
        }
    }
    if at < dir_offset {
        outside(r, at, dir_offset, faults)?;
    }
    Ok(())
}

fn outside<R: Read + Seek>(
    r: &mut R,
    from: u64,
    to: u64,
    faults: &mut Vec<Fault>,
) -> Result<(), Stop> {
    let local_header =
        local_at(r, to, from)?.map(|l| String::from_utf8_lossy(&l.name).into_owned());
    faults.push(Fault {
        entry: None,
        fault: ZipFault::Outside {
            offset: from,
            len: to - from,
            local_header,
        },
    });
    Ok(())
}

/// An entry's content as every extractor writes it.
pub(crate) struct Content {
    /// The bytes, when asked to keep them.
    pub kept: Vec<u8>,
    /// SHA-256, lower-case hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// Hashes and counts the content, refusing more than the zip states, keeping it up to a limit.
struct Sink {
    sha: sha2::Sha256,
    crc: flate2::Crc,
    size: u64,
    stated: u64,
    keep: Option<u64>,
    kept: Vec<u8>,
}

impl Sink {
    fn take(&mut self, b: &[u8]) -> Result<(), DataFault> {
        self.size += b.len() as u64;
        if self.size > self.stated {
            return Err(DataFault::Longer {
                stated: self.stated,
            });
        }
        if let Some(limit) = self.keep {
            if self.size > limit {
                return Err(DataFault::TooLarge { limit });
            }
            self.kept.extend_from_slice(b);
        }
        self.sha.update(b);
        self.crc.update(b);
        Ok(())
    }

    fn finish(self, crc: u32) -> Result<Content, DataFault> {
        if self.size != self.stated {
            return Err(DataFault::Size {
                found: self.size,
                stated: self.stated,
            });
        }
        if self.crc.sum() != crc {
            return Err(DataFault::Crc {
                found: self.crc.sum(),
                stated: crc,
            });
        }
        Ok(Content {
            kept: self.kept,
            sha256: crate::hex(&self.sha.finalize()),
            size: self.size,
        })
    }
}

fn io_fault(e: io::Error) -> DataFault {
    DataFault::Io(e.kind())
}

/// Reads, decompresses and hashes an entry's content, keeping it when `keep` (a size limit) is
/// given; checks its size and CRC-32 against the zip's.
pub(crate) fn read_data<R: Read + Seek>(
    r: &mut R,
    e: &Entry,
    keep: Option<u64>,
) -> Result<Content, DataFault> {
    let start = e.data.ok_or(DataFault::Unreadable)?;
    r.seek(SeekFrom::Start(start)).map_err(io_fault)?;
    let mut src = r.take(e.compressed);
    let mut sink = Sink {
        sha: sha2::Sha256::new(),
        crc: flate2::Crc::new(),
        size: 0,
        stated: e.size,
        keep,
        kept: Vec::new(),
    };
    match e.method {
        STORED => copy(&mut src, &mut sink)?,
        DEFLATED => inflate(&mut src, e.compressed, &mut sink)?,
        _ => return Err(DataFault::Unreadable),
    }
    sink.finish(e.crc)
}

fn copy<R: Read>(src: &mut R, sink: &mut Sink) -> Result<(), DataFault> {
    let mut buf = vec![0u8; CHUNK];
    loop {
        match src.read(&mut buf).map_err(io_fault)? {
            0 => return Ok(()),
            n => sink.take(&buf[..n])?,
        }
    }
}

/// Inflates raw deflate data, which must end exactly at the compressed size.
fn inflate<R: Read>(src: &mut R, compressed: u64, sink: &mut Sink) -> Result<(), DataFault> {
    use flate2::{Decompress, FlushDecompress, Status};
    let mut z = Decompress::new(false);
    let (mut input, mut out) = (vec![0u8; CHUNK], vec![0u8; CHUNK]);
    let (mut pos, mut have) = (0usize, 0usize);
    loop {
        if pos == have {
            (pos, have) = (0, src.read(&mut input).map_err(io_fault)?);
        }
        let (in0, out0) = (z.total_in(), z.total_out());
        let status = z
            .decompress(&input[pos..have], &mut out, FlushDecompress::None)
            .map_err(|_| DataFault::Damaged)?;
        let (used, made) = (
            (z.total_in() - in0) as usize,
            (z.total_out() - out0) as usize,
        );
        pos += used;
        sink.take(&out[..made])?;
        match status {
            Status::StreamEnd => break,
            _ if used == 0 && made == 0 && have == 0 => return Err(DataFault::Truncated),
            _ if used == 0 && made == 0 && pos < have => return Err(DataFault::Damaged),
            _ => {}
        }
    }
    match compressed - z.total_in() {
        0 => Ok(()),
        len => Err(DataFault::Trailing { len }),
    }
}
