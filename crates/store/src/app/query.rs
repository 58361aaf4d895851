//! The ads list's filters, sorting and paging, and the SQL and query strings they become.

use serde::{Deserialize, Serialize};

use crate::{Category, ReviewStatus, Risk};

/// The values of the `review` filter: a review status, or `reviewed` (either), `takedown` or
/// `enforcement` (marked for them).
pub const REVIEW_FILTERS: [&str; 6] = [
    ReviewStatus::Unreviewed.as_str(),
    ReviewStatus::Confirmed.as_str(),
    ReviewStatus::Corrected.as_str(),
    "reviewed",
    "takedown",
    "enforcement",
];

/// Filters, sorting and paging of the ads list. Every field is optional; values are bound as
/// parameters.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
#[serde(default)]
pub struct AdQuery {
    /// Campaign name.
    pub campaign: Option<String>,
    /// Platform (adapter) name.
    pub platform: Option<String>,
    /// Country code (FR, DE, NL, BE …).
    pub country: Option<String>,
    /// Language (en, fr, de, nl).
    pub lang: Option<String>,
    /// Scientific name.
    pub species: Option<String>,
    /// CITES appendix (I, II, III).
    pub appendix: Option<String>,
    /// EU annex (A, B, C, D).
    pub annex: Option<String>,
    /// live, part, lookalike, none.
    pub category: Option<String>,
    /// high, medium, low, none.
    pub risk: Option<String>,
    /// unreviewed, confirmed, corrected, reviewed (either), takedown, enforcement.
    pub review: Option<String>,
    /// First seen on or after this date (YYYY-MM-DD).
    pub from: Option<String>,
    /// First seen on or before this date (YYYY-MM-DD).
    pub to: Option<String>,
    /// Only ads detected as relevant (`true`) or not (`false`).
    pub relevant: Option<bool>,
    /// risk (default), newest, oldest, price, title.
    pub sort: Option<String>,
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Rows per page (default 50, at most 200).
    pub per_page: Option<u32>,
}

/// Checks a `YYYY-MM-DD` date and returns Unix seconds at its midnight UTC.
pub fn parse_day(s: &str) -> std::result::Result<i64, String> {
    let parts: Vec<&str> = s.trim().split('-').collect();
    let bad = || format!("`{s}` is not a date (YYYY-MM-DD)");
    if parts.len() != 3 {
        return Err(bad());
    }
    let y: i32 = parts[0].parse().map_err(|_| bad())?;
    let m: u8 = parts[1].parse().map_err(|_| bad())?;
    let d: u8 = parts[2].parse().map_err(|_| bad())?;
    if !(1970..=9999).contains(&y) {
        return Err(bad());
    }
    // Rejects months other than 1-12 and days the month does not have (2026-02-30).
    let m = time::Month::try_from(m).map_err(|_| bad())?;
    let date = time::Date::from_calendar_date(y, m, d).map_err(|_| bad())?;
    Ok(date.midnight().as_utc().unix_timestamp())
}

impl AdQuery {
    /// Checks the values that have a fixed set, with a message naming the one at fault.
    pub fn validate(&self) -> std::result::Result<(), String> {
        fn one_of(name: &str, v: &Option<String>, set: &[&str]) -> std::result::Result<(), String> {
            match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                Some(x) if !set.contains(&x) => Err(format!(
                    "`{name}` must be one of {}, not `{x}`",
                    set.join(", ")
                )),
                _ => Ok(()),
            }
        }
        one_of("category", &self.category, &Category::NAMES)?;
        one_of("risk", &self.risk, &Risk::NAMES)?;
        one_of("review", &self.review, &REVIEW_FILTERS)?;
        one_of("appendix", &self.appendix, &["I", "II", "III"])?;
        one_of("annex", &self.annex, &["A", "B", "C", "D"])?;
        one_of(
            "sort",
            &self.sort,
            &["risk", "newest", "oldest", "price", "title"],
        )?;
        for (name, v) in [("from", &self.from), ("to", &self.to)] {
            if let Some(d) = v.as_deref().filter(|s| !s.trim().is_empty()) {
                parse_day(d).map_err(|e| format!("`{name}`: {e}"))?;
            }
        }
        if self.page == Some(0) {
            return Err("`page` starts at 1".into());
        }
        Ok(())
    }

    /// Rows per page.
    pub fn per_page(&self) -> u32 {
        self.per_page.unwrap_or(50).clamp(1, 200)
    }

    /// Page number.
    pub fn page(&self) -> u32 {
        self.page.unwrap_or(1).max(1)
    }

    /// The filters as SQL over `ads a`. Species, appendix and annex filters are written as
    /// `EXISTS` for a page (the sort index is walked and each ad checked, which stops after a
    /// page of matches) and as `a.id IN (…)` for a count (the matching species rows are read
    /// from their index instead of checking every ad).
    pub(super) fn where_clause(
        &self,
        args: &mut Vec<rusqlite::types::Value>,
        for_count: bool,
    ) -> String {
        use rusqlite::types::Value;
        let mut sql = String::from(" WHERE 1 = 1");
        let mut push = |sql: &mut String, cond: &str, v: Value| {
            args.push(v);
            sql.push_str(&cond.replace('?', &format!("?{}", args.len())));
        };
        let some = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        if let Some(c) = some(&self.campaign) {
            push(
                &mut sql,
                " AND a.campaign_id = (SELECT id FROM campaigns WHERE name = ?)",
                Value::Text(c),
            );
        }
        if let Some(p) = some(&self.platform) {
            push(&mut sql, " AND a.platform = ?", Value::Text(p));
        }
        if let Some(c) = some(&self.country) {
            push(
                &mut sql,
                " AND a.country = ?",
                Value::Text(c.to_uppercase()),
            );
        }
        if let Some(l) = some(&self.lang) {
            push(&mut sql, " AND a.lang = ?", Value::Text(l.to_lowercase()));
        }
        if let Some(s) = some(&self.species) {
            push(
                &mut sql,
                if for_count {
                    " AND a.id IN (SELECT s.ad_id FROM ad_species s WHERE s.scientific_name = ?)"
                } else {
                    " AND EXISTS (SELECT 1 FROM ad_species s WHERE s.ad_id = a.id AND s.scientific_name = ?)"
                },
                Value::Text(s),
            );
        }
        if let Some(s) = some(&self.appendix) {
            push(
                &mut sql,
                if for_count {
                    " AND a.id IN (SELECT s.ad_id FROM ad_species s WHERE s.cites = ?)"
                } else {
                    " AND EXISTS (SELECT 1 FROM ad_species s WHERE s.ad_id = a.id AND s.cites = ?)"
                },
                Value::Text(s),
            );
        }
        if let Some(s) = some(&self.annex) {
            push(
                &mut sql,
                if for_count {
                    " AND a.id IN (SELECT s.ad_id FROM ad_species s WHERE s.eu_annex = ?)"
                } else {
                    " AND EXISTS (SELECT 1 FROM ad_species s WHERE s.ad_id = a.id AND s.eu_annex = ?)"
                },
                Value::Text(s),
            );
        }
        if let Some(c) = some(&self.category) {
            push(&mut sql, " AND a.category = ?", Value::Text(c));
        }
        if let Some(r) = some(&self.risk) {
            push(&mut sql, " AND a.risk = ?", Value::Text(r));
        }
        match some(&self.review).as_deref() {
            Some("reviewed") => sql.push_str(" AND a.review_status <> 'unreviewed'"),
            Some("takedown") => sql.push_str(" AND a.takedown = 1"),
            Some("enforcement") => sql.push_str(" AND a.enforcement = 1"),
            Some(s) => push(&mut sql, " AND a.review_status = ?", Value::Text(s.into())),
            None => {}
        }
        if let Some(t) = some(&self.from).and_then(|d| parse_day(&d).ok()) {
            push(&mut sql, " AND a.first_seen >= ?", Value::Integer(t));
        }
        if let Some(t) = some(&self.to).and_then(|d| parse_day(&d).ok()) {
            push(
                &mut sql,
                " AND a.first_seen < ?",
                Value::Integer(t + 86_400),
            );
        }
        if let Some(r) = self.relevant {
            push(&mut sql, " AND a.relevant = ?", Value::Integer(r as i64));
        }
        sql
    }

    /// The query string that reproduces these filters (for links), without page.
    pub fn to_query_string(&self) -> String {
        let mut q = self.clone();
        q.page = None;
        serde_urlencoded_like(&q)
    }
}

fn serde_urlencoded_like(q: &AdQuery) -> String {
    let v = serde_json::to_value(q).unwrap_or_default();
    let mut out = Vec::new();
    if let Some(m) = v.as_object() {
        for (k, v) in m {
            let s = match v {
                serde_json::Value::Null => continue,
                serde_json::Value::String(s) if s.trim().is_empty() => continue,
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            out.push(format!("{k}={}", percent_encode(&s)));
        }
    }
    out.join("&")
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn percent_encode(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            o.push(b as char);
        } else {
            o.push_str(&format!("%{b:02X}"));
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::parse_day;

    #[test]
    fn parse_day_gives_midnight_utc_and_rejects_non_dates() {
        assert_eq!(parse_day("1970-01-01"), Ok(0));
        assert_eq!(parse_day(" 2026-11-23 "), Ok(1_795_392_000));
        assert_eq!(parse_day("2024-02-29"), Ok(1_709_164_800));
        assert_eq!(parse_day("2026-1-1"), Ok(1_767_225_600));
        assert_eq!(parse_day("9999-12-31"), Ok(253_402_214_400));
        for bad in [
            "",
            "2026-11",
            "2026-11-23-1",
            "1969-12-31",
            "10000-01-01",
            "2026-00-10",
            "2026-13-10",
            "2026-11-00",
            "2026-11-31",
            "2025-02-29",
            "2026-xx-01",
        ] {
            assert_eq!(
                parse_day(bad),
                Err(format!("`{bad}` is not a date (YYYY-MM-DD)")),
                "{bad}"
            );
        }
    }
}
