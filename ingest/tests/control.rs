//! The control socket: nightly runs handed to the process that holds the
//! archive, and what it does with requests that are not runs.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::sync::Arc;

use arhiva_fixtures::{generate, load_ground_truth, Options};
use arhiva_index::SearchIndex;
use arhiva_ingest::control::{self, NightlyJob};
use arhiva_ingest::{IngestError, OcrMode};
use arhiva_store::Archive;

fn raw(path: &std::path::Path, request: &[u8]) -> String {
    let mut s = UnixStream::connect(path).expect("connect");
    // The server may stop reading (and close) before a long request ends.
    let _ = s.write_all(request);
    let mut line = String::new();
    BufReader::new(&s).read_line(&mut line).expect("read");
    line
}

#[test]
fn a_handed_over_run_lands_in_the_holders_archive_and_bad_requests_do_not_stop_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let inbox = tmp.path().join("livrari");
    generate(
        &inbox.join("2026-11-a"),
        &Options {
            dossiers: 5,
            seed: 21,
            text_only: true,
            defects: false,
            pages_per_dossier: Some((2, 4)),
        },
    )
    .expect("generate");
    let truth = load_ground_truth(&inbox.join("2026-11-a")).expect("truth");

    // Nobody listens yet.
    let job = NightlyJob {
        inbox: inbox.clone(),
        ocr: OcrMode::Never,
        allow_quarantine: false,
    };
    assert!(control::hand_over(&data, &job)
        .expect("no server")
        .is_none());

    let archive = Arc::new(Archive::open(&data).expect("archive"));
    let (index, _) = SearchIndex::open(&data.join("index")).expect("index");
    let index = Arc::new(index);
    let socket = control::listen(archive.clone(), index.clone()).expect("listen");
    let mode = std::fs::metadata(socket.path())
        .expect("stat")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "only the archive's user may connect");

    // Requests that are not ours get an answer saying so.
    let reply = raw(socket.path(), b"GET / HTTP/1.0\r\n\r\n");
    assert!(reply.contains("not a control request"), "{reply}");
    let huge = vec![b'{'; 200 * 1024];
    let reply = raw(socket.path(), &huge);
    assert!(reply.contains("not a control request"), "{reply}");

    // A run over a missing inbox fails, naming it.
    let missing = NightlyJob {
        inbox: tmp.path().join("nu-exista"),
        ..job.clone()
    };
    match control::hand_over(&data, &missing) {
        Err(IngestError::Remote { message }) => assert!(message.contains("nu-exista"), "{message}"),
        other => panic!("expected a remote error, got {other:?}"),
    }

    // And the real run still happens, in the holder's archive and index.
    let report = control::hand_over(&data, &job)
        .expect("run")
        .expect("a server listens");
    assert_eq!(report.deliveries.len(), 1);
    assert_eq!(report.deliveries[0].status, "ingested");
    for d in &truth.dossiers {
        assert!(
            archive
                .catalog()
                .dossier(&d.cota)
                .expect("catalog")
                .is_some(),
            "{} not in the catalog",
            d.cota
        );
    }
    let again = control::hand_over(&data, &job)
        .expect("run")
        .expect("listens");
    assert_eq!(again.deliveries[0].status, "already-ingested");

    let path = socket.path().to_path_buf();
    drop(socket);
    assert!(!path.exists(), "the socket file goes with the listener");
}

/// A client that connects and says nothing used to hold the socket for 30
/// seconds: everyone behind it waited. Now each connection has a thread of
/// its own and a short read timeout.
#[test]
fn a_silent_client_does_not_hold_up_the_next() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let archive = Arc::new(Archive::open(&data).expect("archive"));
    let (index, _) = SearchIndex::open(&data.join("index")).expect("index");
    let socket = control::listen(archive, Arc::new(index)).expect("listen");
    let silent: Vec<UnixStream> = (0..3)
        .map(|_| UnixStream::connect(socket.path()).expect("connect"))
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(200));
    let mut s = UnixStream::connect(socket.path()).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(3)))
        .expect("timeout");
    s.write_all(b"{\"nonsense\": true}\n").expect("write");
    let mut line = String::new();
    BufReader::new(&s)
        .read_line(&mut line)
        .expect("answered while others stay silent");
    assert!(line.contains("not a control request"), "{line}");
    drop(silent);
}
