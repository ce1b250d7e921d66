//! `arhiva verify`: fixity. Re-hashes stored objects (all, or a sample),
//! re-reads the journal checking every record's CRC and the hash chain, and
//! checks that every object the journal references is present: originals,
//! page texts and word boxes, and every object a higher layer's record
//! names (an issued certificate's PDF, anything a retention record keeps —
//! any string value in a `put` record that is a 64-hex object id), plus the
//! zstd dictionary each referenced page text needs to be read. Needs neither
//! the catalog nor the index, so it also runs beside `arhiva serve` and on a
//! backup copy. A data directory others may read is reported too.

use std::collections::BTreeSet;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use arhiva_store::{Event, Journal, ObjectId, ObjectStore};
use rayon::prelude::*;

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Percentage of objects to re-hash (chosen at random each run).
    #[arg(long, default_value_t = 100.0, value_parser = percent)]
    pub sample: f64,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

fn percent(s: &str) -> Result<f64, String> {
    let p: f64 = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    if (0.0..=100.0).contains(&p) && p > 0.0 {
        Ok(p)
    } else {
        Err("the sample is a percentage above 0 and at most 100".into())
    }
}

/// What `verify` found.
#[derive(Debug, Default, serde::Serialize)]
pub struct Report {
    pub objects_total: usize,
    pub objects_checked: usize,
    pub bytes_checked: u64,
    pub corrupt: Vec<(String, String)>,
    pub journal_records: u64,
    pub journal_head_seq: u64,
    pub journal_head_hash: String,
    pub journal_error: Option<String>,
    pub torn_tail_cut: Option<String>,
    pub references: usize,
    pub missing: Vec<String>,
    pub warnings: Vec<String>,
    pub seconds: f64,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.corrupt.is_empty() && self.missing.is_empty() && self.journal_error.is_none()
    }
}

pub fn run(config: &Config, args: Args) -> anyhow::Result<ExitCode> {
    let report = verify(config, args.sample)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report, args.sample);
    }
    Ok(if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

pub fn verify(config: &Config, sample: f64) -> anyhow::Result<Report> {
    let started = Instant::now();
    let data = &config.data;
    arhiva_store::archive::check_exists(data)?;
    let objects = ObjectStore::open(data.join("objects"))?;
    let mut report = Report::default();

    let journal = Journal::open(data.join("journal")).context("opening the journal")?;
    if let Some((seg, off, cut)) = &journal.open_report().torn_tail {
        report.torn_tail_cut = Some(format!("{}: {cut} bytes at offset {off}", seg.display()));
    }
    let mut referenced = BTreeSet::new();
    let mut disposed = BTreeSet::new();
    let read = journal.read_from(1, |_, event| {
        match event {
            Event::DocumentStored { document } => {
                referenced.insert(document.object);
            }
            Event::PageRecorded { page } => {
                referenced.insert(page.document);
                referenced.extend(page.text);
                referenced.extend(page.words);
            }
            Event::DossierDisposed { removed, .. } => {
                disposed.extend(removed.iter().filter_map(|h| h.parse::<ObjectId>().ok()));
            }
            Event::Put { kind, value, .. } if kind != arhiva_server::audit::KIND => {
                object_ids(&value, &mut referenced);
            }
            _ => {}
        }
        Ok(())
    });
    match read.and_then(|_| journal.verify()) {
        Ok((head, n)) => {
            report.journal_records = n;
            report.journal_head_seq = head.seq;
            report.journal_head_hash = hex(&head.hash);
        }
        Err(e) => report.journal_error = Some(e.to_string()),
    }
    let mut dictionaries = BTreeSet::new();
    for id in referenced.difference(&disposed) {
        report.references += 1;
        if !objects.contains(id) {
            report.missing.push(id.to_hex());
        } else if let Ok(Some(dict)) = objects.dictionary_of(id) {
            dictionaries.insert(dict);
        }
    }
    for dict in dictionaries.difference(&referenced) {
        report.references += 1;
        if !objects.contains(dict) {
            report.missing.push(dict.to_hex());
        }
    }
    report
        .warnings
        .extend(arhiva_store::permission_warning(data));

    let ids = objects.ids()?;
    report.objects_total = ids.len();
    let seed = started.elapsed().as_nanos() as u64 ^ std::process::id() as u64;
    let chosen: Vec<ObjectId> = ids
        .into_iter()
        .filter(|id| sample >= 100.0 || in_sample(id, seed, sample))
        .collect();
    let results: Vec<Result<u64, (String, String)>> = chosen
        .par_iter()
        .map(|id| objects.verify(id).map_err(|e| (id.to_hex(), e.to_string())))
        .collect();
    for r in results {
        report.objects_checked += 1;
        match r {
            Ok(n) => report.bytes_checked += n,
            Err(c) => report.corrupt.push(c),
        }
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Every string in a record's value that is an object id (64 hex digits).
fn object_ids(value: &serde_json::Value, out: &mut BTreeSet<ObjectId>) {
    use serde_json::Value;
    match value {
        Value::String(s) if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) => {
            out.extend(s.parse::<ObjectId>().ok());
        }
        Value::Array(items) => items.iter().for_each(|v| object_ids(v, out)),
        Value::Object(map) => map.values().for_each(|v| object_ids(v, out)),
        _ => {}
    }
}

fn in_sample(id: &ObjectId, seed: u64, percent: f64) -> bool {
    let mut x = u64::from_le_bytes([
        id.0[0], id.0[1], id.0[2], id.0[3], id.0[4], id.0[5], id.0[6], id.0[7],
    ]) ^ seed;
    // splitmix64 finaliser: a cheap, well-spread hash.
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d049bb133111eb);
    x ^= x >> 31;
    (x % 1_000_000) as f64 / 10_000.0 < percent
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn print_report(r: &Report, sample: f64) {
    println!(
        "objects:    {} of {} re-hashed ({sample}% sample), {:.1} MB, {} corrupt",
        r.objects_checked,
        r.objects_total,
        r.bytes_checked as f64 / 1e6,
        r.corrupt.len()
    );
    for (id, why) in &r.corrupt {
        println!("  CORRUPT  {id}: {why}");
    }
    match &r.journal_error {
        None => println!(
            "journal:    {} records, CRCs and hash chain intact; head {} {}",
            r.journal_records, r.journal_head_seq, r.journal_head_hash
        ),
        Some(e) => println!("journal:    DAMAGED: {e}"),
    }
    if let Some(t) = &r.torn_tail_cut {
        println!("  torn tail cut off: {t}");
    }
    println!(
        "references: {} objects named by the journal, {} missing",
        r.references,
        r.missing.len()
    );
    for id in &r.missing {
        println!("  MISSING  {id}");
    }
    for w in &r.warnings {
        println!("WARNING:   {w}");
    }
    println!(
        "{} in {:.1}s",
        if r.ok() { "OK" } else { "MISMATCH" },
        r.seconds
    );
}
