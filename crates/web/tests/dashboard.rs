//! The dashboard says which platforms gave nothing and why: pages stored as bot challenges, and
//! ad pages that no longer matched their adapter, appear as one sentence per platform in the
//! page and in `/api/dashboard`, escaped like everything else.

mod common;

use common::http::*;
use common::*;
use wildwatch_store::{AppStore, FetchCommit, FetchState, FrontierItem, PageRecord, UrlKind};

on_both_backends!(the_dashboard_names_platforms_that_gave_nothing,);

/// Stores `n` pages of `platform`, fetched as `kind`, that turned out to be `page_kind`.
fn pages(s: &mut dyn AppStore, platform: &str, kind: UrlKind, page_kind: &str, n: usize) {
    let cid = s.campaign("spring", &serde_json::json!({})).unwrap();
    for i in 0..n {
        let url = format!("http://{platform}.example/{page_kind}/{i}");
        s.enqueue(
            cid,
            &[FrontierItem {
                url: url.clone(),
                kind,
                platform: platform.into(),
                keyword: Some("k".into()),
                page: 1,
                attempts: 0,
            }],
        )
        .unwrap();
        s.commit_fetch(&FetchCommit {
            campaign: cid,
            url: url.clone(),
            state: if page_kind == "blocked" {
                FetchState::Blocked
            } else {
                FetchState::Done
            },
            page: Some(PageRecord {
                url: url.clone(),
                final_url: url,
                status: 200,
                kind: page_kind.into(),
                fetched_at: wildwatch_store::now(),
                ..Default::default()
            }),
            ad: None,
            discovered: vec![],
        })
        .unwrap();
    }
}

async fn the_dashboard_names_platforms_that_gave_nothing(b: Backend) {
    let w = world(b);
    w.with_store(|s| {
        pages(s, "kleinanzeigen", UrlKind::Search, "blocked", 4);
        pages(s, "marktplaats<b>", UrlKind::Search, "search", 1);
        pages(s, "marktplaats<b>", UrlKind::Ad, "ad-unmatched", 3);
    });
    let (cookie, _) = login(&w.app, "vic").await;
    let page = send(&w.app, get("/", &cookie)).await;
    assert!(
        page.body.contains("Platforms with problems"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("4 of 4 search pages were bot challenges or login walls"),
        "{}",
        page.body
    );
    let start = page.body.find("Platforms with problems").unwrap();
    let section: String = page.body[start..].chars().take(1500).collect();
    assert!(
        section.contains("3 ad pages, none matched the adapter"),
        "{section}"
    );
    assert!(
        !page.body.contains("marktplaats<b>"),
        "platform names are escaped"
    );
    let api = send(&w.app, get("/api/dashboard", &cookie)).await;
    let j: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    let warnings = j["platform_warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert_eq!(warnings[0]["platform"], "kleinanzeigen");
}
