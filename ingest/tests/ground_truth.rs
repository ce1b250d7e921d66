//! Ingest fixture deliveries and compare with their `ground-truth.json`:
//! every good page stored with the right source and text, every planted
//! defect quarantined with the expected code, a second run adds nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use arhiva_fixtures::{generate, load_ground_truth, GroundTruth, Options};
use arhiva_index::SearchIndex;
use arhiva_ingest::{ingest_delivery, BatchReport, IngestOptions, OcrMode};
use arhiva_store::{Archive, TextSource};

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn opts(ocr: OcrMode) -> IngestOptions {
    IngestOptions {
        ocr,
        jobs: Some(2),
        derivatives: false,
    }
}

fn truth_source(s: arhiva_fixtures::TextSource) -> &'static str {
    use arhiva_fixtures::TextSource as T;
    match s {
        T::SidecarTxt => "sidecar-txt",
        T::Hocr => "hocr",
        T::Alto => "alto",
        T::PdfText => "pdf-text",
        T::Ocr => "ocr",
        T::None => "none",
    }
}

/// Compare the archive with the ground truth; OCR was not run.
fn check_against_truth(archive: &Archive, truth: &GroundTruth, report: &BatchReport) {
    let cat = archive.catalog();
    for d in &truth.dossiers {
        let dossier = cat
            .dossier(&d.cota)
            .expect("catalog")
            .unwrap_or_else(|| panic!("dossier {} missing", d.cota));
        assert_eq!(
            (dossier.first_year, dossier.last_year),
            (d.years[0], d.years[1]),
            "{}",
            d.cota
        );
        assert_eq!(dossier.term.to_string(), d.term, "{}", d.cota);
        assert_eq!(dossier.indicativ, d.indicativ);
        let pages = cat.pages(&d.cota).expect("pages");
        let got: BTreeMap<u32, _> = pages.iter().map(|p| (p.page, p)).collect();
        let want: BTreeSet<u32> = d.pages.iter().map(|p| p.page).collect();
        assert_eq!(
            got.keys().copied().collect::<BTreeSet<_>>(),
            want,
            "pages of {}",
            d.cota
        );
        for tp in &d.pages {
            let p = got[&tp.page];
            assert_eq!(p.pdf_page, tp.pdf_page, "{} p{}", d.cota, tp.page);
            let want_src = truth_source(tp.source);
            let got_src = p.text_source.as_str();
            match want_src {
                // Without OCR these pages wait for a later run.
                "ocr" => {
                    if tp.blank {
                        assert_eq!(got_src, "none");
                    } else {
                        assert_eq!(got_src, "none", "{} p{}", d.cota, tp.page);
                        assert!(
                            p.flags.contains(&arhiva_store::PageFlag::NeedsOcr),
                            "{} p{} {:?}",
                            d.cota,
                            tp.page,
                            p.flags
                        );
                    }
                }
                _ => assert_eq!(got_src, want_src, "{} p{}", d.cota, tp.page),
            }
            if let Some(side) = &tp.sidecar_text {
                if !side.trim().is_empty() && p.text_source != TextSource::None {
                    let id = p.text.expect("text object");
                    let text =
                        String::from_utf8(archive.objects().get(&id).expect("text")).expect("utf8");
                    assert_eq!(squash(&text), squash(side), "{} p{}", d.cota, tp.page);
                }
            }
            if tp.blank {
                assert!(
                    p.flags.contains(&arhiva_store::PageFlag::Blank),
                    "{} p{} blank",
                    d.cota,
                    tp.page
                );
            }
            if let Some(m) = tp.payroll {
                if p.text.is_some() {
                    let pay = p
                        .payroll
                        .as_ref()
                        .unwrap_or_else(|| panic!("{} p{} payroll", d.cota, tp.page));
                    assert_eq!((pay.year, u32::from(pay.month)), (m.year, m.month));
                    assert!(!pay.rows.is_empty());
                }
            }
            if let Some(dpi) = tp.dpi {
                if p.pdf_page.is_none() {
                    assert_eq!(p.dpi, Some(dpi), "{} p{}", d.cota, tp.page);
                }
            }
        }
    }
    let got: BTreeSet<(String, String)> = report
        .quarantine
        .iter()
        .map(|q| (q.journal_file(), q.code.clone()))
        .collect();
    for d in &truth.defects {
        let file = match d.line {
            Some(l) => format!("{}:{l}", d.file),
            None => d.file.clone(),
        };
        assert!(
            got.contains(&(file.clone(), d.code.clone())),
            "defect {file} {} not quarantined; got {got:?}",
            d.code
        );
    }
    assert_eq!(
        report.quarantined,
        truth.defects.len(),
        "extra quarantine entries: {:#?}",
        report.quarantine
    );
}

fn fixture(dir: &Path, o: &Options) -> GroundTruth {
    generate(dir, o).expect("generate");
    load_ground_truth(dir).expect("truth")
}

#[test]
fn image_delivery_with_defects_matches_truth_and_reingest_adds_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let delivery = tmp.path().join("livrare-1");
    let truth = fixture(
        &delivery,
        &Options {
            dossiers: 12,
            seed: 7,
            defects: true,
            ..Options::default()
        },
    );
    let archive = Archive::open(tmp.path().join("data")).expect("archive");
    let (index, _) = SearchIndex::open(&tmp.path().join("data/index")).expect("index");
    let report = ingest_delivery(
        &archive,
        Some(&index),
        &delivery,
        &opts(OcrMode::Never),
        &|_| {},
    )
    .expect("ingest");
    check_against_truth(&archive, &truth, &report);
    let good: u64 = truth.dossiers.iter().map(|d| d.pages.len() as u64).sum();
    assert_eq!(report.pages, good);
    assert_eq!(report.pages_new, good);
    assert!(!report.already_ingested);
    assert_eq!(index.num_pages().expect("count"), good as usize);

    let head = archive.journal().head().seq;
    let again = ingest_delivery(
        &archive,
        Some(&index),
        &delivery,
        &opts(OcrMode::Never),
        &|_| {},
    )
    .expect("again");
    assert_eq!(again.pages_new, 0);
    assert_eq!(again.bytes_stored, 0);
    assert!(again.already_ingested, "{again}");
    assert_eq!(
        archive.journal().head().seq,
        head,
        "a re-run journals nothing"
    );
    assert_eq!(again.quarantined, report.quarantined);
}

#[test]
fn text_only_delivery_matches_truth() {
    let tmp = tempfile::tempdir().expect("tmp");
    let delivery = tmp.path().join("livrare-text");
    let truth = fixture(
        &delivery,
        &Options {
            dossiers: 30,
            seed: 3,
            text_only: true,
            defects: true,
            pages_per_dossier: Some((3, 8)),
        },
    );
    let archive = Archive::open(tmp.path().join("data")).expect("archive");
    let report =
        ingest_delivery(&archive, None, &delivery, &opts(OcrMode::Never), &|_| {}).expect("ingest");
    check_against_truth(&archive, &truth, &report);
}
