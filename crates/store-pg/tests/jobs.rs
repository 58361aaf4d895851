//! Workers' jobs (claimed once, taken again after a dead worker's lease runs out, finished only
//! by the lease holder, given up after the last attempt) and the store's reconnection when
//! PostgreSQL ends its session.

mod common;

use std::time::Duration;

use serde_json::json;
use wildwatch_store::suite::{ad, commit, det};
use wildwatch_store::*;
use wildwatch_store_pg::PgStore;

#[test]
fn jobs_are_taken_once_and_taken_again_after_a_lost_lease() {
    let Some(db) = common::TestDb::new() else {
        return;
    };
    let mut s = db.store();
    let c = s.campaign("t", &json!({})).unwrap();
    assert!(s.add_jobs(c, "mine bitcoin", &[json!({})]).is_err());
    let ids = s
        .add_jobs(
            c,
            "rescan",
            &[
                json!({"from_id": 1, "to_id": 10}),
                json!({"from_id": 11, "to_id": 20}),
            ],
        )
        .unwrap();
    assert_eq!(ids.len(), 2);
    let w1 = db.store();
    let w2 = db.store();
    let short = Duration::from_millis(600);
    let long = Duration::from_secs(60);
    let j1 = w1.claim_job(c, "w1", short).unwrap().unwrap();
    let j2 = w2.claim_job(c, "w2", long).unwrap().unwrap();
    assert_eq!((j1.id, j2.id), (ids[0], ids[1]));
    assert_eq!(j1.campaign, "t");
    assert_eq!(j1.args["to_id"], 10);
    assert!(
        w2.claim_job(c, "w2", long).unwrap().is_none(),
        "both are held"
    );
    let counts = s.job_counts(c).unwrap();
    assert_eq!((counts.free, counts.leased), (0, 2));
    // w2 finishes its job with an output; a stranger cannot finish or renew it.
    assert!(!s.finish_job(j2.id, "nobody", &json!({}), None).unwrap());
    assert!(w2.renew_job(j2.id, "w2", long).unwrap());
    assert!(w2
        .finish_job(j2.id, "w2", &json!({"ads": 3}), Some(b"<html>"))
        .unwrap());
    assert_eq!(
        s.job_output(j2.id).unwrap().as_deref(),
        Some(&b"<html>"[..])
    );
    // w1 dies holding j1: once its lease has run out, w2 takes it (second attempt), and w1's
    // late finish counts for nothing.
    std::thread::sleep(Duration::from_millis(700));
    let again = w2.claim_job(c, "w2", long).unwrap().unwrap();
    assert_eq!((again.id, again.attempts), (j1.id, 2));
    assert!(!w1.renew_job(j1.id, "w1", short).unwrap());
    assert!(!w1
        .finish_job(j1.id, "w1", &json!({"late": true}), None)
        .unwrap());
    // Failing: free again until the last attempt, then failed for good.
    assert!(!w2.fail_job(j1.id, "w2", "disk full", 3).unwrap());
    let third = w2.claim_job(c, "w2", long).unwrap().unwrap();
    assert_eq!(third.attempts, 3);
    assert!(w2.fail_job(j1.id, "w2", "disk full again", 3).unwrap());
    assert!(w2.claim_job(c, "w2", long).unwrap().is_none());
    let rows = s.jobs(Some(c)).unwrap();
    assert_eq!(rows.len(), 2);
    let failed = rows.iter().find(|r| r.id == j1.id).unwrap();
    assert_eq!(failed.state, "failed");
    assert_eq!(failed.error.as_deref(), Some("disk full again"));
    let done = rows.iter().find(|r| r.id == j2.id).unwrap();
    assert_eq!((done.state.as_str(), done.output_bytes), ("done", Some(6)));
    assert_eq!(done.result, Some(json!({"ads": 3})));
    let counts = s.job_counts(c).unwrap();
    assert_eq!(
        (counts.free, counts.leased, counts.done, counts.failed),
        (0, 0, 1, 1)
    );
    // Another campaign's jobs are not this one's.
    let other = s.campaign("u", &json!({})).unwrap();
    assert!(w1.claim_job(other, "w1", long).unwrap().is_none());
    let _ = &mut s;
}

/// Ends every session of the test schema's stores named `app` (as an operator, a PostgreSQL
/// restart or a network cut would).
fn terminate(db: &common::TestDb, app: &str) -> i64 {
    let mut admin = db.client();
    admin
        .query_one(
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE application_name = $1 AND pid <> pg_backend_pid()",
            &[&app],
        )
        .unwrap()
        .get(0)
}

#[test]
fn a_store_connects_again_when_postgres_ends_its_session() {
    let Some(db) = common::TestDb::new() else {
        return;
    };
    let app = format!("ww-reconnect-{}", db.schema);
    let url = format!("{} application_name={app}", db.url());
    let mut s = PgStore::connect(&url).unwrap();
    let c = s.campaign("t", &json!({})).unwrap();
    s.commit_fetch(&commit(
        c,
        "http://h/1",
        Some((ad("http://h/1", "5 €"), det("high"))),
    ))
    .unwrap();
    assert_eq!(terminate(&db, &app), 1);
    // The next statements find the session gone, connect again and carry on.
    let r = s
        .commit_fetch(&commit(
            c,
            "http://h/2",
            Some((ad("http://h/2", "6 €"), det("low"))),
        ))
        .unwrap();
    assert!(r.ad_id.is_some());
    assert_eq!(s.reconnects(), 1);
    assert_eq!(terminate(&db, &app), 1);
    assert_eq!(s.list_ads(&AdFilter::default()).unwrap().len(), 2);
    assert_eq!(s.reconnects(), 2);
    // A commit is not stored twice when it is run again (the queue's frontier row says done).
    s.enqueue(
        c,
        &[wildwatch_store::suite::item("http://h/3", UrlKind::Ad)],
    )
    .unwrap();
    s.commit_fetch(&commit(
        c,
        "http://h/3",
        Some((ad("http://h/3", "7 €"), det("low"))),
    ))
    .unwrap();
    assert_eq!(s.frontier_counts(c).unwrap().done, 1);
    assert_eq!(s.reconnects(), 2);
}

#[test]
fn a_session_ended_while_migrating_is_made_again_and_errors_say_what_postgres_said() {
    let Some(db) = common::TestDb::new() else {
        return;
    };
    let app = format!("ww-migrate-{}", db.schema);
    let url = format!("{} application_name={app}", db.url());
    // Another session holds the migration lock, so the new store waits inside its migration.
    let mut holder = db.client();
    holder
        .execute("SELECT pg_advisory_lock(7384920111)", &[])
        .unwrap();
    let connecting = std::thread::spawn(move || {
        let s = PgStore::connect(&url).map_err(|e| e.to_string())?;
        Ok::<_, String>(s.reconnects())
    });
    let started = std::time::Instant::now();
    let mut admin = db.client();
    loop {
        let waiting: i64 = admin
            .query_one(
                "SELECT COUNT(*) FROM pg_stat_activity \
                 WHERE application_name = $1 AND wait_event_type = 'Lock'",
                &[&app],
            )
            .unwrap()
            .get(0);
        if waiting == 1 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the store never waited for the migration lock"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    // Its session is ended mid-migration (a worker starting while PostgreSQL restarts), then the
    // lock is let go: the store connects again and migrates.
    assert_eq!(terminate(&db, &app), 1);
    holder
        .execute("SELECT pg_advisory_unlock(7384920111)", &[])
        .unwrap();
    assert_eq!(connecting.join().unwrap(), Ok(1));

    // A statement PostgreSQL refuses is reported with PostgreSQL's own words, not "db error".
    let s = db.store();
    admin.batch_execute("DROP TABLE schema_migrations").unwrap();
    let e = s.schema_version().unwrap_err().to_string();
    assert!(
        e.contains("schema_migrations") && e.contains("does not exist"),
        "{e}"
    );
}

#[test]
fn a_worker_waits_for_a_server_that_is_not_up_but_not_for_a_refusal() {
    // Nothing listens on port 1: tried again until the wait is over, then explained.
    let started = std::time::Instant::now();
    let e = PgStore::connect_waiting(
        "host=127.0.0.1 port=1 user=postgres dbname=test",
        Duration::from_millis(700),
    )
    .err()
    .expect("nothing listens on port 1")
    .to_string();
    assert!(started.elapsed() >= Duration::from_millis(300), "{e}");
    assert!(e.contains("cannot connect to PostgreSQL at"), "{e}");
    let Some(_db) = common::TestDb::new() else {
        return;
    };
    // A database that does not exist will not appear by waiting: the error comes at once.
    let started = std::time::Instant::now();
    let url = format!("{} dbname=ww_no_such_database", common::base_url());
    let e = PgStore::connect_waiting(&url, Duration::from_secs(60))
        .err()
        .expect("no such database")
        .to_string();
    assert!(started.elapsed() < Duration::from_secs(30), "{e}");
    assert!(e.contains("ww_no_such_database"), "{e}");
}
