//! `arhiva rebuild`: recreate the derived views (catalog, search index)
//! from the content store and the journal.

use std::process::ExitCode;

use arhiva_store::Archive;

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(config: &Config, _args: Args) -> anyhow::Result<ExitCode> {
    let mut archive = Archive::open(&config.data)?;
    let events = archive.rebuild_catalog()?;
    println!(
        "catalog: rebuilt from {events} journal events ({} dossiers)",
        archive.catalog().dossiers()?.len()
    );
    Ok(ExitCode::SUCCESS)
}
