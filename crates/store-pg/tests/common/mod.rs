//! A fresh PostgreSQL schema per test, dropped afterwards; tests skip (with a notice) when
//! PostgreSQL cannot be reached, unless `WILDWATCH_REQUIRE_POSTGRES=1`.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use postgres::{Client, NoTls};
use wildwatch_store_pg::PgStore;

/// The server tests use: `WILDWATCH_TEST_PG`, else the local one CI runs.
pub fn base_url() -> String {
    std::env::var("WILDWATCH_TEST_PG")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "host=127.0.0.1 user=postgres dbname=test".into())
}

/// A schema of its own on the test server.
pub struct TestDb {
    admin: Client,
    /// Schema name.
    pub schema: String,
}

impl TestDb {
    /// A new empty schema, or `None` (after a notice) when PostgreSQL is unreachable and not
    /// required.
    pub fn new() -> Option<TestDb> {
        let url = base_url();
        let mut admin = match Client::connect(&url, NoTls) {
            Ok(c) => c,
            Err(e) => {
                if std::env::var("WILDWATCH_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                    panic!("PostgreSQL is required (WILDWATCH_REQUIRE_POSTGRES=1) but {url} is unreachable: {e}");
                }
                eprintln!("NOTICE: PostgreSQL at `{url}` is unreachable ({e}); skipping this PostgreSQL test (set WILDWATCH_TEST_PG, or WILDWATCH_REQUIRE_POSTGRES=1 to fail instead)");
                return None;
            }
        };
        static N: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let schema = format!(
            "ww_test_{}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            nanos
        );
        admin
            .batch_execute(&format!("CREATE SCHEMA {schema}"))
            .expect("create test schema");
        Some(TestDb { admin, schema })
    }

    /// A connection string whose search path is the test schema.
    pub fn url(&self) -> String {
        format!("{} options='-c search_path={}'", base_url(), self.schema)
    }

    /// A store in the test schema (migrated).
    pub fn store(&self) -> PgStore {
        PgStore::connect(&self.url()).expect("connect to the test schema")
    }

    /// A plain client in the test schema.
    pub fn client(&self) -> Client {
        Client::connect(&self.url(), NoTls).expect("connect to the test schema")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // Ends the connections of this schema's stores first (a killed worker's may linger).
        let _ = self
            .admin
            .batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
    }
}
