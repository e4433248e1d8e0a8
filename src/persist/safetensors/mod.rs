//! Import from and export to PyTorch: the weights of an `nn.Sequential` saved with
//! `safetensors.torch.save_file(model.state_dict(), path)`, and ([`to_safetensors`], with
//! `alloc`) a network written as such a file.
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
//!
//! Which names a layer reads, and how, is each tensor's [`Torch`] in the layer's declaration
//! ([`layer!`](crate::layer)), so a custom layer imports without changes here.
//!
//! Files: `header` reads the JSON header's entries in place; `name` and `shape` keep what error
//! messages report without a heap; `error` is [`ImportError`]; this file numbers the layers as
//! `nn.Sequential` does and loads them.

mod error;
#[cfg(feature = "alloc")]
mod export;
mod header;
#[cfg(feature = "alloc")]
mod metadata;
mod name;
mod shape;

pub use error::ImportError;
#[cfg(feature = "alloc")]
pub use export::{to_safetensors, to_safetensors_with};
use name::LayerTensorName;
pub use name::{DtypeName, InlineName, TensorName};
pub use shape::Shape;

use super::NonFinite;
use super::json::{self, SyntaxError, Value};
use crate::Scalar;
use crate::network::LinesUp;
use crate::schema::{Domain, Item, Persist, TensorInfo, Torch};
use header::{Dtype, Header, Index, Tensor};

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
    header: Header<'a>,
    prefix: &'a str,
    non_finite: NonFinite,
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
        if header_len > header::MAX_HEADER_BYTES {
            return Err(ImportError::HeaderTooLarge {
                announced: header_len,
            });
        }
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
            header: Header { object, data },
            prefix: "",
            non_finite: NonFinite::Accept,
        };
        file.header.for_each_tensor(|_, _| Ok(()))?;
        file.header.check_whole()?;
        Ok(file)
    }

    /// Tensor names start with `prefix` (say `"model."` for a state dict saved from a module
    /// that holds the `nn.Sequential` as `model`).
    pub fn with_prefix(mut self, prefix: &'a str) -> Self {
        self.prefix = prefix;
        self
    }

    /// What to do with NaN or infinite values in the tensors the net reads: load them as they
    /// are ([`NonFinite::Accept`], the default: a file is what was saved), or refuse the file
    /// with [`ImportError::NotFinite`].
    pub fn non_finite(mut self, policy: NonFinite) -> Self {
        self.non_finite = policy;
        self
    }

    /// A network of type `N` with the file's weights (see the module documentation for the
    /// names and layouts); tensors PyTorch does not store (batch norm's `gamma` and `eps`)
    /// keep their defaults.
    pub fn load<T: Scalar, N>(&self) -> Result<N, ImportError>
    where
        N: Persist<T> + LinesUp + Default,
    {
        let mut net = N::default();
        self.load_into(&mut net)?;
        Ok(net)
    }

    /// Replaces the weights of `net` with the file's. Everything is checked first, so on an
    /// error `net` is unchanged.
    ///
    /// Like every loader, it compiles only for a network whose widths line up:
    ///
    /// ```compile_fail,E0277
    /// use constnet::persist::Safetensors;
    /// use constnet::prelude::*;
    /// let mut broken = (Linear::<4, 8>::zeros(), Linear::<6, 3>::zeros());
    /// let _ = Safetensors::parse(&[]).unwrap().load_into(&mut broken);
    /// ```
    pub fn load_into<T: Scalar, N>(&self, net: &mut N) -> Result<(), ImportError>
    where
        N: Persist<T> + LinesUp,
    {
        let index = self.check(net)?;
        let mut layers = 0;
        N::walk_items([net], &mut |item| match item {
            Item::Layer(_) => layers += 1,
            Item::Tensor(info, [values]) => {
                let k = layers - 1;
                // `check` found every tensor with its right dtype and shape.
                if let Some(name) = info.torch.name()
                    && let Ok(Some(tensor)) = index.find(&self.name(k, name))
                {
                    read_tensor(info, &tensor, values);
                }
            }
            _ => {}
        });
        Ok(())
    }

    /// Checks that `net` finds every tensor it needs, with the right dtype and shape, and that
    /// every tensor of the file has a place in `net`; returns the file's index for loading.
    fn check<T: Scalar, N: Persist<T>>(&self, net: &N) -> Result<Index<'a>, ImportError> {
        let index = Index::new(self.header)?;
        let mut result = Ok(());
        let mut layers = 0;
        net.visit_items(&mut |item| match item {
            Item::Layer(_) => layers += 1,
            Item::Tensor(info, _) if result.is_ok() => {
                let Some(field) = info.torch.name() else {
                    return;
                };
                let (dims, rank) = torch_shape(info);
                result = self.check_tensor::<T>(&index, layers - 1, field, &dims[..rank], info);
            }
            _ => {}
        });
        result?;
        self.check_every_tensor_is_taken(net)?;
        Ok(index)
    }

    /// Every tensor of the file must be one `net` reads or may skip. With `alloc` the names
    /// `net` takes are listed and sorted once; without, each file entry walks the net.
    fn check_every_tensor_is_taken<T: Scalar, N: Persist<T>>(
        &self,
        net: &N,
    ) -> Result<(), ImportError> {
        #[cfg(feature = "alloc")]
        let taken = {
            let mut taken = alloc::vec::Vec::new();
            self.for_each_taken_name(net, |name| {
                taken.push(alloc::string::ToString::to_string(&name))
            });
            taken.sort_unstable();
            taken
        };
        self.header.for_each_tensor(|key, _| {
            #[cfg(feature = "alloc")]
            let takes = {
                let key = header::decode(key);
                taken.binary_search(&key).is_ok()
            };
            #[cfg(not(feature = "alloc"))]
            let takes = {
                let mut takes = false;
                self.for_each_taken_name(net, |name| takes |= name.matches(key));
                takes
            };
            if takes {
                Ok(())
            } else {
                Err(ImportError::UnexpectedTensor {
                    name: TensorName::from_json(key),
                })
            }
        })
    }

    /// Calls `f` with every name `net` reads or may skip in a file: `{prefix}{k}.{field}`.
    fn for_each_taken_name<T: Scalar, N: Persist<T>>(
        &self,
        net: &N,
        mut f: impl FnMut(LayerTensorName<'_>),
    ) {
        let mut layers = 0;
        net.visit_items(&mut |item| match item {
            Item::Layer(layer) => {
                layers += 1;
                for field in layer.torch_ignores {
                    f(self.name(layers - 1, field));
                }
            }
            Item::Tensor(info, _) => {
                if let Some(field) = info.torch.name() {
                    f(self.name(layers - 1, field));
                }
            }
            _ => {}
        });
    }

    fn check_tensor<T: Scalar>(
        &self,
        index: &Index<'a>,
        layer: usize,
        field: &'static str,
        dims: &[usize],
        info: &TensorInfo<'_>,
    ) -> Result<(), ImportError> {
        let tensor = index
            .find(&self.name(layer, field))?
            .ok_or(ImportError::MissingTensor { layer, field })?;
        // Every f16, bf16 and f32 value is an f32 and an f64; an f64 only fits an f64 net.
        let exact = match tensor.dtype {
            Some(Dtype::F16 | Dtype::BF16 | Dtype::F32) => true,
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
        // A variance is never negative (its square root would be NaN); other tensors hold what
        // their layer allows.
        let domain = match info.torch {
            Torch::StdDevOfVariance { .. } => Domain::NonNegative,
            _ => info.domain,
        };
        let elements = dims.iter().product::<usize>();
        if self.non_finite == NonFinite::Reject
            && let Some(at) = (0..elements).find(|&i| !tensor.read::<T>(i).is_finite())
        {
            return Err(ImportError::NotFinite {
                layer,
                field,
                index: at,
            });
        }
        if let Some(at) = (0..elements).find(|&i| !domain.allows(tensor.read::<f64>(i))) {
            return Err(ImportError::InvalidValue {
                layer,
                field,
                index: at,
            });
        }
        Ok(())
    }

    /// The file's name for field `field` of layer `k`: `{prefix}{k}.{field}`.
    fn name<'n>(&'n self, layer: usize, field: &'n str) -> LayerTensorName<'n> {
        LayerTensorName {
            prefix: self.prefix,
            layer,
            field,
        }
    }
}

/// The shape PyTorch keeps a tensor in, and its rank (at most 2): the layer's dimensions,
/// reversed for a [`Torch::Transposed`] matrix.
fn torch_shape(info: &TensorInfo<'_>) -> ([usize; 2], usize) {
    let mut dims = [0usize; 2];
    let rank = info.dims.len().min(2);
    dims[..rank].copy_from_slice(&info.dims[..rank]);
    if let Torch::Transposed(_) = info.torch {
        dims[..rank].reverse();
    }
    (dims, rank)
}

/// Copies a checked tensor of the file into the layer's tensor, converting as its [`Torch`]
/// says.
fn read_tensor<T: Scalar>(info: &TensorInfo<'_>, tensor: &Tensor<'_>, values: &mut [T]) {
    match info.torch {
        Torch::Transposed(_) => {
            let (rows, columns) = match *info.dims {
                [rows, columns] => (rows, columns),
                _ => (values.len(), 1),
            };
            for (at, slot) in values.iter_mut().enumerate() {
                let (i, j) = (at / columns.max(1), at % columns.max(1));
                *slot = tensor.read(j * rows + i);
            }
        }
        Torch::StdDevOfVariance { eps, .. } => {
            let eps = T::from_f64(eps);
            for (i, sigma) in values.iter_mut().enumerate() {
                let var: T = tensor.read(i);
                *sigma = crate::math::sqrt(var + eps) - eps;
            }
        }
        _ => tensor.read_into(values),
    }
}

#[cfg(test)]
mod tests {
    //! The import's lookups, in whichever build runs the unit tests: with `alloc` (the sorted
    //! index) and without (scanning the header), as CI runs both.
    use core::fmt::Write;

    use super::*;
    use crate::{Linear, Sigmoid};

    /// A safetensors file of `(name, shape, values)` entries, in that order, written by hand.
    fn file<const N: usize>(entries: [(&str, &[usize], &[f32]); N], out: &mut [u8]) -> usize {
        let mut header = [0u8; 512];
        let mut at = 0;
        let mut offset = 0;
        let mut push = |bytes: &[u8], at: &mut usize| {
            header[*at..*at + bytes.len()].copy_from_slice(bytes);
            *at += bytes.len();
        };
        push(b"{", &mut at);
        for (i, (name, shape, values)) in entries.iter().enumerate() {
            let mut entry = TensorName::new();
            let _ = write!(
                entry,
                "{}\"{name}\":{{\"dtype\":\"F32\",\"shape\":[",
                if i > 0 { "," } else { "" }
            );
            push(entry.as_str().as_bytes(), &mut at);
            for (j, d) in shape.iter().enumerate() {
                let mut dim = TensorName::new();
                let _ = write!(dim, "{}{d}", if j > 0 { "," } else { "" });
                push(dim.as_str().as_bytes(), &mut at);
            }
            let mut offsets = TensorName::new();
            let end = offset + 4 * values.len();
            let _ = write!(offsets, "],\"data_offsets\":[{offset},{end}]}}");
            push(offsets.as_str().as_bytes(), &mut at);
            offset = end;
        }
        push(b"}", &mut at);
        out[..8].copy_from_slice(&(at as u64).to_le_bytes());
        out[8..8 + at].copy_from_slice(&header[..at]);
        let mut data = 8 + at;
        for (_, _, values) in entries {
            for v in values {
                out[data..data + 4].copy_from_slice(&v.to_le_bytes());
                data += 4;
            }
        }
        data
    }

    #[test]
    fn tensors_are_found_by_name_in_any_order() {
        let mut bytes = [0u8; 1024];
        let len = file(
            [
                ("2.bias", &[1], &[0.5]),
                ("0.weight", &[2, 1], &[1.0, -1.0]),
                ("2.weight", &[1, 2], &[0.25, 4.0]),
                ("0.bias", &[2], &[0.125, 2.0]),
            ],
            &mut bytes,
        );
        let net: (Linear<1, 2>, Sigmoid, Linear<2, 1>) =
            Safetensors::parse(&bytes[..len]).unwrap().load().unwrap();
        assert_eq!(net.0.w, [[1.0, -1.0]]);
        assert_eq!(net.0.w0, [0.125, 2.0]);
        assert_eq!(net.2.w, [[0.25], [4.0]]);
        assert_eq!(net.2.w0, [0.5]);

        let len = file(
            [
                ("0.weight", &[2, 1], &[1.0, -1.0]),
                ("0.bias", &[2], &[0.125, 2.0]),
                ("2.weight", &[1, 2], &[0.25, 4.0]),
                ("2.bias", &[1], &[0.5]),
                ("3.bias", &[1], &[0.5]),
            ],
            &mut bytes,
        );
        let extra = Safetensors::parse(&bytes[..len])
            .unwrap()
            .load::<f32, (Linear<1, 2>, Sigmoid, Linear<2, 1>)>();
        assert!(
            matches!(extra, Err(ImportError::UnexpectedTensor { name }) if name.as_str() == "3.bias")
        );
        let missing = Safetensors::parse(&bytes[..len]).unwrap().load::<f32, (
            Linear<1, 2>,
            Sigmoid,
            Linear<2, 1>,
            Linear<1, 1>,
        )>();
        assert_eq!(
            missing.err(),
            Some(ImportError::MissingTensor {
                layer: 3,
                field: "weight"
            })
        );
    }

    #[test]
    fn names_of_any_length_match_without_a_heap() {
        let long = "encoder.block.layers.sequential_part_with_a_long_name.inner_model.";
        assert!(long.len() > 64);
        let name = LayerTensorName {
            prefix: long,
            layer: 12,
            field: "weight",
        };
        let mut key = [0u8; 128];
        let text = [long, "12.weight"].concat();
        key[..text.len()].copy_from_slice(text.as_bytes());
        let json = json::Str(&key[..text.len()]);
        assert!(name.matches(json));
        assert!(!name.matches(json::Str(&key[..text.len() - 1])));
        assert!(!name.matches(json::Str(b"12.weight")));
    }

    /// The whole-header checks, in whichever build runs the unit tests (the build without a
    /// heap compares pairs instead of sorting).
    #[test]
    fn the_data_must_tile_and_names_must_differ() {
        let mut bytes = [0u8; 1024];
        let ok = file([("b", &[1], &[2.0]), ("a", &[2], &[1.0, 0.5])], &mut bytes);
        assert!(Safetensors::parse(&bytes[..ok]).is_ok());
        // One more byte at the end: the tensors no longer cover the data.
        assert!(matches!(
            Safetensors::parse(&bytes[..=ok]),
            Err(ImportError::BadOffsets { .. } | ImportError::TrailingBytes { .. })
        ));
        let twice = file([("a", &[1], &[2.0]), ("a", &[1], &[1.0])], &mut bytes);
        assert!(matches!(
            Safetensors::parse(&bytes[..twice]),
            Err(ImportError::DuplicateTensor { .. })
        ));
    }
}
