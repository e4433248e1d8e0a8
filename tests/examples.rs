//! The examples, run as a new user runs them: each must finish, print what it did, and draw
//! real SVG charts. `cargo test` builds the examples; this runs the built binaries with
//! their charts sent to a temporary folder.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The folder `cargo test` built the examples into: beside this test's own `deps` folder.
fn examples_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent()
        .and_then(Path::parent)
        .unwrap()
        .join("examples")
}

/// A folder in the temporary directory for one example's files: removed when the test is
/// done with it, kept (and named on stderr) when the test fails, to look at.
struct Scratch(PathBuf);

impl Scratch {
    /// An empty folder named after `name` and this process.
    fn new(name: &str) -> Scratch {
        let path = std::env::temp_dir().join(format!("constnet-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        Scratch(path)
    }
}

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("kept {} to look at", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Runs example `name` with its charts going to a fresh folder, and what it saves to the
/// folder `out` inside it (which does not exist yet); returns its output and the folder.
fn run(name: &str) -> (String, Scratch) {
    let plots = Scratch::new(name);
    let output = Command::new(examples_dir().join(name))
        .env("CONSTNET_PLOTS", &*plots)
        .env("CONSTNET_OUT", plots.join("out"))
        .output()
        .unwrap_or_else(|e| panic!("example {name} did not start: {e} (is it built?)"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "example {name} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (stdout, plots)
}

/// What a chart holds, counted from its SVG.
#[derive(Debug, Default)]
struct Chart {
    /// Lines of more than 10 points: the data series.
    curves: usize,
    /// Filled rectangles that are not the background.
    areas: usize,
    /// Circles (markers, data points).
    circles: usize,
    /// The texts, in order.
    texts: Vec<String>,
    /// Distinct fill and stroke colours.
    colours: usize,
}

/// A real chart: an SVG document (parsed as XML) of `width x height` whose every coordinate
/// is a finite number on its canvas, with text and several colours; what it holds, to check.
fn assert_chart(path: &Path, width: f64, height: f64) -> Chart {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let document = roxmltree::Document::parse(&text)
        .unwrap_or_else(|e| panic!("{}: not XML: {e}", path.display()));
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "svg", "{}", path.display());
    let number = |node: roxmltree::Node, name: &str| -> Option<f64> {
        node.attribute(name).map(|v| {
            let value: f64 = v
                .parse()
                .unwrap_or_else(|e| panic!("{}: {name}={v:?}: {e}", path.display()));
            assert!(value.is_finite(), "{}: {name}={v}", path.display());
            value
        })
    };
    assert_eq!(number(root, "width"), Some(width), "{}", path.display());
    assert_eq!(number(root, "height"), Some(height), "{}", path.display());
    let on_canvas = |x: f64, y: f64| {
        assert!(
            (0.0..=width).contains(&x) && (0.0..=height).contains(&y),
            "{}: ({x}, {y}) is off the canvas",
            path.display()
        );
    };
    let mut chart = Chart::default();
    let mut colours = Vec::new();
    for node in root.descendants().filter(|n| n.is_element()) {
        for attribute in ["x", "y", "cx", "cy"] {
            let (lo, hi) = if attribute.ends_with('x') {
                (0.0, width)
            } else {
                (0.0, height)
            };
            if let Some(v) = number(node, attribute) {
                assert!(
                    (lo..=hi).contains(&v),
                    "{}: {attribute}={v}",
                    path.display()
                );
            }
        }
        for paint in ["fill", "stroke"] {
            match node.attribute(paint) {
                Some("none") | None => {}
                Some(colour) => colours.push(colour.to_string()),
            }
        }
        match node.tag_name().name() {
            "polyline" | "polygon" => {
                let points: Vec<(f64, f64)> = node
                    .attribute("points")
                    .unwrap_or("")
                    .split_whitespace()
                    .map(|pair| {
                        let (x, y) = pair.split_once(',').unwrap();
                        (x.parse().unwrap(), y.parse().unwrap())
                    })
                    .collect();
                for &(x, y) in &points {
                    on_canvas(x, y);
                }
                if points.len() > 10 {
                    chart.curves += 1;
                }
            }
            "rect" => {
                let (w, h) = (number(node, "width"), number(node, "height"));
                let x = number(node, "x").unwrap_or(0.0);
                let y = number(node, "y").unwrap_or(0.0);
                on_canvas(x + w.unwrap(), y + h.unwrap());
                let background = (w, h) == (Some(width), Some(height));
                let filled = !matches!(node.attribute("fill"), Some("none"));
                if filled
                    && !background
                    && node.parent_element().map(|p| p.tag_name().name()) != Some("clipPath")
                {
                    chart.areas += 1;
                }
            }
            "circle" => chart.circles += 1,
            "text" => chart.texts.push(node.text().unwrap_or("").to_string()),
            _ => {}
        }
    }
    colours.sort_unstable();
    colours.dedup();
    chart.colours = colours.len();
    assert!(chart.colours >= 4, "{}: {chart:?}", path.display());
    assert!(chart.texts.len() >= 5, "{}: {chart:?}", path.display());
    chart
}

/// The percentage on the first line of `output` that has `prefix` and a `%`: the number
/// before the last `%`.
fn percent_after(output: &str, prefix: &str) -> f64 {
    let line = output
        .lines()
        .find(|l| l.contains(prefix) && l.contains('%'))
        .unwrap_or_else(|| panic!("no line with {prefix:?} in:\n{output}"));
    let before = &line[..line.rfind('%').unwrap()];
    let start = before
        .rfind(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map_or(0, |i| i + 1);
    before[start..].parse().unwrap()
}

#[test]
fn digits_trains_reports_and_draws() {
    let (out, plots) = run("digits");
    assert!(percent_after(&out, "held-out: loss") >= 95.0, "{out}");
    assert!(out.contains("true\\guess"), "a confusion matrix:\n{out}");
    for (file, y_axis) in [
        ("digits_loss.svg", "loss (log scale)"),
        ("digits_accuracy.svg", "accuracy"),
    ] {
        let chart = assert_chart(&plots.join(file), 960.0, 600.0);
        assert_eq!(
            chart.curves, 2,
            "held out and training, 40 epochs each: {chart:?}"
        );
        for text in ["epoch", y_axis, "held out", "training"] {
            assert!(
                chart.texts.iter().any(|t| t == text),
                "{text:?} in {chart:?}"
            );
        }
    }
    // The net is saved where `CONSTNET_OUT` says, the folder created on the way.
    let saved = std::fs::read(plots.join("out/digits.cnet")).unwrap();
    assert_eq!(saved.len(), 9836, "the header, 4 layers and 2410 values");
    assert!(plots.join("out/digits_net.rs").is_file());
}

/// A chart that cannot be drawn (here its folder cannot be made: a file is in the way) is a
/// warning that names the folder; the example still trains and saves its net.
#[test]
fn a_chart_that_cannot_be_drawn_is_a_warning() {
    let dir = std::env::temp_dir().join(format!("constnet-no-charts-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let in_the_way = dir.join("plots");
    std::fs::write(&in_the_way, b"a file, not a folder").unwrap();
    let output = Command::new(examples_dir().join("digits"))
        .env("CONSTNET_PLOTS", &in_the_way)
        .env("CONSTNET_OUT", dir.join("out"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: a chart was not drawn"),
        "{stderr}"
    );
    assert!(stderr.contains(&*in_the_way.to_string_lossy()), "{stderr}");
    assert!(dir.join("out/digits.cnet").is_file());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn decision_boundary_draws_both_nets() {
    let (out, plots) = run("decision_boundary");
    assert!(out.contains("tanh net 100.0% right"), "{out}");
    for file in ["decision_boundary.svg", "decision_boundary_linear.svg"] {
        let chart = assert_chart(&plots.join(file), 800.0, 800.0);
        assert_eq!(chart.circles, 300, "the data set's points: {chart:?}");
        // 160 rows of cells, each one rectangle or more (more where the class or shade
        // changes along it).
        assert!(chart.areas >= 160, "{chart:?}");
    }
}

#[test]
fn optimizers_draw_their_curves() {
    let (out, plots) = run("optimizers");
    for name in ["sgd 0.1", "momentum 0.01", "adadelta 1e-3", "adam 1e-3"] {
        assert!(
            percent_after(&out, &format!("  {name} ")) >= 95.0,
            "{name}:\n{out}"
        );
        assert!(out.contains("held-out accuracy"), "{out}");
    }
    let chart = assert_chart(&plots.join("optimizers.svg"), 960.0, 600.0);
    assert_eq!(
        chart.curves, 10,
        "held-out and training for 5 optimizers: {chart:?}"
    );
    assert!(
        chart.texts.iter().any(|t| t == "adam 1e-3 (training)"),
        "{chart:?}"
    );
}

#[test]
fn the_small_examples_learn() {
    let (out, _) = run("xor");
    assert!(out.contains("accuracy 100%"), "{out}");
    let (out, _) = run("iris");
    assert!(percent_after(&out, "held-out loss") >= 90.0, "{out}");
    let (out, _) = run("breast_cancer");
    assert!(percent_after(&out, "sigmoid, NLL") >= 95.0, "{out}");
    assert!(percent_after(&out, "linear, hinge") >= 95.0, "{out}");
    let (out, _) = run("diabetes");
    assert!(out.contains("10-8-1 tanh, squared loss"), "{out}");
    let (out, _) = run("custom_layer");
    assert!(out.contains("loads back identical: true"), "{out}");
    assert!(out.contains("imports identical: true"), "{out}");
    assert!(percent_after(&out, "adam 0.01 ") >= 90.0, "{out}");
}

#[test]
fn int8_nets_keep_their_float_accuracy() {
    let (out, _) = run("quantize");
    // The "points" column: int8 accuracy minus float accuracy, in percentage points.
    let points = |name: &str| -> f64 {
        let line = out
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no {name} line in:\n{out}"));
        let fields: Vec<&str> = line[name.len()..].split_whitespace().collect();
        fields[2].parse().unwrap()
    };
    assert!(points("digits") >= -0.5, "{out}");
    assert!(points("iris") >= -1.0, "{out}");
    assert!(points("breast cancer") >= -1.0, "{out}");
    assert!(percent_after(&out, "digits") >= 95.0, "{out}");
}
