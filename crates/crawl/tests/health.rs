//! A crawl never reports a silent zero: a platform that answers every search with a bot
//! challenge, or whose ad pages no longer have the structure its adapter reads, is named in the
//! crawl's summary with what happened, and its pages are stored with the reason.

use std::path::Path;

use wildwatch_crawl::{crawl, Campaign, CrawlOptions};
use wildwatch_detect::Detector;
use wildwatch_fixture::{Fixture, FixtureConfig};

fn det() -> &'static Detector {
    static D: std::sync::OnceLock<Detector> = std::sync::OnceLock::new();
    D.get_or_init(|| Detector::shipped().unwrap())
}

/// A user adapter folder `dir/NAME/adapter.toml`.
fn adapter(dir: &Path, name: &str, toml: &str) {
    std::fs::create_dir_all(dir.join(name)).unwrap();
    std::fs::write(dir.join(name).join("adapter.toml"), toml).unwrap();
}

fn run(
    fx: &Fixture,
    site: &str,
    adapter_name: &str,
    dir: &Path,
    keywords: &str,
    max_fetches: u64,
) -> wildwatch_crawl::CrawlReport {
    let base = &fx.sites.iter().find(|s| s.name == site).unwrap().base_url;
    let text = format!(
        "name = \"health\"\nrate_per_host = 0\nconcurrency_per_host = 8\ntimeout_secs = 5\n\
         max_attempts = 1\nkeywords = [{keywords}]\n\
         [[platform]]\nadapter = \"{adapter_name}\"\nbase_url = \"{base}\"\nmax_pages = 2\n"
    );
    let (c, json) = Campaign::parse(&text, "test").unwrap();
    let opts = CrawlOptions {
        db: dir.join("w.db"),
        evidence: dir.join("evidence"),
        adapter_dirs: vec![dir.join("adapters")],
        progress: false,
        max_fetches: Some(max_fetches),
        allow_private: true,
    };
    crawl(&c, &json, &opts, det()).unwrap()
}

#[test]
fn a_platform_that_answers_with_challenges_is_named_in_the_summary() {
    let fx = Fixture::start(
        FixtureConfig {
            ads: 20,
            seed: 3,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    // Every search of this platform lands on the fixture's bot challenge.
    adapter(
        &tmp.path().join("adapters"),
        "walled",
        "name = \"walled\"\nlang = \"fr\"\nsearch = \"{base}/challenge?q={keyword}&p={page}\"\n",
    );
    let r = run(&fx, "leboncoin", "walled", tmp.path(), "\"a\", \"b\"", 50);
    assert_eq!(r.ads_new, 0);
    let db = rusqlite::Connection::open(tmp.path().join("w.db")).unwrap();
    let reasons: Vec<String> = db
        .prepare("SELECT error FROM pages WHERE kind = 'blocked'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(reasons.len(), 2);
    assert!(
        reasons
            .iter()
            .all(|e| e.starts_with("bot challenge or login wall")),
        "{reasons:?}"
    );
    let summary = r.summary("health");
    assert!(
        summary.contains("walled: 2 of 2 search pages were bot challenges or login walls"),
        "{summary}"
    );
}

#[test]
fn ad_pages_that_lost_the_adapters_structure_are_said() {
    let fx = Fixture::start(
        FixtureConfig {
            ads: 20,
            seed: 3,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    // The forum's adapter as it would be after the forum changed its markup: its selectors
    // find nothing, and the forum has no structured data to fall back on.
    let shipped = wildwatch_crawl::adapter::Adapter::load("forum", &[]).unwrap();
    let mut toml = format!(
        "name = \"changed\"\nlang = \"en\"\nsearch = {:?}\npage_size = {}\n",
        shipped.search, shipped.page_size
    );
    for (k, v) in [
        ("ad_url_pattern", &shipped.ad_url_pattern),
        ("id_pattern", &shipped.id_pattern),
        ("next_page", &shipped.next_page),
    ] {
        if let Some(v) = v {
            toml.push_str(&format!("{k} = {v:?}\n"));
        }
    }
    toml.push_str("[fields]\ntitle = \"h2.topic-title-v2\"\ndescription = \".post-v2 .content\"\n");
    adapter(&tmp.path().join("adapters"), "changed", &toml);
    // The forum asks for a second between requests: a dozen pages are enough.
    let r = run(&fx, "forum", "changed", tmp.path(), "\"a\"", 12);
    let h = &r.platforms["changed"];
    assert!(h.ad_pages > 0, "{r:?}");
    assert_eq!(h.ad_pages_unmatched, h.ad_pages, "{h:?}");
    // The pages are stored with the reason.
    let db = rusqlite::Connection::open(tmp.path().join("w.db")).unwrap();
    let stored: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM pages WHERE kind = 'ad-unmatched'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored as u64, h.ad_pages);
    let summary = r.summary("health");
    assert!(
        summary.contains(&format!(
            "changed: {} ad pages, none matched the adapter's fields",
            h.ad_pages
        )),
        "{summary}"
    );
}
