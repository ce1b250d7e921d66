//! Friendly error pages and API error bodies.

use axum::http::StatusCode;
use axum::Json;
use maud::{html, Markup};

use crate::error::{ErrorInfo, ErrorKind};
use crate::i18n::Lang;
use crate::views::layout::{page as shell, Chrome, Nav};

/// The heading and explanation of an error, in `lang`.
fn words(lang: Lang, info: &ErrorInfo) -> (&'static str, String) {
    let t = lang.t();
    match info.kind {
        ErrorKind::NotFound => (t.err_not_found, t.err_not_found_text.to_string()),
        ErrorKind::BadRequest => (t.err_bad_request, t.err_bad_request_text.to_string()),
        ErrorKind::Unauthorized => (t.login_title, t.login_intro.to_string()),
        ErrorKind::Forbidden => (t.err_forbidden, t.err_forbidden_text.to_string()),
        ErrorKind::Csrf => (t.err_forbidden, t.err_csrf_text.to_string()),
        ErrorKind::RateLimited => (
            t.err_rate_limited,
            (t.err_rate_limited_text)(info.detail.parse().unwrap_or(900)),
        ),
        ErrorKind::TooManySearches => (
            t.err_rate_limited,
            (t.err_too_many_searches_text)(info.detail.parse().unwrap_or(1)),
        ),
        ErrorKind::TooLarge => (t.err_too_large, t.err_too_large_text.to_string()),
        ErrorKind::Corrupt => (t.err_internal, t.err_corrupt_text.to_string()),
        ErrorKind::Internal => (t.err_internal, t.err_internal_text.to_string()),
    }
}

/// An error page. It has no navigation: the handler that failed may not
/// have known who is asking.
pub fn page(lang: Lang, status: StatusCode, info: &ErrorInfo) -> Markup {
    let t = lang.t();
    let (title, text) = words(lang, info);
    let detail = match info.kind {
        ErrorKind::NotFound | ErrorKind::BadRequest | ErrorKind::Forbidden
            if !info.detail.is_empty() =>
        {
            match (lang, &info.detail_ro) {
                (Lang::Ro, Some(ro)) => Some(ro.as_str()),
                _ => Some(info.detail.as_str()),
            }
        }
        _ => None,
    };
    let chrome = Chrome {
        lang,
        viewer: None,
        here: "/",
        nav: Nav::None,
    };
    shell(
        &chrome,
        title,
        html! {
            div.panel.error {
                div.code { (status.as_u16()) }
                h1 { (title) }
                p { (text) }
                @if let Some(d) = detail { p.hint { (d) } }
                p { a.button href="/cautare" { (t.back_home) } }
            }
        },
    )
}

/// An API error body: `{"error": kind, "message": text}`.
pub fn json(lang: Lang, info: &ErrorInfo) -> Json<serde_json::Value> {
    let (title, text) = words(lang, info);
    let kind = match info.kind {
        ErrorKind::NotFound => "not-found",
        ErrorKind::BadRequest => "bad-request",
        ErrorKind::Unauthorized => "unauthorized",
        ErrorKind::Forbidden => "forbidden",
        ErrorKind::Csrf => "csrf",
        ErrorKind::RateLimited | ErrorKind::TooManySearches => "rate-limited",
        ErrorKind::TooLarge => "too-large",
        ErrorKind::Corrupt => "corrupt",
        ErrorKind::Internal => "internal",
    };
    let message = if info.detail.is_empty()
        || matches!(
            info.kind,
            ErrorKind::RateLimited | ErrorKind::TooManySearches | ErrorKind::Corrupt
        ) {
        format!("{title}: {text}")
    } else {
        format!("{title}: {}", info.detail)
    };
    Json(serde_json::json!({ "error": kind, "message": message }))
}
