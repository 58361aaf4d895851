//! One schema story: the SQLite store (`crates/store`, migrations in `sqlite.rs` and the modules it
//! names) and the PostgreSQL store (`crates/store-pg/src/schema.rs`) must describe the same
//! tables. A fresh database of each is read back from its catalog (SQLite's `PRAGMA`s,
//! PostgreSQL's `pg_catalog`) and flattened into facts: tables; columns with a type class
//! (integer, real, text, blob, boolean, timestamp, …) and nullability; primary keys; unique
//! constraints; foreign keys (columns → referenced table and columns, with their actions); and
//! indexes (by the columns they cover and their order, unique or not, partial or not; names are
//! ignored). Any fact one side has and the other lacks, or describes differently, fails the test,
//! unless [`BY_DESIGN`] lists it with its reason.

mod common;

use std::collections::BTreeMap;

use postgres::Client;
use rusqlite::Connection;

/// The backend a difference belongs to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Only {
    Sqlite,
    Pg,
}

/// Everything only one backend has, on purpose: the one place such a difference is allowed. An
/// entry is a fact key as the diff prints it; `table X` covers every fact of table `X`, and a
/// trailing `*` matches any table name starting with what precedes it. An entry that matches
/// nothing fails the test too, so the list cannot outlive what it excuses.
const BY_DESIGN: &[(Only, &str, &str)] = &[
    (
        Only::Sqlite,
        "table sqlite_*",
        "SQLite's own catalog and bookkeeping tables (sqlite_schema, sqlite_sequence, sqlite_stat1)",
    ),
    (
        Only::Pg,
        "table schema_migrations",
        "PostgreSQL's record of applied migrations (store and queue numbering apart); SQLite keeps \
         its schema version in PRAGMA user_version",
    ),
    (
        Only::Pg,
        "table host_slots",
        "per-host politeness slots shared by all workers of the leased work queue (queue \
         migration 1); one SQLite crawler keeps them in memory",
    ),
    (
        Only::Pg,
        "table jobs",
        "the work queue's jobs other than fetching (queue migration 2: detection re-runs, photo \
         queuing, reports); the single SQLite process runs them in line",
    ),
    (
        Only::Pg,
        "column frontier.lease_owner",
        "the worker holding a frontier URL's lease (queue migration 1); SQLite has one crawler",
    ),
    (
        Only::Pg,
        "column frontier.lease_until",
        "when a frontier URL's lease ends (queue migration 1); SQLite has one crawler",
    ),
    (
        Only::Pg,
        "index frontier(campaign_id, state, lease_until)",
        "finds expired leases for the work queue (queue migration 1)",
    ),
];

/// Schema facts: (table, fact key) → description. The key names the fact (`column ads.url`), the
/// description is what must agree between the backends (`text NOT NULL`).
type Facts = BTreeMap<(String, String), String>;

#[test]
fn sqlite_and_postgres_schemas_agree() {
    let Some(db) = common::TestDb::new() else {
        return;
    };
    drop(db.store()); // runs every store and queue migration on the fresh schema
    let pg = pg_facts(&mut db.client(), &db.schema);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wildwatch.db");
    drop(wildwatch_store::SqliteStore::open(&path).unwrap());
    let sqlite = sqlite_facts(&Connection::open(&path).unwrap());
    spot_check("SQLite", &sqlite, "integer");
    spot_check("PostgreSQL", &pg, "boolean");
    let (report, used) = diff(&sqlite, &pg);
    let stale: Vec<String> = BY_DESIGN
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|((only, key, _), _)| format!("  {only:?}: {key}"))
        .collect();
    assert!(
        report.is_empty() && stale.is_empty(),
        "the SQLite and PostgreSQL schemas differ (fix the backend that is wrong with a new \
         migration, or list an intended difference in BY_DESIGN):\n{report}{}",
        if stale.is_empty() {
            String::new()
        } else {
            format!(
                "BY_DESIGN entries that match nothing:\n{}\n",
                stale.join("\n")
            )
        }
    );
}

/// The comparison itself notices drift: a PostgreSQL schema altered after its migrations shows
/// each change in the diff, on the right side.
#[test]
fn drift_is_reported() {
    let Some(db) = common::TestDb::new() else {
        return;
    };
    drop(db.store());
    let mut client = db.client();
    client
        .batch_execute(
            "ALTER TABLE ads ALTER COLUMN country SET NOT NULL;
             ALTER TABLE reports ALTER COLUMN times TYPE INTEGER;
             ALTER TABLE ads ADD COLUMN extra TEXT;
             DROP INDEX ads_seller;
             CREATE UNIQUE INDEX pages_status ON pages(status DESC);
             ALTER TABLE notice_ads DROP CONSTRAINT notice_ads_ad_id_fkey;
             DROP TABLE host_slots;",
        )
        .unwrap();
    let pg = pg_facts(&mut client, &db.schema);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wildwatch.db");
    drop(wildwatch_store::SqliteStore::open(&path).unwrap());
    let sqlite = sqlite_facts(&Connection::open(&path).unwrap());
    let (report, used) = diff(&sqlite, &pg);
    let expected = "only in SQLite:
  index ads(seller_id): not unique
  foreign key notice_ads(ad_id) -> ads(id): on delete NO ACTION, on update NO ACTION
only in PostgreSQL:
  column ads.extra: text NULL
  index pages(status DESC): unique
different:
  column ads.country: SQLite `text NULL`, PostgreSQL `text NOT NULL`
  column reports.times: SQLite `integer NOT NULL`, PostgreSQL `int4 NOT NULL`
";
    assert_eq!(report, expected);
    // host_slots is gone, so its BY_DESIGN entry excused nothing.
    let host_slots = BY_DESIGN.iter().position(|e| e.1 == "table host_slots");
    assert_eq!(host_slots.map(|i| used[i]), Some(false));
}

// ---------------------------------------------------------------------------------------------
// The comparison.

/// The readable diff of the two fact sets (empty when they agree), and which [`BY_DESIGN`]
/// entries excused something.
fn diff(sqlite: &Facts, pg: &Facts) -> (String, Vec<bool>) {
    let mut used = vec![false; BY_DESIGN.len()];
    let mut only_sqlite = Vec::new();
    let mut only_pg = Vec::new();
    let mut differ = Vec::new();
    for (k, s) in sqlite {
        match pg.get(k) {
            Some(p) if same(&k.1, s, p) => {}
            Some(p) => differ.push(format!("  {}: SQLite `{s}`, PostgreSQL `{p}`", k.1)),
            None if excused(Only::Sqlite, k, &mut used) => {}
            None => only_sqlite.push(line(k, s)),
        }
    }
    for (k, p) in pg {
        if !sqlite.contains_key(k) && !excused(Only::Pg, k, &mut used) {
            only_pg.push(line(k, p));
        }
    }
    let mut out = String::new();
    for (title, lines) in [
        ("only in SQLite", only_sqlite),
        ("only in PostgreSQL", only_pg),
        ("different", differ),
    ] {
        if !lines.is_empty() {
            out.push_str(&format!("{title}:\n{}\n", lines.join("\n")));
        }
    }
    (out, used)
}

/// One fact of the diff.
fn line(k: &(String, String), description: &str) -> String {
    if description.is_empty() {
        format!("  {}", k.1)
    } else {
        format!("  {}: {description}", k.1)
    }
}

/// Whether a [`BY_DESIGN`] entry of `side` covers fact `k` (marking the entry used).
fn excused(side: Only, k: &(String, String), used: &mut [bool]) -> bool {
    let mut hit = false;
    for (i, (only, key, _why)) in BY_DESIGN.iter().enumerate() {
        let table = key.strip_prefix("table ");
        let covers = *key == k.1
            || table == Some(k.0.as_str())
            || table
                .and_then(|t| t.strip_suffix('*'))
                .is_some_and(|prefix| k.0.starts_with(prefix));
        if *only == side && covers {
            used[i] = true;
            hit = true;
        }
    }
    hit
}

/// Whether two descriptions of the same fact agree. Column descriptions are normalised for the
/// differences the two type systems force.
fn same(key: &str, sqlite: &str, pg: &str) -> bool {
    if !key.starts_with("column ") {
        return sqlite == pg;
    }
    // SQLite has no boolean type: a flag is a 0/1 INTEGER there and a BOOLEAN in PostgreSQL
    // (see schema.rs), which the copy converts.
    let pg = match pg.strip_prefix("boolean ") {
        Some(rest) => format!("integer {rest}"),
        None => pg.to_string(),
    };
    // Every SQLite `INTEGER PRIMARY KEY` is the rowid, assigned when an insert leaves it out;
    // PostgreSQL's counterpart is an identity column. Such keys the app always writes itself
    // (`reviews.ad_id`, `ad_signals.ad_id`) are plain BIGINT keys in PostgreSQL, which is fine;
    // an identity column in PostgreSQL without a rowid key in SQLite is not.
    sqlite.replace(" rowid", " identity") == pg || sqlite.strip_suffix(" rowid") == Some(&pg)
}

/// A column's description: type class, nullability, and `suffix` (` rowid`, ` identity` or
/// nothing).
fn column(class: &str, not_null: bool, suffix: &str) -> String {
    let null = if not_null { "NOT NULL" } else { "NULL" };
    format!("{class} {null}{suffix}")
}

/// An index's description.
fn index_kind(unique: bool, partial: bool) -> String {
    let kind = if unique { "unique" } else { "not unique" };
    if partial {
        format!("{kind}, partial")
    } else {
        kind.to_string()
    }
}

/// A foreign key's fact key: `foreign key t(a, b) -> u(c, d)`.
fn fk_key(table: &str, from: &[String], to_table: &str, to: &[String]) -> String {
    format!(
        "foreign key {table}({}) -> {to_table}({})",
        from.join(", "),
        to.join(", ")
    )
}

fn add(f: &mut Facts, table: &str, key: String, description: String) {
    f.insert((table.to_string(), key), description);
}

// ---------------------------------------------------------------------------------------------
// SQLite, from its PRAGMAs.

/// Every fact of the SQLite database.
fn sqlite_facts(c: &Connection) -> Facts {
    let mut f = Facts::new();
    let mut stmt = c
        .prepare("SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table'")
        .unwrap();
    let tables: Vec<(String, bool)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (t, without_rowid) in tables {
        add(&mut f, &t, format!("table {t}"), String::new());
        sqlite_columns(c, &t, without_rowid, &mut f);
        sqlite_indexes(c, &t, &mut f);
        sqlite_foreign_keys(c, &t, &mut f);
    }
    f
}

/// SQLite's type affinity of a declared type (section 3.1 of SQLite's datatype documentation).
fn sqlite_class(declared: &str) -> &'static str {
    let t = declared.to_ascii_uppercase();
    if t.contains("INT") {
        "integer"
    } else if ["CHAR", "CLOB", "TEXT"].iter().any(|s| t.contains(s)) {
        "text"
    } else if t.is_empty() || t.contains("BLOB") {
        "blob"
    } else if ["REAL", "FLOA", "DOUB"].iter().any(|s| t.contains(s)) {
        "real"
    } else {
        "numeric"
    }
}

/// The columns of `t` and its primary key.
fn sqlite_columns(c: &Connection, t: &str, without_rowid: bool, f: &mut Facts) {
    let mut stmt = c
        .prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1)")
        .unwrap();
    let cols: Vec<(String, String, bool, i64)> = stmt
        .query_map([t], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut pk: Vec<(i64, String)> = cols
        .iter()
        .filter(|c| c.3 > 0)
        .map(|c| (c.3, c.0.clone()))
        .collect();
    pk.sort();
    for (name, declared, not_null, in_pk) in &cols {
        let rowid = !without_rowid
            && pk.len() == 1
            && *in_pk > 0
            && declared.eq_ignore_ascii_case("INTEGER");
        // A primary key column is NOT NULL in PostgreSQL. SQLite lets NULL into a non-INTEGER
        // key unless it says NOT NULL (a documented legacy quirk); no wildwatch code writes a
        // NULL key, so a key column counts as NOT NULL on both sides.
        let desc = column(
            sqlite_class(declared),
            *not_null || *in_pk > 0,
            if rowid { " rowid" } else { "" },
        );
        add(f, t, format!("column {t}.{name}"), desc);
    }
    if !pk.is_empty() {
        let names: Vec<String> = pk.into_iter().map(|p| p.1).collect();
        add(
            f,
            t,
            format!("primary key of {t}"),
            format!("({})", names.join(", ")),
        );
    }
}

/// The unique constraints and indexes of `t` (the primary key's own index is left to
/// [`sqlite_columns`]).
fn sqlite_indexes(c: &Connection, t: &str, f: &mut Facts) {
    let mut stmt = c
        .prepare("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1)")
        .unwrap();
    let list: Vec<(String, bool, String, bool)> = stmt
        .query_map([t], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (name, unique, origin, partial) in list {
        let mut cols = c
            .prepare(
                "SELECT COALESCE(name, '<expression>'), \"desc\" FROM pragma_index_xinfo(?1) \
                 WHERE key = 1 ORDER BY seqno",
            )
            .unwrap();
        let cols: Vec<(String, bool)> = cols
            .query_map([&name], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        match origin.as_str() {
            "pk" => {}
            "u" => {
                let names: Vec<String> = cols.into_iter().map(|c| c.0).collect();
                add(
                    f,
                    t,
                    format!("unique {t}({})", names.join(", ")),
                    String::new(),
                );
            }
            _ => {
                let names: Vec<String> = cols.iter().map(|(n, d)| ordered(n, *d)).collect();
                let key = format!("index {t}({})", names.join(", "));
                add(f, t, key, index_kind(unique, partial));
            }
        }
    }
}

/// An index column with its order.
fn ordered(name: &str, desc: bool) -> String {
    if desc {
        format!("{name} DESC")
    } else {
        name.to_string()
    }
}

/// The foreign keys of `t`.
fn sqlite_foreign_keys(c: &Connection, t: &str, f: &mut Facts) {
    let mut stmt = c
        .prepare(
            "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete \
             FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
        )
        .unwrap();
    type Row = (i64, String, String, Option<String>, String, String);
    let rows: Vec<Row> = stmt
        .query_map([t], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut by_id: BTreeMap<i64, Vec<Row>> = BTreeMap::new();
    for r in rows {
        by_id.entry(r.0).or_default().push(r);
    }
    for parts in by_id.values() {
        let parent = &parts[0].1;
        let from: Vec<String> = parts.iter().map(|p| p.2.clone()).collect();
        // `REFERENCES parent` without columns means the parent's primary key.
        let to: Vec<String> = match parts.iter().map(|p| p.3.clone()).collect::<Option<_>>() {
            Some(to) => to,
            None => sqlite_primary_key(c, parent),
        };
        let actions = format!("on delete {}, on update {}", parts[0].5, parts[0].4);
        add(f, t, fk_key(t, &from, parent, &to), actions);
    }
}

/// The primary key columns of `t`, in key order.
fn sqlite_primary_key(c: &Connection, t: &str) -> Vec<String> {
    let mut stmt = c
        .prepare("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk")
        .unwrap();
    stmt.query_map([t], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL, from pg_catalog.

/// Every fact of the PostgreSQL schema `schema`.
fn pg_facts(c: &mut Client, schema: &str) -> Facts {
    let mut f = Facts::new();
    let tables = c
        .query(
            "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')",
            &[&schema],
        )
        .unwrap();
    for r in tables {
        let t: String = r.get(0);
        add(&mut f, &t, format!("table {t}"), String::new());
    }
    pg_columns(c, schema, &mut f);
    pg_constraints(c, schema, &mut f);
    pg_indexes(c, schema, &mut f);
    f
}

/// The type class of a PostgreSQL type (as `format_type` spells it), in SQLite's terms where
/// the two agree: BIGINT is SQLite's 64-bit INTEGER, DOUBLE PRECISION its 8-byte REAL, BYTEA its
/// BLOB. Anything else gets a name of its own, so that it differs from every SQLite class: an
/// int4 would overflow on SQLite's 64-bit values, a timestamp would not hold the Unix seconds
/// SQLite stores, JSON(B) would not copy byte for byte. (A bounded VARCHAR(n) keeps its length
/// in `format_type` and so differs from `text` too.)
fn pg_class(t: &str) -> String {
    match t {
        "bigint" => "integer".into(),
        "double precision" => "real".into(),
        "text" | "character varying" => "text".into(),
        "bytea" => "blob".into(),
        "boolean" => "boolean".into(),
        "integer" => "int4".into(),
        "smallint" => "int2".into(),
        "real" => "float4".into(),
        t if t.starts_with("timestamp") || t == "date" => format!("timestamp ({t})"),
        other => format!("pg {other}"),
    }
}

/// The columns of every table, and whether each is an identity (or serial) column.
fn pg_columns(c: &mut Client, schema: &str, f: &mut Facts) {
    let rows = c
        .query(
            "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), \
                    a.attnotnull, \
                    a.attidentity IN ('a', 'd') \
                    OR COALESCE(pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false) \
             FROM pg_attribute a \
             JOIN pg_class c ON c.oid = a.attrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
             WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 \
               AND NOT a.attisdropped",
            &[&schema],
        )
        .unwrap();
    for r in rows {
        let (t, name, ty): (String, String, String) = (r.get(0), r.get(1), r.get(2));
        let identity: bool = r.get(4);
        let desc = column(
            &pg_class(&ty),
            r.get(3),
            if identity { " identity" } else { "" },
        );
        add(f, &t, format!("column {t}.{name}"), desc);
    }
}

/// Primary keys, unique constraints and foreign keys.
fn pg_constraints(c: &mut Client, schema: &str, f: &mut Facts) {
    let rows = c
        .query(
            "SELECT t.relname::text, k.contype::text, \
                    ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(n, o) \
                          JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n \
                          ORDER BY u.o), \
                    COALESCE(r.relname::text, ''), \
                    ARRAY(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY u(n, o) \
                          JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n \
                          ORDER BY u.o), \
                    k.confdeltype::text, k.confupdtype::text \
             FROM pg_constraint k \
             JOIN pg_class t ON t.oid = k.conrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             LEFT JOIN pg_class r ON r.oid = k.confrelid \
             WHERE n.nspname = $1 AND k.contype IN ('p', 'u', 'f')",
            &[&schema],
        )
        .unwrap();
    for r in rows {
        let (t, kind, cols): (String, String, Vec<String>) = (r.get(0), r.get(1), r.get(2));
        match kind.as_str() {
            "p" => add(
                f,
                &t,
                format!("primary key of {t}"),
                format!("({})", cols.join(", ")),
            ),
            "u" => add(
                f,
                &t,
                format!("unique {t}({})", cols.join(", ")),
                String::new(),
            ),
            _ => {
                let (parent, to): (String, Vec<String>) = (r.get(3), r.get(4));
                let actions = format!(
                    "on delete {}, on update {}",
                    pg_action(r.get(5)),
                    pg_action(r.get(6))
                );
                add(f, &t, fk_key(&t, &cols, &parent, &to), actions);
            }
        }
    }
}

/// A foreign key action code (`pg_constraint.confdeltype`) in SQLite's words.
fn pg_action(code: &str) -> &'static str {
    match code {
        "a" => "NO ACTION",
        "r" => "RESTRICT",
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        _ => "?",
    }
}

/// The indexes that back no primary key or unique constraint (those are facts of their own).
fn pg_indexes(c: &mut Client, schema: &str, f: &mut Facts) {
    let rows = c
        .query(
            "SELECT t.relname::text, x.indisunique, x.indpred IS NOT NULL, \
                    ARRAY(SELECT COALESCE((SELECT a.attname::text FROM pg_attribute a \
                                           WHERE a.attrelid = x.indrelid \
                                             AND a.attnum = x.indkey[k - 1] \
                                             AND x.indkey[k - 1] <> 0), \
                                          '<expression>') \
                                 || CASE WHEN x.indoption[k - 1]::int & 1 = 1 \
                                         THEN ' DESC' ELSE '' END \
                          FROM generate_series(1, x.indnkeyatts) k ORDER BY k) \
             FROM pg_index x \
             JOIN pg_class t ON t.oid = x.indrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             WHERE n.nspname = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint pc \
                   WHERE pc.conindid = x.indexrelid AND pc.contype IN ('p', 'u'))",
            &[&schema],
        )
        .unwrap();
    for r in rows {
        let (t, cols): (String, Vec<String>) = (r.get(0), r.get(3));
        let key = format!("index {t}({})", cols.join(", "));
        add(f, &t, key, index_kind(r.get(1), r.get(2)));
    }
}

/// A few facts read back as known, so that a reader that silently reads nothing (or the wrong
/// thing) on both sides cannot make the comparison pass.
fn spot_check(side: &str, f: &Facts, flag_class: &str) {
    for (table, key, want) in [
        ("ads", "column ads.url", "text NOT NULL"),
        (
            "ads",
            "column ads.takedown",
            &*format!("{flag_class} NOT NULL"),
        ),
        ("ads", "unique ads(platform, url)", ""),
        ("ads", "index ads(risk_score DESC, id)", "not unique"),
        ("frontier", "primary key of frontier", "(campaign_id, url)"),
        (
            "frontier",
            "foreign key frontier(campaign_id) -> campaigns(id)",
            "on delete NO ACTION, on update NO ACTION",
        ),
    ] {
        let got = f.get(&(table.to_string(), key.to_string()));
        assert_eq!(got.map(String::as_str), Some(want), "{side}: {key}");
    }
}
