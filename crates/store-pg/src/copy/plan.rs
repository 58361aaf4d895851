//! The copy plan: every table of the schema, its ids, references and key, which of its rows a
//! copy takes and how rows already in the target are met.

/// Which rows of a table belong to the copy.
#[derive(Clone, Copy)]
pub(super) enum Scope {
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
pub(super) enum Merge {
    /// A conflict is an error (the transaction fails, nothing is written).
    No,
    /// Keep the target's row; map the source id onto it (sellers by platform and name).
    Sellers,
    /// Keep the target's row (a shared photo, a contact already known).
    Skip(&'static str),
}

pub(super) struct Table {
    pub(super) name: &'static str,
    /// Surrogate id column, given anew in the target.
    pub(super) id: Option<&'static str>,
    /// Columns that hold another table's id.
    pub(super) refs: &'static [(&'static str, &'static str)],
    /// The key the hash orders rows by (after ids are rewritten).
    pub(super) key: &'static [&'static str],
    pub(super) scope: Scope,
    pub(super) merge: Merge,
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
pub(super) const TABLES: &[Table] = &[
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

/// Columns only PostgreSQL has (the work queue's leases), left behind by a copy to SQLite.
pub(super) const PG_ONLY_COLUMNS: &[(&str, &str)] =
    &[("frontier", "lease_owner"), ("frontier", "lease_until")];

pub(super) fn id_column(table: &str) -> &'static str {
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
