//! `import` never guesses: a CSV row that is not certainly one row is a bad row (with its line),
//! never a merged ad; an unreadable WARC record is skipped and the records after it are read;
//! invalid UTF-8 is replaced and counted; and importing a crawl's WARC files into a fresh store
//! gives exactly the ads the crawl stored, as do the same files packed as a WACZ.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use wildwatch_fixture::{Fixture, FixtureConfig};

fn ww(data: &Path) -> Command {
    let mut c = Command::cargo_bin("wildwatch").unwrap();
    c.arg("--data").arg(data);
    c
}

/// Runs `import FILE ARGS…` on `data`; its stderr.
fn import(data: &Path, file: &Path, args: &[&str]) -> String {
    let out = ww(data)
        .arg("import")
        .arg(file)
        .args(args)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{err}");
    err
}

/// Stored ads (latest versions): URL → (title, seller).
fn ads(data: &Path) -> BTreeMap<String, (String, String)> {
    let out = ww(data)
        .args(["ads", "list", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let j: serde_json::Value = serde_json::from_str(l).unwrap();
            let s = |k: &str| j[k].as_str().unwrap_or_default().to_string();
            (s("url"), (s("title"), s("seller")))
        })
        .collect()
}

#[test]
fn a_stray_quote_is_a_bad_row_never_a_merged_ad() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let csv = dir.path().join("ads.csv");
    // The quote on line 2 is never closed where it should be: the csv crate alone reads lines 2
    // to 4 as one row of 4 fields ("5 €" as its price, "otto" as its seller).
    std::fs::write(
        &csv,
        "url,title,price,seller\n\
         https://m.test/ad/1,\"Graupapagei Hahn, zahm,650 €,hans\n\
         https://m.test/ad/2,Uhu,300 €,fritz\n\
         https://m.test/ad/3,\"Elfenbein Netsuke\",5 €,otto\n\
         https://m.test/ad/4,Kauz,80 €,anna,extra\n\
         https://m.test/ad/5,\"Schildkröte\nzwei Zeilen\",80 €,bert\n",
    )
    .unwrap();
    let err = import(&data, &csv, &[]);
    let at = |line: u64| format!("{}: line {line}: ", csv.display());
    assert!(
        err.contains(&format!("{}text after the closing quote", at(2))),
        "{err}"
    );
    assert!(
        err.contains(&format!("{}5 fields where the header has 4 columns", at(5))),
        "{err}"
    );
    assert!(
        err.contains("imported 3 ads (3 new, 0 already stored)") && err.contains("; 2 bad rows"),
        "{err}"
    );
    let got = ads(&data);
    let want: BTreeMap<String, (String, String)> = [
        ("https://m.test/ad/2", "Uhu", "fritz"),
        ("https://m.test/ad/3", "Elfenbein Netsuke", "otto"),
        ("https://m.test/ad/5", "Schildkröte\nzwei Zeilen", "bert"),
    ]
    .iter()
    .map(|(u, t, s)| (u.to_string(), (t.to_string(), s.to_string())))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn invalid_utf8_is_replaced_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let csv = dir.path().join("latin1.csv");
    std::fs::write(
        &csv,
        b"id,title,platform\n1,Schildkr\xf6te,kleinanzeigen\n2,Uhu,kleinanzeigen\n",
    )
    .unwrap();
    let err = import(&data, &csv, &[]);
    assert!(
        err.contains("imported 2 ads (2 new")
            && err.contains("; 0 bad rows; 1 rows with bytes that are not UTF-8"),
        "{err}"
    );
    let jl = dir.path().join("latin1.jsonl");
    std::fs::write(
        &jl,
        b"{\"id\":\"3\",\"title\":\"Elfenbein \xe9l\xe9phant\"}\n{\"id\":\"4\",\"title\":\"Kauz\"}\n",
    )
    .unwrap();
    let err = import(&data, &jl, &[]);
    assert!(
        err.contains("imported 2 ads (2 new")
            && err.contains("; 0 bad rows; 1 rows with bytes that are not UTF-8"),
        "{err}"
    );
    let titles: Vec<String> = ads(&data).into_values().map(|(t, _)| t).collect();
    assert!(
        titles.contains(&"Schildkr\u{fffd}te".to_string()),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"Elfenbein \u{fffd}l\u{fffd}phant".to_string()),
        "{titles:?}"
    );
}

/// An uncompressed WARC record (as any crawler may write it) of an HTML ad page.
fn response_record(i: usize, content_length: Option<&str>) -> Vec<u8> {
    let block = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
         <html><head><title>Uhu {i}</title></head><body><h1>Uhu {i}</h1>\
         <p>Junger Uhu aus Nachzucht, Nummer {i}.</p></body></html>"
    );
    let len = block.len().to_string();
    format!(
        "WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{i:012}>\r\n\
         WARC-Date: 2024-05-01T12:00:00Z\r\nWARC-Target-URI: https://m.test/ad/{i}\r\n\
         Content-Type: application/http;msgtype=response\r\nContent-Length: {}\r\n\r\n{block}\r\n\r\n",
        content_length.unwrap_or(&len)
    )
    .into_bytes()
}

#[test]
fn an_absurd_content_length_skips_one_record_not_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let warc = dir.path().join("other.warc");
    let mut bytes = Vec::new();
    let mut bad_offset = 0;
    for i in 0..126 {
        if i == 3 {
            bad_offset = bytes.len();
        }
        let cl = (i == 3).then_some("99999999999");
        bytes.extend(response_record(i, cl));
    }
    std::fs::write(&warc, bytes).unwrap();
    let err = import(&data, &warc, &[]);
    assert!(
        err.contains(&format!(
            "other.warc @ {bad_offset}: truncated record or wrong Content-Length: Content-Length is 99999999999"
        )),
        "{err}"
    );
    assert!(
        err.contains("imported 125 ads (125 new") && err.contains("; 1 unreadable records skipped"),
        "{err}"
    );
    let got = ads(&data);
    assert_eq!(got.len(), 125);
    assert!(!got.contains_key("https://m.test/ad/3"));
}

fn campaign(fx: &Fixture, dir: &Path) -> PathBuf {
    let mut t = String::from(
        "name = \"t\"\nkeywords = [\"\"]\nrate_per_host = 0\nconcurrency_per_host = 4\n\
         timeout_secs = 5\nphotos_per_ad = 1\nmax_body_bytes = 2000000\n",
    );
    for s in &fx.sites {
        t.push_str(&format!(
            "[[platform]]\nadapter = \"{}\"\nbase_url = \"{}\"\nmax_pages = 3\n",
            s.name, s.base_url
        ));
    }
    let p = dir.join("c.toml");
    std::fs::write(&p, t).unwrap();
    p
}

#[test]
fn importing_a_crawls_warc_files_gives_the_crawls_ads() {
    // 50 ads a site: every awkward kind of ad (challenge, login wall, 404, 410, "no longer
    // available", the page over 10 MB), search pages over three listing pages, photos.
    let fx = Fixture::start(
        FixtureConfig {
            ads: 50,
            seed: 3,
            slow_ms: 100,
        },
        None,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let crawled = dir.path().join("crawled");
    let c = campaign(&fx, dir.path());
    let out = ww(&crawled)
        .arg("crawl")
        .arg(&c)
        .arg("--quiet")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    fx.shutdown();
    let want = ads(&crawled);
    assert!(want.len() > 100, "{}", want.len());

    let fresh = dir.path().join("fresh");
    let mut files: Vec<PathBuf> = std::fs::read_dir(crawled.join("evidence"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in &files {
        let err = import(&fresh, f, &["--campaign", "t"]);
        eprintln!("{err}");
        assert!(err.contains("; 0 unreadable records skipped"), "{err}");
    }
    let got = ads(&fresh);
    let only_crawl: Vec<_> = want.keys().filter(|u| !got.contains_key(*u)).collect();
    let only_import: Vec<_> = got.keys().filter(|u| !want.contains_key(*u)).collect();
    assert!(
        only_crawl.is_empty() && only_import.is_empty(),
        "crawl {} ads, import {} ads; only in the crawl: {only_crawl:?}; only in the import: {only_import:?}",
        want.len(),
        got.len()
    );
    let titles = |m: &BTreeMap<String, (String, String)>| -> Vec<(String, String)> {
        m.iter().map(|(u, (t, _))| (u.clone(), t.clone())).collect()
    };
    assert_eq!(titles(&got), titles(&want));
    the_same_files_as_a_wacz_give_the_same_ads(dir.path(), &files, &got);
}

/// The crawl's WARC files packed as a WACZ import to the same ads; the same WACZ with one WARC
/// altered is refused with the entry named, and what was stored stays.
fn the_same_files_as_a_wacz_give_the_same_ads(
    dir: &Path,
    files: &[PathBuf],
    want: &BTreeMap<String, (String, String)>,
) {
    let wacz = dir.join("crawl.wacz");
    let meta = wildwatch_warc::WaczMeta {
        title: "crawl",
        created: "2026-12-07T00:00:00Z",
        pages: &[],
        extra: &[],
    };
    wildwatch_warc::write_wacz(&wacz, files, &meta).unwrap();
    let data = dir.join("from-wacz");
    let err = import(&data, &wacz, &["--campaign", "t"]);
    assert!(
        err.contains("hashes checked against datapackage.json"),
        "{err}"
    );
    assert!(err.contains("; 0 unreadable records skipped"), "{err}");
    assert_eq!(&ads(&data), want);

    // One byte of the first WARC changed inside the zip (stored, so the bytes are there as is).
    let mut bytes = std::fs::read(&wacz).unwrap();
    let name = files[0].file_name().unwrap().to_str().unwrap();
    let at = bytes
        .windows(name.len())
        .position(|w| w == name.as_bytes())
        .unwrap();
    // The local header's name is followed by the WARC's bytes; flip one well inside them.
    bytes[at + name.len() + 200] ^= 0x20;
    let bad = dir.join("tampered.wacz");
    std::fs::write(&bad, bytes).unwrap();
    let out = ww(&data)
        .arg("import")
        .arg(&bad)
        .args(["--campaign", "t2"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains(&format!("archive/{name}")), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(&ads(&data), want);
}
