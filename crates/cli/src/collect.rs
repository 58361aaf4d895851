//! Collection commands: crawl, revisit, fixture-market, ads list, evidence, import.

mod import;
mod import_csv;

pub use import::{import, ImportArgs};

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use wildwatch_crawl::{Campaign, CrawlOptions};
use wildwatch_detect::Detector;
use wildwatch_store::{AdFilter, AppStore};
use wildwatch_store_pg::DbUrl;

#[derive(Args)]
pub struct CrawlArgs {
    /// Campaign file (TOML).
    campaign: PathBuf,
    /// Extra adapter folders (each holding NAME/adapter.toml), searched before the shipped ones.
    #[arg(long)]
    adapters: Vec<PathBuf>,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// Stop after this many pages (the next run resumes).
    #[arg(long)]
    max_pages: Option<u64>,
}

#[derive(Args)]
pub struct FixtureArgs {
    /// Address of the first site; the others use the next ports.
    #[arg(long, default_value = "127.0.0.1:8700")]
    addr: std::net::SocketAddr,
    /// Ads per site.
    #[arg(long, default_value_t = 200)]
    ads: usize,
    /// Seed of the fake world.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[derive(Subcommand)]
pub enum AdsCommand {
    /// List stored ads (latest version of each), highest risk first.
    List {
        /// Campaign name.
        #[arg(long)]
        campaign: Option<String>,
        /// Risk class (high, medium, low, none).
        #[arg(long)]
        risk: Option<String>,
        /// Platform name.
        #[arg(long)]
        platform: Option<String>,
        /// Only ads relevant to the listings.
        #[arg(long)]
        relevant: bool,
        /// At most this many.
        #[arg(long)]
        limit: Option<usize>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    Csv,
}

#[derive(Subcommand)]
pub enum EvidenceCommand {
    /// Re-read every WARC file, check the record structure and every digest.
    Verify,
    /// Print where a URL's archived pages lie, with their HTTP headers.
    Show {
        /// The URL.
        url: String,
    },
    /// Build a signed evidence package (zip) of ads for enforcement.
    Package(crate::action::PackageArgs),
    /// Check an evidence package: every file's hash, nothing missing or added, the signature.
    Check(crate::action::CheckArgs),
}

fn db_path(data: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(data)
        .with_context(|| format!("cannot create the data directory {}", data.display()))?;
    Ok(data.join("wildwatch.db"))
}

pub fn crawl(
    data: &Path,
    db: Option<&str>,
    a: &CrawlArgs,
    det: &Detector,
    revisit: bool,
) -> Result<()> {
    let (c, json) = Campaign::from_file(&a.campaign)?;
    let dirs = wildwatch_crawl::adapter::Adapter::user_dirs(&a.adapters);
    let opts = CrawlOptions {
        db: db_path(data)?,
        evidence: data.join("evidence"),
        adapter_dirs: dirs,
        progress: !a.quiet,
        max_fetches: a.max_pages,
        allow_private: true,
    };
    let mut store = crate::db::open_store(data, db)?;
    let r = if revisit {
        wildwatch_crawl::revisit_in(&mut *store, &c, &json, &opts, det)?
    } else {
        wildwatch_crawl::crawl_in(&mut *store, &c, &json, &opts, det)?
    };
    eprintln!("{}", r.summary(&c.name));
    Ok(())
}

pub fn fixture(a: &FixtureArgs) -> Result<()> {
    if !a.addr.ip().is_loopback() {
        bail!(
            "the fixture marketplace only listens on loopback addresses (got {})",
            a.addr
        );
    }
    wildwatch_fixture::run_blocking(
        a.addr,
        wildwatch_fixture::FixtureConfig {
            ads: a.ads,
            seed: a.seed,
            ..Default::default()
        },
    )?;
    Ok(())
}

/// `ads` on the store `--db` names (default: the SQLite store in `data`).
pub fn ads_on(data: &Path, db: Option<&str>, cmd: &AdsCommand) -> Result<()> {
    let AdsCommand::List {
        campaign,
        risk,
        platform,
        relevant,
        limit,
        format,
    } = cmd;
    let risk = match risk {
        Some(r) => match wildwatch_store::Risk::parse(r) {
            Ok(r) => Some(r),
            Err(_) => bail!("--risk must be high, medium, low or none (got `{r}`)"),
        },
        None => None,
    };
    let store = crate::db::open_store(data, db)?;
    let rows = store.list_ads(&AdFilter {
        campaign: campaign.clone(),
        risk,
        platform: platform.clone(),
        relevant_only: *relevant,
        limit: *limit,
    })?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match format {
        ListFormat::Json => {
            for r in &rows {
                serde_json::to_writer(&mut out, r)?;
                writeln!(out)?;
            }
        }
        ListFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "id",
                "platform",
                "url",
                "title",
                "price_text",
                "price_eur",
                "seller",
                "risk",
                "risk_score",
                "category",
                "species",
                "versions",
                "first_seen",
                "last_seen",
                "gone_at",
            ])?;
            for r in &rows {
                let cells = [
                    r.id.to_string(),
                    r.platform.clone(),
                    r.url.clone(),
                    r.title.clone(),
                    r.price_text.clone().unwrap_or_default(),
                    r.price_eur.map(|p| format!("{p:.2}")).unwrap_or_default(),
                    r.seller.clone().unwrap_or_default(),
                    r.risk.to_string(),
                    r.risk_score.to_string(),
                    r.category.to_string(),
                    r.species.join("; "),
                    r.versions.to_string(),
                    r.first_seen.to_string(),
                    r.last_seen.to_string(),
                    r.gone_at.map(|g| g.to_string()).unwrap_or_default(),
                ];
                w.write_record(
                    cells
                        .iter()
                        .map(|c| wildwatch_sink::spreadsheet_cell(c).into_owned()),
                )?;
            }
            w.flush()?;
        }
        ListFormat::Table => {
            let mut t = comfy_table::Table::new();
            t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
            t.set_header([
                "risk",
                "score",
                "category",
                "species",
                "title",
                "price €",
                "platform",
                "seller",
                "gone",
            ]);
            for r in &rows {
                let title: String = r.title.chars().take(48).collect();
                t.add_row([
                    r.risk.to_string(),
                    r.risk_score.to_string(),
                    r.category.to_string(),
                    r.species.join(", "),
                    title,
                    r.price_eur.map(|p| format!("{p:.0}")).unwrap_or_default(),
                    r.platform.clone(),
                    r.seller.clone().unwrap_or_default(),
                    if r.gone_at.is_some() {
                        "gone".into()
                    } else {
                        String::new()
                    },
                ]);
            }
            writeln!(out, "{t}")?;
            writeln!(out, "{} ads", rows.len())?;
        }
    }
    Ok(())
}

pub fn evidence(data: &Path, cmd: &EvidenceCommand) -> Result<()> {
    evidence_on(data, None, cmd)
}

/// `evidence` with pages looked up in the store `--db` names (WARC files are always in `data`).
pub fn evidence_on(data: &Path, db: Option<&str>, cmd: &EvidenceCommand) -> Result<()> {
    let dir = data.join("evidence");
    match cmd {
        EvidenceCommand::Package(a) => crate::action::package(data, db, a)?,
        EvidenceCommand::Check(a) => crate::action::check(a)?,
        EvidenceCommand::Verify => {
            if !dir.is_dir() {
                bail!("no evidence directory at {}", dir.display());
            }
            let r = wildwatch_warc::verify_dir(&dir)?;
            println!(
                "{} WARC files, {} records ({} responses): {}",
                r.files,
                r.records,
                r.responses,
                if r.errors.is_empty() {
                    "all digests and structure OK".to_string()
                } else {
                    format!("{} problems", r.errors.len())
                }
            );
            for e in &r.errors {
                println!("  {e}");
            }
            if !r.errors.is_empty() {
                bail!("evidence verification failed");
            }
        }
        EvidenceCommand::Show { url } => {
            let store = crate::db::open_store(data, db)?;
            let pages = store.pages_for(url)?;
            let found = if dir.is_dir() {
                wildwatch_warc::find_url(&dir, url)?
            } else {
                Vec::new()
            };
            if pages.is_empty() && found.is_empty() {
                bail!("no archived page for {url}");
            }
            for p in &pages {
                println!(
                    "fetched {} status {} kind {} sha256 {} in {} at offset {}{}",
                    p.fetched_at,
                    p.status,
                    p.kind,
                    p.body_sha256.as_deref().unwrap_or("-"),
                    p.warc_file.as_deref().unwrap_or("-"),
                    p.warc_offset
                        .map(|o| o.to_string())
                        .unwrap_or_else(|| "-".into()),
                    p.error
                        .as_ref()
                        .map(|e| format!(" ({e})"))
                        .unwrap_or_default()
                );
            }
            for f in &found {
                println!(
                    "\n{}  {} @ {}  HTTP {}  {} bytes  sha256 {}",
                    f.date, f.file, f.offset, f.status, f.body_len, f.payload_sha256
                );
                for (k, v) in &f.http_headers {
                    println!("  {k}: {v}");
                }
            }
        }
    }
    Ok(())
}

#[derive(Args)]
pub struct DemoArgs {
    /// Ads per fake platform.
    #[arg(long, default_value_t = 120)]
    ads: usize,
    /// Keywords to search (default: generated from the reference names in each platform's language).
    #[arg(long)]
    keyword: Vec<String>,
}

/// The main job end to end on the fixture marketplace: serve five fake platforms on loopback,
/// crawl them politely, detect, store, archive, list the high-risk ads, verify the evidence. The
/// store is the one `--db` names, else the data directory's.
pub fn demo(data: &Path, db: Option<&str>, a: &DemoArgs, det: &Detector) -> Result<()> {
    let fx = wildwatch_fixture::Fixture::start(
        wildwatch_fixture::FixtureConfig {
            ads: a.ads,
            seed: 1,
            ..Default::default()
        },
        None,
    )?;
    // The JavaScript site is crawled through headless Chromium when the machine has it.
    let js = match wildwatch_crawl::browser::find_chromium() {
        Some(_) => Some(wildwatch_fixture::jsshop::JsShop::start(
            "http://127.0.0.1:9/",
        )?),
        None => {
            eprintln!(
                "no Chromium on this machine: the JavaScript site (vitrine) is left out \
                 (apt-get install chromium to crawl it through the browser)"
            );
            None
        }
    };
    let (c, json) = demo_campaign(&fx, js.as_ref(), &a.keyword)?;
    let opts = CrawlOptions {
        db: db_path(data)?,
        evidence: data.join("evidence"),
        adapter_dirs: vec![],
        progress: true,
        max_fetches: None,
        allow_private: true,
    };
    let mut crawl_store = crate::db::open_store(data, db)?;
    let r = wildwatch_crawl::crawl_in(&mut *crawl_store, &c, &json, &opts, det)?;
    drop(crawl_store);
    eprintln!(
        "crawled {} pages and {} photos in {:.1}s: {} new ads ({} high risk), {} gone, {} blocked, {} disallowed by robots.txt, {} errors",
        r.pages, r.photos, r.seconds, r.ads_new, r.high_risk, r.gone, r.blocked, r.robots, r.errors
    );
    // The platforms' policy pages: do they tell users what wildlife trade law allows?
    let mut store = crate::db::open_app_store(data, db)?;
    let sites = wildwatch_crawl::policy::audit_campaign_in(
        &mut *store,
        &c,
        &json,
        &opts,
        &wildwatch_crawl::policy::PolicyTerms::shipped(),
    )?;
    for s in &sites {
        eprintln!(
            "policy audit: {:<14} {:<6} {}",
            s.platform,
            s.verdict.as_str(),
            s.summary
        );
    }
    fx.shutdown();
    drop(js);
    demo_findings(&mut *store, data, db, det)
}

/// The demo's campaign: every fixture platform (and the JavaScript site, loaded in the browser,
/// when it runs), the keywords given (else generated).
fn demo_campaign(
    fx: &wildwatch_fixture::Fixture,
    js: Option<&wildwatch_fixture::jsshop::JsShop>,
    keywords: &[String],
) -> Result<(Campaign, serde_json::Value)> {
    let mut toml = String::from(
        "name = \"demo\"\nrate_per_host = 20\nconcurrency_per_host = 4\nmax_keywords = 6\n",
    );
    if !keywords.is_empty() {
        toml.push_str(&format!(
            "keywords = [{}]\n",
            keywords
                .iter()
                .map(|k| format!("{k:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for s in &fx.sites {
        eprintln!("fixture platform {} ({}) at {}", s.name, s.lang, s.base_url);
        toml.push_str(&format!(
            "[[platform]]\nadapter = \"{}\"\nbase_url = \"{}\"\nmax_pages = 3\n",
            s.name, s.base_url
        ));
    }
    if let Some(js) = js {
        eprintln!(
            "fixture platform vitrine (fr, rendered with JavaScript: crawled in headless Chromium, with screenshots) at {}",
            js.base_url
        );
        toml.push_str(&format!(
            "[[platform]]\nadapter = \"vitrine\"\nbase_url = \"{}\"\nmax_pages = 3\n",
            js.base_url
        ));
    }
    Ok(Campaign::parse(&toml, "demo campaign")?)
}

/// The JavaScript site's high-risk ads, captured in the browser (each with a screenshot), when
/// the demo crawled it.
fn demo_browser_findings(
    store: &mut dyn AppStore,
    data: &Path,
    db: Option<&str>,
    again: &str,
) -> Result<()> {
    let captured = store.list_ads(&wildwatch_store::AdFilter {
        platform: Some("vitrine".into()),
        ..Default::default()
    })?;
    if captured.is_empty() {
        return Ok(());
    }
    eprintln!(
        "JavaScript site (vitrine): {} ads captured in headless Chromium; the high-risk ones below \
         each have a full-page screenshot in the evidence (on their page in the web app, and in \
         evidence packages: `wildwatch{again} evidence package --ads ID`)",
        captured.len()
    );
    let list = AdsCommand::List {
        campaign: Some("demo".into()),
        risk: Some(wildwatch_store::Risk::High.to_string()),
        platform: Some("vitrine".into()),
        relevant: false,
        limit: Some(10),
        format: ListFormat::Table,
    };
    ads_on(data, db, &list)
}

/// The demo campaign's report, as monitoring reports publish it, written to the data directory.
fn demo_report(store: &dyn AppStore, data: &Path, det: &Detector) -> Result<()> {
    let report = wildwatch_report::build(store, "demo", &det.refdata)?;
    let path = data.join("report-demo.html");
    std::fs::write(
        &path,
        wildwatch_report::render(&report, wildwatch_report::Format::Html)?,
    )
    .with_context(|| format!("cannot write {}", path.display()))?;
    let f = &report.summary.figures;
    eprintln!(
        "report: {} ads, {} relevant, {} specimens, {:.0} EUR asked, {} high risk; written to {}",
        f.ads,
        f.relevant,
        f.specimens,
        f.value_eur,
        f.high_risk,
        path.display()
    );
    Ok(())
}

/// After the demo's crawl: sellers linked, the report, the high-risk ads, the evidence verified
/// and a first account for the web app.
fn demo_findings(
    store: &mut dyn AppStore,
    data: &Path,
    db: Option<&str>,
    det: &Detector,
) -> Result<()> {
    // How to name this store again in the commands suggested below.
    let again = match db.filter(|u| !u.trim().is_empty()) {
        Some(u) => format!(
            " --data {} --db \"{}\"",
            data.display(),
            DbUrl::parse(u).display()
        ),
        None => format!(" --data {}", data.display()),
    };
    // Sellers linked across platforms by shared identifiers, photos and texts.
    let l = wildwatch_link::run::run(store, &wildwatch_link::Settings::default())?;
    eprintln!(
        "linked sellers: {} links, {} networks (`wildwatch{again} networks list`)",
        l.links, l.networks
    );
    demo_report(store, data, det)?;
    let list = AdsCommand::List {
        campaign: Some("demo".into()),
        risk: Some(wildwatch_store::Risk::High.to_string()),
        platform: None,
        relevant: false,
        limit: Some(15),
        format: ListFormat::Table,
    };
    ads_on(data, db, &list)?;
    demo_browser_findings(store, data, db, &again)?;
    evidence(data, &EvidenceCommand::Verify)?;
    eprintln!(
        "store: {}; evidence: {}; try `wildwatch{again} ads list --format csv`",
        crate::db::store_url(data, db)?.display(),
        data.join("evidence").display(),
    );
    // A first account, so the web app can be opened on the demo data at once.
    if store.user_count()? == 0 {
        let pw = wildwatch_web::util::random_hex(8);
        let hash = wildwatch_web::auth::hash_password(&pw).map_err(|e| anyhow::anyhow!(e))?;
        store.add_user("demo", &hash, wildwatch_store::app::Role::Admin)?;
        eprintln!("web app account created: user `demo`, password `{pw}` (admin)");
    }
    eprintln!(
        "browse and review the ads: `wildwatch{again} serve`, then open http://127.0.0.1:8080"
    );
    Ok(())
}
