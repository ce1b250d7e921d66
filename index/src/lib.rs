//! `arhiva-index`: here is what someone half-remembers, find the pages.
//!
//! The search index is a tantivy index in `<data>/index/`, a *derived view*
//! of the archive: [`rebuild`] makes it again from the catalog and the
//! content store, and [`SearchIndex::open`] recreates it (with a log line)
//! when it is missing or unreadable, telling the caller to rebuild.
//!
//! # What is indexed
//!
//! One document per page, carrying its text and its dossier's description
//! (title, department, document type, years, retention term, fond,
//! indicativ, location), and one document per payroll row ("stat de plată")
//! for person search. Ingest calls [`SearchIndex::writer`], adds the batch's
//! [`PageDoc`]s (built with [`page_doc`]) and commits once per batch; adding
//! a page that is already there replaces it, rows included.
//!
//! # Romanian text
//!
//! [`normalize`] (NFC, cedilla → comma, lowercase) and [`fold`] (then no
//! diacritics) are the one normalization used when indexing and when
//! querying, so `hotarare`, `hotărâre` and `hotărâre` typed with cedillas
//! are the same word. Page text is indexed folded, with positions (exact
//! words and phrases); a query word also matches its inflections (words
//! with the same Romanian Snowball stem, found in the term dictionary at
//! query time and ranked lower) and, from five letters on, forms one edit
//! away (two from nine letters on), what OCR does to words. The
//! [`STOP_WORDS`] (`de`, `la`, `în`, `și`, …) have no positions: a phrase
//! skips over them (`"plan de situație"` finds `plan`, one word,
//! `situație`), and searched alone they are still found.
//!
//! # Queries
//!
//! Words are all required; `OR`, `NOT`/`-`, parentheses, `"exact
//! phrases"`, `word*` (prefix), `word~2` (fuzzy) and fields work as in
//! tantivy's grammar: `titlu:`, `text:`, `cota:`, `compartiment:`, `tip:`,
//! `termen:`, `indicativ:`, `fond:`, `pagina:` and `an:` (`an:1998`,
//! `an:[1990 TO 1995]` — dossiers whose years overlap). Malformed syntax is
//! an [`IndexError::BadQuery`] with a message for the person who typed it.
//!
//! # Person search
//!
//! [`SearchIndex::person`] finds a name in either order, folded, with one
//! OCR error per name part, requiring every part; a CNP matches exactly,
//! and a row with a different valid CNP is someone else. Results come back
//! by month (`"YYYY-MM"`), each with the pages that show the person.
//!
//! ```
//! use arhiva_index::{PageDoc, PersonQuery, SearchIndex, SearchRequest};
//! use arhiva_store::{Payroll, PayrollRow};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let (index, opened) = SearchIndex::open(&dir.path().join("index")).unwrap();
//! assert!(opened.needs_rebuild());
//! let mut batch = index.writer().unwrap();
//! batch.add(&PageDoc {
//!     cota: "RU-12/1987".into(),
//!     page: 3,
//!     text: "Stat de plată pe luna martie 1987. Popescu Ion, şofer".into(),
//!     title: "State de plată 1987".into(),
//!     first_year: 1987,
//!     last_year: 1987,
//!     term: "50".into(),
//!     payroll: Some(Payroll {
//!         year: 1987,
//!         month: 3,
//!         rows: vec![PayrollRow { name: "Popescu Ion".into(), cnp: None, function: Some("șofer".into()), salary: None }],
//!     }),
//!     ..Default::default()
//! }).unwrap();
//! batch.commit().unwrap();
//!
//! // No diacritics, comma form, another inflection: all find the page.
//! let found = index.search(&SearchRequest::new("sofer plata")).unwrap();
//! assert_eq!((found.total, found.hits[0].page), (1, 3));
//! assert!(found.hits[0].snippet.contains("<b>plată</b>"));
//!
//! let person = index.person(&PersonQuery { name: "Ion Popescu".into(), cnp: None }).unwrap();
//! assert_eq!(person.months[0].month, "1987-03");
//! ```

mod analyzer;
mod doc;
mod error;
mod facets;
mod forms;
mod index;
mod normalize;
mod person;
mod query;
mod rebuild;
mod schema;
mod search;
mod snippet;
mod split;

pub use analyzer::{
    folding_analyzer, is_stop_word, register as register_analyzers, stem, stop_word_analyzer,
    text_analyzer, tokens, Mode, RomanianFilter, STOP_TOKENIZER, STOP_WORDS, TEXT_TOKENIZER,
    TOKENIZER,
};
pub use doc::{page_doc, PageDoc};
pub use error::{IndexError, Result};
pub use index::{IndexBatch, Opened, SearchIndex};
pub use normalize::{fold, fuzzy_distance, normalize, within_distance};
pub use person::{cnp_valid, Evidence, MatchedBy, PersonMonth, PersonQuery, PersonResults};
pub use rebuild::rebuild;
pub use search::{
    Facets, Filters, Hit, SearchRequest, SearchResults, Sort, DEFAULT_LIMIT, MAX_LIMIT,
};
