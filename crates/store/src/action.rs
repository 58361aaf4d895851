//! What acting on findings needs from the store: takedown notices sent to platforms (and the ads
//! each named, so that revisits measure removal after notice), and platform policy audits.

/// Schema version 5: takedown notices and policy audits.
pub(crate) const MIGRATION_5: &str = r#"
    CREATE TABLE notices (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER REFERENCES campaigns(id),
        platform TEXT NOT NULL,
        lang TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        csv_sha256 TEXT NOT NULL,
        letter_sha256 TEXT NOT NULL,
        sent_at INTEGER,
        sent_by TEXT,
        channel TEXT
    );
    CREATE INDEX notices_campaign ON notices(campaign_id, platform);
    CREATE TABLE notice_ads (
        notice_id INTEGER NOT NULL REFERENCES notices(id),
        ad_id INTEGER NOT NULL REFERENCES ads(id),
        PRIMARY KEY (notice_id, ad_id)
    );
    CREATE INDEX notice_ads_ad ON notice_ads(ad_id);
    CREATE TABLE policy_audits (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        site TEXT NOT NULL,
        platform TEXT,
        audited_at INTEGER NOT NULL,
        verdict TEXT NOT NULL,
        result TEXT NOT NULL
    );
    CREATE INDEX policy_audits_campaign ON policy_audits(campaign_id, site, id);
"#;

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::contract::Notices;
use crate::{AdContent, PageRecord, Result, SqliteStore, StoreError};

/// An ad marked for takedown and not yet named in any notice, with what a notice needs.
#[derive(Debug, Clone, Serialize)]
pub struct TakedownAd {
    /// Ad id.
    pub id: i64,
    /// Platform.
    pub platform: String,
    /// Ad URL.
    pub url: String,
    /// The platform's own id.
    pub external_id: Option<String>,
    /// Title (newest version).
    pub title: String,
    /// Country of the platform.
    pub country: Option<String>,
    /// Language of the newest version as stored (the adapter's, for crawled ads).
    pub content_lang: Option<String>,
    /// Species as detected: (scientific name, CITES appendix, EU annex).
    pub detected_species: Vec<(String, Option<String>, Option<String>)>,
    /// Species as confirmed or corrected by the analyst (scientific names), when reviewed.
    pub reviewed_species: Option<Vec<String>>,
    /// The page the newest version was read from.
    pub page: Option<PageRecord>,
}

/// A new notice to record.
#[derive(Debug, Clone, Default)]
pub struct NewNotice {
    /// Campaign id.
    pub campaign_id: i64,
    /// Platform.
    pub platform: String,
    /// Language of the letter and CSV.
    pub lang: String,
    /// Who prepared it.
    pub created_by: String,
    /// SHA-256 of the CSV as written.
    pub csv_sha256: String,
    /// SHA-256 of the letter as written.
    pub letter_sha256: String,
    /// The ads it names.
    pub ad_ids: Vec<i64>,
    /// Extra detail for the audit log (file names, reference).
    pub detail: serde_json::Value,
}

/// A stored notice with its figures.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeRow {
    /// Id.
    pub id: i64,
    /// Campaign name.
    pub campaign: Option<String>,
    /// Platform.
    pub platform: String,
    /// Language.
    pub lang: String,
    /// Prepared (Unix seconds).
    pub created_at: i64,
    /// By whom.
    pub created_by: String,
    /// SHA-256 of the CSV.
    pub csv_sha256: String,
    /// SHA-256 of the letter.
    pub letter_sha256: String,
    /// Sent (Unix seconds).
    pub sent_at: Option<i64>,
    /// Recorded as sent by.
    pub sent_by: Option<String>,
    /// email / form / api / other.
    pub channel: Option<String>,
    /// Ads named.
    pub ads: i64,
    /// Of those, gone at any time.
    pub gone: i64,
    /// Of those, gone after the notice was sent.
    pub gone_since_sent: i64,
}

/// What recording a notice did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeOutcome {
    /// Recorded with this id.
    Recorded(i64),
    /// Nothing written: this ad is already named in that notice.
    AlreadyNamed {
        /// The ad.
        ad: i64,
        /// The notice naming it.
        notice: i64,
    },
}

/// What marking a notice sent did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SentOutcome {
    /// Recorded now.
    Recorded,
    /// No notice with that id.
    Unknown,
    /// Already recorded as sent at this time (Unix seconds).
    AlreadySent(i64),
}

/// One version of an ad with its detection and the page it came from.
#[derive(Debug, Clone, Serialize)]
pub struct VersionRecord {
    /// From 1.
    pub version: i64,
    /// Seen (Unix seconds).
    pub seen_at: i64,
    /// The ad as read.
    pub content: AdContent,
    /// The detection (scan output).
    pub detection: serde_json::Value,
    /// The page id it was read from.
    pub page_id: Option<i64>,
}

/// A notice that names an ad.
#[derive(Debug, Clone, Serialize)]
pub struct AdNotice {
    /// Notice id.
    pub id: i64,
    /// Prepared (Unix seconds).
    pub created_at: i64,
    /// Sent (Unix seconds).
    pub sent_at: Option<i64>,
    /// Channel.
    pub channel: Option<String>,
}

/// Everything stored about one ad, for an evidence package.
#[derive(Debug, Clone, Serialize)]
pub struct AdRecord {
    /// Id.
    pub id: i64,
    /// Campaign name.
    pub campaign: Option<String>,
    /// Platform.
    pub platform: String,
    /// URL.
    pub url: String,
    /// The platform's own id.
    pub external_id: Option<String>,
    /// First seen (Unix seconds).
    pub first_seen: i64,
    /// Last seen (Unix seconds).
    pub last_seen: i64,
    /// Gone since (Unix seconds).
    pub gone_at: Option<i64>,
    /// Marked for takedown.
    pub takedown: bool,
    /// Marked for enforcement.
    pub enforcement: bool,
    /// Seller key (`s12`, or `a40` for an ad without a seller name).
    pub seller_key: String,
    /// Every version, oldest first.
    pub versions: Vec<VersionRecord>,
    /// Every page fetched for the ad's URL, oldest first: (page id, page).
    pub pages: Vec<(i64, PageRecord)>,
    /// Notices naming the ad.
    pub notices: Vec<AdNotice>,
}

const PAGE_COLS: &str =
    "url, final_url, status, kind, content_type, charset, body_sha256, warc_file, \
     warc_offset, warc_length, fetched_at, error";

impl Notices for SqliteStore {
    /// The campaign's ads on `platform` marked for takedown, not gone, and not named in any
    /// notice yet (sent or not: a prepared notice is not prepared twice), oldest first.
    fn takedown_candidates(&self, campaign_id: i64, platform: &str) -> Result<Vec<TakedownAd>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.platform, a.url, a.external_id, a.title, a.country, \
             json_extract(v.content, '$.lang'), v.page_id, \
             (SELECT species FROM reviews r WHERE r.ad_id = a.id) \
             FROM ads a JOIN ad_versions v ON v.ad_id = a.id AND v.version = a.versions \
             WHERE a.campaign_id = ?1 AND a.platform = ?2 AND a.takedown = 1 AND a.gone_at IS NULL \
             AND NOT EXISTS (SELECT 1 FROM notice_ads na WHERE na.ad_id = a.id) ORDER BY a.id",
        )?;
        let rows = stmt
            .query_map(params![campaign_id, platform], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<i64>>(7)?,
                    r.get::<_, Option<String>>(8)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out = Vec::with_capacity(rows.len());
        let mut species = self.conn.prepare_cached(
            "SELECT scientific_name, cites, eu_annex FROM ad_species WHERE ad_id = ?1 ORDER BY scientific_name",
        )?;
        for (id, platform, url, external_id, title, country, content_lang, page_id, reviewed) in
            rows
        {
            let detected_species = species
                .query_map(params![id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let reviewed_species = reviewed
                .map(|s| serde_json::from_str::<Vec<String>>(&s))
                .transpose()?
                .filter(|v| !v.is_empty());
            let page = match page_id {
                Some(p) => self.page_record(p)?,
                None => None,
            };
            out.push(TakedownAd {
                id,
                platform,
                url,
                external_id,
                title,
                country,
                content_lang,
                detected_species,
                reviewed_species,
                page,
            });
        }
        Ok(out)
    }

    /// Notices of the campaign on the platform not yet recorded as sent: (id, ads named).
    fn unsent_notices(&self, campaign_id: i64, platform: &str) -> Result<Vec<(i64, i64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT n.id, (SELECT COUNT(*) FROM notice_ads na WHERE na.notice_id = n.id) FROM notices n \
             WHERE n.campaign_id = ?1 AND n.platform = ?2 AND n.sent_at IS NULL ORDER BY n.id",
        )?;
        let rows = stmt.query_map(params![campaign_id, platform], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Records a notice, the ads it names and its audit-log entries in one transaction.
    /// Refuses (without writing) when one of the ads is already named in a notice, which
    /// happens only when two people prepare the same notice at once.
    fn record_notice(&mut self, n: &NewNotice) -> Result<NoticeOutcome> {
        let tx = self.conn.transaction()?;
        let at = crate::now();
        for ad in &n.ad_ids {
            let named: Option<i64> = tx
                .query_row(
                    "SELECT notice_id FROM notice_ads WHERE ad_id = ?1 LIMIT 1",
                    params![ad],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(notice) = named {
                return Ok(NoticeOutcome::AlreadyNamed { ad: *ad, notice });
            }
        }
        tx.execute(
            "INSERT INTO notices(campaign_id, platform, lang, created_at, created_by, csv_sha256, letter_sha256) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                n.campaign_id,
                n.platform,
                n.lang,
                at,
                n.created_by,
                n.csv_sha256,
                n.letter_sha256
            ],
        )?;
        let id = tx.last_insert_rowid();
        {
            let mut ins =
                tx.prepare_cached("INSERT INTO notice_ads(notice_id, ad_id) VALUES (?1, ?2)")?;
            let mut audit = tx.prepare_cached(
                "INSERT INTO audit_log(at, username, action, ad_id, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let detail = serde_json::json!({
                "notice": id,
                "platform": n.platform,
                "lang": n.lang,
                "ads": n.ad_ids,
                "csv_sha256": n.csv_sha256,
                "letter_sha256": n.letter_sha256,
                "files": n.detail,
            })
            .to_string();
            audit.execute(params![
                at,
                n.created_by,
                "takedown.notice",
                None::<i64>,
                detail
            ])?;
            for ad in &n.ad_ids {
                ins.execute(params![id, ad])?;
                audit.execute(params![
                    at,
                    n.created_by,
                    "takedown.notice.ad",
                    ad,
                    serde_json::json!({ "notice": id }).to_string()
                ])?;
            }
        }
        tx.commit()?;
        Ok(NoticeOutcome::Recorded(id))
    }

    /// Records that a notice was sent, once; with its audit-log entry.
    fn mark_notice_sent(
        &mut self,
        id: i64,
        at: i64,
        by: &str,
        channel: &str,
    ) -> Result<SentOutcome> {
        let tx = self.conn.transaction()?;
        let current: Option<Option<i64>> = tx
            .query_row(
                "SELECT sent_at FROM notices WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()?;
        match current {
            None => return Ok(SentOutcome::Unknown),
            Some(Some(t)) => return Ok(SentOutcome::AlreadySent(t)),
            Some(None) => {}
        }
        tx.execute(
            "UPDATE notices SET sent_at = ?2, sent_by = ?3, channel = ?4 WHERE id = ?1 AND sent_at IS NULL",
            params![id, at, by, channel],
        )?;
        tx.execute(
            "INSERT INTO audit_log(at, username, action, ad_id, detail) VALUES (?1, ?2, ?3, NULL, ?4)",
            params![
                crate::now(),
                by,
                "takedown.sent",
                serde_json::json!({"notice": id, "sent_at": at, "channel": channel}).to_string()
            ],
        )?;
        tx.commit()?;
        Ok(SentOutcome::Recorded)
    }

    /// Notices (of one campaign, or all), newest first, with how many of their ads are gone.
    fn notices(&self, campaign_id: Option<i64>) -> Result<Vec<NoticeRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT n.id, c.name, n.platform, n.lang, n.created_at, n.created_by, n.csv_sha256, \
             n.letter_sha256, n.sent_at, n.sent_by, n.channel, \
             (SELECT COUNT(*) FROM notice_ads na WHERE na.notice_id = n.id), \
             (SELECT COUNT(*) FROM notice_ads na JOIN ads a ON a.id = na.ad_id \
              WHERE na.notice_id = n.id AND a.gone_at IS NOT NULL), \
             (SELECT COUNT(*) FROM notice_ads na JOIN ads a ON a.id = na.ad_id \
              WHERE na.notice_id = n.id AND n.sent_at IS NOT NULL AND a.gone_at >= n.sent_at) \
             FROM notices n LEFT JOIN campaigns c ON c.id = n.campaign_id \
             WHERE (?1 IS NULL OR n.campaign_id = ?1) ORDER BY n.id DESC",
        )?;
        let rows = stmt.query_map(params![campaign_id], |r| {
            Ok(NoticeRow {
                id: r.get(0)?,
                campaign: r.get(1)?,
                platform: r.get(2)?,
                lang: r.get(3)?,
                created_at: r.get(4)?,
                created_by: r.get(5)?,
                csv_sha256: r.get(6)?,
                letter_sha256: r.get(7)?,
                sent_at: r.get(8)?,
                sent_by: r.get(9)?,
                channel: r.get(10)?,
                ads: r.get(11)?,
                gone: r.get(12)?,
                gone_since_sent: r.get(13)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The ads a notice names.
    fn notice_ad_ids(&self, notice_id: i64) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT ad_id FROM notice_ads WHERE notice_id = ?1 ORDER BY ad_id")?;
        let rows = stmt.query_map(params![notice_id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Ids of a campaign's ads (only those marked for takedown when `takedown_only`).
    fn campaign_ad_ids(&self, campaign_id: i64, takedown_only: bool) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM ads WHERE campaign_id = ?1 AND (?2 = 0 OR takedown = 1) ORDER BY id",
        )?;
        let rows = stmt.query_map(params![campaign_id, takedown_only], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// A stored page by id, with its evidence location.
    fn page_record(&self, id: i64) -> Result<Option<PageRecord>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {PAGE_COLS} FROM pages WHERE id = ?1"),
                params![id],
                crate::sqlite::page_from_row,
            )
            .optional()?)
    }

    /// Everything stored about one ad, for an evidence package.
    fn ad_record(&self, id: i64) -> Result<AdRecord> {
        type Head = (
            String,
            String,
            Option<String>,
            i64,
            i64,
            Option<i64>,
            bool,
            bool,
            Option<i64>,
            Option<String>,
        );
        let head: Head = self
            .conn
            .query_row(
                "SELECT a.platform, a.url, a.external_id, a.first_seen, a.last_seen, a.gone_at, \
                 a.takedown, a.enforcement, a.seller_id, c.name FROM ads a \
                 LEFT JOIN campaigns c ON c.id = a.campaign_id WHERE a.id = ?1",
                params![id],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get::<_, i64>(6)? != 0,
                        r.get::<_, i64>(7)? != 0,
                        r.get(8)?,
                        r.get(9)?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("no ad with id {id}")))?;
        let (platform, url, external_id, first_seen, last_seen, gone_at, takedown, enforcement) = (
            head.0, head.1, head.2, head.3, head.4, head.5, head.6, head.7,
        );
        let mut stmt = self.conn.prepare_cached(
            "SELECT v.version, v.seen_at, v.content, d.json, v.page_id FROM ad_versions v \
             LEFT JOIN detections d ON d.ad_id = v.ad_id AND d.version = v.version \
             WHERE v.ad_id = ?1 ORDER BY v.version",
        )?;
        let raw = stmt
            .query_map(params![id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<i64>>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut versions = Vec::with_capacity(raw.len());
        for (version, seen_at, content, det, page_id) in raw {
            versions.push(VersionRecord {
                version,
                seen_at,
                content: serde_json::from_str(&content)?,
                detection: det
                    .map(|d| serde_json::from_str(&d))
                    .transpose()?
                    .unwrap_or(serde_json::Value::Null),
                page_id,
            });
        }
        // Pages fetched for the URL, and any other page a version was read from.
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, {PAGE_COLS} FROM pages WHERE url = ?1 OR final_url = ?1 \
             OR id IN (SELECT page_id FROM ad_versions WHERE ad_id = ?2) ORDER BY id"
        ))?;
        let pages = stmt
            .query_map(params![url, id], |r| {
                let pid: i64 = r.get(0)?;
                let p = PageRecord {
                    url: r.get(1)?,
                    final_url: r.get(2)?,
                    status: r.get::<_, i64>(3)? as u16,
                    kind: r.get(4)?,
                    content_type: r.get(5)?,
                    charset: r.get(6)?,
                    body_sha256: r.get(7)?,
                    warc_file: r.get(8)?,
                    warc_offset: r.get::<_, Option<i64>>(9)?.map(|v| v as u64),
                    warc_length: r.get::<_, Option<i64>>(10)?.map(|v| v as u64),
                    fetched_at: r.get(11)?,
                    error: r.get(12)?,
                };
                Ok((pid, p))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT n.id, n.created_at, n.sent_at, n.channel FROM notice_ads na \
             JOIN notices n ON n.id = na.notice_id WHERE na.ad_id = ?1 ORDER BY n.id",
        )?;
        let notices = stmt
            .query_map(params![id], |r| {
                Ok(AdNotice {
                    id: r.get(0)?,
                    created_at: r.get(1)?,
                    sent_at: r.get(2)?,
                    channel: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(AdRecord {
            id,
            campaign: head.9,
            platform,
            url,
            external_id,
            first_seen,
            last_seen,
            gone_at,
            takedown,
            enforcement,
            seller_key: match head.8 {
                Some(s) => format!("s{s}"),
                None => format!("a{id}"),
            },
            versions,
            pages,
            notices,
        })
    }

    /// One network's stored summary.
    fn network_summary(&self, id: i64) -> Result<Option<serde_json::Value>> {
        let s: Option<String> = self
            .conn
            .query_row(
                "SELECT summary FROM networks WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(s.map(|s| serde_json::from_str(&s)).transpose()?)
    }
}
