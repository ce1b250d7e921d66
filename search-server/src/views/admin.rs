//! Staff pages: ingest batches with the quarantine, users, the audit log.

use arhiva_store::catalog::{BatchRecord, QuarantineEntry};
use maud::{html, Markup};

use crate::audit::AuditPage;
use crate::auth::{Role, Viewer};
use crate::routes::encode;
use crate::users::UserRecord;
use crate::views::layout::{page as shell, Chrome, Nav};

/// Batches, newest first, and the quarantine.
pub fn batches(
    v: &Viewer,
    batches: &[BatchRecord],
    quarantine: &[QuarantineEntry],
    unread: u64,
) -> Markup {
    let t = v.lang.t();
    html! {
        (shell(&Chrome::of(v, Nav::Batches), t.batches_title, html! {
            h1 { (t.batches_title) }
            @if unread > 0 {
                p.notice.warn { ((v.lang.coverage().needs_ocr)(unread, arhiva_ingest::ocr::missing_advice())) }
            }
            @if batches.is_empty() {
                p.hint { (t.no_batches) }
            } @else {
                table {
                    thead { tr { th { (t.batch) } th { (t.delivery) } th { (t.started) } th { (t.status) } th { (t.summary) } } }
                    tbody {
                        @for b in batches.iter().rev() {
                            tr {
                                td.mono { (b.batch) }
                                td.mono { (b.delivery) }
                                td { (short_time(&b.started)) }
                                td {
                                    @if b.summary.is_some() { span.badge { (t.finished) } }
                                    @else { span.badge.warn { (t.running) } }
                                }
                                td { @if let Some(s) = &b.summary { (summary(s)) } }
                            }
                        }
                    }
                }
            }
            h2 { (t.quarantine_title) " (" (quarantine.len()) ")" }
            @if quarantine.is_empty() {
                p.notice.ok { (t.quarantine_empty) }
            } @else {
                table {
                    thead { tr { th { (t.batch) } th { (t.file) } th { (t.code) } th { (t.reason) } } }
                    tbody {
                        @for q in quarantine {
                            tr { td.mono { (q.batch) } td.mono { (q.file) } td { span.badge.bad { (q.code) } } td { (q.reason) } }
                        }
                    }
                }
            }
        }))
    }
}

/// The numbers of a batch report, whatever its exact shape: its top-level
/// numeric fields.
fn summary(s: &serde_json::Value) -> Markup {
    let numbers: Vec<(String, String)> = s
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(_, v)| v.is_number())
                .map(|(k, v)| (k.replace('_', " "), v.to_string()))
                .take(10)
                .collect()
        })
        .unwrap_or_default();
    html! {
        span.hint {
            @for (i, (k, v)) in numbers.iter().enumerate() {
                @if i > 0 { " · " }
                (k) " " strong { (v) }
            }
        }
    }
}

/// A journaled UTC time as people read it: local time in Bucharest with
/// the zone, "2026-12-03T09:25:07Z" → "03.12.2026 11:25 EET".
pub fn short_time(rfc3339: &str) -> String {
    crate::localtime::local_time(rfc3339)
}

/// The user list with the add form.
pub fn users(v: &Viewer, list: &[(String, UserRecord)], message: Option<&str>) -> Markup {
    let t = v.lang.t();
    shell(
        &Chrome::of(v, Nav::Users),
        t.users_title,
        html! {
            h1 { (t.users_title) }
            @if let Some(m) = message { p.notice.ok { (m) } }
            table {
                thead { tr { th { (t.user) } th { (t.full_name) " · " (t.function) } th { (t.role) } th { (t.created) } th { (t.status) } th {} } }
                tbody {
                    @for (name, u) in list {
                        tr {
                            td { strong { (name) } }
                            td {
                                form.inline.identity method="post" action=(format!("/admin/utilizatori/{}/identitate", encode(name))) {
                                    input type="hidden" name="csrf" value=(v.csrf_token());
                                    input type="text" name="full_name" value=(u.full_name) maxlength="100" placeholder=(t.full_name) aria-label=(t.full_name);
                                    input type="text" name="function" value=(u.function) maxlength="100" size="12" placeholder=(t.function) aria-label=(t.function);
                                    button.secondary type="submit" { (t.save) }
                                }
                            }
                            td { (t.role_label(u.role)) }
                            td { (short_time(&u.created)) }
                            td { @if u.disabled { span.badge.bad { (t.disabled) } } @else { span.badge { (t.active) } } }
                            td {
                                @if name != &v.user {
                                    form.inline method="post" action=(format!("/admin/utilizatori/{}/stare", encode(name))) {
                                        input type="hidden" name="csrf" value=(v.csrf_token());
                                        input type="hidden" name="disabled" value=(if u.disabled { "0" } else { "1" });
                                        button.secondary type="submit" { (if u.disabled { t.enable } else { t.disable }) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { (t.add_user) }
            form.panel method="post" action="/admin/utilizatori" {
                input type="hidden" name="csrf" value=(v.csrf_token());
                div.row {
                    div { label for="name" { (t.user) } input #name type="text" name="name" required pattern="[a-z][a-z0-9._-]{1,31}" maxlength="32"; }
                    div {
                        label for="role" { (t.role) }
                        select #role name="role" {
                            @for r in [Role::Consultant, Role::Arhivist, Role::Admin] {
                                option value=(r.as_str()) { (t.role_label(r)) }
                            }
                        }
                    }
                    div { label for="password" { (t.password) } input #password type="password" name="password" required minlength="10" autocomplete="new-password"; }
                }
                div.row {
                    div { label for="full_name" { (t.full_name) } input #full_name type="text" name="full_name" maxlength="100"; }
                    div { label for="function" { (t.function) } input #function type="text" name="function" maxlength="100" placeholder="inspector"; }
                    div { button type="submit" { (t.add_user) } }
                }
            }
        },
    )
}

/// The audit log, newest first, a page at a time; `older` when this is not
/// the newest page.
pub fn audit(v: &Viewer, page: &AuditPage, user: &str, older: bool) -> Markup {
    let here = |before: Option<&str>| {
        let mut url = format!("/admin/audit?utilizator={}", encode(user));
        if let Some(b) = before {
            url.push_str("&inainte=");
            url.push_str(&encode(b));
        }
        url
    };
    let t = v.lang.t();
    shell(
        &Chrome::of(v, Nav::Audit),
        t.audit_title,
        html! {
            h1 { (t.audit_title) }
            p.hint { (t.audit_intro) }
            form.panel method="get" action="/admin/audit" {
                div.row {
                    div { label for="utilizator" { (t.user) } input #utilizator type="text" name="utilizator" value=(user) maxlength="64"; }
                    div { button type="submit" { (t.filter) } }
                }
            }
            table {
                thead { tr { th { (t.when) } th { (t.who) } th { (t.action) } th { (t.what) } th { (t.from_where) } } }
                tbody {
                    @for e in &page.entries {
                        tr {
                            td.mono { (short_time(&e.at)) }
                            td { (e.user) }
                            td { @if e.action.starts_with("login-") { span.badge.bad { (e.action) } } @else { (e.action) } }
                            td { (e.target) }
                            td.mono { (e.ip) }
                        }
                    }
                }
            }
            @if older || page.older.is_some() {
                nav.pager aria-label="pagination" {
                    @if older { a href=(here(None)) { (t.audit_newest) } }
                    @if let Some(b) = &page.older { a href=(here(Some(b))) rel="next" { (t.audit_older) } }
                }
            }
        },
    )
}
