//! Import from ONNX: a multilayer perceptron exported by `torch.onnx.export` (or any exporter
//! that writes the same operators) into a network of a type the user wrote (chapter section
//! 2: a network is its layers, each its weights; section 8.3 for batch normalization's
//! running averages).
//!
//! An ONNX file is a protocol buffers message (`ModelProto`) holding a graph of nodes and the
//! graph's constant tensors (initializers). It is read in place (`protobuf` reads the wire
//! format, `graph` the few messages an MLP needs), so the import needs no heap and works under
//! `no_std` on `include_bytes!` of the file.
//!
//! The graph must be one chain from its input to its output. Its nodes, in order, are the
//! network's layers (nested tuples flattened), as each layer declares with its
//! [`OnnxOp`](crate::schema::OnnxOp):
//!
//! | ONNX | layer |
//! |---|---|
//! | `Gemm` (`transB` 0 or 1, `alpha` = `beta` = 1), or `MatMul` then `Add` of a constant | [`Linear`](crate::Linear) |
//! | `BatchNormalization` (inference) | [`BatchNorm`](crate::BatchNorm) |
//! | `Relu`, `Sigmoid`, `Tanh`, `Softmax` (last axis) | [`ReLU`](crate::ReLU), [`Sigmoid`](crate::Sigmoid), [`Tanh`](crate::Tanh), [`Softmax`](crate::Softmax) |
//! | `Identity`, `Dropout` (inference), `Flatten` (axis 1) | nothing: dropped; a [`Dropout`](crate::Dropout) layer matches no node |
//!
//! Weights come from initializers or `Constant` nodes, as `raw_data` or typed fields, `float`
//! (into `f32` and `f64` networks) or `double` (into `f64` networks). Any other operator, an
//! attribute that changes what a node computes, a weight of the wrong shape or type, or a graph
//! with more or fewer layers than the network is a typed [`OnnxError`] naming the node and the
//! layer; the network is left unchanged.

// Errors carry the node's name and both shapes inline, as there is no heap to box them in;
// an import runs once, so returning ~150 bytes by value costs nothing that matters.
#![allow(clippy::result_large_err)]

mod error;
mod graph;
mod protobuf;

pub use error::{OnnxError, OnnxName};

use graph::{Graph, Model, Node, Tensor};
use protobuf::Fields;

use super::chain::{self, Constant, GraphLayer, MAX_CONSTANTS, Mismatch};
use super::{NonFinite, Shape};
use crate::Scalar;
use crate::network::LinesUp;
use crate::schema::Persist;

/// An ONNX model, checked and ready to load into networks.
///
/// ```
/// use constnet::persist::Onnx;
/// use constnet::prelude::*;
///
/// // `torch.onnx.export` of `nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10),
/// // nn.Softmax(dim=-1))` trained on digits (tests/fixtures/onnx/make_fixture.py).
/// let bytes = include_bytes!("../../../tests/fixtures/onnx/mlp_torchscript.onnx");
/// let net: (Linear<64, 32>, ReLU, Linear<32, 10>, Softmax) = Onnx::parse(bytes)?.load()?;
/// let p = net.forward(&[0.5; 64]);
/// assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
///
/// // A network of another shape is refused, naming the node and the layer.
/// let wrong = Onnx::parse(bytes)?.load::<f32, (Linear<64, 16>, ReLU, Linear<16, 10>, Softmax)>();
/// assert_eq!(
///     wrong.unwrap_err().to_string(),
///     "ONNX node `/0/Gemm`: its weight has shape [32, 64], layer 0 needs [16, 64]"
/// );
/// # Ok::<(), constnet::persist::OnnxError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Onnx<'a> {
    graph: Graph<'a>,
    opset: i64,
    input: &'a str,
    output: &'a str,
    input_width: Option<u64>,
    non_finite: NonFinite,
}

impl<'a> Onnx<'a> {
    /// Reads the model `bytes` and checks it: a well-formed message, one graph with one input
    /// (one sample `[1, N]`, a batch `[batch, N]` or `[N]`) and one output, and nodes that form
    /// one chain of supported operators with constant weights of sound sizes.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, OnnxError> {
        let model = Model::parse(bytes)?;
        let graph = Graph { bytes: model.graph };
        let (input, output) = graph.ends()?;
        let input_width = match input.rank {
            1 => input.dims[0],
            // One sample, or a batch of any size.
            2 if matches!(input.dims[0], None | Some(1)) => input.dims[1],
            _ => {
                return Err(OnnxError::BadModel(
                    "the input must be one sample, [1, N] or [N], or a batch, [batch, N]",
                ));
            }
        };
        graph.each_initializer(|_| Ok(()))?;
        let onnx = Self {
            graph,
            opset: model.opset,
            input: input.name,
            output: output.name,
            input_width,
            non_finite: NonFinite::Accept,
        };
        for layer in onnx.layers() {
            layer?;
        }
        Ok(onnx)
    }

    /// What to do with NaN or infinite weights: load them as they are ([`NonFinite::Accept`],
    /// the default), or refuse the model with [`OnnxError::NotFinite`].
    pub fn non_finite(mut self, policy: NonFinite) -> Self {
        self.non_finite = policy;
        self
    }

    /// The version of the standard operator set the model uses (17 for `torch.onnx.export`'s
    /// default in PyTorch 2.x).
    pub fn opset(&self) -> i64 {
        self.opset
    }

    /// The width of the graph's input, when the graph gives it.
    pub fn input_width(&self) -> Option<u64> {
        self.input_width
    }

    /// The layers of the graph, in order: what [`Onnx::load`] matches against the network's
    /// layers, for tools that describe a model (the `inspect` example prints the constnet type
    /// of a model file from it).
    pub fn layers(&self) -> Layers<'a> {
        Layers {
            graph: self.graph,
            nodes: self.graph.nodes(),
            current: self.input,
            output: self.output,
            done: false,
        }
    }

    /// A network of type `N` with the model's weights; tensors ONNX does not hold (batch
    /// norm's `gamma` and `eps`) keep their defaults.
    pub fn load<T: Scalar, N>(&self) -> Result<N, OnnxError>
    where
        N: Persist<T> + LinesUp + Default,
    {
        let mut net = N::default();
        self.load_into(&mut net)?;
        Ok(net)
    }

    /// Replaces the weights of `net` with the model's. Everything is checked first, so on an
    /// error `net` is unchanged.
    pub fn load_into<T: Scalar, N>(&self, net: &mut N) -> Result<(), OnnxError>
    where
        N: Persist<T> + LinesUp,
    {
        let layers = || self.layers().map(|layer| layer.map(|l| l.graph));
        chain::load_into::<T, N, _, _, _, _>(net, layers, self.non_finite).map_err(OnnxError::from)
    }
}

impl<'a> Constant for Tensor<'a> {
    type Error = OnnxError;
    fn dtype(&self) -> &'static str {
        dtype_name(self.data_type)
    }
    fn shape(&self) -> Shape {
        Tensor::shape(self)
    }
    fn each_value(&self, f: impl FnMut(usize, f64)) -> Result<(), OnnxError> {
        Tensor::each_value(self, f)
    }
}

impl<'a> From<Mismatch<'a, OnnxName, OnnxError>> for OnnxError {
    fn from(m: Mismatch<'a, OnnxName, OnnxError>) -> Self {
        match m {
            Mismatch::Source(e) => e,
            Mismatch::NoForm { layer, kind } => Self::NoOnnxForm { layer, kind },
            Mismatch::WrongOp {
                layer,
                kind,
                expected,
                at,
                found,
            } => Self::LayerMismatch {
                layer,
                kind,
                expected,
                node: at,
                found: OnnxName::from_text(found),
            },
            Mismatch::MissingLayer { layer, kind } => Self::MissingNode { layer, kind },
            Mismatch::ExtraLayer { at, found } => Self::ExtraNode {
                node: at,
                op_type: OnnxName::from_text(found),
            },
            Mismatch::WrongShape {
                at,
                layer,
                field,
                expected,
                found,
            } => Self::WrongShape {
                node: at,
                layer,
                field,
                expected,
                found,
            },
            Mismatch::WrongDtype {
                at,
                layer,
                field,
                expected,
                found,
            } => Self::WrongDtype {
                node: at,
                layer,
                field,
                expected,
                found,
            },
            Mismatch::NotFinite {
                at,
                layer,
                field,
                index,
            } => Self::NotFinite {
                node: at,
                layer,
                field,
                index,
            },
            Mismatch::InvalidValue {
                at,
                layer,
                field,
                index,
            } => Self::InvalidValue {
                node: at,
                layer,
                field,
                index,
            },
        }
    }
}

/// The name of an ONNX data type, for errors.
fn dtype_name(data_type: i32) -> &'static str {
    match data_type {
        1 => "float",
        2 => "uint8",
        3 => "int8",
        5 => "int16",
        6 => "int32",
        7 => "int64",
        10 => "float16",
        11 => "double",
        16 => "bfloat16",
        _ => "another type",
    }
}

/// One layer of an ONNX graph: a node (or a `MatMul` and its `Add`) and its constant inputs.
///
/// ```
/// use constnet::persist::Onnx;
/// let model = Onnx::parse(include_bytes!("../../../tests/fixtures/onnx/mlp.onnx"))?;
/// let ops: Vec<&str> = model.layers().map(|layer| layer.map(|l| l.op())).collect::<Result<_, _>>()?;
/// assert_eq!(ops, ["Gemm", "Relu", "Gemm", "Softmax"]);
/// # Ok::<(), constnet::persist::OnnxError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct OnnxLayer<'a> {
    node: Node<'a>,
    graph: GraphLayer<'a, Tensor<'a>, OnnxName>,
}

impl<'a> OnnxLayer<'a> {
    /// The operator, as a layer declares it: `"Gemm"` also for a `MatMul` and its `Add`.
    pub fn op(&self) -> &'a str {
        self.graph.op
    }

    /// The node's name (its first output's, when it has none).
    pub fn node(&self) -> OnnxName {
        self.node.label()
    }

    /// The node's constant inputs in order (weight, then bias; batch normalization's scale,
    /// bias, mean and variance); `None` for an omitted optional one.
    pub fn tensors(&self) -> impl Iterator<Item = Option<OnnxTensor<'a>>> + '_ {
        let count = match self.graph.op {
            "Gemm" => 2,
            "BatchNormalization" => 4,
            _ => 0,
        };
        self.graph.constants[..count]
            .iter()
            .map(|t| t.map(|tensor| OnnxTensor { tensor }))
    }

    /// For a matrix: `true` when its rows are the layer's outputs (`OUT x IN`, PyTorch's
    /// layout, `Gemm` with `transB = 1`), `false` when they are its inputs (`MatMul`).
    pub fn rows_are_outputs(&self) -> bool {
        self.graph.rows_are_outputs
    }

    /// Batch normalization's `epsilon` (`1e-5` when the node does not give it).
    pub fn epsilon(&self) -> f64 {
        self.graph.epsilon
    }
}

/// A constant tensor of an ONNX graph.
///
/// ```
/// use constnet::persist::Onnx;
/// let model = Onnx::parse(include_bytes!("../../../tests/fixtures/onnx/mlp.onnx"))?;
/// let first = model.layers().next().unwrap()?;
/// let weight = first.tensors().next().unwrap().unwrap();
/// assert_eq!((weight.shape().to_string(), weight.dtype()), ("[32, 64]".to_string(), "float"));
/// # Ok::<(), constnet::persist::OnnxError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct OnnxTensor<'a> {
    tensor: Tensor<'a>,
}

impl<'a> OnnxTensor<'a> {
    /// Its name in the graph (`"0.weight"` in a PyTorch export).
    pub fn name(&self) -> &'a str {
        self.tensor.name
    }

    /// Its shape.
    pub fn shape(&self) -> Shape {
        self.tensor.shape()
    }

    /// Its data type's name (`"float"`, `"double"`).
    pub fn dtype(&self) -> &'static str {
        dtype_name(self.tensor.data_type)
    }

    /// Calls `f(index, value)` for each value, in the graph's order.
    pub fn each_value(&self, f: impl FnMut(usize, f64)) -> Result<(), OnnxError> {
        self.tensor.each_value(f)
    }
}

/// The layers of an ONNX graph, in order ([`Onnx::layers`]).
///
/// ```
/// use constnet::persist::Onnx;
/// let model = Onnx::parse(include_bytes!("../../../tests/fixtures/onnx/mlp_bn.onnx"))?;
/// for layer in model.layers() {
///     let layer = layer?;
///     println!("{} ({})", layer.op(), layer.node().as_str());
/// }
/// # Ok::<(), constnet::persist::OnnxError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Layers<'a> {
    graph: Graph<'a>,
    nodes: Fields<'a>,
    current: &'a str,
    output: &'a str,
    done: bool,
}

impl<'a> Iterator for Layers<'a> {
    type Item = Result<OnnxLayer<'a>, OnnxError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let next = self.step();
        if !matches!(next, Some(Ok(_))) {
            self.done = true;
        }
        next
    }
}

impl<'a> Layers<'a> {
    fn step(&mut self) -> Option<Result<OnnxLayer<'a>, OnnxError>> {
        loop {
            let node = match self.next_node()? {
                Ok(node) => node,
                Err(e) => return Some(Err(e)),
            };
            match self.layer_of(node) {
                Ok(Some(graph)) => return Some(Ok(OnnxLayer { node, graph })),
                Ok(None) => {}
                Err(e) => return Some(Err(e)),
            }
        }
    }

    /// The next node that computes something (not a `Constant`); at the graph's end, `None`
    /// when the chain reached the output, or an error.
    fn next_node(&mut self) -> Option<Result<Node<'a>, OnnxError>> {
        for field in self.nodes.by_ref() {
            let node = match field {
                Ok((1, protobuf::Value::Bytes(b))) => Node::parse(b),
                Ok(_) => continue,
                Err(e) => Err(graph::malformed(e)),
            };
            match node {
                Ok(node) if node.op_type == "Constant" => continue,
                other => return Some(other),
            }
        }
        if self.current == self.output {
            None
        } else {
            Some(Err(OnnxError::NotAChain {
                node: OnnxName::from_text(self.output),
            }))
        }
    }

    /// The input of `node` that is the chain's value: the one input that is not a constant,
    /// which must be the previous node's output.
    fn follow(&mut self, node: &Node<'a>) -> Result<(), OnnxError> {
        let mut computed = 0;
        let mut follows = false;
        for &input in node.inputs().unwrap_or_default() {
            if !input.is_empty() && self.graph.constant(input)?.is_none() {
                computed += 1;
                follows |= input == self.current;
            }
        }
        if computed != 1 || !follows {
            return Err(OnnxError::NotAChain { node: node.label() });
        }
        self.current = node.outputs[0];
        Ok(())
    }

    /// The constant input `at` of `node` (`None` when omitted).
    fn constant(&self, node: &Node<'a>, at: usize) -> Result<Option<Tensor<'a>>, OnnxError> {
        match node.inputs().unwrap_or_default().get(at) {
            None | Some(&"") => Ok(None),
            Some(&name) => match self.graph.constant(name)? {
                Some(t) => Ok(Some(t)),
                None => Err(OnnxError::MissingConstant {
                    node: node.label(),
                    input: OnnxName::from_text(name),
                }),
            },
        }
    }

    /// The layer `node` is, `None` for a node that changes nothing (dropped).
    #[allow(clippy::type_complexity)]
    fn layer_of(
        &mut self,
        node: Node<'a>,
    ) -> Result<Option<GraphLayer<'a, Tensor<'a>, OnnxName>>, OnnxError> {
        let unsupported = || OnnxError::UnsupportedOperator {
            node: node.label(),
            op_type: OnnxName::from_text(node.op_type),
        };
        if !(node.domain.is_empty() || node.domain == "ai.onnx") || node.inputs().is_none() {
            return Err(unsupported());
        }
        self.follow(&node)?;
        let mut layer = GraphLayer {
            op: node.op_type,
            at: node.label(),
            constants: [None; MAX_CONSTANTS],
            rows_are_outputs: false,
            epsilon: 1e-5,
        };
        let bad_attribute = |name: &str| OnnxError::UnsupportedAttribute {
            node: node.label(),
            attribute: OnnxName::from_text(name),
        };
        match node.op_type {
            "Identity" => {
                node.each_attribute(|a| Err(bad_attribute(a.name)))?;
                Ok(None)
            }
            "Dropout" => {
                node.each_attribute(|a| match a.name {
                    "seed" | "ratio" | "is_test" => Ok(()),
                    _ => Err(bad_attribute(a.name)),
                })?;
                // Inference only: a `training_mode` input, even a constant false, is refused
                // rather than interpreted.
                if self.constant(&node, 2)?.is_some() {
                    return Err(bad_attribute("training_mode"));
                }
                Ok(None)
            }
            "Flatten" => {
                node.each_attribute(|a| match (a.name, a.int) {
                    ("axis", Some(1)) => Ok(()),
                    _ => Err(bad_attribute(a.name)),
                })?;
                Ok(None)
            }
            "Relu" | "Sigmoid" | "Tanh" => {
                node.each_attribute(|a| Err(bad_attribute(a.name)))?;
                Ok(Some(layer))
            }
            "Softmax" => {
                // The last axis of a `[batch, N]` value: -1 (opset 13's default) or 1 (the
                // default before).
                node.each_attribute(|a| match (a.name, a.int) {
                    ("axis", Some(-1 | 1)) => Ok(()),
                    _ => Err(bad_attribute(a.name)),
                })?;
                Ok(Some(layer))
            }
            "Gemm" => {
                node.each_attribute(|a| match (a.name, a.int, a.float) {
                    ("transB", Some(t @ (0 | 1)), _) => {
                        layer.rows_are_outputs = t == 1;
                        Ok(())
                    }
                    ("transA", Some(0), _) => Ok(()),
                    ("alpha" | "beta", _, Some(1.0)) => Ok(()),
                    _ => Err(bad_attribute(a.name)),
                })?;
                layer.constants[0] =
                    Some(self.constant(&node, 1)?.ok_or_else(|| bad_attribute("B"))?);
                layer.constants[1] = self.constant(&node, 2)?;
                Ok(Some(layer))
            }
            "MatMul" => {
                layer.op = "Gemm";
                layer.constants[0] =
                    Some(self.constant(&node, 1)?.ok_or_else(|| bad_attribute("B"))?);
                // The bias, if the next node adds a constant to the product.
                let mut ahead = self.nodes.clone();
                for field in ahead.by_ref() {
                    let Ok((1, protobuf::Value::Bytes(b))) = field else {
                        continue;
                    };
                    let next = Node::parse(b)?;
                    if next.op_type == "Constant" {
                        continue;
                    }
                    let next_inputs = next.inputs().unwrap_or_default();
                    if next.op_type == "Add" && next_inputs.contains(&self.current) {
                        let other = next_inputs.iter().position(|&i| i != self.current);
                        let bias = other.map(|at| self.constant(&next, at)).transpose()?;
                        self.follow(&next)?;
                        layer.constants[1] = bias.flatten();
                        self.nodes = ahead;
                    }
                    break;
                }
                Ok(Some(layer))
            }
            "BatchNormalization" => {
                node.each_attribute(|a| match (a.name, a.int, a.float) {
                    ("epsilon", _, Some(eps)) => {
                        layer.epsilon = f64::from(eps);
                        Ok(())
                    }
                    ("momentum", _, _)
                    | ("training_mode", Some(0), _)
                    | ("spatial", Some(1), _) => Ok(()),
                    _ => Err(bad_attribute(a.name)),
                })?;
                for (at, slot) in layer.constants.iter_mut().enumerate() {
                    *slot = Some(
                        self.constant(&node, at + 1)?
                            .ok_or_else(|| bad_attribute("scale, B, mean or var"))?,
                    );
                }
                Ok(Some(layer))
            }
            _ => Err(unsupported()),
        }
    }
}

#[cfg(test)]
mod tests {
    //! Graphs written by hand in the wire format, for what the PyTorch fixtures do not hold:
    //! typed (not raw) weights, an omitted bias, an operator with many inputs, external data.
    use super::*;
    use crate::{Linear, Module};

    /// A tiny protocol buffers writer: `key` then the value.
    struct Writer {
        bytes: [u8; 512],
        len: usize,
    }

    impl Writer {
        fn new() -> Self {
            Self {
                bytes: [0; 512],
                len: 0,
            }
        }
        fn varint(&mut self, mut v: u64) -> &mut Self {
            loop {
                let byte = (v & 0x7f) as u8;
                v >>= 7;
                self.bytes[self.len] = byte | if v > 0 { 0x80 } else { 0 };
                self.len += 1;
                if v == 0 {
                    return self;
                }
            }
        }
        fn int(&mut self, field: u64, v: u64) -> &mut Self {
            self.varint(field << 3).varint(v)
        }
        fn bytes(&mut self, field: u64, b: &[u8]) -> &mut Self {
            self.varint(field << 3 | 2).varint(b.len() as u64);
            self.bytes[self.len..self.len + b.len()].copy_from_slice(b);
            self.len += b.len();
            self
        }
        fn message(&mut self, field: u64, m: &Writer) -> &mut Self {
            self.bytes(field, &m.bytes[..m.len])
        }
        fn done(&self) -> &[u8] {
            &self.bytes[..self.len]
        }
    }

    /// `ValueInfoProto` named `name` of shape `[1, width]`.
    fn value_info(name: &str, width: u64) -> Writer {
        let mut dim1 = Writer::new();
        dim1.int(1, 1);
        let mut dim2 = Writer::new();
        dim2.int(1, width);
        let mut shape = Writer::new();
        shape.message(1, &dim1).message(1, &dim2);
        let mut tensor_type = Writer::new();
        tensor_type.int(1, 1).message(2, &shape);
        let mut ty = Writer::new();
        ty.message(1, &tensor_type);
        let mut info = Writer::new();
        info.bytes(1, name.as_bytes()).message(2, &ty);
        info
    }

    /// A model of one node `node` between input `x` ([1, 2]) and output `y` ([1, 2]), with
    /// `initializer` (if any) and the standard operators at version 17.
    fn model(node: &Writer, initializer: Option<&Writer>) -> Writer {
        let mut graph = Writer::new();
        graph.message(1, node);
        if let Some(init) = initializer {
            graph.message(5, init);
        }
        graph
            .message(11, &value_info("x", 2))
            .message(12, &value_info("y", 2));
        let mut opset = Writer::new();
        opset.int(2, 17);
        let mut model = Writer::new();
        model.int(1, 8).message(7, &graph).message(8, &opset);
        model
    }

    /// `W` as a 2 x 2 float tensor in the typed `float_data` field, packed.
    fn weights(extra: impl FnOnce(&mut Writer)) -> Writer {
        let mut packed = [0u8; 16];
        for (i, v) in [1.0f32, 2.0, 3.0, 4.0].iter().enumerate() {
            packed[4 * i..4 * i + 4].copy_from_slice(&v.to_le_bytes());
        }
        let mut dims = Writer::new();
        dims.varint(2).varint(2);
        let mut t = Writer::new();
        t.bytes(1, dims.done())
            .int(2, 1)
            .bytes(4, &packed)
            .bytes(8, b"W");
        extra(&mut t);
        t
    }

    #[test]
    fn typed_weights_and_an_omitted_bias_load() {
        let mut gemm = Writer::new();
        gemm.bytes(1, b"x")
            .bytes(1, b"W")
            .bytes(2, b"y")
            .bytes(4, b"Gemm");
        let model = model(&gemm, Some(&weights(|_| {})));
        let onnx = Onnx::parse(model.done()).unwrap();
        let mut net = (Linear::<2, 2>::zeros(),);
        net.0.w0 = [7.0, 7.0];
        onnx.load_into(&mut net).unwrap();
        // transB = 0: the graph's B is IN x OUT, as `W` is; the omitted bias is zeros.
        assert_eq!(net.0.w, [[1.0, 2.0], [3.0, 4.0]]);
        assert_eq!(net.0.w0, [0.0, 0.0]);
        assert_eq!(net.forward(&[1.0, 1.0]), [4.0, 6.0]);
    }

    #[test]
    fn many_inputs_and_external_data_are_typed_errors() {
        let mut concat = Writer::new();
        concat.bytes(1, b"x");
        for _ in 0..7 {
            concat.bytes(1, b"W");
        }
        concat.bytes(2, b"y").bytes(4, b"Concat");
        let file = self::model(&concat, Some(&weights(|_| {})));
        assert!(matches!(
            Onnx::parse(file.done()),
            Err(OnnxError::UnsupportedOperator { op_type, .. }) if op_type.as_str() == "Concat"
        ));

        let mut gemm = Writer::new();
        gemm.bytes(1, b"x")
            .bytes(1, b"W")
            .bytes(2, b"y")
            .bytes(4, b"Gemm");
        let external = weights(|t| {
            t.int(14, 1);
        });
        let file = self::model(&gemm, Some(&external));
        assert!(matches!(
            Onnx::parse(file.done()),
            Err(OnnxError::ExternalData { tensor }) if tensor.as_str() == "W"
        ));
        // A weight that is not a constant.
        let file = self::model(&gemm, None);
        assert!(matches!(
            Onnx::parse(file.done()),
            Err(OnnxError::BadModel(_) | OnnxError::NotAChain { .. })
        ));
    }
}
