//! The HTML pages. Every value reaches the page through an askama template, which escapes it;
//! nothing here builds HTML by hand.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use wildwatch_store::app::{AdQuery, Review, Role, User};
use wildwatch_store::{Category, ReviewStatus, Risk};

use crate::auth::{self, Authed, ClientIp, MaybeUser, PageUser};
use crate::service::{self, CATEGORIES, RISKS};
use crate::util::{fmt_day, fmt_eur, fmt_int, fmt_time, highlight, Segment};
use crate::{db, Failure, Shared};

mod ad;
mod admin;
mod screenshot;
mod sellers;

pub use ad::archive_link;
use ad::*;
use admin::*;
pub use admin::{add_user, update_user};
use sellers::*;

/// What every page's frame needs.
pub struct Chrome {
    /// Signed-in user.
    pub user: Option<User>,
    /// The session's CSRF token (for the logout form).
    pub csrf: String,
    /// Which menu entry is current.
    pub active: &'static str,
    /// Program version.
    pub version: &'static str,
}

pub(crate) fn chrome(a: Option<&Authed>, active: &'static str) -> Chrome {
    Chrome {
        user: a.map(|a| a.user.clone()),
        csrf: a.and_then(|a| a.csrf.clone()).unwrap_or_default(),
        active,
        version: env!("CARGO_PKG_VERSION"),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    status: u16,
    heading: String,
    message: String,
}

/// An error as a page.
pub fn error_page(f: Failure) -> Response {
    let heading = match f.status.as_u16() {
        400 => "That did not work",
        401 => "Please log in",
        403 => "Not allowed",
        404 => "Not found",
        429 => "Slow down",
        _ => "Something went wrong",
    };
    let page = ErrorPage {
        c: chrome(None, ""),
        status: f.status.as_u16(),
        heading: heading.into(),
        message: f.message,
    };
    match page.render() {
        Ok(html) => (f.status, Html(html)).into_response(),
        Err(_) => (f.status, "error").into_response(),
    }
}

/// A failure shown as a page.
pub struct PageError(pub Failure);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_page(self.0)
    }
}

impl From<Failure> for PageError {
    fn from(f: Failure) -> Self {
        PageError(f)
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        PageError(e.into())
    }
}

pub(crate) type PageResult = Result<Response, PageError>;

/// Adds the anonymous cookie a form's CSRF token was made for, when the request had none.
fn with_cookie(mut res: Response, set: Option<String>) -> PageResult {
    if let Some(v) = set.and_then(|c| c.parse().ok()) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

pub(crate) fn html(t: impl Template) -> PageResult {
    Ok(Html(t.render()?).into_response())
}

/// A parsed `application/x-www-form-urlencoded` body (repeated keys kept).
pub struct FormData(Vec<(String, String)>);

impl FormData {
    /// Parses a body.
    pub fn parse(b: &[u8]) -> FormData {
        FormData(
            url::form_urlencoded::parse(b)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }
    /// First value of a field.
    pub fn get(&self, k: &str) -> Option<&str> {
        self.0.iter().find(|(x, _)| x == k).map(|(_, v)| v.as_str())
    }
    /// First value or "".
    pub fn str(&self, k: &str) -> &str {
        self.get(k).unwrap_or("")
    }
    /// Every value of a field.
    pub fn all(&self, k: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(x, _)| x == k)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// An option of a select.
pub struct Opt {
    value: String,
    label: String,
    selected: bool,
}

fn opts<S: AsRef<str>>(values: &[S], current: Option<&str>) -> Vec<Opt> {
    values
        .iter()
        .map(|v| Opt {
            value: v.as_ref().to_string(),
            label: v.as_ref().to_string(),
            selected: current == Some(v.as_ref()),
        })
        .collect()
}

/// The page routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/", get(dashboard))
        .route("/login", get(login_form).post(login_post))
        .route("/logout", post(logout))
        .route("/ads", get(ads_list))
        .route("/ads/{id}", get(ad_page))
        .route("/ads/{id}/review", post(review_post))
        .route("/ads/{id}/screenshot", get(screenshot::ad_screenshot))
        .route("/report", get(report_form).post(report_post))
        .route("/reports", get(reports_page))
        .route("/reviews/metrics", get(metrics_page))
        .route("/review/next", get(review_next))
        .route("/reviews/export.jsonl", get(export_jsonl))
        .route("/audit", get(audit_page))
        .route("/admin/users", get(users_page).post(users_add))
        .route("/admin/users/{id}", post(users_update))
        .route("/admin/platforms", get(platforms_page))
        .route("/networks", get(networks_page))
        .route("/networks/{id}", get(network_page))
        .route("/sellers/{key}", get(seller_page))
        .route("/account", get(account_page))
        .route("/account/tokens", post(token_create))
        .route("/account/tokens/{id}/revoke", post(token_revoke))
        .route("/static/app.css", get(css))
        .route("/healthz", get(|| async { "ok" }))
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/app.css"),
    )
        .into_response()
}

// ---- dashboard --------------------------------------------------------------------------------

struct CampaignView {
    name: String,
    link: String,
    ads: String,
    relevant: String,
    high: String,
    specimens: String,
    value: String,
    removed: String,
    reviewed: String,
    takedown: String,
    pending: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    c: Chrome,
    platform_warnings: Vec<crate::service::PlatformWarning>,
    campaigns: Vec<CampaignView>,
    t_relevant: String,
    t_high: String,
    t_specimens: String,
    t_value: String,
    t_removed: String,
    t_reports: String,
    counted_at: String,
    r_received: i64,
    r_submissions: i64,
    r_done: i64,
    r_queued: i64,
    r_failed: i64,
    r_relevant: i64,
    model: crate::learn::ModelPanel,
    history: Vec<HistoryView>,
}

struct HistoryView {
    day: String,
    examples: usize,
    positives: usize,
    precision: String,
    recall: String,
    f1: String,
}

async fn dashboard(State(st): State<Shared>, PageUser(a): PageUser) -> PageResult {
    let figures = crate::service::figures(&st).await?;
    let (camps, reports) = (&figures.campaigns, &figures.reports);
    let platform_warnings = crate::service::platform_warnings(&st).await?.to_vec();
    let model = crate::learn::model_panel(&st).await?;
    let history = model
        .history
        .iter()
        .map(|h| HistoryView {
            day: h
                .trained_at
                .replace('T', " ")
                .trim_end_matches('Z')
                .to_string(),
            examples: h.examples,
            positives: h.positives,
            precision: format!("{:.3}", h.precision),
            recall: format!("{:.3}", h.recall),
            f1: format!("{:.3}", h.f1),
        })
        .collect();
    let sum = |f: fn(&wildwatch_store::app::CampaignStats) -> i64| camps.iter().map(f).sum::<i64>();
    html(Dashboard {
        platform_warnings,
        t_relevant: fmt_int(sum(|c| c.relevant)),
        t_high: fmt_int(sum(|c| c.high_risk)),
        t_specimens: fmt_int(sum(|c| c.specimens)),
        t_value: fmt_eur(camps.iter().map(|c| c.value_eur).sum()),
        t_removed: fmt_int(sum(|c| c.removed)),
        t_reports: fmt_int(reports.received),
        campaigns: camps
            .iter()
            .map(|k| CampaignView {
                link: wildwatch_store::app::percent_encode(&k.name),
                name: k.name.clone(),
                ads: fmt_int(k.ads),
                relevant: fmt_int(k.relevant),
                high: fmt_int(k.high_risk),
                specimens: fmt_int(k.specimens),
                value: fmt_eur(k.value_eur),
                removed: fmt_int(k.removed),
                reviewed: fmt_int(k.reviewed),
                takedown: fmt_int(k.takedown),
                pending: fmt_int(k.pending),
            })
            .collect(),
        counted_at: crate::util::fmt_time(figures.counted_at),
        r_received: reports.received,
        r_submissions: reports.submissions,
        r_done: reports.done,
        r_queued: reports.queued,
        r_failed: reports.failed,
        r_relevant: reports.relevant,
        model,
        history,
        c: chrome(Some(&a), "dash"),
    })
}

// ---- login ------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(serde::Deserialize)]
struct NextQ {
    next: Option<String>,
}

/// Only local paths are followed after login (no open redirect).
fn safe_next(n: &str) -> String {
    if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && !n.contains("://") {
        n.to_string()
    } else {
        "/".into()
    }
}

async fn login_form(
    State(st): State<Shared>,
    MaybeUser(a): MaybeUser,
    headers: HeaderMap,
    Query(q): Query<NextQ>,
) -> PageResult {
    if a.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    let (csrf, set) = auth::anon_csrf(&st, &headers);
    let page = LoginPage {
        c: chrome(None, "login"),
        csrf,
        next: safe_next(q.next.as_deref().unwrap_or("/")),
        username: String::new(),
        error: None,
    };
    with_cookie(html(page)?, set)
}

async fn login_post(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> PageResult {
    let f = FormData::parse(&body);
    auth::check_anon_csrf(&st, &headers, f.str("csrf"))?;
    let next = safe_next(f.str("next"));
    match auth::login(&st, &ip, f.str("username"), f.str("password")).await {
        Ok((_, token, _)) => {
            let mut res = Redirect::to(&next).into_response();
            if let Ok(v) =
                auth::set_cookie(&st, auth::SESSION_COOKIE, &token, auth::SESSION_SECS).parse()
            {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(res)
        }
        Err(e) => {
            let (csrf, _) = auth::anon_csrf(&st, &headers);
            let page = LoginPage {
                c: chrome(None, "login"),
                csrf,
                next,
                username: f.str("username").chars().take(64).collect(),
                error: Some(e.message),
            };
            Ok((e.status, Html(page.render()?)).into_response())
        }
    }
}

async fn logout(State(st): State<Shared>, PageUser(a): PageUser, body: Bytes) -> PageResult {
    let f = FormData::parse(&body);
    a.check_csrf(f.get("csrf"))?;
    if let Some(h) = a.session.clone() {
        db(&st, move |s| s.delete_session(&h)).await?;
    }
    let mut res = Redirect::to("/login").into_response();
    if let Ok(v) = auth::set_cookie(&st, auth::SESSION_COOKIE, "", 0).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

// ---- ads list -----------------------------------------------------------------------------------

struct RowView {
    id: i64,
    title: String,
    category: Category,
    species: String,
    price: String,
    platform: String,
    country: String,
    lang: String,
    seller: String,
    seen: String,
    risk: Risk,
    score: i64,
    review: ReviewStatus,
    takedown: bool,
    enforcement: bool,
    gone: bool,
    reported: bool,
}

#[derive(Template)]
#[template(path = "ads.html")]
struct AdsPage {
    c: Chrome,
    count: String,
    filtered: bool,
    campaigns: Vec<Opt>,
    platforms: Vec<Opt>,
    countries: Vec<Opt>,
    languages: Vec<Opt>,
    species: Vec<String>,
    appendices: Vec<Opt>,
    annexes: Vec<Opt>,
    categories: Vec<Opt>,
    risks: Vec<Opt>,
    reviews: Vec<Opt>,
    sorts: Vec<Opt>,
    q_species: String,
    q_from: String,
    q_to: String,
    rows: Vec<RowView>,
    page: u32,
    prev: Option<String>,
    next: Option<String>,
}

/// Empty strings from a GET form mean "any".
fn clean_query(mut q: AdQuery) -> AdQuery {
    let none_if_empty = |v: &mut Option<String>| {
        if v.as_deref().is_some_and(|s| s.trim().is_empty()) {
            *v = None;
        }
    };
    for v in [
        &mut q.campaign,
        &mut q.platform,
        &mut q.country,
        &mut q.lang,
        &mut q.species,
        &mut q.appendix,
        &mut q.annex,
        &mut q.category,
        &mut q.risk,
        &mut q.review,
        &mut q.from,
        &mut q.to,
        &mut q.sort,
    ] {
        none_if_empty(v);
    }
    q
}

/// Parses the list's query string (errors name the parameter).
pub fn parse_query(raw: Option<&str>) -> Result<AdQuery, Failure> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut q = AdQuery::default();
    for (k, v) in pairs {
        let v2 = Some(v.clone());
        match k.as_str() {
            "campaign" => q.campaign = v2,
            "platform" => q.platform = v2,
            "country" => q.country = v2,
            "lang" => q.lang = v2,
            "species" => q.species = v2,
            "appendix" => q.appendix = v2,
            "annex" => q.annex = v2,
            "category" => q.category = v2,
            "risk" => q.risk = v2,
            "review" => q.review = v2,
            "from" => q.from = v2,
            "to" => q.to = v2,
            "sort" => q.sort = v2,
            "relevant" => {
                q.relevant = match v.as_str() {
                    "" => None,
                    "true" | "1" | "yes" => Some(true),
                    "false" | "0" | "no" => Some(false),
                    _ => {
                        return Err(Failure::bad(format!(
                            "`relevant` must be true or false, not `{v}`"
                        )))
                    }
                }
            }
            "page" | "per_page" => {
                if v.is_empty() {
                    continue;
                }
                let n: u32 = v.parse().map_err(|_| {
                    Failure::bad(format!("`{k}` must be a whole number, not `{v}`"))
                })?;
                if k == "page" {
                    q.page = Some(n);
                } else {
                    q.per_page = Some(n);
                }
            }
            _ => {}
        }
    }
    let q = clean_query(q);
    q.validate().map_err(Failure::bad)?;
    Ok(q)
}

async fn ads_list(
    State(st): State<Shared>,
    PageUser(a): PageUser,
    uri: axum::http::Uri,
) -> PageResult {
    let q = parse_query(uri.query())?;
    let q2 = q.clone();
    let page = db(&st, move |s| s.ad_page(&q2)).await?;
    let facets = service::facets(&st).await?;
    let count = service::ad_count(&st, &q).await?;
    let base = q.to_query_string();
    let link = |p: u32| {
        if base.is_empty() {
            format!("page={p}")
        } else {
            format!("{base}&page={p}")
        }
    };
    let filtered = base
        .split('&')
        .any(|kv| !kv.is_empty() && !kv.starts_with("sort=") && !kv.starts_with("per_page="));
    let rows = page
        .ads
        .iter()
        .map(|r| RowView {
            id: r.id,
            title: if r.title.trim().is_empty() {
                "(no title)".into()
            } else {
                r.title.clone()
            },
            category: r.category,
            species: r.species.join(", "),
            price: r.price_eur.map(fmt_eur).unwrap_or_default(),
            platform: r.platform.clone(),
            country: r.country.clone().unwrap_or_default(),
            lang: r.lang.clone(),
            seller: r.seller.clone().unwrap_or_default(),
            seen: fmt_day(r.first_seen),
            risk: r.risk,
            score: r.risk_score,
            review: r.review_status,
            takedown: r.takedown,
            enforcement: r.enforcement,
            gone: r.gone_at.is_some(),
            reported: r.source == "report",
        })
        .collect();
    html(AdsPage {
        count: format!("{} found", fmt_int(count)),
        filtered,
        campaigns: opts(&facets.campaigns, q.campaign.as_deref()),
        platforms: opts(&facets.platforms, q.platform.as_deref()),
        countries: opts(&facets.countries, q.country.as_deref()),
        languages: opts(&facets.languages, q.lang.as_deref()),
        species: facets.species.clone(),
        appendices: opts(&["I", "II", "III"], q.appendix.as_deref()),
        annexes: opts(&["A", "B", "C", "D"], q.annex.as_deref()),
        categories: opts(&CATEGORIES, q.category.as_deref()),
        risks: opts(&RISKS, q.risk.as_deref()),
        reviews: opts(
            &[
                ReviewStatus::Unreviewed.as_str(),
                "reviewed",
                ReviewStatus::Confirmed.as_str(),
                ReviewStatus::Corrected.as_str(),
                "takedown",
                "enforcement",
            ],
            q.review.as_deref(),
        ),
        sorts: opts(
            &["risk", "newest", "oldest", "price", "title"],
            Some(q.sort.as_deref().unwrap_or("risk")),
        ),
        q_species: q.species.clone().unwrap_or_default(),
        q_from: q.from.clone().unwrap_or_default(),
        q_to: q.to.clone().unwrap_or_default(),
        rows,
        page: page.page,
        prev: (page.page > 1).then(|| link(page.page - 1)),
        next: page.has_more.then(|| link(page.page + 1)),
        c: chrome(Some(&a), "ads"),
    })
}

// ---- public reports -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    c: Chrome,
    csrf: String,
    url: String,
    comment: String,
    done: Option<String>,
    error: Option<String>,
}

async fn report_form(
    State(st): State<Shared>,
    MaybeUser(a): MaybeUser,
    headers: HeaderMap,
) -> PageResult {
    let (csrf, set) = auth::anon_csrf(&st, &headers);
    let res = html(ReportPage {
        c: chrome(a.as_ref(), "report"),
        csrf,
        url: String::new(),
        comment: String::new(),
        done: None,
        error: None,
    })?;
    with_cookie(res, set)
}

async fn report_post(
    State(st): State<Shared>,
    MaybeUser(a): MaybeUser,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> PageResult {
    let f = FormData::parse(&body);
    auth::check_anon_csrf(&st, &headers, f.str("csrf"))?;
    let (csrf, _) = auth::anon_csrf(&st, &headers);
    let res = service::submit_report(&st, &ip, f.str("url"), f.str("comment")).await;
    let (status, done, error, url, comment) = match res {
        Ok((_, wildwatch_store::app::ReportOutcome::New)) => (
            StatusCode::OK,
            Some("Thank you. The ad will be archived and checked by an analyst.".to_string()),
            None,
            String::new(),
            String::new(),
        ),
        Ok((_, wildwatch_store::app::ReportOutcome::Duplicate)) => (
            StatusCode::OK,
            Some(
                "Thank you. This ad had already been reported; your report was counted."
                    .to_string(),
            ),
            None,
            String::new(),
            String::new(),
        ),
        Err(e) => (
            e.status,
            None,
            Some(e.message),
            f.str("url").chars().take(2000).collect(),
            f.str("comment").chars().take(2000).collect(),
        ),
    };
    let page = ReportPage {
        c: chrome(a.as_ref(), "report"),
        csrf,
        url,
        comment,
        done,
        error,
    };
    Ok((status, Html(page.render()?)).into_response())
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    c: Chrome,
    summary: String,
    #[allow(clippy::type_complexity)]
    rows: Vec<(String, String, String, i64, String, String, Option<i64>)>,
}

async fn reports_page(State(st): State<Shared>, PageUser(a): PageUser) -> PageResult {
    let (rows, stats) = db(&st, |s| Ok((s.reports(500)?, s.report_stats()?))).await?;
    let evidence = a.user.role.can_see_evidence();
    html(ReportsPage {
        summary: format!(
            "{} URLs reported ({} submissions): {} scanned, {} waiting, {} failed; {} relevant.",
            stats.received,
            stats.submissions,
            stats.done,
            stats.queued,
            stats.failed,
            stats.relevant
        ),
        rows: rows
            .into_iter()
            .map(|r| {
                (
                    fmt_time(r.submitted_at),
                    r.url,
                    if evidence { r.comment } else { String::new() },
                    r.times,
                    r.status,
                    r.error.unwrap_or_default(),
                    r.ad_id,
                )
            })
            .collect(),
        c: chrome(Some(&a), "reports"),
    })
}

// ---- accuracy, export, audit ------------------------------------------------------------------

#[derive(Template)]
#[template(path = "metrics.html")]
struct MetricsPage {
    c: Chrome,
    n: u32,
    #[allow(clippy::type_complexity)]
    tables: Vec<(
        String,
        Vec<(String, u32, String, String, String, String, String)>,
    )>,
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

async fn metrics_page(State(st): State<Shared>, PageUser(a): PageUser) -> PageResult {
    let m = service::metrics(&st).await?;
    let row = |name: &str, g: &service::Agreement| {
        (
            name.to_string(),
            g.ads,
            pct(g.precision),
            pct(g.recall),
            pct(g.f1),
            pct(if g.ads == 0 {
                1.0
            } else {
                g.risk_ok as f64 / g.ads as f64
            }),
            pct(if g.relevant == 0 {
                1.0
            } else {
                g.species_ok as f64 / g.relevant as f64
            }),
        )
    };
    let mut tables = vec![("All".to_string(), vec![row("all", &m.overall)])];
    tables.push((
        "Language".into(),
        m.by_lang.iter().map(|(k, g)| row(k, g)).collect(),
    ));
    tables.push((
        "Platform".into(),
        m.by_platform.iter().map(|(k, g)| row(k, g)).collect(),
    ));
    html(MetricsPage {
        n: m.overall.ads,
        tables,
        c: chrome(Some(&a), "metrics"),
    })
}

async fn export_jsonl(State(st): State<Shared>, PageUser(_a): PageUser) -> PageResult {
    let body = service::export_corpus(&st).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/x-ndjson; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"reviewed.jsonl\"",
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    rows: Vec<(String, String, String, Option<i64>, String)>,
}

async fn audit_page(State(st): State<Shared>, PageUser(a): PageUser) -> PageResult {
    a.need_evidence()?;
    let rows = db(&st, |s| s.audit_log(None, 500)).await?;
    html(AuditPage {
        rows: rows
            .iter()
            .map(|e| {
                (
                    fmt_time(e.at),
                    e.username.clone(),
                    e.action.clone(),
                    e.ad_id,
                    audit_detail(&e.detail),
                )
            })
            .collect(),
        c: chrome(Some(&a), "audit"),
    })
}

// ---- review queue -------------------------------------------------------------------------------

/// The `limit` of the review queue's query string (1–500, default 50).
pub fn queue_limit(raw: Option<&str>) -> Result<usize, Failure> {
    let mut limit = 50;
    for (k, v) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        if k == "limit" && !v.is_empty() {
            limit = v
                .parse()
                .ok()
                .filter(|n| (1..=500).contains(n))
                .ok_or_else(|| {
                    Failure::bad(format!(
                        "`limit` must be a whole number from 1 to 500, not `{v}`"
                    ))
                })?;
        }
    }
    Ok(limit)
}

#[derive(Template)]
#[template(path = "review_next.html")]
struct ReviewNextPage {
    c: Chrome,
    entries: Vec<crate::learn::QueueEntry>,
}

/// The "review next" queue (see [`crate::learn::rank_queue`]); only the 5,000 newest unreviewed
/// ads are considered per request.
async fn review_next(
    State(st): State<Shared>,
    PageUser(a): PageUser,
    uri: axum::http::Uri,
) -> PageResult {
    let limit = queue_limit(uri.query())?;
    let entries = crate::learn::review_queue(&st, limit).await?;
    html(ReviewNextPage {
        entries,
        c: chrome(Some(&a), "queue"),
    })
}
