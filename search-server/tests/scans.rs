//! The scan test: can a consultant read a CNP off any image the server
//! hands out?
//!
//! A fixture delivery with payroll lists — pages with OCR sidecars (word
//! boxes, or plain text) and pages with no text at all, waiting for OCR —
//! is ingested and served. As a consultant, every page's web image,
//! thumbnail and original is fetched; whatever is served is read back with
//! the real `tesseract` (PDFs drawn first with `pdftoppm`), and the text is
//! searched for every CNP of the ground truth, digits read through the
//! letters OCR confuses with them and across the spaces it puts in: none
//! may be found. The same is done for staff on the CNP pages' originals:
//! there the CNPs must be readable, so the test fails both ways — an OCR
//! that reads nothing would pass the first half alone.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use arhiva_fixtures::{generate, load_ground_truth, Options};
use arhiva_index::SearchIndex;
use arhiva_ingest::{ingest_delivery, IngestOptions, OcrMode};
use arhiva_server::{AppState, ServerConfig};
use arhiva_store::{Archive, TextSource};
use support::{Client, TestServer, PASSWORD};

/// The delivery: two payroll dossiers (one a year) and a few others; the
/// seed gives payroll pages with word boxes (hOCR), with plain text only,
/// and with no text at all.
const SEED: u64 = 32;
const DOSSIERS: usize = 8;

/// Lines of OCR output as digit strings: letters OCR confuses with digits
/// read as digits, everything else between digits dropped.
fn digit_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            l.chars()
                .filter_map(|c| match c {
                    '0'..='9' => Some(c),
                    'O' | 'o' | 'D' | 'Q' => Some('0'),
                    'l' | 'I' | 'i' | '|' | '!' => Some('1'),
                    'Z' | 'z' => Some('2'),
                    'S' | 's' => Some('5'),
                    'B' => Some('8'),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

/// Run tesseract on an image file; PDFs are drawn page by page first.
fn ocr(path: &Path, work: &Path) -> String {
    let mut images = Vec::new();
    let head = std::fs::read(path)
        .map(|b| b.starts_with(b"%PDF"))
        .unwrap_or(false);
    if head {
        let stem = work.join(format!(
            "{}-pdf",
            path.file_name().and_then(|n| n.to_str()).unwrap_or("x")
        ));
        let ok = Command::new("pdftoppm")
            .args(["-r", "200", "-gray", "-png"])
            .arg(path)
            .arg(&stem)
            .status()
            .expect("pdftoppm runs")
            .success();
        assert!(ok, "pdftoppm drew {}", path.display());
        for e in std::fs::read_dir(work).expect("list").flatten() {
            let p = e.path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with(stem.file_name().and_then(|n| n.to_str()).unwrap_or("?"))
                && name.ends_with(".png")
            {
                images.push(p);
            }
        }
        images.sort();
    } else {
        images.push(path.to_path_buf());
    }
    let mut text = String::new();
    for img in images {
        let out = Command::new("tesseract")
            .arg(&img)
            .arg("stdout")
            .args(["-l", "ron+eng", "--psm", "6"])
            .env("OMP_THREAD_LIMIT", "1")
            .output()
            .expect("tesseract runs");
        text.push_str(&String::from_utf8_lossy(&out.stdout));
        text.push('\n');
    }
    text
}

/// The CNPs of `cnps` found in `text`.
fn found(text: &str, cnps: &BTreeSet<String>) -> Vec<String> {
    let lines = digit_lines(text);
    cnps.iter()
        .filter(|c| lines.iter().any(|l| l.contains(c.as_str())))
        .cloned()
        .collect()
}

struct Fixture {
    server: TestServer,
    cnps: BTreeSet<String>,
    /// (cota, page) of pages whose truth shows a CNP.
    cnp_pages: BTreeSet<(String, u32)>,
    work: PathBuf,
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().expect("tempdir").keep();
    let delivery = tmp.join("livrare");
    generate(
        &delivery,
        &Options {
            dossiers: DOSSIERS,
            seed: SEED,
            text_only: false,
            defects: false,
            pages_per_dossier: Some((1, 2)),
        },
    )
    .expect("generate");
    let truth = load_ground_truth(&delivery).expect("truth");
    let cnps: BTreeSet<String> = truth.persons.iter().map(|p| p.cnp.clone()).collect();
    let mut cnp_pages = BTreeSet::new();
    for d in &truth.dossiers {
        for p in &d.pages {
            if cnps.iter().any(|c| p.text.contains(c.as_str())) {
                cnp_pages.insert((d.cota.clone(), p.page));
            }
        }
    }
    let data = tmp.join("data");
    let archive = Archive::open(&data).expect("archive");
    let (index, _) = SearchIndex::open(&data.join("index")).expect("index");
    let opts = IngestOptions {
        ocr: OcrMode::Never,
        jobs: Some(2),
        derivatives: true,
    };
    ingest_delivery(&archive, Some(&index), &delivery, &opts, &|_| {}).expect("ingest");
    for (name, role) in [
        ("consultant", arhiva_server::auth::Role::Consultant),
        ("arhivist", arhiva_server::auth::Role::Arhivist),
    ] {
        arhiva_server::users::add(&archive, name, role, PASSWORD).expect("user");
    }
    let state = AppState::new(
        Arc::new(archive),
        Arc::new(index),
        ServerConfig {
            search_rate: 1000.0,
            search_burst: 1000.0,
            ..ServerConfig::default()
        },
    );
    let server = support::serve_state(state, data);
    let work = tmp.join("ocr");
    std::fs::create_dir_all(&work).expect("mkdir");
    Fixture {
        server,
        cnps,
        cnp_pages,
        work,
    }
}

#[test]
fn no_cnp_can_be_read_off_any_image_a_consultant_gets() {
    let f = fixture();
    let catalog = f.server.state.archive.catalog();
    let mut pages = Vec::new();
    for d in catalog.dossiers().expect("dossiers") {
        for p in catalog.pages(&d.cota).expect("pages") {
            pages.push(p);
        }
    }
    // The fixture must hold what the test is about.
    let payroll_sources: BTreeSet<String> = pages
        .iter()
        .filter(|p| f.cnp_pages.contains(&(p.cota.clone(), p.page)))
        .map(|p| format!("{:?}", p.text_source))
        .collect();
    assert!(
        pages.iter().any(|p| p.text_source == TextSource::None
            && f.cnp_pages.contains(&(p.cota.clone(), p.page))),
        "CNP pages without text in the fixture: {payroll_sources:?}"
    );
    assert!(
        pages
            .iter()
            .any(|p| p.words.is_some() && f.cnp_pages.contains(&(p.cota.clone(), p.page))),
        "CNP pages with word boxes in the fixture: {payroll_sources:?}"
    );

    // Fetch everything a consultant can get.
    let mut c = Client::login_to(&f.server, "consultant");
    let mut served = Vec::new();
    let (mut withheld, mut masked_cnp_pages) = (0, 0);
    for p in &pages {
        for what in ["imagine", "miniatura", "original"] {
            let url = format!("/dosar/{}/pagina/{}/{what}", p.cota, p.page);
            let r = c.get(&url);
            match r.status {
                200 => {
                    if f.cnp_pages.contains(&(p.cota.clone(), p.page)) {
                        assert_ne!(what, "original", "{url}: an original showing CNPs");
                        masked_cnp_pages += 1;
                    }
                    let file =
                        f.work
                            .join(format!("c-{}-{}-{what}", p.cota.replace('/', "_"), p.page));
                    std::fs::write(&file, &r.body).expect("write");
                    served.push((url, file));
                }
                403 => withheld += 1,
                404 => {} // a page without an image
                s => panic!("{url}: status {s}"),
            }
        }
    }
    assert!(withheld > 0, "pages without text must be withheld");
    assert!(
        masked_cnp_pages > 0,
        "CNP pages with boxes are served masked"
    );

    // Read every served image back, two at a time.
    let queue = Arc::new(Mutex::new(served.clone()));
    let leaks = Arc::new(Mutex::new(Vec::new()));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (queue, leaks, cnps, work) =
                (queue.clone(), leaks.clone(), f.cnps.clone(), f.work.clone());
            std::thread::spawn(move || loop {
                let Some((url, file)) = queue.lock().expect("queue").pop() else {
                    break;
                };
                let text = ocr(&file, &work);
                for cnp in found(&text, &cnps) {
                    leaks.lock().expect("leaks").push(format!("{cnp} on {url}"));
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("worker");
    }
    let leaks = leaks.lock().expect("leaks").clone();
    println!(
        "consultant: {} images served and read back, {withheld} withheld, {} CNPs in the truth, {} found",
        served.len(),
        f.cnps.len(),
        leaks.len()
    );
    assert!(leaks.is_empty(), "CNPs read off served images: {leaks:#?}");

    // Staff: the same pages' originals do show the CNPs.
    let mut a = Client::login_to(&f.server, "arhivist");
    let mut readable = Vec::new();
    for p in pages
        .iter()
        .filter(|p| f.cnp_pages.contains(&(p.cota.clone(), p.page)))
        .take(3)
    {
        let url = format!("/dosar/{}/pagina/{}/original", p.cota, p.page);
        let r = a.get(&url);
        assert_eq!(r.status, 200, "{url}");
        let file = f
            .work
            .join(format!("a-{}-{}", p.cota.replace('/', "_"), p.page));
        std::fs::write(&file, &r.body).expect("write");
        readable.extend(found(&ocr(&file, &f.work), &f.cnps));
        if !readable.is_empty() {
            break;
        }
    }
    println!("arhivist: {} CNPs read off the originals", readable.len());
    assert!(
        !readable.is_empty(),
        "staff must be able to read CNPs off the originals: the OCR check reads nothing"
    );
}
