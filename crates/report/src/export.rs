//! Tables for other tools: one long CSV (a row per breakdown key, headline figures as `summary`
//! rows) and an XLSX workbook (a summary sheet and a sheet per breakdown), for reports and for
//! comparisons.

use rust_xlsxwriter::{Format as Style, Workbook, Worksheet};
use wildwatch_sink::spreadsheet_cell as cell;

use crate::compare::{ChangeRow, Comparison};
use crate::figures::{Figures, Report, Summary};
use crate::Result;

const FIGURE_COLUMNS: [&str; 7] = [
    "ads",
    "relevant",
    "specimens",
    "value_eur",
    "priced_offers",
    "high_risk",
    "removed",
];

fn figure_cells(f: &Figures) -> [String; 7] {
    [
        f.ads.to_string(),
        f.relevant.to_string(),
        f.specimens.to_string(),
        format!("{:.2}", f.value_eur),
        f.priced_offers.to_string(),
        f.high_risk.to_string(),
        f.removed.to_string(),
    ]
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The measures of a summary that are not per-row figures, as (name, value, what it is).
fn measures(s: &Summary) -> Vec<(&'static str, String, &'static str)> {
    vec![
        (
            "specimens_unknown",
            s.specimens_unknown.to_string(),
            "relevant ads of unknown count (counted as one specimen)",
        ),
        (
            "wanted",
            s.wanted.to_string(),
            "relevant 'wanted' ads (no specimens or value counted)",
        ),
        (
            "high_risk_share",
            opt(s.high_risk_share),
            "share of relevant ads classed high risk",
        ),
        (
            "removal_rate",
            opt(s.removal_rate),
            "share of relevant ads found gone",
        ),
        (
            "notified",
            s.notified.to_string(),
            "ads named in a takedown notice that was sent",
        ),
        (
            "removed_after_notice",
            s.removed_after_notice.to_string(),
            "of those, found gone at or after the notice",
        ),
        (
            "gone_before_notice",
            s.gone_before_notice.to_string(),
            "of those, already gone when the notice was sent",
        ),
        (
            "removal_rate_after_notice",
            opt(s.removal_rate_after_notice),
            "removed after notice / notified",
        ),
        (
            "median_hours_to_removal",
            opt(s.median_hours_to_removal),
            "median hours from notice sent to ad found gone",
        ),
        (
            "from_public_reports",
            s.from_public_reports.to_string(),
            "ads that came from the public report form",
        ),
        (
            "reviewed",
            s.reviewed.to_string(),
            "ads reviewed by an analyst",
        ),
        (
            "first_seen",
            opt(s.first_seen.as_ref()),
            "first day an ad was seen",
        ),
        (
            "last_seen",
            opt(s.last_seen.as_ref()),
            "last day an ad was first seen",
        ),
    ]
}

/// The report as one long CSV table.
pub fn report_csv(r: &Report) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["breakdown", "key", "name", "detail"];
    header.extend(FIGURE_COLUMNS);
    header.push("value");
    w.write_record(&header)?;
    let mut row =
        |breakdown: &str, key: &str, name: &str, detail: &str, f: Option<&Figures>, value: &str| {
            let mut rec = vec![
                breakdown.to_string(),
                key.to_string(),
                name.to_string(),
                detail.to_string(),
            ];
            match f {
                Some(f) => rec.extend(figure_cells(f)),
                None => rec.extend(std::iter::repeat_n(String::new(), FIGURE_COLUMNS.len())),
            }
            rec.push(value.to_string());
            w.write_record(rec.iter().map(|c| cell(c).into_owned()))
        };
    row(
        "campaign",
        &r.campaign,
        "",
        "",
        Some(&r.summary.figures),
        "",
    )?;
    for (name, value, _) in measures(&r.summary) {
        row("summary", name, "", "", None, &value)?;
    }
    for b in &r.breakdowns {
        for x in &b.rows {
            row(
                &b.id,
                &x.key,
                x.name.as_deref().unwrap_or(""),
                x.detail.as_deref().unwrap_or(""),
                Some(&x.figures),
                "",
            )?;
        }
    }
    for x in &r.platform_species {
        row(
            "platform_species",
            &format!("{} / {}", x.platform, x.species),
            x.common_name.as_deref().unwrap_or(""),
            "",
            Some(&x.figures),
            "",
        )?;
    }
    Ok(w.into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?)
}

struct Styles {
    bold: Style,
    money: Style,
    share: Style,
    wrap: Style,
}

fn styles() -> Styles {
    Styles {
        bold: Style::new().set_bold(),
        money: Style::new().set_num_format("#,##0.00"),
        share: Style::new().set_num_format("0.0%"),
        wrap: Style::new().set_text_wrap(),
    }
}

fn header(ws: &mut Worksheet, st: &Styles, cols: &[&str]) -> Result<()> {
    for (i, c) in cols.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *c, &st.bold)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn write_figures(ws: &mut Worksheet, st: &Styles, row: u32, col: u16, f: &Figures) -> Result<()> {
    ws.write_number(row, col, f.ads as f64)?;
    ws.write_number(row, col + 1, f.relevant as f64)?;
    ws.write_number(row, col + 2, f.specimens as f64)?;
    ws.write_number_with_format(row, col + 3, f.value_eur, &st.money)?;
    ws.write_number(row, col + 4, f.priced_offers as f64)?;
    ws.write_number(row, col + 5, f.high_risk as f64)?;
    ws.write_number(row, col + 6, f.removed as f64)?;
    Ok(())
}

fn summary_sheet(
    ws: &mut Worksheet,
    st: &Styles,
    title: &str,
    s: &Summary,
    rules: &[String],
) -> Result<u32> {
    ws.set_name("Summary")?;
    ws.write_string_with_format(0, 0, title, &st.bold)?;
    ws.set_column_width(0, 28)?;
    ws.set_column_width(1, 16)?;
    ws.set_column_width(2, 60)?;
    let f = &s.figures;
    let mut r = 2;
    for (name, v) in [
        ("ads", f.ads),
        ("relevant", f.relevant),
        ("specimens", f.specimens),
        ("priced_offers", f.priced_offers),
        ("high_risk", f.high_risk),
        ("removed", f.removed),
    ] {
        ws.write_string(r, 0, cell(name))?;
        ws.write_number(r, 1, v as f64)?;
        r += 1;
    }
    ws.write_string(r, 0, "value_eur")?;
    ws.write_number_with_format(r, 1, f.value_eur, &st.money)?;
    r += 1;
    for (name, value, what) in measures(s) {
        ws.write_string(r, 0, cell(name))?;
        match value.parse::<f64>() {
            Ok(v) if name.contains("rate") || name.contains("share") => {
                ws.write_number_with_format(r, 1, v, &st.share)?;
            }
            Ok(v) => {
                ws.write_number(r, 1, v)?;
            }
            Err(_) => {
                ws.write_string(r, 1, cell(&value))?;
            }
        }
        ws.write_string(r, 2, cell(what))?;
        r += 1;
    }
    r += 1;
    ws.write_string_with_format(r, 0, "How the figures are counted", &st.bold)?;
    r += 1;
    for rule in rules {
        ws.write_string_with_format(r, 2, rule, &st.wrap)?;
        r += 1;
    }
    Ok(r)
}

/// The report as a workbook: `Summary`, then one sheet per breakdown and `Platform x species`.
pub fn report_xlsx(r: &Report) -> Result<Vec<u8>> {
    let st = styles();
    let mut wb = Workbook::new();
    summary_sheet(
        wb.add_worksheet(),
        &st,
        &format!("Campaign report: {}", r.campaign),
        &r.summary,
        &r.rules,
    )?;
    let mut cols = vec!["key", "name", "detail"];
    cols.extend(FIGURE_COLUMNS);
    for b in &r.breakdowns {
        let ws = wb.add_worksheet();
        ws.set_name(&b.title)?;
        header(ws, &st, &cols)?;
        ws.set_column_width(0, 28)?;
        ws.set_column_width(1, 28)?;
        ws.set_column_width(2, 24)?;
        for (i, x) in b.rows.iter().enumerate() {
            let row = i as u32 + 1;
            ws.write_string(row, 0, cell(&x.key))?;
            ws.write_string(row, 1, cell(x.name.as_deref().unwrap_or("")))?;
            ws.write_string(row, 2, cell(x.detail.as_deref().unwrap_or("")))?;
            write_figures(ws, &st, row, 3, &x.figures)?;
        }
    }
    let ws = wb.add_worksheet();
    ws.set_name("Platform x species")?;
    let mut cols = vec!["platform", "species", "common_name"];
    cols.extend(FIGURE_COLUMNS);
    header(ws, &st, &cols)?;
    ws.set_column_width(0, 20)?;
    ws.set_column_width(1, 28)?;
    ws.set_column_width(2, 28)?;
    for (i, x) in r.platform_species.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, cell(&x.platform))?;
        ws.write_string(row, 1, cell(&x.species))?;
        ws.write_string(row, 2, cell(x.common_name.as_deref().unwrap_or("")))?;
        write_figures(ws, &st, row, 3, &x.figures)?;
    }
    Ok(wb.save_to_buffer()?)
}

const CHANGE_COLUMNS: [&str; 13] = [
    "table",
    "platform",
    "species",
    "common_name",
    "a_ads",
    "b_ads",
    "a_relevant",
    "b_relevant",
    "a_specimens",
    "b_specimens",
    "a_value_eur",
    "b_value_eur",
    "change",
];

fn change_cells(table: &str, r: &ChangeRow) -> Vec<String> {
    vec![
        table.to_string(),
        opt(r.platform.as_ref()),
        opt(r.species.as_ref()),
        opt(r.common_name.as_ref()),
        r.a.ads.to_string(),
        r.b.ads.to_string(),
        r.a.relevant.to_string(),
        r.b.relevant.to_string(),
        r.a.specimens.to_string(),
        r.b.specimens.to_string(),
        format!("{:.2}", r.a.value_eur),
        format!("{:.2}", r.b.value_eur),
        r.change.to_string(),
        opt(r.change_pct),
    ]
}

fn change_tables(c: &Comparison) -> [(&'static str, Vec<&ChangeRow>); 4] {
    [
        ("total", vec![&c.total]),
        ("platform", c.platforms.iter().collect()),
        ("species", c.species.iter().collect()),
        ("platform_species", c.platform_species.iter().collect()),
    ]
}

/// The comparison as one long CSV table (`a_…` the first campaign, `b_…` the second).
pub fn comparison_csv(c: &Comparison) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<&str> = CHANGE_COLUMNS.to_vec();
    header.push("change_pct");
    w.write_record(&header)?;
    for (table, rows) in change_tables(c) {
        for r in rows {
            w.write_record(change_cells(table, r).iter().map(|c| cell(c).into_owned()))?;
        }
    }
    Ok(w.into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?)
}

/// The comparison as a workbook: `Summary` (campaigns, sentences), then one sheet per table.
pub fn comparison_xlsx(c: &Comparison) -> Result<Vec<u8>> {
    let st = styles();
    let mut wb = Workbook::new();
    {
        let ws = wb.add_worksheet();
        ws.set_name("Summary")?;
        ws.set_column_width(0, 100)?;
        ws.write_string_with_format(
            0,
            0,
            cell(&format!("{} compared with {}", c.a.campaign, c.b.campaign)),
            &st.bold,
        )?;
        for (i, s) in c.sentences.iter().enumerate() {
            ws.write_string(i as u32 + 2, 0, cell(s))?;
        }
    }
    for (table, rows) in change_tables(c).into_iter().skip(1) {
        let ws = wb.add_worksheet();
        ws.set_name(match table {
            "platform" => "By platform",
            "species" => "By species",
            _ => "Platform x species",
        })?;
        let mut cols: Vec<&str> = CHANGE_COLUMNS[1..].to_vec();
        cols.push("change_pct");
        header(ws, &st, &cols)?;
        for (i, r) in rows.iter().enumerate() {
            let row = i as u32 + 1;
            for (j, text) in change_cells(table, r).into_iter().skip(1).enumerate() {
                match text.parse::<f64>() {
                    Ok(v) if j >= 3 => {
                        ws.write_number(row, j as u16, v)?;
                    }
                    _ => {
                        ws.write_string(row, j as u16, cell(&text))?;
                    }
                }
            }
        }
    }
    Ok(wb.save_to_buffer()?)
}
