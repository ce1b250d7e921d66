//! The content store: round trips, dedupe, damage detection, concurrent
//! writers (threads and processes).

mod common;

use std::process::Command;

use arhiva_store::{ObjectId, ObjectStore, StoreError};
use common::sample_file;

#[test]
fn put_get_round_trip_and_dedupe() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = ObjectStore::open(dir.path().join("objects")).expect("open");
    for i in 0..12 {
        let bytes = sample_file(i);
        let first = store.put_bytes(&bytes).expect("put");
        assert!(first.new);
        assert_eq!(first.id, ObjectId::of(&bytes));
        assert_eq!(store.get(&first.id).expect("get"), bytes);
        let again = store.put_bytes(&bytes).expect("put again");
        assert!(!again.new);
        assert_eq!(again.written, 0);
        let stored = store.stored_size(&first.id).expect("size");
        match i % 3 {
            // Text and raw scans compress; random bytes are kept raw.
            0 | 1 => assert!(
                stored * 10 < bytes.len() as u64 * 8,
                "file {i}: {stored} of {}",
                bytes.len()
            ),
            _ => assert_eq!(stored, bytes.len() as u64 + 16),
        }
    }
    assert_eq!(store.ids().expect("ids").len(), 12);
}

#[test]
fn put_file_streams_and_matches_put_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = ObjectStore::open(dir.path().join("objects")).expect("open");
    let big: Vec<u8> = (0..3_000_000u32)
        .flat_map(|i| (i % 251).to_le_bytes())
        .collect();
    let path = dir.path().join("scan.raw");
    std::fs::write(&path, &big).expect("write");
    let put = store.put_file(&path).expect("put file");
    assert_eq!(put.id, ObjectId::of(&big));
    assert_eq!(store.get(&put.id).expect("get"), big);
    assert_eq!(store.verify(&put.id).expect("verify"), big.len() as u64);
    assert!(!store.put_bytes(&big).expect("put bytes").new);
}

#[test]
fn a_flipped_bit_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = ObjectStore::open(dir.path().join("objects")).expect("open");
    for i in [0u64, 2] {
        let put = store.put_bytes(&sample_file(i)).expect("put");
        let path = store.path_of(&put.id);
        let mut raw = std::fs::read(&path).expect("read");
        let at = raw.len() - 7;
        raw[at] ^= 0x10;
        std::fs::write(&path, raw).expect("write");
        match store.verify(&put.id) {
            Err(StoreError::Corrupt { id, .. }) => assert_eq!(id, put.id),
            other => panic!("expected Corrupt for file {i}, got {other:?}"),
        }
    }
}

#[test]
fn missing_object_is_not_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = ObjectStore::open(dir.path().join("objects")).expect("open");
    let id = ObjectId::of(b"never stored");
    assert!(matches!(store.get(&id), Err(StoreError::NotFound { .. })));
}

#[test]
fn threads_putting_the_same_files_leave_one_copy() {
    use rayon::prelude::*;
    let dir = tempfile::tempdir().expect("tempdir");
    let store = ObjectStore::open(dir.path().join("objects")).expect("open");
    let files: Vec<Vec<u8>> = (0..30).map(sample_file).collect();
    let news: usize = (0..8)
        .into_par_iter()
        .map(|_| {
            files
                .iter()
                .filter(|f| store.put_bytes(f).expect("put").new)
                .count()
        })
        .sum();
    assert_eq!(news, files.len(), "each object is new exactly once");
    assert_one_copy_each(&store, &files);
}

/// Run by `two_processes_putting_the_same_files_leave_one_copy` in child
/// processes; does nothing when run directly.
#[test]
fn put_child() {
    let Ok(dir) = std::env::var("ARHIVA_PUT_CHILD") else {
        return;
    };
    let store = ObjectStore::open(dir).expect("open");
    for round in 0..3 {
        for i in 0..40 {
            store.put_bytes(&sample_file(i + round)).expect("put");
        }
    }
}

#[test]
fn two_processes_putting_the_same_files_leave_one_copy() {
    let dir = tempfile::tempdir().expect("tempdir");
    let objects = dir.path().join("objects");
    let exe = std::env::current_exe().expect("test binary");
    let children: Vec<_> = (0..2)
        .map(|_| {
            Command::new(&exe)
                .args(["--exact", "put_child", "--nocapture", "--test-threads=1"])
                .env("ARHIVA_PUT_CHILD", &objects)
                .spawn()
                .expect("spawn child")
        })
        .collect();
    for mut c in children {
        assert!(c.wait().expect("wait").success());
    }
    let store = ObjectStore::open(&objects).expect("open");
    let files: Vec<Vec<u8>> = (0..42).map(sample_file).collect();
    assert_one_copy_each(&store, &files);
}

fn assert_one_copy_each(store: &ObjectStore, files: &[Vec<u8>]) {
    let ids = store.ids().expect("ids");
    assert_eq!(ids.len(), files.len());
    for f in files {
        let id = ObjectId::of(f);
        assert_eq!(store.get(&id).expect("get"), *f);
    }
    let leftovers = std::fs::read_dir(store.root().join("tmp"))
        .expect("tmp")
        .count();
    assert_eq!(leftovers, 0, "no temp files left behind");
}

#[test]
fn page_texts_get_a_trained_dictionary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("objects");
    let texts: Vec<Vec<u8>> = (0..700u64)
        .map(|i| {
            let s = sample_file(i * 3);
            s[..s.len().min(2_000)].to_vec()
        })
        .collect();
    let (mut before, mut after) = ((0u64, 0u64), (0u64, 0u64));
    {
        let store = ObjectStore::open(&root)
            .expect("open")
            .with_dict_samples(500);
        for (i, t) in texts.iter().enumerate() {
            let put = store.put_text(t).expect("put text");
            let disk = store.stored_size(&put.id).expect("size");
            let acc = if i < 500 { &mut before } else { &mut after };
            acc.0 += t.len() as u64;
            acc.1 += disk;
        }
    }
    let ratio_alone = before.0 as f64 / before.1 as f64;
    let ratio_dict = after.0 as f64 / after.1 as f64;
    println!("page texts: {ratio_alone:.2}x alone, {ratio_dict:.2}x with the trained dictionary");
    assert!(
        ratio_dict > ratio_alone * 1.2,
        "{ratio_alone:.2}x alone vs {ratio_dict:.2}x with dictionary"
    );
    // A fresh process finds the dictionary and reads every text back.
    let store = ObjectStore::open(&root).expect("reopen");
    for t in &texts {
        let id = ObjectId::of(t);
        assert_eq!(&store.get(&id).expect("get"), t);
    }
    store.verify(&ObjectId::of(&texts[650])).expect("verify");
    assert_eq!(
        store.ids().expect("ids").len(),
        texts.len() + 1,
        "texts plus the dictionary"
    );
}

#[test]
fn deferred_objects_are_readable_at_once_and_in_place_after_sync() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = ObjectStore::open(dir.path().join("objects"))
        .expect("open")
        .deferred();
    let files: Vec<Vec<u8>> = (0..9).map(sample_file).collect();
    for f in &files {
        let put = store.put_bytes(f).expect("put");
        assert!(put.new);
        assert!(
            !store.put_bytes(f).expect("put again").new,
            "pending objects dedupe too"
        );
        assert!(!store.path_of(&put.id).exists(), "not in place before sync");
        assert_eq!(&store.get(&put.id).expect("get pending"), f);
    }
    assert_eq!(store.sync().expect("sync"), files.len());
    assert_eq!(store.sync().expect("second sync"), 0);
    assert_one_copy_each(&store, &files);
    for f in &files {
        assert!(store.path_of(&ObjectId::of(f)).is_file());
    }
}
