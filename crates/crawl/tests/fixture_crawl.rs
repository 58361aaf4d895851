//! Crawls of the fixture marketplace over loopback: all five site styles, robots.txt, blocked and
//! gone pages, resuming after an interruption without losing or duplicating anything, revisits;
//! and the shipped adapters reading every fixture site's ad, search, gone and challenge pages.

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
    for site in ["leboncoin", "kleinanzeigen", "marktplaats", "forum", "ebay"] {
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

/// A listing's numbered page links are followed up to `max_pages`: its last page is queued by the
/// first page's commit (not after every page before it), each page once, none past `max_pages`.
#[test]
fn numbered_page_links_are_followed_up_to_max_pages_each_page_once() {
    let fx = Fixture::start(
        FixtureConfig {
            ads: 400,
            seed: 11,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let lbc = fx.site("leboncoin").unwrap();
    let mk = |max_pages: u32| {
        Campaign::parse(
            &format!(
                "name = \"pages\"\nrate_per_host = 0\nconcurrency_per_host = 8\ntimeout_secs = 5\nphotos_per_ad = 0\nkeywords = [\"\"]\n\
                 [[platform]]\nadapter = \"leboncoin\"\nbase_url = \"{}\"\nmax_pages = {max_pages}\n",
                lbc.base_url
            ),
            "test",
        )
        .unwrap()
    };
    let listed = fx
        .truth()
        .iter()
        .filter(|t| t.site == "leboncoin" && t.listed)
        .count();
    let last = listed.div_ceil(20) as u32;
    assert!(last >= 15, "{last} pages");
    for (max_pages, want) in [(1000, last), (7, 7)] {
        let (c, json) = mk(max_pages);
        let dir = tempfile::tempdir().unwrap();
        let r = crawl(&c, &json, &opts(dir.path(), None), det()).unwrap();
        let db = rusqlite::Connection::open(dir.path().join("w.db")).unwrap();
        let search: Vec<(u32, String, String)> = db
            .prepare("SELECT page, url, state FROM frontier WHERE kind = 'search' ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut pages: Vec<u32> = search.iter().map(|s| s.0).collect();
        pages.sort_unstable();
        assert_eq!(
            pages,
            (1..=want).collect::<Vec<_>>(),
            "max_pages {max_pages}: each page once, none past max_pages"
        );
        assert!(search.iter().all(|s| s.2 == "done"), "{search:?}");
        for (n, url, _) in &search {
            assert!(url.ends_with(&format!("&page={n}")), "page {n} is {url}");
        }
        // Page 1 showed 2..=5 and the last page: they were queued together, ahead of the middle.
        let order: Vec<u32> = search.iter().map(|s| s.0).collect();
        let expect_first: Vec<u32> = [1, 2, 3, 4, 5, last]
            .into_iter()
            .filter(|p| *p <= want)
            .collect();
        assert_eq!(order[..expect_first.len()], expect_first[..], "{order:?}");
        let stored: std::collections::BTreeSet<String> =
            SqliteStore::open(&dir.path().join("w.db"))
                .unwrap()
                .list_ads(&AdFilter::default())
                .unwrap()
                .into_iter()
                .map(|a| a.url)
                .collect();
        if max_pages == 1000 {
            let plain: Vec<String> = fx
                .truth()
                .into_iter()
                .filter(|t| t.site == "leboncoin" && t.listed && t.special == "none")
                .map(|t| t.url)
                .collect();
            assert!(plain.len() > listed / 2);
            for u in &plain {
                assert!(stored.contains(u), "listed ad {u} not reached: {r:?}");
            }
        }
        assert!(stored.len() <= want as usize * 20, "{} ads", stored.len());
    }
    fx.shutdown();
}

/// The forum carries a few posts that mention listed species without offering anything (news,
/// opinion, law talk); crawled like every other post, they are stored as not relevant, risk none.
#[test]
fn forum_discussion_posts_are_crawled_and_not_flagged() {
    let fx = Fixture::start(
        FixtureConfig {
            ads: 120,
            seed: 7,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let truth = fx.truth();
    let discussions: Vec<&str> = truth
        .iter()
        .filter(|t| t.site == "forum" && t.discussion && t.listed && t.special == "none")
        .map(|t| t.url.as_str())
        .collect();
    assert!(
        discussions.len() >= 2,
        "the forum shows a few discussion posts: {discussions:?}"
    );
    let forum = fx.sites.iter().find(|s| s.name == "forum").unwrap();
    let toml = format!(
        "name = \"talk\"\nrate_per_host = 0\nconcurrency_per_host = 8\ntimeout_secs = 5\nkeywords = [\"a\"]\n[[platform]]\nadapter = \"forum\"\nbase_url = \"{}\"\nmax_pages = 50\n",
        forum.base_url
    );
    let (c, json) = Campaign::parse(&toml, "talk").unwrap();
    let dir = tempfile::tempdir().unwrap();
    crawl(&c, &json, &opts(dir.path(), None), det()).unwrap();
    let stored = SqliteStore::open(&dir.path().join("w.db"))
        .unwrap()
        .list_ads(&AdFilter::default())
        .unwrap();
    let mut seen = 0;
    for url in &discussions {
        let Some(ad) = stored.iter().find(|a| a.url == *url) else {
            continue;
        };
        seen += 1;
        assert_eq!(
            (ad.risk.as_str(), ad.category.as_str()),
            ("none", "none"),
            "{}",
            ad.title
        );
    }
    assert!(
        seen >= 2,
        "crawled {seen} of {} discussion posts",
        discussions.len()
    );
    fx.shutdown();
}

/// robots.txt is fetched once per host for the campaign's lifetime (24 hours at most): a crawl
/// stopped and resumed three times reads the stored answer back instead of fetching it again.
#[test]
fn a_resumed_crawl_does_not_fetch_robots_txt_again() {
    let fx = Fixture::start(
        FixtureConfig {
            ads: 12,
            seed: 3,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let (c, json) = campaign(&fx, &["a"]);
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..3 {
        crawl(&c, &json, &opts(dir.path(), Some(6)), det()).unwrap();
    }
    let store = SqliteStore::open(&dir.path().join("w.db")).unwrap();
    for s in &fx.sites {
        let robots = format!("{}/robots.txt", s.base_url.trim_end_matches('/'));
        let fetched = store
            .pages_for(&robots)
            .unwrap()
            .into_iter()
            .filter(|p| p.kind == "robots")
            .count();
        assert_eq!(fetched, 1, "{robots} fetched {fetched} times");
    }
    fx.shutdown();
}

/// Every fixture site serves its pages as the shipped adapter (`adapters/<name>/adapter.toml`)
/// reads the real platform's: the search template's URL answers with result links the adapter
/// finds and a next page; ad pages give every field the adapter declares; removed ads and
/// anti-bot pages are recognised as such.
#[test]
fn shipped_adapters_read_every_fixture_site() {
    use wildwatch_crawl::adapter::Adapter;
    use wildwatch_crawl::extract::{classify, read_ad, search_links, PageClass};
    use wildwatch_crawl::fetch::{FetchConfig, Fetcher};

    let fx = Fixture::start(
        FixtureConfig {
            ads: 60,
            seed: 21,
            slow_ms: 10,
        },
        None,
    )
    .unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fetcher = Fetcher::new(FetchConfig {
        rate_per_host: 0.0,
        concurrency_per_host: 8,
        timeout: std::time::Duration::from_secs(5),
        ..Default::default()
    })
    .unwrap();
    let get = |url: &str| {
        let (r, _) = rt.block_on(fetcher.fetch(url));
        r.unwrap_or_else(|e| panic!("{url}: {e}"))
    };
    let truth = fx.truth();
    let no_query = |u: &str| u.split('?').next().unwrap().to_string();
    for site in &fx.sites {
        let name = site.name.as_str();
        let adapter = Adapter::load(name, &[]).unwrap();
        let ours = || truth.iter().filter(move |t| t.site == name);
        assert!(ours().count() >= 60, "{name}");

        // Search: the adapter's own template, keywords with a space.
        for (kw, page) in [("a", 1), ("a", 2), ("", 1)] {
            let url = adapter.search_url(&site.base_url, kw, page);
            let f = get(&url);
            assert_eq!(f.status, 200, "{url}");
            assert_eq!(classify(&f.text), PageClass::Normal, "{url}");
            let links = search_links(&f.text, &f.final_url, &adapter);
            assert!(
                links.ads.len() >= 10 && links.ads.len() <= 20,
                "{url}: {} ad links",
                links.ads.len()
            );
            for u in &links.ads {
                let t = ours().find(|t| {
                    t.listed_url == *u || (adapter.drop_query && no_query(&t.listed_url) == *u)
                });
                assert!(t.is_some(), "{url}: {u} is no listed ad");
                if t.unwrap().special == "none" {
                    assert_eq!(
                        adapter.ad_id(u).as_deref(),
                        Some(t.unwrap().id.as_str()),
                        "{u}"
                    );
                }
            }
            assert!(
                links.next.is_some() || !links.pages.is_empty(),
                "{url}: no next page"
            );
        }
        let phrase = search_links(
            &get(&adapter.search_url(&site.base_url, "zzzq qqq", 1)).text,
            &adapter.search_url(&site.base_url, "zzzq qqq", 1),
            &adapter,
        );
        assert!(phrase.ads.is_empty() && phrase.next.is_none(), "{name}");

        // Ad pages: every declared field, from the structure the adapter expects.
        let mut checked = 0;
        for t in ours()
            .filter(|t| t.status == "live" && t.special == "none")
            .take(8)
        {
            let f = get(&t.url);
            assert_eq!(f.status, 200, "{}", t.url);
            assert_eq!(classify(&f.text), PageClass::Normal, "{}", t.url);
            assert!(adapter.is_ad_url(&t.url), "{}", t.url);
            let read = read_ad(&f.text, &t.url, &adapter);
            assert!(read.matched(), "{}: {:?}", t.url, read.sources);
            let ad = &read.ad;
            assert_eq!(ad.title, t.title, "{}", t.url);
            assert_eq!(ad.external_id.as_deref(), Some(t.id.as_str()), "{}", t.url);
            assert_eq!(
                ad.seller.as_deref(),
                Some(t.seller_name.as_str()),
                "{}",
                t.url
            );
            // The forum writes prices in the text: "offers" and discussion posts have none.
            if name != "forum" || t.price.chars().any(|c| c.is_ascii_digit()) && !t.discussion {
                assert!(ad.price_text.is_some(), "{}: no price ({})", t.url, t.price);
            }
            assert!(
                ad.location.as_deref().is_some_and(|l| !l.is_empty()),
                "{}",
                t.url
            );
            assert!(
                ad.category.as_deref().is_some_and(|c| !c.is_empty()),
                "{}",
                t.url
            );
            assert_eq!(
                ad.images.len(),
                t.photos as usize,
                "{}: {:?}",
                t.url,
                ad.images
            );
            for i in &ad.images {
                assert!(i.starts_with(&site.base_url), "{}: photo {i}", t.url);
                let p = get(i);
                assert_eq!(p.status, 200, "{i}");
                assert_eq!(p.content_type.as_deref(), Some("image/jpeg"), "{i}");
            }
            match name {
                // eBay: the description is in an iframe and item pages show no date; the seller
                // id is the name in the seller's /usr/ or /str/ link.
                "ebay" => {
                    assert!(ad.seller_id.is_some(), "{}: seller id", t.url);
                }
                _ => {
                    assert!(!ad.description.is_empty(), "{}", t.url);
                    assert!(ad.posted.is_some(), "{}", t.url);
                    let id = ad
                        .seller_id
                        .as_deref()
                        .unwrap_or_else(|| panic!("{}", t.url));
                    if name == "leboncoin" {
                        assert_eq!(id.len(), 36, "{}: owner.user_id is a UUID", t.url);
                    } else {
                        assert_eq!(id, t.seller_id, "{}", t.url);
                    }
                }
            }
            if name != "ebay" && t.contact_in_text {
                assert!(!ad.contacts.is_empty(), "{}: contact in the text", t.url);
            }
            checked += 1;
        }
        assert!(checked >= 5, "{name}");

        // Removed ads: 404, 410 or a page the crawl recognises as gone.
        for t in ours().filter(|t| t.special == "unavailable") {
            let f = get(&t.url);
            assert_eq!(f.status, 200);
            assert_eq!(classify(&f.text), PageClass::Gone, "{}", t.url);
        }
        let f = get(&format!("{}/removed", site.base_url));
        assert_eq!(classify(&f.text), PageClass::Gone, "{name} /removed");
        // Anti-bot pages and login walls are recognised as blocked.
        for p in ["/challenge", "/login"] {
            let f = get(&format!("{}{p}", site.base_url));
            assert!(
                matches!(classify(&f.text), PageClass::Blocked(_)),
                "{name} {p}"
            );
        }
    }
    fx.shutdown();
}
