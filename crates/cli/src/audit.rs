//! `wildwatch audit policies CAMPAIGN`: do the monitored websites tell their users what wildlife
//! trade law and their own rules allow? (see `wildwatch_crawl::policy`).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use wildwatch_crawl::policy::{audit_campaign_in, PolicyTerms, SiteAudit};
use wildwatch_crawl::{Campaign, CrawlOptions};
use wildwatch_store::AppStore;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Find each website's help, terms and policy pages, read them, and say whether they give
    /// clear information on wildlife trade law and the site's own rules (with the passages).
    Policies(PoliciesArgs),
}

#[derive(Args)]
pub struct PoliciesArgs {
    /// A campaign file (CAMPAIGN.toml) or the name of a stored campaign.
    campaign: String,
    /// Print the latest stored audit instead of fetching the pages again.
    #[arg(long)]
    stored: bool,
    /// A folder with your own links.csv and/or topics.csv (see data/policy/).
    #[arg(long)]
    terms: Option<PathBuf>,
    /// Extra adapter folders.
    #[arg(long)]
    adapters: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = AuditFormat::Table)]
    format: AuditFormat,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum AuditFormat {
    Table,
    Json,
}

/// The campaign from a file, or from the store by name.
fn campaign(store: &dyn AppStore, arg: &str) -> Result<(Campaign, serde_json::Value)> {
    let p = Path::new(arg);
    if p.is_file() {
        return Ok(Campaign::from_file(p)?);
    }
    let Some((_, json)) = store.campaign_config(arg)? else {
        bail!("`{arg}` is neither a campaign file nor a stored campaign");
    };
    let c: Campaign = serde_json::from_value(json.clone())
        .with_context(|| format!("the stored configuration of campaign `{arg}`"))?;
    Ok((c, json))
}

/// `wildwatch audit policies` on the store `--db` names (else the one in the data directory);
/// the pages are archived in the data directory's `evidence/`.
pub fn audit(data: &Path, db: Option<&str>, cmd: &AuditCommand) -> Result<()> {
    let AuditCommand::Policies(a) = cmd;
    let sqlite = data.join("wildwatch.db");
    if db.is_none_or(|u| u.trim().is_empty())
        && !sqlite.exists()
        && !Path::new(&a.campaign).is_file()
    {
        bail!(
            "`{}` is neither a campaign file nor a stored campaign (no store at {})",
            a.campaign,
            sqlite.display()
        );
    }
    let mut store = crate::db::open_app_store(data, db)?;
    let (c, json) = campaign(&*store, &a.campaign)?;
    let sites = if a.stored {
        stored(&*store, &c, &a.campaign)?
    } else {
        let terms = match &a.terms {
            Some(d) => PolicyTerms::from_dir(d).map_err(anyhow::Error::msg)?,
            None => PolicyTerms::shipped(),
        };
        std::fs::create_dir_all(data)
            .with_context(|| format!("cannot create the data directory {}", data.display()))?;
        let dirs = wildwatch_crawl::adapter::Adapter::user_dirs(&a.adapters);
        let opts = CrawlOptions {
            db: sqlite,
            evidence: data.join("evidence"),
            adapter_dirs: dirs,
            progress: false,
            max_fetches: None,
            allow_private: true,
        };
        audit_campaign_in(&mut *store, &c, &json, &opts, &terms)?
    };
    match a.format {
        AuditFormat::Json => print_json(&c, &sites),
        AuditFormat::Table => {
            print_table(&sites);
            Ok(())
        }
    }
}

/// The latest stored audit of each website of the campaign.
fn stored(store: &dyn AppStore, c: &Campaign, arg: &str) -> Result<Vec<SiteAudit>> {
    let Some((cid, _)) = store.campaign_config(&c.name)? else {
        bail!("campaign `{}` is not in the store", c.name);
    };
    let rows = store.policy_audits(cid)?;
    if rows.is_empty() {
        bail!(
            "no policy audit stored for campaign `{}`; run `wildwatch audit policies {arg}`",
            c.name
        );
    }
    rows.into_iter()
        .map(|r| serde_json::from_value(r.result))
        .collect::<std::result::Result<_, _>>()
        .context("a stored audit could not be read")
}

fn clear_count(sites: &[SiteAudit]) -> usize {
    sites
        .iter()
        .filter(|s| s.verdict.as_str() == "clear")
        .count()
}

fn print_json(c: &Campaign, sites: &[SiteAudit]) -> Result<()> {
    let out = serde_json::json!({
        "campaign": c.name,
        "websites": sites.len(),
        "clear": clear_count(sites),
        "share_clear": wildwatch_crawl::policy::share_clear(sites),
        "sites": sites,
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

fn print_table(sites: &[SiteAudit]) {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header(["platform", "website", "verdict", "pages", "summary"]);
    for s in sites {
        t.add_row([
            s.platform.clone(),
            s.home.clone(),
            s.verdict.as_str().to_string(),
            s.pages.len().to_string(),
            s.summary.clone(),
        ]);
    }
    println!("{t}");
    for s in sites {
        for p in &s.pages {
            for f in p.findings.iter().take(4) {
                println!("  {} · {} [{}] “{}”", s.platform, p.url, f.topic, f.passage);
            }
            if let Some(e) = &p.error {
                println!("  {} · {} — {}", s.platform, p.url, e);
            }
        }
    }
    println!(
        "clear information on wildlife trade: {} of {} website(s) ({:.0}%)",
        clear_count(sites),
        sites.len(),
        wildwatch_crawl::policy::share_clear(sites) * 100.0
    );
}
