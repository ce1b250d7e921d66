//! OCR with the `tesseract` program, when it is installed: the image goes
//! in on stdin, hOCR comes out on stdout (so word boxes and confidences are
//! kept, like a vendor's hOCR sidecar). Languages `ron+eng` (`eng` alone
//! when the Romanian data is missing). One thread per tesseract process
//! (`OMP_THREAD_LIMIT=1`): the pipeline already keeps every core busy.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

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
    let mut child = Command::new("tesseract")
        .args(["stdin", "stdout", "-l", langs, "hocr"])
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start tesseract: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    let input = image.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if start.elapsed() > DEADLINE => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "tesseract did not finish in {} s",
                    DEADLINE.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(e.to_string()),
        }
    };
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    if !status.success() {
        return Err(format!("tesseract failed ({status})"));
    }
    parse_hocr(&out).map_err(|p| p.reason)
}
