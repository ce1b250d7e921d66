//! Page images and original files. Every file is found through the
//! catalog — dossier, page, the page's document id — never by a path taken
//! from the request. What a consultant gets follows
//! [`backend::clearance`]: a scan known to show no CNP as it is, a scan
//! whose CNPs the word boxes locate with them blacked out (web image and
//! thumbnail alike), anything else withheld with a message saying why. An
//! original is the whole delivered file, so a consultant gets it only when
//! every page of that file is known to show no CNP.
//!
//! Originals are re-hashed as they are served ([`original`]).

use std::io::Read;

use axum::body::{Body, Bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use arhiva_store::{Format, ObjectId, StoreError};

use crate::auth::Viewer;
use crate::backend::{self, Clearance, Size, Withheld};
use crate::error::{Result, ServerError};
use crate::routes::blocking;
use crate::routes::dossier::page_param;
use crate::state::AppState;

fn withheld(viewer: &Viewer, why: Withheld) -> ServerError {
    let t = viewer.lang.t();
    ServerError::Forbidden {
        reason: match why {
            Withheld::Personal => t.image_withheld,
            Withheld::Unread => t.image_unread,
        }
        .to_string(),
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
        let boxes = if masks {
            match backend::clearance(&archive, &page)? {
                Clearance::Clear => None,
                Clearance::Mask(boxes) => Some(boxes),
                Clearance::Withhold(why) => return Ok(Err(why)),
            }
        } else {
            None
        };
        Ok(Ok(st.images.get(
            &archive,
            &page,
            size,
            boxes.as_deref(),
        )?))
    })
    .await?;
    let bytes = match bytes {
        Err(why) => return Err(withheld(viewer, why)),
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
        let doc = archive
            .catalog()
            .document(&page.document)?
            .ok_or_else(|| ServerError::not_found(format!("{c} p. {n}")))?;
        if masks {
            // The original is the whole file: every page of it (a PDF, a
            // multi-page TIFF) must be known to show no CNP.
            for p in archive.catalog().pages(&c)? {
                if p.document != page.document {
                    continue;
                }
                match backend::clearance(&archive, &p)? {
                    Clearance::Clear => {}
                    Clearance::Mask(_) => return Ok(Err(Withheld::Personal)),
                    Clearance::Withhold(why) => return Ok(Err(why)),
                }
            }
        }
        Ok(Ok(doc))
    })
    .await?;
    let doc = match found {
        Ok(doc) => doc,
        Err(why) => {
            let t = viewer.lang.t();
            return Err(ServerError::Forbidden {
                reason: match why {
                    Withheld::Personal => t.original_withheld,
                    Withheld::Unread => t.original_unread,
                }
                .to_string(),
            });
        }
    };
    let target = format!("{cota} p. {n}: {} ({})", doc.file, doc.object);
    state
        .audit
        .record_sync(&viewer.user, "download", &target, &viewer.ip)
        .await?;
    let (size, body) = verified_body(&state, &viewer, doc.object).await?;
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
            (header::CONTENT_LENGTH, size.to_string()),
        ],
        body,
    )
        .into_response())
}

/// Bytes read from the store per chunk served.
const CHUNK: usize = 256 * 1024;

/// The original bytes of an object as a streamed body, re-hashed as they
/// go. The last chunk is held back until the whole object has hashed to
/// its id: when it does not (or the stored frame does not decode), the body
/// ends with an error instead, so the client sees a broken transfer, never
/// a complete response; the failure is logged and audited, and the object
/// is not served again by this process.
async fn verified_body(state: &AppState, viewer: &Viewer, id: ObjectId) -> Result<(u64, Body)> {
    let hex = id.to_hex();
    if lock(&state.corrupt).contains(&hex) {
        return Err(ServerError::Corrupt { object: hex });
    }
    let archive = state.archive.clone();
    let reader = blocking(move || Ok(archive.objects().open_reader(&id)?)).await;
    let mut reader = match reader {
        Ok(r) => r,
        Err(ServerError::Store(StoreError::Corrupt { reason, .. })) => {
            corrupt(state, viewer, &hex, &reason);
            return Err(ServerError::Corrupt { object: hex });
        }
        Err(e) => return Err(e),
    };
    let size = reader.size;
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(4);
    let st = state.clone();
    let who = viewer.clone();
    tokio::task::spawn_blocking(move || {
        let mut hasher = Sha256::new();
        let mut held: Option<Vec<u8>> = None;
        let mut n = 0u64;
        let failed = loop {
            let mut buf = vec![0u8; CHUNK];
            let k = match reader.read(&mut buf) {
                Ok(k) => k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => break Some(format!("cannot decode: {e}")),
            };
            if k == 0 {
                break None;
            }
            buf.truncate(k);
            hasher.update(&buf);
            n += k as u64;
            if let Some(prev) = held.replace(buf) {
                if tx.blocking_send(Ok(Bytes::from(prev))).is_err() {
                    return; // the client went away
                }
            }
        };
        let got = ObjectId(hasher.finalize().into());
        let failed = failed.or_else(|| {
            (got != id || n != size).then(|| format!("content hashes to {got} ({n} bytes)"))
        });
        match failed {
            None => {
                if let Some(last) = held {
                    let _ = tx.blocking_send(Ok(Bytes::from(last)));
                }
            }
            Some(reason) => {
                corrupt(&st, &who, &id.to_hex(), &reason);
                let _ = tx.blocking_send(Err(std::io::Error::other(format!(
                    "object {id} is corrupt: {reason}"
                ))));
            }
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    Ok((size, Body::from_stream(stream)))
}

/// Log, audit and remember an object found corrupt while served.
fn corrupt(state: &AppState, viewer: &Viewer, hex: &str, reason: &str) {
    tracing::error!(object = %hex, reason, "fixity check failed while serving an original");
    lock(&state.corrupt).insert(hex.to_string());
    state.audit.record(
        &viewer.user,
        "object-corrupt",
        &format!("{hex}: {reason}"),
        &viewer.ip,
    );
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
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
