//! SQLite implementation of [`Store`] (bundled SQLite, WAL journal, versioned migrations).

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::*;

/// Reads a vocabulary value ([`Risk`], [`Category`], [`Intent`], [`ReviewStatus`]) from a TEXT
/// column: the SQL boundary of the enums (they are written with their `as_str`). A value that is
/// not in the vocabulary is a conversion error naming it.
pub(crate) fn vocab<T>(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<T>
where
    T: std::str::FromStr<Err = VocabError>,
{
    let s: String = r.get(i)?;
    s.parse().map_err(|e: VocabError| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Schema migrations, applied in order; the index + 1 is the schema version. Never edit a shipped
/// migration: add a new one.
/// The campaign's highest frontier seq. With the index of migration 8, one index probe; without
/// it, a scan of the campaign's whole frontier for every commit that queues URLs.
pub(crate) const LAST_SEQ: &str =
    "SELECT COALESCE(MAX(seq), 0) FROM frontier WHERE campaign_id = ?1";

pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: campaigns, frontier, pages, sellers, ads, versions, detections.
    r#"
    CREATE TABLE campaigns (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        config TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE frontier (
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        url TEXT NOT NULL,
        kind TEXT NOT NULL,
        platform TEXT NOT NULL,
        keyword TEXT,
        page INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        added_at INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (campaign_id, url)
    );
    CREATE INDEX frontier_pending ON frontier(campaign_id, state, seq);
    CREATE TABLE pages (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER REFERENCES campaigns(id),
        url TEXT NOT NULL,
        final_url TEXT NOT NULL,
        status INTEGER NOT NULL,
        kind TEXT NOT NULL,
        content_type TEXT,
        charset TEXT,
        body_sha256 TEXT,
        warc_file TEXT,
        warc_offset INTEGER,
        warc_length INTEGER,
        fetched_at INTEGER NOT NULL,
        error TEXT
    );
    CREATE INDEX pages_url ON pages(url);
    CREATE TABLE sellers (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        name TEXT NOT NULL,
        first_seen INTEGER NOT NULL,
        UNIQUE (platform, name)
    );
    CREATE TABLE seller_contacts (
        seller_id INTEGER NOT NULL REFERENCES sellers(id),
        contact TEXT NOT NULL,
        PRIMARY KEY (seller_id, contact)
    );
    CREATE TABLE ads (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        url TEXT NOT NULL,
        external_id TEXT,
        campaign_id INTEGER REFERENCES campaigns(id),
        seller_id INTEGER REFERENCES sellers(id),
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        gone_at INTEGER,
        versions INTEGER NOT NULL DEFAULT 0,
        fingerprint TEXT NOT NULL,
        UNIQUE (platform, url)
    );
    CREATE TABLE ad_versions (
        ad_id INTEGER NOT NULL REFERENCES ads(id),
        version INTEGER NOT NULL,
        seen_at INTEGER NOT NULL,
        page_id INTEGER REFERENCES pages(id),
        content TEXT NOT NULL,
        PRIMARY KEY (ad_id, version)
    );
    CREATE TABLE detections (
        ad_id INTEGER NOT NULL REFERENCES ads(id),
        version INTEGER NOT NULL,
        relevant INTEGER NOT NULL,
        category TEXT NOT NULL,
        risk TEXT NOT NULL,
        risk_score INTEGER NOT NULL,
        lang TEXT NOT NULL,
        price_eur REAL,
        species TEXT NOT NULL,
        json TEXT NOT NULL,
        PRIMARY KEY (ad_id, version)
    );
    CREATE INDEX detections_risk ON detections(risk);
    "#,
    crate::app::MIGRATION_2,
    crate::links::MIGRATION,
    crate::app::MIGRATION_4,
    crate::action::MIGRATION_5,
    crate::links::MIGRATION_6,
    // 7: pending search pages are read first (see `pending`), through their own index.
    "CREATE INDEX frontier_pending_kind ON frontier(campaign_id, state, kind, seq);",
    // 8: the campaign's last seq (read by every commit that queues URLs) from an index, not by
    // scanning the campaign's whole frontier: that made a crawl quadratic in its frontier's size.
    "CREATE INDEX frontier_campaign_seq ON frontier(campaign_id, seq);",
    // 9: the two indexes PostgreSQL had from its first migration and SQLite lacked (found by
    // store-pg's schema_parity test): `pages_for` looks a URL up by `final_url` too, and a gone
    // ad is marked by its `url` alone; without them, each was a scan of the whole table.
    r#"
    CREATE INDEX IF NOT EXISTS pages_final_url ON pages(final_url);
    CREATE INDEX IF NOT EXISTS ads_url ON ads(url);
    "#,
    // 10: the ads list filtered by risk (the analysts' first filter) reads its page in score order
    // from an index, and counts by platform and risk from an index alone (bench/web.sh: on
    // PostgreSQL the count of one platform's high-risk ads was a scan of the table).
    r#"
    CREATE INDEX IF NOT EXISTS ads_risk_score ON ads(risk, risk_score DESC, id);
    CREATE INDEX IF NOT EXISTS ads_platform_risk ON ads(platform, risk);
    "#,
];

/// Statements run on every commit, prepared once per connection (rusqlite's statement cache)
/// instead of parsed again each time.
pub(crate) trait Cached {
    /// `execute` through the cache.
    fn exec<P: rusqlite::Params>(&self, sql: &str, p: P) -> rusqlite::Result<usize>;
    /// `query_row` through the cache.
    fn row<T, P, F>(&self, sql: &str, p: P, f: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>;
}

impl Cached for Connection {
    fn exec<P: rusqlite::Params>(&self, sql: &str, p: P) -> rusqlite::Result<usize> {
        self.prepare_cached(sql)?.execute(p)
    }

    fn row<T, P, F>(&self, sql: &str, p: P, f: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    {
        self.prepare_cached(sql)?.query_row(p, f)
    }
}

/// The embedded store.
pub struct SqliteStore {
    pub(crate) conn: Connection,
}

impl SqliteStore {
    /// Replaces detections; with `only_unreviewed`, an ad an analyst has reviewed keeps its
    /// detection (checked in the same statement, so a review saved meanwhile wins).
    pub(crate) fn replace_detections_where(
        &mut self,
        rows: &[Redetection],
        only_unreviewed: bool,
    ) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let mut n = 0;
        for r in rows {
            let det = &r.detection;
            let changed = tx.execute(
                "UPDATE detections SET relevant = ?3, category = ?4, risk = ?5, risk_score = ?6, \
                 lang = ?7, price_eur = ?8, species = ?9, json = ?10 WHERE ad_id = ?1 AND version = ?2 \
                 AND (?11 = 0 OR NOT EXISTS (SELECT 1 FROM reviews r WHERE r.ad_id = ?1))",
                params![
                    r.ad_id,
                    r.version,
                    det.relevant,
                    det.category.as_str(),
                    det.risk.as_str(),
                    det.risk_score,
                    det.lang,
                    det.price_eur,
                    serde_json::to_string(&det.species)?,
                    det.json.to_string(),
                    only_unreviewed
                ],
            )?;
            if changed == 0 {
                continue;
            }
            n += 1;
            let latest: Option<i64> = tx
                .query_row(
                    "SELECT versions FROM ads WHERE id = ?1",
                    params![r.ad_id],
                    |x| x.get(0),
                )
                .optional()?;
            if latest == Some(r.version) {
                crate::app::summarise(&tx, r.ad_id, &r.ad, det)?;
            }
        }
        tx.commit()?;
        Ok(n)
    }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        let conn = Connection::open(path)?;
        Self::init(conn)
    }

    /// An in-memory store (tests).
    pub fn in_memory() -> Result<SqliteStore> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<SqliteStore> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Every statement of a commit stays prepared (the default keeps 16), and so do the few
        // dozen distinct statements the web app runs on each pooled connection.
        conn.set_prepared_statement_cache_capacity(128);
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let mut s = SqliteStore { conn };
        s.migrate()?;
        Ok(s)
    }

    /// The schema version of the database.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    fn migrate(&mut self) -> Result<()> {
        let current = self.schema_version()?;
        let known = MIGRATIONS.len() as i64;
        if current > known {
            return Err(StoreError::TooNew {
                found: current,
                known,
            });
        }
        for (i, m) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(m)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    }

    fn insert_page(tx: &Transaction<'_>, campaign: i64, p: &PageRecord) -> Result<i64> {
        tx.exec(
            "INSERT INTO pages(campaign_id, url, final_url, status, kind, content_type, charset, \
             body_sha256, warc_file, warc_offset, warc_length, fetched_at, error) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                campaign,
                p.url,
                p.final_url,
                p.status,
                p.kind,
                p.content_type,
                p.charset,
                p.body_sha256,
                p.warc_file,
                p.warc_offset.map(|v| v as i64),
                p.warc_length.map(|v| v as i64),
                p.fetched_at,
                p.error
            ],
        )?;
        Ok(tx.last_insert_rowid())
    }

    fn seller_id(tx: &Transaction<'_>, ad: &AdContent, at: i64) -> Result<Option<i64>> {
        let Some(name) = ad.seller.as_deref().filter(|s| !s.trim().is_empty()) else {
            return Ok(None);
        };
        tx.exec(
            "INSERT OR IGNORE INTO sellers(platform, name, first_seen) VALUES (?1, ?2, ?3)",
            params![ad.platform, name, at],
        )?;
        let id: i64 = tx.row(
            "SELECT id FROM sellers WHERE platform = ?1 AND name = ?2",
            params![ad.platform, name],
            |r| r.get(0),
        )?;
        for c in &ad.contacts {
            tx.exec(
                "INSERT OR IGNORE INTO seller_contacts(seller_id, contact) VALUES (?1, ?2)",
                params![id, c],
            )?;
        }
        Ok(Some(id))
    }

    fn store_ad(
        tx: &Transaction<'_>,
        campaign: i64,
        page_id: Option<i64>,
        ad: &AdContent,
        det: &DetectionRecord,
        at: i64,
    ) -> Result<(i64, AdOutcome)> {
        let fp = ad.fingerprint();
        let seller = Self::seller_id(tx, ad, at)?;
        let existing: Option<(i64, i64, String)> = tx
            .query_row(
                "SELECT id, versions, fingerprint FROM ads WHERE platform = ?1 AND url = ?2",
                params![ad.platform, ad.url],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let (ad_id, version, outcome) = match existing {
            None => {
                tx.exec(
                    "INSERT INTO ads(platform, url, external_id, campaign_id, seller_id, first_seen, \
                     last_seen, versions, fingerprint) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, 1, ?7)",
                    params![ad.platform, ad.url, ad.external_id, campaign, seller, at, fp],
                )?;
                (tx.last_insert_rowid(), 1, AdOutcome::New)
            }
            Some((id, versions, old)) if old == fp => {
                // Seen again, unchanged (and back, if it had been marked gone).
                tx.exec(
                    "UPDATE ads SET last_seen = ?2, gone_at = NULL WHERE id = ?1",
                    params![id, at],
                )?;
                let _ = versions;
                return Ok((id, AdOutcome::Unchanged));
            }
            Some((id, versions, _)) => {
                tx.exec(
                    "UPDATE ads SET last_seen = ?2, gone_at = NULL, versions = ?3, fingerprint = ?4, \
                     seller_id = COALESCE(?5, seller_id) WHERE id = ?1",
                    params![id, at, versions + 1, fp, seller],
                )?;
                (id, versions + 1, AdOutcome::Changed)
            }
        };
        tx.exec(
            "INSERT INTO ad_versions(ad_id, version, seen_at, page_id, content) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![ad_id, version, at, page_id, serde_json::to_string(ad)?],
        )?;
        tx.exec(
            "INSERT INTO detections(ad_id, version, relevant, category, risk, risk_score, lang, \
             price_eur, species, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                ad_id,
                version,
                det.relevant,
                det.category.as_str(),
                det.risk.as_str(),
                det.risk_score,
                det.lang,
                det.price_eur,
                serde_json::to_string(&det.species)?,
                det.json.to_string()
            ],
        )?;
        crate::app::summarise(tx, ad_id, ad, det)?;
        for url in &ad.images {
            tx.exec(
                "INSERT OR IGNORE INTO ad_photos(ad_id, url) VALUES (?1, ?2)",
                params![ad_id, url],
            )?;
            // A photo already fetched (the same picture in another ad) gives its hash at once.
            tx.exec(
                "INSERT OR IGNORE INTO photo_hashes(ad_id, url, phash) \
                 SELECT ?1, url, phash FROM photos WHERE url = ?2 AND phash IS NOT NULL",
                params![ad_id, url],
            )?;
        }
        Ok((ad_id, outcome))
    }

    /// Everything one fetch produced, in the caller's transaction.
    fn commit_in(tx: &Transaction<'_>, c: &FetchCommit) -> Result<CommitResult> {
        let at = c.page.as_ref().map(|p| p.fetched_at).unwrap_or_else(now);
        let page_id = match &c.page {
            Some(p) => Some(Self::insert_page(tx, c.campaign, p)?),
            None => None,
        };
        let stored = match &c.ad {
            Some((ad, det)) => Some(Self::store_ad(tx, c.campaign, page_id, ad, det, at)?),
            None => None,
        };
        if c.state == FetchState::Gone {
            tx.exec(
                "UPDATE ads SET gone_at = COALESCE(gone_at, ?2) WHERE url = ?1",
                params![c.url, at],
            )?;
        }
        tx.exec(
            "UPDATE frontier SET state = ?3 WHERE campaign_id = ?1 AND url = ?2",
            params![c.campaign, c.url, c.state.as_str()],
        )?;
        let queued = Self::insert_frontier(tx, c.campaign, &c.discovered)?;
        Ok(CommitResult {
            ad: stored.map(|s| s.1),
            ad_id: stored.map(|s| s.0),
            queued,
        })
    }

    /// The campaign's highest frontier seq (0 for none), read from `frontier_campaign_seq`.
    pub(crate) fn last_seq(tx: &Connection, campaign: i64) -> Result<i64> {
        Ok(tx.row(LAST_SEQ, params![campaign], |r| r.get(0))?)
    }

    fn insert_frontier(
        tx: &Transaction<'_>,
        campaign: i64,
        items: &[FrontierItem],
    ) -> Result<usize> {
        let mut seq = Self::last_seq(tx, campaign)?;
        let mut n = 0;
        let mut stmt = tx.prepare_cached(
            "INSERT OR IGNORE INTO frontier(campaign_id, url, kind, platform, keyword, page, added_at, seq) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        let at = now();
        for it in items {
            seq += 1;
            n += stmt.execute(params![
                campaign,
                it.url,
                it.kind.as_str(),
                it.platform,
                it.keyword,
                it.page,
                at,
                seq
            ])?;
        }
        Ok(n)
    }
}

pub(crate) fn page_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PageRecord> {
    Ok(PageRecord {
        url: r.get(0)?,
        final_url: r.get(1)?,
        status: r.get::<_, i64>(2)? as u16,
        kind: r.get(3)?,
        content_type: r.get(4)?,
        charset: r.get(5)?,
        body_sha256: r.get(6)?,
        warc_file: r.get(7)?,
        warc_offset: r.get::<_, Option<i64>>(8)?.map(|v| v as u64),
        warc_length: r.get::<_, Option<i64>>(9)?.map(|v| v as u64),
        fetched_at: r.get(10)?,
        error: r.get(11)?,
    })
}

impl Store for SqliteStore {
    fn campaign(&mut self, name: &str, config: &serde_json::Value) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO campaigns(name, config, created_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT(name) DO UPDATE SET config = excluded.config",
            params![name, config.to_string(), now()],
        )?;
        self.campaign_id(name)?
            .ok_or_else(|| StoreError::NotFound(format!("campaign `{name}`")))
    }

    fn campaign_id(&self, name: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM campaigns WHERE name = ?1",
                params![name],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn enqueue(&mut self, campaign: i64, items: &[FrontierItem]) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let n = Self::insert_frontier(&tx, campaign, items)?;
        tx.commit()?;
        Ok(n)
    }

    /// Search pages first, then the rest, each in the order found: a search page leads to the
    /// next one and to its ads, so fetching it before the ads already queued keeps every
    /// pagination chain moving (otherwise the crawl ends by walking the chains one page at a time).
    fn pending(&self, campaign: i64, limit: usize) -> Result<Vec<FrontierItem>> {
        let mut out = Vec::with_capacity(limit.min(1024));
        for sql in [
            "SELECT url, kind, platform, keyword, page, attempts FROM frontier \
             WHERE campaign_id = ?1 AND state = 'pending' AND kind = 'search' ORDER BY seq LIMIT ?2",
            "SELECT url, kind, platform, keyword, page, attempts FROM frontier \
             WHERE campaign_id = ?1 AND state = 'pending' AND kind <> 'search' ORDER BY seq LIMIT ?2",
        ] {
            let left = limit - out.len();
            if left == 0 {
                break;
            }
            let mut stmt = self.conn.prepare_cached(sql)?;
            let rows = stmt.query_map(params![campaign, left as i64], |r| {
                Ok(FrontierItem {
                    url: r.get(0)?,
                    kind: UrlKind::parse(&r.get::<_, String>(1)?),
                    platform: r.get(2)?,
                    keyword: r.get(3)?,
                    page: r.get::<_, i64>(4)? as u32,
                    attempts: r.get::<_, i64>(5)? as u32,
                })
            })?;
            for r in rows {
                out.push(r?);
            }
        }
        Ok(out)
    }

    fn attempt_failed(
        &mut self,
        campaign: i64,
        url: &str,
        error: &str,
        max_attempts: u32,
    ) -> Result<bool> {
        self.conn.execute(
            "UPDATE frontier SET attempts = attempts + 1, last_error = ?3, \
             state = CASE WHEN attempts + 1 >= ?4 THEN 'failed' ELSE state END \
             WHERE campaign_id = ?1 AND url = ?2",
            params![campaign, url, error, max_attempts],
        )?;
        let state: Option<String> = self
            .conn
            .query_row(
                "SELECT state FROM frontier WHERE campaign_id = ?1 AND url = ?2",
                params![campaign, url],
                |r| r.get(0),
            )
            .optional()?;
        Ok(state.as_deref() == Some("failed"))
    }

    fn commit_fetch(&mut self, c: &FetchCommit) -> Result<CommitResult> {
        let tx = self.conn.transaction()?;
        let r = Self::commit_in(&tx, c)?;
        tx.commit()?;
        Ok(r)
    }

    fn commit_fetches(&mut self, cs: &[FetchCommit]) -> Result<Vec<CommitResult>> {
        let tx = self.conn.transaction()?;
        let rs = cs
            .iter()
            .map(|c| Self::commit_in(&tx, c))
            .collect::<Result<Vec<_>>>()?;
        tx.commit()?;
        Ok(rs)
    }

    fn commit_photo(&mut self, c: &PhotoCommit) -> Result<()> {
        let tx = self.conn.transaction()?;
        let at = c.page.as_ref().map(|p| p.fetched_at).unwrap_or_else(now);
        let page_id = match &c.page {
            Some(p) => Some(Self::insert_page(&tx, c.campaign, p)?),
            None => None,
        };
        tx.exec(
            "INSERT OR REPLACE INTO photos(url, phash, width, height, page_id, fetched_at, error) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                c.url,
                c.phash.map(|h| h as i64),
                c.size.map(|s| s.0),
                c.size.map(|s| s.1),
                page_id,
                at,
                c.error
            ],
        )?;
        if let Some(h) = c.phash {
            tx.exec(
                "INSERT OR REPLACE INTO photo_hashes(ad_id, url, phash) \
                 SELECT ad_id, url, ?2 FROM ad_photos WHERE url = ?1",
                params![c.url, h as i64],
            )?;
        }
        tx.exec(
            "UPDATE frontier SET state = ?3 WHERE campaign_id = ?1 AND url = ?2",
            params![c.campaign, c.url, c.state.as_str()],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn frontier_counts(&self, campaign: i64) -> Result<FrontierCounts> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT state, COUNT(*) FROM frontier WHERE campaign_id = ?1 GROUP BY state",
        )?;
        let mut c = FrontierCounts::default();
        let rows = stmt.query_map(params![campaign], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (state, n) = row?;
            match state.as_str() {
                "pending" => c.pending += n as u64,
                "done" => c.done += n as u64,
                _ => c.other += n as u64,
            }
        }
        Ok(c)
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
        let mut args: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
        if let Some(c) = &f.campaign {
            args.push(Box::new(c.clone()));
            sql.push_str(&format!(" AND c.name = ?{}", args.len()));
        }
        if let Some(r) = f.risk {
            args.push(Box::new(r.as_str()));
            sql.push_str(&format!(" AND d.risk = ?{}", args.len()));
        }
        if let Some(p) = &f.platform {
            args.push(Box::new(p.clone()));
            sql.push_str(&format!(" AND a.platform = ?{}", args.len()));
        }
        if f.relevant_only {
            sql.push_str(" AND d.relevant = 1");
        }
        sql.push_str(" ORDER BY d.risk_score DESC, a.id");
        if let Some(l) = f.limit {
            args.push(Box::new(l as i64));
            sql.push_str(&format!(" LIMIT ?{}", args.len()));
        }
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(
            rusqlite::params_from_iter(args.iter().map(|a| a.as_ref())),
            |r| {
                let content: String = r.get(3)?;
                let species: String = r.get(9)?;
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    content,
                    r.get::<_, Option<f64>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    vocab::<Risk>(r, 6)?,
                    r.get::<_, i64>(7)?,
                    vocab::<Category>(r, 8)?,
                    species,
                    r.get::<_, i64>(10)?,
                    r.get::<_, i64>(11)?,
                    r.get::<_, i64>(12)?,
                    r.get::<_, Option<i64>>(13)?,
                ))
            },
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (
                id,
                platform,
                url,
                content,
                price_eur,
                seller,
                risk,
                score,
                category,
                species,
                versions,
                first,
                last,
                gone,
            ) = row?;
            let ad: AdContent = serde_json::from_str(&content)?;
            out.push(AdRow {
                id,
                platform,
                url,
                title: ad.title,
                price_text: ad.price_text,
                price_eur,
                seller,
                risk,
                risk_score: score.clamp(0, 100) as u8,
                category,
                species: serde_json::from_str(&species)?,
                versions,
                first_seen: first,
                last_seen: last,
                gone_at: gone,
            });
        }
        Ok(out)
    }

    fn live_ad_urls(&self, campaign: i64) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT platform, url FROM ads WHERE campaign_id = ?1 AND gone_at IS NULL ORDER BY id",
        )?;
        let rows = stmt.query_map(params![campaign], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn mark_gone(&mut self, platform: &str, url: &str, at: i64) -> Result<bool> {
        let n = self.conn.execute(
            "UPDATE ads SET gone_at = ?3 WHERE platform = ?1 AND url = ?2 AND gone_at IS NULL",
            params![platform, url, at],
        )?;
        Ok(n > 0)
    }

    fn requeue(&mut self, campaign: i64, item: &FrontierItem) -> Result<()> {
        let tx = self.conn.transaction()?;
        Self::insert_frontier(&tx, campaign, std::slice::from_ref(item))?;
        let seq = Self::last_seq(&tx, campaign)? + 1;
        tx.execute(
            "UPDATE frontier SET state = 'pending', attempts = 0, seq = ?3 WHERE campaign_id = ?1 AND url = ?2",
            params![campaign, item.url, seq],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn platform_for_prefix(&self, prefix: &str) -> Result<Option<String>> {
        // substr comparison, not LIKE: the prefix is data and may hold % or _.
        Ok(self
            .conn
            .query_row(
                "SELECT platform FROM ads WHERE substr(url, 1, length(?1)) = ?1 LIMIT 1",
                params![prefix],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn pages_for(&self, url: &str) -> Result<Vec<PageRecord>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT url, final_url, status, kind, content_type, charset, body_sha256, warc_file, \
             warc_offset, warc_length, fetched_at, error FROM pages WHERE url = ?1 OR final_url = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![url], page_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn ad_id_range(&self, campaign: i64) -> Result<Option<(i64, i64)>> {
        let (lo, hi): (Option<i64>, Option<i64>) = self.conn.query_row(
            "SELECT MIN(id), MAX(id) FROM ads WHERE campaign_id = ?1",
            params![campaign],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(lo.zip(hi))
    }

    fn latest_versions(
        &self,
        campaign: i64,
        from_id: i64,
        to_id: i64,
    ) -> Result<Vec<StoredVersion>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, v.version, v.content, COALESCE(d.risk, 'none'), \
             COALESCE(d.category, 'none'), COALESCE(d.species, '[]') \
             FROM ads a JOIN ad_versions v ON v.ad_id = a.id AND v.version = a.versions \
             LEFT JOIN detections d ON d.ad_id = a.id AND d.version = a.versions \
             WHERE a.campaign_id = ?1 AND a.id BETWEEN ?2 AND ?3 ORDER BY a.id",
        )?;
        let rows = stmt.query_map(params![campaign, from_id, to_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                vocab::<Risk>(r, 3)?,
                vocab::<Category>(r, 4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (ad_id, version, content, risk, category, species) = row?;
            out.push(StoredVersion {
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

    fn replace_detections(&mut self, rows: &[Redetection]) -> Result<usize> {
        self.replace_detections_where(rows, false)
    }

    fn photos_to_fetch(&self, campaign: i64) -> Result<Vec<FrontierItem>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.url, MIN(a.platform) FROM ad_photos p JOIN ads a ON a.id = p.ad_id \
             WHERE a.campaign_id = ?1 \
             AND NOT EXISTS (SELECT 1 FROM photos f WHERE f.url = p.url) \
             AND NOT EXISTS (SELECT 1 FROM frontier q WHERE q.campaign_id = ?1 AND q.url = p.url \
                             AND q.state = 'pending') \
             GROUP BY p.url ORDER BY MIN(p.ad_id), p.url",
        )?;
        let rows = stmt.query_map(params![campaign], |r| {
            Ok(FrontierItem {
                url: r.get(0)?,
                kind: UrlKind::Photo,
                platform: r.get(1)?,
                keyword: None,
                page: 0,
                attempts: 0,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
