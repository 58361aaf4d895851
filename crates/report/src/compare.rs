//! Two campaigns side by side (say the same platforms a year apart): relevant ads per platform,
//! per species and per species on each platform, the change, and sentences for the largest
//! changes, as monitoring reports write them ("ads for African grey parrot on one platform fell
//! from 250 to 9").

use std::collections::BTreeMap;

use serde::Serialize;
use wildwatch_refdata::RefData;
use wildwatch_store::CampaignReports;

use crate::figures::{Figures, Report, Summary};
use crate::{build, export, html, Format, Result};

/// One campaign of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    /// Campaign name.
    pub campaign: String,
    /// Its totals.
    pub summary: Summary,
}

/// A platform, a species, or a species on a platform, in both campaigns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeRow {
    /// Platform, when the row is about one.
    pub platform: Option<String>,
    /// Scientific name, when the row is about a species.
    pub species: Option<String>,
    /// English common name of the species.
    pub common_name: Option<String>,
    /// Figures in the first campaign.
    pub a: Figures,
    /// Figures in the second campaign.
    pub b: Figures,
    /// Change in relevant ads (second minus first).
    pub change: i64,
    /// The change in percent of the first campaign's relevant ads (absent when it had none).
    pub change_pct: Option<f64>,
}

impl ChangeRow {
    fn new(
        platform: Option<String>,
        species: Option<String>,
        common_name: Option<String>,
        a: Figures,
        b: Figures,
    ) -> ChangeRow {
        let change = b.relevant as i64 - a.relevant as i64;
        let change_pct =
            (a.relevant > 0).then(|| ((change as f64 / a.relevant as f64) * 1000.0).round() / 10.0);
        ChangeRow {
            platform,
            species,
            common_name,
            a,
            b,
            change,
            change_pct,
        }
    }

    /// `African grey parrot (Psittacus erithacus)`, or the scientific name alone.
    pub fn species_label(&self) -> Option<String> {
        self.species.as_ref().map(|s| match &self.common_name {
            Some(c) => format!("{c} ({s})"),
            None => s.clone(),
        })
    }

    /// What the row is about, for tables.
    pub fn label(&self) -> String {
        match (self.species_label(), &self.platform) {
            (Some(s), Some(p)) => format!("{s} on {p}"),
            (Some(s), None) => s,
            (None, Some(p)) => p.clone(),
            (None, None) => "all ads".into(),
        }
    }

    /// The row in words, or nothing when the number of relevant ads did not change.
    pub fn sentence(&self) -> Option<String> {
        if self.change == 0 {
            return None;
        }
        let subject = match (self.species_label(), &self.platform) {
            (Some(s), Some(p)) => format!("ads for {s} on {p}"),
            (Some(s), None) => format!("ads for {s}"),
            (None, Some(p)) => format!("relevant ads on {p}"),
            (None, None) => "relevant ads".into(),
        };
        Some(format!(
            "{subject} {} from {} to {} ({})",
            if self.change < 0 { "fell" } else { "rose" },
            html::thousands(self.a.relevant),
            html::thousands(self.b.relevant),
            pct_text(self.change_pct)
        ))
    }
}

/// `−96%`, `+50%`, or `new` when there was nothing before.
pub fn pct_text(p: Option<f64>) -> String {
    match p {
        None => "new".into(),
        Some(p) if p.abs() < 0.5 => "±0%".into(),
        Some(p) if p < 0.0 => format!("−{:.0}%", p.abs()),
        Some(p) => format!("+{p:.0}%"),
    }
}

/// Two campaigns side by side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The first (earlier) campaign.
    pub a: Side,
    /// The second campaign.
    pub b: Side,
    /// Both campaigns as a whole.
    pub total: ChangeRow,
    /// Per platform, largest change first.
    pub platforms: Vec<ChangeRow>,
    /// Per species, largest change first.
    pub species: Vec<ChangeRow>,
    /// Per species on each platform, largest change first.
    pub platform_species: Vec<ChangeRow>,
    /// The largest changes in words.
    pub sentences: Vec<String>,
    /// How the figures are counted.
    pub rules: Vec<String>,
}

fn by_change(rows: &mut [ChangeRow]) {
    rows.sort_by(|x, y| {
        y.change
            .abs()
            .cmp(&x.change.abs())
            .then_with(|| (y.a.relevant + y.b.relevant).cmp(&(x.a.relevant + x.b.relevant)))
            .then_with(|| x.label().cmp(&y.label()))
    });
}

/// Compares two reports.
pub fn between(a: &Report, b: &Report) -> Comparison {
    let rows = |id: &str| -> Vec<ChangeRow> {
        let mut keys: BTreeMap<String, (Option<String>, Figures, Figures)> = BTreeMap::new();
        for (side, r) in [(0, a), (1, b)] {
            for row in r.breakdown(id).map(|b| b.rows.as_slice()).unwrap_or(&[]) {
                let e = keys.entry(row.key.clone()).or_default();
                e.0 = e.0.clone().or(row.name.clone());
                if side == 0 {
                    e.1 = row.figures.clone();
                } else {
                    e.2 = row.figures.clone();
                }
            }
        }
        let mut out: Vec<ChangeRow> = keys
            .into_iter()
            .map(|(k, (name, fa, fb))| {
                if id == "platform" {
                    ChangeRow::new(Some(k), None, None, fa, fb)
                } else {
                    ChangeRow::new(None, Some(k), name, fa, fb)
                }
            })
            .collect();
        by_change(&mut out);
        out
    };
    let platforms = rows("platform");
    let species = rows("species");
    let mut cells: BTreeMap<(String, String), (Option<String>, Figures, Figures)> = BTreeMap::new();
    for (side, r) in [(0, a), (1, b)] {
        for row in &r.platform_species {
            let e = cells
                .entry((row.platform.clone(), row.species.clone()))
                .or_default();
            e.0 = e.0.clone().or(row.common_name.clone());
            if side == 0 {
                e.1 = row.figures.clone();
            } else {
                e.2 = row.figures.clone();
            }
        }
    }
    let mut platform_species: Vec<ChangeRow> = cells
        .into_iter()
        .map(|((p, s), (name, fa, fb))| ChangeRow::new(Some(p), Some(s), name, fa, fb))
        .collect();
    by_change(&mut platform_species);
    let total = ChangeRow::new(
        None,
        None,
        None,
        a.summary.figures.clone(),
        b.summary.figures.clone(),
    );

    // The campaign as a whole, the five largest changes of a species on a platform, then the
    // three largest per platform and per species unless a sentence already said the same.
    let mut sentences: Vec<String> = total.sentence().into_iter().collect();
    let cells: Vec<&ChangeRow> = platform_species
        .iter()
        .filter(|r| r.change != 0)
        .take(5)
        .collect();
    sentences.extend(cells.iter().filter_map(|r| r.sentence()));
    let said = |r: &ChangeRow| {
        cells.iter().any(|c| {
            (c.a.relevant, c.b.relevant) == (r.a.relevant, r.b.relevant)
                && (r.platform.is_none() || c.platform == r.platform)
                && (r.species.is_none() || c.species == r.species)
        })
    };
    for list in [&platforms, &species] {
        sentences.extend(
            list.iter()
                .filter(|r| r.change != 0 && !said(r))
                .take(3)
                .filter_map(|r| r.sentence()),
        );
    }
    // A sentence starts with a capital letter.
    let sentences = sentences
        .into_iter()
        .map(|s| {
            let mut c = s.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>() + ".",
                None => s,
            }
        })
        .collect();

    let mut rules = vec![
        "Changes compare relevant ads: the second campaign's count minus the first's, in percent of the first's ('new' when the first had none).".to_string(),
    ];
    rules.extend(a.rules.iter().cloned());
    Comparison {
        a: Side {
            campaign: a.campaign.clone(),
            summary: a.summary.clone(),
        },
        b: Side {
            campaign: b.campaign.clone(),
            summary: b.summary.clone(),
        },
        total,
        platforms,
        species,
        platform_species,
        sentences,
        rules,
    }
}

/// Builds the reports of two campaigns and compares them.
pub fn compare(
    store: &(impl CampaignReports + ?Sized),
    a: &str,
    b: &str,
    refdata: &RefData,
) -> Result<Comparison> {
    let ra = build(store, a, refdata)?;
    let rb = build(store, b, refdata)?;
    Ok(between(&ra, &rb))
}

/// Renders a comparison.
pub fn render_comparison(c: &Comparison, format: Format) -> Result<Vec<u8>> {
    match format {
        Format::Html => Ok(html::comparison(c)?.into_bytes()),
        Format::Csv => export::comparison_csv(c),
        Format::Xlsx => export::comparison_xlsx(c),
        Format::Json => Ok(serde_json::to_vec_pretty(c)?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(relevant: u64) -> Figures {
        Figures {
            ads: relevant,
            relevant,
            ..Default::default()
        }
    }

    #[test]
    fn sentences_say_the_change() {
        let r = ChangeRow::new(
            Some("kleinanzeigen".into()),
            Some("Psittacus erithacus".into()),
            Some("African grey parrot".into()),
            f(250),
            f(9),
        );
        assert_eq!(r.change, -241);
        assert_eq!(r.change_pct, Some(-96.4));
        assert_eq!(
            r.sentence().unwrap(),
            "ads for African grey parrot (Psittacus erithacus) on kleinanzeigen fell from 250 to 9 (−96%)"
        );
        let new = ChangeRow::new(Some("p".into()), None, None, f(0), f(3));
        assert_eq!(
            new.sentence().unwrap(),
            "relevant ads on p rose from 0 to 3 (new)"
        );
        assert_eq!(
            ChangeRow::new(None, None, None, f(4), f(4)).sentence(),
            None
        );
        assert_eq!(pct_text(Some(50.0)), "+50%");
    }
}
