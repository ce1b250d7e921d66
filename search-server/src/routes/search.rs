//! Search pages: full-text search with filters and facets, and person
//! search for certificates. The parameters are shared with the JSON API
//! (Romanian names, English aliases).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use arhiva_index::{Filters, PersonQuery, PersonResults, SearchRequest, SearchResults, Sort};

use crate::auth::{Role, Viewer};
use crate::error::{Result, ServerError};
use crate::i18n::Lang;
use crate::routes::{blocking, opt_num, opt_text};
use crate::state::AppState;
use crate::views;

/// Pages of results one can page to, at most.
pub const MAX_RESULT_PAGE: usize = 500;
/// Hits per page in the UI.
pub const PAGE_SIZE: usize = 20;
/// Hits per request in the API, at most.
pub const API_MAX_LIMIT: usize = 100;

/// Search parameters, as the form and the API send them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SearchParams {
    /// The query.
    pub q: Option<String>,
    /// Year from.
    #[serde(alias = "from")]
    pub de_la: Option<String>,
    /// Year to.
    #[serde(alias = "to")]
    pub pana_la: Option<String>,
    /// Department.
    #[serde(alias = "department")]
    pub compartiment: Option<String>,
    /// Document type.
    #[serde(alias = "type")]
    pub tip: Option<String>,
    /// Retention term.
    #[serde(alias = "term")]
    pub termen: Option<String>,
    /// One dossier.
    pub cota: Option<String>,
    /// `relevanta`, `vechi`, `noi` (or `relevance`, `year-asc`, `year-desc`).
    #[serde(alias = "sort")]
    pub ordine: Option<String>,
    /// Result page, 1-based.
    #[serde(alias = "page")]
    pub p: Option<String>,
    /// Hits per page (API only).
    pub limit: Option<String>,
}

impl SearchParams {
    /// The index request, checked: query length, numbers, paging bounds.
    pub fn request(&self, max_chars: usize, limit: usize) -> Result<(SearchRequest, usize)> {
        let query = self.q.clone().unwrap_or_default();
        if query.chars().count() > max_chars {
            return Err(ServerError::bad(format!(
                "query longer than {max_chars} characters"
            )));
        }
        let year = |v: &Option<String>, name| -> Result<Option<i32>> {
            match opt_num::<i32>(v, name)? {
                Some(y) if !(1000..=2999).contains(&y) => {
                    Err(ServerError::bad(format!("{name}: {y} is not a year")))
                }
                y => Ok(y),
            }
        };
        let sort = match self.ordine.as_deref().map(str::trim) {
            None | Some("") | Some("relevanta") | Some("relevance") => Sort::Relevance,
            Some("vechi") | Some("year-asc") => Sort::YearAsc,
            Some("noi") | Some("year-desc") => Sort::YearDesc,
            Some(other) => return Err(ServerError::bad(format!("unknown order {other:?}"))),
        };
        let page = opt_num::<usize>(&self.p, "page")?.unwrap_or(1);
        if page == 0 || page > MAX_RESULT_PAGE {
            return Err(ServerError::bad(format!(
                "page must be between 1 and {MAX_RESULT_PAGE}"
            )));
        }
        let limit = match opt_num::<usize>(&self.limit, "limit")? {
            None => limit,
            Some(n) if (1..=API_MAX_LIMIT).contains(&n) => n,
            Some(_) => {
                return Err(ServerError::bad(format!(
                    "limit must be between 1 and {API_MAX_LIMIT}"
                )))
            }
        };
        let too_long = |v: &Option<String>| v.as_ref().is_some_and(|s| s.len() > 200);
        if [&self.compartiment, &self.tip, &self.termen, &self.cota]
            .into_iter()
            .any(too_long)
        {
            return Err(ServerError::bad("filter value too long"));
        }
        let req = SearchRequest {
            query,
            limit,
            offset: (page - 1) * limit,
            filters: Filters {
                year_from: year(&self.de_la, "year from")?,
                year_to: year(&self.pana_la, "year to")?,
                department: opt_text(&self.compartiment),
                doc_type: opt_text(&self.tip),
                term: opt_text(&self.termen),
                cota: opt_text(&self.cota),
            },
            sort,
            snippets: true,
        };
        Ok((req, page))
    }
}

/// Parse query parameters; a malformed query string is a 400.
pub fn params<T>(q: std::result::Result<Query<T>, QueryRejection>) -> Result<T> {
    q.map(|Query(p)| p)
        .map_err(|e| ServerError::bad(e.body_text()))
}

/// Refuse a consultant's search for CNP-shaped numbers (see
/// [`crate::mask::is_cnp_probe`]), and any search beyond the user's rate.
pub fn admit_search(state: &AppState, viewer: &Viewer, query: &str) -> Result<()> {
    if viewer.masks_cnp() && crate::mask::is_cnp_probe(query) {
        state.audit.record(
            &viewer.user,
            "search-refused",
            &format!("q={:?}", crate::mask::mask_all(query)),
            &viewer.ip,
        );
        return Err(ServerError::BadQuery {
            message: Lang::En.t().cnp_search_refused.to_string(),
            ro: Lang::Ro.t().cnp_search_refused.to_string(),
        });
    }
    state
        .search_limiter
        .take(&viewer.user)
        .map_err(|retry_after| ServerError::TooManySearches { retry_after })
}

/// Run a search off the async threads, masking for consultants.
pub async fn run_search(
    state: &AppState,
    viewer: &Viewer,
    req: SearchRequest,
) -> Result<SearchResults> {
    admit_search(state, viewer, &req.query)?;
    let index = state.index.clone();
    let _turn = search_turn(state).await?;
    let mut results = blocking(move || Ok(index.search(&req)?)).await?;
    if viewer.masks_cnp() {
        for hit in &mut results.hits {
            hit.snippet = crate::mask::mask_all(&hit.snippet);
            hit.title = crate::mask::mask_all(&hit.title);
        }
    }
    Ok(results)
}

/// `GET /cautare`
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    q: std::result::Result<Query<SearchParams>, QueryRejection>,
) -> Result<Response> {
    let p = params(q)?;
    let (req, page_no) = p.request(state.config.max_query_chars, PAGE_SIZE)?;
    let (results, error) = match run_search(&state, &viewer, req.clone()).await {
        Ok(r) => (r, None),
        // A query that does not parse: the search page again, saying what
        // to fix, with the query in the box to fix it.
        Err(ServerError::BadQuery { message, ro }) => {
            let m = if viewer.lang == Lang::Ro { ro } else { message };
            (SearchResults::default(), Some(m))
        }
        Err(e) => return Err(e),
    };
    state
        .audit
        .record(&viewer.user, "search", &describe(&req), &viewer.ip);
    let html = views::search::page(&viewer, &p, &req, page_no, &results, error.as_deref());
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, html).into_response())
}

/// A search, in one line, for the audit log.
pub fn describe(req: &SearchRequest) -> String {
    let f = &req.filters;
    let mut s = format!("q={:?}", req.query);
    for (k, v) in [
        ("from", f.year_from.map(|y| y.to_string())),
        ("to", f.year_to.map(|y| y.to_string())),
        ("department", f.department.clone()),
        ("type", f.doc_type.clone()),
        ("term", f.term.clone()),
        ("cota", f.cota.clone()),
    ] {
        if let Some(v) = v {
            s.push_str(&format!(" {k}={v:?}"));
        }
    }
    s
}

/// Person search parameters.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PersonParams {
    /// Name in any order.
    #[serde(alias = "name")]
    pub nume: Option<String>,
    /// CNP, exact.
    pub cnp: Option<String>,
}

impl PersonParams {
    /// The index query, checked; `None` when nothing was asked.
    pub fn query(&self) -> Result<Option<PersonQuery>> {
        let name = opt_text(&self.nume).unwrap_or_default();
        let cnp = opt_text(&self.cnp);
        if name.chars().count() > 120 {
            return Err(ServerError::bad("name too long"));
        }
        if let Some(c) = &cnp {
            if c.len() != 13 || !c.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ServerError::bad("a CNP has 13 digits"));
            }
        }
        if name.is_empty() && cnp.is_none() {
            return Ok(None);
        }
        Ok(Some(PersonQuery { name, cnp }))
    }
}

/// Run a person search off the async threads.
pub async fn run_person(
    state: &AppState,
    viewer: &Viewer,
    q: PersonQuery,
) -> Result<PersonResults> {
    admit_search(state, viewer, &q.name)?;
    let index = state.index.clone();
    let _turn = search_turn(state).await?;
    blocking(move || Ok(index.person(&q)?)).await
}

/// Wait for a free core, first come first served. With as many searches
/// running as there are cores, a search takes its own time instead of a
/// share of all the others': under load the slowest requests wait less.
async fn search_turn(state: &AppState) -> Result<tokio::sync::SemaphorePermit<'_>> {
    state
        .searches
        .acquire()
        .await
        .map_err(|e| ServerError::Task(e.to_string()))
}

/// `GET /persoane` (arhivist)
pub async fn person(
    State(state): State<AppState>,
    viewer: Viewer,
    q: std::result::Result<Query<PersonParams>, QueryRejection>,
) -> Result<Response> {
    viewer.require(Role::Arhivist)?;
    let p = params(q)?;
    let results = match p.query()? {
        Some(q) => {
            let target = format!("name={:?} cnp={}", q.name, q.cnp.is_some());
            let r = run_person(&state, &viewer, q).await?;
            state
                .audit
                .record(&viewer.user, "person-search", &target, &viewer.ip);
            Some(r)
        }
        None => None,
    };
    Ok(views::person::page(&viewer, &p, results.as_ref()).into_response())
}
