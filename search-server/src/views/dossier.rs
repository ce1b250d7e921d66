//! The dossier sheet ("fișa dosarului"): its description as the inventory
//! gives it, where the paper is, and the digitized pages. Prints as a sheet.

use arhiva_store::{Dossier, TermSource};
use maud::{html, Markup};

use crate::auth::Viewer;
use crate::i18n::Texts;
use crate::routes::dossier::DossierView;
use crate::routes::{file_url, page_url};
use crate::views::layout::{page as shell, term, years, Chrome, Nav};

/// The dossier page.
pub fn page(v: &Viewer, d: &DossierView) -> Markup {
    let t = v.lang.t();
    let x = &d.dossier;
    shell(
        &Chrome::of(v, Nav::Search),
        &format!("{} · {}", x.cota, x.title),
        html! {
            div.printhead { strong { (t.institution) } " — " (t.dossier_sheet) }
            div.panel {
                p.meta.noprint { span.cota { (x.cota) } span { (t.dossier_sheet) } }
                h1 {
                    (x.title)
                    @if d.disposal.is_some() { " " span.badge.bad { (t.disposed) } }
                }
                @if let Some(tomb) = &d.disposal {
                    p.notice.bad { ((t.disposed_text)(&tomb.approval)) }
                }
                (sheet(t, v, x))
                div.actions {
                    button.secondary type="button" data-print hidden { (t.print) }
                    a.button.secondary href="#pagini" { (t.pages) " (" (d.pages.len()) ")" }
                }
            }
            h2 #pagini { (t.pages) }
            @if d.pages.is_empty() {
                p.hint { (t.no_pages) }
            } @else {
                ul.thumbs {
                    @for (p, has) in d.pages.iter().zip(&d.images) {
                        li {
                            a href=(page_url(&x.cota, p.page, "")) {
                                @if *has {
                                    img src=(file_url(&x.cota, p.page, "miniatura")) alt=(format!("{} {}", t.page, p.page)) loading="lazy";
                                } @else {
                                    div.noimg { "PDF / text" }
                                }
                                (t.page) " " (p.page)
                                @if !p.flags.is_empty() { " " span.badge.warn { "QA" } }
                            }
                        }
                    }
                }
            }
        },
    )
}

fn sheet(t: &Texts, v: &Viewer, x: &Dossier) -> Markup {
    let source = match &x.term_source {
        TermSource::Nomenclator { version } => format!("{}, {version}", t.term_nomenclator),
        TermSource::Override => t.term_override.to_string(),
        TermSource::Unknown => t.term_unknown.to_string(),
    };
    let loc = &x.location;
    html! {
        dl.sheet {
            dt { (t.cota) } dd { span.cota { (x.cota) } }
            dt { (t.title) } dd { (x.title) }
            dt { (t.date_range) } dd { (years(x.first_year, x.last_year)) }
            dt { (t.sheets) } dd { @if let Some(n) = x.sheets { (n) } @else { "—" } }
            dt { (t.term) } dd { (term(v.lang, &x.term.to_string())) " " span.hint { "(" (source) ")" } }
            dt { (t.department) } dd { (x.department) }
            dt { (t.indicativ) } dd { (x.indicativ) }
            dt { (t.doc_type) } dd { (t.doc_type_label(&x.doc_type)) }
            dt { (t.location) }
            dd {
                (t.room) " " (strip(&loc.room, t.room)) " · "
                (t.shelf) " " (strip(&loc.shelf, t.shelf)) " · "
                (t.box_) " " (strip(&loc.box_, t.box_))
            }
            dt { (t.fond) } dd { (x.fond) }
            @if !x.notes.is_empty() { dt { (t.notes) } dd { (x.notes) } }
            dt { (t.batch) } dd.mono { (x.batch) }
        }
    }
}

/// "Sala 2" → "2" when the label is shown already; "—" when empty.
fn strip<'a>(value: &'a str, label: &str) -> &'a str {
    let v = value.trim();
    if v.is_empty() {
        return "—";
    }
    let words = [
        "Sala", "Raft", "Cutia", "Cutie", "Room", "Shelf", "Box", label,
    ];
    for w in words {
        if let Some(rest) = v.strip_prefix(w) {
            if rest.starts_with(' ') {
                return rest.trim();
            }
        }
    }
    v
}
