//! `wildwatch sellers …` and `wildwatch networks …`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Subcommand, ValueEnum};
use wildwatch_link::export::{self, NodeOut};
use wildwatch_link::{Evidence, Link, Settings};
use wildwatch_store::links::SellerView;
use wildwatch_store::AppStore;

#[derive(Subcommand)]
pub enum SellersCommand {
    /// Extracts identifiers from new or changed ads and links sellers into networks (shared
    /// identifiers, near-identical photos and texts).
    Link {
        /// Texts at least this similar (0–1) are near-duplicates.
        #[arg(long, default_value_t = 0.8)]
        text_similarity: f64,
        /// Photos at most this many bits apart are the same picture.
        #[arg(long, default_value_t = 4)]
        photo_bits: u32,
    },
    /// A seller (`s12`, or `a40` for an ad without seller name): ads, identifiers, links.
    Show {
        /// Seller key.
        key: String,
    },
}

#[derive(Subcommand)]
pub enum NetworksCommand {
    /// Networks ranked by high-risk ads, ads, platforms and species.
    List {
        /// How many.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Exports networks as GraphML or CSV node/edge lists.
    Export {
        /// graphml, or csv (writes OUT.nodes.csv and OUT.edges.csv).
        #[arg(long, value_enum, default_value_t = ExportFormat::Graphml)]
        format: ExportFormat,
        /// Only this network (default: all).
        #[arg(long)]
        network: Option<i64>,
        /// Output file (GraphML) or prefix (CSV).
        #[arg(long)]
        out: PathBuf,
        /// Replace names, accounts and identifiers by keyed pseudonyms (the key is
        /// DATA/pseudonym.key, created once; keep it to make later exports link up).
        #[arg(long)]
        pseudonymise: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Graphml,
    Csv,
}

/// `wildwatch sellers …` on the store `--db` names (else the one in the data directory).
pub fn sellers(data: &Path, db: Option<&str>, cmd: &SellersCommand) -> Result<()> {
    let mut s = crate::db::open_app_store(data, db)?;
    match cmd {
        SellersCommand::Link {
            text_similarity,
            photo_bits,
        } => {
            if !(0.0..=1.0).contains(text_similarity) {
                bail!("--text-similarity must be between 0 and 1");
            }
            let r = wildwatch_link::run::run(
                &mut *s,
                &Settings {
                    text_similarity: *text_similarity,
                    photo_bits: *photo_bits,
                    ..Default::default()
                },
            )?;
            eprintln!(
                "{} ads ({} with new signals): {} links, {} networks in {:.1}s",
                r.ads, r.signals_computed, r.links, r.networks, r.seconds
            );
        }
        SellersCommand::Show { key } => {
            let Some(v) = s.seller_view(key)? else {
                bail!("no seller `{key}` (keys look like s12, or a40 for an ad without seller name; see `wildwatch networks list`)");
            };
            print_seller(&v);
        }
    }
    Ok(())
}

fn print_seller(v: &SellerView) {
    println!("{} — {} on {}", v.key, v.name, v.platform);
    if let Some(n) = v.network {
        println!("network #{n}");
    }
    println!("\nads ({}):", v.ads.len());
    for (id, title, risk, url) in &v.ads {
        println!("  #{id} [{risk}] {title}  {url}");
    }
    println!("\nidentifiers:");
    for i in &v.identifiers {
        println!(
            "  {:<12} {:<32} (\"{}\" in the {})",
            i.kind, i.value, i.raw, i.field
        );
    }
    println!("\nlinks ({}):", v.links.len());
    for l in &v.links {
        let other = if l.a == v.key { &l.b } else { &l.a };
        let ev: Vec<String> = l
            .evidence
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| {
                        format!(
                            "{} {}",
                            e["kind"].as_str().unwrap_or(""),
                            e["detail"].as_str().unwrap_or("")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        println!("  {other} strength {:.2}: {}", l.strength, ev.join("; "));
    }
}

fn key_file(data: &Path) -> Result<Vec<u8>> {
    let p = data.join("pseudonym.key");
    std::fs::create_dir_all(data)
        .with_context(|| format!("cannot create the data directory {}", data.display()))?;
    if let Ok(k) = std::fs::read(&p) {
        if k.len() >= 32 {
            return Ok(k);
        }
    }
    let k = wildwatch_web::util::random_hex(32).into_bytes();
    std::fs::write(&p, &k).with_context(|| format!("cannot write {}", p.display()))?;
    Ok(k)
}

/// `wildwatch networks …` on the store `--db` names (else the one in the data directory).
pub fn networks(data: &Path, db: Option<&str>, cmd: &NetworksCommand) -> Result<()> {
    let s = crate::db::open_app_store(data, db)?;
    match cmd {
        NetworksCommand::List { limit } => list_networks(&*s, *limit),
        NetworksCommand::Export {
            format,
            network,
            out,
            pseudonymise,
        } => {
            let (mut nodes, mut links) = network_graph(&*s, *network)?;
            if *pseudonymise {
                let key = key_file(data)?;
                export::pseudonymise(&key, &mut nodes, &mut links);
            }
            write_graph(*format, out, &nodes, &links)
        }
    }
}

fn list_networks(s: &dyn AppStore, limit: usize) -> Result<()> {
    let nets = s.networks(limit)?;
    if nets.is_empty() {
        println!("no network (run `wildwatch sellers link` first)");
    }
    for (id, n) in nets {
        let list = |k: &str| {
            n[k].as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default()
        };
        println!(
            "#{id}: {} sellers, {} ads ({} high risk), platforms: {}; countries: {}; species: {}",
            n["sellers"].as_array().map(|a| a.len()).unwrap_or(0),
            n["ads"],
            n["high_risk"],
            list("platforms"),
            list("countries"),
            list("species")
        );
        println!("    sellers: {}", list("sellers"));
    }
    Ok(())
}

/// The sellers of one network (or all) and the links between them.
fn network_graph(s: &dyn AppStore, network: Option<i64>) -> Result<(Vec<NodeOut>, Vec<Link>)> {
    let nets = s.networks(usize::MAX >> 1)?;
    let chosen: Vec<(i64, Vec<String>)> = nets
        .iter()
        .filter(|(id, _)| network.is_none_or(|n| n == *id))
        .map(|(id, _)| Ok((*id, s.network_members(*id)?)))
        .collect::<Result<_>>()?;
    if chosen.is_empty() {
        bail!("no such network (see `wildwatch networks list`)");
    }
    let mut nodes = Vec::new();
    let mut members = Vec::new();
    for (id, m) in &chosen {
        for key in m {
            let v = s.seller_view(key)?;
            nodes.push(NodeOut {
                id: key.clone(),
                label: v.as_ref().map(|v| v.name.clone()).unwrap_or_default(),
                platform: v.as_ref().map(|v| v.platform.clone()).unwrap_or_default(),
                ads: v.as_ref().map(|v| v.ads.len()).unwrap_or(0),
                high_risk: v
                    .as_ref()
                    .map(|v| {
                        v.ads
                            .iter()
                            .filter(|a| a.2 == wildwatch_store::Risk::High)
                            .count()
                    })
                    .unwrap_or(0),
                network: *id as usize,
            });
            members.push(key.clone());
        }
    }
    let links: Vec<Link> = s
        .links_of(&members, true)?
        .into_iter()
        .map(|l| Link {
            a: l.a,
            b: l.b,
            strength: l.strength,
            evidence: serde_json::from_value::<Vec<Evidence>>(l.evidence).unwrap_or_default(),
        })
        .collect();
    Ok((nodes, links))
}

fn write_graph(format: ExportFormat, out: &Path, nodes: &[NodeOut], links: &[Link]) -> Result<()> {
    match format {
        ExportFormat::Graphml => {
            std::fs::write(out, export::graphml(nodes, links))
                .with_context(|| format!("cannot write {}", out.display()))?;
            eprintln!(
                "{} sellers, {} links written to {}",
                nodes.len(),
                links.len(),
                out.display()
            );
        }
        ExportFormat::Csv => {
            let base = out.to_string_lossy().trim_end_matches(".csv").to_string();
            let (n, e) = (format!("{base}.nodes.csv"), format!("{base}.edges.csv"));
            std::fs::write(&n, export::nodes_csv(nodes))
                .with_context(|| format!("cannot write {n}"))?;
            std::fs::write(&e, export::edges_csv(links))
                .with_context(|| format!("cannot write {e}"))?;
            eprintln!("{} sellers → {n}, {} links → {e}", nodes.len(), links.len());
        }
    }
    Ok(())
}
