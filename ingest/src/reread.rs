//! Reading stored pages again: OCR for pages that were ingested without
//! text (tesseract was missing, or failed), from the originals in the
//! store — the delivery folder is not needed any more.
//!
//! Each page read is journaled as a new `PageRecorded` (text, word boxes,
//! payroll rows, the "needs OCR" flag gone) and indexed, one commit per
//! page, so a stop half way keeps what was read. Pages that already have
//! text are left alone. The web server runs this for the pages a
//! certificate request "cannot tell" about.

use arhiva_index::SearchIndex;
use arhiva_store::{Archive, Event, Format, PageFlag, TextSource};

use crate::detect::sniff;
use crate::error::{IngestError, Result};
use crate::{ocr, payroll, pdf};

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reread {
    /// Pages asked for.
    pub pages: usize,
    /// Pages that got text.
    pub read: usize,
    /// Pages that already had text.
    pub already: usize,
    /// Pages that could not be read, with the reason.
    pub failed: Vec<(String, u32, String)>,
}

fn store_err(what: &str, source: arhiva_store::StoreError) -> IngestError {
    IngestError::Store {
        path: what.into(),
        source,
    }
}

/// OCR the stored pages `pages` (cotă, page) that have no text. `progress`
/// is told `(done, total)` after each page.
pub fn ocr_stored_pages(
    archive: &Archive,
    index: Option<&SearchIndex>,
    pages: &[(String, u32)],
    progress: &dyn Fn(usize, usize),
) -> Result<Reread> {
    let mut out = Reread {
        pages: pages.len(),
        ..Reread::default()
    };
    if ocr::languages().is_none() {
        for (cota, n) in pages {
            out.failed
                .push((cota.clone(), *n, "tesseract is not installed".into()));
        }
        return Ok(out);
    }
    for (done, (cota, n)) in pages.iter().enumerate() {
        let what = format!("{cota} p. {n}");
        let catalog = archive.catalog();
        let (Some(mut page), Some(dossier)) = (
            catalog.page(cota, *n).map_err(|e| store_err(&what, e))?,
            catalog.dossier(cota).map_err(|e| store_err(&what, e))?,
        ) else {
            out.failed.push((cota.clone(), *n, "no such page".into()));
            continue;
        };
        if page.text.is_some() {
            out.already += 1;
            progress(done + 1, pages.len());
            continue;
        }
        let original = archive
            .objects()
            .get(&page.document)
            .map_err(|e| store_err(&what, e))?;
        let image = match (sniff(&original), page.pdf_page) {
            (Format::Tiff | Format::Jpeg | Format::Png, _) => Some(original),
            (Format::Pdf, Some(k)) => pdf::page_jpeg(&original, k),
            _ => None,
        };
        let Some(image) = image else {
            out.failed
                .push((cota.clone(), *n, "the original holds no page image".into()));
            progress(done + 1, pages.len());
            continue;
        };
        let text = match ocr::recognize(&image) {
            Ok(t) if !t.text.trim().is_empty() => t,
            Ok(_) => {
                out.failed
                    .push((cota.clone(), *n, "OCR found no text".into()));
                progress(done + 1, pages.len());
                continue;
            }
            Err(e) => {
                out.failed.push((cota.clone(), *n, e));
                progress(done + 1, pages.len());
                continue;
            }
        };
        let put = archive
            .objects()
            .put_text(text.text.as_bytes())
            .map_err(|e| store_err(&what, e))?;
        page.text = Some(put.id);
        if !text.words.is_empty() {
            let json = serde_json::to_vec(&text.words).unwrap_or_default();
            let put = archive
                .objects()
                .put_bytes(&json)
                .map_err(|e| store_err(&what, e))?;
            page.words = Some(put.id);
        }
        page.text_source = TextSource::Ocr;
        page.confidence = text.confidence;
        page.payroll = payroll::parse_page(&text.text, &text.words);
        page.flags.retain(|f| *f != PageFlag::NeedsOcr);
        archive
            .commit(vec![Event::PageRecorded { page: page.clone() }])
            .map_err(|e| store_err(&what, e))?;
        if let Some(ix) = index {
            let index_err = |source| IngestError::Index {
                path: what.clone().into(),
                source,
            };
            let mut w = ix.writer().map_err(index_err)?;
            w.add(&arhiva_index::page_doc(&dossier, &page, &text.text))
                .map_err(index_err)?;
            w.commit().map_err(index_err)?;
        }
        out.read += 1;
        progress(done + 1, pages.len());
    }
    Ok(out)
}
