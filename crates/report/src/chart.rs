//! SVG charts for the HTML reports, drawn by `plotters` (SVG backend only: no font library, no
//! bitmap). Text in the charts (platform and species names) is escaped by the SVG backend; the
//! SVG namespace attribute is dropped because the charts are inlined in HTML, which needs none,
//! so that the report contains no URL at all.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::{ReportError, Result};

const WIDTH: u32 = 760;
const BLUE: RGBColor = RGBColor(0x2b, 0x6c, 0xb0);
const ORANGE: RGBColor = RGBColor(0xdd, 0x6b, 0x20);
const GREY: RGBColor = RGBColor(0x71, 0x80, 0x96);
const FONT: &str = "sans-serif";

fn err<E: std::fmt::Debug>(e: E) -> ReportError {
    ReportError::Chart(format!("{e:?}"))
}

fn finish(svg: String) -> String {
    svg.replace(" xmlns=\"http://www.w3.org/2000/svg\"", "")
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// One series of horizontal bars.
pub struct Series<'a> {
    /// Legend text.
    pub name: &'a str,
    /// One value per label.
    pub values: Vec<u64>,
}

/// Horizontal bars, one group per label (the first label on top), one bar per series.
pub fn bars(title: &str, axis: &str, labels: &[String], series: &[Series<'_>]) -> Result<String> {
    let n = labels.len().max(1);
    let per = series.len().max(1);
    // Empty rows on top: one (plotters ranges are inclusive), two under a legend.
    let spare = if series.len() > 1 { 2 } else { 1 };
    let height = 90 + ((n + spare) * (14 * per + 10)) as u32;
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        // Row i of the chart (from the bottom) shows label n-1-i, so the first label is on top.
        // An integer range is inclusive in plotters (and one of a single value, 0..0, cannot be
        // drawn), so the rows above the labels are left empty, for the legend.
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 18))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(270)
            .build_cartesian_2d(
                0u64..(max + max / 8 + 1),
                (0..n + spare - 1).into_segmented(),
            )
            .map_err(err)?;
        let label_of = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) if *i < n => labels
                .get(n - 1 - i)
                .map(|l| shorten(l, 42))
                .unwrap_or_default(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n + spare)
            .y_label_formatter(&label_of)
            .x_desc(axis)
            .label_style((FONT, 13))
            .draw()
            .map_err(err)?;
        let colors = [BLUE, ORANGE, GREY];
        let band = 1.0 / (per as f64 + 0.6);
        // The chart's rows are about `row_px` pixels high (see `height`); each series gets a
        // band of its row, and its value is written at the middle of its bar.
        let row_px = (14 * per + 10) as f64;
        for (k, s) in series.iter().enumerate() {
            let color = colors[k % colors.len()];
            let top = (row_px * (0.3 * band + k as f64 * band)) as u32;
            let bottom = (row_px * (1.0 - 0.3 * band - (k + 1) as f64 * band)).max(0.0) as u32;
            let offset =
                top as i32 + (row_px as i32 - top as i32 - bottom as i32) / 2 - row_px as i32 / 2;
            let bars = s.values.iter().enumerate().map(move |(j, v)| {
                let row = n - 1 - j;
                let mut r = Rectangle::new(
                    [
                        (0, SegmentValue::Exact(row)),
                        (*v, SegmentValue::Exact(row + 1)),
                    ],
                    color.filled(),
                );
                r.set_margin(top, bottom, 0, 0);
                r
            });
            chart
                .draw_series(bars)
                .map_err(err)?
                .label(s.name)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled())
                });
            chart
                .draw_series(s.values.iter().enumerate().map(|(j, v)| {
                    EmptyElement::at((*v, SegmentValue::CenterOf(n - 1 - j)))
                        + Text::new(
                            format!("{v}"),
                            (4, offset),
                            TextStyle::from((FONT, 12).into_font())
                                .pos(Pos::new(HPos::Left, VPos::Center)),
                        )
                }))
                .map_err(err)?;
        }
        if series.len() > 1 {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.9))
                .border_style(GREY)
                .position(SeriesLabelPosition::UpperRight)
                .label_font((FONT, 13))
                .draw()
                .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(finish(svg))
}

/// A time line: one line per series over labelled points (weeks).
pub fn timeline(title: &str, labels: &[String], series: &[Series<'_>]) -> Result<String> {
    let n = labels.len().max(1);
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 320)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d((0..n).into_segmented(), 0u64..(max + max / 8 + 1))
            .map_err(err)?;
        // As in `bars`, 0..n leaves one empty slot, on the right.
        let step = n.div_ceil(12).max(1);
        let label_of = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) if i % step == 0 => {
                labels.get(*i).cloned().unwrap_or_default()
            }
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&label_of)
            .y_desc("ads first seen")
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        let colors = [GREY, BLUE, ORANGE];
        for (k, s) in series.iter().enumerate() {
            let color = colors[k % colors.len()];
            let points: Vec<(SegmentValue<usize>, u64)> = s
                .values
                .iter()
                .enumerate()
                .map(|(i, v)| (SegmentValue::CenterOf(i), *v))
                .collect();
            chart
                .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))
                .map_err(err)?
                .label(s.name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 14, y)], color.stroke_width(2))
                });
            chart
                .draw_series(
                    points
                        .into_iter()
                        .map(|p| Circle::new(p, 3, color.filled())),
                )
                .map_err(err)?;
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.9))
            .border_style(GREY)
            .position(SeriesLabelPosition::UpperRight)
            .label_font((FONT, 13))
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(finish(svg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_escape_labels_and_carry_no_url() {
        let labels = vec![
            "<script>alert(1)</script>".to_string(),
            "kleinanzeigen".into(),
        ];
        let svg = bars(
            "Relevant ads & more",
            "ads",
            &labels,
            &[Series {
                name: "relevant",
                values: vec![3, 250],
            }],
        )
        .unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(!svg.contains("<script"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("&amp; more"));
        assert!(svg.contains("kleinanzeigen"));
        assert!(svg.contains(">\n250\n</text>"), "{svg}");
        assert!(!svg.contains("http"));
        let line = timeline(
            "Weekly",
            &["2026-W01".into(), "2026-W02".into()],
            &[Series {
                name: "ads",
                values: vec![1, 5],
            }],
        )
        .unwrap();
        assert!(
            line.contains("<polyline") || line.contains("<path"),
            "{line}"
        );
        assert!(line.contains("2026-W01"));
    }
}
