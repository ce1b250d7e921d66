//! The requests register, the new-request form and the certificate
//! workspace: hits by year and month with the pages that prove them,
//! confirm/reject buttons, the periods they make, and the answer.

use maud::{html, Markup};
use time::Date;

use crate::auth::Viewer;
use crate::certificates::deadline::{days_left, ro_date};
use crate::certificates::issue::document_kind;
use crate::certificates::workspace::Workspace;
use crate::certificates::{
    due_date, urgency, DocumentKind, Period, Request, RequestKind, Status, Subject, Urgency,
};
use crate::certificates::{Coverage, MonthState};
use crate::i18n::requests::RequestTexts;
use crate::jobs::OcrJob;
use crate::localtime::local_time;
use crate::routes::page_url;
use crate::routes::requests::request_url;
use crate::views::layout::{page as shell, Chrome, Nav};

fn urgency_badge(t: &RequestTexts, u: Urgency) -> Markup {
    html! {
        @match u {
            Urgency::Overdue => span.badge.bad { (t.overdue) },
            Urgency::DueSoon => span.badge.warn { (t.due_soon) },
            _ => {},
        }
    }
}

fn subject(t: &RequestTexts, s: Subject) -> &'static str {
    match s {
        Subject::Seniority => t.subject_seniority,
        Subject::Copies => t.subject_copies,
    }
}

/// `GET /cereri`
pub fn list(v: &Viewer, list: &[Request], today: Date, all: bool) -> Markup {
    let t = v.lang.req();
    shell(
        &Chrome::of(v, Nav::Requests),
        t.list_title,
        html! {
            h1 { (t.list_title) }
            p.hint { (t.list_intro) }
            div.actions {
                a.button href="/cereri/noua" { (t.new_request) }
                @if all { a href="/cereri" { (t.open_only) } } @else { a href="/cereri?toate=1" { (t.show_all) } }
            }
            @if list.is_empty() {
                p { (t.no_requests) }
            } @else {
                table {
                    thead { tr {
                        th { (t.number) } th { (t.registered) } th { (t.petitioner) } th { (t.subject) }
                        th { (t.status) } th { (t.due) } th {}
                    } }
                    tbody {
                        @for r in list {
                            @let u = urgency(r, today);
                            tr {
                                td.mono { a href=(request_url(r.number)) { (r.number) } }
                                td { (ro_date(r.registered)) }
                                td { (r.petitioner.name) }
                                td { (subject(t, r.subject)) }
                                td { (t.status_name(r.status)) }
                                td { (ro_date(due_date(r))) @if !r.status.is_closed() { br; small.hint { ((t.days_left)(days_left(r, today))) } } }
                                td { (urgency_badge(t, u)) }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// `GET /cereri/noua`
pub fn new_form(v: &Viewer) -> Markup {
    let t = v.lang.req();
    shell(
        &Chrome::of(v, Nav::Requests),
        t.new_request,
        html! {
            h1 { (t.new_request) }
            form.panel method="post" action="/cereri" {
                input type="hidden" name="csrf" value=(v.csrf_token());
                div.row {
                    div { label for="name" { (t.name) } input #name type="text" name="name" required maxlength="300" autofocus; }
                    div { label for="cnp" { (t.cnp) } input #cnp type="text" name="cnp" maxlength="13" pattern="[0-9]{13}" inputmode="numeric"; }
                }
                div.row {
                    div { label for="former" { (t.former_names) } textarea #former name="former_names" rows="2" {} }
                    div { label for="address" { (t.address) } textarea #address name="address" rows="2" {} }
                }
                div.row {
                    div { label for="kind" { (t.kind) }
                        select #kind name="kind" {
                            option value="petition" selected { (t.kind_petition) }
                            option value="public-info" { (t.kind_public) }
                        }
                    }
                    div { label for="subject" { (t.subject) }
                        select #subject name="subject" {
                            option value="seniority" selected { (t.subject_seniority) }
                            option value="copies" { (t.subject_copies) }
                        }
                    }
                }
                div.row {
                    div { label for="department" { (t.department) } input #department type="text" name="department" maxlength="300"; }
                    div { label for="period" { (t.period) } input #period type="text" name="period" maxlength="9" pattern="[0-9]{4}(-[0-9]{4})?"; }
                }
                div.row {
                    div { label for="purpose" { (t.purpose) } input #purpose type="text" name="purpose" maxlength="300"; }
                    div { label for="date" { (t.date_hint) } input #date type="date" name="date"; }
                }
                div.actions { button type="submit" { (t.register_button) } }
            }
        },
    )
}

fn facts(t: &RequestTexts, r: &Request, today: Date) -> Markup {
    let p = &r.petitioner;
    html! {
        dl.sheet.panel {
            dt { (t.petitioner) } dd { b { (p.name) } }
            @if !p.former_names.is_empty() { dt { (t.former_names) } dd { (p.former_names.join(", ")) } }
            @if let Some(c) = &p.cnp { dt { (t.cnp) } dd.mono { (c) } }
            @if !p.address.is_empty() { dt { (t.address) } dd { (p.address) } }
            dt { (t.kind) } dd { (match r.kind { RequestKind::Petition => t.kind_petition, RequestKind::PublicInfo => t.kind_public }) }
            dt { (t.subject) } dd { (subject(t, r.subject)) }
            @if !r.department.is_empty() { dt { (t.department) } dd { (r.department) } }
            @if let Some(y) = r.period { dt { (t.period) } dd { (y) } }
            @if !r.purpose.is_empty() { dt { (t.purpose) } dd { (r.purpose) } }
            dt { (t.registered) } dd { (ro_date(r.registered)) }
            dt { (t.due) } dd {
                (ro_date(due_date(r)))
                @if !r.status.is_closed() { " · " ((t.days_left)(days_left(r, today))) " " (urgency_badge(t, urgency(r, today))) }
            }
            @if let Some(e) = &r.extension { dt { (t.extended) } dd { (ro_date(e.on)) " — " (e.notice) } }
        }
    }
}

fn in_period(r: &Request, month: &str) -> bool {
    match (r.period, month.get(..4).and_then(|y| y.parse::<i32>().ok())) {
        (Some(p), Some(y)) => (p.from..=p.to).contains(&y),
        _ => true,
    }
}

fn hits(v: &Viewer, t: &RequestTexts, r: &Request, ws: &Workspace) -> Markup {
    let closed = r.status.is_closed();
    let action = format!("{}/decizie", request_url(r.number));
    let mut years: Vec<&str> = ws.months.iter().filter_map(|m| m.month.get(..4)).collect();
    years.dedup();
    html! {
        h2 { (t.workspace) }
        p.hint { (t.workspace_intro) }
        @if ws.months.is_empty() {
            p.notice.warn { (t.no_hits) }
        } @else {
            p { ((t.pending)(ws.pending)) }
            @if !closed && ws.pending > 0 {
                form.inline.confirm method="post" action=(format!("{}/decizie-automata", request_url(r.number))) {
                    input type="hidden" name="csrf" value=(v.csrf_token());
                    (confirm_box(t, "confirm-auto", t.confirm_auto))
                    button type="submit" { (t.auto_confirm) }
                }
            }
            @for year in &years {
                h3 { (year) }
                table {
                    thead { tr {
                        th { (t.month) } th { "Cotă" } th { (t.page) } th { (t.name_as_printed) } th { (t.cnp) }
                        th { (t.function) } th { (t.salary) } th { (t.decision) } th {}
                    } }
                    tbody {
                        @for m in ws.months.iter().filter(|m| m.month.starts_with(year)) {
                            @for (i, h) in m.hits.iter().enumerate() {
                                @let e = &h.evidence;
                                tr id=[(i == 0).then(|| format!("m{}", m.month))] {
                                    td.mono { @if i == 0 { (m.month) @if !in_period(r, &m.month) { br; small.hint { (t.outside_period) } } } }
                                    td { span.cota { (e.cota) } }
                                    td.num { a href=(page_url(&e.cota, e.page, &r.petitioner.name)) { (e.page) } }
                                    td { (e.name_as_printed) }
                                    td.mono { (e.cnp.as_deref().unwrap_or("—")) }
                                    td { (e.function.as_deref().unwrap_or("—")) }
                                    td.num { (e.salary.as_deref().unwrap_or("—")) }
                                    td { @match h.decision {
                                        Some(true) => span.badge { (t.confirmed) },
                                        Some(false) => span.badge.bad { (t.rejected) },
                                        None => span.hint { (t.undecided) },
                                    } }
                                    td { @if !closed {
                                        @for (value, label) in [("confirm", t.confirm), ("reject", t.reject)] {
                                            @if h.decision != Some(value == "confirm") {
                                                form.inline method="post" action=(action) {
                                                    input type="hidden" name="csrf" value=(v.csrf_token());
                                                    input type="hidden" name="month" value=(m.month);
                                                    input type="hidden" name="cota" value=(e.cota);
                                                    input type="hidden" name="page" value=(e.page);
                                                    button.secondary[value == "reject"] type="submit" name="decision" value=(value) { (label) }
                                                }
                                            }
                                        }
                                    } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn period_table(t: &RequestTexts, ps: &[Period]) -> Markup {
    let total: u32 = ps.iter().map(|p| p.months).sum();
    html! {
        h2 { (t.periods) }
        @if ps.is_empty() {
            p.hint { (t.no_periods) }
        } @else {
            table {
                thead { tr { th { "Nr." } th { (t.month) } th.num { (t.months) } th { (t.function) } th.num { (t.salary) } th { (t.sources) } } }
                tbody {
                    @for (i, p) in ps.iter().enumerate() {
                        tr {
                            td.num { (i + 1) } td.mono { (p.range_text()) } td.num { (p.months) }
                            td { (p.function.as_deref().unwrap_or("—")) } td.num { (p.salary.as_deref().unwrap_or("—")) }
                            td { (p.sources_text()) }
                        }
                    }
                }
            }
            p { b { ((t.total)(total)) } }
        }
    }
}

fn copies(v: &Viewer, t: &RequestTexts, r: &Request) -> Markup {
    let current: String = r
        .pages
        .iter()
        .map(|p| format!("{} {}\n", p.cota, p.page))
        .collect();
    html! {
        h2 { (t.copy_pages) }
        @if !r.pages.is_empty() {
            ul { @for p in &r.pages { li { a href=(page_url(&p.cota, p.page, "")) { span.cota { (p.cota) } " p. " (p.page) } } } }
        }
        @if !r.status.is_closed() {
            form.panel method="post" action=(format!("{}/pagini", request_url(r.number))) {
                input type="hidden" name="csrf" value=(v.csrf_token());
                label for="pages" { (t.copy_pages_hint) }
                textarea #pages name="pages" rows="5" { (current) }
                div.actions { button type="submit" { (t.save_pages) } }
            }
        }
    }
}

fn answer(v: &Viewer, t: &RequestTexts, r: &Request) -> Markup {
    let base = request_url(r.number);
    let issue_label = match document_kind(r) {
        DocumentKind::Certificate => t.issue,
        DocumentKind::Negative => t.issue_negative,
        DocumentKind::CertifiedCopy => t.issue_copy,
    };
    html! {
        h2 { (t.answer) }
        @if let Some(i) = &r.issued {
            p.notice.ok { (t.issued_on) " " (ro_date(i.on)) " · " (i.clerk.as_ref().map_or(i.by.as_str(), |c| c.name.as_str())) " · " span.mono { (&i.object[..16]) "…" } }
            div.actions { a.button href=(format!("{base}/document.pdf")) { (t.download) } }
        } @else {
            div.actions {
                a.button.secondary href=(format!("{base}/proiect.pdf")) { (t.preview) }
                @if r.status != Status::Drafted {
                    form.inline method="post" action=(format!("{base}/redactare")) {
                        input type="hidden" name="csrf" value=(v.csrf_token());
                        button.secondary type="submit" { (t.draft) }
                    }
                }
                form.inline.confirm method="post" action=(format!("{base}/emitere")) {
                    input type="hidden" name="csrf" value=(v.csrf_token());
                    (confirm_box(t, "confirm-issue", t.confirm_issue))
                    button type="submit" { (issue_label) }
                }
            }
            @if r.extension.is_none() && !r.complex {
                form.panel method="post" action=(format!("{base}/prelungire")) {
                    input type="hidden" name="csrf" value=(v.csrf_token());
                    label for="notice" { (t.notice) }
                    input #notice type="text" name="notice" required maxlength="300";
                    div.actions { button type="submit" { (t.extend) } }
                }
            }
        }
    }
}

/// What the workspace shows of the period's coverage: the months' states
/// and the OCR job run for the request, if any.
#[derive(Debug, Clone, Copy, Default)]
pub struct CoverageView<'a> {
    /// The coverage, when there is a period to cover.
    pub coverage: Option<&'a Coverage>,
    /// The OCR of the request's unread pages, when one ran.
    pub ocr: Option<&'a OcrJob>,
}

/// The period month by month: a row per year, a cell per month coloured
/// by what the desk knows, found months linking to their first page; then
/// the payroll dossiers that could not be read.
fn coverage(
    v: &Viewer,
    r: &Request,
    ws: &Workspace,
    c: Option<&Coverage>,
    job: Option<&OcrJob>,
) -> Markup {
    let t = v.lang.coverage();
    let Some(c) = c else {
        return html! { h2 { (t.title) } p.hint { (t.none) } };
    };
    let months = c.months();
    let mut years: Vec<&str> = months.iter().filter_map(|(m, _)| m.get(..4)).collect();
    years.dedup();
    let first_hit = |month: &str| {
        ws.months
            .iter()
            .find(|m| m.month == month)
            .and_then(|m| m.hits.iter().find(|h| h.decision != Some(false)))
            .map(|h| page_url(&h.evidence.cota, h.evidence.page, &r.petitioner.name))
    };
    html! {
        h2 #acoperire { (t.title) }
        p.hint { (t.intro) }
        p { b { (c.period_text()) } " — " (if c.requested { t.requested } else { t.derived }) }
        p { ((t.counts)(c.found.len(), c.not_found.len(), c.no_payroll.len(), c.cannot_tell.len())) }
        @if !c.complete() {
            p.notice.warn { ((t.incomplete)(c.cannot_tell.len())) }
        }
        table.coverage {
            thead { tr { th {} @for n in t.month_names { th { (n) } } } }
            tbody {
                @for y in &years {
                    tr {
                        th.mono { (y) }
                        @for mo in 1..=12u32 {
                            @let month = format!("{y}-{mo:02}");
                            @match months.iter().find(|(m, _)| *m == month) {
                                Some((_, s)) => {
                                    td class=(format!("cov {}", s.as_str())) title=(format!("{month}: {}", t.state(*s))) {
                                        @if let Some(href) = first_hit(&month).filter(|_| *s == MonthState::Found) {
                                            a href=(href) { (t.state(*s)) }
                                        } @else {
                                            (t.state(*s))
                                        }
                                    }
                                },
                                None => td {},
                            }
                        }
                    }
                }
            }
        }
        @if let Some(j) = job {
            @if j.finished {
                p.notice.ok { ((t.ocr_done)(j.read, j.total)) }
                @if let Some(e) = &j.error { p.notice.bad { (e) } }
                @if !j.failed.is_empty() { ul.hint { @for f in &j.failed { li { (f) } } } }
            } @else {
                meta http-equiv="refresh" content="4";
                p.notice.warn { ((t.ocr_running)(j.done, j.total)) }
            }
        }
        @if !c.unread.is_empty() {
            h3 { (t.unread_title) }
            p.hint { (t.unread_intro) }
            @let running = job.is_some_and(|j| !j.finished);
            @if r.issued.is_none() && !running && c.unread.iter().any(|u| !u.pages.is_empty()) {
                @match arhiva_ingest::ocr::missing_advice() {
                    Some(install) => p.notice.warn { (t.ocr_missing) " (" (install) ")" },
                    None => form.inline method="post" action=(format!("{}/ocr", request_url(r.number))) {
                        input type="hidden" name="csrf" value=(v.csrf_token());
                        button type="submit" { (t.ocr_now) }
                    },
                }
            }
            ul {
                @for u in &c.unread {
                    li {
                        span.cota { (u.cota) } " (" (u.first_year) @if u.last_year != u.first_year { "–" (u.last_year) } ")"
                        @if !u.pages.is_empty() {
                            " · " (t.pages_without_text) ": "
                            @for (i, p) in u.pages.iter().enumerate() {
                                @if i > 0 { ", " }
                                a href=(page_url(&u.cota, *p, "")) { (p) }
                            }
                        }
                        @if !u.quarantined.is_empty() {
                            " · " (t.quarantined) ": " (u.quarantined.join(", "))
                        }
                    }
                }
            }
        }
    }
}

/// A required "Confirm" checkbox for an action that cannot be undone: the
/// browser asks for it without JavaScript, and the server refuses the form
/// without it.
pub fn confirm_box(t: &RequestTexts, id: &str, what: &str) -> Markup {
    html! {
        label.confirm for=(id) title=(what) {
            input #(id) type="checkbox" name="confirm" value="1" required;
            " " (t.confirm_box)
        }
        small.hint { (what) }
    }
}

/// `GET /cereri/{nr}`; `refused` says why an action was not done.
pub fn workspace(
    v: &Viewer,
    r: &Request,
    ws: &Workspace,
    ps: &[Period],
    cov: CoverageView<'_>,
    today: Date,
    refused: Option<&str>,
) -> Markup {
    let t = v.lang.req();
    let title = format!("{} {}", t.number, r.number);
    let mut history: Vec<_> = r.history.iter().collect();
    history.reverse();
    shell(
        &Chrome::of(v, Nav::Requests),
        &title,
        html! {
            p { a href="/cereri" { "← " (t.list_title) } }
            h1 { (title) " " span.badge { (t.status_name(r.status)) } }
            @if let Some(m) = refused { p.notice.bad role="alert" { (m) } }
            (facts(t, r, today))
            @match r.subject {
                Subject::Seniority => { (coverage(v, r, ws, cov.coverage, cov.ocr)) (hits(v, t, r, ws)) (period_table(t, ps)) },
                Subject::Copies => { (copies(v, t, r)) },
            }
            (answer(v, t, r))
            h2 { (t.history) }
            table.history {
                thead { tr { th { (t.history_when) } th { (t.history_who) } th { (t.history_what) } th { (t.history_details) } } }
                tbody {
                    @for h in history {
                        tr {
                            td.mono { (local_time(&h.at)) }
                            td { (h.user) }
                            td { (t.history_action(&h.action, &h.detail)) }
                            td { ((t.history_detail)(&h.action, &h.detail)) }
                        }
                    }
                }
            }
        },
    )
}
