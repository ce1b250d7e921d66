//! The selection commission's proposal ("propunere de eliminare") and the
//! National Archives' approval ("aprobare"). Both are journaled records;
//! the proposal freezes the list as it stood when the commission signed it.

use std::collections::BTreeMap;

use arhiva_store::Archive;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::date::{self, now_rfc3339};
use crate::error::{Result, RetentionError};
use crate::plan::{plan, Listed, Totals};
use crate::records::{self, APPROVAL, PROPOSAL};
use crate::rules::{Rules, Standing};
use crate::snapshot::Snapshot;

/// A disposal proposal: the list the commission sends for approval, with
/// the matching permanent dossiers of the same departments and period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// Id, `PE-YEAR-NNN`.
    pub id: String,
    /// When it was recorded (RFC 3339).
    pub created: String,
    /// Who recorded it.
    pub by: String,
    /// The date the due list was made for.
    #[serde(with = "crate::date::iso")]
    pub at: Date,
    /// The rules in force.
    pub rules: Rules,
    /// Dossiers proposed for elimination, frozen.
    pub dossiers: Vec<Listed>,
    /// Their totals.
    pub totals: Totals,
    /// Permanent dossiers of the same departments and period (the second
    /// inventory that goes with the proposal).
    pub permanent: Vec<Listed>,
}

/// The National Archives' approval of a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// The proposal approved.
    pub proposal: String,
    /// The county service's registration number.
    pub number: String,
    /// Its date.
    #[serde(with = "crate::date::iso")]
    pub date: Date,
    /// Who recorded it.
    pub by: String,
    /// When it was recorded (RFC 3339).
    pub recorded: String,
}

impl Approval {
    /// How the tombstones name it: `nr. 1234 / 2026-05-04 (PE-2026-001)`.
    pub fn reference(&self) -> String {
        format!(
            "nr. {} / {} ({})",
            self.number,
            date::format(self.date),
            self.proposal
        )
    }
}

/// Record a proposal of everything due on `today` (or only `only`, a
/// subset of it). Dossiers that are not due or are held are refused.
pub fn propose(
    archive: &Archive,
    today: Date,
    rules: &Rules,
    by: &str,
    only: Option<&[String]>,
) -> Result<Proposal> {
    propose_from(archive, &Snapshot::load(archive)?, today, rules, by, only)
}

/// [`propose`] over a snapshot of `archive` the caller has loaded already.
pub fn propose_from(
    archive: &Archive,
    snapshot: &Snapshot,
    today: Date,
    rules: &Rules,
    by: &str,
    only: Option<&[String]>,
) -> Result<Proposal> {
    let p = plan(snapshot, today, rules);
    let dossiers: Vec<Listed> = match only {
        None => p.due.clone(),
        Some(cotas) => {
            let mut out = Vec::new();
            for c in cotas {
                match p.due.iter().find(|l| &l.cota == c) {
                    Some(l) => out.push(l.clone()),
                    None => {
                        return Err(RetentionError::Invalid(format!(
                            "dossier {c} is not due for disposal on {} (or is held)",
                            date::format(today)
                        )))
                    }
                }
            }
            out
        }
    };
    if dossiers.is_empty() {
        return Err(RetentionError::NothingDue {
            date: date::format(today),
        });
    }
    let taken: Vec<String> = archive
        .catalog()
        .records(PROPOSAL)?
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let id = records::next_id("PE", today.year(), taken.iter().map(String::as_str));
    let proposal = Proposal {
        id: id.clone(),
        created: now_rfc3339(),
        by: by.to_string(),
        at: today,
        rules: *rules,
        totals: Totals::of(&dossiers),
        permanent: permanent_companions(snapshot, &dossiers, rules),
        dossiers,
    };
    archive.commit(vec![records::put(PROPOSAL, &id, &proposal)?])?;
    tracing::info!(proposal = %id, dossiers = proposal.dossiers.len(), by, "disposal proposal recorded");
    Ok(proposal)
}

/// Permanent dossiers (not disposed) of the departments in `due`, whose
/// years overlap that department's period in `due`.
pub fn permanent_companions(snapshot: &Snapshot, due: &[Listed], rules: &Rules) -> Vec<Listed> {
    let mut periods: BTreeMap<&str, (i32, i32)> = BTreeMap::new();
    for l in due {
        let e = periods
            .entry(l.department.as_str())
            .or_insert((l.first_year, l.last_year));
        e.0 = e.0.min(l.first_year);
        e.1 = e.1.max(l.last_year);
    }
    let mut out = Vec::new();
    for f in &snapshot.dossiers {
        let d = &f.dossier;
        if f.disposed || !d.term.is_permanent() {
            continue;
        }
        let Some((from, to)) = periods.get(d.department.as_str()) else {
            continue;
        };
        if d.first_year > *to || d.last_year < *from {
            continue;
        }
        if let (Standing::Permanent { .. }, Some(start)) =
            (rules.standing(d), rules.counting.start(d.last_year))
        {
            out.push(Listed::new(f, start));
        }
    }
    out.sort_by(|a, b| (&a.department, &a.cota).cmp(&(&b.department, &b.cota)));
    out
}

/// A proposal by id.
pub fn proposal(archive: &Archive, id: &str) -> Result<Proposal> {
    records::load(archive.catalog(), PROPOSAL, id)?
        .ok_or_else(|| RetentionError::NoProposal { id: id.to_string() })
}

/// The approval of a proposal, if recorded.
pub fn approval(archive: &Archive, id: &str) -> Result<Option<Approval>> {
    records::load(archive.catalog(), APPROVAL, id)
}

/// Every proposal with its approval, by id.
pub fn proposals(archive: &Archive) -> Result<Vec<(Proposal, Option<Approval>)>> {
    let approvals: BTreeMap<String, Approval> = records::load_all(archive.catalog(), APPROVAL)?
        .into_iter()
        .collect();
    Ok(records::load_all::<Proposal>(archive.catalog(), PROPOSAL)?
        .into_iter()
        .map(|(k, p)| {
            let a = approvals.get(&k).cloned();
            (p, a)
        })
        .collect())
}

/// Record the National Archives' approval of a proposal: its number and
/// date. The date may not precede the proposal nor follow `today`.
pub fn approve(
    archive: &Archive,
    id: &str,
    number: &str,
    date: Date,
    today: Date,
    by: &str,
) -> Result<Approval> {
    let p = proposal(archive, id)?;
    if let Some(a) = approval(archive, id)? {
        return Err(RetentionError::AlreadyApproved {
            id: id.to_string(),
            approval: a.reference(),
        });
    }
    if number.trim().is_empty() {
        return Err(RetentionError::Invalid(
            "the approval needs the National Archives' registration number".into(),
        ));
    }
    if date < p.at || date > today {
        return Err(RetentionError::BadDate {
            value: date::format(date),
            reason: format!(
                "an approval is dated between the proposal ({}) and today ({})",
                date::format(p.at),
                date::format(today)
            ),
        });
    }
    let a = Approval {
        proposal: id.to_string(),
        number: number.trim().to_string(),
        date,
        by: by.to_string(),
        recorded: now_rfc3339(),
    };
    archive.commit(vec![records::put(APPROVAL, id, &a)?])?;
    tracing::info!(proposal = %id, approval = %a.reference(), by, "disposal approval recorded");
    Ok(a)
}
