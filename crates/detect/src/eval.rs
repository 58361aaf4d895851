//! Measuring detection against a labelled corpus: precision, recall and F1 for relevance,
//! accuracy of species, category, specimens, price, documents, intent, language and risk, overall,
//! per language and per category, with every error listed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::BufRead;

use serde::{Deserialize, Serialize};

use crate::stream::parse_line;
use crate::{Detection, Detector};

/// Gold labels of one ad (the shape of the scan output).
#[derive(Debug, Clone, Deserialize)]
pub struct Gold {
    /// Language.
    pub lang: String,
    /// Relevant.
    pub relevant: bool,
    /// Category.
    pub category: String,
    /// Scientific names.
    #[serde(default)]
    pub species: Vec<String>,
    /// Specimens.
    pub specimens: Option<u32>,
    /// Price in euros.
    pub price_eur: Option<f64>,
    /// Documents.
    #[serde(default)]
    pub documents: Vec<String>,
    /// Intent.
    #[serde(default = "offer")]
    pub intent: String,
    /// Risk class.
    pub risk: String,
    /// What the item is (`specimen`, `stamp` …); corpora written before it existed leave it out.
    #[serde(default)]
    pub item_kind: Option<String>,
}

fn offer() -> String {
    "offer".into()
}

/// Counts for one slice of the corpus.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Scores {
    /// Ads.
    pub ads: u32,
    /// Relevance true positives.
    pub tp: u32,
    /// Relevance false positives.
    pub fp: u32,
    /// Relevance false negatives.
    pub fn_: u32,
    /// Correct per field, keyed by field name.
    pub correct: BTreeMap<String, u32>,
    /// Ads the field was judged on.
    pub judged: BTreeMap<String, u32>,
    /// Document pairs: true positives, false positives, false negatives.
    pub doc_tp: u32,
    /// Document false positives.
    pub doc_fp: u32,
    /// Document false negatives.
    pub doc_fn: u32,
}

impl Scores {
    fn judge(&mut self, field: &str, ok: bool) {
        *self.judged.entry(field.into()).or_default() += 1;
        if ok {
            *self.correct.entry(field.into()).or_default() += 1;
        }
    }
    /// Relevance precision.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    /// Relevance recall.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    /// Relevance F1.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    /// Accuracy of a field.
    pub fn accuracy(&self, field: &str) -> f64 {
        ratio(
            self.correct.get(field).copied().unwrap_or(0),
            self.judged.get(field).copied().unwrap_or(0),
        )
    }
    /// Documents F1 (micro, over ad × document pairs).
    pub fn documents_f1(&self) -> f64 {
        let p = ratio(self.doc_tp, self.doc_tp + self.doc_fp);
        let r = ratio(self.doc_tp, self.doc_tp + self.doc_fn);
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// One disagreement.
#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    /// Ad id.
    pub id: String,
    /// Field.
    pub field: String,
    /// Gold value.
    pub gold: String,
    /// Detected value.
    pub got: String,
    /// Ad title.
    pub title: String,
}

/// The evaluation report.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    /// Everything.
    pub overall: Scores,
    /// By gold language.
    pub by_lang: BTreeMap<String, Scores>,
    /// By gold category.
    pub by_category: BTreeMap<String, Scores>,
    /// By gold item kind (ads whose gold names one).
    pub by_item_kind: BTreeMap<String, Scores>,
    /// By gold intent.
    pub by_intent: BTreeMap<String, Scores>,
    /// Errors.
    pub misses: Vec<Miss>,
    /// Lines that could not be read.
    pub bad_lines: Vec<String>,
}

const FIELDS: [&str; 9] = [
    "category",
    "species",
    "specimens",
    "price",
    "documents",
    "intent",
    "item_kind",
    "lang",
    "risk",
];

/// Evaluates the detector on a corpus (JSON lines with a `gold` object).
pub fn evaluate<R: BufRead>(detector: &Detector, input: R) -> std::io::Result<Report> {
    let mut report = Report::default();
    for (i, line) in input.split(b'\n').enumerate() {
        let line = line?;
        let lineno = i as u64 + 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let value: serde_json::Value = match serde_json::from_slice(&line) {
            Ok(v) => v,
            Err(e) => {
                report.bad_lines.push(format!("line {lineno}: {e}"));
                continue;
            }
        };
        let gold: Gold = match value.get("gold").cloned().map(serde_json::from_value) {
            Some(Ok(g)) => g,
            Some(Err(e)) => {
                report.bad_lines.push(format!("line {lineno}: gold: {e}"));
                continue;
            }
            None => {
                report
                    .bad_lines
                    .push(format!("line {lineno}: no `gold` object"));
                continue;
            }
        };
        let mut ad = match parse_line(&line, lineno) {
            Ok(ad) => ad,
            Err(e) => {
                report.bad_lines.push(e.error);
                continue;
            }
        };
        ad.lang = None; // language identification is measured too
        let det = detector.scan(&ad);
        let title = ad.title.clone().unwrap_or_default();
        let misses = compare(&gold, &det);
        for (field, ok, g, got) in &misses {
            if !ok {
                report.misses.push(Miss {
                    id: ad.id.clone(),
                    field: field.to_string(),
                    gold: g.clone(),
                    got: got.clone(),
                    title: title.chars().take(70).collect(),
                });
            }
        }
        add(&mut report.overall, &gold, &det, &misses);
        add(
            report.by_lang.entry(gold.lang.clone()).or_default(),
            &gold,
            &det,
            &misses,
        );
        add(
            report.by_category.entry(gold.category.clone()).or_default(),
            &gold,
            &det,
            &misses,
        );
        if let Some(kind) = &gold.item_kind {
            add(
                report.by_item_kind.entry(kind.clone()).or_default(),
                &gold,
                &det,
                &misses,
            );
        }
        add(
            report.by_intent.entry(gold.intent.clone()).or_default(),
            &gold,
            &det,
            &misses,
        );
    }
    Ok(report)
}

type Judgement = (&'static str, bool, String, String);

fn compare(gold: &Gold, det: &Detection) -> Vec<Judgement> {
    let mut out = Vec::new();
    out.push((
        "relevant",
        gold.relevant == det.relevant,
        gold.relevant.to_string(),
        det.relevant.to_string(),
    ));
    out.push((
        "category",
        det.category == gold.category.as_str(),
        gold.category.clone(),
        det.category.to_string(),
    ));
    if gold.relevant {
        let mut g = gold.species.clone();
        g.sort();
        let mut d: Vec<String> = det
            .species
            .iter()
            .map(|s| s.scientific_name.clone())
            .collect();
        d.sort();
        out.push(("species", g == d, g.join(", "), d.join(", ")));
        out.push((
            "specimens",
            gold.specimens == det.specimens,
            fmt_opt(gold.specimens),
            fmt_opt(det.specimens),
        ));
    }
    let price_ok = match (gold.price_eur, det.price_eur) {
        (None, None) => true,
        (Some(a), Some(b)) => (a - b).abs() <= 0.01 * a.abs().max(1.0),
        _ => false,
    };
    out.push((
        "price",
        price_ok,
        fmt_opt(gold.price_eur),
        fmt_opt(det.price_eur),
    ));
    let mut gd = gold.documents.clone();
    gd.sort();
    let mut dd: Vec<String> = det.documents.iter().map(|s| s.to_string()).collect();
    dd.sort();
    out.push(("documents", gd == dd, gd.join(","), dd.join(",")));
    out.push((
        "intent",
        det.intent == gold.intent.as_str(),
        gold.intent.clone(),
        det.intent.to_string(),
    ));
    if let Some(kind) = &gold.item_kind {
        out.push((
            "item_kind",
            *kind == det.item_kind.as_str(),
            kind.clone(),
            det.item_kind.as_str().to_string(),
        ));
    }
    out.push((
        "lang",
        gold.lang == det.lang,
        gold.lang.clone(),
        det.lang.to_string(),
    ));
    out.push((
        "risk",
        det.risk == gold.risk.as_str(),
        gold.risk.clone(),
        det.risk.to_string(),
    ));
    out
}

fn fmt_opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "null".into())
}

fn add(s: &mut Scores, gold: &Gold, det: &Detection, judged: &[Judgement]) {
    s.ads += 1;
    match (gold.relevant, det.relevant) {
        (true, true) => s.tp += 1,
        (false, true) => s.fp += 1,
        (true, false) => s.fn_ += 1,
        _ => {}
    }
    for (field, ok, _, _) in judged {
        if *field != "relevant" {
            s.judge(field, *ok);
        }
    }
    for d in &det.documents {
        if gold.documents.iter().any(|g| g == d) {
            s.doc_tp += 1;
        } else {
            s.doc_fp += 1;
        }
    }
    for g in &gold.documents {
        if !det.documents.iter().any(|d| d == g) {
            s.doc_fn += 1;
        }
    }
}

impl Report {
    /// The report as a table for people, with up to `max_misses` errors listed.
    pub fn render(&self, max_misses: usize) -> String {
        let mut s = String::new();
        let header = |s: &mut String, label: &str| {
            let _ = writeln!(
                s,
                "{label:<17} {:>5}  {:>6} {:>6} {:>6}  {}",
                "ads",
                "P",
                "R",
                "F1",
                FIELDS
                    .iter()
                    .map(|f| format!("{:>9}", short(f)))
                    .collect::<Vec<_>>()
                    .join(" ")
                    + &format!(" {:>9}", "docF1")
            );
        };
        let row = |s: &mut String, name: &str, sc: &Scores| {
            let _ = writeln!(
                s,
                "{name:<17} {:>5}  {:>6.3} {:>6.3} {:>6.3}  {} {:>9.3}",
                sc.ads,
                sc.precision(),
                sc.recall(),
                sc.f1(),
                FIELDS
                    .iter()
                    .map(|f| if sc.judged.contains_key(*f) {
                        format!("{:>9.3}", sc.accuracy(f))
                    } else {
                        format!("{:>9}", "-")
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
                sc.documents_f1()
            );
        };
        let _ = writeln!(s, "relevance precision/recall/F1; accuracy per field (species and specimens on relevant ads)\n");
        header(&mut s, "language");
        row(&mut s, "all", &self.overall);
        for (k, v) in &self.by_lang {
            row(&mut s, k, v);
        }
        for (label, table) in [
            ("category", &self.by_category),
            ("item kind", &self.by_item_kind),
            ("intent", &self.by_intent),
        ] {
            if table.is_empty() {
                continue;
            }
            let _ = writeln!(s);
            header(&mut s, label);
            for (k, v) in table {
                row(&mut s, k, v);
            }
        }
        if !self.bad_lines.is_empty() {
            let _ = writeln!(s, "\nunreadable lines:");
            for b in &self.bad_lines {
                let _ = writeln!(s, "  {b}");
            }
        }
        let _ = writeln!(s, "\nerrors ({}):", self.misses.len());
        let mut by_field: BTreeMap<&str, u32> = BTreeMap::new();
        for m in &self.misses {
            *by_field.entry(m.field.as_str()).or_default() += 1;
        }
        let _ = writeln!(
            s,
            "  {}",
            by_field
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for m in self.misses.iter().take(max_misses) {
            let _ = writeln!(
                s,
                "  {:<8} {:<10} gold={:<28} got={:<28} | {}",
                m.id, m.field, m.gold, m.got, m.title
            );
        }
        if self.misses.len() > max_misses {
            let _ = writeln!(
                s,
                "  … {} more (use --errors N)",
                self.misses.len() - max_misses
            );
        }
        s
    }
}

fn short(f: &str) -> &str {
    match f {
        "category" => "category",
        "specimens" => "count",
        "documents" => "docs",
        "item_kind" => "kind",
        other => other,
    }
}
