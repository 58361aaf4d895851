//! Acting on findings: `takedown` (prepare, record sending, list) and `evidence package|check`.
//! Parsing and printing only; the work is in `wildwatch-action`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use wildwatch_action::takedown::{self, Channel, TakedownRequest};
use wildwatch_action::templates::Templates;
use wildwatch_action::{check as pkg_check, keys, package, rfc3339};
use wildwatch_refdata::RefData;
use wildwatch_store::action::NoticeRow;
use wildwatch_store::AppStore;

/// `wildwatch takedown CAMPAIGN --platform P`, or `takedown sent|list`.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct TakedownArgs {
    #[command(subcommand)]
    command: Option<TakedownCommand>,
    /// Campaign whose ads marked for takedown go into the notice.
    #[arg(required = true)]
    campaign: Option<String>,
    /// Platform (adapter name) the notice is for.
    #[arg(long, required = true)]
    platform: Option<String>,
    /// Folder for the CSV and the letter.
    #[arg(long, default_value = ".")]
    out: PathBuf,
    /// Language of the notice (en, fr, de, nl); default: the platform's (its adapter's).
    #[arg(long)]
    lang: Option<String>,
    /// Template folder (laid out like data/templates/), before ~/.config/wildwatch/templates.
    #[arg(long)]
    templates: Option<PathBuf>,
    /// Extra adapter folders, to find the platform's language.
    #[arg(long)]
    adapters: Vec<PathBuf>,
}

#[derive(Subcommand)]
enum TakedownCommand {
    /// Record that a notice was sent (once).
    Sent {
        /// Notice id (see `takedown list`).
        notice: i64,
        /// When it was sent (RFC 3339, e.g. 2026-11-23T10:00:00Z); default now.
        #[arg(long)]
        at: Option<String>,
        /// How it was sent.
        #[arg(long, value_enum, default_value_t = ChannelArg::Email)]
        channel: ChannelArg,
    },
    /// List notices with their ads and how many are gone since.
    List {
        /// Only this campaign's notices.
        #[arg(long)]
        campaign: Option<String>,
        /// Print JSON lines.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ChannelArg {
    Email,
    Form,
    Api,
    Other,
}

impl From<ChannelArg> for Channel {
    fn from(c: ChannelArg) -> Channel {
        match c {
            ChannelArg::Email => Channel::Email,
            ChannelArg::Form => Channel::Form,
            ChannelArg::Api => Channel::Api,
            ChannelArg::Other => Channel::Other,
        }
    }
}

/// `wildwatch evidence package`.
#[derive(Args)]
#[command(group = clap::ArgGroup::new("which").required(true).args(["ads", "campaign"]))]
pub struct PackageArgs {
    /// Ad ids, comma-separated.
    #[arg(long, value_delimiter = ',')]
    ads: Vec<i64>,
    /// Every ad of this campaign (with --takedown: only those marked for takedown).
    #[arg(long)]
    campaign: Option<String>,
    /// With --campaign: only the ads marked for takedown.
    #[arg(long, requires = "campaign")]
    takedown: bool,
    /// The file to write.
    #[arg(long)]
    out: PathBuf,
    /// `zip` (the signed package) or `wacz` (its WARC records as a WACZ that opens in
    /// ReplayWeb.page, with the signed package inside as package/evidence.zip).
    #[arg(long, value_enum, default_value_t = PackageFormat::Zip)]
    format: PackageFormat,
    /// Signing key file (hex seed, mode 0600; made if missing). Default DATA/keys/evidence-ed25519.key.
    #[arg(long)]
    key: Option<PathBuf>,
}

/// What `evidence package` writes.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PackageFormat {
    /// The signed zip.
    Zip,
    /// A WACZ carrying the signed zip.
    Wacz,
}

/// `wildwatch evidence check`.
#[derive(Args)]
pub struct CheckArgs {
    /// The package.
    file: PathBuf,
    /// The signer's public key (hex) as the sender gave it.
    #[arg(long)]
    public_key: Option<String>,
}

fn user() -> String {
    std::env::var("USER")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "cli".into())
}

/// `wildwatch takedown …` on the store `--db` names (else the one in the data directory); the CSV
/// and the letter are written to `--out`.
pub fn takedown(
    data: &Path,
    db: Option<&str>,
    a: &TakedownArgs,
    refdata: impl FnOnce() -> Result<RefData>,
) -> Result<()> {
    let mut store = crate::db::open_app_store(data, db)?;
    match &a.command {
        Some(TakedownCommand::Sent {
            notice,
            at,
            channel,
        }) => {
            let at = match at {
                Some(s) => wildwatch_action::parse_rfc3339(s)?,
                None => wildwatch_store::now(),
            };
            takedown::record_sent(&mut *store, *notice, at, &user(), (*channel).into())?;
            println!("notice {notice} recorded as sent at {}", rfc3339(at));
        }
        Some(TakedownCommand::List { campaign, json }) => {
            print_notices(&takedown::list(&*store, campaign.as_deref())?, *json)?;
        }
        None => issue(&mut *store, a, refdata)?,
    }
    Ok(())
}

fn print_notices(rows: &[NoticeRow], json: bool) -> Result<()> {
    if json {
        for r in rows {
            println!("{}", serde_json::to_string(r)?);
        }
        return Ok(());
    }
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header([
        "notice",
        "campaign",
        "platform",
        "lang",
        "prepared",
        "sent",
        "channel",
        "ads",
        "gone",
        "gone since sent",
    ]);
    for r in rows {
        t.add_row([
            r.id.to_string(),
            r.campaign.clone().unwrap_or_default(),
            r.platform.clone(),
            r.lang.clone(),
            rfc3339(r.created_at),
            r.sent_at.map(rfc3339).unwrap_or_else(|| "not sent".into()),
            r.channel.clone().unwrap_or_default(),
            r.ads.to_string(),
            r.gone.to_string(),
            r.gone_since_sent.to_string(),
        ]);
    }
    println!("{t}");
    println!("{} notices", rows.len());
    Ok(())
}

/// `wildwatch takedown CAMPAIGN --platform P`: prepares, writes and records a notice.
fn issue(
    store: &mut dyn AppStore,
    a: &TakedownArgs,
    refdata: impl FnOnce() -> Result<RefData>,
) -> Result<()> {
    let (Some(campaign), Some(platform)) = (&a.campaign, &a.platform) else {
        bail!("usage: wildwatch takedown CAMPAIGN --platform PLATFORM");
    };
    let lang = a.lang.clone().or_else(|| {
        let dirs = wildwatch_crawl::adapter::Adapter::user_dirs(&a.adapters);
        wildwatch_crawl::adapter::Adapter::load(platform, &dirs)
            .ok()
            .map(|ad| ad.lang)
            .filter(|l| !l.is_empty())
    });
    let req = TakedownRequest {
        campaign: campaign.clone(),
        platform: platform.clone(),
        lang,
        created_by: user(),
    };
    let refdata = refdata()?;
    let templates = Templates::standard(a.templates.as_deref());
    match takedown::issue(store, &refdata, &templates, &req, &a.out)? {
        Ok(n) => {
            println!(
                "notice {}: {} ads on {} ({})",
                n.id,
                n.draft.ads.len(),
                n.draft.platform,
                n.draft.lang
            );
            println!("  CSV:    {}", n.csv_path.display());
            println!("  letter: {}", n.letter_path.display());
            println!(
                "after sending it: wildwatch takedown sent {} --channel email|form|api|other",
                n.id
            );
        }
        Err(unsent) => {
            println!(
                "nothing to notify: no ad of campaign `{campaign}` on {platform} is marked for \
                 takedown, still online and not yet in a notice"
            );
            for (id, ads) in unsent {
                println!(
                    "  notice {id} ({ads} ads) is not recorded as sent yet: wildwatch takedown sent {id}"
                );
            }
        }
    }
    Ok(())
}

/// `wildwatch evidence package` on the store `--db` names; the WARC files are read from the data
/// directory's `evidence/`.
pub fn package(data: &Path, db: Option<&str>, a: &PackageArgs) -> Result<()> {
    let store = crate::db::open_app_store(data, db)?;
    let ids = match &a.campaign {
        Some(c) => {
            let cid = store
                .campaign_id(c)?
                .with_context(|| format!("no campaign named `{c}`"))?;
            store.campaign_ad_ids(cid, a.takedown)?
        }
        None => a.ads.clone(),
    };
    if ids.is_empty() {
        bail!("no ads to package");
    }
    let key_path = a
        .key
        .clone()
        .unwrap_or_else(|| keys::default_key_path(data));
    let (key, made) = keys::load_or_create(&key_path)?;
    if made {
        eprintln!("made a new signing key: {}", key_path.display());
    }
    let work = tempfile::tempdir()?;
    let zip_out = match a.format {
        PackageFormat::Zip => a.out.clone(),
        PackageFormat::Wacz => work.path().join("evidence.zip"),
    };
    let built = package::build_file(&*store, &data.join("evidence"), &ids, &key, &zip_out)?;
    if a.format == PackageFormat::Wacz {
        wildwatch_action::package_as_wacz(&zip_out, &built.manifest, work.path(), &a.out)?;
    }
    for (ad, page, why) in &built.warnings {
        eprintln!("warning: ad {ad}, page {page}: WARC records not copied: {why}");
    }
    println!(
        "{}: {} ads, {} files, signed",
        a.out.display(),
        built.manifest.ads.len(),
        built.manifest.files.len()
    );
    println!("public key: {}", built.manifest.public_key);
    Ok(())
}

pub fn check(a: &CheckArgs) -> Result<()> {
    let r = pkg_check::check_file(&a.file, a.public_key.as_deref())?;
    if let Some(m) = &r.manifest {
        println!(
            "{}: {} ads, created {} by wildwatch {}",
            a.file.display(),
            m.ads.len(),
            m.created_at,
            m.wildwatch_version
        );
        println!("signed by public key {}", m.public_key);
    }
    for p in &r.problems {
        println!("PROBLEM {p}");
    }
    if !r.is_ok() {
        bail!(
            "{}: the package does not check ({} problems)",
            a.file.display(),
            r.problems.len()
        );
    }
    println!(
        "OK: {} files match the manifest and the signature verifies",
        r.files_ok
    );
    if a.public_key.is_none() {
        println!(
            "compare the public key above with the one the sender gave you (or pass --public-key)"
        );
    }
    Ok(())
}
