//! UTC timestamps for `WARC-Date` (W3C-ISO8601 / RFC 3339 with `Z`) and file names.
//!
//! A tiny proleptic-Gregorian conversion (Howard Hinnant's `days_from_civil`) keeps the
//! crate free of a date-time dependency; only years 0000–9999 are representable in WARC.

use std::io;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Calendar fields of a UTC instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub nanos: u32,
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Splits a `SystemTime` into UTC calendar fields (years 0000–9999 only).
pub(crate) fn civil(t: SystemTime) -> io::Result<Civil> {
    let (secs, nanos) = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (i64::try_from(d.as_secs()).ok(), d.subsec_nanos()),
        Err(e) => {
            let d = e.duration();
            match i64::try_from(d.as_secs()) {
                Ok(s) if d.subsec_nanos() == 0 => (Some(-s), 0),
                Ok(s) => (Some(-s - 1), 1_000_000_000 - d.subsec_nanos()),
                Err(_) => (None, 0),
            }
        }
    };
    let secs = secs.ok_or_else(out_of_range)?;
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400) as u32;
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        return Err(out_of_range());
    }
    Ok(Civil {
        year,
        month,
        day,
        hour: sod / 3600,
        minute: sod / 60 % 60,
        second: sod % 60,
        nanos,
    })
}

fn out_of_range() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "date outside the years 0000-9999 that WARC-Date can express",
    )
}

/// `WARC-Date` value: `YYYY-MM-DDThh:mm:ssZ`, with microseconds (`.ffffff`) when the
/// instant has a sub-second part (WARC 1.1 allows a fraction).
pub fn format_warc_date(t: SystemTime) -> io::Result<String> {
    let c = civil(t)?;
    let mut s = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    );
    let micros = c.nanos / 1000;
    if micros != 0 {
        s.push_str(&format!(".{micros:06}"));
    }
    s.push('Z');
    Ok(s)
}

/// `YYYYMMDDhhmmss` (UTC), as used in file names.
pub(crate) fn format_compact(t: SystemTime) -> io::Result<String> {
    let c = civil(t)?;
    Ok(format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    ))
}

/// Parses a `WARC-Date` (`YYYY-MM-DDThh:mm:ss[.f{1,9}]Z`) into seconds and nanoseconds
/// since the Unix epoch. Returns `None` for anything else.
pub(crate) fn parse_warc_date_parts(s: &str) -> Option<(i64, u32)> {
    let b = s.as_bytes();
    if b.len() < 20 || *b.last()? != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(r)?;
        if part.iter().all(u8::is_ascii_digit) {
            part.iter()
                .try_fold(0u32, |a, &d| Some(a * 10 + u32::from(d - b'0')))
        } else {
            None
        }
    };
    if b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let year = i64::from(num(0..4)?);
    let month = num(5..7)?;
    let day = num(8..10)?;
    let hour = num(11..13)?;
    let minute = num(14..16)?;
    let second = num(17..19)?;
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let rest = &b[19..b.len() - 1];
    let nanos = if rest.is_empty() {
        0
    } else {
        let frac = rest.strip_prefix(b".")?;
        if frac.is_empty() || frac.len() > 9 || !frac.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let mut n = 0u32;
        for i in 0..9 {
            n = n * 10 + frac.get(i).map_or(0, |d| u32::from(d - b'0'));
        }
        n
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    Some((secs, nanos))
}

/// Parses a `WARC-Date` value (`YYYY-MM-DDThh:mm:ss[.fraction]Z`) into a [`SystemTime`].
pub fn parse_warc_date(s: &str) -> Option<SystemTime> {
    let (secs, nanos) = parse_warc_date_parts(s)?;
    if secs >= 0 {
        UNIX_EPOCH.checked_add(Duration::new(secs.unsigned_abs(), nanos))
    } else {
        UNIX_EPOCH
            .checked_sub(Duration::from_secs(secs.unsigned_abs()))?
            .checked_add(Duration::from_nanos(u64::from(nanos)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        let t = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(format_warc_date(t).unwrap(), "2023-11-14T22:13:20Z");
        assert_eq!(format_compact(t).unwrap(), "20231114221320");
        let t = t + Duration::from_nanos(123_456_789);
        assert_eq!(format_warc_date(t).unwrap(), "2023-11-14T22:13:20.123456Z");
        assert_eq!(
            format_warc_date(UNIX_EPOCH).unwrap(),
            "1970-01-01T00:00:00Z"
        );
        let before = UNIX_EPOCH - Duration::from_millis(1500);
        assert_eq!(
            format_warc_date(before).unwrap(),
            "1969-12-31T23:59:58.500000Z"
        );
        assert_eq!(
            format_warc_date(UNIX_EPOCH + Duration::from_secs(951_782_400)).unwrap(),
            "2000-02-29T00:00:00Z"
        );
    }

    #[test]
    fn parse_round_trips_and_rejects() {
        for secs in [0i64, 951_782_400, 1_700_000_000, 4_102_444_799, -86_401] {
            for nanos in [0u32, 500_000_000, 123_456_000] {
                let t = if secs >= 0 {
                    UNIX_EPOCH + Duration::new(secs as u64, nanos)
                } else {
                    UNIX_EPOCH - Duration::from_secs(secs.unsigned_abs())
                        + Duration::from_nanos(u64::from(nanos))
                };
                let s = format_warc_date(t).unwrap();
                assert_eq!(parse_warc_date(&s), Some(t), "{s}");
            }
        }
        for bad in [
            "",
            "2023-11-14",
            "2023-11-14T22:13:20",
            "2023-11-14T22:13:20+00:00",
            "2023-02-29T00:00:00Z",
            "2023-13-01T00:00:00Z",
            "2023-11-14T24:00:00Z",
            "2023-11-14T22:13:20.Z",
            "2023-11-14T22:13:20.1234567890Z",
            "2023-11-14T22:13:2xZ",
            "２023-11-14T22:13:20Z",
        ] {
            assert_eq!(parse_warc_date(bad), None, "{bad}");
        }
        assert!(parse_warc_date("2024-02-29T23:59:60Z").is_some());
    }
}
