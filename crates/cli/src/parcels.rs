//! `wildwatch parcels …`: carrier manifests.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Subcommand, ValueEnum};
use wildwatch_detect::Detector;
use wildwatch_parcels::{Format, Mapping, Options, OwnerLookup, Terms, Writer};
use wildwatch_store::SqliteStore;

#[derive(Subcommand, Clone)]
pub enum ParcelsCommand {
    /// Screens a carrier manifest (CSV, `,` or `;`): declared contents naming listed
    /// species, parts, live animals, cover wording or decoys with a live animal's weight,
    /// and senders or recipients whose phone or e-mail a seller used online.
    Screen {
        /// The manifest.
        manifest: PathBuf,
        /// Column mapping (TOML, `[columns] contents = ["Inhalt", …]`); default: common
        /// header names in EN/FR/DE/NL. `--print-mapping` shows it.
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// table (default on a terminal), csv or json (default otherwise: csv).
        #[arg(long, value_enum)]
        format: Option<Fmt>,
        /// Every row, not only flagged ones.
        #[arg(long)]
        all: bool,
        /// Skip the look-up of senders and recipients among sellers seen online.
        #[arg(long)]
        no_sellers: bool,
        /// Prints the default column mapping and exits.
        #[arg(long)]
        print_mapping: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Fmt {
    Table,
    Csv,
    Json,
}

pub fn parcels(data: &Path, det: &Detector, cmd: ParcelsCommand) -> Result<()> {
    match cmd {
        ParcelsCommand::Screen {
            manifest,
            mapping,
            format,
            all,
            no_sellers,
            print_mapping,
        } => {
            if print_mapping {
                print!("{}", wildwatch_parcels::DEFAULT_MAPPING);
                return Ok(());
            }
            let mapping = match mapping {
                Some(p) => Mapping::parse(
                    &std::fs::read_to_string(&p)
                        .with_context(|| format!("reading {}", p.display()))?,
                    &p.display().to_string(),
                )?,
                None => Mapping::default_mapping(),
            };
            let terms = Terms::shipped();
            let file = std::fs::File::open(&manifest)
                .with_context(|| format!("opening {}", manifest.display()))?;
            let db = data.join("wildwatch.db");
            let mut store = if !no_sellers && db.exists() {
                Some(SqliteStore::open(&db)?)
            } else {
                None
            };
            let stdout = std::io::stdout();
            let format = match format {
                Some(Fmt::Table) => Format::Table,
                Some(Fmt::Csv) => Format::Csv,
                Some(Fmt::Json) => Format::Json,
                None if stdout.is_terminal() => Format::Table,
                None => Format::Csv,
            };
            let mut w = Writer::new(format, std::io::BufWriter::new(stdout.lock()));
            let opts = Options {
                mapping: &mapping,
                detector: det,
                terms: &terms,
                all,
                chunk: 20_000,
            };
            let lookup = store.as_mut().map(|s| s as &mut dyn OwnerLookup);
            let summary = wildwatch_parcels::screen(file, &opts, lookup, |r| w.row(r))?;
            w.finish()?;
            eprint!("{}", wildwatch_parcels::summary_text(&summary));
            if store.is_none() && !no_sellers {
                eprintln!(
                    "no store at {}: senders and recipients not compared with sellers",
                    db.display()
                );
            }
            Ok(())
        }
    }
}
