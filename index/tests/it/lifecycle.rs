//! Replacing, deleting, reopening and recreating the index.

use arhiva_index::{IndexError, Opened, SearchIndex, SearchRequest};

use crate::harness::{page, TestIndex};

#[test]
fn adding_a_page_again_replaces_it() {
    let t = TestIndex::with(&[page("A", 1, (1990, 1990), "primul text")]);
    let mut b = t.index.writer().expect("writer");
    b.add(&page("A", 1, (1990, 1990), "al doilea text"))
        .expect("add");
    b.commit().expect("commit");
    assert_eq!(
        t.index
            .search(&SearchRequest::new("primul"))
            .expect("search")
            .total,
        0
    );
    assert_eq!(
        t.index
            .search(&SearchRequest::new("doilea"))
            .expect("search")
            .total,
        1
    );
    assert_eq!(t.index.num_pages().expect("count"), 1);
}

#[test]
fn deleting_a_dossier_removes_its_pages() {
    let t = TestIndex::with(&[
        page("A", 1, (1990, 1990), "text comun"),
        page("A", 2, (1990, 1990), "text comun"),
        page("B", 1, (1990, 1990), "text comun"),
    ]);
    let mut b = t.index.writer().expect("writer");
    b.delete_dossier("A");
    b.commit().expect("commit");
    let r = t
        .index
        .search(&SearchRequest::new("comun"))
        .expect("search");
    assert_eq!(r.total, 1);
    assert_eq!(r.hits[0].cota, "B");
}

#[test]
fn reopening_finds_the_existing_index() {
    let t = TestIndex::with(&[page("A", 1, (1990, 1990), "text")]);
    let path = t.index.path().to_path_buf();
    drop(t.index);
    let (index, opened) = SearchIndex::open(&path).expect("reopen");
    assert_eq!(opened, Opened::Existing);
    assert_eq!(index.num_pages().expect("count"), 1);
}

#[test]
fn a_broken_index_is_recreated_empty() {
    let t = TestIndex::with(&[page("A", 1, (1990, 1990), "text")]);
    let path = t.index.path().to_path_buf();
    drop(t.index);
    std::fs::write(path.join("meta.json"), b"{ not json").expect("corrupt");
    let (index, opened) = SearchIndex::open(&path).expect("reopen");
    assert!(matches!(opened, Opened::Recreated { .. }), "{opened:?}");
    assert_eq!(index.num_pages().expect("count"), 0);
}

#[test]
fn a_directory_with_foreign_files_is_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("raport.docx"), b"important").expect("write");
    match SearchIndex::open(dir.path()) {
        Err(IndexError::NotAnIndex { .. }) => {}
        other => panic!("expected NotAnIndex, got {other:?}"),
    }
    assert!(dir.path().join("raport.docx").exists());
}

#[test]
fn a_second_writer_is_refused() {
    let t = TestIndex::with(&[]);
    let _first = t.index.writer().expect("writer");
    assert!(matches!(t.index.writer(), Err(IndexError::Busy { .. })));
}

#[test]
fn payroll_rows_never_show_up_as_pages() {
    let mut p = page(
        "S-1/1990",
        1,
        (1990, 1990),
        "Stat de plată Popescu Ion referent",
    );
    p.payroll = Some(arhiva_store::Payroll {
        year: 1990,
        month: 5,
        rows: vec![arhiva_store::PayrollRow {
            name: "Popescu Ion".into(),
            cnp: None,
            function: Some("referent".into()),
            salary: None,
        }],
    });
    let t = TestIndex::with(&[p]);
    for q in ["popescu", "", "cota:S-1/1990", "pagina:1", "-nimic"] {
        let r = t.index.search(&SearchRequest::new(q)).expect("search");
        assert_eq!(r.total, 1, "{q:?}");
    }
}
