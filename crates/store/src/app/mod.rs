//! What the analyst web app and API need from the store: a per-ad summary kept up to date on every
//! commit (so lists filter and sort on indexed columns even with hundreds of thousands of ads),
//! users, sessions and API tokens, reviews with their audit log, public reports, and the figures
//! of the dashboard. All SQL here is parameterised; filter values never become SQL text.

mod accounts;
mod ads;
mod query;
mod reports;
mod review;

use crate::sqlite::Cached;
use rusqlite::{params, Transaction};

use crate::{AdContent, DetectionRecord, Result, SqliteStore};

pub use accounts::{Role, TokenRow, User};
pub use ads::{AdDetail, AdPage, AdSummary, Facets, PageInfo, SellerInfo, VersionInfo};
pub use query::{parse_day, percent_encode, AdQuery, REVIEW_FILTERS};
pub use reports::{CampaignStats, PlatformPages, ReportOutcome, ReportRow, ReportStats};
pub use review::{
    json_list, review_changes, AuditEntry, QueueCandidate, Review, ReviewedAd, StoredReview,
};

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
    tx.exec(
        "UPDATE ads SET title = ?2, lang = ?3, country = ?4, relevant = ?5, category = ?6, risk = ?7, \
         risk_score = ?8, price_eur = ?9, specimens = ?10 WHERE id = ?1",
        params![
            ad_id,
            ad.title,
            det.lang,
            ad.country,
            det.relevant,
            det.category.as_str(),
            det.risk.as_str(),
            det.risk_score,
            det.price_eur,
            specimens
        ],
    )?;
    tx.exec("DELETE FROM ad_species WHERE ad_id = ?1", params![ad_id])?;
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

impl SqliteStore {
    /// Opens the store read-only-in-spirit for a web worker: same file, its own connection.
    pub fn connection_count_hint() -> usize {
        4
    }
}
