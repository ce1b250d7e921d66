//! Image quality checks on every scan: resolution (below 200 DPI is
//! flagged), blank pages, tiny or huge dimensions, and files that do not
//! decode. The resolution is read from the file's own header (TIFF
//! `XResolution`, JFIF density, PNG `pHYs`); decoding runs with
//! `image::Limits` so a header claiming a gigapixel fails fast.

use std::io::Cursor;

use arhiva_store::{Format, PageFlag};
use image::{DynamicImage, GrayImage, ImageReader, Limits};

/// Minimum resolution for archival scans.
pub const MIN_DPI: u32 = 200;
/// Memory one decode may allocate.
pub const MAX_DECODE_BYTES: u64 = 768 << 20;

/// What the checks found.
#[derive(Debug, Clone, Default)]
pub struct Qa {
    /// Pixels.
    pub width: u32,
    /// Pixels.
    pub height: u32,
    /// Declared resolution.
    pub dpi: Option<u32>,
    /// Findings.
    pub flags: Vec<PageFlag>,
}

/// Why an image did not decode: `(code, reason)`.
pub type ImageProblem = (&'static str, String);

/// Decode a page image (TIFF, JPEG, PNG) under limits.
pub fn decode(bytes: &[u8], format: Format) -> Result<DynamicImage, ImageProblem> {
    let fmt = match format {
        Format::Tiff => image::ImageFormat::Tiff,
        Format::Jpeg => image::ImageFormat::Jpeg,
        Format::Png => image::ImageFormat::Png,
        _ => return Err(("unsupported-format", "not a TIFF, JPEG or PNG image".into())),
    };
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(fmt);
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits.max_image_width = Some(40_000);
    limits.max_image_height = Some(40_000);
    reader.limits(limits);
    reader.decode().map_err(|e| classify(&e))
}

/// The quarantine code and reason for a decoder error.
pub fn classify(e: &image::ImageError) -> ImageProblem {
    let msg = e.to_string();
    let lower = msg.to_lowercase();
    let truncated = lower.contains("eof")
        || lower.contains("end of file")
        || lower.contains("unexpected end")
        || lower.contains("truncat")
        || lower.contains("failed to fill whole buffer")
        || lower.contains("not enough data");
    if matches!(e, image::ImageError::Limits(_)) {
        (
            "image-too-large",
            format!("image exceeds decode limits: {msg}"),
        )
    } else if truncated {
        ("truncated-image", format!("image data ends early: {msg}"))
    } else {
        ("undecodable-image", format!("image does not decode: {msg}"))
    }
}

/// Run the checks on a decoded image.
pub fn check(img: &DynamicImage, dpi: Option<u32>) -> Qa {
    let (width, height) = (img.width(), img.height());
    let mut flags = Vec::new();
    match dpi {
        Some(d) if d >= MIN_DPI => {}
        other => flags.push(PageFlag::LowDpi {
            dpi: other.unwrap_or(0),
        }),
    }
    if width < 300 || height < 300 {
        flags.push(PageFlag::TinyImage);
    }
    if u64::from(width) * u64::from(height) > 150_000_000 {
        flags.push(PageFlag::HugeImage);
    }
    if is_blank(img) {
        flags.push(PageFlag::Blank);
    }
    Qa {
        width,
        height,
        dpi,
        flags,
    }
}

/// A page is blank when almost no pixel is ink: fewer than 1 in 2,000
/// sampled pixels much darker than the paper.
pub fn is_blank(img: &DynamicImage) -> bool {
    let gray: std::borrow::Cow<'_, GrayImage> = match img {
        DynamicImage::ImageLuma8(g) => std::borrow::Cow::Borrowed(g),
        other => std::borrow::Cow::Owned(other.to_luma8()),
    };
    let (w, h) = gray.dimensions();
    if w == 0 || h == 0 {
        return true;
    }
    let mut hist = [0u64; 256];
    let mut n = 0u64;
    let raw = gray.as_raw();
    for y in (0..h as usize).step_by(2) {
        let row = &raw[y * w as usize..(y + 1) * w as usize];
        for &p in row.iter().step_by(2) {
            hist[p as usize] += 1;
            n += 1;
        }
    }
    // Paper level: the 75th percentile.
    let mut acc = 0u64;
    let mut paper = 255usize;
    for (v, &c) in hist.iter().enumerate() {
        acc += c;
        if acc * 4 >= n * 3 {
            paper = v;
            break;
        }
    }
    let threshold = paper.saturating_sub(90);
    let ink: u64 = hist[..threshold].iter().sum();
    ink * 2000 < n
}

/// The resolution a file declares, if any.
pub fn declared_dpi(bytes: &[u8], format: Format) -> Option<u32> {
    let dpi = match format {
        Format::Jpeg => jfif_dpi(bytes),
        Format::Png => png_dpi(bytes),
        Format::Tiff => tiff_dpi(bytes),
        _ => None,
    }?;
    (dpi > 0.5 && dpi < 100_000.0).then(|| dpi.round() as u32)
}

fn jfif_dpi(b: &[u8]) -> Option<f64> {
    if b.len() < 18 || &b[6..11] != b"JFIF\0" {
        return None;
    }
    let units = b[13];
    let x = f64::from(u16::from_be_bytes([b[14], b[15]]));
    match units {
        1 => Some(x),
        2 => Some(x * 2.54),
        _ => None,
    }
}

fn png_dpi(b: &[u8]) -> Option<f64> {
    let mut i = 8usize;
    while i + 8 <= b.len() {
        let len = u32::from_be_bytes(b[i..i + 4].try_into().ok()?) as usize;
        let kind = &b[i + 4..i + 8];
        if kind == b"pHYs" && i + 8 + 9 <= b.len() {
            let d = &b[i + 8..i + 17];
            let ppu = f64::from(u32::from_be_bytes(d[0..4].try_into().ok()?));
            return (d[8] == 1).then_some(ppu * 0.0254);
        }
        if kind == b"IDAT" || kind == b"IEND" {
            return None;
        }
        i = i.checked_add(12)?.checked_add(len)?;
    }
    None
}

fn tiff_dpi(b: &[u8]) -> Option<f64> {
    use tiff::tags::Tag;
    let mut dec = tiff::decoder::Decoder::new(Cursor::new(b)).ok()?;
    use tiff::decoder::ifd::Value;
    let x = match dec.find_tag(Tag::XResolution).ok()?? {
        Value::Rational(n, d) if d != 0 => f64::from(n) / f64::from(d),
        Value::Double(v) => v,
        Value::Float(v) => f64::from(v),
        Value::Short(v) => f64::from(v),
        Value::Unsigned(v) => f64::from(v),
        _ => return None,
    };
    let unit = dec
        .find_tag_unsigned::<u16>(Tag::ResolutionUnit)
        .ok()
        .flatten()
        .unwrap_or(2);
    match unit {
        2 => Some(x),
        3 => Some(x * 2.54),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Luma};

    #[test]
    fn blank_and_written_pages() {
        let blank: GrayImage =
            ImageBuffer::from_fn(800, 1000, |x, y| Luma([235 + ((x * 7 + y * 3) % 9) as u8]));
        assert!(is_blank(&DynamicImage::ImageLuma8(blank.clone())));
        let mut text = blank;
        for y in 100..900 {
            if y % 40 < 12 {
                for x in 100..700 {
                    if x % 9 < 3 {
                        text.put_pixel(x, y, Luma([20]));
                    }
                }
            }
        }
        let img = DynamicImage::ImageLuma8(text);
        assert!(!is_blank(&img));
        let qa = check(&img, Some(150));
        assert!(qa.flags.contains(&PageFlag::LowDpi { dpi: 150 }));
    }

    #[test]
    fn truncated_png_is_reported() {
        let img = DynamicImage::ImageLuma8(ImageBuffer::from_pixel(400, 400, Luma([200u8])));
        let mut png = Vec::new();
        img.write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .expect("encode");
        png.truncate(png.len() / 2);
        let e = decode(&png, Format::Png).expect_err("truncated");
        assert!(
            e.0 == "truncated-image" || e.0 == "undecodable-image",
            "{e:?}"
        );
    }
}
