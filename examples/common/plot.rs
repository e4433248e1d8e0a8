//! Charts for the examples, drawn to PNG with `plotters` (bitmap backend, text through
//! `ab_glyph` with the system's DejaVu Sans, so nothing is needed at build time).
#![allow(dead_code)] // each example uses part of it

use std::error::Error;
use std::path::PathBuf;

use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

const FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/// Where the examples write their charts: `$CONSTNET_PLOTS`, or `target/plots`.
pub fn out_dir() -> Result<PathBuf, Box<dyn Error>> {
    let dir = std::env::var_os("CONSTNET_PLOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target/plots")));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Makes the "sans-serif" family plotters draws text with.
fn fonts() -> Result<(), Box<dyn Error>> {
    let bytes = std::fs::read(FONT)
        .map_err(|e| format!("{FONT}: {e} (install Debian's fonts-dejavu-core)"))?;
    register_font(
        "sans-serif",
        FontStyle::Normal,
        Box::leak(bytes.into_boxed_slice()),
    )
    .map_err(|_| "the font does not load")?;
    Ok(())
}

/// One line of a chart.
pub struct Series {
    /// Legend text.
    pub name: String,
    /// `(x, y)` points.
    pub points: Vec<(f64, f64)>,
    /// Drawn dashed (a training curve beside its held-out twin, say).
    pub dashed: bool,
    /// Colour index: series with the same index share a colour.
    pub colour: usize,
}

/// Draws `series` to `file` in the plots folder; a log-scale y axis when `log_y`.
pub fn line_chart(
    file: &str,
    title: &str,
    (x_label, y_label): (&str, &str),
    series: &[Series],
    log_y: bool,
) -> Result<PathBuf, Box<dyn Error>> {
    fonts()?;
    let path = out_dir()?.join(file);
    let target = path.clone();
    let root = BitMapBackend::new(&target, (960, 600)).into_drawing_area();
    root.fill(&WHITE)?;
    let all = || series.iter().flat_map(|s| s.points.iter());
    let x_max = all().map(|p| p.0).fold(1.0, f64::max);
    let y_max = all().map(|p| p.1).fold(f64::MIN, f64::max);
    let y_min = all().map(|p| p.1).fold(f64::MAX, f64::min);
    let mut builder = ChartBuilder::on(&root);
    builder
        .caption(title, ("sans-serif", 24))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(72);
    let labels = (x_label, y_label);
    if log_y {
        let y_range = (y_min.max(1e-6) * 0.9..y_max * 1.1).log_scale().base(10.0);
        let mut chart = builder.build_cartesian_2d(0.0..x_max, y_range)?;
        draw_series(&mut chart, labels, series)?;
    } else {
        let pad = 0.05 * (y_max - y_min).max(1e-9);
        let mut chart = builder.build_cartesian_2d(0.0..x_max, y_min - pad..y_max + pad)?;
        draw_series(&mut chart, labels, series)?;
    }
    root.present()?;
    Ok(path)
}

/// The axes, their labels, the series and the legend.
fn draw_series<'a, X, Y>(
    chart: &mut ChartContext<'a, BitMapBackend<'a>, Cartesian2d<X, Y>>,
    (x_label, y_label): (&str, &str),
    series: &[Series],
) -> Result<(), Box<dyn Error>>
where
    X: Ranged<ValueType = f64> + plotters::coord::ranged1d::ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + plotters::coord::ranged1d::ValueFormatter<f64>,
{
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.3}"))
        .light_line_style(WHITE)
        .label_style(("sans-serif", 15))
        .draw()?;
    for s in series {
        let colour = Palette99::pick(s.colour).to_rgba();
        let width = if s.dashed { 1 } else { 3 };
        let style = colour.stroke_width(width);
        let drawn = if s.dashed {
            chart.draw_series(DashedLineSeries::new(s.points.iter().copied(), 6, 4, style))?
        } else {
            chart.draw_series(LineSeries::new(s.points.iter().copied(), style))?
        };
        drawn.label(&s.name).legend(move |(x, y)| {
            PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(width))
        });
    }
    chart
        .configure_series_labels()
        .label_font(("sans-serif", 16))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    Ok(())
}

/// A decision-boundary picture: every cell of a `cells x cells` grid over `[-range, range]^2`
/// coloured by `class_at` (lightly), with the `points` on top in strong colours.
pub fn decision_map(
    file: &str,
    title: &str,
    range: f64,
    cells: usize,
    class_at: impl Fn(f64, f64) -> (usize, f64),
    points: &[((f64, f64), usize)],
) -> Result<PathBuf, Box<dyn Error>> {
    fonts()?;
    let path = out_dir()?.join(file);
    let target = path.clone();
    let root = BitMapBackend::new(&target, (800, 800)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(48)
        .build_cartesian_2d(-range..range, -range..range)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .label_style(("sans-serif", 14))
        .draw()?;
    let step = 2.0 * range / cells as f64;
    let colours = [
        RGBColor(33, 102, 172),
        RGBColor(214, 96, 77),
        RGBColor(27, 158, 119),
    ];
    let mut rects = Vec::with_capacity(cells * cells);
    for i in 0..cells {
        for j in 0..cells {
            let (x, y) = (-range + i as f64 * step, -range + j as f64 * step);
            let (class, confidence) = class_at(x + step / 2.0, y + step / 2.0);
            let colour = colours[class % colours.len()].mix(0.15 + 0.45 * confidence);
            rects.push(Rectangle::new(
                [(x, y), (x + step, y + step)],
                colour.filled(),
            ));
        }
    }
    chart.draw_series(rects)?;
    chart.draw_series(
        points.iter().map(|&((x, y), class)| {
            Circle::new((x, y), 4, colours[class % colours.len()].filled())
        }),
    )?;
    root.present()?;
    Ok(path)
}
