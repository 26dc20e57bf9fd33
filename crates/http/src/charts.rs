//! Report charts as SVG, drawn with plotters: a line chart of a running total over months
//! against a target line, and a bar chart of figures against their targets. Each has a title,
//! labelled axes and a legend.

use plotters::prelude::*;

const SIZE: (u32, u32) = (900, 500);
const FIGURE: RGBColor = RGBColor(31, 119, 180);
const TARGET: RGBColor = RGBColor(214, 39, 40);

/// Why a chart could not be drawn (plotters' error, as text).
#[derive(Debug, thiserror::Error)]
#[error("the chart could not be drawn: {0}")]
pub struct ChartError(String);

fn failed<E: std::fmt::Debug>(error: E) -> ChartError {
    ChartError(format!("{error:?}"))
}

/// The top of the value axis: a tenth above the largest value, and at least 1.
fn top(values: impl Iterator<Item = f64>) -> f64 {
    (values.fold(0.0_f64, f64::max) * 1.1).max(1.0)
}

/// A line per series over the points labelled `labels` (each series a value per label), with
/// an optional horizontal target line; `y_max` fixes the top of the value axis (for shares).
pub fn line_chart(
    title: &str,
    y_label: &str,
    labels: &[String],
    series: &[(&str, Vec<f64>)],
    target: Option<(&str, f64)>,
    y_max: Option<f64>,
) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(failed)?;
        let last = labels.len().saturating_sub(1).max(1);
        let y_max = y_max.unwrap_or_else(|| {
            top(series
                .iter()
                .flat_map(|(_, values)| values.iter().copied())
                .chain(target.map(|(_, t)| t)))
        });
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 22))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(0..last, 0.0..y_max)
            .map_err(failed)?;
        chart
            .configure_mesh()
            .x_labels(labels.len().max(2))
            .x_label_formatter(&|index| labels.get(*index).cloned().unwrap_or_default())
            .x_desc("Month")
            .y_desc(y_label)
            .draw()
            .map_err(failed)?;
        for (index, (name, values)) in series.iter().enumerate() {
            let colour = if series.len() == 1 {
                FIGURE
            } else {
                let (r, g, b) = Palette99::pick(index).rgb();
                RGBColor(r, g, b)
            };
            chart
                .draw_series(LineSeries::new(
                    values.iter().enumerate().map(|(i, v)| (i, *v)),
                    colour.stroke_width(3),
                ))
                .map_err(failed)?
                .label(*name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(3))
                });
        }
        if let Some((target_name, value)) = target {
            chart
                .draw_series(LineSeries::new(
                    [(0, value), (last, value)],
                    TARGET.stroke_width(2),
                ))
                .map_err(failed)?
                .label(target_name)
                .legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], TARGET.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .border_style(BLACK)
            .background_style(WHITE.mix(0.9))
            .draw()
            .map_err(failed)?;
        root.present().map_err(failed)?;
    }
    Ok(svg)
}

/// One bar per category, with its target (where it has one) marked beside it.
pub fn bar_chart(
    title: &str,
    y_label: &str,
    categories: &[String],
    name: &str,
    values: &[f64],
    targets: &[Option<f64>],
) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(failed)?;
        let y_max = top(values
            .iter()
            .copied()
            .chain(targets.iter().flatten().copied()));
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 22))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..categories.len().max(1) as f64, 0.0..y_max)
            .map_err(failed)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(categories.len().max(1) * 2 + 1)
            .x_label_formatter(&|x| {
                // Labels sit at the middle of each bar.
                let index = (*x - 0.5).round();
                if (x - 0.5 - index).abs() < 1e-6 && index >= 0.0 {
                    categories.get(index as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .x_desc("Kind of lead organisation")
            .y_desc(y_label)
            .draw()
            .map_err(failed)?;
        chart
            .draw_series(values.iter().enumerate().map(|(i, v)| {
                let left = i as f64 + 0.15;
                Rectangle::new([(left, 0.0), (left + 0.4, *v)], FIGURE.filled())
            }))
            .map_err(failed)?
            .label(name)
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 20, y + 5)], FIGURE.filled()));
        chart
            .draw_series(targets.iter().enumerate().filter_map(|(i, target)| {
                target.map(|t| {
                    let left = i as f64 + 0.55;
                    Rectangle::new([(left, 0.0), (left + 0.3, t)], TARGET.mix(0.6).filled())
                })
            }))
            .map_err(failed)?
            .label("Annual target")
            .legend(|(x, y)| {
                Rectangle::new([(x, y - 5), (x + 20, y + 5)], TARGET.mix(0.6).filled())
            });
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .border_style(BLACK)
            .background_style(WHITE.mix(0.9))
            .draw()
            .map_err(failed)?;
        root.present().map_err(failed)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_chart_has_its_title_axes_legend_and_target() {
        let labels = vec![
            "Apr 2026".to_owned(),
            "May 2026".to_owned(),
            "Jun 2026".to_owned(),
        ];
        let series = [("Completed (running total)", vec![3.0, 7.0, 12.0])];
        let svg = line_chart(
            "SNFs completed",
            "SNFs",
            &labels,
            &series,
            Some(("Annual target", 40.0)),
            None,
        )
        .unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        for text in [
            "SNFs completed",
            "Month",
            "May 2026",
            "Completed (running total)",
            "Annual target",
        ] {
            assert!(svg.contains(text), "{text} in the chart");
        }
        assert!(svg.contains("<polyline"));
    }

    #[test]
    fn a_bar_chart_has_a_bar_per_category_and_its_target() {
        let svg = bar_chart(
            "SNFs by kind",
            "SNFs",
            &["school".to_owned(), "police".to_owned()],
            "Completed",
            &[5.0, 2.0],
            &[Some(8.0), None],
        )
        .unwrap();
        assert!(svg.contains("school") && svg.contains("police"));
        assert!(svg.contains("Annual target"));
        assert!(svg.matches("<rect").count() >= 3, "{svg}");
    }
}
