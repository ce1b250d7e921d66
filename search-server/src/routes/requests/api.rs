//! The JSON API of the requests register: the same reads and actions as
//! the pages, the same roles and audit. Posts take JSON bodies; under a
//! session cookie they also need the CSRF token in `x-csrf-token`.

use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use super::{actor, decide_hit, issue_now, load, number, request_url, DecideForm};
use crate::auth::{Role, Viewer};
use crate::certificates::deadline::{days_left, iso_date};
use crate::certificates::register;
use crate::certificates::workspace::{search, workspace};
use crate::certificates::{due_date, periods, urgency, Clock, NewRequest, Request, SystemClock};
use crate::error::{Result, ServerError};
use crate::routes::blocking;
use crate::state::AppState;

fn api_value(r: &Request, today: time::Date) -> serde_json::Value {
    let mut v = serde_json::to_value(r).unwrap_or_default();
    v["due"] = json!(iso_date(due_date(r)));
    v["days_left"] = json!(days_left(r, today));
    v["urgency"] = json!(urgency(r, today));
    v["url"] = json!(request_url(r.number));
    v
}

/// A JSON post from a session must carry its CSRF token in a header.
fn api_csrf(viewer: &Viewer, headers: &HeaderMap) -> Result<()> {
    if viewer.csrf.is_some() {
        let token = headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        viewer.check_csrf(token)?;
    }
    Ok(())
}

fn json_body<T>(b: std::result::Result<Json<T>, JsonRejection>) -> Result<T> {
    b.map(|Json(t)| t)
        .map_err(|e| ServerError::bad(e.body_text()))
}

/// `GET /api/requests`
pub(super) async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Response> {
    viewer.require(Role::Arhivist)?;
    let archive = state.archive.clone();
    let list = blocking(move || Ok(register::list(&archive)?)).await?;
    state
        .audit
        .record(&viewer.user, "api-requests", "", &viewer.ip);
    let today = SystemClock.today();
    let body: Vec<_> = list.iter().map(|r| api_value(r, today)).collect();
    Ok(Json(json!({ "requests": body })).into_response())
}

/// `POST /api/requests` with a [`NewRequest`] body.
pub(super) async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: std::result::Result<Json<NewRequest>, JsonRejection>,
) -> Result<Response> {
    api_csrf(&viewer, &headers)?;
    viewer.require(Role::Arhivist)?;
    let new = json_body(body)?;
    let (archive, who) = (state.archive.clone(), actor(&viewer));
    let r = blocking(move || Ok(register::register(&archive, &who, &SystemClock, new)?)).await?;
    let body = api_value(&r, SystemClock.today());
    Ok((axum::http::StatusCode::CREATED, Json(body)).into_response())
}

/// `GET /api/requests/{nr}`: the record, its deadline, the workspace and the periods.
pub(super) async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    path: std::result::Result<Path<String>, PathRejection>,
) -> Result<Response> {
    viewer.require(Role::Arhivist)?;
    let n = number(path)?;
    let r = load(&state, n).await?;
    let (index, archive) = (state.index.clone(), state.archive.clone());
    let rr = r.clone();
    let (results, cov) = blocking(move || {
        let results = search(&index, &rr)?;
        let cov =
            crate::certificates::coverage::for_workspace(&archive, &rr, &workspace(&rr, &results))?;
        Ok((results, cov))
    })
    .await?;
    state
        .audit
        .record(&viewer.user, "api-request", &n.to_string(), &viewer.ip);
    let mut v = api_value(&r, SystemClock.today());
    v["workspace"] = json!(workspace(&r, &results));
    v["periods"] = json!(periods(r.confirmed()));
    v["coverage"] = json!(cov);
    Ok(Json(v).into_response())
}

/// A decision posted as JSON.
#[derive(Debug, Deserialize)]
pub(super) struct ApiDecision {
    month: String,
    cota: String,
    page: u32,
    confirm: bool,
}

/// `POST /api/requests/{nr}/decisions` with `{month, cota, page, confirm}`.
pub(super) async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    path: std::result::Result<Path<String>, PathRejection>,
    body: std::result::Result<Json<ApiDecision>, JsonRejection>,
) -> Result<Response> {
    api_csrf(&viewer, &headers)?;
    viewer.require(Role::Arhivist)?;
    let n = number(path)?;
    let d = json_body(body)?;
    let form = DecideForm {
        csrf: String::new(),
        month: d.month,
        cota: d.cota,
        page: d.page,
        decision: if d.confirm { "confirm" } else { "reject" }.into(),
    };
    let r = decide_hit(&state, &viewer, n, form).await?;
    Ok(Json(api_value(&r, SystemClock.today())).into_response())
}

/// `POST /api/requests/{nr}/issue` (a consultant gets 403)
pub(super) async fn issue(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    path: std::result::Result<Path<String>, PathRejection>,
) -> Result<Response> {
    api_csrf(&viewer, &headers)?;
    let n = number(path)?;
    let r = issue_now(&state, &viewer, n).await?;
    Ok(Json(api_value(&r, SystemClock.today())).into_response())
}
