//! Snippets: a window of the stored page text around the densest group of
//! matches, HTML-escaped, with every matching word wrapped in `<b>…</b>`.
//!
//! Matching is done on folded tokens, so a query typed without diacritics
//! highlights the words with them, and fuzzy and stemmed matches light up
//! as well — the same rules the query used to find the page.

use std::collections::BTreeSet;

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{TextAnalyzer, TokenStream};

use crate::analyzer::{folding_analyzer, CachedStemmer};
use crate::normalize::normalize;
use crate::query::Highlight;

/// Characters of text shown around the matches.
const WINDOW: usize = 240;

/// Builds snippets for one search (keeps its analyzer between hits).
pub(crate) struct Snippets<'a> {
    analyzer: TextAnalyzer,
    stemmer: CachedStemmer,
    highlight: &'a Highlight,
    /// Whether a folded word matches, decided once per word per search:
    /// pages repeat their words, and the fuzzy test is the costly part.
    decided: FxHashMap<String, bool>,
}

/// Words remembered per search, at most.
const DECIDED: usize = 50_000;

/// A snippet and the words that matched on the page.
pub(crate) struct Snippet {
    pub html: String,
    pub matched: Vec<String>,
}

impl<'a> Snippets<'a> {
    pub fn new(highlight: &'a Highlight) -> Self {
        Snippets {
            analyzer: folding_analyzer(),
            stemmer: CachedStemmer::default(),
            highlight,
            decided: FxHashMap::default(),
        }
    }

    /// The snippet of `text`.
    pub fn make(&mut self, text: &str, with_snippet: bool) -> Snippet {
        let mut matches: Vec<(usize, usize, String)> = Vec::new();
        let mut matched = BTreeSet::new();
        if !self.highlight.is_empty() {
            let mut stream = self.analyzer.token_stream(text);
            while stream.advance() {
                let t = stream.token();
                let hit = match self.decided.get(&t.text) {
                    Some(&hit) => hit,
                    None => {
                        let hit = self.highlight.matches(&t.text, &mut self.stemmer);
                        if self.decided.len() >= DECIDED {
                            self.decided.clear();
                        }
                        self.decided.insert(t.text.clone(), hit);
                        hit
                    }
                };
                if hit {
                    let original = text.get(t.offset_from..t.offset_to).unwrap_or_default();
                    matched.insert(normalize(original));
                    matches.push((t.offset_from, t.offset_to, t.text.clone()));
                }
            }
        }
        let html = if with_snippet {
            render(text, &matches)
        } else {
            String::new()
        };
        Snippet {
            html,
            matched: matched.into_iter().collect(),
        }
    }
}

/// Choose the window holding the most distinct matched words, then render it.
fn render(text: &str, matches: &[(usize, usize, String)]) -> String {
    let (mut start, mut best) = (0usize, 0usize);
    for (i, m) in matches.iter().enumerate() {
        let distinct: BTreeSet<&str> = matches[i..]
            .iter()
            .take_while(|n| n.1 <= m.0 + WINDOW)
            .map(|n| n.2.as_str())
            .collect();
        if distinct.len() > best {
            best = distinct.len();
            start = m.0;
        }
    }
    // Step back a little so the first match has some context.
    let mut from = floor_char(text, start.saturating_sub(WINDOW / 4));
    if from > 0 {
        if let Some(sp) = text[from..start].find(char::is_whitespace) {
            from += sp + 1;
        }
    }
    let mut to = floor_char(text, (from + WINDOW).min(text.len()));
    if to < text.len() {
        if let Some(sp) = text[..to].rfind(char::is_whitespace) {
            if sp > from {
                to = sp;
            }
        }
    }
    let mut out = String::with_capacity(WINDOW + 64);
    if from > 0 {
        out.push('…');
    }
    let mut pos = from;
    for (a, b, _) in matches.iter().filter(|m| m.0 >= from && m.1 <= to) {
        if *a < pos {
            continue;
        }
        escape_into(&text[pos..*a], &mut out);
        out.push_str("<b>");
        escape_into(&text[*a..*b], &mut out);
        out.push_str("</b>");
        pos = *b;
    }
    escape_into(&text[pos..to], &mut out);
    if to < text.len() {
        out.push('…');
    }
    out
}

fn floor_char(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Escape text for HTML, collapsing runs of whitespace (line breaks of the
/// scan) into single spaces.
fn escape_into(s: &str, out: &mut String) {
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            if !space {
                out.push(' ');
            }
            space = true;
            continue;
        }
        space = false;
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_folded_matches_and_escapes() {
        let mut h = Highlight::default();
        h.exact.insert("hotararea".into());
        let mut s = Snippets::new(&h);
        let out = s.make("Vazand <raportul> & Hotărârea nr. 5", true);
        assert_eq!(
            out.html,
            "Vazand &lt;raportul&gt; &amp; <b>Hotărârea</b> nr. 5"
        );
        assert_eq!(out.matched, ["hotărârea"]);
    }

    #[test]
    fn long_text_is_windowed() {
        let mut h = Highlight::default();
        h.exact.insert("tinta".into());
        let text = format!("{} ținta {}", "lorem ".repeat(100), "ipsum ".repeat(100));
        let out = Snippets::new(&h).make(&text, true);
        assert!(out.html.starts_with('…') && out.html.ends_with('…'));
        assert!(out.html.contains("<b>ținta</b>"));
        assert!(out.html.chars().count() < WINDOW + 20);
    }
}
