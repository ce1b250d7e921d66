//! `arhiva-server`: here is a person at the counter with a question; show
//! them the page that answers it — and no more than their role allows.
//!
//! The archive's web UI and JSON API, on axum and tokio, rendered on the
//! server with maud: every page works without JavaScript, in Romanian with
//! its diacritics (English by `?lang=en`, remembered in a cookie; all
//! strings in [`i18n`]). The stylesheet, a print stylesheet for the dossier
//! sheet and the one optional script are compiled into the binary; nothing
//! comes from a CDN.
//!
//! # What it serves
//!
//! Search with filters, facet counts, paging and highlighted snippets; the
//! dossier sheet (cotă, conținut, date extreme, nr. file, termen de
//! păstrare, compartiment, location; thumbnails; disposed dossiers marked
//! with their approval); the page viewer (web-size scan with the query's
//! words boxed on it from the page's word boxes, the text beside it with
//! the words marked, previous/next, text source, confidence, QA flags);
//! the original file; person search for certificates; ingest batches and
//! the quarantine; users and the audit log. [`routes`] lists the URLs; the
//! JSON API under `/api/` answers the same questions.
//!
//! # How it keeps things safe
//!
//! - **Accounts** are journaled records ([`users`]) with argon2id hashes;
//!   roles are consultant < arhivist < admin ([`auth::Role`]).
//! - **Sessions** live in memory ([`sessions`]) behind an `HttpOnly;
//!   SameSite=Strict` cookie; scripts may use HTTP Basic instead. Every form
//!   carries the session's CSRF token, checked on every POST; the login form
//!   uses a token in its own cookie. Failed logins are rate limited per
//!   address and user name.
//! - **Consultants never see a CNP**: [`mask`] hides 13-digit CNP-looking
//!   numbers in texts, snippets and JSON, a middleware re-checks every HTML
//!   and JSON body, and scans have those words blacked out ([`backend`]).
//! - **Files are found by catalog ids only**: a cotă and page number from
//!   the URL are looked up in the catalog; `../` is just a cotă that does not
//!   exist. Bad input of any kind is a friendly 400 or 404, never a 500
//!   ([`security`] renders every error).
//! - **Everything is audited** ([`audit`]): logins, failed logins, every
//!   search, view and download, who, when, what and from which address —
//!   written in group commits to the journal.
//! - Headers: CSP `default-src 'self'`, `X-Content-Type-Options: nosniff`,
//!   `X-Frame-Options: DENY`, `Referrer-Policy: same-origin`, `no-store`.
//!
//! # Who calls it
//!
//! `arhiva serve` and `arhiva demo` (open the archive with [`open`], then
//! [`serve`]); `arhiva user add` uses [`users`] directly.
//!
//! ```
//! use arhiva_server::{auth::Role, users};
//! let dir = tempfile::tempdir().unwrap();
//! let archive = arhiva_store::Archive::open(dir.path()).unwrap();
//! users::add(&archive, "ana", Role::Arhivist, "o parolă lungă").unwrap();
//! let ana = users::get(&archive, "ana").unwrap().unwrap();
//! assert!(users::verify_password(&ana.hash, "o parolă lungă"));
//! let masked = arhiva_server::mask::mask("CNP 1850312020017");
//! assert_eq!(masked, format!("CNP 1{}", "•".repeat(12)));
//! ```

#![warn(missing_docs)]

pub mod audit;
pub mod auth;
pub mod backend;
pub mod certificates;
mod error;
pub mod highlight;
pub mod i18n;
pub mod jobs;
pub mod localtime;
pub mod mask;
pub mod routes;
pub mod security;
pub mod sessions;
pub mod state;
pub mod users;
pub mod views;

use std::future::Future;
use std::path::Path;
use std::sync::Arc;

use arhiva_index::SearchIndex;
use arhiva_store::Archive;

pub use error::{ErrorInfo, ErrorKind, Result, ServerError, UserError};
pub use routes::router;
pub use state::{AppState, ServerConfig};

/// Open the archive and the index in a data directory (rebuilding the
/// index when it is missing or unreadable) and make the server state.
///
/// The archive's catalog is locked by this process for as long as the state
/// lives: while a server runs, other `arhiva` commands that open the
/// catalog get [`arhiva_store::StoreError::CatalogLocked`].
pub fn open(data: &Path, config: ServerConfig) -> Result<AppState> {
    let archive = Arc::new(Archive::open(data)?);
    let (index, opened) = SearchIndex::open(&data.join("index"))?;
    if opened.needs_rebuild() {
        let n = arhiva_index::rebuild(&index, &archive)?;
        tracing::info!(pages = n, "index rebuilt");
    }
    Ok(AppState::new(archive, Arc::new(index), config))
}

/// Serve until `shutdown` resolves. The listener decides the address; the
/// client address of each connection is what the audit log records (or,
/// from a trusted proxy, the address it names: see [`auth::client_ip`]).
///
/// Each connection must send a request's headers within
/// [`ServerConfig::header_timeout`], and may stay idle between requests no
/// longer than that: a slow or silent client cannot hold connections open.
/// On shutdown, connections get ten seconds to finish what they are doing.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use tower::Service;

    let timeout = state.config.header_timeout;
    let app = router(state);
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(timeout))
        .keep_alive_timeout(timeout);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            conn = listener.accept() => match conn {
                Ok(c) => c,
                Err(e) => {
                    // Out of file descriptors and the like: wait, go on.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let app = app.clone();
        let service = hyper::service::service_fn(
            move |mut req: axum::http::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                let mut app = app.clone();
                async move { app.call(req.map(axum::body::Body::new)).await }
            },
        );
        let conn = builder
            .serve_connection(TokioIo::new(stream), service)
            .into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), graceful.shutdown()).await;
    Ok(())
}
