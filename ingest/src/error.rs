//! Errors of ingest. A bad *input* is not an error: it is quarantined and
//! the batch goes on. These are the failures that stop a batch: the
//! delivery folder cannot be read, the store or the index fails.

use std::io;
use std::path::PathBuf;

/// What stops a batch.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// An I/O error on a file or directory of the delivery or data dir.
    #[error("failed to {op} {path}: {source}")]
    Io {
        /// What was being done.
        op: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// The delivery is not a folder, or has no inventory.
    #[error("{path} is not a delivery: {reason}")]
    NotADelivery {
        /// The folder given.
        path: PathBuf,
        /// What is missing.
        reason: String,
    },
    /// The content store, journal or catalog failed.
    #[error("store failed while ingesting {path}: {source}")]
    Store {
        /// The delivery (or file) being ingested.
        path: PathBuf,
        /// What the store said.
        #[source]
        source: arhiva_store::StoreError,
    },
    /// The search index failed.
    #[error("search index failed while ingesting {path}: {source}")]
    Index {
        /// The delivery being ingested.
        path: PathBuf,
        /// What the index said.
        #[source]
        source: arhiva_index::IndexError,
    },
    /// Another run holds the lock on the data directory.
    #[error("another ingest run holds the lock {path}")]
    Locked {
        /// The lock file.
        path: PathBuf,
    },
    /// The serving process that was handed a nightly run could not do it.
    #[error("the running server could not do the nightly run: {message}")]
    Remote {
        /// What it said.
        message: String,
    },
}

/// Result with [`IngestError`] by default.
pub type Result<T, E = IngestError> = std::result::Result<T, E>;

/// Attach an operation and a path to an I/O error.
pub(crate) trait IoContext<T> {
    fn ctx(self, op: &'static str, path: impl Into<PathBuf>) -> Result<T>;
}

impl<T> IoContext<T> for io::Result<T> {
    fn ctx(self, op: &'static str, path: impl Into<PathBuf>) -> Result<T> {
        self.map_err(|source| IngestError::Io {
            op,
            path: path.into(),
            source,
        })
    }
}

/// Attach the delivery path to a store error.
pub(crate) trait StoreContext<T> {
    fn in_delivery(self, path: &std::path::Path) -> Result<T>;
}

impl<T> StoreContext<T> for arhiva_store::Result<T> {
    fn in_delivery(self, path: &std::path::Path) -> Result<T> {
        self.map_err(|source| IngestError::Store {
            path: path.to_path_buf(),
            source,
        })
    }
}
