//! The page viewer: the scan (with the query's words boxed on it, when the
//! page has word boxes) beside its text (with the words marked), previous
//! and next page, where the text came from, confidence and QA flags.

use maud::{html, Markup};

use crate::auth::Viewer;
use crate::highlight::{scan, Terms};
use crate::routes::dossier::PageView;
use crate::routes::{dossier_url, encode, file_url, page_url};
use crate::views::layout::{page as shell, years, Chrome, Nav};

/// The viewer page.
pub fn page(v: &Viewer, pv: &PageView, q: &str) -> Markup {
    let t = v.lang.t();
    let d = &pv.dossier;
    let p = &pv.page;
    let terms = Terms::of_query(q);
    let pos = pv.numbers.iter().position(|&n| n == p.page).unwrap_or(0);
    let prev = pos.checked_sub(1).and_then(|i| pv.numbers.get(i)).copied();
    let next = pv.numbers.get(pos + 1).copied();
    let boxes = terms.boxes(&pv.words);
    let title = format!("{} · {} {}", d.cota, t.page, p.page);
    shell(
        &Chrome::of(v, Nav::Search),
        &title,
        html! {
            p.meta {
                a.cota href=(dossier_url(&d.cota)) { (d.cota) }
                span { (d.title) }
                span { (years(d.first_year, d.last_year)) }
                span { (d.department) }
            }
            div.pagenav {
                div {
                    @if let Some(n) = prev { a.button.secondary href=(page_url(&d.cota, n, q)) rel="prev" { (t.prev_page) } }
                }
                strong { ((t.page_of)(p.page, pv.numbers.len())) }
                div {
                    @if let Some(n) = next { a.button.secondary href=(page_url(&d.cota, n, q)) rel="next" { (t.next_page) } }
                }
            }
            div.viewer {
                div.scan {
                    @if let Some(why) = pv.withheld {
                        p.none { (match why {
                            crate::backend::Withheld::Personal => t.image_withheld,
                            crate::backend::Withheld::Unread => t.image_unread,
                        }) }
                    } @else if pv.image {
                        @let src = file_url(&d.cota, p.page, "imagine");
                        @match p.size_px {
                            Some(size) if size.0 > 0 && size.1 > 0 => (scan(&src, size, &boxes, &title)),
                            _ => img src=(src) alt=(title);
                        }
                    } @else {
                        p.none { (t.no_image) }
                    }
                }
                div {
                    @if !terms.is_empty() && !pv.words.is_empty() && pv.image && pv.withheld.is_none() {
                        p.hint { ((t.matches_on_image)(boxes.len())) }
                    }
                    @match &pv.text {
                        Some(text) if !text.trim().is_empty() => div.ocr lang="ro" { (terms.mark(text)) },
                        _ => p.notice.warn { (t.no_text) },
                    }
                    dl.sheet.facts {
                        dt { (t.text_source) } dd { (t.source_label(p.text_source.as_str())) }
                        dt { (t.confidence) }
                        dd { @if let Some(c) = p.confidence { (format!("{c:.0}%")) } @else { "—" } }
                        dt { (t.qa_flags) }
                        dd {
                            @if p.flags.is_empty() { (t.none) }
                            @for f in &p.flags { span.badge.warn { (t.flag_label(f)) } " " }
                        }
                        @if let Some(dpi) = p.dpi { dt { "DPI" } dd { (dpi) } }
                    }
                    div.actions {
                        a.button href=(file_url(&d.cota, p.page, "original")) download { (t.download_original) }
                        a.button.secondary href=(dossier_url(&d.cota)) { (t.back_to_dossier) }
                        @if !q.is_empty() {
                            a.button.secondary href=(format!("/cautare?q={}", encode(q))) { (t.back_to_results) }
                        }
                    }
                }
            }
        },
    )
}
