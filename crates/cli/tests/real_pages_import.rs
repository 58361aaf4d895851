//! Importing a WARC of the saved real pages (`adapters/*/pages/`, at the URLs they were served
//! at, written as another crawler would: no wildwatch metadata) stores every ad page as an ad,
//! with the platform its host names, and nothing else: no search page, removed ad or bot
//! challenge becomes an ad.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use assert_cmd::cargo::CommandCargoExt;
use wildwatch_warc::{Exchange, WarcWriter};

fn ww(data: &Path) -> Command {
    let mut c = Command::cargo_bin("wildwatch").unwrap();
    c.arg("--data").arg(data);
    c
}

/// (platform folder, page URL, expected kind, HTML) of every saved page.
fn saved_pages() -> Vec<(String, String, String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../adapters");
    let mut out = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap().flatten() {
        let pages: PathBuf = dir.path().join("pages");
        let Ok(files) = std::fs::read_dir(&pages) else {
            continue;
        };
        let platform = dir.file_name().to_string_lossy().to_string();
        for f in files.flatten() {
            let p = f.path();
            if p.extension().is_some_and(|e| e == "html") {
                let e: serde_json::Value = serde_json::from_slice(
                    &std::fs::read(p.with_extension("expected.json")).unwrap(),
                )
                .unwrap();
                out.push((
                    platform.clone(),
                    e["url"].as_str().unwrap().to_string(),
                    e["kind"].as_str().unwrap().to_string(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out
}

#[test]
fn a_warc_of_the_saved_real_pages_imports_every_ad_page_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let warcs = tmp.path().join("warcs");
    std::fs::create_dir_all(&warcs).unwrap();
    let pages = saved_pages();
    let mut w = WarcWriter::open(&warcs, "real", 1 << 30).unwrap();
    for (_, url, _, html) in &pages {
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
            html.len()
        );
        let request = format!("GET {url} HTTP/1.1\r\nHost: x\r\n\r\n");
        w.write_exchange(&Exchange {
            url,
            ip: None,
            request_head: request.as_bytes(),
            response_head: head.as_bytes(),
            body: html,
            date: SystemTime::now(),
            metadata: serde_json::json!({}),
        })
        .unwrap();
    }
    w.flush().unwrap();
    let file = w.dir().join(w.current_file().unwrap());
    drop(w);

    let data = tmp.path().join("data");
    let out = ww(&data).arg("import").arg(&file).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");

    let listed = ww(&data)
        .args(["ads", "list", "--format", "json"])
        .output()
        .unwrap();
    assert!(listed.status.success());
    let stored: BTreeSet<(String, String)> = String::from_utf8(listed.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let j: serde_json::Value = serde_json::from_str(l).unwrap();
            let s = |k: &str| j[k].as_str().unwrap_or_default().to_string();
            (s("platform"), s("url"))
        })
        .collect();
    let want: BTreeSet<(String, String)> = pages
        .iter()
        .filter(|(_, _, kind, _)| kind == "ad")
        .map(|(p, u, _, _)| (p.clone(), u.clone()))
        .collect();
    assert!(want.len() >= 8, "{want:?}");
    assert_eq!(stored, want, "import said:\n{err}");
}

#[test]
fn adapters_check_shows_each_field_and_where_it_came_from() {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../adapters");
    let out = ww(tmp.path())
        .args(["adapters", "check", "leboncoin"])
        .arg(root.join("leboncoin/pages/reduction_nextdata_ad.html"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("ad id        2876543210"), "{text}");
    assert!(text.contains("seller_id    Adapter"), "{text}");
    assert!(text.contains("Défense en ivoire ancienne"), "{text}");
    assert!(text.contains("matched:"), "{text}");

    let out = ww(tmp.path())
        .args(["adapters", "check", "kleinanzeigen"])
        .arg(root.join("kleinanzeigen/pages/blocked_bot_challenge_2021.html"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("bot challenge"), "{text}");

    let out = ww(tmp.path())
        .args(["adapters", "check", "leboncoin", "/no/such/page.html"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such file"));
}
