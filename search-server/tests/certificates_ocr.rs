//! The certificate desk on scanned pages read by the real tesseract.
//!
//! A fixture delivery of page images (60 dossiers, with the planted
//! defects and hard cases: short surnames misread next to an exact CNP,
//! namesakes with another CNP, payroll dossiers without OCR sidecars) is
//! ingested with `--ocr auto`. For every person of the ground truth a
//! request is registered with the period of their employment, decided by
//! the batch rule and issued. The certified months are compared with the
//! months the person is on payroll: precision must be 1.000, recall at
//! least 0.99 overall and 0.98 for the persons whose names carry OCR
//! errors or cedillas; every month asked for and not certified must be
//! named in the PDF as not found or as not verifiable.
//!
//! Needs `tesseract` with the `ron` data (Debian: tesseract-ocr,
//! tesseract-ocr-ron), as `.ci/run` installs.

mod desk;

use arhiva_ingest::OcrMode;

#[test]
fn certificates_from_pages_ocrd_by_tesseract_count_every_month() {
    if !arhiva_ingest::ocr::languages().is_some_and(|l| l.contains("ron")) {
        let why =
            "needs tesseract with Romanian data: apt-get install tesseract-ocr tesseract-ocr-ron";
        assert!(std::env::var_os("CI").is_none(), "{why}");
        println!("skipped: {why}");
        return;
    }
    let f = desk::fixture(OcrMode::Auto);
    let t = desk::certify_everyone(&f);
    t.print("with tesseract");
    assert!(t.all.persons >= 15, "only {} persons", t.all.persons);
    assert_eq!(
        t.all.precision(),
        1.0,
        "a month certified that is not theirs"
    );
    assert!(t.all.recall() >= 0.99, "recall {:.4}", t.all.recall());
    assert!(
        t.noisy.persons >= 3,
        "only {} persons with OCR errors or cedillas",
        t.noisy.persons
    );
    assert!(t.noisy.recall() >= 0.98, "recall {:.4}", t.noisy.recall());
    assert_eq!(
        t.unlisted, 0,
        "months neither certified nor named in the PDF"
    );
    assert!(
        t.planted.contains("short-name-ocr-error") && t.planted.contains("namesake"),
        "hard cases planted: {:?}",
        t.planted
    );
}
