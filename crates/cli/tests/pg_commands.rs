//! The analysts' commands on PostgreSQL through the binary: a fixture crawl copied into a fresh
//! PostgreSQL schema (`db copy`), its SQLite file then deleted, and `takedown`, `evidence
//! package`, `user`, `review export`, `model train --reviews`, `sellers`, `networks`, `parcels`,
//! `audit policies` and `report compare` run with `--db` on what is there; `demo` runs on
//! PostgreSQL from the start. Nothing may fall back on an SQLite file. Without PostgreSQL the
//! tests skip (unless WILDWATCH_REQUIRE_POSTGRES=1).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use wildwatch_fixture::{Fixture, FixtureConfig};
use wildwatch_store::app::Review;
use wildwatch_store::{AdFilter, Reviews, Store};
use wildwatch_store_pg::PgStore;

mod pg;
use pg::{TestDb, World};

impl World {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// No command made or used an SQLite store in the data directory.
    fn assert_no_sqlite(&self) {
        assert!(
            !self.data.join("wildwatch.db").exists(),
            "a command fell back on the SQLite store in the data directory"
        );
    }
}

/// Runs a command that must succeed; its standard output, then its standard error.
fn ok(c: &mut Command) -> String {
    let out = c.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{c:?} failed:\n{text}");
    text
}

/// Runs a command that must fail; its standard error.
fn fails(c: &mut Command) -> String {
    let out = c.output().unwrap();
    assert!(!out.status.success(), "{c:?} succeeded");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Crawls into SQLite, copies to PostgreSQL, deletes the SQLite file; `None` without PostgreSQL.
fn world() -> Option<World> {
    let db = TestDb::new()?;
    let fx = Fixture::start(
        FixtureConfig {
            ads: 25,
            seed: 5,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let camp = pg::campaign_file(dir.path(), &fx, "t", 0);
    pg::crawl_into_postgres(&db, &data, &camp);
    Some(World { db, fx, dir, data })
}

/// An analyst marks three live Leboncoin ads naming a species for takedown (in PostgreSQL):
/// their ids and URLs.
fn mark_for_takedown(w: &World) -> Vec<(i64, String)> {
    let mut store = PgStore::connect(&w.db.url()).unwrap();
    let rows = store
        .list_ads(&AdFilter {
            platform: Some("leboncoin".into()),
            relevant_only: true,
            ..Default::default()
        })
        .unwrap();
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|r| r.gone_at.is_none() && !r.species.is_empty())
        .take(3)
        .collect();
    assert_eq!(rows.len(), 3);
    for r in &rows {
        let review = Review {
            relevant: true,
            category: r.category,
            species: r.species.clone(),
            risk: r.risk,
            takedown: true,
            ..Default::default()
        };
        store
            .save_review(
                r.id,
                &review,
                wildwatch_store::ReviewStatus::Confirmed,
                "alice",
            )
            .unwrap();
    }
    rows.into_iter().map(|r| (r.id, r.url)).collect()
}

#[test]
fn takedowns_packages_accounts_reviews_and_training_on_postgres() {
    let Some(w) = world() else {
        return;
    };
    let marked = mark_for_takedown(&w);
    let notices = w.path("notices");
    let text = ok(w
        .ww()
        .args(["takedown", "t", "--platform", "leboncoin", "--out"])
        .arg(&notices));
    assert!(
        text.starts_with("notice 1: 3 ads on leboncoin (fr)"),
        "{text}"
    );
    let mut files: Vec<_> = std::fs::read_dir(&notices)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    let csv = std::fs::read_to_string(&files[0]).unwrap();
    let letter = std::fs::read_to_string(&files[1]).unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(letter.starts_with("Objet : 3 annonces"), "{letter}");
    for (_, url) in &marked {
        assert!(letter.contains(url.as_str()), "{url} not in {letter}");
    }
    assert_eq!(w.db.count("SELECT COUNT(*) FROM notice_ads"), 3);
    // Nothing new the second time; sending recorded once.
    let text = ok(w
        .ww()
        .args(["takedown", "t", "--platform", "leboncoin", "--out"])
        .arg(&notices));
    assert!(
        text.contains("nothing to notify")
            && text.contains("notice 1 (3 ads) is not recorded as sent yet"),
        "{text}"
    );
    let sent = ["takedown", "sent", "1", "--at", "2026-11-23T10:00:00Z"];
    let text = ok(w.ww().args(sent).args(["--channel", "form"]));
    assert!(
        text.contains("notice 1 recorded as sent at 2026-11-23T10:00:00Z"),
        "{text}"
    );
    assert!(fails(w.ww().args(sent)).contains("already recorded as sent"));
    let list = ok(w.ww().args(["takedown", "list", "--json"]));
    let rows: Vec<serde_json::Value> = list
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 1, "{list}");
    assert_eq!(rows[0]["ads"], 3);
    assert_eq!(rows[0]["channel"], "form");
    package_checks(&w, &marked);
    model_check(&w);
    user_and_review_check(&w);
    w.assert_no_sqlite();
}

/// Accounts and the reviewed-ads export on PostgreSQL.
fn user_and_review_check(w: &World) {
    let mut add = w
        .ww()
        .args(["user", "add", "alice", "--role", "admin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(b"a long enough password\n")
        .unwrap();
    let out = add.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(w.db.count("SELECT COUNT(*) FROM users"), 1);
    let users = ok(w.ww().args(["user", "list"]));
    assert!(users.contains("alice\tadmin\tactive"), "{users}");
    let corpus = w.path("reviewed.jsonl");
    let text = ok(w.ww().args(["review", "export", "--out"]).arg(&corpus));
    assert!(text.contains("3 reviewed ads exported"), "{text}");
    let lines = std::fs::read_to_string(&corpus).unwrap();
    assert_eq!(lines.lines().count(), 3, "{lines}");
    assert!(lines.contains("\"relevant\":true"), "{lines}");
}

/// `model train --reviews` learns from the reviews saved in PostgreSQL too.
fn model_check(w: &World) {
    let corpus =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/eval/market/market_en.jsonl");
    let model = w.path("relevance.json");
    let out = ok(w
        .ww()
        .args(["model", "train", "--reviews", "--folds", "2", "--corpus"])
        .arg(&corpus)
        .arg("--out")
        .arg(&model));
    assert!(out.contains("trained on 303 ads"), "{out}");
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&model).unwrap()).unwrap();
    assert!(
        saved["sources"]
            .to_string()
            .contains("reviews in the store (3 ads)"),
        "{saved}"
    );
}

/// `evidence package` of the ads marked for takedown verifies, with the PostgreSQL ids.
fn package_checks(w: &World, marked: &[(i64, String)]) {
    let zip_path = w.path("case.zip");
    let text = ok(w
        .ww()
        .args([
            "evidence",
            "package",
            "--campaign",
            "t",
            "--takedown",
            "--out",
        ])
        .arg(&zip_path));
    assert!(
        text.contains(": 3 ads,") && text.contains("signed"),
        "{text}"
    );
    let key = text
        .lines()
        .find_map(|l| l.strip_prefix("public key: "))
        .unwrap()
        .to_string();
    let checked = ok(w
        .ww()
        .args(["evidence", "check"])
        .arg(&zip_path)
        .args(["--public-key", &key]));
    assert!(checked.contains("OK: "), "{checked}");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    let mut manifest = String::new();
    zip.by_name("manifest.json")
        .unwrap()
        .read_to_string(&mut manifest)
        .unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let mut ids: Vec<i64> = manifest["ads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    let mut want: Vec<i64> = marked.iter().map(|(id, _)| *id).collect();
    want.sort_unstable();
    assert_eq!(ids, want);
    // The WARC records of each ad's pages were found in the data directory's evidence.
    let warc = format!("ads/{}/pages.warc.gz", want[0]);
    assert!(zip.by_name(&warc).unwrap().size() > 0, "{warc}");
}

#[test]
fn sellers_networks_parcels_and_policy_audits_on_postgres() {
    let Some(w) = world() else {
        return;
    };
    let linked = ok(w.ww().args(["sellers", "link"]));
    let networks = w.db.count("SELECT COUNT(*) FROM networks");
    assert!(
        networks > 0 && linked.contains(&format!("{networks} networks")),
        "{linked}"
    );
    let list = ok(w.ww().args(["networks", "list", "--limit", "1000"]));
    assert_eq!(
        list.lines().filter(|l| l.starts_with('#')).count() as i64,
        networks,
        "{list}"
    );
    let member: String = pg_text(
        &w,
        "SELECT seller FROM network_members ORDER BY seller LIMIT 1",
    );
    assert!(list.contains(&member), "{member} not in {list}");
    let shown = ok(w.ww().args(["sellers", "show", &member]));
    assert!(shown.starts_with(&format!("{member} — ")), "{shown}");
    assert!(shown.contains("network #"), "{shown}");
    let graph = w.path("net.graphml");
    ok(w.ww()
        .args(["networks", "export", "--format", "graphml", "--out"])
        .arg(&graph));
    let xml = std::fs::read_to_string(&graph).unwrap();
    assert!(xml.contains("<graphml") && xml.contains("<edge"), "{xml}");
    parcels_check(&w);
    audit_check(&w);
    let cmp = ok(w
        .ww()
        .args(["report", "compare", "t", "t", "--format", "json"]));
    assert!(cmp.contains("\"t\""), "{cmp}");
    w.assert_no_sqlite();
}

fn pg_text(w: &World, sql: &str) -> String {
    let mut c = postgres::Client::connect(&w.db.url(), postgres::NoTls).unwrap();
    c.query_one(sql, &[]).unwrap().get(0)
}

/// A parcel sent from a phone a seller showed online is flagged, from PostgreSQL's sellers.
fn parcels_check(w: &World) {
    let phone = pg_text(
        w,
        "SELECT i.value FROM identifiers i JOIN ads a ON a.id = i.ad_id \
         WHERE i.kind = 'phone' AND a.platform = 'leboncoin' ORDER BY i.value LIMIT 1",
    );
    let manifest = w.path("manifest.csv");
    std::fs::write(
        &manifest,
        format!(
            "expéditeur;téléphone_expéditeur;destinataire;contenu;poids;pays_origine\n\
             Jean;{phone};Piet;livres;1 kg;FR\nPaul;+33 6 99 88 77 66;Piet;livres;1 kg;FR\n"
        ),
    )
    .unwrap();
    let out = ok(w
        .ww()
        .args(["parcels", "screen"])
        .arg(&manifest)
        .args(["--format", "json"]));
    assert!(
        out.contains("sender-seen-online") && out.contains(&phone),
        "{out}"
    );
    assert!(!out.contains("no store at"), "{out}");
    assert!(
        !out.contains("Paul"),
        "only the seller's phone is flagged: {out}"
    );
}

/// `audit policies` fetches the fixture sites' policy pages and stores the audit in PostgreSQL.
fn audit_check(w: &World) {
    let sites = w.fx.sites.len();
    let table = ok(w.ww().args(["audit", "policies", "t"]));
    assert!(table.contains(&format!("of {sites} website(s)")), "{table}");
    assert_eq!(
        w.db.count("SELECT COUNT(*) FROM policy_audits"),
        sites as i64
    );
    let stored = ok(w
        .ww()
        .args(["audit", "policies", "t", "--stored", "--format", "json"]));
    let json: serde_json::Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(json["websites"], sites);
    assert_eq!(json["campaign"], "t");
}

#[test]
fn the_demo_runs_on_postgres() {
    let Some(db) = TestDb::new() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut c = Command::cargo_bin("wildwatch").unwrap();
    c.env_remove("WILDWATCH_DB").env_remove("WILDWATCH_HOME");
    let out = ok(c
        .arg("--data")
        .arg(&data)
        .args(["--db", &db.url(), "demo", "--ads", "15"]));
    let ads = db.count("SELECT COUNT(*) FROM ads");
    assert!(ads > 0, "{out}");
    assert!(out.contains(&format!("report: {ads} ads")), "{out}");
    assert!(out.contains("linked sellers:"), "{out}");
    assert!(
        out.contains("web app account created: user `demo`"),
        "{out}"
    );
    assert!(db.count("SELECT COUNT(*) FROM policy_audits") > 0);
    assert_eq!(db.count("SELECT COUNT(*) FROM users"), 1);
    assert!(data.join("report-demo.html").is_file());
    assert!(!data.join("wildwatch.db").exists(), "{out}");
}
