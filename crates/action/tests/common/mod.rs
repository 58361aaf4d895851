//! A small monitored world for the tests: a real WARC file written by the project's writer,
//! pages, ads and detections committed through `Store::commit_fetch`, reviews saved with
//! `save_review` (some ads marked for takedown).

#![allow(dead_code)]

use std::path::PathBuf;
use std::time::{Duration, UNIX_EPOCH};
use wildwatch_store::Reviews;

use wildwatch_store::app::Review;
use wildwatch_store::{
    AdContent, DetectionRecord, FetchCommit, FetchState, PageRecord, SqliteStore, Store,
};
use wildwatch_warc::{Exchange, WarcWriter};

pub const T0: i64 = 1_790_000_000; // 2026-09-21

pub struct World {
    pub tmp: tempfile::TempDir,
    pub store: SqliteStore,
    pub evidence: PathBuf,
    pub campaign: i64,
    /// Ad ids: parrot (takedown), python (takedown, changed once), tortoise (no takedown),
    /// ivory (takedown, gone), kleinanzeigen parrot (takedown, other platform).
    pub parrot: i64,
    pub python: i64,
    pub tortoise: i64,
    pub ivory: i64,
    pub other_platform: i64,
    warc: Option<WarcWriter>,
}

pub struct Species<'a>(pub &'a str, pub Option<&'a str>, pub Option<&'a str>);

fn detection(species: &[Species<'_>], risk: &str) -> DetectionRecord {
    let list: Vec<serde_json::Value> = species
        .iter()
        .map(|s| serde_json::json!({"scientific_name": s.0, "cites": s.1, "eu_annex": s.2, "matched_text": s.0}))
        .collect();
    DetectionRecord {
        relevant: !species.is_empty(),
        category: wildwatch_store::Category::Live,
        risk: risk.parse().unwrap(),
        risk_score: 90,
        lang: "fr".into(),
        price_eur: Some(450.0),
        species: species.iter().map(|s| s.0.to_string()).collect(),
        json: serde_json::json!({
            "relevant": !species.is_empty(), "category": "live", "species": list,
            "specimens": 1, "risk": risk, "risk_score": 90,
            "reasons": [{"code": "annex_a_no_docs", "text": "Annex A specimen without documents"}],
        }),
    }
}

impl World {
    /// Archives an exchange and commits the page (and the ad, when given) like the crawler.
    pub fn fetch(
        &mut self,
        url: &str,
        status: u16,
        body: &str,
        at: i64,
        ad: Option<(AdContent, DetectionRecord)>,
    ) -> Option<i64> {
        let head = format!(
            "HTTP/1.1 {status} {}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
            if status == 200 { "OK" } else { "Not Found" },
            body.len()
        );
        let req = format!("GET {url} HTTP/1.1\r\nUser-Agent: wildwatch-test\r\n\r\n");
        let stored = self
            .warc
            .as_mut()
            .unwrap()
            .write_exchange(&Exchange {
                url,
                ip: Some("127.0.0.1"),
                request_head: req.as_bytes(),
                response_head: head.as_bytes(),
                body: body.as_bytes(),
                date: UNIX_EPOCH + Duration::from_secs(at as u64),
                metadata: serde_json::json!({"test": true}),
            })
            .unwrap();
        self.warc.as_mut().unwrap().flush().unwrap();
        let gone = status == 404;
        let r = self
            .store
            .commit_fetch(&FetchCommit {
                campaign: self.campaign,
                url: url.into(),
                state: if gone {
                    FetchState::Gone
                } else {
                    FetchState::Done
                },
                page: Some(PageRecord {
                    url: url.into(),
                    final_url: url.into(),
                    status,
                    kind: if gone { "gone".into() } else { "ad".into() },
                    content_type: Some("text/html; charset=utf-8".into()),
                    charset: Some("utf-8".into()),
                    body_sha256: Some(stored.payload_sha256.clone()),
                    warc_file: Some(stored.file.clone()),
                    warc_offset: Some(stored.offset),
                    warc_length: Some(stored.length),
                    fetched_at: at,
                    error: None,
                }),
                ad,
                discovered: vec![],
            })
            .unwrap();
        r.ad_id
    }

    pub fn mark(&mut self, ad: i64, species: &[&str], takedown: bool) {
        let review = Review {
            relevant: true,
            category: wildwatch_store::Category::Live,
            species: species.iter().map(|s| s.to_string()).collect(),
            risk: wildwatch_store::Risk::High,
            takedown,
            ..Default::default()
        };
        self.store
            .save_review(
                ad,
                &review,
                wildwatch_store::ReviewStatus::Corrected,
                "alice",
            )
            .unwrap();
    }
}

pub fn ad(platform: &str, url: &str, id: &str, title: &str, seller: &str) -> AdContent {
    let (lang, country) = if platform == "leboncoin" {
        ("fr", "FR")
    } else {
        ("de", "DE")
    };
    AdContent {
        platform: platform.into(),
        url: url.into(),
        external_id: Some(id.into()),
        title: title.into(),
        description: format!("{title}. Contact 06 12 34 56 78, envoi possible.\u{1b}[31m"),
        price_text: Some("450 €".into()),
        seller: Some(seller.into()),
        contacts: vec!["+33612345678".into()],
        location: Some("Lyon".into()),
        posted: Some("hier".into()),
        images: vec![format!("{url}/photo1.jpg")],
        lang: Some(lang.into()),
        country: Some(country.into()),
        ..Default::default()
    }
}

pub fn world() -> World {
    let tmp = tempfile::tempdir().unwrap();
    let evidence = tmp.path().join("evidence");
    let mut store = SqliteStore::open(&tmp.path().join("wildwatch.db")).unwrap();
    let campaign = store
        .campaign("fr-2026", &serde_json::json!({"test": true}))
        .unwrap();
    let warc = WarcWriter::open(&evidence, "fr-2026", 1 << 30).unwrap();
    let mut w = World {
        tmp,
        store,
        evidence,
        campaign,
        parrot: 0,
        python: 0,
        tortoise: 0,
        ivory: 0,
        other_platform: 0,
        warc: Some(warc),
    };
    let lbc = "http://127.0.0.1:8701/ad/";
    let parrot = ad(
        "leboncoin",
        &format!("{lbc}1001.htm"),
        "1001",
        "=HYPERLINK(\"http://evil\") Perroquet gris du Gabon, bébé",
        "jacko69",
    );
    w.parrot = w
        .fetch(
            &parrot.url.clone(),
            200,
            "<html><h1>Perroquet gris du Gabon</h1></html>",
            T0,
            Some((
                parrot,
                detection(
                    &[Species("Psittacus erithacus", Some("I"), Some("A"))],
                    "high",
                ),
            )),
        )
        .unwrap();
    let python = ad(
        "leboncoin",
        &format!("{lbc}1002.htm"),
        "1002",
        "Python royal adulte",
        "reptiles33",
    );
    let det = detection(&[Species("Python regius", Some("II"), Some("B"))], "medium");
    w.python = w
        .fetch(
            &python.url.clone(),
            200,
            "<html><h1>Python royal adulte</h1><p>450</p></html>",
            T0 + 60,
            Some((python.clone(), det.clone())),
        )
        .unwrap();
    let mut python2 = python;
    python2.price_text = Some("300 €".into());
    w.fetch(
        &python2.url.clone(),
        200,
        "<html><h1>Python royal adulte</h1><p>300</p></html>",
        T0 + 86_400,
        Some((python2, det)),
    );
    let tortoise = ad(
        "leboncoin",
        &format!("{lbc}1003.htm"),
        "1003",
        "Tortue d'Hermann",
        "jardin",
    );
    w.tortoise = w
        .fetch(
            &tortoise.url.clone(),
            200,
            "<html><h1>Tortue</h1></html>",
            T0 + 120,
            Some((
                tortoise,
                detection(
                    &[Species("Testudo hermanni", Some("II"), Some("A"))],
                    "high",
                ),
            )),
        )
        .unwrap();
    let ivory = ad(
        "leboncoin",
        &format!("{lbc}1004.htm"),
        "1004",
        "Défense en ivoire",
        "antik",
    );
    w.ivory = w
        .fetch(
            &ivory.url.clone(),
            200,
            "<html><h1>Ivoire</h1></html>",
            T0 + 180,
            Some((
                ivory.clone(),
                detection(
                    &[Species("Loxodonta africana", Some("I"), Some("A"))],
                    "high",
                ),
            )),
        )
        .unwrap();
    w.fetch(&ivory.url, 404, "gone", T0 + 3_600, None);
    let ka = ad(
        "kleinanzeigen",
        "http://127.0.0.1:8702/s-anzeige/graupapagei/2001",
        "2001",
        "Graupapagei",
        "vogel",
    );
    w.other_platform = w
        .fetch(
            &ka.url.clone(),
            200,
            "<html><h1>Graupapagei</h1></html>",
            T0 + 240,
            Some((
                ka,
                detection(
                    &[Species("Psittacus erithacus", Some("I"), Some("A"))],
                    "high",
                ),
            )),
        )
        .unwrap();
    let (p, y, t, i, o) = (w.parrot, w.python, w.tortoise, w.ivory, w.other_platform);
    w.mark(p, &["Psittacus erithacus"], true);
    w.mark(y, &["Python regius"], true);
    w.mark(t, &["Testudo hermanni"], false);
    w.mark(i, &["Loxodonta africana"], true);
    w.mark(o, &["Psittacus erithacus"], true);
    w
}
