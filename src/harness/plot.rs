//! SVG figures (plotters' SVG backend: text is emitted as SVG `<text>`, no
//! font files needed).

use plotters::prelude::*;
use std::path::Path;
use std::string::{String, ToString};
use std::vec::Vec;
use std::{format, vec};

/// Twelve distinguishable colours (the ten activations of the vanishing
/// and training figures each get their own).
const COLORS: [RGBColor; 12] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(0, 0, 0),
    RGBColor(255, 187, 120),
];

/// A named series of (x, y) points.
pub struct Series {
    /// Legend label.
    pub label: String,
    /// Points.
    pub points: Vec<(f64, f64)>,
    /// Dashed (for reference curves such as bounds).
    pub dashed: bool,
}

fn err<E: core::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}

/// Where a chart's legend goes.
pub use plotters::chart::SeriesLabelPosition as Legend;

/// A line chart, log-scaled in y when `log_y`, legend at `legend`.
pub fn lines(
    path: &Path,
    title: &str,
    (x_label, y_label): (&str, &str),
    series: &[Series],
    log_y: bool,
    legend: Legend,
) -> Result<(), String> {
    let root = SVGBackend::new(path, (900, 560)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let xs = series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
    let ys: Vec<f64> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .filter(|v| v.is_finite() && (!log_y || *v > 0.0))
        .collect();
    let (x0, x1) = xs.fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    let (y0, y1) = ys
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
    let (y0, y1) = if y0 >= y1 {
        (y0 - 1.0, y1 + 1.0)
    } else {
        (y0, y1)
    };
    let mut builder = ChartBuilder::on(&root);
    builder
        .caption(title, ("sans-serif", 22))
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(72);
    macro_rules! draw {
        ($chart:expr) => {{
            let mut chart = $chart;
            chart
                .configure_mesh()
                .x_desc(x_label)
                .y_desc(y_label)
                .y_label_formatter(&|v| {
                    if log_y {
                        format!("{v:.0e}")
                    } else {
                        format!("{v:.2}")
                    }
                })
                .draw()
                .map_err(err)?;
            for (i, s) in series.iter().enumerate() {
                let color = COLORS[i % COLORS.len()];
                let pts: Vec<(f64, f64)> = s
                    .points
                    .iter()
                    .copied()
                    .filter(|p| p.1.is_finite() && (!log_y || p.1 > 0.0))
                    .collect();
                let style = ShapeStyle {
                    color: color.to_rgba(),
                    filled: false,
                    stroke_width: 2,
                };
                let anno = if s.dashed {
                    chart
                        .draw_series(DashedLineSeries::new(pts, 6, 4, style))
                        .map_err(err)?
                } else {
                    chart
                        .draw_series(LineSeries::new(pts, style))
                        .map_err(err)?
                };
                anno.label(s.label.clone()).legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                });
            }
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .position(legend)
                .draw()
                .map_err(err)?;
        }};
    }
    if log_y {
        draw!(builder
            .build_cartesian_2d(x0..x1, (y0 * 0.5..y1 * 2.0).log_scale())
            .map_err(err)?);
    } else {
        let pad = 0.05 * (y1 - y0);
        draw!(builder
            .build_cartesian_2d(x0..x1, (y0 - pad)..(y1 + pad))
            .map_err(err)?);
    }
    root.present().map_err(err)
}

/// Grouped bars on a log axis: `groups` along x, one bar per member.
pub fn bars(
    path: &Path,
    title: &str,
    y_label: &str,
    groups: &[String],
    members: &[String],
    values: &[Vec<f64>],
) -> Result<(), String> {
    // 60 px per group: the 30 functions of the cost table stay legible
    let width = (60 * groups.len() as u32).max(1100);
    let root = SVGBackend::new(path, (width, 560)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let all: Vec<f64> = values
        .iter()
        .flatten()
        .copied()
        .filter(|v| *v > 0.0 && v.is_finite())
        .collect();
    let lo = all.iter().copied().fold(f64::MAX, f64::min) * 0.5;
    let hi = all.iter().copied().fold(f64::MIN, f64::max) * 2.0;
    let n = groups.len();
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size(72)
        .build_cartesian_2d(0.0..n as f64, (lo..hi).log_scale())
        .map_err(err)?;
    let names: Vec<String> = groups.to_vec();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n * 2 + 1)
        .x_label_formatter(&|v| {
            let i = v.floor() as usize;
            if (v - v.floor() - 0.5).abs() < 1e-6 && i < names.len() {
                names[i].clone()
            } else {
                String::new()
            }
        })
        .x_label_style(("sans-serif", 14).into_font())
        .y_label_formatter(&|v| format!("{v:.0e}"))
        .y_desc(y_label)
        .draw()
        .map_err(err)?;
    let k = members.len() as f64;
    for (m, member) in members.iter().enumerate() {
        let color = COLORS[m % COLORS.len()];
        let rects: Vec<Rectangle<(f64, f64)>> = values[m]
            .iter()
            .enumerate()
            .filter(|(_, v)| **v > 0.0)
            .map(|(g, v)| {
                let x0 = g as f64 + 0.1 + 0.8 * m as f64 / k;
                Rectangle::new([(x0, lo), (x0 + 0.8 / k, *v)], color.filled())
            })
            .collect();
        chart
            .draw_series(rects)
            .map_err(err)?
            .label(member.to_string())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled()));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(err)?;
    root.present().map_err(err)
}
