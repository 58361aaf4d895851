//! A small hand-written SVG line chart of learning curves.

use crate::CurvePoint;
use std::fmt::Write;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 400.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 470.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 350.0;
const COLOURS: [&str; 6] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
];

/// An SVG chart of learning curves: labels on the x axis, 0..1 on the y axis, one colour per
/// series with precision as a solid line (with dots) and recall dashed, and a legend.
pub fn learning_curve_svg(series: &[(&str, &[CurvePoint])], title: &str) -> String {
    let max_x = series
        .iter()
        .flat_map(|(_, pts)| pts.iter().map(|p| p.labels))
        .max()
        .unwrap_or(0)
        .max(1);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
         viewBox=\"0 0 {WIDTH} {HEIGHT}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{}</text>\n",
        WIDTH / 2.0,
        escape(title)
    );
    axes(&mut svg, max_x);
    for (k, (name, points)) in series.iter().enumerate() {
        let colour = COLOURS[k % COLOURS.len()];
        lines(&mut svg, points, max_x, colour);
        legend_entry(&mut svg, k, name, colour);
    }
    let y = TOP + 20.0 * series.len() as f64 + 16.0;
    let _ = writeln!(
        svg,
        "<text x=\"{}\" y=\"{y}\" fill=\"#555\">solid: precision</text>",
        RIGHT + 20.0
    );
    let _ = writeln!(
        svg,
        "<text x=\"{}\" y=\"{}\" fill=\"#555\">dashed: recall</text>",
        RIGHT + 20.0,
        y + 16.0
    );
    svg.push_str("</svg>\n");
    svg
}

fn px(labels: f64, max_x: usize) -> f64 {
    LEFT + (RIGHT - LEFT) * labels / max_x as f64
}

fn py(value: f64) -> f64 {
    BOTTOM - (BOTTOM - TOP) * value.clamp(0.0, 1.0)
}

fn axes(svg: &mut String, max_x: usize) {
    let _ = writeln!(
        svg,
        "<path d=\"M{LEFT} {TOP} V{BOTTOM} H{RIGHT}\" fill=\"none\" stroke=\"black\"/>"
    );
    for tenth in (0..=10).step_by(2) {
        let v = f64::from(tenth) / 10.0;
        let y = py(v);
        let _ = writeln!(
            svg,
            "<line x1=\"{}\" y1=\"{y}\" x2=\"{LEFT}\" y2=\"{y}\" stroke=\"black\"/>\
             <line x1=\"{LEFT}\" y1=\"{y}\" x2=\"{RIGHT}\" y2=\"{y}\" stroke=\"#ddd\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{v:.1}</text>",
            LEFT - 5.0,
            LEFT - 8.0,
            y + 4.0
        );
    }
    let step = nice_step(max_x);
    for t in (0..=max_x).step_by(step) {
        let x = px(t as f64, max_x);
        let _ = writeln!(
            svg,
            "<line x1=\"{x}\" y1=\"{BOTTOM}\" x2=\"{x}\" y2=\"{}\" stroke=\"black\"/>\
             <text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{t}</text>",
            BOTTOM + 5.0,
            BOTTOM + 18.0
        );
    }
    let _ = writeln!(
        svg,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">labels</text>",
        (LEFT + RIGHT) / 2.0,
        BOTTOM + 38.0
    );
}

/// A 1, 2 or 5 × 10^k step giving at most about eight ticks up to `max`.
fn nice_step(max: usize) -> usize {
    let mut base = 1;
    loop {
        for m in [1, 2, 5] {
            if max / (base * m) <= 8 {
                return base * m;
            }
        }
        base *= 10;
    }
}

fn lines(svg: &mut String, points: &[CurvePoint], max_x: usize, colour: &str) {
    let path = |value: fn(&CurvePoint) -> f64| {
        points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let cmd = if i == 0 { 'M' } else { 'L' };
                format!("{cmd}{:.1} {:.1}", px(p.labels as f64, max_x), py(value(p)))
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    if points.is_empty() {
        return;
    }
    let _ = writeln!(
        svg,
        "<path d=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>",
        path(|p| p.precision)
    );
    let _ = writeln!(
        svg,
        "<path d=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\" stroke-dasharray=\"5 4\"/>",
        path(|p| p.recall)
    );
    for p in points {
        let _ = writeln!(
            svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{colour}\"/>",
            px(p.labels as f64, max_x),
            py(p.precision)
        );
    }
}

fn legend_entry(svg: &mut String, k: usize, name: &str, colour: &str) {
    let y = TOP + 20.0 * k as f64;
    let _ = writeln!(
        svg,
        "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{colour}\" stroke-width=\"2\"/>\
         <text x=\"{}\" y=\"{}\">{}</text>",
        RIGHT + 20.0,
        RIGHT + 44.0,
        RIGHT + 50.0,
        y + 4.0,
        escape(name)
    );
}

/// Escapes text for XML content and attribute values.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts() -> Vec<CurvePoint> {
        vec![
            CurvePoint {
                labels: 50,
                precision: 0.5,
                recall: 0.4,
            },
            CurvePoint {
                labels: 200,
                precision: 0.8,
                recall: 0.7,
            },
        ]
    }

    #[test]
    fn svg_is_well_formed_and_escaped() {
        let a = pts();
        let svg = learning_curve_svg(
            &[("random <order>", &a), ("active & uncertain", &a)],
            "P<R \"curve\"",
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("P&lt;R &quot;curve&quot;"));
        assert!(svg.contains("random &lt;order&gt;") && svg.contains("active &amp; uncertain"));
        assert!(!svg.contains("<order>") && !svg.contains("P<R"));
        assert_eq!(svg.matches("<circle").count(), 4);
        assert_eq!(
            svg.matches('<').count(),
            svg.matches('>').count(),
            "tags balanced"
        );
        let opened = svg.matches("<text").count();
        assert_eq!(opened, svg.matches("</text>").count());
    }

    #[test]
    fn ticks_are_nice_and_empty_input_still_draws() {
        assert_eq!(nice_step(8), 1);
        assert_eq!(nice_step(200), 50);
        assert_eq!(nice_step(1000), 200);
        let svg = learning_curve_svg(&[], "empty");
        assert!(svg.starts_with("<svg") && svg.contains(">empty</text>"));
    }
}
