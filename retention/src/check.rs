//! [`check`]: is what disposal left behind consistent? Journal, catalog,
//! index and store must agree: no disposal half done, no disposed dossier
//! with pages or searchable text, no removed object still on disk unless a
//! kept dossier needs it, no kept page missing an object a disposal took.

use std::collections::{HashMap, HashSet};

use arhiva_index::{SearchIndex, SearchRequest};
use arhiva_store::{Archive, ObjectId};
use serde::{Deserialize, Serialize};

use crate::dispose::{page_refs, Intent};
use crate::error::Result;
use crate::records::{self, INTENT};

/// One inconsistency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The dossier concerned.
    pub cota: String,
    /// What is wrong.
    pub what: String,
}

/// Look for inconsistencies left by disposal; empty when all is well.
pub fn check(archive: &Archive, index: Option<&SearchIndex>) -> Result<Vec<Problem>> {
    let catalog = archive.catalog();
    let mut problems = Vec::new();
    for (cota, _) in records::load_all::<Intent>(catalog, INTENT)? {
        problems.push(Problem {
            cota,
            what: "disposal interrupted: run `retention dispose` again to finish it".into(),
        });
    }
    let mut kept: HashSet<ObjectId> = HashSet::new();
    let mut kept_pages: Vec<(String, u32, ObjectId)> = Vec::new();
    catalog.for_each_page(|p| {
        for id in page_refs(&p) {
            kept.insert(id);
            kept_pages.push((p.cota.clone(), p.page, id));
        }
        Ok(())
    })?;
    let mut removed_by: HashMap<ObjectId, String> = HashMap::new();
    for d in catalog.dossiers()? {
        let Some(t) = catalog.disposal(&d.cota)? else {
            continue;
        };
        if !catalog.pages(&d.cota)?.is_empty() {
            problems.push(Problem {
                cota: d.cota.clone(),
                what: "disposed of but still has pages in the catalog".into(),
            });
        }
        for hex in &t.removed {
            let Ok(id) = hex.parse::<ObjectId>() else {
                problems.push(Problem {
                    cota: d.cota.clone(),
                    what: format!("tombstone names a malformed object id {hex}"),
                });
                continue;
            };
            if !kept.contains(&id) && archive.objects().contains(&id) {
                problems.push(Problem {
                    cota: d.cota.clone(),
                    what: format!("object {hex} was to be removed but is still stored"),
                });
            }
            removed_by.insert(id, d.cota.clone());
        }
        if let Some(index) = index {
            let mut req = SearchRequest::new(format!("cota:\"{}\"", d.cota.replace('"', "")));
            req.limit = 0;
            req.snippets = false;
            if index.search(&req)?.total > 0 {
                problems.push(Problem {
                    cota: d.cota.clone(),
                    what: "disposed of but its pages are still in the search index".into(),
                });
            }
        }
    }
    for (cota, page, id) in kept_pages {
        if let Some(by) = removed_by.get(&id) {
            if !archive.objects().contains(&id) {
                problems.push(Problem {
                    cota,
                    what: format!("page {page} lost object {id}, removed with dossier {by}"),
                });
            }
        }
    }
    Ok(problems)
}
