//! The server commands of the binary, end to end: `arhiva user add` with
//! `--password-stdin`, `arhiva serve` on a loopback port (and `user add`
//! refused with a clear message while it holds the archive), and
//! `arhiva demo` from an empty data directory to a login page.

mod common;

use common::{add_maria, arhiva, base64, get, spawn_server};

#[test]
fn user_add_then_serve_then_user_add_is_refused_while_serving() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    let out = add_maria(data);
    assert!(out.contains("user maria added (arhivist)"));
    let (code, _, err) = arhiva(
        data,
        &["user", "add", "x", "--role", "arhivist", "--password-stdin"],
        "o parolă lungă\n",
    );
    assert_ne!(code, 0);
    assert!(err.contains("invalid user name"), "{err}");
    let (code, _, err) = arhiva(
        data,
        &["user", "add", "ion", "--role", "sef", "--password-stdin"],
        "o parolă lungă\n",
    );
    assert_ne!(code, 0);
    assert!(err.contains("unknown role"), "{err}");
    let (code, _, err) = arhiva(
        data,
        &[
            "user",
            "add",
            "ion",
            "--role",
            "consultant",
            "--password-stdin",
        ],
        "scurtă\n",
    );
    assert_ne!(code, 0);
    assert!(err.contains("password too short"), "{err}");

    let served = spawn_server(data, &["serve", "--bind", "127.0.0.1:0"]);
    let (status, body) = get(&served.url, "/login", None);
    assert_eq!(status, 200);
    assert!(body.contains("Autentificare"));
    let (status, body) = get(
        &served.url,
        "/api/me",
        Some(&base64("maria:o parolă lungă")),
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"role\":\"arhivist\""));

    let (code, _, err) = arhiva(
        data,
        &[
            "user",
            "add",
            "ion",
            "--role",
            "consultant",
            "--password-stdin",
        ],
        "o parolă lungă\n",
    );
    assert_ne!(code, 0);
    assert!(err.contains("held by a running `arhiva serve`"), "{err}");
    drop(served);
    let (code, out, _) = arhiva(data, &["user", "list"], "");
    assert_eq!(code, 0);
    assert!(out.starts_with("maria\tarhivist\tactive"), "{out}");
}

#[test]
fn demo_prepares_everything_and_serves() {
    let dir = tempfile::tempdir().expect("tempdir");
    let served = spawn_server(
        dir.path(),
        &["demo", "--dossiers", "4", "--bind", "127.0.0.1:0"],
    );
    let all = served.lines.join("\n");
    let password = served
        .lines
        .iter()
        .find(|l| l.contains("user demo"))
        .and_then(|l| l.split_whitespace().nth(3))
        .unwrap_or_else(|| panic!("demo login printed: {all}"))
        .to_string();
    assert!(all.contains("user admin"), "{all}");
    let (status, _) = get(&served.url, "/login", None);
    assert_eq!(status, 200);
    let (status, body) = get(
        &served.url,
        "/api/search?q=arad",
        Some(&base64(&format!("demo:{password}"))),
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"total\":"), "{body}");
    assert!(
        !body.contains("\"total\":0"),
        "the sample delivery is searchable"
    );
}
