//! `wildwatch parcels …`: carrier manifests.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Subcommand, ValueEnum};
use wildwatch_detect::Detector;
use wildwatch_parcels::{Format, Mapping, Options, Owner, OwnerLookup, Terms, Writer};
use wildwatch_store::AppStore;

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

/// The sellers of a store opened for the command, as the parcels screen looks them up.
struct Sellers(Box<dyn AppStore>);

impl OwnerLookup for Sellers {
    fn owners(&mut self, kind: &str, value: &str) -> Result<Vec<Owner>> {
        (*self.0).owners(kind, value)
    }
}

/// The store whose sellers senders and recipients are compared with: the one `--db` names, else
/// the data directory's when there is one; `Err` with the reason when there is none.
fn sellers_store(data: &Path, db: Option<&str>) -> Result<std::result::Result<Sellers, String>> {
    let own = data.join("wildwatch.db");
    if db.is_none_or(|u| u.trim().is_empty()) && !own.exists() {
        return Ok(Err(format!("no store at {}", own.display())));
    }
    Ok(Ok(Sellers(crate::db::open_app_store(data, db)?)))
}

/// `wildwatch parcels …`; sellers are looked up in the store `--db` names (else the data
/// directory's).
pub fn parcels(data: &Path, db: Option<&str>, det: &Detector, cmd: ParcelsCommand) -> Result<()> {
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
            let mut store = match no_sellers {
                true => Err(String::new()),
                false => sellers_store(data, db)?,
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
            let lookup = store.as_mut().ok().map(|s| s as &mut dyn OwnerLookup);
            let summary = wildwatch_parcels::screen(file, &opts, lookup, |r| w.row(r))?;
            w.finish()?;
            eprint!("{}", wildwatch_parcels::summary_text(&summary));
            if let (false, Err(why)) = (no_sellers, &store) {
                eprintln!("{why}: senders and recipients not compared with sellers");
            }
            Ok(())
        }
    }
}
