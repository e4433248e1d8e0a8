//! Import from PyTorch: the weights of an `nn.Sequential` saved with
//! `safetensors.torch.save_file(model.state_dict(), path)`.
//!
//! A safetensors file is an 8-byte little-endian header length, a JSON header mapping tensor
//! names to `{"dtype", "shape", "data_offsets"}`, and the tensors' bytes. The header is read in
//! place by hand, so import needs no heap and works under `no_std`.
//!
//! The `k`-th module of the `nn.Sequential` is the `k`-th layer of the network, counting
//! activations and dropout (which PyTorch stores nothing for) and flattening nested tuples:
//! - `Linear<IN, OUT>` reads `k.weight` (`OUT x IN`, PyTorch's layout, transposed into
//!   `W`, `IN x OUT`) and `k.bias` (`OUT`) into `W0`;
//! - `BatchNorm<N>` (PyTorch's `BatchNorm1d(N)`) reads `k.weight` into `G`, `k.bias` into `B`,
//!   `k.running_mean` into the running mean, and `k.running_var` into the running standard
//!   deviation as `sqrt(var + eps) - eps`, so that `sigma + eps` is exactly PyTorch's
//!   `sqrt(var + eps)` (this assumes PyTorch's `eps` equals the net's, `1e-5` in both by
//!   default); `k.num_batches_tracked` is ignored.
//!
//! Every tensor the network needs must be present with the right shape and a dtype that
//! converts exactly (`F32` into `f32` or `f64` nets, `F64` into `f64` nets), and every tensor
//! in the file must be one the network takes.

use core::fmt::{self, Write};

use super::json::{self, Str, SyntaxError, Value};
use super::{Layer, Persist};
use crate::Scalar;

/// A name from the file, held inline (no heap) for error messages: at most `N` bytes are
/// kept.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct InlineName<const N: usize> {
    bytes: [u8; N],
    len: u8,
    truncated: bool,
}

/// A tensor name from the file (up to 64 bytes kept).
pub type TensorName = InlineName<64>;

/// A dtype name from the file (up to 8 bytes kept).
pub type DtypeName = InlineName<8>;

impl<const N: usize> InlineName<N> {
    const CAPACITY: () = assert!(N <= u8::MAX as usize);

    fn new() -> Self {
        let () = Self::CAPACITY;
        Self {
            bytes: [0; N],
            len: 0,
            truncated: false,
        }
    }

    fn from_json(s: Str<'_>) -> Self {
        let mut name = Self::new();
        for c in s.chars() {
            let _ = name.write_char(c.unwrap_or(char::REPLACEMENT_CHARACTER));
        }
        name
    }

    /// The name (cut short, with `truncated()` true, if it was longer than `N` bytes).
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }

    /// `true` when the name was longer than what is kept.
    pub fn truncated(&self) -> bool {
        self.truncated
    }
}

impl<const N: usize> Write for InlineName<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            let mut buf = [0u8; 4];
            let encoded = c.encode_utf8(&mut buf).as_bytes();
            let at = usize::from(self.len);
            match self.bytes.get_mut(at..at + encoded.len()) {
                Some(slot) if !self.truncated => {
                    slot.copy_from_slice(encoded);
                    self.len += encoded.len() as u8;
                }
                _ => {
                    self.truncated = true;
                    return Err(fmt::Error);
                }
            }
        }
        Ok(())
    }
}

impl<const N: usize> fmt::Display for InlineName<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}{}`",
            self.as_str(),
            if self.truncated { "..." } else { "" }
        )
    }
}

impl<const N: usize> fmt::Debug for InlineName<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A tensor shape, for error messages: its rank and its first 4 dimensions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Shape {
    /// Number of dimensions.
    pub rank: usize,
    /// The first (up to) 4 dimensions.
    pub dims: [u64; 4],
}

impl Shape {
    fn of(dims: &[usize]) -> Self {
        let mut shape = Self {
            rank: dims.len(),
            dims: [0; 4],
        };
        for (slot, &d) in shape.dims.iter_mut().zip(dims) {
            *slot = d as u64;
        }
        shape
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('[')?;
        for (i, d) in self.dims.iter().take(self.rank.min(4)).enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{d}")?;
        }
        if self.rank > 4 {
            f.write_str(", ...")?;
        }
        f.write_char(']')
    }
}

/// Why a safetensors file could not be imported. The network is unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImportError {
    /// The file is shorter than its 8-byte header length, or than the header it announces.
    Truncated {
        /// Bytes needed.
        needed: u64,
        /// Bytes given.
        found: usize,
    },
    /// The header is not UTF-8 JSON with an object at the top.
    BadHeader {
        /// Byte offset of the problem within the JSON header.
        offset: usize,
    },
    /// A header entry lacks a string `dtype`, an integer array `shape` or a two-integer
    /// `data_offsets`.
    BadEntry {
        /// The entry's name.
        name: TensorName,
    },
    /// A tensor's data lies outside the file, or its size does not match its dtype and shape.
    BadOffsets {
        /// The tensor's name.
        name: TensorName,
    },
    /// The network needs a tensor the file does not have: `{prefix}{layer}.{field}`.
    MissingTensor {
        /// Index of the layer in the network (and of the module in the `nn.Sequential`).
        layer: usize,
        /// The tensor's field name (`weight`, `bias`, `running_mean`, `running_var`).
        field: &'static str,
    },
    /// The file has a tensor the network has no place for.
    UnexpectedTensor {
        /// The tensor's name.
        name: TensorName,
    },
    /// A tensor's dtype does not convert exactly to the network's scalar type.
    WrongDtype {
        /// Index of the layer.
        layer: usize,
        /// The tensor's field name.
        field: &'static str,
        /// The network's scalar type.
        expected: &'static str,
        /// The file's dtype.
        found: DtypeName,
    },
    /// A tensor's shape is not the one the network's layer needs.
    WrongShape {
        /// Index of the layer.
        layer: usize,
        /// The tensor's field name.
        field: &'static str,
        /// The shape the layer needs.
        expected: Shape,
        /// The file's shape.
        found: Shape,
    },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated { needed, found } => write!(
                f,
                "safetensors file truncated: {found} bytes, its header needs {needed}"
            ),
            Self::BadHeader { offset } => {
                write!(f, "safetensors header is not valid JSON (at byte {offset})")
            }
            Self::BadEntry { name } => write!(
                f,
                "safetensors entry {name} lacks a dtype, a shape or two data offsets"
            ),
            Self::BadOffsets { name } => write!(
                f,
                "tensor {name}: its data lies outside the file or does not match its shape"
            ),
            Self::MissingTensor { layer, field } => write!(
                f,
                "layer {layer} of the network needs tensor `{layer}.{field}`, which the file lacks"
            ),
            Self::UnexpectedTensor { name } => write!(
                f,
                "the file has tensor {name}, which no layer of the network takes"
            ),
            Self::WrongDtype {
                layer,
                field,
                expected,
                found,
            } => write!(
                f,
                "tensor `{layer}.{field}` has dtype {found}, which does not convert exactly to \
                 {expected}"
            ),
            Self::WrongShape {
                layer,
                field,
                expected,
                found,
            } => write!(
                f,
                "tensor `{layer}.{field}` has shape {found}, layer {layer} of the network needs \
                 {expected}"
            ),
        }
    }
}

impl core::error::Error for ImportError {}

/// The element types this importer reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dtype {
    F32,
    F64,
}

impl Dtype {
    fn size(self) -> usize {
        match self {
            Dtype::F32 => 4,
            Dtype::F64 => 8,
        }
    }

    /// The `i`-th element of `data` as a `T`.
    fn read<T: Scalar>(self, data: &[u8], i: usize) -> T {
        let at = i * self.size();
        match self {
            Dtype::F32 => {
                let mut raw = [0u8; 4];
                raw.copy_from_slice(&data[at..at + 4]);
                T::from_f64(f64::from(f32::from_le_bytes(raw)))
            }
            Dtype::F64 => {
                let mut raw = [0u8; 8];
                raw.copy_from_slice(&data[at..at + 8]);
                T::from_f64(f64::from_le_bytes(raw))
            }
        }
    }
}

/// One tensor of the file, checked: its data has exactly `shape`'s element count.
#[derive(Clone, Copy)]
struct Tensor<'a> {
    dtype: Option<Dtype>,
    dtype_name: Str<'a>,
    shape: [usize; 4],
    rank: usize,
    data: &'a [u8],
}

/// A safetensors file, its header checked, ready to load into networks.
///
/// ```
/// use constnet::prelude::*;
/// use constnet::persist::Safetensors;
///
/// // What `safetensors.torch.save_file({"0.weight": w, "0.bias": b}, path)` writes for
/// // `nn.Sequential(nn.Linear(2, 1))` with w = [[0.5, -1.0]] and b = [0.25].
/// let header = br#"{"0.weight":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},"0.bias":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#;
/// let mut file = (header.len() as u64).to_le_bytes().to_vec();
/// file.extend_from_slice(header);
/// for v in [0.5f32, -1.0, 0.25] {
///     file.extend_from_slice(&v.to_le_bytes());
/// }
///
/// let net: (Linear<2, 1>, Sigmoid) = Safetensors::parse(&file)?.load()?;
/// assert_eq!(net.0.w, [[0.5], [-1.0]]);                // W is PyTorch's weight, transposed
/// assert_eq!(net.0.w0, [0.25]);
/// # Ok::<(), constnet::persist::ImportError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Safetensors<'a> {
    header: &'a [u8],
    data: &'a [u8],
    prefix: &'a str,
}

impl<'a> Safetensors<'a> {
    /// Reads the header of the safetensors file `bytes` and checks every entry: a known
    /// structure, data inside the file, and a size that matches its dtype and shape.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, ImportError> {
        let found = bytes.len();
        let Some(len_bytes) = bytes.get(..8) else {
            return Err(ImportError::Truncated { needed: 8, found });
        };
        let mut raw = [0u8; 8];
        raw.copy_from_slice(len_bytes);
        let header_len = u64::from_le_bytes(raw);
        let header = usize::try_from(header_len)
            .ok()
            .and_then(|len| bytes.get(8..8usize.checked_add(len)?))
            .ok_or(ImportError::Truncated {
                needed: header_len.saturating_add(8),
                found,
            })?;
        let data = &bytes[8 + header.len()..];
        if let Err(e) = core::str::from_utf8(header) {
            return Err(ImportError::BadHeader {
                offset: e.valid_up_to(),
            });
        }
        let bad_header = |e: SyntaxError| ImportError::BadHeader { offset: e.offset };
        let Value::Object(object) = json::parse(header).map_err(bad_header)? else {
            return Err(ImportError::BadHeader { offset: 0 });
        };
        let file = Self {
            header: object,
            data,
            prefix: "",
        };
        file.for_each_tensor(|_, _| Ok(()))?;
        Ok(file)
    }

    /// Tensor names start with `prefix` (say `"model."` for a state dict saved from a module
    /// that holds the `nn.Sequential` as `model`).
    pub fn with_prefix(mut self, prefix: &'a str) -> Self {
        self.prefix = prefix;
        self
    }

    /// A network of type `N` with the file's weights (see the module documentation for the
    /// names and layouts); batch norm's `gamma` and `eps` keep their defaults.
    pub fn load<T: Scalar, N: Persist<T> + Default>(&self) -> Result<N, ImportError> {
        let mut net = N::default();
        self.load_into(&mut net)?;
        Ok(net)
    }

    /// Replaces the weights of `net` with the file's. Everything is checked first, so on an
    /// error `net` is unchanged.
    pub fn load_into<T: Scalar, N: Persist<T>>(&self, net: &mut N) -> Result<(), ImportError> {
        self.check(net)?;
        numbered_mut(net, |k, layer| {
            // `check` found every tensor with its right dtype and shape.
            let tensor = |field| self.tensor(k, field).ok().flatten();
            match layer {
                Layer::Linear {
                    inputs,
                    outputs,
                    w,
                    w0,
                } => {
                    if let (Some(weight), Some(bias)) = (tensor("weight"), tensor("bias")) {
                        for (at, slot) in w.iter_mut().enumerate() {
                            let (i, j) = (at / outputs, at % outputs);
                            *slot = weight.read(j * inputs + i);
                        }
                        bias.read_into(w0);
                    }
                }
                Layer::BatchNorm {
                    g,
                    b,
                    mean,
                    sigma,
                    eps,
                    ..
                } => {
                    let found = (
                        tensor("weight"),
                        tensor("bias"),
                        tensor("running_mean"),
                        tensor("running_var"),
                    );
                    if let (Some(weight), Some(bias), Some(running_mean), Some(running_var)) = found
                    {
                        weight.read_into(g);
                        bias.read_into(b);
                        running_mean.read_into(mean);
                        let eps = eps.first().copied().unwrap_or_else(T::zero);
                        for (i, s) in sigma.iter_mut().enumerate() {
                            let var: T = running_var.read(i);
                            *s = crate::math::sqrt(var + eps) - eps;
                        }
                    }
                }
                _ => {}
            }
        });
        Ok(())
    }

    /// Checks that `net` finds every tensor it needs, with the right dtype and shape, and that
    /// every tensor of the file has a place in `net`.
    fn check<T: Scalar, N: Persist<T>>(&self, net: &N) -> Result<(), ImportError> {
        let mut result = Ok(());
        numbered(net, |k, layer| {
            let mut need = |field: &'static str, dims: &[usize]| {
                if result.is_ok() {
                    result = self.check_tensor::<T>(k, field, dims);
                }
            };
            match layer {
                Layer::Linear {
                    inputs, outputs, ..
                } => {
                    need("weight", &[outputs, inputs]);
                    need("bias", &[outputs]);
                }
                Layer::BatchNorm { units, .. } => {
                    for field in ["weight", "bias", "running_mean", "running_var"] {
                        need(field, &[units]);
                    }
                }
                _ => {}
            }
        });
        result?;
        self.for_each_tensor(|key, _| {
            if self.takes(net, key) {
                Ok(())
            } else {
                Err(ImportError::UnexpectedTensor {
                    name: TensorName::from_json(key),
                })
            }
        })
    }

    fn check_tensor<T: Scalar>(
        &self,
        layer: usize,
        field: &'static str,
        dims: &[usize],
    ) -> Result<(), ImportError> {
        let tensor = self
            .tensor(layer, field)?
            .ok_or(ImportError::MissingTensor { layer, field })?;
        let exact = match tensor.dtype {
            Some(Dtype::F32) => true,
            Some(Dtype::F64) => T::BYTES == 8,
            None => false,
        };
        if !exact {
            return Err(ImportError::WrongDtype {
                layer,
                field,
                expected: T::NAME,
                found: DtypeName::from_json(tensor.dtype_name),
            });
        }
        if tensor.rank != dims.len() || tensor.shape[..tensor.rank.min(4)] != *dims {
            return Err(ImportError::WrongShape {
                layer,
                field,
                expected: Shape::of(dims),
                found: Shape::of(&tensor.shape[..tensor.rank.min(4)]).with_rank(tensor.rank),
            });
        }
        Ok(())
    }

    /// `true` when `key` names a tensor some layer of `net` reads (or may ignore).
    fn takes<T: Scalar, N: Persist<T>>(&self, net: &N, key: Str<'_>) -> bool {
        let mut takes = false;
        numbered(net, |k, layer| {
            let fields: &[&str] = match layer {
                Layer::Linear { .. } => &["weight", "bias"],
                Layer::BatchNorm { .. } => &[
                    "weight",
                    "bias",
                    "running_mean",
                    "running_var",
                    "num_batches_tracked",
                ],
                _ => &[],
            };
            takes |= fields
                .iter()
                .any(|field| key.eq_str(self.name(k, field).as_str()));
        });
        takes
    }

    /// The file's name for field `field` of layer `k`: `{prefix}{k}.{field}`.
    fn name(&self, k: usize, field: &str) -> TensorName {
        let mut name = TensorName::new();
        let _ = write!(name, "{}{k}.{field}", self.prefix);
        name
    }

    /// The tensor for field `field` of layer `k`, if the file has it.
    fn tensor(&self, k: usize, field: &str) -> Result<Option<Tensor<'a>>, ImportError> {
        let name = self.name(k, field);
        let mut found = None;
        self.for_each_tensor(|key, tensor| {
            if found.is_none() && !name.truncated() && key.eq_str(name.as_str()) {
                found = Some(tensor);
            }
            Ok(())
        })?;
        Ok(found)
    }

    /// Calls `f` with every tensor entry of the header (all but `__metadata__`), checked.
    fn for_each_tensor(
        &self,
        mut f: impl FnMut(Str<'a>, Tensor<'a>) -> Result<(), ImportError>,
    ) -> Result<(), ImportError> {
        let bad_header = |e: SyntaxError| ImportError::BadHeader { offset: e.offset };
        json::for_each_entry(
            self.header,
            |key, value| {
                if key.eq_str("__metadata__") {
                    return Ok(());
                }
                let tensor = self.entry(key, value)?;
                f(key, tensor)
            },
            bad_header,
        )
    }

    /// Reads and checks one header entry.
    fn entry(&self, key: Str<'a>, value: Value<'a>) -> Result<Tensor<'a>, ImportError> {
        let bad = || ImportError::BadEntry {
            name: TensorName::from_json(key),
        };
        let Value::Object(fields) = value else {
            return Err(bad());
        };
        let mut dtype_name = None;
        let mut shape = [0usize; 4];
        let mut rank = None;
        let mut offsets = None;
        json::for_each_entry(
            fields,
            |field, value| {
                if field.eq_str("dtype") {
                    let Value::Str(s) = value else {
                        return Err(bad());
                    };
                    dtype_name = Some(s);
                } else if field.eq_str("shape") {
                    rank = Some(integers(value, &mut shape).ok_or_else(bad)?);
                } else if field.eq_str("data_offsets") {
                    let mut pair = [0usize; 4];
                    if integers(value, &mut pair) != Some(2) {
                        return Err(bad());
                    }
                    offsets = Some((pair[0], pair[1]));
                }
                Ok(())
            },
            |_| bad(),
        )?;
        let (Some(dtype_name), Some(rank), Some((start, end))) = (dtype_name, rank, offsets) else {
            return Err(bad());
        };
        let dtype = if dtype_name.eq_str("F32") {
            Some(Dtype::F32)
        } else if dtype_name.eq_str("F64") {
            Some(Dtype::F64)
        } else {
            None
        };
        let bad_offsets = || ImportError::BadOffsets {
            name: TensorName::from_json(key),
        };
        let data = self.data.get(start..end).ok_or_else(bad_offsets)?;
        if let Some(dtype) = dtype {
            // A rank above 4 is never a shape this importer accepts; its size is not checked.
            let elements = shape[..rank.min(4)]
                .iter()
                .try_fold(1usize, |n, &d| n.checked_mul(d));
            if rank <= 4 && elements.and_then(|n| n.checked_mul(dtype.size())) != Some(data.len()) {
                return Err(bad_offsets());
            }
        }
        Ok(Tensor {
            dtype,
            dtype_name,
            shape,
            rank,
            data,
        })
    }
}

impl Tensor<'_> {
    /// Element `i` as a `T`; the tensor was checked to have a known dtype and enough data.
    fn read<T: Scalar>(&self, i: usize) -> T {
        self.dtype
            .map_or_else(T::zero, |dtype| dtype.read(self.data, i))
    }

    fn read_into<T: Scalar>(&self, out: &mut [T]) {
        for (i, slot) in out.iter_mut().enumerate() {
            *slot = self.read(i);
        }
    }
}

impl Shape {
    fn with_rank(mut self, rank: usize) -> Self {
        self.rank = rank;
        self
    }
}

/// Calls `f` with every layer of `net` but the tuple markers, and its index: the number of the
/// module in PyTorch's `nn.Sequential`.
fn numbered<T: Scalar, N: Persist<T>>(net: &N, mut f: impl FnMut(usize, Layer<&[T]>)) {
    let mut index = 0;
    net.each_layer(&mut |layer| {
        if layer.signature().is_some() {
            f(index, layer);
            index += 1;
        }
    });
}

/// [`numbered`], for writing.
fn numbered_mut<T: Scalar, N: Persist<T>>(net: &mut N, mut f: impl FnMut(usize, Layer<&mut [T]>)) {
    let mut index = 0;
    net.each_layer_mut(&mut |layer| {
        if layer.signature().is_some() {
            f(index, layer);
            index += 1;
        }
    });
}

/// Reads a JSON array of non-negative integers into `out` (its first 4) and returns its length.
fn integers(value: Value<'_>, out: &mut [usize; 4]) -> Option<usize> {
    let Value::Array(array) = value else {
        return None;
    };
    let mut len = 0usize;
    json::for_each_element(
        array,
        |element| {
            let Value::Number(text) = element else {
                return Err(());
            };
            let n = json::as_u64(text)
                .and_then(|n| usize::try_from(n).ok())
                .ok_or(())?;
            if let Some(slot) = out.get_mut(len) {
                *slot = n;
            }
            len += 1;
            Ok(())
        },
        |_| (),
    )
    .ok()?;
    Some(len)
}
