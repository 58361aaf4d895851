//! `wildwatch report`: a campaign's figures, or two campaigns compared, as HTML, CSV, XLSX or
//! JSON (the work is in `wildwatch-report`).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use wildwatch_refdata::RefData;
use wildwatch_report::Format;
use wildwatch_store::AppStore;

/// Output format of a report.
#[derive(Clone, Copy, Default, ValueEnum)]
pub enum ReportFormat {
    /// One self-contained HTML file with SVG charts.
    #[default]
    Html,
    /// One long table.
    Csv,
    /// A workbook, one sheet per breakdown.
    Xlsx,
    /// Everything, as JSON.
    Json,
}

impl From<ReportFormat> for Format {
    fn from(f: ReportFormat) -> Format {
        match f {
            ReportFormat::Html => Format::Html,
            ReportFormat::Csv => Format::Csv,
            ReportFormat::Xlsx => Format::Xlsx,
            ReportFormat::Json => Format::Json,
        }
    }
}

/// Where and how to write.
#[derive(Args, Clone)]
pub struct Output {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: ReportFormat,
    /// Write to this file (default: standard output; XLSX only when it is not a terminal).
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct ReportArgs {
    #[command(subcommand)]
    command: Option<ReportCommand>,
    /// The campaign.
    #[arg(required = true)]
    campaign: Option<String>,
    #[command(flatten)]
    output: Output,
}

#[derive(Subcommand)]
enum ReportCommand {
    /// Two campaigns side by side (e.g. the same platforms a year apart), with the changes.
    Compare {
        /// The first (earlier) campaign.
        a: String,
        /// The second campaign.
        b: String,
        #[command(flatten)]
        output: Output,
    },
}

/// The store `--db` names, else the data directory's (which must exist: a report of nothing
/// is a mistake).
fn open(data: &Path, db: Option<&str>) -> Result<Box<dyn AppStore>> {
    let own = data.join("wildwatch.db");
    if db.is_none_or(|u| u.trim().is_empty()) && !own.is_file() {
        bail!(
            "no store at {} (crawl or import a campaign first, or pass --data DIR)",
            own.display()
        );
    }
    crate::db::open_app_store(data, db)
}

fn write(output: &Output, bytes: &[u8]) -> Result<()> {
    let format = Format::from(output.format);
    match &output.out {
        Some(path) => {
            std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?;
            eprintln!(
                "wrote {} ({} bytes, {})",
                path.display(),
                bytes.len(),
                format.extension()
            );
        }
        None => {
            let mut out = std::io::stdout().lock();
            if !format.is_text() && out.is_terminal() {
                bail!("XLSX is a binary file: give --out FILE.xlsx (or redirect the output)");
            }
            out.write_all(bytes)?;
            out.flush()?;
        }
    }
    Ok(())
}

/// Runs `wildwatch report` on the store `--db` names (SQLite or PostgreSQL), else on the SQLite
/// store in the data directory.
pub fn report(data: &Path, db: Option<&str>, args: &ReportArgs, refdata: &RefData) -> Result<()> {
    let store = open(data, db)?;
    match (&args.command, &args.campaign) {
        (Some(ReportCommand::Compare { a, b, output }), _) => {
            let c = wildwatch_report::compare(&*store, a, b, refdata)?;
            write(
                output,
                &wildwatch_report::render_comparison(&c, output.format.into())?,
            )
        }
        (None, Some(name)) => {
            let r = wildwatch_report::build(&*store, name, refdata)?;
            if r.summary.figures.ads == 0 {
                eprintln!("campaign `{name}` has no ads yet: every figure is zero");
            }
            write(
                &args.output,
                &wildwatch_report::render(&r, args.output.format.into())?,
            )
        }
        (None, None) => bail!("name a campaign: wildwatch report CAMPAIGN"),
    }
}
