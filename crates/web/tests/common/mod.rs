//! The seeded world shared by the router tests and the browser test: a store with hostile ads
//! (script in the title, seller and description), one archived page whose HTML runs a script
//! against its parent, and one user per role (password "correct horse battery").

#![allow(dead_code)]

pub mod http;

use std::sync::Arc;
use wildwatch_store::Accounts;
use wildwatch_store::AdQueries;

use axum::Router;
use wildwatch_refdata::RefData;
use wildwatch_store::app::Role;
use wildwatch_store::{
    AdContent, DetectionRecord, FetchCommit, FetchState, PageRecord, SqliteStore, Store,
};
use wildwatch_web::{app_router, auth, AppState, ServeConfig, Shared};

pub const XSS_TITLE: &str = "<script>alert('title')</script> Elfenbein Schnitzerei";
pub const XSS_SELLER: &str = "<img src=x onerror=alert('seller')>";
pub const XSS_DESC: &str = "\"><svg onload=alert('desc')> Antikes Elfenbein, 2 Stück, 300 €. </textarea><script>alert(1)</script>";

pub struct World {
    pub st: Shared,
    pub app: Router,
    pub dir: tempfile::TempDir,
    pub ad_ids: Vec<i64>,
    pub page_id: i64,
}

pub fn detection(risk: &str, relevant: bool, species: &str, lang: &str) -> DetectionRecord {
    let json = serde_json::json!({
        "id": "x", "relevant": relevant, "category": if relevant {"part"} else {"none"},
        "species": if relevant { serde_json::json!([{"scientific_name": species, "cites": "I", "eu_annex": "A", "matched_text": "Elfenbein"}]) } else { serde_json::json!([]) },
        "specimens": 2, "price_eur": 300.0, "documents": [], "intent": "offer", "lang": lang,
        "risk_score": if risk == "high" {90} else {10}, "risk": risk,
        "reasons": [{"code": "PART", "text": "'Elfenbein' → ivory", "span": [42, 52]}, {"code": "RISK_HIGH", "text": "Annex A, no papers", "span": [0, 5]}]
    });
    DetectionRecord {
        relevant,
        category: if relevant { "part" } else { "none" }.into(),
        risk: risk.into(),
        risk_score: if risk == "high" { 90 } else { 10 },
        lang: lang.into(),
        price_eur: Some(300.0),
        species: if relevant {
            vec![species.into()]
        } else {
            vec![]
        },
        json,
    }
}

pub fn world_with(cfg_edit: impl FnOnce(&mut ServeConfig)) -> World {
    world_n(30, cfg_edit)
}

/// `n` ads on three platforms: every third is high risk, every fifth is not relevant; the first
/// carries the hostile title and seller; all of them point at the one archived (hostile) page.
pub fn world_n(n: usize, cfg_edit: impl FnOnce(&mut ServeConfig)) -> World {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let evidence = dir.path().join("evidence");
    std::fs::create_dir_all(&evidence).unwrap();
    // One archived page with hostile HTML, in a real WARC file.
    let mut w = wildwatch_warc::WarcWriter::open(&evidence, "t", 10_000_000).unwrap();
    let html = b"<html><body><h1>Elfenbein</h1><script>parent.document.title='pwned'</script><form action=/logout method=post></form></body></html>";
    let resp = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
        html.len()
    );
    let stored = w
        .write_exchange(&wildwatch_warc::Exchange {
            url: "http://shop.example/ad/1",
            ip: None,
            request_head: b"GET /ad/1 HTTP/1.1\r\nHost: shop.example\r\n\r\n",
            response_head: resp.as_bytes(),
            body: html,
            date: std::time::SystemTime::now(),
            metadata: serde_json::json!({}),
        })
        .unwrap();
    w.flush().unwrap();
    let mut s = SqliteStore::open(&db).unwrap();
    let cid = s.campaign("spring", &serde_json::json!({})).unwrap();
    let mut ad_ids = Vec::new();
    let platforms = ["kleinanzeigen", "leboncoin", "marktplaats"];
    for i in 0..n {
        let risk = if i % 3 == 0 { "high" } else { "low" };
        let relevant = i % 5 != 4;
        let plat = platforms[i % 3];
        let ad = AdContent {
            platform: plat.into(),
            url: format!("http://shop.example/ad/{}", i + 1),
            title: if i == 0 {
                XSS_TITLE.into()
            } else {
                format!("Elfenbein Figur {i}")
            },
            description: XSS_DESC.into(),
            price_text: Some("300 €".into()),
            seller: Some(if i == 0 {
                XSS_SELLER.into()
            } else {
                format!("seller{}", i % 4)
            }),
            contacts: vec!["+49 171 1234567".into()],
            lang: Some("de".into()),
            country: Some(["DE", "FR", "NL"][i % 3].into()),
            ..Default::default()
        };
        let page = PageRecord {
            url: ad.url.clone(),
            final_url: ad.url.clone(),
            status: 200,
            kind: "ad".into(),
            body_sha256: Some(stored.payload_sha256.clone()),
            warc_file: Some(stored.file.clone()),
            warc_offset: Some(stored.offset),
            warc_length: Some(stored.length),
            fetched_at: wildwatch_store::now(),
            ..Default::default()
        };
        let r = s
            .commit_fetch(&FetchCommit {
                campaign: cid,
                url: ad.url.clone(),
                state: FetchState::Done,
                page: Some(page),
                ad: Some((ad, detection(risk, relevant, "Loxodonta africana", "de"))),
                discovered: vec![],
            })
            .unwrap();
        ad_ids.push(r.ad_id.unwrap());
    }
    let page_id = s.ad_detail(ad_ids[0]).unwrap().pages[0].id;
    for (name, role) in [
        ("admin", Role::Admin),
        ("ana", Role::Analyst),
        ("eve", Role::Enforcement),
        ("vic", Role::Viewer),
    ] {
        s.add_user(
            name,
            &auth::hash_password("correct horse battery").unwrap(),
            role,
        )
        .unwrap();
    }
    drop(s);
    let mut cfg = ServeConfig::new(db, evidence);
    cfg.fetch_reports = false;
    cfg_edit(&mut cfg);
    let st = AppState::new(
        cfg,
        RefData::shipped().unwrap(),
        Arc::new(|| anyhow::bail!("no detector in router tests")),
    )
    .unwrap();
    World {
        app: app_router(st.clone()),
        st,
        dir,
        ad_ids,
        page_id,
    }
}

pub fn world() -> World {
    world_with(|_| {})
}
