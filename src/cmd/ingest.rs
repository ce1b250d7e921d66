//! `arhiva ingest DELIVERY...`: take scan deliveries into the archive.
//! Draws a progress bar on a terminal, plain log lines otherwise; prints the
//! batch report as a table, or as JSON with `--json`. Exit code 0 only when
//! nothing was quarantined (or `--allow-quarantine`).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;

use anyhow::{bail, Context};
use arhiva_index::SearchIndex;
use arhiva_ingest::{ingest_delivery, BatchReport, IngestEvent, IngestOptions, OcrMode};
use arhiva_store::{Archive, StoreError};
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Delivery folders (each with inventar.csv and one folder per dossier).
    #[arg(required = true)]
    pub deliveries: Vec<PathBuf>,
    /// OCR pages without text: auto (when tesseract is installed), always, never.
    #[arg(long, value_enum, default_value_t = OcrArg::Auto)]
    pub ocr: OcrArg,
    /// Print the reports as JSON (one object per delivery, in an array).
    #[arg(long)]
    pub json: bool,
    /// Exit 0 even when inputs were quarantined.
    #[arg(long)]
    pub allow_quarantine: bool,
    /// Worker threads (default: every core).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Do not make thumbnails and web-size images now (they are made on demand).
    #[arg(long)]
    pub no_derivatives: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OcrArg {
    Auto,
    Always,
    Never,
}

impl From<OcrArg> for OcrMode {
    fn from(o: OcrArg) -> OcrMode {
        match o {
            OcrArg::Auto => OcrMode::Auto,
            OcrArg::Always => OcrMode::Always,
            OcrArg::Never => OcrMode::Never,
        }
    }
}

/// Progress drawn from ingest events: a bar on a terminal, log lines otherwise.
pub struct Progress {
    bar: Option<ProgressBar>,
    dossiers: Mutex<u64>,
}

impl Progress {
    pub fn new() -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let b = ProgressBar::new_spinner();
            b.set_style(
                ProgressStyle::with_template(
                    "{spinner} {elapsed_precise} {pos} pages {bytes_per_sec} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            b
        });
        Progress {
            bar,
            dossiers: Mutex::new(0),
        }
    }

    pub fn event(&self, e: IngestEvent) {
        match (&self.bar, e) {
            (Some(b), IngestEvent::PageDone { .. }) => b.inc(1),
            (Some(b), IngestEvent::DossierStarted { cota, .. }) => b.set_message(cota),
            (Some(b), IngestEvent::Quarantined { file, code, .. }) => {
                b.println(format!("quarantined {file}: {code}"))
            }
            (None, IngestEvent::DossierDone { cota }) => {
                let mut n = self.dossiers.lock().unwrap_or_else(|p| p.into_inner());
                *n += 1;
                tracing::info!(dossier = %cota, done = *n, "dossier ingested");
            }
            _ => {}
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// What to say about pages left without text: how many, and how to get
/// them read (install tesseract, allow OCR, or run again when it failed).
pub fn needs_ocr_message(pages: u64, ocr: OcrArg) -> Option<String> {
    if pages == 0 {
        return None;
    }
    if ocr == OcrArg::Never {
        return Some(format!(
            "{pages} pages have no text: OCR was not run (--ocr never); run `arhiva ingest` on the \
             delivery again with --ocr auto to read them"
        ));
    }
    Some(match arhiva_ingest::ocr::missing_advice() {
        Some(install) => format!(
            "{pages} pages have no text (scans without OCR): they cannot be searched, and a \
             certificate over their months says it could not verify them. Install OCR \
             ({install}) and run `arhiva ingest` on the delivery again"
        ),
        None => format!(
            "{pages} pages have no text: OCR failed on them (see the log); run `arhiva ingest` \
             on the delivery again to retry"
        ),
    })
}

/// [`needs_ocr_message`] for the whole archive.
pub fn needs_ocr_advice(archive: &Archive, ocr: OcrArg) -> Option<String> {
    let mut pages = 0u64;
    let scan = archive.catalog().for_each_page(|p| {
        if p.flags.contains(&arhiva_store::PageFlag::NeedsOcr) {
            pages += 1;
        }
        Ok(())
    });
    if let Err(e) = scan {
        tracing::warn!(error = %e, "could not count the pages without text");
    }
    needs_ocr_message(pages, ocr)
}

pub fn run(config: &Config, args: Args) -> anyhow::Result<ExitCode> {
    if let Ok(exe) = std::env::current_exe() {
        arhiva_ingest::sandbox::use_helper(exe);
    }
    let archive = match Archive::open(&config.data) {
        Ok(a) => a,
        Err(StoreError::CatalogLocked { .. }) => bail!(
            "the archive at {} is held by another arhiva process, most likely `arhiva serve`: \
             put the delivery in the inbox and run `arhiva nightly --inbox DIR` (the server \
             does the run), or stop the server and run this again",
            config.data.display()
        ),
        Err(e) => {
            return Err(e).with_context(|| {
                format!("failed to open the archive at {}", config.data.display())
            })
        }
    };
    let (index, opened) = SearchIndex::open(&config.data.join("index"))?;
    if opened.needs_rebuild() && archive.journal().head().seq > 0 {
        let n = arhiva_index::rebuild(&index, &archive)?;
        tracing::info!(pages = n, "search index rebuilt");
    }
    let opts = IngestOptions {
        ocr: args.ocr.into(),
        jobs: args.jobs,
        derivatives: !args.no_derivatives,
    };
    let mut reports: Vec<BatchReport> = Vec::new();
    for d in &args.deliveries {
        let progress = Progress::new();
        let report = ingest_delivery(&archive, Some(&index), d, &opts, &|e| progress.event(e));
        progress.finish();
        let report = report.with_context(|| format!("failed to ingest {}", d.display()))?;
        if !args.json {
            println!("{report}\n");
        }
        reports.push(report);
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    } else if let Some(m) = needs_ocr_message(reports.iter().map(|r| r.needs_ocr).sum(), args.ocr) {
        eprintln!("arhiva ingest: {m}");
    }
    let quarantined: usize = reports.iter().map(|r| r.quarantined).sum();
    Ok(if quarantined == 0 || args.allow_quarantine {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
