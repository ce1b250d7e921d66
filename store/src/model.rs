//! The archive's domain model: what a fond, an inventory, a dossier, a
//! document and a page are. Plain data with serde; no I/O.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ObjectId;

/// A fond ("fond arhivistic"): the creator whose records these are, e.g.
/// "Primăria Municipiului Arad".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fond {
    /// The creator's name.
    pub name: String,
}

/// An archival inventory ("inventar"): one list of dossiers, usually per
/// department and period, as delivered in `inventar.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    /// Stable id: the delivery's batch id plus the department.
    pub id: String,
    /// The fond the inventory belongs to.
    pub fond: String,
    /// Department ("compartiment").
    pub department: String,
    /// Title, e.g. "Inventarul dosarelor Serviciului Resurse Umane 1990-1995".
    pub title: String,
}

/// A retention term ("termen de păstrare"): a number of years, or permanent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum RetentionTerm {
    /// Kept for this many years, counted from 1 January after the last year.
    Years(u16),
    /// Kept permanently ("P"); transferred to the National Archives.
    Permanent,
}

impl RetentionTerm {
    /// `true` for "P".
    pub fn is_permanent(self) -> bool {
        matches!(self, RetentionTerm::Permanent)
    }
}

impl fmt::Display for RetentionTerm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RetentionTerm::Years(y) => write!(f, "{y}"),
            RetentionTerm::Permanent => f.write_str("P"),
        }
    }
}

/// A retention term that did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid retention term {0:?}: expected a number of years (1-200) or P")]
pub struct InvalidTerm(pub String);

impl FromStr for RetentionTerm {
    type Err = InvalidTerm;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let t = t
            .strip_suffix("ani")
            .or_else(|| t.strip_suffix("ANI"))
            .unwrap_or(t)
            .trim();
        if t.eq_ignore_ascii_case("p") || t.eq_ignore_ascii_case("permanent") {
            return Ok(RetentionTerm::Permanent);
        }
        match t.parse::<u16>() {
            Ok(y) if (1..=200).contains(&y) => Ok(RetentionTerm::Years(y)),
            _ => Err(InvalidTerm(s.to_string())),
        }
    }
}

impl From<RetentionTerm> for String {
    fn from(t: RetentionTerm) -> String {
        t.to_string()
    }
}

impl TryFrom<String> for RetentionTerm {
    type Error = InvalidTerm;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// Where a dossier's retention term came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum TermSource {
    /// The nomenclator, by indicativ; `version` names the rules in force.
    Nomenclator { version: String },
    /// The inventory row's own `termen` column overrode the nomenclator.
    Override,
    /// Neither gave a term: treated as permanent until someone decides.
    Unknown,
}

/// Physical location of the paper dossier ("locație").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Room ("sala").
    pub room: String,
    /// Shelf ("raft").
    pub shelf: String,
    /// Box ("cutia").
    #[serde(rename = "box")]
    pub box_: String,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<&str> = [&self.room, &self.shelf, &self.box_]
            .into_iter()
            .map(String::as_str)
            .filter(|s| !s.is_empty())
            .collect();
        f.write_str(&parts.join(" / "))
    }
}

/// A dossier ("dosar"): the unit of description, retention and disposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dossier {
    /// The dossier id ("cotă"), which names its folder in a delivery.
    pub cota: String,
    /// Fond name.
    pub fond: String,
    /// Inventory id.
    pub inventory: String,
    /// Indicativ from the nomenclator, e.g. "III-4".
    pub indicativ: String,
    /// Contents in brief ("conținutul pe scurt").
    pub title: String,
    /// Department ("compartiment").
    pub department: String,
    /// First year ("date extreme").
    pub first_year: i32,
    /// Last year ("date extreme").
    pub last_year: i32,
    /// Sheet count as declared in the inventory ("nr. file").
    pub sheets: Option<u32>,
    /// Retention term.
    pub term: RetentionTerm,
    /// Where the term came from.
    pub term_source: TermSource,
    /// Physical location.
    pub location: Location,
    /// Remarks ("observații").
    pub notes: String,
    /// Document type guessed from the nomenclator denomination, e.g. "payroll".
    pub doc_type: String,
    /// The delivery batch that brought it.
    pub batch: String,
}

/// A file's format, detected from its bytes (never from its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// TIFF (any compression).
    Tiff,
    /// JPEG/JFIF.
    Jpeg,
    /// PNG.
    Png,
    /// JPEG 2000 (JP2 file or raw codestream).
    Jp2,
    /// PDF.
    Pdf,
    /// Plain text.
    Text,
    /// hOCR (HTML with ocr_* classes).
    Hocr,
    /// ALTO XML.
    Alto,
    /// PAGE XML (PRImA page content).
    PageXml,
    /// Anything else.
    Other,
}

/// A delivered file ("document"): one TIFF, JPEG, PNG, JPEG 2000 or PDF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// The content object holding the original bytes.
    pub object: ObjectId,
    /// The dossier it belongs to.
    pub cota: String,
    /// Path relative to the dossier folder in the delivery.
    pub file: String,
    /// Detected format.
    pub format: Format,
    /// Size in bytes of the original.
    pub size: u64,
}

/// Where a page's text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextSource {
    /// A plain `.txt` sidecar.
    SidecarTxt,
    /// An hOCR sidecar.
    Hocr,
    /// An ALTO XML sidecar.
    Alto,
    /// A PAGE XML sidecar.
    PageXml,
    /// The PDF's own text layer.
    PdfText,
    /// The OCR engine, run by us.
    Ocr,
    /// No text yet ("needs OCR") or a blank page.
    None,
}

impl TextSource {
    /// The stable name used in JSON and the UI.
    pub fn as_str(self) -> &'static str {
        match self {
            TextSource::SidecarTxt => "sidecar-txt",
            TextSource::Hocr => "hocr",
            TextSource::Alto => "alto",
            TextSource::PageXml => "page-xml",
            TextSource::PdfText => "pdf-text",
            TextSource::Ocr => "ocr",
            TextSource::None => "none",
        }
    }
}

/// A word on a page image, with its box in image pixels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WordBox {
    /// The word as recognised.
    pub text: String,
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub w: u32,
    /// Height.
    pub h: u32,
    /// Recognition confidence 0-100, when the source gives it.
    pub conf: Option<f32>,
}

/// A quality finding on a page ("QA flag").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "flag")]
pub enum PageFlag {
    /// Resolution below 200 DPI (the value found, 0 when missing).
    LowDpi { dpi: u32 },
    /// The page looks blank.
    Blank,
    /// Dimensions too small to be a scan.
    TinyImage,
    /// Dimensions beyond what a scan of paper should be.
    HugeImage,
    /// The page has no text yet: OCR was not available or not allowed.
    NeedsOcr,
    /// The image could not be decoded for QA or derivatives.
    Undecodable,
}

/// A person row on a payroll page ("stat de plată").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayrollRow {
    /// Name as printed (after OCR).
    pub name: String,
    /// CNP when present.
    pub cnp: Option<String>,
    /// Function ("funcția") when recognised.
    pub function: Option<String>,
    /// Salary as printed, when recognised.
    pub salary: Option<String>,
}

/// What a payroll page covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payroll {
    /// Year covered.
    pub year: i32,
    /// Month covered, 1-12.
    pub month: u8,
    /// Person rows found on the page.
    pub rows: Vec<PayrollRow>,
}

/// A page: one scanned side of a sheet, the unit of reading and search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// The dossier.
    pub cota: String,
    /// Ordinal in the dossier (1-based): the number in the image file's name,
    /// or the page index inside the dossier's PDF.
    pub page: u32,
    /// The document (original file) this page comes from.
    pub document: ObjectId,
    /// Page index inside the document when it has pages of its own (a PDF,
    /// a multi-page TIFF), 1-based.
    pub pdf_page: Option<u32>,
    /// Text object (UTF-8), when there is text.
    pub text: Option<ObjectId>,
    /// Where the text came from.
    pub text_source: TextSource,
    /// Mean word confidence 0-100 when the source gives one.
    pub confidence: Option<f32>,
    /// Object holding the word boxes as JSON (`Vec<WordBox>`), when known.
    pub words: Option<ObjectId>,
    /// Image width and height in pixels, when the page is an image.
    pub size_px: Option<(u32, u32)>,
    /// Resolution in DPI, when the file declares it.
    pub dpi: Option<u32>,
    /// QA findings.
    pub flags: Vec<PageFlag>,
    /// Payroll information when the page is a "stat de plată".
    pub payroll: Option<Payroll>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_parse_and_print() {
        assert_eq!("50".parse(), Ok(RetentionTerm::Years(50)));
        assert_eq!(" 10 ani".parse(), Ok(RetentionTerm::Years(10)));
        assert_eq!("p".parse(), Ok(RetentionTerm::Permanent));
        assert!("0".parse::<RetentionTerm>().is_err());
        assert!("cinci".parse::<RetentionTerm>().is_err());
        let json = serde_json::to_string(&RetentionTerm::Permanent).expect("serialize");
        assert_eq!(json, "\"P\"");
        let back: RetentionTerm = serde_json::from_str("\"70\"").expect("deserialize");
        assert_eq!(back, RetentionTerm::Years(70));
    }
}
