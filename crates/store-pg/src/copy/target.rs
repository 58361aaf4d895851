//! The side a copy writes to, inside its one transaction: PostgreSQL (from SQLite) or SQLite
//! (from PostgreSQL). The copy itself ([`super::write`]) is the same for both.

use std::collections::HashMap;

use postgres::types::ToSql;
use rusqlite::types::Value;

use super::read::{quote, read_pg, read_sqlite};
use super::rows::{Row, Shape, Val};
use super::CopyError;

/// What an insert did.
pub(super) enum Put {
    /// The row was written and given this id.
    Id(i64),
    /// The row (without an id of its own) was written.
    Written,
    /// An equal row was already there (`ON CONFLICT DO NOTHING`): nothing was written.
    Merged,
}

/// The writes and reads a copy needs from its target.
pub(super) trait Target {
    /// The `i`-th (from 1) statement parameter.
    fn placeholder(&self, i: usize) -> String;
    /// The target's campaign of this name: its id, and whether it holds data.
    fn campaign(&mut self, name: &str) -> Result<Option<(i64, bool)>, CopyError>;
    /// The campaign of the target's ad with this platform and URL, if it has one.
    fn ad_campaign(
        &mut self,
        platform: &str,
        url: &str,
    ) -> Result<Option<Option<String>>, CopyError>;
    /// Runs an insert of `row`'s columns `cols` (`sql` from [`super::write`]).
    fn insert(
        &mut self,
        sql: &str,
        shape: &Shape,
        row: &Row,
        cols: &[usize],
        returns_id: bool,
    ) -> Result<Put, CopyError>;
    /// The id of the target's seller with `row`'s platform and name.
    fn seller_id(&mut self, shape: &Shape, row: &Row) -> Result<i64, CopyError>;
    /// Gives the target's (empty) campaign `id` the settings of the source's `row`.
    fn update_campaign(&mut self, id: i64, shape: &Shape, row: &Row) -> Result<(), CopyError>;
    /// Every row of a table, as the source read them.
    fn read_table(&mut self, table: &str, shape: &Shape) -> Result<Vec<Row>, CopyError>;
    /// Last writes before the comparison.
    fn finish(&mut self) -> Result<(), CopyError>;
}

/// PostgreSQL as the target.
pub(super) struct PgTarget<'a> {
    /// The copy's transaction.
    pub(super) tx: postgres::Transaction<'a>,
    /// Inserts, prepared once each.
    stmts: HashMap<String, postgres::Statement>,
}

impl<'a> PgTarget<'a> {
    pub(super) fn new(tx: postgres::Transaction<'a>) -> Self {
        PgTarget {
            tx,
            stmts: HashMap::new(),
        }
    }
}

fn pg_params(shape: &Shape, row: &Row, cols: &[usize]) -> Vec<Box<dyn ToSql + Sync>> {
    cols.iter()
        .map(|&i| shape.types[i].param(&row[i]))
        .collect()
}

fn pg_refs(params: &[Box<dyn ToSql + Sync>]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| &**p).collect()
}

impl Target for PgTarget<'_> {
    fn placeholder(&self, i: usize) -> String {
        format!("${i}")
    }

    fn campaign(&mut self, name: &str) -> Result<Option<(i64, bool)>, CopyError> {
        let Some(row) = self
            .tx
            .query_opt("SELECT id FROM campaigns WHERE name = $1", &[&name])?
        else {
            return Ok(None);
        };
        let id: i64 = row.get(0);
        let used: bool = self.tx.query_one(&USED.replace('?', "$"), &[&id])?.get(0);
        Ok(Some((id, used)))
    }

    fn ad_campaign(
        &mut self,
        platform: &str,
        url: &str,
    ) -> Result<Option<Option<String>>, CopyError> {
        Ok(self
            .tx
            .query_opt(&AD_CAMPAIGN.replace('?', "$"), &[&platform, &url])?
            .map(|r| r.get(0)))
    }

    fn insert(
        &mut self,
        sql: &str,
        shape: &Shape,
        row: &Row,
        cols: &[usize],
        returns_id: bool,
    ) -> Result<Put, CopyError> {
        if !self.stmts.contains_key(sql) {
            let stmt = self.tx.prepare(sql)?;
            self.stmts.insert(sql.to_string(), stmt);
        }
        let stmt = &self.stmts[sql];
        let params = pg_params(shape, row, cols);
        let refs = pg_refs(&params);
        Ok(if returns_id {
            match self.tx.query_opt(stmt, &refs)? {
                Some(r) => Put::Id(r.get(0)),
                None => Put::Merged,
            }
        } else if self.tx.execute(stmt, &refs)? == 0 {
            Put::Merged
        } else {
            Put::Written
        })
    }

    fn seller_id(&mut self, shape: &Shape, row: &Row) -> Result<i64, CopyError> {
        let params = pg_params(shape, row, &[shape.at("platform"), shape.at("name")]);
        Ok(self
            .tx
            .query_one(&SELLER_ID.replace('?', "$"), &pg_refs(&params))?
            .get(0))
    }

    fn update_campaign(&mut self, id: i64, shape: &Shape, row: &Row) -> Result<(), CopyError> {
        let mut params: Vec<Box<dyn ToSql + Sync>> = vec![Box::new(id)];
        params.extend(pg_params(
            shape,
            row,
            &[shape.at("config"), shape.at("created_at")],
        ));
        self.tx
            .execute(&UPDATE_CAMPAIGN.replace('?', "$"), &pg_refs(&params))?;
        Ok(())
    }

    fn read_table(&mut self, table: &str, shape: &Shape) -> Result<Vec<Row>, CopyError> {
        read_pg(&mut self.tx, table, shape)
    }

    fn finish(&mut self) -> Result<(), CopyError> {
        // New frontier entries must come after every copied one.
        self.tx.execute(
            "SELECT setval('frontier_seq', GREATEST((SELECT COALESCE(MAX(seq), 0) FROM frontier), \
             (SELECT last_value FROM frontier_seq)))",
            &[],
        )?;
        Ok(())
    }
}

// Statements both targets run, with SQLite's parameters (`?N`; PostgreSQL's are `$N`).

/// Whether campaign `?1` holds data.
const USED: &str = "SELECT EXISTS (SELECT 1 FROM frontier WHERE campaign_id = ?1) \
     OR EXISTS (SELECT 1 FROM pages WHERE campaign_id = ?1) \
     OR EXISTS (SELECT 1 FROM ads WHERE campaign_id = ?1)";
const AD_CAMPAIGN: &str = "SELECT c.name FROM ads a LEFT JOIN campaigns c ON c.id = a.campaign_id \
     WHERE a.platform = ?1 AND a.url = ?2";
const SELLER_ID: &str = "SELECT id FROM sellers WHERE platform = ?1 AND name = ?2";
const UPDATE_CAMPAIGN: &str = "UPDATE campaigns SET config = ?2, created_at = ?3 WHERE id = ?1";

/// SQLite as the target.
pub(super) struct SqliteTarget<'a> {
    /// The copy's transaction.
    pub(super) tx: rusqlite::Transaction<'a>,
}

fn sqlite_value(v: &Val) -> Value {
    match v {
        Val::Null => Value::Null,
        Val::Int(i) => Value::Integer(*i),
        Val::Real(f) => Value::Real(*f),
        Val::Text(s) => Value::Text(s.clone()),
        Val::Blob(b) => Value::Blob(b.clone()),
    }
}

fn sqlite_params(row: &Row, cols: &[usize]) -> rusqlite::ParamsFromIter<Vec<Value>> {
    rusqlite::params_from_iter(cols.iter().map(|&i| sqlite_value(&row[i])).collect())
}

impl Target for SqliteTarget<'_> {
    fn placeholder(&self, i: usize) -> String {
        format!("?{i}")
    }

    fn campaign(&mut self, name: &str) -> Result<Option<(i64, bool)>, CopyError> {
        use rusqlite::OptionalExtension;
        let id: Option<i64> = self
            .tx
            .query_row("SELECT id FROM campaigns WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(id) = id else {
            return Ok(None);
        };
        let used: bool = self.tx.query_row(USED, [id], |r| r.get(0))?;
        Ok(Some((id, used)))
    }

    fn ad_campaign(
        &mut self,
        platform: &str,
        url: &str,
    ) -> Result<Option<Option<String>>, CopyError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .tx
            .query_row(AD_CAMPAIGN, [platform, url], |r| r.get(0))
            .optional()?)
    }

    fn insert(
        &mut self,
        sql: &str,
        _shape: &Shape,
        row: &Row,
        cols: &[usize],
        returns_id: bool,
    ) -> Result<Put, CopyError> {
        let mut stmt = self.tx.prepare_cached(sql)?;
        Ok(if returns_id {
            match stmt.query(sqlite_params(row, cols))?.next()? {
                Some(r) => Put::Id(r.get(0)?),
                None => Put::Merged,
            }
        } else if stmt.execute(sqlite_params(row, cols))? == 0 {
            Put::Merged
        } else {
            Put::Written
        })
    }

    fn seller_id(&mut self, shape: &Shape, row: &Row) -> Result<i64, CopyError> {
        let params = sqlite_params(row, &[shape.at("platform"), shape.at("name")]);
        Ok(self.tx.query_row(SELLER_ID, params, |r| r.get(0))?)
    }

    fn update_campaign(&mut self, id: i64, shape: &Shape, row: &Row) -> Result<(), CopyError> {
        let (config, at) = (shape.at("config"), shape.at("created_at"));
        self.tx.execute(
            UPDATE_CAMPAIGN,
            [
                Value::Integer(id),
                sqlite_value(&row[config]),
                sqlite_value(&row[at]),
            ],
        )?;
        Ok(())
    }

    fn read_table(&mut self, table: &str, shape: &Shape) -> Result<Vec<Row>, CopyError> {
        read_sqlite(&self.tx, table, shape)
    }

    fn finish(&mut self) -> Result<(), CopyError> {
        // SQLite numbers a campaign's new frontier entries after its highest seq: nothing to do.
        Ok(())
    }
}

/// `INSERT` of a table's columns `cols` into `target`, meeting existing rows as `merge` says and
/// returning the new id when `id` names the id column.
pub(super) fn insert_sql(
    target: &dyn Target,
    table: &str,
    shape: &Shape,
    cols: &[usize],
    conflict: Option<&str>,
    id: Option<&str>,
) -> String {
    let names: Vec<String> = cols.iter().map(|&i| quote(&shape.cols[i])).collect();
    let params: Vec<String> = (1..=cols.len()).map(|i| target.placeholder(i)).collect();
    let mut sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        quote(table),
        names.join(", "),
        params.join(", ")
    );
    if let Some(cols) = conflict {
        sql.push_str(&format!(" ON CONFLICT ({cols}) DO NOTHING"));
    }
    if let Some(id) = id {
        sql.push_str(&format!(" RETURNING {}", quote(id)));
    }
    sql
}
