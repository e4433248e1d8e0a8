//! The weight file: round trips, the typed error for every malformed input, a sweep of
//! thousands of corrupted and truncated files, and a file committed under `tests/fixtures/` that
//! pins the format.

mod common;

use common::rng;
use constnet::persist::{LoadError, NonFinite, WeightFile};
use constnet::prelude::*;
use rand::RngExt;

/// Every kind of layer, a nested block and a one-element tuple.
type Net = (
    Linear<3, 5>,
    BatchNorm<5>,
    ReLU,
    Dropout<20>,
    (Linear<5, 4>, (Tanh,)),
    Linear<4, 2>,
    Softmax,
);

/// The same layers, flat.
type FlatNet = (
    Linear<3, 5>,
    BatchNorm<5>,
    ReLU,
    Dropout<20>,
    Linear<5, 4>,
    Tanh,
    Linear<4, 2>,
    Softmax,
);

fn trained_net() -> Net {
    let mut r = rng(70);
    let mut net = Net::init(&mut r);
    // Batch norm state as training leaves it: not its initial values.
    net.1.g = [1.5, 0.5, -1.0, 2.0, 0.25];
    net.1.b = [0.1, 0.2, 0.3, 0.4, 0.5];
    net.1.mean = [-1.0, 0.0, 1.0, 2.0, 3.0];
    net.1.sigma = [0.5, 1.0, 1.5, 2.0, 2.5];
    net.1.gamma = 0.8;
    net.1.eps = 1e-3;
    net
}

fn file(net: &Net) -> Vec<u8> {
    let mut bytes = vec![0u8; Net::FILE_BYTES];
    assert_eq!(net.to_bytes(&mut bytes), Ok(Net::FILE_BYTES));
    bytes
}

#[test]
fn a_net_survives_the_round_trip_bit_for_bit() {
    let net = trained_net();
    let bytes = file(&net);
    // Header, the table of 8 layers, 3*5+5 + 4*5+2 (batch norm) + 5*4+4 + 4*2+2 values,
    // checksum.
    assert_eq!(Net::FILE_BYTES, 32 + 8 * 40 + 4 * (20 + 22 + 24 + 10) + 4);
    assert_eq!(bytes, net.to_byte_vec());
    let loaded = Net::from_bytes(&bytes).unwrap();
    assert_eq!(loaded, net);
    let x = [0.3, -1.2, 2.0];
    assert_eq!(loaded.forward(&x), net.forward(&x));

    // f64 nets too.
    type Wide = (Linear<2, 3, f64>, Sigmoid, Linear<3, 1, f64>);
    let wide = Wide::init(&mut rng(71));
    assert_eq!(Wide::from_bytes(&wide.to_byte_vec()).unwrap(), wide);
}

#[test]
fn nesting_does_not_change_the_file() {
    let net = trained_net();
    let flat = FlatNet::from_bytes(&file(&net)).unwrap();
    assert_eq!(flat.shape_signature(), net.shape_signature());
    assert_eq!(flat.to_byte_vec(), file(&net));
    assert_eq!(
        flat.forward(&[1.0, 2.0, 3.0]),
        net.forward(&[1.0, 2.0, 3.0])
    );
}

#[test]
fn a_buffer_too_small_is_an_error() {
    let mut small = [0u8; 10];
    assert_eq!(
        trained_net().to_bytes(&mut small),
        Err(constnet::persist::SaveError::BufferTooSmall {
            needed: Net::FILE_BYTES,
            len: 10
        })
    );
    // A larger buffer takes the file at its start.
    let mut large = vec![0xAAu8; Net::FILE_BYTES + 7];
    assert_eq!(trained_net().to_bytes(&mut large), Ok(Net::FILE_BYTES));
    assert!(Net::from_bytes(&large[..Net::FILE_BYTES]).is_ok());
}

/// Recomputes the checksum after a deliberate header change, so the header check is what
/// fails.
fn reseal(bytes: &mut [u8]) {
    let n = bytes.len();
    let mut h = crc32fast_reference(&bytes[..n - 4]);
    h = h.to_le();
    bytes[n - 4..].copy_from_slice(&h.to_le_bytes());
}

/// A plain bitwise CRC-32, independent of the library's table-driven one.
fn crc32fast_reference(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn the_checksum_is_crc32_of_the_contents() {
    let bytes = file(&trained_net());
    let n = bytes.len();
    let stored = u32::from_le_bytes(bytes[n - 4..].try_into().unwrap());
    assert_eq!(stored, crc32fast_reference(&bytes[..n - 4]));
}

#[test]
fn every_malformed_file_gets_its_own_error_and_the_net_is_unchanged() {
    let original = trained_net();
    let good = file(&original);
    let mut net = Net::init(&mut rng(72));
    let before = net.clone();
    let mut expect = |bytes: &[u8], error: LoadError| {
        assert_eq!(net.load_bytes(bytes, NonFinite::Accept), Err(error));
        assert_eq!(net, before, "a failed load changed the net ({error})");
        assert!(!error.to_string().is_empty());
    };

    let mut bad = good.clone();
    bad[0] = b'X';
    expect(&bad, LoadError::BadMagic);
    expect(b"PK\x03\x04", LoadError::BadMagic);
    expect(
        b"",
        LoadError::Truncated {
            expected: Net::FILE_BYTES,
            found: 0,
        },
    );
    expect(
        b"CNE",
        LoadError::Truncated {
            expected: Net::FILE_BYTES,
            found: 3,
        },
    );

    let mut bad = good.clone();
    bad[4] = 3;
    reseal(&mut bad);
    expect(&bad, LoadError::UnsupportedVersion { found: 3 });

    let mut bad = good.clone();
    bad[6] = 8;
    reseal(&mut bad);
    expect(
        &bad,
        LoadError::WrongScalar {
            expected: "f32",
            found: 8,
        },
    );

    type Other = (
        Linear<3, 5>,
        BatchNorm<5>,
        ReLU,
        Dropout<30>,
        Linear<5, 4>,
        Tanh,
        Linear<4, 2>,
        Softmax,
    );
    let other = Other::init(&mut rng(73));
    let (expected, found) = (original.shape_signature(), other.shape_signature());
    assert_ne!(expected, found, "another dropout rate is another shape");
    // The file lists its layers: the error names the one that differs, with both kinds.
    let mut probe = before.clone();
    let mismatch = probe
        .load_bytes(&other.to_byte_vec(), NonFinite::Accept)
        .unwrap_err();
    let LoadError::LayerMismatch {
        layer: 3,
        expected: ours,
        found: theirs,
    } = mismatch
    else {
        panic!("{mismatch:?}")
    };
    assert_eq!(
        (ours.to_string(), theirs.to_string()),
        ("Dropout<20>".into(), "Dropout<30>".into())
    );
    assert_eq!(
        mismatch.to_string(),
        "the weight file was saved from another network: its layer 3 is Dropout<30>, this \
         network's is Dropout<20>"
    );
    assert_eq!(probe, before);
    let wider = <(Linear<3, 6>, ReLU)>::init(&mut rng(74));
    let mismatch = probe
        .load_bytes(&wider.to_byte_vec(), NonFinite::Accept)
        .unwrap_err();
    assert!(
        mismatch
            .to_string()
            .contains("its layer 0 is Linear<3, 6>, this network's is Linear<3, 5>"),
        "{mismatch}"
    );
    // One layer more, the rest the same.
    let mut longer = <(FlatNet, Linear<2, 2>)>::init(&mut rng(75));
    assert_eq!(
        longer.load_bytes(&good, NonFinite::Accept),
        Err(LoadError::LayerCountMismatch {
            expected: 9,
            found: 8
        })
    );
    // A version 1 file has no table: the signatures are all it can compare.
    static V1: &[u8] = include_bytes!("fixtures/weights_v1.cnet");
    assert_eq!(
        other.clone().load_bytes(V1, NonFinite::Accept),
        Err(LoadError::ShapeMismatch {
            expected: found,
            found: expected,
        })
    );

    // The signature matches but the table does not (its bytes changed, the checksum made to
    // match): the file is refused, so what loads saves back to the same bytes.
    let mut bad = good.clone();
    bad[32] = b'M'; // "Linear" -> "Minear" in layer 0's entry
    reseal(&mut bad);
    let error = before
        .clone()
        .load_bytes(&bad, NonFinite::Accept)
        .unwrap_err();
    assert!(
        matches!(error, LoadError::LayerMismatch { layer: 0, .. }),
        "{error:?}"
    );

    // A metadata length that runs past any file: truncated, with no overflow on any target.
    let mut bad = good.clone();
    bad[28..32].copy_from_slice(&u32::MAX.to_le_bytes());
    reseal(&mut bad);
    assert!(matches!(
        before.clone().load_bytes(&bad, NonFinite::Accept),
        Err(LoadError::Truncated { .. })
    ));

    let mut bad = good.clone();
    bad[16] ^= 1;
    reseal(&mut bad);
    expect(
        &bad,
        LoadError::CountMismatch {
            expected: 76,
            found: 77,
        },
    );

    expect(
        &good[..good.len() - 1],
        LoadError::Truncated {
            expected: good.len(),
            found: good.len() - 1,
        },
    );
    let mut long = good.clone();
    long.push(0);
    expect(
        &long,
        LoadError::TrailingBytes {
            expected: good.len(),
            found: good.len() + 1,
        },
    );

    let mut bad = good.clone();
    bad[40] ^= 0x10;
    let stored = u32::from_le_bytes(bad[bad.len() - 4..].try_into().unwrap());
    let computed = crc32fast_reference(&bad[..bad.len() - 4]);
    expect(&bad, LoadError::ChecksumMismatch { stored, computed });
}

#[test]
fn non_finite_weights_load_only_when_accepted() {
    let mut net = trained_net();
    net.4.0.w[2][1] = f32::NAN;
    net.5.w0[1] = f32::INFINITY;
    let bytes = file(&net);
    let mut target = trained_net();
    let before = target.clone();
    // The NaN is value 20 (Linear<3, 5>) + 22 (BatchNorm<5>) + 2 * 4 + 1 = 51.
    assert_eq!(
        target.load_bytes(&bytes, NonFinite::Reject),
        Err(LoadError::NotFinite { index: 51 })
    );
    assert_eq!(target, before);
    let loaded = Net::from_bytes(&bytes).unwrap();
    assert!(loaded.4.0.w[2][1].is_nan() && loaded.5.w0[1].is_infinite());
}

#[test]
fn thousands_of_corrupted_files_are_rejected_without_a_panic() {
    let good = file(&trained_net());
    let mut net = trained_net();
    let before = net.clone();
    // Every truncation.
    for len in 0..good.len() {
        assert!(
            net.load_bytes(&good[..len], NonFinite::Accept).is_err(),
            "prefix {len}"
        );
    }
    // Every single-byte change is caught (CRC-32 detects every burst of up to 32 bits).
    for at in 0..good.len() {
        for flip in [0x01u8, 0x80, 0xFF] {
            let mut bad = good.clone();
            bad[at] ^= flip;
            assert!(
                net.load_bytes(&bad, NonFinite::Accept).is_err(),
                "byte {at} ^ {flip:#x}"
            );
        }
    }
    // Random damage: several bytes overwritten, cut or extended, and plain noise.
    let mut r = rng(74);
    for round in 0..5000 {
        let mut bad = good.clone();
        match round % 4 {
            0 => {
                for _ in 0..r.random_range(2..8) {
                    let at = r.random_range(0..bad.len());
                    bad[at] = r.random();
                }
            }
            1 => bad.truncate(r.random_range(0..good.len())),
            2 => bad.extend((0..r.random_range(1..64)).map(|_| r.random::<u8>())),
            _ => {
                bad = (0..r.random_range(0..2 * good.len()))
                    .map(|_| r.random())
                    .collect()
            }
        }
        if bad != good {
            assert!(
                net.load_bytes(&bad, NonFinite::Reject).is_err(),
                "round {round}"
            );
        }
    }
    assert_eq!(net, before);
}

/// `tests/fixtures/weights.cnet` was written by this test (run with `UPDATE_FIXTURES=1` to
/// rewrite it) and is committed: loading it through `include_bytes!` proves a firmware can
/// carry its net in flash, and its bytes pin the format. `weights_v1.cnet` is the same net in
/// format version 1, written before the layer table and the metadata existed: it still loads.
#[test]
fn a_committed_file_loads_from_include_bytes() {
    static WEIGHTS: &[u8] = include_bytes!("fixtures/weights.cnet");
    static WEIGHTS_V1: &[u8] = include_bytes!("fixtures/weights_v1.cnet");
    let net = trained_net();
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write("tests/fixtures/weights.cnet", file(&net)).unwrap();
    }
    assert_eq!(Net::from_bytes(WEIGHTS).unwrap(), net);
    assert_eq!(
        WEIGHTS,
        file(&net).as_slice(),
        "the format changed: bump its version"
    );
    assert_eq!(&WEIGHTS_V1[4..6], &[1, 0]);
    assert_eq!(Net::from_bytes(WEIGHTS_V1).unwrap(), net);
    let (_, none) = Net::from_bytes_with::<3>(WEIGHTS_V1).unwrap();
    assert!(none.is_empty());
}

/// The standardizer and class names saved with a net come back exactly, read in place; the
/// file without them is the plain one; damage in them is a typed error.
#[test]
fn preprocessing_is_saved_with_the_net() {
    use constnet::data::Standardizer;
    use constnet::persist::{ClassNames, Preprocessing};
    let net = trained_net();
    let names = ["setosa", "versicolor"];
    let standardizer = Standardizer::fit(&[[1.0f32, 10.0, -3.0], [3.0, 30.0, -1.0]]).unwrap();
    let saved = Preprocessing {
        standardizer: Some(standardizer),
        class_names: ClassNames::new(&names),
    };
    let bytes = net.to_byte_vec_with(&saved);
    // 5-byte records: the standardizer's width and 2 x 3 values, then the count and 2 names.
    let metadata = (5 + 4 + 24) + (5 + 4 + (4 + 6) + (4 + 10));
    assert_eq!(bytes.len(), Net::FILE_BYTES + metadata);
    assert_eq!(bytes.len(), Net::file_bytes_with(&saved));
    let (loaded, read) = Net::from_bytes_with::<3>(&bytes).unwrap();
    assert_eq!(loaded, net);
    assert_eq!(read, saved);
    assert_eq!(read.class_name(1), Some("versicolor"));
    assert_eq!(read.class_name(2), None);
    assert_eq!(read.apply(&[2.0, 20.0, -2.0]), [0.0, 0.0, 0.0]);
    let mut buffer = vec![0u8; bytes.len()];
    assert_eq!(net.to_bytes_with(&saved, &mut buffer), Ok(bytes.len()));
    assert_eq!(buffer, bytes);

    // A standardizer for another width is an error, not a silent misfit.
    assert_eq!(
        net.preprocessing::<4>(&bytes),
        Err(LoadError::PreprocessingWidth {
            expected: 4,
            found: 3
        })
    );
    // Without preprocessing: the plain file, and nothing read back.
    let plain = net.to_byte_vec_with::<3>(&Preprocessing::default());
    assert_eq!(plain, file(&net));
    assert!(net.preprocessing::<3>(&plain).unwrap().is_empty());

    // Damage inside the metadata, with the checksum made to match, is `BadMetadata`.
    let at = Net::FILE_BYTES - 4;
    let mut bad = bytes.clone();
    bad[at + 1] = 0xFF; // the first record claims more bytes than there are
    reseal(&mut bad);
    assert_eq!(
        net.preprocessing::<3>(&bad),
        Err(LoadError::BadMetadata { offset: at })
    );
    let mut bad = bytes.clone();
    let name = bad.len() - 4 - 10;
    bad[name] = 0xFF; // not UTF-8
    reseal(&mut bad);
    assert!(matches!(
        net.preprocessing::<3>(&bad),
        Err(LoadError::BadMetadata { .. })
    ));
    // A record of a tag this version does not know is skipped.
    let mut later = file(&net);
    let end = later.len() - 4;
    later.splice(end..end, [9, 2, 0, 0, 0, 0xAB, 0xCD]);
    later[28..32].copy_from_slice(&7u32.to_le_bytes());
    reseal(&mut later);
    assert!(net.preprocessing::<3>(&later).unwrap().is_empty());
    assert_eq!(Net::from_bytes(&later).unwrap(), net);
}

#[test]
fn save_and_load_a_path() {
    let net = trained_net();
    let dir = std::env::temp_dir().join(format!("constnet-weight-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("net.cnet");
    net.save(&path).unwrap();
    assert_eq!(Net::load(&path).unwrap(), net);
    std::fs::write(&path, b"not a weight file").unwrap();
    assert!(matches!(
        Net::load(&path),
        Err(constnet::persist::FileError::Format(LoadError::BadMagic))
    ));
    std::fs::remove_dir_all(&dir).unwrap();
    // A missing file is an I/O error that names the file, on loading and on saving.
    let missing = Net::load(&path).unwrap_err();
    assert!(
        matches!(&missing, constnet::persist::FileError::Io { path: p, .. } if *p == path),
        "{missing:?}"
    );
    assert!(missing.to_string().contains("net.cnet"), "{missing}");
    let unwritable = net.save(&path).unwrap_err();
    assert!(
        unwritable.to_string().contains(&*path.to_string_lossy()),
        "{unwritable}"
    );
}
