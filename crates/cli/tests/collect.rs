//! End-to-end collection through the binary: a crawl killed with SIGKILL resumes and ends with
//! exactly the ads of an uninterrupted crawl; imports report bad rows by line and deduplicate;
//! listings and evidence commands work on what was stored.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use assert_cmd::cargo::CommandCargoExt;
use wildwatch_fixture::{Fixture, FixtureConfig};

fn ww(data: &Path) -> Command {
    let mut c = Command::cargo_bin("wildwatch").unwrap();
    c.arg("--data").arg(data);
    c
}

fn campaign(fx: &Fixture, dir: &Path) -> std::path::PathBuf {
    let mut t = String::from("name = \"t\"\nkeywords = [\"a\"]\nrate_per_host = 0\nconcurrency_per_host = 4\ntimeout_secs = 5\n");
    for s in &fx.sites {
        t.push_str(&format!(
            "[[platform]]\nadapter = \"{}\"\nbase_url = \"{}\"\nmax_pages = 2\n",
            s.name, s.base_url
        ));
    }
    let p = dir.join("c.toml");
    std::fs::write(&p, t).unwrap();
    p
}

fn urls(data: &Path) -> Vec<String> {
    let out = ww(data)
        .args(["ads", "list", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut v: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let j: serde_json::Value = serde_json::from_str(l).unwrap();
            assert_eq!(j["versions"], 1, "an ad stored twice: {l}");
            j["url"].as_str().unwrap().to_string()
        })
        .collect();
    v.sort();
    v
}

#[test]
fn killed_crawl_resumes_without_loss_or_duplicates() {
    let fx = Fixture::start(
        FixtureConfig {
            ads: 25,
            seed: 5,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let c = campaign(&fx, dir.path());

    let full = dir.path().join("full");
    let st = ww(&full)
        .arg("crawl")
        .arg(&c)
        .arg("--quiet")
        .status()
        .unwrap();
    assert!(st.success());
    let want = urls(&full);
    assert!(want.len() > 20, "{}", want.len());

    let killed = dir.path().join("killed");
    for wait_ms in [700u64, 1500] {
        let mut child = ww(&killed)
            .arg("crawl")
            .arg(&c)
            .arg("--quiet")
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(wait_ms));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
    }
    let st = ww(&killed)
        .arg("crawl")
        .arg(&c)
        .arg("--quiet")
        .status()
        .unwrap();
    assert!(st.success());
    assert_eq!(urls(&killed), want);
    let v = ww(&killed).args(["evidence", "verify"]).output().unwrap();
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stdout));

    // Evidence show: headers and the WARC location of a stored ad page.
    let out = ww(&full)
        .args(["evidence", "show", &want[0]])
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && s.contains("warc.gz") && s.contains("sha256"),
        "{s}"
    );

    // Listing formats.
    let out = ww(&full)
        .args(["ads", "list", "--format", "csv", "--risk", "high"])
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.starts_with("id,platform,url,title"), "{csv}");
    let out = ww(&full)
        .args(["ads", "list", "--risk", "bogus"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--risk"));

    // WARC import (the crawl's own files, as another crawler's would be read): all deduplicated.
    let warc = std::fs::read_dir(full.join("evidence"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let out = ww(&full)
        .arg("import")
        .arg(&warc)
        .arg("--campaign")
        .arg("t")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("(0 new"), "{err}");
    fx.shutdown();
}

#[test]
fn imports_report_bad_rows_and_keep_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let csv = dir.path().join("ads.csv");
    std::fs::write(
        &csv,
        "id,title,description,price,platform\n1,Graupapagei Hahn,zahm ohne Papiere,650 €,kleinanzeigen\n2,,,,kleinanzeigen\n3,Elfenbein Netsuke,antik,VB,kleinanzeigen\n",
    )
    .unwrap();
    let out = ww(&data).arg("import").arg(&csv).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("line 3") && err.contains("imported 2 ads (2 new"),
        "{err}"
    );
    let jl = dir.path().join("ads.jsonl");
    std::fs::write(
        &jl,
        "{\"id\":\"1\",\"title\":\"Graupapagei Hahn\",\"description\":\"zahm ohne Papiere\",\"price_text\":\"650 €\",\"platform\":\"kleinanzeigen\"}\nnot json\n{\"id\":\"9\",\"title\":\"Uhu\"}\n",
    )
    .unwrap();
    let out = ww(&data).arg("import").arg(&jl).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 2") && err.contains("not valid JSON"),
        "{err}"
    );
    assert!(
        err.contains("imported 2 ads (1 new, 1 already stored)"),
        "{err}"
    );
    let out = ww(&data)
        .args(["ads", "list", "--risk", "high", "--format", "json"])
        .output()
        .unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("Psittacus erithacus"), "{s}");
    // Ads are committed in batches: a repeat inside one file (one batch) is still one ad, and a
    // file longer than a batch lands whole.
    let mut big = String::new();
    for i in 0..600 {
        big.push_str(&format!(
            "{{\"id\":\"b{}\",\"title\":\"Schildkröte {i}\",\"platform\":\"kleinanzeigen\"}}\n",
            i % 500
        ));
    }
    let jl = dir.path().join("big.jsonl");
    std::fs::write(&jl, big).unwrap();
    let out = ww(&data).arg("import").arg(&jl).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("imported 600 ads (500 new, 100 already stored)"),
        "{err}"
    );
}
