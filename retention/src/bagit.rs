//! Transfer packages: BagIt (RFC 8493) bags of dossiers for the National
//! Archives.
//!
//! ```text
//! <dir>/
//!   bagit.txt                 BagIt-Version 1.0, UTF-8
//!   bag-info.txt              Source-Organization, Bagging-Date, Payload-Oxum, …
//!   manifest-sha256.txt       every payload file with its SHA-256
//!   tagmanifest-sha256.txt    the three tag files above with theirs
//!   data/manifest.json        the plain JSON manifest: dossiers, files, hashes
//!   data/<cota>/metadata.json the dossier's description, pages and documents
//!   data/<cota>/originals/…   the delivered files, byte for byte
//!   data/<cota>/text/0001.txt each page's text
//! ```
//!
//! The bag is written into `<dir>.partial` and renamed into place when
//! complete, so a bag that exists is whole. Cotas and file names are made
//! safe for any file system (`RU-12/1987` → `RU-12_1987`); the manifest
//! maps them back. The export is journaled (`transfer-export`).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use arhiva_store::{Archive, Format, ObjectId};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::date::{self, now_rfc3339};
use crate::error::{IoContext, Result, RetentionError};
use crate::records::{self, EXPORT};

/// What to write into bag-info.txt.
#[derive(Debug, Clone)]
pub struct BagOptions {
    /// Source-Organization, e.g. "Primăria Municipiului Arad".
    pub institution: String,
    /// Who made the export (journaled).
    pub by: String,
    /// External-Description.
    pub description: String,
}

/// What [`export_bag`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BagReport {
    /// Export id, `BAG-YEAR-NNN`.
    pub id: String,
    /// The bag's directory.
    pub dir: PathBuf,
    /// Dossiers in it.
    pub dossiers: usize,
    /// Payload files.
    pub files: usize,
    /// Payload bytes.
    pub bytes: u64,
    /// SHA-256 of tagmanifest-sha256.txt: one hash that pins the whole bag.
    pub tagmanifest_sha256: String,
}

#[derive(Serialize)]
struct FileEntry {
    path: String,
    sha256: String,
    bytes: u64,
    role: &'static str,
}

#[derive(Serialize)]
struct DossierEntry {
    cota: String,
    folder: String,
    title: String,
    term: String,
    disposed: Option<String>,
    files: Vec<FileEntry>,
}

/// Make a name safe for a path component.
fn safe(s: &str) -> String {
    let out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let out = out.trim_start_matches('.').to_string();
    if out.is_empty() {
        "_".into()
    } else {
        out
    }
}

/// A name not in `taken` (adds `-2`, `-3`, … before the extension).
fn unique(name: String, taken: &mut BTreeSet<String>) -> String {
    if taken.insert(name.clone()) {
        return name;
    }
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => (name[..i].to_string(), name[i..].to_string()),
        _ => (name.clone(), String::new()),
    };
    for n in 2.. {
        let candidate = format!("{stem}-{n}{ext}");
        if taken.insert(candidate.clone()) {
            return candidate;
        }
    }
    name
}

fn ext(format: Format) -> &'static str {
    match format {
        Format::Tiff => "tif",
        Format::Jpeg => "jpg",
        Format::Png => "png",
        Format::Jp2 => "jp2",
        Format::Pdf => "pdf",
        Format::Text => "txt",
        Format::Hocr => "hocr",
        Format::Alto | Format::PageXml => "xml",
        Format::Other => "bin",
    }
}

struct Writer {
    root: PathBuf,
    manifest: Vec<(String, String)>,
    bytes: u64,
}

impl Writer {
    fn file(&mut self, rel: &str, bytes: &[u8]) -> Result<String> {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).ctx("create", parent)?;
        }
        fs::write(&path, bytes).ctx("write", &path)?;
        let hash = hex::encode(Sha256::digest(bytes));
        self.manifest.push((hash.clone(), rel.to_string()));
        self.bytes += bytes.len() as u64;
        Ok(hash)
    }
}

/// Write a bag of the dossiers `cotas` into `dir`, which must not exist.
pub fn export_bag(
    archive: &Archive,
    cotas: &[String],
    dir: &Path,
    opts: &BagOptions,
) -> Result<BagReport> {
    if dir.exists() {
        return Err(RetentionError::Invalid(format!(
            "{} exists already: a bag is written into a new directory",
            dir.display()
        )));
    }
    if cotas.is_empty() {
        return Err(RetentionError::Invalid("no dossier to export".into()));
    }
    let catalog = archive.catalog();
    let partial = PathBuf::from(format!("{}.partial", dir.display()));
    if partial.exists() {
        fs::remove_dir_all(&partial).ctx("remove", &partial)?;
    }
    let mut w = Writer {
        root: partial.clone(),
        manifest: Vec::new(),
        bytes: 0,
    };
    let mut folders = BTreeSet::new();
    let mut entries = Vec::new();
    for cota in cotas {
        let dossier = catalog
            .dossier(cota)?
            .ok_or_else(|| RetentionError::UnknownTarget {
                what: "dossier",
                id: cota.clone(),
            })?;
        let folder = unique(safe(cota), &mut folders);
        let tombstone = catalog.disposal(cota)?;
        let pages = catalog.pages(cota)?;
        let mut files = Vec::new();
        let mut names = BTreeSet::new();
        let mut docs: BTreeMap<ObjectId, String> = BTreeMap::new();
        for p in &pages {
            if docs.contains_key(&p.document) {
                continue;
            }
            let doc = catalog.document(&p.document)?;
            let name = match &doc {
                Some(d) if d.cota == *cota && !d.file.is_empty() => safe(&d.file.replace('/', "_")),
                // Deduplicated: the catalog names the file as another
                // dossier delivered it; name it after this page instead.
                Some(d) => format!("{:04}.{}", p.page, ext(d.format)),
                None => format!("{:04}.bin", p.page),
            };
            let name = unique(name, &mut names);
            let rel = format!("data/{folder}/originals/{name}");
            let bytes = archive.objects().get(&p.document)?;
            let sha256 = w.file(&rel, &bytes)?;
            if sha256 != p.document.to_hex() {
                return Err(RetentionError::Store(arhiva_store::StoreError::Corrupt {
                    id: p.document,
                    path: archive.objects().path_of(&p.document),
                    reason: format!("content hashes to {sha256}"),
                }));
            }
            files.push(FileEntry {
                path: rel,
                sha256,
                bytes: bytes.len() as u64,
                role: "original",
            });
            docs.insert(p.document, name);
        }
        for p in &pages {
            if let Some(t) = &p.text {
                let bytes = archive.objects().get(t)?;
                let rel = format!("data/{folder}/text/{:04}.txt", p.page);
                let sha256 = w.file(&rel, &bytes)?;
                files.push(FileEntry {
                    path: rel,
                    sha256,
                    bytes: bytes.len() as u64,
                    role: "text",
                });
            }
        }
        let page_meta: Vec<serde_json::Value> = pages
            .iter()
            .map(|p| {
                serde_json::json!({
                    "page": p.page,
                    "original": docs.get(&p.document),
                    "pdf_page": p.pdf_page,
                    "text_source": p.text_source.as_str(),
                    "confidence": p.confidence,
                    "size_px": p.size_px,
                    "dpi": p.dpi,
                    "payroll": p.payroll,
                })
            })
            .collect();
        let meta = serde_json::json!({
            "dossier": dossier,
            "disposed": tombstone,
            "pages": page_meta,
        });
        let meta_bytes =
            serde_json::to_vec_pretty(&meta).map_err(|source| RetentionError::BadRecord {
                kind: "dossier".into(),
                key: cota.clone(),
                source,
            })?;
        let rel = format!("data/{folder}/metadata.json");
        let sha256 = w.file(&rel, &meta_bytes)?;
        files.push(FileEntry {
            path: rel,
            sha256,
            bytes: meta_bytes.len() as u64,
            role: "metadata",
        });
        entries.push(DossierEntry {
            cota: cota.clone(),
            folder,
            title: dossier.title.clone(),
            term: dossier.term.to_string(),
            disposed: tombstone.map(|t| t.approval),
            files,
        });
    }
    let manifest_json = serde_json::to_vec_pretty(&serde_json::json!({
        "source_organization": opts.institution,
        "created": now_rfc3339(),
        "dossiers": entries,
    }))
    .map_err(|source| RetentionError::BadRecord {
        kind: "manifest".into(),
        key: "data/manifest.json".into(),
        source,
    })?;
    w.file("data/manifest.json", &manifest_json)?;

    // Tag files.
    let files = w.manifest.len();
    let oxum = format!("{}.{}", w.bytes, files);
    let mut manifest = String::new();
    w.manifest.sort_by(|a, b| a.1.cmp(&b.1));
    for (hash, rel) in &w.manifest {
        manifest.push_str(&format!("{hash}  {rel}\n"));
    }
    let bagit_txt = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
    let info = format!(
        "Source-Organization: {}\nBagging-Date: {}\nPayload-Oxum: {oxum}\nBag-Software-Agent: arhiva {}\nExternal-Description: {}\nBag-Size: {} dosare\n",
        one_line(&opts.institution),
        date::format(date::today_utc()),
        env!("CARGO_PKG_VERSION"),
        one_line(&opts.description),
        entries.len(),
    );
    let mut tag = String::new();
    for (name, body) in [
        ("bagit.txt", bagit_txt.as_bytes()),
        ("bag-info.txt", info.as_bytes()),
        ("manifest-sha256.txt", manifest.as_bytes()),
    ] {
        let path = partial.join(name);
        fs::write(&path, body).ctx("write", &path)?;
        tag.push_str(&format!("{}  {name}\n", hex::encode(Sha256::digest(body))));
    }
    let path = partial.join("tagmanifest-sha256.txt");
    fs::write(&path, tag.as_bytes()).ctx("write", &path)?;
    let tag_hash = hex::encode(Sha256::digest(tag.as_bytes()));
    fs::rename(&partial, dir).ctx("rename", dir)?;

    let taken: Vec<String> = catalog
        .records(EXPORT)?
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let id = records::next_id(
        "BAG",
        date::today_utc().year(),
        taken.iter().map(String::as_str),
    );
    let report = BagReport {
        id: id.clone(),
        dir: dir.to_path_buf(),
        dossiers: entries.len(),
        files,
        bytes: w.bytes,
        tagmanifest_sha256: tag_hash,
    };
    let record = serde_json::json!({
        "report": report,
        "cotas": cotas,
        "by": opts.by,
        "at": now_rfc3339(),
    });
    archive.commit(vec![records::put(EXPORT, &id, &record)?])?;
    tracing::info!(export = %id, dossiers = report.dossiers, files, bytes = report.bytes, "BagIt package written");
    Ok(report)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
