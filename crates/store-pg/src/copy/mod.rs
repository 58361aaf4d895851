//! Copying campaigns from an SQLite store into PostgreSQL without loss.
//!
//! Every table of the SQLite schema is copied: a campaign takes its frontier, pages, ads (with
//! versions, detections, species, reviews, signals, identifiers, photos), the sellers and contacts
//! its ads name, notices, policy audits, and the audit-log entries and public reports about its
//! ads; a whole-store copy (no campaign named) takes every row, accounts and networks too. Row ids
//! are given anew by PostgreSQL and every reference is rewritten, so campaigns from several SQLite
//! files can meet in one database. Sellers and photos already in the target are shared, not
//! duplicated ("merged").
//!
//! Everything happens in one transaction on the target. Before it commits, each table is read
//! back and compared with what was read from SQLite: row counts, and a SHA-256 over the rows in
//! key order (ids as given in the target). Any difference rolls the whole copy back.

mod plan;
mod read;
mod rows;
mod write;

use std::collections::HashSet;
use std::path::Path;

use crate::PgStore;

pub use plan::known_tables;

use plan::TABLES;
use read::sqlite_tables;
use write::copy_in;

/// Why a copy did not happen.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    /// The copy was refused before anything was written (explains why and what to do).
    #[error("{0}")]
    Refused(String),
    /// The target read back differs from the source: rolled back.
    #[error("the copy was rolled back: {0}")]
    Mismatch(String),
    /// Reading the SQLite store failed.
    #[error("reading the SQLite store: {0}")]
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
    let target_version = target.schema_version()?;
    if version != target_version {
        return Err(CopyError::Refused(format!(
            "the SQLite store is at schema version {version} and PostgreSQL at {target_version}; \
             both must be the same wildwatch's"
        )));
    }
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
    target.with_client(|client| Ok(copy_in(&conn, client, opts, version)))?
}
