//! Reading the tables and columns of both schemas, and the rows of an SQLite table.

use std::collections::HashMap;

use postgres::Transaction;
use rusqlite::types::ValueRef;

use super::rows::{Row, Shape, Val};
use super::CopyError;

pub(super) fn sqlite_tables(conn: &rusqlite::Connection) -> Result<Vec<String>, CopyError> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    let names = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(names.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub(super) fn sqlite_columns(
    conn: &rusqlite::Connection,
    table: &str,
) -> Result<Vec<String>, CopyError> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
    let names = stmt.query_map([table], |r| r.get::<_, String>(0))?;
    Ok(names.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Column types of a table in the target's current schema.
pub(super) fn pg_columns(
    tx: &mut Transaction<'_>,
    table: &str,
) -> Result<HashMap<String, String>, CopyError> {
    Ok(tx
        .query(
            "SELECT column_name, data_type FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1",
            &[&table],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect())
}

pub(super) fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

pub(super) fn read_sqlite(
    conn: &rusqlite::Connection,
    table: &str,
    shape: &Shape,
) -> Result<Vec<Row>, CopyError> {
    let cols: Vec<String> = shape.cols.iter().map(|c| quote(c)).collect();
    let sql = format!("SELECT {} FROM {}", cols.join(", "), quote(table));
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut row = Vec::with_capacity(cols.len());
        for i in 0..cols.len() {
            row.push(match r.get_ref(i)? {
                ValueRef::Null => Val::Null,
                ValueRef::Integer(v) => Val::Int(v),
                ValueRef::Real(v) => Val::Real(v),
                ValueRef::Text(t) => Val::Text(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => Val::Blob(b.to_vec()),
            });
        }
        out.push(row);
    }
    Ok(out)
}
