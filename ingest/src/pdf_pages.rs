//! The pages of a PDF in a dossier (one PDF for the whole dossier, one per
//! page, or several in name order): the text layer where there is one; for
//! image-only pages the embedded scan's resolution, its JPEG for
//! derivatives and OCR (or the page rendered by poppler when the scan is
//! not a JPEG), or the "needs OCR" flag.
//!
//! A PDF is opened first ([`open`]), when the dossier's files are planned,
//! so that its page count is known before page numbers are given out; its
//! pages are read later by [`pdf_pages`] from the first number it got.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arhiva_store::{Dossier, Event, Format, ObjectId, Page, PageFlag, TextSource};

use crate::detect::{describe, sniff};
use crate::error::{Result, StoreContext};
use crate::page::{
    finish, read, store_document, unchanged, up_to_date, PageResult, IMAGE_DEADLINE,
};
use crate::pdf::PdfInfo;
use crate::pipeline::Ctx;
use crate::sidecar::PageText;
use crate::{derivatives, image_qa, ocr, pdf, sandbox};

/// Resolution pages are rendered at for OCR.
const OCR_RENDER_DPI: u32 = 300;

/// A PDF of the dossier, opened.
#[derive(Debug)]
pub(crate) enum OpenedPdf {
    /// Every page is already in the catalog, as it is.
    Unchanged { path: PathBuf, pages: Vec<Page> },
    /// Read now.
    Read {
        path: PathBuf,
        bytes: Arc<Vec<u8>>,
        info: PdfInfo,
    },
}

impl OpenedPdf {
    /// The file.
    pub(crate) fn path(&self) -> &Path {
        match self {
            OpenedPdf::Unchanged { path, .. } | OpenedPdf::Read { path, .. } => path,
        }
    }

    /// Pages it gives the dossier.
    pub(crate) fn page_count(&self) -> u32 {
        match self {
            OpenedPdf::Unchanged { pages, .. } => pages.len() as u32,
            OpenedPdf::Read { info, .. } => info.pages.len() as u32,
        }
    }
}

/// Open a PDF: its pages, or the quarantine events saying why not.
pub(crate) fn open(
    ctx: &Ctx<'_>,
    dossier: &Dossier,
    path: &Path,
) -> Result<std::result::Result<OpenedPdf, Vec<Event>>> {
    let bytes = match read(ctx, path) {
        Ok(b) => b,
        Err(r) => return Ok(Err(r.events)),
    };
    let what = describe(&bytes);
    // A PDF's header may be missing or late (damaged files poppler still
    // opens): only content of another known format is a wrong extension.
    if sniff(&bytes) != Format::Pdf && what != "text" && what != "unknown binary" {
        let reason = format!("file named .pdf holds {what} data (vezi docs/delivery.md §4)");
        return Ok(Err(PageResult::quarantine(
            ctx,
            path,
            "wrong-extension",
            reason,
        )
        .events));
    }
    let id = ObjectId::of(&bytes);
    let mut stored: Vec<Page> = ctx
        .archive
        .catalog()
        .pages(&dossier.cota)
        .in_delivery(path)?
        .into_iter()
        .filter(|p| p.document == id)
        .collect();
    if !stored.is_empty() && stored.iter().all(|p| up_to_date(ctx, p, &id)) {
        stored.sort_by_key(|p| p.page);
        return Ok(Ok(OpenedPdf::Unchanged {
            path: path.to_path_buf(),
            pages: stored,
        }));
    }
    Ok(match analyze(path, &bytes) {
        Ok(info) => Ok(OpenedPdf::Read {
            path: path.to_path_buf(),
            bytes: Arc::new(bytes),
            info,
        }),
        Err((code, reason)) => Err(PageResult::quarantine(
            ctx,
            path,
            &code,
            format!("{reason} (vezi docs/delivery.md §6)"),
        )
        .events),
    })
}

/// lopdf and pdf-extract in the sandbox; poppler when they give up.
fn analyze(path: &Path, bytes: &[u8]) -> std::result::Result<PdfInfo, (String, String)> {
    let first = match sandbox::pdf(path, bytes) {
        Ok(Ok(mut info)) => {
            fill_empty_pages(path, &mut info);
            let empty = info
                .pages
                .iter()
                .all(|p| p.text.trim().is_empty() && p.image.is_none());
            // Nothing on any page: ask poppler whether there are pages at
            // all (a damaged page tree reads as empty pages to lopdf).
            if empty && pdf::poppler_installed() {
                if let Err((_, why)) = pdf::poppler(path) {
                    return Err((
                        "corrupt-pdf".into(),
                        format!("PDF pages hold nothing readable and {why}"),
                    ));
                }
            }
            return Ok(info);
        }
        Ok(Err(p)) => p,
        Err(c) => {
            let (code, reason) = c.quarantine("PDF");
            (code.to_string(), reason)
        }
    };
    if !pdf::poppler_installed() {
        return Err(first);
    }
    match pdf::poppler(path) {
        Ok(info) => {
            tracing::debug!(file = %path.display(), lopdf = %first.1, "PDF read by poppler");
            Ok(info)
        }
        // Poppler's word on encryption is the one that counts: it opens
        // files with an empty user password that lopdf cannot decrypt.
        Err((code, reason)) if code == "encrypted-pdf" => Err((code, reason)),
        Err((_, reason)) => Err((
            "corrupt-pdf".into(),
            format!("PDF does not open: {}; {reason}", first.1),
        )),
    }
}

/// pdf-extract reads some text layers (CID fonts, odd encodings, the
/// invisible text of OCR'd scans) as nothing; poppler's text fills those
/// pages.
fn fill_empty_pages(path: &Path, info: &mut PdfInfo) {
    let empty = |p: &pdf::PdfPage| p.text.trim().is_empty();
    if !info.pages.iter().any(empty) || !pdf::poppler_installed() {
        return;
    }
    if let Some(texts) = pdf::poppler_texts(path, info.pages.len()) {
        for (p, t) in info.pages.iter_mut().zip(texts) {
            if empty(p) && !t.trim().is_empty() {
                p.text = t;
            }
        }
    }
}

/// Read an opened PDF's pages as dossier pages `first`, `first + 1`, ….
pub(crate) fn pdf_pages(
    ctx: &Ctx<'_>,
    dossier: &Dossier,
    opened: &OpenedPdf,
    first: u32,
) -> Result<PageResult> {
    let (path, bytes, info) = match opened {
        OpenedPdf::Unchanged { path, pages } => {
            let in_place = pages
                .iter()
                .enumerate()
                .all(|(i, p)| p.page == first + i as u32);
            if in_place {
                let mut r = PageResult::default();
                for p in pages {
                    let more = unchanged(ctx, p.clone(), 0)?;
                    r.index.extend(more.index);
                }
                return Ok(r);
            }
            // Pages moved (a file was added before this one): read again.
            let reopened = match open_anyway(ctx, path) {
                Ok(o) => o,
                Err(r) => return Ok(r),
            };
            return pdf_pages(ctx, dossier, &reopened, first);
        }
        OpenedPdf::Read { path, bytes, info } => (path, bytes, info),
    };
    let mut r = PageResult::default();
    let doc = store_document(ctx, dossier, path, bytes, Format::Pdf, &mut r.events)?;
    let n_pages = info.pages.len() as u64;
    for (i, p) in info.pages.iter().enumerate() {
        let num = i as u32 + 1;
        let page_no = first + i as u32;
        let existing = ctx
            .archive
            .catalog()
            .page(&dossier.cota, page_no)
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
                    text: p.text.clone(),
                    ..PageText::default()
                },
                TextSource::PdfText,
            ));
        } else if p.image.is_some() || info.by_poppler {
            if let Some(im) = &p.image {
                match im.dpi {
                    Some(d) if d >= image_qa::MIN_DPI => {}
                    d => flags.push(PageFlag::LowDpi {
                        dpi: d.unwrap_or(0),
                    }),
                }
            }
            let is_jpeg = p.image.as_ref().is_some_and(|im| im.jpeg);
            let wants_image = ctx.opts.derivatives || ctx.ocr;
            let jpeg = if is_jpeg && wants_image {
                let b = Arc::clone(bytes);
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
            }
            if ctx.ocr {
                // A JPEG scan goes to OCR as it is; any other scan (CCITT,
                // Flate) is rendered by poppler first.
                let input = jpeg.or_else(|| pdf::render_page(path, num, OCR_RENDER_DPI));
                match input.map(|b| ocr::recognize(&b)) {
                    Some(Ok(t)) => {
                        text = Some((t, TextSource::Ocr));
                        ocr_ran = true;
                    }
                    Some(Err(e)) => {
                        tracing::warn!(file = %path.display(), page = num, error = %e, "OCR failed")
                    }
                    None => {
                        tracing::warn!(file = %path.display(), page = num, "page could not be rendered for OCR")
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
            page: page_no,
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

/// Open a PDF whose stored pages no longer sit where they were.
fn open_anyway(ctx: &Ctx<'_>, path: &Path) -> std::result::Result<OpenedPdf, PageResult> {
    let bytes = read(ctx, path)?;
    match analyze(path, &bytes) {
        Ok(info) => Ok(OpenedPdf::Read {
            path: path.to_path_buf(),
            bytes: Arc::new(bytes),
            info,
        }),
        Err((code, reason)) => Err(PageResult::quarantine(ctx, path, &code, reason)),
    }
}
