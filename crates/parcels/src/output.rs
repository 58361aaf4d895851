//! Writing screened rows as a table, CSV or JSON, and the summary for stderr.

use anyhow::Result;
use std::io::Write;
use wildwatch_sink::spreadsheet_cell;

use crate::{Screened, Summary};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Text table.
    Table,
    /// CSV.
    Csv,
    /// JSON lines (one object per row).
    Json,
}

/// Writes rows as they come.
pub struct Writer<W: Write> {
    format: Format,
    out: Option<W>,
    csv: Option<csv::Writer<W>>,
    table: Vec<Screened>,
    first: bool,
}

impl<W: Write> Writer<W> {
    /// New writer.
    pub fn new(format: Format, out: W) -> Writer<W> {
        let (out, csv) = if format == Format::Csv {
            (None, Some(csv::Writer::from_writer(out)))
        } else {
            (Some(out), None)
        };
        Writer {
            format,
            out,
            csv,
            table: Vec::new(),
            first: true,
        }
    }

    /// One row.
    pub fn row(&mut self, s: &Screened) -> Result<()> {
        match self.format {
            Format::Table => self.table.push(s.clone()),
            Format::Json => {
                let out = self.out.as_mut().expect("writer");
                out.write_all(if self.first { b"[\n" } else { b",\n" })?;
                serde_json::to_writer(&mut *out, s)?;
            }
            Format::Csv => {
                let w = self.csv.as_mut().expect("csv writer");
                if self.first {
                    w.write_record([
                        "line",
                        "shipment",
                        "risk",
                        "reasons",
                        "contents",
                        "weight_kg",
                        "value",
                        "currency",
                        "sender",
                        "recipient",
                        "origin",
                        "destination",
                        "sellers",
                    ])?;
                }
                let cells = [
                    s.line.to_string(),
                    s.shipment.clone(),
                    s.risk.to_string(),
                    reasons(s),
                    s.contents.clone(),
                    s.weight_kg.map(|w| w.to_string()).unwrap_or_default(),
                    s.value.map(|w| w.to_string()).unwrap_or_default(),
                    s.currency.clone().unwrap_or_default(),
                    s.sender.clone(),
                    s.recipient.clone(),
                    s.origin.clone(),
                    s.destination.clone(),
                    sellers(s),
                ];
                w.write_record(cells.iter().map(|c| spreadsheet_cell(c).into_owned()))?;
            }
        }
        self.first = false;
        Ok(())
    }

    /// Ends the output.
    pub fn finish(mut self) -> Result<()> {
        match self.format {
            Format::Json => {
                let out = self.out.as_mut().expect("writer");
                out.write_all(if self.first { b"[]\n" } else { b"\n]\n" })?;
            }
            Format::Csv => {
                if let Some(mut w) = self.csv.take() {
                    w.flush()?;
                }
            }
            Format::Table => {
                let mut t = comfy_table::Table::new();
                t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
                t.set_header(["line", "shipment", "risk", "contents", "kg", "reasons"]);
                for s in &self.table {
                    t.add_row([
                        s.line.to_string(),
                        s.shipment.clone(),
                        s.risk.to_string(),
                        s.contents.clone(),
                        s.weight_kg.map(|w| w.to_string()).unwrap_or_default(),
                        reasons(s).replace(" | ", "\n"),
                    ]);
                }
                writeln!(self.out.as_mut().expect("writer"), "{t}")?;
            }
        }
        if let Some(o) = self.out.as_mut() {
            o.flush()?;
        }
        Ok(())
    }
}

fn reasons(s: &Screened) -> String {
    s.flags
        .iter()
        .map(|f| format!("{}: {}", f.code, f.text))
        .collect::<Vec<_>>()
        .join(" | ")
}

fn sellers(s: &Screened) -> String {
    let mut v: Vec<&str> = s
        .matches
        .iter()
        .flat_map(|m| m.owners.iter().map(|o| o.seller.as_str()))
        .collect();
    v.sort();
    v.dedup();
    v.join(" ")
}

/// Human summary for stderr.
pub fn summary_text(s: &Summary) -> String {
    let mut t = format!(
        "{} rows, {} flagged, {} bad, {} distinct contents, {:.2} s, {:.0} rows/s\n",
        s.rows,
        s.flagged,
        s.bad.len(),
        s.distinct_contents,
        s.seconds,
        s.rows as f64 / s.seconds.max(1e-9)
    );
    if !s.by_reason.is_empty() {
        let r: Vec<String> = s
            .by_reason
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        t.push_str(&format!("by reason: {}\n", r.join(", ")));
        let r: Vec<String> = s.by_risk.iter().map(|(k, v)| format!("{k} {v}")).collect();
        t.push_str(&format!("by risk: {}\n", r.join(", ")));
    }
    for b in s.bad.iter().take(20) {
        t.push_str(&format!("bad row at line {}: {}\n", b.line, b.error));
    }
    if s.bad.len() > 20 {
        t.push_str(&format!("… {} more bad rows\n", s.bad.len() - 20));
    }
    t
}
