//! Export to PyTorch: a network as the safetensors file `safetensors.torch.save_file` writes
//! for the matching `nn.Sequential`, so `model.load_state_dict(load_file(path))` takes it.
//!
//! The names and layouts are the import's, read backwards from each tensor's [`Torch`]: layer
//! `k`'s tensors are `k.{name}`; a [`Torch::Transposed`] matrix is written `OUT x IN`; a
//! [`Torch::StdDevOfVariance`] is written as the variance `(sigma + eps)^2 - eps`; tensors
//! PyTorch does not keep ([`Torch::Absent`]) are left out; and each name a layer lists in
//! [`LayerInfo::torch_ignores`](crate::schema::LayerInfo::torch_ignores) (batch norm's
//! `num_batches_tracked`) is written as PyTorch's counter, an `I64` scalar 0, so a strict
//! `load_state_dict` finds every key it expects.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use super::metadata::{CLASS_NAMES, MEAN, STD};
use crate::Scalar;
use crate::network::LinesUp;
use crate::persist::Preprocessing;
use crate::schema::{Item, Persist, Torch};

/// The network as a safetensors file with PyTorch's `nn.Sequential` names and layouts (the
/// module documentation of [`persist`](crate::persist) gives the rules), `F32` or `F64` as the
/// network's scalar type. [`Safetensors::load`](super::Safetensors::load) reads it back.
///
/// ```
/// use constnet::persist::{Safetensors, to_safetensors};
/// use constnet::prelude::*;
///
/// type Net = (Linear<4, 8>, BatchNorm<8>, ReLU, Linear<8, 3>, Softmax);
/// let net = Net::init(&mut Pcg64Mcg::seed_from_u64(1));
/// let file = to_safetensors(&net);
/// // In Python:
/// //   model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(),
/// //                         nn.Linear(8, 3), nn.Softmax(dim=1))
/// //   model.load_state_dict(safetensors.torch.load_file("net.safetensors"))
/// let back: Net = Safetensors::parse(&file)?.load()?;
/// assert_eq!(back.0, net.0);
/// # Ok::<(), constnet::persist::ImportError>(())
/// ```
pub fn to_safetensors<T: Scalar, N: Persist<T> + LinesUp>(net: &N) -> Vec<u8> {
    to_safetensors_with::<T, N, 0>(net, &Preprocessing::default())
}

/// [`to_safetensors`], with the net's preprocessing in the file's `__metadata__` (which
/// `safetensors.torch.load_file` ignores and `safe_open(...).metadata()` shows):
/// `constnet.standardizer.mean` and `constnet.standardizer.std`, each the values separated by
/// commas, and `constnet.class_names`, a JSON array of strings.
/// [`Safetensors::preprocessing`](super::Safetensors::preprocessing) reads them back, also
/// from a file written in Python with
/// `save_file(state_dict, path, metadata={"constnet.class_names": json.dumps(names), ...})`.
///
/// ```
/// use constnet::data::Standardizer;
/// use constnet::persist::{ClassNames, Preprocessing, Safetensors, to_safetensors_with};
/// use constnet::prelude::*;
///
/// type Net = (Linear<2, 3>, Softmax);
/// let net = Net::init(&mut Pcg64Mcg::seed_from_u64(1));
/// let saved = Preprocessing {
///     standardizer: Some(Standardizer { mean: [5.8f32, 3.0], std: [0.8, 0.4] }),
///     class_names: ClassNames::new(&["setosa", "versicolor", "virginica"]),
/// };
/// let file = to_safetensors_with(&net, &saved);
/// let read = Safetensors::parse(&file)?.preprocessing::<f32, 2>()?;
/// assert_eq!(read, saved);
/// # Ok::<(), constnet::persist::ImportError>(())
/// ```
pub fn to_safetensors_with<T: Scalar, N: Persist<T> + LinesUp, const IN: usize>(
    net: &N,
    preprocessing: &Preprocessing<'_, T, IN>,
) -> Vec<u8> {
    let dtype = if T::BYTES == 8 { "F64" } else { "F32" };
    let mut header = String::from("{\"__metadata__\":{\"format\":\"pt\"");
    if let Some(standardizer) = &preprocessing.standardizer {
        for (key, values) in [(MEAN, &standardizer.mean), (STD, &standardizer.std)] {
            let _ = write!(header, ",\"{key}\":\"");
            for (i, value) in values.iter().enumerate() {
                // `Debug` writes the shortest decimal that reads back to the same bits.
                let _ = write!(header, "{}{value:?}", if i > 0 { "," } else { "" });
            }
            header.push('"');
        }
    }
    if !preprocessing.class_names.is_empty() {
        // A JSON array of JSON strings, itself written as a JSON string.
        let mut array = String::from("[");
        for (i, name) in preprocessing.class_names.iter().enumerate() {
            if i > 0 {
                array.push(',');
            }
            push_json_string(&mut array, name);
        }
        array.push(']');
        let _ = write!(header, ",\"{CLASS_NAMES}\":");
        push_json_string(&mut header, &array);
    }
    header.push('}');
    let mut data: Vec<u8> = Vec::new();
    let mut layer = 0usize;
    net.visit_items(&mut |item| match item {
        Item::Layer(info) => {
            layer += 1;
            for ignored in info.torch_ignores {
                open_entry(
                    &mut header,
                    format_args!("{}.{ignored}", layer - 1),
                    "I64",
                    &[],
                );
                let start = data.len();
                data.extend_from_slice(&0i64.to_le_bytes());
                let _ = write!(header, "{start},{}]}}", data.len());
            }
        }
        Item::Tensor(info, values) => {
            let Some(name) = info.torch.name() else {
                return;
            };
            let (dims, rank) = super::torch_shape(info);
            open_entry(
                &mut header,
                format_args!("{}.{name}", layer - 1),
                dtype,
                &dims[..rank],
            );
            let start = data.len();
            let mut push = |value: T| {
                let mut bytes = [0u8; 8];
                value.write_le(&mut bytes[..T::BYTES]);
                data.extend_from_slice(&bytes[..T::BYTES]);
            };
            match info.torch {
                Torch::Transposed(_) => {
                    // `W` is rows x columns (IN x OUT); PyTorch keeps columns x rows.
                    let (rows, columns) = match *info.dims {
                        [rows, columns] => (rows, columns),
                        _ => (values.len(), 1),
                    };
                    for j in 0..columns {
                        for i in 0..rows {
                            push(values[i * columns + j]);
                        }
                    }
                }
                Torch::StdDevOfVariance { eps, .. } => {
                    for &sigma in values {
                        let deviation = sigma.as_f64() + eps;
                        push(T::from_f64(deviation * deviation - eps));
                    }
                }
                _ => values.iter().for_each(|&v| push(v)),
            }
            let _ = write!(header, "{start},{}]}}", data.len());
        }
        _ => {}
    });
    header.push('}');
    // The tensors start 8-byte aligned, as the safetensors library writes them: the header is
    // padded with spaces.
    while header.len() % 8 != 0 {
        header.push(' ');
    }
    let mut file = Vec::with_capacity(8 + header.len() + data.len());
    file.extend_from_slice(&(header.len() as u64).to_le_bytes());
    file.extend_from_slice(header.as_bytes());
    file.extend_from_slice(&data);
    file
}

/// Writes a header entry up to its data offsets: `,"name":{"dtype":..,"shape":[..],"data_offsets":[`.
fn open_entry(header: &mut String, name: core::fmt::Arguments<'_>, dtype: &str, dims: &[usize]) {
    // Writing to a `String` cannot fail.
    let _ = write!(header, ",\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[");
    for (i, d) in dims.iter().enumerate() {
        let _ = write!(header, "{}{d}", if i > 0 { "," } else { "" });
    }
    header.push_str("],\"data_offsets\":[");
}

/// `text` as a JSON string literal, quotes included.
fn push_json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
