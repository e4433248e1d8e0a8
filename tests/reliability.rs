//! Silent wrong answers, each class pinned by a test that failed before its fix
//! (RELIABILITY.md lists what the library promises and where each promise is tested).

mod common;

use common::{crc32, official_safetensors, rng};
use constnet::data::{ConfusionMatrix, CsvErrorKind, Header, parse_labeled_csv, to_class};
use constnet::loss::Loss;
use constnet::persist::{LoadError, WeightFile};
use constnet::prelude::*;
use constnet::train::TrainError;

// ---- NaN is never masked ----

#[test]
fn relu_keeps_nan_as_pytorch_does() {
    let out = ReLU.forward(&[f32::NAN, -1.0, 2.0]);
    assert!(out[0].is_nan(), "ReLU(NaN) = {}", out[0]);
    assert_eq!(out[1..], [0.0, 2.0]);
}

#[test]
fn argmax_and_to_class_name_a_nan_as_pytorch_does() {
    // torch.argmax treats NaN as the maximum.
    assert_eq!(to_class(&[0.1f32, f32::NAN, 0.5]), 1);
    assert_eq!(constnet::tensor::argmax(&[f64::NAN, 3.0]), 0);
    assert_eq!(
        constnet::tensor::argmax(&[1.0f64, 3.0, 3.0]),
        1,
        "first of the largest"
    );
}

#[test]
fn losses_of_a_nan_output_or_target_are_nan() {
    let y = [0.0f32, 1.0];
    assert!(Loss::value(&Nllm, &[f32::NAN, f32::NAN], &y).is_nan());
    assert!(Loss::value(&Nllm, &[0.5, f32::NAN], &y).is_nan());
    assert!(Loss::value(&Nll, &[f32::NAN], &[1.0]).is_nan());
    assert!(Loss::value(&Hinge, &[0.5f32], &[f32::NAN]).is_nan());
    assert!(Loss::grad(&Hinge, &[0.5f32], &[f32::NAN])[0].is_nan());
    assert!(Loss::value(&Squared, &[f32::NAN], &[1.0]).is_nan());
    // A NaN output is never a right guess.
    for loss_correct in [
        Loss::correct(&Nllm, &[f32::NAN, f32::NAN], &y),
        Loss::correct(&Nll, &[f32::NAN], &[0.0]),
        Loss::correct(&Hinge, &[f32::NAN], &[-1.0]),
    ] {
        assert_eq!(loss_correct, Some(false));
    }
}

#[test]
fn an_all_nan_net_reports_no_finite_loss_and_no_accuracy() {
    type Net = (Linear<2, 2>, ReLU, Linear<2, 2>, Softmax);
    let mut net = Net::zeroed();
    net.0.w = [[f32::NAN; 2]; 2];
    let x = [[1.0, 2.0], [3.0, 4.0]];
    let y = [[1.0, 0.0], [0.0, 1.0]];
    let eval = evaluate(&net, &Nllm, &x, &y).unwrap();
    assert!(eval.loss.is_nan(), "loss {}", eval.loss);
    assert_eq!(eval.accuracy, Some(0.0));
}

// ---- Data that does not fit its type is an error ----

#[test]
fn a_csv_value_that_overflows_f32_is_not_finite() {
    let error =
        parse_labeled_csv::<f32, 2>("a,b,label\n1.0,1e39,0\n", Header::Present).unwrap_err();
    assert_eq!((error.line, error.column), (2, 2));
    assert_eq!(error.kind, CsvErrorKind::NotFinite);
    // In f64 the same value is fine.
    assert!(parse_labeled_csv::<f64, 2>("1.0,1e39,0\n", Header::Absent).is_ok());
}

#[test]
fn confusion_counts_saturate_instead_of_overflowing() {
    let mut m = ConfusionMatrix::<2>::default();
    m.counts[0][0] = usize::MAX;
    m.counts[1][1] = 5;
    assert!(!m.record(0, 0), "a full count is not counted again");
    assert_eq!(m.counts[0][0], usize::MAX);
    assert_eq!(m.total(), usize::MAX);
    assert_eq!(m.correct(), usize::MAX);
    assert!(m.record(1, 1));
}

// ---- Files are read exactly ----

#[test]
fn the_weight_files_reserved_byte_must_be_zero() {
    type Net = (Linear<2, 2>, Sigmoid);
    let net = Net::init(&mut rng(1));
    let mut bytes = net.to_byte_vec();
    bytes[7] = 1;
    // Recompute the checksum, so the reserved byte is the only thing wrong.
    let end = bytes.len() - 4;
    let crc = crc32(&bytes[..end]);
    bytes[end..].copy_from_slice(&crc.to_le_bytes());
    assert_eq!(
        Net::from_bytes(&bytes),
        Err(LoadError::ReservedByte { found: 1 })
    );
}

#[test]
fn a_split_of_mismatched_or_invalid_input_is_an_error() {
    use constnet::data::{SplitError, train_test_split};
    let x = [[1.0f32]; 10];
    let y = [[0.0f32]; 9];
    assert_eq!(
        train_test_split(&x, &y, 0.2, &mut rng(1)),
        Err(SplitError::LengthMismatch {
            inputs: 10,
            targets: 9
        })
    );
    for fraction in [f64::NAN, -0.1, 1.5] {
        let error = train_test_split(&x, &x, fraction, &mut rng(1)).unwrap_err();
        assert!(
            matches!(error, SplitError::InvalidFraction(f) if f.to_bits() == fraction.to_bits())
        );
    }
}

#[test]
fn a_standardizer_of_a_nan_column_is_an_error() {
    use constnet::data::{StandardizeError, Standardizer};
    let x = [[1.0f64, 2.0], [3.0, f64::INFINITY], [f64::NAN, 0.0]];
    assert_eq!(
        Standardizer::fit(&x),
        Err(StandardizeError::NotFinite {
            sample: 1,
            feature: 1
        })
    );
    // Finite extremes stay finite.
    let huge = Standardizer::fit(&[[f32::MAX], [-f32::MAX]]).unwrap();
    assert_eq!((huge.mean, huge.std), ([0.0], [f32::MAX]));
}

// ---- State is never lost ----

#[test]
fn save_replaces_the_file_whole_instead_of_rewriting_it_in_place() {
    type Net = (Linear<3, 2>, Sigmoid);
    let dir = std::env::temp_dir().join(format!("constnet-save-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("net.cnet");
    let old = Net::init(&mut rng(1));
    old.save(&path).unwrap();
    // A reader that opened the old file (or a crash midway) must see the old bytes whole: with
    // a truncate-and-write in place, this handle would see the new bytes or a torn file.
    let mut reader = std::fs::File::open(&path).unwrap();
    let new = Net::init(&mut rng(2));
    new.save(&path).unwrap();
    let mut seen = Vec::new();
    std::io::Read::read_to_end(&mut reader, &mut seen).unwrap();
    assert_eq!(Net::from_bytes(&seen).unwrap(), old);
    assert_eq!(Net::load(&path).unwrap(), new);
    // Nothing is left beside it.
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["net.cnet"]);
    // A folder that does not exist is an error, and creates nothing.
    assert!(new.save(dir.join("missing/net.cnet")).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---- Generated source is valid Rust, or an error ----

#[test]
fn rust_source_names_must_be_identifiers_and_nan_payloads_survive() {
    use constnet::persist::{SourceError, to_rust_source};
    let mut net = (Linear::<1, 3, f32>::zeros(),);
    for bad in ["", "123", "a-b", "x;}", "NET\nfn evil() {}", "é", "_"] {
        assert_eq!(
            to_rust_source(&net, bad),
            Err(SourceError::NotAnIdentifier(bad.into())),
            "{bad:?}"
        );
    }
    for keyword in ["fn", "type", "self", "Self", "async", "gen"] {
        assert_eq!(
            to_rust_source(&net, keyword),
            Err(SourceError::Keyword(keyword.into()))
        );
    }
    assert!(to_rust_source(&net, "_private_2").is_ok());
    // A NaN with a payload of its own keeps its bits; the usual NaN reads as `NAN`.
    let payload = f32::from_bits(0x7fc0_1234);
    let negative = f32::from_bits(0xffc0_0000);
    net.0.w = [[payload, negative, f32::NAN]];
    let text = to_rust_source(&net, "NANS").unwrap();
    assert!(
        text.contains("[f32::from_bits(0x7fc01234), f32::from_bits(0xffc00000), f32::NAN]"),
        "{text}"
    );
}

type Tiny = (Linear<1, 1>,);

/// Data whose squared-loss gradient is about 2e20: finite in f32, but its square is not.
fn huge_gradient_data() -> ([[f32; 1]; 1], [[f32; 1]; 1]) {
    ([[1e10]], [[0.0]])
}

/// Ordinary data, `y = 2x`, and the loss of `net` on it.
fn good_data() -> (Vec<[f32; 1]>, Vec<[f32; 1]>) {
    let x: Vec<[f32; 1]> = (0..16).map(|i| [i as f32 / 16.0]).collect();
    let y = x.iter().map(|v| [2.0 * v[0]]).collect();
    (x, y)
}

/// Trains on `bad` data until it diverges, then checks that the weights came back, the
/// optimizer forgot its steps, and that the same optimizer then trains on good data.
fn diverges_then_recovers<O: constnet::optim::Optimizer<f32, Tiny>>(
    name: &str,
    optimizer: &mut O,
    (bad_x, bad_y): (&[[f32; 1]], &[[f32; 1]]),
    make_sane: impl FnOnce(&mut O),
) {
    let start = (Linear::<1, 1> {
        w: [[1.0]],
        w0: [0.0],
    },);
    let mut net = start.clone();
    let error =
        Trainer::new(Squared, &mut *optimizer)
            .epochs(3)
            .fit(&mut net, bad_x, bad_y, &mut rng(1));
    assert!(
        matches!(error, Err(TrainError::Diverged { .. })),
        "{name}: {error:?} on a step that overflowed"
    );
    assert_eq!(
        net, start,
        "{name}: the weights of the last finite step come back"
    );
    assert_eq!(optimizer.steps(), 0, "{name}: the optimizer starts afresh");
    make_sane(optimizer);
    let (x, y) = good_data();
    let before = evaluate(&net, &Squared, &x, &y).unwrap().loss;
    Trainer::new(Squared, &mut *optimizer)
        .epochs(20)
        .reduction(Reduction::Mean)
        .fit(&mut net, &x, &y, &mut rng(2))
        .unwrap_or_else(|e| panic!("{name}: the next fit fails: {e}"));
    let after = evaluate(&net, &Squared, &x, &y).unwrap().loss;
    assert!(
        after < 0.5 * before,
        "{name}: loss {before} -> {after} after recovering"
    );
}

#[test]
fn after_divergence_every_optimizer_trains_again() {
    use constnet::optim::Momentum;
    let ([one], [zero]) = ([[1.0f32]], [[0.0f32]]);
    // A step size so large that the update overflows the weights.
    let mut sgd = Sgd::new(f32::MAX);
    diverges_then_recovers("sgd", &mut sgd, (&[one], &[zero]), |o| o.step_size = 0.1);
    let mut momentum = Momentum::new(f32::MAX);
    diverges_then_recovers("momentum", &mut momentum, (&[one], &[zero]), |o| {
        o.step_size = 0.05
    });
    // A gradient whose square overflows the running averages, with a sane step size.
    let (x, y) = huge_gradient_data();
    let mut adadelta = Adadelta::new(0.05f32);
    diverges_then_recovers("adadelta", &mut adadelta, (&x, &y), |_| {});
    let mut adam = Adam::new(0.05f32);
    diverges_then_recovers("adam", &mut adam, (&x, &y), |_| {});
    let mut decayed = WeightDecay::new(Adam::new(0.05f32), 1e-4);
    diverges_then_recovers("adam with weight decay", &mut decayed, (&x, &y), |_| {});
}

// ---- Held-out losses are the losses training computes ----

#[test]
fn held_out_nll_and_nllm_are_computed_from_the_logits() {
    use constnet::loss::FusedLoss;
    // One input, weights that put the logits where we want them: z = w x + w0 with x = 1.
    for z in [-80.0f32, -30.0, -5.0, 0.0, 5.0, 30.0, 80.0] {
        let net = (
            Linear::<1, 1> {
                w: [[z]],
                w0: [0.0],
            },
            Sigmoid,
        );
        for y in [0.0f32, 1.0] {
            let held_out = evaluate(&net, &Nll, &[[1.0]], &[[y]]).unwrap().loss;
            let training = Nll.value_from_logits(&[z], &[y]);
            assert!(
                (held_out - training).abs() <= 1e-6 * training.abs().max(1.0),
                "NLL at z = {z}, y = {y}: held out {held_out}, training {training}"
            );
        }
        let net = (
            Linear::<1, 2> {
                w: [[0.0, z]],
                w0: [0.0, 0.0],
            },
            Softmax,
        );
        let y = [1.0f32, 0.0];
        let held_out = evaluate(&net, &Nllm, &[[1.0]], &[y]).unwrap().loss;
        let training = Nllm.value_from_logits(&[0.0, z], &y);
        assert!(
            (held_out - training).abs() <= 1e-6 * training.abs().max(1.0),
            "NLLM at z = {z}: held out {held_out}, training {training}"
        );
    }
    // The case the clamp got wrong: a confident wrong guess at z = 30 costs 30, not 87.3.
    let net = (
        Linear::<1, 1> {
            w: [[30.0]],
            w0: [0.0],
        },
        Sigmoid,
    );
    let loss = evaluate(&net, &Nll, &[[1.0]], &[[0.0]]).unwrap().loss;
    assert!((loss - 30.0).abs() < 1e-4, "{loss}");
}

#[test]
fn the_unfused_gradients_stay_finite_where_outputs_saturate() {
    let nllm = Loss::grad(&Nllm, &[0.0f32, 1.0], &[1.0, 0.0]);
    assert!(nllm.iter().all(|g| g.is_finite()), "{nllm:?}");
    for a in [0.0f32, 1.0] {
        for y in [0.0f32, 1.0] {
            let g = Loss::grad(&Nll, &[a], &[y])[0];
            assert!(g.is_finite(), "NLL grad at a = {a}, y = {y}: {g}");
        }
    }
    // Inside the documented range the unfused gradient is the exact one: at z = 10 in f32.
    let a = 1.0 / (1.0 + (-10.0f32).exp());
    let g = Loss::grad(&Nll, &[a], &[0.0])[0];
    let exact = 1.0 / (1.0 - a);
    assert!((g - exact).abs() <= 1e-3 * exact, "{g} vs {exact}");
}

#[test]
fn a_negative_batch_norm_deviation_or_variance_is_refused_when_it_loads() {
    use constnet::persist::{ImportError, Safetensors};
    type Net = (Linear<2, 2>, BatchNorm<2>, Sigmoid);
    let mut net = Net::init(&mut rng(3));
    net.1.sigma = [0.5, -0.25];
    let bytes = net.to_byte_vec();
    let index = 2 * 2 + 2 + 2 + 2 + 2 + 1; // W, W0, G, B, mean, then sigma[1]
    assert_eq!(
        Net::from_bytes(&bytes),
        Err(LoadError::InvalidValue {
            index,
            tensor: "sigma"
        })
    );
    let mut target = Net::init(&mut rng(4));
    let before = target.clone();
    assert!(
        target
            .load_bytes(&bytes, constnet::persist::NonFinite::Accept)
            .is_err()
    );
    assert_eq!(target, before, "nothing loaded");

    // The same from PyTorch: a negative running variance.
    let file = official_safetensors(&[
        ("0.weight", vec![2, 2], vec![1.0f32, 0.0, 0.0, 1.0]),
        ("0.bias", vec![2], vec![0.0, 0.0]),
        ("1.weight", vec![2], vec![1.0, 1.0]),
        ("1.bias", vec![2], vec![0.0, 0.0]),
        ("1.running_mean", vec![2], vec![0.0, 0.0]),
        ("1.running_var", vec![2], vec![1.0, -4.0]),
    ]);
    assert_eq!(
        Safetensors::parse(&file).unwrap().load::<f32, Net>().err(),
        Some(ImportError::InvalidValue {
            layer: 1,
            field: "running_var",
            index: 1
        })
    );
}

#[test]
fn a_safetensors_prefix_longer_than_64_bytes_finds_its_tensors() {
    use constnet::persist::Safetensors;
    let prefix = "model.encoder.stack_of_layers_that_is_named_at_length.sequential.";
    assert!(prefix.len() > 64);
    let weight = format!("{prefix}0.weight");
    let bias = format!("{prefix}0.bias");
    let file = official_safetensors(&[
        (weight.as_str(), vec![1, 2], vec![0.5f32, -1.0]),
        (bias.as_str(), vec![1], vec![0.25]),
    ]);
    let net: (Linear<2, 1>, Sigmoid) = Safetensors::parse(&file)
        .unwrap()
        .with_prefix(prefix)
        .load()
        .unwrap();
    assert_eq!((net.0.w, net.0.w0), ([[0.5], [-1.0]], [0.25]));
}

#[test]
fn early_stopping_that_diverges_returns_its_best_weights_and_curve() {
    use constnet::optim::FnSchedule;
    use constnet::train::EarlyStopping;
    let (x, y) = good_data();
    let (vx, vy) = (x[1..].to_vec(), y[1..].to_vec());
    let mut net = (Linear::<1, 1> {
        w: [[0.0]],
        w0: [0.0],
    },);
    // A sane step for 40 steps (10 epochs of 4 batches), then one that overflows.
    let mut sgd = Sgd::new(FnSchedule(
        |t: usize| if t <= 40 { 0.1f32 } else { f32::MAX },
    ));
    let error = Trainer::new(Squared, &mut sgd)
        .batch_size::<4>()
        .epochs(50)
        .reduction(Reduction::Mean)
        .fit_early_stopping(&mut net, &x, &y, &mut rng(9), EarlyStopping::new(&vx, &vy))
        .unwrap_err();
    assert!(
        matches!(error.error, TrainError::Diverged { epoch: 11, .. }),
        "{error}"
    );
    let report = &error.report;
    assert_eq!(report.curve.len(), 11, "check 0 and one per finished epoch");
    let best = report.best().unwrap();
    assert!(
        best.epoch >= 5,
        "training improved before it diverged: {best:?}"
    );
    // The net holds the best check's weights, not the last finite ones.
    assert_eq!(
        evaluate(&net, &Squared, &vx, &vy).unwrap().loss,
        best.validation.loss
    );
    // It still converts into a TrainError with `?`.
    let as_train_error: TrainError = error.into();
    assert!(matches!(as_train_error, TrainError::Diverged { .. }));
}

// ---- A net that cannot run cannot be made, saved or loaded ----
// (Compile-time checks: `Layers::zeroed`, `WeightFile::from_bytes` and `Safetensors::load_into`
// carry `compile_fail` examples of a net whose widths do not line up. Here, the same bound
// holds for every net that does, activations alone included.)

#[test]
fn every_net_that_lines_up_can_be_zeroed_and_loaded() {
    fn lines_up<N: constnet::network::LinesUp>() {}
    lines_up::<(Linear<4, 8>, ReLU, Linear<8, 3>)>();
    lines_up::<(ReLU, Softmax)>();
    lines_up::<Dropout<20>>();
    lines_up::<(
        (Linear<2, 3, f64>, Tanh),
        (BatchNorm<3, f64>, Linear<3, 1, f64>),
    )>();
    let zeroed = <(Sigmoid, Tanh)>::zeroed();
    assert_eq!(zeroed, (Sigmoid, Tanh));
}

// ---- Safetensors files read exactly as the official reader reads them ----

/// A safetensors file: the header text (padded with spaces to a multiple of 8, as writers
/// do) and `data` bytes after it.
fn raw_file(header: &str, data: usize) -> Vec<u8> {
    let mut text = header.to_string();
    while !text.len().is_multiple_of(8) {
        text.push(' ');
    }
    let mut file = (text.len() as u64).to_le_bytes().to_vec();
    file.extend_from_slice(text.as_bytes());
    file.extend((0..data).map(|i| (i * 7 % 251) as u8));
    file
}

#[test]
fn safetensors_files_are_accepted_exactly_when_the_official_reader_accepts_them() {
    use constnet::persist::{ImportError, Safetensors};
    let entry = |name: &str, offsets: &str| {
        format!(r#""{name}":{{"dtype":"F32","shape":[2],"data_offsets":[{offsets}]}}"#)
    };
    let cases: Vec<(&str, String, usize)> = vec![
        (
            "valid",
            format!("{{{},{}}}", entry("a", "0,8"), entry("b", "8,16")),
            16,
        ),
        (
            "valid, listed out of order",
            format!("{{{},{}}}", entry("b", "8,16"), entry("a", "0,8")),
            16,
        ),
        (
            "overlapping data",
            format!("{{{},{}}}", entry("a", "0,8"), entry("b", "4,12")),
            12,
        ),
        (
            "a gap",
            format!("{{{},{}}}", entry("a", "0,8"), entry("b", "12,20")),
            20,
        ),
        ("trailing bytes", format!("{{{}}}", entry("a", "0,8")), 12),
        (
            "not starting at 0",
            format!("{{{}}}", entry("a", "4,12")),
            12,
        ),
        (
            "an invalid escape",
            r#"{"a\q":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#.into(),
            4,
        ),
        (
            "a lone surrogate",
            r#"{"a\ud800":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#.into(),
            4,
        ),
        (
            "a number with a leading zero",
            r#"{"a":{"dtype":"F32","shape":[01],"data_offsets":[0,4]}}"#.into(),
            4,
        ),
        (
            "a fractional shape",
            r#"{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}"#.into(),
            4,
        ),
        (
            "metadata not an object",
            r#"{"__metadata__":[1],"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#.into(),
            4,
        ),
        (
            "metadata of numbers",
            r#"{"__metadata__":{"x":1}}"#.into(),
            0,
        ),
        (
            "metadata twice",
            r#"{"__metadata__":{},"__metadata__":{}}"#.into(),
            0,
        ),
        ("metadata null", r#"{"__metadata__":null}"#.into(), 0),
        (
            "metadata of strings",
            r#"{"__metadata__":{"format":"pt"}}"#.into(),
            0,
        ),
        (
            "an unknown dtype",
            r#"{"a":{"dtype":"F31","shape":[1],"data_offsets":[0,4]}}"#.into(),
            4,
        ),
        (
            "a known dtype it does not load",
            r#"{"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#.into(),
            8,
        ),
        (
            "half a byte",
            r#"{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,1]}}"#.into(),
            1,
        ),
        (
            "a field twice",
            r#"{"a":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#.into(),
            4,
        ),
        (
            "an extra field",
            r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":[]}}"#.into(),
            4,
        ),
        (
            "an entry as an array",
            r#"{"a":["F32",[1],[0,4]]}"#.into(),
            4,
        ),
        ("an empty header", "{}".into(), 0),
        ("not an object", "[]".into(), 0),
    ];
    for (what, header, data) in cases {
        let file = raw_file(&header, data);
        let official = safetensors::SafeTensors::deserialize(&file).is_ok();
        let ours = Safetensors::parse(&file);
        assert_eq!(ours.is_ok(), official, "{what}: ours {:?}", ours.err());
    }
    // Duplicate names: the official reader keeps the last silently (here an F16 reading of
    // the F32 bytes); here they are an error.
    let header = format!(
        r#"{{{},"a":{{"dtype":"F16","shape":[4],"data_offsets":[0,8]}}}}"#,
        entry("a", "0,8")
    );
    let file = raw_file(&header, 8);
    assert!(safetensors::SafeTensors::deserialize(&file).is_ok());
    assert!(matches!(
        Safetensors::parse(&file),
        Err(ImportError::DuplicateTensor { name }) if name.as_str() == "a"
    ));
    // Too large a header is refused before anything is read.
    let mut huge = 100_000_001u64.to_le_bytes().to_vec();
    huge.extend_from_slice(b"{}");
    assert!(matches!(
        Safetensors::parse(&huge),
        Err(ImportError::HeaderTooLarge { .. })
    ));
}

#[test]
fn f16_and_bf16_tensors_load_exactly_and_non_finite_values_can_be_refused() {
    use constnet::persist::{ImportError, NonFinite, Safetensors};
    // 1.5, -2^-24 (the smallest subnormal), 65504 (the largest f16) and 0.333 in f16; bf16 of
    // 1.5 and -3.0.
    let f16: [u16; 4] = [0x3e00, 0x8001, 0x7bff, 0x3555];
    let bf16: [u16; 2] = [0x3fc0, 0xc040];
    let header = r#"{"0.weight":{"dtype":"F16","shape":[4,1],"data_offsets":[0,8]},"0.bias":{"dtype":"BF16","shape":[2],"data_offsets":[8,12]}}"#;
    let mut file = raw_file(header, 0);
    for v in f16.iter().chain(&bf16) {
        file.extend_from_slice(&v.to_le_bytes());
    }
    // Linear<1, 4> reads a 4 x 1 weight; pad the bias to 4 with another file below.
    type Net = (Linear<1, 4>,);
    let header4 = header.replace(
        r#""shape":[2],"data_offsets":[8,12]"#,
        r#""shape":[4],"data_offsets":[8,16]"#,
    );
    let mut file4 = raw_file(&header4, 0);
    for v in f16.iter().chain(&bf16).chain(&bf16) {
        file4.extend_from_slice(&v.to_le_bytes());
    }
    let net: Net = Safetensors::parse(&file4).unwrap().load().unwrap();
    assert_eq!(net.0.w, [[1.5, -(2.0f32.powi(-24)), 65504.0, 0.33325195]]);
    assert_eq!(net.0.w0, [1.5, -3.0, 1.5, -3.0]);
    assert!(Safetensors::parse(&file).is_ok());
    // An f16 infinity is refused when asked.
    let inf: [u16; 8] = [0x7c00, 0, 0, 0, 0, 0, 0, 0];
    let mut bad = raw_file(&header4, 0);
    for v in inf {
        bad.extend_from_slice(&v.to_le_bytes());
    }
    let file = Safetensors::parse(&bad).unwrap();
    assert!(file.load::<f32, Net>().unwrap().0.w[0][0].is_infinite());
    assert_eq!(
        file.non_finite(NonFinite::Reject).load::<f32, Net>().err(),
        Some(ImportError::NotFinite {
            layer: 0,
            field: "weight",
            index: 0
        })
    );
}

#[test]
fn a_batch_too_large_for_the_stack_is_an_error_not_an_abort() {
    // 4096 samples of 784 inputs are 12.8 MB: this used to overflow the stack and abort.
    type Net = (Linear<784, 16>, ReLU, Linear<16, 10>, Softmax);
    let mut net = Net::init_boxed(&mut rng(1));
    let x = vec![[0.5f32; 784]; 8];
    let y = vec![[0.1f32; 10]; 8];
    let mut sgd = Sgd::new(0.1f32);
    let error = Trainer::new(Nllm, &mut sgd)
        .batch_size::<4096>()
        .fit(&mut *net, &x, &y, &mut rng(2))
        .unwrap_err();
    let needed = constnet::Footprint::of::<Net, [f32; 784], 4096>().batch;
    assert!(needed > 12_000_000);
    assert_eq!(
        error,
        TrainError::BatchTooLarge {
            needed,
            limit: constnet::train::DEFAULT_STACK_LIMIT
        }
    );
}
