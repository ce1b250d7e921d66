//! The login page.

use maud::{html, Markup};

use crate::i18n::Lang;
use crate::views::layout::{page as shell, Chrome, Nav};

/// The login form; `error` is shown above it after a failed attempt.
pub fn page(
    lang: Lang,
    here: &str,
    csrf: &str,
    next: &str,
    error: Option<&str>,
    user: &str,
) -> Markup {
    let t = lang.t();
    let chrome = Chrome {
        lang,
        viewer: None,
        here,
        nav: Nav::None,
    };
    shell(
        &chrome,
        t.login_title,
        html! {
            div.panel.narrow {
                h1 { (t.login_title) }
                p.hint { (t.login_intro) }
                @if let Some(e) = error { p.notice.bad role="alert" { (e) } }
                form method="post" action="/login" {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="next" value=(next);
                    label for="user" { (t.user) }
                    input #user type="text" name="user" value=(user) autocomplete="username" autofocus required maxlength="64";
                    label for="password" { (t.password) }
                    input #password type="password" name="password" autocomplete="current-password" required maxlength="1024";
                    p { button type="submit" { (t.login_button) } }
                }
            }
        },
    )
}
