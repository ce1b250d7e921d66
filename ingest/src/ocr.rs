//! OCR with the `tesseract` program, when it is installed: the image goes
//! in on stdin, hOCR comes out on stdout (so word boxes and confidences are
//! kept, like a vendor's hOCR sidecar). Languages `ron+eng` (`eng` alone
//! when the Romanian data is missing). One thread per tesseract process
//! (`OMP_THREAD_LIMIT=1`): the pipeline already keeps every core busy.

use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use crate::sandbox::{run_with_deadline, ChildFailure};
use crate::sidecar::{parse_hocr, PageText};

/// How long one page may take.
pub const DEADLINE: Duration = Duration::from_secs(300);

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
        if has("ron") && has("eng") {
            Some("ron+eng")
        } else if has("ron") {
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
    let langs = languages().ok_or("tesseract is not installed")?;
    let mut cmd = Command::new("tesseract");
    cmd.args(["stdin", "stdout", "-l", langs, "hocr"])
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
