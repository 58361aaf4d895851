//! Seller and network pages: links with their evidence, the network drawing (SVG, escaped
//! names), identifiers hidden from viewers.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use common::*;
use http_body_util::BodyExt;
use tower::ServiceExt;
use wildwatch_store::links::LinkRow;

on_both_backends!(seller_and_network_pages_show_links_and_hide_identifiers_from_viewers,);

async fn send(
    app: &Router,
    uri: &str,
    cookie: &str,
    form: Option<&[(&str, &str)]>,
) -> (StatusCode, Option<String>, String) {
    let req = match form {
        None => Request::get(uri)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap(),
        Some(f) => Request::post(uri)
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(
                url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(f)
                    .finish(),
            ))
            .unwrap(),
    };
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let cookie = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("; ");
    let body =
        String::from_utf8_lossy(&res.into_body().collect().await.unwrap().to_bytes()).into_owned();
    (status, Some(cookie).filter(|c| !c.is_empty()), body)
}

async fn login(app: &Router, user: &str) -> String {
    let (_, anon, body) = send(app, "/login", "", None).await;
    let anon = anon.unwrap();
    let i = body.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = &body[i..i + body[i..].find('"').unwrap()];
    let (st, session, _) = send(
        app,
        "/login",
        &anon,
        Some(&[
            ("csrf", csrf),
            ("username", user),
            ("password", "correct horse battery"),
        ]),
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    format!("{anon}; {}", session.unwrap())
}

async fn seller_and_network_pages_show_links_and_hide_identifiers_from_viewers(b: Backend) {
    let w = world(b);
    let (ka, kb) = w.with_store(|s| {
        let a = s.ad_detail(w.ad_ids[0]).unwrap().seller.unwrap().id;
        let b = s.ad_detail(w.ad_ids[1]).unwrap().seller.unwrap().id;
        (format!("s{a}"), format!("s{b}"))
    });
    w.with_store(|s| {
        let ev = serde_json::json!([{"kind": "phone", "detail": "+33612345678", "ads": [w.ad_ids[0], w.ad_ids[1]], "strength": 0.95}]);
        s.save_links(
            &[LinkRow { a: ka.clone(), b: kb.clone(), strength: 0.95, evidence: ev }],
            &[(1, serde_json::json!({"id": 1, "sellers": [ka, kb], "ads": 2, "high_risk": 1, "species": ["Loxodonta africana"], "platforms": ["kleinanzeigen", "leboncoin"], "countries": ["DE", "FR"], "links": 1}), vec![ka.clone(), kb.clone()])],
        )
        .unwrap();
    });
    let eve = login(&w.app, "eve").await;
    let (st, _, body) = send(&w.app, "/networks", &eve, None).await;
    assert_eq!(st, StatusCode::OK);
    assert!(body.contains("href=\"/networks/1\"") && body.contains("kleinanzeigen, leboncoin"));
    let (st, _, body) = send(&w.app, "/networks/1", &eve, None).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        body.contains("<svg class=\"graph\"") && body.contains("<line") && body.contains("k-phone")
    );
    assert!(!body.contains("<img src=x") && body.contains("&#60;img src=x"));
    let (st, _, body) = send(&w.app, &format!("/sellers/{ka}"), &eve, None).await;
    assert_eq!(st, StatusCode::OK);
    assert!(body.contains("+33612345678") && body.contains(&format!("/sellers/{kb}")));
    assert!(!body.contains("<img src=x"));
    // The ad page links to its seller.
    let (_, _, body) = send(&w.app, &format!("/ads/{}", w.ad_ids[1]), &eve, None).await;
    assert!(body.contains(&format!("href=\"/sellers/{kb}\"")));
    // Viewers see that accounts share a phone, not the number.
    let vic = login(&w.app, "vic").await;
    let (_, _, body) = send(&w.app, &format!("/sellers/{ka}"), &vic, None).await;
    assert!(!body.contains("+33612345678") && body.contains("same phone"));
    assert_eq!(
        send(&w.app, "/sellers/zzz", &eve, None).await.0,
        StatusCode::NOT_FOUND
    );
    // The same through the API.
    let (st, _, body) = send(&w.app, "/api/networks", &eve, None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap()[0]["ads"],
        2
    );
    let (_, _, body) = send(&w.app, &format!("/api/sellers/{ka}"), &vic, None).await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["links"][0]["evidence"][0]["detail"], "(hidden)");
    let (_, _, body) = send(&w.app, &format!("/api/sellers/{ka}"), &eve, None).await;
    assert!(body.contains("+33612345678"));
    assert_eq!(
        send(&w.app, "/api/sellers/nope", &eve, None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&w.app, "/networks/99", &eve, None).await.0,
        StatusCode::NOT_FOUND
    );
}
