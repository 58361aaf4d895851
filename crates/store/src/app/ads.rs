//! The ads list, one ad with everything known about it, the filter menus and archived pages.

use crate::contract::{Notices, Reviews};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{AdQuery, StoredReview};
use crate::sqlite::vocab;
use crate::{AdContent, Category, PageRecord, Result, ReviewStatus, Risk, SqliteStore, StoreError};

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
    pub category: Category,
    /// high / medium / low / none.
    pub risk: Risk,
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
    pub review_status: ReviewStatus,
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
        category: vocab(r, 7)?,
        risk: vocab(r, 8)?,
        risk_score: r.get(9)?,
        price_eur: r.get(10)?,
        specimens: r.get(11)?,
        species: species
            .map(|s| s.split('|').map(str::to_string).collect())
            .unwrap_or_default(),
        seller: r.get(13)?,
        review_status: vocab(r, 14)?,
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
    pub risk: Risk,
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

impl crate::contract::AdQueries for SqliteStore {
    /// A page of the ads list. The page's ids are chosen first, sorting only ids and sort keys
    /// (a deep page skips index entries, not whole rows), then only those rows are read with
    /// their species and seller.
    fn ad_page(&self, q: &AdQuery) -> Result<AdPage> {
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
    fn ad_count(&self, q: &AdQuery) -> Result<i64> {
        let mut args = Vec::new();
        let mut sql = String::from("SELECT COUNT(*) FROM ads a");
        sql.push_str(&q.where_clause(&mut args, true));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        Ok(stmt.query_row(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?)
    }

    /// Ads stored per platform.
    fn platform_counts(&self) -> Result<Vec<(String, i64)>> {
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
    fn facets(&self) -> Result<Facets> {
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
    fn ad_detail(&self, id: i64) -> Result<AdDetail> {
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
        let campaign = self
            .conn
            .query_row(
                "SELECT c.name FROM ads a JOIN campaigns c ON c.id = a.campaign_id WHERE a.id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(AdDetail {
            content: serde_json::from_str(&content)?,
            detection: serde_json::from_str(&detection)?,
            versions: self.versions_of(id)?,
            pages: self.pages_of(&summary.url)?,
            seller: self.seller_of(id)?,
            review: self.review(id)?,
            campaign,
            summary,
        })
    }

    /// A stored page by id (for the archive view).
    fn page(&self, id: i64) -> Result<Option<PageRecord>> {
        self.page_record(id)
    }
}

impl SqliteStore {
    /// Every version of an ad, oldest first, with its risk then.
    fn versions_of(&self, id: i64) -> Result<Vec<VersionInfo>> {
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
                    risk: vocab(r, 3)?,
                    page_id: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(versions)
    }

    /// The pages fetched for an ad's URL, oldest first.
    fn pages_of(&self, url: &str) -> Result<Vec<PageInfo>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, status, kind, fetched_at, body_sha256, warc_file, warc_offset FROM pages \
             WHERE url = ?1 ORDER BY id",
        )?;
        let pages = stmt
            .query_map(params![url], |r| {
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
        Ok(pages)
    }

    /// An ad's seller with its contacts (sorted) and number of ads.
    fn seller_of(&self, id: i64) -> Result<Option<SellerInfo>> {
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
        let Some(mut s) = seller else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT contact FROM seller_contacts WHERE seller_id = ?1 ORDER BY contact",
        )?;
        s.contacts = stmt
            .query_map(params![s.id], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Some(s))
    }
}
