//! Command-line arguments shared by every command, and the validated
//! [`Config`] the commands receive.

use std::path::PathBuf;

/// Options every command accepts.
#[derive(Debug, clap::Args)]
pub struct GlobalArgs {
    /// The data directory (objects, journal, catalog, index).
    #[arg(
        long,
        global = true,
        env = "ARHIVA_DATA",
        default_value = "arhiva-data"
    )]
    pub data: PathBuf,
}

/// What the commands need to know, validated once.
#[derive(Debug, Clone)]
pub struct Config {
    /// The data directory.
    pub data: PathBuf,
}

impl Config {
    pub fn from_args(args: &GlobalArgs) -> anyhow::Result<Config> {
        Ok(Config {
            data: args.data.clone(),
        })
    }
}

/// Logs go to stderr; `RUST_LOG` overrides the default filter.
pub fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("arhiva=info,tantivy=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
