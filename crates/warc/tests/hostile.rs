//! Damaged and hostile input never panics or hangs: random bytes, truncations, byte
//! flips and insertions, in compressed and uncompressed files.

mod common;

use std::fs;
use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use wildwatch_warc::{find_url, read_record, responses, verify_dir};

/// A valid gzip WARC (warcinfo + 2 exchanges) and its uncompressed form.
fn sample() -> &'static (Vec<u8>, Vec<u8>) {
    static S: OnceLock<(Vec<u8>, Vec<u8>)> = OnceLock::new();
    S.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let written = common::write_n(tmp.path(), "s", u64::MAX, 2, 300);
        let gz = fs::read(tmp.path().join(&written[0].1.file)).unwrap();
        let plain = common::gunzip_all(&gz);
        (gz, plain)
    })
}

/// Runs every reader over `bytes` stored as `name`; only a panic (or hang) fails.
fn exercise(name: &str, bytes: &[u8], probe_offset: u64) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join(name), bytes).unwrap();
    let report = verify_dir(dir).unwrap();
    assert_eq!(report.files, 1);
    let _ = find_url(dir, &common::url(0));
    let _ = find_url(dir, &common::url(1));
    let _ = read_record(dir, name, probe_offset);
    let _ = read_record(dir, name, 0);
    read_all(&dir.join(name));
}

fn read_all(path: &Path) {
    let it = responses(path).unwrap();
    for r in it.take(10_000).flatten() {
        let _ = r.content(1 << 20);
    }
}

fn gz_header() -> Vec<u8> {
    vec![0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..3000), off in 0u64..3000) {
        exercise("r.warc", &bytes, off);
        exercise("r.warc.gz", &bytes, off);
        let mut gz = gz_header();
        gz.extend_from_slice(&bytes);
        exercise("g.warc.gz", &gz, off);
    }

    #[test]
    fn warc_like_garbage(parts in proptest::collection::vec(
        prop_oneof![
            Just(b"WARC/1.1\r\n".to_vec()),
            Just(b"WARC/1.0\n".to_vec()),
            Just(b"Content-Length: 5\r\n".to_vec()),
            Just(b"Content-Length: 99999999999999999999\r\n".to_vec()),
            Just(b"Content-Length: -1\r\n".to_vec()),
            Just(b"WARC-Type: response\r\n".to_vec()),
            Just(b"Content-Type: application/http;msgtype=response\r\n".to_vec()),
            Just(b"WARC-Payload-Digest: sha256:AAAA\r\n".to_vec()),
            Just(b"WARC-Block-Digest: sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ\r\n".to_vec()),
            Just(b"WARC-Target-URI: <http://x/>\r\n".to_vec()),
            Just(b" folded\r\n".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"HTTP/1.1 200 OK\r\n".to_vec()),
            proptest::collection::vec(any::<u8>(), 0..20),
        ],
        0..40,
    )) {
        let bytes: Vec<u8> = parts.concat();
        exercise("w.warc", &bytes, 0);
        exercise("w.warc.gz", &common::gzip(&bytes), 0);
    }

    #[test]
    fn damaged_real_files(
        cut in any::<prop::sample::Index>(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 0..4),
        insert in proptest::option::of((any::<prop::sample::Index>(), proptest::collection::vec(any::<u8>(), 1..64))),
        off in any::<prop::sample::Index>(),
    ) {
        let (gz, plain) = sample();
        for (name, orig) in [("d.warc.gz", gz), ("d.warc", plain)] {
            let mut b = orig.clone();
            for (i, x) in &flips {
                let i = i.index(b.len());
                b[i] ^= x;
            }
            if let Some((i, ins)) = &insert {
                let i = i.index(b.len());
                b.splice(i..i, ins.iter().copied());
            }
            exercise(name, &b, off.index(b.len() + 1) as u64);
            let keep = cut.index(b.len() + 1);
            exercise(name, &b[..keep], 0);
        }
    }
}

#[test]
fn every_truncation_of_a_small_file() {
    let (gz, plain) = sample();
    for (name, orig) in [("t.warc.gz", gz), ("t.warc", plain)] {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(name);
        let full = verify_once(&path, orig);
        assert!(full.is_ok(), "{:#?}", full.errors);
        // Every 7th length (and the last 40) to keep the test quick.
        let lens = (0..orig.len())
            .step_by(7)
            .chain(orig.len().saturating_sub(40)..orig.len());
        for len in lens {
            let r = verify_once(&path, &orig[..len]);
            assert!(r.records <= full.records);
            read_all(&path);
        }
    }
}

fn verify_once(path: &Path, bytes: &[u8]) -> wildwatch_warc::VerifyReport {
    fs::write(path, bytes).unwrap();
    verify_dir(path.parent().unwrap()).unwrap()
}
