//! One dossier: its folder's files grouped into pages, the pages processed
//! in parallel, then one group commit with the dossier's events.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use arhiva_store::{Dossier, Event};
use rayon::prelude::*;

use crate::detect::{role, Role};
use crate::error::{IoContext, Result, StoreContext};
use crate::inventory::InventoryRow;
use crate::page::{self, PageJob, PageResult};
use crate::pipeline::{Ctx, DEFAULT_FOND};
use crate::redelivery::{self, Redelivery};
use crate::report::QuarantineItem;
use crate::IngestEvent;

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
        Some(dir) => plan(ctx, dir, &mut events)?,
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
        .map(|job| page::process(ctx, &dossier, job))
        .collect();
    let mut to_index = Vec::new();
    for r in results {
        let r = r?;
        events.extend(r.events);
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

/// Commit what a dossier left untouched still reports (quarantined files).
fn finish_early(ctx: &Ctx<'_>, row: &InventoryRow, events: Vec<Event>) -> Result<()> {
    ctx.commit(events)?;
    (ctx.on_event)(IngestEvent::DossierDone {
        cota: row.cota.clone(),
    });
    Ok(())
}

/// Group a folder's files into page jobs; quarantine what fits nowhere.
fn plan(ctx: &Ctx<'_>, dir: &Path, events: &mut Vec<Event>) -> Result<(Vec<PageJob>, usize)> {
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
                "sub-folders in a dossier folder are not read",
            );
            events.extend(ctx.quarantine(item));
        }
    }
    names.sort();
    let files = names.len();
    let mut scans: BTreeMap<u32, PathBuf> = BTreeMap::new();
    let mut sidecars: BTreeMap<u32, Vec<PathBuf>> = BTreeMap::new();
    let mut pdfs: Vec<PathBuf> = Vec::new();
    let q = |path: &Path, code: &str, reason: String, events: &mut Vec<Event>| {
        let item = QuarantineItem::new(ctx.rel(path), None, code, reason);
        events.extend(ctx.quarantine(item));
    };
    for (name, path) in names {
        if name.starts_with('.') || name.eq_ignore_ascii_case("thumbs.db") {
            continue;
        }
        let is_pdf_name = name.to_ascii_lowercase().ends_with(".pdf");
        match (role(&name), page_number(&name)) {
            (Role::Scan, _) if is_pdf_name && page_number(&name).is_none() => pdfs.push(path),
            (Role::Scan, Some(n)) => {
                if let std::collections::btree_map::Entry::Vacant(e) = scans.entry(n) {
                    e.insert(path);
                } else {
                    q(
                        &path,
                        "duplicate-page",
                        format!("another file already holds page {n}"),
                        events,
                    );
                }
            }
            (Role::Sidecar, Some(n)) => sidecars.entry(n).or_default().push(path),
            (Role::Other, _) => q(
                &path,
                "unsupported-format",
                format!("{name} is not a page image, PDF or OCR sidecar"),
                events,
            ),
            (_, None) => q(
                &path,
                "unexpected-file",
                format!("{name} is not named after its page number (NNNN.ext)"),
                events,
            ),
        }
    }
    let mut jobs = Vec::new();
    if pdfs.len() > 1 {
        for p in pdfs.drain(1..) {
            q(
                &p,
                "unexpected-file",
                "more than one PDF in the dossier folder; only the first is read".into(),
                events,
            );
        }
    }
    let text_only = scans.is_empty() && pdfs.is_empty();
    if text_only {
        for (n, side) in sidecars {
            jobs.push(PageJob::TextOnly {
                page: n,
                files: side,
            });
        }
    } else {
        for (n, side) in sidecars.iter() {
            if !scans.contains_key(n) {
                for s in side {
                    let reason = format!("sidecar has no image ({n:04}.* missing)");
                    q(s, "orphan-sidecar", reason, events);
                }
            }
        }
        for (n, scan) in scans {
            let side = sidecars.remove(&n).unwrap_or_default();
            jobs.push(PageJob::Image {
                page: n,
                scan,
                sidecars: side,
            });
        }
        if let Some(p) = pdfs.pop() {
            jobs.push(PageJob::Pdf { path: p });
        }
    }
    Ok((jobs, files))
}
