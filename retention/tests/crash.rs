//! `kill -9` in the middle of `dispose`, for real: the test binary runs
//! itself again as a child (with `ARHIVA_CRASH_DIR` set), the child disposes
//! of an approved proposal printing one line per step, and the parent kills
//! it with SIGKILL after a random number of lines. A rerun must then finish
//! the work, leaving journal, catalog, index and store consistent.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use arhiva_retention::{approve, check, dispose, propose, DisposeEvent, DisposeOptions, Rules};
use arhiva_store::RetentionTerm;
use common::{dossier, image, TestArchive};
use rand::Rng;
use time::macros::date;

const TODAY: time::Date = date!(2026 - 03 - 02);
const DUE: usize = 40;

fn opts() -> DisposeOptions {
    DisposeOptions {
        chunk: 6,
        ..DisposeOptions::new(TODAY, "comisia")
    }
}

/// The child: dispose, telling the parent about every step.
#[test]
fn crash_child() {
    let (Ok(dir), Ok(id)) = (
        std::env::var("ARHIVA_CRASH_DIR"),
        std::env::var("ARHIVA_CRASH_PROPOSAL"),
    ) else {
        return;
    };
    let archive = arhiva_store::Archive::open(&dir).unwrap();
    let (index, _) =
        arhiva_index::SearchIndex::open(&std::path::Path::new(&dir).join("index")).unwrap();
    let mut out = std::io::stdout();
    dispose(&archive, Some(&index), &id, &opts(), &mut |e| {
        let line = match e {
            DisposeEvent::ObjectRemoved { cota, .. } => format!("STEP removed {cota}"),
            DisposeEvent::Disposed { cota } => format!("STEP disposed {cota}"),
            _ => return,
        };
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    })
    .unwrap();
    println!("STEP finished");
}

/// Due dossiers D0..; every third shares its first scan with a kept one.
fn build() -> (TestArchive, String) {
    let t = TestArchive::new();
    let mut items = Vec::new();
    for i in 0..DUE {
        let mut pages = vec![image(&format!("D{i}"), 1), image(&format!("D{i}"), 2)];
        if i % 3 == 0 {
            pages[0] = image(&format!("K{i}"), 1);
        }
        items.push((
            dossier(
                &format!("D{i:02}"),
                "INV-1",
                "Contabilitate",
                (1990, 1991),
                RetentionTerm::Years(10),
            ),
            pages,
        ));
    }
    for i in (0..DUE).step_by(3) {
        items.push((
            dossier(
                &format!("K{i:02}"),
                "INV-1",
                "Contabilitate",
                (2020, 2021),
                RetentionTerm::Years(10),
            ),
            vec![image(&format!("K{i}"), 1)],
        ));
    }
    items.push((
        dossier(
            "P",
            "INV-1",
            "Contabilitate",
            (1990, 1991),
            RetentionTerm::Permanent,
        ),
        vec![image("P", 1)],
    ));
    t.add_all(&items);
    let p = propose(&t.archive, TODAY, &Rules::default(), "arhivist", None).unwrap();
    approve(&t.archive, &p.id, "77", TODAY, TODAY, "admin").unwrap();
    (t, p.id)
}

fn assert_consistent(t: &TestArchive) {
    let problems = check(&t.archive, Some(&t.index)).unwrap();
    assert!(problems.is_empty(), "{problems:#?}");
    t.archive.journal().verify().unwrap();
    let c = t.archive.catalog();
    for i in 0..DUE {
        let cota = format!("D{i:02}");
        assert!(c.disposal(&cota).unwrap().is_some(), "{cota} not disposed");
        assert_eq!(t.indexed(&cota), 0, "{cota} still searchable");
    }
    for i in (0..DUE).step_by(3) {
        let cota = format!("K{i:02}");
        for p in c.pages(&cota).unwrap() {
            assert_eq!(
                t.archive.objects().verify(&p.document).unwrap(),
                image(&format!("K{i}"), 1).len() as u64
            );
        }
        assert_eq!(t.indexed(&cota), 1);
    }
    assert!(c.disposal("P").unwrap().is_none());
    assert_eq!(t.indexed("P"), 1);
    let rec = arhiva_retention::destruction_record(
        &t.archive,
        &c.records("disposal-proposal").unwrap()[0].0,
    )
    .unwrap();
    assert_eq!(rec.dossiers.len(), DUE);
}

#[test]
fn sigkill_during_dispose_then_rerun_is_consistent() {
    let exe = std::env::current_exe().unwrap();
    let mut rng = rand::thread_rng();
    let total_steps = DUE * 2 + DUE; // roughly: objects removed + disposed
    for round in 0..4 {
        let (t, id) = build();
        let TestArchive {
            dir,
            archive,
            index,
        } = t;
        drop(index);
        drop(archive);
        let kill_after = rng.gen_range(1..total_steps);
        let mut child = Command::new(&exe)
            .args(["crash_child", "--exact", "--nocapture", "--test-threads=1"])
            .env("ARHIVA_CRASH_DIR", dir.path())
            .env("ARHIVA_CRASH_PROPOSAL", &id)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut steps = 0;
        let mut finished = false;
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            if !line.starts_with("STEP") {
                continue;
            }
            if line == "STEP finished" {
                finished = true;
            }
            steps += 1;
            if steps >= kill_after {
                child.kill().unwrap();
                break;
            }
        }
        child.wait().unwrap();
        let t = TestArchive::open_in(dir);
        let before = check(&t.archive, Some(&t.index)).unwrap();
        eprintln!(
            "round {round}: killed after {steps} steps (finished: {finished}), {} problems before the rerun",
            before.len()
        );
        let report = dispose(&t.archive, Some(&t.index), &id, &opts(), &mut |_| {}).unwrap();
        if !before.is_empty() {
            assert!(
                report.disposed.iter().any(|d| d.resumed),
                "interrupted work was resumed"
            );
        }
        assert_consistent(&t);
        // A third run has nothing left to do.
        let again = dispose(&t.archive, Some(&t.index), &id, &opts(), &mut |_| {}).unwrap();
        assert!(again.disposed.is_empty());
    }
}
