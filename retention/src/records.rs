//! The records retention journals through the store's generic `Put` and
//! `Delete` events, and helpers to read them back from the catalog.
//!
//! | kind                | key          | value                         |
//! |---------------------|--------------|-------------------------------|
//! | `hold`              | hold id      | [`crate::LegalHold`]          |
//! | `hold-release`      | hold id      | who released it, when, why    |
//! | `disposal-proposal` | proposal id  | [`crate::Proposal`]           |
//! | `disposal-approval` | proposal id  | [`crate::Approval`]           |
//! | `disposal-intent`   | cota         | [`crate::dispose::Intent`]    |
//! | `disposal-record`   | proposal id  | [`crate::DestructionRecord`]  |
//! | `transfer-export`   | export id    | what a BagIt export contained |

use arhiva_store::{Catalog, Event};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Result, RetentionError};

/// A legal hold.
pub const HOLD: &str = "hold";
/// The release of a legal hold (kept for the audit trail).
pub const HOLD_RELEASE: &str = "hold-release";
/// A disposal proposal (the selection commission's list).
pub const PROPOSAL: &str = "disposal-proposal";
/// The National Archives' approval of a proposal.
pub const APPROVAL: &str = "disposal-approval";
/// A dossier whose disposal has begun and not yet been journaled as done.
pub const INTENT: &str = "disposal-intent";
/// The destruction record of a proposal, once carried out.
pub const RECORD: &str = "disposal-record";
/// A BagIt export (transfer package).
pub const EXPORT: &str = "transfer-export";

/// One record, decoded.
pub(crate) fn load<T: DeserializeOwned>(
    catalog: &Catalog,
    kind: &str,
    key: &str,
) -> Result<Option<T>> {
    match catalog.record(kind, key)? {
        None => Ok(None),
        Some(v) => decode(kind, key, v).map(Some),
    }
}

/// Every record of a kind, decoded, by key.
pub(crate) fn load_all<T: DeserializeOwned>(
    catalog: &Catalog,
    kind: &str,
) -> Result<Vec<(String, T)>> {
    catalog
        .records(kind)?
        .into_iter()
        .map(|(k, v)| {
            let t = decode(kind, &k, v)?;
            Ok((k, t))
        })
        .collect()
}

fn decode<T: DeserializeOwned>(kind: &str, key: &str, v: serde_json::Value) -> Result<T> {
    serde_json::from_value(v).map_err(|source| RetentionError::BadRecord {
        kind: kind.into(),
        key: key.into(),
        source,
    })
}

/// The `Put` event for a record.
pub(crate) fn put<T: Serialize>(kind: &str, key: &str, value: &T) -> Result<Event> {
    let value = serde_json::to_value(value).map_err(|source| RetentionError::BadRecord {
        kind: kind.into(),
        key: key.into(),
        source,
    })?;
    Ok(Event::Put {
        kind: kind.into(),
        key: key.into(),
        value,
    })
}

/// The `Delete` event for a record.
pub(crate) fn delete(kind: &str, key: &str) -> Event {
    Event::Delete {
        kind: kind.into(),
        key: key.into(),
    }
}

/// The next id `PREFIX-YEAR-NNN` not yet used among `taken`.
pub(crate) fn next_id<'a>(prefix: &str, year: i32, taken: impl Iterator<Item = &'a str>) -> String {
    let stem = format!("{prefix}-{year}-");
    let max = taken
        .filter_map(|k| k.strip_prefix(&stem))
        .filter_map(|n| n.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    format!("{stem}{:03}", max + 1)
}
