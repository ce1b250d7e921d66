//! `arhiva-ingest`: here is a scan delivery, take it in.
//!
//! A delivery is a folder as a digitization vendor hands it over:
//! `inventar.csv` (one row per dossier), usually `nomenclator.csv` (the
//! retention terms by indicativ), and one folder per dossier named by its
//! cotă, holding page images `NNNN.tif|jpg|png|jp2` with OCR sidecars
//! (`NNNN.txt`, `.hocr`, ALTO or PAGE `.xml`), PDFs (one per page, one or
//! several per dossier) or multi-page TIFFs; `docs/delivery.md` is the
//! contract vendors follow. [`ingest_delivery`] reads
//! it into the archive: originals into the content store, the facts into the
//! journal (and so the catalog), page texts into the search index.
//!
//! # How it works
//!
//! 1. **Inventory** ([`inventory`]): encoding (UTF-8 with or without BOM,
//!    else Windows-1250) and separator sniffed, headers matched without
//!    diacritics in any order, the date extreme in one column or two. The
//!    term comes from the nomenclator by indicativ unless the row overrides
//!    it. A row that does not parse is quarantined with its line number.
//! 2. **Dossiers in parallel** (rayon; pages of a dossier in parallel too):
//!    each file is read once; its format comes from its bytes
//!    ([`detect`]), never from its name; images are decoded under limits
//!    ([`raster`]: Rust decoders, ImageMagick for the rest, orientation
//!    applied) for the quality checks ([`image_qa`]) and the web
//!    derivatives ([`derivatives`]); text comes from the sidecar
//!    ([`sidecar`]), the PDF text layer ([`pdf`], poppler when lopdf gives
//!    up) or `tesseract` ([`ocr`]), else the page is
//!    flagged "needs OCR" for a later run. Payroll pages ([`payroll`]) get
//!    their month and person rows.
//! 3. **Commit per dossier**: objects are written first, then one journal
//!    group commit with the dossier's events. A run killed at any moment
//!    loses at most the dossiers in flight; the next run skips every page
//!    whose event is already in the catalog with the same object id, so it
//!    finishes the batch without duplicates. A second run of a finished
//!    delivery writes nothing and says `already_ingested`.
//! 4. **Index**: the pages go to the search index in one commit per batch;
//!    a batch that did not finish is re-indexed whole on the next run.
//!
//! Bad input never stops the batch: it is quarantined (journal event,
//! report line, an action for staff) and the rest goes on. Hostile files
//! are contained by [`sandbox`]: panics caught per file, decoders bounded in
//! time and memory, PDFs parsed in a child process when the binary allows.
//!
//! # Who calls it
//!
//! `arhiva ingest` and `arhiva nightly` ([`nightly`]), and the web server's
//! demo. Progress comes back as [`IngestEvent`]s; only the binary draws.
//!
//! ```no_run
//! use arhiva_ingest::{ingest_delivery, IngestOptions};
//! let archive = arhiva_store::Archive::open("arhiva-data")?;
//! let report = ingest_delivery(&archive, None, "livrare-2021-07-15".as_ref(),
//!                              &IngestOptions::default(), &|_event| {})?;
//! println!("{report}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

pub mod control;
pub mod derivatives;
pub mod detect;
mod dossier;
mod error;
pub mod image_qa;
pub mod inventory;
pub mod nightly;
pub mod ocr;
mod page;
pub mod payroll;
pub mod pdf;
mod pdf_pages;
mod pipeline;
pub mod raster;
mod redelivery;
mod report;
pub mod reread;
pub mod sandbox;
pub mod sidecar;
pub mod text;

pub use error::{IngestError, Result};
pub use pipeline::ingest_delivery;
pub use report::{action, BatchReport, QuarantineItem, SlowFile};

/// When to run OCR on pages that have no text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OcrMode {
    /// When `tesseract` is installed; otherwise pages are flagged "needs OCR".
    #[default]
    Auto,
    /// Required: the run fails early when `tesseract` is not installed.
    Always,
    /// Never: pages without text are flagged "needs OCR".
    Never,
}

/// How to ingest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestOptions {
    /// OCR policy.
    pub ocr: OcrMode,
    /// Worker threads (default: every core).
    pub jobs: Option<usize>,
    /// Make thumbnails and web-size images while the pages are decoded.
    pub derivatives: bool,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            ocr: OcrMode::Auto,
            jobs: None,
            derivatives: true,
        }
    }
}

/// Progress, reported through the callback of [`ingest_delivery`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IngestEvent {
    /// A dossier is being read.
    DossierStarted {
        /// Its cotă.
        cota: String,
        /// Files in its folder.
        files: usize,
    },
    /// A page was done (stored, or found already stored).
    PageDone {
        /// Dossier.
        cota: String,
        /// Page number.
        page: u32,
        /// Bytes read for it.
        bytes: u64,
    },
    /// An input was quarantined.
    Quarantined {
        /// Path relative to the delivery.
        file: String,
        /// Stable code.
        code: String,
        /// What went wrong.
        reason: String,
    },
    /// A dossier was committed.
    DossierDone {
        /// Its cotă.
        cota: String,
    },
}
