//! `db copy`: an SQLite store filled through the store's own API (and every other table by SQL)
//! is copied to PostgreSQL; counts and hashes agree, and the copy reads the same through the trait.
//! And back: PostgreSQL into a new SQLite file, whole or one campaign at a time.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use wildwatch_store::{Accounts, Reviews};

use wildwatch_store::suite::{ad, commit, det, item};
use wildwatch_store::*;
use wildwatch_store_pg::copy::{copy, copy_back, known_tables, CopyError, CopyOptions, CopyReport};

/// Two campaigns sharing a seller; versions, gone ads, failures, photos, reviews, accounts,
/// reports, and rows in every other table.
fn fill(path: &Path) {
    let mut s = SqliteStore::open(path).unwrap();
    let a = s.campaign("a", &serde_json::json!({"k": "a"})).unwrap();
    let b = s.campaign("b", &serde_json::json!({"k": "b"})).unwrap();
    s.enqueue(a, &[item("http://m/s?q=papagei", UrlKind::Search)])
        .unwrap();
    let mut search = commit(a, "http://m/s?q=papagei", None);
    search.discovered = (1..=5)
        .map(|i| item(&format!("http://m/ad/{i}"), UrlKind::Ad))
        .collect();
    s.commit_fetch(&search).unwrap();
    let mut first_ad = 0;
    for i in 1..=3 {
        let url = format!("http://m/ad/{i}");
        let mut x = ad(&url, "500 €");
        x.images = vec![format!("http://m/img/{i}.jpg")];
        x.country = Some("DE".into());
        let r = s
            .commit_fetch(&commit(a, &url, Some((x, det("high")))))
            .unwrap();
        if i == 1 {
            first_ad = r.ad_id.unwrap();
        }
    }
    // A second version, a gone ad, a failed URL, a pending one.
    s.commit_fetch(&commit(
        a,
        "http://m/ad/1",
        Some((ad("http://m/ad/1", "450 €"), det("medium"))),
    ))
    .unwrap();
    let mut gone = commit(a, "http://m/ad/2", None);
    gone.state = FetchState::Gone;
    s.commit_fetch(&gone).unwrap();
    for _ in 0..3 {
        s.attempt_failed(a, "http://m/ad/4", "timeout", 3).unwrap();
    }
    s.commit_photo(&PhotoCommit {
        campaign: a,
        url: "http://m/img/3.jpg".into(),
        state: FetchState::Done,
        page: None,
        phash: Some(u64::MAX - 7),
        size: Some((640, 480)),
        error: None,
    })
    .unwrap();
    // Campaign b: the same seller, another ad.
    let mut other = ad("http://m/ad/b1", "20 €");
    other.contacts.push("hans@example.org".into());
    s.commit_fetch(&commit(b, "http://m/ad/b1", Some((other, det("low")))))
        .unwrap();
    // The web app's tables.
    let review = wildwatch_store::app::Review {
        relevant: true,
        category: wildwatch_store::Category::Live,
        risk: wildwatch_store::Risk::High,
        price_eur: Some(12.5),
        ..Default::default()
    };
    s.save_review(
        first_ad,
        &review,
        wildwatch_store::ReviewStatus::Confirmed,
        "ana",
    )
    .unwrap();
    let user = s
        .add_user("ana", "hash", wildwatch_store::app::Role::Analyst)
        .unwrap();
    s.create_session("tok", user, "csrf", 9_999_999_999)
        .unwrap();
    let (report, _) = s
        .add_report("http://m/ad/1", "m/ad/1", "looks bad", "ip")
        .unwrap();
    s.finish_report(report, "done", Some(first_ad), None)
        .unwrap();
    drop(s);
    // Every other table, by SQL.
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch(&format!(
        "INSERT INTO api_tokens(token_hash, user_id, name, created_at) VALUES ('th', {user}, 'ci', 5);
         INSERT INTO ad_signals(ad_id, version, text_sig, computed_at) VALUES ({first_ad}, 2, x'00ff10', 7);
         INSERT INTO identifiers(ad_id, kind, value, raw, field, start, end_)
             VALUES ({first_ad}, 'phone', '+491711234567', '0171 1234567', 'description', 3, 15);
         INSERT INTO seller_links(a, b, strength, evidence) VALUES ('p:Hans', 'q:Hansi', 0.75, '[\"phone\"]');
         INSERT INTO networks(id, summary) VALUES (4, '{{\"sellers\":2}}');
         INSERT INTO network_members(seller, network) VALUES ('p:Hans', 4), ('q:Hansi', 4);
         INSERT INTO notices(campaign_id, platform, lang, created_at, created_by, csv_sha256, letter_sha256)
             VALUES ({a}, 'p', 'de', 10, 'ana', 'c', 'l');
         INSERT INTO notice_ads(notice_id, ad_id) SELECT MAX(id), {first_ad} FROM notices;
         INSERT INTO policy_audits(campaign_id, site, platform, audited_at, verdict, result)
             VALUES ({a}, 'http://m/', 'p', 11, 'clear', '{{}}');"
    ))
    .unwrap();
}

/// What a user sees of the ads, without store ids.
fn ads_seen(s: &dyn Store, campaign: Option<&str>) -> Vec<String> {
    s.list_ads(&AdFilter {
        campaign: campaign.map(str::to_string),
        ..Default::default()
    })
    .unwrap()
    .into_iter()
    .map(|r| {
        format!(
            "{} {} {:?} {:?} {:?} {} {} {:?} {} {} {:?} {:?}",
            r.platform,
            r.url,
            r.title,
            r.price_text,
            r.price_eur,
            r.risk,
            r.risk_score,
            r.seller,
            r.versions,
            r.first_seen,
            r.gone_at,
            r.species
        )
    })
    .collect()
}

fn frontier_seen(s: &dyn Store, name: &str) -> (Vec<FrontierItem>, (u64, u64, u64)) {
    let c = s.campaign_id(name).unwrap().unwrap();
    let n = s.frontier_counts(c).unwrap();
    (s.pending(c, 100).unwrap(), (n.pending, n.done, n.other))
}

#[test]
fn a_whole_store_is_copied_table_by_table_and_reads_the_same() {
    let Some(db) = common::TestDb::new() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    fill(&path);
    let pg = db.store();
    let report = copy(&path, &pg, &CopyOptions::default()).unwrap();
    assert_eq!(report.campaigns, ["a", "b"]);
    let sqlite = SqliteStore::open(&path).unwrap();
    assert_eq!(
        pg.schema_version().unwrap(),
        sqlite.schema_version().unwrap()
    );
    assert_eq!(report.schema_version, sqlite.schema_version().unwrap());
    for t in &report.tables {
        assert!(t.matches(), "{t:?}");
        assert_eq!((t.copied, t.merged), (t.source_rows, 0), "{t:?}");
        assert!(t.copied > 0, "the fixture leaves table {} empty", t.table);
    }
    assert_eq!(ads_seen(&pg, None), ads_seen(&sqlite, None));
    assert_eq!(ads_seen(&pg, None).len(), 4);
    for name in ["a", "b"] {
        assert_eq!(frontier_seen(&pg, name), frontier_seen(&sqlite, name));
    }
    assert_eq!(
        pg.pages_for("http://m/ad/1").unwrap().len(),
        sqlite.pages_for("http://m/ad/1").unwrap().len()
    );
    // A second whole copy finds the campaigns there and refuses, writing nothing.
    let again = copy(&path, &pg, &CopyOptions::default()).unwrap_err();
    assert!(
        matches!(&again, CopyError::Refused(m) if m.contains("already holds campaign `a`")),
        "{again}"
    );
    assert_eq!(ads_seen(&pg, None).len(), 4);
}

#[test]
fn campaigns_are_copied_one_at_a_time_sharing_sellers() {
    let Some(db) = common::TestDb::new() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    fill(&path);
    let mut pg = db.store();
    // An empty campaign of the same name (made by a worker started early) is filled, not refused.
    pg.campaign("b", &serde_json::json!({})).unwrap();
    let only = |name: &str| CopyOptions {
        campaign: Some(name.into()),
    };
    let b = copy(&path, &pg, &only("b")).unwrap();
    let a = copy(&path, &pg, &only("a")).unwrap();
    for r in [&a, &b] {
        for t in &r.tables {
            assert!(t.matches(), "{t:?}");
        }
    }
    let table = |r: &wildwatch_store_pg::copy::CopyReport, name: &str| {
        r.tables.iter().find(|t| t.table == name).unwrap().clone()
    };
    // Hans was copied with b (with both his contacts); a's ads share him and them.
    assert_eq!(
        (table(&b, "sellers").copied, table(&a, "sellers").merged),
        (1, 1)
    );
    assert_eq!(table(&a, "seller_contacts").merged, 2);
    // Accounts and networks belong to no campaign.
    assert_eq!(table(&a, "users").source_rows, 0);
    assert_eq!(table(&a, "notice_ads").copied, 1);
    assert_eq!(table(&a, "reports").copied, 1);
    let sqlite = SqliteStore::open(&path).unwrap();
    for name in ["a", "b"] {
        assert_eq!(ads_seen(&pg, Some(name)), ads_seen(&sqlite, Some(name)));
        assert_eq!(frontier_seen(&pg, name), frontier_seen(&sqlite, name));
    }
    let refused = copy(&path, &pg, &only("a")).unwrap_err();
    assert!(matches!(refused, CopyError::Refused(_)), "{refused}");
    let missing = copy(&path, &pg, &only("zzz")).unwrap_err();
    assert!(missing.to_string().contains("it has: a, b"), "{missing}");
    // New URLs queue after the copied ones.
    let c = pg.campaign_id("a").unwrap().unwrap();
    pg.enqueue(c, &[item("http://m/new", UrlKind::Ad)]).unwrap();
    assert_eq!(
        pg.pending(c, 100).unwrap().last().unwrap().url,
        "http://m/new"
    );
}

#[test]
fn every_sqlite_table_and_column_has_a_home_in_postgres() {
    let Some(db) = common::TestDb::new() else {
        return;
    };
    let _pg = db.store();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    drop(SqliteStore::open(&path).unwrap());
    let lite = rusqlite::Connection::open(&path).unwrap();
    let tables: BTreeSet<String> = lite
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(
        tables,
        known_tables()
            .into_iter()
            .map(String::from)
            .collect::<BTreeSet<_>>(),
        "`db copy` must know every SQLite table"
    );
    let mut client = db.client();
    for t in &tables {
        let cols: Vec<(String, String)> = lite
            .prepare("SELECT name, type FROM pragma_table_info(?1)")
            .unwrap()
            .query_map([t.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        for (col, ty) in cols {
            let row = client
                .query_opt(
                    "SELECT data_type FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2",
                    &[&t.as_str(), &col.as_str()],
                )
                .unwrap();
            let pg_type: String = row
                .unwrap_or_else(|| panic!("PostgreSQL lacks {t}.{col}"))
                .get(0);
            let ok = match ty.as_str() {
                "INTEGER" => ["bigint", "boolean"].contains(&pg_type.as_str()),
                "REAL" => pg_type == "double precision",
                "TEXT" => pg_type == "text",
                "BLOB" => pg_type == "bytea",
                _ => false,
            };
            assert!(ok, "{t}.{col}: SQLite {ty}, PostgreSQL {pg_type}");
        }
    }
}

fn only(name: &str) -> CopyOptions {
    CopyOptions {
        campaign: Some(name.into()),
    }
}

/// Rows per table of an SQLite file.
fn counts(path: &Path) -> Vec<(String, i64)> {
    let c = rusqlite::Connection::open(path).unwrap();
    known_tables()
        .into_iter()
        .map(|t| {
            let n = c
                .query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))
                .unwrap();
            (t.to_string(), n)
        })
        .collect()
}

fn all_match(r: &CopyReport) {
    for t in &r.tables {
        assert!(t.matches(), "{t:?}");
        assert_eq!(t.copied + t.merged, t.source_rows, "{t:?}");
    }
}

#[test]
fn a_whole_store_goes_to_postgres_and_back_unchanged() {
    let Some(db) = common::TestDb::new() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (path, back) = (dir.path().join("w.db"), dir.path().join("back.db"));
    fill(&path);
    let pg = db.store();
    let there = copy(&path, &pg, &CopyOptions::default()).unwrap();
    let report = copy_back(&pg, &back, &CopyOptions::default()).unwrap();
    assert_eq!(report.campaigns, ["a", "b"]);
    all_match(&report);
    // Ids come out as PostgreSQL gave them: the same rows, table by table, both ways.
    for (to, from) in there.tables.iter().zip(&report.tables) {
        assert_eq!(to.table, from.table);
        assert_eq!(
            (to.copied, &to.target_sha256),
            (from.copied, &from.target_sha256),
            "{}",
            to.table
        );
    }
    assert_eq!(counts(&back), counts(&path));
    let (orig, copied) = (
        SqliteStore::open(&path).unwrap(),
        SqliteStore::open(&back).unwrap(),
    );
    assert_eq!(ads_seen(&copied, None), ads_seen(&orig, None));
    for name in ["a", "b"] {
        assert_eq!(frontier_seen(&copied, name), frontier_seen(&orig, name));
    }
    assert_eq!(
        copied.pages_for("http://m/ad/1").unwrap().len(),
        orig.pages_for("http://m/ad/1").unwrap().len()
    );
}

#[test]
fn one_campaign_goes_back_alone_and_twice_is_refused() {
    let Some(db) = common::TestDb::new() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (path, back) = (dir.path().join("w.db"), dir.path().join("back.db"));
    fill(&path);
    let pg = db.store();
    copy(&path, &pg, &CopyOptions::default()).unwrap();
    let a = copy_back(&pg, &back, &only("a")).unwrap();
    assert_eq!(a.campaigns, ["a"]);
    all_match(&a);
    let orig = SqliteStore::open(&path).unwrap();
    {
        let mut lite = SqliteStore::open(&back).unwrap();
        assert_eq!(lite.campaign_id("b").unwrap(), None);
        assert_eq!(ads_seen(&lite, None), ads_seen(&orig, Some("a")));
        assert_eq!(frontier_seen(&lite, "a"), frontier_seen(&orig, "a"));
        // New URLs queue after the copied ones.
        let c = lite.campaign_id("a").unwrap().unwrap();
        lite.enqueue(c, &[item("http://m/new", UrlKind::Ad)])
            .unwrap();
        assert_eq!(
            lite.pending(c, 100).unwrap().last().unwrap().url,
            "http://m/new"
        );
    }
    let n = |table: &str| {
        counts(&back)
            .into_iter()
            .find(|(t, _)| t == table)
            .unwrap()
            .1
    };
    assert_eq!((n("users"), n("networks"), n("sellers")), (0, 0, 1));
    // The same campaign again (alone or with the whole store): refused, the file untouched.
    let before = counts(&back);
    for opts in [only("a"), CopyOptions::default()] {
        let again = copy_back(&pg, &back, &opts).unwrap_err();
        assert!(
            matches!(&again, CopyError::Refused(m) if m.contains("already holds campaign `a`")),
            "{again}"
        );
    }
    assert_eq!(counts(&back), before);
    // The other campaign joins it, sharing its seller.
    let b = copy_back(&pg, &back, &only("b")).unwrap();
    all_match(&b);
    let sellers = b.tables.iter().find(|t| t.table == "sellers").unwrap();
    assert_eq!((sellers.copied, sellers.merged), (0, 1));
    let lite = SqliteStore::open(&back).unwrap();
    assert_eq!(ads_seen(&lite, Some("b")), ads_seen(&orig, Some("b")));
    assert_eq!(ads_seen(&lite, Some("a")), ads_seen(&orig, Some("a")));
    // A campaign PostgreSQL lacks: refused, and a file made for it is removed again.
    let none = dir.path().join("none.db");
    let missing = copy_back(&pg, &none, &only("zzz")).unwrap_err();
    assert!(missing.to_string().contains("it has: a, b"), "{missing}");
    assert!(!none.exists());
}
