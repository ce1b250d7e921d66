//! `arhiva nightly --inbox DIR`: the cron / systemd-timer run. Ingests every
//! delivery in the inbox not ingested yet, under a lock so runs never
//! overlap, writes a report to `<data>/reports/`, stays quiet unless
//! something needs attention. Exit 0: all well; 1: something failed or was
//! quarantined (see the report); 3: another run holds the lock.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use arhiva_index::SearchIndex;
use arhiva_ingest::{nightly, IngestError, IngestOptions};
use arhiva_store::Archive;

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
    let archive = Archive::open(&config.data)
        .with_context(|| format!("failed to open the archive at {}", config.data.display()))?;
    let (index, opened) = SearchIndex::open(&config.data.join("index"))?;
    if opened.needs_rebuild() && archive.journal().head().seq > 0 {
        arhiva_index::rebuild(&index, &archive)?;
    }
    let opts = IngestOptions {
        ocr: args.ocr.into(),
        jobs: None,
        derivatives: true,
    };
    let progress = Progress::new();
    let report = nightly::run(
        &archive,
        Some(&index),
        &args.inbox,
        &opts,
        args.allow_quarantine,
        &|e| progress.event(e),
    );
    progress.finish();
    let report =
        report.with_context(|| format!("nightly run over {} failed", args.inbox.display()))?;
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
