//! Errors of the index. Each carries the path or the query it concerns.

use std::path::PathBuf;

/// What can go wrong while opening, writing or searching the index.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The query does not parse; `message` says where and how to fix it.
    #[error("bad query: {message}")]
    BadQuery {
        /// A message for the person who typed the query.
        message: String,
        /// The same message in Romanian, for the web UI.
        ro: String,
    },
    /// An I/O error on the index directory.
    #[error("{op} {path}: {source}")]
    Io {
        /// What was being done.
        op: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// Another process is writing to the index (e.g. an ingest is running).
    #[error("index at {path} is being written by another process")]
    Busy {
        /// The index directory.
        path: PathBuf,
    },
    /// The directory holds files that are not ours: refusing to replace it.
    #[error("{path} does not look like an arhiva index ({reason}); refusing to replace it")]
    NotAnIndex {
        /// The directory.
        path: PathBuf,
        /// What was found there.
        reason: String,
    },
    /// tantivy failed.
    #[error("index at {path}: {source}")]
    Tantivy {
        /// The index directory.
        path: PathBuf,
        /// What tantivy said.
        #[source]
        source: tantivy::TantivyError,
    },
    /// The archive (store or catalog) failed while rebuilding.
    #[error("rebuilding the index: {0}")]
    Store(#[from] arhiva_store::StoreError),
}

/// Result with [`IndexError`] by default.
pub type Result<T, E = IndexError> = std::result::Result<T, E>;

/// Attach the index path to a tantivy error.
pub(crate) trait TantivyContext<T> {
    fn ctx(self, path: &std::path::Path) -> Result<T>;
}

impl<T> TantivyContext<T> for tantivy::Result<T> {
    fn ctx(self, path: &std::path::Path) -> Result<T> {
        self.map_err(|source| match source {
            tantivy::TantivyError::LockFailure(..) => IndexError::Busy {
                path: path.to_path_buf(),
            },
            source => IndexError::Tantivy {
                path: path.to_path_buf(),
                source,
            },
        })
    }
}
