//! The content store proper: put, get, verify, list, remove.

use std::collections::HashMap;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::ObjectId;

use crate::error::{IoContext, Result, StoreError};

const MAGIC: &[u8; 4] = b"ARHV";
const VERSION: u8 = 1;
const HEADER_LEN: usize = 16;
const SAMPLE_LEN: usize = 64 * 1024;
const CHUNK: usize = 256 * 1024;
/// Texts collected before a dictionary is trained.
const DICT_SAMPLES: usize = 2_000;
/// Size of a trained dictionary.
pub(super) const DICT_SIZE: usize = 110 * 1024;
pub(super) const DICT_POINTER: &str = "text-dictionary";

/// How an object's payload is encoded on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Codec {
    /// Stored as is.
    Raw,
    /// One zstd frame.
    Zstd,
    /// One zstd frame compressed with a dictionary (itself an object).
    ZstdDict,
}

/// The dictionary new page texts are compressed with.
pub(super) struct TextDict {
    pub(super) id: ObjectId,
    pub(super) compressor: Mutex<zstd::bulk::Compressor<'static>>,
}

/// What a `put` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PutOutcome {
    /// The object's id.
    pub id: ObjectId,
    /// Original size in bytes.
    pub size: u64,
    /// Bytes written to disk by this put (0 when the object existed).
    pub written: u64,
    /// `false` when the object was already in the store.
    pub new: bool,
}

/// The content store under one directory.
pub struct ObjectStore {
    pub(super) root: PathBuf,
    pub(super) level: i32,
    pub(super) counter: AtomicU64,
    pub(super) text_dict: RwLock<Option<Arc<TextDict>>>,
    pub(super) dict_samples: usize,
    pub(super) samples: Mutex<Vec<Vec<u8>>>,
    pub(super) dicts: Mutex<HashMap<ObjectId, Arc<Vec<u8>>>>,
    /// Group durability: new objects wait in `tmp/` until [`ObjectStore::sync`].
    pub(super) deferred: bool,
    pub(super) pending: Mutex<HashMap<ObjectId, PathBuf>>,
    pub(super) sync_lock: Mutex<()>,
    /// Objects were removed since the last sync.
    pub(super) removed: std::sync::atomic::AtomicBool,
}

impl Drop for ObjectStore {
    /// A store closed in good order makes its waiting objects durable.
    fn drop(&mut self) {
        if self.deferred {
            if let Err(e) = self.sync() {
                tracing::warn!(error = %e, "objects written but not synced before close");
            }
        }
    }
}

impl fmt::Debug for ObjectStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObjectStore")
            .field("root", &self.root)
            .field("level", &self.level)
            .finish()
    }
}

impl ObjectStore {
    /// Open (creating if needed) the store at `root` (the `objects/` dir).
    pub fn open(root: impl Into<PathBuf>) -> Result<ObjectStore> {
        let root = root.into();
        fs::create_dir_all(root.join("tmp")).ctx("create", &root)?;
        let store = ObjectStore {
            root,
            level: 3,
            counter: AtomicU64::new(0),
            text_dict: RwLock::new(None),
            dict_samples: DICT_SAMPLES,
            samples: Mutex::new(Vec::new()),
            dicts: Mutex::new(HashMap::new()),
            deferred: false,
            pending: Mutex::new(HashMap::new()),
            sync_lock: Mutex::new(()),
            removed: std::sync::atomic::AtomicBool::new(false),
        };
        store.load_text_dictionary()?;
        Ok(store)
    }

    /// Use this zstd level for new objects (default 3).
    pub fn with_level(mut self, level: i32) -> ObjectStore {
        self.level = level;
        self
    }

    /// Train the page-text dictionary after this many texts (default 2,000).
    pub fn with_dict_samples(mut self, samples: usize) -> ObjectStore {
        self.dict_samples = samples.max(8);
        self
    }

    /// Group durability. A new object is written to `tmp/` without an
    /// fsync and becomes visible to this process at once; [`sync`] then
    /// makes every waiting object durable with two `syncfs` calls (one for
    /// the data, one for the links into place) instead of two fsyncs per
    /// object. Whoever records an event naming an object must call [`sync`]
    /// first: [`crate::Archive::commit`] does. A crash before `sync` leaves
    /// only temp files, swept later; never a half-written object in place.
    ///
    /// [`sync`]: ObjectStore::sync
    pub fn deferred(mut self) -> ObjectStore {
        self.deferred = true;
        self
    }

    /// Make every object written so far durable and in place (a no-op
    /// unless the store is [`deferred`](ObjectStore::deferred)).
    pub fn sync(&self) -> Result<usize> {
        let _guard = self.sync_lock.lock().unwrap_or_else(|p| p.into_inner());
        let waiting: Vec<(ObjectId, PathBuf)> = self
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|(id, tmp)| (*id, tmp.clone()))
            .collect();
        if waiting.is_empty() {
            if self.removed.swap(false, Ordering::AcqRel) {
                syncfs(&self.root)?;
            }
            return Ok(0);
        }
        self.removed.store(false, Ordering::Release);
        syncfs(&self.root)?;
        for (id, tmp) in &waiting {
            let dest = self.path_of(id);
            let dir = dest.parent().map(Path::to_path_buf).unwrap_or_default();
            if !dir.is_dir() {
                fs::create_dir_all(&dir).ctx("create", &dir)?;
            }
            match fs::hard_link(tmp, &dest) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e).ctx("link", &dest),
            }
        }
        syncfs(&self.root)?;
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        for (id, tmp) in &waiting {
            pending.remove(id);
            let _ = fs::remove_file(tmp);
        }
        Ok(waiting.len())
    }

    fn pending_path(&self, id: &ObjectId) -> Option<PathBuf> {
        if !self.deferred {
            return None;
        }
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .cloned()
    }

    /// The store's directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the object with this id lives (whether or not it exists).
    pub fn path_of(&self, id: &ObjectId) -> PathBuf {
        let h = id.to_hex();
        self.root.join(&h[0..2]).join(&h[2..4]).join(h)
    }

    /// Whether the object is present.
    pub fn contains(&self, id: &ObjectId) -> bool {
        self.path_of(id).is_file() || self.pending_path(id).is_some()
    }

    /// Store bytes held in memory.
    pub fn put_bytes(&self, bytes: &[u8]) -> Result<PutOutcome> {
        let id = ObjectId::of(bytes);
        let size = bytes.len() as u64;
        if self.contains(&id) {
            return Ok(PutOutcome {
                id,
                size,
                written: 0,
                new: false,
            });
        }
        let codec = self.choose_codec(&bytes[..bytes.len().min(SAMPLE_LEN)]);
        let written = self.write_new(&id, size, codec, &mut io::Cursor::new(bytes), None)?;
        Ok(PutOutcome {
            id,
            size,
            written,
            new: written > 0,
        })
    }

    /// Store a file, streaming it: one pass to hash (and stop there if the
    /// object exists), one pass to compress and write, re-hashing to make
    /// sure the file did not change in between.
    pub fn put_file(&self, path: &Path) -> Result<PutOutcome> {
        let (id, size, sample) = hash_file(path)?;
        if self.contains(&id) {
            return Ok(PutOutcome {
                id,
                size,
                written: 0,
                new: false,
            });
        }
        let codec = self.choose_codec(&sample);
        let file = File::open(path).ctx("open", path)?;
        let mut reader = BufReader::with_capacity(CHUNK, file);
        let written = self.write_new(&id, size, codec, &mut reader, Some(path))?;
        Ok(PutOutcome {
            id,
            size,
            written,
            new: written > 0,
        })
    }

    fn choose_codec(&self, sample: &[u8]) -> Codec {
        if sample.len() < 64 || is_precompressed(sample) {
            return Codec::Raw;
        }
        match zstd::bulk::compress(sample, 1) {
            Ok(c) if (c.len() as f64) < sample.len() as f64 * 0.9 => Codec::Zstd,
            _ => Codec::Raw,
        }
    }

    /// Write a new object from `src`; returns bytes written (0 if a racing
    /// writer got there first). `origin` names the source file for errors.
    pub(super) fn write_new(
        &self,
        id: &ObjectId,
        size: u64,
        codec: Codec,
        src: &mut dyn Read,
        origin: Option<&Path>,
    ) -> Result<u64> {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let tmp =
            self.root
                .join("tmp")
                .join(format!("{}.{}.{}", id.to_hex(), std::process::id(), n));
        let result = self.write_tmp(&tmp, id, size, codec, src, origin);
        let written = match result {
            Ok(w) => w,
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                return Err(e);
            }
        };
        if self.deferred {
            let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            if pending.contains_key(id) || self.path_of(id).is_file() {
                let _ = fs::remove_file(&tmp);
                return Ok(0);
            }
            pending.insert(*id, tmp);
            return Ok(written);
        }
        let dest = self.path_of(id);
        let dir = dest.parent().map(Path::to_path_buf).unwrap_or_default();
        self.ensure_dir(&dir)?;
        let linked = fs::hard_link(&tmp, &dest);
        let _ = fs::remove_file(&tmp);
        match linked {
            Ok(()) => {
                sync_dir(&dir)?;
                Ok(written)
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(0),
            Err(e) => Err(e).ctx("link", &dest),
        }
    }

    fn write_tmp(
        &self,
        tmp: &Path,
        id: &ObjectId,
        size: u64,
        codec: Codec,
        src: &mut dyn Read,
        origin: Option<&Path>,
    ) -> Result<u64> {
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(tmp)
            .ctx("create", tmp)?;
        let mut out = io::BufWriter::with_capacity(CHUNK, file);
        let mut header = [0u8; HEADER_LEN];
        header[..4].copy_from_slice(MAGIC);
        header[4] = VERSION;
        header[5] = match codec {
            Codec::Raw => 0,
            Codec::Zstd => 1,
            Codec::ZstdDict => 2,
        };
        header[8..16].copy_from_slice(&size.to_le_bytes());
        out.write_all(&header).ctx("write", tmp)?;
        let mut hasher = Sha256::new();
        let mut seen = 0u64;
        let mut buf = vec![0u8; CHUNK];
        let src_path = origin.unwrap_or(tmp);
        match codec {
            Codec::ZstdDict => {
                // `src` holds the prepared payload (dictionary id + frame);
                // the caller hashed the original bytes.
                io::copy(src, &mut out).ctx("write", tmp)?;
                let file = out
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .ctx("write", tmp)?;
                if !self.deferred {
                    file.sync_all().ctx("fsync", tmp)?;
                }
                return Ok(file.metadata().ctx("stat", tmp)?.len());
            }
            Codec::Raw => loop {
                let k = read_some(src, &mut buf).ctx("read", src_path)?;
                if k == 0 {
                    break;
                }
                hasher.update(&buf[..k]);
                seen += k as u64;
                out.write_all(&buf[..k]).ctx("write", tmp)?;
            },
            Codec::Zstd => {
                let mut enc = zstd::Encoder::new(&mut out, self.level).ctx("compress", tmp)?;
                enc.include_checksum(true).ctx("compress", tmp)?;
                let _ = enc.set_pledged_src_size(Some(size));
                loop {
                    let k = read_some(src, &mut buf).ctx("read", src_path)?;
                    if k == 0 {
                        break;
                    }
                    hasher.update(&buf[..k]);
                    seen += k as u64;
                    enc.write_all(&buf[..k]).ctx("compress", tmp)?;
                }
                enc.finish().ctx("compress", tmp)?;
            }
        }
        if seen != size || ObjectId(hasher.finalize().into()) != *id {
            return Err(StoreError::Unstable {
                path: src_path.to_path_buf(),
            });
        }
        let file = out
            .into_inner()
            .map_err(|e| e.into_error())
            .ctx("write", tmp)?;
        if !self.deferred {
            file.sync_all().ctx("fsync", tmp)?;
        }
        let len = file.metadata().ctx("stat", tmp)?.len();
        Ok(len)
    }

    fn ensure_dir(&self, dir: &Path) -> Result<()> {
        if dir.is_dir() {
            return Ok(());
        }
        fs::create_dir_all(dir).ctx("create", dir)?;
        // Make the new directory entries themselves durable.
        if let Some(parent) = dir.parent() {
            sync_dir(parent)?;
            if let Some(grand) = parent.parent() {
                sync_dir(grand)?;
            }
        }
        Ok(())
    }

    /// Open an object for reading its original bytes.
    pub fn open_reader(&self, id: &ObjectId) -> Result<ObjectReader> {
        let path = self.pending_path(id).unwrap_or_else(|| self.path_of(id));
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(StoreError::NotFound { id: *id })
            }
            Err(e) => return Err(e).ctx("open", &path),
        };
        let mut file = BufReader::with_capacity(CHUNK, file);
        let mut header = [0u8; HEADER_LEN];
        file.read_exact(&mut header)
            .map_err(|e| StoreError::Corrupt {
                id: *id,
                path: path.clone(),
                reason: format!("short header: {e}"),
            })?;
        if &header[..4] != MAGIC || header[4] != VERSION {
            return Err(StoreError::Corrupt {
                id: *id,
                path,
                reason: "bad magic or version".into(),
            });
        }
        let mut len = [0u8; 8];
        len.copy_from_slice(&header[8..16]);
        let size = u64::from_le_bytes(len);
        let inner: Box<dyn Read + Send> = match header[5] {
            0 => Box::new(file),
            1 => Box::new(zstd::Decoder::with_buffer(file).ctx("decompress", &path)?),
            2 => {
                let corrupt = |reason: String| StoreError::Corrupt {
                    id: *id,
                    path: path.clone(),
                    reason,
                };
                let mut dict_id = [0u8; 32];
                file.read_exact(&mut dict_id)
                    .map_err(|e| corrupt(format!("short dictionary id: {e}")))?;
                let dict = self
                    .dictionary(&ObjectId(dict_id))
                    .map_err(|e| corrupt(format!("dictionary {}: {e}", ObjectId(dict_id))))?;
                let mut frame = Vec::new();
                file.read_to_end(&mut frame).ctx("read", &path)?;
                let mut d =
                    zstd::bulk::Decompressor::with_dictionary(&dict).ctx("decompress", &path)?;
                let bytes = d
                    .decompress(&frame, size.min(1 << 30) as usize)
                    .map_err(|e| corrupt(format!("cannot decode: {e}")))?;
                Box::new(io::Cursor::new(bytes))
            }
            c => {
                return Err(StoreError::Corrupt {
                    id: *id,
                    path,
                    reason: format!("unknown codec {c}"),
                })
            }
        };
        Ok(ObjectReader { inner, size, path })
    }

    /// The trained dictionary an object needs to be read (its codec is
    /// zstd with a dictionary), if any.
    pub fn dictionary_of(&self, id: &ObjectId) -> Result<Option<ObjectId>> {
        let path = self.pending_path(id).unwrap_or_else(|| self.path_of(id));
        let mut file = File::open(&path).ctx("open", &path)?;
        let mut header = [0u8; HEADER_LEN + 32];
        if file.read_exact(&mut header).is_err() || &header[..4] != MAGIC || header[5] != 2 {
            return Ok(None);
        }
        let mut dict = [0u8; 32];
        dict.copy_from_slice(&header[HEADER_LEN..]);
        Ok(Some(ObjectId(dict)))
    }

    /// The original bytes of an object.
    pub fn get(&self, id: &ObjectId) -> Result<Vec<u8>> {
        let mut r = self.open_reader(id)?;
        let mut out = Vec::with_capacity(r.size.min(1 << 30) as usize);
        r.inner
            .read_to_end(&mut out)
            .map_err(|e| StoreError::Corrupt {
                id: *id,
                path: r.path.clone(),
                reason: format!("cannot decode: {e}"),
            })?;
        if out.len() as u64 != r.size {
            return Err(StoreError::Corrupt {
                id: *id,
                path: r.path,
                reason: format!("length {} but header says {}", out.len(), r.size),
            });
        }
        Ok(out)
    }

    /// Re-read an object and check that its bytes hash to its id.
    pub fn verify(&self, id: &ObjectId) -> Result<u64> {
        let mut r = self.open_reader(id)?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; CHUNK];
        let mut n = 0u64;
        loop {
            let k = read_some(&mut r.inner, &mut buf).map_err(|e| StoreError::Corrupt {
                id: *id,
                path: r.path.clone(),
                reason: format!("cannot decode: {e}"),
            })?;
            if k == 0 {
                break;
            }
            hasher.update(&buf[..k]);
            n += k as u64;
        }
        let got = ObjectId(hasher.finalize().into());
        if got != *id || n != r.size {
            return Err(StoreError::Corrupt {
                id: *id,
                path: r.path,
                reason: format!("content hashes to {got} ({n} bytes)"),
            });
        }
        Ok(n)
    }

    /// Bytes the object takes on disk.
    pub fn stored_size(&self, id: &ObjectId) -> Result<u64> {
        let path = self.pending_path(id).unwrap_or_else(|| self.path_of(id));
        Ok(fs::metadata(&path).ctx("stat", &path)?.len())
    }

    /// Every object id in the store (including objects waiting for a sync), sorted.
    pub fn ids(&self) -> Result<Vec<ObjectId>> {
        let mut out = Vec::new();
        for a in sorted_entries(&self.root)? {
            if a.file_name().map(|n| n.len() != 2).unwrap_or(true) || a == self.root.join("tmp") {
                continue;
            }
            for b in sorted_entries(&a)? {
                for f in sorted_entries(&b)? {
                    if let Some(id) = f
                        .file_name()
                        .and_then(|n| n.to_str())
                        .and_then(|n| n.parse().ok())
                    {
                        out.push(id);
                    }
                }
            }
        }
        if self.deferred {
            let pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            out.extend(pending.keys().copied());
            out.sort();
            out.dedup();
        }
        Ok(out)
    }

    /// Remove an object (disposal only). Returns whether it existed. In a
    /// deferred store the removal is made durable by the next [`sync`]
    /// (which `Archive::commit` runs before journaling the disposal).
    ///
    /// [`sync`]: ObjectStore::sync
    pub fn remove(&self, id: &ObjectId) -> Result<bool> {
        let was_pending = self
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
        if let Some(tmp) = &was_pending {
            let _ = fs::remove_file(tmp);
        }
        let path = self.path_of(id);
        match fs::remove_file(&path) {
            Ok(()) => {
                if self.deferred {
                    // Made durable by the next sync, before the event saying so.
                    self.removed.store(true, Ordering::Release);
                } else if let Some(dir) = path.parent() {
                    sync_dir(dir)?;
                }
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(was_pending.is_some()),
            Err(e) => Err(e).ctx("remove", &path),
        }
    }

    /// Remove temp files left by writers that died (older than `age`).
    pub fn sweep_tmp(&self, age: std::time::Duration) -> Result<usize> {
        let dir = self.root.join("tmp");
        let mut n = 0;
        for p in sorted_entries(&dir)? {
            let old = fs::metadata(&p)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|e| e >= age);
            if old && fs::remove_file(&p).is_ok() {
                n += 1;
            }
        }
        Ok(n)
    }
}

/// A reader of an object's original bytes.
pub struct ObjectReader {
    inner: Box<dyn Read + Send>,
    /// Original size in bytes.
    pub size: u64,
    path: PathBuf,
}

impl Read for ObjectReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf)
    }
}

fn hash_file(path: &Path) -> Result<(ObjectId, u64, Vec<u8>)> {
    let mut file = File::open(path).ctx("open", path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut sample = Vec::new();
    let mut n = 0u64;
    loop {
        let k = read_some(&mut file, &mut buf).ctx("read", path)?;
        if k == 0 {
            break;
        }
        if sample.len() < SAMPLE_LEN {
            let take = k.min(SAMPLE_LEN - sample.len());
            sample.extend_from_slice(&buf[..take]);
        }
        hasher.update(&buf[..k]);
        n += k as u64;
    }
    Ok((ObjectId(hasher.finalize().into()), n, sample))
}

fn read_some(r: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Formats whose bytes are compressed already: zstd would only cost time.
fn is_precompressed(s: &[u8]) -> bool {
    s.starts_with(&[0xFF, 0xD8, 0xFF]) // JPEG
        || s.starts_with(b"\x89PNG")
        || s.starts_with(b"GIF8")
        || s.starts_with(b"PK\x03\x04") // zip, docx, odt
        || s.starts_with(&[0x1F, 0x8B]) // gzip
        || s.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) // zstd
        || (s.starts_with(b"RIFF") && s.get(8..12) == Some(b"WEBP"))
        || s.starts_with(&[0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50]) // JPEG 2000
}

/// Flush every dirty page and inode of the file system holding `dir`.
fn syncfs(dir: &Path) -> Result<()> {
    let d = File::open(dir).ctx("open", dir)?;
    rustix::fs::syncfs(&d)
        .map_err(io::Error::from)
        .ctx("syncfs", dir)
}

pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .ctx("fsync directory", dir)
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>> {
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).ctx("list", dir),
    };
    let mut v = Vec::new();
    for e in rd {
        v.push(e.ctx("list", dir)?.path());
    }
    v.sort();
    Ok(v)
}
