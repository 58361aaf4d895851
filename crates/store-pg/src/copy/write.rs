//! The copy inside one target transaction, the same in both directions: the target checked for
//! clashes, rows written parents first with ids given anew and references rewritten, then every
//! table read back and compared with what was written (counts, SHA-256 in key order).

use std::collections::{BTreeSet, HashMap};

use super::plan::{Merge, Table, TABLES};
use super::read::{Shapes, Tables};
use super::rows::{hash_rows, Row, Shape, Val};
use super::target::{insert_sql, Put, Target};
use super::{CopyError, CopyReport, TableReport};

/// Source ids onto target ids, per table.
type Maps = HashMap<&'static str, HashMap<i64, i64>>;

/// Writes `selected` into `target` and compares every table; `Err` when the target clashes with
/// the copy or anything read back differs (the caller then drops the transaction: rolled back).
pub(super) fn write_checked(
    target: &mut dyn Target,
    shapes: &Shapes,
    mut selected: Tables,
    version: i64,
) -> Result<CopyReport, CopyError> {
    let (campaigns, campaign_map) = check_campaigns(target, shapes, &selected["campaigns"])?;
    check_ads(target, shapes, &selected["ads"])?;
    let mut maps = Maps::new();
    maps.insert("campaigns", campaign_map);
    let mut tables = Vec::new();
    for t in TABLES {
        let rows = selected.remove(t.name).unwrap_or_default();
        tables.push(write_table(target, t, &shapes[t.name], rows, &mut maps)?);
    }
    target.finish()?;
    if let Some(bad) = tables.iter().find(|r| !r.matches()) {
        return Err(CopyError::Mismatch(format!(
            "table {}: {} rows written, {} read back, source sha256 {}, target sha256 {}",
            bad.table, bad.copied, bad.target_rows, bad.source_sha256, bad.target_sha256
        )));
    }
    Ok(CopyReport {
        campaigns,
        schema_version: version,
        tables,
    })
}

/// The copied campaigns' names; refuses those the target holds with data, and maps those it
/// holds empty (made by a worker started early) onto the target's.
fn check_campaigns(
    target: &mut dyn Target,
    shapes: &Shapes,
    campaigns: &[Row],
) -> Result<(Vec<String>, HashMap<i64, i64>), CopyError> {
    let shape = &shapes["campaigns"];
    let (name_at, id_at) = (shape.at("name"), shape.at("id"));
    let mut map = HashMap::new();
    let mut names = Vec::new();
    for r in campaigns {
        let Val::Text(name) = &r[name_at] else {
            continue;
        };
        names.push(name.clone());
        match target.campaign(name)? {
            Some((_, true)) => {
                return Err(CopyError::Refused(format!(
                    "the target already holds campaign `{name}` with data; nothing was copied \
                     (copy into another store, or under another name)"
                )))
            }
            Some((id, false)) => {
                if let Some(src_id) = r[id_at].id() {
                    map.insert(src_id, id);
                }
            }
            None => {}
        }
    }
    Ok((names, map))
}

/// Refuses ads the target already has (ads are unique by platform and URL across campaigns).
fn check_ads(target: &mut dyn Target, shapes: &Shapes, ads: &[Row]) -> Result<(), CopyError> {
    let (pa, ua) = (shapes["ads"].at("platform"), shapes["ads"].at("url"));
    let mut clash = Vec::new();
    for r in ads {
        if let (Val::Text(p), Val::Text(u)) = (&r[pa], &r[ua]) {
            if let Some(campaign) = target.ad_campaign(p, u)? {
                clash.push(format!(
                    "{u} (in campaign `{}`)",
                    campaign.unwrap_or_default()
                ));
                if clash.len() >= 5 {
                    break;
                }
            }
        }
    }
    if clash.is_empty() {
        return Ok(());
    }
    Err(CopyError::Refused(format!(
        "the target already has ads of this campaign: {}; nothing was copied",
        clash.join(", ")
    )))
}

/// References rewritten to the target's ids, values as the PostgreSQL columns hold them (both
/// sides compare the same values).
fn rewrite(t: &Table, shape: &Shape, row: Row, maps: &Maps) -> Result<Row, CopyError> {
    let mut row = row;
    for (col, parent) in t.refs {
        let at = shape.at(col);
        if let Some(old) = row[at].id() {
            let new = maps
                .get(parent)
                .and_then(|m| m.get(&old))
                .copied()
                .ok_or_else(|| {
                    CopyError::Refused(format!(
                        "{}.{col} = {old} names a row of {parent} that is not part of this copy; \
                         copy the whole store (without --campaign) instead",
                        t.name
                    ))
                })?;
            row[at] = Val::Int(new);
        }
    }
    row.into_iter()
        .enumerate()
        .map(|(i, v)| {
            let shown = format!("{v:?}");
            shape.types[i].canonical(v).ok_or_else(|| {
                CopyError::Refused(format!(
                    "{}.{} holds {shown}, which a PostgreSQL {:?} column cannot hold without loss; \
                     nothing was copied",
                    t.name, shape.cols[i], shape.types[i]
                ))
            })
        })
        .collect()
}

/// Writes one table's rows, then reads them back and compares.
fn write_table(
    target: &mut dyn Target,
    t: &Table,
    shape: &Shape,
    rows: Vec<Row>,
    maps: &mut Maps,
) -> Result<TableReport, CopyError> {
    let id_at = t.id.map(|c| shape.at(c));
    let cols: Vec<usize> = (0..shape.cols.len())
        .filter(|i| Some(*i) != id_at)
        .collect();
    let conflict = match t.merge {
        Merge::No => None,
        Merge::Sellers => Some("platform, name"),
        Merge::Skip(cols) => Some(cols),
    };
    let sql = insert_sql(&*target, t.name, shape, &cols, conflict, t.id);
    let source_rows = rows.len();
    let mut written: Vec<Row> = Vec::new();
    let mut merged = 0;
    let mut map = maps.remove(t.name).unwrap_or_default();
    for row in rows {
        let mut row = rewrite(t, shape, row, maps)?;
        let old = id_at.and_then(|i| row[i].id());
        let existing = old
            .and_then(|o| map.get(&o))
            .filter(|_| t.name == "campaigns");
        if let (Some(i), Some(&existing)) = (id_at, existing) {
            // An empty campaign of the same name in the target takes the source's settings.
            target.update_campaign(existing, shape, &row)?;
            row[i] = Val::Int(existing);
            written.push(row);
            continue;
        }
        match target.insert(&sql, shape, &row, &cols, id_at.is_some())? {
            Put::Id(new) => {
                if let (Some(i), Some(old)) = (id_at, old) {
                    map.insert(old, new);
                    row[i] = Val::Int(new);
                }
            }
            Put::Written => {}
            Put::Merged => {
                merged += 1;
                if let (Some(_), Some(old)) = (id_at, old) {
                    // A seller the target already knows: share it.
                    map.insert(old, target.seller_id(shape, &row)?);
                }
                continue;
            }
        }
        written.push(row);
    }
    maps.insert(t.name, map);
    let mut report = compare(target, t, shape, written)?;
    report.source_rows = source_rows;
    report.merged = merged;
    Ok(report)
}

/// Reads back the rows written (found by key among the target's) and hashes both sides.
fn compare(
    target: &mut dyn Target,
    t: &Table,
    shape: &Shape,
    mut written: Vec<Row>,
) -> Result<TableReport, CopyError> {
    let key: Vec<usize> = t.key.iter().map(|k| shape.at(k)).collect();
    let key_of = |r: &Row| -> Vec<String> { key.iter().map(|&k| format!("{:?}", r[k])).collect() };
    let wanted: BTreeSet<Vec<String>> = written.iter().map(key_of).collect();
    let mut back: Vec<Row> = target
        .read_table(t.name, shape)?
        .into_iter()
        .filter(|r| wanted.contains(&key_of(r)))
        .collect();
    Ok(TableReport {
        table: t.name.to_string(),
        source_rows: 0,
        copied: written.len(),
        merged: 0,
        target_rows: back.len(),
        source_sha256: hash_rows(&shape.cols, &mut written, &key),
        target_sha256: hash_rows(&shape.cols, &mut back, &key),
    })
}
