//! `arhiva fixtures`: write a sample delivery (a folder as a scanning vendor
//! hands it over) with its ground truth.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the delivery (created; must be empty).
    #[arg(long)]
    pub out: PathBuf,
    /// Number of dossiers.
    #[arg(long, default_value_t = 20)]
    pub dossiers: usize,
    /// Seed: the same seed gives byte-identical output.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Only inventory, nomenclator, `.txt` pages and ground truth (no images).
    #[arg(long)]
    pub text_only: bool,
    /// Plant defects (truncated and empty files, bad PDFs, bad inventory rows, …).
    #[arg(long)]
    pub defects: bool,
}

pub fn run(_config: &Config, args: Args) -> anyhow::Result<ExitCode> {
    let opts = arhiva_fixtures::Options {
        dossiers: args.dossiers,
        seed: args.seed,
        text_only: args.text_only,
        defects: args.defects,
        pages_per_dossier: None,
    };
    let started = Instant::now();
    let s = arhiva_fixtures::generate(&args.out, &opts)
        .with_context(|| format!("failed to generate fixtures in {}", args.out.display()))?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{}: {} dossiers, {} pages, {} persons, {} defects, {} files, {:.1} MiB in {:.1} s ({:.0} pages/s)",
        args.out.display(),
        s.dossiers,
        s.pages,
        s.persons,
        s.defects,
        s.files,
        s.bytes as f64 / (1024.0 * 1024.0),
        secs,
        s.pages as f64 / secs.max(1e-9),
    );
    Ok(ExitCode::SUCCESS)
}
