//! Derivatives for the web UI: a thumbnail (~200 px wide) and a web-size
//! JPEG (~1200 px wide) per page, under `<data>/derivatives/`, named by the
//! page's original object (and PDF page), so they can be thrown away and
//! made again at any time ([`ensure`]).
//!
//! Made fast: during ingest they come from the image already decoded for
//! the quality checks; the reduction uses `image`'s `thumbnail` (area
//! sampling, no filter kernel); image-only PDF pages give their embedded
//! JPEG (DCT stream) directly, nothing is rendered.

use std::fs;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use arhiva_store::{Archive, Format, ObjectId, Page};
use image::codecs::jpeg::JpegEncoder;
use image::DynamicImage;

use crate::error::{IngestError, IoContext, Result, StoreContext};
use crate::{detect, image_qa, pdf};

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

fn save(img: &DynamicImage, path: &Path) -> Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let file = fs::File::create(&tmp).ctx("create", &tmp)?;
    let mut w = BufWriter::new(file);
    let enc = JpegEncoder::new_with_quality(&mut w, 80);
    img.to_luma8()
        .write_with_encoder(enc)
        .map_err(|e| IngestError::Io {
            op: "encode",
            path: tmp.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
    drop(w);
    fs::rename(&tmp, path).ctx("rename", path)
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
    let web = if img.width() > WEB_WIDTH {
        let h =
            (u64::from(img.height()) * u64::from(WEB_WIDTH) / u64::from(img.width().max(1))) as u32;
        img.thumbnail(WEB_WIDTH, h.max(1))
    } else {
        img.clone()
    };
    let h =
        (u64::from(web.height()) * u64::from(THUMB_WIDTH) / u64::from(web.width().max(1))) as u32;
    let thumb = web.thumbnail(THUMB_WIDTH, h.max(1));
    save(&web, &web_p)?;
    save(&thumb, &thumb_p)?;
    Ok((web_p, thumb_p))
}

/// Make sure a page's derivatives exist, making them from the stored
/// original when missing. `None` when the page has no image (text-only
/// pages, PDF pages without a JPEG scan).
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
            None => return Ok(None),
        },
        (f @ (Format::Tiff | Format::Jpeg | Format::Png), _) => (bytes, f),
        _ => return Ok(None),
    };
    let img = match image_qa::decode(&img_bytes, format) {
        Ok(i) => i,
        Err(_) => return Ok(None),
    };
    write(dir, &page.document, page.pdf_page, &img).map(Some)
}
