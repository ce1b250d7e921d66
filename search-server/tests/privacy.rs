//! Privacy and integrity, one test per hole an attack on a served archive
//! found: scans of pages without text served whole to consultants, a PDF's
//! CNP pages through its clean page, search as a CNP oracle, corrupt
//! objects served as originals, logins keyed on the proxy's address, a
//! masking net that broke JSON, 400 for an oversized body, and connections
//! held open by silent clients.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use arhiva_server::ServerConfig;
use arhiva_store::{Document, Event, Format, Page, TextSource};
use support::{server, start_with, Client, TestServer, CNP, PASSWORD};

const CONSULTANT: &str = "consultant";
const ARHIVIST: &str = "arhivist";

/// A PNG page image (grey lines on white).
fn png() -> Vec<u8> {
    let mut img = image::GrayImage::from_pixel(300, 200, image::Luma([250]));
    for y in (20..180).step_by(20) {
        for x in 20..280 {
            img.put_pixel(x, y, image::Luma([30]));
        }
    }
    let mut out = Vec::new();
    image::DynamicImage::ImageLuma8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out
}

/// Record a document of `pages` pages (texts as given; `None` = no text
/// yet) in dossier PMA-00004 of a server of its own.
fn add_document(s: &TestServer, first: u32, format: Format, texts: &[Option<&str>]) {
    let o = s.state.archive.objects();
    let bytes = match format {
        Format::Png => png(),
        _ => format!("%PDF-1.4 two pages {first}").into_bytes(),
    };
    let doc = o.put_bytes(&bytes).expect("put").id;
    let mut events = vec![Event::DocumentStored {
        document: Document {
            object: doc,
            cota: "PMA-00004".into(),
            file: format!("{first:04}.bin"),
            format,
            size: bytes.len() as u64,
        },
    }];
    for (i, text) in texts.iter().enumerate() {
        let text_id = text.map(|t| o.put_bytes(t.as_bytes()).expect("put").id);
        events.push(Event::PageRecorded {
            page: Page {
                cota: "PMA-00004".into(),
                page: first + i as u32,
                document: doc,
                pdf_page: (format == Format::Pdf).then_some(i as u32 + 1),
                text: text_id,
                text_source: if text.is_some() {
                    TextSource::SidecarTxt
                } else {
                    TextSource::None
                },
                confidence: None,
                words: None,
                size_px: (format == Format::Png).then_some((300, 200)),
                dpi: Some(300),
                flags: vec![],
                payroll: None,
            },
        });
    }
    s.state.archive.commit(events).expect("commit");
}

/// F1: a page that still needs OCR has no words to mask by, and its scan
/// was served whole to consultants.
#[test]
fn a_scan_without_text_is_withheld_from_consultants() {
    let s = start_with(ServerConfig::default());
    add_document(&s, 1, Format::Png, &[None]);
    let mut c = Client::login_to(&s, CONSULTANT);
    for what in ["imagine", "miniatura", "original"] {
        let r = c.get(&format!("/dosar/PMA-00004/pagina/1/{what}"));
        assert_eq!(r.status, 403, "{what}: a scan of unknown content");
        assert!(r.text().contains("OCR"), "{what}: says why: {}", r.text());
    }
    let viewer = c.get("/dosar/PMA-00004/pagina/1").text();
    assert!(viewer.contains("așteaptă OCR"), "{viewer}");
    assert!(
        !viewer.contains("/pagina/1/imagine"),
        "no link to a withheld scan"
    );
    let mut a = Client::login_to(&s, ARHIVIST);
    for what in ["imagine", "miniatura", "original"] {
        let r = a.get(&format!("/dosar/PMA-00004/pagina/1/{what}"));
        assert_eq!(r.status, 200, "{what}: staff see everything");
    }
}

/// F2: `/original` checked the requested page only, and returned the whole
/// PDF; page 2's CNPs went out through page 1's link.
#[test]
fn a_pdf_with_a_cnp_page_is_not_served_through_its_clean_page() {
    let s = start_with(ServerConfig::default());
    let cnp_page = format!("STAT DE PLATĂ\n1 Popescu Ion {CNP} șofer 2150");
    add_document(
        &s,
        1,
        Format::Pdf,
        &[
            Some("Adresă către Primărie, fără date personale"),
            Some(&cnp_page),
        ],
    );
    add_document(
        &s,
        3,
        Format::Pdf,
        &[
            Some("Proces-verbal de predare"),
            Some("Anexa 1, lista dosarelor"),
        ],
    );
    let mut c = Client::login_to(&s, CONSULTANT);
    for n in [1, 2] {
        let r = c.get(&format!("/dosar/PMA-00004/pagina/{n}/original"));
        assert_eq!(r.status, 403, "page {n}: the file holds a CNP page");
        assert!(
            r.text().contains("coduri numerice personale"),
            "{}",
            r.text()
        );
    }
    for n in [3, 4] {
        let r = c.get(&format!("/dosar/PMA-00004/pagina/{n}/original"));
        assert_eq!(r.status, 200, "page {n}: every page of this PDF is clean");
    }
    let r = Client::login_to(&s, ARHIVIST).get("/dosar/PMA-00004/pagina/1/original");
    assert_eq!(r.status, 200);
}

/// F3: a consultant searching a full CNP got its pages (and, knowing sex,
/// birth date and county, 1,000 guesses recovered one in 3 s).
#[test]
fn consultants_cannot_search_cnps_or_their_beginnings() {
    let mut c = Client::login(CONSULTANT);
    for q in [
        CNP.to_string(),
        format!("{}*", &CNP[..7]),
        format!("popescu {}", &CNP[..9]),
    ] {
        let r = c.get(&format!("/cautare?q={}", support::enc(&q)));
        assert_eq!(r.status, 400, "{q}");
        assert!(r.text().contains("nu este permisă"), "{q}: {}", r.text());
        assert!(!r.text().contains("PMA-00001"), "{q}: no hit leaks");
        let api = c.get(&format!("/api/search?q={}", support::enc(&q)));
        assert_eq!(api.status, 400, "{q}");
        assert!(api.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("CNP")));
    }
    assert_eq!(c.get("/cautare?q=Popescu").status, 200);
    let mut a = Client::login(ARHIVIST);
    let r = a.get(&format!("/api/search?q={CNP}"));
    assert_eq!(r.status, 200, "staff may search a CNP");
    assert!(r.json()["total"].as_u64().is_some_and(|n| n >= 1));
}

/// F3: searches were not rate limited; now a token bucket per user.
#[test]
fn searches_are_rate_limited_per_user_with_a_clear_429() {
    let s = start_with(ServerConfig {
        search_rate: 0.2,
        search_burst: 3.0,
        ..ServerConfig::default()
    });
    let mut c = Client::login_to(&s, CONSULTANT);
    for i in 0..3 {
        assert_eq!(
            c.get("/cautare?q=plata").status,
            200,
            "search {i} of the burst"
        );
    }
    let r = c.get("/cautare?q=plata");
    assert_eq!(r.status, 429);
    assert!(r
        .header("retry-after")
        .is_some_and(|v| v.parse::<u64>().is_ok()));
    assert!(r.text().contains("Prea multe căutări"), "{}", r.text());
    let api = c.get("/api/search?q=plata");
    assert_eq!(api.status, 429);
    assert_eq!(api.json()["error"], "rate-limited");
    let mut other = Client::login_to(&s, ARHIVIST);
    assert_eq!(
        other.get("/cautare?q=plata").status,
        200,
        "a bucket per user"
    );
}

/// One raw GET: status, Content-Length, and the bytes that came before the
/// connection closed. A connection closed before any response (a transfer
/// aborted before its first byte) gives status 0.
fn raw_get(addr: std::net::SocketAddr, path: &str, cookie: &str) -> (u16, Option<usize>, Vec<u8>) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let req =
        format!("GET {path} HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).expect("write");
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw); // a reset counts as the end
    let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return (0, None, raw);
    };
    let head = String::from_utf8_lossy(&raw[..end]).to_lowercase();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok());
    (status, length, raw[end + 4..].to_vec())
}

/// F4: a corrupt object was served as "the original as delivered", 200.
#[test]
fn a_corrupt_original_is_never_served_whole() {
    let s = start_with(ServerConfig::default());
    let page = s
        .state
        .archive
        .catalog()
        .page("PMA-00001", 1)
        .expect("catalog")
        .expect("page");
    let path = s.state.archive.objects().path_of(&page.document);
    let mut bytes = std::fs::read(&path).expect("object file");
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    std::fs::write(&path, &bytes).expect("corrupt it");

    let c = Client::login_to(&s, ARHIVIST);
    let cookie = c
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let (status, length, body) = raw_get(s.addr, "/dosar/PMA-00001/pagina/1/original", &cookie);
    assert!(
        status != 200 || length.is_some_and(|l| body.len() < l),
        "status {status}: {} of {length:?} bytes arrived: a complete 200 of corrupt bytes",
        body.len()
    );
    assert_ne!(
        body, s.original,
        "never the bytes as if they were the original"
    );
    // Known corrupt now: refused outright, and on record.
    let (again, _, _) = raw_get(s.addr, "/dosar/PMA-00001/pagina/1/original", &cookie);
    assert_eq!(again, 500);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let entries = arhiva_server::audit::recent(&s.state.archive, None, 1000).expect("audit");
        if entries
            .iter()
            .any(|e| e.action == "object-corrupt" && e.target.starts_with(&page.document.to_hex()))
        {
            break;
        }
        assert!(Instant::now() < deadline, "the corrupt object is audited");
        std::thread::sleep(Duration::from_millis(100));
    }
    // An intact original still streams whole.
    let (ok, length, body) = raw_get(s.addr, "/dosar/PMA-00001/pagina/2/original", &cookie);
    assert_eq!(ok, 200);
    assert_eq!(Some(body.len()), length);
}

fn audited_ip(s: &TestServer, user: &str, action: &str) -> Vec<String> {
    arhiva_server::audit::recent(&s.state.archive, Some(user), 1000)
        .expect("audit")
        .into_iter()
        .filter(|e| e.action == action)
        .map(|e| e.ip)
        .collect()
}

/// F6: behind the TLS proxy every client was 127.0.0.1: one client locked
/// out everyone, and the audit log said 127.0.0.1 for all. There was no
/// limit per account across addresses.
#[test]
fn logins_behind_a_trusted_proxy_are_limited_per_client_and_per_account() {
    let s = start_with(ServerConfig {
        trusted_proxies: vec!["127.0.0.1".parse().expect("ip")],
        ..ServerConfig::default()
    });
    arhiva_server::users::add(
        &s.state.archive,
        "tinta",
        arhiva_server::auth::Role::Consultant,
        PASSWORD,
    )
    .expect("user");
    let from = |ip: &str| {
        let mut c = Client::of(&s);
        c.headers
            .push(("X-Forwarded-For".into(), format!("6.6.6.6, {ip}")));
        c
    };
    // The owner logs in from the office; the audit names the office.
    assert_eq!(
        from("198.51.100.7").try_login("tinta", PASSWORD).status,
        303
    );
    let ips = audited_ip(&s, "tinta", "login");
    assert_eq!(
        ips,
        vec!["198.51.100.7".to_string()],
        "the real client, not the proxy or the claim"
    );

    // A flood of guesses from many addresses.
    let mut checked = 0;
    let mut refused = 0;
    for i in 0..30 {
        match from(&format!("203.0.113.{i}"))
            .try_login("tinta", "ghicit-{i}")
            .status
        {
            401 => checked += 1,
            429 => refused += 1,
            other => panic!("guess {i}: status {other}"),
        }
    }
    assert!(
        checked <= arhiva_server::sessions::MAX_FAILURES_PER_ACCOUNT,
        "{checked} guesses checked against one account"
    );
    assert_eq!(checked + refused, 30);
    // The owner is not locked out at the known address; a new address is held.
    assert_eq!(
        from("198.51.100.7").try_login("tinta", PASSWORD).status,
        303
    );
    assert_eq!(from("192.0.2.99").try_login("tinta", PASSWORD).status, 429);
    // Another client behind the same proxy is not touched.
    assert_eq!(
        from("198.51.100.8").try_login("arhivist", PASSWORD).status,
        303
    );
    let failed = audited_ip(&s, "tinta", "login-failed");
    assert!(
        failed.iter().all(|ip| ip.starts_with("203.0.113.")),
        "{failed:?}"
    );
}

/// F6: proxy headers from a peer that is not a configured proxy are ignored.
#[test]
fn proxy_headers_from_anyone_else_are_ignored() {
    let mut c = Client::new();
    c.headers
        .push(("X-Forwarded-For".into(), "10.9.8.7".into()));
    c.headers.push(("Forwarded".into(), "for=10.9.8.7".into()));
    assert_eq!(c.try_login(ARHIVIST, PASSWORD).status, 303);
    let entries =
        arhiva_server::audit::recent(&server().state.archive, Some(ARHIVIST), 1000).expect("audit");
    assert!(
        entries.iter().all(|e| e.ip != "10.9.8.7"),
        "a claimed address was believed"
    );
}

/// F8: the last net masked inside JSON numbers: `"confidence":92.2119369506836`
/// became `92.2••••…`, which is not JSON.
#[test]
fn the_masking_net_keeps_json_valid() {
    let mut c = Client::login(CONSULTANT);
    let r = c.get("/api/dossiers/PMA-00002");
    assert_eq!(r.status, 200);
    let v = r.json();
    let conf = v["pages"][0]["confidence"].as_f64().expect("a number");
    assert!((conf - 92.2119369506836).abs() < 1e-9, "{conf}");
    assert!(
        !r.text().contains('•'),
        "nothing to mask here: {}",
        r.text()
    );
    let p = c.get("/api/dossiers/PMA-00001/pages/1");
    assert_eq!(p.status, 200);
    let v = p.json();
    assert!(
        !support::has_full_cnp(&p.text()),
        "typed CNP fields are masked: {}",
        p.text()
    );
    assert!(v["payroll"]["rows"][0]["cnp"]
        .as_str()
        .is_some_and(|c| c.contains('•')));
}

/// Lesser: an oversized body got a 400 from the form reader.
#[test]
fn an_oversized_body_gets_413() {
    let mut s = TcpStream::connect(server().addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\nuser=x&password=",
        3 * 1024 * 1024
    );
    s.write_all(head.as_bytes()).expect("write");
    // Part of the body only: the answer must not wait for the rest.
    let _ = s.write_all(&vec![b'a'; 64 * 1024]);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw);
    assert!(
        text.starts_with("HTTP/1.1 413"),
        "{}",
        &text[..text.len().min(200)]
    );
    assert!(text.contains("prea mare"), "{text}");
}

/// Lesser: no header-read or idle timeout: 200 slow connections were held
/// for a minute.
#[test]
fn slow_and_idle_connections_are_closed() {
    let s = start_with(ServerConfig {
        header_timeout: Duration::from_secs(1),
        ..ServerConfig::default()
    });
    let closed_within = |mut conn: TcpStream| -> Duration {
        let t = Instant::now();
        conn.set_read_timeout(Some(Duration::from_secs(15)))
            .expect("timeout");
        let mut buf = [0u8; 4096];
        loop {
            match conn.read(&mut buf) {
                Ok(0) | Err(_) => return t.elapsed(),
                Ok(_) => {}
            }
        }
    };
    // Headers begun, never finished.
    let mut slow = TcpStream::connect(s.addr).expect("connect");
    slow.write_all(b"GET /login HTTP/1.1\r\nHost: x\r\n")
        .expect("write");
    let took = closed_within(slow);
    assert!(took < Duration::from_secs(5), "a slow header held {took:?}");
    // A finished request, then silence on a keep-alive connection.
    let mut idle = TcpStream::connect(s.addr).expect("connect");
    idle.write_all(b"GET /static/favicon.svg HTTP/1.1\r\nHost: x\r\n\r\n")
        .expect("write");
    let took = closed_within(idle);
    assert!(
        took < Duration::from_secs(5),
        "an idle connection held {took:?}"
    );
}
