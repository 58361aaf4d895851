//! The report fetcher over real loopback HTTP: a reported fixture ad is fetched, archived,
//! scanned and stored; URLs that lead to loopback or private addresses that are not configured
//! test hosts (directly, by name, or through a redirect) are refused at fetch time.

mod common;

use std::sync::Arc;

use common::*;
use wildwatch_detect::Detector;
use wildwatch_fixture::{Fixture, FixtureConfig};
use wildwatch_refdata::RefData;
use wildwatch_web::report::Worker;
use wildwatch_web::{service, AppState};

on_both_backends!(multi_thread: reported_ads_are_fetched_archived_scanned_and_ssrf_is_refused);

/// A one-route server that redirects everything to `to`.
async fn redirector(to: String) -> std::net::SocketAddr {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let app = axum::Router::new().fallback(move || {
        let to = to.clone();
        async move { axum::response::Redirect::temporary(&to) }
    });
    tokio::spawn(async move {
        let _ = axum::serve(l, app).await;
    });
    addr
}

async fn reported_ads_are_fetched_archived_scanned_and_ssrf_is_refused(b: Backend) {
    let fx = Fixture::start(
        FixtureConfig {
            ads: 40,
            seed: 3,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let truth = fx.truth();
    let ad = truth
        .iter()
        .find(|t| t.relevant && t.special == "none" && t.status == "live")
        .expect("a plain relevant ad");
    let host = ad.url.split('/').nth(2).unwrap().to_string();
    // A host that is allowed redirects to a loopback port that is not.
    let secret_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let redir = redirector(format!("http://127.0.0.1:{secret_port}/secret")).await;
    let dir = tempfile::tempdir().unwrap();
    let (db, _pg) = store_for(b, dir.path());
    let mut cfg = config_for(&db, dir.path());
    cfg.fetch_reports = false;
    cfg.allow_report_hosts = vec![host.clone(), redir.to_string()];
    let st = AppState::new(
        cfg,
        RefData::shipped().unwrap(),
        Arc::new(|| Ok(Detector::shipped()?)),
    )
    .unwrap();
    let (_, outcome) = service::submit_report(&st, "203.0.113.9", &ad.url, "seen on the fixture")
        .await
        .unwrap();
    assert_eq!(outcome, wildwatch_store::app::ReportOutcome::New);
    service::submit_report(&st, "203.0.113.9", &format!("http://{redir}/ad"), "")
        .await
        .unwrap();
    // A name that resolves to loopback, slipped past the form (e.g. a DNS change later).
    on_store(&st.cfg.db, |s| {
        s.add_report("http://localhost:1/x", "http://localhost:1/x", "", "t")
            .unwrap();
    });
    // The machine's own name usually resolves to loopback: the resolver drops that address.
    let hostname = std::fs::read_to_string("/etc/hostname")
        .unwrap_or_default()
        .trim()
        .to_string();
    let name_is_loopback = !hostname.is_empty()
        && tokio::net::lookup_host((hostname.as_str(), 1))
            .await
            .map(|mut a| a.all(|x| x.ip().is_loopback()))
            .unwrap_or(false);
    if name_is_loopback {
        let u = format!("http://{hostname}:{secret_port}/x");
        service::submit_report(&st, "203.0.113.9", &u, "")
            .await
            .unwrap();
    }
    // A loopback port that is not allowed is refused at submission.
    let e = service::submit_report(
        &st,
        "203.0.113.9",
        &format!("http://127.0.0.1:{secret_port}/"),
        "",
    )
    .await
    .unwrap_err();
    assert!(e.message.contains("127.0.0.1"), "{}", e.message);

    let mut worker = Worker::new(&st).unwrap();
    while worker.process_one(&st).await.unwrap() {}

    let (reports, stats) = on_store(&db, |s| (s.reports(10).unwrap(), s.report_stats().unwrap()));
    let by_url = |u: &str| {
        reports
            .iter()
            .find(|r| r.url.starts_with(u))
            .unwrap()
            .clone()
    };
    let good = by_url(&ad.url);
    assert_eq!(good.status, "done", "{good:?}");
    let ad_id = good.ad_id.unwrap();
    let d = on_store(&db, |s| s.ad_detail(ad_id).unwrap());
    assert_eq!(d.summary.source, "report");
    assert_eq!(d.campaign.as_deref(), Some("public-reports"));
    assert!(d.summary.relevant, "{:?}", d.detection);
    assert!(d.pages[0].body_sha256.is_some() && d.pages[0].warc_file.is_some());
    let r = by_url(&format!("http://{redir}"));
    assert_eq!(r.status, "failed");
    assert!(
        r.error.as_deref().unwrap().contains("redirect refused"),
        "{r:?}"
    );
    let r = by_url("http://localhost:1");
    assert_eq!(r.status, "failed");
    assert!(r.error.as_deref().unwrap().contains("loopback"), "{r:?}");
    // The fixture saw exactly one request for the reported ad, none for the secret port.
    assert_eq!(
        fx.requests()
            .iter()
            .filter(|q| ad.url.ends_with(&q.target))
            .count(),
        1
    );
    if name_is_loopback {
        let r = by_url(&format!("http://{hostname}:"));
        assert_eq!(r.status, "failed");
        assert!(
            r.error.as_deref().unwrap().contains("no public address"),
            "{r:?}"
        );
    }
    assert_eq!(
        (stats.done, stats.failed, stats.relevant),
        (1, 2 + name_is_loopback as i64, 1)
    );
}
