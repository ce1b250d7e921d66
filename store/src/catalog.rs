//! The catalog: a sled database that answers "which dossiers, which pages,
//! which records" quickly. It is a view of the journal: every change comes
//! from applying journal events, and the catalog remembers the sequence
//! number of the last one it applied, in the same atomic sled batch as the
//! change itself. Applying an event twice gives the same state, so catching
//! up after a crash is always safe.
//!
//! Keys (one sled tree, prefixed):
//!
//! ```text
//! m/applied            last applied sequence number, u64 BE
//! m/journal            hash of journal record 1 (which journal this view is of)
//! d/<cota>             Dossier (JSON)
//! p/<cota>\0<page BE>  Page (JSON)
//! o/<object hex>       Document (JSON), for documents
//! q/<batch>\0<file>    quarantine entry (JSON)
//! b/<batch>            batch record: start and report (JSON)
//! x/<cota>             disposal tombstone (JSON)
//! r/<kind>\0<key>      generic record (JSON)
//! ```

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Result, StoreError};
use crate::model::{Document, Dossier, Page};
use crate::{Event, ObjectId};

/// Page cache of the sled database.
const CACHE_BYTES: u64 = 128 * 1024 * 1024;

/// A quarantined input, as the catalog keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantineEntry {
    /// The batch that met it.
    pub batch: String,
    /// The file, relative to the delivery.
    pub file: String,
    /// Stable reason code.
    pub code: String,
    /// What went wrong.
    pub reason: String,
}

/// A delivery batch, as the catalog keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchRecord {
    /// Batch id.
    pub batch: String,
    /// The delivery folder.
    pub delivery: String,
    /// When it started (RFC 3339).
    pub started: String,
    /// The report, once finished.
    pub summary: Option<serde_json::Value>,
}

/// A disposal tombstone: the dossier's content is gone, by this approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone {
    /// The approval that allowed it.
    pub approval: String,
    /// Objects removed (hex).
    pub removed: Vec<String>,
    /// Journal sequence number of the disposal.
    pub seq: u64,
}

/// The catalog database.
pub struct Catalog {
    path: PathBuf,
    db: sled::Db,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog").field("path", &self.path).finish()
    }
}

fn sled_err(path: &Path, e: sled::Error) -> StoreError {
    StoreError::Catalog {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

impl Catalog {
    /// Open the sled database at `path` (creating it if missing). A lock held
    /// by another process is reported as [`StoreError::CatalogLocked`].
    pub fn open(path: &Path) -> Result<Catalog> {
        let db = sled::Config::new()
            .path(path)
            .mode(sled::Mode::HighThroughput)
            // sled's default cache is 1 GiB: more than the whole ingest
            // should take. The catalog's hot set is small.
            .cache_capacity(CACHE_BYTES)
            .open()
            .map_err(|e| match &e {
                sled::Error::Io(io)
                    if io.kind() == std::io::ErrorKind::WouldBlock
                        || io.to_string().contains("lock") =>
                {
                    StoreError::CatalogLocked {
                        path: path.to_path_buf(),
                    }
                }
                _ => sled_err(path, e),
            })?;
        Ok(Catalog {
            path: path.to_path_buf(),
            db,
        })
    }

    /// The catalog's directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Sequence number of the last journal event applied (0 for none).
    pub fn applied_seq(&self) -> Result<u64> {
        Ok(self
            .db
            .get(b"m/applied")
            .map_err(|e| sled_err(&self.path, e))?
            .map(|v| {
                let mut a = [0u8; 8];
                a.copy_from_slice(&v[..8.min(v.len())]);
                u64::from_be_bytes(a)
            })
            .unwrap_or(0))
    }

    /// Which journal this catalog was built from (hash of record 1).
    pub fn journal_id(&self) -> Result<Option<Vec<u8>>> {
        Ok(self
            .db
            .get(b"m/journal")
            .map_err(|e| sled_err(&self.path, e))?
            .map(|v| v.to_vec()))
    }

    pub(crate) fn set_journal_id(&self, id: &[u8]) -> Result<()> {
        self.db
            .insert(b"m/journal", id)
            .map_err(|e| sled_err(&self.path, e))?;
        Ok(())
    }

    /// Apply events (sequence numbers `first..`) atomically, together with
    /// the new applied sequence number. Events at or below the applied
    /// number are skipped.
    pub fn apply(&self, events: &[(u64, Event)]) -> Result<()> {
        let applied = self.applied_seq()?;
        let mut batch = sled::Batch::default();
        let mut last = applied;
        for (seq, event) in events {
            if *seq <= applied {
                continue;
            }
            // Events that read state see what came before them in this call.
            let reads = matches!(
                event,
                Event::BatchFinished { .. } | Event::DossierDisposed { .. }
            );
            if reads && last > applied {
                self.write(std::mem::take(&mut batch), last)?;
            }
            self.stage(&mut batch, *seq, event)?;
            last = *seq;
        }
        if last == applied {
            return Ok(());
        }
        self.write(batch, last)
    }

    fn write(&self, mut batch: sled::Batch, last: u64) -> Result<()> {
        batch.insert(b"m/applied".as_slice(), &last.to_be_bytes()[..]);
        self.db
            .apply_batch(batch)
            .map_err(|e| sled_err(&self.path, e))
    }

    fn stage(&self, batch: &mut sled::Batch, seq: u64, event: &Event) -> Result<()> {
        match event {
            Event::BatchStarted {
                batch: id,
                delivery,
                at,
            } => {
                let rec = BatchRecord {
                    batch: id.clone(),
                    delivery: delivery.clone(),
                    started: at.clone(),
                    summary: None,
                };
                batch.insert(key(b"b/", id.as_bytes()), json(&rec)?);
            }
            Event::BatchFinished { batch: id, summary } => {
                let k = key(b"b/", id.as_bytes());
                let mut rec: BatchRecord = self.get_json(&k)?.unwrap_or(BatchRecord {
                    batch: id.clone(),
                    delivery: String::new(),
                    started: String::new(),
                    summary: None,
                });
                rec.summary = Some(summary.clone());
                batch.insert(k, json(&rec)?);
            }
            Event::DossierRecorded { dossier } => {
                batch.insert(key(b"d/", dossier.cota.as_bytes()), json(dossier)?);
            }
            Event::DocumentStored { document } => {
                batch.insert(
                    key(b"o/", document.object.to_hex().as_bytes()),
                    json(document)?,
                );
            }
            Event::PageRecorded { page } => {
                batch.insert(page_key(&page.cota, page.page), json(page)?);
            }
            Event::Quarantined {
                batch: id,
                file,
                code,
                reason,
            } => {
                let q = QuarantineEntry {
                    batch: id.clone(),
                    file: file.clone(),
                    code: code.clone(),
                    reason: reason.clone(),
                };
                let mut k = key(b"q/", id.as_bytes());
                k.push(0);
                k.extend_from_slice(file.as_bytes());
                batch.insert(k, json(&q)?);
            }
            Event::DossierDisposed {
                cota,
                approval,
                removed,
            } => {
                let t = Tombstone {
                    approval: approval.clone(),
                    removed: removed.clone(),
                    seq,
                };
                batch.insert(key(b"x/", cota.as_bytes()), json(&t)?);
                for (k, _) in self.scan_raw(&page_prefix(cota))? {
                    batch.remove(k);
                }
            }
            Event::Put {
                kind,
                key: k,
                value,
            } => {
                batch.insert(record_key(kind, k), json(value)?);
            }
            Event::Delete { kind, key: k } => {
                batch.remove(record_key(kind, k));
            }
        }
        Ok(())
    }

    fn get_json<T: DeserializeOwned>(&self, k: &[u8]) -> Result<Option<T>> {
        match self.db.get(k).map_err(|e| sled_err(&self.path, e))? {
            None => Ok(None),
            Some(v) => serde_json::from_slice(&v)
                .map(Some)
                .map_err(|source| StoreError::Serde {
                    what: format!("catalog key {}", String::from_utf8_lossy(k)),
                    source,
                }),
        }
    }

    fn scan_raw(&self, prefix: &[u8]) -> Result<Vec<(Vec<u8>, sled::IVec)>> {
        let mut out = Vec::new();
        for kv in self.db.scan_prefix(prefix) {
            let (k, v) = kv.map_err(|e| sled_err(&self.path, e))?;
            out.push((k.to_vec(), v));
        }
        Ok(out)
    }

    fn scan_json<T: DeserializeOwned>(&self, prefix: &[u8]) -> Result<Vec<T>> {
        let mut out = Vec::new();
        for (k, v) in self.scan_raw(prefix)? {
            out.push(
                serde_json::from_slice(&v).map_err(|source| StoreError::Serde {
                    what: format!("catalog key {}", String::from_utf8_lossy(&k)),
                    source,
                })?,
            );
        }
        Ok(out)
    }

    /// One dossier by cota (also when disposed: the tombstone keeps it).
    pub fn dossier(&self, cota: &str) -> Result<Option<Dossier>> {
        self.get_json(&key(b"d/", cota.as_bytes()))
    }

    /// All dossiers, sorted by cota.
    pub fn dossiers(&self) -> Result<Vec<Dossier>> {
        self.scan_json(b"d/")
    }

    /// The pages of a dossier, in page order.
    pub fn pages(&self, cota: &str) -> Result<Vec<Page>> {
        self.scan_json(&page_prefix(cota))
    }

    /// One page.
    pub fn page(&self, cota: &str, page: u32) -> Result<Option<Page>> {
        self.get_json(&page_key(cota, page))
    }

    /// Visit every page of every dossier, in order, without holding them all.
    pub fn for_each_page(&self, mut f: impl FnMut(Page) -> Result<()>) -> Result<()> {
        for kv in self.db.scan_prefix(b"p/") {
            let (k, v) = kv.map_err(|e| sled_err(&self.path, e))?;
            let page = serde_json::from_slice(&v).map_err(|source| StoreError::Serde {
                what: format!("catalog key {}", String::from_utf8_lossy(&k)),
                source,
            })?;
            f(page)?;
        }
        Ok(())
    }

    /// A stored document by its object id.
    pub fn document(&self, id: &ObjectId) -> Result<Option<Document>> {
        self.get_json(&key(b"o/", id.to_hex().as_bytes()))
    }

    /// The disposal tombstone of a dossier, if it was disposed.
    pub fn disposal(&self, cota: &str) -> Result<Option<Tombstone>> {
        self.get_json(&key(b"x/", cota.as_bytes()))
    }

    /// Whether a dossier was disposed.
    pub fn is_disposed(&self, cota: &str) -> Result<bool> {
        Ok(self.disposal(cota)?.is_some())
    }

    /// Quarantine entries, by batch then file.
    pub fn quarantine(&self) -> Result<Vec<QuarantineEntry>> {
        self.scan_json(b"q/")
    }

    /// Batch records, by batch id.
    pub fn batches(&self) -> Result<Vec<BatchRecord>> {
        self.scan_json(b"b/")
    }

    /// A generic record.
    pub fn record(&self, kind: &str, k: &str) -> Result<Option<serde_json::Value>> {
        self.get_json(&record_key(kind, k))
    }

    /// All records of a kind, sorted by key.
    pub fn records(&self, kind: &str) -> Result<Vec<(String, serde_json::Value)>> {
        let mut prefix = key(b"r/", kind.as_bytes());
        prefix.push(0);
        let mut out = Vec::new();
        for (k, v) in self.scan_raw(&prefix)? {
            let name = String::from_utf8_lossy(&k[prefix.len()..]).into_owned();
            let value = serde_json::from_slice(&v).map_err(|source| StoreError::Serde {
                what: format!("record {kind}/{name}"),
                source,
            })?;
            out.push((name, value));
        }
        Ok(out)
    }

    /// Records of a kind, greatest key first, read lazily: for logs too long
    /// to load whole. With `before`, only keys sorting before it.
    pub fn records_rev<'a>(
        &'a self,
        kind: &'a str,
        before: Option<&str>,
    ) -> impl Iterator<Item = Result<(String, serde_json::Value)>> + 'a {
        let start = record_key(kind, "");
        let end = match before {
            Some(b) => record_key(kind, b),
            None => {
                let mut end = start.clone();
                if let Some(last) = end.last_mut() {
                    *last = 1; // the byte after the 0 that ends the kind
                }
                end
            }
        };
        let skip = start.len();
        self.db.range(start..end).rev().map(move |kv| {
            let (k, v) = kv.map_err(|e| sled_err(&self.path, e))?;
            let name = String::from_utf8_lossy(&k[skip..]).into_owned();
            let value = serde_json::from_slice(&v).map_err(|source| StoreError::Serde {
                what: format!("record {kind}/{name}"),
                source,
            })?;
            Ok((name, value))
        })
    }

    /// Every key and value except the bookkeeping under `m/`: two catalogs
    /// with equal dumps hold the same view.
    pub fn dump(&self) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        let mut out = Vec::new();
        for kv in self.db.iter() {
            let (k, v) = kv.map_err(|e| sled_err(&self.path, e))?;
            if !k.starts_with(b"m/") {
                out.push((k.to_vec(), v.to_vec()));
            }
        }
        Ok(out)
    }

    /// Make everything applied so far durable.
    pub fn flush(&self) -> Result<()> {
        self.db
            .flush()
            .map(|_| ())
            .map_err(|e| sled_err(&self.path, e))
    }
}

fn key(prefix: &[u8], rest: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(prefix.len() + rest.len());
    k.extend_from_slice(prefix);
    k.extend_from_slice(rest);
    k
}

fn page_prefix(cota: &str) -> Vec<u8> {
    let mut k = key(b"p/", cota.as_bytes());
    k.push(0);
    k
}

fn page_key(cota: &str, page: u32) -> Vec<u8> {
    let mut k = page_prefix(cota);
    k.extend_from_slice(&page.to_be_bytes());
    k
}

fn record_key(kind: &str, k: &str) -> Vec<u8> {
    let mut out = key(b"r/", kind.as_bytes());
    out.push(0);
    out.extend_from_slice(k.as_bytes());
    out
}

fn json<T: Serialize + ?Sized>(v: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(v).map_err(|source| StoreError::Serde {
        what: "encode catalog value".into(),
        source,
    })
}
