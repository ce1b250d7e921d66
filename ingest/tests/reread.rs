//! Pages ingested without text are read later from the stored originals:
//! the text, word boxes and payroll rows are journaled and indexed, the
//! "needs OCR" flag goes, and a second run reads nothing again.

use arhiva_fixtures::{generate, Options};
use arhiva_index::{PersonQuery, SearchIndex};
use arhiva_ingest::reread::ocr_stored_pages;
use arhiva_ingest::{ingest_delivery, IngestOptions, OcrMode};
use arhiva_store::{Archive, PageFlag};

#[test]
fn unread_pages_are_ocrd_from_the_store_journaled_and_indexed() {
    if !arhiva_ingest::ocr::languages().is_some_and(|l| l.contains("ron")) {
        let why =
            "needs tesseract with Romanian data: apt-get install tesseract-ocr tesseract-ocr-ron";
        assert!(std::env::var_os("CI").is_none(), "{why}");
        println!("skipped: {why}");
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let delivery = tmp.path().join("livrare");
    generate(
        &delivery,
        &Options {
            dossiers: 12,
            seed: 7,
            pages_per_dossier: Some((2, 3)),
            ..Default::default()
        },
    )
    .expect("generate");
    let data = tmp.path().join("data");
    let archive = Archive::open(&data).expect("archive");
    let (index, _) = SearchIndex::open(&data.join("index")).expect("index");
    let opts = IngestOptions {
        ocr: OcrMode::Never,
        jobs: Some(2),
        derivatives: false,
    };
    ingest_delivery(&archive, Some(&index), &delivery, &opts, &|_| {}).expect("ingest");

    // Three unread pages, payroll pages first (the desk's case).
    let mut unread = Vec::new();
    archive
        .catalog()
        .for_each_page(|p| {
            if p.flags.contains(&PageFlag::NeedsOcr) && p.text.is_none() {
                unread.push(p);
            }
            Ok(())
        })
        .expect("pages");
    let payroll = |cota: &str| {
        archive
            .catalog()
            .dossier(cota)
            .ok()
            .flatten()
            .is_some_and(|d| d.doc_type == "payroll")
    };
    unread.sort_by_key(|p| (!payroll(&p.cota), p.cota.clone(), p.page));
    unread.truncate(3);
    let payroll_pages = unread.iter().filter(|p| payroll(&p.cota)).count();
    assert!(
        unread.first().is_some_and(|p| payroll(&p.cota)),
        "the fixture plants payroll pages without text"
    );
    let asked: Vec<(String, u32)> = unread.iter().map(|p| (p.cota.clone(), p.page)).collect();
    let seq_before = archive.journal().head().seq;

    let seen = std::sync::Mutex::new(Vec::new());
    let run = ocr_stored_pages(&archive, Some(&index), &asked, &|d, n| {
        if let Ok(mut s) = seen.lock() {
            s.push((d, n));
        }
    })
    .expect("reread");
    println!("{run:?}; {payroll_pages} of them payroll pages");
    assert_eq!(run.read, asked.len(), "every page read: {:?}", run.failed);
    assert_eq!(
        seen.lock().map(|s| s.last().copied()).ok().flatten(),
        Some((asked.len(), asked.len())),
        "progress reported to the end"
    );
    assert!(
        archive.journal().head().seq > seq_before,
        "the pages read are journaled"
    );
    for (cota, n) in &asked {
        let p = archive
            .catalog()
            .page(cota, *n)
            .expect("catalog")
            .expect("page");
        assert!(p.text.is_some(), "{cota} p. {n} has text");
        assert!(p.words.is_some(), "{cota} p. {n} has word boxes");
        assert!(!p.flags.contains(&PageFlag::NeedsOcr), "{cota} p. {n}");
        if let Some(pay) = &p.payroll {
            // A payroll page read: its persons are found by CNP.
            let row = pay
                .rows
                .iter()
                .find(|r| r.cnp.is_some())
                .expect("a row with a CNP");
            let found = index
                .person(&PersonQuery {
                    name: String::new(),
                    cnp: row.cnp.clone(),
                })
                .expect("person search");
            assert!(
                found
                    .months
                    .iter()
                    .flat_map(|m| &m.pages)
                    .any(|e| &e.cota == cota && e.page == *n),
                "{cota} p. {n} found by the CNP of {}",
                row.name
            );
        }
    }

    let again = ocr_stored_pages(&archive, Some(&index), &asked, &|_, _| {}).expect("again");
    assert_eq!(
        (again.read, again.already),
        (0, asked.len()),
        "nothing read twice"
    );
}
