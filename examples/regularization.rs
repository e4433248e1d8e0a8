//! The chapter's regularizers (section 8) against overfitting: a 64-64-10 net trained on only
//! 200 of the bundled digits, plain and with weight decay, input noise, dropout, batch
//! normalization and early stopping. Each reports its held-out loss and accuracy on the 359
//! held-out images.
//!
//! Run: `cargo run --release --example regularization`

use constnet::data::Split;
use constnet::loss::Objective;
use constnet::optim::Optimizer;
use constnet::prelude::*;
use constnet::rng::{Pcg64Mcg, SeedableRng};
use constnet::train::{EarlyStopping, Evaluation, TrainError};

#[path = "common/datasets.rs"]
mod datasets;

const TRAINING_IMAGES: usize = 200;
const EPOCHS: usize = 150;

type Plain = (Linear<64, 64>, ReLU, Linear<64, 10>, Softmax);
type WithDropout = (Linear<64, 64>, ReLU, Dropout<30>, Linear<64, 10>, Softmax);
type WithBatchNorm = (Linear<64, 64>, BatchNorm<64>, ReLU, Linear<64, 10>, Softmax);

type Data = Split<[f32; 64], [f32; 10]>;

/// Trains `Net` (from seed 7, shuffles from seed 11) with `optimizer` and `configure`d trainer.
fn run<Net, O>(
    data: &Data,
    mut optimizer: O,
    configure: impl FnOnce(Trainer<'_, Nllm, O, 10>) -> Trainer<'_, Nllm, O, 10>,
) -> Result<Evaluation<f32>, TrainError>
where
    Net: Network<f32, 64, 10>,
    Nllm: Objective<Net, [f32; 64], Scalar = f32, Target = [f32; 10]>,
    O: Optimizer<f32, Net>,
{
    let mut rng = Pcg64Mcg::seed_from_u64(7);
    let mut net = Net::init(&mut rng);
    let mut rng = Pcg64Mcg::seed_from_u64(11);
    let trainer = Trainer::new(Nllm, &mut optimizer)
        .batch_size::<10>()
        .epochs(EPOCHS)
        .reduction(Reduction::Mean);
    configure(trainer).fit(&mut net, &data.train_x, &data.train_y, &mut rng)?;
    evaluate(&net, &Nllm, &data.test_x, &data.test_y)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut data = datasets::digits()?;
    data.train_x.truncate(TRAINING_IMAGES);
    data.train_y.truncate(TRAINING_IMAGES);
    println!(
        "{TRAINING_IMAGES} training images, {} held out; 64-64-10, SGD 0.1, batch 10, up to {EPOCHS} epochs\n",
        data.test_x.len()
    );

    let sgd = || Sgd::new(0.1f32);
    let results = [
        ("no regularization", run::<Plain, _>(&data, sgd(), |t| t)?),
        (
            "weight decay, lambda 1e-3",
            run::<Plain, _>(&data, WeightDecay::new(sgd(), 1e-3), |t| t)?,
        ),
        (
            "input noise, sd 0.2",
            run::<Plain, _>(&data, sgd(), |t| t.input_noise(0.2))?,
        ),
        ("dropout 30%", run::<WithDropout, _>(&data, sgd(), |t| t)?),
        (
            "batch normalization",
            run::<WithBatchNorm, _>(&data, sgd(), |t| t.drop_partial_batch())?,
        ),
    ];

    // Early stopping needs a validation set apart from the held-out one: the last 50 of the
    // training images.
    let (fit_x, check_x) = data.train_x.split_at(TRAINING_IMAGES - 50);
    let (fit_y, check_y) = data.train_y.split_at(TRAINING_IMAGES - 50);
    let mut rng = Pcg64Mcg::seed_from_u64(7);
    let mut net = Plain::init(&mut rng);
    let mut rng = Pcg64Mcg::seed_from_u64(11);
    let mut optimizer = sgd();
    let report = Trainer::new(Nllm, &mut optimizer)
        .batch_size::<10>()
        .epochs(EPOCHS)
        .reduction(Reduction::Mean)
        .fit_early_stopping(
            &mut net,
            fit_x,
            fit_y,
            &mut rng,
            EarlyStopping::new(check_x, check_y).patience(10),
        )?;
    let best = report.best().unwrap_or_default();
    let stopped = evaluate(&net, &Nllm, &data.test_x, &data.test_y)?;

    println!(
        "{:<28} {:>13} {:>18}",
        "", "held-out loss", "held-out accuracy"
    );
    for (name, eval) in &results {
        println!(
            "{name:<28} {:>13.4} {:>17.2}%",
            eval.loss,
            100.0 * eval.accuracy.unwrap_or(0.0)
        );
    }
    println!(
        "{:<28} {:>13.4} {:>17.2}%   (best of {} checks: epoch {}; {})",
        "early stopping (150 + 50)",
        stopped.loss,
        100.0 * stopped.accuracy.unwrap_or(0.0),
        report.curve.len(),
        best.epoch,
        if report.stopped_early {
            "patience ran out"
        } else {
            "ran every epoch"
        },
    );
    Ok(())
}
