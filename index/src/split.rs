//! Searching with every core, whatever the segment sizes.
//!
//! tantivy runs one task per segment. A merged index has one large segment
//! beside smaller ones (at a million pages: 715k documents next to six of
//! 30–90k), so one thread works through most of the index while the other
//! idles. [`search`] cuts large segments into document ranges of about
//! `documents / threads` and collects each range on its own: the weight is
//! built once, each range gets its own scorer (sought to the range's start)
//! and its own segment collector, and the fruits merge as usual.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::{DocId, DocSet, Searcher, SegmentReader};

/// Below this many documents a range is not worth its own scorer.
const MIN_RANGE: u32 = 50_000;

/// Searches running now, in this process.
static RUNNING: AtomicUsize = AtomicUsize::new(0);

/// `searcher.search(query, collector)`, in balanced document ranges over
/// every core — unless another search is running: under load the cores
/// are already busy with whole searches, and one thread per search wastes
/// nothing on hand-offs and extra scorers.
pub(crate) fn search<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    collector: &C,
) -> tantivy::Result<C::Fruit> {
    struct Running;
    impl Drop for Running {
        fn drop(&mut self) {
            RUNNING.fetch_sub(1, Ordering::Relaxed);
        }
    }
    let alone = RUNNING.fetch_add(1, Ordering::Relaxed) == 0;
    let _running = Running;
    let threads = if alone {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        1
    };
    search_in_ranges(searcher, query, collector, threads, MIN_RANGE)
}

fn search_in_ranges<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    collector: &C,
    threads: usize,
    min_range: u32,
) -> tantivy::Result<C::Fruit> {
    let scoring = if collector.requires_scoring() {
        EnableScoring::enabled_from_searcher(searcher)
    } else {
        EnableScoring::disabled_from_searcher(searcher)
    };
    let weight = query.weight(scoring)?;
    collector.check_schema(searcher.schema())?;
    let readers = searcher.segment_readers();
    let tasks = plan(
        readers.iter().map(SegmentReader::max_doc),
        threads,
        min_range,
    );
    // Each worker takes the next task, largest first: greedy, so no
    // thread is left with two halves of one segment while the other idles.
    let next = AtomicUsize::new(0);
    let work = |_worker| -> tantivy::Result<Vec<_>> {
        let mut fruits = Vec::new();
        while let Some((ord, range)) = tasks.get(next.fetch_add(1, Ordering::Relaxed)) {
            let reader = &readers[*ord as usize];
            let fruit = if range.start == 0 && range.end == reader.max_doc() {
                collector.collect_segment(weight.as_ref(), *ord, reader)?
            } else {
                collect_range(collector, weight.as_ref(), *ord, reader, range.clone())?
            };
            fruits.push(((*ord, range.start), fruit));
        }
        Ok(fruits)
    };
    let workers = threads.min(tasks.len()).max(1);
    let per_worker = if workers == 1 {
        vec![work(0)?] // in this thread
    } else {
        searcher.index().search_executor().map(work, 0..workers)?
    };
    // Merged in document order, as tantivy merges its segments: hits of
    // equal score then come out in the same order, whoever finished first
    // (so pages of a listing neither repeat nor skip a hit).
    let mut fruits: Vec<_> = per_worker.into_iter().flatten().collect();
    fruits.sort_by_key(|(at, _)| *at);
    collector.merge_fruits(fruits.into_iter().map(|(_, f)| f).collect())
}

/// The (segment ordinal, document range) tasks, largest first.
fn plan(
    max_docs: impl Iterator<Item = DocId>,
    threads: usize,
    min_range: u32,
) -> Vec<(u32, Range<DocId>)> {
    let max_docs: Vec<DocId> = max_docs.collect();
    let total: u64 = max_docs.iter().map(|&n| u64::from(n)).sum();
    let per_thread = total.div_ceil(threads.max(1) as u64);
    let chunk = u32::try_from(per_thread)
        .unwrap_or(u32::MAX)
        .max(min_range.max(1));
    let mut tasks = Vec::new();
    for (ord, &max_doc) in (0u32..).zip(&max_docs) {
        let parts = max_doc.div_ceil(chunk).max(1);
        let size = max_doc.div_ceil(parts);
        let mut start = 0;
        while start < max_doc || (start == 0 && max_doc == 0) {
            let end = start.saturating_add(size).min(max_doc);
            tasks.push((ord, start..end));
            if end == start {
                break;
            }
            start = end;
        }
    }
    tasks.sort_by_key(|(_, r)| std::cmp::Reverse(r.end - r.start));
    tasks
}

fn collect_range<C: Collector>(
    collector: &C,
    weight: &dyn Weight,
    ord: u32,
    reader: &SegmentReader,
    range: Range<DocId>,
) -> tantivy::Result<<C::Child as SegmentCollector>::Fruit> {
    let mut child = collector.for_segment(ord, reader)?;
    let mut scorer = weight.scorer(reader, 1.0)?;
    let alive = reader.alive_bitset();
    let mut doc = scorer.doc();
    if doc < range.start {
        doc = scorer.seek(range.start);
    }
    // TERMINATED (u32::MAX) ends the loop too.
    while doc < range.end {
        if alive.is_none_or(|a| a.is_alive(doc)) {
            child.collect(doc, scorer.score());
        }
        doc = scorer.advance();
    }
    Ok(child.harvest())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_segments_are_cut_evenly() {
        let tasks = plan([715_041, 90_293, 87_944, 28_592].into_iter(), 2, MIN_RANGE);
        let covered: u32 = tasks.iter().map(|(_, r)| r.end - r.start).sum();
        assert_eq!(covered, 715_041 + 90_293 + 87_944 + 28_592);
        let seg0: Vec<_> = tasks.iter().filter(|(o, _)| *o == 0).collect();
        assert_eq!(seg0.len(), 2);
        assert!(tasks.windows(2).all(|w| w[0].1.len() >= w[1].1.len()));
        // Small segments stay whole; one thread gets everything.
        assert_eq!(plan([1000, 10].into_iter(), 2, MIN_RANGE).len(), 2);
        assert_eq!(plan([715_041].into_iter(), 1, MIN_RANGE), [(0, 0..715_041)]);
        assert_eq!(plan([0].into_iter(), 2, MIN_RANGE), [(0, 0..0)]);
    }

    /// Ranges cut through segments, deleted documents and all: the same
    /// hits, scores and counts as tantivy's own search.
    #[test]
    fn ranges_find_what_a_plain_search_finds() -> tantivy::Result<()> {
        use tantivy::collector::{Count, TopDocs};
        use tantivy::query::{PhraseQuery, QueryParser};
        use tantivy::schema::{Schema, TEXT};
        use tantivy::{doc, Index, IndexWriter, Term};

        let mut sb = Schema::builder();
        let text = sb.add_text_field("text", TEXT);
        let mut index = Index::create_in_ram(sb.build());
        index.set_multithread_executor(2)?;
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000)?;
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        let words = ["stat", "de", "plata", "prin", "adresa", "nr", "primaria"];
        for segment in 0..3u64 {
            for i in 0..(1500 + 700 * segment) {
                let pick = |k: u64| words[((i * 3 + k * k * 5 + i / 7 + segment) % 7) as usize];
                let gone = if i % 10 == 3 { "sters" } else { "" };
                let body = format!("{} {} {} {} {gone}", pick(1), pick(2), pick(3), pick(i % 5));
                writer.add_document(doc!(text => body))?;
            }
            writer.commit()?;
        }
        writer.delete_term(Term::from_field_text(text, "sters"));
        writer.commit()?;
        let searcher = index.reader()?.searcher();
        assert_eq!(searcher.segment_readers().len(), 3);
        let max_docs = || searcher.segment_readers().iter().map(|r| r.max_doc());
        assert!(plan(max_docs(), 4, 100).len() > 3, "some segment is cut");
        let parser = QueryParser::for_index(&index, vec![text]);
        let queries: Vec<Box<dyn Query>> = vec![
            Box::new(tantivy::query::AllQuery),
            parser.parse_query("plata nr")?,
            parser.parse_query("stat OR adresa")?,
            Box::new(PhraseQuery::new(vec![
                Term::from_field_text(text, "de"),
                Term::from_field_text(text, "plata"),
            ])),
        ];
        for q in &queries {
            let collector = (TopDocs::with_limit(25).order_by_score(), Count);
            let want = searcher.search(q.as_ref(), &collector)?;
            let got = search_in_ranges(&searcher, q.as_ref(), &collector, 4, 100)?;
            assert!(want.1 > 0, "{q:?} finds something");
            assert_eq!(got.1, want.1, "{q:?}: count");
            assert_eq!(got.0, want.0, "{q:?}: top docs");
        }
        Ok(())
    }
}
