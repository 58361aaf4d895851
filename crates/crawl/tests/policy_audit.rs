//! The policy audit on the fixture marketplace: each site's footer links its help and policy
//! pages; leboncoin's "Règles de diffusion", the forum's board rules and eBay's "Grundsätze zu
//! Tieren und Tierprodukten" are clear, Kleinanzeigen's terms are vague, Marktplaats's "Verboden
//! artikelen" link is dead and its other pages silent.

use wildwatch_crawl::policy::{audit_campaign, share_clear, PolicyTerms, Verdict};
use wildwatch_crawl::{Campaign, CrawlOptions};
use wildwatch_fixture::{Fixture, FixtureConfig};
use wildwatch_store::PolicyAudits;
use wildwatch_store::{SqliteStore, Store};

#[test]
fn fixture_sites_are_clear_vague_or_silent_with_passages() {
    let fx = Fixture::start(
        FixtureConfig {
            ads: 20,
            seed: 2,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let mut t = String::from("name = \"policy\"\nrate_per_host = 0\ntimeout_secs = 5\n");
    for s in &fx.sites {
        t.push_str(&format!(
            "[[platform]]\nadapter = \"{}\"\nbase_url = \"{}\"\n",
            s.name, s.base_url
        ));
    }
    let (c, json) = Campaign::parse(&t, "test").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let opts = CrawlOptions {
        db: dir.path().join("w.db"),
        evidence: dir.path().join("evidence"),
        adapter_dirs: vec![],
        progress: false,
        max_fetches: None,
        allow_private: true,
    };
    let terms = PolicyTerms::shipped();
    let sites = audit_campaign(&c, &json, &opts, &terms).unwrap();
    let verdict = |name: &str| sites.iter().find(|s| s.platform == name).unwrap();
    assert_eq!(
        verdict("leboncoin").verdict,
        Verdict::Clear,
        "{:?}",
        verdict("leboncoin")
    );
    assert_eq!(
        verdict("forum").verdict,
        Verdict::Clear,
        "{:?}",
        verdict("forum")
    );
    assert_eq!(
        verdict("ebay").verdict,
        Verdict::Clear,
        "{:?}",
        verdict("ebay")
    );
    assert_eq!(
        verdict("kleinanzeigen").verdict,
        Verdict::Vague,
        "{:?}",
        verdict("kleinanzeigen")
    );
    let mp = verdict("marktplaats");
    assert_eq!(mp.verdict, Verdict::None, "{mp:?}");
    assert!(
        mp.pages
            .iter()
            .any(|p| p.url.ends_with("/verboden-artikelen")
                && p.status == 404
                && p.error.is_some()),
        "{mp:?}"
    );
    // Three clear sites of five (leboncoin, the forum, eBay).
    assert!((share_clear(&sites) - 0.6).abs() < 1e-9);

    // The passages are the sentences as written, in the page's language.
    let lbc = verdict("leboncoin");
    let rules = lbc
        .pages
        .iter()
        .find(|p| p.url.ends_with("/dc/regles-de-diffusion"))
        .unwrap();
    assert_eq!(rules.lang, "fr");
    assert!(rules
        .findings
        .iter()
        .any(|f| f.topic == "ivory" && f.passage.contains("ivoire d’éléphant")));
    assert!(rules.sha256.as_deref().is_some_and(|h| h.len() == 64));

    // Stored: the latest audit per site, and every page read is evidence with its record.
    let store = SqliteStore::open(&opts.db).unwrap();
    let cid = store.campaign_id("policy").unwrap().unwrap();
    let rows = store.policy_audits(cid).unwrap();
    assert_eq!(rows.len(), 5);
    assert!(rows
        .iter()
        .any(|r| r.verdict == "clear" && r.platform.as_deref() == Some("forum")));
    assert_eq!(store.pages_for(&rules.url).unwrap().len(), 1);
}
