//! Journal events: every change to the archive is one of these, appended to
//! the journal before anything derived (catalog, index) reflects it.

use serde::{Deserialize, Serialize};

use crate::model::{Document, Dossier, Page};

/// One event in the journal.
///
/// The typed variants are the archive's core facts. `Put`/`Delete` let the
/// crates above the store (users, requests, holds, approvals) journal their
/// own records without the store knowing their shape: the catalog keeps them
/// in a tree named by `kind`, keyed by `key`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Event {
    /// A delivery batch began.
    BatchStarted {
        /// Batch id.
        batch: String,
        /// The delivery folder as given.
        delivery: String,
        /// RFC 3339 time.
        at: String,
    },
    /// A dossier's description (from the inventory) was recorded or replaced.
    DossierRecorded {
        /// The dossier.
        dossier: Dossier,
    },
    /// An original file was stored.
    DocumentStored {
        /// The document.
        document: Document,
    },
    /// A page was recorded or replaced (e.g. OCR filled in later).
    PageRecorded {
        /// The page.
        page: Page,
    },
    /// An input was rejected.
    Quarantined {
        /// Batch id.
        batch: String,
        /// The file, relative to the delivery.
        file: String,
        /// Stable reason code, e.g. `corrupt-pdf`.
        code: String,
        /// What went wrong, for people.
        reason: String,
    },
    /// A delivery batch ended; `summary` is the batch report.
    BatchFinished {
        /// Batch id.
        batch: String,
        /// The report, as JSON.
        summary: serde_json::Value,
    },
    /// A dossier's content was removed under an approved disposal; its
    /// description stays as a tombstone naming the approval.
    DossierDisposed {
        /// The dossier.
        cota: String,
        /// The approval, e.g. "nr. 1234 / 2026-05-04".
        approval: String,
        /// Objects removed from the store (hex SHA-256).
        removed: Vec<String>,
    },
    /// A generic record kept by a higher layer (users, requests, holds).
    Put {
        /// The record kind, e.g. `user`.
        kind: String,
        /// Its key within the kind.
        key: String,
        /// Its value.
        value: serde_json::Value,
    },
    /// A generic record was deleted.
    Delete {
        /// The record kind.
        kind: String,
        /// Its key.
        key: String,
    },
}
