//! `arhiva retention …`: due lists, legal holds, the commission's proposal,
//! the National Archives' approval, disposal and the transfer list. The
//! work is in `arhiva-retention`; this module parses, prints and writes
//! files.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use arhiva_index::SearchIndex;
use arhiva_retention::{
    self as retention, date, documents, text, Date, DisposeEvent, DisposeOptions, HoldTarget,
    RetentionError, Rules, Snapshot,
};
use arhiva_store::Archive;

pub use arhiva_retention::documents::dosare;

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Sub,
}

/// Options of every retention command that plans.
#[derive(Debug, Clone, clap::Args)]
pub struct When {
    /// The date to plan for (YYYY-MM-DD); today by default.
    #[arg(long, value_parser = parse_date)]
    pub at: Option<Date>,
    /// Years after which permanent dossiers are listed for transfer
    /// (default: `[retention] transfer_age` in arhiva.toml, else 30).
    #[arg(long)]
    pub transfer_age: Option<u16>,
}

impl When {
    fn today(&self) -> Date {
        self.at.unwrap_or_else(date::today_utc)
    }

    pub fn rules(&self, config: &Config) -> Rules {
        Rules {
            transfer_age: self
                .transfer_age
                .unwrap_or(config.settings.retention.transfer_age),
            ..Rules::default()
        }
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    /// List the dossiers due for disposal, by inventory and department.
    Due {
        #[command(flatten)]
        when: When,
        /// Print the plan as JSON.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print the due list as CSV (`;`, UTF-8).
        #[arg(long)]
        csv: bool,
    },
    /// Legal holds: add, remove, list.
    Hold {
        #[command(subcommand)]
        command: HoldCmd,
    },
    /// Record the selection commission's proposal of what is due, and write
    /// its papers (both inventories, CSV and PDF, and the draft proces-verbal).
    Propose {
        #[command(flatten)]
        when: When,
        /// Propose only these dossiers (by cota); all due ones by default.
        #[arg(long = "cota")]
        cotas: Vec<String>,
        /// Where to write the papers.
        #[arg(long, default_value = ".")]
        out: PathBuf,
        /// Who records it.
        #[arg(long, env = "USER", default_value = "arhivist")]
        by: String,
        /// Institution printed on the papers (default: arhiva.toml's letterhead).
        #[arg(long)]
        institution: Option<String>,
    },
    /// List the proposals with their approvals.
    Proposals {
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Record the National Archives' approval of a proposal.
    Approve {
        /// The proposal id (e.g. PE-2026-001).
        proposal: String,
        /// The county service's registration number.
        #[arg(long)]
        number: String,
        /// The approval's date (YYYY-MM-DD).
        #[arg(long, value_parser = parse_date)]
        date: Date,
        /// Who records it.
        #[arg(long, env = "USER", default_value = "admin")]
        by: String,
    },
    /// Carry out an approved proposal: remove what is still due and not held.
    Dispose {
        /// The proposal id.
        proposal: String,
        #[command(flatten)]
        when: When,
        /// Say what would be removed; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Where to write the destruction record (CSV and PDF).
        #[arg(long, default_value = ".")]
        out: PathBuf,
        /// Who carries it out.
        #[arg(long, env = "USER", default_value = "arhivist")]
        by: String,
        /// Institution printed on the record (default: arhiva.toml's letterhead).
        #[arg(long)]
        institution: Option<String>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the permanent dossiers due for transfer to the National Archives.
    Transfer {
        #[command(flatten)]
        when: When,
        /// Print as JSON.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print as CSV.
        #[arg(long)]
        csv: bool,
    },
    /// Check that disposals left journal, catalog, index and store consistent.
    Check,
}

#[derive(Debug, clap::Subcommand)]
pub enum HoldCmd {
    /// Place a legal hold on a dossier or a whole inventory.
    Add {
        /// The dossier (cota).
        #[arg(
            long,
            conflicts_with = "inventory",
            required_unless_present = "inventory"
        )]
        dossier: Option<String>,
        /// The inventory id.
        #[arg(long)]
        inventory: Option<String>,
        /// Why (petition, litigation, pension dispute: with its number).
        #[arg(long)]
        reason: String,
        /// Who places it.
        #[arg(long, env = "USER", default_value = "admin")]
        by: String,
    },
    /// Release a legal hold.
    Remove {
        /// The hold id (e.g. H-2026-001).
        id: String,
        /// Why it is released.
        #[arg(long, default_value = "")]
        reason: String,
        /// Who releases it.
        #[arg(long, env = "USER", default_value = "admin")]
        by: String,
    },
    /// List the holds in force.
    List {
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn parse_date(s: &str) -> Result<Date, String> {
    date::parse(s).map_err(|e| e.to_string())
}

pub fn open(config: &Config) -> anyhow::Result<Archive> {
    Archive::open_existing(&config.data)
        .with_context(|| format!("failed to open the archive at {}", config.data.display()))
}

fn open_index(config: &Config) -> anyhow::Result<SearchIndex> {
    let (index, opened) = SearchIndex::open(&config.data.join("index"))?;
    if opened.needs_rebuild() {
        tracing::warn!("the search index was empty or unreadable; run `arhiva rebuild` to fill it");
    }
    Ok(index)
}

/// Bad input is bad usage (exit 2); anything else fails the command.
fn usage_or(e: RetentionError) -> anyhow::Result<ExitCode> {
    match e {
        RetentionError::NoProposal { .. }
        | RetentionError::NotApproved { .. }
        | RetentionError::AlreadyApproved { .. }
        | RetentionError::NothingDue { .. }
        | RetentionError::NoHold { .. }
        | RetentionError::UnknownTarget { .. }
        | RetentionError::BadDate { .. }
        | RetentionError::Invalid(_) => {
            eprintln!("arhiva: {e}");
            Ok(ExitCode::from(2))
        }
        e => Err(e.into()),
    }
}

pub fn run(config: &Config, args: Args) -> anyhow::Result<ExitCode> {
    match run_inner(config, args) {
        Ok(code) => Ok(code),
        Err(e) => match e.downcast::<RetentionError>() {
            Ok(r) => usage_or(r),
            Err(e) => Err(e),
        },
    }
}

fn run_inner(config: &Config, args: Args) -> anyhow::Result<ExitCode> {
    let archive = open(config)?;
    let mut out = std::io::stdout().lock();
    match args.command {
        Sub::Due { when, json, csv } => {
            let started = Instant::now();
            let snapshot = Snapshot::load(&archive)?;
            let plan = retention::plan(&snapshot, when.today(), &when.rules(config));
            let secs = started.elapsed().as_secs_f64();
            if json {
                serde_json::to_writer_pretty(&mut out, &plan)?;
                writeln!(out)?;
            } else if csv {
                out.write_all(&documents::due_csv(&plan.due)?)?;
            } else {
                text::print_due(&mut out, &plan)?;
                writeln!(
                    out,
                    "({} în catalog, calculat în {secs:.2} s)",
                    dosare(snapshot.dossiers.len() as u64)
                )?;
            }
        }
        Sub::Transfer { when, json, csv } => {
            let plan = retention::plan(
                &Snapshot::load(&archive)?,
                when.today(),
                &when.rules(config),
            );
            if json {
                serde_json::to_writer_pretty(&mut out, &plan.transfer)?;
                writeln!(out)?;
            } else if csv {
                out.write_all(&documents::due_csv(&plan.transfer)?)?;
            } else {
                writeln!(
                    out,
                    "Dosare permanente de predat la Arhivele Naționale la {} (mai vechi de {} ani):",
                    date::format(plan.today),
                    plan.rules.transfer_age
                )?;
                text::print_groups(&mut out, &plan.transfer, &plan.transfer_groups)?;
                text::print_totals(&mut out, "Total de predat", &plan.transfer_totals)?;
            }
        }
        Sub::Hold { command } => hold(&archive, &mut out, command)?,
        Sub::Propose {
            when,
            cotas,
            out: dir,
            by,
            institution,
        } => {
            let only = (!cotas.is_empty()).then_some(&cotas[..]);
            let p = retention::propose(&archive, when.today(), &when.rules(config), &by, only)?;
            let institution =
                institution.unwrap_or_else(|| config.settings.letterhead.institution.clone());
            let files = documents::write_proposal_documents(&dir, &p, &institution)?;
            writeln!(
                out,
                "Propunerea {} înregistrată: {}, {} pagini; inventarul însoțitor al documentelor permanente: {}.",
                p.id,
                dosare(p.dossiers.len() as u64),
                p.totals.pages,
                dosare(p.permanent.len() as u64)
            )?;
            for f in files {
                writeln!(out, "  {}", f.display())?;
            }
            writeln!(
                out,
                "Urmează: confirmarea Arhivelor Naționale, apoi `arhiva retention approve {} --number N --date YYYY-MM-DD`.",
                p.id
            )?;
        }
        Sub::Proposals { json } => {
            let all = retention::proposals(&archive)?;
            if json {
                let v: Vec<_> = all
                    .iter()
                    .map(|(p, a)| serde_json::json!({ "proposal": p, "approval": a }))
                    .collect();
                serde_json::to_writer_pretty(&mut out, &v)?;
                writeln!(out)?;
            } else {
                for (p, a) in all {
                    let status = match a {
                        Some(a) => format!("aprobată {}", a.reference()),
                        None => "în așteptarea aprobării".into(),
                    };
                    writeln!(
                        out,
                        "{}  {}  {}  {}",
                        p.id,
                        date::format(p.at),
                        dosare(p.dossiers.len() as u64),
                        status
                    )?;
                }
            }
        }
        Sub::Approve {
            proposal,
            number,
            date: d,
            by,
        } => {
            let a = retention::approve(&archive, &proposal, &number, d, date::today_utc(), &by)?;
            writeln!(out, "Aprobare înregistrată: {}", a.reference())?;
        }
        Sub::Dispose {
            proposal,
            when,
            dry_run,
            out: dir,
            by,
            institution,
            json,
        } => {
            let index = if dry_run {
                None
            } else {
                Some(open_index(config)?)
            };
            let opts = DisposeOptions {
                dry_run,
                rules: when.rules(config),
                ..DisposeOptions::new(when.today(), by)
            };
            let bar =
                (std::io::stderr().is_terminal() && !dry_run).then(indicatif::ProgressBar::hidden);
            let started = Instant::now();
            let report =
                retention::dispose(&archive, index.as_ref(), &proposal, &opts, &mut |e| {
                    if let Some(bar) = &bar {
                        match e {
                            DisposeEvent::Started { dossiers } => {
                                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                                bar.set_length(*dossiers as u64);
                            }
                            DisposeEvent::Disposed { .. } => bar.inc(1),
                            _ => {}
                        }
                    }
                })?;
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            let secs = started.elapsed().as_secs_f64();
            if json {
                serde_json::to_writer_pretty(&mut out, &report)?;
                writeln!(out)?;
            } else {
                let (what, gone) = if dry_run {
                    ("dosare de eliminat", "obiecte de șters")
                } else {
                    ("dosare eliminate", "obiecte șterse")
                };
                let objects: usize = report.disposed.iter().map(|d| d.removed.len()).sum();
                let shared: usize = report.disposed.iter().map(|d| d.shared.len()).sum();
                writeln!(
                    out,
                    "Propunerea {} ({}): {what}: {}, {gone}: {objects}, obiecte păstrate (comune cu dosare păstrate): {shared}, în {secs:.2} s.",
                    report.proposal,
                    report.approval,
                    report.disposed.len()
                )?;
                for (cota, why) in &report.skipped {
                    writeln!(out, "  neeliminat {cota}: {}", text::skip_text(why))?;
                }
            }
            if !dry_run {
                let record = retention::destruction_record(&archive, &proposal)?;
                let approval = retention::approval(&archive, &proposal)?;
                let institution = institution
                    .clone()
                    .unwrap_or_else(|| config.settings.letterhead.institution.clone());
                let files = documents::write_destruction_documents(
                    &dir,
                    &record,
                    approval.as_ref(),
                    &institution,
                )?;
                if !json {
                    for f in files {
                        writeln!(out, "  {}", f.display())?;
                    }
                }
            }
        }
        Sub::Check => {
            let index = open_index(config)?;
            let problems = retention::check(&archive, Some(&index))?;
            for p in &problems {
                writeln!(out, "{}: {}", p.cota, p.what)?;
            }
            if !problems.is_empty() {
                return Ok(ExitCode::FAILURE);
            }
            writeln!(
                out,
                "Eliminările sunt consecvente: jurnal, catalog, index și depozit."
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn hold(archive: &Archive, out: &mut impl Write, command: HoldCmd) -> anyhow::Result<()> {
    match command {
        HoldCmd::Add {
            dossier,
            inventory,
            reason,
            by,
        } => {
            let target = match (dossier, inventory) {
                (Some(c), _) => HoldTarget::Dossier(c),
                (None, Some(i)) => HoldTarget::Inventory(i),
                (None, None) => {
                    return Err(
                        RetentionError::Invalid("give --dossier or --inventory".into()).into(),
                    )
                }
            };
            let h = retention::place_hold(archive, target, &reason, &by)?;
            writeln!(out, "Blocare {} pe {}: {}", h.id, h.target, h.reason)?;
        }
        HoldCmd::Remove { id, reason, by } => {
            let r = retention::release_hold(archive, &id, &by, &reason)?;
            writeln!(
                out,
                "Blocarea {} pe {} a fost ridicată.",
                r.hold.id, r.hold.target
            )?;
        }
        HoldCmd::List { json } => {
            let holds = retention::holds(archive)?;
            if json {
                serde_json::to_writer_pretty(&mut *out, &holds)?;
                writeln!(out)?;
            } else {
                for h in holds {
                    writeln!(
                        out,
                        "{}  {}  {}  ({}, {})",
                        h.id, h.target, h.reason, h.by, h.placed
                    )?;
                }
            }
        }
    }
    Ok(())
}
