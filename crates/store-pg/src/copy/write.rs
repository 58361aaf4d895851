//! The copy inside one target transaction: shapes checked, source rows selected, the target
//! checked for clashes, rows written parents first with ids rewritten, then read back and compared.

use std::collections::{BTreeSet, HashMap, HashSet};

use postgres::types::ToSql;

use super::plan::{id_column, Merge, Scope, TABLES};
use super::read::{pg_columns, quote, read_sqlite, sqlite_columns};
use super::rows::{hash_rows, ids_of, PgType, Row, Shape, Val};
use super::{CopyError, CopyOptions, CopyReport, TableReport};

pub(super) fn copy_in(
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
