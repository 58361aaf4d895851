//! Browser capture through the binary: the fixture's JavaScript site crawled in headless
//! Chromium; an evidence package of one of its ads holds the screenshot (hashed in the manifest)
//! and the rendered DOM, and checks; the same package as WACZ, imported again, gives the same ad
//! with the same words (read from the DOM, not from the empty shell the server sent). Needs
//! Debian's `chromium`; skipped without it unless WILDWATCH_REQUIRE_BROWSER=1 (CI sets it).

use std::io::{Cursor, Read};
use std::path::Path;
use std::process::{Command, Output};

use assert_cmd::cargo::CommandCargoExt;
use wildwatch_fixture::jsshop::JsShop;

fn ww(data: &Path) -> Command {
    let mut c = Command::cargo_bin("wildwatch").unwrap();
    c.arg("--data").arg(data).env("USER", "tester");
    c
}

fn run(c: &mut Command) -> (Output, String) {
    let out = c.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out, text)
}

fn ads(data: &Path) -> Vec<serde_json::Value> {
    let (out, text) = run(ww(data).args(["ads", "list", "--format", "json"]));
    assert!(out.status.success(), "{text}");
    text.lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[test]
fn a_browser_capture_goes_into_packages_and_comes_back_from_wacz() {
    if wildwatch_crawl::browser::find_chromium().is_none() {
        assert!(
            std::env::var("WILDWATCH_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "WILDWATCH_REQUIRE_BROWSER=1 but no chromium"
        );
        eprintln!("skipped: no chromium");
        return;
    }
    let shop = JsShop::start("http://127.0.0.1:9/").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let campaign = dir.path().join("js.toml");
    std::fs::write(
        &campaign,
        format!(
            "name = \"js\"\nkeywords = [\"perroquet\"]\nrate_per_host = 0\nconcurrency_per_host = 2\n\
             timeout_secs = 10\nphotos_per_ad = 0\n[[platform]]\nadapter = \"vitrine\"\nbase_url = \"{}\"\n",
            shop.base_url
        ),
    )
    .unwrap();
    let (out, text) = run(ww(&data).arg("crawl").arg(&campaign).arg("--quiet"));
    assert!(out.status.success(), "{text}");
    let listed = ads(&data);
    assert_eq!(listed.len(), 12, "{text}");
    let ivory = listed
        .iter()
        .find(|a| a["title"] == "Defense ivoire ancienne sculptee")
        .expect("the ivory ad");
    let id = ivory["id"].as_i64().unwrap();

    // The package holds the screenshot, listed with its hash, and the DOM record; it checks.
    let zip = dir.path().join("case.zip");
    let (out, text) = run(ww(&data)
        .args(["evidence", "package", "--ads", &id.to_string(), "--out"])
        .arg(&zip));
    assert!(out.status.success(), "{text}");
    let key = text
        .lines()
        .find_map(|l| l.strip_prefix("public key: "))
        .unwrap()
        .to_string();
    let (out, text) = run(ww(&data)
        .args(["evidence", "check"])
        .arg(&zip)
        .args(["--public-key", &key]));
    assert!(out.status.success() && text.contains("OK: "), "{text}");
    let bytes = std::fs::read(&zip).unwrap();
    let mut z = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
    let mut manifest = String::new();
    z.by_name("manifest.json")
        .unwrap()
        .read_to_string(&mut manifest)
        .unwrap();
    let shot = format!("ads/{id}/screenshot-");
    assert!(manifest.contains(&shot), "{manifest}");
    let name = (0..z.len())
        .map(|i| z.by_index(i).unwrap().name().unwrap().to_string())
        .find(|n| n.starts_with(&shot) && n.ends_with(".png"))
        .unwrap();
    let mut png = Vec::new();
    z.by_name(&name).unwrap().read_to_end(&mut png).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let mut warc = Vec::new();
    z.by_name(&format!("ads/{id}/pages.warc.gz"))
        .unwrap()
        .read_to_end(&mut warc)
        .unwrap();
    let mut plain = Vec::new();
    flate2::read::MultiGzDecoder::new(&warc[..])
        .read_to_end(&mut plain)
        .unwrap();
    let plain = String::from_utf8_lossy(&plain);
    assert!(plain.contains("WARC-Target-URI: urn:dom:"), "no DOM record");
    assert!(
        plain.contains("WARC-Target-URI: urn:screenshot:"),
        "no screenshot record"
    );

    // As WACZ, imported into a fresh data directory: the same ad, read from its DOM.
    let wacz = dir.path().join("case.wacz");
    let (out, text) = run(ww(&data)
        .args(["evidence", "package", "--ads", &id.to_string()])
        .args(["--format", "wacz", "--out"])
        .arg(&wacz));
    assert!(out.status.success(), "{text}");
    let fresh = dir.path().join("from-wacz");
    let (out, text) = run(ww(&fresh)
        .arg("import")
        .arg(&wacz)
        .args(["--campaign", "case"]));
    assert!(out.status.success(), "{text}");
    let again = ads(&fresh);
    assert_eq!(again.len(), 1, "{again:?}");
    assert_eq!(again[0]["url"], ivory["url"]);
    assert_eq!(again[0]["title"], ivory["title"]);
    assert_eq!(again[0]["risk"], ivory["risk"]);
}
