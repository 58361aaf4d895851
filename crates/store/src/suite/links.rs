//! Suite cases: Signals for linking sellers, the links and networks found, seller views.

use super::*;
use crate::links::{IdentifierRow, LinkRow};

/// A store with links: what the [`links_suite!`](crate::links_suite) cases run on (the crawl's
/// [`Store`] makes the ads).
pub trait LinkStore: Store + crate::Links {}

impl<T: Store + crate::Links> LinkStore for T {}

/// The [`Links`](crate::Links) cases, one `#[test]` each, given a function that runs a case on a
/// fresh store of the backend.
#[macro_export]
macro_rules! links_suite {
    ($run:path) => {
        $crate::store_suite!(@cases $run,
            stale_signal_ads_follow_versions,
            signals_are_read_back_for_the_linker,
            links_and_networks_round_trip,
            links_and_networks_are_replaced_as_a_whole,
            seller_views_follow_seller_keys,
            identifier_owners_are_the_sellers_of_the_ads
        );
    };
}

/// An identifier of `kind` and `value` found in `field` at `start`.
pub fn ident(kind: &str, value: &str, field: &str, start: i64) -> IdentifierRow {
    IdentifierRow {
        kind: kind.into(),
        value: value.into(),
        raw: format!("raw {value}"),
        field: field.into(),
        span: (start, start + 5),
    }
}

/// A link between two seller keys.
pub fn link(a: &str, b: &str, strength: f64) -> LinkRow {
    LinkRow {
        a: a.into(),
        b: b.into(),
        strength,
        evidence: serde_json::json!([{"kind": "phone", "a": a, "b": b}]),
    }
}

/// Three ads of campaign `t` on platform `p`: two by seller `Hans` (the second high risk, from
/// France), one without a seller. Their ids.
pub fn link_ads(s: &mut dyn LinkStore) -> [i64; 3] {
    let c = s.campaign("t", &serde_json::json!({})).unwrap();
    let mut out = [0; 3];
    for (i, slot) in out.iter_mut().enumerate() {
        let url = format!("http://h/ad/{i}");
        let mut a = ad(&url, "10 €");
        let mut d = det("low");
        if i == 1 {
            a.country = Some("FR".into());
            d = det("high");
        }
        if i == 2 {
            a.seller = None;
            d.json = serde_json::json!({"species": []});
        }
        *slot = s
            .commit_fetch(&commit(c, &url, Some((a, d))))
            .unwrap()
            .ad_id
            .unwrap();
    }
    out
}

/// The ids of ads that are stale, with their versions.
fn stale(s: &dyn LinkStore) -> Vec<(i64, i64)> {
    let rows = s.stale_signal_ads(10).unwrap();
    rows.iter().map(|x| (x.ad_id, x.version)).collect()
}

/// The MinHash signature [`signal_ads`] saves for its first ad.
pub const SIG: [u32; 4] = [7, u32::MAX, 0, 1 << 31];

/// [`link_ads`] with the signals of the first two saved (the first with [`SIG`]), and photo
/// hashes of the third (one replaced).
pub fn signal_ads(s: &mut dyn LinkStore) -> [i64; 3] {
    let [a, b, c] = link_ads(s);
    let phone = "+491711234567";
    let ids_a = vec![
        ident("phone", phone, "title", 3),
        ident("email", "hans@example.org", "description", 0),
        ident("phone", phone, "description", 9),
    ];
    let ids_b = vec![ident("phone", phone, "title", 0)];
    s.save_signals(&[(a, 1, ids_a, SIG.to_vec()), (b, 1, ids_b, vec![])])
        .unwrap();
    s.save_photo_hash(c, "http://h/p/1.jpg", 1).unwrap();
    s.save_photo_hash(c, "http://h/p/1.jpg", u64::MAX - 5)
        .unwrap();
    s.save_photo_hash(c, "http://h/p/0.jpg", 42).unwrap();
    [a, b, c]
}

/// Ads without signals, or with signals of an older version, are stale (by id, up to a limit,
/// with their newest content); saving signals makes them fresh.
pub fn stale_signal_ads_follow_versions(s: &mut dyn LinkStore) {
    assert!(stale(s).is_empty());
    let [a, b, c] = link_ads(s);
    assert_eq!(stale(s), [(a, 1), (b, 1), (c, 1)]);
    let rows = s.stale_signal_ads(2).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].content.country.as_deref(), Some("FR"));
    assert_eq!(rows[0].content.url, "http://h/ad/0");
    s.save_signals(&[(a, 1, vec![], vec![]), (b, 1, vec![], vec![])])
        .unwrap();
    assert_eq!(stale(s), [(c, 1)]);
    // A new version makes the ad stale again, with its new content.
    let t = s.campaign_id("t").unwrap().unwrap();
    let url = "http://h/ad/0";
    s.commit_fetch(&commit(t, url, Some((ad(url, "12 €"), det("low")))))
        .unwrap();
    assert_eq!(stale(s), [(a, 2), (c, 1)]);
    let rows = s.stale_signal_ads(1).unwrap();
    assert_eq!(rows[0].content.price_text.as_deref(), Some("12 €"));
    s.save_signals(&[(a, 2, vec![], vec![1])]).unwrap();
    assert_eq!(stale(s), [(c, 1)]);
}

/// Saved signals come back per ad for the linker, by ad id: seller key, platform, country, risk,
/// species, identifiers (by kind and value), photo hashes (by URL), text signature; saving again
/// replaces an ad's identifiers and signature.
pub fn signals_are_read_back_for_the_linker(s: &mut dyn LinkStore) {
    assert!(s.link_signals().unwrap().is_empty());
    let [a, b, c] = signal_ads(s);
    let rows = s.link_signals().unwrap();
    assert_eq!(rows.iter().map(|r| r.ad_id).collect::<Vec<_>>(), [a, b, c]);
    let seller = rows[0].seller.clone();
    assert!(seller.starts_with('s'), "{seller}");
    assert_eq!(rows[1].seller, seller, "one seller account");
    assert_eq!(rows[2].seller, format!("a{c}"), "an ad without a seller");
    let r = &rows[1];
    let got = (r.platform.as_str(), r.country.as_deref(), r.high_risk);
    assert_eq!(got, ("p", Some("FR"), true));
    let got = (rows[0].high_risk, rows[0].country.as_deref());
    assert_eq!(got, (false, None));
    assert_eq!(rows[0].species, ["Psittacus erithacus"]);
    assert!(rows[2].species.is_empty());
    let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
    let phone = pair("phone", "+491711234567");
    let want = [pair("email", "hans@example.org"), phone.clone(), phone];
    assert_eq!(rows[0].identifiers, want);
    assert_eq!(rows[0].text_sig, SIG);
    assert!(rows[1].text_sig.is_empty() && rows[1].photos.is_empty());
    let want = [42, u64::MAX - 5];
    assert_eq!(rows[2].photos, want, "by URL, the hash replaced");
    let ids = vec![ident("phone", "+33612345678", "title", 0)];
    s.save_signals(&[(a, 1, ids, vec![1])]).unwrap();
    let rows = s.link_signals().unwrap();
    assert_eq!(rows[0].identifiers, [pair("phone", "+33612345678")]);
    assert_eq!(rows[0].text_sig, [1]);
    assert_eq!(rows[1].identifiers.len(), 1, "another ad's are kept");
}

/// Seller keys as strings.
fn keys(v: &[&str]) -> Vec<String> {
    v.iter().map(|k| k.to_string()).collect()
}

/// Links as (a, b, strength).
fn ends(l: Vec<LinkRow>) -> Vec<(String, String, f64)> {
    l.into_iter().map(|l| (l.a, l.b, l.strength)).collect()
}

/// Saves four links (one pair twice) and networks 4 and 2.
pub fn saved_links(s: &mut dyn LinkStore) {
    let links = [
        link("s1", "s2", 0.5),
        link("s2", "s3", 0.7),
        link("a9", "s1", 0.2),
        link("s1", "s2", 0.9),
    ];
    let top = serde_json::json!({"sellers": 3, "top": "s1"});
    let nets = [
        (4, top, keys(&["s2", "s1", "s3"])),
        (2, serde_json::json!({"sellers": 1}), keys(&["a9"])),
    ];
    s.save_links(&links, &nets).unwrap();
}

/// Networks come back by id with their summaries and sorted members; the links of some sellers
/// are each listed once (the last of a pair saved), for each seller the links it starts first,
/// and only those between them when asked.
pub fn links_and_networks_round_trip(s: &mut dyn LinkStore) {
    assert!(s.networks(10).unwrap().is_empty());
    assert!(s.links_of(&keys(&["s1"]), false).unwrap().is_empty());
    saved_links(s);
    let nets = s.networks(10).unwrap();
    assert_eq!(nets.iter().map(|n| n.0).collect::<Vec<_>>(), [2, 4]);
    assert_eq!(nets[1].1, serde_json::json!({"sellers": 3, "top": "s1"}));
    assert_eq!(s.networks(1).unwrap().len(), 1);
    assert_eq!(s.networks(usize::MAX).unwrap().len(), 2);
    assert_eq!(s.network_members(4).unwrap(), ["s1", "s2", "s3"]);
    assert!(s.network_members(5).unwrap().is_empty());
    let row = |a: &str, b: &str, st: f64| (a.to_string(), b.to_string(), st);
    let got = ends(s.links_of(&keys(&["s1"]), false).unwrap());
    let want = [row("s1", "s2", 0.9), row("a9", "s1", 0.2)];
    assert_eq!(got, want, "the last of a pair saved wins");
    let got = ends(s.links_of(&keys(&["s2", "s1"]), false).unwrap());
    let want = [
        row("s2", "s3", 0.7),
        row("s1", "s2", 0.9),
        row("a9", "s1", 0.2),
    ];
    assert_eq!(got, want);
    let got = ends(s.links_of(&keys(&["s2", "s1"]), true).unwrap());
    assert_eq!(got, [row("s1", "s2", 0.9)]);
    let l = &s.links_of(&keys(&["a9"]), false).unwrap()[0];
    let want = serde_json::json!([{"kind": "phone", "a": "a9", "b": "s1"}]);
    assert_eq!(l.evidence, want);
}

/// Links and networks saved again replace all those there were.
pub fn links_and_networks_are_replaced_as_a_whole(s: &mut dyn LinkStore) {
    saved_links(s);
    let nets = [(1, serde_json::json!({}), keys(&["s8", "s7"]))];
    s.save_links(&[link("s7", "s8", 1.0)], &nets).unwrap();
    assert_eq!(s.networks(10).unwrap(), [(1, serde_json::json!({}))]);
    assert!(s.network_members(4).unwrap().is_empty());
    assert!(s.links_of(&keys(&["s1", "s2"]), false).unwrap().is_empty());
    assert_eq!(s.network_members(1).unwrap(), ["s7", "s8"]);
    let got = ends(s.links_of(&keys(&["s8"]), false).unwrap());
    assert_eq!(got, [("s7".to_string(), "s8".to_string(), 1.0)]);
}

/// [`link_ads`] with identifiers (the first ad's phone twice), the seller of the first two
/// linked to the third ad's key, both in network 3: (ids, seller key, lone ad's key).
pub fn linked_sellers(s: &mut dyn LinkStore) -> ([i64; 3], String, String) {
    let [a, b, c] = link_ads(s);
    let phone = "+491711234567";
    let ids_a = vec![
        ident("phone", phone, "title", 3),
        ident("phone", phone, "description", 9),
    ];
    let ids_b = vec![ident("email", "hans@example.org", "title", 0)];
    let ids_c = vec![ident("phone", phone, "title", 0)];
    let rows = [
        (a, 1, ids_a, vec![]),
        (b, 1, ids_b, vec![]),
        (c, 1, ids_c, vec![]),
    ];
    s.save_signals(&rows).unwrap();
    let hans = s.link_signals().unwrap()[0].seller.clone();
    let lone = format!("a{c}");
    let nets = [(3, serde_json::json!({}), vec![hans.clone(), lone.clone()])];
    s.save_links(&[link(&hans, &lone, 0.8)], &nets).unwrap();
    ([a, b, c], hans, lone)
}

/// A seller key names a seller account (`s…`, its ads by id) or an ad without one (`a…`); its
/// view holds each identifier once (ad by ad), its links and its network; other keys name
/// nobody.
pub fn seller_views_follow_seller_keys(s: &mut dyn LinkStore) {
    let ([a, b, c], hans, lone) = linked_sellers(s);
    let v = s.seller_view(&hans).unwrap().unwrap();
    let got = (v.key.as_str(), v.name.as_str(), v.platform.as_str());
    assert_eq!(got, (&*hans, "Hans", "p"));
    let ads: Vec<_> = v
        .ads
        .iter()
        .map(|x| (x.0, x.2.as_str(), x.3.as_str()))
        .collect();
    assert_eq!(
        ads,
        [(a, "low", "http://h/ad/0"), (b, "high", "http://h/ad/1")]
    );
    assert!(v.ads.iter().all(|x| x.1 == "Graupapagei"));
    let ids: Vec<_> = v
        .identifiers
        .iter()
        .map(|i| (i.kind.as_str(), i.value.as_str(), i.field.as_str(), i.span))
        .collect();
    let want = [
        ("phone", "+491711234567", "description", (9, 14)),
        ("email", "hans@example.org", "title", (0, 5)),
    ];
    assert_eq!(ids, want, "ad by ad, each identifier once");
    assert_eq!(v.identifiers[0].raw, "raw +491711234567");
    let links: Vec<_> = v
        .links
        .iter()
        .map(|l| (l.a.as_str(), l.b.as_str()))
        .collect();
    assert_eq!(links, [(&*hans, &*lone)]);
    assert_eq!(v.network, Some(3));
    let v = s.seller_view(&lone).unwrap().unwrap();
    let got = (v.name.as_str(), v.platform.as_str());
    assert_eq!(got, ("(no seller name)", "p"));
    assert_eq!(v.ads.iter().map(|x| x.0).collect::<Vec<_>>(), [c]);
    assert_eq!(v.identifiers.len(), 1);
    assert_eq!((v.links.len(), v.network), (1, Some(3)));
    let unknown = [format!("s{}", c + 1000), format!("a{}", c + 1000)];
    for nobody in unknown.iter().map(String::as_str).chain(["x1", "s", ""]) {
        assert!(s.seller_view(nobody).unwrap().is_none(), "{nobody}");
    }
}

/// The owners of an identifier are the sellers of the ads that carry it (once per place found),
/// by ad id; of the same value under another kind, nobody.
pub fn identifier_owners_are_the_sellers_of_the_ads(s: &mut dyn LinkStore) {
    let ([a, b, c], hans, lone) = linked_sellers(s);
    let got = s.identifier_owners("phone", "+491711234567").unwrap();
    assert_eq!(got, [(hans.clone(), a), (hans.clone(), a), (lone, c)]);
    let got = s.identifier_owners("email", "hans@example.org").unwrap();
    assert_eq!(got, [(hans, b)]);
    let got = s.identifier_owners("email", "+491711234567").unwrap();
    assert!(got.is_empty());
}
