//! [`SearchIndex`]: opening (and recreating) the index directory, and
//! [`IndexBatch`], the writer that ingest uses once per batch.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Weak};

use tantivy::schema::Schema;
use tantivy::{
    Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term, Warmer,
};
use tracing::{info, warn};

use crate::doc::{page_key, to_documents, PageDoc};
use crate::error::{IndexError, Result, TantivyContext};
use crate::facets::FacetTables;
use crate::schema::{self, Fields, SCHEMA_VERSION};

/// The file in the index directory naming the schema version.
const VERSION_FILE: &str = "arhiva-index.version";
/// Memory for the indexing threads, all together.
const WRITER_MEMORY: usize = 256 * 1024 * 1024;

/// How [`SearchIndex::open`] found the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// A readable index of the current schema version.
    Existing,
    /// There was no index: an empty one was created. Rebuild it.
    Created,
    /// The index could not be used and was replaced by an empty one. Rebuild it.
    Recreated {
        /// Why the old one was discarded.
        reason: String,
    },
}

impl Opened {
    /// `true` when the index is empty and the caller should [`crate::rebuild`] it.
    pub fn needs_rebuild(&self) -> bool {
        !matches!(self, Opened::Existing)
    }
}

/// The search index over the archive's pages and payroll rows.
///
/// `Send + Sync` and cheap to share behind an `Arc`: searches take a
/// snapshot of the committed segments and never block each other.
pub struct SearchIndex {
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
    pub(crate) path: PathBuf,
    /// Per-segment facet tables, kept warm by the reader.
    pub(crate) facets: Arc<FacetTables>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("path", &self.path)
            .finish()
    }
}

impl SearchIndex {
    /// Open the index in `dir`, creating it when missing and recreating it
    /// (with a log line) when it cannot be read or has another schema.
    pub fn open(dir: &Path) -> Result<(SearchIndex, Opened)> {
        let (schema, fields) = schema::build();
        let has_meta = dir.join("meta.json").exists();
        if !has_meta {
            check_replaceable(dir)?;
            if dir.exists() && dir_has_entries(dir)? {
                let reason = "meta.json is missing".to_string();
                warn!(path = %dir.display(), %reason, "index unreadable, recreating it");
                let index = recreate(dir, schema)?;
                return Ok((
                    Self::with(index, fields, dir)?,
                    Opened::Recreated { reason },
                ));
            }
            let index = recreate(dir, schema)?;
            info!(path = %dir.display(), "index created");
            return Ok((Self::with(index, fields, dir)?, Opened::Created));
        }
        match try_open(dir, &schema) {
            Ok(index) => Ok((Self::with(index, fields, dir)?, Opened::Existing)),
            Err(reason) => {
                check_replaceable(dir)?;
                warn!(path = %dir.display(), %reason, "index unreadable, recreating it");
                let index = recreate(dir, schema)?;
                Ok((
                    Self::with(index, fields, dir)?,
                    Opened::Recreated { reason },
                ))
            }
        }
    }

    fn with(mut index: Index, fields: Fields, dir: &Path) -> Result<SearchIndex> {
        crate::analyzer::register(index.tokenizers());
        // One search runs over the segments on every core: a single query
        // at the counter returns sooner; under load, throughput is the same.
        index.set_default_multithread_executor().ctx(dir)?;
        let facets = Arc::new(FacetTables::default());
        let warmer: Weak<dyn Warmer> = Arc::downgrade(&facets) as Weak<dyn Warmer>;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .warmers(vec![warmer])
            .try_into()
            .ctx(dir)?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
            path: dir.to_path_buf(),
            facets,
        })
    }

    /// The index directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of page documents currently searchable.
    pub fn num_pages(&self) -> Result<usize> {
        let searcher = self.reader.searcher();
        let term = Term::from_field_text(self.fields.kind, schema::KIND_PAGE);
        let q = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
        searcher
            .search(&q, &tantivy::collector::Count)
            .ctx(&self.path)
    }

    /// Start a batch of changes. Only one batch can be open at a time in all
    /// processes ([`IndexError::Busy`] otherwise); nothing is visible to
    /// searches until [`IndexBatch::commit`].
    pub fn writer(&self) -> Result<IndexBatch<'_>> {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 4);
        let writer = self
            .index
            .writer_with_num_threads(threads, WRITER_MEMORY)
            .ctx(&self.path)?;
        Ok(IndexBatch {
            owner: self,
            writer,
            added: 0,
            keys: HashSet::new(),
            committed: Some(self.reader.searcher()),
        })
    }
}

/// A batch of index changes, committed at once.
///
/// Dropping a batch without committing discards its changes.
pub struct IndexBatch<'a> {
    owner: &'a SearchIndex,
    writer: IndexWriter<TantivyDocument>,
    added: usize,
    /// Hashes of the page keys added in this batch.
    keys: HashSet<u64>,
    /// The committed pages, to learn whether an added page replaces one
    /// (`None` once everything was deleted).
    committed: Option<Searcher>,
}

impl IndexBatch<'_> {
    /// Add a page, replacing the page with the same cota and ordinal (and its
    /// payroll rows) if there is one.
    pub fn add(&mut self, doc: &PageDoc) -> Result<()> {
        let f = &self.owner.fields;
        let key = page_key(&doc.cota, doc.page);
        // Deletes cost at commit time: only issue one when the page may
        // already be there (added earlier in this batch, or committed).
        let mut h = DefaultHasher::new();
        key.hash(&mut h);
        let seen_here = !self.keys.insert(h.finish());
        if seen_here || self.is_committed(&key)? {
            self.writer.delete_term(Term::from_field_text(f.key, &key));
        }
        for d in to_documents(f, doc) {
            self.writer.add_document(d).ctx(&self.owner.path)?;
        }
        self.added += 1;
        Ok(())
    }

    fn is_committed(&self, key: &str) -> Result<bool> {
        let Some(searcher) = &self.committed else {
            return Ok(false);
        };
        for segment in searcher.segment_readers() {
            let inverted = segment
                .inverted_index(self.owner.fields.key)
                .ctx(&self.owner.path)?;
            let found = inverted
                .terms()
                .get(key.as_bytes())
                .map_err(|source| IndexError::Io {
                    op: "failed to read the term dictionary of",
                    path: self.owner.path.clone(),
                    source,
                })?;
            if found.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Remove every page (and payroll row) of a dossier.
    pub fn delete_dossier(&mut self, cota: &str) {
        self.writer
            .delete_term(Term::from_field_text(self.owner.fields.cota, cota));
    }

    /// Remove everything (used by [`crate::rebuild`]).
    pub fn delete_all(&mut self) -> Result<()> {
        self.committed = None;
        self.keys.clear();
        self.writer
            .delete_all_documents()
            .map(|_| ())
            .ctx(&self.owner.path)
    }

    /// Pages added so far in this batch.
    pub fn added(&self) -> usize {
        self.added
    }

    /// Make the batch durable and visible to searches.
    pub fn commit(mut self) -> Result<()> {
        self.writer.commit().ctx(&self.owner.path)?;
        self.owner.reader.reload().ctx(&self.owner.path)?;
        Ok(())
    }

    /// Commit, then wait for background merges to finish (rebuilds and
    /// benchmarks: leaves the index in fewer, larger segments).
    pub fn commit_and_merge(mut self) -> Result<()> {
        self.writer.commit().ctx(&self.owner.path)?;
        self.writer.wait_merging_threads().ctx(&self.owner.path)?;
        self.owner.reader.reload().ctx(&self.owner.path)?;
        Ok(())
    }
}

fn try_open(dir: &Path, schema: &Schema) -> std::result::Result<Index, String> {
    let version = fs::read_to_string(dir.join(VERSION_FILE))
        .map_err(|e| format!("cannot read {VERSION_FILE}: {e}"))?;
    if version.trim() != SCHEMA_VERSION.to_string() {
        return Err(format!(
            "schema version {} on disk, {SCHEMA_VERSION} expected",
            version.trim()
        ));
    }
    let index = Index::open_in_dir(dir).map_err(|e| e.to_string())?;
    if &index.schema() != schema {
        return Err("schema on disk differs from this version's".to_string());
    }
    // Opening a reader loads every segment: catches missing or truncated files.
    crate::analyzer::register(index.tokenizers());
    index.reader().map_err(|e| e.to_string())?;
    Ok(index)
}

fn recreate(dir: &Path, schema: Schema) -> Result<Index> {
    let io = |op, source| IndexError::Io {
        op,
        path: dir.to_path_buf(),
        source,
    };
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| io("failed to remove", e))?;
    }
    fs::create_dir_all(dir).map_err(|e| io("failed to create", e))?;
    let index = Index::create_in_dir(dir, schema).ctx(dir)?;
    fs::write(dir.join(VERSION_FILE), format!("{SCHEMA_VERSION}\n"))
        .map_err(|e| io("failed to write version file in", e))?;
    Ok(index)
}

fn dir_has_entries(dir: &Path) -> Result<bool> {
    let mut entries = fs::read_dir(dir).map_err(|source| IndexError::Io {
        op: "failed to list",
        path: dir.to_path_buf(),
        source,
    })?;
    Ok(entries.next().is_some())
}

/// Refuse to delete a directory that holds anything but index files: the
/// path may have been mistyped.
fn check_replaceable(dir: &Path) -> Result<()> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = entry.file_type().is_ok_and(|t| t.is_file())
            && (name == VERSION_FILE
                || name == "meta.json"
                || name == ".managed.json"
                || name.starts_with(".tantivy")
                || name.ends_with(".lock")
                || is_segment_file(&name));
        if !ours {
            return Err(IndexError::NotAnIndex {
                path: dir.to_path_buf(),
                reason: format!("unexpected entry {name:?}"),
            });
        }
    }
    Ok(())
}

fn is_segment_file(name: &str) -> bool {
    let Some((stem, _ext)) = name.split_once('.') else {
        return false;
    };
    stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit())
}
