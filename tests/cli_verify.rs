//! `arhiva verify` and `arhiva rebuild` as a user runs them: on a healthy
//! archive, after a bit flips inside an object, after an object disappears,
//! and on a backup copy whose last journal record was cut short.

use std::path::Path;
use std::process::{Command, Output};

use arhiva_store::{Archive, Document, Event, Format, ObjectId};

fn arhiva(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_arhiva"))
        .args(args)
        .arg("--data")
        .arg(data)
        .env("RUST_LOG", "off")
        .output()
        .expect("run arhiva")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// An archive with a few stored documents, each journaled.
fn archive_with_documents(dir: &Path) -> Vec<ObjectId> {
    let archive = Archive::open(dir).expect("open");
    let mut ids = Vec::new();
    for i in 0..6 {
        let text = format!(
            "STAT DE PLATĂ pe luna martie 199{i}\nPopescu Ion 1600101020011 referent 2.450 lei\n"
        )
        .repeat(40);
        let put = archive.objects().put_bytes(text.as_bytes()).expect("put");
        archive
            .commit(vec![Event::DocumentStored {
                document: Document {
                    object: put.id,
                    cota: format!("RU-{i}"),
                    file: "0001.txt".into(),
                    format: Format::Text,
                    size: put.size,
                },
            }])
            .expect("commit");
        ids.push(put.id);
    }
    ids
}

#[test]
fn verify_passes_on_a_healthy_archive() {
    let dir = tempfile::tempdir().expect("tempdir");
    archive_with_documents(dir.path());
    let out = arhiva(dir.path(), &["verify"]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("6 of 6 re-hashed"), "{text}");
    assert!(text.contains("6 records"), "{text}");
    assert!(text.contains("0 missing"), "{text}");
}

#[test]
fn verify_reports_a_flipped_bit_and_exits_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ids = archive_with_documents(dir.path());
    let victim = ids[3];
    let hex = victim.to_hex();
    let path = dir
        .path()
        .join("objects")
        .join(&hex[0..2])
        .join(&hex[2..4])
        .join(&hex);
    let mut raw = std::fs::read(&path).expect("read object");
    let at = raw.len() / 2;
    raw[at] ^= 0x04;
    std::fs::write(&path, raw).expect("write object");
    let out = arhiva(dir.path(), &["verify"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains(&format!("CORRUPT  {hex}")), "{text}");
    assert!(text.contains("1 corrupt"), "{text}");
}

#[test]
fn verify_reports_a_missing_object() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ids = archive_with_documents(dir.path());
    let hex = ids[0].to_hex();
    std::fs::remove_file(
        dir.path()
            .join("objects")
            .join(&hex[0..2])
            .join(&hex[2..4])
            .join(&hex),
    )
    .expect("rm");
    let out = arhiva(dir.path(), &["verify", "--sample", "50"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains(&format!("MISSING  {hex}")), "{text}");
}

#[test]
fn verify_on_a_backup_with_a_half_copied_journal_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    archive_with_documents(dir.path());
    let journal = dir.path().join("journal");
    let seg = std::fs::read_dir(&journal)
        .expect("list")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|x| x == "log"))
        .expect("segment");
    let len = std::fs::metadata(&seg).expect("stat").len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&seg)
        .expect("open")
        .set_len(len - 30)
        .expect("cut");
    let out = arhiva(dir.path(), &["verify"]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("torn tail cut off"), "{text}");
    assert!(text.contains("5 records"), "{text}");
}

#[test]
fn verify_and_rebuild_explain_a_missing_archive() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = arhiva(&dir.path().join("nowhere"), &["verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no archive in"));
}

#[test]
fn rebuild_recreates_the_catalog() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ids = archive_with_documents(dir.path());
    std::fs::remove_dir_all(dir.path().join("catalog")).expect("rm catalog");
    let out = arhiva(dir.path(), &["rebuild"]);
    assert!(
        out.status.success(),
        "{}{}",
        stdout(&out),
        String::from_utf8_lossy(&out.stderr)
    );
    let archive = Archive::open(dir.path()).expect("open");
    for id in ids {
        assert!(archive.catalog().document(&id).expect("lookup").is_some());
    }
}
