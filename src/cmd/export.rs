//! `arhiva export --bagit DIR`: write a BagIt (RFC 8493) transfer package of
//! chosen dossiers, or of every permanent dossier due for transfer.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use arhiva_retention::bagit::{export_bag, BagOptions};
use arhiva_retention::{self as retention, date, Snapshot};

use crate::cmd::retention::{open, When};
use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write a BagIt package into this directory (must not exist).
    #[arg(long, value_name = "DIR")]
    pub bagit: PathBuf,
    /// Dossiers to export (by cota; repeat the flag).
    #[arg(long = "cota", required_unless_present = "transfer")]
    pub cotas: Vec<String>,
    /// Export every permanent dossier due for transfer.
    #[arg(long, conflicts_with = "cotas")]
    pub transfer: bool,
    #[command(flatten)]
    pub when: When,
    /// Who makes the export.
    #[arg(long, env = "USER", default_value = "arhivist")]
    pub by: String,
    /// Source-Organization in bag-info.txt (default: arhiva.toml's letterhead).
    #[arg(long)]
    pub institution: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(config: &Config, args: Args) -> anyhow::Result<ExitCode> {
    let archive = open(config)?;
    let (cotas, description) = if args.transfer {
        let today = args.when.at.unwrap_or_else(date::today_utc);
        let rules = retention::Rules {
            ..args.when.rules(config)
        };
        let plan = retention::plan(&Snapshot::load(&archive)?, today, &rules);
        let cotas: Vec<String> = plan.transfer.iter().map(|l| l.cota.clone()).collect();
        let d = format!(
            "Predare la Arhivele Nationale: documente permanente mai vechi de {} ani la {}",
            rules.transfer_age,
            date::format(today)
        );
        (cotas, d)
    } else {
        (args.cotas.clone(), "Export de dosare".to_string())
    };
    if cotas.is_empty() {
        eprintln!("arhiva: nothing to export");
        return Ok(ExitCode::from(2));
    }
    let opts = BagOptions {
        institution: args
            .institution
            .clone()
            .unwrap_or_else(|| config.settings.letterhead.institution.clone()),
        by: args.by,
        description,
    };
    let report = match export_bag(&archive, &cotas, &args.bagit, &opts) {
        Ok(r) => r,
        Err(
            e @ (retention::RetentionError::Invalid(_)
            | retention::RetentionError::UnknownTarget { .. }),
        ) => {
            eprintln!("arhiva: {e}");
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(e.into()),
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "{}: {}, {} fișiere, {} octeți în {} (tagmanifest sha256 {})",
            report.id,
            crate::cmd::retention::dosare(report.dossiers as u64),
            report.files,
            report.bytes,
            report.dir.display(),
            report.tagmanifest_sha256
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
