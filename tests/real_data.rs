//! Small nets on the bundled real data sets beat the constant predictor by a wide margin
//! (chapter section 6's pairings): breast cancer with sigmoid + NLL and with a linear layer +
//! hinge loss, diabetes progression with squared loss on standardized inputs and target.

mod common;

use common::rng;
use constnet::data::Split;
use constnet::prelude::*;

/// Breast cancer, split 80/20 (seed 1), features standardized with the training statistics;
/// targets are the labels (1 benign, 0 malignant).
fn breast_cancer() -> Split<[f64; 30], [f64; 1]> {
    common::datasets::breast_cancer().unwrap()
}

/// The accuracy of always guessing the training set's majority class.
fn majority_accuracy(train: &[[f64; 1]], test: &[[f64; 1]]) -> f64 {
    let positive = train.iter().filter(|y| y[0] > 0.5).count() * 2 > train.len();
    test.iter().filter(|y| (y[0] > 0.5) == positive).count() as f64 / test.len() as f64
}

#[test]
fn breast_cancer_with_sigmoid_and_nll() {
    let split = breast_cancer();
    let mut r = rng(60);
    let mut net = <(Linear<30, 8, f64>, ReLU, Linear<8, 1, f64>, Sigmoid)>::init(&mut r);
    let mut adam = Adam::new(3e-3);
    Trainer::new(Nll, &mut adam)
        .batch_size::<16>()
        .epochs(30)
        .reduction(Reduction::Mean)
        .fit(&mut net, &split.train_x, &split.train_y, &mut r)
        .unwrap();
    let eval = evaluate(&net, &Nll, &split.test_x, &split.test_y).unwrap();
    let accuracy = eval.accuracy.unwrap();
    let baseline = majority_accuracy(&split.train_y, &split.test_y);
    // The constant predictor's NLL: always the training set's rate of benign.
    let rate = split.train_y.iter().map(|y| y[0]).sum::<f64>() / split.train_y.len() as f64;
    let constant_net = (
        Linear::<30, 1, f64> {
            w: [[0.0]; 30],
            w0: [(rate / (1.0 - rate)).ln()],
        },
        Sigmoid,
    );
    let constant = evaluate(&constant_net, &Nll, &split.test_x, &split.test_y).unwrap();
    eprintln!(
        "breast cancer, NLL: accuracy {accuracy:.4} (majority {baseline:.4}), loss {:.4} (constant {:.4})",
        eval.loss, constant.loss
    );
    assert!(accuracy >= 0.95, "held-out accuracy {accuracy}");
    assert!(accuracy - baseline >= 0.25);
    assert!(eval.loss < 0.25 * constant.loss);
}

#[test]
fn breast_cancer_with_a_linear_layer_and_hinge_loss() {
    let mut split = breast_cancer();
    // Hinge loss takes labels in {-1, +1}.
    for y in split.train_y.iter_mut().chain(split.test_y.iter_mut()) {
        y[0] = 2.0 * y[0] - 1.0;
    }
    let mut r = rng(61);
    let mut net = <(Linear<30, 1, f64>,)>::init(&mut r);
    let mut sgd = Sgd::new(0.01);
    Trainer::new(Hinge, &mut sgd)
        .batch_size::<16>()
        .epochs(30)
        .reduction(Reduction::Mean)
        .fit(&mut net, &split.train_x, &split.train_y, &mut r)
        .unwrap();
    let eval = evaluate(&net, &Hinge, &split.test_x, &split.test_y).unwrap();
    let accuracy = eval.accuracy.unwrap();
    let positive = |ys: &[[f64; 1]]| {
        ys.iter()
            .map(|y| [f64::from(y[0] > 0.0)])
            .collect::<Vec<_>>()
    };
    let baseline = majority_accuracy(&positive(&split.train_y), &positive(&split.test_y));
    // A constant output c in [-1, 1] has mean hinge loss 1 - c (2q - 1) for a fraction q of
    // positives; the best constant is c = +-1.
    let q = split.test_y.iter().filter(|y| y[0] > 0.0).count() as f64 / split.test_y.len() as f64;
    let constant_loss = 1.0 - (2.0 * q - 1.0).abs();
    eprintln!(
        "breast cancer, hinge: accuracy {accuracy:.4} (majority {baseline:.4}), loss {:.4} (best constant {constant_loss:.4})",
        eval.loss
    );
    assert!(accuracy >= 0.95, "held-out accuracy {accuracy}");
    assert!(accuracy - baseline >= 0.25);
    assert!(eval.loss < 0.25 * constant_loss);
}

#[test]
fn diabetes_regression_with_squared_loss() {
    let common::datasets::Diabetes { split, target } = common::datasets::diabetes().unwrap();

    let mut r = rng(62);
    let mut net = <(Linear<10, 8, f64>, Tanh, Linear<8, 1, f64>)>::init(&mut r);
    let mut sgd = Momentum::new(1e-3);
    Trainer::new(Squared, &mut sgd)
        .batch_size::<16>()
        .epochs(60)
        .reduction(Reduction::Mean)
        .fit(&mut net, &split.train_x, &split.train_y, &mut r)
        .unwrap();
    let eval = evaluate(&net, &Squared, &split.test_x, &split.test_y).unwrap();
    // The constant predictor: the training mean, which is 0 after standardization.
    let constant =
        split.test_y.iter().map(|y| y[0] * y[0]).sum::<f64>() / split.test_y.len() as f64;
    let r2 = 1.0
        - eval.loss / {
            let mean = split.test_y.iter().map(|y| y[0]).sum::<f64>() / split.test_y.len() as f64;
            split
                .test_y
                .iter()
                .map(|y| (y[0] - mean).powi(2))
                .sum::<f64>()
                / split.test_y.len() as f64
        };
    // Back in the data's units: root mean squared error in progression points.
    let rmse = (split
        .test_x
        .iter()
        .zip(&split.test_y)
        .map(|(x, y)| {
            let guess = target.invert(0, net.forward(x)[0]);
            (guess - target.invert(0, y[0])).powi(2)
        })
        .sum::<f64>()
        / split.test_y.len() as f64)
        .sqrt();
    eprintln!(
        "diabetes, squared: test MSE {:.4} (constant {constant:.4}) in standardized units, R^2 {r2:.3}, RMSE {rmse:.1}",
        eval.loss
    );
    assert!(
        eval.loss < 0.7 * constant,
        "test MSE {} vs constant {constant}",
        eval.loss
    );
    assert!(r2 > 0.3, "R^2 {r2}");
}
