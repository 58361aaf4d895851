//! Suite cases: Takedown notices and evidence records.

use super::*;

/// A store with notices: what the [`notices_suite!`](crate::notices_suite) cases run on (reviews
/// mark ads for takedown).
pub trait NoticeStore: Store + crate::Reviews + crate::Notices {}

impl<T: Store + crate::Reviews + crate::Notices> NoticeStore for T {}

/// The [`Notices`](crate::Notices) cases, one `#[test]` each, given a function that runs a case
/// on a fresh store of the backend.
#[macro_export]
macro_rules! notices_suite {
    ($run:path) => {
        $crate::store_suite!(@cases $run,
            notices_name_each_ad_once,
            notices_are_marked_sent_once_and_count_removals,
            ad_records_hold_the_evidence
        );
    };
}

/// Campaign `t` with two ads of platform `p`, the first marked for takedown by a review:
/// (campaign, marked ad, other ad).
pub fn notice_ads(s: &mut dyn NoticeStore) -> (i64, i64, i64) {
    let c = s.campaign("t", &serde_json::json!({})).unwrap();
    for (url, price) in [("http://h/ad/1", "10 €"), ("http://h/ad/2", "20 €")] {
        s.commit_fetch(&commit(c, url, Some((ad(url, price), det("high")))))
            .unwrap();
    }
    let ids = s.campaign_ad_ids(c, false).unwrap();
    assert_eq!(ids.len(), 2);
    let (a, b) = (ids[0], ids[1]);
    assert!(a < b, "id order");
    assert!(s.campaign_ad_ids(c, true).unwrap().is_empty());
    s.save_review(a, &labels("high"), crate::ReviewStatus::Confirmed, "ann")
        .unwrap();
    (c, a, b)
}

/// A notice of campaign `c` on platform `p` naming `ads`.
pub fn new_notice(c: i64, ads: &[i64]) -> crate::action::NewNotice {
    crate::action::NewNotice {
        campaign_id: c,
        platform: "p".into(),
        lang: "de".into(),
        created_by: "ann".into(),
        csv_sha256: "c5v".into(),
        letter_sha256: "1e77er".into(),
        ad_ids: ads.to_vec(),
        detail: serde_json::json!({"csv": "notice.csv"}),
    }
}

/// Ads marked for takedown are candidates until a notice names them; a notice naming an ad
/// already named is refused without writing anything, and names the notice that has it.
pub fn notices_name_each_ad_once(s: &mut dyn NoticeStore) {
    use crate::action::NoticeOutcome;
    let (c, a, b) = notice_ads(s);
    assert_eq!(s.campaign_ad_ids(c, true).unwrap(), [a]);
    assert!(s.campaign_ad_ids(c + 1000, false).unwrap().is_empty());
    let cand = s.takedown_candidates(c, "p").unwrap();
    assert_eq!(cand.iter().map(|t| t.id).collect::<Vec<_>>(), [a]);
    let t = &cand[0];
    assert_eq!(
        (t.platform.as_str(), t.url.as_str(), t.title.as_str()),
        ("p", "http://h/ad/1", "Graupapagei")
    );
    assert_eq!(t.content_lang, None, "the ad as stored names no language");
    assert_eq!(
        t.detected_species,
        [(
            "Psittacus erithacus".to_string(),
            Some("I".to_string()),
            Some("A".to_string())
        )]
    );
    assert_eq!(
        t.reviewed_species.as_deref(),
        Some(&["Psittacus erithacus".to_string()][..])
    );
    assert_eq!(t.page.as_ref().unwrap().url, "http://h/ad/1");
    assert!(s.takedown_candidates(c, "q").unwrap().is_empty());
    assert!(s.takedown_candidates(c + 1000, "p").unwrap().is_empty());

    let NoticeOutcome::Recorded(n) = s.record_notice(&new_notice(c, &[a])).unwrap() else {
        panic!("first notice refused");
    };
    assert!(
        s.takedown_candidates(c, "p").unwrap().is_empty(),
        "named ads are not prepared twice"
    );
    assert_eq!(s.notice_ad_ids(n).unwrap(), [a]);
    assert!(s.notice_ad_ids(n + 1000).unwrap().is_empty());
    assert_eq!(s.unsent_notices(c, "p").unwrap(), [(n, 1)]);
    assert!(s.unsent_notices(c, "q").unwrap().is_empty());

    // A second notice naming `a` again (with `b`): refused, nothing written.
    let audit_before = s.audit_log(None, 100).unwrap().len();
    assert_eq!(
        s.record_notice(&new_notice(c, &[b, a])).unwrap(),
        NoticeOutcome::AlreadyNamed { ad: a, notice: n }
    );
    assert_eq!(s.notices(None).unwrap().len(), 1);
    assert!(s.ad_record(b).unwrap().notices.is_empty(), "b not named");
    assert_eq!(s.audit_log(None, 100).unwrap().len(), audit_before);
    assert_eq!(s.unsent_notices(c, "p").unwrap(), [(n, 1)]);

    // The audit log has the notice and each ad it names.
    let of_a: Vec<String> = s
        .audit_log(Some(a), 10)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(of_a[0], "takedown.notice.ad");
    let entry = s
        .audit_log(None, 100)
        .unwrap()
        .into_iter()
        .find(|e| e.action == "takedown.notice")
        .unwrap();
    assert_eq!(entry.ad_id, None);
    assert_eq!(entry.detail["notice"], n);
    assert_eq!(entry.detail["ads"], serde_json::json!([a]));
    assert_eq!(entry.detail["files"]["csv"], "notice.csv");

    // `b`, not named yet, can be named in a notice of its own.
    let NoticeOutcome::Recorded(m) = s.record_notice(&new_notice(c, &[b])).unwrap() else {
        panic!("notice for b refused");
    };
    assert!(m > n);
    assert_eq!(s.unsent_notices(c, "p").unwrap(), [(n, 1), (m, 1)]);
}

/// A notice is recorded as sent once (a second time says when it was); an unknown notice is
/// told apart; the list counts the ads named, gone, and gone after sending.
pub fn notices_are_marked_sent_once_and_count_removals(s: &mut dyn NoticeStore) {
    use crate::action::{NoticeOutcome, SentOutcome};
    let (c, a, _) = notice_ads(s);
    let NoticeOutcome::Recorded(n) = s.record_notice(&new_notice(c, &[a])).unwrap() else {
        panic!("notice refused");
    };
    let row = &s.notices(Some(c)).unwrap()[0];
    assert_eq!((row.id, row.sent_at, row.ads, row.gone), (n, None, 1, 0));
    assert_eq!(row.campaign.as_deref(), Some("t"));
    assert_eq!(
        (
            row.platform.as_str(),
            row.lang.as_str(),
            row.created_by.as_str()
        ),
        ("p", "de", "ann")
    );
    assert_eq!(
        (row.csv_sha256.as_str(), row.letter_sha256.as_str()),
        ("c5v", "1e77er")
    );
    assert!(row.created_at > 0);

    assert_eq!(
        s.mark_notice_sent(n, 5000, "bob", "email").unwrap(),
        SentOutcome::Recorded
    );
    assert_eq!(
        s.mark_notice_sent(n, 6000, "zoe", "form").unwrap(),
        SentOutcome::AlreadySent(5000)
    );
    assert_eq!(
        s.mark_notice_sent(n + 1000, 5000, "bob", "email").unwrap(),
        SentOutcome::Unknown
    );
    assert!(s.unsent_notices(c, "p").unwrap().is_empty());
    let sent = s
        .audit_log(None, 100)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "takedown.sent")
        .collect::<Vec<_>>();
    assert_eq!(
        sent.len(),
        1,
        "one entry: the refused second time wrote none"
    );
    assert_eq!(sent[0].username, "bob");
    assert_eq!(sent[0].detail["channel"], "email");

    let row = &s.notices(None).unwrap()[0];
    assert_eq!(
        (row.sent_at, row.sent_by.as_deref(), row.channel.as_deref()),
        (Some(5000), Some("bob"), Some("email"))
    );
    assert_eq!((row.ads, row.gone, row.gone_since_sent), (1, 0, 0));
    assert!(s.notices(Some(c + 1000)).unwrap().is_empty());

    // Removed after the notice was sent.
    assert!(s.mark_gone("p", "http://h/ad/1", 7000).unwrap());
    let row = &s.notices(Some(c)).unwrap()[0];
    assert_eq!((row.ads, row.gone, row.gone_since_sent), (1, 1, 1));
    assert!(
        s.takedown_candidates(c, "p").unwrap().is_empty(),
        "gone ads are no candidates"
    );
}

/// An ad's record holds every version with its detection, the pages fetched for it, and the
/// notices naming it; an unknown ad is not found, an unknown page or network is none.
pub fn ad_records_hold_the_evidence(s: &mut dyn NoticeStore) {
    use crate::action::NoticeOutcome;
    let (c, a, b) = notice_ads(s);
    let NoticeOutcome::Recorded(n) = s.record_notice(&new_notice(c, &[a])).unwrap() else {
        panic!("notice refused");
    };
    s.mark_notice_sent(n, 5000, "bob", "api").unwrap();
    // A second version of `a`.
    s.commit_fetch(&commit(
        c,
        "http://h/ad/1",
        Some((ad("http://h/ad/1", "15 €"), det("medium"))),
    ))
    .unwrap();

    let r = s.ad_record(a).unwrap();
    assert_eq!(r.id, a);
    assert_eq!(r.campaign.as_deref(), Some("t"));
    assert_eq!(
        (r.platform.as_str(), r.url.as_str()),
        ("p", "http://h/ad/1")
    );
    assert!(r.takedown && !r.enforcement);
    assert_eq!(r.gone_at, None);
    assert!(r.first_seen <= r.last_seen);
    assert!(r.seller_key.starts_with('s'), "{}", r.seller_key);
    assert_eq!(
        r.versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(r.versions[1].content.price_text.as_deref(), Some("15 €"));
    assert_eq!(r.versions[0].detection["id"], "x");
    assert_eq!(r.pages.len(), 2, "both fetches of the URL");
    assert!(r.pages.iter().all(|(_, p)| p.url == "http://h/ad/1"));
    assert!(r.pages[0].0 < r.pages[1].0, "oldest first");
    assert_eq!(
        r.notices
            .iter()
            .map(|x| (x.id, x.sent_at, x.channel.as_deref()))
            .collect::<Vec<_>>(),
        [(n, Some(5000), Some("api"))]
    );

    let other = s.ad_record(b).unwrap();
    assert!(!other.takedown && other.notices.is_empty());
    assert_eq!(other.versions.len(), 1);
    assert!(matches!(
        s.ad_record(b + 1000),
        Err(crate::StoreError::NotFound(_))
    ));

    let pid = r.versions[1].page_id.expect("a version names its page");
    let page = s.page_record(pid).unwrap().unwrap();
    assert_eq!((page.url.as_str(), page.status), ("http://h/ad/1", 200));
    assert_eq!(page.fetched_at, 1000);
    assert!(r.pages.iter().any(|(id, _)| *id == pid));
    assert!(s.page_record(pid + 1000).unwrap().is_none());
    assert!(s.network_summary(1).unwrap().is_none());
}
