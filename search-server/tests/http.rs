//! End-to-end tests over HTTP: a real server on a loopback port, every
//! page and API route, with each role.

mod support;

use support::{has_full_cnp, hidden, server, Client, CNP, PASSWORD};

const CONSULTANT: &str = "consultant";
const ARHIVIST: &str = "arhivist";
const ADMIN: &str = "admin";

#[test]
fn logged_out_requests_go_to_login_or_get_401() {
    let mut c = Client::new();
    for path in [
        "/cautare?q=plata",
        "/dosar/PMA-00001",
        "/dosar/PMA-00001/pagina/1",
        "/dosar/PMA-00001/pagina/1/original",
        "/admin/audit",
        "/loturi",
        "/retentie",
        "/retentie/propuneri/PE-2026-001/proces-verbal.pdf",
    ] {
        let r = c.get(path);
        assert_eq!(r.status, 303, "{path}");
        let loc = r.header("location").expect("location");
        assert!(loc.starts_with("/login?next=%2F"), "{path} → {loc}");
    }
    for path in [
        "/api/search?q=plata",
        "/api/dossiers/PMA-00001",
        "/api/me",
        "/api/person?name=Popescu",
    ] {
        let r = c.get(path);
        assert_eq!(r.status, 401, "{path}");
        assert!(r
            .header("www-authenticate")
            .is_some_and(|v| v.starts_with("Basic")));
        assert_eq!(r.json()["error"], "unauthorized");
    }
    let login = c.get("/login");
    assert_eq!(login.status, 200);
    assert!(login.text().contains("Autentificare"));
    assert!(login.text().contains("lang=\"ro\""));
}

#[test]
fn login_needs_its_token_and_the_right_password_and_sets_strict_cookies() {
    let mut c = Client::new();
    let no_token = c.post("/login", &[("user", ARHIVIST), ("password", PASSWORD)]);
    assert_eq!(no_token.status, 403);
    assert!(no_token.text().contains("Formularul a expirat"));
    let wrong = c.try_login(ARHIVIST, "parola-gresita");
    assert_eq!(wrong.status, 401);
    assert!(wrong.text().contains("Utilizator sau parolă greșite."));
    let ok = c.try_login(ARHIVIST, PASSWORD);
    assert_eq!(ok.status, 303);
    let cookie = ok
        .headers
        .iter()
        .find(|(k, v)| k.eq_ignore_ascii_case("set-cookie") && v.starts_with("arhiva_session="))
        .expect("session cookie");
    assert!(
        cookie.1.contains("HttpOnly") && cookie.1.contains("SameSite=Strict"),
        "{}",
        cookie.1
    );
    assert_eq!(c.get("/cautare").status, 200);

    let no_csrf = c.post("/logout", &[]);
    assert_eq!(
        no_csrf.status, 403,
        "logout without the CSRF token is refused"
    );
    let token = c.csrf();
    assert_eq!(c.post("/logout", &[("csrf", &token)]).status, 303);
    assert_eq!(c.get("/cautare").status, 303, "logged out");
}

#[test]
fn failed_logins_are_rate_limited_per_address_and_user() {
    let mut c = Client::new();
    {
        let s = server();
        let archive = &s.state.archive;
        if arhiva_server::users::get(archive, "tinta")
            .expect("get")
            .is_none()
        {
            arhiva_server::users::add(
                archive,
                "tinta",
                arhiva_server::auth::Role::Consultant,
                PASSWORD,
            )
            .expect("add");
        }
    }
    for _ in 0..5 {
        assert_eq!(c.try_login("tinta", "nu-e-parola").status, 401);
    }
    let blocked = c.try_login("tinta", PASSWORD);
    assert_eq!(blocked.status, 429, "even the right password waits");
    assert!(blocked.header("retry-after").is_some());
    assert!(blocked.text().contains("Prea multe"));
}

#[test]
fn search_page_finds_diacritic_free_words_with_facets_and_highlights() {
    let mut c = Client::login(ARHIVIST);
    let r = c.get("/cautare?q=plata");
    assert_eq!(r.status, 200);
    let html = r.text();
    assert!(html.contains("PMA-00001"), "{html}");
    assert!(
        html.contains("<b>PLATĂ</b>") || html.contains("<b>plată</b>"),
        "snippet highlight"
    );
    assert!(html.contains("2 pagini găsite"));
    assert!(
        html.contains("Contabilitate") && html.contains("class=\"count\""),
        "facets"
    );
    assert!(html.contains("/dosar/PMA-00001/pagina/1?q=plata"));
    let filtered = c.get("/cautare?q=hotarare&de_la=1999&pana_la=2005&compartiment=Secretariat");
    assert_eq!(filtered.status, 200);
    assert!(filtered.text().contains("PMA-00002"));
    let none = c.get("/cautare?q=plata&tip=council");
    assert!(none.text().contains("Nicio pagină"));
}

#[test]
fn snippets_and_texts_are_escaped() {
    let mut c = Client::login(ARHIVIST);
    let r = c.get("/cautare?q=bugetului");
    assert!(r.text().contains("PMA-00002"));
    assert!(
        !r.text().contains("<script>alert"),
        "snippet must be escaped"
    );
    let p = c.get("/dosar/PMA-00002/pagina/1?q=bugetului");
    assert!(!p.text().contains("<script>alert"));
    assert!(p.text().contains("&lt;script&gt;"));
}

#[test]
fn bad_input_gets_a_friendly_400_or_404_never_500() {
    let mut c = Client::login(ARHIVIST);
    let long = "a".repeat(20_000);
    let cases: Vec<(String, u16)> = vec![
        (format!("/cautare?q={long}"), 400),
        ("/cautare?p=abc".into(), 400),
        ("/cautare?p=0".into(), 400),
        ("/cautare?p=99999999999999999999".into(), 400),
        ("/cautare?de_la=19x".into(), 400),
        ("/cautare?ordine=sideways".into(), 400),
        ("/dosar/..%2F..%2Fetc%2Fpasswd".into(), 404),
        (
            "/dosar/%2e%2e%2f%2e%2e%2fetc%2fpasswd/pagina/1/original".into(),
            404,
        ),
        ("/dosar/../../etc/passwd".into(), 404),
        ("/dosar/PMA-00001/pagina/999".into(), 404),
        ("/dosar/PMA-00001/pagina/abc".into(), 404),
        ("/dosar/PMA-00001/pagina/-1/original".into(), 404),
        ("/dosar/PMA-00001/pagina/99999999999/imagine".into(), 404),
        ("/dosar/NU-EXISTA".into(), 404),
        ("/static/../Cargo.toml".into(), 404),
        ("/nimic".into(), 404),
        ("/api/dossiers/NU-EXISTA".into(), 404),
        ("/api/search?q=(((".into(), 400),
        ("/api/search?limit=100000".into(), 400),
        (format!("/dosar/{}", "X".repeat(5000)), 404),
    ];
    for (path, want) in cases {
        let r = c.get(&path);
        assert_eq!(r.status, want, "{}", &path[..path.len().min(80)]);
        let body = r.text();
        if path.starts_with("/api/") {
            assert!(r.json()["message"].is_string());
        } else {
            assert!(
                body.contains("<h1>"),
                "friendly page for {}",
                &path[..path.len().min(80)]
            );
            assert!(body.contains("Înapoi la căutare"));
        }
    }
    // A query that does not parse: the search page again, with the query
    // in the box and what to fix, in the reader's language.
    for (q, typed, ro, en) in [
        (
            "%22unclosed",
            "&quot;unclosed",
            "ghilimelele nu sunt închise",
            "quotation mark is not closed",
        ),
        (
            "(((",
            "(((",
            "parantezele nu se închid",
            "parentheses do not match",
        ),
        (
            "an:[1990%20TO",
            "an:[1990 TO",
            "folosiți câmp:valoare",
            "use field:value",
        ),
        ("titlu:de", "titlu:de", "prea des întâlnit", "too common"),
    ] {
        let r = c.get(&format!("/cautare?q={q}&lang=ro"));
        assert_eq!(r.status, 400, "{q}");
        let body = r.text();
        assert!(
            body.contains(&format!("value=\"{typed}\"")),
            "{q}: query kept: {body}"
        );
        assert!(
            body.contains("Căutarea trebuie corectată") && body.contains(ro),
            "{q}: {body}"
        );
        let en_body = c.get(&format!("/cautare?q={q}&lang=en")).text();
        assert!(en_body.contains(en), "{q}: {en_body}");
    }
    c.get("/cautare?lang=ro");
    let r = c.get("/cautare?q=%FF%FE%C0");
    assert_eq!(r.status, 200, "invalid UTF-8 is read lossily");
    let r = c.send("DELETE", "/cautare", None);
    assert!(r.status == 405 || r.status == 404, "{}", r.status);
    assert!(r.text().contains("<h1>"));
    let r = c.send("POST", "/admin/utilizatori", Some("%%%=&&&".into()));
    assert!(r.status == 400 || r.status == 403, "{}", r.status);
}

#[test]
fn dossier_sheet_shows_the_inventory_description_and_disposal() {
    let mut c = Client::login(ARHIVIST);
    let r = c.get("/dosar/PMA-00001");
    assert_eq!(r.status, 200);
    let html = r.text();
    for s in [
        "Cotă",
        "Conținut",
        "Date extreme",
        "Nr. file",
        "Termen de păstrare",
        "50 de ani",
        "Compartiment",
        "Contabilitate",
        "Sala",
        "Raft",
        "Cutia",
        "203",
        "/dosar/PMA-00001/pagina/2/miniatura",
    ] {
        assert!(html.contains(s), "missing {s}");
    }
    let gone = c.get("/dosar/PMA-00003").text();
    assert!(gone.contains("eliminat") && gone.contains("nr. 1234 / 2026-05-04"));
    let thumb = c.get("/dosar/PMA-00001/pagina/2/miniatura");
    assert_eq!(thumb.status, 200);
    assert_eq!(&thumb.body[..2], &[0xFF, 0xD8], "JPEG");
    assert_eq!(
        c.get("/dosar/PMA-00002/pagina/1/miniatura").status,
        404,
        "a PDF page has no image here"
    );
}

#[test]
fn page_viewer_highlights_text_and_scan_and_pages_on() {
    let mut c = Client::login(ARHIVIST);
    let r = c.get("/dosar/PMA-00001/pagina/1?q=plata%20sofer");
    assert_eq!(r.status, 200);
    let html = r.text();
    assert!(html.contains("<mark>PLATĂ</mark>"), "text highlight");
    assert!(html.contains("<mark>șofer</mark>"));
    assert!(
        html.contains("<svg") && html.matches("class=\"hl\"").count() == 2,
        "two boxes on the scan"
    );
    assert!(
        html.contains("/dosar/PMA-00001/pagina/2?q=plata%20sofer"),
        "next page keeps the query"
    );
    assert!(html.contains("hOCR") && html.contains("91%"));
    assert!(html.contains(CNP), "an arhivist sees the CNP");
    let p2 = c.get("/dosar/PMA-00001/pagina/2").text();
    assert!(p2.contains("rezoluție mică (150 DPI)"), "QA flag");
    let img = c.get("/dosar/PMA-00001/pagina/1/imagine");
    assert_eq!(img.status, 200);
    assert_eq!(img.header("content-type"), Some("image/jpeg"));
}

#[test]
fn originals_download_by_catalog_id_and_are_audited() {
    let mut c = Client::login(ARHIVIST);
    let r = c.get("/dosar/PMA-00001/pagina/1/original");
    assert_eq!(r.status, 200);
    assert_eq!(r.body, server().original);
    assert_eq!(r.header("content-type"), Some("image/png"));
    assert_eq!(
        r.header("content-disposition"),
        Some("attachment; filename=\"PMA-00001_0001.png\"")
    );
    let entries =
        arhiva_server::audit::recent(&server().state.archive, Some(ARHIVIST), 1000).expect("audit");
    let dl = entries
        .iter()
        .find(|e| e.action == "download")
        .expect("download audited");
    assert!(dl.target.starts_with("PMA-00001 p. 1"));
    assert_eq!(dl.ip, "127.0.0.1");
}

#[test]
fn consultants_never_see_a_full_cnp() {
    let mut c = Client::login(CONSULTANT);
    for path in [
        "/cautare?q=Popescu",
        "/cautare?q=plata",
        "/dosar/PMA-00001",
        "/dosar/PMA-00001/pagina/1?q=popescu",
        "/dosar/PMA-00001/pagina/2",
        "/api/search?q=popescu",
        "/api/dossiers/PMA-00001",
        "/api/dossiers/PMA-00001/pages/1",
    ] {
        let r = c.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert!(
            !has_full_cnp(&r.text()),
            "a CNP leaked on {path}: {}",
            r.text()
        );
    }
    for path in [format!("/cautare?q={CNP}"), format!("/api/search?q={CNP}")] {
        let r = c.get(&path);
        assert_eq!(
            r.status, 400,
            "{path}: a CNP is not searched for consultants"
        );
        assert!(!has_full_cnp(&r.text()), "a CNP leaked on {path}");
    }
    assert!(c
        .get("/dosar/PMA-00001/pagina/1")
        .text()
        .contains("1••••••••••••"));
    assert_eq!(c.get("/persoane?nume=Popescu").status, 403);
    assert_eq!(c.get("/api/person?name=Popescu").status, 403);
    assert_eq!(
        c.get("/dosar/PMA-00001/pagina/1/original").status,
        403,
        "the original shows CNPs"
    );
    assert_eq!(
        c.get("/dosar/PMA-00002/pagina/1/original").status,
        200,
        "no CNP, no problem"
    );
    let masked = c.get("/dosar/PMA-00001/pagina/1/imagine");
    assert_eq!(masked.status, 200);
    let full = Client::login(ARHIVIST).get("/dosar/PMA-00001/pagina/1/imagine");
    assert_ne!(
        masked.body, full.body,
        "the consultant's scan has the CNP blacked out"
    );
}

#[test]
fn person_search_groups_months_for_archivists() {
    let mut c = Client::login(ARHIVIST);
    let r = c.get("/persoane?nume=Ion%20Popescu");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("1987-03") && r.text().contains("1987-04"));
    let j = c.get("/api/person?name=popescu%20ion").json();
    assert_eq!(j["months"].as_array().map(Vec::len), Some(2));
    assert_eq!(c.get("/api/person?cnp=123").status, 400);
}

#[test]
fn api_answers_with_basic_auth_too() {
    let mut c = Client::new();
    // base64("arhivist:parola-de-test-1")
    c.basic = Some("YXJoaXZpc3Q6cGFyb2xhLWRlLXRlc3QtMQ==".into());
    let me = c.get("/api/me").json();
    assert_eq!(me["role"], "arhivist");
    let s = c.get("/api/search?q=hotarare&sort=year-asc&limit=5").json();
    assert_eq!(s["total"], 2);
    assert_eq!(s["hits"][0]["cota"], "PMA-00002");
    assert!(s["hits"][0]["url"]
        .as_str()
        .is_some_and(|u| u.starts_with("/dosar/PMA-00002/pagina/")));
    assert!(s["facets"]["department"].is_array());
    let d = c.get("/api/dossiers/PMA-00001").json();
    assert_eq!(d["dossier"]["term"], "50");
    assert_eq!(d["pages"].as_array().map(Vec::len), Some(2));
    let p = c.get("/api/dossiers/PMA-00001/pages/1").json();
    assert!(p["text"].as_str().is_some_and(|t| t.contains(CNP)));
    let gone = c.get("/api/dossiers/PMA-00003").json();
    assert_eq!(gone["disposed"]["approval"], "nr. 1234 / 2026-05-04");
    c.basic = Some("YXJoaXZpc3Q6Z3Jlc2l0".into()); // arhivist:gresit
    assert_eq!(c.get("/api/me").status, 401);
}

#[test]
fn roles_guard_staff_pages_and_forms_need_csrf() {
    let mut a = Client::login(ARHIVIST);
    assert_eq!(a.get("/loturi").status, 200);
    assert!(
        a.get("/loturi").text().contains("truncated-image"),
        "quarantine listed"
    );
    assert_eq!(a.get("/admin/utilizatori").status, 403);
    assert_eq!(a.get("/admin/audit").status, 403);
    assert_eq!(Client::login(CONSULTANT).get("/loturi").status, 403);

    let mut admin = Client::login(ADMIN);
    let page = admin.get("/admin/utilizatori");
    assert_eq!(page.status, 200);
    let token = hidden(&page.text(), "csrf").expect("token");
    let form = [
        ("name", "ioana"),
        ("role", "consultant"),
        ("password", "o-parola-buna-1"),
    ];
    assert_eq!(
        admin.post("/admin/utilizatori", &form).status,
        403,
        "no CSRF token"
    );
    let mut with = form.to_vec();
    with.push(("csrf", "not-the-token"));
    assert_eq!(
        admin.post("/admin/utilizatori", &with).status,
        403,
        "wrong CSRF token"
    );
    with.pop();
    with.push(("csrf", &token));
    let created = admin.post("/admin/utilizatori", &with);
    assert_eq!(created.status, 303, "{}", created.text());
    let mut ioana = Client::new();
    assert_eq!(ioana.try_login("ioana", "o-parola-buna-1").status, 303);
    assert_eq!(ioana.get("/cautare").status, 200);
    let dis = admin.post(
        "/admin/utilizatori/ioana/stare",
        &[("csrf", &token), ("disabled", "1")],
    );
    assert_eq!(dis.status, 303);
    assert_eq!(ioana.get("/cautare").status, 303, "disabled: session ended");
    let audit = admin.get("/admin/audit?utilizator=admin").text();
    assert!(audit.contains("user-disable") && audit.contains("127.0.0.1"));
    // Older pages: before the first possible key there is nothing, and a way
    // back to the newest; a position that cannot be a key is refused.
    let oldest = admin
        .get("/admin/audit?utilizator=admin&inainte=00000000000000000000")
        .text();
    assert!(!oldest.contains("user-disable") && oldest.contains("Cele mai noi"));
    let long = "9".repeat(65);
    let r = admin.get(&format!("/admin/audit?inainte={long}"));
    assert_eq!(r.status, 400);
    // An arhivist with a valid token still may not add users.
    let atoken = a.csrf();
    let r = a.post(
        "/admin/utilizatori",
        &[
            ("name", "x1"),
            ("role", "admin"),
            ("password", "o-parola-buna-1"),
            ("csrf", &atoken),
        ],
    );
    assert_eq!(r.status, 403);
}

#[test]
fn every_response_carries_the_security_headers() {
    let mut c = Client::login(ARHIVIST);
    for path in [
        "/login",
        "/cautare",
        "/nimic",
        "/api/search?q=x",
        "/static/style.css",
        "/dosar/PMA-00001/pagina/1/imagine",
    ] {
        let r = c.get(path);
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(r.header("x-frame-options"), Some("DENY"), "{path}");
        assert!(
            r.header("content-security-policy")
                .is_some_and(|v| v.starts_with("default-src 'self'")),
            "{path}"
        );
        assert!(r.header("referrer-policy").is_some(), "{path}");
    }
    assert_eq!(c.get("/cautare").header("cache-control"), Some("no-store"));
}

#[test]
fn english_by_a_switch_remembered_in_a_cookie() {
    let mut c = Client::login(ARHIVIST);
    let r = c.get("/cautare?q=plata&lang=en");
    assert!(r.text().contains("2 pages found"), "{}", r.text());
    assert!(r.text().contains("lang=\"en\""));
    assert!(
        c.get("/dosar/PMA-00001").text().contains("Date range"),
        "the cookie keeps English"
    );
    assert!(c.get("/cautare?lang=ro").text().contains("Căutare"));
}

#[test]
fn views_and_searches_are_audited_with_address() {
    let mut c = Client::login(ADMIN);
    c.get("/dosar/PMA-00002/pagina/2");
    c.get("/cautare?q=eminescu");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let entries =
        arhiva_server::audit::recent(&server().state.archive, Some(ADMIN), 1000).expect("audit");
    assert!(entries
        .iter()
        .any(|e| e.action == "view-page" && e.target == "PMA-00002 p. 2"));
    assert!(entries
        .iter()
        .any(|e| e.action == "search" && e.target.contains("eminescu")));
    assert!(entries
        .iter()
        .any(|e| e.action == "login" && e.ip == "127.0.0.1"));
}
