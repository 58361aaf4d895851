//! Suite cases: The public report form and dashboard figures.

use super::*;

/// A store with public reports: what the [`public_reports_suite!`](crate::public_reports_suite)
/// cases run on (the crawl's [`Store`] makes the ads and pages, [`Reviews`](crate::Reviews) the
/// reviewed ones the dashboard counts).
pub trait PublicReportStore: Store + crate::Reviews + crate::PublicReports {}

impl<T: Store + crate::Reviews + crate::PublicReports> PublicReportStore for T {}

/// The [`PublicReports`](crate::PublicReports) cases, one `#[test]` each, given a function that
/// runs a case on a fresh store of the backend.
#[macro_export]
macro_rules! public_reports_suite {
    ($run:path) => {
        $crate::store_suite!(@cases $run,
            public_reports_are_counted_once_per_url_and_taken_in_turn,
            report_stats_count_reports_by_state_and_relevant_finds,
            campaign_stats_sum_each_campaigns_ads_and_frontier,
            platform_pages_count_recent_fetches_per_platform_and_kind
        );
    };
}

/// A detection that finds nothing relevant.
pub fn nothing() -> DetectionRecord {
    DetectionRecord {
        relevant: false,
        category: crate::Category::None,
        risk: crate::Risk::None,
        risk_score: 0,
        lang: "de".into(),
        price_eur: Some(40.0),
        species: vec![],
        json: serde_json::json!({"id": "y"}),
    }
}

/// Stores an ad of campaign `c` at `url` with detection `d`; its id.
pub fn stored_ad(s: &mut dyn PublicReportStore, c: i64, url: &str, d: DetectionRecord) -> i64 {
    s.commit_fetch(&commit(c, url, Some((ad(url, "10 €"), d))))
        .unwrap()
        .ad_id
        .unwrap()
}

/// A URL reported again is counted (its comment kept, an empty one not) and not queued again;
/// reports are listed newest first and taken oldest first, one left `fetching` by a crash before
/// the rest; finishing an unknown report is not found, and one naming an ad that does not exist
/// is refused as a whole.
pub fn public_reports_are_counted_once_per_url_and_taken_in_turn(s: &mut dyn PublicReportStore) {
    use crate::app::ReportOutcome::{Duplicate, New};
    let c = s.campaign("t", &serde_json::json!({})).unwrap();
    let ad_id = stored_ad(s, c, "http://h/ad/1", det("high"));
    assert!(s.take_report().unwrap().is_none(), "nothing reported");
    assert!(s.reports(10).unwrap().is_empty());
    let (a, o) = s
        .add_report("http://h/ad/1", "h/ad/1", "first", "ip-1")
        .unwrap();
    assert_eq!(o, New);
    assert_eq!(
        s.add_report("http://h/ad/1#top", "h/ad/1", "again", "ip-2")
            .unwrap(),
        (a, Duplicate)
    );
    assert_eq!(
        s.add_report("http://h/ad/1", "h/ad/1", "", "ip-3").unwrap(),
        (a, Duplicate)
    );
    let (b, o) = s.add_report("http://h/ad/2", "h/ad/2", "", "ip-1").unwrap();
    assert_eq!(o, New);
    assert_ne!(a, b);
    let rows = s.reports(10).unwrap();
    assert_eq!(
        rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        [b, a],
        "newest first"
    );
    let r = &rows[1];
    assert_eq!(
        (
            r.url.as_str(),
            r.comment.as_str(),
            r.times,
            r.status.as_str()
        ),
        ("http://h/ad/1", "first\nagain", 3, "queued"),
        "the first URL as submitted, every comment given, every submission counted"
    );
    assert_eq!((r.ad_id, r.error.as_deref()), (None, None));
    assert!(r.submitted_at >= now() - 600, "{}", r.submitted_at);
    assert_eq!(
        s.reports(1)
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect::<Vec<_>>(),
        [b]
    );
    assert_eq!(
        s.take_report().unwrap(),
        Some((a, "http://h/ad/1".to_string())),
        "oldest first"
    );
    assert_eq!(
        s.take_report().unwrap().map(|t| t.0),
        Some(a),
        "left fetching by a crash: taken again, before the queued one"
    );
    s.finish_report(a, "done", Some(ad_id), None).unwrap();
    assert_eq!(
        s.take_report().unwrap(),
        Some((b, "http://h/ad/2".to_string()))
    );
    assert_eq!(s.reports(1).unwrap()[0].status, "fetching");
    s.finish_report(b, "failed", None, Some("HTTP 404"))
        .unwrap();
    assert!(s.take_report().unwrap().is_none(), "all finished");
    let rows = s.reports(10).unwrap();
    assert_eq!(
        (
            rows[0].status.as_str(),
            rows[0].ad_id,
            rows[0].error.as_deref()
        ),
        ("failed", None, Some("HTTP 404"))
    );
    assert_eq!(
        (
            rows[1].status.as_str(),
            rows[1].ad_id,
            rows[1].error.as_deref()
        ),
        ("done", Some(ad_id), None)
    );
    // Reported again once done: counted, not queued again.
    assert_eq!(
        s.add_report("http://h/ad/1", "h/ad/1", "", "ip-4").unwrap(),
        (a, Duplicate)
    );
    assert!(s.take_report().unwrap().is_none());
    assert!(matches!(
        s.finish_report(a + b + 1000, "done", None, None),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.finish_report(b, "done", Some(ad_id + 1000), None),
        Err(StoreError::Constraint(_))
    ));
    let r = &s.reports(1).unwrap()[0];
    assert_eq!(
        (r.id, r.status.as_str(), r.ad_id),
        (b, "failed", None),
        "a refused finish changes nothing"
    );
}

/// Report figures: distinct URLs, submissions, waiting (queued or being fetched), done, failed,
/// and reports whose ad was found relevant.
pub fn report_stats_count_reports_by_state_and_relevant_finds(s: &mut dyn PublicReportStore) {
    let z = s.report_stats().unwrap();
    assert_eq!(
        (
            z.received,
            z.submissions,
            z.queued,
            z.done,
            z.failed,
            z.relevant
        ),
        (0, 0, 0, 0, 0, 0)
    );
    let c = s.campaign("t", &serde_json::json!({})).unwrap();
    let parrot = stored_ad(s, c, "http://h/ad/1", det("high"));
    let toy = stored_ad(s, c, "http://h/ad/2", nothing());
    let mut ids = Vec::new();
    for i in 1..=5 {
        let url = format!("http://h/ad/{i}");
        ids.push(s.add_report(&url, &url, "", "ip").unwrap().0);
    }
    s.add_report("http://h/ad/1", "http://h/ad/1", "x", "ip")
        .unwrap();
    for (ad_id, status, error) in [
        (Some(parrot), "done", None),
        (Some(toy), "done", None),
        (None, "failed", Some("blocked")),
    ] {
        let (id, _) = s.take_report().unwrap().unwrap();
        s.finish_report(id, status, ad_id, error).unwrap();
    }
    assert_eq!(s.take_report().unwrap().unwrap().0, ids[3]);
    let st = s.report_stats().unwrap();
    assert_eq!(
        (
            st.received,
            st.submissions,
            st.queued,
            st.done,
            st.failed,
            st.relevant
        ),
        (5, 6, 2, 2, 1, 1)
    );
}

/// Figures per campaign, by name: ads, relevant, high-risk, specimens and value of the relevant
/// ones, relevant ones gone, reviewed, marked for takedown, and pending frontier URLs; a campaign
/// without ads is listed with zeros.
pub fn campaign_stats_sum_each_campaigns_ads_and_frontier(s: &mut dyn PublicReportStore) {
    assert!(s.campaign_stats().unwrap().is_empty());
    let empty = s.campaign("b-empty", &serde_json::json!({})).unwrap();
    s.enqueue(
        empty,
        &[
            item("http://h/s", UrlKind::Search),
            item("http://h/x", UrlKind::Ad),
        ],
    )
    .unwrap();
    let c = s.campaign("a-main", &serde_json::json!({})).unwrap();
    s.enqueue(
        c,
        &[
            item("http://h/ad/1", UrlKind::Ad),
            item("http://h/next", UrlKind::Ad),
        ],
    )
    .unwrap();
    let high = stored_ad(s, c, "http://h/ad/1", det("high"));
    let low = stored_ad(s, c, "http://h/ad/2", det("low"));
    stored_ad(s, c, "http://h/ad/3", nothing());
    assert!(s.mark_gone("p", "http://h/ad/1", 5000).unwrap());
    s.save_review(low, &labels("low"), crate::ReviewStatus::Confirmed, "ann")
        .unwrap();
    assert_ne!(high, low);
    let stats = s.campaign_stats().unwrap();
    let names: Vec<&str> = stats.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["a-main", "b-empty"]);
    let m = &stats[0];
    assert_eq!(
        (m.ads, m.relevant, m.high_risk, m.specimens, m.removed),
        (3, 2, 1, 4, 1)
    );
    assert!((m.value_eur - 1000.0).abs() < 1e-9, "{}", m.value_eur);
    assert_eq!((m.reviewed, m.takedown, m.pending), (1, 1, 1));
    let e = &stats[1];
    assert_eq!(
        (
            e.ads,
            e.relevant,
            e.high_risk,
            e.specimens,
            e.removed,
            e.reviewed,
            e.takedown,
            e.pending
        ),
        (0, 0, 0, 0, 0, 0, 0, 2)
    );
    assert_eq!(e.value_eur, 0.0);
}

/// Pages fetched in the last days, per platform, what they were fetched as and what they turned
/// out to be, with the first and last fetch; photos and older fetches are left out.
pub fn platform_pages_count_recent_fetches_per_platform_and_kind(s: &mut dyn PublicReportStore) {
    assert!(s.platform_pages(7).unwrap().is_empty());
    let c = s.campaign("t", &serde_json::json!({})).unwrap();
    let t = now();
    let mut other = item("http://h/q/1", UrlKind::Ad);
    other.platform = "q".into();
    s.enqueue(
        c,
        &[
            item("http://h/s?q=1", UrlKind::Search),
            item("http://h/ad/1", UrlKind::Ad),
            item("http://h/ad/old", UrlKind::Ad),
            item("http://h/p/1.jpg", UrlKind::Photo),
            other,
        ],
    )
    .unwrap();
    let fetch = |url: &str, kind: &str, at: i64, with_ad: bool| {
        let mut f = commit(c, url, with_ad.then(|| (ad(url, "10 €"), det("high"))));
        let p = f.page.as_mut().unwrap();
        p.kind = kind.into();
        p.fetched_at = at;
        f
    };
    s.commit_fetch(&fetch("http://h/s?q=1", "search", t - 100, false))
        .unwrap();
    s.commit_fetch(&fetch("http://h/ad/1", "ad", t - 50, true))
        .unwrap();
    s.commit_fetch(&fetch("http://h/ad/1", "ad", t - 10, true))
        .unwrap();
    s.commit_fetch(&fetch("http://h/ad/old", "ad", t - 30 * 86_400, true))
        .unwrap();
    let mut blocked = fetch("http://h/q/1", "blocked", t - 20, false);
    blocked.state = FetchState::Blocked;
    s.commit_fetch(&blocked).unwrap();
    s.commit_photo(&PhotoCommit {
        campaign: c,
        url: "http://h/p/1.jpg".into(),
        state: FetchState::Done,
        page: fetch("http://h/p/1.jpg", "photo", t, false).page,
        phash: Some(7),
        size: Some((10, 10)),
        error: None,
    })
    .unwrap();
    type Row = (String, String, String, i64, i64, i64);
    let row = |p: &crate::app::PlatformPages| -> Row {
        (
            p.platform.clone(),
            p.fetched_as.clone(),
            p.kind.clone(),
            p.pages,
            p.first,
            p.last,
        )
    };
    let expect =
        |platform: &str, fetched_as: &str, kind: &str, n: i64, first: i64, last: i64| -> Row {
            (
                platform.into(),
                fetched_as.into(),
                kind.into(),
                n,
                first,
                last,
            )
        };
    let week: Vec<Row> = s.platform_pages(7).unwrap().iter().map(row).collect();
    assert_eq!(
        week,
        [
            expect("p", "ad", "ad", 2, t - 50, t - 10),
            expect("p", "search", "search", 1, t - 100, t - 100),
            expect("q", "ad", "blocked", 1, t - 20, t - 20),
        ]
    );
    let two_months: Vec<Row> = s.platform_pages(60).unwrap().iter().map(row).collect();
    assert_eq!(
        two_months,
        [
            expect("p", "ad", "ad", 3, t - 30 * 86_400, t - 10),
            expect("p", "search", "search", 1, t - 100, t - 100),
            expect("q", "ad", "blocked", 1, t - 20, t - 20),
        ]
    );
}
