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
    } else if is_jpeg2000(head) {
        Format::Jp2
    } else if find(&head[..head.len().min(1024)], b"%PDF-").is_some() {
        Format::Pdf
    } else if !looks_like_text(head) {
        Format::Other
    } else {
        match xml_kind(head) {
            Some(XmlKind::Alto) => Format::Alto,
            Some(XmlKind::PageXml) => Format::PageXml,
            Some(XmlKind::Mets | XmlKind::Abbyy) => Format::Other,
            None => {
                let start = lower_start(head);
                if start.contains("ocr_page")
                    || start.contains("ocrx_word")
                    || start.contains("<html")
                {
                    Format::Hocr
                } else {
                    Format::Text
                }
            }
        }
    }
}

/// A JP2 file (signature box) or a raw JPEG 2000 codestream (SOC + SIZ).
fn is_jpeg2000(head: &[u8]) -> bool {
    head.starts_with(b"\0\0\0\x0cjP  \r\n\x87\n") || head.starts_with(&[0xFF, 0x4F, 0xFF, 0x51])
}

/// Text, not binary: no NUL byte and almost no control characters in the
/// first 4 KiB (UTF-8 and Windows-1250 text both pass).
fn looks_like_text(head: &[u8]) -> bool {
    let h = &head[..head.len().min(4096)];
    if h.is_empty() || h.contains(&0) {
        return false;
    }
    let control = h
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    control * 100 <= h.len()
}

fn lower_start(head: &[u8]) -> String {
    String::from_utf8_lossy(&head[..head.len().min(4096)]).to_lowercase()
}

/// The XML vocabularies of OCR and package files met in deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XmlKind {
    /// ALTO (Library of Congress), any version.
    Alto,
    /// PAGE XML (PRImA; OCR-D, Transkribus, eScriptorium), 2013 or 2019.
    PageXml,
    /// METS: a package description (files, page order), not a page's text.
    Mets,
    /// ABBYY FineReader's own XML.
    Abbyy,
}

/// Which OCR or package XML a file holds, from its first bytes.
pub fn xml_kind(head: &[u8]) -> Option<XmlKind> {
    let start = lower_start(head);
    if start.contains("<mets:mets") || start.contains("<mets ") || start.contains("loc.gov/mets/") {
        Some(XmlKind::Mets)
    } else if start.contains("<alto") {
        Some(XmlKind::Alto)
    } else if start.contains("primaresearch.org/page") || start.contains("<pcgts") {
        Some(XmlKind::PageXml)
    } else if start.contains("abbyy.com/finereader") || start.contains("finereader") {
        Some(XmlKind::Abbyy)
    } else {
        None
    }
}

/// The format the bytes show, by name, for messages (`BMP`, `JPEG 2000`).
pub fn describe(head: &[u8]) -> &'static str {
    match sniff(head) {
        Format::Tiff => "TIFF",
        Format::Jpeg => "JPEG",
        Format::Png => "PNG",
        Format::Jp2 => "JPEG 2000",
        Format::Pdf => "PDF",
        Format::Alto => "ALTO XML",
        Format::PageXml => "PAGE XML",
        Format::Hocr => "hOCR",
        Format::Text => "text",
        Format::Other => match xml_kind(head) {
            Some(XmlKind::Mets) if looks_like_text(head) => "METS XML",
            Some(XmlKind::Abbyy) if looks_like_text(head) => "ABBYY FineReader XML",
            _ if head.starts_with(b"BM") => "BMP",
            _ if head.starts_with(b"GIF8") => "GIF",
            _ if head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP") => "WebP",
            _ if head.starts_with(b"RIFF") => "RIFF",
            _ if head.is_empty() => "no data",
            _ => "unknown binary",
        },
    }
}

/// The page-image or PDF format a file name promises, if any.
pub fn by_extension(name: &str) -> Option<Format> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "tif" | "tiff" => Format::Tiff,
        "jpg" | "jpeg" | "jpe" => Format::Jpeg,
        "png" => Format::Png,
        "jp2" | "j2k" | "jpf" | "jpx" | "j2c" | "jpc" => Format::Jp2,
        "pdf" => Format::Pdf,
        "txt" => Format::Text,
        "hocr" | "html" | "htm" => Format::Hocr,
        // ALTO, PAGE XML, METS or ABBYY: the content tells.
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
        Some(Format::Tiff | Format::Jpeg | Format::Png | Format::Jp2 | Format::Pdf) => Role::Scan,
        Some(Format::Text | Format::Hocr | Format::Alto | Format::PageXml) => Role::Sidecar,
        Some(_) => match name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()) {
            Some(e) if matches!(e.as_str(), "bmp" | "gif" | "webp") => Role::Scan,
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
        assert_eq!(role("0001.jp2"), Role::Scan);
        assert_eq!(role("Thumbs.db"), Role::Other);
    }

    #[test]
    fn jpeg2000_and_binary_are_not_text() {
        let jp2 = b"\0\0\0\x0cjP  \r\n\x87\n\0\0\0\x14ftypjp2 ";
        assert_eq!(sniff(jp2), Format::Jp2);
        assert_eq!(describe(jp2), "JPEG 2000");
        assert_eq!(describe(&[0xFF, 0x4F, 0xFF, 0x51, 0, 0x2F]), "JPEG 2000");
        assert_eq!(
            describe(b"\x01\x02\x03\x04\x05\x06garbage\x07\x08"),
            "unknown binary"
        );
        assert_eq!(sniff("Stat de plată\r\n".as_bytes()), Format::Text);
    }

    #[test]
    fn xml_vocabularies() {
        let page = br#"<?xml version="1.0"?><PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">"#;
        assert_eq!(sniff(page), Format::PageXml);
        let mets = br#"<?xml version="1.0"?><mets:mets xmlns:mets="http://www.loc.gov/METS/">"#;
        assert_eq!(sniff(mets), Format::Other);
        assert_eq!(describe(mets), "METS XML");
        let abbyy = br#"<?xml version="1.0"?><document xmlns="http://www.abbyy.com/FineReader_xml/FineReader10-schema-v1.xml">"#;
        assert_eq!(describe(abbyy), "ABBYY FineReader XML");
    }
}
