//! A record whose Content-Length is absurd (larger than what follows it in the file) is reported
//! with its offset, and reading resumes at the next record (found by scanning for `WARC/1.`): one
//! bad record never drops the records after it, in plain files, per-record gzip files and
//! single-stream gzip files. Responses also carry the `metadata` record written with them.

mod common;

use std::fs;
use std::path::Path;

use wildwatch_warc::{responses, verify_dir, Stored};

const N: usize = 126;
const BAD: usize = 3;
const ABSURD: &str = "99999999999";

/// The record with its WARC `Content-Length` replaced by [`ABSURD`].
fn with_absurd_length(record: &[u8]) -> Vec<u8> {
    let head_end = record.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = std::str::from_utf8(&record[..head_end]).unwrap();
    let (before, after) = head.split_once("Content-Length: ").unwrap();
    let rest = after.split_once("\r\n").map_or("", |(_, r)| r);
    let mut out = format!("{before}Content-Length: {ABSURD}").into_bytes();
    if !rest.is_empty() {
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(rest.as_bytes());
    }
    out.extend_from_slice(&record[head_end..]);
    out
}

/// A per-record gzip file of `N` exchanges whose response `BAD` has an absurd Content-Length,
/// and where that response is.
fn damaged(dir: &Path) -> (Vec<u8>, Stored) {
    let written = common::write_n(dir, "bad", u64::MAX, N, 300);
    let bad = written[BAD].1.clone();
    let data = fs::read(dir.join(&bad.file)).unwrap();
    let (a, b) = (bad.offset as usize, (bad.offset + bad.length) as usize);
    let record = common::gunzip_member(&data[a..b]);
    let mut out = data[..a].to_vec();
    out.extend(common::gzip(&with_absurd_length(&record)));
    out.extend_from_slice(&data[b..]);
    fs::remove_file(dir.join(&bad.file)).unwrap();
    (out, bad)
}

fn check_layout(name: &str, bytes: &[u8], bad_offset: u64) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(name);
    fs::write(&path, bytes).unwrap();
    let items: Vec<_> = responses(&path).unwrap().collect();
    let errors: Vec<String> = items
        .iter()
        .filter_map(|r| r.as_ref().err().map(|e| e.to_string()))
        .collect();
    let urls: Vec<String> = items
        .iter()
        .filter_map(|r| r.as_ref().ok().map(|r| r.found.url.clone()))
        .collect();
    let want: Vec<String> = (0..N).filter(|&i| i != BAD).map(common::url).collect();
    assert_eq!(urls, want, "{name}: every other response is read");
    assert_eq!(errors.len(), 1, "{name}: {errors:#?}");
    let at = format!("{name} @ {bad_offset}: ");
    assert!(
        errors[0].starts_with(&at)
            && errors[0].contains(&format!("Content-Length is {ABSURD}"))
            && errors[0].contains("WARC/1."),
        "{name}: {errors:#?}"
    );
    let report = verify_dir(tmp.path()).unwrap();
    assert_eq!(report.errors.len(), 1, "{name}: {:#?}", report.errors);
    assert!(report.errors[0].starts_with(&at), "{:#?}", report.errors);
    assert_eq!(
        report.responses, N as u64,
        "{name}: the bad record's head is counted"
    );
}

#[test]
fn absurd_content_length_skips_one_record_and_reads_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let (gz, bad) = damaged(tmp.path());
    // Per-record gzip members: the record's member offset.
    check_layout("a.warc.gz", &gz, bad.offset);
    // Uncompressed: the record's byte offset.
    let plain = common::gunzip_all(&gz);
    let marker = format!("Content-Length: {ABSURD}");
    let at = plain
        .windows(marker.len())
        .position(|w| w == marker.as_bytes())
        .unwrap();
    let start = plain[..at]
        .windows(10)
        .rposition(|w| w == b"WARC/1.1\r\n")
        .unwrap();
    check_layout("b.warc", &plain, start as u64);
    // One gzip stream for the whole file: every record is in the member at offset 0.
    check_layout("c.warc.gz", &common::gzip(&plain), 0);
}

#[test]
fn responses_carry_the_metadata_record_written_with_them() {
    let tmp = tempfile::tempdir().unwrap();
    let written = common::write_n(tmp.path(), "m", u64::MAX, 3, 50);
    let path = tmp.path().join(&written[0].1.file);
    let items: Vec<_> = responses(&path).unwrap().map(Result::unwrap).collect();
    assert_eq!(items.len(), 3);
    for r in &items {
        let m = r.metadata.as_ref().expect("metadata record");
        assert_eq!(m["note"], "test capture");
        assert_eq!(r.warc_truncated, None);
    }
    // A metadata record naming another response is not taken; without metadata records the
    // responses are read the same, with none.
    let records = split_records(&common::gunzip_all(&fs::read(&path).unwrap()));
    let is_meta = |r: &Vec<u8>| String::from_utf8_lossy(r).contains("WARC-Type: metadata");
    let metas: Vec<Vec<u8>> = records.iter().filter(|r| is_meta(r)).cloned().collect();
    let others: Vec<Vec<u8>> = records.into_iter().filter(|r| !is_meta(r)).collect();
    // warcinfo, then request and response of each exchange; exchange 0's metadata after
    // exchange 1's response.
    let mut shuffled = others[..5].concat();
    shuffled.extend_from_slice(&metas[0]);
    shuffled.extend(others[5..].concat());
    for (name, bytes) in [("s.warc", shuffled), ("n.warc", others.concat())] {
        let p = tmp.path().join(name);
        fs::write(&p, bytes).unwrap();
        let items: Vec<_> = responses(&p).unwrap().map(Result::unwrap).collect();
        assert_eq!(items.len(), 3, "{name}");
        assert!(items.iter().all(|r| r.metadata.is_none()), "{name}");
    }
}

/// The records of an uncompressed WARC file, each with its trailer.
fn split_records(plain: &[u8]) -> Vec<Vec<u8>> {
    let starts: Vec<usize> = (0..plain.len())
        .filter(|&i| {
            plain[i..].starts_with(b"WARC/1.1\r\n") && (i == 0 || plain[..i].ends_with(b"\r\n\r\n"))
        })
        .collect();
    starts
        .iter()
        .zip(starts.iter().skip(1).chain([&plain.len()]))
        .map(|(&a, &b)| plain[a..b].to_vec())
        .collect()
}
