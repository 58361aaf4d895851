//! Dates and ISO weeks of Unix timestamps (UTC), the way monitoring reports group ads by week.
//!
//! The calendar arithmetic is the `time` crate's. It covers the years -9999 to 9999 (no store
//! holds a time outside them): [`date`] then gives the bare number, as the web app does, and
//! [`iso_week`] and [`monday`] take the nearest time inside.

use time::UtcDateTime;

/// The UTC date-time of a Unix time, clamped to what `time` can represent.
fn clamped(unix: i64) -> UtcDateTime {
    let unix = unix.clamp(
        UtcDateTime::MIN.unix_timestamp(),
        UtcDateTime::MAX.unix_timestamp(),
    );
    UtcDateTime::from_unix_timestamp(unix).unwrap_or(UtcDateTime::UNIX_EPOCH)
}

/// `YYYY-MM-DD` of a Unix time.
pub fn date(unix: i64) -> String {
    match UtcDateTime::from_unix_timestamp(unix) {
        Ok(t) => format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()),
        Err(_) => unix.to_string(),
    }
}

/// ISO 8601 week-numbering year and week of a Unix time.
pub fn iso_week(unix: i64) -> (i64, u32) {
    let (year, week, _) = clamped(unix).date().to_iso_week_date();
    (i64::from(year), u32::from(week))
}

/// `YYYY-Www` label of an ISO week.
pub fn week_label(year: i64, week: u32) -> String {
    format!("{year}-W{week:02}")
}

/// Monday (Unix time, midnight UTC) of the ISO week containing `unix`.
pub fn monday(unix: i64) -> i64 {
    let date = clamped(unix).date();
    let days_since_monday = i64::from(date.weekday().number_days_from_monday());
    date.midnight().as_utc().unix_timestamp() - days_since_monday * 86_400
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Unix time of noon UTC on a date.
    fn at(y: i32, m: u8, d: u8) -> i64 {
        let date = time::Date::from_calendar_date(y, m.try_into().unwrap(), d).unwrap();
        date.midnight().as_utc().unix_timestamp() + 12 * 3600
    }

    #[test]
    fn iso_weeks_at_year_ends() {
        // Known values (ISO 8601): 2021-01-03 is in 2020-W53, 2024-12-30 in 2025-W01,
        // 2026-01-01 (a Thursday) in 2026-W01, 2027-01-01 (a Friday) in 2026-W53.
        assert_eq!(iso_week(at(2021, 1, 3)), (2020, 53));
        assert_eq!(iso_week(at(2021, 1, 4)), (2021, 1));
        assert_eq!(iso_week(at(2024, 12, 30)), (2025, 1));
        assert_eq!(iso_week(at(2026, 1, 1)), (2026, 1));
        assert_eq!(iso_week(at(2027, 1, 1)), (2026, 53));
        assert_eq!(iso_week(at(2026, 11, 23)), (2026, 48));
        assert_eq!(date(at(2026, 11, 23)), "2026-11-23");
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(monday(at(2026, 11, 29))), "2026-11-23");
        assert_eq!(week_label(2026, 3), "2026-W03");
    }

    #[test]
    fn leap_days_year_boundaries_and_times_before_1970() {
        assert_eq!(date(at(2024, 2, 29)), "2024-02-29");
        assert_eq!(date(at(2000, 2, 29)), "2000-02-29");
        assert_eq!(date(at(2100, 2, 28) + 86_400), "2100-03-01");
        assert_eq!(date(at(2025, 12, 31) + 43_199), "2025-12-31");
        assert_eq!(date(at(2025, 12, 31) + 43_200), "2026-01-01");
        assert_eq!(date(-1), "1969-12-31");
        assert_eq!(iso_week(0), (1970, 1));
        assert_eq!(iso_week(at(2020, 12, 31)), (2020, 53));
        assert_eq!(iso_week(at(2016, 1, 3)), (2015, 53));
        assert_eq!(iso_week(at(2019, 12, 30)), (2020, 1));
        // 1969-12-31 was a Wednesday.
        assert_eq!(date(monday(-1)), "1969-12-29");
        assert_eq!(monday(-1) % 86_400, 0);
        assert_eq!(monday(at(2026, 11, 23)), at(2026, 11, 23) - 12 * 3600);
        // Outside the years ±9999.
        assert_eq!(date(i64::MAX), i64::MAX.to_string());
        assert_eq!(iso_week(i64::MAX), (9999, 52));
        assert_eq!(iso_week(i64::MIN).0, -9999);
    }
}
