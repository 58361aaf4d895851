//! [`AdQueries`] on PostgreSQL: the ads list (filters, sorting, paging), its count and filter
//! menus, one ad with everything known about it, as on SQLite.
//!
//! The differences from SQLite, all in this file: flags are BOOLEAN here; text is sorted as
//! bytes (`COLLATE "C"`, SQLite's BINARY), and the `title` sort folds ASCII letters only
//! (`lower(… COLLATE "C")`, SQLite's NOCASE); an ad's species are read as an array instead of a
//! `|`-joined string; the filters ([`where_clause`]) are the ones of `AdQuery::where_clause` in
//! `wildwatch_store::app::query`, with PostgreSQL's placeholders (the shared suite,
//! `ad_queries_suite!`, holds the two to the same results). There is no full-text search on
//! either backend.

use postgres::types::ToSql;
use postgres::Row;
use wildwatch_store::app::{
    parse_day, AdDetail, AdPage, AdQuery, AdSummary, Facets, PageInfo, SellerInfo, VersionInfo,
};
use wildwatch_store::{AdContent, AdQueries, Notices, PageRecord, Reviews, StoreError};

use crate::{pg, PgStore, Result};

/// The columns [`summary_from_row`] reads, over `ads a`.
const SUMMARY_COLS: &str =
    "a.id, a.platform, a.url, a.title, a.country, a.lang, a.relevant, a.category, \
    a.risk, a.risk_score, a.price_eur, a.specimens, \
    (SELECT array_agg(s.scientific_name ORDER BY s.scientific_name COLLATE \"C\") \
     FROM ad_species s WHERE s.ad_id = a.id), \
    (SELECT name FROM sellers WHERE id = a.seller_id), a.review_status, a.takedown, a.enforcement, \
    a.first_seen, a.last_seen, a.gone_at, a.versions, a.source";

fn summary_from_row(r: &Row) -> AdSummary {
    AdSummary {
        id: r.get(0),
        platform: r.get(1),
        url: r.get(2),
        title: r.get(3),
        country: r.get(4),
        lang: r.get(5),
        relevant: r.get(6),
        category: crate::vocab(r, 7),
        risk: crate::vocab(r, 8),
        risk_score: r.get(9),
        price_eur: r.get(10),
        specimens: r.get(11),
        species: r.get::<_, Option<Vec<String>>>(12).unwrap_or_default(),
        seller: r.get(13),
        review_status: crate::vocab(r, 14),
        takedown: r.get(15),
        enforcement: r.get(16),
        first_seen: r.get(17),
        last_seen: r.get(18),
        gone_at: r.get(19),
        versions: r.get(20),
        source: r.get(21),
    }
}

/// The values a query binds, in placeholder order.
type Args = Vec<Box<dyn ToSql + Sync>>;

fn refs(args: &Args) -> Vec<&(dyn ToSql + Sync)> {
    args.iter().map(|a| a.as_ref()).collect()
}

/// A filter value: trimmed, `None` when empty.
fn some(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The query's filters as SQL over `ads a`, every value a parameter (`$1`, `$2` … in `args`).
/// The same conditions as SQLite's; species, appendix and annex are `EXISTS` for pages and
/// counts alike (PostgreSQL plans both as a semi-join, where SQLite needs `IN` for counts).
pub(crate) fn where_clause(q: &AdQuery, args: &mut Args) -> String {
    let mut sql = String::from(" WHERE TRUE");
    let mut push = |sql: &mut String, cond: &str, v: Box<dyn ToSql + Sync>| {
        args.push(v);
        sql.push_str(&cond.replace('?', &format!("${}", args.len())));
    };
    let species = |col: &str| {
        format!(" AND EXISTS (SELECT 1 FROM ad_species s WHERE s.ad_id = a.id AND s.{col} = ?)")
    };
    if let Some(c) = some(&q.campaign) {
        let cond = " AND a.campaign_id = (SELECT id FROM campaigns WHERE name = ?)";
        push(&mut sql, cond, Box::new(c));
    }
    if let Some(p) = some(&q.platform) {
        push(&mut sql, " AND a.platform = ?", Box::new(p));
    }
    if let Some(c) = some(&q.country) {
        push(&mut sql, " AND a.country = ?", Box::new(c.to_uppercase()));
    }
    if let Some(l) = some(&q.lang) {
        push(&mut sql, " AND a.lang = ?", Box::new(l.to_lowercase()));
    }
    for (v, col) in [
        (&q.species, "scientific_name"),
        (&q.appendix, "cites"),
        (&q.annex, "eu_annex"),
    ] {
        if let Some(s) = some(v) {
            push(&mut sql, &species(col), Box::new(s));
        }
    }
    if let Some(c) = some(&q.category) {
        push(&mut sql, " AND a.category = ?", Box::new(c));
    }
    if let Some(r) = some(&q.risk) {
        push(&mut sql, " AND a.risk = ?", Box::new(r));
    }
    match some(&q.review).as_deref() {
        Some("reviewed") => sql.push_str(" AND a.review_status <> 'unreviewed'"),
        Some("takedown") => sql.push_str(" AND a.takedown"),
        Some("enforcement") => sql.push_str(" AND a.enforcement"),
        Some(s) => push(
            &mut sql,
            " AND a.review_status = ?",
            Box::new(s.to_string()),
        ),
        None => {}
    }
    if let Some(t) = some(&q.from).and_then(|d| parse_day(&d).ok()) {
        push(&mut sql, " AND a.first_seen >= ?", Box::new(t));
    }
    if let Some(t) = some(&q.to).and_then(|d| parse_day(&d).ok()) {
        push(&mut sql, " AND a.first_seen < ?", Box::new(t + 86_400));
    }
    if let Some(r) = q.relevant {
        push(&mut sql, " AND a.relevant = ?", Box::new(r));
    }
    sql
}

/// The `ORDER BY` of a sort (risk score by default; ties by id).
fn order_by(sort: Option<&str>) -> &'static str {
    match sort {
        Some("newest") => " ORDER BY a.first_seen DESC, a.id DESC",
        Some("oldest") => " ORDER BY a.first_seen, a.id",
        Some("price") => " ORDER BY a.price_eur IS NULL, a.price_eur DESC, a.id",
        // SQLite's NOCASE folds ASCII letters only; so does lower() under the "C" collation.
        Some("title") => " ORDER BY lower(a.title COLLATE \"C\"), a.id",
        _ => " ORDER BY a.risk_score DESC, a.id",
    }
}

impl AdQueries for PgStore {
    fn ad_page(&self, q: &AdQuery) -> Result<AdPage> {
        let mut args: Args = Vec::new();
        let order = order_by(q.sort.as_deref());
        let per = i64::from(q.per_page());
        let offset = (i64::from(q.page()) - 1) * per;
        // The page's ids first (sorting ids and sort keys only), then only those rows in full.
        let mut ids = String::from("SELECT a.id FROM ads a");
        ids.push_str(&where_clause(q, &mut args));
        ids.push_str(order);
        ids.push_str(&format!(
            " LIMIT ${} OFFSET ${}",
            args.len() + 1,
            args.len() + 2
        ));
        args.push(Box::new(per + 1));
        args.push(Box::new(offset));
        let sql = format!("SELECT {SUMMARY_COLS} FROM ads a WHERE a.id IN ({ids}){order}");
        let rows = self.with_client(|c| c.query(&sql, &refs(&args)).map_err(pg))?;
        let mut ads: Vec<AdSummary> = rows.iter().map(summary_from_row).collect();
        let has_more = ads.len() as i64 > per;
        ads.truncate(per as usize);
        Ok(AdPage {
            ads,
            page: q.page(),
            per_page: per as u32,
            has_more,
        })
    }

    fn ad_count(&self, q: &AdQuery) -> Result<i64> {
        let mut args: Args = Vec::new();
        let sql = format!("SELECT COUNT(*) FROM ads a{}", where_clause(q, &mut args));
        let row = self.with_client(|c| c.query_one(&sql, &refs(&args)).map_err(pg))?;
        Ok(row.get(0))
    }

    fn platform_counts(&self) -> Result<Vec<(String, i64)>> {
        let rows = self.with_client(|c| {
            c.query(
                "SELECT platform, COUNT(*) FROM ads GROUP BY platform \
                 ORDER BY platform COLLATE \"C\"",
                &[],
            )
            .map_err(pg)
        })?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    /// Each menu is read by skipping through the index its column leads, as on SQLite (a few
    /// index lookups however many ads there are), then sorted as bytes.
    fn facets(&self) -> Result<Facets> {
        let distinct = |table: &str, col: &str| -> Result<Vec<String>> {
            let sql = format!(
                "WITH RECURSIVE v(x) AS (SELECT (SELECT MIN({col}) FROM {table} WHERE {col} > '') \
                 UNION ALL SELECT (SELECT MIN({col}) FROM {table} WHERE {col} > v.x) FROM v \
                 WHERE v.x IS NOT NULL) SELECT x FROM v WHERE x IS NOT NULL"
            );
            let rows = self.with_client(|c| c.query(&sql, &[]).map_err(pg))?;
            let mut out: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
            out.sort();
            Ok(out)
        };
        let campaigns = self
            .with_client(|c| {
                c.query(
                    "SELECT name FROM campaigns ORDER BY name COLLATE \"C\"",
                    &[],
                )
                .map_err(pg)
            })?
            .iter()
            .map(|r| r.get(0))
            .collect();
        Ok(Facets {
            platforms: distinct("ads", "platform")?,
            countries: distinct("ads", "country")?,
            languages: distinct("ads", "lang")?,
            campaigns,
            species: distinct("ad_species", "scientific_name")?,
        })
    }

    fn ad_detail(&self, id: i64) -> Result<AdDetail> {
        let summary = self
            .with_client(|c| {
                c.query_opt(
                    &format!("SELECT {SUMMARY_COLS} FROM ads a WHERE a.id = $1"),
                    &[&id],
                )
                .map_err(pg)
            })?
            .as_ref()
            .map(summary_from_row)
            .ok_or_else(|| StoreError::NotFound(format!("no ad with id {id}")))?;
        let head = self.with_client(|c| {
            c.query_one(
                "SELECT v.content, d.json, (SELECT name FROM campaigns WHERE id = a.campaign_id) \
                 FROM ads a JOIN ad_versions v ON v.ad_id = a.id AND v.version = a.versions \
                 JOIN detections d ON d.ad_id = a.id AND d.version = a.versions WHERE a.id = $1",
                &[&id],
            )
            .map_err(pg)
        })?;
        Ok(AdDetail {
            content: serde_json::from_str(head.get(0))?,
            detection: serde_json::from_str(head.get(1))?,
            versions: self.versions_of(id)?,
            pages: self.pages_of(&summary.url)?,
            seller: self.seller_of(id)?,
            review: self.review(id)?,
            campaign: head.get(2),
            summary,
        })
    }

    fn page(&self, id: i64) -> Result<Option<PageRecord>> {
        self.page_record(id)
    }
}

impl PgStore {
    /// Every version of an ad, oldest first, with its risk then.
    fn versions_of(&self, id: i64) -> Result<Vec<VersionInfo>> {
        let rows = self.with_client(|c| {
            c.query(
                "SELECT v.version, v.seen_at, v.content, d.risk, v.page_id FROM ad_versions v \
                 JOIN detections d ON d.ad_id = v.ad_id AND d.version = v.version \
                 WHERE v.ad_id = $1 ORDER BY v.version",
                &[&id],
            )
            .map_err(pg)
        })?;
        Ok(rows
            .iter()
            .map(|r| {
                let c: AdContent = serde_json::from_str(r.get(2)).unwrap_or_default();
                VersionInfo {
                    version: r.get(0),
                    seen_at: r.get(1),
                    title: c.title,
                    price_text: c.price_text,
                    risk: crate::vocab(r, 3),
                    page_id: r.get(4),
                }
            })
            .collect())
    }

    /// The pages fetched for an ad's URL, oldest first.
    fn pages_of(&self, url: &str) -> Result<Vec<PageInfo>> {
        let rows = self.with_client(|c| {
            c.query(
                "SELECT id, status, kind, fetched_at, body_sha256, warc_file, warc_offset \
                 FROM pages WHERE url = $1 ORDER BY id",
                &[&url],
            )
            .map_err(pg)
        })?;
        Ok(rows
            .iter()
            .map(|r| PageInfo {
                id: r.get(0),
                status: r.get::<_, i64>(1) as u16,
                kind: r.get(2),
                fetched_at: r.get(3),
                body_sha256: r.get(4),
                warc_file: r.get(5),
                warc_offset: r.get::<_, Option<i64>>(6).map(|v| v as u64),
            })
            .collect())
    }

    /// An ad's seller with its contacts (sorted) and number of ads.
    fn seller_of(&self, id: i64) -> Result<Option<SellerInfo>> {
        let row = self.with_client(|c| {
            c.query_opt(
                "SELECT s.id, s.platform, s.name, \
                 (SELECT COUNT(*) FROM ads x WHERE x.seller_id = s.id), \
                 ARRAY(SELECT contact FROM seller_contacts WHERE seller_id = s.id \
                       ORDER BY contact COLLATE \"C\") \
                 FROM ads a JOIN sellers s ON s.id = a.seller_id WHERE a.id = $1",
                &[&id],
            )
            .map_err(pg)
        })?;
        Ok(row.map(|r| SellerInfo {
            id: r.get(0),
            platform: r.get(1),
            name: r.get(2),
            contacts: r.get(4),
            ads: r.get(3),
        }))
    }
}
