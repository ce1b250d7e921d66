//! Every string the UI shows, once per language. Romanian first; English by
//! `?lang=en` (remembered in a cookie). Handlers and views never spell out
//! a UI string themselves: they take it from [`Texts`].

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Romanian (the default).
    #[default]
    Ro,
    /// English.
    En,
}

impl Lang {
    /// From a `lang` parameter or cookie value.
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "ro" => Some(Lang::Ro),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The code used in URLs, cookies and `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ro => "ro",
            Lang::En => "en",
        }
    }

    /// The other language (for the switch).
    pub fn other(self) -> Lang {
        match self {
            Lang::Ro => Lang::En,
            Lang::En => Lang::Ro,
        }
    }

    /// The strings of this language.
    pub fn t(self) -> &'static Texts {
        match self {
            Lang::Ro => &RO,
            Lang::En => &EN,
        }
    }
}

/// The UI strings of one language.
#[allow(missing_docs)]
pub struct Texts {
    pub lang_name: &'static str,
    pub app_title: &'static str,
    pub institution: &'static str,
    pub nav_search: &'static str,
    pub nav_person: &'static str,
    pub nav_batches: &'static str,
    pub nav_users: &'static str,
    pub nav_audit: &'static str,
    pub logout: &'static str,
    pub role_consultant: &'static str,
    pub role_arhivist: &'static str,
    pub role_admin: &'static str,
    pub login_title: &'static str,
    pub login_intro: &'static str,
    pub user: &'static str,
    pub password: &'static str,
    pub full_name: &'static str,
    pub save: &'static str,
    pub login_button: &'static str,
    pub login_failed: &'static str,
    pub search_placeholder: &'static str,
    pub search_button: &'static str,
    pub search_help: &'static str,
    pub year_from: &'static str,
    pub year_to: &'static str,
    pub department: &'static str,
    pub doc_type: &'static str,
    pub term: &'static str,
    pub years: &'static str,
    pub any: &'static str,
    pub sort: &'static str,
    pub sort_relevance: &'static str,
    pub sort_year_asc: &'static str,
    pub sort_year_desc: &'static str,
    pub results: fn(usize) -> String,
    pub no_results: &'static str,
    pub query_error: &'static str,
    pub clear_filters: &'static str,
    pub refine: &'static str,
    pub prev: &'static str,
    pub next: &'static str,
    pub page: &'static str,
    pub cota: &'static str,
    pub title: &'static str,
    pub date_range: &'static str,
    pub sheets: &'static str,
    pub pages: &'static str,
    pub term_years: fn(u16) -> String,
    pub permanent: &'static str,
    pub term_source: &'static str,
    pub term_nomenclator: &'static str,
    pub term_override: &'static str,
    pub term_unknown: &'static str,
    pub location: &'static str,
    pub room: &'static str,
    pub shelf: &'static str,
    pub box_: &'static str,
    pub indicativ: &'static str,
    pub fond: &'static str,
    pub notes: &'static str,
    pub batch: &'static str,
    pub disposed: &'static str,
    pub disposed_text: fn(&str) -> String,
    pub print: &'static str,
    pub dossier_sheet: &'static str,
    pub no_pages: &'static str,
    pub page_of: fn(u32, usize) -> String,
    pub prev_page: &'static str,
    pub next_page: &'static str,
    pub text_source: &'static str,
    pub confidence: &'static str,
    pub qa_flags: &'static str,
    pub none: &'static str,
    pub no_text: &'static str,
    pub no_image: &'static str,
    pub image_withheld: &'static str,
    pub image_unread: &'static str,
    pub original_withheld: &'static str,
    pub original_unread: &'static str,
    pub cnp_search_refused: &'static str,
    pub matches_on_image: fn(usize) -> String,
    pub download_original: &'static str,
    pub back_to_dossier: &'static str,
    pub back_to_results: &'static str,
    pub person_title: &'static str,
    pub person_intro: &'static str,
    pub name: &'static str,
    pub cnp: &'static str,
    pub months_found: fn(usize) -> String,
    pub month: &'static str,
    pub function: &'static str,
    pub salary: &'static str,
    pub name_as_printed: &'static str,
    pub matched_by: &'static str,
    pub matched_name: &'static str,
    pub matched_cnp: &'static str,
    pub matched_both: &'static str,
    pub batches_title: &'static str,
    pub delivery: &'static str,
    pub started: &'static str,
    pub status: &'static str,
    pub finished: &'static str,
    pub running: &'static str,
    pub summary: &'static str,
    pub quarantine_title: &'static str,
    pub file: &'static str,
    pub code: &'static str,
    pub reason: &'static str,
    pub quarantine_empty: &'static str,
    pub no_batches: &'static str,
    pub users_title: &'static str,
    pub add_user: &'static str,
    pub role: &'static str,
    pub created: &'static str,
    pub active: &'static str,
    pub disabled: &'static str,
    pub disable: &'static str,
    pub enable: &'static str,
    pub user_saved: &'static str,
    pub audit_title: &'static str,
    pub audit_intro: &'static str,
    pub audit_newest: &'static str,
    pub audit_older: &'static str,
    pub when: &'static str,
    pub who: &'static str,
    pub action: &'static str,
    pub what: &'static str,
    pub from_where: &'static str,
    pub filter: &'static str,
    pub err_not_found: &'static str,
    pub err_not_found_text: &'static str,
    pub err_bad_request: &'static str,
    pub err_bad_request_text: &'static str,
    pub err_forbidden: &'static str,
    pub err_forbidden_text: &'static str,
    pub err_csrf_text: &'static str,
    pub err_rate_limited: &'static str,
    pub err_rate_limited_text: fn(u64) -> String,
    pub err_too_many_searches_text: fn(u64) -> String,
    pub err_too_large: &'static str,
    pub err_too_large_text: &'static str,
    pub err_corrupt_text: &'static str,
    pub err_internal: &'static str,
    pub err_internal_text: &'static str,
    pub back_home: &'static str,
}

impl Texts {
    /// A document type's label ("payroll" → "stat de plată").
    pub fn doc_type_label<'a>(&self, code: &'a str) -> &'a str {
        let ro = std::ptr::eq(self, &RO);
        match (code, ro) {
            ("payroll", true) => "state de plată",
            ("payroll", false) => "payroll lists",
            ("personnel", true) => "personal",
            ("personnel", false) => "personnel",
            ("council", true) => "hotărâri ale consiliului",
            ("council", false) => "council decisions",
            ("urbanism", true) => "urbanism",
            ("urbanism", false) => "urban planning",
            ("petition", true) => "petiții",
            ("petition", false) => "petitions",
            ("correspondence", true) => "corespondență",
            ("correspondence", false) => "correspondence",
            (other, _) => other,
        }
    }

    /// A text source's label ("hocr" → "hOCR (furnizor)").
    pub fn source_label(&self, code: &str) -> &'static str {
        let ro = std::ptr::eq(self, &RO);
        match (code, ro) {
            ("sidecar-txt", true) => "text livrat (.txt)",
            ("sidecar-txt", false) => "delivered text (.txt)",
            ("hocr", _) => "hOCR",
            ("alto", _) => "ALTO XML",
            ("pdf-text", true) => "stratul de text al PDF-ului",
            ("pdf-text", false) => "PDF text layer",
            ("ocr", true) => "OCR (tesseract)",
            ("ocr", false) => "OCR (tesseract)",
            (_, true) => "fără text",
            (_, false) => "no text",
        }
    }

    /// A QA flag's label.
    pub fn flag_label(&self, flag: &arhiva_store::PageFlag) -> String {
        use arhiva_store::PageFlag as F;
        let ro = std::ptr::eq(self, &RO);
        match (flag, ro) {
            (F::LowDpi { dpi }, true) => format!("rezoluție mică ({dpi} DPI)"),
            (F::LowDpi { dpi }, false) => format!("low resolution ({dpi} DPI)"),
            (F::Blank, true) => "pagină albă".into(),
            (F::Blank, false) => "blank page".into(),
            (F::TinyImage, true) => "imagine prea mică".into(),
            (F::TinyImage, false) => "image too small".into(),
            (F::HugeImage, true) => "imagine neobișnuit de mare".into(),
            (F::HugeImage, false) => "unusually large image".into(),
            (F::NeedsOcr, true) => "necesită OCR".into(),
            (F::NeedsOcr, false) => "needs OCR".into(),
            (F::Undecodable, true) => "imagine care nu poate fi citită".into(),
            (F::Undecodable, false) => "undecodable image".into(),
        }
    }

    /// A role's label.
    pub fn role_label(&self, role: crate::auth::Role) -> &'static str {
        match role {
            crate::auth::Role::Consultant => self.role_consultant,
            crate::auth::Role::Arhivist => self.role_arhivist,
            crate::auth::Role::Admin => self.role_admin,
        }
    }
}

pub mod coverage;
mod en;
pub mod requests;
pub mod retention;
mod ro;
pub use en::EN;
pub use ro::RO;
