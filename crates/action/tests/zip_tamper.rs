//! Tampered evidence packages whose zip structure lets two extractors write different files (or
//! the checker hash other bytes than they write) are refused, each with a typed reason naming the
//! entry: duplicate names (also up to case or Unicode normalisation), local headers that disagree
//! with the central directory, entries the central directory does not list (seen by streaming
//! readers), bytes before, between or after the entries, comments, extra fields, links, zip64.
//! The zips are crafted here byte by byte from a package made by the project's writer; the
//! untampered rebuild checks clean, so each refusal is due to the one change made.

mod common;

use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::process::Command;

use ed25519_dalek::SigningKey;
use wildwatch_action::check::{check, Alteration, DataFault, Field, Problem, ZipFault};
use wildwatch_action::{keys, package};

const UTF8: u16 = 0x0800;
const REGULAR_0644: u32 = 0o100644 << 16;

/// A package made by the project's writer, the signer's public key, and its files in order.
struct Package {
    zip: Vec<u8>,
    key: String,
    files: Vec<(String, Vec<u8>)>,
    /// The entry the tests alter: `ads/ID/versions.txt`.
    target: String,
}

fn package() -> Package {
    let w = common::world();
    let key = SigningKey::from_bytes(&[7; 32]);
    let mut out = Cursor::new(Vec::new());
    package::build(
        &w.store,
        &w.evidence,
        &[w.parrot],
        &key,
        common::T0 + 90_000,
        &mut out,
    )
    .unwrap();
    let zip = out.into_inner();
    let files = read_central(&zip);
    Package {
        zip,
        key: keys::public_hex(&key),
        files,
        target: format!("ads/{}/versions.txt", w.parrot),
    }
}

/// Entries as the zip crate reads them through the central directory.
fn read_central(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            (f.name().unwrap().to_string(), b)
        })
        .collect()
}

/// Entries as the zip crate's streaming reader reads them, from the first local header on.
fn read_streaming(zip: &[u8]) -> zip::result::ZipResult<Vec<(String, Vec<u8>)>> {
    let mut r = Cursor::new(zip);
    let mut out = Vec::new();
    while let Some(mut f) = zip::read::read_zipfile_from_stream(&mut r)? {
        let mut b = Vec::new();
        f.read_to_end(&mut b)?;
        out.push((f.name()?.to_string(), b));
    }
    Ok(out)
}

/// One entry as written: name, (compressed) data and the header fields.
#[derive(Clone)]
struct Raw {
    name: Vec<u8>,
    data: Vec<u8>,
    method: u16,
    flags: u16,
    crc: u32,
    size: u32,
    external: u32,
    extra: Vec<u8>,
    comment: Vec<u8>,
}

impl Raw {
    fn deflated(name: &str, content: &[u8]) -> Raw {
        let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::new(6));
        enc.write_all(content).unwrap();
        Raw {
            data: enc.finish().unwrap(),
            method: 8,
            ..Raw::stored(name, content)
        }
    }

    fn stored(name: &str, content: &[u8]) -> Raw {
        let mut crc = flate2::Crc::new();
        crc.update(content);
        Raw {
            name: name.as_bytes().to_vec(),
            data: content.to_vec(),
            method: 0,
            flags: if name.is_ascii() { 0 } else { UTF8 },
            crc: crc.sum(),
            size: content.len() as u32,
            external: REGULAR_0644,
            extra: Vec::new(),
            comment: Vec::new(),
        }
    }

    /// The fields local and central headers share, from "version needed" to the extra length.
    fn common(&self) -> Vec<u8> {
        let mut h = Vec::new();
        h.extend(20u16.to_le_bytes());
        h.extend(self.flags.to_le_bytes());
        h.extend(self.method.to_le_bytes());
        h.extend(0x6000u16.to_le_bytes()); // 12:00
        h.extend(0x5b35u16.to_le_bytes()); // 2025-09-21
        h.extend(self.crc.to_le_bytes());
        h.extend((self.data.len() as u32).to_le_bytes());
        h.extend(self.size.to_le_bytes());
        h.extend((self.name.len() as u16).to_le_bytes());
        h.extend((self.extra.len() as u16).to_le_bytes());
        h
    }
}

/// Writes local entries and central directory headers in any order the test wants.
#[derive(Default)]
struct Builder {
    out: Vec<u8>,
    dir: Vec<u8>,
    count: u16,
    /// Local header offset of each listed entry, by name.
    offsets: Vec<(String, usize)>,
}

impl Builder {
    /// Appends a local header and data; returns its offset.
    fn local(&mut self, e: &Raw) -> usize {
        let at = self.out.len();
        self.out.extend(0x0403_4b50u32.to_le_bytes());
        self.out.extend(e.common());
        self.out.extend(&e.name);
        self.out.extend(&e.extra);
        self.out.extend(&e.data);
        at
    }

    /// Lists an entry in the central directory, its local header at `offset`.
    fn list(&mut self, e: &Raw, offset: usize) {
        self.dir.extend(0x0201_4b50u32.to_le_bytes());
        self.dir.extend(0x031eu16.to_le_bytes()); // made by Unix, 3.0
        self.dir.extend(e.common());
        self.dir.extend((e.comment.len() as u16).to_le_bytes());
        self.dir.extend([0, 0, 0, 0]); // disk, internal attributes
        self.dir.extend(e.external.to_le_bytes());
        self.dir.extend((offset as u32).to_le_bytes());
        self.dir.extend(&e.name);
        self.dir.extend(&e.extra);
        self.dir.extend(&e.comment);
        self.count += 1;
        let name = String::from_utf8_lossy(&e.name).into_owned();
        self.offsets.push((name, offset));
    }

    fn add(&mut self, e: &Raw) {
        let at = self.local(e);
        self.list(e, at);
    }

    fn offset(&self, name: &str) -> usize {
        self.offsets.iter().find(|(n, _)| n == name).unwrap().1
    }

    fn finish(&self) -> Vec<u8> {
        let mut z = self.out.clone();
        let dir_offset = z.len() as u32;
        z.extend(&self.dir);
        z.extend(0x0605_4b50u32.to_le_bytes());
        z.extend([0, 0, 0, 0]);
        z.extend(self.count.to_le_bytes());
        z.extend(self.count.to_le_bytes());
        z.extend((self.dir.len() as u32).to_le_bytes());
        z.extend(dir_offset.to_le_bytes());
        z.extend([0, 0]);
        z
    }
}

impl Package {
    fn raws(&self) -> Vec<Raw> {
        self.files
            .iter()
            .map(|(n, b)| Raw::deflated(n, b))
            .collect()
    }

    /// The target's content with one bit changed.
    fn altered_content(&self) -> Vec<u8> {
        let mut b = self.content(&self.target).to_vec();
        b[20] ^= 0x01;
        b
    }

    fn altered(&self) -> Raw {
        Raw::deflated(&self.target, &self.altered_content())
    }

    fn content(&self, name: &str) -> &[u8] {
        &self.files.iter().find(|(n, _)| n == name).unwrap().1
    }

    /// The package rebuilt by [`Builder`], with `edit` applied to the entries first.
    fn rebuilt(&self, edit: impl FnOnce(&mut Vec<Raw>)) -> (Vec<u8>, Builder) {
        let mut raws = self.raws();
        edit(&mut raws);
        let mut b = Builder::default();
        for r in &raws {
            b.add(r);
        }
        (b.finish(), b)
    }

    /// The package rebuilt with every entry stored.
    fn stored(&self) -> Vec<u8> {
        let mut b = Builder::default();
        for (n, c) in &self.files {
            b.add(&Raw::stored(n, c));
        }
        b.finish()
    }

    fn problems(&self, zip: &[u8]) -> Vec<Problem> {
        dump(zip);
        let r = check(Cursor::new(zip), Some(&self.key)).unwrap();
        assert!(!r.is_ok(), "a tampered package checked OK");
        r.problems
    }

    fn assert_clean(&self, zip: &[u8]) {
        dump(zip);
        let r = check(Cursor::new(zip), Some(&self.key)).unwrap();
        assert!(r.is_ok(), "{:?}", r.problems);
        assert_eq!(r.files_ok, r.manifest.unwrap().files.len());
    }
}

/// With `WILDWATCH_DUMP_ZIPS=DIR`, writes each zip checked into DIR (a fuzzing seed corpus).
fn dump(zip: &[u8]) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    if let Some(dir) = std::env::var_os("WILDWATCH_DUMP_ZIPS") {
        let test = std::thread::current().name().unwrap_or("zip").to_string();
        let n = N.fetch_add(1, Ordering::Relaxed);
        let path = Path::new(&dir).join(format!("{test}-{n:03}.zip"));
        std::fs::write(&path, zip).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

fn zip_fault(entry: Option<&str>, fault: ZipFault) -> Problem {
    Problem::Zip {
        entry: entry.map(String::from),
        fault,
    }
}

fn assert_has(problems: &[Problem], want: &Problem) {
    assert!(problems.contains(want), "no {want:?} in {problems:#?}");
}

/// Whether `tool` runs here; says so when it does not.
fn available(tool: &str, arg: &str) -> bool {
    let ok = Command::new(tool)
        .arg(arg)
        .output()
        .map(|o| o.status.success() || !o.stdout.is_empty() || !o.stderr.is_empty())
        .unwrap_or(false);
    if !ok {
        eprintln!("{tool} not found: skipping the comparison with it");
    }
    ok
}

/// The content `tool` (run in a fresh folder holding `zip.zip`, also on its standard input)
/// wrote for `name`.
fn extracted_by(zip: &[u8], tool: &mut Command, name: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zip.zip");
    std::fs::write(&path, zip).unwrap();
    let stdin = std::fs::File::open(&path).unwrap();
    let out = tool.current_dir(dir.path()).stdin(stdin).output().unwrap();
    let path = dir.path().join(name);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}\n{}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn the_writers_package_and_its_byte_for_byte_rebuild_check_clean() {
    let p = package();
    p.assert_clean(&p.zip);
    let (zip, _) = p.rebuilt(|_| {});
    p.assert_clean(&zip);
    p.assert_clean(&p.stored());
    assert_eq!(read_streaming(&p.zip).unwrap(), p.files);
}

#[test]
fn a_duplicate_name_with_the_altered_copy_first_is_refused() {
    let p = package();
    let (zip, _) = p.rebuilt(|raws| raws.insert(0, p.altered()));
    if available("unzip", "-v") {
        // What the tamperer counts on: `unzip -n` keeps the first copy, the altered one.
        let got = extracted_by(
            &zip,
            Command::new("unzip").args(["-n", "-q", "zip.zip"]),
            &p.target,
        );
        assert_eq!(got, p.altered_content());
    }
    let problems = p.problems(&zip);
    assert_has(
        &problems,
        &Problem::Duplicate {
            name: p.target.clone(),
            first: p.target.clone(),
        },
    );
    assert!(
        problems.iter().any(|x| matches!(x,
            Problem::Altered { path, why: Alteration::Hash { .. } } if *path == p.target)),
        "{problems:#?}"
    );
    assert!(problems
        .iter()
        .any(|x| x.to_string() == format!("entry {} appears more than once", p.target)));
}

#[test]
fn names_differing_only_in_case_are_duplicates() {
    let p = package();
    let upper = p.target.replace("versions", "VERSIONS");
    let (zip, _) = p.rebuilt(|raws| {
        let mut r = p.altered();
        r.name = upper.clone().into_bytes();
        raws.push(r);
    });
    let problems = p.problems(&zip);
    assert_has(
        &problems,
        &Problem::Duplicate {
            name: upper.clone(),
            first: p.target.clone(),
        },
    );
}

#[test]
fn names_differing_only_in_unicode_normalisation_are_duplicates() {
    let p = package();
    let dir = p.target.rsplit_once('/').unwrap().0;
    let nfc = format!("{dir}/caf\u{e9}.txt");
    let nfd = format!("{dir}/cafe\u{301}.txt");
    let (zip, _) = p.rebuilt(|raws| {
        raws.push(Raw::deflated(&nfc, b"one"));
        raws.push(Raw::deflated(&nfd, b"two"));
    });
    let problems = p.problems(&zip);
    assert_has(
        &problems,
        &Problem::Duplicate {
            name: nfd.clone(),
            first: nfc.clone(),
        },
    );
}

/// Byte offsets of fields inside a local header.
const LOCAL_FLAGS: usize = 6;
const LOCAL_METHOD: usize = 8;
const LOCAL_TIME: usize = 10;
const LOCAL_CRC: usize = 14;
const LOCAL_COMPRESSED: usize = 18;
const LOCAL_SIZE: usize = 22;
const LOCAL_NAME: usize = 30;

#[test]
fn a_local_header_that_disagrees_with_the_central_directory_is_refused() {
    let p = package();
    let (zip, b) = p.rebuilt(|_| {});
    let at = b.offset(&p.target);
    let cases: [(usize, Field); 7] = [
        (LOCAL_NAME + p.target.len() - 2, Field::Name), // versions.txt -> versions.tXt
        (LOCAL_SIZE, Field::Size),
        (LOCAL_COMPRESSED, Field::CompressedSize),
        (LOCAL_CRC, Field::Crc),
        (LOCAL_METHOD, Field::Method),
        (LOCAL_FLAGS + 1, Field::Flags),
        (LOCAL_TIME, Field::Time),
    ];
    for (offset, field) in cases {
        let mut bad = zip.clone();
        bad[at + offset] ^= if field == Field::Flags { 0x08 } else { 0x20 };
        let problems = p.problems(&bad);
        assert_has(
            &problems,
            &zip_fault(Some(&p.target), ZipFault::Mismatch { field }),
        );
    }
    // A streaming reader, which reads local headers only, writes the other name.
    let mut renamed = zip.clone();
    renamed[at + LOCAL_NAME + p.target.len() - 2] ^= 0x20;
    let streamed = read_streaming(&renamed).unwrap();
    assert!(streamed.iter().any(|(n, _)| n.ends_with("versions.tXt")));
}

#[test]
fn a_local_entry_the_central_directory_does_not_list_is_refused() {
    let p = package();
    // Right before the central directory, where `jar x` and other streaming readers extract it
    // over the genuine file.
    let mut b = Builder::default();
    for r in p.raws() {
        b.add(&r);
    }
    let hidden_at = b.local(&p.altered());
    let hidden_len = b.out.len() - hidden_at;
    let zip = b.finish();
    let streamed = read_streaming(&zip).unwrap();
    let last = streamed.iter().rev().find(|(n, _)| *n == p.target).unwrap();
    assert_eq!(last.1, p.altered_content());
    if available("jar", "--version") {
        // `jar x` reading standard input streams through the local headers.
        let got = extracted_by(&zip, Command::new("jar").arg("x"), &p.target);
        assert_eq!(
            got,
            p.altered_content(),
            "jar x should extract the hidden copy"
        );
    }
    let problems = p.problems(&zip);
    assert_has(
        &problems,
        &zip_fault(
            None,
            ZipFault::Outside {
                offset: hidden_at as u64,
                len: hidden_len as u64,
                local_header: Some(p.target.clone()),
            },
        ),
    );

    // First in the file, before every listed entry.
    let mut b = Builder::default();
    let len = b.local(&p.altered());
    let len = b.out.len() - len;
    for r in p.raws() {
        b.add(&r);
    }
    let problems = p.problems(&b.finish());
    assert_has(
        &problems,
        &zip_fault(
            None,
            ZipFault::Outside {
                offset: 0,
                len: len as u64,
                local_header: Some(p.target.clone()),
            },
        ),
    );
}

#[test]
fn bytes_prepended_appended_or_between_entries_are_refused() {
    let p = package();
    // Prepended, offsets left as they were (`cat junk package.zip`): readers that find the
    // central directory from the end and shift every offset still extract it.
    let mut prepended = vec![b'#'; 100];
    prepended.extend(&p.zip);
    assert_eq!(read_central(&prepended), p.files);
    let problems = p.problems(&prepended);
    assert!(
        problems.iter().any(|x| matches!(x, Problem::Zip { .. })),
        "{problems:#?}"
    );

    // Prepended with every offset shifted (a self-extractor's stub).
    let mut b = Builder {
        out: vec![b'#'; 100],
        ..Default::default()
    };
    for r in p.raws() {
        b.add(&r);
    }
    let problems = p.problems(&b.finish());
    assert_has(
        &problems,
        &zip_fault(
            None,
            ZipFault::Outside {
                offset: 0,
                len: 100,
                local_header: None,
            },
        ),
    );

    // Appended.
    for n in [1, 100] {
        let mut appended = p.zip.clone();
        appended.extend(vec![0u8; n]);
        assert_has(
            &p.problems(&appended),
            &zip_fault(None, ZipFault::Trailing { len: n as u64 }),
        );
    }

    // Between two entries.
    let mut b = Builder::default();
    let raws = p.raws();
    b.add(&raws[0]);
    b.out.extend(b"padding");
    let gap = b.out.len() - 7;
    for r in &raws[1..] {
        b.add(r);
    }
    assert_has(
        &p.problems(&b.finish()),
        &zip_fault(
            None,
            ZipFault::Outside {
                offset: gap as u64,
                len: 7,
                local_header: None,
            },
        ),
    );
}

#[test]
fn a_comment_or_a_second_end_record_is_refused() {
    let p = package();
    let end = p.zip.len() - 22;
    let mut commented = p.zip.clone();
    commented[end + 20] = 5;
    commented.extend(b"hello");
    assert_has(
        &p.problems(&commented),
        &zip_fault(None, ZipFault::EndComment { len: 5 }),
    );

    // The first end record's comment holds a second one; readers take the last.
    let mut two = p.zip.clone();
    two[end + 20] = 22;
    two.extend_from_slice(&p.zip[end..]);
    assert_eq!(read_central(&two), p.files);
    assert_has(
        &p.problems(&two),
        &zip_fault(None, ZipFault::SecondEnd { offset: end as u64 }),
    );
}

#[test]
fn entries_no_package_has_are_refused() {
    let p = package();
    let t = p.target.as_str();
    type Edit = fn(&mut Raw);
    let cases: [(Edit, ZipFault); 8] = [
        // Info-ZIP's Unicode Path field: `unzip` writes the name it holds instead.
        (
            |r| r.extra = unicode_path(&r.name, "ads/evil.txt"),
            ZipFault::ExtraField {
                local: true,
                len: 21,
            },
        ),
        (|r| r.comment = b"note".to_vec(), ZipFault::EntryComment),
        (|r| r.flags |= 0x0008, ZipFault::Flags(0x0008)),
        (|r| r.flags |= 0x0001, ZipFault::Flags(0x0001)),
        (
            |r| r.external = 0o120777 << 16,
            ZipFault::NotPlainFile {
                attributes: 0o120777 << 16,
            },
        ),
        (
            |r| r.external = 0o100755 << 16,
            ZipFault::NotPlainFile {
                attributes: 0o100755 << 16,
            },
        ),
        (|r| r.method = 12, ZipFault::Method(12)),
        (|r| r.name.push(0xe9), ZipFault::NameEncoding),
    ];
    for (i, (edit, fault)) in cases.into_iter().enumerate() {
        let (zip, _) = p.rebuilt(|raws| {
            let r = raws.iter_mut().find(|r| r.name == t.as_bytes()).unwrap();
            edit(r);
        });
        let problems = p.problems(&zip);
        let entry = if i == 7 {
            format!("{t}\u{fffd}")
        } else {
            t.to_string()
        };
        assert_has(&problems, &zip_fault(Some(&entry), fault));
    }
}

/// An Info-ZIP Unicode Path extra field (0x7075) giving `name` for the entry named `header`.
fn unicode_path(header: &[u8], name: &str) -> Vec<u8> {
    let mut crc = flate2::Crc::new();
    crc.update(header);
    let mut x = Vec::new();
    x.extend(0x7075u16.to_le_bytes());
    x.extend(((5 + name.len()) as u16).to_le_bytes());
    x.push(1);
    x.extend(crc.sum().to_le_bytes());
    x.extend(name.as_bytes());
    x
}

#[test]
fn zip64_records_are_refused() {
    let p = package();
    let end = p.zip.len() - 22;
    let mut locator = p.zip[..end].to_vec();
    locator.extend(0x0706_4b50u32.to_le_bytes());
    locator.extend([0u8; 16]);
    // The locator sits between the central directory and the end record: shift the latter.
    locator.extend_from_slice(&p.zip[end..]);
    let problems = p.problems(&locator);
    assert_eq!(problems, vec![zip_fault(None, ZipFault::Zip64)]);
}

#[test]
fn data_that_decompresses_otherwise_than_the_zip_states_is_refused() {
    let p = package();
    let t = p.target.clone();
    let altered = |edit: fn(&mut Raw)| {
        let (zip, _) =
            p.rebuilt(|raws| edit(raws.iter_mut().find(|r| r.name == t.as_bytes()).unwrap()));
        p.problems(&zip)
    };
    let data_fault = |problems: &[Problem]| -> Vec<DataFault> {
        problems
            .iter()
            .filter_map(|x| match x {
                Problem::Altered {
                    path,
                    why: Alteration::Data(d),
                } if *path == t => Some(d.clone()),
                _ => None,
            })
            .collect()
    };
    // Bytes hidden after the end of the deflate stream, inside the compressed size.
    let problems = altered(|r| r.data.extend(b"hidden"));
    assert_eq!(data_fault(&problems), vec![DataFault::Trailing { len: 6 }]);
    // The deflate stream cut short.
    let problems = altered(|r| {
        r.data.truncate(r.data.len() - 3);
    });
    assert_eq!(data_fault(&problems), vec![DataFault::Truncated]);
    // Another CRC-32 or size in both headers.
    let problems = altered(|r| r.crc ^= 1);
    assert!(matches!(data_fault(&problems)[..], [DataFault::Crc { .. }]));
    let problems = altered(|r| r.size -= 1);
    assert!(matches!(
        data_fault(&problems)[..],
        [DataFault::Longer { .. }]
    ));
    let problems = altered(|r| r.size += 1);
    assert!(matches!(
        data_fault(&problems)[..],
        [DataFault::Size { .. }]
    ));
}

#[test]
fn two_entries_sharing_one_local_header_are_refused() {
    let p = package();
    let mut b = Builder::default();
    let raws = p.raws();
    for r in &raws {
        b.add(r);
    }
    let at = b.offset(&p.target);
    let mut twin = raws
        .iter()
        .find(|r| r.name == p.target.as_bytes())
        .unwrap()
        .clone();
    twin.name = b"ads/twin.txt".to_vec();
    b.list(&twin, at);
    let problems = p.problems(&b.finish());
    assert_has(
        &problems,
        &zip_fault(
            Some("ads/twin.txt"),
            ZipFault::Overlap {
                offset: at as u64,
                with: p.target.clone(),
            },
        ),
    );
    assert_has(
        &problems,
        &zip_fault(
            Some("ads/twin.txt"),
            ZipFault::Mismatch { field: Field::Name },
        ),
    );
}

/// A small deterministic generator (xorshift64*), so failures replay.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One random change: a bit, a byte, a 16- or 32-bit field, bytes inserted, removed or
/// repeated, or the end cut off.
fn mutate(zip: &mut Vec<u8>, rng: &mut Rng) {
    let at = rng.below(zip.len());
    match rng.below(7) {
        0 => zip[at] ^= 1 << rng.below(8),
        1 => zip[at] = rng.next() as u8,
        2 if at + 4 <= zip.len() => {
            let v = [0u32, 1, 0xffff_ffff, rng.next() as u32][rng.below(4)];
            zip[at..at + 4].copy_from_slice(&v.to_le_bytes());
        }
        3 => {
            let n = 1 + rng.below(40);
            let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            zip.splice(at..at, bytes);
        }
        4 => {
            let end = (at + 1 + rng.below(40)).min(zip.len());
            zip.drain(at..end);
        }
        5 => {
            let end = (at + 1 + rng.below(200)).min(zip.len());
            let copy = zip[at..end].to_vec();
            let to = rng.below(zip.len());
            zip.splice(to..to, copy);
        }
        _ => zip.truncate(at),
    }
}

/// Whatever the damage, the check does not panic, and it passes only when every reader (the
/// zip crate through the central directory and streaming) extracts the package's files exactly.
#[test]
fn random_damage_passes_only_when_every_reader_extracts_the_original() {
    let p = package();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut passed, mut runs) = (0, 0);
    for base in [p.zip.clone(), p.stored()] {
        for _ in 0..1500 {
            let mut zip = base.clone();
            for _ in 0..1 + rng.below(3) {
                if !zip.is_empty() {
                    mutate(&mut zip, &mut rng);
                }
            }
            runs += 1;
            let r = check(Cursor::new(&zip), Some(&p.key)).unwrap();
            if r.is_ok() {
                passed += 1;
                assert_eq!(read_central(&zip), p.files, "damaged package {runs}");
                let streamed = read_streaming(&zip).unwrap();
                assert_eq!(streamed, p.files, "damaged package {runs}");
            }
        }
    }
    eprintln!("{passed} of {runs} damaged packages still checked OK, each extracting the original");
    assert!(passed < runs / 10, "{passed} of {runs}");
}

#[test]
fn evidence_check_reads_a_file_with_the_same_verdict() {
    // `evidence check` reads a file through `check_file`: same verdict as `check`.
    let p = package();
    let (zip, _) = p.rebuilt(|raws| raws.insert(0, p.altered()));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dup.zip");
    std::fs::write(&path, &zip).unwrap();
    let r = wildwatch_action::check::check_file(&path, Some(&p.key)).unwrap();
    assert!(!r.is_ok());
    assert_eq!(
        r.problems,
        check(Cursor::new(&zip), Some(&p.key)).unwrap().problems
    );
}
