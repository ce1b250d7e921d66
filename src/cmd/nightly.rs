//! `arhiva nightly --inbox DIR`: the cron / systemd-timer run. Ingests every
//! delivery in the inbox not ingested yet, under a lock so runs never
//! overlap, writes a report to `<data>/reports/`, stays quiet unless
//! something needs attention. Exit 0: all well; 1: something failed or was
//! quarantined (see the report); 3: another run holds the lock. While
//! `arhiva serve` holds the archive, the server does the run
//! ([`arhiva_ingest::control`]) and this waits for its report.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use arhiva_index::SearchIndex;
use arhiva_ingest::nightly::NightlyReport;
use arhiva_ingest::{control, nightly, IngestError, IngestOptions};
use arhiva_store::{Archive, StoreError};

use crate::cmd::ingest::{OcrArg, Progress};
use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder the vendor's deliveries arrive in.
    #[arg(long)]
    pub inbox: PathBuf,
    /// OCR pages without text: auto, always, never.
    #[arg(long, value_enum, default_value_t = OcrArg::Auto)]
    pub ocr: OcrArg,
    /// Quarantined inputs alone do not make the exit code non-zero.
    #[arg(long)]
    pub allow_quarantine: bool,
    /// Print the run's report as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(config: &Config, args: Args) -> anyhow::Result<ExitCode> {
    if let Ok(exe) = std::env::current_exe() {
        arhiva_ingest::sandbox::use_helper(exe);
    }
    let _lock = match nightly::lock(&config.data) {
        Ok(l) => l,
        Err(IngestError::Locked { path }) => {
            eprintln!(
                "arhiva: another nightly run is in progress (lock {})",
                path.display()
            );
            return Ok(ExitCode::from(3));
        }
        Err(e) => return Err(e.into()),
    };
    let report = match Archive::open(&config.data) {
        Ok(archive) => run_here(config, &args, &archive)?,
        Err(StoreError::CatalogLocked { .. }) => hand_over(config, &args)?,
        Err(e) => {
            return Err(e).with_context(|| {
                format!("failed to open the archive at {}", config.data.display())
            })
        }
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for d in &report.deliveries {
            let detail = match (&d.report, &d.error) {
                (Some(r), _) => format!(
                    "{} pages ({} new), {} quarantined",
                    r.pages, r.pages_new, r.quarantined
                ),
                (None, Some(e)) => e.clone(),
                _ => String::new(),
            };
            println!("{}  {}  {}", d.status, d.delivery, detail);
        }
        if let Some(p) = &report.report_path {
            println!("report: {}", p.display());
        }
    }
    Ok(if report.attention {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Run in this process, which holds the archive.
fn run_here(config: &Config, args: &Args, archive: &Archive) -> anyhow::Result<NightlyReport> {
    let (index, opened) = SearchIndex::open(&config.data.join("index"))?;
    if opened.needs_rebuild() && archive.journal().head().seq > 0 {
        arhiva_index::rebuild(&index, archive)?;
    }
    let opts = IngestOptions {
        ocr: args.ocr.into(),
        jobs: None,
        derivatives: true,
    };
    let progress = Progress::new();
    let report = nightly::run(
        archive,
        Some(&index),
        &args.inbox,
        &opts,
        args.allow_quarantine,
        &|e| progress.event(e),
    );
    progress.finish();
    report.with_context(|| format!("nightly run over {} failed", args.inbox.display()))
}

/// A running `arhiva serve` holds the archive: it does the run.
fn hand_over(config: &Config, args: &Args) -> anyhow::Result<NightlyReport> {
    let inbox = std::fs::canonicalize(&args.inbox)
        .with_context(|| format!("cannot read the inbox {}", args.inbox.display()))?;
    let job = control::NightlyJob {
        inbox,
        ocr: args.ocr.into(),
        allow_quarantine: args.allow_quarantine,
    };
    tracing::info!("the archive is being served; the server does this run");
    match control::hand_over(&config.data, &job) {
        Ok(Some(report)) => Ok(report),
        Ok(None) => bail!(
            "the archive at {} is in use by another arhiva process that does not take nightly runs; run again when it has finished",
            config.data.display()
        ),
        Err(e) => Err(e)
            .with_context(|| format!("nightly run over {} failed", args.inbox.display())),
    }
}
