//! The figures of one campaign, computed from its ads (with analysts' labels where they exist):
//! the totals, and the same figures broken down by country, platform, language, species,
//! taxonomic group, CITES appendix, EU annex, category and ISO week.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use wildwatch_store::report::ReportAd;
use wildwatch_store::{Category, Intent, Risk};

use crate::calendar;
use crate::taxa::Taxa;

/// The rules the figures follow, printed with every report.
pub const RULES: &[&str] = &[
    "Ads: every ad collected in the campaign. Relevant: ads offering or seeking a CITES- or EU-listed taxon, or a part or derivative of one. Where an analyst reviewed an ad, the review's relevance, category, species, specimens, price and risk replace the detection's.",
    "Specimens: counted in relevant ads that are not 'wanted' ads; an ad whose number of specimens is unknown counts as one specimen.",
    "Estimated market value: the sum of the asking prices, in euros, of relevant offers (not 'wanted' or swap ads) that give a price; ads without a price add nothing.",
    "High risk: relevant ads classed high risk (Appendix I / Annex A without valid documents, 'no papers', ivory, rhino horn or tortoiseshell without a certificate, code words); the share is of relevant ads.",
    "Removed: relevant ads later found gone from the platform. After notice: of the ads named in a takedown notice that was sent, those found gone at or after the sending; time to removal runs from the notice to the first visit that found the ad gone (an upper bound).",
    "Species, group, appendix and annex breakdowns count an ad once under each species it names, so their rows can add up to more than the total.",
    "Weeks are ISO 8601 weeks (UTC) of the day an ad was first seen.",
];

/// Figures of a set of ads.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    /// Ads collected.
    pub ads: u64,
    /// Relevant ads.
    pub relevant: u64,
    /// Specimens in relevant ads other than 'wanted' ads (unknown count = 1).
    pub specimens: u64,
    /// Sum of asking prices (EUR) of relevant offers with a price.
    pub value_eur: f64,
    /// Relevant offers with a price.
    pub priced_offers: u64,
    /// Relevant ads classed high risk.
    pub high_risk: u64,
    /// Relevant ads found gone.
    pub removed: u64,
}

impl Figures {
    fn add(&mut self, ad: &ReportAd) {
        self.ads += 1;
        if !ad.relevant {
            return;
        }
        self.relevant += 1;
        if ad.intent != Intent::Wanted {
            self.specimens += ad.specimens.unwrap_or(1).max(0) as u64;
        }
        if ad.intent == Intent::Offer {
            if let Some(p) = ad.price_eur.filter(|p| p.is_finite() && *p >= 0.0) {
                self.value_eur += p;
                self.priced_offers += 1;
            }
        }
        if ad.risk == Risk::High {
            self.high_risk += 1;
        }
        if ad.gone_at.is_some() {
            self.removed += 1;
        }
    }

    fn round(mut self) -> Figures {
        self.value_eur = (self.value_eur * 100.0).round() / 100.0;
        self
    }
}

/// The campaign's totals and action figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Totals.
    #[serde(flatten)]
    pub figures: Figures,
    /// Relevant ads whose specimen count is unknown (each counted as one).
    pub specimens_unknown: u64,
    /// Relevant 'wanted' ads (no specimens or value counted).
    pub wanted: u64,
    /// High-risk share of relevant ads (0–1).
    pub high_risk_share: Option<f64>,
    /// Removed share of relevant ads (0–1).
    pub removal_rate: Option<f64>,
    /// Ads named in a takedown notice that was sent.
    pub notified: u64,
    /// Of those, found gone at or after the notice.
    pub removed_after_notice: u64,
    /// Of those, already gone when the notice was sent.
    pub gone_before_notice: u64,
    /// `removed_after_notice / notified` (0–1).
    pub removal_rate_after_notice: Option<f64>,
    /// Median hours from a notice being sent to the ad found gone.
    pub median_hours_to_removal: Option<f64>,
    /// Ads that came in through the public report form.
    pub from_public_reports: u64,
    /// Ads an analyst reviewed.
    pub reviewed: u64,
    /// First day an ad was seen (YYYY-MM-DD).
    pub first_seen: Option<String>,
    /// Last day an ad was first seen (YYYY-MM-DD).
    pub last_seen: Option<String>,
}

/// One row of a breakdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// What the row is (a country code, platform, scientific name, `I`, `2026-W47` …).
    pub key: String,
    /// A readable name (the English common name of a species).
    pub name: Option<String>,
    /// More about the key (class › order of a group, the Monday of a week).
    pub detail: Option<String>,
    /// The figures.
    #[serde(flatten)]
    pub figures: Figures,
}

/// The figures broken down one way.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakdown {
    /// Machine name: `country`, `platform`, `lang`, `species`, `group`, `cites`, `eu_annex`,
    /// `category`, `week`.
    pub id: String,
    /// Title for people.
    pub title: String,
    /// Rows, largest first (fixed orders for appendix, annex, category; weeks in time order).
    pub rows: Vec<Row>,
}

/// Figures of one species on one platform (the cells comparisons speak of).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlatformSpeciesRow {
    /// Platform.
    pub platform: String,
    /// Scientific name.
    pub species: String,
    /// English common name.
    pub common_name: Option<String>,
    /// The figures.
    #[serde(flatten)]
    pub figures: Figures,
}

/// A campaign report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Campaign name.
    pub campaign: String,
    /// Totals and action figures.
    pub summary: Summary,
    /// The breakdowns, in a fixed order.
    pub breakdowns: Vec<Breakdown>,
    /// Each species on each platform.
    pub platform_species: Vec<PlatformSpeciesRow>,
    /// How the figures are counted.
    pub rules: Vec<String>,
}

impl Report {
    /// A breakdown by its id.
    pub fn breakdown(&self, id: &str) -> Option<&Breakdown> {
        self.breakdowns.iter().find(|b| b.id == id)
    }
}

fn ratio(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| ((n as f64 / d as f64) * 10_000.0).round() / 10_000.0)
}

fn median(mut v: Vec<i64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2] as f64
    } else {
        (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
    })
}

/// Collects figures under keys.
#[derive(Default)]
struct Tally {
    rows: HashMap<String, (Option<String>, Option<String>, Figures)>,
}

impl Tally {
    fn add(&mut self, key: &str, name: Option<&str>, detail: Option<&str>, ad: &ReportAd) {
        let e = self.rows.entry(key.to_string()).or_insert_with(|| {
            (
                name.map(str::to_string),
                detail.map(str::to_string),
                Figures::default(),
            )
        });
        e.2.add(ad);
    }

    fn into_rows(self) -> Vec<Row> {
        self.rows
            .into_iter()
            .map(|(key, (name, detail, f))| Row {
                key,
                name,
                detail,
                figures: f.round(),
            })
            .collect()
    }

    /// Largest first: relevant ads, then ads, then key.
    fn by_size(self) -> Vec<Row> {
        let mut rows = self.into_rows();
        rows.sort_by(|a, b| {
            (b.figures.relevant, b.figures.ads)
                .cmp(&(a.figures.relevant, a.figures.ads))
                .then_with(|| a.key.cmp(&b.key))
        });
        rows
    }

    /// In the given order of keys, unknown keys after them by name.
    fn in_order(self, order: &[&str]) -> Vec<Row> {
        let mut rows = self.into_rows();
        let pos = |k: &str| order.iter().position(|o| *o == k).unwrap_or(order.len());
        rows.sort_by(|a, b| {
            pos(&a.key)
                .cmp(&pos(&b.key))
                .then_with(|| a.key.cmp(&b.key))
        });
        rows
    }
}

fn or_unknown(s: Option<&str>) -> &str {
    match s.map(str::trim) {
        Some(s) if !s.is_empty() => s,
        _ => "unknown",
    }
}

/// Computes the report of a campaign from its ads.
pub(crate) fn compute(campaign: &str, ads: &[ReportAd], taxa: &mut Taxa<'_>) -> Report {
    let mut total = Figures::default();
    let mut summary = Summary::default();
    let mut delays = Vec::new();
    let mut country = Tally::default();
    let mut platform = Tally::default();
    let mut lang = Tally::default();
    let mut species = Tally::default();
    let mut group = Tally::default();
    let mut cites = Tally::default();
    let mut annex = Tally::default();
    let mut category = Tally::default();
    let mut week: BTreeMap<(i64, u32), Figures> = BTreeMap::new();
    let mut platform_species: BTreeMap<(String, String), Figures> = BTreeMap::new();
    let mut common: HashMap<String, Option<String>> = HashMap::new();

    for ad in ads {
        total.add(ad);
        if ad.relevant {
            if ad.intent != Intent::Wanted && ad.specimens.is_none() {
                summary.specimens_unknown += 1;
            }
            if ad.intent == Intent::Wanted {
                summary.wanted += 1;
            }
        }
        if let Some(sent) = ad.notice_sent_at {
            summary.notified += 1;
            match ad.gone_at {
                Some(g) if g >= sent => {
                    summary.removed_after_notice += 1;
                    delays.push(g - sent);
                }
                Some(_) => summary.gone_before_notice += 1,
                None => {}
            }
        }
        if ad.source == "report" {
            summary.from_public_reports += 1;
        }
        if ad.reviewed {
            summary.reviewed += 1;
        }
        country.add(
            &or_unknown(ad.country.as_deref()).to_uppercase(),
            None,
            None,
            ad,
        );
        platform.add(or_unknown(Some(&ad.platform)), None, None, ad);
        lang.add(&or_unknown(Some(&ad.lang)).to_lowercase(), None, None, ad);
        category.add(ad.category.as_str(), None, None, ad);
        week.entry(calendar::iso_week(ad.first_seen))
            .or_default()
            .add(ad);

        // Each listing and group once per ad, even when two of its species share it.
        let mut groups: Vec<(String, String)> = Vec::new();
        let mut apps: Vec<String> = Vec::new();
        let mut annexes: Vec<String> = Vec::new();
        for s in &ad.species {
            let info = taxa.info(&s.scientific_name).clone();
            common.insert(s.scientific_name.clone(), info.common_name.clone());
            species.add(
                &s.scientific_name,
                info.common_name.as_deref(),
                Some(&info.group),
                ad,
            );
            platform_species
                .entry((ad.platform.clone(), s.scientific_name.clone()))
                .or_default()
                .add(ad);
            if !groups.iter().any(|g| g.0 == info.group) {
                groups.push((info.group.clone(), info.lineage.clone()));
            }
            let app = s
                .cites
                .clone()
                .or(info.cites)
                .unwrap_or_else(|| "not listed".into());
            if !apps.contains(&app) {
                apps.push(app);
            }
            let anx = s
                .eu_annex
                .clone()
                .or(info.eu_annex)
                .unwrap_or_else(|| "not listed".into());
            if !annexes.contains(&anx) {
                annexes.push(anx);
            }
        }
        for (g, lineage) in &groups {
            group.add(g, None, Some(lineage), ad);
        }
        for a in &apps {
            cites.add(a, None, None, ad);
        }
        for a in &annexes {
            annex.add(a, None, None, ad);
        }
    }

    // Every week from the first to the last, empty ones too, so the time line is honest.
    let mut weeks = Vec::new();
    if let (Some(first), Some(last)) = (
        ads.iter().map(|a| a.first_seen).min(),
        ads.iter().map(|a| a.first_seen).max(),
    ) {
        let mut monday = calendar::monday(first);
        while monday <= last {
            let (y, w) = calendar::iso_week(monday);
            weeks.push(Row {
                key: calendar::week_label(y, w),
                name: None,
                detail: Some(format!("from {}", calendar::date(monday))),
                figures: week.remove(&(y, w)).unwrap_or_default().round(),
            });
            monday += 7 * 86_400;
        }
        summary.first_seen = Some(calendar::date(first));
        summary.last_seen = Some(calendar::date(last));
    }

    summary.high_risk_share = ratio(total.high_risk, total.relevant);
    summary.removal_rate = ratio(total.removed, total.relevant);
    summary.removal_rate_after_notice = ratio(summary.removed_after_notice, summary.notified);
    summary.median_hours_to_removal = median(delays).map(|s| (s / 3600.0 * 100.0).round() / 100.0);
    summary.figures = total.round();

    let breakdown = |id: &str, title: &str, rows: Vec<Row>| Breakdown {
        id: id.into(),
        title: title.into(),
        rows,
    };
    let breakdowns = vec![
        breakdown("country", "By country", country.by_size()),
        breakdown("platform", "By platform", platform.by_size()),
        breakdown("lang", "By language", lang.by_size()),
        breakdown("species", "By species", species.by_size()),
        breakdown("group", "By taxonomic group", group.by_size()),
        breakdown(
            "cites",
            "By CITES appendix",
            cites.in_order(&["I", "II", "III", "not listed"]),
        ),
        breakdown(
            "eu_annex",
            "By EU annex",
            annex.in_order(&["A", "B", "C", "D", "not listed"]),
        ),
        breakdown(
            "category",
            "By category",
            category.in_order(&Category::NAMES),
        ),
        breakdown("week", "By week", weeks),
    ];
    let mut platform_species: Vec<PlatformSpeciesRow> = platform_species
        .into_iter()
        .map(|((platform, species), f)| PlatformSpeciesRow {
            common_name: common.get(&species).cloned().flatten(),
            platform,
            species,
            figures: f.round(),
        })
        .collect();
    platform_species.sort_by(|a, b| {
        (b.figures.relevant, b.figures.ads)
            .cmp(&(a.figures.relevant, a.figures.ads))
            .then_with(|| (&a.platform, &a.species).cmp(&(&b.platform, &b.species)))
    });

    Report {
        campaign: campaign.to_string(),
        summary,
        breakdowns,
        platform_species,
        rules: RULES.iter().map(|s| s.to_string()).collect(),
    }
}
