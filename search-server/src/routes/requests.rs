//! The requests register and the certificate workspace (arhivist, admin).
//!
//! ```text
//! GET  /cereri                      register: due soon / overdue marked (?toate=1: closed too)
//! GET  /cereri/noua   POST /cereri  new request
//! GET  /cereri/{n-yyyy}             workspace: hits by year and month, decisions, periods, answer
//! POST /cereri/{n-yyyy}/decizie     confirm or reject one hit
//! POST /cereri/{n-yyyy}/decizie-automata   decide open hits by the batch rule
//! POST /cereri/{n-yyyy}/prelungire  extend the deadline once, with the notice
//! POST /cereri/{n-yyyy}/pagini      pages of a certified copy
//! POST /cereri/{n-yyyy}/redactare   mark drafted
//! POST /cereri/{n-yyyy}/emitere     issue (certificate, negative letter or copy)
//! GET  /cereri/{n-yyyy}/proiect.pdf the draft, not kept
//! GET  /cereri/{n-yyyy}/document.pdf the issued PDF, as stored
//! GET  /api/requests  POST /api/requests  GET /api/requests/{n-yyyy}
//! POST /api/requests/{n-yyyy}/decisions  POST /api/requests/{n-yyyy}/issue
//! GET  /api/requests/{n-yyyy}/document
//! ```
//!
//! Every form carries the session's CSRF token; JSON posts need a JSON
//! body (and, under a session cookie, the token in `x-csrf-token`). Every
//! change is journaled together with its audit entry by
//! [`crate::certificates::register`]; views and downloads go through the
//! server's audit log.

mod api;

use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use crate::auth::{Role, Viewer};
use crate::certificates::coverage::for_workspace;
use crate::certificates::deadline::parse_iso_date;
use crate::certificates::issue::{clerk_of, file_name, render, stored_pdf};
use crate::certificates::register::{self, Actor};
use crate::certificates::workspace::{auto_decide, decide, find_hit, search, workspace};
use crate::certificates::{
    issue, periods, CertificateError, Clock, NewRequest, PageRef, Request, RequestNumber,
    SystemClock, YearRange,
};
use crate::error::{Result, ServerError};
use crate::routes::blocking;
use crate::routes::search::params;
use crate::state::AppState;
use crate::views;

impl From<CertificateError> for ServerError {
    fn from(e: CertificateError) -> Self {
        match e {
            CertificateError::UnknownRequest { number } => ServerError::not_found(number),
            CertificateError::BadNumber(n) => ServerError::not_found(n),
            CertificateError::Store(s) => ServerError::Store(s),
            CertificateError::Index(i) => i.into(),
            e @ (CertificateError::Record { .. } | CertificateError::Pdf(_)) => {
                ServerError::Task(e.to_string())
            }
            other => ServerError::bad(other.to_string()),
        }
    }
}

/// Every route of this module (merged into [`crate::routes::router`]).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cereri", get(list).post(create))
        .route("/cereri/noua", get(new_form))
        .route("/cereri/{nr}", get(show))
        .route("/cereri/{nr}/decizie", post(decide_one))
        .route("/cereri/{nr}/decizie-automata", post(decide_auto))
        .route("/cereri/{nr}/prelungire", post(extend))
        .route("/cereri/{nr}/pagini", post(pages))
        .route("/cereri/{nr}/redactare", post(draft))
        .route("/cereri/{nr}/emitere", post(issue_form))
        .route("/cereri/{nr}/ocr", post(ocr_pages))
        .route("/cereri/{nr}/proiect.pdf", get(preview))
        .route("/cereri/{nr}/document.pdf", get(document))
        .route("/api/requests", get(api::list).post(api::create))
        .route("/api/requests/{nr}", get(api::show))
        .route("/api/requests/{nr}/decisions", post(api::decide))
        .route("/api/requests/{nr}/issue", post(api::issue))
        .route("/api/requests/{nr}/document", get(document))
}

/// The URL of a request's workspace.
pub fn request_url(n: RequestNumber) -> String {
    format!("/cereri/{}", n.slug())
}

fn actor(v: &Viewer) -> Actor {
    Actor::new(v.user.clone(), v.ip.clone())
}

fn number(path: std::result::Result<Path<String>, PathRejection>) -> Result<RequestNumber> {
    let Path(s) = path.map_err(|_| ServerError::not_found(""))?;
    s.parse().map_err(|_| ServerError::not_found(s))
}

fn form<T>(f: std::result::Result<Form<T>, FormRejection>) -> Result<T> {
    f.map(|Form(t)| t)
        .map_err(|e| ServerError::bad(e.body_text()))
}

async fn load(state: &AppState, n: RequestNumber) -> Result<Request> {
    let archive = state.archive.clone();
    blocking(move || Ok(register::load(&archive, n)?)).await
}

#[derive(Debug, Default, Deserialize)]
struct ListParams {
    #[serde(default)]
    toate: Option<String>,
}

/// `GET /cereri`
async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    q: std::result::Result<Query<ListParams>, QueryRejection>,
) -> Result<Response> {
    viewer.require(Role::Arhivist)?;
    let all = params(q)?.toate.is_some();
    let archive = state.archive.clone();
    let list = blocking(move || Ok(register::list(&archive)?)).await?;
    let list: Vec<Request> = list
        .into_iter()
        .filter(|r| all || !r.status.is_closed())
        .collect();
    state
        .audit
        .record(&viewer.user, "view-requests", "", &viewer.ip);
    Ok(views::requests::list(&viewer, &list, SystemClock.today(), all).into_response())
}

/// `GET /cereri/noua`
async fn new_form(viewer: Viewer) -> Result<Response> {
    viewer.require(Role::Arhivist)?;
    Ok(views::requests::new_form(&viewer).into_response())
}

/// The new-request form.
#[derive(Debug, Default, Deserialize)]
struct NewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    former_names: String,
    #[serde(default)]
    cnp: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    date: String,
}

impl NewForm {
    fn request(&self) -> Result<NewRequest, CertificateError> {
        let opt = |s: &str| Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_string);
        Ok(NewRequest {
            name: self.name.clone(),
            former_names: self.former_names.lines().map(str::to_string).collect(),
            cnp: opt(&self.cnp),
            address: self.address.clone(),
            kind: opt(&self.kind).map(|k| k.parse()).transpose()?,
            subject: opt(&self.subject).map(|k| k.parse()).transpose()?,
            department: self.department.clone(),
            period: opt(&self.period)
                .map(|p| p.parse::<YearRange>())
                .transpose()?,
            purpose: self.purpose.clone(),
            registered: match opt(&self.date) {
                None => None,
                Some(d) => Some(parse_iso_date(&d).ok_or_else(|| {
                    CertificateError::invalid("date", format!("{d:?}: expected YYYY-MM-DD"))
                })?),
            },
        })
    }
}

/// `POST /cereri`
async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    f: std::result::Result<Form<NewForm>, FormRejection>,
) -> Result<Response> {
    let f = form(f)?;
    viewer.check_csrf(&f.csrf)?;
    viewer.require(Role::Arhivist)?;
    let new = f.request()?;
    let archive = state.archive.clone();
    let who = actor(&viewer);
    let r = blocking(move || Ok(register::register(&archive, &who, &SystemClock, new)?)).await?;
    Ok(Redirect::to(&request_url(r.number)).into_response())
}

/// `GET /cereri/{nr}`: the workspace. The first view of a registered
/// request runs the search and moves it to "in search" (journaled).
async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    path: std::result::Result<Path<String>, PathRejection>,
) -> Result<Response> {
    viewer.require(Role::Arhivist)?;
    let n = number(path)?;
    workspace_page(&state, &viewer, n, None).await
}

/// The workspace of request `n`; with `refused`, a 400 saying why the
/// action asked for was not done, the page otherwise as it was.
async fn workspace_page(
    state: &AppState,
    viewer: &Viewer,
    n: RequestNumber,
    refused: Option<&'static str>,
) -> Result<Response> {
    let (archive, index, who) = (state.archive.clone(), state.index.clone(), actor(viewer));
    let (r, ws, cov) = blocking(move || {
        let r = register::load(&archive, n)?;
        let results = search(&index, &r)?;
        let r = if r.status == crate::certificates::Status::Registered {
            let hits = results.months.iter().map(|m| m.pages.len()).sum();
            register::mark_searched(&archive, &who, &SystemClock, n, hits, results.months.len())?
        } else {
            r
        };
        let ws = workspace(&r, &results);
        let cov = for_workspace(&archive, &r, &ws)?;
        Ok((r, ws, cov))
    })
    .await?;
    state
        .audit
        .record(&viewer.user, "view-request", &n.to_string(), &viewer.ip);
    let ps = periods(r.confirmed());
    let job = state.jobs.ocr(&n.to_string());
    let page = views::requests::workspace(
        viewer,
        &r,
        &ws,
        &ps,
        views::requests::CoverageView {
            coverage: cov.as_ref(),
            ocr: job.as_ref(),
        },
        SystemClock.today(),
        refused,
    );
    let status = match refused {
        Some(_) => StatusCode::BAD_REQUEST,
        None => StatusCode::OK,
    };
    Ok((status, page).into_response())
}

/// Irreversible actions need the form's "Confirm" box ticked.
fn confirmed(f: &TokenForm) -> bool {
    matches!(f.confirm.as_str(), "1" | "on" | "da" | "yes")
}

#[derive(Debug, Default, Deserialize)]
struct DecideForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    cota: String,
    #[serde(default)]
    page: u32,
    #[serde(default)]
    decision: String,
}

async fn decide_hit(
    state: &AppState,
    viewer: &Viewer,
    n: RequestNumber,
    d: DecideForm,
) -> Result<Request> {
    let confirm = match d.decision.as_str() {
        "confirm" | "confirma" => true,
        "reject" | "respinge" => false,
        other => {
            return Err(ServerError::bad(format!(
                "decision {other:?}: use confirm or reject"
            )))
        }
    };
    let (archive, index, who) = (state.archive.clone(), state.index.clone(), actor(viewer));
    blocking(move || {
        let r = register::load(&archive, n)?;
        let results = search(&index, &r)?;
        let e = find_hit(&results, &d.month, &d.cota, d.page)
            .cloned()
            .ok_or_else(|| {
                ServerError::not_found(format!("{} {} p. {}", d.month, d.cota, d.page))
            })?;
        Ok(decide(
            &archive,
            &who,
            &SystemClock,
            n,
            vec![(d.month, e, confirm)],
        )?)
    })
    .await
}

/// `POST /cereri/{nr}/decizie`
async fn decide_one(
    State(state): State<AppState>,
    viewer: Viewer,
    path: std::result::Result<Path<String>, PathRejection>,
    f: std::result::Result<Form<DecideForm>, FormRejection>,
) -> Result<Response> {
    let f = form(f)?;
    viewer.check_csrf(&f.csrf)?;
    viewer.require(Role::Arhivist)?;
    let n = number(path)?;
    let anchor = format!("#m{}", f.month);
    decide_hit(&state, &viewer, n, f).await?;
    Ok(Redirect::to(&format!("{}{anchor}", request_url(n))).into_response())
}

#[derive(Debug, Default, Deserialize)]
struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    notice: String,
    #[serde(default)]
    pages: String,
    /// The "Confirm" checkbox of an irreversible action.
    #[serde(default)]
    confirm: String,
}

/// `POST /cereri/{nr}/decizie-automata`
async fn decide_auto(
    State(state): State<AppState>,
    viewer: Viewer,
    path: std::result::Result<Path<String>, PathRejection>,
    f: std::result::Result<Form<TokenForm>, FormRejection>,
) -> Result<Response> {
    let f = form(f)?;
    viewer.check_csrf(&f.csrf)?;
    viewer.require(Role::Arhivist)?;
    let n = number(path)?;
    if !confirmed(&f) {
        let why = viewer.lang.req().confirm_required;
        return workspace_page(&state, &viewer, n, Some(why)).await;
    }
    let (archive, index, who) = (state.archive.clone(), state.index.clone(), actor(&viewer));
    blocking(move || {
        let r = register::load(&archive, n)?;
        let (decided, _open) = auto_decide(&r, &search(&index, &r)?);
        if !decided.is_empty() {
            decide(&archive, &who, &SystemClock, n, decided)?;
        }
        Ok(())
    })
    .await?;
    Ok(Redirect::to(&request_url(n)).into_response())
}

/// `POST /cereri/{nr}/prelungire`
async fn extend(
    State(state): State<AppState>,
    viewer: Viewer,
    path: std::result::Result<Path<String>, PathRejection>,
    f: std::result::Result<Form<TokenForm>, FormRejection>,
) -> Result<Response> {
    let f = form(f)?;
    viewer.check_csrf(&f.csrf)?;
    viewer.require(Role::Arhivist)?;
    let n = number(path)?;
    let (archive, who) = (state.archive.clone(), actor(&viewer));
    blocking(move || {
        Ok(register::extend(
            &archive,
            &who,
            &SystemClock,
            n,
            &f.notice,
        )?)
    })
    .await?;
    Ok(Redirect::to(&request_url(n)).into_response())
}

/// Lines of `COTA N` or `COTA N-M`.
pub fn parse_pages(s: &str) -> Result<Vec<PageRef>> {
    let mut out = Vec::new();
    for line in s.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (cota, range) = line
            .rsplit_once(char::is_whitespace)
            .ok_or_else(|| ServerError::bad(format!("{line:?}: expected a cotă and a page")))?;
        let range = range.replace('–', "-");
        let (a, b) = range.split_once('-').unwrap_or((&range, &range));
        let (a, b): (u32, u32) = match (a.parse(), b.parse()) {
            (Ok(a), Ok(b)) if a >= 1 && a <= b && b - a < 500 => (a, b),
            _ => {
                return Err(ServerError::bad(format!(
                    "{line:?}: bad page number or range"
                )))
            }
        };
        for page in a..=b {
            out.push(PageRef {
                cota: cota.trim().to_string(),
                page,
            });
        }
    }
    if out.len() > 500 {
        return Err(ServerError::bad("at most 500 pages in one copy"));
    }
    Ok(out)
}

/// `POST /cereri/{nr}/pagini`
async fn pages(
    State(state): State<AppState>,
    viewer: Viewer,
    path: std::result::Result<Path<String>, PathRejection>,
    f: std::result::Result<Form<TokenForm>, FormRejection>,
) -> Result<Response> {
    let f = form(f)?;
    viewer.check_csrf(&f.csrf)?;
    viewer.require(Role::Arhivist)?;
    let n = number(path)?;
    let list = parse_pages(&f.pages)?;
    let (archive, who) = (state.archive.clone(), actor(&viewer));
    blocking(move || {
        Ok(register::select_pages(
            &archive,
            &who,
            &SystemClock,
            n,
            list,
        )?)
    })
    .await?;
    Ok(Redirect::to(&request_url(n)).into_response())
}

/// `POST /cereri/{nr}/ocr`: OCR, in the background, the pages without
/// text of the payroll dossiers the request cannot tell about; the
/// workspace shows the progress.
async fn ocr_pages(
    State(state): State<AppState>,
    viewer: Viewer,
    path: std::result::Result<Path<String>, PathRejection>,
    f: std::result::Result<Form<TokenForm>, FormRejection>,
) -> Result<Response> {
    let f = form(f)?;
    viewer.check_csrf(&f.csrf)?;
    viewer.require(Role::Arhivist)?;
    let n = number(path)?;
    if let Some(install) = arhiva_ingest::ocr::missing_advice() {
        return Err(ServerError::BadRequest {
            message: format!("{} ({install})", viewer.lang.coverage().ocr_missing),
        });
    }
    let (archive, index) = (state.archive.clone(), state.index.clone());
    let pages: Vec<(String, u32)> = blocking(move || {
        let r = register::load(&archive, n)?;
        let cov = for_workspace(&archive, &r, &workspace(&r, &search(&index, &r)?))?;
        Ok(cov
            .map(|c| {
                c.unread
                    .iter()
                    .flat_map(|u| u.pages.iter().map(|p| (u.cota.clone(), *p)))
                    .collect()
            })
            .unwrap_or_default())
    })
    .await?;
    let key = n.to_string();
    if !pages.is_empty() && state.jobs.start_ocr(&key, pages.len()) {
        state.audit.record(
            &viewer.user,
            "ocr-pages",
            &format!("{key}: {} pages", pages.len()),
            &viewer.ip,
        );
        let st = state.clone();
        std::thread::spawn(move || {
            let progress = |done: usize, _total: usize| st.jobs.update(&key, |j| j.done = done);
            let run = arhiva_ingest::reread::ocr_stored_pages(
                &st.archive,
                Some(&st.index),
                &pages,
                &progress,
            );
            st.jobs.update(&key, |j| {
                j.finished = true;
                match run {
                    Ok(r) => {
                        j.read = r.read;
                        j.failed = r
                            .failed
                            .iter()
                            .map(|(c, p, why)| format!("{c} p. {p}: {why}"))
                            .collect();
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "OCR of stored pages stopped");
                        j.error = Some(e.to_string());
                    }
                }
            });
        });
    }
    Ok(Redirect::to(&format!("{}#acoperire", request_url(n))).into_response())
}

/// `POST /cereri/{nr}/redactare`
async fn draft(
    State(state): State<AppState>,
    viewer: Viewer,
    path: std::result::Result<Path<String>, PathRejection>,
    f: std::result::Result<Form<TokenForm>, FormRejection>,
) -> Result<Response> {
    let f = form(f)?;
    viewer.check_csrf(&f.csrf)?;
    viewer.require(Role::Arhivist)?;
    let n = number(path)?;
    let (archive, who) = (state.archive.clone(), actor(&viewer));
    blocking(move || Ok(register::draft(&archive, &who, &SystemClock, n)?)).await?;
    Ok(Redirect::to(&request_url(n)).into_response())
}

async fn issue_now(state: &AppState, viewer: &Viewer, n: RequestNumber) -> Result<Request> {
    viewer.require(Role::Arhivist)?;
    let (archive, index, who) = (state.archive.clone(), state.index.clone(), actor(viewer));
    let head = state.config.letterhead.clone();
    blocking(move || Ok(issue(&archive, &index, &who, &SystemClock, &head, n)?)).await
}

/// `POST /cereri/{nr}/emitere` (a consultant gets 403)
async fn issue_form(
    State(state): State<AppState>,
    viewer: Viewer,
    path: std::result::Result<Path<String>, PathRejection>,
    f: std::result::Result<Form<TokenForm>, FormRejection>,
) -> Result<Response> {
    let f = form(f)?;
    viewer.check_csrf(&f.csrf)?;
    let n = number(path)?;
    if !confirmed(&f) {
        viewer.require(Role::Arhivist)?;
        let why = viewer.lang.req().confirm_required;
        return workspace_page(&state, &viewer, n, Some(why)).await;
    }
    issue_now(&state, &viewer, n).await?;
    Ok(Redirect::to(&request_url(n)).into_response())
}

fn pdf_response(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /cereri/{nr}/proiect.pdf`: the answer as it would be issued today; not kept.
async fn preview(
    State(state): State<AppState>,
    viewer: Viewer,
    path: std::result::Result<Path<String>, PathRejection>,
) -> Result<Response> {
    viewer.require(Role::Arhivist)?;
    let n = number(path)?;
    let (archive, user) = (state.archive.clone(), viewer.user.clone());
    let head = state.config.letterhead.clone();
    let (name, bytes) = blocking(move || {
        let r = register::load(&archive, n)?;
        let clerk = clerk_of(&archive, &user)?;
        let (_, bytes) = render(&archive, &head, &r, SystemClock.today(), &clerk)?;
        Ok((format!("proiect-{}", file_name(&r)), bytes))
    })
    .await?;
    state
        .audit
        .record(&viewer.user, "view-draft", &n.to_string(), &viewer.ip);
    Ok(pdf_response(bytes, &name))
}

/// `GET /cereri/{nr}/document.pdf`, `GET /api/requests/{nr}/document`: the
/// issued PDF, exactly as stored.
async fn document(
    State(state): State<AppState>,
    viewer: Viewer,
    path: std::result::Result<Path<String>, PathRejection>,
) -> Result<Response> {
    viewer.require(Role::Arhivist)?;
    let n = number(path)?;
    let archive = state.archive.clone();
    let (name, bytes) = blocking(move || {
        let r = register::load(&archive, n)?;
        let bytes = stored_pdf(&archive, &r)?
            .ok_or_else(|| ServerError::not_found(format!("{n}: nothing issued yet")))?;
        Ok((file_name(&r), bytes))
    })
    .await?;
    state
        .audit
        .record_sync(
            &viewer.user,
            "download",
            &format!("request {n} {name}"),
            &viewer.ip,
        )
        .await?;
    Ok(pdf_response(bytes, &name))
}
