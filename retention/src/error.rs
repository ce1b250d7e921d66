//! Errors of retention work. Each names the proposal, dossier or file it
//! concerns; callers match on the kind, never on the message.

use std::path::PathBuf;

use arhiva_index::IndexError;
use arhiva_store::StoreError;

/// What can go wrong while planning, proposing, disposing or exporting.
#[derive(Debug, thiserror::Error)]
pub enum RetentionError {
    /// The store (objects, journal, catalog) failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The search index failed.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// An I/O error on an output file or directory.
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
    /// No disposal proposal with this id.
    #[error("no disposal proposal {id}")]
    NoProposal {
        /// The id asked for.
        id: String,
    },
    /// The proposal has no recorded approval from the National Archives.
    #[error("disposal proposal {id} has no recorded approval")]
    NotApproved {
        /// The proposal.
        id: String,
    },
    /// The proposal was approved already.
    #[error("disposal proposal {id} is already approved ({approval})")]
    AlreadyApproved {
        /// The proposal.
        id: String,
        /// The approval on record.
        approval: String,
    },
    /// Nothing is due: there is nothing to propose.
    #[error("no dossier is due for disposal on {date}")]
    NothingDue {
        /// The date of the plan.
        date: String,
    },
    /// No legal hold with this id.
    #[error("no legal hold {id}")]
    NoHold {
        /// The id asked for.
        id: String,
    },
    /// No dossier or inventory by this name.
    #[error("no {what} {id} in the catalog")]
    UnknownTarget {
        /// "dossier" or "inventory".
        what: &'static str,
        /// The id given.
        id: String,
    },
    /// A date that does not parse or does not make sense here.
    #[error("invalid date {value:?}: {reason}")]
    BadDate {
        /// What was given.
        value: String,
        /// Why it is refused.
        reason: String,
    },
    /// Arguments that make no sense together.
    #[error("{0}")]
    Invalid(String),
    /// A journaled record does not have the expected shape.
    #[error("record {kind}/{key} is malformed: {source}")]
    BadRecord {
        /// Record kind.
        kind: String,
        /// Record key.
        key: String,
        /// The serde error.
        #[source]
        source: serde_json::Error,
    },
    /// A report (CSV, PDF) could not be produced.
    #[error("cannot write {what}: {reason}")]
    Report {
        /// Which document.
        what: String,
        /// What went wrong.
        reason: String,
    },
}

/// Result with [`RetentionError`] by default.
pub type Result<T, E = RetentionError> = std::result::Result<T, E>;

/// Attach an operation and a path to an I/O error.
pub(crate) trait IoContext<T> {
    fn ctx(self, op: &'static str, path: impl Into<PathBuf>) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn ctx(self, op: &'static str, path: impl Into<PathBuf>) -> Result<T> {
        self.map_err(|source| RetentionError::Io {
            op,
            path: path.into(),
            source,
        })
    }
}
