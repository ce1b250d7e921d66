//! Legal holds ("blocarea eliminării"): a petition, litigation or pension
//! dispute citing a dossier — or a whole inventory — keeps it from being
//! proposed or disposed of until the hold is released.

use std::collections::BTreeSet;

use arhiva_store::{Archive, Dossier};
use serde::{Deserialize, Serialize};

use crate::date::now_rfc3339;
use crate::error::{Result, RetentionError};
use crate::records::{self, HOLD, HOLD_RELEASE};

/// What a hold covers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "id")]
pub enum HoldTarget {
    /// One dossier, by cota.
    Dossier(String),
    /// Every dossier of an inventory, by inventory id.
    Inventory(String),
}

impl std::fmt::Display for HoldTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HoldTarget::Dossier(c) => write!(f, "dosarul {c}"),
            HoldTarget::Inventory(i) => write!(f, "inventarul {i}"),
        }
    }
}

/// A legal hold: blocks disposal of what it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalHold {
    /// Id, `H-YEAR-NNN`.
    pub id: String,
    /// What it covers.
    pub target: HoldTarget,
    /// Why, e.g. "dosar civil 1234/108/2025, Tribunalul Arad".
    pub reason: String,
    /// Who placed it.
    pub by: String,
    /// When (RFC 3339).
    pub placed: String,
}

impl LegalHold {
    /// Whether the hold covers this dossier.
    pub fn covers(&self, dossier: &Dossier) -> bool {
        match &self.target {
            HoldTarget::Dossier(c) => *c == dossier.cota,
            HoldTarget::Inventory(i) => *i == dossier.inventory,
        }
    }
}

/// The release of a hold, kept in the journal for the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldRelease {
    /// The hold as it was.
    pub hold: LegalHold,
    /// Who released it.
    pub by: String,
    /// When (RFC 3339).
    pub at: String,
    /// Why.
    pub reason: String,
}

/// Every hold in force, by id.
pub fn holds(archive: &Archive) -> Result<Vec<LegalHold>> {
    Ok(records::load_all(archive.catalog(), HOLD)?
        .into_iter()
        .map(|(_, h)| h)
        .collect())
}

/// Place a hold (journaled). The dossier or inventory must exist.
pub fn place_hold(
    archive: &Archive,
    target: HoldTarget,
    reason: &str,
    by: &str,
) -> Result<LegalHold> {
    let catalog = archive.catalog();
    match &target {
        HoldTarget::Dossier(c) => {
            if catalog.dossier(c)?.is_none() {
                return Err(RetentionError::UnknownTarget {
                    what: "dossier",
                    id: c.clone(),
                });
            }
        }
        HoldTarget::Inventory(i) => {
            let known: BTreeSet<String> = catalog
                .dossiers()?
                .into_iter()
                .map(|d| d.inventory)
                .collect();
            if !known.contains(i) {
                return Err(RetentionError::UnknownTarget {
                    what: "inventory",
                    id: i.clone(),
                });
            }
        }
    }
    if reason.trim().is_empty() {
        return Err(RetentionError::Invalid(
            "a legal hold needs a reason".into(),
        ));
    }
    let placed = now_rfc3339();
    let year = crate::date::today_utc().year();
    let taken: Vec<String> = catalog
        .records(HOLD)?
        .into_iter()
        .chain(catalog.records(HOLD_RELEASE)?)
        .map(|(k, _)| k)
        .collect();
    let id = records::next_id("H", year, taken.iter().map(String::as_str));
    let hold = LegalHold {
        id: id.clone(),
        target,
        reason: reason.trim().to_string(),
        by: by.to_string(),
        placed,
    };
    archive.commit(vec![records::put(HOLD, &id, &hold)?])?;
    tracing::info!(hold = %id, target = %hold.target, by, "legal hold placed");
    Ok(hold)
}

/// Release a hold (journaled: the release and who made it stay on record).
pub fn release_hold(archive: &Archive, id: &str, by: &str, reason: &str) -> Result<HoldRelease> {
    let hold: LegalHold = records::load(archive.catalog(), HOLD, id)?
        .ok_or_else(|| RetentionError::NoHold { id: id.to_string() })?;
    let release = HoldRelease {
        hold,
        by: by.to_string(),
        at: now_rfc3339(),
        reason: reason.to_string(),
    };
    archive.commit(vec![
        records::put(HOLD_RELEASE, id, &release)?,
        records::delete(HOLD, id),
    ])?;
    tracing::info!(hold = %id, by, "legal hold released");
    Ok(release)
}
