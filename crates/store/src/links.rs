//! What linking sellers needs from the store: per-ad signals (identifiers with the words they
//! came from, the text's MinHash signature, photo hashes), and the links and networks found.
//! Seller keys are `s{seller id}` for seller accounts and `a{ad id}` for ads without a seller.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::sqlite::vocab;
use crate::{AdContent, Result, Risk, SqliteStore};

/// Schema: signals, identifiers, photo hashes, links, networks.
pub(crate) const MIGRATION: &str = r#"
    CREATE TABLE ad_signals (
        ad_id INTEGER PRIMARY KEY REFERENCES ads(id),
        version INTEGER NOT NULL,
        text_sig BLOB,
        computed_at INTEGER NOT NULL
    );
    CREATE TABLE identifiers (
        ad_id INTEGER NOT NULL REFERENCES ads(id),
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        raw TEXT NOT NULL,
        field TEXT NOT NULL,
        start INTEGER NOT NULL,
        end_ INTEGER NOT NULL,
        PRIMARY KEY (ad_id, kind, value, field, start)
    );
    CREATE INDEX identifiers_value ON identifiers(kind, value);
    CREATE TABLE photo_hashes (
        ad_id INTEGER NOT NULL REFERENCES ads(id),
        url TEXT NOT NULL,
        phash INTEGER NOT NULL,
        PRIMARY KEY (ad_id, url)
    );
    CREATE TABLE seller_links (
        a TEXT NOT NULL,
        b TEXT NOT NULL,
        strength REAL NOT NULL,
        evidence TEXT NOT NULL,
        PRIMARY KEY (a, b)
    );
    CREATE INDEX seller_links_b ON seller_links(b);
    CREATE TABLE networks (
        id INTEGER PRIMARY KEY,
        summary TEXT NOT NULL
    );
    CREATE TABLE network_members (
        seller TEXT PRIMARY KEY,
        network INTEGER NOT NULL REFERENCES networks(id)
    );
"#;

/// Schema version 6: the photos each ad shows, and each photo fetched (its perceptual hash, or why
/// it could not be read). `photo_hashes` (per ad) is filled from these as photos arrive.
pub(crate) const MIGRATION_6: &str = r#"
    CREATE TABLE ad_photos (
        ad_id INTEGER NOT NULL REFERENCES ads(id),
        url TEXT NOT NULL,
        PRIMARY KEY (ad_id, url)
    );
    CREATE INDEX ad_photos_url ON ad_photos(url);
    CREATE TABLE photos (
        url TEXT PRIMARY KEY,
        phash INTEGER,
        width INTEGER,
        height INTEGER,
        page_id INTEGER REFERENCES pages(id),
        fetched_at INTEGER NOT NULL,
        error TEXT
    );
"#;

/// An ad whose signals are missing or older than its newest version.
#[derive(Debug, Clone)]
pub struct StaleAd {
    /// Ad id.
    pub ad_id: i64,
    /// Newest version.
    pub version: i64,
    /// Its content.
    pub content: AdContent,
}

/// An identifier found in an ad.
#[derive(Debug, Clone, Serialize)]
pub struct IdentifierRow {
    /// phone, email, …
    pub kind: String,
    /// Normalised value.
    pub value: String,
    /// Words as written.
    pub raw: String,
    /// title, description, seller, location.
    pub field: String,
    /// Byte span in that field.
    pub span: (i64, i64),
}

/// What the linker reads of one ad.
#[derive(Debug, Clone, Default)]
pub struct SignalRow {
    /// Ad id.
    pub ad_id: i64,
    /// Seller key.
    pub seller: String,
    /// Platform.
    pub platform: String,
    /// Country.
    pub country: Option<String>,
    /// High risk.
    pub high_risk: bool,
    /// Species.
    pub species: Vec<String>,
    /// (kind, value).
    pub identifiers: Vec<(String, String)>,
    /// Photo hashes.
    pub photos: Vec<u64>,
    /// MinHash signature.
    pub text_sig: Vec<u32>,
}

/// A stored link between two sellers.
#[derive(Debug, Clone, Serialize)]
pub struct LinkRow {
    /// Seller key.
    pub a: String,
    /// Seller key.
    pub b: String,
    /// Strength 0–1.
    pub strength: f64,
    /// Evidence (JSON list).
    pub evidence: serde_json::Value,
}

/// A seller as shown: account, ads, identifiers, links, network.
#[derive(Debug, Clone, Serialize)]
pub struct SellerView {
    /// Key (`s12`, `a40`).
    pub key: String,
    /// Display name.
    pub name: String,
    /// Platform.
    pub platform: String,
    /// Ads: (id, title, risk, url).
    pub ads: Vec<(i64, String, Risk, String)>,
    /// Identifiers found in those ads.
    pub identifiers: Vec<IdentifierRow>,
    /// Links to other sellers.
    pub links: Vec<LinkRow>,
    /// Network id, if any.
    pub network: Option<i64>,
}

/// The signals of one ad as [`Links::save_signals`](crate::Links::save_signals) stores them:
/// (ad id, version, identifiers, MinHash signature of the text).
pub type AdSignals = (i64, i64, Vec<IdentifierRow>, Vec<u32>);

/// What a seller key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SellerKey {
    /// `s{id}`: a seller account.
    Seller(i64),
    /// `a{id}`: an ad without a seller.
    Ad(i64),
}

/// Reads a seller key (`s12`, `a40`); `None` for anything else.
pub fn parse_seller_key(key: &str) -> Option<SellerKey> {
    if let Some(id) = key.strip_prefix('s').and_then(|x| x.parse::<i64>().ok()) {
        Some(SellerKey::Seller(id))
    } else {
        key.strip_prefix('a')
            .and_then(|x| x.parse::<i64>().ok())
            .map(SellerKey::Ad)
    }
}

/// A seller's name, platform and ads (id, title, risk, url).
pub type SellerHead = (String, String, Vec<(i64, String, Risk, String)>);

/// The name shown for an ad without a seller.
pub const NO_SELLER_NAME: &str = "(no seller name)";

/// A seller's ads, by id (`$1` the seller id; SQLite rewrites it as `?1`).
pub const ADS_OF_SELLER: &str =
    "SELECT id, title, risk, url FROM ads WHERE seller_id = $1 ORDER BY id";

/// The one ad of a key `a{id}` (`$1` the ad id).
pub const ADS_OF_AD: &str = "SELECT id, title, risk, url FROM ads WHERE id = $1";

/// Adds an identifier unless one of the same kind and value is already there (the first found
/// is kept: the seller page shows each identifier once).
pub fn push_identifier(list: &mut Vec<IdentifierRow>, row: IdentifierRow) {
    if !list
        .iter()
        .any(|x| x.kind == row.kind && x.value == row.value)
    {
        list.push(row);
    }
}

/// The key of an ad's seller: `s{seller id}`, or `a{ad id}` for an ad without a seller.
pub fn seller_key(seller_id: Option<i64>, ad_id: i64) -> String {
    match seller_id {
        Some(s) => format!("s{s}"),
        None => format!("a{ad_id}"),
    }
}

/// A MinHash signature as stored (little-endian `u32`s).
pub fn sig_to_blob(sig: &[u32]) -> Vec<u8> {
    sig.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// A stored MinHash signature read back (see [`sig_to_blob`]).
pub fn blob_to_sig(b: &[u8]) -> Vec<u32> {
    b.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

impl crate::contract::Links for SqliteStore {
    fn stale_signal_ads(&self, limit: usize) -> Result<Vec<StaleAd>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.versions, v.content FROM ads a \
             JOIN ad_versions v ON v.ad_id = a.id AND v.version = a.versions \
             LEFT JOIN ad_signals s ON s.ad_id = a.id \
             WHERE s.ad_id IS NULL OR s.version <> a.versions ORDER BY a.id LIMIT ?1",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (ad_id, version, content) = row?;
            out.push(StaleAd {
                ad_id,
                version,
                content: serde_json::from_str(&content)?,
            });
        }
        Ok(out)
    }

    fn save_signals(&mut self, rows: &[AdSignals]) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut del = tx.prepare_cached("DELETE FROM identifiers WHERE ad_id = ?1")?;
            let mut ins = tx.prepare_cached(
                "INSERT OR IGNORE INTO identifiers(ad_id, kind, value, raw, field, start, end_) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            let mut sig = tx.prepare_cached(
                "INSERT INTO ad_signals(ad_id, version, text_sig, computed_at) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT(ad_id) DO UPDATE SET version = excluded.version, text_sig = excluded.text_sig, \
                 computed_at = excluded.computed_at",
            )?;
            let now = crate::now();
            for (ad_id, version, ids, text_sig) in rows {
                del.execute(params![ad_id])?;
                for i in ids {
                    ins.execute(params![
                        ad_id, i.kind, i.value, i.raw, i.field, i.span.0, i.span.1
                    ])?;
                }
                let blob = (!text_sig.is_empty()).then(|| sig_to_blob(text_sig));
                sig.execute(params![ad_id, version, blob, now])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn save_photo_hash(&mut self, ad_id: i64, url: &str, phash: u64) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO photo_hashes(ad_id, url, phash) VALUES (?1, ?2, ?3)",
            params![ad_id, url, phash as i64],
        )?;
        Ok(())
    }

    fn link_signals(&self) -> Result<Vec<SignalRow>> {
        let mut out: Vec<SignalRow> = Vec::new();
        let mut pos = std::collections::HashMap::new();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT a.id, a.seller_id, a.platform, a.country, a.risk = 'high', \
                 (SELECT group_concat(scientific_name, '|') FROM ad_species x WHERE x.ad_id = a.id), \
                 s.text_sig FROM ads a LEFT JOIN ad_signals s ON s.ad_id = a.id ORDER BY a.id",
            )?;
            let rows = stmt.query_map([], |r| {
                let ad_id: i64 = r.get(0)?;
                let species: Option<String> = r.get(5)?;
                let sig: Option<Vec<u8>> = r.get(6)?;
                Ok(SignalRow {
                    ad_id,
                    seller: seller_key(r.get(1)?, ad_id),
                    platform: r.get(2)?,
                    country: r.get(3)?,
                    high_risk: r.get::<_, i64>(4)? != 0,
                    species: species
                        .map(|s| s.split('|').map(str::to_string).collect())
                        .unwrap_or_default(),
                    identifiers: Vec::new(),
                    photos: Vec::new(),
                    text_sig: sig.map(|b| blob_to_sig(&b)).unwrap_or_default(),
                })
            })?;
            for row in rows {
                let row = row?;
                pos.insert(row.ad_id, out.len());
                out.push(row);
            }
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT ad_id, kind, value FROM identifiers ORDER BY ad_id, kind, value, field, start",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (ad, k, v) = row?;
            if let Some(&i) = pos.get(&ad) {
                out[i].identifiers.push((k, v));
            }
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT ad_id, phash FROM photo_hashes ORDER BY ad_id, url")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (ad, h) = row?;
            if let Some(&i) = pos.get(&ad) {
                out[i].photos.push(h as u64);
            }
        }
        Ok(out)
    }

    fn save_links(
        &mut self,
        links: &[LinkRow],
        networks: &[(i64, serde_json::Value, Vec<String>)],
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute_batch(
            "DELETE FROM network_members; DELETE FROM networks; DELETE FROM seller_links;",
        )?;
        {
            let mut ins = tx.prepare_cached(
                "INSERT OR REPLACE INTO seller_links(a, b, strength, evidence) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for l in links {
                ins.execute(params![l.a, l.b, l.strength, l.evidence.to_string()])?;
            }
            let mut net = tx.prepare_cached("INSERT INTO networks(id, summary) VALUES (?1, ?2)")?;
            let mut mem = tx.prepare_cached(
                "INSERT OR REPLACE INTO network_members(seller, network) VALUES (?1, ?2)",
            )?;
            for (id, summary, members) in networks {
                net.execute(params![id, summary.to_string()])?;
                for m in members {
                    mem.execute(params![m, id])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn networks(&self, limit: usize) -> Result<Vec<(i64, serde_json::Value)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, summary FROM networks ORDER BY id LIMIT ?1")?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![limit], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, s) = row?;
            out.push((id, serde_json::from_str(&s)?));
        }
        Ok(out)
    }

    fn links_of(&self, sellers: &[String], inside: bool) -> Result<Vec<LinkRow>> {
        let set: std::collections::HashSet<&str> = sellers.iter().map(String::as_str).collect();
        let mut out = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT a, b, strength, evidence FROM seller_links WHERE a = ?1 OR b = ?1 \
             ORDER BY a <> ?1, a, b",
        )?;
        let mut seen = std::collections::HashSet::new();
        for s in sellers {
            let rows = stmt.query_map(params![s], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, f64>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?;
            for row in rows {
                let (a, b, strength, ev) = row?;
                if inside && !(set.contains(a.as_str()) && set.contains(b.as_str())) {
                    continue;
                }
                if seen.insert((a.clone(), b.clone())) {
                    out.push(LinkRow {
                        a,
                        b,
                        strength,
                        evidence: serde_json::from_str(&ev)?,
                    });
                }
            }
        }
        Ok(out)
    }

    fn network_members(&self, id: i64) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seller FROM network_members WHERE network = ?1 ORDER BY seller",
        )?;
        let rows = stmt.query_map(params![id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn seller_view(&self, key: &str) -> Result<Option<SellerView>> {
        let Some((name, platform, ads)) = self.seller_head(key)? else {
            return Ok(None);
        };
        let mut identifiers = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, value, raw, field, start, end_ FROM identifiers WHERE ad_id = ?1 \
             ORDER BY kind, value, field, start",
        )?;
        for (ad, ..) in &ads {
            let rows = stmt.query_map(params![ad], |r| {
                Ok(IdentifierRow {
                    kind: r.get(0)?,
                    value: r.get(1)?,
                    raw: r.get(2)?,
                    field: r.get(3)?,
                    span: (r.get(4)?, r.get(5)?),
                })
            })?;
            for row in rows {
                push_identifier(&mut identifiers, row?);
            }
        }
        let links = self.links_of(&[key.to_string()], false)?;
        let network = self
            .conn
            .query_row(
                "SELECT network FROM network_members WHERE seller = ?1",
                params![key],
                |r| r.get(0),
            )
            .optional()?;
        Ok(Some(SellerView {
            key: key.to_string(),
            name,
            platform,
            ads,
            identifiers,
            links,
            network,
        }))
    }

    fn identifier_owners(&self, kind: &str, value: &str) -> Result<Vec<(String, i64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.seller_id, a.id FROM identifiers i JOIN ads a ON a.id = i.ad_id \
             WHERE i.kind = ?1 AND i.value = ?2 ORDER BY a.id",
        )?;
        let rows = stmt.query_map(params![kind, value], |r| {
            Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, i64>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (s, ad) = row?;
            out.push((seller_key(s, ad), ad));
        }
        Ok(out)
    }
}

impl SqliteStore {
    /// A seller key's name, platform and ads (id, title, risk, url), by id; `None` when the key
    /// names no seller or ad.
    fn seller_head(&self, key: &str) -> Result<Option<SellerHead>> {
        let (name, platform, ads_sql, id) = match parse_seller_key(key) {
            Some(SellerKey::Seller(id)) => {
                let Some((name, platform)) = self
                    .conn
                    .query_row(
                        "SELECT name, platform FROM sellers WHERE id = ?1",
                        params![id],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?
                else {
                    return Ok(None);
                };
                (name, platform, ADS_OF_SELLER, id)
            }
            Some(SellerKey::Ad(id)) => {
                let Some(platform) = self
                    .conn
                    .query_row("SELECT platform FROM ads WHERE id = ?1", params![id], |r| {
                        r.get(0)
                    })
                    .optional()?
                else {
                    return Ok(None);
                };
                (NO_SELLER_NAME.to_string(), platform, ADS_OF_AD, id)
            }
            None => return Ok(None),
        };
        let mut stmt = self.conn.prepare_cached(&ads_sql.replace("$1", "?1"))?;
        let ads = stmt
            .query_map(params![id], |r| {
                Ok((r.get(0)?, r.get(1)?, vocab(r, 2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<Vec<(i64, String, Risk, String)>>>()?;
        Ok(Some((name, platform, ads)))
    }
}

#[cfg(test)]
mod photo_tests {
    use crate::suite::{ad, commit, det, item};
    use crate::*;

    fn photo(c: i64, url: &str, phash: Option<u64>) -> PhotoCommit {
        PhotoCommit {
            campaign: c,
            url: url.into(),
            state: if phash.is_some() {
                FetchState::Done
            } else {
                FetchState::Failed
            },
            page: Some(PageRecord {
                url: url.into(),
                final_url: url.into(),
                status: 200,
                kind: "photo".into(),
                fetched_at: 1000,
                ..Default::default()
            }),
            phash,
            size: phash.map(|_| (640, 480)),
            error: phash.is_none().then(|| "undecodable image".into()),
        }
    }

    #[test]
    fn photo_hashes_reach_every_ad_that_shows_the_photo_whichever_comes_first() {
        let mut s = SqliteStore::in_memory().unwrap();
        let c = s.campaign("t", &serde_json::json!({})).unwrap();
        let mut a1 = ad("http://a/1", "10 €");
        a1.images = vec!["http://a/img/1.jpg".into(), "http://a/img/bad.jpg".into()];
        s.enqueue(
            c,
            &[
                item("http://a/img/1.jpg", UrlKind::Photo),
                item("http://a/img/bad.jpg", UrlKind::Photo),
            ],
        )
        .unwrap();
        let r1 = s
            .commit_fetch(&commit(c, "http://a/1", Some((a1, det("high")))))
            .unwrap();
        // The photo arrives after the ad …
        s.commit_photo(&photo(c, "http://a/img/1.jpg", Some(0xFFFF_0000_FFFF_0000)))
            .unwrap();
        s.commit_photo(&photo(c, "http://a/img/bad.jpg", None))
            .unwrap();
        // … and a second ad showing the same photo gets the hash when it is stored.
        let mut a2 = ad("http://a/2", "12 €");
        a2.seller = Some("Other".into());
        a2.images = vec!["http://a/img/1.jpg".into()];
        let r2 = s
            .commit_fetch(&commit(c, "http://a/2", Some((a2, det("high")))))
            .unwrap();
        let sig = s.link_signals().unwrap();
        let photos_of = |id: i64| {
            sig.iter()
                .find(|x| x.ad_id == id)
                .map(|x| x.photos.clone())
                .unwrap()
        };
        assert_eq!(photos_of(r1.ad_id.unwrap()), vec![0xFFFF_0000_FFFF_0000]);
        assert_eq!(photos_of(r2.ad_id.unwrap()), vec![0xFFFF_0000_FFFF_0000]);
        // Both photo URLs are done with the frontier; their pages are kept as evidence.
        assert!(s.pending(c, 10).unwrap().is_empty());
        assert_eq!(s.pages_for("http://a/img/bad.jpg").unwrap().len(), 1);
        let err: Option<String> = s
            .conn
            .query_row(
                "SELECT error FROM photos WHERE url = 'http://a/img/bad.jpg'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(err.as_deref(), Some("undecodable image"));
    }
}
