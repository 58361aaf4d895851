//! Suite cases: Policy audits.

use super::*;

/// A store with policy audits: what the [`policy_audits_suite!`](crate::policy_audits_suite)
/// cases run on (ads come from the crawl, a notice's files from its audit-log entry).
pub trait PolicyStore: Store + crate::Reviews + crate::PolicyAudits {}

impl<T: Store + crate::Reviews + crate::PolicyAudits> PolicyStore for T {}

/// The [`PolicyAudits`](crate::PolicyAudits) cases, one `#[test]` each, given a function that
/// runs a case on a fresh store of the backend.
#[macro_export]
macro_rules! policy_audits_suite {
    ($run:path) => {
        $crate::store_suite!(@cases $run,
            policy_audits_keep_the_latest_of_each_site,
            campaign_config_and_platforms_are_found_by_campaign,
            notice_files_come_from_the_notice_audit_entry
        );
    };
}

/// The latest audit of each site is listed, by platform (none first, then bytewise) then site,
/// with its result as stored; another campaign's audits are apart; an audit of a campaign that
/// does not exist is refused.
pub fn policy_audits_keep_the_latest_of_each_site(s: &mut dyn PolicyStore) {
    use serde_json::json;
    let c = s.campaign("t", &json!({})).unwrap();
    let other = s.campaign("u", &json!({})).unwrap();
    assert!(s.policy_audits(c).unwrap().is_empty());
    let before = now();
    let first = s
        .save_policy_audit(c, "http://b/", Some("b"), "none", &json!({"n": 1}))
        .unwrap();
    let latest = s
        .save_policy_audit(
            c,
            "http://b/",
            Some("b"),
            "clear",
            &json!({"n": 2, "pages": [{"url": "http://b/terms", "passages": ["no ivory"]}]}),
        )
        .unwrap();
    assert!(latest > first, "ids grow: {first} then {latest}");
    let a2 = s
        .save_policy_audit(c, "http://a/2", Some("a"), "vague", &json!({}))
        .unwrap();
    let a1 = s
        .save_policy_audit(c, "http://a/1", Some("a"), "none", &json!({}))
        .unwrap();
    let upper = s
        .save_policy_audit(c, "http://y/", Some("B"), "vague", &json!({}))
        .unwrap();
    let unnamed = s
        .save_policy_audit(c, "http://z/", None, "clear", &json!({}))
        .unwrap();
    let theirs = s
        .save_policy_audit(other, "http://b/", Some("b"), "none", &json!({"n": 9}))
        .unwrap();
    let rows = s.policy_audits(c).unwrap();
    let got: Vec<(i64, Option<&str>, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r.id,
                r.platform.as_deref(),
                r.site.as_str(),
                r.verdict.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (unnamed, None, "http://z/", "clear"),
            (upper, Some("B"), "http://y/", "vague"),
            (a1, Some("a"), "http://a/1", "none"),
            (a2, Some("a"), "http://a/2", "vague"),
            (latest, Some("b"), "http://b/", "clear"),
        ]
    );
    assert_eq!(rows[4].result["n"], 2);
    assert_eq!(rows[4].result["pages"][0]["passages"][0], "no ivory");
    assert!(rows
        .iter()
        .all(|r| r.audited_at >= before && r.audited_at <= now() + 1));
    let theirs_rows = s.policy_audits(other).unwrap();
    assert_eq!(theirs_rows.len(), 1);
    assert_eq!(
        (theirs_rows[0].id, &theirs_rows[0].result),
        (theirs, &json!({"n": 9}))
    );
    let unknown = c.max(other) + 100;
    assert!(s.policy_audits(unknown).unwrap().is_empty());
    assert!(matches!(
        s.save_policy_audit(unknown, "http://x/", None, "none", &json!({})),
        Err(StoreError::Constraint(_))
    ));
    assert!(s.policy_audits(unknown).unwrap().is_empty());
}

/// A campaign's configuration is found by its name (as stored, not as a pattern); its platforms
/// are those of its ads, once each, sorted.
pub fn campaign_config_and_platforms_are_found_by_campaign(s: &mut dyn PolicyStore) {
    use serde_json::json;
    assert_eq!(s.campaign_config("t").unwrap(), None);
    let cfg = json!({"name": "t", "platforms": ["p", "q"], "limits": {"pages": [1, 2]}});
    let c = s.campaign("t", &cfg).unwrap();
    let other = s.campaign("u", &json!({"name": "u"})).unwrap();
    assert_eq!(s.campaign_config("t").unwrap(), Some((c, cfg)));
    assert_eq!(
        s.campaign_config("u").unwrap(),
        Some((other, json!({"name": "u"})))
    );
    assert_eq!(s.campaign_config("t' OR '1'='1").unwrap(), None);
    assert_eq!(s.campaign_config("%").unwrap(), None);
    assert!(s.campaign_platforms(c).unwrap().is_empty());
    for (campaign, platform, url) in [
        (c, "q", "http://q/1"),
        (c, "p", "http://p/1"),
        (c, "q", "http://q/2"),
        (other, "r", "http://r/1"),
    ] {
        let mut a = ad(url, "1 €");
        a.platform = platform.into();
        s.commit_fetch(&commit(campaign, url, Some((a, det("high")))))
            .unwrap();
    }
    assert_eq!(s.campaign_platforms(c).unwrap(), ["p", "q"]);
    assert_eq!(s.campaign_platforms(other).unwrap(), ["r"]);
    assert!(s.campaign_platforms(c.max(other) + 100).unwrap().is_empty());
}

/// A notice's files are those its `takedown.notice` audit entry recorded when it was prepared
/// (the first such entry; one level down when recorded with the notice's reference); entries of
/// other actions naming the notice, and unknown notices, give none.
pub fn notice_files_come_from_the_notice_audit_entry(s: &mut dyn PolicyStore) {
    use serde_json::json;
    assert_eq!(s.notice_files(1).unwrap(), None);
    let files = json!({"csv": "/n/1.csv", "letter": "/n/1.txt"});
    s.audit(
        "ann",
        "takedown.notice",
        None,
        &json!({"notice": 1, "platform": "p", "files": files}),
    )
    .unwrap();
    let nested = json!({"csv": "/n/2.csv", "letter": "/n/2.txt"});
    s.audit(
        "ann",
        "takedown.notice",
        None,
        &json!({"notice": 2, "files": {"reference": "N-2", "files": nested}}),
    )
    .unwrap();
    s.audit(
        "ann",
        "takedown.notice.ad",
        None,
        &json!({"notice": 3, "files": {"csv": "/n/3.csv"}}),
    )
    .unwrap();
    s.audit("ann", "user.add", None, &json!({"user": "bob"}))
        .unwrap();
    s.audit(
        "ann",
        "takedown.notice",
        None,
        &json!({"notice": "4", "files": {"csv": "/n/4.csv"}}),
    )
    .unwrap();
    s.audit(
        "bob",
        "takedown.notice",
        None,
        &json!({"notice": 1, "files": {"csv": "/later.csv"}}),
    )
    .unwrap();
    assert_eq!(s.notice_files(1).unwrap(), Some(files));
    assert_eq!(s.notice_files(2).unwrap(), Some(nested));
    assert_eq!(s.notice_files(3).unwrap(), None, "not a notice's entry");
    assert_eq!(s.notice_files(4).unwrap(), None, "a number, not text");
    assert_eq!(s.notice_files(99).unwrap(), None);
}
