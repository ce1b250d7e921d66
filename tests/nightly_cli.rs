//! `arhiva nightly`, end to end: new deliveries ingested once, folders still
//! being copied left alone, a broken inventory quarantined while the other
//! deliveries go on, the lock, and the run handed to a running
//! `arhiva serve`.

mod common;

use std::path::Path;

use arhiva_fixtures::{generate, load_ground_truth, Options};
use common::{add_maria, arhiva, base64, get, spawn_server};
use serde_json::Value;

/// A fixture delivery whose cotas start with `prefix` (`PMA-` as
/// generated): each delivery brings its own dossiers, since a cotă already
/// archived is not taken in again from another delivery.
fn delivery(dir: &Path, seed: u64, defects: bool, prefix: &str) -> Vec<String> {
    generate(
        dir,
        &Options {
            dossiers: 6,
            seed,
            text_only: true,
            defects,
            pages_per_dossier: Some((2, 5)),
        },
    )
    .expect("generate");
    if prefix != "PMA-" {
        renumber(dir, prefix);
    }
    load_ground_truth(dir)
        .expect("truth")
        .dossiers
        .into_iter()
        .map(|d| d.cota)
        .collect()
}

/// Give a generated delivery's dossiers the cotă prefix `prefix`.
fn renumber(dir: &Path, prefix: &str) {
    assert_eq!(prefix.len(), 4, "same length as PMA-");
    for file in ["inventar.csv", "ground-truth.json"] {
        let path = dir.join(file);
        let mut bytes = std::fs::read(&path).expect("read");
        let mut i = 0;
        while i + 4 <= bytes.len() {
            if &bytes[i..i + 4] == b"PMA-" {
                bytes[i..i + 4].copy_from_slice(prefix.as_bytes());
                i += 4;
            } else {
                i += 1;
            }
        }
        std::fs::write(&path, bytes).expect("write");
    }
    for e in std::fs::read_dir(dir).expect("list") {
        let path = e.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if let Some(rest) = name.strip_prefix("PMA-") {
            std::fs::rename(&path, dir.join(format!("{prefix}{rest}"))).expect("rename");
        }
    }
}

/// The run's JSON report, with its exit code.
fn nightly(data: &Path, inbox: &Path, extra: &[&str]) -> (i32, Value, String) {
    let inbox = inbox.to_string_lossy();
    let mut args = vec!["nightly", "--inbox", &inbox, "--ocr", "never", "--json"];
    args.extend_from_slice(extra);
    let (code, out, err) = arhiva(data, &args, "");
    let report = serde_json::from_str(&out).unwrap_or(Value::Null);
    (code, report, err)
}

/// `(folder name, status)` of each delivery in a report.
fn outcomes(report: &Value) -> Vec<(String, String)> {
    report["deliveries"]
        .as_array()
        .map(|ds| {
            ds.iter()
                .map(|d| {
                    let path = d["delivery"].as_str().unwrap_or_default();
                    let name = Path::new(path)
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    (name, d["status"].as_str().unwrap_or_default().to_string())
                })
                .collect()
        })
        .unwrap_or_default()
}

fn pair(name: &str, status: &str) -> (String, String) {
    (name.to_string(), status.to_string())
}

/// Dossiers the search index knows, from an empty query.
fn indexed(data: &Path) -> Vec<String> {
    let (code, out, err) = arhiva(data, &["search", "", "--json", "--limit", "1000"], "");
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("search json");
    let mut cotas: Vec<String> = v["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .filter_map(|h| h["cota"].as_str().map(String::from))
        .collect();
    cotas.sort();
    cotas.dedup();
    cotas
}

#[test]
fn new_deliveries_are_ingested_once_and_a_broken_inventory_does_not_stop_the_rest() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let inbox = tmp.path().join("livrari");
    let a = delivery(&inbox.join("2026-11-a"), 1, false, "PMA-");
    let b = delivery(&inbox.join("2026-11-b"), 2, true, "PMB-");
    let c = delivery(&inbox.join(".2026-11-c"), 3, false, "PMC-"); // still being copied
    std::fs::create_dir_all(inbox.join("2026-11-broken")).expect("mkdir");
    std::fs::write(inbox.join("2026-11-broken/inventar.csv"), b"\x00\x01\x02").expect("write");

    let (code, report, err) = nightly(&data, &inbox, &[]);
    assert_eq!(code, 1, "quarantined files need attention: {err}");
    assert_eq!(
        outcomes(&report),
        [
            pair("2026-11-a", "ingested"),
            pair("2026-11-b", "ingested"),
            pair("2026-11-broken", "ingested")
        ]
    );
    // The broken inventory is quarantined with what to ask the vendor for.
    let broken = &report["deliveries"][2]["report"];
    assert_eq!(broken["dossiers"], 0);
    let q = &broken["quarantine"][0];
    assert_eq!(q["file"], "inventar.csv");
    assert_eq!(q["code"], "unreadable-inventory");
    assert!(q["action"]
        .as_str()
        .unwrap_or_default()
        .contains("fix inventar.csv"));
    assert!(report["quarantined"].as_u64().unwrap_or(0) > 1);
    let written = report["report_path"].as_str().expect("report path");
    assert!(Path::new(written).is_file());
    let mut expected: Vec<String> = a.iter().chain(&b).cloned().collect();
    expected.sort();
    let found = indexed(&data);
    // Dossiers with every file planted broken may have no page to index.
    assert!(found.iter().all(|c| expected.contains(c)), "{found:?}");
    assert!(a.iter().all(|c| found.contains(c)), "{found:?}");

    // The next night: the broken folder was taken away, the copy finished.
    std::fs::remove_dir_all(inbox.join("2026-11-broken")).expect("rm");
    std::fs::rename(inbox.join(".2026-11-c"), inbox.join("2026-11-c")).expect("rename");
    let (code, report, err) = nightly(&data, &inbox, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        outcomes(&report),
        [
            pair("2026-11-a", "already-ingested"),
            pair("2026-11-b", "already-ingested"),
            pair("2026-11-c", "ingested")
        ]
    );
    let found = indexed(&data);
    assert!(c.iter().all(|x| found.contains(x)), "{found:?}");

    // Another run in progress: exit 3, nothing done.
    let lock = arhiva_ingest::nightly::lock(&data).expect("lock");
    let (code, _, err) = nightly(&data, &inbox, &[]);
    assert_eq!(code, 3);
    assert!(err.contains("another nightly run is in progress"), "{err}");
    drop(lock);
}

#[test]
fn while_the_archive_is_served_the_server_does_the_run() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let inbox = tmp.path().join("livrari");
    add_maria(&data);
    let served = spawn_server(&data, &["serve", "--bind", "127.0.0.1:0"]);
    let auth = base64("maria:o parolă lungă");
    let a = delivery(&inbox.join("2026-11-a"), 5, false, "PMA-");
    let dossier = format!("/api/dossiers/{}", a[0]);
    assert_eq!(get(&served.url, &dossier, Some(&auth)).0, 404);

    let (code, report, err) = nightly(&data, &inbox, &["--allow-quarantine"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(outcomes(&report), [pair("2026-11-a", "ingested")]);
    // The server's own catalog and index have the delivery at once.
    let (status, body) = get(&served.url, &dossier, Some(&auth));
    assert_eq!(status, 200, "{body}");
    let word = &a[1];
    let (status, body) = get(&served.url, &format!("/api/search?q={word}"), Some(&auth));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(word.as_str()), "{body}");

    // A run over an inbox that is not there says so, and the server goes on.
    let (code, _, err) = nightly(&data, &tmp.path().join("nu-exista"), &[]);
    assert_ne!(code, 0);
    assert!(err.contains("nu-exista"), "{err}");
    let (code, report, err) = nightly(&data, &inbox, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(outcomes(&report), [pair("2026-11-a", "already-ingested")]);

    // Once the server is gone (killed: its socket file stays behind), the
    // run happens here again.
    drop(served);
    let b = delivery(&inbox.join("2026-11-b"), 6, false, "PMB-");
    let (code, report, err) = nightly(&data, &inbox, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        outcomes(&report),
        [
            pair("2026-11-a", "already-ingested"),
            pair("2026-11-b", "ingested")
        ]
    );
    assert!(indexed(&data).contains(&b[0]));
}
