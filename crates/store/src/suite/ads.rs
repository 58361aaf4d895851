//! Suite cases: The ads list, its count and filter menus, one ad in full, archived pages.

use super::*;
use crate::app::AdQuery;

/// A store with ad queries: what the [`ad_queries_suite!`](crate::ad_queries_suite) cases run on
/// (the crawl's [`Store`] makes the ads, [`Reviews`](crate::Reviews) reviews them).
pub trait AdQueryStore: Store + crate::Reviews + crate::AdQueries {}

impl<T: Store + crate::Reviews + crate::AdQueries> AdQueryStore for T {}

/// The [`AdQueries`](crate::AdQueries) cases, one `#[test]` each, given a function that runs a
/// case on a fresh store of the backend.
#[macro_export]
macro_rules! ad_queries_suite {
    ($run:path) => {
        $crate::store_suite!(@cases $run,
            ads_list_filters_by_every_field_of_the_query,
            ads_list_sorts_every_way,
            ads_list_pages_and_says_whether_more_follow,
            ads_list_rows_hold_every_summary_column,
            ad_detail_holds_versions_pages_seller_review_and_campaign,
            ad_detail_of_a_lone_or_unknown_ad_and_pages_by_id,
            facets_and_platform_counts_list_distinct_values_in_byte_order
        );
    };
}

/// A detection with these labels and species (scientific name, CITES appendix, EU annex).
pub fn labelled(
    risk: &str,
    score: u8,
    category: &str,
    lang: &str,
    price: Option<f64>,
    species: &[(&str, &str, &str)],
) -> DetectionRecord {
    let list: Vec<serde_json::Value> = species
        .iter()
        .map(|(n, c, a)| serde_json::json!({"scientific_name": n, "cites": c, "eu_annex": a}))
        .collect();
    DetectionRecord {
        relevant: category != "none",
        category: category.parse().unwrap(),
        risk: risk.parse().unwrap(),
        risk_score: score,
        lang: lang.into(),
        price_eur: price,
        species: species.iter().map(|s| s.0.to_string()).collect(),
        json: serde_json::json!({"id": risk, "specimens": species.len(), "species": list}),
    }
}

/// The ads of [`ad_world`], one a line: campaign | platform | country | title | seller | first
/// seen | risk | score | category | language | price | species (`name:appendix:annex`, `;`
/// between). An empty field is none.
const WORLD: [&str; 5] = [
    "t|p|DE|graupapagei|Hans|1000|high|90|live|de|500|Psittacus erithacus:I:A",
    "t|q|FR|Ara ararauna|Anne|172800|medium|50|live|fr||Ara ararauna:II:B",
    "u|q|NL|boa|Bram|432000|low|20|part|nl|30|Psittacus erithacus:I:A;Boa constrictor:II:B",
    "t|p|DE|Zebra||432010|none|0|none|de|10|",
    "t|p||Tiger|Hans|691200|high|90|part|en|2000|Panthera tigris:I:A",
];

/// Stores one line of [`WORLD`] as ad `i`; its id.
fn world_ad(s: &mut dyn AdQueryStore, i: usize, line: &str) -> i64 {
    let f: Vec<&str> = line.split('|').collect();
    let opt = |v: &str| (!v.is_empty()).then(|| v.to_string());
    let species: Vec<(&str, &str, &str)> = f[11]
        .split(';')
        .filter(|x| !x.is_empty())
        .map(|x| {
            let p: Vec<&str> = x.split(':').collect();
            (p[0], p[1], p[2])
        })
        .collect();
    let price = opt(f[10]).map(|p| p.parse().unwrap());
    let d = labelled(f[6], f[7].parse().unwrap(), f[8], f[9], price, &species);
    let url = format!("http://h/ad/{i}");
    let mut a = ad(&url, "1 €");
    a.platform = f[1].into();
    a.country = opt(f[2]);
    a.title = f[3].into();
    a.seller = opt(f[4]);
    let c = s.campaign_id(f[0]).unwrap().unwrap();
    let mut cm = commit(c, &url, Some((a, d)));
    cm.page.as_mut().unwrap().fetched_at = f[5].parse().unwrap();
    s.commit_fetch(&cm).unwrap().ad_id.unwrap()
}

/// Five ads ([`WORLD`]) in campaigns `t` and `u` (and an empty campaign `Zoo`), told apart by
/// every filter; ad 1 is reviewed `confirmed` and marked for takedown, ad 2 `corrected` and
/// marked for enforcement. Their ids, in the order made.
pub fn ad_world(s: &mut dyn AdQueryStore) -> Vec<i64> {
    for name in ["t", "u", "Zoo"] {
        s.campaign(name, &serde_json::json!({})).unwrap();
    }
    let ids: Vec<i64> = WORLD
        .iter()
        .enumerate()
        .map(|(i, l)| world_ad(s, i, l))
        .collect();
    let mut r = super::reviews::labels("high");
    s.save_review(ids[1], &r, crate::ReviewStatus::Confirmed, "ann")
        .unwrap();
    r.takedown = false;
    r.enforcement = true;
    s.save_review(ids[2], &r, crate::ReviewStatus::Corrected, "ann")
        .unwrap();
    ids
}

/// The ids of the ads page `q` lists, checked against the count of the same filters.
fn listed(s: &dyn AdQueryStore, q: &AdQuery) -> Vec<i64> {
    let page = s.ad_page(q).unwrap();
    let ids: Vec<i64> = page.ads.iter().map(|a| a.id).collect();
    assert!(!page.has_more, "{q:?}");
    assert_eq!(s.ad_count(q).unwrap(), ids.len() as i64, "{q:?}");
    ids
}

/// Every filter of an [`AdQuery`] keeps the ads it names (country upper-cased, language
/// lower-cased, blanks ignored, values never SQL), and the count agrees with the list.
pub fn ads_list_filters_by_every_field_of_the_query(s: &mut dyn AdQueryStore) {
    let id = ad_world(s);
    let q = |f: fn(&mut AdQuery)| {
        let mut q = AdQuery::default();
        f(&mut q);
        q
    };
    let at = |ix: &[usize]| ix.iter().map(|&i| id[i]).collect::<Vec<_>>();
    let cases: Vec<(AdQuery, Vec<i64>)> = vec![
        (q(|_| {}), at(&[0, 4, 1, 2, 3])),
        (q(|q| q.campaign = Some("u".into())), at(&[2])),
        (q(|q| q.campaign = Some(" t ".into())), at(&[0, 4, 1, 3])),
        (q(|q| q.platform = Some("q".into())), at(&[1, 2])),
        (q(|q| q.country = Some("de".into())), at(&[0, 3])),
        (q(|q| q.lang = Some("DE".into())), at(&[0, 3])),
        (
            q(|q| q.species = Some("Psittacus erithacus".into())),
            at(&[0, 2]),
        ),
        (q(|q| q.appendix = Some("I".into())), at(&[0, 4, 2])),
        (q(|q| q.annex = Some("B".into())), at(&[1, 2])),
        (q(|q| q.category = Some("part".into())), at(&[4, 2])),
        (q(|q| q.risk = Some("high".into())), at(&[0, 4])),
        (q(|q| q.review = Some("unreviewed".into())), at(&[0, 4, 3])),
        (q(|q| q.review = Some("confirmed".into())), at(&[1])),
        (q(|q| q.review = Some("reviewed".into())), at(&[1, 2])),
        (q(|q| q.review = Some("takedown".into())), at(&[1])),
        (q(|q| q.review = Some("enforcement".into())), at(&[2])),
        (q(|q| q.from = Some("1970-01-03".into())), at(&[4, 1, 2, 3])),
        (q(|q| q.to = Some("1970-01-06".into())), at(&[0, 1, 2, 3])),
        (q(|q| q.to = Some("1970-01-05".into())), at(&[0, 1])),
        (
            q(|q| {
                q.from = Some("1970-01-06".into());
                q.to = Some("1970-01-06".into());
            }),
            at(&[2, 3]),
        ),
        (q(|q| q.relevant = Some(false)), at(&[3])),
        (q(|q| q.relevant = Some(true)), at(&[0, 4, 1, 2])),
        (
            q(|q| {
                q.platform = Some("p".into());
                q.risk = Some("high".into());
                q.category = Some("part".into());
            }),
            at(&[4]),
        ),
        (q(|q| q.platform = Some("  ".into())), at(&[0, 4, 1, 2, 3])),
        (q(|q| q.platform = Some("p' OR '1'='1".into())), vec![]),
        (
            q(|q| q.campaign = Some("t'; DROP TABLE ads; --".into())),
            vec![],
        ),
        (q(|q| q.campaign = Some("Zoo".into())), vec![]),
    ];
    for (query, want) in &cases {
        assert_eq!(&listed(s, query), want, "{query:?}");
    }
    assert_eq!(
        s.ad_count(&AdQuery::default()).unwrap(),
        5,
        "nothing dropped"
    );
}

/// Each sort orders the whole list (ties by id; `title` ignoring ASCII case, `price` with
/// unpriced ads last).
pub fn ads_list_sorts_every_way(s: &mut dyn AdQueryStore) {
    let id = ad_world(s);
    let at = |ix: &[usize]| ix.iter().map(|&i| id[i]).collect::<Vec<_>>();
    for (sort, want) in [
        (None, at(&[0, 4, 1, 2, 3])),
        (Some("risk"), at(&[0, 4, 1, 2, 3])),
        (Some("newest"), at(&[4, 3, 2, 1, 0])),
        (Some("oldest"), at(&[0, 1, 2, 3, 4])),
        (Some("price"), at(&[4, 0, 2, 3, 1])),
        (Some("title"), at(&[1, 2, 0, 4, 3])),
    ] {
        let q = AdQuery {
            sort: sort.map(String::from),
            ..Default::default()
        };
        assert_eq!(listed(s, &q), want, "sort {sort:?}");
    }
}

/// Pages split the sorted list, say whether more follow, and leave the count alone; rows per
/// page are at least one.
pub fn ads_list_pages_and_says_whether_more_follow(s: &mut dyn AdQueryStore) {
    let id = ad_world(s);
    let at = |ix: &[usize]| ix.iter().map(|&i| id[i]).collect::<Vec<_>>();
    let mut q = AdQuery {
        per_page: Some(2),
        ..Default::default()
    };
    for (page, want, more) in [
        (1, at(&[0, 4]), true),
        (2, at(&[1, 2]), true),
        (3, at(&[3]), false),
        (4, vec![], false),
    ] {
        q.page = Some(page);
        let p = s.ad_page(&q).unwrap();
        assert_eq!(p.ads.iter().map(|a| a.id).collect::<Vec<_>>(), want);
        let got = (p.page, p.per_page, p.has_more);
        assert_eq!(got, (page, 2, more), "page {page}");
        assert_eq!(s.ad_count(&q).unwrap(), 5, "paging leaves the count alone");
    }
    q.per_page = Some(0);
    q.page = None;
    let p = s.ad_page(&q).unwrap();
    let got = (p.ads.len(), p.page, p.per_page, p.has_more);
    assert_eq!(got, (1, 1, 1, true));
}

/// A row of the list holds every summary column of the ad, its species sorted.
pub fn ads_list_rows_hold_every_summary_column(s: &mut dyn AdQueryStore) {
    ad_world(s);
    let q = AdQuery {
        campaign: Some("u".into()),
        ..Default::default()
    };
    let a = &s.ad_page(&q).unwrap().ads[0];
    let got = (a.platform.as_str(), a.url.as_str(), a.title.as_str());
    assert_eq!(got, ("q", "http://h/ad/2", "boa"));
    let got = (a.country.as_deref(), a.lang.as_str(), a.relevant);
    assert_eq!(got, (Some("NL"), "nl", true));
    let got = (a.category.as_str(), a.risk.as_str(), a.risk_score);
    assert_eq!(got, ("part", "low", 20));
    assert_eq!((a.price_eur, a.specimens), (Some(30.0), Some(2)));
    assert_eq!(a.species, ["Boa constrictor", "Psittacus erithacus"]);
    let got = (a.seller.as_deref(), a.review_status.as_str());
    assert_eq!(got, (Some("Bram"), "corrected"));
    assert_eq!((a.takedown, a.enforcement), (false, true));
    let got = (a.first_seen, a.last_seen, a.gone_at);
    assert_eq!(got, (5 * 86_400, 5 * 86_400, None));
    assert_eq!((a.versions, a.source.as_str()), (1, "crawl"));
}

/// Campaign `t` with ad 1 (two versions, reviewed, its first page with evidence), ad 2 by the
/// same seller, ad 3 without a seller: their ids.
pub fn detail_ads(s: &mut dyn AdQueryStore) -> [i64; 3] {
    let c = s.campaign("t", &serde_json::json!({"k": 1})).unwrap();
    let url = "http://h/ad/1";
    let mut first = ad(url, "500 €");
    first.contacts = vec!["zz@example.org".into(), "0171 1234567".into()];
    let mut cm = commit(c, url, Some((first, det("high"))));
    let p = cm.page.as_mut().unwrap();
    p.warc_file = Some("t-00001.warc.gz".into());
    p.warc_offset = Some(77);
    p.body_sha256 = Some("ab".repeat(32));
    let id = s.commit_fetch(&cm).unwrap().ad_id.unwrap();
    let mut cm = commit(c, url, Some((ad(url, "450 €"), det("medium"))));
    cm.page.as_mut().unwrap().fetched_at = 2000;
    s.commit_fetch(&cm).unwrap();
    let mut store = |a: AdContent| {
        let url = a.url.clone();
        let r = s.commit_fetch(&commit(c, &url, Some((a, det("low")))));
        r.unwrap().ad_id.unwrap()
    };
    let other = store(ad("http://h/ad/2", "1 €"));
    let mut lone = ad("http://h/ad/3", "2 €");
    lone.seller = None;
    let lone = store(lone);
    s.save_review(
        id,
        &super::reviews::labels("high"),
        crate::ReviewStatus::Corrected,
        "ann",
    )
    .unwrap();
    [id, other, lone]
}

/// One ad in full: newest content and detection, every version (with its page), every page of
/// its URL, its seller with sorted contacts and ad count, its review and campaign.
pub fn ad_detail_holds_versions_pages_seller_review_and_campaign(s: &mut dyn AdQueryStore) {
    let [id, other, _] = detail_ads(s);
    let d = s.ad_detail(id).unwrap();
    assert_eq!((d.summary.id, d.summary.versions), (id, 2));
    assert_eq!(d.content.price_text.as_deref(), Some("450 €"));
    assert_eq!(d.detection["id"], "x");
    assert_eq!(d.campaign.as_deref(), Some("t"));
    let v: Vec<_> = d
        .versions
        .iter()
        .map(|v| (v.version, v.seen_at, v.price_text.clone(), v.risk))
        .collect();
    let want = |n, at, p: &str, r| (n, at, Some(p.to_string()), r);
    assert_eq!(
        v,
        [
            want(1, 1000, "500 €", crate::Risk::High),
            want(2, 2000, "450 €", crate::Risk::Medium)
        ]
    );
    assert_eq!(d.versions[0].title, "Graupapagei");
    let pages: Vec<_> = d.pages.iter().map(|p| Some(p.id)).collect();
    assert_eq!(
        pages,
        d.versions.iter().map(|v| v.page_id).collect::<Vec<_>>()
    );
    let p = &d.pages[0];
    assert_eq!((p.status, p.kind.as_str(), p.fetched_at), (200, "ad", 1000));
    let got = (p.warc_file.as_deref(), p.warc_offset, p.body_sha256.clone());
    assert_eq!(
        got,
        (Some("t-00001.warc.gz"), Some(77), Some("ab".repeat(32)))
    );
    let seller = d.seller.as_ref().unwrap();
    let got = (seller.platform.as_str(), seller.name.as_str(), seller.ads);
    assert_eq!(got, ("p", "Hans", 2));
    assert_eq!(seller.contacts, ["0171 1234567", "zz@example.org"]);
    let review = d.review.as_ref().unwrap();
    let got = (review.status.as_str(), review.reviewer.as_str());
    assert_eq!(got, ("corrected", "ann"));
    assert_eq!(s.ad_detail(other).unwrap().seller.unwrap().id, seller.id);
}

/// An ad without seller or review has neither; an unknown ad is not found; a stored page is
/// found by id, an unknown one is none.
pub fn ad_detail_of_a_lone_or_unknown_ad_and_pages_by_id(s: &mut dyn AdQueryStore) {
    let [id, _, lone] = detail_ads(s);
    let d = s.ad_detail(lone).unwrap();
    assert!(d.seller.is_none() && d.review.is_none());
    assert_eq!((d.summary.seller, d.campaign.as_deref()), (None, Some("t")));
    match s.ad_detail(lone + 1000) {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("expected NotFound, got {other:?}"),
    }
    let first = s.ad_detail(id).unwrap().pages[0].id;
    let page = s.page(first).unwrap().unwrap();
    let got = (page.url.as_str(), page.status, page.warc_offset);
    assert_eq!(got, ("http://h/ad/1", 200, Some(77)));
    assert_eq!(page.warc_file.as_deref(), Some("t-00001.warc.gz"));
    assert_eq!(s.page(first + 1000).unwrap().map(|p| p.url), None);
}

/// The filter menus list each distinct value once, in byte order (so `Zoo` before `t`), without
/// empty ones; campaigns without ads are listed too; ads are counted per platform.
pub fn facets_and_platform_counts_list_distinct_values_in_byte_order(s: &mut dyn AdQueryStore) {
    let f = s.facets().unwrap();
    assert!(f.platforms.is_empty() && f.campaigns.is_empty() && f.species.is_empty());
    assert!(s.platform_counts().unwrap().is_empty());
    ad_world(s);
    let mut a = ad("http://h/ad/blank", "1 €");
    a.country = Some(String::new());
    let c = s.campaign_id("t").unwrap().unwrap();
    s.commit_fetch(&commit(c, "http://h/ad/blank", Some((a, det("low")))))
        .unwrap();
    let f = s.facets().unwrap();
    assert_eq!(f.platforms, ["p", "q"]);
    assert_eq!(f.countries, ["DE", "FR", "NL"]);
    assert_eq!(f.languages, ["de", "en", "fr", "nl"]);
    assert_eq!(f.campaigns, ["Zoo", "t", "u"]);
    assert_eq!(
        f.species,
        [
            "Ara ararauna",
            "Boa constrictor",
            "Panthera tigris",
            "Psittacus erithacus"
        ]
    );
    assert_eq!(
        s.platform_counts().unwrap(),
        [("p".to_string(), 4), ("q".to_string(), 2)]
    );
}
