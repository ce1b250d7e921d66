//! Load benchmark of the search API, loopback only, bounded in time and
//! count: `cargo bench -p arhiva-server --bench load`.
//!
//! Builds (once, cached under `target/bench-data/`) an archive of about
//! 100,000 realistic pages — a text-only fixture delivery, ingested with
//! its index — then runs the same query
//! mix twice at the same concurrency: directly against `arhiva-index`
//! (threads calling `SearchIndex::search`), and through the server
//! (`GET /api/search` over HTTP/1.1 keep-alive, with a session cookie, so
//! routing, auth, the audit log, JSON and the socket are all paid for).
//! Prints requests/s and p50/p99 latency of both, and the ratio.
//!
//! Then the server phase again with as many attackers beside the searchers,
//! each sending wrong passwords (HTTP Basic, a new user name and a new
//! client address each time, behind a trusted proxy, so no limiter keyed
//! on a name or an address spares the password check): search p99 under
//! attack is printed next to the p99 without, from the same run (goal:
//! within 2x), with what happened to the attempts.
//!
//! Knobs (environment): `ARHIVA_BENCH_PAGES` (100000), `ARHIVA_BENCH_CLIENTS`
//! (64), `ARHIVA_BENCH_SECONDS` per phase (10), `ARHIVA_BENCH_MAX_REQUESTS`
//! per phase (200000).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use arhiva_index::{SearchIndex, SearchRequest};
use arhiva_server::auth::Role;
use arhiva_server::{users, AppState, ServerConfig};
use arhiva_store::Archive;

const QUERIES: &[&str] = &[
    "plata",
    "hotarare buget",
    "\"stat de plata\"",
    "sofer",
    "certificat urbanism",
    "popescu ion",
    "concesionare teren",
    "petitie raspuns",
    "vechime",
    "contract munca",
    "eminescu",
    "impozit taxa",
    "dispozitie primar",
    "mureșan",
    "inchiriere",
    "comisie selectionare",
    "adeverinta",
    "inventar dosar",
    "aurel vlaicu",
    "inspector",
    "construire autorizatie",
    "proces-verbal sedinta",
    "ardelean maria",
    "consiliului local",
    "angajare",
    "micalaca",
    "gradiste",
    "registru",
    "referent",
    "taxa -impozit",
];

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn bench_dir(pages: u64) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("bench-data").join(format!("load-{pages}"))
}

/// The archive and index for the bench: a text-only fixture delivery of
/// realistic pages (inventory, payroll lists with names and CNPs, council
/// decisions, …), ingested once and cached.
fn build(dir: &std::path::Path, pages: u64) -> (Archive, SearchIndex) {
    let open = || {
        let archive = Archive::open(dir.join("archive")).expect("archive");
        let (index, _) = SearchIndex::open(&dir.join("archive").join("index")).expect("index");
        (archive, index)
    };
    let (archive, index) = open();
    let mut have = index.num_pages().unwrap_or(0) as u64;
    if have < pages && !archive.catalog().dossiers().unwrap_or_default().is_empty() {
        // An index of an older schema was recreated empty: derive it again.
        eprintln!("rebuilding the index in {}…", dir.display());
        have = arhiva_index::rebuild(&index, &archive).expect("rebuild") as u64;
    }
    if have >= pages {
        return (archive, index);
    }
    eprintln!(
        "building a {pages}-page archive in {} (once)…",
        dir.display()
    );
    let started = Instant::now();
    let delivery = dir.join("delivery");
    if !delivery.join("inventar.csv").is_file() {
        let _ = std::fs::remove_dir_all(&delivery);
        let opts = arhiva_fixtures::Options {
            dossiers: (pages / 60).max(1) as usize,
            seed: 7,
            text_only: true,
            defects: false,
            pages_per_dossier: Some((60, 120)),
        };
        let s = arhiva_fixtures::generate(&delivery, &opts).expect("fixtures");
        eprintln!(
            "  generated {} dossiers, {} pages in {:.0} s",
            s.dossiers,
            s.pages,
            started.elapsed().as_secs_f64()
        );
    }
    let opts = arhiva_ingest::IngestOptions {
        ocr: arhiva_ingest::OcrMode::Never,
        jobs: None,
        derivatives: false,
    };
    let report = arhiva_ingest::ingest_delivery(&archive, Some(&index), &delivery, &opts, &|_| {})
        .expect("ingest");
    eprintln!(
        "  ingested {} pages in {:.0} s",
        report.pages,
        started.elapsed().as_secs_f64()
    );
    drop((archive, index));
    open()
}

struct Stats {
    latencies: Vec<Duration>,
    errors: u64,
    wall: Duration,
}

impl Stats {
    fn rate(&self) -> f64 {
        self.latencies.len() as f64 / self.wall.as_secs_f64().max(1e-9)
    }
    fn pct(&mut self, p: f64) -> f64 {
        self.latencies.sort_unstable();
        if self.latencies.is_empty() {
            return 0.0;
        }
        let i =
            ((self.latencies.len() as f64 * p).ceil() as usize).clamp(1, self.latencies.len()) - 1;
        self.latencies[i].as_secs_f64() * 1000.0
    }
}

/// Run `work(client, n)` on `clients` threads until the time or count bound.
fn run(clients: u64, secs: u64, max: u64, work: impl Fn(u64, u64) -> bool + Sync) -> Stats {
    let issued = AtomicU64::new(0);
    let errors = AtomicU64::new(0);
    let deadline = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let latencies: Vec<Vec<Duration>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                let (issued, errors, work) = (&issued, &errors, &work);
                s.spawn(move || {
                    let mut mine = Vec::new();
                    loop {
                        let n = issued.fetch_add(1, Ordering::Relaxed);
                        if n >= max || Instant::now() >= deadline {
                            break;
                        }
                        let t = Instant::now();
                        if work(c, n) {
                            mine.push(t.elapsed());
                        } else {
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    Stats {
        latencies: latencies.concat(),
        errors: errors.into_inner(),
        wall: started.elapsed(),
    }
}

/// Standard base64 with padding (an HTTP Basic credential).
fn base64(s: &str) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for chunk in b.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &x)| acc | (u32::from(x) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// One keep-alive connection per client thread.
struct Conn {
    reader: BufReader<TcpStream>,
}

impl Conn {
    fn open(addr: SocketAddr) -> std::io::Result<Conn> {
        let s = TcpStream::connect(addr)?;
        s.set_nodelay(true)?;
        Ok(Conn {
            reader: BufReader::new(s),
        })
    }

    fn get(&mut self, path: &str, cookie: &str) -> std::io::Result<u16> {
        self.send(path, &format!("Cookie: {cookie}\r\n"))
    }

    fn send(&mut self, path: &str, headers: &str) -> std::io::Result<u16> {
        let req = format!("GET {path} HTTP/1.1\r\nHost: bench\r\n{headers}\r\n");
        self.reader.get_mut().write_all(req.as_bytes())?;
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let mut len = 0usize;
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; len];
        self.reader.read_exact(&mut body)?;
        Ok(status)
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench --no-run` / test harness probing
    }
    let pages = env("ARHIVA_BENCH_PAGES", 100_000);
    let clients = env("ARHIVA_BENCH_CLIENTS", 64);
    let secs = env("ARHIVA_BENCH_SECONDS", 10);
    let max = env("ARHIVA_BENCH_MAX_REQUESTS", 200_000);
    let dir = bench_dir(pages);
    std::fs::create_dir_all(&dir).expect("bench dir");
    let (archive, index) = build(&dir, pages);
    let index = Arc::new(index);
    let indexed = index.num_pages().unwrap_or(0);
    let requests: Vec<SearchRequest> = QUERIES.iter().map(|q| SearchRequest::new(*q)).collect();

    // Warm up (page cache, lazy structures), then time each query alone.
    for r in &requests {
        let _ = index.search(r);
    }
    let mut alone = Vec::new();
    for r in &requests {
        let t = Instant::now();
        let total = index.search(r).map(|x| x.total).unwrap_or(0);
        alone.push((t.elapsed().as_secs_f64() * 1000.0, total, r.query.clone()));
    }
    let mut single = run(1, secs.min(3), max, |_, n| {
        index.search(&requests[n as usize % requests.len()]).is_ok()
    });
    let mut direct = run(clients, secs, max, |_, n| {
        index.search(&requests[n as usize % requests.len()]).is_ok()
    });

    let archive = Arc::new(archive);
    if users::get(&archive, "bench").ok().flatten().is_none() {
        users::add(&archive, "bench", Role::Arhivist, "bench-password-1").expect("user");
    }
    let config = ServerConfig {
        // One user runs every search here: no per-user limit.
        search_rate: 1e9,
        search_burst: 1e9,
        trusted_proxies: vec![std::net::Ipv4Addr::LOCALHOST.into()],
        ..ServerConfig::default()
    };
    let state = AppState::new(archive, index.clone(), config);
    let cookie = format!("arhiva_session={}", state.sessions.create("bench"));
    let (tx, rx) = std::sync::mpsc::channel();
    let st = state.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        rt.block_on(async move {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(l.local_addr().expect("addr")).expect("send");
            arhiva_server::serve(l, st, std::future::pending())
                .await
                .expect("serve");
        });
    });
    let addr: SocketAddr = rx.recv().expect("server address");
    let paths: Vec<String> = QUERIES
        .iter()
        .map(|q| format!("/api/search?q={}&limit=20", encode(q)))
        .collect();
    let conns: Vec<std::sync::Mutex<Option<Conn>>> =
        (0..clients).map(|_| std::sync::Mutex::new(None)).collect();
    let request = |c: u64, n: u64| {
        let mut slot = conns[c as usize].lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            *slot = Conn::open(addr).ok();
        }
        let Some(conn) = slot.as_mut() else {
            return false;
        };
        match conn.get(&paths[n as usize % paths.len()], &cookie) {
            Ok(200) => true,
            _ => {
                *slot = None;
                false
            }
        }
    };
    for n in 0..paths.len() as u64 {
        request(0, n);
    }
    let mut server = run(clients, secs, max, request);

    // The same load with attackers beside it.
    let stop = std::sync::atomic::AtomicBool::new(false);
    let (refused, rejected, other) = (AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0));
    let mut attacked = std::thread::scope(|s| {
        for a in 0..clients {
            let (stop, refused, rejected, other) = (&stop, &refused, &rejected, &other);
            s.spawn(move || {
                let mut conn: Option<Conn> = None;
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    if conn.is_none() {
                        conn = Conn::open(addr).ok();
                    }
                    let Some(c) = conn.as_mut() else { continue };
                    let cred = base64(&format!("guess{a}x{n}:wrong-password-{n}"));
                    let headers = format!(
                        "Authorization: Basic {cred}\r\nX-Forwarded-For: 10.{}.{}.{}\r\n",
                        a % 250,
                        (n / 250) % 250,
                        n % 250
                    );
                    match c.send("/api/me", &headers) {
                        Ok(429) => refused.fetch_add(1, Ordering::Relaxed),
                        Ok(401) => rejected.fetch_add(1, Ordering::Relaxed),
                        Ok(_) => other.fetch_add(1, Ordering::Relaxed),
                        Err(_) => {
                            conn = None;
                            other.fetch_add(1, Ordering::Relaxed)
                        }
                    };
                }
            });
        }
        std::thread::sleep(Duration::from_millis(500));
        let stats = run(clients, secs, max, request);
        stop.store(true, Ordering::Relaxed);
        stats
    });

    let (d50, d99, s50, s99) = (
        direct.pct(0.50),
        direct.pct(0.99),
        server.pct(0.50),
        server.pct(0.99),
    );
    println!();
    println!(
        "search load: {indexed} pages indexed, {clients} concurrent clients, {} queries in the mix, {} cores",
        QUERIES.len(),
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    println!(
        "{:<34} {:>10} {:>10} {:>10} {:>8}",
        "", "req/s", "p50 ms", "p99 ms", "errors"
    );
    let (o50, o99) = (single.pct(0.50), single.pct(0.99));
    println!(
        "{:<34} {:>10.0} {:>10.2} {:>10.2} {:>8}",
        "direct, 1 client (latency floor)",
        single.rate(),
        o50,
        o99,
        single.errors
    );
    println!(
        "{:<34} {:>10.0} {:>10.2} {:>10.2} {:>8}",
        "direct (arhiva-index, threads)",
        direct.rate(),
        d50,
        d99,
        direct.errors
    );
    println!(
        "{:<34} {:>10.0} {:>10.2} {:>10.2} {:>8}",
        "server (GET /api/search, HTTP)",
        server.rate(),
        s50,
        s99,
        server.errors
    );
    println!(
        "server / direct: throughput {:.2}x, p50 {:.2}x, p99 {:.2}x   (goal: p99 < 100 ms, no errors: {})",
        server.rate() / direct.rate().max(1e-9),
        s50 / d50.max(1e-9),
        s99 / d99.max(1e-9),
        if s99 < 100.0 && server.errors == 0 { "met" } else { "NOT met" }
    );
    let a99 = attacked.pct(0.99);
    println!(
        "{:<34} {:>10.0} {:>10.2} {:>10.2} {:>8}",
        format!("server, {clients} attackers beside"),
        attacked.rate(),
        attacked.pct(0.50),
        a99,
        attacked.errors
    );
    println!(
        "under attack / without: p99 {:.2}x (goal: within 2x: {}); wrong passwords: {} checked (401), {} refused at once (429), {} other",
        a99 / s99.max(1e-9),
        if a99 <= 2.0 * s99 && attacked.errors == 0 { "met" } else { "NOT met" },
        rejected.load(Ordering::Relaxed),
        refused.load(Ordering::Relaxed),
        other.load(Ordering::Relaxed)
    );
    alone.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("slowest queries alone (ms, pages matched):");
    for (ms, total, q) in alone.iter().take(5) {
        println!("  {ms:>8.2}  {total:>7}  {q}");
    }
}
