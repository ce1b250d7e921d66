//! The counting rule: the one place that says when a retention term starts
//! and ends, and when a permanent dossier is due for transfer.
//!
//! Romanian practice (Legea 16/1996 and the nomenclators built on it): a
//! term runs from 1 January of the year after the dossier's last year; for
//! accounting records from the end of the financial year, which is the same
//! date. A 1998–2001 dossier kept 10 years is eligible on 1 January 2012.
//! Should an archive need another start (a financial year that ends on
//! another date, say), [`CountingRule`] is the knob.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use arhiva_store::{Dossier, RetentionTerm, TermSource};

/// When a term starts: this day and month of the year after the dossier's
/// last year. The default is 1 January.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountingRule {
    /// Month the term starts in (1–12).
    pub month: u8,
    /// Day of that month.
    pub day: u8,
}

impl Default for CountingRule {
    fn default() -> Self {
        CountingRule { month: 1, day: 1 }
    }
}

impl CountingRule {
    /// The date a term starts for a dossier whose last year is `last_year`,
    /// or `None` when that is outside the calendar.
    pub fn start(&self, last_year: i32) -> Option<Date> {
        let year = last_year.checked_add(1)?;
        on_or_before(year, self.month, self.day)
    }

    /// The date `years` after the start: the first day the term is over.
    pub fn end(&self, last_year: i32, years: u16) -> Option<Date> {
        let year = last_year.checked_add(1)?.checked_add(i32::from(years))?;
        on_or_before(year, self.month, self.day)
    }
}

/// `year-month-day`, or the last valid day of that month before it (29
/// February in a common year becomes 28 February).
fn on_or_before(year: i32, month: u8, day: u8) -> Option<Date> {
    let month = Month::try_from(month).ok()?;
    let mut d = day.max(1);
    loop {
        if let Ok(date) = Date::from_calendar_date(year, month, d) {
            return Some(date);
        }
        if d <= 28 {
            return None;
        }
        d -= 1;
    }
}

/// Everything [`crate::plan`] needs to know besides the archive and the
/// date: the counting rule and the transfer age.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// When terms start.
    pub counting: CountingRule,
    /// Years after which a permanent dossier is listed for transfer to the
    /// National Archives (30 is the common reading of Legea 16/1996).
    pub transfer_age: u16,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            counting: CountingRule::default(),
            transfer_age: 30,
        }
    }
}

/// A dossier's standing under the rules on a given date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Kept for a term that ends on `from`; due when `from <= today`.
    Term {
        /// First day it may be disposed of.
        from: Date,
    },
    /// Permanent; listed for transfer from `transfer_from`.
    Permanent {
        /// First day it is due for transfer.
        transfer_from: Option<Date>,
    },
    /// No term was known when the dossier was classified: kept, as if
    /// permanent, until someone decides — but never listed for transfer.
    Undecided,
    /// The dossier's years are outside the calendar: kept, flagged.
    Invalid,
}

impl Rules {
    /// How the rules see `dossier`.
    pub fn standing(&self, dossier: &Dossier) -> Standing {
        if matches!(dossier.term_source, TermSource::Unknown) {
            return Standing::Undecided;
        }
        if dossier.last_year < dossier.first_year {
            return Standing::Invalid;
        }
        match dossier.term {
            RetentionTerm::Permanent => Standing::Permanent {
                transfer_from: self.counting.end(dossier.last_year, self.transfer_age),
            },
            RetentionTerm::Years(y) => match self.counting.end(dossier.last_year, y) {
                Some(from) => Standing::Term { from },
                None => Standing::Invalid,
            },
        }
    }

    /// The first day `dossier` may be disposed of, `None` when never.
    pub fn eligible_from(&self, dossier: &Dossier) -> Option<Date> {
        match self.standing(dossier) {
            Standing::Term { from } => Some(from),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn ten_years_after_1998_2001_is_2012() {
        let r = CountingRule::default();
        assert_eq!(r.start(2001), Some(date!(2002 - 01 - 01)));
        assert_eq!(r.end(2001, 10), Some(date!(2012 - 01 - 01)));
    }

    #[test]
    fn leap_day_start_falls_back() {
        let r = CountingRule { month: 2, day: 29 };
        assert_eq!(r.end(2001, 1), Some(date!(2003 - 02 - 28)));
        assert_eq!(r.end(2002, 1), Some(date!(2004 - 02 - 29)));
        assert_eq!(CountingRule { month: 13, day: 1 }.start(2000), None);
    }

    #[test]
    fn out_of_calendar_is_none() {
        assert_eq!(CountingRule::default().end(i32::MAX, 5), None);
        assert_eq!(CountingRule::default().end(9_990, 50), None);
    }
}
