//! The archive origin: archived pages (hostile HTML as the marketplaces sent it) served on a
//! listener of their own, so they never share the app's origin, only through signed expiring
//! links (made by the ad page for users allowed to see evidence), and under
//! `Content-Security-Policy: sandbox` with no script, no form, no plugin and no network access.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::util::ct_eq;
use crate::{auth, db, Shared};

/// Headers of every archive answer.
pub fn sandbox_headers(st: &Shared, res: &mut Response) {
    let h = res.headers_mut();
    let app = st.cfg.addr;
    let csp = format!(
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
         frame-ancestors http://{app} http://localhost:{} http://127.0.0.1:{}",
        app.port(),
        app.port()
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
}

/// The archive router (for the second listener).
pub fn router(st: Shared) -> Router {
    Router::new()
        .route("/page/{id}", get(page))
        .fallback(|State(st): State<Shared>| async move {
            let mut r = (StatusCode::NOT_FOUND, "not found").into_response();
            sandbox_headers(&st, &mut r);
            r
        })
        .with_state(st)
}

#[derive(serde::Deserialize)]
struct Sig {
    exp: Option<i64>,
    sig: Option<String>,
}

fn plain(st: &Shared, status: StatusCode, msg: &str) -> Response {
    let mut r = (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        msg.to_string(),
    )
        .into_response();
    sandbox_headers(st, &mut r);
    r
}

async fn page(State(st): State<Shared>, Path(id): Path<i64>, Query(q): Query<Sig>) -> Response {
    let (Some(exp), Some(sig)) = (q.exp, q.sig) else {
        return plain(&st, StatusCode::FORBIDDEN, "this link is not signed");
    };
    if exp < wildwatch_store::now() {
        return plain(
            &st,
            StatusCode::FORBIDDEN,
            "this link has expired; reload the ad page",
        );
    }
    let want = auth::sign(&st, &format!("page|{id}|{exp}"));
    if !ct_eq(want.as_bytes(), sig.as_bytes()) {
        return plain(&st, StatusCode::FORBIDDEN, "this link's signature is wrong");
    }
    let rec = match db(&st, move |s| s.page(id)).await {
        Ok(Some(p)) => p,
        Ok(None) => return plain(&st, StatusCode::NOT_FOUND, "no such page"),
        Err(e) => return plain(&st, e.status, &e.message),
    };
    let (Some(file), Some(offset)) = (rec.warc_file.clone(), rec.warc_offset) else {
        return plain(&st, StatusCode::NOT_FOUND, "this page was not archived");
    };
    let dir = st.cfg.evidence.clone();
    let loaded = tokio::task::spawn_blocking(move || {
        let r = wildwatch_warc::read_record(&dir, &file, offset)?;
        let headers = r.http_headers();
        let get = |n: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| v.clone())
        };
        let ct = get("content-type");
        let enc = get("content-encoding").unwrap_or_default().to_lowercase();
        let (body, _) = wildwatch_crawl::fetch::decompress(r.payload(), &enc, 20_000_000);
        let (text, _) = wildwatch_crawl::fetch::decode(&body, ct.as_deref());
        Ok::<_, std::io::Error>((text, ct))
    })
    .await;
    match loaded {
        Ok(Ok((text, ct))) => {
            let is_html = ct
                .as_deref()
                .map(|c| c.to_ascii_lowercase().contains("html"))
                .unwrap_or(true);
            let mut r = (
                [(
                    header::CONTENT_TYPE,
                    if is_html {
                        "text/html; charset=utf-8"
                    } else {
                        "text/plain; charset=utf-8"
                    },
                )],
                text,
            )
                .into_response();
            sandbox_headers(&st, &mut r);
            r
        }
        Ok(Err(e)) => plain(
            &st,
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("the WARC record cannot be read: {e}"),
        ),
        Err(e) => plain(&st, StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}
