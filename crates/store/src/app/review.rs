//! Analysts' reviews of ads, the audit log, and the reviewed ads for export.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::sqlite::vocab;
use crate::{AdContent, Category, Result, ReviewStatus, Risk, SqliteStore, StoreError};

/// An analyst's review of an ad: the corrected labels (the `gold` of the eval format), notes,
/// tags and actions.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    /// Relevant to CITES/EU listings.
    pub relevant: bool,
    /// live / part / lookalike / none.
    pub category: Category,
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
    pub risk: Risk,
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
    pub status: ReviewStatus,
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

/// What a review changes, field by field (`{"risk": {"old": "high", "new": "low"}}`), for its
/// audit-log entry; every field of a first review.
pub fn review_changes(
    before: Option<&Review>,
    after: &Review,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    let old = before
        .map(serde_json::to_value)
        .transpose()?
        .unwrap_or(serde_json::Value::Null);
    let new = serde_json::to_value(after)?;
    let mut changes = serde_json::Map::new();
    if let Some(n) = new.as_object() {
        for (k, v) in n {
            let o = old.get(k).cloned().unwrap_or(serde_json::Value::Null);
            if &o != v {
                changes.insert(k.clone(), serde_json::json!({"old": o, "new": v}));
            }
        }
    }
    Ok(changes)
}

/// A JSON list of strings as stored (a damaged value reads as empty).
pub fn json_list(s: &str) -> Vec<String> {
    serde_json::from_str(s).unwrap_or_default()
}

impl crate::contract::Reviews for SqliteStore {
    /// The review of an ad.
    fn review(&self, ad_id: i64) -> Result<Option<StoredReview>> {
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
                            category: vocab(r, 1)?,
                            species: json_list(&r.get::<_, String>(2)?),
                            specimens: r.get::<_, Option<i64>>(3)?.map(|v| v.max(0) as u32),
                            price_eur: r.get(4)?,
                            documents: json_list(&r.get::<_, String>(5)?),
                            risk: vocab(r, 6)?,
                            notes: r.get(7)?,
                            tags: json_list(&r.get::<_, String>(8)?),
                            takedown: r.get::<_, i64>(9)? != 0,
                            enforcement: r.get::<_, i64>(10)? != 0,
                        },
                        status: vocab(r, 11)?,
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
    fn save_review(
        &mut self,
        ad_id: i64,
        review: &Review,
        status: ReviewStatus,
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
        let changes = review_changes(before.as_ref().map(|b| &b.review), review)?;
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
                review.category.as_str(),
                serde_json::to_string(&review.species)?,
                review.specimens,
                review.price_eur,
                serde_json::to_string(&review.documents)?,
                review.risk.as_str(),
                review.notes,
                serde_json::to_string(&review.tags)?,
                review.takedown,
                review.enforcement,
                status.as_str(),
                username,
                at
            ],
        )?;
        tx.execute(
            "UPDATE ads SET review_status = ?2, takedown = ?3, enforcement = ?4 WHERE id = ?1",
            params![ad_id, status.as_str(), review.takedown, review.enforcement],
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
    fn audit(
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
    fn audit_log(&self, ad_id: Option<i64>, limit: usize) -> Result<Vec<AuditEntry>> {
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

    /// Replaces the detections of ads nobody has reviewed; a reviewed ad keeps its detection,
    /// even when the review was saved after the caller chose the ads (the background retrain).
    fn replace_unreviewed_detections(&mut self, rows: &[crate::Redetection]) -> Result<usize> {
        self.replace_detections_where(rows, true)
    }

    /// Every reviewed ad with its newest content and detection.
    fn reviewed_ads(&self) -> Result<Vec<ReviewedAd>> {
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

    /// The `limit` newest unreviewed ads (highest id first) with their newest detection, for the
    /// review queue. Ads without a detection are left out.
    fn unreviewed_candidates(&self, limit: usize) -> Result<Vec<QueueCandidate>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.platform, a.lang, a.title, a.first_seen, d.json FROM ads a \
             JOIN detections d ON d.ad_id = a.id AND d.version = a.versions \
             WHERE a.review_status = 'unreviewed' ORDER BY a.id DESC LIMIT ?1",
        )?;
        let rows = stmt
            .query_map(params![limit as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows
            .into_iter()
            .map(
                |(id, platform, lang, title, first_seen, det)| QueueCandidate {
                    id,
                    platform,
                    lang,
                    title,
                    first_seen,
                    detection: serde_json::from_str(&det).unwrap_or(serde_json::Value::Null),
                },
            )
            .collect())
    }

    /// The latest version of up to `limit` unreviewed ads with `id > after_id`, in id order, with
    /// what their stored detection says (to detect them again, e.g. with a new model).
    fn unreviewed_versions(
        &self,
        after_id: i64,
        limit: usize,
    ) -> Result<Vec<crate::StoredVersion>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, v.version, v.content, COALESCE(d.risk, 'none'), \
             COALESCE(d.category, 'none'), COALESCE(d.species, '[]') \
             FROM ads a JOIN ad_versions v ON v.ad_id = a.id AND v.version = a.versions \
             LEFT JOIN detections d ON d.ad_id = a.id AND d.version = a.versions \
             WHERE a.id > ?1 AND a.review_status = 'unreviewed' ORDER BY a.id LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(params![after_id, limit as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    vocab::<Risk>(r, 3)?,
                    vocab::<Category>(r, 4)?,
                    r.get::<_, String>(5)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out = Vec::with_capacity(rows.len());
        for (ad_id, version, content, risk, category, species) in rows {
            out.push(crate::StoredVersion {
                ad_id,
                version,
                ad: serde_json::from_str(&content)?,
                risk,
                category,
                species: serde_json::from_str(&species)?,
            });
        }
        Ok(out)
    }
}

/// An unreviewed ad with its newest detection, for the review queue.
#[derive(Debug, Clone)]
pub struct QueueCandidate {
    /// Id.
    pub id: i64,
    /// Platform.
    pub platform: String,
    /// Language of the newest detection.
    pub lang: String,
    /// Title of the newest version.
    pub title: String,
    /// First seen (Unix seconds).
    pub first_seen: i64,
    /// The newest detection.
    pub detection: serde_json::Value,
}
