//! Helpers for the binary's end-to-end tests: run `arhiva`, start a server
//! process and talk HTTP to it.
#![allow(dead_code)] // each test file uses some of them

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_arhiva");

pub fn arhiva(data: &Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(BIN)
        .arg("--data")
        .arg(data)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn arhiva");
    if let Some(mut i) = child.stdin.take() {
        let _ = i.write_all(stdin.as_bytes());
    }
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Add the arhivist `maria` (password "o parolă lungă"); her stdout.
pub fn add_maria(data: &Path) -> String {
    let (code, out, err) = arhiva(
        data,
        &[
            "user",
            "add",
            "maria",
            "--role",
            "arhivist",
            "--password-stdin",
        ],
        "o parolă lungă\n",
    );
    assert_eq!(code, 0, "{out}{err}");
    out
}

/// A server process, killed on drop.
pub struct Served {
    pub child: Child,
    pub url: String,
    pub lines: Vec<String>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `arhiva <args>` and wait for the line announcing the URL.
pub fn spawn_server(data: &Path, args: &[&str]) -> Served {
    let child = Command::new(BIN)
        .arg("--data")
        .arg(data)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn server");
    // Owned by the guard at once, so a failing test still reaps the child.
    let mut served = Served {
        child,
        url: String::new(),
        lines: Vec::new(),
    };
    let stdout = served.child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(300))
            .unwrap_or_else(|_| panic!("no URL announced; output so far: {lines:?}"));
        if let Some(at) = line.find("http://") {
            let url = line[at..].trim_end_matches('/').to_string();
            lines.push(line.clone());
            // The demo prints the logins after the URL.
            while let Ok(more) = rx.recv_timeout(Duration::from_millis(300)) {
                lines.push(more);
            }
            served.url = url;
            served.lines = lines;
            return served;
        }
        lines.push(line);
    }
}

pub fn get(url: &str, path: &str, basic: Option<&str>) -> (u16, String) {
    let host = url.trim_start_matches("http://");
    let mut s = TcpStream::connect(host).expect("connect");
    let auth = basic
        .map(|b| format!("Authorization: Basic {b}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n{auth}\r\n"
    )
    .expect("write");
    let mut raw = String::new();
    s.read_to_string(&mut raw).expect("read");
    let status = raw
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, raw)
}

pub fn base64(s: &str) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for chunk in b.chunks(3) {
        let n = (chunk[0] as u32) << 16
            | (*chunk.get(1).unwrap_or(&0) as u32) << 8
            | *chunk.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
