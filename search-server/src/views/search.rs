//! The search page: query box, filters, facet counts, results with
//! highlighted snippets, paging.

use arhiva_index::{SearchRequest, SearchResults, Sort};
use maud::{html, Markup, PreEscaped};

use crate::auth::Viewer;
use crate::i18n::Texts;
use crate::routes::search::{SearchParams, PAGE_SIZE};
use crate::routes::{dossier_url, page_url, with_param};
use crate::views::layout::{page as shell, term, years, Chrome, Nav};

/// Parameters that define the result set (paging resets when they change).
const FILTERS: [&str; 5] = ["de_la", "pana_la", "compartiment", "tip", "termen"];

/// The search page; with `error`, the query did not parse and the page
/// says what to fix, with the query still in the box.
pub fn page(
    v: &Viewer,
    p: &SearchParams,
    req: &SearchRequest,
    page_no: usize,
    r: &SearchResults,
    error: Option<&str>,
) -> Markup {
    let t = v.lang.t();
    let here = with_param(&with_param(&v.here, "lang", None), "p", None);
    let q = req.query.as_str();
    let title = if q.is_empty() {
        t.nav_search.to_string()
    } else {
        format!("{q} · {}", t.nav_search)
    };
    shell(
        &Chrome::of(v, Nav::Search),
        &title,
        html! {
            form.panel method="get" action="/cautare" role="search" {
                div.searchbar {
                    input type="search" name="q" value=(q) placeholder=(t.search_placeholder) aria-label=(t.search_button) maxlength="500" autofocus;
                    button type="submit" { (t.search_button) }
                }
                (filters(t, p, req))
            }
            div.layout {
                aside.facets { (facets(t, v, &here, req, r)) }
                section {
                    (active_filters(t, &here, req))
                    @if let Some(e) = error {
                        p.notice.bad role="alert" { (t.query_error) " " (e) }
                        p.hint { (t.search_help) }
                    } @else if r.total == 0 {
                        p.notice.warn { (t.no_results) }
                        p.hint { (t.search_help) }
                    } @else {
                        p.total { ((t.results)(r.total)) }
                        ol.hits start=(req.offset + 1) {
                            @for h in &r.hits {
                                li.hit {
                                    h3 { a href=(page_url(&h.cota, h.page, q)) { (h.title) } }
                                    div.meta {
                                        a.cota href=(dossier_url(&h.cota)) { (h.cota) }
                                        span { (t.page) " " (h.page) }
                                        span { (years(h.first_year, h.last_year)) }
                                        span { (h.department) }
                                        span { (t.doc_type_label(&h.doc_type)) }
                                    }
                                    @if !h.snippet.is_empty() {
                                        // The index escapes the snippet and adds only <b>.
                                        p.snippet { (PreEscaped(&h.snippet)) }
                                    }
                                }
                            }
                        }
                        (pager(t, &here, page_no, r.total))
                    }
                }
            }
        },
    )
}

fn filters(t: &Texts, p: &SearchParams, req: &SearchRequest) -> Markup {
    let f = &req.filters;
    let open = f.year_from.is_some()
        || f.year_to.is_some()
        || f.department.is_some()
        || f.doc_type.is_some()
        || f.term.is_some()
        || req.sort != Sort::Relevance;
    let val = |o: &Option<String>| o.clone().unwrap_or_default();
    html! {
        details.filters open[open] {
            summary { (t.refine) }
            div.row {
                div { label for="de_la" { (t.year_from) } input #de_la type="number" name="de_la" min="1000" max="2999" value=[f.year_from]; }
                div { label for="pana_la" { (t.year_to) } input #pana_la type="number" name="pana_la" min="1000" max="2999" value=[f.year_to]; }
                div { label for="compartiment" { (t.department) } input #compartiment type="text" name="compartiment" value=(val(&p.compartiment)); }
                div { label for="tip" { (t.doc_type) } input #tip type="text" name="tip" value=(val(&p.tip)); }
                div { label for="termen" { (t.term) } input #termen type="text" name="termen" value=(val(&p.termen)) placeholder="50, P"; }
                div {
                    label for="ordine" { (t.sort) }
                    select #ordine name="ordine" {
                        option value="relevanta" selected[req.sort == Sort::Relevance] { (t.sort_relevance) }
                        option value="vechi" selected[req.sort == Sort::YearAsc] { (t.sort_year_asc) }
                        option value="noi" selected[req.sort == Sort::YearDesc] { (t.sort_year_desc) }
                    }
                }
            }
            p.hint { (t.search_help) }
        }
    }
}

fn facets(t: &Texts, v: &Viewer, here: &str, req: &SearchRequest, r: &SearchResults) -> Markup {
    let f = &req.filters;
    let year_link = |label: &str| {
        let (a, b) = label.split_once('-').unwrap_or((label, label));
        with_param(&with_param(here, "de_la", Some(a)), "pana_la", Some(b))
    };
    let year_on = |label: &str| {
        let (a, b) = label.split_once('-').unwrap_or((label, label));
        f.year_from.map(|y| y.to_string()).as_deref() == Some(a)
            && f.year_to.map(|y| y.to_string()).as_deref() == Some(b)
    };
    let list = |key: &str,
                items: &[(String, u64)],
                current: &Option<String>,
                label: &dyn Fn(&str) -> String| {
        html! {
            ul {
                @for (value, n) in items.iter().take(12) {
                    li.on[current.as_deref() == Some(value.as_str())] {
                        a href=(with_param(here, key, Some(value))) { (label(value)) }
                        span.count { (n) }
                    }
                }
            }
        }
    };
    let lang = v.lang;
    html! {
        @if !r.facets.years.is_empty() {
            h3 { (t.years) }
            ul {
                @for (label, n) in &r.facets.years {
                    li.on[year_on(label)] { a href=(year_link(label)) { (label) } span.count { (n) } }
                }
            }
        }
        @if !r.facets.department.is_empty() {
            h3 { (t.department) }
            (list("compartiment", &r.facets.department, &f.department, &|s| s.to_string()))
        }
        @if !r.facets.doc_type.is_empty() {
            h3 { (t.doc_type) }
            (list("tip", &r.facets.doc_type, &f.doc_type, &|s| t.doc_type_label(s).to_string()))
        }
        @if !r.facets.term.is_empty() {
            h3 { (t.term) }
            (list("termen", &r.facets.term, &f.term, &|s| term(lang, s)))
        }
    }
}

fn active_filters(t: &Texts, here: &str, req: &SearchRequest) -> Markup {
    let f = &req.filters;
    let mut chips: Vec<(String, String)> = Vec::new();
    if f.year_from.is_some() || f.year_to.is_some() {
        let label = format!(
            "{} {} – {}",
            t.years,
            f.year_from.map(|y| y.to_string()).unwrap_or_default(),
            f.year_to.map(|y| y.to_string()).unwrap_or_default()
        );
        chips.push((
            label,
            with_param(&with_param(here, "de_la", None), "pana_la", None),
        ));
    }
    for (key, value) in [
        ("compartiment", &f.department),
        ("tip", &f.doc_type),
        ("termen", &f.term),
    ] {
        if let Some(v) = value {
            let shown = if key == "tip" {
                t.doc_type_label(v).to_string()
            } else {
                v.clone()
            };
            chips.push((shown, with_param(here, key, None)));
        }
    }
    let mut clear = here.to_string();
    for k in FILTERS {
        clear = with_param(&clear, k, None);
    }
    html! {
        @if !chips.is_empty() {
            div.chips {
                @for (label, href) in &chips { a.chip href=(href) { (label) " ×" } }
                a.chip href=(clear) { (t.clear_filters) }
            }
        }
    }
}

fn pager(t: &Texts, here: &str, page_no: usize, total: usize) -> Markup {
    let pages = total
        .div_ceil(PAGE_SIZE)
        .min(crate::routes::search::MAX_RESULT_PAGE);
    if pages <= 1 {
        return html! {};
    }
    let link = |n: usize| with_param(here, "p", Some(&n.to_string()));
    let lo = page_no.saturating_sub(3).max(1);
    let hi = (page_no + 3).min(pages);
    html! {
        nav.pager aria-label="pagination" {
            @if page_no > 1 { a href=(link(page_no - 1)) rel="prev" { (t.prev) } }
            @if lo > 1 { a href=(link(1)) { "1" } @if lo > 2 { span { "…" } } }
            @for n in lo..=hi {
                @if n == page_no { span.on aria-current="page" { (n) } } @else { a href=(link(n)) { (n) } }
            }
            @if hi < pages { @if hi + 1 < pages { span { "…" } } a href=(link(pages)) { (pages) } }
            @if page_no < pages { a href=(link(page_no + 1)) rel="next" { (t.next) } }
        }
    }
}
