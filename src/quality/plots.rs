//! Pictures of an [`EvalReport`]: PR curves per category and the toxicity threshold sweep, as SVG
//! (plotters' SVG backend: text is SVG `<text>`, so no fonts or system libraries are needed).

use super::eval::EvalReport;
use crate::engine::Category;
use anyhow::Context;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

const COLORS: [RGBColor; 7] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(44, 160, 44),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
];

/// A sweep line: its name, colour and value.
type Line = (&'static str, RGBColor, fn(&super::metrics::SweepPoint) -> f64);

/// Writes `<dir>/<stem>-pr.svg` and `<dir>/<stem>-sweep.svg`; returns their paths.
pub fn write(report: &EvalReport, dir: &Path, stem: &str) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let pr = dir.join(format!("{stem}-pr.svg"));
    let sweep = dir.join(format!("{stem}-sweep.svg"));
    pr_curves(report, &pr).map_err(|e| anyhow::anyhow!("{}: {e}", pr.display()))?;
    sweep_chart(report, &sweep).map_err(|e| anyhow::anyhow!("{}: {e}", sweep.display()))?;
    Ok(vec![pr, sweep])
}

fn pr_curves(report: &EvalReport, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::new(path, (800, 600)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(format!("{}: precision / recall", report.name), ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(0f64..1f64, 0f64..1.02f64)?;
    chart.configure_mesh().x_desc("recall").y_desc("precision").draw()?;
    for c in &report.categories {
        if c.positives == 0 {
            continue;
        }
        let color = COLORS[c.category.index()];
        let mut points: Vec<(f64, f64)> = vec![(0.0, c.curve.first().map_or(1.0, |p| p.1))];
        points.extend(c.curve.iter().map(|&(_, p, r)| (r, p)));
        let label = format!(
            "{} (PR-AUC {})",
            c.category.as_str(),
            c.pr_auc.map_or("–".into(), |a| format!("{a:.3}"))
        );
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(2)))?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
        // The operating point at the review threshold.
        chart.draw_series(std::iter::once(Circle::new(
            (c.at_review.recall, c.at_review.precision),
            5,
            color.filled(),
        )))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

fn sweep_chart(report: &EvalReport, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::new(path, (800, 600)).into_drawing_area();
    root.fill(&WHITE)?;
    let cat = report
        .categories
        .iter()
        .find(|c| c.category == Category::Toxicity)
        .or_else(|| report.categories.first());
    let title = cat.map_or("no labels".to_string(), |c| {
        format!("{}: {} threshold sweep", report.name, c.category.as_str())
    });
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(0f64..1f64, 0f64..1.02f64)?;
    chart.configure_mesh().x_desc("threshold").y_desc("").draw()?;
    if let Some(c) = cat {
        let series: [Line; 4] = [
            ("precision", COLORS[0], |p| p.precision),
            ("recall", COLORS[1], |p| p.recall),
            ("F1", COLORS[4], |p| p.f1),
            ("flagged share", COLORS[5], |p| p.flagged),
        ];
        for (name, color, get) in series {
            chart
                .draw_series(LineSeries::new(
                    c.sweep.iter().map(|p| (p.threshold as f64, get(p))),
                    color.stroke_width(2),
                ))?
                .label(name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
        }
        let t = c.review_threshold as f64;
        chart
            .draw_series(LineSeries::new(vec![(t, 0.0), (t, 1.0)], BLACK.mix(0.5)))?
            .label(format!("review threshold {t:.2}"))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.mix(0.5)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
