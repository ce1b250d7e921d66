//! Masking of personal numeric codes (CNP) for consultants.
//!
//! A CNP is 13 digits, the first 1-9. Anything that looks like one — a run
//! of exactly 13 digits standing alone: not part of a longer number, not
//! the fraction or the integer part of a decimal (`92.2119369506836` is a
//! confidence, not a person), not inside a SHA-256 hex id — is shown as its
//! first digit and twelve `•`, whatever the check digit says (OCR breaks
//! check digits; a near-CNP is still personal). It is applied to the data a
//! consultant receives (page text, word boxes, snippets, titles, the string
//! values of JSON), and once more as a last net over whole bodies (see
//! [`crate::security`]), which never rewrites JSON outside its strings.
//!
//! Deciding whether a *scan* may be shown needs more than [`has_cnp`]: OCR
//! misreads digits, so [`may_show_cnp`] also answers yes for near-CNPs
//! (`185O3l2020017`), for CNPs split by a space, and for a page that names
//! a CNP column without a readable number in it.

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

/// Whether a page with this text may show a CNP on its scan: a CNP-looking
/// number, a near-CNP (11-15 digits, letters OCR confuses with digits
/// counted as digits, or groups split by single spaces adding up to 13), or
/// the word `CNP` / "cod numeric personal" (a column whose numbers were not
/// read). Used to decide what a consultant may see: when in doubt, yes.
pub fn may_show_cnp(text: &str) -> bool {
    if has_cnp(text) {
        return true;
    }
    let folded = text.to_lowercase();
    if folded.contains("cod numeric personal") {
        return true;
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.iter().any(|w| {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .eq_ignore_ascii_case("cnp")
            || w.to_ascii_lowercase().starts_with("cnp:")
    }) {
        return true;
    }
    if words.iter().any(|w| is_cnp_like_word(w)) {
        return true;
    }
    // Digit groups split by single spaces ("185 0312 020017"): groups in a
    // row that add up to exactly 13 digits.
    let groups: Vec<Option<&str>> = words
        .iter()
        .map(|w| {
            let t = w.trim_matches(|c: char| !c.is_alphanumeric());
            (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())).then_some(t)
        })
        .collect();
    for i in 0..groups.len() {
        let Some(first) = groups[i] else { continue };
        if first.starts_with('0') {
            continue;
        }
        let mut sum = 0;
        for g in &groups[i..] {
            let Some(g) = g else { break };
            sum += g.len();
            if sum >= 13 {
                break;
            }
        }
        if sum == 13 && first.len() < 13 {
            return true;
        }
    }
    false
}

/// Whether one word (as recognised on a scan) is a CNP or a near-CNP:
/// 11-15 digits once the letters OCR confuses with digits (`O o D Q`,
/// `l I i | !`, `Z z`, `S s`, `B`, `G`, `T`) are read as digits, with at
/// least 9 real digits and at most 3 other letters (`CNP:`).
pub fn is_cnp_like_word(word: &str) -> bool {
    let chars: Vec<char> = word.chars().collect();
    if chars
        .windows(3)
        .any(|w| w[0].is_ascii_digit() && matches!(w[1], '.' | ',') && w[2].is_ascii_digit())
    {
        // A decimal number or a date, not a code.
        return false;
    }
    let mut digits = 0usize;
    let mut confusable = 0usize;
    let mut letters = 0usize;
    for &c in &chars {
        if c.is_ascii_digit() {
            digits += 1;
        } else if "OoDQlIi|!ZzSsBGT".contains(c) {
            confusable += 1;
        } else if c.is_alphabetic() {
            letters += 1;
        }
    }
    let as_digits = digits + confusable;
    digits >= 9 && (11..=15).contains(&as_digits) && letters <= 3
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

/// `text` with CNP-looking numbers masked ([`mask`]) and near-CNP words
/// ([`is_cnp_like_word`], what OCR made of a CNP) replaced by `•`: for page
/// texts and words shown to consultants.
pub fn mask_all(text: &str) -> String {
    let masked = mask(text);
    let mut out = String::with_capacity(masked.len());
    for piece in masked.split_inclusive(char::is_whitespace) {
        let word = piece.trim_end_matches(char::is_whitespace);
        if is_cnp_like_word(word) {
            out.push_str(&DOT.repeat(word.chars().count()));
            out.push_str(&piece[word.len()..]);
        } else {
            out.push_str(piece);
        }
    }
    out
}

/// The fewest digits in a row a consultant's query may not hold: a sex
/// digit and a birth date (`S YY MM DD`) are seven, the start of a CNP from
/// which the rest can be guessed a county and a serial at a time.
pub const PROBE_DIGITS: usize = 7;

/// Whether a search query probes for CNPs: a term of at least
/// [`PROBE_DIGITS`] digits, counting the single-character wildcard `?` as
/// a digit (`18503?2020017`), with or without `*` or `~` (prefix, fuzzy).
/// Consultants may not search such numbers: the answer "this number is on
/// these pages" is itself the personal data.
pub fn is_cnp_probe(query: &str) -> bool {
    let mut run = 0usize;
    let mut digits = 0usize;
    for c in query.chars() {
        if c.is_ascii_digit() || c == '?' {
            run += 1;
            digits += usize::from(c.is_ascii_digit());
            if run >= PROBE_DIGITS && digits >= 1 {
                return true;
            }
        } else {
            run = 0;
            digits = 0;
        }
    }
    false
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

/// Whether a JSON value holds a number that reads as a CNP (a 13-digit
/// integer, the first digit 1-9): such a number cannot be masked in place
/// without changing its type, so the whole answer must be withheld.
pub fn json_has_cnp_number(value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::Number(n) => n.is_u64() && has_cnp(&n.to_string()),
        Value::Array(items) => items.iter().any(json_has_cnp_number),
        Value::Object(map) => map.values().any(json_has_cnp_number),
        _ => false,
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
        if i - start == 13
            && b[start] != b'0'
            && !in_hex_id(b, start, i)
            && !in_decimal(b, start, i)
        {
            out.push((start, i));
        }
    }
    out
}

/// Whether the digit run `start..end` is part of a decimal number: the
/// fraction after `12.` or `12,`, or the integer part before `.5`.
fn in_decimal(b: &[u8], start: usize, end: usize) -> bool {
    let before = start >= 2 && matches!(b[start - 1], b'.' | b',') && b[start - 2].is_ascii_digit();
    let after = end + 1 < b.len() && b[end] == b'.' && b[end + 1].is_ascii_digit();
    before || after
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
    fn decimals_are_not_cnps() {
        // A confidence as serde_json writes an f64.
        let t = r#"{"confidence":92.2119369506836,"x":"0,1850312020017"}"#;
        assert_eq!(mask(t), t);
        assert!(!has_cnp("1850312020017.5"));
        assert!(has_cnp("CNP 1850312020017."), "a full stop ends a sentence");
    }

    #[test]
    fn cnp_probes_are_recognised() {
        for q in [
            "1850312020017",
            "cnp 1850312*",
            "18503?2020017",
            "\"1850312 020017\"",
            "1850312020010~2",
        ] {
            assert!(is_cnp_probe(q), "{q}");
        }
        for q in [
            "Popescu 1987",
            "an:[1990 TO 2001]",
            "185031*",
            "nr. 123456",
            "salariu 2150",
        ] {
            assert!(!is_cnp_probe(q), "{q}");
        }
    }

    #[test]
    fn near_cnps_are_masked_in_texts() {
        let m = mask_all("Popescu 185O3l2020017 sofer\n2 Ionescu 2650101020031 x");
        assert!(
            !m.contains("185O3l2020017") && !m.contains("2650101020031"),
            "{m}"
        );
        assert!(
            m.contains("Popescu") && m.contains("sofer\n2 Ionescu"),
            "{m}"
        );
    }

    #[test]
    fn near_cnps_make_a_scan_doubtful() {
        assert!(may_show_cnp("Popescu 185O3l2020017 sofer"));
        assert!(may_show_cnp("Popescu 185 0312 020017 sofer"));
        assert!(may_show_cnp("Nr. Numele CNP Functia"));
        assert!(may_show_cnp("1850312020017"));
        assert!(!may_show_cnp(
            "Hotărârea nr. 12 din 1998, suma 2150 lei, tel 0257123456"
        ));
        assert!(!may_show_cnp("confidence 92.2119369506836"));
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
