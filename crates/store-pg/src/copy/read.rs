//! Reading the tables and columns of both schemas, the shapes a copy works with, and the rows of
//! a table on either side.

use std::collections::HashMap;

use postgres::Transaction;
use rusqlite::types::ValueRef;

use super::plan::{PG_ONLY_COLUMNS, TABLES};
use super::rows::{PgType, Row, Shape, Val};
use super::CopyError;

/// Every table's shape by name.
pub(super) type Shapes = HashMap<&'static str, Shape>;

/// Rows of every table by name.
pub(super) type Tables = HashMap<&'static str, Vec<Row>>;

/// The shapes of every table of the plan: the SQLite columns (the SQLite side being either the
/// source or the target), each of which PostgreSQL must hold in a type that can hold it.
pub(super) fn shapes(
    conn: &rusqlite::Connection,
    tx: &mut Transaction<'_>,
) -> Result<Shapes, CopyError> {
    let mut shapes = Shapes::new();
    for t in TABLES {
        let cols = sqlite_columns(conn, t.name)?;
        let pg = pg_columns(tx, t.name)?;
        let mut types = Vec::new();
        for c in &cols {
            let ty = pg.get(c).and_then(|d| PgType::parse(d)).ok_or_else(|| {
                CopyError::Refused(format!(
                    "PostgreSQL has no usable column {}.{c}; run `wildwatch db migrate` on it",
                    t.name
                ))
            })?;
            types.push(ty);
        }
        shapes.insert(t.name, Shape { cols, types });
    }
    Ok(shapes)
}

/// Refuses a PostgreSQL column the SQLite schema has no place for (other than the work queue's
/// leases), which a copy to SQLite would drop.
pub(super) fn no_pg_only_columns(
    tx: &mut Transaction<'_>,
    shapes: &Shapes,
) -> Result<(), CopyError> {
    for t in TABLES {
        let shape = &shapes[t.name];
        for col in pg_columns(tx, t.name)?.into_keys() {
            if !shape.cols.contains(&col) && !PG_ONLY_COLUMNS.contains(&(t.name, col.as_str())) {
                return Err(CopyError::Refused(format!(
                    "PostgreSQL has a column {}.{col} that the SQLite store has no place for; \
                     nothing was copied (this wildwatch is older than the database)",
                    t.name
                )));
            }
        }
    }
    Ok(())
}

/// Every table of the plan, read whole through `read`.
pub(super) fn read_all(
    shapes: &Shapes,
    mut read: impl FnMut(&str, &Shape) -> Result<Vec<Row>, CopyError>,
) -> Result<Tables, CopyError> {
    let mut all = Tables::new();
    for t in TABLES {
        all.insert(t.name, read(t.name, &shapes[t.name])?);
    }
    Ok(all)
}

/// The rows of a PostgreSQL table, as SQLite holds them (flags as 0/1).
pub(super) fn read_pg(
    tx: &mut Transaction<'_>,
    table: &str,
    shape: &Shape,
) -> Result<Vec<Row>, CopyError> {
    let cols: Vec<String> = shape.cols.iter().map(|c| quote(c)).collect();
    let sql = format!("SELECT {} FROM {}", cols.join(", "), quote(table));
    Ok(tx
        .query(&sql, &[])?
        .iter()
        .map(|r| {
            shape
                .types
                .iter()
                .enumerate()
                .map(|(i, ty)| ty.read(r, i))
                .collect()
        })
        .collect())
}

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
