//! SVG figures (plotters' SVG backend: text is emitted as SVG `<text>`, no
//! font files needed).

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use std::path::Path;

/// Fourteen distinguishable colours: one per activation of the table (by
/// its position in `Act::ALL`, the same in every figure), then the rest.
const COLORS: [RGBColor; 14] = [
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
    RGBColor(152, 223, 138),
    RGBColor(197, 176, 213),
];

/// The colour of an activation (by its name in the table of activations),
/// the same in every figure; `None` for a name that is not one.
pub fn color_of(activation: &str) -> Option<RGBColor> {
    neurokern::activation::Act::ALL
        .iter()
        .position(|a| a.name() == activation)
        .map(|i| COLORS[i % COLORS.len()])
}

/// Grey, for reference curves (bounds, "1 = no vanishing").
pub const REFERENCE: RGBColor = RGBColor(90, 90, 90);

/// A named series of (x, y) points.
pub struct Series {
    /// Legend label.
    pub label: String,
    /// Points.
    pub points: Vec<(f64, f64)>,
    /// Dashed (for reference curves such as bounds).
    pub dashed: bool,
    /// Its colour; `None` takes the next of the palette.
    pub color: Option<RGBColor>,
}

/// Whether two series have the same points (a curve drawn exactly over
/// another, which would hide it).
fn same_points(a: &Series, b: &Series) -> bool {
    a.points.len() == b.points.len()
        && a.points.iter().zip(&b.points).all(|(p, q)| {
            p.0 == q.0 && (p.1 == q.1 || (p.1 - q.1).abs() <= 1e-9 * p.1.abs().max(q.1.abs()))
        })
}

fn err<E: core::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Names the file in a drawing error (plotters' own says only
/// `BackendError(DrawingError(Os { code: 2, … }))`).
fn in_file(path: &Path, r: Result<(), String>) -> Result<(), String> {
    r.map_err(|e| format!("cannot write the figure {}: {e}", path.display()))
}

/// A line chart, log-scaled in y when `log_y`, its legend in a panel to the
/// right of the plot (it never covers a curve). A series drawn exactly over
/// an earlier one gets rings (wider for each further one) and its legend
/// names the one it hides ("relu6 (= relu)").
///
/// # Errors
///
/// A message naming `path` when it cannot be written.
pub fn lines(
    path: &Path,
    title: &str,
    labels: (&str, &str),
    series: &[Series],
    log_y: bool,
) -> Result<(), String> {
    in_file(path, draw_lines(path, title, labels, series, log_y))
}

/// Width of the legend panel, px.
const LEGEND_W: u32 = 290;

fn draw_lines(
    path: &Path,
    title: &str,
    (x_label, y_label): (&str, &str),
    series: &[Series],
    log_y: bool,
) -> Result<(), String> {
    let integer_x = series
        .iter()
        .flat_map(|s| &s.points)
        .all(|p| p.0.fract() == 0.0);
    // a log axis is drawn as log10(y) on a linear one: plotters' own log
    // axis left decades below 1e-15 unlabelled
    let shown = |y: f64| {
        if !y.is_finite() || (log_y && y <= 0.0) {
            None
        } else if log_y {
            Some(y.log10())
        } else {
            Some(y)
        }
    };
    let pts_of = |s: &Series| -> Vec<(f64, f64)> {
        s.points
            .iter()
            .filter_map(|&(x, y)| shown(y).map(|y| (x, y)))
            .collect()
    };
    let all: Vec<(f64, f64)> = series.iter().flat_map(pts_of).collect();
    let (x0, x1) = all
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (y0, y1) = all
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let (y0, y1) = if y0 >= y1 {
        (y0 - 1.0, y1 + 1.0)
    } else {
        (y0, y1)
    };
    let (y0, y1) = if log_y {
        (y0.floor(), y1.ceil())
    } else {
        let pad = 0.05 * (y1 - y0);
        (y0 - pad, y1 + pad)
    };
    let root = SVGBackend::new(path, (900 + LEGEND_W, 560)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let (plot_area, legend_area) = root.split_horizontally(900);
    let mut chart = ChartBuilder::on(&plot_area)
        .caption(title, ("sans-serif", 20))
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(72)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    let decades = (y1 - y0).round() as usize + 1;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .y_labels(if log_y { decades.min(14) } else { 10 })
        .x_label_formatter(&|v| {
            if integer_x {
                format!("{v:.0}")
            } else {
                format!("{v}")
            }
        })
        .y_label_formatter(&|v| {
            if log_y {
                if v.fract() == 0.0 {
                    format!("1e{v:.0}")
                } else {
                    String::new()
                }
            } else {
                format!("{v:.2}")
            }
        })
        .draw()
        .map_err(err)?;
    let mut entries = Vec::new();
    for (i, s) in series.iter().enumerate() {
        let color = s.color.unwrap_or(COLORS[i % COLORS.len()]);
        let pts = pts_of(s);
        let style = ShapeStyle {
            color: color.to_rgba(),
            filled: false,
            stroke_width: 2,
        };
        // the curves this one lies exactly on: rings, wider for each
        let hidden_under = series[..i].iter().filter(|e| same_points(e, s)).count();
        let hides = series[..i].iter().find(|e| same_points(e, s));
        let ring = 3 + 3 * hidden_under as i32;
        if hides.is_some() {
            chart
                .draw_series(
                    pts.iter()
                        .step_by(2)
                        .map(|&p| Circle::new(p, ring, color.stroke_width(2))),
                )
                .map_err(err)?;
        }
        if s.dashed {
            chart
                .draw_series(DashedLineSeries::new(pts, 6, 4, style))
                .map_err(err)?;
        } else {
            chart
                .draw_series(LineSeries::new(pts, style))
                .map_err(err)?;
        }
        let label = match hides {
            Some(e) => format!("{} (= {})", s.label, e.label),
            None => s.label.clone(),
        };
        entries.push((label, color, s.dashed, hides.map(|_| ring)));
    }
    // the legend, beside the plot: a sample of each line (dashed when the
    // series is; one dash longer than the sample draws it solid) and its ring
    let row = (500 / entries.len().max(1) as i32).clamp(12, 20);
    for (k, (label, color, dashed, ring)) in entries.into_iter().enumerate() {
        let y = 40 + row * k as i32;
        let (dash, gap) = if dashed { (5, 3) } else { (40, 1) };
        legend_area
            .draw(&DashedPathElement::new(
                vec![(8, y), (40, y)],
                dash,
                gap,
                color.stroke_width(2),
            ))
            .map_err(err)?;
        if let Some(r) = ring {
            legend_area
                .draw(&Circle::new((24, y), r.min(8), color.stroke_width(2)))
                .map_err(err)?;
        }
        legend_area
            .draw(&Text::new(label, (48, y - 7), ("sans-serif", 13)))
            .map_err(err)?;
    }
    root.present().map_err(err)
}

/// Grouped bars on a log axis: `groups` along x, one bar per member.
///
/// # Errors
///
/// A message naming `path` when it cannot be written.
pub fn bars(
    path: &Path,
    title: &str,
    y_label: &str,
    groups: &[String],
    members: &[String],
    values: &[Vec<f64>],
) -> Result<(), String> {
    in_file(
        path,
        draw_bars(path, title, y_label, groups, members, values),
    )
}

fn draw_bars(
    path: &Path,
    title: &str,
    y_label: &str,
    groups: &[String],
    members: &[String],
    values: &[Vec<f64>],
) -> Result<(), String> {
    // 66 px per group: the 30 functions of the cost table stay legible
    let width = (66 * groups.len() as u32).max(1100);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn series(label: &str, k: f64) -> Series {
        Series {
            label: label.into(),
            points: (0..5)
                .map(|i| (f64::from(i), k * f64::from(i + 1)))
                .collect(),
            dashed: false,
            color: color_of(label),
        }
    }

    #[test]
    fn a_curve_drawn_over_another_is_named_and_a_different_one_is_not() {
        let dir = std::env::temp_dir().join(format!("neurokern-plot-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("t.svg");
        let s = [
            series("relu", 1.0),
            series("relu6", 1.0),
            series("elu", 1.5),
        ];
        lines(&p, "t", ("x", "y"), &s, true).unwrap();
        let svg = std::fs::read_to_string(&p).unwrap();
        assert!(svg.contains("relu6 (= relu)"), "the hidden curve is named");
        assert!(!svg.contains("elu (="), "a different curve is not");
        // every decade of a log axis is labelled
        assert!(svg.contains("1e0") && svg.contains("1e1"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn each_activation_has_one_colour_and_they_differ() {
        let names: Vec<&str> = neurokern::activation::Act::ALL
            .iter()
            .map(|a| a.name())
            .collect();
        let colours: Vec<RGBColor> = names.iter().map(|n| color_of(n).unwrap()).collect();
        for (i, a) in colours.iter().enumerate() {
            for (j, b) in colours.iter().enumerate().skip(i + 1) {
                assert_ne!(a, b, "{} and {} share a colour", names[i], names[j]);
            }
        }
        assert_eq!(color_of("not an activation"), None);
    }

    #[test]
    fn a_figure_that_cannot_be_written_names_its_file() {
        let p = Path::new("/nonexistent-dir/x/fig.svg");
        let e = lines(p, "t", ("x", "y"), &[series("relu", 1.0)], false).unwrap_err();
        assert!(e.contains("/nonexistent-dir/x/fig.svg"), "{e}");
        let e = bars(p, "t", "y", &["a".into()], &["m".into()], &[vec![1.0]]).unwrap_err();
        assert!(e.contains("/nonexistent-dir/x/fig.svg"), "{e}");
    }
}
