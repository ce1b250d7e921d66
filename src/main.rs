//! `arhiva`: the command line. Thin: parses arguments (clap derive), builds a
//! validated [`config::Config`], and hands it to one function per command in
//! `src/cmd/`. Libraries do the work; only this binary draws progress bars.

mod cmd;
mod config;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// A digital archive for scanned municipal dossiers.
#[derive(Debug, Parser)]
#[command(name = "arhiva", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: config::GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate a realistic sample scan delivery (with ground truth).
    Fixtures(cmd::fixtures::Args),
    /// Ingest scan deliveries (inventory, page images, sidecars, PDFs).
    Ingest(cmd::ingest::Args),
    /// Cron-friendly run: ingest new deliveries from an inbox, under a lock.
    Nightly(cmd::nightly::Args),
    /// Re-hash stored objects and check the journal's chain (fixity).
    Verify(cmd::verify::Args),
    /// Rebuild the catalog and the search index from store + journal.
    Rebuild(cmd::rebuild::Args),
    /// Search the pages: words, "phrases", filters, facets.
    Search(cmd::search::Args),
    /// Find the months a person was on the payroll, with the pages.
    Person(cmd::person::Args),
    /// Requests register for certificates: add, list, show, extend.
    Request(cmd::request::Args),
    /// Issue the answer to a request (batch): certificate or negative letter.
    Certificate(cmd::certificate::Args),
    /// Serve the web UI and the JSON API (127.0.0.1:8080 by default).
    Serve(cmd::serve::Args),
    /// Manage user accounts: add, passwd, disable, enable, list.
    User(cmd::user::Args),
    /// Generate a sample delivery, ingest it, create demo users and serve.
    Demo(cmd::demo::Args),
    /// Retention: due lists, legal holds, proposal, approval, disposal, transfer.
    Retention(cmd::retention::Args),
    /// Export dossiers as a BagIt package (transfer to the National Archives).
    Export(cmd::export::Args),
}

impl Command {
    /// Whether the command may start an archive in a folder that holds
    /// none. Every other command refuses such a folder: a typo in `--data`
    /// must not become an empty archive that answers "nothing found".
    fn may_create_archive(&self) -> bool {
        match self {
            // `fixtures` writes a delivery elsewhere and never opens the archive.
            Command::Fixtures(_) | Command::Ingest(_) | Command::Nightly(_) | Command::Demo(_) => {
                true
            }
            Command::User(args) => matches!(args.command, cmd::user::UserCommand::Add { .. }),
            _ => false,
        }
    }
}

fn main() -> ExitCode {
    // A re-execution of this binary as a sandboxed file parser (ingest).
    if let Some(code) = arhiva_ingest::sandbox::maybe_child() {
        return code;
    }
    let cli = Cli::parse();
    config::init_tracing();
    // The archive holds personal data: whatever this process writes is
    // private to its user, whatever umask it was started with.
    arhiva_store::private_umask();
    let config = match config::Config::from_args(&cli.global) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("arhiva: {e:#}");
            return ExitCode::from(2);
        }
    };
    if !cli.command.may_create_archive() {
        if let Err(e) = arhiva_store::archive::check_exists(&config.data) {
            eprintln!(
                "arhiva: {e} (run `arhiva ingest` to create one, or check --data / ARHIVA_DATA)"
            );
            return ExitCode::FAILURE;
        }
    }
    let result = match cli.command {
        Command::Fixtures(args) => cmd::fixtures::run(&config, args),
        Command::Ingest(args) => cmd::ingest::run(&config, args),
        Command::Nightly(args) => cmd::nightly::run(&config, args),
        Command::Verify(args) => cmd::verify::run(&config, args),
        Command::Rebuild(args) => cmd::rebuild::run(&config, args),
        Command::Search(args) => cmd::search::run(&config, args),
        Command::Person(args) => cmd::person::run(&config, args),
        Command::Request(args) => cmd::request::run(&config, args),
        Command::Certificate(args) => cmd::certificate::run(&config, args),
        Command::Serve(args) => cmd::serve::run(&config, args),
        Command::User(args) => cmd::user::run(&config, args),
        Command::Demo(args) => cmd::demo::run(&config, args),
        Command::Retention(args) => cmd::retention::run(&config, args),
        Command::Export(args) => cmd::export::run(&config, args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("arhiva: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
