//! The fetcher against hostile servers (fixture endpoints): it stays within its time and size
//! limits, records the error, and goes on.

use std::time::{Duration, Instant};

use wildwatch_crawl::fetch::{FetchConfig, FetchError, Fetcher};
use wildwatch_fixture::{Fixture, FixtureConfig};

fn fetcher() -> Fetcher {
    Fetcher::new(FetchConfig {
        rate_per_host: 0.0,
        concurrency_per_host: 8,
        timeout: Duration::from_secs(2),
        max_body: 1_000_000,
        ..Default::default()
    })
    .unwrap()
}

#[test]
fn hostile_endpoints_stay_within_limits() {
    let fx = Fixture::start(
        FixtureConfig {
            ads: 10,
            seed: 1,
            slow_ms: 300,
        },
        None,
    )
    .unwrap();
    let base = fx.sites[0].base_url.clone();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let f = fetcher();
    let get = |path: &str| {
        let t = Instant::now();
        let (r, _) = rt.block_on(f.fetch(&format!("{base}{path}")));
        (r, t.elapsed())
    };

    // Never answers / trickles: a timeout, within the limit (plus a little slack).
    for p in ["/hostile/hang", "/hostile/trickle"] {
        let (r, took) = get(p);
        assert!(matches!(r, Err(FetchError::Timeout(_))), "{p}: {r:?}");
        assert!(took < Duration::from_secs(5), "{p} took {took:?}");
    }
    // Endless body and gzip bomb: cut at the cap, flagged.
    for p in ["/hostile/endless", "/hostile/gzip-bomb", "/big"] {
        let (r, took) = get(p);
        match r {
            Ok(page) => {
                assert!(page.truncated, "{p} not flagged as cut");
                assert!(
                    page.raw_body.len() <= 1_000_000 && page.text.len() <= 4_000_000,
                    "{p}"
                );
            }
            Err(FetchError::Timeout(_)) => {}
            Err(e) => panic!("{p}: {e}"),
        }
        assert!(took < Duration::from_secs(5), "{p} took {took:?}");
    }
    // Redirect loops and endless chains: an error naming the redirects.
    for p in [
        "/hostile/redirect-loop",
        "/hostile/redirect-chain/1",
        "/redirect/loop",
    ] {
        let (r, _) = get(p);
        assert!(
            matches!(&r, Err(FetchError::Http(m)) if m.contains("redirect")),
            "{p}: {r:?}"
        );
    }
    // A redirect chain that ends: followed, final URL recorded.
    let (r, _) = get("/redirect/chain");
    let page = r.unwrap();
    assert_eq!(page.status, 200);
    assert_ne!(page.final_url, page.url);
    // Wrong and bogus charsets, malformed HTML: decoded and parsed without panics.
    for p in [
        "/hostile/wrong-charset",
        "/hostile/bogus-charset",
        "/hostile/malformed",
    ] {
        let (r, _) = get(p);
        let page = r.unwrap_or_else(|e| panic!("{p}: {e}"));
        let a = wildwatch_crawl::extract::extract_ad(
            &page.text,
            &page.url,
            &wildwatch_crawl::adapter::Adapter::generic("x", "en"),
        );
        let _ = a.title;
    }
    // Latin-1 and windows-1252 pages decode to the right characters.
    let (r, _) = get("/charset/windows-1252");
    let page = r.unwrap();
    assert_eq!(page.charset, "windows-1252");
    assert!(
        !page.text.contains('\u{fffd}'),
        "replacement characters in a windows-1252 page"
    );
    let (r, _) = get("/charset/meta-only");
    assert_eq!(r.unwrap().charset, "windows-1252");
    let (r, _) = get("/charset/iso-8859-1");
    assert!(!r.unwrap().text.contains('\u{fffd}'));
    // robots.txt: /private/ is refused without a request reaching the server.
    fx.clear_requests();
    let (r, _) = get("/private/ad/1.htm");
    assert!(matches!(r, Err(FetchError::Robots)), "{r:?}");
    assert!(fx
        .requests()
        .iter()
        .all(|q| !q.target.starts_with("/private/")));
    fx.shutdown();
}
