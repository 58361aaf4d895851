//! A sender phone seen in a stored seller's ad flags the shipment.

use wildwatch_detect::Detector;
use wildwatch_parcels::{screen, Mapping, Options, OwnerLookup, Terms};
use wildwatch_store::links::IdentifierRow;
use wildwatch_store::*;

fn seeded() -> SqliteStore {
    let mut s = SqliteStore::in_memory().unwrap();
    let c = s.campaign("t", &serde_json::json!({})).unwrap();
    let url = "http://a/ad";
    s.enqueue(
        c,
        &[FrontierItem {
            url: url.into(),
            kind: UrlKind::Ad,
            platform: "p".into(),
            keyword: None,
            page: 0,
            attempts: 0,
        }],
    )
    .unwrap();
    s.commit_fetch(&FetchCommit {
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
        ad: Some((
            AdContent {
                platform: "p".into(),
                url: url.into(),
                title: "Graupapagei".into(),
                description: "zahm".into(),
                seller: Some("Hans".into()),
                contacts: vec!["06 12 34 56 78".into()],
                ..Default::default()
            },
            DetectionRecord {
                relevant: true,
                category: wildwatch_store::Category::Live,
                risk: wildwatch_store::Risk::High,
                risk_score: 80,
                lang: "de".into(),
                species: vec!["Psittacus erithacus".into()],
                json: serde_json::json!({"id": "x"}),
                ..Default::default()
            },
        )),
        discovered: vec![],
    })
    .unwrap();
    let stale = s.stale_signal_ads(10).unwrap();
    let rows: Vec<(i64, i64, Vec<IdentifierRow>, Vec<u32>)> = stale
        .iter()
        .map(|a| {
            (
                a.ad_id,
                a.version,
                vec![IdentifierRow {
                    kind: "phone".into(),
                    value: "+33612345678".into(),
                    raw: "06 12 34 56 78".into(),
                    field: "contacts".into(),
                    span: (0, 14),
                }],
                vec![],
            )
        })
        .collect();
    s.save_signals(&rows).unwrap();
    s
}

#[test]
fn sender_phone_matches_a_seller_seen_online() {
    let mut store = seeded();
    let det = Detector::shipped().unwrap();
    let terms = Terms::shipped();
    let mapping = Mapping::default_mapping();
    let opts = Options {
        mapping: &mapping,
        detector: &det,
        terms: &terms,
        all: false,
        chunk: 100,
    };
    let text = "expéditeur;téléphone_expéditeur;destinataire;contenu;poids;pays_origine\n\
                Jean;06 12 34 56 78;Piet;livres;1 kg;FR\n\
                Paul;06 99 88 77 66;Piet;livres;1 kg;FR\n";
    let mut rows = Vec::new();
    let lookup: &mut dyn OwnerLookup = &mut store;
    let s = screen(text.as_bytes(), &opts, Some(lookup), |r| {
        rows.push(r.clone());
        Ok(())
    })
    .unwrap();
    assert_eq!(s.flagged, 1);
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(r.sender, "Jean");
    assert_eq!(r.flags[0].code, "sender-seen-online");
    assert!(
        r.flags[0].text.contains("+33612345678"),
        "{}",
        r.flags[0].text
    );
    assert_eq!(r.matches[0].value, "+33612345678");
    assert_eq!(r.matches[0].owners[0].ads.len(), 1);
    assert_eq!(r.risk, "medium");
}
