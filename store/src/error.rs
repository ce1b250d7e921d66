//! Errors of the store. Each carries the path or id it concerns.

use std::io;
use std::path::PathBuf;

use crate::ObjectId;

/// What can go wrong in the content store, the journal or the catalog.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// An I/O error on a file or directory.
    #[error("{op} {path}: {source}")]
    Io {
        /// What was being done.
        op: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// No object with this id.
    #[error("object {id} not found")]
    NotFound {
        /// The id asked for.
        id: ObjectId,
    },
    /// An object's bytes do not match its id, or its frame is damaged.
    #[error("object {id} at {path} is corrupt: {reason}")]
    Corrupt {
        /// The object.
        id: ObjectId,
        /// Its file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A file changed while it was being stored.
    #[error("{path} changed while it was being stored")]
    Unstable {
        /// The file.
        path: PathBuf,
    },
    /// A journal record in the middle of a segment is damaged.
    #[error("journal segment {segment} is corrupt at offset {offset}: {reason}")]
    JournalCorrupt {
        /// The segment file.
        segment: PathBuf,
        /// Byte offset of the damaged record.
        offset: u64,
        /// What is wrong.
        reason: String,
    },
    /// The catalog database failed.
    #[error("catalog at {path}: {reason}")]
    Catalog {
        /// The catalog directory.
        path: PathBuf,
        /// What sled said.
        reason: String,
    },
    /// Another process holds the catalog (e.g. `arhiva serve` is running).
    #[error("catalog at {path} is in use by another arhiva process")]
    CatalogLocked {
        /// The catalog directory.
        path: PathBuf,
    },
    /// A record could not be encoded or decoded.
    #[error("{what}: {source}")]
    Serde {
        /// What was being (de)serialized.
        what: String,
        /// The serde error.
        #[source]
        source: serde_json::Error,
    },
    /// A malformed object id.
    #[error("invalid object id {0:?}: expected 64 hex digits")]
    BadId(String),
    /// The directory holds no archive (no content store and journal), and
    /// the caller asked not to create one.
    #[error("no archive in {}: {reason}", path.display())]
    NoArchive {
        /// The data directory asked for.
        path: PathBuf,
        /// What was found there instead.
        reason: &'static str,
    },
}

/// Result with [`StoreError`] by default.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Attach an operation and a path to an I/O error.
pub(crate) trait IoContext<T> {
    fn ctx(self, op: &'static str, path: impl Into<PathBuf>) -> Result<T>;
}

impl<T> IoContext<T> for io::Result<T> {
    fn ctx(self, op: &'static str, path: impl Into<PathBuf>) -> Result<T> {
        self.map_err(|source| StoreError::Io {
            op,
            path: path.into(),
            source,
        })
    }
}
