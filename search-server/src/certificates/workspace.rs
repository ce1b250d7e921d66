//! The search workspace of a request: the person search (current and
//! former names, CNP), its hits by month with the decision taken on each,
//! and the rule by which a batch run decides on its own.

use arhiva_index::{cnp_valid, Evidence, MatchedBy, PersonQuery, PersonResults, SearchIndex};
use arhiva_store::Archive;
use serde::Serialize;

use crate::certificates::deadline::Clock;
use crate::certificates::error::{CertificateError, Result};
use crate::certificates::model::{Decision, Request, RequestNumber, Status};
use crate::certificates::periods::month_index;
use crate::certificates::register::{update, Actor};

/// One hit and the decision on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    /// `YYYY-MM`.
    pub month: String,
    /// The payroll row.
    pub evidence: Evidence,
    /// `Some(true)` confirmed, `Some(false)` rejected, `None` undecided.
    pub decision: Option<bool>,
}

/// The hits of one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkspaceMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// Its hits, by dossier and page.
    pub hits: Vec<Hit>,
}

/// Search results joined with the decisions taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Workspace {
    /// By month, oldest first.
    pub months: Vec<WorkspaceMonth>,
    /// Hits without a decision.
    pub pending: usize,
    /// Hits confirmed.
    pub confirmed: usize,
}

/// Search the petitioner's current and former names (and CNP), merged by
/// month; a page found under two names appears once.
pub fn search(index: &SearchIndex, r: &Request) -> Result<PersonResults> {
    let mut names = vec![r.petitioner.name.clone()];
    names.extend(r.petitioner.former_names.iter().cloned());
    let mut merged = PersonResults::default();
    for name in names {
        let found = index.person(&PersonQuery {
            name,
            cnp: r.petitioner.cnp.clone(),
        })?;
        for m in found.months {
            match merged.months.iter_mut().find(|x| x.month == m.month) {
                Some(x) => {
                    for e in m.pages {
                        if !x.pages.iter().any(|p| p.cota == e.cota && p.page == e.page) {
                            x.pages.push(e);
                        }
                    }
                    x.pages
                        .sort_by(|a, b| a.cota.cmp(&b.cota).then(a.page.cmp(&b.page)));
                }
                None => merged.months.push(m),
            }
        }
    }
    merged.months.sort_by(|a, b| a.month.cmp(&b.month));
    Ok(merged)
}

/// Join results with the request's decisions.
pub fn workspace(r: &Request, results: &PersonResults) -> Workspace {
    let (mut pending, mut confirmed) = (0, 0);
    let months = results
        .months
        .iter()
        .map(|m| WorkspaceMonth {
            month: m.month.clone(),
            hits: m
                .pages
                .iter()
                .map(|e| {
                    let decision = r.decision(&m.month, &e.cota, e.page).map(|d| d.confirmed);
                    match decision {
                        None => pending += 1,
                        Some(true) => confirmed += 1,
                        Some(false) => {}
                    }
                    Hit {
                        month: m.month.clone(),
                        evidence: e.clone(),
                        decision,
                    }
                })
                .collect(),
        })
        .collect();
    Workspace {
        months,
        pending,
        confirmed,
    }
}

/// Find one hit in search results.
pub fn find_hit<'a>(
    results: &'a PersonResults,
    month: &str,
    cota: &str,
    page: u32,
) -> Option<&'a Evidence> {
    results
        .months
        .iter()
        .find(|m| m.month == month)?
        .pages
        .iter()
        .find(|e| e.cota == cota && e.page == page)
}

/// Digits that differ between two equally long strings.
fn differing(a: &str, b: &str) -> usize {
    if a.len() != b.len() {
        return usize::MAX;
    }
    a.bytes().zip(b.bytes()).filter(|(x, y)| x != y).count()
}

/// Does the printed name have as many words as one of the petitioner's
/// names? The index matched every part asked for; without a CNP to tell
/// namesakes apart, a row showing *more* names ("Barbu Tiberiu-Titus" for
/// "Sârbu Titus") is someone else as often as not.
fn same_word_count(r: &Request, printed: &str) -> bool {
    let n = arhiva_index::tokens(printed).len();
    std::iter::once(&r.petitioner.name)
        .chain(&r.petitioner.former_names)
        .any(|name| arhiva_index::tokens(name).len() == n)
}

/// The youngest age at which one is found on a payroll (the Labour Code
/// allows work from 16, from 15 with the parents' consent; apprentices of
/// the 1950s started at 14).
const YOUNGEST_ON_PAYROLL: i64 = 14;

/// The month of birth a valid CNP encodes (`year * 12 + month - 1`): the
/// first digit gives the century (1/2: 1900s, 3/4: 1800s, 5/6: 2000s,
/// 7/8: residents, taken as 1900s), the next six the date.
fn born(cnp: &str) -> Option<i64> {
    if !cnp_valid(cnp) {
        return None;
    }
    let d = |i: usize| i64::from(cnp.as_bytes()[i] - b'0');
    let century = match d(0) {
        1 | 2 | 7 | 8 => 1900,
        3 | 4 => 1800,
        5 | 6 => 2000,
        _ => return None,
    };
    let (year, month) = (century + d(1) * 10 + d(2), d(3) * 10 + d(4));
    (1..=12).contains(&month).then_some(year * 12 + month - 1)
}

/// The batch rule for a hit of `month`: `Some(true)` when the row's CNP is
/// the petitioner's, or when the row has no (readable) CNP and the name
/// matched every part, with no extra name on the row, in a month when the
/// petitioner (born as their CNP says) could have worked; `Some(false)`
/// when the row carries another valid CNP, the name does not match fully,
/// or the petitioner was a child then (a namesake of an older
/// generation); `None` when a person must look (no CNP was given and the
/// hits carry several).
pub fn auto_decision(r: &Request, month: &str, e: &Evidence, hit_cnps: &[&str]) -> Option<bool> {
    let name_ok = matches!(e.matched_by, MatchedBy::Name | MatchedBy::NameAndCnp)
        && same_word_count(r, &e.name_as_printed);
    match (&r.petitioner.cnp, &e.cnp) {
        (Some(want), Some(have)) if want == have => Some(true),
        (Some(_), Some(have)) if cnp_valid(have) => Some(false),
        // An unreadable CNP close to the one asked for: an OCR slip.
        (Some(want), Some(have)) => (name_ok && differing(want, have) <= 2).then_some(true),
        (Some(want), None) => {
            let child = match (born(want), month_index(month)) {
                (Some(b), Some(m)) => m < b + YOUNGEST_ON_PAYROLL * 12,
                _ => false,
            };
            Some(name_ok && !child)
        }
        (None, _) => {
            if !name_ok {
                return Some(false);
            }
            let mut valid: Vec<&str> = hit_cnps.iter().copied().filter(|c| cnp_valid(c)).collect();
            valid.sort_unstable();
            valid.dedup();
            // Homonyms with different CNPs: which one is the petitioner?
            (valid.len() <= 1).then_some(true)
        }
    }
}

/// Decisions for every undecided hit by [`auto_decision`]; hits the rule
/// leaves open are returned apart.
pub fn auto_decide(r: &Request, results: &PersonResults) -> (Vec<(String, Evidence, bool)>, usize) {
    let cnps: Vec<&str> = results
        .months
        .iter()
        .flat_map(|m| m.pages.iter())
        .filter_map(|e| e.cnp.as_deref())
        .collect();
    let mut decided = Vec::new();
    let mut open = 0;
    for m in &results.months {
        for e in &m.pages {
            if r.decision(&m.month, &e.cota, e.page).is_some() {
                continue;
            }
            match auto_decision(r, &m.month, e, &cnps) {
                Some(c) => decided.push((m.month.clone(), e.clone(), c)),
                None => open += 1,
            }
        }
    }
    (decided, open)
}

/// Confirm or reject hits, in one journaled change. Deciding again on a
/// hit replaces the earlier decision.
pub fn decide(
    archive: &Archive,
    actor: &Actor,
    clock: &dyn Clock,
    number: RequestNumber,
    decisions: Vec<(String, Evidence, bool)>,
) -> Result<Request> {
    let action = match decisions.as_slice() {
        [(_, _, true)] => "confirm",
        [(_, _, false)] => "reject",
        _ => "decide",
    };
    update(archive, actor, clock, number, action, |r, _| {
        if r.status.is_closed() {
            return Err(CertificateError::Transition {
                number: r.number.to_string(),
                from: r.status,
                action: "changed",
            });
        }
        let (mut yes, mut no) = (0, 0);
        let mut detail = String::new();
        for (month, e, confirmed) in &decisions {
            if *confirmed {
                yes += 1;
            } else {
                no += 1;
            }
            if decisions.len() == 1 {
                detail = format!("{month} {} p. {}", e.cota, e.page);
            }
            r.decisions.retain(|d| !d.same_hit(month, &e.cota, e.page));
            r.decisions.push(Decision {
                month: month.clone(),
                cota: e.cota.clone(),
                page: e.page,
                confirmed: *confirmed,
                name_as_printed: e.name_as_printed.clone(),
                cnp: e.cnp.clone(),
                function: e.function.clone(),
                salary: e.salary.clone(),
                by: actor.user.clone(),
            });
        }
        r.decisions.sort_by(|a, b| {
            a.month
                .cmp(&b.month)
                .then(a.cota.cmp(&b.cota))
                .then(a.page.cmp(&b.page))
        });
        r.status = Status::InSearch;
        if decisions.len() != 1 {
            detail = format!("{yes} confirmed, {no} rejected");
        }
        Ok(detail)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certificates::model::{Petitioner, RequestKind, Subject};

    fn request(name: &str, cnp: Option<&str>) -> Request {
        Request {
            number: RequestNumber { year: 2026, seq: 1 },
            registered: time::macros::date!(2026 - 01 - 05),
            kind: RequestKind::Petition,
            subject: Subject::Seniority,
            petitioner: Petitioner {
                name: name.into(),
                cnp: cnp.map(str::to_string),
                ..Default::default()
            },
            department: String::new(),
            period: None,
            purpose: String::new(),
            complex: false,
            extension: None,
            status: Status::InSearch,
            decisions: Vec::new(),
            pages: Vec::new(),
            issued: None,
            coverage: None,
            history: Vec::new(),
        }
    }

    fn row(printed: &str, cnp: Option<&str>, by: MatchedBy) -> Evidence {
        Evidence {
            cota: "PMA-1".into(),
            page: 1,
            name_as_printed: printed.into(),
            cnp: cnp.map(str::to_string),
            function: None,
            salary: None,
            matched_by: by,
        }
    }

    const CNP: &str = "1800101221144";
    const OTHER: &str = "2900110112331";

    #[test]
    fn the_batch_rule() {
        let r = request("Ion Popescu", Some(CNP));
        let yes = |e: &Evidence| auto_decision(&r, "2001-03", e, &[]);
        assert_eq!(
            yes(&row("Popescu Ion", Some(CNP), MatchedBy::NameAndCnp)),
            Some(true)
        );
        assert_eq!(
            yes(&row("Ionescu Maria", Some(CNP), MatchedBy::Cnp)),
            Some(true),
            "former name, same CNP"
        );
        assert_eq!(
            yes(&row("Popescu Ion", None, MatchedBy::Name)),
            Some(true),
            "no CNP on the page"
        );
        assert_eq!(
            yes(&row("Popescu Ion", Some(OTHER), MatchedBy::Name)),
            Some(false),
            "a namesake"
        );
        assert_eq!(
            yes(&row("Popescu Ion", Some("1800101221174"), MatchedBy::Name)),
            Some(true),
            "a CNP with an OCR slip"
        );
        assert_eq!(
            yes(&row("Popescu Ion Vasile", None, MatchedBy::Name)),
            Some(false),
            "an extra name without a CNP to prove it"
        );
        let no_cnp = request("Ion Popescu", None);
        let e = row("Popescu Ion", Some(CNP), MatchedBy::Name);
        assert_eq!(auto_decision(&no_cnp, "2001-03", &e, &[CNP]), Some(true));
        assert_eq!(
            auto_decision(&no_cnp, "2001-03", &e, &[CNP, OTHER]),
            None,
            "two people: a person decides"
        );
    }

    #[test]
    fn a_name_only_row_from_before_the_petitioner_could_work_is_a_namesake() {
        // Born January 1980 (CNP 1800101221144).
        let r = request("Ion Popescu", Some(CNP));
        let e = row("Popescu Ion", None, MatchedBy::Name);
        assert_eq!(auto_decision(&r, "1969-05", &e, &[]), Some(false));
        assert_eq!(
            auto_decision(&r, "1993-12", &e, &[]),
            Some(false),
            "13 years old"
        );
        assert_eq!(
            auto_decision(&r, "1994-01", &e, &[]),
            Some(true),
            "14 years old"
        );
        assert_eq!(born(CNP), Some(1980 * 12));
        assert_eq!(born("5000312026170"), Some(2000 * 12 + 2));
    }
}
