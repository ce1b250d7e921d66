//! [`plan`]: the pure heart of retention. Given a [`Snapshot`], a date and
//! the [`Rules`], say what is due for disposal, what would be due but is
//! held, and what permanent records are due for transfer — with no I/O, so
//! it can be tested exhaustively and run as often as anyone likes.

use std::collections::BTreeMap;

use arhiva_store::{Dossier, RetentionTerm};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::rules::{Rules, Standing};
use crate::snapshot::{DossierFacts, Snapshot};

/// A dossier in a list (due, held, transfer), with what the inventory
/// layout prints and what the totals add up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listed {
    /// Cota.
    pub cota: String,
    /// Inventory id.
    pub inventory: String,
    /// Department ("compartiment").
    pub department: String,
    /// Indicativ from the nomenclator.
    pub indicativ: String,
    /// Contents in brief.
    pub title: String,
    /// First year.
    pub first_year: i32,
    /// Last year.
    pub last_year: i32,
    /// Sheets declared ("nr. file").
    pub sheets: Option<u32>,
    /// Retention term.
    pub term: RetentionTerm,
    /// Due since (disposal or transfer).
    #[serde(with = "crate::date::iso")]
    pub since: Date,
    /// Pages digitized.
    pub pages: u32,
    /// Bytes of originals.
    pub bytes: u64,
    /// Physical location, for pulling the paper.
    pub location: String,
    /// Remarks.
    pub notes: String,
}

impl Listed {
    pub(crate) fn new(f: &DossierFacts, since: Date) -> Listed {
        let d: &Dossier = &f.dossier;
        Listed {
            cota: d.cota.clone(),
            inventory: d.inventory.clone(),
            department: d.department.clone(),
            indicativ: d.indicativ.clone(),
            title: d.title.clone(),
            first_year: d.first_year,
            last_year: d.last_year,
            sheets: d.sheets,
            term: d.term,
            since,
            pages: f.pages,
            bytes: f.bytes,
            location: d.location.to_string(),
            notes: d.notes.clone(),
        }
    }

    /// `1998-2001`, or `1998` for one year ("date extreme").
    pub fn years(&self) -> String {
        if self.first_year == self.last_year {
            self.first_year.to_string()
        } else {
            format!("{}-{}", self.first_year, self.last_year)
        }
    }
}

/// A due dossier that a legal hold keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Held {
    /// The dossier.
    pub dossier: Listed,
    /// The holds keeping it.
    pub holds: Vec<String>,
}

/// Dossiers, pages and bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Dossiers.
    pub dossiers: u64,
    /// Pages.
    pub pages: u64,
    /// Bytes.
    pub bytes: u64,
}

impl Totals {
    fn add(&mut self, l: &Listed) {
        self.dossiers += 1;
        self.pages += u64::from(l.pages);
        self.bytes += l.bytes;
    }

    /// Totals of a list.
    pub fn of<'a>(items: impl IntoIterator<Item = &'a Listed>) -> Totals {
        let mut t = Totals::default();
        for l in items {
            t.add(l);
        }
        t
    }
}

/// One inventory and department of a list, with its totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// Inventory id.
    pub inventory: String,
    /// Department.
    pub department: String,
    /// Its totals.
    pub totals: Totals,
}

/// What [`plan`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The date it was made for.
    #[serde(with = "crate::date::iso")]
    pub today: Date,
    /// The rules used.
    pub rules: Rules,
    /// Due for disposal and not held, by inventory, department, cota.
    pub due: Vec<Listed>,
    /// Due groups with totals, in the same order.
    pub due_groups: Vec<Group>,
    /// Totals of `due`.
    pub due_totals: Totals,
    /// Due but kept by a legal hold.
    pub held: Vec<Held>,
    /// Permanent and past the transfer age: due for transfer.
    pub transfer: Vec<Listed>,
    /// Transfer groups with totals.
    pub transfer_groups: Vec<Group>,
    /// Totals of `transfer`.
    pub transfer_totals: Totals,
    /// Dossiers with no known term (kept until someone decides).
    pub undecided: Vec<String>,
    /// Dossiers whose years make no sense (kept, flagged).
    pub invalid: Vec<String>,
    /// Dossiers disposed of already.
    pub disposed: u64,
}

impl Plan {
    /// Whether `cota` is due and not held.
    pub fn is_due(&self, cota: &str) -> bool {
        self.due.iter().any(|l| l.cota == cota)
    }
}

/// Work out what is due on `today`. Pure: no I/O, no clock.
///
/// A dossier is due when its term is a number of years, the term has run
/// out by `today` (see [`Rules`]), it was not disposed of already and no
/// legal hold covers it. Permanent dossiers are never due; past the transfer
/// age they are listed for transfer instead. Dossiers of unknown term are
/// never due either.
pub fn plan(snapshot: &Snapshot, today: Date, rules: &Rules) -> Plan {
    let held_by = snapshot.holds_by_cota();
    let mut due = Vec::new();
    let mut held = Vec::new();
    let mut transfer = Vec::new();
    let mut undecided = Vec::new();
    let mut invalid = Vec::new();
    let mut disposed = 0;
    for f in &snapshot.dossiers {
        if f.disposed {
            disposed += 1;
            continue;
        }
        let cota = &f.dossier.cota;
        match rules.standing(&f.dossier) {
            Standing::Term { from } if from <= today => {
                let l = Listed::new(f, from);
                match held_by.get(cota.as_str()) {
                    Some(ids) => held.push(Held {
                        dossier: l,
                        holds: ids.iter().map(|s| s.to_string()).collect(),
                    }),
                    None => due.push(l),
                }
            }
            Standing::Term { .. } => {}
            Standing::Permanent {
                transfer_from: Some(from),
            } if from <= today => transfer.push(Listed::new(f, from)),
            Standing::Permanent { .. } => {}
            Standing::Undecided => undecided.push(cota.clone()),
            Standing::Invalid => invalid.push(cota.clone()),
        }
    }
    let order = |a: &Listed, b: &Listed| {
        (&a.inventory, &a.department, &a.cota).cmp(&(&b.inventory, &b.department, &b.cota))
    };
    due.sort_by(order);
    transfer.sort_by(order);
    held.sort_by(|a, b| order(&a.dossier, &b.dossier));
    Plan {
        today,
        rules: *rules,
        due_groups: groups(&due),
        due_totals: Totals::of(&due),
        transfer_groups: groups(&transfer),
        transfer_totals: Totals::of(&transfer),
        due,
        held,
        transfer,
        undecided,
        invalid,
        disposed,
    }
}

/// Group a sorted list by inventory and department.
pub fn groups(items: &[Listed]) -> Vec<Group> {
    let mut map: BTreeMap<(&str, &str), Totals> = BTreeMap::new();
    for l in items {
        map.entry((&l.inventory, &l.department)).or_default().add(l);
    }
    map.into_iter()
        .map(|((i, d), totals)| Group {
            inventory: i.to_string(),
            department: d.to_string(),
            totals,
        })
        .collect()
}
