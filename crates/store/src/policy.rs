//! Platform policy audits (schema 5, table `policy_audits`): one row per website and audit run,
//! with the verdict and the whole result (pages read, passages found) as JSON; and the small
//! campaign lookups the campaign page needs (configuration, platforms, a notice's files).

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::{Result, SqliteStore};

/// A stored audit of one website.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyAuditRow {
    /// Row id.
    pub id: i64,
    /// The site's home page.
    pub site: String,
    /// Platform (adapter) name.
    pub platform: Option<String>,
    /// Unix seconds.
    pub audited_at: i64,
    /// clear / vague / none.
    pub verdict: String,
    /// The audit as JSON (pages, passages, summary).
    pub result: serde_json::Value,
}

impl crate::contract::PolicyAudits for SqliteStore {
    /// A campaign's id and stored configuration (the campaign file as JSON), by name.
    fn campaign_config(&self, name: &str) -> Result<Option<(i64, serde_json::Value)>> {
        let row: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT id, config FROM campaigns WHERE name = ?1",
                params![name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match row {
            Some((id, c)) => Ok(Some((id, serde_json::from_str(&c)?))),
            None => Ok(None),
        }
    }

    /// The platforms a campaign has ads on, by name.
    fn campaign_platforms(&self, campaign: i64) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT platform FROM ads WHERE campaign_id = ?1 ORDER BY platform",
        )?;
        let rows = stmt.query_map(params![campaign], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// The files a takedown notice was written to (`{"csv": PATH, "letter": PATH}`), as recorded
    /// in the audit log when it was prepared.
    fn notice_files(&self, notice: i64) -> Result<Option<serde_json::Value>> {
        let detail: Option<String> = self
            .conn
            .query_row(
                "SELECT detail FROM audit_log WHERE action = 'takedown.notice' \
                 AND json_extract(detail, '$.notice') = ?1 ORDER BY id LIMIT 1",
                params![notice],
                |r| r.get(0),
            )
            .optional()?;
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

    /// Stores one website's audit.
    fn save_policy_audit(
        &mut self,
        campaign: i64,
        site: &str,
        platform: Option<&str>,
        verdict: &str,
        result: &serde_json::Value,
    ) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO policy_audits(campaign_id, site, platform, audited_at, verdict, result) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                campaign,
                site,
                platform,
                crate::now(),
                verdict,
                result.to_string()
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The latest audit of each website of a campaign, by platform then site.
    fn policy_audits(&self, campaign: i64) -> Result<Vec<PolicyAuditRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, site, platform, audited_at, verdict, result FROM policy_audits p \
             WHERE campaign_id = ?1 AND id = (SELECT MAX(id) FROM policy_audits q \
                                               WHERE q.campaign_id = p.campaign_id AND q.site = p.site) \
             ORDER BY platform, site",
        )?;
        let rows = stmt.query_map(params![campaign], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, site, platform, audited_at, verdict, result) = row?;
            out.push(PolicyAuditRow {
                id,
                site,
                platform,
                audited_at,
                verdict,
                result: serde_json::from_str(&result)?,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::*;

    #[test]
    fn the_latest_audit_of_each_site_is_listed() {
        let mut s = SqliteStore::in_memory().unwrap();
        let c = s.campaign("t", &serde_json::json!({})).unwrap();
        let other = s.campaign("u", &serde_json::json!({})).unwrap();
        s.save_policy_audit(
            c,
            "http://a/",
            Some("a"),
            "none",
            &serde_json::json!({"n": 1}),
        )
        .unwrap();
        s.save_policy_audit(
            c,
            "http://a/",
            Some("a"),
            "clear",
            &serde_json::json!({"n": 2}),
        )
        .unwrap();
        s.save_policy_audit(c, "http://b/", Some("b"), "vague", &serde_json::json!({}))
            .unwrap();
        s.save_policy_audit(other, "http://c/", None, "clear", &serde_json::json!({}))
            .unwrap();
        let rows = s.policy_audits(c).unwrap();
        let got: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.site.as_str(), r.verdict.as_str()))
            .collect();
        assert_eq!(got, vec![("http://a/", "clear"), ("http://b/", "vague")]);
        assert_eq!(rows[0].result["n"], 2);
    }
}
