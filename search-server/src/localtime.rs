//! Times for people: the journal and the audit log record UTC (RFC 3339);
//! every page shows the archive's local time, Europe/Bucharest, with the
//! zone named (EET in winter, EEST in summer). The zone rules come from the
//! tz database bundled into the binary, so a server without
//! `/usr/share/zoneinfo` still shows the right hour.

use std::sync::OnceLock;

use jiff::tz::{TimeZone, TimeZoneDatabase};
use jiff::Timestamp;

/// The archive's time zone.
pub const ZONE: &str = "Europe/Bucharest";

/// Europe/Bucharest from the bundled database (UTC if it were missing).
pub fn zone() -> &'static TimeZone {
    static TZ: OnceLock<TimeZone> = OnceLock::new();
    TZ.get_or_init(|| {
        TimeZoneDatabase::bundled()
            .get(ZONE)
            .or_else(|_| TimeZone::get(ZONE))
            .unwrap_or(TimeZone::UTC)
    })
}

/// The offset from UTC, in seconds, of Bucharest time at a Unix time.
pub fn offset_at(unix_seconds: i64) -> i32 {
    match Timestamp::from_second(unix_seconds) {
        Ok(ts) => zone().to_offset(ts).seconds(),
        Err(_) => 0,
    }
}

/// "2026-12-03T09:25:07Z" → "03.12.2026 11:25 EET". Text that is not an
/// RFC 3339 time comes back as it was.
pub fn local_time(rfc3339: &str) -> String {
    match rfc3339.trim().parse::<Timestamp>() {
        Ok(ts) => ts
            .to_zoned(zone().clone())
            .strftime("%d.%m.%Y %H:%M %Z")
            .to_string(),
        Err(_) => rfc3339.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn winter_and_summer_hours_in_bucharest() {
        assert_eq!(local_time("2026-12-03T09:25:07Z"), "03.12.2026 11:25 EET");
        assert_eq!(
            local_time("2026-07-01T21:30:00.123456Z"),
            "02.07.2026 00:30 EEST"
        );
        // The switch to summer time: 03:00 EET becomes 04:00 EEST.
        assert_eq!(local_time("2026-03-29T00:59:00Z"), "29.03.2026 02:59 EET");
        assert_eq!(local_time("2026-03-29T01:00:00Z"), "29.03.2026 04:00 EEST");
        assert_eq!(
            local_time("2026-12-03T11:25:00+02:00"),
            "03.12.2026 11:25 EET"
        );
    }

    #[test]
    fn offsets_follow_summer_time() {
        // 2026-12-03T09:25:07Z and 2026-07-01T21:30:00Z.
        assert_eq!(offset_at(1_796_289_907), 2 * 3600);
        assert_eq!(offset_at(1_782_941_400), 3 * 3600);
    }

    #[test]
    fn other_text_is_left_alone() {
        assert_eq!(local_time("ieri"), "ieri");
        assert_eq!(local_time(""), "");
    }
}
