//! Crawls of the fixture marketplace over loopback: all four site styles, robots.txt, blocked and
//! gone pages, resuming after an interruption without losing or duplicating anything, revisits.

use std::path::Path;

use wildwatch_crawl::{crawl, revisit, Campaign, CrawlOptions};
use wildwatch_detect::Detector;
use wildwatch_fixture::{Fixture, FixtureConfig};
use wildwatch_store::{AdFilter, SqliteStore, Store};

fn campaign(fx: &Fixture, keywords: &[&str]) -> (Campaign, serde_json::Value) {
    let mut t = String::from(
        "name = \"test\"\nrate_per_host = 0\nconcurrency_per_host = 8\ntimeout_secs = 5\nmax_body_bytes = 2000000\nmax_attempts = 2\n",
    );
    t.push_str(&format!(
        "keywords = [{}]\n",
        keywords
            .iter()
            .map(|k| format!("\"{k}\""))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    for s in &fx.sites {
        t.push_str(&format!(
            "[[platform]]\nadapter = \"{}\"\nbase_url = \"{}\"\nmax_pages = 2\n",
            s.name, s.base_url
        ));
    }
    Campaign::parse(&t, "test").unwrap()
}

fn opts(dir: &Path, max: Option<u64>) -> CrawlOptions {
    CrawlOptions {
        db: dir.join("w.db"),
        evidence: dir.join("evidence"),
        adapter_dirs: vec![],
        progress: false,
        max_fetches: max,
        allow_private: true,
    }
}

fn det() -> &'static Detector {
    static D: std::sync::OnceLock<Detector> = std::sync::OnceLock::new();
    D.get_or_init(|| Detector::shipped().unwrap())
}

#[test]
fn crawls_every_site_style_and_resumes_exactly() {
    let fx = Fixture::start(
        FixtureConfig {
            ads: 30,
            seed: 7,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let (c, json) = campaign(&fx, &["a"]);

    // One uninterrupted crawl.
    let full = tempfile::tempdir().unwrap();
    let r = crawl(&c, &json, &opts(full.path(), None), det()).unwrap();
    assert!(r.ads_new > 20, "{r:?}");
    assert!(r.robots > 0, "robots.txt Disallow must be obeyed: {r:?}");
    let all = SqliteStore::open(&full.path().join("w.db"))
        .unwrap()
        .list_ads(&AdFilter::default())
        .unwrap();
    for site in ["leboncoin", "kleinanzeigen", "marktplaats", "forum"] {
        let n = all.iter().filter(|a| a.platform == site).count();
        assert!(n > 0, "no ads from {site}");
        assert!(all
            .iter()
            .filter(|a| a.platform == site)
            .any(|a| !a.title.is_empty()));
    }
    assert!(
        all.iter().any(|a| a.risk == "high"),
        "some fixture ads are high risk"
    );
    assert!(all.iter().all(|a| !a.url.contains("/private/")));

    // The same crawl stopped every 15 pages and resumed: same ads, none twice.
    let parts = tempfile::tempdir().unwrap();
    let mut runs = 0;
    loop {
        runs += 1;
        let r = crawl(&c, &json, &opts(parts.path(), Some(15)), det()).unwrap();
        if r.pages == 0 || runs > 200 {
            break;
        }
    }
    let resumed = SqliteStore::open(&parts.path().join("w.db"))
        .unwrap()
        .list_ads(&AdFilter::default())
        .unwrap();
    let mut a: Vec<&str> = all.iter().map(|x| x.url.as_str()).collect();
    let mut b: Vec<&str> = resumed.iter().map(|x| x.url.as_str()).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b, "resumed crawl must store exactly the same ads");
    assert!(resumed.iter().all(|x| x.versions == 1));

    // Evidence: every stored page points at a WARC record that verifies.
    let v = wildwatch_warc::verify_dir(&full.path().join("evidence")).unwrap();
    assert!(v.errors.is_empty(), "{:?}", v.errors);
    assert!(v.responses as u64 >= r.pages);

    // Revisit after the world moved on: changes are versions, removals are gone.
    fx.advance();
    let r = revisit(&c, &json, &opts(full.path(), None), det()).unwrap();
    assert!(r.ads_changed > 0 || r.gone > 0, "{r:?}");
    let after = SqliteStore::open(&full.path().join("w.db"))
        .unwrap()
        .list_ads(&AdFilter::default())
        .unwrap();
    assert!(after.iter().any(|a| a.gone_at.is_some()) || after.iter().any(|a| a.versions > 1));
    fx.shutdown();
}
