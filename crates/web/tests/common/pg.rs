//! A fresh PostgreSQL schema per test, dropped afterwards (as in `crates/store-pg/tests`).
//! Tests on PostgreSQL skip with a notice when the server cannot be reached, and fail instead
//! when `WILDWATCH_REQUIRE_POSTGRES=1`.

use std::sync::atomic::{AtomicU32, Ordering};

use postgres::{Client, NoTls};
use wildwatch_web::outside_runtime;

/// The server tests use: `WILDWATCH_TEST_PG`, else the local one CI runs.
pub fn base_url() -> String {
    std::env::var("WILDWATCH_TEST_PG")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "host=127.0.0.1 user=postgres dbname=test".into())
}

fn required() -> bool {
    std::env::var("WILDWATCH_REQUIRE_POSTGRES").as_deref() == Ok("1")
}

/// True when the server answers; false (after a notice) when it does not and is not required;
/// a panic when it does not and is required.
pub fn available() -> bool {
    let url = base_url();
    match outside_runtime(|| Client::connect(&url, NoTls).map(drop)) {
        Ok(()) => true,
        Err(e) if required() => panic!(
            "PostgreSQL is required (WILDWATCH_REQUIRE_POSTGRES=1) but {url} is unreachable: {e}"
        ),
        Err(e) => {
            // Straight to stderr: the test harness would hide `eprintln!` of a passing test.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "NOTICE: PostgreSQL at `{url}` is unreachable ({e}); skipping this PostgreSQL \
                 test (set WILDWATCH_TEST_PG, or WILDWATCH_REQUIRE_POSTGRES=1 to fail instead)"
            );
            false
        }
    }
}

fn admin(sql: &str) -> Result<(), postgres::Error> {
    outside_runtime(|| Client::connect(&base_url(), NoTls)?.batch_execute(sql))
}

/// A schema of its own on the test server, dropped (with everything in it) when dropped.
pub struct TestDb {
    /// Schema name.
    pub schema: String,
}

impl TestDb {
    /// A new empty schema.
    pub fn new() -> TestDb {
        static N: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let schema = format!(
            "ww_web_{}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            nanos
        );
        admin(&format!("CREATE SCHEMA {schema}")).expect("create the test schema");
        TestDb { schema }
    }

    /// A connection string whose search path is the test schema.
    pub fn url(&self) -> String {
        format!("{} options='-c search_path={}'", base_url(), self.schema)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = admin(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
    }
}
