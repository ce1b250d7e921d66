//! Test helpers: a temporary index, sample pages, and [`PageDoc`]s built
//! from a fixture delivery's ground truth the way an ingest would build
//! them (sidecar text when there is one; payroll rows read off the page).

use std::sync::OnceLock;

use arhiva_fixtures::{DossierTruth, GroundTruth, Options, PageTruth};
use arhiva_index::{PageDoc, SearchIndex};
use arhiva_store::{Payroll, PayrollRow};

/// An index in a temporary directory, removed on drop.
pub struct TestIndex {
    pub index: SearchIndex,
    pub _dir: tempfile::TempDir,
}

impl TestIndex {
    pub fn with(docs: &[PageDoc]) -> TestIndex {
        let dir = tempfile::tempdir().expect("tempdir");
        let (index, _) = SearchIndex::open(&dir.path().join("index")).expect("open");
        let mut batch = index.writer().expect("writer");
        for d in docs {
            batch.add(d).expect("add");
        }
        batch.commit().expect("commit");
        TestIndex { index, _dir: dir }
    }
}

/// A page of a dossier with sensible description fields.
pub fn page(cota: &str, page: u32, years: (i32, i32), text: &str) -> PageDoc {
    PageDoc {
        cota: cota.into(),
        page,
        text: text.into(),
        fond: "Primăria Municipiului Arad".into(),
        department: "Secretariat".into(),
        doc_type: "council".into(),
        indicativ: "I/1".into(),
        title: format!("Dosar {cota}"),
        location: "Sala 1 / Raft 2 / Cutia 3".into(),
        first_year: years.0,
        last_year: years.1,
        term: "P".into(),
        text_source: "sidecar-txt".into(),
        payroll: None,
    }
}

/// A generated delivery (text only) and its ground truth, made once per
/// test run.
pub struct Delivery {
    pub truth: GroundTruth,
    pub docs: Vec<PageDoc>,
    pub _dir: tempfile::TempDir,
}

pub fn delivery() -> &'static Delivery {
    static D: OnceLock<Delivery> = OnceLock::new();
    D.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let opts = Options {
            dossiers: 400,
            seed: 7,
            text_only: true,
            pages_per_dossier: Some((2, 8)),
            ..Default::default()
        };
        arhiva_fixtures::generate(dir.path(), &opts).expect("generate fixtures");
        let truth = arhiva_fixtures::load_ground_truth(dir.path()).expect("ground truth");
        let docs = truth
            .dossiers
            .iter()
            .flat_map(|d| d.pages.iter().map(move |p| truth_doc(d, p)))
            .collect();
        Delivery {
            truth,
            docs,
            _dir: dir,
        }
    })
}

/// The text an ingest would index for a page.
pub fn indexed_text(p: &PageTruth) -> &str {
    p.sidecar_text.as_deref().unwrap_or(&p.text)
}

fn truth_doc(d: &DossierTruth, p: &PageTruth) -> PageDoc {
    let text = indexed_text(p).to_string();
    let doc_type = serde_json::to_value(d.doc_type)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let payroll = p.payroll.map(|m| Payroll {
        year: m.year,
        month: m.month as u8,
        rows: payroll_rows(&text),
    });
    PageDoc {
        cota: d.cota.clone(),
        page: p.page,
        text,
        fond: "Primăria Municipiului Arad".into(),
        department: d.department.clone(),
        doc_type,
        indicativ: d.indicativ.clone(),
        title: d.title.clone(),
        location: d.location.clone(),
        first_year: d.years[0],
        last_year: d.years[1],
        term: d.term.clone(),
        text_source: "sidecar-txt".into(),
        payroll,
    }
}

/// Read the person rows off a payroll page: `12. Surname Given [CNP]
/// function salary`. Names are the capitalised words after the number, up
/// to the CNP or the (lowercase) function.
pub fn payroll_rows(text: &str) -> Vec<PayrollRow> {
    let mut rows = Vec::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let Some(nr) = words.next() else { continue };
        let is_nr = nr.ends_with('.')
            && nr.len() > 1
            && nr[..nr.len() - 1].bytes().all(|b| b.is_ascii_digit());
        if !is_nr {
            continue;
        }
        let rest: Vec<&str> = words.collect();
        let mut name = Vec::new();
        let mut cnp = None;
        let mut i = 0;
        while i < rest.len() {
            let w = rest[i];
            if w.len() == 13 && w.bytes().all(|b| b.is_ascii_digit()) {
                cnp = Some(w.to_string());
                i += 1;
                break;
            }
            if !w.chars().next().is_some_and(char::is_uppercase) {
                break;
            }
            name.push(w);
            i += 1;
        }
        if name.is_empty() {
            continue;
        }
        let tail = &rest[i..];
        let (function, salary) = match tail.split_last() {
            Some((s, f)) => (Some(f.join(" ")), Some(s.to_string())),
            None => (None, None),
        };
        rows.push(PayrollRow {
            name: name.join(" "),
            cnp,
            function,
            salary,
        });
    }
    rows
}
