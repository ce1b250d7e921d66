//! Page images as archives hold them: TIFF in every compression a scanner
//! writes (LZW, Deflate, PackBits with predictors, CCITT G3/G4 bilevel,
//! JPEG-in-TIFF), multi-page TIFF (one page per directory), 16-bit and
//! CMYK, and JPEG 2000 preservation masters.
//!
//! The Rust decoders (`image`, `tiff`) read most files in process. What
//! they cannot read — old-style JPEG-in-TIFF, some CMYK and 16-bit
//! variants, JPEG 2000 — goes to ImageMagick (`magick` or `convert`, which
//! reads TIFF with libtiff and JPEG 2000 with OpenJPEG) as a separate
//! process with a deadline (run by the sandbox helper); it
//! hands back a PNG. A file neither reads is quarantined with the Rust
//! decoder's reason. A file ImageMagick reads only with a warning about
//! missing or damaged data stays quarantined: the vendor must deliver it
//! again.
//!
//! Every decoded page is turned upright by its EXIF or TIFF orientation
//! before anything looks at it (quality checks, OCR, word boxes,
//! derivatives).

use std::io::Cursor;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use arhiva_store::Format;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};

use crate::image_qa::{self, ImageProblem, MAX_DECODE_BYTES};
use crate::sandbox::{run_with_deadline_full, ChildFailure};

/// How long the external decoder may take for one page.
pub const EXTERNAL_DEADLINE: Duration = Duration::from_secs(60);
/// Pages read from one multi-page TIFF at most.
pub const MAX_FRAMES: u32 = 10_000;

/// A decoded page image, upright.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The pixels, orientation applied.
    pub image: DynamicImage,
    /// The file asked for a rotation or mirror (EXIF / TIFF `Orientation`
    /// other than 1), now applied.
    pub reoriented: bool,
    /// Read by the external decoder, not by the Rust one.
    pub external: bool,
    /// The resolution the external decoder found (the Rust path reads it
    /// from the file's header instead).
    pub dpi: Option<u32>,
}

/// The ImageMagick program, when installed: `magick` (version 7) or
/// `convert` (version 6).
pub fn imagemagick() -> Option<&'static str> {
    static TOOL: OnceLock<Option<&'static str>> = OnceLock::new();
    *TOOL.get_or_init(|| {
        ["magick", "convert"].into_iter().find(|t| {
            Command::new(t)
                .arg("-version")
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
    })
}

/// How many pages (image directories) a TIFF holds; 1 for other formats
/// and for TIFFs whose directory chain the Rust reader cannot follow.
pub fn frame_count(bytes: &[u8], format: Format) -> u32 {
    if format != Format::Tiff {
        return 1;
    }
    frame_count_reader(Cursor::new(bytes))
}

/// [`frame_count`] of a TIFF read from `r` (only its directories are read).
pub fn frame_count_reader<R: std::io::Read + std::io::Seek>(r: R) -> u32 {
    let Ok(mut dec) = tiff::decoder::Decoder::new(r) else {
        return 1;
    };
    let mut n = 1;
    while dec.more_images() && n < MAX_FRAMES {
        if dec.next_image().is_err() {
            break;
        }
        n += 1;
    }
    n
}

/// Decode page `frame` (0-based) of an image, upright: the Rust decoders,
/// then ImageMagick.
pub fn decode_page(bytes: &[u8], format: Format, frame: u32) -> Result<Decoded, ImageProblem> {
    match decode_rust(bytes, format, frame) {
        Ok(d) => Ok(d),
        Err(e) => decode_external(bytes, format, frame, e),
    }
}

/// Decode page `frame` in process (what [`crate::sandbox::guarded`] runs).
pub fn decode_rust(bytes: &[u8], format: Format, frame: u32) -> Result<Decoded, ImageProblem> {
    match (format, frame) {
        (Format::Tiff | Format::Jpeg | Format::Png, 0) => decode_oriented(bytes, format),
        (Format::Tiff, k) => decode_tiff_frame(bytes, k),
        (Format::Jp2, _) => Err((
            "undecodable-image",
            "JPEG 2000 needs ImageMagick (with OpenJPEG), which is not installed".to_string(),
        )),
        _ => Err((
            "unsupported-format",
            "not a TIFF, JPEG, PNG or JPEG 2000 image".to_string(),
        )),
    }
}

/// After the Rust decoder gave `rust` as its reason: ImageMagick, for files
/// that are valid but beyond the Rust decoder.
pub fn decode_external(
    bytes: &[u8],
    format: Format,
    frame: u32,
    rust: ImageProblem,
) -> Result<Decoded, ImageProblem> {
    if rust.0 == "image-too-large" || rust.0 == "unsupported-format" {
        return Err(rust);
    }
    match external(bytes, format, frame) {
        Ok((image, dpi)) => Ok(Decoded {
            image,
            reoriented: false,
            external: true,
            dpi,
        }),
        Err(External::Damaged(msg)) => {
            let code = if rust.0 == "truncated-image" || msg.to_lowercase().contains("premature") {
                "truncated-image"
            } else {
                rust.0
            };
            Err((code, format!("{}; ImageMagick: {msg}", rust.1)))
        }
        Err(External::Unavailable) => Err(rust),
        Err(External::Failed(msg)) if format == Format::Jp2 => Err((
            "undecodable-image",
            format!("JPEG 2000 does not decode: {msg}"),
        )),
        Err(External::Failed(msg)) => Err((rust.0, format!("{}; ImageMagick: {msg}", rust.1))),
    }
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits.max_image_width = Some(40_000);
    limits.max_image_height = Some(40_000);
    limits
}

/// The first image of a TIFF/JPEG/PNG with the `image` crate, then its
/// orientation applied.
fn decode_oriented(bytes: &[u8], format: Format) -> Result<Decoded, ImageProblem> {
    let fmt = match format {
        Format::Tiff => image::ImageFormat::Tiff,
        Format::Jpeg => image::ImageFormat::Jpeg,
        _ => image::ImageFormat::Png,
    };
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(fmt);
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(|e| image_qa::classify(&e))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| image_qa::classify(&e))?;
    let reoriented = orientation != image::metadata::Orientation::NoTransforms;
    image.apply_orientation(orientation);
    Ok(Decoded {
        image,
        reoriented,
        external: false,
        dpi: None,
    })
}

/// Page `k` of a multi-page TIFF with the `tiff` crate (8- and 16-bit grey
/// and RGB); other layouts go to the external decoder.
fn decode_tiff_frame(bytes: &[u8], k: u32) -> Result<Decoded, ImageProblem> {
    use tiff::decoder::DecodingResult as R;
    use tiff::ColorType as C;
    let bad = |e: tiff::TiffError| ("undecodable-image", format!("TIFF page {}: {e}", k + 1));
    let mut lim = tiff::decoder::Limits::default();
    lim.decoding_buffer_size = MAX_DECODE_BYTES as usize;
    let mut dec = tiff::decoder::Decoder::new(Cursor::new(bytes))
        .map_err(bad)?
        .with_limits(lim);
    dec.seek_to_image(k as usize).map_err(bad)?;
    let (w, h) = dec.dimensions().map_err(bad)?;
    let color = dec.colortype().map_err(bad)?;
    let orientation = dec
        .find_tag_unsigned::<u16>(tiff::tags::Tag::Orientation)
        .ok()
        .flatten()
        .and_then(|o| image::metadata::Orientation::from_exif(o as u8))
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let data = dec.read_image().map_err(bad)?;
    let unsupported = || {
        (
            "undecodable-image",
            format!(
                "TIFF page {} has a pixel layout {color:?} read only by ImageMagick",
                k + 1
            ),
        )
    };
    let image = match (color, data) {
        (C::Gray(8), R::U8(v)) => image::GrayImage::from_raw(w, h, v).map(DynamicImage::ImageLuma8),
        (C::RGB(8), R::U8(v)) => image::RgbImage::from_raw(w, h, v).map(DynamicImage::ImageRgb8),
        (C::RGBA(8), R::U8(v)) => image::RgbaImage::from_raw(w, h, v).map(DynamicImage::ImageRgba8),
        (C::Gray(16), R::U16(v)) => {
            image::ImageBuffer::from_raw(w, h, v).map(DynamicImage::ImageLuma16)
        }
        (C::RGB(16), R::U16(v)) => {
            image::ImageBuffer::from_raw(w, h, v).map(DynamicImage::ImageRgb16)
        }
        _ => None,
    };
    let mut image = image.ok_or_else(unsupported)?;
    let reoriented = orientation != image::metadata::Orientation::NoTransforms;
    image.apply_orientation(orientation);
    Ok(Decoded {
        image,
        reoriented,
        external: false,
        dpi: None,
    })
}

/// Why the external decoder gave no image.
enum External {
    /// ImageMagick is not installed.
    Unavailable,
    /// It read the file but said data is missing or damaged.
    Damaged(String),
    /// It could not read the file.
    Failed(String),
}

/// Warnings that mean the picture is incomplete, not just unusual.
fn damaged(stderr: &str) -> bool {
    let s = stderr.to_lowercase();
    [
        "premature end",
        "corrupt",
        "truncat",
        "unexpected end",
        "read error",
        "not enough data",
        "bad code",
        "data error",
    ]
    .iter()
    .any(|w| s.contains(w))
}

fn first_line(stderr: &[u8]) -> String {
    let s = String::from_utf8_lossy(stderr);
    let line = s
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no output");
    line.trim().chars().take(200).collect()
}

/// Page `frame` of `bytes` through ImageMagick, as 8-bit sRGB or grey,
/// auto-oriented.
fn external(
    bytes: &[u8],
    format: Format,
    frame: u32,
) -> Result<(DynamicImage, Option<u32>), External> {
    let tool = imagemagick().ok_or(External::Unavailable)?;
    let coder = match format {
        Format::Tiff => "tiff",
        Format::Jpeg => "jpeg",
        Format::Png => "png",
        Format::Jp2 if bytes.starts_with(&[0xFF, 0x4F]) => "j2k",
        Format::Jp2 => "jp2",
        _ => return Err(External::Failed("not an image format".into())),
    };
    let mut cmd = Command::new(tool);
    cmd.args([
        "-quiet", "-limit", "memory", "512MiB", "-limit", "map", "1GiB", "-limit", "disk", "2GiB",
    ])
    .arg(format!("{coder}:-[{frame}]"))
    .args(["-auto-orient", "-depth", "8", "png:-"]);
    let (status, out, err) = run_with_deadline_full(cmd, Some(bytes.to_vec()), EXTERNAL_DEADLINE)
        .map_err(|f| match f {
        ChildFailure::Start(e) => External::Failed(format!("cannot start {tool}: {e}")),
        ChildFailure::Timeout => External::Failed(format!(
            "{tool} did not finish in {} s",
            EXTERNAL_DEADLINE.as_secs()
        )),
        ChildFailure::Wait(e) => External::Failed(e),
    })?;
    if !status.success() || out.is_empty() {
        return Err(External::Failed(first_line(&err)));
    }
    let stderr = String::from_utf8_lossy(&err);
    if damaged(&stderr) {
        return Err(External::Damaged(first_line(&err)));
    }
    let dpi = image_qa::declared_dpi(&out, Format::Png);
    let image = image_qa::decode(&out, Format::Png).map_err(|e| External::Failed(e.1))?;
    Ok((image, dpi))
}

/// The page as bytes tesseract reads: the original when it can be given as
/// is (a first page, upright, in a format tesseract reads), else the
/// decoded page as PNG.
pub fn ocr_input(original: &[u8], format: Format, frame: u32, page: &Decoded) -> Vec<u8> {
    let as_is = frame == 0
        && !page.reoriented
        && !page.external
        && matches!(format, Format::Jpeg | Format::Png | Format::Tiff);
    if as_is {
        return original.to_vec();
    }
    let mut png = Vec::new();
    let img = match &page.image {
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => {
            std::borrow::Cow::Borrowed(&page.image)
        }
        other => std::borrow::Cow::Owned(DynamicImage::ImageRgb8(other.to_rgb8())),
    };
    match img.write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png) {
        Ok(()) => png,
        Err(_) => original.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exif_orientation_is_applied() {
        // A 3x2 JPEG whose EXIF says "rotate 90° clockwise" is 2x3 upright.
        let img = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
            30,
            20,
            image::Rgb([200, 10, 10]),
        ));
        let mut jpeg = Vec::new();
        img.write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
            .expect("encode");
        // APP1 Exif, big-endian TIFF header, one IFD entry: Orientation = 6.
        let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01".to_vec();
        exif.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
        exif.extend_from_slice(&[0, 0, 0, 0]);
        let len = (exif.len() + 2) as u16;
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&exif);
        out.extend_from_slice(&jpeg[2..]);
        let d = decode_page(&out, Format::Jpeg, 0).expect("decodes");
        assert!(d.reoriented);
        assert_eq!((d.image.width(), d.image.height()), (20, 30));
    }
}
