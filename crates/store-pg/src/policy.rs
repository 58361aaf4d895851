//! [`PolicyAudits`] on PostgreSQL: each website's audit (table `policy_audits`, the result as
//! JSON text as on SQLite), and the campaign lookups the campaign page and the audit need.

use wildwatch_store::policy::PolicyAuditRow;
use wildwatch_store::PolicyAudits;

use crate::{pg, PgStore, Result};

impl PolicyAudits for PgStore {
    fn campaign_config(&self, name: &str) -> Result<Option<(i64, serde_json::Value)>> {
        let row = self.with_client(|c| {
            c.query_opt("SELECT id, config FROM campaigns WHERE name = $1", &[&name])
                .map_err(pg)
        })?;
        match row {
            Some(r) => {
                let config: String = r.get(1);
                Ok(Some((r.get(0), serde_json::from_str(&config)?)))
            }
            None => Ok(None),
        }
    }

    fn campaign_platforms(&self, campaign: i64) -> Result<Vec<String>> {
        self.with_client(|c| {
            Ok(c.query(
                // Each platform once, sorted bytewise as on SQLite.
                "SELECT platform FROM ads WHERE campaign_id = $1 \
                 GROUP BY platform ORDER BY platform COLLATE \"C\"",
                &[&campaign],
            )
            .map_err(pg)?
            .iter()
            .map(|r| r.get(0))
            .collect())
        })
    }

    fn notice_files(&self, notice: i64) -> Result<Option<serde_json::Value>> {
        // Only the notices' entries are read as JSON (the CASE keeps the cast off other rows).
        let detail: Option<String> = self.with_client(|c| {
            Ok(c.query_opt(
                "SELECT detail FROM audit_log WHERE action = 'takedown.notice' \
                 AND CASE WHEN action = 'takedown.notice' \
                     THEN detail::jsonb -> 'notice' = to_jsonb($1::BIGINT) ELSE FALSE END \
                 ORDER BY id LIMIT 1",
                &[&notice],
            )
            .map_err(pg)?
            .map(|r| r.get(0)))
        })?;
        match detail {
            Some(d) => {
                let v: serde_json::Value = serde_json::from_str(&d)?;
                // `files` holds the notice's reference and its files.
                let f = &v["files"];
                Ok(Some(if f.get("files").is_some() {
                    f["files"].clone()
                } else {
                    f.clone()
                }))
            }
            None => Ok(None),
        }
    }

    fn save_policy_audit(
        &mut self,
        campaign: i64,
        site: &str,
        platform: Option<&str>,
        verdict: &str,
        result: &serde_json::Value,
    ) -> Result<i64> {
        let result = result.to_string();
        self.with_client(|c| {
            Ok(c.query_one(
                "INSERT INTO policy_audits(campaign_id, site, platform, audited_at, verdict, result) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    &campaign,
                    &site,
                    &platform,
                    &wildwatch_store::now(),
                    &verdict,
                    &result,
                ],
            )
            .map_err(pg)?
            .get(0))
        })
    }

    fn policy_audits(&self, campaign: i64) -> Result<Vec<PolicyAuditRow>> {
        // SQLite sorts NULL first and compares text bytewise: the same order here.
        let rows = self.with_client(|c| {
            c.query(
                "SELECT id, site, platform, audited_at, verdict, result FROM policy_audits p \
                 WHERE campaign_id = $1 AND id = (SELECT MAX(id) FROM policy_audits q \
                                                  WHERE q.campaign_id = p.campaign_id AND q.site = p.site) \
                 ORDER BY platform COLLATE \"C\" NULLS FIRST, site COLLATE \"C\"",
                &[&campaign],
            )
            .map_err(pg)
        })?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let result: String = r.get(5);
            out.push(PolicyAuditRow {
                id: r.get(0),
                site: r.get(1),
                platform: r.get(2),
                audited_at: r.get(3),
                verdict: r.get(4),
                result: serde_json::from_str(&result)?,
            });
        }
        Ok(out)
    }
}
