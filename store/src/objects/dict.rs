//! Page texts compressed with a trained zstd dictionary (codec 2).
//!
//! The first texts a store sees are kept as training samples (and stored
//! with plain zstd); once there are enough, a dictionary is trained, stored
//! as an object, and named in `objects/text-dictionary`. Every codec-2
//! object names its dictionary itself, so a store can hold texts compressed
//! with several dictionaries (two processes may train one each).

use std::fs::{self, File};
use std::io;
use std::sync::{Arc, Mutex};

use super::store::{sync_dir, Codec, ObjectStore, PutOutcome, TextDict, DICT_POINTER, DICT_SIZE};
use super::ObjectId;
use crate::error::{IoContext, Result};

impl ObjectStore {
    pub(super) fn load_text_dictionary(&self) -> Result<()> {
        let pointer = self.root.join(DICT_POINTER);
        let hex = match fs::read_to_string(&pointer) {
            Ok(h) => h,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e).ctx("read", &pointer),
        };
        let id: ObjectId = hex.trim().parse()?;
        let bytes = self.get(&id)?;
        self.install_dictionary(id, &bytes)
    }

    fn install_dictionary(&self, id: ObjectId, bytes: &[u8]) -> Result<()> {
        let compressor = zstd::bulk::Compressor::with_dictionary(self.level, bytes)
            .ctx("load dictionary", self.path_of(&id))?;
        let dict = TextDict {
            id,
            compressor: Mutex::new(compressor),
        };
        *self.text_dict.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(dict));
        Ok(())
    }

    /// Store a page text (or another small text). Once the store has seen
    /// enough texts it trains a zstd dictionary on them, and texts stored
    /// after that are compressed with it: about 2.5x smaller than alone.
    pub fn put_text(&self, bytes: &[u8]) -> Result<PutOutcome> {
        let dict = self
            .text_dict
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let Some(dict) = dict else {
            self.collect_sample(bytes)?;
            return self.put_bytes(bytes);
        };
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
        let frame = dict
            .compressor
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .compress(bytes)
            .ctx("compress", self.path_of(&id))?;
        let mut payload = Vec::with_capacity(32 + frame.len());
        payload.extend_from_slice(&dict.id.0);
        payload.extend_from_slice(&frame);
        let written = self.write_new(
            &id,
            size,
            Codec::ZstdDict,
            &mut io::Cursor::new(&payload),
            None,
        )?;
        Ok(PutOutcome {
            id,
            size,
            written,
            new: written > 0,
        })
    }

    fn collect_sample(&self, bytes: &[u8]) -> Result<()> {
        let ready = {
            let mut samples = self.samples.lock().unwrap_or_else(|p| p.into_inner());
            if samples.len() >= self.dict_samples {
                return Ok(());
            }
            samples.push(bytes.to_vec());
            if samples.len() < self.dict_samples {
                return Ok(());
            }
            std::mem::take(&mut *samples)
        };
        // Training failing (too little variety) just means no dictionary.
        let Ok(dict) = zstd::dict::from_samples(&ready, DICT_SIZE) else {
            return Ok(());
        };
        let put = self.put_bytes(&dict)?;
        // The dictionary must be in place before the pointer names it.
        self.sync()?;
        let pointer = self.root.join(DICT_POINTER);
        let tmp = self
            .root
            .join("tmp")
            .join(format!("{DICT_POINTER}.{}", std::process::id()));
        {
            use std::io::Write;
            use std::os::unix::fs::OpenOptionsExt;
            let mut f = fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(&tmp)
                .ctx("create", &tmp)?;
            f.write_all(put.id.to_hex().as_bytes()).ctx("write", &tmp)?;
        }
        File::open(&tmp)
            .and_then(|f| f.sync_all())
            .ctx("fsync", &tmp)?;
        fs::rename(&tmp, &pointer).ctx("rename", &pointer)?;
        sync_dir(&self.root)?;
        tracing::info!(dictionary = %put.id, samples = ready.len(), "trained a zstd dictionary for page texts");
        self.install_dictionary(put.id, &dict)
    }

    pub(super) fn dictionary(&self, id: &ObjectId) -> Result<Arc<Vec<u8>>> {
        if let Some(d) = self.dicts.lock().unwrap_or_else(|p| p.into_inner()).get(id) {
            return Ok(Arc::clone(d));
        }
        let d = Arc::new(self.get(id)?);
        self.dicts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(*id, Arc::clone(&d));
        Ok(d)
    }
}
