//! An ad captured in the browser shows its screenshot on the ad page, served from the app's own
//! origin as `image/png` to roles that may see evidence; an ad fetched over plain HTTP shows none.

mod common;

use axum::http::StatusCode;
use common::http::*;
use common::*;
use std::time::Duration;
use wildwatch_crawl::browser::{Capture, CapturedExchange};
use wildwatch_crawl::fetch::Fetched;
use wildwatch_store::{AdContent, FetchCommit, FetchState};

on_both_backends!(a_browser_capture_shows_its_screenshot,);

/// A tiny real PNG (1×1, white).
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde\0\0\0\x0cIDATx\x9cc\xf8\xff\xff?\0\x05\xfe\x02\xfe\xa7\x35\x81\x84\0\0\0\0IEND\xaeB`\x82";

/// The page as the browser captured it: the shell the server sent, the DOM after the script ran,
/// the API answer, the screenshot.
fn captured(url: &str) -> Fetched {
    let shell = b"<html><body><main id=app></main><script src=/app.js></script></body></html>";
    let doc = CapturedExchange {
        url: url.into(),
        request_head: b"GET /annonce/7001 HTTP/1.1\r\nHost: vitrine.test\r\n\r\n".to_vec(),
        response_head: format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n",
            shell.len()
        )
        .into_bytes(),
        body: shell.to_vec(),
        status: 200,
        content_type: Some("text/html".into()),
        truncated: false,
        dropped_headers: vec![],
    };
    let api = CapturedExchange {
        url: "http://vitrine.test/api/annonces/7001".into(),
        request_head: b"GET /api/annonces/7001 HTTP/1.1\r\nHost: vitrine.test\r\n\r\n".to_vec(),
        response_head:
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n"
                .to_vec(),
        body: b"{}".to_vec(),
        status: 200,
        content_type: Some("application/json".into()),
        truncated: false,
        dropped_headers: vec!["Content-Encoding: gzip".into()],
    };
    Fetched::from_capture(Capture {
        url: url.into(),
        final_url: url.into(),
        document: Some(doc),
        resources: vec![api],
        blocked: vec![],
        dom: "<html><body><article class=ad><h1>Perroquet gris</h1></article></body></html>".into(),
        screenshot: Some(PNG.to_vec()),
        consent_clicked: true,
        ready: true,
        elapsed: Duration::from_millis(900),
    })
}

async fn a_browser_capture_shows_its_screenshot(b: Backend) {
    let w = world(b);
    let url = "http://vitrine.test/annonce/7001";
    let mut warc =
        wildwatch_warc::WarcWriter::open(&w.dir.path().join("evidence"), "b", 10_000_000).unwrap();
    let page = wildwatch_crawl::archive(&mut warc, &captured(url), "ad").unwrap();
    warc.flush().unwrap();
    assert!(page.error.is_none(), "{:?}", page.error);
    let id = w.with_store(|s| {
        let cid = s.campaign("spring", &serde_json::json!({})).unwrap();
        let ad = AdContent {
            platform: "vitrine".into(),
            url: url.into(),
            title: "Perroquet gris du Gabon".into(),
            description: "Pas de papiers".into(),
            lang: Some("fr".into()),
            ..Default::default()
        };
        s.commit_fetch(&FetchCommit {
            campaign: cid,
            url: url.into(),
            state: FetchState::Done,
            page: Some(page),
            ad: Some((ad, detection("high", true, "Psittacus erithacus", "fr"))),
            discovered: vec![],
        })
        .unwrap()
        .ad_id
        .unwrap()
    });

    let (cookie, _) = login(&w.app, "ana").await;
    let page = send(&w.app, get(&format!("/ads/{id}"), &cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&format!("src=\"/ads/{id}/screenshot\"")),
        "no screenshot on the ad page"
    );
    let shot = send(&w.app, get(&format!("/ads/{id}/screenshot"), &cookie)).await;
    assert_eq!(shot.status, StatusCode::OK);
    assert_eq!(shot.headers["content-type"], "image/png");
    assert_eq!(shot.headers["x-content-type-options"], "nosniff");
    assert!(shot.body.contains("IHDR"));

    // A viewer may not see evidence: no screenshot, and the URL refuses.
    let (viewer, _) = login(&w.app, "vic").await;
    let page = send(&w.app, get(&format!("/ads/{id}"), &viewer)).await;
    assert!(!page.body.contains("/screenshot"));
    let shot = send(&w.app, get(&format!("/ads/{id}/screenshot"), &viewer)).await;
    assert_eq!(shot.status, StatusCode::FORBIDDEN);

    // A seeded ad fetched over plain HTTP has none.
    let plain = w.ad_ids[1];
    let page = send(&w.app, get(&format!("/ads/{plain}"), &cookie)).await;
    assert!(!page.body.contains("/screenshot\""));
    let shot = send(&w.app, get(&format!("/ads/{plain}/screenshot"), &cookie)).await;
    assert_eq!(shot.status, StatusCode::NOT_FOUND);
}
