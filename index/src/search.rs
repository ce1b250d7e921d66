//! Page search: [`SearchRequest`] in, [`SearchResults`] out — ranked or
//! sorted hits with snippets, the total, and facet counts.

use std::collections::BTreeMap;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query};
use tantivy::schema::Value;
use tantivy::{DocAddress, Order, Score, Searcher, TantivyDocument, Term};

use crate::doc::term_key;
use crate::error::{IndexError, Result, TantivyContext};
use crate::facets::{FacetCollector, RawFacets};
use crate::index::SearchIndex;
use crate::normalize::fold;
use crate::query::{compile, filter, only_pages, term_query, years_overlap};
use crate::snippet::Snippets;
use crate::split;

/// Hits per page when the request does not say.
pub const DEFAULT_LIMIT: usize = 20;
/// The most hits one request can ask for.
pub const MAX_LIMIT: usize = 1000;

/// A page search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchRequest {
    /// What the person typed (see [`crate`] for the syntax).
    pub query: String,
    /// Hits to return (at most [`MAX_LIMIT`]; 0 for counts and facets only).
    pub limit: usize,
    /// Hits to skip (paging).
    pub offset: usize,
    /// Filters on the dossier's description.
    pub filters: Filters,
    /// Order of the hits.
    pub sort: Sort,
    /// Whether to build snippets.
    pub snippets: bool,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            limit: DEFAULT_LIMIT,
            offset: 0,
            filters: Filters::default(),
            sort: Sort::Relevance,
            snippets: true,
        }
    }
}

impl SearchRequest {
    /// A request for `query` with the defaults.
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest {
            query: query.into(),
            ..Default::default()
        }
    }
}

/// Filters; every one given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filters {
    /// Dossiers whose years reach this year or later.
    pub year_from: Option<i32>,
    /// Dossiers whose years begin this year or earlier.
    pub year_to: Option<i32>,
    /// Department, compared folded ("resurse umane" = "Resurse Umane").
    pub department: Option<String>,
    /// Document type, compared folded.
    pub doc_type: Option<String>,
    /// Retention term: "50", "P", ...
    pub term: Option<String>,
    /// One dossier.
    pub cota: Option<String>,
}

/// Order of the hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sort {
    /// Best match first.
    #[default]
    Relevance,
    /// Oldest dossiers first, then best match.
    YearAsc,
    /// Newest dossiers first, then best match.
    YearDesc,
}

impl FromStr for Sort {
    type Err = IndexError;
    fn from_str(s: &str) -> Result<Sort> {
        match s {
            "relevance" => Ok(Sort::Relevance),
            "year-asc" => Ok(Sort::YearAsc),
            "year-desc" => Ok(Sort::YearDesc),
            other => Err(IndexError::BadQuery {
                message: format!("unknown sort {other:?}: use relevance, year-asc or year-desc"),
                ro: format!("ordine necunoscută {other:?}: relevance, year-asc sau year-desc"),
            }),
        }
    }
}

/// One page found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// Dossier id.
    pub cota: String,
    /// Page ordinal.
    pub page: u32,
    /// Relevance (BM25 with boosts).
    pub score: f32,
    /// Plain text with matches in `<b>…</b>`, HTML-escaped otherwise.
    pub snippet: String,
    /// Dossier title.
    pub title: String,
    /// Department.
    pub department: String,
    /// Document type.
    pub doc_type: String,
    /// First year of the dossier.
    pub first_year: i32,
    /// Last year of the dossier.
    pub last_year: i32,
    /// The page's words that matched, normalized ([`crate::normalize`]), so
    /// the viewer can highlight them on the scan.
    pub matched_terms: Vec<String>,
}

/// Counts of the matching pages by value, most frequent first (years in
/// order).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facets {
    /// By year ("1998") when the hits span a dozen years or fewer, else by
    /// decade ("1990-1999"); by the dossier's first year.
    pub years: Vec<(String, u64)>,
    /// By department.
    pub department: Vec<(String, u64)>,
    /// By document type.
    pub doc_type: Vec<(String, u64)>,
    /// By retention term.
    pub term: Vec<(String, u64)>,
}

/// What a search found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// Pages matching, in all.
    pub total: usize,
    /// The requested window of them.
    pub hits: Vec<Hit>,
    /// Facet counts over all matching pages.
    pub facets: Facets,
}

impl SearchIndex {
    /// Search pages.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        let f = &self.fields;
        let compiled = compile(f, &req.query)?;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, compiled.query)];
        let flt = &req.filters;
        for q in years_overlap(f, flt.year_from.map(i64::from), flt.year_to.map(i64::from)) {
            clauses.push(filter(q));
        }
        let text_filter = |field, v: String| filter(term_query(Term::from_field_text(field, &v)));
        if let Some(d) = nonempty(&flt.department) {
            clauses.push(text_filter(f.department_key, fold(d)));
        }
        if let Some(d) = nonempty(&flt.doc_type) {
            clauses.push(text_filter(f.doc_type_key, fold(d)));
        }
        if let Some(t) = nonempty(&flt.term) {
            clauses.push(text_filter(f.term, term_key(t)));
        }
        if let Some(c) = nonempty(&flt.cota) {
            clauses.push(text_filter(f.cota, c.to_string()));
        }
        let query: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
        let query = if compiled.may_match_rows {
            only_pages(f, query)
        } else {
            query
        };

        let searcher = self.reader.searcher();
        let limit = req.limit.min(MAX_LIMIT);
        let facets = FacetCollector {
            tables: &self.facets,
        };
        let (docs, raw): (Vec<(Score, DocAddress)>, RawFacets) = if limit == 0 {
            (
                Vec::new(),
                split::search(&searcher, query.as_ref(), &facets).ctx(&self.path)?,
            )
        } else {
            let top = TopDocs::with_limit(limit).and_offset(req.offset);
            match req.sort {
                Sort::Relevance => {
                    split::search(&searcher, query.as_ref(), &(top.order_by_score(), facets))
                        .ctx(&self.path)?
                }
                Sort::YearAsc | Sort::YearDesc => {
                    let order = if req.sort == Sort::YearAsc {
                        Order::Asc
                    } else {
                        Order::Desc
                    };
                    let key = (
                        (SortByStaticFastValue::<i64>::for_field("first_year"), order),
                        (SortBySimilarityScore, Order::Desc),
                    );
                    let (docs, raw) =
                        split::search(&searcher, query.as_ref(), &(top.order_by(key), facets))
                            .ctx(&self.path)?;
                    let docs = docs.into_iter().map(|((_, s), a)| (s, a)).collect();
                    (docs, raw)
                }
            }
        };
        let mut snippets = Snippets::new(&compiled.highlight);
        let mut hits = Vec::with_capacity(docs.len());
        for (score, addr) in docs {
            hits.push(self.hit(&searcher, addr, score, &mut snippets, req.snippets)?);
        }
        Ok(SearchResults {
            total: raw.total,
            hits,
            facets: facets_from(raw),
        })
    }

    fn hit(
        &self,
        searcher: &Searcher,
        addr: DocAddress,
        score: Score,
        snippets: &mut Snippets<'_>,
        with_snippet: bool,
    ) -> Result<Hit> {
        let f = &self.fields;
        let doc: TantivyDocument = searcher.doc(addr).ctx(&self.path)?;
        let s = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let n = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_i64())
                .unwrap_or_default()
        };
        let text = s(f.text);
        let snippet = snippets.make(&text, with_snippet);
        Ok(Hit {
            cota: s(f.cota),
            page: doc
                .get_first(f.page)
                .and_then(|v| v.as_u64())
                .and_then(|p| u32::try_from(p).ok())
                .unwrap_or_default(),
            score,
            snippet: snippet.html,
            title: s(f.title),
            department: s(f.department),
            doc_type: s(f.doc_type),
            first_year: i32::try_from(n(f.first_year)).unwrap_or_default(),
            last_year: i32::try_from(n(f.last_year)).unwrap_or_default(),
            matched_terms: snippet.matched,
        })
    }
}

fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn facets_from(raw: RawFacets) -> Facets {
    let sorted = |m: BTreeMap<String, u64>| {
        let mut v: Vec<(String, u64)> = m.into_iter().filter(|(k, _)| !k.is_empty()).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    };
    let years = if raw.years.len() <= 12 {
        raw.years.iter().map(|(y, c)| (y.to_string(), *c)).collect()
    } else {
        let mut decades: BTreeMap<i64, u64> = BTreeMap::new();
        for (y, c) in &raw.years {
            *decades.entry(y.div_euclid(10) * 10).or_default() += c;
        }
        decades
            .into_iter()
            .map(|(d, c)| (format!("{d}-{}", d + 9), c))
            .collect()
    };
    Facets {
        years,
        department: sorted(raw.department),
        doc_type: sorted(raw.doc_type),
        term: sorted(raw.term),
    }
}
