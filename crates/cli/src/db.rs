//! Store commands: `db migrate`, `db copy` (SQLite → PostgreSQL, or back), `worker`; and which store a
//! command works on (`--db URL` / `WILDWATCH_DB`, else the SQLite file in the data directory).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use wildwatch_crawl::{Campaign, CrawlOptions};
use wildwatch_detect::Detector;
use wildwatch_store::{AppStore, SqliteStore, Store};
use wildwatch_store_pg::copy::{copy, copy_back, CopyOptions, CopyReport};
use wildwatch_store_pg::queue::{LeasedStore, WorkerOptions};
use wildwatch_store_pg::{DbUrl, PgStore};

#[derive(Subcommand)]
pub enum DbCommand {
    /// Create or update the store's schema and print its version.
    Migrate,
    /// Copy campaigns (or the whole store) from SQLite into PostgreSQL, or from PostgreSQL into
    /// an SQLite file (created if missing); compare counts and hashes.
    Copy {
        /// The source: an SQLite store (sqlite://PATH or a path to wildwatch.db) or a PostgreSQL
        /// database (postgres://…).
        #[arg(long)]
        from: String,
        /// The target: the other kind of store.
        #[arg(long)]
        to: String,
        /// Copy only this campaign (default: every campaign, accounts and networks too).
        #[arg(long)]
        campaign: Option<String>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct WorkerArgs {
    /// Campaign file (TOML); every worker of a campaign is given the same one.
    campaign: PathBuf,
    /// Extra adapter folders (each holding NAME/adapter.toml), searched before the shipped ones.
    #[arg(long)]
    adapters: Vec<PathBuf>,
    /// Seconds a claimed URL stays this worker's without renewal (then another worker takes it).
    #[arg(long, default_value_t = 60.0)]
    lease_secs: f64,
    /// Stop after this many pages (the others go on).
    #[arg(long)]
    max_pages: Option<u64>,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// Only crawl: leave the campaign's queued jobs (rescan, photos, report) to other workers.
    #[arg(long)]
    no_jobs: bool,
    /// A job that failed this many times is given up (marked failed, with its error).
    #[arg(long, default_value_t = 3)]
    max_job_attempts: i64,
    /// Seconds to keep trying to connect (at start, or again when the PostgreSQL connection is
    /// lost) while the server cannot be reached.
    #[arg(long, default_value_t = 120.0)]
    reconnect_secs: f64,
}

/// The store a command that works on either backend uses.
pub fn store_url(data: &Path, db: Option<&str>) -> Result<DbUrl> {
    Ok(match db {
        Some(u) if !u.trim().is_empty() => DbUrl::parse(u),
        _ => {
            std::fs::create_dir_all(data)
                .with_context(|| format!("cannot create the data directory {}", data.display()))?;
            DbUrl::Sqlite(data.join("wildwatch.db"))
        }
    })
}

/// Opens the store a command that works on either backend uses.
pub fn open_store(data: &Path, db: Option<&str>) -> Result<Box<dyn Store>> {
    let url = store_url(data, db)?;
    wildwatch_store_pg::open(&url).with_context(|| format!("opening the store {}", url.display()))
}

/// Opens the store of a command that works on either backend with everything the CLI needs of
/// it: the one `--db` / `WILDWATCH_DB` names, else `wildwatch.db` in the data directory.
pub fn open_app_store(data: &Path, db: Option<&str>) -> Result<Box<dyn AppStore>> {
    let url = store_url(data, db)?;
    let opened = match &url {
        DbUrl::Sqlite(p) => SqliteStore::open(p).map(|s| Box::new(s) as Box<dyn AppStore>),
        DbUrl::Postgres(u) => wildwatch_store_pg::open_any(u),
    };
    opened.with_context(|| format!("opening the store {}", url.display()))
}

fn postgres(url: &str, what: &str) -> Result<PgStore> {
    match DbUrl::parse(url) {
        DbUrl::Postgres(u) => Ok(PgStore::connect(&u)?),
        other => bail!(
            "{what} must be a PostgreSQL database (postgres://…), not {}",
            other.display()
        ),
    }
}

pub fn db(data: &Path, db: Option<&str>, cmd: &DbCommand) -> Result<()> {
    match cmd {
        DbCommand::Migrate => {
            let url = store_url(data, db)?;
            let version = match &url {
                DbUrl::Sqlite(p) => wildwatch_store::SqliteStore::open(p)?.schema_version()?,
                DbUrl::Postgres(u) => PgStore::connect(u)?.schema_version()?,
            };
            println!("{}: schema version {version}", url.display());
        }
        DbCommand::Copy {
            from,
            to,
            campaign,
            json,
        } => {
            let opts = CopyOptions {
                campaign: campaign.clone(),
            };
            let started = std::time::Instant::now();
            let report = match (DbUrl::parse(from), DbUrl::parse(to)) {
                (DbUrl::Sqlite(source), DbUrl::Postgres(_)) => {
                    copy(&source, &postgres(to, "--to")?, &opts)?
                }
                (DbUrl::Postgres(_), DbUrl::Sqlite(target)) => {
                    copy_back(&postgres(from, "--from")?, &target, &opts)?
                }
                (f, t) => bail!(
                    "`db copy` copies between SQLite and PostgreSQL: one of --from ({}) and --to \
                     ({}) must be an SQLite store (sqlite://PATH), the other a PostgreSQL database \
                     (postgres://…)",
                    f.display(),
                    t.display()
                ),
            };
            print_copy(&report, *json)?;
            eprintln!(
                "copied {} campaign(s) ({}) from {} to {} at schema version {} in {:.1}s; every table's counts and hashes agree",
                report.campaigns.len(),
                report.campaigns.join(", "),
                DbUrl::parse(from).display(),
                DbUrl::parse(to).display(),
                report.schema_version,
                started.elapsed().as_secs_f64()
            );
        }
    }
    Ok(())
}

/// The per-table report of `db copy` (the same both ways), as a table or JSON.
fn print_copy(report: &CopyReport, json: bool) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
        return Ok(());
    }
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_BORDERS_ONLY);
    t.set_header([
        "table",
        "source rows",
        "copied",
        "merged",
        "read back",
        "sha256 (source)",
        "sha256 (target)",
        "",
    ]);
    for r in &report.tables {
        t.add_row([
            r.table.clone(),
            r.source_rows.to_string(),
            r.copied.to_string(),
            r.merged.to_string(),
            r.target_rows.to_string(),
            r.source_sha256[..16].to_string(),
            r.target_sha256[..16].to_string(),
            if r.matches() { "ok" } else { "DIFFERS" }.to_string(),
        ]);
    }
    println!("{t}");
    Ok(())
}

pub fn worker(data: &Path, db: Option<&str>, a: &WorkerArgs, det: &Detector) -> Result<()> {
    let url = store_url(data, db)?;
    let DbUrl::Postgres(u) = &url else {
        bail!(
            "`wildwatch worker` shares a crawl with other workers through PostgreSQL: give \
             --db postgres://… (or WILDWATCH_DB); on the embedded store use `wildwatch crawl`"
        );
    };
    let (c, json) = Campaign::from_file(&a.campaign)?;
    if !(a.lease_secs > 0.0 && a.lease_secs.is_finite()) {
        bail!("--lease-secs must be a positive number of seconds");
    }
    if !(a.reconnect_secs >= 0.0 && a.reconnect_secs.is_finite()) {
        bail!("--reconnect-secs must be a number of seconds (0 or more)");
    }
    let wait = Duration::from_secs_f64(a.reconnect_secs);
    // A worker started while PostgreSQL is (re)starting waits for it, as it would mid-crawl.
    let pg = PgStore::connect_waiting(u, wait)?;
    let opts = WorkerOptions {
        owner: WorkerOptions::default_owner(),
        lease: Duration::from_secs_f64(a.lease_secs),
        // rate_per_host = 0 means no limit, as in `crawl`.
        host_interval: if c.rate_per_host > 0.0 {
            Duration::from_secs_f64(1.0 / c.rate_per_host)
        } else {
            Duration::ZERO
        },
        poll: Duration::from_millis(250),
    };
    let owner = opts.owner.clone();
    let lease = opts.lease;
    let poll = opts.poll;
    let mut store = LeasedStore::new(pg, opts);
    let dirs = wildwatch_crawl::adapter::Adapter::user_dirs(&a.adapters);
    let copts = CrawlOptions {
        db: data.join("wildwatch.db"),
        evidence: data.join("evidence"),
        adapter_dirs: dirs,
        progress: !a.quiet,
        max_fetches: a.max_pages,
        allow_private: true,
    };
    let report = |store: &LeasedStore, r: &wildwatch_crawl::CrawlReport| {
        eprintln!(
            "worker {owner}: {}; {} commits dropped (lease lost); {} reconnects",
            r.summary(&c.name),
            store.dropped_commits(),
            store.inner().reconnects()
        );
    };
    let r = wildwatch_crawl::crawl_in(&mut store, &c, &json, &copts, det)?;
    report(&store, &r);
    if a.no_jobs || a.max_pages.is_some() {
        return Ok(());
    }
    // Then the campaign's jobs, until none is left (waiting while other workers hold some: a
    // worker that dies leaves its job to be taken again). A job may queue URLs (photos): those
    // are crawled before the next job.
    let cid = store
        .campaign_id(&c.name)?
        .context("the campaign disappeared from the database")?;
    let (mut done, mut failed) = (0u64, 0u64);
    let mut work: Option<PgStore> = None;
    loop {
        if store.frontier_counts(cid)?.pending > 0 {
            let r = wildwatch_crawl::crawl_in(&mut store, &c, &json, &copts, det)?;
            report(&store, &r);
            continue;
        }
        let pg = store.inner();
        let Some(job) = pg.claim_job(cid, &owner, lease)? else {
            if pg.job_counts(cid)?.leased == 0 {
                break;
            }
            std::thread::sleep(poll);
            continue;
        };
        let started = std::time::Instant::now();
        // A job writes through a connection of its own (its writes are not frontier commits);
        // its lease is renewed through the queue's.
        let w = match &mut work {
            Some(w) => w,
            None => work.insert(PgStore::connect_waiting(u, wait)?),
        };
        let outcome = crate::jobs::run_job(w, store.inner(), det, &job, &owner, lease);
        let pg = store.inner();
        match outcome {
            Ok((result, output)) => {
                if pg.finish_job(job.id, &owner, &result, output.as_deref())? {
                    done += 1;
                    eprintln!(
                        "worker {owner}: job {} ({}) done in {:.1}s: {result}",
                        job.id,
                        job.kind,
                        started.elapsed().as_secs_f64()
                    );
                } else {
                    eprintln!(
                        "worker {owner}: job {} ({}) finished after its lease was lost; another worker's run counts",
                        job.id, job.kind
                    );
                }
            }
            Err(e) => {
                let msg = format!("{e:#}");
                let gave_up = pg.fail_job(job.id, &owner, &msg, a.max_job_attempts)?;
                failed += u64::from(gave_up);
                eprintln!(
                    "worker {owner}: job {} ({}) failed (attempt {}{}): {msg}",
                    job.id,
                    job.kind,
                    job.attempts,
                    if gave_up {
                        ", given up"
                    } else {
                        ", will be taken again"
                    }
                );
            }
        }
    }
    eprintln!(
        "worker {owner}: {}: {done} jobs done, {failed} given up; nothing left",
        c.name
    );
    Ok(())
}
