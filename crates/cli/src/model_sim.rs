//! `wildwatch model simulate`: analysts labelling in the review queue's order against labelling
//! in random order, and how many labels each needs before the model is precise.
//!
//! A fixed fifth of the labelled ads is held back for measuring. The rest is the pool the
//! simulated analysts label from, `batch` ads at a time, starting from the same random seed set.
//! After every batch the model is trained on the labels so far and measured on the held-back part.
//! Queue order picks, like the web app's "review next" queue, the ads where rules and model
//! disagree first, then the model's least confident ads; random order picks the next ads of a
//! seeded shuffle.

use std::path::Path;

use anyhow::{Context, Result};
use wildwatch_detect::training::{self, Labelled};
use wildwatch_model::{CurvePoint, Example, Model, TrainOptions};

/// How the next ads to label are picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    Queue,
    Random,
}

/// One strategy's run: after each batch, the labels so far and the figures on the held-back part.
struct Run {
    /// Model alone (probability ≥ 0.5).
    model: Vec<CurvePoint>,
    /// Rules + model, as the detector decides.
    combined: Vec<CurvePoint>,
}

/// Settings of a simulation.
pub struct Simulation {
    /// Ads labelled per round.
    pub batch: usize,
    /// Stop after this many labels.
    pub max_labels: usize,
    /// Precision to reach.
    pub target: f64,
}

/// Runs both orders and prints the curves and the labels each needed; writes the SVG chart.
pub fn simulate(items: &[Labelled], sim: &Simulation, curve: Option<&Path>) -> Result<()> {
    let (held, pool) = split(items.len());
    let opts = TrainOptions::default();
    let queue = run(items, &held, &pool, sim, &opts, Order::Queue)?;
    let random = run(items, &held, &pool, sim, &opts, Order::Random)?;
    let rules = training::figures(
        &held.iter().map(|&i| items[i].clone()).collect::<Vec<_>>(),
        |_, l| l.rules_relevant,
    );
    println!(
        "{} labelled ads: {} held back, {} to label; rules alone on the held-back part: P {:.3} R {:.3}\n",
        items.len(),
        held.len(),
        pool.len(),
        rules.all.precision(),
        rules.all.recall()
    );
    println!("labels   queue: model P/R  rules+model P/R   random: model P/R  rules+model P/R");
    for (k, (q, r)) in queue.model.iter().zip(&random.model).enumerate() {
        let (qc, rc) = (&queue.combined[k], &random.combined[k]);
        println!(
            "{:>6}   {:.3} {:.3}   {:.3} {:.3}         {:.3} {:.3}   {:.3} {:.3}",
            q.labels,
            q.precision,
            q.recall,
            qc.precision,
            qc.recall,
            r.precision,
            r.recall,
            rc.precision,
            rc.recall
        );
    }
    for (name, run) in [("queue order", &queue), ("random order", &random)] {
        match needed(&run.model, sim.target) {
            Some(n) => println!(
                "{name}: {n} labels until the model alone first reaches precision ≥ {:.2}",
                sim.target
            ),
            None => println!(
                "{name}: precision ≥ {:.2} not reached within {} labels",
                sim.target, sim.max_labels
            ),
        }
    }
    if let Some(path) = curve {
        let svg = wildwatch_model::learning_curve_svg(
            &[
                ("queue order", &queue.model),
                ("random order", &random.model),
            ],
            "Model precision and recall against labels: review queue vs random",
        );
        std::fs::write(path, svg).with_context(|| format!("writing {}", path.display()))?;
        println!("chart → {}", path.display());
    }
    Ok(())
}

/// The first number of labels at which the model's precision reaches the target.
fn needed(points: &[CurvePoint], target: f64) -> Option<usize> {
    points
        .iter()
        .find(|p| p.precision >= target)
        .map(|p| p.labels)
}

/// A fixed fifth held back (every fifth ad of a seeded shuffle), the rest in the pool in shuffled
/// order (the random strategy's order, and the source of the shared seed set).
fn split(n: usize) -> (Vec<usize>, Vec<usize>) {
    let mut order: Vec<usize> = (0..n).collect();
    shuffle(&mut order, 11);
    let held = order.iter().step_by(5).copied().collect();
    let pool = order
        .iter()
        .enumerate()
        .filter(|(k, _)| k % 5 != 0)
        .map(|(_, &i)| i)
        .collect();
    (held, pool)
}

fn run(
    items: &[Labelled],
    held: &[usize],
    pool: &[usize],
    sim: &Simulation,
    opts: &TrainOptions,
    order: Order,
) -> Result<Run> {
    let mut labelled: Vec<usize> = pool.iter().take(sim.batch).copied().collect();
    let mut left: Vec<usize> = pool.iter().skip(sim.batch).copied().collect();
    let mut out = Run {
        model: Vec::new(),
        combined: Vec::new(),
    };
    loop {
        let examples: Vec<Example> = labelled.iter().map(|&i| items[i].example.clone()).collect();
        let model = wildwatch_model::train(&examples, opts, &mut |_, _| {})?;
        let (m, c) = measure(&model, items, held);
        out.model.push(CurvePoint {
            labels: labelled.len(),
            ..m
        });
        out.combined.push(CurvePoint {
            labels: labelled.len(),
            ..c
        });
        if left.is_empty() || labelled.len() >= sim.max_labels {
            return Ok(out);
        }
        let next = pick(&model, items, &mut left, sim.batch, order);
        labelled.extend(next);
    }
}

/// The held-back figures of the model alone and of rules + model.
fn measure(model: &Model, items: &[Labelled], held: &[usize]) -> (CurvePoint, CurvePoint) {
    let (mut alone, mut both) = ([0usize; 3], [0usize; 3]);
    for &i in held {
        let l = &items[i];
        let p = probability(model, l);
        count(&mut alone, p >= 0.5, l.example.label);
        count(&mut both, training::combined(l, p), l.example.label);
    }
    (point(alone), point(both))
}

fn probability(model: &Model, l: &Labelled) -> f32 {
    model.probability(&model.featurize(&l.example.text, &l.example.evidence))
}

fn count(c: &mut [usize; 3], predicted: bool, actual: bool) {
    match (predicted, actual) {
        (true, true) => c[0] += 1,
        (true, false) => c[1] += 1,
        (false, true) => c[2] += 1,
        _ => {}
    }
}

fn point([tp, fp, fn_]: [usize; 3]) -> CurvePoint {
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    CurvePoint {
        labels: 0,
        precision: ratio(tp, tp + fp),
        recall: ratio(tp, tp + fn_),
    }
}

/// Takes the next `batch` ads out of `left`: in queue order (disagreements, then the least
/// confident), or the next of the shuffled pool.
fn pick(
    model: &Model,
    items: &[Labelled],
    left: &mut Vec<usize>,
    batch: usize,
    order: Order,
) -> Vec<usize> {
    if order == Order::Queue {
        let mut keyed: Vec<(bool, f32, usize)> = left
            .iter()
            .map(|&i| {
                let p = probability(model, &items[i]);
                let agree = training::combined(&items[i], p) == items[i].rules_relevant
                    && (p >= 0.5) == items[i].rules_relevant;
                (agree, -wildwatch_model::uncertainty(p), i)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
        *left = keyed.into_iter().map(|k| k.2).collect();
    }
    let n = batch.min(left.len());
    left.drain(..n).collect()
}

/// A seeded Fisher–Yates shuffle (xorshift), so every run is the same.
pub fn shuffle(v: &mut [usize], seed: u64) {
    let mut s = seed.max(1);
    for i in (1..v.len()).rev() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        v.swap(i, (s % (i as u64 + 1)) as usize);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needed_is_where_precision_first_reaches_the_target() {
        let p = |labels, precision| CurvePoint {
            labels,
            precision,
            recall: 1.0,
        };
        assert_eq!(
            needed(&[p(20, 0.8), p(60, 0.96), p(100, 0.94), p(140, 0.97)], 0.95),
            Some(60)
        );
        assert_eq!(needed(&[p(20, 0.96), p(60, 0.97)], 0.95), Some(20));
        assert_eq!(needed(&[p(20, 0.9)], 0.95), None);
    }

    #[test]
    fn the_split_holds_back_a_fifth_and_labels_each_ad_once() {
        let (held, pool) = split(103);
        assert_eq!(held.len(), 21);
        let mut all: Vec<usize> = held.iter().chain(&pool).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..103).collect::<Vec<_>>());
    }
}
