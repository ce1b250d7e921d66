//! Dates as the archive writes them: ISO 8601 (`2026-05-04`), in JSON too.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use crate::error::{Result, RetentionError};

/// Parse `YYYY-MM-DD`.
pub fn parse(s: &str) -> Result<Date> {
    Date::parse(s.trim(), format_description!("[year]-[month]-[day]")).map_err(|e| {
        RetentionError::BadDate {
            value: s.to_string(),
            reason: format!("{e}; expected YYYY-MM-DD"),
        }
    })
}

/// Format as `YYYY-MM-DD`.
pub fn format(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Format as `DD.MM.YYYY`, the way Romanian documents print dates.
pub fn format_ro(d: Date) -> String {
    format!("{:02}.{:02}.{:04}", d.day(), u8::from(d.month()), d.year())
}

/// Now, as RFC 3339 in UTC (for "when" fields of journaled records).
pub fn now_rfc3339() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

/// Today's date in UTC.
pub fn today_utc() -> Date {
    OffsetDateTime::now_utc().date()
}

/// serde as `YYYY-MM-DD`.
pub mod iso {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    /// Serialize.
    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format(*d))
    }

    /// Deserialize.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        super::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// serde as `YYYY-MM-DD` or null.
pub mod iso_opt {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    /// Serialize.
    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&super::format(*d)),
            None => s.serialize_none(),
        }
    }

    /// Deserialize.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        let s = Option::<String>::deserialize(d)?;
        s.map(|s| super::parse(&s).map_err(serde::de::Error::custom))
            .transpose()
    }
}
