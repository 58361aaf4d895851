//! Accounts, sessions, API tokens, CSRF and login rate limits.
//!
//! * Passwords: Argon2id (PHC strings) from the `argon2` crate.
//! * Sessions: a random 256-bit token in an `HttpOnly; SameSite=Strict; Secure` cookie; the
//!   store keeps only its SHA-256, with the session's CSRF token.
//! * CSRF: every form carries a token. Signed-in forms use the session's token; the login and
//!   public report forms (no session) use an HMAC of a random anonymous cookie. Cookie-authenticated
//!   API writes must send the session token in `X-CSRF-Token`; bearer-token calls need none.
//! * API tokens: `Authorization: Bearer ww_…`, stored hashed.

use std::net::SocketAddr;
use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use hmac::{KeyInit, Mac};
use wildwatch_store::app::{Role, User};

use crate::util::{ct_eq, random_hex, sha256_hex};
use crate::{db, Failure, Shared};

/// Session cookie.
pub const SESSION_COOKIE: &str = "ww_session";
/// Anonymous cookie behind the login and report forms' CSRF tokens.
pub const ANON_COOKIE: &str = "ww_anon";
/// Session lifetime.
pub const SESSION_SECS: i64 = 12 * 3600;

/// Hashes a password (Argon2id, random salt).
pub fn hash_password(pw: &str) -> Result<String, String> {
    if pw.chars().count() < 10 {
        return Err("the password must have at least 10 characters".into());
    }
    if pw.len() > 1024 {
        return Err("the password is longer than 1024 bytes".into());
    }
    let mut raw = [0u8; 16];
    getrandom::fill(&mut raw).map_err(|e| format!("no random source for the salt: {e}"))?;
    let salt = SaltString::encode_b64(&raw).map_err(|e| format!("salt: {e}"))?;
    Argon2::default()
        .hash_password(pw.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("cannot hash the password: {e}"))
}

/// Checks a password against a stored hash.
pub fn verify_password(pw: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(h) => Argon2::default().verify_password(pw.as_bytes(), &h).is_ok(),
        Err(_) => false,
    }
}

fn dummy_hash() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| hash_password("not-a-real-password-x").unwrap_or_default())
}

/// A value of a cookie in the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    for v in headers.get_all(header::COOKIE) {
        let Ok(s) = v.to_str() else { continue };
        for part in s.split(';') {
            if let Some((k, v)) = part.trim().split_once('=') {
                if k == name {
                    return Some(v.to_string());
                }
            }
        }
    }
    None
}

/// A `Set-Cookie` value.
pub fn set_cookie(st: &Shared, name: &str, value: &str, max_age: i64) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        if st.cfg.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    )
}

/// The client address (the socket peer; `local` when unknown, as in router tests).
pub fn client_ip(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "local".into())
}

/// Client address extractor.
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts)))
    }
}

/// Who is asking.
#[derive(Debug, Clone)]
pub struct Authed {
    /// The user.
    pub user: User,
    /// The session's CSRF token (None for API tokens).
    pub csrf: Option<String>,
    /// Hash of the session token (None for API tokens).
    pub session: Option<String>,
}

impl Authed {
    /// Checks a form's or header's CSRF token (API-token calls have no cookie, so no CSRF risk).
    pub fn check_csrf(&self, given: Option<&str>) -> Result<(), Failure> {
        match &self.csrf {
            None => Ok(()),
            Some(expected) => match given {
                Some(g) if ct_eq(g.as_bytes(), expected.as_bytes()) => Ok(()),
                _ => Err(Failure::forbidden(
                    "the form's security token is missing or stale; reload the page and try again",
                )),
            },
        }
    }

    /// Fails unless the user may review.
    pub fn need_review(&self) -> Result<(), Failure> {
        if self.user.role.can_review() {
            Ok(())
        } else {
            Err(Failure::forbidden(format!(
                "reviewing needs the analyst or admin role; {} is {}",
                self.user.username,
                self.user.role.as_str()
            )))
        }
    }

    /// Fails unless the user may see evidence.
    pub fn need_evidence(&self) -> Result<(), Failure> {
        if self.user.role.can_see_evidence() {
            Ok(())
        } else {
            Err(Failure::forbidden(
                "this needs the enforcement, analyst or admin role",
            ))
        }
    }

    /// Fails unless the user is an admin.
    pub fn need_admin(&self) -> Result<(), Failure> {
        if self.user.role.is_admin() {
            Ok(())
        } else {
            Err(Failure::forbidden("this needs the admin role"))
        }
    }
}

/// Reads the session cookie or bearer token.
pub async fn authenticate(st: &Shared, headers: &HeaderMap) -> Result<Option<Authed>, Failure> {
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let Some(tok) = auth
            .to_str()
            .ok()
            .and_then(|s| s.strip_prefix("Bearer "))
            .map(str::trim)
        else {
            return Err(Failure::unauthorized(
                "the Authorization header must be `Bearer <token>`",
            ));
        };
        let h = sha256_hex(tok);
        let user = db(st, move |s| s.token_user(&h)).await?;
        return match user {
            Some(user) => Ok(Some(Authed {
                user,
                csrf: None,
                session: None,
            })),
            None => Err(Failure::unauthorized("unknown or revoked API token")),
        };
    }
    let Some(tok) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let h = sha256_hex(&tok);
    let h2 = h.clone();
    let found = db(st, move |s| s.session_user(&h2)).await?;
    Ok(found.map(|(user, csrf)| Authed {
        user,
        csrf: Some(csrf),
        session: Some(h),
    }))
}

/// A signed-in user, for pages: anonymous visitors are sent to the login page.
pub struct PageUser(pub Authed);

/// A signed-in user or API token, for the API: anonymous calls get 401.
pub struct ApiUser(pub Authed);

/// Maybe a signed-in user.
pub struct MaybeUser(pub Option<Authed>);

impl FromRequestParts<Shared> for PageUser {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, st: &Shared) -> Result<Self, Response> {
        match authenticate(st, &parts.headers).await {
            Ok(Some(a)) => Ok(PageUser(a)),
            Ok(None) => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_else(|| "/".into());
                Err(Redirect::to(&format!(
                    "/login?next={}",
                    wildwatch_store::app::percent_encode(&next)
                ))
                .into_response())
            }
            Err(f) => Err(crate::pages::error_page(f)),
        }
    }
}

impl FromRequestParts<Shared> for ApiUser {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, st: &Shared) -> Result<Self, Response> {
        match authenticate(st, &parts.headers).await {
            Ok(Some(a)) => Ok(ApiUser(a)),
            Ok(None) => Err(crate::api::ApiError(Failure::unauthorized(
                "sign in or send `Authorization: Bearer <token>`",
            ))
            .into_response()),
            Err(f) => Err(crate::api::ApiError(f).into_response()),
        }
    }
}

impl FromRequestParts<Shared> for MaybeUser {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, st: &Shared) -> Result<Self, Response> {
        match authenticate(st, &parts.headers).await {
            Ok(a) => Ok(MaybeUser(a)),
            Err(_) => Ok(MaybeUser(None)),
        }
    }
}

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// HMAC-SHA256 of `msg` with the server's key, hex.
pub fn sign(st: &Shared, msg: &str) -> String {
    let mut m = <HmacSha256 as KeyInit>::new_from_slice(&st.secret).expect("any key length");
    m.update(msg.as_bytes());
    hex::encode(m.finalize().into_bytes())
}

/// The anonymous CSRF token for the request's anonymous cookie, and the cookie to set when the
/// request had none.
pub fn anon_csrf(st: &Shared, headers: &HeaderMap) -> (String, Option<String>) {
    match cookie(headers, ANON_COOKIE).filter(|c| c.len() == 32) {
        Some(c) => (sign(st, &format!("anon|{c}")), None),
        None => {
            let c = random_hex(16);
            (
                sign(st, &format!("anon|{c}")),
                Some(set_cookie(st, ANON_COOKIE, &c, 86_400)),
            )
        }
    }
}

/// Checks an anonymous form's CSRF token.
pub fn check_anon_csrf(st: &Shared, headers: &HeaderMap, given: &str) -> Result<(), Failure> {
    let ok = cookie(headers, ANON_COOKIE)
        .map(|c| sign(st, &format!("anon|{c}")))
        .is_some_and(|exp| ct_eq(exp.as_bytes(), given.as_bytes()));
    if ok {
        Ok(())
    } else {
        Err(Failure::forbidden(
            "the form's security token is missing or stale; reload the page and try again",
        ))
    }
}

/// Checks a login. Attempts are limited per client address and per (address, user name); a user
/// name tried too often from everywhere is slowed down, not locked (see
/// [`crate::ServeConfig::logins_per_minute`]). Unknown users take as long as known ones.
pub async fn login(
    st: &Shared,
    ip: &str,
    username: &str,
    password: &str,
) -> Result<(User, String, String), Failure> {
    let username = username.trim().to_string();
    throttle_login(st, ip, &username.to_lowercase()).await?;
    let u2 = username.clone();
    let found = db(st, move |s| s.user_by_name(&u2)).await?;
    let pw = password.to_string();
    let (user, ok) = tokio::task::spawn_blocking(move || match found {
        Some((user, hash)) => {
            let ok = verify_password(&pw, &hash) && !user.disabled;
            (Some(user), ok)
        }
        None => {
            let _ = verify_password(&pw, dummy_hash());
            (None, false)
        }
    })
    .await
    .map_err(|e| Failure::internal(e.to_string()))?;
    let (Some(user), true) = (user, ok) else {
        return Err(Failure {
            status: StatusCode::UNAUTHORIZED,
            code: "bad_login",
            message: "wrong user name or password".into(),
        });
    };
    let token = random_hex(32);
    let csrf = random_hex(16);
    let (h, c2, uid) = (sha256_hex(&token), csrf.clone(), user.id);
    let exp = wildwatch_store::now() + SESSION_SECS;
    db(st, move |s| s.create_session(&h, uid, &c2, exp)).await?;
    Ok((user, token, csrf))
}

/// Refuses an address over its limit (alone, or for this user name); slows a user name that is
/// over its limit from all addresses together.
async fn throttle_login(st: &Shared, ip: &str, name: &str) -> Result<(), Failure> {
    if st.login_ip.check_key(&ip.to_string()).is_err()
        || st.login_pair.check_key(&format!("{ip}|{name}")).is_err()
    {
        return Err(Failure::too_many(
            "too many login attempts; wait a minute and try again",
        ));
    }
    if st.login_user.check_key(&name.to_string()).is_err() {
        tokio::time::sleep(st.cfg.login_slowdown).await;
    }
    Ok(())
}

/// Creates an API token for a user; returns the token (shown once).
pub async fn new_api_token(st: &Shared, user: &User, name: &str) -> Result<String, Failure> {
    let name = name.trim();
    if name.is_empty() || name.len() > 100 {
        return Err(Failure::bad(
            "a token needs a name of 1 to 100 characters (what script uses it)",
        ));
    }
    let token = format!("ww_{}", random_hex(24));
    let (h, uid, n, who) = (
        sha256_hex(&token),
        user.id,
        name.to_string(),
        user.username.clone(),
    );
    db(st, move |s| {
        let id = s.create_api_token(uid, &n, &h)?;
        s.audit(
            &who,
            "token.create",
            None,
            &serde_json::json!({"token_id": id, "name": n}),
        )
    })
    .await?;
    Ok(token)
}

/// Checks a new user's fields.
pub fn check_new_user(username: &str, role: &str) -> Result<Role, Failure> {
    let u = username.trim();
    if u.is_empty()
        || u.len() > 64
        || !u
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'))
    {
        return Err(Failure::bad(
            "a user name has 1 to 64 letters, digits, dots, dashes, underscores or @",
        ));
    }
    Role::parse(role).ok_or_else(|| {
        Failure::bad(format!(
            "`{role}` is not a role: admin, analyst, enforcement or viewer"
        ))
    })
}
