//! The one text normalization of the archive, used at index time and at
//! query time alike, plus the small string measures built on it.
//!
//! Romanian text reaches us in many shapes: composed or decomposed Unicode,
//! the comma-below letters (`ș ț`, correct) or the cedilla letters (`ş ţ`,
//! what legacy code pages and many OCR engines produce), with or without
//! diacritics at all. [`normalize`] makes the first two differences vanish;
//! [`fold`] makes the third vanish too.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_normalization::UnicodeNormalization;

/// NFC, cedilla → comma below (`ş`→`ș`, `ţ`→`ț`, and capitals), lowercase.
///
/// ```
/// assert_eq!(arhiva_index::normalize("Şcoala ŢĂRII"), "școala țării");
/// ```
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    normalize_into(s, &mut out);
    out
}

/// [`normalize`], then strip diacritics (`ă â`→`a`, `î`→`i`, `ș`→`s`,
/// `ț`→`t`, and any other Latin letter with marks, e.g. `ö`→`o`, so the
/// Hungarian and German names of the region fold as well).
///
/// ```
/// assert_eq!(arhiva_index::fold("Hotărârea Consiliului Şcolar"), "hotararea consiliului scolar");
/// assert_eq!(arhiva_index::fold("Szabó Müller"), "szabo muller");
/// ```
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// [`normalize`] into a buffer (cleared first).
pub(crate) fn normalize_into(s: &str, out: &mut String) {
    out.clear();
    if s.is_ascii() {
        out.push_str(s);
        out.make_ascii_lowercase();
        return;
    }
    if nfc_already(s) {
        s.chars().for_each(|c| push_lower(comma(c), out));
    } else {
        s.nfc().for_each(|c| push_lower(comma(c), out));
    }
}

/// `true` when `s` is certainly in NFC already: every character is below
/// U+0300, where each one is NFC on its own and none combines with the one
/// before (the first combining marks start at U+0300). That covers nearly
/// every Romanian word and spares the decompose-recompose of
/// `UnicodeNormalization::nfc`, the costliest step of indexing.
fn nfc_already(s: &str) -> bool {
    s.chars().all(|c| c < '\u{300}')
}

/// [`fold`] into a buffer (cleared first).
pub(crate) fn fold_into(s: &str, out: &mut String) {
    out.clear();
    if s.is_ascii() {
        out.push_str(s);
        out.make_ascii_lowercase();
        return;
    }
    if nfc_already(s) {
        s.chars().for_each(|c| fold_char(c, out));
    } else {
        s.nfc().for_each(|c| fold_char(c, out));
    }
}

fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    match c {
        'ă' | 'â' | 'Ă' | 'Â' => out.push('a'),
        'î' | 'Î' => out.push('i'),
        'ș' | 'ş' | 'Ș' | 'Ş' => out.push('s'),
        'ț' | 'ţ' | 'Ț' | 'Ţ' => out.push('t'),
        _ => {
            let mut lower = String::new();
            push_lower(c, &mut lower);
            for l in lower.chars() {
                decompose_canonical(l, |d| {
                    if !is_combining_mark(d) {
                        out.push(d);
                    }
                });
            }
        }
    }
}

fn comma(c: char) -> char {
    match c {
        'ş' => 'ș',
        'ţ' => 'ț',
        'Ş' => 'Ș',
        'Ţ' => 'Ț',
        other => other,
    }
}

fn push_lower(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else {
        out.extend(c.to_lowercase());
    }
}

/// The fuzzy distance allowed for a query term of this many characters:
/// none below 5, one for 5–8, two beyond (OCR rarely breaks a short word in
/// a way a person would still recognise).
pub fn fuzzy_distance(term: &str) -> u8 {
    if term.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    match term.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Damerau–Levenshtein distance (optimal string alignment) between `a` and
/// `b`, or `None` once it is certainly above `max`.
pub fn within_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    distance_within(a, b, max, true)
}

/// Levenshtein distance (transpositions count two), or `None` once it is
/// certainly above `max`: OCR substitutes, drops and adds characters but
/// does not swap them.
pub fn levenshtein_within(a: &str, b: &str, max: usize) -> Option<usize> {
    distance_within(a, b, max, false)
}

fn distance_within(a: &str, b: &str, max: usize, transpositions: bool) -> Option<usize> {
    if a == b {
        return Some(0);
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let w = b.len() + 1;
    let mut prev2 = vec![0usize; w];
    let mut prev: Vec<usize> = (0..w).collect();
    let mut cur = vec![0usize; w];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if transpositions && i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cedilla_and_comma_agree() {
        assert_eq!(normalize("Ştefan Ţeposu"), normalize("Ștefan Țeposu"));
        assert_eq!(normalize("ştefan"), "ștefan");
        // Decomposed input (s + combining comma below) composes first.
        assert_eq!(normalize("s\u{326}coala"), "școala");
        assert_eq!(fold("s\u{327}coala"), "scoala");
    }

    #[test]
    fn folding_strips_romanian_marks() {
        assert_eq!(fold("ĂÂÎȘȚăâîșț"), "aaistaaist");
        assert_eq!(fold("căsătorie"), "casatorie");
        assert_eq!(fold("ASCII only"), "ascii only");
    }

    /// The shortcut past NFC must give what full NFC gives, for every
    /// character it lets through, alone and before a combining mark.
    #[test]
    fn nfc_shortcut_agrees_with_nfc() {
        for c in (0u32..0x300).filter_map(char::from_u32) {
            for s in [format!("a{c}b"), format!("{c}"), format!("{c}\u{301}")] {
                let full_n: String = s.nfc().map(comma).flat_map(char::to_lowercase).collect();
                assert_eq!(normalize(&s), full_n, "{s:?}");
                let mut full_f = String::new();
                s.nfc().for_each(|c| fold_char(c, &mut full_f));
                assert_eq!(fold(&s), full_f, "{s:?}");
            }
        }
    }

    #[test]
    fn distances() {
        assert_eq!(within_distance("popescu", "popescu", 1), Some(0));
        assert_eq!(within_distance("popescu", "popesku", 1), Some(1));
        assert_eq!(within_distance("popescu", "opescu", 1), Some(1));
        assert_eq!(within_distance("popescu", "poepscu", 1), Some(1));
        assert_eq!(within_distance("popescu", "pepesku", 1), None);
        assert_eq!(within_distance("ion", "ioan", 1), Some(1));
        assert_eq!(within_distance("", "ab", 1), None);
        assert_eq!(within_distance("cristian", "cristina", 1), Some(1));
        assert_eq!(levenshtein_within("cristian", "cristina", 1), None);
    }

    #[test]
    fn fuzzy_by_length() {
        assert_eq!(fuzzy_distance("ion"), 0);
        assert_eq!(fuzzy_distance("vasile"), 1);
        assert_eq!(fuzzy_distance("constantinescu"), 2);
        assert_eq!(fuzzy_distance("19980101"), 0);
    }
}
