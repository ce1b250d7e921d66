//! Person search: the months in which a name appears on payroll lists,
//! with the pages that prove it — what a work-seniority certificate lists.

use arhiva_index::{MatchedBy, PersonResults};
use maud::{html, Markup};

use crate::auth::Viewer;
use crate::i18n::Texts;
use crate::routes::page_url;
use crate::routes::search::PersonParams;
use crate::views::layout::{page as shell, Chrome, Nav};

/// The person search page.
pub fn page(v: &Viewer, p: &PersonParams, r: Option<&PersonResults>) -> Markup {
    let t = v.lang.t();
    let name = p.nume.clone().unwrap_or_default();
    let cnp = p.cnp.clone().unwrap_or_default();
    shell(
        &Chrome::of(v, Nav::Person),
        t.person_title,
        html! {
            h1 { (t.person_title) }
            p.hint { (t.person_intro) }
            form.panel method="get" action="/persoane" {
                div.row {
                    div { label for="nume" { (t.name) } input #nume type="text" name="nume" value=(name) maxlength="120" autofocus; }
                    div { label for="cnp" { (t.cnp) } input #cnp type="text" name="cnp" value=(cnp) maxlength="13" pattern="[0-9]{13}" inputmode="numeric"; }
                    div { button type="submit" { (t.search_button) } }
                }
            }
            @if let Some(r) = r {
                h2 { ((t.months_found)(r.months.len())) }
                @if !r.months.is_empty() {
                    table {
                        thead { tr {
                            th { (t.month) } th { (t.cota) } th { (t.page) } th { (t.name_as_printed) }
                            th { (t.cnp) } th { (t.function) } th { (t.salary) } th { (t.matched_by) }
                        } }
                        tbody {
                            @for m in &r.months {
                                @for (i, e) in m.pages.iter().enumerate() {
                                    tr {
                                        td.mono { @if i == 0 { (m.month) } }
                                        td { span.cota { (e.cota) } }
                                        td.num { a href=(page_url(&e.cota, e.page, &name)) { (e.page) } }
                                        td { (e.name_as_printed) }
                                        td.mono { (e.cnp.as_deref().unwrap_or("—")) }
                                        td { (e.function.as_deref().unwrap_or("—")) }
                                        td.num { (e.salary.as_deref().unwrap_or("—")) }
                                        td { (matched(t, e.matched_by)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

fn matched(t: &Texts, m: MatchedBy) -> &'static str {
    match m {
        MatchedBy::Name => t.matched_name,
        MatchedBy::Cnp => t.matched_cnp,
        MatchedBy::NameAndCnp => t.matched_both,
    }
}
