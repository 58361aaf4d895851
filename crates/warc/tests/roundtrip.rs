mod common;

use std::fs;
use std::io::ErrorKind;
use std::time::Duration;

use common::*;
use sha2::{Digest, Sha256};
use wildwatch_warc::{
    find_url, labelled_digest_to_hex, parse_warc_date, read_record, responses, verify_dir,
    WarcWriter,
};

fn sha256_hex(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

#[test]
fn write_rotate_verify_find_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let max = 6_000;
    let written = write_n(dir, "ev", max, 12, 1_500);

    let mut files: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert!(files.len() >= 3, "expected rotation, got {files:?}");
    for (i, f) in files.iter().enumerate() {
        // ev-YYYYMMDDhhmmss-NNNNN.warc.gz
        assert!(f.starts_with("ev-") && f.ends_with(".warc.gz"), "{f}");
        let mid = &f[3..f.len() - ".warc.gz".len()];
        let (stamp, seq) = mid.split_once('-').unwrap();
        assert_eq!(stamp.len(), 14);
        assert!(stamp.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(seq, format!("{i:05}"));
        let size = fs::metadata(dir.join(f)).unwrap().len();
        assert!(size <= max, "{f} is {size} bytes");
    }
    // Exchanges land in files in order; offsets grow within a file.
    for pair in written.windows(2) {
        let (a, b) = (&pair[0].1, &pair[1].1);
        assert!(a.file < b.file || (a.file == b.file && a.offset < b.offset));
    }

    let report = verify_dir(dir).unwrap();
    assert!(report.is_ok(), "{:#?}", report.errors);
    assert!(report.warnings.is_empty(), "{:#?}", report.warnings);
    assert_eq!(report.files, files.len() as u64);
    assert_eq!(report.records, files.len() as u64 + 3 * 12);
    assert_eq!(report.responses, 12);
    // warcinfo: block; request: block; response: block + payload; metadata: block.
    assert_eq!(report.digests_checked, files.len() as u64 + 4 * 12);

    for (o, s) in &written {
        assert_eq!(s.payload_sha256, sha256_hex(&o.body));
        assert!(s.record_id.starts_with("<urn:uuid:") && s.record_id.ends_with('>'));

        // The (offset, length) pair is exactly one gzip member holding one record.
        let data = fs::read(dir.join(&s.file)).unwrap();
        let member = &data[s.offset as usize..(s.offset + s.length) as usize];
        let rec = gunzip_member(member);
        assert!(rec.starts_with(b"WARC/1.1\r\nWARC-Type: response\r\n"));
        assert!(rec.ends_with(b"\r\n\r\n"));

        let r = read_record(dir, &s.file, s.offset).unwrap();
        assert_eq!(r.version, "1.1");
        assert_eq!(r.warc_type(), Some("response"));
        assert_eq!(r.target_uri(), Some(o.url.as_str()));
        assert_eq!(r.header("warc-record-id"), Some(s.record_id.as_str()));
        assert_eq!(r.header("WARC-IP-Address"), Some("192.0.2.7"));
        assert_eq!(
            r.header("Content-Type"),
            Some("application/http;msgtype=response")
        );
        assert_eq!(r.http_status(), Some(200));
        let (head, body) = r.http_split().unwrap();
        assert_eq!(head, &o.response_head[..]);
        assert_eq!(body, &o.body[..]);
        assert_eq!(r.payload(), &o.body[..]);
        assert!(r.digest_problems().is_empty(), "{:?}", r.digest_problems());
        let pd = r.header("WARC-Payload-Digest").unwrap();
        assert!(pd.starts_with("sha256:") && pd.len() == 7 + 56 && pd.ends_with('='));
        assert_eq!(
            labelled_digest_to_hex(pd),
            Some(("sha256", s.payload_sha256.clone()))
        );
        assert_eq!(
            parse_warc_date(r.header("WARC-Date").unwrap()),
            Some(o.date)
        );
        assert!(r.http_headers().contains(&(
            "X-Ad".to_string(),
            o.url[23..o.url.find('?').unwrap()].to_string()
        )));

        let found = find_url(dir, &o.url).unwrap();
        assert_eq!(found.len(), 1);
        let f = &found[0];
        assert_eq!((f.file.as_str(), f.offset), (s.file.as_str(), s.offset));
        assert_eq!(f.status, 200);
        assert_eq!(f.url, o.url);
        assert_eq!(f.record_id, s.record_id);
        assert_eq!(f.payload_sha256, s.payload_sha256);
        assert_eq!(f.body_len, o.body.len() as u64);
        assert_eq!(f.payload_digest_ok, Some(true));
        assert_eq!(
            f.http_header("content-type"),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(parse_warc_date(&f.date), Some(o.date));
    }

    // The request and metadata records are readable too (first record after the
    // warcinfo of the first file is the first request).
    let first = &written[0].1;
    let data = fs::read(dir.join(&first.file)).unwrap();
    let mut all = gunzip_all(&data);
    all.truncate(200);
    assert!(all.starts_with(b"WARC/1.1\r\nWARC-Type: warcinfo\r\n"));

    let mut n = 0;
    for f in &files {
        for r in responses(&dir.join(f)).unwrap() {
            let r = r.unwrap();
            let (o, s) = &written[n];
            assert_eq!(r.found.url, o.url);
            assert_eq!(r.body, o.body);
            assert!(!r.body_truncated);
            assert_eq!(r.found.offset, s.offset);
            assert_eq!(r.content(1 << 20).unwrap(), o.body);
            n += 1;
        }
    }
    assert_eq!(n, 12);

    // A body limit cuts the body but not its digest.
    let cut: Vec<_> = responses(&dir.join(&files[0]))
        .unwrap()
        .max_body(10)
        .map(Result::unwrap)
        .collect();
    assert!(cut.iter().all(|r| r.body.len() == 10 && r.body_truncated));
    assert_eq!(cut[0].found.payload_sha256, written[0].1.payload_sha256);
}

#[test]
fn metadata_and_request_records() {
    let tmp = tempfile::tempdir().unwrap();
    let written = write_n(tmp.path(), "m", u64::MAX, 1, 100);
    let (o, s) = &written[0];
    let data = fs::read(tmp.path().join(&s.file)).unwrap();
    let text = gunzip_all(&data);
    let text = String::from_utf8_lossy(&text);
    let parts: Vec<&str> = text.split("WARC/1.1\r\n").skip(1).collect();
    assert_eq!(parts.len(), 4);
    assert!(parts[0].starts_with("WARC-Type: warcinfo\r\n"));
    assert!(parts[0].contains("software: wildwatch/"));
    assert!(parts[0].contains("format: WARC File Format 1.1\r\n"));
    assert!(parts[0].contains(&format!("WARC-Filename: {}\r\n", s.file)));
    assert!(parts[1].starts_with("WARC-Type: request\r\n"));
    assert!(parts[1].contains(&format!("WARC-Concurrent-To: {}\r\n", s.record_id)));
    assert!(parts[1].contains("Content-Type: application/http;msgtype=request\r\n"));
    assert!(parts[1].contains(std::str::from_utf8(&o.request_head).unwrap()));
    assert!(parts[2].starts_with("WARC-Type: response\r\n"));
    assert!(parts[3].starts_with("WARC-Type: metadata\r\n"));
    assert!(parts[3].contains(&format!("WARC-Concurrent-To: {}\r\n", s.record_id)));
    assert!(parts[3].contains("Content-Type: application/json\r\n"));
    assert!(parts[3].contains(r#"{"fetch_ms":123,"note":"test capture"}"#));
    for p in &parts[1..] {
        assert!(p.contains(&format!("WARC-Target-URI: {}\r\n", o.url)));
        assert!(p.contains("WARC-Date: 2024-05-01T12:"));
        assert!(p.contains("WARC-Warcinfo-ID: <urn:uuid:"));
    }
}

#[test]
fn newest_last_and_sequence_continues() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let o = Owned::new(1, 50);
    let first_file;
    {
        let mut w = WarcWriter::open(dir, "ev", 1 << 20).unwrap();
        first_file = w.current_file().unwrap().to_string();
        let mut ex = o.exchange();
        ex.date = o.date + Duration::from_secs(100);
        w.write_exchange(&ex).unwrap();
        ex.date = o.date;
        w.write_exchange(&ex).unwrap();
    }
    // A second writer on the same directory never reuses a name.
    let mut w = WarcWriter::open(dir, "ev", 1 << 20).unwrap();
    let second_file = w.current_file().unwrap().to_string();
    assert!(second_file.ends_with("-00001.warc.gz"), "{second_file}");
    assert!(first_file.ends_with("-00000.warc.gz"), "{first_file}");
    let mut ex = o.exchange();
    ex.date = o.date + Duration::from_secs(50);
    let mid = w.write_exchange(&ex).unwrap();
    w.flush().unwrap();

    let found = find_url(dir, &o.url).unwrap();
    let dates: Vec<_> = found
        .iter()
        .map(|f| parse_warc_date(&f.date).unwrap())
        .collect();
    assert_eq!(
        dates,
        vec![
            o.date,
            o.date + Duration::from_secs(50),
            o.date + Duration::from_secs(100)
        ]
    );
    assert_eq!(
        (found[1].file.as_str(), found[1].offset),
        (mid.file.as_str(), mid.offset)
    );
    assert!(find_url(dir, "https://market.test/nothing")
        .unwrap()
        .is_empty());
    assert!(verify_dir(dir).unwrap().is_ok());
}

#[test]
fn tampered_payload_is_reported_with_file_and_offset() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let written = write_n(dir, "ev", u64::MAX, 3, 400);
    let s = &written[1].1;
    tamper_payload(&dir.join(&s.file), s.offset, s.length);

    let report = verify_dir(dir).unwrap();
    assert_eq!(report.responses, 3);
    assert_eq!(report.records, 1 + 9);
    assert_eq!(report.errors.len(), 2, "{:#?}", report.errors);
    let prefix = format!("{} @ {}: response record {}", s.file, s.offset, s.record_id);
    assert!(
        report.errors.iter().all(|e| e.starts_with(&prefix)),
        "{:#?}",
        report.errors
    );
    assert!(report.errors[0].contains("WARC-Block-Digest mismatch"));
    assert!(report.errors[1].contains("WARC-Payload-Digest mismatch"));

    let r = read_record(dir, &s.file, s.offset).unwrap();
    assert_eq!(r.digest_problems().len(), 2);
    let f = find_url(dir, &written[1].0.url).unwrap();
    assert_eq!(f[0].payload_digest_ok, Some(false));
    assert_ne!(f[0].payload_sha256, s.payload_sha256);
}

#[test]
fn damaged_gzip_member_is_reported_and_later_records_still_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let written = write_n(dir, "ev", u64::MAX, 4, 2_000);
    let s = &written[1].1;
    let path = dir.join(&s.file);
    let mut data = fs::read(&path).unwrap();
    let i = (s.offset + s.length / 2) as usize;
    data[i] ^= 0xff;
    fs::write(&path, &data).unwrap();

    let report = verify_dir(dir).unwrap();
    assert!(!report.is_ok());
    assert!(
        report
            .errors
            .iter()
            .all(|e| e.starts_with(&format!("{} @ {}:", s.file, s.offset))),
        "{:#?}",
        report.errors
    );
    // The two exchanges after the damage are still found and verified.
    for (o, _) in &written[2..] {
        let f = find_url(dir, &o.url).unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].payload_digest_ok, Some(true));
    }
    assert!(report.responses >= 3, "{report:#?}");
    let e = read_record(dir, &s.file, s.offset).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidData);
}

#[test]
fn truncated_last_record_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let written = write_n(dir, "ev", u64::MAX, 2, 3_000);
    let path = dir.join(&written[0].1.file);
    let full = fs::read(&path).unwrap();
    let last = &written[1].1;
    for cut in [
        1usize,
        9,
        30,
        (last.length / 2) as usize,
        (last.length + 40) as usize,
    ] {
        fs::write(&path, &full[..full.len() - cut]).unwrap();
        let report = verify_dir(dir).unwrap();
        assert!(!report.is_ok(), "cut {cut}");
        assert!(report
            .errors
            .iter()
            .all(|e| e.starts_with(&written[0].1.file)));
        // The first exchange is intact.
        let f = find_url(dir, &written[0].0.url).unwrap();
        assert_eq!(f.len(), 1, "cut {cut}");
        assert_eq!(f[0].payload_digest_ok, Some(true));
        let items: Vec<_> = responses(&path).unwrap().collect();
        assert!(items[0].is_ok());
        assert!(items.iter().any(|r| r.is_err()), "cut {cut}");
    }

    // The same on an uncompressed file: the error names the record's offset.
    let plain = gunzip_all(&full);
    let tmp2 = tempfile::tempdir().unwrap();
    let p = tmp2.path().join("x.warc");
    fs::write(&p, &plain[..plain.len() - 100]).unwrap();
    let report = verify_dir(tmp2.path()).unwrap();
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    assert!(
        report.errors[0].contains("truncated record"),
        "{:#?}",
        report.errors
    );
}

#[test]
fn uncompressed_and_single_stream_gzip() {
    let tmp = tempfile::tempdir().unwrap();
    let written = write_n(tmp.path(), "ev", u64::MAX, 3, 500);
    let file = &written[0].1.file;
    let plain = gunzip_all(&fs::read(tmp.path().join(file)).unwrap());

    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("a.warc"), &plain).unwrap();
    fs::write(d.path().join("b.warc.gz"), gzip(&plain)).unwrap();
    fs::write(d.path().join("notes.txt"), b"not a warc").unwrap();
    let report = verify_dir(d.path()).unwrap();
    assert!(report.is_ok(), "{:#?}", report.errors);
    assert_eq!((report.files, report.records, report.responses), (2, 20, 6));

    for (o, s) in &written {
        let found = find_url(d.path(), &o.url).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].payload_sha256, s.payload_sha256);
        let plain_hit = found.iter().find(|f| f.file == "a.warc").unwrap();
        let r = read_record(d.path(), "a.warc", plain_hit.offset).unwrap();
        assert_eq!(r.payload(), &o.body[..]);
        assert!(plain[plain_hit.offset as usize..].starts_with(b"WARC/1.1\r\nWARC-Type: response"));
    }
    let bodies: Vec<_> = responses(&d.path().join("b.warc.gz"))
        .unwrap()
        .map(|r| r.unwrap().body)
        .collect();
    assert_eq!(
        bodies,
        written
            .iter()
            .map(|(o, _)| o.body.clone())
            .collect::<Vec<_>>()
    );
}

#[test]
fn bad_input_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut w = WarcWriter::open(dir, "ev", 1 << 20).unwrap();
    let o = Owned::new(1, 10);
    let mut ex = o.exchange();
    ex.url = "https://market.test/a b";
    assert_eq!(
        w.write_exchange(&ex).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    ex.url = "https://market.test/a\r\nWARC-Type: forged";
    assert_eq!(
        w.write_exchange(&ex).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    let mut ex = o.exchange();
    ex.ip = Some("example.org");
    assert_eq!(
        w.write_exchange(&ex).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    let mut ex = o.exchange();
    ex.response_head = b"HTTP/1.1 200 OK\r\nA: b\r\n";
    assert_eq!(
        w.write_exchange(&ex).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    ex.response_head = b"HTTP/1.1 200 OK\r\n\r\nA: b\r\n\r\n";
    assert_eq!(
        w.write_exchange(&ex).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    let mut ex = o.exchange();
    ex.request_head = b"";
    assert_eq!(
        w.write_exchange(&ex).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    for bad in ["", "a/b", "..", ".hidden"] {
        assert_eq!(
            WarcWriter::open(dir, bad, 1).unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
    }
    // Nothing was written by the refused exchanges.
    let s = w.write_exchange(&o.exchange()).unwrap();
    drop(w);
    let report = verify_dir(dir).unwrap();
    assert!(report.is_ok(), "{:#?}", report.errors);
    assert_eq!(report.records, 4);

    assert_eq!(
        read_record(dir, "../x", 0).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        read_record(dir, &s.file, s.offset + 1).unwrap_err().kind(),
        ErrorKind::InvalidData
    );
    assert_eq!(
        read_record(dir, &s.file, 1 << 40).unwrap_err().kind(),
        ErrorKind::InvalidData
    );
    assert_eq!(
        read_record(dir, "missing.warc.gz", 0).unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn empty_body_and_raw_header_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut w = WarcWriter::open(dir, "ev", 1 << 20).unwrap();
    let ex = wildwatch_warc::Exchange {
        url: "https://market.test/gone",
        ip: None,
        request_head: b"HEAD /gone HTTP/1.1\r\nHost: market.test\r\n\r\n",
        response_head: b"HTTP/1.1 204 No Content\r\nX-Name: caf\xe9\r\n\r\n",
        body: b"",
        date: date(0),
        metadata: serde_json::Value::Null,
    };
    let s = w.write_exchange(&ex).unwrap();
    drop(w);
    assert_eq!(s.payload_sha256, sha256_hex(b""));
    let report = verify_dir(dir).unwrap();
    assert!(report.is_ok(), "{:#?}", report.errors);
    let f = find_url(dir, ex.url).unwrap();
    assert_eq!((f[0].status, f[0].body_len), (204, 0));
    assert_eq!(f[0].http_header("x-name"), Some("café"));
    let r = read_record(dir, &s.file, s.offset).unwrap();
    assert_eq!(r.header("WARC-IP-Address"), None);
    assert_eq!(r.payload(), b"");
}

#[test]
fn a_resource_record_is_written_verified_and_read_back() {
    let tmp = tempfile::tempdir().unwrap();
    let written = write_n(tmp.path(), "r", u64::MAX, 1, 100);
    let page = &written[0].1;
    let png = b"\x89PNG\r\n\x1a\n not really a picture".to_vec();
    let mut w = WarcWriter::open(tmp.path(), "r", u64::MAX).unwrap();
    let s = w
        .write_resource(&wildwatch_warc::Resource {
            uri: "urn:screenshot:http://127.0.0.1/ad/1",
            content_type: "image/png",
            body: &png,
            date: std::time::UNIX_EPOCH + Duration::from_secs(1_714_564_800),
            concurrent_to: Some(&page.record_id),
        })
        .unwrap();
    w.flush().unwrap();
    assert_eq!(s.payload_sha256, sha256_hex(&png));
    let r = read_record(tmp.path(), &s.file, s.offset).unwrap();
    assert_eq!(r.warc_type(), Some("resource"));
    assert_eq!(r.target_uri(), Some("urn:screenshot:http://127.0.0.1/ad/1"));
    assert_eq!(
        r.header("WARC-Concurrent-To"),
        Some(page.record_id.as_str())
    );
    assert_eq!(r.header("Content-Type"), Some("image/png"));
    assert_eq!(r.payload(), &png[..]);
    assert!(r.digest_problems().is_empty());
    let report = verify_dir(tmp.path()).unwrap();
    assert!(report.is_ok(), "{:#?}", report.errors);
    // Found from the page's own record, and not before it.
    let found = wildwatch_warc::find_after(
        tmp.path(),
        &page.file,
        page.offset,
        "urn:screenshot:http://127.0.0.1/ad/1",
        100,
    )
    .unwrap();
    assert_eq!(found, Some((s.file.clone(), s.offset)));
    assert_eq!(
        wildwatch_warc::find_after(tmp.path(), &s.file, s.offset + 1, "urn:screenshot:x", 100)
            .unwrap(),
        None
    );
    assert!(wildwatch_warc::find_after(tmp.path(), "../x", 0, "u", 1).is_err());
    // A URI that would break the record's header is refused, and nothing is written.
    let before = fs::metadata(tmp.path().join(&s.file)).unwrap().len();
    let bad = w.write_resource(&wildwatch_warc::Resource {
        uri: "urn:screenshot:http://x/\r\nWARC-Type: response",
        content_type: "image/png",
        body: &png,
        date: std::time::SystemTime::now(),
        concurrent_to: None,
    });
    assert_eq!(bad.unwrap_err().kind(), ErrorKind::InvalidInput);
    assert_eq!(
        fs::metadata(tmp.path().join(&s.file)).unwrap().len(),
        before
    );
}
