//! The workloads of `benches/README.md` on candle (CPU), printed as JSON lines like the other
//! harnesses. `run.sh` runs it with `RAYON_NUM_THREADS=1`.

use constnet_compare::clock::{Clock, try_median_seconds};

use candle_core::{D, DType, Device, Module, Result, Tensor};
use candle_nn::{AdamW, Linear, Optimizer, ParamsAdamW, VarBuilder, VarMap, linear, ops};

fn report(workload: &str, value: f64, unit: &str) {
    println!(
        "{{\"workload\": \"{workload}\", \"library\": \"candle 0.11\", \"value\": {value}, \"unit\": \"{unit}\"}}"
    );
}

struct Mlp {
    layers: Vec<Linear>,
}

impl Mlp {
    fn new(widths: &[usize], vb: &VarBuilder) -> Result<Self> {
        let layers = widths
            .windows(2)
            .enumerate()
            .map(|(i, w)| linear(w[0], w[1], vb.pp(format!("l{i}"))))
            .collect::<Result<_>>()?;
        Ok(Self { layers })
    }

    fn logits(&self, x: &Tensor) -> Result<Tensor> {
        let mut a = x.clone();
        for (i, layer) in self.layers.iter().enumerate() {
            a = layer.forward(&a)?;
            if i + 1 < self.layers.len() {
                a = a.relu()?;
            }
        }
        Ok(a)
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        ops::softmax(&self.logits(x)?, D::Minus1)
    }
}

fn main() -> Result<()> {
    let dev = Device::Cpu;
    for (name, widths) in [
        ("A", &[4usize, 16, 16, 3][..]),
        ("B", &[64, 32, 10][..]),
        ("C", &[784, 128, 64, 10][..]),
    ] {
        let varmap = VarMap::new();
        let vb = VarBuilder::from_varmap(&varmap, DType::F32, &dev);
        let net = Mlp::new(widths, &vb)?;
        let x = Tensor::rand(0f32, 1.0, (1, widths[0]), &dev)?;
        let (scale, unit, calls) = if name == "C" {
            (1e6, "us", 500)
        } else {
            (1e9, "ns", 5000)
        };
        let t = try_median_seconds(calls, || net.forward(&x).map(|_| ()))?;
        report(&format!("W1-{name}"), scale * t, unit);
        if name == "C" {
            let batch = Tensor::rand(0f32, 1.0, (64, 784), &dev)?;
            let t = try_median_seconds(50, || net.forward(&batch).map(|_| ()))?;
            report("W1b-C", 64.0 / t / 1e3, "k samples/s");
            // W2-C: one step of Adam (AdamW without decay) on a batch of 64.
            let labels =
                Tensor::from_vec((0..64u32).map(|i| i % 10).collect::<Vec<_>>(), 64, &dev)?;
            let params = ParamsAdamW {
                lr: 1e-3,
                weight_decay: 0.0,
                ..Default::default()
            };
            let mut adam = AdamW::new(varmap.all_vars(), params)?;
            let t = try_median_seconds(20, || {
                let loss = candle_nn::loss::cross_entropy(&net.logits(&batch)?, &labels)?;
                adam.backward_step(&loss)
            })?;
            report("W2-C", 1.0 / t / 1e3, "k steps/s");
        }
    }

    // W2-B: 64-32-10 on digits, batch 32, Adam 1e-3, 20 epochs.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/digits.csv"
    ))
    .map_err(candle_core::Error::wrap)?;
    let mut pixels = Vec::new();
    let mut labels = Vec::new();
    for line in text.lines().skip(1) {
        let values: Vec<f32> = line.split(',').map(|v| v.parse().unwrap_or(0.0)).collect();
        pixels.extend(values[..64].iter().map(|v| v / 16.0));
        labels.push(values[64] as u32);
    }
    let n = labels.len();
    let test = n / 5;
    let x = Tensor::from_vec(pixels, (n, 64), &dev)?;
    let y = Tensor::from_vec(labels, n, &dev)?;
    let (test_x, train_x) = (x.narrow(0, 0, test)?, x.narrow(0, test, n - test)?);
    let (test_y, train_y) = (y.narrow(0, 0, test)?, y.narrow(0, test, n - test)?);
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &dev);
    let net = Mlp::new(&[64, 32, 10], &vb)?;
    let params = ParamsAdamW {
        lr: 1e-3,
        weight_decay: 0.0,
        ..Default::default()
    };
    let mut adam = AdamW::new(varmap.all_vars(), params)?;
    let train = n - test;
    let start = Clock::start();
    for _ in 0..20 {
        for b in (0..train).step_by(32) {
            let len = 32.min(train - b);
            let loss = candle_nn::loss::cross_entropy(
                &net.logits(&train_x.narrow(0, b, len)?)?,
                &train_y.narrow(0, b, len)?,
            )?;
            adam.backward_step(&loss)?;
        }
    }
    let seconds = start.seconds();
    report("W2-B", 20.0 * train as f64 / seconds / 1e3, "k samples/s");
    let guesses = net.logits(&test_x)?.argmax(D::Minus1)?;
    let right = guesses
        .eq(&test_y)?
        .to_dtype(DType::F32)?
        .sum_all()?
        .to_scalar::<f32>()?;
    report("W2-B accuracy", 100.0 * f64::from(right) / test as f64, "%");
    Ok(())
}
