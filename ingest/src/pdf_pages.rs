//! The pages of a dossier's PDF: the text layer where there is one; for
//! image-only pages the embedded scan's resolution, its JPEG for
//! derivatives and OCR, or the "needs OCR" flag.

use std::path::Path;
use std::sync::Arc;

use arhiva_store::{Dossier, Format, ObjectId, Page, PageFlag, TextSource};

use crate::detect::{describe, sniff};
use crate::error::{Result, StoreContext};
use crate::page::{
    finish, read, store_document, unchanged, up_to_date, PageResult, IMAGE_DEADLINE,
};
use crate::pipeline::Ctx;
use crate::sidecar::PageText;
use crate::{derivatives, image_qa, ocr, pdf, sandbox};

/// Read a dossier's PDF into pages.
pub(crate) fn pdf_pages(ctx: &Ctx<'_>, dossier: &Dossier, path: &Path) -> Result<PageResult> {
    let bytes = match read(ctx, path) {
        Ok(b) => b,
        Err(r) => return Ok(r),
    };
    if sniff(&bytes) != Format::Pdf {
        let reason = format!("file named .pdf holds {} data", describe(&bytes));
        return Ok(PageResult::quarantine(ctx, path, "wrong-extension", reason));
    }
    let id = ObjectId::of(&bytes);
    let stored: Vec<Page> = ctx
        .archive
        .catalog()
        .pages(&dossier.cota)
        .in_delivery(path)?
        .into_iter()
        .filter(|p| p.document == id)
        .collect();
    if !stored.is_empty() && stored.iter().all(|p| up_to_date(ctx, p, &id)) {
        let mut r = PageResult::default();
        for p in stored {
            let more = unchanged(ctx, p, 0)?;
            r.index.extend(more.index);
        }
        return Ok(r);
    }
    let info = match sandbox::pdf(path, &bytes) {
        Ok(Ok(info)) => info,
        Ok(Err((code, reason))) => return Ok(PageResult::quarantine(ctx, path, &code, reason)),
        Err(c) => {
            let (code, reason) = c.quarantine("PDF");
            return Ok(PageResult::quarantine(ctx, path, code, reason));
        }
    };
    let mut r = PageResult::default();
    let doc = store_document(ctx, dossier, path, &bytes, Format::Pdf, &mut r.events)?;
    let bytes = Arc::new(bytes);
    let n_pages = info.pages.len() as u64;
    for (i, p) in info.pages.into_iter().enumerate() {
        let num = i as u32 + 1;
        let existing = ctx
            .archive
            .catalog()
            .page(&dossier.cota, num)
            .in_delivery(path)?;
        let mut flags = Vec::new();
        let mut text = None;
        let mut ocr_ran = false;
        let (size_px, dpi) = match &p.image {
            Some(im) => (Some((im.width, im.height)), im.dpi),
            None => (None, None),
        };
        if !p.text.trim().is_empty() {
            text = Some((
                PageText {
                    text: p.text,
                    ..PageText::default()
                },
                TextSource::PdfText,
            ));
        } else if let Some(im) = &p.image {
            match im.dpi {
                Some(d) if d >= image_qa::MIN_DPI => {}
                d => flags.push(PageFlag::LowDpi {
                    dpi: d.unwrap_or(0),
                }),
            }
            let wants_image = ctx.opts.derivatives || ctx.ocr;
            let jpeg = if im.jpeg && wants_image {
                let b = Arc::clone(&bytes);
                sandbox::guarded(IMAGE_DEADLINE, move || pdf::page_jpeg(&b, num))
                    .ok()
                    .flatten()
            } else {
                None
            };
            if let Some(j) = &jpeg {
                if ctx.opts.derivatives {
                    if let Ok(Ok(img)) = {
                        let j2 = j.clone();
                        sandbox::guarded(IMAGE_DEADLINE, move || {
                            image_qa::decode(&j2, Format::Jpeg)
                        })
                    } {
                        let _ = derivatives::write(ctx.archive.dir(), &doc, Some(num), &img);
                    }
                }
                if ctx.ocr {
                    match ocr::recognize(j) {
                        Ok(t) => {
                            text = Some((t, TextSource::Ocr));
                            ocr_ran = true;
                        }
                        Err(e) => {
                            tracing::warn!(file = %path.display(), page = num, error = %e, "OCR failed")
                        }
                    }
                }
            }
            if text.is_none() {
                flags.push(PageFlag::NeedsOcr);
            }
        } else {
            flags.push(PageFlag::Blank);
        }
        let page = Page {
            cota: dossier.cota.clone(),
            page: num,
            document: doc,
            pdf_page: Some(num),
            text: None,
            text_source: TextSource::None,
            confidence: None,
            words: None,
            size_px,
            dpi,
            flags,
            payroll: None,
        };
        let share = if i == 0 { bytes.len() as u64 } else { 0 };
        r = finish(ctx, path, existing, page, text, ocr_ran, share, r)?;
    }
    tracing::debug!(file = %path.display(), pages = n_pages, "PDF read");
    Ok(r)
}
