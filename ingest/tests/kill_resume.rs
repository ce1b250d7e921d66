//! A run killed with SIGKILL at any point and started again finishes the
//! batch with no duplicates and nothing lost.
//!
//! The test binary re-executes itself (`child_ingest`, enabled by an
//! environment variable) to ingest a fixture delivery; the parent kills the
//! child at several points, then ingests once more in process and compares
//! the archive with the ground truth and the journal with itself.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use arhiva_fixtures::{generate, load_ground_truth, Options};
use arhiva_ingest::{ingest_delivery, IngestOptions, OcrMode};
use arhiva_store::{Archive, Event};

const CHILD_ENV: &str = "ARHIVA_INGEST_KILL_CHILD";

fn opts() -> IngestOptions {
    IngestOptions {
        ocr: OcrMode::Never,
        jobs: Some(2),
        derivatives: false,
    }
}

/// Runs only as the child of `sigkill_then_resume`.
#[test]
fn child_ingest() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let (data, delivery) = spec.split_once('|').expect("spec");
    let archive = Archive::open(data).expect("archive");
    ingest_delivery(&archive, None, Path::new(delivery), &opts(), &|_| {}).expect("ingest");
}

#[test]
fn sigkill_then_resume() {
    let tmp = tempfile::tempdir().expect("tmp");
    let delivery = tmp.path().join("livrare-kill");
    let data = tmp.path().join("data");
    generate(
        &delivery,
        &Options {
            dossiers: 60,
            seed: 11,
            text_only: true,
            defects: true,
            pages_per_dossier: Some((5, 30)),
        },
    )
    .expect("generate");
    let truth = load_ground_truth(&delivery).expect("truth");
    let exe = std::env::current_exe().expect("exe");
    let mut killed = 0;
    for ms in [150u64, 400, 700, 1000, 1500] {
        let mut child = Command::new(&exe)
            .args(["--exact", "child_ingest", "--nocapture", "--test-threads=1"])
            .env(
                CHILD_ENV,
                format!("{}|{}", data.display(), delivery.display()),
            )
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(ms));
        if child.try_wait().expect("wait").is_none() {
            child.kill().expect("SIGKILL");
            killed += 1;
        }
        let _ = child.wait();
    }
    assert!(killed > 0, "the child always finished before being killed");

    let archive = Archive::open(&data).expect("reopen");
    let report = ingest_delivery(&archive, None, &delivery, &opts(), &|_| {}).expect("resume");
    let good: u64 = truth.dossiers.iter().map(|d| d.pages.len() as u64).sum();
    assert_eq!(report.pages, good);
    assert_eq!(
        report.quarantined,
        truth.defects.len(),
        "{:#?}",
        report.quarantine
    );
    for d in &truth.dossiers {
        let pages = archive.catalog().pages(&d.cota).expect("pages");
        assert_eq!(pages.len(), d.pages.len(), "{}", d.cota);
        for (p, tp) in pages.iter().zip(&d.pages) {
            let text = archive
                .objects()
                .get(&p.text.expect("text"))
                .expect("object");
            let side = tp.sidecar_text.as_deref().unwrap_or_default();
            assert_eq!(
                String::from_utf8_lossy(&text).trim(),
                side.trim(),
                "{} p{}",
                d.cota,
                tp.page
            );
        }
    }
    // No page was recorded twice with the same content.
    let mut recorded: BTreeMap<(String, u32), u32> = BTreeMap::new();
    archive
        .journal()
        .read_from(1, |_, e| {
            if let Event::PageRecorded { page } = e {
                *recorded.entry((page.cota, page.page)).or_default() += 1;
            }
            Ok(())
        })
        .expect("journal");
    assert_eq!(recorded.len() as u64, good);
    assert!(
        recorded.values().all(|&n| n == 1),
        "duplicates: {:?}",
        recorded.iter().filter(|(_, &n)| n > 1).collect::<Vec<_>>()
    );
    // And a further run adds nothing.
    let again = ingest_delivery(&archive, None, &delivery, &opts(), &|_| {}).expect("again");
    assert!(again.already_ingested);
    assert_eq!(again.pages_new, 0);
}
