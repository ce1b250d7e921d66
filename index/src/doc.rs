//! [`PageDoc`]: what the index needs to know about one page, and how it
//! becomes tantivy documents (the page, plus one per payroll row).

use arhiva_store::{Dossier, Page, Payroll};
use serde::{Deserialize, Serialize};
use tantivy::TantivyDocument;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::normalize::fold;
use crate::schema::{Fields, KIND_PAGE, KIND_PERSON};

/// One page as the index sees it: its text and its dossier's description.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PageDoc {
    /// Dossier id ("cotă").
    pub cota: String,
    /// Page ordinal in the dossier (1-based).
    pub page: u32,
    /// The page text (any Unicode form; cedilla or comma letters).
    pub text: String,
    /// Fond name.
    pub fond: String,
    /// Department ("compartiment").
    pub department: String,
    /// Document type, e.g. "payroll".
    pub doc_type: String,
    /// Indicativ from the nomenclator.
    pub indicativ: String,
    /// Dossier title ("conținutul pe scurt").
    pub title: String,
    /// Physical location, e.g. "Sala 2 / Raft 14 / Cutia 203".
    pub location: String,
    /// First year of the dossier.
    pub first_year: i32,
    /// Last year of the dossier.
    pub last_year: i32,
    /// Retention term: "50" or "P".
    pub term: String,
    /// Where the text came from (`TextSource::as_str`).
    pub text_source: String,
    /// Payroll rows when the page is a "stat de plată".
    pub payroll: Option<Payroll>,
}

/// Build the [`PageDoc`] of page `p` of dossier `d`, whose text is `text`.
pub fn page_doc(d: &Dossier, p: &Page, text: &str) -> PageDoc {
    PageDoc {
        cota: d.cota.clone(),
        page: p.page,
        text: text.to_string(),
        fond: d.fond.clone(),
        department: d.department.clone(),
        doc_type: d.doc_type.clone(),
        indicativ: d.indicativ.clone(),
        title: d.title.clone(),
        location: d.location.to_string(),
        first_year: d.first_year,
        last_year: d.last_year,
        term: d.term.to_string(),
        text_source: p.text_source.as_str().to_string(),
        payroll: p.payroll.clone(),
    }
}

/// The identity of a page in the index.
pub(crate) fn page_key(cota: &str, page: u32) -> String {
    format!("{cota}\u{1f}{page}")
}

/// Normalize a retention term as typed ("p", " 50 ") to its stored form.
pub(crate) fn term_key(term: &str) -> String {
    term.trim().to_uppercase()
}

/// The tantivy documents for one page: the page itself, then its rows.
pub(crate) fn to_documents(f: &Fields, d: &PageDoc) -> Vec<TantivyDocument> {
    let key = page_key(&d.cota, d.page);
    let text: String = if d.text.is_ascii() || is_nfc_quick(d.text.chars()) == IsNormalized::Yes {
        d.text.clone()
    } else {
        d.text.nfc().collect()
    };
    let mut page = TantivyDocument::new();
    page.add_text(f.kind, KIND_PAGE);
    page.add_text(f.key, &key);
    page.add_text(f.cota, &d.cota);
    page.add_u64(f.page, u64::from(d.page));
    page.add_text(f.text, &text);
    page.add_text(f.text_stop, &text);
    page.add_text(f.title, &d.title);
    let years = if d.last_year >= d.first_year && d.last_year - d.first_year <= 30 {
        (d.first_year..=d.last_year)
            .map(|y| y.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        format!("{} {}", d.first_year, d.last_year)
    };
    let meta = [
        d.fond.as_str(),
        &d.indicativ,
        &d.cota,
        &d.location,
        &d.department,
        &years,
    ]
    .join(" \n ");
    page.add_text(f.meta, &meta);
    page.add_text(f.fond, &d.fond);
    page.add_text(f.department, &d.department);
    page.add_text(f.department_key, fold(d.department.trim()));
    page.add_text(f.doc_type, &d.doc_type);
    page.add_text(f.doc_type_key, fold(d.doc_type.trim()));
    page.add_text(f.indicativ, &d.indicativ);
    page.add_text(f.location, &d.location);
    page.add_i64(f.first_year, i64::from(d.first_year));
    page.add_i64(f.last_year, i64::from(d.last_year));
    page.add_text(f.term, term_key(&d.term));
    page.add_text(f.text_source, &d.text_source);
    let mut docs = vec![page];
    if let Some(payroll) = &d.payroll {
        let month = format!("{:04}-{:02}", payroll.year, payroll.month);
        for row in &payroll.rows {
            let mut p = TantivyDocument::new();
            p.add_text(f.kind, KIND_PERSON);
            p.add_text(f.key, &key);
            p.add_text(f.cota, &d.cota);
            p.add_u64(f.page, u64::from(d.page));
            p.add_text(f.person_name, crate::person::name_keys(&row.name).join(" "));
            p.add_text(f.person_printed, &row.name);
            if let Some(cnp) = row.cnp.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
                p.add_text(f.cnp, cnp);
            }
            p.add_text(f.month, &month);
            if let Some(v) = &row.function {
                p.add_text(f.function, v);
            }
            if let Some(v) = &row.salary {
                p.add_text(f.salary, v);
            }
            docs.push(p);
        }
    }
    docs
}
