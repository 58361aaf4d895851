//! Copying campaigns between an SQLite store and PostgreSQL without loss, either way:
//! [`copy`] from SQLite into PostgreSQL (to scale out), [`copy_back`] from PostgreSQL into an
//! SQLite file (to take a campaign offline or hand it over).
//!
//! Every table of the SQLite schema is copied: a campaign takes its frontier, pages, ads (with
//! versions, detections, species, reviews, signals, identifiers, photos), the sellers and contacts
//! its ads name, notices, policy audits, and the audit-log entries and public reports about its
//! ads; a whole-store copy (no campaign named) takes every row, accounts and networks too. Row ids
//! are given anew by the target and every reference is rewritten, so campaigns from several
//! stores can meet in one. Sellers and photos already in the target are shared, not duplicated
//! ("merged"). What only PostgreSQL has (work-queue leases, host slots, jobs) stays there.
//!
//! Everything happens in one transaction on the target. Before it commits, each table is read
//! back and compared with what was read from the source: row counts, and a SHA-256 over the rows
//! in key order (ids as given in the target). Any difference rolls the whole copy back. Both
//! directions share the plan ([`known_tables`]), the selection of rows, the writing and the
//! comparison; only reading the source and writing the target differ.

mod plan;
mod read;
mod rows;
mod select;
mod target;
mod write;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::{pg, PgStore};

pub use plan::known_tables;

use plan::TABLES;
use read::{no_pg_only_columns, read_all, read_pg, read_sqlite, shapes, sqlite_tables};
use select::select;
use target::{PgTarget, SqliteTarget};
use write::write_checked;

/// Why a copy did not happen.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    /// The copy was refused before anything was written (explains why and what to do).
    #[error("{0}")]
    Refused(String),
    /// The target read back differs from the source: rolled back.
    #[error("the copy was rolled back: {0}")]
    Mismatch(String),
    /// Reading or writing the SQLite store failed (a copy into it was rolled back).
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL failed (the copy was rolled back).
    #[error("PostgreSQL: {0}")]
    Pg(#[from] postgres::Error),
    /// Opening either store failed.
    #[error(transparent)]
    Store(#[from] wildwatch_store::StoreError),
}

/// What to copy.
#[derive(Debug, Clone, Default)]
pub struct CopyOptions {
    /// One campaign by name; `None` copies the whole store (every campaign, accounts, networks).
    pub campaign: Option<String>,
}

/// One table's comparison.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TableReport {
    /// Table name.
    pub table: String,
    /// Rows selected in the source.
    pub source_rows: usize,
    /// Rows written to the target.
    pub copied: usize,
    /// Rows that were already in the target (sellers, contacts, photos shared with other
    /// campaigns) and so not written.
    pub merged: usize,
    /// Rows read back from the target (those written).
    pub target_rows: usize,
    /// SHA-256 over the written rows as read from the source, references rewritten, in key order.
    pub source_sha256: String,
    /// SHA-256 over the same rows read back from the target, in key order.
    pub target_sha256: String,
}

impl TableReport {
    /// Counts and hashes agree.
    pub fn matches(&self) -> bool {
        self.copied == self.target_rows && self.source_sha256 == self.target_sha256
    }
}

/// What a copy did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CopyReport {
    /// Campaigns copied.
    pub campaigns: Vec<String>,
    /// Schema version of both sides.
    pub schema_version: i64,
    /// One line per table, in copy order.
    pub tables: Vec<TableReport>,
}

/// Copies from the SQLite store at `sqlite` into `target` (see the module documentation).
pub fn copy(sqlite: &Path, target: &PgStore, opts: &CopyOptions) -> Result<CopyReport, CopyError> {
    if !sqlite.is_file() {
        return Err(CopyError::Refused(format!(
            "there is no SQLite store at {} (give the path of a wildwatch.db)",
            sqlite.display()
        )));
    }
    // Brings an older file up to the current schema, like every command that opens it.
    let version = wildwatch_store::SqliteStore::open(sqlite)?.schema_version()?;
    same_version(version, target.schema_version()?)?;
    let conn =
        rusqlite::Connection::open_with_flags(sqlite, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    // One snapshot of the source for the whole copy.
    conn.execute_batch("BEGIN")?;
    let known: HashSet<&str> = TABLES.iter().map(|t| t.name).collect();
    for name in sqlite_tables(&conn)? {
        if !known.contains(name.as_str()) {
            return Err(CopyError::Refused(format!(
                "the SQLite store has a table `{name}` that `db copy` does not know; nothing was copied \
                 (this wildwatch is older than the store, or the table was added by hand)"
            )));
        }
    }
    let report = target.with_client(|client| Ok(copy_in(&conn, client, opts, version)))??;
    // The planner's statistics for what was just written (autovacuum would get there later; the
    // first pages of the web app would be planned blind until then).
    target.with_client(|c| c.batch_execute("VACUUM (ANALYZE)").map_err(pg))?;
    Ok(report)
}

/// Copies from `source` into the SQLite store at `sqlite`, which is created (with the SQLite
/// schema) when it does not exist yet; the mirror of [`copy`], with the same guarantees: one
/// transaction on the SQLite file, ids given anew, counts and hashes compared per table before
/// it commits, a campaign the file already holds with data refused. A file this call created is
/// removed again when the copy does not happen.
pub fn copy_back(
    source: &PgStore,
    sqlite: &Path,
    opts: &CopyOptions,
) -> Result<CopyReport, CopyError> {
    let created = !sqlite.exists();
    let result = copy_back_into(source, sqlite, opts);
    if result.is_err() && created {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = sqlite.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
    }
    result
}

fn copy_back_into(
    source: &PgStore,
    sqlite: &Path,
    opts: &CopyOptions,
) -> Result<CopyReport, CopyError> {
    // Creates the file, or brings an older one up to the current schema.
    let version = wildwatch_store::SqliteStore::open(sqlite)?.schema_version()?;
    same_version(version, source.schema_version()?)?;
    let mut conn = rusqlite::Connection::open(sqlite)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    source.with_client(|client| Ok(copy_out(client, &mut conn, opts, version)))?
}

fn same_version(sqlite: i64, pg: i64) -> Result<(), CopyError> {
    if sqlite == pg {
        return Ok(());
    }
    Err(CopyError::Refused(format!(
        "the SQLite store is at schema version {sqlite} and PostgreSQL at {pg}; \
         both must be the same wildwatch's (run `wildwatch db migrate` on the older one)"
    )))
}

/// SQLite (one read transaction, opened by the caller) into PostgreSQL.
fn copy_in(
    conn: &rusqlite::Connection,
    client: &mut postgres::Client,
    opts: &CopyOptions,
    version: i64,
) -> Result<CopyReport, CopyError> {
    let mut tx = client.transaction()?;
    let shapes = shapes(conn, &mut tx)?;
    let all = read_all(&shapes, |t, s| read_sqlite(conn, t, s))?;
    let selected = select(all, &shapes, opts.campaign.as_deref(), "the SQLite store")?;
    let mut target = PgTarget::new(tx);
    let report = write_checked(&mut target, &shapes, selected, version)?;
    target.tx.commit()?;
    Ok(report)
}

/// PostgreSQL (one read-only snapshot) into SQLite (one write transaction).
fn copy_out(
    client: &mut postgres::Client,
    conn: &mut rusqlite::Connection,
    opts: &CopyOptions,
    version: i64,
) -> Result<CopyReport, CopyError> {
    let mut src = client
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()?;
    let shapes = shapes(conn, &mut src)?;
    no_pg_only_columns(&mut src, &shapes)?;
    let all = read_all(&shapes, |t, s| read_pg(&mut src, t, s))?;
    src.commit()?;
    let selected = select(all, &shapes, opts.campaign.as_deref(), "PostgreSQL")?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut target = SqliteTarget { tx };
    let report = write_checked(&mut target, &shapes, selected, version)?;
    target.tx.commit()?;
    Ok(report)
}
