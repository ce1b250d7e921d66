//! The same cotă in a second delivery. The archive holds one dossier per
//! cotă: an identical re-delivery (same files, same hashes) is recognised
//! as already ingested and stores nothing twice; a different dossier under
//! a cotă already archived is quarantined with the reason, and the
//! archived dossier stays exactly as it was.

use std::fs;
use std::path::Path;

use arhiva_fixtures::{generate, Options};
use arhiva_index::{Filters, SearchIndex, SearchRequest};
use arhiva_ingest::{ingest_delivery, BatchReport, IngestOptions, OcrMode};
use arhiva_store::{Archive, Page};

fn ingest(archive: &Archive, index: &SearchIndex, delivery: &Path) -> BatchReport {
    let opts = IngestOptions {
        ocr: OcrMode::Never,
        jobs: Some(2),
        derivatives: false,
    };
    ingest_delivery(archive, Some(index), delivery, &opts, &|_| {}).expect("ingest")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for e in fs::read_dir(from).expect("list") {
        let p = e.expect("entry").path();
        let name = p.file_name().expect("name");
        if p.is_dir() {
            copy_dir(&p, &to.join(name));
        } else {
            fs::copy(&p, to.join(name)).expect("copy");
        }
    }
}

/// The inventory of `delivery` with only its header and the row of `cota`.
fn inventory_of(delivery: &Path, cota: &str) -> Vec<u8> {
    let bytes = fs::read(delivery.join("inventar.csv")).expect("inventory");
    let mut lines = bytes.split_inclusive(|&b| b == b'\n');
    let mut out = lines.next().expect("header").to_vec();
    let needle = cota.as_bytes();
    for l in lines {
        if l.windows(needle.len()).any(|w| w == needle) {
            out.extend_from_slice(l);
        }
    }
    out
}

/// A word of at least seven letters from the page's text.
fn word_of(archive: &Archive, page: &Page) -> Option<String> {
    let text = archive.objects().get(page.text.as_ref()?).ok()?;
    String::from_utf8_lossy(&text)
        .split(|c: char| !c.is_alphabetic())
        .find(|w| w.chars().count() >= 7)
        .map(str::to_string)
}

fn finds(index: &SearchIndex, word: &str, cota: &str) -> u64 {
    let req = SearchRequest {
        query: word.to_string(),
        filters: Filters {
            cota: Some(cota.to_string()),
            ..Filters::default()
        },
        ..SearchRequest::default()
    };
    index.search(&req).expect("search").total as u64
}

#[test]
fn a_second_delivery_reusing_a_cota_is_recognised_or_quarantined() {
    let tmp = tempfile::tempdir().expect("tmp");
    let first = tmp.path().join("livrare-2026-03-02");
    generate(
        &first,
        &Options {
            dossiers: 6,
            seed: 11,
            pages_per_dossier: Some((2, 3)),
            ..Options::default()
        },
    )
    .expect("generate");
    let data = tmp.path().join("data");
    let archive = Archive::open(&data).expect("archive");
    let (index, _) = SearchIndex::open(&data.join("index")).expect("index");
    let report = ingest(&archive, &index, &first);
    assert_eq!(report.quarantined, 0, "{report}");
    let pages_before = index.num_pages().expect("count");
    let dossiers = archive.catalog().dossiers().expect("dossiers");
    // Two dossiers with text on their first page: one is delivered again
    // under the other's cotă.
    let with_text: Vec<(String, Vec<Page>, String)> = dossiers
        .iter()
        .filter_map(|d| {
            let pages = archive.catalog().pages(&d.cota).ok()?;
            let word = word_of(&archive, pages.first()?)?;
            Some((d.cota.clone(), pages, word))
        })
        .collect();
    assert!(with_text.len() >= 2, "fixture too small: {with_text:?}");
    let (target, target_pages, word) = &with_text[0];
    let (other, _, _) = &with_text[1];
    assert!(finds(&index, word, target) > 0, "{word} in {target}");

    // The identical dossier again, in another delivery.
    let again = tmp.path().join("livrare-2026-04-15");
    fs::create_dir_all(&again).expect("mkdir");
    fs::write(again.join("inventar.csv"), inventory_of(&first, target)).expect("inventory");
    fs::copy(first.join("nomenclator.csv"), again.join("nomenclator.csv")).expect("nomenclator");
    copy_dir(&first.join(target), &again.join(target));
    let head = archive.journal().head().seq;
    let report = ingest(&archive, &index, &again);
    assert_eq!(report.quarantined, 0, "{report}");
    assert_eq!(report.already_archived, vec![target.clone()], "{report}");
    assert!(report.already_ingested, "{report}");
    assert_eq!(report.pages_new, 0, "{report}");
    assert_eq!(report.pages, target_pages.len() as u64, "{report}");
    assert!(
        report.to_string().contains("already in the archive"),
        "{report}"
    );
    assert_eq!(
        index.num_pages().expect("count"),
        pages_before,
        "no duplicate pages"
    );
    assert_eq!(
        &archive.catalog().pages(target).expect("pages"),
        target_pages
    );
    // Only the batch itself is journaled, nothing about the dossier.
    assert!(archive.journal().head().seq <= head + 2);

    // Another dossier's files under the archived cotă.
    let clash = tmp.path().join("livrare-2026-05-20");
    fs::create_dir_all(&clash).expect("mkdir");
    fs::write(clash.join("inventar.csv"), inventory_of(&first, target)).expect("inventory");
    fs::copy(first.join("nomenclator.csv"), clash.join("nomenclator.csv")).expect("nomenclator");
    copy_dir(&first.join(other), &clash.join(target));
    let report = ingest(&archive, &index, &clash);
    assert_eq!(report.quarantined, 1, "{report}");
    let q = &report.quarantine[0];
    assert_eq!(q.file, format!("{target}/"));
    assert_eq!(q.code, "cota-already-archived");
    assert!(q.reason.contains(target.as_str()), "{}", q.reason);
    assert!(q.reason.contains("already in the archive"), "{}", q.reason);
    assert!(q.reason.contains("există deja în arhivă"), "{}", q.reason);
    assert!(q.action.contains("ask the vendor"), "{}", q.action);
    assert!(report.already_archived.is_empty(), "{report}");
    // The archived dossier is unchanged: same pages, same text, still found.
    assert_eq!(
        &archive.catalog().pages(target).expect("pages"),
        target_pages
    );
    assert_eq!(index.num_pages().expect("count"), pages_before);
    assert!(finds(&index, word, target) > 0, "{word} still in {target}");
    // The quarantine is journaled, so the batch page lists it.
    let journaled = archive.catalog().quarantine().expect("quarantine");
    assert!(
        journaled
            .iter()
            .any(|e| e.code == "cota-already-archived" && e.file == format!("{target}/")),
        "{journaled:?}"
    );

    // Run again: still quarantined, still nothing merged.
    let report = ingest(&archive, &index, &clash);
    assert_eq!(report.quarantined, 1, "{report}");
    assert_eq!(
        &archive.catalog().pages(target).expect("pages"),
        target_pages
    );
}
