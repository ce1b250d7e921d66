//! Shared by the certificate-desk tests over image deliveries: a fixture
//! archive ingested with or without OCR, and every ground-truth person
//! certified by the batch rule, tallied against the truth.

use std::collections::BTreeSet;

use arhiva_fixtures::{generate, load_ground_truth, GroundTruth, Options, PersonTruth};
use arhiva_index::SearchIndex;
use arhiva_ingest::{ingest_delivery, IngestOptions, OcrMode};
use arhiva_server::certificates::coverage::month_ranges;
use arhiva_server::certificates::issue::{issue_batch, stored_pdf};
use arhiva_server::certificates::register::{self, Actor};
use arhiva_server::certificates::{
    periods, FixedClock, Letterhead, NewRequest, Request, YearRange,
};
use arhiva_store::Archive;
use time::macros::date;

pub struct Fixture {
    pub _tmp: tempfile::TempDir,
    pub archive: Archive,
    pub index: SearchIndex,
    pub truth: GroundTruth,
}

/// A 60-dossier image delivery with defects, ingested with `ocr`.
pub fn fixture(ocr: OcrMode) -> Fixture {
    let started = std::time::Instant::now();
    let tmp = tempfile::tempdir().expect("tempdir");
    let delivery = tmp.path().join("livrare");
    generate(
        &delivery,
        &Options {
            dossiers: 60,
            seed: 12,
            text_only: false,
            defects: true,
            pages_per_dossier: None,
        },
    )
    .expect("generate");
    let truth = load_ground_truth(&delivery).expect("ground truth");
    let archive = Archive::open(tmp.path().join("data")).expect("archive");
    let (index, _) = SearchIndex::open(&tmp.path().join("data/index")).expect("index");
    let opts = IngestOptions {
        ocr,
        jobs: Some(2),
        derivatives: false,
    };
    let report =
        ingest_delivery(&archive, Some(&index), &delivery, &opts, &|_| {}).expect("ingest");
    println!(
        "{} dossiers, {} pages ({} OCR'd, {} without text, {} quarantined) in {:.1} s",
        report.dossiers,
        report.pages,
        report.ocr_pages,
        report.needs_ocr,
        report.quarantined,
        started.elapsed().as_secs_f64()
    );
    Fixture {
        _tmp: tmp,
        archive,
        index,
        truth,
    }
}

#[derive(Default)]
pub struct Tally {
    pub persons: usize,
    pub issued: usize,
    pub correct: usize,
    pub truth: usize,
}

impl Tally {
    pub fn precision(&self) -> f64 {
        self.correct as f64 / self.issued.max(1) as f64
    }
    pub fn recall(&self) -> f64 {
        self.correct as f64 / self.truth.max(1) as f64
    }
    fn add(&mut self, issued: usize, correct: usize, truth: usize) {
        self.persons += 1;
        self.issued += issued;
        self.correct += correct;
        self.truth += truth;
    }
}

/// What certifying everyone gave.
#[derive(Default)]
pub struct Outcome {
    pub all: Tally,
    /// Persons whose names carry OCR errors or cedillas on some pages.
    pub noisy: Tally,
    /// Months of the ground truth that were not certified: listed in the
    /// PDF as not found, and as cannot-tell.
    pub missed_not_found: usize,
    pub missed_cannot_tell: usize,
    /// Months neither certified nor named in the PDF.
    pub unlisted: usize,
    /// Over all requests: months not found, without payroll, cannot tell.
    pub not_found: usize,
    pub no_payroll: usize,
    pub cannot_tell: usize,
    /// Name variants and hard cases present.
    pub planted: BTreeSet<String>,
}

impl Outcome {
    pub fn print(&self, label: &str) {
        for (who, t) in [
            ("all persons", &self.all),
            ("OCR errors or cedillas", &self.noisy),
        ] {
            println!(
                "{label}, {who}: {} persons, months precision {:.4} recall {:.4} ({} certified, {} correct, {} on payroll)",
                t.persons,
                t.precision(),
                t.recall(),
                t.issued,
                t.correct,
                t.truth
            );
        }
        println!(
            "{label}: months on payroll not certified: {} named as not found, {} as cannot tell, {} not named; \
             over all requested periods: {} not found, {} without payroll, {} cannot tell; planted {:?}",
            self.missed_not_found,
            self.missed_cannot_tell,
            self.unlisted,
            self.not_found,
            self.no_payroll,
            self.cannot_tell,
            self.planted
        );
    }
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect()
}

fn year(m: &str) -> i32 {
    m.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0)
}

/// Register a request for `p` over the years of their employment, decide
/// by the rule, issue.
pub fn certify(f: &Fixture, p: &PersonTruth, clock: &FixedClock) -> Request {
    let actor = Actor::new("ana", "test");
    let (first, last) = (
        p.months.first().map(|m| year(m)).unwrap_or(2000),
        p.months.last().map(|m| year(m)).unwrap_or(2000),
    );
    let r = register::register(
        &f.archive,
        &actor,
        clock,
        NewRequest {
            name: p.name.clone(),
            cnp: Some(p.cnp.clone()),
            address: "Str. Mețianu nr. 1, Arad".into(),
            purpose: "dosarul de pensie".into(),
            period: Some(YearRange {
                from: first,
                to: last,
            }),
            ..Default::default()
        },
    )
    .expect("register");
    issue_batch(
        &f.archive,
        &f.index,
        &actor,
        clock,
        &Letterhead::default(),
        r.number,
    )
    .unwrap_or_else(|e| panic!("{}: {e}", p.name))
    .request
}

/// Certify every person of the ground truth and compare.
pub fn certify_everyone(f: &Fixture) -> Outcome {
    let clock = FixedClock::on(date!(2026 - 03 - 02));
    let mut o = Outcome::default();
    for p in &f.truth.persons {
        let r = certify(f, p, &clock);
        let got: BTreeSet<String> = periods(r.confirmed())
            .iter()
            .flat_map(|p| p.month_list())
            .collect();
        let want: BTreeSet<String> = p.months.iter().cloned().collect();
        let correct = got.intersection(&want).count();
        let noisy = p
            .name_variants
            .iter()
            .any(|v| v.contains("ocr") || v == "cedilla");
        o.all.add(got.len(), correct, want.len());
        if noisy {
            o.noisy.add(got.len(), correct, want.len());
        }
        o.planted.extend(p.name_variants.iter().cloned());
        let cov = r.coverage.clone().unwrap_or_default();
        o.not_found += cov.not_found.len();
        o.no_payroll += cov.no_payroll.len();
        o.cannot_tell += cov.cannot_tell.len();
        let pdf = stored_pdf(&f.archive, &r).expect("read").expect("issued");
        let text = squash(&pdf_extract::extract_text_from_mem(&pdf).expect("pdf-extract"));
        let named =
            |months: &[String]| months.is_empty() || text.contains(&squash(&month_ranges(months)));
        assert!(
            named(&cov.not_found) && named(&cov.no_payroll) && named(&cov.cannot_tell),
            "{}: the PDF names the months it does not certify",
            p.name
        );
        if !cov.cannot_tell.is_empty() {
            assert!(
                !text.contains("Total:"),
                "{}: no total for a period with unread pages",
                p.name
            );
        }
        for m in want.difference(&got) {
            if cov.cannot_tell.contains(m) {
                o.missed_cannot_tell += 1;
            } else if cov.not_found.contains(m) || cov.no_payroll.contains(m) {
                o.missed_not_found += 1;
                if std::env::var_os("CERTIFICATES_DEBUG").is_some() {
                    println!("missed {} ({}): {m} named as not found", p.name, p.cnp);
                }
            } else {
                o.unlisted += 1;
            }
        }
        if std::env::var_os("CERTIFICATES_DEBUG").is_some() {
            for m in got.difference(&want) {
                println!("wrong {} ({}): {m}", p.name, p.cnp);
            }
        }
    }
    o
}
