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

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use postgres::types::ToSql;
use postgres::Transaction;
use rusqlite::types::ValueRef;
use sha2::{Digest, Sha256};

use crate::PgStore;

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

/// Which rows of a table belong to the copy.
#[derive(Clone, Copy)]
enum Scope {
    /// `id` is one of the campaigns copied.
    Campaigns,
    /// The column names a row already selected in the parent table.
    Parent(&'static str, &'static str),
    /// Pages of the campaigns, and pages that copied versions or photos point at.
    Pages,
    /// Photos that copied ads show.
    Photos,
    /// Sellers that copied ads name.
    Sellers,
    /// Only in a whole-store copy.
    Whole,
}

/// How rows already in the target are met.
#[derive(Clone, Copy, PartialEq)]
enum Merge {
    /// A conflict is an error (the transaction fails, nothing is written).
    No,
    /// Keep the target's row; map the source id onto it (sellers by platform and name).
    Sellers,
    /// Keep the target's row (a shared photo, a contact already known).
    Skip(&'static str),
}

struct Table {
    name: &'static str,
    /// Surrogate id column, given anew in the target.
    id: Option<&'static str>,
    /// Columns that hold another table's id.
    refs: &'static [(&'static str, &'static str)],
    /// The key the hash orders rows by (after ids are rewritten).
    key: &'static [&'static str],
    scope: Scope,
    merge: Merge,
}

const fn t(
    name: &'static str,
    id: Option<&'static str>,
    refs: &'static [(&'static str, &'static str)],
    key: &'static [&'static str],
    scope: Scope,
    merge: Merge,
) -> Table {
    Table {
        name,
        id,
        refs,
        key,
        scope,
        merge,
    }
}

/// Every table of the schema, parents before children (the order rows are written in).
const TABLES: &[Table] = &[
    t(
        "campaigns",
        Some("id"),
        &[],
        &["id"],
        Scope::Campaigns,
        Merge::No,
    ),
    t("users", Some("id"), &[], &["id"], Scope::Whole, Merge::No),
    t(
        "sessions",
        None,
        &[("user_id", "users")],
        &["token_hash"],
        Scope::Whole,
        Merge::No,
    ),
    t(
        "api_tokens",
        Some("id"),
        &[("user_id", "users")],
        &["id"],
        Scope::Whole,
        Merge::No,
    ),
    t(
        "frontier",
        None,
        &[("campaign_id", "campaigns")],
        &["campaign_id", "url"],
        Scope::Parent("campaign_id", "campaigns"),
        Merge::No,
    ),
    t(
        "pages",
        Some("id"),
        &[("campaign_id", "campaigns")],
        &["id"],
        Scope::Pages,
        Merge::No,
    ),
    t(
        "photos",
        None,
        &[("page_id", "pages")],
        &["url"],
        Scope::Photos,
        Merge::Skip("url"),
    ),
    t(
        "sellers",
        Some("id"),
        &[],
        &["id"],
        Scope::Sellers,
        Merge::Sellers,
    ),
    t(
        "seller_contacts",
        None,
        &[("seller_id", "sellers")],
        &["seller_id", "contact"],
        Scope::Parent("seller_id", "sellers"),
        Merge::Skip("seller_id, contact"),
    ),
    t(
        "ads",
        Some("id"),
        &[("campaign_id", "campaigns"), ("seller_id", "sellers")],
        &["id"],
        Scope::Parent("campaign_id", "campaigns"),
        Merge::No,
    ),
    t(
        "ad_versions",
        None,
        &[("ad_id", "ads"), ("page_id", "pages")],
        &["ad_id", "version"],
        Scope::Parent("ad_id", "ads"),
        Merge::No,
    ),
    t(
        "detections",
        None,
        &[("ad_id", "ads")],
        &["ad_id", "version"],
        Scope::Parent("ad_id", "ads"),
        Merge::No,
    ),
    t(
        "ad_species",
        None,
        &[("ad_id", "ads")],
        &["ad_id", "scientific_name"],
        Scope::Parent("ad_id", "ads"),
        Merge::No,
    ),
    t(
        "reviews",
        None,
        &[("ad_id", "ads")],
        &["ad_id"],
        Scope::Parent("ad_id", "ads"),
        Merge::No,
    ),
    t(
        "audit_log",
        Some("id"),
        &[("ad_id", "ads")],
        &["id"],
        Scope::Parent("ad_id", "ads"),
        Merge::No,
    ),
    t(
        "reports",
        Some("id"),
        &[("ad_id", "ads")],
        &["id"],
        Scope::Parent("ad_id", "ads"),
        Merge::No,
    ),
    t(
        "ad_signals",
        None,
        &[("ad_id", "ads")],
        &["ad_id"],
        Scope::Parent("ad_id", "ads"),
        Merge::No,
    ),
    t(
        "identifiers",
        None,
        &[("ad_id", "ads")],
        &["ad_id", "kind", "value", "field", "start"],
        Scope::Parent("ad_id", "ads"),
        Merge::No,
    ),
    t(
        "photo_hashes",
        None,
        &[("ad_id", "ads")],
        &["ad_id", "url"],
        Scope::Parent("ad_id", "ads"),
        Merge::No,
    ),
    t(
        "ad_photos",
        None,
        &[("ad_id", "ads")],
        &["ad_id", "url"],
        Scope::Parent("ad_id", "ads"),
        Merge::No,
    ),
    t(
        "seller_links",
        None,
        &[],
        &["a", "b"],
        Scope::Whole,
        Merge::No,
    ),
    t(
        "networks",
        Some("id"),
        &[],
        &["id"],
        Scope::Whole,
        Merge::No,
    ),
    t(
        "network_members",
        None,
        &[("network", "networks")],
        &["seller"],
        Scope::Whole,
        Merge::No,
    ),
    t(
        "notices",
        Some("id"),
        &[("campaign_id", "campaigns")],
        &["id"],
        Scope::Parent("campaign_id", "campaigns"),
        Merge::No,
    ),
    t(
        "notice_ads",
        None,
        &[("notice_id", "notices"), ("ad_id", "ads")],
        &["notice_id", "ad_id"],
        Scope::Parent("notice_id", "notices"),
        Merge::No,
    ),
    t(
        "policy_audits",
        Some("id"),
        &[("campaign_id", "campaigns")],
        &["id"],
        Scope::Parent("campaign_id", "campaigns"),
        Merge::No,
    ),
];

fn id_column(table: &str) -> &'static str {
    TABLES
        .iter()
        .find(|t| t.name == table)
        .and_then(|t| t.id)
        .unwrap_or("id")
}

/// The tables `db copy` knows, in copy order (tests compare them with both schemas).
pub fn known_tables() -> Vec<&'static str> {
    TABLES.iter().map(|t| t.name).collect()
}

/// One stored value, as both databases can hold it.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Val {
    fn rank(&self) -> u8 {
        match self {
            Val::Null => 0,
            Val::Int(_) => 1,
            Val::Real(_) => 2,
            Val::Text(_) => 3,
            Val::Blob(_) => 4,
        }
    }
    fn cmp(&self, o: &Val) -> std::cmp::Ordering {
        match (self, o) {
            (Val::Int(a), Val::Int(b)) => a.cmp(b),
            (Val::Real(a), Val::Real(b)) => a.total_cmp(b),
            (Val::Text(a), Val::Text(b)) => a.cmp(b),
            (Val::Blob(a), Val::Blob(b)) => a.cmp(b),
            _ => self.rank().cmp(&o.rank()),
        }
    }
    fn id(&self) -> Option<i64> {
        match self {
            Val::Int(i) => Some(*i),
            _ => None,
        }
    }
    fn hash_into(&self, h: &mut Sha256) {
        h.update([self.rank()]);
        match self {
            Val::Null => {}
            Val::Int(i) => h.update(i.to_be_bytes()),
            Val::Real(f) => h.update(f.to_bits().to_be_bytes()),
            Val::Text(s) => {
                h.update((s.len() as u64).to_be_bytes());
                h.update(s.as_bytes());
            }
            Val::Blob(b) => {
                h.update((b.len() as u64).to_be_bytes());
                h.update(b);
            }
        }
    }
}

/// PostgreSQL column types the schema uses.
#[derive(Debug, Clone, Copy, PartialEq)]
enum PgType {
    BigInt,
    Int,
    Bool,
    Double,
    Text,
    Bytes,
}

impl PgType {
    fn parse(data_type: &str) -> Option<PgType> {
        Some(match data_type {
            "bigint" => PgType::BigInt,
            "integer" | "smallint" => PgType::Int,
            "boolean" => PgType::Bool,
            "double precision" | "real" => PgType::Double,
            "text" | "character varying" => PgType::Text,
            "bytea" => PgType::Bytes,
            _ => return None,
        })
    }

    /// The value as the column will hold it; `None` when it cannot be held without loss.
    fn canonical(self, v: Val) -> Option<Val> {
        Some(match (self, v) {
            (_, Val::Null) => Val::Null,
            (PgType::BigInt, Val::Int(i)) => Val::Int(i),
            (PgType::Int, Val::Int(i)) if i32::try_from(i).is_ok() => Val::Int(i),
            (PgType::Bool, Val::Int(i)) if i == 0 || i == 1 => Val::Int(i),
            (PgType::Double, Val::Real(f)) => Val::Real(f),
            (PgType::Double, Val::Int(i)) if (i as f64) as i64 == i => Val::Real(i as f64),
            (PgType::Text, Val::Text(s)) => Val::Text(s),
            (PgType::Bytes, Val::Blob(b)) => Val::Blob(b),
            _ => return None,
        })
    }

    fn param(self, v: &Val) -> Box<dyn ToSql + Sync> {
        match (self, v) {
            (PgType::BigInt, Val::Int(i)) => Box::new(*i),
            (PgType::BigInt, _) => Box::new(None::<i64>),
            (PgType::Int, Val::Int(i)) => Box::new(*i as i32),
            (PgType::Int, _) => Box::new(None::<i32>),
            (PgType::Bool, Val::Int(i)) => Box::new(*i != 0),
            (PgType::Bool, _) => Box::new(None::<bool>),
            (PgType::Double, Val::Real(f)) => Box::new(*f),
            (PgType::Double, _) => Box::new(None::<f64>),
            (PgType::Text, Val::Text(s)) => Box::new(s.clone()),
            (PgType::Text, _) => Box::new(None::<String>),
            (PgType::Bytes, Val::Blob(b)) => Box::new(b.clone()),
            (PgType::Bytes, _) => Box::new(None::<Vec<u8>>),
        }
    }

    fn read(self, row: &postgres::Row, i: usize) -> Val {
        let opt = |o: Option<Val>| o.unwrap_or(Val::Null);
        match self {
            PgType::BigInt => opt(row.get::<_, Option<i64>>(i).map(Val::Int)),
            PgType::Int => opt(row.get::<_, Option<i32>>(i).map(|v| Val::Int(v as i64))),
            PgType::Bool => opt(row.get::<_, Option<bool>>(i).map(|b| Val::Int(b as i64))),
            PgType::Double => opt(row.get::<_, Option<f64>>(i).map(Val::Real)),
            PgType::Text => opt(row.get::<_, Option<String>>(i).map(Val::Text)),
            PgType::Bytes => opt(row.get::<_, Option<Vec<u8>>>(i).map(Val::Blob)),
        }
    }
}

/// A table's columns (the SQLite ones, all of which the target has) and their target types.
struct Shape {
    cols: Vec<String>,
    types: Vec<PgType>,
}

impl Shape {
    fn at(&self, col: &str) -> usize {
        self.cols
            .iter()
            .position(|c| c == col)
            .unwrap_or_else(|| panic!("column {col} is in the copy plan but not in the schema"))
    }
}

type Row = Vec<Val>;

fn sqlite_tables(conn: &rusqlite::Connection) -> Result<Vec<String>, CopyError> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    let names = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(names.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn sqlite_columns(conn: &rusqlite::Connection, table: &str) -> Result<Vec<String>, CopyError> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
    let names = stmt.query_map([table], |r| r.get::<_, String>(0))?;
    Ok(names.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Column types of a table in the target's current schema.
fn pg_columns(tx: &mut Transaction<'_>, table: &str) -> Result<HashMap<String, String>, CopyError> {
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

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

fn read_sqlite(
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

fn ids_of(rows: &[Row], at: usize) -> HashSet<i64> {
    rows.iter().filter_map(|r| r[at].id()).collect()
}

fn hash_rows(cols: &[String], rows: &mut [Row], key: &[usize]) -> String {
    rows.sort_by(|a, b| {
        key.iter()
            .map(|&k| a[k].cmp(&b[k]))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut h = Sha256::new();
    h.update(cols.join(",").as_bytes());
    for r in rows.iter() {
        for v in r {
            v.hash_into(&mut h);
        }
    }
    format!("{:x}", h.finalize())
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

fn copy_in(
    conn: &rusqlite::Connection,
    client: &mut postgres::Client,
    opts: &CopyOptions,
    version: i64,
) -> Result<CopyReport, CopyError> {
    let mut tx = client.transaction()?;
    // Shapes: every SQLite column must exist in the target, in a type that holds it.
    let mut shapes: HashMap<&str, Shape> = HashMap::new();
    for t in TABLES {
        let cols = sqlite_columns(conn, t.name)?;
        let pg = pg_columns(&mut tx, t.name)?;
        let mut types = Vec::new();
        for c in &cols {
            let ty = pg.get(c).and_then(|d| PgType::parse(d)).ok_or_else(|| {
                CopyError::Refused(format!(
                    "PostgreSQL has no usable column {}.{c}; run `wildwatch db migrate` on the target",
                    t.name
                ))
            })?;
            types.push(ty);
        }
        shapes.insert(t.name, Shape { cols, types });
    }

    // Select the source rows.
    let mut selected: HashMap<&str, Vec<Row>> = HashMap::new();
    let whole = opts.campaign.is_none();
    let mut all: HashMap<&str, Vec<Row>> = HashMap::new();
    for t in TABLES {
        all.insert(t.name, read_sqlite(conn, t.name, &shapes[t.name])?);
    }
    let campaigns_shape = &shapes["campaigns"];
    let name_at = campaigns_shape.at("name");
    if let Some(name) = &opts.campaign {
        if !all["campaigns"]
            .iter()
            .any(|r| r[name_at] == Val::Text(name.clone()))
        {
            let names: Vec<String> = all["campaigns"]
                .iter()
                .filter_map(|r| match &r[name_at] {
                    Val::Text(s) => Some(s.clone()),
                    _ => None,
                })
                .collect();
            return Err(CopyError::Refused(format!(
                "the SQLite store has no campaign `{name}` (it has: {})",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            )));
        }
    }
    // Tables whose rows are picked through their children, kept whole until those are known.
    let mut raw: HashMap<&str, Vec<Row>> = HashMap::new();
    for t in TABLES {
        let shape = &shapes[t.name];
        let rows = all.remove(t.name).unwrap_or_default();
        if !whole && matches!(t.scope, Scope::Pages | Scope::Photos | Scope::Sellers) {
            raw.insert(t.name, rows);
            selected.insert(t.name, Vec::new());
            continue;
        }
        if !whole && t.name == "seller_contacts" {
            raw.insert(t.name, rows.clone());
        }
        let keep: Vec<Row> = if whole {
            rows
        } else {
            let parent_ids = |table: &str, col: &str| -> HashSet<i64> {
                let at = shapes[table].at(col);
                selected
                    .get(table)
                    .map(|r| ids_of(r, at))
                    .unwrap_or_default()
            };
            match t.scope {
                Scope::Whole => Vec::new(),
                Scope::Campaigns => rows
                    .into_iter()
                    .filter(|r| {
                        opts.campaign
                            .as_ref()
                            .is_some_and(|n| r[name_at] == Val::Text(n.clone()))
                    })
                    .collect(),
                Scope::Parent(col, parent) => {
                    let ids = parent_ids(parent, id_column(parent));
                    let at = shape.at(col);
                    rows.into_iter()
                        .filter(|r| r[at].id().is_some_and(|i| ids.contains(&i)))
                        .collect()
                }
                Scope::Pages | Scope::Photos | Scope::Sellers => Vec::new(),
            }
        };
        selected.insert(t.name, keep);
    }
    if !whole {
        // Rows picked through children: pages of versions and photos, photos of ads, sellers of ads.
        let src = &raw;
        let campaign_ids = ids_of(&selected["campaigns"], shapes["campaigns"].at("id"));
        let version_pages: HashSet<i64> = ids_of(
            &selected["ad_versions"],
            shapes["ad_versions"].at("page_id"),
        );
        let ad_photo_urls: HashSet<String> = selected["ad_photos"]
            .iter()
            .filter_map(|r| match &r[shapes["ad_photos"].at("url")] {
                Val::Text(s) => Some(s.clone()),
                _ => None,
            })
            .collect();
        let photos: Vec<Row> = src["photos"]
            .iter()
            .filter(|r| matches!(&r[shapes["photos"].at("url")], Val::Text(u) if ad_photo_urls.contains(u)))
            .cloned()
            .collect();
        let photo_pages = ids_of(&photos, shapes["photos"].at("page_id"));
        let (pc, pi) = (shapes["pages"].at("campaign_id"), shapes["pages"].at("id"));
        let pages: Vec<Row> = src["pages"]
            .iter()
            .filter(|r| {
                r[pc].id().is_some_and(|c| campaign_ids.contains(&c))
                    || r[pi]
                        .id()
                        .is_some_and(|i| version_pages.contains(&i) || photo_pages.contains(&i))
            })
            .cloned()
            .collect();
        let seller_ids = ids_of(&selected["ads"], shapes["ads"].at("seller_id"));
        let si = shapes["sellers"].at("id");
        let sellers: Vec<Row> = src["sellers"]
            .iter()
            .filter(|r| r[si].id().is_some_and(|i| seller_ids.contains(&i)))
            .cloned()
            .collect();
        let sc = shapes["seller_contacts"].at("seller_id");
        let contacts: Vec<Row> = src["seller_contacts"]
            .iter()
            .filter(|r| r[sc].id().is_some_and(|i| seller_ids.contains(&i)))
            .cloned()
            .collect();
        selected.insert("photos", photos);
        selected.insert("pages", pages);
        selected.insert("sellers", sellers);
        selected.insert("seller_contacts", contacts);
    }

    // The target campaigns must be new or empty.
    let mut campaign_map: HashMap<i64, i64> = HashMap::new();
    let mut names = Vec::new();
    for r in &selected["campaigns"] {
        let Val::Text(name) = &r[name_at] else {
            continue;
        };
        names.push(name.clone());
        if let Some(row) = tx.query_opt("SELECT id FROM campaigns WHERE name = $1", &[name])? {
            let id: i64 = row.get(0);
            let used: bool = tx
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM frontier WHERE campaign_id = $1) \
                     OR EXISTS (SELECT 1 FROM pages WHERE campaign_id = $1) \
                     OR EXISTS (SELECT 1 FROM ads WHERE campaign_id = $1)",
                    &[&id],
                )?
                .get(0);
            if used {
                return Err(CopyError::Refused(format!(
                    "the target already holds campaign `{name}` with data; nothing was copied \
                     (copy into another database, or under another name)"
                )));
            }
            if let Some(src_id) = r[campaigns_shape.at("id")].id() {
                campaign_map.insert(src_id, id);
            }
        }
    }
    // Ads are unique by platform and URL across campaigns.
    {
        let (pa, ua) = (shapes["ads"].at("platform"), shapes["ads"].at("url"));
        let mut clash = Vec::new();
        for r in &selected["ads"] {
            if let (Val::Text(p), Val::Text(u)) = (&r[pa], &r[ua]) {
                if let Some(row) = tx.query_opt(
                    "SELECT c.name FROM ads a LEFT JOIN campaigns c ON c.id = a.campaign_id \
                     WHERE a.platform = $1 AND a.url = $2",
                    &[p, u],
                )? {
                    clash.push(format!(
                        "{u} (in campaign `{}`)",
                        row.get::<_, Option<String>>(0).unwrap_or_default()
                    ));
                    if clash.len() >= 5 {
                        break;
                    }
                }
            }
        }
        if !clash.is_empty() {
            return Err(CopyError::Refused(format!(
                "the target already has ads of this campaign: {}; nothing was copied",
                clash.join(", ")
            )));
        }
    }

    // Write, parents first, rewriting ids.
    let mut maps: HashMap<&str, HashMap<i64, i64>> = HashMap::new();
    maps.insert("campaigns", campaign_map);
    let mut reports = Vec::new();
    for t in TABLES {
        let shape = &shapes[t.name];
        let rows = selected.remove(t.name).unwrap_or_default();
        let id_at = t.id.map(|c| shape.at(c));
        let ref_at: Vec<(usize, &str)> = t.refs.iter().map(|(c, p)| (shape.at(c), *p)).collect();
        let ins_cols: Vec<usize> = (0..shape.cols.len())
            .filter(|i| Some(*i) != id_at)
            .collect();
        let col_list: Vec<String> = ins_cols.iter().map(|&i| quote(&shape.cols[i])).collect();
        let placeholders: Vec<String> = (1..=ins_cols.len()).map(|i| format!("${i}")).collect();
        let mut sql = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            quote(t.name),
            col_list.join(", "),
            placeholders.join(", ")
        );
        match t.merge {
            Merge::No => {}
            Merge::Sellers => sql.push_str(" ON CONFLICT (platform, name) DO NOTHING"),
            Merge::Skip(cols) => sql.push_str(&format!(" ON CONFLICT ({cols}) DO NOTHING")),
        }
        if let Some(i) = id_at {
            sql.push_str(&format!(" RETURNING {}", quote(&shape.cols[i])));
        }
        let stmt = tx.prepare(&sql)?;
        let update_campaign =
            tx.prepare("UPDATE campaigns SET config = $2, created_at = $3 WHERE id = $1")?;
        let mut written: Vec<Row> = Vec::new();
        let mut merged = 0;
        let source_rows = rows.len();
        let mut map = maps.remove(t.name).unwrap_or_default();
        for mut row in rows {
            // Rewrite references; a reference to a row outside the copy would dangle.
            for &(at, parent) in &ref_at {
                if let Some(old) = row[at].id() {
                    let new = maps
                        .get(parent)
                        .and_then(|m| m.get(&old))
                        .copied()
                        .ok_or_else(|| {
                            CopyError::Refused(format!(
                            "{}.{} = {old} names a row of {parent} that is not part of this copy; \
                             copy the whole store (without --campaign) instead",
                            t.name, shape.cols[at]
                        ))
                        })?;
                    row[at] = Val::Int(new);
                }
            }
            let mut canon = Vec::with_capacity(row.len());
            for (i, v) in row.into_iter().enumerate() {
                let shown = format!("{v:?}");
                canon.push(shape.types[i].canonical(v).ok_or_else(|| {
                    CopyError::Refused(format!(
                        "{}.{} holds {shown}, which a PostgreSQL {:?} column cannot hold without loss; nothing was copied",
                        t.name, shape.cols[i], shape.types[i]
                    ))
                })?);
            }
            let mut row = canon;
            if t.name == "campaigns" {
                if let Some(&existing) = row[id_at.unwrap_or(0)].id().and_then(|o| map.get(&o)) {
                    // An empty campaign of the same name in the target takes the source's settings.
                    let (cfg, at) = (shape.at("config"), shape.at("created_at"));
                    tx.execute(
                        &update_campaign,
                        &[
                            &existing,
                            &*shape.types[cfg].param(&row[cfg]),
                            &*shape.types[at].param(&row[at]),
                        ],
                    )?;
                    row[id_at.unwrap_or(0)] = Val::Int(existing);
                    written.push(row);
                    continue;
                }
            }
            let params: Vec<Box<dyn ToSql + Sync>> = ins_cols
                .iter()
                .map(|&i| shape.types[i].param(&row[i]))
                .collect();
            let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| &**p).collect();
            match id_at {
                Some(i) => {
                    let old = row[i].id();
                    let new: i64 = match tx.query_opt(&stmt, &refs)? {
                        Some(r) => r.get(0),
                        None => {
                            // A seller the target already knows: share it.
                            merged += 1;
                            let (p, n) = (shape.at("platform"), shape.at("name"));
                            let id: i64 = tx
                                .query_one(
                                    "SELECT id FROM sellers WHERE platform = $1 AND name = $2",
                                    &[
                                        &*shape.types[p].param(&row[p]),
                                        &*shape.types[n].param(&row[n]),
                                    ],
                                )?
                                .get(0);
                            if let Some(old) = old {
                                map.insert(old, id);
                            }
                            continue;
                        }
                    };
                    if let Some(old) = old {
                        map.insert(old, new);
                    }
                    row[i] = Val::Int(new);
                }
                None => {
                    if tx.execute(&stmt, &refs)? == 0 {
                        merged += 1;
                        continue;
                    }
                }
            }
            written.push(row);
        }
        maps.insert(t.name, map);

        // Read back what was written and compare.
        let key: Vec<usize> = t.key.iter().map(|k| shape.at(k)).collect();
        let wanted: BTreeSet<Vec<String>> = written
            .iter()
            .map(|r| key.iter().map(|&k| format!("{:?}", r[k])).collect())
            .collect();
        let cols: Vec<String> = shape.cols.iter().map(|c| quote(c)).collect();
        let mut back: Vec<Row> = Vec::new();
        for r in tx.query(
            &format!("SELECT {} FROM {}", cols.join(", "), quote(t.name)),
            &[],
        )? {
            let row: Row = shape
                .types
                .iter()
                .enumerate()
                .map(|(i, ty)| ty.read(&r, i))
                .collect();
            let k: Vec<String> = key.iter().map(|&k| format!("{:?}", row[k])).collect();
            if wanted.contains(&k) {
                back.push(row);
            }
        }
        let copied = written.len();
        let target_rows = back.len();
        let source_sha256 = hash_rows(&shape.cols, &mut written, &key);
        let target_sha256 = hash_rows(&shape.cols, &mut back, &key);
        reports.push(TableReport {
            table: t.name.to_string(),
            source_rows,
            copied,
            merged,
            target_rows,
            source_sha256,
            target_sha256,
        });
    }
    // New frontier entries must come after every copied one.
    tx.execute(
        "SELECT setval('frontier_seq', GREATEST((SELECT COALESCE(MAX(seq), 0) FROM frontier), \
         (SELECT last_value FROM frontier_seq)))",
        &[],
    )?;
    if let Some(bad) = reports.iter().find(|r| !r.matches()) {
        return Err(CopyError::Mismatch(format!(
            "table {}: {} rows written, {} read back, source sha256 {}, target sha256 {}",
            bad.table, bad.copied, bad.target_rows, bad.source_sha256, bad.target_sha256
        )));
    }
    tx.commit()?;
    Ok(CopyReport {
        campaigns: names,
        schema_version: version,
        tables: reports,
    })
}
