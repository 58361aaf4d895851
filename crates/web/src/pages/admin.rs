//! Accounts (users, API tokens) and the platforms page.

use super::*;

pub(super) struct UserView {
    id: i64,
    username: String,
    role: Role,
    since: String,
    disabled: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
pub(super) struct UsersPage {
    c: Chrome,
    users: Vec<UserView>,
    roles: Vec<&'static str>,
    error: Option<String>,
    saved: Option<String>,
}

pub(super) async fn render_users(
    st: &Shared,
    a: &Authed,
    error: Option<String>,
    saved: Option<String>,
    status: StatusCode,
) -> PageResult {
    let users = db(st, |s| s.users()).await?;
    let page = UsersPage {
        users: users
            .into_iter()
            .map(|u| UserView {
                id: u.id,
                username: u.username,
                role: u.role,
                since: fmt_day(u.created_at),
                disabled: u.disabled,
            })
            .collect(),
        roles: vec!["admin", "analyst", "enforcement", "viewer"],
        error,
        saved,
        c: chrome(Some(a), "users"),
    };
    Ok((status, Html(page.render()?)).into_response())
}

pub(super) async fn users_page(State(st): State<Shared>, PageUser(a): PageUser) -> PageResult {
    a.need_admin()?;
    render_users(&st, &a, None, None, StatusCode::OK).await
}

/// Adds a user (shared by the page and the API).
pub async fn add_user(
    st: &Shared,
    by: &Authed,
    username: &str,
    password: &str,
    role: &str,
) -> Result<User, Failure> {
    by.need_admin()?;
    let role = auth::check_new_user(username, role)?;
    let pw = password.to_string();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&pw))
        .await
        .map_err(|e| Failure::internal(e.to_string()))?
        .map_err(Failure::bad)?;
    let (u, who) = (username.trim().to_string(), by.user.username.clone());
    db(st, move |s| {
        let id = s.add_user(&u, &hash, role)?;
        s.audit(
            &who,
            "user.add",
            None,
            &serde_json::json!({"user": u, "role": role.as_str()}),
        )?;
        Ok(User {
            id,
            username: u,
            role,
            created_at: wildwatch_store::now(),
            disabled: false,
        })
    })
    .await
}

pub(super) async fn users_add(
    State(st): State<Shared>,
    PageUser(a): PageUser,
    body: Bytes,
) -> PageResult {
    let f = FormData::parse(&body);
    a.check_csrf(f.get("csrf"))?;
    a.need_admin()?;
    match add_user(&st, &a, f.str("username"), f.str("password"), f.str("role")).await {
        Ok(u) => {
            render_users(
                &st,
                &a,
                None,
                Some(format!("Added {}.", u.username)),
                StatusCode::OK,
            )
            .await
        }
        Err(e) if e.status != StatusCode::INTERNAL_SERVER_ERROR => {
            render_users(&st, &a, Some(e.message), None, e.status).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Changes a user's role or state (shared by the page and the API).
pub async fn update_user(
    st: &Shared,
    by: &Authed,
    id: i64,
    role: Option<&str>,
    disabled: Option<bool>,
) -> Result<(), Failure> {
    by.need_admin()?;
    let role = match role {
        Some(r) => Some(Role::parse(r).ok_or_else(|| {
            Failure::bad(format!(
                "`{r}` is not a role: admin, analyst, enforcement or viewer"
            ))
        })?),
        None => None,
    };
    if id == by.user.id && (disabled == Some(true) || role.is_some_and(|r| r != Role::Admin)) {
        return Err(Failure::bad(
            "you cannot remove your own admin role or disable yourself; ask another admin",
        ));
    }
    let who = by.user.username.clone();
    db(st, move |s| {
        s.update_user(id, role, None, disabled)?;
        s.audit(
            &who,
            "user.update",
            None,
            &serde_json::json!({"user_id": id, "role": role.map(|r| r.as_str()), "disabled": disabled}),
        )
    })
    .await
}

pub(super) async fn users_update(
    State(st): State<Shared>,
    PageUser(a): PageUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let f = FormData::parse(&body);
    a.check_csrf(f.get("csrf"))?;
    let disabled = f.get("disabled").map(|v| v == "true");
    match update_user(&st, &a, id, f.get("role"), disabled).await {
        Ok(()) => render_users(&st, &a, None, Some("Saved.".into()), StatusCode::OK).await,
        Err(e) if e.status == StatusCode::BAD_REQUEST || e.status == StatusCode::NOT_FOUND => {
            render_users(&st, &a, Some(e.message), None, e.status).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "account.html")]
pub(super) struct AccountPage {
    c: Chrome,
    username: String,
    role: String,
    tokens: Vec<(i64, String, String)>,
    new_token: Option<String>,
    error: Option<String>,
}

pub(super) async fn render_account(
    st: &Shared,
    a: &Authed,
    new_token: Option<String>,
    error: Option<String>,
) -> PageResult {
    let uid = a.user.id;
    let tokens = db(st, move |s| s.api_tokens(uid)).await?;
    html(AccountPage {
        username: a.user.username.clone(),
        role: a.user.role.as_str().into(),
        tokens: tokens
            .into_iter()
            .map(|(id, name, created, _)| (id, name, fmt_time(created)))
            .collect(),
        new_token,
        error,
        c: chrome(Some(a), "account"),
    })
}

pub(super) async fn account_page(State(st): State<Shared>, PageUser(a): PageUser) -> PageResult {
    render_account(&st, &a, None, None).await
}

pub(super) async fn token_create(
    State(st): State<Shared>,
    PageUser(a): PageUser,
    body: Bytes,
) -> PageResult {
    let f = FormData::parse(&body);
    a.check_csrf(f.get("csrf"))?;
    match auth::new_api_token(&st, &a.user, f.str("name")).await {
        Ok(t) => render_account(&st, &a, Some(t), None).await,
        Err(e) if e.status == StatusCode::BAD_REQUEST => {
            render_account(&st, &a, None, Some(e.message)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn token_revoke(
    State(st): State<Shared>,
    PageUser(a): PageUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let f = FormData::parse(&body);
    a.check_csrf(f.get("csrf"))?;
    let (uid, who) = (a.user.id, a.user.username.clone());
    db(&st, move |s| {
        if s.revoke_api_token(uid, id)? {
            s.audit(
                &who,
                "token.revoke",
                None,
                &serde_json::json!({"token_id": id}),
            )?;
        }
        Ok(())
    })
    .await?;
    Ok(Redirect::to("/account").into_response())
}

// ---- platforms and settings -------------------------------------------------------------------

pub(super) struct PlatformView {
    name: String,
    link: String,
    lang: String,
    country: String,
    base: String,
    ads: String,
}

#[derive(Template)]
#[template(path = "platforms.html")]
pub(super) struct PlatformsPage {
    c: Chrome,
    platforms: Vec<PlatformView>,
    settings: Vec<(String, String)>,
}

pub(super) async fn platforms_page(State(st): State<Shared>, PageUser(a): PageUser) -> PageResult {
    a.need_admin()?;
    let counts = db(&st, |s| s.platform_counts()).await?;
    let mut platforms: Vec<PlatformView> = Vec::new();
    let mut names: Vec<String> = wildwatch_crawl::adapter::Adapter::shipped_names()
        .into_iter()
        .map(str::to_string)
        .collect();
    for (n, _) in &counts {
        if !names.contains(n) {
            names.push(n.clone());
        }
    }
    for n in names {
        let ad = wildwatch_crawl::adapter::Adapter::load(&n, &[]).ok();
        let count = counts
            .iter()
            .find(|(x, _)| *x == n)
            .map(|x| x.1)
            .unwrap_or(0);
        platforms.push(PlatformView {
            link: wildwatch_store::app::percent_encode(&n),
            lang: ad.as_ref().map(|a| a.lang.clone()).unwrap_or_default(),
            country: ad.as_ref().map(|a| a.country.clone()).unwrap_or_default(),
            base: ad
                .as_ref()
                .map(|a| a.base_url.clone())
                .unwrap_or_else(|| "(no adapter: generic extraction)".into()),
            ads: fmt_int(count),
            name: n,
        });
    }
    let c = &st.cfg;
    let settings = vec![
        ("App address".to_string(), c.addr.to_string()),
        ("Archive origin".into(), st.archive_origin.clone()),
        ("Database".into(), c.db_display()),
        ("Evidence (WARC)".into(), c.evidence.display().to_string()),
        (
            "Reports per address per hour".into(),
            c.reports_per_hour.to_string(),
        ),
        (
            "Login attempts per minute".into(),
            c.logins_per_minute.to_string(),
        ),
        (
            "Report fetching".into(),
            if c.fetch_reports { "on" } else { "off" }.into(),
        ),
        (
            "Private hosts reports may name".into(),
            if c.allow_report_hosts.is_empty() {
                "none".into()
            } else {
                c.allow_report_hosts.join(", ")
            },
        ),
        (
            "Secure cookies".into(),
            if c.secure_cookies { "yes" } else { "no" }.into(),
        ),
    ];
    html(PlatformsPage {
        platforms,
        settings,
        c: chrome(Some(&a), "platforms"),
    })
}
