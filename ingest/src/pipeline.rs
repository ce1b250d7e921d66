//! [`ingest_delivery`]: the batch from start to report.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once};
use std::time::Instant;

use arhiva_index::{IndexBatch, SearchIndex};
use arhiva_store::{Archive, Event, ObjectId};
use rayon::prelude::*;
use tracing::{info, warn};

use crate::error::{IngestError, IoContext, Result, StoreContext};
use crate::inventory::{parse_inventory, parse_nomenclator, InventoryRow, Nomenclator};
use crate::report::{BatchReport, QuarantineItem};
use crate::{IngestEvent, IngestOptions, OcrMode};

/// The fond when the inventory does not name one.
pub const DEFAULT_FOND: &str = "Primăria Municipiului Arad";

/// Tallies kept while the batch runs.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    pub dossiers: usize,
    pub pages: u64,
    pub pages_new: u64,
    pub bytes_in: u64,
    pub bytes_stored: u64,
    pub text_sources: BTreeMap<String, u64>,
    pub ocr_pages: u64,
    pub needs_ocr: u64,
    pub flags: BTreeMap<String, u64>,
    /// Cotas whose identical dossier an earlier delivery brought.
    pub already_archived: Vec<String>,
}

/// What every dossier and page worker shares.
pub(crate) struct Ctx<'a> {
    pub archive: &'a Archive,
    pub delivery: &'a Path,
    pub batch: String,
    pub opts: &'a IngestOptions,
    /// OCR may run (allowed and installed).
    pub ocr: bool,
    pub on_event: &'a (dyn Fn(IngestEvent) + Sync),
    pub stats: Mutex<Stats>,
    quarantine: Mutex<Vec<QuarantineItem>>,
    known_quarantine: HashMap<String, (String, String)>,
    pub index: Option<Mutex<IndexBatch<'a>>>,
    /// The batch did not finish before: index every page, not just new ones.
    pub reindex_all: bool,
    started: Mutex<bool>,
    wrote: AtomicBool,
    delivery_name: String,
    /// METS package descriptions seen (relative paths).
    packages: Mutex<Vec<String>>,
    /// Seconds spent per file (relative path).
    timings: Mutex<HashMap<String, f64>>,
}

impl Ctx<'_> {
    /// Report a bad input; returns the journal event unless this batch
    /// already journaled the same entry.
    pub fn quarantine(&self, item: QuarantineItem) -> Option<Event> {
        (self.on_event)(IngestEvent::Quarantined {
            file: item.journal_file(),
            code: item.code.clone(),
            reason: item.reason.clone(),
        });
        warn!(file = %item.journal_file(), code = %item.code, reason = %item.reason, "quarantined");
        let file = item.journal_file();
        let ev = (!self.known_quarantine.contains_key(&file)).then(|| Event::Quarantined {
            batch: self.batch.clone(),
            file,
            code: item.code.clone(),
            reason: item.reason.clone(),
        });
        if let Ok(mut q) = self.quarantine.lock() {
            q.push(item);
        }
        ev
    }

    /// One group commit; the first one of the run opens the batch.
    pub fn commit(&self, mut events: Vec<Event>) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        let mut started = self.started.lock().unwrap_or_else(|p| p.into_inner());
        if !*started {
            events.insert(
                0,
                Event::BatchStarted {
                    batch: self.batch.clone(),
                    delivery: self.delivery_name.clone(),
                    at: now_rfc3339(),
                },
            );
        }
        self.archive.commit(events).in_delivery(self.delivery)?;
        *started = true;
        self.wrote.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// Add a page to the index batch.
    pub fn index_page(&self, doc: &arhiva_index::PageDoc) -> Result<()> {
        if let Some(ix) = &self.index {
            let mut ix = ix.lock().unwrap_or_else(|p| p.into_inner());
            ix.add(doc).map_err(|source| IngestError::Index {
                path: self.delivery.to_path_buf(),
                source,
            })?;
        }
        Ok(())
    }

    /// A METS package description: recognised, read for nothing.
    pub fn note_package(&self, path: &Path) {
        let rel = self.rel(path);
        info!(file = %rel, "METS package description: page order comes from the file names");
        if let Ok(mut p) = self.packages.lock() {
            p.push(rel);
        }
    }

    /// Time spent on a file (added up over its pages).
    pub fn timed(&self, path: Option<&Path>, took: std::time::Duration) {
        if let (Some(path), Ok(mut t)) = (path, self.timings.lock()) {
            *t.entry(self.rel(path)).or_default() += took.as_secs_f64();
        }
    }

    /// Update the tallies.
    pub fn tally(&self, f: impl FnOnce(&mut Stats)) {
        let mut s = self.stats.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut s);
    }

    /// The path of a file relative to the delivery, for reports.
    pub fn rel(&self, path: &Path) -> String {
        path.strip_prefix(self.delivery)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }
}

pub(crate) fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Decoder panics are contained and reported as quarantine entries; keep
/// them off the terminal.
fn quiet_decoder_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let name = std::thread::current().name().map(str::to_string);
            if name.as_deref() == Some("arhiva-decode") {
                tracing::debug!(%info, "decoder panicked (contained)");
            } else {
                prev(info);
            }
        }));
    });
}

/// The batch id of a delivery: its folder name and a hash of its inventory,
/// so the same delivery gets the same id wherever it is copied.
fn batch_id(delivery: &Path, inventory: &[u8]) -> String {
    let name = delivery
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "livrare".into());
    format!("{name}-{}", &ObjectId::of(inventory).to_hex()[..10])
}

/// Ingest one delivery folder into the archive (and the index, if given).
///
/// Bad inputs are quarantined and listed in the report; an `Err` means the
/// batch could not go on (unreadable delivery folder, store or index
/// failure). Safe to run again: only what is missing is done.
pub fn ingest_delivery(
    archive: &Archive,
    index: Option<&SearchIndex>,
    delivery: &Path,
    opts: &IngestOptions,
    on_event: &(dyn Fn(IngestEvent) + Sync),
) -> Result<BatchReport> {
    let started = Instant::now();
    quiet_decoder_panics();
    if !delivery.is_dir() {
        return Err(IngestError::NotADelivery {
            path: delivery.to_path_buf(),
            reason: "not a folder".into(),
        });
    }
    let inv_path = delivery.join("inventar.csv");
    if !inv_path.is_file() {
        return Err(IngestError::NotADelivery {
            path: delivery.to_path_buf(),
            reason: "no inventar.csv".into(),
        });
    }
    let ocr_installed = crate::ocr::languages().is_some();
    if opts.ocr == OcrMode::Always && !ocr_installed {
        return Err(IngestError::NotADelivery {
            path: delivery.to_path_buf(),
            reason: "--ocr always, but tesseract (with ron or eng data) is not installed".into(),
        });
    }
    let inv_bytes = fs::read(&inv_path).ctx("read", &inv_path)?;
    let batch = batch_id(delivery, &inv_bytes);
    let catalog = archive.catalog();
    let previous = catalog
        .batches()
        .in_delivery(delivery)?
        .into_iter()
        .find(|b| b.batch == batch);
    let finished_before = previous.as_ref().is_some_and(|b| b.summary.is_some());
    let known_quarantine: HashMap<String, (String, String)> = catalog
        .quarantine()
        .in_delivery(delivery)?
        .into_iter()
        .filter(|q| q.batch == batch)
        .map(|q| (q.file, (q.code, q.reason)))
        .collect();
    let index_batch = match index {
        Some(ix) => Some(Mutex::new(ix.writer().map_err(|source| {
            IngestError::Index {
                path: delivery.to_path_buf(),
                source,
            }
        })?)),
        None => None,
    };
    let ctx = Ctx {
        archive,
        delivery,
        batch: batch.clone(),
        opts,
        ocr: opts.ocr != OcrMode::Never && ocr_installed,
        on_event,
        stats: Mutex::new(Stats::default()),
        quarantine: Mutex::new(Vec::new()),
        known_quarantine,
        index: index_batch,
        reindex_all: !finished_before,
        started: Mutex::new(previous.is_some() && !finished_before),
        wrote: AtomicBool::new(false),
        delivery_name: delivery.display().to_string(),
        packages: Mutex::new(Vec::new()),
        timings: Mutex::new(HashMap::new()),
    };
    info!(batch = %batch, delivery = %delivery.display(), "ingest started");

    let mut early = Vec::new();
    let rows = read_inventory(&ctx, archive, &inv_bytes, &mut early)?;
    let folders = dossier_folders(&ctx, &rows, &mut early)?;
    ctx.commit(early)?;

    let work = || -> Result<()> {
        rows.par_iter()
            .map(|row| {
                crate::dossier::ingest(&ctx, row, folders.get(&row.cota).map(PathBuf::as_path))
            })
            .collect::<Result<Vec<()>>>()
            .map(|_| ())
    };
    let threads = opts.jobs.unwrap_or(0);
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(work)?,
        Err(_) => work()?,
    }

    let wrote = ctx.wrote.load(Ordering::Relaxed);
    let stats = ctx.stats.into_inner().unwrap_or_else(|p| p.into_inner());
    let mut quarantine = ctx
        .quarantine
        .into_inner()
        .unwrap_or_else(|p| p.into_inner());
    // Inputs quarantined by an earlier run of this batch and skipped now
    // (e.g. the sidecar of a page already stored) are still bad: list them.
    let seen: HashSet<String> = quarantine
        .iter()
        .map(QuarantineItem::journal_file)
        .collect();
    for (file, (code, reason)) in &ctx.known_quarantine {
        if seen.contains(file) {
            continue;
        }
        let (path, line) = match file.rsplit_once(':') {
            Some((p, l)) if l.parse::<u32>().is_ok() => (p.to_string(), l.parse().ok()),
            _ => (file.clone(), None),
        };
        if delivery.join(path.trim_end_matches('/')).exists() {
            quarantine.push(QuarantineItem::new(path, line, code, reason.clone()));
        }
    }
    quarantine.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    let mut package_files = ctx.packages.into_inner().unwrap_or_else(|p| p.into_inner());
    package_files.sort();
    let timings = ctx.timings.into_inner().unwrap_or_else(|p| p.into_inner());
    let slowest = crate::report::slowest(timings, crate::report::SLOWEST);
    let mut report = BatchReport {
        batch: batch.clone(),
        delivery: delivery.display().to_string(),
        dossiers: stats.dossiers,
        pages: stats.pages,
        pages_new: stats.pages_new,
        bytes_in: stats.bytes_in,
        bytes_stored: stats.bytes_stored,
        text_sources: stats.text_sources,
        ocr_pages: stats.ocr_pages,
        needs_ocr: stats.needs_ocr,
        flags: stats.flags,
        quarantined: quarantine.len(),
        quarantine,
        already_ingested: !wrote
            && (finished_before
                || (stats.dossiers > 0 && stats.already_archived.len() == stats.dossiers)),
        already_archived: {
            let mut c = stats.already_archived;
            c.sort();
            c
        },
        package_files,
        slowest,
        seconds: 0.0,
    };
    if let Some(ix) = ctx.index {
        let ix = ix.into_inner().unwrap_or_else(|p| p.into_inner());
        if ix.added() > 0 {
            ix.commit().map_err(|source| IngestError::Index {
                path: delivery.to_path_buf(),
                source,
            })?;
        }
    }
    report.seconds = started.elapsed().as_secs_f64();
    if wrote || !finished_before {
        let summary = serde_json::to_value(&report).unwrap_or_default();
        let finish = vec![Event::BatchFinished {
            batch: batch.clone(),
            summary,
        }];
        let mut opened = ctx.started.lock().unwrap_or_else(|p| p.into_inner());
        let mut events = finish;
        if !*opened {
            events.insert(
                0,
                Event::BatchStarted {
                    batch: batch.clone(),
                    delivery: ctx.delivery_name.clone(),
                    at: now_rfc3339(),
                },
            );
        }
        archive.commit(events).in_delivery(delivery)?;
        *opened = true;
    }
    info!(
        batch = %batch,
        pages = report.pages,
        new = report.pages_new,
        quarantined = report.quarantined,
        seconds = report.seconds,
        "ingest finished"
    );
    Ok(report)
}

/// Inventory and nomenclator → rows; bad rows become quarantine events.
fn read_inventory(
    ctx: &Ctx<'_>,
    archive: &Archive,
    inv_bytes: &[u8],
    events: &mut Vec<Event>,
) -> Result<Vec<InventoryRow>> {
    let delivery = ctx.delivery;
    let nom_path = [
        delivery.join("nomenclator.csv"),
        archive.dir().join("nomenclator.csv"),
    ]
    .into_iter()
    .find(|p| p.is_file());
    let nomenclator = match nom_path {
        None => Nomenclator::default(),
        Some(p) => {
            let bytes = fs::read(&p).ctx("read", &p)?;
            let version = format!("nomenclator.csv@{}", &ObjectId::of(&bytes).to_hex()[..12]);
            match parse_nomenclator(&bytes, version) {
                Ok((n, problems)) => {
                    for pr in problems {
                        let item = QuarantineItem::new(
                            "nomenclator.csv",
                            Some(pr.line),
                            pr.code,
                            pr.reason,
                        );
                        events.extend(ctx.quarantine(item));
                    }
                    n
                }
                Err(pr) => {
                    let item = QuarantineItem::new("nomenclator.csv", None, pr.code, pr.reason);
                    events.extend(ctx.quarantine(item));
                    Nomenclator::default()
                }
            }
        }
    };
    let year = time::OffsetDateTime::now_utc().year();
    match parse_inventory(inv_bytes, &nomenclator, year) {
        Ok((rows, problems)) => {
            for pr in problems {
                let item = QuarantineItem::new("inventar.csv", Some(pr.line), pr.code, pr.reason);
                events.extend(ctx.quarantine(item));
            }
            Ok(rows)
        }
        Err(pr) => {
            let item = QuarantineItem::new("inventar.csv", None, pr.code, pr.reason);
            events.extend(ctx.quarantine(item));
            Ok(Vec::new())
        }
    }
}

/// Dossier folders by cotă; folders no row names are quarantined.
fn dossier_folders(
    ctx: &Ctx<'_>,
    rows: &[InventoryRow],
    events: &mut Vec<Event>,
) -> Result<HashMap<String, PathBuf>> {
    let cotas: HashSet<&str> = rows.iter().map(|r| r.cota.as_str()).collect();
    let mut out = HashMap::new();
    let dir = ctx.delivery;
    let mut entries: Vec<PathBuf> = Vec::new();
    for e in fs::read_dir(dir).ctx("list", dir)? {
        entries.push(e.ctx("list", dir)?.path());
    }
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !p.is_dir() || name.starts_with('.') {
            continue;
        }
        if cotas.contains(name.as_str()) {
            out.insert(name, p);
        } else {
            let item = QuarantineItem::new(
                format!("{name}/"),
                None,
                "unknown-dossier-folder",
                format!("folder {name} has no row in inventar.csv"),
            );
            events.extend(ctx.quarantine(item));
        }
    }
    Ok(out)
}
