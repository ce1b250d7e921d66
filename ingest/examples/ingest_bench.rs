//! The two halves of `bench/ingest.sh`, without the full CLI:
//!
//! ```text
//! ingest_bench fixtures OUT DOSSIERS SEED [--text-only]
//! ingest_bench ingest DATA DELIVERY [--no-derivatives]     # report JSON on stdout
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use arhiva_ingest::{ingest_delivery, IngestOptions, OcrMode};
use arhiva_store::Archive;

fn main() -> ExitCode {
    if let Some(code) = arhiva_ingest::sandbox::maybe_child() {
        return code;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |f: &str| args.iter().any(|a| a == f);
    match args.first().map(String::as_str) {
        Some("fixtures") if args.len() >= 4 => {
            let opts = arhiva_fixtures::Options {
                dossiers: args[2].parse().unwrap_or(20),
                seed: args[3].parse().unwrap_or(1),
                text_only: flag("--text-only"),
                defects: false,
                pages_per_dossier: None,
            };
            match arhiva_fixtures::generate(&PathBuf::from(&args[1]), &opts) {
                Ok(s) => {
                    eprintln!(
                        "{} dossiers, {} pages, {} files",
                        s.dossiers, s.pages, s.files
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("fixtures: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("ingest") if args.len() >= 3 => {
            if let Ok(exe) = std::env::current_exe() {
                arhiva_ingest::sandbox::use_helper(exe);
            }
            let archive = match Archive::open(&args[1]) {
                Ok(a) => a,
                Err(e) => {
                    eprintln!("ingest: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let opts = IngestOptions {
                ocr: OcrMode::Never,
                jobs: None,
                derivatives: !flag("--no-derivatives"),
            };
            match ingest_delivery(&archive, None, args[2].as_ref(), &opts, &|_| {}) {
                Ok(r) => {
                    println!("{}", serde_json::to_string(&[r]).unwrap_or_default());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("ingest: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        _ => {
            eprintln!("usage: ingest_bench fixtures OUT DOSSIERS SEED [--text-only] | ingest DATA DELIVERY [--no-derivatives]");
            ExitCode::from(2)
        }
    }
}
