//! Recall and precision against a generated delivery's ground truth. The
//! index is built from the OCR sidecars (with their injected errors), as an
//! ingest would build it; figures are printed (`--nocapture` to see them).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::OnceLock;

use arhiva_fixtures::to_cedilla;
use arhiva_index::{fold, normalize, PersonQuery, SearchRequest, MAX_LIMIT};

use crate::harness::{delivery, TestIndex};

type PageId = (String, u32);

fn index() -> &'static TestIndex {
    static I: OnceLock<TestIndex> = OnceLock::new();
    I.get_or_init(|| TestIndex::with(&delivery().docs))
}

/// Every page a query finds (paging through the results).
fn all_pages(q: &str) -> HashSet<PageId> {
    let mut found = HashSet::new();
    let mut req = SearchRequest::new(q);
    req.limit = MAX_LIMIT;
    req.snippets = false;
    loop {
        let r = index().index.search(&req).expect("search");
        let n = r.hits.len();
        found.extend(r.hits.into_iter().map(|h| (h.cota, h.page)));
        req.offset += n;
        if n == 0 || req.offset >= r.total {
            return found;
        }
    }
}

/// Words (normalized, as written on the pages) and the pages holding them.
fn words_with(pred: impl Fn(&str) -> bool) -> BTreeMap<String, BTreeSet<PageId>> {
    let mut map: BTreeMap<String, BTreeSet<PageId>> = BTreeMap::new();
    for d in &delivery().docs {
        for w in d.text.split(|c: char| !c.is_alphanumeric()) {
            if !w.is_empty() && pred(w) {
                map.entry(normalize(w))
                    .or_default()
                    .insert((d.cota.clone(), d.page));
            }
        }
    }
    map
}

fn sample<T: Clone>(items: &[T], n: usize) -> Vec<T> {
    let step = (items.len() / n.max(1)).max(1);
    items.iter().step_by(step).take(n).cloned().collect()
}

/// Recall of `query_of(word)` over the pages that hold `word`.
fn recall(
    words: &BTreeMap<String, BTreeSet<PageId>>,
    query_of: impl Fn(&str) -> String,
) -> (usize, usize, Vec<String>) {
    let (mut want, mut got, mut missed) = (0, 0, Vec::new());
    let list: Vec<(&String, &BTreeSet<PageId>)> =
        words.iter().filter(|(_, p)| p.len() <= 2000).collect();
    for (w, pages) in sample(&list, 250) {
        let found = all_pages(&query_of(w));
        want += pages.len();
        let hit = pages.iter().filter(|p| found.contains(*p)).count();
        got += hit;
        if hit < pages.len() {
            missed.push(w.clone());
        }
    }
    (got, want, missed)
}

#[test]
fn queries_without_diacritics_find_every_page_with_the_word() {
    let words = words_with(|w| w.chars().any(|c| "ăâîșțşţĂÂÎȘȚŞŢ".contains(c)));
    assert!(words.len() > 50, "fixture has too few diacritic words");
    let (got, want, missed) = recall(&words, fold);
    println!(
        "diacritic recall: {got}/{want} pages = {:.4} over {} words ({} distinct in the delivery)",
        got as f64 / want as f64,
        words.len().min(250),
        words.len()
    );
    assert_eq!(got, want, "missed words: {missed:?}");
}

#[test]
fn cedilla_and_comma_forms_find_each_other() {
    // Comma text, cedilla query.
    let comma = words_with(|w| w.contains(['ș', 'ț', 'Ș', 'Ț']));
    let (got, want, missed) = recall(&comma, to_cedilla);
    println!(
        "comma text by cedilla query: {got}/{want} = {:.4}",
        got as f64 / want as f64
    );
    assert_eq!(got, want, "missed: {missed:?}");
    // Cedilla text, comma query.
    let cedilla = words_with(|w| w.contains(['ş', 'ţ', 'Ş', 'Ţ']));
    if cedilla.is_empty() {
        println!("no cedilla text in this delivery");
        return;
    }
    let (got, want, missed) = recall(&cedilla, |w| w.to_string());
    println!(
        "cedilla text by comma query: {got}/{want} = {:.4}",
        got as f64 / want as f64
    );
    assert_eq!(got, want, "missed: {missed:?}");
}

#[derive(Default)]
struct Tally {
    found: usize,
    correct: usize,
    truth: usize,
}

impl Tally {
    fn add(&mut self, found: &BTreeSet<String>, truth: &BTreeSet<String>) {
        self.found += found.len();
        self.truth += truth.len();
        self.correct += found.intersection(truth).count();
    }
    fn precision(&self) -> f64 {
        if self.found == 0 {
            1.0
        } else {
            self.correct as f64 / self.found as f64
        }
    }
    fn recall(&self) -> f64 {
        self.correct as f64 / self.truth.max(1) as f64
    }
}

fn person_run(name_of: impl Fn(&str) -> String, with_cnp: bool) -> (Tally, Tally) {
    let (mut months, mut pages) = (Tally::default(), Tally::default());
    for p in &delivery().truth.persons {
        let q = PersonQuery {
            name: name_of(&p.name),
            cnp: with_cnp.then(|| p.cnp.clone()),
        };
        let r = index().index.person(&q).expect("person search");
        let found_months: BTreeSet<String> = r.months.iter().map(|m| m.month.clone()).collect();
        let found_pages: BTreeSet<String> = r
            .months
            .iter()
            .flat_map(|m| m.pages.iter().map(|e| format!("{}#{}", e.cota, e.page)))
            .collect();
        let truth_months: BTreeSet<String> = p.months.iter().cloned().collect();
        let truth_pages: BTreeSet<String> = p
            .pages
            .iter()
            .map(|e| format!("{}#{}", e.cota, e.page))
            .collect();
        months.add(&found_months, &truth_months);
        pages.add(&found_pages, &truth_pages);
    }
    (months, pages)
}

fn report(label: &str, (m, p): &(Tally, Tally)) {
    println!(
        "person search, {label}: months precision {:.4} recall {:.4} ({}/{} found correct, {} true); pages precision {:.4} recall {:.4}",
        m.precision(),
        m.recall(),
        m.correct,
        m.found,
        m.truth,
        p.precision(),
        p.recall()
    );
}

fn reversed_folded(name: &str) -> String {
    let mut parts: Vec<&str> = name.split(' ').collect();
    parts.rotate_left(1);
    fold(&parts.join(" "))
}

#[test]
fn person_search_meets_precision_and_recall() {
    let persons = &delivery().truth.persons;
    let noisy = persons
        .iter()
        .filter(|p| !p.name_variants.is_empty())
        .count();
    println!(
        "persons: {} ({} with cedilla, OCR-error or reversed names on some pages)",
        persons.len(),
        noisy
    );

    let with_cnp = person_run(|n| n.to_string(), true);
    report("name + CNP", &with_cnp);
    let bare = person_run(reversed_folded, true);
    report("given name first, no diacritics, + CNP", &bare);
    let name_only = person_run(reversed_folded, false);
    report("given name first, no diacritics, no CNP", &name_only);

    for (m, p) in [&with_cnp, &bare] {
        assert!(
            m.precision() >= 0.98 && m.recall() >= 0.95,
            "months below target"
        );
        assert!(
            p.precision() >= 0.98 && p.recall() >= 0.95,
            "pages below target"
        );
    }
    assert!(name_only.0.recall() >= 0.95);
}
