//! One dossier: its folder's files grouped into pages (a PDF or a
//! multi-page TIFF gives several), the pages processed in parallel, then one
//! group commit with the dossier's events.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use arhiva_store::{Dossier, Event, Format};
use rayon::prelude::*;

use crate::detect::{role, Role};
use crate::error::{IoContext, Result, StoreContext};
use crate::inventory::InventoryRow;
use crate::page::{self, PageJob, PageResult};
use crate::pdf_pages::{self, OpenedPdf};
use crate::pipeline::{Ctx, DEFAULT_FOND};
use crate::redelivery::{self, Redelivery};
use crate::report::QuarantineItem;
use crate::{raster, sandbox, IngestEvent};

/// The dossier record an inventory row describes.
pub(crate) fn dossier_of(ctx: &Ctx<'_>, row: &InventoryRow) -> Dossier {
    Dossier {
        cota: row.cota.clone(),
        fond: DEFAULT_FOND.to_string(),
        inventory: format!("{}/{}", ctx.batch, row.department),
        indicativ: row.indicativ.clone(),
        title: row.title.clone(),
        department: row.department.clone(),
        first_year: row.years.0,
        last_year: row.years.1,
        sheets: row.sheets,
        term: row.term,
        term_source: row.term_source.clone(),
        location: row.location.clone(),
        notes: row.notes.clone(),
        doc_type: row.doc_type.clone(),
        batch: ctx.batch.clone(),
    }
}

/// The page number a file name carries (`0007.tif` → 7).
fn page_number(name: &str) -> Option<u32> {
    let stem = name.split('.').next()?;
    if stem.is_empty() || stem.len() > 6 || !stem.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    stem.parse().ok().filter(|&n| n > 0)
}

/// Ingest one dossier (its folder may be missing: then only the record).
pub(crate) fn ingest(ctx: &Ctx<'_>, row: &InventoryRow, folder: Option<&Path>) -> Result<()> {
    let mut dossier = dossier_of(ctx, row);
    let existing = ctx
        .archive
        .catalog()
        .dossier(&row.cota)
        .in_delivery(ctx.delivery)?;
    let mut events = Vec::new();
    let (jobs, files) = match folder {
        Some(dir) => plan(ctx, &dossier, dir, &mut events)?,
        None => (Vec::new(), 0),
    };
    (ctx.on_event)(IngestEvent::DossierStarted {
        cota: row.cota.clone(),
        files,
    });
    // A cotă another delivery brought is never merged with this one.
    if let Some(old) = existing.as_ref().filter(|old| old.batch != ctx.batch) {
        match redelivery::compare(ctx, old, &dossier, &jobs)? {
            Redelivery::Completes => {}
            Redelivery::Same { pages } => {
                ctx.tally(|s| {
                    s.dossiers += 1;
                    s.pages += pages.len() as u64;
                    s.already_archived.push(row.cota.clone());
                });
                return finish_early(ctx, row, events);
            }
            Redelivery::Different(reason) => {
                let folder = format!("{}/", row.cota);
                let item = QuarantineItem::new(folder, None, redelivery::CODE, reason);
                events.extend(ctx.quarantine(item));
                return finish_early(ctx, row, events);
            }
        }
    }
    match &existing {
        // Same description from an earlier batch: keep the batch that brought it.
        Some(old)
            if Dossier {
                batch: old.batch.clone(),
                ..dossier.clone()
            } == *old =>
        {
            dossier.batch = old.batch.clone();
        }
        _ => events.insert(
            0,
            Event::DossierRecorded {
                dossier: dossier.clone(),
            },
        ),
    }
    ctx.tally(|s| s.dossiers += 1);
    let results: Vec<Result<PageResult>> = jobs
        .par_iter()
        .map(|job| {
            let t = Instant::now();
            let r = page::process(ctx, &dossier, job);
            ctx.timed(job.file(), t.elapsed());
            r
        })
        .collect();
    let mut to_index = Vec::new();
    let mut documents = HashSet::new();
    for r in results {
        let r = r?;
        for ev in r.events {
            // The pages of a multi-page file each store its document.
            if let Event::DocumentStored { document } = &ev {
                if !documents.insert(document.object) {
                    continue;
                }
            }
            events.push(ev);
        }
        to_index.extend(r.index);
    }
    ctx.commit(events)?;
    for (page, text) in to_index {
        ctx.index_page(&arhiva_index::page_doc(&dossier, &page, &text))?;
    }
    (ctx.on_event)(IngestEvent::DossierDone {
        cota: row.cota.clone(),
    });
    Ok(())
}

/// A file that gives the dossier pages.
enum Source {
    /// A page image (maybe a multi-page TIFF) and its sidecars.
    Image {
        path: PathBuf,
        number: Option<u32>,
        sidecars: Vec<PathBuf>,
    },
    /// A PDF.
    Pdf { path: PathBuf, number: Option<u32> },
}

impl Source {
    fn path(&self) -> &Path {
        match self {
            Source::Image { path, .. } | Source::Pdf { path, .. } => path,
        }
    }

    fn number(&self) -> Option<u32> {
        match self {
            Source::Image { number, .. } | Source::Pdf { number, .. } => *number,
        }
    }
}

/// Commit what a dossier left untouched still reports (quarantined files).
fn finish_early(ctx: &Ctx<'_>, row: &InventoryRow, events: Vec<Event>) -> Result<()> {
    ctx.commit(events)?;
    (ctx.on_event)(IngestEvent::DossierDone {
        cota: row.cota.clone(),
    });
    Ok(())
}

/// Group a folder's files into page jobs; quarantine what fits nowhere.
///
/// Files that give pages are taken in order: those named by a page number
/// (`0001.tif`, `0002.pdf`) by that number, then the others (`dosar.pdf`,
/// `anexa.pdf`, `registru.tif`) by name. A file's first page gets its own
/// number when it is free, else the next free one; a PDF or a multi-page
/// TIFF takes as many numbers as it has pages.
fn plan(
    ctx: &Ctx<'_>,
    dossier: &Dossier,
    dir: &Path,
    events: &mut Vec<Event>,
) -> Result<(Vec<PageJob>, usize)> {
    let mut names: Vec<(String, PathBuf)> = Vec::new();
    for e in fs::read_dir(dir).ctx("list", dir)? {
        let p = e.ctx("list", dir)?.path();
        if p.is_file() {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            names.push((name, p));
        } else if p.is_dir() {
            let item = QuarantineItem::new(
                format!("{}/", ctx.rel(&p)),
                None,
                "unexpected-file",
                "sub-folders in a dossier folder are not read (vezi docs/delivery.md §2)",
            );
            events.extend(ctx.quarantine(item));
        }
    }
    names.sort();
    let files = names.len();
    let mut numbered: BTreeMap<u32, Source> = BTreeMap::new();
    let mut unnumbered: Vec<Source> = Vec::new();
    let mut sidecars: BTreeMap<u32, Vec<PathBuf>> = BTreeMap::new();
    let q = |path: &Path, code: &str, reason: String, events: &mut Vec<Event>| {
        let item = QuarantineItem::new(ctx.rel(path), None, code, reason);
        events.extend(ctx.quarantine(item));
    };
    for (name, path) in names {
        if name.starts_with('.') || name.eq_ignore_ascii_case("thumbs.db") {
            continue;
        }
        let lower = name.to_ascii_lowercase();
        let is_pdf = lower.ends_with(".pdf");
        let is_tiff = lower.ends_with(".tif") || lower.ends_with(".tiff");
        let number = page_number(&name);
        let role = role(&name);
        let takes = role == Role::Scan && (number.is_some() || is_pdf || is_tiff);
        match (role, number, takes) {
            (Role::Scan, number, true) => {
                let source = if is_pdf {
                    Source::Pdf {
                        path: path.clone(),
                        number,
                    }
                } else {
                    Source::Image {
                        path: path.clone(),
                        number,
                        sidecars: Vec::new(),
                    }
                };
                match number {
                    None => unnumbered.push(source),
                    Some(n) => {
                        if let std::collections::btree_map::Entry::Vacant(e) = numbered.entry(n) {
                            e.insert(source);
                        } else {
                            q(
                                &path,
                                "duplicate-page",
                                format!(
                                    "another file already holds page {n} (vezi docs/delivery.md §2)"
                                ),
                                events,
                            );
                        }
                    }
                }
            }
            (Role::Sidecar, Some(n), _) => sidecars.entry(n).or_default().push(path),
            (Role::Sidecar, None, _) if is_package(&path) => ctx.note_package(&path),
            (Role::Other, _, _) => q(
                &path,
                "unsupported-format",
                format!(
                    "{name} is not a page image, PDF or OCR sidecar (vezi docs/delivery.md §3)"
                ),
                events,
            ),
            (_, _, _) => q(
                &path,
                "unexpected-file",
                format!(
                    "{name} is not named after its page number (NNNN.ext; vezi docs/delivery.md §2)"
                ),
                events,
            ),
        }
    }
    let mut jobs = Vec::new();
    if numbered.is_empty() && unnumbered.is_empty() {
        for (n, side) in sidecars {
            jobs.push(PageJob::TextOnly {
                page: n,
                files: side,
            });
        }
        return Ok((jobs, files));
    }
    for (n, side) in std::mem::take(&mut sidecars) {
        match numbered.get_mut(&n) {
            Some(Source::Image { sidecars, .. }) => sidecars.extend(side),
            Some(Source::Pdf { .. }) => {
                for s in side {
                    let reason = format!(
                        "sidecar of {n:04}.pdf: a PDF's text comes from its own text layer \
                         or from OCR (vezi docs/delivery.md §5)"
                    );
                    q(&s, "orphan-sidecar", reason, events);
                }
            }
            None => {
                for s in side {
                    let reason = format!("sidecar has no image ({n:04}.* missing)");
                    q(&s, "orphan-sidecar", reason, events);
                }
            }
        }
    }
    let sources: Vec<Source> = numbered.into_values().chain(unnumbered).collect();
    // Open every file that may hold several pages, in parallel.
    let opened: Vec<Result<Opened>> = sources
        .into_par_iter()
        .map(|s| {
            let t = Instant::now();
            let file = s.path().to_path_buf();
            let r = open_source(ctx, dossier, s);
            ctx.timed(Some(&file), t.elapsed());
            r
        })
        .collect();
    let mut next = 1u32;
    for o in opened {
        let o = o?;
        if let Opened::Rejected(evs) = o {
            events.extend(evs);
            continue;
        }
        let first = o.number().map_or(next, |n| n.max(next));
        match o {
            Opened::Rejected(_) => {}
            Opened::Image {
                path,
                sidecars,
                frames: None,
                ..
            } => {
                jobs.push(PageJob::Image {
                    page: first,
                    scan: path,
                    sidecars,
                    frame: None,
                });
                next = first + 1;
            }
            Opened::Image {
                path,
                sidecars,
                frames: Some((count, bytes)),
                ..
            } => {
                for s in sidecars {
                    let reason = "sidecar of a multi-page TIFF: its pages are OCR'd \
                                  (vezi docs/delivery.md §5)"
                        .to_string();
                    q(&s, "orphan-sidecar", reason, events);
                }
                for index in 0..count {
                    jobs.push(PageJob::Image {
                        page: first + index,
                        scan: path.clone(),
                        sidecars: Vec::new(),
                        frame: Some(page::Frame {
                            index,
                            bytes: Arc::clone(&bytes),
                        }),
                    });
                }
                next = first + count;
            }
            Opened::Pdf { pdf, .. } => {
                let count = pdf.page_count();
                jobs.push(PageJob::Pdf {
                    first,
                    pdf: Arc::new(pdf),
                });
                next = first + count;
            }
        }
    }
    Ok((jobs, files))
}

/// A source, opened far enough to know its page count.
enum Opened {
    /// Quarantined already: its events.
    Rejected(Vec<Event>),
    Image {
        path: PathBuf,
        number: Option<u32>,
        sidecars: Vec<PathBuf>,
        /// A multi-page TIFF: its page count and bytes.
        frames: Option<(u32, Arc<Vec<u8>>)>,
    },
    Pdf {
        pdf: OpenedPdf,
        number: Option<u32>,
    },
}

impl Opened {
    fn number(&self) -> Option<u32> {
        match self {
            Opened::Rejected(_) => None,
            Opened::Image { number, .. } | Opened::Pdf { number, .. } => *number,
        }
    }
}

fn open_source(ctx: &Ctx<'_>, dossier: &Dossier, s: Source) -> Result<Opened> {
    let number = s.number();
    match s {
        Source::Pdf { path, .. } => Ok(match pdf_pages::open(ctx, dossier, &path)? {
            Ok(pdf) => Opened::Pdf { pdf, number },
            Err(evs) => Opened::Rejected(evs),
        }),
        Source::Image { path, sidecars, .. } => {
            let frames = tiff_frames(&path);
            Ok(Opened::Image {
                path,
                number,
                sidecars,
                frames,
            })
        }
    }
}

/// A TIFF with more than one page: its page count and bytes. Only the
/// directory chain is read to count; the bytes are read (once, for all its
/// pages) only when there is more than one page.
fn tiff_frames(path: &Path) -> Option<(u32, Arc<Vec<u8>>)> {
    let mut head = [0u8; 4];
    let mut f = fs::File::open(path).ok()?;
    std::io::Read::read_exact(&mut f, &mut head).ok()?;
    if crate::detect::sniff(&head) != Format::Tiff {
        return None;
    }
    let file = path.to_path_buf();
    let n = sandbox::guarded(page::IMAGE_DEADLINE, move || {
        fs::File::open(&file)
            .map(|f| raster::frame_count_reader(std::io::BufReader::new(f)))
            .unwrap_or(1)
    })
    .unwrap_or(1);
    if n < 2 {
        return None;
    }
    let bytes = fs::read(path).ok()?;
    Some((n, Arc::new(bytes)))
}

/// A METS package description (`mets.xml`): recognised, not a page.
fn is_package(path: &Path) -> bool {
    let mut head = vec![0u8; 4096];
    let Ok(mut f) = fs::File::open(path) else {
        return false;
    };
    let n = std::io::Read::read(&mut f, &mut head).unwrap_or(0);
    crate::detect::xml_kind(&head[..n]) == Some(crate::detect::XmlKind::Mets)
}
