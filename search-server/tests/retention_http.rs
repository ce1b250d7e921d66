//! The retention page over HTTP: the due list, a legal hold placed and
//! released, a proposal recorded and approved, its documents — arhivists
//! read, only admins act, every form needs its token.

mod support;

use support::{hidden, server, Client};

fn today() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// The table row of the page that mentions `needle`.
fn row<'a>(html: &'a str, needle: &str) -> &'a str {
    let at = html
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not on the page"));
    let start = html[..at].rfind("<tr>").unwrap_or(0);
    let end = html[at..].find("</tr>").map_or(html.len(), |e| at + e);
    &html[start..end]
}

#[test]
fn holds_proposals_and_approvals_through_the_web() {
    let mut arhivist = Client::login("arhivist");
    let page = arhivist.get("/retentie");
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("Cu termenul împlinit"), "{html}");
    assert!(html.contains("PMA-00004") && html.contains("PMA-00005"));
    assert!(
        !html.contains("PMA-00001\">"),
        "50 years from 1987 are not over"
    );
    assert!(
        !html.contains("/retentie/blocari\""),
        "no forms for an arhivist"
    );
    let token = hidden(&html, "csrf").expect("token");
    let refused = arhivist.post(
        "/retentie/blocari",
        &[
            ("csrf", &token),
            ("kind", "dosar"),
            ("target", "PMA-00005"),
            ("reason", "x"),
        ],
    );
    assert_eq!(refused.status, 403);
    assert_eq!(Client::login("consultant").get("/retentie").status, 403);

    let mut admin = Client::login("admin");
    let token = hidden(&admin.get("/retentie").text(), "csrf").expect("token");
    let hold = [
        ("kind", "dosar"),
        ("target", "PMA-00005"),
        ("reason", "dosar civil 1234/108/2026, Tribunalul Arad"),
    ];
    assert_eq!(
        admin.post("/retentie/blocari", &hold).status,
        403,
        "no token"
    );
    let mut with = hold.to_vec();
    with.push(("csrf", &token));
    let placed = admin.post("/retentie/blocari", &with);
    assert_eq!(placed.status, 303, "{}", placed.text());
    let unknown = admin.post(
        "/retentie/blocari",
        &[
            ("csrf", &token),
            ("kind", "dosar"),
            ("target", "PMA-99999"),
            ("reason", "x"),
        ],
    );
    assert_eq!(unknown.status, 400);
    assert!(unknown.text().contains("PMA-99999"));

    let html = admin.get("/retentie?saved=1").text();
    assert!(html.contains("Înregistrat."));
    let held = row(&html, "Contracte de închiriere");
    assert!(held.contains("blocat H-"), "held, with its hold: {held}");
    let hold_id = held
        .split("blocat ")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("hold id")
        .to_string();
    assert!(html.contains("Tribunalul Arad"));

    // The proposal takes what is due and not held, once it is confirmed:
    // without the "Confirm" box ticked nothing is recorded.
    let page = admin.get("/retentie").text();
    assert!(
        page.contains(r#"name="confirm" value="1" required"#),
        "the proposal form asks for confirmation"
    );
    let unconfirmed = admin.post("/retentie/propuneri", &[("csrf", &token)]);
    assert_eq!(unconfirmed.status, 400, "{}", unconfirmed.text());
    assert!(
        unconfirmed.text().contains("bifați „Confirm”"),
        "{}",
        unconfirmed.text()
    );
    assert!(
        !admin
            .get("/retentie")
            .text()
            .contains("în așteptarea aprobării"),
        "no proposal without confirmation"
    );
    let proposed = admin.post("/retentie/propuneri", &[("csrf", &token), ("confirm", "1")]);
    assert_eq!(proposed.status, 303, "{}", proposed.text());
    let html = admin.get("/retentie").text();
    let proposal = row(&html, "în așteptarea aprobării");
    let id = proposal
        .split("<td class=\"mono id\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("proposal id")
        .to_string();
    assert!(id.starts_with("PE-"), "{id}");
    assert!(row(&html, "Registru de intrări-ieșiri").contains(&format!("propus în {id}")));
    let twice = admin.post("/retentie/propuneri", &[("csrf", &token), ("confirm", "1")]);
    assert_eq!(twice.status, 400, "nothing is proposed twice");
    let csv = admin.get(&format!("/retentie/propuneri/{id}/inventar-eliminare.csv"));
    assert_eq!(csv.status, 200);
    assert!(csv.text().contains("PMA-00004"));
    assert!(
        !csv.text().contains("PMA-00005"),
        "held dossiers are not proposed"
    );
    let pdf = arhivist.get(&format!("/retentie/propuneri/{id}/proces-verbal.pdf"));
    assert_eq!(pdf.status, 200);
    assert!(pdf.body.starts_with(b"%PDF"));
    assert!(pdf
        .header("content-disposition")
        .is_some_and(|v| v.starts_with("attachment")));
    for bad in [
        format!("/retentie/propuneri/{id}/..%2F..%2Fjournal"),
        format!("/retentie/propuneri/{id}/secret.pdf"),
        "/retentie/propuneri/PE-1999-999/proces-verbal.pdf".to_string(),
    ] {
        assert_eq!(admin.get(&bad).status, 404, "{bad}");
    }

    // Approval: a bad date is refused, the right one recorded once.
    let approve = format!("/retentie/propuneri/{id}/aprobare");
    let r = admin.post(
        &approve,
        &[("csrf", &token), ("number", "5678"), ("date", "ieri")],
    );
    assert_eq!(r.status, 400);
    let day = today();
    let r = admin.post(
        &approve,
        &[("csrf", &token), ("number", "5678"), ("date", &day)],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let html = admin.get("/retentie").text();
    let listed = row(&html, &format!("<td class=\"mono id\">{id}</td>"));
    assert!(listed.contains(&format!("nr. 5678 / {day}")), "{listed}");
    let again = admin.post(
        &approve,
        &[("csrf", &token), ("number", "1"), ("date", &day)],
    );
    assert_eq!(again.status, 400);

    // Releasing needs a reason; then the dossier is due again.
    let release = format!("/retentie/blocari/{hold_id}/ridicare");
    assert_eq!(
        admin
            .post(&release, &[("csrf", &token), ("reason", " ")])
            .status,
        400
    );
    let r = admin.post(&release, &[("csrf", &token), ("reason", "proces încheiat")]);
    assert_eq!(r.status, 303, "{}", r.text());
    let html = admin.get("/retentie").text();
    assert!(!row(&html, "Contracte de închiriere").contains("blocat"));
    assert_eq!(
        admin
            .post(
                "/retentie/blocari/H-1999-999/ridicare",
                &[("csrf", &token), ("reason", "x")]
            )
            .status,
        404
    );

    // Every action is in the audit log.
    let actions: Vec<String> =
        arhiva_server::audit::recent(&server().state.archive, Some("admin"), 1000)
            .expect("audit")
            .into_iter()
            .map(|e| e.action)
            .collect();
    for a in ["hold-place", "proposal", "approval", "hold-release"] {
        assert!(actions.iter().any(|x| x == a), "{a} not audited");
    }
}
