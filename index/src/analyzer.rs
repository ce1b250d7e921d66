//! The Romanian analyzer: tantivy's simple tokenizer, long-token removal and
//! [`RomanianFilter`], which applies [`crate::fold`] (or only
//! [`crate::normalize`]) to each token. Registered under [`TOKENIZER`].
//!
//! Page text and titles use [`TEXT_TOKENIZER`], which leaves out the
//! [`STOP_WORDS`] (`de`, `la`, `în`, `și`, …: a quarter of all words) while
//! keeping every other word at its position. Phrases then skip over them
//! (`"plan de situație"` is `plan`, any word, `situație`), and a phrase
//! query no longer reads the long position lists of words on every page.
//! [`STOP_TOKENIZER`] keeps only the stop words, for a field without
//! positions, so a stop word searched alone still finds its pages.
//!
//! Stems are not indexed: [`crate::forms`] finds a word's inflections in
//! the term dictionary when a query asks for them, and [`stem`] (the same
//! Snowball stemmer) tells snippets which words to mark.

use std::mem;

use rustc_hash::FxHashMap;

use tantivy::tokenizer::{
    RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
    TokenizerManager,
};

use crate::forms::stem_of;

use crate::normalize::{fold_into, normalize_into};

/// Name of the folding analyzer (exact forms, diacritics folded).
pub const TOKENIZER: &str = "ro";
/// Name of the folding analyzer without stop words (page text, titles).
pub const TEXT_TOKENIZER: &str = "ro_text";
/// Name of the folding analyzer keeping only the stop words.
pub const STOP_TOKENIZER: &str = "ro_stop";

/// Romanian function words, folded: left out of the positional text field.
/// Sorted (binary search). Words with a meaning of their own in an archive
/// stay searchable everywhere: `nr`, `mai` (May), `nu`, `fost`, ….
pub const STOP_WORDS: [&str; 33] = [
    "a", "ai", "al", "ale", "ca", "care", "catre", "ce", "cu", "dar", "de", "din", "iar", "in",
    "intr", "intre", "la", "lui", "o", "pe", "pentru", "prin", "sa", "sau", "se", "si", "spre",
    "un", "una", "unei", "unor", "unui", "va",
];

/// Is this folded token a stop word? (Called for every token indexed: an
/// integer binary search, no string comparisons.)
pub fn is_stop_word(folded: &str) -> bool {
    folded.len() <= 8 && STOP_KEYS.binary_search(&pack(folded.as_bytes())).is_ok()
}

/// Up to 8 bytes, big-endian and zero-padded: for words without NUL bytes
/// the numeric order is the lexicographic order, so sorted words give
/// sorted keys.
const fn pack(b: &[u8]) -> u64 {
    let mut key = 0u64;
    let mut i = 0;
    while i < 8 {
        key <<= 8;
        if i < b.len() {
            key |= b[i] as u64;
        }
        i += 1;
    }
    key
}

const STOP_KEYS: [u64; STOP_WORDS.len()] = {
    let mut keys = [0u64; STOP_WORDS.len()];
    let mut i = 0;
    while i < keys.len() {
        keys[i] = pack(STOP_WORDS[i].as_bytes());
        i += 1;
    }
    keys
};

/// Tokens longer than this (in bytes) are dropped: OCR garbage, not words.
const MAX_TOKEN_LEN: usize = 40;

/// What [`RomanianFilter`] does to each token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// [`crate::fold`]: normalized and without diacritics.
    Fold,
    /// [`crate::normalize`] only: diacritics kept, in comma form.
    Normalize,
}

/// A token filter applying the archive's normalization to every token.
#[derive(Clone, Debug)]
pub struct RomanianFilter(pub Mode);

impl TokenFilter for RomanianFilter {
    type Tokenizer<T: Tokenizer> = RomanianFilterWrapper<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        RomanianFilterWrapper {
            mode: self.0,
            inner: tokenizer,
            buffer: String::new(),
        }
    }
}

/// [`RomanianFilter`] applied to a tokenizer.
#[derive(Clone)]
pub struct RomanianFilterWrapper<T> {
    mode: Mode,
    inner: T,
    buffer: String,
}

impl<T: Tokenizer> Tokenizer for RomanianFilterWrapper<T> {
    type TokenStream<'a> = RomanianTokenStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.buffer.clear();
        RomanianTokenStream {
            mode: self.mode,
            tail: self.inner.token_stream(text),
            buffer: &mut self.buffer,
        }
    }
}

/// The token stream of [`RomanianFilter`].
pub struct RomanianTokenStream<'a, T> {
    mode: Mode,
    tail: T,
    buffer: &'a mut String,
}

impl<T: TokenStream> TokenStream for RomanianTokenStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if token.text.is_ascii() {
            token.text.make_ascii_lowercase();
        } else {
            match self.mode {
                Mode::Fold => fold_into(&token.text, self.buffer),
                Mode::Normalize => normalize_into(&token.text, self.buffer),
            }
            mem::swap(&mut token.text, self.buffer);
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Stems folded words with [`stem`]'s stemmer, remembering the stems of
/// the words it has seen (pages repeat their words).
#[derive(Clone, Default)]
pub struct CachedStemmer {
    cache: FxHashMap<String, String>,
}

/// Entries kept before the cache starts over.
const STEM_CACHE: usize = 200_000;

impl CachedStemmer {
    /// The stem of one folded word.
    pub fn stem(&mut self, word: &str) -> &str {
        if !self.cache.contains_key(word) {
            if self.cache.len() >= STEM_CACHE {
                self.cache.clear();
            }
            self.cache
                .insert(word.to_string(), stem_of(word).into_owned());
        }
        // Present: inserted above if it was not.
        &self.cache[word]
    }
}

/// The folding analyzer.
pub fn folding_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(RomanianFilter(Mode::Fold))
        .build()
}

/// A token filter on the [`STOP_WORDS`]: `StopWordFilter(false)` leaves
/// them out (positions of the other tokens are kept, so phrases see the
/// gaps), `StopWordFilter(true)` keeps only them.
#[derive(Clone, Debug)]
pub struct StopWordFilter(pub bool);

impl TokenFilter for StopWordFilter {
    type Tokenizer<T: Tokenizer> = StopWordFilterWrapper<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        StopWordFilterWrapper(self.0, tokenizer)
    }
}

/// [`StopWordFilter`] applied to a tokenizer.
#[derive(Clone)]
pub struct StopWordFilterWrapper<T>(bool, T);

impl<T: Tokenizer> Tokenizer for StopWordFilterWrapper<T> {
    type TokenStream<'a> = StopWordStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StopWordStream(self.0, self.1.token_stream(text))
    }
}

/// The token stream of [`StopWordFilter`].
pub struct StopWordStream<T>(bool, T);

impl<T: TokenStream> TokenStream for StopWordStream<T> {
    fn advance(&mut self) -> bool {
        while self.1.advance() {
            if is_stop_word(&self.1.token().text) == self.0 {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.1.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.1.token_mut()
    }
}

/// The folding analyzer without stop words.
pub fn text_analyzer() -> TextAnalyzer {
    with_stop_word_filter(StopWordFilter(false))
}

/// The folding analyzer keeping only the stop words.
pub fn stop_word_analyzer() -> TextAnalyzer {
    with_stop_word_filter(StopWordFilter(true))
}

fn with_stop_word_filter(filter: StopWordFilter) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(RomanianFilter(Mode::Fold))
        .filter(filter)
        .build()
}

/// Register the analyzers under their names.
pub fn register(manager: &TokenizerManager) {
    manager.register(TOKENIZER, folding_analyzer());
    manager.register(TEXT_TOKENIZER, text_analyzer());
    manager.register(STOP_TOKENIZER, stop_word_analyzer());
}

/// The folded tokens of `text`.
pub fn tokens(text: &str) -> Vec<String> {
    let mut analyzer = folding_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(t) = stream.next() {
        out.push(t.text.clone());
    }
    out
}

/// The folded tokens of `text` with their positions (gaps where a token
/// too long to be a word was left out).
pub(crate) fn tokens_with_positions(text: &str) -> Vec<(usize, String)> {
    let mut analyzer = folding_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(t) = stream.next() {
        out.push((t.position, t.text.clone()));
    }
    out
}

/// The stem of one folded token (Romanian Snowball), the one inflections
/// are matched by.
///
/// Fold first, then stem: stemming the diacritic forms and folding after
/// gives a different stem for a word typed with and without diacritics in
/// a sizeable share of inflected forms (the Snowball rules key on `ă`, `ș`,
/// `ț` endings); fold-then-stem is consistent by construction (see the
/// `stem_order` test).
pub fn stem(folded: &str) -> String {
    stem_of(folded).into_owned()
}

/// Folded tokens of `text` with their byte offsets in `text`.
#[cfg(test)]
pub(crate) fn tokens_with_offsets(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(t) = stream.next() {
        out.push(t.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{Language, Stemmer};

    #[test]
    fn folds_tokens_with_offsets() {
        let text = "Hotărârea Consiliului Local nr. 12/1998 privind şcoala";
        assert_eq!(
            tokens(text),
            [
                "hotararea",
                "consiliului",
                "local",
                "nr",
                "12",
                "1998",
                "privind",
                "scoala"
            ]
        );
        let toks = tokens_with_offsets(&mut folding_analyzer(), text);
        assert_eq!(&text[toks[0].offset_from..toks[0].offset_to], "Hotărârea");
    }

    #[test]
    fn stop_words_are_sorted_folded_and_left_out_at_their_place() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(STOP_KEYS.windows(2).all(|w| w[0] < w[1]));
        assert!(STOP_WORDS.iter().all(|w| is_stop_word(w)));
        for not in [
            "",
            "d",
            "dea",
            "dee",
            "intra",
            "nr",
            "mai",
            "pentruu",
            "aaaaaaaaa",
        ] {
            assert!(!is_stop_word(not), "{not}");
        }
        assert!(STOP_WORDS.iter().all(|w| crate::fold(w) == *w));
        let mut a = text_analyzer();
        let mut stream = a.token_stream("Planul de situație și în 1998");
        let mut got = Vec::new();
        while let Some(t) = stream.next() {
            got.push((t.position, t.text.clone()));
        }
        assert_eq!(
            got,
            [
                (0, "planul".into()),
                (2, "situatie".into()),
                (5, "1998".into())
            ]
        );
        let mut stops = stop_word_analyzer();
        let mut stream = stops.token_stream("Planul de situație și");
        assert_eq!(stream.next().map(|t| t.text.clone()).as_deref(), Some("de"));
        assert_eq!(stream.next().map(|t| t.text.clone()).as_deref(), Some("si"));
        assert!(stream.next().is_none());
    }

    #[test]
    fn stems_agree_with_and_without_diacritics() {
        for (a, b) in [("hotărârea", "hotararea"), ("școlilor", "scolilor")] {
            assert_eq!(stem(&crate::fold(a)), stem(b));
        }
        assert_eq!(stem("salariile"), stem("salariilor"));
    }

    /// Measures the two orders of folding and stemming over inflected
    /// forms: the order in use must keep every word's stem equal with and
    /// without diacritics.
    #[test]
    fn stem_order() {
        let words = [
            "hotărârea",
            "hotărârile",
            "hotărârilor",
            "căsătoria",
            "căsătoriile",
            "școala",
            "școlii",
            "școlilor",
            "funcționarul",
            "funcționarii",
            "funcționarilor",
            "învățământ",
            "învățământului",
            "vânzare",
            "vânzarea",
            "vânzărilor",
            "construcție",
            "construcția",
            "construcțiilor",
            "pădurea",
            "pădurilor",
            "stații",
            "mașină",
            "mașinile",
            "țăranii",
            "țăranilor",
        ];
        let mut stem_first = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RomanianFilter(Mode::Normalize))
            .filter(Stemmer::new(Language::Romanian))
            .filter(RomanianFilter(Mode::Fold))
            .build();
        let one = |a: &mut TextAnalyzer, w: &str| {
            let mut s = a.token_stream(w);
            s.next().map(|t| t.text.clone()).unwrap_or_default()
        };
        let (mut agree_sf, mut agree_ff) = (0, 0);
        for w in words {
            let folded = crate::fold(w);
            if one(&mut stem_first, w) == one(&mut stem_first, &folded) {
                agree_sf += 1;
            }
            if stem(&crate::fold(w)) == stem(&folded) {
                agree_ff += 1;
            }
        }
        println!(
            "stem agreement with/without diacritics: stem-then-fold {agree_sf}/{n}, fold-then-stem {agree_ff}/{n}",
            n = words.len()
        );
        assert_eq!(agree_ff, words.len());
    }
}
