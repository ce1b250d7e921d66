//! Certified copies and negative answers, end to end on a small scanned
//! delivery: the copy carries the scan of every chosen page with the
//! "conform cu originalul" note, the request number and the page reference
//! on each page; a request for someone who never worked here gets the
//! negative letter. Both are stored, journaled and drawn into
//! `target/artifacts/` (when `pdftoppm` is installed).

use std::path::{Path, PathBuf};

use arhiva_fixtures::{generate, Options};
use arhiva_index::SearchIndex;
use arhiva_ingest::{ingest_delivery, IngestOptions, OcrMode};
use arhiva_server::certificates::issue::{issue_batch, stored_pdf};
use arhiva_server::certificates::register::{self, Actor};
use arhiva_server::certificates::{
    issue, DocumentKind, FixedClock, Letterhead, NewRequest, PageRef, RequestKind, Status, Subject,
};
use arhiva_store::Archive;
use time::macros::date;

fn artifacts() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../target"))
        .join("artifacts")
}

/// Draw page 1 of `pdf` as `name.png` in the artifacts folder.
fn render(pdf: &[u8], name: &str) {
    let dir = artifacts();
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).expect("write pdf");
    match std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "100", "-f", "1", "-singlefile"])
        .arg(&path)
        .arg(dir.join(name))
        .output()
    {
        Ok(o) => assert!(o.status.success(), "pdftoppm failed"),
        Err(e) => println!("pdftoppm not available ({e}); {name}.png skipped"),
    }
}

#[test]
fn certified_copies_and_negative_answers() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let delivery = tmp.path().join("livrare");
    generate(
        &delivery,
        &Options {
            dossiers: 3,
            seed: 4,
            pages_per_dossier: Some((2, 3)),
            ..Default::default()
        },
    )
    .expect("generate");
    let archive = Archive::open(tmp.path().join("data")).expect("archive");
    let (index, _) = SearchIndex::open(&tmp.path().join("data/index")).expect("index");
    let opts = IngestOptions {
        ocr: OcrMode::Never,
        jobs: Some(2),
        derivatives: true,
    };
    ingest_delivery(&archive, Some(&index), &delivery, &opts, &|_| {}).expect("ingest");
    let actor = Actor::new("ioana.pop", "test");
    let clock = FixedClock::on(date!(2026 - 02 - 27));
    let head = Letterhead::default();

    // Certified copy of two pages of one dossier and one of another.
    let dossiers = archive.catalog().dossiers().expect("dossiers");
    let mut chosen = Vec::new();
    for d in &dossiers {
        for p in archive
            .catalog()
            .pages(&d.cota)
            .expect("pages")
            .iter()
            .take(2)
        {
            if chosen.len() < 3 {
                chosen.push(PageRef {
                    cota: p.cota.clone(),
                    page: p.page,
                });
            }
        }
    }
    assert_eq!(chosen.len(), 3);
    let r = register::register(
        &archive,
        &actor,
        &clock,
        NewRequest {
            name: "Gheorghe Țuțuianu".into(),
            subject: Some(Subject::Copies),
            kind: Some(RequestKind::PublicInfo),
            ..Default::default()
        },
    )
    .expect("register");
    let missing = register::select_pages(
        &archive,
        &actor,
        &clock,
        r.number,
        vec![PageRef {
            cota: "NU-EXISTA".into(),
            page: 1,
        }],
    );
    assert!(missing.is_err(), "pages must be in the catalog");
    register::select_pages(&archive, &actor, &clock, r.number, chosen.clone()).expect("select");
    let r = issue(&archive, &index, &actor, &clock, &head, r.number).expect("issue");
    assert_eq!(r.status, Status::Issued);
    assert_eq!(
        r.issued.as_ref().map(|i| i.document),
        Some(DocumentKind::CertifiedCopy)
    );
    let pdf = stored_pdf(&archive, &r).expect("read").expect("stored");
    let doc = lopdf::Document::load_mem(&pdf).expect("parse");
    assert_eq!(
        doc.get_pages().len(),
        chosen.len(),
        "one page per copied page"
    );
    let text = pdf_extract::extract_text_from_mem(&pdf).expect("text");
    let flat: String = text.split_whitespace().collect();
    assert_eq!(
        text.matches("CONFORM CU ORIGINALUL").count(),
        chosen.len(),
        "{text}"
    );
    for p in &chosen {
        let note = format!(
            "Cererea nr. {} · dosar {}, pagina {}",
            r.number, p.cota, p.page
        );
        let note: String = note.split_whitespace().collect();
        assert!(flat.contains(&note), "{note} in {text}");
    }
    assert!(text.contains("ioana.pop"));
    assert!(
        pdf.windows(b"/DCTDecode".len()).any(|w| w == b"/DCTDecode"),
        "the scans are embedded"
    );
    render(&pdf, "certified-copy");

    // Nobody by this name: the negative letter, citing Legea 544/2001.
    let r = register::register(
        &archive,
        &actor,
        &clock,
        NewRequest {
            name: "Xenia Nemaigăsită".into(),
            kind: Some(RequestKind::PublicInfo),
            address: "Str. Tribunul Dobra nr. 2, Arad".into(),
            ..Default::default()
        },
    )
    .expect("register");
    let out = issue_batch(&archive, &index, &actor, &clock, &head, r.number).expect("issue");
    assert_eq!(out.request.status, Status::AnsweredNegatively);
    let pdf = stored_pdf(&archive, &out.request)
        .expect("read")
        .expect("stored");
    let text = pdf_extract::extract_text_from_mem(&pdf).expect("text");
    assert!(
        text.contains("Xenia Nemaigăsită") && text.contains("544/2001"),
        "{text}"
    );
    assert!(text.contains("nu au fost identificate"));
    render(&pdf, "negative-letter");
}
