//! Acting on findings, from the web app and the API: campaign reports and comparisons
//! (downloads in every format), takedown notices (prepare, download, record sending), signed
//! evidence packages, and the platform policy audit.
//!
//! Roles: every signed-in user reads reports and audits; enforcement, analysts and admins download
//! notices and evidence packages; analysts and admins prepare notices and record their sending;
//! admins run a policy audit (it fetches the platforms' pages).

use std::path::PathBuf;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use wildwatch_action::takedown::{self, Channel, TakedownRequest};
use wildwatch_action::templates::Templates;
use wildwatch_report::Format;
use wildwatch_store::app::percent_encode;
use wildwatch_store::AppStore;

use crate::api::{ApiError, JsonBody};
use crate::auth::{ApiUser, Authed, PageUser};
use crate::pages::{chrome, html, Chrome, FormData, PageResult};
use crate::util::{fmt_eur, fmt_int, fmt_time};
use crate::{Failure, Shared};

/// Page and API routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/campaign", get(campaign_page))
        .route("/campaign/report", get(report_page))
        .route("/campaign/compare", get(compare_page))
        .route("/campaign/takedown", post(takedown_post))
        .route("/campaign/policy-audit", post(audit_post))
        .route("/notices/{id}/{file}", get(notice_file_page))
        .route("/notices/{id}/sent", post(sent_post))
        .route("/evidence/package", post(package_post))
        .route("/api/campaigns/report", get(report_api))
        .route("/api/campaigns/compare", get(compare_api))
        .route("/api/notices", get(notices_api).post(notice_api))
        .route("/api/notices/{id}/sent", post(sent_api))
        .route("/api/notices/{id}/{file}", get(notice_file_api))
        .route("/api/evidence/package", post(package_api))
        .route("/api/policy-audits", get(audits_api).post(audit_api))
}

// ---- shared work ------------------------------------------------------------------------------

/// Runs `f` on a pooled connection, off the async threads; `f` answers with a [`Failure`].
async fn work<R, F>(st: &Shared, f: F) -> Result<R, Failure>
where
    R: Send + 'static,
    F: FnOnce(&mut dyn AppStore, &Shared) -> Result<R, Failure> + Send + 'static,
{
    let st2 = st.clone();
    tokio::task::spawn_blocking(move || {
        let st3 = st2.clone();
        st2.pool.with(|s| f(s, &st3))
    })
    .await
    .map_err(|e| Failure::internal(format!("task failed: {e}")))?
}

fn action_err(e: wildwatch_action::ActionError) -> Failure {
    match e {
        wildwatch_action::ActionError::Invalid(m) => Failure::bad(m),
        wildwatch_action::ActionError::Store(s) => s.into(),
        e @ wildwatch_action::ActionError::AlreadyNamed { .. } => {
            wildwatch_store::StoreError::Conflict(e.to_string()).into()
        }
        other => Failure::internal(other.to_string()),
    }
}

fn report_err(e: wildwatch_report::ReportError) -> Failure {
    let m = e.to_string();
    if m.contains("no campaign") || m.contains("not found") || m.contains("unknown campaign") {
        Failure::not_found(m)
    } else {
        Failure::internal(m)
    }
}

/// The data directory: notices and signing keys live there.
fn data_dir(st: &Shared) -> PathBuf {
    if st.cfg.data.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        st.cfg.data.clone()
    }
}

/// A file name safe in a `Content-Disposition` header: letters, digits, `-`, `_`, `.` only.
fn file_name(s: &str) -> String {
    let n: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    if n.is_empty() {
        "download".into()
    } else {
        n
    }
}

fn download(bytes: Vec<u8>, content_type: &str, name: &str, inline: bool) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    let disp = format!(
        "{}; filename=\"{}\"",
        if inline { "inline" } else { "attachment" },
        file_name(name)
    );
    if let Ok(v) = HeaderValue::from_str(&disp) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if inline && content_type.starts_with("text/html") {
        // The report is one self-contained file: inline styles and SVG, no script, no request.
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'; \
                 form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
            ),
        );
    }
    res
}

fn format_of(s: Option<&str>) -> Result<Format, Failure> {
    let s = s.unwrap_or("html");
    Format::parse(s)
        .ok_or_else(|| Failure::bad(format!("unknown format `{s}`: use html, csv, xlsx or json")))
}

fn ext(f: Format) -> &'static str {
    match f {
        Format::Html => "html",
        Format::Csv => "csv",
        Format::Xlsx => "xlsx",
        Format::Json => "json",
    }
}

/// Which report.
#[derive(Deserialize)]
pub(crate) struct ReportQ {
    name: String,
    format: Option<String>,
    with: Option<String>,
}

async fn report_bytes(st: &Shared, q: ReportQ) -> Result<Response, Failure> {
    let format = format_of(q.format.as_deref())?;
    let name = q.name.clone();
    let bytes = work(st, move |s, st| {
        let r = wildwatch_report::build(s, &name, &st.refdata).map_err(report_err)?;
        wildwatch_report::render(&r, format).map_err(report_err)
    })
    .await?;
    Ok(download(
        bytes,
        format.content_type(),
        &format!("report-{}.{}", q.name, ext(format)),
        format == Format::Html,
    ))
}

async fn compare_bytes(st: &Shared, q: ReportQ) -> Result<Response, Failure> {
    let format = format_of(q.format.as_deref())?;
    let Some(other) = q.with.clone().filter(|w| !w.is_empty()) else {
        return Err(Failure::bad("choose the campaign to compare with (`with`)"));
    };
    let name = q.name.clone();
    let o2 = other.clone();
    let bytes = work(st, move |s, st| {
        let c = wildwatch_report::compare(s, &name, &o2, &st.refdata).map_err(report_err)?;
        wildwatch_report::render_comparison(&c, format).map_err(report_err)
    })
    .await?;
    Ok(download(
        bytes,
        format.content_type(),
        &format!("compare-{}-{}.{}", q.name, other, ext(format)),
        format == Format::Html,
    ))
}

/// A notice's CSV or letter, as written when it was prepared, checked against the hash the
/// store recorded (a file changed on disk since is refused).
async fn notice_file(st: &Shared, id: i64, file: String) -> Result<Response, Failure> {
    if file != "csv" && file != "letter" {
        return Err(Failure::not_found("a notice has a `csv` and a `letter`"));
    }
    let (row, files) = work(st, move |s, _| {
        let row = s
            .notices(None)?
            .into_iter()
            .find(|n| n.id == id)
            .ok_or_else(|| Failure::not_found(format!("there is no notice {id}")))?;
        Ok((row, s.notice_files(id)?))
    })
    .await?;
    let path = files
        .as_ref()
        .and_then(|f| f[file.as_str()].as_str())
        .map(PathBuf::from)
        .ok_or_else(|| Failure::not_found(format!("notice {id} has no {file} file on record")))?;
    let bytes = tokio::fs::read(&path).await.map_err(|e| {
        Failure::not_found(format!(
            "the {file} of notice {id} is not readable ({}): {e}",
            path.display()
        ))
    })?;
    let expected = if file == "csv" {
        &row.csv_sha256
    } else {
        &row.letter_sha256
    };
    if &wildwatch_action::sha256_hex(&bytes) != expected {
        return Err(Failure::internal(format!(
            "the {file} of notice {id} changed on disk since it was prepared (SHA-256 differs); not served"
        )));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| format!("notice-{id}.{file}"));
    let ct = if file == "csv" {
        "text/csv; charset=utf-8"
    } else {
        "text/plain; charset=utf-8"
    };
    Ok(download(bytes, ct, &name, false))
}

/// Prepares and records a notice; `Ok(None)` when there is nothing to notify.
async fn prepare_notice(
    st: &Shared,
    a: &Authed,
    campaign: String,
    platform: String,
    lang: Option<String>,
) -> Result<Option<takedown::Issued>, Failure> {
    a.need_review()?;
    let req = TakedownRequest {
        campaign,
        platform,
        lang: lang.filter(|l| !l.is_empty()),
        created_by: a.user.username.clone(),
    };
    let out = data_dir(st).join("notices");
    work(st, move |s, st| {
        let templates = Templates::standard(None);
        match takedown::issue(s, &st.refdata, &templates, &req, &out).map_err(action_err)? {
            Ok(issued) => Ok(Some(issued)),
            Err(_) => Ok(None),
        }
    })
    .await
}

async fn record_sent(st: &Shared, a: &Authed, id: i64, channel: &str) -> Result<(), Failure> {
    a.need_review()?;
    let channel = Channel::parse(channel).ok_or_else(|| {
        Failure::bad(format!(
            "unknown channel `{channel}`: use email, form, api or other"
        ))
    })?;
    let by = a.user.username.clone();
    work(st, move |s, _| {
        takedown::record_sent(s, id, wildwatch_store::now(), &by, channel).map_err(action_err)
    })
    .await
}

/// Which ads a package holds: a list of ids, or a campaign's ads (those marked for takedown).
async fn package(
    st: &Shared,
    a: &Authed,
    ads: Vec<i64>,
    campaign: Option<String>,
    takedown_only: bool,
) -> Result<Response, Failure> {
    a.need_evidence()?;
    let who = a.user.username.clone();
    let data = data_dir(st);
    let evidence = st.cfg.evidence.clone();
    let (bytes, key, n) = work(st, move |s, _| {
        let ids = match &campaign {
            Some(c) => {
                let cid = s
                    .campaign_id(c)?
                    .ok_or_else(|| Failure::not_found(format!("no campaign named `{c}`")))?;
                s.campaign_ad_ids(cid, takedown_only)?
            }
            None => ads,
        };
        if ids.is_empty() {
            return Err(Failure::bad(
                "no ads to package (choose ads, or mark ads of the campaign for takedown)",
            ));
        }
        if ids.len() > 5000 {
            return Err(Failure::bad(format!(
                "{} ads in one package is too many for a download (at most 5,000); use `wildwatch evidence package`",
                ids.len()
            )));
        }
        let (key, _) = wildwatch_action::keys::load_or_create(
            &wildwatch_action::keys::default_key_path(&data),
        )
        .map_err(action_err)?;
        let mut cur = std::io::Cursor::new(Vec::new());
        let built = wildwatch_action::package::build(
            s,
            &evidence,
            &ids,
            &key,
            wildwatch_store::now(),
            &mut cur,
        )
        .map_err(action_err)?;
        s.audit(
            &who,
            "evidence.package",
            None,
            &serde_json::json!({"ads": ids, "files": built.manifest.files.len(),
                "public_key": built.manifest.public_key}),
        )?;
        Ok((
            cur.into_inner(),
            built.manifest.public_key.clone(),
            ids.len(),
        ))
    })
    .await?;
    let mut res = download(
        bytes,
        "application/zip",
        &format!("evidence-{n}-ads.zip"),
        false,
    );
    if let Ok(v) = HeaderValue::from_str(&key) {
        res.headers_mut().insert("x-wildwatch-public-key", v);
    }
    Ok(res)
}

/// Runs the policy audit of a stored campaign (admin).
async fn run_audit(st: &Shared, a: &Authed, name: String) -> Result<usize, Failure> {
    a.need_admin()?;
    let evidence = st.cfg.evidence.clone();
    let who = a.user.username.clone();
    work(st, move |s, _| {
        let (_, json) = s
            .campaign_config(&name)?
            .ok_or_else(|| Failure::not_found(format!("no campaign named `{name}`")))?;
        let c: wildwatch_crawl::Campaign = serde_json::from_value(json.clone()).map_err(|e| {
            Failure::bad(format!(
                "the stored configuration of `{name}` is not a campaign: {e}"
            ))
        })?;
        let opts = wildwatch_crawl::CrawlOptions {
            // Not used: the audit runs on the pooled store.
            db: PathBuf::new(),
            evidence,
            adapter_dirs: Vec::new(),
            progress: false,
            max_fetches: None,
            // As for `wildwatch crawl`: the campaign file (written by whoever runs the tool, not
            // by the public) names the sites, which may be on the local network.
            allow_private: true,
        };
        let terms = wildwatch_crawl::policy::PolicyTerms::shipped();
        let sites = wildwatch_crawl::policy::audit_campaign_in(s, &c, &json, &opts, &terms)
            .map_err(|e| Failure::internal(e.to_string()))?;
        s.audit(
            &who,
            "policy.audit",
            None,
            &serde_json::json!({"campaign": name, "sites": sites.len()}),
        )?;
        Ok(sites.len())
    })
    .await
}

// ---- pages ------------------------------------------------------------------------------------

struct NoticeView {
    id: i64,
    platform: String,
    lang: String,
    created: String,
    created_by: String,
    ads: String,
    gone: String,
    sent: Option<String>,
}

struct PlatformTakedown {
    platform: String,
    waiting: usize,
}

struct Passage {
    topic: String,
    text: String,
    url: String,
}

struct SiteView {
    platform: String,
    home: String,
    verdict: String,
    summary: String,
    when: String,
    passages: Vec<Passage>,
}

#[derive(Template)]
#[template(path = "campaign.html")]
struct CampaignPage {
    c: Chrome,
    name: String,
    link: String,
    ads: String,
    relevant: String,
    high: String,
    value: String,
    removed: String,
    others: Vec<String>,
    platforms: Vec<PlatformTakedown>,
    notices: Vec<NoticeView>,
    sites: Vec<SiteView>,
    share_clear: String,
    can_review: bool,
    can_evidence: bool,
    is_admin: bool,
    message: Option<String>,
}

#[derive(Deserialize)]
struct CampaignQ {
    name: String,
    msg: Option<String>,
}

async fn campaign_page(
    State(st): State<Shared>,
    PageUser(a): PageUser,
    Query(q): Query<CampaignQ>,
) -> PageResult {
    let name = q.name.clone();
    let (stats, others, platforms, notices, audits) = work(&st, move |s, _| {
        let all = s.campaign_stats()?;
        let stats = all
            .iter()
            .find(|c| c.name == name)
            .cloned()
            .ok_or_else(|| Failure::not_found(format!("no campaign named `{name}`")))?;
        let cid = s
            .campaign_id(&name)?
            .ok_or_else(|| Failure::not_found(format!("no campaign named `{name}`")))?;
        let mut plats = Vec::new();
        for p in s.campaign_platforms(cid)? {
            let waiting = s.takedown_candidates(cid, &p)?.len();
            plats.push(PlatformTakedown {
                platform: p,
                waiting,
            });
        }
        let notices = takedown::list(s, Some(&name)).map_err(action_err)?;
        let audits = s.policy_audits(cid)?;
        let others: Vec<String> = all
            .into_iter()
            .map(|c| c.name)
            .filter(|n| *n != name)
            .collect();
        Ok((stats, others, plats, notices, audits))
    })
    .await?;
    let clear = audits.iter().filter(|r| r.verdict == "clear").count();
    let sites = audits
        .iter()
        .map(|r| SiteView {
            platform: r.platform.clone().unwrap_or_default(),
            home: r.site.clone(),
            verdict: r.verdict.clone(),
            summary: r.result["summary"].as_str().unwrap_or("").to_string(),
            when: fmt_time(r.audited_at),
            passages: r.result["pages"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|p| {
                    // One passage per topic and page.
                    let url = p["url"].as_str().unwrap_or("").to_string();
                    let mut topics = std::collections::HashSet::new();
                    p["findings"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter(move |f| {
                            topics.insert(f["topic"].as_str().unwrap_or("").to_string())
                        })
                        .map(move |f| Passage {
                            topic: f["topic"].as_str().unwrap_or("").to_string(),
                            text: f["passage"].as_str().unwrap_or("").to_string(),
                            url: url.clone(),
                        })
                })
                .collect(),
        })
        .collect();
    html(CampaignPage {
        link: percent_encode(&q.name),
        name: q.name.clone(),
        ads: fmt_int(stats.ads),
        relevant: fmt_int(stats.relevant),
        high: fmt_int(stats.high_risk),
        value: fmt_eur(stats.value_eur),
        removed: fmt_int(stats.removed),
        others,
        platforms,
        notices: notices
            .into_iter()
            .map(|n| NoticeView {
                id: n.id,
                platform: n.platform,
                lang: n.lang,
                created: fmt_time(n.created_at),
                created_by: n.created_by,
                ads: fmt_int(n.ads),
                gone: fmt_int(n.gone_since_sent),
                sent: n
                    .sent_at
                    .map(|t| format!("{} ({})", fmt_time(t), n.channel.unwrap_or_default())),
            })
            .collect(),
        share_clear: if audits.is_empty() {
            String::new()
        } else {
            format!(
                "{clear} of {} websites ({:.0}%) give clear information",
                audits.len(),
                clear as f64 * 100.0 / audits.len() as f64
            )
        },
        sites,
        can_review: a.user.role.can_review(),
        can_evidence: a.user.role.can_see_evidence(),
        is_admin: a.user.role.is_admin(),
        message: q.msg.filter(|m| !m.is_empty() && m.len() < 300),
        c: chrome(Some(&a), "dash"),
    })
}

fn back(name: &str, msg: &str) -> Response {
    Redirect::to(&format!(
        "/campaign?name={}&msg={}",
        percent_encode(name),
        percent_encode(msg)
    ))
    .into_response()
}

async fn report_page(
    State(st): State<Shared>,
    PageUser(_): PageUser,
    Query(q): Query<ReportQ>,
) -> PageResult {
    Ok(report_bytes(&st, q).await?)
}

async fn compare_page(
    State(st): State<Shared>,
    PageUser(_): PageUser,
    Query(q): Query<ReportQ>,
) -> PageResult {
    Ok(compare_bytes(&st, q).await?)
}

async fn takedown_post(State(st): State<Shared>, PageUser(a): PageUser, body: Bytes) -> PageResult {
    let f = FormData::parse(&body);
    a.check_csrf(f.get("csrf"))?;
    let name = f.str("name").to_string();
    let platform = f.str("platform").to_string();
    let issued = prepare_notice(
        &st,
        &a,
        name.clone(),
        platform.clone(),
        f.get("lang").map(str::to_string),
    )
    .await?;
    Ok(match issued {
        Some(i) => back(
            &name,
            &format!(
                "Notice {} prepared for {platform}: {} ads. Download the CSV and the letter, send them, then record the sending.",
                i.id,
                i.draft.ads.len()
            ),
        ),
        None => back(
            &name,
            &format!("Nothing to notify on {platform}: no ad marked for takedown is waiting."),
        ),
    })
}

async fn sent_post(
    State(st): State<Shared>,
    PageUser(a): PageUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let f = FormData::parse(&body);
    a.check_csrf(f.get("csrf"))?;
    record_sent(&st, &a, id, f.get("channel").unwrap_or("email")).await?;
    Ok(back(
        f.str("name"),
        &format!("Notice {id} recorded as sent; revisits will measure removals."),
    ))
}

async fn notice_file_page(
    State(st): State<Shared>,
    PageUser(a): PageUser,
    Path((id, file)): Path<(i64, String)>,
) -> PageResult {
    a.need_evidence()?;
    Ok(notice_file(&st, id, file).await?)
}

async fn package_post(State(st): State<Shared>, PageUser(a): PageUser, body: Bytes) -> PageResult {
    let f = FormData::parse(&body);
    a.check_csrf(f.get("csrf"))?;
    let mut ads = Vec::new();
    for v in f.all("ads") {
        for part in v.split([',', ' ']).filter(|p| !p.is_empty()) {
            ads.push(
                part.parse::<i64>()
                    .map_err(|_| Failure::bad(format!("`{part}` is not an ad id")))?,
            );
        }
    }
    let campaign = f.get("name").filter(|n| !n.is_empty()).map(str::to_string);
    Ok(package(&st, &a, ads, campaign, f.get("takedown").is_some()).await?)
}

async fn audit_post(State(st): State<Shared>, PageUser(a): PageUser, body: Bytes) -> PageResult {
    let f = FormData::parse(&body);
    a.check_csrf(f.get("csrf"))?;
    let name = f.str("name").to_string();
    let n = run_audit(&st, &a, name.clone()).await?;
    Ok(back(
        &name,
        &format!("Policy audit done: {n} websites read."),
    ))
}

// ---- API --------------------------------------------------------------------------------------

fn api_csrf(a: &Authed, headers: &HeaderMap) -> Result<(), Failure> {
    a.check_csrf(headers.get("x-csrf-token").and_then(|v| v.to_str().ok()))
}

/// A campaign's report (`format`: html, csv, xlsx, json).
#[utoipa::path(get, path = "/api/campaigns/report", params(("name" = String, Query), ("format" = Option<String>, Query)),
    responses((status = 200, description = "the report file"), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn report_api(
    State(st): State<Shared>,
    ApiUser(_): ApiUser,
    Query(q): Query<ReportQ>,
) -> Result<Response, ApiError> {
    Ok(report_bytes(&st, q).await?)
}

/// Two campaigns side by side (`name` then `with`), per platform and species.
#[utoipa::path(get, path = "/api/campaigns/compare", params(("name" = String, Query), ("with" = String, Query), ("format" = Option<String>, Query)),
    responses((status = 200, description = "the comparison file"), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn compare_api(
    State(st): State<Shared>,
    ApiUser(_): ApiUser,
    Query(q): Query<ReportQ>,
) -> Result<Response, ApiError> {
    Ok(compare_bytes(&st, q).await?)
}

/// Which notices.
#[derive(Deserialize)]
pub(crate) struct NoticesQ {
    campaign: Option<String>,
}

/// Takedown notices (enforcement, analyst, admin), with how many of their ads are gone since.
#[utoipa::path(get, path = "/api/notices", params(("campaign" = Option<String>, Query)),
    responses((status = 200, description = "notices"), (status = 403, body = crate::api::ErrorBody)))]
pub(crate) async fn notices_api(
    State(st): State<Shared>,
    ApiUser(a): ApiUser,
    Query(q): Query<NoticesQ>,
) -> Result<Json<serde_json::Value>, ApiError> {
    a.need_evidence()?;
    let rows = work(&st, move |s, _| {
        takedown::list(s, q.campaign.as_deref()).map_err(action_err)
    })
    .await?;
    Ok(Json(serde_json::to_value(rows).unwrap_or_default()))
}

/// What a new notice is for.
#[derive(Deserialize, Serialize, utoipa::ToSchema)]
pub struct NoticeRequest {
    /// Campaign name.
    pub campaign: String,
    /// Platform (adapter) name.
    pub platform: String,
    /// Language of the letter (default: the platform's).
    pub lang: Option<String>,
}

/// Prepares a takedown notice (analyst, admin) for the ads of a campaign on a platform that are
/// marked for takedown and not yet named in a notice.
#[utoipa::path(post, path = "/api/notices", request_body = NoticeRequest,
    responses((status = 200, description = "the notice (null when nothing to notify)"), (status = 403, body = crate::api::ErrorBody)))]
pub(crate) async fn notice_api(
    State(st): State<Shared>,
    ApiUser(a): ApiUser,
    headers: HeaderMap,
    JsonBody(r): JsonBody<NoticeRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    api_csrf(&a, &headers)?;
    let issued = prepare_notice(&st, &a, r.campaign, r.platform, r.lang).await?;
    Ok(Json(match issued {
        Some(i) => serde_json::json!({
            "id": i.id,
            "platform": i.draft.platform,
            "lang": i.draft.lang,
            "ads": i.draft.ads.iter().map(|x| x.id).collect::<Vec<_>>(),
            "csv": format!("/api/notices/{}/csv", i.id),
            "letter": format!("/api/notices/{}/letter", i.id),
        }),
        None => serde_json::Value::Null,
    }))
}

/// How a notice was sent.
#[derive(Deserialize, Serialize, utoipa::ToSchema)]
pub struct SentRequest {
    /// email, form, api or other.
    pub channel: String,
}

/// Records that a notice was sent (analyst, admin); once.
#[utoipa::path(post, path = "/api/notices/{id}/sent", params(("id" = i64, Path)), request_body = SentRequest,
    responses((status = 200, description = "recorded"), (status = 400, body = crate::api::ErrorBody)))]
pub(crate) async fn sent_api(
    State(st): State<Shared>,
    ApiUser(a): ApiUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    JsonBody(r): JsonBody<SentRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    api_csrf(&a, &headers)?;
    record_sent(&st, &a, id, &r.channel).await?;
    Ok(Json(serde_json::json!({"id": id, "sent": true})))
}

/// A notice's CSV or letter (enforcement, analyst, admin), checked against its recorded hash.
#[utoipa::path(get, path = "/api/notices/{id}/{file}", params(("id" = i64, Path), ("file" = String, Path)),
    responses((status = 200, description = "the file"), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn notice_file_api(
    State(st): State<Shared>,
    ApiUser(a): ApiUser,
    Path((id, file)): Path<(i64, String)>,
) -> Result<Response, ApiError> {
    a.need_evidence()?;
    Ok(notice_file(&st, id, file).await?)
}

/// What goes into an evidence package.
#[derive(Deserialize, Serialize, utoipa::ToSchema)]
pub struct PackageRequest {
    /// Ad ids.
    #[serde(default)]
    pub ads: Vec<i64>,
    /// Or a campaign's ads …
    pub campaign: Option<String>,
    /// … only those marked for takedown.
    #[serde(default)]
    pub takedown: bool,
}

/// A signed evidence package (zip) of ads (enforcement, analyst, admin); the signing key's
/// public half is in the `X-Wildwatch-Public-Key` header and in the package.
#[utoipa::path(post, path = "/api/evidence/package", request_body = PackageRequest,
    responses((status = 200, description = "the zip"), (status = 400, body = crate::api::ErrorBody)))]
pub(crate) async fn package_api(
    State(st): State<Shared>,
    ApiUser(a): ApiUser,
    headers: HeaderMap,
    JsonBody(r): JsonBody<PackageRequest>,
) -> Result<Response, ApiError> {
    api_csrf(&a, &headers)?;
    Ok(package(&st, &a, r.ads, r.campaign, r.takedown).await?)
}

#[derive(Deserialize, Serialize, utoipa::ToSchema)]
/// A campaign, by name.
pub struct CampaignRef {
    /// Campaign name.
    pub campaign: String,
}

/// The latest policy audit of each website of a campaign.
#[utoipa::path(get, path = "/api/policy-audits", params(("campaign" = String, Query)),
    responses((status = 200, description = "audits"), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn audits_api(
    State(st): State<Shared>,
    ApiUser(_): ApiUser,
    Query(q): Query<CampaignRef>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let rows = work(&st, move |s, _| {
        let cid = s
            .campaign_id(&q.campaign)?
            .ok_or_else(|| Failure::not_found(format!("no campaign named `{}`", q.campaign)))?;
        Ok(s.policy_audits(cid)?)
    })
    .await?;
    let clear = rows.iter().filter(|r| r.verdict == "clear").count();
    Ok(Json(serde_json::json!({
        "websites": rows.len(),
        "clear": clear,
        "audits": rows,
    })))
}

/// Runs the policy audit of a campaign's websites now (admin).
#[utoipa::path(post, path = "/api/policy-audits", request_body = CampaignRef,
    responses((status = 200, description = "done"), (status = 403, body = crate::api::ErrorBody)))]
pub(crate) async fn audit_api(
    State(st): State<Shared>,
    ApiUser(a): ApiUser,
    headers: HeaderMap,
    JsonBody(r): JsonBody<CampaignRef>,
) -> Result<Json<serde_json::Value>, ApiError> {
    api_csrf(&a, &headers)?;
    let n = run_audit(&st, &a, r.campaign).await?;
    Ok(Json(serde_json::json!({"websites": n})))
}
