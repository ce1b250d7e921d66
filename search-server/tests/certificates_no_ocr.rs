//! The certificate desk when tesseract is not installed.
//!
//! The same image delivery as `certificates_ocr.rs`, ingested with
//! `--ocr auto` but with no tesseract on PATH: the payroll pages delivered
//! without sidecars stay without text. No month may be certified from
//! them, and every month of a person's employment that only they show
//! must be named in the certificate as not verifiable ("cannot tell"),
//! never as not found.

mod desk;

use arhiva_ingest::OcrMode;

#[test]
fn without_tesseract_unread_months_are_named_not_guessed() {
    // Before anything looks for tesseract: an empty PATH.
    let empty = tempfile::tempdir().expect("tempdir");
    std::env::set_var("PATH", empty.path());
    assert!(arhiva_ingest::ocr::languages().is_none());
    let f = desk::fixture(OcrMode::Auto);
    let t = desk::certify_everyone(&f);
    t.print("without tesseract");
    assert_eq!(
        t.all.precision(),
        1.0,
        "a month certified that is not theirs"
    );
    assert!(
        t.missed_cannot_tell > 0,
        "the fixture plants payroll pages without text inside requested periods"
    );
    assert_eq!(
        t.missed_not_found, 0,
        "a month on an unread page was called not found"
    );
    assert_eq!(
        t.unlisted, 0,
        "months neither certified nor named in the PDF"
    );
}
