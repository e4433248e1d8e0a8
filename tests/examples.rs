//! The examples, run as a new user runs them: each must finish, print what it did, and draw
//! non-trivial PNG charts. `cargo test` builds the examples; this runs the built binaries with
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

/// Runs example `name` with its charts going to a fresh folder, and what it saves to the
/// folder `out` inside it (which does not exist yet); returns its output and the folder.
fn run(name: &str) -> (String, PathBuf) {
    let plots = std::env::temp_dir().join(format!("constnet-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&plots);
    let output = Command::new(examples_dir().join(name))
        .env("CONSTNET_PLOTS", &plots)
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

/// A real chart: a PNG of the expected size with many colours, not a blank canvas.
fn assert_chart(path: &Path, width: u32, height: u32) {
    let image = image::open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .to_rgb8();
    assert_eq!(image.dimensions(), (width, height), "{}", path.display());
    let mut colours: Vec<[u8; 3]> = image.pixels().map(|p| p.0).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(
        colours.len() > 50,
        "{}: only {} colours",
        path.display(),
        colours.len()
    );
    let white = image.pixels().filter(|p| p.0 == [255, 255, 255]).count();
    let total = (width * height) as usize;
    assert!(white < total * 98 / 100, "{}: almost blank", path.display());
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
    assert_chart(&plots.join("digits_loss.png"), 960, 600);
    assert_chart(&plots.join("digits_accuracy.png"), 960, 600);
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
    assert_chart(&plots.join("decision_boundary.png"), 800, 800);
    assert_chart(&plots.join("decision_boundary_linear.png"), 800, 800);
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
    assert_chart(&plots.join("optimizers.png"), 960, 600);
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
