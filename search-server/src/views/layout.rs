//! The page shell: header with navigation, language switch and logout,
//! the main column, the footer; and small helpers shared by the views.

use maud::{html, Markup, DOCTYPE};

use crate::auth::{Role, Viewer};
use crate::i18n::Lang;
use crate::routes::with_param;

/// The stylesheet, embedded.
pub const STYLE: &str = include_str!("../../assets/style.css");
/// The only script: optional niceties (a print button). Nothing needs it.
pub const SCRIPT: &str = include_str!("../../assets/arhiva.js");
/// The icon, embedded.
pub const FAVICON: &str = include_str!("../../assets/favicon.svg");

/// Which navigation entry is current.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    /// Search and reading.
    Search,
    /// Person search.
    Person,
    /// Requests register and certificate workspace.
    Requests,
    /// Ingest batches.
    Batches,
    /// Retention: due lists, holds, proposals.
    Retention,
    /// User administration.
    Users,
    /// The audit log.
    Audit,
    /// None (login, errors).
    None,
}

/// What the shell needs to know.
#[derive(Debug, Clone, Copy)]
pub struct Chrome<'a> {
    /// UI language.
    pub lang: Lang,
    /// The logged-in user, if any.
    pub viewer: Option<&'a Viewer>,
    /// The current path and query.
    pub here: &'a str,
    /// Current navigation entry.
    pub nav: Nav,
}

impl<'a> Chrome<'a> {
    /// The shell for a logged-in page.
    pub fn of(viewer: &'a Viewer, nav: Nav) -> Chrome<'a> {
        Chrome {
            lang: viewer.lang,
            viewer: Some(viewer),
            here: &viewer.here,
            nav,
        }
    }
}

/// A whole HTML page.
pub fn page(c: &Chrome<'_>, title: &str, body: Markup) -> Markup {
    let t = c.lang.t();
    let other = c.lang.other();
    let switch = with_param(c.here, "lang", Some(other.code()));
    let item = |nav: Nav, href: &str, label: &str| {
        html! { a class=[(c.nav == nav).then_some("on")] href=(href) { (label) } }
    };
    html! {
        (DOCTYPE)
        html lang=(c.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (t.app_title) }
                link rel="stylesheet" href="/static/style.css";
                link rel="icon" href="/static/favicon.svg" type="image/svg+xml";
                script src="/static/arhiva.js" defer {}
            }
            body {
                header.top {
                    div.wrap {
                        a.brand href="/" {
                            b { (t.app_title) }
                            small { (t.institution) }
                        }
                        nav.nav {
                            @if let Some(v) = c.viewer {
                                (item(Nav::Search, "/cautare", t.nav_search))
                                @if v.role >= Role::Arhivist {
                                    (item(Nav::Person, "/persoane", t.nav_person))
                                    (item(Nav::Requests, "/cereri", c.lang.req().nav))
                                    (item(Nav::Batches, "/loturi", t.nav_batches))
                                    (item(Nav::Retention, "/retentie", c.lang.ret().nav))
                                }
                                @if v.role >= Role::Admin {
                                    (item(Nav::Users, "/admin/utilizatori", t.nav_users))
                                    (item(Nav::Audit, "/admin/audit", t.nav_audit))
                                }
                            }
                        }
                        div.who {
                            a href=(switch) lang=(other.code()) { (other.t().lang_name) }
                            @if let Some(v) = c.viewer {
                                span { (v.user) " · " (t.role_label(v.role)) }
                                form method="post" action="/logout" {
                                    input type="hidden" name="csrf" value=(v.csrf_token());
                                    button type="submit" { (t.logout) }
                                }
                            }
                        }
                    }
                }
                main.wrap { (body) }
                footer.wrap.foot {
                    (t.institution) " · " (t.app_title) " · arhiva " (env!("CARGO_PKG_VERSION"))
                }
            }
        }
    }
}

/// "1998–2001", or "1998" when both years are the same.
pub fn years(first: i32, last: i32) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first}–{last}")
    }
}

/// A retention term for people: "50 de ani" / "permanent".
pub fn term(lang: Lang, term: &str) -> String {
    let t = lang.t();
    if term.eq_ignore_ascii_case("p") {
        t.permanent.to_string()
    } else {
        match term.parse::<u16>() {
            Ok(n) => (t.term_years)(n),
            Err(_) => term.to_string(),
        }
    }
}
