//! `arhiva search QUERY`: search the pages of the archive.
//!
//! Prints the hits (dossier, page, title, snippet) and the facet counts, or
//! with `--json` the [`arhiva_index::SearchResults`] as they are: a stable
//! interface where each hit has `cota`, `page`, `score` and `snippet`.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Context;
use arhiva_index::{Filters, IndexError, SearchIndex, SearchRequest, Sort};
use tracing::info;

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to look for: words (all required), "phrases", OR, NOT/-word,
    /// word*, and fields such as an:1998 or compartiment:urbanism.
    pub query: String,
    /// Print the results as JSON.
    #[arg(long)]
    pub json: bool,
    /// Hits to show.
    #[arg(long, default_value_t = arhiva_index::DEFAULT_LIMIT)]
    pub limit: usize,
    /// Hits to skip (paging).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Only dossiers whose years reach this year or later.
    #[arg(long)]
    pub year_from: Option<i32>,
    /// Only dossiers whose years begin this year or earlier.
    #[arg(long)]
    pub year_to: Option<i32>,
    /// Only this department ("compartiment"), with or without diacritics.
    #[arg(long)]
    pub department: Option<String>,
    /// Only this document type.
    #[arg(long)]
    pub doc_type: Option<String>,
    /// Only this retention term ("50", "P", ...).
    #[arg(long)]
    pub term: Option<String>,
    /// Order: relevance, year-asc or year-desc.
    #[arg(long, default_value = "relevance", value_parser = parse_sort)]
    pub sort: Sort,
}

fn parse_sort(s: &str) -> Result<Sort, String> {
    s.parse::<Sort>().map_err(|e| e.to_string())
}

/// Open `<data>/index`, rebuilding it from the archive when it was missing
/// or unreadable.
pub fn open_index(config: &Config) -> anyhow::Result<SearchIndex> {
    // Never start an index (or an archive) in a folder that holds none.
    arhiva_store::archive::check_exists(&config.data)?;
    let dir = config.data.join("index");
    let (index, opened) = SearchIndex::open(&dir)
        .with_context(|| format!("failed to open the search index at {}", dir.display()))?;
    if opened.needs_rebuild() {
        info!(path = %dir.display(), ?opened, "search index missing or unreadable, rebuilding it from the archive");
        let archive = arhiva_store::Archive::open_existing(&config.data)
            .with_context(|| format!("failed to open the archive at {}", config.data.display()))?;
        arhiva_index::rebuild(&index, &archive)?;
    }
    Ok(index)
}

/// Report a malformed query as bad usage (exit 2); pass other errors on.
pub fn bad_usage(e: IndexError) -> anyhow::Result<ExitCode> {
    match e {
        IndexError::BadQuery { message, .. } => {
            eprintln!("arhiva: {message}");
            Ok(ExitCode::from(2))
        }
        other => Err(other.into()),
    }
}

pub fn run(config: &Config, args: Args) -> anyhow::Result<ExitCode> {
    let req = SearchRequest {
        query: args.query,
        limit: args.limit,
        offset: args.offset,
        filters: Filters {
            year_from: args.year_from,
            year_to: args.year_to,
            department: args.department,
            doc_type: args.doc_type,
            term: args.term,
            cota: None,
        },
        sort: args.sort,
        snippets: true,
    };
    // The index is derived from the journal: over a damaged journal its
    // answers cannot be trusted, and `serve` and `verify` refuse too.
    let journal = config.data.join("journal");
    if journal.is_dir() {
        arhiva_store::Journal::check(&journal).with_context(|| {
            format!(
                "the journal at {} is damaged; search refused (run `arhiva verify` for details)",
                journal.display()
            )
        })?;
    }
    let index = open_index(config)?;
    let results = match index.search(&req) {
        Ok(r) => r,
        Err(e) => return bad_usage(e),
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &results)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let bold = std::io::stdout().is_terminal();
    let first = req.offset + 1;
    let last = req.offset + results.hits.len();
    match results.total {
        0 => writeln!(out, "no pages found")?,
        1 => writeln!(out, "1 page found")?,
        n if results.hits.is_empty() => writeln!(out, "{n} pages found")?,
        n => writeln!(out, "{n} pages found, {first}-{last} shown")?,
    }
    for h in &results.hits {
        let years = if h.first_year == h.last_year {
            h.first_year.to_string()
        } else {
            format!("{}-{}", h.first_year, h.last_year)
        };
        writeln!(out)?;
        writeln!(
            out,
            "{} p. {}  [{years}]  {}  ({:.2})",
            h.cota, h.page, h.title, h.score
        )?;
        writeln!(out, "    {}", terminal_text(&h.snippet, bold))?;
    }
    let f = &results.facets;
    if results.total > 0 {
        writeln!(out)?;
        for (label, counts) in [
            ("years", &f.years),
            ("department", &f.department),
            ("type", &f.doc_type),
            ("term", &f.term),
        ] {
            let list: Vec<String> = counts
                .iter()
                .take(8)
                .map(|(v, n)| format!("{v} ({n})"))
                .collect();
            writeln!(out, "{label}: {}", list.join(", "))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A snippet for the terminal: `<b>` becomes bold (or nothing when not a
/// terminal), entities are unescaped.
fn terminal_text(snippet: &str, bold: bool) -> String {
    let (on, off) = if bold {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    snippet
        .replace("<b>", on)
        .replace("</b>", off)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
