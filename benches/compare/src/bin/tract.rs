//! W1 and W1b-C on tract, the crate a Rust program embedding an ONNX model would pick, printed
//! as JSON lines like the other harnesses. `run.sh` runs it on the ONNX files `peers.py` exported
//! from the same PyTorch nets onnxruntime runs (one argument: their folder); tract runs on the
//! calling thread.

use constnet_compare::clock::try_median_seconds;

use std::path::Path;

use tract_onnx::prelude::*;

type Plan = Arc<TypedRunnableModel>;

fn report(workload: &str, value: f64, unit: &str) {
    println!(
        "{{\"workload\": \"{workload}\", \"library\": \"tract 0.23\", \"value\": {value}, \"unit\": \"{unit}\"}}"
    );
}

/// The model in `path`, optimized for a batch of `rows` inputs of `width` values.
fn plan(path: &Path, rows: usize, width: usize) -> TractResult<Plan> {
    tract_onnx::onnx()
        .model_for_path(path)?
        .with_input_fact(0, f32::fact([rows, width]).into())?
        .into_optimized()?
        .into_runnable()
}

/// Runs `plan` on `rows` inputs of `width` values, `calls` times a round, with one state kept
/// across runs (as a program calling it in a loop would).
fn seconds_per_run(plan: &Plan, rows: usize, width: usize, calls: usize) -> TractResult<f64> {
    let values: Vec<f32> = (0..rows * width).map(|i| (i % 97) as f32 / 97.0).collect();
    let input: TValue = Tensor::from_shape(&[rows, width], &values)?.into();
    let mut state = plan.spawn()?;
    try_median_seconds(calls, || {
        std::hint::black_box(state.run(tvec![input.clone()])?);
        Ok(())
    })
}

fn main() -> TractResult<()> {
    let folder = std::env::args()
        .nth(1)
        .expect("the folder of the ONNX files peers.py exported");
    let folder = Path::new(&folder);
    for (name, width) in [("A", 4), ("B", 64), ("C", 784)] {
        let path = folder.join(format!("{name}.onnx"));
        let (scale, unit, calls) = if name == "C" {
            (1e6, "us", 500)
        } else {
            (1e9, "ns", 2000)
        };
        let one = plan(&path, 1, width)?;
        report(
            &format!("W1-{name}"),
            scale * seconds_per_run(&one, 1, width, calls)?,
            unit,
        );
        if name == "C" {
            let batch = plan(&path, 64, width)?;
            let seconds = seconds_per_run(&batch, 64, width, 50)?;
            report("W1b-C", 64.0 / seconds / 1e3, "k samples/s");
        }
    }
    Ok(())
}
