//! Browser capture against plain HTTP, in one run (see `bench/browser.sh`):
//!   cargo run --release -p wildwatch-crawl --example browser_bench -- [PAGES] [TABS...]
//! 1. plain HTTP: PAGES ad pages of the fixture marketplace's Leboncoin-like site (server-rendered
//!    HTML of a real page's size), TABS requests in flight;
//! 2. the browser: PAGES ad pages of the JavaScript site Vitrine, each loaded in headless Chromium
//!    with TABS tabs at once (consent clicked, the ad waited for, DOM read, full-page screenshot),
//!    with the peak memory of Chromium's processes (sum of their resident sets, sampled every
//!    50 ms).
//!
//! Prints pages/s of each and their ratio.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use wildwatch_crawl::browser::{BrowserSettings, PageSteps, Renderer};
use wildwatch_crawl::fetch::{FetchConfig, Fetcher};
use wildwatch_fixture::jsshop::JsShop;
use wildwatch_fixture::{Fixture, FixtureConfig};

/// Resident memory (bytes) of every process whose command line names a wildwatch browser profile.
fn chromium_rss() -> u64 {
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return 0;
    };
    let mut total = 0;
    for p in procs.flatten() {
        let path = p.path();
        let Ok(cmd) = std::fs::read(path.join("cmdline")) else {
            continue;
        };
        if !String::from_utf8_lossy(&cmd).contains("wildwatch-browser-") {
            continue;
        }
        if let Ok(status) = std::fs::read_to_string(path.join("status")) {
            if let Some(kb) = status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                total += kb * 1024;
            }
        }
    }
    total
}

async fn http_run(urls: &[String], tabs: usize) -> f64 {
    let f = Fetcher::new(FetchConfig {
        rate_per_host: 0.0,
        concurrency_per_host: tabs,
        obey_robots: false,
        ..FetchConfig::default()
    })
    .expect("fetcher");
    let started = Instant::now();
    let ok = futures::stream::iter(urls.iter().cloned())
        .map(|u| {
            let f = &f;
            async move { f.fetch(&u).await.0.is_ok() }
        })
        .buffer_unordered(tabs)
        .filter(|ok| std::future::ready(*ok))
        .count()
        .await;
    assert_eq!(ok, urls.len(), "plain HTTP pages failed");
    urls.len() as f64 / started.elapsed().as_secs_f64()
}

async fn browser_run(urls: &[String], tabs: usize) -> (f64, u64) {
    let r = Renderer::new(BrowserSettings {
        timeout: Duration::from_secs(30),
        ..BrowserSettings::default()
    });
    let steps = PageSteps {
        consent_selector: Some("#consent-accept".into()),
        ready_selector: Some("#app .ad".into()),
    };
    // Start the browser before the clock: the launch is paid once per crawl.
    r.capture(&urls[0], &steps).await.expect("first capture");
    let peak = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, stop) = (peak.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                peak.fetch_max(chromium_rss(), Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    let started = Instant::now();
    let ok = futures::stream::iter(urls.iter().cloned())
        .map(|u| {
            let (r, steps) = (&r, &steps);
            async move {
                r.capture(&u, steps)
                    .await
                    .map(|c| c.ready && c.screenshot.is_some())
                    .unwrap_or(false)
            }
        })
        .buffer_unordered(tabs)
        .filter(|ok| std::future::ready(*ok))
        .count()
        .await;
    let rate = urls.len() as f64 / started.elapsed().as_secs_f64();
    stop.store(true, Ordering::SeqCst);
    let _ = sampler.join();
    r.restart().await;
    assert_eq!(ok, urls.len(), "browser captures failed");
    (rate, peak.load(Ordering::SeqCst))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let pages: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(60);
    let tabs: Vec<usize> = match args.get(1..) {
        Some(t) if !t.is_empty() => t.iter().filter_map(|a| a.parse().ok()).collect(),
        _ => vec![1, 2, 4],
    };
    let fx = Fixture::start(
        FixtureConfig {
            ads: pages * 6,
            seed: 3,
            slow_ms: 0,
        },
        None,
    )
    .expect("fixture");
    let http_urls: Vec<String> = fx
        .truth()
        .into_iter()
        .filter(|t| t.site == "leboncoin" && t.status == "live" && t.special == "none")
        .map(|t| t.url)
        .take(pages)
        .collect();
    let shop = JsShop::start_with("http://127.0.0.1:9/", pages).expect("js shop");
    let js_urls: Vec<String> = (0..pages)
        .map(|i| format!("{}/annonce/{}", shop.base_url, 7001 + i))
        .collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    println!(
        "{} pages per run ({} plain-HTTP ad pages of the Leboncoin-like site), 2 cores",
        pages,
        http_urls.len()
    );
    println!("tabs  http pages/s  browser pages/s  ratio  chromium peak RSS");
    for t in tabs {
        let h = rt.block_on(http_run(&http_urls, t));
        let (b, rss) = rt.block_on(browser_run(&js_urls, t));
        println!(
            "{t:>4}  {h:>12.1}  {b:>15.2}  {:>5.3}  {:>11.0} MB",
            b / h,
            rss as f64 / 1e6
        );
    }
}
