//! Learning from the analysts: the "review next" queue (which unreviewed ads a label would teach
//! the most), retraining the relevance model in the background after every N reviews, and what
//! the dashboard says about the model.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wildwatch_detect::{training, AdInput, Detector};
use wildwatch_model::{Model, TrainOptions};
use wildwatch_store::{AppStore, Redetection, Risk};

use crate::{db, AppState, Failure, Shared};

/// How many of the newest unreviewed ads one queue request looks at.
pub const QUEUE_WINDOW: usize = 5000;
/// Fewest reviewed ads a retrain accepts.
pub const MIN_REVIEWS: usize = 30;
/// Folds of the cross-validation whose figures are saved with a retrained model.
pub const FOLDS: u32 = 5;
/// Lines of the training history the dashboard shows.
pub const HISTORY_SHOWN: usize = 10;

/// The model file in a model directory.
pub fn model_path(model_dir: &Path) -> PathBuf {
    model_dir.join("relevance.json")
}

/// The training history (one JSON line per retrain) in a model directory.
pub fn history_path(model_dir: &Path) -> PathBuf {
    model_dir.join("history.jsonl")
}

// ---- the queue ----------------------------------------------------------------------------------

/// An unreviewed ad in the "review next" queue, with why it is there.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueueEntry {
    /// Ad id (the ad page `/ads/{id}` is where it is reviewed).
    pub ad_id: i64,
    /// Title.
    pub title: String,
    /// Platform.
    pub platform: String,
    /// Language.
    pub lang: String,
    /// Why it is in the queue, as a code: `disagree` (rules and model disagree), `unsure` (the
    /// model is unsure), `model` (the model is fairly sure; least sure first), `weak` (no model
    /// figure; the rules' decision rests on weak evidence).
    pub kind: String,
    /// Why it is in the queue, for a person.
    pub why: String,
    /// The model's probability that the ad is relevant, when its detection has one.
    pub model_p: Option<f64>,
    /// What the detection decided.
    pub relevant: bool,
    /// The detection's risk level.
    pub risk: Risk,
}

/// An unreviewed ad to rank (newest first).
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Ad id.
    pub id: i64,
    /// Platform.
    pub platform: String,
    /// Language.
    pub lang: String,
    /// Title.
    pub title: String,
    /// The newest detection (JSON).
    pub detection: serde_json::Value,
}

/// Where an ad goes in the queue: tier (lower first), then how sure the model is (less first).
fn classify(c: &Candidate) -> Option<(u8, f64, &'static str, String)> {
    let d = &c.detection;
    let codes: Vec<&str> = d["reasons"]
        .as_array()
        .map(|rs| rs.iter().filter_map(|r| r["code"].as_str()).collect())
        .unwrap_or_default();
    let has = |code: &str| codes.contains(&code);
    let relevant = d["relevant"].as_bool().unwrap_or(false);
    let p = d["model_p"].as_f64();
    let sureness = p.map(|p| (p - 0.5).abs()).unwrap_or(0.5);
    if has("MODEL") {
        // The model changed the rules' decision: the rules said the opposite.
        let rules = if relevant { "not relevant" } else { "relevant" };
        let model = p.map(|p| format!("model {p:.2}")).unwrap_or("model".into());
        return Some((
            0,
            sureness,
            "disagree",
            format!("rules and model disagree: {model}, rules {rules}"),
        ));
    }
    if let Some(p) = p {
        return Some(if sureness < 0.25 {
            (1, sureness, "unsure", format!("model unsure: {p:.2}"))
        } else {
            (2, sureness, "model", format!("model fairly sure: {p:.2}"))
        });
    }
    let named_taxon = d["species"].as_array().is_some_and(|s| !s.is_empty())
        || has("SPECIES")
        || has("PART")
        || has("CODE_WORD");
    let why = if has("CORROBORATED") {
        "rules rely on an ambiguous name (CORROBORATED)"
    } else if has("PARTIAL_LISTING") {
        "rules rely on a listing that covers only part of the taxon (PARTIAL_LISTING)"
    } else if has("ITEM_KIND") {
        "rules set a listed name aside for the kind of item (ITEM_KIND)"
    } else if has("LOOKALIKE") && named_taxon {
        "rules call a listed name a lookalike (LOOKALIKE)"
    } else if risk_of(d) == Risk::Medium {
        "rules rate the risk medium"
    } else {
        return None;
    };
    Some((3, 0.0, "weak", why.to_string()))
}

/// Takes one item of each group in turn (groups in order of their first item), keeping the
/// order within each group.
fn round_robin<T>(items: Vec<T>, key: impl Fn(&T) -> String) -> Vec<T> {
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, std::collections::VecDeque<T>> = HashMap::new();
    for it in items {
        let k = key(&it);
        if !groups.contains_key(&k) {
            order.push(k.clone());
        }
        groups.entry(k).or_default().push_back(it);
    }
    let mut out = Vec::new();
    loop {
        let mut any = false;
        for k in &order {
            if let Some(it) = groups.get_mut(k).and_then(|g| g.pop_front()) {
                out.push(it);
                any = true;
            }
        }
        if !any {
            return out;
        }
    }
}

/// Ranks unreviewed ads (given newest first) by how much a label would teach: first where rules
/// and model disagree, then the model's least sure, then (detections without a model figure) the
/// rules' decisions on weak evidence, newest first. Within each of these, platforms take turns,
/// and so do the languages within a platform. Ads none of this applies to are left out.
pub fn rank_queue(candidates: Vec<Candidate>, limit: usize) -> Vec<QueueEntry> {
    let mut tiers: [Vec<(f64, QueueEntry)>; 4] = Default::default();
    for c in candidates {
        let Some((tier, sureness, kind, why)) = classify(&c) else {
            continue;
        };
        let d = &c.detection;
        let lang = if c.lang.is_empty() {
            d["lang"].as_str().unwrap_or("").to_string()
        } else {
            c.lang
        };
        tiers[usize::from(tier)].push((
            sureness,
            QueueEntry {
                ad_id: c.id,
                title: c.title,
                platform: c.platform,
                lang,
                kind: kind.into(),
                why,
                model_p: d["model_p"].as_f64(),
                relevant: d["relevant"].as_bool().unwrap_or(false),
                risk: risk_of(d),
            },
        ));
    }
    let mut out = Vec::new();
    for mut tier in tiers {
        // Stable: equally sure ads stay newest first.
        tier.sort_by(|a, b| a.0.total_cmp(&b.0));
        let entries: Vec<QueueEntry> = tier.into_iter().map(|(_, e)| e).collect();
        // Languages take turns within a platform, then platforms take turns.
        let mut by_platform: Vec<(String, Vec<QueueEntry>)> = Vec::new();
        for e in entries {
            match by_platform.iter_mut().find(|(p, _)| *p == e.platform) {
                Some((_, v)) => v.push(e),
                None => by_platform.push((e.platform.clone(), vec![e])),
            }
        }
        let mixed: Vec<QueueEntry> = by_platform
            .into_iter()
            .flat_map(|(_, v)| round_robin(v, |e| e.lang.clone()))
            .collect();
        out.extend(round_robin(mixed, |e| e.platform.clone()));
        if out.len() >= limit {
            break;
        }
    }
    out.truncate(limit);
    out
}

/// The "review next" queue: up to `limit` unreviewed ads, ranked by [`rank_queue`]. To bound
/// the work, only the [`QUEUE_WINDOW`] (5,000) newest unreviewed ads are considered per request.
pub async fn review_queue(st: &Shared, limit: usize) -> Result<Vec<QueueEntry>, Failure> {
    let candidates = db(st, |s| {
        Ok(s.unreviewed_candidates(QUEUE_WINDOW)?
            .into_iter()
            .map(|c| Candidate {
                id: c.id,
                platform: c.platform,
                lang: c.lang,
                title: c.title,
                detection: c.detection,
            })
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(rank_queue(candidates, limit))
}

// ---- retraining ---------------------------------------------------------------------------------

/// One line of `history.jsonl`: a retrain and its cross-validated figures.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HistoryLine {
    /// When (RFC 3339).
    pub trained_at: String,
    /// Reviewed ads trained on.
    pub examples: usize,
    /// Of which relevant.
    pub positives: usize,
    /// Cross-validated precision.
    pub precision: f64,
    /// Cross-validated recall.
    pub recall: f64,
    /// Cross-validated F1.
    pub f1: f64,
}

/// What a retrain did.
#[derive(Debug, Clone)]
pub enum Retrained {
    /// Nothing written, for this reason.
    Skipped(String),
    /// A model was trained, saved and put to use.
    Trained {
        /// Its history line.
        line: HistoryLine,
        /// Unreviewed ads detected again with it.
        redetected: usize,
    },
}

/// Retrains the relevance model from the store's reviewed ads (blocking; the app calls it on a
/// blocking thread after every `retrain_every` reviews). With fewer than [`MIN_REVIEWS`]
/// reviews, or reviews of one class only, writes nothing and says why. Otherwise
/// cross-validates ([`FOLDS`] folds), trains on all of them, saves the model to
/// `relevance.json` in `cfg.model_dir` (atomically), appends a line to `history.jsonl`, detects
/// the unreviewed ads again with the new model and makes it the app's detector. Reviews are
/// never touched.
pub fn retrain(st: &AppState) -> anyhow::Result<Retrained> {
    let mut store = crate::open_store(&st.cfg.db)?;
    let reviewed = store.reviewed_ads()?;
    if reviewed.len() < MIN_REVIEWS {
        return Ok(Retrained::Skipped(format!(
            "{} reviewed ads; at least {MIN_REVIEWS} are needed to train a model",
            reviewed.len()
        )));
    }
    let positives = reviewed.iter().filter(|r| r.review.relevant).count();
    if positives == 0 || positives == reviewed.len() {
        return Ok(Retrained::Skipped(format!(
            "all {} reviewed ads are labelled {}; a model needs both relevant and not relevant ones",
            reviewed.len(),
            if positives == 0 {
                "not relevant"
            } else {
                "relevant"
            }
        )));
    }
    let rules = st
        .make_detector()?
        .without_model()
        .keep_model_evidence(true);
    let examples: Vec<_> = reviewed
        .iter()
        .map(|r| {
            let ad = AdInput {
                id: r.id.to_string(),
                title: Some(r.content.title.clone()),
                description: Some(r.content.description.clone()),
                price_text: r.content.price_text.clone(),
                platform: Some(r.platform.clone()),
                // As detection is given it in the crawl (the adapter's language, if any).
                lang: r.content.lang.clone(),
                ..AdInput::default()
            };
            let lang = r.detection["lang"].as_str().unwrap_or("?");
            training::labelled(&rules, &ad, r.review.relevant, lang).example
        })
        .collect();
    drop(rules);
    let opts = TrainOptions {
        epochs: 8,
        ..TrainOptions::default()
    };
    let (cv, _) = wildwatch_model::cross_validate(&examples, &opts, FOLDS, 0.5)?;
    let mut model = wildwatch_model::train(&examples, &opts, &mut |_, _| {})?;
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    model.trained_at = wildwatch_warc::format_warc_date(
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs),
    )?;
    model.sources = vec![format!("reviews in the store ({} ads)", examples.len())];
    let line = HistoryLine {
        trained_at: model.trained_at.clone(),
        examples: model.examples,
        positives: model.positives,
        precision: cv.precision,
        recall: cv.recall,
        f1: cv.f1,
    };
    model.cv = Some(cv);
    let dir = &st.cfg.model_dir;
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    model.save(&model_path(dir))?;
    let mut history = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(history_path(dir))?;
    writeln!(history, "{}", serde_json::to_string(&line)?)?;
    let detector = st.make_detector()?.with_model(model);
    let redetected = redetect_unreviewed(&mut *store, &detector)?;
    st.swap_detector(detector);
    Ok(Retrained::Trained { line, redetected })
}

/// Detects every unreviewed ad again (newest version), 500 per transaction; returns how many
/// detections were replaced.
fn redetect_unreviewed(store: &mut dyn AppStore, det: &Detector) -> anyhow::Result<usize> {
    let mut after = 0;
    let mut replaced = 0;
    loop {
        let versions = store.unreviewed_versions(after, 500)?;
        let Some(last) = versions.last() else {
            return Ok(replaced);
        };
        after = last.ad_id;
        let rows: Vec<Redetection> = versions
            .into_iter()
            .map(|v| Redetection {
                ad_id: v.ad_id,
                version: v.version,
                detection: wildwatch_crawl::detect(det, &v.ad),
                ad: v.ad,
            })
            .collect();
        replaced += store.replace_unreviewed_detections(&rows)?;
    }
}

/// Counts a review saved through the app or the API; after every `retrain_every` of them starts
/// a retrain in the background unless one is running (then the next review tries again).
/// Failures are logged; nothing stored is lost.
pub(crate) fn review_saved(st: &Shared) {
    let Some(every) = st.cfg.retrain_every.filter(|&n| n > 0) else {
        return;
    };
    let n = st.reviews_since_train.fetch_add(1, Ordering::SeqCst) + 1;
    if n < every || st.retraining.swap(true, Ordering::SeqCst) {
        return;
    }
    // Reviews counted meanwhile stay counted for the next retrain.
    st.reviews_since_train.fetch_sub(n, Ordering::SeqCst);
    let st = st.clone();
    tokio::spawn(async move {
        let st2 = st.clone();
        match tokio::task::spawn_blocking(move || retrain(&st2)).await {
            Ok(Ok(Retrained::Trained { line, redetected })) => eprintln!(
                "model retrained on {} reviewed ads ({} relevant): P {:.3} R {:.3} F1 {:.3}; {redetected} unreviewed ads detected again",
                line.examples, line.positives, line.precision, line.recall, line.f1
            ),
            Ok(Ok(Retrained::Skipped(why))) => eprintln!("model not retrained: {why}"),
            Ok(Err(e)) => eprintln!("model retrain failed: {e:#}"),
            Err(e) => eprintln!("model retrain failed: {e}"),
        }
        st.retraining.store(false, Ordering::SeqCst);
    });
}

// ---- the dashboard's model panel ---------------------------------------------------------------

/// A model's training date and figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModelInfo {
    /// When it was trained (RFC 3339).
    pub trained_at: String,
    /// Labelled ads it was trained on.
    pub examples: usize,
    /// Of which relevant.
    pub positives: usize,
    /// Cross-validation folds (absent when it was not cross-validated).
    pub folds: Option<u32>,
    /// Cross-validated precision.
    pub precision: Option<f64>,
    /// Cross-validated recall.
    pub recall: Option<f64>,
    /// Cross-validated F1.
    pub f1: Option<f64>,
}

impl ModelInfo {
    fn of(m: &Model) -> ModelInfo {
        ModelInfo {
            trained_at: m.trained_at.clone(),
            examples: m.examples,
            positives: m.positives,
            folds: m.cv.as_ref().map(|c| c.folds),
            precision: m.cv.as_ref().map(|c| c.precision),
            recall: m.cv.as_ref().map(|c| c.recall),
            f1: m.cv.as_ref().map(|c| c.f1),
        }
    }
}

/// The dashboard's model panel.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModelPanel {
    /// The model in use (absent: rules only).
    pub model: Option<ModelInfo>,
    /// One sentence: "no model: rules only", or the model's date and figures.
    pub summary: String,
    /// The last retrains (up to 10 lines of `history.jsonl`), newest first.
    pub history: Vec<HistoryLine>,
    /// A retrain is running.
    pub retraining: bool,
    /// Reviews between retrains (absent: never retrained by the app).
    pub retrain_every: Option<usize>,
}

/// The model the app uses: the built detector's, or (before the detector is built) the model
/// file's, read again only when the file changes.
fn loaded_model(st: &AppState) -> Option<ModelInfo> {
    if let Some(d) = st.built_detector() {
        return d.model().map(ModelInfo::of);
    }
    let path = model_path(&st.cfg.model_dir);
    let mtime = std::fs::metadata(&path).and_then(|m| m.modified()).ok()?;
    let mut cache = st.model_file_info.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((t, info)) = cache.as_ref() {
        if *t == mtime {
            return Some(info.clone());
        }
    }
    let info = ModelInfo::of(&Model::load(&path).ok()?);
    *cache = Some((mtime, info.clone()));
    Some(info)
}

/// The last `n` lines of the history file, newest first (unreadable lines skipped; only the
/// file's last 64 KiB are read).
fn read_history(path: &Path, n: usize) -> Vec<HistoryLine> {
    let Ok(mut f) = std::fs::File::open(path) else {
        return Vec::new();
    };
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let start = len.saturating_sub(64 * 1024);
    let mut text = String::new();
    if f.seek(SeekFrom::Start(start)).is_err() || f.read_to_string(&mut text).is_err() {
        return Vec::new();
    }
    let mut lines: Vec<HistoryLine> = text
        .lines()
        .skip(usize::from(start > 0))
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    lines.reverse();
    lines.truncate(n);
    lines
}

fn figure(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.3}")).unwrap_or_else(|| "–".into())
}

/// The dashboard's model panel.
pub async fn model_panel(st: &Shared) -> Result<ModelPanel, Failure> {
    let st2 = st.clone();
    let (model, history) = tokio::task::spawn_blocking(move || {
        (
            loaded_model(&st2),
            read_history(&history_path(&st2.cfg.model_dir), HISTORY_SHOWN),
        )
    })
    .await
    .map_err(|e| Failure::internal(format!("model panel task failed: {e}")))?;
    let summary = match &model {
        None => "no model: rules only".to_string(),
        Some(m) => format!(
            "model trained {} on {} ads ({} relevant); cross-validated P {} R {} F1 {}",
            m.trained_at.get(..10).unwrap_or(&m.trained_at),
            m.examples,
            m.positives,
            figure(m.precision),
            figure(m.recall),
            figure(m.f1)
        ),
    };
    Ok(ModelPanel {
        model,
        summary,
        history,
        retraining: st.retraining.load(Ordering::SeqCst),
        retrain_every: st.cfg.retrain_every,
    })
}

/// The risk class of a stored detection (the scan contract's `risk`; `none` when missing).
fn risk_of(d: &serde_json::Value) -> Risk {
    d["risk"]
        .as_str()
        .and_then(|r| Risk::parse(r).ok())
        .unwrap_or_default()
}
