//! The store suite (`wildwatch_store::suite`) on PostgreSQL, each case in a fresh schema.

mod common;

wildwatch_store::store_suite!(run_on_postgres);

fn run_on_postgres(case: fn(&mut dyn wildwatch_store::Store)) {
    let Some(db) = common::TestDb::new() else {
        return;
    };
    let mut store = db.store();
    case(&mut store);
}

mod accounts {
    use super::common;

    wildwatch_store::accounts_suite!(run_on_postgres);

    fn run_on_postgres(case: fn(&mut dyn wildwatch_store::Accounts)) {
        let Some(db) = common::TestDb::new() else {
            return;
        };
        let mut store = db.store();
        case(&mut store);
    }
}

mod reviews {
    use super::common;

    wildwatch_store::reviews_suite!(run_on_postgres);

    fn run_on_postgres(case: fn(&mut dyn wildwatch_store::suite::ReviewStore)) {
        let Some(db) = common::TestDb::new() else {
            return;
        };
        let mut store = db.store();
        case(&mut store);
    }
}

mod policy_audits {
    use super::common;

    wildwatch_store::policy_audits_suite!(run_on_postgres);

    fn run_on_postgres(case: fn(&mut dyn wildwatch_store::suite::PolicyStore)) {
        let Some(db) = common::TestDb::new() else {
            return;
        };
        let mut store = db.store();
        case(&mut store);
    }
}

mod campaign_reports {
    use super::common;

    wildwatch_store::campaign_reports_suite!(run_on_postgres);

    fn run_on_postgres(case: fn(&mut dyn wildwatch_store::suite::ReportStore)) {
        let Some(db) = common::TestDb::new() else {
            return;
        };
        let mut store = db.store();
        case(&mut store);
    }
}

mod notices {
    use super::common;

    wildwatch_store::notices_suite!(run_on_postgres);

    fn run_on_postgres(case: fn(&mut dyn wildwatch_store::suite::NoticeStore)) {
        let Some(db) = common::TestDb::new() else {
            return;
        };
        let mut store = db.store();
        case(&mut store);
    }

    /// Two processes recording notices for the same ads at once (in opposite orders): each ad
    /// ends up named in one notice, and the loser of each race is told which notice has it.
    #[test]
    fn two_processes_never_name_an_ad_twice() {
        use std::sync::{Arc, Barrier};
        use wildwatch_store::action::{NewNotice, NoticeOutcome};
        use wildwatch_store::suite::{ad, commit, det};
        use wildwatch_store::{Notices, Store};

        let Some(db) = common::TestDb::new() else {
            return;
        };
        let mut store = db.store();
        let c = store.campaign("t", &serde_json::json!({})).unwrap();
        for i in 0..21 {
            let url = format!("http://h/ad/{i}");
            store
                .commit_fetch(&commit(c, &url, Some((ad(&url, "10 €"), det("high")))))
                .unwrap();
        }
        let ids = store.campaign_ad_ids(c, false).unwrap();
        let rounds = ids.len() / 2;
        let barrier = Arc::new(Barrier::new(2));
        let racers: Vec<_> = [false, true]
            .into_iter()
            .map(|reverse| {
                let (url, ids, barrier) = (db.url(), ids.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let mut s = wildwatch_store_pg::PgStore::connect(&url).unwrap();
                    let mut outcomes = Vec::new();
                    for r in 0..rounds {
                        let mut pair = vec![ids[2 * r], ids[2 * r + 1]];
                        if reverse {
                            pair.reverse();
                        }
                        barrier.wait();
                        let out = s
                            .record_notice(&NewNotice {
                                campaign_id: c,
                                platform: "p".into(),
                                lang: "de".into(),
                                created_by: if reverse { "bob" } else { "ann" }.into(),
                                ad_ids: pair,
                                ..Default::default()
                            })
                            .unwrap();
                        outcomes.push(out);
                    }
                    outcomes
                })
            })
            .collect();
        let results: Vec<Vec<NoticeOutcome>> =
            racers.into_iter().map(|t| t.join().unwrap()).collect();
        for r in 0..rounds {
            let (x, y) = (results[0][r], results[1][r]);
            let recorded: Vec<i64> = [x, y]
                .iter()
                .filter_map(|o| match o {
                    NoticeOutcome::Recorded(id) => Some(*id),
                    NoticeOutcome::AlreadyNamed { .. } => None,
                })
                .collect();
            assert_eq!(recorded.len(), 1, "round {r}: {x:?} {y:?}");
            for o in [x, y] {
                if let NoticeOutcome::AlreadyNamed { notice, ad } = o {
                    assert_eq!(notice, recorded[0]);
                    assert!(ad == ids[2 * r] || ad == ids[2 * r + 1]);
                }
            }
        }
        assert_eq!(store.notices(Some(c)).unwrap().len(), rounds);
        let twice: i64 = db
            .client()
            .query_one(
                "SELECT COUNT(*) FROM (SELECT ad_id FROM notice_ads GROUP BY ad_id \
                 HAVING COUNT(*) > 1) d",
                &[],
            )
            .unwrap()
            .get(0);
        assert_eq!(twice, 0);
    }
}

mod public_reports {
    use super::common;

    wildwatch_store::public_reports_suite!(run_on_postgres);

    fn run_on_postgres(case: fn(&mut dyn wildwatch_store::suite::PublicReportStore)) {
        let Some(db) = common::TestDb::new() else {
            return;
        };
        let mut store = db.store();
        case(&mut store);
    }
}

mod ad_queries {
    use super::common;

    wildwatch_store::ad_queries_suite!(run_on_postgres);

    fn run_on_postgres(case: fn(&mut dyn wildwatch_store::suite::AdQueryStore)) {
        let Some(db) = common::TestDb::new() else {
            return;
        };
        let mut store = db.store();
        case(&mut store);
    }
}

mod links {
    use super::common;

    wildwatch_store::links_suite!(run_on_postgres);

    fn run_on_postgres(case: fn(&mut dyn wildwatch_store::suite::LinkStore)) {
        let Some(db) = common::TestDb::new() else {
            return;
        };
        let mut store = db.store();
        case(&mut store);
    }
}

/// [`wildwatch_store_pg::open_any`] picks the backend by the URL, and either is an `AppStore`.
#[test]
fn open_any_picks_the_backend_by_url() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    let mut s = wildwatch_store_pg::open_any(path.to_str().unwrap()).unwrap();
    s.campaign("t", &serde_json::json!({})).unwrap();
    assert_eq!(s.facets().unwrap().campaigns, ["t"]);
    assert!(path.exists(), "a plain path is an SQLite file");
    let Some(db) = common::TestDb::new() else {
        return;
    };
    let mut s = wildwatch_store_pg::open_any(&db.url()).unwrap();
    s.campaign("u", &serde_json::json!({})).unwrap();
    assert_eq!(s.facets().unwrap().campaigns, ["u"]);
    assert!(wildwatch_store_pg::open_any("postgres://127.0.0.1:1/none?connect_timeout=1").is_err());
}
