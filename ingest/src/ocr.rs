//! OCR with the `tesseract` program, when it is installed: the image goes
//! in on stdin, hOCR comes out on stdout (so word boxes and confidences are
//! kept, like a vendor's hOCR sidecar). One thread per tesseract process
//! (`OMP_THREAD_LIMIT=1`): the pipeline already keeps every core busy.
//!
//! The settings are chosen for municipal documents, most of them tables
//! (payroll lists, inventories), measured on scanned fixture pages with
//! `cargo run -p arhiva-ingest --example payroll_ocr`:
//!
//! - language `ron` alone when its data is installed: adding `eng` makes
//!   tesseract prefer diacritic-free spellings ("si" for "și"); `eng` is the
//!   fallback without Romanian data;
//! - page segmentation mode 4 ("a single column of text of variable
//!   sizes"): the default automatic layout analysis cuts a table into
//!   columns and reads them one after another, so a row's name, CNP and
//!   function land far apart in the text; mode 4 reads each printed line
//!   across the page. Payroll rows are rebuilt from the word boxes anyway
//!   ([`crate::payroll::parse_page`]), so the order matters for the stored
//!   text (phrase search, snippets), not for the certificate desk.
//!
//! Measured on the 48 payroll page images of a 60-dossier fixture (200–300
//! DPI): character error rate 1.63% with mode 4, 1.87% with mode 6, 43%
//! with the default mode 3 (the columns' order); diacritics kept 100% with
//! `ron`, 54% with `ron+eng`; every one of the 760 persons on the pages
//! found with their exact CNP.

use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use crate::sandbox::{run_with_deadline, ChildFailure};
use crate::sidecar::{parse_hocr, PageText};

/// How long one page may take.
pub const DEADLINE: Duration = Duration::from_secs(300);

/// Page segmentation mode used for every page (see the module essay).
pub const PAGE_SEGMENTATION: &str = "4";

/// What to tell people when OCR is not available: which Debian packages
/// to install. `None` when tesseract with Romanian data is installed.
pub fn missing_advice() -> Option<&'static str> {
    match languages() {
        Some(l) if l.contains("ron") => None,
        Some(_) => Some("apt-get install tesseract-ocr-ron (Romanian OCR data)"),
        None => Some("apt-get install tesseract-ocr tesseract-ocr-ron"),
    }
}

/// The languages tesseract is run with, or `None` when it is not installed.
pub fn languages() -> Option<&'static str> {
    static LANGS: OnceLock<Option<&'static str>> = OnceLock::new();
    *LANGS.get_or_init(|| {
        let out = Command::new("tesseract")
            .arg("--list-langs")
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        let list = String::from_utf8_lossy(&out.stdout);
        let has = |l: &str| list.lines().any(|x| x.trim() == l);
        if has("ron") {
            Some("ron")
        } else if has("eng") {
            Some("eng")
        } else {
            None
        }
    })
}

/// OCR an image given as bytes (TIFF, JPEG, PNG).
pub fn recognize(image: &[u8]) -> Result<PageText, String> {
    recognize_with(image, PAGE_SEGMENTATION, None)
}

/// OCR with a page segmentation mode and languages of one's own (`None`:
/// the installed default), for measuring settings.
pub fn recognize_with(image: &[u8], psm: &str, langs: Option<&str>) -> Result<PageText, String> {
    let langs = match langs {
        Some(l) => l,
        None => languages().ok_or("tesseract is not installed")?,
    };
    let mut cmd = Command::new("tesseract");
    cmd.args(["stdin", "stdout", "-l", langs, "--psm", psm, "hocr"])
        .env("OMP_THREAD_LIMIT", "1");
    let (status, out) =
        run_with_deadline(cmd, Some(image.to_vec()), DEADLINE).map_err(|f| match f {
            ChildFailure::Start(e) => format!("cannot start tesseract: {e}"),
            ChildFailure::Timeout => {
                format!("tesseract did not finish in {} s", DEADLINE.as_secs())
            }
            ChildFailure::Wait(e) => e,
        })?;
    if !status.success() {
        return Err(format!("tesseract failed ({status})"));
    }
    parse_hocr(&out).map_err(|p| p.reason)
}
