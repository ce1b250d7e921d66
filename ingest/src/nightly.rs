//! `arhiva nightly --inbox DIR`: the unattended run for cron or a systemd
//! timer. Takes a lock in the data directory so two runs never overlap,
//! ingests every delivery folder of the inbox that is not ingested yet,
//! writes the run's report to `<data>/reports/`, and tells the caller
//! whether anything needs a person's attention.
//!
//! A delivery folder is picked up when it holds `inventar.csv` and its name
//! does not start with `.` (copy a delivery in as `.name` and rename it when
//! complete, so a half-copied folder is never read).

use std::fs;
use std::path::{Path, PathBuf};

use arhiva_index::SearchIndex;
use arhiva_store::{Archive, ObjectId};
use fs4::fs_std::FileExt;
use serde::{Deserialize, Serialize};

use crate::error::{IngestError, IoContext, Result, StoreContext};
use crate::{ingest_delivery, BatchReport, IngestEvent, IngestOptions};

/// What happened to one delivery folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryOutcome {
    /// The folder.
    pub delivery: String,
    /// `ingested`, `already-ingested` or `failed`.
    pub status: String,
    /// The batch report, when it ran.
    pub report: Option<BatchReport>,
    /// Why it failed.
    pub error: Option<String>,
}

/// The report of one nightly run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NightlyReport {
    /// RFC 3339.
    pub started: String,
    /// RFC 3339.
    pub finished: String,
    /// The inbox.
    pub inbox: String,
    /// One entry per delivery folder seen.
    pub deliveries: Vec<DeliveryOutcome>,
    /// Quarantined inputs across the run.
    pub quarantined: usize,
    /// Something failed or was quarantined: a person should look.
    pub attention: bool,
    /// Where this report was written.
    pub report_path: Option<PathBuf>,
}

/// The lock file that keeps nightly runs from overlapping.
pub fn lock_path(data: &Path) -> PathBuf {
    data.join("nightly.lock")
}

/// Take the nightly lock or fail with [`IngestError::Locked`]. The lock is
/// released when the returned file is dropped (or the process dies).
pub fn lock(data: &Path) -> Result<fs::File> {
    let path = lock_path(data);
    fs::create_dir_all(data).ctx("create", data)?;
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .ctx("open", &path)?;
    match file.try_lock_exclusive() {
        Ok(true) => Ok(file),
        Ok(false) => Err(IngestError::Locked { path }),
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Err(IngestError::Locked { path }),
        Err(e) => Err(e).ctx("lock", &path),
    }
}

/// Whether a delivery folder's batch has finished before.
fn finished(archive: &Archive, dir: &Path) -> Result<bool> {
    let inv = dir.join("inventar.csv");
    let bytes = fs::read(&inv).ctx("read", &inv)?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let batch = format!("{name}-{}", &ObjectId::of(&bytes).to_hex()[..10]);
    Ok(archive
        .catalog()
        .batches()
        .in_delivery(dir)?
        .iter()
        .any(|b| b.batch == batch && b.summary.is_some()))
}

/// Run once over the inbox. The caller holds [`lock`].
pub fn run(
    archive: &Archive,
    index: Option<&SearchIndex>,
    inbox: &Path,
    opts: &IngestOptions,
    allow_quarantine: bool,
    on_event: &(dyn Fn(IngestEvent) + Sync),
) -> Result<NightlyReport> {
    let started = crate::pipeline::now_rfc3339();
    let mut dirs = Vec::new();
    for e in fs::read_dir(inbox).ctx("list", inbox)? {
        let p = e.ctx("list", inbox)?.path();
        let hidden = p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if p.is_dir() && !hidden && p.join("inventar.csv").is_file() {
            dirs.push(p);
        }
    }
    dirs.sort();
    let mut deliveries = Vec::new();
    for dir in dirs {
        let delivery = dir.display().to_string();
        if finished(archive, &dir)? {
            deliveries.push(DeliveryOutcome {
                delivery,
                status: "already-ingested".into(),
                report: None,
                error: None,
            });
            continue;
        }
        match ingest_delivery(archive, index, &dir, opts, on_event) {
            Ok(report) => deliveries.push(DeliveryOutcome {
                delivery,
                status: "ingested".into(),
                report: Some(report),
                error: None,
            }),
            Err(e @ (IngestError::Store { .. } | IngestError::Index { .. })) => return Err(e),
            Err(e) => {
                tracing::error!(delivery = %delivery, error = %e, "delivery failed");
                deliveries.push(DeliveryOutcome {
                    delivery,
                    status: "failed".into(),
                    report: None,
                    error: Some(e.to_string()),
                });
            }
        }
    }
    let quarantined = deliveries
        .iter()
        .filter_map(|d| d.report.as_ref())
        .map(|r| r.quarantined)
        .sum();
    let failed = deliveries.iter().any(|d| d.status == "failed");
    let mut report = NightlyReport {
        started,
        finished: crate::pipeline::now_rfc3339(),
        inbox: inbox.display().to_string(),
        deliveries,
        quarantined,
        attention: failed || (quarantined > 0 && !allow_quarantine),
        report_path: None,
    };
    let dir = archive.dir().join("reports");
    fs::create_dir_all(&dir).ctx("create", &dir)?;
    let stamp: String = report
        .started
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = dir.join(format!("nightly-{stamp}.json"));
    report.report_path = Some(path.clone());
    let json = serde_json::to_vec_pretty(&report).unwrap_or_default();
    fs::write(&path, json).ctx("write", &path)?;
    Ok(report)
}
