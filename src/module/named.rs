//! A network's tensors by name, shape and values, as PyTorch's `named_parameters()` lists a
//! model's (chapter section 2: a layer is its weights).

use core::fmt;

use super::schema::{Item, Persist, Role, TensorInfo};
use crate::Scalar;

/// One tensor of a network, as [`for_each_tensor`] gives it. Its [`Display`](fmt::Display) is
/// its name in the network, `{layer}.{field}` (`"0.w"`), with layers counted as `nn.Sequential`
/// counts them (activations too, nested tuples flattened).
///
/// ```
/// use constnet::prelude::*;
/// use constnet::schema::for_each_tensor;
/// let net = <(Linear<2, 1>, BatchNorm<1>)>::init(&mut Pcg64Mcg::seed_from_u64(1));
/// let mut parameters = Vec::new();
/// for_each_tensor(&net, |t| if t.learned() { parameters.push(format!("{t} {:?}", t.dims())) });
/// assert_eq!(parameters, ["0.w [2, 1]", "0.w0 [1]", "1.g [1]", "1.b [1]"]);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct NamedTensor<'a, T> {
    /// The layer's position in the network, from 0.
    pub layer: usize,
    /// The layer's type name (`"Linear"`).
    pub kind: &'static str,
    /// The tensor's description: field name, role, dimensions, PyTorch name.
    pub info: &'a TensorInfo<'a>,
    /// Its values, row-major in the order of `info.dims`.
    pub values: &'a [T],
}

impl<T> NamedTensor<'_, T> {
    /// The field's name in the layer (`"w"`).
    pub fn field(&self) -> &'static str {
        self.info.name
    }

    /// The dimensions, outermost first (`[IN, OUT]` for a `W`).
    pub fn dims(&self) -> &[usize] {
        self.info.dims
    }

    /// `true` for a learned parameter (what `named_parameters()` lists), `false` for state
    /// such as batch norm's running averages (what PyTorch calls buffers).
    pub fn learned(&self) -> bool {
        self.info.role == Role::Learned
    }
}

impl<T> fmt::Display for NamedTensor<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.layer, self.info.name)
    }
}

/// Calls `f` with every tensor of `net`, learned and state, layer by layer in the order the
/// layers declare them: the same order as the weight file and [`Params`](crate::Params).
///
/// ```
/// use constnet::prelude::*;
/// use constnet::schema::for_each_tensor;
///
/// type Net = (Linear<4, 8>, ReLU, Linear<8, 3>);
/// let net = Net::init(&mut Pcg64Mcg::seed_from_u64(1));
/// let mut listed = Vec::new();
/// for_each_tensor(&net, |t| listed.push((t.to_string(), t.dims().to_vec(), t.values.len())));
/// assert_eq!(
///     listed,
///     [
///         ("0.w".to_string(), vec![4, 8], 32),
///         ("0.w0".to_string(), vec![8], 8),
///         ("2.w".to_string(), vec![8, 3], 24),
///         ("2.w0".to_string(), vec![3], 3),
///     ]
/// );
/// ```
pub fn for_each_tensor<T: Scalar, N: Persist<T>>(net: &N, mut f: impl FnMut(NamedTensor<'_, T>)) {
    let mut layer = 0;
    let mut kind = "";
    net.visit_items(&mut |item| match item {
        Item::Layer(info) => {
            layer += 1;
            kind = info.kind();
        }
        Item::Tensor(info, values) => f(NamedTensor {
            layer: layer - 1,
            kind,
            info,
            values,
        }),
        _ => {}
    });
}
