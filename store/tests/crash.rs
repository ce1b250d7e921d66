//! `kill -9` for real: a child process writes objects and journal events in
//! a loop and is killed with SIGKILL at random moments. After each kill the
//! archive is reopened and every acknowledged object must be intact
//! (re-hashed), every acknowledged event present, and the catalog equal to a
//! fresh rebuild from the journal.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arhiva_store::{Archive, Event, ObjectId};
use common::sample_file;
use rand::{Rng, SeedableRng};

const KILLS: usize = 24;

/// The child: runs only when the parent sets `ARHIVA_CRASH_CHILD`.
#[test]
fn crash_child() {
    let Ok(dir) = std::env::var("ARHIVA_CRASH_CHILD") else {
        return;
    };
    let run: u64 = std::env::var("ARHIVA_CRASH_RUN")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(0);
    let archive = Archive::open(&dir).expect("child open");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(run);
    let stdout = std::io::stdout();
    for i in 0u64.. {
        let n = rng.gen_range(1..5);
        let mut events = Vec::new();
        let mut ids = Vec::new();
        for k in 0..n {
            let bytes = sample_file(run * 1_000_000 + i * 10 + k);
            let put = archive.objects().put_bytes(&bytes).expect("put");
            ids.push(put.id);
            events.push(Event::Put {
                kind: "crash".into(),
                key: format!("{run:03}-{i:06}-{k}"),
                value: serde_json::json!({ "object": put.id }),
            });
        }
        let range = archive.commit(events).expect("commit");
        let mut out = stdout.lock();
        let hexes: Vec<String> = ids.iter().map(|id| id.to_hex()).collect();
        writeln!(
            out,
            "ack {run:03}-{i:06} {} {}",
            range.end - 1,
            hexes.join(",")
        )
        .expect("stdout");
        out.flush().expect("flush");
    }
}

#[test]
fn sigkill_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = std::env::current_exe().expect("test binary");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0xA8AD);
    let mut acked_total = 0usize;
    let (mut torn, mut repaired) = (0usize, 0usize);
    for run in 0..KILLS as u64 {
        let mut child = Command::new(&exe)
            .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
            .env("ARHIVA_CRASH_CHILD", dir.path())
            .env("ARHIVA_CRASH_RUN", run.to_string())
            .env("RUST_LOG", "off")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn child");
        let acks = Arc::new(Mutex::new(Vec::<String>::new()));
        let reader = {
            let acks = Arc::clone(&acks);
            let stdout = child.stdout.take().expect("stdout");
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    if line.starts_with("ack ") {
                        acks.lock().expect("acks").push(line);
                    }
                }
            })
        };
        // Let the child get going (on a loaded machine it may take a while
        // to open the archive), then kill it at a random moment.
        let started = std::time::Instant::now();
        while acks.lock().expect("acks").is_empty() && started.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(rng.gen_range(0..300)));
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
        reader.join().expect("reader");
        let acks = acks.lock().expect("acks").clone();
        acked_total += acks.len();

        let mut archive = Archive::open(dir.path()).expect("reopen after kill");
        torn += usize::from(archive.journal().open_report().torn_tail.is_some());
        if !matches!(
            archive.catalog_state(),
            arhiva_store::archive::CatalogState::Current
        ) {
            repaired += 1;
        }
        for line in &acks {
            let mut parts = line.split(' ').skip(1);
            let key = parts.next().expect("key");
            let _seq = parts.next().expect("seq");
            for (k, hex) in parts.next().expect("ids").split(',').enumerate() {
                let id: ObjectId = hex.parse().expect("id");
                archive
                    .objects()
                    .verify(&id)
                    .unwrap_or_else(|e| panic!("run {run}: object {hex}: {e}"));
                let rec = archive
                    .catalog()
                    .record("crash", &format!("{key}-{k}"))
                    .expect("lookup");
                assert_eq!(
                    rec.and_then(|v| v["object"].as_str().map(str::to_owned))
                        .as_deref(),
                    Some(hex),
                    "run {run}: acknowledged event {key}-{k} missing"
                );
            }
        }
        let (head, n) = archive.journal().verify().expect("journal chain");
        assert_eq!(head.seq, n);
        let before = archive.catalog().dump().expect("dump");
        archive.rebuild_catalog().expect("rebuild");
        assert_eq!(
            archive.catalog().dump().expect("dump"),
            before,
            "run {run}: catalog differs from a rebuild"
        );
    }
    assert!(
        acked_total > KILLS,
        "children acknowledged too little work: {acked_total}"
    );
    println!(
        "crash test: {KILLS} kills, {acked_total} acknowledged batches, all intact; \
         {torn} torn journal tails cut, {repaired} catalogs caught up or rebuilt"
    );
}
