//! PDF dossiers: structure, encryption and page count with lopdf, the text
//! layer per page with pdf-extract, and the scanned image of image-only
//! pages (its size, hence its resolution, and its JPEG bytes when the
//! stream is DCT-encoded, for OCR and derivatives without re-encoding).
//!
//! Poppler (`pdfinfo`, `pdftotext`, `pdftoppm`) is the second reader: a PDF
//! lopdf cannot open (damaged cross-reference tables, AES-256 with an empty
//! password, parsers that give up) is read with [`poppler`], so a file
//! poppler opens is never turned away; only what poppler cannot open either
//! is corrupt (or encrypted, when it asks for a password). Pages with no
//! text layer and no readable scan are rendered by [`render_page`] for OCR.
//!
//! These parsers meet hostile files; [`analyze`] is what the sandbox runs
//! (in a child process when the binary provides one, see
//! [`crate::sandbox`]), and every page is extracted under `catch_unwind` so
//! one bad page costs its own text only.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use lopdf::{Document, Object};
use serde::{Deserialize, Serialize};

/// Pages beyond this are not read (PDFs claiming billions of pages exist).
pub const MAX_PAGES: usize = 10_000;

/// What a PDF holds, page by page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PdfInfo {
    /// One entry per page, in order.
    pub pages: Vec<PdfPage>,
    /// Pages the document has (may exceed `pages.len()` at [`MAX_PAGES`]).
    pub page_count: usize,
    /// Read by poppler: what a page holds besides its text is not known.
    #[serde(default)]
    pub by_poppler: bool,
}

/// One PDF page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PdfPage {
    /// The text layer, whitespace tidied; empty for image-only pages.
    pub text: String,
    /// The largest image on the page, if any.
    pub image: Option<PdfImageInfo>,
}

/// The scan on a page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PdfImageInfo {
    /// Pixels.
    pub width: u32,
    /// Pixels.
    pub height: u32,
    /// Pixels per inch across the page's MediaBox width.
    pub dpi: Option<u32>,
    /// The stream is DCT (a JPEG as is).
    pub jpeg: bool,
}

/// A PDF that cannot be read: `(code, reason)`, code `corrupt-pdf` or
/// `encrypted-pdf`.
pub type PdfProblem = (String, String);

fn problem(code: &str, reason: impl Into<String>) -> PdfProblem {
    (code.to_string(), reason.into())
}

/// Load with lopdf, telling encryption from damage.
pub fn load(bytes: &[u8]) -> Result<Document, PdfProblem> {
    if !bytes.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return Err(problem("corrupt-pdf", "no %PDF- header: not a PDF file"));
    }
    let has_encrypt = bytes.windows(8).any(|w| w == b"/Encrypt");
    let mut doc = match Document::load_mem(bytes) {
        Ok(d) => d,
        Err(e) if has_encrypt => {
            return Err(problem(
                "encrypted-pdf",
                format!("PDF is encrypted and cannot be opened without a password ({e})"),
            ))
        }
        Err(e) => return Err(problem("corrupt-pdf", format!("PDF does not parse: {e}"))),
    };
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(problem(
            "encrypted-pdf",
            "PDF is encrypted with a user password",
        ));
    }
    Ok(doc)
}

/// Read every page: text layer and scanned image.
pub fn analyze(bytes: &[u8]) -> Result<PdfInfo, PdfProblem> {
    let doc = load(bytes)?;
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(problem("corrupt-pdf", "PDF has no pages"));
    }
    let mut info = PdfInfo {
        page_count: pages.len(),
        pages: Vec::new(),
        by_poppler: false,
    };
    for (&num, &id) in pages.iter().take(MAX_PAGES) {
        let text = catch_unwind(AssertUnwindSafe(|| page_text(&doc, num))).unwrap_or_default();
        let image = catch_unwind(AssertUnwindSafe(|| page_image(&doc, id)))
            .ok()
            .flatten();
        info.pages.push(PdfPage { text, image });
    }
    Ok(info)
}

fn page_text(doc: &Document, num: u32) -> String {
    let mut s = String::new();
    {
        let mut out = pdf_extract::PlainTextOutput::new(&mut s);
        if pdf_extract::output_doc_page(doc, &mut out, num).is_err() {
            return String::new();
        }
    }
    tidy(&s)
}

/// Trim lines, drop runs of blank lines.
pub fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = 0;
    for line in s.lines() {
        let l = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if l.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if blank > 1 {
                out.push('\n');
            }
        }
        blank = 0;
        out.push_str(&l);
    }
    out
}

fn media_width(doc: &Document, id: lopdf::ObjectId) -> Option<f64> {
    let mut dict = doc.get_dictionary(id).ok()?;
    for _ in 0..32 {
        if let Ok(mb) = dict.get(b"MediaBox").and_then(Object::as_array) {
            let n: Vec<f64> = mb
                .iter()
                .filter_map(|o| {
                    o.as_float()
                        .ok()
                        .map(f64::from)
                        .or(o.as_i64().ok().map(|i| i as f64))
                })
                .collect();
            if let [x0, _, x1, _] = n[..] {
                return Some((x1 - x0).abs());
            }
        }
        let parent = dict.get(b"Parent").and_then(Object::as_reference).ok()?;
        dict = doc.get_dictionary(parent).ok()?;
    }
    None
}

fn page_image(doc: &Document, id: lopdf::ObjectId) -> Option<PdfImageInfo> {
    let images = doc.get_page_images(id).ok()?;
    let best = images
        .iter()
        .max_by_key(|i| i.width.max(0).saturating_mul(i.height.max(0)))?;
    let width = u32::try_from(best.width).ok()?;
    let height = u32::try_from(best.height).ok()?;
    let dpi = media_width(doc, id)
        .filter(|w| *w > 1.0)
        .map(|w| (f64::from(width) / (w / 72.0)).round() as u32);
    let jpeg = best
        .filters
        .as_ref()
        .is_some_and(|f| f.len() == 1 && f[0] == "DCTDecode");
    Some(PdfImageInfo {
        width,
        height,
        dpi,
        jpeg,
    })
}

/// The JPEG bytes of the largest image on page `num` (1-based), when it is
/// DCT-encoded: what OCR and derivatives read for image-only pages.
pub fn page_jpeg(bytes: &[u8], num: u32) -> Option<Vec<u8>> {
    let doc = load(bytes).ok()?;
    let id = *doc.get_pages().get(&num)?;
    let images = doc.get_page_images(id).ok()?;
    let best = images
        .iter()
        .max_by_key(|i| i.width.max(0).saturating_mul(i.height.max(0)))?;
    let dct = best
        .filters
        .as_ref()
        .is_some_and(|f| f.len() == 1 && f[0] == "DCTDecode");
    dct.then(|| best.content.to_vec())
}

/// How long one poppler program may take.
pub const POPPLER_DEADLINE: std::time::Duration = std::time::Duration::from_secs(120);

fn poppler_run(
    program: &str,
    args: &[&str],
    path: &Path,
) -> Result<(std::process::ExitStatus, Vec<u8>, String), String> {
    let mut cmd = std::process::Command::new(program);
    cmd.args(args).arg(path);
    if program == "pdftotext" {
        cmd.arg("-");
    }
    crate::sandbox::run_with_deadline_full(cmd, None, POPPLER_DEADLINE)
        .map(|(s, out, err)| {
            let err = String::from_utf8_lossy(&err)
                .lines()
                .map(str::trim)
                .rfind(|l| !l.is_empty())
                .unwrap_or("")
                .chars()
                .take(200)
                .collect();
            (s, out, err)
        })
        .map_err(|f| match f {
            crate::sandbox::ChildFailure::Start(e) => format!("cannot start {program}: {e}"),
            crate::sandbox::ChildFailure::Timeout => {
                format!(
                    "{program} did not finish in {} s",
                    POPPLER_DEADLINE.as_secs()
                )
            }
            crate::sandbox::ChildFailure::Wait(e) => e,
        })
}

/// Whether poppler's programs are installed.
pub fn poppler_installed() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        std::process::Command::new("pdfinfo")
            .arg("-v")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok()
    })
}

/// Read a PDF with poppler: page count from `pdfinfo`, text per page from
/// `pdftotext` (pages split at form feeds). `Err` when poppler cannot open
/// it either: `encrypted-pdf` when it needs a password, else `corrupt-pdf`.
pub fn poppler(path: &Path) -> Result<PdfInfo, PdfProblem> {
    let (status, out, err) =
        poppler_run("pdfinfo", &[], path).map_err(|e| problem("corrupt-pdf", e))?;
    if !status.success() {
        let lower = err.to_lowercase();
        if lower.contains("password") {
            return Err(problem(
                "encrypted-pdf",
                format!("PDF is encrypted with a user password (poppler: {err})"),
            ));
        }
        let why = if err.is_empty() {
            status.to_string()
        } else {
            err
        };
        return Err(problem(
            "corrupt-pdf",
            format!("poppler cannot open it: {why}"),
        ));
    }
    let report = String::from_utf8_lossy(&out);
    let pages = report
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    if pages == 0 {
        return Err(problem("corrupt-pdf", "PDF has no pages (poppler)"));
    }
    let last = pages.min(MAX_PAGES).to_string();
    let texts: Vec<String> = match poppler_run("pdftotext", &["-enc", "UTF-8", "-l", &last], path) {
        Ok((s, out, _)) if s.success() => String::from_utf8_lossy(&out)
            .split('\x0c')
            .map(tidy)
            .collect(),
        _ => Vec::new(),
    };
    Ok(PdfInfo {
        pages: (0..pages.min(MAX_PAGES))
            .map(|i| PdfPage {
                text: texts.get(i).cloned().unwrap_or_default(),
                image: None,
            })
            .collect(),
        page_count: pages,
        by_poppler: true,
    })
}

/// The text poppler finds on each page, for pages pdf-extract read as
/// empty (`None` when poppler is missing or fails).
pub fn poppler_texts(path: &Path, pages: usize) -> Option<Vec<String>> {
    let last = pages.clamp(1, MAX_PAGES).to_string();
    match poppler_run("pdftotext", &["-enc", "UTF-8", "-l", &last], path) {
        Ok((s, out, _)) if s.success() => Some(
            String::from_utf8_lossy(&out)
                .split('\x0c')
                .map(tidy)
                .collect(),
        ),
        _ => None,
    }
}

/// Render page `num` (1-based) to a grey PNG at `dpi` with `pdftoppm`, for
/// OCR of scans that are not stored as JPEG.
pub fn render_page(path: &Path, num: u32, dpi: u32) -> Option<Vec<u8>> {
    let n = num.to_string();
    let r = dpi.to_string();
    let args = ["-f", &n, "-l", &n, "-r", &r, "-gray", "-png", "-singlefile"];
    match poppler_run("pdftoppm", &args, path) {
        Ok((s, out, _)) if s.success() && out.starts_with(b"\x89PNG") => Some(out),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_a_pdf_and_truncated() {
        assert_eq!(
            load(b"hello").err().map(|p| p.0),
            Some("corrupt-pdf".into())
        );
        let r = analyze(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n");
        assert_eq!(r.err().map(|p| p.0), Some("corrupt-pdf".into()));
    }

    #[test]
    fn tidy_collapses_whitespace() {
        assert_eq!(tidy("  a   b \n\n\n\n c\n"), "a b\n\nc");
    }
}
