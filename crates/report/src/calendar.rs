//! Dates and ISO weeks of Unix timestamps (UTC), the way monitoring reports group ads by week.

/// (year, month, day) of a day number since 1970-01-01 (Howard Hinnant's civil_from_days).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Day number of a date (inverse of [`civil`]).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` of a Unix time.
pub fn date(unix: i64) -> String {
    let (y, m, d) = civil(unix.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// ISO 8601 week-numbering year and week of a Unix time.
pub fn iso_week(unix: i64) -> (i64, u32) {
    let days = unix.div_euclid(86_400);
    // 1970-01-01 was a Thursday; ISO weekday 1 = Monday.
    let weekday = (days + 3).rem_euclid(7) + 1;
    // The Thursday of this week decides the year.
    let thursday = days - weekday + 4;
    let (year, _, _) = civil(thursday);
    let first = days_from_civil(year, 1, 1);
    let week = ((thursday - first) / 7 + 1) as u32;
    (year, week)
}

/// `YYYY-Www` label of an ISO week.
pub fn week_label(year: i64, week: u32) -> String {
    format!("{year}-W{week:02}")
}

/// Monday (Unix time, midnight UTC) of the ISO week containing `unix`.
pub fn monday(unix: i64) -> i64 {
    let days = unix.div_euclid(86_400);
    let weekday = (days + 3).rem_euclid(7);
    (days - weekday) * 86_400
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i64, m: u32, d: u32) -> i64 {
        days_from_civil(y, m, d) * 86_400 + 12 * 3600
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
}
