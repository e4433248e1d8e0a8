//! Data helpers: typed errors for malformed CSV and labels, splits, standardization.

mod common;

use constnet::data::{
    CsvErrorKind, Header, LabelError, Standardizer, one_hot, one_hot_all, parse_labeled_csv,
    to_class, train_test_split,
};

#[test]
fn csv_errors_name_the_line_and_column() {
    let wrong_width = parse_labeled_csv::<f32, 3>("1,2,3,0\n1,2,0\n", Header::Absent).unwrap_err();
    assert_eq!(wrong_width.line, 2);
    assert_eq!(
        wrong_width.kind,
        CsvErrorKind::WrongWidth {
            expected: 4,
            found: 3
        }
    );
    assert!(
        wrong_width
            .to_string()
            .contains("line 2: 3 fields, expected 4")
    );

    let not_number =
        parse_labeled_csv::<f64, 2>("x,y,label\n1,2,0\n3,abc,1\n", Header::Present).unwrap_err();
    assert_eq!((not_number.line, not_number.column), (3, 2));
    assert_eq!(not_number.kind, CsvErrorKind::NotANumber("abc".into()));

    let nan = parse_labeled_csv::<f64, 1>("NaN,1\n", Header::Absent).unwrap_err();
    assert_eq!(
        (nan.line, nan.column, nan.kind),
        (1, 1, CsvErrorKind::NotFinite)
    );

    let empty = parse_labeled_csv::<f64, 1>("a,b\n\n", Header::Present).unwrap_err();
    assert_eq!(empty.kind, CsvErrorKind::NoRows);
}

#[test]
fn bundled_data_sets_parse_with_their_documented_shapes() {
    let digits =
        parse_labeled_csv::<f32, 64>(include_str!("../data/digits.csv"), Header::Present).unwrap();
    assert_eq!(digits.features.len(), 1797);
    assert!(digits.labels.iter().all(|&l| (0.0..=9.0).contains(&l)));
    let iris =
        parse_labeled_csv::<f32, 4>(include_str!("../data/iris.csv"), Header::Present).unwrap();
    assert_eq!(iris.features.len(), 150);
    let cancer =
        parse_labeled_csv::<f64, 30>(include_str!("../data/breast_cancer.csv"), Header::Present)
            .unwrap();
    assert_eq!(cancer.features.len(), 569);
    let diabetes =
        parse_labeled_csv::<f64, 10>(include_str!("../data/diabetes.csv"), Header::Present)
            .unwrap();
    assert_eq!(diabetes.features.len(), 442);
    // The wrong width for a bundled file is an error, not a silent truncation.
    assert!(
        parse_labeled_csv::<f32, 63>(include_str!("../data/digits.csv"), Header::Present).is_err()
    );
}

#[test]
fn labels_become_one_hot_targets_and_back() {
    assert_eq!(one_hot::<f32, 3>(1), Some([0.0, 1.0, 0.0]));
    assert_eq!(one_hot::<f32, 3>(3), None);
    let targets = one_hot_all::<f64, 4>(&[0.0, 3.0, 2.0]).unwrap();
    assert_eq!(
        targets.iter().map(to_class).collect::<Vec<_>>(),
        vec![0, 3, 2]
    );
    assert_eq!(
        one_hot_all::<f64, 4>(&[1.0, 4.0]),
        Err(LabelError {
            index: 1,
            label: 4.0,
            classes: 4
        })
    );
    assert!(one_hot_all::<f64, 4>(&[1.5]).is_err());
    assert!(one_hot_all::<f64, 4>(&[-1.0]).is_err());
}

#[test]
fn split_keeps_every_sample_once() {
    let x: Vec<[f64; 1]> = (0..10).map(|i| [i as f64]).collect();
    let y: Vec<usize> = (0..10).collect();
    let split = train_test_split(&x, &y, 0.3, &mut common::rng(1)).unwrap();
    assert_eq!((split.train_x.len(), split.test_x.len()), (7, 3));
    let mut seen: Vec<usize> = split.train_y.iter().chain(&split.test_y).copied().collect();
    seen.sort();
    assert_eq!(seen, y);
    for (xi, yi) in split.train_x.iter().zip(&split.train_y) {
        assert_eq!(xi[0], *yi as f64, "inputs and targets stay paired");
    }
    assert_eq!(
        split,
        train_test_split(&x, &y, 0.3, &mut common::rng(1)).unwrap(),
        "same seed, same split"
    );
}

#[test]
fn standardizer_centres_and_scales() {
    let mut x = vec![[1.0, 5.0], [3.0, 5.0], [5.0, 5.0]];
    let s = Standardizer::fit(&x).unwrap();
    assert_eq!(s.mean, [3.0, 5.0]);
    s.apply_all(&mut x);
    let std = (8.0f64 / 3.0).sqrt();
    assert!((x[0][0] + 2.0 / std).abs() < 1e-12 && (x[2][0] - 2.0 / std).abs() < 1e-12);
    assert_eq!(x[1], [0.0, 0.0], "a constant feature maps to 0");
    assert!((s.invert(0, x[2][0]) - 5.0).abs() < 1e-12);
}

/// A column with a large offset and a small spread (timestamps): the one-pass
/// `E[x^2] - mean^2` cancels catastrophically and gave a deviation of 1.0.
#[test]
fn standardizer_keeps_a_small_spread_on_a_large_offset() {
    let x: Vec<[f64; 1]> = (0..4).map(|i| [1e9 + f64::from(i)]).collect();
    let s = Standardizer::fit(&x).unwrap();
    assert_eq!(s.mean, [1e9 + 1.5]);
    assert!(
        (s.std[0] - 1.25f64.sqrt()).abs() < 1e-12,
        "std {}",
        s.std[0]
    );
}
