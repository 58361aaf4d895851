//! Router tests (`oneshot`, no socket) of the ads pages and API, on SQLite and PostgreSQL, with
//! real attack strings in the stored ads: escaping and the CSP, filters, sorting and paging, the
//! archive origin, and addresses that must not become links.

mod common;

use axum::http::{header, StatusCode};
use common::http::*;
use common::*;
use wildwatch_web::archive;

on_both_backends!(
    pages_escape_hostile_ad_text_and_send_a_strict_csp,
    filters_sorting_and_paging_through_pages_and_api,
    archived_pages_only_on_the_archive_origin_signed_and_sandboxed,
    only_http_addresses_become_links_on_the_ad_page,
);

async fn pages_escape_hostile_ad_text_and_send_a_strict_csp(b: Backend) {
    let w = world(b);
    let (cookie, _) = login(&w.app, "eve").await;
    for p in [
        "/ads".to_string(),
        format!("/ads/{}", w.ad_ids[0]),
        "/ads?sort=title".to_string(),
    ] {
        let r = send(&w.app, get(&p, &cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "{p}");
        for raw in [
            "<script>alert",
            "<img src=x",
            "<svg onload",
            "</textarea><script>",
        ] {
            assert!(!r.body.contains(raw), "{p} contains raw {raw}");
        }
        assert!(r.body.contains(&esc("<script>")), "{p}");
        let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            csp.contains("script-src 'none'") && csp.contains("frame-ancestors 'none'"),
            "{csp}"
        );
        assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
    // The ad page highlights the matched words and shows the reasons and evidence hash.
    let r = send(&w.app, get(&format!("/ads/{}", w.ad_ids[1]), &cookie)).await;
    assert!(r.body.contains("<mark class=\"m-PART\""), "{}", r.body);
    assert!(r.body.contains("Annex A, no papers"));
    assert!(r.body.contains("sandbox src=\"http://127.0.0.1:8081/page/"));
    // Attack strings in filter values are escaped too, and bad values are named.
    let r = send(
        &w.app,
        get(
            "/ads?species=%22%3E%3Cscript%3Ealert(2)%3C/script%3E",
            &cookie,
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("<script>alert(2)"));
    let r = send(&w.app, get("/ads?risk=%3Cb%3E", &cookie)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains(&esc("`risk` must be one of")) && r.body.contains(&esc("<b>")),
        "{}",
        r.body
    );
    // SQL in filters is just a value.
    let r = send(&w.app, get("/ads?platform=x%27%20OR%201%3D1%20--", &cookie)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("No ad matches"));
}

async fn filters_sorting_and_paging_through_pages_and_api(b: Backend) {
    let w = world(b);
    let (cookie, _) = login(&w.app, "vic").await;
    let r = send(&w.app, get("/ads?risk=high&per_page=5", &cookie)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("10 found"), "{}", r.body);
    assert!(r.body.contains("id=\"next-page\""));
    let r = send(&w.app, get("/ads?risk=high&per_page=5&page=2", &cookie)).await;
    assert!(!r.body.contains("id=\"next-page\"") && r.body.contains("rel=\"prev\""));
    for (q, n) in [
        ("platform=leboncoin", 10),
        ("country=FR", 10),
        ("lang=de", 30),
        ("species=Loxodonta%20africana", 24),
        ("appendix=I", 24),
        ("annex=A&risk=high", 8),
        ("category=part", 24),
        ("relevant=false", 6),
        ("review=unreviewed", 30),
        ("campaign=spring", 30),
        ("from=2000-01-01&to=2999-12-31", 30),
        ("to=2001-01-01", 0),
    ] {
        let r = send(&w.app, get(&format!("/api/ads?{q}"), &cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.body);
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["total"], n, "{q}");
    }
    let r = send(&w.app, get("/api/ads?sort=newest&per_page=3", &cookie)).await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["ads"].as_array().unwrap().len(), 3);
    assert_eq!(v["has_more"], true);
    for bad in [
        "page=0",
        "page=x",
        "from=2026-13-01",
        "sort=evil",
        "appendix=IV",
        "relevant=maybe",
    ] {
        let r = send(&w.app, get(&format!("/api/ads?{bad}"), &cookie)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["error"]["code"], "invalid");
        let name = bad.split('=').next().unwrap();
        assert!(
            v["error"]["message"].as_str().unwrap().contains(name),
            "{bad}: {v}"
        );
    }
    // Viewers do not see contacts.
    let r = send(&w.app, get(&format!("/api/ads/{}", w.ad_ids[1]), &cookie)).await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["seller"]["contacts"].as_array().unwrap().len(), 0);
    assert_eq!(
        send(&w.app, get("/api/ads/999999", &cookie)).await.status,
        StatusCode::NOT_FOUND
    );
}

async fn archived_pages_only_on_the_archive_origin_signed_and_sandboxed(b: Backend) {
    let w = world(b);
    // Not on the app's origin.
    let (cookie, _) = login(&w.app, "eve").await;
    let r = send(&w.app, get(&format!("/page/{}", w.page_id), &cookie)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let arch = archive::router(w.st.clone());
    let link = wildwatch_web::pages::archive_link(&w.st, w.page_id);
    let path = link.strip_prefix(&w.st.archive_origin).unwrap();
    let r = send(&arch, get(path, "")).await;
    assert_eq!(r.status, StatusCode::OK);
    let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.starts_with("sandbox;") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert!(r.body.contains("<h1>Elfenbein</h1>"));
    // Unsigned, tampered, or another page's signature: refused.
    for p in [
        format!("/page/{}", w.page_id),
        path.replace("sig=", "sig=00"),
        path.replace(&format!("/page/{}", w.page_id), "/page/1234"),
        format!("/page/{}?exp=1&sig={}", w.page_id, "0".repeat(64)),
    ] {
        let r = send(&arch, get(&p, "")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{p}");
        assert!(r.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .starts_with("sandbox"));
    }
    // Viewers get no link at all.
    let (vc, _) = login(&w.app, "vic").await;
    let r = send(&w.app, get(&format!("/ads/{}", w.ad_ids[1]), &vc)).await;
    assert!(!r.body.contains("/page/") && !r.body.contains("<iframe"));
}

/// An ad whose address is not http/https (`javascript:`, `data:`) is shown as text on its page,
/// never as a link; an http address stays a link.
async fn only_http_addresses_become_links_on_the_ad_page(b: Backend) {
    let w = world(b);
    let ids = w.with_store(|s| {
        let cid = s.campaign("spring", &serde_json::json!({})).unwrap();
        let mut ids = Vec::new();
        for url in [
            "javascript:alert(document.cookie)",
            " JaVaScRiPt:alert(1)",
            "data:text/html,<script>alert(1)</script>",
        ] {
            let ad = wildwatch_store::AdContent {
                platform: "leboncoin".into(),
                url: url.into(),
                title: "Ivoire ancien".into(),
                ..Default::default()
            };
            let r = s
                .commit_fetch(&wildwatch_store::FetchCommit {
                    campaign: cid,
                    url: url.into(),
                    state: wildwatch_store::FetchState::Done,
                    page: None,
                    ad: Some((ad, detection("high", true, "Loxodonta africana", "fr"))),
                    discovered: vec![],
                })
                .unwrap();
            ids.push((url, r.ad_id.unwrap()));
        }
        ids
    });
    let (cookie, _) = login(&w.app, "eve").await;
    for (url, id) in ids {
        let r = send(&w.app, get(&format!("/ads/{id}"), &cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "{url}");
        let scheme = url.trim().split(':').next().unwrap();
        assert!(
            !r.body
                .to_lowercase()
                .contains(&format!("href=\"{}", scheme.to_lowercase())),
            "{url} became a link"
        );
        assert!(r.body.contains("not an http/https address"), "{url}");
    }
    let r = send(&w.app, get(&format!("/ads/{}", w.ad_ids[1]), &cookie)).await;
    assert!(r.body.contains("href=\"http://shop.example/ad/2\""));
}
