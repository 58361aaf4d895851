//! A PostgreSQL schema of its own per test, dropped afterwards; without a server the tests skip
//! with a notice, unless `WILDWATCH_REQUIRE_POSTGRES=1` (then they fail).

#![allow(dead_code)]

use std::time::Duration;

use postgres::{Client, NoTls};

pub struct TestDb {
    admin: Client,
    pub schema: String,
}

impl TestDb {
    pub fn base() -> String {
        std::env::var("WILDWATCH_TEST_PG")
            .ok()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "host=127.0.0.1 user=postgres dbname=test".into())
    }

    pub fn new() -> Option<TestDb> {
        let mut admin = match Client::connect(&Self::base(), NoTls) {
            Ok(c) => c,
            Err(e) => {
                if std::env::var("WILDWATCH_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                    panic!("PostgreSQL is required (WILDWATCH_REQUIRE_POSTGRES=1) but unreachable: {e}");
                }
                eprintln!(
                    "NOTICE: PostgreSQL at `{}` is unreachable ({e}); skipping",
                    Self::base()
                );
                return None;
            }
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let schema = format!("ww_cli_{}_{nanos}", std::process::id());
        // Retried, and the server's own message printed: a CREATE SCHEMA failed once in a full
        // run, with nothing to say why.
        let mut tries = 0;
        while let Err(e) = admin.batch_execute(&format!("CREATE SCHEMA {schema}")) {
            tries += 1;
            let detail = e
                .as_db_error()
                .map(|d| format!("{d:?}"))
                .unwrap_or_default();
            eprintln!("CREATE SCHEMA {schema} failed (try {tries}): {e} {detail}");
            assert!(tries < 3, "CREATE SCHEMA {schema}: {e} {detail}");
            std::thread::sleep(Duration::from_millis(200));
            if admin.is_closed() {
                admin = Client::connect(&Self::base(), NoTls).unwrap();
            }
        }
        Some(TestDb { admin, schema })
    }

    pub fn url(&self) -> String {
        format!("{} options='-c search_path={}'", Self::base(), self.schema)
    }

    pub fn count(&self, sql: &str) -> i64 {
        let mut c = Client::connect(&self.url(), NoTls).unwrap();
        c.query_one(sql, &[]).unwrap().get(0)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = self
            .admin
            .batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
    }
}

/// A campaign `name` over every site of the fixture marketplace (`rate` requests a second per
/// host, 0 for none).
pub fn campaign_file(
    dir: &std::path::Path,
    fx: &wildwatch_fixture::Fixture,
    name: &str,
    rate: u32,
) -> std::path::PathBuf {
    let mut t = format!(
        "name = \"{name}\"\nkeywords = [\"a\"]\nrate_per_host = {rate}\n\
         concurrency_per_host = 2\ntimeout_secs = 5\nmax_attempts = 2\n"
    );
    for s in &fx.sites {
        t.push_str(&format!(
            "[[platform]]\nadapter = \"{}\"\nbase_url = \"{}\"\nmax_pages = 2\n",
            s.name, s.base_url
        ));
    }
    let p = dir.join(format!("{name}.toml"));
    std::fs::write(&p, t).unwrap();
    p
}

/// Crawls `campaign` into an SQLite store in `data`, copies it to `db` (counts and hashes must
/// agree), then deletes the SQLite file, so that nothing later can fall back on it.
pub fn crawl_into_postgres(db: &TestDb, data: &std::path::Path, campaign: &std::path::Path) {
    use assert_cmd::cargo::CommandCargoExt;
    let run = |c: &mut std::process::Command| {
        let out = c.output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{c:?} failed:\n{text}");
        text
    };
    let mut c = std::process::Command::cargo_bin("wildwatch").unwrap();
    c.env_remove("WILDWATCH_DB").env_remove("WILDWATCH_HOME");
    run(c
        .arg("--data")
        .arg(data)
        .args(["crawl", "--quiet"])
        .arg(campaign));
    let mut c = std::process::Command::cargo_bin("wildwatch").unwrap();
    let copied = run(c
        .args(["db", "copy", "--from"])
        .arg(data.join("wildwatch.db"))
        .args(["--to", &db.url()]));
    assert!(!copied.contains("DIFFERS"), "{copied}");
    for f in ["wildwatch.db", "wildwatch.db-wal", "wildwatch.db-shm"] {
        let _ = std::fs::remove_file(data.join(f));
    }
}

/// A database of its own, the fixture marketplace and the data directory a test's processes
/// share (WARC evidence and keys stay in `data`; the store is in PostgreSQL).
pub struct World {
    pub db: TestDb,
    pub fx: wildwatch_fixture::Fixture,
    pub dir: tempfile::TempDir,
    pub data: std::path::PathBuf,
}

impl World {
    /// `wildwatch --data DATA --db URL …`.
    pub fn ww(&self) -> std::process::Command {
        use assert_cmd::cargo::CommandCargoExt;
        let mut c = std::process::Command::cargo_bin("wildwatch").unwrap();
        c.env_remove("WILDWATCH_DB")
            .env_remove("WILDWATCH_HOME")
            .env("USER", "tester")
            .arg("--data")
            .arg(&self.data)
            .args(["--db", &self.db.url()]);
        c
    }
}
