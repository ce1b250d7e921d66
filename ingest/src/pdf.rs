//! PDF dossiers: structure, encryption and page count with lopdf, the text
//! layer per page with pdf-extract, and the scanned image of image-only
//! pages (its size, hence its resolution, and its JPEG bytes when the
//! stream is DCT-encoded, for OCR and derivatives without re-encoding).
//!
//! These parsers meet hostile files; [`analyze`] is what the sandbox runs
//! (in a child process when the binary provides one, see
//! [`crate::sandbox`]), and every page is extracted under `catch_unwind` so
//! one bad page costs its own text only.

use std::panic::{catch_unwind, AssertUnwindSafe};

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
