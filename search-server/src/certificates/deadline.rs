//! Legal deadlines and the clock they are measured by.
//!
//! - A petition ("petiție", OG 27/2002 art. 8): answered within **30 days**
//!   of registration; the head of the institution may extend it **once**
//!   by at most **15 days**, telling the petitioner before the first term
//!   runs out.
//! - A public-information request (Legea 544/2001 art. 7): **10 days**, or
//!   **30 days** when the request is complex, the petitioner being told
//!   within the first 10.
//!
//! Days are calendar days counted from the registration date: registered
//! on 31 January 2024, a petition is due on 1 March 2024 (29 days of
//! February in a leap year), and on 2 March in 2023. Everything takes the
//! date from a [`Clock`], so tests fix "today".

use time::{Date, Duration, OffsetDateTime};

use crate::certificates::model::{Request, RequestKind, Status};

/// Days to answer a petition (OG 27/2002).
pub const PETITION_DAYS: i64 = 30;
/// Days a petition's term can be extended by, once.
pub const PETITION_EXTENSION_DAYS: i64 = 15;
/// Days to answer a public-information request (Legea 544/2001).
pub const PUBLIC_INFO_DAYS: i64 = 10;
/// Days to answer a complex public-information request.
pub const PUBLIC_INFO_COMPLEX_DAYS: i64 = 30;
/// A request due within this many days is "due soon".
pub const DUE_SOON_DAYS: i64 = 5;

/// Where "now" comes from.
pub trait Clock: Send + Sync {
    /// The current moment.
    fn now(&self) -> OffsetDateTime;

    /// Today's date.
    fn today(&self) -> Date {
        self.now().date()
    }
}

/// The system clock in the archive's time zone (Europe/Bucharest),
/// whatever the machine's own zone: a request registered at 00:30 in Arad
/// is dated that day also on a server that runs in UTC.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        let now = OffsetDateTime::now_utc();
        let offset = crate::localtime::offset_at(now.unix_timestamp());
        time::UtcOffset::from_whole_seconds(offset)
            .map(|o| now.to_offset(o))
            .unwrap_or(now)
    }
}

/// A clock stopped at one moment (tests, re-runs).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub OffsetDateTime);

impl FixedClock {
    /// Noon UTC on `date`.
    pub fn on(date: Date) -> FixedClock {
        FixedClock(date.midnight().assume_utc() + Duration::hours(12))
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}

/// `date` plus `days` calendar days (saturating at the calendar's end).
pub fn add_days(date: Date, days: i64) -> Date {
    date.checked_add(Duration::days(days)).unwrap_or(Date::MAX)
}

/// Days allowed before any extension.
pub fn base_days(kind: RequestKind, complex: bool) -> i64 {
    match (kind, complex) {
        (RequestKind::Petition, _) => PETITION_DAYS,
        (RequestKind::PublicInfo, false) => PUBLIC_INFO_DAYS,
        (RequestKind::PublicInfo, true) => PUBLIC_INFO_COMPLEX_DAYS,
    }
}

/// The date by which `r` must be answered.
pub fn due_date(r: &Request) -> Date {
    let mut days = base_days(r.kind, r.complex);
    if r.kind == RequestKind::Petition && r.extension.is_some() {
        days += PETITION_EXTENSION_DAYS;
    }
    add_days(r.registered, days)
}

/// How pressing a request is, for the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Urgency {
    /// Answered (issued or answered negatively).
    Closed,
    /// More than [`DUE_SOON_DAYS`] left.
    OnTime,
    /// Due within [`DUE_SOON_DAYS`] days (today included).
    DueSoon,
    /// The deadline has passed.
    Overdue,
}

/// The urgency of `r` on `today`.
pub fn urgency(r: &Request, today: Date) -> Urgency {
    if matches!(r.status, Status::Issued | Status::AnsweredNegatively) {
        return Urgency::Closed;
    }
    let left = (due_date(r) - today).whole_days();
    if left < 0 {
        Urgency::Overdue
    } else if left <= DUE_SOON_DAYS {
        Urgency::DueSoon
    } else {
        Urgency::OnTime
    }
}

/// Days left until the deadline (negative when overdue).
pub fn days_left(r: &Request, today: Date) -> i64 {
    (due_date(r) - today).whole_days()
}

/// A date the Romanian way: `31.01.2024`.
pub fn ro_date(d: Date) -> String {
    format!("{:02}.{:02}.{}", d.day(), u8::from(d.month()), d.year())
}

/// A date as ISO 8601: `2024-01-31`.
pub fn iso_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Parse `YYYY-MM-DD`.
pub fn parse_iso_date(s: &str) -> Option<Date> {
    let mut it = s.trim().splitn(3, '-');
    let y: i32 = it.next()?.parse().ok()?;
    let m: u8 = it.next()?.parse().ok()?;
    let d: u8 = it.next()?.parse().ok()?;
    Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
}

/// Serde for dates as `YYYY-MM-DD` strings.
pub(crate) mod iso {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::iso_date(*d))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        super::parse_iso_date(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("invalid date {s:?}")))
    }
}
