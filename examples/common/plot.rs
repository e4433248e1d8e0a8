//! Charts for the examples, written as SVG by the few hundred lines below: axes, ticks, lines,
//! markers, a legend and text. No graphics library is built for them, so a fresh clone's first
//! `cargo run --release --example digits` compiles constnet and the example and little else.
//! Any web browser (and most image viewers) shows an SVG file; the viewer draws the text in
//! its own sans-serif font.
//!
//! A chart that cannot be written is a warning ([`drawn`]), never the end of an example.
#![allow(dead_code)] // each example uses part of it

use std::error::Error;
use std::fmt::Write as _;
use std::path::PathBuf;

#[path = "output.rs"]
pub mod output;

/// Where the examples write their charts: `$CONSTNET_PLOTS`, or `plots` in the examples'
/// output folder (see `output.rs`); created if missing.
pub fn out_dir() -> Result<PathBuf, Box<dyn Error>> {
    match std::env::var_os("CONSTNET_PLOTS") {
        Some(dir) => output::create(PathBuf::from(dir)),
        None => output::dir("plots"),
    }
}

/// The chart's path when it was written; otherwise a warning on stderr and `None`, so an
/// example goes on to save its net whatever happened to its charts.
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

/// An RGB colour.
#[derive(Clone, Copy, PartialEq)]
struct Colour(u8, u8, u8);

impl Colour {
    const WHITE: Colour = Colour(255, 255, 255);
    const BLACK: Colour = Colour(0, 0, 0);
    const GRID: Colour = Colour(224, 224, 224);

    /// This colour laid over white with opacity `alpha`: written as one opaque colour, so
    /// that neighbouring cells of a map never show a seam where their edges overlap.
    fn over_white(self, alpha: f64) -> Colour {
        let mix = |c: u8| (f64::from(c) * alpha + 255.0 * (1.0 - alpha)).round() as u8;
        Colour(mix(self.0), mix(self.1), mix(self.2))
    }
}

impl std::fmt::Display for Colour {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// Series colours (Okabe-Ito, told apart with colour blindness too), by `Series::colour`.
const COLOURS: [Colour; 7] = [
    Colour(0, 114, 178),
    Colour(213, 94, 0),
    Colour(0, 158, 115),
    Colour(204, 121, 167),
    Colour(86, 180, 233),
    Colour(230, 159, 0),
    Colour(0, 0, 0),
];

/// Marker shapes, by `Series::colour`: circle, triangle, square, cross.
const MARKERS: usize = 4;

/// Where a chart's text sits against its anchor point.
#[derive(Clone, Copy)]
enum Anchor {
    Start,
    Middle,
    End,
}

/// An SVG document being written: elements are appended in drawing order.
struct Svg {
    text: String,
}

impl Svg {
    /// A `width x height` canvas with a white background.
    fn new(width: u32, height: u32) -> Svg {
        let mut svg = Svg {
            text: String::new(),
        };
        svg.push(format_args!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
             viewBox=\"0 0 {width} {height}\" font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\">\n"
        ));
        svg.rect(
            (0.0, 0.0),
            (f64::from(width), f64::from(height)),
            Colour::WHITE,
        );
        svg
    }

    /// Appends formatted text (writing to a `String` cannot fail).
    fn push(&mut self, text: std::fmt::Arguments<'_>) {
        let _ = self.text.write_fmt(text);
    }

    /// A filled rectangle from corner `at` of `size`.
    fn rect(&mut self, (x, y): (f64, f64), (w, h): (f64, f64), fill: Colour) {
        self.push(format_args!(
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{fill}\"/>\n"
        ));
    }

    /// A line through `points`, solid or dashed.
    fn polyline(&mut self, points: &[(f64, f64)], colour: Colour, width: f64, dashed: bool) {
        self.push(format_args!("<polyline points=\""));
        for (k, (x, y)) in points.iter().enumerate() {
            let gap = if k == 0 { "" } else { " " };
            self.push(format_args!("{gap}{x:.1},{y:.1}"));
        }
        let dash = if dashed {
            " stroke-dasharray=\"8 5\""
        } else {
            ""
        };
        self.push(format_args!(
            "\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\"{dash} \
             stroke-linejoin=\"round\" stroke-linecap=\"round\"/>\n"
        ));
    }

    /// A straight line from `a` to `b`.
    fn line(&mut self, a: (f64, f64), b: (f64, f64), colour: Colour, width: f64) {
        self.polyline(&[a, b], colour, width, false);
    }

    /// Text at `(x, y)` (its baseline's middle, start or end), of `size` pixels, turned a
    /// quarter to read upwards when `upright` is false.
    fn text(&mut self, (x, y): (f64, f64), size: u32, anchor: Anchor, upright: bool, text: &str) {
        let anchor = match anchor {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        };
        let turn = if upright {
            String::new()
        } else {
            format!(" transform=\"rotate(-90 {x:.1} {y:.1})\"")
        };
        self.push(format_args!(
            "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\" text-anchor=\"{anchor}\"{turn}>"
        ));
        for c in text.chars() {
            match c {
                '&' => self.text.push_str("&amp;"),
                '<' => self.text.push_str("&lt;"),
                '>' => self.text.push_str("&gt;"),
                _ => self.text.push(c),
            }
        }
        self.text.push_str("</text>\n");
    }

    /// Marker `shape` (circle, triangle, square, cross) centred at `(x, y)`: filled, or an
    /// outline when `hollow`.
    fn marker(&mut self, (x, y): (f64, f64), shape: usize, colour: Colour, hollow: bool) {
        let paint = if hollow {
            format!(
                "fill=\"{}\" stroke=\"{colour}\" stroke-width=\"2\"",
                Colour::WHITE
            )
        } else {
            format!("fill=\"{colour}\"")
        };
        match shape % MARKERS {
            0 => self.push(format_args!(
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"5\" {paint}/>\n"
            )),
            1 => self.push(format_args!(
                "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" {paint}/>\n",
                x,
                y - 6.0,
                x + 5.5,
                y + 4.0,
                x - 5.5,
                y + 4.0
            )),
            2 => self.push(format_args!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"8\" {paint}/>\n",
                x - 4.0,
                y - 4.0
            )),
            _ => {
                self.line((x - 5.0, y - 5.0), (x + 5.0, y + 5.0), colour, 2.0);
                self.line((x - 5.0, y + 5.0), (x + 5.0, y - 5.0), colour, 2.0);
            }
        }
    }

    /// Starts a group whose drawing is cut to the rectangle `area`.
    fn clip_to(&mut self, id: &str, area: &Area) {
        self.push(format_args!(
            "<clipPath id=\"{id}\"><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"/></clipPath>\n<g clip-path=\"url(#{id})\">\n",
            area.left,
            area.top,
            area.right - area.left,
            area.bottom - area.top
        ));
    }

    /// Ends a group.
    fn end_group(&mut self) {
        self.text.push_str("</g>\n");
    }

    /// Writes the document to `file` in the plots folder.
    fn save(mut self, file: &str) -> Result<PathBuf, Box<dyn Error>> {
        self.text.push_str("</svg>\n");
        let path = out_dir()?.join(file);
        std::fs::write(&path, self.text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(path)
    }
}

/// The plotting rectangle of a chart, in pixels.
struct Area {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

/// One axis: its data range, linear or logarithmic, and the pixels it spans.
struct Axis {
    low: f64,
    high: f64,
    log: bool,
    /// The pixel of `low` and of `high` (for a y axis, `low` is at the bottom).
    pixels: (f64, f64),
}

impl Axis {
    /// The pixel of value `v`.
    fn at(&self, v: f64) -> f64 {
        let scale = |v: f64| if self.log { v.log10() } else { v };
        let t = (scale(v) - scale(self.low)) / (scale(self.high) - scale(self.low));
        self.pixels.0 + t * (self.pixels.1 - self.pixels.0)
    }

    /// The tick values and their labels.
    fn ticks(&self) -> Vec<(f64, String)> {
        if self.log {
            log_ticks(self.low, self.high)
                .into_iter()
                .map(|t| (t, significant(t)))
                .collect()
        } else {
            let step = nice_step((self.high - self.low) / 8.0);
            let decimals = (-step.log10().floor()).max(0.0) as usize;
            let first = (self.low / step).ceil() as i64;
            let last = (self.high / step).floor() as i64;
            (first..=last)
                .map(|k| {
                    let t = k as f64 * step;
                    // `-0.0` prints with its sign.
                    let t = if t == 0.0 { 0.0 } else { t };
                    (t, format!("{t:.decimals$}"))
                })
                .collect()
        }
    }
}

/// The step of 1, 2 or 5 times a power of ten nearest above `raw`.
fn nice_step(raw: f64) -> f64 {
    let power = 10f64.powf(raw.max(1e-12).log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&step| step >= raw)
        .unwrap_or(10.0 * power)
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

/// The frame, ticks, tick labels and (when `grid`) grid lines of a chart, and the axes'
/// descriptions.
fn axes(
    svg: &mut Svg,
    area: &Area,
    (x, y): (&Axis, &Axis),
    labels: (&str, &str),
    size: u32,
    grid: bool,
) {
    let (x_ticks, y_ticks) = (x.ticks(), y.ticks());
    if grid {
        for (t, _) in &x_ticks {
            let px = x.at(*t);
            svg.line((px, area.top), (px, area.bottom), Colour::GRID, 1.0);
        }
        for (t, _) in &y_ticks {
            let py = y.at(*t);
            svg.line((area.left, py), (area.right, py), Colour::GRID, 1.0);
        }
    }
    let size_f = f64::from(size);
    for (t, label) in &x_ticks {
        let px = x.at(*t);
        svg.line(
            (px, area.bottom),
            (px, area.bottom + 5.0),
            Colour::BLACK,
            1.0,
        );
        let baseline = area.bottom + 8.0 + size_f;
        svg.text((px, baseline), size, Anchor::Middle, true, label);
    }
    for (t, label) in &y_ticks {
        let py = y.at(*t);
        svg.line((area.left - 5.0, py), (area.left, py), Colour::BLACK, 1.0);
        let baseline = py + 0.35 * size_f;
        svg.text((area.left - 8.0, baseline), size, Anchor::End, true, label);
    }
    let (x_label, y_label) = labels;
    if !x_label.is_empty() {
        let at = (
            (area.left + area.right) / 2.0,
            area.bottom + 14.0 + 2.0 * size_f,
        );
        svg.text(at, size + 1, Anchor::Middle, true, x_label);
    }
    if !y_label.is_empty() {
        let widest = y_ticks.iter().map(|(_, l)| l.len()).max().unwrap_or(1) as f64;
        let at = (
            area.left - 16.0 - 0.6 * size_f * widest,
            (area.top + area.bottom) / 2.0,
        );
        svg.text(at, size + 1, Anchor::Middle, false, y_label);
    }
    svg.push(format_args!(
        "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"none\" stroke=\"{}\"/>\n",
        area.left,
        area.top,
        area.right - area.left,
        area.bottom - area.top,
        Colour::BLACK
    ));
}

/// Draws `series` to `file` (an `.svg` name) in the plots folder; a log-scale y axis when
/// `log_y`. An error when there is nothing finite to draw or the file cannot be written.
pub fn line_chart(
    file: &str,
    title: &str,
    labels: (&str, &str),
    series: &[Series],
    log_y: bool,
) -> Result<PathBuf, Box<dyn Error>> {
    let (width, height) = (960, 600);
    let margin = 16.0;
    let area = Area {
        left: margin + 80.0,
        right: f64::from(width) - margin - 8.0,
        top: margin + 40.0,
        bottom: f64::from(height) - margin - 56.0,
    };
    // Only finite points (and positive ones on a log axis) are drawn: a diverged run's
    // NaN or infinite loss ends its line instead of breaking the axes.
    let drawable = |&(x, y): &(f64, f64)| x.is_finite() && y.is_finite() && (!log_y || y > 0.0);
    // Each series up to its first point that cannot be drawn: the axes span what is drawn.
    let drawn: Vec<&[(f64, f64)]> = series
        .iter()
        .map(|s| {
            let end = s.points.iter().position(|p| !drawable(p));
            &s.points[..end.unwrap_or(s.points.len())]
        })
        .collect();
    let all = || drawn.iter().flat_map(|points| points.iter());
    if all().next().is_none() {
        return Err(format!("{file}: no finite point to draw").into());
    }
    let x_max = all().map(|p| p.0).fold(1.0, f64::max);
    let y_max = all().map(|p| p.1).fold(f64::MIN, f64::max);
    let y_min = all().map(|p| p.1).fold(f64::MAX, f64::min);
    let x = Axis {
        low: 0.0,
        high: x_max,
        log: false,
        pixels: (area.left, area.right),
    };
    let (low, high) = if log_y {
        (y_min * 0.9, y_max * 1.1)
    } else {
        let pad = 0.05 * (y_max - y_min).max(1e-9);
        (y_min - pad, y_max + pad)
    };
    let y = Axis {
        low,
        high,
        log: log_y,
        pixels: (area.bottom, area.top),
    };

    let mut svg = Svg::new(width, height);
    let centre = f64::from(width) / 2.0;
    svg.text((centre, margin + 24.0), 24, Anchor::Middle, true, title);
    axes(&mut svg, &area, (&x, &y), labels, 15, true);
    svg.clip_to("plot", &area);
    let curves: Vec<Vec<(f64, f64)>> = drawn
        .iter()
        .map(|points| {
            points
                .iter()
                .map(|&(px, py)| (x.at(px), y.at(py)))
                .collect()
        })
        .collect();
    for (s, pixels) in series.iter().zip(&curves) {
        let colour = COLOURS[s.colour % COLOURS.len()];
        let width = if s.dashed { 2.0 } else { 3.0 };
        svg.polyline(pixels, colour, width, s.dashed);
        // Markers every few points, starting at a different point for each colour, so that
        // curves lying on top of each other still show each one. Filled on solid lines,
        // hollow on dashed ones.
        let every = (pixels.len() / 8).max(1);
        for &at in pixels.iter().skip(s.colour % every).step_by(every) {
            svg.marker(at, s.colour, colour, s.dashed);
        }
    }
    svg.end_group();
    legend(&mut svg, &area, series, &curves);
    svg.save(file)
}

/// The legend box, in the corner of the plotting area that the fewest of the drawn points
/// (`curves`, in pixels) fall in: for each series a piece of its line with its marker, and
/// its name.
fn legend(svg: &mut Svg, area: &Area, series: &[Series], curves: &[Vec<(f64, f64)>]) {
    let (size, row) = (16, 24.0);
    // The viewer's font decides the text's width: about 0.6 of its size a character is
    // enough for DejaVu Sans and its stand-ins.
    let longest = series
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(0);
    let width = 48.0 + 0.6 * f64::from(size) * longest as f64;
    let height = 10.0 + row * series.len() as f64;
    let corners = [
        (area.right - width - 12.0, area.top + 12.0),
        (area.right - width - 12.0, area.bottom - height - 12.0),
        (area.left + 12.0, area.top + 12.0),
        (area.left + 12.0, area.bottom - height - 12.0),
    ];
    let covered = |&(left, top): &(f64, f64)| {
        let inside = |&&(x, y): &&(f64, f64)| {
            (left - 8.0..=left + width + 8.0).contains(&x)
                && (top - 8.0..=top + height + 8.0).contains(&y)
        };
        curves.iter().flatten().filter(inside).count()
    };
    // The first corner of the fewest points: top right when it is free.
    let (left, top) = corners
        .into_iter()
        .min_by_key(covered)
        .unwrap_or(corners[0]);
    svg.push(format_args!(
        "<rect x=\"{left:.1}\" y=\"{top:.1}\" width=\"{width:.1}\" height=\"{height:.1}\" \
         fill=\"{}\" fill-opacity=\"0.85\" stroke=\"{}\"/>\n",
        Colour::WHITE,
        Colour::BLACK
    ));
    for (k, s) in series.iter().enumerate() {
        let colour = COLOURS[s.colour % COLOURS.len()];
        let y = top + 5.0 + row * (k as f64 + 0.5);
        let width = if s.dashed { 2.0 } else { 3.0 };
        svg.polyline(
            &[(left + 8.0, y), (left + 34.0, y)],
            colour,
            width,
            s.dashed,
        );
        svg.marker((left + 21.0, y), s.colour, colour, s.dashed);
        svg.text((left + 42.0, y + 5.5), size, Anchor::Start, true, &s.name);
    }
}

/// A decision-boundary picture, written to `file` (an `.svg` name): a `cells x cells` grid
/// over `[-range, range]^2`, each cell coloured by `class_at` (lightly, stronger where the
/// net is surer), with the `points` on top in strong colours.
pub fn decision_map(
    file: &str,
    title: &str,
    range: f64,
    cells: usize,
    class_at: impl Fn(f64, f64) -> (usize, f64),
    points: &[((f64, f64), usize)],
) -> Result<PathBuf, Box<dyn Error>> {
    if !(range.is_finite() && range > 0.0) || cells == 0 {
        return Err(format!("{file}: a range of {range} and {cells} cells draw nothing").into());
    }
    let (width, height) = (800, 800);
    let margin = 16.0;
    let area = Area {
        left: margin + 56.0,
        right: f64::from(width) - margin,
        top: margin + 40.0,
        bottom: f64::from(height) - margin - 44.0,
    };
    let x = Axis {
        low: -range,
        high: range,
        log: false,
        pixels: (area.left, area.right),
    };
    let y = Axis {
        low: -range,
        high: range,
        log: false,
        pixels: (area.bottom, area.top),
    };
    let colours = [
        Colour(33, 102, 172),
        Colour(214, 96, 77),
        Colour(27, 158, 119),
    ];

    let mut svg = Svg::new(width, height);
    let centre = f64::from(width) / 2.0;
    svg.text((centre, margin + 22.0), 22, Anchor::Middle, true, title);
    // Cell edges on whole pixels, and a row's neighbouring cells of one colour written as one
    // rectangle: the confidence is shown in eight shades, which keeps the file small (a few
    // thousand rectangles instead of cells x cells).
    let step = 2.0 * range / cells as f64;
    let edge = |axis: &Axis, k: usize| axis.at(-range + k as f64 * step).round();
    for j in 0..cells {
        let (top, bottom) = (edge(&y, j + 1), edge(&y, j));
        let mut run: Option<(usize, Colour)> = None;
        for i in 0..=cells {
            let colour = (i < cells).then(|| {
                let (a, b) = (
                    -range + (i as f64 + 0.5) * step,
                    -range + (j as f64 + 0.5) * step,
                );
                let (class, confidence) = class_at(a, b);
                let shade = (confidence.clamp(0.0, 1.0) * 8.0).round() / 8.0;
                colours[class % colours.len()].over_white(0.15 + 0.45 * shade)
            });
            // A new colour (or the row's end) closes the run before it.
            if run.map(|(_, c)| c) != colour {
                if let Some((start, c)) = run {
                    let left = edge(&x, start);
                    svg.rect((left, top), (edge(&x, i) - left, bottom - top), c);
                }
                run = colour.map(|c| (i, c));
            }
        }
    }
    axes(&mut svg, &area, (&x, &y), ("", ""), 14, false);
    svg.clip_to("map", &area);
    for &((a, b), class) in points {
        let colour = colours[class % colours.len()];
        svg.push(format_args!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{colour}\"/>\n",
            x.at(a),
            y.at(b)
        ));
    }
    svg.end_group();
    svg.save(file)
}
