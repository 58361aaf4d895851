//! The JSON API: what the pages do, for scripts. Described by the OpenAPI document at
//! `/api/openapi.json`. Errors are `{"error": {"code": …, "message": …}}` with the HTTP status.
//! Authentication: `Authorization: Bearer <token>` (no CSRF needed) or the session cookie, in
//! which case writes must send the session's CSRF token in `X-CSRF-Token`.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use wildwatch_store::app::{
    AdDetail, AdPage, AdQuery, AdSummary, AuditEntry, CampaignStats, Facets, PageInfo,
    ReportOutcome, ReportRow, ReportStats, Role, SellerInfo, StoredReview, User, VersionInfo,
};

use crate::auth::{ApiUser, Authed, ClientIp};
use crate::service::{self, Agreement, Metrics};
use crate::{db, Failure, Shared};

/// A failure as JSON.
pub struct ApiError(pub Failure);

/// The error body.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable code: invalid, unauthorized, forbidden, not_found, conflict,
    /// rate_limited, internal.
    pub code: String,
    /// For a person.
    pub message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.0.status,
            Json(ErrorBody {
                error: ErrorDetail {
                    code: self.0.code.into(),
                    message: self.0.message,
                },
            }),
        )
            .into_response()
    }
}

impl From<Failure> for ApiError {
    fn from(f: Failure) -> Self {
        ApiError(f)
    }
}

type ApiResult<T> = Result<Json<T>, ApiError>;

/// JSON body extractor whose rejections are JSON errors naming what was wrong.
pub struct JsonBody<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for JsonBody<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request(req: axum::extract::Request, st: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, st).await {
            Ok(Json(v)) => Ok(JsonBody(v)),
            Err(e) => Err(ApiError(Failure {
                status: e.status(),
                code: "invalid",
                message: e.body_text(),
            })),
        }
    }
}

fn csrf(a: &Authed, headers: &HeaderMap) -> Result<(), Failure> {
    a.check_csrf(headers.get("x-csrf-token").and_then(|v| v.to_str().ok()))
}

/// The API routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .route("/api/me", get(me))
        .route("/api/dashboard", get(dashboard))
        .route("/api/facets", get(facets))
        .route("/api/ads", get(list_ads))
        .route("/api/ads/{id}", get(get_ad))
        .route("/api/ads/{id}/review", put(put_review))
        .route("/api/ads/{id}/confirm", post(confirm))
        .route("/api/ads/{id}/audit", get(ad_audit))
        .route("/api/reviews/export", get(export))
        .route("/api/reviews/metrics", get(metrics))
        .route("/api/review/queue", get(review_queue))
        .route("/api/reports", get(list_reports).post(post_report))
        .route("/api/users", get(list_users).post(post_user))
        .route("/api/users/{id}", axum::routing::patch(patch_user))
        .route("/api/tokens", post(post_token))
        .route("/api/networks", get(list_networks))
        .route("/api/sellers/{key}", get(get_seller))
        .fallback(fallback)
}

async fn fallback(method: Method, uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") || uri.path() == "/api" {
        ApiError(Failure::not_found(format!(
            "no API endpoint {method} {}; see /api/openapi.json",
            uri.path()
        )))
        .into_response()
    } else {
        crate::pages::error_page(Failure::not_found(format!(
            "there is no page at {}",
            uri.path()
        )))
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "wildwatch API",
        description = "Ads found on online marketplaces that may offer CITES/EU-listed species, their detection, review, public reports and accounts. Authenticate with `Authorization: Bearer <token>` (create tokens on /account or POST /api/tokens).",
        license(name = "Apache-2.0")
    ),
    paths(
        me, dashboard, facets, list_ads, get_ad, put_review, confirm, ad_audit, export, metrics,
        review_queue,
        list_reports, post_report, list_users, post_user, patch_user, post_token, list_networks,
        get_seller, crate::actions::report_api, crate::actions::compare_api,
        crate::actions::notices_api, crate::actions::notice_api, crate::actions::sent_api,
        crate::actions::notice_file_api, crate::actions::package_api, crate::actions::audits_api,
        crate::actions::audit_api
    ),
    components(schemas(
        ErrorBody, ErrorDetail, User, Role, Dashboard, AdList, AdPage, AdSummary, AdDetail,
        VersionInfo, PageInfo, SellerInfo, service::ReviewInput, StoredReview, AuditEntry, CampaignStats,
        ReportStats, ReportRow, ReportOutcome, NewReport, ReportAccepted, NewUser, UserPatch,
        NewToken, TokenCreated, Facets, Metrics, Agreement, crate::learn::QueueEntry,
        crate::learn::ModelPanel, crate::learn::ModelInfo, crate::learn::HistoryLine, crate::actions::NoticeRequest,
        crate::actions::SentRequest, crate::actions::PackageRequest, crate::actions::CampaignRef
    )),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// The OpenAPI document.
pub fn openapi_doc() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        openapi_doc().to_json().unwrap_or_default(),
    )
        .into_response()
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/me", responses((status = 200, body = User), (status = 401, body = ErrorBody)))]
async fn me(ApiUser(a): ApiUser) -> ApiResult<User> {
    Ok(Json(a.user))
}

/// Dashboard figures.
#[derive(Serialize, ToSchema)]
pub struct Dashboard {
    /// Per campaign.
    pub campaigns: Vec<CampaignStats>,
    /// Public reports.
    pub reports: ReportStats,
    /// When the campaign and report figures were counted (they are at most a few seconds old).
    pub counted_at: String,
    /// What went wrong per platform in the last 7 days (challenges, walls, pages the adapter no
    /// longer reads), one sentence each.
    pub platform_warnings: Vec<crate::service::PlatformWarning>,
    /// The relevance model in use ("no model: rules only" when none) and its last retrains.
    pub model: crate::learn::ModelPanel,
}

/// Figures per campaign and for public reports.
#[utoipa::path(get, path = "/api/dashboard", responses((status = 200, body = Dashboard)))]
async fn dashboard(State(st): State<Shared>, ApiUser(_a): ApiUser) -> ApiResult<Dashboard> {
    let figures = crate::service::figures(&st).await?;
    let platform_warnings = crate::service::platform_warnings(&st).await?.to_vec();
    let model = crate::learn::model_panel(&st).await?;
    Ok(Json(Dashboard {
        campaigns: figures.campaigns.clone(),
        reports: figures.reports.clone(),
        counted_at: crate::util::fmt_time(figures.counted_at),
        platform_warnings,
        model,
    }))
}

/// How many queue entries to return.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Entries (1–500, default 50).
    pub limit: Option<usize>,
}

/// The "review next" queue: unreviewed ads ordered by how much a label would teach the model.
/// First ads where rules and model disagree, then the model's least sure, then (detections made
/// without a model) ads whose rules decision rests on weak evidence, newest first; platforms and
/// languages take turns. Each entry says why it is there. Only the 5,000 newest unreviewed ads
/// are considered per request.
#[utoipa::path(get, path = "/api/review/queue", params(QueueQuery), responses((status = 200, body = Vec<crate::learn::QueueEntry>), (status = 400, body = ErrorBody)))]
async fn review_queue(
    State(st): State<Shared>,
    ApiUser(_a): ApiUser,
    uri: axum::http::Uri,
) -> ApiResult<Vec<crate::learn::QueueEntry>> {
    let limit = crate::pages::queue_limit(uri.query())?;
    Ok(Json(crate::learn::review_queue(&st, limit).await?))
}

/// Values for the list filters.
#[utoipa::path(get, path = "/api/facets", responses((status = 200, body = Facets)))]
async fn facets(State(st): State<Shared>, ApiUser(_a): ApiUser) -> ApiResult<Facets> {
    Ok(Json(Facets::clone(&*service::facets(&st).await?)))
}

/// A page of ads with the number matching.
#[derive(Serialize, ToSchema)]
pub struct AdList {
    /// Ads matching the filters (counted at most every few seconds).
    pub total: i64,
    /// The page.
    #[serde(flatten)]
    pub page: AdPage,
}

/// Ads, filtered, sorted and paged.
#[utoipa::path(get, path = "/api/ads", params(AdQuery), responses((status = 200, body = AdList), (status = 400, body = ErrorBody)))]
async fn list_ads(
    State(st): State<Shared>,
    ApiUser(_a): ApiUser,
    uri: axum::http::Uri,
) -> ApiResult<AdList> {
    let q = crate::pages::parse_query(uri.query())?;
    let q2 = q.clone();
    let page = db(&st, move |s| s.ad_page(&q2)).await?;
    let total = service::ad_count(&st, &q).await?;
    Ok(Json(AdList { total, page }))
}

fn redact(a: &Authed, mut d: AdDetail) -> AdDetail {
    if !a.user.role.can_see_evidence() {
        if let Some(s) = d.seller.as_mut() {
            s.contacts.clear();
        }
        d.content.contacts.clear();
    }
    d
}

/// One ad: content, detection, versions, evidence pages, seller, review.
#[utoipa::path(get, path = "/api/ads/{id}", params(("id" = i64, Path)), responses((status = 200, body = AdDetail), (status = 404, body = ErrorBody)))]
async fn get_ad(
    State(st): State<Shared>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<AdDetail> {
    let d = db(&st, move |s| s.ad_detail(id)).await?;
    Ok(Json(redact(&a, d)))
}

/// Reviews an ad (analyst, admin): the corrected labels, notes, tags and actions. Kept in the
/// audit log with who and when.
#[utoipa::path(put, path = "/api/ads/{id}/review", params(("id" = i64, Path)), request_body = service::ReviewInput,
    responses((status = 200, body = StoredReview), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn put_review(
    State(st): State<Shared>,
    ApiUser(a): ApiUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    JsonBody(r): JsonBody<service::ReviewInput>,
) -> ApiResult<StoredReview> {
    csrf(&a, &headers)?;
    a.need_review()?;
    let r = r.labels()?;
    Ok(Json(
        service::save_review(&st, id, r, &a.user.username).await?,
    ))
}

/// Confirms the detection as it is (analyst, admin).
#[utoipa::path(post, path = "/api/ads/{id}/confirm", params(("id" = i64, Path)),
    responses((status = 200, body = StoredReview), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn confirm(
    State(st): State<Shared>,
    ApiUser(a): ApiUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<StoredReview> {
    csrf(&a, &headers)?;
    a.need_review()?;
    let det = db(&st, move |s| s.ad_detail(id)).await?.detection;
    let r = service::review_from_detection(&det);
    Ok(Json(
        service::save_review(&st, id, r, &a.user.username).await?,
    ))
}

/// The audit log of an ad (enforcement, analyst, admin).
#[utoipa::path(get, path = "/api/ads/{id}/audit", params(("id" = i64, Path)), responses((status = 200, body = Vec<AuditEntry>)))]
async fn ad_audit(
    State(st): State<Shared>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Vec<AuditEntry>> {
    a.need_evidence()?;
    Ok(Json(db(&st, move |s| s.audit_log(Some(id), 1000)).await?))
}

/// Reviewed ads as a labelled corpus (JSON lines, the format `wildwatch eval` reads).
#[utoipa::path(get, path = "/api/reviews/export", responses((status = 200, content_type = "application/x-ndjson", body = String)))]
async fn export(State(st): State<Shared>, ApiUser(_a): ApiUser) -> Result<Response, ApiError> {
    let body = service::export_corpus(&st).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/x-ndjson; charset=utf-8")],
        body,
    )
        .into_response())
}

/// Detection precision and recall measured on the reviewed ads, per language and platform.
#[utoipa::path(get, path = "/api/reviews/metrics", responses((status = 200, body = Metrics)))]
async fn metrics(State(st): State<Shared>, ApiUser(_a): ApiUser) -> ApiResult<Metrics> {
    Ok(Json(service::metrics(&st).await?))
}

/// Public reports, newest first.
#[utoipa::path(get, path = "/api/reports", responses((status = 200, body = Vec<ReportRow>)))]
async fn list_reports(State(st): State<Shared>, ApiUser(a): ApiUser) -> ApiResult<Vec<ReportRow>> {
    let mut rows = db(&st, |s| s.reports(1000)).await?;
    if !a.user.role.can_see_evidence() {
        rows.iter_mut().for_each(|r| r.comment.clear());
    }
    Ok(Json(rows))
}

/// A public report.
#[derive(Deserialize, ToSchema)]
pub struct NewReport {
    /// The ad's address.
    pub url: String,
    /// Optional comment.
    #[serde(default)]
    pub comment: String,
}

/// A report accepted.
#[derive(Serialize, ToSchema)]
pub struct ReportAccepted {
    /// Report id.
    pub id: i64,
    /// new or duplicate.
    pub outcome: ReportOutcome,
}

/// Reports a suspicious ad (no account needed; rate-limited per client address; loopback and
/// private addresses are refused).
#[utoipa::path(post, path = "/api/reports", request_body = NewReport, security(()),
    responses((status = 202, body = ReportAccepted), (status = 400, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn post_report(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    JsonBody(r): JsonBody<NewReport>,
) -> Result<Response, ApiError> {
    let (id, outcome) = service::submit_report(&st, &ip, &r.url, &r.comment).await?;
    Ok((StatusCode::ACCEPTED, Json(ReportAccepted { id, outcome })).into_response())
}

/// Users (admin).
#[utoipa::path(get, path = "/api/users", responses((status = 200, body = Vec<User>), (status = 403, body = ErrorBody)))]
async fn list_users(State(st): State<Shared>, ApiUser(a): ApiUser) -> ApiResult<Vec<User>> {
    a.need_admin()?;
    Ok(Json(db(&st, |s| s.users()).await?))
}

/// A new user.
#[derive(Deserialize, ToSchema)]
pub struct NewUser {
    /// Login name.
    pub username: String,
    /// Password (10 characters or more).
    pub password: String,
    /// admin, analyst, enforcement or viewer.
    pub role: String,
}

/// Adds a user (admin).
#[utoipa::path(post, path = "/api/users", request_body = NewUser,
    responses((status = 201, body = User), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn post_user(
    State(st): State<Shared>,
    ApiUser(a): ApiUser,
    headers: HeaderMap,
    JsonBody(n): JsonBody<NewUser>,
) -> Result<Response, ApiError> {
    csrf(&a, &headers)?;
    let u = crate::pages::add_user(&st, &a, &n.username, &n.password, &n.role).await?;
    Ok((StatusCode::CREATED, Json(u)).into_response())
}

/// Changes to a user.
#[derive(Deserialize, ToSchema)]
pub struct UserPatch {
    /// New role.
    pub role: Option<String>,
    /// Disable or enable.
    pub disabled: Option<bool>,
}

/// Changes a user's role or state (admin).
#[utoipa::path(patch, path = "/api/users/{id}", params(("id" = i64, Path)), request_body = UserPatch,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn patch_user(
    State(st): State<Shared>,
    ApiUser(a): ApiUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    JsonBody(p): JsonBody<UserPatch>,
) -> Result<Response, ApiError> {
    csrf(&a, &headers)?;
    crate::pages::update_user(&st, &a, id, p.role.as_deref(), p.disabled).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A token to create.
#[derive(Deserialize, ToSchema)]
pub struct NewToken {
    /// What uses it.
    pub name: String,
}

/// A created token (shown once).
#[derive(Serialize, ToSchema)]
pub struct TokenCreated {
    /// The token.
    pub token: String,
}

/// Creates an API token for the signed-in user.
#[utoipa::path(post, path = "/api/tokens", request_body = NewToken,
    responses((status = 201, body = TokenCreated), (status = 400, body = ErrorBody)))]
async fn post_token(
    State(st): State<Shared>,
    ApiUser(a): ApiUser,
    headers: HeaderMap,
    JsonBody(n): JsonBody<NewToken>,
) -> Result<Response, ApiError> {
    csrf(&a, &headers)?;
    let token = crate::auth::new_api_token(&st, &a.user, &n.name).await?;
    Ok((StatusCode::CREATED, Json(TokenCreated { token })).into_response())
}

/// Seller networks, ranked by high-risk ads, ads, platforms and species (each: id, sellers, ads,
/// high_risk, species, platforms, countries, links).
#[utoipa::path(get, path = "/api/networks", responses((status = 200, body = Vec<Object>)))]
async fn list_networks(
    State(st): State<Shared>,
    ApiUser(_a): ApiUser,
) -> ApiResult<Vec<serde_json::Value>> {
    let nets = db(&st, |s| s.networks(10_000)).await?;
    Ok(Json(nets.into_iter().map(|(_, n)| n).collect()))
}

/// A seller (`s12`, or `a40` for an ad without seller name): ads, identifiers (hidden from
/// viewers), links with evidence, network.
#[utoipa::path(get, path = "/api/sellers/{key}", params(("key" = String, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
async fn get_seller(
    State(st): State<Shared>,
    ApiUser(a): ApiUser,
    Path(key): Path<String>,
) -> ApiResult<serde_json::Value> {
    let k = key.clone();
    let v = db(&st, move |s| s.seller_view(&k))
        .await?
        .ok_or_else(|| Failure::not_found(format!("no seller `{key}`")))?;
    let mut v = serde_json::to_value(v).map_err(|e| Failure::internal(e.to_string()))?;
    if !a.user.role.can_see_evidence() {
        v["identifiers"] = serde_json::json!([]);
        if let Some(links) = v["links"].as_array_mut() {
            for l in links {
                if let Some(ev) = l["evidence"].as_array_mut() {
                    for e in ev {
                        if e["kind"] != "photo" && e["kind"] != "text" {
                            e["detail"] = serde_json::json!("(hidden)");
                        }
                    }
                }
            }
        }
    }
    Ok(Json(v))
}
