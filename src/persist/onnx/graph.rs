//! An ONNX model's messages, read in place: the graph, its nodes with their attributes, and
//! its initializers (field numbers from `onnx.proto`, IR versions 3 and later).
//!
//! Only what an MLP needs is interpreted; every other field is skipped, as protocol buffers
//! readers do, except those that change what the tensors hold (external data) or what a node
//! computes (attributes), which are errors when not understood.

use super::error::{OnnxError, OnnxName};
use super::protobuf::{self, Bytes, Fields, Value, WireError};
use crate::persist::Shape;

pub(super) fn malformed(e: WireError) -> OnnxError {
    OnnxError::Malformed { offset: e.offset }
}

/// `TensorProto.DataType` values this reader knows.
pub(super) const FLOAT: i32 = 1;
pub(super) const INT64: i32 = 7;
pub(super) const DOUBLE: i32 = 11;

/// The most inputs a node may have here (batch normalization has 5).
const MAX_INPUTS: usize = 6;

/// A string field, which must be UTF-8.
fn string(value: Value<'_>) -> Result<&str, OnnxError> {
    match value {
        Value::Bytes(b) => {
            core::str::from_utf8(b.bytes).map_err(|_| OnnxError::Malformed { offset: b.offset })
        }
        _ => Err(OnnxError::Malformed { offset: 0 }),
    }
}

fn length_delimited(value: Value<'_>) -> Result<Bytes<'_>, OnnxError> {
    match value {
        Value::Bytes(b) => Ok(b),
        _ => Err(OnnxError::Malformed { offset: 0 }),
    }
}

fn int(value: Value<'_>) -> Result<i64, OnnxError> {
    match value {
        Value::Varint(v) => Ok(v as i64),
        _ => Err(OnnxError::Malformed { offset: 0 }),
    }
}

/// `ModelProto`: the graph and the version of the standard operator set it uses.
#[derive(Clone, Copy, Debug)]
pub(super) struct Model<'a> {
    pub(super) graph: Bytes<'a>,
    /// The version of the default (`""` or `"ai.onnx"`) operator set.
    pub(super) opset: i64,
}

impl<'a> Model<'a> {
    pub(super) fn parse(bytes: &'a [u8]) -> Result<Self, OnnxError> {
        let mut graph = None;
        let mut opset = None;
        for field in protobuf::message(bytes) {
            match field.map_err(malformed)? {
                (7, _) if graph.is_some() => return Err(OnnxError::BadModel("two graphs")),
                (7, value) => graph = Some(length_delimited(value)?),
                (8, value) => {
                    let mut domain = "";
                    let mut version = None;
                    for field in length_delimited(value)?.fields() {
                        match field.map_err(malformed)? {
                            (1, v) => domain = string(v)?,
                            (2, v) => version = Some(int(v)?),
                            _ => {}
                        }
                    }
                    if domain.is_empty() || domain == "ai.onnx" {
                        opset = version;
                    }
                }
                _ => {}
            }
        }
        Ok(Self {
            graph: graph.ok_or(OnnxError::BadModel("no graph"))?,
            opset: opset.ok_or(OnnxError::BadModel("no version of the standard operators"))?,
        })
    }
}

/// `GraphProto`'s repeated fields.
#[derive(Clone, Copy, Debug)]
pub(super) struct Graph<'a> {
    pub(super) bytes: Bytes<'a>,
}

impl<'a> Graph<'a> {
    fn each(
        &self,
        number: u32,
        mut f: impl FnMut(Bytes<'a>) -> Result<(), OnnxError>,
    ) -> Result<(), OnnxError> {
        for field in self.bytes.fields() {
            let (n, value) = field.map_err(malformed)?;
            if n == number {
                f(length_delimited(value)?)?;
            }
        }
        Ok(())
    }

    /// Each node, in the graph's (topological) order.
    pub(super) fn nodes(&self) -> Fields<'a> {
        self.bytes.fields()
    }

    /// Each initializer.
    pub(super) fn each_initializer(
        &self,
        mut f: impl FnMut(Tensor<'a>) -> Result<(), OnnxError>,
    ) -> Result<(), OnnxError> {
        self.each(5, |b| f(Tensor::parse(b)?))
    }

    /// The initializer (or the value of a `Constant` node) named `name`.
    pub(super) fn constant(&self, name: &str) -> Result<Option<Tensor<'a>>, OnnxError> {
        let mut found = None;
        self.each_initializer(|t| {
            if t.name == name {
                found = Some(t);
            }
            Ok(())
        })?;
        if found.is_some() {
            return Ok(found);
        }
        self.each(1, |b| {
            let node = Node::parse(b)?;
            if node.op_type == "Constant" && node.outputs[0] == name {
                found = Some(node.constant_value()?);
            }
            Ok(())
        })?;
        Ok(found)
    }

    /// The one graph input that is not an initializer, and the one output.
    pub(super) fn ends(&self) -> Result<(ValueInfo<'a>, ValueInfo<'a>), OnnxError> {
        let mut input = None;
        let mut inputs = 0;
        self.each(11, |b| {
            let info = ValueInfo::parse(b)?;
            // Before IR version 4, initializers were listed among the inputs too.
            if self.constant(info.name)?.is_none() {
                inputs += 1;
                input = Some(info);
            }
            Ok(())
        })?;
        let mut output = None;
        let mut outputs = 0;
        self.each(12, |b| {
            outputs += 1;
            output = Some(ValueInfo::parse(b)?);
            Ok(())
        })?;
        if inputs != 1 {
            return Err(OnnxError::BadModel(
                "the graph must have exactly one input besides its initializers",
            ));
        }
        if outputs != 1 {
            return Err(OnnxError::BadModel(
                "the graph must have exactly one output",
            ));
        }
        match (input, output) {
            (Some(i), Some(o)) => Ok((i, o)),
            _ => Err(OnnxError::BadModel("the graph has no input or no output")),
        }
    }
}

/// `ValueInfoProto`: a graph input's or output's name and (if given) its shape.
#[derive(Clone, Copy, Debug)]
pub(super) struct ValueInfo<'a> {
    pub(super) name: &'a str,
    /// The dimensions; `None` for a symbolic one (a batch size).
    pub(super) dims: [Option<u64>; 4],
    pub(super) rank: usize,
}

impl<'a> ValueInfo<'a> {
    fn parse(b: Bytes<'a>) -> Result<Self, OnnxError> {
        let mut info = Self {
            name: "",
            dims: [None; 4],
            rank: 0,
        };
        for field in b.fields() {
            match field.map_err(malformed)? {
                (1, v) => info.name = string(v)?,
                // TypeProto.tensor_type.shape.dim[].dim_value
                (2, v) => {
                    for field in length_delimited(v)?.fields() {
                        let (1, tensor_type) = field.map_err(malformed)? else {
                            continue;
                        };
                        for field in length_delimited(tensor_type)?.fields() {
                            let (2, shape) = field.map_err(malformed)? else {
                                continue;
                            };
                            for field in length_delimited(shape)?.fields() {
                                let (1, dim) = field.map_err(malformed)? else {
                                    continue;
                                };
                                let mut value = None;
                                for field in length_delimited(dim)?.fields() {
                                    if let (1, v) = field.map_err(malformed)? {
                                        value = u64::try_from(int(v)?).ok();
                                    }
                                }
                                if let Some(slot) = info.dims.get_mut(info.rank) {
                                    *slot = value;
                                }
                                info.rank += 1;
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(info)
    }
}

/// `NodeProto`: an operator applied to named values.
#[derive(Clone, Copy, Debug)]
pub(super) struct Node<'a> {
    bytes: Bytes<'a>,
    pub(super) op_type: &'a str,
    pub(super) name: &'a str,
    pub(super) domain: &'a str,
    pub(super) inputs: [&'a str; MAX_INPUTS],
    pub(super) input_count: usize,
    pub(super) outputs: [&'a str; 2],
}

impl<'a> Node<'a> {
    pub(super) fn parse(bytes: Bytes<'a>) -> Result<Self, OnnxError> {
        let mut node = Self {
            bytes,
            op_type: "",
            name: "",
            domain: "",
            inputs: [""; MAX_INPUTS],
            input_count: 0,
            outputs: [""; 2],
        };
        let mut outputs = 0;
        for field in bytes.fields() {
            match field.map_err(malformed)? {
                (1, v) => {
                    let input = string(v)?;
                    // Inputs past the capacity are counted, not kept: no supported operator
                    // has that many, and `inputs` then refuses the node by its operator.
                    if let Some(slot) = node.inputs.get_mut(node.input_count) {
                        *slot = input;
                    }
                    node.input_count += 1;
                }
                (2, v) => {
                    if let Some(slot) = node.outputs.get_mut(outputs) {
                        *slot = string(v)?;
                    }
                    outputs += 1;
                }
                (3, v) => node.name = string(v)?,
                (4, v) => node.op_type = string(v)?,
                (7, v) => node.domain = string(v)?,
                _ => {}
            }
        }
        if node.op_type.is_empty() || outputs == 0 {
            return Err(OnnxError::Malformed {
                offset: bytes.offset,
            });
        }
        Ok(node)
    }

    /// The node's name for errors: its own, or its first output's when it has none.
    pub(super) fn label(&self) -> OnnxName {
        OnnxName::from_text(if self.name.is_empty() {
            self.outputs[0]
        } else {
            self.name
        })
    }

    /// The inputs actually given (an empty name is an omitted optional input), or `None` for
    /// a node with more than any supported operator takes.
    pub(super) fn inputs(&self) -> Option<&[&'a str]> {
        self.inputs.get(..self.input_count)
    }

    /// Each attribute.
    pub(super) fn each_attribute(
        &self,
        mut f: impl FnMut(Attribute<'a>) -> Result<(), OnnxError>,
    ) -> Result<(), OnnxError> {
        for field in self.bytes.fields() {
            if let (5, v) = field.map_err(malformed)? {
                f(Attribute::parse(length_delimited(v)?)?)?;
            }
        }
        Ok(())
    }

    /// The tensor a `Constant` node holds.
    fn constant_value(&self) -> Result<Tensor<'a>, OnnxError> {
        let mut value = None;
        self.each_attribute(|a| {
            match (a.name, a.tensor) {
                ("value", Some(t)) => value = Some(Tensor::parse(t)?),
                _ => {
                    return Err(OnnxError::UnsupportedAttribute {
                        node: self.label(),
                        attribute: OnnxName::from_text(a.name),
                    });
                }
            }
            Ok(())
        })?;
        value.ok_or(OnnxError::BadModel(
            "a Constant node without a tensor value",
        ))
    }
}

/// `AttributeProto`: a named constant of a node.
#[derive(Clone, Copy, Debug)]
pub(super) struct Attribute<'a> {
    pub(super) name: &'a str,
    /// `i` (an integer), if given.
    pub(super) int: Option<i64>,
    /// `f` (a float), if given.
    pub(super) float: Option<f32>,
    /// `t` (a tensor), if given.
    pub(super) tensor: Option<Bytes<'a>>,
}

impl<'a> Attribute<'a> {
    fn parse(b: Bytes<'a>) -> Result<Self, OnnxError> {
        let mut a = Self {
            name: "",
            int: None,
            float: None,
            tensor: None,
        };
        for field in b.fields() {
            match field.map_err(malformed)? {
                (1, v) => a.name = string(v)?,
                (2, Value::Fixed32(raw)) => a.float = Some(f32::from_le_bytes(raw)),
                (3, v) => a.int = Some(int(v)?),
                (5, v) => a.tensor = Some(length_delimited(v)?),
                _ => {}
            }
        }
        Ok(a)
    }
}

/// Where a tensor's values are.
#[derive(Clone, Copy, Debug)]
enum Data<'a> {
    /// `raw_data`: little-endian values, back to back.
    Raw(&'a [u8]),
    /// The typed field (`float_data`, `double_data`, `int64_data`) of this message, packed or
    /// not.
    Typed(Bytes<'a>, u32),
}

/// `TensorProto`: an initializer's name, type, shape and values.
#[derive(Clone, Copy, Debug)]
pub(super) struct Tensor<'a> {
    pub(super) name: &'a str,
    pub(super) data_type: i32,
    pub(super) dims: [u64; 4],
    pub(super) rank: usize,
    data: Data<'a>,
}

impl<'a> Tensor<'a> {
    fn parse(b: Bytes<'a>) -> Result<Self, OnnxError> {
        let mut t = Self {
            name: "",
            data_type: 0,
            dims: [0; 4],
            rank: 0,
            data: Data::Raw(&[]),
        };
        let mut raw = None;
        let mut external = false;
        for field in b.fields() {
            match field.map_err(malformed)? {
                (1, v) => protobuf::each_varint(v, |d| {
                    if let Some(slot) = t.dims.get_mut(t.rank) {
                        *slot = d;
                    }
                    t.rank += 1;
                    Ok(())
                })
                .map_err(|_| OnnxError::Malformed { offset: b.offset })?,
                (2, v) => t.data_type = int(v)? as i32,
                (8, v) => t.name = string(v)?,
                (9, v) => raw = Some(length_delimited(v)?.bytes),
                (14, Value::Varint(1)) => external = true,
                _ => {}
            }
        }
        let tensor_name = || OnnxName::from_text(t.name);
        if external {
            return Err(OnnxError::ExternalData {
                tensor: tensor_name(),
            });
        }
        if t.rank > 4 {
            return Err(OnnxError::BadTensor {
                tensor: tensor_name(),
            });
        }
        let field = match t.data_type {
            FLOAT => 4,
            DOUBLE => 10,
            INT64 => 7,
            // Other types are reported when a layer asks for the tensor.
            _ => 0,
        };
        t.data = match raw {
            Some(raw) => Data::Raw(raw),
            None => Data::Typed(b, field),
        };
        let count = t.count().ok_or(OnnxError::BadTensor {
            tensor: tensor_name(),
        })?;
        if field != 0 && t.stored()? != count {
            return Err(OnnxError::BadTensor {
                tensor: tensor_name(),
            });
        }
        Ok(t)
    }

    /// The number of values its shape says it has.
    pub(super) fn count(&self) -> Option<usize> {
        self.dims[..self.rank]
            .iter()
            .try_fold(1usize, |n, &d| n.checked_mul(usize::try_from(d).ok()?))
    }

    fn width(&self) -> usize {
        if self.data_type == FLOAT { 4 } else { 8 }
    }

    /// The number of values stored.
    fn stored(&self) -> Result<usize, OnnxError> {
        match self.data {
            Data::Raw(raw) => {
                if raw.len() % self.width() != 0 {
                    return Err(OnnxError::BadTensor {
                        tensor: OnnxName::from_text(self.name),
                    });
                }
                Ok(raw.len() / self.width())
            }
            Data::Typed(..) => {
                let mut n = 0;
                self.each_value(|_, _| n += 1)?;
                Ok(n)
            }
        }
    }

    /// The shape, for errors.
    pub(super) fn shape(&self) -> Shape {
        let mut dims = [0usize; 4];
        for (d, &s) in dims.iter_mut().zip(&self.dims) {
            *d = s as usize;
        }
        Shape::of(&dims[..self.rank])
    }

    /// Calls `f(index, value)` for every value in storage order (float and double tensors;
    /// int64 values are given as `f64`).
    pub(super) fn each_value(&self, mut f: impl FnMut(usize, f64)) -> Result<(), OnnxError> {
        let bad = || OnnxError::BadTensor {
            tensor: OnnxName::from_text(self.name),
        };
        let mut i = 0;
        let mut emit = |bytes: &[u8]| {
            let value = match bytes.len() {
                4 => f64::from(f32::from_le_bytes(bytes.try_into().unwrap_or([0; 4]))),
                _ => match self.data_type {
                    DOUBLE => f64::from_le_bytes(bytes.try_into().unwrap_or([0; 8])),
                    _ => i64::from_le_bytes(bytes.try_into().unwrap_or([0; 8])) as f64,
                },
            };
            f(i, value);
            i += 1;
        };
        match self.data {
            Data::Raw(raw) => raw.chunks_exact(self.width()).for_each(emit),
            Data::Typed(message, number) => {
                for field in message.fields() {
                    match field.map_err(malformed)? {
                        (n, _) if n != number => {}
                        // float_data: packed fixed32 or one per field.
                        (_, Value::Fixed32(raw)) if self.data_type == FLOAT => emit(&raw),
                        (_, Value::Fixed64(raw)) if self.data_type == DOUBLE => emit(&raw),
                        (_, Value::Varint(v)) if self.data_type == INT64 => emit(&v.to_le_bytes()),
                        (_, Value::Bytes(run)) if self.data_type == INT64 => {
                            protobuf::each_varint(Value::Bytes(run), |v| {
                                emit(&v.to_le_bytes());
                                Ok(())
                            })
                            .map_err(|_| bad())?;
                        }
                        (_, Value::Bytes(run)) => {
                            if run.bytes.len() % self.width() != 0 {
                                return Err(bad());
                            }
                            run.bytes.chunks_exact(self.width()).for_each(&mut emit);
                        }
                        _ => return Err(bad()),
                    }
                }
            }
        }
        Ok(())
    }
}
