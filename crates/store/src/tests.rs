use super::*;

use crate::suite::{ad, commit, det, item};

// The trait-level cases live in `suite` and run on every backend; here on SQLite in memory.
crate::store_suite!(run_on_sqlite);

fn run_on_sqlite(case: fn(&mut dyn Store)) {
    case(&mut SqliteStore::in_memory().unwrap());
}

mod reviews {
    use super::*;

    crate::reviews_suite!(run_on_sqlite);

    fn run_on_sqlite(case: fn(&mut dyn crate::suite::ReviewStore)) {
        case(&mut SqliteStore::in_memory().unwrap());
    }
}

mod accounts {
    use super::*;

    crate::accounts_suite!(run_on_sqlite);

    fn run_on_sqlite(case: fn(&mut dyn Accounts)) {
        case(&mut SqliteStore::in_memory().unwrap());
    }
}

mod public_reports {
    use super::*;

    crate::public_reports_suite!(run_on_sqlite);

    fn run_on_sqlite(case: fn(&mut dyn crate::suite::PublicReportStore)) {
        case(&mut SqliteStore::in_memory().unwrap());
    }
}

mod ad_queries {
    use super::*;

    crate::ad_queries_suite!(run_on_sqlite);

    fn run_on_sqlite(case: fn(&mut dyn crate::suite::AdQueryStore)) {
        case(&mut SqliteStore::in_memory().unwrap());
    }
}

mod links {
    use super::*;

    crate::links_suite!(run_on_sqlite);

    fn run_on_sqlite(case: fn(&mut dyn crate::suite::LinkStore)) {
        case(&mut SqliteStore::in_memory().unwrap());
    }
}

#[test]
fn reopening_keeps_data_and_schema_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    {
        let mut s = SqliteStore::open(&path).unwrap();
        let c = s.campaign("t", &serde_json::json!({"a": 1})).unwrap();
        s.enqueue(c, &[item("http://a/1", UrlKind::Search)])
            .unwrap();
    }
    let s = SqliteStore::open(&path).unwrap();
    assert_eq!(
        s.schema_version().unwrap(),
        crate::sqlite::MIGRATIONS.len() as i64
    );
    let c = s.campaign_id("t").unwrap().unwrap();
    assert_eq!(s.pending(c, 5).unwrap().len(), 1);
}

#[test]
fn a_version_1_database_is_migrated_and_its_ads_summarised() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(crate::sqlite::MIGRATIONS[0]).unwrap();
        c.execute_batch(
            r#"
            INSERT INTO campaigns(id, name, config, created_at) VALUES (1, 'old', '{}', 1);
            INSERT INTO ads(id, platform, url, campaign_id, first_seen, last_seen, versions, fingerprint)
                VALUES (1, 'kleinanzeigen', 'http://a/1', 1, 10, 20, 1, 'fp');
            INSERT INTO ad_versions(ad_id, version, seen_at, content)
                VALUES (1, 1, 10, '{"platform":"kleinanzeigen","url":"http://a/1","title":"Graupapagei","description":"zahm","contacts":[],"images":[]}');
            INSERT INTO detections(ad_id, version, relevant, category, risk, risk_score, lang, price_eur, species, json)
                VALUES (1, 1, 1, 'live', 'high', 80, 'de', 500.0, '["Psittacus erithacus"]',
                '{"specimens":2,"species":[{"scientific_name":"Psittacus erithacus","cites":"I","eu_annex":"A"}]}');
            PRAGMA user_version = 1;
            "#,
        )
        .unwrap();
    }
    let s = SqliteStore::open(&path).unwrap();
    assert_eq!(
        s.schema_version().unwrap(),
        crate::sqlite::MIGRATIONS.len() as i64
    );
    let q = crate::app::AdQuery {
        appendix: Some("I".into()),
        ..Default::default()
    };
    let page = s.ad_page(&q).unwrap();
    assert_eq!(page.ads.len(), 1);
    let a = &page.ads[0];
    assert_eq!(
        (a.title.as_str(), a.risk.as_str(), a.specimens, a.price_eur),
        ("Graupapagei", "high", Some(2), Some(500.0))
    );
    assert_eq!(a.species, vec!["Psittacus erithacus".to_string()]);
    assert_eq!(a.review_status, "unreviewed");
    let stats = s.campaign_stats().unwrap();
    assert_eq!((stats[0].relevant, stats[0].specimens), (1, 2));
}

#[test]
fn reviews_are_audited_and_reports_deduplicated() {
    let mut s = SqliteStore::in_memory().unwrap();
    let c = s.campaign("t", &serde_json::json!({})).unwrap();
    let id = s
        .commit_fetch(&commit(
            c,
            "http://a/ad",
            Some((ad("http://a/ad", "500 €"), det("high"))),
        ))
        .unwrap()
        .ad_id
        .unwrap();
    let mut r = crate::app::Review {
        relevant: true,
        category: crate::Category::Live,
        risk: crate::Risk::High,
        ..Default::default()
    };
    s.save_review(id, &r, crate::ReviewStatus::Confirmed, "ana")
        .unwrap();
    r.risk = crate::Risk::Medium;
    r.takedown = true;
    let stored = s
        .save_review(id, &r, crate::ReviewStatus::Corrected, "bob")
        .unwrap();
    assert_eq!(
        (stored.reviewer.as_str(), stored.status.as_str()),
        ("bob", "corrected")
    );
    let log = s.audit_log(Some(id), 10).unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].username, "bob");
    assert_eq!(log[0].detail["risk"]["old"], "high");
    assert_eq!(log[0].detail["risk"]["new"], "medium");
    assert!(log[0].detail.get("category").is_none());
    assert!(s
        .save_review(9999, &r, crate::ReviewStatus::Corrected, "bob")
        .is_err());
    let (a, o) = s.add_report("http://x/1", "k1", "first", "ip").unwrap();
    let (b, o2) = s.add_report("http://x/1#y", "k1", "again", "ip").unwrap();
    assert_eq!(
        (a, o, o2),
        (
            b,
            crate::app::ReportOutcome::New,
            crate::app::ReportOutcome::Duplicate
        )
    );
    assert_eq!(s.reports(10).unwrap()[0].times, 2);
    // A report taken but never finished (crash) is taken again.
    assert_eq!(s.take_report().unwrap().unwrap().0, a);
    assert_eq!(s.take_report().unwrap().unwrap().0, a);
    s.finish_report(a, "done", Some(id), None).unwrap();
    assert!(s.take_report().unwrap().is_none());
    assert_eq!(s.report_stats().unwrap().relevant, 1);
}

#[test]
fn ads_list_pages_sorts_counts_and_menus_agree() {
    use crate::app::AdQuery;
    let mut s = SqliteStore::in_memory().unwrap();
    let c = s.campaign("t", &serde_json::json!({})).unwrap();
    let species = ["Psittacus erithacus", "Testudo hermanni"];
    for i in 0..9usize {
        let url = format!("http://a/ad{i}");
        let mut a = ad(&url, "1 €");
        a.platform = ["p", "q"][i % 2].into();
        a.country = [Some("FR".to_string()), Some("DE".to_string()), None][i % 3].clone();
        let mut d = det("high");
        d.risk_score = [80u8, 40, 80, 10][i % 4];
        d.lang = ["de", "fr", ""][i % 3].into();
        let names: Vec<&str> = species[..1 + i % 2].to_vec();
        d.json = serde_json::json!({
            "species": names.iter().map(|n| serde_json::json!({"scientific_name": n, "cites": "II"})).collect::<Vec<_>>(),
        });
        s.commit_fetch(&commit(c, &url, Some((a, d)))).unwrap();
    }
    let f = s.facets().unwrap();
    assert_eq!(f.platforms, ["p", "q"]);
    assert_eq!(f.countries, ["DE", "FR"]);
    assert_eq!(f.languages, ["de", "fr"]);
    assert_eq!(f.campaigns, ["t"]);
    assert_eq!(f.species, species);
    for sort in [
        None,
        Some("newest"),
        Some("oldest"),
        Some("price"),
        Some("title"),
    ] {
        let all = |q: AdQuery| -> Vec<i64> {
            let mut ids = Vec::new();
            for page in 1.. {
                let p = s
                    .ad_page(&AdQuery {
                        page: Some(page),
                        ..q.clone()
                    })
                    .unwrap();
                ids.extend(p.ads.iter().map(|a| a.id));
                if !p.has_more {
                    break;
                }
            }
            ids
        };
        let q = AdQuery {
            sort: sort.map(str::to_string),
            ..Default::default()
        };
        let one = all(AdQuery {
            per_page: Some(200),
            ..q.clone()
        });
        // Pages of 2 give the same rows in the same order as one page.
        assert_eq!(
            all(AdQuery {
                per_page: Some(2),
                ..q.clone()
            }),
            one,
            "{sort:?}"
        );
        assert_eq!(one.len(), 9);
    }
    let ids =
        |q: &AdQuery| -> Vec<i64> { s.ad_page(q).unwrap().ads.iter().map(|a| a.id).collect() };
    let newest = ids(&AdQuery {
        sort: Some("newest".into()),
        ..Default::default()
    });
    let mut oldest = ids(&AdQuery {
        sort: Some("oldest".into()),
        ..Default::default()
    });
    oldest.reverse();
    assert_eq!(newest, oldest);
    let by_risk = s.ad_page(&AdQuery::default()).unwrap().ads;
    assert!(by_risk
        .windows(2)
        .all(|w| (-w[0].risk_score, w[0].id) < (-w[1].risk_score, w[1].id)));
    // Counts (species written as IN) agree with pages (species written as EXISTS).
    for q in [
        AdQuery {
            species: Some("Testudo hermanni".into()),
            ..Default::default()
        },
        AdQuery {
            appendix: Some("II".into()),
            platform: Some("q".into()),
            ..Default::default()
        },
        AdQuery {
            country: Some("fr".into()),
            ..Default::default()
        },
        AdQuery {
            lang: Some("de".into()),
            species: Some("Psittacus erithacus".into()),
            ..Default::default()
        },
    ] {
        let n = s.ad_count(&q).unwrap();
        assert_eq!(n as usize, ids(&q).len(), "{q:?}");
        assert!(n > 0, "{q:?}");
    }
}

#[test]
fn queuing_reads_the_last_seq_from_an_index_not_the_whole_frontier() {
    // Every commit that queues URLs reads the campaign's last seq; a scan of the frontier there
    // made a crawl quadratic (400 µs per commit at 18,000 URLs, growing with every URL).
    let s = SqliteStore::in_memory().unwrap();
    let plan: Vec<String> = s
        .conn
        .prepare(&format!("EXPLAIN QUERY PLAN {}", crate::sqlite::LAST_SEQ))
        .unwrap()
        .query_map([1i64], |r| r.get::<_, String>(3))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert!(
        plan.iter().any(|d| d.contains("frontier_campaign_seq")),
        "{plan:?}"
    );
    // And the seq it gives still orders what is queued after what was there.
    let mut s = s;
    let c = s.campaign("t", &serde_json::json!({})).unwrap();
    s.enqueue(
        c,
        &[
            item("http://a/1", UrlKind::Ad),
            item("http://a/2", UrlKind::Ad),
        ],
    )
    .unwrap();
    s.enqueue(c, &[item("http://a/3", UrlKind::Ad)]).unwrap();
    let order: Vec<String> = s
        .pending(c, 10)
        .unwrap()
        .into_iter()
        .map(|i| i.url)
        .collect();
    assert_eq!(order, ["http://a/1", "http://a/2", "http://a/3"]);
}

mod policy_audits {
    use super::*;

    crate::policy_audits_suite!(run_on_sqlite);

    fn run_on_sqlite(case: fn(&mut dyn crate::suite::PolicyStore)) {
        case(&mut SqliteStore::in_memory().unwrap());
    }
}

mod campaign_reports {
    use super::*;

    crate::campaign_reports_suite!(run_on_sqlite);

    fn run_on_sqlite(case: fn(&mut dyn crate::suite::ReportStore)) {
        case(&mut SqliteStore::in_memory().unwrap());
    }
}

mod notices {
    use super::*;

    crate::notices_suite!(run_on_sqlite);

    fn run_on_sqlite(case: fn(&mut dyn crate::suite::NoticeStore)) {
        case(&mut SqliteStore::in_memory().unwrap());
    }
}
