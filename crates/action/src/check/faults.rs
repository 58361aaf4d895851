//! What can be wrong with a package's zip structure: the typed faults [`super::layout`] finds.

use std::io;

/// A header field that must be the same in the local header and in the central directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The entry name.
    Name,
    /// The version needed to extract.
    VersionNeeded,
    /// The general-purpose flags.
    Flags,
    /// The compression method.
    Method,
    /// The modification time.
    Time,
    /// The modification date.
    Date,
    /// The CRC-32 of the content.
    Crc,
    /// The compressed size.
    CompressedSize,
    /// The size.
    Size,
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Field::Name => "name",
            Field::VersionNeeded => "version needed to extract",
            Field::Flags => "flags",
            Field::Method => "compression method",
            Field::Time => "modification time",
            Field::Date => "modification date",
            Field::Crc => "CRC-32",
            Field::CompressedSize => "compressed size",
            Field::Size => "size",
        })
    }
}

/// Something in the zip's structure that the package writer never produces, or that lets two
/// extractors write different files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZipFault {
    /// No end-of-central-directory record in the last 64 KiB.
    NoEnd,
    /// The end record's comment runs past the end of the file.
    EndCut,
    /// The end record has a comment.
    EndComment {
        /// Its length.
        len: u16,
    },
    /// Bytes after the end record.
    Trailing {
        /// How many.
        len: u64,
    },
    /// Another end record that also ends the file, which a reader could take for the real one.
    SecondEnd {
        /// Where it starts.
        offset: u64,
    },
    /// Zip64 records or fields.
    Zip64,
    /// Disk numbers other than 0, or an entry count per disk that is not the total.
    Disks,
    /// The central directory does not fill exactly the bytes before the end record.
    DirectoryBounds {
        /// Its stated offset.
        offset: u64,
        /// Its stated size.
        size: u64,
        /// Where the end record starts.
        end: u64,
    },
    /// A central directory larger than any package's.
    DirectoryTooLarge {
        /// Its stated size.
        size: u64,
    },
    /// No valid central directory header where the next one should be.
    CentralHeader {
        /// The offset.
        offset: u64,
    },
    /// Bytes after the last central directory header the end record counts.
    DirectoryLeftover {
        /// How many.
        len: u64,
    },
    /// No valid local header where the central directory points.
    LocalHeader {
        /// The offset.
        offset: u64,
    },
    /// The local header says something else than the central directory.
    Mismatch {
        /// The field that differs.
        field: Field,
    },
    /// Flags packages never use (encryption, data descriptor, …).
    Flags(u16),
    /// A compression method other than stored or deflated.
    Method(u16),
    /// A stored entry whose compressed size is not its size.
    StoredSizes {
        /// Compressed size.
        compressed: u64,
        /// Size.
        size: u64,
    },
    /// Extra fields, which can give an entry another name, sizes or times.
    ExtraField {
        /// In the local header (else in the central directory).
        local: bool,
        /// Their length.
        len: u16,
    },
    /// A comment on an entry.
    EntryComment,
    /// A name that is not UTF-8, or is non-ASCII without the UTF-8 flag (read as CP437 then).
    NameEncoding,
    /// A directory, link, device or executable rather than a plain file.
    NotPlainFile {
        /// The external attributes.
        attributes: u32,
    },
    /// The entry's data runs into the central directory.
    PastDirectory,
    /// Bytes before the central directory that are in no entry it lists; streaming readers see
    /// them (and extract them when they hold a local header).
    Outside {
        /// Where they start.
        offset: u64,
        /// How many.
        len: u64,
        /// The name in the local header found there, if any.
        local_header: Option<String>,
    },
    /// The entry's local header lies inside another entry.
    Overlap {
        /// Its offset.
        offset: u64,
        /// The other entry.
        with: String,
    },
}

impl std::fmt::Display for ZipFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use ZipFault::*;
        const END: &str = "the end-of-central-directory record";
        match self {
            NoEnd => write!(f, "no end-of-central-directory record ends the file"),
            EndCut => write!(f, "{END} runs past the end of the file"),
            EndComment { len } => write!(f, "{END} has a {len}-byte comment"),
            Trailing { len } => write!(f, "{len} bytes after {END}"),
            SecondEnd { offset } => write!(
                f,
                "a second end-of-central-directory record at offset {offset}, which a reader \
                 could take instead"
            ),
            Zip64 => write!(f, "zip64 records or fields, which packages never have"),
            Disks => write!(f, "disk numbers of a multi-disk archive"),
            DirectoryBounds { offset, size, end } => write!(
                f,
                "the central directory (offset {offset}, {size} bytes) does not end where \
                 {END} starts ({end})"
            ),
            DirectoryTooLarge { size } => write!(f, "a central directory of {size} bytes"),
            CentralHeader { offset } => {
                write!(f, "no valid central directory header at offset {offset}")
            }
            DirectoryLeftover { len } => {
                write!(f, "{len} bytes after the last central directory header")
            }
            Outside {
                offset,
                len,
                local_header,
            } => {
                write!(f, "{len} bytes at offset {offset} are in no listed entry")?;
                match local_header {
                    Some(n) => write!(f, "; a streaming reader extracts the {n:?} they hold"),
                    None => Ok(()),
                }
            }
            _ => self.fmt_entry(f),
        }
    }
}

impl ZipFault {
    /// The faults of one entry.
    fn fmt_entry(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use ZipFault::*;
        match self {
            LocalHeader { offset } => write!(f, "no valid local header at offset {offset}"),
            Mismatch { field } => {
                write!(
                    f,
                    "the local header's {field} is not the central directory's"
                )
            }
            Flags(x) => write!(f, "flags {x:#06x} (encryption, data descriptor, …)"),
            Method(m) => write!(f, "compression method {m}, not stored or deflated"),
            StoredSizes { compressed, size } => {
                write!(f, "stored, but {compressed} bytes compressed for {size}")
            }
            ExtraField { local, len } => write!(
                f,
                "{len} bytes of extra fields in the {}, which can rename the entry",
                if *local {
                    "local header"
                } else {
                    "central directory"
                }
            ),
            EntryComment => write!(f, "an entry comment"),
            NameEncoding => write!(f, "the name is not UTF-8, or not flagged as UTF-8"),
            NotPlainFile { attributes } => {
                write!(f, "not a plain, non-executable file ({attributes:#010x})")
            }
            PastDirectory => write!(f, "its data runs into the central directory"),
            Overlap { offset, with } => {
                write!(f, "its local header at offset {offset} lies inside {with}")
            }
            _ => write!(f, "{self:?}"),
        }
    }
}

/// Why an entry's content could not be read as the zip describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataFault {
    /// Its data cannot be located or has an unknown method (see the structure problems).
    Unreadable,
    /// The deflate stream is invalid.
    Damaged,
    /// The compressed data ends before the deflate stream does.
    Truncated,
    /// The deflate stream ends before the compressed size.
    Trailing {
        /// Bytes left over.
        len: u64,
    },
    /// More content than the stated size.
    Longer {
        /// The stated size.
        stated: u64,
    },
    /// Another size than stated.
    Size {
        /// Found.
        found: u64,
        /// Stated.
        stated: u64,
    },
    /// Another CRC-32 than stated.
    Crc {
        /// Found.
        found: u32,
        /// Stated.
        stated: u32,
    },
    /// Larger than the limit for manifest and signature.
    TooLarge {
        /// The limit.
        limit: u64,
    },
    /// Reading failed.
    Io(io::ErrorKind),
}

impl std::fmt::Display for DataFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DataFault::Unreadable => write!(f, "unreadable: see the zip structure problems"),
            DataFault::Damaged => write!(f, "unreadable: the deflate stream is damaged"),
            DataFault::Truncated => {
                write!(f, "unreadable: the data ends before the deflate stream")
            }
            DataFault::Trailing { len } => write!(
                f,
                "the deflate stream ends {len} bytes before the compressed size"
            ),
            DataFault::Longer { stated } => {
                write!(f, "more than the {stated} bytes the zip states")
            }
            DataFault::Size { found, stated } => {
                write!(f, "{found} bytes, the zip states {stated}")
            }
            DataFault::Crc { found, stated } => {
                write!(f, "CRC-32 {found:08x}, the zip states {stated:08x}")
            }
            DataFault::TooLarge { limit } => write!(f, "larger than {limit} bytes"),
            DataFault::Io(k) => write!(f, "unreadable: {k}"),
        }
    }
}
