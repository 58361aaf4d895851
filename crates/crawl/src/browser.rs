//! Browser capture: pages that need JavaScript are loaded in headless Chromium (Debian's
//! `chromium`), driven over the DevTools protocol with `chromiumoxide` (async on tokio like the
//! rest of the crawler, maintained, and it exposes the raw protocol, which capture needs: the
//! `Fetch` domain pauses every request, so each one is checked before it leaves and each response
//! is recorded with its body before the page sees it).
//!
//! What a capture keeps: every response the browser received (request head, response head, body)
//! for the WARC files, the rendered DOM after load, and a full-page PNG screenshot. Heads are
//! rebuilt from what DevTools reports and bodies are as Chromium decoded them, so the rebuilt
//! response head drops `Content-Encoding`, `Transfer-Encoding` and `Content-Length` (the
//! metadata record says so).
//!
//! Limits: a fixed viewport and user agent, no downloads (denied), no popups
//! (`--block-new-web-contents`), no permission prompts, at most `max_requests` requests and
//! `max_body` bytes per response, the whole capture within `timeout`. A request the guard refuses
//! (loopback or private addresses when they are not allowed, schemes other than http/https) is
//! failed before it is sent and listed in `blocked`. A page that does not finish in time is
//! closed; a browser that does not answer is killed and started again on the next capture.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use chromiumoxide::cdp::browser_protocol::browser::{
    SetDownloadBehaviorBehavior, SetDownloadBehaviorParams,
};
use chromiumoxide::cdp::browser_protocol::fetch::{
    ContinueRequestParams, EnableParams, EventRequestPaused, FailRequestParams,
    GetResponseBodyParams, RequestPattern, RequestStage,
};
use chromiumoxide::cdp::browser_protocol::network::ErrorReason;
use chromiumoxide::cdp::browser_protocol::page::CaptureScreenshotFormat;
use chromiumoxide::handler::viewport::Viewport;
use chromiumoxide::page::ScreenshotParams;
use chromiumoxide::{Browser, Page};
use futures::StreamExt;
use serde::Deserialize;
use url::Url;

use crate::fetch::FetchError;

/// How pages are rendered.
#[derive(Debug, Clone)]
pub struct BrowserSettings {
    /// The browser binary (default: `chromium` on the `PATH`, then `/usr/bin/chromium`).
    pub executable: Option<PathBuf>,
    /// User-Agent of every request.
    pub user_agent: String,
    /// Viewport width and height in CSS pixels.
    pub viewport: (u32, u32),
    /// The whole capture of one page (load, consent, waiting, DOM, screenshot).
    pub timeout: Duration,
    /// Largest response body kept (bytes).
    pub max_body: usize,
    /// Most requests one page may make (the rest are failed and listed as blocked).
    pub max_requests: usize,
    /// Allow loopback and private addresses (the fixture marketplace). When false, every request
    /// is checked by [`crate::guard::Guard`] before it is sent.
    pub allow_private: bool,
    /// With `allow_private` false: `host` or `host:port` entries allowed anyway.
    pub allow_hosts: Vec<String>,
    /// Make a full-page screenshot.
    pub screenshot: bool,
}

impl Default for BrowserSettings {
    fn default() -> Self {
        BrowserSettings {
            executable: None,
            user_agent: crate::fetch::FetchConfig::default().user_agent,
            viewport: (1280, 900),
            timeout: Duration::from_secs(30),
            max_body: 5_000_000,
            max_requests: 200,
            allow_private: true,
            allow_hosts: Vec::new(),
            screenshot: true,
        }
    }
}

/// What to do on a page once it has loaded (from the platform's adapter).
#[derive(Debug, Clone, Default)]
pub struct PageSteps {
    /// A button to click if present (a consent banner's "accept" or "refuse").
    pub consent_selector: Option<String>,
    /// Wait until this element exists (the ads the page renders) before reading the DOM.
    pub ready_selector: Option<String>,
}

/// One response the browser received.
#[derive(Debug, Clone)]
pub struct CapturedExchange {
    /// URL requested.
    pub url: String,
    /// The request as DevTools reported it (request line and headers, blank line at the end).
    pub request_head: Vec<u8>,
    /// The response head, rebuilt (see the module's documentation).
    pub response_head: Vec<u8>,
    /// The body as Chromium decoded it, cut at `max_body`.
    pub body: Vec<u8>,
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// The body was cut at `max_body`.
    pub truncated: bool,
    /// Response headers left out of `response_head` because the body is decoded.
    pub dropped_headers: Vec<String>,
}

/// A page as the browser rendered it.
#[derive(Debug, Clone)]
pub struct Capture {
    /// URL asked for.
    pub url: String,
    /// URL the page ended on.
    pub final_url: String,
    /// The main document's response (None when the browser received none).
    pub document: Option<CapturedExchange>,
    /// Every other response the page received, in the order they arrived.
    pub resources: Vec<CapturedExchange>,
    /// Requests refused before they were sent, with why.
    pub blocked: Vec<(String, String)>,
    /// The DOM after load, serialised.
    pub dom: String,
    /// Full-page PNG.
    pub screenshot: Option<Vec<u8>>,
    /// The consent button was found and clicked.
    pub consent_clicked: bool,
    /// The ready selector was seen before the deadline (true when none was asked for).
    pub ready: bool,
    /// Time taken.
    pub elapsed: Duration,
}

/// `[browser]` of a campaign file: how pages that need JavaScript are loaded.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrowserSection {
    /// The browser binary (default: `chromium` on the PATH, then `/usr/bin/chromium`).
    #[serde(default)]
    pub executable: Option<PathBuf>,
    /// Viewport width (CSS pixels).
    #[serde(default = "d_view_w")]
    pub viewport_width: u32,
    /// Viewport height (CSS pixels).
    #[serde(default = "d_view_h")]
    pub viewport_height: u32,
    /// The whole capture of one page, in seconds (load, consent, waiting, DOM, screenshot).
    #[serde(default = "d_page_timeout")]
    pub page_timeout_secs: f64,
    /// Most requests one page may make.
    #[serde(default = "d_page_requests")]
    pub max_requests_per_page: usize,
    /// Keep a full-page screenshot of every page loaded in the browser.
    #[serde(default = "d_true")]
    pub screenshots: bool,
}

impl Default for BrowserSection {
    fn default() -> Self {
        BrowserSection {
            executable: None,
            viewport_width: d_view_w(),
            viewport_height: d_view_h(),
            page_timeout_secs: d_page_timeout(),
            max_requests_per_page: d_page_requests(),
            screenshots: true,
        }
    }
}

fn d_view_w() -> u32 {
    1280
}
fn d_view_h() -> u32 {
    900
}
fn d_page_timeout() -> f64 {
    30.0
}
fn d_page_requests() -> usize {
    200
}
fn d_true() -> bool {
    true
}

/// The browser a campaign asks for, when one of its platforms renders with it.
pub(crate) fn renderer_for(
    c: &crate::Campaign,
    opts: &crate::CrawlOptions,
    plats: &[crate::Plat],
) -> Option<Arc<Renderer>> {
    if !plats
        .iter()
        .any(|p| p.adapter.render == crate::adapter::Render::Browser)
    {
        return None;
    }
    Some(Arc::new(Renderer::new(BrowserSettings {
        executable: c.browser.executable.clone(),
        user_agent: c
            .user_agent
            .clone()
            .unwrap_or_else(|| crate::fetch::FetchConfig::default().user_agent),
        viewport: (c.browser.viewport_width, c.browser.viewport_height),
        timeout: Duration::from_secs_f64(c.browser.page_timeout_secs.max(1.0)),
        max_body: c.max_body_bytes,
        max_requests: c.browser.max_requests_per_page.max(1),
        allow_private: opts.allow_private,
        allow_hosts: Vec::new(),
        screenshot: c.browser.screenshots,
    })))
}

/// Fetches one frontier URL: in the browser for search and ad pages of a platform that renders
/// with it, over plain HTTP otherwise (photos, robots.txt, every other platform).
pub(crate) async fn fetch_item(
    f: &crate::fetch::Fetcher,
    renderer: Option<&Renderer>,
    plats: &[crate::Plat],
    item: &wildwatch_store::FrontierItem,
) -> (
    Result<crate::fetch::Fetched, FetchError>,
    Option<crate::fetch::Fetched>,
) {
    let plat = plats.iter().find(|p| p.adapter.name == item.platform);
    match (renderer, plat) {
        (Some(r), Some(p))
            if p.adapter.render == crate::adapter::Render::Browser
                && item.kind != wildwatch_store::UrlKind::Photo =>
        {
            f.render(&item.url, r, &p.adapter.page_steps()).await
        }
        _ => f.fetch(&item.url).await,
    }
}

struct Running {
    browser: Arc<Browser>,
    handler: tokio::task::JoinHandle<()>,
    /// The browser's profile, removed when the browser is dropped.
    _profile: tempfile::TempDir,
}

/// A headless browser, started on first use and again after it failed.
pub struct Renderer {
    settings: BrowserSettings,
    running: tokio::sync::Mutex<Option<Running>>,
    guard: Option<crate::guard::Guard>,
    launches: std::sync::atomic::AtomicUsize,
}

/// Where Debian's Chromium is, if anywhere.
pub fn find_chromium() -> Option<PathBuf> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if let Some(dir) = std::env::var_os("PATH") {
            for d in std::env::split_paths(&dir) {
                let p = d.join(name);
                if p.is_file() {
                    return Some(p);
                }
            }
        }
    }
    let p = PathBuf::from("/usr/bin/chromium");
    p.is_file().then_some(p)
}

fn browser_error(what: &str) -> impl Fn(chromiumoxide::error::CdpError) -> FetchError + '_ {
    move |e| FetchError::Browser(format!("{what}: {e}"))
}

impl Renderer {
    /// A renderer with these settings (the browser starts on the first capture).
    pub fn new(settings: BrowserSettings) -> Renderer {
        let guard =
            (!settings.allow_private).then(|| crate::guard::Guard::new(&settings.allow_hosts));
        Renderer {
            settings,
            running: tokio::sync::Mutex::new(None),
            guard,
            launches: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// How many times a browser was started (1 unless one failed and was replaced).
    pub fn launches(&self) -> usize {
        self.launches.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Starts the browser with the capture's limits.
    async fn launch(&self) -> Result<Running, FetchError> {
        let exe = self
            .settings
            .executable
            .clone()
            .or_else(find_chromium)
            .ok_or_else(|| {
                FetchError::Browser(
                    "no Chromium found (apt-get install chromium, or set the browser path)".into(),
                )
            })?;
        let profile = tempfile::Builder::new()
            .prefix("wildwatch-browser-")
            .tempdir()
            .map_err(|e| FetchError::Browser(format!("cannot make the browser profile: {e}")))?;
        let (w, h) = self.settings.viewport;
        let config = chromiumoxide::BrowserConfig::builder()
            .chrome_executable(exe)
            .user_data_dir(profile.path())
            .disable_default_args()
            .args(LIMIT_ARGS)
            // The sandbox needs user namespaces, which containers and root sessions lack.
            .no_sandbox()
            .window_size(w, h)
            .viewport(Viewport {
                width: w,
                height: h,
                ..Viewport::default()
            })
            .request_timeout(self.settings.timeout)
            .launch_timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| FetchError::Browser(format!("browser settings: {e}")))?;
        let (browser, mut handler) = Browser::launch(config)
            .await
            .map_err(browser_error("cannot start Chromium"))?;
        let handler = tokio::spawn(async move {
            while let Some(event) = handler.next().await {
                if event.is_err() {
                    // A message the library does not know; the connection itself goes on.
                    continue;
                }
            }
        });
        browser
            .execute(SetDownloadBehaviorParams::new(
                SetDownloadBehaviorBehavior::Deny,
            ))
            .await
            .map_err(browser_error("cannot deny downloads"))?;
        self.launches
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(Running {
            browser: Arc::new(browser),
            handler,
            _profile: profile,
        })
    }

    /// The running browser, started if there is none.
    async fn browser(&self) -> Result<Arc<Browser>, FetchError> {
        let mut r = self.running.lock().await;
        if r.as_ref().is_some_and(|r| r.handler.is_finished()) {
            *r = None; // the connection ended: the browser is gone
        }
        if r.is_none() {
            *r = Some(self.launch().await?);
        }
        Ok(r.as_ref().map(|r| r.browser.clone()).expect("just started"))
    }

    /// Kills the browser (it hung or crashed); the next capture starts a new one.
    pub async fn restart(&self) {
        let old = self.running.lock().await.take();
        if let Some(old) = old {
            old.handler.abort();
            if let Ok(mut b) = Arc::try_unwrap(old.browser) {
                let _ = tokio::time::timeout(Duration::from_secs(5), b.kill()).await;
            }
            // Otherwise the last capture holding it drops it; chromiumoxide kills the child
            // process when the `Browser` is dropped.
        }
    }

    /// Loads `url`, follows `steps`, and returns what was captured. A page that takes longer
    /// than the timeout is closed (and the browser restarted when even that hangs).
    pub async fn capture(&self, url: &str, steps: &PageSteps) -> Result<Capture, FetchError> {
        let started = Instant::now();
        let browser = self.browser().await?;
        let page =
            match tokio::time::timeout(Duration::from_secs(10), browser.new_page("about:blank"))
                .await
            {
                Ok(Ok(p)) => p,
                Ok(Err(e)) => {
                    self.restart().await;
                    return Err(FetchError::Browser(format!("cannot open a tab: {e}")));
                }
                Err(_) => {
                    self.restart().await;
                    return Err(FetchError::Browser("the browser did not open a tab".into()));
                }
            };
        let recorder = Recorder::new(&self.settings, self.guard.clone());
        let out = tokio::time::timeout(
            self.settings.timeout,
            self.load(&page, url, steps, &recorder),
        )
        .await;
        let closed = tokio::time::timeout(Duration::from_secs(5), page.close()).await;
        if !matches!(closed, Ok(Ok(()))) {
            self.restart().await;
        }
        let (dom, screenshot, consent_clicked, ready, final_url) = match out {
            Ok(r) => r?,
            Err(_) => return Err(FetchError::Timeout(self.settings.timeout)),
        };
        let (mut exchanges, blocked) = recorder.finish();
        let doc_at = exchanges
            .iter()
            .position(|e| e.url == final_url && !(300..400).contains(&e.status))
            .or_else(|| exchanges.iter().position(|e| e.url == url));
        let document = doc_at.map(|i| exchanges.remove(i));
        Ok(Capture {
            url: url.to_string(),
            final_url,
            document,
            resources: exchanges,
            blocked,
            dom,
            screenshot,
            consent_clicked,
            ready,
            elapsed: started.elapsed(),
        })
    }

    /// The steps of a capture inside one tab.
    async fn load(
        &self,
        page: &Page,
        url: &str,
        steps: &PageSteps,
        recorder: &Recorder,
    ) -> Result<(String, Option<Vec<u8>>, bool, bool, String), FetchError> {
        page.set_user_agent(self.settings.user_agent.as_str())
            .await
            .map_err(browser_error("user agent"))?;
        let paused = page
            .event_listener::<EventRequestPaused>()
            .await
            .map_err(browser_error("request listener"))?;
        let task = recorder.spawn(page.clone(), paused);
        page.execute(
            EnableParams::builder()
                .pattern(
                    RequestPattern::builder()
                        .url_pattern("*")
                        .request_stage(RequestStage::Request)
                        .build(),
                )
                .pattern(
                    RequestPattern::builder()
                        .url_pattern("*")
                        .request_stage(RequestStage::Response)
                        .build(),
                )
                .build(),
        )
        .await
        .map_err(browser_error("request interception"))?;
        let result = self.navigate_and_read(page, url, steps).await;
        task.abort();
        result
    }

    async fn navigate_and_read(
        &self,
        page: &Page,
        url: &str,
        steps: &PageSteps,
    ) -> Result<(String, Option<Vec<u8>>, bool, bool, String), FetchError> {
        page.goto(url)
            .await
            .map_err(browser_error("the page did not load"))?;
        let consent_clicked = match &steps.consent_selector {
            Some(sel) => click_if_present(page, sel).await,
            None => false,
        };
        let ready = match &steps.ready_selector {
            Some(sel) => wait_for(page, sel, Duration::from_secs(10)).await,
            None => true,
        };
        let dom = page
            .content()
            .await
            .map_err(browser_error("cannot read the DOM"))?;
        let screenshot = if self.settings.screenshot {
            Some(
                page.screenshot(
                    ScreenshotParams::builder()
                        .format(CaptureScreenshotFormat::Png)
                        .full_page(true)
                        .build(),
                )
                .await
                .map_err(browser_error("screenshot"))?,
            )
        } else {
            None
        };
        let final_url = page
            .url()
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| url.to_string());
        Ok((dom, screenshot, consent_clicked, ready, final_url))
    }
}

/// Chromium's switches: quiet, no popups, no prompts, no background traffic.
const LIMIT_ARGS: [&str; 17] = [
    "--headless=new",
    "--hide-scrollbars",
    "--mute-audio",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--disable-breakpad",
    "--disable-dev-shm-usage",
    "--disable-client-side-phishing-detection",
    "--metrics-recording-only",
    "--password-store=basic",
    "--block-new-web-contents",
    "--deny-permission-prompts",
];

async fn click_if_present(page: &Page, selector: &str) -> bool {
    match page.find_element(selector).await {
        Ok(el) => el.click().await.is_ok(),
        Err(_) => false,
    }
}

/// Polls for `selector` until it exists or `within` passes.
async fn wait_for(page: &Page, selector: &str, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    loop {
        if page.find_element(selector).await.is_ok() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Records what a page's requests got, and refuses what they may not do.
struct Recorder {
    state: Arc<Mutex<Recorded>>,
    guard: Option<crate::guard::Guard>,
    max_body: usize,
    max_requests: usize,
}

#[derive(Default)]
struct Recorded {
    exchanges: Vec<CapturedExchange>,
    blocked: Vec<(String, String)>,
    requests: usize,
}

impl Recorder {
    fn new(settings: &BrowserSettings, guard: Option<crate::guard::Guard>) -> Recorder {
        Recorder {
            state: Arc::new(Mutex::new(Recorded::default())),
            guard,
            max_body: settings.max_body,
            max_requests: settings.max_requests,
        }
    }

    fn spawn(
        &self,
        page: Page,
        mut paused: chromiumoxide::listeners::EventStream<EventRequestPaused>,
    ) -> tokio::task::JoinHandle<()> {
        let state = self.state.clone();
        let guard = self.guard.clone();
        let (max_body, max_requests) = (self.max_body, self.max_requests);
        tokio::spawn(async move {
            while let Some(ev) = paused.next().await {
                if ev.response_status_code.is_some() || ev.response_error_reason.is_some() {
                    on_response(&page, &ev, &state, max_body).await;
                } else {
                    on_request(&page, &ev, &state, guard.as_ref(), max_requests).await;
                }
            }
        })
    }

    fn finish(&self) -> (Vec<CapturedExchange>, Vec<(String, String)>) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        (
            std::mem::take(&mut s.exchanges),
            std::mem::take(&mut s.blocked),
        )
    }
}

/// Why a request may not leave, if it may not.
fn refusal(
    url: &str,
    guard: Option<&crate::guard::Guard>,
    count: usize,
    max: usize,
) -> Option<String> {
    let u = match Url::parse(url) {
        Ok(u) => u,
        Err(e) => return Some(format!("not a URL: {e}")),
    };
    if !matches!(u.scheme(), "http" | "https") {
        return Some(format!("{} is not fetched", u.scheme()));
    }
    if count > max {
        return Some(format!("more than {max} requests on one page"));
    }
    guard.and_then(|g| g.check_url(&u).err())
}

async fn on_request(
    page: &Page,
    ev: &EventRequestPaused,
    state: &Mutex<Recorded>,
    guard: Option<&crate::guard::Guard>,
    max_requests: usize,
) {
    let url = ev.request.url.clone();
    let why = {
        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
        s.requests += 1;
        let why = refusal(&url, guard, s.requests, max_requests);
        if let Some(w) = &why {
            s.blocked.push((url.clone(), w.clone()));
        }
        why
    };
    let _ = match why {
        Some(_) => page
            .execute(FailRequestParams::new(
                ev.request_id.clone(),
                ErrorReason::BlockedByClient,
            ))
            .await
            .map(|_| ()),
        None => page
            .execute(ContinueRequestParams::new(ev.request_id.clone()))
            .await
            .map(|_| ()),
    };
}

async fn on_response(
    page: &Page,
    ev: &EventRequestPaused,
    state: &Mutex<Recorded>,
    max_body: usize,
) {
    let status = ev.response_status_code.unwrap_or(0) as u16;
    let body = if (300..400).contains(&status) || ev.response_error_reason.is_some() {
        Vec::new()
    } else {
        match page
            .execute(GetResponseBodyParams::new(ev.request_id.clone()))
            .await
        {
            Ok(r) if r.result.base64_encoded => base64::engine::general_purpose::STANDARD
                .decode(r.result.body.as_bytes())
                .unwrap_or_default(),
            Ok(r) => r.result.body.clone().into_bytes(),
            Err(_) => Vec::new(),
        }
    };
    if ev.response_error_reason.is_none() {
        let ex = exchange(ev, status, body, max_body);
        state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .exchanges
            .push(ex);
    }
    let _ = page
        .execute(ContinueRequestParams::new(ev.request_id.clone()))
        .await;
}

/// Headers a decoded body no longer matches.
const BODY_CODING_HEADERS: [&str; 3] = ["content-encoding", "transfer-encoding", "content-length"];

/// One recorded exchange from a paused response.
fn exchange(
    ev: &EventRequestPaused,
    status: u16,
    mut body: Vec<u8>,
    max_body: usize,
) -> CapturedExchange {
    let url = ev.request.url.clone();
    let truncated = body.len() > max_body;
    body.truncate(max_body);
    let request_head = request_head(&ev.request.method, &url, ev.request.headers.inner());
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\n",
        ev.response_status_text
            .as_deref()
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| reason(status))
    );
    let mut dropped = Vec::new();
    let mut content_type = None;
    for h in ev.response_headers.iter().flatten() {
        let name = clean_line(&h.name);
        let value = clean_line(&h.value);
        if BODY_CODING_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            dropped.push(format!("{name}: {value}"));
            continue;
        }
        if name.eq_ignore_ascii_case("content-type") {
            content_type = Some(value.clone());
        }
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    CapturedExchange {
        url,
        request_head,
        response_head: head.into_bytes(),
        body,
        status,
        content_type,
        truncated,
        dropped_headers: dropped,
    }
}

/// A header value on one line (DevTools joins repeated headers with a line break).
fn clean_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ").trim().to_string()
}

fn request_head(method: &str, url: &str, headers: &serde_json::Value) -> Vec<u8> {
    let (target, host) = match Url::parse(url) {
        Ok(u) => (
            format!(
                "{}{}",
                u.path(),
                u.query().map(|q| format!("?{q}")).unwrap_or_default()
            ),
            format!(
                "{}{}",
                u.host_str().unwrap_or_default(),
                u.port().map(|p| format!(":{p}")).unwrap_or_default()
            ),
        ),
        Err(_) => ("/".to_string(), String::new()),
    };
    let mut head = format!(
        "{} {target} HTTP/1.1\r\nHost: {host}\r\n",
        clean_line(method)
    );
    if let Some(map) = headers.as_object() {
        for (k, v) in map {
            if k.eq_ignore_ascii_case("host") {
                continue;
            }
            let v = v
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string());
            head.push_str(&format!("{}: {}\r\n", clean_line(k), clean_line(&v)));
        }
    }
    head.push_str("\r\n");
    head.into_bytes()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_outside_http_or_past_the_cap_or_to_private_addresses_are_refused() {
        assert!(refusal("http://127.0.0.1:9/x", None, 1, 10).is_none());
        assert!(refusal("file:///etc/passwd", None, 1, 10)
            .unwrap()
            .contains("file"));
        assert!(refusal("http://127.0.0.1:9/x", None, 11, 10)
            .unwrap()
            .contains("more than 10"));
        let g = crate::guard::Guard::new(&[]);
        assert!(refusal("http://127.0.0.1:9/x", Some(&g), 1, 10).is_some());
        assert!(refusal("http://10.0.0.1/", Some(&g), 1, 10).is_some());
        let allowed = crate::guard::Guard::new(&["127.0.0.1:9".to_string()]);
        assert!(refusal("http://127.0.0.1:9/x", Some(&allowed), 1, 10).is_none());
    }

    #[test]
    fn heads_are_one_line_per_header_and_end_with_a_blank_line() {
        let h = request_head(
            "GET",
            "http://127.0.0.1:8/a?b=1",
            &serde_json::json!({"User-Agent": "ww", "X-Evil": "a\r\nInjected: 1"}),
        );
        let h = String::from_utf8(h).unwrap();
        assert!(h.starts_with("GET /a?b=1 HTTP/1.1\r\nHost: 127.0.0.1:8\r\n"));
        assert!(h.contains("X-Evil: a  Injected: 1\r\n"));
        assert!(h.ends_with("\r\n\r\n"));
        assert_eq!(h.matches("\r\n\r\n").count(), 1);
    }
}
