//! `arhiva request add|list|show|extend`: the requests register for
//! work-seniority certificates and certified copies, from the command line.
//!
//! `list` marks requests due within five days (`due-soon`) and past their
//! legal deadline (`OVERDUE`); `--json` prints the records with their due
//! date and urgency. Every change is journaled with its audit entry, under
//! the user `cli:<login>`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use arhiva_server::certificates::deadline::{days_left, iso_date, parse_iso_date};
use arhiva_server::certificates::register::{self, Actor};
use arhiva_server::certificates::{
    due_date, urgency, CertificateError, Clock, NewRequest, Request, RequestKind, RequestNumber,
    Subject, SystemClock, Urgency, YearRange,
};
use arhiva_store::Archive;
use serde_json::json;

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Register a new request; prints its number.
    Add(AddArgs),
    /// List requests, newest first, with deadlines.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Only requests not yet answered.
        #[arg(long)]
        open: bool,
    },
    /// Show one request: petitioner, deadline, decisions, history.
    Show {
        /// Registration number, N/YYYY.
        number: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Extend the deadline once (petition: +15 days; public information:
    /// complex, 30 days), recording the notice given.
    Extend {
        /// Registration number, N/YYYY.
        number: String,
        /// How and when the petitioner was told.
        #[arg(long)]
        notice: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Petitioner's name as it is today.
    #[arg(long)]
    pub name: String,
    /// Personal numeric code (13 digits).
    #[arg(long)]
    pub cnp: Option<String>,
    /// A former name (repeatable), e.g. before marriage.
    #[arg(long = "former-name")]
    pub former_names: Vec<String>,
    /// Address or contact.
    #[arg(long, default_value = "")]
    pub address: String,
    /// petition (OG 27/2002) or public-info (Legea 544/2001).
    #[arg(long, default_value = "petition")]
    pub kind: String,
    /// seniority (adeverință de vechime) or copies (copii conforme).
    #[arg(long, default_value = "seniority")]
    pub subject: String,
    /// Employer department named by the petitioner.
    #[arg(long, default_value = "")]
    pub department: String,
    /// Period named, e.g. 1990-1995.
    #[arg(long)]
    pub period: Option<String>,
    /// What the certificate is for.
    #[arg(long, default_value = "")]
    pub purpose: String,
    /// Registration date (YYYY-MM-DD); today by default.
    #[arg(long)]
    pub date: Option<String>,
    /// Print the new record as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The command line's actor in the journal and the audit log.
pub fn cli_actor() -> Actor {
    let login = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    Actor::new(format!("cli:{login}"), "cli")
}

pub fn open_archive(config: &Config) -> anyhow::Result<Archive> {
    Archive::open_existing(&config.data)
        .with_context(|| format!("failed to open the archive at {}", config.data.display()))
}

/// Bad input is bad usage (exit 2); other errors fail the command.
pub fn usage_or(e: CertificateError) -> anyhow::Result<ExitCode> {
    match e {
        CertificateError::Invalid { .. }
        | CertificateError::BadNumber(_)
        | CertificateError::UnknownRequest { .. }
        | CertificateError::Transition { .. }
        | CertificateError::AlreadyExtended { .. } => {
            eprintln!("arhiva: {e}");
            Ok(ExitCode::from(2))
        }
        other => Err(other.into()),
    }
}

fn parse_add(a: &AddArgs) -> Result<NewRequest, CertificateError> {
    let registered = match &a.date {
        None => None,
        Some(d) => Some(parse_iso_date(d).ok_or_else(|| {
            CertificateError::invalid("date", format!("{d:?}: expected YYYY-MM-DD"))
        })?),
    };
    Ok(NewRequest {
        name: a.name.clone(),
        former_names: a.former_names.clone(),
        cnp: a.cnp.clone(),
        address: a.address.clone(),
        kind: Some(a.kind.parse::<RequestKind>()?),
        subject: Some(a.subject.parse::<Subject>()?),
        department: a.department.clone(),
        period: a
            .period
            .as_deref()
            .map(str::parse::<YearRange>)
            .transpose()?,
        purpose: a.purpose.clone(),
        registered,
    })
}

/// A request with its computed deadline, for JSON.
pub fn with_deadline(r: &Request, today: time::Date) -> serde_json::Value {
    let mut v = serde_json::to_value(r).unwrap_or(serde_json::Value::Null);
    v["due"] = json!(iso_date(due_date(r)));
    v["days_left"] = json!(days_left(r, today));
    v["urgency"] = json!(urgency(r, today));
    v
}

fn mark(u: Urgency) -> &'static str {
    match u {
        Urgency::Overdue => "OVERDUE",
        Urgency::DueSoon => "due-soon",
        Urgency::OnTime => "",
        Urgency::Closed => "",
    }
}

pub fn run(config: &Config, args: Args) -> anyhow::Result<ExitCode> {
    let clock = SystemClock;
    let today = clock.today();
    let mut out = std::io::stdout().lock();
    match args.command {
        Command::Add(a) => {
            let new = match parse_add(&a) {
                Ok(n) => n,
                Err(e) => return usage_or(e),
            };
            let archive = open_archive(config)?;
            let r = match register::register(&archive, &cli_actor(), &clock, new) {
                Ok(r) => r,
                Err(e) => return usage_or(e),
            };
            if a.json {
                serde_json::to_writer_pretty(&mut out, &with_deadline(&r, today))?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "registered {} on {}; due {}",
                    r.number,
                    iso_date(r.registered),
                    iso_date(due_date(&r))
                )?;
            }
        }
        Command::List { json, open } => {
            let archive = open_archive(config)?;
            let list: Vec<Request> = register::list(&archive)?
                .into_iter()
                .filter(|r| !open || !r.status.is_closed())
                .collect();
            if json {
                let v: Vec<_> = list.iter().map(|r| with_deadline(r, today)).collect();
                serde_json::to_writer_pretty(&mut out, &v)?;
                writeln!(out)?;
                return Ok(ExitCode::SUCCESS);
            }
            if list.is_empty() {
                writeln!(out, "no requests")?;
            }
            for r in &list {
                writeln!(
                    out,
                    "{:>10}  {}  {:<20}  due {}  {:<8}  {}",
                    r.number.to_string(),
                    iso_date(r.registered),
                    r.status.as_str(),
                    iso_date(due_date(r)),
                    mark(urgency(r, today)),
                    r.petitioner.name
                )?;
            }
        }
        Command::Show { number, json } => {
            let number: RequestNumber = match number.parse() {
                Ok(n) => n,
                Err(e) => return usage_or(e),
            };
            let archive = open_archive(config)?;
            let r = match register::load(&archive, number) {
                Ok(r) => r,
                Err(e) => return usage_or(e),
            };
            if json {
                serde_json::to_writer_pretty(&mut out, &with_deadline(&r, today))?;
                writeln!(out)?;
            } else {
                show(&mut out, &r, today)?;
            }
        }
        Command::Extend { number, notice } => {
            let number: RequestNumber = match number.parse() {
                Ok(n) => n,
                Err(e) => return usage_or(e),
            };
            let archive = open_archive(config)?;
            match register::extend(&archive, &cli_actor(), &clock, number, &notice) {
                Ok(r) => writeln!(out, "{}: due {}", r.number, iso_date(due_date(&r)))?,
                Err(e) => return usage_or(e),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn show(out: &mut impl Write, r: &Request, today: time::Date) -> anyhow::Result<()> {
    let p = &r.petitioner;
    writeln!(
        out,
        "request {} registered {}",
        r.number,
        iso_date(r.registered)
    )?;
    writeln!(out, "  petitioner  {}", p.name)?;
    if !p.former_names.is_empty() {
        writeln!(out, "  former      {}", p.former_names.join(", "))?;
    }
    if let Some(c) = &p.cnp {
        writeln!(out, "  cnp         {c}")?;
    }
    if !p.address.is_empty() {
        writeln!(out, "  address     {}", p.address)?;
    }
    writeln!(out, "  kind        {:?} / {:?}", r.kind, r.subject)?;
    if let Some(y) = r.period {
        writeln!(out, "  period      {y}")?;
    }
    if !r.department.is_empty() {
        writeln!(out, "  department  {}", r.department)?;
    }
    if !r.purpose.is_empty() {
        writeln!(out, "  purpose     {}", r.purpose)?;
    }
    writeln!(out, "  status      {}", r.status)?;
    writeln!(
        out,
        "  due         {} ({} days left) {}",
        iso_date(due_date(r)),
        days_left(r, today),
        mark(urgency(r, today))
    )?;
    let periods = arhiva_server::certificates::periods(r.confirmed());
    if !periods.is_empty() {
        writeln!(out, "  periods")?;
        for p in &periods {
            writeln!(
                out,
                "    {:<19} {:>3} months  {}  {}  [{}]",
                p.range_text(),
                p.months,
                p.function.as_deref().unwrap_or("—"),
                p.salary.as_deref().unwrap_or("—"),
                p.sources_text()
            )?;
        }
    }
    if let Some(i) = &r.issued {
        writeln!(
            out,
            "  issued      {} on {} by {} (object {})",
            i.document.as_str(),
            iso_date(i.on),
            i.by,
            i.object
        )?;
    }
    writeln!(out, "  history")?;
    for h in &r.history {
        writeln!(
            out,
            "    {}  {:<12} {:<18} {}",
            h.at, h.user, h.action, h.detail
        )?;
    }
    Ok(())
}
