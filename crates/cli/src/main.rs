//! `wildwatch`: the one binary. Argument parsing and I/O only; the work is in the library crates.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use wildwatch_detect::stream::{scan_jsonl, scan_with};
use wildwatch_detect::{Detector, Lexicon, Rates};
use wildwatch_refdata::update::{update_from_export, user_data_dir};
use wildwatch_refdata::RefData;

/// mimalloc instead of the system allocator: `scan` makes and frees a few dozen small strings and
/// vectors per ad on every core, and glibc's malloc and free were a seventh of its time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod action;
mod adapters;
mod audit;
mod collect;
mod db;
mod jobs;
mod model;
mod model_sim;
mod parcels;
mod report;
mod sellers;
mod table;
mod web;

/// Find illegal wildlife trade in online marketplace ads.
#[derive(Parser)]
#[command(name = "wildwatch", version, about)]
struct Cli {
    /// Reference data directory (default: updated data in the user data dir, else the shipped data).
    #[arg(long, global = true, env = "WILDWATCH_REFDATA")]
    refdata: Option<PathBuf>,
    /// Extra lexicon directory (added to the shipped lists and ~/.config/wildwatch/lexicon).
    #[arg(long, global = true)]
    lexicon: Vec<PathBuf>,
    /// Exchange-rate table (TOML, see config/rates.toml).
    #[arg(long, global = true)]
    rates: Option<PathBuf>,
    /// Bytes of an ad's title and description that detection analyses; the rest is cut and the
    /// cut shown as a TEXT_CUT reason (bounds memory and time on huge ads).
    #[arg(long, global = true, env = "WILDWATCH_MAX_TEXT_BYTES",
          default_value_t = wildwatch_detect::DEFAULT_MAX_TEXT_BYTES as u64,
          value_parser = clap::value_parser!(u64).range(1000..))]
    max_text_bytes: u64,
    /// Data directory: the store (wildwatch.db) and the WARC evidence (evidence/).
    #[arg(
        long,
        global = true,
        env = "WILDWATCH_HOME",
        default_value = "wildwatch-data"
    )]
    data: PathBuf,
    /// The store: postgres://… or sqlite://PATH (default: wildwatch.db in --data; the WARC
    /// evidence, keys and notices stay in --data).
    #[arg(long, global = true, env = "WILDWATCH_DB")]
    db: Option<String>,
    /// Learned relevance model next to the rules: a file, or `shipped` for the one trained on the
    /// project's corpora (default: model/relevance.json in --data when present; see `wildwatch
    /// model train`).
    #[arg(long, global = true, env = "WILDWATCH_MODEL")]
    model: Option<PathBuf>,
    /// The rules alone, without a learned model.
    #[arg(long, global = true, conflicts_with = "model")]
    no_model: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan ads (JSON lines) and write one detection per ad.
    Scan {
        /// Input file, or - for standard input.
        #[arg(default_value = "-")]
        input: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Measure detection on a labelled corpus (file or directory of .jsonl files).
    Eval {
        /// Corpus file or directory.
        #[arg(default_value = "data/eval")]
        corpus: PathBuf,
        /// How many errors to list.
        #[arg(long, default_value_t = 40)]
        errors: usize,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Fail when relevance F1 in any language is below this.
        #[arg(long)]
        min_relevance_f1: Option<f64>,
        /// Fail when risk-class accuracy in any language is below this.
        #[arg(long)]
        min_risk_accuracy: Option<f64>,
    },
    /// Reference data: show a taxon, or rebuild from an official export.
    Refdata {
        #[command(subcommand)]
        command: RefdataCommand,
    },
    /// Demo: crawl the fixture marketplace (started on loopback), detect, store, list, verify.
    Demo(collect::DemoArgs),
    /// Crawl (or resume crawling) the platforms of a campaign file.
    Crawl(collect::CrawlArgs),
    /// Re-fetch a campaign's known ads: changes become versions, removed ads are marked gone.
    Revisit(collect::CrawlArgs),
    /// Serve the fixture marketplace (fake platforms with the real platforms' page structures) on loopback.
    FixtureMarket(collect::FixtureArgs),
    /// Stored ads.
    Ads {
        #[command(subcommand)]
        command: collect::AdsCommand,
    },
    /// The WARC evidence.
    Evidence {
        #[command(subcommand)]
        command: collect::EvidenceCommand,
    },
    /// Import ads from CSV, JSON lines or WARC files written by other crawlers.
    Import(collect::ImportArgs),
    /// Site adapters: list them, and check what one reads from a saved or archived page.
    Adapters {
        #[command(subcommand)]
        command: adapters::AdaptersCommand,
    },
    /// The store: create or update its schema; copy campaigns from SQLite to PostgreSQL.
    Db {
        #[command(subcommand)]
        command: db::DbCommand,
    },
    /// One of many workers sharing a campaign on PostgreSQL (--db postgres://…): its frontier,
    /// then its queued jobs.
    Worker(db::WorkerArgs),
    /// Detect a campaign's stored ads again (after a reference-data or rules update).
    Rescan(jobs::RescanArgs),
    /// Jobs for workers on PostgreSQL: detection re-runs, photo fetching, reports.
    Jobs {
        #[command(subcommand)]
        command: jobs::JobsCommand,
    },
    /// Serve the analyst web app and JSON API (and the sandboxed archive origin).
    Serve(web::ServeArgs),
    /// Accounts of the web app.
    User {
        #[command(subcommand)]
        command: web::UserCommand,
    },
    /// Analysts' reviews.
    Review {
        #[command(subcommand)]
        command: web::ReviewCommand,
    },
    /// The learned relevance model: train it on labelled ads and reviews, measure what it adds.
    Model {
        #[command(subcommand)]
        command: model::ModelCommand,
    },
    /// Sellers: identifiers, links across ads and platforms.
    Sellers {
        #[command(subcommand)]
        command: sellers::SellersCommand,
    },
    /// Networks of linked sellers: list, export (GraphML, CSV; pseudonymised on request).
    Networks {
        #[command(subcommand)]
        command: sellers::NetworksCommand,
    },
    /// Takedown notices to platforms: prepare (CSV and letter), record sending, list.
    Takedown(action::TakedownArgs),
    /// Carrier manifests: screen shipments for wildlife and for sellers seen online.
    Parcels {
        #[command(subcommand)]
        command: parcels::ParcelsCommand,
    },
    /// A campaign's figures (HTML with charts, CSV, XLSX, JSON), or two campaigns compared.
    Report(report::ReportArgs),
    /// Audits: do the monitored websites' policy pages inform on wildlife trade law?
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
}

#[derive(Subcommand)]
enum RefdataCommand {
    /// Print a taxon's listing, names and provenance (any name: scientific, synonym, EN/FR/DE/NL).
    Show {
        /// The name.
        name: Vec<String>,
    },
    /// Rebuild the reference data from a Species+/CITES Checklist CSV export and print what changed.
    Update {
        /// The export (CSV, "Index of CITES Species" columns).
        file: PathBuf,
        /// Listing date of the export (YYYY-MM-DD).
        #[arg(long)]
        date: String,
        /// Where to write the rebuilt data (default: the user data dir).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Table,
}

fn refdata_dir(cli: &Cli) -> Option<PathBuf> {
    cli.refdata
        .clone()
        .or_else(|| user_data_dir().filter(|d| d.join("taxa.csv").is_file()))
}

fn load_refdata(cli: &Cli) -> Result<RefData> {
    Ok(match refdata_dir(cli) {
        Some(dir) => RefData::from_dir(&dir)
            .with_context(|| format!("loading reference data from {}", dir.display()))?,
        None => RefData::shipped()?,
    })
}

/// The rules alone (training a model must not need the model it replaces).
fn rules_detector(cli: &Cli) -> Result<Detector> {
    let mut d = detector_from(refdata_dir(cli), &cli.lexicon, cli.rates.as_deref())?;
    d.max_text_bytes = usize::try_from(cli.max_text_bytes).unwrap_or(usize::MAX);
    Ok(d)
}

fn detector(cli: &Cli) -> Result<Detector> {
    let d = rules_detector(cli)?;
    Ok(match model_file(cli) {
        Some(path) => d.with_model(model::load(&path)?),
        None => d,
    })
}

/// The model the detector uses: `--model`, else the data directory's, unless `--no-model`.
fn model_file(cli: &Cli) -> Option<PathBuf> {
    if cli.no_model {
        return None;
    }
    cli.model
        .clone()
        .or_else(|| Some(model::data_model_path(&cli.data)).filter(|p| p.is_file()))
}

fn detector_from(
    refdata: Option<PathBuf>,
    lexicon: &[PathBuf],
    rates: Option<&std::path::Path>,
) -> Result<Detector> {
    let rates = match rates {
        Some(p) => Rates::parse(
            &std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?,
            &p.display().to_string(),
        )?,
        None => Rates::shipped(),
    };
    let data = match refdata {
        Some(dir) => RefData::from_dir(&dir)
            .with_context(|| format!("loading reference data from {}", dir.display()))?,
        None => RefData::shipped()?,
    };
    Ok(Detector::new(data, Lexicon::load(lexicon)?, rates)?)
}

/// Builds the detector later, on demand (the web app needs it only for reports).
fn detector_factory(cli: &Cli) -> web::Factory {
    let (r, l, x) = (refdata_dir(cli), cli.lexicon.clone(), cli.rates.clone());
    let max = usize::try_from(cli.max_text_bytes).unwrap_or(usize::MAX);
    let model = model_file(cli);
    std::sync::Arc::new(move || {
        let mut d = detector_from(r.clone(), &l, x.as_deref())?;
        d.max_text_bytes = max;
        Ok(match &model {
            Some(path) => d.with_model(model::load(path)?),
            None => d,
        })
    })
}

fn open_input(input: &str) -> Result<Box<dyn BufRead + Send>> {
    Ok(if input == "-" {
        Box::new(BufReader::with_capacity(1 << 16, io::stdin()))
    } else {
        Box::new(BufReader::with_capacity(
            1 << 16,
            File::open(input).with_context(|| format!("cannot open {input}"))?,
        ))
    })
}

fn main() -> Result<()> {
    let matches = <Cli as clap::CommandFactory>::command().get_matches();
    let cli =
        <Cli as clap::FromArgMatches>::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let db = cli.db.as_deref();
    match &cli.command {
        Command::Scan {
            input,
            format,
            threads,
        } => run_scan(&cli, input, *format, *threads)?,
        Command::Demo(a) => collect::demo(&cli.data, db, a, &detector(&cli)?)?,
        Command::Crawl(a) => collect::crawl(&cli.data, db, a, &detector(&cli)?, false)?,
        Command::Revisit(a) => collect::crawl(&cli.data, db, a, &detector(&cli)?, true)?,
        Command::Db { command } => db::db(&cli.data, db, command)?,
        Command::Worker(a) => db::worker(&cli.data, db, a, &detector(&cli)?)?,
        Command::Rescan(a) => jobs::rescan(&cli.data, db, a, &detector(&cli)?)?,
        Command::Jobs { command } => jobs::jobs(&cli.data, db, command)?,
        Command::FixtureMarket(a) => collect::fixture(a)?,
        Command::Ads { command } => collect::ads_on(&cli.data, db, command)?,
        Command::Evidence { command } => collect::evidence_on(&cli.data, db, command)?,
        Command::Import(a) => collect::import(&cli.data, db, a, &detector(&cli)?)?,
        Command::Adapters { command } => adapters::adapters(&cli.data, command)?,
        Command::Serve(a) => {
            let retrain = !cli.no_model && cli.model.is_none();
            web::serve(
                &cli.data,
                a,
                load_refdata(&cli)?,
                detector_factory(&cli),
                retrain,
            )?
        }
        Command::User { command } => web::user_on(&cli.data, db, command)?,
        Command::Takedown(a) => action::takedown(&cli.data, db, a, || load_refdata(&cli))?,
        Command::Sellers { command } => sellers::sellers(&cli.data, db, command)?,
        Command::Model { command } => {
            model::model(rules_detector(&cli)?, &cli.data, db, command.clone())?
        }
        Command::Networks { command } => sellers::networks(&cli.data, db, command)?,
        Command::Report(a) => report::report(&cli.data, db, a, &load_refdata(&cli)?)?,
        Command::Audit { command } => audit::audit(&cli.data, db, command)?,
        Command::Parcels { command } => {
            parcels::parcels(&cli.data, db, &detector(&cli)?, command.clone())?
        }
        Command::Review { command } => web::review_on(
            &cli.data,
            db,
            command,
            load_refdata(&cli)?,
            detector_factory(&cli),
        )?,
        Command::Eval {
            corpus,
            errors,
            json,
            min_relevance_f1,
            min_risk_accuracy,
        } => run_eval(
            &cli,
            corpus,
            *errors,
            *json,
            (*min_relevance_f1, *min_risk_accuracy),
        )?,
        Command::Refdata {
            command: RefdataCommand::Show { name },
        } => {
            let started = Instant::now();
            let data = load_refdata(&cli)?;
            let name = name.join(" ");
            let ids = data.lookup(&name);
            if ids.is_empty() {
                bail!("no taxon is called `{name}` (try a scientific name, a synonym or an EN/FR/DE/NL common name)");
            }
            for id in ids {
                print!("{}", data.describe(id));
            }
            eprintln!(
                "(reference data loaded in {} ms)",
                started.elapsed().as_millis()
            );
        }
        Command::Refdata {
            command: RefdataCommand::Update { file, date, out },
        } => {
            let target = match out.clone().or_else(user_data_dir) {
                Some(t) => t,
                None => {
                    bail!("no user data directory (set WILDWATCH_DATA or HOME), or pass --out DIR")
                }
            };
            let current = refdata_dir(&cli);
            let diff =
                update_from_export(file, current.as_deref(), &target, date).with_context(|| {
                    format!(
                        "the export {} was refused; the reference data was not changed",
                        file.display()
                    )
                })?;
            // Prove the new data loads before saying it is in place.
            RefData::from_dir(&target).with_context(|| {
                format!("the rebuilt data in {} does not load", target.display())
            })?;
            print!("{}", diff.report(50));
            println!("reference data written to {}", target.display());
        }
    }
    Ok(())
}

/// `wildwatch scan`: JSON lines in, one detection per ad out.
fn run_scan(cli: &Cli, input: &str, format: Format, threads: Option<usize>) -> Result<()> {
    if let Some(t) = threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build_global()
            .ok();
    }
    let det = detector(cli)?;
    let reader = open_input(input)?;
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout());
    let started = Instant::now();
    let totals = match format {
        Format::Json => scan_jsonl(&det, reader, &mut out),
        Format::Table => {
            let mut t = table::Table::new();
            let r = scan_with(&det, reader, |o| {
                t.add(&o);
                Ok(())
            });
            writeln!(out, "{}", t.render())?;
            r
        }
    };
    match totals {
        Ok(t) => {
            out.flush()?;
            eprintln!(
                "scanned {} ads ({} relevant, {} errors) in {:.2}s",
                t.ads,
                t.relevant,
                t.errors,
                started.elapsed().as_secs_f64()
            );
        }
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(e.into()),
    }
    // Freeing ~100 MB of automaton and names one by one only delays the exit.
    std::mem::forget(det);
    Ok(())
}

/// `wildwatch eval`: measures detection on a labelled corpus; fails below the floors.
fn run_eval(
    cli: &Cli,
    corpus: &std::path::Path,
    errors: usize,
    json: bool,
    (min_relevance_f1, min_risk_accuracy): (Option<f64>, Option<f64>),
) -> Result<()> {
    let det = detector(cli)?;
    let mut files: Vec<PathBuf> = if corpus.is_dir() {
        std::fs::read_dir(corpus)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .collect()
    } else {
        vec![corpus.to_path_buf()]
    };
    files.sort();
    if files.is_empty() {
        bail!("no .jsonl files in {}", corpus.display());
    }
    let mut all = Vec::new();
    for f in &files {
        all.extend(std::fs::read(f).with_context(|| format!("reading {}", f.display()))?);
        all.push(b'\n');
    }
    let report = wildwatch_detect::eval::evaluate(&det, &all[..])?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.render(errors));
    }
    let mut failed = Vec::new();
    // Floors hold for the four languages wildwatch reads; `other` is a handful of ads.
    for (lang, s) in report.by_lang.iter().filter(|(l, _)| l.as_str() != "other") {
        if let Some(min) = min_relevance_f1 {
            if s.f1() < min {
                failed.push(format!("{lang}: relevance F1 {:.3} < {min}", s.f1()));
            }
        }
        if let Some(min) = min_risk_accuracy {
            if s.accuracy("risk") < min {
                failed.push(format!(
                    "{lang}: risk accuracy {:.3} < {min}",
                    s.accuracy("risk")
                ));
            }
        }
    }
    if !failed.is_empty() {
        bail!("below the floor: {}", failed.join("; "));
    }
    Ok(())
}
