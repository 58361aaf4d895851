//! [`Links`] on PostgreSQL: per-ad signals, the links between sellers and the networks found,
//! as on SQLite (the same statements with PostgreSQL's placeholders; `INSERT OR IGNORE` and
//! `INSERT OR REPLACE` become `ON CONFLICT`; text is sorted as bytes, `COLLATE "C"`, SQLite's
//! BINARY; signatures are stored in the same bytes, [`sig_to_blob`]).

use std::collections::{HashMap, HashSet};

use postgres::Row;
use wildwatch_store::links::{
    blob_to_sig, parse_seller_key, push_identifier, seller_key, sig_to_blob, AdSignals,
    IdentifierRow, LinkRow, SellerHead, SellerKey, SellerView, SignalRow, StaleAd, ADS_OF_AD,
    ADS_OF_SELLER, NO_SELLER_NAME,
};
use wildwatch_store::Links;

use crate::{pg, PgStore, Result};

fn link_from_row(r: &Row) -> Result<LinkRow> {
    Ok(LinkRow {
        a: r.get(0),
        b: r.get(1),
        strength: r.get(2),
        evidence: serde_json::from_str(r.get(3))?,
    })
}

impl Links for PgStore {
    fn stale_signal_ads(&self, limit: usize) -> Result<Vec<StaleAd>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.with_client(|c| {
            c.query(
                "SELECT a.id, a.versions, v.content FROM ads a \
                 JOIN ad_versions v ON v.ad_id = a.id AND v.version = a.versions \
                 LEFT JOIN ad_signals s ON s.ad_id = a.id \
                 WHERE s.ad_id IS NULL OR s.version <> a.versions ORDER BY a.id LIMIT $1",
                &[&limit],
            )
            .map_err(pg)
        })?;
        rows.iter()
            .map(|r| {
                Ok(StaleAd {
                    ad_id: r.get(0),
                    version: r.get(1),
                    content: serde_json::from_str(r.get(2))?,
                })
            })
            .collect()
    }

    fn save_signals(&mut self, rows: &[AdSignals]) -> Result<()> {
        let now = wildwatch_store::now();
        self.with_client(|c| {
            let mut tx = c.transaction().map_err(pg)?;
            let del = tx
                .prepare("DELETE FROM identifiers WHERE ad_id = $1")
                .map_err(pg)?;
            let ins = tx
                .prepare(
                    "INSERT INTO identifiers(ad_id, kind, value, raw, field, start, end_) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                )
                .map_err(pg)?;
            let sig = tx
                .prepare(
                    "INSERT INTO ad_signals(ad_id, version, text_sig, computed_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (ad_id) DO UPDATE SET \
                     version = excluded.version, text_sig = excluded.text_sig, \
                     computed_at = excluded.computed_at",
                )
                .map_err(pg)?;
            for (ad_id, version, ids, text_sig) in rows {
                tx.execute(&del, &[ad_id]).map_err(pg)?;
                for i in ids {
                    tx.execute(
                        &ins,
                        &[
                            ad_id, &i.kind, &i.value, &i.raw, &i.field, &i.span.0, &i.span.1,
                        ],
                    )
                    .map_err(pg)?;
                }
                let blob = (!text_sig.is_empty()).then(|| sig_to_blob(text_sig));
                tx.execute(&sig, &[ad_id, version, &blob, &now])
                    .map_err(pg)?;
            }
            tx.commit().map_err(pg)
        })
    }

    fn save_photo_hash(&mut self, ad_id: i64, url: &str, phash: u64) -> Result<()> {
        self.with_client(|c| {
            c.execute(
                "INSERT INTO photo_hashes(ad_id, url, phash) VALUES ($1, $2, $3) \
                 ON CONFLICT (ad_id, url) DO UPDATE SET phash = excluded.phash",
                &[&ad_id, &url, &(phash as i64)],
            )
            .map_err(pg)
        })?;
        Ok(())
    }

    fn link_signals(&self) -> Result<Vec<SignalRow>> {
        let rows = self.with_client(|c| {
            c.query(
                "SELECT a.id, a.seller_id, a.platform, a.country, a.risk = 'high', \
                 (SELECT array_agg(x.scientific_name ORDER BY x.scientific_name COLLATE \"C\") \
                  FROM ad_species x WHERE x.ad_id = a.id), \
                 s.text_sig FROM ads a LEFT JOIN ad_signals s ON s.ad_id = a.id ORDER BY a.id",
                &[],
            )
            .map_err(pg)
        })?;
        let mut out: Vec<SignalRow> = Vec::with_capacity(rows.len());
        let mut pos = HashMap::new();
        for r in &rows {
            let ad_id: i64 = r.get(0);
            pos.insert(ad_id, out.len());
            out.push(SignalRow {
                ad_id,
                seller: seller_key(r.get(1), ad_id),
                platform: r.get(2),
                country: r.get(3),
                high_risk: r.get(4),
                species: r.get::<_, Option<Vec<String>>>(5).unwrap_or_default(),
                identifiers: Vec::new(),
                photos: Vec::new(),
                text_sig: r
                    .get::<_, Option<Vec<u8>>>(6)
                    .map(|b| blob_to_sig(&b))
                    .unwrap_or_default(),
            });
        }
        let (ids, photos) = self.with_client(|c| {
            let ids = c
                .query(
                    "SELECT ad_id, kind, value FROM identifiers ORDER BY ad_id, \
                     kind COLLATE \"C\", value COLLATE \"C\", field COLLATE \"C\", start",
                    &[],
                )
                .map_err(pg)?;
            let photos = c
                .query(
                    "SELECT ad_id, phash FROM photo_hashes ORDER BY ad_id, url COLLATE \"C\"",
                    &[],
                )
                .map_err(pg)?;
            Ok((ids, photos))
        })?;
        for r in &ids {
            if let Some(&i) = pos.get(&r.get::<_, i64>(0)) {
                out[i].identifiers.push((r.get(1), r.get(2)));
            }
        }
        for r in &photos {
            if let Some(&i) = pos.get(&r.get::<_, i64>(0)) {
                out[i].photos.push(r.get::<_, i64>(1) as u64);
            }
        }
        Ok(out)
    }

    fn save_links(
        &mut self,
        links: &[LinkRow],
        networks: &[(i64, serde_json::Value, Vec<String>)],
    ) -> Result<()> {
        self.with_client(|c| {
            let mut tx = c.transaction().map_err(pg)?;
            tx.batch_execute(
                "DELETE FROM network_members; DELETE FROM networks; DELETE FROM seller_links;",
            )
            .map_err(pg)?;
            let ins = tx
                .prepare(
                    "INSERT INTO seller_links(a, b, strength, evidence) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (a, b) DO UPDATE SET strength = excluded.strength, \
                     evidence = excluded.evidence",
                )
                .map_err(pg)?;
            for l in links {
                let ev = l.evidence.to_string();
                tx.execute(&ins, &[&l.a, &l.b, &l.strength, &ev])
                    .map_err(pg)?;
            }
            let net = tx
                .prepare("INSERT INTO networks(id, summary) VALUES ($1, $2)")
                .map_err(pg)?;
            let mem = tx
                .prepare(
                    "INSERT INTO network_members(seller, network) VALUES ($1, $2) \
                     ON CONFLICT (seller) DO UPDATE SET network = excluded.network",
                )
                .map_err(pg)?;
            for (id, summary, members) in networks {
                tx.execute(&net, &[id, &summary.to_string()]).map_err(pg)?;
                for m in members {
                    tx.execute(&mem, &[m, id]).map_err(pg)?;
                }
            }
            tx.commit().map_err(pg)
        })
    }

    fn networks(&self, limit: usize) -> Result<Vec<(i64, serde_json::Value)>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.with_client(|c| {
            c.query(
                "SELECT id, summary FROM networks ORDER BY id LIMIT $1",
                &[&limit],
            )
            .map_err(pg)
        })?;
        rows.iter()
            .map(|r| Ok((r.get(0), serde_json::from_str(r.get(1))?)))
            .collect()
    }

    fn links_of(&self, sellers: &[String], inside: bool) -> Result<Vec<LinkRow>> {
        let set: HashSet<&str> = sellers.iter().map(String::as_str).collect();
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for s in sellers {
            let rows = self.with_client(|c| {
                c.query(
                    "SELECT a, b, strength, evidence FROM seller_links WHERE a = $1 OR b = $1 \
                     ORDER BY a <> $1, a COLLATE \"C\", b COLLATE \"C\"",
                    &[s],
                )
                .map_err(pg)
            })?;
            for r in &rows {
                let (a, b): (&str, &str) = (r.get(0), r.get(1));
                if inside && !(set.contains(a) && set.contains(b)) {
                    continue;
                }
                if seen.insert((a.to_string(), b.to_string())) {
                    out.push(link_from_row(r)?);
                }
            }
        }
        Ok(out)
    }

    fn network_members(&self, id: i64) -> Result<Vec<String>> {
        let rows = self.with_client(|c| {
            c.query(
                "SELECT seller FROM network_members WHERE network = $1 \
                 ORDER BY seller COLLATE \"C\"",
                &[&id],
            )
            .map_err(pg)
        })?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn seller_view(&self, key: &str) -> Result<Option<SellerView>> {
        let Some((name, platform, ads)) = self.seller_head(key)? else {
            return Ok(None);
        };
        let ad_ids: Vec<i64> = ads.iter().map(|a| a.0).collect();
        let (rows, network) = self.with_client(|c| {
            // The ads' identifiers, ad by ad as on SQLite (the first of a kind and value is kept).
            let rows = c
                .query(
                    "SELECT i.kind, i.value, i.raw, i.field, i.start, i.end_ FROM identifiers i \
                     JOIN unnest($1::BIGINT[]) WITH ORDINALITY AS o(ad_id, n) ON o.ad_id = i.ad_id \
                     ORDER BY o.n, i.kind COLLATE \"C\", i.value COLLATE \"C\", \
                     i.field COLLATE \"C\", i.start",
                    &[&ad_ids],
                )
                .map_err(pg)?;
            let network = c
                .query_opt(
                    "SELECT network FROM network_members WHERE seller = $1",
                    &[&key],
                )
                .map_err(pg)?
                .map(|r| r.get::<_, i64>(0));
            Ok((rows, network))
        })?;
        let mut identifiers = Vec::new();
        for r in &rows {
            let row = IdentifierRow {
                kind: r.get(0),
                value: r.get(1),
                raw: r.get(2),
                field: r.get(3),
                span: (r.get(4), r.get(5)),
            };
            push_identifier(&mut identifiers, row);
        }
        Ok(Some(SellerView {
            key: key.to_string(),
            name,
            platform,
            ads,
            identifiers,
            links: self.links_of(&[key.to_string()], false)?,
            network,
        }))
    }

    fn identifier_owners(&self, kind: &str, value: &str) -> Result<Vec<(String, i64)>> {
        let rows = self.with_client(|c| {
            c.query(
                "SELECT a.seller_id, a.id FROM identifiers i JOIN ads a ON a.id = i.ad_id \
                 WHERE i.kind = $1 AND i.value = $2 ORDER BY a.id",
                &[&kind, &value],
            )
            .map_err(pg)
        })?;
        Ok(rows
            .iter()
            .map(|r| {
                let ad: i64 = r.get(1);
                (seller_key(r.get(0), ad), ad)
            })
            .collect())
    }
}

impl PgStore {
    /// A seller key's name, platform and ads (id, title, risk, url), by id; `None` when the key
    /// names no seller or ad.
    fn seller_head(&self, key: &str) -> Result<Option<SellerHead>> {
        let (head_sql, ads_sql, id) = match parse_seller_key(key) {
            Some(SellerKey::Seller(id)) => (
                "SELECT name, platform FROM sellers WHERE id = $1",
                ADS_OF_SELLER,
                id,
            ),
            Some(SellerKey::Ad(id)) => (
                "SELECT NULL::TEXT, platform FROM ads WHERE id = $1",
                ADS_OF_AD,
                id,
            ),
            None => return Ok(None),
        };
        self.with_client(|c| {
            let Some(head) = c.query_opt(head_sql, &[&id]).map_err(pg)? else {
                return Ok(None);
            };
            let name = head
                .get::<_, Option<String>>(0)
                .unwrap_or_else(|| NO_SELLER_NAME.to_string());
            let ads = c
                .query(ads_sql, &[&id])
                .map_err(pg)?
                .iter()
                .map(|r| (r.get(0), r.get(1), crate::vocab(r, 2), r.get(3)))
                .collect();
            Ok(Some((name, head.get(1), ads)))
        })
    }
}
