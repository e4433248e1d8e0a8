//! Loading a chain of layers read from a graph file into a network (chapter section 2.2: a
//! network is its layers in order), shared by the ONNX import and the float `.tflite` import.
//!
//! A format reads its graph into [`GraphLayer`]s, in ONNX's vocabulary of operators, each with
//! its constant inputs. The network's layers, walked in order (nested tuples flattened), take
//! them one by one, as each layer declares with its [`OnnxOp`]: a layer of `OnnxOp::Node(op)`
//! takes the next graph layer, which must be an `op`, and each of its tensors with a [`Torch`]
//! name takes the graph layer's next constant; an `OnnxOp::Dropped` layer takes nothing.

use super::{NonFinite, Shape};
use crate::Scalar;
use crate::schema::{Domain, Item, LayerInfo, OnnxOp, Persist, TensorInfo, Torch};

/// The most constant inputs a layer takes (batch normalization has 4).
pub(super) const MAX_CONSTANTS: usize = 4;

/// A constant tensor of a graph file.
pub(super) trait Constant: Copy {
    /// Why its values could not be read (never, once its file is parsed).
    type Error;
    /// Its element type: `"float"`, `"double"`, or another type's name.
    fn dtype(&self) -> &'static str;
    /// Its shape.
    fn shape(&self) -> Shape;
    /// Calls `f(index, value)` for each value, in the file's order.
    fn each_value(&self, f: impl FnMut(usize, f64)) -> Result<(), Self::Error>;
}

/// One layer of a graph: an operator (in ONNX's vocabulary: `"Gemm"`, `"Relu"`, ...), where
/// it is in the file (`L`, for errors) and its constant inputs.
#[derive(Clone, Copy, Debug)]
pub(super) struct GraphLayer<'a, C, L> {
    pub(super) op: &'a str,
    pub(super) at: L,
    pub(super) constants: [Option<C>; MAX_CONSTANTS],
    /// A matrix is `OUT x IN` (PyTorch's and TFLite's layout) rather than `IN x OUT`.
    pub(super) rows_are_outputs: bool,
    /// Batch normalization's `epsilon`.
    pub(super) epsilon: f64,
}

/// Why a graph's layers do not make the network; each format turns it into its own error,
/// with `L` saying where in the file.
#[derive(Clone, Copy, Debug)]
pub(super) enum Mismatch<'a, L, E> {
    /// The file itself (never, once parsed).
    Source(E),
    NoForm {
        layer: usize,
        kind: &'static str,
    },
    WrongOp {
        layer: usize,
        kind: &'static str,
        expected: &'static str,
        at: L,
        found: &'a str,
    },
    MissingLayer {
        layer: usize,
        kind: &'static str,
    },
    ExtraLayer {
        at: L,
        found: &'a str,
    },
    WrongShape {
        at: L,
        layer: usize,
        field: &'static str,
        expected: Shape,
        found: Shape,
    },
    WrongDtype {
        at: L,
        layer: usize,
        field: &'static str,
        expected: &'static str,
        found: &'static str,
    },
    NotFinite {
        at: L,
        layer: usize,
        field: &'static str,
        index: usize,
    },
    InvalidValue {
        at: L,
        layer: usize,
        field: &'static str,
        index: usize,
    },
}

/// Replaces the weights of `net` with those of the graph layers `layers()` gives (called once
/// to check, once to load). Everything is checked first, so on an error `net` is unchanged.
pub(super) fn load_into<'a, T, N, C, L, E, I>(
    net: &mut N,
    layers: impl Fn() -> I,
    non_finite: NonFinite,
) -> Result<(), Mismatch<'a, L, E>>
where
    T: Scalar,
    N: Persist<T>,
    C: Constant<Error = E>,
    L: Copy,
    I: Iterator<Item = Result<GraphLayer<'a, C, L>, E>>,
{
    let mut matcher = Matcher::new(layers());
    net.visit_items(&mut |item| match item {
        Item::Layer(info) => matcher.layer(info),
        Item::Tensor(info, _) => {
            if let Some((layer, index, Some(constant))) = matcher.tensor(info) {
                let result = check::<T, _, _, _>(&layer, index, &constant, info, non_finite);
                matcher.fail(result);
            }
        }
        _ => {}
    });
    matcher.finish()?;

    let mut matcher = Matcher::new(layers());
    N::walk_items([net], &mut |item| match item {
        Item::Layer(info) => matcher.layer(info),
        Item::Tensor(info, [values]) => match matcher.tensor(info) {
            Some((layer, _, Some(constant))) => {
                let result = read(&layer, &constant, info, values).map_err(Mismatch::Source);
                matcher.fail(result);
            }
            // An omitted optional input (a `Gemm` without a bias) is zeros.
            Some((_, _, None)) => values.fill(T::zero()),
            None => {}
        },
        _ => {}
    });
    matcher.result
}

/// Checks a constant against the tensor `info` of layer `index`: its type, its shape (in the
/// graph's layout) and its values.
fn check<'a, T: Scalar, C, L: Copy, E>(
    layer: &GraphLayer<'a, C, L>,
    index: usize,
    constant: &C,
    info: &TensorInfo<'_>,
    non_finite: NonFinite,
) -> Result<(), Mismatch<'a, L, E>>
where
    C: Constant<Error = E>,
{
    let at = layer.at;
    let field = info.torch.name().unwrap_or(info.name);
    // Every float is a double exactly; a double fits only an f64 network.
    let exact = match constant.dtype() {
        "float" => true,
        "double" => T::BYTES == 8,
        _ => false,
    };
    if !exact {
        return Err(Mismatch::WrongDtype {
            at,
            layer: index,
            field,
            expected: T::NAME,
            found: constant.dtype(),
        });
    }
    let mut dims = [0usize; 4];
    let rank = info.dims.len().min(4);
    dims[..rank].copy_from_slice(&info.dims[..rank]);
    if matches!(info.torch, Torch::Transposed(_)) && layer.rows_are_outputs {
        dims[..rank].reverse();
    }
    let expected = Shape::of(&dims[..rank]);
    if constant.shape() != expected {
        return Err(Mismatch::WrongShape {
            at,
            layer: index,
            field,
            expected,
            found: constant.shape(),
        });
    }
    // A variance is never negative (its square root would be NaN).
    let domain = match info.torch {
        Torch::StdDevOfVariance { .. } => Domain::NonNegative,
        _ => info.domain,
    };
    let mut problem = None;
    constant
        .each_value(|i, v| {
            if problem.is_some() {
                return;
            }
            if non_finite == NonFinite::Reject && !T::from_f64(v).is_finite() {
                problem = Some(Mismatch::NotFinite {
                    at,
                    layer: index,
                    field,
                    index: i,
                });
            } else if !domain.allows(v) {
                problem = Some(Mismatch::InvalidValue {
                    at,
                    layer: index,
                    field,
                    index: i,
                });
            }
        })
        .map_err(Mismatch::Source)?;
    problem.map_or(Ok(()), Err)
}

/// Copies a checked constant into the layer's tensor, converting as its [`Torch`] says.
fn read<T: Scalar, C: Constant, L>(
    layer: &GraphLayer<'_, C, L>,
    constant: &C,
    info: &TensorInfo<'_>,
    values: &mut [T],
) -> Result<(), C::Error> {
    match info.torch {
        Torch::Transposed(_) if layer.rows_are_outputs => {
            let (rows, columns) = match *info.dims {
                [rows, columns] => (rows, columns),
                _ => (values.len(), 1),
            };
            // The graph's `i`-th value is output `i / rows`, input `i % rows`.
            constant.each_value(|i, v| {
                let (out, input) = (i / rows.max(1), i % rows.max(1));
                if let Some(slot) = values.get_mut(input * columns + out) {
                    *slot = T::from_f64(v);
                }
            })
        }
        Torch::StdDevOfVariance { eps, .. } => {
            let (graph_eps, eps) = (T::from_f64(layer.epsilon), T::from_f64(eps));
            constant.each_value(|i, var| {
                if let Some(sigma) = values.get_mut(i) {
                    // `sigma + eps` is exactly the graph's `sqrt(var + epsilon)`.
                    *sigma = crate::math::sqrt(T::from_f64(var) + graph_eps) - eps;
                }
            })
        }
        _ => constant.each_value(|i, v| {
            if let Some(slot) = values.get_mut(i) {
                *slot = T::from_f64(v);
            }
        }),
    }
}

/// Walks the network's layers beside the graph's, pairing each layer with its graph layer and
/// each tensor with a constant; the first problem is kept.
struct Matcher<'a, C, L, E, I> {
    layers: I,
    current: Option<(GraphLayer<'a, C, L>, usize)>,
    next_constant: usize,
    index: usize,
    result: Result<(), Mismatch<'a, L, E>>,
}

impl<'a, C: Copy, L: Copy, E, I> Matcher<'a, C, L, E, I>
where
    I: Iterator<Item = Result<GraphLayer<'a, C, L>, E>>,
{
    fn new(layers: I) -> Self {
        Self {
            layers,
            current: None,
            next_constant: 0,
            index: 0,
            result: Ok(()),
        }
    }

    fn fail(&mut self, result: Result<(), Mismatch<'a, L, E>>) {
        if self.result.is_ok() {
            self.result = result;
        }
    }

    fn layer(&mut self, info: &LayerInfo<'_>) {
        let index = self.index;
        self.index += 1;
        self.current = None;
        self.next_constant = 0;
        if self.result.is_err() {
            return;
        }
        let kind = info.kind();
        let result = match info.onnx {
            OnnxOp::Dropped => Ok(()),
            OnnxOp::Node(op) => match self.layers.next() {
                None => Err(Mismatch::MissingLayer { layer: index, kind }),
                Some(Err(e)) => Err(Mismatch::Source(e)),
                Some(Ok(layer)) if layer.op == op => {
                    self.current = Some((layer, index));
                    Ok(())
                }
                Some(Ok(layer)) => Err(Mismatch::WrongOp {
                    layer: index,
                    kind,
                    expected: op,
                    at: layer.at,
                    found: layer.op,
                }),
            },
            _ => Err(Mismatch::NoForm { layer: index, kind }),
        };
        self.fail(result);
    }

    /// The graph layer, the network layer's index and the constant for this tensor (`None`
    /// inside for an omitted one), or `None` when the tensor is not in graphs or a problem
    /// was found.
    #[allow(clippy::type_complexity)]
    fn tensor(
        &mut self,
        info: &TensorInfo<'_>,
    ) -> Option<(GraphLayer<'a, C, L>, usize, Option<C>)> {
        info.torch.name()?;
        let (layer, index) = self.current?;
        if self.result.is_err() {
            return None;
        }
        let at = self.next_constant;
        self.next_constant += 1;
        Some((layer, index, layer.constants.get(at).copied().flatten()))
    }

    fn finish(mut self) -> Result<(), Mismatch<'a, L, E>> {
        self.result?;
        match self.layers.next() {
            None => Ok(()),
            Some(Err(e)) => Err(Mismatch::Source(e)),
            Some(Ok(extra)) => Err(Mismatch::ExtraLayer {
                at: extra.at,
                found: extra.op,
            }),
        }
    }
}
