//! The binary's side of privacy and integrity: `verify` checks every object
//! the journal names (an issued certificate's PDF was skipped), the data
//! directory is private whatever the umask (it was 0755/0644), and
//! `arhiva search` refuses a damaged journal like `serve` and `verify` do.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use arhiva_store::{Archive, Document, Event, Format};

fn arhiva(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_arhiva"))
        .args(args)
        .arg("--data")
        .arg(data)
        .env("RUST_LOG", "off")
        .output()
        .expect("run arhiva")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// An archive with one document and one issued certificate's PDF, recorded
/// the way the certificate desk records it (a `put` naming the object).
fn archive_with_certificate(dir: &Path) -> String {
    let archive = Archive::open(dir).expect("open");
    let doc = archive
        .objects()
        .put_bytes(b"STAT DE PLATA pe luna martie 1990, Popescu Ion, referent")
        .expect("put");
    let pdf = archive
        .objects()
        .put_bytes(b"%PDF-1.4 adeverinta de vechime nr. 12/2026")
        .expect("put");
    archive
        .commit(vec![
            Event::DocumentStored {
                document: Document {
                    object: doc.id,
                    cota: "PMA-00001".into(),
                    file: "0001.txt".into(),
                    format: Format::Text,
                    size: doc.size,
                },
            },
            Event::Put {
                kind: "certificate".into(),
                key: "2026-000012".into(),
                value: serde_json::json!({
                    "request": "12/2026",
                    "document": "certificate",
                    "object": pdf.id.to_hex(),
                    "size": pdf.size,
                    "issued": "2026-11-20",
                    "by": "ana",
                }),
            },
        ])
        .expect("commit");
    pdf.id.to_hex()
}

/// F5: deleting an issued certificate's PDF gave "0 missing, OK", then a
/// 500 on download.
#[test]
fn verify_misses_no_certificate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hex = archive_with_certificate(dir.path());
    let ok = arhiva(dir.path(), &["verify"]);
    assert!(ok.status.success(), "{}", stdout(&ok));
    assert!(
        stdout(&ok).contains("2 objects named by the journal"),
        "{}",
        stdout(&ok)
    );
    std::fs::remove_file(
        dir.path()
            .join("objects")
            .join(&hex[0..2])
            .join(&hex[2..4])
            .join(&hex),
    )
    .expect("rm");
    let out = arhiva(dir.path(), &["verify"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains(&format!("MISSING  {hex}")), "{text}");
}

fn modes(dir: &Path, out: &mut Vec<(String, u32, bool)>) {
    for e in std::fs::read_dir(dir).expect("list").flatten() {
        let p = e.path();
        let meta = std::fs::symlink_metadata(&p).expect("stat");
        if meta.file_type().is_symlink() || meta.file_type().is_socket_like() {
            continue;
        }
        out.push((
            p.display().to_string(),
            meta.permissions().mode() & 0o777,
            meta.is_dir(),
        ));
        if meta.is_dir() {
            modes(&p, out);
        }
    }
}

trait SocketLike {
    fn is_socket_like(&self) -> bool;
}

impl SocketLike for std::fs::FileType {
    fn is_socket_like(&self) -> bool {
        use std::os::unix::fs::FileTypeExt;
        self.is_socket() || self.is_fifo()
    }
}

/// F7: the data directory was world-readable (0755/0644): any local user
/// read the journal, the CNPs and the password hashes.
#[test]
fn the_data_directory_is_private_whatever_the_umask() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    // A user added and a search run (catalog, index, journal, objects),
    // started with the most common permissive umask.
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 022 && echo parola-lunga-de-test | {} user add ana --role arhivist --password-stdin --data {} && {} search plata --data {}",
            env!("CARGO_BIN_EXE_arhiva"),
            data.display(),
            env!("CARGO_BIN_EXE_arhiva"),
            data.display()
        ))
        .env("RUST_LOG", "off")
        .output()
        .expect("sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let root = std::fs::metadata(&data).expect("stat").permissions().mode() & 0o777;
    assert_eq!(root, 0o700, "the data directory");
    let mut all = Vec::new();
    modes(&data, &mut all);
    assert!(all.len() > 5, "{all:?}");
    let open: Vec<_> = all
        .iter()
        .filter(|(_, mode, _)| mode & 0o077 != 0)
        .collect();
    assert!(open.is_empty(), "readable by others: {open:#?}");

    // An existing looser directory is reported, not silently changed.
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = arhiva(&data, &["verify"]);
    let text = stdout(&out);
    assert!(
        text.contains("WARNING") && text.contains("chmod 700"),
        "{text}"
    );
    assert_eq!(
        std::fs::metadata(&data).expect("stat").permissions().mode() & 0o777,
        0o755
    );
}

/// Lesser: `arhiva search` answered from the index while the journal was
/// damaged (serve and verify refuse).
#[test]
fn search_refuses_a_damaged_journal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = Archive::open(dir.path()).expect("open");
    for i in 0..3 {
        let put = archive
            .objects()
            .put_bytes(format!("Hotărârea nr. {i} privind bugetul local").as_bytes())
            .expect("put");
        archive
            .commit(vec![Event::DocumentStored {
                document: Document {
                    object: put.id,
                    cota: format!("PMA-0000{i}"),
                    file: "0001.txt".into(),
                    format: Format::Text,
                    size: put.size,
                },
            }])
            .expect("commit");
    }
    drop(archive);
    let ok = arhiva(dir.path(), &["search", "bugetul"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    // One byte inside the first record flips: damage, not a torn tail.
    let seg = std::fs::read_dir(dir.path().join("journal"))
        .expect("list")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "log"))
        .expect("segment");
    let mut raw = std::fs::read(&seg).expect("read");
    raw[40] ^= 0x20;
    std::fs::write(&seg, raw).expect("write");
    let out = arhiva(dir.path(), &["search", "bugetul"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("journal") && err.contains("damaged"), "{err}");
}
