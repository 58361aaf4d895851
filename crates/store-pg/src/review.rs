//! [`Reviews`] on PostgreSQL: an analyst's review of an ad (with its audit-log entry and the ad's
//! review columns, in one transaction), the audit log, and the ads the review queue and the
//! learned model read, as on SQLite.

use postgres::Row;
use wildwatch_store::app::{
    json_list, review_changes, AuditEntry, QueueCandidate, Review, ReviewedAd, StoredReview,
};
use wildwatch_store::{Redetection, Reviews, StoreError, StoredVersion};

use crate::store::stored_version;
use crate::{pg, PgStore, Result};

fn review_from_row(r: &Row) -> StoredReview {
    StoredReview {
        review: Review {
            relevant: r.get(0),
            category: crate::vocab(r, 1),
            species: json_list(r.get(2)),
            specimens: r.get::<_, Option<i64>>(3).map(|v| v.max(0) as u32),
            price_eur: r.get(4),
            documents: json_list(r.get(5)),
            risk: crate::vocab(r, 6),
            notes: r.get(7),
            tags: json_list(r.get(8)),
            takedown: r.get(9),
            enforcement: r.get(10),
        },
        status: crate::vocab(r, 11),
        reviewer: r.get(12),
        reviewed_at: r.get(13),
    }
}

/// Writes a review, the ad's review columns and the audit-log entry in one transaction.
fn write_review(
    tx: &mut postgres::Transaction<'_>,
    ad_id: i64,
    review: &Review,
    status: wildwatch_store::ReviewStatus,
    username: &str,
    action: &str,
    changes: &str,
) -> Result<()> {
    let at = wildwatch_store::now();
    let specimens = review.specimens.map(i64::from);
    tx.execute(
        "INSERT INTO reviews(ad_id, relevant, category, species, specimens, price_eur, documents, \
         risk, notes, tags, takedown, enforcement, status, reviewer, reviewed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         ON CONFLICT (ad_id) DO UPDATE SET relevant = excluded.relevant, \
         category = excluded.category, species = excluded.species, \
         specimens = excluded.specimens, price_eur = excluded.price_eur, \
         documents = excluded.documents, risk = excluded.risk, notes = excluded.notes, \
         tags = excluded.tags, takedown = excluded.takedown, \
         enforcement = excluded.enforcement, status = excluded.status, \
         reviewer = excluded.reviewer, reviewed_at = excluded.reviewed_at",
        &[
            &ad_id,
            &review.relevant,
            &review.category.as_str(),
            &serde_json::to_string(&review.species)?,
            &specimens,
            &review.price_eur,
            &serde_json::to_string(&review.documents)?,
            &review.risk.as_str(),
            &review.notes,
            &serde_json::to_string(&review.tags)?,
            &review.takedown,
            &review.enforcement,
            &status.as_str(),
            &username,
            &at,
        ],
    )
    .map_err(pg)?;
    tx.execute(
        "UPDATE ads SET review_status = $2, takedown = $3, enforcement = $4 WHERE id = $1",
        &[
            &ad_id,
            &status.as_str(),
            &review.takedown,
            &review.enforcement,
        ],
    )
    .map_err(pg)?;
    tx.execute(
        "INSERT INTO audit_log(at, username, action, ad_id, detail) VALUES ($1, $2, $3, $4, $5)",
        &[&at, &username, &action, &Some(ad_id), &changes],
    )
    .map_err(pg)?;
    Ok(())
}

/// One ad's review, as `review_from_row` reads it.
const SELECT_REVIEW: &str = "SELECT relevant, category, species, specimens, price_eur, documents, \
     risk, notes, tags, takedown, enforcement, status, reviewer, reviewed_at \
     FROM reviews WHERE ad_id = $1";

impl Reviews for PgStore {
    fn review(&self, ad_id: i64) -> Result<Option<StoredReview>> {
        let row = self.with_client(|c| c.query_opt(SELECT_REVIEW, &[&ad_id]).map_err(pg))?;
        Ok(row.as_ref().map(review_from_row))
    }

    fn save_review(
        &mut self,
        ad_id: i64,
        review: &Review,
        status: wildwatch_store::ReviewStatus,
        username: &str,
    ) -> Result<StoredReview> {
        self.with_client(|c| {
            let mut tx = c.transaction().map_err(pg)?;
            if tx
                .query_opt("SELECT 1 FROM ads WHERE id = $1 FOR UPDATE", &[&ad_id])
                .map_err(pg)?
                .is_none()
            {
                return Err(StoreError::NotFound(format!("no ad with id {ad_id}")));
            }
            // The review before this one is read under the ad's lock, so two analysts saving at
            // once are logged as a review and an update of it, each against the other.
            let before = tx.query_opt(SELECT_REVIEW, &[&ad_id]).map_err(pg)?;
            let before = before.as_ref().map(review_from_row);
            let changes = review_changes(before.as_ref().map(|b| &b.review), review)?;
            let changes = serde_json::Value::Object(changes).to_string();
            let action = if before.is_some() {
                "review.update"
            } else {
                "review"
            };
            write_review(&mut tx, ad_id, review, status, username, action, &changes)?;
            tx.commit().map_err(pg)
        })?;
        self.review(ad_id)?
            .ok_or_else(|| StoreError::NotFound(format!("no review for ad {ad_id}")))
    }

    fn audit(
        &mut self,
        username: &str,
        action: &str,
        ad_id: Option<i64>,
        detail: &serde_json::Value,
    ) -> Result<()> {
        let (at, detail) = (wildwatch_store::now(), detail.to_string());
        self.with_client(|c| {
            c.execute(
                "INSERT INTO audit_log(at, username, action, ad_id, detail) \
                 VALUES ($1, $2, $3, $4, $5)",
                &[&at, &username, &action, &ad_id, &detail],
            )
            .map_err(pg)
        })?;
        Ok(())
    }

    fn audit_log(&self, ad_id: Option<i64>, limit: usize) -> Result<Vec<AuditEntry>> {
        let limit = limit as i64;
        let rows = self.with_client(|c| {
            c.query(
                "SELECT id, at, username, action, ad_id, detail FROM audit_log \
                 WHERE ($1::BIGINT IS NULL OR ad_id = $1) ORDER BY id DESC LIMIT $2",
                &[&ad_id, &limit],
            )
            .map_err(pg)
        })?;
        Ok(rows
            .iter()
            .map(|r| AuditEntry {
                id: r.get(0),
                at: r.get(1),
                username: r.get(2),
                action: r.get(3),
                ad_id: r.get(4),
                detail: serde_json::from_str(r.get(5)).unwrap_or(serde_json::Value::Null),
            })
            .collect())
    }

    fn replace_unreviewed_detections(&mut self, rows: &[Redetection]) -> Result<usize> {
        self.replace_detections_where(rows, true)
    }

    fn reviewed_ads(&self) -> Result<Vec<ReviewedAd>> {
        let rows = self.with_client(|c| {
            c.query(
                "SELECT a.id, a.platform, v.content, d.json FROM ads a \
                 JOIN reviews r ON r.ad_id = a.id \
                 JOIN ad_versions v ON v.ad_id = a.id AND v.version = a.versions \
                 JOIN detections d ON d.ad_id = a.id AND d.version = a.versions ORDER BY a.id",
                &[],
            )
            .map_err(pg)
        })?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: i64 = r.get(0);
            out.push(ReviewedAd {
                id,
                platform: r.get(1),
                content: serde_json::from_str(r.get(2))?,
                detection: serde_json::from_str(r.get(3))?,
                review: self.review(id)?.map(|x| x.review).unwrap_or_default(),
            });
        }
        Ok(out)
    }

    fn unreviewed_candidates(&self, limit: usize) -> Result<Vec<QueueCandidate>> {
        let limit = limit as i64;
        let rows = self.with_client(|c| {
            c.query(
                "SELECT a.id, a.platform, a.lang, a.title, a.first_seen, d.json FROM ads a \
                 JOIN detections d ON d.ad_id = a.id AND d.version = a.versions \
                 WHERE a.review_status = 'unreviewed' ORDER BY a.id DESC LIMIT $1",
                &[&limit],
            )
            .map_err(pg)
        })?;
        Ok(rows
            .iter()
            .map(|r| QueueCandidate {
                id: r.get(0),
                platform: r.get(1),
                lang: r.get(2),
                title: r.get(3),
                first_seen: r.get(4),
                detection: serde_json::from_str(r.get(5)).unwrap_or(serde_json::Value::Null),
            })
            .collect())
    }

    fn unreviewed_versions(&self, after_id: i64, limit: usize) -> Result<Vec<StoredVersion>> {
        let limit = limit as i64;
        let rows = self.with_client(|c| {
            c.query(
                "SELECT a.id, v.version, v.content, COALESCE(d.risk, 'none'), \
                 COALESCE(d.category, 'none'), COALESCE(d.species, '[]') \
                 FROM ads a JOIN ad_versions v ON v.ad_id = a.id AND v.version = a.versions \
                 LEFT JOIN detections d ON d.ad_id = a.id AND d.version = a.versions \
                 WHERE a.id > $1 AND a.review_status = 'unreviewed' ORDER BY a.id LIMIT $2",
                &[&after_id, &limit],
            )
            .map_err(pg)
        })?;
        rows.iter().map(stored_version).collect()
    }
}
