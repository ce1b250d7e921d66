//! `arhiva fixtures`: write a sample delivery.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the delivery.
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(_config: &Config, _args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet implemented")
}
