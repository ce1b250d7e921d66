//! The batch report: what a night-shift operator reads in the morning, as a
//! table on the terminal and as JSON for scripts (`--json`, and the
//! journal's `BatchFinished` summary).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// One rejected input, with what staff should do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantineItem {
    /// Path relative to the delivery (`inventar.csv` for inventory rows).
    pub file: String,
    /// Line in the file, for inventory and nomenclator rows.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line: Option<u32>,
    /// Stable code, e.g. `truncated-image`.
    pub code: String,
    /// What went wrong.
    pub reason: String,
    /// What the staff should do.
    pub action: String,
}

impl QuarantineItem {
    /// An item with the standard action for its code.
    pub fn new(
        file: impl Into<String>,
        line: Option<u32>,
        code: &str,
        reason: impl Into<String>,
    ) -> Self {
        QuarantineItem {
            file: file.into(),
            line,
            code: code.to_string(),
            reason: reason.into(),
            action: action(code).to_string(),
        }
    }

    /// The `file` recorded in the journal: `inventar.csv:7` for rows.
    pub fn journal_file(&self) -> String {
        match self.line {
            Some(l) => format!("{}:{l}", self.file),
            None => self.file.clone(),
        }
    }
}

/// What staff should do about a quarantined input.
pub fn action(code: &str) -> &'static str {
    match code {
        "truncated-image" | "empty-file" => {
            "ask the scanning vendor to deliver the file again, then re-run ingest on the delivery (docs/delivery.md §6)"
        }
        "corrupt-pdf" => "neither lopdf nor poppler opens it: ask the vendor for a new PDF, then re-run ingest (docs/delivery.md §6)",
        "encrypted-pdf" => "ask the vendor for the PDF without a password, then re-run ingest (docs/delivery.md §6)",
        "wrong-extension" => {
            "check the file: rename it to match its content (or ask the vendor), then re-run ingest (docs/delivery.md §4)"
        }
        "impossible-year" | "bad-inventory-row" | "bad-term" => {
            "correct this row of inventar.csv (date extreme, term, nr. file), then re-run ingest"
        }
        "duplicate-cota" => {
            "give the dossier its own cotă in inventar.csv (and its folder), then re-run ingest"
        }
        "orphan-sidecar" => "check which page image this OCR file belongs to; deliver the image or remove the file",
        "unreadable-encoding" | "malformed-sidecar" | "unsupported-sidecar" => {
            "nothing urgent: the page's text comes from OCR instead (or the page is marked needs OCR until OCR runs); ask the vendor for a UTF-8 hOCR, ALTO or PAGE XML sidecar if their text matters (docs/delivery.md §5)"
        }
        "unreadable-inventory" | "bad-nomenclator-row" => {
            "fix inventar.csv / nomenclator.csv (UTF-8 or Windows-1250 CSV with a header row), then re-run ingest"
        }
        "unknown-dossier-folder" => {
            "add a row for this cotă to inventar.csv (or rename the folder to its cotă), then re-run ingest"
        }
        "decoder-panic" | "decoder-crash" | "timeout" | "undecodable-image" | "image-too-large" => {
            "open the file by hand; if it is damaged ask the vendor to deliver it again; report it if it opens fine (docs/delivery.md §6)"
        }
        "unsupported-format" => "convert the file to TIFF, JPEG, PNG, JPEG 2000 or PDF (or ask the vendor), then re-run ingest (docs/delivery.md §3)",
        "cota-already-archived" => {
            "ask the vendor which dossier this is: another dossier needs a cotă of its own (row in inventar.csv and folder), \
             then re-run ingest; a corrected copy of the archived dossier does not replace it by itself (the archived one is unchanged)"
        }
        "duplicate-page" | "unexpected-file" => "check the dossier folder: keep one file per page number, named NNNN.ext",
        _ => "check the file and re-run ingest",
    }
}

/// The report of one ingest run of one delivery.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BatchReport {
    /// Batch id (delivery folder name and a hash of its inventory).
    pub batch: String,
    /// The delivery folder.
    pub delivery: String,
    /// Dossiers in the inventory that were taken in.
    pub dossiers: usize,
    /// Pages in the delivery (recorded now or before).
    pub pages: u64,
    /// Pages recorded or changed by this run.
    pub pages_new: u64,
    /// Bytes read from the delivery.
    pub bytes_in: u64,
    /// Bytes written to the content store by this run.
    pub bytes_stored: u64,
    /// Pages by text source (`sidecar-txt`, `hocr`, `alto`, `pdf-text`, `ocr`, `none`).
    pub text_sources: BTreeMap<String, u64>,
    /// Pages OCR'd by this run.
    pub ocr_pages: u64,
    /// Pages still waiting for OCR.
    pub needs_ocr: u64,
    /// Pages by QA flag (`low-dpi`, `blank`, …).
    pub flags: BTreeMap<String, u64>,
    /// Number of quarantined inputs.
    pub quarantined: usize,
    /// The quarantined inputs.
    pub quarantine: Vec<QuarantineItem>,
    /// Nothing new: the delivery had been ingested completely before.
    pub already_ingested: bool,
    /// METS package descriptions found: recognised, not pages (page order
    /// comes from the file names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub package_files: Vec<String>,
    /// The files that took longest, slowest first.
    #[serde(default)]
    pub slowest: Vec<SlowFile>,
    /// Dossiers an earlier delivery already brought, the same files again:
    /// recognised, nothing stored twice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub already_archived: Vec<String>,
    /// Wall time.
    pub seconds: f64,
}

/// How many of the slowest files the report lists.
pub const SLOWEST: usize = 5;

/// A file and the time spent on it (all its pages).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlowFile {
    /// Path relative to the delivery.
    pub file: String,
    /// Seconds.
    pub seconds: f64,
}

/// The `n` slowest files, slowest first.
pub fn slowest(timings: std::collections::HashMap<String, f64>, n: usize) -> Vec<SlowFile> {
    let mut v: Vec<SlowFile> = timings
        .into_iter()
        .map(|(file, seconds)| SlowFile { file, seconds })
        .collect();
    v.sort_by(|a, b| b.seconds.total_cmp(&a.seconds).then(a.file.cmp(&b.file)));
    v.truncate(n);
    v
}

fn mib(b: u64) -> String {
    format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0))
}

impl fmt::Display for BatchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "batch       {}", self.batch)?;
        writeln!(f, "delivery    {}", self.delivery)?;
        if self.already_ingested {
            writeln!(f, "status      already ingested: nothing new stored")?;
        }
        writeln!(f, "dossiers    {}", self.dossiers)?;
        if !self.already_archived.is_empty() {
            writeln!(
                f,
                "known       {} dossier(s) already in the archive from an earlier delivery, same files: {}",
                self.already_archived.len(),
                self.already_archived.join(", ")
            )?;
        }
        writeln!(f, "pages       {} ({} new)", self.pages, self.pages_new)?;
        writeln!(f, "bytes in    {}", mib(self.bytes_in))?;
        writeln!(f, "stored      {}", mib(self.bytes_stored))?;
        let src: Vec<String> = self
            .text_sources
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        writeln!(f, "text        {}", src.join(", "))?;
        writeln!(
            f,
            "ocr         {} pages now, {} still need OCR",
            self.ocr_pages, self.needs_ocr
        )?;
        let flags: Vec<String> = self.flags.iter().map(|(k, v)| format!("{k} {v}")).collect();
        writeln!(
            f,
            "flags       {}",
            if flags.is_empty() {
                "none".into()
            } else {
                flags.join(", ")
            }
        )?;
        for p in &self.package_files {
            writeln!(
                f,
                "package     {p} (METS: recognised, page order from file names)"
            )?;
        }
        for s in &self.slowest {
            writeln!(f, "slow        {:.2} s  {}", s.seconds, s.file)?;
        }
        writeln!(f, "quarantined {}", self.quarantined)?;
        for q in &self.quarantine {
            let line = q.line.map(|l| format!(":{l}")).unwrap_or_default();
            writeln!(f, "  {}{line}  [{}] {}", q.file, q.code, q.reason)?;
            writeln!(f, "      → {}", q.action)?;
        }
        write!(f, "time        {:.1} s", self.seconds)
    }
}
