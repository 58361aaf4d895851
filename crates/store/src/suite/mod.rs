//! The test suite every [`Store`] implementation must pass, written once against the trait and
//! run on SQLite (this crate's tests) and on PostgreSQL (`wildwatch-store-pg`'s tests), so the two
//! backends cannot drift apart in what the crawler, revisits and the CLI see.
//!
//! Each case is a plain function taking a fresh, empty store. [`store_suite!`](crate::store_suite)
//! turns them into one `#[test]` each for a backend, given a function that runs a case on a fresh
//! store of that backend.

use crate::*;

mod accounts;
mod ads;
mod campaign_reports;
mod links;
mod notices;
mod policy;
mod public_reports;
mod reviews;

pub use accounts::*;
pub use ads::*;
pub use campaign_reports::*;
pub use links::*;
pub use notices::*;
pub use policy::*;
pub use public_reports::*;
pub use reviews::*;

/// A frontier item of platform `p`.
pub fn item(url: &str, kind: UrlKind) -> FrontierItem {
    FrontierItem {
        url: url.into(),
        kind,
        platform: "p".into(),
        keyword: None,
        page: 0,
        attempts: 0,
    }
}

/// An ad of platform `p` with a seller and a contact.
pub fn ad(url: &str, price: &str) -> AdContent {
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

/// A high-scoring live-animal detection.
pub fn det(risk: &str) -> DetectionRecord {
    DetectionRecord {
        relevant: true,
        category: crate::Category::Live,
        risk: risk.parse().unwrap(),
        risk_score: 80,
        lang: "de".into(),
        price_eur: Some(500.0),
        species: vec!["Psittacus erithacus".into()],
        json: serde_json::json!({"id": "x", "specimens": 2,
            "species": [{"scientific_name": "Psittacus erithacus", "cites": "I", "eu_annex": "A"}]}),
    }
}

/// A successful fetch of `url`, with an ad or not.
pub fn commit(c: i64, url: &str, a: Option<(AdContent, DetectionRecord)>) -> FetchCommit {
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

/// Defines one `#[test]` per suite case; `$run` is a `fn(fn(&mut dyn Store))` that calls the case
/// on a fresh store of the backend (and cleans up after it).
#[macro_export]
macro_rules! store_suite {
    ($run:path) => {
        $crate::store_suite!(@cases $run,
            frontier_deduplicates_and_resumes_in_order,
            versions_are_kept_and_gone_is_recorded_once,
            filters_are_parameters_not_sql,
            failed_attempts_give_up_at_the_limit,
            campaigns_are_found_by_name_and_keep_their_id,
            discovered_urls_are_queued_with_the_commit,
            revisits_requeue_live_ads_at_the_back,
            gone_pages_mark_the_ad_and_seeing_it_again_revives_it,
            pages_are_kept_with_their_evidence,
            platform_prefix_is_data_not_a_pattern,
            ads_list_filters_sorts_and_limits,
            detections_are_replaced_by_a_rerun,
            photos_not_yet_fetched_are_listed_once
        );
    };
    (@cases $run:path, $($case:ident),+) => {
        $(
            #[test]
            fn $case() {
                $run($crate::suite::$case);
            }
        )+
    };
}

/// Duplicates are dropped, and pending URLs come back in the order they were queued.
pub fn frontier_deduplicates_and_resumes_in_order(s: &mut dyn Store) {
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
    assert_eq!(p[0].kind, UrlKind::Search);
    assert_eq!(p[1].kind, UrlKind::Ad);
    assert_eq!(s.pending(c, 1).unwrap().len(), 1);
    s.commit_fetch(&commit(c, "http://a/1", None)).unwrap();
    let p = s.pending(c, 10).unwrap();
    assert_eq!(
        p.iter().map(|i| i.url.as_str()).collect::<Vec<_>>(),
        ["http://a/2"]
    );
    let n = s.frontier_counts(c).unwrap();
    assert_eq!((n.pending, n.done, n.other), (1, 1, 0));
}

/// A changed ad gets a version, an unchanged one does not; gone is recorded the first time only.
pub fn versions_are_kept_and_gone_is_recorded_once(s: &mut dyn Store) {
    let c = s.campaign("t", &serde_json::json!({})).unwrap();
    s.enqueue(c, &[item("http://a/ad", UrlKind::Ad)]).unwrap();
    let first = s
        .commit_fetch(&commit(
            c,
            "http://a/ad",
            Some((ad("http://a/ad", "500 €"), det("high"))),
        ))
        .unwrap();
    assert_eq!(first.ad, Some(AdOutcome::New));
    let r = s
        .commit_fetch(&commit(
            c,
            "http://a/ad",
            Some((ad("http://a/ad", "500 €"), det("high"))),
        ))
        .unwrap();
    assert_eq!(r.ad, Some(AdOutcome::Unchanged));
    assert_eq!(r.ad_id, first.ad_id);
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
    assert_eq!(rows[0].seller.as_deref(), Some("Hans"));
    assert_eq!(rows[0].species, ["Psittacus erithacus"]);
    assert_eq!((rows[0].first_seen, rows[0].last_seen), (1000, 1000));
    assert_eq!(s.live_ad_urls(c).unwrap().len(), 1);
    assert!(s.mark_gone("p", "http://a/ad", 2000).unwrap());
    assert!(!s.mark_gone("p", "http://a/ad", 3000).unwrap());
    assert_eq!(
        s.list_ads(&AdFilter::default()).unwrap()[0].gone_at,
        Some(2000)
    );
    assert!(s.live_ad_urls(c).unwrap().is_empty());
}

/// Filter values never become SQL.
pub fn filters_are_parameters_not_sql(s: &mut dyn Store) {
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
    let hostile = AdFilter {
        campaign: Some("t'; DROP TABLE ads; --".into()),
        ..Default::default()
    };
    assert!(s.list_ads(&hostile).unwrap().is_empty());
    let high = AdFilter {
        risk: Some(crate::Risk::High),
        campaign: Some("t".into()),
        ..Default::default()
    };
    assert_eq!(s.list_ads(&high).unwrap().len(), 1);
}

/// A URL that keeps failing stays pending until the limit, then counts as failed.
pub fn failed_attempts_give_up_at_the_limit(s: &mut dyn Store) {
    let c = s.campaign("t", &serde_json::json!({})).unwrap();
    s.enqueue(c, &[item("http://a/x", UrlKind::Ad)]).unwrap();
    assert!(!s.attempt_failed(c, "http://a/x", "timeout", 3).unwrap());
    assert_eq!(s.pending(c, 10).unwrap()[0].attempts, 1);
    assert!(!s.attempt_failed(c, "http://a/x", "timeout", 3).unwrap());
    assert!(s.attempt_failed(c, "http://a/x", "timeout", 3).unwrap());
    assert!(s.pending(c, 10).unwrap().is_empty());
    assert_eq!(s.frontier_counts(c).unwrap().other, 1);
    // An unknown URL is no failure to give up on.
    assert!(!s.attempt_failed(c, "http://a/unknown", "x", 1).unwrap());
}

/// Creating a campaign twice finds the first one; frontiers of campaigns are apart.
pub fn campaigns_are_found_by_name_and_keep_their_id(s: &mut dyn Store) {
    assert_eq!(s.campaign_id("t").unwrap(), None);
    let a = s.campaign("t", &serde_json::json!({"v": 1})).unwrap();
    let b = s.campaign("u", &serde_json::json!({})).unwrap();
    assert_ne!(a, b);
    assert_eq!(s.campaign("t", &serde_json::json!({"v": 2})).unwrap(), a);
    assert_eq!(s.campaign_id("t").unwrap(), Some(a));
    s.enqueue(a, &[item("http://a/1", UrlKind::Search)])
        .unwrap();
    // The same URL in another campaign is its own entry.
    assert_eq!(
        s.enqueue(b, &[item("http://a/1", UrlKind::Search)])
            .unwrap(),
        1
    );
    s.commit_fetch(&commit(a, "http://a/1", None)).unwrap();
    assert_eq!(s.pending(a, 10).unwrap().len(), 0);
    assert_eq!(s.pending(b, 10).unwrap().len(), 1);
}

/// URLs found on a page are queued in the same commit, without duplicates, keyword kept.
pub fn discovered_urls_are_queued_with_the_commit(s: &mut dyn Store) {
    let c = s.campaign("t", &serde_json::json!({})).unwrap();
    let mut seed = item("http://a/s?q=papagei", UrlKind::Search);
    seed.keyword = Some("papagei".into());
    seed.page = 1;
    s.enqueue(c, &[seed]).unwrap();
    let mut next = item("http://a/s?q=papagei&p=2", UrlKind::Search);
    next.keyword = Some("papagei".into());
    next.page = 2;
    let mut cm = commit(c, "http://a/s?q=papagei", None);
    cm.discovered = vec![
        item("http://a/ad1", UrlKind::Ad),
        item("http://a/ad2", UrlKind::Ad),
        item("http://a/ad1", UrlKind::Ad),
        next.clone(),
    ];
    assert_eq!(s.commit_fetch(&cm).unwrap().queued, 3);
    // Search pages come first (they lead to more pages), then the rest in the order found.
    let p = s.pending(c, 10).unwrap();
    assert_eq!(
        p.iter().map(|i| i.url.as_str()).collect::<Vec<_>>(),
        ["http://a/s?q=papagei&p=2", "http://a/ad1", "http://a/ad2"]
    );
    assert_eq!(p[0], next);
    // A limit takes search pages first.
    assert_eq!(s.pending(c, 2).unwrap()[1].url, "http://a/ad1");
    // Found again on another page: not queued twice.
    let mut again = commit(c, "http://a/ad1", None);
    again.discovered = vec![item("http://a/ad2", UrlKind::Ad)];
    assert_eq!(s.commit_fetch(&again).unwrap().queued, 0);
}

/// A revisit puts known ads back as pending, after what was already waiting, attempts reset.
pub fn revisits_requeue_live_ads_at_the_back(s: &mut dyn Store) {
    let c = s.campaign("t", &serde_json::json!({})).unwrap();
    s.enqueue(
        c,
        &[
            item("http://a/ad", UrlKind::Ad),
            item("http://a/other", UrlKind::Ad),
        ],
    )
    .unwrap();
    s.attempt_failed(c, "http://a/ad", "timeout", 5).unwrap();
    s.commit_fetch(&commit(
        c,
        "http://a/ad",
        Some((ad("http://a/ad", "1 €"), det("high"))),
    ))
    .unwrap();
    assert_eq!(
        s.live_ad_urls(c).unwrap(),
        [("p".to_string(), "http://a/ad".to_string())]
    );
    for (platform, url) in s.live_ad_urls(c).unwrap() {
        let mut it = item(&url, UrlKind::Ad);
        it.platform = platform;
        s.requeue(c, &it).unwrap();
    }
    let p = s.pending(c, 10).unwrap();
    assert_eq!(
        p.iter().map(|i| i.url.as_str()).collect::<Vec<_>>(),
        ["http://a/other", "http://a/ad"]
    );
    assert_eq!(p[1].attempts, 0);
    // Requeueing a URL the frontier never had adds it.
    s.requeue(c, &item("http://a/new", UrlKind::Ad)).unwrap();
    assert_eq!(s.pending(c, 10).unwrap().len(), 3);
}

/// A gone page marks the ad gone (once); the ad seen again is live again.
pub fn gone_pages_mark_the_ad_and_seeing_it_again_revives_it(s: &mut dyn Store) {
    let c = s.campaign("t", &serde_json::json!({})).unwrap();
    s.commit_fetch(&commit(
        c,
        "http://a/ad",
        Some((ad("http://a/ad", "1 €"), det("high"))),
    ))
    .unwrap();
    let mut gone = commit(c, "http://a/ad", None);
    gone.state = FetchState::Gone;
    gone.page.as_mut().unwrap().status = 404;
    gone.page.as_mut().unwrap().fetched_at = 5000;
    s.commit_fetch(&gone).unwrap();
    gone.page.as_mut().unwrap().fetched_at = 6000;
    s.commit_fetch(&gone).unwrap();
    assert_eq!(
        s.list_ads(&AdFilter::default()).unwrap()[0].gone_at,
        Some(5000)
    );
    assert_eq!(s.frontier_counts(c).unwrap().other, 0);
    let mut back = commit(
        c,
        "http://a/ad",
        Some((ad("http://a/ad", "1 €"), det("high"))),
    );
    back.page.as_mut().unwrap().fetched_at = 7000;
    assert_eq!(
        s.commit_fetch(&back).unwrap().ad,
        Some(AdOutcome::Unchanged)
    );
    let row = &s.list_ads(&AdFilter::default()).unwrap()[0];
    assert_eq!((row.gone_at, row.last_seen), (None, 7000));
}

/// Every fetch of a URL is kept with its status, hash and WARC location, oldest first.
pub fn pages_are_kept_with_their_evidence(s: &mut dyn Store) {
    let c = s.campaign("t", &serde_json::json!({})).unwrap();
    let mut first = commit(c, "http://a/1", None);
    {
        let p = first.page.as_mut().unwrap();
        p.final_url = "http://a/1/".into();
        p.content_type = Some("text/html".into());
        p.charset = Some("utf-8".into());
        p.body_sha256 = Some("ab".repeat(32));
        p.warc_file = Some("t-00001.warc.gz".into());
        p.warc_offset = Some(5_000_000_000);
        p.warc_length = Some(1234);
    }
    s.commit_fetch(&first).unwrap();
    let mut second = commit(c, "http://a/1", None);
    {
        let p = second.page.as_mut().unwrap();
        p.status = 503;
        p.fetched_at = 2000;
        p.error = Some("HTTP 503".into());
    }
    second.state = FetchState::Failed;
    s.commit_fetch(&second).unwrap();
    let pages = s.pages_for("http://a/1").unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].status, 200);
    assert_eq!(pages[0].warc_offset, Some(5_000_000_000));
    assert_eq!(pages[0].warc_length, Some(1234));
    assert_eq!(pages[0].body_sha256.as_deref(), Some(&*"ab".repeat(32)));
    assert_eq!(pages[0].charset.as_deref(), Some("utf-8"));
    assert_eq!(
        (pages[1].status, pages[1].error.as_deref()),
        (503, Some("HTTP 503"))
    );
    // Found by the URL after redirects too.
    assert_eq!(s.pages_for("http://a/1/").unwrap().len(), 1);
    assert!(s.pages_for("http://a/2").unwrap().is_empty());
}

/// The URL prefix is compared as text: `%` and `_` in it match nothing else.
pub fn platform_prefix_is_data_not_a_pattern(s: &mut dyn Store) {
    let c = s.campaign("t", &serde_json::json!({})).unwrap();
    s.commit_fetch(&commit(
        c,
        "http://host:81/ad/1",
        Some((ad("http://host:81/ad/1", "1 €"), det("high"))),
    ))
    .unwrap();
    assert_eq!(
        s.platform_for_prefix("http://host:81/").unwrap().as_deref(),
        Some("p")
    );
    assert_eq!(s.platform_for_prefix("http://host:8_/").unwrap(), None);
    assert_eq!(s.platform_for_prefix("http://%").unwrap(), None);
    assert_eq!(s.platform_for_prefix("http://other/").unwrap(), None);
}

/// The ads list sorts by risk score, filters by platform, risk, relevance and campaign, limits.
pub fn ads_list_filters_sorts_and_limits(s: &mut dyn Store) {
    let c = s.campaign("t", &serde_json::json!({})).unwrap();
    let other = s.campaign("u", &serde_json::json!({})).unwrap();
    for (i, (platform, risk, score, relevant)) in [
        ("p", "low", 20u8, true),
        ("q", "high", 90, true),
        ("p", "none", 0, false),
        ("q", "medium", 50, true),
    ]
    .into_iter()
    .enumerate()
    {
        let url = format!("http://a/{i}");
        let mut a = ad(&url, "1 €");
        a.platform = platform.into();
        a.seller = None;
        let mut d = det(risk);
        d.risk_score = score;
        d.relevant = relevant;
        let campaign = if i == 3 { other } else { c };
        s.commit_fetch(&commit(campaign, &url, Some((a, d))))
            .unwrap();
    }
    let urls = |f: AdFilter| -> Vec<String> {
        s.list_ads(&f).unwrap().into_iter().map(|r| r.url).collect()
    };
    assert_eq!(
        urls(AdFilter::default()),
        ["http://a/1", "http://a/3", "http://a/0", "http://a/2"]
    );
    assert_eq!(
        urls(AdFilter {
            relevant_only: true,
            platform: Some("p".into()),
            ..Default::default()
        }),
        ["http://a/0"]
    );
    assert_eq!(
        urls(AdFilter {
            campaign: Some("u".into()),
            ..Default::default()
        }),
        ["http://a/3"]
    );
    assert_eq!(
        urls(AdFilter {
            limit: Some(2),
            ..Default::default()
        }),
        ["http://a/1", "http://a/3"]
    );
    let row = &s
        .list_ads(&AdFilter {
            risk: Some(crate::Risk::High),
            ..Default::default()
        })
        .unwrap()[0];
    assert_eq!(
        (
            row.platform.as_str(),
            row.risk_score,
            row.category.as_str(),
            row.price_eur,
            row.seller.as_deref()
        ),
        ("q", 90, "live", Some(500.0), None)
    );
}

/// A detection re-run replaces the stored detection of an ad's latest version and its summary;
/// ranges of ad ids split the work; versions no longer stored are skipped.
pub fn detections_are_replaced_by_a_rerun(s: &mut dyn Store) {
    let c = s.campaign("c", &serde_json::json!({})).unwrap();
    assert_eq!(s.ad_id_range(c).unwrap(), None);
    let mut ids = Vec::new();
    for (i, risk) in ["high", "low", "medium"].into_iter().enumerate() {
        let url = format!("http://h/ad/{i}");
        let r = s
            .commit_fetch(&commit(c, &url, Some((ad(&url, "500 €"), det(risk)))))
            .unwrap();
        ids.push(r.ad_id.unwrap());
    }
    // A second version of the first ad: only the latest is re-run.
    let mut changed = ad("http://h/ad/0", "450 €");
    changed.description = "zahm, mit Papieren".into();
    s.commit_fetch(&commit(c, "http://h/ad/0", Some((changed, det("high")))))
        .unwrap();
    let (lo, hi) = s.ad_id_range(c).unwrap().unwrap();
    assert_eq!((lo, hi), (ids[0], ids[2]));
    let all = s.latest_versions(c, lo, hi).unwrap();
    assert_eq!(all.iter().map(|v| v.ad_id).collect::<Vec<_>>(), ids);
    assert_eq!(all[0].version, 2);
    assert_eq!(all[0].ad.description, "zahm, mit Papieren");
    assert_eq!(all[1].risk, "low");
    assert_eq!(all[1].species, vec!["Psittacus erithacus".to_string()]);
    // Ranges split the ads; another campaign's range is empty.
    assert_eq!(s.latest_versions(c, lo, lo).unwrap().len(), 1);
    assert!(s.latest_versions(c + 1000, lo, hi).unwrap().is_empty());
    let mut none = det("none");
    none.relevant = false;
    none.category = crate::Category::Lookalike;
    none.risk_score = 3;
    none.species = vec![];
    none.json = serde_json::json!({"id": "x", "species": []});
    let rows: Vec<Redetection> = all
        .iter()
        .map(|v| Redetection {
            ad_id: v.ad_id,
            version: v.version,
            ad: v.ad.clone(),
            detection: none.clone(),
        })
        .chain(std::iter::once(Redetection {
            ad_id: ids[1],
            version: 7, // never stored
            ad: all[1].ad.clone(),
            detection: det("high"),
        }))
        .collect();
    assert_eq!(s.replace_detections(&rows).unwrap(), 3);
    let after = s.latest_versions(c, lo, hi).unwrap();
    assert!(after
        .iter()
        .all(|v| v.risk == "none" && v.category == "lookalike"));
    assert!(after.iter().all(|v| v.species.is_empty()));
    let listed = s.list_ads(&AdFilter::default()).unwrap();
    assert_eq!(listed.len(), 3);
    assert!(
        listed.iter().all(|a| a.risk == "none" && a.risk_score == 3),
        "{listed:?}"
    );
    let high = s
        .list_ads(&AdFilter {
            risk: Some(crate::Risk::High),
            ..Default::default()
        })
        .unwrap();
    assert!(high.is_empty());
}

/// Photos that ads show but that were never fetched are listed once each (not those stored or
/// already pending), for a photo job to queue them.
pub fn photos_not_yet_fetched_are_listed_once(s: &mut dyn Store) {
    let c = s.campaign("c", &serde_json::json!({})).unwrap();
    for (i, imgs) in [
        vec!["http://h/p/1.jpg", "http://h/p/2.jpg"],
        vec!["http://h/p/2.jpg", "http://h/p/3.jpg"],
    ]
    .into_iter()
    .enumerate()
    {
        let url = format!("http://h/ad/{i}");
        let mut a = ad(&url, "1 €");
        a.images = imgs.into_iter().map(String::from).collect();
        s.commit_fetch(&commit(c, &url, Some((a, det("low")))))
            .unwrap();
    }
    let urls = |s: &dyn Store| -> Vec<String> {
        s.photos_to_fetch(c)
            .unwrap()
            .into_iter()
            .map(|i| {
                assert_eq!(i.kind, UrlKind::Photo);
                assert_eq!(i.platform, "p");
                i.url
            })
            .collect()
    };
    assert_eq!(
        urls(s),
        ["http://h/p/1.jpg", "http://h/p/2.jpg", "http://h/p/3.jpg"]
    );
    // One pending in the frontier, one fetched and hashed: only the third is left.
    s.enqueue(c, &[item("http://h/p/1.jpg", UrlKind::Photo)])
        .unwrap();
    s.commit_photo(&PhotoCommit {
        campaign: c,
        url: "http://h/p/2.jpg".into(),
        state: FetchState::Done,
        page: None,
        phash: Some(42),
        size: Some((10, 10)),
        error: None,
    })
    .unwrap();
    assert_eq!(urls(s), ["http://h/p/3.jpg"]);
    assert!(s.photos_to_fetch(c + 1000).unwrap().is_empty());
}
