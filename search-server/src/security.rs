//! The one middleware every response passes through. In order:
//!
//! 1. picks the UI language (`?lang=` first, then the cookie, else Romanian)
//!    and remembers a switch in a cookie;
//! 2. turns every error — ours ([`ErrorInfo`]) or the framework's (a
//!    rejected path, query or form; a wrong method) — into a friendly page,
//!    or JSON under `/api/`; a logged-out browser is sent to the login page;
//! 3. for consultants, masks anything CNP-looking left in an HTML or JSON
//!    body (the handlers mask already; this is the net under them);
//! 4. adds the security headers: CSP `default-src 'self'`, `nosniff`, frame
//!    deny, referrer policy, and `no-store` unless the handler chose caching.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::{client_ip, cookie, ClientAddr, Role, LANG_COOKIE, SESSION_COOKIE};
use crate::error::{ErrorInfo, ErrorKind};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::{mask, users, views};

const CSP: &str = "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; \
                   object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
/// The largest request body accepted (axum's default limit for forms).
pub const MAX_BODY: usize = 2 * 1024 * 1024;
/// Bodies larger than this are not re-read for masking (they are files).
const MASK_LIMIT: usize = 16 * 1024 * 1024;

/// The middleware; see the module documentation.
pub async fn layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let query_lang = req
        .uri()
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("lang=")))
        .and_then(Lang::parse);
    let lang = query_lang
        .or_else(|| cookie(req.headers(), LANG_COOKIE).and_then(Lang::parse))
        .unwrap_or_default();
    req.extensions_mut().insert(lang);
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(ip) = client_ip(peer, req.headers(), &state.config.trusted_proxies) {
        req.extensions_mut().insert(ClientAddr(ip.to_string()));
    }
    // A body larger than any form: refused before a handler reads it.
    let too_large = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|n| n > MAX_BODY as u64);
    let path = req.uri().path().to_string();
    let target = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let api = path.starts_with("/api/") || path == "/api";
    let headers = req.headers().clone();

    let mut response = if too_large {
        crate::ServerError::TooLarge.into_response()
    } else {
        next.run(req).await
    };

    if response.status().is_client_error() || response.status().is_server_error() {
        response = friendly(response, lang, api, &target);
    }
    if is_text(&response) && consultant(&state, &headers) {
        response = mask_body(response).await;
    }
    let h = response.headers_mut();
    h.insert("content-security-policy", HeaderValue::from_static(CSP));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    if let Some(l) = query_lang {
        let c = state.cookie(LANG_COOKIE, l.code(), Some(365 * 24 * 3600));
        if let Ok(v) = HeaderValue::from_str(&c) {
            h.append(header::SET_COOKIE, v);
        }
    }
    response
}

fn friendly(response: Response, lang: Lang, api: bool, target: &str) -> Response {
    let status = response.status();
    let info = match response.extensions().get::<ErrorInfo>() {
        Some(info) => info.clone(),
        None if is_text(&response) && !is_plain(&response) => return response,
        None => ErrorInfo {
            kind: match status {
                StatusCode::NOT_FOUND => ErrorKind::NotFound,
                StatusCode::UNAUTHORIZED => ErrorKind::Unauthorized,
                StatusCode::FORBIDDEN => ErrorKind::Forbidden,
                StatusCode::PAYLOAD_TOO_LARGE => ErrorKind::TooLarge,
                s if s.is_server_error() => ErrorKind::Internal,
                _ => ErrorKind::BadRequest,
            },
            detail: String::new(),
            detail_ro: None,
        },
    };
    // A form the framework could not read is a bad request, not a 422/415.
    let status = match status {
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            StatusCode::BAD_REQUEST
        }
        s => s,
    };
    let retry = response.headers().get("retry-after").cloned();
    let mut out = if api {
        let mut r = (status, views::errors::json(lang, &info)).into_response();
        if info.kind == ErrorKind::Unauthorized {
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"arhiva\", charset=\"UTF-8\""),
            );
        }
        r
    } else if info.kind == ErrorKind::Unauthorized {
        let next = crate::routes::encode(target);
        Redirect::to(&format!("/login?next={next}")).into_response()
    } else {
        (status, views::errors::page(lang, status, &info)).into_response()
    };
    if let Some(r) = retry {
        out.headers_mut().insert("retry-after", r);
    }
    out
}

fn content_type(response: &Response) -> &str {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

fn is_text(response: &Response) -> bool {
    let ct = content_type(response);
    ct.starts_with("text/") || ct.starts_with("application/json")
}

fn is_plain(response: &Response) -> bool {
    content_type(response).starts_with("text/plain")
}

/// Whether the request comes from a consultant (by session or a verified
/// Basic credential).
fn consultant(state: &AppState, headers: &axum::http::HeaderMap) -> bool {
    let user = if let Some(id) = cookie(headers, SESSION_COOKIE) {
        state.sessions.get(id).map(|s| s.user)
    } else if let Some(v) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let (_, cred) = v.split_once(' ').unwrap_or(("", ""));
        state.basic.get(cred.trim())
    } else {
        None
    };
    match user {
        Some(u) => match users::get(&state.archive, &u) {
            Ok(Some(r)) => r.role == Role::Consultant,
            // Unknown role: mask to be safe.
            _ => true,
        },
        None => false,
    }
}

/// The last net under the handlers, for consultants. HTML and text bodies
/// have CNP-looking numbers masked; JSON is parsed and only its string
/// values are masked, so it stays valid JSON. A JSON body that does not
/// parse, or that carries a CNP-looking integer, is replaced as a whole by
/// an error: the net fails closed, never half-open.
async fn mask_body(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = match to_bytes(body, MASK_LIMIT).await {
        Ok(b) => b,
        Err(_) => return withheld_body(),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    let json = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    if json {
        let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            return withheld_body();
        };
        if mask::json_has_cnp_number(&value) {
            tracing::error!("a CNP-looking number in a JSON answer to a consultant; withheld");
            return withheld_body();
        }
        mask::mask_json(&mut value);
        return match serde_json::to_vec(&value) {
            Ok(out) => Response::from_parts(parts, Body::from(out)),
            Err(_) => withheld_body(),
        };
    }
    let text = String::from_utf8_lossy(&bytes);
    let masked = mask::mask(&text).into_owned();
    Response::from_parts(parts, Body::from(masked))
}

/// What the net answers when it cannot pass a body on safely.
fn withheld_body() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"error":"withheld","message":"Răspunsul conținea date personale și a fost reținut."}"#,
    )
        .into_response()
}
