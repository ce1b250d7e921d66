//! The JSON API under `/api/`: the same reads as the pages, the same
//! authentication (session cookie, or HTTP Basic for scripts), the same
//! roles and audit. For consultants every string in a response is masked.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::auth::{Role, Viewer};
use crate::error::{Result, ServerError};
use crate::mask::mask_json;
use crate::routes::dossier::{cota_param, load_dossier, load_page, page_param};
use crate::routes::search::{describe, params, run_person, run_search, PersonParams, SearchParams};
use crate::routes::{file_url, page_url};
use crate::state::AppState;

fn reply(viewer: &Viewer, mut value: Value) -> Response {
    if viewer.masks_cnp() {
        mask_json(&mut value);
    }
    Json(value).into_response()
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| ServerError::Task(e.to_string()))
}

/// `GET /api/me`
pub async fn me(viewer: Viewer) -> Response {
    reply(&viewer, json!({ "user": viewer.user, "role": viewer.role }))
}

/// `GET /api/search?q=&from=&to=&department=&type=&term=&cota=&sort=&page=&limit=`
pub async fn search(
    State(state): State<AppState>,
    viewer: Viewer,
    q: std::result::Result<Query<SearchParams>, QueryRejection>,
) -> Result<Response> {
    let p = params(q)?;
    let (req, page) = p.request(
        state.config.max_query_chars,
        crate::routes::search::PAGE_SIZE,
    )?;
    let results = run_search(&state, &viewer, req.clone()).await?;
    state
        .audit
        .record(&viewer.user, "api-search", &describe(&req), &viewer.ip);
    let mut body = to_json(&results)?;
    if let Some(hits) = body.get_mut("hits").and_then(Value::as_array_mut) {
        for h in hits {
            let (Some(cota), Some(n)) = (h["cota"].as_str(), h["page"].as_u64()) else {
                continue;
            };
            let url = page_url(cota, n as u32, "");
            h["url"] = json!(url);
        }
    }
    body["page"] = json!(page);
    body["limit"] = json!(req.limit);
    body["query"] = json!(req.query);
    Ok(reply(&viewer, body))
}

/// `GET /api/dossiers/{cota}`
pub async fn dossier(
    State(state): State<AppState>,
    viewer: Viewer,
    path: std::result::Result<Path<String>, PathRejection>,
) -> Result<Response> {
    let cota = cota_param(path)?;
    let d = load_dossier(&state, cota, viewer.masks_cnp()).await?;
    state
        .audit
        .record(&viewer.user, "api-dossier", &d.dossier.cota, &viewer.ip);
    let pages: Vec<Value> = d
        .pages
        .iter()
        .zip(&d.images)
        .map(|(p, img)| {
            json!({
                "page": p.page,
                "text_source": p.text_source,
                "confidence": p.confidence,
                "flags": p.flags,
                "url": format!("/api/dossiers/{}/pages/{}", crate::routes::encode(&p.cota), p.page),
                "image": img.then(|| file_url(&p.cota, p.page, "imagine")),
                "original": file_url(&p.cota, p.page, "original"),
            })
        })
        .collect();
    let body = json!({
        "dossier": to_json(&d.dossier)?,
        "disposed": d.disposal.as_ref().map(|t| json!({ "approval": t.approval })),
        "pages": pages,
    });
    Ok(reply(&viewer, body))
}

/// `GET /api/dossiers/{cota}/pages/{n}`
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    path: std::result::Result<Path<(String, String)>, PathRejection>,
) -> Result<Response> {
    let (cota, n) = page_param(path)?;
    let pv = load_page(&state, &viewer, cota, n).await?;
    let target = format!("{} p. {}", pv.dossier.cota, pv.page.page);
    state
        .audit
        .record(&viewer.user, "api-page", &target, &viewer.ip);
    let p = &pv.page;
    let body = json!({
        "cota": p.cota,
        "page": p.page,
        "pages": pv.numbers.len(),
        "title": pv.dossier.title,
        "text": pv.text,
        "text_source": p.text_source,
        "confidence": p.confidence,
        "flags": p.flags,
        "dpi": p.dpi,
        "size_px": p.size_px,
        "payroll": p.payroll.as_ref().map(|pr| json!({ "year": pr.year, "month": pr.month, "rows": pr.rows })),
        "image": (pv.image && pv.withheld.is_none()).then(|| file_url(&p.cota, p.page, "imagine")),
        "original": file_url(&p.cota, p.page, "original"),
    });
    Ok(reply(&viewer, body))
}

/// `GET /api/person?name=&cnp=` (arhivist)
pub async fn person(
    State(state): State<AppState>,
    viewer: Viewer,
    q: std::result::Result<Query<PersonParams>, QueryRejection>,
) -> Result<Response> {
    viewer.require(Role::Arhivist)?;
    let p = params(q)?;
    let Some(query) = p.query()? else {
        return Err(ServerError::bad("give name= or cnp="));
    };
    let target = format!("name={:?} cnp={}", query.name, query.cnp.is_some());
    let r = run_person(&state, &viewer, query).await?;
    state
        .audit
        .record(&viewer.user, "api-person", &target, &viewer.ip);
    Ok(reply(&viewer, to_json(&r)?))
}
