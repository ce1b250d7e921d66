//! The dossier sheet and the page viewer. Both read the catalog by the
//! cotă and page number in the path; anything that is not in the catalog
//! (including `..` and other path tricks) is simply not found.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use arhiva_store::{Dossier, Page, Tombstone, WordBox};

use crate::auth::Viewer;
use crate::backend;
use crate::error::{Result, ServerError};
use crate::mask;
use crate::routes::blocking;
use crate::routes::search::params;
use crate::state::AppState;
use crate::views;

/// The longest cotă looked up.
const MAX_COTA: usize = 200;

/// A dossier as shown: its description, disposal, pages.
#[derive(Debug, Clone)]
pub struct DossierView {
    /// The description.
    pub dossier: Dossier,
    /// The disposal tombstone, when disposed.
    pub disposal: Option<Tombstone>,
    /// The pages, in order.
    pub pages: Vec<Page>,
    /// Whether each page has an image to show.
    pub images: Vec<bool>,
}

/// One page as shown.
#[derive(Debug, Clone)]
pub struct PageView {
    /// Its dossier.
    pub dossier: Dossier,
    /// The page.
    pub page: Page,
    /// Page numbers of the dossier, in order (for previous/next).
    pub numbers: Vec<u32>,
    /// Its text (masked for consultants).
    pub text: Option<String>,
    /// Its word boxes (texts masked for consultants).
    pub words: Vec<WordBox>,
    /// Whether there is an image to show.
    pub image: bool,
    /// Why the image is withheld from this viewer, if it is (CNPs the boxes
    /// do not locate, or no text to tell).
    pub withheld: Option<backend::Withheld>,
}

/// Check a cotă from the path.
pub fn cota_param(p: std::result::Result<Path<String>, PathRejection>) -> Result<String> {
    let Path(cota) = p.map_err(|_| ServerError::not_found(""))?;
    check_cota(&cota)?;
    Ok(cota)
}

fn check_cota(cota: &str) -> Result<()> {
    if cota.is_empty() || cota.len() > MAX_COTA || cota.chars().any(char::is_control) {
        return Err(ServerError::not_found(""));
    }
    Ok(())
}

/// Check a cotă and page number from the path.
pub fn page_param(
    p: std::result::Result<Path<(String, String)>, PathRejection>,
) -> Result<(String, u32)> {
    let Path((cota, n)) = p.map_err(|_| ServerError::not_found(""))?;
    check_cota(&cota)?;
    let n: u32 = n.parse().map_err(|_| ServerError::not_found(""))?;
    Ok((cota, n))
}

/// Read a dossier. With `masks` (a consultant), pages whose scan is
/// withheld count as having no image to show.
pub async fn load_dossier(state: &AppState, cota: String, masks: bool) -> Result<DossierView> {
    let archive = state.archive.clone();
    blocking(move || {
        let catalog = archive.catalog();
        let dossier = catalog
            .dossier(&cota)?
            .ok_or_else(|| ServerError::not_found(cota.clone()))?;
        let disposal = catalog.disposal(&cota)?;
        let pages = catalog.pages(&cota)?;
        let images = pages
            .iter()
            .map(|p| {
                Ok(backend::has_image(&archive, p)?
                    && !(masks
                        && matches!(
                            backend::clearance(&archive, p)?,
                            backend::Clearance::Withhold(_)
                        )))
            })
            .collect::<Result<Vec<bool>>>()?;
        Ok(DossierView {
            dossier,
            disposal,
            pages,
            images,
        })
    })
    .await
}

/// Read a page, masked for consultants.
pub async fn load_page(
    state: &AppState,
    viewer: &Viewer,
    cota: String,
    n: u32,
) -> Result<PageView> {
    let archive = state.archive.clone();
    let masks = viewer.masks_cnp();
    blocking(move || {
        let catalog = archive.catalog();
        let dossier = catalog
            .dossier(&cota)?
            .ok_or_else(|| ServerError::not_found(cota.clone()))?;
        let mut page = catalog
            .page(&cota, n)?
            .ok_or_else(|| ServerError::not_found(format!("{cota} p. {n}")))?;
        let numbers = catalog.pages(&cota)?.iter().map(|p| p.page).collect();
        let mut text = backend::page_text(&archive, &page)?;
        let mut words = backend::word_boxes(&archive, &page)?;
        let image = backend::has_image(&archive, &page)?;
        let mut withheld = None;
        if masks {
            if let backend::Clearance::Withhold(why) = backend::clearance(&archive, &page)? {
                withheld = image.then_some(why);
            }
            text = text.map(|t| mask::mask_all(&t));
            for w in &mut words {
                w.text = mask::mask_all(&w.text);
            }
            if let Some(pr) = &mut page.payroll {
                for row in &mut pr.rows {
                    if let Some(c) = &mut row.cnp {
                        *c = mask::mask_all(c);
                    }
                }
            }
        }
        Ok(PageView {
            dossier,
            page,
            numbers,
            text,
            words,
            image,
            withheld,
        })
    })
    .await
}

/// `GET /dosar/{cota}`
pub async fn dossier(
    State(state): State<AppState>,
    viewer: Viewer,
    path: std::result::Result<Path<String>, PathRejection>,
) -> Result<Response> {
    let cota = cota_param(path)?;
    let mut d = load_dossier(&state, cota, viewer.masks_cnp()).await?;
    if viewer.masks_cnp() {
        d.dossier.title = mask::mask(&d.dossier.title).into_owned();
        d.dossier.notes = mask::mask(&d.dossier.notes).into_owned();
    }
    state
        .audit
        .record(&viewer.user, "view-dossier", &d.dossier.cota, &viewer.ip);
    Ok(views::dossier::page(&viewer, &d).into_response())
}

/// The viewer's query parameter: what to highlight.
#[derive(Debug, Default, Deserialize)]
pub struct Highlight {
    /// The search query.
    pub q: Option<String>,
}

/// `GET /dosar/{cota}/pagina/{n}`
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    path: std::result::Result<Path<(String, String)>, PathRejection>,
    q: std::result::Result<Query<Highlight>, QueryRejection>,
) -> Result<Response> {
    let (cota, n) = page_param(path)?;
    let q = params(q)?.q.unwrap_or_default();
    if q.chars().count() > state.config.max_query_chars {
        return Err(ServerError::bad("query too long"));
    }
    let mut pv = load_page(&state, &viewer, cota, n).await?;
    if viewer.masks_cnp() {
        pv.dossier.title = mask::mask(&pv.dossier.title).into_owned();
    }
    let target = format!("{} p. {}", pv.dossier.cota, pv.page.page);
    state
        .audit
        .record(&viewer.user, "view-page", &target, &viewer.ip);
    Ok(views::page::page(&viewer, &pv, &q).into_response())
}
