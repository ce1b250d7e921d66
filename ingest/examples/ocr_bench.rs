//! OCR throughput of an image delivery, next to the `tesseract` program
//! run on the same page images two at a time (`xargs -P2`), in one run.
//!
//! A fixture delivery of scanned pages is generated and its OCR sidecars
//! are removed, so every page image is OCR'd; PDF dossiers are removed
//! too, so both sides read the same page images. Each round times
//!
//! - the baseline: `tesseract IMAGE - -l ron --psm 4 hocr` over those
//!   images, two processes at a time, one thread each;
//! - ours: `ingest_delivery` of the whole delivery into a fresh archive
//!   with `--ocr auto` (hashing, storing, derivatives and indexing
//!   included), two jobs;
//!
//! alternating, and prints pages per minute for both (medians) and their
//! ratio. Goal: ours ≥ 0.9x.
//!
//! ```text
//! cargo run --release -p arhiva-ingest --example ocr_bench -- [--dossiers 16] [--rounds 3]
//! ```

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

use arhiva_fixtures::{generate, load_ground_truth, Options};
use arhiva_index::SearchIndex;
use arhiva_ingest::{ingest_delivery, ocr, IngestOptions, OcrMode};
use arhiva_store::Archive;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (mut dossiers, mut rounds) = (16usize, 3usize);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--dossiers" => dossiers = args.next().ok_or("--dossiers N")?.parse()?,
            "--rounds" => rounds = args.next().ok_or("--rounds N")?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let langs = ocr::languages().ok_or("tesseract is not installed")?;
    let tmp = tempfile::tempdir()?;
    let delivery = tmp.path().join("livrare");
    generate(
        &delivery,
        &Options {
            dossiers,
            seed: 21,
            pages_per_dossier: Some((3, 6)),
            ..Default::default()
        },
    )?;
    let truth = load_ground_truth(&delivery)?;
    // Only page images, all without sidecars.
    for d in &truth.dossiers {
        for p in &d.pages {
            let dir = delivery.join(&d.cota);
            if p.file.ends_with(".pdf") {
                let _ = std::fs::remove_file(dir.join(&p.file));
            }
            if let Some(s) = &p.sidecar {
                let _ = std::fs::remove_file(dir.join(s));
            }
        }
    }
    let root = &delivery;
    let images: Vec<String> = truth
        .dossiers
        .iter()
        .flat_map(|d| {
            d.pages
                .iter()
                .filter(|p| !p.blank && !p.file.ends_with(".pdf") && !p.file.ends_with(".txt"))
                .map(move |p| root.join(&d.cota).join(&p.file).display().to_string())
        })
        .collect();
    println!(
        "{} dossiers; {} page images, sidecars removed; tesseract -l {langs} --psm {}",
        truth.dossiers.len(),
        images.len(),
        ocr::PAGE_SEGMENTATION
    );
    let (mut ours, mut plain) = (Vec::new(), Vec::new());
    for round in 1..=rounds {
        // Baseline: the tesseract program, two at a time.
        let t = Instant::now();
        let mut child = Command::new("xargs")
            .args(["-P2", "-I{}", "tesseract", "{}", "-", "-l", langs, "--psm"])
            .arg(ocr::PAGE_SEGMENTATION)
            .arg("hocr")
            .env("OMP_THREAD_LIMIT", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            for i in &images {
                writeln!(stdin, "{i}")?;
            }
        }
        let status = child.wait()?;
        if !status.success() {
            return Err(format!("xargs tesseract failed: {status}").into());
        }
        let p = images.len() as f64 / t.elapsed().as_secs_f64() * 60.0;
        plain.push(p);

        // Ours: the whole delivery into a fresh archive.
        let data = tmp.path().join(format!("data-{round}"));
        let archive = Archive::open(&data)?;
        let (index, _) = SearchIndex::open(&data.join("index"))?;
        let opts = IngestOptions {
            ocr: OcrMode::Auto,
            jobs: Some(2),
            derivatives: true,
        };
        let t = Instant::now();
        let report = ingest_delivery(&archive, Some(&index), &delivery, &opts, &|_| {})?;
        let secs = t.elapsed().as_secs_f64();
        let o = report.ocr_pages as f64 / secs * 60.0;
        ours.push(o);
        println!(
            "round {round}: tesseract -P2 {p:.1} pages/min; ingest {o:.1} OCR'd pages/min ({} OCR'd of {} pages in {secs:.1} s)",
            report.ocr_pages, report.pages
        );
        drop(index);
        drop(archive);
        std::fs::remove_dir_all(&data)?;
    }
    let (o, p) = (median(ours), median(plain));
    println!(
        "median: ingest {o:.1} OCR'd pages/min, tesseract -P2 {p:.1} pages/min: {:.2}x (goal >= 0.9x)",
        o / p
    );
    Ok(())
}
