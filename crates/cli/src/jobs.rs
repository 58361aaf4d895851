//! Work on stored ads other than fetching: detection re-runs (`wildwatch rescan`), and the jobs
//! that workers share on PostgreSQL (`wildwatch jobs add|list|output`): `rescan` over a range of
//! ad ids, `photos` (queue the campaign's unfetched photos in its frontier, which workers then
//! fetch and hash), `report` (render the campaign report, kept in the database).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use serde_json::json;
use sha2::{Digest, Sha256};
use wildwatch_detect::Detector;
use wildwatch_report::Format;
use wildwatch_store::CampaignReports;
use wildwatch_store::{Redetection, Store};
use wildwatch_store_pg::jobs::Job;
use wildwatch_store_pg::{DbUrl, PgStore};

use crate::db::store_url;
use crate::report::ReportFormat;

#[derive(Args)]
pub struct RescanArgs {
    /// The campaign whose ads are detected again.
    campaign: String,
    /// Ads per transaction.
    #[arg(long, default_value_t = 500)]
    batch: usize,
}

#[derive(Subcommand)]
pub enum JobsCommand {
    /// Queue jobs for the workers of a campaign (PostgreSQL).
    Add {
        /// rescan (detection again, split in ranges of ads), photos (fetch and hash the photos
        /// its ads show that were never fetched) or report (render the campaign report).
        kind: String,
        /// The campaign.
        campaign: String,
        /// rescan: ad ids per job (one job per range, so that workers share the work).
        #[arg(long, default_value_t = 2000)]
        chunk: i64,
        /// report: the format.
        #[arg(long, value_enum, default_value_t)]
        format: ReportFormat,
    },
    /// The jobs, newest first, with their state and results.
    List {
        /// Only this campaign.
        #[arg(long)]
        campaign: Option<String>,
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write a finished job's output (a report) to a file.
    Output {
        /// Job id.
        id: i64,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
}

/// What a detection re-run did.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct RescanStats {
    /// Ads read.
    pub ads: usize,
    /// Detections replaced.
    pub replaced: usize,
    /// Ads whose risk level changed.
    pub risk_changed: usize,
    /// Ads whose category changed.
    pub category_changed: usize,
    /// Ads whose species changed.
    pub species_changed: usize,
}

impl RescanStats {
    fn add(&mut self, o: RescanStats) {
        self.ads += o.ads;
        self.replaced += o.replaced;
        self.risk_changed += o.risk_changed;
        self.category_changed += o.category_changed;
        self.species_changed += o.species_changed;
    }
}

/// Detects the campaign's ads with ids in `from..=to` again, `batch` ads per transaction;
/// `between` runs after each batch and may stop the work (a worker that lost its job's lease).
pub fn rescan_range(
    store: &mut dyn Store,
    det: &Detector,
    campaign: i64,
    (from, to): (i64, i64),
    batch: usize,
    mut between: impl FnMut(&RescanStats) -> Result<()>,
) -> Result<RescanStats> {
    let batch = batch.max(1) as i64;
    let mut stats = RescanStats::default();
    let mut lo = from;
    while lo <= to {
        let hi = lo.saturating_add(batch - 1).min(to);
        let versions = store.latest_versions(campaign, lo, hi)?;
        let mut rows = Vec::with_capacity(versions.len());
        let mut part = RescanStats {
            ads: versions.len(),
            ..Default::default()
        };
        for v in versions {
            let d = wildwatch_crawl::detect(det, &v.ad);
            part.risk_changed += usize::from(d.risk != v.risk);
            part.category_changed += usize::from(d.category != v.category);
            part.species_changed += usize::from(d.species != v.species);
            rows.push(Redetection {
                ad_id: v.ad_id,
                version: v.version,
                ad: v.ad,
                detection: d,
            });
        }
        part.replaced = store.replace_detections(&rows)?;
        stats.add(part);
        between(&stats)?;
        if hi == i64::MAX {
            break;
        }
        lo = hi + 1;
    }
    Ok(stats)
}

/// `wildwatch rescan CAMPAIGN`, on either store.
pub fn rescan(data: &Path, db: Option<&str>, a: &RescanArgs, det: &Detector) -> Result<()> {
    let url = store_url(data, db)?;
    let mut store = wildwatch_store_pg::open(&url)
        .with_context(|| format!("opening the store {}", url.display()))?;
    let Some(cid) = store.campaign_id(&a.campaign)? else {
        bail!("no campaign named {:?} in {}", a.campaign, url.display());
    };
    let started = Instant::now();
    let stats = match store.ad_id_range(cid)? {
        Some(range) => rescan_range(store.as_mut(), det, cid, range, a.batch, |_| Ok(()))?,
        None => RescanStats::default(),
    };
    eprintln!(
        "{}: {} ads detected again in {:.1}s, {} detections replaced; changed: risk {}, category {}, species {}",
        a.campaign,
        stats.ads,
        started.elapsed().as_secs_f64(),
        stats.replaced,
        stats.risk_changed,
        stats.category_changed,
        stats.species_changed
    );
    Ok(())
}

fn pg_only(data: &Path, db: Option<&str>) -> Result<PgStore> {
    match store_url(data, db)? {
        DbUrl::Postgres(u) => Ok(PgStore::connect(&u)?),
        other => bail!(
            "jobs are work shared by `wildwatch worker` processes on PostgreSQL (give --db \
             postgres://… or WILDWATCH_DB); on the embedded store {} run `wildwatch rescan` or \
             `wildwatch report` directly",
            other.display()
        ),
    }
}

/// `wildwatch jobs …`.
pub fn jobs(data: &Path, db: Option<&str>, cmd: &JobsCommand) -> Result<()> {
    let pg = pg_only(data, db)?;
    match cmd {
        JobsCommand::Add {
            kind,
            campaign,
            chunk,
            format,
        } => {
            let Some(cid) = pg.campaign_id(campaign)? else {
                bail!("no campaign named {campaign:?}");
            };
            let args = match kind.as_str() {
                "rescan" => {
                    if *chunk < 1 {
                        bail!("--chunk must be at least 1 (ad ids per job)");
                    }
                    let mut args = Vec::new();
                    if let Some((lo, hi)) = pg.ad_id_range(cid)? {
                        let mut from = lo;
                        while from <= hi {
                            let to = from.saturating_add(chunk - 1).min(hi);
                            args.push(json!({"from_id": from, "to_id": to}));
                            if to == i64::MAX {
                                break;
                            }
                            from = to + 1;
                        }
                    }
                    args
                }
                "photos" => vec![json!({})],
                "report" => vec![json!({"format": Format::from(*format).extension()})],
                other => bail!(
                    "unknown job kind {other:?}; known: {}",
                    wildwatch_store_pg::jobs::KINDS.join(", ")
                ),
            };
            if args.is_empty() {
                eprintln!("{campaign}: no ads, so no {kind} job");
                return Ok(());
            }
            let ids = pg.add_jobs(cid, kind, &args)?;
            println!(
                "{campaign}: {} {kind} job(s) queued (ids {}–{}); `wildwatch worker` processes take them",
                ids.len(),
                ids[0],
                ids[ids.len() - 1]
            );
        }
        JobsCommand::List { campaign, json } => {
            let cid = match campaign {
                Some(name) => Some(
                    pg.campaign_id(name)?
                        .with_context(|| format!("no campaign named {name:?}"))?,
                ),
                None => None,
            };
            let rows = pg.jobs(cid)?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
                return Ok(());
            }
            let mut t = comfy_table::Table::new();
            t.load_preset(comfy_table::presets::UTF8_BORDERS_ONLY);
            t.set_header([
                "id", "campaign", "kind", "args", "state", "taken", "worker", "result", "error",
            ]);
            for r in rows {
                t.add_row([
                    r.id.to_string(),
                    r.campaign,
                    r.kind,
                    r.args.to_string(),
                    r.state,
                    r.attempts.to_string(),
                    r.lease_owner.unwrap_or_default(),
                    r.result.map(|v| v.to_string()).unwrap_or_default(),
                    r.error.unwrap_or_default(),
                ]);
            }
            println!("{t}");
        }
        JobsCommand::Output { id, out } => {
            let Some(bytes) = pg.job_output(*id)? else {
                bail!("job {id} has no output (not a finished report job, or no such job)");
            };
            std::fs::write(out, &bytes).with_context(|| format!("writing {}", out.display()))?;
            eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
        }
    }
    Ok(())
}

/// A worker's part: runs one claimed job, renewing its lease between steps. Returns the result to
/// record and the output to keep.
pub fn run_job(
    store: &mut dyn Store,
    pg: &PgStore,
    det: &Detector,
    job: &Job,
    owner: &str,
    lease: Duration,
) -> Result<(serde_json::Value, Option<Vec<u8>>)> {
    match job.kind.as_str() {
        "rescan" => {
            let from = job.args["from_id"]
                .as_i64()
                .context("rescan job without from_id")?;
            let to = job.args["to_id"]
                .as_i64()
                .context("rescan job without to_id")?;
            let stats = rescan_range(store, det, job.campaign_id, (from, to), 500, |_| {
                if !pg.renew_job(job.id, owner, lease)? {
                    bail!("lost the lease on job {} (another worker took it)", job.id);
                }
                Ok(())
            })?;
            Ok((serde_json::to_value(stats)?, None))
        }
        "photos" => {
            let items = store.photos_to_fetch(job.campaign_id)?;
            for item in &items {
                store.requeue(job.campaign_id, item)?;
            }
            Ok((json!({"queued": items.len()}), None))
        }
        "report" => {
            let ext = job.args["format"].as_str().unwrap_or("html");
            let format = Format::parse(ext).with_context(|| format!("unknown format {ext:?}"))?;
            let ads = pg.report_ads(job.campaign_id)?;
            let report = wildwatch_report::from_ads(&job.campaign, &ads, &det.refdata);
            let bytes = wildwatch_report::render(&report, format)?;
            let result = json!({
                "format": format.extension(),
                "bytes": bytes.len(),
                "sha256": hex::encode(Sha256::digest(&bytes)),
                "ads": report.summary.figures.ads,
            });
            Ok((result, Some(bytes)))
        }
        other => bail!("unknown job kind {other:?}"),
    }
}
