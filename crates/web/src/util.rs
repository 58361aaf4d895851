//! Small helpers: dates, money, highlighting spans, constant-time comparison.

/// `2026-11-23 14:05 UTC` from Unix seconds (the bare number outside the years ±9999).
pub fn fmt_time(t: i64) -> String {
    match time::UtcDateTime::from_unix_timestamp(t) {
        Ok(u) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02} UTC",
            u.year(),
            u8::from(u.month()),
            u.day(),
            u.hour(),
            u.minute()
        ),
        Err(_) => t.to_string(),
    }
}

/// `2026-11-23` from Unix seconds (the bare number outside the years ±9999).
pub fn fmt_day(t: i64) -> String {
    match time::UtcDateTime::from_unix_timestamp(t) {
        Ok(u) => format!("{:04}-{:02}-{:02}", u.year(), u8::from(u.month()), u.day()),
        Err(_) => t.to_string(),
    }
}

/// `€1,234` (whole euros) or `€12.50`.
pub fn fmt_eur(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let cents = (v * 100.0).round() as i64;
    let s = group(&(cents / 100).abs().to_string());
    let sign = if cents < 0 { "-" } else { "" };
    if cents % 100 == 0 {
        format!("{sign}€{s}")
    } else {
        format!("{sign}€{s}.{:02}", (cents % 100).abs())
    }
}

fn group(digits: &str) -> String {
    let mut s = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            s.push(',');
        }
        s.push(c);
    }
    s
}

/// Thousands separators for counts.
pub fn fmt_int(v: i64) -> String {
    let s = group(&v.abs().to_string());
    if v < 0 {
        format!("-{s}")
    } else {
        s
    }
}

/// A piece of ad text, highlighted or not. The template escapes `text`.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// The text.
    pub text: String,
    /// The reason code that marked it (SPECIES, PART, PRICE …), if any.
    pub mark: Option<String>,
}

/// Cuts `text` into segments at the spans `(start, end, code)` (byte offsets; overlapping and
/// out-of-range spans are clipped, offsets inside a character are moved to its start).
pub fn highlight(text: &str, spans: &[(usize, usize, String)]) -> Vec<Segment> {
    let fix = |mut i: usize| {
        i = i.min(text.len());
        while i > 0 && !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let mut spans: Vec<(usize, usize, String)> = spans
        .iter()
        .map(|(s, e, c)| (fix(*s), fix(*e), c.clone()))
        .filter(|(s, e, _)| s < e)
        .collect();
    spans.sort_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
    let mut out = Vec::new();
    let mut at = 0;
    for (s, e, code) in spans {
        if e <= at {
            continue;
        }
        let s = s.max(at);
        if s > at {
            out.push(Segment {
                text: text[at..s].to_string(),
                mark: None,
            });
        }
        out.push(Segment {
            text: text[s..e].to_string(),
            mark: Some(code),
        });
        at = e;
    }
    if at < text.len() {
        out.push(Segment {
            text: text[at..].to_string(),
            mark: None,
        });
    }
    out
}

/// Equality that takes the same time wherever the first difference is.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Random bytes as lowercase hex.
pub fn random_hex(n: usize) -> String {
    let mut b = vec![0u8; n];
    getrandom::fill(&mut b).expect("the operating system's random source failed");
    hex::encode(b)
}

/// SHA-256 hex.
pub fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(s.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_money() {
        assert_eq!(fmt_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(fmt_day(1_795_392_000), "2026-11-23");
        assert_eq!(
            fmt_time(1_795_392_000 + 14 * 3600 + 5 * 60 + 59),
            "2026-11-23 14:05 UTC"
        );
        assert_eq!(fmt_time(951_782_400 + 86_399), "2000-02-29 23:59 UTC");
        assert_eq!(fmt_time(-60), "1969-12-31 23:59 UTC");
        assert_eq!(fmt_day(-1), "1969-12-31");
        assert_eq!(fmt_day(1_767_225_600 - 1), "2025-12-31");
        assert_eq!(fmt_day(1_767_225_600), "2026-01-01");
        assert_eq!(fmt_time(i64::MAX), i64::MAX.to_string());
        assert_eq!(fmt_day(i64::MIN), i64::MIN.to_string());
        assert_eq!(fmt_eur(1234.0), "€1,234");
        assert_eq!(fmt_eur(12.5), "€12.50");
        assert_eq!(fmt_int(1234567), "1,234,567");
    }

    #[test]
    fn highlight_clips_and_keeps_all_text() {
        let t = "Vends ivoire é ancien";
        let segs = highlight(
            t,
            &[
                (6, 12, "PART".into()),
                (8, 14, "X".into()),
                (100, 200, "Y".into()),
            ],
        );
        let joined: String = segs.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(joined, t);
        assert_eq!(segs[1].mark.as_deref(), Some("PART"));
        assert_eq!(segs[1].text, "ivoire");
    }
}
