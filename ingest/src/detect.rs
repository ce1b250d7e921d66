//! Format detection from a file's first bytes, never from its name, and
//! what a name's extension promises.

use arhiva_store::Format;

/// The format the first bytes of a file show.
pub fn sniff(head: &[u8]) -> Format {
    if head.starts_with(b"II*\0")
        || head.starts_with(b"MM\0*")
        || head.starts_with(b"II+\0")
        || head.starts_with(b"MM\0+")
    {
        Format::Tiff
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Format::Jpeg
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Format::Png
    } else if find(&head[..head.len().min(1024)], b"%PDF-").is_some() {
        Format::Pdf
    } else {
        let start = String::from_utf8_lossy(&head[..head.len().min(4096)]).to_lowercase();
        if start.contains("<alto") {
            Format::Alto
        } else if start.contains("ocr_page")
            || start.contains("ocrx_word")
            || start.contains("<html")
        {
            Format::Hocr
        } else if !head.is_empty()
            && !head.starts_with(b"BM")
            && !head.starts_with(b"GIF8")
            && !head.starts_with(b"RIFF")
        {
            Format::Text
        } else {
            Format::Other
        }
    }
}

/// Another format the bytes show, for messages (`BMP`, `GIF`, `WebP`).
pub fn describe(head: &[u8]) -> &'static str {
    match sniff(head) {
        Format::Tiff => "TIFF",
        Format::Jpeg => "JPEG",
        Format::Png => "PNG",
        Format::Pdf => "PDF",
        Format::Alto => "ALTO XML",
        Format::Hocr => "hOCR",
        Format::Text => "text",
        Format::Other if head.starts_with(b"BM") => "BMP",
        Format::Other if head.starts_with(b"GIF8") => "GIF",
        Format::Other if head.starts_with(b"RIFF") => "RIFF/WebP",
        Format::Other => "unknown binary",
    }
}

/// The page-image or PDF format a file name promises, if any.
pub fn by_extension(name: &str) -> Option<Format> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "tif" | "tiff" => Format::Tiff,
        "jpg" | "jpeg" | "jpe" => Format::Jpeg,
        "png" => Format::Png,
        "pdf" => Format::Pdf,
        "txt" => Format::Text,
        "hocr" | "html" | "htm" => Format::Hocr,
        "xml" => Format::Alto,
        _ => Format::Other,
    })
}

/// The role of a file in a dossier folder, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A page image or a PDF (or something claiming to be one).
    Scan,
    /// An OCR sidecar.
    Sidecar,
    /// Something else (`Thumbs.db`, checksums, notes).
    Other,
}

/// What a file name says it is.
pub fn role(name: &str) -> Role {
    match by_extension(name) {
        Some(Format::Tiff | Format::Jpeg | Format::Png | Format::Pdf) => Role::Scan,
        Some(Format::Text | Format::Hocr | Format::Alto) => Role::Sidecar,
        Some(_) => match name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()) {
            Some(e) if matches!(e.as_str(), "bmp" | "gif" | "webp" | "jp2") => Role::Scan,
            _ => Role::Other,
        },
        None => Role::Other,
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_not_names() {
        assert_eq!(sniff(b"II*\0\x08\0\0\0"), Format::Tiff);
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Format::Jpeg);
        assert_eq!(sniff(b"junk\n%PDF-1.4"), Format::Pdf);
        assert_eq!(sniff(b"BM\x00\x00"), Format::Other);
        assert_eq!(describe(b"BM\x00\x00"), "BMP");
        assert_eq!(by_extension("0001.TIF"), Some(Format::Tiff));
        assert_eq!(role("0001.hocr"), Role::Sidecar);
        assert_eq!(role("Thumbs.db"), Role::Other);
    }
}
