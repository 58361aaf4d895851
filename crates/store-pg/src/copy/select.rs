//! Which source rows a copy takes, the same in both directions: everything for a whole-store
//! copy; for one campaign, its rows and the rows they reach (pages, photos, sellers, contacts).

use std::collections::HashSet;

use super::plan::{id_column, Scope, TABLES};
use super::read::{Shapes, Tables};
use super::rows::{ids_of, Row, Val};
use super::CopyError;

/// The rows to copy out of `all` (every table read whole from the source, called `source` in
/// messages): all of them, or those of `campaign`.
pub(super) fn select(
    mut all: Tables,
    shapes: &Shapes,
    campaign: Option<&str>,
    source: &str,
) -> Result<Tables, CopyError> {
    let Some(name) = campaign else {
        return Ok(all);
    };
    has_campaign(&all["campaigns"], shapes, name, source)?;
    let mut selected = select_direct(&mut all, shapes, name);
    select_reached(&all, shapes, &mut selected);
    Ok(selected)
}

/// Refuses a campaign the source does not have, naming those it has.
fn has_campaign(
    campaigns: &[Row],
    shapes: &Shapes,
    name: &str,
    source: &str,
) -> Result<(), CopyError> {
    let name_at = shapes["campaigns"].at("name");
    let names: Vec<String> = campaigns
        .iter()
        .filter_map(|r| match &r[name_at] {
            Val::Text(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    if names.iter().any(|n| n == name) {
        return Ok(());
    }
    Err(CopyError::Refused(format!(
        "{source} has no campaign `{name}` (it has: {})",
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    )))
}

/// Whether a table's rows are picked through the rows that reach them (see [`select_reached`]).
fn reached(table: &super::plan::Table) -> bool {
    matches!(table.scope, Scope::Pages | Scope::Photos | Scope::Sellers)
        || table.name == "seller_contacts"
}

/// The campaign's row and the rows under it, parents first; the tables picked through their
/// children stay in `all`.
fn select_direct(all: &mut Tables, shapes: &Shapes, campaign: &str) -> Tables {
    let mut selected = Tables::new();
    for t in TABLES {
        if reached(t) {
            continue;
        }
        let shape = &shapes[t.name];
        let rows = all.remove(t.name).unwrap_or_default();
        let keep: Vec<Row> = match t.scope {
            Scope::Campaigns => {
                let name_at = shape.at("name");
                rows.into_iter()
                    .filter(|r| r[name_at] == Val::Text(campaign.to_string()))
                    .collect()
            }
            Scope::Parent(col, parent) => {
                let parent_at = shapes[parent].at(id_column(parent));
                let ids = selected
                    .get(parent)
                    .map(|r| ids_of(r, parent_at))
                    .unwrap_or_default();
                let at = shape.at(col);
                rows.into_iter()
                    .filter(|r| r[at].id().is_some_and(|i| ids.contains(&i)))
                    .collect()
            }
            Scope::Whole | Scope::Pages | Scope::Photos | Scope::Sellers => Vec::new(),
        };
        selected.insert(t.name, keep);
    }
    selected
}

/// Rows picked through others: pages of the campaign and of its versions and photos, photos of
/// its ads, sellers its ads name and their contacts.
fn select_reached(src: &Tables, shapes: &Shapes, selected: &mut Tables) {
    let campaign_ids = ids_of(&selected["campaigns"], shapes["campaigns"].at("id"));
    let version_pages = ids_of(
        &selected["ad_versions"],
        shapes["ad_versions"].at("page_id"),
    );
    let url_at = shapes["ad_photos"].at("url");
    let ad_photo_urls: HashSet<&String> = selected["ad_photos"]
        .iter()
        .filter_map(|r| match &r[url_at] {
            Val::Text(s) => Some(s),
            _ => None,
        })
        .collect();
    let photo_url = shapes["photos"].at("url");
    let photos = keep(
        &src["photos"],
        |r| matches!(&r[photo_url], Val::Text(u) if ad_photo_urls.contains(u)),
    );
    let photo_pages = ids_of(&photos, shapes["photos"].at("page_id"));
    let (pc, pi) = (shapes["pages"].at("campaign_id"), shapes["pages"].at("id"));
    let pages = keep(&src["pages"], |r| {
        r[pc].id().is_some_and(|c| campaign_ids.contains(&c))
            || r[pi]
                .id()
                .is_some_and(|i| version_pages.contains(&i) || photo_pages.contains(&i))
    });
    let seller_ids = ids_of(&selected["ads"], shapes["ads"].at("seller_id"));
    let si = shapes["sellers"].at("id");
    let sellers = keep(&src["sellers"], |r| {
        r[si].id().is_some_and(|i| seller_ids.contains(&i))
    });
    let sc = shapes["seller_contacts"].at("seller_id");
    let contacts = keep(&src["seller_contacts"], |r| {
        r[sc].id().is_some_and(|i| seller_ids.contains(&i))
    });
    selected.insert("photos", photos);
    selected.insert("pages", pages);
    selected.insert("sellers", sellers);
    selected.insert("seller_contacts", contacts);
}

fn keep(rows: &[Row], f: impl Fn(&Row) -> bool) -> Vec<Row> {
    rows.iter().filter(|r| f(r)).cloned().collect()
}
