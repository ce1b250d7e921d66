//! Retention figures at archive scale, printed next to a baseline measured
//! in the same run:
//!
//! ```text
//! cargo run --release -p arhiva-retention --example retention_bench
//! cargo run --release -p arhiva-retention --example retention_bench -- --dossiers 11233 --due 1000 --pages 30
//! ```
//!
//! Builds a catalog of `--dossiers` dossiers (the archive's last round:
//! 11,233) by committing catalog events directly — no scans — of which
//! `--due` are due for disposal and have real content objects (one scan and
//! one text per page, every tenth scan shared with a kept dossier) and
//! indexed pages; the rest have `--pages` catalog pages each. Then times
//! `retention due` (snapshot + plan) against a bare catalog scan, and the
//! disposal of the due dossiers against removing as many plain files.

use std::time::Instant;

use arhiva_index::{page_doc, SearchIndex};
use arhiva_retention::{approve, dispose, plan, propose, DisposeOptions, Rules, Snapshot};
use arhiva_store::{
    Archive, Document, Dossier, Event, Format, Location, ObjectId, Page, RetentionTerm, TermSource,
    TextSource,
};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn dossier(i: usize, due: bool) -> Dossier {
    let dept = [
        "Contabilitate",
        "Resurse Umane",
        "Urbanism",
        "Registratură",
        "Juridic",
    ][i % 5];
    let (term, last) = match (due, i % 7) {
        (true, _) => (RetentionTerm::Years(10), 1990 + (i % 10) as i32),
        (false, 0) => (RetentionTerm::Permanent, 1950 + (i % 70) as i32),
        (false, 1) => (RetentionTerm::Years(50), 1980 + (i % 40) as i32),
        (false, 2) => (RetentionTerm::Years(70), 1960 + (i % 50) as i32),
        (false, _) => (RetentionTerm::Years(10), 2016 + (i % 9) as i32),
    };
    Dossier {
        cota: format!("{}-{i:05}", &dept[..3].to_uppercase()),
        fond: "Primăria Municipiului Arad".into(),
        inventory: format!("INV-{}-{}", &dept[..3].to_uppercase(), last / 10 * 10),
        indicativ: format!("{}-{}", i % 12, i % 30),
        title: format!("Dosar {i}: corespondență, referate și dispoziții"),
        department: dept.into(),
        first_year: last - 1,
        last_year: last,
        sheets: Some(100),
        term,
        term_source: TermSource::Nomenclator {
            version: "HCL 112/2015".into(),
        },
        location: Location::default(),
        notes: String::new(),
        doc_type: String::new(),
        batch: "bench".into(),
    }
}

fn page(cota: &str, n: u32, document: ObjectId, text: Option<ObjectId>) -> Page {
    Page {
        cota: cota.into(),
        page: n,
        document,
        pdf_page: None,
        text,
        text_source: TextSource::SidecarTxt,
        confidence: None,
        words: None,
        size_px: None,
        dpi: Some(300),
        flags: vec![],
        payroll: None,
    }
}

fn main() -> Res<()> {
    let total = arg("--dossiers", 11_233);
    let due_n = arg("--due", 1_000).min(total);
    let pages = arg("--pages", 30) as u32;
    let due_pages = arg("--due-pages", 10) as u32;
    let dir = tempfile::tempdir()?;
    let archive = Archive::open(dir.path())?;
    let (index, _) = SearchIndex::open(&dir.path().join("index"))?;

    let t = Instant::now();
    let mut shared = Vec::new();
    let mut batch = index.writer()?;
    let mut events = Vec::new();
    for i in 0..total {
        let due = i < due_n;
        let d = dossier(i, due);
        events.push(Event::DossierRecorded { dossier: d.clone() });
        let n = if due { due_pages } else { pages };
        for p in 1..=n {
            if due {
                let scan = if p == 1 && i % 10 == 0 {
                    format!("shared scan {i}").into_bytes()
                } else {
                    format!("II*\0scan {i} page {p} {}", "x".repeat(2000)).into_bytes()
                };
                let doc = archive.objects().put_bytes(&scan)?;
                if p == 1 && i % 10 == 0 {
                    shared.push(doc.id);
                }
                let text = format!("Pagina {p} din dosarul {}: referat privind cererea", d.cota);
                let txt = archive.objects().put_bytes(text.as_bytes())?;
                events.push(Event::DocumentStored {
                    document: Document {
                        object: doc.id,
                        cota: d.cota.clone(),
                        file: format!("{p:04}.tif"),
                        format: Format::Tiff,
                        size: scan.len() as u64,
                    },
                });
                let pg = page(&d.cota, p, doc.id, Some(txt.id));
                batch.add(&page_doc(&d, &pg, &text))?;
                events.push(Event::PageRecorded { page: pg });
            } else {
                // Kept dossiers: catalog pages only; some reuse a due scan.
                let doc = if p == 1 && !shared.is_empty() && i % 10 == 0 {
                    shared[i % shared.len()]
                } else {
                    ObjectId::of(format!("kept {i} {p}").as_bytes())
                };
                events.push(Event::PageRecorded {
                    page: page(&d.cota, p, doc, None),
                });
            }
        }
        if events.len() >= 20_000 {
            archive.commit(std::mem::take(&mut events))?;
        }
    }
    archive.commit(events)?;
    batch.commit()?;
    println!(
        "built: {total} dossiers ({due_n} due with {due_pages} pages of real objects, the rest {pages} catalog pages) in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let today = time::macros::date!(2026 - 03 - 02);
    let rules = Rules::default();

    // Baseline: read every dossier and page from the catalog, nothing else.
    let t = Instant::now();
    let ds = archive.catalog().dossiers()?;
    let mut n_pages = 0u64;
    archive.catalog().for_each_page(|_| {
        n_pages += 1;
        Ok(())
    })?;
    let baseline = t.elapsed().as_secs_f64();
    // `retention due`: snapshot (catalog, sizes, holds) + pure plan.
    let t = Instant::now();
    let snapshot = Snapshot::load(&archive)?;
    let load = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let p = plan(&snapshot, today, &rules);
    let planned = t.elapsed().as_secs_f64();
    println!(
        "retention due over {} dossiers / {n_pages} pages: {:.3} s (snapshot {:.3} s + plan {:.4} s); baseline catalog scan {:.3} s; {} due, {} for transfer",
        ds.len(),
        load + planned,
        load,
        planned,
        baseline,
        p.due.len(),
        p.transfer.len()
    );

    let prop = propose(&archive, today, &rules, "bench", None)?;
    approve(&archive, &prop.id, "1", today, today, "bench")?;
    let objects: usize = 2 * due_n * due_pages as usize;
    let t = Instant::now();
    let report = dispose(
        &archive,
        Some(&index),
        &prop.id,
        &DisposeOptions::new(today, "bench"),
        &mut |_| {},
    )?;
    let took = t.elapsed().as_secs_f64();
    let removed: usize = report.disposed.iter().map(|d| d.removed.len()).sum();
    let kept: usize = report.disposed.iter().map(|d| d.shared.len()).sum();

    // Baseline: create and remove as many plain files, with the same
    // directory fsync per removal the object store does.
    let scratch = tempfile::tempdir()?;
    for k in 0..removed {
        std::fs::write(scratch.path().join(format!("{k}")), b"x")?;
    }
    let t = Instant::now();
    let d = std::fs::File::open(scratch.path())?;
    for k in 0..removed {
        std::fs::remove_file(scratch.path().join(format!("{k}")))?;
        d.sync_all()?;
    }
    let rm = t.elapsed().as_secs_f64();
    println!(
        "dispose {} dossiers ({objects} objects referenced, {removed} removed, {kept} kept as shared): {took:.2} s; baseline removing {removed} files with a dir fsync each: {rm:.2} s",
        report.disposed.len()
    );
    let problems = arhiva_retention::check(&archive, Some(&index))?;
    println!("check after disposal: {} problems", problems.len());
    Ok(())
}
