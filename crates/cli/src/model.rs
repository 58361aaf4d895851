//! `wildwatch model train|eval`: the learned relevance model (see `wildwatch_model` and the
//! detector's `learned` stage).

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use wildwatch_detect::training::{self, Labelled};
use wildwatch_detect::{AdInput, Detector};
use wildwatch_model::{Model, TrainOptions};

/// The name `--model` takes for the model shipped in the binary.
pub const SHIPPED: &str = "shipped";

/// A model file, or the model trained on the project's open corpora and shipped in the binary
/// (`--model shipped`; `data/model/README.md` says how it was made).
pub fn load(path: &Path) -> Result<Model> {
    if path.as_os_str() == SHIPPED && !path.exists() {
        return Ok(Model::from_bytes(include_bytes!(
            "../../../data/model/relevance.json"
        ))?);
    }
    Model::load(path).with_context(|| format!("loading the model {}", path.display()))
}

/// The model file in the data directory that `scan`, `eval` and the crawl use when present.
pub fn data_model_path(data: &Path) -> PathBuf {
    data.join("model").join("relevance.json")
}

/// The `model` subcommands.
#[derive(Subcommand, Clone)]
pub enum ModelCommand {
    /// Learn the relevance model from labelled ads and save it (default: in the data directory).
    Train {
        /// Labelled corpus in the `eval` format (file or directory; repeatable). Directories
        /// named `sealed*` are skipped: they are kept for measuring.
        #[arg(long = "corpus")]
        corpora: Vec<PathBuf>,
        /// Also learn from the analysts' reviews in the store (wildwatch.db in --data).
        #[arg(long)]
        reviews: bool,
        /// Where to write the model (default: model/relevance.json in --data).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Folds of the cross-validation whose figures are saved with the model (0: none).
        #[arg(long, default_value_t = 5)]
        folds: u32,
        /// Passes over the examples.
        #[arg(long, default_value_t = 8)]
        epochs: u32,
    },
    /// Cross-validate: rules alone against rules + model, per language and platform.
    Eval {
        /// Labelled corpus (file or directory; repeatable). Default: data/eval without sealed parts.
        #[arg(long = "corpus")]
        corpora: Vec<PathBuf>,
        /// Folds.
        #[arg(long, default_value_t = 5)]
        folds: u32,
        /// Write the learning curve (precision and recall against the number of labels) as SVG.
        #[arg(long)]
        curve: Option<PathBuf>,
        /// How many errors of rules + model to list.
        #[arg(long, default_value_t = 20)]
        errors: usize,
    },
    /// Simulate analysts: labels in the review queue's order against random order, and how many
    /// each needs until the model alone holds a precision target on a held-back fifth.
    Simulate {
        /// Labelled corpus (file or directory; repeatable). Default: data/eval without sealed parts.
        #[arg(long = "corpus")]
        corpora: Vec<PathBuf>,
        /// Ads labelled per round.
        #[arg(long, default_value_t = 40)]
        batch: usize,
        /// Stop after this many labels.
        #[arg(long, default_value_t = 1000)]
        max_labels: usize,
        /// Precision the model alone must hold.
        #[arg(long, default_value_t = 0.95)]
        target: f64,
        /// Write the two curves as SVG.
        #[arg(long)]
        curve: Option<PathBuf>,
    },
}

/// Runs a `model` command.
/// `wildwatch model …`; reviews are read from the store `--db` names (else the data directory's).
pub fn model(
    detector: Detector,
    data: &Path,
    db: Option<&str>,
    command: ModelCommand,
) -> Result<()> {
    let detector = detector.without_model().keep_model_evidence(true);
    match command {
        ModelCommand::Train {
            corpora,
            reviews,
            out,
            folds,
            epochs,
        } => {
            let (items, sources) = gather(&detector, (data, db), &corpora, reviews)?;
            let out = out.unwrap_or_else(|| data_model_path(data));
            train(&items, sources, &out, folds, epochs)
        }
        ModelCommand::Eval {
            corpora,
            folds,
            curve,
            errors,
        } => {
            let (items, _) = gather(&detector, (data, db), &corpora, false)?;
            eval(&items, folds, curve.as_deref(), errors)
        }
        ModelCommand::Simulate {
            corpora,
            batch,
            max_labels,
            target,
            curve,
        } => {
            if batch == 0 {
                bail!("--batch must be at least 1");
            }
            let (items, _) = gather(&detector, (data, db), &corpora, false)?;
            let sim = crate::model_sim::Simulation {
                batch,
                max_labels,
                target,
            };
            crate::model_sim::simulate(&items, &sim, curve.as_deref())
        }
    }
}

/// Every labelled ad of the corpora (and the store's reviews), scanned by the rules.
fn gather(
    detector: &Detector,
    store: (&Path, Option<&str>),
    corpora: &[PathBuf],
    reviews: bool,
) -> Result<(Vec<Labelled>, Vec<String>)> {
    let corpora = if corpora.is_empty() && !reviews {
        vec![PathBuf::from("data/eval")]
    } else {
        corpora.to_vec()
    };
    let mut items = Vec::new();
    let mut sources = Vec::new();
    for file in corpora.iter().flat_map(|c| corpus_files(c)) {
        let file = file?;
        let name = file.display().to_string();
        let reader = BufReader::new(File::open(&file).with_context(|| format!("opening {name}"))?);
        let got = training::read_corpus(detector, reader, &name)?;
        sources.push(format!("{name} ({} ads)", got.len()));
        items.extend(got);
    }
    if reviews {
        let got = reviewed(detector, store)?;
        sources.push(format!("reviews in the store ({} ads)", got.len()));
        items.extend(got);
    }
    if items.is_empty() {
        bail!("no labelled ads found in {corpora:?}");
    }
    Ok((items, sources))
}

/// The `.jsonl` files of a corpus path; directories named `sealed*` are skipped.
fn corpus_files(path: &Path) -> Vec<Result<PathBuf>> {
    if path.is_file() {
        return vec![Ok(path.to_path_buf())];
    }
    let entries = match std::fs::read_dir(path) {
        Ok(e) => e,
        Err(e) => return vec![Err(anyhow::anyhow!("cannot read {}: {e}", path.display()))],
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    paths
        .into_iter()
        .flat_map(|p| {
            let sealed = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("sealed"));
            if p.is_dir() && !sealed {
                corpus_files(&p)
            } else if p.extension().is_some_and(|x| x == "jsonl") {
                vec![Ok(p)]
            } else {
                Vec::new()
            }
        })
        .collect()
}

/// The analysts' reviews: the ad's newest text, labelled with the reviewer's relevance.
fn reviewed(detector: &Detector, (data, db): (&Path, Option<&str>)) -> Result<Vec<Labelled>> {
    let store = crate::db::open_app_store(data, db)?;
    Ok(store
        .reviewed_ads()?
        .into_iter()
        .map(|r| {
            let ad = AdInput {
                id: r.id.to_string(),
                title: Some(r.content.title.clone()),
                description: Some(r.content.description.clone()),
                price_text: r.content.price_text.clone(),
                platform: Some(r.platform.clone()),
                // As detection is given it in the crawl (the adapter's language, if any).
                lang: r.content.lang.clone(),
                ..AdInput::default()
            };
            let lang = r.detection["lang"].as_str().unwrap_or("?").to_string();
            training::labelled(detector, &ad, r.review.relevant, &lang)
        })
        .collect())
}

fn options(epochs: u32) -> TrainOptions {
    TrainOptions {
        epochs,
        ..TrainOptions::default()
    }
}

/// Trains on everything, cross-validates for the saved figures, and writes the model.
fn train(
    items: &[Labelled],
    sources: Vec<String>,
    out: &Path,
    folds: u32,
    epochs: u32,
) -> Result<()> {
    let examples: Vec<_> = items.iter().map(|l| l.example.clone()).collect();
    let opts = options(epochs);
    let cv = if folds >= 2 {
        eprintln!("cross-validating ({folds} folds) …");
        Some(wildwatch_model::cross_validate(&examples, &opts, folds, 0.5)?.0)
    } else {
        None
    };
    let bar = indicatif::ProgressBar::new(0);
    let mut model = wildwatch_model::train(&examples, &opts, &mut |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })?;
    bar.finish_and_clear();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?;
    let whole = std::time::UNIX_EPOCH + std::time::Duration::from_secs(now.as_secs());
    model.trained_at = wildwatch_warc::format_warc_date(whole)?;
    model.sources = sources;
    model.cv = cv;
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    model.save(out)?;
    print_trained(&model, out);
    Ok(())
}

fn print_trained(model: &Model, out: &Path) {
    println!(
        "trained on {} ads ({} relevant) → {}",
        model.examples,
        model.positives,
        out.display()
    );
    if let Some(cv) = &model.cv {
        println!(
            "model alone, {}-fold cross-validated: P {:.3} R {:.3} F1 {:.3}",
            cv.folds, cv.precision, cv.recall, cv.f1
        );
    }
}

/// Rules alone against rules + model, out of fold.
fn eval(items: &[Labelled], folds: u32, curve: Option<&Path>, errors: usize) -> Result<()> {
    let examples: Vec<_> = items.iter().map(|l| l.example.clone()).collect();
    let opts = options(8);
    let (_, oof) = wildwatch_model::cross_validate(&examples, &opts, folds, 0.5)?;
    let rules = training::figures(items, |_, l| l.rules_relevant);
    let both = training::figures(items, |i, l| training::combined(l, oof[i]));
    println!(
        "{} labelled ads, {folds}-fold cross-validation (out-of-fold model)\n",
        items.len()
    );
    println!(
        "{:<24} {:>6}   rules P/R/F1           rules+model P/R/F1",
        "slice", "ads"
    );
    let row = |name: &str, a: &training::Counts, b: &training::Counts| {
        println!(
            "{name:<24} {:>6}   {:.3} {:.3} {:.3}      {:.3} {:.3} {:.3}",
            a.n,
            a.precision(),
            a.recall(),
            a.f1(),
            b.precision(),
            b.recall(),
            b.f1()
        )
    };
    row("all", &rules.all, &both.all);
    for (lang, c) in &rules.by_lang {
        row(&format!("lang {lang}"), c, &both.by_lang[lang]);
    }
    for (p, c) in &rules.by_platform {
        row(&format!("platform {p}"), c, &both.by_platform[p]);
    }
    list_errors(items, &oof, errors);
    if let Some(path) = curve {
        write_curve(&examples, &opts, path)?;
    }
    Ok(())
}

fn list_errors(items: &[Labelled], oof: &[f32], n: usize) {
    let wrong: Vec<usize> = (0..items.len())
        .filter(|&i| training::combined(&items[i], oof[i]) != items[i].example.label)
        .collect();
    println!("\nerrors of rules + model ({}):", wrong.len());
    for &i in wrong.iter().take(n) {
        let l = &items[i];
        println!(
            "  {:<10} gold={:<5} rules={:<5} p={:.2} | {}",
            l.id,
            l.example.label,
            l.rules_relevant,
            oof[i],
            l.title.chars().take(70).collect::<String>()
        );
    }
}

/// The learning curve: labels in random order, measured on a fixed held-back fifth.
fn write_curve(
    examples: &[wildwatch_model::Example],
    opts: &TrainOptions,
    path: &Path,
) -> Result<()> {
    let n = examples.len();
    let mut order: Vec<usize> = (0..n).collect();
    crate::model_sim::shuffle(&mut order, 7);
    let sizes: Vec<usize> = [50, 100, 200, 400, 800, 1600, 3200]
        .into_iter()
        .filter(|&s| s < n)
        .chain([n])
        .collect();
    let points = wildwatch_model::learning_curve(examples, opts, &sizes, 0.2, &order)?;
    let svg = wildwatch_model::learning_curve_svg(
        &[("random order", &points)],
        "Relevance model: learning curve",
    );
    std::fs::write(path, svg).with_context(|| format!("writing {}", path.display()))?;
    println!("\nlearning curve → {}", path.display());
    for p in &points {
        println!(
            "  {:>5} labels: P {:.3} R {:.3}",
            p.labels, p.precision, p.recall
        );
    }
    Ok(())
}
