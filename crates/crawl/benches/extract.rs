//! Extraction throughput on one core (issue 4's "ad pages extracted per core"), not a test.
//!
//! `cargo bench -p wildwatch-crawl --bench extract -- [ADS_PER_SITE] [ROUNDS]`
//!
//! Starts the fixture marketplace in-process, fetches every live ad page of the four sites over
//! loopback once, then, on one thread, times over the same pages:
//! 1. the baseline: html5ever parsing the page into a DOM (`scraper::Html::parse_document`),
//!    the least any DOM-based extraction must do;
//! 2. extraction: page class + `extract_ad` (adapter selectors, JSON-LD, microdata, OpenGraph,
//!    main text, contacts), what the crawl runs on every ad page;
//! 3. extraction + detection (`detect`), the whole per-page work before the store.
//!
//! It prints pages/s for each, per site and overall, and the ratios to the baseline.

use std::time::{Duration, Instant};

use wildwatch_crawl::adapter::Adapter;
use wildwatch_crawl::extract;
use wildwatch_crawl::fetch::{FetchConfig, Fetcher};
use wildwatch_detect::Detector;
use wildwatch_fixture::{Fixture, FixtureConfig};

struct Page {
    site: String,
    url: String,
    html: String,
}

fn fetch_pages(ads: usize) -> Vec<Page> {
    let fx = Fixture::start(
        FixtureConfig {
            ads,
            seed: 3,
            slow_ms: 1,
        },
        None,
    )
    .expect("fixture starts");
    let truth: Vec<_> = fx
        .truth()
        .into_iter()
        .filter(|t| t.status == "live" && t.special == "none")
        .collect();
    let fetcher = Fetcher::new(FetchConfig {
        rate_per_host: 0.0,
        concurrency_per_host: 16,
        obey_robots: false,
        timeout: Duration::from_secs(20),
        ..Default::default()
    })
    .expect("fetcher");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let pages = rt.block_on(async {
        use futures::StreamExt;
        futures::stream::iter(truth.iter())
            .map(|t| {
                let f = &fetcher;
                async move { (t, f.fetch(&t.url).await.0) }
            })
            .buffer_unordered(32)
            .filter_map(|(t, r)| async move {
                let f = r.ok().filter(|f| f.status == 200)?;
                Some(Page {
                    site: t.site.clone(),
                    url: t.url.clone(),
                    html: f.text,
                })
            })
            .collect::<Vec<_>>()
            .await
    });
    fx.shutdown();
    pages
}

fn time<F: FnMut(&Page)>(pages: &[&Page], rounds: usize, mut f: F) -> Duration {
    let start = Instant::now();
    for _ in 0..rounds {
        for p in pages {
            f(p);
        }
    }
    start.elapsed()
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let ads = args.first().copied().unwrap_or(500);
    let rounds = args.get(1).copied().unwrap_or(3).max(1);
    let det = Detector::shipped().expect("shipped detector");
    let mut pages = fetch_pages(ads);
    pages.sort_by(|a, b| (&a.site, &a.url).cmp(&(&b.site, &b.url)));
    let mut sites: Vec<String> = pages.iter().map(|p| p.site.clone()).collect();
    sites.dedup();
    let adapters: Vec<(String, Adapter)> = sites
        .iter()
        .map(|s| (s.clone(), Adapter::load(s, &[]).expect("shipped adapter")))
        .collect();
    let adapter = |site: &str| &adapters.iter().find(|(s, _)| s == site).unwrap().1;
    let bytes: usize = pages.iter().map(|p| p.html.len()).sum();
    println!(
        "{} ad pages ({} sites, {:.1} KB per page on average), {rounds} rounds, one thread",
        pages.len(),
        sites.len(),
        bytes as f64 / pages.len().max(1) as f64 / 1000.0
    );
    println!(
        "{:<14} {:>8} {:>14} {:>14} {:>18} {:>8}",
        "site", "pages", "parse only/s", "extract/s", "extract+detect/s", "ratio"
    );
    let mut groups: Vec<(String, Vec<&Page>)> = sites
        .iter()
        .map(|s| (s.clone(), pages.iter().filter(|p| &p.site == s).collect()))
        .collect();
    groups.push(("all".into(), pages.iter().collect()));
    for (site, group) in &groups {
        let n = (group.len() * rounds) as f64;
        let parse = time(group, rounds, |p| {
            std::hint::black_box(scraper::Html::parse_document(&p.html));
        });
        let ext = time(group, rounds, |p| {
            std::hint::black_box(extract::classify(&p.html));
            std::hint::black_box(extract::extract_ad(&p.html, &p.url, adapter(&p.site)));
        });
        let both = time(group, rounds, |p| {
            std::hint::black_box(extract::classify(&p.html));
            let ad = extract::extract_ad(&p.html, &p.url, adapter(&p.site));
            std::hint::black_box(wildwatch_crawl::detect(&det, &ad));
        });
        let per_s = |d: Duration| n / d.as_secs_f64();
        println!(
            "{:<14} {:>8} {:>14.0} {:>14.0} {:>18.0} {:>8.2}",
            site,
            group.len(),
            per_s(parse),
            per_s(ext),
            per_s(both),
            ext.as_secs_f64() / parse.as_secs_f64()
        );
    }
    println!("ratio = extraction time / parse-only time (same pages, same run)");
}
