//! A cotă that an earlier delivery already brought. The archive keeps one
//! dossier per cotă, so a second delivery under the same cotă is never
//! merged into the first: the same files again are recognised as already
//! ingested, anything else is quarantined for staff to sort out with the
//! vendor.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use arhiva_store::{Dossier, ObjectId, Page};

use crate::error::{Result, StoreContext};
use crate::page::PageJob;
use crate::pipeline::Ctx;

/// Quarantine code of a different dossier under a cotă already archived.
pub(crate) const CODE: &str = "cota-already-archived";

/// What a delivered dossier folder is, next to the dossier of the same
/// cotă that an earlier batch stored.
pub(crate) enum Redelivery {
    /// Nothing stored to compare with (the earlier batch brought only the
    /// inventory row): the delivery completes the dossier.
    Completes,
    /// The same description and the same files: already ingested.
    Same {
        /// The stored pages.
        pages: Vec<Page>,
    },
    /// Another dossier (or another version of it): quarantine with this reason.
    Different(String),
}

/// Compare the planned pages of a delivered folder with the stored dossier
/// `old` (brought by another batch). Files are compared by SHA-256, the
/// same way the pipeline decides that a page is unchanged.
pub(crate) fn compare(
    ctx: &Ctx<'_>,
    old: &Dossier,
    new: &Dossier,
    jobs: &[PageJob],
) -> Result<Redelivery> {
    let cota = &new.cota;
    let stored = ctx
        .archive
        .catalog()
        .pages(cota)
        .in_delivery(ctx.delivery)?;
    // The batch, and the inventory named after it, differ by nature.
    let same_description = Dossier {
        batch: old.batch.clone(),
        inventory: old.inventory.clone(),
        ..new.clone()
    } == *old;
    if stored.is_empty() && same_description {
        return Ok(Redelivery::Completes);
    }
    if jobs.is_empty() && same_description {
        // The inventory row again, without its folder: nothing to merge.
        return Ok(Redelivery::Same { pages: stored });
    }
    let mut differences: Vec<String> = Vec::new();
    if !same_description {
        differences.push(describe_change(old, new));
    }
    // Page number → hashes of the files that could be that page.
    let mut delivered: BTreeMap<u32, BTreeSet<ObjectId>> = BTreeMap::new();
    let mut pdfs: BTreeSet<ObjectId> = BTreeSet::new();
    for job in jobs {
        match job {
            PageJob::Image { page, scan, .. } => {
                delivered.entry(*page).or_default().extend(hash(scan));
            }
            PageJob::TextOnly { page, files } => {
                let set = delivered.entry(*page).or_default();
                for f in files {
                    set.extend(hash(f));
                }
            }
            PageJob::Pdf { pdf, .. } => pdfs.extend(hash(pdf.path())),
        }
    }
    let (mut changed, mut missing) = (0usize, 0usize);
    let mut pdfs_seen: BTreeSet<ObjectId> = BTreeSet::new();
    let stored_numbers: BTreeSet<u32> = stored.iter().map(|p| p.page).collect();
    for p in &stored {
        let from_pdf = pdfs.contains(&p.document);
        if from_pdf {
            pdfs_seen.insert(p.document);
        }
        if from_pdf
            || delivered
                .get(&p.page)
                .is_some_and(|ids| ids.contains(&p.document))
        {
            continue;
        }
        if delivered.contains_key(&p.page) || (!pdfs.is_empty() && p.pdf_page.is_some()) {
            changed += 1;
        } else {
            missing += 1;
        }
    }
    let extra = delivered
        .keys()
        .filter(|n| !stored_numbers.contains(n))
        .count()
        + pdfs.difference(&pdfs_seen).count();
    if changed > 0 {
        differences.push(format!(
            "{changed} page(s) differ / {changed} pagini diferă"
        ));
    }
    if missing > 0 {
        differences.push(format!(
            "{missing} stored page(s) not in this delivery / {missing} pagini arhivate lipsesc din livrare"
        ));
    }
    if extra > 0 {
        differences.push(format!(
            "{extra} file(s) not in the archived dossier / {extra} fișiere noi față de dosarul arhivat"
        ));
    }
    if differences.is_empty() {
        return Ok(Redelivery::Same { pages: stored });
    }
    Ok(Redelivery::Different(format!(
        "cotă {cota} is already in the archive (batch {batch}) with other content; not merged: {what} \
         / cota {cota} există deja în arhivă (lotul {batch}) cu alt conținut; nu a fost combinată",
        batch = old.batch,
        what = differences.join("; "),
    )))
}

/// The inventory fields that differ, for the reason.
fn describe_change(old: &Dossier, new: &Dossier) -> String {
    let mut fields = Vec::new();
    if old.title != new.title {
        fields.push("title");
    }
    if (old.first_year, old.last_year) != (new.first_year, new.last_year) {
        fields.push("years");
    }
    if old.department != new.department {
        fields.push("department");
    }
    if old.indicativ != new.indicativ {
        fields.push("indicativ");
    }
    if old.sheets != new.sheets {
        fields.push("nr. file");
    }
    if (old.term, &old.term_source) != (new.term, &new.term_source) {
        fields.push("retention term");
    }
    if old.location != new.location {
        fields.push("location");
    }
    if old.notes != new.notes {
        fields.push("observații");
    }
    if old.doc_type != new.doc_type {
        fields.push("document type");
    }
    if fields.is_empty() {
        fields.push("inventory row");
    }
    format!(
        "inventar.csv describes it otherwise ({}) / descriere diferită în inventar.csv",
        fields.join(", ")
    )
}

/// The SHA-256 of a file; an unreadable file matches nothing.
fn hash(path: &std::path::Path) -> Option<ObjectId> {
    fs::read(path).ok().map(|b| ObjectId::of(&b))
}
