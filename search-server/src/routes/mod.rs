//! The routes, and the helpers handlers share.
//!
//! ```text
//! GET  /                                   → /cautare
//! GET  /login  POST /login  POST /logout   session login (CSRF-checked forms)
//! GET  /cautare                            search: query, filters, facets, paging
//! GET  /dosar/{cota}                       dossier sheet with page thumbnails
//! GET  /dosar/{cota}/pagina/{n}            page viewer (scan + text, highlights)
//! GET  /dosar/{cota}/pagina/{n}/imagine    web-size image     (by catalog ids only)
//! GET  /dosar/{cota}/pagina/{n}/miniatura  thumbnail
//! GET  /dosar/{cota}/pagina/{n}/original   the original file, as delivered
//! GET  /persoane                           person search (arhivist)
//! GET  /loturi                             ingest batches and quarantine (arhivist)
//! GET  /retentie  POST …/blocari, …/propuneri, …/aprobare
//!                                          due list, legal holds, disposal proposals
//!                                          and approvals (arhivist reads, admin acts)
//! GET  /admin/utilizatori  POST …          users: list, add, disable, name and function (admin)
//! GET  /admin/audit                        audit log (admin)
//! GET  /api/search | /api/dossiers/{cota} | /api/dossiers/{cota}/pages/{n}
//!      /api/person | /api/me               JSON, same auth (cookie or Basic)
//! GET  /static/style.css, /static/favicon.svg
//! ```

pub(crate) mod admin;
pub(crate) mod api;
pub(crate) mod dossier;
pub(crate) mod files;
pub(crate) mod login;
pub mod requests;
pub(crate) mod retention;
pub(crate) mod search;

use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::error::{Result, ServerError};
use crate::state::AppState;
use crate::views::layout::{FAVICON, SCRIPT, STYLE};

/// Every route, with the security middleware around them.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::to("/cautare") }))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/cautare", get(search::page))
        .route("/dosar/{cota}", get(dossier::dossier))
        .route("/dosar/{cota}/pagina/{n}", get(dossier::page))
        .route("/dosar/{cota}/pagina/{n}/imagine", get(files::web_image))
        .route("/dosar/{cota}/pagina/{n}/miniatura", get(files::thumbnail))
        .route("/dosar/{cota}/pagina/{n}/original", get(files::original))
        .route("/persoane", get(search::person))
        .route("/loturi", get(admin::batches))
        .route("/retentie", get(retention::page))
        .route("/retentie/blocari", post(retention::place_hold))
        .route(
            "/retentie/blocari/{id}/ridicare",
            post(retention::release_hold),
        )
        .route("/retentie/propuneri", post(retention::propose))
        .route(
            "/retentie/propuneri/{id}/aprobare",
            post(retention::approve),
        )
        .route(
            "/retentie/propuneri/{id}/{document}",
            get(retention::document),
        )
        .route(
            "/admin/utilizatori",
            get(admin::users).post(admin::add_user),
        )
        .route("/admin/utilizatori/{name}/stare", post(admin::set_state))
        .route(
            "/admin/utilizatori/{name}/identitate",
            post(admin::set_identity),
        )
        .route("/admin/audit", get(admin::audit))
        .route("/api/me", get(api::me))
        .route("/api/search", get(api::search))
        .route("/api/dossiers/{cota}", get(api::dossier))
        .route("/api/dossiers/{cota}/pages/{n}", get(api::page))
        .route("/api/person", get(api::person))
        .route("/static/style.css", get(style))
        .route("/static/favicon.svg", get(favicon))
        .route("/static/arhiva.js", get(script))
        .merge(requests::routes())
        .fallback(fallback)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::security::layer,
        ))
        .with_state(state)
}

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}

async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        FAVICON,
    )
        .into_response()
}

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SCRIPT,
    )
        .into_response()
}

async fn fallback() -> ServerError {
    ServerError::not_found("")
}

/// Run blocking work (catalog, store, index, images) off the async threads.
pub async fn blocking<T, F>(f: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ServerError::Task(e.to_string()))?
}

/// Percent-encode for a path segment or a query value: everything but
/// `A-Z a-z 0-9 - _ . ~`.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `here` (a path and query) with parameter `key` set to `value`, or
/// removed when `None`.
pub fn with_param(here: &str, key: &str, value: Option<&str>) -> String {
    let (path, query) = here.split_once('?').unwrap_or((here, ""));
    let mut parts: Vec<String> = query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .filter(|kv| kv.split('=').next() != Some(key))
        .map(str::to_string)
        .collect();
    if let Some(v) = value {
        parts.push(format!("{key}={}", encode(v)));
    }
    if parts.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", parts.join("&"))
    }
}

/// The URL of a dossier.
pub fn dossier_url(cota: &str) -> String {
    format!("/dosar/{}", encode(cota))
}

/// The URL of a page in the viewer, carrying the query to highlight.
pub fn page_url(cota: &str, page: u32, q: &str) -> String {
    let base = format!("/dosar/{}/pagina/{page}", encode(cota));
    if q.trim().is_empty() {
        base
    } else {
        format!("{base}?q={}", encode(q))
    }
}

/// A file of a page: `imagine`, `miniatura` or `original`.
pub fn file_url(cota: &str, page: u32, what: &str) -> String {
    format!("/dosar/{}/pagina/{page}/{what}", encode(cota))
}

/// Parse an optional number from a query parameter; empty is `None`.
pub fn opt_num<T: std::str::FromStr>(v: &Option<String>, name: &str) -> Result<Option<T>> {
    match v.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| ServerError::bad(format!("{name}: {s:?} is not a number"))),
    }
}

/// The value of an optional text parameter, trimmed; empty is `None`.
pub fn opt_text(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_and_encoding() {
        assert_eq!(encode("PMA 1/ă"), "PMA%201%2F%C4%83");
        assert_eq!(
            with_param("/cautare?q=x&lang=ro", "lang", Some("en")),
            "/cautare?q=x&lang=en"
        );
        assert_eq!(with_param("/cautare?p=2&q=x", "p", None), "/cautare?q=x");
        assert_eq!(
            page_url("A/1", 3, "hotărâre"),
            "/dosar/A%2F1/pagina/3?q=hot%C4%83r%C3%A2re"
        );
    }
}
