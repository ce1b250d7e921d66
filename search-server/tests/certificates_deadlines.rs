//! Legal deadlines with a fixed clock: across month ends, in leap and
//! common years, with the one extension a petition allows, and for
//! public-information requests (10 days, 30 when complex).

use arhiva_server::certificates::deadline::{days_left, due_date, urgency, Urgency};
use arhiva_server::certificates::register::{self, extend, Actor};
use arhiva_server::certificates::{CertificateError, FixedClock, NewRequest, RequestKind};
use arhiva_store::Archive;
use time::macros::date;
use time::Date;

fn new(registered: Date, kind: RequestKind) -> NewRequest {
    NewRequest {
        name: "Țăranu Ștefan".into(),
        kind: Some(kind),
        registered: Some(registered),
        ..Default::default()
    }
}

#[test]
fn petition_deadlines_cross_month_ends_and_leap_years() {
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = Archive::open(dir.path()).expect("open");
    let actor = Actor::new("ana", "test");
    let clock = FixedClock::on(date!(2024 - 01 - 31));
    let cases = [
        (date!(2024 - 01 - 31), date!(2024 - 03 - 01)), // leap February: 29 days
        (date!(2023 - 01 - 31), date!(2023 - 03 - 02)), // common February: 28 days
        (date!(2024 - 02 - 29), date!(2024 - 03 - 30)),
        (date!(2023 - 12 - 15), date!(2024 - 01 - 14)), // across the year end
        (date!(2100 - 02 - 01), date!(2100 - 03 - 03)), // 2100 is not a leap year
    ];
    for (registered, due) in cases {
        let r = register::register(
            &archive,
            &actor,
            &clock,
            new(registered, RequestKind::Petition),
        )
        .expect("register");
        assert_eq!(due_date(&r), due, "registered {registered}");
    }
}

#[test]
fn a_petition_is_extended_once_by_fifteen_days() {
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = Archive::open(dir.path()).expect("open");
    let actor = Actor::new("ana", "test");
    let clock = FixedClock::on(date!(2024 - 02 - 20));
    let r = register::register(
        &archive,
        &actor,
        &clock,
        new(date!(2024 - 01 - 31), RequestKind::Petition),
    )
    .expect("register");
    assert_eq!(due_date(&r), date!(2024 - 03 - 01));
    let r = extend(
        &archive,
        &actor,
        &clock,
        r.number,
        "anunțat telefonic pe 20.02.2024",
    )
    .expect("extend");
    assert_eq!(due_date(&r), date!(2024 - 03 - 16));
    let again = extend(&archive, &actor, &clock, r.number, "a doua oară");
    assert!(
        matches!(again, Err(CertificateError::AlreadyExtended { .. })),
        "{again:?}"
    );
    let no_notice = register::register(
        &archive,
        &actor,
        &clock,
        new(date!(2024 - 02 - 01), RequestKind::Petition),
    )
    .and_then(|r| extend(&archive, &actor, &clock, r.number, "  "));
    assert!(matches!(
        no_notice,
        Err(CertificateError::Invalid {
            field: "notice",
            ..
        })
    ));
}

#[test]
fn public_information_requests_take_ten_days_or_thirty_when_complex() {
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = Archive::open(dir.path()).expect("open");
    let actor = Actor::new("ana", "test");
    let clock = FixedClock::on(date!(2023 - 02 - 21));
    let r = register::register(
        &archive,
        &actor,
        &clock,
        new(date!(2023 - 02 - 21), RequestKind::PublicInfo),
    )
    .expect("register");
    assert_eq!(due_date(&r), date!(2023 - 03 - 03));
    let r = extend(
        &archive,
        &actor,
        &clock,
        r.number,
        "solicitare complexă, comunicat prin e-mail",
    )
    .expect("complex");
    assert!(r.complex);
    assert_eq!(due_date(&r), date!(2023 - 03 - 23));
}

#[test]
fn urgency_marks_due_soon_and_overdue() {
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = Archive::open(dir.path()).expect("open");
    let actor = Actor::new("ana", "test");
    let clock = FixedClock::on(date!(2024 - 01 - 31));
    let r = register::register(
        &archive,
        &actor,
        &clock,
        new(date!(2024 - 01 - 31), RequestKind::Petition),
    )
    .expect("register");
    // Due 2024-03-01.
    assert_eq!(urgency(&r, date!(2024 - 02 - 10)), Urgency::OnTime);
    assert_eq!(urgency(&r, date!(2024 - 02 - 25)), Urgency::DueSoon);
    assert_eq!(urgency(&r, date!(2024 - 03 - 01)), Urgency::DueSoon);
    assert_eq!(days_left(&r, date!(2024 - 03 - 01)), 0);
    assert_eq!(urgency(&r, date!(2024 - 03 - 02)), Urgency::Overdue);
    assert_eq!(days_left(&r, date!(2024 - 03 - 02)), -1);
}

#[test]
fn numbers_restart_each_year() {
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = Archive::open(dir.path()).expect("open");
    let actor = Actor::new("ana", "test");
    let clock = FixedClock::on(date!(2026 - 01 - 02));
    let numbers: Vec<String> = [
        date!(2025 - 12 - 30),
        date!(2025 - 12 - 31),
        date!(2026 - 01 - 02),
        date!(2026 - 01 - 02),
    ]
    .into_iter()
    .map(|d| {
        register::register(&archive, &actor, &clock, new(d, RequestKind::Petition))
            .expect("register")
            .number
            .to_string()
    })
    .collect();
    assert_eq!(numbers, ["1/2025", "2/2025", "1/2026", "2/2026"]);
    let bad_cnp = register::register(
        &archive,
        &actor,
        &clock,
        NewRequest {
            name: "X Y".into(),
            cnp: Some("1800101221145".into()),
            ..Default::default()
        },
    );
    assert!(matches!(
        bad_cnp,
        Err(CertificateError::Invalid { field: "cnp", .. })
    ));
}
