//! Campaign reports: the figures wildlife-trade monitoring reports publish (ads, specimens,
//! estimated market value, by country, platform, language, species, taxonomic group, CITES
//! appendix, EU annex, category and week; high-risk share; removals after takedown notices;
//! public reports), the comparison of two campaigns, and their renderings: one self-contained
//! HTML file with SVG charts, a long CSV table, an XLSX workbook and JSON.
//!
//! ```no_run
//! # fn main() -> Result<(), wildwatch_report::ReportError> {
//! let store = wildwatch_store::SqliteStore::open("wildwatch-data/wildwatch.db".as_ref())?;
//! let refdata = wildwatch_refdata::RefData::shipped().expect("shipped data");
//! let report = wildwatch_report::build(&store, "fr-2026", &refdata)?;
//! let html = wildwatch_report::render(&report, wildwatch_report::Format::Html)?;
//! # let _ = html; Ok(()) }
//! ```
#![deny(missing_docs)]

mod calendar;
mod chart;
pub mod compare;
mod export;
mod figures;
mod html;
mod taxa;

use serde::Serialize;
use wildwatch_refdata::RefData;
use wildwatch_store::CampaignReports;

pub use compare::{compare, render_comparison, ChangeRow, Comparison};
pub use figures::{Breakdown, Figures, PlatformSpeciesRow, Report, Row, Summary};

/// What can go wrong building or rendering a report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// No campaign has this name.
    #[error("no campaign is called `{name}`; known campaigns: {}", if known.is_empty() { "none (crawl or import one first)".to_string() } else { known.join(", ") })]
    UnknownCampaign {
        /// The name asked for.
        name: String,
        /// The campaigns in the store.
        known: Vec<String>,
    },
    /// The store said no.
    #[error(transparent)]
    Store(#[from] wildwatch_store::StoreError),
    /// A chart could not be drawn.
    #[error("drawing a chart: {0}")]
    Chart(String),
    /// The HTML template failed.
    #[error("rendering HTML: {0}")]
    Html(#[from] askama::Error),
    /// Writing CSV failed.
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
    /// Writing the workbook failed.
    #[error("writing XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// Writing JSON failed.
    #[error("writing JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The format cannot render this document.
    #[error("{0}")]
    Unsupported(String),
}

/// Result alias.
pub type Result<T> = std::result::Result<T, ReportError>;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One self-contained HTML file with SVG charts (no scripts, no external requests).
    Html,
    /// One long table: breakdown, key, figures.
    Csv,
    /// A workbook: a summary sheet and one sheet per breakdown.
    Xlsx,
    /// The whole report.
    Json,
}

impl Format {
    /// Parses `html`, `csv`, `xlsx` or `json`.
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "html" => Format::Html,
            "csv" => Format::Csv,
            "xlsx" => Format::Xlsx,
            "json" => Format::Json,
            _ => return None,
        })
    }

    /// The HTTP content type.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Html => "text/html; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Json => "application/json",
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
        }
    }

    /// Whether the output is text (can go to a terminal).
    pub fn is_text(self) -> bool {
        self != Format::Xlsx
    }
}

/// Finds a campaign or says which ones exist.
fn campaign(
    store: &(impl CampaignReports + ?Sized),
    name: &str,
) -> Result<wildwatch_store::report::CampaignInfo> {
    match store.campaign_info(name)? {
        Some(c) => Ok(c),
        None => Err(ReportError::UnknownCampaign {
            name: name.to_string(),
            known: store.campaign_names()?,
        }),
    }
}

/// Builds the report of a campaign, on either backend (SQLite or PostgreSQL).
pub fn build(
    store: &(impl CampaignReports + ?Sized),
    campaign_name: &str,
    refdata: &RefData,
) -> Result<Report> {
    let info = campaign(store, campaign_name)?;
    let ads = store.report_ads(info.id)?;
    Ok(figures::compute(
        &info.name,
        &ads,
        &mut taxa::Taxa::new(refdata),
    ))
}

/// Builds the report of a campaign from its ads as a store gave them (`report_ads` of the SQLite
/// or the PostgreSQL store).
pub fn from_ads(
    campaign_name: &str,
    ads: &[wildwatch_store::report::ReportAd],
    refdata: &RefData,
) -> Report {
    figures::compute(campaign_name, ads, &mut taxa::Taxa::new(refdata))
}

/// Renders a report.
pub fn render(report: &Report, format: Format) -> Result<Vec<u8>> {
    match format {
        Format::Html => Ok(html::report(report)?.into_bytes()),
        Format::Csv => export::report_csv(report),
        Format::Xlsx => export::report_xlsx(report),
        Format::Json => Ok(serde_json::to_vec_pretty(report)?),
    }
}
