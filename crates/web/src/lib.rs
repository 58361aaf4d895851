//! The analyst web app and JSON API, served by the `wildwatch` binary (`wildwatch serve`).
//!
//! * Pages are rendered on the server with askama templates (autoescaped) and embedded in the
//!   binary with their stylesheet: nothing to build, no script at all, so the app's
//!   Content-Security-Policy can forbid scripts outright.
//! * The JSON API under `/api` covers what the pages do and is described at `/api/openapi.json`.
//! * Archived pages (hostile HTML from the marketplaces) are served by a second listener on its
//!   own origin, only through short-lived signed links, under `Content-Security-Policy: sandbox`,
//!   and shown in a sandboxed iframe: never from the app's origin.
//! * Public reports are fetched by a background task through a fetcher that refuses loopback and
//!   private addresses (SSRF), except explicitly configured test hosts.

pub mod actions;
pub mod api;
pub mod archive;
pub mod auth;
pub mod learn;
pub mod pages;
mod recent;
pub mod report;
pub mod service;
pub mod util;

pub(crate) use recent::{Cached, Recent};

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Router;
use wildwatch_detect::Detector;
use wildwatch_refdata::RefData;
use wildwatch_store::app::Facets;
use wildwatch_store::{AppStore, StoreError};
use wildwatch_store_pg::DbUrl;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// The store, as [`wildwatch_store_pg::open_any`] reads it: a PostgreSQL connection string
    /// (`postgres://…`), else the path of an SQLite file (`sqlite://` prefix optional).
    pub db: String,
    /// The data directory: takedown notices, signing keys and `model/` live there (for an SQLite
    /// store opened with [`ServeConfig::new`], the database's directory).
    pub data: PathBuf,
    /// The WARC evidence directory.
    pub evidence: PathBuf,
    /// Where the app listens.
    pub addr: SocketAddr,
    /// Where archived pages are served (a different origin from the app).
    pub archive_addr: SocketAddr,
    /// Hosts (`host` or `host:port`) that public reports may point at although they are
    /// loopback or private (tests and the fixture marketplace only).
    pub allow_report_hosts: Vec<String>,
    /// Reports accepted per client address per hour.
    pub reports_per_hour: u32,
    /// Login attempts per client address, and per (address, user name), per minute; beyond
    /// that the address gets 429. A user name tried more often than this from all addresses
    /// together is slowed down by `login_slowdown` per attempt, never locked, so nobody can keep
    /// an analyst out by failing logins in their name.
    pub logins_per_minute: u32,
    /// Delay added to each login attempt for a user name over its limit.
    pub login_slowdown: Duration,
    /// Mark cookies `Secure` (on by default; browsers accept them on http://localhost too).
    pub secure_cookies: bool,
    /// Fetch and scan reported URLs in the background.
    pub fetch_reports: bool,
    /// Database connections.
    pub connections: usize,
    /// Retrain the relevance model in the background after every this many reviews saved
    /// through the app or the API (`None`: never). See [`learn`].
    pub retrain_every: Option<usize>,
    /// Where the relevance model (`relevance.json`) and its training history (`history.jsonl`)
    /// live: `model/` in the data directory, i.e. beside the database.
    pub model_dir: PathBuf,
}

impl ServeConfig {
    /// Defaults for an SQLite database file; the data directory is the file's directory.
    pub fn new(db: PathBuf, evidence: PathBuf) -> ServeConfig {
        let data = db.parent().unwrap_or(Path::new("")).to_path_buf();
        ServeConfig::with_store(db.to_string_lossy(), data, evidence)
    }

    /// Defaults for the store `db` names (a PostgreSQL connection string or an SQLite path, as
    /// [`wildwatch_store_pg::open_any`] reads it), with the data directory `data`.
    pub fn with_store(db: impl Into<String>, data: PathBuf, evidence: PathBuf) -> ServeConfig {
        ServeConfig {
            retrain_every: Some(50),
            model_dir: data.join("model"),
            db: db.into(),
            data,
            evidence,
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            archive_addr: SocketAddr::from(([127, 0, 0, 1], 8081)),
            allow_report_hosts: Vec::new(),
            reports_per_hour: 30,
            logins_per_minute: 10,
            login_slowdown: Duration::from_secs(2),
            secure_cookies: true,
            fetch_reports: true,
            connections: 4,
        }
    }

    /// True when the store is on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        DbUrl::parse(&self.db).is_postgres()
    }

    /// The store for people: the SQLite file's path, or the connection string without its
    /// password.
    pub fn db_display(&self) -> String {
        match DbUrl::parse(&self.db) {
            DbUrl::Sqlite(p) => p.display().to_string(),
            DbUrl::Postgres(u) => wildwatch_store_pg::redact(&u),
        }
    }
}

/// Runs `f` where a blocking database driver may run: on this thread outside any tokio runtime,
/// else on a thread of its own (PostgreSQL's driver blocks on a runtime of its own to connect and
/// to close a connection, which tokio refuses inside another runtime).
pub fn outside_runtime<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if tokio::runtime::Handle::try_current().is_err() {
        return f();
    }
    std::thread::scope(|s| match s.spawn(f).join() {
        Ok(r) => r,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

/// Opens the store `db` names (see [`ServeConfig::db`]), from anywhere (see
/// [`outside_runtime`]).
pub fn open_store(db: &str) -> Result<Box<dyn AppStore>, StoreError> {
    outside_runtime(|| wildwatch_store_pg::open_any(db))
}

/// A small pool of store connections, one per slot: SQLite connections (WAL: readers never wait
/// for the writer) or PostgreSQL sessions.
pub struct Pool {
    conns: Vec<Mutex<Box<dyn AppStore>>>,
    next: AtomicUsize,
}

impl Pool {
    /// Opens `n` connections to the store `db` names (creating and migrating it if needed).
    pub fn open(db: &str, n: usize) -> Result<Pool, StoreError> {
        outside_runtime(|| {
            let mut conns = Vec::new();
            for _ in 0..n.max(1) {
                conns.push(Mutex::new(wildwatch_store_pg::open_any(db)?));
            }
            Ok(Pool {
                conns,
                next: AtomicUsize::new(0),
            })
        })
    }

    fn with<R>(&self, f: impl FnOnce(&mut dyn AppStore) -> R) -> R {
        let n = self.conns.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed) % n;
        for i in 0..n {
            if let Ok(mut g) = self.conns[(start + i) % n].try_lock() {
                return f(&mut **g);
            }
        }
        let mut g = self.conns[start].lock().unwrap_or_else(|e| e.into_inner());
        f(&mut **g)
    }
}

impl Drop for Pool {
    /// Closes the connections where their driver may block (see [`outside_runtime`]): the last
    /// reference to the app's state may go inside the server's runtime.
    fn drop(&mut self) {
        let conns = std::mem::take(&mut self.conns);
        outside_runtime(move || drop(conns));
    }
}

type DetectorFactory = Arc<dyn Fn() -> anyhow::Result<Detector> + Send + Sync>;

type KeyedLimiter = governor::DefaultKeyedRateLimiter<String>;

/// Shared state of the app.
pub struct AppState {
    /// Settings.
    pub cfg: ServeConfig,
    pool: Pool,
    /// Key for signed links and anonymous CSRF tokens (random per start).
    secret: [u8; 32],
    login_ip: KeyedLimiter,
    login_pair: KeyedLimiter,
    login_user: KeyedLimiter,
    report_ip: KeyedLimiter,
    /// Reference data (to check species names in reviews).
    pub refdata: Arc<RefData>,
    detector: tokio::sync::OnceCell<Arc<Detector>>,
    make_detector: DetectorFactory,
    /// The detector with the newest retrained model, once there is one (wins over `detector`).
    retrained: std::sync::RwLock<Option<Arc<Detector>>>,
    /// Reviews saved since the last retrain started.
    pub(crate) reviews_since_train: AtomicUsize,
    /// A retrain is running (only one at a time).
    pub(crate) retraining: std::sync::atomic::AtomicBool,
    /// What the dashboard shows of the model file (read again when the file changes).
    pub(crate) model_file_info: Mutex<Option<(std::time::SystemTime, learn::ModelInfo)>>,
    /// Wakes the report fetcher.
    pub report_wake: tokio::sync::Notify,
    /// Counts of ads per filter (counting 100,000 rows on every page view would cost more than
    /// the page).
    pub(crate) counts: Recent<i64>,
    /// The filter menus.
    pub(crate) facets: Recent<Arc<Facets>>,
    /// What went wrong per platform (dashboard).
    pub(crate) platform_warnings: Recent<Arc<Vec<service::PlatformWarning>>>,
    /// The dashboard's figures per campaign and of public reports (aggregates over every ad:
    /// at 1,000,000 ads one computation takes about a second).
    pub(crate) figures: Recent<Arc<service::Figures>>,
    /// Origin of the archive listener, e.g. `http://127.0.0.1:8081`.
    pub archive_origin: String,
}

/// The state as handlers get it.
pub type Shared = Arc<AppState>;

fn keyed(per_period: u32, period: Duration) -> KeyedLimiter {
    let n = std::num::NonZeroU32::new(per_period.max(1)).unwrap_or(std::num::NonZeroU32::MIN);
    let quota = governor::Quota::with_period(period / n.get())
        .unwrap_or_else(|| governor::Quota::per_second(n))
        .allow_burst(n);
    governor::RateLimiter::keyed(quota)
}

impl AppState {
    /// Builds the state: opens the pool and loads the reference data; the detector is built on
    /// first use (by the report fetcher) with `make_detector`.
    pub fn new(
        cfg: ServeConfig,
        refdata: RefData,
        make_detector: DetectorFactory,
    ) -> anyhow::Result<Shared> {
        if let DbUrl::Sqlite(file) = DbUrl::parse(&cfg.db) {
            if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
        }
        let pool = Pool::open(&cfg.db, cfg.connections)?;
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret)
            .map_err(|e| anyhow::anyhow!("no random source for the session key: {e}"))?;
        let archive_origin = format!("http://{}", cfg.archive_addr);
        Ok(Arc::new(AppState {
            login_ip: keyed(cfg.logins_per_minute, Duration::from_secs(60)),
            login_pair: keyed(cfg.logins_per_minute, Duration::from_secs(60)),
            login_user: keyed(cfg.logins_per_minute, Duration::from_secs(60)),
            report_ip: keyed(cfg.reports_per_hour, Duration::from_secs(3600)),
            cfg,
            pool,
            secret,
            refdata: Arc::new(refdata),
            detector: tokio::sync::OnceCell::new(),
            make_detector,
            retrained: std::sync::RwLock::new(None),
            reviews_since_train: AtomicUsize::new(0),
            retraining: std::sync::atomic::AtomicBool::new(false),
            model_file_info: Mutex::new(None),
            report_wake: tokio::sync::Notify::new(),
            counts: Recent::new(),
            facets: Recent::new(),
            platform_warnings: Recent::new(),
            figures: Recent::new(),
            archive_origin,
        }))
    }

    /// The detector (built once, off the async threads).
    pub async fn detector(self: &Arc<Self>) -> anyhow::Result<Arc<Detector>> {
        if let Some(d) = self.retrained_detector() {
            return Ok(d);
        }
        let st = self.clone();
        self.detector
            .get_or_try_init(|| async move {
                let f = st.make_detector.clone();
                tokio::task::spawn_blocking(move || f())
                    .await
                    .map_err(|e| anyhow::anyhow!("detector build panicked: {e}"))?
                    .map(Arc::new)
            })
            .await
            .cloned()
    }
}

impl AppState {
    /// The detector with the newest retrained model, if a retrain has finished.
    pub(crate) fn retrained_detector(&self) -> Option<Arc<Detector>> {
        self.retrained
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The detector if it has been built (without building it).
    pub(crate) fn built_detector(&self) -> Option<Arc<Detector>> {
        self.retrained_detector()
            .or_else(|| self.detector.get().cloned())
    }

    /// Makes `d` the detector of the app (after a retrain).
    pub(crate) fn swap_detector(&self, d: Detector) {
        *self.retrained.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(d));
    }

    /// A new detector from the factory (blocking).
    pub(crate) fn make_detector(&self) -> anyhow::Result<Detector> {
        (self.make_detector)()
    }
}

/// Runs `f` on a pooled connection, off the async threads.
pub async fn db<R, F>(st: &Shared, f: F) -> Result<R, Failure>
where
    R: Send + 'static,
    F: FnOnce(&mut dyn AppStore) -> Result<R, StoreError> + Send + 'static,
{
    let st = st.clone();
    tokio::task::spawn_blocking(move || st.pool.with(f))
        .await
        .map_err(|e| Failure::internal(format!("database task failed: {e}")))?
        .map_err(Failure::from)
}

/// What went wrong, for a page or an API answer.
#[derive(Debug, Clone)]
pub struct Failure {
    /// HTTP status.
    pub status: StatusCode,
    /// Machine-readable code.
    pub code: &'static str,
    /// What was wrong, for a person.
    pub message: String,
}

impl Failure {
    /// 400.
    pub fn bad(msg: impl Into<String>) -> Failure {
        Failure {
            status: StatusCode::BAD_REQUEST,
            code: "invalid",
            message: msg.into(),
        }
    }
    /// 404.
    pub fn not_found(msg: impl Into<String>) -> Failure {
        Failure {
            status: StatusCode::NOT_FOUND,
            code: "not_found",
            message: msg.into(),
        }
    }
    /// 403.
    pub fn forbidden(msg: impl Into<String>) -> Failure {
        Failure {
            status: StatusCode::FORBIDDEN,
            code: "forbidden",
            message: msg.into(),
        }
    }
    /// 401.
    pub fn unauthorized(msg: impl Into<String>) -> Failure {
        Failure {
            status: StatusCode::UNAUTHORIZED,
            code: "unauthorized",
            message: msg.into(),
        }
    }
    /// 429.
    pub fn too_many(msg: impl Into<String>) -> Failure {
        Failure {
            status: StatusCode::TOO_MANY_REQUESTS,
            code: "rate_limited",
            message: msg.into(),
        }
    }
    /// 500.
    pub fn internal(msg: impl Into<String>) -> Failure {
        Failure {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: msg.into(),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        match e {
            StoreError::NotFound(m) => Failure::not_found(m),
            StoreError::Conflict(m) => Failure {
                status: StatusCode::CONFLICT,
                code: "conflict",
                message: m,
            },
            StoreError::Constraint(m) => Failure {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code: "refused",
                message: m,
            },
            e @ StoreError::ConnectionLost(_) => Failure {
                status: StatusCode::SERVICE_UNAVAILABLE,
                code: "unavailable",
                message: e.to_string(),
            },
            other => Failure::internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for Failure {
    fn from(e: askama::Error) -> Failure {
        Failure::internal(format!("template: {e}"))
    }
}

/// Security headers on every app response. Scripts are not needed and not allowed.
async fn security_headers(
    axum::extract::State(st): axum::extract::State<Shared>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let csp = format!(
        "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self' data:; \
         form-action 'self'; frame-src {}; frame-ancestors 'none'; base-uri 'none'",
        st.archive_origin
    );
    // A handler may set a stricter policy of its own (the self-contained report files).
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(v) = HeaderValue::from_str(&csp) {
            h.insert(header::CONTENT_SECURITY_POLICY, v);
        }
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    // Every 429 says when to come back (the limits are per minute or per hour).
    if res.status() == StatusCode::TOO_MANY_REQUESTS {
        res.headers_mut()
            .entry(header::RETRY_AFTER)
            .or_insert(HeaderValue::from_static("60"));
    }
    res
}

/// The app: pages, API, stylesheet.
pub fn app_router(st: Shared) -> Router {
    Router::new()
        .merge(pages::routes())
        .merge(api::routes())
        .merge(actions::routes())
        .layer(axum::middleware::from_fn_with_state(
            st.clone(),
            security_headers,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(256 * 1024))
        .with_state(st)
}

/// Starts both listeners and the report fetcher; runs until Ctrl-C.
pub async fn serve(st: Shared) -> anyhow::Result<()> {
    let app = tokio::net::TcpListener::bind(st.cfg.addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", st.cfg.addr))?;
    let arch = tokio::net::TcpListener::bind(st.cfg.archive_addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", st.cfg.archive_addr))?;
    serve_on(st, app, arch, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

/// Serves on listeners already bound (tests bind port 0; `cfg.addr` and `cfg.archive_addr`
/// must name them) until `shutdown` completes.
pub async fn serve_on(
    st: Shared,
    app: tokio::net::TcpListener,
    arch: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    if st.cfg.fetch_reports {
        tokio::spawn(report::run(st.clone()));
    }
    let arch_router = archive::router(st.clone());
    tokio::spawn(async move {
        let _ = axum::serve(arch, arch_router).await;
    });
    let router = app_router(st.clone());
    axum::serve(
        app,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    Ok(())
}
