//! The pure plan with a fixed clock: term arithmetic at year boundaries,
//! holds, permanent and undecided records, grouping and totals.

#![allow(clippy::unwrap_used)]

mod common;

use arhiva_retention::{plan, CountingRule, DossierFacts, HoldTarget, LegalHold, Rules, Snapshot};
use arhiva_store::{RetentionTerm, TermSource};
use common::dossier;
use time::macros::date;
use time::Date;

fn facts(
    cota: &str,
    inv: &str,
    dept: &str,
    years: (i32, i32),
    term: RetentionTerm,
) -> DossierFacts {
    DossierFacts {
        dossier: dossier(cota, inv, dept, years, term),
        pages: 10,
        bytes: 1000,
        disposed: false,
    }
}

fn due_on(s: &Snapshot, d: Date) -> Vec<String> {
    plan(s, d, &Rules::default())
        .due
        .into_iter()
        .map(|l| l.cota)
        .collect()
}

fn hold(id: &str, target: HoldTarget) -> LegalHold {
    LegalHold {
        id: id.into(),
        target,
        reason: "dosar civil 1234/108/2025".into(),
        by: "admin".into(),
        placed: "2025-01-01T00:00:00Z".into(),
    }
}

#[test]
fn term_counts_from_first_january_after_last_year() {
    let s = Snapshot {
        dossiers: vec![facts(
            "A",
            "I1",
            "D",
            (1998, 2001),
            RetentionTerm::Years(10),
        )],
        holds: vec![],
    };
    assert!(due_on(&s, date!(2011 - 12 - 31)).is_empty());
    assert_eq!(due_on(&s, date!(2012 - 01 - 01)), ["A"]);
    let p = plan(&s, date!(2012 - 01 - 01), &Rules::default());
    assert_eq!(p.due[0].since, date!(2012 - 01 - 01));
}

#[test]
fn year_boundaries_for_every_common_term() {
    for years in [1u16, 2, 3, 5, 10, 15, 25, 50, 70] {
        for last in [1950, 1999, 2000, 2023] {
            let s = Snapshot {
                dossiers: vec![facts(
                    "X",
                    "I",
                    "D",
                    (last - 1, last),
                    RetentionTerm::Years(years),
                )],
                holds: vec![],
            };
            let eligible = last + 1 + i32::from(years);
            let jan1 = Date::from_calendar_date(eligible, time::Month::January, 1).unwrap();
            let dec31 = Date::from_calendar_date(eligible - 1, time::Month::December, 31).unwrap();
            assert!(
                due_on(&s, dec31).is_empty(),
                "{years} years from {last}: not due on {dec31}"
            );
            assert_eq!(
                due_on(&s, jan1),
                ["X"],
                "{years} years from {last}: due on {jan1}"
            );
        }
    }
}

#[test]
fn one_year_term_in_a_single_year_dossier() {
    let s = Snapshot {
        dossiers: vec![facts("R", "I", "D", (2023, 2023), RetentionTerm::Years(1))],
        holds: vec![],
    };
    assert!(due_on(&s, date!(2024 - 12 - 31)).is_empty());
    assert_eq!(due_on(&s, date!(2025 - 01 - 01)), ["R"]);
}

#[test]
fn counting_rule_is_configurable_in_one_place() {
    let s = Snapshot {
        dossiers: vec![facts("F", "I", "D", (2010, 2010), RetentionTerm::Years(5))],
        holds: vec![],
    };
    let rules = Rules {
        counting: CountingRule { month: 7, day: 1 },
        ..Rules::default()
    };
    assert!(plan(&s, date!(2016 - 06 - 30), &rules).due.is_empty());
    assert_eq!(plan(&s, date!(2016 - 07 - 01), &rules).due.len(), 1);
}

#[test]
fn permanent_is_never_due_and_is_listed_for_transfer_after_the_age() {
    let s = Snapshot {
        dossiers: vec![facts("P", "I", "D", (1980, 1990), RetentionTerm::Permanent)],
        holds: vec![],
    };
    for d in [
        date!(1991 - 01 - 01),
        date!(2020 - 12 - 31),
        date!(2999 - 01 - 01),
    ] {
        assert!(due_on(&s, d).is_empty());
    }
    let before = plan(&s, date!(2020 - 12 - 31), &Rules::default());
    assert!(before.transfer.is_empty());
    let after = plan(&s, date!(2021 - 01 - 01), &Rules::default());
    assert_eq!(after.transfer[0].cota, "P");
    assert_eq!(after.transfer_totals.dossiers, 1);
    let rules = Rules {
        transfer_age: 20,
        ..Rules::default()
    };
    assert_eq!(plan(&s, date!(2011 - 01 - 01), &rules).transfer.len(), 1);
}

#[test]
fn unknown_terms_are_kept_and_reported() {
    let mut f = facts("U", "I", "D", (1950, 1951), RetentionTerm::Years(1));
    f.dossier.term_source = TermSource::Unknown;
    let s = Snapshot {
        dossiers: vec![f],
        holds: vec![],
    };
    let p = plan(&s, date!(2030 - 01 - 01), &Rules::default());
    assert!(p.due.is_empty() && p.transfer.is_empty());
    assert_eq!(p.undecided, ["U"]);
}

#[test]
fn holds_on_a_dossier_or_an_inventory_keep_it() {
    let s = Snapshot {
        dossiers: vec![
            facts(
                "A1",
                "INV-A",
                "Contabilitate",
                (1990, 1990),
                RetentionTerm::Years(10),
            ),
            facts(
                "A2",
                "INV-A",
                "Contabilitate",
                (1990, 1990),
                RetentionTerm::Years(10),
            ),
            facts(
                "B1",
                "INV-B",
                "Urbanism",
                (1990, 1990),
                RetentionTerm::Years(10),
            ),
            facts(
                "B2",
                "INV-B",
                "Urbanism",
                (1990, 1990),
                RetentionTerm::Years(10),
            ),
        ],
        holds: vec![
            hold("H-1", HoldTarget::Dossier("B2".into())),
            hold("H-2", HoldTarget::Inventory("INV-A".into())),
        ],
    };
    let p = plan(&s, date!(2010 - 01 - 01), &Rules::default());
    assert_eq!(p.due.iter().map(|l| &l.cota).collect::<Vec<_>>(), ["B1"]);
    let held: Vec<(&str, &[String])> = p
        .held
        .iter()
        .map(|h| (h.dossier.cota.as_str(), &h.holds[..]))
        .collect();
    assert_eq!(held.len(), 3);
    assert_eq!(held[0], ("A1", &["H-2".to_string()][..]));
    assert_eq!(held[2], ("B2", &["H-1".to_string()][..]));
}

#[test]
fn disposed_dossiers_are_not_listed_again() {
    let mut f = facts("D", "I", "D", (1990, 1990), RetentionTerm::Years(1));
    f.disposed = true;
    let s = Snapshot {
        dossiers: vec![f],
        holds: vec![],
    };
    let p = plan(&s, date!(2030 - 01 - 01), &Rules::default());
    assert!(p.due.is_empty());
    assert_eq!(p.disposed, 1);
}

#[test]
fn due_list_is_grouped_by_inventory_and_department_with_totals() {
    let s = Snapshot {
        dossiers: vec![
            facts(
                "C",
                "INV-2",
                "Urbanism",
                (1990, 1991),
                RetentionTerm::Years(5),
            ),
            facts(
                "A",
                "INV-1",
                "Contabilitate",
                (1990, 1991),
                RetentionTerm::Years(5),
            ),
            facts(
                "B",
                "INV-1",
                "Contabilitate",
                (1985, 1986),
                RetentionTerm::Years(3),
            ),
            facts(
                "D",
                "INV-1",
                "Registratură",
                (1990, 1991),
                RetentionTerm::Years(5),
            ),
            facts(
                "E",
                "INV-1",
                "Registratură",
                (2020, 2021),
                RetentionTerm::Years(5),
            ),
        ],
        holds: vec![],
    };
    let p = plan(&s, date!(2000 - 01 - 01), &Rules::default());
    assert_eq!(
        p.due.iter().map(|l| l.cota.as_str()).collect::<Vec<_>>(),
        ["A", "B", "D", "C"]
    );
    let g: Vec<(&str, &str, u64, u64, u64)> = p
        .due_groups
        .iter()
        .map(|g| {
            (
                g.inventory.as_str(),
                g.department.as_str(),
                g.totals.dossiers,
                g.totals.pages,
                g.totals.bytes,
            )
        })
        .collect();
    assert_eq!(
        g,
        [
            ("INV-1", "Contabilitate", 2, 20, 2000),
            ("INV-1", "Registratură", 1, 10, 1000),
            ("INV-2", "Urbanism", 1, 10, 1000)
        ]
    );
    assert_eq!(p.due_totals.dossiers, 4);
}
