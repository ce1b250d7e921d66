//! OCR quality against the fixtures' ground truth: the character error rate
//! of our OCR text on 300-DPI page images (tesseract, `ron`), printed; and a
//! scan stored on its side with the TIFF tag saying so reads as well as the
//! upright page, because the orientation is applied before OCR.
//!
//! Needs tesseract with Romanian data and ImageMagick (CI installs both);
//! without them it says so and passes without checking.

use std::path::PathBuf;
use std::process::Command;

use arhiva_fixtures::{generate, load_ground_truth, Options, TextSource as Truth};
use arhiva_ingest::{ingest_delivery, IngestOptions, OcrMode};
use arhiva_store::{Archive, TextSource};

/// Character error rate target on clean 300-DPI pages.
const MAX_CER: f64 = 0.02;

fn squash(s: &str) -> Vec<char> {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .collect()
}

/// Edit distance (insertions, deletions, substitutions) between two texts.
fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

fn ready() -> bool {
    let ron = arhiva_ingest::ocr::languages().is_some_and(|l| l.contains("ron"));
    let magick = Command::new("convert").arg("-version").output().is_ok();
    if !ron || !magick {
        println!("skipped: needs tesseract with Romanian data and ImageMagick");
    }
    ron && magick
}

#[test]
fn ocr_character_error_rate_and_rotated_page() {
    if !ready() {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    // Up to four 300-DPI prose page images that must be OCR'd, from the
    // first seeds that have them.
    let mut chosen: Vec<(PathBuf, String)> = Vec::new();
    for seed in 1..=8 {
        let fx = tmp.path().join(format!("fixture-{seed}"));
        let opts = Options {
            dossiers: 10,
            seed,
            pages_per_dossier: Some((3, 5)),
            ..Options::default()
        };
        generate(&fx, &opts).expect("fixtures");
        let truth = load_ground_truth(&fx).expect("truth");
        for d in &truth.dossiers {
            for p in &d.pages {
                let image = [".tif", ".png", ".jpg"].iter().any(|e| p.file.ends_with(e));
                // Prose pages: payroll tables depend on how rows are
                // rebuilt from the layout, measured elsewhere.
                if p.source == Truth::Ocr
                    && p.payroll.is_none()
                    && !p.blank
                    && p.dpi == Some(300)
                    && image
                    && chosen.len() < 4
                {
                    chosen.push((fx.join(&d.cota).join(&p.file), p.text.clone()));
                }
            }
        }
        if chosen.len() >= 3 {
            break;
        }
    }
    assert!(!chosen.is_empty(), "the fixture has no 300-DPI page to OCR");
    // One dossier with those pages, then the first page again, stored on
    // its side with the orientation tag that turns it upright.
    let delivery = tmp.path().join("livrare-ocr");
    let dir = delivery.join("OCR-1");
    std::fs::create_dir_all(&dir).expect("mkdir");
    for (i, (path, _)) in chosen.iter().enumerate() {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("tif");
        std::fs::copy(path, dir.join(format!("{:04}.{ext}", i + 1))).expect("copy");
    }
    let rotated = dir.join(format!("{:04}.tif", chosen.len() + 1));
    let out = Command::new("convert")
        .arg(&chosen[0].0)
        .args(["-rotate", "-90", "-orient", "RightTop", "-compress", "lzw"])
        .arg(&rotated)
        .output()
        .expect("convert");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(
        delivery.join("inventar.csv"),
        "Cotă;Indicativ dosar;Conținutul pe scurt;Date extreme\nOCR-1;I/1;pagini OCR;1990\n",
    )
    .expect("inventory");
    let archive = Archive::open(tmp.path().join("data")).expect("archive");
    let o = IngestOptions {
        ocr: OcrMode::Always,
        jobs: Some(2),
        derivatives: false,
    };
    let report = ingest_delivery(&archive, None, &delivery, &o, &|_| {}).expect("ingest");
    assert!(report.quarantine.is_empty(), "{:#?}", report.quarantine);
    let mut pages = archive.catalog().pages("OCR-1").expect("pages");
    pages.sort_by_key(|p| p.page);
    assert_eq!(pages.len(), chosen.len() + 1);
    let text = |n: usize| -> Vec<char> {
        let p = &pages[n];
        assert_eq!(p.text_source, TextSource::Ocr, "page {}", p.page);
        let bytes = p
            .text
            .as_ref()
            .map(|id| archive.objects().get(id).expect("text"))
            .unwrap_or_default();
        squash(&String::from_utf8_lossy(&bytes))
    };
    let (mut errors, mut chars) = (0usize, 0usize);
    for (i, (path, truth_text)) in chosen.iter().enumerate() {
        let want = squash(truth_text);
        let e = levenshtein(&text(i), &want);
        println!(
            "CER {:.2}%  {}",
            100.0 * e as f64 / want.len().max(1) as f64,
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        );
        errors += e;
        chars += want.len();
    }
    let cer = errors as f64 / chars.max(1) as f64;
    println!(
        "CER {:.2}% over {} pages, {chars} characters",
        100.0 * cer,
        chosen.len()
    );
    let want = squash(&chosen[0].1);
    let upright = levenshtein(&text(0), &want) as f64 / want.len().max(1) as f64;
    let turned = levenshtein(&text(chosen.len()), &want) as f64 / want.len().max(1) as f64;
    println!(
        "rotated page: CER {:.2}% (upright {:.2}%)",
        100.0 * turned,
        100.0 * upright
    );
    assert!(
        cer <= MAX_CER,
        "CER {:.2}% over the {:.0}% target",
        100.0 * cer,
        100.0 * MAX_CER
    );
    assert!(
        turned <= upright + 0.005,
        "the rotated page reads worse: {:.2}% vs {:.2}%",
        100.0 * turned,
        100.0 * upright
    );
}
