//! Masking of personal numeric codes (CNP) for consultants.
//!
//! A CNP is 13 digits, the first 1-9. Anything that looks like one — a run
//! of exactly 13 digits, not part of a longer number and not inside a
//! SHA-256 hex id — is shown as its first digit and twelve `•`, whatever the
//! check digit says (OCR breaks check digits; a near-CNP is still personal).
//! It is applied to every string a consultant receives: page text,
//! snippets, titles, JSON values, and as a last net over whole HTML and
//! JSON bodies.

use std::borrow::Cow;

/// The mask character.
const DOT: &str = "•";

/// Whether `text` contains something that looks like a CNP.
pub fn has_cnp(text: &str) -> bool {
    !spans(text).is_empty()
}

/// Whether one word (as recognised on a scan) looks like a CNP.
pub fn is_cnp_word(word: &str) -> bool {
    let digits: String = word.chars().filter(char::is_ascii_digit).collect();
    digits.len() == 13
        && !digits.starts_with('0')
        && word.chars().filter(|c| c.is_alphabetic()).count() <= 3
}

/// `text` with every CNP-looking number masked.
pub fn mask(text: &str) -> Cow<'_, str> {
    let spans = spans(text);
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + spans.len() * 24);
    let mut last = 0;
    for (start, end) in spans {
        out.push_str(&text[last..start]);
        out.push_str(&text[start..start + 1]);
        for _ in 0..12 {
            out.push_str(DOT);
        }
        last = end;
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// Mask every string inside a JSON value.
pub fn mask_json(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(s) => {
            if let Cow::Owned(m) = mask(s) {
                *s = m;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_json),
        Value::Object(map) => map.values_mut().for_each(mask_json),
        _ => {}
    }
}

/// Byte ranges of CNP-looking runs.
fn spans(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i - start == 13 && b[start] != b'0' && !in_hex_id(b, start, i) {
            out.push((start, i));
        }
    }
    out
}

/// Whether the digit run `start..end` lies inside a run of 32+ hex digits
/// (an object id, not a CNP).
fn in_hex_id(b: &[u8], start: usize, end: usize) -> bool {
    let mut s = start;
    while s > 0 && b[s - 1].is_ascii_hexdigit() {
        s -= 1;
    }
    let mut e = end;
    while e < b.len() && b[e].is_ascii_hexdigit() {
        e += 1;
    }
    e - s >= 32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cnps_are_masked_and_nothing_else() {
        let t = "Popescu Ion 1850312020017 șofer, nr. 12345, tel 0257123456";
        let m = mask(t);
        let dots = "•".repeat(12);
        assert_eq!(
            m,
            format!("Popescu Ion 1{dots} șofer, nr. 12345, tel 0257123456")
        );
        assert!(has_cnp(t));
        assert!(!has_cnp(&m));
        assert!(!has_cnp("12345678901234"), "14 digits is not a CNP");
        assert!(!has_cnp("0850312020017"), "a CNP never starts with 0");
    }

    #[test]
    fn inside_markup_and_json() {
        let dots = "•".repeat(12);
        assert_eq!(mask("<b>2750101350021</b>"), format!("<b>2{dots}</b>"));
        let mut v = serde_json::json!({"a": ["x 1850312020017"], "n": 1850312020017u64});
        mask_json(&mut v);
        assert_eq!(v["a"][0], format!("x 1{dots}"));
    }

    #[test]
    fn hex_ids_are_left_alone() {
        let id = "ab1850312020017cd0123456789abcdef0123456789abcdef0123456789abcd";
        assert_eq!(mask(id), id);
    }

    #[test]
    fn words_on_scans() {
        assert!(is_cnp_word("1850312020017"));
        assert!(is_cnp_word("CNP:1850312020017"));
        assert!(!is_cnp_word("Popescu"));
    }
}
