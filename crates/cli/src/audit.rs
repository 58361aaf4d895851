//! `wildwatch audit policies CAMPAIGN`: do the monitored websites tell their users what wildlife
//! trade law and their own rules allow? (see `wildwatch_crawl::policy`).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use wildwatch_crawl::policy::{audit_campaign, PolicyTerms, SiteAudit};
use wildwatch_crawl::{Campaign, CrawlOptions};
use wildwatch_store::PolicyAudits;
use wildwatch_store::SqliteStore;

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
fn campaign(data: &Path, arg: &str) -> Result<(Campaign, serde_json::Value)> {
    let p = Path::new(arg);
    if p.is_file() {
        return Ok(Campaign::from_file(p)?);
    }
    let db = data.join("wildwatch.db");
    if !db.exists() {
        bail!(
            "`{arg}` is neither a campaign file nor a stored campaign (no store at {})",
            db.display()
        );
    }
    let store = SqliteStore::open(&db)?;
    let Some((_, json)) = store.campaign_config(arg)? else {
        bail!("`{arg}` is neither a campaign file nor a stored campaign");
    };
    let c: Campaign = serde_json::from_value(json.clone())
        .with_context(|| format!("the stored configuration of campaign `{arg}`"))?;
    Ok((c, json))
}

pub fn audit(data: &Path, cmd: &AuditCommand) -> Result<()> {
    let AuditCommand::Policies(a) = cmd;
    let (c, json) = campaign(data, &a.campaign)?;
    let sites: Vec<SiteAudit> = if a.stored {
        let store = SqliteStore::open(&data.join("wildwatch.db"))?;
        let Some((cid, _)) = store.campaign_config(&c.name)? else {
            bail!("campaign `{}` is not in the store", c.name);
        };
        let rows = store.policy_audits(cid)?;
        if rows.is_empty() {
            bail!(
                "no policy audit stored for campaign `{}`; run `wildwatch audit policies {}`",
                c.name,
                a.campaign
            );
        }
        rows.into_iter()
            .map(|r| serde_json::from_value(r.result))
            .collect::<std::result::Result<_, _>>()
            .context("a stored audit could not be read")?
    } else {
        let terms = match &a.terms {
            Some(d) => PolicyTerms::from_dir(d).map_err(anyhow::Error::msg)?,
            None => PolicyTerms::shipped(),
        };
        std::fs::create_dir_all(data)
            .with_context(|| format!("cannot create the data directory {}", data.display()))?;
        let dirs = wildwatch_crawl::adapter::Adapter::user_dirs(&a.adapters);
        let opts = CrawlOptions {
            db: data.join("wildwatch.db"),
            evidence: data.join("evidence"),
            adapter_dirs: dirs,
            progress: false,
            max_fetches: None,
            allow_private: true,
        };
        audit_campaign(&c, &json, &opts, &terms)?
    };
    let share = wildwatch_crawl::policy::share_clear(&sites);
    let clear = sites
        .iter()
        .filter(|s| s.verdict.as_str() == "clear")
        .count();
    match a.format {
        AuditFormat::Json => {
            let out = serde_json::json!({
                "campaign": c.name,
                "websites": sites.len(),
                "clear": clear,
                "share_clear": share,
                "sites": sites,
            });
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
        AuditFormat::Table => {
            let mut t = Table::new();
            t.load_preset(UTF8_FULL_CONDENSED);
            t.set_header(["platform", "website", "verdict", "pages", "summary"]);
            for s in &sites {
                t.add_row([
                    s.platform.clone(),
                    s.home.clone(),
                    s.verdict.as_str().to_string(),
                    s.pages.len().to_string(),
                    s.summary.clone(),
                ]);
            }
            println!("{t}");
            for s in &sites {
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
                "clear information on wildlife trade: {clear} of {} website(s) ({:.0}%)",
                sites.len(),
                share * 100.0
            );
        }
    }
    Ok(())
}
