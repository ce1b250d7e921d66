//! How well the pipeline's own OCR reads payroll pages: every image page
//! of the payroll dossiers of a fixture delivery is OCR'd with tesseract
//! (the settings the pipeline uses, or others given on the command line),
//! its rows are parsed as the ingest parses them, and the result is
//! compared with the ground truth:
//!
//! - rows: persons of the page found with their exact CNP, and found by
//!   name (OCR key equal) — what the certificate desk can see;
//! - character error rate of the text against the printed text
//!   (whitespace collapsed), and the share of diacritics kept.
//!
//! ```text
//! cargo run --release -p arhiva-fixtures ... (or: arhiva fixtures --out /tmp/d --dossiers 60)
//! cargo run --release -p arhiva-ingest --example payroll_ocr -- /tmp/d [--psm 6] [--lang ron] [--limit 40]
//! ```

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use arhiva_fixtures::{load_ground_truth, DocType, TextSource};
use arhiva_ingest::{ocr, payroll};
use rayon::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut delivery = None;
    let mut psm = ocr::PAGE_SEGMENTATION.to_string();
    let mut lang: Option<String> = None;
    let mut limit = usize::MAX;
    let mut all = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--psm" => psm = args.next().ok_or("--psm needs a value")?,
            "--lang" => lang = Some(args.next().ok_or("--lang needs a value")?),
            "--limit" => limit = args.next().ok_or("--limit needs a value")?.parse()?,
            "--all" => all = true,
            _ => delivery = Some(PathBuf::from(a)),
        }
    }
    let delivery =
        delivery.ok_or("usage: payroll_ocr DELIVERY [--psm N] [--lang L] [--limit N] [--all]")?;
    let truth = load_ground_truth(&delivery)?;
    // (cota, page) → CNPs and names of the persons on it.
    let mut on_page: HashMap<(String, u32), Vec<(String, String)>> = HashMap::new();
    for p in &truth.persons {
        for pg in &p.pages {
            on_page
                .entry((pg.cota.clone(), pg.page))
                .or_default()
                .push((p.cnp.clone(), p.name.clone()));
        }
    }
    let mut jobs = Vec::new();
    for d in &truth.dossiers {
        if d.doc_type != DocType::Payroll {
            continue;
        }
        for pg in &d.pages {
            let image =
                pg.file.ends_with(".tif") || pg.file.ends_with(".jpg") || pg.file.ends_with(".png");
            if !image || pg.blank || (!all && pg.source != TextSource::Ocr) {
                continue;
            }
            jobs.push((
                d.cota.clone(),
                pg.page,
                delivery.join(&d.cota).join(&pg.file),
                pg.text.clone(),
            ));
        }
    }
    jobs.truncate(limit);
    println!(
        "{} payroll image pages, tesseract --psm {psm} -l {}",
        jobs.len(),
        lang.as_deref().or(ocr::languages()).unwrap_or("(none)")
    );
    let done = AtomicUsize::new(0);
    let totals = Mutex::new(Totals::default());
    jobs.par_iter().for_each(|(cota, page, path, printed)| {
        let Ok(bytes) = std::fs::read(path) else {
            eprintln!("{}: cannot read", path.display());
            return;
        };
        let t = match ocr::recognize_with(&bytes, &psm, lang.as_deref()) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                return;
            }
        };
        let parsed = payroll::parse_page(&t.text, &t.words);
        let rows = parsed.as_ref().map(|p| p.rows.clone()).unwrap_or_default();
        let expected = on_page
            .get(&(cota.clone(), *page))
            .cloned()
            .unwrap_or_default();
        let mut tot = Totals {
            pages: 1,
            header: usize::from(parsed.is_some()),
            persons: expected.len(),
            ..Totals::default()
        };
        for (cnp, name) in &expected {
            if rows.iter().any(|r| r.cnp.as_deref() == Some(cnp.as_str())) {
                tot.by_cnp += 1;
            } else if std::env::var_os("PAYROLL_OCR_SHOW").is_some() {
                let line = payroll::lines_from_words(&t.words)
                    .into_iter()
                    .find(|l| l.contains(&cnp[..7]) || name.split(' ').any(|w| l.contains(w)))
                    .unwrap_or_default();
                println!("{cota} p{page}: {name} {cnp} missed; line: {line}");
            }
            if rows.iter().any(|r| key(&r.name) == key(name)) {
                tot.by_name += 1;
            }
        }
        let (a, b) = (squash(printed), squash(&t.text));
        tot.chars = a.chars().count();
        tot.errors = levenshtein(&a, &b);
        tot.diacritics_truth = diacritics(&a);
        tot.diacritics_ocr = diacritics(&b).min(tot.diacritics_truth);
        if let Ok(mut all) = totals.lock() {
            all.add(&tot);
        }
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        if n.is_multiple_of(10) {
            eprintln!("  {n} pages");
        }
    });
    let t = totals.into_inner().map_err(|_| "poisoned")?;
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    println!("pages with a payroll header: {} of {}", t.header, t.pages);
    println!(
        "persons on the pages: {}; found with their CNP {} ({:.1}%), name read exactly {} ({:.1}%)",
        t.persons,
        t.by_cnp,
        pct(t.by_cnp, t.persons),
        t.by_name,
        pct(t.by_name, t.persons)
    );
    println!(
        "character error rate {:.2}% ({} edits / {} chars); diacritics kept {:.1}%",
        pct(t.errors, t.chars),
        t.errors,
        t.chars,
        pct(t.diacritics_ocr, t.diacritics_truth)
    );
    Ok(())
}

#[derive(Default)]
struct Totals {
    pages: usize,
    header: usize,
    persons: usize,
    by_cnp: usize,
    by_name: usize,
    chars: usize,
    errors: usize,
    diacritics_truth: usize,
    diacritics_ocr: usize,
}

impl Totals {
    fn add(&mut self, o: &Totals) {
        self.pages += o.pages;
        self.header += o.header;
        self.persons += o.persons;
        self.by_cnp += o.by_cnp;
        self.by_name += o.by_name;
        self.chars += o.chars;
        self.errors += o.errors;
        self.diacritics_truth += o.diacritics_truth;
        self.diacritics_ocr += o.diacritics_ocr;
    }
}

fn key(name: &str) -> String {
    let mut w: Vec<String> = name
        .split_whitespace()
        .map(|w| {
            w.to_lowercase()
                .replace(['ş', 'ș'], "s")
                .replace(['ţ', 'ț'], "t")
                .replace(['ă', 'â'], "a")
                .replace('î', "i")
        })
        .collect();
    w.sort();
    w.join(" ")
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn diacritics(s: &str) -> usize {
    s.chars().filter(|c| "ăâîșțşţĂÂÎȘȚŞŢ".contains(*c)).count()
}

/// Levenshtein distance over characters (two rows).
fn levenshtein(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}
