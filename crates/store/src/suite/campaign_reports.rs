//! Suite cases: Campaign reports.

use super::*;

/// A store with campaign reports: what the
/// [`campaign_reports_suite!`](crate::campaign_reports_suite) cases run on (ads come from the
/// crawl, reviews from [`Reviews`](crate::Reviews)).
pub trait ReportStore: Store + crate::Reviews + crate::CampaignReports {}

impl<T: Store + crate::Reviews + crate::CampaignReports> ReportStore for T {}

/// The [`CampaignReports`](crate::CampaignReports) cases, one `#[test]` each, given a function
/// that runs a case on a fresh store of the backend.
#[macro_export]
macro_rules! campaign_reports_suite {
    ($run:path) => {
        $crate::store_suite!(@cases $run,
            campaigns_are_found_by_name_for_reports,
            report_ads_take_the_review_over_the_detection
        );
    };
}

/// A campaign is found by its exact name, with its id and when it was created; the names are
/// listed sorted bytewise.
pub fn campaigns_are_found_by_name_for_reports(s: &mut dyn ReportStore) {
    use serde_json::json;
    assert!(s.campaign_names().unwrap().is_empty());
    assert_eq!(s.campaign_info("spring").unwrap(), None);
    let before = now();
    let spring = s.campaign("spring", &json!({})).unwrap();
    s.campaign("autumn", &json!({})).unwrap();
    s.campaign("Winter", &json!({})).unwrap();
    let info = s.campaign_info("spring").unwrap().unwrap();
    assert_eq!((info.id, info.name.as_str()), (spring, "spring"));
    assert!(info.created_at >= before && info.created_at <= now() + 1);
    assert_eq!(s.campaign_names().unwrap(), ["Winter", "autumn", "spring"]);
    assert_eq!(s.campaign_info("SPRING").unwrap(), None);
    assert_eq!(s.campaign_info("spring' OR '1'='1").unwrap(), None);
    assert_eq!(s.campaign_info("%").unwrap(), None);
}

/// A campaign's ads, oldest first: an analyst's review replaces the detection's relevance,
/// category, risk, specimens, price and species (each species keeping the listing the detection
/// gave it); intent comes from the detection (`offer` when it says none); another campaign's ads
/// are apart.
pub fn report_ads_take_the_review_over_the_detection(s: &mut dyn ReportStore) {
    use crate::app::Review;
    use crate::report::ReportSpecies;
    use serde_json::json;
    let c = s.campaign("c", &json!({})).unwrap();
    let other = s.campaign("other", &json!({})).unwrap();
    assert!(s.report_ads(c).unwrap().is_empty());
    let mut ids = Vec::new();
    for (i, (campaign, url, at)) in [
        (c, "http://h/ad/a", 3000),
        (c, "http://h/ad/b", 1000),
        (c, "http://h/ad/c", 2000),
        (other, "http://h/ad/d", 500),
    ]
    .into_iter()
    .enumerate()
    {
        let mut a = ad(url, "10 €");
        a.country = Some("DE".into());
        let mut d = det("high");
        if i == 1 {
            d.json["intent"] = json!("wanted");
        }
        let mut cm = commit(campaign, url, Some((a, d)));
        cm.page.as_mut().unwrap().fetched_at = at;
        ids.push(s.commit_fetch(&cm).unwrap().ad_id.unwrap());
    }
    let review = |relevant: bool, category: &str, species: &[&str], risk: &str| Review {
        relevant,
        category: category.parse().unwrap(),
        species: species.iter().map(|n| n.to_string()).collect(),
        specimens: relevant.then_some(3),
        price_eur: relevant.then_some(120.0),
        documents: vec![],
        risk: risk.parse().unwrap(),
        notes: String::new(),
        tags: vec![],
        takedown: false,
        enforcement: false,
    };
    s.save_review(
        ids[0],
        &review(
            true,
            "part",
            &["Psittacus erithacus", "Ara ararauna"],
            "medium",
        ),
        crate::ReviewStatus::Corrected,
        "ann",
    )
    .unwrap();
    s.save_review(
        ids[2],
        &review(false, "none", &[], "none"),
        crate::ReviewStatus::Corrected,
        "ann",
    )
    .unwrap();
    assert!(s.mark_gone("p", "http://h/ad/b", 5000).unwrap());
    let rows = s.report_ads(c).unwrap();
    assert_eq!(
        rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        [ids[1], ids[2], ids[0]],
        "oldest first"
    );
    let grey = ReportSpecies {
        scientific_name: "Psittacus erithacus".into(),
        cites: Some("I".into()),
        eu_annex: Some("A".into()),
    };
    // Not reviewed: the detection's labels.
    let b = &rows[0];
    assert!(!b.reviewed && b.relevant);
    assert_eq!(
        (b.category.as_str(), b.risk.as_str(), b.intent.as_str()),
        ("live", "high", "wanted")
    );
    assert_eq!((b.specimens, b.price_eur), (Some(2), Some(500.0)));
    assert_eq!(b.species, std::slice::from_ref(&grey));
    assert_eq!(
        (b.platform.as_str(), b.country.as_deref(), b.lang.as_str()),
        ("p", Some("DE"), "de")
    );
    assert_eq!((b.source.as_str(), b.first_seen), ("crawl", 1000));
    assert_eq!((b.gone_at, b.notice_sent_at), (Some(5000), None));
    // Reviewed as not relevant: the review's labels, even where it gives none.
    let cr = &rows[1];
    assert!(cr.reviewed && !cr.relevant);
    assert_eq!((cr.category.as_str(), cr.risk.as_str()), ("none", "none"));
    assert_eq!((cr.specimens, cr.price_eur), (None, None));
    assert!(cr.species.is_empty());
    assert_eq!((cr.intent.as_str(), cr.gone_at), ("offer", None));
    // Reviewed: a species the detection saw keeps its listing, one it did not has none.
    let a = &rows[2];
    assert!(a.reviewed && a.relevant);
    assert_eq!(
        (a.category.as_str(), a.risk.as_str(), a.intent.as_str()),
        ("part", "medium", "offer")
    );
    assert_eq!((a.specimens, a.price_eur), (Some(3), Some(120.0)));
    assert_eq!(
        a.species,
        [
            grey,
            ReportSpecies {
                scientific_name: "Ara ararauna".into(),
                cites: None,
                eu_annex: None,
            }
        ]
    );
    assert_eq!(a.first_seen, 3000);
    let theirs = s.report_ads(other).unwrap();
    assert_eq!(theirs.iter().map(|r| r.id).collect::<Vec<_>>(), [ids[3]]);
    assert!(s.report_ads(c.max(other) + 100).unwrap().is_empty());
}
