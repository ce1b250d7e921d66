//! Property tests: over random archives, holds and dates, no permanent or
//! held dossier is ever disposed of, and every disposed one was proposed,
//! approved and due.

#![allow(clippy::unwrap_used)]

mod common;

use arhiva_retention::{
    approve, check, dispose, place_hold, plan, propose, DisposeOptions, HoldTarget, RetentionError,
    Rules, Snapshot,
};
use arhiva_store::{RetentionTerm, TermSource};
use common::{dossier, TestArchive};
use proptest::prelude::*;
use time::{Date, Duration};

#[derive(Debug, Clone)]
struct Spec {
    term: Option<RetentionTerm>, // None: unknown term
    last_year: i32,
    span: i32,
    inventory: u8,
    pages: Vec<u8>, // indexes into a small pool of scans: sharing happens
}

fn term() -> impl Strategy<Value = Option<RetentionTerm>> {
    prop_oneof![
        Just(None),
        Just(Some(RetentionTerm::Permanent)),
        prop::sample::select(vec![1u16, 3, 5, 10, 25, 50])
            .prop_map(|y| Some(RetentionTerm::Years(y))),
    ]
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        term(),
        1950i32..2025,
        0i32..4,
        0u8..3,
        prop::collection::vec(0u8..6, 0..4),
    )
        .prop_map(|(term, last_year, span, inventory, pages)| Spec {
            term,
            last_year,
            span,
            inventory,
            pages,
        })
}

#[derive(Debug, Clone)]
enum HoldSpec {
    Dossier(usize),
    Inventory(u8),
}

fn hold() -> impl Strategy<Value = HoldSpec> {
    prop_oneof![
        (0usize..8).prop_map(HoldSpec::Dossier),
        (0u8..3).prop_map(HoldSpec::Inventory)
    ]
}

fn day(offset: i64) -> Date {
    Date::from_calendar_date(1990, time::Month::January, 1).unwrap() + Duration::days(offset)
}

fn place(t: &TestArchive, n: usize, h: &HoldSpec) {
    let target = match h {
        HoldSpec::Dossier(i) => HoldTarget::Dossier(format!("D{}", i % n)),
        HoldSpec::Inventory(i) => HoldTarget::Inventory(format!("INV-{i}")),
    };
    match place_hold(&t.archive, target, "litigiu", "admin") {
        Ok(_) | Err(RetentionError::UnknownTarget { .. }) => {}
        Err(e) => panic!("{e}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn only_approved_due_unheld_dossiers_are_ever_disposed(
        specs in prop::collection::vec(spec(), 1..8),
        holds_before in prop::collection::vec(hold(), 0..3),
        holds_after in prop::collection::vec(hold(), 0..3),
        propose_at in 0i64..20_000,
        approve_after in 0i64..400,
        dispose_after in 0i64..4_000,
    ) {
        let t = TestArchive::new();
        let n = specs.len();
        let mut items = Vec::new();
        for (i, s) in specs.iter().enumerate() {
            let mut d = dossier(&format!("D{i}"), &format!("INV-{}", s.inventory), "Registratură",
                (s.last_year - s.span, s.last_year), s.term.unwrap_or(RetentionTerm::Permanent));
            if s.term.is_none() {
                d.term_source = TermSource::Unknown;
            }
            let pages: Vec<Vec<u8>> = s.pages.iter().map(|p| format!("scan {p}").into_bytes()).collect();
            items.push((d, pages));
        }
        for (d, pages) in &items {
            t.add_to_catalog(d, pages);
        }
        for h in &holds_before { place(&t, n, h); }
        let rules = Rules::default();
        let proposed_on = day(propose_at);
        let proposal = match propose(&t.archive, proposed_on, &rules, "arhivist", None) {
            Ok(p) => p,
            Err(RetentionError::NothingDue { .. }) => return Ok(()),
            Err(e) => panic!("{e}"),
        };
        for h in &holds_after { place(&t, n, h); }
        let approved_on = proposed_on + Duration::days(approve_after);
        approve(&t.archive, &proposal.id, "100", approved_on, approved_on, "admin").unwrap();
        let today = approved_on + Duration::days(dispose_after);
        let snapshot_before = Snapshot::load(&t.archive).unwrap();
        let plan_before = plan(&snapshot_before, today, &rules);
        dispose(&t.archive, None, &proposal.id, &DisposeOptions::new(today, "comisia"), &mut |_| {}).unwrap();

        let c = t.archive.catalog();
        for (d, _) in &items {
            let disposed = c.disposal(&d.cota).unwrap().is_some();
            if disposed {
                prop_assert!(!d.term.is_permanent(), "{} is permanent", d.cota);
                prop_assert!(!matches!(d.term_source, TermSource::Unknown));
                prop_assert!(proposal.dossiers.iter().any(|l| l.cota == d.cota), "{} was not proposed", d.cota);
                prop_assert!(plan_before.is_due(&d.cota), "{} was not due or was held", d.cota);
                let from = rules.eligible_from(d).unwrap();
                prop_assert!(from <= today && from <= proposed_on);
                for h in &snapshot_before.holds {
                    prop_assert!(!h.covers(d), "{} is held by {}", d.cota, h.id);
                }
            } else if proposal.dossiers.iter().any(|l| l.cota == d.cota) {
                prop_assert!(!plan_before.is_due(&d.cota), "{} was due, approved and left", d.cota);
            }
        }
        prop_assert!(check(&t.archive, None).unwrap().is_empty());
        // Every scan a kept page names is still there.
        c.for_each_page(|p| {
            assert!(t.archive.objects().contains(&p.document));
            Ok(())
        }).unwrap();
    }

    #[test]
    fn plan_never_lists_permanent_held_or_not_yet_due(
        specs in prop::collection::vec(spec(), 0..40),
        holds in prop::collection::vec(hold(), 0..4),
        at in 0i64..30_000,
    ) {
        use arhiva_retention::{DossierFacts, LegalHold};
        let n = specs.len().max(1);
        let snapshot = Snapshot {
            dossiers: specs.iter().enumerate().map(|(i, s)| {
                let mut d = dossier(&format!("D{i}"), &format!("INV-{}", s.inventory), "R",
                    (s.last_year - s.span, s.last_year), s.term.unwrap_or(RetentionTerm::Permanent));
                if s.term.is_none() { d.term_source = TermSource::Unknown; }
                DossierFacts { dossier: d, pages: s.pages.len() as u32, bytes: 10, disposed: false }
            }).collect(),
            holds: holds.iter().enumerate().map(|(k, h)| LegalHold {
                id: format!("H{k}"),
                target: match h {
                    HoldSpec::Dossier(i) => HoldTarget::Dossier(format!("D{}", i % n)),
                    HoldSpec::Inventory(i) => HoldTarget::Inventory(format!("INV-{i}")),
                },
                reason: "r".into(), by: "a".into(), placed: String::new(),
            }).collect(),
        };
        let today = day(at);
        let rules = Rules::default();
        let p = plan(&snapshot, today, &rules);
        for l in &p.due {
            let f = snapshot.dossiers.iter().find(|f| f.dossier.cota == l.cota).unwrap();
            prop_assert!(!f.dossier.term.is_permanent());
            prop_assert!(!snapshot.holds.iter().any(|h| h.covers(&f.dossier)));
            let years = match f.dossier.term { RetentionTerm::Years(y) => i32::from(y), _ => unreachable!() };
            prop_assert!(today.year() >= f.dossier.last_year + 1 + years);
        }
        prop_assert_eq!(p.due_totals.dossiers as usize, p.due.len());
        prop_assert_eq!(p.due_groups.iter().map(|g| g.totals.pages).sum::<u64>(), p.due_totals.pages);
        for l in &p.transfer {
            prop_assert_eq!(l.term, RetentionTerm::Permanent);
        }
    }
}
