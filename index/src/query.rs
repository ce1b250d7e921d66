//! From what a person typed to a tantivy query.
//!
//! The syntax is tantivy's query grammar (words, `"phrases"`, `AND`/`OR`/
//! `NOT`, `+`/`-`, `field:value`, ranges, `word*`, `word~2`), parsed into its
//! AST and compiled here, because the meaning is ours: words are required
//! unless joined by `OR`; each word matches its exact folded form (ranked
//! highest, and higher still in the title and metadata), its inflections
//! (same stem), and — for words of five letters or more — forms within one
//! or two edits, the usual damage OCR does (see [`crate::forms`]). Quoted
//! words and phrases match exactly.

use std::collections::BTreeSet;
use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur,
    PhrasePrefixQuery, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::query_grammar::{
    parse_query_lenient, Delimiter, UserInputAst, UserInputBound, UserInputLeaf, UserInputLiteral,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use crate::analyzer::{is_stop_word, stem, tokens_with_positions, CachedStemmer};
use crate::doc::term_key;
use crate::error::{IndexError, Result};
use crate::forms::{Forms, FormsQuery};
use crate::normalize::{fold, fuzzy_distance, within_distance};
use crate::schema::{Fields, KIND_PAGE};

/// Boosts: the same word weighs more in the title and the metadata than in
/// the running text; other forms (inflections, OCR spellings: a constant
/// score) weigh less than the word itself.
const BOOST_TITLE: f32 = 2.0;
const BOOST_META: f32 = 1.5;
const BOOST_FORMS: f32 = 0.4;

/// What the words of a query can match on a page, for snippets and for
/// `matched_terms`.
#[derive(Debug, Default, Clone)]
pub(crate) struct Highlight {
    pub exact: BTreeSet<String>,
    pub stems: BTreeSet<String>,
    pub fuzzy: Vec<(String, usize)>,
    pub prefixes: Vec<String>,
}

impl Highlight {
    /// Does the folded token `t` match any positive term of the query?
    /// (`stemmer` keeps its cache between calls.)
    pub fn matches(&self, t: &str, stemmer: &mut CachedStemmer) -> bool {
        self.exact.contains(t)
            || self.prefixes.iter().any(|p| t.starts_with(p.as_str()))
            || self.fuzzy.iter().any(|(w, d)| {
                w.len().abs_diff(t.len()) <= 2 * d && within_distance(t, w, *d).is_some()
            })
            // A stem is (nearly always) a prefix of its word: check that first.
            || (self.stems.iter().any(|s| t.starts_with(s.get(..s.len().saturating_sub(1)).unwrap_or(s)))
                && !t.bytes().all(|b| b.is_ascii_digit())
                && self.stems.contains(stemmer.stem(t)))
    }

    pub fn is_empty(&self) -> bool {
        self.exact.is_empty()
            && self.stems.is_empty()
            && self.fuzzy.is_empty()
            && self.prefixes.is_empty()
    }
}

/// A compiled query and what to highlight.
pub(crate) struct Compiled {
    pub query: Box<dyn Query>,
    pub highlight: Highlight,
    /// The query can match payroll-row documents too (it matches all
    /// documents, or only on fields rows share with pages): the caller must
    /// restrict it to pages. Otherwise that filter is skipped — intersecting
    /// with every page costs time on each query.
    pub may_match_rows: bool,
}

/// Compile `input` (the user's text) for page search.
pub(crate) fn compile(f: &Fields, input: &str) -> Result<Compiled> {
    let mut c = Compiler {
        f,
        highlight: Highlight::default(),
        rows: false,
    };
    let input = input.trim();
    let query: Box<dyn Query> = if input.is_empty() {
        c.rows = true;
        Box::new(AllQuery)
    } else {
        let (ast, errors) = parse_query_lenient(input);
        if let Some(e) = errors.first() {
            let (en, ro) = syntax_message(input, e.pos, &e.message);
            return Err(bad(en, ro));
        }
        c.ast(&ast, false)?.unwrap_or_else(|| Box::new(EmptyQuery))
    };
    Ok(Compiled {
        query,
        highlight: c.highlight,
        may_match_rows: c.rows,
    })
}

/// Require `kind = page`, without adding to the score.
pub(crate) fn only_pages(f: &Fields, q: Box<dyn Query>) -> Box<dyn Query> {
    let kind = term_query(Term::from_field_text(f.kind, KIND_PAGE));
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, q),
        (Occur::Must, Box::new(ConstScoreQuery::new(kind, 0.0))),
    ]))
}

/// A filter clause: required, adds nothing to the score.
pub(crate) fn filter(q: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0)))
}

/// Pages of dossiers whose years overlap `from..=to`.
pub(crate) fn years_overlap(f: &Fields, from: Option<i64>, to: Option<i64>) -> Vec<Box<dyn Query>> {
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    if let Some(from) = from {
        out.push(Box::new(RangeQuery::new(
            Bound::Included(Term::from_field_i64(f.last_year, from)),
            Bound::Unbounded,
        )));
    }
    if let Some(to) = to {
        out.push(Box::new(RangeQuery::new(
            Bound::Unbounded,
            Bound::Included(Term::from_field_i64(f.first_year, to)),
        )));
    }
    out
}

pub(crate) fn term_query(t: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs))
}

/// A query the user must fix: the message in English and in Romanian.
fn bad(en: String, ro: String) -> IndexError {
    IndexError::BadQuery { message: en, ro }
}

fn syntax_message(input: &str, pos: usize, message: &str) -> (String, String) {
    let (hint, indiciu) = if input.matches('"').count() % 2 == 1 {
        (
            "; a quotation mark is not closed",
            "; ghilimelele nu sunt închise",
        )
    } else if input.matches('(').count() != input.matches(')').count() {
        ("; parentheses do not match", "; parantezele nu se închid")
    } else if input.contains(':') {
        (
            "; use field:value, e.g. an:1998 or titlu:\"stat de plata\"",
            "; folosiți câmp:valoare, de ex. an:1998 sau titlu:\"stat de plata\"",
        )
    } else {
        ("", "")
    };
    let at = pos + 1;
    (
        format!("{message} at character {at}{hint}"),
        format!("interogarea nu poate fi citită la caracterul {at}{indiciu}"),
    )
}

struct Compiler<'a> {
    f: &'a Fields,
    highlight: Highlight,
    rows: bool,
}

enum Target {
    /// Text, title and metadata, with stems and fuzzy forms.
    Words,
    /// One text field only, exact and stemmed forms.
    Only(Field),
}

impl Compiler<'_> {
    fn ast(&mut self, ast: &UserInputAst, negated: bool) -> Result<Option<Box<dyn Query>>> {
        match ast {
            UserInputAst::Clause(clauses) => {
                let mut subs: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for (occur, child) in clauses {
                    let occur = occur.unwrap_or(Occur::Must);
                    let neg = negated ^ (occur == Occur::MustNot);
                    if let Some(q) = self.ast(child, neg)? {
                        subs.push((occur, q));
                    }
                }
                if subs.is_empty() {
                    return Ok(None);
                }
                if subs.iter().all(|(o, _)| *o == Occur::MustNot) {
                    self.rows = true;
                    subs.push((Occur::Must, Box::new(AllQuery)));
                }
                if subs.len() == 1 && subs[0].0 != Occur::MustNot {
                    return Ok(subs.pop().map(|(_, q)| q));
                }
                Ok(Some(Box::new(BooleanQuery::new(subs))))
            }
            UserInputAst::Boost(inner, boost) => Ok(self.ast(inner, negated)?.map(|q| {
                Box::new(BoostQuery::new(q, boost.into_inner() as f32)) as Box<dyn Query>
            })),
            UserInputAst::Leaf(leaf) => self.leaf(leaf, negated),
        }
    }

    fn leaf(&mut self, leaf: &UserInputLeaf, negated: bool) -> Result<Option<Box<dyn Query>>> {
        match leaf {
            UserInputLeaf::All => {
                self.rows = true;
                Ok(Some(Box::new(AllQuery)))
            }
            UserInputLeaf::Literal(lit) => self.literal(lit, negated),
            UserInputLeaf::Range {
                field,
                lower,
                upper,
            } => self.range(field.as_deref(), lower, upper),
            UserInputLeaf::Set { field, elements } => {
                let mut subs = Vec::new();
                for e in elements {
                    let lit = UserInputLiteral {
                        field_name: field.clone(),
                        phrase: e.clone(),
                        delimiter: Delimiter::DoubleQuotes,
                        slop: 0,
                        prefix: false,
                    };
                    if let Some(q) = self.literal(&lit, negated)? {
                        subs.push((Occur::Should, q));
                    }
                }
                Ok((!subs.is_empty()).then(|| Box::new(BooleanQuery::new(subs)) as Box<dyn Query>))
            }
            UserInputLeaf::Exists { field } => Err(bad(
                format!("\"{field}:*\" is not supported; search for words in that field instead"),
                format!("\"{field}:*\" nu se poate căuta; căutați cuvinte în acel câmp"),
            )),
            UserInputLeaf::Regex { .. } => Err(bad(
                "regular expressions are not supported; use word* for words that begin with word"
                    .to_string(),
                "expresiile regulate nu se pot căuta; scrieți cuvânt* pentru cuvintele care încep cu cuvânt"
                    .to_string(),
            )),
        }
    }

    fn literal(&mut self, lit: &UserInputLiteral, negated: bool) -> Result<Option<Box<dyn Query>>> {
        let f = self.f;
        let field = lit.field_name.as_deref().map(fold);
        let phrase = lit.phrase.trim();
        let exact = |field: Field, v: &str| Ok(Some(term_query(Term::from_field_text(field, v))));
        match field.as_deref() {
            None | Some("nume" | "name" | "cuvant" | "word") => {
                self.text(lit, Target::Words, negated)
            }
            Some("text" | "textul") => self.text(lit, Target::Only(f.text), negated),
            Some("titlu" | "title" | "continut") => self.text(lit, Target::Only(f.title), negated),
            Some("fond" | "locatie" | "location") => self.text(lit, Target::Only(f.meta), negated),
            Some("cota" | "dosar") => {
                self.rows = true;
                exact(f.cota, phrase)
            }
            Some("indicativ") => exact(f.indicativ, phrase),
            Some("compartiment" | "department" | "dept") => exact(f.department_key, &fold(phrase)),
            Some("tip" | "type" | "doc_type") => exact(f.doc_type_key, &fold(phrase)),
            Some("termen" | "term") => exact(f.term, &term_key(phrase)),
            Some("pagina" | "page") => {
                self.rows = true;
                let p: u64 = phrase.parse().map_err(|_| {
                    bad(
                        format!("page must be a number, not {phrase:?}"),
                        format!("pagina trebuie să fie un număr, nu {phrase:?}"),
                    )
                })?;
                Ok(Some(term_query(Term::from_field_u64(f.page, p))))
            }
            Some("an" | "anul" | "year") => {
                let y = parse_year(phrase)?;
                Ok(Some(all_of(years_overlap(f, Some(y), Some(y)))))
            }
            Some(other) => {
                // Not a field we know: the colon was part of the text
                // ("ora 10:30"), so search both sides as words.
                let joined = format!("{other} {phrase}");
                let lit = UserInputLiteral {
                    field_name: None,
                    phrase: joined,
                    ..lit.clone()
                };
                self.text(&lit, Target::Words, negated)
            }
        }
    }

    fn text(
        &mut self,
        lit: &UserInputLiteral,
        target: Target,
        negated: bool,
    ) -> Result<Option<Box<dyn Query>>> {
        let positioned = tokens_with_positions(&lit.phrase);
        if positioned.is_empty() {
            return Ok(None);
        }
        let toks: Vec<String> = positioned.iter().map(|(_, t)| t.clone()).collect();
        let f = self.f;
        let fields: Vec<(Field, f32)> = match target {
            Target::Words => vec![(f.text, 1.0), (f.title, BOOST_TITLE), (f.meta, BOOST_META)],
            Target::Only(field) => vec![(field, 1.0)],
        };
        // Text and titles hold no stop words: phrases skip over them, and a
        // stop word alone is looked up in the stop-word field.
        let positional = |field: Field| field == f.text || field == f.title;
        let quoted = lit.delimiter != Delimiter::None;
        if toks.len() > 1 || (quoted && lit.prefix) {
            let content: Vec<&(usize, String)> = positioned
                .iter()
                .filter(|(_, t)| !is_stop_word(t))
                .collect();
            if content.is_empty() {
                return Ok(Some(self.stop_words_only(&toks, negated)));
            }
            if !negated {
                self.highlight
                    .exact
                    .extend(content.iter().map(|(_, t)| t.clone()));
            }
            let first = content[0].0;
            let mut subs: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for (field, boost) in fields {
                if !positional(field) {
                    continue; // no positions in meta
                }
                let terms: Vec<(usize, Term)> = content
                    .iter()
                    .map(|(p, t)| (p - first, Term::from_field_text(field, t)))
                    .collect();
                let q: Box<dyn Query> = if lit.prefix {
                    if let Some((_, last)) = content.last() {
                        self.highlight.prefixes.push(last.clone());
                    }
                    Box::new(PhrasePrefixQuery::new_with_offset(terms))
                } else if terms.len() == 1 {
                    term_query(terms[0].1.clone())
                } else {
                    Box::new(PhraseQuery::new_with_offset_and_slop(terms, lit.slop))
                };
                subs.push((Occur::Should, Box::new(BoostQuery::new(q, boost))));
            }
            return Ok(Some(Box::new(BooleanQuery::new(subs))));
        }
        if is_stop_word(&toks[0]) && !lit.prefix {
            return match target {
                Target::Only(field) if field == f.title => Err(bad(
                    format!(
                        "\"{}\" is too common to be searched in titles on its own; \
                         put it in a phrase, e.g. titlu:\"stat de plata\"",
                        toks[0]
                    ),
                    format!(
                        "\"{}\" este prea des întâlnit pentru a fi căutat singur în titluri; \
                         folosiți-l într-o expresie, de ex. titlu:\"stat de plata\"",
                        toks[0]
                    ),
                )),
                Target::Only(field) if field == f.meta => {
                    Ok(Some(term_query(Term::from_field_text(field, &toks[0]))))
                }
                _ => Ok(Some(self.stop_words_only(&toks, negated))),
            };
        }
        let t = &toks[0];
        let mut subs: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if lit.prefix {
            if !negated {
                self.highlight.prefixes.push(t.clone());
            }
            for (field, boost) in fields {
                let q = FuzzyTermQuery::new_prefix(Term::from_field_text(field, t), 0, false);
                subs.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost))));
            }
            return Ok(Some(Box::new(BooleanQuery::new(subs))));
        }
        let numeric = t.bytes().all(|b| b.is_ascii_digit());
        let distance = match (quoted, lit.slop) {
            (true, _) => 0,
            (false, 0) => fuzzy_distance(t),
            (false, s) => s.min(2) as u8,
        };
        if !negated {
            self.highlight.exact.insert(t.clone());
        }
        for (field, boost) in &fields {
            let q = term_query(Term::from_field_text(*field, t));
            subs.push((Occur::Should, Box::new(BoostQuery::new(q, *boost))));
        }
        // Inflections (text only) and OCR spellings, in one dictionary walk.
        let stems =
            (matches!(target, Target::Words) || fields[0].0 == f.text) && !quoted && !numeric;
        let field = fields[0].0;
        let fuzzy = if distance > 0 && !numeric {
            let q = FuzzyTermQuery::new(Term::from_field_text(field, t), distance, true);
            Some(
                q.automaton()
                    .map_err(|e| bad(e.to_string(), format!("termenul nu se poate căuta: {e}")))?,
            )
        } else {
            None
        };
        let has_fuzzy = fuzzy.is_some();
        if let Some(forms) = Forms::new(t, stems, fuzzy) {
            if !negated {
                if stems {
                    self.highlight.stems.insert(stem(t));
                }
                if has_fuzzy {
                    self.highlight
                        .fuzzy
                        .push((t.clone(), usize::from(distance)));
                }
            }
            let q: Box<dyn Query> = Box::new(FormsQuery::new(field, forms));
            subs.push((Occur::Should, Box::new(BoostQuery::new(q, BOOST_FORMS))));
        }
        Ok(Some(Box::new(BooleanQuery::new(subs))))
    }

    /// Pages holding every one of these stop words (as their own field has
    /// them: without positions, so in any order).
    fn stop_words_only(&mut self, toks: &[String], negated: bool) -> Box<dyn Query> {
        if !negated {
            self.highlight.exact.extend(toks.iter().cloned());
        }
        let f = self.f;
        let mut subs: Vec<(Occur, Box<dyn Query>)> = toks
            .iter()
            .map(|t| {
                let term = Term::from_field_text(f.text_stop, t);
                (Occur::Must, term_query(term))
            })
            .collect();
        if subs.len() == 1 {
            if let Some((_, q)) = subs.pop() {
                return q;
            }
        }
        Box::new(BooleanQuery::new(subs))
    }

    fn range(
        &mut self,
        field: Option<&str>,
        lower: &UserInputBound,
        upper: &UserInputBound,
    ) -> Result<Option<Box<dyn Query>>> {
        let f = self.f;
        let bound = |b: &UserInputBound, low: bool| -> Result<Option<i64>> {
            Ok(match b {
                UserInputBound::Unbounded => None,
                UserInputBound::Inclusive(v) if v == "*" => None,
                UserInputBound::Inclusive(v) => Some(parse_year(v)?),
                UserInputBound::Exclusive(v) => Some(parse_year(v)? + if low { 1 } else { -1 }),
            })
        };
        match field.map(fold).as_deref() {
            Some("an" | "anul" | "year") => {
                let (from, to) = (bound(lower, true)?, bound(upper, false)?);
                Ok(Some(all_of(years_overlap(f, from, to))))
            }
            Some("pagina" | "page") => {
                self.rows = true;
                let to_term = |v: Option<i64>| match v {
                    Some(v) => Bound::Included(Term::from_field_u64(f.page, v.max(0) as u64)),
                    None => Bound::Unbounded,
                };
                let (from, to) = (bound(lower, true)?, bound(upper, false)?);
                Ok(Some(Box::new(RangeQuery::new(to_term(from), to_term(to)))))
            }
            _ => Err(bad(
                "ranges work on years and pages only, e.g. an:[1990 TO 1995] or pagina:[1 TO 10]"
                    .to_string(),
                "intervalele merg doar pe ani și pagini, de ex. an:[1990 TO 1995] sau pagina:[1 TO 10]"
                    .to_string(),
            )),
        }
    }
}

fn all_of(qs: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if qs.is_empty() {
        return Box::new(AllQuery);
    }
    Box::new(BooleanQuery::new(
        qs.into_iter().map(|q| (Occur::Must, q)).collect(),
    ))
}

fn parse_year(v: &str) -> Result<i64> {
    v.trim()
        .parse::<i64>()
        .ok()
        .filter(|y| (0..=9999).contains(y))
        .ok_or_else(|| {
            bad(
                format!("a year must be a number like 1998, not {v:?}"),
                format!("anul este un număr ca 1998, nu {v:?}"),
            )
        })
}
