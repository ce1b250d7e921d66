//! Command-line arguments shared by every command, the archive's settings
//! file (`arhiva.toml` in the data directory), and the validated [`Config`]
//! the commands receive. Every setting has a default, so a new archive needs
//! no file at all; flags given on the command line win over the file.

use std::path::PathBuf;

use anyhow::Context;
use arhiva_server::certificates::Letterhead;
use serde::Deserialize;

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

/// `arhiva.toml`:
///
/// ```toml
/// [letterhead]             # the header of certificates and letters
/// institution = "Primăria Municipiului Arad"
/// service = "Serviciul Arhivă"
/// address = "Bd. Revoluției nr. 75, 310130 Arad"
/// signatory = "Secretar general"
/// signatory_name = ""
///
/// [retention]
/// transfer_age = 30        # years after which permanent dossiers go to the National Archives
///
/// [server]
/// bind = "127.0.0.1:8080"
/// trusted_proxies = []     # e.g. ["127.0.0.1"] behind a TLS proxy on this host:
///                          # only these may name the client (X-Forwarded-For, Forwarded)
/// search_rate = 10.0       # searches per second per user, on average
/// search_burst = 30        # searches at once before the rate applies
/// header_timeout = 10      # seconds to send a request's headers, or to sit idle
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The institution's letterhead.
    pub letterhead: Letterhead,
    /// Retention settings.
    pub retention: RetentionSettings,
    /// Web server settings.
    pub server: ServerSettings,
}

/// `[retention]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionSettings {
    /// Years after which permanent dossiers are listed for transfer.
    pub transfer_age: u16,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        RetentionSettings { transfer_age: 30 }
    }
}

/// `[server]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSettings {
    /// Address `arhiva serve` listens on.
    pub bind: std::net::SocketAddr,
    /// Proxies allowed to name the client address.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Searches per second per user.
    pub search_rate: f64,
    /// Searches at once per user.
    pub search_burst: f64,
    /// Seconds a connection may take to send headers, or sit idle.
    pub header_timeout: u64,
}

impl Default for ServerSettings {
    fn default() -> Self {
        let server = arhiva_server::ServerConfig::default();
        ServerSettings {
            bind: std::net::SocketAddr::from(([127, 0, 0, 1], 8080)),
            trusted_proxies: server.trusted_proxies,
            search_rate: server.search_rate,
            search_burst: server.search_burst,
            header_timeout: server.header_timeout.as_secs(),
        }
    }
}

/// What the commands need to know, validated once.
#[derive(Debug, Clone)]
pub struct Config {
    /// The data directory.
    pub data: PathBuf,
    /// The settings file's contents (defaults when there is none).
    pub settings: Settings,
}

impl Config {
    pub fn from_args(args: &GlobalArgs) -> anyhow::Result<Config> {
        let file = args.data.join("arhiva.toml");
        let settings = match std::fs::read_to_string(&file) {
            Ok(text) => toml::from_str(&text)
                .with_context(|| format!("invalid settings in {}", file.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Settings::default(),
            Err(e) => {
                return Err(e).with_context(|| format!("cannot read {}", file.display()));
            }
        };
        Ok(Config {
            data: args.data.clone(),
            settings,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn config_with(text: Option<&str>) -> anyhow::Result<Config> {
        let dir = tempfile::tempdir()?;
        if let Some(t) = text {
            std::fs::write(dir.path().join("arhiva.toml"), t)?;
        }
        Config::from_args(&GlobalArgs {
            data: dir.path().to_path_buf(),
        })
    }

    #[test]
    fn no_file_means_defaults() {
        let c = config_with(None).expect("config");
        assert_eq!(c.settings.retention.transfer_age, 30);
        assert_eq!(
            c.settings.letterhead.institution,
            "Primăria Municipiului Arad"
        );
        assert_eq!(c.settings.server.bind.port(), 8080);
    }

    #[test]
    fn a_partial_file_keeps_the_other_defaults() {
        let c = config_with(Some(
            "[letterhead]\ninstitution = \"Primăria Municipiului Timișoara\"\n[retention]\ntransfer_age = 20\n",
        ))
        .expect("config");
        assert_eq!(
            c.settings.letterhead.institution,
            "Primăria Municipiului Timișoara"
        );
        assert_eq!(c.settings.letterhead.service, "Serviciul Arhivă");
        assert_eq!(c.settings.retention.transfer_age, 20);
    }

    #[test]
    fn proxies_and_search_limits_come_from_the_file() {
        let c = config_with(None).expect("config");
        assert!(
            c.settings.server.trusted_proxies.is_empty(),
            "no proxy is trusted by default"
        );
        assert_eq!(c.settings.server.search_rate, 10.0);
        assert_eq!(c.settings.server.search_burst, 30.0);
        let c = config_with(Some(
            "[server]\ntrusted_proxies = [\"127.0.0.1\", \"::1\"]\nsearch_rate = 2.5\nsearch_burst = 5\n",
        ))
        .expect("config");
        assert_eq!(c.settings.server.trusted_proxies.len(), 2);
        assert_eq!(c.settings.server.search_rate, 2.5);
        assert_eq!(c.settings.server.search_burst, 5.0);
        assert!(config_with(Some("[server]\ntrusted_proxies = [\"localhost\"]\n")).is_err());
    }

    #[test]
    fn a_bad_file_is_an_error_naming_it() {
        let e =
            config_with(Some("[retention]\ntransfer_age = \"treizeci\"\n")).expect_err("invalid");
        assert!(format!("{e:#}").contains("arhiva.toml"), "{e:#}");
        let e = config_with(Some("[retentie]\n")).expect_err("unknown section");
        assert!(format!("{e:#}").contains("arhiva.toml"), "{e:#}");
    }
}
