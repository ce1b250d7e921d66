//! One page job: an image (or one page of a multi-page TIFF) with its
//! sidecars, a text-only page, or the pages of one PDF. Each reads its file
//! once, skips what the catalog already holds with the same object id,
//! quarantines what it cannot use, and returns the journal events for the
//! dossier's group commit.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use arhiva_store::{Document, Dossier, Event, Format, ObjectId, Page, PageFlag, TextSource};

use crate::detect::{by_extension, describe, sniff};
use crate::error::{Result, StoreContext};
use crate::pipeline::Ctx;
use crate::report::QuarantineItem;
use crate::sidecar::{parse_sidecar, ImageSize, PageText, Sidecar};
use crate::{derivatives, image_qa, ocr, payroll, raster, sandbox, IngestEvent};

/// How long decoding one image may take.
pub(crate) const IMAGE_DEADLINE: Duration = Duration::from_secs(60);

/// Work for one page (or one PDF).
#[derive(Debug)]
pub(crate) enum PageJob {
    /// `NNNN.tif|jpg|png|jp2` and its sidecars, or one page of a
    /// multi-page TIFF.
    Image {
        page: u32,
        scan: PathBuf,
        sidecars: Vec<PathBuf>,
        frame: Option<Frame>,
    },
    /// A text-only delivery: the sidecar is the page.
    TextOnly { page: u32, files: Vec<PathBuf> },
    /// A PDF of the dossier, its pages numbered from `first`.
    Pdf {
        first: u32,
        pdf: Arc<crate::pdf_pages::OpenedPdf>,
    },
}

impl PageJob {
    /// The file the job reads.
    pub(crate) fn file(&self) -> Option<&Path> {
        match self {
            PageJob::Image { scan, .. } => Some(scan),
            PageJob::TextOnly { files, .. } => files.first().map(PathBuf::as_path),
            PageJob::Pdf { pdf, .. } => Some(pdf.path()),
        }
    }
}

/// One page of a multi-page TIFF: its index and the file's bytes, read
/// once for all its pages.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    /// 0-based.
    pub index: u32,
    /// The whole file.
    pub bytes: Arc<Vec<u8>>,
}

/// Events for the group commit, and pages for the index.
#[derive(Default)]
pub(crate) struct PageResult {
    pub events: Vec<Event>,
    pub index: Vec<(Page, String)>,
}

impl PageResult {
    pub(crate) fn quarantine(
        ctx: &Ctx<'_>,
        path: &Path,
        code: &str,
        reason: impl Into<String>,
    ) -> PageResult {
        let mut r = PageResult::default();
        r.events
            .extend(ctx.quarantine(QuarantineItem::new(ctx.rel(path), None, code, reason)));
        r
    }
}

fn flag_name(f: &PageFlag) -> &'static str {
    match f {
        PageFlag::LowDpi { .. } => "low-dpi",
        PageFlag::Blank => "blank",
        PageFlag::TinyImage => "tiny-image",
        PageFlag::HugeImage => "huge-image",
        PageFlag::NeedsOcr => "needs-ocr",
        PageFlag::Undecodable => "undecodable",
    }
}

/// Process one job.
pub(crate) fn process(ctx: &Ctx<'_>, dossier: &Dossier, job: &PageJob) -> Result<PageResult> {
    match job {
        PageJob::Image {
            page,
            scan,
            sidecars,
            frame,
        } => image_page(ctx, dossier, *page, scan, sidecars, frame.as_ref()),
        PageJob::TextOnly { page, files } => text_page(ctx, dossier, *page, files),
        PageJob::Pdf { first, pdf } => crate::pdf_pages::pdf_pages(ctx, dossier, pdf, *first),
    }
}

pub(crate) fn read(ctx: &Ctx<'_>, path: &Path) -> std::result::Result<Vec<u8>, PageResult> {
    match fs::read(path) {
        Ok(b) => {
            ctx.tally(|s| s.bytes_in += b.len() as u64);
            if b.is_empty() {
                Err(PageResult::quarantine(
                    ctx,
                    path,
                    "empty-file",
                    "file is empty (0 bytes)",
                ))
            } else {
                Ok(b)
            }
        }
        Err(e) => Err(PageResult::quarantine(
            ctx,
            path,
            "unreadable-file",
            format!("cannot read the file: {e}"),
        )),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Whether a stored page is complete: same original, and nothing a run with
/// OCR could add.
pub(crate) fn up_to_date(ctx: &Ctx<'_>, p: &Page, id: &ObjectId) -> bool {
    p.document == *id && !(ctx.ocr && p.flags.contains(&PageFlag::NeedsOcr))
}

/// Put a document's original and journal it if the catalog lacks it.
pub(crate) fn store_document(
    ctx: &Ctx<'_>,
    dossier: &Dossier,
    path: &Path,
    bytes: &[u8],
    format: Format,
    events: &mut Vec<Event>,
) -> Result<ObjectId> {
    let objects = ctx.archive.objects();
    let put = match format {
        Format::Text => objects.put_text(bytes),
        _ => objects.put_bytes(bytes),
    }
    .in_delivery(path)?;
    ctx.tally(|s| s.bytes_stored += put.written);
    if ctx
        .archive
        .catalog()
        .document(&put.id)
        .in_delivery(path)?
        .is_none()
    {
        events.push(Event::DocumentStored {
            document: Document {
                object: put.id,
                cota: dossier.cota.clone(),
                file: file_name(path),
                format,
                size: put.size,
            },
        });
    }
    Ok(put.id)
}

fn image_page(
    ctx: &Ctx<'_>,
    dossier: &Dossier,
    n: u32,
    scan: &Path,
    sidecars: &[PathBuf],
    frame: Option<&Frame>,
) -> Result<PageResult> {
    let shared = match frame {
        Some(f) => Arc::clone(&f.bytes),
        None => match read(ctx, scan) {
            Ok(b) => Arc::new(b),
            Err(r) => return Ok(r),
        },
    };
    let index = frame.map_or(0, |f| f.index);
    let name = file_name(scan);
    let format = sniff(&shared);
    let claimed = by_extension(&name);
    let page_image = matches!(
        format,
        Format::Tiff | Format::Jpeg | Format::Png | Format::Jp2
    );
    if !page_image || claimed != Some(format) {
        let ext = name
            .rsplit_once('.')
            .map(|(_, e)| e.to_string())
            .unwrap_or_default();
        let what = describe(&shared);
        let (code, reason) = match claimed {
            Some(Format::Tiff | Format::Jpeg | Format::Png | Format::Jp2) => (
                "wrong-extension",
                format!("file named .{ext} holds {what} data (vezi docs/delivery.md §4)"),
            ),
            _ if page_image => (
                "wrong-extension",
                format!("file named .{ext} holds {what} data (vezi docs/delivery.md §4)"),
            ),
            _ => (
                "unsupported-format",
                format!(
                    "{what} is not an archival page format: deliver TIFF, JPEG, PNG, \
                     JPEG 2000 or PDF (vezi docs/delivery.md §3)"
                ),
            ),
        };
        return Ok(PageResult::quarantine(ctx, scan, code, reason));
    }
    let id = ObjectId::of(&shared);
    let existing = ctx
        .archive
        .catalog()
        .page(&dossier.cota, n)
        .in_delivery(scan)?;
    let share = if index == 0 { shared.len() as u64 } else { 0 };
    if let Some(p) = existing.as_ref().filter(|p| up_to_date(ctx, p, &id)) {
        return unchanged(ctx, p.clone(), share);
    }
    let for_decode = Arc::clone(&shared);
    let decoded = match sandbox::guarded(IMAGE_DEADLINE, move || {
        raster::decode_rust(&for_decode, format, index)
    }) {
        Ok(Ok(d)) => Ok(d),
        Ok(Err(problem)) => raster::decode_external(&shared, format, index, problem),
        Err(c) => {
            let (code, reason) = c.quarantine("image");
            Err((code, reason))
        }
    };
    let decoded = match decoded {
        Ok(d) => d,
        Err((code, reason)) => {
            let reason = format!("{reason} (vezi docs/delivery.md §6)");
            return Ok(PageResult::quarantine(ctx, scan, code, reason));
        }
    };
    let bytes = shared;
    let dpi = decoded
        .dpi
        .or_else(|| image_qa::declared_dpi(&bytes, format));
    let qa = image_qa::check(&decoded.image, dpi);
    let pdf_page = frame.map(|f| f.index + 1);
    if ctx.opts.derivatives {
        if let Err(e) = derivatives::write(ctx.archive.dir(), &id, pdf_page, &decoded.image) {
            tracing::warn!(file = %scan.display(), error = %e, "derivatives not written");
        }
    }
    let mut r = PageResult::default();
    let doc = store_document(ctx, dossier, scan, &bytes, format, &mut r.events)?;
    let mut text = None;
    let mut sorted: Vec<&PathBuf> = sidecars.iter().collect();
    sorted.sort_by_key(|p| sidecar_rank(p));
    let mut bad_sidecars = Vec::new();
    let size = ImageSize {
        width: qa.width,
        height: qa.height,
        dpi,
    };
    for s in sorted {
        match read_sidecar(ctx, s, size) {
            Ok(Some(t)) => {
                text = Some(t);
                break;
            }
            Ok(None) => {}
            Err(SidecarError::Read(q)) => r.events.extend(q.events),
            Err(SidecarError::Parse(path, problem)) => bad_sidecars.push((path, problem)),
        }
    }
    let blank = qa.flags.contains(&PageFlag::Blank);
    // Say what really happens to the page instead of the sidecar's text.
    let instead = match &text {
        Some((_, source)) => format!("the page's text comes from its {} sidecar", source.as_str()),
        None if blank => "the page looks blank, so it is not OCR'd".to_string(),
        None if ctx.ocr => "the page is OCR'd instead".to_string(),
        None => "the page is marked needs OCR instead".to_string(),
    };
    for (path, p) in bad_sidecars {
        let reason = format!("{}; {instead}", p.reason);
        r.events
            .extend(PageResult::quarantine(ctx, &path, p.code, reason).events);
    }
    let blank = qa.flags.contains(&PageFlag::Blank);
    let mut flags = qa.flags;
    let mut ocr_ran = false;
    if text.is_none() && !blank {
        if ctx.ocr {
            let input = raster::ocr_input(&bytes, format, index, &decoded);
            match ocr::recognize(&input) {
                Ok(t) => {
                    text = Some((t, TextSource::Ocr));
                    ocr_ran = true;
                }
                Err(e) => {
                    tracing::warn!(file = %scan.display(), error = %e, "OCR failed; page left for a later run")
                }
            }
        }
        if text.is_none() {
            flags.push(PageFlag::NeedsOcr);
        }
    }
    drop(decoded);
    let page = Page {
        cota: dossier.cota.clone(),
        page: n,
        document: doc,
        pdf_page,
        text: None,
        text_source: TextSource::None,
        confidence: None,
        words: None,
        size_px: Some((qa.width, qa.height)),
        dpi,
        flags,
        payroll: None,
    };
    finish(ctx, scan, existing, page, text, ocr_ran, share, r)
}

fn sidecar_rank(p: &Path) -> u8 {
    match by_extension(&file_name(p)) {
        Some(Format::Hocr) => 0,
        Some(Format::Alto | Format::PageXml) => 1,
        _ => 2,
    }
}

/// Why a sidecar gave no text.
enum SidecarError {
    /// It could not be read (already quarantined).
    Read(PageResult),
    /// It does not parse: quarantined by the caller, who knows what
    /// happens to the page instead.
    Parse(PathBuf, crate::sidecar::SidecarProblem),
}

/// Read and parse a sidecar. `None` for a METS package description (noted
/// in the report, no text in it).
fn read_sidecar(
    ctx: &Ctx<'_>,
    path: &Path,
    image: ImageSize,
) -> std::result::Result<Option<(PageText, TextSource)>, SidecarError> {
    let bytes = read(ctx, path).map_err(SidecarError::Read)?;
    match parse_sidecar(&file_name(path), &bytes, Some(image)) {
        Ok(Sidecar::Text(t, source, _)) => Ok(Some((t, source))),
        Ok(Sidecar::Package) => {
            ctx.note_package(path);
            Ok(None)
        }
        Err(p) => Err(SidecarError::Parse(path.to_path_buf(), p)),
    }
}

fn text_page(ctx: &Ctx<'_>, dossier: &Dossier, n: u32, files: &[PathBuf]) -> Result<PageResult> {
    let mut sorted: Vec<&PathBuf> = files.iter().collect();
    sorted.sort_by_key(|p| sidecar_rank(p));
    let Some(path) = sorted.first().copied() else {
        return Ok(PageResult::default());
    };
    let existing = ctx
        .archive
        .catalog()
        .page(&dossier.cota, n)
        .in_delivery(path)?;
    let bytes = match read(ctx, path) {
        Ok(b) => b,
        Err(r) => return Ok(r),
    };
    let id = ObjectId::of(&bytes);
    if let Some(p) = existing.as_ref().filter(|p| up_to_date(ctx, p, &id)) {
        return unchanged(ctx, p.clone(), bytes.len() as u64);
    }
    let (t, source, format) = match parse_sidecar(&file_name(path), &bytes, None) {
        Ok(Sidecar::Text(t, source, format)) => (t, source, format),
        Ok(Sidecar::Package) => {
            ctx.note_package(path);
            return Ok(PageResult::default());
        }
        Err(p) => {
            // No image to fall back on: the page is not taken in.
            let mut item = QuarantineItem::new(
                ctx.rel(path),
                None,
                p.code,
                format!("{}; the page has no image, so it is not taken in", p.reason),
            );
            item.action = "deliver the page image, or its text as UTF-8 .txt, hOCR, ALTO or \
                           PAGE XML (vezi docs/delivery.md §5), then re-run ingest"
                .into();
            let mut r = PageResult::default();
            r.events.extend(ctx.quarantine(item));
            return Ok(r);
        }
    };
    let mut r = PageResult::default();
    let doc = store_document(ctx, dossier, path, &bytes, format, &mut r.events)?;
    let page = Page {
        cota: dossier.cota.clone(),
        page: n,
        document: doc,
        pdf_page: None,
        text: None,
        text_source: TextSource::None,
        confidence: None,
        words: None,
        size_px: None,
        dpi: None,
        flags: Vec::new(),
        payroll: None,
    };
    finish(
        ctx,
        path,
        existing,
        page,
        Some((t, source)),
        false,
        bytes.len() as u64,
        r,
    )
}

/// A page already stored as it is: count it, index it if the batch is
/// being re-indexed.
pub(crate) fn unchanged(ctx: &Ctx<'_>, p: Page, bytes: u64) -> Result<PageResult> {
    let mut r = PageResult::default();
    tally_page(ctx, &p, false, false);
    if ctx.reindex_all && ctx.index.is_some() {
        let text = match &p.text {
            Some(id) => ctx.archive.objects().get(id).in_delivery(ctx.delivery)?,
            None => Vec::new(),
        };
        r.index
            .push((p.clone(), String::from_utf8_lossy(&text).into_owned()));
    }
    (ctx.on_event)(IngestEvent::PageDone {
        cota: p.cota.clone(),
        page: p.page,
        bytes,
    });
    Ok(r)
}

fn tally_page(ctx: &Ctx<'_>, p: &Page, new: bool, ocr_ran: bool) {
    ctx.tally(|s| {
        s.pages += 1;
        if new {
            s.pages_new += 1;
        }
        if ocr_ran {
            s.ocr_pages += 1;
        }
        *s.text_sources
            .entry(p.text_source.as_str().to_string())
            .or_default() += 1;
        for f in &p.flags {
            *s.flags.entry(flag_name(f).to_string()).or_default() += 1;
            if *f == PageFlag::NeedsOcr {
                s.needs_ocr += 1;
            }
        }
    });
}

/// Store the text, recognise payroll, compare with the catalog, emit.
#[allow(clippy::too_many_arguments)]
pub(crate) fn finish(
    ctx: &Ctx<'_>,
    path: &Path,
    existing: Option<Page>,
    mut page: Page,
    text: Option<(PageText, TextSource)>,
    ocr_ran: bool,
    bytes: u64,
    mut r: PageResult,
) -> Result<PageResult> {
    let mut body = String::new();
    if let Some((t, source)) = text {
        page.text_source = source;
        if !t.text.trim().is_empty() {
            let put = ctx
                .archive
                .objects()
                .put_text(t.text.as_bytes())
                .in_delivery(path)?;
            ctx.tally(|s| s.bytes_stored += put.written);
            page.text = Some(put.id);
            if !t.words.is_empty() {
                let json = serde_json::to_vec(&t.words).unwrap_or_default();
                let put = ctx.archive.objects().put_bytes(&json).in_delivery(path)?;
                ctx.tally(|s| s.bytes_stored += put.written);
                page.words = Some(put.id);
            }
            page.confidence = t.confidence;
            page.payroll = payroll::parse_page(&t.text, &t.words);
            body = t.text;
        }
    }
    let new = existing.as_ref() != Some(&page);
    tally_page(ctx, &page, new, ocr_ran);
    if new {
        r.events.push(Event::PageRecorded { page: page.clone() });
    }
    if ctx.index.is_some() && (new || ctx.reindex_all) {
        r.index.push((page.clone(), body));
    }
    (ctx.on_event)(IngestEvent::PageDone {
        cota: page.cota.clone(),
        page: page.page,
        bytes,
    });
    Ok(r)
}
