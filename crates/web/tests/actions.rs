//! Acting on findings from the web app and the API, with the roles allowed to: campaign reports
//! and comparisons in every format, takedown notices (prepare, download checked against their
//! hash, record sending once), signed evidence packages that `evidence check` accepts, and the
//! platform policy audit run against the fixture marketplace.

mod common;

use axum::http::{header, StatusCode};
use common::http::*;
use common::*;
use wildwatch_store::app::Review;

on_both_backends!(
    reports_and_comparisons_download_in_every_format,
    takedown_notices_by_role_with_checked_downloads,
    evidence_packages_download_signed_and_check,
    admins_run_the_policy_audit_of_the_fixture_sites,
);

fn mark_for_takedown(w: &World, ids: &[i64]) {
    w.with_store(|s| {
        for id in ids {
            let r = Review {
                relevant: true,
                category: wildwatch_store::Category::Part,
                species: vec!["Loxodonta africana".into()],
                specimens: Some(1),
                price_eur: Some(300.0),
                documents: vec![],
                risk: wildwatch_store::Risk::High,
                notes: String::new(),
                tags: vec![],
                takedown: true,
                enforcement: false,
            };
            s.save_review(*id, &r, wildwatch_store::ReviewStatus::Confirmed, "ana")
                .unwrap();
        }
    });
}

async fn reports_and_comparisons_download_in_every_format(b: Backend) {
    let w = world(b);
    w.with_store(|s| {
        s.campaign("autumn <b>", &serde_json::json!({})).unwrap();
    });
    let (cookie, _) = login(&w.app, "vic").await;
    let page = send(&w.app, get("/campaign?name=spring", &cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .body
        .contains("/campaign/report?name=spring&amp;format=xlsx"));
    // A viewer sees no action buttons.
    assert!(!page.body.contains("Prepare notice") && !page.body.contains("package-takedown"));
    // The other campaign's hostile name is escaped in the compare menu.
    assert!(page.body.contains(&esc("autumn <b>")) && !page.body.contains("autumn <b>"));

    let r = send(
        &w.app,
        get("/campaign/report?name=spring&format=html", &cookie),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.contains("script-src 'none'") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert!(r.body.contains("<svg"), "no chart in the report");
    // The hostile ad title never reaches the report unescaped.
    assert!(!r.body.contains("<script>alert"));

    let x = send(
        &w.app,
        get("/campaign/report?name=spring&format=xlsx", &cookie),
    )
    .await;
    assert_eq!(x.status, StatusCode::OK);
    assert!(x.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    assert!(x.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("attachment; filename=\"report-spring.xlsx\""));
    let j = send(
        &w.app,
        get("/api/campaigns/report?name=spring&format=json", &cookie),
    )
    .await;
    assert_eq!(j.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&j.body).unwrap();
    assert!(v.is_object());
    let c = send(
        &w.app,
        get("/campaign/report?name=spring&format=csv", &cookie),
    )
    .await;
    assert_eq!(c.status, StatusCode::OK);
    assert!(c.body.lines().count() > 3);

    let cmp = send(
        &w.app,
        get(
            "/campaign/compare?name=spring&with=autumn%20%3Cb%3E&format=json",
            &cookie,
        ),
    )
    .await;
    assert_eq!(cmp.status, StatusCode::OK, "{}", cmp.body);
    assert!(serde_json::from_str::<serde_json::Value>(&cmp.body).is_ok());

    // Bad requests are named.
    let r = send(
        &w.app,
        get("/campaign/report?name=spring&format=pdf", &cookie),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("unknown format"));
    let r = send(&w.app, get("/api/campaigns/report?name=nope", &cookie)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = send(&w.app, get("/campaign?name=nope", &cookie)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = send(&w.app, get("/campaign/compare?name=spring", &cookie)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

async fn takedown_notices_by_role_with_checked_downloads(b: Backend) {
    let w = world(b);
    // Ads 0, 3, 6 … are on kleinanzeigen; mark two of them and one on leboncoin.
    mark_for_takedown(&w, &[w.ad_ids[0], w.ad_ids[3], w.ad_ids[1]]);
    let (vcookie, vcsrf) = login(&w.app, "vic").await;
    let r = send(
        &w.app,
        post_form(
            "/campaign/takedown",
            &vcookie,
            &[
                ("csrf", &vcsrf),
                ("name", "spring"),
                ("platform", "kleinanzeigen"),
            ],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let (cookie, csrf) = login(&w.app, "ana").await;
    let page = send(&w.app, get("/campaign?name=spring", &cookie)).await;
    assert!(
        page.body.contains("id=\"takedown-kleinanzeigen\""),
        "{}",
        page.body
    );
    // Without the form token: refused, nothing stored.
    let r = send(
        &w.app,
        post_form(
            "/campaign/takedown",
            &cookie,
            &[("name", "spring"), ("platform", "kleinanzeigen")],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = send(
        &w.app,
        post_form(
            "/campaign/takedown",
            &cookie,
            &[
                ("csrf", &csrf),
                ("name", "spring"),
                ("platform", "kleinanzeigen"),
            ],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let loc = r.headers[header::LOCATION].to_str().unwrap().to_string();
    let page = send(&w.app, get(&loc, &cookie)).await;
    assert!(
        page.body.contains("prepared for kleinanzeigen: 2 ads"),
        "{}",
        page.body
    );
    assert!(page.body.contains("/notices/1/csv"));
    // Nothing left to notify on that platform.
    let r = send(
        &w.app,
        post_form(
            "/campaign/takedown",
            &cookie,
            &[
                ("csrf", &csrf),
                ("name", "spring"),
                ("platform", "kleinanzeigen"),
            ],
        ),
    )
    .await;
    let page = send(
        &w.app,
        get(r.headers[header::LOCATION].to_str().unwrap(), &cookie),
    )
    .await;
    assert!(page.body.contains("Nothing to notify on kleinanzeigen"));

    // Enforcement downloads the CSV; a viewer cannot.
    let (ecookie, ecsrf) = login(&w.app, "eve").await;
    let csv = send(&w.app, get("/notices/1/csv", &ecookie)).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert!(
        csv.body.contains("http://shop.example/ad/1")
            && csv.body.contains("http://shop.example/ad/4")
    );
    assert!(!csv.body.contains("http://shop.example/ad/2"));
    let letter = send(&w.app, get("/api/notices/1/letter", &ecookie)).await;
    assert_eq!(letter.status, StatusCode::OK);
    assert!(!letter.body.is_empty());
    assert_eq!(
        send(&w.app, get("/notices/1/csv", &vcookie)).await.status,
        StatusCode::FORBIDDEN
    );
    // Enforcement may not record the sending.
    let r = send(
        &w.app,
        post_form(
            "/notices/1/sent",
            &ecookie,
            &[("csrf", &ecsrf), ("channel", "email")],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The analyst records it once.
    let r = send(
        &w.app,
        post_form(
            "/notices/1/sent",
            &cookie,
            &[("csrf", &csrf), ("name", "spring"), ("channel", "form")],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = send(
        &w.app,
        post_form(
            "/notices/1/sent",
            &cookie,
            &[("csrf", &csrf), ("name", "spring"), ("channel", "form")],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("already"));

    // Through the API: a notice for leboncoin, the list, a bad channel.
    let auth = [("cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str())];
    let r = send(
        &w.app,
        json_req(
            "POST",
            "/api/notices",
            &auth,
            serde_json::json!({"campaign": "spring", "platform": "leboncoin"}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let n: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(n["ads"], serde_json::json!([w.ad_ids[1]]));
    let id = n["id"].as_i64().unwrap();
    let r = send(
        &w.app,
        json_req(
            "POST",
            &format!("/api/notices/{id}/sent"),
            &auth,
            serde_json::json!({"channel": "fax"}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("unknown channel"));
    let list = send(&w.app, get("/api/notices?campaign=spring", &cookie)).await;
    let rows: serde_json::Value = serde_json::from_str(&list.body).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2);

    // A notice file changed on disk is not served.
    let files = w.with_store(|s| s.notice_files(1)).unwrap().unwrap();
    let path = files["csv"].as_str().unwrap().to_string();
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("forged\n");
    std::fs::write(&path, text).unwrap();
    let r = send(&w.app, get("/notices/1/csv", &ecookie)).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(r.body.contains("changed on disk"));
}

async fn evidence_packages_download_signed_and_check(b: Backend) {
    let w = world(b);
    mark_for_takedown(&w, &[w.ad_ids[0], w.ad_ids[2]]);
    let (vcookie, vcsrf) = login(&w.app, "vic").await;
    let r = send(
        &w.app,
        post_form(
            "/evidence/package",
            &vcookie,
            &[("csrf", &vcsrf), ("ads", "1")],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let (cookie, csrf) = login(&w.app, "eve").await;
    let r = send(
        &w.app,
        post_form(
            "/evidence/package",
            &cookie,
            &[("csrf", &csrf), ("name", "spring"), ("takedown", "1")],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/zip");
    let key = r.headers["x-wildwatch-public-key"]
        .to_str()
        .unwrap()
        .to_string();
    // `send` reads the body as text; fetch the bytes again through the API.
    let res = tower::ServiceExt::oneshot(
        w.app.clone(),
        json_req(
            "POST",
            "/api/evidence/package",
            &[("cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str())],
            serde_json::json!({"ads": [w.ad_ids[0], w.ad_ids[2]]}),
        ),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    let report =
        wildwatch_action::check::check(std::io::Cursor::new(bytes.to_vec()), Some(&key)).unwrap();
    assert!(report.is_ok(), "{report:?}");
    // Bad ids are named; no ads is an error, not an empty zip.
    let r = send(
        &w.app,
        post_form(
            "/evidence/package",
            &cookie,
            &[("csrf", &csrf), ("ads", "1,x")],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("`x` is not an ad id"));
    let r = send(
        &w.app,
        post_form(
            "/evidence/package",
            &cookie,
            &[("csrf", &csrf), ("ads", "")],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // Packages are in the audit log.
    let log = w.with_store(|s| s.audit_log(None, 50)).unwrap();
    assert!(log
        .iter()
        .any(|e| e.action == "evidence.package" && e.username == "eve"));
}

async fn admins_run_the_policy_audit_of_the_fixture_sites(b: Backend) {
    let fx = wildwatch_fixture::Fixture::start(
        wildwatch_fixture::FixtureConfig {
            ads: 10,
            seed: 4,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let w = world(b);
    let platforms: Vec<serde_json::Value> = fx
        .sites
        .iter()
        .map(|s| serde_json::json!({"adapter": s.name, "base_url": s.base_url}))
        .collect();
    w.with_store(|s| {
        s.campaign(
            "fx",
            &serde_json::json!({"name": "fx", "rate_per_host": 0.0, "timeout_secs": 5.0, "platform": platforms}),
        )
        .unwrap();
    });
    let (acookie, acsrf) = login(&w.app, "ana").await;
    let r = send(
        &w.app,
        post_form(
            "/campaign/policy-audit",
            &acookie,
            &[("csrf", &acsrf), ("name", "fx")],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let (cookie, csrf) = login(&w.app, "admin").await;
    // A campaign without a stored configuration is named.
    let r = send(
        &w.app,
        post_form(
            "/campaign/policy-audit",
            &cookie,
            &[("csrf", &csrf), ("name", "spring")],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("not a campaign"));
    let r = send(
        &w.app,
        post_form(
            "/campaign/policy-audit",
            &cookie,
            &[("csrf", &csrf), ("name", "fx")],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = send(&w.app, get("/campaign?name=fx", &cookie)).await;
    assert!(
        page.body
            .contains("3 of 5 websites (60%) give clear information"),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains(&esc("Ivoire : toute annonce d’objets en ivoire d’éléphant")));
    let api = send(&w.app, get("/api/policy-audits?campaign=fx", &cookie)).await;
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(
        (v["websites"].as_i64(), v["clear"].as_i64()),
        (Some(5), Some(3))
    );
}
