//! Helpers shared by the store's integration tests.

#![allow(dead_code)]

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Bytes that look like what the archive stores: OCR text (compresses),
/// an uncompressed greyscale scan (compresses), JPEG-like noise (does not).
pub fn sample_file(i: u64) -> Vec<u8> {
    let mut rng = ChaCha8Rng::seed_from_u64(i);
    match i % 3 {
        0 => {
            let words = [
                "Primăria",
                "Municipiului",
                "Arad",
                "hotărârea",
                "nr.",
                "stat",
                "de",
                "plată",
                "pe",
                "luna",
                "martie",
                "Popescu",
                "Ion",
                "funcția",
                "referent",
                "salariul",
                "Consiliul",
                "Local",
                "ședința",
                "urbanism",
                "certificat",
                "petiție",
            ];
            let n = rng.gen_range(200..600);
            let mut s = String::new();
            for _ in 0..n {
                s.push_str(words[rng.gen_range(0..words.len())]);
                s.push(' ');
            }
            s.into_bytes()
        }
        1 => {
            let (w, h) = (rng.gen_range(100..400), rng.gen_range(100..300));
            let mut v = Vec::with_capacity(w * h + 8);
            v.extend_from_slice(b"II*\0\x08\0\0\0");
            for y in 0..h {
                for x in 0..w {
                    let ink = (x * 7 + y * 3) % 97 < 3;
                    v.push(if ink { 20 } else { 200 + rng.gen_range(0..20) });
                }
            }
            v
        }
        _ => {
            let n = rng.gen_range(1_000..50_000);
            let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0];
            v.extend((0..n).map(|_| rng.gen::<u8>()));
            v
        }
    }
}
