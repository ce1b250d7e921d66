//! `arhiva demo`: everything a new user needs to see the archive at work,
//! in one command. Generates a sample scan delivery (about 50 dossiers with
//! page images, sidecars, PDFs and a few planted defects) into
//! `<data>/demo-delivery`, ingests it with the search index, creates the
//! users `demo` (arhivist), `consultant` and `admin` with fresh random
//! passwords, prints the address and the logins, and serves on
//! 127.0.0.1:8080 (or the next free port). Running it again reuses the
//! delivery and the archive and only sets new passwords.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use arhiva_index::SearchIndex;
use arhiva_ingest::{ingest_delivery, IngestOptions};
use arhiva_server::auth::Role;
use arhiva_server::{users, AppState, ServerConfig};
use arhiva_store::{Archive, StoreError};

use crate::cmd::ingest::{needs_ocr_advice, OcrArg, Progress};
use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to serve on; the next free port is taken when it is busy.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Dossiers in the sample delivery.
    #[arg(long, default_value_t = 50)]
    pub dossiers: usize,
    /// OCR pages delivered without text: `auto` when tesseract is
    /// installed (about a minute on two cores), `never` to skip it.
    #[arg(long, value_enum, default_value_t = OcrArg::Auto)]
    pub ocr: OcrArg,
    /// Prepare everything but do not serve.
    #[arg(long)]
    pub no_serve: bool,
}

/// The demo's users: name, role.
/// Demo accounts: login, role, and the name and function printed under
/// "Întocmit" on the documents they issue.
const USERS: [(&str, Role, &str, &str); 3] = [
    ("demo", Role::Arhivist, "Maria Ionescu", "inspector"),
    ("consultant", Role::Consultant, "Andrei Pop", "consilier"),
    ("admin", Role::Admin, "Elena Mureșan", "arhivist"),
];

pub fn run(config: &Config, args: Args) -> anyhow::Result<ExitCode> {
    if let Ok(exe) = std::env::current_exe() {
        arhiva_ingest::sandbox::use_helper(exe);
    }
    let data = &config.data;
    let archive = match Archive::open(data) {
        Err(StoreError::CatalogLocked { .. }) => anyhow::bail!(
            "the archive at {} is in use by another arhiva process (is a server running?)",
            data.display()
        ),
        other => {
            other.with_context(|| format!("failed to open the archive at {}", data.display()))?
        }
    };
    let (index, opened) = SearchIndex::open(&data.join("index"))?;
    if opened.needs_rebuild() && archive.journal().head().seq > 0 {
        arhiva_index::rebuild(&index, &archive)?;
    }

    let delivery = data.join("demo-delivery");
    if !delivery.join("inventar.csv").is_file() {
        let started = Instant::now();
        eprintln!(
            "arhiva demo: generating a sample delivery of {} dossiers in {}",
            args.dossiers,
            delivery.display()
        );
        let _ = std::fs::remove_dir_all(&delivery);
        let opts = arhiva_fixtures::Options {
            dossiers: args.dossiers,
            seed: 1,
            text_only: false,
            defects: true,
            pages_per_dossier: Some((2, 6)),
        };
        let s = arhiva_fixtures::generate(&delivery, &opts).with_context(|| {
            format!(
                "failed to generate the sample delivery in {}",
                delivery.display()
            )
        })?;
        eprintln!(
            "arhiva demo: {} dossiers, {} pages, {} planted defects in {:.1} s",
            s.dossiers,
            s.pages,
            s.defects,
            started.elapsed().as_secs_f64()
        );
    }
    let started = Instant::now();
    let opts = IngestOptions {
        ocr: args.ocr.into(),
        jobs: None,
        derivatives: true,
    };
    let progress = Progress::new();
    let report = ingest_delivery(&archive, Some(&index), &delivery, &opts, &|e| {
        progress.event(e)
    });
    progress.finish();
    let report = report.with_context(|| format!("failed to ingest {}", delivery.display()))?;
    if report.already_ingested {
        eprintln!("arhiva demo: the sample delivery is already in the archive");
    } else {
        eprintln!(
            "arhiva demo: ingested {} dossiers, {} pages ({} quarantined, as planted) in {:.1} s",
            report.dossiers,
            report.pages,
            report.quarantined,
            started.elapsed().as_secs_f64()
        );
    }
    if let Some(advice) = needs_ocr_advice(&archive, args.ocr) {
        eprintln!("arhiva demo: {advice}");
    }

    let mut logins = Vec::new();
    for (name, role, full_name, function) in USERS {
        let password = users::random_password(14);
        let identity = users::Identity::new(full_name, function)?;
        match users::get(&archive, name)? {
            Some(u) => {
                users::set_password(&archive, name, &password)?;
                users::set_disabled(&archive, name, false)?;
                if u.full_name.is_empty() {
                    users::set_identity(&archive, name, &identity)?;
                }
            }
            None => {
                users::add_with(&archive, name, role, &password, &identity)?;
            }
        }
        logins.push((name, role, password));
    }

    let server_config = ServerConfig {
        letterhead: config.settings.letterhead.clone(),
        retention: arhiva_retention::Rules {
            transfer_age: config.settings.retention.transfer_age,
            ..arhiva_retention::Rules::default()
        },
        ..ServerConfig::default()
    };
    let state = AppState::new(Arc::new(archive), Arc::new(index), server_config);
    let announce = |addr: SocketAddr| {
        println!();
        println!("  arhiva demo is ready: http://{addr}/");
        println!();
        for (name, role, password) in &logins {
            println!(
                "    user {name:<11} password {password}   ({})",
                role.as_str()
            );
        }
        println!();
        println!("  Try: search \"plata\" or \"hotarare\", open a page, download the original;");
        println!(
            "  as consultant, CNPs are masked. Data: {}. Stop with Ctrl-C.",
            data.display()
        );
        println!();
    };
    if args.no_serve {
        announce(args.bind);
        return Ok(ExitCode::SUCCESS);
    }
    crate::cmd::serve::serve(state, args.bind, true, announce)?;
    Ok(ExitCode::SUCCESS)
}
