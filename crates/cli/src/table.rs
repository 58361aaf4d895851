//! The human-readable table of `scan --format table`.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Table as Grid};
use wildwatch_detect::stream::Outcome;

pub struct Table {
    grid: Grid,
}

impl Table {
    pub fn new() -> Table {
        let mut grid = Grid::new();
        grid.load_preset(UTF8_FULL_CONDENSED);
        grid.set_header([
            "id",
            "lang",
            "risk",
            "category",
            "species",
            "n",
            "EUR",
            "documents",
            "intent",
            "reasons",
        ]);
        Table { grid }
    }

    pub fn add(&mut self, o: &Outcome) {
        match o {
            Outcome::Ok(d) => {
                let species = d
                    .species
                    .iter()
                    .map(|s| {
                        format!(
                            "{} ({}/{})",
                            s.scientific_name,
                            s.cites.unwrap_or("-"),
                            s.eu_annex.unwrap_or("-")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                let reasons = d
                    .reasons
                    .iter()
                    .map(|r| format!("{}: {}", r.code, r.text))
                    .collect::<Vec<_>>()
                    .join("\n");
                self.grid.add_row([
                    d.id.clone(),
                    d.lang.to_string(),
                    format!("{} {}", d.risk, d.risk_score),
                    d.category.to_string(),
                    species,
                    d.specimens.map(|n| n.to_string()).unwrap_or_default(),
                    d.price_eur.map(|p| format!("{p:.2}")).unwrap_or_default(),
                    d.documents.join(", "),
                    d.intent.to_string(),
                    reasons,
                ]);
            }
            Outcome::Err(e) => {
                self.grid.add_row([
                    e.id.clone().unwrap_or_default(),
                    String::new(),
                    "error".into(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    e.error.clone(),
                ]);
            }
        }
    }

    pub fn render(&self) -> String {
        self.grid.to_string()
    }
}
