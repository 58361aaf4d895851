//! Suite cases: Reviews and the audit log.

use super::*;

/// A store with reviews: what the [`reviews_suite!`](crate::reviews_suite) cases run on.
pub trait ReviewStore: Store + crate::Reviews {}

impl<T: Store + crate::Reviews> ReviewStore for T {}

/// The [`Reviews`](crate::Reviews) cases, one `#[test]` each, given a function that runs a case
/// on a fresh store of the backend.
#[macro_export]
macro_rules! reviews_suite {
    ($run:path) => {
        $crate::store_suite!(@cases $run,
            reviews_are_saved_with_their_audit_entry,
            the_queue_and_the_model_read_reviewed_and_unreviewed_ads
        );
    };
}

/// Two ads of one campaign, committed with a detection; their ids.
pub fn two_ads(s: &mut dyn ReviewStore) -> (i64, i64) {
    let c = s.campaign("t", &serde_json::json!({})).unwrap();
    for (url, price) in [("http://h/ad/1", "10 €"), ("http://h/ad/2", "20 €")] {
        s.commit_fetch(&commit(c, url, Some((ad(url, price), det("high")))))
            .unwrap();
    }
    let ids: Vec<i64> = s
        .list_ads(&AdFilter::default())
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    let (lo, hi) = (*ids.iter().min().unwrap(), *ids.iter().max().unwrap());
    (lo, hi)
}

/// An analyst's labels.
pub fn labels(risk: &str) -> crate::app::Review {
    crate::app::Review {
        relevant: true,
        category: crate::Category::Live,
        species: vec!["Psittacus erithacus".into()],
        specimens: Some(2),
        price_eur: Some(500.0),
        documents: vec!["ring".into()],
        risk: risk.parse().unwrap(),
        notes: "checked".into(),
        tags: vec!["parrots".into()],
        takedown: true,
        enforcement: false,
    }
}

/// A review is stored with who and when, and each save writes an audit entry naming the fields
/// it changed; a review of an ad that does not exist is refused as not found.
pub fn reviews_are_saved_with_their_audit_entry(s: &mut dyn ReviewStore) {
    let (a, _) = two_ads(s);
    assert!(s.review(a).unwrap().is_none());
    let first = s
        .save_review(a, &labels("high"), crate::ReviewStatus::Confirmed, "ann")
        .unwrap();
    assert_eq!(
        (first.status.as_str(), first.reviewer.as_str()),
        ("confirmed", "ann")
    );
    assert_eq!(first.review, labels("high"));
    let second = s
        .save_review(a, &labels("low"), crate::ReviewStatus::Corrected, "bob")
        .unwrap();
    assert_eq!(
        (second.review.risk.as_str(), second.reviewer.as_str()),
        ("low", "bob")
    );
    assert_eq!(s.review(a).unwrap().unwrap().review, labels("low"));
    assert!(matches!(
        s.save_review(
            a + 1000,
            &labels("low"),
            crate::ReviewStatus::Corrected,
            "bob"
        ),
        Err(StoreError::NotFound(_))
    ));
    s.audit("zoe", "user.add", None, &serde_json::json!({"user": "bob"}))
        .unwrap();
    let of_ad = s.audit_log(Some(a), 10).unwrap();
    let actions: Vec<&str> = of_ad.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["review.update", "review"], "newest first");
    let changed: Vec<&String> = of_ad[0].detail.as_object().unwrap().keys().collect();
    assert_eq!(changed, ["risk"], "only what changed");
    assert_eq!(of_ad[0].detail["risk"]["old"], "high");
    let all = s.audit_log(None, 2).unwrap();
    assert_eq!((all.len(), all[0].action.as_str()), (2, "user.add"));
    assert_eq!(all[0].ad_id, None);
}

/// The review queue and the model read the ads nobody reviewed, and a rerun of detection on
/// "unreviewed" ads never replaces the detection of an ad reviewed meanwhile.
pub fn the_queue_and_the_model_read_reviewed_and_unreviewed_ads(s: &mut dyn ReviewStore) {
    let (a, b) = two_ads(s);
    s.save_review(a, &labels("high"), crate::ReviewStatus::Confirmed, "ann")
        .unwrap();
    let queue: Vec<i64> = s
        .unreviewed_candidates(10)
        .unwrap()
        .iter()
        .map(|q| q.id)
        .collect();
    assert_eq!(queue, [b]);
    let versions = s.unreviewed_versions(0, 10).unwrap();
    assert_eq!(versions.iter().map(|v| v.ad_id).collect::<Vec<_>>(), [b]);
    assert!(s.unreviewed_versions(b, 10).unwrap().is_empty());
    let reviewed = s.reviewed_ads().unwrap();
    assert_eq!(reviewed.len(), 1);
    assert_eq!(
        (reviewed[0].id, reviewed[0].review.risk.as_str()),
        (a, "high")
    );
    assert_eq!(reviewed[0].content.url, "http://h/ad/1");
    // Both ads' latest versions with a new detection: only the unreviewed one changes.
    let c = s.campaign_id("t").unwrap().unwrap();
    let rows: Vec<Redetection> = s
        .latest_versions(c, a.min(b), a.max(b))
        .unwrap()
        .into_iter()
        .map(|v| Redetection {
            ad_id: v.ad_id,
            version: v.version,
            ad: v.ad,
            detection: det("low"),
        })
        .collect();
    assert_eq!(s.replace_unreviewed_detections(&rows).unwrap(), 1);
    let risk_of = |s: &dyn ReviewStore, id: i64| s.latest_versions(c, id, id).unwrap()[0].risk;
    assert_eq!(risk_of(s, a), "high", "reviewed: kept");
    assert_eq!(risk_of(s, b), "low", "unreviewed: replaced");
}
