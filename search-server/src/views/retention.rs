//! The retention page: what fell due today, what legal holds keep, the
//! disposal proposals and their approval. Arhivists read it; the forms are
//! an admin's.

use std::collections::BTreeMap;

use arhiva_retention::{date, Approval, HoldTarget, LegalHold, Listed, Plan, Proposal};
use maud::{html, Markup};

use crate::auth::{Role, Viewer};
use crate::routes::{dossier_url, encode};
use crate::views::admin::short_time;
use crate::views::layout::{page as shell, term, years, Chrome, Nav};

/// The proposal documents served under `/retentie/propuneri/{id}/{name}`.
pub const DOCUMENTS: [&str; 5] = [
    "inventar-eliminare.pdf",
    "inventar-eliminare.csv",
    "inventar-permanente.pdf",
    "inventar-permanente.csv",
    "proces-verbal.pdf",
];

/// What the page shows.
#[derive(Debug)]
pub struct RetentionPage {
    /// Today's plan.
    pub plan: Plan,
    /// Holds in force.
    pub holds: Vec<LegalHold>,
    /// Proposals, oldest first, with their approval when recorded.
    pub proposals: Vec<(Proposal, Option<Approval>)>,
}

/// The proposal each dossier is in, if any.
pub fn proposed(proposals: &[(Proposal, Option<Approval>)]) -> BTreeMap<&str, &str> {
    let mut out = BTreeMap::new();
    for (p, _) in proposals {
        for d in &p.dossiers {
            out.insert(d.cota.as_str(), p.id.as_str());
        }
    }
    out
}

/// The whole page; `saved` after a form went through, `refused` when an
/// action was not done (and why).
pub fn page(v: &Viewer, p: &RetentionPage, saved: bool, refused: Option<&str>) -> Markup {
    let r = v.lang.ret();
    let admin = v.role >= Role::Admin;
    let plan = &p.plan;
    let proposed = proposed(&p.proposals);
    shell(
        &Chrome::of(v, Nav::Retention),
        r.title,
        html! {
            h1 { (r.title) }
            p.hint { (r.intro) }
            @if saved { p.notice.ok { (r.saved) } }
            @if let Some(m) = refused { p.notice.bad role="alert" { (m) } }

            h2 { (r.due_title) " " small { (r.at) " " (date::format(plan.today)) } }
            @if plan.due.is_empty() {
                p.notice.ok { (r.due_none) }
            } @else {
                p { ((r.due_summary)(plan.due_totals.dossiers, plan.due_totals.pages)) }
                (listing(v, &plan.due, |cota| {
                    proposed.get(cota).map(|id| format!("{} {id}", r.proposed_in))
                }))
                @if admin && plan.due.iter().all(|l| proposed.contains_key(l.cota.as_str())) {
                    p.hint { (r.all_proposed) }
                } @else if admin {
                    form.panel.confirm method="post" action="/retentie/propuneri" {
                        input type="hidden" name="csrf" value=(v.csrf_token());
                        label.confirm for="confirm-propose" title=(r.confirm_propose) {
                            input #confirm-propose type="checkbox" name="confirm" value="1" required;
                            " " (r.confirm_box)
                        }
                        small.hint { (r.confirm_propose) }
                        button type="submit" { (r.propose) }
                    }
                }
            }
            @if !plan.held.is_empty() {
                h3 { (r.held_title) }
                @let listed: Vec<Listed> = plan.held.iter().map(|h| h.dossier.clone()).collect();
                (listing(v, &listed, |cota| {
                    plan.held
                        .iter()
                        .find(|h| h.dossier.cota == cota)
                        .map(|h| format!("{} {}", r.kept, h.holds.join(", ")))
                }))
            }
            @if !plan.transfer.is_empty() {
                h3 { (r.transfer_title) }
                p { ((r.transfer_summary)(plan.transfer_totals.dossiers)) }
            }
            @if !plan.undecided.is_empty() {
                p.hint { ((r.undecided)(plan.undecided.len())) }
            }

            h2 { (r.holds_title) }
            p.hint { (r.holds_intro) }
            @if p.holds.is_empty() {
                p { (r.holds_none) }
            } @else {
                table {
                    thead { tr { th { (r.hold) } th { (r.covers) } th { (r.reason) } th { (r.placed_by) } @if admin { th {} } } }
                    tbody {
                        @for h in &p.holds {
                            tr {
                                td.mono.id { (h.id) }
                                td { (target(v, &h.target)) }
                                td { (h.reason) }
                                td { (h.by) ", " (short_time(&h.placed)) }
                                @if admin {
                                    td {
                                        form.inline method="post" action=(format!("/retentie/blocari/{}/ridicare", encode(&h.id))) {
                                            input type="hidden" name="csrf" value=(v.csrf_token());
                                            input type="text" name="reason" required maxlength="500" placeholder=(r.release_reason) aria-label=(r.release_reason);
                                            button.secondary type="submit" { (r.release) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if admin {
                form.panel method="post" action="/retentie/blocari" {
                    input type="hidden" name="csrf" value=(v.csrf_token());
                    div.row {
                        div {
                            label for="kind" { (r.covers) }
                            select #kind name="kind" {
                                option value="dosar" { (r.target_dossier) }
                                option value="inventar" { (r.target_inventory) }
                            }
                        }
                        div { label for="target" { (r.target_id) } input #target type="text" name="target" required maxlength="64"; }
                        div { label for="reason" { (r.reason) } input #reason type="text" name="reason" required maxlength="500"; }
                        div { button type="submit" { (r.place) } }
                    }
                }
            }

            h2 { (r.proposals_title) }
            p.hint { (r.proposals_intro) }
            @if p.proposals.is_empty() {
                p { (r.proposals_none) }
            } @else {
                table {
                    thead { tr { th { (r.proposal) } th { (r.made_for) } th { (r.dossiers) } th { (r.status) } th { (r.documents) } } }
                    tbody {
                        @for (prop, approval) in &p.proposals {
                            tr {
                                td.mono.id { (prop.id) }
                                td { (date::format(prop.at)) }
                                td { (prop.dossiers.len()) }
                                td {
                                    @if let Some(a) = approval {
                                        span.badge { (r.approved) } " " (a.reference())
                                    } @else {
                                        span.badge.warn { (r.awaiting) }
                                        @if admin {
                                            form.inline method="post" action=(format!("/retentie/propuneri/{}/aprobare", encode(&prop.id))) {
                                                input type="hidden" name="csrf" value=(v.csrf_token());
                                                input type="text" name="number" required maxlength="64" placeholder=(r.approval_number) aria-label=(r.approval_number);
                                                input type="date" name="date" required aria-label=(r.approval_date);
                                                button.secondary type="submit" { (r.approve) }
                                            }
                                        }
                                    }
                                }
                                td {
                                    @for (i, d) in DOCUMENTS.iter().enumerate() {
                                        @if i > 0 { " · " }
                                        a href=(format!("/retentie/propuneri/{}/{d}", encode(&prop.id))) { (d) }
                                    }
                                }
                            }
                        }
                    }
                }
                p.hint { (r.dispose_hint) }
            }
        },
    )
}

fn target(v: &Viewer, t: &HoldTarget) -> Markup {
    let r = v.lang.ret();
    match t {
        HoldTarget::Dossier(c) => html! { (r.target_dossier) " " a href=(dossier_url(c)) { (c) } },
        HoldTarget::Inventory(i) => html! { (r.target_inventory) " " (i) },
    }
}

/// A table of dossiers; `note` adds a remark per cota (the holds keeping it).
fn listing<'a>(
    v: &Viewer,
    items: &'a [Listed],
    note: impl Fn(&'a str) -> Option<String>,
) -> Markup {
    let r = v.lang.ret();
    html! {
        table {
            thead { tr { th { (r.cota) } th { (r.content) } th { (r.years) } th { (r.term) } th { (r.department) } th { (r.since) } th { (r.pages) } } }
            tbody {
                @for l in items {
                    tr {
                        td.mono.id { a href=(dossier_url(&l.cota)) { (l.cota) } }
                        td {
                            (l.title)
                            @if let Some(n) = note(&l.cota) { " " span.badge.warn { (n) } }
                        }
                        td { (years(l.first_year, l.last_year)) }
                        td { (term(v.lang, &l.term.to_string())) }
                        td { (l.department) }
                        td { (date::format(l.since)) }
                        td { (l.pages) }
                    }
                }
            }
        }
    }
}
