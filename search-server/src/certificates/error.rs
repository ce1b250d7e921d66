//! Errors of the certificates workflow. Each names the request or the
//! input it concerns; callers match on the kind, never on the message.

use crate::certificates::model::Status;

/// What can go wrong while registering, searching or issuing.
#[derive(Debug, thiserror::Error)]
pub enum CertificateError {
    /// No request with this number.
    #[error("no request {number}")]
    UnknownRequest {
        /// The number asked for, e.g. `12/2026`.
        number: String,
    },
    /// A request number that is not `N/YYYY`.
    #[error("invalid request number {0:?}: expected N/YYYY, e.g. 12/2026")]
    BadNumber(String),
    /// A field of a new request or of an action is missing or malformed.
    #[error("{field}: {reason}")]
    Invalid {
        /// The field, as the form or the command line names it.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The action is not allowed in the request's current status.
    #[error("request {number} is {from}; it cannot be {action}")]
    Transition {
        /// The request.
        number: String,
        /// Its status.
        from: Status,
        /// What was attempted, e.g. `issued`.
        action: &'static str,
    },
    /// The deadline was already extended once (OG 27/2002 allows one extension).
    #[error("the deadline of request {number} was already extended")]
    AlreadyExtended {
        /// The request.
        number: String,
    },
    /// Hits are still waiting for a decision: the certificate would be incomplete.
    #[error("request {number}: {pending} hit(s) still need a decision")]
    Undecided {
        /// The request.
        number: String,
        /// How many.
        pending: usize,
    },
    /// A page asked for a certified copy is not in the catalog.
    #[error("no page {page} in dossier {cota}")]
    UnknownPage {
        /// Dossier.
        cota: String,
        /// Page ordinal.
        page: u32,
    },
    /// A stored record could not be read back.
    #[error("record {kind}/{key} is unreadable: {source}")]
    Record {
        /// Record kind.
        kind: &'static str,
        /// Record key.
        key: String,
        /// The decoding error.
        #[source]
        source: serde_json::Error,
    },
    /// The PDF could not be produced.
    #[error("PDF: {0}")]
    Pdf(String),
    /// The archive failed.
    #[error("archive: {0}")]
    Store(#[from] arhiva_store::StoreError),
    /// The person search failed.
    #[error("index: {0}")]
    Index(#[from] arhiva_index::IndexError),
}

/// Result with [`CertificateError`] by default.
pub type Result<T, E = CertificateError> = std::result::Result<T, E>;

impl CertificateError {
    /// Shorthand for [`CertificateError::Invalid`].
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        CertificateError::Invalid {
            field,
            reason: reason.into(),
        }
    }
}
