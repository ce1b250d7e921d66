//! The journal: group commits survive reopening, a torn tail is cut and
//! reported, damage in the middle is an error naming segment and offset.

use std::fs::OpenOptions;
use std::io::Write;

use arhiva_store::journal::Journal;
use arhiva_store::{Event, StoreError};

fn note(i: u64) -> Event {
    Event::Put {
        kind: "note".into(),
        key: format!("{i:06}"),
        value: serde_json::json!({ "text": format!("Dosarul {i}: corespondență și petiții") }),
    }
}

fn all_events(j: &Journal) -> Vec<(u64, Event)> {
    let mut v = Vec::new();
    j.read_from(1, |s, e| {
        v.push((s, e));
        Ok(())
    })
    .expect("read");
    v
}

fn segment(dir: &std::path::Path) -> std::path::PathBuf {
    let mut segs: Vec<_> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    segs.sort();
    segs.pop().expect("a segment")
}

#[test]
fn batches_survive_reopen_in_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let j = Journal::open(dir.path()).expect("open");
        assert_eq!(
            j.append(&[note(1), note(2), note(3)]).expect("append"),
            1..4
        );
        assert_eq!(j.append(&[note(4)]).expect("append"), 4..5);
    }
    let j = Journal::open(dir.path()).expect("reopen");
    assert_eq!(j.open_report().records, 4);
    assert_eq!(j.open_report().torn_tail, None);
    let events = all_events(&j);
    assert_eq!(events.len(), 4);
    for (i, (seq, e)) in events.into_iter().enumerate() {
        assert_eq!(seq, i as u64 + 1);
        assert_eq!(e, note(i as u64 + 1));
    }
    let (head, n) = j.verify().expect("verify");
    assert_eq!((head.seq, n), (4, 4));
}

#[test]
fn a_torn_tail_is_cut_and_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let j = Journal::open(dir.path()).expect("open");
        j.append(&[note(1), note(2)]).expect("append");
        j.append(&[note(3)]).expect("append");
    }
    let seg = segment(dir.path());
    let full = std::fs::metadata(&seg).expect("stat").len();
    // Cut the last record in half, as a crash during its write would.
    let f = OpenOptions::new().write(true).open(&seg).expect("open");
    f.set_len(full - 20).expect("truncate");
    drop(f);
    let j = Journal::open(dir.path()).expect("reopen after torn write");
    let (torn_seg, offset, cut) = j
        .open_report()
        .torn_tail
        .clone()
        .expect("torn tail reported");
    assert_eq!(torn_seg, seg);
    assert!(offset > 8 && cut > 0);
    assert_eq!(all_events(&j).len(), 2);
    // Appending continues the chain where the valid part ended.
    assert_eq!(j.append(&[note(3)]).expect("append"), 3..4);
    drop(j);
    let j = Journal::open(dir.path()).expect("reopen");
    assert_eq!(j.open_report().torn_tail, None);
    assert_eq!(all_events(&j).len(), 3);
}

#[test]
fn garbage_after_the_last_record_is_a_torn_tail() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let j = Journal::open(dir.path()).expect("open");
        j.append(&[note(1)]).expect("append");
    }
    let seg = segment(dir.path());
    let mut f = OpenOptions::new().append(true).open(&seg).expect("open");
    f.write_all(&[0u8; 300]).expect("zeros");
    drop(f);
    let j = Journal::open(dir.path()).expect("reopen");
    assert_eq!(j.open_report().torn_tail.as_ref().map(|t| t.2), Some(300));
    assert_eq!(all_events(&j).len(), 1);
}

#[test]
fn damage_in_the_middle_names_segment_and_offset() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let j = Journal::open(dir.path()).expect("open");
        for i in 0..5 {
            j.append(&[note(i)]).expect("append");
        }
    }
    let seg = segment(dir.path());
    let mut raw = std::fs::read(&seg).expect("read");
    // Flip a byte in the payload of the second record.
    let first_len = u32::from_le_bytes([raw[8], raw[9], raw[10], raw[11]]) as usize;
    let second = 8 + 48 + first_len;
    raw[second + 60] ^= 0x01;
    std::fs::write(&seg, raw).expect("write");
    match Journal::open(dir.path()) {
        Err(StoreError::JournalCorrupt {
            segment, offset, ..
        }) => {
            assert_eq!(segment, seg);
            assert_eq!(offset, second as u64);
        }
        other => panic!("expected JournalCorrupt, got {other:?}"),
    }
}

#[test]
fn two_writers_keep_one_chain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = Journal::open(dir.path()).expect("open a");
    let b = Journal::open(dir.path()).expect("open b");
    for i in 0..10 {
        if i % 2 == 0 { &a } else { &b }
            .append(&[note(i)])
            .expect("append");
    }
    drop((a, b));
    let j = Journal::open(dir.path()).expect("reopen");
    let seqs: Vec<u64> = all_events(&j).into_iter().map(|(s, _)| s).collect();
    assert_eq!(seqs, (1..=10).collect::<Vec<_>>());
}
