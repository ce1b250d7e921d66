//! A typo in `--data` once made `arhiva person 'Moga Octavian' --data
//! /srv/arhvia` create an empty archive, print "no payroll months found"
//! and exit 0: a confident false negative at the counter. Every command
//! that reads an archive now refuses a folder that holds none, exits 1 with
//! a message naming the folder and what to do, and creates nothing.

mod common;

use std::path::Path;

use common::arhiva;

/// Every command that needs an existing archive, with valid arguments.
const READ_COMMANDS: &[&[&str]] = &[
    &["search", "plata"],
    &["person", "Moga Octavian"],
    &[
        "person",
        "Moga Octavian",
        "--cnp",
        "1720818044921",
        "--json",
    ],
    &["request", "list"],
    &["request", "show", "1/2026"],
    &["request", "add", "--name", "Moga Octavian"],
    &["request", "extend", "1/2026", "--notice", "telefonic"],
    &["certificate", "issue", "1/2026"],
    &["verify"],
    &["rebuild"],
    &["serve", "--bind", "127.0.0.1:0"],
    &["user", "list"],
    &["user", "disable", "maria"],
    &["user", "passwd", "maria", "--password-stdin"],
    &["retention", "due"],
    &["retention", "check"],
    &["retention", "hold", "list"],
    &[
        "export",
        "--bagit",
        "/nonexistent/bag",
        "--cota",
        "PMA-00001",
    ],
];

/// Run `args` on `data`, which holds no archive: exit 1 and a message that
/// names the folder, says what is wrong and how to go on.
fn refused(data: &Path, args: &[&str]) -> String {
    let (code, out, err) = arhiva(data, args, "o parolă lungă\n");
    assert_eq!(
        code, 1,
        "{args:?}: exit {code}\nstdout: {out}\nstderr: {err}"
    );
    let folder = format!("no archive in {}", data.display());
    assert!(err.contains(&folder), "{args:?}: {err}");
    assert!(err.contains("arhiva ingest"), "{args:?}: {err}");
    assert!(err.contains("--data / ARHIVA_DATA"), "{args:?}: {err}");
    assert!(out.is_empty(), "{args:?} printed: {out}");
    err
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn search_on_a_mistyped_folder_is_refused_and_creates_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("arhvia");
    let err = refused(&data, &["search", "plata"]);
    assert!(err.contains("does not exist"), "{err}");
    assert!(!data.exists(), "search created {}", data.display());
}

#[test]
fn person_on_a_mistyped_folder_is_refused_and_creates_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("arhvia");
    refused(&data, &["person", "Moga Octavian"]);
    assert!(!data.exists(), "person created {}", data.display());
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn request_on_a_mistyped_folder_is_refused_and_creates_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("arhvia");
    refused(&data, &["request", "list"]);
    refused(&data, &["request", "add", "--name", "Moga Octavian"]);
    assert!(!data.exists(), "request created {}", data.display());
}

#[test]
fn every_read_command_refuses_a_missing_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("arhvia");
    for args in READ_COMMANDS {
        refused(&data, args);
        assert!(!data.exists(), "{args:?} created {}", data.display());
    }
    assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
}

#[test]
fn every_read_command_leaves_an_empty_folder_empty() {
    let dir = tempfile::tempdir().expect("tempdir");
    for args in READ_COMMANDS {
        let err = refused(dir.path(), args);
        assert!(err.contains("is empty"), "{args:?}: {err}");
        assert!(
            entries(dir.path()).is_empty(),
            "{args:?} wrote {:?}",
            entries(dir.path())
        );
    }
}

#[test]
fn a_folder_with_other_files_is_not_taken_for_an_archive() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("note.txt"), "not an archive").expect("write");
    let err = refused(dir.path(), &["person", "Moga Octavian"]);
    assert!(err.contains("no objects/ and journal/"), "{err}");
    assert_eq!(entries(dir.path()), vec!["note.txt".to_string()]);
}

#[test]
fn user_add_still_starts_an_archive_and_then_reads_work() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("nou");
    common::add_maria(&data);
    assert!(data.join("journal").is_dir() && data.join("objects").is_dir());
    let (code, out, err) = arhiva(&data, &["person", "Moga Octavian"], "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("no payroll months found"), "{out}");
    let (code, out, err) = arhiva(&data, &["user", "list"], "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("maria"), "{out}");
}
