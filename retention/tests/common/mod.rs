//! Test harness: a [`TestArchive`] in a temporary directory, filled by
//! committing catalog events directly (no scans needed), with its index.

#![allow(dead_code, clippy::unwrap_used)]

use arhiva_index::{page_doc, SearchIndex};
use arhiva_store::{
    Archive, Document, Dossier, Event, Format, Location, ObjectId, Page, RetentionTerm, TermSource,
    TextSource,
};

pub struct TestArchive {
    pub dir: tempfile::TempDir,
    pub archive: Archive,
    pub index: SearchIndex,
}

pub fn dossier(
    cota: &str,
    inventory: &str,
    department: &str,
    years: (i32, i32),
    term: RetentionTerm,
) -> Dossier {
    Dossier {
        cota: cota.into(),
        fond: "Primăria Municipiului Arad".into(),
        inventory: inventory.into(),
        indicativ: format!("IV-{}", cota.len()),
        title: format!("Corespondență și dispoziții ({cota}) — ședințe, hotărâri"),
        department: department.into(),
        first_year: years.0,
        last_year: years.1,
        sheets: Some(40),
        term,
        term_source: TermSource::Nomenclator {
            version: "HCL 112/2015".into(),
        },
        location: Location {
            room: "Sala 2".into(),
            shelf: "R14".into(),
            box_: "C3".into(),
        },
        notes: String::new(),
        doc_type: String::new(),
        batch: "b1".into(),
    }
}

impl TestArchive {
    pub fn new() -> TestArchive {
        let dir = tempfile::tempdir().unwrap();
        Self::open_in(dir)
    }

    pub fn open_in(dir: tempfile::TempDir) -> TestArchive {
        let archive = Archive::open(dir.path()).unwrap();
        let (index, _) = SearchIndex::open(&dir.path().join("index")).unwrap();
        TestArchive {
            dir,
            archive,
            index,
        }
    }

    /// Record a dossier whose page `i` has image bytes `images[i]` and a
    /// text naming the dossier and the page.
    pub fn add(&self, d: &Dossier, images: &[Vec<u8>]) -> Vec<ObjectId> {
        let mut batch = self.index.writer().unwrap();
        let ids = self.add_to(Some(&mut batch), d, images);
        batch.commit().unwrap();
        ids
    }

    /// Record many dossiers with one index commit.
    pub fn add_all(&self, items: &[(Dossier, Vec<Vec<u8>>)]) {
        let mut batch = self.index.writer().unwrap();
        for (d, images) in items {
            self.add_to(Some(&mut batch), d, images);
        }
        batch.commit().unwrap();
    }

    /// Record a dossier in the catalog only (no index).
    pub fn add_to_catalog(&self, d: &Dossier, images: &[Vec<u8>]) {
        self.add_to(None, d, images);
    }

    fn add_to(
        &self,
        mut batch: Option<&mut arhiva_index::IndexBatch<'_>>,
        d: &Dossier,
        images: &[Vec<u8>],
    ) -> Vec<ObjectId> {
        let mut events = vec![Event::DossierRecorded { dossier: d.clone() }];
        let mut ids = Vec::new();
        for (i, img) in images.iter().enumerate() {
            let doc = self.archive.objects().put_bytes(img).unwrap();
            let text = format!(
                "Pagina {} din dosarul {}: hotărâre privind ședința",
                i + 1,
                d.cota
            );
            let t = self.archive.objects().put_bytes(text.as_bytes()).unwrap();
            events.push(Event::DocumentStored {
                document: Document {
                    object: doc.id,
                    cota: d.cota.clone(),
                    file: format!("{:04}.tif", i + 1),
                    format: Format::Tiff,
                    size: img.len() as u64,
                },
            });
            let page = Page {
                cota: d.cota.clone(),
                page: i as u32 + 1,
                document: doc.id,
                pdf_page: None,
                text: Some(t.id),
                text_source: TextSource::SidecarTxt,
                confidence: None,
                words: None,
                size_px: None,
                dpi: Some(300),
                flags: vec![],
                payroll: None,
            };
            if let Some(b) = batch.as_deref_mut() {
                b.add(&page_doc(d, &page, &text)).unwrap();
            }
            events.push(Event::PageRecorded { page });
            ids.push(doc.id);
            ids.push(t.id);
        }
        self.archive.commit(events).unwrap();
        ids
    }

    /// Pages of this dossier the index still finds.
    pub fn indexed(&self, cota: &str) -> usize {
        let mut req = arhiva_index::SearchRequest::new(format!("cota:\"{cota}\""));
        req.limit = 0;
        req.snippets = false;
        self.index.search(&req).unwrap().total
    }
}

/// Distinct image bytes for page `n` of a dossier.
pub fn image(cota: &str, n: usize) -> Vec<u8> {
    format!("II*\0fake scan of {cota} page {n}").into_bytes()
}
