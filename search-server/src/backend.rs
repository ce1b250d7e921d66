//! The server's one doorway to what it reads besides the catalog: page
//! texts, word boxes and images. Wiring to other crates lives here and
//! nowhere else.
//!
//! Page images: web-size images and thumbnails are derivatives of the
//! original scan. They are made on first request from the original (found
//! by the page's document id in the catalog, never by a path from the
//! request), kept in a bounded memory cache, and served as JPEG. For
//! consultants, the words on the scan that look like a CNP are blacked out
//! in the served bytes themselves.

use std::collections::HashMap;
use std::io::Cursor;
use std::sync::{Arc, Mutex};

use arhiva_store::{Archive, Format, Page, WordBox};
use image::{DynamicImage, GenericImageView, ImageFormat, Rgb, RgbImage};

use crate::error::{Result, ServerError};
use crate::mask;

/// Width of web-size images, at most.
pub const WEB_WIDTH: u32 = 1400;
/// Width of thumbnails, at most.
pub const THUMB_WIDTH: u32 = 260;
/// Images kept in the cache, at most.
const CACHE_ENTRIES: usize = 256;
/// Originals larger than this are not decoded for derivatives.
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

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

/// Whether the page's original is an image we can show.
pub fn has_image(archive: &Archive, page: &Page) -> Result<bool> {
    Ok(archive
        .catalog()
        .document(&page.document)?
        .is_some_and(|d| matches!(d.format, Format::Tiff | Format::Jpeg | Format::Png)))
}

/// Cache key: document id, page, size, masked.
type ImageKey = (String, u32, Size, bool);

/// A cache of derived JPEGs.
#[derive(Debug, Default)]
pub struct Images {
    cache: Mutex<HashMap<ImageKey, Arc<Vec<u8>>>>,
}

impl Images {
    /// The JPEG bytes of a page's derivative, or `None` when the page has
    /// no image. With `mask_cnp`, CNP-looking words (from `boxes`) are
    /// blacked out.
    pub fn get(
        &self,
        archive: &Archive,
        page: &Page,
        size: Size,
        mask_cnp: Option<&[WordBox]>,
    ) -> Result<Option<Arc<Vec<u8>>>> {
        let key = (page.document.to_hex(), page.page, size, mask_cnp.is_some());
        if let Some(hit) = lock(&self.cache).get(&key) {
            return Ok(Some(hit.clone()));
        }
        let Some(img) = derive(archive, page, size)? else {
            return Ok(None);
        };
        let img = match mask_cnp {
            Some(boxes) => black_out(img, page.size_px, boxes),
            None => img,
        };
        let bytes = Arc::new(jpeg(&img)?);
        let mut cache = lock(&self.cache);
        if cache.len() >= CACHE_ENTRIES {
            cache.clear();
        }
        cache.insert(key, bytes.clone());
        Ok(Some(bytes))
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Decode the original and scale it down.
fn derive(archive: &Archive, page: &Page, size: Size) -> Result<Option<DynamicImage>> {
    let Some(doc) = archive.catalog().document(&page.document)? else {
        return Ok(None);
    };
    let format = match doc.format {
        Format::Tiff => ImageFormat::Tiff,
        Format::Jpeg => ImageFormat::Jpeg,
        Format::Png => ImageFormat::Png,
        _ => return Ok(None),
    };
    if doc.size > MAX_DECODE_BYTES {
        return Ok(None);
    }
    let bytes = archive.objects().get(&page.document)?;
    let img = match image::load(Cursor::new(bytes), format) {
        Ok(img) => img,
        Err(e) => {
            tracing::warn!(cota = %page.cota, page = page.page, error = %e, "page image undecodable");
            return Ok(None);
        }
    };
    let width = match size {
        Size::Web => WEB_WIDTH,
        Size::Thumb => THUMB_WIDTH,
    };
    let (w, h) = img.dimensions();
    if w <= width {
        return Ok(Some(img));
    }
    let nh = ((h as u64 * width as u64) / w.max(1) as u64).max(1) as u32;
    let filter = match size {
        Size::Web => image::imageops::FilterType::Triangle,
        Size::Thumb => image::imageops::FilterType::Nearest,
    };
    Ok(Some(img.resize_exact(width, nh, filter)))
}

/// Paint black over the boxes of CNP-looking words; `orig` is the size the
/// boxes were measured on.
fn black_out(img: DynamicImage, orig: Option<(u32, u32)>, boxes: &[WordBox]) -> DynamicImage {
    let mut rgb: RgbImage = img.to_rgb8();
    let (w, h) = rgb.dimensions();
    let (ow, oh) = orig.unwrap_or((w, h));
    let sx = w as f64 / ow.max(1) as f64;
    let sy = h as f64 / oh.max(1) as f64;
    for b in boxes.iter().filter(|b| mask::is_cnp_word(&b.text)) {
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
