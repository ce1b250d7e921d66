//! Person search for work-seniority certificates ("adeverințe de vechime"):
//! every payroll row is its own document; a name is found in either order,
//! diacritic-folded, with one OCR error per name part; a CNP is matched
//! exactly. Hits come back grouped by month, with the pages that show them.
//!
//! Names are compared by their *OCR key*: folded, with the confusions OCR
//! makes by changing a word's shape mapped to one form (`rn`→`m`, `0`→`o`,
//! `1` and `i`→`l`), so that such an error costs nothing and one more substitution,
//! drop or addition is still allowed. Short words (four letters or less on
//! either side) only tolerate a substitution: adding or dropping a letter
//! there usually makes another name (Pop/Popa, Ion/Ioan, Ioan/Ioana).
//!
//! Retrieval is broad (each name part as an exact or one-edit term), then
//! every candidate row is verified: each part of the name asked for must
//! match a *different* word of the printed name. A row whose valid CNP
//! differs from the one asked for is someone else, whatever the name.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query};
use tantivy::schema::Value;
use tantivy::{TantivyDocument, Term};

use crate::analyzer::tokens;
use crate::error::{IndexError, Result, TantivyContext};
use crate::index::SearchIndex;
use crate::normalize::levenshtein_within;
use crate::query::{filter, term_query};
use crate::schema::KIND_PERSON;

/// Who to look for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonQuery {
    /// Name in any order ("Popescu Ion" or "Ion Popescu"), with or without
    /// diacritics; an initial ("I. Popescu") matches any word it begins.
    pub name: String,
    /// CNP, matched exactly when given.
    pub cnp: Option<String>,
}

/// Why a row was taken as the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchedBy {
    /// The name matched and the row has no CNP (or an unreadable one).
    Name,
    /// The CNP matched (the name may differ: a former name).
    Cnp,
    /// Both matched.
    NameAndCnp,
}

/// One payroll row showing the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Dossier id.
    pub cota: String,
    /// Page ordinal.
    pub page: u32,
    /// The name as printed on the page.
    pub name_as_printed: String,
    /// The CNP on the row, when present.
    pub cnp: Option<String>,
    /// Function, when recognised.
    pub function: Option<String>,
    /// Salary as printed, when recognised.
    pub salary: Option<String>,
    /// Why the row was taken.
    pub matched_by: MatchedBy,
}

/// The pages for one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonMonth {
    /// "YYYY-MM".
    pub month: String,
    /// Evidence, by dossier and page.
    pub pages: Vec<Evidence>,
}

/// Months in which the person appears on payroll, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonResults {
    /// By month, oldest first.
    pub months: Vec<PersonMonth>,
}

impl SearchIndex {
    /// Find a person's payroll months.
    pub fn person(&self, q: &PersonQuery) -> Result<PersonResults> {
        let f = &self.fields;
        let parts: Vec<String> = name_keys(&q.name);
        let cnp = q
            .cnp
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string);
        if let Some(c) = &cnp {
            if !c.bytes().all(|b| b.is_ascii_digit()) || c.len() != 13 {
                return Err(IndexError::BadQuery {
                    message: format!("a CNP has 13 digits, {c:?} does not"),
                    ro: format!("un CNP are 13 cifre, {c:?} nu"),
                });
            }
        }
        if parts.is_empty() && cnp.is_none() {
            return Err(IndexError::BadQuery {
                message: "give a name or a CNP to search for".to_string(),
                ro: "introduceți un nume sau un CNP".to_string(),
            });
        }
        let mut either: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !parts.is_empty() {
            let mut all: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for p in &parts {
                let term = Term::from_field_text(f.person_name, p);
                let q: Box<dyn Query> = match p.chars().count() {
                    1 => Box::new(FuzzyTermQuery::new_prefix(term, 0, false)),
                    2 => term_query(term),
                    _ => Box::new(BooleanQuery::new(vec![
                        (
                            Occur::Should,
                            Box::new(BoostQuery::new(term_query(term.clone()), 2.0)),
                        ),
                        (Occur::Should, Box::new(FuzzyTermQuery::new(term, 1, false))),
                    ])),
                };
                all.push((Occur::Must, q));
            }
            either.push((Occur::Should, Box::new(BooleanQuery::new(all))));
        }
        if let Some(c) = &cnp {
            either.push((Occur::Should, term_query(Term::from_field_text(f.cnp, c))));
        }
        let kind = term_query(Term::from_field_text(f.kind, KIND_PERSON));
        let query = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(BooleanQuery::new(either)) as Box<dyn Query>,
            ),
            filter(kind),
        ]);
        let searcher = self.reader.searcher();
        let found = searcher.search(&query, &DocSetCollector).ctx(&self.path)?;

        let mut by_month: BTreeMap<String, Vec<Evidence>> = BTreeMap::new();
        let mut seen = HashSet::new();
        for addr in found {
            let doc: TantivyDocument = searcher.doc(addr).ctx(&self.path)?;
            let s = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            let printed = s(f.person_printed).unwrap_or_default();
            let row_cnp = s(f.cnp);
            let name_ok = !parts.is_empty() && name_matches(&parts, &name_keys(&printed));
            let cnp_ok = cnp.is_some() && row_cnp == cnp;
            let other_person = match (&cnp, &row_cnp) {
                (Some(want), Some(have)) => want != have && cnp_valid(have),
                _ => false,
            };
            let matched_by = match (name_ok && !other_person, cnp_ok) {
                (true, true) => MatchedBy::NameAndCnp,
                (false, true) => MatchedBy::Cnp,
                (true, false) => MatchedBy::Name,
                (false, false) => continue,
            };
            let Some(month) = s(f.month) else { continue };
            let cota = s(f.cota).unwrap_or_default();
            let page = doc
                .get_first(f.page)
                .and_then(|v| v.as_u64())
                .and_then(|p| u32::try_from(p).ok())
                .unwrap_or_default();
            if !seen.insert((month.clone(), cota.clone(), page)) {
                continue;
            }
            by_month.entry(month).or_default().push(Evidence {
                cota,
                page,
                name_as_printed: printed,
                cnp: row_cnp,
                function: s(f.function),
                salary: s(f.salary),
                matched_by,
            });
        }
        let months = by_month
            .into_iter()
            .map(|(month, mut pages)| {
                pages.sort_by(|a, b| a.cota.cmp(&b.cota).then(a.page.cmp(&b.page)));
                PersonMonth { month, pages }
            })
            .collect();
        Ok(PersonResults { months })
    }
}

/// Does each query part match a different word of the printed name?
pub(crate) fn name_matches(parts: &[String], words: &[String]) -> bool {
    fn go(parts: &[String], words: &[String], used: &mut Vec<bool>) -> bool {
        let Some((p, rest)) = parts.split_first() else {
            return true;
        };
        for (i, w) in words.iter().enumerate() {
            if !used[i] && part_matches(p, w) {
                used[i] = true;
                if go(rest, words, used) {
                    return true;
                }
                used[i] = false;
            }
        }
        false
    }
    parts.len() <= words.len() && go(parts, words, &mut vec![false; words.len()])
}

fn part_matches(part: &str, word: &str) -> bool {
    let (pl, wl) = (part.chars().count(), word.chars().count());
    match pl {
        1 => word.starts_with(part),
        2 => word == part,
        _ if pl.min(wl) <= 4 => {
            pl == wl
                && part
                    .chars()
                    .zip(word.chars())
                    .filter(|(a, b)| a != b)
                    .count()
                    <= 1
        }
        _ => levenshtein_within(part, word, 1).is_some(),
    }
}

/// The OCR keys of a name's words: folded, `rn`→`m`, `0`→`o`, `1 i`→`l`.
pub(crate) fn name_keys(name: &str) -> Vec<String> {
    tokens(name).iter().map(|t| ocr_key(t)).collect()
}

fn ocr_key(folded: &str) -> String {
    folded
        .replace("rn", "m")
        .replace('0', "o")
        .replace(['1', 'i'], "l")
}

/// A CNP with 13 digits and a correct control digit.
pub fn cnp_valid(cnp: &str) -> bool {
    const WEIGHTS: &[u8; 12] = b"279146358279";
    let d = cnp.as_bytes();
    if d.len() != 13 || !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = d[..12]
        .iter()
        .zip(WEIGHTS)
        .map(|(a, w)| u32::from(a - b'0') * u32::from(w - b'0'))
        .sum();
    let control = match sum % 11 {
        10 => 1,
        r => r,
    };
    u32::from(d[12] - b'0') == control
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn names_match_in_any_order_with_one_error() {
        assert!(name_matches(
            &v(&["ion", "popescu"]),
            &v(&["popescu", "ion"])
        ));
        assert!(name_matches(
            &v(&["ion", "popescu"]),
            &v(&["popesku", "lon"])
        ));
        assert!(name_matches(&v(&["i", "popescu"]), &v(&["popescu", "ion"])));
        assert!(!name_matches(
            &v(&["ion", "popescu"]),
            &v(&["popescu", "maria"])
        ));
        // The same word cannot stand for two parts.
        assert!(!name_matches(
            &v(&["ion", "ioan"]),
            &v(&["ioan", "popescu"])
        ));
    }

    #[test]
    fn cnp_control_digit() {
        assert!(cnp_valid("1800101221144"));
        assert!(!cnp_valid("1800101221145"));
        assert!(!cnp_valid("180010122114"));
    }

    #[test]
    fn letter_shape_slips_cost_nothing_but_pop_is_not_popa() {
        let m = |a: &str, b: &str| name_matches(&name_keys(a), &name_keys(b));
        assert!(m("Moga Octavian", "M0ga Octavian"));
        assert!(m("Ilie Ana", "1lie Ana"));
        assert!(m("Ilie Ana", "llie Ana"));
        assert!(m("Șerban Ion", "Şerban Ion"));
        assert!(m("Pop Ion", "Pou Ion"), "one substitution in a short name");
        assert!(!m("Pop Ion", "Popa Ion"));
        assert!(!m("Popa Ion", "Pop Ion"));
    }
}
