//! [`Store`] on PostgreSQL: the same statements as the SQLite store, in PostgreSQL's dialect, safe
//! when several workers commit at once (ads and sellers are upserted, never read-then-inserted
//! blind; frontier order comes from one sequence).

use postgres::types::ToSql;
use postgres::{GenericClient, Row, Transaction};
use wildwatch_store::*;

use crate::{pg, PgStore};

pub(crate) fn kind_str(k: UrlKind) -> &'static str {
    match k {
        UrlKind::Search => "search",
        UrlKind::Ad => "ad",
        UrlKind::Photo => "photo",
    }
}

pub(crate) fn kind_parse(s: &str) -> UrlKind {
    match s {
        "search" => UrlKind::Search,
        "photo" => UrlKind::Photo,
        _ => UrlKind::Ad,
    }
}

pub(crate) fn state_str(s: FetchState) -> &'static str {
    match s {
        FetchState::Done => "done",
        FetchState::Failed => "failed",
        FetchState::Robots => "robots",
        FetchState::Blocked => "blocked",
        FetchState::Gone => "gone",
    }
}

pub(crate) fn item_from_row(r: &Row) -> FrontierItem {
    FrontierItem {
        url: r.get(0),
        kind: kind_parse(r.get::<_, &str>(1)),
        platform: r.get(2),
        keyword: r.get(3),
        page: r.get::<_, i64>(4) as u32,
        attempts: r.get::<_, i64>(5) as u32,
    }
}

pub(crate) fn page_from_row(r: &Row) -> PageRecord {
    PageRecord {
        url: r.get(0),
        final_url: r.get(1),
        status: r.get::<_, i64>(2) as u16,
        kind: r.get(3),
        content_type: r.get(4),
        charset: r.get(5),
        body_sha256: r.get(6),
        warc_file: r.get(7),
        warc_offset: r.get::<_, Option<i64>>(8).map(|v| v as u64),
        warc_length: r.get::<_, Option<i64>>(9).map(|v| v as u64),
        fetched_at: r.get(10),
        error: r.get(11),
    }
}

pub(crate) fn insert_page(tx: &mut Transaction<'_>, campaign: i64, p: &PageRecord) -> Result<i64> {
    let row = tx
        .query_one(
            "INSERT INTO pages(campaign_id, url, final_url, status, kind, content_type, charset, \
             body_sha256, warc_file, warc_offset, warc_length, fetched_at, error) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            &[
                &campaign,
                &p.url,
                &p.final_url,
                &(p.status as i64),
                &p.kind,
                &p.content_type,
                &p.charset,
                &p.body_sha256,
                &p.warc_file,
                &p.warc_offset.map(|v| v as i64),
                &p.warc_length.map(|v| v as i64),
                &p.fetched_at,
                &p.error,
            ],
        )
        .map_err(pg)?;
    Ok(row.get(0))
}

/// Queues items unless the campaign already has them; each new one takes the next number of the
/// frontier sequence, so pending order is queue order across all workers.
pub(crate) fn insert_frontier(
    tx: &mut impl GenericClient,
    campaign: i64,
    items: &[FrontierItem],
) -> Result<usize> {
    if items.is_empty() {
        return Ok(0);
    }
    let stmt = tx
        .prepare(
            "INSERT INTO frontier(campaign_id, url, kind, platform, keyword, page, added_at, seq) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, nextval('frontier_seq')) \
             ON CONFLICT (campaign_id, url) DO NOTHING",
        )
        .map_err(pg)?;
    let at = now();
    let mut n = 0;
    for it in items {
        n += tx
            .execute(
                &stmt,
                &[
                    &campaign,
                    &it.url,
                    &kind_str(it.kind),
                    &it.platform,
                    &it.keyword,
                    &(it.page as i64),
                    &at,
                ],
            )
            .map_err(pg)? as usize;
    }
    Ok(n)
}

fn seller_id(tx: &mut Transaction<'_>, ad: &AdContent, at: i64) -> Result<Option<i64>> {
    let Some(name) = ad.seller.as_deref().filter(|s| !s.trim().is_empty()) else {
        return Ok(None);
    };
    tx.execute(
        "INSERT INTO sellers(platform, name, first_seen) VALUES ($1, $2, $3) \
         ON CONFLICT (platform, name) DO NOTHING",
        &[&ad.platform, &name, &at],
    )
    .map_err(pg)?;
    let id: i64 = tx
        .query_one(
            "SELECT id FROM sellers WHERE platform = $1 AND name = $2",
            &[&ad.platform, &name],
        )
        .map_err(pg)?
        .get(0);
    for c in &ad.contacts {
        tx.execute(
            "INSERT INTO seller_contacts(seller_id, contact) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&id, c],
        )
        .map_err(pg)?;
    }
    Ok(Some(id))
}

fn store_ad(
    tx: &mut Transaction<'_>,
    campaign: i64,
    page_id: Option<i64>,
    ad: &AdContent,
    det: &DetectionRecord,
    at: i64,
) -> Result<(i64, AdOutcome)> {
    let fp = ad.fingerprint();
    let seller = seller_id(tx, ad, at)?;
    // Insert first: of two workers storing the same new ad, one inserts and the other waits on
    // the row lock below and then sees it as existing.
    let inserted = tx
        .query_opt(
            "INSERT INTO ads(platform, url, external_id, campaign_id, seller_id, first_seen, \
             last_seen, versions, fingerprint) VALUES ($1, $2, $3, $4, $5, $6, $6, 1, $7) \
             ON CONFLICT (platform, url) DO NOTHING RETURNING id",
            &[
                &ad.platform,
                &ad.url,
                &ad.external_id,
                &campaign,
                &seller,
                &at,
                &fp,
            ],
        )
        .map_err(pg)?;
    let (ad_id, version, outcome) = match inserted {
        Some(row) => (row.get::<_, i64>(0), 1i64, AdOutcome::New),
        None => {
            let row = tx
                .query_one(
                    "SELECT id, versions, fingerprint FROM ads WHERE platform = $1 AND url = $2 \
                     FOR UPDATE",
                    &[&ad.platform, &ad.url],
                )
                .map_err(pg)?;
            let (id, versions, old): (i64, i64, String) = (row.get(0), row.get(1), row.get(2));
            if old == fp {
                // Seen again, unchanged (and back, if it had been marked gone).
                tx.execute(
                    "UPDATE ads SET last_seen = $2, gone_at = NULL WHERE id = $1",
                    &[&id, &at],
                )
                .map_err(pg)?;
                return Ok((id, AdOutcome::Unchanged));
            }
            tx.execute(
                "UPDATE ads SET last_seen = $2, gone_at = NULL, versions = $3, fingerprint = $4, \
                 seller_id = COALESCE($5, seller_id) WHERE id = $1",
                &[&id, &at, &(versions + 1), &fp, &seller],
            )
            .map_err(pg)?;
            (id, versions + 1, AdOutcome::Changed)
        }
    };
    tx.execute(
        "INSERT INTO ad_versions(ad_id, version, seen_at, page_id, content) VALUES ($1, $2, $3, $4, $5)",
        &[&ad_id, &version, &at, &page_id, &serde_json::to_string(ad)?],
    )
    .map_err(pg)?;
    tx.execute(
        "INSERT INTO detections(ad_id, version, relevant, category, risk, risk_score, lang, \
         price_eur, species, json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        &[
            &ad_id,
            &version,
            &det.relevant,
            &det.category.as_str(),
            &det.risk.as_str(),
            &(det.risk_score as i64),
            &det.lang,
            &det.price_eur,
            &serde_json::to_string(&det.species)?,
            &det.json.to_string(),
        ],
    )
    .map_err(pg)?;
    summarise(tx, ad_id, ad, det)?;
    for url in &ad.images {
        tx.execute(
            "INSERT INTO ad_photos(ad_id, url) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&ad_id, url],
        )
        .map_err(pg)?;
        // A photo already fetched (the same picture in another ad) gives its hash at once.
        tx.execute(
            "INSERT INTO photo_hashes(ad_id, url, phash) \
             SELECT $1, url, phash FROM photos WHERE url = $2 AND phash IS NOT NULL \
             ON CONFLICT DO NOTHING",
            &[&ad_id, url],
        )
        .map_err(pg)?;
    }
    Ok((ad_id, outcome))
}

/// The ad's summary columns and species rows, as `wildwatch_store::app::summarise` keeps them.
fn summarise(
    tx: &mut Transaction<'_>,
    ad_id: i64,
    ad: &AdContent,
    det: &DetectionRecord,
) -> Result<()> {
    let specimens = det.json.get("specimens").and_then(|v| v.as_i64());
    tx.execute(
        "UPDATE ads SET title = $2, lang = $3, country = $4, relevant = $5, category = $6, risk = $7, \
         risk_score = $8, price_eur = $9, specimens = $10 WHERE id = $1",
        &[
            &ad_id,
            &ad.title,
            &det.lang,
            &ad.country,
            &det.relevant,
            &det.category.as_str(),
            &det.risk.as_str(),
            &(det.risk_score as i64),
            &det.price_eur,
            &specimens,
        ],
    )
    .map_err(pg)?;
    tx.execute("DELETE FROM ad_species WHERE ad_id = $1", &[&ad_id])
        .map_err(pg)?;
    if let Some(list) = det.json.get("species").and_then(|v| v.as_array()) {
        for s in list {
            let Some(name) = s.get("scientific_name").and_then(|v| v.as_str()) else {
                continue;
            };
            tx.execute(
                "INSERT INTO ad_species(ad_id, scientific_name, cites, eu_annex) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT DO NOTHING",
                &[
                    &ad_id,
                    &name,
                    &s.get("cites").and_then(|v| v.as_str()),
                    &s.get("eu_annex").and_then(|v| v.as_str()),
                ],
            )
            .map_err(pg)?;
        }
    }
    Ok(())
}

/// Everything one fetch produced, in the caller's transaction (the queue adds its lease check).
pub(crate) fn commit_in(tx: &mut Transaction<'_>, c: &FetchCommit) -> Result<CommitResult> {
    let at = c.page.as_ref().map(|p| p.fetched_at).unwrap_or_else(now);
    let page_id = match &c.page {
        Some(p) => Some(insert_page(tx, c.campaign, p)?),
        None => None,
    };
    let stored = match &c.ad {
        Some((ad, det)) => Some(store_ad(tx, c.campaign, page_id, ad, det, at)?),
        None => None,
    };
    if c.state == FetchState::Gone {
        tx.execute(
            "UPDATE ads SET gone_at = COALESCE(gone_at, $2) WHERE url = $1",
            &[&c.url, &at],
        )
        .map_err(pg)?;
    }
    tx.execute(
        "UPDATE frontier SET state = $3, lease_owner = NULL, lease_until = NULL \
         WHERE campaign_id = $1 AND url = $2",
        &[&c.campaign, &c.url, &state_str(c.state)],
    )
    .map_err(pg)?;
    let queued = insert_frontier(tx, c.campaign, &c.discovered)?;
    Ok(CommitResult {
        ad: stored.map(|s| s.1),
        ad_id: stored.map(|s| s.0),
        queued,
    })
}

/// A fetched photo: its page, hash (given to every ad showing it) and frontier state, in the
/// caller's transaction (the queue adds its lease check).
pub(crate) fn commit_photo_in(tx: &mut Transaction<'_>, c: &PhotoCommit) -> Result<()> {
    let at = c.page.as_ref().map(|p| p.fetched_at).unwrap_or_else(now);
    let page_id = match &c.page {
        Some(p) => Some(insert_page(tx, c.campaign, p)?),
        None => None,
    };
    tx.execute(
        "INSERT INTO photos(url, phash, width, height, page_id, fetched_at, error) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (url) DO UPDATE SET \
         phash = excluded.phash, width = excluded.width, height = excluded.height, \
         page_id = excluded.page_id, fetched_at = excluded.fetched_at, error = excluded.error",
        &[
            &c.url,
            &c.phash.map(|h| h as i64),
            &c.size.map(|s| s.0 as i64),
            &c.size.map(|s| s.1 as i64),
            &page_id,
            &at,
            &c.error,
        ],
    )
    .map_err(pg)?;
    if let Some(h) = c.phash {
        tx.execute(
            "INSERT INTO photo_hashes(ad_id, url, phash) \
             SELECT ad_id, url, $2 FROM ad_photos WHERE url = $1 \
             ON CONFLICT (ad_id, url) DO UPDATE SET phash = excluded.phash",
            &[&c.url, &(h as i64)],
        )
        .map_err(pg)?;
    }
    tx.execute(
        "UPDATE frontier SET state = $3, lease_owner = NULL, lease_until = NULL \
         WHERE campaign_id = $1 AND url = $2",
        &[&c.campaign, &c.url, &state_str(c.state)],
    )
    .map_err(pg)?;
    Ok(())
}

/// True when the URL's frontier row exists and is no longer pending: a commit for it was already
/// made (the first run of a transaction whose `COMMIT` lost its connection, then succeeded).
pub(crate) fn already_stored(tx: &mut Transaction<'_>, campaign: i64, url: &str) -> Result<bool> {
    let row = tx
        .query_opt(
            "SELECT state FROM frontier WHERE campaign_id = $1 AND url = $2",
            &[&campaign, &url],
        )
        .map_err(pg)?;
    Ok(row.is_some_and(|r| r.get::<_, &str>(0) != "pending"))
}

impl Store for PgStore {
    fn refresh_statistics(&mut self) -> Result<()> {
        self.with_client(|c| c.batch_execute("VACUUM (ANALYZE)").map_err(pg))
    }

    fn campaign(&mut self, name: &str, config: &serde_json::Value) -> Result<i64> {
        self.with_client(|c| {
            Ok(c.query_one(
                "INSERT INTO campaigns(name, config, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (name) DO UPDATE SET config = excluded.config RETURNING id",
                &[&name, &config.to_string(), &now()],
            )
            .map_err(pg)?
            .get(0))
        })
    }

    fn campaign_id(&self, name: &str) -> Result<Option<i64>> {
        self.with_client(|c| {
            Ok(
                c.query_opt("SELECT id FROM campaigns WHERE name = $1", &[&name])
                    .map_err(pg)?
                    .map(|r| r.get(0)),
            )
        })
    }

    fn enqueue(&mut self, campaign: i64, items: &[FrontierItem]) -> Result<usize> {
        self.with_client(|c| {
            let mut tx = c.transaction().map_err(pg)?;
            let n = insert_frontier(&mut tx, campaign, items)?;
            tx.commit().map_err(pg)?;
            Ok(n)
        })
    }

    /// Search pages first, then the rest, each in the order found (as the SQLite store).
    fn pending(&self, campaign: i64, limit: usize) -> Result<Vec<FrontierItem>> {
        self.with_client(|c| {
            let mut out: Vec<FrontierItem> = c
                .query(
                    "SELECT url, kind, platform, keyword, page, attempts FROM frontier \
                     WHERE campaign_id = $1 AND state = 'pending' AND kind = 'search' \
                     ORDER BY seq LIMIT $2",
                    &[&campaign, &(limit as i64)],
                )
                .map_err(pg)?
                .iter()
                .map(item_from_row)
                .collect();
            let left = limit - out.len();
            if left > 0 {
                let rows = c
                    .query(
                        "SELECT url, kind, platform, keyword, page, attempts FROM frontier \
                         WHERE campaign_id = $1 AND state = 'pending' AND kind <> 'search' \
                         ORDER BY seq LIMIT $2",
                        &[&campaign, &(left as i64)],
                    )
                    .map_err(pg)?;
                out.extend(rows.iter().map(item_from_row));
            }
            Ok(out)
        })
    }

    fn attempt_failed(
        &mut self,
        campaign: i64,
        url: &str,
        error: &str,
        max_attempts: u32,
    ) -> Result<bool> {
        self.with_client(|c| {
            let row = c
                .query_opt(
                    "UPDATE frontier SET attempts = attempts + 1, last_error = $3, \
                     lease_owner = NULL, lease_until = NULL, \
                     state = CASE WHEN attempts + 1 >= $4 THEN 'failed' ELSE state END \
                     WHERE campaign_id = $1 AND url = $2 RETURNING state",
                    &[&campaign, &url, &error, &(max_attempts as i64)],
                )
                .map_err(pg)?;
            Ok(row.is_some_and(|r| r.get::<_, &str>(0) == "failed"))
        })
    }

    fn commit_fetch(&mut self, c: &FetchCommit) -> Result<CommitResult> {
        let mut first = true;
        self.with_client(|client| {
            let mut tx = client.transaction().map_err(pg)?;
            // Run again after a lost connection: the first run may have been committed.
            if !std::mem::take(&mut first) && already_stored(&mut tx, c.campaign, &c.url)? {
                return Ok(CommitResult::default());
            }
            let r = commit_in(&mut tx, c)?;
            tx.commit().map_err(pg)?;
            Ok(r)
        })
    }

    fn commit_photo(&mut self, c: &PhotoCommit) -> Result<()> {
        let mut first = true;
        self.with_client(|client| {
            let mut tx = client.transaction().map_err(pg)?;
            // Run again after a lost connection: the first run may have been committed.
            if !std::mem::take(&mut first) && already_stored(&mut tx, c.campaign, &c.url)? {
                return Ok(());
            }
            commit_photo_in(&mut tx, c)?;
            tx.commit().map_err(pg)?;
            Ok(())
        })
    }

    fn frontier_counts(&self, campaign: i64) -> Result<FrontierCounts> {
        self.with_client(|client| {
            let rows = client
                .query(
                    "SELECT state, COUNT(*) FROM frontier WHERE campaign_id = $1 GROUP BY state",
                    &[&campaign],
                )
                .map_err(pg)?;
            let mut c = FrontierCounts::default();
            for r in rows {
                let n = r.get::<_, i64>(1) as u64;
                match r.get::<_, &str>(0) {
                    "pending" => c.pending += n,
                    "done" => c.done += n,
                    _ => c.other += n,
                }
            }
            Ok(c)
        })
    }

    fn list_ads(&self, f: &AdFilter) -> Result<Vec<AdRow>> {
        let mut sql = String::from(
            "SELECT a.id, a.platform, a.url, v.content, d.price_eur, s.name, d.risk, d.risk_score, \
             d.category, d.species, a.versions, a.first_seen, a.last_seen, a.gone_at \
             FROM ads a JOIN ad_versions v ON v.ad_id = a.id AND v.version = a.versions \
             JOIN detections d ON d.ad_id = a.id AND d.version = a.versions \
             LEFT JOIN sellers s ON s.id = a.seller_id \
             LEFT JOIN campaigns c ON c.id = a.campaign_id WHERE 1 = 1",
        );
        let limit = f.limit.map(|l| l as i64);
        let mut args: Vec<&(dyn ToSql + Sync)> = Vec::new();
        if let Some(c) = &f.campaign {
            args.push(c);
            sql.push_str(&format!(" AND c.name = ${}", args.len()));
        }
        let risk = f.risk.map(|r| r.as_str());
        if let Some(r) = &risk {
            args.push(r);
            sql.push_str(&format!(" AND d.risk = ${}", args.len()));
        }
        if let Some(p) = &f.platform {
            args.push(p);
            sql.push_str(&format!(" AND a.platform = ${}", args.len()));
        }
        if f.relevant_only {
            sql.push_str(" AND d.relevant");
        }
        sql.push_str(" ORDER BY d.risk_score DESC, a.id");
        if let Some(l) = &limit {
            args.push(l);
            sql.push_str(&format!(" LIMIT ${}", args.len()));
        }
        let rows = self.with_client(|c| c.query(&sql, &args).map_err(pg))?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let ad: AdContent = serde_json::from_str(r.get::<_, &str>(3))?;
            out.push(AdRow {
                id: r.get(0),
                platform: r.get(1),
                url: r.get(2),
                title: ad.title,
                price_text: ad.price_text,
                price_eur: r.get(4),
                seller: r.get(5),
                risk: crate::vocab(&r, 6),
                risk_score: r.get::<_, i64>(7).clamp(0, 100) as u8,
                category: crate::vocab(&r, 8),
                species: serde_json::from_str(r.get::<_, &str>(9))?,
                versions: r.get(10),
                first_seen: r.get(11),
                last_seen: r.get(12),
                gone_at: r.get(13),
            });
        }
        Ok(out)
    }

    fn live_ad_urls(&self, campaign: i64) -> Result<Vec<(String, String)>> {
        self.with_client(|c| {
            Ok(c.query(
                "SELECT platform, url FROM ads WHERE campaign_id = $1 AND gone_at IS NULL ORDER BY id",
                &[&campaign],
            )
            .map_err(pg)?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
        })
    }

    fn mark_gone(&mut self, platform: &str, url: &str, at: i64) -> Result<bool> {
        self.with_client(|c| {
            Ok(c.execute(
                "UPDATE ads SET gone_at = $3 WHERE platform = $1 AND url = $2 AND gone_at IS NULL",
                &[&platform, &url, &at],
            )
            .map_err(pg)?
                > 0)
        })
    }

    fn requeue(&mut self, campaign: i64, item: &FrontierItem) -> Result<()> {
        self.with_client(|c| {
            let mut tx = c.transaction().map_err(pg)?;
            insert_frontier(&mut tx, campaign, std::slice::from_ref(item))?;
            tx.execute(
                "UPDATE frontier SET state = 'pending', attempts = 0, seq = nextval('frontier_seq'), \
                 lease_owner = NULL, lease_until = NULL WHERE campaign_id = $1 AND url = $2",
                &[&campaign, &item.url],
            )
            .map_err(pg)?;
            tx.commit().map_err(pg)?;
            Ok(())
        })
    }

    fn platform_for_prefix(&self, prefix: &str) -> Result<Option<String>> {
        // left() comparison, not LIKE: the prefix is data and may hold % or _.
        self.with_client(|c| {
            Ok(c.query_opt(
                "SELECT platform FROM ads WHERE left(url, length($1)) = $1 LIMIT 1",
                &[&prefix],
            )
            .map_err(pg)?
            .map(|r| r.get(0)))
        })
    }

    fn pages_for(&self, url: &str) -> Result<Vec<PageRecord>> {
        self.with_client(|c| {
            Ok(c.query(
                "SELECT url, final_url, status, kind, content_type, charset, body_sha256, warc_file, \
                 warc_offset, warc_length, fetched_at, error FROM pages \
                 WHERE url = $1 OR final_url = $1 ORDER BY id",
                &[&url],
            )
            .map_err(pg)?
            .iter()
            .map(page_from_row)
            .collect())
        })
    }

    fn ad_id_range(&self, campaign: i64) -> Result<Option<(i64, i64)>> {
        self.with_client(|c| {
            let r = c
                .query_one(
                    "SELECT MIN(id), MAX(id) FROM ads WHERE campaign_id = $1",
                    &[&campaign],
                )
                .map_err(pg)?;
            let (lo, hi): (Option<i64>, Option<i64>) = (r.get(0), r.get(1));
            Ok(lo.zip(hi))
        })
    }

    fn latest_versions(
        &self,
        campaign: i64,
        from_id: i64,
        to_id: i64,
    ) -> Result<Vec<StoredVersion>> {
        let rows = self.with_client(|c| {
            c.query(
                "SELECT a.id, v.version, v.content, COALESCE(d.risk, 'none'), \
                 COALESCE(d.category, 'none'), COALESCE(d.species, '[]') \
                 FROM ads a JOIN ad_versions v ON v.ad_id = a.id AND v.version = a.versions \
                 LEFT JOIN detections d ON d.ad_id = a.id AND d.version = a.versions \
                 WHERE a.campaign_id = $1 AND a.id BETWEEN $2 AND $3 ORDER BY a.id",
                &[&campaign, &from_id, &to_id],
            )
            .map_err(pg)
        })?;
        rows.iter().map(stored_version).collect()
    }

    fn replace_detections(&mut self, rows: &[Redetection]) -> Result<usize> {
        self.replace_detections_where(rows, false)
    }

    fn photos_to_fetch(&self, campaign: i64) -> Result<Vec<FrontierItem>> {
        let rows = self.with_client(|c| {
            c.query(
                "SELECT p.url, MIN(a.platform) FROM ad_photos p JOIN ads a ON a.id = p.ad_id \
                 WHERE a.campaign_id = $1 \
                 AND NOT EXISTS (SELECT 1 FROM photos f WHERE f.url = p.url) \
                 AND NOT EXISTS (SELECT 1 FROM frontier q WHERE q.campaign_id = $1 \
                                 AND q.url = p.url AND q.state = 'pending') \
                 GROUP BY p.url ORDER BY MIN(p.ad_id), p.url",
                &[&campaign],
            )
            .map_err(pg)
        })?;
        Ok(rows
            .iter()
            .map(|r| FrontierItem {
                url: r.get(0),
                kind: UrlKind::Photo,
                platform: r.get(1),
                keyword: None,
                page: 0,
                attempts: 0,
            })
            .collect())
    }
}

impl PgStore {
    /// Replaces stored detections (a rerun); with `unreviewed_only`, an ad reviewed meanwhile keeps
    /// its detection (checked in the same UPDATE, so a review saved during a background retrain
    /// wins).
    pub(crate) fn replace_detections_where(
        &mut self,
        rows: &[Redetection],
        unreviewed_only: bool,
    ) -> Result<usize> {
        self.with_client(|client| {
            let mut tx = client.transaction().map_err(pg)?;
            let mut n = 0;
            for r in rows {
                let det = &r.detection;
                let changed = tx
                    .execute(
                        "UPDATE detections SET relevant = $3, category = $4, risk = $5, \
                         risk_score = $6, lang = $7, price_eur = $8, species = $9, json = $10 \
                         WHERE ad_id = $1 AND version = $2 \
                         AND NOT ($11 AND EXISTS (SELECT 1 FROM reviews WHERE ad_id = $1))",
                        &[
                            &r.ad_id,
                            &r.version,
                            &det.relevant,
                            &det.category.as_str(),
                            &det.risk.as_str(),
                            &(det.risk_score as i64),
                            &det.lang,
                            &det.price_eur,
                            &serde_json::to_string(&det.species)?,
                            &det.json.to_string(),
                            &unreviewed_only,
                        ],
                    )
                    .map_err(pg)?;
                if changed == 0 {
                    continue;
                }
                n += 1;
                let latest: Option<i64> = tx
                    .query_opt("SELECT versions FROM ads WHERE id = $1", &[&r.ad_id])
                    .map_err(pg)?
                    .map(|x| x.get(0));
                if latest == Some(r.version) {
                    summarise(&mut tx, r.ad_id, &r.ad, det)?;
                }
            }
            tx.commit().map_err(pg)?;
            Ok(n)
        })
    }
}

/// A stored version as `latest_versions` and `unreviewed_versions` select it: ad id, version,
/// content, and the detection's risk, category and species.
pub(crate) fn stored_version(r: &Row) -> Result<StoredVersion> {
    Ok(StoredVersion {
        ad_id: r.get(0),
        version: r.get(1),
        ad: serde_json::from_str(r.get(2))?,
        risk: crate::vocab(r, 3),
        category: crate::vocab(r, 4),
        species: serde_json::from_str(r.get(5))?,
    })
}
