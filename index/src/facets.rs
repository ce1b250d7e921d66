//! Facet counts: matching pages by year, department, document type and
//! retention term.
//!
//! The four values are the dossier's, so the pages of a segment share few
//! distinct combinations of them. [`FacetTables`] keeps, per segment, the
//! combination of every document (a `u32` per document, built once from
//! the fast fields when the segment first appears, by tantivy's warming or
//! by the first search that meets it); counting a match is then one array
//! read and one increment, instead of four column look-ups. Strings are
//! resolved once per combination at the end.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use rustc_hash::FxHashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, Searcher, SearcherGeneration, SegmentOrdinal, SegmentReader, Warmer};

/// Facet counts before presentation.
#[derive(Debug, Default)]
pub(crate) struct RawFacets {
    pub total: usize,
    pub years: BTreeMap<i64, u64>,
    pub department: BTreeMap<String, u64>,
    pub doc_type: BTreeMap<String, u64>,
    pub term: BTreeMap<String, u64>,
}

const STR_FIELDS: [&str; 3] = ["department", "doc_type", "term"];

/// The slot of a document with none of the four values (a payroll row).
const NO_SLOT: u32 = u32::MAX;

/// Documents looked up at a time when a table is built.
const CHUNK: usize = 4096;

/// One combination: first year, then the term ordinals of [`STR_FIELDS`].
type Combo = (Option<i64>, [Option<u64>; 3]);

/// The combinations of one segment.
pub(crate) struct SegmentTable {
    /// Per document, its index in `combos` (or [`NO_SLOT`]).
    slots: Vec<u32>,
    combos: Vec<Combo>,
    /// To turn ordinals back into strings.
    columns: [Option<StrColumn>; 3],
}

impl SegmentTable {
    fn build(segment: &SegmentReader) -> tantivy::Result<SegmentTable> {
        let ff = segment.fast_fields();
        let years = ff.column_opt::<i64>("first_year")?;
        let columns = [
            ff.str(STR_FIELDS[0])?,
            ff.str(STR_FIELDS[1])?,
            ff.str(STR_FIELDS[2])?,
        ];
        let max_doc = segment.max_doc() as usize;
        let mut slots = Vec::with_capacity(max_doc);
        let mut combos: Vec<Combo> = Vec::new();
        let mut seen: FxHashMap<Combo, u32> = FxHashMap::default();
        let mut docs: Vec<DocId> = Vec::with_capacity(CHUNK);
        let mut year_vals = vec![None; CHUNK];
        let mut str_vals = [vec![None; CHUNK], vec![None; CHUNK], vec![None; CHUNK]];
        for start in (0..max_doc).step_by(CHUNK) {
            let end = (start + CHUNK).min(max_doc);
            docs.clear();
            docs.extend((start..end).filter_map(|d| DocId::try_from(d).ok()));
            let n = docs.len();
            year_vals[..n].fill(None);
            if let Some(c) = &years {
                c.first_vals(&docs, &mut year_vals[..n]);
            }
            for (col, vals) in columns.iter().zip(str_vals.iter_mut()) {
                vals[..n].fill(None);
                if let Some(c) = col {
                    c.ords().first_vals(&docs, &mut vals[..n]);
                }
            }
            for i in 0..n {
                let combo = (
                    year_vals[i],
                    [str_vals[0][i], str_vals[1][i], str_vals[2][i]],
                );
                if combo == (None, [None; 3]) {
                    slots.push(NO_SLOT);
                    continue;
                }
                let next = u32::try_from(combos.len()).unwrap_or(NO_SLOT);
                let slot = *seen.entry(combo).or_insert_with(|| {
                    combos.push(combo);
                    next
                });
                slots.push(slot);
            }
        }
        Ok(SegmentTable {
            slots,
            combos,
            columns,
        })
    }
}

/// The tables of the live segments, shared by all searches.
#[derive(Default)]
pub(crate) struct FacetTables {
    tables: Mutex<FxHashMap<SegmentId, Arc<SegmentTable>>>,
}

impl FacetTables {
    /// The table of `segment`, built now if it is not there yet.
    fn get(&self, segment: &SegmentReader) -> tantivy::Result<Arc<SegmentTable>> {
        let id = segment.segment_id();
        if let Some(t) = self.lock().get(&id) {
            return Ok(Arc::clone(t));
        }
        // Built outside the lock: two searches may build the same table
        // at once, which costs time, never correctness.
        let table = Arc::new(SegmentTable::build(segment)?);
        self.lock().insert(id, Arc::clone(&table));
        Ok(table)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FxHashMap<SegmentId, Arc<SegmentTable>>> {
        // The map holds no invariant a panicking holder could break.
        self.tables.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Warmer for FacetTables {
    fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        for segment in searcher.segment_readers() {
            self.get(segment)?;
        }
        Ok(())
    }

    fn garbage_collect(&self, live: &[&SearcherGeneration]) {
        self.lock()
            .retain(|id, _| live.iter().any(|g| g.segments().contains_key(id)));
    }
}

/// Counts facets (and the total) over all matching documents.
pub(crate) struct FacetCollector<'a> {
    pub tables: &'a FacetTables,
}

pub(crate) struct SegmentFacets {
    total: usize,
    table: Arc<SegmentTable>,
    counts: Vec<u64>,
}

impl Collector for FacetCollector<'_> {
    type Fruit = RawFacets;
    type Child = SegmentFacets;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentFacets> {
        let table = self.tables.get(segment)?;
        Ok(SegmentFacets {
            total: 0,
            counts: vec![0; table.combos.len()],
            table,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<RawFacets>) -> tantivy::Result<RawFacets> {
        let mut out = RawFacets::default();
        for f in fruits {
            out.total += f.total;
            for (k, v) in f.years {
                *out.years.entry(k).or_default() += v;
            }
            for (into, from) in [
                (&mut out.department, f.department),
                (&mut out.doc_type, f.doc_type),
                (&mut out.term, f.term),
            ] {
                for (k, v) in from {
                    *into.entry(k).or_default() += v;
                }
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for SegmentFacets {
    type Fruit = RawFacets;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.total += 1;
        let slot = self
            .table
            .slots
            .get(doc as usize)
            .copied()
            .unwrap_or(NO_SLOT);
        if let Some(c) = self.counts.get_mut(slot as usize) {
            *c += 1;
        }
    }

    fn harvest(self) -> RawFacets {
        let mut out = RawFacets {
            total: self.total,
            ..RawFacets::default()
        };
        let mut by_ord: [BTreeMap<u64, u64>; 3] = Default::default();
        for (combo, n) in self.table.combos.iter().zip(self.counts) {
            if n == 0 {
                continue;
            }
            if let Some(y) = combo.0 {
                *out.years.entry(y).or_default() += n;
            }
            for (ord, map) in combo.1.iter().zip(by_ord.iter_mut()) {
                if let Some(o) = ord {
                    *map.entry(*o).or_default() += n;
                }
            }
        }
        let mut buf = String::new();
        let targets = [&mut out.department, &mut out.doc_type, &mut out.term];
        for ((counts, col), into) in by_ord.into_iter().zip(&self.table.columns).zip(targets) {
            let Some(col) = col else { continue };
            for (ord, n) in counts {
                if col.ord_to_str(ord, &mut buf).unwrap_or(false) {
                    *into.entry(buf.clone()).or_default() += n;
                }
            }
        }
        out
    }
}
