//! [`PublicReports`] on PostgreSQL: the public report form's queue and the dashboard's figures,
//! as on SQLite (the same statements with PostgreSQL's placeholders; flags are BOOLEAN here, so
//! the counts are `COUNT(*) FILTER (…)` where SQLite sums 0/1 columns, and a sum of a BIGINT
//! column is cast back from NUMERIC).

use wildwatch_store::app::{CampaignStats, PlatformPages, ReportOutcome, ReportRow, ReportStats};
use wildwatch_store::{PublicReports, StoreError};

use crate::{pg, PgStore, Result};

impl PublicReports for PgStore {
    fn platform_pages(&self, days: i64) -> Result<Vec<PlatformPages>> {
        let since = wildwatch_store::now() - days * 86_400;
        let rows = self.with_client(|c| {
            c.query(
                "SELECT f.platform, f.kind, p.kind, COUNT(*), MIN(p.fetched_at), MAX(p.fetched_at) \
                 FROM pages p JOIN frontier f ON f.campaign_id = p.campaign_id AND f.url = p.url \
                 WHERE p.fetched_at >= $1 AND f.kind <> 'photo' \
                 GROUP BY f.platform, f.kind, p.kind ORDER BY f.platform, f.kind, p.kind",
                &[&since],
            )
            .map_err(pg)
        })?;
        Ok(rows
            .iter()
            .map(|r| PlatformPages {
                platform: r.get(0),
                fetched_as: r.get(1),
                kind: r.get(2),
                pages: r.get(3),
                first: r.get(4),
                last: r.get(5),
            })
            .collect())
    }

    fn campaign_stats(&self) -> Result<Vec<CampaignStats>> {
        let rows = self.with_client(|c| {
            c.query(
                "SELECT c.name, COUNT(a.id), COUNT(*) FILTER (WHERE a.relevant), \
                 COUNT(*) FILTER (WHERE a.risk = 'high'), \
                 COALESCE(SUM(CASE WHEN a.relevant THEN COALESCE(a.specimens, 1) ELSE 0 END), 0)::BIGINT, \
                 COALESCE(SUM(CASE WHEN a.relevant THEN a.price_eur ELSE 0 END), 0)::DOUBLE PRECISION, \
                 COUNT(*) FILTER (WHERE a.relevant AND a.gone_at IS NOT NULL), \
                 COUNT(*) FILTER (WHERE a.review_status <> 'unreviewed'), \
                 COUNT(*) FILTER (WHERE a.takedown), \
                 (SELECT COUNT(*) FROM frontier f WHERE f.campaign_id = c.id AND f.state = 'pending') \
                 FROM campaigns c LEFT JOIN ads a ON a.campaign_id = c.id GROUP BY c.id ORDER BY c.name",
                &[],
            )
            .map_err(pg)
        })?;
        Ok(rows
            .iter()
            .map(|r| CampaignStats {
                name: r.get(0),
                ads: r.get(1),
                relevant: r.get(2),
                high_risk: r.get(3),
                specimens: r.get(4),
                value_eur: r.get(5),
                removed: r.get(6),
                reviewed: r.get(7),
                takedown: r.get(8),
                pending: r.get(9),
            })
            .collect())
    }

    fn add_report(
        &mut self,
        url: &str,
        url_key: &str,
        comment: &str,
        submitter: &str,
    ) -> Result<(i64, ReportOutcome)> {
        self.with_client(|c| {
            let mut tx = c.transaction().map_err(pg)?;
            let new = tx
                .query_opt(
                    "INSERT INTO reports(url, url_key, comment, submitted_at, submitter) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (url_key) DO NOTHING RETURNING id",
                    &[
                        &url,
                        &url_key,
                        &comment,
                        &wildwatch_store::now(),
                        &submitter,
                    ],
                )
                .map_err(pg)?;
            let out = match new {
                Some(r) => (r.get(0), ReportOutcome::New),
                None => {
                    // Reports are never deleted: the row that conflicted is still there.
                    let r = tx
                        .query_one(
                            "UPDATE reports SET times = times + 1, \
                             comment = CASE WHEN $2::TEXT <> '' AND length(comment) < 4000 \
                             THEN comment || chr(10) || $2::TEXT ELSE comment END \
                             WHERE url_key = $1 RETURNING id",
                            &[&url_key, &comment],
                        )
                        .map_err(pg)?;
                    (r.get(0), ReportOutcome::Duplicate)
                }
            };
            tx.commit().map_err(pg)?;
            Ok(out)
        })
    }

    fn take_report(&mut self) -> Result<Option<(i64, String)>> {
        // One statement; a report another session is taking right now is skipped, not waited for.
        let row = self.with_client(|c| {
            c.query_opt(
                "UPDATE reports SET status = 'fetching' WHERE id = ( \
                 SELECT id FROM reports WHERE status IN ('queued', 'fetching') \
                 ORDER BY status = 'queued', id LIMIT 1 FOR UPDATE SKIP LOCKED) \
                 RETURNING id, url",
                &[],
            )
            .map_err(pg)
        })?;
        Ok(row.map(|r| (r.get(0), r.get(1))))
    }

    fn finish_report(
        &mut self,
        id: i64,
        status: &str,
        ad_id: Option<i64>,
        error: Option<&str>,
    ) -> Result<()> {
        self.with_client(|c| {
            let mut tx = c.transaction().map_err(pg)?;
            let n = tx
                .execute(
                    "UPDATE reports SET status = $2, ad_id = $3, error = $4, done_at = $5 \
                     WHERE id = $1",
                    &[&id, &status, &ad_id, &error, &wildwatch_store::now()],
                )
                .map_err(pg)?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("no report with id {id}")));
            }
            if let Some(a) = ad_id {
                tx.execute("UPDATE ads SET source = 'report' WHERE id = $1", &[&a])
                    .map_err(pg)?;
            }
            tx.commit().map_err(pg)
        })
    }

    fn reports(&self, limit: usize) -> Result<Vec<ReportRow>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.with_client(|c| {
            c.query(
                "SELECT id, url, comment, submitted_at, times, status, ad_id, error FROM reports \
                 ORDER BY id DESC LIMIT $1",
                &[&limit],
            )
            .map_err(pg)
        })?;
        Ok(rows
            .iter()
            .map(|r| ReportRow {
                id: r.get(0),
                url: r.get(1),
                comment: r.get(2),
                submitted_at: r.get(3),
                times: r.get(4),
                status: r.get(5),
                ad_id: r.get(6),
                error: r.get(7),
            })
            .collect())
    }

    fn report_stats(&self) -> Result<ReportStats> {
        let r = self.with_client(|c| {
            c.query_one(
                "SELECT COUNT(*), COALESCE(SUM(r.times), 0)::BIGINT, \
                 COUNT(*) FILTER (WHERE r.status IN ('queued', 'fetching')), \
                 COUNT(*) FILTER (WHERE r.status = 'done'), \
                 COUNT(*) FILTER (WHERE r.status = 'failed'), \
                 COUNT(*) FILTER (WHERE a.relevant) \
                 FROM reports r LEFT JOIN ads a ON a.id = r.ad_id",
                &[],
            )
            .map_err(pg)
        })?;
        Ok(ReportStats {
            received: r.get(0),
            submissions: r.get(1),
            queued: r.get(2),
            done: r.get(3),
            failed: r.get(4),
            relevant: r.get(5),
        })
    }
}
