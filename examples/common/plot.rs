//! Charts for the examples, drawn to PNG with `plotters` (bitmap backend, text through
//! `ab_glyph` with DejaVu Sans compiled in, so charts draw the same on any operating system).
//! A chart that cannot be drawn is a warning ([`drawn`]), never the end of an example.
#![allow(dead_code)] // each example uses part of it

use std::error::Error;
use std::path::{Path, PathBuf};

use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

#[path = "output.rs"]
pub mod output;

/// DejaVu Sans cut down to ASCII and a few symbols (29 KB; its licence and how it was cut:
/// `DejaVuSans-LICENSE.txt` beside it).
const FONT: &[u8] = include_bytes!("DejaVuSans-subset.ttf");

/// Where the examples write their charts: `$CONSTNET_PLOTS`, or `plots` in the examples'
/// output folder (see `output.rs`); created if missing.
pub fn out_dir() -> Result<PathBuf, Box<dyn Error>> {
    match std::env::var_os("CONSTNET_PLOTS") {
        Some(dir) => output::create(PathBuf::from(dir)),
        None => output::dir("plots"),
    }
}

/// Makes the "sans-serif" family plotters draws text with.
fn fonts() -> Result<(), Box<dyn Error>> {
    register_font("sans-serif", FontStyle::Normal, FONT)
        .map_err(|_| "the compiled-in font does not load")?;
    Ok(())
}

/// The chart's path when it was drawn; otherwise a warning on stderr and `None`, so an
/// example goes on to save its net whatever the machine's graphics stack can do.
pub fn drawn(chart: Result<PathBuf, Box<dyn Error>>) -> Option<PathBuf> {
    chart
        .map_err(|e| eprintln!("warning: a chart was not drawn: {e}"))
        .ok()
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
    let size = (960, 600);
    let mut pixels = vec![0u8; 3 * size.0 as usize * size.1 as usize];
    let root = BitMapBackend::with_buffer(&mut pixels, size).into_drawing_area();
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
        let (low, high) = (y_min.max(1e-6) * 0.9, y_max * 1.1);
        // Ticks at 1, 2, 3, 5 times each power of ten: plotters' own log ticks put 1.0 in
        // twice (as the last minor tick of one decade and the first major of the next).
        let ticks = log_ticks(low, high);
        let y_range = (low..high).log_scale().base(10.0).with_key_points(ticks);
        let mut chart = builder.build_cartesian_2d(0.0..x_max, y_range)?;
        draw_series(&mut chart, labels, series)?;
    } else {
        let pad = 0.05 * (y_max - y_min).max(1e-9);
        let mut chart = builder.build_cartesian_2d(0.0..x_max, y_min - pad..y_max + pad)?;
        draw_series(&mut chart, labels, series)?;
    }
    root.present()?;
    drop(root);
    save_png(&path, &pixels, size)?;
    Ok(path)
}

/// Writes 8-bit RGB `pixels` of `width x height` as a PNG file at `path` (the `png` crate
/// alone: plotters' own encoder would pull in the whole `image` crate).
fn save_png(path: &Path, pixels: &[u8], (width, height): (u32, u32)) -> Result<(), Box<dyn Error>> {
    let file = std::fs::File::create(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder
        .write_header()?
        .write_image_data(pixels)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(())
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
        .y_label_formatter(&|y| significant(*y))
        .light_line_style(WHITE)
        .label_style(("sans-serif", 15))
        .draw()?;
    for s in series {
        let colour = COLOURS[s.colour % COLOURS.len()];
        let marker = s.colour % MARKERS;
        let dashed = s.dashed;
        let width = if dashed { 2 } else { 3 };
        let style = colour.stroke_width(width);
        let line = if dashed {
            chart.draw_series(DashedLineSeries::new(s.points.iter().copied(), 8, 5, style))?
        } else {
            chart.draw_series(LineSeries::new(s.points.iter().copied(), style))?
        };
        line.label(&s.name).legend(move |at| {
            let [a, b, c, outline] = legend_paths(marker, dashed);
            EmptyElement::at(at)
                + PathElement::new(a, style)
                + PathElement::new(b, style)
                + PathElement::new(c, style)
                + PathElement::new(outline, colour.stroke_width(2))
        });
        // Markers every few points, starting at a different point for each colour, so that
        // curves lying on top of each other still show each one. Filled on solid lines,
        // hollow on dashed ones.
        let every = (s.points.len() / 8).max(1);
        let marks = s
            .points
            .iter()
            .copied()
            .skip(s.colour % every)
            .step_by(every);
        let look = if dashed {
            colour.stroke_width(2)
        } else {
            colour.filled()
        };
        match marker {
            0 => chart.draw_series(marks.map(|p| Circle::new(p, 5, look)))?,
            1 => chart.draw_series(marks.map(|p| TriangleMarker::new(p, 6, look)))?,
            2 => chart.draw_series(
                marks.map(|p| EmptyElement::at(p) + Rectangle::new([(-4, -4), (4, 4)], look)),
            )?,
            _ => chart.draw_series(marks.map(|p| Cross::new(p, 5, colour.stroke_width(2))))?,
        };
    }
    chart
        .configure_series_labels()
        .label_font(("sans-serif", 16))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    Ok(())
}

/// Series colours (Okabe-Ito, told apart with colour blindness too), by `Series::colour`.
const COLOURS: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(230, 159, 0),
    RGBColor(0, 0, 0),
];

/// Marker shapes, by `Series::colour`: circle, triangle, square, cross.
const MARKERS: usize = 4;

/// A legend key's strokes, relative to its anchor: three pieces of line (with gaps between
/// them when `dashed`, touching otherwise) and the outline of the series' marker (which reads
/// the same filled or hollow at legend size).
fn legend_paths(marker: usize, dashed: bool) -> [Vec<(i32, i32)>; 4] {
    // Plotters leaves about 20 pixels for a key before the text.
    let gap = if dashed { 3 } else { 0 };
    let piece = |i: i32| vec![(i * 7, 0), (i * 7 + 7 - gap, 0)];
    let outline = match marker {
        0 => (0..=12)
            .map(|k| {
                let angle = f64::from(k) * std::f64::consts::TAU / 12.0;
                (
                    (10.0 + 4.0 * angle.cos()) as i32,
                    (4.0 * angle.sin()) as i32,
                )
            })
            .collect(),
        1 => vec![(10, -5), (15, 4), (5, 4), (10, -5)],
        2 => vec![(6, -4), (14, -4), (14, 4), (6, 4), (6, -4)],
        _ => vec![(6, -4), (14, 4), (10, 0), (14, -4), (6, 4)],
    };
    [piece(0), piece(1), piece(2), outline]
}

/// The values 1, 2, 3 and 5 times a power of ten between `low` and `high`.
fn log_ticks(low: f64, high: f64) -> Vec<f64> {
    let first = low.log10().floor() as i32;
    let last = high.log10().ceil() as i32;
    (first..=last)
        .flat_map(|power| [1.0, 2.0, 3.0, 5.0].map(|m| m * 10f64.powi(power)))
        .filter(|&tick| (low..=high).contains(&tick))
        .collect()
}

/// An axis label with three significant digits: `0.0123`, `0.512`, `1.00`, `12.3`, so
/// neighbouring ticks of a log axis never print the same text.
fn significant(y: f64) -> String {
    if y == 0.0 || !y.is_finite() {
        return format!("{y}");
    }
    let digits = (2 - y.abs().log10().floor() as i32).max(0) as usize;
    format!("{y:.digits$}")
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
    let size = (800, 800);
    let mut pixels = vec![0u8; 3 * size.0 as usize * size.1 as usize];
    let root = BitMapBackend::with_buffer(&mut pixels, size).into_drawing_area();
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
    drop(chart);
    root.present()?;
    drop(root);
    save_png(&path, &pixels, size)?;
    Ok(path)
}
