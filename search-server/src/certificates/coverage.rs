//! What the archive can say about each month of a request's period.
//!
//! A certificate decides a pension, so it must say what it could not see.
//! For every month of the period asked about the desk knows one of:
//!
//! - **found**: the person is on a payroll page of that month;
//! - **not found**: the payroll of that month was read and the person is
//!   not on it;
//! - **no payroll**: the archive holds no payroll page for that month;
//! - **cannot tell**: a payroll dossier of that time has pages without
//!   text (not yet OCR'd) or files that were quarantined, so the person
//!   may be on a page nobody has read.
//!
//! A page without text does not say which month it shows, so every month
//! of a dossier's years that is not found is "cannot tell" while that
//! dossier has an unread page. Payroll dossiers are those whose
//! nomenclator entry is a payroll list (`doc_type == "payroll"`), of any
//! department: the accounting office keeps the payroll of every
//! department, so the department a petitioner names does not narrow them.
//!
//! The coverage is computed when the workspace is shown and once more when
//! the answer is issued; the issued one is kept in the request record, so
//! the printed document can be rendered again from the record alone.

use std::collections::{BTreeMap, BTreeSet};

use arhiva_store::Archive;
use serde::{Deserialize, Serialize};

use crate::certificates::error::Result;
use crate::certificates::model::Request;
use crate::certificates::periods::{month_index, month_of, month_ro};

/// A payroll dossier with something the desk could not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unread {
    /// Dossier ("cotă").
    pub cota: String,
    /// Its first year.
    pub first_year: i32,
    /// Its last year.
    pub last_year: i32,
    /// Pages that have no text (need OCR, or could not be decoded).
    pub pages: Vec<u32>,
    /// Files of the dossier that were quarantined, as delivered.
    #[serde(default)]
    pub quarantined: Vec<String>,
}

/// The state of every month of the period searched.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// First month, `YYYY-MM`.
    pub from: String,
    /// Last month, `YYYY-MM`.
    pub to: String,
    /// Whether the period is the one the petitioner asked about (else it
    /// spans the months found, or the payroll that could not be read).
    pub requested: bool,
    /// Months the person was found in.
    pub found: Vec<String>,
    /// Months whose payroll was read without finding the person.
    pub not_found: Vec<String>,
    /// Months for which the archive holds no payroll page.
    pub no_payroll: Vec<String>,
    /// Months that may be on pages nobody could read.
    pub cannot_tell: Vec<String>,
    /// The dossiers behind the cannot-tell months.
    pub unread: Vec<Unread>,
}

impl Coverage {
    /// Months in the period.
    pub fn len(&self) -> usize {
        self.found.len() + self.not_found.len() + self.no_payroll.len() + self.cannot_tell.len()
    }

    /// Whether the period is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether every month of the period could be read.
    pub fn complete(&self) -> bool {
        self.cannot_tell.is_empty()
    }

    /// `01.2021 – 12.2024`.
    pub fn period_text(&self) -> String {
        if self.from == self.to {
            month_ro(&self.from)
        } else {
            format!("{} – {}", month_ro(&self.from), month_ro(&self.to))
        }
    }

    /// The state of one month.
    pub fn state(&self, month: &str) -> Option<MonthState> {
        let has = |v: &[String]| v.iter().any(|m| m == month);
        if has(&self.found) {
            Some(MonthState::Found)
        } else if has(&self.cannot_tell) {
            Some(MonthState::CannotTell)
        } else if has(&self.not_found) {
            Some(MonthState::NotFound)
        } else if has(&self.no_payroll) {
            Some(MonthState::NoPayroll)
        } else {
            None
        }
    }

    /// Every month of the period with its state, oldest first.
    pub fn months(&self) -> Vec<(String, MonthState)> {
        let (Some(a), Some(b)) = (month_index(&self.from), month_index(&self.to)) else {
            return Vec::new();
        };
        (a..=b)
            .map(month_of)
            .filter_map(|m| self.state(&m).map(|s| (m, s)))
            .collect()
    }
}

/// What the desk knows of one month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MonthState {
    /// On payroll.
    Found,
    /// Payroll read, the person is not on it.
    NotFound,
    /// No payroll page in the archive.
    NoPayroll,
    /// Payroll pages that could not be read.
    CannotTell,
}

impl MonthState {
    /// Stable code, for the JSON API and CSS classes.
    pub fn as_str(self) -> &'static str {
        match self {
            MonthState::Found => "found",
            MonthState::NotFound => "not-found",
            MonthState::NoPayroll => "no-payroll",
            MonthState::CannotTell => "cannot-tell",
        }
    }
}

/// `01.2021 – 03.2021, 07.2022` for a sorted list of months.
pub fn month_ranges(months: &[String]) -> String {
    let idx: Vec<i64> = months.iter().filter_map(|m| month_index(m)).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < idx.len() {
        let start = idx[i];
        let mut end = start;
        while i + 1 < idx.len() && idx[i + 1] == end + 1 {
            i += 1;
            end = idx[i];
        }
        out.push(if start == end {
            month_ro(&month_of(start))
        } else {
            format!(
                "{} – {}",
                month_ro(&month_of(start)),
                month_ro(&month_of(end))
            )
        });
        i += 1;
    }
    out.join(", ")
}

/// What one payroll dossier can say.
struct PayrollDossier {
    cota: String,
    years: (i32, i32),
    /// Months shown by its pages that have text.
    read: BTreeSet<i64>,
    unread_pages: Vec<u32>,
    quarantined: Vec<String>,
}

impl PayrollDossier {
    fn covers_year(&self, y: i32) -> bool {
        self.years.0 <= y && y <= self.years.1
    }
    fn unread(&self) -> bool {
        !self.unread_pages.is_empty() || !self.quarantined.is_empty()
    }
}

/// The payroll dossiers that may hold the request's months (overlapping
/// `years` when given).
fn payroll_dossiers(archive: &Archive, years: Option<(i32, i32)>) -> Result<Vec<PayrollDossier>> {
    let catalog = archive.catalog();
    let mut quarantined: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for q in catalog.quarantine()? {
        let file = q.file.replace('\\', "/");
        if let Some((cota, _)) = file.split_once('/') {
            quarantined
                .entry(cota.to_string())
                .or_default()
                .push(file.clone());
        }
    }
    let mut out = Vec::new();
    for d in catalog.dossiers()? {
        if d.doc_type != "payroll" {
            continue;
        }
        if let Some((a, b)) = years {
            if d.last_year < a || d.first_year > b {
                continue;
            }
        }
        if catalog.is_disposed(&d.cota)? {
            continue;
        }
        let mut read = BTreeSet::new();
        let mut unread_pages = Vec::new();
        for p in catalog.pages(&d.cota)? {
            if p.text.is_none() {
                unread_pages.push(p.page);
            } else if let Some(pay) = &p.payroll {
                read.insert(i64::from(pay.year) * 12 + i64::from(pay.month) - 1);
            }
        }
        unread_pages.sort_unstable();
        let mut q = quarantined.remove(&d.cota).unwrap_or_default();
        q.sort();
        q.dedup();
        out.push(PayrollDossier {
            cota: d.cota,
            years: (d.first_year, d.last_year.max(d.first_year)),
            read,
            unread_pages,
            quarantined: q,
        });
    }
    Ok(out)
}

/// The coverage of `r`'s period, given the months the person was found
/// in. The period is the one asked for; without one, it spans the months
/// found; with nothing found either, it spans the payroll that could not
/// be read (so a negative answer still names it). `None` when there is
/// nothing to say.
pub fn coverage(
    archive: &Archive,
    r: &Request,
    found: &BTreeSet<String>,
) -> Result<Option<Coverage>> {
    let found_idx: BTreeSet<i64> = found.iter().filter_map(|m| month_index(m)).collect();
    let asked = r.period.map(|p| (p.from, p.to));
    let dossiers = payroll_dossiers(archive, asked)?;
    let (from, to, requested) = match asked {
        Some((a, b)) => (i64::from(a) * 12, i64::from(b) * 12 + 11, true),
        None => match (found_idx.first(), found_idx.last()) {
            (Some(&a), Some(&b)) => (a, b, false),
            _ => {
                let unread: Vec<&PayrollDossier> = dossiers.iter().filter(|d| d.unread()).collect();
                match (
                    unread.iter().map(|d| d.years.0).min(),
                    unread.iter().map(|d| d.years.1).max(),
                ) {
                    (Some(a), Some(b)) => (i64::from(a) * 12, i64::from(b) * 12 + 11, false),
                    _ => return Ok(None),
                }
            }
        },
    };
    let mut c = Coverage {
        from: month_of(from),
        to: month_of(to),
        requested,
        ..Coverage::default()
    };
    let mut unread: BTreeSet<usize> = BTreeSet::new();
    for m in from..=to {
        let month = month_of(m);
        if found_idx.contains(&m) {
            c.found.push(month);
            continue;
        }
        let year = i32::try_from(m.div_euclid(12)).unwrap_or(i32::MAX);
        let blind: Vec<usize> = dossiers
            .iter()
            .enumerate()
            .filter(|(_, d)| d.covers_year(year) && d.unread())
            .map(|(i, _)| i)
            .collect();
        if !blind.is_empty() {
            unread.extend(blind);
            c.cannot_tell.push(month);
        } else if dossiers.iter().any(|d| d.read.contains(&m)) {
            c.not_found.push(month);
        } else {
            c.no_payroll.push(month);
        }
    }
    c.unread = unread
        .into_iter()
        .map(|i| {
            let d = &dossiers[i];
            Unread {
                cota: d.cota.clone(),
                first_year: d.years.0,
                last_year: d.years.1,
                pages: d.unread_pages.clone(),
                quarantined: d.quarantined.clone(),
            }
        })
        .collect();
    Ok(Some(c))
}

/// The coverage a workspace shows: as issued, once the answer is issued;
/// before that, with every month that has a hit not rejected as found.
pub fn for_workspace(
    archive: &Archive,
    r: &Request,
    ws: &crate::certificates::Workspace,
) -> Result<Option<Coverage>> {
    if r.issued.is_some() {
        return Ok(r.coverage.clone());
    }
    let found = ws
        .months
        .iter()
        .filter(|m| m.hits.iter().any(|h| h.decision != Some(false)))
        .map(|m| m.month.clone())
        .collect();
    coverage(archive, r, &found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_of_months() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            month_ranges(&v(&["2021-01", "2021-02", "2021-03", "2022-07"])),
            "01.2021 – 03.2021, 07.2022"
        );
        assert_eq!(
            month_ranges(&v(&["2021-12", "2022-01"])),
            "12.2021 – 01.2022"
        );
        assert_eq!(month_ranges(&[]), "");
    }
}
