//! Browser capture end to end, offline: the fixture's JavaScript site (Vitrine) crawled through
//! headless Chromium finds every ad, keeps every response, the DOM and a screenshot in the WARC
//! files; the same site over plain HTTP finds none and says why; hostile pages are stopped within
//! the limits. Needs Debian's `chromium`; skipped without it unless WILDWATCH_REQUIRE_BROWSER=1
//! (CI sets it).

use std::io::Read;
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use wildwatch_crawl::browser::{find_chromium, BrowserSettings, PageSteps, Renderer};
use wildwatch_crawl::{crawl, Campaign, CrawlOptions};
use wildwatch_detect::Detector;
use wildwatch_fixture::jsshop::JsShop;
use wildwatch_store::{AdFilter, SqliteStore, Store};

fn browser_present() -> bool {
    if find_chromium().is_some() {
        return true;
    }
    assert!(
        std::env::var("WILDWATCH_REQUIRE_BROWSER").as_deref() != Ok("1"),
        "WILDWATCH_REQUIRE_BROWSER=1 but no chromium (apt-get install chromium)"
    );
    eprintln!("skipped: no chromium");
    false
}

/// A loopback service the campaign must never reach; counts the requests it gets (a connection
/// that sends bytes; an idle preconnect sends none).
fn forbidden_service() -> (String, Arc<AtomicUsize>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/secret", l.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let h = h.clone();
            std::thread::spawn(move || {
                let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
                let mut b = [0u8; 64];
                if matches!(s.read(&mut b), Ok(n) if n > 0) {
                    eprintln!("forbidden service got: {:?}", String::from_utf8_lossy(&b));
                    h.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
    });
    (url, hits)
}

fn campaign(shop: &JsShop, adapter_dirs_note: &str) -> (Campaign, serde_json::Value) {
    let t = format!(
        "name = \"js{adapter_dirs_note}\"\nrate_per_host = 0\nconcurrency_per_host = 2\nconcurrency = 2\ntimeout_secs = 10\nmax_attempts = 2\nphotos_per_ad = 0\nkeywords = [\"perroquet\"]\n\
         [browser]\npage_timeout_secs = 20\n\
         [[platform]]\nadapter = \"vitrine\"\nbase_url = \"{}\"\n",
        shop.base_url
    );
    Campaign::parse(&t, "test").unwrap()
}

fn opts(dir: &Path, adapter_dirs: Vec<std::path::PathBuf>) -> CrawlOptions {
    CrawlOptions {
        db: dir.join("w.db"),
        evidence: dir.join("evidence"),
        adapter_dirs,
        progress: false,
        max_fetches: None,
        allow_private: true,
    }
}

fn det() -> &'static Detector {
    static D: std::sync::OnceLock<Detector> = std::sync::OnceLock::new();
    D.get_or_init(|| Detector::shipped().unwrap())
}

/// Every record of every WARC file in `dir`: (type, target URI, payload).
fn records(dir: &Path) -> Vec<(String, String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        // Walk the gzip members (one record each), reading each record at its offset.
        let mut offset = 0u64;
        let bytes = std::fs::read(&f).unwrap();
        while (offset as usize) < bytes.len() {
            let r = match wildwatch_warc::read_record(dir, &name, offset) {
                Ok(r) => r,
                Err(_) => break,
            };
            let next = member_end(&bytes, offset as usize);
            out.push((
                r.warc_type().unwrap_or("").to_string(),
                r.target_uri().unwrap_or("").to_string(),
                r.payload().to_vec(),
            ));
            offset = next as u64;
        }
    }
    out
}

/// Where the gzip member starting at `start` ends.
fn member_end(bytes: &[u8], start: usize) -> usize {
    let mut d = flate2::bufread::GzDecoder::new(&bytes[start..]);
    let mut sink = Vec::new();
    d.read_to_end(&mut sink).unwrap();
    let rest = d.into_inner();
    bytes.len() - rest.len()
}

#[test]
fn the_javascript_site_is_crawled_through_the_browser_with_screenshots() {
    if !browser_present() {
        return;
    }
    let (elsewhere, _) = forbidden_service();
    let shop = JsShop::start(&elsewhere).unwrap();
    let (c, json) = campaign(&shop, "");
    let dir = tempfile::tempdir().unwrap();
    let r = crawl(&c, &json, &opts(dir.path(), vec![]), det()).unwrap();
    let ads = SqliteStore::open(&dir.path().join("w.db"))
        .unwrap()
        .list_ads(&AdFilter::default())
        .unwrap();
    assert_eq!(ads.len(), 12, "{r:?}");
    let grey = ads
        .iter()
        .find(|a| a.title.starts_with("Perroquet gris du Gabon"))
        .expect("the parrot ad");
    assert!(
        grey.species.iter().any(|s| s == "Psittacus erithacus"),
        "{:?}",
        grey.species
    );
    assert_eq!(grey.price_eur, Some(900.0));
    let phone = ads.iter().find(|a| a.title.starts_with("iPhone")).unwrap();
    assert!(phone.species.is_empty(), "{:?}", phone.species);

    // Evidence: each rendered page has its DOM and a PNG screenshot; the API answers the
    // scripts asked for are archived too; the files verify.
    let ev = dir.path().join("evidence");
    let report = wildwatch_warc::verify_dir(&ev).unwrap();
    assert!(report.is_ok(), "{:#?}", report.errors);
    let recs = records(&ev);
    let shots: Vec<_> = recs
        .iter()
        .filter(|(t, u, _)| t == "resource" && u.starts_with("urn:screenshot:"))
        .collect();
    assert!(shots.len() >= 12 + 3, "{} screenshots", shots.len());
    assert!(shots
        .iter()
        .all(|(_, _, png)| png.starts_with(b"\x89PNG\r\n\x1a\n")));
    let doms = recs
        .iter()
        .filter(|(t, u, _)| t == "resource" && u.starts_with("urn:dom:"))
        .count();
    assert_eq!(doms, shots.len());
    assert!(recs.iter().any(|(t, u, body)| t == "response"
        && u.contains("/api/annonces/7001")
        && String::from_utf8_lossy(body).contains("Perroquet")));
}

#[test]
fn over_plain_http_the_javascript_site_shows_no_ad_and_the_crawl_says_why() {
    let (elsewhere, _) = forbidden_service();
    let shop = JsShop::start(&elsewhere).unwrap();
    // The same adapter, loaded over plain HTTP.
    let adapters = tempfile::tempdir().unwrap();
    let vitrine = adapters.path().join("vitrine");
    std::fs::create_dir_all(&vitrine).unwrap();
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../adapters/vitrine/adapter.toml"),
    )
    .unwrap()
    .replace("render = \"browser\"", "render = \"http\"");
    std::fs::write(vitrine.join("adapter.toml"), text).unwrap();
    let (c, json) = campaign(&shop, "-http");
    let dir = tempfile::tempdir().unwrap();
    let r = crawl(
        &c,
        &json,
        &opts(dir.path(), vec![adapters.path().to_path_buf()]),
        det(),
    )
    .unwrap();
    assert_eq!(r.ads_new, 0, "{r:?}");
    let why = r.summary("js-http");
    assert!(
        why.contains("vitrine") && why.to_lowercase().contains("no ad"),
        "the summary should say the platform gave no ad: {why}"
    );
}

fn renderer(allow_private: bool, allow_hosts: Vec<String>) -> Renderer {
    Renderer::new(BrowserSettings {
        timeout: Duration::from_secs(6),
        allow_private,
        allow_hosts,
        ..BrowserSettings::default()
    })
}

#[test]
fn hostile_pages_are_stopped_within_the_limits() {
    if !browser_present() {
        return;
    }
    let (elsewhere, hits) = forbidden_service();
    let shop = JsShop::start(&elsewhere).unwrap();
    let host = shop.base_url.trim_start_matches("http://").to_string();
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Only the shop's own host:port may be reached, as a campaign on the open web would have it.
    let r = renderer(false, vec![host]);
    let steps = PageSteps::default();
    // Every capture ends within its page timeout (6 s) plus closing the tab or restarting the
    // browser; the outer 20 s would only catch a hang.
    let go = |path: &str| {
        let started = std::time::Instant::now();
        let r = rt.block_on(async {
            tokio::time::timeout(
                Duration::from_secs(20),
                r.capture(&format!("{}{path}", shop.base_url), &steps),
            )
            .await
            .expect("a capture must end within its own limit")
        });
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{path} took {:?}",
            started.elapsed()
        );
        r
    };

    // A script that never ends: stopped at the page timeout; the next page still works.
    let looped = go("/piege/boucle");
    assert!(
        matches!(looped, Err(wildwatch_crawl::fetch::FetchError::Timeout(_))),
        "{looped:?}"
    );
    // A page that never finishes loading: stopped too.
    let forever = go("/piege/sans-fin");
    assert!(forever.is_err(), "{forever:?}");
    // Popups are not opened; the page itself is captured.
    let popup = go("/piege/popup").unwrap();
    assert!(popup.dom.contains("popup"));
    assert!(
        popup.resources.iter().all(|e| !e.url.contains("?n=")),
        "a popup was loaded"
    );
    // A download is denied: its bytes are not saved in the working directory.
    let _ = go("/piege/telechargement");
    assert!(!Path::new("facture.exe").exists());
    // A redirect to another loopback service is refused before it leaves.
    let redirected = go("/piege/redirection").unwrap();
    assert!(
        redirected
            .blocked
            .iter()
            .any(|(u, _)| u.starts_with(&elsewhere)),
        "{:?}",
        redirected.blocked
    );
    // Chromium's predictor may open an idle TCP connection to a link target; no request is
    // ever sent to it.
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "the forbidden service was reached"
    );
    // After all that, a normal page renders.
    let ok = rt
        .block_on(r.capture(
            &format!("{}/annonce/7002", shop.base_url),
            &PageSteps {
                consent_selector: Some("#consent-accept".into()),
                ready_selector: Some("#app .ad".into()),
            },
        ))
        .unwrap();
    assert!(ok.dom.contains("ivoire"), "{}", ok.dom);
    assert!(ok.ready && ok.consent_clicked);
    assert!(ok.screenshot.unwrap().starts_with(b"\x89PNG"));
    rt.block_on(r.restart());
}
