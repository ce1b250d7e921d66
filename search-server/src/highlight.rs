//! Highlighting a query on a page: in its text (`<mark>`) and on its scan
//! (the boxes of matching words). A word matches a query term the way the
//! index matches it: the same folded form (no diacritics, comma ș/ț), the
//! same stem, a prefix for `term*`, or — for words of five letters or more —
//! one or two edits away, what OCR does to words.

use arhiva_index::{fold, fuzzy_distance, stem, within_distance};
use arhiva_store::WordBox;
use maud::{html, Markup, PreEscaped};

/// The words of a query, folded, ready to match page words against.
#[derive(Debug, Clone, Default)]
pub struct Terms {
    exact: Vec<String>,
    stems: Vec<String>,
    prefixes: Vec<String>,
}

/// Query syntax words that are not search terms.
const OPERATORS: [&str; 4] = ["AND", "OR", "NOT", "TO"];

impl Terms {
    /// The terms of a search query (operators, field names, excluded words
    /// and ranges left out).
    pub fn of_query(query: &str) -> Terms {
        let mut t = Terms::default();
        for raw in query.split_whitespace().take(64) {
            if raw.starts_with('-') || OPERATORS.contains(&raw) {
                continue;
            }
            let raw = raw.rsplit(':').next().unwrap_or(raw);
            if raw.contains('[') || raw.contains(']') || raw.contains('{') {
                continue;
            }
            let prefix = raw.trim_end_matches(['"', ')']).ends_with('*');
            let raw = raw.split('~').next().unwrap_or(raw);
            for word in words(raw) {
                let f = fold(word);
                if f.chars().count() < 3 {
                    continue;
                }
                if prefix {
                    t.prefixes.push(f);
                } else {
                    t.stems.push(stem(&f));
                    t.exact.push(f);
                }
            }
        }
        t
    }

    /// Whether there is nothing to highlight.
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.prefixes.is_empty()
    }

    /// Whether a page word matches.
    pub fn matches(&self, word: &str) -> bool {
        if self.is_empty() {
            return false;
        }
        let f = fold(word);
        if f.is_empty() {
            return false;
        }
        if self.exact.contains(&f) || self.prefixes.iter().any(|p| f.starts_with(p.as_str())) {
            return true;
        }
        if f.chars().all(|c| c.is_ascii_digit()) {
            return false;
        }
        let s = stem(&f);
        if self.stems.contains(&s) {
            return true;
        }
        self.exact.iter().any(|term| {
            let d = fuzzy_distance(term) as usize;
            d > 0 && within_distance(&f, term, d).is_some()
        })
    }

    /// `text`, HTML-escaped, with matching words in `<mark>`.
    pub fn mark(&self, text: &str) -> Markup {
        let mut out = String::with_capacity(text.len() + 64);
        for (is_word, piece) in segments(text) {
            if is_word && self.matches(piece) {
                out.push_str("<mark>");
                escape_into(&mut out, piece);
                out.push_str("</mark>");
            } else {
                escape_into(&mut out, piece);
            }
        }
        PreEscaped(out)
    }

    /// The boxes of the words that match.
    pub fn boxes<'a>(&self, words: &'a [WordBox]) -> Vec<&'a WordBox> {
        words
            .iter()
            .filter(|w| self::words(&w.text).any(|piece| self.matches(piece)))
            .collect()
    }
}

/// Word pieces of a string (letters and digits).
fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The text cut into alternating runs of word and non-word characters.
fn segments(text: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut current: Option<bool> = None;
    for (i, c) in text.char_indices() {
        let w = c.is_alphanumeric();
        match current {
            Some(k) if k == w => {}
            Some(k) => {
                out.push((k, &text[start..i]));
                start = i;
                current = Some(w);
            }
            None => current = Some(w),
        }
    }
    if let Some(k) = current {
        out.push((k, &text[start..]));
    }
    out
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// An SVG of the page scan with rectangles over `boxes`, in the original
/// image's pixel coordinates (`size`); scales with its container.
pub fn scan(src: &str, size: (u32, u32), boxes: &[&WordBox], alt: &str) -> Markup {
    let (w, h) = size;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {w} {h}")) role="img" aria-label=(alt) {
            image href=(src) x="0" y="0" width=(w) height=(h) {}
            @for b in boxes {
                rect.hl x=(b.x.saturating_sub(4)) y=(b.y.saturating_sub(4)) width=(b.w + 8) height=(b.h + 8) rx="4" {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_terms_match_folded_stemmed_and_fuzzy() {
        let t = Terms::of_query("hotarare titlu:consiliu -anulat \"stat de plata\" OR pens*");
        assert!(t.matches("Hotărârea"), "stem and diacritics");
        assert!(t.matches("HOTĂRÂRE"));
        assert!(t.matches("hotărâre"), "cedilla/comma fold");
        assert!(t.matches("consiliul"));
        assert!(!t.matches("anulat"), "excluded words are not highlighted");
        assert!(t.matches("plată"));
        assert!(t.matches("pensionare"), "prefix");
        assert!(t.matches("consillu"), "one OCR error");
        assert!(!t.matches("OR"));
        assert!(!t.matches("casa"));
    }

    #[test]
    fn marking_escapes_everything_else() {
        let t = Terms::of_query("plata");
        let m = t.mark("<script> plată & \"x\"").into_string();
        assert_eq!(m, "&lt;script&gt; <mark>plată</mark> &amp; &quot;x&quot;");
    }

    #[test]
    fn boxes_of_matching_words() {
        let wb = |text: &str, x| WordBox {
            text: text.into(),
            x,
            y: 1,
            w: 10,
            h: 10,
            conf: None,
        };
        let words = vec![wb("Stat", 0), wb("de", 20), wb("plată,", 40)];
        let t = Terms::of_query("plata stat");
        let got: Vec<u32> = t.boxes(&words).iter().map(|b| b.x).collect();
        assert_eq!(got, vec![0, 40]);
    }
}
