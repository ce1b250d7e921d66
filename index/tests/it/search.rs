//! The query language on small hand-written pages.

use arhiva_index::{Filters, IndexError, SearchRequest, SearchResults, Sort};

use crate::harness::{page, TestIndex};

fn sample() -> TestIndex {
    let mut p1 = page(
        "I-1/1998",
        1,
        (1998, 1998),
        "Hotărârea Consiliului Local nr. 12 privind aprobarea bugetului pe anul 1998",
    );
    p1.title = "Hotărâri ale Consiliului Local".into();
    let p2 = page(
        "I-1/1998",
        2,
        (1998, 1998),
        "Se aprobă vânzarea terenului din strada Mureşului către Şcoala Generală nr. 5",
    );
    let mut p3 = page(
        "II-4/2003",
        1,
        (2001, 2003),
        "Cerere privind eliberarea unui certificat de urbanism pentru construcţia unei locuinţe",
    );
    p3.department = "Urbanism".into();
    p3.doc_type = "urbanism".into();
    p3.term = "10".into();
    let mut p4 = page(
        "II-4/2003",
        2,
        (2001, 2003),
        "Răspuns la petiția domnului Popescu: hotărârile consiliului se publică",
    );
    p4.department = "Urbanism".into();
    p4.doc_type = "urbanism".into();
    p4.term = "10".into();
    let p5 = page(
        "III-2/1975",
        1,
        (1975, 1976),
        "Bugetul Consiliului Popular pe anul 1975 <anexa> & tabel",
    );
    TestIndex::with(&[p1, p2, p3, p4, p5])
}

fn hits(t: &TestIndex, q: &str) -> Vec<(String, u32)> {
    run(t, SearchRequest::new(q))
        .hits
        .into_iter()
        .map(|h| (h.cota, h.page))
        .collect()
}

fn run(t: &TestIndex, req: SearchRequest) -> SearchResults {
    t.index.search(&req).expect("search")
}

fn has(found: &[(String, u32)], cota: &str, page: u32) -> bool {
    found.iter().any(|(c, p)| c == cota && *p == page)
}

#[test]
fn words_fold_diacritics_and_cedillas_both_ways() {
    let t = sample();
    // No diacritics finds the diacritic word.
    assert!(has(&hits(&t, "hotararea"), "I-1/1998", 1));
    // Cedilla text (Mureşului, Şcoala) found by comma and bare queries.
    assert!(has(&hits(&t, "Mureșului"), "I-1/1998", 2));
    assert!(has(&hits(&t, "scoala"), "I-1/1998", 2));
    // Comma text found by a cedilla query.
    assert!(has(&hits(&t, "petiţia"), "II-4/2003", 2));
    // Stems: another inflection of the same word.
    assert!(has(&hits(&t, "bugete"), "I-1/1998", 1));
    assert!(has(&hits(&t, "bugete"), "III-2/1975", 1));
}

#[test]
fn exact_forms_rank_above_stems_and_fuzzy() {
    let t = sample();
    let found = hits(&t, "bugetul");
    assert_eq!(found.first(), Some(&("III-2/1975".to_string(), 1)));
    assert!(has(&found, "I-1/1998", 1), "stem match expected: {found:?}");
}

#[test]
fn ocr_errors_are_tolerated_by_length() {
    let t = sample();
    // One error in a 7-letter word, two in a 10-letter one.
    assert!(has(&hits(&t, "bugetnl"), "III-2/1975", 1));
    assert!(has(&hits(&t, "certficot"), "II-4/2003", 1));
    assert!(hits(&t, "certficot~1").is_empty());
    // Short words must match exactly: "nr" does not become "ne".
    assert!(hits(&t, "xyz").is_empty());
}

#[test]
fn phrases_boolean_prefix_and_fields() {
    let t = sample();
    assert_eq!(hits(&t, "\"certificat de urbanism\"").len(), 1);
    assert!(hits(&t, "\"urbanism de certificat\"").is_empty());
    let both = hits(&t, "bugetul AND 1975");
    assert_eq!(both, vec![("III-2/1975".to_string(), 1)]);
    let either = hits(&t, "vanzarea OR certificat");
    assert_eq!(either.len(), 2);
    let not = hits(&t, "consiliului -popular");
    assert!(!has(&not, "III-2/1975", 1) && has(&not, "I-1/1998", 1));
    assert!(has(&hits(&t, "elibera*"), "II-4/2003", 1));
    assert_eq!(hits(&t, "cota:II-4/2003").len(), 2);
    assert_eq!(hits(&t, "an:1975").len(), 1);
    assert_eq!(hits(&t, "an:[1999 TO 2002]").len(), 2);
    assert_eq!(hits(&t, "compartiment:urbanism").len(), 2);
    assert_eq!(hits(&t, "termen:p").len(), 3);
    // A colon that is not a field: both sides searched as words.
    assert!(has(&hits(&t, "popescu:hotararile"), "II-4/2003", 2));
}

/// Stop words have no positions: phrases step over them, one word per
/// stop word, and alone they are still found (and highlighted).
#[test]
fn stop_words_in_phrases_and_alone() {
    let t = sample();
    // "pe" stands for any one word: the phrase keeps its length and order.
    assert_eq!(
        hits(&t, "\"bugetului pe anul\""),
        vec![("I-1/1998".to_string(), 1)]
    );
    assert_eq!(
        hits(&t, "\"bugetului de anul\""),
        vec![("I-1/1998".to_string(), 1)]
    );
    assert!(hits(&t, "\"bugetului anul\"").is_empty());
    assert!(hits(&t, "\"anul pe bugetului\"").is_empty());
    // Alone, with or without diacritics: every page that has it.
    let mut found = hits(&t, "catre");
    found.sort();
    assert_eq!(found, vec![("I-1/1998".to_string(), 2)]);
    assert_eq!(hits(&t, "către"), found);
    let pe = run(&t, SearchRequest::new("pe"));
    assert_eq!(pe.total, 2);
    assert!(pe.hits.iter().all(|h| h.snippet.contains("<b>pe</b>")));
    // Only stop words: every one on the page, in any order.
    assert_eq!(hits(&t, "\"din către\"").len(), 1);
    // Words and a stop word, unquoted: all required.
    assert_eq!(
        hits(&t, "bugetul pe 1975"),
        vec![("III-2/1975".to_string(), 1)]
    );
}

#[test]
fn malformed_queries_get_a_message_not_a_panic() {
    let t = sample();
    for q in [
        "\"certificat de",
        "(bugetul",
        "an:[1990 TO",
        "an:abc",
        "titlu:[a TO b]",
        "/re.*/",
        "titlu:de",
    ] {
        match t.index.search(&SearchRequest::new(q)) {
            Err(IndexError::BadQuery { message, ro }) => {
                assert!(!message.is_empty() && !ro.is_empty(), "{q}")
            }
            other => panic!("{q:?}: expected BadQuery, got {other:?}"),
        }
    }
    // A stop word alone in titles says why it finds nothing; in a phrase it works.
    match t.index.search(&SearchRequest::new("titlu:de")) {
        Err(IndexError::BadQuery { message, ro }) => {
            assert!(
                message.contains("\"de\"") && ro.contains("\"de\""),
                "{message}"
            )
        }
        other => panic!("expected BadQuery, got {other:?}"),
    }
    assert!(t
        .index
        .search(&SearchRequest::new("titlu:\"stat de plata\""))
        .is_ok());
    // Odd but harmless input just searches.
    for q in [
        "", "   ", "-", "***", "AND", "OR OR", "::", "\u{0}", "NOT", "\"\"", "^2", "~", "a~9",
    ] {
        let _ = t.index.search(&SearchRequest::new(q));
    }
}

#[test]
fn filters_facets_sort_and_paging() {
    let t = sample();
    let all = run(&t, SearchRequest::new(""));
    assert_eq!(all.total, 5);
    assert!(all.facets.department.contains(&("Urbanism".to_string(), 2)));
    assert!(all.facets.term.contains(&("P".to_string(), 3)));
    assert!(all.facets.years.contains(&("1998".to_string(), 2)));

    let mut req = SearchRequest::new("consiliului");
    req.filters = Filters {
        year_from: Some(1990),
        ..Default::default()
    };
    let r = run(&t, req.clone());
    assert!(r.hits.iter().all(|h| h.last_year >= 1990));
    req.filters = Filters {
        department: Some("URBANISM".into()),
        doc_type: Some("urbanism".into()),
        term: Some("10".into()),
        ..Default::default()
    };
    assert_eq!(run(&t, req).total, 1);

    let mut req = SearchRequest::new("");
    req.sort = Sort::YearAsc;
    let years: Vec<i32> = run(&t, req.clone())
        .hits
        .iter()
        .map(|h| h.first_year)
        .collect();
    assert_eq!(years, [1975, 1998, 1998, 2001, 2001]);
    req.sort = Sort::YearDesc;
    assert_eq!(run(&t, req.clone()).hits[0].first_year, 2001);
    req.limit = 2;
    req.offset = 4;
    let last = run(&t, req);
    assert_eq!((last.total, last.hits.len()), (5, 1));
}

#[test]
fn snippets_are_escaped_and_highlight_folded_matches() {
    let t = sample();
    let r = run(&t, SearchRequest::new("anexa bugetul"));
    let h = &r.hits[0];
    assert!(h.snippet.contains("<b>Bugetul</b>"), "{}", h.snippet);
    assert!(
        h.snippet.contains("&lt;<b>anexa</b>&gt; &amp;"),
        "{}",
        h.snippet
    );
    assert_eq!(h.matched_terms, ["anexa", "bugetul"]);
    let r = run(&t, SearchRequest::new("scoala"));
    assert!(r.hits[0].snippet.contains("<b>Şcoala</b>"));
    assert_eq!(r.hits[0].matched_terms, ["școala"]);
}
