//! Router tests (`oneshot`, no socket) of signing in and accounts, on SQLite and PostgreSQL:
//! what anonymous visitors get, the login form (CSRF, passwords, rate limits that never lock a
//! user out), user management by admins, API tokens, the dashboard and the OpenAPI document.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::http::*;
use common::*;

on_both_backends!(
    anonymous_visitors_are_sent_to_login_and_api_answers_401_json,
    login_needs_csrf_right_password_and_is_rate_limited,
    failed_logins_from_one_address_do_not_lock_the_user_out,
    admins_manage_users_others_cannot,
    account_tokens_dashboard_and_openapi,
);

async fn anonymous_visitors_are_sent_to_login_and_api_answers_401_json(b: Backend) {
    let w = world(b);
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

async fn login_needs_csrf_right_password_and_is_rate_limited(b: Backend) {
    let w = world_with(b, |c| c.logins_per_minute = 5);
    let r = send(&w.app, get("/login", "")).await;
    let anon = cookie_from(&r, "ww_anon").unwrap();
    let csrf = csrf_in(&r.body);
    let good = "correct horse battery";
    let try_login = |cookie: &str, form: &[(&str, &str)]| {
        let req = post_form("/login", cookie, form);
        send(&w.app, req)
    };
    // No token, or a token for another cookie: refused.
    let r = try_login(&anon, &[("username", "ana"), ("password", good)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let other = "ww_anon=0123456789abcdef0123456789abcdef";
    let r = try_login(
        other,
        &[("csrf", &csrf), ("username", "ana"), ("password", good)],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Wrong password: 401, the typed name is echoed escaped.
    let r = try_login(
        &anon,
        &[
            ("csrf", &csrf),
            ("username", "<b>ana</b>"),
            ("password", "nope"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains(&esc("<b>ana</b>")) && !r.body.contains("<b>ana</b>"));
    // Open redirect after login is not followed.
    let form = [
        ("csrf", csrf.as_str()),
        ("username", "ana"),
        ("password", good),
        ("next", "//evil.example/"),
    ];
    let r = try_login(&anon, &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers[header::LOCATION], "/");
    // Attempts beyond the limit are refused even with the right password.
    let mut last = StatusCode::OK;
    for _ in 0..6 {
        let form = [
            ("csrf", csrf.as_str()),
            ("username", "ana"),
            ("password", "wrong"),
        ];
        last = try_login(&anon, &form).await.status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    let r = try_login(
        &anon,
        &[("csrf", &csrf), ("username", "ana"), ("password", good)],
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

/// Failed logins in someone's name lock out the address that sends them, not the user: the
/// analyst signs in from another address with the right password (slowed down, not refused), and
/// every 429 carries `Retry-After`.
async fn failed_logins_from_one_address_do_not_lock_the_user_out(b: Backend) {
    let w = world_with(b, |c| {
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

async fn admins_manage_users_others_cannot(b: Backend) {
    let w = world(b);
    let (cookie, csrf) = login(&w.app, "admin").await;
    admins_add_users_with_checks(&w, &cookie, &csrf).await;
    admins_change_and_disable_users(&w, &cookie, &csrf).await;
    // Non-admins: forbidden.
    let (ec, ecsrf) = login(&w.app, "eve").await;
    for page in ["/admin/users", "/api/users", "/admin/platforms"] {
        assert_eq!(
            send(&w.app, get(page, &ec)).await.status,
            StatusCode::FORBIDDEN,
            "{page}"
        );
    }
    let r = add_user(&w, (&ec, &ecsrf), "z", "long enough pw", "admin").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Platforms and settings.
    let r = send(&w.app, get("/admin/platforms", &cookie)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("kleinanzeigen") && r.body.contains("Reports per address per hour"));
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

/// Adds a user through the admin form, signed in as `(cookie, csrf)`.
async fn add_user(
    w: &World,
    (cookie, csrf): (&str, &str),
    name: &str,
    pw: &str,
    role: &str,
) -> Resp {
    let form = [
        ("csrf", csrf),
        ("username", name),
        ("password", pw),
        ("role", role),
    ];
    send(&w.app, post_form("/admin/users", cookie, &form)).await
}

/// A new user is added once; a short password and an unknown role are named.
async fn admins_add_users_with_checks(w: &World, cookie: &str, csrf: &str) {
    let r = add_user(w, (cookie, csrf), "newbie", "long enough pw", "viewer").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Added newbie"));
    let r = add_user(w, (cookie, csrf), "newbie", "long enough pw", "viewer").await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = add_user(w, (cookie, csrf), "x", "short", "viewer").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("at least 10 characters"));
    let r = add_user(w, (cookie, csrf), "y", "long enough pw", "god").await;
    assert!(r.body.contains("`god` is not a role"));
}

/// A role changed through the API; disabling a user (through the form) ends their sessions.
async fn admins_change_and_disable_users(w: &World, cookie: &str, csrf: &str) {
    let users = serde_json::from_str::<serde_json::Value>(
        &send(&w.app, get("/api/users", cookie)).await.body,
    )
    .unwrap();
    let id_of = |name: &str| {
        users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == name)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let r = send(
        &w.app,
        json_req(
            "PATCH",
            &format!("/api/users/{}", id_of("newbie")),
            &[("cookie", cookie), ("x-csrf-token", csrf)],
            serde_json::json!({"role": "analyst"}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let (nc, _) = login(&w.app, "ana").await;
    let form = [("csrf", csrf), ("role", "analyst"), ("disabled", "true")];
    let r = send(
        &w.app,
        post_form(&format!("/admin/users/{}", id_of("ana")), cookie, &form),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        send(&w.app, get("/ads", &nc)).await.status,
        StatusCode::SEE_OTHER
    );
}

async fn account_tokens_dashboard_and_openapi(b: Backend) {
    let w = world(b);
    let (cookie, csrf) = login(&w.app, "eve").await;
    tokens_are_made_used_and_revoked(&w, &cookie, &csrf).await;
    dashboard_figures(&w, &cookie).await;
    openapi_lists_every_api_path(&w).await;
}

/// `GET /api/me` with a bearer token.
async fn me_with(w: &World, bearer: &str) -> Resp {
    let req = Request::get("/api/me")
        .header("authorization", bearer)
        .body(Body::empty())
        .unwrap();
    send(&w.app, req).await
}

/// A token made on the account page answers as its user until it is revoked.
async fn tokens_are_made_used_and_revoked(w: &World, cookie: &str, csrf: &str) {
    let r = send(
        &w.app,
        post_form(
            "/account/tokens",
            cookie,
            &[("csrf", csrf), ("name", "nightly")],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let i = r.body.find("id=\"new-token\">").unwrap();
    let token = r.body[i + 15..i + 15 + 51].to_string();
    assert!(token.starts_with("ww_"), "{token}");
    let bearer = format!("Bearer {token}");
    let me = me_with(w, &bearer).await;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&me.body).unwrap()["username"],
        "eve"
    );
    let bad = me_with(w, "Bearer ww_nope").await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    // Revoke.
    let acct = send(&w.app, get("/account", cookie)).await;
    let j = acct.body.find("/account/tokens/").unwrap();
    let id: String = acct.body[j + 16..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let r = send(
        &w.app,
        post_form(
            &format!("/account/tokens/{id}/revoke"),
            cookie,
            &[("csrf", csrf)],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let me = me_with(w, &bearer).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
}

/// The dashboard's figures of the seeded campaign.
async fn dashboard_figures(w: &World, cookie: &str) {
    let d = serde_json::from_str::<serde_json::Value>(
        &send(&w.app, get("/api/dashboard", cookie)).await.body,
    )
    .unwrap();
    let c = &d["campaigns"][0];
    assert_eq!(c["name"], "spring");
    assert_eq!(c["ads"], 30);
    assert_eq!(c["relevant"], 24);
    assert_eq!(c["high_risk"], 10);
    assert_eq!(c["specimens"], 48);
    assert_eq!(c["value_eur"], 7200.0);
    let page = send(&w.app, get("/", cookie)).await;
    assert!(page.body.contains("€7,200"));
}

/// OpenAPI lists every API path.
async fn openapi_lists_every_api_path(w: &World) {
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
