//! What pages and API share: checking reviews, taking reports, measuring detection on reviewed
//! ads, exporting them as a labelled corpus, and the (cached) ads count.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use wildwatch_detect::DOCUMENT_CODES;
use wildwatch_store::app::{AdQuery, Facets, ReportOutcome, Review, ReviewedAd};
use wildwatch_store::{AppStore, Category, ReviewStatus, Risk, StoreError};

use crate::{db, AppState, Cached, Failure, Recent, Shared};

/// Categories an analyst may give.
pub const CATEGORIES: [&str; 4] = Category::NAMES;
/// Risk classes.
pub const RISKS: [&str; 4] = Risk::NAMES;

/// A review as the API and the review form give it: category and risk as text (any case, spaces
/// around), turned into a [`Review`] by [`ReviewInput::labels`] with a message naming the field
/// at fault. The OpenAPI document shows it as `Review`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = Review)]
pub struct ReviewInput {
    /// Relevant to CITES/EU listings.
    pub relevant: bool,
    /// live / part / lookalike / none.
    pub category: String,
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
    pub risk: String,
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

impl ReviewInput {
    /// The review with its category and risk read from their sets (trimmed, any case).
    pub fn labels(self) -> Result<Review, Failure> {
        let category = self.category.trim().to_lowercase();
        let category = Category::parse(&category).map_err(|_| {
            Failure::bad(format!(
                "category must be one of {}, not `{category}`",
                CATEGORIES.join(", "),
            ))
        })?;
        let risk = self.risk.trim().to_lowercase();
        let risk = Risk::parse(&risk).map_err(|_| {
            Failure::bad(format!(
                "risk must be one of {}, not `{risk}`",
                RISKS.join(", "),
            ))
        })?;
        Ok(Review {
            relevant: self.relevant,
            category,
            species: self.species,
            specimens: self.specimens,
            price_eur: self.price_eur,
            documents: self.documents,
            risk,
            notes: self.notes,
            tags: self.tags,
            takedown: self.takedown,
            enforcement: self.enforcement,
        })
    }
}

/// Checks and normalises a review: documents from the detector's codes, species names resolved
/// to accepted names in the reference data, numbers in range, text lengths bounded. The message
/// names the field at fault. (Categories and risks are checked by [`ReviewInput::labels`].)
pub fn check_review(st: &Shared, mut r: Review) -> Result<Review, Failure> {
    let mut docs = Vec::new();
    for d in &r.documents {
        let d = d.trim();
        if !DOCUMENT_CODES.contains(&d) {
            return Err(Failure::bad(format!(
                "`{d}` is not a document code ({})",
                DOCUMENT_CODES.join(", ")
            )));
        }
        if !docs.iter().any(|x: &String| x == d) {
            docs.push(d.to_string());
        }
    }
    r.documents = docs;
    let mut species = Vec::new();
    for s in &r.species {
        let s = s.trim();
        if s.is_empty() {
            continue;
        }
        let ids = st.refdata.lookup(s);
        let Some(id) = ids.first() else {
            return Err(Failure::bad(format!(
                "species: `{s}` is not a name in the reference data (scientific, synonym or EN/FR/DE/NL common name)"
            )));
        };
        let name = st.refdata.taxon(*id).name.clone();
        if !species.contains(&name) {
            species.push(name);
        }
    }
    r.species = species;
    if let Some(n) = r.specimens {
        if n > 1_000_000 {
            return Err(Failure::bad(
                "specimens: more than a million is not plausible",
            ));
        }
    }
    if let Some(p) = r.price_eur {
        if !p.is_finite() || !(0.0..=1e9).contains(&p) {
            return Err(Failure::bad(
                "price_eur must be between 0 and 1,000,000,000",
            ));
        }
    }
    if r.notes.len() > 10_000 {
        return Err(Failure::bad("notes: at most 10,000 bytes"));
    }
    let mut tags = Vec::new();
    for t in &r.tags {
        let t = t.trim();
        if t.is_empty() {
            continue;
        }
        if t.len() > 50 {
            return Err(Failure::bad(format!("tag `{t}` is longer than 50 bytes")));
        }
        if !tags.iter().any(|x: &String| x == t) {
            tags.push(t.to_string());
        }
    }
    if tags.len() > 20 {
        return Err(Failure::bad("at most 20 tags"));
    }
    r.tags = tags;
    if !r.relevant && r.category != Category::None {
        return Err(Failure::bad(
            "an ad that is not relevant has category `none`",
        ));
    }
    Ok(r)
}

/// The detector's labels as a review (what "confirm" saves).
pub fn review_from_detection(det: &serde_json::Value) -> Review {
    let strs = |k: &str| -> Vec<String> {
        det.get(k)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| {
                        x.as_str().map(str::to_string).or_else(|| {
                            x.get("scientific_name")
                                .and_then(|s| s.as_str())
                                .map(str::to_string)
                        })
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    Review {
        relevant: det
            .get("relevant")
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        category: det
            .get("category")
            .and_then(|v| v.as_str())
            .and_then(|v| Category::parse(v).ok())
            .unwrap_or_default(),
        species: strs("species"),
        specimens: det
            .get("specimens")
            .and_then(|v| v.as_u64())
            .map(|v| v as u32),
        price_eur: det.get("price_eur").and_then(|v| v.as_f64()),
        documents: strs("documents"),
        risk: det
            .get("risk")
            .and_then(|v| v.as_str())
            .and_then(|v| Risk::parse(v).ok())
            .unwrap_or_default(),
        ..Default::default()
    }
}

/// `confirmed` when the labels equal the detector's, else `corrected`.
pub fn review_status(det: &serde_json::Value, r: &Review) -> ReviewStatus {
    let d = review_from_detection(det);
    let set = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v
    };
    let same_price = match (d.price_eur, r.price_eur) {
        (Some(a), Some(b)) => (a - b).abs() < 0.01,
        (None, None) => true,
        _ => false,
    };
    if d.relevant == r.relevant
        && d.category == r.category
        && set(&d.species) == set(&r.species)
        && d.specimens == r.specimens
        && same_price
        && set(&d.documents) == set(&r.documents)
        && d.risk == r.risk
    {
        ReviewStatus::Confirmed
    } else {
        ReviewStatus::Corrected
    }
}

/// Saves a checked review for `user`.
pub async fn save_review(
    st: &Shared,
    ad_id: i64,
    review: Review,
    username: &str,
) -> Result<wildwatch_store::app::StoredReview, Failure> {
    let review = check_review(st, review)?;
    let det = db(st, move |s| s.ad_detail(ad_id)).await?.detection;
    let status = review_status(&det, &review);
    let who = username.to_string();
    let saved = db(st, move |s| s.save_review(ad_id, &review, status, &who)).await?;
    figures_changed(st);
    crate::learn::review_saved(st);
    Ok(saved)
}

/// The key a reported URL is deduplicated on: scheme and host as the URL parser normalises
/// them, no fragment, no tracking parameters, no trailing slash.
pub fn url_key(u: &url::Url) -> String {
    let mut u = u.clone();
    u.set_fragment(None);
    let pairs: Vec<(String, String)> = u
        .query_pairs()
        .filter(|(k, _)| {
            let k = k.to_ascii_lowercase();
            !(k.starts_with("utm_") || k == "fbclid" || k == "gclid" || k == "ref")
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if pairs.is_empty() {
        u.set_query(None);
    } else {
        u.query_pairs_mut().clear().extend_pairs(pairs);
    }
    let mut s = u.to_string();
    while s.ends_with('/') && s.matches('/').count() > 3 {
        s.pop();
    }
    s
}

/// Takes a public report: checks the URL (and that it may be fetched: no loopback or private
/// address unless configured as a test host), limits the rate per client address, records it
/// (a URL already reported is counted, not queued again) and wakes the fetcher.
pub async fn submit_report(
    st: &Shared,
    ip: &str,
    url: &str,
    comment: &str,
) -> Result<(i64, ReportOutcome), Failure> {
    let url = url.trim();
    if url.is_empty() {
        return Err(Failure::bad("give the address (URL) of the ad"));
    }
    if url.len() > 2000 {
        return Err(Failure::bad("the address is longer than 2,000 characters"));
    }
    let shown: String = url.chars().take(80).collect();
    let u = url::Url::parse(url)
        .map_err(|e| Failure::bad(format!("`{shown}` is not a web address: {e}")))?;
    wildwatch_crawl::guard::Guard::new(&st.cfg.allow_report_hosts)
        .check_url(&u)
        .map_err(|e| Failure::bad(format!("this address cannot be reported: {e}")))?;
    let comment: String = comment
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect();
    if comment.chars().count() > 2000 {
        return Err(Failure::bad("the comment is longer than 2,000 characters"));
    }
    if st.report_ip.check_key(&ip.to_string()).is_err() {
        return Err(Failure::too_many(
            "thank you, but this connection has sent many reports in the last hour; please try again later",
        ));
    }
    let key = url_key(&u);
    let url_s = u.to_string();
    let submitter = crate::util::sha256_hex(&format!("{ip}|{}", crate::auth::sign(st, "ip")));
    let out = db(st, move |s| {
        s.add_report(&url_s, &key, comment.trim(), &submitter[..16])
    })
    .await?;
    figures_changed(st);
    st.report_wake.notify_one();
    Ok(out)
}

/// Relevance, risk and species agreement for one slice of the reviewed ads.
#[derive(Debug, Default, Clone, Serialize, utoipa::ToSchema)]
pub struct Agreement {
    /// Ads.
    pub ads: u32,
    /// Detected relevant and labelled relevant.
    pub tp: u32,
    /// Detected relevant, labelled not.
    pub fp: u32,
    /// Labelled relevant, not detected.
    pub fn_: u32,
    /// Risk class equal.
    pub risk_ok: u32,
    /// Species set equal (on ads labelled relevant).
    pub species_ok: u32,
    /// Ads labelled relevant.
    pub relevant: u32,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
}

impl Agreement {
    fn add(&mut self, a: &ReviewedAd) {
        let d = review_from_detection(&a.detection);
        let g = &a.review;
        self.ads += 1;
        match (d.relevant, g.relevant) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            _ => {}
        }
        if d.risk == g.risk {
            self.risk_ok += 1;
        }
        if g.relevant {
            self.relevant += 1;
            let (mut x, mut y) = (d.species.clone(), g.species.clone());
            x.sort();
            y.sort();
            if x == y {
                self.species_ok += 1;
            }
        }
    }
    fn finish(&mut self) {
        let r = |a: u32, b: u32| if b == 0 { 1.0 } else { a as f64 / b as f64 };
        self.precision = r(self.tp, self.tp + self.fp);
        self.recall = r(self.tp, self.tp + self.fn_);
        self.f1 = if self.precision + self.recall == 0.0 {
            0.0
        } else {
            2.0 * self.precision * self.recall / (self.precision + self.recall)
        };
    }
}

/// Detection measured on the reviewed ads.
#[derive(Debug, Default, Clone, Serialize, utoipa::ToSchema)]
pub struct Metrics {
    /// All reviewed ads.
    pub overall: Agreement,
    /// By language (detected).
    pub by_lang: BTreeMap<String, Agreement>,
    /// By platform.
    pub by_platform: BTreeMap<String, Agreement>,
}

/// Measures detection on the reviewed ads.
pub async fn metrics(st: &Shared) -> Result<Metrics, Failure> {
    let ads = db(st, |s| s.reviewed_ads()).await?;
    let mut m = Metrics::default();
    for a in &ads {
        let lang = a
            .detection
            .get("lang")
            .and_then(|v| v.as_str())
            .unwrap_or("other")
            .to_string();
        m.overall.add(a);
        m.by_lang.entry(lang).or_default().add(a);
        m.by_platform.entry(a.platform.clone()).or_default().add(a);
    }
    m.overall.finish();
    m.by_lang.values_mut().for_each(Agreement::finish);
    m.by_platform.values_mut().for_each(Agreement::finish);
    Ok(m)
}

/// The reviewed ads as a labelled corpus, one JSON line each, in the format `wildwatch eval`
/// reads.
pub async fn export_corpus(st: &Shared) -> Result<String, Failure> {
    let ads = db(st, |s| s.reviewed_ads()).await?;
    let mut out = String::new();
    for a in ads {
        let g = &a.review;
        let line = serde_json::json!({
            "id": format!("ww-{}", a.id),
            "title": a.content.title,
            "description": a.content.description,
            "price_text": a.content.price_text,
            "platform": a.platform,
            "url": a.content.url,
            "gold": {
                "lang": a.detection.get("lang").and_then(|v| v.as_str()).unwrap_or("other"),
                "relevant": g.relevant,
                "category": g.category,
                "species": g.species,
                "specimens": g.specimens,
                "price_eur": g.price_eur,
                "documents": g.documents,
                "intent": a.detection.get("intent").and_then(|v| v.as_str()).unwrap_or("offer"),
                "risk": g.risk,
            },
            "note": g.notes,
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    Ok(out)
}

/// A figure from `cache`, computed by `compute` on a pooled connection when missing; an old one
/// is returned while one request recomputes it in the background.
async fn recent<T, F>(
    st: &Shared,
    cache: fn(&AppState) -> &Recent<T>,
    key: String,
    compute: F,
) -> Result<T, Failure>
where
    T: Clone + Send + 'static,
    F: FnOnce(&mut dyn AppStore) -> Result<T, StoreError> + Send + 'static,
{
    match cache(st).get(&key) {
        Cached::Fresh(v) => Ok(v),
        Cached::Stale(v) => {
            let st2 = st.clone();
            let generation = cache(st).generation();
            tokio::spawn(async move {
                match db(&st2, compute).await {
                    Ok(v) => cache(&st2).put(key, v, generation),
                    Err(_) => cache(&st2).failed(&key),
                }
            });
            Ok(v)
        }
        Cached::Missing => {
            let lock = cache(st).first_computation(&key);
            let _computing = lock.lock().await;
            if let Cached::Fresh(v) | Cached::Stale(v) = cache(st).get(&key) {
                return Ok(v);
            }
            let generation = cache(st).generation();
            let v = db(st, compute).await?;
            cache(st).put(key, v.clone(), generation);
            Ok(v)
        }
    }
}

/// The dashboard's figures: per campaign and of public reports, and when they were counted.
#[derive(Debug, Clone)]
pub struct Figures {
    /// Per campaign, by name.
    pub campaigns: Vec<wildwatch_store::app::CampaignStats>,
    /// Public reports.
    pub reports: wildwatch_store::app::ReportStats,
    /// When they were counted (Unix seconds).
    pub counted_at: i64,
}

/// The dashboard's figures, at most a few seconds old (counting every ad on every view would
/// make the dashboard the slowest page of a large campaign); what this server changes itself
/// (reviews, takedowns, reports) is counted again on the next view.
pub async fn figures(st: &Shared) -> Result<Arc<Figures>, Failure> {
    recent(
        st,
        |s| &s.figures,
        String::new(),
        |s| {
            Ok(Arc::new(Figures {
                campaigns: s.campaign_stats()?,
                reports: s.report_stats()?,
                counted_at: wildwatch_store::now(),
            }))
        },
    )
    .await
}

/// Something the dashboard counts changed through this server.
pub fn figures_changed(st: &Shared) {
    st.figures.forget();
}

/// The number of ads matching a query (sorting and paging aside), at most a few seconds old.
pub async fn ad_count(st: &Shared, q: &AdQuery) -> Result<i64, Failure> {
    let mut filters = q.clone();
    filters.sort = None;
    filters.per_page = None;
    let key = filters.to_query_string();
    recent(st, |s| &s.counts, key, move |s| s.ad_count(&filters)).await
}

/// One sentence on what went wrong on one platform.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PlatformWarning {
    /// Platform (adapter) name.
    pub platform: String,
    /// What went wrong ("40 of 40 search pages were bot challenges …").
    pub warning: String,
}

/// What went wrong per platform in the last 7 days, at most a few seconds old (the pages of a
/// long campaign are many; the dashboard does not count them on every view).
pub async fn platform_warnings(st: &Shared) -> Result<Arc<Vec<PlatformWarning>>, Failure> {
    recent(
        st,
        |s| &s.platform_warnings,
        String::new(),
        |s| {
            let health = wildwatch_crawl::health::from_pages(&s.platform_pages(7)?);
            Ok(Arc::new(
                health
                    .iter()
                    .flat_map(|(p, h)| {
                        h.warnings().into_iter().map(|warning| PlatformWarning {
                            platform: p.clone(),
                            warning,
                        })
                    })
                    .collect(),
            ))
        },
    )
    .await
}

/// The filter menus (platforms, countries, languages, campaigns, species), at most a few seconds
/// old.
pub async fn facets(st: &Shared) -> Result<Arc<Facets>, Failure> {
    recent(
        st,
        |s| &s.facets,
        String::new(),
        |s| Ok(Arc::new(s.facets()?)),
    )
    .await
}
