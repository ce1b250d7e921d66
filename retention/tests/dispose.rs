//! Proposal → approval → dispose on a real archive in a temporary
//! directory, with a fixed clock.

#![allow(clippy::unwrap_used)]

mod common;

use arhiva_retention::{
    approve, check, destruction_record, dispose, documents, place_hold, plan, propose,
    release_hold, DisposeOptions, HoldTarget, RetentionError, Rules, SkipReason, Snapshot,
};
use arhiva_store::RetentionTerm;
use common::{dossier, image, TestArchive};
use time::macros::date;

const TODAY: time::Date = date!(2026 - 03 - 02);

fn opts() -> DisposeOptions {
    DisposeOptions::new(TODAY, "comisia")
}

/// Five dossiers: two due (A, B), one due but to be held (C), one not yet
/// due (N), one permanent (P). A's page 1 is byte-identical to N's page 1.
fn sample() -> (TestArchive, Vec<arhiva_store::ObjectId>) {
    let t = TestArchive::new();
    let shared = b"II*\0the same blank form scanned twice".to_vec();
    let a = t.add(
        &dossier(
            "A-1/1990",
            "INV-1",
            "Contabilitate",
            (1988, 1990),
            RetentionTerm::Years(10),
        ),
        &[shared.clone(), image("A", 2)],
    );
    t.add(
        &dossier(
            "B-2",
            "INV-1",
            "Contabilitate",
            (1990, 1991),
            RetentionTerm::Years(5),
        ),
        &[image("B", 1), image("B", 2), image("B", 3)],
    );
    t.add(
        &dossier(
            "C-3",
            "INV-2",
            "Urbanism",
            (1995, 1995),
            RetentionTerm::Years(3),
        ),
        &[image("C", 1)],
    );
    t.add(
        &dossier(
            "N-4",
            "INV-1",
            "Contabilitate",
            (2020, 2021),
            RetentionTerm::Years(10),
        ),
        &[shared, image("N", 2)],
    );
    t.add(
        &dossier(
            "P-5",
            "INV-1",
            "Contabilitate",
            (1985, 1992),
            RetentionTerm::Permanent,
        ),
        &[image("P", 1)],
    );
    (t, a)
}

#[test]
fn dispose_needs_an_approval() {
    let (t, _) = sample();
    let p = propose(&t.archive, TODAY, &Rules::default(), "arhivist", None).unwrap();
    let err = dispose(&t.archive, Some(&t.index), &p.id, &opts(), &mut |_| {}).unwrap_err();
    assert!(matches!(err, RetentionError::NotApproved { .. }), "{err}");
    let err = approve(&t.archive, &p.id, "", TODAY, TODAY, "admin").unwrap_err();
    assert!(matches!(err, RetentionError::Invalid(_)));
    let err = approve(
        &t.archive,
        &p.id,
        "12",
        date!(2027 - 01 - 01),
        TODAY,
        "admin",
    )
    .unwrap_err();
    assert!(matches!(err, RetentionError::BadDate { .. }));
    approve(&t.archive, &p.id, "12", TODAY, TODAY, "admin").unwrap();
    let err = approve(&t.archive, &p.id, "13", TODAY, TODAY, "admin").unwrap_err();
    assert!(matches!(err, RetentionError::AlreadyApproved { .. }));
}

#[test]
fn full_disposal_keeps_shared_objects_and_held_dossiers() {
    let (t, a_objects) = sample();
    let c_hold = place_hold(
        &t.archive,
        HoldTarget::Dossier("C-3".into()),
        "petiție pensie nr. 88/2026",
        "admin",
    )
    .unwrap();
    let p = propose(
        &t.archive,
        date!(2026 - 01 - 15),
        &Rules::default(),
        "arhivist",
        None,
    )
    .unwrap();
    let proposed: Vec<&str> = p.dossiers.iter().map(|l| l.cota.as_str()).collect();
    assert_eq!(proposed, ["A-1/1990", "B-2"]);
    assert_eq!(
        p.permanent
            .iter()
            .map(|l| l.cota.as_str())
            .collect::<Vec<_>>(),
        ["P-5"]
    );

    // A hold placed after the proposal still wins.
    let b_hold = place_hold(
        &t.archive,
        HoldTarget::Dossier("B-2".into()),
        "litigiu 5/2026",
        "admin",
    )
    .unwrap();
    approve(
        &t.archive,
        &p.id,
        "1234",
        date!(2026 - 03 - 01),
        TODAY,
        "admin",
    )
    .unwrap();

    // Dry run: says, changes nothing.
    let seq = t.archive.journal().head().seq;
    let dry = dispose(
        &t.archive,
        Some(&t.index),
        &p.id,
        &DisposeOptions {
            dry_run: true,
            ..opts()
        },
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(dry.disposed.len(), 1);
    assert_eq!(t.archive.journal().head().seq, seq);
    assert!(a_objects.iter().all(|id| t.archive.objects().contains(id)));

    let mut removed_events = 0;
    let report = dispose(&t.archive, Some(&t.index), &p.id, &opts(), &mut |e| {
        if matches!(e, arhiva_retention::DisposeEvent::ObjectRemoved { .. }) {
            removed_events += 1;
        }
    })
    .unwrap();
    assert_eq!(report.disposed.len(), 1);
    assert_eq!(
        report.skipped,
        [(
            "B-2".to_string(),
            SkipReason::Held {
                holds: vec![b_hold.id.clone()]
            }
        )]
    );
    let a = &report.disposed[0];
    assert_eq!(a.cota, "A-1/1990");
    // Page 1's scan is shared with N-4, which is kept: it survives.
    assert_eq!(a.shared, [a_objects[0].to_hex()]);
    assert_eq!(a.removed.len(), 3);
    assert_eq!(removed_events, 3);
    assert!(t.archive.objects().contains(&a_objects[0]));
    for id in &a_objects[1..] {
        assert!(!t.archive.objects().contains(id));
    }
    assert_eq!(t.archive.objects().get(&a_objects[0]).unwrap().len(), 37);

    // Tombstone, pages gone, index gone, metadata kept.
    let c = t.archive.catalog();
    let tomb = c.disposal("A-1/1990").unwrap().unwrap();
    assert!(tomb.approval.contains("1234") && tomb.approval.contains(&p.id));
    assert!(c.pages("A-1/1990").unwrap().is_empty());
    assert!(c.dossier("A-1/1990").unwrap().is_some());
    assert_eq!(t.indexed("A-1/1990"), 0);
    assert_eq!(t.indexed("B-2"), 3);
    assert_eq!(t.indexed("N-4"), 2);
    assert!(check(&t.archive, Some(&t.index)).unwrap().is_empty());

    // The destruction record lists the hashes.
    let rec = destruction_record(&t.archive, &p.id).unwrap();
    assert_eq!(rec.dossiers.len(), 1);
    assert_eq!(rec.dossiers[0].removed, a.removed);
    assert_eq!(rec.by, "comisia");

    // Releasing B's hold and running again finishes the proposal.
    release_hold(&t.archive, &b_hold.id, "admin", "litigiu încheiat").unwrap();
    let again = dispose(&t.archive, Some(&t.index), &p.id, &opts(), &mut |_| {}).unwrap();
    assert_eq!(
        again
            .disposed
            .iter()
            .map(|d| d.cota.as_str())
            .collect::<Vec<_>>(),
        ["B-2"]
    );
    assert!(again
        .skipped
        .contains(&("A-1/1990".to_string(), SkipReason::AlreadyDisposed)));
    assert_eq!(
        destruction_record(&t.archive, &p.id)
            .unwrap()
            .dossiers
            .len(),
        2
    );
    // C was held all along and was never proposed; P is permanent.
    assert!(c.disposal("C-3").unwrap().is_none() && c.disposal("P-5").unwrap().is_none());
    assert_eq!(c_hold.target, HoldTarget::Dossier("C-3".into()));
    assert!(check(&t.archive, Some(&t.index)).unwrap().is_empty());

    // The catalog rebuilt from the journal says the same.
    let snap = Snapshot::load(&t.archive).unwrap();
    let before = plan(&snap, TODAY, &Rules::default());
    drop(t.index);
    let dir = t.dir;
    drop(t.archive);
    std::fs::remove_dir_all(dir.path().join("catalog")).unwrap();
    let t = TestArchive::open_in(dir);
    let after = plan(
        &Snapshot::load(&t.archive).unwrap(),
        TODAY,
        &Rules::default(),
    );
    assert_eq!(before, after);
    assert!(t.archive.catalog().disposal("B-2").unwrap().is_some());
}

#[test]
fn documents_have_the_anexa_2_columns_and_extractable_diacritics() {
    let (t, _) = sample();
    let p = propose(&t.archive, TODAY, &Rules::default(), "arhivist", None).unwrap();
    let out = tempfile::tempdir().unwrap();
    let files =
        documents::write_proposal_documents(out.path(), &p, "Primăria Municipiului Arad").unwrap();
    assert_eq!(files.len(), 5);
    let csv = std::fs::read_to_string(&files[0]).unwrap();
    let header = csv.trim_start_matches('\u{feff}').lines().next().unwrap();
    assert_eq!(
        header,
        "Nr. crt.;Indicativ dosar;Conținutul pe scurt;Date extreme;Nr. file;Observații"
    );
    assert!(csv.contains("1988-1990") && csv.contains("cota A-1/1990"));
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "pdf"))
    {
        let doc = lopdf::Document::load(f).unwrap();
        let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
        let text = doc.extract_text(&pages).unwrap();
        assert!(
            text.contains("ș") || text.contains("ț") || text.contains("ă"),
            "{}: {text}",
            f.display()
        );
    }
    let inv = lopdf::Document::load(&files[1]).unwrap();
    let text = inv.extract_text(&[1]).unwrap();
    assert!(text.contains("Conținutul pe scurt"), "{text}");
    assert!(text.contains("hotărâri"), "{text}");
}
