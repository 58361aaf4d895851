//! Stage 7 — specimens: how many the ad offers (the largest count it gives: numbers, keeper
//! notation, counts before names, count words, per-species counts summed).

use wildwatch_refdata::TaxonId;

use crate::evidence::{Evidence, Span};
use crate::{extract, Reason};

/// The best count so far: the number, the words that gave it, where.
type Best = Option<(u32, String, Span)>;

fn better(best: &mut Best, n: u32, words: String, span: Span) {
    if best.as_ref().is_none_or(|b| n > b.0) {
        *best = Some((n, words, span));
    }
}

/// "4x Euphyllia und 2x Duncanopsammia": one count per species, summed.
fn per_taxon_sum(ev: &Evidence, text: &str) -> Option<u32> {
    let mut per_taxon: Vec<(TaxonId, u32)> = Vec::new();
    for t in &ev.taxa {
        if let Some(c) = extract::count_before(text, t.span[0]) {
            if !per_taxon.iter().any(|p| p.0 == t.taxon) {
                per_taxon.push((t.taxon, c.n));
            }
        }
    }
    (per_taxon.len() >= 2).then(|| per_taxon.iter().map(|p| p.1).sum())
}

/// Stage 7: the number of specimens of a relevant ad and its COUNT reason; a collection naming
/// several species without a number counts one of each.
pub(crate) fn count(
    ev: &Evidence,
    text: &str,
    title_end: usize,
    listed: usize,
    reasons: &mut Vec<Reason>,
) -> u32 {
    let mut best: Best = None;
    let found = |c: &extract::Count| {
        (
            text[c.span.0..c.span.1].trim().to_string(),
            [c.span.0, c.span.1],
        )
    };
    for c in extract::counts(text) {
        let (w, s) = found(&c);
        better(&mut best, c.n, w, s);
    }
    if let Some(sum) = per_taxon_sum(ev, text) {
        better(&mut best, sum, format!("{sum} in all"), [0, title_end]);
    }
    for s in &ev.name_spans {
        if let Some(c) = extract::count_before(text, s[0]) {
            let (w, sp) = found(&c);
            better(&mut best, c.n, w, sp);
        }
    }
    for c in &ev.count_words {
        better(&mut best, c.n, c.words.clone(), c.span);
    }
    match best {
        Some((n, w, s)) => {
            reasons.push(Reason {
                code: "COUNT",
                text: format!("'{w}': {n} specimens"),
                list: None,
                span: Some(s),
            });
            n
        }
        None => listed.max(1) as u32,
    }
}
