//! The other forms of a query word, found in the term dictionary at query
//! time: its inflections (every indexed word with the same stem) and its
//! OCR-damaged spellings (every word within the allowed edit distance), in
//! one walk of each segment's dictionary, matched with a constant score.
//!
//! Stems are not indexed: a stem is always a prefix of its folded word (the
//! Romanian Snowball rules only remove or shorten endings), so the
//! inflections of `hotărâre` are among the words beginning with its stem
//! `hotar`, and checking each of those few words costs less per query than
//! indexing a stem for every word of every page costs at ingest.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use frostem::{Algorithm, Stemmer};
use tantivy::query::{AutomatonWeight, DfaWrapper, EnableScoring, Query, Weight};
use tantivy::schema::Field;
use tantivy_fst::Automaton;

/// Longest word in the dictionary (the analyzer drops longer tokens).
const MAX_LEN: usize = 40;

/// Stems shorter than this are not expanded: too many words begin with
/// them, and the words they come from are short enough to type whole.
pub(crate) const MIN_STEM: usize = 4;

/// The stem of a folded word, as [`Forms`] compares it.
pub(crate) fn stem_of(word: &str) -> Cow<'_, str> {
    Stemmer::new(Algorithm::Romanian).stem(word)
}

/// Accepts the words other than `word` itself that share its stem or lie
/// within the edit distance of its Levenshtein automaton.
pub(crate) struct Forms {
    word: Vec<u8>,
    stem: Option<Vec<u8>>,
    fuzzy: Option<DfaWrapper>,
    stemmer: Stemmer,
}

impl Forms {
    /// `stem`: expand inflections (when the stem is long enough);
    /// `fuzzy`: the automaton of the allowed spellings. `None` when there
    /// is nothing to expand.
    pub(crate) fn new(word: &str, stem: bool, fuzzy: Option<DfaWrapper>) -> Option<Forms> {
        let stem = stem
            .then(|| stem_of(word).into_owned())
            .filter(|s| s.chars().count() >= MIN_STEM && s.len() <= MAX_LEN)
            .map(String::into_bytes);
        (stem.is_some() || fuzzy.is_some()).then(|| Forms {
            word: word.as_bytes().to_vec(),
            stem,
            fuzzy,
            stemmer: Stemmer::new(Algorithm::Romanian),
        })
    }
}

/// Where the walk is: the fuzzy automaton's state and the bytes so far.
#[derive(Clone)]
pub(crate) struct FormsState {
    fuzzy: u32,
    len: usize,
    bytes: [u8; MAX_LEN],
}

impl FormsState {
    fn term(&self) -> Option<&[u8]> {
        self.bytes.get(..self.len)
    }
}

impl Automaton for Forms {
    type State = FormsState;

    fn start(&self) -> FormsState {
        FormsState {
            fuzzy: self.fuzzy.as_ref().map_or(0, |f| f.start()),
            len: 0,
            bytes: [0; MAX_LEN],
        }
    }

    fn is_match(&self, state: &FormsState) -> bool {
        let Some(term) = state.term() else {
            return false;
        };
        if term == self.word.as_slice() {
            return false; // the exact clause has it, with its own score
        }
        if self
            .fuzzy
            .as_ref()
            .is_some_and(|f| f.is_match(&state.fuzzy))
        {
            return true;
        }
        match (&self.stem, std::str::from_utf8(term)) {
            (Some(stem), Ok(word)) if term.starts_with(stem) => {
                self.stemmer.stem(word).as_bytes() == stem.as_slice()
            }
            _ => false,
        }
    }

    fn can_match(&self, state: &FormsState) -> bool {
        if self
            .fuzzy
            .as_ref()
            .is_some_and(|f| f.can_match(&state.fuzzy))
        {
            return true;
        }
        match (&self.stem, state.term()) {
            // On the way to the stem, or past it.
            (Some(stem), Some(term)) => stem.starts_with(term) || term.starts_with(stem),
            _ => false,
        }
    }

    fn accept(&self, state: &FormsState, byte: u8) -> FormsState {
        let mut next = state.clone();
        if let Some(f) = &self.fuzzy {
            next.fuzzy = f.accept(&state.fuzzy, byte);
        }
        match next.bytes.get_mut(state.len) {
            Some(slot) => {
                *slot = byte;
                next.len += 1;
            }
            None => next.len = MAX_LEN + 1, // longer than any word: no stem match
        }
        next
    }
}

/// A query for [`Forms`] in one field.
#[derive(Clone)]
pub(crate) struct FormsQuery {
    field: Field,
    forms: Arc<Forms>,
}

impl FormsQuery {
    pub(crate) fn new(field: Field, forms: Forms) -> FormsQuery {
        FormsQuery {
            field,
            forms: Arc::new(forms),
        }
    }
}

impl fmt::Debug for FormsQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FormsQuery")
            .field("field", &self.field)
            .field("word", &String::from_utf8_lossy(&self.forms.word))
            .field(
                "stem",
                &self.forms.stem.as_deref().map(String::from_utf8_lossy),
            )
            .field("fuzzy", &self.forms.fuzzy.is_some())
            .finish()
    }
}

impl Query for FormsQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(AutomatonWeight::<Forms>::new(
            self.field,
            Arc::clone(&self.forms),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(a: &Forms, word: &str) -> bool {
        let mut s = a.start();
        for b in word.bytes() {
            if !a.can_match(&s) {
                return false;
            }
            s = a.accept(&s, b);
        }
        a.is_match(&s)
    }

    #[test]
    fn inflections_share_the_stem_and_the_word_itself_is_left_out() {
        let a = Forms::new("salariul", true, None).expect("stem long enough");
        for w in ["salariului", "salarii"] {
            assert!(accepts(&a, w), "{w}");
        }
        for w in ["salariul", "sala", "salam", "xsalariul"] {
            assert!(!accepts(&a, w), "{w}");
        }
        // With an edit distance: spellings too, in the same walk.
        let fuzzy = tantivy::query::FuzzyTermQuery::new(
            tantivy::Term::from_field_text(Field::from_field_id(0), "salariul"),
            1,
            true,
        )
        .automaton()
        .expect("automaton");
        let a = Forms::new("salariul", true, Some(fuzzy)).expect("forms");
        assert!(accepts(&a, "salarlul") && accepts(&a, "salariului"));
        assert!(!accepts(&a, "salarlul"[..6].as_ref()), "two edits away");
        // Every stem is a prefix of its word: what the walk relies on.
        for w in [
            "functionarilor",
            "constructiilor",
            "salariatul",
            "vanzarilor",
        ] {
            assert!(w.starts_with(stem_of(w).as_ref()), "{w}");
        }
        assert!(Forms::new("casa", true, None).is_none(), "short stem");
    }
}
