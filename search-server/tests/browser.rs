//! The browser test: headless Chromium, driven through chromedriver's
//! WebDriver HTTP API by the few calls below, over a small real archive
//! (a fixture delivery, ingested). Log in, search a diacritic-free word,
//! open a result, check the page image loads, download the original.
//! Screenshots go to `target/artifacts/`.
//!
//! Skipped, with a message, when `/usr/bin/chromium` or `chromedriver` is
//! missing (Debian: `apt-get install chromium chromium-driver`).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use arhiva_index::SearchIndex;
use arhiva_server::auth::Role;
use arhiva_server::{users, AppState, ServerConfig};
use arhiva_store::Archive;
use serde_json::{json, Value};

const CHROMIUM: &str = "/usr/bin/chromium";
const PASSWORD: &str = "parola-browser-1";

fn chromedriver() -> Option<PathBuf> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn artifacts() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let dir = target.join("artifacts");
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    dir
}

/// A fixture delivery ingested into a fresh archive, served on a loopback port.
fn start_server(data: &Path) -> SocketAddr {
    let delivery = data.join("delivery");
    let opts = arhiva_fixtures::Options {
        dossiers: 8,
        seed: 1,
        text_only: false,
        defects: false,
        pages_per_dossier: Some((2, 3)),
    };
    arhiva_fixtures::generate(&delivery, &opts).expect("fixtures");
    let store = data.join("archive");
    let archive = Archive::open(&store).expect("archive");
    let (index, _) = SearchIndex::open(&store.join("index")).expect("index");
    let ingest = arhiva_ingest::IngestOptions {
        ocr: arhiva_ingest::OcrMode::Never,
        jobs: None,
        derivatives: true,
    };
    arhiva_ingest::ingest_delivery(&archive, Some(&index), &delivery, &ingest, &|_| {})
        .expect("ingest");
    users::add(&archive, "demo", Role::Arhivist, PASSWORD).expect("user");
    let state = AppState::new(Arc::new(archive), Arc::new(index), ServerConfig::default());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        rt.block_on(async move {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(l.local_addr().expect("addr")).expect("send");
            arhiva_server::serve(l, state, std::future::pending())
                .await
                .expect("serve");
        });
    });
    rx.recv_timeout(Duration::from_secs(30)).expect("server up")
}

/// chromedriver, killed on drop.
struct Driver {
    child: Child,
    port: u16,
    session: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.call("DELETE", &format!("/session/{}", self.session), None);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    fn start(exe: &Path, downloads: &Path) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let child = Command::new(exe)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver");
        let mut d = Driver {
            child,
            port,
            session: String::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while d.call("GET", "/status", None).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1366,900"],
                "prefs": {
                    "download.default_directory": downloads.to_string_lossy(),
                    "download.prompt_for_download": false
                }
            }
        }}});
        let v = d.call("POST", "/session", Some(caps)).expect("session");
        d.session = v["sessionId"].as_str().expect("session id").to_string();
        d
    }

    /// One WebDriver command; returns `value`.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.to_string())?;
        s.set_read_timeout(Some(Duration::from_secs(60)))
            .map_err(|e| e.to_string())?;
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
        // chromedriver keeps the connection open: read by Content-Length.
        let mut r = std::io::BufReader::new(s);
        let mut len = 0usize;
        let mut line = String::new();
        loop {
            line.clear();
            std::io::BufRead::read_line(&mut r, &mut line).map_err(|e| e.to_string())?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap_or(0);
            }
        }
        let mut raw = vec![0u8; len];
        r.read_exact(&mut raw).map_err(|e| e.to_string())?;
        let body = String::from_utf8_lossy(&raw);
        let v: Value = serde_json::from_str(body.trim()).map_err(|e| format!("{e}: {body}"))?;
        if v["value"]["error"].is_string() {
            return Err(v["value"].to_string());
        }
        Ok(v["value"].clone())
    }

    fn cmd(&self, method: &str, what: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{what}", self.session);
        self.call(method, &path, body)
            .unwrap_or_else(|e| panic!("{what}: {e}"))
    }

    fn go(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }

    fn find(&self, css: &str) -> String {
        let v = self.cmd(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .expect("element id")
            .to_string()
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.cmd(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        );
    }

    fn click(&self, css: &str) {
        let id = self.find(css);
        self.cmd("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    fn url(&self) -> String {
        self.cmd("GET", "/url", None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    fn source(&self) -> String {
        self.cmd("GET", "/source", None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    fn script_async(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "/execute/async",
            Some(json!({ "script": script, "args": [] })),
        )
    }

    fn screenshot(&self, name: &str) -> PathBuf {
        let v = self.cmd("GET", "/screenshot", None);
        let png = base64_decode(v.as_str().expect("png"));
        let path = artifacts().join(format!("browser-{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    fn wait_for(&self, what: &str, ok: impl Fn(&Driver) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !ok(self) {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    } as u32;
    let bytes: Vec<u8> = s
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= val(c) << (18 - 6 * i);
        }
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

#[test]
fn search_read_and_download_in_chromium() {
    let Some(driver_exe) = chromedriver().filter(|_| Path::new(CHROMIUM).exists()) else {
        eprintln!("skipped: {CHROMIUM} or chromedriver is missing (apt-get install chromium chromium-driver)");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let addr = start_server(dir.path());
    let base = format!("http://{addr}");
    let downloads = dir.path().join("downloads");
    std::fs::create_dir_all(&downloads).expect("downloads dir");
    let d = Driver::start(&driver_exe, &downloads);

    d.go(&format!("{base}/cautare"));
    d.wait_for("the login page", |d| d.url().contains("/login"));
    d.screenshot("1-login");
    d.type_into("#user", "demo");
    d.type_into("#password", PASSWORD);
    d.click("button[type=submit]");
    d.wait_for("the search page", |d| d.url().contains("/cautare"));

    d.type_into("input[name=q]", "plata");
    d.click(".searchbar button");
    d.wait_for("results", |d| d.source().contains("class=\"hit\""));
    let results = d.source();
    assert!(results.contains("<b>"), "snippets are highlighted");
    d.screenshot("2-results");

    // Open the results in turn until one shows a scan (some pages of the
    // sample are PDF text layers without an image).
    let hrefs = d.cmd(
        "POST",
        "/execute/sync",
        Some(json!({"script": "return [...document.querySelectorAll('.hit h3 a')].map(a => a.href);", "args": []})),
    );
    let hrefs: Vec<String> = hrefs
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    assert!(!hrefs.is_empty());
    d.click(".hit h3 a");
    d.wait_for("the page viewer", |d| d.url().contains("/pagina/"));
    let mut viewer = d.source();
    for href in hrefs.iter().skip(1) {
        if viewer.contains("/imagine") {
            break;
        }
        d.go(href);
        viewer = d.source();
    }
    assert!(viewer.contains("/imagine"), "a result with a scan");
    assert!(viewer.contains("<mark>"), "the query is marked in the text");
    d.screenshot("3-page");
    let image = d.script_async(
        "const done = arguments[arguments.length - 1];
         const el = document.querySelector('.scan image, .scan img');
         const src = el.getAttribute('href') || el.getAttribute('src');
         fetch(src).then(r => r.blob().then(b => done(r.status + ' ' + b.type + ' ' + b.size)));",
    );
    let image = image.as_str().unwrap_or("").to_string();
    assert!(image.starts_with("200 image/jpeg "), "page image: {image}");

    d.click("a[download]");
    let deadline = Instant::now() + Duration::from_secs(30);
    let file = loop {
        let done: Vec<PathBuf> = std::fs::read_dir(&downloads)
            .expect("downloads")
            .filter_map(|e| e.ok().map(|e| e.path()))
            // Chromium writes `X.crdownload` or a hidden `.org.chromium.*`
            // temp file first, then renames it: wait for the final name.
            .filter(|p| {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                !name.ends_with(".crdownload") && !name.starts_with('.')
            })
            .collect();
        if let Some(f) = done.into_iter().next() {
            break f;
        }
        assert!(Instant::now() < deadline, "the original was not downloaded");
        std::thread::sleep(Duration::from_millis(200));
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    assert!(
        name.starts_with("PMA-"),
        "download named after the dossier: {name}"
    );
    assert!(std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0) > 1000);

    let img_url = format!("{base}{}", viewer_image(&viewer));
    d.go(&img_url);
    d.screenshot("4-image");
    eprintln!("screenshots in {}", artifacts().display());
}

/// The image URL in the viewer's markup.
fn viewer_image(html: &str) -> String {
    let at = html.find("/imagine").expect("image url");
    let start = html[..at].rfind('"').map(|i| i + 1).unwrap_or(at);
    html[start..at + "/imagine".len()].to_string()
}
