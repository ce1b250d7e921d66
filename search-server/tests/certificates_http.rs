//! The certificate workflow over HTTP, on the shared test server: an
//! arhivist registers a request, opens the workspace, decides the hits,
//! issues and downloads the certificate; a consultant cannot work requests
//! and cannot issue (403, pages and API alike); every action is in the
//! journal and in the audit log.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use arhiva_server::audit;
use arhiva_server::certificates::register::{CERTIFICATE_KIND, KIND};
use arhiva_store::Event;
use support::{hidden, server, Client, Resp};

/// `arhivist:parola-de-test-1`, for HTTP Basic.
const ARHIVIST_BASIC: &str = "YXJoaXZpc3Q6cGFyb2xhLWRlLXRlc3QtMQ==";
/// `consultant:parola-de-test-1`.
const CONSULTANT_BASIC: &str = "Y29uc3VsdGFudDpwYXJvbGEtZGUtdGVzdC0x";

/// A JSON request with HTTP Basic credentials.
fn send_json(basic: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let addr = server().addr;
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: Basic {basic}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).expect("write");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|x| x.1.to_string())
        .unwrap_or_default();
    (status, body)
}

fn location(r: &Resp) -> String {
    r.header("location").expect("redirect").to_string()
}

fn audit_actions() -> Vec<(String, String, String)> {
    let archive = &server().state.archive;
    audit::recent(archive, None, 100_000)
        .expect("audit")
        .into_iter()
        .map(|e| (e.user, e.action, e.target))
        .collect()
}

fn journaled_request_actions(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    server()
        .state
        .archive
        .journal()
        .read_from(1, |_, e| {
            if let Event::Put {
                kind,
                key: k,
                value,
            } = e
            {
                if kind == KIND && k == key {
                    if let Some(last) = value["history"].as_array().and_then(|h| h.last()) {
                        out.push(last["action"].as_str().unwrap_or("").to_string());
                    }
                }
            }
            Ok(())
        })
        .expect("journal");
    out
}

#[test]
fn an_arhivist_works_a_request_to_the_end_and_a_consultant_cannot_issue() {
    let mut a = Client::login("arhivist");
    let list = a.get("/cereri");
    assert_eq!(list.status, 200);
    assert!(list.text().contains("Registrul cererilor"));
    let form = a.get("/cereri/noua");
    assert_eq!(form.status, 200);
    let token = hidden(&form.text(), "csrf").expect("csrf");

    let fields = [
        ("name", "Ion Popescu"),
        ("address", "Str. Mețianu nr. 1, Arad"),
        ("kind", "petition"),
        ("subject", "seniority"),
        ("period", "1987-1987"),
        ("purpose", "dosarul de pensie"),
    ];
    assert_eq!(a.post("/cereri", &fields).status, 403, "no CSRF token");
    let mut with_token = fields.to_vec();
    with_token.push(("csrf", &token));
    let created = a.post("/cereri", &with_token);
    assert_eq!(created.status, 303, "{}", created.text());
    let url = location(&created);
    assert!(url.starts_with("/cereri/"), "{url}");
    let slug = url.trim_start_matches("/cereri/").to_string();
    let (seq, year) = slug.split_once('-').expect("N-YYYY");
    let key = format!("{year:0>4}-{seq:0>6}");

    let ws = a.get(&url);
    assert_eq!(ws.status, 200);
    let html = ws.text();
    assert!(
        html.contains("PMA-00001") && html.contains("1987-03"),
        "{html}"
    );
    assert!(
        html.contains("/dosar/PMA-00001/pagina/1"),
        "evidence links to the page viewer"
    );
    assert!(html.contains("Confirmă") && html.contains("Respinge"));
    assert!(
        html.contains("în căutare"),
        "first view moves it to in search"
    );

    // A consultant: no register, no workspace, no issuing — pages and API.
    let mut c = Client::login("consultant");
    assert_eq!(c.get("/cereri").status, 403);
    assert_eq!(c.get(&url).status, 403);
    let ctoken = c.csrf();
    let refused = c.post(&format!("{url}/emitere"), &[("csrf", &ctoken)]);
    assert_eq!(refused.status, 403, "a consultant cannot issue");
    let (status, _) = send_json(
        CONSULTANT_BASIC,
        "POST",
        &format!("/api/requests/{slug}/issue"),
        "",
    );
    assert_eq!(status, 403, "nor through the API");

    // Decide: one hit by hand, the rest by the rule.
    let no_token = a.post(
        &format!("{url}/decizie"),
        &[
            ("month", "1987-03"),
            ("cota", "PMA-00001"),
            ("page", "1"),
            ("decision", "confirm"),
        ],
    );
    assert_eq!(no_token.status, 403);
    let one = a.post(
        &format!("{url}/decizie"),
        &[
            ("csrf", &token),
            ("month", "1987-03"),
            ("cota", "PMA-00001"),
            ("page", "1"),
            ("decision", "confirm"),
        ],
    );
    assert_eq!(one.status, 303, "{}", one.text());
    let bogus = a.post(
        &format!("{url}/decizie"),
        &[
            ("csrf", &token),
            ("month", "1999-01"),
            ("cota", "PMA-00002"),
            ("page", "1"),
            ("decision", "confirm"),
        ],
    );
    assert_eq!(bogus.status, 404, "only hits of the search can be decided");
    // Deciding by the rule needs the "Confirm" box: without it, a 400 in
    // Romanian, the workspace as it was, nothing decided.
    let unconfirmed = a.post(&format!("{url}/decizie-automata"), &[("csrf", &token)]);
    assert_eq!(unconfirmed.status, 400, "{}", unconfirmed.text());
    let page = unconfirmed.text();
    assert!(page.contains("bifați „Confirm”"), "{page}");
    assert!(
        page.contains("PMA-00001"),
        "the workspace is shown again: {page}"
    );
    assert!(
        !journaled_request_actions(&key)
            .iter()
            .any(|s| s == "decide"),
        "nothing decided without confirmation"
    );
    assert_eq!(
        a.post(
            &format!("{url}/decizie-automata"),
            &[("csrf", &token), ("confirm", "1")]
        )
        .status,
        303
    );
    let html = a.get(&url).text();
    assert!(html.contains("confirmat"));
    assert!(html.contains("Toate rezultatele au o decizie."), "{html}");
    assert!(html.contains("Perioadele adeverinței"));

    // The draft can be read; then the arhivist issues.
    let draft = a.get(&format!("{url}/proiect.pdf"));
    assert_eq!(draft.status, 200);
    assert!(draft.body.starts_with(b"%PDF"));
    let unconfirmed = a.post(&format!("{url}/emitere"), &[("csrf", &token)]);
    assert_eq!(unconfirmed.status, 400, "issuing needs the Confirm box");
    assert!(unconfirmed.text().contains("bifați „Confirm”"));
    assert_eq!(
        a.get(&format!("{url}/document.pdf")).status,
        404,
        "nothing issued without confirmation"
    );
    let issued = a.post(
        &format!("{url}/emitere"),
        &[("csrf", &token), ("confirm", "1")],
    );
    assert_eq!(issued.status, 303, "{}", issued.text());
    let pdf = a.get(&format!("{url}/document.pdf"));
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    let text = pdf_extract::extract_text_from_mem(&pdf.body).expect("pdf text");
    assert!(
        text.contains("Ion Popescu") && text.contains("PMA-00001"),
        "{text}"
    );
    let again = a.get(&format!("{url}/document.pdf"));
    assert!(again.body == pdf.body, "re-print is identical");
    let twice = a.post(
        &format!("{url}/emitere"),
        &[("csrf", &token), ("confirm", "1")],
    );
    assert_eq!(twice.status, 400, "an issued request is closed");

    // The API shows the same request, closed, with its periods.
    let (status, body) = send_json(ARHIVIST_BASIC, "GET", &format!("/api/requests/{slug}"), "");
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["status"], "issued");
    assert_eq!(v["urgency"], "closed");
    assert!(v["periods"].as_array().is_some_and(|p| !p.is_empty()));

    // Journal: every step of the request; the certificate names its object.
    let steps = journaled_request_actions(&key);
    for step in ["register", "search", "confirm", "issue"] {
        assert!(
            steps.iter().any(|s| s == step),
            "{step} not journaled: {steps:?}"
        );
    }
    let cert = server()
        .state
        .archive
        .catalog()
        .record(CERTIFICATE_KIND, &key)
        .expect("catalog")
        .expect("certificate record");
    assert_eq!(cert["object"], v["issued"]["object"]);

    // Audit log: the same steps, by the arhivist; the download and the refusals' absence.
    std::thread::sleep(Duration::from_millis(300));
    let entries = audit_actions();
    let number = format!("{seq}/{year}");
    for action in [
        "request-register",
        "request-search",
        "request-confirm",
        "request-issue",
        "view-request",
    ] {
        assert!(
            entries
                .iter()
                .any(|(u, a, t)| u == "arhivist" && a == action && t.contains(&number)),
            "{action} not in the audit log"
        );
    }
    assert!(entries
        .iter()
        .any(|(u, a, t)| u == "arhivist" && a == "download" && t.contains(&number)));
    assert!(
        !entries
            .iter()
            .any(|(u, a, _)| u == "consultant" && a.starts_with("request-")),
        "nothing was done for the consultant"
    );
}

#[test]
fn requests_are_registered_and_listed_through_the_json_api() {
    let body = serde_json::json!({
        "name": "Maria Ștefănescu",
        "former_names": ["Maria Pop"],
        "kind": "public-info",
        "registered": "2024-01-31",
    })
    .to_string();
    let (status, created) = send_json(ARHIVIST_BASIC, "POST", "/api/requests", &body);
    assert_eq!(status, 201, "{created}");
    let v: serde_json::Value = serde_json::from_str(&created).expect("json");
    assert_eq!(v["registered"], "2024-01-31");
    assert_eq!(v["due"], "2024-02-10", "public information: 10 days");
    assert_eq!(v["urgency"], "overdue");
    let (status, _) = send_json(CONSULTANT_BASIC, "POST", "/api/requests", &body);
    assert_eq!(status, 403);
    let (status, bad) = send_json(
        ARHIVIST_BASIC,
        "POST",
        "/api/requests",
        r#"{"name": "X", "cnp": "123"}"#,
    );
    assert_eq!(status, 400, "{bad}");
    let (status, list) = send_json(ARHIVIST_BASIC, "GET", "/api/requests", "");
    assert_eq!(status, 200);
    assert!(list.contains("Maria Ștefănescu"));
    let mut a = Client::login("arhivist");
    let english = a.get("/cereri?lang=en").text();
    assert!(
        english.contains("Requests register") && english.contains("overdue"),
        "{english}"
    );
    let html = a.get("/cereri?lang=ro").text();
    assert!(
        html.contains("Maria Ștefănescu") && html.contains("termen depășit"),
        "overdue is marked"
    );
}

#[test]
fn the_certificate_names_the_clerk_by_full_name_and_function() {
    // The admin gives the new clerk a name and a function on the users page.
    let mut admin = Client::login("admin");
    let token = admin.csrf();
    let added = admin.post(
        "/admin/utilizatori",
        &[
            ("csrf", &token),
            ("name", "m.ionescu"),
            ("role", "arhivist"),
            ("password", support::PASSWORD),
            ("full_name", "Maria  Ionescu"),
            ("function", "inspector"),
        ],
    );
    assert_eq!(added.status, 303, "{}", added.text());
    let users = admin.get("/admin/utilizatori").text();
    assert!(users.contains(r#"value="Maria Ionescu""#), "{users}");

    let mut a = Client::login("m.ionescu");
    let token = a.csrf();
    let created = a.post(
        "/cereri",
        &[
            ("csrf", &token),
            ("name", "Ion Popescu"),
            ("subject", "seniority"),
            ("period", "1987-1987"),
        ],
    );
    assert_eq!(created.status, 303, "{}", created.text());
    let url = location(&created);
    let html = a.get(&url).text();
    assert!(
        html.contains(r#"name="confirm" value="1" required"#),
        "irreversible actions ask for confirmation: {html}"
    );
    let decided = a.post(
        &format!("{url}/decizie-automata"),
        &[("csrf", &token), ("confirm", "1")],
    );
    assert_eq!(decided.status, 303, "{}", decided.text());
    let issued = a.post(
        &format!("{url}/emitere"),
        &[("csrf", &token), ("confirm", "1")],
    );
    assert_eq!(issued.status, 303, "{}", issued.text());
    let pdf = a.get(&format!("{url}/document.pdf"));
    assert_eq!(pdf.status, 200);
    let text = pdf_extract::extract_text_from_mem(&pdf.body).expect("pdf text");
    assert!(text.contains("Întocmit"), "{text}");
    assert!(
        text.contains("Maria Ionescu"),
        "the clerk's full name: {text}"
    );
    assert!(text.contains("inspector"), "the clerk's function: {text}");
    assert!(!text.contains("m.ionescu"), "not the login: {text}");

    // The history reads in Romanian, in Bucharest time with the zone.
    let html = a.get(&url).text();
    for verb in [
        "cerere înregistrată",
        "căutare în statele de plată",
        "decizii după regulă",
        "adeverință eliberată",
    ] {
        assert!(html.contains(verb), "{verb} missing: {html}");
    }
    assert!(html.contains("Când (ora României)"), "{html}");
    assert!(html.contains(" EET<") || html.contains(" EEST<"), "{html}");
    assert!(!html.contains("<td>issue</td>"), "no English codes: {html}");
    assert!(
        html.contains("Maria Ionescu"),
        "issued by the clerk: {html}"
    );
    let english = a.get(&format!("{url}?lang=en")).text();
    assert!(english.contains("certificate issued"), "{english}");
    assert!(english.contains("When (Romania time)"), "{english}");
    a.get(&format!("{url}?lang=ro"));
}

#[test]
fn history_and_audit_show_bucharest_time_with_the_zone() {
    use arhiva_server::certificates::register::{register, Actor};
    use arhiva_server::certificates::{FixedClock, NewRequest};
    use time::macros::datetime;

    let archive = &server().state.archive;
    let actor = Actor::new("ghiseu.fix", "127.0.0.1");
    let new = || NewRequest {
        name: "Elena Mureșan".into(),
        ..NewRequest::default()
    };
    // Winter (EET, UTC+2) and summer (EEST, UTC+3).
    let winter = register(
        archive,
        &actor,
        &FixedClock(datetime!(2026-12-03 09:25:07 UTC)),
        new(),
    )
    .expect("register");
    let summer = register(
        archive,
        &actor,
        &FixedClock(datetime!(2026-07-01 21:30:00 UTC)),
        new(),
    )
    .expect("register");
    let mut a = Client::login("arhivist");
    let html = a.get(&format!("/cereri/{}", winter.number.slug())).text();
    assert!(html.contains("03.12.2026 11:25 EET"), "{html}");
    assert!(html.contains("cerere înregistrată"), "{html}");
    let html = a.get(&format!("/cereri/{}", summer.number.slug())).text();
    assert!(html.contains("02.07.2026 00:30 EEST"), "{html}");

    let mut admin = Client::login("admin");
    let audit = admin.get("/admin/audit?utilizator=ghiseu.fix").text();
    assert!(audit.contains("Când (ora României)"), "{audit}");
    assert!(audit.contains("03.12.2026 11:25 EET"), "{audit}");
    assert!(audit.contains("02.07.2026 00:30 EEST"), "{audit}");
    assert!(!audit.contains("2026-12-03 09:25"), "no UTC shown: {audit}");
}
