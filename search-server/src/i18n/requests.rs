//! UI strings of the requests register and the certificate workspace, in
//! Romanian and English ([`Lang::req`]).

use super::Lang;
use crate::certificates::{Status, Urgency};

/// The strings of the requests pages, in one language.
#[allow(missing_docs)]
pub struct RequestTexts {
    pub nav: &'static str,
    pub list_title: &'static str,
    pub list_intro: &'static str,
    pub new_request: &'static str,
    pub number: &'static str,
    pub registered: &'static str,
    pub petitioner: &'static str,
    pub name: &'static str,
    pub former_names: &'static str,
    pub cnp: &'static str,
    pub address: &'static str,
    pub kind: &'static str,
    pub kind_petition: &'static str,
    pub kind_public: &'static str,
    pub subject: &'static str,
    pub subject_seniority: &'static str,
    pub subject_copies: &'static str,
    pub department: &'static str,
    pub period: &'static str,
    pub purpose: &'static str,
    pub date_hint: &'static str,
    pub register_button: &'static str,
    pub status: &'static str,
    pub due: &'static str,
    pub due_soon: &'static str,
    pub overdue: &'static str,
    pub days_left: fn(i64) -> String,
    pub open_only: &'static str,
    pub show_all: &'static str,
    pub no_requests: &'static str,
    pub workspace: &'static str,
    pub workspace_intro: &'static str,
    pub confirm: &'static str,
    pub reject: &'static str,
    pub confirmed: &'static str,
    pub rejected: &'static str,
    pub undecided: &'static str,
    pub auto_confirm: &'static str,
    pub pending: fn(usize) -> String,
    pub no_hits: &'static str,
    pub outside_period: &'static str,
    pub month: &'static str,
    pub page: &'static str,
    pub name_as_printed: &'static str,
    pub function: &'static str,
    pub salary: &'static str,
    pub decision: &'static str,
    pub periods: &'static str,
    pub months: &'static str,
    pub sources: &'static str,
    pub total: fn(u32) -> String,
    pub no_periods: &'static str,
    pub answer: &'static str,
    pub draft: &'static str,
    pub preview: &'static str,
    pub issue: &'static str,
    pub issue_negative: &'static str,
    pub issue_copy: &'static str,
    pub download: &'static str,
    pub issued_on: &'static str,
    pub extend: &'static str,
    pub notice: &'static str,
    pub extended: &'static str,
    pub copy_pages: &'static str,
    pub copy_pages_hint: &'static str,
    pub save_pages: &'static str,
    pub history: &'static str,
    pub saved: &'static str,
    pub status_registered: &'static str,
    pub status_in_search: &'static str,
    pub status_drafted: &'static str,
    pub status_issued: &'static str,
    pub status_negative: &'static str,
    pub history_when: &'static str,
    pub history_who: &'static str,
    pub history_what: &'static str,
    pub history_details: &'static str,
    /// History actions for people, by the journaled code.
    pub history_actions: &'static [(&'static str, &'static str)],
    /// A journaled history detail for people: `(action, detail)`.
    pub history_detail: fn(&str, &str) -> String,
    pub confirm_box: &'static str,
    pub confirm_auto: &'static str,
    pub confirm_issue: &'static str,
    pub confirm_required: &'static str,
}

impl RequestTexts {
    /// A history line's action for people: "adeverință eliberată", not
    /// `issue`. Unknown codes come back as they were.
    pub fn history_action<'a>(&self, action: &'a str, detail: &str) -> &'a str {
        let key = match action {
            // The same action issues a certificate or a certified copy.
            "issue" if detail.starts_with("certified-copy") => "issue-copy",
            other => other,
        };
        self.history_actions
            .iter()
            .find(|(code, _)| *code == key)
            .map_or(action, |(_, label)| label)
    }

    /// A status for people.
    pub fn status_name(&self, s: Status) -> &'static str {
        match s {
            Status::Registered => self.status_registered,
            Status::InSearch => self.status_in_search,
            Status::Drafted => self.status_drafted,
            Status::Issued => self.status_issued,
            Status::AnsweredNegatively => self.status_negative,
        }
    }

    /// The badge text of an urgency, if it deserves one.
    pub fn urgency(&self, u: Urgency) -> Option<&'static str> {
        match u {
            Urgency::Overdue => Some(self.overdue),
            Urgency::DueSoon => Some(self.due_soon),
            _ => None,
        }
    }
}

impl Lang {
    /// The requests pages' strings in this language.
    pub fn req(self) -> &'static RequestTexts {
        match self {
            Lang::Ro => &RO,
            Lang::En => &EN,
        }
    }
}

/// `"12 hits in 8 months"` → `(12, 8)`; `"3 confirmed, 1 rejected"` → `(3, 1)`.
fn two_numbers(detail: &str) -> Option<(u64, u64)> {
    let mut n = detail
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<u64>().ok());
    Some((n.next()??, n.next()??))
}

/// `"certificate <sha256> (1234 bytes)"` → the object's first 16 digits and the size.
fn issued_object(detail: &str) -> Option<(&str, &str)> {
    let mut words = detail.split_whitespace();
    let _kind = words.next()?;
    let object = words.next()?.get(..16)?;
    let size = words.next()?.trim_start_matches('(');
    Some((object, size))
}

/// `"2026-01-05"` anywhere in a detail → `"05.01.2026"`.
fn ro_dates(detail: &str) -> String {
    detail
        .split(' ')
        .map(|w| match crate::certificates::deadline::parse_iso_date(w) {
            Some(d) => crate::certificates::deadline::ro_date(d),
            None => w.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn detail_ro(action: &str, detail: &str) -> String {
    match (action, two_numbers(detail), issued_object(detail)) {
        ("search", Some((hits, months)), _) => format!("{hits} rezultate în {months} luni"),
        ("decide", Some((yes, no)), _) => format!("{yes} confirmate, {no} respinse"),
        ("issue" | "answer-negatively", _, Some((object, size))) => {
            format!("PDF {object}… ({size} octeți)")
        }
        ("register", _, _) => ro_dates(
            &detail
                .replace(" · seniority · ", " · adeverință de vechime · ")
                .replace(" · copies · ", " · copii conforme · "),
        ),
        _ => detail.to_string(),
    }
}

fn detail_en(action: &str, detail: &str) -> String {
    match (action, issued_object(detail)) {
        ("issue" | "answer-negatively", Some((object, size))) => {
            format!("PDF {object}… ({size} bytes)")
        }
        ("register", _) => ro_dates(
            &detail
                .replace(" · seniority · ", " · work-seniority certificate · ")
                .replace(" · copies · ", " · certified copies · "),
        ),
        _ => detail.to_string(),
    }
}

fn zile(n: i64) -> String {
    match n.abs() {
        1 => "o zi".to_string(),
        d if d % 100 >= 20 || (d % 100 == 0 && d > 0) => format!("{d} de zile"),
        d => format!("{d} zile"),
    }
}

/// Romanian.
pub static RO: RequestTexts = RequestTexts {
    nav: "Cereri",
    list_title: "Registrul cererilor",
    list_intro: "Adeverințe de vechime și copii conforme. Cererile cu termen apropiat sau depășit sunt marcate.",
    new_request: "Cerere nouă",
    number: "Nr. înregistrare",
    registered: "Data înregistrării",
    petitioner: "Petent",
    name: "Numele și prenumele",
    former_names: "Nume anterioare (câte unul pe rând)",
    cnp: "CNP",
    address: "Domiciliul / date de contact",
    kind: "Tipul cererii",
    kind_petition: "Petiție (OG 27/2002): 30 de zile",
    kind_public: "Informații de interes public (Legea 544/2001): 10 zile",
    subject: "Se solicită",
    subject_seniority: "Adeverință de vechime în muncă",
    subject_copies: "Copii conforme cu originalul",
    department: "Angajator / compartiment",
    period: "Perioada (ex. 1990-1995)",
    purpose: "Scopul (pentru a-i servi la …)",
    date_hint: "Data înregistrării (implicit azi, AAAA-LL-ZZ)",
    register_button: "Înregistrează cererea",
    status: "Stare",
    due: "Termen",
    due_soon: "termen apropiat",
    overdue: "termen depășit",
    days_left: |n| {
        if n < 0 {
            format!("depășit cu {}", zile(n))
        } else if n == 0 {
            "expiră azi".to_string()
        } else {
            format!("mai sunt {}", zile(n))
        }
    },
    open_only: "Doar cele nesoluționate",
    show_all: "Toate cererile",
    no_requests: "Nicio cerere.",
    workspace: "Căutare în statele de plată",
    workspace_intro: "Confirmați fiecare rând care îl privește pe petent și respingeți omonimii. Lunile confirmate devin perioadele adeverinței.",
    confirm: "Confirmă",
    reject: "Respinge",
    confirmed: "confirmat",
    rejected: "respins",
    undecided: "nedecis",
    auto_confirm: "Decide după regulă (CNP identic; fără CNP pe pagină: numele complet)",
    pending: |n| match n {
        0 => "Toate rezultatele au o decizie.".to_string(),
        1 => "Un rezultat așteaptă decizia.".to_string(),
        n => format!("{n} rezultate așteaptă decizia."),
    },
    no_hits: "Persoana nu a fost găsită în statele de plată.",
    outside_period: "în afara perioadei solicitate",
    month: "Luna",
    page: "Pagina",
    name_as_printed: "Numele scris pe pagină",
    function: "Funcția",
    salary: "Salariul",
    decision: "Decizie",
    periods: "Perioadele adeverinței",
    months: "Luni",
    sources: "Sursa",
    total: |n| match n {
        1 => "Total: o lună".to_string(),
        n if n % 100 >= 20 || (n % 100 == 0 && n > 0) => format!("Total: {n} de luni"),
        n => format!("Total: {n} luni"),
    },
    no_periods: "Nicio lună confirmată: se va emite un răspuns negativ.",
    answer: "Răspuns",
    draft: "Marchează ca redactată",
    preview: "Proiect (PDF)",
    issue: "Eliberează adeverința",
    issue_negative: "Emite răspunsul negativ",
    issue_copy: "Eliberează copia conformă",
    download: "Descarcă PDF",
    issued_on: "Eliberat",
    extend: "Prelungește termenul",
    notice: "Înștiințarea petentului (cum și când)",
    extended: "Termen prelungit",
    copy_pages: "Pagini pentru copia conformă",
    copy_pages_hint: "Câte una pe rând: cotă și pagină, ex. „PMA-00012 3” sau „PMA-00012 3-5”.",
    save_pages: "Salvează paginile",
    history: "Istoric",
    saved: "Salvat.",
    status_registered: "înregistrată",
    status_in_search: "în căutare",
    status_drafted: "redactată",
    status_issued: "eliberată",
    status_negative: "răspuns negativ",
    history_when: "Când (ora României)",
    history_who: "Cine",
    history_what: "Ce s-a făcut",
    history_details: "Detalii",
    history_actions: &[
        ("register", "cerere înregistrată"),
        ("search", "căutare în statele de plată"),
        ("confirm", "rezultat confirmat"),
        ("reject", "rezultat respins"),
        ("decide", "decizii după regulă"),
        ("extend", "termen prelungit"),
        ("select-pages", "pagini alese pentru copie"),
        ("draft", "răspuns redactat"),
        ("issue", "adeverință eliberată"),
        ("issue-copy", "copie conformă eliberată"),
        ("answer-negatively", "răspuns negativ eliberat"),
    ],
    history_detail: detail_ro,
    confirm_box: "Confirm",
    confirm_auto: "Confirm: deciziile după regulă se înregistrează în istoricul cererii.",
    confirm_issue: "Confirm: documentul primește număr și dată, se păstrează în arhivă și nu mai poate fi modificat.",
    confirm_required: "Acțiunea nu a fost făcută: bifați „Confirm” lângă buton pentru a o confirma.",
};

/// English.
pub static EN: RequestTexts = RequestTexts {
    nav: "Requests",
    list_title: "Requests register",
    list_intro: "Work-seniority certificates and certified copies. Requests due soon or overdue are marked.",
    new_request: "New request",
    number: "Registration no.",
    registered: "Registered on",
    petitioner: "Petitioner",
    name: "Full name",
    former_names: "Former names (one per line)",
    cnp: "CNP",
    address: "Address / contact",
    kind: "Request type",
    kind_petition: "Petition (OG 27/2002): 30 days",
    kind_public: "Public information (Legea 544/2001): 10 days",
    subject: "Asked for",
    subject_seniority: "Work-seniority certificate",
    subject_copies: "Certified copies",
    department: "Employer / department",
    period: "Period (e.g. 1990-1995)",
    purpose: "Purpose",
    date_hint: "Registration date (today by default, YYYY-MM-DD)",
    register_button: "Register the request",
    status: "Status",
    due: "Due",
    due_soon: "due soon",
    overdue: "overdue",
    days_left: |n| match n {
        n if n < -1 => format!("{} days overdue", -n),
        -1 => "1 day overdue".to_string(),
        0 => "due today".to_string(),
        1 => "1 day left".to_string(),
        n => format!("{n} days left"),
    },
    open_only: "Open only",
    show_all: "All requests",
    no_requests: "No requests.",
    workspace: "Payroll search",
    workspace_intro: "Confirm each row that is the petitioner and reject namesakes. Confirmed months become the certificate's periods.",
    confirm: "Confirm",
    reject: "Reject",
    confirmed: "confirmed",
    rejected: "rejected",
    undecided: "undecided",
    auto_confirm: "Decide by the rule (same CNP; no CNP on the page: full name)",
    pending: |n| match n {
        0 => "Every hit has a decision.".to_string(),
        1 => "One hit awaits a decision.".to_string(),
        n => format!("{n} hits await a decision."),
    },
    no_hits: "The person was not found on the payroll lists.",
    outside_period: "outside the period asked for",
    month: "Month",
    page: "Page",
    name_as_printed: "Name as printed",
    function: "Function",
    salary: "Salary",
    decision: "Decision",
    periods: "Certificate periods",
    months: "Months",
    sources: "Source",
    total: |n| if n == 1 { "Total: 1 month".to_string() } else { format!("Total: {n} months") },
    no_periods: "No month confirmed: a negative answer will be issued.",
    answer: "Answer",
    draft: "Mark as drafted",
    preview: "Draft (PDF)",
    issue: "Issue the certificate",
    issue_negative: "Issue the negative answer",
    issue_copy: "Issue the certified copy",
    download: "Download PDF",
    issued_on: "Issued",
    extend: "Extend the deadline",
    notice: "Notice given to the petitioner (how and when)",
    extended: "Deadline extended",
    copy_pages: "Pages for the certified copy",
    copy_pages_hint: "One per line: cotă and page, e.g. \"PMA-00012 3\" or \"PMA-00012 3-5\".",
    save_pages: "Save the pages",
    history: "History",
    saved: "Saved.",
    status_registered: "registered",
    status_in_search: "in search",
    status_drafted: "drafted",
    status_issued: "issued",
    status_negative: "answered negatively",
    history_when: "When (Romania time)",
    history_who: "Who",
    history_what: "What was done",
    history_details: "Details",
    history_actions: &[
        ("register", "request registered"),
        ("search", "payroll searched"),
        ("confirm", "hit confirmed"),
        ("reject", "hit rejected"),
        ("decide", "decided by rule"),
        ("extend", "deadline extended"),
        ("select-pages", "pages chosen for the copy"),
        ("draft", "answer drafted"),
        ("issue", "certificate issued"),
        ("issue-copy", "certified copy issued"),
        ("answer-negatively", "negative answer issued"),
    ],
    history_detail: detail_en,
    confirm_box: "Confirm",
    confirm_auto: "Confirm: the decisions taken by rule are recorded in the request's history.",
    confirm_issue: "Confirm: the document gets its number and date, is kept in the archive and cannot be changed.",
    confirm_required: "Nothing was done: tick “Confirm” next to the button to confirm the action.",
};
