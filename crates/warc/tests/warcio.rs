//! Cross-checks with warcio, an independent WARC implementation (Python), through
//! `tests/warcio_check.py`. Skipped, with a notice, when `python3 -c "import warcio"`
//! fails (install it with `python3 -m pip install warcio`), unless
//! `WILDWATCH_REQUIRE_WARCIO=1` is set.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use wildwatch_warc::{find_url, responses, verify_dir};

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/warcio_check.py")
}

/// Whether warcio is importable; prints a notice past the test harness' capture if
/// not. With `WILDWATCH_REQUIRE_WARCIO=1` (for CI) a missing warcio fails the test.
fn warcio_available(test: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import warcio"])
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok && std::env::var_os("WILDWATCH_REQUIRE_WARCIO").is_some_and(|v| v == "1") {
        panic!("{test}: WILDWATCH_REQUIRE_WARCIO=1 but `python3 -c \"import warcio\"` fails");
    }
    if !ok {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: python3 with warcio not available (python3 -m pip install warcio)"
        );
    }
    ok
}

fn run(args: &[&str]) -> (Output, String) {
    let out = Command::new("python3")
        .arg(script())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run python3");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out, text)
}

fn recs(text: &str) -> Vec<Value> {
    text.lines()
        .filter_map(|l| l.strip_prefix("REC "))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn warcio_reads_our_files() {
    if !warcio_available("warcio_reads_our_files") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let written = common::write_n(dir, "ev", 6_000, 8, 1_500);
    let dir_s = dir.to_str().unwrap();
    let mut args = vec!["check", "--strict"];
    for (o, _) in &written {
        args.extend(["--uri", o.url.as_str()]);
    }
    args.push(dir_s);
    let (out, text) = run(&args);
    assert!(out.status.success(), "warcio check failed:\n{text}");

    let recs = recs(&text);
    let report = verify_dir(dir).unwrap();
    assert!(report.is_ok());
    assert_eq!(recs.len() as u64, report.records, "{text}");
    assert!(recs.iter().all(|r| r["digest"] == "pass"), "{text}");
    // warcio finds each response record exactly where the writer said it is.
    for (o, s) in &written {
        let r = recs
            .iter()
            .find(|r| r["file"] == s.file.as_str() && r["offset"] == s.offset)
            .unwrap_or_else(|| panic!("no warcio record at {} @ {}:\n{text}", s.file, s.offset));
        assert_eq!(r["type"], "response");
        assert_eq!(r["length"], s.length);
        assert_eq!(r["uri"], o.url.as_str());
        assert_eq!(r["status"], "200");
        assert_eq!(r["version"], "WARC/1.1");
    }
}

#[test]
fn warcio_flags_the_tampering_we_flag() {
    if !warcio_available("warcio_flags_the_tampering_we_flag") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let written = common::write_n(dir, "ev", u64::MAX, 3, 400);
    let s = &written[1].1;
    common::tamper_payload(&dir.join(&s.file), s.offset, s.length);

    let ours = verify_dir(dir).unwrap();
    assert_eq!(ours.errors.len(), 2);
    let (out, text) = run(&["check", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let problems: Vec<&str> = text.lines().filter(|l| l.starts_with("PROBLEM ")).collect();
    let at = format!("{} @ {}:", s.file, s.offset);
    assert!(
        problems
            .iter()
            .any(|p| p.contains(&at) && p.contains("digest failed")),
        "{text}"
    );
    assert!(ours.errors.iter().all(|e| e.starts_with(&at)));
}

#[test]
fn we_read_warcio_files() {
    if !warcio_available("we_read_warcio_files") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let path = dir.join("warcio.warc.gz");
    let (out, text) = run(&["write", path.to_str().unwrap()]);
    assert!(out.status.success(), "{text}");
    let wrote: Value = text
        .lines()
        .find_map(|l| l.strip_prefix("WROTE "))
        .map(|l| serde_json::from_str(l).unwrap())
        .unwrap();
    let wrote = wrote.as_array().unwrap();

    let report = verify_dir(dir).unwrap();
    assert!(report.is_ok(), "{:#?}", report.errors);
    assert!(report.warnings.is_empty(), "{:#?}", report.warnings);
    assert_eq!(report.records, 5);
    assert_eq!(report.responses, 3);
    assert!(report.digests_checked >= 6, "{report:#?}");

    let got: Vec<_> = responses(&path).unwrap().map(Result::unwrap).collect();
    assert_eq!(got.len(), 2, "the dns: response is skipped");
    for (r, w) in got.iter().zip(wrote) {
        assert_eq!(r.found.url, w["uri"].as_str().unwrap());
        assert_eq!(u64::from(r.found.status), w["status"].as_u64().unwrap());
        assert_eq!(r.found.payload_sha256, w["sha256"].as_str().unwrap());
        assert_eq!(r.found.payload_digest_ok, Some(true));
        assert_eq!(r.found.file, "warcio.warc.gz");
    }
    assert_eq!(got[1].content(1000).unwrap(), b"Pangolin scales.");
    assert_eq!(got[1].found.status, 404);

    let f = find_url(dir, "http://market.test/ad/1").unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].http_header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
}
