//! Rebuilding the index from the archive: the index is a derived view, and
//! this is the function that derives it.

use arhiva_store::Archive;
use tracing::{info, warn};

use crate::doc::page_doc;
use crate::error::Result;
use crate::index::SearchIndex;

/// Replace the index's contents with every page of every dossier in the
/// catalog that has not been disposed of, reading texts from the content
/// store; one commit at the end. Returns the number of pages indexed.
///
/// A page whose text object cannot be read is indexed with its description
/// only, and logged: the rest of the archive still becomes searchable.
pub fn rebuild(index: &SearchIndex, archive: &Archive) -> Result<usize> {
    let catalog = archive.catalog();
    let mut batch = index.writer()?;
    batch.delete_all()?;
    let (mut pages, mut unreadable) = (0usize, 0usize);
    for dossier in catalog.dossiers()? {
        if catalog.is_disposed(&dossier.cota)? {
            continue;
        }
        for page in catalog.pages(&dossier.cota)? {
            let text = match &page.text {
                Some(id) => match archive.objects().get(id) {
                    Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                    Err(e) => {
                        warn!(dossier = %dossier.cota, page = page.page, error = %e, "page text unreadable, indexing description only");
                        unreadable += 1;
                        String::new()
                    }
                },
                None => String::new(),
            };
            batch.add(&page_doc(&dossier, &page, &text))?;
            pages += 1;
        }
    }
    batch.commit_and_merge()?;
    info!(pages, unreadable, path = %index.path().display(), "index rebuilt");
    Ok(pages)
}
