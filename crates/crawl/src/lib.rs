//! Collection: campaigns, the polite resumable crawler, site adapters and extraction.
//!
//! A crawl is driven by the store's frontier: search pages and ad pages are queued there, fetched
//! concurrently (politely, per host), archived to WARC, read, scanned by the detector, and
//! committed in one transaction per page. Killed at any moment, the same command continues with
//! the URLs still pending: nothing committed is fetched again, nothing uncommitted is lost.

pub mod adapter;
pub mod browser;
pub mod extract;
pub mod fetch;
pub mod fields;
pub mod guard;
pub mod health;
pub mod photo;
mod pipeline;
pub mod policy;
mod robots;
pub mod verdict;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use futures::StreamExt;
use serde::Deserialize;
use wildwatch_detect::{AdInput, Detector};
use wildwatch_store::{
    AdContent, AdOutcome, DetectionRecord, FetchCommit, FetchState, FrontierItem, PageRecord,
    PhotoCommit, SqliteStore, Store, StoreError, UrlKind,
};
use wildwatch_warc::{Exchange, WarcWriter};

use adapter::Adapter;
use extract::PageClass;
use fetch::{FetchConfig, FetchError, Fetched, Fetcher};
pub use pipeline::{archive, archive_encoded, encode_archive, Archived, Prepared};
use pipeline::{
    discovered_from_search, fetch_failed, photo_hash, photo_items, prepare, unreadable, Batch,
};
use verdict::PageVerdict;

/// Crawl errors.
#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    /// A campaign or adapter file is wrong.
    #[error("{0}")]
    Config(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Files.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// A campaign file (`CAMPAIGN.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    /// Campaign name (unique in the store).
    pub name: String,
    /// Countries covered (informative).
    #[serde(default)]
    pub countries: Vec<String>,
    /// Languages covered (informative; each platform searches in its own).
    #[serde(default)]
    pub languages: Vec<String>,
    /// Keywords for every platform (default: generated from the reference names in each
    /// platform's language).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// At most this many generated keywords per platform.
    #[serde(default = "d_max_keywords")]
    pub max_keywords: usize,
    /// User-Agent (default: wildwatch/VERSION with a description).
    #[serde(default)]
    pub user_agent: Option<String>,
    /// Requests per second per host (0 = no limit; robots.txt Crawl-delay may lower it).
    #[serde(default = "d_rate")]
    pub rate_per_host: f64,
    /// Requests in flight per host.
    #[serde(default = "d_conc_host")]
    pub concurrency_per_host: usize,
    /// Requests in flight overall.
    #[serde(default = "d_conc")]
    pub concurrency: usize,
    /// Per-request timeout (seconds).
    #[serde(default = "d_timeout")]
    pub timeout_secs: f64,
    /// Body-size cap (bytes).
    #[serde(default = "d_max_body")]
    pub max_body_bytes: usize,
    /// Attempts before a URL is given up.
    #[serde(default = "d_attempts")]
    pub max_attempts: u32,
    /// WARC files rotate at this size (bytes).
    #[serde(default = "d_warc")]
    pub warc_max_bytes: u64,
    /// Photos fetched per ad (archived as evidence and hashed to find the same picture on other
    /// ads); 0 fetches none.
    #[serde(default = "d_photos")]
    pub photos_per_ad: usize,
    /// Platforms.
    #[serde(rename = "platform", default)]
    pub platforms: Vec<PlatformConfig>,
    /// The headless browser of platforms whose adapter says `render = "browser"`.
    #[serde(default)]
    pub browser: browser::BrowserSection,
}

fn d_max_keywords() -> usize {
    30
}
fn d_rate() -> f64 {
    2.0
}
fn d_conc_host() -> usize {
    2
}
fn d_conc() -> usize {
    16
}
fn d_timeout() -> f64 {
    20.0
}
fn d_max_body() -> usize {
    5_000_000
}
fn d_attempts() -> u32 {
    3
}
fn d_warc() -> u64 {
    100_000_000
}
fn d_photos() -> usize {
    4
}

/// One platform of a campaign.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformConfig {
    /// Adapter name.
    pub adapter: String,
    /// Base URL override (e.g. the fixture marketplace).
    #[serde(default)]
    pub base_url: Option<String>,
    /// Keywords for this platform (default: the campaign's, else generated).
    #[serde(default)]
    pub keywords: Option<Vec<String>>,
    /// Most search pages per keyword (default: the adapter's).
    #[serde(default)]
    pub max_pages: Option<u32>,
}

impl Campaign {
    /// Reads and checks a campaign file.
    pub fn from_file(p: &Path) -> Result<(Campaign, serde_json::Value), CrawlError> {
        let text = std::fs::read_to_string(p)
            .map_err(|e| CrawlError::Config(format!("{}: {e}", p.display())))?;
        Campaign::parse(&text, &p.display().to_string())
    }

    /// Parses and checks a campaign's text; also returns it as JSON for the store.
    pub fn parse(text: &str, origin: &str) -> Result<(Campaign, serde_json::Value), CrawlError> {
        let c: Campaign =
            toml::from_str(text).map_err(|e| CrawlError::Config(format!("{origin}: {e}")))?;
        if c.name.trim().is_empty() {
            return Err(CrawlError::Config(format!("{origin}: `name` is empty")));
        }
        if c.platforms.is_empty() {
            return Err(CrawlError::Config(format!(
                "{origin}: no [[platform]] (add one with adapter = \"NAME\")"
            )));
        }
        if c.timeout_secs.is_nan()
            || c.timeout_secs <= 0.0
            || c.max_body_bytes == 0
            || c.concurrency == 0
        {
            return Err(CrawlError::Config(format!(
                "{origin}: timeout_secs, max_body_bytes and concurrency must be positive"
            )));
        }
        let value: toml::Value =
            toml::from_str(text).map_err(|e| CrawlError::Config(format!("{origin}: {e}")))?;
        let json = serde_json::to_value(value)
            .map_err(|e| CrawlError::Config(format!("{origin}: {e}")))?;
        Ok((c, json))
    }
}

/// Where a crawl keeps its data, and run options.
#[derive(Debug, Clone)]
pub struct CrawlOptions {
    /// SQLite database.
    pub db: PathBuf,
    /// WARC directory.
    pub evidence: PathBuf,
    /// User adapter folders (searched before the shipped adapters).
    pub adapter_dirs: Vec<PathBuf>,
    /// Show a progress bar.
    pub progress: bool,
    /// Stop after this many pages (tests; the crawl resumes on the next run).
    pub max_fetches: Option<u64>,
    /// Allow fetching loopback and private addresses (the fixture marketplace).
    pub allow_private: bool,
}

/// What a crawl did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CrawlReport {
    /// What each platform answered, for saying why a platform gave nothing.
    pub platforms: std::collections::BTreeMap<String, health::PlatformHealth>,
    /// Pages fetched (including search pages and robots.txt).
    pub pages: u64,
    /// Ads stored for the first time.
    pub ads_new: u64,
    /// Ads with a new version.
    pub ads_changed: u64,
    /// Ads seen again unchanged.
    pub ads_unchanged: u64,
    /// High-risk ads among new or changed.
    pub high_risk: u64,
    /// Anti-bot or login pages.
    pub blocked: u64,
    /// Gone ads (404/410/"no longer available").
    pub gone: u64,
    /// URLs disallowed by robots.txt.
    pub robots: u64,
    /// Photos fetched and hashed.
    pub photos: u64,
    /// Errors (after retries, or pages cut at the size cap).
    pub errors: u64,
    /// Seconds.
    pub seconds: f64,
}

impl CrawlReport {
    /// The summary the CLI prints at the end of a crawl: `name: N pages in S s …`, then one line
    /// per platform that answered with challenges, walls or pages its adapter no longer reads.
    pub fn summary(&self, name: &str) -> String {
        let mut s = self.totals(name);
        for (platform, h) in &self.platforms {
            for w in h.warnings() {
                s.push_str(&format!("\n  {platform}: {w}"));
            }
        }
        s
    }

    /// The health record of a platform.
    pub(crate) fn platform(&mut self, name: &str) -> &mut health::PlatformHealth {
        self.platforms.entry(name.to_string()).or_default()
    }

    fn totals(&self, name: &str) -> String {
        format!(
            "{name}: {} pages in {:.1}s ({:.0} pages/s); ads: {} new ({} high risk), {} changed, \
             {} unchanged, {} gone; {} blocked, {} disallowed by robots.txt, {} errors",
            self.pages,
            self.seconds,
            self.pages as f64 / self.seconds.max(0.001),
            self.ads_new,
            self.high_risk,
            self.ads_changed,
            self.ads_unchanged,
            self.gone,
            self.blocked,
            self.robots,
            self.errors
        )
    }
}

/// Keywords generated from the reference names in a language: group names and the names of
/// parts and derivatives (Papagei, Landschildkröte, Elfenbein …), short ones first.
pub fn default_keywords(det: &Detector, lang: &str, max: usize) -> Vec<String> {
    use wildwatch_detect::lexicon::List;
    let mut kw: Vec<String> = Vec::new();
    for list in [List::Groups, List::Parts] {
        for e in det.lexicon.entries(list) {
            if e.lang == lang
                && (list == List::Groups || e.flag == "material")
                && !e.term.contains(' ')
                && !kw.contains(&e.term)
            {
                kw.push(e.term.clone());
            }
        }
    }
    kw.sort_by_key(|k| (k.len(), k.clone()));
    kw.truncate(max);
    kw
}

struct Plat {
    adapter: Adapter,
    base: String,
    max_pages: u32,
}

fn plan(
    c: &Campaign,
    opts: &CrawlOptions,
    det: &Detector,
) -> Result<(Vec<Plat>, Vec<FrontierItem>), CrawlError> {
    let mut plats = Vec::new();
    let mut seeds = Vec::new();
    for p in &c.platforms {
        let adapter = Adapter::load(&p.adapter, &opts.adapter_dirs)?;
        let base = p
            .base_url
            .clone()
            .unwrap_or_else(|| adapter.base_url.clone());
        if url::Url::parse(&base).is_err() {
            return Err(CrawlError::Config(format!(
                "platform `{}`: base URL `{base}` is not a URL",
                p.adapter
            )));
        }
        let keywords = p
            .keywords
            .clone()
            .filter(|k| !k.is_empty())
            .or_else(|| (!c.keywords.is_empty()).then(|| c.keywords.clone()))
            .unwrap_or_else(|| default_keywords(det, &adapter.lang, c.max_keywords));
        for k in keywords {
            seeds.push(FrontierItem {
                url: adapter.search_url(&base, &k, 1),
                kind: UrlKind::Search,
                platform: adapter.name.clone(),
                keyword: Some(k),
                page: 1,
                attempts: 0,
            });
        }
        plats.push(Plat {
            max_pages: p.max_pages.unwrap_or(adapter.max_pages),
            adapter,
            base,
        });
    }
    Ok((plats, seeds))
}

/// Runs (or resumes) a campaign's crawl.
pub fn crawl(
    c: &Campaign,
    json: &serde_json::Value,
    opts: &CrawlOptions,
    det: &Detector,
) -> Result<CrawlReport, CrawlError> {
    crawl_in(&mut SqliteStore::open(&opts.db)?, c, json, opts, det)
}

/// [`crawl`] on a store the caller opened (`opts.db` is not used): PostgreSQL, or a store that
/// hands out frontier URLs under leases to one of many workers.
pub fn crawl_in(
    store: &mut dyn Store,
    c: &Campaign,
    json: &serde_json::Value,
    opts: &CrawlOptions,
    det: &Detector,
) -> Result<CrawlReport, CrawlError> {
    let (plats, seeds) = plan(c, opts, det)?;
    let cid = store.campaign(&c.name, json)?;
    store.enqueue(cid, &seeds)?;
    run_frontier(c, cid, store, &plats, opts, det)
}

/// Re-fetches every known ad of a campaign that is not gone: changes become new versions, and
/// ads that disappeared are marked gone with the time first seen gone.
pub fn revisit(
    c: &Campaign,
    json: &serde_json::Value,
    opts: &CrawlOptions,
    det: &Detector,
) -> Result<CrawlReport, CrawlError> {
    revisit_in(&mut SqliteStore::open(&opts.db)?, c, json, opts, det)
}

/// [`revisit`] on a store the caller opened (`opts.db` is not used).
pub fn revisit_in(
    store: &mut dyn Store,
    c: &Campaign,
    json: &serde_json::Value,
    opts: &CrawlOptions,
    det: &Detector,
) -> Result<CrawlReport, CrawlError> {
    let (plats, _) = plan(c, opts, det)?;
    let cid = store.campaign(&c.name, json)?;
    for (platform, url) in store.live_ad_urls(cid)? {
        store.requeue(
            cid,
            &FrontierItem {
                url,
                kind: UrlKind::Ad,
                platform,
                keyword: None,
                page: 0,
                attempts: 0,
            },
        )?;
    }
    run_frontier(c, cid, store, &plats, opts, det)
}

pub(crate) fn safe_prefix(name: &str) -> String {
    let p: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    if p.is_empty() {
        "wildwatch".into()
    } else {
        p
    }
}

/// The fetcher a campaign asks for (its User-Agent, rates, timeouts and size cap; robots.txt
/// obeyed).
pub(crate) fn fetcher_for(c: &Campaign, opts: &CrawlOptions) -> Result<Fetcher, CrawlError> {
    Fetcher::new(FetchConfig {
        user_agent: c
            .user_agent
            .clone()
            .unwrap_or_else(|| FetchConfig::default().user_agent),
        rate_per_host: c.rate_per_host,
        concurrency_per_host: c.concurrency_per_host,
        timeout: Duration::from_secs_f64(c.timeout_secs),
        max_body: c.max_body_bytes,
        obey_robots: true,
        allow_private: opts.allow_private,
        allow_hosts: Vec::new(),
    })
    .map_err(|e| CrawlError::Config(e.to_string()))
}

fn run_frontier(
    c: &Campaign,
    cid: i64,
    store: &mut dyn Store,
    plats: &[Plat],
    opts: &CrawlOptions,
    det: &Detector,
) -> Result<CrawlReport, CrawlError> {
    let started = Instant::now();
    std::fs::create_dir_all(&opts.evidence)?;
    let mut warc = WarcWriter::open(&opts.evidence, &safe_prefix(&c.name), c.warc_max_bytes)?;
    let fetcher = Arc::new(fetcher_for(c, opts)?);
    let renderer = browser::renderer_for(c, opts, plats);
    robots::reuse(
        &fetcher,
        store,
        plats.iter().map(|p| p.base.as_str()),
        &opts.evidence,
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let bar = if opts.progress {
        let b = indicatif::ProgressBar::new_spinner();
        b.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        b.enable_steady_tick(Duration::from_millis(200));
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut rep = CrawlReport::default();
    let max_attempts = c.max_attempts.max(1);
    // A continuous pipeline: up to `concurrency` URLs in progress, refilled from the frontier as
    // each one ends. A fetched page goes to a preparing thread (WARC encoding, extraction,
    // detection, photo hash: the CPU work, on every core) and comes back to this loop, which
    // appends it to the WARC file and commits it (one writer for each), so one slow page never
    // holds the others up and the store sees commits one at a time, in the order pages are ready.
    let f = fetcher.clone();
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 8);
    type Job = (FrontierItem, Result<Fetched, FetchError>, Option<String>);
    let (job_tx, job_rx) = std::sync::mpsc::channel::<Job>();
    let job_rx = std::sync::Mutex::new(job_rx);
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let job_rx = &job_rx;
            scope.spawn(move || loop {
                let job = match job_rx.lock() {
                    Ok(rx) => rx.recv(),
                    Err(_) => return,
                };
                let Ok((item, result, warcinfo)) = job else {
                    return; // the main loop has ended
                };
                let pre = prepare(&item, &result, plats, det, warcinfo.as_deref());
                if done_tx.send((item, result, pre)).is_err() {
                    return;
                }
            });
        }
        drop(done_tx);
        // `job_tx` is dropped when this block ends, however it ends, so the threads stop.
        let job_tx = job_tx;
        rt.block_on(async {
            let mut inflight = futures::stream::FuturesUnordered::new();
            let mut inflight_urls: std::collections::HashSet<String> = Default::default();
            let mut preparing = 0usize;
            // Refilled when a quarter of the slots are free (or all work is done): asking the
            // frontier after every page would cost a query of ~3×concurrency rows per page.
            let refill_at = c.concurrency.saturating_sub((c.concurrency / 4).max(1));
            // Whether the frontier may hold something new since the last look (a commit may
            // have queued URLs; a look that added some may have left more).
            let mut ask = true;
            let mut batch = Batch::default();
            loop {
                let busy = inflight.len() + preparing;
                if busy <= refill_at && ask {
                    // What the waiting commits queued must be visible to the look.
                    batch.flush(store, &mut rep)?;
                    let want = c.concurrency * 2 + inflight_urls.len();
                    for item in store.pending(cid, want)? {
                        if inflight.len() + preparing >= c.concurrency {
                            break;
                        }
                        if inflight_urls.insert(item.url.clone()) {
                            let f = f.clone();
                            let renderer = renderer.clone();
                            inflight.push(async move {
                                if item.attempts > 0 {
                                    // Back off: 0.5 s, 1 s, 2 s … before another try.
                                    let wait = 250u64 << item.attempts.min(6);
                                    tokio::time::sleep(Duration::from_millis(wait)).await;
                                }
                                let (r, robots) =
                                    browser::fetch_item(&f, renderer.as_deref(), plats, &item).await;
                                (item, r, robots)
                            });
                        }
                    }
                    ask = inflight.len() + preparing > busy;
                }
                if inflight.is_empty() && preparing == 0 {
                    break;
                }
                tokio::select! {
                    Some((item, result, robots)) = inflight.next(), if !inflight.is_empty() => {
                        if let Some(r) = robots {
                            if let Some(page) = archive(&mut warc, &r, "robots") {
                                store.commit_fetch(&FetchCommit {
                                    campaign: cid,
                                    url: r.url.clone(),
                                    state: FetchState::Done,
                                    page: Some(page),
                                    ad: None,
                                    discovered: vec![],
                                })?;
                            }
                            rep.pages += 1;
                        }
                        let warcinfo = warc.warcinfo_id().ok();
                        if let Err(std::sync::mpsc::SendError((item, result, _))) =
                            job_tx.send((item, result, warcinfo))
                        {
                            // No preparing thread left (one panicked): prepare here.
                            let pre = prepare(&item, &result, plats, det, None);
                            inflight_urls.remove(&item.url);
                            process(
                                store, &mut warc, cid, plats, det, item, result, pre,
                                max_attempts, c.photos_per_ad, &mut rep, &mut batch,
                            )?;
                            batch.flush(store, &mut rep)?;
                            ask = true;
                        } else {
                            preparing += 1;
                        }
                    }
                    Some((item, result, pre)) = done_rx.recv(), if preparing > 0 => {
                        preparing -= 1;
                        inflight_urls.remove(&item.url);
                        process(
                            store, &mut warc, cid, plats, det, item, result, pre,
                            max_attempts, c.photos_per_ad, &mut rep, &mut batch,
                        )?;
                        if done_rx.is_empty() || batch.commits.len() >= Batch::MAX {
                            batch.flush(store, &mut rep)?;
                        }
                        ask = true;
                        bar.set_message(format!(
                            "{} pages, {} new ads ({} high risk), {} changed, {} gone, {} blocked, {} errors, {:.0} pages/s",
                            rep.pages,
                            rep.ads_new,
                            rep.high_risk,
                            rep.ads_changed,
                            rep.gone,
                            rep.blocked,
                            rep.errors,
                            rep.pages as f64 / started.elapsed().as_secs_f64().max(0.001)
                        ));
                        if opts.max_fetches.is_some_and(|m| rep.pages >= m) {
                            // What is still in progress stays pending in the store for the next
                            // run.
                            break;
                        }
                    }
                }
            }
            batch.flush(store, &mut rep)?;
            if let Some(r) = &renderer {
                r.restart().await; // the crawl is over: stop the browser
            }
            Ok::<(), CrawlError>(())
        })
    })?;
    warc.flush()?;
    bar.finish_and_clear();
    rep.seconds = started.elapsed().as_secs_f64();
    Ok(rep)
}

/// A fetched photo: archived, decoded within limits, hashed, committed.
fn process_photo(
    store: &mut dyn Store,
    warc: &mut WarcWriter,
    cid: i64,
    item: &FrontierItem,
    f: &Fetched,
    pre: Prepared,
    rep: &mut CrawlReport,
) -> Result<(), CrawlError> {
    let page = match pre.archived {
        Some(a) => archive_encoded(warc, f, "photo", a),
        None => archive(warc, f, "photo"),
    };
    let (state, phash, error) = if f.status >= 400 {
        (FetchState::Failed, None, Some(format!("HTTP {}", f.status)))
    } else if f.truncated {
        (
            FetchState::Failed,
            None,
            Some("photo larger than the size cap".into()),
        )
    } else {
        match pre.phash.unwrap_or_else(|| photo_hash(f)) {
            Ok(h) => (FetchState::Done, Some(h), None),
            Err(e) => (FetchState::Failed, None, Some(e)),
        }
    };
    if phash.is_some() {
        rep.photos += 1;
    } else {
        rep.errors += 1;
    }
    store.commit_photo(&PhotoCommit {
        campaign: cid,
        url: item.url.clone(),
        state,
        page,
        phash: phash.map(|h| h.hash),
        size: phash.map(|h| (h.width, h.height)),
        error,
    })?;
    Ok(())
}

/// The adapter for an archived page: `--platform` when it names an adapter, else the platform of
/// ads already stored from the same site, else a shipped adapter named in the host, else generic.
pub fn adapter_for(store: &dyn Store, page_url: &str, platform: &str) -> Adapter {
    if let Ok(a) = Adapter::load(platform, &[]) {
        return a;
    }
    let Ok(u) = url::Url::parse(page_url) else {
        return Adapter::generic(platform, "");
    };
    let host = u.host_str().unwrap_or_default().to_string();
    let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
    let prefix = format!("{}://{host}{port}/", u.scheme());
    store
        .platform_for_prefix(&prefix)
        .ok()
        .flatten()
        .and_then(|n| Adapter::load(&n, &[]).ok())
        .or_else(|| shipped_adapter_for_host(&host))
        .unwrap_or_else(|| Adapter::generic(platform, ""))
}

/// The shipped adapter of a host: the one whose `base_url` is on that host (or a parent domain
/// of it), else the first whose name the host contains.
fn shipped_adapter_for_host(host: &str) -> Option<Adapter> {
    let adapters: Vec<Adapter> = Adapter::shipped_names()
        .into_iter()
        .filter_map(|n| Adapter::load(n, &[]).ok())
        .collect();
    let site_of = |a: &Adapter| {
        url::Url::parse(&a.base_url).ok().and_then(|u| {
            u.host_str()
                .map(|h| h.trim_start_matches("www.").to_string())
        })
    };
    let by_site = adapters
        .iter()
        .position(|a| site_of(a).is_some_and(|s| host == s || host.ends_with(&format!(".{s}"))));
    let by_name = || adapters.iter().position(|a| host.contains(a.name.as_str()));
    by_site.or_else(by_name).map(|i| adapters[i].clone())
}

/// The detection of an extracted ad, in the shape the store keeps.
pub fn detect(det: &Detector, ad: &AdContent) -> DetectionRecord {
    let input = AdInput {
        id: ad.url.clone(),
        title: Some(ad.title.clone()),
        description: Some(ad.description.clone()),
        price_text: ad.price_text.clone(),
        platform: Some(ad.platform.clone()),
        lang: ad.lang.clone(),
        ..Default::default()
    };
    let d = det.scan(&input);
    DetectionRecord {
        relevant: d.relevant,
        category: d.category,
        risk: d.risk,
        risk_score: d.risk_score,
        lang: d.lang.to_string(),
        price_eur: d.price_eur,
        species: d
            .species
            .iter()
            .map(|s| s.scientific_name.clone())
            .collect(),
        json: serde_json::to_value(&d).unwrap_or_default(),
    }
}

#[allow(clippy::too_many_arguments)]
fn process(
    store: &mut dyn Store,
    warc: &mut WarcWriter,
    cid: i64,
    plats: &[Plat],
    det: &Detector,
    item: FrontierItem,
    result: Result<Fetched, FetchError>,
    mut pre: Prepared,
    max_attempts: u32,
    photos_per_ad: usize,
    rep: &mut CrawlReport,
    batch: &mut Batch,
) -> Result<(), CrawlError> {
    let commit = |state, page, ad, discovered| FetchCommit {
        campaign: cid,
        url: item.url.clone(),
        state,
        page,
        ad,
        discovered,
    };
    let f = match result {
        Ok(f) => f,
        Err(e) => {
            let failed = fetch_failed(&item, e, |why| {
                store.attempt_failed(cid, &item.url, why, max_attempts)
            })?;
            if let Some((state, page)) = failed.commit {
                batch.push(commit(state, page, None, vec![]), false);
            }
            rep.robots += u64::from(failed.robots);
            rep.errors += u64::from(failed.error);
            return Ok(());
        }
    };
    rep.pages += 1;
    match PageVerdict::from_status(item.kind, f.status) {
        Some(PageVerdict::Retry) => {
            let why = format!("HTTP {}", f.status);
            if store.attempt_failed(cid, &item.url, &why, max_attempts)? {
                rep.errors += 1;
            }
            return Ok(());
        }
        Some(_) => return process_photo(store, warc, cid, &item, &f, pre, rep),
        None => {}
    }
    let kind = match item.kind {
        UrlKind::Search => "search",
        UrlKind::Ad | UrlKind::Photo => "ad",
    };
    let class = pre
        .class
        .take()
        .unwrap_or_else(|| extract::classify(&f.text));
    let page_kind = match (&class, f.status) {
        (PageClass::Blocked(_), _) => "blocked",
        (PageClass::Gone, _) | (_, 404 | 410) => "gone",
        _ => kind,
    };
    let page = match pre.archived.take() {
        Some(a) => archive_encoded(warc, &f, page_kind, a),
        None => archive(warc, &f, page_kind),
    };
    let Some(page) = page else {
        return Ok(());
    };
    let Some(plat) = plats.iter().find(|p| p.adapter.name == item.platform) else {
        batch.push(commit(FetchState::Failed, Some(page), None, vec![]), false);
        rep.errors += 1;
        return Ok(());
    };
    let mut page = page;
    let verdict = PageVerdict::of(item.kind, f.status, f.truncated, &class);
    if let Some(state) = unreadable(verdict, &mut page, &plat.adapter.name, item.kind, rep) {
        batch.push(commit(state, Some(page), None, vec![]), false);
        return Ok(());
    }
    match item.kind {
        UrlKind::Search => {
            let links = pre
                .links
                .take()
                .unwrap_or_else(|| extract::search_links(&f.text, &f.final_url, &plat.adapter));
            let (discovered, has_results) = discovered_from_search(plat, &item, links);
            rep.platform(&plat.adapter.name).search_page(has_results);
            if !has_results {
                page.kind = health::SEARCH_WITHOUT_LINKS.into();
            }
            batch.push(
                commit(FetchState::Done, Some(page), None, discovered),
                false,
            );
        }
        UrlKind::Ad | UrlKind::Photo => {
            let (ad, d, matched) = pre.ad.take().unwrap_or_else(|| {
                let read = extract::read_ad(&f.text, &item.url, &plat.adapter);
                let matched = read.matched();
                let d = detect(det, &read.ad);
                (read.ad, d, matched)
            });
            rep.platform(&plat.adapter.name).ad_page(matched);
            if !matched {
                page.kind = health::AD_NOT_MATCHED.into();
            }
            let high = d.risk == wildwatch_detect::Risk::High;
            let photos = photo_items(plat, &ad, photos_per_ad);
            batch.push(
                commit(FetchState::Done, Some(page), Some((ad, d)), photos),
                high,
            );
        }
    }
    Ok(())
}
