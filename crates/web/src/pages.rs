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

use crate::auth::{self, Authed, ClientIp, MaybeUser, PageUser};
use crate::service::{self, CATEGORIES, RISKS};
use crate::util::{fmt_day, fmt_eur, fmt_int, fmt_time, highlight, Segment};
use crate::{db, Failure, Shared};

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
        .route("/report", get(report_form).post(report_post))
        .route("/reports", get(reports_page))
        .route("/reviews/metrics", get(metrics_page))
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
    campaigns: Vec<CampaignView>,
    t_relevant: String,
    t_high: String,
    t_specimens: String,
    t_value: String,
    t_removed: String,
    t_reports: String,
    r_received: i64,
    r_submissions: i64,
    r_done: i64,
    r_queued: i64,
    r_failed: i64,
    r_relevant: i64,
}

async fn dashboard(State(st): State<Shared>, PageUser(a): PageUser) -> PageResult {
    let (camps, reports) = db(&st, |s| Ok((s.campaign_stats()?, s.report_stats()?))).await?;
    let sum = |f: fn(&wildwatch_store::app::CampaignStats) -> i64| camps.iter().map(f).sum::<i64>();
    html(Dashboard {
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
        r_received: reports.received,
        r_submissions: reports.submissions,
        r_done: reports.done,
        r_queued: reports.queued,
        r_failed: reports.failed,
        r_relevant: reports.relevant,
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
    category: String,
    species: String,
    price: String,
    platform: String,
    country: String,
    lang: String,
    seller: String,
    seen: String,
    risk: String,
    score: i64,
    review: String,
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
            category: r.category.clone(),
            species: r.species.join(", "),
            price: r.price_eur.map(fmt_eur).unwrap_or_default(),
            platform: r.platform.clone(),
            country: r.country.clone().unwrap_or_default(),
            lang: r.lang.clone(),
            seller: r.seller.clone().unwrap_or_default(),
            seen: fmt_day(r.first_seen),
            risk: r.risk.clone(),
            score: r.risk_score,
            review: r.review_status.clone(),
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
                "unreviewed",
                "reviewed",
                "confirmed",
                "corrected",
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

// ---- one ad -----------------------------------------------------------------------------------

struct PageView {
    fetched: String,
    status: u16,
    kind: String,
    sha: String,
    warc: String,
    link: Option<String>,
}

#[derive(Template)]
#[template(path = "ad.html")]
struct AdPageT {
    c: Chrome,
    id: i64,
    title: String,
    risk: String,
    score: i64,
    category: String,
    review_status: String,
    takedown: bool,
    enforcement: bool,
    gone: Option<String>,
    segments: Vec<Segment>,
    reasons: Vec<(String, String, String)>,
    species: Vec<(String, String, String)>,
    specimens: String,
    price_eur: String,
    price_text: String,
    documents: String,
    seller: String,
    seller_key: Option<String>,
    contacts: String,
    location: String,
    posted: String,
    platform: String,
    country: String,
    lang: String,
    campaign: String,
    url: String,
    first_seen: String,
    last_seen: String,
    versions: Vec<(i64, String, String, String, String)>,
    show_evidence: bool,
    pages: Vec<PageView>,
    frame: Option<String>,
    can_review: bool,
    error: Option<String>,
    saved: Option<String>,
    review_text: Option<String>,
    f_relevant: bool,
    f_categories: Vec<Opt>,
    f_species: String,
    f_specimens: String,
    f_price: String,
    f_risks: Vec<Opt>,
    f_documents: Vec<Opt>,
    f_tags: String,
    f_notes: String,
    f_takedown: bool,
    f_enforcement: bool,
    audit: Vec<(String, String, String, String)>,
}

/// A signed, expiring link to an archived page on the archive origin.
pub fn archive_link(st: &Shared, page_id: i64) -> String {
    let exp = wildwatch_store::now() + 3600;
    let sig = auth::sign(st, &format!("page|{page_id}|{exp}"));
    format!("{}/page/{page_id}?exp={exp}&sig={sig}", st.archive_origin)
}

#[derive(serde::Deserialize)]
struct SavedQ {
    saved: Option<String>,
}

async fn ad_page(
    State(st): State<Shared>,
    PageUser(a): PageUser,
    Path(id): Path<i64>,
    Query(sq): Query<SavedQ>,
) -> PageResult {
    render_ad(
        &st,
        &a,
        id,
        None,
        None,
        sq.saved.map(|_| "Review saved.".to_string()),
    )
    .await
}

async fn render_ad(
    st: &Shared,
    a: &Authed,
    id: i64,
    form: Option<Review>,
    error: Option<String>,
    saved: Option<String>,
) -> PageResult {
    let show_evidence = a.user.role.can_see_evidence();
    let (d, audit) = db(st, move |s| {
        let d = s.ad_detail(id)?;
        let audit = if show_evidence {
            s.audit_log(Some(id), 50)?
        } else {
            vec![]
        };
        Ok((d, audit))
    })
    .await?;
    let det = &d.detection;
    let text = format!("{}\n{}", d.content.title, d.content.description);
    let mut spans = Vec::new();
    let mut reasons = Vec::new();
    if let Some(rs) = det.get("reasons").and_then(|v| v.as_array()) {
        for r in rs {
            let code = r
                .get("code")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string();
            if let Some(sp) = r.get("span").and_then(|v| v.as_array()) {
                let s = sp.first().and_then(|v| v.as_u64()).unwrap_or(0) as usize;
                let e = sp.get(1).and_then(|v| v.as_u64()).unwrap_or(0) as usize;
                if !code.starts_with("RISK") && e > s {
                    spans.push((s, e, code.clone()));
                }
            }
            reasons.push((
                code,
                r.get("text")
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string(),
                r.get("list")
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string(),
            ));
        }
    }
    let species = det
        .get("species")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .map(|s| {
                    let g = |k: &str| s.get(k).and_then(|v| v.as_str()).unwrap_or("–").to_string();
                    (g("scientific_name"), g("cites"), g("eu_annex"))
                })
                .collect()
        })
        .unwrap_or_default();
    let det_review = service::review_from_detection(det);
    let current = form.unwrap_or_else(|| {
        d.review
            .as_ref()
            .map(|r| r.review.clone())
            .unwrap_or_else(|| det_review.clone())
    });
    let link_ok = show_evidence;
    let pages: Vec<PageView> = d
        .pages
        .iter()
        .map(|p| PageView {
            fetched: fmt_time(p.fetched_at),
            status: p.status,
            kind: p.kind.clone(),
            sha: p.body_sha256.clone().unwrap_or_default(),
            warc: match (&p.warc_file, p.warc_offset) {
                (Some(f), Some(o)) => format!("{f} @ {o}"),
                _ => String::new(),
            },
            link: (link_ok && p.warc_file.is_some()).then(|| archive_link(st, p.id)),
        })
        .collect();
    let frame = d
        .pages
        .iter()
        .rev()
        .find(|p| p.warc_file.is_some() && p.status < 400)
        .filter(|_| show_evidence)
        .map(|p| archive_link(st, p.id));
    let s = &d.summary;
    let review_text = d.review.as_ref().map(|r| {
        format!(
            "{} by {} on {}: relevant {}, {}, risk {}{}{}",
            r.status,
            r.reviewer,
            fmt_time(r.reviewed_at),
            if r.review.relevant { "yes" } else { "no" },
            r.review.category,
            r.review.risk,
            if r.review.takedown {
                ", marked for takedown"
            } else {
                ""
            },
            if r.review.enforcement {
                ", marked for enforcement"
            } else {
                ""
            }
        )
    });
    html(AdPageT {
        id,
        title: if s.title.trim().is_empty() {
            "(no title)".into()
        } else {
            s.title.clone()
        },
        risk: s.risk.clone(),
        score: s.risk_score,
        category: s.category.clone(),
        review_status: s.review_status.clone(),
        takedown: s.takedown,
        enforcement: s.enforcement,
        gone: s.gone_at.map(fmt_time),
        segments: highlight(&text, &spans),
        reasons,
        species,
        specimens: s
            .specimens
            .map(|n| n.to_string())
            .unwrap_or_else(|| "–".into()),
        price_eur: s.price_eur.map(fmt_eur).unwrap_or_else(|| "–".into()),
        price_text: d.content.price_text.clone().unwrap_or_default(),
        documents: det_review.documents.join(", "),
        seller: d
            .seller
            .as_ref()
            .map(|x| {
                format!(
                    "{} ({} ad{} on {})",
                    x.name,
                    x.ads,
                    if x.ads == 1 { "" } else { "s" },
                    x.platform
                )
            })
            .unwrap_or_else(|| "–".into()),
        seller_key: d.seller.as_ref().map(|x| format!("s{}", x.id)),
        contacts: if show_evidence {
            d.seller
                .as_ref()
                .map(|x| x.contacts.join(", "))
                .unwrap_or_default()
        } else {
            String::new()
        },
        location: d.content.location.clone().unwrap_or_else(|| "–".into()),
        posted: d.content.posted.clone().unwrap_or_else(|| "–".into()),
        platform: s.platform.clone(),
        country: s.country.clone().unwrap_or_default(),
        lang: s.lang.clone(),
        campaign: d.campaign.clone().unwrap_or_else(|| "–".into()),
        url: s.url.clone(),
        first_seen: fmt_time(s.first_seen),
        last_seen: fmt_time(s.last_seen),
        versions: d
            .versions
            .iter()
            .map(|v| {
                (
                    v.version,
                    fmt_time(v.seen_at),
                    v.title.clone(),
                    v.price_text.clone().unwrap_or_default(),
                    v.risk.clone(),
                )
            })
            .collect(),
        show_evidence,
        pages,
        frame,
        can_review: a.user.role.can_review(),
        error,
        saved,
        review_text,
        f_relevant: current.relevant,
        f_categories: opts(&CATEGORIES, Some(&current.category)),
        f_species: current.species.join(", "),
        f_specimens: current.specimens.map(|n| n.to_string()).unwrap_or_default(),
        f_price: current
            .price_eur
            .map(|p| format!("{p:.2}"))
            .unwrap_or_default(),
        f_risks: opts(&RISKS, Some(&current.risk)),
        f_documents: wildwatch_detect::DOCUMENT_CODES
            .iter()
            .map(|d| Opt {
                value: d.to_string(),
                label: d.replace('_', " "),
                selected: current.documents.iter().any(|x| x == d),
            })
            .collect(),
        f_tags: current.tags.join(", "),
        f_notes: current.notes.clone(),
        f_takedown: current.takedown,
        f_enforcement: current.enforcement,
        audit: audit
            .iter()
            .map(|e| {
                (
                    fmt_time(e.at),
                    e.username.clone(),
                    e.action.clone(),
                    audit_detail(&e.detail),
                )
            })
            .collect(),
        c: chrome(Some(a), "ads"),
    })
}

fn audit_detail(d: &serde_json::Value) -> String {
    let show = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) if a.is_empty() => "–".into(),
        serde_json::Value::Array(a) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| x.to_string())
            })
            .collect::<Vec<_>>()
            .join(", "),
        serde_json::Value::Null => "–".into(),
        other => other.to_string(),
    };
    let empty = |v: &serde_json::Value| match v {
        serde_json::Value::Null | serde_json::Value::Bool(false) => true,
        serde_json::Value::String(s) => s.is_empty(),
        serde_json::Value::Array(a) => a.is_empty(),
        _ => false,
    };
    match d.as_object() {
        Some(m) if m.values().all(|v| v.get("new").is_some()) && !m.is_empty() => m
            .iter()
            .filter_map(|(k, v)| {
                let (old, new) = (&v["old"], &v["new"]);
                let k = k.replace('_', " ");
                if old.is_null() {
                    // A first review: list what was set, not the empty defaults.
                    (!empty(new)).then(|| format!("{k}: {}", show(new)))
                } else {
                    Some(format!("{k}: {} → {}", show(old), show(new)))
                }
            })
            .collect::<Vec<_>>()
            .join("; "),
        _ => d.to_string(),
    }
}

fn review_from_form(f: &FormData) -> Result<Review, Failure> {
    let list = |s: &str| -> Vec<String> {
        s.split([',', ';', '\n'])
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect()
    };
    let specimens =
        match f.str("specimens").trim() {
            "" => None,
            s => Some(s.parse::<u32>().map_err(|_| {
                Failure::bad(format!("specimens must be a whole number, not `{s}`"))
            })?),
        };
    let price =
        match f.str("price_eur").trim() {
            "" => None,
            s => Some(s.replace(',', ".").parse::<f64>().map_err(|_| {
                Failure::bad(format!("price must be a number of euros, not `{s}`"))
            })?),
        };
    Ok(Review {
        relevant: matches!(f.str("relevant"), "true" | "yes" | "on" | "1"),
        category: f.str("category").to_string(),
        species: list(f.str("species")),
        specimens,
        price_eur: price,
        documents: f.all("documents").iter().map(|s| s.to_string()).collect(),
        risk: f.str("risk").to_string(),
        notes: f.str("notes").to_string(),
        tags: list(f.str("tags")),
        takedown: f.get("takedown").is_some(),
        enforcement: f.get("enforcement").is_some(),
    })
}

async fn review_post(
    State(st): State<Shared>,
    PageUser(a): PageUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let f = FormData::parse(&body);
    a.check_csrf(f.get("csrf"))?;
    a.need_review()?;
    let form = review_from_form(&f);
    let result = match form.clone() {
        Ok(r) => service::save_review(&st, id, r, &a.user.username)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/ads/{id}?saved=1#review")).into_response()),
        Err(e) if e.status == StatusCode::BAD_REQUEST => {
            let mut res = render_ad(&st, &a, id, form.ok(), Some(e.message), None).await?;
            *res.status_mut() = StatusCode::BAD_REQUEST;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
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

// ---- users and account ------------------------------------------------------------------------

struct UserView {
    id: i64,
    username: String,
    role: Role,
    since: String,
    disabled: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    c: Chrome,
    users: Vec<UserView>,
    roles: Vec<&'static str>,
    error: Option<String>,
    saved: Option<String>,
}

async fn render_users(
    st: &Shared,
    a: &Authed,
    error: Option<String>,
    saved: Option<String>,
    status: StatusCode,
) -> PageResult {
    let users = db(st, |s| s.users()).await?;
    let page = UsersPage {
        users: users
            .into_iter()
            .map(|u| UserView {
                id: u.id,
                username: u.username,
                role: u.role,
                since: fmt_day(u.created_at),
                disabled: u.disabled,
            })
            .collect(),
        roles: vec!["admin", "analyst", "enforcement", "viewer"],
        error,
        saved,
        c: chrome(Some(a), "users"),
    };
    Ok((status, Html(page.render()?)).into_response())
}

async fn users_page(State(st): State<Shared>, PageUser(a): PageUser) -> PageResult {
    a.need_admin()?;
    render_users(&st, &a, None, None, StatusCode::OK).await
}

/// Adds a user (shared by the page and the API).
pub async fn add_user(
    st: &Shared,
    by: &Authed,
    username: &str,
    password: &str,
    role: &str,
) -> Result<User, Failure> {
    by.need_admin()?;
    let role = auth::check_new_user(username, role)?;
    let pw = password.to_string();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&pw))
        .await
        .map_err(|e| Failure::internal(e.to_string()))?
        .map_err(Failure::bad)?;
    let (u, who) = (username.trim().to_string(), by.user.username.clone());
    db(st, move |s| {
        let id = s.add_user(&u, &hash, role)?;
        s.audit(
            &who,
            "user.add",
            None,
            &serde_json::json!({"user": u, "role": role.as_str()}),
        )?;
        Ok(User {
            id,
            username: u,
            role,
            created_at: wildwatch_store::now(),
            disabled: false,
        })
    })
    .await
}

async fn users_add(State(st): State<Shared>, PageUser(a): PageUser, body: Bytes) -> PageResult {
    let f = FormData::parse(&body);
    a.check_csrf(f.get("csrf"))?;
    a.need_admin()?;
    match add_user(&st, &a, f.str("username"), f.str("password"), f.str("role")).await {
        Ok(u) => {
            render_users(
                &st,
                &a,
                None,
                Some(format!("Added {}.", u.username)),
                StatusCode::OK,
            )
            .await
        }
        Err(e) if e.status != StatusCode::INTERNAL_SERVER_ERROR => {
            render_users(&st, &a, Some(e.message), None, e.status).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Changes a user's role or state (shared by the page and the API).
pub async fn update_user(
    st: &Shared,
    by: &Authed,
    id: i64,
    role: Option<&str>,
    disabled: Option<bool>,
) -> Result<(), Failure> {
    by.need_admin()?;
    let role = match role {
        Some(r) => Some(Role::parse(r).ok_or_else(|| {
            Failure::bad(format!(
                "`{r}` is not a role: admin, analyst, enforcement or viewer"
            ))
        })?),
        None => None,
    };
    if id == by.user.id && (disabled == Some(true) || role.is_some_and(|r| r != Role::Admin)) {
        return Err(Failure::bad(
            "you cannot remove your own admin role or disable yourself; ask another admin",
        ));
    }
    let who = by.user.username.clone();
    db(st, move |s| {
        s.update_user(id, role, None, disabled)?;
        s.audit(
            &who,
            "user.update",
            None,
            &serde_json::json!({"user_id": id, "role": role.map(|r| r.as_str()), "disabled": disabled}),
        )
    })
    .await
}

async fn users_update(
    State(st): State<Shared>,
    PageUser(a): PageUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let f = FormData::parse(&body);
    a.check_csrf(f.get("csrf"))?;
    let disabled = f.get("disabled").map(|v| v == "true");
    match update_user(&st, &a, id, f.get("role"), disabled).await {
        Ok(()) => render_users(&st, &a, None, Some("Saved.".into()), StatusCode::OK).await,
        Err(e) if e.status == StatusCode::BAD_REQUEST || e.status == StatusCode::NOT_FOUND => {
            render_users(&st, &a, Some(e.message), None, e.status).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    c: Chrome,
    username: String,
    role: String,
    tokens: Vec<(i64, String, String)>,
    new_token: Option<String>,
    error: Option<String>,
}

async fn render_account(
    st: &Shared,
    a: &Authed,
    new_token: Option<String>,
    error: Option<String>,
) -> PageResult {
    let uid = a.user.id;
    let tokens = db(st, move |s| s.api_tokens(uid)).await?;
    html(AccountPage {
        username: a.user.username.clone(),
        role: a.user.role.as_str().into(),
        tokens: tokens
            .into_iter()
            .map(|(id, name, created, _)| (id, name, fmt_time(created)))
            .collect(),
        new_token,
        error,
        c: chrome(Some(a), "account"),
    })
}

async fn account_page(State(st): State<Shared>, PageUser(a): PageUser) -> PageResult {
    render_account(&st, &a, None, None).await
}

async fn token_create(State(st): State<Shared>, PageUser(a): PageUser, body: Bytes) -> PageResult {
    let f = FormData::parse(&body);
    a.check_csrf(f.get("csrf"))?;
    match auth::new_api_token(&st, &a.user, f.str("name")).await {
        Ok(t) => render_account(&st, &a, Some(t), None).await,
        Err(e) if e.status == StatusCode::BAD_REQUEST => {
            render_account(&st, &a, None, Some(e.message)).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn token_revoke(
    State(st): State<Shared>,
    PageUser(a): PageUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let f = FormData::parse(&body);
    a.check_csrf(f.get("csrf"))?;
    let (uid, who) = (a.user.id, a.user.username.clone());
    db(&st, move |s| {
        if s.revoke_api_token(uid, id)? {
            s.audit(
                &who,
                "token.revoke",
                None,
                &serde_json::json!({"token_id": id}),
            )?;
        }
        Ok(())
    })
    .await?;
    Ok(Redirect::to("/account").into_response())
}

// ---- platforms and settings -------------------------------------------------------------------

struct PlatformView {
    name: String,
    link: String,
    lang: String,
    country: String,
    base: String,
    ads: String,
}

#[derive(Template)]
#[template(path = "platforms.html")]
struct PlatformsPage {
    c: Chrome,
    platforms: Vec<PlatformView>,
    settings: Vec<(String, String)>,
}

async fn platforms_page(State(st): State<Shared>, PageUser(a): PageUser) -> PageResult {
    a.need_admin()?;
    let counts = db(&st, |s| s.platform_counts()).await?;
    let mut platforms: Vec<PlatformView> = Vec::new();
    let mut names: Vec<String> = wildwatch_crawl::adapter::Adapter::shipped_names()
        .into_iter()
        .map(str::to_string)
        .collect();
    for (n, _) in &counts {
        if !names.contains(n) {
            names.push(n.clone());
        }
    }
    for n in names {
        let ad = wildwatch_crawl::adapter::Adapter::load(&n, &[]).ok();
        let count = counts
            .iter()
            .find(|(x, _)| *x == n)
            .map(|x| x.1)
            .unwrap_or(0);
        platforms.push(PlatformView {
            link: wildwatch_store::app::percent_encode(&n),
            lang: ad.as_ref().map(|a| a.lang.clone()).unwrap_or_default(),
            country: ad.as_ref().map(|a| a.country.clone()).unwrap_or_default(),
            base: ad
                .as_ref()
                .map(|a| a.base_url.clone())
                .unwrap_or_else(|| "(no adapter: generic extraction)".into()),
            ads: fmt_int(count),
            name: n,
        });
    }
    let c = &st.cfg;
    let settings = vec![
        ("App address".to_string(), c.addr.to_string()),
        ("Archive origin".into(), st.archive_origin.clone()),
        ("Database".into(), c.db.display().to_string()),
        ("Evidence (WARC)".into(), c.evidence.display().to_string()),
        (
            "Reports per address per hour".into(),
            c.reports_per_hour.to_string(),
        ),
        (
            "Login attempts per minute".into(),
            c.logins_per_minute.to_string(),
        ),
        (
            "Report fetching".into(),
            if c.fetch_reports { "on" } else { "off" }.into(),
        ),
        (
            "Private hosts reports may name".into(),
            if c.allow_report_hosts.is_empty() {
                "none".into()
            } else {
                c.allow_report_hosts.join(", ")
            },
        ),
        (
            "Secure cookies".into(),
            if c.secure_cookies { "yes" } else { "no" }.into(),
        ),
    ];
    html(PlatformsPage {
        platforms,
        settings,
        c: chrome(Some(&a), "platforms"),
    })
}

// ---- sellers and networks ---------------------------------------------------------------------

fn json_list(v: &serde_json::Value, k: &str) -> String {
    v[k].as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

fn network_summary(n: &serde_json::Value) -> String {
    format!(
        "{} sellers, {} ads ({} high risk) on {}; countries: {}; species: {}",
        n["sellers"].as_array().map(|a| a.len()).unwrap_or(0),
        n["ads"],
        n["high_risk"],
        json_list(n, "platforms"),
        json_list(n, "countries"),
        json_list(n, "species")
    )
}

fn evidence_summary(ev: &serde_json::Value, show_values: bool) -> String {
    ev.as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    let kind = e["kind"].as_str().unwrap_or("");
                    let detail = e["detail"].as_str().unwrap_or("");
                    let ads = format!("ads #{} & #{}", e["ads"][0], e["ads"][1]);
                    if show_values || kind == "photo" || kind == "text" {
                        format!("{kind} {detail} ({ads})")
                    } else {
                        format!("same {kind} ({ads})")
                    }
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "networks.html")]
struct NetworksPage {
    c: Chrome,
    #[allow(clippy::type_complexity)]
    rows: Vec<(i64, usize, String, String, String, String, String)>,
}

async fn networks_page(State(st): State<Shared>, PageUser(a): PageUser) -> PageResult {
    let nets = db(&st, |s| s.networks(500)).await?;
    html(NetworksPage {
        rows: nets
            .iter()
            .map(|(id, n)| {
                (
                    *id,
                    n["sellers"].as_array().map(|a| a.len()).unwrap_or(0),
                    n["ads"].to_string(),
                    n["high_risk"].to_string(),
                    json_list(n, "platforms"),
                    json_list(n, "countries"),
                    json_list(n, "species"),
                )
            })
            .collect(),
        c: chrome(Some(&a), "networks"),
    })
}

#[derive(Template)]
#[template(path = "network.html")]
struct NetworkPage {
    c: Chrome,
    id: i64,
    summary: String,
    size: u32,
    #[allow(clippy::type_complexity)]
    edges: Vec<(String, String, String, String, String, String, String)>,
    #[allow(clippy::type_complexity)]
    nodes: Vec<(String, String, String, String, String, String, bool, String)>,
}

async fn network_page(
    State(st): State<Shared>,
    PageUser(a): PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    let show = a.user.role.can_see_evidence();
    let (summary, members, links, views) = db(&st, move |s| {
        let summary = s
            .networks(usize::MAX >> 1)?
            .into_iter()
            .find(|(i, _)| *i == id)
            .map(|x| x.1)
            .ok_or_else(|| wildwatch_store::StoreError::NotFound(format!("no network #{id}")))?;
        let members = s.network_members(id)?;
        let shown: Vec<String> = members.iter().take(80).cloned().collect();
        let links = s.links_of(&shown, true)?;
        let mut views = Vec::new();
        for m in &shown {
            views.push(s.seller_view(m)?);
        }
        Ok((summary, members, links, views))
    })
    .await?;
    let n = views.len().max(1);
    let size = 640u32;
    let (cx, cy, r) = (320.0, 320.0, if n <= 2 { 140.0 } else { 250.0 });
    let pos: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let t = std::f64::consts::TAU * i as f64 / n as f64 - std::f64::consts::FRAC_PI_2;
            (cx + r * t.cos(), cy + r * t.sin())
        })
        .collect();
    let index: std::collections::HashMap<&str, usize> = members
        .iter()
        .take(80)
        .enumerate()
        .map(|(i, m)| (m.as_str(), i))
        .collect();
    let edges = links
        .iter()
        .filter_map(|l| {
            let (i, j) = (*index.get(l.a.as_str())?, *index.get(l.b.as_str())?);
            let kind = l.evidence[0]["kind"]
                .as_str()
                .unwrap_or("other")
                .to_string();
            Some((
                format!("{:.1}", pos[i].0),
                format!("{:.1}", pos[i].1),
                format!("{:.1}", pos[j].0),
                format!("{:.1}", pos[j].1),
                format!("{:.1}", 1.0 + 4.0 * l.strength),
                kind,
                format!(
                    "strength {:.2}: {}",
                    l.strength,
                    evidence_summary(&l.evidence, show)
                ),
            ))
        })
        .collect();
    let nodes = views
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            let v = v.as_ref()?;
            let high = v.ads.iter().any(|x| x.2 == "high");
            let radius = 8.0 + (v.ads.len() as f64).sqrt() * 4.0;
            let label: String = v.name.chars().take(24).collect();
            Some((
                v.key.clone(),
                format!("{:.1}", pos[i].0),
                format!("{:.1}", pos[i].1),
                format!("{radius:.1}"),
                format!("{} on {}: {} ads", v.name, v.platform, v.ads.len()),
                label,
                high,
                format!("{:.1}", pos[i].1 + radius + 13.0),
            ))
        })
        .collect();
    html(NetworkPage {
        id,
        summary: network_summary(&summary),
        size,
        edges,
        nodes,
        c: chrome(Some(&a), "networks"),
    })
}

#[derive(Template)]
#[template(path = "seller.html")]
struct SellerPage {
    c: Chrome,
    key: String,
    name: String,
    platform: String,
    network: Option<i64>,
    network_summary: String,
    ads: Vec<(i64, String, String, String)>,
    show_identifiers: bool,
    identifiers: Vec<(String, String, String, String)>,
    links: Vec<(String, String, String, String)>,
}

async fn seller_page(
    State(st): State<Shared>,
    PageUser(a): PageUser,
    Path(key): Path<String>,
) -> PageResult {
    let show = a.user.role.can_see_evidence();
    let k2 = key.clone();
    let (v, summary) = db(&st, move |s| {
        let v = s
            .seller_view(&k2)?
            .ok_or_else(|| wildwatch_store::StoreError::NotFound(format!("no seller `{k2}`")))?;
        let summary = match v.network {
            Some(n) => s
                .networks(usize::MAX >> 1)?
                .into_iter()
                .find(|x| x.0 == n)
                .map(|x| x.1),
            None => None,
        };
        let mut names = Vec::new();
        for l in &v.links {
            let other = if l.a == v.key { &l.b } else { &l.a };
            names.push(
                s.seller_view(other)?
                    .map(|o| format!("{} ({})", o.name, o.platform)),
            );
        }
        Ok(((v, names), summary))
    })
    .await?;
    let (v, names) = v;
    html(SellerPage {
        network_summary: summary.as_ref().map(network_summary).unwrap_or_default(),
        links: v
            .links
            .iter()
            .zip(names)
            .map(|(l, name)| {
                let other = if l.a == v.key {
                    l.b.clone()
                } else {
                    l.a.clone()
                };
                (
                    other.clone(),
                    name.unwrap_or(other),
                    format!("{:.2}", l.strength),
                    evidence_summary(&l.evidence, show),
                )
            })
            .collect(),
        identifiers: if show {
            v.identifiers
                .iter()
                .map(|i| {
                    (
                        i.kind.clone(),
                        i.value.clone(),
                        i.raw.clone(),
                        i.field.clone(),
                    )
                })
                .collect()
        } else {
            vec![]
        },
        show_identifiers: show,
        key: v.key,
        name: v.name,
        platform: v.platform,
        network: v.network,
        ads: v.ads,
        c: chrome(Some(&a), "networks"),
    })
}
