//! Retention in the web UI: today's due list, legal holds placed and
//! released, disposal proposals recorded and their approval, the proposal
//! documents. Arhivists read; admins act (every form CSRF-checked, every
//! action journaled by `arhiva-retention` and written to the audit log).
//! Disposal itself stays with `arhiva retention dispose`.

use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use arhiva_retention::documents::{self, InventoryKind};
use arhiva_retention::{self as retention, date, HoldTarget, Snapshot};

use crate::auth::{Role, Viewer};
use crate::error::{Result, ServerError};
use crate::routes::admin::Saved;
use crate::routes::blocking;
use crate::routes::search::params;
use crate::state::AppState;
use crate::views::retention::{proposed, RetentionPage, DOCUMENTS};

/// Longest reason, number or id accepted from a form.
const MAX_FIELD: usize = 500;

/// `GET /retentie` (arhivist)
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    q: std::result::Result<Query<Saved>, QueryRejection>,
) -> Result<Response> {
    viewer.require(Role::Arhivist)?;
    let saved = params(q)?.saved.is_some();
    retention_page(&state, &viewer, saved, None).await
}

/// The retention page; with `refused`, a 400 saying why an action was not done.
async fn retention_page(
    state: &AppState,
    viewer: &Viewer,
    saved: bool,
    refused: Option<&'static str>,
) -> Result<Response> {
    let archive = state.archive.clone();
    let rules = state.config.retention;
    let view = blocking(move || {
        let snapshot = Snapshot::load(&archive)?;
        Ok(RetentionPage {
            plan: retention::plan(&snapshot, date::today_utc(), &rules),
            holds: retention::holds(&archive)?,
            proposals: retention::proposals(&archive)?,
        })
    })
    .await?;
    state
        .audit
        .record(&viewer.user, "view-retention", "", &viewer.ip);
    let page = crate::views::retention::page(viewer, &view, saved, refused);
    let status = match refused {
        Some(_) => StatusCode::BAD_REQUEST,
        None => StatusCode::OK,
    };
    Ok((status, page).into_response())
}

fn field(value: &str, what: &str) -> Result<String> {
    let v = value.trim();
    if v.chars().count() > MAX_FIELD {
        return Err(ServerError::bad(format!("{what} too long")));
    }
    Ok(v.to_string())
}

#[derive(Debug, Deserialize)]
pub struct PlaceHold {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    reason: String,
}

/// `POST /retentie/blocari` (admin)
pub async fn place_hold(
    State(state): State<AppState>,
    viewer: Viewer,
    form: std::result::Result<Form<PlaceHold>, FormRejection>,
) -> Result<Response> {
    let Form(f) = form.map_err(ServerError::form)?;
    viewer.check_csrf(&f.csrf)?;
    viewer.require(Role::Admin)?;
    let id = field(&f.target, "the cotă or inventory")?;
    let target = match f.kind.as_str() {
        "dosar" => HoldTarget::Dossier(id),
        "inventar" => HoldTarget::Inventory(id),
        _ => return Err(ServerError::bad("a hold covers a dossier or an inventory")),
    };
    let reason = field(&f.reason, "the reason")?;
    let archive = state.archive.clone();
    let by = viewer.user.clone();
    let hold = blocking(move || Ok(retention::place_hold(&archive, target, &reason, &by)?)).await?;
    state
        .audit
        .record_sync(
            &viewer.user,
            "hold-place",
            &format!("{}: {}", hold.id, hold.target),
            &viewer.ip,
        )
        .await?;
    Ok(Redirect::to("/retentie?saved=1").into_response())
}

#[derive(Debug, Deserialize)]
pub struct ReleaseHold {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// `POST /retentie/blocari/{id}/ridicare` (admin)
pub async fn release_hold(
    State(state): State<AppState>,
    viewer: Viewer,
    path: std::result::Result<Path<String>, PathRejection>,
    form: std::result::Result<Form<ReleaseHold>, FormRejection>,
) -> Result<Response> {
    let Form(f) = form.map_err(ServerError::form)?;
    viewer.check_csrf(&f.csrf)?;
    viewer.require(Role::Admin)?;
    let Path(id) = path.map_err(|_| ServerError::not_found(""))?;
    let id = field(&id, "the hold id")?;
    let reason = field(&f.reason, "the reason")?;
    if reason.is_empty() {
        return Err(ServerError::bad("say why the hold is released"));
    }
    let archive = state.archive.clone();
    let by = viewer.user.clone();
    let hid = id.clone();
    blocking(move || Ok(retention::release_hold(&archive, &hid, &by, &reason)?)).await?;
    state
        .audit
        .record_sync(&viewer.user, "hold-release", &id, &viewer.ip)
        .await?;
    Ok(Redirect::to("/retentie?saved=1").into_response())
}

#[derive(Debug, Deserialize)]
pub struct ProposeForm {
    #[serde(default)]
    csrf: String,
    /// The "Confirm" checkbox: a proposal cannot be withdrawn.
    #[serde(default)]
    confirm: String,
}

/// `POST /retentie/propuneri` (admin): everything due today, frozen.
pub async fn propose(
    State(state): State<AppState>,
    viewer: Viewer,
    form: std::result::Result<Form<ProposeForm>, FormRejection>,
) -> Result<Response> {
    let Form(f) = form.map_err(ServerError::form)?;
    viewer.check_csrf(&f.csrf)?;
    viewer.require(Role::Admin)?;
    if !matches!(f.confirm.as_str(), "1" | "on" | "da" | "yes") {
        let why = viewer.lang.ret().confirm_required;
        return retention_page(&state, &viewer, false, Some(why)).await;
    }
    let archive = state.archive.clone();
    let rules = state.config.retention;
    let by = viewer.user.clone();
    let p = blocking(move || {
        // A dossier goes into one proposal: a second click proposes nothing twice.
        let today = date::today_utc();
        let proposals = retention::proposals(&archive)?;
        let taken = proposed(&proposals);
        let snapshot = Snapshot::load(&archive)?;
        let fresh: Vec<String> = retention::plan(&snapshot, today, &rules)
            .due
            .into_iter()
            .map(|l| l.cota)
            .filter(|c| !taken.contains_key(c.as_str()))
            .collect();
        if fresh.is_empty() {
            return Err(ServerError::bad(
                "every dossier due today is in a proposal already",
            ));
        }
        Ok(retention::propose_from(
            &archive,
            &snapshot,
            today,
            &rules,
            &by,
            Some(&fresh),
        )?)
    })
    .await?;
    state
        .audit
        .record_sync(
            &viewer.user,
            "proposal",
            &format!("{}: {} dossiers", p.id, p.dossiers.len()),
            &viewer.ip,
        )
        .await?;
    Ok(Redirect::to("/retentie?saved=1").into_response())
}

#[derive(Debug, Deserialize)]
pub struct Approve {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    date: String,
}

/// `POST /retentie/propuneri/{id}/aprobare` (admin)
pub async fn approve(
    State(state): State<AppState>,
    viewer: Viewer,
    path: std::result::Result<Path<String>, PathRejection>,
    form: std::result::Result<Form<Approve>, FormRejection>,
) -> Result<Response> {
    let Form(f) = form.map_err(ServerError::form)?;
    viewer.check_csrf(&f.csrf)?;
    viewer.require(Role::Admin)?;
    let Path(id) = path.map_err(|_| ServerError::not_found(""))?;
    let id = field(&id, "the proposal id")?;
    let number = field(&f.number, "the approval number")?;
    let when = date::parse(&field(&f.date, "the date")?)?;
    let archive = state.archive.clone();
    let by = viewer.user.clone();
    let pid = id.clone();
    let a = blocking(move || {
        Ok(retention::approve(
            &archive,
            &pid,
            &number,
            when,
            date::today_utc(),
            &by,
        )?)
    })
    .await?;
    state
        .audit
        .record_sync(&viewer.user, "approval", &a.reference(), &viewer.ip)
        .await?;
    Ok(Redirect::to("/retentie?saved=1").into_response())
}

/// `GET /retentie/propuneri/{id}/{document}` (arhivist): the inventories
/// (Anexa 2, CSV or PDF) and the draft proces-verbal of a proposal.
pub async fn document(
    State(state): State<AppState>,
    viewer: Viewer,
    path: std::result::Result<Path<(String, String)>, PathRejection>,
) -> Result<Response> {
    viewer.require(Role::Arhivist)?;
    let Path((id, name)) = path.map_err(|_| ServerError::not_found(""))?;
    if !DOCUMENTS.contains(&name.as_str()) {
        return Err(ServerError::not_found(name));
    }
    let id = field(&id, "the proposal id")?;
    let archive = state.archive.clone();
    let institution = state.config.letterhead.institution.clone();
    let (pid, doc) = (id.clone(), name.clone());
    let bytes = blocking(move || {
        let p = retention::proposal(&archive, &pid)?;
        let bytes = match doc.as_str() {
            "inventar-eliminare.pdf" => {
                documents::inventory_pdf(InventoryKind::Elimination, &p, &p.dossiers, &institution)
            }
            "inventar-eliminare.csv" => documents::inventory_csv(&p.dossiers),
            "inventar-permanente.pdf" => {
                documents::inventory_pdf(InventoryKind::Permanent, &p, &p.permanent, &institution)
            }
            "inventar-permanente.csv" => documents::inventory_csv(&p.permanent),
            _ => documents::proces_verbal_pdf(&p, &institution),
        }?;
        Ok(bytes)
    })
    .await?;
    state.audit.record(
        &viewer.user,
        "download-retention",
        &format!("{id} {name}"),
        &viewer.ip,
    );
    let content_type = if name.ends_with(".pdf") {
        "application/pdf"
    } else {
        "text/csv; charset=utf-8"
    };
    let filename: String = format!("{id}-{name}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
