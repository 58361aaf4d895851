//! What the analyst web app and API need from the store: a per-ad summary kept up to date on every
//! commit (so lists filter and sort on indexed columns even with hundreds of thousands of ads),
//! users, sessions and API tokens, reviews with their audit log, public reports, and the figures
//! of the dashboard. All SQL here is parameterised; filter values never become SQL text.

use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use crate::{AdContent, DetectionRecord, PageRecord, Result, SqliteStore, StoreError};

/// Schema version 2: the ad summary columns, species per ad, users, sessions, tokens, reviews,
/// the audit log and public reports.
pub(crate) const MIGRATION_2: &str = r#"
    ALTER TABLE ads ADD COLUMN title TEXT NOT NULL DEFAULT '';
    ALTER TABLE ads ADD COLUMN lang TEXT NOT NULL DEFAULT '';
    ALTER TABLE ads ADD COLUMN country TEXT;
    ALTER TABLE ads ADD COLUMN relevant INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE ads ADD COLUMN category TEXT NOT NULL DEFAULT 'none';
    ALTER TABLE ads ADD COLUMN risk TEXT NOT NULL DEFAULT 'none';
    ALTER TABLE ads ADD COLUMN risk_score INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE ads ADD COLUMN price_eur REAL;
    ALTER TABLE ads ADD COLUMN specimens INTEGER;
    ALTER TABLE ads ADD COLUMN review_status TEXT NOT NULL DEFAULT 'unreviewed';
    ALTER TABLE ads ADD COLUMN takedown INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE ads ADD COLUMN enforcement INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE ads ADD COLUMN source TEXT NOT NULL DEFAULT 'crawl';
    UPDATE ads SET
        title = COALESCE((SELECT json_extract(v.content, '$.title') FROM ad_versions v
                          WHERE v.ad_id = ads.id AND v.version = ads.versions), ''),
        country = (SELECT json_extract(v.content, '$.country') FROM ad_versions v
                   WHERE v.ad_id = ads.id AND v.version = ads.versions),
        lang = COALESCE((SELECT d.lang FROM detections d WHERE d.ad_id = ads.id AND d.version = ads.versions), ''),
        relevant = COALESCE((SELECT d.relevant FROM detections d WHERE d.ad_id = ads.id AND d.version = ads.versions), 0),
        category = COALESCE((SELECT d.category FROM detections d WHERE d.ad_id = ads.id AND d.version = ads.versions), 'none'),
        risk = COALESCE((SELECT d.risk FROM detections d WHERE d.ad_id = ads.id AND d.version = ads.versions), 'none'),
        risk_score = COALESCE((SELECT d.risk_score FROM detections d WHERE d.ad_id = ads.id AND d.version = ads.versions), 0),
        price_eur = (SELECT d.price_eur FROM detections d WHERE d.ad_id = ads.id AND d.version = ads.versions),
        specimens = (SELECT json_extract(d.json, '$.specimens') FROM detections d
                     WHERE d.ad_id = ads.id AND d.version = ads.versions);
    CREATE TABLE ad_species (
        ad_id INTEGER NOT NULL REFERENCES ads(id),
        scientific_name TEXT NOT NULL,
        cites TEXT,
        eu_annex TEXT,
        PRIMARY KEY (ad_id, scientific_name)
    );
    INSERT OR IGNORE INTO ad_species(ad_id, scientific_name, cites, eu_annex)
        SELECT a.id, json_extract(j.value, '$.scientific_name'), json_extract(j.value, '$.cites'),
               json_extract(j.value, '$.eu_annex')
        FROM ads a JOIN detections d ON d.ad_id = a.id AND d.version = a.versions,
             json_each(d.json, '$.species') j
        WHERE json_extract(j.value, '$.scientific_name') IS NOT NULL;
    CREATE INDEX ad_species_name ON ad_species(scientific_name, ad_id);
    CREATE INDEX ad_species_cites ON ad_species(cites, ad_id);
    CREATE INDEX ad_species_annex ON ad_species(eu_annex, ad_id);
    CREATE INDEX ads_score ON ads(risk_score DESC, id);
    CREATE INDEX ads_first_seen ON ads(first_seen DESC, id);
    CREATE INDEX ads_campaign_score ON ads(campaign_id, risk_score DESC, id);
    CREATE INDEX ads_platform_score ON ads(platform, risk_score DESC, id);
    CREATE INDEX ads_review ON ads(review_status, risk_score DESC, id);
    CREATE INDEX ads_seller ON ads(seller_id);
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        csrf TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
    );
    CREATE TABLE api_tokens (
        id INTEGER PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        user_id INTEGER NOT NULL REFERENCES users(id),
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_used INTEGER
    );
    CREATE TABLE reviews (
        ad_id INTEGER PRIMARY KEY REFERENCES ads(id),
        relevant INTEGER NOT NULL,
        category TEXT NOT NULL,
        species TEXT NOT NULL,
        specimens INTEGER,
        price_eur REAL,
        documents TEXT NOT NULL,
        risk TEXT NOT NULL,
        notes TEXT NOT NULL DEFAULT '',
        tags TEXT NOT NULL DEFAULT '[]',
        takedown INTEGER NOT NULL DEFAULT 0,
        enforcement INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL,
        reviewer TEXT NOT NULL,
        reviewed_at INTEGER NOT NULL
    );
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        username TEXT NOT NULL,
        action TEXT NOT NULL,
        ad_id INTEGER,
        detail TEXT NOT NULL
    );
    CREATE INDEX audit_ad ON audit_log(ad_id, id);
    CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL,
        url_key TEXT NOT NULL UNIQUE,
        comment TEXT NOT NULL DEFAULT '',
        submitted_at INTEGER NOT NULL,
        submitter TEXT NOT NULL,
        times INTEGER NOT NULL DEFAULT 1,
        status TEXT NOT NULL DEFAULT 'queued',
        ad_id INTEGER REFERENCES ads(id),
        error TEXT,
        done_at INTEGER
    );
    CREATE INDEX reports_status ON reports(status, id);
"#;

/// Schema version 4: indexes the ads list needs at 100,000 ads (bench/web.sh). Country and
/// language lead an index each, so their filter menus are read by skipping through the index
/// (a few lookups, not a scan of every ad) and their filters sort by risk without a scan; the
/// first-seen index is ascending on both columns, so one index serves `newest` (read backwards)
/// and `oldest` without sorting ties.
pub(crate) const MIGRATION_4: &str = r#"
    CREATE INDEX ads_country_score ON ads(country, risk_score DESC, id);
    CREATE INDEX ads_lang_score ON ads(lang, risk_score DESC, id);
    DROP INDEX IF EXISTS ads_first_seen;
    CREATE INDEX ads_seen ON ads(first_seen, id);
"#;

/// Keeps the ad's summary columns and species rows in step with its newest version.
pub(crate) fn summarise(
    tx: &Transaction<'_>,
    ad_id: i64,
    ad: &AdContent,
    det: &DetectionRecord,
) -> Result<()> {
    let specimens = det.json.get("specimens").and_then(|v| v.as_i64());
    tx.execute(
        "UPDATE ads SET title = ?2, lang = ?3, country = ?4, relevant = ?5, category = ?6, risk = ?7, \
         risk_score = ?8, price_eur = ?9, specimens = ?10 WHERE id = ?1",
        params![
            ad_id,
            ad.title,
            det.lang,
            ad.country,
            det.relevant,
            det.category,
            det.risk,
            det.risk_score,
            det.price_eur,
            specimens
        ],
    )?;
    tx.execute("DELETE FROM ad_species WHERE ad_id = ?1", params![ad_id])?;
    if let Some(list) = det.json.get("species").and_then(|v| v.as_array()) {
        let mut stmt = tx.prepare_cached(
            "INSERT OR IGNORE INTO ad_species(ad_id, scientific_name, cites, eu_annex) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for s in list {
            let Some(name) = s.get("scientific_name").and_then(|v| v.as_str()) else {
                continue;
            };
            stmt.execute(params![
                ad_id,
                name,
                s.get("cites").and_then(|v| v.as_str()),
                s.get("eu_annex").and_then(|v| v.as_str())
            ])?;
        }
    }
    Ok(())
}

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Read only.
    Viewer,
    /// Reads everything, exports evidence.
    Enforcement,
    /// Reviews ads, marks takedowns.
    Analyst,
    /// Users, platforms, settings; everything else too.
    Admin,
}

impl Role {
    /// Name as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Enforcement => "enforcement",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }
    /// Parses a role name.
    pub fn parse(s: &str) -> Option<Role> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "viewer" => Role::Viewer,
            "enforcement" => Role::Enforcement,
            "analyst" => Role::Analyst,
            "admin" => Role::Admin,
            _ => return None,
        })
    }
    /// May review ads and mark takedowns.
    pub fn can_review(self) -> bool {
        matches!(self, Role::Analyst | Role::Admin)
    }
    /// May see seller contacts, archived pages and the audit log, and export evidence.
    pub fn can_see_evidence(self) -> bool {
        self != Role::Viewer
    }
    /// May manage users.
    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }
}

/// A user account.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Role.
    pub role: Role,
    /// Created (Unix seconds).
    pub created_at: i64,
    /// Disabled accounts cannot log in.
    pub disabled: bool,
}

fn user_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let role: String = r.get(2)?;
    Ok(User {
        id: r.get(0)?,
        username: r.get(1)?,
        role: Role::parse(&role).unwrap_or(Role::Viewer),
        created_at: r.get(3)?,
        disabled: r.get::<_, i64>(4)? != 0,
    })
}

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
    let y: i64 = parts[0].parse().map_err(|_| bad())?;
    let m: i64 = parts[1].parse().map_err(|_| bad())?;
    let d: i64 = parts[2].parse().map_err(|_| bad())?;
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Ok((era * 146_097 + doe - 719_468) * 86_400)
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
        one_of(
            "category",
            &self.category,
            &["live", "part", "lookalike", "none"],
        )?;
        one_of("risk", &self.risk, &["high", "medium", "low", "none"])?;
        one_of(
            "review",
            &self.review,
            &[
                "unreviewed",
                "confirmed",
                "corrected",
                "reviewed",
                "takedown",
                "enforcement",
            ],
        )?;
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
    fn where_clause(&self, args: &mut Vec<rusqlite::types::Value>, for_count: bool) -> String {
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

/// One row of the ads list.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdSummary {
    /// Id.
    pub id: i64,
    /// Platform.
    pub platform: String,
    /// Ad URL.
    pub url: String,
    /// Title (newest version).
    pub title: String,
    /// Country of the platform.
    pub country: Option<String>,
    /// Language.
    pub lang: String,
    /// Detected as relevant.
    pub relevant: bool,
    /// live / part / lookalike / none.
    pub category: String,
    /// high / medium / low / none.
    pub risk: String,
    /// 0–100.
    pub risk_score: i64,
    /// Price in euros.
    pub price_eur: Option<f64>,
    /// Specimens.
    pub specimens: Option<i64>,
    /// Scientific names.
    pub species: Vec<String>,
    /// Seller display name.
    pub seller: Option<String>,
    /// unreviewed / confirmed / corrected.
    pub review_status: String,
    /// Marked for takedown.
    pub takedown: bool,
    /// Marked for enforcement.
    pub enforcement: bool,
    /// First seen (Unix seconds).
    pub first_seen: i64,
    /// Last seen (Unix seconds).
    pub last_seen: i64,
    /// Gone since (Unix seconds).
    pub gone_at: Option<i64>,
    /// Versions seen.
    pub versions: i64,
    /// crawl / report / import.
    pub source: String,
}

const SUMMARY_COLS: &str =
    "a.id, a.platform, a.url, a.title, a.country, a.lang, a.relevant, a.category, \
    a.risk, a.risk_score, a.price_eur, a.specimens, \
    (SELECT group_concat(scientific_name, '|') FROM ad_species s WHERE s.ad_id = a.id), \
    (SELECT name FROM sellers WHERE id = a.seller_id), a.review_status, a.takedown, a.enforcement, \
    a.first_seen, a.last_seen, a.gone_at, a.versions, a.source";

fn summary_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AdSummary> {
    let species: Option<String> = r.get(12)?;
    Ok(AdSummary {
        id: r.get(0)?,
        platform: r.get(1)?,
        url: r.get(2)?,
        title: r.get(3)?,
        country: r.get(4)?,
        lang: r.get(5)?,
        relevant: r.get::<_, i64>(6)? != 0,
        category: r.get(7)?,
        risk: r.get(8)?,
        risk_score: r.get(9)?,
        price_eur: r.get(10)?,
        specimens: r.get(11)?,
        species: species
            .map(|s| s.split('|').map(str::to_string).collect())
            .unwrap_or_default(),
        seller: r.get(13)?,
        review_status: r.get(14)?,
        takedown: r.get::<_, i64>(15)? != 0,
        enforcement: r.get::<_, i64>(16)? != 0,
        first_seen: r.get(17)?,
        last_seen: r.get(18)?,
        gone_at: r.get(19)?,
        versions: r.get(20)?,
        source: r.get(21)?,
    })
}

/// One page of the ads list.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdPage {
    /// The rows.
    pub ads: Vec<AdSummary>,
    /// Page number.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
    /// Whether a next page exists.
    pub has_more: bool,
}

/// A version of an ad.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionInfo {
    /// Version number, from 1.
    pub version: i64,
    /// Seen (Unix seconds).
    pub seen_at: i64,
    /// Title then.
    pub title: String,
    /// Price as written then.
    pub price_text: Option<String>,
    /// Risk then.
    pub risk: String,
    /// The page it was read from.
    pub page_id: Option<i64>,
}

/// A fetched page of an ad, with its evidence location.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PageInfo {
    /// Id.
    pub id: i64,
    /// HTTP status.
    pub status: u16,
    /// search / ad / gone / blocked …
    pub kind: String,
    /// Fetched (Unix seconds).
    pub fetched_at: i64,
    /// SHA-256 of the body as received.
    pub body_sha256: Option<String>,
    /// WARC file.
    pub warc_file: Option<String>,
    /// Offset of the record.
    pub warc_offset: Option<u64>,
}

/// A seller and what is known of them.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SellerInfo {
    /// Id.
    pub id: i64,
    /// Platform.
    pub platform: String,
    /// Display name.
    pub name: String,
    /// Phones and e-mails seen (hidden from viewers).
    pub contacts: Vec<String>,
    /// Ads by this seller.
    pub ads: i64,
}

/// An analyst's review of an ad: the corrected labels (the `gold` of the eval format), notes,
/// tags and actions.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    /// Relevant to CITES/EU listings.
    pub relevant: bool,
    /// live / part / lookalike / none.
    pub category: String,
    /// Scientific names.
    #[serde(default)]
    pub species: Vec<String>,
    /// Specimens.
    pub specimens: Option<u32>,
    /// Price in euros.
    pub price_eur: Option<f64>,
    /// Documents claimed.
    #[serde(default)]
    pub documents: Vec<String>,
    /// high / medium / low / none.
    pub risk: String,
    /// Free notes.
    #[serde(default)]
    pub notes: String,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Mark for takedown.
    #[serde(default)]
    pub takedown: bool,
    /// Mark for enforcement.
    #[serde(default)]
    pub enforcement: bool,
}

/// A stored review with who and when.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoredReview {
    /// The labels.
    #[serde(flatten)]
    pub review: Review,
    /// confirmed (labels as detected) or corrected.
    pub status: String,
    /// Who.
    pub reviewer: String,
    /// When (Unix seconds).
    pub reviewed_at: i64,
}

/// An audit-log entry.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Id.
    pub id: i64,
    /// When (Unix seconds).
    pub at: i64,
    /// Who.
    pub username: String,
    /// What (review, user.add, report …).
    pub action: String,
    /// The ad concerned.
    pub ad_id: Option<i64>,
    /// Details (JSON): for reviews, each changed field with its old and new value.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub detail: serde_json::Value,
}

/// Everything about one ad.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdDetail {
    /// The summary.
    pub summary: AdSummary,
    /// The newest content.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub content: AdContent,
    /// The newest detection (the `scan` output).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub detection: serde_json::Value,
    /// Every version seen.
    pub versions: Vec<VersionInfo>,
    /// Pages fetched for it.
    pub pages: Vec<PageInfo>,
    /// The seller.
    pub seller: Option<SellerInfo>,
    /// The review, if any.
    pub review: Option<StoredReview>,
    /// The campaign.
    pub campaign: Option<String>,
}

/// Figures for one campaign.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignStats {
    /// Name.
    pub name: String,
    /// Ads stored.
    pub ads: i64,
    /// Relevant ads.
    pub relevant: i64,
    /// High-risk ads.
    pub high_risk: i64,
    /// Specimens in relevant ads.
    pub specimens: i64,
    /// Sum of relevant ads' prices (euros).
    pub value_eur: f64,
    /// Relevant ads seen gone.
    pub removed: i64,
    /// Ads reviewed.
    pub reviewed: i64,
    /// Ads marked for takedown.
    pub takedown: i64,
    /// Frontier URLs still pending.
    pub pending: i64,
}

/// Figures for public reports.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportStats {
    /// Distinct URLs reported.
    pub received: i64,
    /// Submissions, counting duplicates.
    pub submissions: i64,
    /// Waiting to be fetched.
    pub queued: i64,
    /// Fetched and scanned.
    pub done: i64,
    /// Failed or refused.
    pub failed: i64,
    /// Reported ads found relevant.
    pub relevant: i64,
}

/// A public report.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportRow {
    /// Id.
    pub id: i64,
    /// URL as submitted.
    pub url: String,
    /// Comment.
    pub comment: String,
    /// Submitted (Unix seconds).
    pub submitted_at: i64,
    /// Times submitted.
    pub times: i64,
    /// queued / fetching / done / failed.
    pub status: String,
    /// The ad stored from it.
    pub ad_id: Option<i64>,
    /// What went wrong.
    pub error: Option<String>,
}

/// What adding a report did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ReportOutcome {
    /// A new URL, queued.
    New,
    /// Already reported: counted, not queued again.
    Duplicate,
}

/// A reviewed ad, for the labelled-corpus export and the measured precision/recall.
#[derive(Debug, Clone)]
pub struct ReviewedAd {
    /// Id.
    pub id: i64,
    /// Platform.
    pub platform: String,
    /// Newest content.
    pub content: AdContent,
    /// Newest detection.
    pub detection: serde_json::Value,
    /// The review.
    pub review: Review,
}

/// An API token as listed: (id, name, created, last used).
pub type TokenRow = (i64, String, i64, Option<i64>);

fn json_list(s: &str) -> Vec<String> {
    serde_json::from_str(s).unwrap_or_default()
}

impl SqliteStore {
    /// Opens the store read-only-in-spirit for a web worker: same file, its own connection.
    pub fn connection_count_hint() -> usize {
        4
    }

    // ---- users, sessions, tokens ------------------------------------------------------------

    /// Adds a user; the name must be new.
    pub fn add_user(&mut self, username: &str, password_hash: &str, role: Role) -> Result<i64> {
        let n = self.conn.execute(
            "INSERT OR IGNORE INTO users(username, password_hash, role, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![username, password_hash, role.as_str(), crate::now()],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!(
                "a user named `{username}` already exists"
            )));
        }
        Ok(self.conn.last_insert_rowid())
    }

    /// Changes a user's role, password hash or disabled flag.
    pub fn update_user(
        &mut self,
        id: i64,
        role: Option<Role>,
        password_hash: Option<&str>,
        disabled: Option<bool>,
    ) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE users SET role = COALESCE(?2, role), password_hash = COALESCE(?3, password_hash), \
             disabled = COALESCE(?4, disabled) WHERE id = ?1",
            params![id, role.map(|r| r.as_str()), password_hash, disabled],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("no user with id {id}")));
        }
        if disabled == Some(true) || password_hash.is_some() {
            self.conn
                .execute("DELETE FROM sessions WHERE user_id = ?1", params![id])?;
        }
        Ok(())
    }

    /// A user and their password hash, by name.
    pub fn user_by_name(&self, username: &str) -> Result<Option<(User, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, username, role, created_at, disabled, password_hash FROM users WHERE username = ?1",
                params![username],
                |r| Ok((user_from_row(r)?, r.get(5)?)),
            )
            .optional()?)
    }

    /// All users.
    pub fn users(&self) -> Result<Vec<User>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, username, role, created_at, disabled FROM users ORDER BY username",
        )?;
        let rows = stmt.query_map([], user_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Number of users.
    pub fn user_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))?)
    }

    /// Stores a new session (the token itself is never stored, only its hash).
    pub fn create_session(
        &mut self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        expires_at: i64,
    ) -> Result<()> {
        let now = crate::now();
        self.conn
            .execute("DELETE FROM sessions WHERE expires_at < ?1", params![now])?;
        self.conn.execute(
            "INSERT INTO sessions(token_hash, user_id, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![token_hash, user_id, csrf, now, expires_at],
        )?;
        Ok(())
    }

    /// The user of a live session, with its CSRF token.
    pub fn session_user(&self, token_hash: &str) -> Result<Option<(User, String)>> {
        // Every page view asks: the statement is kept prepared.
        let mut stmt = self.conn.prepare_cached(
            "SELECT u.id, u.username, u.role, u.created_at, u.disabled, s.csrf FROM sessions s \
             JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1 AND s.expires_at > ?2 \
             AND u.disabled = 0",
        )?;
        Ok(stmt
            .query_row(params![token_hash, crate::now()], |r| {
                Ok((user_from_row(r)?, r.get(5)?))
            })
            .optional()?)
    }

    /// Ends a session.
    pub fn delete_session(&mut self, token_hash: &str) -> Result<()> {
        self.conn.execute(
            "DELETE FROM sessions WHERE token_hash = ?1",
            params![token_hash],
        )?;
        Ok(())
    }

    /// Stores an API token (its hash).
    pub fn create_api_token(&mut self, user_id: i64, name: &str, token_hash: &str) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO api_tokens(token_hash, user_id, name, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![token_hash, user_id, name, crate::now()],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The user of an API token.
    pub fn token_user(&self, token_hash: &str) -> Result<Option<User>> {
        // Every API call asks: the statement is kept prepared.
        let mut stmt = self.conn.prepare_cached(
            "SELECT u.id, u.username, u.role, u.created_at, u.disabled FROM api_tokens t \
             JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?1 AND u.disabled = 0",
        )?;
        Ok(stmt
            .query_row(params![token_hash], user_from_row)
            .optional()?)
    }

    /// A user's API tokens: (id, name, created, last used).
    pub fn api_tokens(&self, user_id: i64) -> Result<Vec<TokenRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, created_at, last_used FROM api_tokens WHERE user_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![user_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Revokes one of a user's API tokens.
    pub fn revoke_api_token(&mut self, user_id: i64, id: i64) -> Result<bool> {
        Ok(self.conn.execute(
            "DELETE FROM api_tokens WHERE id = ?1 AND user_id = ?2",
            params![id, user_id],
        )? > 0)
    }

    // ---- ads ----------------------------------------------------------------------------------

    /// A page of the ads list. The page's ids are chosen first, sorting only ids and sort keys
    /// (a deep page skips index entries, not whole rows), then only those rows are read with
    /// their species and seller.
    pub fn ad_page(&self, q: &AdQuery) -> Result<AdPage> {
        let mut args = Vec::new();
        let order = match q.sort.as_deref() {
            Some("newest") => " ORDER BY a.first_seen DESC, a.id DESC",
            Some("oldest") => " ORDER BY a.first_seen, a.id",
            Some("price") => " ORDER BY a.price_eur IS NULL, a.price_eur DESC, a.id",
            Some("title") => " ORDER BY a.title COLLATE NOCASE, a.id",
            _ => " ORDER BY a.risk_score DESC, a.id",
        };
        let mut ids = String::from("SELECT a.id FROM ads a");
        ids.push_str(&q.where_clause(&mut args, false));
        ids.push_str(order);
        let per = q.per_page() as i64;
        let offset = (q.page() as i64 - 1) * per;
        // Numbers we computed, written into the SQL: SQLite re-plans a statement whenever a bound
        // LIMIT or OFFSET is bound again, which would cost a full prepare on every page view.
        ids.push_str(&format!(" LIMIT {} OFFSET {offset}", per + 1));
        let sql = format!("SELECT {SUMMARY_COLS} FROM ads a WHERE a.id IN ({ids}){order}");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), summary_from_row)?;
        let mut ads = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        let has_more = ads.len() as i64 > per;
        ads.truncate(per as usize);
        Ok(AdPage {
            ads,
            page: q.page(),
            per_page: per as u32,
            has_more,
        })
    }

    /// How many ads match the filters (paging ignored).
    pub fn ad_count(&self, q: &AdQuery) -> Result<i64> {
        let mut args = Vec::new();
        let mut sql = String::from("SELECT COUNT(*) FROM ads a");
        sql.push_str(&q.where_clause(&mut args, true));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        Ok(stmt.query_row(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?)
    }

    /// Ads stored per platform.
    pub fn platform_counts(&self) -> Result<Vec<(String, i64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT platform, COUNT(*) FROM ads GROUP BY platform ORDER BY platform",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Distinct values for the filter menus: (platforms, countries, languages, campaigns, species).
    /// Each column's values are read by skipping through an index that it leads (the next value
    /// is the smallest one above the last), so a menu of five values costs six index lookups
    /// however many ads there are.
    pub fn facets(&self) -> Result<Facets> {
        let distinct = |table: &str, col: &str| -> Result<Vec<String>> {
            let sql = format!(
                "WITH RECURSIVE v(x) AS (SELECT (SELECT MIN({col}) FROM {table} WHERE {col} > '') \
                 UNION ALL SELECT (SELECT MIN({col}) FROM {table} WHERE {col} > v.x) FROM v \
                 WHERE v.x IS NOT NULL) SELECT x FROM v WHERE x IS NOT NULL"
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        };
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name FROM campaigns ORDER BY name")?;
        let campaigns = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Facets {
            platforms: distinct("ads", "platform")?,
            countries: distinct("ads", "country")?,
            languages: distinct("ads", "lang")?,
            campaigns,
            species: distinct("ad_species", "scientific_name")?,
        })
    }

    /// Everything about one ad.
    pub fn ad_detail(&self, id: i64) -> Result<AdDetail> {
        let summary = self
            .conn
            .query_row(
                &format!("SELECT {SUMMARY_COLS} FROM ads a WHERE a.id = ?1"),
                params![id],
                summary_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("no ad with id {id}")))?;
        let (content, detection): (String, String) = self.conn.query_row(
            "SELECT v.content, d.json FROM ads a JOIN ad_versions v ON v.ad_id = a.id AND v.version = a.versions \
             JOIN detections d ON d.ad_id = a.id AND d.version = a.versions WHERE a.id = ?1",
            params![id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT v.version, v.seen_at, v.content, d.risk, v.page_id FROM ad_versions v \
             JOIN detections d ON d.ad_id = v.ad_id AND d.version = v.version WHERE v.ad_id = ?1 ORDER BY v.version",
        )?;
        let versions = stmt
            .query_map(params![id], |r| {
                let c: String = r.get(2)?;
                let c: AdContent = serde_json::from_str(&c).unwrap_or_default();
                Ok(VersionInfo {
                    version: r.get(0)?,
                    seen_at: r.get(1)?,
                    title: c.title,
                    price_text: c.price_text,
                    risk: r.get(3)?,
                    page_id: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, status, kind, fetched_at, body_sha256, warc_file, warc_offset FROM pages \
             WHERE url = ?1 ORDER BY id",
        )?;
        let pages = stmt
            .query_map(params![summary.url], |r| {
                Ok(PageInfo {
                    id: r.get(0)?,
                    status: r.get::<_, i64>(1)? as u16,
                    kind: r.get(2)?,
                    fetched_at: r.get(3)?,
                    body_sha256: r.get(4)?,
                    warc_file: r.get(5)?,
                    warc_offset: r.get::<_, Option<i64>>(6)?.map(|v| v as u64),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let seller = self
            .conn
            .query_row(
                "SELECT s.id, s.platform, s.name, (SELECT COUNT(*) FROM ads x WHERE x.seller_id = s.id) \
                 FROM ads a JOIN sellers s ON s.id = a.seller_id WHERE a.id = ?1",
                params![id],
                |r| {
                    Ok(SellerInfo {
                        id: r.get(0)?,
                        platform: r.get(1)?,
                        name: r.get(2)?,
                        contacts: vec![],
                        ads: r.get(3)?,
                    })
                },
            )
            .optional()?;
        let seller = match seller {
            Some(mut s) => {
                let mut stmt = self.conn.prepare_cached(
                    "SELECT contact FROM seller_contacts WHERE seller_id = ?1 ORDER BY contact",
                )?;
                s.contacts = stmt
                    .query_map(params![s.id], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Some(s)
            }
            None => None,
        };
        let campaign = self
            .conn
            .query_row(
                "SELECT c.name FROM ads a JOIN campaigns c ON c.id = a.campaign_id WHERE a.id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(AdDetail {
            summary,
            content: serde_json::from_str(&content)?,
            detection: serde_json::from_str(&detection)?,
            versions,
            pages,
            seller,
            review: self.review(id)?,
            campaign,
        })
    }

    /// The review of an ad.
    pub fn review(&self, ad_id: i64) -> Result<Option<StoredReview>> {
        Ok(self
            .conn
            .query_row(
                "SELECT relevant, category, species, specimens, price_eur, documents, risk, notes, tags, \
                 takedown, enforcement, status, reviewer, reviewed_at FROM reviews WHERE ad_id = ?1",
                params![ad_id],
                |r| {
                    Ok(StoredReview {
                        review: Review {
                            relevant: r.get::<_, i64>(0)? != 0,
                            category: r.get(1)?,
                            species: json_list(&r.get::<_, String>(2)?),
                            specimens: r.get::<_, Option<i64>>(3)?.map(|v| v.max(0) as u32),
                            price_eur: r.get(4)?,
                            documents: json_list(&r.get::<_, String>(5)?),
                            risk: r.get(6)?,
                            notes: r.get(7)?,
                            tags: json_list(&r.get::<_, String>(8)?),
                            takedown: r.get::<_, i64>(9)? != 0,
                            enforcement: r.get::<_, i64>(10)? != 0,
                        },
                        status: r.get(11)?,
                        reviewer: r.get(12)?,
                        reviewed_at: r.get(13)?,
                    })
                },
            )
            .optional()?)
    }

    /// Saves a review, in one transaction with its audit-log entry (each changed field, old and
    /// new) and the ad's review columns. `status` is `confirmed` when the labels equal the
    /// detection's, else `corrected`.
    pub fn save_review(
        &mut self,
        ad_id: i64,
        review: &Review,
        status: &str,
        username: &str,
    ) -> Result<StoredReview> {
        let before = self.review(ad_id)?;
        let exists: bool = self
            .conn
            .query_row(
                "SELECT 1 FROM ads WHERE id = ?1",
                params![ad_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if !exists {
            return Err(StoreError::NotFound(format!("no ad with id {ad_id}")));
        }
        let at = crate::now();
        let old = before
            .as_ref()
            .map(|b| serde_json::to_value(&b.review))
            .transpose()?
            .unwrap_or(serde_json::Value::Null);
        let new = serde_json::to_value(review)?;
        let mut changes = serde_json::Map::new();
        if let Some(n) = new.as_object() {
            for (k, v) in n {
                let o = old.get(k).cloned().unwrap_or(serde_json::Value::Null);
                if &o != v {
                    changes.insert(k.clone(), serde_json::json!({"old": o, "new": v}));
                }
            }
        }
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO reviews(ad_id, relevant, category, species, specimens, price_eur, documents, risk, \
             notes, tags, takedown, enforcement, status, reviewer, reviewed_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) \
             ON CONFLICT(ad_id) DO UPDATE SET relevant = excluded.relevant, category = excluded.category, \
             species = excluded.species, specimens = excluded.specimens, price_eur = excluded.price_eur, \
             documents = excluded.documents, risk = excluded.risk, notes = excluded.notes, tags = excluded.tags, \
             takedown = excluded.takedown, enforcement = excluded.enforcement, status = excluded.status, \
             reviewer = excluded.reviewer, reviewed_at = excluded.reviewed_at",
            params![
                ad_id,
                review.relevant,
                review.category,
                serde_json::to_string(&review.species)?,
                review.specimens,
                review.price_eur,
                serde_json::to_string(&review.documents)?,
                review.risk,
                review.notes,
                serde_json::to_string(&review.tags)?,
                review.takedown,
                review.enforcement,
                status,
                username,
                at
            ],
        )?;
        tx.execute(
            "UPDATE ads SET review_status = ?2, takedown = ?3, enforcement = ?4 WHERE id = ?1",
            params![ad_id, status, review.takedown, review.enforcement],
        )?;
        tx.execute(
            "INSERT INTO audit_log(at, username, action, ad_id, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                at,
                username,
                if before.is_some() { "review.update" } else { "review" },
                ad_id,
                serde_json::Value::Object(changes).to_string()
            ],
        )?;
        tx.commit()?;
        self.review(ad_id)?
            .ok_or_else(|| StoreError::NotFound(format!("no review for ad {ad_id}")))
    }

    /// Adds an audit-log entry that is not a review (user changes, tokens, report moderation).
    pub fn audit(
        &mut self,
        username: &str,
        action: &str,
        ad_id: Option<i64>,
        detail: &serde_json::Value,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO audit_log(at, username, action, ad_id, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![crate::now(), username, action, ad_id, detail.to_string()],
        )?;
        Ok(())
    }

    /// Audit-log entries, newest first (of one ad, or all).
    pub fn audit_log(&self, ad_id: Option<i64>, limit: usize) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, at, username, action, ad_id, detail FROM audit_log \
             WHERE (?1 IS NULL OR ad_id = ?1) ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![ad_id, limit as i64], |r| {
            let d: String = r.get(5)?;
            Ok(AuditEntry {
                id: r.get(0)?,
                at: r.get(1)?,
                username: r.get(2)?,
                action: r.get(3)?,
                ad_id: r.get(4)?,
                detail: serde_json::from_str(&d).unwrap_or(serde_json::Value::Null),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Every reviewed ad with its newest content and detection.
    pub fn reviewed_ads(&self) -> Result<Vec<ReviewedAd>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.platform, v.content, d.json FROM ads a JOIN reviews r ON r.ad_id = a.id \
             JOIN ad_versions v ON v.ad_id = a.id AND v.version = a.versions \
             JOIN detections d ON d.ad_id = a.id AND d.version = a.versions ORDER BY a.id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, platform, content, det) in rows {
            let review = self.review(id)?.map(|r| r.review).unwrap_or_default();
            out.push(ReviewedAd {
                id,
                platform,
                content: serde_json::from_str(&content)?,
                detection: serde_json::from_str(&det)?,
                review,
            });
        }
        Ok(out)
    }

    // ---- dashboard ----------------------------------------------------------------------------

    /// Figures per campaign.
    pub fn campaign_stats(&self) -> Result<Vec<CampaignStats>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.name, COUNT(a.id), COALESCE(SUM(a.relevant), 0), \
             COALESCE(SUM(a.risk = 'high'), 0), \
             COALESCE(SUM(CASE WHEN a.relevant = 1 THEN COALESCE(a.specimens, 1) ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN a.relevant = 1 THEN a.price_eur ELSE 0 END), 0), \
             COALESCE(SUM(a.relevant = 1 AND a.gone_at IS NOT NULL), 0), \
             COALESCE(SUM(a.review_status <> 'unreviewed'), 0), COALESCE(SUM(a.takedown), 0), \
             (SELECT COUNT(*) FROM frontier f WHERE f.campaign_id = c.id AND f.state = 'pending') \
             FROM campaigns c LEFT JOIN ads a ON a.campaign_id = c.id GROUP BY c.id ORDER BY c.name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(CampaignStats {
                name: r.get(0)?,
                ads: r.get(1)?,
                relevant: r.get(2)?,
                high_risk: r.get(3)?,
                specimens: r.get(4)?,
                value_eur: r.get(5)?,
                removed: r.get(6)?,
                reviewed: r.get(7)?,
                takedown: r.get(8)?,
                pending: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    // ---- public reports -----------------------------------------------------------------------

    /// Records a public report; a URL already reported is counted, not queued again.
    pub fn add_report(
        &mut self,
        url: &str,
        url_key: &str,
        comment: &str,
        submitter: &str,
    ) -> Result<(i64, ReportOutcome)> {
        let tx = self.conn.transaction()?;
        let existing: Option<i64> = tx
            .query_row(
                "SELECT id FROM reports WHERE url_key = ?1",
                params![url_key],
                |r| r.get(0),
            )
            .optional()?;
        let out = match existing {
            Some(id) => {
                tx.execute(
                    "UPDATE reports SET times = times + 1, \
                     comment = CASE WHEN ?2 <> '' AND length(comment) < 4000 THEN comment || char(10) || ?2 ELSE comment END \
                     WHERE id = ?1",
                    params![id, comment],
                )?;
                (id, ReportOutcome::Duplicate)
            }
            None => {
                tx.execute(
                    "INSERT INTO reports(url, url_key, comment, submitted_at, submitter) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![url, url_key, comment, crate::now(), submitter],
                )?;
                (tx.last_insert_rowid(), ReportOutcome::New)
            }
        };
        tx.commit()?;
        Ok(out)
    }

    /// Takes the oldest queued report (marking it `fetching`); reports left `fetching` by a
    /// crash are taken again.
    pub fn take_report(&mut self) -> Result<Option<(i64, String)>> {
        let tx = self.conn.transaction()?;
        let r: Option<(i64, String)> = tx
            .query_row(
                "SELECT id, url FROM reports WHERE status IN ('queued', 'fetching') ORDER BY status = 'queued', id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((id, _)) = &r {
            tx.execute(
                "UPDATE reports SET status = 'fetching' WHERE id = ?1",
                params![id],
            )?;
        }
        tx.commit()?;
        Ok(r)
    }

    /// Records how a report's fetch ended.
    pub fn finish_report(
        &mut self,
        id: i64,
        status: &str,
        ad_id: Option<i64>,
        error: Option<&str>,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE reports SET status = ?2, ad_id = ?3, error = ?4, done_at = ?5 WHERE id = ?1",
            params![id, status, ad_id, error, crate::now()],
        )?;
        if let Some(a) = ad_id {
            tx.execute("UPDATE ads SET source = 'report' WHERE id = ?1", params![a])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Reports, newest first.
    pub fn reports(&self, limit: usize) -> Result<Vec<ReportRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, url, comment, submitted_at, times, status, ad_id, error FROM reports ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit as i64], |r| {
            Ok(ReportRow {
                id: r.get(0)?,
                url: r.get(1)?,
                comment: r.get(2)?,
                submitted_at: r.get(3)?,
                times: r.get(4)?,
                status: r.get(5)?,
                ad_id: r.get(6)?,
                error: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Figures for public reports.
    pub fn report_stats(&self) -> Result<ReportStats> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*), COALESCE(SUM(r.times), 0), COALESCE(SUM(r.status IN ('queued', 'fetching')), 0), \
             COALESCE(SUM(r.status = 'done'), 0), COALESCE(SUM(r.status = 'failed'), 0), \
             COALESCE(SUM(a.relevant), 0) FROM reports r LEFT JOIN ads a ON a.id = r.ad_id",
            [],
            |r| {
                Ok(ReportStats {
                    received: r.get(0)?,
                    submissions: r.get(1)?,
                    queued: r.get(2)?,
                    done: r.get(3)?,
                    failed: r.get(4)?,
                    relevant: r.get(5)?,
                })
            },
        )?)
    }

    /// A stored page by id (for the archive view).
    pub fn page(&self, id: i64) -> Result<Option<PageRecord>> {
        Ok(self
            .conn
            .query_row(
                "SELECT url, final_url, status, kind, content_type, charset, body_sha256, warc_file, \
                 warc_offset, warc_length, fetched_at, error FROM pages WHERE id = ?1",
                params![id],
                crate::sqlite::page_from_row,
            )
            .optional()?)
    }
}

/// Distinct values for filter menus.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Facets {
    /// Platforms.
    pub platforms: Vec<String>,
    /// Countries.
    pub countries: Vec<String>,
    /// Languages.
    pub languages: Vec<String>,
    /// Campaigns.
    pub campaigns: Vec<String>,
    /// Species.
    pub species: Vec<String>,
}
