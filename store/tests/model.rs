//! Model-based property test: random sequences of operations on the content
//! store and the journal, checked against a plain in-memory model, with
//! reopening in between.

use std::collections::BTreeMap;

use arhiva_store::{Archive, Event, ObjectId};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Put(Vec<u8>),
    PutText(Vec<u8>),
    Get(usize),
    Remove(usize),
    Record(u8, u16),
    Forget(u8),
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => prop::collection::vec(any::<u8>(), 0..3000).prop_map(Op::Put),
        2 => "[a-zăâîșț ]{0,400}".prop_map(|s| Op::PutText(s.into_bytes())),
        3 => any::<usize>().prop_map(Op::Get),
        1 => any::<usize>().prop_map(Op::Remove),
        3 => (any::<u8>(), any::<u16>()).prop_map(|(k, v)| Op::Record(k % 16, v)),
        1 => any::<u8>().prop_map(|k| Op::Forget(k % 16)),
        1 => Just(Op::Reopen),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn store_and_catalog_follow_the_model(ops in prop::collection::vec(op(), 1..40)) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut archive = Archive::open(dir.path()).expect("open");
        let mut objects: BTreeMap<ObjectId, Vec<u8>> = BTreeMap::new();
        let mut records: BTreeMap<String, u16> = BTreeMap::new();
        for op in ops {
            match op {
                Op::Put(bytes) | Op::PutText(bytes) if bytes.is_empty() => {
                    let put = archive.objects().put_bytes(&bytes).expect("put empty");
                    prop_assert_eq!(put.new, !objects.contains_key(&put.id));
                    objects.insert(put.id, bytes);
                }
                Op::Put(bytes) => {
                    let put = archive.objects().put_bytes(&bytes).expect("put");
                    prop_assert_eq!(put.new, !objects.contains_key(&put.id));
                    objects.insert(put.id, bytes);
                }
                Op::PutText(bytes) => {
                    let put = archive.objects().put_text(&bytes).expect("put text");
                    prop_assert_eq!(put.new, !objects.contains_key(&put.id));
                    objects.insert(put.id, bytes);
                }
                Op::Get(i) if !objects.is_empty() => {
                    let (id, bytes) = objects.iter().nth(i % objects.len()).expect("some");
                    prop_assert_eq!(&archive.objects().get(id).expect("get"), bytes);
                }
                Op::Remove(i) if !objects.is_empty() => {
                    let id = *objects.keys().nth(i % objects.len()).expect("some");
                    prop_assert!(archive.objects().remove(&id).expect("remove"));
                    objects.remove(&id);
                    prop_assert!(!archive.objects().contains(&id));
                }
                Op::Get(_) | Op::Remove(_) => {}
                Op::Record(k, v) => {
                    archive.commit(vec![Event::Put { kind: "m".into(), key: k.to_string(), value: v.into() }]).expect("commit");
                    records.insert(k.to_string(), v);
                }
                Op::Forget(k) => {
                    archive.commit(vec![Event::Delete { kind: "m".into(), key: k.to_string() }]).expect("commit");
                    records.remove(&k.to_string());
                }
                Op::Reopen => {
                    drop(archive);
                    archive = Archive::open(dir.path()).expect("reopen");
                }
            }
        }
        let mut ids: Vec<ObjectId> = archive.objects().ids().expect("ids");
        // A trained text dictionary is an object the model does not know.
        ids.retain(|id| objects.contains_key(id));
        prop_assert_eq!(ids, objects.keys().copied().collect::<Vec<_>>());
        let got: BTreeMap<String, u16> = archive
            .catalog()
            .records("m")
            .expect("records")
            .into_iter()
            .map(|(k, v)| (k, v.as_u64().unwrap_or(u64::MAX) as u16))
            .collect();
        prop_assert_eq!(got, records);
    }
}
