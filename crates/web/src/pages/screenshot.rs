//! An ad's screenshot: the full-page PNG the browser made when it captured the ad (a WARC
//! `resource` record next to the page's own records), served from the app's origin as an image
//! only (`image/png`, `nosniff`), to users who may see evidence.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::IntoResponse;
use wildwatch_store::app::PageInfo;

use super::PageResult;
use crate::auth::PageUser;
use crate::{db, Failure, Shared};

/// The newest archived page of the ad that has a screenshot, if any (looked up in the page's
/// metadata record: one small read per ad page view).
pub(super) async fn newest_with_screenshot(
    st: &Shared,
    pages: &[PageInfo],
) -> Result<Option<i64>, Failure> {
    let candidates: Vec<i64> = pages
        .iter()
        .rev()
        .filter(|p| p.warc_file.is_some() && p.status < 400)
        .map(|p| p.id)
        .collect();
    let dir = st.cfg.evidence.clone();
    db(st, move |s| {
        for id in candidates {
            let Some(p) = s.page(id)? else { continue };
            let (Some(f), Some(o), Some(l)) = (&p.warc_file, p.warc_offset, p.warc_length) else {
                continue;
            };
            if wildwatch_warc::page_has_screenshot(&dir, f, o, l) {
                return Ok(Some(id));
            }
        }
        Ok(None)
    })
    .await
}

/// `GET /ads/{id}/screenshot`: the PNG of the ad's newest page that has one.
pub(super) async fn ad_screenshot(
    State(st): State<Shared>,
    PageUser(a): PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    if !a.user.role.can_see_evidence() {
        return Err(Failure::forbidden("your role may not see evidence").into());
    }
    let pages = db(&st, move |s| Ok(s.ad_detail(id)?.pages)).await?;
    let Some(page_id) = newest_with_screenshot(&st, &pages).await? else {
        return Err(Failure::not_found("no screenshot of this ad").into());
    };
    let dir = st.cfg.evidence.clone();
    let png = db(&st, move |s| {
        let p = s
            .page(page_id)?
            .ok_or_else(|| wildwatch_store::StoreError::NotFound(format!("page {page_id}")))?;
        let (Some(f), Some(o), Some(l)) = (&p.warc_file, p.warc_offset, p.warc_length) else {
            return Ok(Err("the page was not archived".to_string()));
        };
        Ok(
            match wildwatch_warc::page_screenshot(&dir, f, o, l, &p.url) {
                Ok(Some(s)) => Ok(s.png),
                Ok(None) => Err("the screenshot record is missing".to_string()),
                Err(e) => Err(format!("the screenshot record cannot be read: {e}")),
            },
        )
    })
    .await?
    .map_err(Failure::internal)?;
    let mut r = ([(header::CONTENT_TYPE, "image/png")], png).into_response();
    let h = r.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(r)
}
