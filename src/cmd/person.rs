//! `arhiva person NAME`: find the months a person was on the payroll, with
//! the pages that show it — the search behind a work-seniority certificate
//! ("adeverință de vechime").
//!
//! With `--json` prints [`arhiva_index::PersonResults`]: months as
//! `"YYYY-MM"`, each with its evidence pages (`cota`, `page`, the name as
//! printed, CNP, function, salary).

use std::io::Write;
use std::process::ExitCode;

use arhiva_index::PersonQuery;

use crate::cmd::search::{bad_usage, open_index};
use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The name, in either order, with or without diacritics.
    pub name: String,
    /// The personal numeric code, matched exactly.
    #[arg(long)]
    pub cnp: Option<String>,
    /// Print the results as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(config: &Config, args: Args) -> anyhow::Result<ExitCode> {
    let index = open_index(config)?;
    let query = PersonQuery {
        name: args.name,
        cnp: args.cnp,
    };
    let results = match index.person(&query) {
        Ok(r) => r,
        Err(e) => return bad_usage(e),
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &results)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if results.months.is_empty() {
        writeln!(out, "no payroll months found for {}", query.name)?;
        return Ok(ExitCode::SUCCESS);
    }
    let years: std::collections::BTreeSet<&str> =
        results.months.iter().map(|m| &m.month[..4]).collect();
    writeln!(
        out,
        "{}: {} months in {} years",
        query.name,
        results.months.len(),
        years.len()
    )?;
    let mut year = "";
    for m in &results.months {
        if &m.month[..4] != year {
            year = &m.month[..4];
            writeln!(out, "{year}")?;
        }
        for (i, e) in m.pages.iter().enumerate() {
            let when = if i == 0 { m.month.as_str() } else { "" };
            let details: Vec<&str> = [
                Some(e.name_as_printed.as_str()),
                e.cnp.as_deref(),
                e.function.as_deref(),
                e.salary.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect();
            writeln!(
                out,
                "  {when:7}  {} p. {}  ({})",
                e.cota,
                e.page,
                details.join(", ")
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
