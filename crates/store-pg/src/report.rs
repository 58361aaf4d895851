//! [`CampaignReports`](wildwatch_store::CampaignReports) on PostgreSQL: the same rows as the
//! SQLite store's `report_ads` (reviews override detections), so `wildwatch report --db
//! postgres://…` and the workers' report jobs give the figures a report on SQLite gives.

use std::collections::HashMap;

use wildwatch_store::report::{effective_species, CampaignInfo, ReportAd, ReportSpecies};

use crate::{pg, PgStore, Result};

impl wildwatch_store::CampaignReports for PgStore {
    /// A campaign by name.
    fn campaign_info(&self, name: &str) -> Result<Option<CampaignInfo>> {
        self.with_client(|c| {
            Ok(c.query_opt(
                "SELECT id, name, created_at FROM campaigns WHERE name = $1",
                &[&name],
            )
            .map_err(pg)?
            .map(|r| CampaignInfo {
                id: r.get(0),
                name: r.get(1),
                created_at: r.get(2),
            }))
        })
    }

    /// Every campaign name, sorted.
    fn campaign_names(&self) -> Result<Vec<String>> {
        self.with_client(|c| {
            Ok(c.query(
                "SELECT name FROM campaigns ORDER BY name COLLATE \"C\"",
                &[],
            )
            .map_err(pg)?
            .iter()
            .map(|r| r.get(0))
            .collect())
        })
    }

    /// Every ad of a campaign, oldest first, with its effective labels (as on SQLite).
    fn report_ads(&self, campaign_id: i64) -> Result<Vec<ReportAd>> {
        let (species, ads) = self.with_client(|c| {
            // One snapshot for both reads.
            let mut tx = c
                .build_transaction()
                .isolation_level(postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .map_err(pg)?;
            let species = tx
                .query(
                    "SELECT s.ad_id, s.scientific_name, s.cites, s.eu_annex FROM ad_species s \
                     JOIN ads a ON a.id = s.ad_id WHERE a.campaign_id = $1 \
                     ORDER BY s.ad_id, s.scientific_name",
                    &[&campaign_id],
                )
                .map_err(pg)?;
            let ads = tx
                .query(
                    "SELECT a.id, a.platform, a.country, a.lang, \
                     COALESCE(r.relevant, a.relevant), \
                     COALESCE(r.category, a.category), \
                     COALESCE(r.risk, a.risk), \
                     CASE WHEN r.ad_id IS NULL THEN a.specimens ELSE r.specimens END, \
                     CASE WHEN r.ad_id IS NULL THEN a.price_eur ELSE r.price_eur END, \
                     COALESCE((SELECT d.json::jsonb ->> 'intent' FROM detections d \
                               WHERE d.ad_id = a.id AND d.version = a.versions), 'offer'), \
                     r.species, r.ad_id IS NOT NULL, a.source, a.first_seen, a.gone_at, \
                     (SELECT MIN(n.sent_at) FROM notice_ads na JOIN notices n ON n.id = na.notice_id \
                      WHERE na.ad_id = a.id AND n.sent_at IS NOT NULL) \
                     FROM ads a LEFT JOIN reviews r ON r.ad_id = a.id \
                     WHERE a.campaign_id = $1 ORDER BY a.first_seen, a.id",
                    &[&campaign_id],
                )
                .map_err(pg)?;
            tx.commit().map_err(pg)?;
            Ok((species, ads))
        })?;
        let mut detected: HashMap<i64, Vec<ReportSpecies>> = HashMap::new();
        for r in &species {
            detected
                .entry(r.get::<_, i64>(0))
                .or_default()
                .push(ReportSpecies {
                    scientific_name: r.get(1),
                    cites: r.get(2),
                    eu_annex: r.get(3),
                });
        }
        let mut out = Vec::with_capacity(ads.len());
        for r in &ads {
            let id: i64 = r.get(0);
            let seen = detected.remove(&id).unwrap_or_default();
            out.push(ReportAd {
                id,
                platform: r.get(1),
                country: r.get(2),
                lang: r.get(3),
                relevant: r.get(4),
                category: crate::vocab(r, 5),
                risk: crate::vocab(r, 6),
                specimens: r.get(7),
                price_eur: r.get(8),
                intent: crate::vocab(r, 9),
                species: effective_species(seen, r.get::<_, Option<&str>>(10))?,
                reviewed: r.get(11),
                source: r.get(12),
                first_seen: r.get(13),
                gone_at: r.get(14),
                notice_sent_at: r.get(15),
            });
        }
        Ok(out)
    }
}
