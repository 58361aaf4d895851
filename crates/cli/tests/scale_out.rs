//! Scale-out through the real binary: a campaign crawled into SQLite is copied to PostgreSQL
//! (`db migrate`, `db copy`) and reads the same there; two `worker` processes share a crawl of the
//! fixture marketplace, one is killed with SIGKILL mid-crawl, and the campaign still ends with
//! every URL fetched and stored once and nothing lost. Each test runs in its own PostgreSQL
//! schema, dropped afterwards; without PostgreSQL they skip (unless WILDWATCH_REQUIRE_POSTGRES=1).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;
use postgres::{Client, NoTls};
use wildwatch_fixture::{Fixture, FixtureConfig};

mod pg;
use pg::TestDb;

fn wildwatch() -> Command {
    let mut c = Command::cargo_bin("wildwatch").unwrap();
    c.env_remove("WILDWATCH_DB").env_remove("WILDWATCH_HOME");
    c
}

fn run(c: &mut Command) -> String {
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{c:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn campaign_file(dir: &Path, fx: &Fixture, rate: u32) -> std::path::PathBuf {
    let mut t = format!(
        "name = \"scale\"\nrate_per_host = {rate}\nconcurrency_per_host = 4\ntimeout_secs = 5\n\
         max_attempts = 2\nkeywords = [\"a\"]\n"
    );
    for s in &fx.sites {
        t.push_str(&format!(
            "[[platform]]\nadapter = \"{}\"\nbase_url = \"{}\"\nmax_pages = 2\n",
            s.name, s.base_url
        ));
    }
    let p = dir.join("scale.toml");
    std::fs::write(&p, t).unwrap();
    p
}

/// The ads list without store ids (they are given anew in PostgreSQL).
fn ads_json(out: &str) -> Vec<serde_json::Value> {
    let mut rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("id");
            v
        })
        .collect();
    rows.sort_by_key(|v| v["url"].as_str().unwrap_or_default().to_string());
    rows
}

/// Frontier URLs whose page is stored more than once.
const STORED_TWICE: &str = "SELECT COUNT(*) FROM (SELECT url FROM pages WHERE url IN \
     (SELECT url FROM frontier) GROUP BY url HAVING COUNT(*) > 1) d";

/// The workers' campaign ended as the single-process SQLite crawl did: nothing pending, the same
/// frontier, ads, versions and detections, every frontier URL stored once.
fn assert_same_as_reference(db: &TestDb, ref_db: &Path) {
    assert_eq!(
        db.count("SELECT COUNT(*) FROM frontier WHERE state = 'pending'"),
        0
    );
    for sql in [
        "SELECT COUNT(*) FROM frontier",
        "SELECT COUNT(*) FROM frontier WHERE state = 'done'",
        "SELECT COUNT(*) FROM ads",
        "SELECT COUNT(*) FROM ad_versions",
        "SELECT COUNT(*) FROM detections",
        "SELECT COUNT(DISTINCT url) FROM pages WHERE url IN (SELECT url FROM frontier)",
    ] {
        assert_eq!(db.count(sql), sqlite_count(ref_db, sql), "{sql}");
    }
    assert_eq!(sqlite_count(ref_db, STORED_TWICE), 0);
    assert_eq!(db.count(STORED_TWICE), 0);
}

fn sqlite_count(db: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_crawled_campaign_is_copied_to_postgres_and_reads_the_same() {
    let Some(db) = TestDb::new() else {
        return;
    };
    let fx = Fixture::start(
        FixtureConfig {
            ads: 20,
            seed: 3,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let camp = campaign_file(dir.path(), &fx, 0);
    run(wildwatch()
        .arg("--data")
        .arg(&data)
        .args(["crawl", "--quiet"])
        .arg(&camp));
    let url = db.url();
    let migrated = run(wildwatch().args(["db", "migrate", "--db", &url]));
    assert!(migrated.contains("schema version"), "{migrated}");
    let sqlite = data.join("wildwatch.db");
    let copied = run(wildwatch().args([
        "db",
        "copy",
        "--from",
        &format!("sqlite://{}", sqlite.display()),
        "--to",
        &url,
    ]));
    assert!(
        copied.contains(" ok ") || copied.contains(" ok"),
        "{copied}"
    );
    assert!(!copied.contains("DIFFERS"), "{copied}");
    for table in ["frontier", "pages", "ads", "ad_versions", "detections"] {
        assert_eq!(
            db.count(&format!("SELECT COUNT(*) FROM {table}")),
            sqlite_count(&sqlite, &format!("SELECT COUNT(*) FROM {table}")),
            "{table}"
        );
    }
    assert!(db.count("SELECT COUNT(*) FROM ads") > 5);
    let list = |args: &[&str]| {
        run(wildwatch()
            .arg("--data")
            .arg(&data)
            .args(args)
            .args(["ads", "list", "--format", "json"]))
    };
    assert_eq!(
        ads_json(&list(&["--db", &url])),
        ads_json(&list(&[])),
        "the ads list reads the same on both stores"
    );
    // The same campaign again: refused, nothing written.
    let again = wildwatch()
        .args(["db", "copy", "--from"])
        .arg(&sqlite)
        .args(["--to", &url])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds campaign `scale`"));
    // Linking sellers finds the same links and networks on both stores.
    let link = |args: &[&str]| {
        let out = wildwatch()
            .arg("--data")
            .arg(&data)
            .args(args)
            .args(["sellers", "link"])
            .output()
            .unwrap();
        let log = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "{log}");
        log.split(" in ").next().unwrap().to_string()
    };
    assert_eq!(link(&["--db", &url]), link(&[]));
}

#[test]
fn a_campaign_comes_back_from_postgres_into_a_new_sqlite_file() {
    let Some(db) = TestDb::new() else {
        return;
    };
    let fx = Fixture::start(
        FixtureConfig {
            ads: 12,
            seed: 4,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let camp = campaign_file(dir.path(), &fx, 0);
    run(wildwatch()
        .arg("--data")
        .arg(&data)
        .args(["crawl", "--quiet"])
        .arg(&camp));
    let url = db.url();
    let sqlite = data.join("wildwatch.db");
    run(wildwatch()
        .args(["db", "copy", "--from"])
        .arg(&sqlite)
        .args(["--to", &url]));
    // Back: the direction follows from which side is PostgreSQL; the file is created.
    let back = dir.path().join("offline").join("back.db");
    std::fs::create_dir_all(back.parent().unwrap()).unwrap();
    let out = run(wildwatch()
        .args(["db", "copy", "--campaign", "scale", "--from", &url, "--to"])
        .arg(&back));
    assert!(out.contains("ok") && !out.contains("DIFFERS"), "{out}");
    for table in ["frontier", "pages", "ads", "ad_versions", "detections"] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        assert_eq!(
            sqlite_count(&back, &sql),
            sqlite_count(&sqlite, &sql),
            "{table}"
        );
    }
    let list = |db: &Path| {
        run(wildwatch()
            .arg("--data")
            .arg(&data)
            .arg("--db")
            .arg(db)
            .args(["ads", "list", "--format", "json"]))
    };
    assert_eq!(ads_json(&list(&back)), ads_json(&list(&sqlite)));
    // Again into the same file: refused, nothing written.
    let again = wildwatch()
        .args(["db", "copy", "--from", &url, "--to"])
        .arg(&back)
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already holds campaign `scale`"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(
        sqlite_count(&back, "SELECT COUNT(*) FROM ads"),
        sqlite_count(&sqlite, "SELECT COUNT(*) FROM ads")
    );
    // Two SQLite stores: refused with a word on what `db copy` does.
    let both = wildwatch()
        .args(["db", "copy", "--from"])
        .arg(&sqlite)
        .arg("--to")
        .arg(&back)
        .output()
        .unwrap();
    assert!(!both.status.success());
    assert!(String::from_utf8_lossy(&both.stderr).contains("between SQLite and PostgreSQL"));
}

#[test]
fn two_workers_one_killed_mid_crawl_fetch_everything_once() {
    let Some(db) = TestDb::new() else {
        return;
    };
    let fx = Fixture::start(
        FixtureConfig {
            ads: 30,
            seed: 5,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The same campaign on SQLite with one process: what the workers must end with.
    let reference = dir.path().join("reference");
    let camp = campaign_file(dir.path(), &fx, 10);
    run(wildwatch()
        .arg("--data")
        .arg(&reference)
        .args(["crawl", "--quiet"])
        .arg(&camp));
    let ref_db = reference.join("wildwatch.db");
    let url = db.url();
    run(wildwatch().args(["db", "migrate", "--db", &url]));
    let data = dir.path().join("workers");
    let spawn = || {
        wildwatch()
            .arg("--data")
            .arg(&data)
            .args(["--db", &url, "worker", "--quiet", "--lease-secs", "2"])
            .arg(&camp)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut doomed = spawn();
    let survivor = spawn();
    // Kill one worker in the middle of jobs: once pages are stored and it holds leases (its
    // lease owner name carries its process id).
    let mut poll = Client::connect(&url, NoTls).unwrap();
    let mine = format!("%-{}-%", doomed.id());
    let started = Instant::now();
    loop {
        let row = poll
            .query_one(
                "SELECT (SELECT COUNT(*) FROM pages), (SELECT COUNT(*) FROM frontier \
                 WHERE state = 'pending' AND lease_owner LIKE $1)",
                &[&mine],
            )
            .unwrap();
        let (pages, leased): (i64, i64) = (row.get(0), row.get(1));
        if pages >= 10 && leased > 0 {
            break;
        }
        if started.elapsed() > Duration::from_secs(90) || doomed.try_wait().unwrap().is_some() {
            let _ = doomed.kill();
            let out = doomed.wait_with_output().unwrap();
            panic!(
                "the worker to kill never held a lease after 10 pages ({pages} pages): {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    doomed.kill().unwrap(); // SIGKILL
    doomed.wait().unwrap();
    let leased_by_dead = db
        .count("SELECT COUNT(*) FROM frontier WHERE state = 'pending' AND lease_owner IS NOT NULL");
    let out = survivor.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{log}");
    eprintln!("surviving worker: {log}; URLs leased when the other was killed: {leased_by_dead}");

    assert_same_as_reference(&db, &ref_db);
}

/// Ends the sessions of the workers named `app` (as a PostgreSQL restart or a network cut would);
/// returns how many there were.
fn terminate(db: &TestDb, app: &str) -> i64 {
    let mut c = Client::connect(&db.url(), NoTls).unwrap();
    c.query_one(
        "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1",
        &[&app],
    )
    .unwrap()
    .get(0)
}

#[test]
fn workers_survive_dropped_connections_then_share_rescan_photo_and_report_jobs() {
    let Some(db) = TestDb::new() else {
        return;
    };
    let fx = Fixture::start(
        FixtureConfig {
            ads: 20,
            seed: 9,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Photos are left for the photo job.
    let camp = campaign_file(dir.path(), &fx, 20);
    let mut text = std::fs::read_to_string(&camp).unwrap();
    text = text.replacen("keywords", "photos_per_ad = 0\nkeywords", 1);
    std::fs::write(&camp, text).unwrap();
    let reference = dir.path().join("reference");
    run(wildwatch()
        .arg("--data")
        .arg(&reference)
        .args(["crawl", "--quiet"])
        .arg(&camp));
    let ref_db = reference.join("wildwatch.db");
    // Workers name their sessions, so that only theirs are ended (other tests share the server).
    let app = format!("ww-fault-{}", db.schema);
    let url = format!("{} application_name={app}", db.url());
    run(wildwatch().args(["db", "migrate", "--db", &url]));
    let data = dir.path().join("workers");
    let spawn = || {
        wildwatch()
            .arg("--data")
            .arg(&data)
            .args(["--db", &url, "worker", "--quiet", "--lease-secs", "3"])
            .arg(&camp)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut workers = [spawn(), spawn()];
    // Three times during the crawl, every worker session is ended.
    let mut ended = Vec::new();
    let started = Instant::now();
    let mut next_at = 4;
    while ended.len() < 3 && started.elapsed() < Duration::from_secs(90) {
        if workers.iter_mut().all(|w| w.try_wait().unwrap().is_some()) {
            break;
        }
        if db.count("SELECT COUNT(*) FROM pages") >= next_at {
            let n = terminate(&db, &app);
            if n > 0 {
                ended.push(n);
                next_at += 6;
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut logs = String::new();
    for w in workers {
        let out = w.wait_with_output().unwrap();
        let log = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "{log}");
        logs.push_str(&log);
    }
    eprintln!("sessions ended: {ended:?}\n{logs}");
    assert_eq!(
        ended.len(),
        3,
        "the crawl ended before its sessions could be ended 3 times"
    );
    // Each worker reports how often it connected again; together at least once per ending.
    let reconnects: u64 = logs
        .split(" reconnects")
        .filter_map(|before| before.rsplit(' ').next()?.parse::<u64>().ok())
        .sum();
    assert!(reconnects >= 2, "{reconnects} reconnects: {logs}");
    assert_same_as_reference(&db, &ref_db);
    let twice = STORED_TWICE;
    assert_eq!(db.count("SELECT COUNT(*) FROM photos"), 0);

    // Jobs: detection again in ranges of 5 ad ids, the photos, the report.
    let ads = db.count("SELECT COUNT(*) FROM ads");
    for args in [
        vec!["rescan", "scale", "--chunk", "5"],
        vec!["photos", "scale"],
        vec!["report", "scale", "--format", "json"],
    ] {
        run(wildwatch().args(["--db", &url, "jobs", "add"]).args(args));
    }
    let jobs = db.count("SELECT COUNT(*) FROM jobs");
    assert!(jobs >= 3 + (ads - 1) / 5, "{jobs} jobs for {ads} ads");
    let workers = [spawn(), spawn()];
    for w in workers {
        let out = w.wait_with_output().unwrap();
        let log = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{log}");
        eprintln!("{log}");
    }
    assert_eq!(
        db.count("SELECT COUNT(*) FROM jobs WHERE state <> 'done'"),
        0
    );
    assert_eq!(
        db.count("SELECT COUNT(DISTINCT lease_owner) FROM jobs"),
        0,
        "leases are released"
    );
    // Every ad detected again once, nothing changed (same detector).
    let list: Vec<serde_json::Value> = serde_json::from_str(&run(wildwatch().args([
        "--db",
        &url,
        "jobs",
        "list",
        "--campaign",
        "scale",
        "--json",
    ])))
    .unwrap();
    let rescanned: i64 = list
        .iter()
        .filter(|j| j["kind"] == "rescan")
        .map(|j| j["result"]["ads"].as_i64().unwrap())
        .sum();
    assert_eq!(rescanned, ads);
    assert!(list
        .iter()
        .filter(|j| j["kind"] == "rescan")
        .all(|j| j["result"]["risk_changed"] == 0 && j["result"]["species_changed"] == 0));
    // Every photo the ads show was fetched (once) and hashed by the workers.
    let photo_urls = db.count("SELECT COUNT(DISTINCT url) FROM ad_photos");
    assert!(photo_urls > 0);
    assert_eq!(db.count("SELECT COUNT(*) FROM photos"), photo_urls);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM photos WHERE phash IS NULL"),
        0
    );
    assert_eq!(db.count(twice), 0);
    // The report job's output is the report `wildwatch report` gives on PostgreSQL and on the
    // SQLite store of the single-process crawl.
    let report_job = list.iter().find(|j| j["kind"] == "report").unwrap();
    let out = dir.path().join("report.json");
    run(wildwatch()
        .args(["--db", &url, "jobs", "output"])
        .arg(report_job["id"].as_i64().unwrap().to_string())
        .arg("--out")
        .arg(&out));
    let from_job: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let on_pg: serde_json::Value = serde_json::from_str(&run(
        wildwatch().args(["--db", &url, "report", "scale", "--format", "json"])
    ))
    .unwrap();
    let on_sqlite: serde_json::Value = serde_json::from_str(&run(wildwatch()
        .arg("--data")
        .arg(&reference)
        .args(["report", "scale", "--format", "json"])))
    .unwrap();
    assert_eq!(from_job, on_pg);
    assert_eq!(from_job["summary"], on_sqlite["summary"]);
    assert_eq!(from_job["summary"]["ads"].as_i64(), Some(ads));
    // `rescan` runs on either store directly too.
    let out = wildwatch()
        .arg("--data")
        .arg(&reference)
        .args(["rescan", "scale"])
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{log}");
    assert!(
        log.contains(&format!("{ads} ads detected again")) && log.contains("changed: risk 0"),
        "{log}"
    );
}
