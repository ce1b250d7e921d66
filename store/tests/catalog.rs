//! The catalog is a view: missing, behind, corrupt or foreign, it is
//! brought back to what the journal says.

use arhiva_store::archive::CatalogState;
use arhiva_store::{Archive, Event};

fn note(i: u64) -> Event {
    Event::Put {
        kind: "note".into(),
        key: format!("{i:06}"),
        value: serde_json::json!({ "n": i }),
    }
}

fn filled(dir: &std::path::Path, n: u64) -> Vec<(Vec<u8>, Vec<u8>)> {
    let a = Archive::open(dir).expect("open");
    for i in 0..n {
        a.commit(vec![note(i)]).expect("commit");
    }
    a.catalog().dump().expect("dump")
}

#[test]
fn a_missing_catalog_is_rebuilt() {
    let dir = tempfile::tempdir().expect("tempdir");
    let before = filled(dir.path(), 20);
    std::fs::remove_dir_all(dir.path().join("catalog")).expect("remove");
    let a = Archive::open(dir.path()).expect("reopen");
    assert!(matches!(a.catalog_state(), CatalogState::Rebuilt(_)));
    assert_eq!(a.catalog().dump().expect("dump"), before);
}

#[test]
fn a_corrupt_catalog_is_rebuilt() {
    let dir = tempfile::tempdir().expect("tempdir");
    let before = filled(dir.path(), 20);
    let cat = dir.path().join("catalog");
    for entry in walk(&cat) {
        std::fs::write(
            &entry,
            b"\xde\xad\xbe\xef garbage where sled kept its pages",
        )
        .expect("clobber");
    }
    let a = Archive::open(dir.path()).expect("reopen");
    assert!(
        matches!(a.catalog_state(), CatalogState::Rebuilt(_)),
        "state: {:?}",
        a.catalog_state()
    );
    assert_eq!(a.catalog().dump().expect("dump"), before);
}

#[test]
fn a_catalog_behind_the_journal_catches_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let _ = filled(dir.path(), 5);
    // Append to the journal alone, as if the process died before applying.
    {
        let j = arhiva_store::Journal::open(dir.path().join("journal")).expect("journal");
        j.append(&[note(100), note(101)]).expect("append");
    }
    let a = Archive::open(dir.path()).expect("reopen");
    assert_eq!(a.catalog_state(), &CatalogState::CaughtUp(2));
    assert!(a.catalog().record("note", "000101").expect("get").is_some());
}

#[test]
fn a_catalog_of_another_journal_is_rebuilt() {
    let dir = tempfile::tempdir().expect("tempdir");
    let other = tempfile::tempdir().expect("tempdir");
    let _ = filled(dir.path(), 3);
    let _ = filled(other.path(), 5);
    std::fs::remove_dir_all(dir.path().join("catalog")).expect("remove");
    copy_dir(&other.path().join("catalog"), &dir.path().join("catalog"));
    let a = Archive::open(dir.path()).expect("reopen");
    assert!(matches!(a.catalog_state(), CatalogState::Rebuilt(_)));
    assert_eq!(a.catalog().records("note").expect("records").len(), 3);
}

#[test]
fn records_read_newest_first_and_page_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let _ = filled(dir.path(), 7);
    let a = Archive::open(dir.path()).expect("reopen");
    a.commit(vec![Event::Put {
        kind: "notes".into(),
        key: "999999".into(),
        value: serde_json::json!({}),
    }])
    .expect("commit");
    let keys = |before: Option<&str>| -> Vec<String> {
        a.catalog()
            .records_rev("note", before)
            .take(3)
            .map(|r| r.expect("record").0)
            .collect()
    };
    let all: Vec<String> = a
        .catalog()
        .records("note")
        .expect("records")
        .into_iter()
        .map(|(k, _)| k)
        .rev()
        .collect();
    assert_eq!(all.len(), 7);
    let first = keys(None);
    assert_eq!(first, all[..3]);
    let second = keys(first.last().map(String::as_str));
    assert_eq!(second, all[3..6]);
    assert_eq!(keys(Some(&all[6])), Vec::<String>::new());
    // A kind whose name extends this one stays out of it, and the reverse.
    assert!(a.catalog().records_rev("no", None).next().is_none());
    assert_eq!(a.catalog().records_rev("notes", None).count(), 1);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("list") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("list") {
        let p = e.expect("entry").path();
        let dest = to.join(p.file_name().expect("name"));
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).expect("copy");
        }
    }
}
