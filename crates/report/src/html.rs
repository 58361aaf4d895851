//! The HTML renderings: one self-contained page (inline CSS, inline SVG charts, no script, no
//! external request) that reads on a screen and prints. Every value goes through askama's HTML
//! escaping; only the SVG drawn by `chart` (whose text plotters escapes) is inserted as is.

use askama::Template;

use crate::chart::{self, Series};
use crate::compare::{ChangeRow, Comparison};
use crate::figures::{Breakdown, Report, Summary};
use crate::Result;

/// `12345` → `12,345`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Euros without cents, with thousands separators.
pub fn euros(v: f64) -> String {
    format!("€{}", thousands(v.round().max(0.0) as u64))
}

/// A share as a percentage (one decimal under 10%).
pub fn percent(share: Option<f64>) -> String {
    match share {
        None => "–".into(),
        Some(s) if s * 100.0 < 10.0 && s > 0.0 => format!("{:.1}%", s * 100.0),
        Some(s) => format!("{:.0}%", s * 100.0),
    }
}

fn hours(h: Option<f64>) -> String {
    match h {
        None => "–".into(),
        Some(h) if h < 48.0 => format!("{h:.1} hours"),
        Some(h) => format!("{:.1} days", h / 24.0),
    }
}

fn period(s: &Summary) -> String {
    match (&s.first_seen, &s.last_seen) {
        (Some(a), Some(b)) if a == b => format!("Ads first seen on {a}"),
        (Some(a), Some(b)) => format!("Ads first seen from {a} to {b}"),
        _ => "No ads collected".into(),
    }
}

struct RowView {
    key: String,
    name: String,
    detail: String,
    ads: String,
    relevant: String,
    specimens: String,
    value: String,
    high_risk: String,
    removed: String,
}

struct TableView {
    title: String,
    key_title: &'static str,
    name_title: &'static str,
    detail_title: &'static str,
    has_name: bool,
    has_detail: bool,
    italic_key: bool,
    rows: Vec<RowView>,
}

fn table(b: &Breakdown) -> TableView {
    let (key_title, name_title, detail_title) = match b.id.as_str() {
        "country" => ("Country", "", ""),
        "platform" => ("Platform", "", ""),
        "lang" => ("Language", "", ""),
        "species" => ("Species", "Common name (EN)", "Group"),
        "group" => ("Group", "", "Class › order"),
        "cites" => ("CITES appendix", "", ""),
        "eu_annex" => ("EU annex", "", ""),
        "category" => ("Category", "", ""),
        "week" => ("Week", "", "Starting"),
        _ => ("Key", "Name", "Detail"),
    };
    TableView {
        title: b.title.clone(),
        key_title,
        name_title,
        detail_title,
        has_name: b.rows.iter().any(|r| r.name.is_some()) || b.id == "species",
        has_detail: b.rows.iter().any(|r| r.detail.is_some()),
        italic_key: b.id == "species",
        rows: b
            .rows
            .iter()
            .map(|r| RowView {
                key: r.key.clone(),
                name: r.name.clone().unwrap_or_default(),
                detail: r.detail.clone().unwrap_or_default(),
                ads: thousands(r.figures.ads),
                relevant: thousands(r.figures.relevant),
                specimens: thousands(r.figures.specimens),
                value: euros(r.figures.value_eur),
                high_risk: thousands(r.figures.high_risk),
                removed: thousands(r.figures.removed),
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    campaign: String,
    period: String,
    empty: bool,
    cards: Vec<(String, String)>,
    action: Vec<(String, String)>,
    charts: Vec<(String, String)>,
    tables: Vec<TableView>,
    rules: Vec<String>,
}

fn species_label(key: &str, name: Option<&str>) -> String {
    match name {
        Some(n) => format!("{n} ({key})"),
        None => key.to_string(),
    }
}

/// The report as one HTML page.
pub fn report(r: &Report) -> Result<String> {
    let s = &r.summary;
    let f = &s.figures;
    let cards = vec![
        (thousands(f.ads), "ads collected".to_string()),
        (thousands(f.relevant), "relevant ads".to_string()),
        (
            thousands(f.specimens),
            format!(
                "specimens offered ({} ads of unknown count counted as one)",
                thousands(s.specimens_unknown)
            ),
        ),
        (
            euros(f.value_eur),
            format!(
                "estimated market value ({} priced offers)",
                thousands(f.priced_offers)
            ),
        ),
        (
            percent(s.high_risk_share),
            format!("high risk ({} relevant ads)", thousands(f.high_risk)),
        ),
        (
            percent(s.removal_rate),
            format!("of relevant ads removed ({})", thousands(f.removed)),
        ),
        (
            thousands(s.from_public_reports),
            "ads from public reports".to_string(),
        ),
        (
            thousands(s.reviewed),
            "ads reviewed by analysts".to_string(),
        ),
    ];
    let action = vec![
        (
            "Ads named in takedown notices sent".to_string(),
            thousands(s.notified),
        ),
        (
            "Removed after the notice".to_string(),
            thousands(s.removed_after_notice),
        ),
        (
            "Already gone when the notice was sent".to_string(),
            thousands(s.gone_before_notice),
        ),
        (
            "Removal rate after notice".to_string(),
            percent(s.removal_rate_after_notice),
        ),
        (
            "Median time from notice to removal".to_string(),
            hours(s.median_hours_to_removal),
        ),
        (
            "Removal rate of relevant ads (all causes)".to_string(),
            percent(s.removal_rate),
        ),
    ];
    let mut charts = Vec::new();
    if let Some(b) = r.breakdown("platform").filter(|b| !b.rows.is_empty()) {
        let rows = &b.rows[..b.rows.len().min(15)];
        charts.push((
            "Ads by platform".to_string(),
            chart::bars(
                "Ads by platform",
                "ads",
                &rows.iter().map(|r| r.key.clone()).collect::<Vec<_>>(),
                &[
                    Series {
                        name: "ads collected",
                        values: rows.iter().map(|r| r.figures.ads).collect(),
                    },
                    Series {
                        name: "relevant ads",
                        values: rows.iter().map(|r| r.figures.relevant).collect(),
                    },
                ],
            )?,
        ));
    }
    if let Some(b) = r.breakdown("species").filter(|b| !b.rows.is_empty()) {
        let rows = &b.rows[..b.rows.len().min(15)];
        charts.push((
            "Relevant ads by species (top 15)".to_string(),
            chart::bars(
                "Relevant ads by species",
                "relevant ads",
                &rows
                    .iter()
                    .map(|r| species_label(&r.key, r.name.as_deref()))
                    .collect::<Vec<_>>(),
                &[Series {
                    name: "relevant ads",
                    values: rows.iter().map(|r| r.figures.relevant).collect(),
                }],
            )?,
        ));
    }
    if let Some(b) = r.breakdown("week").filter(|b| !b.rows.is_empty()) {
        charts.push((
            "Ads per week".to_string(),
            chart::timeline(
                "Ads first seen per week",
                &b.rows.iter().map(|r| r.key.clone()).collect::<Vec<_>>(),
                &[
                    Series {
                        name: "ads collected",
                        values: b.rows.iter().map(|r| r.figures.ads).collect(),
                    },
                    Series {
                        name: "relevant ads",
                        values: b.rows.iter().map(|r| r.figures.relevant).collect(),
                    },
                    Series {
                        name: "high risk",
                        values: b.rows.iter().map(|r| r.figures.high_risk).collect(),
                    },
                ],
            )?,
        ));
    }
    let page = ReportPage {
        campaign: r.campaign.clone(),
        period: period(s),
        empty: f.ads == 0,
        cards,
        action,
        charts,
        tables: r.breakdowns.iter().map(table).collect(),
        rules: r.rules.clone(),
    };
    Ok(page.render()?)
}

struct ChangeView {
    label: String,
    a_ads: String,
    b_ads: String,
    a_relevant: String,
    b_relevant: String,
    change: String,
    pct: String,
    cls: &'static str,
}

struct ChangeTable {
    title: String,
    key_title: &'static str,
    rows: Vec<ChangeView>,
}

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage {
    a: String,
    b: String,
    a_period: String,
    b_period: String,
    sentences: Vec<String>,
    totals: Vec<(String, String, String, String)>,
    charts: Vec<(String, String)>,
    tables: Vec<ChangeTable>,
    rules: Vec<String>,
}

fn signed(d: i64) -> String {
    match d {
        0 => "0".into(),
        d if d > 0 => format!("+{}", thousands(d as u64)),
        d => format!("−{}", thousands(d.unsigned_abs())),
    }
}

fn change_view(r: &ChangeRow) -> ChangeView {
    ChangeView {
        label: r.label(),
        a_ads: thousands(r.a.ads),
        b_ads: thousands(r.b.ads),
        a_relevant: thousands(r.a.relevant),
        b_relevant: thousands(r.b.relevant),
        change: signed(r.change),
        pct: crate::compare::pct_text(r.change_pct),
        cls: match r.change {
            c if c > 0 => "up",
            c if c < 0 => "down",
            _ => "",
        },
    }
}

/// The comparison as one HTML page.
pub fn comparison(c: &Comparison) -> Result<String> {
    let (sa, sb) = (&c.a.summary, &c.b.summary);
    let line = |name: &str, a: u64, b: u64| {
        (
            name.to_string(),
            thousands(a),
            thousands(b),
            signed(b as i64 - a as i64),
        )
    };
    let totals = vec![
        line("Ads collected", sa.figures.ads, sb.figures.ads),
        line("Relevant ads", sa.figures.relevant, sb.figures.relevant),
        line("Specimens", sa.figures.specimens, sb.figures.specimens),
        (
            "Estimated market value".to_string(),
            euros(sa.figures.value_eur),
            euros(sb.figures.value_eur),
            {
                let d = (sb.figures.value_eur - sa.figures.value_eur).round() as i64;
                let e = euros(d.unsigned_abs() as f64);
                match d {
                    0 => "€0".into(),
                    d if d > 0 => format!("+{e}"),
                    _ => format!("−{e}"),
                }
            },
        ),
        line("High-risk ads", sa.figures.high_risk, sb.figures.high_risk),
        line("Removed ads", sa.figures.removed, sb.figures.removed),
        line(
            "Ads from public reports",
            sa.from_public_reports,
            sb.from_public_reports,
        ),
        (
            "High-risk share".to_string(),
            percent(sa.high_risk_share),
            percent(sb.high_risk_share),
            String::new(),
        ),
        (
            "Removal rate after notice".to_string(),
            percent(sa.removal_rate_after_notice),
            percent(sb.removal_rate_after_notice),
            String::new(),
        ),
    ];
    let mut charts = Vec::new();
    for (title, rows) in [
        ("Relevant ads by platform", &c.platforms),
        ("Relevant ads by species", &c.species),
    ] {
        if rows.is_empty() {
            continue;
        }
        let rows = &rows[..rows.len().min(15)];
        charts.push((
            title.to_string(),
            chart::bars(
                title,
                "relevant ads",
                &rows.iter().map(|r| r.label()).collect::<Vec<_>>(),
                &[
                    Series {
                        name: &c.a.campaign,
                        values: rows.iter().map(|r| r.a.relevant).collect(),
                    },
                    Series {
                        name: &c.b.campaign,
                        values: rows.iter().map(|r| r.b.relevant).collect(),
                    },
                ],
            )?,
        ));
    }
    let tables = vec![
        ChangeTable {
            title: "By platform".into(),
            key_title: "Platform",
            rows: c.platforms.iter().map(change_view).collect(),
        },
        ChangeTable {
            title: "By species".into(),
            key_title: "Species",
            rows: c.species.iter().map(change_view).collect(),
        },
        ChangeTable {
            title: "By species on each platform".into(),
            key_title: "Species on platform",
            rows: c.platform_species.iter().map(change_view).collect(),
        },
    ];
    let page = ComparePage {
        a: c.a.campaign.clone(),
        b: c.b.campaign.clone(),
        a_period: period(sa),
        b_period: period(sb),
        sentences: c.sentences.clone(),
        totals,
        charts,
        tables,
        rules: c.rules.clone(),
    };
    Ok(page.render()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(2_000_000), "2,000,000");
        assert_eq!(euros(1234.56), "€1,235");
        assert_eq!(percent(Some(0.5)), "50%");
        assert_eq!(percent(Some(0.0375)), "3.8%");
        assert_eq!(percent(None), "–");
        assert_eq!(signed(-241), "−241");
        assert_eq!(hours(Some(30.0)), "30.0 hours");
        assert_eq!(hours(Some(72.0)), "3.0 days");
    }
}
