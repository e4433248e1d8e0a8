//! The bundled data sets (`data/`, provenance in `data/README.md`), ready for the examples:
//! parsed, scaled, and split 80/20 with split seed 1.
#![allow(dead_code)] // each example uses part of it

use constnet::data::{
    Header, Split, Standardizer, one_hot_all, parse_labeled_csv, train_test_split,
};
use constnet::rng::{Pcg64Mcg, SeedableRng};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn split_seed() -> Pcg64Mcg {
    Pcg64Mcg::seed_from_u64(1)
}

/// UCI optdigits: 8x8 pixels scaled from 0..16 to 0..1, one-hot digit targets.
pub fn digits() -> Result<Split<[f32; 64], [f32; 10]>> {
    let csv = include_str!("../../data/digits.csv");
    let data = parse_labeled_csv::<f32, 64>(csv, Header::Present)?;
    let targets = one_hot_all::<f32, 10>(&data.labels)?;
    let pixels: Vec<[f32; 64]> = data.features.iter().map(|r| r.map(|v| v / 16.0)).collect();
    Ok(train_test_split(&pixels, &targets, 0.2, &mut split_seed())?)
}

/// Fisher's iris: 4 measurements in cm, standardized with the training statistics; one-hot
/// species targets.
pub fn iris() -> Result<Split<[f32; 4], [f32; 3]>> {
    let csv = include_str!("../../data/iris.csv");
    let data = parse_labeled_csv::<f32, 4>(csv, Header::Present)?;
    let targets = one_hot_all::<f32, 3>(&data.labels)?;
    let mut split = train_test_split(&data.features, &targets, 0.2, &mut split_seed())?;
    standardize(&mut split)?;
    Ok(split)
}

/// Breast cancer Wisconsin: 30 features standardized with the training statistics; target 1
/// for benign, 0 for malignant.
pub fn breast_cancer() -> Result<Split<[f64; 30], [f64; 1]>> {
    let csv = include_str!("../../data/breast_cancer.csv");
    let data = parse_labeled_csv::<f64, 30>(csv, Header::Present)?;
    let targets: Vec<[f64; 1]> = data.labels.iter().map(|&l| [l]).collect();
    let mut split = train_test_split(&data.features, &targets, 0.2, &mut split_seed())?;
    standardize(&mut split)?;
    Ok(split)
}

/// The diabetes data, standardized, and how to turn standardized targets back into points.
pub struct Diabetes {
    /// Features and targets, both standardized with the training statistics.
    pub split: Split<[f64; 10], [f64; 1]>,
    /// The target's standardizer.
    pub target: Standardizer<f64, 1>,
}

/// Diabetes progression: 10 features and the target, both standardized with the training
/// statistics.
pub fn diabetes() -> Result<Diabetes> {
    let csv = include_str!("../../data/diabetes.csv");
    let data = parse_labeled_csv::<f64, 10>(csv, Header::Present)?;
    let targets: Vec<[f64; 1]> = data.labels.iter().map(|&t| [t]).collect();
    let mut split = train_test_split(&data.features, &targets, 0.2, &mut split_seed())?;
    standardize(&mut split)?;
    let target = Standardizer::fit(&split.train_y)?;
    target.apply_all(&mut split.train_y);
    target.apply_all(&mut split.test_y);
    Ok(Diabetes { split, target })
}

/// Standardizes both parts' features with the training part's statistics.
fn standardize<T: constnet::Scalar, const N: usize, Y>(split: &mut Split<[T; N], Y>) -> Result<()> {
    let scaler = Standardizer::fit(&split.train_x)?;
    scaler.apply_all(&mut split.train_x);
    scaler.apply_all(&mut split.test_x);
    Ok(())
}
