//! [`Snapshot`]: what [`crate::plan`] looks at, read from the catalog once so
//! the plan itself can be a pure function.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use arhiva_store::{Archive, Dossier, ObjectId};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::holds::{holds, HoldTarget, LegalHold};

/// One dossier with what the due list totals: pages digitized and bytes of
/// originals, and whether it was disposed of already.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DossierFacts {
    /// The dossier's description.
    pub dossier: Dossier,
    /// Pages in the catalog.
    pub pages: u32,
    /// Bytes of the original files its pages come from.
    pub bytes: u64,
    /// Disposed of already (a tombstone).
    pub disposed: bool,
}

/// The archive as retention sees it at one moment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Every dossier, sorted by cota.
    pub dossiers: Vec<DossierFacts>,
    /// Every legal hold in force.
    pub holds: Vec<LegalHold>,
}

impl Snapshot {
    /// Read dossiers, page counts, sizes, tombstones and holds.
    pub fn load(archive: &Archive) -> Result<Snapshot> {
        let catalog = archive.catalog();
        let mut per: HashMap<String, (u32, BTreeSet<ObjectId>)> = HashMap::new();
        catalog.for_each_page(|p| {
            let e = per.entry(p.cota).or_default();
            e.0 += 1;
            e.1.insert(p.document);
            Ok(())
        })?;
        let mut sizes: HashMap<ObjectId, u64> = HashMap::new();
        let mut dossiers = Vec::new();
        for dossier in catalog.dossiers()? {
            let disposed = catalog.is_disposed(&dossier.cota)?;
            let (pages, docs) = per.remove(&dossier.cota).unwrap_or_default();
            let mut bytes = 0u64;
            for id in docs {
                let size = match sizes.get(&id) {
                    Some(s) => *s,
                    None => {
                        let s = catalog.document(&id)?.map(|d| d.size).unwrap_or(0);
                        sizes.insert(id, s);
                        s
                    }
                };
                bytes += size;
            }
            dossiers.push(DossierFacts {
                dossier,
                pages,
                bytes,
                disposed,
            });
        }
        Ok(Snapshot {
            dossiers,
            holds: holds(archive)?,
        })
    }

    /// Holds by the dossiers they cover.
    pub(crate) fn holds_by_cota(&self) -> BTreeMap<&str, Vec<&str>> {
        let mut by_dossier: HashMap<&str, Vec<&str>> = HashMap::new();
        let mut by_inventory: HashMap<&str, Vec<&str>> = HashMap::new();
        for h in &self.holds {
            match &h.target {
                HoldTarget::Dossier(c) => by_dossier.entry(c).or_default().push(&h.id),
                HoldTarget::Inventory(i) => by_inventory.entry(i).or_default().push(&h.id),
            }
        }
        let mut out: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for f in &self.dossiers {
            let d = &f.dossier;
            let ids: Vec<&str> = by_dossier
                .get(d.cota.as_str())
                .into_iter()
                .chain(by_inventory.get(d.inventory.as_str()))
                .flatten()
                .copied()
                .collect();
            if !ids.is_empty() {
                out.insert(d.cota.as_str(), ids);
            }
        }
        out
    }
}
