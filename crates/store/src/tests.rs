use super::*;

fn item(url: &str, kind: UrlKind) -> FrontierItem {
    FrontierItem {
        url: url.into(),
        kind,
        platform: "p".into(),
        keyword: None,
        page: 0,
        attempts: 0,
    }
}

fn ad(url: &str, price: &str) -> AdContent {
    AdContent {
        platform: "p".into(),
        url: url.into(),
        title: "Graupapagei".into(),
        description: "zahm".into(),
        price_text: Some(price.into()),
        seller: Some("Hans".into()),
        contacts: vec!["0171 1234567".into()],
        ..Default::default()
    }
}

fn det(risk: &str) -> DetectionRecord {
    DetectionRecord {
        relevant: true,
        category: "live".into(),
        risk: risk.into(),
        risk_score: 80,
        lang: "de".into(),
        price_eur: Some(500.0),
        species: vec!["Psittacus erithacus".into()],
        json: serde_json::json!({"id": "x"}),
    }
}

fn commit(c: i64, url: &str, a: Option<(AdContent, DetectionRecord)>) -> FetchCommit {
    FetchCommit {
        campaign: c,
        url: url.into(),
        state: FetchState::Done,
        page: Some(PageRecord {
            url: url.into(),
            final_url: url.into(),
            status: 200,
            kind: "ad".into(),
            fetched_at: 1000,
            ..Default::default()
        }),
        ad: a,
        discovered: vec![],
    }
}

#[test]
fn frontier_deduplicates_and_resumes_in_order() {
    let mut s = SqliteStore::in_memory().unwrap();
    let c = s.campaign("t", &serde_json::json!({})).unwrap();
    assert_eq!(
        s.enqueue(
            c,
            &[
                item("http://a/1", UrlKind::Search),
                item("http://a/2", UrlKind::Ad),
                item("http://a/1", UrlKind::Search)
            ]
        )
        .unwrap(),
        2
    );
    assert_eq!(s.enqueue(c, &[item("http://a/2", UrlKind::Ad)]).unwrap(), 0);
    let p = s.pending(c, 10).unwrap();
    assert_eq!(p.len(), 2);
    assert_eq!(p[0].url, "http://a/1");
    s.commit_fetch(&commit(c, "http://a/1", None)).unwrap();
    let p = s.pending(c, 10).unwrap();
    assert_eq!(
        p.iter().map(|i| i.url.as_str()).collect::<Vec<_>>(),
        ["http://a/2"]
    );
}

#[test]
fn versions_are_kept_and_gone_is_recorded_once() {
    let mut s = SqliteStore::in_memory().unwrap();
    let c = s.campaign("t", &serde_json::json!({})).unwrap();
    s.enqueue(c, &[item("http://a/ad", UrlKind::Ad)]).unwrap();
    let r = s
        .commit_fetch(&commit(
            c,
            "http://a/ad",
            Some((ad("http://a/ad", "500 €"), det("high"))),
        ))
        .unwrap();
    assert_eq!(r.ad, Some(AdOutcome::New));
    let r = s
        .commit_fetch(&commit(
            c,
            "http://a/ad",
            Some((ad("http://a/ad", "500 €"), det("high"))),
        ))
        .unwrap();
    assert_eq!(r.ad, Some(AdOutcome::Unchanged));
    let r = s
        .commit_fetch(&commit(
            c,
            "http://a/ad",
            Some((ad("http://a/ad", "450 €"), det("high"))),
        ))
        .unwrap();
    assert_eq!(r.ad, Some(AdOutcome::Changed));
    let rows = s.list_ads(&AdFilter::default()).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].versions, 2);
    assert_eq!(rows[0].price_text.as_deref(), Some("450 €"));
    assert!(s.mark_gone("p", "http://a/ad", 2000).unwrap());
    assert!(!s.mark_gone("p", "http://a/ad", 3000).unwrap());
    assert_eq!(
        s.list_ads(&AdFilter::default()).unwrap()[0].gone_at,
        Some(2000)
    );
    assert!(s.live_ad_urls(c).unwrap().is_empty());
}

#[test]
fn filters_are_parameters_not_sql() {
    let mut s = SqliteStore::in_memory().unwrap();
    let c = s.campaign("t", &serde_json::json!({})).unwrap();
    s.commit_fetch(&commit(
        c,
        "http://a/ad",
        Some((ad("http://a/ad", "1 €"), det("high"))),
    ))
    .unwrap();
    let hostile = AdFilter {
        platform: Some("p' OR '1'='1".into()),
        ..Default::default()
    };
    assert!(s.list_ads(&hostile).unwrap().is_empty());
    let high = AdFilter {
        risk: Some("high".into()),
        campaign: Some("t".into()),
        ..Default::default()
    };
    assert_eq!(s.list_ads(&high).unwrap().len(), 1);
}

#[test]
fn failed_attempts_give_up_at_the_limit() {
    let mut s = SqliteStore::in_memory().unwrap();
    let c = s.campaign("t", &serde_json::json!({})).unwrap();
    s.enqueue(c, &[item("http://a/x", UrlKind::Ad)]).unwrap();
    assert!(!s.attempt_failed(c, "http://a/x", "timeout", 3).unwrap());
    assert!(!s.attempt_failed(c, "http://a/x", "timeout", 3).unwrap());
    assert!(s.attempt_failed(c, "http://a/x", "timeout", 3).unwrap());
    assert!(s.pending(c, 10).unwrap().is_empty());
    assert_eq!(s.frontier_counts(c).unwrap().other, 1);
}

#[test]
fn reopening_keeps_data_and_schema_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    {
        let mut s = SqliteStore::open(&path).unwrap();
        let c = s.campaign("t", &serde_json::json!({"a": 1})).unwrap();
        s.enqueue(c, &[item("http://a/1", UrlKind::Search)])
            .unwrap();
    }
    let s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), 1);
    let c = s.campaign_id("t").unwrap().unwrap();
    assert_eq!(s.pending(c, 5).unwrap().len(), 1);
}
