//! Derivatives for the web UI: a thumbnail (~200 px wide) and a web-size
//! JPEG (~1200 px wide) per page, under `<data>/derivatives/`, named by the
//! page's original object (and PDF page), so they can be thrown away and
//! made again at any time ([`ensure`]).
//!
//! Made fast: during ingest they come from the image already decoded (and
//! turned upright) for the quality checks; the reduction is an integer box
//! average (one pass over the pixels). Colour stays colour — stamps, blue
//! ink and coloured forms must look as they do on paper — and grey scans
//! stay grey; image-only PDF pages give their embedded JPEG (DCT stream)
//! directly, nothing is rendered.

use std::fs;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use arhiva_store::{Archive, Format, ObjectId, Page};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, GrayImage, RgbImage};

use crate::error::{IngestError, IoContext, Result, StoreContext};
use crate::{detect, pdf};

/// Width of a thumbnail.
pub const THUMB_WIDTH: u32 = 200;
/// Width of a web-size image.
pub const WEB_WIDTH: u32 = 1200;

fn base(data_dir: &Path, doc: &ObjectId, pdf_page: Option<u32>) -> PathBuf {
    let hex = doc.to_hex();
    let name = match pdf_page {
        Some(p) => format!("{hex}-p{p}"),
        None => hex.clone(),
    };
    data_dir.join("derivatives").join(&hex[..2]).join(name)
}

/// Where the thumbnail of a page lives.
pub fn thumbnail_path(data_dir: &Path, page: &Page) -> PathBuf {
    base(data_dir, &page.document, page.pdf_page).with_extension("thumb.jpg")
}

/// Where the web-size image of a page lives.
pub fn web_path(data_dir: &Path, page: &Page) -> PathBuf {
    base(data_dir, &page.document, page.pdf_page).with_extension("web.jpg")
}

/// Write a JPEG through a temp file renamed into place. On any error (a
/// full disk among them) the temp file is removed: nothing half-written is
/// left behind, and nothing half-written takes the derivative's name.
fn save(img: &DynamicImage, path: &Path) -> Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let written = write_jpeg(img, &tmp).and_then(|()| fs::rename(&tmp, path).ctx("rename", path));
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

fn write_jpeg(img: &DynamicImage, tmp: &Path) -> Result<()> {
    let file = fs::File::create(tmp).ctx("create", tmp)?;
    let mut w = BufWriter::new(file);
    let enc = JpegEncoder::new_with_quality(&mut w, 80);
    img.write_with_encoder(enc).map_err(|e| IngestError::Io {
        op: "encode",
        path: tmp.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })?;
    // Flush here, where a full disk is an error, not in a silent drop.
    // (Derivatives can be made again: no fsync.)
    w.into_inner()
        .map_err(|e| e.into_error())
        .ctx("write", tmp)?;
    Ok(())
}

/// Shrink an 8-bit image of `channels` samples per pixel by an integer
/// factor, averaging `k`×`k` blocks: a single pass over the pixels, much
/// cheaper than a filtered resize.
fn box_shrink(raw: &[u8], width: u32, height: u32, channels: usize, k: u32) -> (u32, u32, Vec<u8>) {
    let (w, h) = (width / k, height / k);
    let row_len = width as usize * channels;
    let k = k as usize;
    let area = (k * k) as u32;
    let out_row = w as usize * channels;
    let mut out = vec![0u8; out_row * h as usize];
    let mut acc = vec![0u32; out_row];
    for oy in 0..h as usize {
        acc.iter_mut().for_each(|a| *a = 0);
        for y in oy * k..oy * k + k {
            let row = &raw[y * row_len..y * row_len + w as usize * k * channels];
            for (ox, block) in row.chunks_exact(k * channels).enumerate() {
                for (i, &p) in block.iter().enumerate() {
                    acc[ox * channels + i % channels] += u32::from(p);
                }
            }
        }
        for (o, a) in out[oy * out_row..(oy + 1) * out_row].iter_mut().zip(&acc) {
            *o = (a / area) as u8;
        }
    }
    (w, h, out)
}

/// Reduce to at most `width` pixels wide (and more than half of it) by an
/// integer box shrink: "about 1200 px" is what the viewer needs, and a
/// fractional resize costs more than the decode.
fn reduce(img: &DynamicImage, width: u32) -> DynamicImage {
    let k = img.width().div_ceil(width.max(1));
    if k < 2 {
        return img.clone();
    }
    match img {
        DynamicImage::ImageLuma8(g) => {
            let (w, h, v) = box_shrink(g.as_raw(), g.width(), g.height(), 1, k);
            GrayImage::from_raw(w, h, v)
                .map(DynamicImage::ImageLuma8)
                .unwrap_or_else(|| DynamicImage::new_luma8(1, 1))
        }
        DynamicImage::ImageRgb8(c) => {
            let (w, h, v) = box_shrink(c.as_raw(), c.width(), c.height(), 3, k);
            RgbImage::from_raw(w, h, v)
                .map(DynamicImage::ImageRgb8)
                .unwrap_or_else(|| DynamicImage::new_rgb8(1, 1))
        }
        other => reduce(&eight_bit(other), width),
    }
}

/// 8-bit grey for grey scans, 8-bit RGB for colour ones.
fn eight_bit(img: &DynamicImage) -> DynamicImage {
    match img {
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => img.clone(),
        other if other.color().has_color() => DynamicImage::ImageRgb8(other.to_rgb8()),
        other => DynamicImage::ImageLuma8(other.to_luma8()),
    }
}

/// Write both derivatives of a decoded page image.
pub fn write(
    data_dir: &Path,
    doc: &ObjectId,
    pdf_page: Option<u32>,
    img: &DynamicImage,
) -> Result<(PathBuf, PathBuf)> {
    let b = base(data_dir, doc, pdf_page);
    if let Some(dir) = b.parent() {
        fs::create_dir_all(dir).ctx("create", dir)?;
    }
    let web_p = b.with_extension("web.jpg");
    let thumb_p = b.with_extension("thumb.jpg");
    let web = match img {
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => reduce(img, WEB_WIDTH),
        other => reduce(&eight_bit(other), WEB_WIDTH),
    };
    let thumb = reduce(&web, THUMB_WIDTH);
    save(&web, &web_p)?;
    save(&thumb, &thumb_p)?;
    Ok((web_p, thumb_p))
}

/// Whether pages of born-digital PDFs can be shown as images (poppler's
/// `pdftoppm` is installed).
pub fn can_render_pdf() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        std::process::Command::new("pdftoppm")
            .arg("-v")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok()
    })
}

/// Render one page of a PDF that carries no scan (a born-digital PDF with a
/// text layer) with poppler's `pdftoppm`, when it is installed: a separate
/// process, killed after 30 seconds, so a hostile PDF cannot hurt us.
fn render_pdf_page(data_dir: &Path, doc: &ObjectId, bytes: &[u8], n: u32) -> Option<Vec<u8>> {
    let tmp = data_dir.join("derivatives").join("tmp");
    std::fs::create_dir_all(&tmp).ok()?;
    let stem = tmp.join(format!("{}-{n}-{}", doc.to_hex(), std::process::id()));
    let pdf = stem.with_extension("pdf");
    std::fs::write(&pdf, bytes).ok()?;
    let page = n.to_string();
    let mut cmd = std::process::Command::new("pdftoppm");
    cmd.args(["-f", &page, "-l", &page, "-r", "110", "-png", "-singlefile"])
        .arg(&pdf)
        .arg(&stem);
    let deadline = std::time::Duration::from_secs(30);
    let png = stem.with_extension("png");
    let out = match crate::sandbox::run_with_deadline(cmd, None, deadline) {
        Ok((status, _)) if status.success() => std::fs::read(&png).ok(),
        _ => None,
    };
    let _ = std::fs::remove_file(&pdf);
    let _ = std::fs::remove_file(&png);
    out
}

/// Make sure a page's derivatives exist, making them from the stored
/// original when missing. `None` when the page has no image (text-only
/// pages; PDF pages without a JPEG scan when `pdftoppm` is not installed).
pub fn ensure(archive: &Archive, page: &Page) -> Result<Option<(PathBuf, PathBuf)>> {
    let dir = archive.dir();
    let (web, thumb) = (web_path(dir, page), thumbnail_path(dir, page));
    if web.is_file() && thumb.is_file() {
        return Ok(Some((web, thumb)));
    }
    let path = archive.objects().path_of(&page.document);
    let bytes = archive.objects().get(&page.document).in_delivery(&path)?;
    let (img_bytes, format) = match (detect::sniff(&bytes), page.pdf_page) {
        (Format::Pdf, Some(n)) => match pdf::page_jpeg(&bytes, n) {
            Some(j) => (j, Format::Jpeg),
            None => match render_pdf_page(dir, &page.document, &bytes, n) {
                Some(png) => (png, Format::Png),
                None => return Ok(None),
            },
        },
        (f @ (Format::Tiff | Format::Jpeg | Format::Png | Format::Jp2), _) => (bytes, f),
        _ => return Ok(None),
    };
    // A page of a multi-page TIFF is its directory `pdf_page - 1`.
    let frame = match format {
        Format::Tiff => page.pdf_page.map_or(0, |p| p.saturating_sub(1)),
        _ => 0,
    };
    let img = match crate::raster::decode_page(&img_bytes, format, frame) {
        Ok(d) => d.image,
        Err(_) => return Ok(None),
    };
    write(dir, &page.document, page.pdf_page, &img).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_leaves_no_temp_file_and_no_derivative() {
        let dir = tempfile::tempdir().expect("tempdir");
        let doc = ObjectId::of(b"a scan");
        let web = base(dir.path(), &doc, None).with_extension("web.jpg");
        let parent = web.parent().expect("parent");
        fs::create_dir_all(parent).expect("mkdir");
        // The temp file's name is known: make it a door to a full disk.
        let tmp = web.with_extension(format!("tmp{}", std::process::id()));
        std::os::unix::fs::symlink("/dev/full", &tmp).expect("symlink");
        let mut img = GrayImage::from_pixel(2400, 1600, image::Luma([250]));
        for (x, y, p) in img.enumerate_pixels_mut() {
            *p = image::Luma([((x * 7 + y * 13) % 251) as u8]);
        }
        let r = write(dir.path(), &doc, None, &DynamicImage::ImageLuma8(img));
        assert!(r.is_err(), "a write to a full disk must fail");
        let left: Vec<String> = fs::read_dir(parent)
            .expect("list")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            left.iter().all(|n| !n.contains(".tmp")),
            "temp files left: {left:?}"
        );
        assert!(!web.exists(), "no derivative under its final name");
    }
}
