//! `arhiva certificate issue N/YYYY [--out FILE]`: answer a request in one
//! go, for batch use. Searches the petitioner on the payroll pages,
//! confirms every hit whose CNP is the petitioner's or — where the page
//! shows no CNP — whose name matches in every part, and issues the
//! certificate (or the negative answer letter when nothing is found; the
//! certified copy for a copies request). The PDF is kept in the archive;
//! `--out` also writes it to a file. An issued request prints its stored
//! PDF again (`--out`), identical to the first.
//!
//! Exit codes: 0 issued; 1 hits the rule cannot decide (review them in the
//! web workspace) or a failure; 2 bad usage.

use std::process::ExitCode;

use anyhow::Context;
use arhiva_index::SearchIndex;
use arhiva_server::certificates::issue::{issue_batch, stored_pdf};
use arhiva_server::certificates::register;
use arhiva_server::certificates::{CertificateError, RequestNumber, SystemClock};

use crate::cmd::request::{cli_actor, open_archive, usage_or};
use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Search, decide by the batch rule and issue the answer to a request.
    Issue {
        /// Registration number, N/YYYY.
        number: String,
        /// Also write the PDF here.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
}

pub fn run(config: &Config, args: Args) -> anyhow::Result<ExitCode> {
    let Command::Issue { number, out } = args.command;
    let number: RequestNumber = match number.parse() {
        Ok(n) => n,
        Err(e) => return usage_or(e),
    };
    let archive = open_archive(config)?;
    let dir = config.data.join("index");
    let (index, opened) = SearchIndex::open(&dir)
        .with_context(|| format!("failed to open the search index at {}", dir.display()))?;
    if opened.needs_rebuild() {
        arhiva_index::rebuild(&index, &archive)?;
    }
    let before = match register::load(&archive, number) {
        Ok(r) => r,
        Err(e) => return usage_or(e),
    };
    let r = if before.status.is_closed() {
        eprintln!("{number} was already answered; printing the stored document");
        before
    } else {
        let head = config.settings.letterhead.clone();
        match issue_batch(&archive, &index, &cli_actor(), &SystemClock, &head, number) {
            Ok(o) => {
                eprintln!(
                    "{number}: {} hits confirmed, {} rejected by the batch rule",
                    o.confirmed, o.rejected
                );
                o.request
            }
            Err(CertificateError::Undecided { pending, .. }) => {
                eprintln!(
                    "arhiva: {number}: {pending} hit(s) need a person's decision; open the request in the web workspace"
                );
                return Ok(ExitCode::FAILURE);
            }
            Err(e) => return usage_or(e),
        }
    };
    let Some(issued) = &r.issued else {
        anyhow::bail!("{number} is closed but names no document");
    };
    println!(
        "{number}: {} issued on {} by {} (object {}, {} bytes)",
        issued.document.as_str(),
        issued.on,
        issued.by,
        issued.object,
        issued.size
    );
    if let Some(path) = out {
        let bytes = stored_pdf(&archive, &r)?.context("the issued document is not in the store")?;
        std::fs::write(&path, bytes)
            .with_context(|| format!("failed to write {}", path.display()))?;
        println!("written to {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
