//! Public reports of ads and the dashboard's figures per campaign.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::{Result, SqliteStore, StoreError};

/// Pages of one platform, of one kind, as fetched (for saying why a platform gave nothing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlatformPages {
    /// Platform (adapter) name.
    pub platform: String,
    /// What the page was fetched as (`search`, `ad`).
    pub fetched_as: String,
    /// What it turned out to be (`search`, `search-no-links`, `ad`, `ad-unmatched`, `blocked`,
    /// `gone`, `error`).
    pub kind: String,
    /// How many.
    pub pages: i64,
    /// First and last fetch (Unix seconds).
    pub first: i64,
    /// Last fetch.
    pub last: i64,
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

impl crate::contract::PublicReports for SqliteStore {
    // ---- dashboard ----------------------------------------------------------------------------

    /// Pages fetched in the last `days` days, counted per platform, fetched-as and page kind.
    fn platform_pages(&self, days: i64) -> Result<Vec<PlatformPages>> {
        let since = crate::now() - days * 86_400;
        let mut stmt = self.conn.prepare_cached(
            "SELECT f.platform, f.kind, p.kind, COUNT(*), MIN(p.fetched_at), MAX(p.fetched_at) \
             FROM pages p JOIN frontier f ON f.campaign_id = p.campaign_id AND f.url = p.url \
             WHERE p.fetched_at >= ?1 AND f.kind <> 'photo' \
             GROUP BY f.platform, f.kind, p.kind ORDER BY f.platform, f.kind, p.kind",
        )?;
        let rows = stmt.query_map(params![since], |r| {
            Ok(PlatformPages {
                platform: r.get(0)?,
                fetched_as: r.get(1)?,
                kind: r.get(2)?,
                pages: r.get(3)?,
                first: r.get(4)?,
                last: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Figures per campaign.
    fn campaign_stats(&self) -> Result<Vec<CampaignStats>> {
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
    fn add_report(
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
    fn take_report(&mut self) -> Result<Option<(i64, String)>> {
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
    fn finish_report(
        &mut self,
        id: i64,
        status: &str,
        ad_id: Option<i64>,
        error: Option<&str>,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        let n = tx.execute(
            "UPDATE reports SET status = ?2, ad_id = ?3, error = ?4, done_at = ?5 WHERE id = ?1",
            params![id, status, ad_id, error, crate::now()],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("no report with id {id}")));
        }
        if let Some(a) = ad_id {
            tx.execute("UPDATE ads SET source = 'report' WHERE id = ?1", params![a])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Reports, newest first.
    fn reports(&self, limit: usize) -> Result<Vec<ReportRow>> {
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
    fn report_stats(&self) -> Result<ReportStats> {
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
}
