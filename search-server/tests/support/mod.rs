//! Test harness: a small archive (five dossiers, a few pages, a payroll
//! page with a CNP, a disposed dossier, two past their term, a quarantined
//! file), a real server on a loopback port, and a tiny HTTP/1.1 client
//! with a cookie jar.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use arhiva_index::SearchIndex;
use arhiva_server::auth::Role;
use arhiva_server::{users, AppState, ServerConfig};
use arhiva_store::{
    Archive, Document, Dossier, Event, Format, Location, Page, PageFlag, Payroll, PayrollRow,
    RetentionTerm, TermSource, TextSource, WordBox,
};

/// The CNP on the payroll page (valid check digit).
pub const CNP: &str = "1870312020018";
/// Every test user's password.
pub const PASSWORD: &str = "parola-de-test-1";

/// A running test server.
pub struct TestServer {
    /// Its address.
    pub addr: SocketAddr,
    /// The data directory.
    pub data: PathBuf,
    /// The original bytes of PMA-00001 page 1.
    pub original: Vec<u8>,
    /// The state (to look at the archive).
    pub state: AppState,
}

/// The one server the tests share (started on first use).
pub fn server() -> &'static TestServer {
    static SERVER: OnceLock<TestServer> = OnceLock::new();
    SERVER.get_or_init(start)
}

fn png(w: u32, h: u32, shade: u8) -> Vec<u8> {
    let mut img = image::GrayImage::from_pixel(w, h, image::Luma([250]));
    for y in (20..h - 20).step_by(24) {
        for x in 30..w - 30 {
            if (x / 7 + y) % 5 != 0 {
                img.put_pixel(x, y, image::Luma([shade]));
            }
        }
    }
    let mut out = Vec::new();
    image::DynamicImage::ImageLuma8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out
}

fn dossier(
    cota: &str,
    title: &str,
    dept: &str,
    years: (i32, i32),
    term: RetentionTerm,
    doc_type: &str,
) -> Dossier {
    Dossier {
        cota: cota.into(),
        fond: "Primăria Municipiului Arad".into(),
        inventory: "test-inv".into(),
        indicativ: "III/1".into(),
        title: title.into(),
        department: dept.into(),
        first_year: years.0,
        last_year: years.1,
        sheets: Some(12),
        term,
        term_source: TermSource::Nomenclator {
            version: "HCL 12/2019".into(),
        },
        location: Location {
            room: "Sala 2".into(),
            shelf: "Raft 14".into(),
            box_: "Cutia 203".into(),
        },
        notes: String::new(),
        doc_type: doc_type.into(),
        batch: "test-batch".into(),
    }
}

/// Build the archive and index in `data`.
pub fn seed(data: &std::path::Path) -> (Archive, SearchIndex, Vec<u8>) {
    let archive = Archive::open(data).expect("open archive");
    let o = archive.objects();
    let mut events = vec![Event::BatchStarted {
        batch: "test-batch".into(),
        delivery: "livrare-2021-07-15".into(),
        at: "2021-07-15T08:00:00Z".into(),
    }];
    let pay = dossier(
        "PMA-00001",
        "State de plată ale personalului, 1987",
        "Contabilitate",
        (1987, 1987),
        RetentionTerm::Years(50),
        "payroll",
    );
    let council = dossier(
        "PMA-00002",
        "Hotărâri ale Consiliului Local Municipal Arad, 1998-2001",
        "Secretariat",
        (1998, 2001),
        RetentionTerm::Permanent,
        "council",
    );
    let gone = dossier(
        "PMA-00003",
        "Corespondență cu instituții publice, 1990",
        "Registratură",
        (1990, 1990),
        RetentionTerm::Years(3),
        "correspondence",
    );
    let texts = [
        format!("STAT DE PLATĂ pe luna martie 1987\nNr. Numele și prenumele CNP Funcția Salariu\n1 Popescu Ion {CNP} șofer 2150\n2 Ionescu Maria 2650101020031 contabilă 2400"),
        "STAT DE PLATĂ pe luna aprilie 1987\n1 Popescu Ion şofer 2150\n2 Ionescu Maria contabilă 2400".to_string(),
        "HOTĂRÂREA nr. 12 din 1998 privind aprobarea bugetului local <script>alert(1)</script>".to_string(),
        "Hotărârea nr. 13 din 1999 privind concesionarea terenului din strada Mihai Eminescu".to_string(),
    ];
    let original = png(600, 400, 40);
    let mut pages = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let (d, n) = match i {
            0 | 1 => (&pay, i as u32 + 1),
            _ => (&council, i as u32 - 1),
        };
        let (doc_bytes, format) = if d.cota == "PMA-00001" {
            (
                if n == 1 {
                    original.clone()
                } else {
                    png(600, 400, 90)
                },
                Format::Png,
            )
        } else {
            (format!("%PDF-1.4 test {n}").into_bytes(), Format::Pdf)
        };
        let doc = o.put_bytes(&doc_bytes).expect("put doc").id;
        let text_id = o.put_bytes(text.as_bytes()).expect("put text").id;
        let words = (d.cota == "PMA-00001" && n == 1).then(|| {
            let wb = |t: &str, x, y| WordBox {
                text: t.into(),
                x,
                y,
                w: 90,
                h: 20,
                conf: Some(91.0),
            };
            let boxes = vec![
                wb("STAT", 40, 20),
                wb("DE", 140, 20),
                wb("PLATĂ", 200, 20),
                wb("Popescu", 40, 68),
                wb(CNP, 200, 68),
                wb("șofer", 320, 68),
                wb("Ionescu", 40, 116),
                wb("2650101020031", 200, 116),
                wb("contabilă", 320, 116),
            ];
            o.put_bytes(&serde_json::to_vec(&boxes).expect("json"))
                .expect("put words")
                .id
        });
        events.push(Event::DocumentStored {
            document: Document {
                object: doc,
                cota: d.cota.clone(),
                file: format!("{n:04}.png"),
                format,
                size: doc_bytes.len() as u64,
            },
        });
        let payroll = (d.cota == "PMA-00001").then(|| Payroll {
            year: 1987,
            month: 3 + n as u8 - 1,
            rows: vec![PayrollRow {
                name: "Popescu Ion".into(),
                cnp: (n == 1).then(|| CNP.to_string()),
                function: Some("șofer".into()),
                salary: Some("2150".into()),
            }],
        });
        pages.push(Page {
            cota: d.cota.clone(),
            page: n,
            document: doc,
            pdf_page: (format == Format::Pdf).then_some(n),
            text: Some(text_id),
            text_source: if words.is_some() {
                TextSource::Hocr
            } else {
                TextSource::SidecarTxt
            },
            // 92.21194_f32 widens to 92.2119369506836 in JSON: a decimal
            // whose fraction is 13 digits, not a CNP.
            confidence: if words.is_some() {
                Some(91.0)
            } else if d.cota == "PMA-00002" {
                Some(92.21194)
            } else {
                None
            },
            words,
            size_px: (format == Format::Png).then_some((600, 400)),
            dpi: Some(300),
            flags: if n == 2 && d.cota == "PMA-00001" {
                vec![PageFlag::LowDpi { dpi: 150 }]
            } else {
                vec![]
            },
            payroll,
        });
    }
    // Past their term (the retention page): one to propose, one to hold.
    let due = dossier(
        "PMA-00004",
        "Registru de intrări-ieșiri, 2005",
        "Registratură",
        (2005, 2005),
        RetentionTerm::Years(5),
        "correspondence",
    );
    let disputed = dossier(
        "PMA-00005",
        "Contracte de închiriere, 2001",
        "Patrimoniu",
        (2001, 2001),
        RetentionTerm::Years(10),
        "contracts",
    );
    for d in [&pay, &council, &gone, &due, &disputed] {
        events.push(Event::DossierRecorded { dossier: d.clone() });
    }
    events.extend(pages.into_iter().map(|page| Event::PageRecorded { page }));
    events.push(Event::Quarantined {
        batch: "test-batch".into(),
        file: "PMA-00009/0003.tif".into(),
        code: "truncated-image".into(),
        reason: "TIFF ends before its last strip".into(),
    });
    events.push(Event::BatchFinished {
        batch: "test-batch".into(),
        summary: serde_json::json!({ "dossiers": 3, "pages": 4, "quarantined": 1 }),
    });
    events.push(Event::DossierDisposed {
        cota: "PMA-00003".into(),
        approval: "nr. 1234 / 2026-05-04".into(),
        removed: vec![],
    });
    archive.commit(events).expect("commit");
    let (index, _) = SearchIndex::open(&data.join("index")).expect("index");
    arhiva_index::rebuild(&index, &archive).expect("rebuild");
    for (name, role) in [
        ("consultant", Role::Consultant),
        ("arhivist", Role::Arhivist),
        ("admin", Role::Admin),
    ] {
        users::add(&archive, name, role, PASSWORD).expect("add user");
    }
    (archive, index, original)
}

fn start() -> TestServer {
    start_with(ServerConfig::default())
}

/// A server of its own over a freshly seeded archive, with `config` (for
/// tests that change settings or damage the archive).
pub fn start_with(config: ServerConfig) -> TestServer {
    let dir = tempfile::tempdir().expect("tempdir").keep();
    let (archive, index, original) = seed(&dir);
    let state = AppState::new(Arc::new(archive), Arc::new(index), config);
    TestServer {
        original,
        ..serve_state(state, dir)
    }
}

/// Serve `state` (over the archive in `data`) on a loopback port.
pub fn serve_state(state: AppState, data: PathBuf) -> TestServer {
    let (tx, rx) = std::sync::mpsc::channel();
    let st = state.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            arhiva_server::serve(listener, st, std::future::pending())
                .await
                .expect("serve");
        });
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("server started");
    TestServer {
        addr,
        data,
        original: Vec::new(),
        state,
    }
}

/// A response.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// A client with a cookie jar.
#[derive(Debug, Clone, Default)]
pub struct Client {
    pub addr: Option<SocketAddr>,
    pub cookies: BTreeMap<String, String>,
    pub basic: Option<String>,
    /// Extra request headers (e.g. `X-Forwarded-For`).
    pub headers: Vec<(String, String)>,
}

impl Client {
    pub fn new() -> Client {
        Client {
            addr: Some(server().addr),
            ..Default::default()
        }
    }

    /// A client of another server.
    pub fn of(server: &TestServer) -> Client {
        Client {
            addr: Some(server.addr),
            ..Default::default()
        }
    }

    /// A client of another server, logged in as `user`.
    pub fn login_to(server: &TestServer, user: &str) -> Client {
        let mut c = Client::of(server);
        let r = c.try_login(user, PASSWORD);
        assert_eq!(r.status, 303, "login as {user}: {}", r.text());
        c
    }

    /// A client logged in as `user` (through the login form).
    pub fn login(user: &str) -> Client {
        let mut c = Client::new();
        let r = c.try_login(user, PASSWORD);
        assert_eq!(r.status, 303, "login as {user}: {}", r.text());
        c
    }

    pub fn try_login(&mut self, user: &str, password: &str) -> Resp {
        let form = self.get("/login");
        let token = hidden(&form.text(), "csrf").expect("login token");
        self.post(
            "/login",
            &[
                ("user", user),
                ("password", password),
                ("csrf", &token),
                ("next", "/cautare"),
            ],
        )
    }

    /// The CSRF token from a page's forms.
    pub fn csrf(&mut self) -> String {
        let page = self.get("/cautare");
        hidden(&page.text(), "csrf").expect("csrf token in page")
    }

    pub fn get(&mut self, path: &str) -> Resp {
        self.send("GET", path, None)
    }

    pub fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Resp {
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.send("POST", path, Some(body))
    }

    pub fn send(&mut self, method: &str, path: &str, body: Option<String>) -> Resp {
        let addr = self.addr.unwrap_or_else(|| server().addr);
        let mut s = TcpStream::connect(addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
        if !self.cookies.is_empty() {
            let c: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            req.push_str(&format!("Cookie: {}\r\n", c.join("; ")));
        }
        if let Some(b) = &self.basic {
            req.push_str(&format!("Authorization: Basic {b}\r\n"));
        }
        for (k, v) in &self.headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        if let Some(b) = &body {
            req.push_str(&format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
                b.len()
            ));
        }
        req.push_str("\r\n");
        if let Some(b) = &body {
            req.push_str(b);
        }
        s.write_all(req.as_bytes()).expect("write");
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).expect("read");
        let resp = parse(&raw);
        for (k, v) in &resp.headers {
            if k.eq_ignore_ascii_case("set-cookie") {
                let pair = v.split(';').next().unwrap_or("");
                if let Some((name, value)) = pair.split_once('=') {
                    if value.is_empty() || v.contains("Max-Age=0") {
                        self.cookies.remove(name);
                    } else {
                        self.cookies.insert(name.to_string(), value.to_string());
                    }
                }
            }
        }
        resp
    }
}

fn parse(raw: &[u8]) -> Resp {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        let mut out = Vec::new();
        let mut rest = &body[..];
        while let Some(nl) = rest.windows(2).position(|w| w == b"\r\n") {
            let size =
                usize::from_str_radix(String::from_utf8_lossy(&rest[..nl]).trim(), 16).unwrap_or(0);
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[nl + 2..nl + 2 + size]);
            rest = &rest[nl + 2 + size + 2..];
        }
        body = out;
    }
    Resp {
        status,
        headers,
        body,
    }
}

/// Percent-encode a form value.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The value of the first hidden input named `name`.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\" value=\"");
    let start = html.find(&needle)? + needle.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_string())
}

/// Whether a body contains a full CNP-looking number (13 digits, first 1-9).
pub fn has_full_cnp(body: &str) -> bool {
    let b = body.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let s = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i - s == 13 && b[s] != b'0' {
                return true;
            }
        } else {
            i += 1;
        }
    }
    false
}
