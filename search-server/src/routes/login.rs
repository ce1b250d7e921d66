//! Login and logout. The login form is protected against cross-site posts
//! by a token in a `SameSite=Strict` cookie that must match the form's
//! (there is no session yet to hold one); failures are rate limited per
//! address and user name, and audited.

use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use crate::auth::{cookie, verify, Ctx, Viewer, LOGIN_COOKIE, SESSION_COOKIE};
use crate::error::{Result, ServerError};
use crate::sessions::{same, token};
use crate::state::AppState;
use crate::views;

#[derive(Debug, Deserialize)]
pub struct NextParam {
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    user: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// Only local paths: never an open redirect.
fn safe_next(next: &str) -> &str {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.starts_with("/login")
        && !next.chars().any(char::is_control)
        && next.len() < 2048;
    if ok {
        next
    } else {
        "/cautare"
    }
}

fn with_cookie(mut r: Response, value: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(value) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

/// `GET /login`
pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    q: std::result::Result<Query<NextParam>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let next = q.ok().and_then(|Query(p)| p.next).unwrap_or_default();
    let next = safe_next(&next).to_string();
    if let Some(id) = cookie(&headers, SESSION_COOKIE) {
        if state.sessions.get(id).is_some() {
            return Redirect::to(&next).into_response();
        }
    }
    let t = token();
    let page = views::login::page(ctx.lang, &ctx.here, &t, &next, None, "");
    with_cookie(
        page.into_response(),
        &state.cookie(LOGIN_COOKIE, &t, Some(3600)),
    )
}

/// `POST /login`
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    form: std::result::Result<Form<LoginForm>, FormRejection>,
) -> Result<Response> {
    let Form(f) = form.map_err(ServerError::form)?;
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or("");
    if expected.is_empty() || !same(expected, &f.csrf) {
        return Err(ServerError::Csrf);
    }
    let user = f.user.trim().to_string();
    let next = safe_next(&f.next).to_string();
    if user.is_empty() || user.len() > 64 || f.password.len() > 1024 {
        return Ok(failed(&ctx, &f.csrf, &next, &user));
    }
    if let Err(wait) = state.limiter.check(&ctx.ip, &user) {
        state
            .audit
            .record(&user, "login-refused", "rate limit", &ctx.ip);
        return Err(ServerError::RateLimited { retry_after: wait });
    }
    if !verify(&state, &user, &f.password).await? {
        state.limiter.fail(&ctx.ip, &user);
        state
            .audit
            .record_sync(&user, "login-failed", "", &ctx.ip)
            .await?;
        return Ok(failed(&ctx, &f.csrf, &next, &user));
    }
    state.limiter.succeed(&ctx.ip, &user);
    state.audit.record_sync(&user, "login", "", &ctx.ip).await?;
    let id = state.sessions.create(&user);
    let r = Redirect::to(&next).into_response();
    let r = with_cookie(r, &state.cookie(SESSION_COOKIE, &id, None));
    Ok(with_cookie(r, &state.cookie(LOGIN_COOKIE, "", Some(0))))
}

fn failed(ctx: &Ctx, csrf: &str, next: &str, user: &str) -> Response {
    let t = ctx.lang.t();
    let page = views::login::page(ctx.lang, &ctx.here, csrf, next, Some(t.login_failed), user);
    (StatusCode::UNAUTHORIZED, page).into_response()
}

/// `POST /logout`
pub async fn logout(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    form: std::result::Result<Form<CsrfForm>, FormRejection>,
) -> Result<Response> {
    let Form(f) = form.map_err(ServerError::form)?;
    viewer.check_csrf(&f.csrf)?;
    if let Some(id) = cookie(&headers, SESSION_COOKIE) {
        state.sessions.remove(id);
    }
    state.audit.record(&viewer.user, "logout", "", &viewer.ip);
    let r = Redirect::to("/login").into_response();
    Ok(with_cookie(r, &state.cookie(SESSION_COOKIE, "", Some(0))))
}
