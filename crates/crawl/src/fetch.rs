//! Polite HTTP fetching: robots.txt (with Crawl-delay), per-host rate limits and concurrency,
//! timeouts, a body-size cap (also on decompressed bodies, so a gzip bomb stops at the cap), an
//! honest User-Agent, charset decoding, and the raw exchange kept for the WARC evidence.

use std::collections::HashMap;
use std::io::Read;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use texting_robots::Robot;
use tokio::sync::{OnceCell, Semaphore};
use url::Url;

/// Fetch settings.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// User-Agent sent with every request.
    pub user_agent: String,
    /// Requests per second per host (0 = no limit; Crawl-delay may lower it).
    pub rate_per_host: f64,
    /// Requests in flight per host.
    pub concurrency_per_host: usize,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Largest body kept (bytes, after decompression).
    pub max_body: usize,
    /// Obey robots.txt (always on for crawls; off only for fetching a URL a person reported).
    pub obey_robots: bool,
    /// Fetch loopback and private addresses (the fixture marketplace). When false, every
    /// address is checked by [`crate::guard::Guard`] (IP literals, redirects, DNS answers).
    pub allow_private: bool,
    /// With `allow_private` false: `host` or `host:port` entries allowed anyway (test hosts).
    pub allow_hosts: Vec<String>,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            user_agent: format!(
                "wildwatch/{} (wildlife-trade monitoring; obeys robots.txt)",
                env!("CARGO_PKG_VERSION")
            ),
            rate_per_host: 2.0,
            concurrency_per_host: 2,
            timeout: Duration::from_secs(20),
            max_body: 5_000_000,
            obey_robots: true,
            allow_private: true,
            allow_hosts: Vec::new(),
        }
    }
}

/// A fetched page.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// URL asked for.
    pub url: String,
    /// URL after redirects.
    pub final_url: String,
    /// HTTP status.
    pub status: u16,
    /// Raw request head (for the WARC request record).
    pub request_head: Vec<u8>,
    /// Response status line and headers as received (for the WARC response record).
    pub response_head: Vec<u8>,
    /// Body bytes as received (possibly compressed), cut at the cap.
    pub raw_body: Vec<u8>,
    /// Decoded text (decompressed, charset-decoded).
    pub text: String,
    /// Content-Type.
    pub content_type: Option<String>,
    /// Charset used to decode.
    pub charset: String,
    /// True when the body was cut at the cap.
    pub truncated: bool,
    /// Time taken.
    pub elapsed: Duration,
    /// For a page loaded in the browser: the other responses, the DOM, the screenshot. `text`
    /// is then the rendered DOM, and the other fields describe the document as received.
    pub rendered: Option<Box<crate::browser::Capture>>,
}

impl Fetched {
    /// A page the browser captured: the document's response as the page, its DOM as the text.
    pub fn from_capture(mut c: crate::browser::Capture) -> Fetched {
        let doc = c.document.take();
        let dom = std::mem::take(&mut c.dom);
        let (status, request_head, response_head, raw_body, content_type, truncated) = match doc {
            Some(d) => (
                d.status,
                d.request_head,
                d.response_head,
                d.body,
                d.content_type,
                d.truncated,
            ),
            // No document response (the page came from a service worker, or about:blank):
            // the DOM stands for it.
            None => (
                200,
                format!("GET {} HTTP/1.1\r\n\r\n", c.url).into_bytes(),
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n".to_vec(),
                dom.clone().into_bytes(),
                Some("text/html; charset=utf-8".into()),
                false,
            ),
        };
        c.dom = dom.clone();
        Fetched {
            url: c.url.clone(),
            final_url: c.final_url.clone(),
            status,
            request_head,
            response_head,
            raw_body,
            text: dom,
            content_type,
            charset: "utf-8".into(),
            truncated,
            elapsed: c.elapsed,
            rendered: Some(Box::new(c)),
        }
    }
}

/// Why a fetch failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FetchError {
    /// robots.txt disallows the URL.
    #[error("disallowed by robots.txt")]
    Robots,
    /// Not an http(s) URL, or a host that may not be fetched.
    #[error("refused URL: {0}")]
    Refused(String),
    /// Timed out.
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    /// Network or protocol error (includes redirect loops).
    #[error("{0}")]
    Http(String),
    /// The headless browser failed (would not start, hung, crashed, or the page did not load).
    #[error("browser: {0}")]
    Browser(String),
}

impl FetchError {
    /// Worth another try later (timeouts, connection errors).
    pub fn retryable(&self) -> bool {
        matches!(
            self,
            FetchError::Timeout(_) | FetchError::Http(_) | FetchError::Browser(_)
        )
    }
}

/// How long a robots.txt answer is used before it is fetched again (RFC 9309, 2.4: "crawlers
/// SHOULD NOT use the cached version for more than 24 hours").
pub const ROBOTS_TTL: Duration = Duration::from_secs(24 * 3600);

/// Politeness is per scheme, host and port.
fn host_key(u: &Url) -> String {
    format!(
        "{}://{}:{}",
        u.scheme(),
        u.host_str().unwrap_or_default(),
        u.port_or_known_default().unwrap_or(0)
    )
}

struct Host {
    robots: OnceCell<Option<Robot>>,
    limiter: Mutex<Option<Arc<DefaultDirectRateLimiter>>>,
    slots: Semaphore,
}

/// The fetcher (cheap to share behind an `Arc`).
pub struct Fetcher {
    client: reqwest::Client,
    cfg: FetchConfig,
    guard: Option<crate::guard::Guard>,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
}

fn limiter(rate: f64) -> Option<Arc<DefaultDirectRateLimiter>> {
    if rate <= 0.0 || !rate.is_finite() {
        return None;
    }
    let quota = if rate >= 1.0 {
        Quota::per_second(NonZeroU32::new(rate.round() as u32).unwrap_or(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::MIN)
    } else {
        Quota::with_period(Duration::from_secs_f64(1.0 / rate))?.allow_burst(NonZeroU32::MIN)
    };
    Some(Arc::new(RateLimiter::direct(quota)))
}

impl Fetcher {
    /// A fetcher with these settings.
    pub fn new(cfg: FetchConfig) -> Result<Fetcher, FetchError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let guard = (!cfg.allow_private).then(|| crate::guard::Guard::new(&cfg.allow_hosts));
        let mut builder = reqwest::Client::builder()
            .user_agent(cfg.user_agent.clone())
            .timeout(cfg.timeout)
            .connect_timeout(cfg.timeout.min(Duration::from_secs(10)));
        builder = match &guard {
            None => builder.redirect(reqwest::redirect::Policy::limited(5)),
            Some(g) => {
                let g2 = g.clone();
                builder.dns_resolver(g.resolver()).no_proxy().redirect(
                    reqwest::redirect::Policy::custom(move |attempt| {
                        if attempt.previous().len() >= 5 {
                            attempt.error("too many redirects")
                        } else if let Err(e) = g2.check_url(attempt.url()) {
                            attempt.error(format!("redirect refused: {e}"))
                        } else {
                            attempt.follow()
                        }
                    }),
                )
            }
        };
        let client = builder
            .build()
            .map_err(|e| FetchError::Http(format!("cannot build the HTTP client: {e}")))?;
        Ok(Fetcher {
            client,
            cfg,
            guard,
            hosts: Mutex::new(HashMap::new()),
        })
    }

    fn host(&self, key: &str) -> Arc<Host> {
        let mut h = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        h.entry(key.to_string())
            .or_insert_with(|| {
                Arc::new(Host {
                    robots: OnceCell::new(),
                    limiter: Mutex::new(limiter(self.cfg.rate_per_host)),
                    slots: Semaphore::new(self.cfg.concurrency_per_host.max(1)),
                })
            })
            .clone()
    }

    fn check_url(&self, url: &str) -> Result<Url, FetchError> {
        let u = Url::parse(url).map_err(|e| FetchError::Refused(format!("{url}: {e}")))?;
        if !matches!(u.scheme(), "http" | "https") {
            return Err(FetchError::Refused(format!("{url}: not http(s)")));
        }
        if u.host_str().is_none() {
            return Err(FetchError::Refused(format!("{url}: no host")));
        }
        if let Some(g) = &self.guard {
            g.check_url(&u)
                .map_err(|e| FetchError::Refused(format!("{url}: {e}")))?;
        }
        Ok(u)
    }

    /// The rules of a robots.txt answer: its rules on 2xx, everything disallowed on a server
    /// error, no rules on 4xx (RFC 9309, 2.3.1).
    fn robot_from(&self, status: u16, body: &[u8]) -> Option<Robot> {
        if (200..300).contains(&status) {
            Robot::new(&self.cfg.user_agent, body).ok()
        } else if status >= 500 {
            Robot::new(&self.cfg.user_agent, b"User-agent: *\nDisallow: /").ok()
        } else {
            None
        }
    }

    /// Uses a robots.txt answer fetched earlier (by an earlier run of the campaign, within
    /// [`ROBOTS_TTL`]) instead of fetching it again. Returns false when the host already has
    /// its answer or the URL is not one this fetcher may fetch.
    pub fn reuse_robots(&self, robots_url: &str, status: u16, body: &[u8]) -> bool {
        let Ok(u) = self.check_url(robots_url) else {
            return false;
        };
        let host = self.host(&host_key(&u));
        host.robots.set(self.robot_from(status, body)).is_ok()
    }

    /// Fetches robots.txt for the URL's host once (its answer is also returned for the evidence).
    async fn robots(&self, u: &Url, host: &Host) -> Option<Fetched> {
        let mut fetched = None;
        host.robots
            .get_or_init(|| async {
                let robots_url = format!(
                    "{}://{}{}/robots.txt",
                    u.scheme(),
                    u.host_str().unwrap_or_default(),
                    u.port().map(|p| format!(":{p}")).unwrap_or_default()
                );
                match self.get(&robots_url).await {
                    Ok(f) => {
                        let robot = self.robot_from(f.status, f.text.as_bytes());
                        fetched = Some(f);
                        robot
                    }
                    Err(_) => None,
                }
            })
            .await;
        if let Some(Some(r)) = host.robots.get() {
            if let Some(delay) = r.delay.filter(|d| *d > 0.0) {
                let mut l = host.limiter.lock().unwrap_or_else(|e| e.into_inner());
                let rate = 1.0 / delay as f64;
                if self.cfg.rate_per_host <= 0.0 || rate < self.cfg.rate_per_host {
                    *l = limiter(rate);
                }
            }
        }
        fetched
    }

    /// Fetches a URL politely. Returns the page, and the robots.txt answer when this call was the
    /// one that fetched it (so it can be archived too).
    pub async fn fetch(&self, url: &str) -> (Result<Fetched, FetchError>, Option<Fetched>) {
        self.politely(url, || self.get(url)).await
    }

    /// Loads a URL in the headless browser, as politely as [`Fetcher::fetch`] (robots.txt, the
    /// host's rate and concurrency: the page and what its scripts load count as one visit).
    /// The page's `text` is the rendered DOM; what the browser received is in `rendered`.
    pub async fn render(
        &self,
        url: &str,
        renderer: &crate::browser::Renderer,
        steps: &crate::browser::PageSteps,
    ) -> (Result<Fetched, FetchError>, Option<Fetched>) {
        self.politely(url, || async {
            let c = renderer.capture(url, steps).await?;
            Ok(Fetched::from_capture(c))
        })
        .await
    }

    /// The checks and waits before a request: the URL, robots.txt, a slot of the host, its rate.
    async fn politely<F, Fut>(
        &self,
        url: &str,
        go: F,
    ) -> (Result<Fetched, FetchError>, Option<Fetched>)
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Fetched, FetchError>>,
    {
        let u = match self.check_url(url) {
            Ok(u) => u,
            Err(e) => return (Err(e), None),
        };
        let host = self.host(&host_key(&u));
        let robots_page = if self.cfg.obey_robots {
            self.robots(&u, &host).await
        } else {
            None
        };
        if self.cfg.obey_robots {
            if let Some(Some(r)) = host.robots.get() {
                if !r.allowed(url) {
                    return (Err(FetchError::Robots), robots_page);
                }
            }
        }
        let _slot = host.slots.acquire().await;
        let lim = host
            .limiter
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(l) = lim {
            l.until_ready().await;
        }
        (go().await, robots_page)
    }

    /// One GET, no politeness (used by [`Fetcher::fetch`] after the checks).
    async fn get(&self, url: &str) -> Result<Fetched, FetchError> {
        let started = Instant::now();
        let timeout = self.cfg.timeout;
        let fut = async {
            let u = Url::parse(url).map_err(|e| FetchError::Refused(e.to_string()))?;
            let request_head = format!(
                "GET {}{} HTTP/1.1\r\nHost: {}{}\r\nUser-Agent: {}\r\nAccept: text/html,application/xhtml+xml,*/*;q=0.8\r\nAccept-Encoding: gzip, deflate\r\n\r\n",
                u.path(),
                u.query().map(|q| format!("?{q}")).unwrap_or_default(),
                u.host_str().unwrap_or_default(),
                u.port().map(|p| format!(":{p}")).unwrap_or_default(),
                self.cfg.user_agent
            )
            .into_bytes();
            let mut resp = self
                .client
                .get(url)
                .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
                .header("Accept-Encoding", "gzip, deflate")
                .send()
                .await
                .map_err(http_error)?;
            let status = resp.status().as_u16();
            let final_url = resp.url().to_string();
            let mut head = format!(
                "HTTP/1.1 {} {}\r\n",
                status,
                resp.status().canonical_reason().unwrap_or("")
            );
            for (k, v) in resp.headers() {
                head.push_str(k.as_str());
                head.push_str(": ");
                head.push_str(&String::from_utf8_lossy(v.as_bytes()));
                head.push_str("\r\n");
            }
            head.push_str("\r\n");
            let header = |name: &str| {
                resp.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let content_type = header("content-type");
            let encoding = header("content-encoding")
                .unwrap_or_default()
                .to_lowercase();
            let mut raw = Vec::new();
            let mut truncated = false;
            while let Some(chunk) = resp.chunk().await.map_err(http_error)? {
                raw.extend_from_slice(&chunk);
                if raw.len() > self.cfg.max_body {
                    raw.truncate(self.cfg.max_body);
                    truncated = true;
                    break;
                }
            }
            let (body, cut) = decompress(&raw, &encoding, self.cfg.max_body);
            truncated |= cut;
            let (text, charset) = decode(&body, content_type.as_deref());
            Ok(Fetched {
                url: url.to_string(),
                final_url,
                status,
                request_head,
                response_head: head.into_bytes(),
                raw_body: raw,
                text,
                content_type,
                charset,
                truncated,
                elapsed: started.elapsed(),
                rendered: None,
            })
        };
        match tokio::time::timeout(timeout + Duration::from_secs(1), fut).await {
            Ok(r) => r,
            Err(_) => Err(FetchError::Timeout(timeout)),
        }
    }
}

fn http_error(e: reqwest::Error) -> FetchError {
    if e.is_timeout() {
        FetchError::Timeout(Duration::ZERO)
    } else {
        let mut msg = e.to_string();
        let mut src = std::error::Error::source(&e);
        while let Some(s) = src {
            msg.push_str(": ");
            msg.push_str(&s.to_string());
            src = s.source();
        }
        if msg.contains("redirect refused") || msg.contains("no public address") {
            FetchError::Refused(msg)
        } else if e.is_redirect() {
            FetchError::Http(format!("redirect loop or too many redirects: {msg}"))
        } else {
            FetchError::Http(msg)
        }
    }
}

/// Decompresses gzip/deflate bodies, never beyond `cap` bytes (a gzip bomb stops there).
pub fn decompress(raw: &[u8], encoding: &str, cap: usize) -> (Vec<u8>, bool) {
    let reader: Option<Box<dyn Read + '_>> = match encoding.trim() {
        "gzip" | "x-gzip" => Some(Box::new(flate2::read::MultiGzDecoder::new(raw))),
        "deflate" => Some(Box::new(flate2::read::ZlibDecoder::new(raw))),
        _ => None,
    };
    let Some(r) = reader else {
        return (raw.to_vec(), false);
    };
    let mut out = Vec::new();
    match r.take(cap as u64 + 1).read_to_end(&mut out) {
        Ok(_) => {
            let cut = out.len() > cap;
            out.truncate(cap);
            (out, cut)
        }
        // A broken stream: keep what came out.
        Err(_) => (out, false),
    }
}

/// Decodes a body: the header's charset, else a `<meta charset>`, else UTF-8 when valid, else
/// windows-1252 (what browsers do for legacy Western pages).
pub fn decode(body: &[u8], content_type: Option<&str>) -> (String, String) {
    let (text, charset, _) = decode_checked(body, content_type);
    (text, charset)
}

/// [`decode`], also telling whether bytes invalid in the charset were replaced with U+FFFD.
pub fn decode_checked(body: &[u8], content_type: Option<&str>) -> (String, String, bool) {
    let from_header = content_type.and_then(|ct| {
        ct.split(';')
            .filter_map(|p| p.trim().strip_prefix("charset="))
            .next()
            .map(|c| c.trim_matches('"').to_string())
    });
    let from_meta = || {
        let head = String::from_utf8_lossy(&body[..body.len().min(4096)]).to_lowercase();
        let i = head.find("charset=")?;
        let rest = &head[i + 8..];
        let rest = rest.trim_start_matches(['"', '\'']);
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(rest.len());
        Some(rest[..end].to_string()).filter(|s| !s.is_empty())
    };
    let label = from_header.or_else(from_meta);
    if let Some(enc) = label
        .as_deref()
        .and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes()))
    {
        let (text, _, replaced) = enc.decode(body);
        return (text.into_owned(), enc.name().to_string(), replaced);
    }
    match std::str::from_utf8(body) {
        Ok(s) => (s.to_string(), "UTF-8".into(), false),
        Err(_) => {
            let (text, _, replaced) = encoding_rs::WINDOWS_1252.decode(body);
            (text.into_owned(), "windows-1252".into(), replaced)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charsets() {
        let latin1 = b"<p>Perroquet \xe0 vendre, tr\xe8s gentil</p>";
        let (t, c) = decode(latin1, Some("text/html; charset=ISO-8859-1"));
        assert!(t.contains("à vendre") && t.contains("très"), "{t} {c}");
        let (t, _) = decode(b"<meta charset=\"windows-1252\"><p>\x80 20</p>", None);
        assert!(t.contains("€ 20"), "{t}");
        let (t, c) = decode("Größe".as_bytes(), None);
        assert_eq!((t.as_str(), c.as_str()), ("Größe", "UTF-8"));
        let (t, c) = decode(b"caf\xe9", None);
        assert_eq!((t.as_str(), c.as_str()), ("café", "windows-1252"));
    }

    #[test]
    fn gzip_bomb_stops_at_the_cap() {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            e.write_all(&zeros).unwrap();
        }
        let bomb = e.finish().unwrap();
        assert!(bomb.len() < 200_000);
        let (out, cut) = decompress(&bomb, "gzip", 1_000_000);
        assert_eq!(out.len(), 1_000_000);
        assert!(cut);
    }
}
