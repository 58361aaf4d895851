//! UTC timestamps for `WARC-Date` (W3C-ISO8601 / RFC 3339 with `Z`) and file names.
//!
//! Calendar arithmetic is the `time` crate's; only years 0000–9999 are representable in WARC.

use std::io;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use time::{Date, Month, UtcDateTime};

/// A `SystemTime` as a UTC date-time (years 0000–9999 only).
fn utc(t: SystemTime) -> io::Result<UtcDateTime> {
    let nanos = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i128::try_from(d.as_nanos()).ok(),
        Err(e) => i128::try_from(e.duration().as_nanos()).ok().map(|n| -n),
    };
    let t = nanos
        .and_then(|n| UtcDateTime::from_unix_timestamp_nanos(n).ok())
        .ok_or_else(out_of_range)?;
    if !(0..=9999).contains(&t.year()) {
        return Err(out_of_range());
    }
    Ok(t)
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
    let t = utc(t)?;
    let mut s = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    let micros = t.microsecond();
    if micros != 0 {
        s.push_str(&format!(".{micros:06}"));
    }
    s.push('Z');
    Ok(s)
}

/// `YYYYMMDDhhmmss` (UTC), as used in file names.
pub(crate) fn format_compact(t: SystemTime) -> io::Result<String> {
    let t = utc(t)?;
    Ok(format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
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
    let year = i32::try_from(num(0..4)?).ok()?;
    let month = Month::try_from(u8::try_from(num(5..7)?).ok()?).ok()?;
    let day = u8::try_from(num(8..10)?).ok()?;
    let date = Date::from_calendar_date(year, month, day).ok()?;
    let hour = num(11..13)?;
    let minute = num(14..16)?;
    let second = num(17..19)?;
    // 60 is a leap second, counted (as before) as the first second of the next minute.
    if hour > 23 || minute > 59 || second > 60 {
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
    let midnight = date.midnight().as_utc().unix_timestamp();
    let secs = midnight + i64::from(hour * 3600 + minute * 60 + second);
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

    #[test]
    fn leap_days_and_year_boundaries() {
        for (s, secs) in [
            ("1900-03-01T00:00:00Z", -2_203_891_200),
            ("2000-02-29T12:00:00Z", 951_825_600),
            ("2025-12-31T23:59:59Z", 1_767_225_599),
            ("2026-01-01T00:00:00Z", 1_767_225_600),
        ] {
            assert_eq!(parse_warc_date_parts(s), Some((secs, 0)), "{s}");
            let t = parse_warc_date(s).unwrap();
            assert_eq!(format_warc_date(t).unwrap(), s);
        }
        assert_eq!(parse_warc_date("1900-02-29T00:00:00Z"), None);
        assert_eq!(parse_warc_date("2100-02-29T00:00:00Z"), None);
        assert_eq!(parse_warc_date("2025-04-31T00:00:00Z"), None);
        assert_eq!(
            parse_warc_date_parts("2016-12-31T23:59:60Z"),
            parse_warc_date_parts("2017-01-01T00:00:00Z")
        );
    }

    #[test]
    fn only_years_0000_to_9999() {
        let first = UNIX_EPOCH - Duration::from_secs(62_167_219_200);
        assert_eq!(format_warc_date(first).unwrap(), "0000-01-01T00:00:00Z");
        assert_eq!(parse_warc_date("0000-01-01T00:00:00Z"), Some(first));
        let last = UNIX_EPOCH + Duration::from_secs(253_402_300_799);
        assert_eq!(format_warc_date(last).unwrap(), "9999-12-31T23:59:59Z");
        assert_eq!(format_compact(last).unwrap(), "99991231235959");
        assert_eq!(parse_warc_date("9999-12-31T23:59:59Z"), Some(last));
        for t in [
            first - Duration::from_nanos(1),
            last + Duration::from_secs(1),
            UNIX_EPOCH + Duration::from_secs(1 << 60),
        ] {
            let e = format_warc_date(t).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
            assert!(e.to_string().contains("0000-9999"), "{e}");
            assert!(format_compact(t).is_err());
        }
    }
}
