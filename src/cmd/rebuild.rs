//! `arhiva rebuild`: recreate the derived views (catalog, search index)
//! from the content store and the journal.

use std::process::ExitCode;

use arhiva_index::SearchIndex;
use arhiva_store::Archive;

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rebuild only the catalog, not the search index.
    #[arg(long)]
    pub catalog_only: bool,
}

pub fn run(config: &Config, args: Args) -> anyhow::Result<ExitCode> {
    let mut archive = Archive::open_existing(&config.data)?;
    let events = archive.rebuild_catalog()?;
    println!(
        "catalog: rebuilt from {events} journal events ({} dossiers)",
        archive.catalog().dossiers()?.len()
    );
    if !args.catalog_only {
        let (index, _) = SearchIndex::open(&config.data.join("index"))?;
        let pages = arhiva_index::rebuild(&index, &archive)?;
        println!("index:   rebuilt with {pages} pages");
    }
    Ok(ExitCode::SUCCESS)
}
