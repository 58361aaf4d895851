//! [`Notices`] on PostgreSQL: takedown notices (with the ads each names and their audit-log
//! entries, in one transaction) and the evidence of an ad, as on SQLite.
//!
//! An ad is named in one notice at most. Recording a notice first locks the rows of the ads it
//! names (in id order, so that two recorders cannot deadlock), then checks `notice_ads`: a second
//! process recording a notice for the same ads waits for the first to commit and then sees its
//! rows, and refuses without writing, as SQLite's single writer does.

use postgres::Row;
use wildwatch_store::action::{
    AdNotice, AdRecord, NewNotice, NoticeOutcome, NoticeRow, SentOutcome, TakedownAd, VersionRecord,
};
use wildwatch_store::{Notices, PageRecord, StoreError};

use crate::store::page_from_row;
use crate::{pg, PgStore, Result};

const PAGE_COLS: &str =
    "url, final_url, status, kind, content_type, charset, body_sha256, warc_file, \
     warc_offset, warc_length, fetched_at, error";

fn notice_from_row(r: &Row) -> NoticeRow {
    NoticeRow {
        id: r.get(0),
        campaign: r.get(1),
        platform: r.get(2),
        lang: r.get(3),
        created_at: r.get(4),
        created_by: r.get(5),
        csv_sha256: r.get(6),
        letter_sha256: r.get(7),
        sent_at: r.get(8),
        sent_by: r.get(9),
        channel: r.get(10),
        ads: r.get(11),
        gone: r.get(12),
        gone_since_sent: r.get(13),
    }
}

impl Notices for PgStore {
    fn takedown_candidates(&self, campaign_id: i64, platform: &str) -> Result<Vec<TakedownAd>> {
        let rows = self.with_client(|c| {
            c.query(
                "SELECT a.id, a.platform, a.url, a.external_id, a.title, a.country, \
                 v.content::jsonb ->> 'lang', v.page_id, \
                 (SELECT species FROM reviews r WHERE r.ad_id = a.id) \
                 FROM ads a JOIN ad_versions v ON v.ad_id = a.id AND v.version = a.versions \
                 WHERE a.campaign_id = $1 AND a.platform = $2 AND a.takedown \
                 AND a.gone_at IS NULL \
                 AND NOT EXISTS (SELECT 1 FROM notice_ads na WHERE na.ad_id = a.id) ORDER BY a.id",
                &[&campaign_id, &platform],
            )
            .map_err(pg)
        })?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: i64 = r.get(0);
            let detected_species = self
                .with_client(|c| {
                    c.query(
                        "SELECT scientific_name, cites, eu_annex FROM ad_species WHERE ad_id = $1 \
                         ORDER BY scientific_name",
                        &[&id],
                    )
                    .map_err(pg)
                })?
                .iter()
                .map(|s| (s.get(0), s.get(1), s.get(2)))
                .collect();
            let reviewed_species = r
                .get::<_, Option<String>>(8)
                .map(|s| serde_json::from_str::<Vec<String>>(&s))
                .transpose()?
                .filter(|v| !v.is_empty());
            let page = match r.get::<_, Option<i64>>(7) {
                Some(p) => self.page_record(p)?,
                None => None,
            };
            out.push(TakedownAd {
                id,
                platform: r.get(1),
                url: r.get(2),
                external_id: r.get(3),
                title: r.get(4),
                country: r.get(5),
                content_lang: r.get(6),
                detected_species,
                reviewed_species,
                page,
            });
        }
        Ok(out)
    }

    fn unsent_notices(&self, campaign_id: i64, platform: &str) -> Result<Vec<(i64, i64)>> {
        let rows = self.with_client(|c| {
            c.query(
                "SELECT n.id, (SELECT COUNT(*) FROM notice_ads na WHERE na.notice_id = n.id) \
                 FROM notices n \
                 WHERE n.campaign_id = $1 AND n.platform = $2 AND n.sent_at IS NULL ORDER BY n.id",
                &[&campaign_id, &platform],
            )
            .map_err(pg)
        })?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    fn record_notice(&mut self, n: &NewNotice) -> Result<NoticeOutcome> {
        let detail_of = |id: i64| {
            serde_json::json!({
                "notice": id,
                "platform": n.platform,
                "lang": n.lang,
                "ads": n.ad_ids,
                "csv_sha256": n.csv_sha256,
                "letter_sha256": n.letter_sha256,
                "files": n.detail,
            })
            .to_string()
        };
        self.with_client(|c| {
            let at = wildwatch_store::now();
            let mut tx = c.transaction().map_err(pg)?;
            // Another recorder naming one of these ads waits here until it has committed or
            // rolled back; the check below then sees what it wrote.
            tx.query(
                "SELECT id FROM ads WHERE id = ANY($1) ORDER BY id FOR UPDATE",
                &[&n.ad_ids],
            )
            .map_err(pg)?;
            for ad in &n.ad_ids {
                let named = tx
                    .query_opt(
                        "SELECT notice_id FROM notice_ads WHERE ad_id = $1 LIMIT 1",
                        &[ad],
                    )
                    .map_err(pg)?;
                if let Some(r) = named {
                    return Ok(NoticeOutcome::AlreadyNamed {
                        ad: *ad,
                        notice: r.get(0),
                    });
                }
            }
            let id: i64 = tx
                .query_one(
                    "INSERT INTO notices(campaign_id, platform, lang, created_at, created_by, \
                     csv_sha256, letter_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    &[
                        &n.campaign_id,
                        &n.platform,
                        &n.lang,
                        &at,
                        &n.created_by,
                        &n.csv_sha256,
                        &n.letter_sha256,
                    ],
                )
                .map_err(pg)?
                .get(0);
            let audit = tx
                .prepare(
                    "INSERT INTO audit_log(at, username, action, ad_id, detail) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .map_err(pg)?;
            tx.execute(
                &audit,
                &[
                    &at,
                    &n.created_by,
                    &"takedown.notice",
                    &None::<i64>,
                    &detail_of(id),
                ],
            )
            .map_err(pg)?;
            let ins = tx
                .prepare("INSERT INTO notice_ads(notice_id, ad_id) VALUES ($1, $2)")
                .map_err(pg)?;
            let entry = serde_json::json!({ "notice": id }).to_string();
            for ad in &n.ad_ids {
                tx.execute(&ins, &[&id, ad]).map_err(pg)?;
                tx.execute(
                    &audit,
                    &[
                        &at,
                        &n.created_by,
                        &"takedown.notice.ad",
                        &Some(*ad),
                        &entry,
                    ],
                )
                .map_err(pg)?;
            }
            tx.commit().map_err(pg)?;
            Ok(NoticeOutcome::Recorded(id))
        })
    }

    fn mark_notice_sent(
        &mut self,
        id: i64,
        at: i64,
        by: &str,
        channel: &str,
    ) -> Result<SentOutcome> {
        let detail =
            serde_json::json!({"notice": id, "sent_at": at, "channel": channel}).to_string();
        self.with_client(|c| {
            let mut tx = c.transaction().map_err(pg)?;
            let current = tx
                .query_opt(
                    "SELECT sent_at FROM notices WHERE id = $1 FOR UPDATE",
                    &[&id],
                )
                .map_err(pg)?;
            match current.map(|r| r.get::<_, Option<i64>>(0)) {
                None => return Ok(SentOutcome::Unknown),
                Some(Some(t)) => return Ok(SentOutcome::AlreadySent(t)),
                Some(None) => {}
            }
            tx.execute(
                "UPDATE notices SET sent_at = $2, sent_by = $3, channel = $4 \
                 WHERE id = $1 AND sent_at IS NULL",
                &[&id, &at, &by, &channel],
            )
            .map_err(pg)?;
            tx.execute(
                "INSERT INTO audit_log(at, username, action, ad_id, detail) \
                 VALUES ($1, $2, $3, NULL, $4)",
                &[&wildwatch_store::now(), &by, &"takedown.sent", &detail],
            )
            .map_err(pg)?;
            tx.commit().map_err(pg)?;
            Ok(SentOutcome::Recorded)
        })
    }

    fn notices(&self, campaign_id: Option<i64>) -> Result<Vec<NoticeRow>> {
        let rows = self.with_client(|c| {
            c.query(
                "SELECT n.id, c.name, n.platform, n.lang, n.created_at, n.created_by, n.csv_sha256, \
                 n.letter_sha256, n.sent_at, n.sent_by, n.channel, \
                 (SELECT COUNT(*) FROM notice_ads na WHERE na.notice_id = n.id), \
                 (SELECT COUNT(*) FROM notice_ads na JOIN ads a ON a.id = na.ad_id \
                  WHERE na.notice_id = n.id AND a.gone_at IS NOT NULL), \
                 (SELECT COUNT(*) FROM notice_ads na JOIN ads a ON a.id = na.ad_id \
                  WHERE na.notice_id = n.id AND n.sent_at IS NOT NULL AND a.gone_at >= n.sent_at) \
                 FROM notices n LEFT JOIN campaigns c ON c.id = n.campaign_id \
                 WHERE ($1::BIGINT IS NULL OR n.campaign_id = $1) ORDER BY n.id DESC",
                &[&campaign_id],
            )
            .map_err(pg)
        })?;
        Ok(rows.iter().map(notice_from_row).collect())
    }

    fn notice_ad_ids(&self, notice_id: i64) -> Result<Vec<i64>> {
        let rows = self.with_client(|c| {
            c.query(
                "SELECT ad_id FROM notice_ads WHERE notice_id = $1 ORDER BY ad_id",
                &[&notice_id],
            )
            .map_err(pg)
        })?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn campaign_ad_ids(&self, campaign_id: i64, takedown_only: bool) -> Result<Vec<i64>> {
        let rows = self.with_client(|c| {
            c.query(
                "SELECT id FROM ads WHERE campaign_id = $1 AND (NOT $2 OR takedown) ORDER BY id",
                &[&campaign_id, &takedown_only],
            )
            .map_err(pg)
        })?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn page_record(&self, id: i64) -> Result<Option<PageRecord>> {
        let row = self.with_client(|c| {
            c.query_opt(
                &format!("SELECT {PAGE_COLS} FROM pages WHERE id = $1"),
                &[&id],
            )
            .map_err(pg)
        })?;
        Ok(row.as_ref().map(page_from_row))
    }

    fn ad_record(&self, id: i64) -> Result<AdRecord> {
        let head = self
            .with_client(|c| {
                c.query_opt(
                    "SELECT a.platform, a.url, a.external_id, a.first_seen, a.last_seen, a.gone_at, \
                     a.takedown, a.enforcement, a.seller_id, c.name FROM ads a \
                     LEFT JOIN campaigns c ON c.id = a.campaign_id WHERE a.id = $1",
                    &[&id],
                )
                .map_err(pg)
            })?
            .ok_or_else(|| StoreError::NotFound(format!("no ad with id {id}")))?;
        let url: String = head.get(1);
        let raw = self.with_client(|c| {
            c.query(
                "SELECT v.version, v.seen_at, v.content, d.json, v.page_id FROM ad_versions v \
                 LEFT JOIN detections d ON d.ad_id = v.ad_id AND d.version = v.version \
                 WHERE v.ad_id = $1 ORDER BY v.version",
                &[&id],
            )
            .map_err(pg)
        })?;
        let mut versions = Vec::with_capacity(raw.len());
        for r in &raw {
            versions.push(VersionRecord {
                version: r.get(0),
                seen_at: r.get(1),
                content: serde_json::from_str(r.get(2))?,
                detection: r
                    .get::<_, Option<&str>>(3)
                    .map(serde_json::from_str)
                    .transpose()?
                    .unwrap_or(serde_json::Value::Null),
                page_id: r.get(4),
            });
        }
        // Pages fetched for the URL, and any other page a version was read from.
        let pages = self
            .with_client(|c| {
                c.query(
                    &format!(
                        "SELECT {PAGE_COLS}, id FROM pages WHERE url = $1 OR final_url = $1 \
                         OR id IN (SELECT page_id FROM ad_versions WHERE ad_id = $2) ORDER BY id"
                    ),
                    &[&url, &id],
                )
                .map_err(pg)
            })?
            .iter()
            .map(|r| (r.get::<_, i64>(12), page_from_row(r)))
            .collect();
        let notices = self
            .with_client(|c| {
                c.query(
                    "SELECT n.id, n.created_at, n.sent_at, n.channel FROM notice_ads na \
                     JOIN notices n ON n.id = na.notice_id WHERE na.ad_id = $1 ORDER BY n.id",
                    &[&id],
                )
                .map_err(pg)
            })?
            .iter()
            .map(|r| AdNotice {
                id: r.get(0),
                created_at: r.get(1),
                sent_at: r.get(2),
                channel: r.get(3),
            })
            .collect();
        Ok(AdRecord {
            id,
            campaign: head.get(9),
            platform: head.get(0),
            url,
            external_id: head.get(2),
            first_seen: head.get(3),
            last_seen: head.get(4),
            gone_at: head.get(5),
            takedown: head.get(6),
            enforcement: head.get(7),
            seller_key: match head.get::<_, Option<i64>>(8) {
                Some(s) => format!("s{s}"),
                None => format!("a{id}"),
            },
            versions,
            pages,
            notices,
        })
    }

    fn network_summary(&self, id: i64) -> Result<Option<serde_json::Value>> {
        let row = self.with_client(|c| {
            c.query_opt("SELECT summary FROM networks WHERE id = $1", &[&id])
                .map_err(pg)
        })?;
        Ok(row.map(|r| serde_json::from_str(r.get(0))).transpose()?)
    }
}
