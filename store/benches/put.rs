//! Content-store write throughput next to the command-line pair that does
//! the same work without durability: `sha256sum` + `zstd -3`.
//!
//! Run: `cargo bench -p arhiva-store --bench put` (ARHIVA_BENCH_MB sets the
//! data size, default 256). Prints medians of 3 runs for each, the ratio, and
//! where the store's time goes (hashing, compression, the durable write).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use arhiva_store::ObjectStore;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;

fn main() {
    let mb: usize = std::env::var("ARHIVA_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    let dir = tempfile::tempdir().expect("tempdir");
    let files = make_files(&dir.path().join("in"), mb << 20);
    let bytes: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .sum();
    let total_mb = bytes as f64 / 1e6;
    println!("store put benchmark: {} files, {total_mb:.0} MB (TIFF-like scans, JPEG-like, OCR text), {} cores", files.len(), std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2));

    // Durable writes wait on the disk: with as many writers as cores, the
    // cores idle in fsync. More writers in flight hide that latency.
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let mut results = Vec::new();
    let mut stored = 0u64;
    for threads in [cores, 4 * cores] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        let mut times = Vec::new();
        for run in 0..3 {
            let store = ObjectStore::open(dir.path().join(format!("objects-{threads}-{run}")))
                .expect("open store");
            let t = Instant::now();
            stored = pool.install(|| {
                files
                    .par_iter()
                    .map(|f| store.put_file(f).expect("put").written)
                    .sum()
            });
            times.push(t.elapsed().as_secs_f64());
            let _ = std::fs::remove_dir_all(store.root());
        }
        results.push((
            format!("{threads:2} writers, fsync per object"),
            median(&mut times),
        ));
    }
    // Group durability, as the archive uses it: objects wait in tmp/ and
    // one sync (two syncfs calls) per 100 objects makes them durable.
    let mut times = Vec::new();
    for run in 0..3 {
        let store = ObjectStore::open(dir.path().join(format!("objects-deferred-{run}")))
            .expect("open store")
            .deferred();
        let t = Instant::now();
        stored = 0;
        for chunk in files.chunks(100) {
            stored += chunk
                .par_iter()
                .map(|f| store.put_file(f).expect("put").written)
                .sum::<u64>();
            store.sync().expect("sync");
        }
        times.push(t.elapsed().as_secs_f64());
        let _ = std::fs::remove_dir_all(store.root());
    }
    results.push((
        format!("{cores:2} writers, one sync per 100 objects"),
        median(&mut times),
    ));
    let mut base = Vec::new();
    let have_tools = which("sha256sum") && which("zstd");
    if have_tools {
        for run in 0..3 {
            let out = dir.path().join(format!("zst-{run}"));
            std::fs::create_dir_all(&out).expect("mkdir");
            let list = dir.path().join("list");
            let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
            std::fs::write(&list, names.join("\n")).expect("list");
            let t = Instant::now();
            // Two workers, like the store's two rayon threads.
            let script = format!(
                "xargs -a {l} -d '\\n' -P 2 -n 16 sha256sum > /dev/null && xargs -a {l} -d '\\n' -P 2 -n 16 zstd -3 -q -f --output-dir-flat {o}",
                l = list.display(),
                o = out.display()
            );
            let ok = Command::new("sh")
                .arg("-c")
                .arg(&script)
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            base.push(t.elapsed().as_secs_f64());
            assert!(ok, "baseline failed");
            let _ = std::fs::remove_dir_all(&out);
        }
    }

    // Where the store's time goes: the same work in memory, without I/O.
    let data: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(f).expect("read"))
        .collect();
    let t = Instant::now();
    data.par_iter().for_each(|d| {
        std::hint::black_box(arhiva_store::ObjectId::of(d));
    });
    let hash_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    data.par_iter().for_each(|d| {
        if !d.starts_with(&[0xFF, 0xD8, 0xFF]) {
            std::hint::black_box(zstd::bulk::compress(d, 3).expect("zstd"));
        }
    });
    let zstd_s = t.elapsed().as_secs_f64();

    for (how, o) in &results {
        println!(
            "arhiva put (durable), {how}: {o:6.2} s  {:7.1} MB/s  stored {:.0} MB ({:.2}x smaller)",
            total_mb / o,
            stored as f64 / 1e6,
            bytes as f64 / stored.max(1) as f64
        );
    }
    let o = results.iter().map(|r| r.1).fold(f64::INFINITY, f64::min);
    if have_tools {
        let b = median(&mut base);
        println!(
            "sha256sum + zstd -3 (2 workers, no fsync): {b:6.2} s  {:7.1} MB/s",
            total_mb / b
        );
        for (how, t) in &results {
            println!("ratio, {how} (ours / baseline throughput): {:.2}x", b / t);
        }
    } else {
        println!("sha256sum or zstd not installed: no baseline");
    }
    println!(
        "where the time goes: hashing {hash_s:.2} s ({:.0}%) + compression {zstd_s:.2} s ({:.0}%) of the best {o:.2} s; the rest is reading each file twice (hash, then compress and re-hash), waiting on fsync, and linking",
        100.0 * hash_s / o,
        100.0 * zstd_s / o
    );
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn which(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn make_files(dir: &Path, target: usize) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).expect("mkdir");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let words = [
        "Primăria",
        "Municipiului",
        "Arad",
        "hotărârea",
        "stat",
        "de",
        "plată",
        "luna",
        "martie",
        "Popescu",
        "Ion",
        "referent",
        "salariul",
        "Consiliul",
        "Local",
        "ședința",
        "certificat",
        "urbanism",
        "petiție",
        "1994",
        "lei",
        "nr.",
        "art.",
    ];
    let mut out = Vec::new();
    let mut total = 0;
    let mut i = 0;
    while total < target {
        let bytes: Vec<u8> = match i % 5 {
            0 | 1 => {
                // Uncompressed greyscale scan: paper with noise and lines of ink.
                let (w, h) = (1654, rng.gen_range(600..1200));
                let mut v = Vec::with_capacity(w * h + 8);
                v.extend_from_slice(b"II*\0\x08\0\0\0");
                for y in 0..h {
                    let line = (y / 24) % 3 != 2;
                    for x in 0..w {
                        let ink = line
                            && (y % 24) > 6
                            && (y % 24) < 18
                            && rng.gen_ratio(1, 4)
                            && (x / 9) % 7 != 0;
                        v.push(if ink {
                            rng.gen_range(10..60)
                        } else {
                            rng.gen_range(205..235)
                        });
                    }
                }
                v
            }
            2 | 3 => {
                let n = rng.gen_range(200_000..900_000);
                let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0];
                v.extend((0..n).map(|_| rng.gen::<u8>()));
                v
            }
            _ => {
                let mut s = String::new();
                while s.len() < 2048 {
                    s.push_str(words[rng.gen_range(0..words.len())]);
                    s.push(if rng.gen_ratio(1, 12) { '\n' } else { ' ' });
                }
                s.into_bytes()
            }
        };
        total += bytes.len();
        let p = dir.join(format!("{i:06}.bin"));
        std::fs::write(&p, bytes).expect("write");
        out.push(p);
        i += 1;
    }
    out
}
