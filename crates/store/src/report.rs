//! What campaign reports need from the store: the campaign, and each of its ads with the labels
//! that count (an analyst's review where there is one, else the detection), its species, when it
//! was seen and removed, and when a takedown notice naming it was sent. The figures themselves
//! are computed by `wildwatch-report`; all SQL here is parameterised.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::sqlite::vocab;
use crate::{Category, Intent, Result, Risk, SqliteStore};

/// A campaign as reports name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CampaignInfo {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Created (Unix seconds).
    pub created_at: i64,
}

/// A species named by an ad, with the listing the detection gave it (absent for a species an
/// analyst added that the detection did not see; the report fills it from the reference data).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportSpecies {
    /// Accepted scientific name.
    pub scientific_name: String,
    /// CITES appendix (`I`, `II`, `III`).
    pub cites: Option<String>,
    /// EU annex (`A`..`D`).
    pub eu_annex: Option<String>,
}

/// One ad of a campaign with the labels that count: where an analyst reviewed it, the review's
/// relevance, category, species, specimens, price and risk replace the detection's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportAd {
    /// Store id.
    pub id: i64,
    /// Platform (adapter) name.
    pub platform: String,
    /// Country of the platform (ISO 3166 alpha-2), if known.
    pub country: Option<String>,
    /// Language of the ad (empty when unknown).
    pub lang: String,
    /// Relevant to CITES/EU listings.
    pub relevant: bool,
    /// live / part / lookalike / none.
    pub category: Category,
    /// high / medium / low / none.
    pub risk: Risk,
    /// Specimens, when known.
    pub specimens: Option<i64>,
    /// Price in euros, when known.
    pub price_eur: Option<f64>,
    /// offer / wanted / swap (from the detection; reviews do not label intent).
    pub intent: Intent,
    /// Species named.
    pub species: Vec<ReportSpecies>,
    /// An analyst reviewed the ad.
    pub reviewed: bool,
    /// crawl / report (public report form) / import.
    pub source: String,
    /// First seen (Unix seconds).
    pub first_seen: i64,
    /// First seen gone (Unix seconds).
    pub gone_at: Option<i64>,
    /// When the first takedown notice naming the ad was sent to its platform (Unix seconds).
    pub notice_sent_at: Option<i64>,
}

/// The species that count for an ad: the analyst's list where there is a review (`reviewed`, a
/// JSON array of names), each with the listing the detection gave it where it saw that name; else
/// the detection's.
pub fn effective_species(
    seen: Vec<ReportSpecies>,
    reviewed: Option<&str>,
) -> Result<Vec<ReportSpecies>> {
    let Some(json) = reviewed else {
        return Ok(seen);
    };
    let names: Vec<String> = serde_json::from_str(json)?;
    Ok(names
        .into_iter()
        .map(|name| {
            seen.iter()
                .find(|s| s.scientific_name == name)
                .cloned()
                .unwrap_or(ReportSpecies {
                    scientific_name: name,
                    cites: None,
                    eu_annex: None,
                })
        })
        .collect())
}

impl crate::contract::CampaignReports for SqliteStore {
    /// A campaign by name.
    fn campaign_info(&self, name: &str) -> Result<Option<CampaignInfo>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, name, created_at FROM campaigns WHERE name = ?1",
                params![name],
                |r| {
                    Ok(CampaignInfo {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        created_at: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    /// Every campaign name, sorted (for "did you mean" messages).
    fn campaign_names(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name FROM campaigns ORDER BY name")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Every ad of a campaign, oldest first, with its effective labels (see [`ReportAd`]).
    fn report_ads(&self, campaign_id: i64) -> Result<Vec<ReportAd>> {
        // Species first: the detection's rows, by ad, to give reviewed names their listing.
        let mut detected: HashMap<i64, Vec<ReportSpecies>> = HashMap::new();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT s.ad_id, s.scientific_name, s.cites, s.eu_annex FROM ad_species s \
                 JOIN ads a ON a.id = s.ad_id WHERE a.campaign_id = ?1 \
                 ORDER BY s.ad_id, s.scientific_name",
            )?;
            let rows = stmt.query_map(params![campaign_id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    ReportSpecies {
                        scientific_name: r.get(1)?,
                        cites: r.get(2)?,
                        eu_annex: r.get(3)?,
                    },
                ))
            })?;
            for row in rows {
                let (id, s) = row?;
                detected.entry(id).or_default().push(s);
            }
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.platform, a.country, a.lang, \
             COALESCE(r.relevant, a.relevant), \
             COALESCE(r.category, a.category), \
             COALESCE(r.risk, a.risk), \
             CASE WHEN r.ad_id IS NULL THEN a.specimens ELSE r.specimens END, \
             CASE WHEN r.ad_id IS NULL THEN a.price_eur ELSE r.price_eur END, \
             COALESCE((SELECT json_extract(d.json, '$.intent') FROM detections d \
                       WHERE d.ad_id = a.id AND d.version = a.versions), 'offer'), \
             r.species, r.ad_id IS NOT NULL, a.source, a.first_seen, a.gone_at, \
             (SELECT MIN(n.sent_at) FROM notice_ads na JOIN notices n ON n.id = na.notice_id \
              WHERE na.ad_id = a.id AND n.sent_at IS NOT NULL) \
             FROM ads a LEFT JOIN reviews r ON r.ad_id = a.id \
             WHERE a.campaign_id = ?1 ORDER BY a.first_seen, a.id",
        )?;
        let rows = stmt.query_map(params![campaign_id], |r| {
            Ok((
                ReportAd {
                    id: r.get(0)?,
                    platform: r.get(1)?,
                    country: r.get(2)?,
                    lang: r.get(3)?,
                    relevant: r.get::<_, i64>(4)? != 0,
                    category: vocab(r, 5)?,
                    risk: vocab(r, 6)?,
                    specimens: r.get(7)?,
                    price_eur: r.get(8)?,
                    intent: vocab(r, 9)?,
                    species: Vec::new(),
                    reviewed: r.get::<_, i64>(11)? != 0,
                    source: r.get(12)?,
                    first_seen: r.get(13)?,
                    gone_at: r.get(14)?,
                    notice_sent_at: r.get(15)?,
                },
                r.get::<_, Option<String>>(10)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (mut ad, reviewed_species) = row?;
            let seen = detected.remove(&ad.id).unwrap_or_default();
            ad.species = effective_species(seen, reviewed_species.as_deref())?;
            out.push(ad);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::app::Review;
    use crate::*;

    fn commit(c: i64, url: &str, at: i64, title: &str, det: DetectionRecord) -> FetchCommit {
        FetchCommit {
            campaign: c,
            url: url.into(),
            state: FetchState::Done,
            page: Some(PageRecord {
                url: url.into(),
                final_url: url.into(),
                status: 200,
                kind: "ad".into(),
                fetched_at: at,
                ..Default::default()
            }),
            ad: Some((
                AdContent {
                    platform: "p".into(),
                    url: url.into(),
                    title: title.into(),
                    country: Some("DE".into()),
                    ..Default::default()
                },
                det,
            )),
            discovered: vec![],
        }
    }

    #[test]
    fn reviews_replace_detection_and_notices_give_sent_time() {
        let mut s = SqliteStore::in_memory().unwrap();
        let c = s.campaign("c", &serde_json::json!({})).unwrap();
        let other = s.campaign("other", &serde_json::json!({})).unwrap();
        let det = DetectionRecord {
            relevant: true,
            category: crate::Category::Live,
            risk: crate::Risk::High,
            risk_score: 90,
            lang: "de".into(),
            price_eur: Some(800.0),
            species: vec!["Psittacus erithacus".into()],
            json: serde_json::json!({"intent": "wanted", "specimens": 2, "species": [
                {"scientific_name": "Psittacus erithacus", "cites": "I", "eu_annex": "A"}]}),
        };
        let a = s
            .commit_fetch(&commit(c, "http://p/1", 100, "Graupapagei", det.clone()))
            .unwrap()
            .ad_id
            .unwrap();
        let b = s
            .commit_fetch(&commit(c, "http://p/2", 50, "Papagei", det.clone()))
            .unwrap()
            .ad_id
            .unwrap();
        s.commit_fetch(&commit(other, "http://p/3", 10, "x", det))
            .unwrap();
        s.save_review(
            b,
            &Review {
                relevant: true,
                category: crate::Category::Part,
                species: vec!["Psittacus erithacus".into(), "Testudo hermanni".into()],
                specimens: None,
                price_eur: Some(30.0),
                risk: crate::Risk::Medium,
                ..Default::default()
            },
            crate::ReviewStatus::Corrected,
            "ana",
        )
        .unwrap();
        s.conn
            .execute_batch(&format!(
                "INSERT INTO notices(id, campaign_id, platform, lang, created_at, created_by, csv_sha256, \
                 letter_sha256, sent_at) VALUES (1, {c}, 'p', 'de', 0, 'x', '', '', 500), \
                 (2, {c}, 'p', 'de', 0, 'x', '', '', 300), (3, {c}, 'p', 'de', 0, 'x', '', '', NULL); \
                 INSERT INTO notice_ads VALUES (1, {a}), (2, {a}), (3, {b});"
            ))
            .unwrap();

        let ads = s.report_ads(c).unwrap();
        assert_eq!(ads.len(), 2);
        // Oldest first.
        assert_eq!(ads[0].id, b);
        assert!(ads[0].reviewed);
        assert_eq!(ads[0].category, "part");
        assert_eq!(ads[0].risk, "medium");
        assert_eq!(ads[0].specimens, None, "the review's unknown count wins");
        assert_eq!(ads[0].price_eur, Some(30.0));
        assert_eq!(ads[0].intent, "wanted");
        assert_eq!(ads[0].species.len(), 2);
        assert_eq!(ads[0].species[0].cites.as_deref(), Some("I"));
        assert_eq!(ads[0].species[1].scientific_name, "Testudo hermanni");
        assert_eq!(ads[0].species[1].cites, None);
        assert_eq!(
            ads[0].notice_sent_at, None,
            "an unsent notice does not count"
        );
        assert_eq!(ads[1].specimens, Some(2));
        assert_eq!(ads[1].price_eur, Some(800.0));
        assert_eq!(ads[1].notice_sent_at, Some(300), "the first notice sent");
        assert_eq!(ads[1].country.as_deref(), Some("DE"));

        assert_eq!(s.campaign_info("c").unwrap().unwrap().id, c);
        assert!(s.campaign_info("nope").unwrap().is_none());
        assert_eq!(s.campaign_names().unwrap(), vec!["c", "other"]);
    }
}
