//! Sweep a folder of real-world files (PDF writers, scanners, OCR engines,
//! fuzzers) through ingest: every file must either give pages or be
//! quarantined with a clear reason — no panic, no hang, bounded memory.
//!
//! ```text
//! cargo run --release -p arhiva-ingest --example corpus_sweep -- ../shared/corpus
//! ```
//!
//! Each file becomes one dossier of a synthetic delivery (symlinked, never
//! copied): images as `0001.<ext>`, PDFs as `dosar.pdf`, sidecars as
//! text-only pages. Prints the tally: files, ingested, quarantined by
//! reason, slowest file, peak RSS. Exit 1 if a file was neither.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

use arhiva_ingest::{ingest_delivery, IngestEvent, IngestOptions, OcrMode};
use arhiva_store::Archive;

fn files(root: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(root)? {
        let p = e?.path();
        if p.is_dir() {
            files(&p, out)?;
        } else if p.is_file() {
            out.push(p);
        }
    }
    Ok(())
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn main() -> ExitCode {
    if let Some(code) = arhiva_ingest::sandbox::maybe_child() {
        return code;
    }
    if let Ok(exe) = std::env::current_exe() {
        arhiva_ingest::sandbox::use_helper(exe);
    }
    let root = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "../shared/corpus".into()),
    );
    let mut all = Vec::new();
    if let Err(e) = files(&root, &mut all) {
        eprintln!("corpus_sweep: cannot list {}: {e}", root.display());
        return ExitCode::from(2);
    }
    all.sort();
    all.retain(|p| {
        let n = p
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        n != "MANIFEST.tsv" && n != "README.md"
    });
    let work = match tempfile::tempdir() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("corpus_sweep: {e}");
            return ExitCode::from(2);
        }
    };
    let delivery = work.path().join("corpus-sweep");
    let mut inventory = String::from("Cotă;Indicativ dosar;Conținutul pe scurt;Date extreme\n");
    let mut origin: HashMap<String, PathBuf> = HashMap::new();
    for (i, f) in all.iter().enumerate() {
        let cota = format!("C-{:05}", i + 1);
        let dir = delivery.join(&cota);
        let ext = f
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_else(|| "bin".into());
        let name = if ext == "pdf" {
            "dosar.pdf".to_string()
        } else {
            format!("0001.{ext}")
        };
        let target = std::fs::canonicalize(f).unwrap_or_else(|_| f.clone());
        if std::fs::create_dir_all(&dir).is_err()
            || std::os::unix::fs::symlink(&target, dir.join(name)).is_err()
        {
            eprintln!("corpus_sweep: cannot prepare {}", dir.display());
            return ExitCode::from(2);
        }
        inventory.push_str(&format!("{cota};X/1;corpus file {i};2020\n"));
        origin.insert(cota, f.clone());
    }
    if std::fs::write(delivery.join("inventar.csv"), inventory).is_err() {
        return ExitCode::from(2);
    }
    let archive = match Archive::open(work.path().join("data")) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("corpus_sweep: {e}");
            return ExitCode::from(2);
        }
    };
    let started: Mutex<HashMap<String, Instant>> = Mutex::new(HashMap::new());
    let took: Mutex<Vec<(f64, String)>> = Mutex::new(Vec::new());
    let opts = IngestOptions {
        ocr: OcrMode::Never,
        jobs: None,
        derivatives: true,
    };
    let t0 = Instant::now();
    let on_event = |e: IngestEvent| match e {
        IngestEvent::DossierStarted { cota, .. } => {
            if let Ok(mut s) = started.lock() {
                s.insert(cota, Instant::now());
            }
        }
        IngestEvent::DossierDone { cota } => {
            let t = started.lock().ok().and_then(|mut s| s.remove(&cota));
            if let (Some(t), Ok(mut v)) = (t, took.lock()) {
                v.push((t.elapsed().as_secs_f64(), cota));
            }
        }
        _ => {}
    };
    let report = match ingest_delivery(&archive, None, &delivery, &opts, &on_event) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("corpus_sweep: the batch failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let secs = t0.elapsed().as_secs_f64();
    let mut by_code: BTreeMap<String, usize> = BTreeMap::new();
    let mut quarantined_dossiers: HashMap<String, Vec<String>> = HashMap::new();
    for q in &report.quarantine {
        *by_code.entry(q.code.clone()).or_default() += 1;
        let cota = q.file.split('/').next().unwrap_or_default().to_string();
        quarantined_dossiers
            .entry(cota)
            .or_default()
            .push(q.code.clone());
    }
    let mut ingested = 0;
    let mut neither = Vec::new();
    for cota in origin.keys() {
        let pages = archive.catalog().pages(cota).map(|p| p.len()).unwrap_or(0);
        if pages > 0 {
            ingested += 1;
        } else if !quarantined_dossiers.contains_key(cota) {
            neither.push(origin[cota].display().to_string());
        }
    }
    let mut took = took.into_inner().unwrap_or_default();
    took.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("corpus sweep of {}", root.display());
    println!("files        {}", all.len());
    println!(
        "ingested     {ingested} ({} pages; text: {:?})",
        report.pages, report.text_sources
    );
    println!("quarantined  {} files", quarantined_dossiers.len());
    for (code, n) in &by_code {
        println!("  {code:<24} {n}");
    }
    for (t, cota) in took.iter().take(3) {
        println!(
            "slow         {t:.2} s  {}",
            origin
                .get(cota)
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        );
    }
    println!("peak RSS     {:.0} MiB", peak_rss_kib() as f64 / 1024.0);
    println!("time         {secs:.1} s");
    if !neither.is_empty() {
        println!("NEITHER ingested nor quarantined: {neither:#?}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
