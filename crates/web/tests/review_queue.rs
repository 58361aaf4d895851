//! The "review next" queue, retraining the relevance model from the reviews, and the dashboard's
//! model panel.

mod common;

use std::sync::Arc;

use common::http::*;
use common::*;
use wildwatch_refdata::RefData;
use wildwatch_store::app::Review;
use wildwatch_store::{AdContent, AppStore, DetectionRecord, FetchCommit, FetchState, PageRecord};
use wildwatch_web::learn::{self, Retrained};
use wildwatch_web::{app_router, outside_runtime, AppState};

on_both_backends!(
    the_queue_puts_disagreements_then_unsure_then_sure_ads_and_escapes_titles,
    the_api_returns_the_pages_order_with_reasons_and_platforms_take_turns,
    retraining_needs_thirty_reviews_of_both_classes_and_writes_nothing_otherwise,
    retraining_saves_the_model_and_its_history_redetects_and_shows_on_the_dashboard,
);

const HOSTILE: &str = "<script>alert('queue')</script> Elfenbein Armreif";

/// Stores an ad of `platform` in `lang` whose detection is `det` (merged into a plain one).
fn add_ad(
    s: &mut dyn AppStore,
    platform: &str,
    lang: &str,
    title: &str,
    det: serde_json::Value,
) -> i64 {
    let cid = s.campaign("queue", &serde_json::json!({})).unwrap();
    let url = format!(
        "http://{platform}.example/ad/{}",
        title.len() * 1000 + rand_ish(title)
    );
    let mut json = serde_json::json!({
        "id": "x", "relevant": false, "category": "none", "species": [], "specimens": null,
        "price_eur": null, "documents": [], "intent": "offer", "lang": lang,
        "risk_score": 10, "risk": "low", "reasons": []
    });
    for (k, v) in det.as_object().unwrap() {
        json[k] = v.clone();
    }
    let relevant = json["relevant"].as_bool().unwrap();
    let ad = AdContent {
        platform: platform.into(),
        url: url.clone(),
        title: title.into(),
        description: "Antike Schnitzerei".into(),
        lang: Some(lang.into()),
        ..Default::default()
    };
    let rec = DetectionRecord {
        relevant,
        category: json["category"].as_str().unwrap().parse().unwrap(),
        risk: json["risk"].as_str().unwrap().parse().unwrap(),
        risk_score: 10,
        lang: lang.into(),
        price_eur: None,
        species: vec![],
        json,
    };
    s.commit_fetch(&FetchCommit {
        campaign: cid,
        url: url.clone(),
        state: FetchState::Done,
        page: Some(PageRecord {
            url: url.clone(),
            final_url: url,
            status: 200,
            kind: "ad".into(),
            fetched_at: wildwatch_store::now(),
            ..Default::default()
        }),
        ad: Some((ad, rec)),
        discovered: vec![],
    })
    .unwrap()
    .ad_id
    .unwrap()
}

/// A distinct number per title (so every ad gets its own URL).
fn rand_ish(t: &str) -> usize {
    t.bytes()
        .fold(7usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize))
        % 1_000_000
}

fn model_det(p: f64, model_reason: bool, relevant: bool) -> serde_json::Value {
    let mut reasons = vec![serde_json::json!({"code": "PART", "text": "ivory"})];
    if model_reason {
        reasons.push(serde_json::json!({"code": "MODEL", "text": "model says otherwise"}));
    }
    serde_json::json!({"model_p": p, "relevant": relevant, "reasons": reasons})
}

fn review(relevant: bool) -> Review {
    Review {
        relevant,
        category: if relevant {
            wildwatch_store::Category::Part
        } else {
            wildwatch_store::Category::None
        },
        risk: if relevant {
            wildwatch_store::Risk::High
        } else {
            wildwatch_store::Risk::None
        },
        ..Default::default()
    }
}

fn pos(body: &str, id: i64) -> Option<usize> {
    body.find(&format!("href=\"/ads/{id}\""))
}

async fn the_queue_puts_disagreements_then_unsure_then_sure_ads_and_escapes_titles(b: Backend) {
    let w = world_n(b, 3, |_| {});
    let (disagree, unsure, sure, reviewed) = w.with_store(|s| {
        // Stored in the order the queue must reverse (newest first would give the opposite).
        let sure = add_ad(
            s,
            "marktplaats",
            "nl",
            "Ivoor beeldje",
            model_det(0.97, false, true),
        );
        let unsure = add_ad(s, "leboncoin", "fr", HOSTILE, model_det(0.48, false, false));
        let disagree = add_ad(
            s,
            "kleinanzeigen",
            "de",
            "Elfenbein Kette",
            model_det(0.04, true, false),
        );
        let reviewed = add_ad(
            s,
            "kleinanzeigen",
            "de",
            "Elfenbein Dose",
            model_det(0.5, true, false),
        );
        s.save_review(
            reviewed,
            &review(true),
            wildwatch_store::ReviewStatus::Corrected,
            "ana",
        )
        .unwrap();
        (disagree, unsure, sure, reviewed)
    });
    let (cookie, _) = login(&w.app, "vic").await;
    let page = send(&w.app, get("/review/next", &cookie)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let (a, b, c) = (
        pos(&page.body, disagree).expect("disagreement listed"),
        pos(&page.body, unsure).expect("unsure ad listed"),
        pos(&page.body, sure).expect("sure ad listed"),
    );
    assert!(a < b && b < c, "order {a} {b} {c}: {}", page.body);
    assert!(
        pos(&page.body, reviewed).is_none(),
        "reviewed ads are not in the queue"
    );
    // The seeded world's ads are high or low risk on plain evidence and have no model figure.
    for id in &w.ad_ids {
        assert!(
            pos(&page.body, *id).is_none(),
            "ad {id} has nothing to teach"
        );
    }
    assert!(
        page.body
            .contains("rules and model disagree: model 0.04, rules relevant"),
        "{}",
        page.body
    );
    assert!(page.body.contains("model unsure: 0.48"), "{}", page.body);
    assert!(
        !page.body.contains("<script>alert('queue')"),
        "the title is escaped"
    );
    assert!(page.body.contains(&esc(HOSTILE)), "{}", page.body);
    // Linked from the dashboard and the ads list.
    let dash = send(&w.app, get("/", &cookie)).await;
    assert!(
        dash.body.contains("id=\"dash-review-next\""),
        "{}",
        dash.body
    );
    let ads = send(&w.app, get("/ads", &cookie)).await;
    assert!(ads.body.contains("href=\"/review/next\""), "{}", ads.body);
}

async fn the_api_returns_the_pages_order_with_reasons_and_platforms_take_turns(b: Backend) {
    let w = world_n(b, 1, |_| {});
    let (k, l) = w.with_store(|s| {
        let mut l = Vec::new();
        let mut k = Vec::new();
        // Two leboncoin ads first (oldest), then four kleinanzeigen ads, all about as unsure.
        for i in 0..2 {
            l.push(add_ad(
                s,
                "leboncoin",
                "fr",
                &format!("Ivoire {i}"),
                model_det(0.45, false, false),
            ));
        }
        for i in 0..4 {
            k.push(add_ad(
                s,
                "kleinanzeigen",
                "de",
                &format!("Elfenbein {i}"),
                model_det(0.45, false, false),
            ));
        }
        // Without a model figure, only weak evidence queues an ad.
        add_ad(
            s,
            "marktplaats",
            "nl",
            "Koraal ketting",
            serde_json::json!({"relevant": true, "reasons": [{"code": "CORROBORATED", "text": "coral"}]}),
        );
        add_ad(
            s,
            "marktplaats",
            "nl",
            "Fiets",
            serde_json::json!({"relevant": false, "reasons": []}),
        );
        (k, l)
    });
    let (cookie, _) = login(&w.app, "vic").await;
    let api = send(&w.app, get("/api/review/queue?limit=20", &cookie)).await;
    assert_eq!(api.status, 200, "{}", api.body);
    let j: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    let got: Vec<(i64, String, String)> = j
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["ad_id"].as_i64().unwrap(),
                e["platform"].as_str().unwrap().to_string(),
                e["why"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let platforms: Vec<&str> = got.iter().map(|g| g.1.as_str()).collect();
    assert_eq!(
        platforms,
        [
            "kleinanzeigen",
            "leboncoin",
            "kleinanzeigen",
            "leboncoin",
            "kleinanzeigen",
            "kleinanzeigen",
            "marktplaats"
        ],
        "{got:?}"
    );
    // Newest first within a platform.
    assert_eq!(got[0].0, k[3]);
    assert_eq!(got[1].0, l[1]);
    assert_eq!(got[0].2, "model unsure: 0.45");
    assert_eq!(got[6].2, "rules rely on an ambiguous name (CORROBORATED)");
    assert_eq!(j[0]["model_p"], 0.45);
    assert_eq!(j[6]["kind"], "weak");
    // The page lists the same ads in the same order.
    let page = send(&w.app, get("/review/next?limit=20", &cookie)).await;
    let mut last = 0;
    for (id, _, why) in &got {
        let p = pos(&page.body, *id).unwrap_or_else(|| panic!("ad {id} on the page"));
        assert!(p > last, "page order differs at ad {id}");
        last = p;
        assert!(page.body.contains(why.as_str()));
    }
    let short = send(&w.app, get("/api/review/queue?limit=2", &cookie)).await;
    let j: serde_json::Value = serde_json::from_str(&short.body).unwrap();
    assert_eq!(j.as_array().unwrap().len(), 2);
    let bad = send(&w.app, get("/api/review/queue?limit=0", &cookie)).await;
    assert_eq!(bad.status, 400);
    let doc = send(&w.app, get("/api/openapi.json", &cookie)).await;
    assert!(doc.body.contains("/api/review/queue"));
    assert!(doc.body.contains("QueueEntry"));
}

async fn retraining_needs_thirty_reviews_of_both_classes_and_writes_nothing_otherwise(b: Backend) {
    let w = world_n(b, 35, |_| {});
    w.with_store(|s| {
        for id in &w.ad_ids[..10] {
            s.save_review(
                *id,
                &review(true),
                wildwatch_store::ReviewStatus::Corrected,
                "ana",
            )
            .unwrap();
        }
    });
    let model_dir = w.st.cfg.model_dir.clone();
    assert_eq!(model_dir, w.dir.path().join("model"));
    match outside_runtime(|| learn::retrain(&w.st)).unwrap() {
        Retrained::Skipped(why) => assert!(why.contains("10 reviewed ads; at least 30"), "{why}"),
        other => panic!("trained on 10 reviews: {other:?}"),
    }
    w.with_store(|s| {
        for id in &w.ad_ids[10..32] {
            s.save_review(
                *id,
                &review(true),
                wildwatch_store::ReviewStatus::Corrected,
                "ana",
            )
            .unwrap();
        }
    });
    match outside_runtime(|| learn::retrain(&w.st)).unwrap() {
        Retrained::Skipped(why) => assert!(
            why.contains("all 32 reviewed ads are labelled relevant"),
            "{why}"
        ),
        other => panic!("trained on one class: {other:?}"),
    }
    assert!(!model_dir.join("relevance.json").exists());
    assert!(!model_dir.join("history.jsonl").exists());
    let (cookie, _) = login(&w.app, "vic").await;
    let dash = send(&w.app, get("/", &cookie)).await;
    assert!(dash.body.contains("id=\"model-panel\""), "{}", dash.body);
    assert!(dash.body.contains("no model: rules only"), "{}", dash.body);
    let api = send(&w.app, get("/api/dashboard", &cookie)).await;
    let j: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(j["model"]["summary"], "no model: rules only");
    assert!(j["model"]["model"].is_null());
    assert_eq!(j["model"]["retrain_every"], 50);
}

async fn retraining_saves_the_model_and_its_history_redetects_and_shows_on_the_dashboard(
    b: Backend,
) {
    let w = world_n(b, 40, |_| {});
    w.with_store(|s| {
        for (i, id) in w.ad_ids[..36].iter().enumerate() {
            s.save_review(
                *id,
                &review(i % 3 != 0),
                wildwatch_store::ReviewStatus::Corrected,
                "ana",
            )
            .unwrap();
        }
    });
    // The same data with a real detector.
    let st = AppState::new(
        w.st.cfg.clone(),
        RefData::shipped().unwrap(),
        Arc::new(|| Ok(wildwatch_detect::Detector::shipped()?)),
    )
    .unwrap();
    let app = app_router(st.clone());
    let line = match outside_runtime(|| learn::retrain(&st)).unwrap() {
        Retrained::Trained { line, redetected } => {
            assert_eq!(redetected, 4, "the four unreviewed ads are detected again");
            line
        }
        Retrained::Skipped(why) => panic!("not trained: {why}"),
    };
    assert_eq!(line.examples, 36);
    assert_eq!(line.positives, 24);
    let dir = &st.cfg.model_dir;
    let model = wildwatch_model::Model::load(&dir.join("relevance.json")).unwrap();
    assert_eq!(model.examples, 36);
    assert_eq!(model.cv.as_ref().unwrap().folds, 5);
    let history = std::fs::read_to_string(dir.join("history.jsonl")).unwrap();
    assert_eq!(history.lines().count(), 1);
    let h: serde_json::Value = serde_json::from_str(history.trim()).unwrap();
    for k in [
        "trained_at",
        "examples",
        "positives",
        "precision",
        "recall",
        "f1",
    ] {
        assert!(!h[k].is_null(), "{k} in {history}");
    }
    assert_eq!(h["examples"], 36);
    // The app now detects with the model, and the unreviewed ads were detected with it.
    assert!(st.detector().await.unwrap().model().is_some());
    on_store(&st.cfg.db, |s| {
        let d = s.ad_detail(w.ad_ids[39]).unwrap().detection;
        assert!(d["model_p"].is_number(), "{d}");
        let kept = s.review(w.ad_ids[0]).unwrap().unwrap();
        assert!(!kept.review.relevant, "reviews are kept");
    });
    let (cookie, _) = login(&app, "vic").await;
    let dash = send(&app, get("/", &cookie)).await;
    let start = dash.body.find("id=\"model-panel\"").expect("model panel");
    let panel: String = dash.body[start..].chars().take(2000).collect();
    assert!(panel.contains("on 36 ads (24 relevant)"), "{panel}");
    assert!(panel.contains("cross-validated P"), "{panel}");
    assert!(panel.contains(&format!("{:.3}", line.f1)), "{panel}");
    assert!(!panel.contains("no model"), "{panel}");
    let api = send(&app, get("/api/dashboard", &cookie)).await;
    let j: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(j["model"]["model"]["examples"], 36);
    assert_eq!(j["model"]["model"]["folds"], 5);
    assert_eq!(j["model"]["history"].as_array().unwrap().len(), 1);
    assert_eq!(j["model"]["history"][0]["positives"], 24);
}
