//! A collector counting matching pages by year, department, document type
//! and retention term, straight from the fast fields (term ordinals per
//! segment, resolved to strings once at the end).

use std::collections::BTreeMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

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

/// Counts facets (and the total) over all matching documents.
pub(crate) struct FacetCollector;

pub(crate) struct SegmentFacets {
    total: usize,
    years: Option<Column<i64>>,
    year_counts: BTreeMap<i64, u64>,
    strs: Vec<Option<(StrColumn, Vec<u64>)>>,
}

impl Collector for FacetCollector {
    type Fruit = RawFacets;
    type Child = SegmentFacets;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentFacets> {
        let ff = segment.fast_fields();
        let years = ff.column_opt::<i64>("first_year")?;
        let mut strs = Vec::with_capacity(STR_FIELDS.len());
        for name in STR_FIELDS {
            strs.push(ff.str(name)?.map(|c| {
                let n = c.num_terms();
                (c, vec![0u64; n])
            }));
        }
        Ok(SegmentFacets {
            total: 0,
            years,
            year_counts: BTreeMap::new(),
            strs,
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
        if let Some(y) = self.years.as_ref().and_then(|c| c.first(doc)) {
            *self.year_counts.entry(y).or_default() += 1;
        }
        for (col, counts) in self.strs.iter_mut().flatten() {
            if let Some(ord) = col.ords().first(doc) {
                if let Some(c) = usize::try_from(ord).ok().and_then(|o| counts.get_mut(o)) {
                    *c += 1;
                }
            }
        }
    }

    fn harvest(self) -> RawFacets {
        let mut maps: Vec<BTreeMap<String, u64>> = Vec::with_capacity(STR_FIELDS.len());
        let mut buf = String::new();
        for entry in self.strs {
            let mut map = BTreeMap::new();
            if let Some((col, counts)) = entry {
                for (ord, n) in counts.into_iter().enumerate() {
                    if n > 0 && col.ord_to_str(ord as u64, &mut buf).unwrap_or(false) {
                        *map.entry(buf.clone()).or_default() += n;
                    }
                }
            }
            maps.push(map);
        }
        let mut maps = maps.into_iter();
        RawFacets {
            total: self.total,
            years: self.year_counts,
            department: maps.next().unwrap_or_default(),
            doc_type: maps.next().unwrap_or_default(),
            term: maps.next().unwrap_or_default(),
        }
    }
}
