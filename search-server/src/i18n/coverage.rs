//! UI strings of the month-by-month coverage in the certificate workspace,
//! in Romanian and English ([`Lang::coverage`]).

use super::Lang;
use crate::certificates::MonthState;

/// The coverage strings, in one language.
#[allow(missing_docs)]
pub struct CoverageTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub requested: &'static str,
    pub derived: &'static str,
    pub none: &'static str,
    pub legend: &'static str,
    pub incomplete: fn(usize) -> String,
    pub unread_title: &'static str,
    pub unread_intro: &'static str,
    pub pages_without_text: &'static str,
    pub quarantined: &'static str,
    pub ocr_now: &'static str,
    pub ocr_missing: &'static str,
    pub ocr_running: fn(usize, usize) -> String,
    pub ocr_done: fn(usize, usize) -> String,
    pub month_names: [&'static str; 12],
    pub counts: fn(usize, usize, usize, usize) -> String,
    /// Pages without text in the archive, and what to do (the packages to
    /// install when OCR is missing).
    pub needs_ocr: fn(u64, Option<&str>) -> String,
    state: [&'static str; 4],
}

impl CoverageTexts {
    /// The name of a month's state.
    pub fn state(&self, s: MonthState) -> &'static str {
        self.state[match s {
            MonthState::Found => 0,
            MonthState::NotFound => 1,
            MonthState::NoPayroll => 2,
            MonthState::CannotTell => 3,
        }]
    }
}

impl Lang {
    /// The coverage strings in this language.
    pub fn coverage(self) -> &'static CoverageTexts {
        match self {
            Lang::Ro => &RO,
            Lang::En => &EN,
        }
    }
}

fn luni(n: usize) -> String {
    crate::certificates::periods::ro_count(u32::try_from(n).unwrap_or(u32::MAX), "lună", "luni")
}

/// Romanian.
pub static RO: CoverageTexts = CoverageTexts {
    title: "Acoperirea perioadei, lună cu lună",
    intro: "Pentru fiecare lună: găsit (cu paginile care o dovedesc), negăsit (statul de plată a fost citit și persoana nu figurează), fără stat de plată în arhivă, sau nu se poate stabili (există state de plată ale perioadei cu pagini necitite).",
    requested: "perioada cerută",
    derived: "perioada cercetată (nu s-a cerut o perioadă)",
    none: "Nu s-a cerut o perioadă și nu s-a găsit nimic: nu există o perioadă de acoperit.",
    legend: "Legendă",
    incomplete: |n| format!("Atenție: pentru {} din perioadă nu se poate stabili dacă persoana figurează în statele de plată, pentru că unele pagini nu au text. Adeverința le va enumera ca neverificate și nu va totaliza perioada.", luni(n)),
    unread_title: "State de plată necitite",
    unread_intro: "Aceste dosare au pagini fără text (scanări neprelucrate OCR) sau fișiere respinse la preluare. Până sunt citite, lunile lor rămân „nu se poate stabili”.",
    pages_without_text: "pagini fără text",
    quarantined: "fișiere în carantină",
    ocr_now: "Citește acum aceste pagini (OCR)",
    ocr_missing: "OCR nu este instalat pe server: instalați pachetele Debian tesseract-ocr și tesseract-ocr-ron, apoi reveniți.",
    ocr_running: |d, n| format!("OCR în curs: {d} din {n} pagini. Pagina se reîncarcă singură."),
    ocr_done: |r, n| format!("OCR terminat: {r} din {n} pagini au primit text. Lunile de mai sus țin seama de ele."),
    month_names: ["ian", "feb", "mar", "apr", "mai", "iun", "iul", "aug", "sep", "oct", "nov", "dec"],
    counts: |f, n, p, c| format!("găsite: {} · negăsite: {} · fără stat de plată: {} · nu se poate stabili: {}", luni(f), luni(n), luni(p), luni(c)),
    state: ["găsit", "negăsit", "fără stat de plată", "nu se poate stabili"],
    needs_ocr: |n, install| match install {
        Some(i) => format!("{n} pagini nu au text (scanări fără OCR): nu pot fi căutate, iar adeverințele pentru lunile lor le declară neverificate. Instalați OCR pe server ({i}) și rulați din nou preluarea livrării."),
        None => format!("{n} pagini nu au text: OCR a eșuat pe ele (vezi jurnalul serverului). Rulați din nou preluarea livrării."),
    },
};

/// English.
pub static EN: CoverageTexts = CoverageTexts {
    title: "Coverage of the period, month by month",
    intro: "For each month: found (with the pages that prove it), not found (the payroll was read and the person is not on it), no payroll in the archive, or cannot tell (payroll of the period has pages without text).",
    requested: "period requested",
    derived: "period searched (no period was requested)",
    none: "No period was requested and nothing was found: there is no period to cover.",
    legend: "Legend",
    incomplete: |n| format!("Warning: for {n} month(s) of the period it cannot be told whether the person is on the payroll, because some pages have no text. The certificate will list them as unverified and will not total the period."),
    unread_title: "Payroll not yet read",
    unread_intro: "These dossiers have pages without text (scans not yet OCR'd) or quarantined files. Until they are read, their months stay \"cannot tell\".",
    pages_without_text: "pages without text",
    quarantined: "quarantined files",
    ocr_now: "Read these pages now (OCR)",
    ocr_missing: "OCR is not installed on the server: install the Debian packages tesseract-ocr and tesseract-ocr-ron, then come back.",
    ocr_running: |d, n| format!("OCR running: {d} of {n} pages. This page reloads by itself."),
    ocr_done: |r, n| format!("OCR finished: {r} of {n} pages got text. The months above take them into account."),
    month_names: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    counts: |f, n, p, c| format!("found: {f} · not found: {n} · no payroll: {p} · cannot tell: {c} (months)"),
    state: ["found", "not found", "no payroll", "cannot tell"],
    needs_ocr: |n, install| match install {
        Some(i) => format!("{n} pages have no text (scans without OCR): they cannot be searched, and certificates over their months call them unverified. Install OCR on the server ({i}) and ingest the delivery again."),
        None => format!("{n} pages have no text: OCR failed on them (see the server log). Ingest the delivery again."),
    },
};
