//! Linking a store: brings each ad's signals up to date (identifiers with the words they came
//! from, MinHash of the text), links the sellers, and stores links and ranked networks.

use wildwatch_store::links::{IdentifierRow, LinkRow};
use wildwatch_store::{Links, StoreError};

use crate::{link, minhash, AdSignals, Settings};

/// What a run did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RunReport {
    /// Ads whose signals were (re)computed.
    pub signals_computed: usize,
    /// Ads considered.
    pub ads: usize,
    /// Links found.
    pub links: usize,
    /// Networks (two sellers or more).
    pub networks: usize,
    /// Seconds.
    pub seconds: f64,
}

/// The signals of one ad's content.
pub fn signals_of(c: &wildwatch_store::AdContent) -> (Vec<IdentifierRow>, Vec<u32>) {
    let ids = wildwatch_ident::extract_ad(
        &c.title,
        &c.description,
        c.seller.as_deref().unwrap_or(""),
        c.location.as_deref().unwrap_or(""),
        c.country.as_deref(),
    );
    let mut rows: Vec<IdentifierRow> = ids
        .into_iter()
        .map(|a| {
            let field = format!("{:?}", a.field).to_lowercase();
            let mut kind = a.identifier.kind.as_str().to_string();
            // A display name on one platform says little about an account elsewhere: kept for
            // the seller page, not used to link.
            if field == "seller" && kind == "username" {
                kind = "seller_name".into();
            }
            if field == "location" && kind == "place" {
                kind = "place".into();
            }
            IdentifierRow {
                kind,
                value: a.identifier.value,
                raw: a.identifier.raw,
                field,
                span: (a.identifier.span.0 as i64, a.identifier.span.1 as i64),
            }
        })
        .collect();
    // Phones and e-mails the page showed outside the description (seller box, contact button).
    for contact in &c.contacts {
        for i in wildwatch_ident::extract(contact, c.country.as_deref()) {
            if !rows
                .iter()
                .any(|r| r.kind == i.kind.as_str() && r.value == i.value)
            {
                rows.push(IdentifierRow {
                    kind: i.kind.as_str().to_string(),
                    value: i.value,
                    raw: i.raw,
                    field: "contacts".into(),
                    span: (i.span.0 as i64, i.span.1 as i64),
                });
            }
        }
    }
    let sig = minhash::signature(&format!("{}\n{}", c.title, c.description));
    (rows, sig)
}

/// Updates signals, links sellers and stores the result.
pub fn run(store: &mut (impl Links + ?Sized), s: &Settings) -> Result<RunReport, StoreError> {
    let started = std::time::Instant::now();
    let mut rep = RunReport::default();
    loop {
        let stale = store.stale_signal_ads(5000)?;
        if stale.is_empty() {
            break;
        }
        let rows: Vec<(i64, i64, Vec<IdentifierRow>, Vec<u32>)> = stale
            .iter()
            .map(|a| {
                let (ids, sig) = signals_of(&a.content);
                (a.ad_id, a.version, ids, sig)
            })
            .collect();
        rep.signals_computed += rows.len();
        store.save_signals(&rows)?;
    }
    let signals = store.link_signals()?;
    rep.ads = signals.len();
    let ads: Vec<AdSignals> = signals
        .into_iter()
        .map(|r| AdSignals {
            ad: r.ad_id,
            seller: r.seller,
            platform: r.platform,
            country: r.country,
            identifiers: r.identifiers,
            photos: r.photos,
            text_sig: r.text_sig,
            high_risk: r.high_risk,
            species: r.species,
        })
        .collect();
    let g = link(&ads, s);
    rep.links = g.links.len();
    rep.networks = g.networks.len();
    let links: Vec<LinkRow> = g
        .links
        .iter()
        .map(|l| LinkRow {
            a: l.a.clone(),
            b: l.b.clone(),
            strength: l.strength,
            evidence: serde_json::to_value(&l.evidence).unwrap_or_default(),
        })
        .collect();
    let nets: Vec<(i64, serde_json::Value, Vec<String>)> = g
        .networks
        .iter()
        .map(|n| {
            (
                n.id as i64,
                serde_json::to_value(n).unwrap_or_default(),
                n.sellers.clone(),
            )
        })
        .collect();
    store.save_links(&links, &nets)?;
    rep.seconds = started.elapsed().as_secs_f64();
    Ok(rep)
}
