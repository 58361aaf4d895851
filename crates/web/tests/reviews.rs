//! Router tests (`oneshot`, no socket) of reviews and public reports, on SQLite and PostgreSQL:
//! reviews with CSRF and their audit log, export and metrics; reports with SSRF attempts,
//! duplicates and rate limits.

mod common;

use axum::http::{header, StatusCode};
use common::http::*;
use common::*;

on_both_backends!(
    analysts_review_with_csrf_and_every_change_is_audited,
    reports_refuse_private_addresses_deduplicate_and_are_rate_limited,
);

async fn analysts_review_with_csrf_and_every_change_is_audited(b: Backend) {
    let w = world(b);
    let id = w.ad_ids[3];
    let (cookie, csrf) = login(&w.app, "ana").await;
    bad_reviews_are_refused(&w, id, &cookie, &csrf).await;
    a_good_review_is_saved_and_audited(&w, id, &cookie, &csrf).await;
    let bearer = api_token(&w, &cookie, &csrf).await;
    api_reviews_need_a_token_or_csrf(&w, &cookie, &csrf, &bearer).await;
    export_and_metrics(&w, &cookie).await;
}

/// The review form of an ad, with `csrf`.
fn review_form(csrf: &str) -> Vec<(String, String)> {
    vec![
        ("csrf".to_string(), csrf.to_string()),
        ("relevant".into(), "true".into()),
        ("category".into(), "part".into()),
        (
            "species".into(),
            "African elephant, Loxodonta africana".into(),
        ),
        ("specimens".into(), "3".into()),
        ("price_eur".into(), "450".into()),
        ("documents".into(), "antique".into()),
        ("risk".into(), "high".into()),
        ("notes".into(), "<script>alert('note')</script>".into()),
        ("tags".into(), "ivory, crackdown-2026".into()),
        ("takedown".into(), "true".into()),
    ]
}

/// No CSRF token, a viewer, an unknown species: refused, nothing stored.
async fn bad_reviews_are_refused(w: &World, id: i64, cookie: &str, csrf: &str) {
    // Missing token: refused, nothing stored.
    let f = review_form("");
    let r = send(
        &w.app,
        post_form(&format!("/ads/{id}/review"), cookie, &as_refs(&f)),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A viewer cannot review.
    let (vcookie, vcsrf) = login(&w.app, "vic").await;
    let f = review_form(&vcsrf);
    let r = send(
        &w.app,
        post_form(&format!("/ads/{id}/review"), &vcookie, &as_refs(&f)),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // An unknown species is named; the form keeps what was typed.
    let mut f = review_form(csrf);
    f[3].1 = "Unicornus imaginarius".into();
    let r = send(
        &w.app,
        post_form(&format!("/ads/{id}/review"), cookie, &as_refs(&f)),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("Unicornus imaginarius")
            && r.body.contains("not a name in the reference data"),
        "{}",
        r.body
    );
}

/// A good review is saved, with the common name resolved, and the audit log keeps who changed
/// what.
async fn a_good_review_is_saved_and_audited(w: &World, id: i64, cookie: &str, csrf: &str) {
    let f = review_form(csrf);
    let r = send(
        &w.app,
        post_form(&format!("/ads/{id}/review"), cookie, &as_refs(&f)),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = send(&w.app, get(&format!("/ads/{id}"), cookie)).await;
    assert!(page.body.contains("id=\"review-status\">corrected<"));
    assert!(page.body.contains(&esc("<script>alert('note')")));
    assert!(!page.body.contains("<script>alert('note')"));
    let d = serde_json::from_str::<serde_json::Value>(
        &send(&w.app, get(&format!("/api/ads/{id}"), cookie))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(
        d["review"]["species"],
        serde_json::json!(["Loxodonta africana"])
    );
    assert_eq!(d["review"]["specimens"], 3);
    assert_eq!(d["review"]["reviewer"], "ana");
    assert_eq!(d["summary"]["takedown"], true);
    // The audit log keeps who changed what.
    let a = serde_json::from_str::<serde_json::Value>(
        &send(&w.app, get(&format!("/api/ads/{id}/audit"), cookie))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(a[0]["username"], "ana");
    assert_eq!(a[0]["detail"]["specimens"]["new"], 3);
    // Filters see it.
    let v = serde_json::from_str::<serde_json::Value>(
        &send(&w.app, get("/api/ads?review=takedown", cookie))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(v["total"], 1);
}

/// An API token of the signed-in user, as an `Authorization` header.
async fn api_token(w: &World, cookie: &str, csrf: &str) -> String {
    // Confirm another through the API with a bearer token (no CSRF needed for tokens) …
    let r = send(
        &w.app,
        json_req(
            "POST",
            "/api/tokens",
            &[("cookie", cookie), ("x-csrf-token", csrf)],
            serde_json::json!({"name": "script"}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let token = serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    format!("Bearer {token}")
}

/// Reviews through the API: with a bearer token (no CSRF needed), with a cookie only with the
/// CSRF header; bad JSON is named.
async fn api_reviews_need_a_token_or_csrf(w: &World, cookie: &str, csrf: &str, bearer: &str) {
    let r = send(
        &w.app,
        json_req(
            "POST",
            &format!("/api/ads/{}/confirm", w.ad_ids[4]),
            &[("authorization", bearer)],
            serde_json::json!({}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["status"],
        "confirmed"
    );
    // … but a cookie-authenticated API write without the CSRF header is refused.
    let body = serde_json::json!({"relevant": false, "category": "none", "risk": "none"});
    let r = send(
        &w.app,
        json_req(
            "PUT",
            &format!("/api/ads/{}/review", w.ad_ids[5]),
            &[("cookie", cookie)],
            body.clone(),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = send(
        &w.app,
        json_req(
            "PUT",
            &format!("/api/ads/{}/review", w.ad_ids[5]),
            &[("cookie", cookie), ("x-csrf-token", csrf)],
            body,
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Bad JSON is named.
    let r = send(
        &w.app,
        json_req(
            "PUT",
            &format!("/api/ads/{}/review", w.ad_ids[5]),
            &[("authorization", bearer)],
            serde_json::json!({"relevant": "yes"}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("relevant")
    );
}

/// Export in the eval format, and the metrics page and API.
async fn export_and_metrics(w: &World, cookie: &str) {
    let r = send(&w.app, get("/reviews/export.jsonl", cookie)).await;
    let lines: Vec<serde_json::Value> = r
        .body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert!(lines
        .iter()
        .all(|l| l["gold"]["risk"].is_string() && l["title"].is_string()));
    let m = serde_json::from_str::<serde_json::Value>(
        &send(&w.app, get("/api/reviews/metrics", cookie)).await.body,
    )
    .unwrap();
    assert_eq!(m["overall"]["ads"], 3);
    assert_eq!(m["overall"]["fp"], 1);
    assert!(m["by_platform"].as_object().unwrap().len() >= 2);
    let r = send(&w.app, get("/reviews/metrics", cookie)).await;
    assert!(r.body.contains("Platform") && r.body.contains("Language"));
}

async fn reports_refuse_private_addresses_deduplicate_and_are_rate_limited(b: Backend) {
    let w = world_with(b, |c| c.reports_per_hour = 4);
    let r = send(&w.app, get("/report", "")).await;
    let anon = cookie_from(&r, "ww_anon").unwrap();
    let csrf = csrf_in(&r.body);
    the_form_refuses_private_addresses_and_counts_duplicates(&w, &anon, &csrf).await;
    the_api_refuses_private_addresses_and_is_rate_limited(&w).await;
    // Analysts see them, counted, with the comment escaped.
    let (cookie, _) = login(&w.app, "ana").await;
    let r = send(&w.app, get("/reports", &cookie)).await;
    assert!(
        r.body.contains("3 URLs reported (4 submissions)"),
        "{}",
        r.body
    );
    assert!(r.body.contains(&esc("<b>ivoire</b>")));
    let d = send(&w.app, get("/", &cookie)).await;
    assert!(d.body.contains("3 URLs reported"));
}

/// A report through the API, anonymously.
async fn report_api(w: &World, body: serde_json::Value) -> Resp {
    send(&w.app, json_req("POST", "/api/reports", &[], body)).await
}

/// The report form refuses private, loopback and non-http addresses (and a missing token),
/// accepts a public ad once and counts the same ad again as a duplicate.
async fn the_form_refuses_private_addresses_and_counts_duplicates(
    w: &World,
    anon: &str,
    csrf: &str,
) {
    for bad in [
        "http://127.0.0.1:8080/admin/users",
        "http://localhost/",
        "http://169.254.169.254/latest/meta-data/iam/",
        "http://[::1]:5432/",
        "http://2130706433/",
        "http://0x7f.0.0.1/",
        "http://10.0.0.5/",
        "http://192.168.1.1/",
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/_FLUSHALL",
        "javascript:alert(1)",
        "not a url <script>alert(1)</script>",
    ] {
        let r = send(
            &w.app,
            post_form(
                "/report",
                anon,
                &[("csrf", csrf), ("url", bad), ("comment", "")],
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(!r.body.contains("<script>alert(1)"), "{bad}");
    }
    // Without the form token: refused.
    let r = send(
        &w.app,
        post_form("/report", anon, &[("url", "https://www.leboncoin.fr/ad/1")]),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let ok = [
        ("csrf", csrf),
        (
            "url",
            "https://www.leboncoin.fr/ad/animaux/123?utm_source=x#photos",
        ),
        ("comment", "<b>ivoire</b>"),
    ];
    let r = send(&w.app, post_form("/report", anon, &ok)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("id=\"report-done\""));
    let r = send(
        &w.app,
        post_form(
            "/report",
            anon,
            &[
                ("csrf", csrf),
                ("url", "https://www.leboncoin.fr/ad/animaux/123"),
                ("comment", ""),
            ],
        ),
    )
    .await;
    assert!(r.body.contains("already been reported"), "{}", r.body);
}

/// The API refuses private addresses too; 4 reports are accepted per hour from an address.
async fn the_api_refuses_private_addresses_and_is_rate_limited(w: &World) {
    let first = serde_json::json!({"url": "https://www.kleinanzeigen.de/s-anzeige/1", "comment": "Elfenbein"});
    let r = report_api(w, first).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let r = report_api(w, serde_json::json!({"url": "http://127.0.0.1:5432/"})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("127.0.0.1")
    );
    // Limit: 4 accepted per hour from this address (two through the form).
    let r = report_api(
        w,
        serde_json::json!({"url": "https://www.marktplaats.nl/v/1"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let r = report_api(
        w,
        serde_json::json!({"url": "https://www.marktplaats.nl/v/2"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.contains_key(header::RETRY_AFTER));
}
