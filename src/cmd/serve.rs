//! `arhiva serve [--bind 127.0.0.1:8080]`: the web UI and JSON API. Holds
//! the archive (and its catalog lock) until stopped with Ctrl-C or SIGTERM,
//! and meanwhile does the nightly runs `arhiva nightly` hands over.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context};
use arhiva_ingest::control;
use arhiva_server::{AppState, ServerConfig, ServerError};
use arhiva_store::StoreError;

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on. Loopback by default: put a TLS proxy in front
    /// before binding anything else.
    /// Default: `[server] bind` in arhiva.toml, else 127.0.0.1:8080.
    #[arg(long)]
    pub bind: Option<SocketAddr>,
    /// Mark cookies `Secure` (when served behind TLS).
    #[arg(long)]
    pub secure_cookies: bool,
}

pub fn run(config: &Config, args: Args) -> anyhow::Result<ExitCode> {
    let server_config = ServerConfig {
        secure_cookies: args.secure_cookies,
        letterhead: config.settings.letterhead.clone(),
        retention: arhiva_retention::Rules {
            transfer_age: config.settings.retention.transfer_age,
            ..arhiva_retention::Rules::default()
        },
        trusted_proxies: config.settings.server.trusted_proxies.clone(),
        search_rate: config.settings.server.search_rate,
        search_burst: config.settings.server.search_burst,
        header_timeout: std::time::Duration::from_secs(
            config.settings.server.header_timeout.max(1),
        ),
        ..ServerConfig::default()
    };
    let state = open(&config.data, server_config)?;
    let bind = args.bind.unwrap_or(config.settings.server.bind);
    serve(state, bind, false, |addr| {
        println!(
            "arhiva: serving {} on http://{addr}/",
            config.data.display()
        );
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Open the archive for serving, with a clear message when another
/// process holds it.
pub fn open(data: &Path, config: ServerConfig) -> anyhow::Result<AppState> {
    match arhiva_server::open(data, config) {
        Ok(s) => Ok(s),
        Err(ServerError::Store(StoreError::CatalogLocked { .. })) => bail!(
            "the archive at {} is in use by another arhiva process (a running `arhiva serve` or ingest); stop it first",
            data.display()
        ),
        Err(e) => {
            Err(e).with_context(|| format!("failed to open the archive at {}", data.display()))
        }
    }
}

/// Serve until Ctrl-C or SIGTERM. With `next_free`, a busy port is not an
/// error: the next ones are tried (for the demo).
pub fn serve(
    state: AppState,
    bind: SocketAddr,
    next_free: bool,
    announce: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    if let Ok(exe) = std::env::current_exe() {
        arhiva_ingest::sandbox::use_helper(exe);
    }
    // `arhiva nightly` hands its runs to us while we hold the archive.
    let _control = match control::listen(state.archive.clone(), state.index.clone()) {
        Ok(c) => Some(c),
        Err(e) => {
            tracing::warn!(error = %e, "nightly runs cannot be handed to this server");
            None
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("failed to start the async runtime")?;
    rt.block_on(async move {
        let listener = bind_listener(bind, next_free).await?;
        let addr = listener.local_addr()?;
        announce(addr);
        arhiva_server::serve(listener, state, shutdown_signal())
            .await
            .context("server failed")?;
        eprintln!("arhiva: stopped");
        Ok(())
    })
}

async fn bind_listener(
    bind: SocketAddr,
    next_free: bool,
) -> anyhow::Result<tokio::net::TcpListener> {
    let tries = if next_free && bind.port() != 0 { 20 } else { 1 };
    let mut last = None;
    for i in 0..tries {
        let mut addr = bind;
        addr.set_port(bind.port().saturating_add(i));
        match tokio::net::TcpListener::bind(addr).await {
            Ok(l) => return Ok(l),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => last = Some(e),
            Err(e) => return Err(e).with_context(|| format!("failed to listen on {addr}")),
        }
    }
    match last {
        Some(e) => Err(e).with_context(|| format!("failed to listen on {bind}: address in use")),
        None => bail!("failed to listen on {bind}"),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
