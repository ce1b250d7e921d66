//! BagIt export checked by the Library of Congress validator (`pip install
//! bagit`, which provides `bagit.py`). Skipped with a message when the
//! validator is not installed.

#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;

use arhiva_retention::bagit::{export_bag, BagOptions};
use arhiva_store::RetentionTerm;
use common::{dossier, image, TestArchive};

fn validator() -> Option<Command> {
    let ok = Command::new("bagit.py")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(Command::new("bagit.py"));
    }
    let ok = Command::new("python3")
        .args(["-c", "import bagit"])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then(|| {
        let mut c = Command::new("python3");
        c.args(["-m", "bagit"]);
        c
    })
}

#[test]
fn bag_is_valid_and_tampering_is_caught() {
    let t = TestArchive::new();
    t.add(
        &dossier(
            "HCL-1/1975",
            "INV-P",
            "Secretariat",
            (1970, 1975),
            RetentionTerm::Permanent,
        ),
        &[image("H", 1), image("H", 2)],
    );
    t.add(
        &dossier(
            "HCL 2 (ședințe)",
            "INV-P",
            "Secretariat",
            (1976, 1976),
            RetentionTerm::Permanent,
        ),
        &[image("H", 1), image("I", 2)],
    );
    let out = tempfile::tempdir().unwrap();
    let bag = out.path().join("transfer");
    let cotas = vec!["HCL-1/1975".to_string(), "HCL 2 (ședințe)".to_string()];
    let opts = BagOptions {
        institution: "Primăria Municipiului Arad".into(),
        by: "arhivist".into(),
        description: "Predare la Arhivele Naționale".into(),
    };
    let report = export_bag(&t.archive, &cotas, &bag, &opts).unwrap();
    assert_eq!(report.dossiers, 2);
    // 4 originals, 4 texts, 2 metadata files, 1 manifest.json
    assert_eq!(report.files, 11);
    assert!(bag.join("data/HCL-1_1975/originals/0001.tif").is_file());
    assert!(bag.join("data/manifest.json").is_file());
    let info = std::fs::read_to_string(bag.join("bag-info.txt")).unwrap();
    assert!(info.contains(&format!("Payload-Oxum: {}.11", report.bytes)));
    assert!(!out.path().join("transfer.partial").exists());
    assert_eq!(
        t.archive
            .catalog()
            .records("transfer-export")
            .unwrap()
            .len(),
        1
    );
    // A bag is never written over.
    assert!(export_bag(&t.archive, &cotas, &bag, &opts).is_err());

    let Some(mut validate) = validator() else {
        eprintln!(
            "bagit.py not installed (pip install bagit): skipping the independent validation"
        );
        return;
    };
    let o = validate.arg("--validate").arg(&bag).output().unwrap();
    assert!(
        o.status.success(),
        "bagit.py rejected the bag: {}",
        String::from_utf8_lossy(&o.stderr)
    );

    std::fs::write(bag.join("data/HCL-1_1975/text/0001.txt"), "altered").unwrap();
    let o = validator()
        .unwrap()
        .arg("--validate")
        .arg(&bag)
        .output()
        .unwrap();
    assert!(!o.status.success(), "a tampered bag must fail validation");
}
