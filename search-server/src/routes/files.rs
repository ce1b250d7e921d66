//! Page images and original files. Every file is found through the
//! catalog — dossier, page, the page's document id — never by a path taken
//! from the request. Consultants get scans with CNP-looking words blacked
//! out; a scan whose CNPs cannot be located, and the original of a page
//! showing CNPs, are withheld from them.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use arhiva_store::Format;

use crate::auth::Viewer;
use crate::backend::{self, Size};
use crate::error::{Result, ServerError};
use crate::mask;
use crate::routes::blocking;
use crate::routes::dossier::page_param;
use crate::state::AppState;

fn withheld(viewer: &Viewer) -> ServerError {
    ServerError::Forbidden {
        reason: viewer.lang.t().image_withheld.to_string(),
    }
}

async fn image(
    state: AppState,
    viewer: &Viewer,
    cota: String,
    n: u32,
    size: Size,
) -> Result<Response> {
    let masks = viewer.masks_cnp();
    let archive = state.archive.clone();
    let st = state.clone();
    let bytes = blocking(move || {
        let page = archive
            .catalog()
            .page(&cota, n)?
            .ok_or_else(|| ServerError::not_found(format!("{cota} p. {n}")))?;
        let mut boxes = None;
        let mut refuse = false;
        if masks && size == Size::Web {
            let words = backend::word_boxes(&archive, &page)?;
            let text_has = backend::page_text(&archive, &page)?
                .as_deref()
                .is_some_and(mask::has_cnp);
            if words.iter().any(|w| mask::is_cnp_word(&w.text)) {
                boxes = Some(words);
            } else if text_has {
                refuse = true;
            }
        }
        if refuse {
            return Ok(Err(()));
        }
        Ok(Ok(st.images.get(
            &archive,
            &page,
            size,
            boxes.as_deref(),
        )?))
    })
    .await?;
    let bytes = match bytes {
        Err(()) => return Err(withheld(viewer)),
        Ok(None) => return Err(ServerError::not_found("")),
        Ok(Some(b)) => b,
    };
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "private, max-age=600"),
        ],
        bytes.as_ref().clone(),
    )
        .into_response())
}

/// `GET /dosar/{cota}/pagina/{n}/imagine`
pub async fn web_image(
    State(state): State<AppState>,
    viewer: Viewer,
    path: std::result::Result<Path<(String, String)>, PathRejection>,
) -> Result<Response> {
    let (cota, n) = page_param(path)?;
    let target = format!("{cota} p. {n}");
    let r = image(state.clone(), &viewer, cota, n, Size::Web).await?;
    state
        .audit
        .record(&viewer.user, "view-image", &target, &viewer.ip);
    Ok(r)
}

/// `GET /dosar/{cota}/pagina/{n}/miniatura`
pub async fn thumbnail(
    State(state): State<AppState>,
    viewer: Viewer,
    path: std::result::Result<Path<(String, String)>, PathRejection>,
) -> Result<Response> {
    let (cota, n) = page_param(path)?;
    image(state, &viewer, cota, n, Size::Thumb).await
}

/// `GET /dosar/{cota}/pagina/{n}/original`
pub async fn original(
    State(state): State<AppState>,
    viewer: Viewer,
    path: std::result::Result<Path<(String, String)>, PathRejection>,
) -> Result<Response> {
    let (cota, n) = page_param(path)?;
    let archive = state.archive.clone();
    let masks = viewer.masks_cnp();
    let c = cota.clone();
    let found = blocking(move || {
        let page = archive
            .catalog()
            .page(&c, n)?
            .ok_or_else(|| ServerError::not_found(format!("{c} p. {n}")))?;
        if masks
            && backend::page_text(&archive, &page)?
                .as_deref()
                .is_some_and(mask::has_cnp)
        {
            return Ok(None);
        }
        let doc = archive
            .catalog()
            .document(&page.document)?
            .ok_or_else(|| ServerError::not_found(format!("{c} p. {n}")))?;
        Ok(Some(doc))
    })
    .await?;
    let Some(doc) = found else {
        return Err(withheld(&viewer));
    };
    let target = format!("{cota} p. {n}: {} ({})", doc.file, doc.object);
    state
        .audit
        .record_sync(&viewer.user, "download", &target, &viewer.ip)
        .await?;
    let archive = state.archive.clone();
    let id = doc.object;
    let bytes = blocking(move || Ok(archive.objects().get(&id)?)).await?;
    let filename = download_name(&cota, &doc.file);
    let ct = match doc.format {
        Format::Tiff => "image/tiff",
        Format::Jpeg => "image/jpeg",
        Format::Png => "image/png",
        Format::Pdf => "application/pdf",
        _ => "application/octet-stream",
    };
    Ok((
        [
            (header::CONTENT_TYPE, ct.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `<cota>_<file>` with anything but `A-Za-z0-9._-` replaced by `_`.
fn download_name(cota: &str, file: &str) -> String {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    format!("{cota}_{base}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(120)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn download_names_are_plain() {
        assert_eq!(
            super::download_name("PMA-00001", "0001.tif"),
            "PMA-00001_0001.tif"
        );
        assert_eq!(super::download_name("A/1", "../x\"y.pdf"), "A_1_x_y.pdf");
    }
}
