//! Router tests (`oneshot`, no socket) for every endpoint: sign-in, roles, CSRF, filters, review
//! with its audit log, export, metrics, reports with SSRF attempts, the archive origin, the API
//! and its OpenAPI document, with real attack strings in the stored ads.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::http::*;
use common::*;
use wildwatch_web::archive;

#[tokio::test]
async fn anonymous_visitors_are_sent_to_login_and_api_answers_401_json() {
    let w = world();
    for p in [
        "/",
        "/ads",
        "/ads/1",
        "/reports",
        "/reviews/metrics",
        "/audit",
        "/admin/users",
        "/account",
        "/reviews/export.jsonl",
    ] {
        let r = send(&w.app, get(p, "")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{p}");
        assert!(
            r.headers[header::LOCATION]
                .to_str()
                .unwrap()
                .starts_with("/login?next="),
            "{p}"
        );
    }
    for p in [
        "/api/me",
        "/api/ads",
        "/api/ads/1",
        "/api/dashboard",
        "/api/reports",
        "/api/users",
        "/api/reviews/export",
        "/api/reviews/metrics",
        "/api/facets",
    ] {
        let r = send(&w.app, get(p, "")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{p}");
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["error"]["code"], "unauthorized", "{p}");
    }
    // Public pages.
    for p in [
        "/login",
        "/report",
        "/static/app.css",
        "/healthz",
        "/api/openapi.json",
    ] {
        assert_eq!(send(&w.app, get(p, "")).await.status, StatusCode::OK, "{p}");
    }
    let r = send(&w.app, get("/api/nope", "")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("openapi"));
}

#[tokio::test]
async fn login_needs_csrf_right_password_and_is_rate_limited() {
    let w = world_with(|c| c.logins_per_minute = 5);
    let r = send(&w.app, get("/login", "")).await;
    let anon = cookie_from(&r, "ww_anon").unwrap();
    let csrf = csrf_in(&r.body);
    // No token, or a token for another cookie: refused.
    let r = send(
        &w.app,
        post_form(
            "/login",
            &anon,
            &[("username", "ana"), ("password", "correct horse battery")],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = send(
        &w.app,
        post_form(
            "/login",
            "ww_anon=0123456789abcdef0123456789abcdef",
            &[
                ("csrf", &csrf),
                ("username", "ana"),
                ("password", "correct horse battery"),
            ],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Wrong password: 401, the typed name is echoed escaped.
    let r = send(
        &w.app,
        post_form(
            "/login",
            &anon,
            &[
                ("csrf", &csrf),
                ("username", "<b>ana</b>"),
                ("password", "nope"),
            ],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains(&esc("<b>ana</b>")) && !r.body.contains("<b>ana</b>"));
    // Open redirect after login is not followed.
    let r = send(
        &w.app,
        post_form(
            "/login",
            &anon,
            &[
                ("csrf", &csrf),
                ("username", "ana"),
                ("password", "correct horse battery"),
                ("next", "//evil.example/"),
            ],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers[header::LOCATION], "/");
    // Attempts beyond the limit are refused even with the right password.
    let mut last = StatusCode::OK;
    for _ in 0..6 {
        last = send(
            &w.app,
            post_form(
                "/login",
                &anon,
                &[("csrf", &csrf), ("username", "ana"), ("password", "wrong")],
            ),
        )
        .await
        .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    let r = send(
        &w.app,
        post_form(
            "/login",
            &anon,
            &[
                ("csrf", &csrf),
                ("username", "ana"),
                ("password", "correct horse battery"),
            ],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn pages_escape_hostile_ad_text_and_send_a_strict_csp() {
    let w = world();
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

#[tokio::test]
async fn filters_sorting_and_paging_through_pages_and_api() {
    let w = world();
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

#[tokio::test]
async fn analysts_review_with_csrf_and_every_change_is_audited() {
    let w = world();
    let id = w.ad_ids[3];
    let (cookie, csrf) = login(&w.app, "ana").await;
    let form = |csrf: &str| {
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
    };
    // Missing token: refused, nothing stored.
    let f = form("");
    let r = send(
        &w.app,
        post_form(&format!("/ads/{id}/review"), &cookie, &as_refs(&f)),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A viewer cannot review.
    let (vcookie, vcsrf) = login(&w.app, "vic").await;
    let f = form(&vcsrf);
    let r = send(
        &w.app,
        post_form(&format!("/ads/{id}/review"), &vcookie, &as_refs(&f)),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // An unknown species is named; the form keeps what was typed.
    let mut f = form(&csrf);
    f[3].1 = "Unicornus imaginarius".into();
    let r = send(
        &w.app,
        post_form(&format!("/ads/{id}/review"), &cookie, &as_refs(&f)),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("Unicornus imaginarius")
            && r.body.contains("not a name in the reference data"),
        "{}",
        r.body
    );
    // A good review is saved, with the common name resolved.
    let f = form(&csrf);
    let r = send(
        &w.app,
        post_form(&format!("/ads/{id}/review"), &cookie, &as_refs(&f)),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = send(&w.app, get(&format!("/ads/{id}"), &cookie)).await;
    assert!(page.body.contains("id=\"review-status\">corrected<"));
    assert!(page.body.contains(&esc("<script>alert('note')")));
    assert!(!page.body.contains("<script>alert('note')"));
    let d = serde_json::from_str::<serde_json::Value>(
        &send(&w.app, get(&format!("/api/ads/{id}"), &cookie))
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
        &send(&w.app, get(&format!("/api/ads/{id}/audit"), &cookie))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(a[0]["username"], "ana");
    assert_eq!(a[0]["detail"]["specimens"]["new"], 3);
    // Filters see it.
    let v = serde_json::from_str::<serde_json::Value>(
        &send(&w.app, get("/api/ads?review=takedown", &cookie))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(v["total"], 1);
    // Confirm another through the API with a bearer token (no CSRF needed for tokens) …
    let r = send(
        &w.app,
        json_req(
            "POST",
            "/api/tokens",
            &[("cookie", &cookie), ("x-csrf-token", &csrf)],
            serde_json::json!({"name": "script"}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let token = serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let bearer = format!("Bearer {token}");
    let r = send(
        &w.app,
        json_req(
            "POST",
            &format!("/api/ads/{}/confirm", w.ad_ids[4]),
            &[("authorization", &bearer)],
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
            &[("cookie", &cookie)],
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
            &[("cookie", &cookie), ("x-csrf-token", &csrf)],
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
            &[("authorization", &bearer)],
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
    // Export in the eval format, and the metrics page/API.
    let r = send(&w.app, get("/reviews/export.jsonl", &cookie)).await;
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
        &send(&w.app, get("/api/reviews/metrics", &cookie))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(m["overall"]["ads"], 3);
    assert_eq!(m["overall"]["fp"], 1);
    assert!(m["by_platform"].as_object().unwrap().len() >= 2);
    let r = send(&w.app, get("/reviews/metrics", &cookie)).await;
    assert!(r.body.contains("Platform") && r.body.contains("Language"));
}

#[tokio::test]
async fn reports_refuse_private_addresses_deduplicate_and_are_rate_limited() {
    let w = world_with(|c| c.reports_per_hour = 4);
    let r = send(&w.app, get("/report", "")).await;
    let anon = cookie_from(&r, "ww_anon").unwrap();
    let csrf = csrf_in(&r.body);
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
                &anon,
                &[("csrf", &csrf), ("url", bad), ("comment", "")],
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(!r.body.contains("<script>alert(1)"), "{bad}");
    }
    // Without the form token: refused.
    let r = send(
        &w.app,
        post_form(
            "/report",
            &anon,
            &[("url", "https://www.leboncoin.fr/ad/1")],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let ok = [
        ("csrf", csrf.as_str()),
        (
            "url",
            "https://www.leboncoin.fr/ad/animaux/123?utm_source=x#photos",
        ),
        ("comment", "<b>ivoire</b>"),
    ];
    let r = send(&w.app, post_form("/report", &anon, &ok)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("id=\"report-done\""));
    let r = send(
        &w.app,
        post_form(
            "/report",
            &anon,
            &[
                ("csrf", &csrf),
                ("url", "https://www.leboncoin.fr/ad/animaux/123"),
                ("comment", ""),
            ],
        ),
    )
    .await;
    assert!(r.body.contains("already been reported"), "{}", r.body);
    let r = send(&w.app, json_req("POST", "/api/reports", &[], serde_json::json!({"url": "https://www.kleinanzeigen.de/s-anzeige/1", "comment": "Elfenbein"}))).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let r = send(
        &w.app,
        json_req(
            "POST",
            "/api/reports",
            &[],
            serde_json::json!({"url": "http://127.0.0.1:5432/"}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("127.0.0.1")
    );
    // Limit: 4 accepted per hour from this address.
    let r = send(
        &w.app,
        json_req(
            "POST",
            "/api/reports",
            &[],
            serde_json::json!({"url": "https://www.marktplaats.nl/v/1"}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let r = send(
        &w.app,
        json_req(
            "POST",
            "/api/reports",
            &[],
            serde_json::json!({"url": "https://www.marktplaats.nl/v/2"}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.contains_key(header::RETRY_AFTER));
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

#[tokio::test]
async fn archived_pages_only_on_the_archive_origin_signed_and_sandboxed() {
    let w = world();
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

#[tokio::test]
async fn admins_manage_users_others_cannot() {
    let w = world();
    let (cookie, csrf) = login(&w.app, "admin").await;
    let r = send(
        &w.app,
        post_form(
            "/admin/users",
            &cookie,
            &[
                ("csrf", &csrf),
                ("username", "newbie"),
                ("password", "long enough pw"),
                ("role", "viewer"),
            ],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Added newbie"));
    let r = send(
        &w.app,
        post_form(
            "/admin/users",
            &cookie,
            &[
                ("csrf", &csrf),
                ("username", "newbie"),
                ("password", "long enough pw"),
                ("role", "viewer"),
            ],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = send(
        &w.app,
        post_form(
            "/admin/users",
            &cookie,
            &[
                ("csrf", &csrf),
                ("username", "x"),
                ("password", "short"),
                ("role", "viewer"),
            ],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("at least 10 characters"));
    let r = send(
        &w.app,
        post_form(
            "/admin/users",
            &cookie,
            &[
                ("csrf", &csrf),
                ("username", "y"),
                ("password", "long enough pw"),
                ("role", "god"),
            ],
        ),
    )
    .await;
    assert!(r.body.contains("`god` is not a role"));
    let users = serde_json::from_str::<serde_json::Value>(
        &send(&w.app, get("/api/users", &cookie)).await.body,
    )
    .unwrap();
    let newbie = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "newbie")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = send(
        &w.app,
        json_req(
            "PATCH",
            &format!("/api/users/{newbie}"),
            &[("cookie", &cookie), ("x-csrf-token", &csrf)],
            serde_json::json!({"role": "analyst"}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    // Disabling a user ends their sessions.
    let (nc, _) = login(&w.app, "ana").await;
    let ana = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "ana")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = send(
        &w.app,
        post_form(
            &format!("/admin/users/{ana}"),
            &cookie,
            &[("csrf", &csrf), ("role", "analyst"), ("disabled", "true")],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        send(&w.app, get("/ads", &nc)).await.status,
        StatusCode::SEE_OTHER
    );
    // Non-admins: forbidden.
    let (ec, ecsrf) = login(&w.app, "eve").await;
    assert_eq!(
        send(&w.app, get("/admin/users", &ec)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(&w.app, get("/api/users", &ec)).await.status,
        StatusCode::FORBIDDEN
    );
    let r = send(
        &w.app,
        post_form(
            "/admin/users",
            &ec,
            &[
                ("csrf", &ecsrf),
                ("username", "z"),
                ("password", "long enough pw"),
                ("role", "admin"),
            ],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Platforms and settings.
    let r = send(&w.app, get("/admin/platforms", &cookie)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("kleinanzeigen") && r.body.contains("Reports per address per hour"));
    assert_eq!(
        send(&w.app, get("/admin/platforms", &ec)).await.status,
        StatusCode::FORBIDDEN
    );
    // The audit page lists user changes.
    let r = send(&w.app, get("/audit", &cookie)).await;
    assert!(r.body.contains("user.add") && r.body.contains("user.update"));
    // Logout ends the session (and needs the token).
    let r = send(&w.app, post_form("/logout", &cookie, &[])).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = send(&w.app, post_form("/logout", &cookie, &[("csrf", &csrf)])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        send(&w.app, get("/", &cookie)).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn account_tokens_dashboard_and_openapi() {
    let w = world();
    let (cookie, csrf) = login(&w.app, "eve").await;
    let r = send(
        &w.app,
        post_form(
            "/account/tokens",
            &cookie,
            &[("csrf", &csrf), ("name", "nightly")],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let i = r.body.find("id=\"new-token\">").unwrap();
    let token = r.body[i + 15..i + 15 + 51].to_string();
    assert!(token.starts_with("ww_"), "{token}");
    let bearer = format!("Bearer {token}");
    let me = send(
        &w.app,
        Request::get("/api/me")
            .header("authorization", &bearer)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&me.body).unwrap()["username"],
        "eve"
    );
    let bad = send(
        &w.app,
        Request::get("/api/me")
            .header("authorization", "Bearer ww_nope")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    // Revoke.
    let acct = send(&w.app, get("/account", &cookie)).await;
    let j = acct.body.find("/account/tokens/").unwrap();
    let id: String = acct.body[j + 16..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let r = send(
        &w.app,
        post_form(
            &format!("/account/tokens/{id}/revoke"),
            &cookie,
            &[("csrf", &csrf)],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let me = send(
        &w.app,
        Request::get("/api/me")
            .header("authorization", &bearer)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    // Dashboard figures.
    let d = serde_json::from_str::<serde_json::Value>(
        &send(&w.app, get("/api/dashboard", &cookie)).await.body,
    )
    .unwrap();
    let c = &d["campaigns"][0];
    assert_eq!(c["name"], "spring");
    assert_eq!(c["ads"], 30);
    assert_eq!(c["relevant"], 24);
    assert_eq!(c["high_risk"], 10);
    assert_eq!(c["specimens"], 48);
    assert_eq!(c["value_eur"], 7200.0);
    let page = send(&w.app, get("/", &cookie)).await;
    assert!(page.body.contains("€7,200"));
    // OpenAPI lists every API path.
    let doc = serde_json::from_str::<serde_json::Value>(
        &send(&w.app, get("/api/openapi.json", "")).await.body,
    )
    .unwrap();
    for p in [
        "/api/ads",
        "/api/ads/{id}",
        "/api/ads/{id}/review",
        "/api/reports",
        "/api/users",
        "/api/tokens",
        "/api/reviews/export",
        "/api/reviews/metrics",
        "/api/dashboard",
        "/api/me",
    ] {
        assert!(
            doc["paths"].get(p).is_some(),
            "{p} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["schemas"].get("AdSummary").is_some());
}

/// An ad whose address is not http/https (`javascript:`, `data:`) is shown as text on its page,
/// never as a link; an http address stays a link.
#[tokio::test]
async fn only_http_addresses_become_links_on_the_ad_page() {
    use wildwatch_store::Store;
    let w = world();
    let mut s = wildwatch_store::SqliteStore::open(&w.dir.path().join("w.db")).unwrap();
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
    drop(s);
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

/// Failed logins in someone's name lock out the address that sends them, not the user: the
/// analyst signs in from another address with the right password (slowed down, not refused), and
/// every 429 carries `Retry-After`.
#[tokio::test]
async fn failed_logins_from_one_address_do_not_lock_the_user_out() {
    let w = world_with(|c| {
        c.logins_per_minute = 3;
        c.login_slowdown = std::time::Duration::from_millis(300);
    });
    let r = send(&w.app, get("/login", "")).await;
    let anon = cookie_from(&r, "ww_anon").unwrap();
    let csrf = csrf_in(&r.body);
    let from = |ip: [u8; 4], password: &str| {
        let mut req = post_form(
            "/login",
            &anon,
            &[("csrf", &csrf), ("username", "ana"), ("password", password)],
        );
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                ip, 40000,
            ))));
        req
    };
    let mut last = None;
    for _ in 0..5 {
        last = Some(send(&w.app, from([203, 0, 113, 9], "wrong")).await);
    }
    let last = last.unwrap();
    assert_eq!(last.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(last.headers[header::RETRY_AFTER], "60");
    // The attacker's address stays refused, even with the right password.
    let r = send(&w.app, from([203, 0, 113, 9], "correct horse battery")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // The analyst, elsewhere, gets in: slowed down because her name is over its limit.
    let t = std::time::Instant::now();
    let r = send(&w.app, from([198, 51, 100, 7], "correct horse battery")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(t.elapsed() >= std::time::Duration::from_millis(300));
}
