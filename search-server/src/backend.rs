//! The server's one doorway to what it reads besides the catalog: page
//! texts, word boxes and images. Wiring to other crates lives here and
//! nowhere else.
//!
//! Page images: web-size images and thumbnails are ingest's derivatives
//! (`arhiva_ingest::derivatives`), made on first request when missing. They
//! are found from the page's document id in the catalog, never from a path
//! in the request.
//!
//! What a consultant may see of a scan is decided here, once, from the
//! page's data ([`clearance`]): a scan is shown as it is only when the page
//! is known to show no CNP (it has text, and neither the text, the word
//! boxes nor the payroll rows hold anything CNP-like); it is shown with the
//! CNP words blacked out in the served bytes themselves when the word boxes
//! locate every CNP the text shows; otherwise (no text yet, CNPs the boxes
//! do not locate) it is withheld. Masked images are kept in a bounded
//! memory cache.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use arhiva_store::{Archive, Format, Page, WordBox};
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};

use crate::error::{Result, ServerError};
use crate::mask;

/// Images kept in the cache, at most.
const CACHE_ENTRIES: usize = 256;

/// Which derivative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Size {
    /// Web-size, for the viewer.
    Web,
    /// Thumbnail, for the dossier sheet.
    Thumb,
}

/// The text of a page, if it has one.
pub fn page_text(archive: &Archive, page: &Page) -> Result<Option<String>> {
    match &page.text {
        None => Ok(None),
        Some(id) => Ok(Some(
            String::from_utf8_lossy(&archive.objects().get(id)?).into_owned(),
        )),
    }
}

/// The word boxes of a page, if known (unreadable JSON counts as none).
pub fn word_boxes(archive: &Archive, page: &Page) -> Result<Vec<WordBox>> {
    match &page.words {
        None => Ok(Vec::new()),
        Some(id) => Ok(serde_json::from_slice(&archive.objects().get(id)?).unwrap_or_default()),
    }
}

/// Whether the page has an image to show: an image file, a PDF page that
/// is a scanned image, or any PDF page when `pdftoppm` can render it.
pub fn has_image(archive: &Archive, page: &Page) -> Result<bool> {
    Ok(archive
        .catalog()
        .document(&page.document)?
        .is_some_and(|d| match d.format {
            Format::Tiff | Format::Jpeg | Format::Png => true,
            Format::Pdf => page.size_px.is_some() || arhiva_ingest::derivatives::can_render_pdf(),
            _ => false,
        }))
}

/// What a consultant may see of a page's scan.
#[derive(Debug, Clone, PartialEq)]
pub enum Clearance {
    /// Known to show no CNP: served as it is.
    Clear,
    /// Shows CNPs that these word boxes locate: served with them blacked out.
    Mask(Vec<WordBox>),
    /// Cannot be told safe (no text, or CNPs the boxes do not locate).
    Withhold(Withheld),
}

/// Why a scan is withheld from a consultant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withheld {
    /// The page has no text yet (waiting for OCR): its content is unknown.
    Unread,
    /// The page shows CNPs that cannot be located on the scan.
    Personal,
}

/// Decide what a consultant may see of a page's scan; see the module
/// documentation.
pub fn clearance(archive: &Archive, page: &Page) -> Result<Clearance> {
    let text = page_text(archive, page)?.unwrap_or_default();
    if text.trim().is_empty() {
        return Ok(Clearance::Withhold(Withheld::Unread));
    }
    let words = word_boxes(archive, page)?;
    let typed: Vec<String> = page
        .payroll
        .iter()
        .flat_map(|p| &p.rows)
        .filter_map(|r| r.cnp.clone())
        .filter(|c| !c.trim().is_empty())
        .collect();
    let boxed: Vec<WordBox> = words
        .into_iter()
        .filter(|w| mask::is_cnp_word(&w.text) || mask::is_cnp_like_word(&w.text))
        .collect();
    if !mask::may_show_cnp(&text) && boxed.is_empty() && typed.is_empty() {
        return Ok(Clearance::Clear);
    }
    // Every CNP the text or the payroll rows name must be located by a box.
    let digits = |s: &str| -> String { s.chars().filter(char::is_ascii_digit).collect() };
    let located: std::collections::HashSet<String> =
        boxed.iter().map(|w| digits(&w.text)).collect();
    let named = text
        .split_whitespace()
        .filter(|w| mask::is_cnp_like_word(w) || mask::has_cnp(w))
        .map(digits)
        .chain(typed.iter().map(|c| digits(c)));
    let mut all_located = !boxed.is_empty();
    for n in named {
        if !located.contains(&n) {
            all_located = false;
        }
    }
    // Whatever else the text holds must not look like a CNP either (numbers
    // split across words, "cod numeric personal"); the column header "CNP"
    // is explained by the numbers located under it.
    let rest: Vec<&str> = text
        .split_whitespace()
        .filter(|w| !(mask::is_cnp_like_word(w) || mask::has_cnp(w)))
        .filter(|w| {
            let t = w
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            t != "cnp" && !t.starts_with("cnp:")
        })
        .collect();
    let unexplained = mask::may_show_cnp(&rest.join(" "));
    if all_located && !unexplained {
        Ok(Clearance::Mask(boxed))
    } else {
        Ok(Clearance::Withhold(Withheld::Personal))
    }
}

/// Cache key: document id, page, size, masked.
type ImageKey = (String, u32, Size, bool);

/// A cache of derived JPEGs.
#[derive(Debug, Default)]
pub struct Images {
    cache: Mutex<HashMap<ImageKey, Arc<Vec<u8>>>>,
    making: Mutex<()>,
}

impl Images {
    /// The JPEG bytes of a page's derivative, or `None` when the page has
    /// no image. With `mask_cnp`, CNP-looking words (from its boxes) are
    /// blacked out.
    pub fn get(
        &self,
        archive: &Archive,
        page: &Page,
        size: Size,
        mask_cnp: Option<&[WordBox]>,
    ) -> Result<Option<Arc<Vec<u8>>>> {
        let key = (page.document.to_hex(), page.page, size, mask_cnp.is_some());
        if mask_cnp.is_some() {
            if let Some(hit) = lock(&self.cache).get(&key) {
                return Ok(Some(hit.clone()));
            }
        }
        let paths = {
            // Two requests for the same missing derivative must not write
            // the same temporary file.
            let _one_at_a_time = lock(&self.making);
            arhiva_ingest::derivatives::ensure(archive, page)
                .map_err(|e| ServerError::Derivatives(e.to_string()))?
        };
        let Some((web, thumb)) = paths else {
            return Ok(None);
        };
        let path = match size {
            Size::Web => web,
            Size::Thumb => thumb,
        };
        let bytes = std::fs::read(&path).map_err(|source| ServerError::Io {
            op: "read",
            path: path.clone(),
            source,
        })?;
        let Some(boxes) = mask_cnp else {
            return Ok(Some(Arc::new(bytes)));
        };
        let img = image::load_from_memory_with_format(&bytes, ImageFormat::Jpeg)
            .map_err(|e| ServerError::Derivatives(e.to_string()))?;
        let masked = Arc::new(jpeg(&black_out(img, page.size_px, boxes))?);
        let mut cache = lock(&self.cache);
        if cache.len() >= CACHE_ENTRIES {
            cache.clear();
        }
        cache.insert(key, masked.clone());
        Ok(Some(masked))
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Paint black over the boxes of CNP-looking words (and near-CNPs); `orig`
/// is the size the boxes were measured on.
fn black_out(img: DynamicImage, orig: Option<(u32, u32)>, boxes: &[WordBox]) -> DynamicImage {
    let mut rgb: RgbImage = img.to_rgb8();
    let (w, h) = rgb.dimensions();
    let (ow, oh) = orig.unwrap_or((w, h));
    let sx = w as f64 / ow.max(1) as f64;
    let sy = h as f64 / oh.max(1) as f64;
    for b in boxes
        .iter()
        .filter(|b| mask::is_cnp_word(&b.text) || mask::is_cnp_like_word(&b.text))
    {
        let x0 = ((b.x as f64 * sx).floor() as u32).saturating_sub(2).min(w);
        let y0 = ((b.y as f64 * sy).floor() as u32).saturating_sub(2).min(h);
        let x1 = (((b.x + b.w) as f64 * sx).ceil() as u32 + 2).min(w);
        let y1 = (((b.y + b.h) as f64 * sy).ceil() as u32 + 2).min(h);
        for y in y0..y1 {
            for x in x0..x1 {
                rgb.put_pixel(x, y, Rgb([0, 0, 0]));
            }
        }
    }
    DynamicImage::ImageRgb8(rgb)
}

fn jpeg(img: &DynamicImage) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let rgb = img.to_rgb8();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82);
    enc.encode_image(&rgb)
        .map_err(|e| ServerError::Derivatives(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cnp_boxes_are_blacked_out_at_scale() {
        let img = DynamicImage::ImageRgb8(RgbImage::from_pixel(100, 50, Rgb([255, 255, 255])));
        let boxes = vec![
            WordBox {
                text: "1850312020017".into(),
                x: 20,
                y: 20,
                w: 40,
                h: 20,
                conf: None,
            },
            WordBox {
                text: "Popescu".into(),
                x: 120,
                y: 20,
                w: 40,
                h: 20,
                conf: None,
            },
        ];
        let out = black_out(img, Some((200, 100)), &boxes).to_rgb8();
        assert_eq!(
            out.get_pixel(20, 15),
            &Rgb([0, 0, 0]),
            "inside the scaled CNP box"
        );
        assert_eq!(
            out.get_pixel(70, 15),
            &Rgb([255, 255, 255]),
            "the name stays"
        );
    }
}
