//! Staff pages: batches and quarantine (arhivist), users and the audit log
//! (admin). Every form is checked against the session's CSRF token.

use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use crate::auth::{Role, Viewer};
use crate::error::{Result, ServerError};
use crate::routes::blocking;
use crate::routes::search::params;
use crate::state::AppState;
use crate::{audit, users, views};

/// Audit entries shown on one page.
const AUDIT_ROWS: usize = 300;

/// `GET /loturi` (arhivist)
pub async fn batches(State(state): State<AppState>, viewer: Viewer) -> Result<Response> {
    viewer.require(Role::Arhivist)?;
    let archive = state.archive.clone();
    let (b, q, unread) = blocking(move || {
        let c = archive.catalog();
        let mut unread = 0u64;
        c.for_each_page(|p| {
            if p.flags.contains(&arhiva_store::PageFlag::NeedsOcr) {
                unread += 1;
            }
            Ok(())
        })?;
        Ok((c.batches()?, c.quarantine()?, unread))
    })
    .await?;
    state
        .audit
        .record(&viewer.user, "view-batches", "", &viewer.ip);
    Ok(views::admin::batches(&viewer, &b, &q, unread).into_response())
}

#[derive(Debug, Deserialize)]
pub struct Saved {
    #[serde(default)]
    pub saved: Option<String>,
}

/// `GET /admin/utilizatori` (admin)
pub async fn users(
    State(state): State<AppState>,
    viewer: Viewer,
    q: std::result::Result<Query<Saved>, QueryRejection>,
) -> Result<Response> {
    viewer.require(Role::Admin)?;
    let saved = params(q)?.saved.is_some();
    let archive = state.archive.clone();
    let list = blocking(move || users::list(&archive)).await?;
    state
        .audit
        .record(&viewer.user, "view-users", "", &viewer.ip);
    let msg = saved.then_some(viewer.lang.t().user_saved);
    Ok(views::admin::users(&viewer, &list, msg).into_response())
}

#[derive(Debug, Deserialize)]
pub struct AddUser {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    function: String,
}

/// `POST /admin/utilizatori` (admin)
pub async fn add_user(
    State(state): State<AppState>,
    viewer: Viewer,
    form: std::result::Result<Form<AddUser>, FormRejection>,
) -> Result<Response> {
    let Form(f) = form.map_err(ServerError::form)?;
    viewer.check_csrf(&f.csrf)?;
    viewer.require(Role::Admin)?;
    let role: Role = f.role.parse()?;
    let identity = users::Identity::new(&f.full_name, &f.function)?;
    let archive = state.archive.clone();
    let name = f.name.trim().to_string();
    let n = name.clone();
    blocking(move || users::add_with(&archive, &n, role, &f.password, &identity).map(|_| ()))
        .await?;
    state
        .audit
        .record_sync(
            &viewer.user,
            "user-add",
            &format!("{name} ({})", role.as_str()),
            &viewer.ip,
        )
        .await?;
    Ok(Redirect::to("/admin/utilizatori?saved=1").into_response())
}

#[derive(Debug, Deserialize)]
pub struct SetState {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    disabled: String,
}

/// `POST /admin/utilizatori/{name}/stare` (admin)
pub async fn set_state(
    State(state): State<AppState>,
    viewer: Viewer,
    path: std::result::Result<Path<String>, PathRejection>,
    form: std::result::Result<Form<SetState>, FormRejection>,
) -> Result<Response> {
    let Form(f) = form.map_err(ServerError::form)?;
    viewer.check_csrf(&f.csrf)?;
    viewer.require(Role::Admin)?;
    let Path(name) = path.map_err(|_| ServerError::not_found(""))?;
    users::validate_name(&name).map_err(|_| ServerError::not_found(name.clone()))?;
    if name == viewer.user {
        return Err(ServerError::bad("you cannot disable your own account"));
    }
    let disabled = match f.disabled.as_str() {
        "1" => true,
        "0" => false,
        _ => return Err(ServerError::bad("disabled must be 0 or 1")),
    };
    let archive = state.archive.clone();
    let n = name.clone();
    blocking(move || users::set_disabled(&archive, &n, disabled)).await?;
    if disabled {
        state.sessions.remove_user(&name);
        state.basic.remove_user(&name);
    }
    let action = if disabled {
        "user-disable"
    } else {
        "user-enable"
    };
    state
        .audit
        .record_sync(&viewer.user, action, &name, &viewer.ip)
        .await?;
    Ok(Redirect::to("/admin/utilizatori?saved=1").into_response())
}

#[derive(Debug, Deserialize)]
pub struct SetIdentity {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    function: String,
}

/// `POST /admin/utilizatori/{name}/identitate` (admin): the full name and
/// function printed under "Întocmit".
pub async fn set_identity(
    State(state): State<AppState>,
    viewer: Viewer,
    path: std::result::Result<Path<String>, PathRejection>,
    form: std::result::Result<Form<SetIdentity>, FormRejection>,
) -> Result<Response> {
    let Form(f) = form.map_err(|e| ServerError::bad(e.body_text()))?;
    viewer.check_csrf(&f.csrf)?;
    viewer.require(Role::Admin)?;
    let Path(name) = path.map_err(|_| ServerError::not_found(""))?;
    users::validate_name(&name).map_err(|_| ServerError::not_found(name.clone()))?;
    let identity = users::Identity::new(&f.full_name, &f.function)?;
    let detail = format!("{name}: {} ({})", identity.full_name, identity.function);
    let archive = state.archive.clone();
    let n = name.clone();
    blocking(move || users::set_identity(&archive, &n, &identity)).await?;
    state
        .audit
        .record_sync(&viewer.user, "user-identity", &detail, &viewer.ip)
        .await?;
    Ok(Redirect::to("/admin/utilizatori?saved=1").into_response())
}

#[derive(Debug, Deserialize)]
pub struct AuditFilter {
    #[serde(default, alias = "user")]
    utilizator: Option<String>,
    /// Where an older page starts (from the previous page's link).
    #[serde(default, alias = "before")]
    inainte: Option<String>,
}

/// `GET /admin/audit` (admin)
pub async fn audit(
    State(state): State<AppState>,
    viewer: Viewer,
    q: std::result::Result<Query<AuditFilter>, QueryRejection>,
) -> Result<Response> {
    viewer.require(Role::Admin)?;
    let filter = params(q)?;
    let user = filter.utilizator.unwrap_or_default().trim().to_string();
    if user.len() > 64 {
        return Err(ServerError::bad("user name too long"));
    }
    let before = filter.inainte.filter(|b| !b.is_empty());
    if before.as_ref().is_some_and(|b| b.len() > 64) {
        return Err(ServerError::bad("position in the log too long"));
    }
    let archive = state.archive.clone();
    let u = user.clone();
    let older = before.is_some();
    let page = blocking(move || {
        let u = (!u.is_empty()).then_some(u.as_str());
        audit::page(&archive, u, before.as_deref(), AUDIT_ROWS)
    })
    .await?;
    Ok(views::admin::audit(&viewer, &page, &user, older).into_response())
}
