//! The one walk over a network's tensors, declared once per layer (chapter section 2: a layer
//! is its weights; section 8.3: batch normalization also keeps running averages).
//!
//! Each layer lists its tensors once, in order, with a name and a [`Role`]. Everything that
//! goes over a network's numbers is built on that list and nothing else:
//! - [`Params`](crate::Params): the learned tensors, for gradients and optimizers;
//! - [`Layers::random`](crate::Layers::random): each tensor's [`Init`];
//! - the weight file, the Rust-source export and the safetensors import
//!   ([`persist`](crate::persist)): every tensor, with the layer's [`LayerInfo`] and each
//!   tensor's [`Torch`] name.
//!
//! A layer declares its list with [`layer!`](crate::layer); tuples of layers chain their
//! elements' lists between [`Item::Begin`] and [`Item::End`]. Because [`LayerInfo`] names the
//! layer's type and every tensor carries its own description, a layer defined outside this
//! crate saves, loads, exports and imports like the crate's own.

use crate::Scalar;

/// What a tensor is to training.
///
/// ```
/// use constnet::prelude::*;
/// use constnet::schema::{for_each_tensor, Role};
/// let net = <(BatchNorm<2>,)>::init(&mut Pcg64Mcg::seed_from_u64(1));
/// let mut learned = Vec::new();
/// for_each_tensor(&net, |t| if t.info.role == Role::Learned { learned.push(t.field()) });
/// assert_eq!(learned, ["g", "b"]); // the running averages are state
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Role {
    /// A learned parameter: gradients have it, optimizers update it.
    Learned,
    /// State kept with the layer and saved with it, which optimizers leave alone (batch
    /// normalization's running averages, its `gamma` and `eps`).
    State,
}

/// How a tensor's values start ([`Layers::random`](crate::Layers::random)).
///
/// ```
/// use constnet::prelude::*;
/// use constnet::schema::{for_each_tensor, Init};
/// let net = <(Linear<4, 2>,)>::init(&mut Pcg64Mcg::seed_from_u64(1));
/// let mut inits = Vec::new();
/// for_each_tensor(&net, |t| inits.push(t.info.init));
/// assert_eq!(inits, [Init::Gaussian { fan_in: 4 }, Init::Gaussian { fan_in: 1 }]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Init {
    /// Each value drawn from `Gaussian(0, 1 / fan_in)` (standard deviation `1/sqrt(fan_in)`;
    /// chapter section 5 draws `W` with `fan_in = m`, the layer's input width, and `W0` with 1).
    /// Drawn in `f64` and rounded, in memory order, so a seed gives the same values on every
    /// target. A `fan_in` of 0 counts as 1.
    Gaussian {
        /// The number of inputs each value is summed with.
        fan_in: usize,
    },
    /// Every value the same.
    Constant(f64),
}

/// The values a tensor may hold. A file that gives it others is refused when it loads, with an
/// error naming the tensor, instead of producing NaN outputs later.
///
/// ```
/// use constnet::schema::Domain;
/// assert!(Domain::NonNegative.allows(0.5));
/// assert!(!Domain::NonNegative.allows(-1.0)); // a file with a negative sigma is refused
/// assert!(Domain::Any.allows(-1.0));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Domain {
    /// Any value.
    #[default]
    Any,
    /// No negative value (a standard deviation, an `eps`); NaN is left to the loader's
    /// policy for non-finite values.
    NonNegative,
}

impl Domain {
    /// `true` when `value` is allowed.
    pub fn allows(self, value: f64) -> bool {
        match self {
            Domain::Any => true,
            // NaN is allowed here: the loaders' non-finite policy decides about it.
            Domain::NonNegative => value >= 0.0 || value.is_nan(),
        }
    }
}

/// Where PyTorch's `state_dict` keeps a tensor, for the safetensors import.
///
/// ```
/// use constnet::prelude::*;
/// use constnet::schema::{for_each_tensor, Torch};
/// let net = <(Linear<4, 2>, BatchNorm<2>)>::init(&mut Pcg64Mcg::seed_from_u64(1));
/// let mut names = Vec::new();
/// for_each_tensor(&net, |t| names.push(t.info.torch.name()));
/// assert_eq!(names[..2], [Some("weight"), Some("bias")]); // as PyTorch's nn.Linear
/// assert_eq!(names[4..], [Some("running_mean"), Some("running_var"), None, None]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Torch {
    /// PyTorch has no such tensor: the import keeps the layer's value.
    Absent,
    /// `{k}.{name}`, with the same shape and order.
    Same(&'static str),
    /// `{k}.{name}`, a matrix stored transposed (PyTorch's `nn.Linear.weight` is `OUT x IN`;
    /// constnet's `W` is `IN x OUT`).
    Transposed(&'static str),
    /// `{k}.{name}` holds a variance `var`; the tensor is a standard deviation `sigma` such
    /// that `sigma + eps = sqrt(var + eps)` (batch normalization's `running_var`).
    StdDevOfVariance {
        /// The name in the state dict.
        name: &'static str,
        /// The layer's `eps`.
        eps: f64,
    },
}

impl Torch {
    /// The name in the state dict, if PyTorch stores the tensor.
    pub fn name(&self) -> Option<&'static str> {
        match *self {
            Torch::Absent => None,
            Torch::Same(name) | Torch::Transposed(name) => Some(name),
            Torch::StdDevOfVariance { name, .. } => Some(name),
        }
    }
}

/// What a layer is in an ONNX graph, for the ONNX import
/// ([`Onnx`](crate::persist::Onnx)).
///
/// ```
/// use constnet::prelude::*;
/// use constnet::schema::{Item, OnnxOp, Persist};
/// let net = <(Linear<2, 2>, ReLU, Dropout<10>)>::init(&mut Pcg64Mcg::seed_from_u64(1));
/// let mut ops = Vec::new();
/// net.visit_items(&mut |item| if let Item::Layer(layer) = item { ops.push(layer.onnx) });
/// assert_eq!(ops, [OnnxOp::Node("Gemm"), OnnxOp::Node("Relu"), OnnxOp::Dropped]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OnnxOp {
    /// The layer has no ONNX form: importing a network with it is an error naming the layer.
    #[default]
    Unsupported,
    /// Nothing in an exported graph: the layer is the identity at inference, and exporters
    /// leave it out (dropout).
    Dropped,
    /// A node of this operator type (`"Relu"`). The node's inputs after the first (the data)
    /// are the layer's tensors that have a [`Torch`] name, in the order the layer declares
    /// them; an omitted optional input (`Gemm`'s bias) is zeros. A matrix the layer stores
    /// [`Torch::Transposed`] may be either way round in the graph, as the node's attributes
    /// say (`Gemm`'s `transB`); a [`Torch::StdDevOfVariance`] uses the node's `epsilon`.
    /// `"Gemm"` also stands for a `MatMul` followed by an `Add` of a constant, as exporters
    /// write a linear layer whose input is not a matrix.
    Node(&'static str),
}

/// A layer as the walk describes it: its type and the constants that fix its shape.
///
/// ```
/// use constnet::prelude::*;
/// use constnet::schema::{Item, Persist};
/// let net = <(Linear<3, 5, f64>,)>::init(&mut Pcg64Mcg::seed_from_u64(1));
/// net.visit_items(&mut |item| {
///     if let Item::Layer(layer) = item {
///         assert_eq!((layer.path, layer.kind(), layer.args, layer.scalar),
///                    ("constnet::Linear", "Linear", &[3, 5][..], Some("f64")));
///     }
/// });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerInfo<'a> {
    /// The path of the layer's type, as generated code names it (`"constnet::Linear"`).
    pub path: &'static str,
    /// The const arguments of the type, in order (`[IN, OUT]` for `Linear<IN, OUT>`).
    pub args: &'a [usize],
    /// The scalar type argument that follows them (`"f32"`), for types that take one.
    pub scalar: Option<&'static str>,
    /// Tensors PyTorch saves for this layer that the import may skip
    /// (`num_batches_tracked` for batch normalization).
    pub torch_ignores: &'a [&'static str],
    /// What the layer is in an ONNX graph.
    pub onnx: OnnxOp,
}

impl LayerInfo<'_> {
    /// The type's name without its path (`"Linear"`): what the weight file's shape signature
    /// records.
    pub fn kind(&self) -> &'static str {
        self.path.rsplit("::").next().unwrap_or(self.path)
    }
}

/// A tensor as the walk describes it.
///
/// ```
/// use constnet::prelude::*;
/// use constnet::schema::for_each_tensor;
/// let net = <(Linear<3, 5>,)>::init(&mut Pcg64Mcg::seed_from_u64(1));
/// for_each_tensor(&net, |t| {
///     if t.field() == "w" {
///         assert_eq!(t.info.dims, [3, 5]);
///     }
/// });
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TensorInfo<'a> {
    /// The field's name in the layer's struct (`"w"`): the Rust-source export writes it.
    pub name: &'static str,
    /// Learned, or state.
    pub role: Role,
    /// The dimensions, outermost first (`[IN, OUT]` for `W`; `[]` for a single value).
    pub dims: &'a [usize],
    /// How its values start.
    pub init: Init,
    /// Where PyTorch keeps it.
    pub torch: Torch,
    /// The values it may hold.
    pub domain: Domain,
}

/// One step of the walk over a network: tuples open and close around their elements, and each
/// layer comes with its tensors after it. `S` is the tensor's data: `&[T]` for reading, or
/// `[&mut [T]; M]` for the same tensor of `M` values of the network's type at once (a net, its
/// gradient, an optimizer's state).
///
/// ```
/// use constnet::prelude::*;
/// use constnet::schema::{Item, Persist};
/// // Tuples open and close around their layers; nesting shows in the walk.
/// let net = <(ReLU, (Tanh, Sigmoid))>::default();
/// let mut shape = String::new();
/// Persist::<f32>::visit_items(&net, &mut |item| match item {
///     Item::Begin => shape.push('('),
///     Item::End => shape.push(')'),
///     Item::Layer(layer) => shape.push_str(layer.kind()),
///     _ => {}
/// });
/// assert_eq!(shape, "(ReLU(TanhSigmoid))");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Item<'a, S> {
    /// The start of a tuple (a network or a nested block).
    Begin,
    /// The end of the tuple last begun.
    End,
    /// A layer; its tensors follow.
    Layer(&'a LayerInfo<'a>),
    /// A tensor of the layer last given.
    Tensor(&'a TensorInfo<'a>, S),
}

/// A module whose tensors can be walked: every layer, activation and tuple of the crate, and
/// any type declared with [`layer!`](crate::layer). Its tensors are visited in the order the
/// layers declare them, layer after layer.
///
/// There is no need to implement it by hand: [`layer!`](crate::layer) writes it from the
/// layer's list of tensors.
///
/// ```
/// use constnet::prelude::*;
/// use constnet::schema::{Item, Persist};
///
/// // Every tensor of a network, in the walk's order: how every file format reads a net.
/// type Net = (Linear<3, 2>, BatchNorm<2>, Sigmoid);
/// let net = Net::init(&mut Pcg64Mcg::seed_from_u64(1));
/// let mut seen = Vec::new();
/// net.visit_items(&mut |item| match item {
///     Item::Layer(layer) => seen.push(layer.kind().to_string()),
///     Item::Tensor(tensor, values) => seen.push(format!("  {} {:?} ({})", tensor.name, tensor.dims, values.len())),
///     _ => {}
/// });
/// assert_eq!(seen[..3], ["Linear", "  w [3, 2] (6)", "  w0 [2] (2)"]);
/// assert_eq!(<Net as Persist<f32>>::STORED, 6 + 2 + 4 * 2 + 2); // W, W0; g, b, mean, sigma; gamma, eps
/// assert_eq!(<Net as Persist<f32>>::LAYERS, 3);
/// ```
pub trait Persist<T: Scalar> {
    /// Number of scalars in the learned tensors.
    const LEARNED: usize;
    /// Number of scalars stored: every tensor, learned and state.
    const STORED: usize;
    /// Number of layers, nested tuples flattened (what the weight file's layer table lists).
    const LAYERS: usize;

    /// Calls `f` with every step of the walk, for reading.
    fn visit_items(&self, f: &mut dyn FnMut(Item<'_, &[T]>));

    /// Calls `f` with every step of the walk over `M` values of this type at once, for
    /// writing.
    ///
    /// The callback is a `dyn FnMut` so that each layer's walk is compiled once per `M`, not
    /// again for every caller's closure.
    #[allow(clippy::type_complexity)] // the item type is the signature; an alias would hide it
    fn walk_items<const M: usize>(
        values: [&mut Self; M],
        f: &mut dyn FnMut(Item<'_, [&mut [T]; M]>),
    );
}

/// The same part of each of `M` values: what a [`Persist::walk_items`] hands on to a field.
///
/// `part` is a plain function, not a closure, and the walks take the caller's callback as a
/// `dyn FnMut`, so this is compiled once per value type, part and `M`, and the projection is a
/// single small loop rather than `core::array`'s `map` (whose five generic helpers, copied for
/// every field and caller, were a fifth of a small app's LLVM IR).
///
/// ```
/// use constnet::schema::project;
/// let (mut a, mut b) = ((1, 2.0), (3, 4.0));
/// let mut pairs = [&mut a, &mut b];
/// let [x, y] = project(&mut pairs, |pair| &mut pair.1);
/// *x += 1.0;
/// *y += 1.0;
/// assert_eq!((a.1, b.1), (3.0, 5.0));
/// ```
pub fn project<'a, A: ?Sized, B: ?Sized, const M: usize>(
    values: &'a mut [&mut A; M],
    part: for<'x> fn(&'x mut A) -> &'x mut B,
) -> [&'a mut B; M] {
    crate::kernels::parts_of_each(values, part)
}
