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
