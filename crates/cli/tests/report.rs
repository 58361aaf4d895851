//! `wildwatch report` on a store seeded through the store API: every format, the comparison,
//! and the errors a user can cause (unknown campaign, no store).

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use wildwatch_store::{
    AdContent, DetectionRecord, FetchCommit, FetchState, PageRecord, SqliteStore, Store,
};

/// 2026-11-02 10:00 UTC.
const T0: i64 = 1_793_613_600;

fn add(store: &mut SqliteStore, campaign: i64, n: u32, relevant: bool, at: i64) {
    let url = format!("http://leboncoin.test/ad/{n}");
    let species = if relevant {
        serde_json::json!([{"scientific_name": "Psittacus erithacus", "cites": "I", "eu_annex": "A"}])
    } else {
        serde_json::json!([])
    };
    store
        .commit_fetch(&FetchCommit {
            campaign,
            url: url.clone(),
            state: FetchState::Done,
            page: Some(PageRecord {
                url: url.clone(),
                final_url: url.clone(),
                status: 200,
                kind: "ad".into(),
                fetched_at: at,
                ..Default::default()
            }),
            ad: Some((
                AdContent {
                    platform: "leboncoin".into(),
                    url,
                    title: format!("ad {n}"),
                    country: Some("FR".into()),
                    ..Default::default()
                },
                DetectionRecord {
                    relevant,
                    category: if relevant { "live" } else { "none" }.parse().unwrap(),
                    risk: if relevant { "high" } else { "none" }.parse().unwrap(),
                    risk_score: if relevant { 90 } else { 0 },
                    lang: "fr".into(),
                    price_eur: Some(500.0),
                    species: vec![],
                    json: serde_json::json!({"species": species, "specimens": 2, "intent": "offer"}),
                },
            )),
            discovered: vec![],
        })
        .unwrap();
}

fn seed(dir: &Path) {
    let mut store = SqliteStore::open(&dir.join("wildwatch.db")).unwrap();
    let a = store.campaign("cli-2026", &serde_json::json!({})).unwrap();
    add(&mut store, a, 1, true, T0);
    add(&mut store, a, 2, false, T0 + 3600);
    let b = store.campaign("cli-2027", &serde_json::json!({})).unwrap();
    add(&mut store, b, 3, false, T0 + 365 * 86_400);
}

fn wildwatch(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("wildwatch").unwrap();
    c.arg("--data").arg(dir);
    c
}

#[test]
fn report_formats_and_comparison() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());

    let out = wildwatch(dir.path())
        .args(["report", "cli-2026", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["campaign"], "cli-2026");
    assert_eq!(json["summary"]["ads"], 2);
    assert_eq!(json["summary"]["relevant"], 1);
    // One relevant offer of two specimens at 500 EUR; the other ad is not relevant.
    assert_eq!(json["summary"]["specimens"], 2);
    assert_eq!(json["summary"]["value_eur"], 500.0);
    assert_eq!(json["summary"]["high_risk_share"], 1.0);

    wildwatch(dir.path())
        .args(["report", "cli-2026", "--format", "csv"])
        .assert()
        .success()
        .stdout(
            predicate::str::starts_with("breakdown,key,name,detail,ads,relevant")
                .and(predicate::str::contains(
                    "\nplatform,leboncoin,,,2,1,2,500.00,1,1,0,\n",
                ))
                .and(predicate::str::contains(
                    "\nweek,2026-W45,,from 2026-11-02,2,1,",
                )),
        );

    let html = dir.path().join("r.html");
    wildwatch(dir.path())
        .args(["report", "cli-2026", "--format", "html", "--out"])
        .arg(&html)
        .assert()
        .success();
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<svg"));

    let xlsx = dir.path().join("r.xlsx");
    wildwatch(dir.path())
        .args(["report", "cli-2026", "--format", "xlsx", "--out"])
        .arg(&xlsx)
        .assert()
        .success();
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK\x03\x04"));

    let out = wildwatch(dir.path())
        .args([
            "report", "compare", "cli-2026", "cli-2027", "--format", "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        json["sentences"][0],
        "Relevant ads fell from 1 to 0 (−100%)."
    );
    wildwatch(dir.path())
        .args([
            "report", "compare", "cli-2026", "cli-2027", "--format", "csv",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("\ntotal,,,,2,1,1,0,"));
}

#[test]
fn unknown_campaign_and_missing_store_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    wildwatch(dir.path())
        .args(["report", "cli-2026"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no store at"));
    seed(dir.path());
    wildwatch(dir.path())
        .args(["report", "nope", "--format", "csv"])
        .assert()
        .failure()
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(
            "no campaign is called `nope`; known campaigns: cli-2026, cli-2027",
        ));
    wildwatch(dir.path())
        .args(["report", "compare", "cli-2026", "nope"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no campaign is called `nope`"));
}
